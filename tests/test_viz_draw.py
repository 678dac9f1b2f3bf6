"""draw(): DOT source and rendered SVG text (never pixels) on the worked example
g = (x + y) * z with x = 1, y = 3, z = -3: p = 4, g = -12; dg/dx = dg/dy = -3,
dg/dz = 4, dg/dp = -3."""
import re
import shutil
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import graphnet as gn
from composite_nodes import Sigmoid
from graphnet.ops import apply
from graphnet.viz import GraphvizMissing, draw, register_adapter, to_svg

needs_dot = pytest.mark.skipif(not shutil.which("dot"), reason="Graphviz's dot is missing")


def worked_example():
    x, y, z = gn.tensor(1.0, name="x"), gn.tensor(3.0, name="y"), gn.tensor(-3.0, name="z")
    p = x + y
    return x, y, z, p, p * z


def svg_texts(svg):
    """Every text run of a Graphviz SVG, entities decoded (Graphviz writes '-' as &#45;)."""
    root = ET.fromstring(svg.encode())
    return ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]


def record(source, label):
    """The DOT line of the value record whose name cell is ``label``."""
    lines = [line for line in source.splitlines() if f"<B>{label}</B>" in line]
    assert len(lines) == 1, f"one record for {label}, got {lines}"
    return lines[0]


def test_values_and_gradients_where_expected():
    *_, p, g = worked_example()
    g.backward()
    source = draw(g).source
    expected = {"x": ("1", "-3"), "y": ("3", "-3"), "z": ("-3", "4"),
                p.label: ("4", "-3"), g.label: ("-12", "1")}
    for label, (value, grad) in expected.items():
        line = record(source, label)
        assert f">value {value}<" in line and f">grad {grad}<" in line, line
    assert source.count("->") == 6  # x, y -> + -> p; p, z -> * -> g


@needs_dot
def test_rendered_svg_carries_the_numbers():
    *_, g = worked_example()
    g.backward()
    texts = svg_texts(to_svg(draw(g)))
    for wanted in ["value 1", "value 3", "value -3", "value 4", "value -12",
                   "grad 4", "grad 1", "+", "*"]:
        assert wanted in texts, wanted
    assert texts.count("grad -3") == 3  # x, y and p


def test_roles_look_different():
    w = gn.parameter(2.0, name="w")
    c = gn.constant(5.0, name="c")
    out = gn.tensor(1.0, name="x") * w + c * 2.0
    source = draw(out).source
    fills = {role: re.search(r'BGCOLOR="(#\w+)"><B>' + name, source).group(1)
             for role, name in [("input", "x"), ("parameter", "w"), ("constant", "c"),
                                ("output", out.label)]}
    assert len(set(fills.values())) == 4
    assert 'STYLE="rounded"' in record(source, "w")      # parameters: rounded
    assert "grad" not in record(source, "c")             # constants take no gradient
    assert re.search(r'label=<<TABLE[^>]*STYLE="rounded"><TR><TD><FONT POINT-SIZE="12">2</FONT>',
                     source)                             # the unnamed 2: a small value box


def test_missing_gradients_before_backward_are_question_marks():
    *_, g = worked_example()
    source = draw(g).source
    assert source.count(">grad ?<") == 5
    assert not re.search(r">grad -?\d", source)  # no zeros passed off as gradients


def test_gradients_of_another_backward_are_not_shown_as_this_ones():
    x, y, z, p, g = worked_example()
    p.backward()               # x.grad = 1 now, but that is dp/dx, not dg/dx
    assert draw(g).source.count(">grad ?<") == 5


def test_gradients_of_a_later_backward_downstream_are_not_this_ones():
    x, y, z, p, g = worked_example()
    g.backward()
    h = g * 2.0
    h.backward()  # every tensor now holds dh/d., twice dg/d.: not g's gradients
    source = draw(g).source
    assert source.count(">grad ?<") == 5 and ">grad -6<" not in source
    g.backward()
    assert ">grad -3<" in record(draw(g).source, "x")


def test_graph_after_new_values_marks_gradients_stale():
    *_, g = worked_example()
    graph = gn.Graph(g)
    assert draw(graph).source.count(">grad ?<") == 5
    graph.backward()
    assert "(stale)" not in draw(graph).source
    graph.forward({"x": 2.0})  # p = 5, g = -15: the gradients belong to the old values
    source = draw(graph).source
    assert ">value -15<" in source
    assert source.count("(stale)") == 5
    assert "<I>grad -3 (stale)</I>" in record(source, "x")


def test_gradient_flow_colours_and_legend():
    *_, g = worked_example()
    g.backward()
    source = draw(g, grad_flow=True).source
    assert "gradient magnitude" in source and "log scale" in source
    assert all(tick in source for tick in ("1e-01", "1e+00", "1e+01"))
    # |grad| 4 and 3 and 1 get three different colours, on cells and on edges
    colours = {re.search(r'<TD BGCOLOR="(#\w+)"><FONT[^>]*>grad ' + v + "<", source).group(1)
               for v in ("4", "-3", "1")}
    assert len(colours) == 3
    assert re.search(r'v\d+ -> op\d+ \[color="#\w+" penwidth=[\d.]+\]', source)


def test_vanishing_and_exploding_gradients_land_at_the_ends_of_the_scale():
    tiny = gn.tensor(1.0, name="tiny")
    big = gn.tensor(1.0, name="big")
    out = tiny * 1e-6 + big * 1e3
    out.backward()
    source = draw(out, grad_flow=True).source
    blue, red = "#3b4cc0", "#d7191c"
    assert f'<TD BGCOLOR="{blue}"><FONT COLOR="#ffffff">grad 1e-06' in record(source, "tiny")
    assert f'<TD BGCOLOR="{red}"><FONT COLOR="#ffffff">grad 1000' in record(source, "big")


def test_local_derivatives_on_edges():
    *_, p, g = worked_example()
    g.backward()
    source = draw(g, show=("name", "value", "grad", "local")).source
    assert f'"∂{g.label}/∂{p.label} = z = -3"' in source
    assert f'"∂{g.label}/∂z = {p.label} = 4"' in source
    assert f'"∂{p.label}/∂x = 1"' in source


def test_small_tensors_show_their_numbers_large_ones_a_heatmap():
    w = gn.parameter(np.arange(12.0).reshape(3, 4) - 5.5, name="W")
    out = (w * 2.0).sum()
    out.backward()
    line = record(draw(out).source, "W")
    assert "(3, 4)" in line
    numbers = re.findall(r'<TD WIDTH="\d+" ALIGN="RIGHT"><FONT POINT-SIZE="12">([^<]+)</FONT>', line)
    assert numbers[:12] == ["-5.50", "-4.50", "-3.50", "-2.50", "-1.50", "-0.50",
                            "0.50", "1.50", "2.50", "3.50", "4.50", "5.50"]
    assert numbers[12:] == ["2"] * 12  # the gradient: whole numbers read as such
    assert "min -5.5  mean 0  max 5.5" in record(draw(out, heatmap=False).source, "W")
    drawing = draw(out, heatmap=True)
    assert record(drawing.source, "W").count('FIXEDSIZE="TRUE"') == 2 * (12 + 2)  # cells and key
    big = gn.parameter(np.linspace(-1, 2, 70).reshape(7, 10), name="big")
    (big * 1.0).sum().backward()
    line = record(draw(big).source, "big")
    assert "value -1 … 2" in line and line.count('HEIGHT="9" FIXEDSIZE="TRUE"') == 2 * 7 * 8  # value, grad ?
    if shutil.which("dot"):
        assert "grad all 2" in svg_texts(to_svg(drawing))


def sigmoid_example():
    w, x = gn.parameter(0.5, name="w"), gn.tensor(2.0, name="x")
    s = apply(Sigmoid(), w * x)
    loss = s * 3.0
    loss.backward()
    return s, loss


def test_composite_drawn_as_one_box_by_default():
    s, loss = sigmoid_example()
    source = draw(loss).source
    assert "subgraph cluster" not in source
    line = [line for line in source.splitlines() if f'id="op-{s.node.name}"' in line][0]
    assert "<B>sigmoid</B>" in line and "peripheries=2" in line and 'class="op composite"' in line


def test_composite_expanded_as_a_cluster_of_primitives():
    s, loss = sigmoid_example()
    source = draw(loss, expand=True).source
    cluster = source[source.index("subgraph cluster"):]
    assert f"label=\"Sigmoid '{s.node.name}'\"" in cluster
    for op in ("neg", "exp", "+", "/"):
        assert f"<B>{op}</B>" in cluster
    # inside, values and gradients of the expansion agree with the fused node:
    # sigma(1) = 0.7311, and d loss/d(-x) = -3 sigma (1 - sigma) = -0.5898
    assert ">value 0.7311<" in record(source, s.label)
    assert re.search(r'<B>neg_\d+</B></TD><TD BGCOLOR="#ffffff">value -1</TD>'
                     r'<TD BGCOLOR="#ffffff">grad -0.5898<', cluster)
    assert "subgraph cluster" not in draw(loss, expand=["Mul"]).source  # Mul is primitive
    assert "subgraph cluster" in draw(loss, expand=["Sigmoid"]).source
    assert "subgraph cluster" not in draw(loss, expand=0).source


def test_composite_expanded_before_backward_shows_question_marks_inside():
    w, x = gn.parameter(0.5, name="w"), gn.tensor(2.0, name="x")
    loss = apply(Sigmoid(), w * x) * 3.0
    cluster = draw(loss, expand=True).source.split("subgraph cluster")[1]
    assert ">grad ?<" in cluster and not re.search(r">grad -?\d", cluster)


def rnn(steps, seed=0):
    rng = np.random.default_rng(seed)
    w, h = gn.parameter(0.9, name="w"), gn.tensor(0.0, name="h0")
    for t in range(steps):
        h = gn.tanh(h * w + gn.tensor(rng.normal(), name=f"x{t}"))
    return h


def test_long_repeated_chain_collapses():
    h = rnn(40)  # 120 operations
    source = draw(h, max_nodes=30).source
    assert len(re.findall(r'id="op-', source)) <= 30
    assert "… 30 more …" in source and "repeats of Mul, Add, Tanh (90 ops)" in source
    assert "x0" in source and "x39" in source and "x20" not in source  # both ends stay
    assert len(re.findall(r'id="op-', draw(h, max_nodes=None).source)) == 120


def test_widely_shared_leaf_is_drawn_at_each_use():
    h = rnn(12)
    source = draw(h, max_nodes=None, max_fanout=8).source
    assert source.count("shared by 12") == 12
    assert "shared by" not in draw(h, max_nodes=None, max_fanout=None).source


def test_lone_node_drawn_as_a_card():
    source = draw(gn.ops.Mul()).source
    assert "a * b" in source
    assert '"∂mul_' in source and "/∂a = b\"" in source and "/∂b = a\"" in source


def test_lone_composite_node_expands_with_inputs():
    source = draw(Sigmoid(), inputs=[np.array(0.0)], expand=True).source
    assert "subgraph cluster" in source and ">value 0.5<" in source


def test_highlight_by_name():
    *_, p, g = worked_example()
    source = draw(g, highlight=g.node.name).source
    current = [line for line in source.splitlines() if 'class="op current"' in line]
    assert len(current) == 1 and f'id="op-{g.node.name}"' in current[0]
    assert source.count('class="into-current"') == 2 and source.count('class="out-of-current"') == 1
    assert 'fillcolor="#ffd23f"' in current[0]


def test_options_are_checked():
    *_, g = worked_example()
    with pytest.raises(ValueError, match="gradient"):
        draw(g, show=("value", "gradient"))
    with pytest.raises(TypeError, match="cannot draw"):
        draw("g")


def test_adapter_for_a_new_kind_of_target():
    class Model:
        def __init__(self, out):
            self.out = out

    *_, g = worked_example()
    register_adapter(Model, lambda model: model.out)
    assert ">value -12<" in draw(Model(g)).source


@needs_dot
def test_notebook_display_is_svg():
    *_, g = worked_example()
    assert "<svg" in draw(g)._repr_mimebundle_()["image/svg+xml"]


def test_missing_dot_fails_clearly_while_dot_source_works(monkeypatch, tmp_path):
    *_, g = worked_example()
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` here
    digraph = draw(g)
    assert "digraph" in digraph.source
    with pytest.raises(GraphvizMissing, match="apt-get install graphviz"):
        to_svg(digraph)
    shown = digraph._repr_mimebundle_()  # what a notebook displays instead of a traceback
    assert "install" in shown["text/plain"] and "digraph" in shown["text/plain"]


def test_the_layout_runs_the_way_the_graph_reads_best():
    from graphnet.examples import backprop
    from graphnet.nn import Concatenate, Dense, Input
    from graphnet.viz import Stepper

    def direction(target, **options):
        return draw(target, show=("name", "shape"), **options).graph_attr["rankdir"]

    assert direction(backprop.worked_example()) == "LR"  # small: the forward pass left to right
    deep = gn.Sequential([Dense(16, activation="relu", input_shape=(8,))]
                         + [Dense(16, activation="relu") for _ in range(9)])
    assert direction(deep) == "TB"                      # a 10-layer MLP runs down
    cnn, batch = backprop.course_cnn()
    assert direction(cnn, expand=True) == "TB"          # so does an opened CNN
    x = Input((8,))
    wide = gn.Model(x, Concatenate()([Dense(4, name=f"branch{i}")(x) for i in range(8)]))
    assert direction(wide) == "LR"                      # eight branches side by side run across
    assert direction(deep, rankdir="LR") == "LR"        # asked for, given
    assert Stepper(backprop.tanh_recurrence(6)).options.rankdir == "TB"
    assert Stepper(backprop.tanh_recurrence(6), rankdir="LR").options.rankdir == "LR"
    with pytest.raises(ValueError, match="rankdir"):
        draw(deep, rankdir="sideways")


def test_a_small_tensor_with_extra_axes_of_one_still_shows_its_numbers():
    x = gn.tensor(np.array([[[1.0], [0.5], [-1.0], [2.0]]]), name="seq")  # (1, 4, 1)
    line = record(draw(x * 2.0).source, "seq")
    numbers = re.findall(r'ALIGN="RIGHT"><FONT POINT-SIZE="12">([^<]+)</FONT>', line)
    assert numbers[:4] == ["1.00", "0.50", "-1.00", "2.00"] and "(1, 4, 1)" in line
    assert 'FIXEDSIZE="TRUE"' not in line  # numbers, not a heatmap
