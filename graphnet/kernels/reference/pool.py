"""NumPy references for kernels/cpu/pool.py, window offset by window offset."""
import numpy as np


def _windows(x, ph, pw, sh, sw, top, left, Ho, Wo, fill):
    """Every window offset's view of the padded input: (ph * pw, N, Ho, Wo, C)."""
    N, H, W, C = x.shape
    bottom = max((Ho - 1) * sh + ph - H - top, 0)
    right = max((Wo - 1) * sw + pw - W - left, 0)
    xp = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=fill)
    return np.stack([xp[:, di:di + (Ho - 1) * sh + 1:sh, dj:dj + (Wo - 1) * sw + 1:sw, :]
                     for di in range(ph) for dj in range(pw)])


def max_pool_forward(x, ph, pw, sh, sw, top, left, out, winner):
    views = _windows(x, ph, pw, sh, sw, top, left, out.shape[1], out.shape[2], -np.inf)
    winner[...] = views.argmax(axis=0)  # argmax takes the first maximum, as the kernel does
    out[...] = views.max(axis=0)


def max_pool_backward(grad, winner, pw, sh, sw, top, left, dx):
    N, Ho, Wo, C = grad.shape
    n, i, j, c = np.indices(grad.shape)
    rows = i * sh + winner // pw - top
    cols = j * sw + winner % pw - left
    np.add.at(dx, (n, rows, cols, c), grad)


def _counts(shape, ph, pw, sh, sw, top, left, Ho, Wo):
    ones = np.ones((1, shape[1], shape[2], 1))
    return _windows(ones, ph, pw, sh, sw, top, left, Ho, Wo, 0.0).sum(axis=0)


def avg_pool_forward(x, ph, pw, sh, sw, top, left, out):
    Ho, Wo = out.shape[1], out.shape[2]
    total = _windows(x, ph, pw, sh, sw, top, left, Ho, Wo, 0.0).sum(axis=0)
    out[...] = total / _counts(x.shape, ph, pw, sh, sw, top, left, Ho, Wo)


def avg_pool_backward(grad, ph, pw, sh, sw, top, left, dx):
    N, H, W, C = dx.shape
    Ho, Wo = grad.shape[1], grad.shape[2]
    share = grad / _counts(dx.shape, ph, pw, sh, sw, top, left, Ho, Wo)
    bottom = max((Ho - 1) * sh + ph - H - top, 0)
    right = max((Wo - 1) * sw + pw - W - left, 0)
    dxp = np.zeros((N, H + top + bottom, W + left + right, C), dtype=dx.dtype)
    for di in range(ph):
        for dj in range(pw):
            dxp[:, di:di + (Ho - 1) * sh + 1:sh, dj:dj + (Wo - 1) * sw + 1:sw, :] += share
    dx += dxp[:, top:top + H, left:left + W, :]
