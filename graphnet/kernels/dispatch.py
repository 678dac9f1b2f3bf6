"""The one place where a node's kernel is chosen.

Nodes ask ``kernel('unfold', x)``; the device of the arrays picks the
implementation (NumPy arrays: Numba on the CPU; numba.cuda device arrays: the
kernels in cuda/), and
``GRAPHNET_KERNELS=reference`` (or ``use('reference')``) swaps in the plain
NumPy references, to read or to compare. No node branches on devices itself.
"""
import importlib
from contextlib import contextmanager

import numpy as np

from ..config import env_choice

# kernel name -> module (under cpu/ and reference/) that defines it
_MODULES = {"unfold": "conv", "fold": "conv",
            "max_pool_forward": "pool", "max_pool_backward": "pool",
            "avg_pool_forward": "pool", "avg_pool_backward": "pool",
            "rnn_forward_step": "recurrent", "rnn_backward_step": "recurrent",
            "lstm_forward_step": "recurrent", "lstm_backward_step": "recurrent",
            "gru_forward_step": "recurrent", "gru_backward_step": "recurrent",
            "gru_reset_gates_step": "recurrent", "gru_candidate_step": "recurrent",  # reset_after=False
            "gru_candidate_backward_step": "recurrent", "gru_reset_backward_step": "recurrent",
            "embedding_scatter_add": "recurrent",
            **{f"{rule}_update": "optimizers"
               for rule in ("sgd", "momentum", "rmsprop", "rmsprop_centered", "adagrad", "adadelta",
                            "adam", "adamax", "nadam", "weight_decay")}}

FAMILIES = ("cpu", "reference")  # the CPU kernel families; a GPU array picks cuda/ itself
# Read once, at import: a misspelt family fails here, not at the first convolution.
_choice = [env_choice("GRAPHNET_KERNELS", FAMILIES, "cpu")]


def device_of(*arrays):
    """'cuda' for GPU arrays, else 'cpu'. graphnet's GPU arrays (and tensors holding
    them) say ``device == 'cuda'`` (NumPy's arrays say 'cpu'); numba's own carry ``__cuda_array_interface__`` (the
    simulator's stand-ins ``__cuda_ndarray__``)."""
    on_gpu = any(getattr(a, "device", None) == "cuda" or hasattr(a, "__cuda_array_interface__")
                 or hasattr(a, "__cuda_ndarray__") for a in arrays)
    return "cuda" if on_gpu else "cpu"


def as_array(x, dtype=None):
    """NumPy's ``asarray``, except that a GPU array stays on the GPU."""
    if device_of(x) == "cuda":
        return x if dtype is None else x.astype(dtype, copy=False)
    return np.asarray(x, dtype=dtype)


def like(x):
    """``x`` for NumPy's ``like=`` when it is a GPU array, else None (a NumPy
    scalar cannot be a ``like``): new arrays are then made where ``x`` lives."""
    return x if device_of(x) == "cuda" else None


def to_host(x):
    """A NumPy array of ``x``'s values (one counted copy when ``x`` lives on a GPU)."""
    if device_of(x) == "cuda":
        from .cuda.array import to_host as download
        return download(x)
    return np.asarray(x)


def kernel(name, *arrays):
    """The implementation of kernel ``name`` for the device of ``arrays``."""
    device = device_of(*arrays)
    family = _choice[0] if device == "cpu" else device
    module = importlib.import_module(f"graphnet.kernels.{family}.{_MODULES[name]}")
    try:
        found = getattr(module, name)
    except AttributeError:
        raise NotImplementedError(f"kernel {name!r} has no {family} version yet") from None
    return found if device == "cpu" else _on_device_views(found)


def _on_device_views(cuda_kernel):
    """The CUDA kernels index fixed-rank numba device arrays: hand them views of
    graphnet's GPU arrays (a strided one is copied in, and back out after)."""
    from .cuda.array import CudaArray

    def run(*args):
        views = [a.device_view() if isinstance(a, CudaArray) else a for a in args]
        cuda_kernel(*views)
        for a, v in zip(args, views):
            if isinstance(a, CudaArray) and not a.is_contiguous:
                a[...] = CudaArray(v.reshape(-1), a.shape, a.dtype)
    return run


def active():
    return _choice[0]


@contextmanager
def use(family):
    """Run the block with another kernel family: ``with use('reference'): ...``."""
    if family not in FAMILIES:
        raise ValueError(f"use: the kernel family is 'cpu' or 'reference', not {family!r}")
    before = _choice[0]
    _choice[0] = family
    try:
        yield
    finally:
        _choice[0] = before
