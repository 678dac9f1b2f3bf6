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
# # 11. Restricted Boltzmann machines and deep belief networks
#
# A **restricted Boltzmann machine** (RBM) is a generative model with two
# layers of binary units: **visible** units v (the pixels) and **hidden**
# units h (features). Every visible unit is connected to every hidden unit,
# and no unit to another of its own layer (that is the "restricted"). There
# is no direction and no output: a joint state (v, h) has an **energy**
#
#     E(v, h) = -aᵀv - bᵀh - vᵀWh,
#
# and the model gives a state the probability p(v, h) = exp(-E(v, h)) / Z,
# Z summing exp(-E) over every state. Low energy means likely. Training
# lowers the energy of the data and raises it everywhere else.
#
# This chapter builds the energy and the **free energy** as graph nodes, derives
# **contrastive divergence** from the free energy's gradients, trains an RBM on
# the digits, uses its hidden units as features for logistic regression, and
# stacks RBMs into a **deep belief network**.

# %%
import itertools

import numpy as np

import graphnet as gn
from _tutorial import FAST, plt, show, show_graph
from graphnet.models.rbm import DBN, BernoulliRBM, energy, free_energy, textbook_cd_gradients

# %% [markdown]
# ## The energy, on a machine small enough to enumerate
#
# Four visible and three hidden units: 16 x 8 = 128 joint states, few enough
# to compute Z exactly. `energy(v, h, W, a, b)` applies the `Energy` node, one
# energy per row.

# %%
rng = np.random.default_rng(0)
W, a, b = rng.normal(size=(4, 3)), rng.normal(size=4), rng.normal(size=3)
V_all = np.array(list(itertools.product([0.0, 1.0], repeat=4)))   # 16 visible states
H_all = np.array(list(itertools.product([0.0, 1.0], repeat=3)))   # 8 hidden states
v_rows, h_rows = np.repeat(V_all, 8, axis=0), np.tile(H_all, (16, 1))
E = energy(v_rows, h_rows, W, a, b)
print("energies of the first four joint states:", np.round(E.value[:4], 3))
assert np.allclose(E.value, -v_rows @ a - h_rows @ b - np.sum((v_rows @ W) * h_rows, axis=1))
Z = np.exp(-E.value).sum()
print(f"partition function Z = {Z:.3f}")

# %% [markdown]
# ## The free energy: the hidden units summed out
#
# Because the hidden units do not touch each other, the sum over h factorises
# and has a closed form, the **free energy**
#
#     F(v) = -aᵀv - Σ_j log(1 + exp(b_j + (vᵀW)_j)),   with exp(-F(v)) = Σ_h exp(-E(v, h)),
#
# so p(v) = exp(-F(v)) / Z. Check it on all 16 visible states:

# %%
F = free_energy(V_all, W, a, b)
summed_out = np.exp(-E.value).reshape(16, 8).sum(axis=1)
np.testing.assert_allclose(np.exp(-F.value), summed_out, rtol=1e-12)
p_v = np.exp(-F.value) / Z
assert abs(p_v.sum() - 1) < 1e-12
fig, ax = plt.subplots(figsize=(7, 3))
ax.bar(range(16), p_v)
ax.set_xticks(range(16), ["".join(str(int(x)) for x in v) for v in V_all], rotation=90)
ax.set_ylabel("p(v)")
ax.set_title("the tiny RBM's distribution over its 16 visible states")
show(fig, "11_tiny_distribution")

# %% [markdown]
# The free energy is one node with a fused forward and backward; opened up,
# it is the primitive graph of the formula.

# %%
v_leaf = gn.tensor(V_all[5:6], name="v")
W_leaf, a_leaf, b_leaf = gn.parameter(W, name="W"), gn.parameter(a, name="a"), gn.parameter(b, name="b")
F_one = free_energy(v_leaf, W_leaf, a_leaf, b_leaf)
F_one.name = "F"
F_one.backward()
show_graph(gn.draw(F_one, expand=True, show=("name", "shape", "value", "grad")), "11_free_energy_graph")

# %% [markdown]
# ## What the free energy's gradient says
#
# Differentiate F: the softplus log(1 + eˣ) has the sigmoid as its
# derivative, so with p = sigmoid(b + vᵀW),
#
#     ∂F/∂b = -p,   ∂F/∂W = -v pᵀ,   ∂F/∂a = -v.
#
# And p is exactly p(h = 1 | v), the probability that each hidden unit is on
# given the visible ones. The graph's gradient and a brute-force conditional
# from the energy table agree:

# %%
v = V_all[5]
weights = np.exp(-energy(np.repeat(v[None], 8, 0), H_all, W, a, b).value)
p_h_brute = (weights[:, None] * H_all).sum(axis=0) / weights.sum()
print("p(h = 1 | v) from the energy table:", np.round(p_h_brute, 4))
print("-dF/db from the graph:             ", np.round(-b_leaf.grad, 4))
np.testing.assert_allclose(-b_leaf.grad, p_h_brute, rtol=1e-10)
np.testing.assert_allclose(-W_leaf.grad, np.outer(v, p_h_brute), rtol=1e-10)

# %% [markdown]
# ## Contrastive divergence from the graph
#
# The log-likelihood of a data vector has the gradient
#
#     ∂ log p(v)/∂θ = -∂F(v)/∂θ + E_model[∂F/∂θ],
#
# data term minus model term. The model's average is intractable (it needs Z),
# so **contrastive divergence** (CD-k) replaces it by one negative sample: k
# rounds of Gibbs sampling v → h → v started at the data. Training then
# minimises
#
#     L = mean F(v_data) - mean F(v_negative),   v_negative held constant,
#
# whose gradient for W is -(v_dataᵀ p(h|v_data) - v_negᵀ p(h|v_neg)) / n: the
# textbook CD rule, "data correlations minus model correlations". The
# `BernoulliRBM` builds that graph once and replays it every batch; its
# gradients match the formula written by hand.

# %%
demo = BernoulliRBM(n_components=3, seed=1)
demo._build(4)
demo.W.value, demo.a.value, demo.b.value = (x.astype(np.float32) for x in (W, a, b))
v_data = V_all[[3, 5, 9, 12, 15]].astype(np.float32)
v_negative = demo.gibbs(v_data, steps=1)
dW, da, db = demo.cd_gradients(v_data, v_negative)
tW, ta, tb = textbook_cd_gradients(v_data, v_negative, demo.W.value, demo.a.value, demo.b.value)
for name, graph_grad, textbook in (("W", dW, tW), ("a", da, ta), ("b", db, tb)):
    print(f"d{name}: max |graph - textbook| = {np.abs(-graph_grad - textbook).max():.1e}")
    np.testing.assert_allclose(-graph_grad, textbook, rtol=1e-5, atol=1e-6)
graph, _, _ = demo.cd_graph()
show_graph(gn.draw(graph), "11_cd_graph")

# %% [markdown]
# So with plain SGD, one step θ ← θ - lr · ∂L/∂θ is the CD update. By default
# the RBM keeps its negative chains running from batch to batch instead of
# restarting them at the data (**persistent** CD, as scikit-learn does).
#
# ## An RBM on the digits, nudged
#
# scikit-learn's classic RBM example: the 8x8 digits plus four copies nudged
# by one pixel (right, left, down, up), scaled to [0, 1] and read as the
# probabilities of the visible units.

# %%
X, y = gn.data.load_digits()
X_aug, y_aug = gn.data.augment_with_shifts(X, y)
X_aug = gn.data.MinMaxScaler().fit_transform(X_aug).astype(np.float32)
X_train, X_test, y_train, y_test = gn.data.train_test_split(X_aug, y_aug, test_size=0.2, seed=0)
print("train", X_train.shape, " test", X_test.shape)

settings = (dict(n_components=64, learning_rate=0.1, n_iter=5) if FAST
            else dict(n_components=100, learning_rate=0.06, n_iter=20))   # scikit-learn's
rbm = BernoulliRBM(batch_size=10, seed=0, **settings).fit(X_train)
errors = rbm.history["reconstruction_error"]
print("reconstruction error per epoch:", np.round(errors, 4))
assert errors[-1] < errors[0]
fig, ax = plt.subplots(figsize=(5, 3.2))
ax.plot(range(1, len(errors) + 1), errors, "o-")
ax.set_xlabel("epoch")
ax.set_ylabel("mean squared reconstruction error")
show(fig, "11_rbm_training")

# %% [markdown]
# ## Reconstructions and samples
#
# A reconstruction goes up and down once: p(v | h) at h = p(h | v). A sample
# runs the Gibbs chain for many steps, drifting away from the digit it started
# from towards what the model believes digits look like.

# %%
start = X_test[:10]
chain_steps = [1, 10, 100] if FAST else [1, 10, 100, 1000]
rows = [start, rbm.reconstruct(start)]
chain = start
done = 0
for steps in chain_steps:
    chain = rbm.gibbs(chain, steps=steps - done)
    done = steps
    rows.append(rbm.visible_probabilities(rbm.hidden_probabilities(chain)))
fig = gn.viz.plots.plot_images(np.concatenate(rows).reshape(-1, 8, 8), columns=10, ax_size=1.0,
                               title="digits / reconstructions / Gibbs chains after "
                                     + ", ".join(map(str, chain_steps)) + " steps")
show(fig, "11_reconstructions_and_samples")
assert np.mean((rows[1] - start) ** 2) < np.mean((start.mean(0) - start) ** 2)

# %% [markdown]
# ## The learned components
#
# Each hidden unit's weights, drawn as an 8x8 image (`components_`, scikit-
# learn's name). Many are strokes and blobs in a particular place: the nudged
# copies make the units learn pieces of digits at several positions.

# %%
fig = gn.viz.plots.plot_images(rbm.components_[:64].reshape(-1, 8, 8), columns=16, ax_size=0.8,
                               cmap="RdBu_r", title="64 of the RBM's hidden units (weights)")
show(fig, "11_components")

# %% [markdown]
# The model has learned where probability belongs: digits get a much lower
# free energy (higher probability) than random pixels.

# %%
noise = (np.random.default_rng(0).random((500, 64)) > 0.5).astype(np.float32)
F_digits, F_noise = rbm.free_energy(X_test[:500]).mean(), rbm.free_energy(noise).mean()
print(f"mean free energy: test digits {F_digits:.1f}, random pixels {F_noise:.1f}")
assert F_digits < F_noise

# %% [markdown]
# ## RBM features + logistic regression versus raw pixels
#
# The hidden probabilities p(h | v) are features. Logistic regression is a
# `Dense(10, softmax)` model; train one on the raw pixels and one on the RBM
# features, same settings, and compare on the held-out (also nudged) test set.

# %%
def logistic_regression(F_train, F_test, epochs=20 if FAST else 50):
    gn.set_seed(0)
    model = gn.Sequential([gn.layers.Dense(10, activation="softmax", input_shape=(F_train.shape[1],))])
    model.compile(gn.optimizers.Adam(0.01), "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(F_train, y_train, epochs=epochs, batch_size=32, verbose=0)
    return model.evaluate(F_test, y_test, verbose=0, return_dict=True)["accuracy"]


raw_accuracy = logistic_regression(X_train, X_test)
rbm_accuracy = logistic_regression(rbm.transform(X_train), rbm.transform(X_test))
print(f"logistic regression on raw pixels:   {raw_accuracy:.3f}")
print(f"logistic regression on RBM features: {rbm_accuracy:.3f}")
assert rbm_accuracy > raw_accuracy

# %% [markdown]
# A linear model on raw pixels cannot cope with digits that move around by a
# pixel; on the RBM's features, learned without any labels, the same linear
# model does clearly better.
#
# ## Deep belief networks
#
# A DBN stacks RBMs. **Greedy layer-wise pre-training**: train the first RBM
# on the pixels, then a second RBM on the first one's hidden probabilities,
# and so on, each layer modelling the features of the one below. Then
# **fine-tune**: the stack's weights W and hidden biases b initialise a
# network of sigmoid `Dense` layers, a softmax layer goes on top, and
# backpropagation trains the whole thing with the labels.

# %%
D, t = gn.data.load_digits()
D = (D / 16.0).astype(np.float32)
D_train, D_test, t_train, t_test = gn.data.train_test_split(D, t, test_size=0.25, seed=0, stratify=t)
gn.set_seed(0)
dbn = DBN([64, 32], n_iter=4 if FAST else 15, learning_rate=0.1, batch_size=10, seed=0)
dbn.pretrain(D_train)
for k, layer_rbm in enumerate(dbn.rbms, 1):
    print(f"RBM {k}: {layer_rbm.W.shape[0]} -> {layer_rbm.W.shape[1]}, final reconstruction error "
          f"{layer_rbm.history['reconstruction_error'][-1]:.4f}")
model = dbn.to_model(10)
model.summary()
np.testing.assert_array_equal(model.get_layer("rbm_1").get_weights()[0], dbn.rbms[0].W.value)

# %% [markdown]
# Fine-tuning, and for comparison the same network from a random
# initialisation, trained the same way.

# %%
fine_epochs = 8 if FAST else 30
history = dbn.fine_tune(D_train, t_train, epochs=fine_epochs, optimizer=gn.optimizers.Adam(0.01),
                        validation_data=(D_test, t_test))
dbn_accuracy = dbn.model.evaluate(D_test, t_test, verbose=0, return_dict=True)["accuracy"]
gn.set_seed(0)
scratch = dbn.to_model(10, optimizer=gn.optimizers.Adam(0.01), from_rbms=False)
scratch_history = scratch.fit(D_train, t_train, epochs=fine_epochs, verbose=0,
                              validation_data=(D_test, t_test))
scratch_accuracy = scratch.evaluate(D_test, t_test, verbose=0, return_dict=True)["accuracy"]
print(f"test accuracy, pre-trained DBN fine-tuned: {dbn_accuracy:.3f}")
print(f"test accuracy, same network from scratch:  {scratch_accuracy:.3f}")
assert dbn_accuracy > 0.9
fig, ax = plt.subplots(figsize=(5, 3.5))
ax.plot(history.history["val_accuracy"], label="DBN pre-trained, fine-tuned")
ax.plot(scratch_history.history["val_accuracy"], label="random initialisation")
ax.set_xlabel("epoch")
ax.set_ylabel("test accuracy")
ax.legend()
show(fig, "11_dbn_fine_tuning")

# %% [markdown]
# On a problem this small the two end up close: pre-training mattered most
# in 2006, when deep sigmoid networks trained from random weights barely
# learned at all. Today's initialisers, ReLUs and optimizers (chapters 4 and
# 6) solved that problem another way, and DBNs are mostly history; the ideas,
# learning features without labels and then fine-tuning, are not.
#
# ## What to remember
#
# - An RBM scores joint states with an energy; summing out the hidden units
#   gives the free energy F(v), and p(v) ∝ exp(-F(v)).
# - ∂F/∂b = -p(h = 1 | v): the conditionals fall out of the free energy's
#   graph.
# - CD-k trains by lowering F at the data and raising it at a Gibbs sample;
#   the gradients of mean F(data) - mean F(sample) are the textbook update.
# - The hidden probabilities are features; stacked RBMs, pre-trained greedily
#   and fine-tuned with backprop, make a deep belief network.
