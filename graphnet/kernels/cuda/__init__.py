"""numba.cuda kernels with the same signatures as the CPU kernels in ``cpu/``.

Each public function takes the same arrays as its CPU twin (device arrays on a
GPU; NumPy arrays under Numba's CUDA simulator, ``NUMBA_ENABLE_CUDASIM=1``) and
launches a grid-stride kernel, so any grid size covers any array: the simulator
tests run one to four blocks, a GPU runs as many as the work needs.

Nodes reach these through ``kernels.dispatch``; their own NumPy arithmetic runs
on ``array.CudaArray`` (GPU arrays that speak NumPy's dispatch protocols).
"""
import os

# Under the simulator every thread is a Python thread: keep the grid tiny there.
SIMULATED = os.environ.get("NUMBA_ENABLE_CUDASIM") == "1"
THREADS = 32 if SIMULATED else 128
MAX_BLOCKS = 4 if SIMULATED else 65535


def blocks(n):
    """Blocks for ``n`` work items (grid-stride loops cover whatever is left)."""
    return max(1, min(MAX_BLOCKS, -(-n // THREADS)))
