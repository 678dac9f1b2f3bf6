"""Every tensor operation: values against NumPy, gradients against finite differences.

Each case is (id, graphnet function, NumPy function, inputs). The graphnet function
takes Tensors; the NumPy one takes the same inputs as arrays. Inputs are float64,
so values must match NumPy to rounding and gradients must pass gn.gradcheck.
"""
import numpy as np
import pytest

import graphnet as gn

R = np.random.default_rng(2024)


def N(*shape):
    return R.normal(size=shape)


def P(*shape, low=0.5, high=2.0):
    """Values away from zero (for log, sqrt, division, pow bases)."""
    return R.uniform(low, high, size=shape)


def AWAY(*shape):
    """Normal values pushed away from 0 (abs, x ** 2 at negative x...)."""
    x = R.normal(size=shape)
    return x + np.sign(x) * 0.3


def same(f):
    """The graphnet and NumPy functions are the same code (operators, methods)."""
    return (f, f)


X234 = N(2, 3, 4)

CASES = [
    # + - * / ** neg, tensors on both sides
    ("add", *same(lambda a, b: a + b), (N(2, 3), N(2, 3))),
    ("add_broadcast_row", *same(lambda a, b: a + b), (N(2, 3), N(3))),
    ("add_broadcast_both", *same(lambda a, b: a + b), (N(4, 1, 3), N(2, 1))),
    ("add_scalar_tensor", *same(lambda a, b: a + b), (np.array(0.7), N(3))),
    ("sub", *same(lambda a, b: a - b), (N(2, 3), N(1, 3))),
    ("mul", *same(lambda a, b: a * b), (N(2, 3), N(2, 1))),
    ("div", *same(lambda a, b: a / b), (N(2, 3), P(3))),
    ("div_negative_denominator", *same(lambda a, b: a / b), (N(3), -P(3))),
    ("pow_tensor_tensor", *same(lambda a, b: a ** b), (P(2, 3), N(2, 3))),
    ("pow_broadcast", *same(lambda a, b: a ** b), (P(2, 3), N(1, 3))),
    ("neg", *same(lambda x: -x), (N(2, 3),)),
    # numbers and arrays on either side
    ("python_int_times_tensor", *same(lambda x: 2 * x), (N(3),)),
    ("tensor_times_python_float", *same(lambda x: x * 2.5), (N(3),)),
    ("python_float_plus_tensor", *same(lambda x: 2.5 + x), (N(2, 2),)),
    ("ndarray_plus_tensor", *same(lambda x: np.ones(3) + x), (N(3),)),
    ("tensor_plus_ndarray_broadcast", *same(lambda x: x + np.arange(3.0)), (N(2, 3),)),
    ("ndarray_minus_tensor", *same(lambda x: np.arange(6.0).reshape(2, 3) - x), (N(2, 3),)),
    ("python_minus_tensor", *same(lambda x: 1 - x), (N(3),)),
    ("tensor_minus_python", *same(lambda x: x - 1), (N(3),)),
    ("ndarray_times_tensor", *same(lambda x: np.array([1.0, -2.0, 3.0]) * x), (N(2, 3),)),
    ("tensor_div_python", *same(lambda x: x / 4), (N(3),)),
    ("python_div_tensor", *same(lambda x: 2 / x), (AWAY(3),)),
    ("ndarray_div_tensor", *same(lambda x: np.arange(1.0, 4.0) / x), (AWAY(2, 3),)),
    ("tensor_squared_negative_base", *same(lambda x: x ** 2), (AWAY(2, 3),)),
    ("tensor_cubed", *same(lambda x: x ** 3), (N(4),)),
    ("tensor_pow_half", *same(lambda x: x ** 0.5), (P(3),)),
    ("tensor_pow_negative", *same(lambda x: x ** -2), (AWAY(3),)),
    ("python_pow_tensor", *same(lambda x: 2 ** x), (N(3),)),
    ("float_pow_tensor", *same(lambda x: 0.5 ** x), (N(2, 2),)),
    ("ndarray_pow_tensor", *same(lambda x: np.array([1.5, 2.0, 3.0]) ** x), (N(2, 3),)),
    ("tensor_pow_ndarray", *same(lambda x: x ** np.array([1.0, 2.0, 3.0])), (P(2, 3),)),
    # matrix product
    ("matmul_2d", *same(lambda a, b: a @ b), (N(2, 3), N(3, 4))),
    ("matmul_vec_mat", *same(lambda a, b: a @ b), (N(3), N(3, 2))),
    ("matmul_mat_vec", *same(lambda a, b: a @ b), (N(2, 3), N(3))),
    ("matmul_vec_vec", *same(lambda a, b: a @ b), (N(3), N(3))),
    ("matmul_batch", *same(lambda a, b: a @ b), (N(2, 2, 3), N(3, 2))),
    ("matmul_batch_broadcast", *same(lambda a, b: a @ b), (N(2, 1, 2, 3), N(3, 3, 2))),
    ("matmul_tensor_ndarray", *same(lambda x: x @ np.arange(6.0).reshape(3, 2)), (N(2, 3),)),
    ("matmul_ndarray_tensor", *same(lambda x: np.arange(6.0).reshape(2, 3) @ x), (N(3, 2),)),
    ("matmul_function", lambda a, b: gn.matmul(a, b), np.matmul, (N(2, 3), N(3, 2))),
    # elementwise functions
    ("exp", gn.exp, np.exp, (N(2, 3),)),
    ("log", gn.log, np.log, (P(2, 3),)),
    ("sqrt", gn.sqrt, np.sqrt, (P(2, 3),)),
    ("abs", gn.abs, np.abs, (AWAY(2, 3),)),
    ("exp_method", lambda x: x.exp(), np.exp, (N(3),)),
    ("log_method", lambda x: x.log(), np.log, (P(3),)),
    ("sqrt_method", lambda x: x.sqrt(), np.sqrt, (P(3),)),
    ("abs_method", lambda x: x.abs(), np.abs, (AWAY(3),)),
    ("maximum", gn.maximum, np.maximum, (N(2, 3), N(2, 3))),
    ("maximum_broadcast", gn.maximum, np.maximum, (N(2, 3), N(3))),
    ("maximum_scalar", lambda x: gn.maximum(x, 0.1), lambda x: np.maximum(x, 0.1), (AWAY(2, 3),)),
    ("maximum_ndarray_first", lambda x: gn.maximum(np.zeros(3), x),
     lambda x: np.maximum(np.zeros(3), x), (AWAY(2, 3),)),
    ("maximum_method", lambda a, b: a.maximum(b), np.maximum, (N(3), N(3))),
    ("minimum", gn.minimum, np.minimum, (N(2, 3), N(2, 3))),
    ("minimum_broadcast", gn.minimum, np.minimum, (N(3, 1), N(3))),
    ("minimum_scalar", lambda x: gn.minimum(x, -0.1), lambda x: np.minimum(x, -0.1), (AWAY(4),)),
    ("minimum_method", lambda a, b: a.minimum(b), np.minimum, (N(3), N(3))),
    ("tanh", gn.tanh, np.tanh, (N(2, 3),)),
    ("relu", gn.relu, lambda x: np.maximum(x, 0), (AWAY(2, 3),)),
    ("reshape_tensor_op_chain", *same(lambda x: ((x * 2 + 1) ** 2).reshape(6)), (N(2, 3),)),
]

# reductions over axes: None, int, negative, tuple, keepdims
for _name in ("sum", "mean", "max"):
    for _axis in (None, 0, 1, -1, (0, 2), (-1, 0)):
        for _keep in (False, True):
            CASES.append((f"{_name}_axis{_axis}_keep{_keep}".replace(" ", ""),
                          *same(lambda x, n=_name, a=_axis, k=_keep: getattr(x, n)(axis=a, keepdims=k)),
                          (N(2, 3, 4),)))
CASES += [
    ("sum_function", lambda x: gn.sum(x, axis=1), lambda x: np.sum(x, axis=1), (N(2, 3),)),
    ("mean_function", lambda x: gn.mean(x, 0, True), lambda x: np.mean(x, 0, keepdims=True), (N(2, 3),)),
    ("max_function", lambda x: gn.max(x, axis=-1), lambda x: np.max(x, axis=-1), (N(2, 3),)),
    ("sum_of_scalar", *same(lambda x: x.sum()), (np.array(1.5),)),
    ("mean_vector", *same(lambda x: x.mean()), (N(5),)),
    # shapes
    ("reshape_args", *same(lambda x: x.reshape(6, 4)), (X234,)),
    ("reshape_tuple_infer", *same(lambda x: x.reshape((4, -1))), (X234,)),
    ("reshape_flat", *same(lambda x: x.reshape(-1)), (X234,)),
    ("reshape_function", lambda x: gn.reshape(x, (4, 6)), lambda x: np.reshape(x, (4, 6)), (X234,)),
    ("T", *same(lambda x: x.T), (N(2, 3),)),
    ("T_3d", *same(lambda x: x.T), (X234,)),
    ("transpose_noargs", *same(lambda x: x.transpose()), (N(2, 3),)),
    ("transpose_args", *same(lambda x: x.transpose(1, 0, 2)), (X234,)),
    ("transpose_tuple", *same(lambda x: x.transpose((2, 0, 1))), (X234,)),
    ("transpose_function", lambda x: gn.transpose(x, (1, 2, 0)), lambda x: np.transpose(x, (1, 2, 0)),
     (X234,)),
    ("transpose_negative_axes", *same(lambda x: x.transpose(-1, 0, 1)), (X234,)),
    ("transpose_negative_axes_tuple", lambda x: gn.transpose(x, (0, -1, -2)),
     lambda x: np.transpose(x, (0, -1, -2)), (X234,)),
    # indexing
    ("index_int", *same(lambda x: x[1]), (N(3, 4),)),
    ("index_negative_int", *same(lambda x: x[-1]), (N(3, 4),)),
    ("index_slice", *same(lambda x: x[1:3]), (N(4, 2),)),
    ("index_step_slice", *same(lambda x: x[::-2]), (N(5),)),
    ("index_column", *same(lambda x: x[:, 0]), (N(3, 4),)),
    ("index_ellipsis", *same(lambda x: x[..., 1]), (X234,)),
    ("index_newaxis", *same(lambda x: x[None, :, 1]), (N(3, 4),)),
    ("index_mixed_basic", *same(lambda x: x[1, :, 2:]), (X234,)),
    ("index_int_array_repeated", *same(lambda x: x[np.array([0, 2, 0])]), (N(3, 4),)),
    ("index_list_repeated", *same(lambda x: x[[1, 1, 1, 0]]), (N(3),)),
    ("index_two_arrays_repeated", *same(lambda x: x[[0, 1, 0], [2, 2, 2]]), (N(2, 3),)),
    ("index_slice_and_array", *same(lambda x: x[:, [0, 0, 3]]), (N(3, 4),)),
    ("index_negative_alias", *same(lambda x: x[[-1, 2, 0]]), (N(3),)),
    ("index_bool_mask", *same(lambda x: x[np.array([True, False, True])]), (N(3, 2),)),
]

IDS = [c[0] for c in CASES]


@pytest.mark.parametrize("name,gfn,nfn,inputs", CASES, ids=IDS)
def test_value_matches_numpy(name, gfn, nfn, inputs):
    tensors = [gn.tensor(a) for a in inputs]
    out = gfn(*tensors)
    assert isinstance(out, gn.Tensor), f"{name} returned {type(out).__name__}, not a Tensor"
    expected = nfn(*[np.array(a) for a in inputs])
    assert out.shape == np.shape(expected)
    assert out.dtype == np.float64
    np.testing.assert_allclose(out.value, expected, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("name,gfn,nfn,inputs", CASES, ids=IDS)
def test_gradients_have_input_shapes_and_pass_gradcheck(name, gfn, nfn, inputs):
    tensors = [gn.tensor(a) for a in inputs]
    gfn(*tensors).sum().backward()
    for t, a in zip(tensors, inputs):
        assert np.shape(t.grad) == np.shape(a)
        assert np.result_type(t.grad) == np.float64
    report = gn.gradcheck(gfn, *inputs)
    assert report.ok, "\n" + str(report)
    assert report.rows and all(r.kinks == 0 for r in report.rows), "\n" + str(report)


# --- hand-computed gradients ---------------------------------------------------

def test_repeated_indices_add_up():
    x = gn.tensor(np.arange(4.0))
    y = x[[0, 0, 2, 0]]
    np.testing.assert_array_equal(y.value, [0.0, 0.0, 2.0, 0.0])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 0.0, 1.0, 0.0])


def test_negative_and_positive_index_of_the_same_element_add_up():
    x = gn.tensor(np.array([1.0, 2.0, 3.0]))
    (x[[-1, 2, 0]] * np.array([1.0, 10.0, 100.0])).sum().backward()
    np.testing.assert_array_equal(x.grad, [100.0, 0.0, 11.0])


def test_iterating_over_a_tensor():
    x = gn.tensor(np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]))
    assert len(x) == 3
    rows = list(x)
    assert len(rows) == 3 and all(isinstance(r, gn.Tensor) for r in rows)
    total = sum(r * k for k, r in enumerate(rows))
    np.testing.assert_array_equal(total.value, [13.0, 16.0])
    total.sum().backward()
    np.testing.assert_array_equal(x.grad, [[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])
    with pytest.raises(TypeError):
        len(gn.tensor(1.0))


def test_repeated_index_pairs_add_up():
    x = gn.tensor(np.zeros((2, 3)))
    (x[[0, 0, 1], [1, 1, 2]] * np.array([1.0, 10.0, 100.0])).sum().backward()
    np.testing.assert_array_equal(x.grad, [[0.0, 11.0, 0.0], [0.0, 0.0, 100.0]])


def test_scalar_mixing_gradients_by_hand():
    x = gn.tensor(np.array([1.0, 2.0]))
    (2 * x + x * 3 - 1 / x + 2 ** x + x ** 2).sum().backward()
    xv = np.array([1.0, 2.0])
    np.testing.assert_allclose(x.grad, 2 + 3 + 1 / xv ** 2 + np.log(2) * 2 ** xv + 2 * xv, rtol=1e-14)


def test_reduction_gradients_by_hand():
    x = gn.tensor(np.array([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]]))
    (x.sum(axis=0) * np.array([1.0, 2.0, 3.0])).sum().backward()
    np.testing.assert_array_equal(x.grad, [[1, 2, 3], [1, 2, 3]])
    x.mean(axis=1).sum().backward()
    np.testing.assert_allclose(x.grad, np.full((2, 3), 1 / 3), rtol=1e-15)
    x.max(axis=1).sum().backward()
    np.testing.assert_array_equal(x.grad, [[0, 1, 0], [1, 0, 0]])


def test_pow_zero_exponent_gradient_at_zero():
    # d/dx x**0 = d/dx 1 = 0 everywhere, including x = 0 (NumPy: 0.0 ** 0 == 1)
    x = gn.tensor(np.array([0.0, 1.0, -2.0]))
    y = x ** 0
    np.testing.assert_array_equal(y.value, [1.0, 1.0, 1.0])
    with np.errstate(all="ignore"):
        y.sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 0.0])


# --- dtypes ---------------------------------------------------------------------

F32, F64 = np.dtype("float32"), np.dtype("float64")


def test_default_dtype_is_float32():
    assert gn.floatx() == F32
    assert gn.tensor(1.0).dtype == F32
    assert gn.tensor(3).dtype == F32
    assert gn.tensor([1, 2, 3]).dtype == F32
    assert gn.tensor([1.5, 2.5]).dtype == F32
    assert gn.tensor(np.arange(3)).dtype == F32  # integers become floatx
    assert gn.parameter([0.1, 0.2]).dtype == F32
    assert gn.constant(2).dtype == F32


def test_float64_inputs_stay_float64():
    assert gn.tensor(np.array([1.0, 2.0])).dtype == F64
    assert gn.tensor(np.array(0.5)).dtype == F64
    assert gn.tensor(np.float64(0.5)).dtype == F64
    x = gn.tensor(np.array(0.5))
    assert gn.tensor(x.value).dtype == F64  # a 0-d float64 value copied into a new tensor
    assert gn.tensor(np.array([1.0], dtype=np.float32)).dtype == F32


@pytest.mark.parametrize("dtype", [F32, F64], ids=["float32", "float64"])
def test_operations_preserve_dtype_with_python_numbers(dtype):
    x = gn.tensor(np.array([0.5, 1.5, 2.5], dtype=dtype))
    s = gn.tensor(np.array(1.25, dtype=dtype))
    results = [x + 1, 1 + x, x * 2.5, 2.5 * x, x - 3, 3 - x, x / 2, 2 / x, x ** 2, 2 ** x,
               x ** 0.5, -x, x.exp(), x.log(), x.sqrt(), x.abs(), gn.maximum(x, 1), gn.minimum(x, 1.0),
               x.sum(), x.mean(), x.max(), x.reshape(3, 1), x[1:], x[[0, 0]], x @ x, s * 2, 2 ** s,
               x + np.ones(3, dtype=dtype), gn.tanh(x), gn.relu(x)]
    for r in results:
        assert r.dtype == dtype, f"{r.node!r} gave {r.dtype} for {dtype} inputs"


@pytest.mark.parametrize("dtype", [F32, F64], ids=["float32", "float64"])
@pytest.mark.parametrize("op", [
    "add", "mul", "div", "pow", "rpow", "maximum", "minimum", "sum", "mean", "max", "matmul",
    "getitem", "abs", "exp", "relu", "tanh", "transpose", "reshape"])
def test_gradient_dtype_matches_input_dtype(op, dtype):
    fns = {
        "add": lambda x: x + 1.0, "mul": lambda x: x * x, "div": lambda x: 1.0 / x,
        "pow": lambda x: x ** 2, "rpow": lambda x: 2 ** x, "maximum": lambda x: gn.maximum(x, 1.0),
        "minimum": lambda x: gn.minimum(x, 1.0), "sum": lambda x: x.sum(axis=0),
        "mean": lambda x: x.mean(axis=1), "max": lambda x: x.max(axis=1), "matmul": lambda x: x @ x.T,
        "getitem": lambda x: x[[0, 0]], "abs": lambda x: x.abs(), "exp": lambda x: x.exp(),
        "relu": gn.relu, "tanh": gn.tanh, "transpose": lambda x: x.T, "reshape": lambda x: x.reshape(-1),
    }
    x = gn.tensor(np.array([[0.5, 1.5, 2.5], [3.0, -0.5, 0.25]], dtype=dtype))
    y = fns[op](x)
    y.backward()
    assert x.grad.dtype == dtype, f"{op}: gradient is {x.grad.dtype} for a {dtype} input"


def test_float32_graph_gradients_are_float32():
    x = gn.tensor([1.0, -2.0, 3.0])
    w = gn.parameter([0.5, 0.5, 0.5])
    loss = gn.maximum(x * w, 0.0).max() + (x * w).sum()
    loss.backward()
    assert w.grad.dtype == F32 and x.grad.dtype == F32


def test_mixed_float64_array_promotes_like_numpy():
    x = gn.tensor([1.0, 2.0, 3.0])  # float32
    y = np.ones(3) + x  # float64 array: NumPy promotes to float64
    assert y.dtype == (np.ones(3) + np.ones(3, dtype=np.float32)).dtype == F64


def test_set_floatx(floatx_guard):
    gn.set_floatx("float64")
    assert gn.floatx() == F64
    assert gn.tensor(1.0).dtype == F64
    assert gn.tensor([1, 2]).dtype == F64
    assert (gn.tensor(1.0) * 2).dtype == F64
    gn.set_floatx(np.float32)
    assert gn.floatx() == F32
    assert gn.tensor(1.0).dtype == F32
    with pytest.raises(ValueError):
        gn.set_floatx("int32")
    assert gn.floatx() == F32  # a refused type changes nothing
