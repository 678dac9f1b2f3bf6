"""The graph engine: eager building, backward, fan-out, replay, step events, memory.

Expected numbers are worked out by hand (CURRICULUM section 1) or with NumPy,
never by asking graphnet.
"""
import gc
import math

import numpy as np
import pytest

import graphnet as gn
from graphnet.core import Graph


def f64(x):
    return np.array(x, dtype=np.float64)


def check_ok(report):
    assert report.ok, "\n" + str(report)


# --- the worked example: g = (x + y) * z with x=1, y=3, z=-3 ----------------

@pytest.fixture
def worked():
    x = gn.tensor(1.0, name="x")
    y = gn.tensor(3.0, name="y")
    z = gn.tensor(-3.0, name="z")
    p = x + y
    g = p * z
    return x, y, z, p, g


def test_worked_example_forward_values(worked):
    x, y, z, p, g = worked
    assert p.item() == 4.0
    assert g.item() == -12.0
    assert p.node is not None and g.node is not None
    assert p.node.op == "Add" and g.node.op == "Mul"
    assert g.parents[0] is p and g.parents[1] is z
    assert x.node is None and x.role == "input"


def test_worked_example_backward_every_gradient(worked):
    x, y, z, p, g = worked
    g.backward()
    assert g.grad == 1.0  # dg/dg
    assert p.grad == -3.0  # dg/dp = z
    assert x.grad == -3.0  # dg/dx = dg/dp * dp/dx = z * 1
    assert y.grad == -3.0
    assert z.grad == 4.0  # dg/dz = p = x + y
    for t in (x, y, z, p, g):
        assert np.shape(t.grad) == ()


def test_worked_example_through_graph_object(worked):
    x, y, z, p, g = worked
    graph = Graph(g)
    assert len(graph.steps) == 2 and len(graph.leaves) == 3
    assert graph.forward() == -12.0
    graph.backward()
    assert graph.grad(g) == 1.0
    assert graph.grad(p) == -3.0
    assert graph.grad("x") == -3.0 and graph.grad("y") == -3.0 and graph.grad("z") == 4.0
    assert graph.value(p) == 4.0


# --- a long chain: no recursion, right gradient ------------------------------

def test_ten_thousand_node_chain_scale():
    n = 10_000
    x = gn.tensor(f64(1.0), name="x")
    w = gn.parameter(f64(1.0001), name="w")
    h = x
    for _ in range(n):
        h = h * w  # h = x * w**n; w fans out to 10,000 nodes
    graph = Graph(h)
    assert len(graph.steps) == n
    graph.forward()
    graph.backward()
    np.testing.assert_allclose(h.value, 1.0001 ** n, rtol=1e-9)
    np.testing.assert_allclose(x.grad, 1.0001 ** n, rtol=1e-9)
    np.testing.assert_allclose(w.grad, n * 1.0001 ** (n - 1), rtol=1e-9)
    del graph, h  # freeing a 10,000-deep chain must not crash either


def test_ten_thousand_step_affine_recurrence():
    # h_{k+1} = h_k * w + c, h_0 = x:  h_n = w^n x + c (w^n - 1) / (w - 1)
    n, xv, wv, cv = 10_000, 1.0, 0.9999, 0.5
    x = gn.tensor(f64(xv), name="x")
    w = gn.parameter(f64(wv), name="w")
    c = gn.parameter(f64(cv), name="c")
    h = x
    for _ in range(n):
        h = h * w + c
    h.backward()
    wn = wv ** n
    np.testing.assert_allclose(h.value, wn * xv + cv * (wn - 1) / (wv - 1), rtol=1e-8)
    np.testing.assert_allclose(x.grad, wn, rtol=1e-8)
    np.testing.assert_allclose(c.grad, (wn - 1) / (wv - 1), rtol=1e-8)
    dw = n * wv ** (n - 1) * xv + cv * (n * wv ** (n - 1) * (wv - 1) - (wn - 1)) / (wv - 1) ** 2
    np.testing.assert_allclose(w.grad, dw, rtol=1e-6)


# --- backward twice, accumulation -------------------------------------------

def _small_net():
    x = gn.tensor(f64([1.0, -2.0, 0.5]), name="x")
    w = gn.parameter(f64([0.3, 0.2, -0.7]), name="w")
    b = gn.parameter(f64(0.1), name="b")
    s = (x * w).sum() + b
    loss = gn.tanh(s) ** 2
    return x, w, b, s, loss


def test_backward_twice_gives_the_same_answer():
    x, w, b, s, loss = _small_net()
    graph = Graph(loss)
    graph.backward()
    first = {k: np.copy(t.grad) for k, t in dict(x=x, w=w, b=b, s=s).items()}
    graph.backward()
    for k, t in dict(x=x, w=w, b=b, s=s).items():
        np.testing.assert_array_equal(t.grad, first[k])
    # and the same through Tensor.backward, twice
    loss.backward()
    loss.backward()
    for k, t in dict(x=x, w=w, b=b, s=s).items():
        np.testing.assert_array_equal(t.grad, first[k])
    # hand-computed: d tanh(s)^2 / ds = 2 tanh(s) (1 - tanh(s)^2)
    sv = 0.3 - 0.4 - 0.35 + 0.1
    ds = 2 * math.tanh(sv) * (1 - math.tanh(sv) ** 2)
    np.testing.assert_allclose(s.grad, ds, rtol=1e-12)
    np.testing.assert_allclose(w.grad, ds * np.array([1.0, -2.0, 0.5]), rtol=1e-12)
    np.testing.assert_allclose(b.grad, ds, rtol=1e-12)


def test_backward_accumulate_adds():
    x, w, b, s, loss = _small_net()
    graph = Graph(loss)
    graph.backward()
    one = {k: np.copy(t.grad) for k, t in dict(x=x, w=w, b=b, s=s).items()}
    graph.backward(accumulate=True)
    for k, t in dict(x=x, w=w, b=b, s=s).items():
        np.testing.assert_allclose(t.grad, 2 * one[k], rtol=1e-15)
    graph.backward(accumulate=True)
    np.testing.assert_allclose(w.grad, 3 * one["w"], rtol=1e-15)
    graph.backward()  # without accumulate: back to one
    np.testing.assert_array_equal(w.grad, one["w"])


def test_scalar_seed_on_vector_output_keeps_input_shape():
    # d(seed * y)/dx with y = 2x and seed 2.0 broadcast over y: 4 everywhere, shape (3,)
    x = gn.tensor(f64([1.0, 2.0, 3.0]))
    y = x * 2.0
    y.backward(2.0)
    assert np.shape(x.grad) == (3,), f"gradient of shape {np.shape(x.grad)} for an input of shape (3,)"
    np.testing.assert_array_equal(x.grad, [4.0, 4.0, 4.0])


def test_array_seed():
    x = gn.tensor(f64([1.0, 2.0, 3.0]))
    y = x * x
    y.backward(f64([1.0, 0.0, -1.0]))
    np.testing.assert_array_equal(x.grad, [2.0, 0.0, -6.0])


def test_list_seed_on_a_single_vector_output_is_the_seed_array():
    # y = x * x with one output of shape (2,): the list [1, 0] is d(something)/dy,
    # i.e. the gradient of y[0]: dx = [2 x0, 0] = [2, 0]
    x = gn.tensor(f64([1.0, 2.0]))
    y = x * x
    y.backward([1.0, 0.0])
    np.testing.assert_array_equal(x.grad, [2.0, 0.0])
    y.backward((0.0, 1.0))
    np.testing.assert_array_equal(x.grad, [0.0, 4.0])


def test_two_outputs_with_seeds():
    a = gn.tensor(f64([1.0, 2.0]))
    o1, o2 = (a * a).sum(), (a * 3.0).sum()
    graph = Graph([o1, o2])
    assert graph.forward() == (5.0, 9.0)
    graph.backward()  # d(o1 + o2)/da = 2a + 3
    np.testing.assert_array_equal(a.grad, [5.0, 7.0])
    graph.backward(seed=(1.0, 0.0))
    np.testing.assert_array_equal(a.grad, [2.0, 4.0])
    graph.backward(seed=(0.0, 2.0))
    np.testing.assert_array_equal(a.grad, [6.0, 6.0])


# --- fan-out -------------------------------------------------------------------

def test_fan_out_a_times_a():
    a = gn.tensor(f64([3.0, -1.5]))
    (a * a).sum().backward()
    np.testing.assert_array_equal(a.grad, [6.0, -3.0])


def test_fan_out_into_three_nodes():
    xv = 0.7
    x = gn.tensor(f64(xv))
    y = x * 2.0 + x.exp() + x ** 3
    y.backward()
    np.testing.assert_allclose(x.grad, 2 + math.exp(xv) + 3 * xv ** 2, rtol=1e-14)


def test_fan_out_of_an_intermediate():
    x = gn.tensor(f64(2.0))
    p = x * 3.0  # p = 6 used by three nodes
    out = p * p + p.sqrt() - p
    out.backward()
    dp = 2 * 6.0 + 0.5 / math.sqrt(6.0) - 1.0
    np.testing.assert_allclose(p.grad, dp, rtol=1e-14)
    np.testing.assert_allclose(x.grad, 3 * dp, rtol=1e-14)


def test_each_gradient_is_its_own_array():
    # an in-place change to one tensor's gradient (clipping, scaling by hand)
    # must not change another tensor's gradient
    x = gn.tensor(f64([1.0, 2.0]), name="x")
    y = gn.tensor(f64([3.0, 4.0]), name="y")
    p = x + y
    (p * 2.0).reshape(2, 1).sum().backward()
    np.testing.assert_array_equal(y.grad, [2.0, 2.0])
    x.grad *= 0.5
    np.testing.assert_array_equal(x.grad, [1.0, 1.0])
    np.testing.assert_array_equal(y.grad, [2.0, 2.0])
    np.testing.assert_array_equal(p.grad, [2.0, 2.0])


# --- gradients only where needed --------------------------------------------

def test_no_gradient_for_constants_and_frozen_inputs():
    x = gn.tensor(f64([1.0, 2.0]), name="x")
    c = gn.constant(f64([3.0, 4.0]), name="c")
    k = gn.tensor(f64([5.0, 6.0]), name="k", requires_grad=False)
    a = x * c  # needs (True, False)
    b = k * k  # needs nothing
    out = (a + b).sum()
    assert a.requires_grad and not b.requires_grad and out.requires_grad
    graph = Graph(out)
    with gn.observe(gn.Recorder()) as rec:
        graph.backward()
    np.testing.assert_array_equal(x.grad, [3.0, 4.0])
    assert c.grad is None
    assert k.grad is None
    assert b.grad is None
    assert a.node.needs == (True, False)
    assert b.node.needs == (False, False)
    add_node = out.parents[0].node
    assert add_node.needs == (True, False)
    assert graph.needs_grad[graph.slot(c)] is False
    assert graph.needs_grad[graph.slot(k)] is False
    assert graph.needs_grad[graph.slot(b)] is False
    # the k * k node is never visited backward
    assert b.node not in [e.node for e in rec if e.phase == "backward"]


def test_parameter_not_trainable_has_no_gradient():
    w = gn.parameter(f64([1.0, 2.0]), trainable=False)
    x = gn.tensor(f64([1.0, 1.0]))
    (w * x).sum().backward()
    assert w.grad is None
    np.testing.assert_array_equal(x.grad, [1.0, 2.0])


# --- replay ---------------------------------------------------------------------

def _model(x, w, b):
    h = gn.tanh(x @ w + b)
    return (h * h).mean() + (w ** 2).sum() * 0.01


def _fresh(xv, wv, bv):
    x = gn.tensor(xv, name="x")
    w = gn.parameter(wv, name="w")
    b = gn.parameter(bv, name="b")
    loss = _model(x, w, b)
    return x, w, b, loss


def test_replay_recomputes_without_retracing(rng):
    xv, wv, bv = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=(2,))
    x, w, b, loss = _fresh(xv, wv, bv)
    graph = Graph(loss)
    graph.forward()  # the first replay gives the graph nodes of its own
    nodes = graph.nodes
    node_of = [v.node for v in graph.variables]

    new_x = rng.normal(size=(4, 3))
    out = graph.forward(feed={x: new_x})
    assert all(a is b for a, b in zip(graph.nodes, nodes)) and len(graph.nodes) == len(nodes)
    assert all(v.node is n for v, n in zip(graph.variables, node_of))

    fx, fw, fb, floss = _fresh(new_x, wv, bv)
    fresh = Graph(floss)
    assert len(fresh.values) == len(graph.values)
    np.testing.assert_allclose(out, floss.value, rtol=1e-14)
    for mine, theirs in zip(graph.values, fresh.values):
        np.testing.assert_allclose(mine, theirs, rtol=1e-14)

    graph.backward()
    floss.backward()
    np.testing.assert_allclose(w.grad, fw.grad, rtol=1e-13)
    np.testing.assert_allclose(b.grad, fb.grad, rtol=1e-13)
    np.testing.assert_allclose(x.grad, fx.grad, rtol=1e-13)
    np.testing.assert_allclose(graph.grad(x), fx.grad, rtol=1e-13)
    assert graph.gradients_current


def test_replay_picks_up_current_parameter_values(rng):
    xv, wv, bv = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=(2,))
    x, w, b, loss = _fresh(xv, wv, bv)
    graph = Graph(loss)
    new_w = wv - 0.1
    w.value = new_w  # what an optimizer step does
    out = graph.forward()
    fx, fw, fb, floss = _fresh(xv, new_w, bv)
    np.testing.assert_allclose(out, floss.value, rtol=1e-14)
    graph.backward()
    floss.backward()
    np.testing.assert_allclose(w.grad, fw.grad, rtol=1e-13)
    # a feed is for one forward only: the next forward uses x's own value again
    graph.forward(feed={x: xv + 1.0})
    out = graph.forward()
    np.testing.assert_allclose(out, floss.value, rtol=1e-14)


def test_replay_feed_by_name(rng):
    xv, wv, bv = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=(2,))
    x, w, b, loss = _fresh(xv, wv, bv)
    graph = Graph(loss)
    new_x = rng.normal(size=(4, 3))
    by_var = graph.forward(feed={x: new_x})
    by_name = graph.forward(feed={"x": new_x})
    assert by_var == by_name
    fx, fw, fb, floss = _fresh(new_x, wv, bv)
    np.testing.assert_allclose(by_name, floss.value, rtol=1e-14)
    # a Tensor is accepted as a feed value too
    np.testing.assert_allclose(graph.forward(feed={"x": gn.tensor(new_x)}), floss.value, rtol=1e-14)


def test_replay_with_a_different_batch_size(rng):
    xv, wv, bv = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=(2,))
    x, w, b, loss = _fresh(xv, wv, bv)
    graph = Graph(loss)
    new_x = rng.normal(size=(7, 3))
    out = graph.forward(feed={x: new_x})
    fx, fw, fb, floss = _fresh(new_x, wv, bv)
    np.testing.assert_allclose(out, floss.value, rtol=1e-14)
    graph.backward()
    floss.backward()
    np.testing.assert_allclose(w.grad, fw.grad, rtol=1e-13)
    assert np.shape(x.grad) == (7, 3)


def test_feed_follows_the_dtype_rule_of_tensor():
    # gn.tensor turns Python numbers and lists into floatx (float32); a feed of the
    # same Python values into a float32 graph must not turn the graph into float64
    x = gn.tensor([1.0, 2.0], name="x")
    graph = Graph((x * 2.0).sum())
    assert gn.tensor([3.0, 4.0]).dtype == np.float32
    out = graph.forward(feed={x: [3.0, 4.0]})
    assert out == 14.0
    assert np.result_type(out) == np.float32, f"feeding a list made the graph {np.result_type(out)}"
    out = graph.forward(feed={x: np.array([3, 4])})  # integers: cast to the traced type
    assert np.result_type(out) == np.float32
    out = graph.forward(feed={x: np.array([3.0, 4.0])})  # an explicit float64 array is kept
    assert np.result_type(out) == np.float64


def test_eager_backward_after_a_replay_uses_the_tensors_values():
    # a feed changes the graph's values, not the tensors': x.value is still 1,
    # so d(x*x)/dx computed from the tensors must be 2, not the fed batch's 10
    x = gn.tensor(f64(1.0), name="x")
    y = x * x
    graph = Graph(y)
    graph.forward(feed={x: f64(5.0)})
    graph.backward()
    assert x.grad == 10.0  # the replayed graph's own gradient, at x = 5
    assert x.item() == 1.0
    y.backward()
    assert x.grad == 2.0, f"Tensor.backward used the replayed node caches: got {x.grad}"


# --- step events ----------------------------------------------------------------

def test_graph_step_events_match_the_worked_example(worked):
    x, y, z, p, g = worked
    graph = Graph(g)
    with gn.observe(gn.Recorder()) as rec:
        graph.forward()
        graph.backward()
    fwd = [e for e in rec if e.phase == "forward"]
    bwd = [e for e in rec if e.phase == "backward"]
    assert len(rec) == 4
    # the graph replays its own copies of the eager nodes: same names, same order
    assert [e.node for e in fwd] == graph.nodes  # topological order
    assert [e.node.name for e in fwd] == [p.node.name, g.node.name]
    assert [e.index for e in fwd] == [0, 1]
    assert [e.node for e in bwd] == graph.nodes[::-1]  # reverse order
    add_f, mul_f = fwd
    assert tuple(map(float, add_f.inputs)) == (1.0, 3.0) and float(add_f.output) == 4.0
    assert tuple(map(float, mul_f.inputs)) == (4.0, -3.0) and float(mul_f.output) == -12.0
    assert add_f.slots == (graph.slot(x), graph.slot(y), graph.slot(p))
    mul_b, add_b = bwd
    assert float(mul_b.upstream) == 1.0
    assert tuple(map(float, mul_b.input_grads)) == (-3.0, 4.0)
    assert tuple(map(float, mul_b.local)) == (-3.0, 4.0)  # d(p*z)/dp = z, d(p*z)/dz = p
    assert float(add_b.upstream) == -3.0
    assert tuple(map(float, add_b.input_grads)) == (-3.0, -3.0)
    assert tuple(map(float, add_b.local)) == (1.0, 1.0)
    # upstream * local = input gradient, for each elementwise step
    for e in bwd:
        for loc, ig in zip(e.local, e.input_grads):
            assert float(e.upstream) * float(loc) == float(ig)


def test_step_events_one_per_node_in_topological_order(rng):
    xv, wv, bv = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=(2,))
    x, w, b, loss = _fresh(xv, wv, bv)
    graph = Graph(loss)
    with gn.observe(gn.Recorder()) as rec:
        graph.forward()
        graph.backward()
    fwd = [e for e in rec if e.phase == "forward"]
    bwd = [e for e in rec if e.phase == "backward"]
    assert len(fwd) == len(graph.steps) == len(bwd)
    assert len({id(e.node) for e in fwd}) == len(fwd)
    # every input of a forward step was produced before it (or is a leaf)
    done = set(graph.leaves)
    for e in fwd:
        *ins, out = e.slots
        assert all(i in done for i in ins)
        done.add(out)
    assert [e.node for e in bwd] == [e.node for e in reversed(fwd)]
    for e in fwd:
        np.testing.assert_array_equal(e.output, graph.values[e.slots[-1]])


def test_eager_operations_emit_forward_events():
    x = gn.tensor(1.0)
    y = gn.tensor(3.0)
    with gn.observe(gn.Recorder()) as rec:
        p = x + y
        g = p * -3.0
    assert [e.phase for e in rec] == ["forward", "forward"]
    assert [e.node for e in rec] == [p.node, g.node]
    assert float(rec[0].output) == 4.0 and float(rec[1].output) == -12.0
    assert rec[0].slots is None
    # the observer is gone after the block
    with gn.observe(gn.Recorder()) as rec2:
        pass
    q = x * y
    assert len(rec2) == 0 and len(rec) == 2 and q.item() == 3.0


def test_observer_is_removed_even_after_an_error():
    x = gn.tensor(np.ones(3))
    rec = gn.Recorder()
    with pytest.raises(gn.ShapeError):
        with gn.observe(rec):
            x + gn.tensor(np.ones(4))
    x * 2.0
    assert rec == []  # the failed Add emitted nothing, and nothing after the block


def test_tensor_backward_emits_backward_events(worked):
    x, y, z, p, g = worked
    with gn.observe(gn.Recorder()) as rec:
        g.backward()
    assert [e.phase for e in rec] == ["backward", "backward"]
    assert [e.node for e in rec] == [g.node, p.node]


# --- no reference cycles --------------------------------------------------------

def _graphnet_garbage(objs):
    return [o for o in objs if type(o).__module__.startswith("graphnet")]


def test_no_reference_cycles():
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        x = gn.tensor(np.linspace(-1, 1, 4), name="x")
        w = gn.parameter(np.full(4, 0.5), name="w")
        h = x
        for _ in range(600):  # about 3,000 nodes of several kinds
            h = gn.tanh(h * w + 0.1).maximum(-0.5)[[0, 1, 2, 3]] - x * 0.01
        loss = (h ** 2).mean()
        graph = Graph(loss)
        with gn.observe(gn.Recorder()) as rec:
            graph.forward()
            graph.backward()
        loss.backward()
        assert len(graph.steps) > 3000
        del x, w, h, loss, graph, rec
        found = gc.collect()
        leaked = _graphnet_garbage(gc.garbage)
    finally:
        gc.garbage.clear()
        gc.set_debug(0)
        gc.enable()
    assert leaked == [], f"{len(leaked)} graphnet objects only freed by the cyclic GC"
    assert found == 0, f"gc.collect() found {found} unreachable objects"


# --- CURRICULUM section 1: hand-wired networks ------------------------------

def _two_node_net(activation, x, n0, n1, out):
    h0 = activation((x * n0).sum())
    h1 = activation((x * n1).sum())
    return h0 * out[0] + h1 * out[1]


def test_hand_wired_network_values_linear_tanh_relu():
    weights = {"node_0": f64([3, 3]), "node_1": f64([1, 5]), "output": f64([2, -1])}
    x = f64([-1, 2])
    # node_0 = -1*3 + 2*3 = 3, node_1 = -1*1 + 2*5 = 9, output = 2*h0 - h1
    lin = _two_node_net(lambda t: t, gn.tensor(x), *(gn.parameter(weights[k]) for k in weights))
    assert lin.item() == 2 * 3 - 9 == -3
    th = _two_node_net(gn.tanh, gn.tensor(x), *(gn.parameter(weights[k]) for k in weights))
    np.testing.assert_allclose(th.item(), 2 * math.tanh(3) - math.tanh(9), rtol=1e-14)
    np.testing.assert_allclose(th.item(), 0.99010, atol=1e-5)
    re = _two_node_net(gn.relu, gn.tensor(x), *(gn.parameter(weights[k]) for k in weights))
    assert re.item() == -3.0  # both hidden nodes positive: ReLU changes nothing


def test_hand_wired_network_gradients_tanh_and_relu():
    x0 = f64([-1, 2])
    n0, n1, o = f64([3, 3]), f64([1, 5]), f64([2, -1])
    # tanh: d out/d x = o0 (1 - tanh(3)^2) n0 + o1 (1 - tanh(9)^2) n1
    xs = gn.tensor(x0)
    ws = [gn.parameter(v) for v in (n0, n1, o)]
    _two_node_net(gn.tanh, xs, *ws).backward()
    d0, d1 = 1 - math.tanh(3) ** 2, 1 - math.tanh(9) ** 2
    np.testing.assert_allclose(xs.grad, 2 * d0 * n0 - 1 * d1 * n1, rtol=1e-12)
    np.testing.assert_allclose(ws[0].grad, 2 * d0 * x0, rtol=1e-12)
    np.testing.assert_allclose(ws[1].grad, -1 * d1 * x0, rtol=1e-6)
    np.testing.assert_allclose(ws[2].grad, [math.tanh(3), math.tanh(9)], rtol=1e-14)
    # relu: both active: d out/d x = 2*n0 - n1 = [5, 1]
    xs = gn.tensor(x0)
    ws = [gn.parameter(v) for v in (n0, n1, o)]
    _two_node_net(gn.relu, xs, *ws).backward()
    np.testing.assert_array_equal(xs.grad, [5.0, 1.0])
    np.testing.assert_array_equal(ws[0].grad, [-2.0, 4.0])
    np.testing.assert_array_equal(ws[1].grad, [1.0, -2.0])
    np.testing.assert_array_equal(ws[2].grad, [3.0, 9.0])
    for act in (gn.tanh, gn.relu):
        check_ok(gn.gradcheck(lambda x, a, b, c: _two_node_net(act, x, a, b, c), x0, n0, n1, o))


TWO_LAYER = {"node_0_0": f64([2, 4]), "node_0_1": f64([4, -5]),
             "node_1_0": f64([-1, 1]), "node_1_1": f64([2, 2]), "output": f64([2, 7])}


def _two_layer(x, w):
    a00 = gn.relu((x * w["node_0_0"]).sum())
    a01 = gn.relu((x * w["node_0_1"]).sum())
    a10 = gn.relu(a00 * w["node_1_0"][0] + a01 * w["node_1_0"][1])
    a11 = gn.relu(a00 * w["node_1_1"][0] + a01 * w["node_1_1"][1])
    return a10 * w["output"][0] + a11 * w["output"][1]


def test_two_hidden_layer_network_value_and_gradients():
    # layer 0: 3*2 + 5*4 = 26 -> 26;  3*4 - 5*5 = -13 -> 0
    # layer 1: -26 + 0 = -26 -> 0;     2*26 + 0 = 52 -> 52
    # output: 0*2 + 52*7 = 364
    x = gn.tensor(f64([3, 5]))
    w = {k: gn.parameter(v, name=k) for k, v in TWO_LAYER.items()}
    out = _two_layer(x, w)
    assert out.item() == 364.0
    out.backward()
    # only the path input -> node_0_0 -> node_1_1 -> output is active
    np.testing.assert_array_equal(w["output"].grad, [0.0, 52.0])
    np.testing.assert_array_equal(w["node_1_1"].grad, [7 * 26.0, 0.0])
    np.testing.assert_array_equal(w["node_1_0"].grad, [0.0, 0.0])
    np.testing.assert_array_equal(w["node_0_0"].grad, [14 * 3.0, 14 * 5.0])
    np.testing.assert_array_equal(w["node_0_1"].grad, [0.0, 0.0])
    np.testing.assert_array_equal(x.grad, [14 * 2.0, 14 * 4.0])
    names = list(TWO_LAYER)

    def f(x, n00, n01, n10, n11, o):
        return _two_layer(x, dict(zip(names, (n00, n01, n10, n11, o))))
    check_ok(gn.gradcheck(f, f64([3, 5]), *TWO_LAYER.values()))


def test_two_hidden_layer_network_row_by_row(rng):
    data = np.array([[3, 5], [1, -1], [0, 0], [8, 4], [-2, 7], [0.5, 0.25]])
    w = {k: gn.parameter(v) for k, v in TWO_LAYER.items()}
    rows = [_two_layer(gn.tensor(row), w).item() for row in data]
    # the same network as matrices in NumPy
    W0 = np.stack([TWO_LAYER["node_0_0"], TWO_LAYER["node_0_1"]], axis=1)
    W1 = np.stack([TWO_LAYER["node_1_0"], TWO_LAYER["node_1_1"]], axis=1)
    expected = np.maximum(np.maximum(data @ W0, 0) @ W1, 0) @ TWO_LAYER["output"]
    np.testing.assert_allclose(rows, expected, rtol=1e-14)
    assert rows[0] == 364.0
    # and batched with graphnet tensors
    batched = gn.relu(gn.relu(gn.tensor(data) @ W0) @ W1) @ TWO_LAYER["output"]
    np.testing.assert_allclose(batched.value, expected, rtol=1e-14)
