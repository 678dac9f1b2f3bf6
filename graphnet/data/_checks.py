"""Input checks shared by graphnet.data.

Every message starts with the name of the public function the user called,
so a mistake is reported where it was made, e.g.
``window_series: the series has 5 steps (shape (5,)), too short for time_steps=5 ...``.
"""
import numbers

import numpy as np

from .. import random as _random


def rng(seed):
    """A NumPy Generator: a fresh one from `seed`, or graphnet's own when None.

    With ``seed=None`` the randomness follows ``graphnet.random.set_seed``, so
    one call at the top of a notebook makes everything repeatable.
    """
    if seed is None:
        return _random.generator()
    return np.random.default_rng(seed)


def array(fn, name, x):
    """`x` as a NumPy array, or a ValueError naming `fn` and `name`."""
    try:
        return np.asarray(x)
    except ValueError as e:  # ragged lists such as [[1, 2], [3]]
        raise ValueError(f"{fn}: {name} is not a rectangular array ({e})") from None


def _first(mask):
    """'3 of 40 values, the first at [2, 1]' for the True entries of `mask`."""
    return (f"{int(mask.sum())} of {mask.size} values, the first at "
            f"[{', '.join(str(int(i)) for i in np.argwhere(mask)[0])}]")


def no_missing(fn, name, a):
    """`a` unchanged, or a ValueError naming where a None or NaN sits: a missing
    value would otherwise spread NaN through everything computed from it."""
    if a.dtype == object:
        missing = np.equal(a, None)
        if missing.any():
            raise ValueError(f"{fn}: {name} holds None (a missing value) at {_first(missing)}: "
                             "drop those samples or fill the values first")
    if a.dtype.kind == "f" and not np.all(np.isfinite(a)):
        bad = ~np.isfinite(a)
        raise ValueError(f"{fn}: {name} contains NaN or infinity at {_first(bad)}: drop those "
                         "samples or fill the values first (np.nan_to_num, or a column mean)")
    return a


def numbers_array(fn, name, x):
    """`x` as an array of finite numbers (bool, int or float)."""
    a = no_missing(fn, name, array(fn, name, x))
    if a.dtype.kind not in "biuf":
        hint = (": encode categories as numbers first (LabelEncoder, one_hot)"
                if a.dtype.kind in "USO" else "")
        raise ValueError(f"{fn}: {name} must hold numbers, got dtype {a.dtype}{hint}")
    return a


def integer_labels(fn, name, x):
    """`x` as an int64 array; floats are accepted only if they are whole numbers."""
    a = numbers_array(fn, name, x)
    if a.dtype.kind == "f" and not np.all(a == np.round(a)):
        raise ValueError(f"{fn}: {name} must be whole numbers (class indices), "
                         f"got values such as {a[a != np.round(a)].flat[0]}")
    return a.astype(np.int64)


def integer(fn, name, value, minimum=None):
    """`value` as a Python int (bools refused) that is at least `minimum`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{fn}: {name} must be an integer, got {value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{fn}: {name} must be at least {minimum}, got {value}")
    return int(value)


def non_negative(fn, name, value):
    """`value` as a float that is finite and >= 0 (a noise level, a spread)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{fn}: {name} must be a number, got {value!r}")
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{fn}: {name} must be a finite number >= 0, got {value}")
    return float(value)


def same_length(fn, arrays, names):
    """The common number of samples (first axis) of `arrays`, or a ValueError."""
    for a, name in zip(arrays, names):
        if a.ndim == 0:
            raise ValueError(f"{fn}: {name} is a scalar; it needs one entry per sample")
    if len({len(a) for a in arrays}) > 1:
        described = ", ".join(f"{n} {a.shape}" for n, a in zip(names, arrays))
        raise ValueError(f"{fn}: all arrays need the same number of samples, got {described}")
    return len(arrays[0])


def labels_1d(fn, name, y):
    """Class labels as a 1-D array; a column (n, 1) is flattened."""
    a = no_missing(fn, name, array(fn, name, y))
    if a.ndim == 2 and a.shape[1] == 1:
        a = a[:, 0]
    if a.ndim != 1:
        raise ValueError(f"{fn}: {name} must be 1-D (one label per sample), got shape {a.shape}")
    return a
