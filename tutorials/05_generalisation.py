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
# # 5. Generalisation
#
# A model is only useful on data it has not seen. Training lowers the loss on
# the training set; **generalisation** is how well that carries over to new
# samples. This chapter measures it (hold-out validation, k-fold
# cross-validation, a test set kept for the end), shows how it fails
# (underfitting, overfitting), and goes through the usual remedies: L2
# regularisation, dropout, early stopping, data augmentation, and
# pre-processing done without peeking at the test set.

# %%
import numpy as np

import graphnet as gn
from _tutorial import FAST, plt, show
from graphnet.nn import L2, Dense, Dropout, Flatten, Input
from graphnet.viz.plots import plot_decision_boundary, plot_images

# %% [markdown]
# ## Underfitting and overfitting
#
# A curve to fit from noisy samples, in place of the course's polynomial
# example: one and a half periods of a sine wave with Gaussian noise
# (`make_sine_series`), x rescaled to [-1, 1]. We train on 30 points and
# validate on the 70 others. Three networks:
#
# - **tiny**: a single linear unit, a straight line: too simple for a curve;
# - **right-sized**: 8 tanh units;
# - **huge**: three ReLU layers of 128 units (33,409 parameters for 30 points).

# %%
t, values = gn.data.make_sine_series(n=100, period=200 / 3, noise=0.3, seed=0)
x = (2 * t / 99 - 1).astype(np.float32)[:, None]
v = values[:, None]
x_train, x_val, v_train, v_val = gn.data.train_test_split(x, v, test_size=70, seed=2)


def curve_models():
    return {"tiny": [Dense(1, input_shape=(1,))],
            "right-sized": [Dense(8, activation="tanh", input_shape=(1,)), Dense(1)],
            "huge": [Dense(128, activation="relu", input_shape=(1,)), Dense(128, activation="relu"),
                     Dense(128, activation="relu"), Dense(1)]}


epochs = 800 if FAST else 2000
fits = {}
for name, layers in curve_models().items():
    gn.set_seed(0)
    model = gn.Sequential(layers, name=name.replace("-", "_"))
    model.compile(gn.optimizers.Adam(0.01), "mse")
    history = model.fit(x_train, v_train, batch_size=len(x_train), epochs=epochs,
                        validation_data=(x_val, v_val), verbose=0)
    fits[name] = (model, history.history)
    print(f"{name:12s} {model.count_params():6d} parameters: training MSE "
          f"{history.history['loss'][-1]:.3f}, validation MSE {history.history['val_loss'][-1]:.3f}")

grid = np.linspace(-1, 1, 400, dtype=np.float32)[:, None]
fig, axes = plt.subplots(1, 4, figsize=(18, 4))
axes[0].scatter(x_train, v_train, c="k", s=18, label="training points", zorder=3)
axes[0].scatter(x_val, v_val, c="grey", marker="x", s=14, label="validation points")
for name, (model, logs) in fits.items():
    axes[0].plot(grid, model.predict(grid), label=name)
axes[0].set_ylim(-2, 2)
axes[0].legend(fontsize=8)
axes[0].set_title("the fitted curves")
for ax, (name, (model, logs)) in zip(axes[1:], fits.items()):
    ax.plot(logs["loss"], label="training")
    ax.plot(logs["val_loss"], "--", label="validation")
    ax.set_yscale("log")
    ax.set_ylim(1e-3, 2)
    ax.set_xlabel("epoch")
    ax.set_title(name)
    ax.legend()
axes[1].set_ylabel("mean squared error")
show(fig, "05_under_overfitting")

# %% [markdown]
# - The **tiny** model **underfits**: training and validation errors are both
#   high and close together. More training will not help; more capacity will.
# - The **huge** model **overfits**: its curve threads every training point,
#   noise included, so its training error goes to almost 0 while its
#   validation error first falls, then climbs. The gap between the two curves
#   is the signature of overfitting.
# - The **right-sized** model follows the sine wave and ignores the noise. The
#   noise has variance 0.3² = 0.09, so no model can get a validation MSE much
#   below 0.09.

# %%
final = {name: (logs["loss"][-1], logs["val_loss"][-1]) for name, (_, logs) in fits.items()}
best_val_epoch = int(np.argmin(fits["huge"][1]["val_loss"]))
print(f"huge: best validation MSE at epoch {best_val_epoch + 1}, then it rises")
assert final["tiny"][0] > 0.3 and final["tiny"][1] > 0.3                     # underfits
assert final["huge"][0] < 0.02 and final["huge"][1] > 5 * final["huge"][0]    # overfits
assert final["huge"][1] > min(fits["huge"][1]["val_loss"]) * 1.2              # val goes back up
assert final["right-sized"][1] < min(final["tiny"][1], final["huge"][1])

# %% [markdown]
# ## Training, validation and test sets
#
# Every choice made by looking at validation scores (architecture, epochs,
# learning rate, regularisation) fits the model a little to the validation
# set, so its score ends up optimistic. Hence three sets:
#
# - **training**: the weights are fitted on it;
# - **validation**: hyperparameters are chosen on it (hold-out validation);
# - **test**: touched once, at the very end, to report how good the final model
#   is.
#
# The breast-cancer data set (569 tumours, 30 measurements, benign or
# malignant) stands in for the course's Pima diabetes data. Two calls to
# `train_test_split` make a 60 / 20 / 20 split; `stratify` keeps the share of
# each class the same in every part.

# %%
Xc, yc = gn.data.load_breast_cancer()
X_rest, X_test, y_rest, y_test = gn.data.train_test_split(Xc, yc, test_size=0.2, seed=0, stratify=yc)
X_tr, X_va, y_tr, y_va = gn.data.train_test_split(X_rest, y_rest, test_size=0.25, seed=0, stratify=y_rest)
for name, part in (("training", y_tr), ("validation", y_va), ("test", y_test)):
    print(f"{name:10s} {len(part):3d} samples, {part.mean():.1%} benign")
assert len(y_tr) + len(y_va) + len(y_test) == len(yc)
assert abs(len(y_va) - 0.2 * len(yc)) <= 2 and abs(len(y_test) - 0.2 * len(yc)) <= 1
assert max(abs(p.mean() - yc.mean()) for p in (y_tr, y_va, y_test)) < 0.01


def cancer_model():
    model = gn.Sequential([Dense(16, activation="relu", input_shape=(30,)),
                           Dense(1, activation="sigmoid")])
    model.compile(gn.optimizers.Adam(0.001), "binary_crossentropy", metrics=["accuracy"])
    return model


def fit_and_score(X_fit, y_fit, X_score, y_score, epochs=30 if FAST else 60, seed=0):
    """Scale with statistics of the fitting data only, train, return accuracy on the other data."""
    scaler = gn.data.StandardScaler().fit(X_fit)
    gn.set_seed(seed)
    model = cancer_model()
    model.fit(scaler.transform(X_fit), y_fit, batch_size=32, epochs=epochs, verbose=0)
    return model.evaluate(scaler.transform(X_score), y_score, verbose=0, return_dict=True)["accuracy"]


print(f"hold-out validation accuracy: {fit_and_score(X_tr, y_tr, X_va, y_va):.3f}")

# %% [markdown]
# ## Hold-out versus k-fold cross-validation
#
# One hold-out score depends on which samples happened to land in the
# validation set. Draw the split again with another seed, and the score moves.
#
# **k-fold cross-validation** splits the data into k folds and trains k
# times, each time validating on a different fold and training on the other
# k - 1; every sample is validated on exactly once. The mean of the k scores is
# the estimate; their spread says how much to trust it. It costs k trainings,
# which is why it is used mostly on small data sets. Note the scaler is fitted
# inside every fold, on that fold's training part.

# %%
k = 5
holdout = []
for seed in range(k):
    a, b, ya, yb = gn.data.train_test_split(X_rest, y_rest, test_size=0.2, seed=seed, stratify=y_rest)
    holdout.append(fit_and_score(a, ya, b, yb))
folds = gn.data.StratifiedKFold(n_splits=k, shuffle=True, seed=0)
kfold = [fit_and_score(X_rest[tr], y_rest[tr], X_rest[va], y_rest[va]) for tr, va in folds.split(X_rest, y_rest)]
print("hold-out scores, five different random splits:", np.round(holdout, 3))
print(f"5-fold cross-validation: {np.round(kfold, 3)} -> {np.mean(kfold):.3f} ± {np.std(kfold):.3f}")

validated = np.concatenate([va for _, va in folds.split(X_rest, y_rest)])
assert np.array_equal(np.sort(validated), np.arange(len(X_rest)))  # each sample validated once
assert np.ptp(holdout) > 0.01             # a single hold-out score depends on the split
assert np.mean(kfold) > 0.94

# %% [markdown]
# The same with scikit-learn's `cross_val_score` and the graphnet bridge. A
# `Pipeline` keeps the scaling inside each fold. (It takes scikit-learn's
# `StandardScaler`: a pipeline's steps must be scikit-learn estimators, which
# graphnet's scaler is not.)

# %%
from sklearn.model_selection import cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler as SkStandardScaler  # noqa: E402

from graphnet.train.sklearn import GraphnetClassifier  # noqa: E402

pipeline = make_pipeline(SkStandardScaler(),
                         GraphnetClassifier(cancer_model, epochs=30 if FAST else 60, batch_size=32, seed=0))
scores = cross_val_score(pipeline, X_rest, y_rest, cv=gn.data.StratifiedKFold(k, shuffle=True, seed=0))
print(f"cross_val_score: {np.round(scores, 3)} -> {scores.mean():.3f}")
assert len(scores) == k and scores.mean() > 0.94

# %% [markdown]
# Only now, with everything chosen, does the test set come out, once:

# %%
test_accuracy = fit_and_score(X_rest, y_rest, X_test, y_test)
print(f"test accuracy of the final model (trained on training + validation): {test_accuracy:.3f}")
assert test_accuracy > 0.93

# %% [markdown]
# ## `validation_split` inside `fit`
#
# `fit(..., validation_split=0.2)` holds out a fraction of the data for
# validation and reports `val_loss` (and `val_` metrics) after every epoch. As
# in Keras, it takes the **last** samples *as they are given*, before any
# shuffling (`shuffle=True` shuffles only the training part). On data sorted
# by class that is a trap: iris comes sorted, 50 samples of each species, so
# with `validation_split=1/3` the validation part is exactly the 50
# *virginica*, a species the training part never contains.

# %%
X_iris, y_iris = gn.data.load_iris()
print("iris labels, in file order:", y_iris[:3], "...", y_iris[-3:])


class SeenSamples(gn.callbacks.Callback):
    """Records how many samples fit trains on (fit tells its callbacks in set_params)."""

    def on_train_begin(self, logs=None):
        self.samples = self.params["samples"]


def iris_fit(Xi, yi):
    gn.set_seed(0)
    model = gn.Sequential([Dense(16, activation="relu", input_shape=(4,)), Dense(3, activation="softmax")])
    model.compile(gn.optimizers.Adam(0.02), "sparse_categorical_crossentropy", metrics=["accuracy"])
    seen = SeenSamples()
    history = model.fit(Xi, yi, batch_size=16, epochs=40, validation_split=1 / 3, verbose=0, callbacks=[seen])
    return seen.samples, history.history


samples, sorted_logs = iris_fit(X_iris, y_iris)
order = gn.random.generator().permutation(len(y_iris))  # shuffle once, before fit
_, shuffled_logs = iris_fit(X_iris[order], y_iris[order])
print(f"fit trained on {samples} of {len(y_iris)} samples; validation accuracy: "
      f"sorted data {sorted_logs['val_accuracy'][-1]:.2f}, shuffled first {shuffled_logs['val_accuracy'][-1]:.2f}")
assert samples == 100 and "val_loss" in sorted_logs
assert sorted_logs["val_accuracy"][-1] == 0.0     # it never saw a virginica
assert shuffled_logs["val_accuracy"][-1] > 0.85

# %% [markdown]
# ## Regularisation
#
# Overfitting shows best where data is scarce and noisy: 60 training points of
# noisy moons, 240 for validation, and a network far too big for them (three
# ReLU layers of 128 units). We compare it with three regularised versions:
#
# - **L2 regularisation**, `kernel_regularizer=L2(λ)`: the loss gets a penalty
#   λ Σ w² on every kernel weight. Its gradient 2λw pulls each weight towards
#   zero, so every update first shrinks the weights by a factor (1 - 2αλ):
#   hence its other name, **weight decay**. Small weights make a smoother
#   function, which cannot chase every noisy point.
# - **Dropout** after every hidden layer (next section for the details).
#
# The loss `fit` reports includes the penalty; to compare like with like, a
# callback records the cross-entropy of the data alone, on both sets, every
# epoch.

# %%
Xm, ym = gn.data.make_moons(300, noise=0.35, seed=0)
Xm_train, Xm_val, ym_train, ym_val = gn.data.train_test_split(Xm, ym, test_size=240, seed=0)


def big_net(l2=None, dropout=0.0, convention="inverted"):
    layers = [Input((2,))]
    for _ in range(3):
        layers.append(Dense(128, activation="relu", kernel_regularizer=l2))
        if dropout:
            layers.append(Dropout(dropout, convention=convention))
    layers.append(Dense(1, activation="sigmoid", kernel_regularizer=l2))
    model = gn.Sequential(layers)
    model.compile(gn.optimizers.Adam(0.01), "binary_crossentropy", metrics=["accuracy"])
    return model


def data_loss(model, X, y):
    p = np.clip(model.predict(X, batch_size=len(X))[:, 0], 1e-7, 1 - 1e-7)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def train_big(epochs, callbacks=(), **settings):
    gn.set_seed(0)
    model = big_net(**settings)
    curves = {"train": [], "val": []}
    record = gn.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: (
        curves["train"].append(data_loss(model, Xm_train, ym_train)),
        curves["val"].append(data_loss(model, Xm_val, ym_val))))
    history = model.fit(Xm_train, ym_train, batch_size=len(Xm_train), epochs=epochs,
                        validation_data=(Xm_val, ym_val), verbose=0, callbacks=[record, *callbacks])
    return model, curves, history.history


def squared_weights(model):
    return sum(float(np.sum(layer.W.value ** 2)) for layer in model.layers if isinstance(layer, Dense))


epochs = 200 if FAST else 500
settings = {"no regularisation": {}, "L2, λ = 0.01": {"l2": L2(0.01)},
            "dropout, rate 0.5 (inverted)": {"dropout": 0.5},
            "dropout, rate 0.5 (scale at test)": {"dropout": 0.5, "convention": "scale_at_test"}}
regularised = {name: train_big(epochs, **kw) for name, kw in settings.items()}
for name, (model, curves, logs) in regularised.items():
    print(f"{name:34s} data loss: training {curves['train'][-1]:.3f}, validation {curves['val'][-1]:.3f}; "
          f"accuracy {logs['accuracy'][-1]:.3f} / {logs['val_accuracy'][-1]:.3f}; Σw² {squared_weights(model):8.1f}")

fig, axes = plt.subplots(2, 4, figsize=(18, 8))
for k, (name, (model, curves, logs)) in enumerate(regularised.items()):
    axes[0, k].plot(curves["train"], label="training")
    axes[0, k].plot(curves["val"], "--", label="validation")
    axes[0, k].set_yscale("log")
    axes[0, k].set_ylim(1e-4, 3)
    axes[0, k].set_title(name, fontsize=10)
    axes[0, k].set_xlabel("epoch")
    axes[0, k].legend()
    plot_decision_boundary(model.predict, Xm_train, ym_train, ax=axes[1, k])
    axes[1, k].set_title(f"validation accuracy {logs['val_accuracy'][-1]:.3f}", fontsize=10)
axes[0, 0].set_ylabel("cross-entropy of the data")
axes[1, 0].set_ylabel("decision boundary on the 60 training points")
fig.tight_layout()
show(fig, "05_regularisation")

# %%
gap = {name: curves["val"][-1] - curves["train"][-1] for name, (_, curves, _) in regularised.items()}
print("validation minus training loss:", {name: round(v, 3) for name, v in gap.items()})
base = "no regularisation"
assert all(gap[name] < 0.6 * gap[base] for name in gap if name != base)
assert all(regularised[name][1]["val"][-1] < regularised[base][1]["val"][-1] for name in gap if name != base)
assert squared_weights(regularised["L2, λ = 0.01"][0]) < 0.1 * squared_weights(regularised[base][0])

# %% [markdown]
# Unregularised, the network is right on every training point and grossly
# over-confident on validation points: a validation cross-entropy around 1,
# although about 88% of them are still classified correctly. L2 and dropout
# both narrow the gap. L2 also gives a visibly smoother boundary; dropout's is
# about as contorted as the unregularised one, but far less confident away
# from the training points. Here regularisation mostly cures the
# over-confidence: validation *accuracy* moves by a point or two either way.
#
# The strength λ is a hyperparameter: too little does nothing, too much
# flattens the model into underfitting. A sweep, with the squared size of the
# weights alongside:

# %%
lambdas = [0.0, 1e-4, 1e-3, 1e-2, 1e-1]
sweep = {lam: train_big(epochs // 2 if FAST else epochs, l2=L2(lam) if lam else None) for lam in lambdas}
weights_size = [squared_weights(sweep[lam][0]) for lam in lambdas]
val_loss = [sweep[lam][1]["val"][-1] for lam in lambdas]
train_loss = [sweep[lam][1]["train"][-1] for lam in lambdas]
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
labels = [str(lam) for lam in lambdas]
ax1.bar(labels, weights_size)
ax1.set_yscale("log")
ax1.set_xlabel("λ")
ax1.set_ylabel("Σ w² after training")
ax1.set_title("L2 shrinks the weights")
ax2.plot(labels, train_loss, "o-", label="training")
ax2.plot(labels, val_loss, "s--", label="validation")
ax2.set_yscale("log")
ax2.set_xlabel("λ")
ax2.set_ylabel("cross-entropy of the data")
ax2.legend()
show(fig, "05_l2_sweep")

# %% [markdown]
# Validation loss is U-shaped in λ: best around 0.01 here. At λ = 0.1 the
# penalty wins outright: the weights are squeezed to almost nothing, the
# network predicts 1/2 everywhere, and both losses sit at ln 2 ≈ 0.693.

# %%
print("Σw²:", np.round(weights_size, 1), " validation loss:", np.round(val_loss, 3))
assert all(a > b for a, b in zip(weights_size, weights_size[1:]))  # more λ, smaller weights
assert np.all(np.diff(train_loss) > 0)                                # ...and a worse fit to training data
assert np.isclose(train_loss[-1], np.log(2), atol=0.01)               # λ = 0.1: a constant 1/2
assert min(val_loss[1:]) < val_loss[0]

# %% [markdown]
# ## Dropout, and its two conventions
#
# While training, dropout sets each activation to 0 with probability
# p = `rate`, and keeps it with probability **q = 1 - p** (the course's keep
# probability), drawing a fresh random mask for every batch. No unit can rely
# on any other being there, so the network cannot build the fragile
# co-adaptations that memorise noise. At test time nothing is dropped.
#
# But then a unit downstream would receive, on average, q times less input
# while training than at test. Two conventions fix that:
#
# - **inverted dropout** (Keras' and graphnet's default): while training,
#   divide the kept activations by q; at test time do nothing;
# - **the original paper's** (`convention="scale_at_test"`): train with the
#   kept activations as they are; at test time multiply every activation by q.
#
# Either way, the test-time activation equals the *expected* training-time
# activation. `layer(x, training=True)` runs a layer in training mode; `layer(x)`
# alone is inference, as in Keras; `model.predict` runs the inference graph.

# %%
rate = 0.25
q = 1 - rate
a = np.full((100_000, 4), 2.0, dtype=np.float32)  # many copies of the activation 2.0
for convention in ("inverted", "scale_at_test"):
    layer = Dropout(rate, convention=convention)
    trained = layer(gn.tensor(a, requires_grad=False), training=True).value
    tested = gn.Sequential([Input((4,)), layer]).predict(a, batch_size=len(a))
    kept = np.mean(trained != 0)
    print(f"{convention:14s} training: values {np.unique(trained)}, kept {kept:.3f}, mean {trained.mean():.4f};"
          f"  test: {np.unique(tested)}")
    assert abs(kept - q) < 0.01
    assert np.allclose(tested, trained.mean(), rtol=0.01)   # test = expected training activation
    assert np.allclose(tested, 2.0 if convention == "inverted" else 2.0 * q)

# %% [markdown]
# Both conventions regularised the moons network above about equally; they
# differ only in where the factor q is applied. Inverted dropout is the
# standard choice because the deployed model does not need to know dropout
# was ever there.
#
# ## Early stopping
#
# The validation loss of the unregularised network bottomed out early and then
# rose for hundreds of epochs. Early stopping watches it and stops when it has
# not improved by at least `min_delta` for `patience` epochs in a row;
# `restore_best_weights=True` then puts back the weights from the best epoch.
# (Monitoring validation data makes the number of epochs one more
# hyperparameter fitted to the validation set: the test set is still for the
# end.)

# %%
def val_loss_of(model):
    return model.evaluate(Xm_val, ym_val, batch_size=len(Xm_train), verbose=0, return_dict=True)["loss"]


stopper = gn.callbacks.EarlyStopping(monitor="val_loss", patience=20, min_delta=1e-4,
                                     restore_best_weights=True)
model, curves, logs = train_big(epochs, callbacks=[stopper])
best = int(np.argmin(logs["val_loss"]))
print(f"stopped after epoch {stopper.stopped_epoch + 1} of {epochs}; best validation loss "
      f"{logs['val_loss'][best]:.3f} at epoch {best + 1}; restored weights give "
      f"{val_loss_of(model):.3f}")

fig, ax = plt.subplots(figsize=(7, 4))
full_run = regularised[base][2]
ax.plot(full_run["val_loss"], color="lightgrey", label="validation loss, no early stopping")
ax.plot(logs["loss"], label="training loss")
ax.plot(logs["val_loss"], "--", label="validation loss")
ax.axvline(best, color="g", ls=":", label=f"best epoch ({best + 1}): weights restored")
ax.axvline(stopper.stopped_epoch, color="r", ls=":", label=f"stopped (patience {stopper.patience})")
ax.set_yscale("log")
ax.set_xlabel("epoch")
ax.set_ylabel("binary cross-entropy")
ax.legend(fontsize=8)
show(fig, "05_early_stopping")

# %%
assert stopper.stopped_epoch is not None and stopper.stopped_epoch < epochs // 2
assert stopper.stopped_epoch - stopper.best_epoch == stopper.patience and best == stopper.best_epoch
restored = val_loss_of(model)
assert np.isclose(restored, min(logs["val_loss"]), rtol=1e-4)
assert restored < 0.5 * full_run["val_loss"][-1]

# %% [markdown]
# ## Data augmentation
#
# More data is the best regulariser, and sometimes it can be made: a digit
# moved by one pixel is the same digit. The course shifts every training image
# one pixel right, left, down and up (the uncovered edge becomes black), which
# makes the training set five times larger. The 8x8 `load_digits` images stand
# in for MNIST.

# %%
Xd, yd = gn.data.load_digits(as_images=True)
Xd = Xd / 16.0  # pixels 0..16 -> [0, 1]
Xd_train, Xd_test, yd_train, yd_test = gn.data.train_test_split(Xd, yd, test_size=0.5, seed=0, stratify=yd)
if FAST:
    Xd_train, yd_train = Xd_train[:400], yd_train[:400]
X_aug, y_aug = gn.data.augment_with_shifts(Xd_train, yd_train)
n = len(Xd_train)
print(f"{n} training images -> {len(X_aug)} after augmentation")
assert len(X_aug) == 5 * n and np.array_equal(y_aug[n:2 * n], yd_train)
assert np.array_equal(X_aug[n, :, 1:], Xd_train[0, :, :-1])       # copy 1: moved one pixel right
assert np.all(X_aug[n, :, 0] == 0)                                # the uncovered edge is black

fig = plot_images(X_aug[[0, n, 2 * n, 3 * n, 4 * n]], ["original", "right", "left", "down", "up"],
                  columns=5, ax_size=1.6)
for ax in fig.axes:  # a frame, so the shift shows against the image's edge
    ax.axis("on")
    ax.set_xticks([])
    ax.set_yticks([])
show(fig, "05_shifted_digits")

# %% [markdown]
# What to measure, honestly: accuracy on the usual test images, and on the same
# test images each shifted one pixel in a random direction, a stand-in for
# digits that are not perfectly centred. The augmented run sees five times as
# many images per epoch; so that it is not just "more training", the baseline
# also gets as many updates as the augmented run.

# %%
moves = [(1, 0), (-1, 0), (0, 1), (0, -1)]
direction = np.random.default_rng(0).integers(0, 4, len(Xd_test))
Xd_test_shifted = np.concatenate([gn.data.shift_images(Xd_test[direction == m], *moves[m]) for m in range(4)])
yd_test_shifted = np.concatenate([yd_test[direction == m] for m in range(4)])


def digits_accuracy(X, y, epochs):
    gn.set_seed(0)
    model = gn.Sequential([Flatten(input_shape=(8, 8, 1)), Dense(128, activation="relu"),
                           Dense(10, activation="softmax")])
    model.compile(gn.optimizers.Adam(0.001), "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(X, y, batch_size=32, epochs=epochs, verbose=0)
    return [model.evaluate(a, b, verbose=0, return_dict=True)["accuracy"]
            for a, b in ((Xd_test, yd_test), (Xd_test_shifted, yd_test_shifted))]


aug_epochs = 15 if FAST else 60
runs = {"original images": digits_accuracy(Xd_train, yd_train, 5 * aug_epochs),
        "with shifted copies": digits_accuracy(X_aug, y_aug, aug_epochs)}
for name, (plain, shifted) in runs.items():
    print(f"{name:20s} test accuracy {plain:.3f}, on shifted test images {shifted:.3f}")

# %%
(base_plain, base_shifted), (aug_plain, aug_shifted) = runs.values()
assert aug_shifted > base_shifted + 0.3       # robust to shifts it was shown
assert aug_plain > base_plain - 0.02          # and no worse on centred digits
if not FAST:
    assert aug_plain > base_plain             # (with the full training set: better)

# %% [markdown]
# The large effect is on shifted digits: the baseline has only ever seen
# centred ones, and one pixel is an eighth of the image. On the ordinary test
# set the difference is small (in full mode, with the whole training half,
# augmentation gains a little).
#
# ## Pre-processing
#
# Networks want **floating-point** inputs of **similar, small scale**:
#
# - Images arrive as integers (0..255 for MNIST, 0..16 here): convert to
#   `float32` and divide by the maximum to get [0, 1] (`MinMaxScaler` does the
#   same from the data's own minimum and maximum).
# - Tabular features come in any units. Standard scaling, z = (x - mean) / std,
#   gives every feature mean 0 and standard deviation 1.
#
# The wine data (13 chemical measurements of 178 wines, 3 cultivars) stands in
# for the course's diamonds: its features range from about 0.1 (nonflavanoid
# phenols) to over 1,000 (proline).

# %%
X_pix, _ = gn.data.load_digits()
raw_pixels = X_pix.astype(np.int64)  # what an image file holds: whole numbers
as_float = raw_pixels.astype(np.float32) / 16.0
print("pixels:", raw_pixels.dtype, raw_pixels.min(), "..", raw_pixels.max(), "->",
      as_float.dtype, as_float.min(), "..", as_float.max())
assert as_float.dtype == np.float32 and as_float.min() == 0 and as_float.max() == 1
assert np.allclose(gn.data.MinMaxScaler().fit(X_pix).transform(X_pix).max(axis=0)[X_pix.max(axis=0) > 0], 1)

Xw, yw, info = gn.data.load_wine(return_info=True)
print("feature ranges:", {name: (round(float(lo), 2), round(float(hi), 2)) for name, lo, hi in
                          zip(info["feature_names"][-3:], Xw.min(0)[-3:], Xw.max(0)[-3:])})
Xw_train, Xw_test, yw_train, yw_test = gn.data.train_test_split(Xw, yw, test_size=0.3, seed=0, stratify=yw)
scaler = gn.data.StandardScaler().fit(Xw_train)  # statistics of the training set only


def wine_accuracy(train, test):
    gn.set_seed(0)
    model = gn.Sequential([Dense(16, activation="relu", input_shape=(13,)), Dense(3, activation="softmax")])
    model.compile(gn.optimizers.Adam(0.01), "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(train, yw_train, batch_size=16, epochs=50, verbose=0)
    return model.evaluate(test, yw_test, verbose=0, return_dict=True)["accuracy"]


raw_acc = wine_accuracy(Xw_train, Xw_test)
scaled_acc = wine_accuracy(scaler.transform(Xw_train), scaler.transform(Xw_test))
print(f"test accuracy: raw features {raw_acc:.3f}, standard-scaled {scaled_acc:.3f}")
assert scaled_acc > 0.9 and raw_acc < 0.7

# %% [markdown]
# **Fit the scaler on the training set only**, then transform the training,
# validation and test sets with that same scaler. Fitting it on all the data
# (or worse, fitting a second scaler on the test set) lets the test set shape
# the training inputs: information leaks from the data the model is to be
# judged on into the model. The transformed test set then looks more like
# the training set than truly new data would, and when the model is deployed,
# new samples arrive one at a time with no statistics of their own.
#
# The leak, made visible: change only the *test* samples, and with a scaler
# fitted on everything the *training* inputs change too.

# %%
train_inputs = scaler.transform(Xw_train)
print("scaled training set: mean", np.round(train_inputs.mean(0)[:3], 3), " test set: mean",
      np.round(scaler.transform(Xw_test).mean(0)[:3], 3), "(not exactly 0, as it should be)")
assert np.allclose(train_inputs.mean(0), 0, atol=1e-4) and np.allclose(train_inputs.std(0), 1, atol=1e-3)

other_test = Xw_test * 1.5  # a different test set
leaky = lambda test: gn.data.StandardScaler().fit(np.vstack([Xw_train, test])).transform(Xw_train)
proper = lambda test: gn.data.StandardScaler().fit(Xw_train).transform(Xw_train)
print("training inputs change with the test set? leaky:",
      not np.allclose(leaky(Xw_test), leaky(other_test)), " proper:",
      not np.allclose(proper(Xw_test), proper(other_test)))
assert not np.allclose(leaky(Xw_test), leaky(other_test))
assert np.array_equal(proper(Xw_test), proper(other_test))

# %% [markdown]
# Here the leak would change the test score little (the data is homogeneous);
# it matters more with small or shifting data, and it is a bug either way.
#
# **Labels.** Class names become integers 0..k-1 with a `LabelEncoder` (label
# encoding), and integers become one-hot rows with `to_categorical`. One-hot
# targets go with `categorical_crossentropy`; integer targets with
# `sparse_categorical_crossentropy`. Both compute the same loss.

# %%
species = np.array(["setosa", "versicolor", "virginica"])[y_iris[order]]  # labels as names
encoder = gn.data.LabelEncoder().fit(species)
codes = encoder.transform(species)
one_hot = gn.data.to_categorical(codes)
print("classes:", encoder.classes_.tolist())
print("names:", species[:4].tolist(), "-> codes:", codes[:4].tolist(), "-> one-hot:\n", one_hot[:4])
assert np.array_equal(encoder.inverse_transform(codes), species)
assert one_hot.shape == (150, 3) and np.all(one_hot.sum(axis=1) == 1)

probs = gn.tensor(np.full((150, 3), 1 / 3, dtype=np.float32))
sparse = float(gn.losses.sparse_categorical_crossentropy(codes, probs).value)
dense = float(gn.losses.categorical_crossentropy(one_hot, probs).value)
print(f"cross-entropy of a uniform guess: sparse {sparse:.4f}, one-hot {dense:.4f} (ln 3 = {np.log(3):.4f})")
assert np.isclose(sparse, dense) and np.isclose(sparse, np.log(3), rtol=1e-5)

# %% [markdown]
# ## Summary
#
# - Compare training and validation loss: both high and close is underfitting,
#   a widening gap is overfitting.
# - Choose with validation data (hold-out, or k-fold when data is scarce); test
#   once at the end. `validation_split` takes the last samples: shuffle first.
# - L2 (weight decay), dropout and early stopping fight overfitting; data
#   augmentation makes more data from the data you have.
# - Scale inputs to floats of similar size, with statistics of the training set
#   only; encode labels as integers or one-hot rows.
# - When data is very scarce, transfer learning (reusing the frozen layers of a
#   network trained on a related task) is the next tool; it has its own tutorial.
