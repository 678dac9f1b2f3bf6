# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 1. Computational graphs
#
# A neural network is a **computational graph**: a directed acyclic graph whose
# nodes are operations and whose edges carry values. Inputs, weights and
# constants are nodes too (leaves). Training needs two passes over it:
#
# - **forward**, left to right: every node computes its output from its inputs;
# - **backward**, right to left: starting from d(out)/d(out) = 1, every node
#   multiplies the gradient arriving from above (*upstream*) by its own *local*
#   derivative and passes the result to its inputs. That is the chain rule, and
#   no node needs to know anything but its own derivative.
#
# Run this file as a script (`python tutorials/01_computational_graphs.py`) or
# open it as a notebook with jupytext.

# %%
import numpy as np

import graphnet as gn
from _tutorial import show_graph, show_stepper
from graphnet.viz import Stepper, draw

# %% [markdown]
# ## The worked example: g = (x + y) * z
#
# With x = 1, y = 3, z = -3. Operators on tensors compute at once (eagerly)
# and record the graph as they go.

# %%
x = gn.tensor(1.0, name="x")
y = gn.tensor(3.0, name="y")
z = gn.tensor(-3.0, name="z")
p = x + y          # an Add node
g = p * z          # a Mul node
p.name, g.name = "p", "g"   # names show in printouts and drawings
print("p =", p.value, " g =", g.value)
assert p.value == 4 and g.value == -12

# %% [markdown]
# Every result remembers the node that made it and the tensors it came from;
# that is the whole graph.

# %%
print(g.label, "=", g.node, "of", [t.label for t in g.parents])
print(p.label, "=", p.node, "of", [t.label for t in p.parents])

# %% [markdown]
# ## Backward, right to left
#
# Local derivatives: for p = x + y, dp/dx = dp/dy = 1; for g = p * z,
# dg/dp = z and dg/dz = p. The chain rule then gives
#
# | gradient | chain rule | value |
# |---|---|---|
# | dg/dg | seed | 1 |
# | dg/dp | dg/dg · z | -3 |
# | dg/dz | dg/dg · p | 4 |
# | dg/dx | dg/dp · dp/dx | -3 |
# | dg/dy | dg/dp · dp/dy | -3 |

# %%
g.backward()
for t in (x, y, z, p, g):
    print(f"d{g.label}/d{t.label} = {t.grad}")
assert (x.grad, y.grad, z.grad, p.grad, g.grad) == (-3, -3, 4, -3, 1)

# %% [markdown]
# ## The picture
#
# `draw` shows the graph with every value and gradient: value records for the
# tensors, circles for the operations. With `local` each edge carries the
# local derivative; with `grad_flow=True` colours show gradient magnitudes.

# %%
show_graph(draw(g, show=("name", "value", "grad", "local")), "01_worked_example")

# %% [markdown]
# A drawing made before `backward` shows `grad ?`, never a made-up zero:

# %%
q = (x * y).exp()
print("before backward, the drawing reads:", draw(q).source.count("grad ?"), "unknown gradients")

# %% [markdown]
# ## Stepping through
#
# The engine reports every node evaluation as a *step event*. The stepper turns
# them into frames: one per forward node, then the seed dg/dg = 1, then one per
# backward node, each with its arithmetic. It writes numbered SVGs and one
# self-contained HTML page (buttons, a slider, arrow keys) for the projector.

# %%
stepper = Stepper(g, title="g = (x + y) * z")
for frame in stepper:
    print(f"frame {frame.index}: {frame.caption}")
page = show_stepper(stepper, "01_walkthrough")  # in Jupyter it shows itself here, too

# %% [markdown]
# Underneath, the same events can be watched directly. A `Graph` puts the nodes
# in topological order and replays them:

# %%
graph = gn.Graph(g)
with gn.observe(gn.Recorder()) as steps:
    graph.forward()
    graph.backward()
for e in steps:
    if e.phase == "forward":
        print(f"forward  {e.node.name}: {e.node.formula} with inputs {list(map(float, e.inputs))} -> {float(e.output)}")
    else:
        local = [float(d) for d in e.local]
        print(f"backward {e.node.name}: upstream {float(e.upstream)} x local {local} "
              f"-> input gradients {[float(v) for v in e.input_grads]}")

# %% [markdown]
# ## Checking a gradient
#
# Every backward can be checked against finite differences,
# (f(x + h) - f(x - h)) / 2h, in float64. `gradcheck` checks each input end to
# end and each node on its own, so a wrong backward is named.

# %%
report = gn.gradcheck(lambda x, y, z: (x + y) * z, 1.0, 3.0, -3.0)
print(report)
assert report.ok

# %% [markdown]
# ## Forward propagation through a hand-wired network
#
# In a network, a node takes the outputs of the nodes feeding it, forms their
# weighted sum, and applies its activation function. Input nodes do nothing.
# The course writes the weights as a dictionary: input [-1, 2], hidden nodes
# with weights [3, 3] and [1, 5], output weights [2, -1].

# %%
weights = {"node_0": np.array([3.0, 3.0]), "node_1": np.array([1.0, 5.0]),
           "output": np.array([2.0, -1.0])}
input_data = gn.tensor(np.array([-1.0, 2.0]), name="input", requires_grad=False)

for name, activation in (("tanh", gn.tanh), ("relu", gn.relu)):
    node_0 = activation((input_data * weights["node_0"]).sum())
    node_1 = activation((input_data * weights["node_1"]).sum())
    hidden = gn.stack([node_0, node_1])
    output = (hidden * weights["output"]).sum()
    print(f"{name}: node_0 = {node_0.value:.4f}, node_1 = {node_1.value:.4f}, output = {output.value:.4f}")

# %% [markdown]
# With ReLU the hidden values are 3 and 9 and the output is 2·3 - 1·9 = -3;
# tanh squashes both hidden values towards 1, so the output is about
# 2·0.995 - 1.000 = 0.990.
#
# The same idea with two hidden layers, written once with the helper
# `HandWiredNetwork`, which turns every weight into a parameter node:

# %%
from graphnet.examples.chapter1 import (TWO_HIDDEN_LAYERS, HandWiredNetwork,
                                        credit_assignment_depth)

net = HandWiredNetwork(TWO_HIDDEN_LAYERS, activation="relu")
out = net([3, 5])
print({k: float(v.value) for k, v in net.hidden.items()}, "-> output", float(out.value))
assert out.value == 364

# %% [markdown]
# Applied row by row to many observations (one small graph per row):

# %%
rows = np.array([[3, 5], [1, -1], [0, 0], [8, 4]])
print(net.predict(rows))

# %% [markdown]
# The gradients of the output with respect to every weight come from the same
# backward pass, and we can check them:

# %%
out.backward()
print({name: w.grad for name, w in net.weights.items()})
assert gn.gradcheck(out).ok

# %% [markdown]
# The same backward pass, frame by frame. This graph is too big to read whole
# on a projector, so the page follows the step: it zooms to the node being
# computed, with what it reads and what it writes, and the overview map in the
# corner shows where that is. `0` shows the whole graph, `f` stops following.

# %%
net_steps = Stepper(out, title="a two-hidden-layer network, backward")
print(len(net_steps), "frames, drawn", "top to bottom" if net_steps.options.rankdir == "TB" else "left to right")
show_stepper(net_steps, "01_hand_wired_steps")

# %% [markdown]
# ## Shallow versus deep
#
# The *credit-assignment path* (CAP) is the chain of weighted transformations
# from an input to the output; its length is the CAP depth. One hidden layer
# gives depth 2; each further hidden layer adds one. "Deep" learning usually
# means depth above 2.

# %%
print("CAP depth, two hidden layers:", credit_assignment_depth(out))
assert credit_assignment_depth(out) == 3

# %% [markdown]
# ## Replay: the same graph, new inputs
#
# A graph recorded once can be re-run on new input values without recording it
# again. This is what makes training fast later on.

# %%
x_new = {x: 2.0, y: 5.0, z: 0.5}
print("g at x=2, y=5, z=0.5:", graph.forward(x_new))
graph.backward()
print("gradients:", {v.label: float(graph.grad(v)) for v in (x, y, z)})
assert graph.forward(x_new) == 3.5
