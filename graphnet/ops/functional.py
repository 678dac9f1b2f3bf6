"""The tensor operations as functions (NumPy's names), on Tensors, numbers or arrays."""
from .arithmetic import Maximum, Minimum
from .matrix import MatMul
from .shape import Concat, Stack
from .tensor import Tensor, apply, constant


def lift(x):
    """A lone operand as a Tensor (``floatx`` for numbers). Functions of two operands
    hand both to ``apply`` instead, so numbers take the other tensor's float type."""
    return x if isinstance(x, Tensor) else constant(x)


def exp(x):
    return lift(x).exp()


def log(x):
    return lift(x).log()


def sqrt(x):
    return lift(x).sqrt()


def absolute(x):
    return lift(x).abs()


def maximum(a, b):
    return apply(Maximum(), a, b)


def minimum(a, b):
    return apply(Minimum(), a, b)


def matmul(a, b):
    return apply(MatMul(), a, b)


def sum(x, axis=None, keepdims=False):  # noqa: A001 - NumPy's name, on purpose
    return lift(x).sum(axis, keepdims)


def mean(x, axis=None, keepdims=False):
    return lift(x).mean(axis, keepdims)


def max(x, axis=None, keepdims=False):  # noqa: A001
    return lift(x).max(axis, keepdims)


def reshape(x, shape):
    return lift(x).reshape(shape)


def transpose(x, axes=None):
    return lift(x).transpose(axes)


def stack(tensors, axis=0):
    return apply(Stack(axis), *tensors)


def concatenate(tensors, axis=0):
    return apply(Concat(axis), *tensors)
