"""The values that flow along a graph's edges, and how they are ordered."""

# What a variable is, for the engine and for drawings:
#   'input'     a leaf fed by the user (x, a batch of data);
#   'parameter' a leaf the optimizer trains (weights, biases);
#   'constant'  a leaf that never needs a gradient (2 in x * 2, labels);
#   'op'        the output of a node.
ROLES = ("input", "parameter", "constant", "op")


class Variable:
    """An edge end of the graph: a leaf, or the output of ``node`` applied to ``parents``.

    A variable points to its node and its parents, never the other way round, and
    nodes never point to variables: building graphs creates no reference cycles,
    so Python frees them by reference counting without waking the cyclic collector.
    """

    __slots__ = ("value", "grad", "grad_stamp", "node", "parents", "name", "role", "requires_grad")

    def __init__(self, value, role="input", name=None, requires_grad=False):
        self.value = value
        self.grad = None
        self.grad_stamp = None  # (backward number, ids of its outputs): who wrote .grad
        self.node = None
        self.parents = ()
        self.name = name
        self.role = role
        self.requires_grad = requires_grad

    @property
    def is_leaf(self):
        return self.node is None

    @property
    def label(self):
        if self.name:
            return self.name
        return self.node.name if self.node is not None else self.role
