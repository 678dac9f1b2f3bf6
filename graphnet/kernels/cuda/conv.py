"""Convolution's unfold and fold on the GPU (the CPU kernels' signatures).

unfold: one thread per window position, copying its C channels. fold gathers
instead of scattering: one thread per input element sums every window entry
that copied it, so no two threads write the same place and no atomics are needed.
"""
from numba import cuda

from . import THREADS, blocks
from .index import nhwc


@cuda.jit
def _unfold(x, kh, kw, sh, sw, top, left, cols):
    N, H, W, C = x.shape
    Ho, Wo = cols.shape[1], cols.shape[2]
    start, stride = cuda.grid(1), cuda.gridsize(1)
    for item in range(start, N * Ho * Wo * kh * kw, stride):
        dj = item % kw
        di = (item // kw) % kh
        j = (item // (kw * kh)) % Wo
        i = (item // (kw * kh * Wo)) % Ho
        n = item // (kw * kh * Wo * Ho)
        r, col = i * sh + di - top, j * sw + dj - left
        inside = 0 <= r < H and 0 <= col < W
        for c in range(C):
            cols[n, i, j, di, dj, c] = x[n, r, col, c] if inside else 0


@cuda.jit
def _fold(dcols, sh, sw, top, left, dx):
    N, H, W, C = dx.shape
    Ho, Wo, kh, kw = dcols.shape[1], dcols.shape[2], dcols.shape[3], dcols.shape[4]
    start, stride = cuda.grid(1), cuda.gridsize(1)
    for item in range(start, N * H * W * C, stride):
        n, r, col, c = nhwc(item, H, W, C)
        total = dx[n, r, col, c]
        for di in range(kh):
            ri = r + top - di
            if ri < 0 or ri % sh != 0 or ri // sh >= Ho:
                continue
            for dj in range(kw):
                cj = col + left - dj
                if cj < 0 or cj % sw != 0 or cj // sw >= Wo:
                    continue
                total += dcols[n, ri // sh, cj // sw, di, dj, c]
        dx[n, r, col, c] = total


def unfold(x, kh, kw, sh, sw, top, left, cols):
    n = cols.shape[0] * cols.shape[1] * cols.shape[2] * kh * kw
    _unfold[blocks(n), THREADS](x, kh, kw, sh, sw, top, left, cols)


def fold(dcols, sh, sw, top, left, dx):
    _fold[blocks(dx.size), THREADS](dcols, sh, sw, top, left, dx)
