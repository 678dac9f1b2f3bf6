"""``draw``: a Tensor, Graph or Node as a ``graphviz.Digraph``, micrograd style.

Values are records (name | value | grad), operations small circles with the op
symbol; edges follow the forward pass, left to right or top to bottom,
whichever the graph's shape reads better in (``layout.choose_rankdir``).
"""
from dataclasses import dataclass, field
from typing import Optional

import graphviz
import numpy as np

from . import colors
from .adapters import view_of
from .colors import GradScale
from .format import is_scalar, magnitude, shape_text
from .formulas import derivative_formula, display_name, local_value, typeset
from .labels import FONT, FONT_SIZE, SMALL, cell, table, text
from .layout import choose_rankdir
from .legend import legend
from .plan import OpItem, VarItem, make_plan
from .render import Drawing
from .values import Shown, shown, shown_markup

SHOW = frozenset({"name", "shape", "value", "grad", "local", "formula"})
DEFAULT_SHOW = ("name", "shape", "value", "grad")
RANKDIRS = ("auto", "LR", "TB", "RL", "BT")

SYMBOLS = {"Add": "+", "Sub": "-", "Mul": "*", "Div": "/", "Pow": "**", "MatMul": "@",
           "Neg": "neg", "Maximum": "max", "Minimum": "min", "Transpose": "T", "GetItem": "[ ]"}


@dataclass
class Emphasis:
    """What a step-through frame (or ``highlight=``) points at, by plan item id:
    any level of an expanded drawing can hold the current step."""

    phase: Optional[str] = None           # 'forward' | 'backward' | None
    current: frozenset = frozenset()      # the op being evaluated (or the seeded output)
    inputs: frozenset = frozenset()       # the boxes it reads ...
    outputs: frozenset = frozenset()      # ... and the box it writes
    fresh_values: frozenset = frozenset()  # boxes whose value / gradient this step computed
    fresh_grads: frozenset = frozenset()
    read_values: frozenset = frozenset()   # boxes whose value / gradient it reads
    read_grads: frozenset = frozenset()
    cluster: Optional[str] = None          # an opened composite whose fused step this is
    notes: dict = field(default_factory=dict)  # (op id, input position) -> text by that edge


@dataclass
class Options:
    show: frozenset = frozenset(DEFAULT_SHOW)
    grad_flow: bool = False
    grad_scale: Optional[GradScale] = None
    heatmap: Optional[bool] = None  # None: numbers for small tensors, heatmaps for large
    rankdir: str = "LR"
    legend: bool = True
    highlight_key: bool = False  # the key explains the step-through highlight
    title: Optional[str] = None
    caption: Optional[str] = None
    caption_width: Optional[int] = None
    widths: dict = field(default_factory=dict)  # (item id, cell) -> minimum points
    # (op item id, input position) -> points reserved for a note beside that edge
    # in every frame, so notes neither overlap nor move the layout when they appear.
    note_widths: dict = field(default_factory=dict)
    emphasis: Emphasis = field(default_factory=Emphasis)
    # (cell, id of the value, ...) -> what it shows: a stepper draws the same
    # arrays in many frames, and formats each once (the arrays are kept with it)
    memo: Optional[dict] = None


def draw(target, *, show=DEFAULT_SHOW, grad_flow=False, expand=False, max_nodes=250,
         max_fanout=8, heatmap=None, highlight=None, title=None, rankdir="auto",
         inputs=None, grad_range=None, batch=None, legend=True):
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
    heatmap     None: tensors up to 6x6 show their numbers, larger ones a heatmap;
                True: a heatmap for every tensor; False: a one-line summary.
    highlight   a node (or its name) to pick out.
    rankdir     'auto' (deep chains top to bottom, wide graphs left to right),
                or Graphviz's 'LR', 'TB', 'RL', 'BT'.
    inputs      for a lone Node: input values to draw it (and its expansion) with.
    grad_range  (low, high) magnitudes fixing the colour scale; default: the graph's own.
    batch       data to draw the target on, for targets that compute (a model: (x, y)).
    legend      a key to the boxes, colours and gradient scale under the drawing.
    """
    check_options(show, rankdir, "draw")
    view = view_of(target, inputs, batch=batch, gradients=grad_flow)
    show = set(show) | ({"local", "formula"} if view.schematic else set())
    plan = make_plan(view, expand=expand, max_nodes=max_nodes, max_fanout=max_fanout)
    options = Options(frozenset(show), grad_flow, heatmap=heatmap, legend=legend,
                      title=title if title is not None else view.title)
    if grad_flow:
        options.grad_scale = gradient_scale(plan, view, grad_range)
        if options.grad_scale is None:  # nothing to colour by: say how to get gradients
            options.title = view.grad_hint or ("No gradients yet: call .backward() on the "
                                               "output first, then draw it.")
    if highlight is not None:
        options.emphasis = step_emphasis(plan, plan.root, find_step(view.graph, highlight))
        options.highlight_key = True
    options.rankdir = resolve_rankdir(rankdir, plan, view, options)
    return render(plan, view, options)


def check_options(show, rankdir, who):
    unknown = set(show) - SHOW
    if unknown:
        raise ValueError(f"{who}(show=...) knows {sorted(SHOW)}, not {sorted(unknown)}")
    if rankdir not in RANKDIRS:
        raise ValueError(f"{who}(rankdir=...) is one of {RANKDIRS}, not {rankdir!r}")


def resolve_rankdir(rankdir, plan, view, options, views=(), screen=None):
    """``rankdir``, or for 'auto' the direction the drawing reads better in; the
    boxes are sized from their texts in ``view`` (and any further ``views``)."""
    if rankdir != "auto":
        return rankdir
    sizes = {}
    for v in (view, *views):
        states = States(v)
        for item in plan.items:
            if isinstance(item, VarItem):
                w, h = _estimated_size(var_texts(item, states, options))
                old = sizes.get(item.id, (0, 0))
                sizes[item.id] = (max(w, old[0]), max(h, old[1]))
    return choose_rankdir(plan, sizes) if screen is None else choose_rankdir(plan, sizes, screen)


def _estimated_size(cells):
    """A value record's size in points, from what its cells show."""
    width, height = 0, 0
    for content in cells.values():
        w, h = content.size()
        width, height = width + w, max(height, h)
    return width + 4, height + 8


def find_step(graph, key):
    for k, (node, _, out) in enumerate(graph.steps):
        if key is node or key is graph.variables[out] or key == node.name:
            return k
    raise KeyError(f"no node {key!r} in this graph")


def step_emphasis(plan, level, step, **more):
    """The emphasis of ``level``'s ``step``: its op, and the boxes it reads and writes."""
    _, ins, out = level.graph.steps[step]
    op = plan.op_ids.get((level, step))
    reads = frozenset(i for j in ins for i in plan.ids_of(level, j))
    if op is not None:  # of a leaf drawn at each use, only the copy this op uses
        reads = reads & {edge.tail for edge in plan.edges if edge.head == op}
    writes = frozenset(plan.ids_of(level, out))
    return Emphasis(current=frozenset([op] if op else writes), inputs=reads, outputs=writes, **more)


def gradient_scale(plan, view, grad_range=None):
    """The colour scale of gradient magnitudes; None when there is no gradient at all."""
    states = States(view)
    mags = [magnitude(states.grad(item)) for item in plan.items if isinstance(item, VarItem)]
    if grad_range is None and not any(m is not None for m in mags):
        return None
    low, high = grad_range if grad_range else (None, None)
    return GradScale(mags, low, high)


# --- values and gradients at every level --------------------------------------
class States:
    """Values, gradients and gradient statuses per level of a plan.

    The target's level reads them off the View, and so does any level the View
    knows (a step-through frame knows each level step by step). Otherwise an
    expanded composite's level recomputes its inner gradients by running its
    small graph backward from the composite's output gradient.
    """

    def __init__(self, view):
        self.view = view
        self._cache = dict(view.inner or {})

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
        if status[out] in ("ok", "stale") and grads[out] is not None:
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
    emph = options.emphasis
    for cluster_id, (label, _) in plan.clusters.items():
        sub = graphviz.Digraph(cluster_id)
        current = cluster_id == emph.cluster
        # On an opened composite's own (fused) frame, its border turns red.
        sub.attr(label=label, style="rounded,dashed,filled", fillcolor=colors.CLUSTER_FILL,
                 color=colors.OUTPUT_EDGE if current else colors.CLUSTER_BORDER,
                 fontname=FONT, fontsize=str(SMALL + 2), tooltip=label,
                 **({"class": "fused"} if current else {}))
        bodies[cluster_id] = sub
    for item in plan.items:
        body = bodies[plan.cluster_of(item)]
        if isinstance(item, VarItem):
            _var_node(body, item, states, options)
        elif isinstance(item, OpItem):
            _op_node(body, item, options)
        else:
            _elided_node(body, item)
    for edge in plan.edges:
        _edge(dot, edge, states, options)
    # A cluster's lines are copied into its parent when attached: innermost first.
    for cluster_id in sorted(plan.clusters, key=lambda c: -_depth(plan, c)):
        parent = plan.clusters[cluster_id][1]
        bodies[parent].subgraph(bodies[cluster_id])
    caption = options.caption if options.caption is not None else options.title
    label = legend(plan, options, caption)
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
    """What each cell of a variable's record shows (``Shown``, by cell name): the
    one place that decides how a value or gradient reads (the stepper sizes cells
    from it too, so that no frame moves the layout)."""
    var, show = item.var, options.show
    value, status, grad = states.value(item), states.status(item), states.grad(item)
    traced = value if value is not None else _traced(item)
    texts = {}
    if "name" in show or "shape" in show:
        head = [var.label] if "name" in show else []
        if "shape" in show and traced is not None and np.ndim(traced) > 0:
            batched = states.view.symbolic_batch and var.role in ("input", "op")  # weights have no batch axis
            head.append(shape_text(traced, batch=None if batched else 0))
        if item.shared_uses:
            head.append(f"shared by {item.shared_uses}")
        if head:
            texts["name"] = Shown("\n".join(head))
    if "value" in show:
        texts["value"] = _shown(options, "value", value, traced)
    if "grad" in show and status != "none":
        if status == "ok" and grad is None:
            texts["grad"] = Shown("no grad")
        else:
            note = {"stale": " (stale)", "partial": " (partial)"}.get(status, "")
            texts["grad"] = _shown(options, "grad", grad, traced, note)
    return texts


def _traced(item):
    """A value shaped like the item's will be: what its graph last computed (a
    step-through's replay), else what the variable was traced with."""
    value = item.level.graph.values[item.slot]
    return value if value is not None else item.var.value


def _shown(options, kind, value, traced, note=""):
    if options.memo is None:
        return shown(kind, value, traced, options.heatmap, note)
    key = (kind, id(value), id(traced) if value is None else None, note)
    hit = options.memo.get(key)
    if hit is None:
        hit = options.memo[key] = (value, traced, shown(kind, value, traced, options.heatmap, note))
    return hit[2]


def _var_node(body, item, states, options):
    var, emph = item.var, options.emphasis
    if var.role == "constant" and not var.name and "value" in options.show:
        content = shown("", var.value, var.value, False)
        body.node(item.id, label=table([[cell(text(content.head, size=SMALL + 2))]],
                                       border=1, cellborder=0, style="rounded", padding=2,
                                       colour=colors.MUTED),
                  tooltip=f"constant {content.head}", **{"class": "var constant"})
        return
    texts = var_texts(item, states, options)
    role = "output" if item.is_output else var.role
    row = []
    if "name" in texts:
        first, *more = texts["name"].head.split("\n")  # the name, then shape and sharing, smaller
        markup = "<BR/>".join([text(first, bold="name" in options.show, size=None)]
                              + [text(line, size=SMALL + 1) for line in more])
        row.append(cell(markup, fill=colors.ROLE_FILL[role],
                        width=options.widths.get((item.id, "name"))))
    if "value" in texts:
        fill = _emphasis_fill(item.id, emph.fresh_values, emph.read_values)
        row.append(cell(shown_markup(texts["value"], options.widths.get((item.id, "value-col"))),
                        fill=fill, width=options.widths.get((item.id, "value"))))
    if "grad" in texts:
        row.append(_grad_cell(item, texts["grad"], states, options))
    if not row:
        row.append(cell(text(var.label), fill=colors.ROLE_FILL[role]))
    # Emphasis recolours the border but never thickens it: a frame's layout must
    # not move when another node becomes the current one.
    border, colour = (3, colors.OUTPUT_BORDER) if item.is_output else (2, colors.BORDER)
    classes = ["var", var.role]
    if item.id in emph.outputs:
        colour = colors.OUTPUT_EDGE
        classes.append("writes")
    elif item.id in emph.inputs:
        colour = colors.INPUT_EDGE
        classes.append("reads")
    if item.id in emph.current:
        classes.append("current")
    style = "rounded" if var.role == "parameter" else ("dashed" if var.role == "constant" else None)
    body.node(item.id, label=table([row], border=border, colour=colour, style=style),
              tooltip=f"{var.role} {var.label}", id=f"var-{item.id}", **{"class": " ".join(classes)})


def _emphasis_fill(item_id, fresh, read):
    """Yellow for what the current step writes, blue for what it reads; white
    otherwise, never no fill: every frame then draws the same shapes."""
    if item_id in fresh:
        return colors.FRESH_FILL
    if item_id in read:
        return colors.READ_FILL
    return "#ffffff"


def _grad_cell(item, content, states, options):
    status, grad = states.status(item), states.grad(item)
    emph = options.emphasis
    fill = "#ffffff"
    if options.grad_flow and options.grad_scale is not None and grad is not None:
        fill = options.grad_scale.colour(magnitude(grad))
    fresh = _emphasis_fill(item.id, emph.fresh_grads, emph.read_grads)
    fill = fresh if fresh != "#ffffff" else fill
    muted = status in ("missing", "stale")
    markup = shown_markup(content, options.widths.get((item.id, "grad-col")),
                          colors.MUTED if muted else colors.ink(fill), italic=status == "stale")
    return cell(markup, fill=fill, width=options.widths.get((item.id, "grad")),
                style="dashed" if status == "stale" else None)


def op_symbol(node):
    """What an op's circle says, and its settings for a second line: ('sum', 'axis=1')."""
    if node.op == "GetItem":
        return node.describe(), ""
    symbol = getattr(node, "symbol", None) or SYMBOLS.get(node.op, node.op.lower())
    return symbol, node.describe()


def _op_node(body, item, options):
    node, emph = item.node, options.emphasis
    _, _, out = item.level.graph.steps[item.step]
    current = item.id in emph.current
    composite = item.collapsed_composite
    symbol, settings = op_symbol(node)
    lines = [text(symbol, size=FONT_SIZE + 4, bold=True)]
    if settings:
        lines.append(text(settings, size=SMALL + 1))
    if "formula" in options.show and node.formula:
        lines.append(text(typeset(node.formula), size=SMALL + 1))
    name = node.layer_name() or node.name  # a layer's node goes by the layer's name
    if "name" in options.show and item.level.graph.variables[out].label != name:
        lines.append(text(name, size=SMALL + 1))
    short = len(lines) == 1 and len(symbol) <= 2
    fill = colors.CURRENT_FILL if current else colors.COMPOSITE_FILL if composite else colors.OP_FILL
    tooltip = f"{node.name}: {node.label}" + (f" = {typeset(node.formula)}" if node.formula else "")
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
    if edge.head in emph.current and edge.op is not None:
        attrs.update(color=colors.INPUT_EDGE, penwidth="2.5", **{"class": "into-current"})
    elif edge.producer is not None and edge.producer.id in emph.current:
        attrs.update(color=colors.OUTPUT_EDGE, penwidth="2.5", **{"class": "out-of-current"})
    reserved = options.note_widths.get((edge.op.id, edge.position)) if edge.op else None
    if reserved:
        # A fixed-size cell: the label takes the same room with a note or without,
        # and holds a text either way (a space), so every frame draws the same shapes.
        note = emph.notes.get((edge.op.id, edge.position), "") or " "
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
        parts.append(typeset(formula))
    if value is not None:
        number = shown("", value, value, False).head
        if number != parts[-1]:
            parts.append(number)
    return " = ".join(parts) if len(parts) > 1 else None
