"""Backprop frame by frame, from the engine's own step events.

The Stepper replays the graph's forward and backward passes under
``graphnet.observe`` and turns what it hears into frames: the inputs alone,
then one frame per forward node, the seed d(out)/d(out) = 1, and one frame per
backward node. A composite node that is opened (``depth=`` or ``expand=``)
steps through the nodes of its ``expand()`` graph first, forward and backward,
as deep as asked; its own, fused frame follows and shows that it computes the
same numbers. Each frame is a drawing of the same plan, so nothing moves but
the numbers and the highlight; what is not computed yet reads '?'.
"""
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Optional

import numpy as np

from ..core import Graph, Recorder, observe
from ..kernels.dispatch import to_host
from .adapters import View, graph_view, view_of
from .draw import (DEFAULT_SHOW, Emphasis, Options, States, check_options, gradient_scale, render,
                   resolve_rankdir, step_emphasis, var_texts)
from .formulas import derivative_formula, display_name, grouped, mentions_upstream, substitute, typeset
from .format import is_scalar, number, shape_text, summary
from .html import page
from .labels import FONT_SIZE, SMALL, text_width, width_for
from .plan import Level, VarItem, make_plan, neighbourhood
from .render import to_svg
from .values import grid_width


FOCUS_SCREEN = (600, 320)  # points: the focus view's part of a 1280x800 page


@dataclass
class Frame:
    index: int
    phase: str       # 'start', 'forward', 'seed' or 'backward'
    node: str        # name of the highlighted node ('' when none is)
    caption: str     # first line: where we are; further lines: the arithmetic
    view: View       # what is known at this point, at every level
    emphasis: Emphasis
    level: Optional[Level] = None  # the graph the step belongs to (None: the target's)
    depth: int = 0                 # how many opened composites it is inside

    @property
    def title(self):
        return self.caption.split("\n", 1)[0]


class Stepper:
    """Frames of a forward and backward pass through ``target`` (a Tensor, a
    Graph, or a model with ``batch=(x, y)``).

    ``depth`` opens composite nodes (layers) that many levels deep and steps
    through their insides (``depth=1``: a Dense layer's matmul, add and
    activation; an LSTM's time steps; ``depth=2``: each step's gates);
    ``expand`` opens them by name instead, as in ``draw``. ``focus`` (a number
    of operations) also draws each frame as the neighbourhood of its node, which
    the page shows at full size beside an overview of the whole graph.

    ``stepper[i]`` is a Frame; ``digraph(i)`` / ``svg(i)`` draw it; ``save_svgs(dir)``
    writes frame_000.svg ...; ``html()`` / ``save_html(path)`` give one offline
    page that zooms, pans and follows the current node. In Jupyter the stepper
    shows itself; ``widget()`` drives it with ipywidgets.
    Like ``backward()``, stepping leaves ``.grad`` filled on the tensors.
    """

    def __init__(self, target, *, show=DEFAULT_SHOW, depth=None, expand=False, focus=None,
                 grad_flow=False, max_nodes=None, max_fanout=8, heatmap=None, rankdir="auto",
                 title=None, batch=None):
        check_options(show, rankdir, "Stepper")
        if focus is not None and (not isinstance(focus, int) or focus < 1):
            raise ValueError(f"Stepper(focus=...) is a number of operations, 1 or more, not {focus!r}")
        base = view_of(target, batch=batch, gradients=True)
        if base.schematic:
            raise TypeError("a lone Node has no values to step through: step through a "
                            "Tensor computed with it instead")
        if base.grad_hint:  # a model with nothing to step through yet
            raise ValueError(f"Stepper needs values to step through: {base.grad_hint}")
        self.graph, events = replay(base)
        final = graph_view(self.graph)
        opened = depth if depth is not None else expand
        self.plan = make_plan(final, expand=opened, max_nodes=max_nodes, max_fanout=max_fanout)
        self.title = title or f"Backpropagation through {self.graph.variables[self.graph.outputs[0]].label}"
        self.frames = _Walk(self.plan, self.graph, events).frames
        self.focus = focus
        self.options = Options(frozenset(show), grad_flow, heatmap=heatmap, highlight_key=True, memo={})
        if grad_flow:  # one scale for every frame, from the final gradients
            self.options.grad_scale = gradient_scale(self.plan, final)
        self._fit_cells()
        self._rankdir = rankdir
        self.options.rankdir = resolve_rankdir(rankdir, self.plan, self.frames[-1].view, self.options,
                                               [self.frames[0].view])
        self._svgs = {}

    def __len__(self):
        return len(self.frames)

    def __getitem__(self, i):
        return self.frames[i]

    def __iter__(self):
        return iter(self.frames)

    def __repr__(self):
        return f"Stepper({len(self.frames)} frames of {self.graph!r})"

    # --- drawing ---------------------------------------------------------------
    def digraph(self, i, caption=True, focus=False):
        """Frame ``i`` as a Digraph; ``caption=False`` leaves the caption and key
        out (the HTML page shows them in large type instead); ``focus=True`` draws
        only the neighbourhood of the frame's node (``focus`` operations around it)."""
        frame = self.frames[i]
        options = replace(self.options, emphasis=frame.emphasis)
        if caption:
            lines = frame.caption.split("\n")
            options.caption = "\n".join(lines + [" "] * (self._caption_lines - len(lines)))
        else:
            options.caption_width, options.legend = None, False
        plan = self.plan
        if focus:  # a few boxes, laid out each frame in the direction that suits them
            plan = neighbourhood(self.plan, self._centre(i), self.focus or 1)
            options.rankdir = resolve_rankdir(self._rankdir, plan, frame.view, options, screen=FOCUS_SCREEN)
        return render(plan, frame.view, options)

    def svg(self, i, caption=True, focus=False):
        key = (i, caption, focus)
        if key not in self._svgs:
            self._svgs[key] = to_svg(self.digraph(i, caption, focus))
        return self._svgs[key]

    def svgs(self, caption=True, focus=False):
        """Every frame's SVG (kept: a second call draws nothing again)."""
        for i, svg in enumerate(self.rendered(caption, focus)):
            self._svgs[(i, caption, focus)] = svg
        return [self._svgs[(i, caption, focus)] for i in range(len(self))]

    def rendered(self, caption=True, focus=False):
        """Each frame's SVG in turn, without keeping them: Graphviz lays out a few
        frames ahead, one `dot` process per core (a long stepper's SVGs would not
        all fit in memory at once)."""
        ahead = 2 * (os.cpu_count() or 1)
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:  # dot holds no GIL
            for start in range(0, len(self), ahead):
                batch = range(start, min(start + ahead, len(self)))
                cached = {i: self._svgs.get((i, caption, focus)) for i in batch}
                drawn = pool.map(to_svg, [self.digraph(i, caption, focus) for i in batch if cached[i] is None])
                for i in batch:
                    yield cached[i] if cached[i] is not None else next(drawn)

    def save_svgs(self, directory, prefix="frame_"):
        """Write frame_000.svg, frame_001.svg, ...; returns their paths."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        paths = []
        for i, svg in enumerate(self.svgs()):
            path = directory / f"{prefix}{i:03d}.svg"
            path.write_text(svg, encoding="utf-8")
            paths.append(path)
        return paths

    def html(self):
        """One self-contained page (no network needed): the graph drawn once and
        each frame as the changes it makes, with controls to step, zoom and pan."""
        focus = self.rendered(caption=False, focus=True) if self.focus else None
        return page(self.rendered(caption=False), self.frames, self.title, self.options, self.plan, focus)

    def save_html(self, path):
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.html(), encoding="utf-8")
        return path

    def _repr_mimebundle_(self, include=None, exclude=None):
        from .notebook import stepper_bundle  # Jupyter only
        return stepper_bundle(self)

    def widget(self):
        """An ipywidgets stepper with the page's controls (needs ipywidgets:
        ``pip install "graphnet[notebooks]"``)."""
        from .notebook import widget
        return widget(self)

    def _centre(self, i):
        """The boxes frame ``i`` is about (the start frame: what the first step reads)."""
        frame = self.frames[i]
        if frame.emphasis.current:
            return frame.emphasis.current
        later = next((f for f in self.frames[i:] if f.emphasis.current), None)
        return later.emphasis.inputs or later.emphasis.current if later else frozenset()

    def _fit_cells(self):
        """Give each cell the width of its longest text over all frames, and the
        caption the most lines any frame needs: the layout then never moves."""
        longest, grids = {}, {}
        items = [item for item in self.plan.items if isinstance(item, VarItem)]
        for frame in self.frames:
            states = States(frame.view)
            for item in items:
                for name, content in var_texts(item, states, self.options).items():
                    key = (item.id, name)
                    longest[key] = max(longest.get(key, 0), max(map(len, content.head.split("\n"))))
                    if content.rows:
                        grids.setdefault((item.id, f"{name}-col"), []).append(content)
        self.options.widths = {key: width_for(n) for key, n in longest.items()}
        self.options.widths.update({key: grid_width(contents) for key, contents in grids.items()})
        notes = {}
        for frame in self.frames:
            for key, note in frame.emphasis.notes.items():
                notes[key] = max(notes.get(key, 0), text_width(note, SMALL + 2))
        self.options.note_widths = notes
        lines = [frame.caption.split("\n") for frame in self.frames]
        self._caption_lines = max(len(ls) for ls in lines)
        widest = max(len(line) for ls in lines for line in ls)
        self.options.caption_width = width_for(widest, FONT_SIZE + 2)


def replay(view):
    """A fresh Graph over the view's outputs, run forward (on the values the view
    holds, with its nodes' training settings) and backward under observation;
    returns it and the step events."""
    graph = Graph([view.graph.variables[o] for o in view.graph.outputs])
    feed = {graph.variables[i]: view.values[i] for i in graph.leaves if view.values[i] is not None}
    graph._take_nodes()
    for (node, _, _), (source, _, _) in zip(graph.steps, view.graph.steps):
        if hasattr(source, "training"):  # a model's inference graph steps without dropout
            node.training = source.training
    events = Recorder()
    with observe(events):
        graph.forward(feed)
        graph.backward()
    return graph, events


def _run(graph, seed):
    """Forward and backward events of an expansion's graph, the backward seeded with
    the composite's upstream gradient (None: it gets none), leaving ``.grad`` alone."""
    before = [v.grad for v in graph.variables]
    events = Recorder()
    try:
        with observe(events):
            graph.forward()
            if seed is not None:
                graph.backward(seed=np.broadcast_to(seed, np.shape(graph.values[graph.outputs[0]])))
    finally:
        for var, grad in zip(graph.variables, before):
            var.grad = grad
    return ([e for e in events if e.phase == "forward"], [e for e in events if e.phase == "backward"])


# --- frames ------------------------------------------------------------------------
class _Known:
    """What is known of one level's variables at a point of the walk."""

    def __init__(self, graph):
        n = len(graph)
        leaves = set(graph.leaves)
        self.graph = graph
        self.values = [graph.values[i] if i in leaves else None for i in range(n)]
        self.grads = [None] * n
        self.received, self.expected = [0] * n, [0] * n
        self.pending = set()  # slots an opened composite is adding to: partial until it is done

    def expect(self, backward_events):
        for event in backward_events:
            for j, g in zip(event.slots[:-1], event.input_grads):
                if g is not None and self.graph.needs_grad[j]:
                    self.expected[j] += 1

    def add(self, j, g):
        """Add a gradient contribution to slot ``j``; returns what it held before."""
        before = self.grads[j]
        self.grads[j] = g if before is None else before + g
        self.received[j] += 1
        return before

    def status(self, j):
        if not self.graph.needs_grad[j]:
            return "none"
        if j in self.pending and self.grads[j] is not None:
            return "partial"
        if self.received[j] == 0:
            return "missing"
        return "ok" if self.received[j] >= self.expected[j] else "partial"

    def snapshot(self):
        return list(self.values), list(self.grads), [self.status(j) for j in range(len(self.values))]


class _Walk:
    """The frames of a plan's levels, walked in the order a backprop runs them."""

    def __init__(self, plan, graph, events):
        self.plan, self.graph = plan, graph
        self.known = {level: _Known(level.graph) for level in plan.levels}
        forward = [e for e in events if e.phase == "forward"]
        backward = [e for e in events if e.phase == "backward"]
        self.events = {plan.root: (forward, backward)}
        self._before = {}  # expansion -> its composite's input gradients before it ran
        # level -> {output slot: step}: which step a backward event belongs to
        self._steps = {level: {out: k for k, (_, _, out) in enumerate(level.graph.steps)}
                       for level in plan.levels}
        self._events_below(plan.root)
        for level, (_, bwd) in self.events.items():
            self.known[level].expect(bwd)
        self.frames = []
        self._walk()

    def _events_below(self, level):
        """Run every expansion below ``level``, seeded by ``level``'s backward events."""
        upstream = {self._step(level, e): e.upstream for e in self.events[level][1]}
        for (parent, k), sub in self.plan.expansions.items():
            if parent is level:
                self.events[sub] = _run(sub.graph, upstream.get(k))
                self._events_below(sub)

    def _step(self, level, event):
        return self._steps[level][event.slots[-1]]

    def _frame(self, phase, node, caption, emphasis, level=None, depth=0):
        root = self.known[self.plan.root].snapshot()
        inner = {lvl: known.snapshot() for lvl, known in self.known.items() if lvl is not self.plan.root}
        view = View(self.graph, *root, inner=inner)
        self.frames.append(Frame(len(self.frames), phase, node, caption, view, emphasis, level, depth))

    def _walk(self):
        plan, graph = self.plan, self.graph
        root = self.known[plan.root]
        self._frame("start", "", start_caption(graph), Emphasis())
        self._forward(plan.root, "forward ", 0)
        out_label = graph.variables[graph.outputs[0]].label
        for o in graph.outputs:
            root.grads[o] = np.ones_like(graph.values[o])
            root.expected[o] += 1
            root.received[o] += 1
        seed = graph.outputs[0]
        ones = "1" if is_scalar(graph.values[seed]) else f"1 for each of its {np.size(graph.values[seed])} values"
        ids = frozenset(plan.ids_of(plan.root, seed))
        self._frame("seed", graph.variables[seed].label,
                    f"backward starts at the output: d{out_label}/d{out_label} = {ones}",
                    Emphasis(phase="backward", current=ids, outputs=ids, fresh_grads=ids))
        self._backward(plan.root, "backward ", 0, out_label)

    def _forward(self, level, where, depth):
        plan, known = self.plan, self.known[level]
        events = self.events[level][0]
        for i, event in enumerate(events, 1):
            k, out = event.index, event.slots[-1]
            here = f"{where}{i}/{len(events)}"
            sub = plan.expansions.get((level, k))
            if sub is not None:
                self._forward(sub, f"{here} ▸ ", depth + 1)
            known.values[out] = event.output
            self._write_through(level, out, event.output)
            caption = forward_caption(level.graph, event, here)
            if sub is not None:
                inner = sub.graph.values[sub.graph.outputs[0]]
                caption = fused_caption(caption, event.node, len(self.events[sub][0]),
                                        _difference(event.output, inner), "forward")
            emphasis = step_emphasis(plan, level, k, phase="forward",
                                     cluster=sub.cluster if sub is not None else None)
            emphasis.fresh_values, emphasis.read_values = emphasis.outputs, emphasis.inputs
            self._frame("forward", event.node.name, caption, emphasis, level, depth)

    def _write_through(self, level, slot, value=None, grad=False):
        """An expansion's output (or input gradient) is the enclosing level's too:
        the box shows it as soon as the inner step computes it."""
        if level is self.plan.root or slot not in self.plan.bindings[level]:
            return
        parent, target = self.known[level.parent], self.plan.bindings[level][slot]
        if not grad:
            parent.values[target] = value
            return
        ins = level.parent.graph.steps[level.step][1]
        got = [g for p, g in self._inner_input_grads(level).items() if ins[p] == target]
        before = self._before[level].get(target)
        total = sum(got[1:], got[0])
        parent.grads[target] = total if before is None else before + total
        parent.pending.add(target)

    def _backward(self, level, where, depth, out_label):
        plan, known, graph = self.plan, self.known[level], level.graph
        events = self.events[level][1]
        for i, event in enumerate(events, 1):
            ins, out = event.slots[:-1], event.slots[-1]
            k = self._step(level, event)
            here = f"{where}{i}/{len(events)}"
            sub = plan.expansions.get((level, k))
            if sub is not None:
                inner = self.known[sub]
                o = sub.graph.outputs[0]
                inner.grads[o] = np.broadcast_to(event.upstream, np.shape(sub.graph.values[o]))
                inner.expected[o] += 1
                inner.received[o] += 1
                self._before[sub] = {j: known.grads[j] for j in ins}
                self._backward(sub, f"{here} ▸ ", depth + 1, out_label)
                for j in ins:  # the fused gradients replace what the inner steps added
                    known.grads[j] = self._before[sub][j]
                    known.pending.discard(j)
            lines, notes, fresh = [], {}, set()
            op = plan.op_ids.get((level, k))
            for p, (j, g) in enumerate(zip(ins, event.input_grads)):
                if g is None or not graph.needs_grad[j]:
                    continue
                before = known.add(j, g)
                self._write_through(level, j, grad=True)
                fresh.update(plan.ids_of(level, j))
                line, note = backward_line(graph, event, p, out_label, before, known.grads[j])
                lines.append(line)
                if op is not None:
                    notes[(op, p)] = note
            head = f"{here}: {event.node.name} ({expression(graph, event)})"
            if sub is not None:
                inner_grads = self._inner_input_grads(sub)
                diffs = [_difference(g, inner_grads.get(p)) for p, g in enumerate(event.input_grads)
                         if g is not None and p in inner_grads]
                worst = max((d for d in diffs if d is not None), default=None)
                head = fused_caption(head, event.node, len(self.events[sub][1]), worst, "backward")
            emphasis = step_emphasis(plan, level, k, phase="backward", notes=notes,
                                     cluster=sub.cluster if sub is not None else None)
            if op is not None:  # a leaf drawn at each use: the copy this step reads
                fresh &= emphasis.inputs | emphasis.outputs
            emphasis.fresh_grads = frozenset(fresh)
            emphasis.read_grads = emphasis.outputs
            self._frame("backward", event.node.name, "\n".join([head] + lines), emphasis, level, depth)

    def _inner_input_grads(self, sub):
        """By input position of the composite: the gradient its expansion's steps gave it so far."""
        grads = self.known[sub].grads
        return {p: grads[j] for p, j in enumerate(self.plan.inputs[sub]) if j is not None and grads[j] is not None}


def _difference(a, b):
    """The largest absolute difference of two arrays (None when one is missing)."""
    if a is None or b is None:
        return None
    return float(np.max(np.abs(to_host(a) - to_host(b)))) if np.size(a) else 0.0


def fused_caption(caption, node, steps, difference, phase):
    """A fused composite's frame, after its expansion's steps: the same numbers?"""
    head, _, details = caption.partition("\n")
    same = "the same numbers" if phase == "forward" else "the same gradients"
    diff = "" if difference is None else f" (largest difference {number(difference)})"
    line = f"{node.op} '{node.layer_name() or node.name}', fused, gives {same} as its {steps} steps above{diff}"
    return "\n".join(filter(None, [f"{head} (fused)", line, details]))


def _labels(graph, slots):
    return [display_name(graph.variables[j]) for j in slots]


def expression(graph, event):
    """The node's formula in its inputs' names: 'x + y'."""
    labels = _labels(graph, event.slots[:-1])
    if event.node.formula:
        return typeset(substitute(event.node.formula, labels))
    return f"{event.node.op}({', '.join(labels)})"


def _operand(value):
    text = number(to_host(value).reshape(()))
    return f"({text})" if text.startswith("-") else text


def start_caption(graph):
    first_use = {}
    for k, (_, ins, _) in enumerate(graph.steps):
        for p, j in enumerate(ins):
            first_use.setdefault(j, (k, p))
    known = sorted((i for i in graph.leaves if graph.variables[i].name),
                   key=lambda i: first_use.get(i, (-1, 0)))
    shown = ", ".join(f"{graph.variables[i].label} = {_short(graph.values[i])}" for i in known[:6])
    more = ", …" if len(known) > 6 else ""
    return f"start: the inputs are known ({shown}{more}); every other value is ?"


def _short(value):
    """A leaf in the start caption: its number, or its shape."""
    return summary(value) if is_scalar(value) else shape_text(value)


def forward_caption(graph, event, where):
    node, out = event.node, event.slots[-1]
    out_label = graph.variables[out].label
    expr = expression(graph, event)
    if node.formula and all(is_scalar(v) for v in event.inputs) and is_scalar(event.output):
        numbers = substitute(node.formula, [_operand(v) for v in event.inputs])
        body = f"{out_label} = {expr} = {typeset(numbers)} = {summary(event.output)}"
    else:
        body = f"{out_label} = {expr}\n{shape_text(event.output)}: {summary(event.output)}"
    named = out_label in (node.name, node.layer_name())  # 'dense = relu(x W + b)' names itself
    return f"{where}: " + ("" if named else f"{node.name}: ") + body


def backward_line(graph, event, p, out_label, before, total):
    """One line of a backward caption, and the short note beside input ``p``'s edge."""
    ins = event.slots[:-1]
    labels = _labels(graph, ins)
    upstream, g = event.upstream, event.input_grads[p]
    local = event.local[p] if event.local is not None and p < len(event.local) else None
    formula = derivative_formula(event.node, p, labels)
    formula = typeset(formula) if formula else None
    target = f"d{out_label}/d{labels[p]}"
    sign = "+=" if before is not None else "="
    factor = grouped(formula) if formula else None
    if local is not None and is_scalar(upstream) and is_scalar(local) and is_scalar(g):
        how = f"upstream × local {factor}" if formula else "upstream × local"
        line = f"{target} {sign} {how} = {_operand(upstream)} × {_operand(local)} = {summary(g)}"
        note = f"{summary(upstream)} × {summary(local)} = {summary(g)}"
    else:
        if local is not None:  # elementwise: the chain rule is a product, value by value
            how = f"upstream × local {factor}" if formula else "upstream × local"
        elif formula and mentions_upstream(formula):
            how = f"{formula} (g: upstream)"  # MatMul's 'g @ bᵀ'
        else:
            how = f"upstream × {factor}" if formula else f"backward of {event.node.op}"
        line = f"{target} {sign} {how} = {summary(g)}"
        # A number fits by the edge; a tensor's numbers are in its box, and the edge
        # says which gradient it carries.
        note = f"{'+' if before is not None else ''}{summary(g)}" if is_scalar(g) else f"{sign} {target}"
    if before is not None:
        line += f", now {summary(total)}"
    return line, note


def write_walkthrough(output, directory, *, title=None, **options):
    """Write the step-through of ``output``'s forward and backward passes:
    frame_000.svg ..., walkthrough.html (open it in any browser, offline) and
    graph.svg (the finished graph with every value and gradient).

    Returns ``{'html': path, 'frames': [paths], 'graph': path}``.
    """
    from .draw import draw
    stepper = Stepper(output, title=title, **options)
    directory = Path(directory)
    frames = stepper.save_svgs(directory)
    html = stepper.save_html(directory / "walkthrough.html")
    keep = {k: v for k, v in options.items() if k in ("show", "expand", "max_nodes", "max_fanout",
                                                       "heatmap", "grad_flow", "rankdir")}
    if "depth" in options:
        keep["expand"] = options["depth"]
    graph = directory / "graph.svg"
    graph.write_text(to_svg(draw(stepper.graph, title=stepper.title, **keep)), encoding="utf-8")
    return {"html": html, "frames": frames, "graph": graph}
