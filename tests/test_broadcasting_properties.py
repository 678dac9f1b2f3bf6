"""Property tests: broadcasting binary ops and matmul on random shapes.

For random mutually broadcastable shape pairs, every binary node must produce
NumPy's value, gradients with the inputs' own shapes, and gradients that match
central differences (gn.gradcheck).
"""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes

import graphnet as gn

SETTINGS = settings(max_examples=50, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])

pairs = mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, min_side=1, max_side=3)
seeds = st.integers(0, 2 ** 32 - 1)


def _signs(rng, shape):
    return np.where(rng.random(shape) < 0.5, -1.0, 1.0)


def _inputs(op, shapes, seed):
    rng = np.random.default_rng(seed)
    sa, sb = shapes
    a, b = rng.normal(size=sa), rng.normal(size=sb)
    if op == "div":  # denominators away from 0
        b = _signs(rng, sb) * rng.uniform(0.5, 2.0, sb)
    if op == "pow":  # positive base
        a = rng.uniform(0.5, 2.0, sa)
        b = rng.uniform(-2.0, 2.0, sb)
    if op in ("maximum", "minimum"):  # keep clear of ties (kinks)
        a = np.round(a, 1) + 0.05
        b = np.round(b, 1)
    return np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)


OPS = {
    "add": (lambda a, b: a + b, np.add),
    "sub": (lambda a, b: a - b, np.subtract),
    "mul": (lambda a, b: a * b, np.multiply),
    "div": (lambda a, b: a / b, np.divide),
    "pow": (lambda a, b: a ** b, np.power),
    "maximum": (gn.maximum, np.maximum),
    "minimum": (gn.minimum, np.minimum),
}


@pytest.mark.parametrize("op", list(OPS))
@SETTINGS
@given(shapes=pairs, seed=seeds)
def test_binary_op_broadcasting(op, shapes, seed):
    gfn, nfn = OPS[op]
    a, b = _inputs(op, shapes.input_shapes, seed)
    ta, tb = gn.tensor(a), gn.tensor(b)
    out = gfn(ta, tb)
    expected = nfn(a, b)
    assert out.shape == np.shape(expected) == shapes.result_shape
    np.testing.assert_allclose(out.value, expected, rtol=1e-13)
    out.sum().backward()
    assert np.shape(ta.grad) == a.shape
    assert np.shape(tb.grad) == b.shape
    report = gn.gradcheck(gfn, a, b)
    assert report.ok, "\n" + str(report)


@pytest.mark.parametrize("op", ["add", "mul", "pow"])
@SETTINGS
@given(shapes=pairs, seed=seeds)
def test_binary_op_with_constant_operand(op, shapes, seed):
    """A NumPy array on either side of a tensor: only the tensor gets a gradient."""
    gfn, nfn = OPS[op]
    a, b = _inputs(op, shapes.input_shapes, seed)
    ta = gn.tensor(a)
    out = gfn(ta, b)
    out.sum().backward()
    assert np.shape(ta.grad) == a.shape
    tb = gn.tensor(b)
    out = gfn(a, tb)
    np.testing.assert_allclose(out.value, nfn(a, b), rtol=1e-13)
    out.sum().backward()
    assert np.shape(tb.grad) == b.shape
    report = gn.gradcheck(lambda x: gfn(x, b), a)
    assert report.ok, "\n" + str(report)
    report = gn.gradcheck(lambda y: gfn(a, y), b)
    assert report.ok, "\n" + str(report)


@st.composite
def matmul_shapes(draw):
    """Compatible shapes for a @ b: vectors, matrices, and stacks whose batch
    dimensions broadcast against each other."""
    m, k, n = (draw(st.integers(1, 3)) for _ in range(3))
    kind = draw(st.sampled_from(["vec_vec", "vec_mat", "mat_vec", "mat_mat", "batch"]))
    if kind == "vec_vec":
        return (k,), (k,)
    if kind == "vec_mat":
        batch = draw(st.sampled_from([(), (2,), (2, 1)]))
        return (k,), batch + (k, n)
    if kind == "mat_vec":
        batch = draw(st.sampled_from([(), (2,), (1, 3)]))
        return batch + (m, k), (k,)
    if kind == "mat_mat":
        return (m, k), (k, n)
    bshapes = draw(mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=2,
                                                 min_side=1, max_side=3))
    ba, bb = bshapes.input_shapes
    return ba + (m, k), bb + (k, n)


@SETTINGS
@given(shapes=matmul_shapes(), seed=seeds)
def test_matmul_random_shapes(shapes, seed):
    rng = np.random.default_rng(seed)
    sa, sb = shapes
    a, b = rng.normal(size=sa), rng.normal(size=sb)
    ta, tb = gn.tensor(a), gn.tensor(b)
    out = ta @ tb
    expected = a @ b
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out.value, expected, rtol=1e-12, atol=1e-14)
    (out * 1.0).sum().backward()
    assert np.shape(ta.grad) == sa
    assert np.shape(tb.grad) == sb
    # d sum(a @ b) / da = ones @ b^T, summed over broadcast batch dims: by NumPy
    ones = np.ones(np.shape(expected))
    a2 = a if a.ndim > 1 else a[None, :]
    b2 = b if b.ndim > 1 else b[:, None]
    g2 = ones
    if b.ndim == 1:
        g2 = g2[..., None]
    if a.ndim == 1:
        g2 = g2[..., None, :]
    da = g2 @ np.swapaxes(b2, -1, -2)
    da = da[..., 0, :] if a.ndim == 1 else da
    da = da.sum(axis=tuple(range(da.ndim - a.ndim)))  # leading broadcast dims
    while da.shape != sa:  # sum over broadcast size-1 dims
        ax = next(i for i, (x, y) in enumerate(zip(da.shape, sa)) if x != y)
        da = da.sum(axis=ax, keepdims=True)
    np.testing.assert_allclose(ta.grad, da, rtol=1e-12, atol=1e-12)
    report = gn.gradcheck(lambda x, y: x @ y, a, b)
    assert report.ok, "\n" + str(report)


# --- reductions and indexing on random shapes -------------------------------

@st.composite
def shape_and_axis(draw):
    shape = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3).map(tuple))
    ndim = len(shape)
    kind = draw(st.sampled_from(["none", "int", "tuple"]))
    if kind == "none":
        axis = None
    elif kind == "int":
        axis = draw(st.integers(-ndim, ndim - 1))
    else:
        axes = draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True))
        # write some of them as negative numbers, as NumPy allows
        axis = tuple(a - ndim if draw(st.booleans()) else a for a in axes)
    return shape, axis, draw(st.booleans())


@pytest.mark.parametrize("op", ["sum", "mean", "max"])
@SETTINGS
@given(case=shape_and_axis(), seed=seeds)
def test_reductions_on_random_shapes_and_axes(op, case, seed):
    shape, axis, keepdims = case
    rng = np.random.default_rng(seed)
    size = int(np.prod(shape))
    x = rng.permutation(size).reshape(shape) / size + rng.uniform(-1, 1)  # distinct: no ties
    tx = gn.tensor(x)
    out = getattr(tx, op)(axis=axis, keepdims=keepdims)
    expected = getattr(np, op)(x, axis=axis, keepdims=keepdims)
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out.value, expected, rtol=1e-13)
    out.sum().backward()
    assert np.shape(tx.grad) == shape
    report = gn.gradcheck(lambda x: getattr(x, op)(axis=axis, keepdims=keepdims), x)
    assert report.ok, "\n" + str(report)


@st.composite
def shape_and_basic_index(draw):
    from hypothesis.extra.numpy import basic_indices
    shape = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple))
    return shape, draw(basic_indices(shape, min_dims=0, allow_newaxis=True, allow_ellipsis=True))


@SETTINGS
@given(case=shape_and_basic_index(), seed=seeds)
def test_basic_indexing_on_random_shapes(case, seed):
    shape, index = case
    x = np.random.default_rng(seed).normal(size=shape)
    tx = gn.tensor(x)
    out = tx[index]
    expected = x[index]
    assert out.shape == np.shape(expected)
    np.testing.assert_array_equal(out.value, expected)
    (out * 1.0).sum().backward()
    assert np.shape(tx.grad) == shape
    # d sum(x[index]) / dx counts how often each element is picked: once or never
    picked = np.zeros(shape)
    picked[index] = 1.0
    np.testing.assert_array_equal(tx.grad, picked)
    report = gn.gradcheck(lambda x: x[index], x)
    assert report.ok, "\n" + str(report)


@SETTINGS
@given(n=st.integers(1, 5), picks=st.lists(st.integers(-5, 4), min_size=1, max_size=8), seed=seeds)
def test_integer_array_indexing_with_repeats(n, picks, seed):
    picks = [p % n if p >= 0 else -((-p - 1) % n) - 1 for p in picks]  # valid for size n
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 2))
    weights = rng.normal(size=(len(picks), 2))
    tx = gn.tensor(x)
    out = tx[np.array(picks)]
    np.testing.assert_array_equal(out.value, x[picks])
    (out * weights).sum().backward()
    expected = np.zeros((n, 2))
    for row, p in zip(weights, picks):  # repeated indices add up
        expected[p] += row
    np.testing.assert_allclose(tx.grad, expected, rtol=1e-14)
    report = gn.gradcheck(lambda x: x[np.array(picks)], x)
    assert report.ok, "\n" + str(report)
