"""Nothing silently wrong: numbers beside tensors, 0-d gradients, values changed after use.

1. A Python number or list combined with a tensor takes the tensor's float type
   (NumPy's scalar rule), on either side, in operators, ``gn.`` functions and losses.
2. Every tensor's ``.grad`` is its own object, 0-d ones included.
3. ``backward()`` refuses a graph whose inputs changed after its nodes used them.

Expected numbers come from NumPy in float64, never from graphnet.
"""
import re

import numpy as np
import pytest

import graphnet as gn
from graphnet.core import Graph, GraphError

F64 = np.float64
RECOMPUTE = ("Run forward again first: graph.forward() replays a graph on the current values "
             "(model.fit does this every step); for tensors, compute the expression again, "
             "then call backward()")


def f64(x):
    return gn.tensor(np.array(x, dtype=F64), name="x")


# --- 1. numbers and lists take the tensor's float type --------------------------------

LIST = [-2.41, 0.45]  # neither is a float32 number: through float32 they move by ~1e-8
OPS = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
       "/": lambda a, b: a / b, "**": lambda a, b: a ** b}


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("list_first", [False, True])
def test_a_list_beside_a_float64_tensor_is_float64(op, list_first):
    data = np.array([1.3, 0.7])
    f, numbers = OPS[op], [2.41, 0.45] if op == "**" and list_first else LIST  # positive bases
    got = f(numbers, f64(data)) if list_first else f(f64(data), numbers)
    want = f(np.array(numbers), data) if list_first else f(data, np.array(numbers))
    assert got.dtype == F64
    np.testing.assert_array_equal(got.numpy(), want)


def test_an_int_list_is_not_rounded_through_float32():
    got = f64([0.5]) + [16777217]  # 2**24 + 1: float32 makes it 16777216
    assert got.dtype == F64 and got.numpy().tolist() == [16777217.5]


def test_gradients_of_list_constants_are_float64():
    x = f64([1.0, 2.0])
    (x * [0.1, 0.3]).sum().backward()
    assert x.grad.dtype == F64 and x.grad.tolist() == [0.1, 0.3]


def test_number_or_list_first_in_gn_functions():
    data = np.array([0.3, 0.8, -0.2])
    x = f64(data)
    top = gn.maximum(0.59, x)
    assert top.dtype == F64 and top.numpy().tolist() == np.maximum(0.59, data).tolist()
    low = gn.minimum([0.45, 0.1, -2.41], x)
    assert low.dtype == F64 and low.numpy().tolist() == np.minimum([0.45, 0.1, -2.41], data).tolist()
    a = [[0.1, 0.7, -2.41], [0.3, 0.45, 1.1]]
    prod = gn.matmul(a, x)
    assert prod.dtype == F64 and prod.numpy().tolist() == (np.array(a) @ data).tolist()
    (top.sum() + low.sum() + prod.sum()).backward()
    want = (data > 0.59) + (data < np.array([0.45, 0.1, -2.41])) + np.array(a).sum(axis=0)
    assert x.grad.dtype == F64 and x.grad.tolist() == want.tolist()


def test_lists_in_stack_take_the_tensors_promoted_type():
    x32 = gn.tensor([1.0, 2.0], dtype=np.float32)
    got = gn.stack([x32, f64([3.0, 4.0]), [0.1, -2.41]])
    assert got.dtype == F64 and got.numpy()[2].tolist() == [0.1, -2.41]


def test_float32_tensors_keep_float32_and_numpy_arrays_their_own_type():
    x = gn.tensor([1.0, 2.0], dtype=np.float32)
    got = x + LIST
    assert got.dtype == np.float32
    assert got.numpy().tolist() == (np.float32([1.0, 2.0]) + np.float32(LIST)).tolist()
    assert (x + np.array(LIST)).dtype == F64  # a NumPy float64 array is float64 data, as in NumPy


def test_loss_list_targets_take_the_predictions_type():
    p = np.array([0.2, 0.9])
    pred = f64(p)
    loss = gn.losses.mean_squared_error([0.1, 0.7], pred)
    want = np.mean((p - np.array([0.1, 0.7])) ** 2)
    assert loss.dtype == F64
    np.testing.assert_allclose(loss.item(), want, rtol=1e-15)  # float32 targets: 1e-8 off
    loss.backward()
    np.testing.assert_allclose(pred.grad, p - np.array([0.1, 0.7]), rtol=1e-15)
    probs = gn.tensor(np.array([[0.2, 0.8]]), dtype=F64)
    assert gn.losses.sparse_categorical_crossentropy([1], probs).item() == -np.log(0.8)


# --- 2. every .grad its own object -------------------------------------------------------

def test_0d_gradients_of_an_add_are_separate_objects():
    x, y = gn.tensor(1.0, dtype=F64), gn.tensor(2.0, dtype=F64)
    out = x + y
    out.backward()
    assert x.grad is not y.grad and x.grad is not out.grad and y.grad is not out.grad
    assert type(out.grad) is np.ndarray and out.grad.ndim == 0  # the seed, ones_like(out)
    assert type(x.grad) is np.float64 and type(y.grad) is np.float64  # 0-d: NumPy scalars
    out.grad[...] = 5.0  # the one mutable 0-d gradient: changing it changes no other
    assert (x.grad, y.grad) == (1.0, 1.0)


@pytest.mark.parametrize("dtype", [np.float32, F64])
def test_gradients_passed_through_are_separate_objects(dtype):
    x, y = gn.tensor(1.0, dtype=dtype), gn.tensor(2.0, dtype=dtype)
    s = x - y  # Sub passes its upstream on to x unchanged
    t = s + 0.0
    (t * 2.0).backward()
    grads = [x.grad, y.grad, s.grad, t.grad]
    assert len({id(g) for g in grads}) == 4
    assert [type(g) for g in grads] == [np.dtype(dtype).type] * 4
    assert [float(g) for g in grads] == [2.0, -2.0, 2.0, 2.0]


def test_vector_gradients_of_an_add_are_separate_arrays():
    x, y = gn.tensor([1.0, 2.0], dtype=F64), gn.tensor([3.0, 4.0], dtype=F64)
    out = x + y
    out.backward()
    x.grad[0] = 7.0
    assert y.grad.tolist() == [1.0, 1.0] and out.grad.tolist() == [1.0, 1.0]


def test_a_0d_gradient_is_not_a_view_of_another():
    x = gn.tensor(3.0, dtype=F64)
    t = x.reshape(1)  # backward reshapes t's gradient back to 0-d: a view, before
    t.backward()
    assert type(x.grad) is np.ndarray and x.grad.ndim == 0 and x.grad.base is None
    x.grad[...] = 9.0
    assert t.grad.tolist() == [1.0]


# --- 3. values changed after use -----------------------------------------------------------

def _worked():
    x = gn.tensor(3.0, dtype=F64, name="x")
    w = gn.parameter(np.array([2.0]), dtype=F64, name="w")
    m = x * w
    return x, w, m, (m ** 2).sum()


def test_reassigning_a_leaf_after_use_stops_backward():
    x, w, m, y = _worked()
    w.value = np.array([5.0])
    with pytest.raises(GraphError) as err:
        y.backward()
    assert str(err.value) == (f"parameter 'w' changed after {m.node!r} used it (its .value was "
                              "assigned or marked changed): backward() would mix its old and new "
                              f"values. {RECOMPUTE}")
    assert x.grad is None  # nothing half-written


def test_in_place_change_marked_changed_stops_backward():
    x, w, m, y = _worked()
    w.value[...] = 5.0  # invisible by itself: NumPy arrays say nothing
    w.mark_changed()
    with pytest.raises(GraphError, match=r"^parameter 'w' changed after Mul '"):
        y.backward()


def test_unnamed_tensors_are_named_by_role_and_shape():
    x = gn.tensor(np.ones((2, 3)), dtype=F64)
    y = (x * 2.0).sum()
    x.value = np.zeros((2, 3))
    with pytest.raises(GraphError, match=re.escape("an unnamed input of shape (2, 3) changed after Mul '")):
        y.backward()


def test_replaying_after_a_change_differentiates_at_the_new_values():
    x, w, m, y = _worked()
    w.value = np.array([5.0])
    graph = Graph(y)  # the eager nodes are stale; a replay recomputes them
    graph.forward()
    graph.backward()
    assert graph.value(y) == 225.0
    assert x.grad == 2 * 3.0 * 5.0 * 5.0 and w.grad.tolist() == [2 * 3.0 * 5.0 * 3.0]


def test_a_change_after_a_replay_stops_backward_until_the_next_forward():
    x, w, m, y = _worked()
    graph = Graph(y)
    graph.forward()
    w.value = np.array([5.0])
    with pytest.raises(GraphError) as err:
        graph.backward()
    assert str(err.value) == ("parameter 'w' changed after this graph's last forward() (its .value "
                              "was assigned or marked changed): backward() would mix its old and "
                              f"new values. {RECOMPUTE}")
    graph.forward()
    graph.backward()
    assert x.grad == 150.0


def test_a_change_after_building_a_graph_stops_its_backward():
    x, w, m, y = _worked()
    graph = Graph(y)
    x.value = F64(4.0)
    with pytest.raises(GraphError, match=r"^input 'x' changed after this graph was computed \("):
        graph.backward()


def test_changing_an_op_output_is_caught_at_its_consumer():
    x, w, m, y = _worked()
    m.value = np.array([1.0])
    with pytest.raises(GraphError) as err:
        y.backward()
    assert str(err.value).startswith(f"the output of {m.node!r} changed after "
                                     f"{y.parents[0].node!r} used it (its .value was assigned")


def test_changes_before_use_are_fine():
    x = gn.tensor(3.0, dtype=F64, name="x")
    w = gn.parameter(2.0, dtype=F64, name="w")
    a = x * 2.0  # made before w changes, and does not use w
    w.value = F64(5.0)
    b = a * w
    b.backward()
    assert (x.grad, w.grad) == (10.0, 6.0)
    b.backward()  # twice: the same answer
    assert (x.grad, w.grad) == (10.0, 6.0)


def test_an_optimizer_step_on_a_0d_parameter_is_seen():
    w = gn.parameter(2.0, dtype=F64, name="w")
    graph = Graph(w * w)
    graph.forward()
    graph.backward()
    gn.optimizers.SGD(0.1).step([w])  # a 0-d value is replaced: an assignment
    assert w.value == 2.0 - 0.1 * 4.0
    with pytest.raises(GraphError, match=r"^parameter 'w' changed after this graph's last forward\(\)"):
        graph.backward()
    graph.forward()
    graph.backward()
    assert w.grad == 2 * 1.6


def test_an_optimizer_step_on_an_array_parameter_is_seen():
    w = gn.parameter(np.array([2.0, 1.0]), dtype=F64, name="w")
    graph = Graph((w * w).sum())
    graph.forward()
    graph.backward()
    gn.optimizers.SGD(0.1).step([w])
    with pytest.raises(GraphError, match=r"^parameter 'w' changed after this graph's last forward\(\)"):
        graph.backward()


def test_a_fed_leaf_changed_after_the_replay_does_not_matter():
    x, w, m, y = _worked()
    graph = Graph(y)
    graph.forward({x: 4.0})  # the graph ran on 4, not on x's own value
    x.value = F64(10.0)
    graph.backward()
    assert w.grad.tolist() == [2 * 4.0 * 2.0 * 4.0]


def test_fit_replays_and_trains_with_versions_checked():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(32, 3))
    y = X @ np.array([1.0, -2.0, 0.5])
    model = gn.Sequential([gn.layers.Dense(1, input_shape=(3,))])
    model.compile(gn.optimizers.SGD(0.1), "mse")
    history = model.fit(X, y, epochs=5, batch_size=8, verbose=0)
    losses = history.history["loss"]
    assert len(losses) == 5 and losses[-1] < losses[0]
