"""The tensor front-end: operators compute eagerly and record the graph.

``g = (x + y) * z`` computes -12 at once and leaves behind a graph that
``g.backward()`` (or ``Graph(g)``) walks: micrograd's idea, on NumPy arrays.
"""
import numpy as np

from .. import config
from ..core import Graph, OperandError, Variable, events
from ..core.errors import _trap, check_finite, node_failed
from ..core.events import _observers
from ..core.variable import _clock
from . import arithmetic as A
from .matrix import MatMul, Transpose
from .reduce import Max, Mean, Sum
from .shape import GetItem, Reshape
from ..kernels.dispatch import as_array as on_its_device, device_of, to_host


def as_array(data, dtype=None, what="Tensor", floats=None):
    """``data`` as a NumPy value. Python numbers and lists, and numbers that are not
    floats, become ``floats`` (by default ``floatx``); NumPy floats keep their type."""
    if isinstance(data, Variable):
        data = data.value
    try:
        arr = on_its_device(data, dtype=dtype)  # GPU arrays stay on the GPU
    except (TypeError, ValueError) as exc:
        raise OperandError(f"{what} expects a number or an array of numbers, got "
                           f"{type(data).__name__} {data!r:.60}: {exc}") from None
    if arr.dtype.kind not in "biuf":
        raise OperandError(f"{what} expects a number or an array of numbers, got "
                           f"{type(data).__name__} {data!r:.60}")
    if dtype is None and (arr.dtype.kind != "f" or not hasattr(data, "dtype")):
        # Python floats are float64 already: one rounding, straight to the type wanted.
        arr = arr.astype(floats or config.floatx())
    # A 0-d array becomes a NumPy scalar: arithmetic on those is ten times faster.
    return arr[()] if arr.ndim == 0 else arr


class Tensor(Variable):
    """A value in a graph. Arithmetic on tensors computes and records nodes.

    Make leaves with :func:`tensor`, :func:`parameter` and :func:`constant`;
    every operator returns a new Tensor whose ``node`` and ``parents`` say how it
    was computed. After ``out.backward()``, every tensor that ``out`` depends on
    holds ``.grad``: d(out)/d(tensor).
    """

    __slots__ = ()
    __array_ufunc__ = None  # makes ``ndarray + Tensor`` call Tensor.__radd__

    def __init__(self, data, name=None, requires_grad=True, role="input", dtype=None):
        if role not in ("input", "parameter", "constant"):
            raise ValueError(f"a leaf tensor's role is input, parameter or constant, not {role!r}")
        super().__init__(as_array(data, dtype), role, name,
                         requires_grad and role != "constant")

    # --- looking at it ------------------------------------------------------
    @property
    def shape(self):
        return np.shape(self._value)

    @property
    def ndim(self):
        return np.ndim(self._value)

    @property
    def dtype(self):
        return np.result_type(self._value)

    @property
    def size(self):
        return int(np.size(self._value))

    def __len__(self):
        if not self.shape:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def item(self):
        return to_host(self.value).item()

    def numpy(self):
        """The value as a NumPy array (copied back when it lives on a GPU)."""
        return to_host(self.value)

    @property
    def device(self):
        return device_of(self.value)

    def __repr__(self):
        def fmt(v):
            a = to_host(v)
            return f"{a.item():.6g}" if a.ndim == 0 else np.array2string(a, precision=4, threshold=12)
        parts = [fmt(self.value)]
        if self.grad is not None:
            parts.append(f"grad={fmt(self.grad)}")
        if self.name:
            parts.append(f"name={self.name!r}")
        elif self.node is not None:
            parts.append(f"node={self.node.name!r}")
        return f"Tensor({', '.join(parts)})"

    def backward(self, grad=None, accumulate=False):
        """Fill ``.grad`` of every tensor this one depends on with d(self)/d(tensor)."""
        Graph(self).backward(seed=grad, accumulate=accumulate)

    # --- operators ----------------------------------------------------------
    def __add__(self, other):
        return apply(A.Add(), self, other)

    def __radd__(self, other):
        return apply(A.Add(), other, self)

    def __sub__(self, other):
        return apply(A.Sub(), self, other)

    def __rsub__(self, other):
        return apply(A.Sub(), other, self)

    def __mul__(self, other):
        return apply(A.Mul(), self, other)

    def __rmul__(self, other):
        return apply(A.Mul(), other, self)

    def __truediv__(self, other):
        return apply(A.Div(), self, other)

    def __rtruediv__(self, other):
        return apply(A.Div(), other, self)

    def __pow__(self, other):
        return apply(A.Pow(), self, other)

    def __rpow__(self, other):
        return apply(A.Pow(), other, self)

    def __neg__(self):
        return apply(A.Neg(), self)

    def __matmul__(self, other):
        return apply(MatMul(), self, other)

    def __rmatmul__(self, other):
        return apply(MatMul(), other, self)

    def __getitem__(self, index):
        if isinstance(index, Variable):
            index = index.value
        elif isinstance(index, tuple):
            index = tuple(i.value if isinstance(i, Variable) else i for i in index)
        return apply(GetItem(index), self)

    def exp(self):
        return apply(A.Exp(), self)

    def log(self):
        return apply(A.Log(), self)

    def sqrt(self):
        return apply(A.Sqrt(), self)

    def abs(self):
        return apply(A.Abs(), self)

    def maximum(self, other):
        return apply(A.Maximum(), self, other)

    def minimum(self, other):
        return apply(A.Minimum(), self, other)

    def sum(self, axis=None, keepdims=False):
        return apply(Sum(axis, keepdims), self)

    def mean(self, axis=None, keepdims=False):
        return apply(Mean(axis, keepdims), self)

    def max(self, axis=None, keepdims=False):
        return apply(Max(axis, keepdims), self)

    def reshape(self, *shape):
        return apply(Reshape(shape[0] if len(shape) == 1 and not isinstance(shape[0], int) else shape), self)

    def transpose(self, *axes):
        axes = axes[0] if len(axes) == 1 and not isinstance(axes[0], int) else axes
        return apply(Transpose(axes or None), self)

    @property
    def T(self):
        return apply(Transpose(), self)


def _placed(leaf, device):
    if device is not None and device != leaf.device:
        from ..device import to_device
        to_device(leaf, device)
    return leaf


def tensor(data, name=None, requires_grad=True, dtype=None, device=None):
    """A leaf input: its gradient is computed (unless ``requires_grad=False``).
    ``device='cuda'`` puts its value on the GPU (see graphnet.device)."""
    return _placed(Tensor(data, name, requires_grad, "input", dtype), device)


def parameter(data, name=None, trainable=True, dtype=None, device=None):
    """A leaf that an optimizer trains: a weight or a bias."""
    return _placed(Tensor(data, name, trainable, "parameter", dtype), device)


def constant(data, name=None, dtype=None, device=None):
    """A leaf that never gets a gradient."""
    return _placed(Tensor(data, name, False, "constant", dtype), device)


def _operand(x, like, node):
    """Tensors pass through; numbers and arrays become constants of ``like``'s float type."""
    if isinstance(x, Tensor):
        return x
    if like is not None and (type(x) is float or type(x) is int):
        return _constant_leaf(like.type(x))
    try:
        # Lists take the tensor's type directly, as numbers do (NumPy's scalar rule):
        # through float32 first, a float64 tensor would meet float32-rounded numbers.
        arr = as_array(x, what=f"{node.op} '{node.name}'", floats=like)
    except OperandError as exc:
        raise OperandError(f"{node!r} cannot use {type(x).__name__} {x!r:.60} as an operand: "
                           "expected a Tensor, a number or an array of numbers") from exc
    if like is not None and arr.dtype.kind == "f" and arr.dtype != like:
        arr = arr.astype(np.result_type(arr, like))
    return _constant_leaf(arr)


def _constant_leaf(value):
    # Skips Tensor.__init__'s checks: the value is already a clean array.
    leaf = Tensor.__new__(Tensor)
    Variable.__init__(leaf, value, "constant", None, False)
    return leaf


def apply(node, *args):
    """Run ``node`` on ``args`` now and return its output as a Tensor that
    remembers ``node`` and its parents.

    This runs once per operation of every eager graph, so it is written for speed:
    no generators, and no work for the trap or the observers unless they are on.
    """
    for a in args:
        if not isinstance(a, Tensor):
            args = _operands(args, node)
            break
    try:
        if len(args) == 2:  # spelled out: comprehensions cost a frame each
            a, b = args
            out = node.forward(a._value, b._value)
            requires_grad = a.requires_grad or b.requires_grad
        elif len(args) == 1:
            out = node.forward(args[0]._value)
            requires_grad = args[0].requires_grad
        else:
            out = node.forward(*[a._value for a in args])
            requires_grad = any([a.requires_grad for a in args])
    except Exception as exc:
        raise node_failed(node, [a._value for a in args], exc) from exc
    result = Tensor.__new__(Tensor)
    result._value, result.grad, result.grad_stamp = out, None, None  # three: no tuple is built
    result._version = _clock[0]  # the clock now, which a parent changed later would be past
    result.node, result.parents = node, args
    result.name, result.role, result.requires_grad = None, "op", requires_grad
    if _trap[0]:
        check_finite(node, "forward", "output", out)
    if _observers:
        events.emit(events.StepEvent("forward", -1, node, tuple([a._value for a in args]), out))
    return result


def _operands(args, node):
    # The float type of the tensor operands (promoted, for nodes of several), which
    # the numbers and lists among them take, whichever side they are on.
    like = None
    for a in args:
        if isinstance(a, Tensor):
            dtype = a._value.dtype
            if dtype.kind == "f":
                like = dtype if like is None or like == dtype else np.promote_types(like, dtype)
    return tuple([_operand(a, like, node) for a in args])
