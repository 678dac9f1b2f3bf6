"""Primitive nodes and the tensor front-end whose operators create them."""
from .arithmetic import Abs, Add, Div, Exp, Log, Maximum, Minimum, Mul, Neg, Pow, Sqrt, Sub
from .functional import (absolute, concatenate, exp, log, matmul, max, maximum, mean, minimum,
                         reshape, sqrt, stack, sum, transpose)
from .matrix import MatMul, Transpose
from .reduce import Max, Mean, Sum
from .shape import Concat, GetItem, Pad, Reshape, Stack
from .tensor import Tensor, apply, constant, parameter, tensor
