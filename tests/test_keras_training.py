"""Keras' training behaviours, written as a Keras user writes them: streamed metrics
in fit and evaluate, weight decay, centered RMSprop and AdamW, summary() printing once,
bool and int targets, Keras 1 spellings, and functional models' InputLayer."""
import warnings

import numpy as np
import pytest

import graphnet as gn
from graphnet.core.errors import OldKerasSpelling
from graphnet.nn import Dense, Input
from graphnet.nn.layers import InputLayer
from graphnet.train import metrics as M
from graphnet.train import optimizers as O


def binary_data(n=24, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype(np.float32)
    y = (x[:, 0] + 0.5 * rng.normal(size=n) > 0).astype(np.float32)
    return x, y


def binary_model():
    gn.set_seed(0)
    return gn.Sequential([Dense(4, activation="tanh", input_shape=(3,)), Dense(1, activation="sigmoid")])


# --- streamed metrics -----------------------------------------------------------------------
def test_fit_streams_auc_over_the_epoch_not_a_mean_of_batches():
    x, y = binary_data()
    model = binary_model()
    model.compile(O.SGD(0.0), "binary_crossentropy", metrics=["auc", "precision", "recall"])
    history = model.fit(x, y, batch_size=5, epochs=2, shuffle=False, verbose=0, validation_data=(x, y))
    p = model.predict(x)  # learning rate 0: the predictions every batch saw
    whole = M.AUC()
    whole.update_state(y, p)
    per_batch = [M.AUC()(y[i:i + 5], p[i:i + 5]) for i in range(0, len(y), 5)]
    assert history.history["auc"] == pytest.approx([whole.result()] * 2)  # reset each epoch
    assert history.history["val_auc"] == pytest.approx([whole.result()] * 2)
    assert abs(np.mean(per_batch) - whole.result()) > 1e-3  # the mean would be another number
    predicted, truth = p[:, 0] > 0.5, y == 1
    tp = np.sum(predicted & truth)
    assert history.history["precision"][0] == pytest.approx(tp / predicted.sum())
    assert history.history["recall"][0] == pytest.approx(tp / truth.sum())
    logs = model.evaluate(x, y, batch_size=7, verbose=0, return_dict=True)
    assert logs["auc"] == pytest.approx(whole.result())


def test_metric_objects_are_logged_by_their_names():
    x, y = binary_data()
    model = binary_model()
    first, second = M.AUC(), M.AUC(name="roc")
    assert first.name.startswith("auc") and M.AUC().name != first.name  # auc, auc_1, ...
    model.compile("sgd", "binary_crossentropy", metrics=["AUC", first, second, "accuracy"])
    history = model.fit(x, y, epochs=1, verbose=0, validation_split=0.25)
    assert {"AUC", first.name, "roc", "accuracy", "val_AUC", "val_roc"} <= set(history.history)


def test_metric_by_hand():
    m = M.Precision(thresholds=[0.3, 0.6])
    m.update_state([1, 0, 1, 0], [0.4, 0.5, 0.9, 0.1])  # above 0.3: 1, 0, 1 -> 2 of 3 right
    m.update_state([0], [0.7])                          # above 0.6: 0.9 and 0.7 -> 1 of 2
    np.testing.assert_allclose(m.result(), [2 / 4, 1 / 2])
    r = M.Recall()
    assert r([1, 1, 0], [0.9, 0.2, 0.8]) == pytest.approx(0.5)
    r.reset_state()
    assert r.result() == 0.0  # nothing seen: 0, as Keras
    auc = M.AUC(num_thresholds=3)  # thresholds -1e-7, 0.5, 1 + 1e-7
    auc.update_state([0, 1], [0.2, 0.9])  # ROC points (1, 1), (0, 1), (0, 0): area 1
    assert auc.result() == pytest.approx(1.0)
    with pytest.raises(ValueError, match="AUC: curve must be 'ROC' or 'PR'"):
        M.AUC(curve="roc-ish")
    with pytest.raises(ValueError, match=r"Precision 'p': y_true has shape \(3,\), y_pred has shape \(2,\)"):
        M.Precision(name="p").update_state([1, 0, 1], [0.3, 0.2])
    with pytest.raises(ValueError, match="did you mean 'auc'"):
        M.get("acu")


# --- optimizers ---------------------------------------------------------------------------------
@pytest.mark.parametrize("use_kernels", [True, False], ids=["numba", "numpy"])
def test_weight_decay_by_hand(use_kernels):
    # w = 2: decay first, w = 2 - 2 * 0.5 * 0.1 = 1.9; then SGD, w = 1.9 - 0.1 * 1 = 1.8
    w = gn.parameter(np.array([2.0]))
    O.SGD(0.1, weight_decay=0.5, use_kernels=use_kernels).apply_gradients([(np.array([1.0]), w)])
    assert w.value[0] == pytest.approx(1.8)


@pytest.mark.parametrize("use_kernels", [True, False], ids=["numba", "numpy"])
def test_centered_rmsprop_by_hand(use_kernels):
    # one step, rho 0.5, eps 0: ms = 0.5 g^2, mg = 0.5 g, ms - mg^2 = 0.25 g^2; w -= lr g / (0.5|g|)
    w = gn.parameter(np.array([1.0, -1.0]))
    O.RMSprop(0.1, rho=0.5, epsilon=0.0, centered=True, use_kernels=use_kernels).apply_gradients(
        [(np.array([3.0, -0.5]), w)])
    np.testing.assert_allclose(w.value, [1.0 - 0.2, -1.0 + 0.2])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("make", [lambda k: O.RMSprop(centered=True, momentum=0.5, weight_decay=0.1, use_kernels=k),
                                  lambda k: O.AdamW(0.01, amsgrad=True, use_kernels=k),
                                  lambda k: O.Nadam(weight_decay=0.2, use_kernels=k)],
                         ids=["rmsprop-centered", "adamw", "nadam-decay"])
def test_new_options_kernels_match_references(make, dtype):
    rng = np.random.default_rng(0)
    start = [rng.normal(size=s).astype(dtype) for s in [(7,), (3, 5), (1001,)]]
    fast, slow = [gn.parameter(a.copy()) for a in start], [gn.parameter(a.copy()) for a in start]
    a, b = make(True), make(False)
    for _ in range(3):
        grads = [rng.normal(size=p.shape).astype(dtype) for p in fast]
        a.apply_gradients(zip(grads, fast))
        b.apply_gradients(zip(grads, slow))
    tol = {"float32": 2e-6, "float64": 1e-14}[dtype]
    for p, q in zip(fast, slow):
        np.testing.assert_allclose(p.value, q.value, rtol=tol, atol=tol)


def test_adamw_by_name_and_keras_defaults():
    opt = O.get("adamw")
    assert type(opt) is O.AdamW and opt.learning_rate == 0.001 and opt.weight_decay == 0.004
    again = O.deserialize(O.serialize(O.RMSprop(centered=True, weight_decay=0.01)))
    assert again.centered and again.weight_decay == 0.01
    assert "1.0" in O.Adadelta.__doc__ and "Keras 1" in O.Adadelta.__doc__
    assert "adadelta" in O.get.__doc__ and "1.0" in O.get.__doc__
    with pytest.raises(TypeError, match="did you mean 'weight_decay'"):
        O.Adam(weight_decy=0.1)


def test_keras1_lr_is_accepted_with_a_warning_at_the_users_line():
    with pytest.warns(OldKerasSpelling, match="lr= is Keras 1's spelling") as caught:
        opt = O.AdamW(lr=0.5)
    assert opt.learning_rate == 0.5 and caught[0].filename == __file__


def test_optimizer_state_with_new_slots_saves_and_continues(tmp_path):
    x, y = binary_data()
    for opt in (O.RMSprop(0.01, centered=True, momentum=0.5, weight_decay=0.1), O.AdamW(0.01)):
        model = binary_model()
        model.compile(opt, "binary_crossentropy")
        model.fit(x, y, epochs=1, verbose=0, shuffle=False)
        model.save(tmp_path / "m.gnm")
        loaded = gn.load_model(tmp_path / "m.gnm")
        assert type(loaded.optimizer) is type(opt)
        assert loaded.optimizer.get_config() == opt.get_config()
        for m in (model, loaded):
            m.fit(x, y, epochs=1, verbose=0, shuffle=False)
        for a, b in zip(model.get_weights(), loaded.get_weights()):
            np.testing.assert_array_equal(a, b)


# --- summary ------------------------------------------------------------------------------
def test_summary_prints_once_and_returns_none(capsys):
    model = binary_model()
    assert model.summary() is None
    printed = capsys.readouterr().out
    assert printed.count("Total params: 21") == 1
    print(model.summary())  # the Keras habit: the table once, then None
    assert capsys.readouterr().out.count("Total params") == 1
    got = []
    model.summary(print_fn=got.append)
    assert got == [model.summary_text()] and printed == model.summary_text() + "\n"


def test_functional_summary_and_layers_list_the_input_layer_first():
    inputs = Input((3,), name="features")
    model = gn.Model(inputs, Dense(1, name="out")(Dense(4, name="hidden")(inputs)))
    assert [type(l).__name__ for l in model.layers] == ["InputLayer", "Dense", "Dense"]
    assert model.get_layer("features") is model.layers[0] and model.layers[0].output is model.input
    assert model.inputs == [inputs] and model.outputs == [model.output]
    text = model.summary_text()
    assert "features (InputLayer)" in text and "(None, 3)" in text and "Total params: 21" in text
    assert len(model.weights) == 4  # the InputLayer holds none
    model.set_weights([w + 1 for w in model.get_weights()])
    outer_in = Input((3,))
    nested = gn.Model(outer_in, model(outer_in))  # a model called like a layer
    x = np.ones((2, 3), np.float32)
    np.testing.assert_allclose(nested.predict(x), model.predict(x))


def test_functional_model_with_input_layer_saves_and_loads(tmp_path):
    inputs = Input((3,))
    model = gn.Model(inputs, Dense(2)(inputs))
    model.save(tmp_path / "f.gnm")
    loaded = gn.load_model(tmp_path / "f.gnm")
    assert [type(l).__name__ for l in loaded.layers] == ["InputLayer", "Dense"]
    x = np.ones((2, 3), np.float32)
    np.testing.assert_allclose(loaded.predict(x), model.predict(x))


def test_sequential_lists_no_input_layer():
    model = gn.Sequential([InputLayer(shape=(3,)), Dense(2)])
    assert [type(l).__name__ for l in model.layers] == ["Dense"] and model.built


# --- targets --------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [bool, np.int64, np.float32])
def test_one_hot_targets_of_any_dtype_train_alike(dtype):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(30, 4)).astype(np.float32)
    y = np.eye(3)[rng.integers(0, 3, 30)].astype(dtype)  # pandas' get_dummies gives bool
    histories = []
    for target in (y, y.astype(np.float32)):
        gn.set_seed(0)
        model = gn.Sequential([Dense(3, activation="softmax", input_shape=(4,))])
        model.compile("adam", "categorical_crossentropy", metrics=["accuracy"])
        histories.append(model.fit(x, target, epochs=2, verbose=0, shuffle=False).history)
    assert histories[0] == histories[1]


# --- Keras 1 spellings and wrong keywords ----------------------------------------------------
def test_keras1_spellings_warn_at_the_users_line():
    x, y = binary_data()
    inputs = Input((3,))
    with pytest.warns(OldKerasSpelling) as caught:
        model = gn.Model(input=inputs, output=Dense(1, activation="sigmoid")(inputs))
    assert model.inputs == [inputs] and {w.filename for w in caught} == {__file__}
    model.compile("sgd", "binary_crossentropy")
    with pytest.warns(OldKerasSpelling, match="nb_epoch") as caught:
        history = model.fit(x, y, nb_epoch=3, verbose=0)
    assert len(history.history["loss"]) == 3 and caught[0].filename == __file__


def test_wrong_keywords_say_what_was_meant():
    x, y = binary_data()
    model = binary_model()
    with pytest.raises(TypeError, match="compile.*'metric'.*did you mean 'metrics'"):
        model.compile("sgd", "mse", metric=["mae"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.compile("sgd", "mse", run_eagerly=True)  # Keras' switch: accepted, no effect
    with pytest.raises(TypeError, match="fit.*'epoch'.*did you mean 'epochs'"):
        model.fit(x, y, epoch=2)
    with pytest.raises(TypeError, match=r"fit\(sample_weight=...\) is a Keras argument"):
        model.fit(x, y, sample_weight=np.ones(len(y)))
    with pytest.raises(TypeError, match="evaluate.*'batchsize'.*did you mean 'batch_size'"):
        model.evaluate(x, y, batchsize=4)
