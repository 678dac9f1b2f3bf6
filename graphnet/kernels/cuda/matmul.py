"""Matrix product with shared-memory tiles: each block computes a TILE x TILE
piece of C, loading matching tiles of A and B into shared memory once and
reusing every loaded value TILE times."""
from numba import cuda, float32

TILE = 16


@cuda.jit
def _matmul(A, B, C):
    sa = cuda.shared.array((TILE, TILE), float32)
    sb = cuda.shared.array((TILE, TILE), float32)
    tx, ty = cuda.threadIdx.x, cuda.threadIdx.y
    row, col = cuda.blockIdx.y * TILE + ty, cuda.blockIdx.x * TILE + tx
    acc = float32(0.0)
    for t in range((A.shape[1] + TILE - 1) // TILE):
        k = t * TILE
        sa[ty, tx] = A[row, k + tx] if row < A.shape[0] and k + tx < A.shape[1] else 0
        sb[ty, tx] = B[k + ty, col] if k + ty < B.shape[0] and col < B.shape[1] else 0
        cuda.syncthreads()
        for j in range(TILE):
            acc += sa[ty, j] * sb[j, tx]
        cuda.syncthreads()
    if row < C.shape[0] and col < C.shape[1]:
        C[row, col] = acc


def matmul(A, B, C):
    """C = A @ B for float32 matrices (C preallocated)."""
    grid = ((C.shape[1] + TILE - 1) // TILE, (C.shape[0] + TILE - 1) // TILE)
    _matmul[grid, (TILE, TILE)](A, B, C)
