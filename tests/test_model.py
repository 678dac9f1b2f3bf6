"""Models: Keras' workflow (compile, fit, evaluate, predict, summary), callbacks,
freezing, replaying one graph, and the course's parameter counts."""
import io

import numpy as np
import pytest

import graphnet as gn
from graphnet.nn import Concatenate, Dense, Dropout, Input
from graphnet.train import callbacks as cb
from graphnet.train.model import Model, Sequential


def blobs(n=120, seed=0):
    X, y = gn.data.make_blobs(n, centers=3, seed=seed)
    return X, y


def small_classifier(dropout=0.0):
    layers = [Dense(16, activation="relu", input_shape=(2,))]
    if dropout:
        layers.append(Dropout(dropout))
    return Sequential(layers + [Dense(3, activation="softmax")])


# --- summary: the course's counts ---------------------------------------------------

def test_summary_of_the_course_mlp_matches_keras():
    model = Sequential([Dense(512, activation="relu", input_shape=(784,)), Dense(10, activation="softmax")])
    text = model.summary_text()
    assert [l.output_shape for l in model.layers] == [(None, 512), (None, 10)]
    assert [l.count_params() for l in model.layers] == [401_920, 5_130]
    assert "Total params: 407,050" in text and "Trainable params: 407,050" in text
    assert "Non-trainable params: 0" in text
    assert "(None, 512)" in text and "401,920" in text and "FLOPs" in text


def test_two_four_two_network_has_22_parameters():
    model = Sequential([Input((2,)), Dense(4, activation="sigmoid"), Dense(2)])
    assert model.count_params() == 2 * 4 + 4 + 4 * 2 + 2 == 22


def test_frozen_layer_counts_as_non_trainable():
    model = small_classifier()
    model.layers[0].trainable = False
    text = model.summary_text()
    assert "Non-trainable params: 48" in text and "Trainable params: 51" in text


def test_summary_before_build_is_a_clear_error():
    with pytest.raises(ValueError, match="not built yet"):
        Sequential([Dense(3)]).summary()


# --- fit / evaluate / predict -------------------------------------------------------

def test_fit_learns_blobs_and_history_has_keras_keys():
    gn.set_seed(0)
    X, y = blobs()
    model = small_classifier()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(X, y, epochs=30, batch_size=16, validation_split=0.25, verbose=0)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(history.history["loss"]) == 30 and history.epoch == list(range(30))
    assert history.history["loss"][-1] < history.history["loss"][0]
    loss, acc = model.evaluate(X, y, verbose=0)
    assert acc > 0.9
    probs = model.predict(X)
    assert probs.shape == (120, 3) and np.allclose(probs.sum(axis=1), 1, atol=1e-5)


def test_one_graph_is_replayed_for_every_batch_size():
    gn.set_seed(1)
    X, y = blobs(100)
    model = small_classifier()
    model.compile("sgd", "sparse_categorical_crossentropy")
    model.fit(X, y, batch_size=32, epochs=2, verbose=0)  # batches of 32, 32, 32 and 4
    assert len(model._graphs) == 1
    (graph, _), = model._graphs.values()
    nodes = graph.nodes
    model.fit(X, y, batch_size=7, epochs=1, verbose=0)
    assert len(model._graphs) == 1 and graph.nodes == nodes  # same graph, same nodes: no re-tracing


def test_onehot_targets_and_evaluate_return_dict():
    X, y = blobs()
    model = small_classifier()
    model.compile("adam", "categorical_crossentropy", metrics=["accuracy"])
    model.fit(X, gn.data.to_categorical(y, 3), epochs=2, verbose=0)
    result = model.evaluate(X, gn.data.to_categorical(y, 3), verbose=0, return_dict=True)
    assert set(result) == {"loss", "accuracy"}


def test_regression_with_mse():
    gn.set_seed(2)
    X, y = gn.data.make_regression(200, features=3, noise=0.01, seed=0)
    model = Sequential([Input((3,)), Dense(1)])
    model.compile(gn.train.optimizers.SGD(0.05), "mse", metrics=["mae"])
    model.fit(X, y, epochs=40, batch_size=20, verbose=0)
    assert model.evaluate(X, y, verbose=0)[0] < 0.05


def test_functional_model_with_two_inputs_and_two_outputs():
    gn.set_seed(3)
    a, b = Input((3,), name="a"), Input((2,), name="b")
    h = Concatenate()([Dense(8, activation="relu")(a), Dense(8, activation="relu")(b)])
    model = Model([a, b], [Dense(1, name="total")(h), Dense(2, activation="softmax", name="sign")(h)])
    model.compile("adam", loss=["mse", "sparse_categorical_crossentropy"],
                  metrics={"total": ["mae"], "sign": ["accuracy"]})
    rng = np.random.default_rng(0)
    A, B = rng.normal(size=(128, 3)), rng.normal(size=(128, 2))
    total = A.sum(1, keepdims=True) + B.sum(1, keepdims=True)
    sign = (total[:, 0] > 0).astype(int)
    history = model.fit([A, B], [total, sign], epochs=60, batch_size=32, verbose=0)
    assert set(history.history) == {"loss", "total_mae", "sign_accuracy"}
    assert history.history["sign_accuracy"][-1] > 0.85
    reg, cls = model.predict([A, B])
    assert reg.shape == (128, 1) and cls.shape == (128, 2)


def test_fit_errors_are_clear():
    X, y = blobs()
    model = small_classifier()
    with pytest.raises(ValueError, match="must be compiled"):
        model.fit(X, y, verbose=0)
    model.compile("sgd", "sparse_categorical_crossentropy")
    with pytest.raises(gn.ShapeError, match=r"expects samples of shape \(2,\), got data of shape \(120, 3\)"):
        model.fit(np.zeros((120, 3)), y, verbose=0)
    with pytest.raises(gn.ShapeError, match="120 input samples but 7 targets"):
        model.fit(X, y[:7], verbose=0)


def test_dropout_is_on_in_training_and_off_in_predict():
    gn.set_seed(4)
    X, y = blobs()
    model = small_classifier(dropout=0.5)
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(X, y, epochs=1, verbose=0)
    np.testing.assert_array_equal(model.predict(X), model.predict(X))  # deterministic
    graph = next(g for key, (g, _) in model._graphs.items() if key[0] == "loss")
    drops = [n for n in graph.nodes if n.op == "Dropout"]
    assert drops and all(n.training for n in drops)
    assert not any(n.training for n in model._predict_graph().nodes if n.op == "Dropout")


def test_freezing_keeps_weights_fixed_during_fit():
    gn.set_seed(5)
    X, y = blobs()
    model = small_classifier()
    model.layers[0].trainable = False
    before = model.layers[0].get_weights()
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(X, y, epochs=3, verbose=0)
    for w0, w1 in zip(before, model.layers[0].get_weights()):
        np.testing.assert_array_equal(w0, w1)
    assert not np.allclose(model.layers[1].get_weights()[0], 0)


# --- progress output ---------------------------------------------------------------

def _fit_output(verbose, epochs=2):
    X, y = blobs(64)
    model = small_classifier()
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    stream = io.StringIO()
    model.fit(X, y, epochs=epochs, batch_size=16, verbose=0,
              callbacks=[cb.ProgbarLogger(verbose, stream=stream)])
    return stream.getvalue()


def test_verbose_levels():
    one = _fit_output(1)
    assert one.count("Epoch ") == 2 and "4/4 [==============================]" in one
    assert "loss: " in one and "accuracy: " in one and "s/step" in one
    two = _fit_output(2)
    assert two.count("Epoch ") == 2 and "[" not in two and two.count("loss: ") == 2
    assert _fit_output(0) == ""


def test_live_bar_redraws_in_place_in_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self):
            return True
    bar = gn.train.progress.Progbar(3, stream=Terminal(), interval=0)
    for step in (1, 2, 3):
        bar.update(step, {"loss": 1.0 / step})
    out = bar.stream.getvalue()
    assert out.count("\r") == 3 and out.endswith("\n") and "ETA" in out


# --- callbacks ------------------------------------------------------------------------

def test_early_stopping_with_patience_and_restore_best_weights():
    gn.set_seed(6)
    X, y = blobs()
    model = small_classifier()
    model.compile(gn.train.optimizers.SGD(0.5), "sparse_categorical_crossentropy")
    seen = []

    class Watch(cb.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append((logs["loss"], self.model.get_weights()))

    stopper = cb.EarlyStopping(monitor="loss", patience=2, min_delta=10.0, restore_best_weights=True)
    history = model.fit(X, y, epochs=50, verbose=0, callbacks=[Watch(), stopper])
    # nothing improves by 10: stops after 1 + patience epochs, back at the first epoch's weights
    assert len(history.epoch) == 3 and stopper.stopped_epoch == 2
    for w, best in zip(model.get_weights(), seen[0][1]):
        np.testing.assert_array_equal(w, best)


def test_learning_rate_scheduler_applies_the_course_decay():
    X, y = blobs(32)
    model = small_classifier()
    model.compile(gn.train.optimizers.SGD(0.1), "sparse_categorical_crossentropy")
    decay = cb.LearningRateScheduler(lambda epoch, lr: 0.1 / (1 + 0.5 * epoch))
    history = model.fit(X, y, epochs=3, verbose=0, callbacks=[decay])
    assert history.history["learning_rate"] == pytest.approx([0.1, 0.1 / 1.5, 0.1 / 2])


def test_checkpoint_and_lambda_callback(tmp_path):
    X, y = blobs(32)
    model = small_classifier()
    model.compile("sgd", "sparse_categorical_crossentropy")
    ends = []
    model.fit(X, y, epochs=2, verbose=0, callbacks=[
        cb.ModelCheckpoint(tmp_path / "ckpt-{epoch:02d}.gnet", monitor="loss"),
        cb.LambdaCallback(on_epoch_end=lambda epoch, logs: ends.append(epoch))])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ckpt-01.gnet", "ckpt-02.gnet"]
    assert ends == [0, 1]
    with pytest.raises(ValueError, match="has no hook"):
        cb.LambdaCallback(on_epoch_finish=print)


def test_early_stopping_names_missing_metric():
    X, y = blobs(32)
    model = small_classifier()
    model.compile("sgd", "sparse_categorical_crossentropy")
    with pytest.raises(KeyError, match="val_loss"):
        model.fit(X, y, epochs=2, verbose=0, callbacks=[cb.EarlyStopping()])


def test_model_drawing_names_layers_and_shows_the_batch_as_none():
    model = Sequential([Dense(8, activation="relu", input_shape=(4,), name="hidden"),
                        Dense(3, activation="softmax", name="probs")])
    source = gn.draw(model, show=("name", "shape")).source
    for shape in ("(None, 4)", "(4, 8)", "(8,)", "(None, 8)", "(None, 3)"):
        assert shape in source
    assert "(1, 4)" not in source
    expanded = gn.draw(model, show=("name", "shape"), expand=True).source
    assert "Dense(relu) 'hidden'" in expanded and "Dense(softmax) 'probs'" in expanded


def test_review_fixes_keras_behaviours():
    X, y = blobs(64)
    # a diverging run logs nan metrics and TerminateOnNaN stops at once
    model = Sequential([Dense(1, input_shape=(2,))])
    model.compile(gn.train.optimizers.SGD(1e3), "mse", metrics=["mae"])
    seen = []
    history = model.fit(X * 100, y * 100.0, batch_size=4, epochs=1, verbose=0,
                        callbacks=[cb.TerminateOnNaN(), cb.LambdaCallback(on_train_batch_end=lambda b, l: seen.append(b))])
    assert len(seen) < 16 and not np.isfinite(history.history["loss"][0])
    # loss weights by output name, batch_size None, zero samples, float64 data cast to float32
    a = Input((2,), name="a")
    h = Dense(4, activation="relu")(a)
    two = Model(a, [Dense(1, name="u")(h), Dense(1, name="v")(h)])
    two.compile("sgd", "mse", loss_weights={"u": 1.0, "v": 0.0})
    two.fit(X, [y, y], batch_size=None, epochs=1, verbose=0)
    assert two.predict(np.zeros((0, 2)))[0].shape == (0, 1)
    with pytest.raises(ValueError, match="batch_size"):
        two.predict(X, batch_size=0)
    model = small_classifier()
    model.compile("sgd", "sparse_categorical_crossentropy")
    model.fit(X.astype(np.float64), y, epochs=1, verbose=0)
    graph = next(g for key, (g, _) in model._graphs.items() if key[0] == "loss")
    assert all(np.result_type(v) != np.float64 for v in graph.values if v is not None)


def test_scheduler_receives_the_base_rate_not_the_decayed_one():
    X, y = blobs(32)
    model = small_classifier()
    model.compile(gn.train.optimizers.SGD(0.1, decay=0.1), "sparse_categorical_crossentropy")
    model.fit(X, y, epochs=3, verbose=0, callbacks=[cb.LearningRateScheduler(lambda e, lr: lr)])
    assert model.optimizer.learning_rate == pytest.approx(0.1)


def test_transpose_rejects_axes_out_of_range():
    x = gn.tensor(np.zeros((2, 3)))
    with pytest.raises(gn.ShapeError):
        x.transpose(0, 3)
