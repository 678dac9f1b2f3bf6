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
# # 4. Training
#
# Training repeats one **iteration** over and over: a forward pass through the
# graph computes the loss on a batch of samples, a backward pass computes the
# gradient of that loss with respect to every weight, and the optimizer turns
# the gradients into an update of the weights. One pass over the whole training
# set is an **epoch**.
#
# This chapter varies everything that decides how well that loop works: how
# many samples go into one update (batch size), how big a step is (learning
# rate, decay), how past steps are remembered (momentum and the adaptive
# optimizers), where the weights start (initialisation), and how to choose all
# these settings (hyperparameters) by search.

# %%
import time

import numpy as np

import graphnet as gn
from _tutorial import FAST, plt, show, show_graph, show_stepper
from graphnet.nn import Dense, Input
from graphnet.viz import Stepper

# Two interleaving half moons, 200 points: the problem most of this chapter trains on.
X, y = gn.data.make_moons(200, noise=0.2, seed=0)
print("X", X.shape, X.dtype, " y", y.shape, " classes", np.bincount(y))


def moons_model(hidden=16):
    """2 inputs -> `hidden` tanh units -> 1 sigmoid output (P(class 1))."""
    return gn.Sequential([Dense(hidden, activation="tanh", input_shape=(2,)),
                          Dense(1, activation="sigmoid")])


def full_loss(model):
    """The loss on the whole training set, whatever the batch size of training."""
    return float(model.evaluate(X, y, batch_size=len(X), verbose=0, return_dict=True)["loss"])


# %% [markdown]
# ## One iteration = forward + backward (+ update)
#
# Here is one iteration written out with the graph itself: a single logistic
# unit on the first five samples. `forward` computes the loss, `backward`
# stamps a gradient on every parameter, and the optimizer's `step` moves each
# parameter against its gradient: w := w - α dJ/dw. The optimizer counts its
# updates in `iterations` (Keras' name).

# %%
w = gn.parameter(np.zeros((2, 1)), name="w")
b = gn.parameter(np.zeros(1), name="b")
batch_x, batch_y = X[:5].astype(np.float64), y[:5, None].astype(np.float64)
J = gn.losses.binary_crossentropy(batch_y, gn.sigmoid(gn.constant(batch_x) @ w + b))
graph = gn.Graph(J)
sgd = gn.optimizers.SGD(learning_rate=0.5)

before = float(graph.forward())      # forward
graph.backward()                     # backward: w.grad, b.grad
expected_w = w.value - 0.5 * w.grad  # what the update should give
sgd.step([w, b])                     # update
after = float(graph.forward())
print(f"loss before {before:.4f}, after one iteration {after:.4f}; "
      f"optimizer.iterations = {sgd.iterations}")
assert np.allclose(w.value, expected_w) and sgd.iterations == 1 and after < before

# %% [markdown]
# `model.fit` does exactly this, batch after batch: it records the model's loss
# graph once and replays it for every batch.
#
# ### One iteration of a model, frame by frame
#
# `Stepper(model, batch=(x, y))` runs a compiled model's loss graph on one
# batch and makes a frame of every step, forward and then backward. With
# `depth=1` each layer opens: a Dense layer is a matrix product, a bias add and
# its activation, each computed in a frame of its own; then comes the layer's
# fused node, the one `fit` runs, which gives the same numbers. Open the page in
# a browser: it follows the current step (`+` / `-` zoom, `0` shows the whole
# graph, `f` turns following off and on).

# %%
gn.set_seed(0)
tiny = moons_model(hidden=3)
tiny.compile(gn.optimizers.SGD(0.1), "binary_crossentropy")
stepper = Stepper(tiny, batch=(X[:4], y[:4]), depth=1, title="one iteration of a 2-3-1 network")
for frame in stepper[1:5]:
    print(frame.title)
show_stepper(stepper, "04_one_iteration")
fused = next(f for f in stepper if f.phase == "forward" and f.depth == 0)
assert "gives the same numbers as its 3 steps above" in fused.caption

# %% [markdown]
# After training, `draw(model, grad_flow=True)` shows the gradients of the last
# batch, coloured by size: the first thing to look at when a network will not
# learn (the vanishing gradients of the initialisation section below show up
# as blue).

# %%
tiny.fit(X, y, batch_size=20, epochs=2, verbose=0)
last = gn.draw(tiny, grad_flow=True, show=("name", "shape", "grad"))
show_graph(last, "04_last_batch_gradients")
assert "grad ?" not in last.source and "last training batch" in last.source
#
# ## Epochs and iterations: counting the updates
#
# With m training samples and batch size B, one epoch takes ⌈m / B⌉
# iterations (the last batch is smaller when B does not divide m). The course's
# example: **200 samples, batch size 5, 1,000 epochs**.

# %%
m_samples, batch_size, epochs = 200, 5, 1000
updates_per_epoch = -(-m_samples // batch_size)  # ceiling division
total_updates = updates_per_epoch * epochs
print(f"{updates_per_epoch} updates per epoch, {total_updates:,} updates in {epochs:,} epochs")
assert updates_per_epoch == 40 and total_updates == 40_000

# %% [markdown]
# Let the optimizer count for us on a short run: a few epochs of the same
# setting (200 samples, batch size 5). A callback counts the batches too.

# %%
short = 3 if FAST else 25
gn.set_seed(0)
model = moons_model()
model.compile(gn.optimizers.SGD(0.1), "binary_crossentropy")
batches = []
counter = gn.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: batches.append(batch))
model.fit(X, y, batch_size=5, epochs=short, verbose=0, callbacks=[counter])
print(f"{short} epochs: optimizer.iterations = {model.optimizer.iterations}, "
      f"batches seen = {len(batches)}")
assert model.optimizer.iterations == len(batches) == updates_per_epoch * short

# The last batch of an epoch is smaller when B does not divide m: 200 / 32 -> 7 batches.
model.fit(X, y, batch_size=32, epochs=1, verbose=0)
assert model.optimizer.iterations == updates_per_epoch * short + 7

# %% [markdown]
# ## Batch, mini-batch and stochastic gradient descent
#
# - **Batch gradient descent**: B = m. Each update uses the exact gradient of
#   the training loss; one update per epoch.
# - **Stochastic gradient descent (SGD)**: B = 1. Each update uses the gradient
#   of one sample, a noisy estimate; m updates per epoch.
# - **Mini-batch gradient descent**: in between, usually a power of two
#   (32, 64, 128, ...). Noisy, but much less than B = 1, and the B samples
#   go through the matrix products together, which is what hardware is good at.
#
# The same network, from the same initial weights, with the same learning
# rate, trained by all three. We measure the loss on the *whole* training set
# as training goes, and plot it twice: against epochs (passes over the data)
# and against the number of updates.

# %%
gn.set_seed(1)
initial_weights = moons_model().get_weights()


def train_counting(batch_size, epochs, lr=0.1):
    """Train from `initial_weights`; record the full training loss at log-spaced update counts."""
    gn.set_seed(2)  # the same shuffling for every run
    model = moons_model()
    model.set_weights(initial_weights)
    model.compile(gn.optimizers.SGD(lr), "binary_crossentropy")
    steps = -(-len(X) // batch_size)
    marks = set(np.unique(np.geomspace(1, steps * epochs, 80).astype(int)).tolist())
    by_update, by_epoch = [(0, full_loss(model))], [full_loss(model)]

    def after_batch(batch, logs):
        if model.optimizer.iterations in marks:
            by_update.append((model.optimizer.iterations, full_loss(model)))

    record = gn.callbacks.LambdaCallback(
        on_train_batch_end=after_batch,
        on_epoch_end=lambda epoch, logs: by_epoch.append(full_loss(model)))
    model.fit(X, y, batch_size=batch_size, epochs=epochs, verbose=0, callbacks=[record])
    return np.array(by_update), np.array(by_epoch), model.optimizer.iterations


epochs = 30 if FAST else 200
runs = {f"batch (B = {len(X)})": len(X), "mini-batch (B = 32)": 32, "stochastic (B = 1)": 1}
results = {name: train_counting(B, epochs) for name, B in runs.items()}
for name, (by_update, by_epoch, updates) in results.items():
    print(f"{name:22s} {updates:6d} updates, final training loss {by_epoch[-1]:.3f}")

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4))
for name, (by_update, by_epoch, updates) in results.items():
    ax1.plot(np.arange(len(by_epoch)), by_epoch, label=name)
    ax2.plot(by_update[:, 0] + 1, by_update[:, 1], label=name)
ax1.set_xlabel("epoch")
ax1.set_title("per epoch, stochastic gets furthest")
ax2.set_xscale("log")
ax2.set_xlabel("updates + 1 (log scale)")
ax2.set_title("per update, single samples are noisy")
for ax in (ax1, ax2):
    ax.set_ylabel("loss on the whole training set")
    ax.legend()
show(fig, "04_batch_sizes")

# %% [markdown]
# Per epoch, the smaller the batch, the more updates an epoch buys, and the
# further training gets. Per update, the picture turns around: the exact
# gradient of batch descent lowers the loss at every single step, while the
# gradient of one sample often points the wrong way and the loss goes *up*
# (the jagged curve). A gradient averaged over 32 samples is almost as good as
# one over all 200 (the two curves nearly coincide), and one update on 32
# samples costs far less than 32 updates on one. That is why mini-batches are
# the default.

# %%
final = {name: r[1][-1] for name, r in results.items()}
b_name, mb_name, s_name = runs
assert final[s_name] < final[mb_name] < final[b_name]          # per epoch
rises = {name: int(np.sum(np.diff(r[0][:, 1]) > 0)) for name, r in results.items()}
print("how often the loss went up between two measurements:", rises)
assert rises[b_name] == 0 and rises[s_name] > 10                # per update


def loss_after(name, n):
    by_update = results[name][0]
    return np.interp(n, by_update[:, 0], by_update[:, 1])


n = epochs  # all batch descent had: one update per epoch
print({name: round(float(loss_after(name, n)), 3) for name in runs}, f"after {n} updates")
assert abs(loss_after(mb_name, n) - loss_after(b_name, n)) < 0.02
assert results[s_name][2] == len(X) * epochs and results[b_name][2] == epochs

# What an epoch costs on the clock (no measuring callbacks this time):
seconds = {}
for name, B in runs.items():
    model = moons_model()
    model.compile(gn.optimizers.SGD(0.1), "binary_crossentropy")
    model.fit(X, y, batch_size=B, epochs=1, verbose=0)  # warm up: the graph is recorded here
    start = time.perf_counter()
    model.fit(X, y, batch_size=B, epochs=3, verbose=0)
    seconds[name] = (time.perf_counter() - start) / 3
print({name: f"{1000 * s:.1f} ms" for name, s in seconds.items()}, "per epoch")
assert seconds[s_name] > 3 * seconds[mb_name]  # 200 small updates cost far more than 7 larger ones

# %% [markdown]
# ## The learning rate: too small, good, too large
#
# The learning rate α scales every step. Too small and training crawls; too
# large and each step overshoots the minimum by more than it started from, so
# the loss *grows*: training diverges.
#
# Linear regression with the mean squared error makes this exact. The loss is
# a bowl, J(w) = (1/m)‖X w - y‖², whose curvature is the Hessian
# H = (2/m) Xᵀ X. Gradient descent on a bowl converges exactly when
# α < 2 / λ_max(H); at α = 1 / λ_max it lands on the bottom of the steepest
# direction in one step. (The data: `make_regression`, one feature, plus a
# column of ones for the bias.)

# %%
Xr, yr = gn.data.make_regression(200, features=1, noise=0.3, seed=0)
Xa = np.column_stack([Xr, np.ones(len(Xr))]).astype(np.float64)
lam_max = np.linalg.eigvalsh(2 * Xa.T @ Xa / len(Xa)).max()
critical = 2 / lam_max
print(f"largest curvature {lam_max:.3f}: gradient descent diverges for α > {critical:.3f}")

learning_rates = {"too small": 0.01, "good": 1 / lam_max,
                  "large: zig-zags": 0.9 * critical, "too large: diverges": 1.15 * critical}
curves, slopes = {}, {}
for label, lr in learning_rates.items():
    reg = gn.Sequential([Dense(1, input_shape=(1,), kernel_initializer="zeros")])
    reg.compile(gn.optimizers.SGD(lr), "mse")
    path = []
    watch = gn.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: path.append(float(reg.get_weights()[0][0, 0])))
    history = reg.fit(Xr, yr, batch_size=len(Xr), epochs=40, shuffle=False, verbose=0,
                      callbacks=[watch])
    curves[label], slopes[label] = history.history["loss"], path
    print(f"α = {lr:.3f} ({label}): loss {curves[label][0]:.3f} -> {curves[label][-1]:.4g}")

w_best = np.linalg.lstsq(Xa, yr, rcond=None)[0]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4))
for label, lr in learning_rates.items():
    ax1.plot(curves[label], label=f"α = {lr:.2f} ({label})")
    ax2.plot(slopes[label], label=label)
ax1.set_yscale("log")
ax1.set_xlabel("epoch (= update: batch gradient descent)")
ax1.set_ylabel("mean squared error")
ax1.legend(fontsize=8)
ax2.axhline(w_best[0], color="k", ls=":", label="least-squares slope")
ax2.set_ylim(-1, 2)
ax2.set_xlabel("epoch")
ax2.set_ylabel("the weight w")
ax2.set_title("the weight: crawling, landing, zig-zagging, flying off")
ax2.legend(fontsize=8)
show(fig, "04_learning_rates")

# %%
noise_floor = np.mean((Xa @ w_best - yr) ** 2)  # the least-squares error: the best possible
assert curves["good"][-1] < 1.01 * noise_floor
assert curves["too small"][-1] > 2 * noise_floor              # still far from the bottom
assert curves["large: zig-zags"][-1] < 1.1 * noise_floor       # oscillates, but converges
assert curves["too large: diverges"][-1] > 100 * curves["too large: diverges"][0]
assert np.all(np.diff(np.sign(np.array(slopes["large: zig-zags"]) - w_best[0]))[:10] != 0)

# %% [markdown]
# ## Momentum
#
# When the loss is a long narrow valley (features on very different scales,
# say), the gradient points mostly across the valley. A learning rate small
# enough not to diverge across it makes painfully slow progress along it.
#
# **Momentum** keeps a velocity, a running sum of past steps:
# v := β v - α g, then w := w + v. Steps across the valley alternate in sign
# and cancel out; steps along the valley all point the same way and add up (to
# about α / (1 - β) times the gradient: ten times the plain step for β = 0.9).
# `SGD(learning_rate, momentum=β)`; `nesterov=True` evaluates the step at
# the point the velocity is about to carry the weights to.
#
# A two-weight linear regression (no bias) whose second feature is five times
# smaller than the first: the loss surface over (w1, w2) is a narrow valley.

# %%
X2, y2 = gn.data.make_regression(200, features=2, noise=0.1, seed=3)
X2[:, 1] *= 0.2  # the second feature in a unit five times larger: a narrow valley
y2 = y2 - y2.mean()
X2 = X2 - X2.mean(axis=0)
steps = 60
paths, losses_by_beta = {}, {}
for beta in (0.0, 0.8):
    reg = gn.Sequential([Dense(1, input_shape=(2,), use_bias=False, kernel_initializer="zeros")])
    reg.compile(gn.optimizers.SGD(0.4, momentum=beta), "mse")
    path = [reg.get_weights()[0].ravel()]
    watch = gn.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: path.append(reg.get_weights()[0].ravel()))
    history = reg.fit(X2, y2, batch_size=len(X2), epochs=steps, shuffle=False, verbose=0,
                      callbacks=[watch])
    paths[beta], losses_by_beta[beta] = np.array(path), history.history["loss"]
    print(f"β = {beta}: loss after {steps} updates {losses_by_beta[beta][-1]:.4f}, "
          f"weights {np.round(path[-1], 3)}")

w_star = np.linalg.lstsq(X2, y2, rcond=None)[0]
g1, g2 = np.meshgrid(np.linspace(-3, 1, 200), np.linspace(-7.5, 1.5, 200))
W_grid = np.stack([g1.ravel(), g2.ravel()])
surface = np.mean((X2 @ W_grid - y2[:, None]) ** 2, axis=0).reshape(g1.shape)
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.5))
ax1.contour(g1, g2, surface, levels=np.geomspace(surface.min() + 1e-3, surface.max(), 20),
            colors="grey", linewidths=0.6)
for beta, label in ((0.0, "plain SGD"), (0.8, "momentum β = 0.8")):
    ax1.plot(paths[beta][:, 0], paths[beta][:, 1], ".-", ms=3, label=label)
    ax2.plot(losses_by_beta[beta], label=label)
ax1.plot(*w_star, "k*", ms=12, label="minimum")
ax1.set_xlabel("w1")
ax1.set_ylabel("w2")
ax1.legend()
ax1.set_title(f"{steps} updates from (0, 0)")
ax2.set_yscale("log")
ax2.set_xlabel("update")
ax2.set_ylabel("mean squared error")
ax2.legend()
show(fig, "04_momentum")

# %%
distance = {beta: np.linalg.norm(paths[beta][-1] - w_star) for beta in paths}
print(f"distance to the minimum: plain {distance[0.0]:.3f}, momentum {distance[0.8]:.3f}")
assert distance[0.8] < 0.1 * distance[0.0]
assert losses_by_beta[0.8][-1] < losses_by_beta[0.0][-1]

# %% [markdown]
# ## Learning-rate decay
#
# Large steps help early, when the weights are far from any minimum; late in
# training they make mini-batch noise bounce the weights around the minimum.
# The course's **time-based decay** shrinks the rate every epoch:
#
#     α = α0 / (1 + decay_rate · epoch)
#
# A `LearningRateScheduler` callback sets the rate at the start of every epoch
# from a function `schedule(epoch, lr)`; it also logs the rate it used, so
# `history.history["learning_rate"]` is the schedule.

# %%
alpha0 = 1.0
epochs = 40 if FAST else 100
decay_runs = {}
for decay_rate in (0.0, 0.05, 0.2):
    gn.set_seed(2)
    model = moons_model()
    model.set_weights(initial_weights)
    model.compile(gn.optimizers.SGD(alpha0), "binary_crossentropy")
    track = []
    callbacks = [gn.callbacks.LearningRateScheduler(lambda epoch, lr: alpha0 / (1 + decay_rate * epoch)),
                 gn.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: track.append(full_loss(model)))]
    history = model.fit(X, y, batch_size=8, epochs=epochs, verbose=0, callbacks=callbacks)
    decay_runs[decay_rate] = (history.history["learning_rate"], track)
    lr_used = history.history["learning_rate"]
    assert np.allclose(lr_used, alpha0 / (1 + decay_rate * np.arange(epochs)))

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4))
for decay_rate, (lr_used, track) in decay_runs.items():
    label = "constant" if decay_rate == 0 else f"decay_rate = {decay_rate}"
    ax1.plot(lr_used, label=label)
    ax2.plot(track, label=label)
ax1.set_xlabel("epoch")
ax1.set_ylabel("learning rate α")
ax1.set_title("α0 / (1 + decay_rate · epoch)")
ax2.set_xlabel("epoch")
ax2.set_ylabel("loss on the whole training set")
ax2.set_title("mini-batches of 8: decay calms the noise")
for ax in (ax1, ax2):
    ax.legend()
show(fig, "04_decay")

# %%
tail = slice(-epochs // 4, None)  # the last quarter of training
wobble = {d: np.std(np.diff(track[tail])) for d, (_, track) in decay_runs.items()}
print("epoch-to-epoch jumps of the loss, last quarter:",
      {d: round(float(v), 4) for d, v in wobble.items()})
assert wobble[0.05] < wobble[0.0]
assert decay_runs[0.2][1][-1] > decay_runs[0.05][1][-1]  # decaying too fast stalls training

# %% [markdown]
# The same schedule as an object: `schedules.InverseTimeDecay` computes the rate
# from the *update* count, so dividing by the updates per epoch (with
# `staircase=True` to round down) gives the epoch. Pass it to the optimizer as
# its learning rate and no callback is needed.
#
# Careful with the optimizers' own `decay=` argument (Keras 2's): it divides by
# 1 + decay · *iterations*, every update, not every epoch.

# %%
steps_per_epoch = 25  # 200 samples, batch size 8
schedule = gn.schedules.InverseTimeDecay(alpha0, decay_steps=steps_per_epoch, decay_rate=0.05,
                                         staircase=True)
for epoch in (0, 1, 10, 99):
    step = epoch * steps_per_epoch + 7  # somewhere inside the epoch
    assert np.isclose(schedule(step), alpha0 / (1 + 0.05 * epoch))
per_update = gn.optimizers.SGD(alpha0, decay=0.05 / steps_per_epoch)
per_update.iterations = 10 * steps_per_epoch
print(f"after 10 epochs: schedule {schedule(10 * steps_per_epoch):.4f}, "
      f"SGD(decay=0.05/25) {per_update.current_learning_rate():.4f}")
assert np.isclose(per_update.current_learning_rate(), schedule(10 * steps_per_epoch))

# %% [markdown]
# ## The optimizers, side by side
#
# Each optimizer is a rule turning gradients into steps (the formulas are in
# `graphnet/train/optimizers.py`, one fused kernel each):
#
# | optimizer | idea |
# |---|---|
# | SGD | w := w - α g |
# | SGD + momentum | a velocity accumulates past steps (β = 0.9) |
# | Nesterov | momentum, with the gradient taken where the velocity leads |
# | Adagrad | each step divided by √(*sum* of that weight's squared gradients): steps keep shrinking |
# | RMSprop | a *moving average* (ρ = 0.9) of squared gradients instead: steps do not die out |
# | Adadelta | RMSprop scaled by the RMS of its own past steps: α = 1 in the paper |
# | Adam | momentum on the gradient plus RMSprop on its square, both bias-corrected |
# | Adamax | Adam with the largest recent gradient instead of the RMS |
# | Nadam | Adam with Nesterov momentum |
#
# All of them train the same network from the same initial weights on the same
# batches (the same seed shuffles them), with α = 0.01 each, except Adadelta at
# 1.0 (with Keras' default 0.001 it barely moves).

# %%
O = gn.optimizers
optimizers = {"SGD": O.SGD(0.01), "SGD + momentum": O.SGD(0.01, momentum=0.9),
              "Nesterov": O.SGD(0.01, momentum=0.9, nesterov=True), "Adagrad": O.Adagrad(0.01),
              "RMSprop": O.RMSprop(0.01), "Adadelta": O.Adadelta(1.0), "Adam": O.Adam(0.01),
              "Adamax": O.Adamax(0.01), "Nadam": O.Nadam(0.01)}
epochs = 40 if FAST else 200
compared = {}
for name, optimizer in optimizers.items():
    gn.set_seed(2)
    model = moons_model()
    model.set_weights(initial_weights)
    model.compile(optimizer, "binary_crossentropy", metrics=["accuracy"])
    history = model.fit(X, y, batch_size=32, epochs=epochs, verbose=0)
    compared[name] = history.history
    print(f"{name:15s} final loss {history.history['loss'][-1]:.3f}  "
          f"accuracy {history.history['accuracy'][-1]:.3f}")

fig, ax = plt.subplots(figsize=(8, 5))
for k, (name, logs) in enumerate(compared.items()):
    ax.plot(np.arange(1, epochs + 1), logs["loss"], label=name, ls="-" if k < 5 else "--")
ax.set_xlabel("epoch")
ax.set_ylabel("training loss (binary cross-entropy)")
ax.set_yscale("log")
ax.set_title("same network, same initial weights, same batches")
ax.legend(ncol=2)
show(fig, "04_optimizers")

# %%
first = compared["SGD"]["loss"][0]
final = {name: logs["loss"][-1] for name, logs in compared.items()}
assert all(v < first for v in final.values())                 # every one of them learns
assert final["SGD + momentum"] < final["SGD"]                 # momentum helps plain SGD
assert final["Adam"] < final["SGD"] and final["Adagrad"] > final["RMSprop"]
assert len(O.SGD().get_config()) > 0 and O.Adam().learning_rate == 0.001  # Keras' defaults

# %% [markdown]
# At the same learning rate, plain SGD crawls; momentum gets it moving;
# Adagrad's steps keep shrinking; RMSprop, Adam and Nadam adapt the step of
# every weight and get furthest. That is why Adam (α = 0.001 by default) is
# the usual first choice; well-tuned SGD with momentum is still competitive on
# large problems.
#
# ## Weight initialisation
#
# Where the weights start matters:
#
# - **All zeros** (or any constant): every hidden unit of a layer computes the
#   same thing and receives the same gradient, so they stay identical forever:
#   the **symmetry is never broken**, and a layer of 32 units works like one.
#   With tanh it is worse: tanh(0) = 0, so every gradient is zero and nothing
#   learns at all.
# - **Random, near zero** (say N(0, 0.01²)): symmetry is broken, but in a deep
#   network each layer multiplies the signal by a small number, so the
#   activations (and the gradients on the way back) shrink towards 0 layer by
#   layer.
# - **Random, too large** (N(0, 3²)): the weighted sums are huge, tanh and
#   sigmoid units saturate at ±1 where their derivative is about 0, gradients
#   vanish, and the first predictions are confidently wrong.
# - **Glorot (Xavier)**: uniform in ±√(6 / (fan_in + fan_out)), scaled so that
#   the variance of the signal stays about the same from layer to layer, forward
#   and backward. It is Keras' (and graphnet's) default for Dense layers; He
#   initialisation, √(2 / fan_in), is its counterpart for ReLU.
#
# A deeper network shows it: four hidden tanh layers of 32 units, trained with
# SGD and momentum. `probe` is a second model on the same layers whose outputs
# are the hidden activations.

# %%
I = gn.initializers
inits = {"zeros": "zeros", "near zero, N(0, 0.01²)": I.RandomNormal(stddev=0.01),
         "too large, N(0, 3²)": I.RandomNormal(stddev=3.0), "Glorot uniform": "glorot_uniform"}
epochs = 40 if FAST else 100
spread, saturated, init_runs = {}, {}, {}
for name, init in inits.items():
    gn.set_seed(0)
    inputs = Input((2,))
    h, hidden = inputs, []
    for _ in range(4):
        h = Dense(32, activation="tanh", kernel_initializer=init)(h)
        hidden.append(h)
    outputs = Dense(1, activation="sigmoid", kernel_initializer=init)(h)
    deep, probe = gn.Model(inputs, outputs), gn.Model(inputs, hidden)
    activations = probe.predict(X)
    spread[name] = [a.std() for a in activations]
    saturated[name] = [np.mean(np.abs(a) > 0.99) for a in activations]
    deep.compile(gn.optimizers.SGD(0.1, momentum=0.9), "binary_crossentropy", metrics=["accuracy"])
    init_runs[name] = deep.fit(X, y, batch_size=32, epochs=epochs, verbose=0).history
    print(f"{name:24s} activation std per layer {np.round(spread[name], 3)}, "
          f"saturated {np.round(saturated[name], 2)}, final loss {init_runs[name]['loss'][-1]:.3f}")

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4))
for name in inits:
    ax1.plot(range(1, 5), np.maximum(spread[name], 1e-12), "o-", label=name)
    ax2.plot(np.arange(1, epochs + 1), init_runs[name]["loss"], label=name)
ax1.set_yscale("log")
ax1.set_xticks(range(1, 5))
ax1.set_xlabel("hidden layer")
ax1.set_ylabel("std of the activations at initialisation")
ax1.set_title("zeros: 0 everywhere (drawn at 1e-12)")
ax2.set_xlabel("epoch")
ax2.set_ylabel("training loss")
ax2.set_yscale("log")
for ax in (ax1, ax2):
    ax.legend(fontsize=8)
show(fig, "04_initialisation")

# %%
final = {name: logs["loss"][-1] for name, logs in init_runs.items()}
assert max(spread["zeros"]) == 0 and final["zeros"] > 0.65           # nothing learns
assert spread["near zero, N(0, 0.01²)"][3] < 1e-4                    # the signal dies out
assert final["near zero, N(0, 0.01²)"] > 0.65
assert min(saturated["too large, N(0, 3²)"][1:]) > 0.5              # most units saturated
assert init_runs["too large, N(0, 3²)"]["loss"][0] > 2               # confidently wrong at first
assert 0.1 < min(spread["Glorot uniform"]) and max(saturated["Glorot uniform"]) < 0.05
assert final["Glorot uniform"] < 0.5 * min(final[n] for n in inits if n != "Glorot uniform")

# %% [markdown]
# Symmetry, seen directly: one hidden layer of 8 *sigmoid* units started at
# zero. sigmoid(0) = 1/2, so now the gradients are not zero, and the weights do
# move; but all 8 columns of the first weight matrix (one column per unit)
# move identically.

# %%
gn.set_seed(0)
twins = gn.Sequential([Dense(8, activation="sigmoid", input_shape=(2,), kernel_initializer="zeros"),
                       Dense(1, activation="sigmoid", kernel_initializer="zeros")])
twins.compile(gn.optimizers.Adam(0.01), "binary_crossentropy", metrics=["accuracy"])
twins.fit(X, y, batch_size=32, epochs=30 if FAST else 100, verbose=0)
W1 = twins.get_weights()[0]
print("first-layer weights after training (2 inputs x 8 units):\n", np.round(W1, 3))
assert np.abs(W1).max() > 0.1                  # they learned something...
assert np.allclose(W1, W1[:, :1], atol=1e-6)   # ...all 8 units the very same thing

# %% [markdown]
# ## Counting parameters
#
# A Dense layer from n inputs to k units has n · k weights plus k biases. The
# course's network, 2 inputs -> 4 hidden -> 2 outputs, has
# (2 · 4 + 4) + (4 · 2 + 2) = 12 + 10 = **22** parameters. `summary()` prints
# Keras' table: each layer with its output shape (`None` is the batch size,
# unknown until data arrives) and parameter count, then the totals, split into
# trainable and non-trainable (frozen) parameters. graphnet adds activation
# memory and forward FLOPs per sample.

# %%
net = gn.Sequential([Dense(4, activation="relu", input_shape=(2,)), Dense(2, activation="softmax")],
                    name="course_2_4_2")
net.summary()
by_hand = (2 * 4 + 4) + (4 * 2 + 2)
assert net.count_params() == by_hand == 22
assert [w.shape for w in net.get_weights()] == [(2, 4), (4,), (4, 2), (2,)]
assert [layer.count_params() for layer in net.layers] == [12, 10]
show_graph(gn.draw(net), "04_model_2_4_2")

# %% [markdown]
# ## Hyperparameters versus parameters, and grid search
#
# **Parameters** are what training learns: the 22 numbers above. **Hyper-
# parameters** are everything we choose before training and training does not
# change: the learning rate, batch size, number of epochs, optimizer and its
# β, ρ, decay, the number of layers and units, the activations, the
# initialisation, and the regularisation of the next chapter.
#
# No gradient tells us how to set a hyperparameter, so we search: train with
# every combination on a grid and keep the best, judged on data the training
# did not see. With the scikit-learn bridge, `GridSearchCV` does it with 3-fold
# cross-validation (next chapter): every combination is trained three times,
# each time validated on a different third of the data.

# %%
from sklearn.model_selection import GridSearchCV  # noqa: E402

from graphnet.train.sklearn import GraphnetClassifier  # noqa: E402


def build(units=8, learning_rate=0.01):
    model = gn.Sequential([Dense(units, activation="tanh", input_shape=(2,)),
                           Dense(2, activation="softmax")])
    model.compile(gn.optimizers.Adam(learning_rate), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


grid = {"learning_rate": [0.001, 0.1] if FAST else [0.001, 0.01, 0.1],
        "units": [2, 32] if FAST else [2, 8, 32]}
search = GridSearchCV(GraphnetClassifier(build, epochs=20 if FAST else 60, batch_size=32, seed=0),
                      grid, cv=3)
search.fit(X, y)
scores = np.zeros((len(grid["learning_rate"]), len(grid["units"])))
for params, score in zip(search.cv_results_["params"], search.cv_results_["mean_test_score"]):
    scores[grid["learning_rate"].index(params["learning_rate"]), grid["units"].index(params["units"])] = score
print("mean validation accuracy (rows: learning rate, columns: units)\n", np.round(scores, 3))
print("best:", search.best_params_, f"{search.best_score_:.3f}")

fig, ax = plt.subplots(figsize=(5, 4))
image = ax.imshow(scores, cmap="viridis")
fig.colorbar(image, ax=ax)
ax.set_xticks(range(len(grid["units"])), grid["units"])
ax.set_yticks(range(len(grid["learning_rate"])), grid["learning_rate"])
for i in range(scores.shape[0]):
    for j in range(scores.shape[1]):
        dark = scores[i, j] < scores.min() + 0.6 * np.ptp(scores)
        ax.text(j, i, f"{scores[i, j]:.2f}", ha="center", va="center", color="w" if dark else "k")
ax.set_xlabel("hidden units")
ax.set_ylabel("learning rate")
ax.set_title("3-fold cross-validated accuracy")
show(fig, "04_grid_search")

# %%
assert search.best_params_["learning_rate"] == 0.1 and search.best_params_["units"] > 2
assert scores.max() > 0.9 and scores[0, 0] < scores.max() - 0.05  # the grid matters
assert search.best_estimator_.predict(X[:5]).shape == (5,)

# %% [markdown]
# A grid grows multiplicatively with every hyperparameter added (3 values of
# 5 hyperparameters is 243 trainings, times the folds); random search, which
# samples combinations instead, usually finds a good one sooner.
#
# ## Summary
#
# - An iteration is forward + backward + update; an epoch is ⌈m / B⌉ of them.
# - Batch size trades the quality of each update against the number of updates
#   per epoch; mini-batches of a power of two are the usual compromise.
# - The learning rate must stay below what the curvature allows; momentum and
#   decay help, and adaptive optimizers (RMSprop, Adam, ...) set a step per
#   weight.
# - Random initialisation breaks symmetry; Glorot's scaling keeps signals alive
#   through depth.
# - Parameters are learned; hyperparameters are searched, on held-out data.
