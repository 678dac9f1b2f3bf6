"""Training pieces against Keras 3 on the same numbers: optimizer trajectories, losses,
streamed metrics (AUC, Precision, Recall) and one epoch of fit."""
from keras_reference import keras, numpy_of  # skips the module when Keras is missing

import numpy as np
import pytest

import graphnet as gn
from graphnet.nn import Dense, Input
from graphnet.nn import losses as L
from graphnet.train import metrics as M
from graphnet.train import optimizers as O

RTOL, ATOL = 1e-5, 1e-6


# --- optimizers: ten steps on the same gradients ----------------------------------------
OPTIMIZERS = [
    ("SGD", {"learning_rate": 0.1}),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9}),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"learning_rate": 0.1, "weight_decay": 0.05}),
    ("RMSprop", {"learning_rate": 0.01}),
    ("RMSprop", {"learning_rate": 0.01, "momentum": 0.5}),
    ("RMSprop", {"learning_rate": 0.01, "centered": True}),
    ("RMSprop", {"learning_rate": 0.01, "centered": True, "momentum": 0.5, "weight_decay": 0.1}),
    ("Adagrad", {"learning_rate": 0.1}),
    ("Adadelta", {"learning_rate": 1.0}),
    ("Adam", {"learning_rate": 0.01}),
    ("Adam", {"learning_rate": 0.01, "amsgrad": True}),
    ("Adam", {"learning_rate": 0.01, "weight_decay": 0.1}),
    ("AdamW", {"learning_rate": 0.01}),
    ("AdamW", {"learning_rate": 0.01, "weight_decay": 0.1, "amsgrad": True}),
    ("Adamax", {"learning_rate": 0.01}),
    ("Nadam", {"learning_rate": 0.01}),
]


@pytest.mark.parametrize("use_kernels", [True, False], ids=["numba", "numpy"])
@pytest.mark.parametrize("name, kwargs", OPTIMIZERS,
                         ids=[n + "".join(f"-{k}" for k in kw if k != "learning_rate") for n, kw in OPTIMIZERS])
def test_optimizer_trajectory_matches_keras(name, kwargs, use_kernels):
    rng = np.random.default_rng(0)
    start = rng.normal(size=(3, 4)).astype(np.float32)
    grads = rng.normal(size=(10, 3, 4)).astype(np.float32)
    ours = getattr(O, name)(**kwargs, use_kernels=use_kernels)
    theirs = getattr(keras.optimizers, name)(**kwargs)
    w = gn.parameter(start.copy())
    v = keras.Variable(start.copy())
    for g in grads:
        ours.apply_gradients([(g, w)])
        theirs.apply_gradients([(keras.ops.convert_to_tensor(g), v)])
        np.testing.assert_allclose(w.value, numpy_of(v), rtol=RTOL, atol=ATOL)


def test_default_learning_rates_match_keras():
    for name in ("SGD", "RMSprop", "Adagrad", "Adadelta", "Adam", "AdamW", "Adamax", "Nadam"):
        ours, theirs = getattr(O, name)(), getattr(keras.optimizers, name)()
        assert ours.learning_rate == pytest.approx(float(numpy_of(theirs.learning_rate))), name
    assert O.AdamW().weight_decay == keras.optimizers.AdamW().weight_decay == 0.004


# --- losses ----------------------------------------------------------------------------
def _probabilities(rng, shape):
    p = rng.uniform(0.05, 1.0, shape)
    return (p / p.sum(-1, keepdims=True)).astype(np.float32)


LOSSES = [
    ("mean_squared_error", {}, "regression"),
    ("mean_absolute_error", {}, "regression"),
    ("binary_crossentropy", {}, "binary"),
    ("binary_crossentropy", {"from_logits": True}, "binary_logits"),
    ("categorical_crossentropy", {}, "onehot"),
    ("categorical_crossentropy", {"from_logits": True}, "onehot_logits"),
    ("sparse_categorical_crossentropy", {}, "labels"),
    ("sparse_categorical_crossentropy", {"from_logits": True}, "labels_logits"),
    ("hinge", {}, "signs"),
]


def _loss_case(kind, rng):
    if kind == "regression":
        return rng.normal(size=(5, 3)).astype(np.float32), rng.normal(size=(5, 3)).astype(np.float32)
    if kind.startswith("binary"):
        t = (rng.random((5, 1)) > 0.5).astype(np.float32)
        p = rng.normal(size=(5, 1)) * 3 if "logits" in kind else rng.uniform(0.02, 0.98, (5, 1))
        return t, p.astype(np.float32)
    if kind.startswith("onehot"):
        t = np.eye(4, dtype=np.float32)[rng.integers(0, 4, 5)]
        p = (rng.normal(size=(5, 4)) * 3).astype(np.float32) if "logits" in kind else _probabilities(rng, (5, 4))
        return t, p
    if kind.startswith("labels"):
        t = rng.integers(0, 4, 5)
        p = (rng.normal(size=(5, 4)) * 3).astype(np.float32) if "logits" in kind else _probabilities(rng, (5, 4))
        return t, p
    return rng.choice([-1.0, 1.0], size=(5, 2)).astype(np.float32), rng.normal(size=(5, 2)).astype(np.float32)


@pytest.mark.parametrize("name, kwargs, kind", LOSSES,
                         ids=[n + ("-logits" if kw else "") for n, kw, _ in LOSSES])
def test_loss_matches_keras(name, kwargs, kind):
    t, p = _loss_case(kind, np.random.default_rng(1))
    ours = L.get(name)(t, gn.tensor(p), **kwargs).value
    theirs = numpy_of(keras.ops.mean(getattr(keras.losses, name)(t, p, **kwargs)))
    np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=ATOL)


def test_bool_one_hot_targets_give_the_float_loss():
    t, p = _loss_case("onehot", np.random.default_rng(2))
    ours = L.categorical_crossentropy(t.astype(bool), gn.tensor(p)).value
    theirs = numpy_of(keras.ops.mean(keras.losses.categorical_crossentropy(t, p)))
    np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=ATOL)


# --- streamed metrics ------------------------------------------------------------------
METRICS = [("AUC", {}), ("AUC", {"curve": "PR"}), ("AUC", {"num_thresholds": 11}),
           ("AUC", {"summation_method": "majoring"}), ("AUC", {"from_logits": True}),
           ("Precision", {}), ("Recall", {}), ("Precision", {"thresholds": [0.2, 0.7]}),
           ("Recall", {"class_id": 1})]


@pytest.mark.parametrize("name, kwargs", METRICS,
                         ids=[n + "".join(f"-{k}" for k in kw) for n, kw in METRICS])
def test_streamed_metric_matches_keras(name, kwargs):
    rng = np.random.default_rng(3)
    ours, theirs = getattr(M, name)(**kwargs), getattr(keras.metrics, name)(**kwargs)
    for batch in range(4):  # streamed over batches, some weighted
        t = (rng.random((9, 2)) > 0.4).astype(np.float32)
        p = rng.random((9, 2)).astype(np.float32)
        if kwargs.get("from_logits"):
            p = (p - 0.5) * 8
        w = rng.random(9).astype(np.float32) if batch % 2 else None
        ours.update_state(t, p, sample_weight=w)
        theirs.update_state(t, p, sample_weight=w)
        np.testing.assert_allclose(ours.result(), numpy_of(theirs.result()), rtol=RTOL, atol=ATOL)
    ours.reset_state()
    theirs.reset_state()
    t, p = np.array([0, 1, 1, 0.0]), np.array([0.3, 0.8, 0.4, 0.9])
    if kwargs.get("class_id") is not None:
        t, p = np.stack([t, t[::-1]], 1), np.stack([p, p[::-1]], 1)
    np.testing.assert_allclose(ours(t, p), numpy_of(theirs(t, p)), rtol=RTOL, atol=ATOL)


# --- fit: one epoch of SGD on the same weights and batch order --------------------------
def _twins():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(20, 3)).astype(np.float32)
    y = (x @ np.array([1.0, -2.0, 0.5]) > 0).astype(np.float32)[:, None]
    ours = gn.Sequential([Dense(4, activation="tanh", input_shape=(3,)), Dense(1, activation="sigmoid")])
    theirs = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"),
                               keras.layers.Dense(1, activation="sigmoid")])
    theirs.set_weights(ours.get_weights())  # Dense: kernel (in, out) then bias, in both
    return x, y, ours, theirs


def test_one_epoch_of_sgd_gives_keras_weights_and_metrics():
    x, y, ours, theirs = _twins()
    metrics = ["accuracy", "auc", "precision", "recall"]
    ours.compile(O.SGD(0.5, momentum=0.9), "binary_crossentropy", metrics=metrics)
    theirs.compile(keras.optimizers.SGD(0.5, momentum=0.9), "binary_crossentropy", metrics=metrics)
    mine = ours.fit(x, y, batch_size=6, epochs=2, shuffle=False, verbose=0, validation_data=(x[:8], y[:8]))
    keras_history = theirs.fit(x, y, batch_size=6, epochs=2, shuffle=False, verbose=0,
                               validation_data=(x[:8], y[:8]))
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL)
    for key in ("loss", "auc", "precision", "recall", "val_auc", "val_precision", "val_recall", "val_loss"):
        np.testing.assert_allclose(mine.history[key], keras_history.history[key], rtol=1e-4, atol=1e-5,
                                   err_msg=key)
    ours_eval = ours.evaluate(x, y, batch_size=7, return_dict=True, verbose=0)
    keras_eval = theirs.evaluate(x, y, batch_size=7, return_dict=True, verbose=0)
    for key in ("loss", "auc", "precision", "recall", "accuracy"):
        np.testing.assert_allclose(ours_eval[key], keras_eval[key], rtol=1e-4, atol=1e-5, err_msg=key)


def test_functional_layers_and_inputs_as_keras_lists_them():
    inputs = Input((3,))
    ours = gn.Model(inputs, Dense(2)(Dense(4)(inputs)))
    k_inputs = keras.Input((3,))
    theirs = keras.Model(k_inputs, keras.layers.Dense(2)(keras.layers.Dense(4)(k_inputs)))
    assert [type(l).__name__ for l in ours.layers] == [type(l).__name__ for l in theirs.layers]
    assert ours.layers[0].output is ours.input is inputs and ours.inputs == [inputs]
    seq = gn.Sequential([Input((3,)), Dense(2)])
    k_seq = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    assert [type(l).__name__ for l in seq.layers] == [type(l).__name__ for l in k_seq.layers] == ["Dense"]
    # the same weights in the same order, so weights copy across
    theirs.set_weights(ours.get_weights())
    x = np.random.default_rng(5).normal(size=(4, 3)).astype(np.float32)
    np.testing.assert_allclose(ours.predict(x), numpy_of(theirs(x)), rtol=RTOL, atol=ATOL)
