"""The one contract every computation in graphnet follows."""
import itertools

# The layers being called, innermost last (Layer.__call__ keeps it): a node that
# fails while its layer runs is not tagged with the layer yet, but is named by it.
calling_layers = []


def layer_title(layer):
    """How messages name a layer: its Keras class and the name the user gave,
    ``Conv2D layer 'conv_big'``."""
    return f"{type(layer).__name__} layer '{layer.name}'"


class Node:
    """One operation of a graph.

    - ``forward(*inputs) -> output`` computes the value from NumPy values and keeps,
      on the node itself, whatever ``backward`` will need (CS231n's cache).
    - ``backward(grad_output) -> (grad_input_0, grad_input_1, ...)`` returns one
      gradient per input, each with that input's shape, or ``None`` for an input
      that is not differentiable (integer labels, say).

    A node is applied once: each use in a graph is its own instance, so the cache
    belongs to exactly one place in the graph. Nodes never see other nodes or the
    graph; the graph hands them values and collects their gradients.

    Optional, for teaching and drawing:

    - ``formula`` (class attribute): how the output is computed, e.g. ``"a * b"``;
    - ``symbol`` (class attribute): what a drawing's op circle says (None: the op's name);
    - ``derivatives`` (class attribute): the local derivative by each input, as text;
    - ``local_derivatives()``: for elementwise nodes, d(output)/d(input_i) as arrays;
    - ``expand(*inputs)``: for composite nodes, the same computation built from
      smaller nodes (a Tensor-level function); ``None`` for primitives.

    Every concrete subclass in graphnet defines ``examples(rng)``: the example inputs
    the gradient-check registry runs it on (see ``graphnet.check.registry``).
    """

    # Slots, not a __dict__: a scalar graph makes one node per operation, and
    # fewer objects per node means less work for Python's garbage collector.
    __slots__ = ("id", "_name", "needs", "layer")
    formula = None
    derivatives = None
    symbol = None  # what a drawing's op circle says (None: the op's name)
    # Attributes holding reusable work buffers: a copy of the node (a graph's
    # replay copy, say) must get its own, or two nodes would write one array.
    scratch = ()
    # True for nodes that deal their work to the cores themselves (kernels/threads.py):
    # graphs holding one run BLAS single-threaded.
    splits_work = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._ids = itertools.count(1)

    def __init__(self, name=None):
        self.id = next(type(self)._ids)
        self._name = name
        self.needs = None  # set by the graph: which inputs need a gradient (None: all)

    @property
    def op(self):
        return type(self).__name__

    @property
    def name(self):
        # Computed on demand: formatting a string per node would tax every eager op.
        return self._name or f"{type(self).__name__.lower()}_{self.id}"

    @property
    def label(self):
        """A short text for drawings, e.g. ``Sum(axis=1)``."""
        args = self.describe()
        return f"{self.op}({args})" if args else self.op

    def describe(self):
        """The node's settings as text (axis, shape, index...); empty for none."""
        return ""

    def forward(self, *inputs):
        raise NotImplementedError(f"{type(self).__name__} must implement forward")

    def backward(self, grad_output):
        raise NotImplementedError(f"{type(self).__name__} must implement backward")

    def layer_name(self):
        """The name of the layer that applied this node, if a layer did."""
        layer = getattr(self, "layer", None)
        return getattr(layer, "name", None)

    def wants(self, i):
        """Whether input ``i`` needs a gradient (lets costly nodes skip work)."""
        return self.needs is None or self.needs[i]

    def local_derivatives(self):
        return None

    def expand(self, *inputs):
        return None

    def __copy__(self):
        twin = object.__new__(type(self))
        for cls in type(self).__mro__:
            for slot in cls.__dict__.get("__slots__", ()):
                if hasattr(self, slot):
                    object.__setattr__(twin, slot, getattr(self, slot))
        if hasattr(self, "__dict__"):
            twin.__dict__.update((k, v) for k, v in self.__dict__.items() if k not in self.scratch)
        return twin

    def __repr__(self):
        # What messages call the node: a plain node by its own name; one a layer
        # applied by that layer, as the user named it ("Dense layer 'hidden'"), with
        # the node too when it is one of several inside ("Pad 'pad_3' in Conv2D layer 'c'").
        own = f"{self.op} '{self.name}'"
        layer = getattr(self, "layer", None) or (calling_layers[-1] if calling_layers else None)
        if layer is None:
            return own
        main = self.op == type(layer).__name__ or type(self) is getattr(layer, "node", None)
        return layer_title(layer) if main else f"{own} in {layer_title(layer)}"
