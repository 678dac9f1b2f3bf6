"""Activation functions as nodes, each with its formula and derivative.

Keras' names work as strings: ``get('relu')`` returns a function of a tensor.
Composite activations (sigmoid, softmax, GELU...) also ``expand()`` into the
primitive nodes they stand for, so a drawing can open them up.
"""
import math

import numpy as np

from ..core import Node, ShapeError
from ..core.errors import did_you_mean
from ..kernels.dispatch import as_array, like
from ..ops import functional as F
from ..ops.base import Unary
from ..ops.tensor import apply


def _x(rng, shape=(2, 3)):
    return rng.normal(size=shape)


class Identity(Unary):
    """linear: f(x) = x (regression outputs)."""

    formula = "x"
    derivatives = ("1",)

    def f(self, x):
        return x

    def df(self):
        return np.ones_like(self.x)

    @staticmethod
    def examples(rng):
        return [(Identity(), (_x(rng),))]


class Step(Unary):
    """The perceptron's threshold: 1 where x >= threshold, else 0.

    Its derivative is 0 everywhere it exists (and undefined at the threshold),
    so no gradient flows through it: gradient descent cannot train a step unit,
    which is why the perceptron has its own learning rule.
    """

    formula = "1 if x ≥ θ else 0"
    derivatives = ("0",)

    def __init__(self, threshold=0.0, name=None):
        super().__init__(name)
        self.threshold = threshold

    def describe(self):
        return f"θ={self.threshold:g}" if self.threshold else ""

    def f(self, x):
        return (x >= self.threshold).astype(np.result_type(x))

    def df(self):
        return np.zeros_like(self.x)

    @staticmethod
    def examples(rng):
        return [(Step(), (_x(rng),)), (Step(0.5), (_x(rng),))]


class Sigmoid(Unary):
    """The logistic function 1 / (1 + e^-x), computed without overflow."""

    formula = "1 / (1 + e⁻ˣ)"
    derivatives = ("σ(x)(1 - σ(x))",)

    def f(self, x):
        e = np.exp(-np.abs(x))  # never overflows; then pick the stable form by sign
        return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(np.result_type(x))

    def df(self):
        return self.y * (1.0 - self.y)

    def expand(self, x):
        return 1.0 / (1.0 + F.exp(-x))

    @staticmethod
    def examples(rng):
        return [(Sigmoid(), (_x(rng) * 3,))]


class Tanh(Unary):
    formula = "tanh(x)"
    derivatives = ("1 - tanh²(x)",)

    def f(self, x):
        return np.tanh(x)

    def df(self):
        return 1.0 - self.y * self.y

    def expand(self, x):
        e = F.exp(-2.0 * x)
        return (1.0 - e) / (1.0 + e)

    @staticmethod
    def examples(rng):
        return [(Tanh(), (_x(rng),))]


class ReLU(Unary):
    formula = "max(0, x)"
    derivatives = ("1 where x > 0",)

    def f(self, x):
        if isinstance(x, np.ndarray):
            return np.maximum(x, 0, dtype=x.dtype)  # one pass over the array
        # On NumPy scalars, a ufunc call costs more than this arithmetic;
        # "+ 0.0" turns the -0.0 that negative inputs give into a plain 0.
        return x * (x > 0) + 0.0

    def df(self):
        return (self.x > 0).astype(np.result_type(self.x))

    def expand(self, x):
        return F.maximum(x, 0.0)

    @staticmethod
    def examples(rng):
        return [(ReLU(), (_x(rng, (3, 4)),))]


class LeakyReLU(Unary):
    """x for x > 0, alpha * x otherwise: negative inputs keep a small gradient,
    so units cannot die the way ReLU units do."""

    formula = "x if x > 0 else αx"
    derivatives = ("1 where x > 0, else α",)

    def __init__(self, alpha=0.3, name=None):  # Keras' LeakyReLU default
        super().__init__(name)
        self.alpha = alpha

    def describe(self):
        return f"α={self.alpha:g}"

    def f(self, x):
        return np.where(x > 0, x, self.alpha * x).astype(np.result_type(x))

    def df(self):
        return np.where(self.x > 0, 1.0, self.alpha).astype(np.result_type(self.x))

    @staticmethod
    def examples(rng):
        return [(LeakyReLU(), (_x(rng),)), (LeakyReLU(0.01), (_x(rng),))]


class GELU(Unary):
    """x Φ(x), Φ the standard normal CDF; ``approximate=True`` uses the tanh form
    0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³))) of the original paper."""

    derivatives = ("Φ(x) + x φ(x)",)
    _C = math.sqrt(2.0 / math.pi)

    def __init__(self, approximate=False, name=None):
        super().__init__(name)
        self.approximate = approximate

    @property
    def formula(self):
        return "½x(1 + tanh(√(2/π)(x + 0.044715x³)))" if self.approximate else "x Φ(x)"

    def describe(self):
        return "tanh" if self.approximate else ""

    def f(self, x):
        if self.approximate:
            self.t = np.tanh(self._C * (x + 0.044715 * x ** 3))
            return 0.5 * x * (1.0 + self.t)
        from ..kernels.cpu.special import erf  # compiled on first use
        self.cdf = 0.5 * (1.0 + erf(as_array(x) / math.sqrt(2.0)))  # a GPU array runs math.erf there
        return (x * self.cdf).astype(np.result_type(x))

    def df(self):
        x = self.x
        if self.approximate:
            dt = (1.0 - self.t ** 2) * self._C * (1.0 + 3 * 0.044715 * x ** 2)
            return 0.5 * (1.0 + self.t) + 0.5 * x * dt
        return self.cdf + x * np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)

    @staticmethod
    def examples(rng):
        return [(GELU(), (_x(rng) * 2,)), (GELU(approximate=True), (_x(rng) * 2,))]


class _AlongAxis(Node):
    """A node that works along one axis (the last, by default)."""

    abstract = True

    def __init__(self, axis=-1, name=None):
        super().__init__(name)
        self.axis = axis

    def describe(self):
        return "" if self.axis == -1 else f"axis={self.axis}"


class Softmax(_AlongAxis):
    """e^(x_i) / Σ_j e^(x_j) along ``axis``; the maximum is subtracted first so
    that large inputs do not overflow (the result is the same)."""

    formula = "eˣ / Σ eˣ"
    derivatives = ("s ⊙ (g - Σ g s)",)

    def forward(self, x):
        e = np.exp(x - x.max(axis=self.axis, keepdims=True))
        self.y = e / e.sum(axis=self.axis, keepdims=True)
        return self.y

    def backward(self, grad):
        y = self.y
        return (y * (grad - (grad * y).sum(axis=self.axis, keepdims=True)),)

    def expand(self, x):
        e = F.exp(x - x.max(axis=self.axis, keepdims=True))
        return e / e.sum(axis=self.axis, keepdims=True)

    @staticmethod
    def examples(rng):
        return [(Softmax(), (_x(rng),)), (Softmax(axis=0), (_x(rng),))]


class LogSoftmax(_AlongAxis):
    """log(softmax(x)) computed as x - max - log Σ e^(x - max): finite for any x."""

    formula = "x - log Σ eˣ"
    derivatives = ("g - softmax(x) Σ g",)

    def forward(self, x):
        shifted = x - x.max(axis=self.axis, keepdims=True)
        self.y = shifted - np.log(np.exp(shifted).sum(axis=self.axis, keepdims=True))
        return self.y

    def backward(self, grad):
        return (grad - np.exp(self.y) * grad.sum(axis=self.axis, keepdims=True),)

    def expand(self, x):
        shifted = x - x.max(axis=self.axis, keepdims=True)
        return shifted - F.exp(shifted).sum(axis=self.axis, keepdims=True).log()

    @staticmethod
    def examples(rng):
        return [(LogSoftmax(), (_x(rng),)), (LogSoftmax(axis=0), (_x(rng) * 50,))]


class Hardmax(_AlongAxis):
    """1 at the largest entry along ``axis``, 0 elsewhere (the first one on ties).

    Its gradient is zero: the output is piecewise constant, so a small change of
    the input never changes it (and where it would, it jumps). That is why
    networks train with softmax, its smooth stand-in, and use hardmax, or argmax,
    only to read off a prediction.
    """

    formula = "onehot(argmax x)"
    derivatives = ("0",)

    def forward(self, x):
        self.shape = x.shape
        winner = np.expand_dims(np.argmax(x, axis=self.axis), self.axis)
        out = np.zeros_like(x)
        np.put_along_axis(out, winner, 1, axis=self.axis)
        return out

    def backward(self, grad):
        return (np.zeros(self.shape, dtype=np.result_type(grad), like=like(grad)),)

    @staticmethod
    def examples(rng):
        return [(Hardmax(), (_x(rng),))]


class Maxout(Node):
    """The largest of ``pieces`` linear pieces: the last axis of size units * pieces
    is split into groups of ``pieces`` and each group keeps its maximum.
    The gradient goes to the winning piece of each group (shared on ties)."""

    formula = "max_{k} z_k"  # braces: typeset() lowers the k of a three-letter max too
    derivatives = ("1 for the winning piece",)

    def __init__(self, pieces=2, name=None):
        super().__init__(name)
        self.pieces = pieces

    def describe(self):
        return f"pieces={self.pieces}"

    def forward(self, x):
        if x.ndim == 0 or x.shape[-1] % self.pieces:
            raise ShapeError(f"{self!r} needs a last axis divisible by {self.pieces}, got shape {x.shape}")
        self.shape = x.shape
        z = x.reshape(x.shape[:-1] + (x.shape[-1] // self.pieces, self.pieces))
        out = z.max(axis=-1, keepdims=True)
        hit = z == out
        # In the input's float type: a bool array divided by counts would be float64.
        self.share = (hit / hit.sum(axis=-1, keepdims=True)).astype(x.dtype, copy=False)
        return out[..., 0]

    def backward(self, grad):
        return ((self.share * grad[..., None]).reshape(self.shape),)

    def expand(self, x):
        units = x.shape[-1] // self.pieces
        return x.reshape(x.shape[:-1] + (units, self.pieces)).max(axis=-1)

    @staticmethod
    def examples(rng):
        return [(Maxout(2), (_x(rng, (2, 6)),)), (Maxout(3), (_x(rng, (3,)),))]


# Functions of a tensor, by Keras' names.
def identity(x):
    return apply(Identity(), x)


linear = identity


def step(x, threshold=0.0):
    return apply(Step(threshold), x)


def sigmoid(x):
    return apply(Sigmoid(), x)


def tanh(x):
    return apply(Tanh(), x)


def relu(x):
    return apply(ReLU(), x)


def leaky_relu(x, alpha=0.3):
    return apply(LeakyReLU(alpha), x)


def gelu(x, approximate=False):
    return apply(GELU(approximate), x)


def softmax(x, axis=-1):
    return apply(Softmax(axis), x)


def log_softmax(x, axis=-1):
    return apply(LogSoftmax(axis), x)


def hardmax(x, axis=-1):
    return apply(Hardmax(axis), x)


def maxout(x, pieces=2):
    return apply(Maxout(pieces), x)


_BY_NAME = {"linear": identity, "identity": identity, None: identity, "step": step,
            "sigmoid": sigmoid, "tanh": tanh, "relu": relu, "leaky_relu": leaky_relu,
            "gelu": gelu, "softmax": softmax, "log_softmax": log_softmax,
            "hardmax": hardmax, "maxout": maxout}


def name_of(activation):
    """The Keras name of an activation (a name, None, or one of graphnet's own
    functions) for saving; ValueError for any other callable, which a file
    cannot hold."""
    if activation is None or isinstance(activation, str):
        return activation
    for name, fn in _BY_NAME.items():
        if fn is activation and name:
            return name
    raise ValueError(f"cannot save the activation {activation!r}: a model file holds names, not "
                     "code; use one of graphnet's activations or its name")


def get(identifier):
    """An activation function from a Keras name ('relu'), ``None`` (linear) or a callable."""
    if callable(identifier):
        return identifier
    try:
        return _BY_NAME[identifier]
    except (KeyError, TypeError):
        names = sorted(k for k in _BY_NAME if k)
        raise ValueError(f"unknown activation {identifier!r}{did_you_mean(identifier, names)}; "
                         f"known: {', '.join(names)}") from None


__all__ = ["Identity", "Step", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "GELU", "Softmax",
           "LogSoftmax", "Hardmax", "Maxout", "identity", "linear", "step", "sigmoid",
           "tanh", "relu", "leaky_relu", "gelu", "softmax", "log_softmax", "hardmax",
           "maxout", "get", "name_of"]
