"""GPU arrays (graphnet/kernels/cuda/array.py) against NumPy, property style:
random small shapes (0 to 4 axes of 1 to 4), the four dtypes graphnet uses
(float32, float64, int64, bool), fixed seeds, and for every case the same
expression on a NumPy array and on its ``CudaArray`` copy, compared in dtype,
shape and values. Run by tests/test_cuda_simulator.py in a process with
NUMBA_ENABLE_CUDASIM=1; prints one JSON line: {check name: null, or the error}.

Every array is tiny: the simulator runs each GPU thread as a Python thread."""
import math
import os

import numpy as np
from simulated_checks import report

assert os.environ.get("NUMBA_ENABLE_CUDASIM") == "1", "run me with NUMBA_ENABLE_CUDASIM=1"

import graphnet as gn  # noqa: E402
from graphnet.kernels.cuda.array import CudaArray  # noqa: E402

DTYPES = [np.dtype(t) for t in (np.float32, np.float64, np.int64, np.bool_)]


# --- random cases ---------------------------------------------------------------------
def rand_shape(rng, ndim=None, low=0):
    ndim = int(rng.integers(low, 5)) if ndim is None else ndim
    return tuple(int(n) for n in rng.integers(1, 5, size=ndim))


def rand_array(rng, shape, dtype, positive=False):
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return rng.random(shape) < 0.5
    if dtype.kind == "i":
        return rng.integers(1 if positive else -4, 5, size=shape).astype(dtype)
    x = rng.uniform(0.1, 3.0, size=shape) if positive else rng.normal(scale=2.0, size=shape)
    return np.asarray(x, dtype=dtype)


def broadcastable(rng, shape):
    """A shape that broadcasts against ``shape``: leading axes dropped, some axes 1."""
    keep = shape[int(rng.integers(0, len(shape) + 1)):]
    return tuple(1 if rng.random() < 0.3 else n for n in keep)


def rand_key(rng, shape):
    """A basic index (integers, slices with steps, None, Ellipsis) for ``shape``."""
    key, ellipsis = [], rng.random() < 0.25 and len(shape) > 0
    axes = list(range(len(shape)))
    if ellipsis:  # the key spells out a prefix of the axes, Ellipsis stands for the rest
        axes = axes[:int(rng.integers(0, len(shape)))]
    for axis in axes:
        n, kind = shape[axis], rng.random()
        if n == 0:  # an axis emptied by an earlier slice
            key.append(slice(None))
        elif kind < 0.3:
            key.append(int(rng.integers(-n, n)))
        elif kind < 0.9:
            step = int(rng.choice([1, 1, 2, 3, -1, -2]))
            start = int(rng.integers(-n, n)) if rng.random() < 0.6 else None
            stop = int(rng.integers(-n - 1, n + 1)) if rng.random() < 0.6 else None
            key.append(slice(start, stop, step))
        else:
            key.append(slice(None))
        if rng.random() < 0.15:
            key.append(None)
    if ellipsis:
        key.append(Ellipsis)
    return tuple(key) if len(key) != 1 or rng.random() < 0.5 else key[0]


# --- comparison -----------------------------------------------------------------------
def same(got, want, case, tol=1e-5):
    """``got`` is a GPU array with NumPy's dtype, shape and (to ``tol``) values."""
    want = np.asarray(want)
    assert isinstance(got, CudaArray), f"{case}: expected a GPU array, got {type(got).__name__}"
    host = gn.to_host(got)
    assert host.dtype == want.dtype, f"{case}: dtype {host.dtype} != NumPy's {want.dtype}"
    assert host.shape == want.shape, f"{case}: shape {host.shape} != NumPy's {want.shape}"
    if want.dtype == np.bool_:  # stored as uint8: every byte must be a proper 0 or 1
        raw = host.view(np.uint8)
        assert ((raw == 0) | (raw == 1)).all(), f"{case}: bool bytes {np.unique(raw)}"
    if want.dtype.kind == "f":
        tol = max(tol, 1e-5) if want.dtype == np.float32 else tol
        np.testing.assert_allclose(host, want, rtol=tol, atol=tol, equal_nan=True, err_msg=case)
    else:
        np.testing.assert_array_equal(host, want, err_msg=case)


REFUSED = object()


def numpy_says(fn):
    """NumPy's answer, or REFUSED where NumPy refuses (the case is then not a case)."""
    try:
        with np.errstate(all="ignore"):
            return fn()
    except (TypeError, ValueError, IndexError, np.exceptions.AxisError):
        return REFUSED


def quiet(fn):
    with np.errstate(all="ignore"):
        return fn()


# --- the checks -----------------------------------------------------------------------
BINARY_OPS = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
    "/": lambda a, b: a / b, "**": lambda a, b: a ** b, "np.maximum": np.maximum,
    "np.minimum": np.minimum, "np.add": np.add, "np.multiply": np.multiply,
}
COMPARISONS = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
               ">=": lambda a, b: a >= b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b,
               "np.greater": np.greater, "np.equal": np.equal}


def _pair(rng, op):
    shape = rand_shape(rng)
    other = broadcastable(rng, shape)
    if rng.random() < 0.5:
        shape, other = other, shape
    da, db = (DTYPES[i] for i in rng.integers(0, 4, size=2))
    positive = op == "**"  # powers: positive bases, small whole exponents
    x = rand_array(rng, shape, da, positive)
    y = rand_array(rng, other, db, positive)
    if op == "**":
        y = np.abs(y).astype(db) % 3 if db.kind in "iub" else np.round(np.abs(y) % 3).astype(db)
    return x, y


def check_binary_ops_broadcast_like_numpy():
    rng = np.random.default_rng(1)
    for trial in range(150):
        name = list(BINARY_OPS)[trial % len(BINARY_OPS)]
        x, y = _pair(rng, name)
        want = numpy_says(lambda: BINARY_OPS[name](x, y))
        if want is REFUSED:
            continue
        got = quiet(lambda: BINARY_OPS[name](gn.to_device(x), gn.to_device(y)))
        same(got, want, f"{x.dtype}{x.shape} {name} {y.dtype}{y.shape}")


def _scalars(rng):
    v = float(rng.normal(scale=2.0))
    i = int(rng.integers(1, 4))
    return [v, i, True, np.float32(v), np.float64(v), np.int64(i), np.bool_(True), np.array(v)]


def check_scalar_operands_follow_numpy_type_rules():
    rng = np.random.default_rng(2)
    ops = dict(BINARY_OPS, **COMPARISONS)
    for trial in range(200):
        name = list(ops)[trial % len(ops)]
        dtype = DTYPES[trial % 4]
        x = rand_array(rng, rand_shape(rng), dtype, positive=name == "**")
        scalars = _scalars(rng)
        s = scalars[int(rng.integers(0, len(scalars)))]
        if name == "**":
            # 3, not 2: NumPy's ``a ** 2`` is np.square, which types a bool array as int8
            s = type(s)(3) if not isinstance(s, np.ndarray) else np.array(3.0)
        for left in (True, False):
            fn = (lambda a: ops[name](s, a)) if left else (lambda a: ops[name](a, s))
            want = numpy_says(lambda: fn(x))
            if want is REFUSED:
                continue
            got = quiet(lambda: fn(gn.to_device(x)))
            case = f"{s!r} {name} {dtype}{x.shape}" if left else f"{dtype}{x.shape} {name} {s!r}"
            same(got, want, case)


def check_unary_ufuncs():
    rng = np.random.default_rng(3)
    ufuncs = [np.exp, np.log, np.tanh, np.sqrt, np.abs, np.negative, np.square, np.positive,
              lambda a: -a, lambda a: abs(a)]
    for trial in range(150):
        f = ufuncs[int(rng.integers(0, len(ufuncs)))]
        dtype = DTYPES[int(rng.integers(0, 3))] if trial % 5 else DTYPES[3]
        if dtype == np.bool_ and f in (np.exp, np.log, np.tanh, np.sqrt):
            continue  # NumPy answers float16 here, a type GPU arrays do not do
        x = rand_array(rng, rand_shape(rng), dtype, positive=f in (np.log, np.sqrt))
        view = x.T if rng.random() < 0.5 else x
        want = numpy_says(lambda: f(view))
        if want is REFUSED:
            continue
        g = gn.to_device(x)
        got = quiet(lambda: f(g.T if view is not x else g))
        same(got, want, f"{getattr(f, '__name__', 'op')}({dtype}{view.shape})", 1e-6)


def check_comparisons():
    rng = np.random.default_rng(4)
    for trial in range(100):
        name = list(COMPARISONS)[trial % len(COMPARISONS)]
        x, y = _pair(rng, name)
        if trial % 3 == 0:  # ties, which < and <= tell apart
            y = np.broadcast_to(x, np.broadcast_shapes(x.shape, y.shape)).copy()
        same(COMPARISONS[name](gn.to_device(x), gn.to_device(y)), COMPARISONS[name](x, y),
             f"{x.dtype}{x.shape} {name} {y.dtype}{y.shape}")
    g = gn.to_device(np.array([1.0, np.nan, 2.0]))
    same((g != g), np.array([False, True, False]), "nan != nan")


def _axis(rng, ndim, single=False):
    kind = rng.random()
    if ndim == 0 or kind < 0.25:
        return None
    if single or kind < 0.6:
        return int(rng.integers(-ndim, ndim))
    count = int(rng.integers(0, ndim + 1))
    return tuple(int(a) for a in rng.permutation(ndim)[:count] - (ndim if rng.random() < 0.3 else 0))


def check_reductions():
    rng = np.random.default_rng(5)
    reductions = ["sum", "mean", "max", "min", "argmax", "argmin", "all", "any", "prod"]
    for trial in range(200):
        op = reductions[trial % len(reductions)]
        dtype = DTYPES[int(rng.integers(0, 4))]
        x = rand_array(rng, rand_shape(rng), dtype)
        axis = _axis(rng, x.ndim, single=op.startswith("arg"))
        keepdims = bool(rng.random() < 0.4)
        as_function = rng.random() < 0.5  # np.sum(g, ...) as well as g.sum(...)
        fn = (lambda a: getattr(np, op)(a, axis=axis, keepdims=keepdims)) if as_function else (
            lambda a: getattr(a, op)(axis=axis, keepdims=keepdims))
        want = numpy_says(lambda: fn(x))
        if want is REFUSED:
            continue
        case = f"{'np.' if as_function else '.'}{op}({dtype}{x.shape}, axis={axis}, keepdims={keepdims})"
        same(fn(gn.to_device(x)), want, case, 1e-5)
    x = rand_array(rng, (3, 4), np.float32)
    same(np.add.reduce(gn.to_device(x), axis=1), np.add.reduce(x, axis=1), "np.add.reduce")
    same(np.maximum.reduce(gn.to_device(x)), np.maximum.reduce(x), "np.maximum.reduce")


def _view_ops(rng, x):
    """One random view operation, as a function that works on NumPy and GPU arrays."""
    ops = ["key", "transpose", "reshape", "swapaxes", "expand_dims", "broadcast_to", ".T"]
    while True:
        op = ops[int(rng.integers(0, len(ops)))]
        if op == "key":
            key = rand_key(rng, x.shape)
            return f"[{key}]", lambda a: a[key]
        if op == "transpose" and x.ndim:
            axes = tuple(int(a) for a in rng.permutation(x.ndim))
            return f".transpose{axes}", lambda a: np.transpose(a, axes)
        if op == ".T":
            return ".T", lambda a: a.T
        if op == "reshape":
            shape = [1] * int(rng.integers(0, 2))
            rest = x.size
            for p in (2, 3, 2):  # split the size into factors, in some order
                while rest % p == 0 and rng.random() < 0.5:
                    shape.append(p)
                    rest //= p
            shape.append(rest)
            shape = [int(n) for n in rng.permutation(shape)]
            if rng.random() < 0.3:
                shape[int(rng.integers(0, len(shape)))] = -1
            return f".reshape{tuple(shape)}", lambda a: a.reshape(shape)
        if op == "swapaxes" and x.ndim:
            i, j = (int(v) for v in rng.integers(-x.ndim, x.ndim, size=2))
            return f"swapaxes({i}, {j})", lambda a: np.swapaxes(a, i, j)
        if op == "expand_dims" and x.ndim < 5:
            axis = int(rng.integers(-x.ndim - 1, x.ndim + 1))
            axis = axis if rng.random() < 0.6 else (axis, x.ndim + 1)
            return f"expand_dims({axis})", lambda a: np.expand_dims(a, axis)
        if op == "broadcast_to" and x.ndim < 5:
            shape = tuple(int(rng.integers(1, 4)) if n == 1 else n for n in x.shape)
            shape = rand_shape(rng, int(rng.integers(0, 2)), 0) + shape
            return f"broadcast_to({shape})", lambda a: np.broadcast_to(a, shape)


def check_views():
    rng = np.random.default_rng(6)
    for trial in range(150):
        x = rand_array(rng, rand_shape(rng), DTYPES[trial % 4])
        g, case = gn.to_device(x), f"{x.dtype}{x.shape}"
        gv, xv = g, x
        for _ in range(int(rng.integers(1, 4))):
            what, fn = _view_ops(rng, xv)
            nxt = numpy_says(lambda: fn(xv))
            if nxt is REFUSED or nxt.ndim > 6:  # GPU arrays have at most 6 axes
                continue
            case += what
            xv, gv = nxt, fn(gv)
        same(gv, xv, case)
        same(gv + 0 if gv.dtype != np.bool_ else gv & True, xv + 0 if xv.dtype != np.bool_ else xv & True,
             case + " then arithmetic")
        if "reshape" not in case:  # views of g stay views of g: no copies
            assert gv.data is g.data, f"{case}: copied"


def check_setitem():
    rng = np.random.default_rng(7)
    for trial in range(150):
        dtype = DTYPES[trial % 4]
        x = rand_array(rng, rand_shape(rng, low=1), dtype)
        key = rand_key(rng, x.shape)
        target = x[key]
        kind = trial % 3
        if kind == 0:
            value = _scalars(rng)[int(rng.integers(0, 8))]
        else:
            value = rand_array(rng, broadcastable(rng, target.shape), DTYPES[int(rng.integers(0, 4))])
        g = gn.to_device(x)
        want = x.copy()
        if numpy_says(lambda: want.__setitem__(key, value)) is REFUSED:
            continue
        g[key] = gn.to_device(value) if kind else value
        same(g, want, f"{dtype}{x.shape}[{key}] = {value!r}")


def check_where_concatenate_stack():
    rng = np.random.default_rng(8)
    for trial in range(80):
        shape = rand_shape(rng)
        c = rand_array(rng, broadcastable(rng, shape), np.bool_)
        x = rand_array(rng, broadcastable(rng, shape), DTYPES[int(rng.integers(0, 4))])
        y = rand_array(rng, shape, DTYPES[int(rng.integers(0, 4))])
        gx, gy = gn.to_device(x), gn.to_device(y)
        if trial % 3 == 1:
            x = gx = _scalars(rng)[int(rng.integers(0, 3))]
        same(np.where(gn.to_device(c), gx, gy), np.where(c, x, y),
             f"where({c.shape}, {np.shape(x)}, {y.dtype}{y.shape})")
    for trial in range(80):
        shape = list(rand_shape(rng, low=1))
        axis = int(rng.integers(-len(shape), len(shape)))
        parts = []
        for _ in range(int(rng.integers(1, 4))):
            shape[axis] = int(rng.integers(1, 4))
            parts.append(rand_array(rng, tuple(shape), DTYPES[trial % 4]))
        gparts = [gn.to_device(p) for p in parts]
        if trial % 2:  # views: concatenate reads through strides
            parts, gparts = [p[..., ::-1] for p in parts], [p[..., ::-1] for p in gparts]
        same(np.concatenate(gparts, axis=axis), np.concatenate(parts, axis=axis),
             f"concatenate({[p.shape for p in parts]}, axis={axis})")
        if len({p.shape for p in parts}) == 1:
            axis = int(rng.integers(-len(shape) - 1, len(shape) + 1))
            same(np.stack(gparts, axis=axis), np.stack(parts, axis=axis),
                 f"stack({[p.shape for p in parts]}, axis={axis})")


def check_matmul():
    rng = np.random.default_rng(9)
    for trial in range(100):
        m, k, n = (int(v) for v in rng.integers(1, 5, size=3))
        da, db = (DTYPES[int(i)] for i in rng.integers(0, 2, size=2))
        lead = rand_shape(rng, int(rng.integers(0, 3)))
        kind = trial % 5
        if kind == 0:  # (k,) @ (k, n)
            a = rand_array(rng, (k,), da)
        elif kind == 1:  # (m, k) @ (k,)
            a = rand_array(rng, (m, k), da)
        else:
            a = rand_array(rng, lead + (m, k), da)
        b = rand_array(rng, (k,) if kind == 1 else (k, n), db)
        ga, gb = gn.to_device(a), gn.to_device(b)
        if rng.random() < 0.5 and a.ndim >= 2:  # a transposed operand: the same values, other strides
            ga = gn.to_device(np.ascontiguousarray(np.swapaxes(a, -1, -2))).swapaxes(-1, -2)
        if rng.random() < 0.5 and b.ndim == 2:
            gb = gn.to_device(np.ascontiguousarray(b.T)).T
        case = f"{a.dtype}{a.shape} @ {b.dtype}{b.shape}"
        want = a @ b
        same(ga @ gb, want, case, 1e-5)
    a, b = rand_array(rng, (3, 4), np.float64), rand_array(rng, (4, 2), np.float64)
    out = gn.to_device(np.zeros((2, 3)))
    np.matmul(gn.to_device(a), gn.to_device(b), out=out.T)  # into a non-contiguous view
    same(out, (a @ b).T, "matmul(out=view)", 1e-12)


def check_matmul_ignores_what_its_output_held():
    """A product into an output that holds nan (as fresh GPU memory may) is still the product."""
    a = np.arange(6.0).reshape(2, 3)
    ga = gn.to_device(a)
    out = np.full((2, 2), np.nan, like=ga)
    same(np.matmul(ga, ga.T, out=out), a @ a.T, "matmul into a nan-filled output", 1e-12)


def check_astype():
    rng = np.random.default_rng(10)
    for trial in range(100):
        source, target = DTYPES[trial % 4], DTYPES[(trial // 4) % 4]
        x = rand_array(rng, rand_shape(rng), source)
        if source.kind == "f" and trial % 3 == 0:
            x = np.asarray(rng.uniform(-1, 1, size=x.shape), dtype=source)  # fractions, which bool must see
        g = gn.to_device(x)
        xv, gv = (x.T, g.T) if rng.random() < 0.5 else (x, g)
        same(gv.astype(target), xv.astype(target), f"{source}{xv.shape}.astype({target})")
        assert g.astype(source, copy=False) is g
    for value in (0.5, -0.25, 300.0, -1.0, 256, 0, np.nan):
        x = np.array([value, 1.0])
        same(gn.to_device(x).astype(bool), x.astype(bool), f"[{value}, 1.0].astype(bool)")


def check_inplace_ops():
    rng = np.random.default_rng(11)
    ops = [("+=", lambda a, b: a.__iadd__(b)), ("-=", lambda a, b: a.__isub__(b)),
           ("*=", lambda a, b: a.__imul__(b)), ("/=", lambda a, b: a.__itruediv__(b))]
    for trial in range(120):
        dtype = DTYPES[trial % 3]
        name, op = ops[trial % len(ops)]
        x = rand_array(rng, rand_shape(rng, low=1), dtype)
        key = rand_key(rng, x.shape)
        if trial % 2:
            other = _scalars(rng)[int(rng.integers(0, 8))]
        else:
            other = rand_array(rng, broadcastable(rng, x[key].shape), DTYPES[int(rng.integers(0, 4))])
        want = x.copy()
        if not isinstance(want[key], np.ndarray) or numpy_says(lambda: op(want[key], other)) is REFUSED:
            continue  # x[key] is a number, not a view; or NumPy refuses to cast
        g = gn.to_device(x)
        view = g[key]
        result = quiet(lambda: op(view, gn.to_device(other) if trial % 2 == 0 else other))
        assert result is view, f"{name} did not return its target"
        case = f"{dtype}{x.shape}[{key}] {name} {other!r}"
        same(g, want, case)
        g2, want2 = gn.to_device(x), x.copy()
        quiet(lambda: want2.__setitem__(key, op(want2[key], other)))
        gk = g2[key]
        g2[key] = quiet(lambda: op(gk, gn.to_device(other) if trial % 2 == 0 else other))
        same(g2, want2, "through __setitem__: " + case)
    # Like NumPy, an in-place op refuses to cast a float result into an int array.
    g = gn.to_device(np.arange(3))
    for op in (lambda: g.__iadd__(0.5), lambda: np.multiply(g, np.float64(2), out=g),
               lambda: g.__itruediv__(2)):
        try:
            op()
        except TypeError:
            pass
        else:
            raise AssertionError("an in-place float result went silently into an int array")
    same(g, np.arange(3), "int array after refused in-place ops")
    # An out= that is a view writes through to its base.
    x = rand_array(rng, (3, 4), np.float32)
    g, want = gn.to_device(x), x.copy()
    np.add(g[:, ::2], 1.0, out=g[:, ::2])
    np.multiply(g[::-1, 1], g[::-1, 3], out=g[::-1, 1])
    np.add(want[:, ::2], 1.0, out=want[:, ::2])
    np.multiply(want[::-1, 1], want[::-1, 3], out=want[::-1, 1])
    same(g, want, "ufunc(out=view)")
    assert math.isclose(float(g.sum()), float(want.sum()), rel_tol=1e-5)


if __name__ == "__main__":
    report(globals())
