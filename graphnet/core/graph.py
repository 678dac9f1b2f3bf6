"""The graph engine: topological order, replayable forward, backward with fan-out."""
import numpy as np

from . import events
from .errors import OperandError, check_finite, node_failed, trapping
from .variable import Variable, topological_order


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
        outs = [outputs] if isinstance(outputs, Variable) else list(outputs)
        self.variables, self._slot = topological_order(outs)
        slot = self._slot
        self.outputs = tuple(slot[id(o)] for o in outs)
        self.values = [v.value for v in self.variables]
        self.grads = [None] * len(self.variables)
        self.leaves = [i for i, v in enumerate(self.variables) if v.node is None]

        needs = []  # does variable i need a gradient?
        self.steps = []  # (node, input slots, output slot), in evaluation order
        for i, var in enumerate(self.variables):
            node = var.node
            if node is None:
                needs.append(var.requires_grad)
                continue
            parents = var.parents
            if len(parents) == 2:  # spelled out for speed: most nodes are binary
                a, b = slot[id(parents[0])], slot[id(parents[1])]
                ins, mask = (a, b), (needs[a], needs[b])
            else:
                ins = tuple([slot[id(p)] for p in parents])
                mask = tuple([needs[j] for j in ins])
            node.needs = mask
            needs.append(True in mask)
            self.steps.append((node, ins, i))
        self.needs_grad = needs
        # Backward visits only nodes through which some gradient is wanted.
        self._backward_steps = [s for s in reversed(self.steps) if needs[s[2]]]
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
            for i, var in enumerate(self.variables):
                if var.name == key:
                    return i
            raise KeyError(f"no variable named {key!r} in this graph")
        try:
            return self._slot[id(key)]
        except KeyError:
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
        values = self.values
        for i in self.leaves:
            values[i] = self.variables[i].value
        if feed:
            for key, new in feed.items():
                i = self.slot(key)
                values[i] = _as_feed(new, values[i], self.variables[i])
        trap, observed = trapping(), events.active()
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
        values = self.values
        grads = [None] * len(values)
        seeds = seed if isinstance(seed, (tuple, list)) else (seed,) * len(self.outputs)
        for o, s in zip(self.outputs, seeds):
            grads[o] = np.ones_like(values[o]) if s is None else np.asarray(s, dtype=np.result_type(values[o]))
        trap, observed = trapping(), events.active()
        for k, (node, ins, out) in enumerate(self._backward_steps):
            upstream = grads[out]
            if upstream is None:
                continue
            input_grads = node.backward(upstream)
            for j, g, need in zip(ins, input_grads, node.needs):
                if need and g is not None:
                    if trap:
                        check_finite(node, "backward", f"gradient for input {ins.index(j)}", g)
                    # Never in place: a slot may share its array with another.
                    grads[j] = g if grads[j] is None else grads[j] + g
            if observed:
                events.emit(events.StepEvent(
                    "backward", k, node, tuple(values[j] for j in ins), values[out],
                    upstream=upstream, input_grads=tuple(input_grads),
                    local=node.local_derivatives(), slots=ins + (out,)))
        for i, var in enumerate(self.variables):
            if accumulate and var.grad is not None:
                if grads[i] is not None:
                    grads[i] = var.grad + grads[i]
                else:
                    grads[i] = var.grad
            var.grad = grads[i]
        self.grads = grads
        self.backward_version = self.forward_version
        return grads


def _as_feed(new, traced, var):
    value = getattr(new, "value", new)  # accept a Tensor as well as an array
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        raise OperandError(f"cannot feed {type(value).__name__} {value!r} to "
                           f"{var.role} '{var.label}': expected numbers")
    traced_dtype = np.result_type(traced)
    if traced_dtype.kind == "f" and arr.dtype.kind != "f":
        arr = arr.astype(traced_dtype)
    return arr
