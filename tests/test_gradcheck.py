"""The gradient checker itself: its report, catching wrong backwards, kinks, targets."""
import numpy as np
import pytest

import graphnet as gn
from graphnet.check.gradcheck import check_float32
from graphnet.core import Graph, Node
from graphnet.nn.conv import MaxPool2DNode
from graphnet.ops import apply


# --- nodes with deliberately wrong backwards ---------------------------------

class OffByFactor(Node):
    """y = 3x, but backward says 2."""

    def forward(self, x):
        return 3.0 * x

    def backward(self, grad):
        return (2.0 * grad,)


class MissesATerm(Node):
    """y = a * b + a, but backward forgets the + a term's derivative."""

    def forward(self, a, b):
        self.a, self.b = a, b
        return a * b + a

    def backward(self, grad):
        return grad * self.b, grad * self.a


class NaNBackward(Node):
    def forward(self, x):
        return 2.0 * x

    def backward(self, grad):
        return (np.full(np.shape(grad), np.nan),)


class InfBackward(Node):
    def forward(self, x):
        return 2.0 * x

    def backward(self, grad):
        return (np.full(np.shape(grad), np.inf),)


class WrongShape(Node):
    def forward(self, x):
        return x.sum()

    def backward(self, grad):
        return (grad,)  # should be broadcast to x's shape


class ZeroReciprocal(Node):
    """y = 1/x (smooth for x != 0), backward wrongly says 0."""

    def forward(self, x):
        self.x = x
        return 1.0 / x

    def backward(self, grad):
        return (np.zeros(np.shape(self.x)),)


class GoodReciprocal(ZeroReciprocal):
    def backward(self, grad):
        return (-grad / self.x ** 2,)


def off_by_factor(x):
    return apply(OffByFactor(), x)


# --- the report -----------------------------------------------------------------

def test_report_table_names_inputs_and_nodes():
    a, b = np.array([1.0, 2.0, 3.0]), np.array([0.5, -1.0, 2.0])
    report = gn.gradcheck(lambda weights, inputs: (weights * inputs).exp().sum(), a, b)
    assert report.ok and bool(report)
    text = str(report)
    assert "all passed" in text
    kinds = [r.kind for r in report.rows]
    assert kinds.count("input") == 2
    names = [r.name for r in report.rows]
    assert "weights" in names and "inputs" in names
    for r in report.rows:
        assert r.name in text
    node_rows = [r for r in report.rows if r.kind == "node"]
    assert any(r.name.startswith("mul_") for r in node_rows)
    assert any(r.name.startswith("exp_") for r in node_rows)
    assert any(r.name.startswith("sum_") for r in node_rows)
    assert text.count("ok") >= len(report.rows)
    assert "FAIL" not in text
    assert repr(report) == text
    assert report.failures == []
    assert report.raise_if_failed() is report


def test_wrong_backward_off_by_a_factor_is_caught_and_named():
    x = np.array([0.5, -1.0, 2.0])
    report = gn.gradcheck(lambda x: (off_by_factor(x * 2.0) ** 2).sum(), x)
    assert not report.ok and not bool(report)
    text = str(report)
    assert "FAIL" in text
    failing = {r.name for r in report.failures}
    assert any(n.startswith("offbyfactor_") for n in failing), text
    # the honest nodes are not blamed
    for r in report.rows:
        if r.kind == "node" and not r.name.startswith("offbyfactor_"):
            assert r.ok, text
    # the end-to-end row for x fails too, and the row says so in the table
    (x_row,) = [r for r in report.rows if r.kind == "input"]
    assert not x_row.ok and x_row.failed == 3
    bad = [line for line in text.splitlines() if "offbyfactor_" in line]
    assert bad and all("FAIL" in line for line in bad)
    with pytest.raises(AssertionError, match="offbyfactor_"):
        report.raise_if_failed()


def test_wrong_backward_missing_a_term_is_caught_on_the_right_input():
    node = MissesATerm()
    report = gn.gradcheck(node, np.array([1.0, 2.0]), np.array([3.0, -1.0]))
    rows = {r.name: r for r in report.rows}
    assert set(rows) == {f"{node.name} input 0", f"{node.name} input 1"}
    assert not rows[f"{node.name} input 0"].ok  # d/da = b + 1, not b
    assert rows[f"{node.name} input 1"].ok  # d/db = a is right


def test_nan_gradient_is_a_failure():
    report = gn.gradcheck(NaNBackward(), np.array([1.0, 2.0, 3.0]))
    assert not report.ok, "a backward returning NaN passed:\n" + str(report)


def test_inf_gradient_is_a_failure():
    report = gn.gradcheck(InfBackward(), np.array([1.0, 2.0, 3.0]))
    assert not report.ok, "a backward returning inf passed:\n" + str(report)


def test_wrong_gradient_shape_is_a_failure():
    report = gn.gradcheck(WrongShape(), np.array([1.0, 2.0, 3.0]))
    assert not report.ok
    assert "shape" in report.rows[0].problem


def test_smooth_but_curved_function_is_not_mistaken_for_a_kink():
    # 1/x at x = 0.01 is smooth (f' = -1e4, f'' = 2e6); a zero gradient is plainly wrong
    x = np.full(3, 0.01)
    assert gn.gradcheck(GoodReciprocal(), x).ok
    report = gn.gradcheck(ZeroReciprocal(), x)
    assert not report.ok, "wrong gradient at a smooth point was counted as a kink:\n" + str(report)


# --- kinks ----------------------------------------------------------------------

def _kinks(report):
    return sum(r.kinks for r in report.rows)


def test_relu_at_zero_is_a_kink_not_a_failure():
    report = gn.gradcheck(lambda x: gn.relu(x).sum(), np.array([0.0, 1.0, -1.0]))
    assert report.ok, str(report)
    assert _kinks(report) >= 1
    assert "at kinks" in str(report)


def test_abs_at_zero_is_a_kink_not_a_failure():
    report = gn.gradcheck(lambda x: (x.abs() * 2.0).sum(), np.array([0.0, 0.5, -0.5]))
    assert report.ok, str(report)
    assert _kinks(report) >= 1


def test_max_with_a_tie_is_a_kink_not_a_failure():
    report = gn.gradcheck(lambda x: x.max(), np.array([1.0, 1.0, 0.0]))
    assert report.ok, str(report)
    assert _kinks(report) >= 1
    report = gn.gradcheck(lambda x: x.max(axis=1), np.array([[2.0, 2.0], [0.0, 1.0]]))
    assert report.ok and _kinks(report) >= 1, str(report)


def _grad(f, x, seed=None):
    x = gn.tensor(np.asarray(x, dtype=np.float64))
    out = f(x)
    out.backward(seed)
    return x.grad


# At a tie any share of the gradient summing to one is a subgradient, and gradcheck
# only reports a kink there, so the conventions are pinned down here:
# - Max (a reduction) and Maxout: the tied entries share the gradient equally;
# - Maximum / Minimum: half to each input where a == b;
# - ReLU'(0) = 0 (Keras too);
# - max-pooling: the first maximum of the window, scanning rows then columns,
#   takes the whole gradient (as TensorFlow's argmax does), the others none.

def test_max_shares_the_gradient_between_ties():
    np.testing.assert_array_equal(_grad(lambda x: x.max(), [1.0, 1.0, 0.0]), [0.5, 0.5, 0.0])
    np.testing.assert_array_equal(_grad(lambda x: x.max(axis=1).sum(), [[2.0, 2.0], [0.0, 1.0]]),
                                  [[0.5, 0.5], [0.0, 1.0]])
    np.testing.assert_allclose(_grad(lambda x: x.max(axis=0).sum(), [[3.0, 1.0], [3.0, 0.0], [3.0, 1.0]]),
                               [[1 / 3, 0.5], [1 / 3, 0.0], [1 / 3, 0.5]], rtol=1e-15)


def test_maxout_shares_the_gradient_between_ties():
    np.testing.assert_array_equal(_grad(lambda x: gn.maxout(x).sum(), [1.0, 1.0, -2.0, -5.0]),
                                  [0.5, 0.5, 1.0, 0.0])
    np.testing.assert_allclose(_grad(lambda x: gn.maxout(x, 3).sum(), [2.0, 2.0, 2.0, 0.0, 1.0, 1.0]),
                               [1 / 3, 1 / 3, 1 / 3, 0.0, 0.5, 0.5], rtol=1e-15)


def test_maximum_and_minimum_split_a_tie_in_half():
    a, b = gn.tensor(np.array([1.0, 2.0, 0.0])), gn.tensor(np.array([1.0, 0.0, 3.0]))
    gn.maximum(a, b).backward(np.array([2.0, 1.0, 1.0]))
    np.testing.assert_array_equal(a.grad, [1.0, 1.0, 0.0])
    np.testing.assert_array_equal(b.grad, [1.0, 0.0, 1.0])
    a, b = gn.tensor(np.array([1.0, 2.0])), gn.tensor(np.array([1.0, 0.0]))
    gn.minimum(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad, [0.5, 0.0])
    np.testing.assert_array_equal(b.grad, [0.5, 1.0])


def test_relu_has_gradient_zero_at_zero():
    np.testing.assert_array_equal(_grad(lambda x: gn.relu(x).sum(), [0.0, -0.0, 1.0, -1.0]), [0, 0, 1, 0])


def test_max_pooling_gives_a_tie_to_the_first_maximum_only():
    x = np.array([[5.0, 5.0, 0.0, 7.0],
                  [5.0, 5.0, 7.0, 1.0],
                  [0.0, 2.0, 3.0, 3.0],
                  [2.0, 1.0, 3.0, 3.0]]).reshape(1, 4, 4, 1)
    node = MaxPool2DNode()
    assert node.forward(x).ravel().tolist() == [5, 7, 2, 3]
    (dx,) = node.backward(np.array([1.0, 2.0, 3.0, 4.0]).reshape(1, 2, 2, 1))
    np.testing.assert_array_equal(dx.reshape(4, 4), [[1, 0, 0, 2],
                                                     [0, 0, 0, 0],
                                                     [0, 3, 4, 0],
                                                     [0, 0, 0, 0]])
    # 'same' padding (one row and column each side here) never wins, even over -1;
    # windows all tied take their first real value; a shared winner adds its windows up
    node = MaxPool2DNode(3, 2, "same")
    out = node.forward(-np.ones((1, 3, 3, 1)))
    assert out.ravel().tolist() == [-1] * 4
    (dx,) = node.backward(np.ones_like(out))
    np.testing.assert_array_equal(dx.reshape(3, 3), [[1, 1, 0], [1, 1, 0], [0, 0, 0]])
    x = -np.ones((1, 3, 3, 1))
    x[0, 1, 1] = -0.5
    node.forward(x)
    (dx,) = node.backward(np.ones_like(out))
    np.testing.assert_array_equal(dx.reshape(3, 3), [[0, 0, 0], [0, 4, 0], [0, 0, 0]])


def test_maximum_of_a_value_with_itself():
    report = gn.gradcheck(lambda a: gn.maximum(a, a).sum(), np.array([0.3, -1.2]))
    assert report.ok, str(report)
    assert _kinks(report) >= 1  # each input on its own is at a tie
    a = gn.tensor(np.array([0.3, -1.2]))
    gn.maximum(a, a).sum().backward()
    np.testing.assert_array_equal(a.grad, [1.0, 1.0])  # max(a, a) = a


def test_a_wrong_backward_is_still_caught_next_to_a_kink():
    x = np.array([0.0, 1.0, 2.0])
    report = gn.gradcheck(lambda x: off_by_factor(gn.relu(x)).sum(), x)
    assert not report.ok
    assert any(r.name.startswith("offbyfactor_") for r in report.failures)


# --- float32 against float64 ----------------------------------------------------

class Float32Off(Node):
    """y = 2x; in float32 the backward is 1% off (what gradcheck, in float64, cannot see)."""

    def forward(self, x):
        return 2.0 * x

    def backward(self, grad):
        return (grad * (2.02 if grad.dtype == np.float32 else 2.0)).astype(grad.dtype),


class Float64Gradient(Node):
    def forward(self, x):
        return 2.0 * x

    def backward(self, grad):
        return (2.0 * grad.astype(np.float64),)


def test_float32_check_passes_honest_nodes_and_keeps_integer_inputs():
    x = np.random.default_rng(0).normal(size=(3, 4))
    node = gn.ops.Mul()
    report = check_float32(node, x, x[0])
    assert report.ok, str(report)
    assert [r.name for r in report.rows] == [f"{node.name} output", f"{node.name} input 0",
                                             f"{node.name} input 1"]
    assert [r.kind for r in report.rows] == ["float32"] * 3 and "float32 against float64" in str(report)
    node = gn.nn.losses.SparseCategoricalCrossentropy()  # labels stay integers, and get no row
    report = check_float32(node, np.array([0, 2, 1]), np.abs(x[:, :3]) + 0.1)
    assert report.ok and [r.name for r in report.rows] == [f"{node.name} output", f"{node.name} input 1"]


def test_float32_check_catches_a_1_percent_error_that_gradcheck_misses():
    x = np.random.default_rng(0).normal(size=(3, 4))
    assert gn.gradcheck(Float32Off(), x).ok
    report = check_float32(Float32Off(), x)
    assert not report.ok
    assert [r.name for r in report.failures] == [report.rows[1].name]
    assert report.failures[0].failed == x.size and report.failures[0].max_rel > 0.009


def test_float32_check_catches_a_float64_result():
    report = check_float32(Float64Gradient(), np.ones(3))
    assert not report.ok and "float64" in report.failures[0].problem


# --- targets: function, Graph, Tensor, Node -------------------------------------

def test_gradcheck_on_a_function_with_unnamed_arguments():
    report = gn.gradcheck(lambda *xs: xs[0] * xs[1], np.ones(2), np.arange(2.0))
    assert report.ok
    assert {r.name for r in report.rows if r.kind == "input"} == {"x0", "x1"}


def test_gradcheck_on_a_function_with_integer_input():
    """Integer inputs (indices, labels) are passed through, not differentiated."""
    x, idx = np.array([0.5, -1.0, 2.0, 3.0]), np.array([0, 2, 2])
    report = gn.gradcheck(lambda x, idx: x[idx].sum(), x, idx)
    assert report.ok
    assert [r.name for r in report.rows if r.kind == "input"] == ["x"]


def _built():
    x = gn.tensor(np.array([0.5, -1.5, 2.0]), name="x")
    w = gn.parameter(np.array([1.0, 2.0, -0.5]), name="w")
    c = gn.constant(np.array([1.0, 1.0, 1.0]), name="c")
    out = gn.tanh(x * w + c).sum()
    return x, w, c, out


def test_gradcheck_on_a_graph():
    x, w, c, out = _built()
    report = gn.gradcheck(Graph(out))
    assert report.ok, str(report)
    inputs = {r.name for r in report.rows if r.kind == "input"}
    assert inputs == {"x", "w"}  # not the constant
    assert len([r for r in report.rows if r.kind == "node"]) == 2 + 1 + 1 + 1  # mul 2, add 1, tanh, sum


def test_gradcheck_on_a_tensor():
    x, w, c, out = _built()
    report = gn.gradcheck(out)
    assert report.ok, str(report)
    assert {r.name for r in report.rows if r.kind == "input"} == {"x", "w"}


def test_gradcheck_on_a_float32_graph_checks_in_float64():
    x = gn.tensor([0.5, -1.5, 2.0], name="x")
    out = (x * x * x).sum()
    report = gn.gradcheck(out)
    assert report.ok, str(report)  # float32 differences would fail rtol=1e-5
    assert x.dtype == np.float32


def test_gradcheck_on_a_node():
    node = gn.ops.Mul()
    report = gn.gradcheck(node, np.array([1.0, 2.0]), np.array([3.0]))
    assert report.ok
    assert [r.name for r in report.rows] == [f"{node.name} input 0", f"{node.name} input 1"]
    assert [r.shape for r in report.rows] == [(2,), (1,)]


def test_gradcheck_rejects_other_targets():
    with pytest.raises(TypeError):
        gn.gradcheck(42)


def test_gradcheck_catches_wrong_node_inside_a_graph():
    x = gn.tensor(np.array([1.0, 2.0]), name="x")
    y = off_by_factor(x)
    out = (y + x).sum()
    report = gn.gradcheck(Graph(out))
    assert not report.ok
    assert {r.name for r in report.failures if r.kind == "node"} == {y.node.name}


# --- gradcheck leaves the graph as it found it ----------------------------------

def test_graph_check_restores_values_and_gradients():
    x, w, c, out = _built()
    graph = Graph(out)
    graph.forward()
    graph.backward()
    values = [np.copy(v) for v in graph.values]
    dtypes = [np.result_type(v) for v in graph.values]
    grads = [None if g is None else np.copy(g) for g in graph.grads]
    assert graph.gradients_current
    gn.gradcheck(graph)
    assert graph.gradients_current, "gradients restored, but the graph now calls them stale"
    for before, now, dt in zip(values, graph.values, dtypes):
        np.testing.assert_array_equal(now, before)
        assert np.result_type(now) == dt
    for before, now in zip(grads, graph.grads):
        if before is None:
            assert now is None
        else:
            np.testing.assert_array_equal(now, before)
    np.testing.assert_array_equal(w.grad, grads[graph.slot(w)])
    # node caches are back too: a plain backward gives the same again
    graph.backward()
    np.testing.assert_array_equal(graph.grad(w), grads[graph.slot(w)])
    assert x.value[0] == 0.5 and x.dtype == np.float64


def test_float32_graph_check_restores_float32_values():
    x = gn.tensor([0.5, -1.5, 2.0], name="x")
    out = (x * x).sum()
    graph = Graph(out)
    graph.forward()
    gn.gradcheck(graph)
    assert all(np.result_type(v) == np.float32 for v in graph.values)
    assert x.dtype == np.float32


def test_tensor_check_leaves_existing_gradients_alone():
    x, w, c, out = _built()
    out.backward()
    before = np.copy(w.grad), np.copy(x.grad)
    gn.gradcheck(out)
    np.testing.assert_array_equal(w.grad, before[0])
    np.testing.assert_array_equal(x.grad, before[1])


def test_check_on_a_fresh_graph_does_not_invent_gradients():
    x, w, c, out = _built()
    assert w.grad is None
    gn.gradcheck(out)
    assert w.grad is None and x.grad is None, "gradcheck left random-seeded gradients on the tensors"
