"""The graph engine: topological order, replayable forward, backward with fan-out."""
import copy
import gc
import itertools
from contextlib import contextmanager, nullcontext

import numpy as np

from . import events
from .errors import GraphError, OperandError, ShapeError, check_finite, node_failed, trapping
from .variable import Variable, _clock
from ..kernels.dispatch import as_array
from ..kernels.threads import one_blas_thread


_backward_stamps = itertools.count(1)  # tells one backward's gradients from another's
_ndarray = np.ndarray


class Graph:
    """The computation that produced ``outputs``, frozen into an explicit graph.

    The graph owns the order of evaluation and one value and one gradient slot
    per variable. Build it once, then

    - ``forward(feed)`` replays every node on new leaf values without re-tracing;
    - ``backward()`` seeds d(output)/d(output) = 1 and runs the nodes in reverse,
      summing gradients where a value fans out. Each call starts from zero unless
      ``accumulate=True``, so calling it twice gives the same answer twice.
    """

    def __init__(self, outputs):
        with _collector_paused():
            self._build([outputs] if isinstance(outputs, Variable) else list(outputs))

    def _build(self, outs):
        """Depth-first from the outputs, iteratively (a 10,000-step unrolled
        recurrence must not hit Python's recursion limit). A variable is placed
        once all its parents are, and its node's step is recorded right there:
        one pass, as this runs for every eager ``backward()``."""
        variables, slot, needs, steps, leaves = [], {}, [], [], []
        now, stale = _clock[0], None
        for out in outs:
            stack = [out]
            while stack:
                var = stack[-1]
                if var in slot:  # variables hash by identity
                    stack.pop()
                    continue
                parents = var.parents
                ready = True
                for parent in reversed(parents):  # the first operand comes off the stack first
                    if parent not in slot:
                        stack.append(parent)
                        ready = False
                if not ready:
                    continue
                stack.pop()
                i = slot[var] = len(variables)
                variables.append(var)
                node = var.node
                if node is None:
                    leaves.append(i)
                    needs.append(var.requires_grad)
                    continue
                if var._version != now and stale is None:
                    # Computed before some value changed: was it one of its inputs?
                    for parent in parents:
                        if parent._version > var._version:
                            stale = (parent, node)
                            break
                if len(parents) == 2:  # spelled out for speed: most nodes are binary
                    a, b = slot[parents[0]], slot[parents[1]]
                    ins, mask = (a, b), (needs[a], needs[b])
                else:
                    ins = tuple([slot[p] for p in parents])
                    mask = tuple([needs[j] for j in ins])
                node.needs = mask
                needs.append(True in mask)
                steps.append((node, ins, i))
        self.variables, self._slot, self.steps, self.leaves = variables, slot, steps, leaves
        self.outputs = tuple(slot[o] for o in outs)
        self.values = [v._value for v in variables]
        # For backward: the clock when the nodes last computed (now, for eager
        # tensors; each forward after), and an input changed after its node used it.
        self._tick, self._stale, self._fed = now, stale, ()
        self.grads = [None] * len(variables)
        self.needs_grad = needs
        # Backward visits only nodes through which some gradient is wanted.
        self._backward_steps = [s for s in reversed(self.steps) if needs[s[2]]]
        # Until its first replay, the graph shares its nodes (and their caches)
        # with the eager tensors it was built from; see _take_nodes.
        self._owns_nodes = False
        self._splits = None  # whether a node splits its work (see _blas_policy)
        # Versions let drawings tell current gradients from stale ones.
        self.forward_version = 0
        self.backward_version = None

    # --- looking things up -------------------------------------------------
    def __len__(self):
        return len(self.variables)

    def __repr__(self):
        return (f"Graph({len(self.steps)} nodes, {len(self.leaves)} leaves, "
                f"outputs={[self.variables[o].label for o in self.outputs]})")

    @property
    def nodes(self):
        return [node for node, _, _ in self.steps]

    def slot(self, key):
        """The slot of a variable, given the variable itself or its name."""
        if isinstance(key, str):
            found = [i for i, var in enumerate(self.variables) if var.name == key]
            if len(found) > 1:
                raise GraphError(f"{len(found)} variables are named {key!r} in this graph: "
                                 "use the variable itself")
            if not found:
                raise KeyError(f"no variable named {key!r} in this graph")
            return found[0]
        try:
            return self._slot[key]
        except (KeyError, TypeError):
            raise KeyError(f"{key!r} is not part of this graph") from None

    def value(self, key):
        return self.values[self.slot(key)]

    def grad(self, key):
        return self.grads[self.slot(key)]

    def role_slots(self, role):
        return [i for i in self.leaves if self.variables[i].role == role]

    @property
    def gradients_current(self):
        """True when the gradients were computed from the values now held."""
        return self.backward_version == self.forward_version

    # --- running ------------------------------------------------------------
    def forward(self, feed=None):
        """Re-run every node on the leaves' current values, or on ``feed``
        (a dict from input variable, or its name, to a new value).
        Returns the output value (a tuple of them for several outputs)."""
        if not self._owns_nodes:
            self._take_nodes()
        values = self.values
        self._tick, self._stale, self._fed = _clock[0], None, ()
        for i in self.leaves:
            values[i] = self.variables[i]._value
        if feed:
            self._fed = {self.slot(key) for key in feed}  # their variables' values went unused
            for key, new in feed.items():
                i = self.slot(key)
                var = self.variables[i]
                if var.node is not None:
                    raise GraphError(f"cannot feed '{var.label}': it is computed by "
                                        f"{var.node!r}; only leaves (inputs, parameters, "
                                        "constants) take new values")
                values[i] = _as_feed(new, values[i], self.variables[i])
        trap, observed = trapping(), events.active()
        with self._blas_policy():
            for k, (node, ins, out) in enumerate(self.steps):
                args = [values[j] for j in ins]
                try:
                    values[out] = node.forward(*args)
                except Exception as exc:
                    raise node_failed(node, args, exc) from exc
                if trap:
                    check_finite(node, "forward", "output", values[out])
                if observed:
                    events.emit(events.StepEvent("forward", k, node, tuple(args), values[out],
                                                 slots=ins + (out,)))
        self.forward_version += 1
        return self.output_values()

    def set_training(self, training):
        """Switch the nodes that behave differently while training (dropout):
        a model keeps one graph for training and one for inference."""
        if not self._owns_nodes:
            self._take_nodes()
        for node, _, _ in self.steps:
            if hasattr(node, "training"):
                node.training = training
        return self

    def _take_nodes(self):
        """Replace the nodes by copies before the first replay.

        A replay overwrites each node's cache. Were the nodes shared with eager
        tensors, a later ``tensor.backward()`` would differentiate at the
        replayed values instead of the tensors' own. Copying once keeps the two
        apart; every later replay reuses the copies, so nothing is re-traced.
        """
        copies = {id(node): copy.copy(node) for node, _, _ in self.steps}
        self.steps = [(copies[id(node)], ins, out) for node, ins, out in self.steps]
        self._backward_steps = [(copies[id(node)], ins, out) for node, ins, out in self._backward_steps]
        self._owns_nodes = True

    def output_values(self):
        outs = tuple(self.values[o] for o in self.outputs)
        return outs[0] if len(outs) == 1 else outs

    def backward(self, seed=None, accumulate=False):
        """Gradients of the outputs with respect to every variable that needs one.

        ``seed`` is d(something)/d(output), one per output; by default ones, i.e.
        d(output)/d(output) = 1. The gradients land in ``self.grads`` and on each
        variable's ``.grad``; with ``accumulate=True`` they are added to what the
        variables already hold (for gradients summed over several graphs).
        """
        with _collector_paused(), self._blas_policy():
            return self._backward(seed, accumulate)

    def _blas_policy(self):
        """BLAS held to one thread when some node splits its work over the cores
        itself (see kernels/threads.py); otherwise BLAS keeps its own threads."""
        if self._splits is None:  # the nodes never change kind: look once
            self._splits = any(node.splits_work for node, _, _ in self.steps)
        return one_blas_thread() if self._splits else nullcontext()

    def _check_current(self):
        """Refuse to differentiate at values the nodes did not compute with: their
        caches hold the old ones, so the gradients would mix old and new."""
        replayed = self.forward_version > 0  # forward() clears _stale
        if self._stale is not None:
            var, node = self._stale
            raise GraphError(f"{_described(var)} changed after {node!r} used it (its .value was "
                             "assigned or marked changed): backward() would mix its old and new "
                             f"values. {_how_to_recompute}")
        # After a replay only the leaves feed the nodes; before, any tensor's value did.
        for i in (self.leaves if replayed else range(len(self.variables))):
            var = self.variables[i]
            if var._version > self._tick and i not in self._fed:
                since = "this graph's last forward()" if replayed else "this graph was computed"
                raise GraphError(f"{_described(var)} changed after {since} (its .value was "
                                 "assigned or marked changed): backward() would mix its old and "
                                 f"new values. {_how_to_recompute}")
        self._tick = _clock[0]  # checked: no need to look again until something changes

    def _backward(self, seed, accumulate):
        if self._stale is not None or _clock[0] != self._tick:  # some value changed since
            self._check_current()
        values = self.values
        grads = [None] * len(values)
        if len(self.outputs) == 1:
            seeds = (seed,)
        elif seed is None:
            seeds = (None,) * len(self.outputs)
        elif isinstance(seed, (tuple, list)) and len(seed) == len(self.outputs):
            seeds = seed
        else:
            raise GraphError(f"this graph has {len(self.outputs)} outputs: give backward one "
                             "seed per output, as a tuple, or none")
        for o, s in zip(self.outputs, seeds):
            grads[o] = np.ones_like(values[o]) if s is None else _as_seed(s, values[o], self.variables[o])
        trap, observed = trapping(), events.active()
        shared = []  # slots holding a gradient that another slot holds too
        for k, (node, ins, out) in enumerate(self._backward_steps):
            upstream = grads[out]
            if upstream is None:
                continue
            try:
                input_grads = node.backward(upstream)
            except Exception as exc:
                raise node_failed(node, [upstream], exc, phase="backward") from exc
            if trap:
                for pos, g in enumerate(input_grads):
                    if g is not None:
                        check_finite(node, "backward", f"gradient for input {pos}", g)
            # Sum where a value fans out; never in place, as slots may share arrays.
            # A gradient that is also another slot's (Add hands its upstream to both
            # inputs, Identity passes it on) is noted, and copied once all are done.
            if len(ins) == 2:  # spelled out for speed: most nodes are binary
                (a, b), (ga, gb), (need_a, need_b) = ins, input_grads, node.needs
                if need_a and ga is not None:
                    if grads[a] is None:
                        grads[a] = ga
                        if ga is upstream or ga is gb:
                            shared.append(a)
                    else:
                        grads[a] = grads[a] + ga
                if need_b and gb is not None:
                    if grads[b] is None:
                        grads[b] = gb
                        if gb is upstream:
                            shared.append(b)
                    else:
                        grads[b] = grads[b] + gb
            elif len(ins) == 1:  # activations, reductions, reshapes
                (j,), (g,) = ins, input_grads
                if node.needs[0] and g is not None:
                    if grads[j] is None:
                        grads[j] = g
                        if g is upstream:
                            shared.append(j)
                    else:
                        grads[j] = grads[j] + g
            else:
                for pos, (j, g, need) in enumerate(zip(ins, input_grads, node.needs)):
                    if need and g is not None:
                        if grads[j] is None:
                            grads[j] = g
                            if g is upstream or pos and any(g is h for h in input_grads[:pos]):
                                shared.append(j)
                        else:
                            grads[j] = grads[j] + g
            if observed:
                events.emit(events.StepEvent(
                    "backward", k, node, tuple(values[j] for j in ins), values[out],
                    upstream=upstream, input_grads=tuple(input_grads),
                    local=node.local_derivatives(), slots=ins + (out,)))
        # Every tensor gets a gradient object of its own, 0-d ones too, safe to change
        # in place. Copied here, not as they arise, as the copies are then not read
        # again (faster); for scalars unary plus is the cheapest copy.
        for j in shared:
            g = grads[j]
            grads[j] = g.copy() if getattr(g, "ndim", 0) else +g
        # The stamp names this backward and the outputs it started from (by id:
        # variables must not reference their descendants).
        handed_out = set()
        stamp = (next(_backward_stamps), tuple(sorted(id(self.variables[o]) for o in self.outputs)))
        for i, var in enumerate(self.variables):
            g = grads[i]
            if accumulate and var.grad is not None:
                g = var.grad if g is None else var.grad + g
            elif getattr(g, "ndim", 0):
                # Reshape passes views, and nodes may keep or pass on what they return.
                if g.base is not None or id(g) in handed_out:
                    g = g.copy()
                handed_out.add(id(g))
            elif type(g) is _ndarray and g.base is not None:  # a 0-d view
                g = g.copy()
            grads[i] = var.grad = g
            var.grad_stamp = stamp
        self.grads = grads
        self.backward_version = self.forward_version
        return grads


_how_to_recompute = ("Run forward again first: graph.forward() replays a graph on the current "
                     "values (model.fit does this every step); for tensors, compute the "
                     "expression again, then call backward()")


def _described(var):
    if var.node is not None:
        return f"'{var.name}', the output of {var.node!r}," if var.name else f"the output of {var.node!r}"
    shape = np.shape(var._value)
    return f"{var.role} '{var.name}'" if var.name else f"an unnamed {var.role} of shape {shape}"


def _as_seed(seed, output, var):
    """``seed`` broadcast to the output's shape and type: d(something)/d(output)."""
    seed = np.asarray(getattr(seed, "value", seed), dtype=np.result_type(output))
    try:
        return np.broadcast_to(seed, np.shape(output)).copy()
    except ValueError:
        raise ShapeError(f"backward seed of shape {seed.shape} does not fit output "
                         f"'{var.label}' of shape {np.shape(output)}") from None


def _as_feed(new, traced, var):
    value = getattr(new, "value", new)  # accept a Tensor as well as an array
    arr = as_array(value)
    if arr.dtype.kind not in "biuf":
        raise OperandError(f"cannot feed {type(value).__name__} {value!r} to "
                           f"{var.role} '{var.label}': expected numbers")
    traced_dtype = np.result_type(traced)
    # Like tensor(): Python numbers and lists take the graph's float type;
    # NumPy floats keep their own.
    if traced_dtype.kind == "f" and (arr.dtype.kind != "f" or not hasattr(value, "dtype")):
        arr = arr.astype(traced_dtype)
    return arr[()] if arr.ndim == 0 else arr


@contextmanager
def _collector_paused():
    """Pause Python's cyclic garbage collector while the engine allocates in bulk.

    Graphs hold no reference cycles (variables point to parents, never back), so
    reference counting frees everything and the collector has nothing to find;
    left on, it would rescan the whole growing graph again and again.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def topological_order(outputs):
    """Every variable ``outputs`` depend on, parents before children."""
    return Graph(outputs).variables
