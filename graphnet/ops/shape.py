"""Nodes that move values around without arithmetic: reshape and indexing."""
import numpy as np

from ..core import Node, ShapeError


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
        dx = np.zeros(self.x_shape, dtype=np.result_type(grad, self.x_dtype))
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
