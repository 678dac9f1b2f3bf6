"""Shapes of primitive nodes: elementwise unary and binary, and broadcasting."""
import numpy as np

from ..core import Node


def unbroadcast(grad, shape):
    """Sum ``grad`` back down to ``shape``: the gradient of NumPy broadcasting."""
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra:
        grad = grad.sum(axis=tuple(range(extra)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad


class Unary(Node):
    """y = f(x) elementwise; backward multiplies by the local derivative f'(x).

    Subclasses define ``f(x)`` and ``df()``, which may use ``self.x`` and ``self.y``.
    """

    __slots__ = ("x", "y")
    abstract = True

    def forward(self, x):
        self.x = x
        self.y = self.f(x)
        return self.y

    def backward(self, grad):
        return (grad * self.df(),)

    def local_derivatives(self):
        return (self.df(),)


class Binary(Node):
    """y = f(a, b) elementwise with broadcasting.

    Subclasses define ``f(a, b)`` and ``partials()`` -> (dy/da, dy/db), each
    broadcastable to y; backward reduces each gradient to its input's shape.
    """

    __slots__ = ("a", "b", "y")
    abstract = True

    def forward(self, a, b):
        self.a, self.b = a, b
        self.y = self.f(a, b)
        return self.y

    def backward(self, grad):
        da, db = self.partials()
        return (unbroadcast(grad * da, self.a.shape) if self.wants(0) else None,
                unbroadcast(grad * db, self.b.shape) if self.wants(1) else None)

    def local_derivatives(self):
        shape = np.shape(self.y)
        return tuple(np.broadcast_to(d, shape) for d in self.partials())
