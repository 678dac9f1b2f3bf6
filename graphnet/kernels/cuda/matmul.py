"""Matrix product with shared-memory tiles: each block computes TILE x TILE
pieces of C, loading matching tiles of A and B into shared memory once and
reusing every loaded value TILE times.

Operands are read through (buffer, offset, row stride, column stride), so a
transposed or sliced view multiplies without being copied first. Blocks walk
the tiles grid-stride, so any grid covers any C (the simulator runs few).
"""
from numba import cuda, float32, float64

from . import MAX_BLOCKS, SIMULATED, THREADS, blocks

# The simulator runs each thread as a Python thread: smaller tiles there.
TILE = 4 if SIMULATED else 16


def _tiled(dtype):
    @cuda.jit
    def kernel(A, ao, a0, a1, B, bo, b0, b1, C, co, c0, c1, M, K, N):
        sa = cuda.shared.array((TILE, TILE), dtype)
        sb = cuda.shared.array((TILE, TILE), dtype)
        tx, ty = cuda.threadIdx.x, cuda.threadIdx.y
        tiles_n = (N + TILE - 1) // TILE
        tiles = ((M + TILE - 1) // TILE) * tiles_n
        for tile in range(cuda.blockIdx.x, tiles, cuda.gridDim.x):
            row, col = (tile // tiles_n) * TILE + ty, (tile % tiles_n) * TILE + tx
            acc = dtype(0)
            for k in range(0, K, TILE):
                sa[ty, tx] = A[ao + row * a0 + (k + tx) * a1] if row < M and k + tx < K else 0
                sb[ty, tx] = B[bo + (k + ty) * b0 + col * b1] if k + ty < K and col < N else 0
                cuda.syncthreads()
                for j in range(TILE):
                    acc += sa[ty, j] * sb[j, tx]
                cuda.syncthreads()
            if row < M and col < N:
                C[co + row * c0 + col * c1] = acc
    return kernel


_KERNELS = {"float32": _tiled(float32), "float64": _tiled(float64)}


def _plain(dtype):
    @cuda.jit
    def kernel(A, ao, a0, a1, B, bo, b0, b1, C, co, c0, c1, M, K, N):
        """The plain product, one thread per element of C: no shared memory, no barriers."""
        for item in range(cuda.grid(1), M * N, cuda.gridsize(1)):
            i, j = item // N, item % N
            acc = dtype(0)
            for k in range(K):
                acc += A[ao + i * a0 + k * a1] * B[bo + k * b0 + j * b1]
            C[co + i * c0 + j * c1] = acc
    return kernel


_PLAIN = {"float32": _plain(float32), "float64": _plain(float64)}


def matmul_strided(A, ao, a0, a1, B, bo, b0, b1, C, co, c0, c1, M, K, N, tiled=not SIMULATED):
    """C[i, j] = Σ_k A[i, k] B[k, j] on flat buffers read through offsets and strides.

    The simulator runs the plain product unless ``tiled=True``: it emulates each
    barrier of the tiled kernel by polling every thread, which takes seconds per
    product. The tiled kernel is checked there on its own, at small sizes.
    """
    if not tiled:
        _PLAIN[str(C.dtype)][blocks(M * N), THREADS](A, ao, a0, a1, B, bo, b0, b1, C, co, c0, c1, M, K, N)
        return
    tiles = -(-M // TILE) * -(-N // TILE)
    _KERNELS[str(C.dtype)][max(1, min(MAX_BLOCKS, tiles)), (TILE, TILE)](
        A, ao, a0, a1, B, bo, b0, b1, C, co, c0, c1, M, K, N)


def matmul(A, B, C, tiled=True):
    """C = A @ B for C-contiguous 2-D device arrays (C preallocated)."""
    (M, K), N = A.shape, B.shape[1]
    matmul_strided(A.reshape(-1), 0, K, 1, B.reshape(-1), 0, N, 1, C.reshape(-1), 0, N, 1, M, K, N, tiled)
