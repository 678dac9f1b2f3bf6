"""Nodes that move values around without arithmetic: reshape and indexing."""
import numpy as np

from ..core import Node, ShapeError
from ..kernels.dispatch import like


class Reshape(Node):
    formula = "reshape(x)"

    def __init__(self, shape, name=None):
        super().__init__(name)
        self.shape = tuple(shape)

    def describe(self):
        return str(self.shape)

    def forward(self, x):
        self.in_shape = x.shape
        try:
            return x.reshape(self.shape)
        except ValueError:
            raise ShapeError(f"{self!r} cannot reshape {x.shape} ({x.size} values) "
                             f"into {self.shape}") from None

    def backward(self, grad):
        return (grad.reshape(self.in_shape),)

    @staticmethod
    def examples(rng):
        return [(Reshape((3, 2)), (rng.normal(size=(2, 3)),)),
                (Reshape((-1,)), (rng.normal(size=(2, 2, 2)),))]


def _is_basic(index):
    parts = index if isinstance(index, tuple) else (index,)
    return all(isinstance(p, (int, np.integer, slice)) or p is None or p is Ellipsis
               for p in parts)


def format_index(index):
    parts = index if isinstance(index, tuple) else (index,)

    def one(p):
        if isinstance(p, slice):
            return ":".join("" if v is None else str(v) for v in (p.start, p.stop)) + (
                f":{p.step}" if p.step is not None else "")
        if p is Ellipsis:
            return "..."
        if p is None:
            return "None"
        return str(np.asarray(p).tolist())
    return "[" + ", ".join(one(p) for p in parts) + "]"


class GetItem(Node):
    """``x[index]``: basic slicing, and integer or boolean array indexing.

    Backward scatters the gradient into zeros of x's shape; repeated indices add up.
    """

    formula = "x[i]"
    derivatives = ("1 at the picked places",)

    def __init__(self, index, name=None):
        super().__init__(name)
        self.index = index
        self.basic = _is_basic(index)

    def describe(self):
        return format_index(self.index)

    def forward(self, x):
        self.x_shape, self.x_dtype = x.shape, x.dtype
        try:
            return x[self.index]
        except IndexError as exc:
            raise ShapeError(f"{self!r}: index {format_index(self.index)} does not fit "
                             f"an input of shape {x.shape}: {exc}") from None

    def backward(self, grad):
        dx = np.zeros(self.x_shape, dtype=np.result_type(grad, self.x_dtype), like=like(grad))
        if self.basic:
            dx[self.index] = grad
        else:
            np.add.at(dx, self.index, grad)
        return (dx,)

    @staticmethod
    def examples(rng):
        x = rng.normal(size=(3, 4))
        return [(GetItem((1, slice(None))), (x,)), (GetItem((slice(0, 2), 3)), (x,)),
                (GetItem(np.array([0, 2, 0])), (x,)), (GetItem((Ellipsis, None, 1)), (x,))]


class _Joining(Node):
    """Joins any number of inputs along ``axis``."""

    abstract = True

    def __init__(self, axis=0, name=None):
        super().__init__(name)
        self.axis = axis

    def describe(self):
        return f"axis={self.axis}" if self.axis else ""


class Stack(_Joining):
    """Joins same-shaped inputs along a new axis (any number of inputs)."""

    formula = "stack(x₀, x₁, …)"

    def forward(self, *xs):
        shapes = {x.shape for x in xs}
        if len(shapes) > 1:
            raise ShapeError(f"{self!r} needs inputs of one shape, got {sorted(shapes)}")
        self.count = len(xs)
        return np.stack(xs, axis=self.axis)

    def backward(self, grad):
        return tuple(np.take(grad, i, axis=self.axis) for i in range(self.count))

    @staticmethod
    def examples(rng):
        return [(Stack(), tuple(rng.normal(size=(2,)) for _ in range(3))),
                (Stack(axis=-1), (rng.normal(size=(2, 3)), rng.normal(size=(2, 3))))]


class Concat(_Joining):
    """Joins inputs end to end along an existing axis."""

    formula = "concat(x₀, x₁, …)"

    def forward(self, *xs):
        self.sizes = [x.shape[self.axis] for x in xs]
        try:
            return np.concatenate(xs, axis=self.axis)
        except ValueError as exc:
            raise ShapeError(f"{self!r} cannot join shapes "
                             f"{', '.join(str(x.shape) for x in xs)} along axis {self.axis}: {exc}") from None

    def backward(self, grad):
        return tuple(np.split(grad, np.cumsum(self.sizes)[:-1], axis=self.axis))

    @staticmethod
    def examples(rng):
        return [(Concat(), (rng.normal(size=(2, 3)), rng.normal(size=(1, 3)))),
                (Concat(axis=1), (rng.normal(size=(2, 1)), rng.normal(size=(2, 2))))]


class Pad(Node):
    """Surrounds the input with ``value`` (zeros by default): ``widths`` as in np.pad."""

    formula = "pad(x)"

    def __init__(self, widths, value=0.0, name=None):
        super().__init__(name)
        self.widths = tuple((int(a), int(b)) for a, b in widths)
        self.value = value

    def describe(self):
        return ", ".join(f"{a}:{b}" for a, b in self.widths)

    def forward(self, x):
        if len(self.widths) != x.ndim:
            raise ShapeError(f"{self!r} has widths for {len(self.widths)} axes, the input has {x.ndim}")
        self.inner = tuple(slice(a, a + n) for (a, _), n in zip(self.widths, x.shape))
        return np.pad(x, self.widths, constant_values=self.value)

    def backward(self, grad):
        return (grad[self.inner],)

    @staticmethod
    def examples(rng):
        return [(Pad(((1, 0), (2, 1))), (rng.normal(size=(2, 3)),)),
                (Pad(((0, 0), (1, 1), (1, 1), (0, 0)), value=-1.0), (rng.normal(size=(1, 2, 2, 2)),))]
