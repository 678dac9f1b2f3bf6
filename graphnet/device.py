"""Which devices graphnet can use, and a clear answer when CUDA is asked for but absent."""

from .core import GraphnetError
from .kernels import dispatch


class DeviceError(GraphnetError, RuntimeError):
    """A device that is not available here."""


def cuda_available():
    """True when numba.cuda finds a working GPU and driver (the simulator counts)."""
    try:
        from numba import cuda
        return bool(cuda.is_available())
    except Exception:  # no numba.cuda at all, or a broken driver
        return False


def devices():
    """The devices this machine offers: 'cpu', and 'cuda' when a GPU is usable."""
    return ["cpu", "cuda"] if cuda_available() else ["cpu"]


def require(device):
    """Raise DeviceError naming what to install when ``device`` cannot be used."""
    if device == "cpu":
        return
    if device != "cuda":
        raise DeviceError(f"unknown device {device!r}; graphnet knows 'cpu' and 'cuda'")
    if not cuda_available():
        raise DeviceError("CUDA was asked for, but no usable GPU was found. Install the CUDA "
                          'target with `pip install "graphnet[cuda]"` (numba-cuda[cu12]) and an '
                          "NVIDIA driver; to try the kernels without a GPU, set "
                          "NUMBA_ENABLE_CUDASIM=1 before importing graphnet.")


def to_device(x, device="cuda"):
    """``x`` on ``device``: a GPU array for 'cuda', a NumPy array for 'cpu'.

    ``x`` may be an array, a Tensor (moved in place, and returned), or a list or
    tuple of them. Each array copied counts as one transfer (see ``transfers``).
    """
    require(device)
    if isinstance(x, (list, tuple)):
        return type(x)(to_device(a, device) for a in x)
    if hasattr(x, "value") and hasattr(x, "requires_grad"):  # a Tensor or graph variable
        x.value = to_device(x.value, device)
        x.grad = None
        return x
    if device == "cpu":
        return to_host(x)
    from .kernels.cuda.array import to_device as upload
    return upload(x)


to_host, device_of = dispatch.to_host, dispatch.device_of  # arrays and tensors alike


def transfers():
    """How many arrays have been copied host -> GPU ('to_device') and GPU -> host
    ('to_host') in this process: a training step should add only its loss (and
    metrics) to 'to_host', and nothing to 'to_device' once the data is on the GPU."""
    import sys
    array = sys.modules.get("graphnet.kernels.cuda.array")  # not imported: nothing was copied
    return dict(array.transfers) if array else {"to_device": 0, "to_host": 0}
