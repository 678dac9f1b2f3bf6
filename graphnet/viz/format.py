"""Values as short text a projector can show: a number, a tiny vector, or a summary."""
import numpy as np

from ..kernels.dispatch import to_host

# Arrays up to this many elements (and at most 1-D) are written out in full.
SHOW_ALL = 4


def number(x):
    """A scalar in at most four significant digits: 4, -12, 0.1235, 1.5e-07."""
    x = float(x)
    if x == 0:
        return "0"  # not "-0": a signed zero only confuses a lecture
    return f"{x:.4g}"


def shape_text(value, batch=0):
    """'(32, 10)'; with ``batch=None``, the first axis reads None: '(None, 10)'."""
    shape = np.shape(value)
    if shape == ():
        return "scalar"
    dims = ["None" if k == 0 and batch is None else str(n) for k, n in enumerate(shape)]
    return "(" + ", ".join(dims) + (",)" if len(dims) == 1 else ")")


def is_scalar(value):
    return value is not None and np.size(value) == 1


def summary(value, unknown="?"):
    """One or two short lines for ``value``; ``unknown`` when it is not known (None)."""
    if value is None:
        return unknown
    arr = to_host(value)  # a value on a GPU comes back to be looked at
    if arr.size == 1:
        return number(arr.reshape(()))
    if arr.size == 0:
        return "empty"
    if arr.ndim == 1 and arr.size <= SHOW_ALL:
        return "[" + " ".join(number(v) for v in arr) + "]"
    if arr.dtype.kind == "b":
        return f"{int(arr.sum())} of {arr.size} true"
    finite = arr[np.isfinite(arr)] if arr.dtype.kind == "f" else arr
    if finite.size == 0:
        return "no finite values"
    lo, hi = finite.min(), finite.max()
    if lo == hi and finite.size == arr.size:
        return f"all {number(lo)}"
    text = f"min {number(lo)}  mean {number(finite.mean())}  max {number(hi)}"
    if finite.size < arr.size:
        text += f"  ({arr.size - finite.size} not finite)"
    return text


def magnitude(grad):
    """The mean absolute value: the single number a gradient-flow view colours by."""
    if grad is None:
        return None
    arr = np.abs(to_host(grad).astype(float))
    return float(arr.mean()) if arr.size else None


def heat_grid(value, max_side=8):
    """``value`` as at most ``max_side`` x ``max_side`` block means, for a tiny heatmap.

    Vectors become one row; leading axes of higher-rank arrays are folded into rows.
    """
    arr = to_host(value).astype(float)
    if arr.ndim == 0:
        arr = arr.reshape(1, 1)
    elif arr.ndim == 1:
        arr = arr.reshape(1, -1)
    elif arr.ndim > 2:
        arr = arr.reshape(-1, arr.shape[-1])
    return _block_mean(_block_mean(arr, max_side, axis=0), max_side, axis=1)


def _block_mean(arr, n, axis):
    size = arr.shape[axis]
    if size <= n:
        return arr
    edges = np.linspace(0, size, n + 1).astype(int)
    return np.stack([np.take(arr, range(lo, hi), axis=axis).mean(axis=axis)
                     for lo, hi in zip(edges[:-1], edges[1:])], axis=axis)
