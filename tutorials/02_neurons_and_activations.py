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
# # 2. Neurons and activations
#
# A neuron takes the activations a0 of the layer before, forms a weighted sum
# plus a bias, z = w · a0 + b, and applies an activation function:
# a1 = σ(z). Everything in this chapter is a small graph of nodes you can
# print, differentiate and check.

# %%
import numpy as np

import graphnet as gn
from _tutorial import plt, show, show_graph
from graphnet.examples.neurons import dense, neuron, neuron_many_inputs

# %% [markdown]
# ## One neuron, one input
#
# With a0 = 2, w = 0.5, b = -0.5: z = 0.5 and a1 = σ(0.5) = 1 / (1 + e^-0.5).
# The chain rule gives da1/dw = σ'(z) · a0 = σ(z)(1 - σ(z)) · a0.

# %%
a1, p = neuron(a0=2.0, w=0.5, b=-0.5, activation="sigmoid")
a1.backward()
s = 1 / (1 + np.exp(-0.5))
print(f"a1 = {a1.value:.4f}  da1/dw = {p['w'].grad:.4f}  da1/db = {p['b'].grad:.4f}")
assert np.isclose(a1.value, s) and np.isclose(p["w"].grad, s * (1 - s) * 2)
print(gn.Graph(a1))

# %% [markdown]
# ## Several inputs, then several outputs
#
# With inputs a0 = [1, 2, 3] the sum runs over them: z = Σ w_i a0_i + b.
# With several output neurons, each has its own column of weights; stacked
# they make a matrix W (inputs × outputs), and the whole layer is
# ŷ = σ(Wᵀx + b): one matrix product instead of a loop over neurons.

# %%
x = np.array([1.0, 2.0, 3.0])
W = np.array([[0.2, -0.5], [0.1, 0.3], [-0.4, 0.2]])  # 3 inputs, 2 outputs
b = np.array([0.1, -0.2])

one_by_one = [neuron_many_inputs(x, W[:, j], b[j])[0].value for j in range(2)]
layer, params = dense(x, W, b)
print("neuron by neuron:", np.round(one_by_one, 4), " matrix form:", np.round(layer.value, 4))
assert np.allclose(one_by_one, layer.value)

# %% [markdown]
# For a batch of samples, one per row, the same layer is σ(X W + b), and its
# gradients with respect to W and b come out of one backward pass:

# %%
X = np.random.default_rng(0).normal(size=(5, 3))
out, params = dense(X, W, b)
out.sum().backward()
print("output shape", out.shape, " dL/dW shape", params["W"].grad.shape)
assert gn.gradcheck(lambda W, b: gn.sigmoid(gn.constant(X) @ W + b).sum(), W, b).ok

# %% [markdown]
# ## Every activation and its derivative
#
# The derivative curves below are not formulas typed in by hand: they are the
# gradients the graph computes, d(Σ f(x_i)) / dx_i = f'(x_i).

# %%
xs = np.linspace(-4, 4, 401)
funcs = [("linear", gn.nn.identity), ("step", gn.step), ("sigmoid", gn.sigmoid),
         ("tanh", gn.tanh), ("ReLU", gn.relu), ("Leaky ReLU (α=0.1)", lambda t: gn.leaky_relu(t, 0.1)),
         ("GELU", gn.gelu), ("GELU, tanh form", lambda t: gn.gelu(t, approximate=True))]
fig, axes = plt.subplots(2, 4, figsize=(14, 6))
for ax, (name, f) in zip(axes.ravel(), funcs):
    t = gn.tensor(xs)
    y = f(t)
    y.sum().backward()
    ax.plot(xs, y.value, label="f(x)")
    ax.plot(xs, t.grad, "--", label="f'(x)")
    ax.set_title(f"{name}: {y.node.formula}", fontsize=9)
    ax.axhline(0, color="grey", lw=0.5)
    ax.axvline(0, color="grey", lw=0.5)
axes[0, 0].legend()
show(fig, "02_activations")

# %% [markdown]
# **Softmax, hardmax and maxout** act on a whole vector. Softmax turns scores
# into probabilities; the course's example has exponents 1, -1, 0, 3.
# Hardmax puts 1 at the largest score; its gradient is 0 everywhere (the output
# does not change under small changes of the input), which is why networks
# train with softmax and use hardmax only to read a prediction. Maxout keeps
# the largest of k linear pieces.

# %%
z = gn.tensor(np.array([1.0, -1.0, 0.0, 3.0]))
print("softmax:", np.round(gn.softmax(z).value, 4), " hardmax:", gn.hardmax(z).value)
print("maxout with 2 pieces of [1, 3, -2, -5]:", gn.maxout(gn.tensor(np.array([1.0, 3, -2, -5]))).value)

# %% [markdown]
# **Which activation for which output?** Sigmoid for a binary output (a
# probability), softmax for several classes (probabilities that sum to 1), and
# linear for regression (any real number). Hidden layers mostly use ReLU and
# its relatives, or GELU in transformers.
#
# ## Dead ReLUs
#
# A ReLU unit whose weighted sum is negative for every input outputs 0 and, with
# it, passes back a gradient of 0: no update can revive it. A large negative
# bias (after a too-large learning-rate step, say) kills units like this:

# %%
rng = np.random.default_rng(1)
X = rng.normal(size=(200, 4))
W = rng.normal(size=(4, 32))
for bias in (0.0, -3.0):
    weights = gn.parameter(W)
    h = gn.relu(gn.constant(X) @ weights + gn.parameter(np.full(32, bias)))
    dead = np.all(h.value == 0, axis=0)
    print(f"bias {bias:+.0f}: {dead.sum()} of 32 units never fire on 200 samples")
    h.sum().backward()
    assert np.all(weights.grad[:, dead] == 0)  # ...and get no gradient at all

# %% [markdown]
# Leaky ReLU keeps a small slope α for negative inputs, so its units cannot
# die this way.
#
# ## Vanishing gradients through a chain of sigmoids
#
# σ'(z) is at most 1/4. Chain ten sigmoid neurons and the gradient reaching the
# first one is multiplied by at most (1/4)^10 ≈ 1e-6 on the way back:

# %%
depth = 10
h = gn.tensor(0.5, name="x", dtype=np.float64)
layers = [h]
for i in range(depth):
    h = gn.sigmoid(gn.parameter(1.0, name=f"w{i}", dtype=np.float64) * h)
    layers.append(h)
h.backward()
grads = [abs(float(t.grad)) for t in layers]
for i, g in enumerate(grads):
    print(f"layer {i:2d}: |d out / d h| = {g:.2e}")
assert grads[0] < grads[-2] * 0.25 ** (depth - 2)
fig, ax = plt.subplots(figsize=(6, 3))
ax.semilogy(range(depth + 1), grads, "o-")
ax.set_xlabel("layer (0 = input)")
ax.set_ylabel("|gradient|")
ax.set_title("gradient shrinking through 10 sigmoids")
show(fig, "02_vanishing_gradient")

# %% [markdown]
# On the graph, coloured by gradient magnitude (log scale), the fade from the
# output back to the input is plain to see:

# %%
show_graph(gn.viz.draw(h, grad_flow=True, show=("name", "grad")), "02_vanishing_gradient_graph")

# %% [markdown]
# The same chain with tanh or ReLU loses far less: tanh'(0) = 1 and ReLU'
# is 1 for positive inputs. That, more than anything, is why deep networks
# moved from sigmoid to ReLU hidden units.
