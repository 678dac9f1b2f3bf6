"""Matrix products and axis permutations."""
import numpy as np

from ..core import Node, ShapeError
from .base import unbroadcast


class MatMul(Node):
    """``a @ b`` with NumPy's rules: vectors, matrices and stacks of matrices."""

    formula = "a @ b"
    derivatives = ("g @ bᵀ", "aᵀ @ g")

    def forward(self, a, b):
        if a.ndim == 0 or b.ndim == 0:
            raise ShapeError(f"{self!r} needs arrays with at least one dimension, got "
                             f"{a.shape} @ {b.shape}; use * to scale by a number")
        k_a, k_b = a.shape[-1], b.shape[-2] if b.ndim > 1 else b.shape[0]
        if k_a != k_b:
            raise ShapeError(f"{self!r}: inner dimensions differ in {a.shape} @ {b.shape} "
                             f"({k_a} columns against {k_b} rows)")
        self.a, self.b = a, b
        return a @ b

    def backward(self, grad):
        a, b = self.a, self.b
        # Treat vectors as a row (a) or a column (b), so one formula serves all cases.
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        g2 = grad
        if b.ndim == 1:
            g2 = g2[..., None]
        if a.ndim == 1:
            g2 = np.expand_dims(g2, -2)
        da = db = None
        if self.wants(0):
            da = g2 @ np.swapaxes(b2, -1, -2)
            da = unbroadcast(da[..., 0, :] if a.ndim == 1 else da, a.shape)
        if self.wants(1):
            db = np.swapaxes(a2, -1, -2) @ g2
            db = unbroadcast(db[..., 0] if b.ndim == 1 else db, b.shape)
        return da, db

    @staticmethod
    def examples(rng):
        n = rng.normal
        return [(MatMul(), (n(size=(2, 3)), n(size=(3, 4)))),
                (MatMul(), (n(size=(3,)), n(size=(3, 2)))),
                (MatMul(), (n(size=(2, 3)), n(size=(3,)))),
                (MatMul(), (n(size=(3,)), n(size=(3,)))),
                (MatMul(), (n(size=(2, 2, 3)), n(size=(3, 2))))]


class Transpose(Node):
    """Permutes axes (reverses them when ``axes`` is None, like ``x.T``)."""

    formula = "xᵀ"

    def __init__(self, axes=None, name=None):
        super().__init__(name)
        self.axes = None if axes is None else tuple(axes)

    def describe(self):
        return "" if self.axes is None else f"axes={self.axes}"

    def forward(self, x):
        if self.axes is None:
            self.perm = tuple(range(x.ndim))[::-1]
        elif (any(not -x.ndim <= a < x.ndim for a in self.axes)
              or sorted(a % max(x.ndim, 1) for a in self.axes) != list(range(x.ndim))):
            raise ShapeError(f"{self!r}: axes {self.axes} are not a permutation of the "
                             f"{x.ndim} axes of an input of shape {x.shape}")
        else:
            self.perm = tuple(a % x.ndim for a in self.axes)
        return np.transpose(x, self.perm)

    def backward(self, grad):
        return (np.transpose(grad, np.argsort(self.perm)),)

    @staticmethod
    def examples(rng):
        return [(Transpose(), (rng.normal(size=(2, 3)),)),
                (Transpose((1, 2, 0)), (rng.normal(size=(2, 3, 4)),))]
