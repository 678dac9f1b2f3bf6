"""Reductions over axes: sum, mean, max."""
import numpy as np

from ..core import Node, ShapeError


def normalize_axis(axis, ndim, node):
    """``axis`` as a sorted tuple of non-negative ints (``None``: every axis)."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
    out = []
    for a in axes:
        if not -ndim <= int(a) < max(ndim, 1):
            raise ShapeError(f"{node!r}: axis {a} is out of range for an input with {ndim} dimensions")
        out.append(int(a) % max(ndim, 1))
    return tuple(sorted(set(out)))


class Reduction(Node):
    """Reduces ``axis`` (None: all); the gradient is spread back over the reduced axes."""

    abstract = True

    def __init__(self, axis=None, keepdims=False, name=None):
        super().__init__(name)
        self.axis, self.keepdims = axis, keepdims

    def describe(self):
        parts = [] if self.axis is None else [f"axis={self.axis}"]
        return ", ".join(parts + (["keepdims"] if self.keepdims else []))

    def forward(self, x):
        self.shape = x.shape
        self.axes = normalize_axis(self.axis, x.ndim, self)
        return self.reduce(x)

    def kept(self, grad):
        """``grad`` with the reduced axes put back as size 1, ready to broadcast."""
        return grad if self.keepdims else np.expand_dims(grad, self.axes)


class Sum(Reduction):
    formula = "Σ x"
    derivatives = ("1",)

    def reduce(self, x):
        return x.sum(axis=self.axes, keepdims=self.keepdims)

    def backward(self, grad):
        return (np.broadcast_to(self.kept(grad), self.shape).copy(),)

    @staticmethod
    def examples(rng):
        x = rng.normal(size=(2, 3, 4))
        return [(Sum(), (x,)), (Sum(axis=1), (x,)), (Sum(axis=(0, 2), keepdims=True), (x,)),
                (Sum(axis=-1), (x,))]


class Mean(Reduction):
    formula = "mean(x)"
    derivatives = ("1 / n",)

    def reduce(self, x):
        self.count = int(np.prod([x.shape[a] for a in self.axes]))
        return x.mean(axis=self.axes, keepdims=self.keepdims)

    def backward(self, grad):
        return (np.broadcast_to(self.kept(grad) / self.count, self.shape).copy(),)

    @staticmethod
    def examples(rng):
        x = rng.normal(size=(3, 4))
        return [(Mean(), (x,)), (Mean(axis=0), (x,)), (Mean(axis=1, keepdims=True), (x,))]


class Max(Reduction):
    formula = "max(x)"
    derivatives = ("1 at the maximum",)

    def reduce(self, x):
        self.x = x
        self.out = x.max(axis=self.axes, keepdims=True)
        return self.out if self.keepdims else np.squeeze(self.out, self.axes)

    def backward(self, grad):
        hit = self.x == self.out
        # Ties share the gradient equally: a subgradient, and what gradcheck expects.
        share = (hit / hit.sum(axis=self.axes, keepdims=True)).astype(self.x.dtype)
        return (share * self.kept(grad),)

    @staticmethod
    def examples(rng):
        x = rng.normal(size=(3, 4))
        return [(Max(), (x,)), (Max(axis=1), (x,)), (Max(axis=0, keepdims=True), (x,))]
