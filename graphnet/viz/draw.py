"""``draw``: a Tensor, Graph or Node as a ``graphviz.Digraph``, micrograd style.

Values are records (name | value | grad), operations small circles with the op
symbol, edges run left to right in the order of the forward pass.
"""
from dataclasses import dataclass, field
from typing import Optional

import graphviz
import numpy as np

from . import colors
from .adapters import view_of
from .colors import GradScale
from .format import is_scalar, magnitude, shape_text, summary
from .formulas import derivative_formula, display_name, local_value
from .labels import FONT, FONT_SIZE, SMALL, cell, heatmap, legend, stack, table, text
from .plan import OpItem, VarItem, make_plan
from .render import Drawing

SHOW = frozenset({"name", "shape", "value", "grad", "local", "formula"})
DEFAULT_SHOW = ("name", "shape", "value", "grad")

SYMBOLS = {"Add": "+", "Sub": "-", "Mul": "*", "Div": "/", "Pow": "**", "MatMul": "@",
           "Neg": "neg", "Maximum": "max", "Minimum": "min", "Transpose": "T", "GetItem": "[ ]"}


@dataclass
class Emphasis:
    """What a step-through frame (or ``highlight=``) points at."""

    step: Optional[int] = None            # the target graph's step being evaluated
    phase: Optional[str] = None           # 'forward' | 'backward' | None
    fresh_values: set = field(default_factory=set)  # slots this step just computed
    fresh_grads: set = field(default_factory=set)
    read_values: set = field(default_factory=set)   # slots this step reads
    read_grads: set = field(default_factory=set)
    seed: Optional[int] = None            # slot seeded with d(out)/d(out) = 1
    notes: dict = field(default_factory=dict)  # input position -> text beside that edge


@dataclass
class Options:
    show: frozenset = frozenset(DEFAULT_SHOW)
    grad_flow: bool = False
    grad_scale: Optional[GradScale] = None
    heatmap: bool = False
    rankdir: str = "LR"
    title: Optional[str] = None
    caption: Optional[str] = None
    caption_width: Optional[int] = None
    widths: dict = field(default_factory=dict)  # (item id, cell) -> minimum points
    # (op item id, input position) -> points reserved for a note beside that edge
    # in every frame, so notes neither overlap nor move the layout when they appear.
    note_widths: dict = field(default_factory=dict)
    emphasis: Emphasis = field(default_factory=Emphasis)


def draw(target, *, show=DEFAULT_SHOW, grad_flow=False, expand=False, max_nodes=250,
         max_fanout=8, heatmap=False, highlight=None, title=None, rankdir="LR",
         inputs=None, grad_range=None, batch=None):
    """Draw ``target`` (a Tensor, list of Tensors, Graph or Node) as a graphviz.Digraph.

    show        what the boxes say, any of: 'name', 'shape', 'value', 'grad',
                'local' (each edge's local derivative, formula and value),
                'formula' (under each op symbol).
    grad_flow   colour nodes and edges by gradient magnitude (log scale, with legend).
    expand      draw composite nodes as clusters of their primitive nodes: True,
                a depth, or the names / op names of the nodes to expand.
    max_nodes   above this many operations, long runs of repeated blocks collapse
                into one "… N more …" node (None: never).
    max_fanout  a leaf used more often than this is drawn beside each use.
    heatmap     tensors show a tiny heatmap of their values and gradients.
    highlight   a node (or its name) to pick out.
    inputs      for a lone Node: input values to draw it (and its expansion) with.
    grad_range  (low, high) magnitudes fixing the colour scale; default: the graph's own.
    batch       data to draw the target on, for targets that compute (a model: (x, y)).
    """
    view = view_of(target, inputs, batch=batch, gradients=grad_flow or "grad" in show)
    unknown = set(show) - SHOW
    if unknown:
        raise ValueError(f"draw(show=...) knows {sorted(SHOW)}, not {sorted(unknown)}")
    show = set(show) | ({"local", "formula"} if view.schematic else set())
    plan = make_plan(view, expand=expand, max_nodes=max_nodes, max_fanout=max_fanout)
    options = Options(frozenset(show), grad_flow, heatmap=heatmap, rankdir=rankdir,
                      title=title if title is not None else view.title)
    if grad_flow:
        options.grad_scale = gradient_scale(plan, view, grad_range)
    if highlight is not None:
        options.emphasis = Emphasis(step=find_step(view.graph, highlight))
    return render(plan, view, options)


def find_step(graph, key):
    for k, (node, _, out) in enumerate(graph.steps):
        if key is node or key is graph.variables[out] or key == node.name:
            return k
    raise KeyError(f"no node {key!r} in this graph")


def gradient_scale(plan, view, grad_range=None):
    states = States(view)
    mags = [magnitude(states.grad(item)) for item in plan.items if isinstance(item, VarItem)]
    low, high = grad_range if grad_range else (None, None)
    return GradScale(mags, low, high)


# --- values and gradients at every level --------------------------------------
class States:
    """Values, gradients and gradient statuses per level of a plan.

    The target's level reads them off the View; an expanded composite's level
    recomputes its inner gradients by running its small graph backward from the
    composite's output gradient, once that is known.
    """

    def __init__(self, view):
        self.view = view
        self._cache = {}

    def of(self, level):
        if level.parent is None:
            return self.view.values, self.view.grads, self.view.grad_status
        if level not in self._cache:
            self._cache[level] = self._inner(level)
        return self._cache[level]

    def value(self, item):
        return self.of(item.level)[0][item.slot]

    def grad(self, item):
        _, grads, status = self.of(item.level)
        return grads[item.slot] if status[item.slot] in ("ok", "stale", "partial") else None

    def status(self, item):
        return self.of(item.level)[2][item.slot]

    def _inner(self, level):
        values, grads, status = self.of(level.parent)
        _, _, out = level.parent.graph.steps[level.step]
        graph = level.graph
        n = len(graph)
        inner_values = list(graph.values) if values[out] is not None else [None] * n
        done = self.view.backward_done is None or level.root_step in self.view.backward_done
        if status[out] in ("ok", "stale") and grads[out] is not None and done:
            inner_grads = inner_backward(graph, grads[out])
            inner_status = [status[out] if need else "none" for need in graph.needs_grad]
        else:
            inner_grads = [None] * n
            fill = "none" if status[out] == "none" else "missing"
            inner_status = [fill if need else "none" for need in graph.needs_grad]
        return inner_values, inner_grads, inner_status


def inner_backward(graph, seed):
    """Gradients of an expansion seeded with the composite's output gradient,
    leaving every variable's ``.grad`` as it was."""
    before = [v.grad for v in graph.variables]
    try:
        return graph.backward(seed=np.broadcast_to(seed, np.shape(graph.values[graph.outputs[0]])))
    finally:
        for var, grad in zip(graph.variables, before):
            var.grad = grad


# --- the Digraph ------------------------------------------------------------
def render(plan, view, options):
    states = States(view)
    dot = Drawing(
        "graphnet",
        graph_attr={"rankdir": options.rankdir, "fontname": FONT, "nodesep": "0.25",
                    "ranksep": "0.35", "forcelabels": "true", "labelloc": "t",
                    "labeljust": "l", "bgcolor": "white"},
        # No margin or minimum size: edges then end at the record's border.
        node_attr={"fontname": FONT, "fontsize": str(FONT_SIZE), "shape": "plaintext",
                   "margin": "0", "width": "0", "height": "0"},
        edge_attr={"fontname": FONT, "fontsize": str(SMALL), "color": colors.EDGE,
                   "arrowsize": "0.7"})
    bodies = {None: dot}
    for cluster_id, (label, _) in plan.clusters.items():
        sub = graphviz.Digraph(cluster_id)
        sub.attr(label=f"{label}", style="rounded,dashed,filled", fillcolor=colors.CLUSTER_FILL,
                 color="#7a5cc7", fontname=FONT, fontsize=str(SMALL + 2), tooltip=label)
        bodies[cluster_id] = sub
    for item in plan.items:
        body = bodies[plan.cluster_of(item)]
        if isinstance(item, VarItem):
            _var_node(body, item, states, options)
        elif isinstance(item, OpItem):
            _op_node(body, item, states, options)
        else:
            _elided_node(body, item)
    for edge in plan.edges:
        _edge(dot, edge, states, options)
    # A cluster's lines are copied into its parent when attached: innermost first.
    for cluster_id in sorted(plan.clusters, key=lambda c: -_depth(plan, c)):
        parent = plan.clusters[cluster_id][1]
        bodies[parent].subgraph(bodies[cluster_id])
    caption = options.caption if options.caption is not None else options.title
    label = legend(options.grad_scale if options.grad_flow else None, caption, options.caption_width)
    if label:
        dot.attr(label=label)
    return dot


def _depth(plan, cluster_id):
    depth = 0
    while cluster_id is not None:
        cluster_id = plan.clusters[cluster_id][1]
        depth += 1
    return depth


def var_texts(item, states, options):
    """The text of each cell of a variable's record: the one place that decides
    what a value or gradient reads like (the stepper sizes cells from it, too)."""
    var, show = item.var, options.show
    value, status, grad = states.value(item), states.status(item), states.grad(item)
    texts = {}
    if "name" in show or "shape" in show:
        head = [var.label] if "name" in show else []
        shaped = value if value is not None else var.value
        if "shape" in show and shaped is not None and np.ndim(shaped) > 0:
            batched = states.view.symbolic_batch and var.role in ("input", "op")  # weights have no batch axis
            head.append(shape_text(shaped, batch=None if batched else 0))
        if item.shared_uses:
            head.append(f"shared by {item.shared_uses}")
        if head:
            texts["name"] = "\n".join(head)
    if "value" in show:
        texts["value"] = f"value {summary(value)}"
    if "grad" in show and status != "none":
        if status == "missing":
            texts["grad"] = "grad ?"
        elif status == "ok" and grad is None:
            texts["grad"] = "no grad"
        else:
            note = {"stale": " (stale)", "partial": " (partial)"}.get(status, "")
            texts["grad"] = f"grad {summary(grad)}{note}"
    return texts


def _var_node(body, item, states, options):
    var, emph = item.var, options.emphasis
    root = item.level.parent is None
    if var.role == "constant" and not var.name and "value" in options.show:
        body.node(item.id, label=table([[cell(text(summary(var.value), size=SMALL + 2))]],
                                       border=1, cellborder=0, style="rounded", padding=2,
                                       colour=colors.MUTED),
                  tooltip=f"constant {summary(var.value)}")
        return
    texts = var_texts(item, states, options)
    role = "output" if item.is_output else var.role
    row = []
    if "name" in texts:
        first, *more = texts["name"].split("\n")  # the name, then shape and sharing, smaller
        markup = "<BR/>".join([text(first, bold="name" in options.show, size=None)]
                              + [text(line, size=SMALL + 1) for line in more])
        row.append(cell(markup, fill=colors.ROLE_FILL[role],
                        width=options.widths.get((item.id, "name"))))
    if "value" in texts:
        value = states.value(item)
        row.append(cell(_value_markup(texts["value"], value, var.value, options),
                        fill=_emphasis_fill(root, item.slot, emph.fresh_values, emph.read_values),
                        width=options.widths.get((item.id, "value"))))
    if "grad" in texts:
        row.append(_grad_cell(item, texts["grad"], states, options))
    if not row:
        row.append(cell(text(var.label), fill=colors.ROLE_FILL[role]))
    # Emphasis recolours the border but never thickens it: a frame's layout must
    # not move when another node becomes the current one.
    border, colour = (3, colors.OUTPUT_BORDER) if item.is_output else (2, colors.BORDER)
    step = emph.step
    if root and step is not None:
        _, ins, out = item.level.graph.steps[step]
        if item.slot == out:
            colour = colors.OUTPUT_EDGE
        elif item.slot in ins:
            colour = colors.INPUT_EDGE
    style = "rounded" if var.role == "parameter" else ("dashed" if var.role == "constant" else None)
    body.node(item.id, label=table([row], border=border, colour=colour, style=style),
              tooltip=f"{var.role} {var.label}", **{"class": f"var {var.role}"})


def _emphasis_fill(root, slot, fresh, read):
    """Yellow for what the current step writes, blue for what it reads."""
    if not root:
        return None
    if slot in fresh:
        return colors.FRESH_FILL
    if slot in read:
        return colors.READ_FILL
    return None


def _value_markup(line, value, traced, options):
    markup = text(line, colors.MUTED if value is None else None)
    if options.heatmap:
        shaped = value if value is not None else traced
        if shaped is not None and not is_scalar(shaped):  # unknown: same size, blank
            markup = stack(markup, heatmap(shaped, blank=value is None))
    return markup


def _grad_cell(item, line, states, options):
    status, grad = states.status(item), states.grad(item)
    emph, root = options.emphasis, item.level.parent is None
    fill = None
    if options.grad_flow and options.grad_scale is not None and grad is not None:
        fill = options.grad_scale.colour(magnitude(grad))
    fill = _emphasis_fill(root, item.slot, emph.fresh_grads | {emph.seed}, emph.read_grads) or fill
    muted = status in ("missing", "stale")
    markup = text(line, colors.MUTED if muted else colors.ink(fill), italic=status == "stale")
    traced = item.var.value
    if options.heatmap and traced is not None and not is_scalar(traced):
        markup = stack(markup, heatmap(grad if grad is not None else traced, blank=grad is None))
    return cell(markup, fill=fill, width=options.widths.get((item.id, "grad")),
                style="dashed" if status == "stale" else None)


def op_symbol(node):
    """What an op's circle says, and its settings for a second line: ('sum', 'axis=1')."""
    if node.op == "GetItem":
        return node.describe(), ""
    return SYMBOLS.get(node.op, node.op.lower()), node.describe()


def _op_node(body, item, states, options):
    node, emph = item.node, options.emphasis
    _, _, out = item.level.graph.steps[item.step]
    current = item.level.parent is None and item.step == emph.step
    composite = item.collapsed_composite
    symbol, settings = op_symbol(node)
    lines = [text(symbol, size=FONT_SIZE + 4, bold=True)]
    if settings:
        lines.append(text(settings, size=SMALL))
    if "formula" in options.show and node.formula:
        lines.append(text(node.formula, size=SMALL))
    name = node.layer_name() or node.name  # a layer's node goes by the layer's name
    if "name" in options.show and item.level.graph.variables[out].label != name:
        lines.append(text(name, size=SMALL))
    short = len(lines) == 1 and len(symbol) <= 2
    fill = colors.CURRENT_FILL if current else colors.COMPOSITE_FILL if composite else colors.OP_FILL
    tooltip = f"{node.name}: {node.label}" + (f" = {node.formula}" if node.formula else "")
    if composite:
        tooltip += " (composite: draw(..., expand=True) opens it)"
    # The SVG id names the node (op-mul_1), so that a page, a test or a person can
    # find it; the class marks the current node of a step-through frame. A double
    # border marks a composite node drawn closed.
    body.node(item.id, label="<" + "<BR/>".join(lines) + ">",
              shape="circle" if short else "ellipse", margin="0.04",
              width="0.45" if short else "0", height="0.45" if short else "0",
              style="filled", fillcolor=fill, penwidth="3" if current else "1",
              peripheries="2" if composite else "1", tooltip=tooltip, id=f"op-{node.name}",
              **{"class": " ".join(["op"] + (["composite"] if composite else [])
                                   + (["current"] if current else []))})


def _elided_node(body, item):
    pattern = ", ".join(item.pattern)
    label = ("<" + text(f"… {item.blocks} more …", bold=True) + "<BR/>"
             + text(f"repeats of {pattern} ({item.ops} ops)", size=SMALL) + ">")
    body.node(item.id, label=label, shape="box", style="dashed,rounded", color=colors.MUTED,
              tooltip=f"{item.blocks} more repeats of {pattern}: {item.ops} operations not drawn",
              **{"class": "elided"})


def _edge(dot, edge, states, options):
    attrs = {}
    values, grads, status = states.of(edge.level)
    grad = grads[edge.slot] if status[edge.slot] in ("ok", "stale", "partial") else None
    if options.grad_flow and options.grad_scale is not None and grad is not None:
        mag = magnitude(grad)
        attrs["color"] = options.grad_scale.colour(mag)
        attrs["penwidth"] = str(options.grad_scale.penwidth(mag))
    emph = options.emphasis
    if edge.level.parent is None and emph.step is not None:
        target_out = edge.level.graph.steps[emph.step][2]
        if edge.op is not None and edge.op.level.parent is None and edge.op.step == emph.step:
            attrs.update(color=colors.INPUT_EDGE, penwidth="2.5")
        elif edge.producer is not None and edge.producer.step == emph.step and edge.slot == target_out:
            attrs.update(color=colors.OUTPUT_EDGE, penwidth="2.5")
    reserved = options.note_widths.get((edge.op.id, edge.position)) if edge.op else None
    if reserved:
        current = edge.op.level.parent is None and edge.op.step == emph.step
        note = emph.notes.get(edge.position, "") if current else ""
        # A fixed-size cell: the label takes the same room with a note or without.
        box = (f'<TD WIDTH="{reserved}" HEIGHT="{SMALL + 8}" FIXEDSIZE="TRUE">'
               f'{text(note, colors.INPUT_EDGE, SMALL + 2)}</TD>')
        attrs["label"] = f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0"><TR>{box}</TR></TABLE>>'

    elif "local" in options.show and edge.op is not None:
        local = local_text(edge.op, edge.position, values)
        if local:
            attrs["label"] = local
    dot.edge(edge.tail, edge.head, **attrs)


# --- local derivatives as text ------------------------------------------------
def local_text(op, position, values):
    node = op.node
    graph = op.level.graph
    _, ins, out = graph.steps[op.step]
    labels = [display_name(graph.variables[j]) for j in ins]
    out_label = graph.variables[out].label
    formula = derivative_formula(node, position, labels)
    known = values[out] is not None
    value = local_value(node, position) if known else None
    parts = [f"∂{out_label}/∂{labels[position]}"]
    if formula:
        parts.append(formula)
    if value is not None and summary(value) != formula:
        parts.append(summary(value))
    return " = ".join(parts) if len(parts) > 1 else None
