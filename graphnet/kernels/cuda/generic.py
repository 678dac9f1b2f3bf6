"""The kernels behind GPU arrays' NumPy arithmetic (see array.py).

Every operand arrives as a flat device buffer, an offset and element strides,
with every shape padded to ``NDIM`` axes: one compiled kernel then serves any
rank, any view (transposes, slices, broadcasts are strides of 0) and, through
the integer ``op``, a whole family of operations. One thread per output
element, grid-stride, so one to four blocks cover any array in the simulator.
"""
import math

from numba import cuda

NDIM = 6

# op codes, shared with array.py
UNARY = {"copy": 0, "negative": 1, "exp": 2, "log": 3, "tanh": 4, "sqrt": 5, "absolute": 6,
         "square": 7, "sign": 8, "log1p": 9, "fill": 10, "isfinite": 11, "logical_not": 12,
         "rint": 13, "reciprocal": 14, "expm1": 15, "floor": 16, "erf": 17}
BINARY = {"add": 0, "subtract": 1, "multiply": 2, "true_divide": 3, "power": 4, "maximum": 5,
          "minimum": 6, "greater": 7, "greater_equal": 8, "less": 9, "less_equal": 10, "equal": 11,
          "not_equal": 12, "logical_and": 13, "logical_or": 14}
REDUCE = {"sum": 0, "max": 1, "min": 2, "argmax": 3, "argmin": 4, "all": 5, "any": 6, "prod": 7}


@cuda.jit(device=True)
def _offset(i, shape, strides):
    """Where the i-th element (C order over ``shape``) lies, by ``strides``."""
    off = 0
    for d in range(NDIM - 1, -1, -1):
        n = shape[d]
        off += (i % n) * strides[d]
        i //= n
    return off


@cuda.jit(device=True)
def _unary_op(op, x, s):
    if op == 0:
        return x
    if op == 1:
        return -x
    if op == 2:
        return math.exp(x) if x < 709 else math.inf  # the simulator's math.exp raises on overflow
    if op == 3:
        return math.log(x) if x > 0 else (-math.inf if x == 0 else math.nan)
    if op == 4:
        return math.tanh(x)
    if op == 5:
        return math.sqrt(x) if x >= 0 else math.nan
    if op == 6:
        return abs(x)
    if op == 7:
        return x * x
    if op == 8:
        return 1 if x > 0 else (-1 if x < 0 else 0)
    if op == 9:
        return math.log1p(x)
    if op == 10:
        return s
    if op == 11:
        return 1 if (x - x) == 0 else 0  # inf - inf and nan - nan are nan
    if op == 12:
        return 0 if x else 1
    if op == 13:
        return math.floor(x + 0.5) if (x - math.floor(x)) != 0.5 else 2 * math.floor((x + 1) / 2)
    if op == 14:
        return 1 / x
    if op == 15:
        return math.expm1(x)
    if op == 16:
        return math.floor(x)
    return math.erf(x)


@cuda.jit(device=True)
def _binary_op(op, x, y):
    if op == 0:
        return x + y
    if op == 1:
        return x - y
    if op == 2:
        return x * y
    if op == 3:
        return x / y if y != 0 else (math.nan if x == 0 or x != x else math.copysign(math.inf, x) * math.copysign(1, y))
    if op == 4:
        return x ** y
    if op == 5:
        return x if x >= y or x != x else y
    if op == 6:
        return x if x <= y or x != x else y
    if op == 7:
        return 1 if x > y else 0
    if op == 8:
        return 1 if x >= y else 0
    if op == 9:
        return 1 if x < y else 0
    if op == 10:
        return 1 if x <= y else 0
    if op == 11:
        return 1 if x == y else 0
    if op == 12:
        return 1 if x != y else 0
    if op == 13:
        return 1 if x and y else 0
    return 1 if x or y else 0


@cuda.jit
def unary(op, a, ao, astr, s, out, oo, ostr, shape, n):
    for i in range(cuda.grid(1), n, cuda.gridsize(1)):
        out[oo + _offset(i, shape, ostr)] = _unary_op(op, a[ao + _offset(i, shape, astr)], s)


@cuda.jit
def binary(op, a, ao, astr, b, bo, bstr, out, oo, ostr, shape, n):
    for i in range(cuda.grid(1), n, cuda.gridsize(1)):
        x, y = a[ao + _offset(i, shape, astr)], b[bo + _offset(i, shape, bstr)]
        out[oo + _offset(i, shape, ostr)] = _binary_op(op, x, y)


@cuda.jit
def binary_scalar(op, a, ao, astr, s, scalar_first, out, oo, ostr, shape, n):
    """``a op s`` (or ``s op a``): scalars travel as kernel arguments, never as copies."""
    for i in range(cuda.grid(1), n, cuda.gridsize(1)):
        x = a[ao + _offset(i, shape, astr)]
        r = _binary_op(op, s, x) if scalar_first else _binary_op(op, x, s)
        out[oo + _offset(i, shape, ostr)] = r


@cuda.jit
def where(c, co, cstr, a, ao, astr, b, bo, bstr, out, shape, n):
    for i in range(cuda.grid(1), n, cuda.gridsize(1)):
        if c[co + _offset(i, shape, cstr)]:
            out[i] = a[ao + _offset(i, shape, astr)]
        else:
            out[i] = b[bo + _offset(i, shape, bstr)]


@cuda.jit
def reduce(op, a, ao, kept_shape, kept_str, red_shape, red_str, m, out, n):
    """One thread per output element; it walks the ``m`` reduced elements."""
    for i in range(cuda.grid(1), n, cuda.gridsize(1)):
        base = ao + _offset(i, kept_shape, kept_str)
        acc = 0.0 if op == 0 or op == 6 else (1.0 if op == 5 or op == 7 else a[base] * 1.0)
        at = 0
        for j in range(m):
            v = a[base + _offset(j, red_shape, red_str)]
            if op == 0:
                acc += v
            elif op == 7:
                acc *= v
            elif op == 1 or op == 3:
                if (v > acc or v != v) and acc == acc:  # the first nan wins, as in NumPy
                    acc, at = v, j
            elif op == 2 or op == 4:
                if (v < acc or v != v) and acc == acc:
                    acc, at = v, j
            elif op == 5 and not v:
                acc = 0.0
            elif op == 6 and v:
                acc = 1.0
        out[i] = at if (op == 3 or op == 4) else acc


@cuda.jit
def take(a, ao, s0, rows, rest_shape, rest_str, idx, out, row_size, n):
    """out[r, ...] = a[idx[r], ...]; an index outside the rows gives nan (no host check)."""
    for i in range(cuda.grid(1), n, cuda.gridsize(1)):
        r, k = i // row_size, i % row_size
        j = idx[r]
        if j < 0:
            j += rows
        if 0 <= j < rows:
            out[i] = a[ao + j * s0 + _offset(k, rest_shape, rest_str)]
        else:
            out[i] = math.nan
