"""numba.cuda kernels with the same signatures as the CPU kernels in ``cpu/``.

Each public function takes the same arrays as its CPU twin (device arrays on a
GPU; NumPy arrays under Numba's CUDA simulator, ``NUMBA_ENABLE_CUDASIM=1``) and
launches a grid-stride kernel, so any grid size covers any array: the simulator
tests run one to four blocks, a GPU runs as many as the work needs.

Work in progress (the CUDA issue): the kernels exist and are tested against the
CPU ones; nodes do not dispatch to them yet.
"""
import os

THREADS = 128
# Under the simulator every thread is a Python thread: keep the grid tiny there.
MAX_BLOCKS = 4 if os.environ.get("NUMBA_ENABLE_CUDASIM") == "1" else 65535


def blocks(n):
    """Blocks for ``n`` work items (grid-stride loops cover whatever is left)."""
    return max(1, min(MAX_BLOCKS, -(-n // THREADS)))
