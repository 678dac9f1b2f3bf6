"""NumPy references for kernels/cpu/conv.py: the same results, by slicing a padded copy."""
import numpy as np


def _padded(x, kh, kw, sh, sw, top, left, Ho, Wo):
    N, H, W, C = x.shape
    bottom = max((Ho - 1) * sh + kh - H - top, 0)
    right = max((Wo - 1) * sw + kw - W - left, 0)
    return np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))


def unfold(x, kh, kw, sh, sw, top, left, cols):
    Ho, Wo = cols.shape[1], cols.shape[2]
    xp = _padded(x, kh, kw, sh, sw, top, left, Ho, Wo)
    for di in range(kh):
        for dj in range(kw):
            cols[:, :, :, di, dj, :] = xp[:, di:di + (Ho - 1) * sh + 1:sh, dj:dj + (Wo - 1) * sw + 1:sw, :]


def fold(dcols, sh, sw, top, left, dx):
    N, Ho, Wo, kh, kw, C = dcols.shape
    H, W = dx.shape[1], dx.shape[2]
    dxp = _padded(np.zeros_like(dx), kh, kw, sh, sw, top, left, Ho, Wo)
    for di in range(kh):
        for dj in range(kw):
            dxp[:, di:di + (Ho - 1) * sh + 1:sh, dj:dj + (Wo - 1) * sw + 1:sw, :] += dcols[:, :, :, di, dj, :]
    dx += dxp[:, top:top + H, left:left + W, :]
