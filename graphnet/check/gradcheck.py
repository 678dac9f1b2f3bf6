"""Gradient checking: analytic backward against float64 central differences.

``gradcheck`` takes a function of tensors, a Graph, an output Tensor, or a single
Node with its inputs. For graphs and functions it checks every input end to end
*and* every node on its own, so a wrong backward is named, not just noticed.

At a kink (ReLU at 0, a tie in a max, |x| at 0) the derivative does not exist
and central differences are meaningless. The checker compares the one-sided
differences (f(x+h)-f(x))/h and (f(x)-f(x-h))/h: on a smooth function they
differ by about h*f'', at a kink by O(1). Such elements are reported as kinks
instead of failures.

Central differences need float64, so ``gradcheck`` runs every node in float64.
``check_float32`` covers the float32 paths (the default type): it runs a node on
float32 inputs and compares its output and gradients with the float64 run.
"""
import copy
import inspect
from dataclasses import dataclass, field

import numpy as np

from ..core import Graph, Node, Variable


@dataclass
class Row:
    kind: str  # 'input' (end to end) or 'node' (one node's backward on its own)
    name: str
    shape: tuple
    max_abs: float = 0.0
    max_rel: float = 0.0
    checked: int = 0
    kinks: int = 0
    failed: int = 0
    problem: str = ""

    @property
    def ok(self):
        return self.failed == 0 and not self.problem

    @property
    def result(self):
        if self.problem:
            return "FAIL: " + self.problem
        if self.failed:
            return f"FAIL ({self.failed} of {self.checked} values)"
        return f"ok ({self.kinks} at kinks)" if self.kinks else "ok"


@dataclass
class Report:
    """The outcome of a gradient check: one row per input and per node."""

    rows: list = field(default_factory=list)
    eps: float = 1e-6
    rtol: float = 1e-5
    atol: float = 1e-7
    method: str = ""  # what the gradients were compared with, when not central differences

    @property
    def ok(self):
        return all(r.ok for r in self.rows)

    @property
    def failures(self):
        return [r for r in self.rows if not r.ok]

    def __bool__(self):
        return self.ok

    def raise_if_failed(self):
        if not self.ok:
            raise AssertionError(str(self))
        return self

    def __str__(self):
        failed = len(self.failures)
        head = (f"gradcheck: {len(self.rows)} checks, "
                + ("all passed" if not failed else f"{failed} FAILED")
                + f" ({self.method or f'float64 central differences, eps={self.eps:g}'}, "
                  f"rtol={self.rtol:g}, atol={self.atol:g})")
        table = [("kind", "name", "shape", "max abs err", "max rel err", "result")]
        for r in self.rows:
            table.append((r.kind, r.name, str(r.shape), f"{r.max_abs:.2e}", f"{r.max_rel:.2e}", r.result))
        widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
        lines = ["  " + "  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip() for line in table]
        return "\n".join([head] + lines)

    __repr__ = __str__


def _compare(row, analytic, x, objective, eps, rtol, atol):
    """Perturb each element of ``x`` in place, measure ``objective``, compare."""
    if analytic is None:
        row.problem = "backward returned None for a differentiable input"
        return
    analytic = np.asarray(analytic, dtype=np.float64)
    if analytic.shape != x.shape:
        row.problem = f"gradient has shape {analytic.shape}, input has shape {x.shape}"
        return
    base = objective()
    flat, grad = x.reshape(-1), analytic.reshape(-1)
    assert np.shares_memory(flat, x), "gradcheck needs a contiguous input copy"

    def differences(h):
        keep = flat[k]
        flat[k] = keep + h
        up = objective()
        flat[k] = keep - h
        down = objective()
        flat[k] = keep
        return (up - base) / h, (base - down) / h, (up - down) / (2 * h)

    for k in range(flat.size):
        ahead, behind, numeric = differences(eps)
        row.checked += 1
        gap = abs(ahead - behind)
        if gap > 1e-4 * max(1.0, abs(ahead), abs(behind)):
            # Curvature or a kink? On a smooth function the gap shrinks with the
            # step (about h * f''); at a kink it stays. Look again, 10x closer.
            ahead, behind, closer = differences(eps / 10)
            if abs(ahead - behind) > 0.5 * gap:
                row.kinks += 1
                continue
            numeric = closer  # smooth at this scale: a kink may lie just beyond it
        err = abs(grad[k] - numeric)
        scale = max(abs(grad[k]), abs(numeric))
        if not np.isfinite(err):  # NaN compares false with everything: catch it here
            row.max_abs = row.max_rel = float("nan")
            row.failed += 1
            continue
        row.max_abs = max(row.max_abs, err)
        row.max_rel = max(row.max_rel, err / scale if scale > 0 else 0.0)
        if err > atol + rtol * scale:
            row.failed += 1


def _float64(value):
    kind = np.result_type(value).kind
    return np.array(value, dtype=np.float64 if kind == "f" else None, order="C", copy=True)


def check_node(node, inputs, eps=1e-6, rtol=1e-5, atol=1e-7, seed=0, name=None):
    """One row per differentiable input of ``node`` applied to ``inputs``, with a
    random upstream gradient: objective = sum(G * node(inputs))."""
    node = copy.copy(node)  # leave the original's cache alone
    xs = [_float64(x) for x in inputs]
    out = node.forward(*xs)
    upstream = np.random.default_rng(seed).normal(size=np.shape(out))
    grads = node.backward(upstream)
    label = name or node.name
    rows = []
    if len(grads) != len(xs):
        return [Row("node", label, (), problem=f"backward returned {len(grads)} gradients "
                                               f"for {len(xs)} inputs")]
    for i, x in enumerate(xs):
        if x.dtype.kind != "f" or not node.wants(i):
            continue
        row = Row("node", f"{label} input {i}" if len(xs) > 1 else label, x.shape)
        _compare(row, grads[i], x, lambda: float(np.sum(upstream * node.forward(*xs))),
                 eps, rtol, atol)
        rows.append(row)
    return rows


def check_graph(graph, only=None, eps=1e-6, rtol=1e-5, atol=1e-7, seed=0):
    """End-to-end rows for the graph's leaves (or just ``only``) plus a row per node."""
    rng = np.random.default_rng(seed)
    saved = ([v.grad for v in graph.variables], graph.grads, graph.forward_version,
             graph.backward_version)
    feed = {i: _float64(graph.variables[i].value) for i in graph.leaves}
    slots = [graph.slot(v) for v in only] if only is not None else [
        i for i in graph.leaves if graph.needs_grad[i] and feed[i].dtype.kind == "f"]
    outs = graph.forward({graph.variables[i]: v for i, v in feed.items()})
    outs = outs if len(graph.outputs) > 1 else (outs,)
    weights = [rng.normal(size=np.shape(o)) for o in outs]

    def objective():
        values = graph.forward({graph.variables[i]: v for i, v in feed.items()})
        values = values if len(graph.outputs) > 1 else (values,)
        return float(sum(np.sum(w * v) for w, v in zip(weights, values)))

    rows = []
    try:
        objective()
        grads = graph.backward(seed=tuple(weights) if len(weights) > 1 else weights[0])
        node_inputs = [(node, [graph.values[j] for j in ins]) for node, ins, _ in graph.steps]
        for i in slots:
            var = graph.variables[i]
            row = Row("input", var.label, feed[i].shape)
            _compare(row, grads[i], feed[i], objective, eps, rtol, atol)
            rows.append(row)
        for k, (node, values) in enumerate(node_inputs):
            rows.extend(check_node(node, values, eps, rtol, atol, seed + k + 1))
    finally:
        graph.forward()  # back to the leaves' own values...
        for var, grad in zip(graph.variables, saved[0]):  # ...and their own gradients
            var.grad = grad
        graph.grads, graph.forward_version, graph.backward_version = saved[1:]
    return rows


def gradcheck(target, *inputs, eps=1e-6, rtol=1e-5, atol=1e-7, seed=0):
    """Check gradients of ``target`` against float64 central differences.

    - ``gradcheck(f, x, y)``: ``f`` takes tensors and returns a tensor; ``x, y`` are
      numbers or arrays. Rows for each input and for every node ``f`` records.
    - ``gradcheck(graph)`` or ``gradcheck(output_tensor)``: rows for every leaf that
      needs a gradient, and for every node.
    - ``gradcheck(node, x, y)``: rows for each input of one node.

    Returns a :class:`Report`; ``print`` it for the table, test ``report.ok``.
    """
    opts = dict(eps=eps, rtol=rtol, atol=atol)
    if isinstance(target, Node):
        rows = check_node(target, inputs, seed=seed, **opts)
    elif isinstance(target, (Graph, Variable)):
        graph = target if isinstance(target, Graph) else Graph(target)
        rows = check_graph(graph, seed=seed, **opts)
    elif callable(target):
        from ..ops.tensor import constant, tensor  # check sits beside ops; imported late
        names = _argument_names(target, len(inputs))
        leaves = [tensor(x, name=n) if x.dtype.kind == "f" else constant(x, n, dtype=x.dtype)
                  for x, n in ((_float64(x), n) for x, n in zip(inputs, names))]
        out = target(*leaves)
        graph = Graph(out)
        only = [leaf for leaf in leaves if leaf.dtype.kind == "f" and any(leaf is v for v in graph.variables)]
        rows = check_graph(graph, only=only, seed=seed, **opts)
    else:
        raise TypeError(f"gradcheck takes a function, a Graph, a Tensor or a Node, not {type(target).__name__}")
    return Report(rows, **opts)


def _run(node, inputs, seed):
    """A fresh copy's output and gradients for a random upstream gradient, with the
    same random draws (dropout masks) on every run."""
    from ..random import _rng
    saved, _rng[0] = _rng[0], np.random.default_rng(seed)
    try:
        node = copy.copy(node)
        out = np.array(node.forward(*[np.array(x, copy=True) for x in inputs]), copy=True)
        upstream = np.random.default_rng(seed).normal(size=out.shape).astype(out.dtype)
        return node, out, [None if g is None else np.array(g, copy=True) for g in node.backward(upstream)]
    finally:
        _rng[0] = saved


def check_float32(node, *inputs, rtol=1e-4, atol=1e-4, seed=0):
    """``node`` on float32 inputs against its float64 run on the same values: a row
    for the output and one per differentiable input's gradient.

    An element fails when it is off by more than ``rtol`` of itself plus ``atol``
    of the array's largest magnitude: float32 rounding gives about 1e-7, a
    gradient 1% off fails. A float32 run giving another type fails too.
    """
    single = [np.array(x, dtype=np.float32 if np.result_type(x).kind == "f" else None) for x in inputs]
    double = [x.astype(np.float64) if x.dtype.kind == "f" else x for x in single]
    ran, out64, grads64 = _run(node, double, seed)
    _, out32, grads32 = _run(node, single, seed)
    label, how = ran.name, dict(rtol=rtol, atol=atol, method="float32 against float64, atol of the largest value")
    if len(grads32) != len(single) or len(grads64) != len(single):
        return Report([Row("float32", label, (), problem=f"backward returned {len(grads32)} gradients "
                                                         f"for {len(single)} inputs")], **how)
    pairs = [(f"{label} output", out32, out64)] + [
        (f"{label} input {i}" if len(single) > 1 else label, grads32[i], grads64[i])
        for i, x in enumerate(single) if x.dtype.kind == "f" and ran.wants(i)]
    rows = []
    for name, got, want in pairs:
        row = Row("float32", name, np.shape(want))
        rows.append(row)
        if got is None or want is None or np.shape(got) != np.shape(want):
            row.problem = f"float32 gives {got if got is None else np.shape(got)}, float64 gives " \
                          f"{want if want is None else np.shape(want)}"
            continue
        if got.dtype != np.float32:
            row.problem = f"float32 inputs give {got.dtype}"
        err, scale = np.abs(got.astype(np.float64) - want), np.abs(want.astype(np.float64))
        largest = scale.max(initial=0.0)
        row.checked = err.size
        row.failed = int(np.sum(~(err <= rtol * scale + atol * largest)))  # NaN fails too
        row.max_abs = float(err.max(initial=0.0))
        row.max_rel = row.max_abs / largest if largest else 0.0
    return Report(rows, **how)


def _argument_names(f, n):
    try:
        params = [p.name for p in inspect.signature(f).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    return [params[i] if i < len(params) else f"x{i}" for i in range(n)]
