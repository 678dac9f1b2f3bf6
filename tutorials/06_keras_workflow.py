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
# # 6. Models and the Keras-style workflow
#
# Chapters 1 to 5 built networks node by node. This chapter writes them the
# way the course writes Keras:
#
# ```python
# model = Sequential([Dense(8, activation="relu", input_shape=(4,)), Dense(3, activation="softmax")])
# model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
# history = model.fit(X_train, y_train, epochs=100, batch_size=16, validation_split=0.2)
# model.evaluate(X_test, y_test); model.predict(X_new)
# ```
#
# Every one of those calls is still a graph you can open. The plan:
#
# 1. layers (with and without weights), `Sequential` and the functional API;
# 2. `summary()` and the model drawn as a graph;
# 3. compile, fit, History, evaluate, predict on three problems:
#    multi-class (iris), binary (breast cancer, standing in for the course's
#    Pima diabetes and churn sets) and regression (the diabetes-progression
#    set, standing in for California housing);
# 4. saving and loading, and why not pickle;
# 5. a scikit-learn wrapper for cross-validation and grid search.
#
# All data ships with scikit-learn, so nothing is downloaded.

# %%
import io
import json
import pickle

import numpy as np

import graphnet as gn
from _tutorial import FAST, OUT, plt, show, show_graph
from graphnet.viz import plots

L = gn.layers  # Dense, Dropout, Activation, Flatten, Reshape, Input, Concatenate, Add
gn.set_seed(6)

# %% [markdown]
# ## Layers: building blocks with or without state
#
# A layer is a function from tensors to tensors that may own **weights**.
# `Dense(units)` owns a kernel and a bias; it creates them the first time it
# sees an input, because only then does it know how many inputs it has
# (Keras calls this *building* the layer). `Flatten` owns nothing: it only
# rearranges numbers, so it is *stateless*.
#
# `Input(shape)` is a placeholder for one sample; applying a layer to it
# records a node in the graph.

# %%
dense = L.Dense(3, activation="relu")
print("before its first call:", dense.params)
x = L.Input((4,), name="x")
h = dense(x)
print("after:", [(p.name, p.shape) for p in dense.params])
assert dense.count_params() == 4 * 3 + 3          # kernel 4x3, bias 3

flatten = L.Flatten()
image = L.Input((2, 3), name="image")
flat = flatten(image)
print("Flatten:", image.shape[1:], "->", flat.shape[1:], "with", flatten.count_params(), "weights")
assert flat.shape[1:] == (6,) and flatten.params == []

# %% [markdown]
# The layer's output is an ordinary graph tensor. The node behind it is a
# *composite*: one fused node for speed, which can be opened into the
# primitive nodes it stands for (matrix product, add, activation).

# %%
print(h.node, "->", [type(n).__name__ for n in gn.Graph(h.node.expand(*h.parents)).nodes])

# %% [markdown]
# ## Sequential: a stack of layers
#
# Two ways to write the same model: a list, or `.add()` one layer at a time.
# The first layer needs the input shape, either as `input_shape=` or as an
# `Input` placed first.

# %%
def iris_model(hidden=8):
    return gn.Sequential([
        L.Dense(hidden, activation="relu", input_shape=(4,)),
        L.Dense(3, activation="softmax"),
    ])


stacked = gn.Sequential()
stacked.add(L.Input((4,)))
stacked.add(L.Dense(8, activation="relu"))
stacked.add(L.Dense(3, activation="softmax"))

listed = iris_model()
assert listed.count_params() == stacked.count_params() == (4 * 8 + 8) + (8 * 3 + 3)  # 67
listed.summary()
table = listed.summary_text()  # the same table as a string, to check it
assert "(None, 8)" in table and "(None, 3)" in table and "Total params: 67" in table

# %% [markdown]
# `summary()` is Keras' table: each layer, its output shape with `None` for
# the batch (any number of samples), and its parameter count. Dense(8) on 4
# inputs has 4 · 8 weights plus 8 biases = 40; Dense(3) on 8 has 27. Beyond
# Keras, three more columns: the memory one sample's activations take, the
# floating-point operations one sample costs (about 2 per weight: a multiply
# and an add), and what runs the layer.
#
# ## The model is a graph
#
# `gn.draw` shows the model at layer level: inputs (blue), weights (orange),
# one composite node per layer, and the output (green). Shapes in drawings are
# those of the placeholder the model was traced on, a batch of one sample;
# the same recorded graph is replayed on batches of any size.

# %%
show_graph(gn.draw(listed, show=("name", "shape")), "06_iris_model")

# %% [markdown]
# `expand=True` opens every layer into its primitive nodes: `x @ W`, `+ b`,
# then ReLU as `max(0, ·)` and softmax as subtract the row's maximum (for
# numerical stability), exp, sum and divide. This is exactly what chapters 1
# to 3 built by hand.

# %%
expanded = gn.draw(listed, show=("name", "shape"), expand=True)
show_graph(expanded, "06_iris_model_expanded")
assert expanded.source.count("cluster") >= 2   # one cluster per opened layer

# %% [markdown]
# ## The functional API: several inputs, several outputs
#
# A `Sequential` stack has one input and one output. The functional API calls
# layers on tensors and then names the ends: `Model(inputs, outputs)`.
#
# A small multi-task model on iris: from the sepal measurements (one input)
# and the petal width (a second input), predict the species (softmax) *and*
# the petal length (a number). The two branches meet in `Concatenate`. Each
# output gets its own loss, chosen by the output's name, and the total loss
# is their (weighted) sum.

# %%
X_iris, y_iris = gn.data.load_iris()
Xtr, Xte, ytr, yte = gn.data.train_test_split(X_iris, y_iris, test_size=0.3, stratify=y_iris, seed=0)
scaler = gn.data.StandardScaler().fit(Xtr)   # statistics of the training set only
Xtr_s, Xte_s = scaler.transform(Xtr), scaler.transform(Xte)

sepal = L.Input((2,), name="sepal")
petal_width = L.Input((1,), name="petal_width")
joined = L.Concatenate()([L.Dense(8, activation="relu")(sepal),
                          L.Dense(4, activation="relu")(petal_width)])
species = L.Dense(3, activation="softmax", name="species")(joined)
petal_length = L.Dense(1, name="petal_length")(joined)
two_way = gn.Model(inputs=[sepal, petal_width], outputs=[species, petal_length])

two_way.compile(optimizer=gn.optimizers.Adam(learning_rate=0.01),
                loss={"species": "sparse_categorical_crossentropy", "petal_length": "mse"},
                metrics={"species": ["accuracy"], "petal_length": ["mae"]})
two_way.fit([Xtr_s[:, :2], Xtr_s[:, 3:]], [ytr, Xtr[:, 2:3]], epochs=60 if FAST else 100,
            batch_size=16, verbose=0)   # inputs scaled; the length target stays in cm
scores = two_way.evaluate([Xte_s[:, :2], Xte_s[:, 3:]], [yte, Xte[:, 2:3]], return_dict=True)
species_prob, length_pred = two_way.predict([Xte_s[:, :2], Xte_s[:, 3:]])
print("prediction shapes:", species_prob.shape, length_pred.shape)
assert species_prob.shape == (45, 3) and length_pred.shape == (45, 1)
assert scores["species_accuracy"] > 0.85 and scores["petal_length_mae"] < 0.5  # cm

# %% [markdown]
# In the summary, `Concatenate` has no weights (another stateless layer); the
# drawing shows the two branches meeting and the two heads leaving:

# %%
two_way.summary()
show_graph(gn.draw(two_way, show=("name", "shape")), "06_two_inputs_two_outputs")

# %% [markdown]
# ## The workflow, part 1: multi-class classification (iris)
#
# **compile** chooses the optimizer, the loss and the metrics to report.
# Strings are Keras' names (`"adam"`, `"sgd"`, `"rmsprop"`...); objects such
# as `gn.optimizers.Adam(learning_rate=0.01)` set hyper-parameters.
#
# Three species, so the output is a softmax over 3 units. The labels are
# integers 0, 1, 2, which is what `sparse_categorical_crossentropy` takes;
# with one-hot labels the loss is `categorical_crossentropy`. Same number,
# two spellings of the target.
#
# The features are the ones scaled above, with a scaler fitted on the
# training set only: the test set must stay unseen until the end.

# %%
model = iris_model()
model.compile(optimizer=gn.optimizers.Adam(learning_rate=0.01),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])

probs = gn.tensor(model.predict(Xte_s))   # an untrained model's guesses
sparse = gn.losses.sparse_categorical_crossentropy(yte, probs).value
onehot = gn.losses.categorical_crossentropy(gn.data.to_categorical(yte, 3), probs).value
print(f"sparse labels: {sparse:.4f}   one-hot labels: {onehot:.4f}")
assert np.isclose(sparse, onehot)

# %% [markdown]
# **fit** runs `epochs` passes over the data in mini-batches of `batch_size`
# samples, one optimizer step per batch. `verbose` sets what it prints:
#
# - `verbose=1`: a progress bar per epoch with the running loss and metrics
#   (drawn live in a terminal or notebook; in a log, only the finished bar);
# - `verbose=2`: one line per epoch;
# - `verbose=0`: nothing.
#
# `validation_split=0.2` holds out the **last** 20% of the training data
# (before any shuffling) and reports `val_` versions of every number after each
# epoch. Here that is safe because `train_test_split` shuffled; on the raw iris
# file it would not be: the file is sorted by species.
#
# Of our 105 training flowers, 21 are held out; the other 84 in batches of 16
# make 6 steps per epoch (the last batch has 4), which is the bar's `6/6`.

# %%
print("species of the last 30 rows of the raw file:", np.bincount(y_iris[-30:], minlength=3))
history = model.fit(Xtr_s, ytr, batch_size=16, epochs=3, validation_split=0.2, verbose=1)
assert history.params["samples"] == 84 and history.params["steps"] == 6

# %% [markdown]
# Three more epochs with `verbose=2` print one line each. We then
# continue quietly (`fit` again continues from the current weights) and keep
# the `History` it returns: `history.history` is a dict from `"loss"`,
# `"accuracy"`, `"val_loss"`, `"val_accuracy"` to one value per epoch.

# %%
model.fit(Xtr_s, ytr, batch_size=16, epochs=3, validation_split=0.2, verbose=2)
history = model.fit(Xtr_s, ytr, batch_size=16, epochs=40 if FAST else 150,
                    validation_split=0.2, verbose=0)
print(history)
assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
assert history.history["loss"][-1] < history.history["loss"][0]

axes = plots.plot_history(history)
axes[0].figure.suptitle("iris: training (solid) and validation (dashed)")
show(axes[0].figure, "06_iris_history")

# %% [markdown]
# Both losses fall and level off. The validation curves are coarse: with 21
# validation flowers, one flower is almost 5 points of accuracy. That is why
# the final verdict comes from a separate test set (and, at the end of this
# chapter, from cross-validation).
#
# **evaluate** computes the loss and metrics on data the model has not seen,
# in inference mode. **predict** returns the network's outputs: one row of
# three probabilities per flower; `argmax` turns them into labels.

# %%
test_loss, test_acc = model.evaluate(Xte_s, yte)
probs = model.predict(Xte_s)
labels = probs.argmax(axis=1)
print("first rows:\n", np.round(probs[:3], 3), "->", labels[:3], " true:", yte[:3])
print(gn.metrics.confusion_matrix(yte, labels))
assert np.allclose(probs.sum(axis=1), 1, atol=1e-5)
assert test_acc > 0.85 and np.isclose(test_acc, np.mean(labels == yte))

# %% [markdown]
# ## The workflow, part 2: binary classification (breast cancer)
#
# 569 tumours, 30 measurements each. Stands in for the course's Pima diabetes
# and churn sets: tabular data, two classes. The file codes 0 = malignant,
# 1 = benign; we flip it so that the class we screen for, malignant, is the
# positive class 1.
#
# One output unit with a sigmoid gives P(malignant), trained with
# `binary_crossentropy`. This time the validation set is our own split, given
# as `validation_data=(X_val, y_val)`.
#
# **Callbacks** are code `fit` calls at the start and end of epochs and
# batches. `EarlyStopping` watches `val_loss` and stops when it has not
# improved for `patience` epochs, putting back the best weights. Writing
# your own is a subclass of `gn.callbacks.Callback`, or a `LambdaCallback`
# from plain functions.

# %%
X_bc, y_bc = gn.data.load_breast_cancer()
y_bc = 1 - y_bc   # 1 = malignant
Xc_tr, Xc_te, yc_tr, yc_te = gn.data.train_test_split(X_bc, y_bc, test_size=0.2, stratify=y_bc, seed=0)
Xc_tr, Xc_val, yc_tr, yc_val = gn.data.train_test_split(Xc_tr, yc_tr, test_size=0.2, stratify=yc_tr, seed=1)
scaler = gn.data.StandardScaler().fit(Xc_tr)
Xc_tr, Xc_val, Xc_te = scaler.transform(Xc_tr), scaler.transform(Xc_val), scaler.transform(Xc_te)

cancer = gn.Sequential([
    L.Input((30,)),
    L.Dense(16, activation="relu"),
    L.Dropout(0.2),                        # on while training, off in evaluate/predict
    L.Dense(1, activation="sigmoid"),
])
cancer.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])

stop = gn.callbacks.EarlyStopping(monitor="val_loss", patience=10, restore_best_weights=True,
                                  verbose=1)
every_20 = gn.callbacks.LambdaCallback(
    on_epoch_end=lambda epoch, logs: epoch % 20 == 19 and print(
        f"  epoch {epoch + 1}: val_loss {logs['val_loss']:.4f}"))
history = cancer.fit(Xc_tr, yc_tr, batch_size=32, epochs=50 if FAST else 300,
                     validation_data=(Xc_val, yc_val), callbacks=[stop, every_20], verbose=0)
print(f"trained {len(history.epoch)} epochs; best val_loss at epoch {stop.best_epoch + 1}")
axes = plots.plot_history(history)
for ax in axes:
    ax.axvline(stop.best_epoch + 1, color="grey", linestyle=":")
show(axes[0].figure, "06_cancer_history")

# %% [markdown]
# The training loss keeps falling while the validation loss levels off: the
# widening gap is the network starting to memorise its training set, and
# that is where early stopping steps in (dotted line: the epoch whose weights
# were kept).
#
# The **decision threshold**: predict gives probabilities; calling a tumour
# malignant when P >= 0.5 turns them into labels. The **confusion matrix**
# counts true classes (rows) against predicted ones (columns); the
# classification report derives precision (of those we called malignant, how
# many were), recall (of the malignant ones, how many we caught) and F1.

# %%
p_test = cancer.predict(Xc_te).ravel()
pred = (p_test >= 0.5).astype(int)
names = ["benign", "malignant"]
cm = gn.metrics.confusion_matrix(yc_te, pred)
print(cm)
print(gn.metrics.classification_report(yc_te, pred, target_names=names, digits=3))
accuracy = gn.metrics.binary_accuracy(yc_te, p_test)
assert accuracy > 0.9 and np.isclose(accuracy, np.trace(cm) / cm.sum())

fig, ax = plt.subplots(figsize=(4.5, 4))
plots.plot_confusion_matrix(cm, labels=names, ax=ax)
ax.set_title(f"threshold 0.5, accuracy {accuracy:.3f}")
show(fig, "06_cancer_confusion")

# %% [markdown]
# A missed cancer costs more than a false alarm, so a clinic may lower the
# threshold: recall can only go up (every tumour flagged at 0.5 is still
# flagged at 0.2), and precision usually goes down (more benign ones
# flagged).

# %%
recall = {}
for threshold in (0.5, 0.2):
    report = gn.metrics.precision_recall_f1(yc_te, (p_test >= threshold).astype(int))
    recall[threshold] = report["recall"][1]
    print(f"threshold {threshold}: malignant precision {report['precision'][1]:.3f}, "
          f"recall {recall[threshold]:.3f}")
assert recall[0.2] >= recall[0.5]

# %% [markdown]
# The **ROC curve** plots every threshold at once: the true positive rate
# (recall) against the false positive rate as the threshold goes from 1 down
# to 0. The **AUC**, the area under it, is the chance that a random malignant
# tumour scores above a random benign one: 0.5 is guessing, 1 is perfect.

# %%
fpr, tpr, _ = gn.metrics.roc_curve(yc_te, p_test)
auc = gn.metrics.roc_auc_score(yc_te, p_test)
print(f"AUC = {auc:.3f}")
assert auc > 0.95
fig, ax = plt.subplots(figsize=(4.5, 4.5))
plots.plot_roc(fpr, tpr, auc=auc, ax=ax, label="Dense(16) -> Dense(1)")
show(fig, "06_cancer_roc")

# %% [markdown]
# ## The workflow, part 3: regression (diabetes progression)
#
# 442 patients, 10 features, and a number to predict: disease progression
# one year later (25 to 346). Stands in for California housing. The output
# layer is `Dense(1)` with no activation (linear), the loss is mean squared
# error, and mean absolute error is reported alongside.
#
# The target is standardised too (networks train best on numbers near 1);
# predictions are scaled back before scoring.

# %%
X_db, y_db = gn.data.load_diabetes()
Xtr, Xte, ytr, yte = gn.data.train_test_split(X_db, y_db, test_size=0.2, seed=0)
scaler = gn.data.StandardScaler().fit(Xtr)
Xtr, Xte = scaler.transform(Xtr), scaler.transform(Xte)
y_mean, y_std = ytr.mean(), ytr.std()

gn.set_seed(0)
regressor = gn.Sequential([L.Input((10,)), L.Dense(16, activation="relu"), L.Dense(1)])
regressor.compile(optimizer=gn.optimizers.Adam(learning_rate=0.003), loss="mse", metrics=["mae"])
history = regressor.fit(Xtr, (ytr - y_mean) / y_std, batch_size=32, epochs=60 if FAST else 200,
                        validation_split=0.2, verbose=0,
                        callbacks=[gn.callbacks.EarlyStopping(patience=10, restore_best_weights=True)])
y_pred = regressor.predict(Xte).ravel() * y_std + y_mean

r2 = gn.metrics.r2_score(yte, y_pred)
rmse = gn.metrics.root_mean_squared_error(yte, y_pred)
A = np.c_[Xtr, np.ones(len(Xtr))]           # least squares on the same split, for scale
line = np.c_[Xte, np.ones(len(Xte))] @ np.linalg.lstsq(A, ytr, rcond=None)[0]
print(f"network: R² {r2:.3f}, RMSE {rmse:.1f}   linear regression: R² {gn.metrics.r2_score(yte, line):.3f}")
assert r2 > 0.3

# %% [markdown]
# R² = 1 - (squared error of the model) / (squared error of always predicting
# the mean): 1 is perfect, 0 is no better than the mean. About 0.45 here, and
# plain linear regression does as well: ten features and 350 patients leave a
# network nothing to find that a straight line misses. In the
# actual-versus-predicted scatter, perfect predictions lie on the diagonal.

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
plots.plot_history(history, metrics=["loss"], ax=ax1)
ax1.set_ylabel("mse (standardised target)")
ax1.set_title("stopped early; best epoch's weights kept")
plots.plot_actual_vs_predicted(yte, y_pred, ax=ax2)
ax2.set_title(f"test set, R² = {r2:.2f}")
show(fig, "06_regression")

# %% [markdown]
# ## Saving and loading
#
# `model.save(path)` writes one file with everything needed to carry on:
# the architecture, the weights, and the compile settings with the
# optimizer's state (Adam's moments and step count). `gn.load_model(path)`
# rebuilds the model from it: the predictions are identical, and training
# resumes exactly where it stopped.

# %%
path = OUT / "06_cancer.gnet"
cancer.save(path)
restored = gn.load_model(path)
assert np.array_equal(restored.predict(Xc_te), cancer.predict(Xc_te))

for net in (cancer, restored):     # two more epochs each, with the same shuffling and dropout
    gn.set_seed(1)
    net.fit(Xc_tr, yc_tr, batch_size=32, epochs=2, verbose=0)
same = all(np.array_equal(a, b) for a, b in zip(cancer.get_weights(), restored.get_weights()))
print("identical predictions after loading; identical weights after training on:", same)
assert same

# %% [markdown]
# The file is a zip of NumPy arrays: JSON text (stored as bytes) for the
# architecture and settings, and plain number arrays for the weights and the
# optimizer's state. Nothing in it is code.

# %%
with np.load(path, allow_pickle=False) as archive:   # how graphnet itself reads it
    print(archive.files)
    architecture = json.loads(bytes(archive["architecture"]))
    settings = json.loads(bytes(archive["compile"]))
print([layer["class_name"] for layer in architecture["layers"]])
print(settings)

# %% [markdown]
# `to_json()` saves the **architecture alone**. `gn.model_from_json` builds
# the same layers with fresh weights and no compile settings: a blueprint,
# for training anew or for loading weights into.

# %%
blueprint = gn.model_from_json(cancer.to_json())
assert blueprint.count_params() == cancer.count_params() == (30 * 16 + 16) + (16 + 1)
assert not blueprint.compiled
assert not np.allclose(blueprint.predict(Xc_te), cancer.predict(Xc_te))   # new weights
blueprint.set_weights(cancer.get_weights())
assert np.array_equal(blueprint.predict(Xc_te), cancer.predict(Xc_te))

# %% [markdown]
# ### Why not pickle?
#
# `pickle.dump(model)` looks like the easy way, but loading a pickle **runs
# code**: a pickle can name any function to call on load, with any
# arguments. Here is a harmless one that calls `print`; a malicious file could
# call `os.system` just as easily. Never unpickle a file you did not make.

# %%
class Surprise:
    def __reduce__(self):              # "to rebuild me, call print(...)"
        return print, ("!! this line was run by pickle.loads: a file just executed code !!",)


payload = pickle.dumps(Surprise())
pickle.loads(payload)

# %% [markdown]
# graphnet's loader reads its file with NumPy's `allow_pickle=False`: it
# accepts numbers and bytes and refuses anything that would need pickle to
# rebuild. It also checks the whole file before building anything, so a
# damaged file gives a clear error.

# %%
buffer = io.BytesIO()
np.save(buffer, np.array([Surprise()], dtype=object))    # an array that needs pickle
buffer.seek(0)
try:
    np.load(buffer, allow_pickle=False)
except ValueError as error:
    print("refused:", error)
else:
    raise AssertionError("an object array was loaded without pickle")

damaged = OUT / "06_damaged.gnet"
damaged.write_bytes(path.read_bytes()[:2000])             # a truncated copy
try:
    gn.load_model(damaged)
except gn.ModelFileError as error:
    print("refused:", error)
else:
    raise AssertionError("a truncated model file was loaded")

# %% [markdown]
# ## A scikit-learn estimator
#
# The course wraps Keras models for scikit-learn so that `cross_val_score`
# and `GridSearchCV` work on them. `GraphnetClassifier` does the same: give it
# a function that builds a compiled model, and the training settings. Put in
# a scikit-learn `Pipeline` after a scaler, the scaler is fitted on each
# training fold only.

# %%
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from graphnet.train.sklearn import GraphnetClassifier  # noqa: E402


def build(hidden=8):
    net = iris_model(hidden)
    net.compile(gn.optimizers.Adam(learning_rate=0.01), "sparse_categorical_crossentropy",
                metrics=["accuracy"])
    return net


folds = StratifiedKFold(n_splits=3 if FAST else 5, shuffle=True, random_state=0)
pipeline = make_pipeline(StandardScaler(), GraphnetClassifier(build, epochs=30 if FAST else 60,
                                                              batch_size=16, seed=0))
cv_scores = cross_val_score(pipeline, X_iris, y_iris, cv=folds)
print("accuracy per fold:", np.round(cv_scores, 3), f" mean {cv_scores.mean():.3f}")
assert cv_scores.mean() > 0.85

# In a pipeline a parameter is named step__parameter; `hidden` goes on to build().
search = GridSearchCV(pipeline, {"graphnetclassifier__hidden": [2, 16]}, cv=folds)
search.fit(X_iris, y_iris)
print("best:", search.best_params_, f"accuracy {search.best_score_:.3f}")
assert search.best_score_ > 0.85

# %% [markdown]
# ## Keras code, unchanged but for its imports
#
# A listing written for Keras runs on graphnet once its imports name
# `graphnet.keras`: the same module paths, and behind each name graphnet's own
# object (`keras.layers.Dense is gn.nn.Dense`), so the model below can be drawn,
# stepped through and gradient-checked like every other. Keras 2's
# scikit-learn wrapper is there too, with its `build_fn`.

# %%
import graphnet.keras as keras  # noqa: E402  (was: from tensorflow import keras)
from graphnet.keras.layers import Dense, Dropout  # noqa: E402
from graphnet.keras.models import Sequential  # noqa: E402
from graphnet.keras.utils import to_categorical  # noqa: E402
from graphnet.keras.wrappers.scikit_learn import KerasClassifier  # noqa: E402


def create_model(units=16):
    model = Sequential()
    model.add(Dense(units, input_dim=4, activation="relu"))
    model.add(Dropout(0.1))
    model.add(Dense(3, activation="softmax"))
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model


keras.utils.set_random_seed(0)
listing = create_model()
scaled = StandardScaler().fit_transform(X_iris)
history = listing.fit(scaled, to_categorical(y_iris, 3), epochs=20 if FAST else 60, batch_size=8,
                      verbose=0)
print("Keras listing, final epoch:", {k: round(v[-1], 3) for k, v in history.history.items()})
assert listing.layers[0] is listing.get_layer(listing.layers[0].name) and isinstance(listing.layers[0], gn.nn.Dense)
wrapped = make_pipeline(StandardScaler(), KerasClassifier(build_fn=create_model, epochs=30 if FAST else 60,
                                                          batch_size=8, verbose=0, seed=0))
print("KerasClassifier, accuracy per fold:", np.round(cross_val_score(wrapped, X_iris, y_iris, cv=folds), 3))

# %% [markdown]
# The book's chapter 6 also runs scikit-learn's own Perceptron, MLPClassifier,
# LogisticRegression and BernoulliRBM in pipelines. graphnet has each of them as
# a scikit-learn estimator built from its nodes (`graphnet.models.estimators`),
# so the book's grid search over an RBM feeding a logistic regression runs as it
# is written. scikit-learn still does the data work (splits, scaling, scores).

# %%
from sklearn.pipeline import Pipeline  # noqa: E402

from graphnet.models.estimators import BernoulliRBM, LogisticRegression  # noqa: E402

digits_x, digits_y = gn.data.load_digits()
digits_x = digits_x.reshape(len(digits_x), -1) / 16.0            # pixels in [0, 1] for the RBM
rows = 600 if FAST else len(digits_x)
rbm_search = GridSearchCV(
    Pipeline([("rbm", BernoulliRBM(n_components=64, n_iter=10 if FAST else 20, random_state=0)),
              ("logistic", LogisticRegression(max_iter=1000))]),
    {"rbm__learning_rate": [0.02, 0.06], "logistic__C": [100.0, 1000.0]}, cv=2)
rbm_search.fit(digits_x[:rows], digits_y[:rows])
print("RBM + logistic regression, best:", rbm_search.best_params_,
      f"accuracy {rbm_search.best_score_:.3f}")
assert rbm_search.best_score_ > 0.5  # ten digits: chance is 0.1

# %% [markdown]
# ## Summary
#
# | Keras call | what it is in graphnet |
# |---|---|
# | `Dense`, `Dropout`, `Flatten`... | nodes in the graph; Dense's opens with `draw(..., expand=True)` |
# | `Sequential([...])`, `.add()`, `Model(inputs, outputs)` | a graph traced once on placeholders |
# | `compile(optimizer, loss, metrics)` | the loss node on top of the outputs, an update rule |
# | `fit(...)` -> `History` | the training graph replayed batch after batch |
# | `evaluate`, `predict` | the inference graph (dropout off) replayed |
# | `summary()`, `draw(model)` | the same graph as a table and as a picture |
# | `save` / `load_model`, `to_json` | JSON and arrays, read without pickle |
# | `import keras` | `import graphnet.keras as keras`: the same objects under Keras' paths |
