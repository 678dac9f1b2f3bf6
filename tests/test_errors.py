"""Errors name the node and the shapes involved; the non-finite trap names the culprit."""
import re

import numpy as np
import pytest

import graphnet as gn
from graphnet.core import Graph, GraphnetError, NonFiniteError, OperandError, ShapeError


def t(*shape):
    return gn.tensor(np.ones(shape))


# --- error classes ----------------------------------------------------------------

def test_error_classes():
    assert issubclass(ShapeError, GraphnetError) and issubclass(ShapeError, ValueError)
    assert issubclass(OperandError, GraphnetError) and issubclass(OperandError, TypeError)
    assert issubclass(NonFiniteError, GraphnetError) and issubclass(NonFiniteError, ArithmeticError)
    assert gn.ShapeError is ShapeError and gn.OperandError is OperandError
    assert gn.NonFiniteError is NonFiniteError and gn.GraphnetError is GraphnetError


# --- shapes ------------------------------------------------------------------------

def test_add_shape_mismatch_names_node_and_both_shapes():
    a, b = t(3, 2), t(4)
    with pytest.raises(ShapeError) as info:
        a + b
    msg = str(info.value)
    assert "Add" in msg and re.search(r"add_\d+", msg)
    assert "(3, 2)" in msg and "(4,)" in msg


def test_add_shape_mismatch_is_a_value_error():
    with pytest.raises(ValueError):
        t(3, 2) + t(4)


@pytest.mark.parametrize("op", ["-", "*", "/", "**"])
def test_other_binary_shape_mismatches(op):
    a, b = t(2, 3), t(2)
    with pytest.raises(ShapeError) as info:
        eval(f"a {op} b")
    msg = str(info.value)
    assert "(2, 3)" in msg and "(2,)" in msg


def test_maximum_shape_mismatch():
    with pytest.raises(ShapeError, match=r"Maximum.*\(2, 3\).*\(4,\)"):
        gn.maximum(t(2, 3), t(4))


def test_matmul_shape_mismatch_names_node_and_both_shapes():
    with pytest.raises(ShapeError) as info:
        t(3, 2) @ t(3, 2)
    msg = str(info.value)
    assert "MatMul" in msg and re.search(r"matmul_\d+", msg)
    assert msg.count("(3, 2)") >= 2


def test_matmul_vector_mismatch_and_scalar():
    with pytest.raises(ShapeError, match=r"\(3,\).*\(4, 2\)"):
        t(3) @ t(4, 2)
    with pytest.raises(ShapeError, match=r"MatMul"):
        gn.tensor(2.0) @ t(2)


def test_matmul_batch_mismatch():
    with pytest.raises(ShapeError, match=r"MatMul.*\(2, 3, 4\).*\(3, 4, 5\)"):
        t(2, 3, 4) @ t(3, 4, 5)


def test_reshape_impossible():
    with pytest.raises(ShapeError) as info:
        t(2, 3).reshape(4, 2)
    msg = str(info.value)
    assert "Reshape" in msg and "(2, 3)" in msg and "(4, 2)" in msg


def test_bad_index():
    with pytest.raises(ShapeError) as info:
        t(3)[5]
    msg = str(info.value)
    assert "GetItem" in msg and "(3,)" in msg and "5" in msg
    with pytest.raises(ShapeError, match=r"\(2, 3\)"):
        t(2, 3)[:, [0, 7]]
    with pytest.raises(ShapeError):
        t(2, 3)[0, 0, 0]


def test_bad_reduction_axis():
    with pytest.raises(ShapeError, match=r"Sum.*axis 2"):
        t(2, 3).sum(axis=2)
    with pytest.raises(ShapeError, match=r"Mean.*axis -3"):
        t(2, 3).mean(axis=-3)


def test_bad_transpose_axes():
    with pytest.raises(ShapeError, match=r"Transpose.*\(2, 3\)"):
        t(2, 3).transpose(0, 0)


def test_replay_with_a_wrong_shape_names_the_node():
    x = gn.tensor(np.ones(3), name="x")
    y = gn.tensor(np.ones(3), name="y")
    out = (x + y).sum()
    graph = Graph(out)
    with pytest.raises(ShapeError, match=r"Add.*\(4,\).*\(3,\)"):
        graph.forward(feed={x: np.ones(4)})


# --- operands that are not numbers ------------------------------------------------

@pytest.mark.parametrize("bad,typename", [("abc", "str"), (None, "NoneType"), ({"a": 1}, "dict"),
                                         (object(), "object"), ([1, "a"], "list")])
def test_operation_on_a_non_numeric_value_says_what_it_got(bad, typename):
    x = gn.tensor(np.ones(3))
    for op in (lambda: x + bad, lambda: bad + x, lambda: x * bad, lambda: bad - x,
               lambda: x @ bad, lambda: gn.maximum(x, bad)):
        with pytest.raises(OperandError) as info:
            op()
        assert typename in str(info.value)
        assert isinstance(info.value, TypeError)


@pytest.mark.parametrize("bad,typename", [("abc", "str"), (None, "NoneType"), ({"a": 1}, "dict")])
def test_making_a_tensor_from_a_non_numeric_value(bad, typename):
    for make in (gn.tensor, gn.parameter, gn.constant, gn.exp, gn.log, gn.sum):
        with pytest.raises(OperandError, match=typename):
            make(bad)


def test_operand_error_names_the_node():
    x = gn.tensor(np.ones(3))
    with pytest.raises(OperandError, match=r"Mul 'mul_\d+'.*str"):
        x * "2"


def test_complex_values_are_refused():
    with pytest.raises(OperandError, match="complex"):
        gn.tensor(1j)


def test_feeding_a_non_numeric_value():
    x = gn.tensor(np.ones(3), name="x")
    graph = Graph((x * 2).sum())
    with pytest.raises(OperandError, match=r"str.*'x'|'x'.*str"):
        graph.forward(feed={"x": "hello"})


def test_feeding_an_unknown_name():
    x = gn.tensor(np.ones(3), name="x")
    graph = Graph((x * 2).sum())
    with pytest.raises(KeyError, match="nope"):
        graph.forward(feed={"nope": np.ones(3)})
    other = gn.tensor(np.ones(3))
    with pytest.raises(KeyError):
        graph.forward(feed={other: np.ones(3)})


def test_feeding_an_intermediate_value_is_refused():
    """A feed for a node's output would be overwritten by that node: refuse it."""
    a = gn.tensor(np.array([1.0, 2.0]), name="a")
    b = a * 2
    graph = Graph((b + 1).sum())
    with pytest.raises(ValueError, match=re.escape(b.node.name)) as info:
        graph.forward(feed={b: np.array([10.0, 10.0])})
    assert isinstance(info.value, GraphnetError)


def test_feeding_by_an_ambiguous_name_is_refused():
    a = gn.tensor(1.0, name="x")
    b = gn.tensor(2.0, name="x")
    graph = Graph(a * b)
    with pytest.raises((KeyError, ValueError)) as info:
        graph.forward(feed={"x": 10.0})  # which x?
    assert "x" in str(info.value)


def test_backward_seed_of_the_wrong_shape():
    y = t(3) * 2.0
    with pytest.raises(ShapeError, match=r"\(4,\).*\(3,\)"):
        y.backward(np.ones(4))


def test_backward_with_too_few_seeds_for_several_outputs():
    a = gn.tensor(np.array([1.0, 2.0]))
    graph = Graph([(a * a).sum(), (a * 3.0).sum()])
    with pytest.raises((ValueError, TypeError)):
        graph.backward(seed=(1.0,))  # one seed for two outputs: which one?


def test_bad_leaf_role_and_floatx():
    with pytest.raises(ValueError):
        gn.Tensor(1.0, role="op")
    with pytest.raises(ValueError):
        gn.set_floatx("int64")


# --- the non-finite trap -----------------------------------------------------------

def test_trap_names_the_forward_node_that_made_the_first_inf():
    x = gn.tensor(np.array([1.0, 0.0]), name="x")
    with gn.trap_nonfinite(), np.errstate(all="ignore"):
        with pytest.raises(NonFiniteError) as info:
            y = x * 1.0
            z = gn.log(y)  # log(0) = -inf: the first non-finite value
            (z * 2.0).sum()
    msg = str(info.value)
    assert re.search(r"Log 'log_\d+'", msg)
    assert "forward" in msg and "inf" in msg
    assert "mul_" not in msg and "sum_" not in msg
    assert isinstance(info.value, FloatingPointError)


def test_trap_names_the_node_in_a_replayed_graph():
    x = gn.tensor(np.array([1.0, 2.0]), name="x")
    out = (gn.log(x * 1.0) * 2.0).sum()
    graph = Graph(out)
    log_node = out.parents[0].parents[0].node
    with gn.trap_nonfinite(), np.errstate(all="ignore"):
        with pytest.raises(NonFiniteError, match=re.escape(log_node.name)):
            graph.forward(feed={x: np.array([0.0, 1.0])})
        with pytest.raises(NonFiniteError, match="nan"):
            graph.forward(feed={x: np.array([-1.0, 1.0])})


def test_trap_names_the_backward_node_that_made_the_first_inf():
    x = gn.tensor(np.array([4.0, 0.0]), name="x")
    s = x.sqrt()  # sqrt(0) = 0 is finite; its gradient 1/(2 sqrt(0)) is inf
    out = (s * 3.0).sum()
    with gn.trap_nonfinite(), np.errstate(all="ignore"):
        with pytest.raises(NonFiniteError) as info:
            out.backward()
    msg = str(info.value)
    assert s.node.name in msg
    assert "backward" in msg and "inf" in msg


def test_trap_off_does_nothing():
    x = gn.tensor(np.array([1.0, 0.0]), name="x")
    with np.errstate(all="ignore"):
        z = gn.log(x)  # no trap: just -inf
        assert np.isneginf(z.value[1])
        s = x.sqrt()
        s.sum().backward()
        assert np.isinf(x.grad[1])
        with gn.trap_nonfinite(False):
            gn.log(x)
            x.sqrt().sum().backward()
        with gn.trap_nonfinite():
            with gn.trap_nonfinite(False):  # switched off inside
                gn.log(x)
            with pytest.raises(NonFiniteError):  # and back on after
                gn.log(x)
        gn.log(x)  # off again after the block


def test_trap_is_switched_off_after_an_error():
    x = gn.tensor(np.array([0.0]))
    with np.errstate(all="ignore"):
        with pytest.raises(NonFiniteError):
            with gn.trap_nonfinite():
                gn.log(x)
        gn.log(x)  # must not raise
