"""The values that flow along a graph's edges, and how they are ordered."""

# What a variable is, for the engine and for drawings:
#   'input'     a leaf fed by the user (x, a batch of data);
#   'parameter' a leaf the optimizer trains (weights, biases);
#   'constant'  a leaf that never needs a gradient (2 in x * 2, labels);
#   'op'        the output of a node.
ROLES = ("input", "parameter", "constant", "op")

# One clock for every variable, ticking only when a value changes after it was
# made (assignment or ``mark_changed``). A leaf's ``_version`` is the tick of its
# last change (0: never changed); an op output's is the tick it was computed at.
# A parent whose tick is later than its child's changed after the child used it.
_clock = [0]


class Variable:
    """An edge end of the graph: a leaf, or the output of ``node`` applied to ``parents``.

    A variable points to its node and its parents, never the other way round, and
    nodes never point to variables: building graphs creates no reference cycles,
    so Python frees them by reference counting without waking the cyclic collector.

    Assigning ``.value`` stamps the variable as changed, so that ``backward()`` on a
    graph computed from its old value fails instead of mixing old and new values.
    Changing the array's numbers in place cannot be seen: call ``mark_changed()``.
    """

    __slots__ = ("_value", "_version", "grad", "grad_stamp", "node", "parents", "name", "role",
                 "requires_grad")

    def __init__(self, value, role="input", name=None, requires_grad=False):
        self._value = value
        self._version = 0
        self.grad = None
        self.grad_stamp = None  # (backward number, ids of its outputs): who wrote .grad
        self.node = None
        self.parents = ()
        self.name = name
        self.role = role
        self.requires_grad = requires_grad

    @property
    def value(self):
        return self._value

    @value.setter
    def value(self, new):
        self._value = new
        _clock[0] += 1  # mark_changed(), spelled out: optimizers assign every step
        self._version = _clock[0]

    def mark_changed(self):
        """Say that ``.value`` changed in place (``w.value[...] = ...``, an optimizer's
        update): graphs computed before then must run forward again before backward."""
        _clock[0] += 1
        self._version = _clock[0]

    @property
    def is_leaf(self):
        return self.node is None

    @property
    def label(self):
        if self.name:
            return self.name
        return self.node.name if self.node is not None else self.role
