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
# # 9. The perceptron
#
# Rosenblatt's perceptron (1958) is the oldest trainable neuron: a weighted sum
# of the inputs followed by a **threshold**,
#
#     z = w · x + b,        ŷ = step(z) = 1 if z ≥ 0 else 0.
#
# It has its own learning rule, and this chapter shows three things about it:
#
# 1. on data that a straight line can separate, the rule finds such a line;
# 2. the rule is nothing but **gradient descent**, one sample at a time, on a
#    loss called the *perceptron criterion*;
# 3. on data that no line separates (XOR) it fails for ever, and a network with
#    one hidden layer, a multilayer perceptron, succeeds.

# %%
import numpy as np

import graphnet as gn
from _tutorial import FAST, plt, show, show_graph
from graphnet.models.perceptron import Perceptron, xor_mlp
from graphnet.viz import draw
from graphnet.viz.plots import plot_decision_boundary

# %% [markdown]
# ## The perceptron is a small graph
#
# `Perceptron` keeps its weights `w` and bias `b` as graph parameters. For an
# input it builds the graph `step(x @ w + b)` from the library's MatMul, Add and
# Step nodes. Here it is for one point, with the weights set by hand.

# %%
p = Perceptron(2, init="zeros")
p.w.value = np.array([1.0, -2.0], dtype=np.float32)
p.b.value = np.float32(0.5)
y_hat = p.output([1.0, 0.5])
print("z =", float(y_hat.parents[0].value), "-> ŷ =", float(y_hat.value))
assert y_hat.value == 1.0          # z = 1 - 1 + 0.5 = 0.5 >= 0

# %% [markdown]
# Backward through that graph shows why the perceptron cannot be trained by
# backpropagating an error on ŷ: the step's derivative is 0 wherever it exists,
# so every gradient that reaches the weights is 0.

# %%
y_hat.backward()
print("dŷ/dw =", p.w.grad, " dŷ/db =", p.b.grad)
assert not np.any(p.w.grad) and p.b.grad == 0
show_graph(draw(y_hat, show=("name", "value", "grad", "local")), "09_perceptron_graph")

# %% [markdown]
# ## A linearly separable set
#
# `make_linearly_separable` puts 100 points on both sides of a random line,
# each at least `margin` away from it. The perceptron convergence theorem
# (Novikoff, 1962) promises that the rule stops making mistakes after at most
# (R / γ)² of them, R being the largest length of an input (with a 1 appended
# for the bias) and γ the margin of the best separating line.

# %%
X, y, info = gn.data.make_linearly_separable(n=100, margin=0.1, seed=3, return_info=True)
radius = np.max(np.linalg.norm(np.hstack([X, np.ones((len(X), 1))]), axis=1))
gamma = info["margin"] / np.hypot(1.0, info["b"])   # margin of (w, b) scaled to unit length
bound = (radius / gamma) ** 2
print(f"{len(X)} points, classes {np.bincount(y)}; at most {bound:.0f} mistakes by Novikoff")

# %% [markdown]
# ## The learning rule
#
# Go through the samples one by one. When the prediction ŷ is wrong, move the
# weights by the input, scaled by the learning rate and the error y - ŷ (which
# is +1 or -1 on a mistake, 0 otherwise):
#
#     w ← w + lr · (y - ŷ) · x,        b ← b + lr · (y - ŷ).
#
# An epoch is one pass; training stops after an epoch without a mistake.
# Starting from zeros, as in the textbook:

# %%
p = Perceptron(2, learning_rate=1.0, init="zeros")
history = p.fit(X, y, epochs=100)
print("mistakes per epoch:", history["mistakes"])
print("accuracy after each epoch:", history["accuracy"])
print(p)
assert p.converged and p.score(X, y) == 1.0
assert sum(history["mistakes"]) <= bound

# %% [markdown]
# Training accuracy is 100%: the line w · x + b = 0 separates the two classes.
# Left, the regions the perceptron predicts, with its line (solid) and the line
# the data was made from (dashed): any separating line will do, and the rule
# stops at the first one it finds. Right, the mistakes per epoch.

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
plot_decision_boundary(p.predict, X, y, ax=axes[0])
xs = np.linspace(X[:, 0].min() - 0.5, X[:, 0].max() + 0.5, 2)
slope, intercept = p.boundary()
axes[0].plot(xs, slope * xs + intercept, "k-", label="perceptron: w·x + b = 0")
w_true, b_true = info["w"], info["b"]
axes[0].plot(xs, -(w_true[0] * xs + b_true) / w_true[1], "k--", label="the generating line")
axes[0].set_ylim(X[:, 1].min() - 0.5, X[:, 1].max() + 0.5)
axes[0].legend(fontsize=8, loc="lower left")
axes[0].set_title("perceptron decision boundary (100% training accuracy)")
axes[1].bar(np.arange(1, len(history["mistakes"]) + 1), history["mistakes"])
axes[1].set_xlabel("epoch")
axes[1].set_ylabel("mistakes")
axes[1].set_title("the rule stops after an epoch without a mistake")
show(fig, "09_separable")

# %% [markdown]
# ## The rule is gradient descent on the perceptron criterion
#
# Write the labels as t = 2y - 1 ∈ {-1, 1}. The **perceptron criterion** is a
# loss on z, not on ŷ:
#
#     L(w, b) = max(0, -t · z) = max(0, -t · (w · x + b)).
#
# A correctly classified point (t · z > 0) costs nothing and has zero gradient;
# a misclassified one costs -t · z, how far it lies on the wrong side, and has
#
#     dL/dw = -t · x,        dL/db = -t.
#
# Gradient descent on this one sample, with learning rate lr (stochastic
# gradient descent, batch size 1), takes w ← w - lr · dL/dw = w + lr · t · x.
# On a mistake t = y - ŷ, so this *is* the rule. In graphnet the criterion is the
# hinge loss with margin 0, `gn.nn.losses.perceptron_criterion`.

# %%
z = np.linspace(-2, 2, 401)
fig, ax = plt.subplots(figsize=(5.5, 3.4))
ax.plot(z, np.maximum(0, -z), label="t = +1: max(0, -z)")
ax.plot(z, np.maximum(0, z), "--", label="t = -1: max(0, z)")
ax.set_xlabel("z = w·x + b")
ax.set_ylabel("L")
ax.set_title("the perceptron criterion: zero once on the right side")
ax.legend()
show(fig, "09_criterion")

# %% [markdown]
# Take a fresh perceptron and a point it gets wrong. `update_both_ways` computes
# the rule's change and gradient descent's change, the latter from the graph of
# the criterion and its backward pass.

# %%
fresh = Perceptron(2, learning_rate=1.0, seed=0)
wrong = next(i for i in range(len(X)) if fresh.predict(X[i:i + 1])[0] != y[i])
both = fresh.update_both_ways(X[wrong], y[wrong])
print(f"sample {wrong}: x = {X[wrong]}, y = {y[wrong]}, ŷ = {fresh.predict(X[wrong:wrong + 1])[0]}")
print("rule:     Δw =", both.rule[0], " Δb =", both.rule[1])
print("gradient: Δw =", both.gradient[0], " Δb =", both.gradient[1])
assert both.mistake and both.equal

# %% [markdown]
# The criterion's graph for that point, after backward: the gradient reaching
# `w` is -t · x, and the Hinge node's local derivative is -t because the point
# lies on the wrong side.

# %%
loss = fresh.criterion(X[wrong], y[wrong])
loss.backward()
show_graph(draw(loss, show=("name", "value", "grad")), "09_criterion_graph")
np.testing.assert_allclose(fresh.w.grad, -np.where(y[wrong] == 1, 1, -1) * X[wrong], rtol=1e-6)

# %% [markdown]
# Update for update, the two agree on every sample. So training with the rule,
# or with graphnet's `SGD` optimizer on the criterion graph (`method="gradient"`),
# makes the same mistakes and ends at the same weights, bit for bit.
#
# (One fine point: at z = 0 exactly the step says 1, so a class-0 point there
# is a mistake for the rule while the criterion sits on its kink, where graphnet
# takes the slope 0. Both slopes are valid subgradients. From small random
# weights, the default, z = 0 never happens and the two agree.)

# %%
by_rule, by_sgd = Perceptron(2, seed=0), Perceptron(2, seed=0)
assert all(by_rule.update_both_ways(X[i], y[i]).equal for i in range(len(X)))
h_rule = by_rule.fit(X, y, method="rule")
h_sgd = by_sgd.fit(X, y, method="gradient")
print("rule:", h_rule["mistakes"], by_rule)
print("SGD: ", h_sgd["mistakes"], by_sgd)
assert h_rule["mistakes"] == h_sgd["mistakes"]
assert np.array_equal(by_rule.w.value, by_sgd.w.value) and by_rule.b.value == by_sgd.b.value

# %% [markdown]
# ## Watching the line move
#
# Each mistake pulls the line towards the misclassified point (or pushes it
# past). The line after the first few updates, and at the end:

# %%
watch = Perceptron(2, init="zeros")
lines, updates = [], 0
while True:
    mistakes = 0
    for i in range(len(X)):
        dw, db = watch.rule_update(X[i], y[i])
        if np.any(dw) or db:
            watch.w.value, watch.b.value = watch.w.value + dw, watch.b.value + db
            mistakes, updates = mistakes + 1, updates + 1
            if updates in (1, 2, 3, 5, 8):
                lines.append((f"after {updates} update{'s' if updates > 1 else ''}", np.array(watch.w.value), float(watch.b.value)))
    if mistakes == 0:
        break
lines.append((f"final, after {updates}", np.array(watch.w.value), float(watch.b.value)))
assert updates == sum(history["mistakes"])      # the same run as fit() made above

fig, ax = plt.subplots(figsize=(6, 4.8))
ax.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", s=14, edgecolors="k", linewidths=0.3)
for k, (label, w, b) in enumerate(lines):
    ax.plot(xs, -(w[0] * xs + b) / w[1], color=plt.cm.viridis(k / (len(lines) - 1)),
            lw=2.5 if k == len(lines) - 1 else 1.2, label=label)
ax.set_ylim(X[:, 1].min() - 0.5, X[:, 1].max() + 0.5)
ax.legend(fontsize=8)
ax.set_title("the decision line as the rule updates it")
show(fig, "09_line_moving")

# %% [markdown]
# ## XOR: where a single perceptron fails
#
# XOR puts (0, 0) and (1, 1) in class 0 and (0, 1) and (1, 0) in class 1.
# No straight line has both class-0 corners on one side and both class-1
# corners on the other, so any line gets at most three of the four corners
# right: accuracy ≤ 0.75. The rule never has an epoch without mistakes.

# %%
corners = np.array([[0, 0], [0, 1], [1, 1], [1, 0]], dtype=np.float32)
labels = np.array([0, 1, 0, 1])
lone = Perceptron(2, init="zeros")
h_corners = lone.fit(corners, labels, epochs=20)
print("mistakes per epoch on the four corners:", h_corners["mistakes"])
print("accuracy per epoch:", h_corners["accuracy"])
assert not lone.converged and max(h_corners["accuracy"]) <= 0.75

# %% [markdown]
# On a noisy XOR set of 200 points the story is the same: the line keeps
# being dragged around, and accuracy hovers near chance.

# %%
X_xor, y_xor = gn.data.make_xor(n=200, noise=0.1, seed=0)
on_xor = Perceptron(2)
h_xor = on_xor.fit(X_xor, y_xor, epochs=30)
print("accuracy per epoch:", np.round(h_xor["accuracy"], 3))
assert not on_xor.converged and max(h_xor["accuracy"]) <= 0.75

# %% [markdown]
# ## One hidden layer fixes it
#
# A multilayer perceptron with 8 tanh units and a sigmoid output, trained by
# backpropagation with Adam on binary cross-entropy: the hidden units bend the
# boundary. (The MLP's units are smooth, so backpropagation works; that is why
# the step was replaced by sigmoid and tanh.)

# %%
gn.set_seed(0)
mlp = xor_mlp(hidden=8, activation="tanh")
mlp.summary()
mlp_history = mlp.fit(X_xor, y_xor, epochs=60 if FAST else 150, batch_size=32, verbose=0)
mlp_accuracy = float(np.mean((mlp.predict(X_xor).ravel() > 0.5) == y_xor))
print(f"MLP training accuracy on XOR: {mlp_accuracy:.3f}")
assert mlp_accuracy == 1.0
show_graph(draw(mlp), "09_xor_mlp")

# %%
fig, axes = plt.subplots(1, 3, figsize=(16, 4.2))
plot_decision_boundary(on_xor.predict, X_xor, y_xor, ax=axes[0])
axes[0].set_title(f"perceptron on XOR: accuracy {on_xor.score(X_xor, y_xor):.2f}")
plot_decision_boundary(mlp.predict, X_xor, y_xor, ax=axes[1])
axes[1].set_title(f"MLP 2-8-1 on XOR: accuracy {mlp_accuracy:.2f}")
axes[2].plot(mlp_history.history["loss"], label="loss")
axes[2].plot(mlp_history.history["accuracy"], label="accuracy")
axes[2].set_xlabel("epoch")
axes[2].legend()
axes[2].set_title("MLP training")
show(fig, "09_xor")

# %% [markdown]
# ## The accuracy table

# %%
gn.set_seed(0)
mlp_sep = xor_mlp(hidden=8, activation="tanh")
mlp_sep.fit(X, y, epochs=60 if FAST else 150, batch_size=32, verbose=0)
table = {"separable": (p.score(X, y), float(np.mean((mlp_sep.predict(X).ravel() > 0.5) == y))),
         "XOR": (on_xor.score(X_xor, y_xor), mlp_accuracy)}
print(f"{'data':12s} {'perceptron':>11s} {'MLP 2-8-1':>10s}")
for name, (acc_p, acc_m) in table.items():
    print(f"{name:12s} {acc_p:11.3f} {acc_m:10.3f}")
assert table["separable"][0] == 1.0 and table["XOR"][0] <= 0.75 and table["XOR"][1] == 1.0

# %% [markdown]
# ## Summary
#
# - A perceptron is step(w · x + b): a line (a hyperplane) splits the input
#   space into two classes.
# - Its rule, w ← w + lr (y - ŷ) x on each mistake, is stochastic gradient
#   descent on the perceptron criterion max(0, -t z): the gradient is -t x on a
#   mistake and 0 otherwise. The step itself passes no gradient.
# - On linearly separable data the rule converges, within (R / γ)² mistakes.
# - XOR is not linearly separable: a perceptron gets at most 3 of the 4
#   corners. A hidden layer of smooth units, trained by backpropagation, solves
#   it; that is the road from the perceptron to deep networks.
