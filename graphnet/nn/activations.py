"""Activation functions as nodes (the chapter on neurons adds the rest)."""
import numpy as np

from ..ops.base import Unary
from ..ops.tensor import apply


class Tanh(Unary):
    formula = "tanh(x)"
    derivatives = ("1 - tanh²(x)",)

    def f(self, x):
        return np.tanh(x)

    def df(self):
        return 1.0 - self.y * self.y

    @staticmethod
    def examples(rng):
        return [(Tanh(), (rng.normal(size=(2, 3)),))]


class ReLU(Unary):
    formula = "max(0, x)"
    derivatives = ("1 where x > 0",)

    def f(self, x):
        # Not np.maximum: on NumPy scalars this is several times faster.
        # "+ 0.0" turns the -0.0 that negative inputs give into a plain 0.
        return x * (x > 0) + 0.0

    def df(self):
        return (self.x > 0) * np.ones((), np.result_type(self.x))

    @staticmethod
    def examples(rng):
        return [(ReLU(), (rng.normal(size=(3, 4)),))]


def tanh(x):
    return apply(Tanh(), x)


def relu(x):
    return apply(ReLU(), x)
