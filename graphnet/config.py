"""Library-wide settings, with Keras' names where Keras has one, and the
``GRAPHNET_*`` environment variables, read strictly: a value graphnet does not
know is an error naming the variable, not a silent default."""
import os

import numpy as np

_floatx = [np.dtype("float32")]
# The kernels are compiled for these; float16 has no Numba kernels, so it fails deep inside them.
FLOAT_TYPES = ("float32", "float64")


def floatx():
    """The float type new tensors get by default (float32, as in Keras)."""
    return _floatx[0]


def set_floatx(dtype):
    """Change the default float type: ``set_floatx('float64')`` (or back to 'float32')."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dt is None or dt.name not in FLOAT_TYPES:
        raise ValueError(f"set_floatx takes {' or '.join(map(repr, FLOAT_TYPES))}, got {dtype!r}"
                         + (f" ({dt})" if dt is not None and str(dt) != str(dtype) else "")
                         + "; graphnet's kernels are compiled for these two only")
    _floatx[0] = dt


_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def env_flag(name, default):
    """The on/off environment variable ``name`` (1/true/yes/on or 0/false/no/off, any
    case); unset or empty means ``default``."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if value.lower() in _TRUE + _FALSE:
        return value.lower() in _TRUE
    raise ValueError(f"environment variable {name}={value!r} is not on or off: set it to one of "
                     f"{', '.join(_TRUE)} (on) or {', '.join(_FALSE)} (off), or unset it "
                     f"(default {'on' if default else 'off'})")


def env_choice(name, choices, default):
    """The environment variable ``name``, one of ``choices``; unset or empty means ``default``."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if value.lower() in choices:
        return value.lower()
    raise ValueError(f"environment variable {name}={value!r} is not one of "
                     f"{', '.join(map(repr, choices))}: set one of them, or unset it (default {default!r})")


def env_count(name, default, minimum=1):
    """The environment variable ``name`` as a whole number >= ``minimum``; unset or
    empty means ``default``."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        count = int(value)
    except ValueError:
        count = None
    if count is None or count < minimum:
        raise ValueError(f"environment variable {name}={value!r} is not a whole number >= {minimum}: "
                         f"set it to one (e.g. {name}={minimum}), or unset it (default {default})")
    return count
