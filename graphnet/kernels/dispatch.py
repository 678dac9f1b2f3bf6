"""The one place where a node's kernel is chosen.

Nodes ask ``kernel('unfold', x)``; the device of the arrays picks the
implementation (NumPy arrays: Numba on the CPU; numba.cuda device arrays: the
kernels in cuda/), and
``GRAPHNET_KERNELS=reference`` (or ``use('reference')``) swaps in the plain
NumPy references, to read or to compare. No node branches on devices itself.
"""
import importlib
import os
from contextlib import contextmanager

# kernel name -> module (under cpu/ and reference/) that defines it
_MODULES = {"unfold": "conv", "fold": "conv",
            "max_pool_forward": "pool", "max_pool_backward": "pool",
            "avg_pool_forward": "pool", "avg_pool_backward": "pool",
            "rnn_forward_step": "recurrent", "rnn_backward_step": "recurrent",
            "lstm_forward_step": "recurrent", "lstm_backward_step": "recurrent",
            "gru_forward_step": "recurrent", "gru_backward_step": "recurrent",
            "embedding_scatter_add": "recurrent"}

_choice = [os.environ.get("GRAPHNET_KERNELS", "cpu")]


# Kernels that exist for CUDA (kernels/cuda/), by the same names.
_CUDA = {"unfold", "fold", "max_pool_forward", "max_pool_backward", "lstm_forward_step",
         "lstm_backward_step", "embedding_scatter_add"}


def device_of(*arrays):
    """'cuda' for GPU arrays, else 'cpu'. GPU arrays carry ``__cuda_array_interface__``
    (the simulator's stand-ins carry ``__cuda_ndarray__``)."""
    on_gpu = any(hasattr(a, "__cuda_array_interface__") or hasattr(a, "__cuda_ndarray__") for a in arrays)
    return "cuda" if on_gpu else "cpu"


def kernel(name, *arrays):
    """The implementation of kernel ``name`` for the device of ``arrays``."""
    device = device_of(*arrays)
    if device == "cuda" and name not in _CUDA:
        raise NotImplementedError(f"kernel {name!r} has no CUDA version yet")
    family = _choice[0] if device == "cpu" else device
    module = importlib.import_module(f"graphnet.kernels.{family}.{_MODULES[name]}")
    return getattr(module, name)


def active():
    return _choice[0]


@contextmanager
def use(family):
    """Run the block with another kernel family: ``with use('reference'): ...``."""
    if family not in ("cpu", "reference"):
        raise ValueError(f"kernel family is 'cpu' or 'reference', not {family!r}")
    before = _choice[0]
    _choice[0] = family
    try:
        yield
    finally:
        _choice[0] = before
