"""Data augmentation: more training images from the ones you have.

The course's augmentation shifts every image one pixel right, left, down and
up, filling the uncovered edge with 0 (black). A digit moved by one pixel is
still the same digit, so the training set grows five-fold for free and the
model learns that position does not matter.

Images may be a batch of shape (n, height, width), (n, height, width,
channels), or flat rows (n, height * width) as MNIST often comes; flat rows
are taken as square images unless `image_shape` says otherwise. The result
has the same shape and dtype as the input.
"""
import math

import numpy as np

from . import _checks

__all__ = ["shift_images", "augment_with_shifts"]


def _as_4d(fn, images, image_shape):
    """(n, h, w, c) view of the batch, and the shape to give back."""
    a = _checks.numbers_array(fn, "images", images)
    if a.ndim == 2:
        if image_shape is None:
            side = math.isqrt(a.shape[1])
            if side * side != a.shape[1]:
                raise ValueError(f"{fn}: flat images of shape {a.shape} are not square; "
                                 "pass image_shape=(height, width)")
            image_shape = (side, side)
        h, w = (_checks.integer(fn, "image_shape", d, minimum=1) for d in image_shape)
        if h * w != a.shape[1]:
            raise ValueError(f"{fn}: image_shape {tuple(image_shape)} has {h * w} pixels, "
                             f"the rows of shape {a.shape} have {a.shape[1]}")
        return a.reshape(len(a), h, w, 1), a.shape
    if a.ndim == 3:
        return a[..., None], a.shape
    if a.ndim == 4:
        return a, a.shape
    raise ValueError(f"{fn}: images must be a batch (n, h, w), (n, h, w, c) or flat "
                     f"(n, h*w), got shape {a.shape}; for one image pass image[None]")


def _spans(shift, size):
    """Destination and source slices along one axis for a shift by `shift`."""
    if shift >= 0:
        return slice(shift, size), slice(0, size - shift)
    return slice(0, size + shift), slice(-shift, size)


def shift_images(images, dx, dy, image_shape=None):
    """Move every image `dx` pixels right and `dy` pixels down, filling with 0.

    Negative values move left and up. Pixels pushed past the edge are lost;
    the uncovered edge becomes 0.
    """
    fn = "shift_images"
    dx = _checks.integer(fn, "dx", dx)
    dy = _checks.integer(fn, "dy", dy)
    batch, shape = _as_4d(fn, images, image_shape)
    h, w = batch.shape[1:3]
    shifted = np.zeros_like(batch)
    if abs(dx) < w and abs(dy) < h:
        (rows_to, rows_from), (cols_to, cols_from) = _spans(dy, h), _spans(dx, w)
        shifted[:, rows_to, cols_to] = batch[:, rows_from, cols_from]
    return shifted.reshape(shape)


def augment_with_shifts(X, y, pixels=1, image_shape=None):
    """The originals plus four shifted copies: right, left, down, up.

    Returns ``(X_aug, y_aug)`` with 5n samples: first the n originals, then
    the n images shifted right by `pixels`, then left, down and up; the
    labels repeat in the same order. Shuffle before training (``fit`` does).
    """
    fn = "augment_with_shifts"
    X = _checks.numbers_array(fn, "X", X)
    y = _checks.array(fn, "y", y)
    _checks.same_length(fn, [X, y], ["X", "y"])
    pixels = _checks.integer(fn, "pixels", pixels, minimum=1)
    moves = [(pixels, 0), (-pixels, 0), (0, pixels), (0, -pixels)]
    copies = [X] + [shift_images(X, dx, dy, image_shape) for dx, dy in moves]
    return np.concatenate(copies), np.concatenate([y] * len(copies))
