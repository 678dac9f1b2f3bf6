"""Which devices graphnet can use, and a clear answer when CUDA is asked for but absent."""
from .core import GraphnetError


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
