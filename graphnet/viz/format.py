"""Values as short text a projector can show: a number, a tiny vector, a summary,
or a small grid of numbers rounded the way a teacher writes them on the board."""
import math
from dataclasses import dataclass

import numpy as np

from ..kernels.dispatch import to_host

# Arrays up to this many elements (and at most 1-D) are written out in full.
SHOW_ALL = 4
# Rounding noise: within this many machine epsilons of the array's largest value.
NOISE_EPS = 8
# Largest magnitudes outside [GRID_SMALL, GRID_LARGE) are written with a power of ten.
GRID_SMALL, GRID_LARGE = 1e-3, 1e5
_POWER = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def number(x):
    """A scalar in at most four significant digits: 4, -12, 0.1235, 1.5e-07."""
    x = float(x)
    if x == 0:
        return "0"  # not "-0": a signed zero only confuses a lecture
    return f"{x:.4g}"


def noise_floor(arr):
    """The magnitude below which elements of the float array ``arr`` are rounding
    noise: a few epsilons of its dtype times its largest finite magnitude (a row of
    softmax gradients sums to 1e-17, not 0). 0 for integer or all-zero arrays."""
    arr = to_host(arr)
    if arr.dtype.kind not in "fc":
        return 0.0
    finite = np.abs(arr[np.isfinite(arr)])
    if finite.size == 0:
        return 0.0
    return float(NOISE_EPS * np.finfo(arr.dtype).eps * finite.max())


def _denoised(x, floor):
    """``x`` as a float, 0 when its magnitude is below ``floor``."""
    x = float(x)
    return 0.0 if abs(x) < floor else x


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
    floor = noise_floor(arr)
    if arr.ndim == 1 and arr.size <= SHOW_ALL:
        return "[" + " ".join(number(_denoised(v, floor)) for v in arr) + "]"
    if arr.dtype.kind == "b":
        return f"{int(arr.sum())} of {arr.size} true"
    finite = arr[np.isfinite(arr)] if arr.dtype.kind == "f" else arr
    if finite.size == 0:
        return "no finite values"
    lo, hi = finite.min(), finite.max()
    if lo == hi and finite.size == arr.size:
        return f"all {number(lo)}"
    # A mean adds n noisy values: its own noise grows like sqrt(n).
    mean = _denoised(finite.mean(), floor * math.sqrt(finite.size))
    text = (f"min {number(_denoised(lo, floor))}  mean {number(mean)}  "
            f"max {number(_denoised(hi, floor))}")
    if finite.size < arr.size:
        text += f"  ({arr.size - finite.size} not finite)"
    return text


def value_range(value):
    """(lo, hi) of the finite values, rounding noise read as 0: a heatmap's scale.
    None for no value, or one without finite numbers."""
    if value is None:
        return None
    arr = to_host(value)
    if arr.dtype.kind not in "biuf":
        return None
    finite = arr[np.isfinite(arr)] if arr.dtype.kind == "f" else arr
    if finite.size == 0:
        return None
    floor = noise_floor(arr)
    return _denoised(finite.min(), floor), _denoised(finite.max(), floor)


# --- number grids -----------------------------------------------------------------

@dataclass(frozen=True)
class Grid:
    """A small array as rows of text entries sharing one rounding; ``factor``
    ('×10⁻⁵') multiplies every entry, or is None."""

    rows: tuple[tuple[str, ...], ...]
    factor: str | None = None


def number_grid(value, max_rows=6, max_cols=6):
    """``value`` as a Grid of its numbers, or None when it is not a small matrix
    (no value, a scalar, more than two axes, or over ``max_rows`` x ``max_cols``;
    a vector is one row).

    One rounding for all entries, from the largest magnitude m: three digits
    for m >= 1 (12.3, 512), two significant ones below (0.87, -0.05, 0.012).
    Exact zeros and rounding noise read 0; integers and whole-valued floats
    read as integers; m < 1e-3 or m >= 1e5 is written with a common power of
    ten in ``factor`` (entries 3.14 and factor '×10⁻⁵').
    """
    if value is None:
        return None
    arr = to_host(value)
    if arr.ndim == 1:
        arr = arr.reshape(1, -1)
    if arr.ndim != 2 or arr.size == 0 or arr.shape[0] > max_rows or arr.shape[1] > max_cols:
        return None
    if arr.dtype.kind in "biu":
        return Grid(tuple(tuple(str(int(v)) for v in row) for row in arr))
    floor = noise_floor(arr)
    arr = arr.astype(float)
    finite = np.isfinite(arr)
    shown = np.where(finite & (np.abs(arr) >= floor), arr, 0.0)  # noise and non-finite: 0
    m = float(np.abs(shown).max())
    factor, decimals = None, 0
    whole = m < GRID_LARGE and np.all(shown == np.round(shown))
    if not whole:
        power = math.floor(math.log10(m))
        if m < GRID_SMALL or m >= GRID_LARGE:  # scaled into [1, 10): two decimals
            shown, factor = shown / 10.0 ** power, "×10" + str(power).translate(_POWER)
            power = 0
        # Below 1 the leading '0.' already takes room: one significant digit fewer.
        decimals = max(0, 2 - power - (power < 0))
    rows = tuple(tuple(_entry(v, s, decimals) for v, s in zip(*pair)) for pair in zip(arr, shown))
    return Grid(rows, factor)


def _entry(raw, shown, decimals):
    """One grid entry: ``shown`` with ``decimals`` decimals; non-finite ``raw`` by name."""
    if not math.isfinite(raw):
        return "nan" if math.isnan(raw) else "inf" if raw > 0 else "-inf"
    if shown == 0:
        return "0"
    text = f"{shown:.{decimals}f}"
    return text.lstrip("-") if float(text) == 0 else text  # never -0.00


def grid_chars(grid):
    """The length of the grid's longest entry, to size its cells."""
    return max(len(e) for row in grid.rows for e in row)


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
