"""Backprop frame by frame, from the engine's own step events.

The Stepper replays the graph's forward and backward passes under
``graphnet.observe`` and turns what it hears into frames: the inputs alone,
then one frame per forward node, the seed d(out)/d(out) = 1, and one frame per
backward node. Each frame is a drawing of the same plan, so nothing moves but
the numbers and the highlight; what is not computed yet reads '?'.
"""
from dataclasses import dataclass, replace
from html import escape
from pathlib import Path

import numpy as np

from ..core import Graph, Recorder, observe
from ..kernels.dispatch import to_host
from .adapters import View, graph_view, view_of
from .draw import DEFAULT_SHOW, SHOW, Emphasis, Options, States, draw, gradient_scale, render, var_texts
from .formulas import derivative_formula, display_name, grouped, mentions_upstream, substitute
from .format import is_scalar, number, shape_text, summary
from .html import page
from .labels import FONT_SIZE, SMALL, width_for
from .plan import VarItem, make_plan
from .render import to_svg


@dataclass
class Frame:
    index: int
    phase: str       # 'start', 'forward', 'seed' or 'backward'
    node: str        # name of the highlighted node ('' when none is)
    caption: str     # first line: where we are; further lines: the arithmetic
    view: View       # what is known at this point
    emphasis: Emphasis

    @property
    def title(self):
        return self.caption.split("\n", 1)[0]


class Stepper:
    """Frames of a forward and backward pass through ``target`` (a Tensor or a Graph).

    ``stepper[i]`` is a Frame; ``digraph(i)`` / ``svg(i)`` draw it; ``save_svgs(dir)``
    writes frame_000.svg ...; ``html()`` / ``save_html(path)`` give one page with
    previous/next buttons, a slider and arrow keys. In Jupyter the stepper shows
    itself, or ``widget()`` drives it with ipywidgets when they are installed.
    Like ``backward()``, stepping leaves ``.grad`` filled on the tensors.
    """

    def __init__(self, target, *, show=DEFAULT_SHOW, grad_flow=False, expand=False,
                 max_nodes=None, max_fanout=8, heatmap=False, title=None, batch=None):
        base = view_of(target, batch=batch, gradients=True)
        if base.schematic:
            raise TypeError("a lone Node has no values to step through: step through a "
                            "Tensor computed with it instead")
        unknown = set(show) - SHOW
        if unknown:
            raise ValueError(f"Stepper(show=...) knows {sorted(SHOW)}, not {sorted(unknown)}")
        self.graph, events = replay(base)
        final = graph_view(self.graph)
        self.plan = make_plan(final, expand=expand, max_nodes=max_nodes, max_fanout=max_fanout)
        self.title = title or f"Backpropagation through {self.graph.variables[self.graph.outputs[0]].label}"
        self.frames = list(make_frames(self.graph, events))
        self.options = Options(frozenset(show), grad_flow, heatmap=heatmap)
        if grad_flow:  # one scale for every frame, from the final gradients
            self.options.grad_scale = gradient_scale(self.plan, final)
        self._fit_cells()
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
    def digraph(self, i, caption=True):
        """Frame ``i`` as a Digraph; ``caption=False`` leaves the caption out
        (the HTML page shows it in large type above the picture instead)."""
        frame = self.frames[i]
        options = replace(self.options, emphasis=frame.emphasis)
        if caption:
            lines = frame.caption.split("\n")
            options.caption = "\n".join(lines + [" "] * (self._caption_lines - len(lines)))
        else:
            options.caption_width = None
        return render(self.plan, frame.view, options)

    def svg(self, i, caption=True):
        key = (i, caption)
        if key not in self._svgs:
            self._svgs[key] = to_svg(self.digraph(i, caption))
        return self._svgs[key]

    def svgs(self, caption=True):
        return [self.svg(i, caption) for i in range(len(self))]

    def save_svgs(self, directory, prefix="frame_"):
        """Write frame_000.svg, frame_001.svg, ...; returns their paths."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        paths = []
        for i in range(len(self)):
            path = directory / f"{prefix}{i:03d}.svg"
            path.write_text(self.svg(i), encoding="utf-8")
            paths.append(path)
        return paths

    def html(self):
        """One self-contained page: every frame's SVG inline, no network needed."""
        frames = [(self.svg(f.index, caption=False), f.caption, f.node, f.phase) for f in self.frames]
        return page(frames, self.title)

    def save_html(self, path):
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.html(), encoding="utf-8")
        return path

    def _repr_html_(self):
        # Notebooks sanitise scripts in plain HTML output, but not inside an iframe.
        return (f'<iframe srcdoc="{escape(self.html(), quote=True)}" '
                'style="width:100%;height:620px;border:1px solid #ccc"></iframe>')

    def widget(self):
        """An ipywidgets slider with previous/next buttons, or, without ipywidgets,
        an object that displays as the HTML page."""
        try:
            import ipywidgets as w
        except ImportError:
            return _HtmlPage(self._repr_html_())
        picture, caption = w.HTML(), w.HTML()
        slider = w.IntSlider(value=0, min=0, max=len(self) - 1, description="frame")
        prev, nxt = w.Button(description="◀ previous"), w.Button(description="next ▶")

        def show(change=None):
            frame = self.frames[slider.value]
            caption.value = "<pre>" + escape(frame.caption) + "</pre>"
            picture.value = self.svg(frame.index, caption=False)

        slider.observe(show, names="value")
        prev.on_click(lambda _: setattr(slider, "value", max(slider.value - 1, 0)))
        nxt.on_click(lambda _: setattr(slider, "value", min(slider.value + 1, len(self) - 1)))
        show()
        return w.VBox([w.HBox([prev, slider, nxt]), caption, picture])

    def _fit_cells(self):
        """Give each cell the width of its longest text over all frames, and the
        caption the most lines any frame needs: the layout then never moves."""
        longest = {}
        for frame in self.frames:
            states = States(frame.view)
            for item in self.plan.items:
                if isinstance(item, VarItem):
                    for name, text in var_texts(item, states, self.options).items():
                        key = (item.id, name)
                        longest[key] = max(longest.get(key, 0), max(map(len, text.split("\n"))))
        self.options.widths = {key: width_for(n) for key, n in longest.items()}
        notes = {}
        for frame in self.frames:
            op = self.plan.op_item(frame.emphasis.step) if frame.emphasis.notes else None
            for position, note in frame.emphasis.notes.items():
                if op is not None:
                    key = (op.id, position)
                    notes[key] = max(notes.get(key, 0), len(note))
        self.options.note_widths = {key: width_for(n, SMALL + 2) for key, n in notes.items()}
        lines = [frame.caption.split("\n") for frame in self.frames]
        self._caption_lines = max(len(ls) for ls in lines)
        widest = max(len(line) for ls in lines for line in ls)
        self.options.caption_width = width_for(widest, FONT_SIZE + 2)


class _HtmlPage:
    def __init__(self, markup):
        self.markup = markup

    def _repr_html_(self):
        return self.markup


def replay(view):
    """A fresh Graph over the view's outputs, run forward (on the values the view
    holds) and backward under observation; returns it and the step events."""
    graph = Graph([view.graph.variables[o] for o in view.graph.outputs])
    feed = {graph.variables[i]: view.values[i] for i in graph.leaves if view.values[i] is not None}
    events = Recorder()
    with observe(events):
        graph.forward(feed)
        graph.backward()
    return graph, events


# --- frames ------------------------------------------------------------------------
def make_frames(graph, events):
    n = len(graph)
    producer = {out: k for k, (_, _, out) in enumerate(graph.steps)}
    leaves = set(graph.leaves)
    forward = [e for e in events if e.phase == "forward"]
    backward = [e for e in events if e.phase == "backward"]
    out_label = graph.variables[graph.outputs[0]].label
    no_grads = ["missing" if need else "none" for need in graph.needs_grad]

    values = [graph.values[i] if i in leaves else None for i in range(n)]
    index = 0
    yield Frame(index, "start", "", start_caption(graph),
                View(graph, list(values), [None] * n, list(no_grads), backward_done=set()),
                Emphasis())
    for i, event in enumerate(forward, 1):
        out = event.slots[-1]
        values[out] = event.output
        index += 1
        yield Frame(index, "forward", event.node.name,
                    forward_caption(graph, event, i, len(forward)),
                    View(graph, list(values), [None] * n, list(no_grads), backward_done=set()),
                    Emphasis(step=event.index, phase="forward", fresh_values={out},
                             read_values=set(event.slots[:-1])))

    # How many gradient contributions each variable receives in all: it is complete
    # once all have arrived, and 'partial' before (a value used twice, say).
    expected = [0] * n
    for event in backward:
        for j, g in zip(event.slots[:-1], event.input_grads):
            if g is not None and graph.needs_grad[j]:
                expected[j] += 1
    grads, received = [None] * n, [0] * n
    for o in graph.outputs:
        grads[o] = np.ones_like(graph.values[o])
        expected[o] += 1
        received[o] += 1

    def status(j):
        if not graph.needs_grad[j]:
            return "none"
        if received[j] == 0:
            return "missing"
        return "ok" if received[j] >= expected[j] else "partial"

    done = set()
    index += 1
    seed = graph.outputs[0]
    ones = "1" if is_scalar(graph.values[seed]) else f"1 for each of its {np.size(graph.values[seed])} values"
    yield Frame(index, "seed", graph.variables[seed].label,
                f"backward starts at the output: d{out_label}/d{out_label} = {ones}",
                View(graph, list(values), list(grads), [status(j) for j in range(n)],
                     backward_done=set(done)),
                Emphasis(phase="backward", seed=seed))
    for i, event in enumerate(backward, 1):
        ins, out = event.slots[:-1], event.slots[-1]
        step = producer[out]
        lines, notes, fresh = [], {}, set()
        for p, (j, g) in enumerate(zip(ins, event.input_grads)):
            if g is None or not graph.needs_grad[j]:
                continue
            before = grads[j]
            grads[j] = g if before is None else before + g
            received[j] += 1
            fresh.add(j)
            line, notes[p] = backward_line(graph, event, p, out_label, before, grads[j])
            lines.append(line)
        done.add(step)
        index += 1
        head = f"backward {i}/{len(backward)}: {event.node.name} ({expression(graph, event)})"
        yield Frame(index, "backward", event.node.name, "\n".join([head] + lines),
                    View(graph, list(values), list(grads), [status(j) for j in range(n)],
                         backward_done=set(done)),
                    Emphasis(step=step, phase="backward", fresh_grads=fresh, notes=notes,
                             read_grads={out}))


def _labels(graph, slots):
    return [display_name(graph.variables[j]) for j in slots]


def expression(graph, event):
    """The node's formula in its inputs' names: 'x + y'."""
    labels = _labels(graph, event.slots[:-1])
    if event.node.formula:
        return substitute(event.node.formula, labels)
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
    shown = ", ".join(f"{graph.variables[i].label} = {summary(graph.values[i])}" for i in known[:6])
    more = ", …" if len(known) > 6 else ""
    return f"start: the inputs are known ({shown}{more}); every other value is ?"


def forward_caption(graph, event, i, n):
    node, out = event.node, event.slots[-1]
    out_label = graph.variables[out].label
    expr = expression(graph, event)
    if node.formula and all(is_scalar(v) for v in event.inputs) and is_scalar(event.output):
        numbers = substitute(node.formula, [_operand(v) for v in event.inputs])
        body = f"{out_label} = {expr} = {numbers} = {summary(event.output)}"
    else:
        body = f"{out_label} = {expr}: {shape_text(event.output)}, {summary(event.output)}"
    where = f"forward {i}/{n}: " + ("" if out_label == node.name else f"{node.name}: ")
    return where + body


def backward_line(graph, event, p, out_label, before, total):
    """One line of a backward caption, and the short note beside input ``p``'s edge."""
    ins = event.slots[:-1]
    labels = _labels(graph, ins)
    upstream, g = event.upstream, event.input_grads[p]
    local = event.local[p] if event.local is not None and p < len(event.local) else None
    formula = derivative_formula(event.node, p, labels)
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
        note = f"{'+' if before is not None else ''}{summary(g)}"
    if before is not None:
        line += f", now {summary(total)}"
    return line, note


def write_walkthrough(output, directory, *, title=None, **options):
    """Write the step-through of ``output``'s forward and backward passes:
    frame_000.svg ..., walkthrough.html (open it in any browser, offline) and
    graph.svg (the finished graph with every value and gradient).

    Returns ``{'html': path, 'frames': [paths], 'graph': path}``.
    """
    stepper = Stepper(output, title=title, **options)
    directory = Path(directory)
    frames = stepper.save_svgs(directory)
    html = stepper.save_html(directory / "walkthrough.html")
    keep = {k: v for k, v in options.items() if k in ("show", "expand", "max_nodes", "max_fanout",
                                                       "heatmap", "grad_flow")}
    graph = directory / "graph.svg"
    graph.write_text(to_svg(draw(stepper.graph, title=stepper.title, **keep)), encoding="utf-8")
    return {"html": html, "frames": frames, "graph": graph}
