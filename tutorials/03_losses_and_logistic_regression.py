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
# # 3. Losses and logistic regression
#
# A loss turns "how wrong is the prediction" into one number whose gradient
# says how to change the weights. Metrics (accuracy, say) are for people and
# need no gradient. This chapter derives logistic regression's gradients by
# hand and lets the graph confirm every one of them.

# %%
import numpy as np

import graphnet as gn
from _tutorial import FAST, plt, show
from graphnet.nn import losses

# %% [markdown]
# ## Logistic regression by hand
#
# Two features x1, x2, weights w1, w2 and bias b:
#
# - z = w1 x1 + w2 x2 + b
# - a = σ(z) = 1 / (1 + e^-z), the predicted probability of class 1
# - L(a, y) = -[y ln a + (1 - y) ln(1 - a)], the log-loss
#
# Backward, one local derivative at a time:
#
# - dL/da = -y/a + (1 - y)/(1 - a)
# - da/dz = a(1 - a), so dL/dz = dL/da · da/dz = a - y (everything else cancels)
# - dz/dw1 = x1, dz/dw2 = x2, dz/db = 1, so dL/dw1 = x1 (a - y),
#   dL/dw2 = x2 (a - y), dL/db = a - y.
#
# One observation: x = (1, 2), y = 1, with w1 = 0.5, w2 = -0.25, b = 0.1.

# %%
x1, x2, y = 1.0, 2.0, 1.0
w1 = gn.parameter(0.5, name="w1", dtype=np.float64)
w2 = gn.parameter(-0.25, name="w2", dtype=np.float64)
b = gn.parameter(0.1, name="b", dtype=np.float64)
z = w1 * x1 + w2 * x2 + b
a = gn.sigmoid(z)
L = losses.binary_crossentropy(np.array(y), a)
L.backward()

a_ = 1 / (1 + np.exp(-(0.5 * x1 - 0.25 * x2 + 0.1)))
by_hand = {"w1": x1 * (a_ - y), "w2": x2 * (a_ - y), "b": a_ - y}
for p in (w1, w2, b):
    print(f"dL/d{p.name}: graph {p.grad:+.6f}   by hand {by_hand[p.name]:+.6f}")
    assert np.isclose(p.grad, by_hand[p.name])
print(f"dL/dz = a - y = {a_ - y:+.6f}; graph: {z.grad:+.6f}")

# %% [markdown]
# ## Averaging over m observations, and one gradient-descent step
#
# The cost over m observations is the mean of the losses, so each gradient is
# the mean of the per-observation gradients: dJ/dw1 = (1/m) Σ x1_i (a_i - y_i).
# The update is w := w - α dJ/dw.

# %%
rng = np.random.default_rng(0)
m = 200
X = np.vstack([rng.normal([-1, -1], 1.0, (m // 2, 2)), rng.normal([1.5, 1.0], 1.0, (m // 2, 2))])
Y = np.repeat([0.0, 1.0], m // 2)

w = gn.parameter(np.zeros(2), name="w")
b = gn.parameter(0.0, name="b", dtype=np.float64)
J = losses.binary_crossentropy(Y, gn.sigmoid(gn.constant(X) @ w + b))
J.backward()
A = np.full(m, 0.5)  # sigmoid(0) for every observation
print("dJ/dw by hand:", (X * (A - Y)[:, None]).mean(axis=0), " graph:", w.grad)
assert np.allclose(w.grad, (X * (A - Y)[:, None]).mean(axis=0))

alpha = 0.5
before = float(J.value)
w.value, b.value = w.value - alpha * w.grad, b.value - alpha * b.grad
after = float(losses.binary_crossentropy(Y, gn.sigmoid(gn.constant(X) @ w + b)).value)
print(f"cost before {before:.4f}, after one step {after:.4f}")
assert after < before

# %% [markdown]
# Repeating the step is batch gradient descent. The graph is recorded once and
# replayed: only the weights change between steps.

# %%
x_in = gn.constant(X)
J = losses.binary_crossentropy(Y, gn.sigmoid(x_in @ w + b))
graph = gn.Graph(J)
history = []
for epoch in range(50 if FAST else 300):
    history.append(float(graph.forward()))
    graph.backward()
    w.value, b.value = w.value - alpha * w.grad, b.value - alpha * b.grad
prob = gn.sigmoid(x_in @ w + b).value
accuracy = np.mean((prob >= 0.5) == Y)  # the decision threshold 0.5
print(f"final cost {history[-1]:.4f}, training accuracy {accuracy:.3f}")
assert accuracy > 0.85

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
ax1.plot(history)
ax1.set_xlabel("step")
ax1.set_ylabel("log-loss")
ax1.set_title("batch gradient descent")
ax2.scatter(X[:, 0], X[:, 1], c=Y, cmap="coolwarm", s=12)
xs = np.linspace(X[:, 0].min(), X[:, 0].max(), 2)
ax2.plot(xs, -(w.value[0] * xs + b.value) / w.value[1], "k--", label="a = 0.5")
ax2.legend()
ax2.set_title("decision boundary w·x + b = 0")
show(fig, "03_logistic_regression")

# %% [markdown]
# ## Softmax and cross-entropy
#
# For several classes the output is softmax(z), and the loss for one example is
# -ln(p_true): the course's example, where the true class got probability
# 0.2, costs -ln 0.2 ≈ 1.609. The softmax of the exponents (1, -1, 0, 3):

# %%
p = gn.softmax(gn.tensor(np.array([1.0, -1.0, 0.0, 3.0])))
print("softmax:", np.round(p.value, 4), " sum:", p.value.sum())
print("-ln(0.2) =", losses.sparse_categorical_crossentropy(np.array([1]), gn.tensor(np.array([[0.5, 0.2, 0.3]]))).value)

# %% [markdown]
# Fused with softmax, the cross-entropy gradient with respect to the scores z
# is simply p - y. graphnet's `from_logits=True` losses use that fused form; its
# `expand()` shows the graph it stands for (log-softmax, multiply, sum, mean),
# and the tests check that both give the same numbers.

# %%
z = gn.tensor(np.array([[1.0, -1.0, 0.0, 3.0]]))
y = np.array([[0.0, 1.0, 0.0, 0.0]])
losses.categorical_crossentropy(y, z, from_logits=True).backward()
print("gradient:", np.round(z.grad, 4), " p - y:", np.round(p.value - y, 4))
assert np.allclose(z.grad, p.value - y)

# %% [markdown]
# ## The losses side by side
#
# For a true label y = 1 and a prediction p: squared error (p - 1)², absolute
# error |p - 1| and log-loss -ln p. Log-loss punishes a confident wrong answer
# without bound; that steep gradient is what makes it train classifiers well.

# %%
ps = np.linspace(0.01, 0.99, 99)
curves = {"squared error": losses.mse, "absolute error": losses.mae,
          "log-loss": losses.binary_crossentropy}
fig, ax = plt.subplots(figsize=(6, 4))
for label, loss in curves.items():
    values = loss(np.ones((99, 1)), gn.tensor(ps[:, None]), reduction="none").value
    ax.plot(ps, values, label=label)
ax.set_xlabel("predicted probability p of the true class")
ax.set_ylabel("loss")
ax.legend()
show(fig, "03_losses")

# %% [markdown]
# ## Metrics: for people, not for gradients
#
# The classifier above outputs probabilities; with the decision threshold 0.5
# they become labels, and metrics summarise how good those are. The confusion
# matrix counts true classes (rows) against predicted ones (columns);
# precision, recall and F1 follow from it. The ROC curve moves the threshold
# from 1 down to 0, and the area under it (AUC) is the probability that a
# random positive scores above a random negative.

# %%
metrics = gn.metrics
labels = (prob >= 0.5).astype(int)
print("accuracy", metrics.binary_accuracy(Y, prob))
print(metrics.confusion_matrix(Y.astype(int), labels))
print(metrics.classification_report(Y.astype(int), labels, target_names=["class 0", "class 1"]))
fpr, tpr, _ = metrics.roc_curve(Y, prob)
auc = metrics.roc_auc_score(Y, prob)
print(f"AUC = {auc:.3f}")
assert auc > 0.9

fig, ax = plt.subplots(figsize=(4.5, 4.5))
ax.plot(fpr, tpr, label=f"logistic regression (AUC {auc:.3f})")
ax.plot([0, 1], [0, 1], "k:", label="chance")
ax.set_xlabel("false positive rate")
ax.set_ylabel("true positive rate")
ax.legend(loc="lower right")
show(fig, "03_roc")
