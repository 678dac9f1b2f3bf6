"""Chapter 1 of the course, computational graphs, as runnable examples.

- the worked example ``g = (x + y) * z`` with x = 1, y = 3, z = -3;
- hand-wired networks given as a dictionary of weights (``node_0``, ``node_1``,
  ``output``; or ``node_0_0`` ... for two hidden layers), evaluated one row or
  many rows at a time, as graphs whose every weight is a parameter node.
"""
import pathlib
import re

import numpy as np

from ..core import Graph
from ..nn import relu, tanh
from ..ops import parameter, stack, tensor

# The course's weights (CURRICULUM.md, section 1).
ONE_HIDDEN_LAYER = {"node_0": [3, 3], "node_1": [1, 5], "output": [2, -1]}
ONE_HIDDEN_LAYER_INPUT = [-1, 2]
TWO_HIDDEN_LAYERS = {"node_0_0": [2, 4], "node_0_1": [4, -5],
                     "node_1_0": [-1, 1], "node_1_1": [2, 2], "output": [2, 7]}
TWO_HIDDEN_LAYERS_INPUT = [3, 5]

ACTIVATIONS = {"relu": relu, "tanh": tanh, "linear": lambda t: t}


def worked_example(x=1.0, y=3.0, z=-3.0):
    """p = x + y, g = p * z, computed forward and then backward.

    Returns the tensors by name; each holds ``.value`` and ``.grad``.
    """
    x, y, z = tensor(x, name="x"), tensor(y, name="y"), tensor(z, name="z")
    p = x + y
    p.name = "p"
    g = p * z
    g.name = "g"
    g.backward()
    return {"x": x, "y": y, "z": z, "p": p, "g": g}


def table(tensors):
    """A plain-text table of name, value and gradient, one tensor a line."""
    lines = [f"{'name':>6} {'value':>10} {'gradient':>10}"]
    for name, t in tensors.items():
        grad = "-" if t.grad is None else f"{np.asarray(t.grad).item():g}"
        lines.append(f"{name:>6} {np.asarray(t.value).item():>10g} {grad:>10}")
    return "\n".join(lines)


class HandWiredNetwork:
    """A network wired by hand from a weights dictionary.

    Hidden nodes are named ``node_<i>`` (one hidden layer) or ``node_<layer>_<i>``;
    ``output`` holds the output node's weights. Each hidden node forms the
    weighted sum of the previous layer's outputs and applies ``activation``;
    the output node's weighted sum is returned as is (a regression output)
    unless ``output_activation`` is given.
    """

    def __init__(self, weights, activation="relu", output_activation="linear"):
        self.layers = _hidden_layers(weights)
        self.weights = {name: parameter(np.asarray(w, dtype=np.float64), name=name)
                        for name, w in weights.items()}
        self.activation = ACTIVATIONS[activation]
        self.output_activation = ACTIVATIONS[output_activation]

    def __call__(self, row):
        """The output for one observation, as a Tensor at the end of a graph."""
        values = row if hasattr(row, "node") else tensor(np.asarray(row, dtype=np.float64),
                                                         name="input", requires_grad=False)
        nodes = {}
        for layer in self.layers:
            outs = []
            for name in layer:
                total = (self.weights[name] * values).sum()
                out = self.activation(total)
                outs.append(out)
                nodes[name] = out
            values = stack(outs)
        out = self.output_activation((self.weights["output"] * values).sum())
        out.name = "output"
        self.hidden = nodes
        return out

    def predict(self, rows):
        """Row by row, as the course does: one small graph per observation."""
        return np.array([np.asarray(self(row).value).item() for row in rows])


def _hidden_layers(weights):
    layers = {}
    for name in weights:
        if name == "output":
            continue
        match = re.fullmatch(r"node_(\d+)(?:_(\d+))?", name)
        if not match:
            raise ValueError(f"weight names are node_<i>, node_<layer>_<i> or output; got {name!r}")
        layer = int(match.group(1)) if match.group(2) is not None else 0
        layers.setdefault(layer, []).append(name)
    if "output" not in weights:
        raise ValueError("the weights dictionary needs an 'output' entry")
    return [sorted(layers[k], key=lambda n: int(n.rsplit("_", 1)[1])) for k in sorted(layers)]


def credit_assignment_depth(output):
    """The longest chain of weighted transformations from an input to ``output``:
    the credit-assignment path (CAP) depth. A network with one hidden layer has
    depth 2 (hidden, output); "deep" usually means a depth above 2."""
    graph = Graph(output)
    depth = [0] * len(graph.variables)
    for node, ins, out in graph.steps:
        weighted = any(graph.variables[j].role == "parameter" for j in ins)
        depth[out] = max(depth[j] for j in ins) + (1 if weighted else 0)
    return depth[graph.outputs[0]]


def tour(out_dir=None):
    """Chapter 1 in the terminal: the worked example and the hand-wired networks."""
    t = worked_example()
    v = {k: np.asarray(x.value).item() for k, x in t.items()}
    d = {k: np.asarray(x.grad).item() for k, x in t.items()}
    print("graphnet guided tour - chapter 1: computational graphs\n")
    print(f"g = (x + y) * z with x = {v['x']:g}, y = {v['y']:g}, z = {v['z']:g}")
    print(f"forward, left to right: p = x + y = {v['p']:g}, then g = p * z = {v['g']:g}")
    print("backward, right to left from dg/dg = 1, multiplying local derivatives:")
    print(f"  dg/dp = z = {d['p']:g}, dg/dz = p = {d['z']:g}, "
          f"dg/dx = dg/dp * 1 = {d['x']:g}, dg/dy = dg/dp * 1 = {d['y']:g}\n")
    print(table(t), "\n")
    if out_dir is not None:
        _write_pictures(t["g"], out_dir)

    for activation in ("tanh", "relu"):
        net = HandWiredNetwork(ONE_HIDDEN_LAYER, activation)
        out = net(ONE_HIDDEN_LAYER_INPUT)
        hidden = ", ".join(f"{k} = {np.asarray(v.value).item():.4g}" for k, v in net.hidden.items())
        print(f"one hidden layer ({activation}), input {ONE_HIDDEN_LAYER_INPUT}: {hidden}; "
              f"output = {np.asarray(out.value).item():.4g}")
    net = HandWiredNetwork(TWO_HIDDEN_LAYERS, "relu")
    out = net(TWO_HIDDEN_LAYERS_INPUT)
    print(f"two hidden layers (relu), input {TWO_HIDDEN_LAYERS_INPUT}: output = "
          f"{np.asarray(out.value).item():.4g}; credit-assignment depth = "
          f"{credit_assignment_depth(out)}")
    rows = [[3, 5], [1, -1], [0, 0], [8, 4]]
    print(f"row by row over {rows}: {net.predict(rows).tolist()}\n")


def _write_pictures(g, out_dir):
    from ..viz import GraphvizMissing, write_walkthrough
    folder = pathlib.Path(out_dir) / "01_worked_example"
    try:
        paths = write_walkthrough(g, folder, title="g = (x + y) * z")
    except GraphvizMissing as exc:
        print(f"(no pictures: {exc})\n")
        return
    print("Step through the forward and backward passes, one node per frame:")
    print(f"  open {paths['html']} in a browser (arrow keys step; works offline)")
    print(f"  frames: {len(paths['frames'])} SVGs in {folder}; the finished graph: {paths['graph']}\n")
