"""Keep freed memory for reuse (Linux with glibc; elsewhere nothing changes).

A training step allocates and frees the same large arrays every time. glibc
gives large freed blocks back to the operating system, so the next step gets
fresh pages, and the first touch of each fresh page is a page fault: on the
virtual machines graphnet is developed on, fresh memory fills at under 1 GB/s
against more than 20 GB/s for memory already touched, which made a convolution
step up to twice as slow, by chance of allocation order. Serving large blocks
from the heap and never trimming it lets each step reuse the previous step's
pages. The price: the process keeps its peak memory until it exits.

``GRAPHNET_KEEP_MEMORY=0`` leaves the allocator alone.
"""
import ctypes
import sys

from ..config import env_flag

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3


def keep_freed_memory():
    """Ask glibc to keep freed memory; True when it agreed."""
    # Read first, on every platform: a misspelt value is an error even where nothing would change.
    if not env_flag("GRAPHNET_KEEP_MEMORY", True) or not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    # 1 GiB: blocks below it come from the heap; glibc caps it lower on old versions.
    kept = bool(mallopt(_M_MMAP_THRESHOLD, 1 << 30) or mallopt(_M_MMAP_THRESHOLD, 32 << 20))
    return bool(mallopt(_M_TRIM_THRESHOLD, 2 ** 31 - 1)) and kept
