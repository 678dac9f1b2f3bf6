"""One source of randomness for initialisers, dropout masks and shuffling.

``set_seed(n)`` makes a run repeatable (Keras' ``set_random_seed``).
"""
import numpy as np

_rng = [np.random.default_rng()]


def set_seed(seed):
    _rng[0] = np.random.default_rng(seed)


def generator():
    """The library's NumPy Generator (replaced by ``set_seed``)."""
    return _rng[0]
