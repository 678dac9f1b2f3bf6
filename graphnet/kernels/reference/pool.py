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
    Ho, Wo, W = out.shape[1], out.shape[2], x.shape[2]
    views = _windows(x, ph, pw, sh, sw, top, left, Ho, Wo, -np.inf)
    offset = views.argmax(axis=0)  # the first maximum, as the kernel takes
    _, i, j, _ = np.indices(out.shape)
    winner[...] = (i * sh + offset // pw - top) * W + (j * sw + offset % pw - left)
    out[...] = views.max(axis=0)


def max_pool_backward(grad, winner, dx):
    n, _, _, c = np.indices(grad.shape)
    np.add.at(dx, (n, winner // dx.shape[2], winner % dx.shape[2], c), grad)


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
