"""Stepper: one frame per forward and backward node of g = (x + y) * z, x = 1,
y = 3, z = -3, checked in each frame's caption, DOT source and SVG text."""
import json
import re
import shutil
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import graphnet as gn
from composite_nodes import Sigmoid
from graphnet.examples import backprop
from graphnet.ops import apply
from graphnet.viz import GraphvizMissing, Stepper, write_walkthrough

SVG = "{http://www.w3.org/2000/svg}"
needs_dot = pytest.mark.skipif(not shutil.which("dot"), reason="Graphviz's dot is missing")


def worked_example():
    x, y, z = gn.tensor(1.0, name="x"), gn.tensor(3.0, name="y"), gn.tensor(-3.0, name="z")
    p = x + y
    return p, p * z


def svg_texts(svg):
    return ["".join(t.itertext()) for t in ET.fromstring(svg.encode()).iter(f"{SVG}text")]


def highlighted(svg):
    """The SVG ids of the nodes a frame marks as current (op-<node name>)."""
    return [g.get("id") for g in ET.fromstring(svg.encode()).iter(f"{SVG}g")
            if "current" in (g.get("class") or "").split()]


def view_box(svg):
    return ET.fromstring(svg.encode()).get("viewBox")


@pytest.fixture(scope="module")
def example():
    p, g = worked_example()
    return p, g, Stepper(g)


def test_one_frame_per_node_and_phase(example):
    p, g, stepper = example
    add, mul = p.node.name, g.node.name
    assert [f.phase for f in stepper] == ["start", "forward", "forward", "seed", "backward", "backward"]
    assert [f.node for f in stepper] == ["", add, mul, g.label, mul, add]


def test_captions_show_the_arithmetic(example):
    p, g, stepper = example
    P, G = p.label, g.label
    captions = [f.caption for f in stepper]
    assert captions[0] == "start: the inputs are known (x = 1, y = 3, z = -3); every other value is ?"
    assert captions[1] == f"forward 1/2: {P} = x + y = 1 + 3 = 4"
    assert captions[2] == f"forward 2/2: {G} = {P} * z = 4 * (-3) = -12"
    assert captions[3] == f"backward starts at the output: d{G}/d{G} = 1"
    assert captions[4].split("\n") == [
        f"backward 1/2: {G} ({P} * z)",
        f"d{G}/d{P} = upstream × local z = 1 × (-3) = -3",
        f"d{G}/dz = upstream × local {P} = 1 × 4 = 4"]
    assert captions[5].split("\n")[1:] == [
        f"d{G}/dx = upstream × local 1 = (-3) × 1 = -3",
        f"d{G}/dy = upstream × local 1 = (-3) × 1 = -3"]


def test_each_frame_shows_what_is_known_so_far(example):
    p, g, stepper = example
    sources = [stepper.digraph(i).source for i in range(len(stepper))]
    grads = [re.findall(r">(?:<I>)?grad ([^<]+)<", s) for s in sources]
    values = [re.findall(r">value ([^<]+)<", s) for s in sources]
    assert [v.count("?") for v in values] == [2, 1, 0, 0, 0, 0]
    assert [gr.count("?") for gr in grads] == [5, 5, 5, 4, 2, 0]
    assert sorted(grads[4]) == sorted(["?", "?", "-3", "4", "1"])
    assert sorted(grads[5]) == sorted(["-3", "-3", "-3", "4", "1"])
    # the local derivative times the upstream gradient, beside each input edge
    assert "1 × -3 = -3" in sources[4] and "1 × 4 = 4" in sources[4]


@needs_dot
def test_svg_frames_highlight_the_current_node_and_keep_their_layout(example):
    p, g, stepper = example
    svgs = stepper.svgs()
    add, mul = f"op-{p.node.name}", f"op-{g.node.name}"
    seed = [f"var-{i}" for i in stepper.plan.ids_of(stepper.plan.root, stepper.graph.outputs[0])]
    assert [highlighted(s) for s in svgs] == [[], [add], [mul], seed, [mul], [add]]
    texts = [svg_texts(s) for s in svgs]
    assert "value ?" in texts[1] and "value 4" in texts[1] and "value -12" not in texts[1]
    assert texts[4].count("grad ?") == 2 and "grad 4" in texts[4]
    assert texts[5].count("grad -3") == 3
    assert len({view_box(s) for s in svgs}) == 1  # nothing moves from frame to frame


def test_fan_out_gradients_are_partial_until_every_use_is_done():
    x = gn.tensor(2.0, name="x")
    q = x * x + x  # dq/dx = 2x + 1 = 5, from three uses of x
    stepper = Stepper(q)
    add_frame, mul_frame = stepper[-2], stepper[-1]
    assert "grad 1 (partial)" in stepper.digraph(add_frame.index).source
    assert ">grad 5<" in stepper.digraph(mul_frame.index).source
    assert "+= upstream × local" in mul_frame.caption and "now 5" in mul_frame.caption


def test_a_graph_is_stepped_with_the_values_it_holds():
    p, g = worked_example()
    graph = gn.Graph(g)
    graph.forward({"x": 2.0})
    stepper = Stepper(graph)
    assert stepper[1].caption.endswith("= 2 + 3 = 5")
    assert stepper[2].caption.endswith("= 5 * (-3) = -15")


def test_an_opened_composite_steps_through_its_expansion_then_its_fused_self():
    w = gn.parameter(0.5, name="w")
    s = apply(Sigmoid(), w * 2.0)
    loss = s * 3.0
    stepper = Stepper(loss, depth=1)
    name = s.node.name
    inner = ["neg", "exp", "add", "div"]  # 1 / (1 + exp(-x)), as composite_nodes.Sigmoid expands
    forward = [f for f in stepper if f.phase == "forward"]
    assert [f.node.split("_")[0] for f in forward] == ["mul"] + inner + ["sigmoid", "mul"]
    assert [f.depth for f in forward] == [0, 1, 1, 1, 1, 0, 0]
    assert forward[1].title.startswith("forward 2/3 ▸ 1/4: ")
    fused = forward[5]
    assert fused.node == name and fused.title.endswith("(fused)")
    assert f"Sigmoid '{name}', fused, gives the same numbers as its 4 steps above (largest difference 0)" \
        in fused.caption

    def cluster(frame):
        return stepper.digraph(frame.index).source.split("subgraph cluster")[1]

    # inside, the values arrive one step at a time
    assert [cluster(f).count(">value ?<") for f in forward[:5]] == [3, 2, 1, 0, 0]
    backward = [f for f in stepper if f.phase == "backward"]
    assert [f.node.split("_")[0] for f in backward] == ["mul"] + inner[::-1] + ["sigmoid", "mul"]
    assert "the same gradients as its 4 steps above" in backward[5].caption
    # d loss / dw = 3 sigma'(1) * 2: the inner steps and the fused node give it alike
    expected = 3 * 0.7310585786 * (1 - 0.7310585786) * 2
    assert np.isclose(w.grad, expected)
    assert ">grad ?<" in cluster(backward[1]) and ">grad ?<" not in cluster(backward[4])


def test_html_page_holds_one_svg_and_each_frame_as_changes(example):
    p, g, stepper = example
    page = stepper.html()
    assert page.count("<svg") == 2  # the drawing, and the overview map
    assert '<div id="frame-title" data-frame="0"' in page
    data = json.loads(re.search(r'<script type="application/json" id="frames-data">(.*?)</script>',
                                page, re.S).group(1))
    frames = data["frames"]
    assert [f["phase"] for f in frames] == ["start", "forward", "forward", "seed", "backward", "backward"]
    assert frames[0]["key"] == [] and all("step" in f for f in frames[1:])  # each from the one before
    texts = [t for f in frames[1:] for _, _, t in f["step"] if t]
    assert "value 4" in texts and "grad -3" in texts
    for needle in ("<link", " src=", 'href="http', "@import"):
        assert needle not in page
    assert len(page) < 60_000


@needs_dot
def test_write_walkthrough(tmp_path):
    p, g = worked_example()
    paths = write_walkthrough(g, tmp_path / "walk")
    assert [f.name for f in paths["frames"]] == [f"frame_{i:03d}.svg" for i in range(6)]
    assert paths["html"].name == "walkthrough.html" and paths["html"].exists()
    assert "grad -3" in svg_texts(paths["graph"].read_text())
    assert highlighted(paths["frames"][4].read_text()) == [f"op-{g.node.name}"]


def test_missing_dot_fails_clearly_but_frames_still_have_dot_source(monkeypatch, tmp_path):
    p, g = worked_example()
    monkeypatch.setenv("PATH", str(tmp_path))
    stepper = Stepper(g)
    assert "digraph" in stepper.digraph(4).source
    with pytest.raises(GraphvizMissing, match="dot"):
        write_walkthrough(g, tmp_path / "walk")


def test_a_lone_node_cannot_be_stepped():
    with pytest.raises(TypeError, match="no values"):
        Stepper(gn.ops.Mul())


def _cell(source, item_id, cell):
    """The markup of one cell (value or grad) of a record in a DOT source."""
    line = next(line for line in source.splitlines() if f'id="var-{item_id}"' in line)
    cells = re.findall(r"<TD BGCOLOR=\"#[0-9a-f]+\"[^>]*>(.*?)</TD>(?=<TD|</TR>)", line)
    return [c for c in cells if f">{cell}" in c or c.startswith(cell)]


def test_the_frames_inside_an_opened_dense_layer_show_the_fused_numbers():
    model, batch = backprop.dense_model()
    stepper = Stepper(model, batch=batch, depth=1)
    fused = next(f for f in stepper if f.phase == "forward" and f.depth == 0)
    inner = [f for f in stepper[:fused.index] if f.depth == 1]
    assert [f.node.split("_")[0] for f in inner] == ["matmul", "add", "relu"]
    # the layer's output box: written by its last inner step, then by the fused node
    (out_id,) = stepper[inner[-1].index].emphasis.outputs
    assert stepper[fused.index].emphasis.outputs == {out_id}
    level, slot = next(key for key, v in stepper.plan.var_ids.items() if v == out_id and key[0].parent is None)
    by_steps, by_fused = inner[-1].view.values[slot], fused.view.values[slot]
    assert by_steps is not by_fused and np.array_equal(by_steps, by_fused)
    cells = [_cell(stepper.digraph(f.index).source, out_id, "value") for f in (inner[-1], fused)]
    assert cells[0] == cells[1] and "?" not in cells[0][0]
    # and backward: the kernel's gradient from the steps equals the fused one
    back = [f for f in stepper if f.phase == "backward"]
    fused_back = next(f for f in back if f.node == fused.node)
    assert "the same gradients as its 3 steps above (largest difference 0)" in fused_back.caption


def test_an_lstm_opened_to_its_gates_steps_through_every_gate_of_every_step():
    model, batch = backprop.lstm_model(steps=3, units=2, features=2)
    stepper = Stepper(model, batch=batch, depth=2)
    gates = ("i (input)", "f (forget)", "g (candidate)", "o (output)", "c'", "h'")
    for phase in ("forward", "backward"):
        deep = [f for f in stepper if f.phase == phase and f.depth == 2]
        names = [_written(stepper, f) for f in deep]
        for gate in gates:
            assert names.count(gate) == 3, (phase, gate, names)  # one per time step
    cells = [f for f in stepper if f.phase == "forward" and f.depth == 1 and f.node.startswith("lstmcell")]
    assert len(cells) == 3 and all("(fused)" in f.title for f in cells)


def _written(stepper, frame):
    """The label of the variable a frame's step writes (forward) or starts from (backward)."""
    level = frame.level
    k = next(k for k, (node, _, _) in enumerate(level.graph.steps) if node.name == frame.node)
    return level.graph.variables[level.graph.steps[k][2]].label
