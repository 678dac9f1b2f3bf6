"""Pooling windows, compiled: max (remembering the winner) and average.

Each output is one window of the input (channels-last); windows reaching
outside the input ('same' padding) see only the positions inside it, so a max
ignores the padding and an average divides by the number of real values, as
Keras does.
"""
from ..jit import njit

kernel = njit(error_model="numpy", nogil=True)  # nogil: threads.split runs them side by side


@kernel
def max_pool_forward(x, ph, pw, sh, sw, top, left, out, winner):
    """out = the window's maximum; winner = where it is in the image, r * W + col
    (the first maximum on ties). The channel loop is innermost: it runs over
    contiguous memory and vectorises."""
    N, H, W, C = x.shape
    Ho, Wo = out.shape[1], out.shape[2]
    for n in range(N):
        for i in range(Ho):
            for j in range(Wo):
                first = True
                for di in range(ph):
                    r = i * sh + di - top
                    if r < 0 or r >= H:
                        continue
                    for dj in range(pw):
                        col = j * sw + dj - left
                        if col < 0 or col >= W:
                            continue
                        at = r * W + col
                        if first:
                            for c in range(C):
                                out[n, i, j, c] = x[n, r, col, c]
                                winner[n, i, j, c] = at
                            first = False
                        else:
                            for c in range(C):
                                if x[n, r, col, c] > out[n, i, j, c]:
                                    out[n, i, j, c] = x[n, r, col, c]
                                    winner[n, i, j, c] = at


@kernel
def max_pool_backward(grad, winner, dx):
    """Routes each output's gradient to the input pixel that won its window (dx zeroed first).
    Each image is viewed as (H * W, C) rows, so the winner indexes a row directly:
    splitting it into r and col would cost two integer divisions per value."""
    N, Ho, Wo, C = grad.shape
    for n in range(N):
        pixels = dx[n].reshape(dx.shape[1] * dx.shape[2], C)
        for i in range(Ho):
            for j in range(Wo):
                for c in range(C):
                    pixels[winner[n, i, j, c], c] += grad[n, i, j, c]


@kernel
def avg_pool_forward(x, ph, pw, sh, sw, top, left, out):
    """The mean of each window clipped to the image (only real values count)."""
    N, H, W, C = x.shape
    Ho, Wo = out.shape[1], out.shape[2]
    for n in range(N):
        for i in range(Ho):
            r0, r1 = max(i * sh - top, 0), min(i * sh - top + ph, H)
            for j in range(Wo):
                c0, c1 = max(j * sw - left, 0), min(j * sw - left + pw, W)
                count = (r1 - r0) * (c1 - c0)
                for c in range(C):
                    total = x[n, 0, 0, c] - x[n, 0, 0, c]  # a zero of x's type
                    for r in range(r0, r1):
                        for col in range(c0, c1):
                            total += x[n, r, col, c]
                    out[n, i, j, c] = total / count


@kernel
def avg_pool_backward(grad, ph, pw, sh, sw, top, left, dx):
    """Each output's gradient, shared equally by the real inputs of its window."""
    N, H, W, C = dx.shape
    Ho, Wo = grad.shape[1], grad.shape[2]
    for n in range(N):
        for i in range(Ho):
            r0, r1 = max(i * sh - top, 0), min(i * sh - top + ph, H)
            for j in range(Wo):
                c0, c1 = max(j * sw - left, 0), min(j * sw - left + pw, W)
                count = (r1 - r0) * (c1 - c0)
                for r in range(r0, r1):
                    for col in range(c0, c1):
                        for c in range(C):
                            dx[n, r, col, c] += grad[n, i, j, c] / count
