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
# # 13. Transfer learning
#
# A convolutional network learns two things at once: **features** (edges,
# strokes, blobs, computed by the convolution and pooling layers) and a
# **head** (the dense layers that turn those features into this task's
# classes). Features carry over to related tasks; a head does not. Transfer
# learning reuses them:
#
# 1. train a network on task A;
# 2. **freeze** its feature layers: their weights stay in the graph, but get no
#    gradient and no update;
# 3. **replace the head** with fresh layers for task B;
# 4. train on task B: only the new head learns.
#
# The course's example (Keras' `mnist_transfer_cnn`): task A is recognising the
# digits 0-4, task B the digits 5-9. In full mode this tutorial uses the real
# 5,000-image MNIST sample (28x28); in fast mode scikit-learn's 8x8 digits.

# %%
import time

import numpy as np

import graphnet as gn
from _tutorial import FAST, plt, show, show_graph
from graphnet.models import transfer
from graphnet.viz import draw
from graphnet.viz.plots import plot_confusion_matrix, plot_filters, plot_images

# %% [markdown]
# ## Two tasks from one data set
#
# Pixels scaled to [0, 1]. Task A keeps the digits 0-4, task B the digits
# 5-9, relabelled 0-4 (a head has five outputs either way). Each task gets its
# own training and test split.

# %%
if FAST:
    X, y = gn.data.load_digits(as_images=True)
    X = X / 16.0
    sizes = dict(filters=32, dense=64)
    epochs_a, epochs_b = 6, 10
else:
    X, y = gn.data.load_mnist_sample(as_images=True)
    X = X / 255.0
    sizes = dict(filters=32, dense=128)
    epochs_a, epochs_b = 4, 4
image_shape = X.shape[1:]

task_a, task_b = y < 5, y >= 5
xa, xa_test, ya, ya_test = gn.data.train_test_split(X[task_a], y[task_a], test_size=0.3, seed=0)
xb, xb_test, yb, yb_test = gn.data.train_test_split(X[task_b], y[task_b] - 5, test_size=0.3, seed=0)
print(f"images {image_shape}; task A: {len(xa)} training, {len(xa_test)} test; "
      f"task B: {len(xb)} training, {len(xb_test)} test")
assert set(ya) == set(yb) == {0, 1, 2, 3, 4}

# %%
fig = plot_images(np.concatenate([xa[:10], xb[:10]]),
                  labels=[f"A:{d}" for d in ya[:10]] + [f"B:{d + 5}" for d in yb[:10]],
                  columns=10, title="task A (digits 0-4) and task B (digits 5-9)")
fig.subplots_adjust(top=0.8)
show(fig, "13_tasks")

# %% [markdown]
# ## The network
#
# `transfer.course_cnn` builds the course's network: two 3x3 convolutions with
# ReLU, 2x2 max pooling, dropout and Flatten are the **features**; a ReLU
# dense layer, dropout and a softmax layer are the **head**.

# %%
gn.set_seed(0)
base = transfer.course_cnn(image_shape, classes=5, **sizes, name="digits_0_to_4")
base.summary()
print("features:", [layer.name for layer in transfer.feature_layers(base)])
print("head:    ", [layer.name for layer in transfer.head_layers(base)])
show_graph(draw(base), "13_base_model")

# %% [markdown]
# ## Step 1: train on task A

# %%
base.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
started = time.perf_counter()
base.fit(xa, ya, epochs=epochs_a, batch_size=32, verbose=2)
seconds_a = (time.perf_counter() - started) / epochs_a
accuracy_a = base.evaluate(xa_test, ya_test, verbose=0, return_dict=True)["accuracy"]
print(f"task A test accuracy: {accuracy_a:.3f}")
assert accuracy_a > 0.9

# %% [markdown]
# The first layer's filters, learned on 0-4: small stroke and edge detectors,
# nothing specific to the digits 0-4.

# %%
show(plot_filters(base.get_layer("conv_1").W.value, title="conv_1 filters learned on task A"),
     "13_filters")

# %% [markdown]
# ## Step 2: freeze the features
#
# `transfer.freeze(model)` sets `trainable = False` on every layer up to the
# last Flatten (or up to a layer you name with `up_to=`). A frozen weight is
# still a leaf of the graph; it just asks for no gradient, so backward never
# computes one for it and the optimizer skips it. We keep an exact copy of the
# frozen weights to compare with later.

# %%
frozen = transfer.freeze(base)
before = transfer.snapshot(frozen)
for layer in base.layers:
    print(f"{layer.name:16s} trainable={layer.trainable}  weights={[w.shape for w in layer.get_weights()]}")
assert [layer.name for layer in frozen] == ["conv_1", "conv_2", "pool", "feature_dropout", "flatten"]

# %% [markdown]
# ## Step 3: replace the head
#
# `transfer.replace_head` builds a new model from the *same* feature layers
# (the same layer objects and weight tensors, not copies) followed by a new,
# randomly initialised head. The old model keeps its old head.

# %%
gn.set_seed(1)
model_b = transfer.replace_head(base, transfer.new_head(5, dense=sizes["dense"], dropout=0.2),
                                name="digits_5_to_9")
model_b.summary()
assert model_b.layers[:5] == frozen
assert model_b.get_layer("conv_1").W is base.get_layer("conv_1").W
n_frozen = sum(w.size for w in model_b.non_trainable_weights)
n_trainable = sum(w.size for w in model_b.trainable_weights)
print(f"{n_trainable:,} trainable and {n_frozen:,} frozen parameters")
show_graph(draw(model_b), "13_new_model")

# %% [markdown]
# ## Step 4: train the new head on task B
#
# Backward stops at the frozen part: no node there needs a gradient (its
# inputs are data and its weights are frozen), so training skips the
# convolutions' backward pass altogether. The engine's step events show it:
# in one training step, forward visits every layer, backward only the head.

# %%
model_b.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
with gn.observe(gn.Recorder()) as events:
    model_b.train_on_batch(xb[:32], yb[:32])
visited = {phase: {e.node.layer_name() for e in events if e.phase == phase}
           for phase in ("forward", "backward")}
print("forward visits: ", sorted(filter(None, visited["forward"])))
print("backward visits:", sorted(filter(None, visited["backward"])))
assert {layer.name for layer in frozen} <= visited["forward"]
assert not {layer.name for layer in frozen} & visited["backward"]

# %%
head = transfer.head_layers(model_b)
head_before = transfer.snapshot(head)
started = time.perf_counter()
history_b = model_b.fit(xb, yb, epochs=epochs_b, batch_size=32, verbose=2)
seconds_b = (time.perf_counter() - started) / epochs_b
accuracy_b = model_b.evaluate(xb_test, yb_test, verbose=0, return_dict=True)["accuracy"]
print(f"task B test accuracy with the transferred features: {accuracy_b:.3f} (chance: 0.2)")
assert accuracy_b > 0.85

# %% [markdown]
# ## The frozen weights did not change
#
# Not approximately: bit for bit. `changed_layers` compares every weight
# array with the copy made before training; the new head, in contrast, did
# change.

# %%
print("changed frozen layers:", transfer.changed_layers(before, frozen))
assert transfer.changed_layers(before, frozen) == []
for name, weights in before.items():
    for old, new in zip(weights, base.get_layer(name).get_weights()):
        assert np.array_equal(old, new)
print("changed head layers:  ", transfer.changed_layers(head_before, head))
assert transfer.changed_layers(head_before, head) == [layer.name for layer in head if layer.params]

# %% [markdown]
# And because the old model still has its old head on the unchanged
# features, it still answers task A exactly as before:

# %%
again_a = base.evaluate(xa_test, ya_test, verbose=0, return_dict=True)["accuracy"]
print(f"task A accuracy of the old model, after task B was trained: {again_a:.3f}")
assert again_a == accuracy_a

# %% [markdown]
# ## Where the new model errs
#
# The confusion matrix on task B's test set, in the original digit labels.

# %%
predicted_b = model_b.predict(xb_test).argmax(axis=1)
matrix = gn.metrics.confusion_matrix(yb_test, predicted_b)
fig, ax = plt.subplots(figsize=(4.8, 4.2))
plot_confusion_matrix(matrix, labels=range(5, 10), ax=ax)
ax.set_title("task B with transferred features")
show(fig, "13_confusion_b")

# %% [markdown]
# ## For comparison: the same network trained from scratch on task B
#
# Same architecture, same epochs, every layer trainable. With several hundred
# images of each new digit, a network trained from scratch does as well as
# the transferred one, or a little better: its features are made for 5-9. The
# transferred model trains fewer parameters, and each of its epochs skips the
# convolutions' backward pass (the times below are noisy on a shared machine).

# %%
gn.set_seed(1)
scratch = transfer.course_cnn(image_shape, classes=5, **sizes, name="scratch_5_to_9")
scratch.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
started = time.perf_counter()
scratch.fit(xb, yb, epochs=epochs_b, batch_size=32, verbose=0)
seconds_scratch = (time.perf_counter() - started) / epochs_b
accuracy_scratch = scratch.evaluate(xb_test, yb_test, verbose=0, return_dict=True)["accuracy"]

# %% [markdown]
# Transfer learning earns its keep when the new task has little data. With
# only 50 training images of task B (ten of each digit), a network trained
# from scratch must learn its features from those 50; the transferred one only
# needs a head on top of features learned from hundreds of images of 0-4.

# %%
few, few_epochs = 50, 16
gn.set_seed(1)
few_transfer = transfer.replace_head(base, transfer.new_head(5, dense=sizes["dense"], dropout=0.2))
few_transfer.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
few_transfer.fit(xb[:few], yb[:few], epochs=few_epochs, batch_size=32, verbose=0)
gn.set_seed(1)
few_scratch = transfer.course_cnn(image_shape, classes=5, **sizes)
few_scratch.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
few_scratch.fit(xb[:few], yb[:few], epochs=few_epochs, batch_size=32, verbose=0)
accuracy_few = {name: m.evaluate(xb_test, yb_test, verbose=0, return_dict=True)["accuracy"]
                for name, m in (("transfer", few_transfer), ("scratch", few_scratch))}
print(f"{few} images of task B: transferred {accuracy_few['transfer']:.3f}, "
      f"from scratch {accuracy_few['scratch']:.3f}")
assert accuracy_few["transfer"] > accuracy_few["scratch"]
assert transfer.changed_layers(before, frozen) == []

# %% [markdown]
# ## The accuracy table

# %%
rows = [("A: digits 0-4", "trained on A", len(xa), base.count_params(), accuracy_a, seconds_a),
        ("B: digits 5-9", "frozen features + new head", len(xb), n_trainable, accuracy_b, seconds_b),
        ("B: digits 5-9", "from scratch", len(xb), scratch.count_params(), accuracy_scratch,
         seconds_scratch),
        ("B: digits 5-9", "frozen features + new head", few, n_trainable, accuracy_few["transfer"], None),
        ("B: digits 5-9", "from scratch", few, scratch.count_params(), accuracy_few["scratch"], None)]
print(f"{'task':14s} {'model':28s} {'train n':>7s} {'trained params':>14s} {'test acc':>8s} {'s/epoch':>8s}")
for task, how, n, params, acc, seconds in rows:
    print(f"{task:14s} {how:28s} {n:7d} {params:14,d} {acc:8.3f} "
          f"{'' if seconds is None else f'{seconds:8.2f}'}")

fig, ax = plt.subplots(figsize=(7.5, 3.4))
labels = [f"{task[:1]}: {how}\n(n={n})" for task, how, n, _, _, _ in rows]
bars = ax.barh(range(len(rows)), [r[4] for r in rows], color=["#888", "#2a7", "#47b", "#2a7", "#47b"])
ax.set_yticks(range(len(rows)), labels, fontsize=8)
ax.invert_yaxis()
ax.axvline(0.2, color="k", ls=":", label="chance")
ax.set_xlim(0, 1.12)
ax.set_xlabel("test accuracy")
ax.bar_label(bars, fmt="%.3f", fontsize=8)
ax.legend(loc="lower right")
show(fig, "13_accuracies")

# %% [markdown]
# ## Summary
#
# - Feature layers learn general patterns; the head is task specific.
# - `freeze(model)` sets `trainable = False` up to the features' end: those
#   weights stay graph leaves without gradients, so the optimizer never
#   touches them (checked here bit for bit) and backward skips their nodes.
# - `replace_head(model, layers)` makes a new model sharing the frozen feature
#   layers; the old model and its head are unaffected.
# - Trained on digits 0-4, the frozen features support a new head for 5-9 that
#   is far above chance. After the head has learned, a common next step is
#   *fine-tuning*: `unfreeze` the top feature layers and train on with a small
#   learning rate.
