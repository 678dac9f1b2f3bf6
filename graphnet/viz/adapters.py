"""What can be drawn: anything an adapter turns into a View of a Graph.

A View is a Graph plus what a drawing may honestly say about each variable:
its value (or None: unknown) and its gradient with a status, so a picture made
before backward, or after the values changed, never passes off missing or
stale gradients as real ones. Tensors, Graphs and Nodes are built in; a model
registers its own adapter with ``register_adapter(Model, lambda m: m.graph)``.
"""
import copy
import inspect
from dataclasses import dataclass, replace
from typing import Optional

from ..core import Graph, Node, Variable
from ..ops.tensor import as_array

# Gradient status of one variable, as a drawing shows it:
#   'ok'       computed from the values shown;
#   'missing'  no backward has run yet: shown as "grad ?";
#   'stale'    computed before the values changed: shown marked as stale;
#   'partial'  (step-through) some, not all, contributions summed so far;
#   'none'     the variable takes no gradient (a constant, say): no grad shown.
GRAD_STATUSES = ("ok", "missing", "stale", "partial", "none")


@dataclass
class View:
    graph: Graph
    values: list
    grads: list
    grad_status: list
    title: Optional[str] = None
    schematic: bool = False  # a lone Node: placeholders, formula and derivative text
    # A model's graph is traced on a one-sample placeholder: show its batch axis
    # as None, as summary() and Keras do, not as 1.
    symbolic_batch: bool = False
    # Step indices whose backward has run (None: all of them, once gradients exist);
    # the step-through viewer needs it to reveal expanded composites' inner gradients.
    backward_done: Optional[set] = None
    # Known values, gradients and statuses of expanded composites' inner graphs,
    # by plan Level (a step-through frame knows them step by step); a Level not
    # here is worked out from its parent's state.
    inner: Optional[dict] = None
    # The one sentence a gradient picture shows when there are no gradients to
    # colour by: how to get them (a model: train it, or give a batch).
    grad_hint: Optional[str] = None

    def but(self, **changes):
        return replace(self, **changes)


_adapters = []  # (type, function), most recently registered first


def register_adapter(kind, to_drawable):
    """Teach ``draw`` and ``Stepper`` a new kind of target.

    ``to_drawable(target)`` returns a Tensor, a list of Tensors, a Graph or a View.
    It may also take the keywords ``batch`` (data the user gave to draw the target
    on, e.g. a model's ``(x, y)``) and ``gradients`` (True when the picture shows
    gradients); it is called with those it accepts.
    """
    _adapters.insert(0, (kind, to_drawable))


def view_of(target, inputs=None, batch=None, gradients=False):
    """The View that ``draw(target)`` draws."""
    if isinstance(target, View):
        return target
    for kind, to_drawable in _adapters:
        if isinstance(target, kind):
            return view_of(to_drawable(target, **_accepted(to_drawable, batch=batch, gradients=gradients)))
    if batch is not None:
        raise TypeError(f"batch= is for targets that compute on data (a model); "
                        f"a {type(target).__name__} already holds its values")
    if isinstance(target, Graph):
        return graph_view(target)
    if isinstance(target, Variable):
        return tensors_view([target])
    if isinstance(target, (list, tuple)) and target and all(isinstance(t, Variable) for t in target):
        return tensors_view(list(target))
    if isinstance(target, Node):
        return node_view(target, inputs)
    raise TypeError(f"cannot draw {type(target).__name__}: expected a Tensor, a list of "
                    "Tensors, a Graph or a Node (or register an adapter for it)")


def _accepted(fn, **options):
    """The keyword ``options`` that ``fn`` takes; a ``batch`` it cannot take is an error."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        params = {}
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return options
    taken = {k: v for k, v in options.items() if k in params}
    if options.get("batch") is not None and "batch" not in taken:
        raise TypeError(f"the adapter {getattr(fn, '__name__', fn)!r} draws without data: "
                        "it takes no batch=")
    return taken


def graph_view(graph):
    """A Graph knows which backward produced its gradients: trust its versions."""
    if graph.backward_version is None:
        status = "missing"
    elif graph.gradients_current:
        status = "ok"
    else:
        status = "stale"
    return View(graph, list(graph.values), list(graph.grads), _statuses(graph, status))


def tensors_view(outputs):
    """Eager tensors keep ``.grad`` and the stamp of the backward that wrote it,
    naming the outputs that backward started from: a gradient belongs to this
    drawing when that backward started from exactly these outputs."""
    graph = Graph(outputs)
    stamp = outputs[0].grad_stamp
    ours = (stamp is not None and stamp[1] == tuple(sorted(id(o) for o in outputs))
            and all(o.grad is not None and o.grad_stamp == stamp for o in outputs))
    grads = [v.grad if ours and v.grad_stamp == stamp else None for v in graph.variables]
    statuses = [("ok" if g is not None else "missing") if need else "none"
                for g, need in zip(grads, graph.needs_grad)]
    return View(graph, list(graph.values), grads, statuses)


def _statuses(graph, status):
    return [status if need else "none" for need in graph.needs_grad]


def node_view(node, inputs=None):
    """A lone Node drawn as a card: its inputs (placeholders, or ``inputs`` values),
    the formula, and the local derivative by each input on its edge."""
    arity = _arity(node, inputs)
    names = ("x",) if arity == 1 else ("a", "b") if arity == 2 else tuple(f"in{i}" for i in range(arity))
    values = [None] * arity if inputs is None else [as_array(v) for v in inputs]
    leaves = [Variable(values[i], "input", names[i], True) for i in range(arity)]
    out = Variable(_output(node, values), "op")
    out.node, out.parents = node, tuple(leaves)
    before = node.needs  # a Graph marks the nodes it holds; this one may belong to another
    try:
        graph = Graph(out)
    finally:
        node.needs = before
    values = [v.value for v in graph.variables]
    return View(graph, values, [None] * len(values), ["missing"] * len(values),
                title=f"{node.op} '{node.name}'", schematic=True)


def _output(node, values):
    """The node's output on ``values``, computed by a copy: the node itself may
    belong to a graph whose backward still needs what its forward cached."""
    if any(v is None for v in values):
        return None
    try:
        return copy.copy(node).forward(*values)
    except Exception:  # a drawing shows '?' rather than fail on a node it cannot run
        return None


def _arity(node, inputs):
    if inputs is not None:
        return len(inputs)
    if node.derivatives:
        return len(node.derivatives)
    params = inspect.signature(node.forward).parameters.values()
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        return 1
    return sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)
