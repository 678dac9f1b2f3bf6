"""Library-wide settings, with Keras' names where Keras has one."""
import numpy as np

_floatx = [np.dtype("float32")]


def floatx():
    """The float type new tensors get by default (float32, as in Keras)."""
    return _floatx[0]


def set_floatx(dtype):
    """Change the default float type, e.g. ``set_floatx('float64')``."""
    dt = np.dtype(dtype)
    if dt.kind != "f":
        raise ValueError(f"set_floatx needs a float type, got {dt}")
    _floatx[0] = dt
