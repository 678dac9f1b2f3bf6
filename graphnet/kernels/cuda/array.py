"""GPU arrays that the nodes' NumPy code runs on unchanged.

A ``CudaArray`` is a view (shape, element strides, offset) of a flat numba.cuda
device buffer. It speaks NumPy's dispatch protocols: operators, ufuncs
(``__array_ufunc__``) and array functions (``__array_function__``, including
``np.empty(..., like=x)``) all run as CUDA kernels (generic.py, matmul.py), so
a node written as ``np.exp(x - x.max(axis=-1, keepdims=True))`` computes on the
GPU when ``x`` lives there, with no ``if cuda:`` anywhere in the node.

Nothing moves between host and GPU behind the user's back: copies happen in
``to_device``/``to_host`` and for single numbers (``float(loss)``), and each is
counted in ``transfers``, which the tests read to prove that a training step
keeps its data on the GPU. ``np.asarray(gpu_array)``, or mixing a GPU array with
a host array in one operation, is an error that says so, not a silent copy.

Booleans live as uint8 on the device (kernels then never meet ``bool``
arithmetic); ``dtype`` still says bool.
"""
import math
import operator
from types import SimpleNamespace

import numpy as np
from numba import cuda

from . import THREADS, blocks, generic
from .generic import BINARY, NDIM, REDUCE, UNARY
from .matmul import matmul_strided

transfers = {"to_device": 0, "to_host": 0}  # copies between host and GPU, counted


class DeviceMixError(TypeError):
    """One operation was given a GPU array and a host array."""


def _storage(dtype):
    return np.dtype(np.uint8) if dtype == np.bool_ else dtype


def _contiguous(shape):
    steps, step = [], 1
    for n in reversed(shape):
        steps.append(step)
        step *= n
    return tuple(reversed(steps))


def _pad(values, fill):
    values = tuple(int(v) for v in values)
    return (fill,) * (NDIM - len(values)) + values


def _launch(kernel, n, *args):
    if n:
        kernel[blocks(n), THREADS](*args)


# --- making arrays --------------------------------------------------------------------
def empty(shape, dtype=np.float32):
    shape = (int(shape),) if np.ndim(shape) == 0 else tuple(int(n) for n in shape)
    if len(shape) > NDIM:
        raise ValueError(f"GPU arrays have at most {NDIM} axes, not {len(shape)}")
    dtype = np.dtype(dtype)
    size = math.prod(shape)
    return CudaArray(cuda.device_array(max(size, 1), _storage(dtype)), shape, dtype)


def full(shape, value, dtype=np.float32):
    out = empty(shape, dtype)
    out.fill(value)
    return out


def to_device(host, dtype=None):
    """A host array copied to the GPU (one counted transfer)."""
    if isinstance(host, CudaArray):
        return host if dtype is None else host.astype(dtype, copy=False)
    a = np.asarray(host, dtype=dtype, order="C")  # not ascontiguousarray: it makes 0-d arrays 1-d
    transfers["to_device"] += 1
    flat = a.reshape(-1).view(np.uint8) if a.dtype == np.bool_ else a.reshape(-1)
    return CudaArray(cuda.to_device(flat if flat.size else np.zeros(1, flat.dtype)), a.shape, a.dtype)


def to_host(a):
    """A GPU array copied back to a NumPy array (one counted transfer)."""
    if not isinstance(a, CudaArray):
        return np.asarray(a)
    a = a if a.is_contiguous else a.copy()
    transfers["to_host"] += 1
    flat = a.data[a.offset:a.offset + a.size].copy_to_host() if a.size else np.zeros(0, _storage(a.dtype))
    return flat.view(a.dtype).reshape(a.shape) if a.dtype == np.bool_ else flat.reshape(a.shape)


# --- operands -------------------------------------------------------------------------
def _scalar(x):
    """(value, dtype or weak Python type) for a scalar operand, else None."""
    if isinstance(x, (np.generic, np.ndarray)) and np.ndim(x) == 0:  # NumPy's: typed
        return np.asarray(x).item(), np.asarray(x).dtype
    if isinstance(x, bool):
        return x, np.dtype(np.bool_)
    if isinstance(x, (int, float)):  # Python's: weak, they take the array's type
        return x, float if isinstance(x, float) else int
    return None


def _operand(x, what):
    if isinstance(x, CudaArray):
        return x
    if _scalar(x) is None:
        shape = np.shape(x) if isinstance(x, np.ndarray) else type(x).__name__
        raise DeviceMixError(f"{what}: a GPU array met a host array of shape {shape}; put both on "
                             "the same device first (graphnet.to_device)")
    return x


def _typed(value, dtype):
    """A scalar as the kernel argument type for ``dtype``."""
    kind = np.dtype(dtype).kind
    if kind == "b":  # a bool is stored as one byte that must be 0 or 1: 2 and 0.5 are True
        return int(bool(value))
    # np.int64, not int: under the simulator a bool's uint8 byte minus a Python int wraps (NEP 50)
    return float(value) if kind == "f" else np.int64(value)


class CudaArray:
    """A strided view of a flat GPU buffer, driven by NumPy calls (see the module)."""

    __array_priority__ = 100
    __hash__ = None

    def __init__(self, data, shape, dtype, steps=None, offset=0, base=None):
        self.data, self.shape, self.dtype = data, tuple(shape), np.dtype(dtype)
        self.steps = _contiguous(self.shape) if steps is None else tuple(steps)  # element strides
        self.offset, self.base = offset, base

    # --- what NumPy code reads ---------------------------------------------------------
    device = "cuda"
    ndim = property(lambda self: len(self.shape))
    size = property(lambda self: math.prod(self.shape))
    itemsize = property(lambda self: self.dtype.itemsize)
    nbytes = property(lambda self: self.size * self.dtype.itemsize)
    strides = property(lambda self: tuple(s * self.dtype.itemsize for s in self.steps))

    @property
    def is_contiguous(self):
        return all(s == c for s, c, n in zip(self.steps, _contiguous(self.shape), self.shape) if n > 1)

    @property
    def flags(self):
        return SimpleNamespace(c_contiguous=self.is_contiguous, writeable=True, owndata=self.base is None)

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of a 0-d GPU array")
        return self.shape[0]

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __repr__(self):
        return f"CudaArray({np.array2string(to_host(self), separator=', ')}, dtype={self.dtype})"

    def __array__(self, dtype=None, copy=None):
        # As CuPy does: no silent copies. A node that mixed devices fails here, by name.
        raise DeviceMixError("a GPU array cannot turn into a NumPy array implicitly; copy it "
                             "with graphnet.to_host(x) (or x.get()) where a host array is wanted")

    def get(self):
        """The values, on the host (one counted transfer)."""
        return to_host(self)

    def item(self):
        if self.size != 1:
            raise ValueError(f"only a GPU array of one element converts to a scalar, not {self.shape}")
        return to_host(self).reshape(-1)[0].item()

    __float__ = lambda self: float(self.item())
    __int__ = lambda self: int(self.item())
    __bool__ = lambda self: bool(self.item())
    __index__ = lambda self: operator.index(self.item())

    def __format__(self, spec):
        return format(self.item(), spec) if self.size == 1 and spec else repr(self)

    def _view(self, shape, steps, offset):
        return CudaArray(self.data, shape, self.dtype, steps, offset, self if self.base is None else self.base)

    def _triple(self, shape=None):
        """(buffer, offset, padded strides) of self broadcast to ``shape``."""
        shape = self.shape if shape is None else shape
        steps = [0] * (len(shape) - self.ndim) + [
            0 if n == 1 and m != 1 else s for n, s, m in zip(self.shape, self.steps, shape[len(shape) - self.ndim:])]
        return self.data, self.offset, _pad(steps, 0)

    def device_view(self):
        """A numba device array of this shape, for the kernels with fixed ranks."""
        a = self if self.is_contiguous else self.copy()
        flat = a.data[a.offset:a.offset + max(a.size, 1)]
        return flat[:a.size].reshape(a.shape) if a.size else flat[:0].reshape(a.shape)

    # --- shape ---------------------------------------------------------------------------
    def reshape(self, *shape, order="C"):
        shape = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        shape = list(int(n) for n in shape)
        if -1 in shape:
            known = math.prod(n for n in shape if n != -1)
            shape[shape.index(-1)] = self.size // known if known else 0
        if math.prod(shape) != self.size:
            raise ValueError(f"cannot reshape a GPU array of size {self.size} into shape {tuple(shape)}")
        a = self if self.is_contiguous else self.copy()
        return a._view(tuple(shape), None, a.offset)

    def ravel(self, order="C"):
        return self.reshape(-1)

    def transpose(self, *axes):
        axes = axes[0] if len(axes) == 1 and isinstance(axes[0], (tuple, list)) else axes
        axes = tuple(range(self.ndim))[::-1] if not axes else tuple(a % self.ndim for a in axes)
        if sorted(axes) != list(range(self.ndim)):
            raise ValueError(f"axes {axes} do not permute the {self.ndim} axes of a GPU array")
        return self._view(tuple(self.shape[a] for a in axes), tuple(self.steps[a] for a in axes), self.offset)

    T = property(lambda self: self.transpose())

    def swapaxes(self, a, b):
        axes = list(range(self.ndim))
        axes[a], axes[b] = axes[b], axes[a]
        return self.transpose(axes)

    def broadcast_to(self, shape):
        shape = tuple(shape)
        np.broadcast_shapes(self.shape, shape)  # raises when they do not fit
        _, _, steps = self._triple(shape)
        return self._view(shape, steps[NDIM - len(shape):], self.offset)

    def __getitem__(self, key):
        key = key if isinstance(key, tuple) else (key,)
        if any(isinstance(k, (CudaArray, np.ndarray, list)) and np.ndim(k) > 0 for k in key):
            return self._take(key)
        if Ellipsis in key:
            at = key.index(Ellipsis)
            fill = self.ndim - (len(key) - 1 - sum(k is None for k in key))
            key = key[:at] + (slice(None),) * fill + key[at + 1:]
        shape, steps, offset, axis = [], [], self.offset, 0
        for k in key:
            if k is None:
                shape.append(1)
                steps.append(0)
                continue
            if axis >= self.ndim:
                raise IndexError(f"too many indices for a GPU array of shape {self.shape}")
            n, s = self.shape[axis], self.steps[axis]
            if isinstance(k, slice):
                start, stop, step = k.indices(n)
                shape.append(len(range(start, stop, step)))
                steps.append(s * step)
                offset += start * s
            else:
                i = operator.index(k)
                if not -n <= i < n:
                    raise IndexError(f"index {i} is out of bounds for axis {axis} with size {n}")
                offset += (i % n) * s
            axis += 1
        shape += self.shape[axis:]
        steps += self.steps[axis:]
        return self._view(tuple(shape), tuple(steps), offset)

    def _take(self, key):
        """a[idx] for integer indices on the first axis (the batch gather)."""
        idx, rest = key[0], key[1:]
        if any(k != slice(None) for k in rest) or self.ndim == 0:
            raise NotImplementedError("GPU arrays take integer indices on the first axis only")
        idx = to_device(np.asarray(idx)) if not isinstance(idx, CudaArray) else idx
        if idx.dtype.kind not in "iu":
            raise IndexError(f"GPU arrays are indexed by integers, not {idx.dtype} (boolean masks are "
                             "not supported: use np.where)")
        idx = idx if idx.is_contiguous else idx.copy()
        out = empty(idx.shape + self.shape[1:], self.dtype)
        row = math.prod(self.shape[1:])
        _launch(generic.take, out.size, self.data, self.offset, self.steps[0], self.shape[0],
                _pad(self.shape[1:], 1), _pad(self.steps[1:], 0), idx.data[idx.offset:], out.data,
                max(row, 1), out.size)
        return out

    def __setitem__(self, key, value):
        target = self[key]
        if target.data is not self.data:
            raise NotImplementedError("GPU arrays assign through slices and integers only")
        scalar = _scalar(value)
        if scalar is not None:
            target.fill(scalar[0])
        else:
            _unary("copy", _operand(value, "assignment").broadcast_to(target.shape), out=target)

    def fill(self, value):
        _unary("fill", self, out=self, scalar=value)

    # --- copies and casts ------------------------------------------------------------
    def copy(self, order="C"):
        return _unary("copy", self)

    def astype(self, dtype, copy=True, **_):
        dtype = np.dtype(dtype)
        if dtype == self.dtype and not copy:
            return self
        return _unary("copy", self, dtype=dtype)

    # --- arithmetic ---------------------------------------------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, out=None, dtype=None, **kwargs):
        if kwargs.get("where", True) is not True or kwargs.get("casting", "same_kind") != "same_kind":
            return NotImplemented
        out = out[0] if isinstance(out, tuple) else out
        name = {"divide": "true_divide", "positive": "copy", "conjugate": "copy"}.get(ufunc.__name__, ufunc.__name__)
        if method == "__call__":
            if name == "matmul":
                return _matmul(*inputs, out=out)
            if ufunc.nin == 1 and name in UNARY:
                return _unary(name, inputs[0], out=out, dtype=dtype, ufunc=ufunc)
            if ufunc.nin == 2 and name in BINARY:
                return _binary(name, inputs[0], inputs[1], out=out, dtype=dtype, ufunc=ufunc)
        if method == "reduce":
            op = {"add": "sum", "maximum": "max", "minimum": "min", "multiply": "prod",
                  "logical_and": "all", "logical_or": "any"}.get(name)
            if op:
                return _reduce(op, inputs[0], axis=kwargs.get("axis", 0), keepdims=kwargs.get("keepdims", False),
                               dtype=dtype, out=out)
        return NotImplemented

    def __array_function__(self, func, types, args, kwargs):
        handler = _FUNCTIONS.get(func.__name__)
        if handler is None:
            raise NotImplementedError(f"np.{func.__name__} has no GPU version in graphnet yet; "
                                      "bring the array back with .get() to use it on the host")
        return handler(*args, **kwargs)

    def sum(self, axis=None, dtype=None, out=None, keepdims=False):
        return _reduce("sum", self, axis, keepdims, dtype, out)

    def prod(self, axis=None, dtype=None, out=None, keepdims=False):
        return _reduce("prod", self, axis, keepdims, dtype, out)

    def max(self, axis=None, out=None, keepdims=False):
        return _reduce("max", self, axis, keepdims, None, out)

    def min(self, axis=None, out=None, keepdims=False):
        return _reduce("min", self, axis, keepdims, None, out)

    def all(self, axis=None, out=None, keepdims=False):
        return _reduce("all", self, axis, keepdims, None, out)

    def any(self, axis=None, out=None, keepdims=False):
        return _reduce("any", self, axis, keepdims, None, out)

    def argmax(self, axis=None, out=None, keepdims=False):
        return _arg("argmax", self, axis, keepdims, out)

    def argmin(self, axis=None, out=None, keepdims=False):
        return _arg("argmin", self, axis, keepdims, out)

    def mean(self, axis=None, dtype=None, out=None, keepdims=False):
        total = _reduce("sum", self, axis, keepdims, dtype or (self.dtype if self.dtype.kind == "f" else np.float64))
        count = self.size // max(total.size, 1) if self.size else 0
        return np.true_divide(total, count, out=out) if out is not None else total / count

    def clip(self, low=None, high=None, out=None):
        result = self if low is None else np.maximum(self, low, out=out)
        return result if high is None else np.minimum(result, high, out=out)

    def __matmul__(self, other):
        return _matmul(self, other)

    def __rmatmul__(self, other):
        return _matmul(other, self)


def _binary_method(name, reflected=False, inplace=False):
    if inplace:
        return lambda self, other: _binary(name, self, other, out=self)
    if reflected:
        return lambda self, other: _binary(name, other, self)
    return lambda self, other: _binary(name, self, other)


for _dunder, _name in (("add", "add"), ("sub", "subtract"), ("mul", "multiply"), ("truediv", "true_divide"),
                       ("pow", "power")):
    setattr(CudaArray, f"__{_dunder}__", _binary_method(_name))
    setattr(CudaArray, f"__r{_dunder}__", _binary_method(_name, reflected=True))
    setattr(CudaArray, f"__i{_dunder}__", _binary_method(_name, inplace=True))
for _dunder, _name in (("gt", "greater"), ("ge", "greater_equal"), ("lt", "less"), ("le", "less_equal"),
                       ("eq", "equal"), ("ne", "not_equal")):
    setattr(CudaArray, f"__{_dunder}__", _binary_method(_name))
for _dunder, _name in (("and", "logical_and"), ("or", "logical_or")):
    # & and | on booleans (masks); on integers NumPy means bits, which this does not do
    setattr(CudaArray, f"__{_dunder}__", _binary_method(_name))
    setattr(CudaArray, f"__r{_dunder}__", _binary_method(_name, reflected=True))
CudaArray.__neg__ = lambda self: _unary("negative", self)
CudaArray.__pos__ = lambda self: self.copy()
CudaArray.__abs__ = lambda self: _unary("absolute", self)
CudaArray.__invert__ = lambda self: _unary("logical_not", self)


# --- the operations -------------------------------------------------------------------
def _result(out, shape, dtype, what):
    if out is None:
        return empty(shape, dtype)
    if not isinstance(out, CudaArray):
        raise DeviceMixError(f"{what}: the output must be a GPU array, got {type(out).__name__}")
    if out.shape != tuple(shape):
        raise ValueError(f"{what}: output of shape {out.shape} for a result of shape {tuple(shape)}")
    return out


def _unary(name, a, out=None, dtype=None, scalar=0, ufunc=None):
    a = _operand(a, f"np.{name}")
    if dtype is None:
        dtype = out.dtype if out is not None else (
            a.dtype if ufunc is None else np.dtype(ufunc.resolve_dtypes((a.dtype, None))[-1]))
    result = _result(out, a.shape, dtype, f"np.{name}")
    if name == "copy" and result.dtype == np.bool_ and a.dtype != np.bool_:
        return _binary("not_equal", a, 0, out=result)  # a cast to bool is x != 0, not a byte copy
    data, offset, steps = result._triple()
    _launch(generic.unary, a.size, UNARY[name], *a._triple(a.shape), _typed(scalar, a.dtype),
            data, offset, steps, _pad(a.shape, 1), a.size)
    return result


def _binary(name, a, b, out=None, dtype=None, ufunc=None):
    what = f"np.{name}"
    a, b = _operand(a, what), _operand(b, what)
    ufunc = ufunc or getattr(np, name)
    sa, sb = _scalar(a), _scalar(b)
    if sa is not None and sb is not None:
        return ufunc(sa[0], sb[0])
    types = (a.dtype if sa is None else sa[1], b.dtype if sb is None else sb[1])
    if dtype is None:
        dtype = np.dtype(ufunc.resolve_dtypes(types + (None,))[-1])
    if out is not None and not np.can_cast(dtype, out.dtype, "same_kind"):  # as NumPy: no silent int += 0.5
        raise TypeError(f"{what}: cannot cast the {np.dtype(dtype)} result to the output's {out.dtype} "
                        "with casting rule 'same_kind'")
    if name == "add" and np.dtype(dtype) == np.bool_:
        name = "logical_or"  # NumPy's True + True is True; the byte sum would be 2
    shape = np.broadcast_shapes(np.shape(a) if sa is None else (), np.shape(b) if sb is None else ())
    result = _result(out, shape, dtype, what)
    n, padded, (data, offset, steps) = math.prod(shape), _pad(shape, 1), result._triple()
    if sa is None and sb is None:
        _launch(generic.binary, n, BINARY[name], *a._triple(shape), *b._triple(shape), data, offset, steps,
                padded, n)
    else:
        array, (value, _) = (a, sb) if sb is not None else (b, sa)
        _launch(generic.binary_scalar, n, BINARY[name], *array._triple(shape),
                _typed(value, np.result_type(*types)), sa is not None, data, offset, steps, padded, n)
    return result


def _axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
    for a in axes:
        if not -ndim <= a < ndim:
            raise np.exceptions.AxisError(a, ndim)
    return tuple(sorted(a % ndim for a in axes))


def _reduce(op, a, axis=None, keepdims=False, dtype=None, out=None):
    a = _operand(a, f"np.{op}")
    axes = _axes(axis, a.ndim)
    if op in ("argmax", "argmin"):
        dtype = np.int64
    elif op in ("all", "any"):
        dtype = np.bool_
    elif dtype is None:
        dtype = a.dtype if op in ("max", "min") or a.dtype.kind == "f" else np.dtype(np.int64)
    kept = tuple(1 if d in axes else n for d, n in enumerate(a.shape))
    reduced = tuple(n if d in axes else 1 for d, n in enumerate(a.shape))
    m = math.prod(reduced)
    if m == 0 and op not in ("sum", "prod", "all", "any"):
        raise ValueError(f"zero-size GPU array to reduction operation {op} which has no identity")
    result = empty(kept, dtype)
    _launch(generic.reduce, result.size, REDUCE[op], a.data, a.offset, _pad(kept, 1),
            _pad([0 if d in axes else s for d, s in enumerate(a.steps)], 0), _pad(reduced, 1),
            _pad([s if d in axes else 0 for d, s in enumerate(a.steps)], 0), m, result.data, result.size)
    if not keepdims:
        result = result.reshape(tuple(n for d, n in enumerate(a.shape) if d not in axes))
    if out is not None:
        _unary("copy", result, out=_result(out, result.shape, out.dtype, f"np.{op}"))
        return out
    return result


def _arg(op, a, axis, keepdims, out):
    """argmax/argmin: with axis=None, over the flat array, keepdims giving (1,) * ndim as NumPy does."""
    if axis is not None:
        return _reduce(op, a, axis, keepdims, None, out)
    result = _reduce(op, a.reshape(-1), 0, False, None, None)
    result = result.reshape((1,) * a.ndim) if keepdims else result
    if out is not None:
        _unary("copy", result, out=_result(out, result.shape, out.dtype, f"np.{op}"))
        return out
    return result


def _matmul(a, b, out=None):
    a, b = _operand(a, "matmul"), _operand(b, "matmul")
    if not isinstance(a, CudaArray) or not isinstance(b, CudaArray):
        raise ValueError("matmul: scalars cannot be matrix-multiplied")
    if a.ndim == 0 or b.ndim == 0 or b.ndim > 2:
        raise NotImplementedError(f"matmul on the GPU takes (..., k) @ (k, n) or (k,), got {a.shape} @ {b.shape}")
    if a.shape[-1] != b.shape[0]:
        raise ValueError(f"matmul: shapes {a.shape} and {b.shape} do not line up ({a.shape[-1]} != {b.shape[0]})")
    dtype = np.result_type(a.dtype, b.dtype)
    if dtype.kind != "f":
        raise NotImplementedError(f"matmul on the GPU is for floats, not {dtype}")
    a, b = a.astype(dtype, copy=False), b.astype(dtype, copy=False)
    lead, K = a.shape[:-1], a.shape[-1]
    a2 = a.reshape(-1, K) if a.ndim != 2 else a
    b2 = b.reshape(K, 1) if b.ndim == 1 else b
    shape = lead + b.shape[1:]
    M, N = a2.shape[0], b2.shape[1]
    result = _result(out, shape, dtype, "matmul")
    target = result if result.is_contiguous else empty(shape, dtype)
    matmul_strided(a2.data, a2.offset, *a2.steps, b2.data, b2.offset, *b2.steps,
                   target.data, target.offset, N, 1, M, K, N)
    if target is not result:
        _unary("copy", target, out=result)
    return result


# --- the array functions NumPy dispatches to us ------------------------------------------
def _creation(fill):
    def make(shape, dtype=float, order="C", **_):
        return empty(shape, dtype) if fill is None else full(shape, fill, dtype)
    return make


def _like(fill):
    def make(a, dtype=None, order="K", subok=True, shape=None, **_):
        return _creation(fill)(a.shape if shape is None else shape, dtype or a.dtype)
    return make


def _eye(N, M, k, dtype):
    out = full((N, M), 0, dtype)
    length = min(N - max(-k, 0), M - max(k, 0))
    if length > 0:  # the diagonal is a strided view of the flat matrix
        out._view((length,), (M + 1,), k if k >= 0 else -k * M).fill(1)
    return out


def _asarray(a, dtype=None, order=None, copy=None, **_):
    if isinstance(a, CudaArray):
        return a.astype(dtype or a.dtype, copy=bool(copy))
    return to_device(np.asarray(a, dtype=dtype))


def _ascontiguous(a, dtype=None, **_):
    a = _asarray(a, dtype)
    return a if a.is_contiguous else a.copy()


def _where(condition, x, y):
    c, x, y = (_operand(v, "np.where") for v in (condition, x, y))
    dtype = _result_type(x, y)  # Python numbers are weak here too
    x, y = (v if isinstance(v, CudaArray) else full((), v, dtype) for v in (x, y))
    shape = np.broadcast_shapes(np.shape(c), x.shape, y.shape)
    c = c if isinstance(c, CudaArray) else full((), bool(c), np.bool_)
    out = empty(shape, dtype)
    x, y = x.astype(out.dtype, copy=False), y.astype(out.dtype, copy=False)
    _launch(generic.where, out.size, *c._triple(shape), *x._triple(shape), *y._triple(shape), out.data,
            _pad(shape, 1), out.size)
    return out


def _concatenate(arrays, axis=0, out=None, dtype=None, **_):
    arrays = [_operand(a, "np.concatenate") for a in arrays]
    axis = axis % arrays[0].ndim
    shape = list(arrays[0].shape)
    shape[axis] = sum(a.shape[axis] for a in arrays)
    result = _result(out, tuple(shape), dtype or np.result_type(*[a.dtype for a in arrays]), "np.concatenate")
    at = 0
    for a in arrays:
        index = (slice(None),) * axis + (slice(at, at + a.shape[axis]),)
        _unary("copy", a, out=result[index])
        at += a.shape[axis]
    return result


def _stack(arrays, axis=0, out=None, **_):
    arrays = [_operand(a, "np.stack") for a in arrays]
    axis = axis % (arrays[0].ndim + 1)
    return _concatenate([a[(slice(None),) * axis + (None,)] for a in arrays], axis, out)


def _expand_dims(a, axis):
    ndim = a.ndim + (1 if np.ndim(axis) == 0 else len(axis))
    new = _axes(axis, ndim)
    shape, steps, rest = [], [], iter(zip(a.shape, a.steps))
    for d in range(ndim):
        n, s = (1, 0) if d in new else next(rest)
        shape.append(n)
        steps.append(s)
    return a._view(tuple(shape), tuple(steps), a.offset)


def _result_type(*things):
    return np.result_type(*[t.dtype if isinstance(t, CudaArray) else t for t in things])


def _dot(a, b, out=None):
    return _matmul(a, b, out) if np.ndim(a) and np.ndim(b) else np.multiply(a, b, out=out)


def _method(name):
    return lambda a, *args, **kwargs: getattr(_operand(a, f"np.{name}"), name)(*args, **kwargs)


_FUNCTIONS = {
    "empty": _creation(None), "zeros": _creation(0), "ones": _creation(1),
    "full": lambda shape, fill_value, dtype=None, **_: full(shape, fill_value, dtype or np.result_type(fill_value)),
    "eye": lambda N, M=None, k=0, dtype=float, **_: _eye(N, N if M is None else M, k, dtype),
    "empty_like": _like(None), "zeros_like": _like(0), "ones_like": _like(1),
    "full_like": lambda a, fill_value, dtype=None, **_: full(a.shape, fill_value, dtype or a.dtype),
    "asarray": _asarray, "asanyarray": _asarray, "ascontiguousarray": _ascontiguous, "array": lambda a, dtype=None, copy=True, **_: _asarray(a, dtype, copy=copy),
    "copy": lambda a, **_: a.copy(),
    "where": _where, "concatenate": _concatenate, "stack": _stack, "result_type": _result_type,
    "shape": lambda a: a.shape, "ndim": lambda a: a.ndim, "size": lambda a, axis=None: a.size if axis is None
    else a.shape[axis],
    "reshape": lambda a, shape=None, order="C", **kw: a.reshape(kw.get("newshape", shape)),
    "ravel": lambda a, order="C": a.ravel(), "transpose": lambda a, axes=None: a.transpose(axes or ()),
    "swapaxes": lambda a, x, y: a.swapaxes(x, y), "broadcast_to": lambda a, shape, **_: a.broadcast_to(shape),
    "expand_dims": _expand_dims,
    "squeeze": lambda a, axis=None: a.reshape([n for d, n in enumerate(a.shape) if n != 1 or (
        axis is not None and d not in _axes(axis, a.ndim))]),
    "sum": _method("sum"), "mean": _method("mean"), "max": _method("max"), "amax": _method("max"),
    "min": _method("min"), "amin": _method("min"), "argmax": _method("argmax"), "argmin": _method("argmin"),
    "all": _method("all"), "any": _method("any"), "prod": _method("prod"), "clip": _method("clip"),
    "dot": _dot, "copyto": lambda dst, src, **_: dst.__setitem__(Ellipsis, src),
}
