"""Elementwise arithmetic: + - * / ** neg, exp log sqrt abs, maximum minimum."""
import numpy as np

from ..core import Node
from .base import Binary, Unary, unbroadcast


def _pair(rng, shape_a=(2, 3), shape_b=(2, 3), low=-2.0, high=2.0):
    return rng.uniform(low, high, shape_a), rng.uniform(low, high, shape_b)


class Add(Node):
    __slots__ = ("shapes",)
    formula = "a + b"
    derivatives = ("1", "1")

    # Written out rather than via Binary: + and * dominate scalar graphs.
    def forward(self, a, b):
        self.shapes = (a.shape, b.shape)
        return a + b

    def backward(self, grad):
        sa, sb = self.shapes
        if sa == sb == grad.shape:  # the common case, without two function calls
            # 0-d: two fresh scalars (unary plus, the cheapest copy), as each .grad is
            # its own; arrays the engine copies where they stay shared.
            return (grad, grad) if sa else (+grad, +grad)
        return unbroadcast(grad, sa), unbroadcast(grad, sb)

    def local_derivatives(self):
        ones = np.ones(np.broadcast_shapes(*self.shapes))
        return ones, ones

    @staticmethod
    def examples(rng):
        return [(Add(), _pair(rng)), (Add(), _pair(rng, (4, 1, 3), (2, 1))),
                (Add(), (rng.normal(size=()), rng.normal(size=(3,))))]


class Sub(Node):
    __slots__ = ("shapes",)
    formula = "a - b"
    derivatives = ("1", "-1")

    def forward(self, a, b):
        self.shapes = (a.shape, b.shape)
        return a - b

    def backward(self, grad):
        sa, sb = self.shapes
        return unbroadcast(grad, sa), unbroadcast(-grad, sb)

    def local_derivatives(self):
        ones = np.ones(np.broadcast_shapes(*self.shapes))
        return ones, -ones

    @staticmethod
    def examples(rng):
        return [(Sub(), _pair(rng)), (Sub(), _pair(rng, (3, 1), (1, 4)))]


class Mul(Node):
    __slots__ = ("a", "b")
    formula = "a * b"
    derivatives = ("b", "a")

    def forward(self, a, b):
        self.a, self.b = a, b
        return a * b

    def backward(self, grad):
        a, b = self.a, self.b
        da, db = grad * b, grad * a
        if da.shape != a.shape:
            da = unbroadcast(da, a.shape)
        if db.shape != b.shape:
            db = unbroadcast(db, b.shape)
        return da, db

    def local_derivatives(self):
        shape = np.broadcast_shapes(self.a.shape, self.b.shape)
        return np.broadcast_to(self.b, shape), np.broadcast_to(self.a, shape)

    @staticmethod
    def examples(rng):
        return [(Mul(), _pair(rng)), (Mul(), _pair(rng, (2, 3), (3,)))]


class Div(Binary):
    formula = "a / b"
    derivatives = ("1 / b", "-a / b²")

    def f(self, a, b):
        return a / b

    def partials(self):
        return 1.0 / self.b, -self.y / self.b

    @staticmethod
    def examples(rng):
        a, b = _pair(rng, (2, 3), (3,), 0.5, 2.0)
        return [(Div(), (a, b)), (Div(), (a - 1.2, -b))]


class Pow(Binary):
    formula = "a ** b"
    derivatives = ("b · a^(b-1)", "a^b · ln a")

    def f(self, a, b):
        return a ** b

    def partials(self):
        a, b = self.a, self.b
        with np.errstate(divide="ignore", invalid="ignore"):
            # x ** 0 is constant: its derivative is 0, also at x = 0 (not 0 * inf).
            da = np.where(b == 0, 0.0, b * a ** (b - 1)).astype(np.result_type(self.y))
        if not self.wants(1):  # the usual x ** 2: ln(a) is neither needed nor defined for a <= 0
            return da, 0.0
        with np.errstate(invalid="ignore", divide="ignore"):
            return da, self.y * np.log(a)

    @staticmethod
    def examples(rng):
        a, b = _pair(rng, (2, 3), (2, 3), 0.5, 2.0)
        square = Pow()
        square.needs = (True, False)  # x ** 2 with a negative x: no gradient for the 2
        return [(Pow(), (a, b)), (square, (a - 1.25, np.array(2.0)))]


class Maximum(Binary):
    formula = "max(a, b)"
    derivatives = ("1 where a > b", "1 where b > a")

    def f(self, a, b):
        return np.maximum(a, b)

    def partials(self):
        # A tie is a kink; splitting the gradient gives a valid subgradient.
        da = ((self.a > self.b) + 0.5 * (self.a == self.b)).astype(np.result_type(self.y))
        return da, 1.0 - da

    @staticmethod
    def examples(rng):
        return [(Maximum(), _pair(rng)), (Maximum(), _pair(rng, (2, 3), (1,)))]


class Minimum(Binary):
    formula = "min(a, b)"
    derivatives = ("1 where a < b", "1 where b < a")

    def f(self, a, b):
        return np.minimum(a, b)

    def partials(self):
        da = ((self.a < self.b) + 0.5 * (self.a == self.b)).astype(np.result_type(self.y))
        return da, 1.0 - da

    @staticmethod
    def examples(rng):
        return [(Minimum(), _pair(rng)), (Minimum(), _pair(rng, (3, 1), (3,)))]


class Neg(Node):
    __slots__ = ("shape",)
    formula = "-x"
    derivatives = ("-1",)

    def forward(self, x):
        self.shape = x.shape
        return -x

    def backward(self, grad):
        return (-grad,)

    def local_derivatives(self):
        return (-np.ones(self.shape),)

    @staticmethod
    def examples(rng):
        return [(Neg(), (rng.normal(size=(2, 3)),))]


class Exp(Unary):
    formula = "exp(x)"
    derivatives = ("exp(x)",)

    def f(self, x):
        return np.exp(x)

    def df(self):
        return self.y

    @staticmethod
    def examples(rng):
        return [(Exp(), (rng.normal(size=(2, 3)),))]


class Log(Unary):
    formula = "ln(x)"
    derivatives = ("1 / x",)

    def f(self, x):
        return np.log(x)

    def df(self):
        return 1.0 / self.x

    @staticmethod
    def examples(rng):
        return [(Log(), (rng.uniform(0.5, 3.0, (2, 3)),))]


class Sqrt(Unary):
    formula = "√x"
    derivatives = ("1 / (2√x)",)

    def f(self, x):
        return np.sqrt(x)

    def df(self):
        return 0.5 / self.y

    @staticmethod
    def examples(rng):
        return [(Sqrt(), (rng.uniform(0.5, 3.0, (2, 3)),))]


class Abs(Unary):
    formula = "|x|"
    derivatives = ("sign(x)",)

    def f(self, x):
        return np.abs(x)

    def df(self):
        return np.sign(self.x)  # 0 at the kink x = 0

    @staticmethod
    def examples(rng):
        return [(Abs(), (rng.normal(size=(2, 3)),))]
