"""Max pooling on the GPU: one thread per output forward; backward scatters each
gradient to its window's winner with an atomic add (overlapping windows may share one)."""
from numba import cuda

from . import THREADS, blocks


@cuda.jit
def _max_pool_forward(x, ph, pw, sh, sw, top, left, out, winner):
    N, H, W, C = x.shape
    Ho, Wo = out.shape[1], out.shape[2]
    start, stride = cuda.grid(1), cuda.gridsize(1)
    for item in range(start, N * Ho * Wo * C, stride):
        c = item % C
        j = (item // C) % Wo
        i = (item // (C * Wo)) % Ho
        n = item // (C * Wo * Ho)
        at = -1
        best = x[n, 0, 0, c]
        for di in range(ph):
            r = i * sh + di - top
            if r < 0 or r >= H:
                continue
            for dj in range(pw):
                col = j * sw + dj - left
                if 0 <= col < W and (at < 0 or x[n, r, col, c] > best):
                    best, at = x[n, r, col, c], r * W + col
        out[n, i, j, c] = best
        winner[n, i, j, c] = at


@cuda.jit
def _max_pool_backward(grad, winner, dx):
    N, Ho, Wo, C = grad.shape
    W = dx.shape[2]
    start, stride = cuda.grid(1), cuda.gridsize(1)
    for item in range(start, N * Ho * Wo * C, stride):
        c = item % C
        j = (item // C) % Wo
        i = (item // (C * Wo)) % Ho
        n = item // (C * Wo * Ho)
        at = winner[n, i, j, c]
        cuda.atomic.add(dx, (n, at // W, at % W, c), grad[n, i, j, c])


def max_pool_forward(x, ph, pw, sh, sw, top, left, out, winner):
    _max_pool_forward[blocks(out.size), THREADS](x, ph, pw, sh, sw, top, left, out, winner)


def max_pool_backward(grad, winner, dx):
    _max_pool_backward[blocks(grad.size), THREADS](grad, winner, dx)
