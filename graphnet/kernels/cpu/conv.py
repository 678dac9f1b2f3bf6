"""Convolution's data movement, compiled: unfold (im2col) and fold (col2im).

Channels-last (N, H, W, C) makes convolution one matrix product: unfold copies
every kh x kw x C window of the input into a row of ``cols``, whose last three
axes (di, dj, c) line up with the kernel reshaped to (kh * kw * C, filters).
The arithmetic then runs in BLAS; these loops only copy. Padding is never
materialised: windows reaching outside the input read zeros (unfold) or drop
their contribution (fold).

Serial loops, without the GIL: the convolution node runs one per core on
different images (kernels/threads.py); Numba's own threads would compete with
them and with BLAS for the same cores.
"""
from ..jit import njit

kernel = njit(error_model="numpy", nogil=True)


@kernel
def unfold(x, kh, kw, sh, sw, top, left, cols):
    """cols[n, i, j, di, dj, c] = x[n, i*sh + di - top, j*sw + dj - left, c], 0 outside.

    The loops follow cols' memory order, so every write is sequential and each
    innermost copy moves one pixel's C contiguous channels."""
    N, H, W, C = x.shape
    Ho, Wo = cols.shape[1], cols.shape[2]
    for n in range(N):
        for i in range(Ho):
            for j in range(Wo):
                for di in range(kh):
                    r = i * sh + di - top
                    for dj in range(kw):
                        col = j * sw + dj - left
                        if 0 <= r < H and 0 <= col < W:
                            for c in range(C):
                                cols[n, i, j, di, dj, c] = x[n, r, col, c]
                        else:
                            for c in range(C):
                                cols[n, i, j, di, dj, c] = 0


@kernel
def fold(dcols, sh, sw, top, left, dx):
    """The adjoint of unfold: dx[n, r, col, c] += dcols[n, i, j, di, dj, c] (dx zeroed first).
    Reads dcols in memory order, as unfold writes cols."""
    N, H, W, C = dx.shape
    Ho, Wo, kh, kw = dcols.shape[1], dcols.shape[2], dcols.shape[3], dcols.shape[4]
    for n in range(N):
        for i in range(Ho):
            for j in range(Wo):
                for di in range(kh):
                    r = i * sh + di - top
                    if r < 0 or r >= H:
                        continue
                    for dj in range(kw):
                        col = j * sw + dj - left
                        if 0 <= col < W:
                            for c in range(C):
                                dx[n, r, col, c] += dcols[n, i, j, di, dj, c]
