"""Pooling on the GPU, with the CPU kernels' signatures (channels-last).

Max: one thread per output forward; backward scatters each gradient to its
window's winner with an atomic add (overlapping windows may share one).
Average: one thread per output forward; backward gathers, one thread per input,
summing the shares of the windows that cover it, so it needs no atomics. As on
the CPU, a window reaching into 'same' padding averages only the real values."""
from numba import cuda

from . import THREADS, blocks
from .index import nhwc


@cuda.jit
def _max_pool_forward(x, ph, pw, sh, sw, top, left, out, winner):
    N, H, W, C = x.shape
    Ho, Wo = out.shape[1], out.shape[2]
    start, stride = cuda.grid(1), cuda.gridsize(1)
    for item in range(start, N * Ho * Wo * C, stride):
        n, i, j, c = nhwc(item, Ho, Wo, C)
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
        n, i, j, c = nhwc(item, Ho, Wo, C)
        at = winner[n, i, j, c]
        cuda.atomic.add(dx, (n, at // W, at % W, c), grad[n, i, j, c])


@cuda.jit
def _avg_pool_forward(x, ph, pw, sh, sw, top, left, out):
    N, H, W, C = x.shape
    Ho, Wo = out.shape[1], out.shape[2]
    start, stride = cuda.grid(1), cuda.gridsize(1)
    for item in range(start, N * Ho * Wo * C, stride):
        n, i, j, c = nhwc(item, Ho, Wo, C)
        # the window clipped to the image: only real values count
        r0, r1 = max(i * sh - top, 0), min(i * sh - top + ph, H)
        c0, c1 = max(j * sw - left, 0), min(j * sw - left + pw, W)
        total = x[n, 0, 0, c] - x[n, 0, 0, c]  # a zero of x's type (0.0 would sum in float64)
        for r in range(r0, r1):
            for col in range(c0, c1):
                total += x[n, r, col, c]
        out[n, i, j, c] = total / ((r1 - r0) * (c1 - c0))


@cuda.jit
def _avg_pool_backward(grad, ph, pw, sh, sw, top, left, dx):
    N, H, W, C = dx.shape
    Ho, Wo = grad.shape[1], grad.shape[2]
    start, stride = cuda.grid(1), cuda.gridsize(1)
    for item in range(start, N * H * W * C, stride):
        n, r, col, c = nhwc(item, H, W, C)
        # Output row i covers r when i * sh - top <= r < i * sh - top + ph; the lower
        # bound is a ceiling, taken on a positive numerator only.
        first = r + top - ph + 1
        i0 = (first + sh - 1) // sh if first > 0 else 0
        i1 = min((r + top) // sh, Ho - 1)
        first = col + left - pw + 1
        j0 = (first + sw - 1) // sw if first > 0 else 0
        j1 = min((col + left) // sw, Wo - 1)
        total = dx[n, r, col, c]  # accumulate into dx, as the CPU kernel does
        for i in range(i0, i1 + 1):
            rows = min(i * sh - top + ph, H) - max(i * sh - top, 0)
            for j in range(j0, j1 + 1):
                cols = min(j * sw - left + pw, W) - max(j * sw - left, 0)
                total += grad[n, i, j, c] / (rows * cols)
        dx[n, r, col, c] = total


def max_pool_forward(x, ph, pw, sh, sw, top, left, out, winner):
    _max_pool_forward[blocks(out.size), THREADS](x, ph, pw, sh, sw, top, left, out, winner)


def max_pool_backward(grad, winner, dx):
    _max_pool_backward[blocks(grad.size), THREADS](grad, winner, dx)


def avg_pool_forward(x, ph, pw, sh, sw, top, left, out):
    _avg_pool_forward[blocks(out.size), THREADS](x, ph, pw, sh, sw, top, left, out)


def avg_pool_backward(grad, ph, pw, sh, sw, top, left, dx):
    _avg_pool_backward[blocks(dx.size), THREADS](grad, ph, pw, sh, sw, top, left, dx)
