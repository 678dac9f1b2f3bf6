"""Nothing silently wrong: bad data and bad arguments are refused at the door
(compile, fit, evaluate, predict, train_on_batch, the data utilities, the
settings), before any weight changes, with messages that name what is wrong."""
import subprocess
import sys

import numpy as np
import pytest

import graphnet as gn
from graphnet import config
from graphnet.kernels import memory, threads
from graphnet.nn import Concatenate, Dense, Input
from graphnet.train import callbacks as cb
from graphnet.train import model as model_module
from graphnet import DataError
from graphnet.train.model import Model, Sequential


def data(n=20, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 2)).astype(np.float32), rng.normal(size=(n, 1)).astype(np.float32)


def regressor(loss="mse", units=1, activation=None, **options):
    model = Sequential([Dense(4, activation="relu", input_shape=(2,)), Dense(units, activation=activation)],
                       name="reg")
    model.compile("sgd", loss, **options)
    return model


def refused(model, call, error, *parts):
    """``call(model)`` raises ``error`` whose message holds every part, and no weight changed."""
    before = model.get_weights()
    with pytest.raises(error) as info:
        call(model)
    for part in parts:
        assert part in str(info.value), f"{part!r} not in: {info.value}"
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    return str(info.value)


# --- NaN, infinity, None, strings ------------------------------------------------------

def test_nan_and_inf_in_x_or_y_are_refused_with_count_and_first_position():
    X, y = data()
    X[3, 1], X[7, 0] = np.nan, np.inf
    refused(regressor(), lambda m: m.fit(X, y, verbose=0), DataError,
            "model 'reg'", "x holds 1 NaN value and 1 infinite value", "of 40 values", "first at x[3, 1]")
    X, y = data()
    y[5, 0] = np.nan
    for call in (lambda m: m.fit(X, y, verbose=0), lambda m: m.train_on_batch(X, y),
                 lambda m: m.evaluate(X, y, verbose=0)):
        refused(regressor(), call, DataError, "y holds 1 NaN value", "first at y[5, 0]")
    # predict too: a NaN input gives NaN outputs without a word otherwise
    X[0, 0] = np.nan
    refused(regressor(), lambda m: m.predict(X), ValueError, "x holds 1 NaN value")


def test_none_and_strings_are_refused_naming_the_argument():
    X, y = data()
    holes = X.astype(object)
    holes[2, 1] = None
    refused(regressor(), lambda m: m.fit(holes, y, verbose=0), gn.OperandError,
            "x holds None", "1 of 40 positions", "first at x[2, 1]")
    refused(regressor(), lambda m: m.fit(X, np.array(["cat", "dog"] * 10), verbose=0), TypeError,
            "y holds strings", "'cat'", "LabelEncoder")
    refused(regressor(), lambda m: m.fit(np.array([["a", "b"]] * 20), y, verbose=0), gn.OperandError,
            "x holds strings")
    # numbers kept as objects (a pandas column) are numbers
    regressor().fit(X.astype(object), y, verbose=0)


def test_several_inputs_name_the_input():
    X, y = data()
    a, b = Input((2,), name="a"), Input((2,), name="b")
    model = Model([a, b], Dense(1, name="out")(Concatenate()([a, b])))
    model.compile("sgd", "mse")
    bad = X.copy()
    bad[4, 1] = np.inf
    refused(model, lambda m: m.fit([X, bad], y, verbose=0), DataError,
            "x[1] (input 'b') holds 1 infinite value", "first at x[1][4, 1]")
    refused(model, lambda m: m.fit([X, X[:5]], y, verbose=0), gn.ShapeError, "(20, 2), (5, 2)")
    refused(model, lambda m: m.fit(X.tolist(), y, verbose=0), ValueError,
            "has 2 inputs ['a', 'b']", "a list of 2 arrays, one per input", "got a list of 20 items")


def test_the_check_runs_once_per_call_not_per_batch(monkeypatch):
    X, y = data(64)
    calls = []
    real = model_module._numbers
    monkeypatch.setattr(model_module, "_numbers", lambda *a: calls.append(a[2]) or real(*a))
    regressor().fit(X, y, batch_size=4, epochs=3, verbose=0, validation_data=(X, y))
    assert calls == ["x", "y", "validation x", "validation y"]


# --- validation data, before training ---------------------------------------------------

def test_validation_data_is_checked_before_the_first_epoch():
    X, y = data()
    epochs = []
    watch = [cb.LambdaCallback(on_epoch_begin=lambda e, logs: epochs.append(e))]
    fit = lambda val: lambda m: m.fit(X, y, verbose=0, callbacks=watch, validation_data=val)
    refused(regressor(), fit((X,)), ValueError, "validation_data takes (x_val, y_val)", "a tuple of 1 item")
    refused(regressor(), fit((X, y, np.ones(20))), ValueError, "no sample weights", "(x, y, sample_weight)")
    refused(regressor(), fit(X), ValueError, "validation_data takes (x_val, y_val)", "(20, 2)")
    bad = X.copy()
    bad[1, 0] = np.nan
    refused(regressor(), fit((bad, y)), DataError, "validation x holds 1 NaN value", "validation x[1, 0]")
    message = refused(regressor(), fit((X, np.zeros((20, 3)))), gn.ShapeError,
                      "validation y of shape (20, 3)", "(20, 1)")
    assert "(1, 3)" not in message
    refused(regressor(), fit((X[:, :1], y)), gn.ShapeError, "expects samples of shape (2,)", "(20, 1)")
    assert epochs == []
    history = regressor().fit(X, y, epochs=2, verbose=0, validation_data=(X, y))
    assert len(history.history["val_loss"]) == 2


# --- empty data, one-hot shapes: the real shapes, not the one-sample placeholder --------

def test_empty_data_and_a_split_leaving_nothing_name_the_real_shapes():
    X, y = data()
    for call in (lambda m: m.fit(X[:0], y[:0], verbose=0), lambda m: m.evaluate(X[:0], y[:0], verbose=0)):
        message = refused(regressor(), call, DataError, "got no samples", "x of shape (0, 2)")
        assert "(1, " not in message
    refused(regressor(), lambda m: m.fit(X[:1], y[:1], validation_split=0.5, verbose=0), DataError,
            "validation_split=0.5 of 1 sample", "(1, 2)", "leaves 0 for training")
    assert regressor().predict(X[:0]).shape == (0, 1)  # predicting nothing is fine, as in Keras


def test_one_hot_mismatch_names_the_data_shapes_and_the_fix():
    X, _ = data()
    model = regressor("categorical_crossentropy", 3, "softmax")
    message = refused(model, lambda m: m.fit(X, np.eye(2)[np.arange(20) % 2], verbose=0), gn.ShapeError,
                      "targets y of shape (20, 2)", "(20, 3)", "3 columns")
    assert "(1, 2)" not in message and "(1, 3)" not in message
    refused(model, lambda m: m.fit(X, np.arange(20) % 3, verbose=0), gn.ShapeError,
            "y of shape (20,)", "sparse_categorical_crossentropy", "to_categorical(y, 3)")


# --- lists of rows ---------------------------------------------------------------------------

def test_a_list_of_rows_is_one_array_for_a_one_input_model():
    X, y = data()
    losses = []
    for x, t in ((X, y), (X.tolist(), y[:, 0].tolist())):
        gn.set_seed(3)
        model = regressor()
        gn.set_seed(4)
        losses.append(model.fit(x, t, epochs=2, verbose=0).history["loss"])
    assert losses[0] == pytest.approx(losses[1])
    unbuilt = Sequential([Dense(1)])
    unbuilt.compile("sgd", "mse")
    unbuilt.fit([[0, 1], [1, 0]], [0, 1], verbose=0)  # built from the rows' shape
    assert unbuilt.layers[0].input_shape == (None, 2)
    assert regressor().predict([X[0]]).shape == (1, 1)
    refused(regressor(), lambda m: m.fit([[0, 1], [1]], [0, 1], verbose=0), gn.ShapeError,
            "x is not a rectangular array")
    refused(regressor(), lambda m: m.predict(X[0]), gn.ShapeError, "one sample without the batch axis")
    refused(regressor(), lambda m: m.fit([X, X], y, verbose=0), gn.ShapeError,
            "a list of 2 arrays", "one input")


# --- compile resolves names ---------------------------------------------------------------------

def test_misspelt_loss_metric_or_output_name_fails_at_compile():
    with pytest.raises(ValueError, match=r"model 'reg', compile\(loss='mse2'\).*unknown loss 'mse2'"):
        regressor("mse2")
    with pytest.raises(ValueError, match=r"compile\(metrics='acuracy'\).*did you mean 'accuracy'"):
        regressor(metrics=["acuracy"])
    unbuilt = Sequential([Dense(1)])
    with pytest.raises(ValueError, match="unknown loss 'mes'"):
        unbuilt.compile("sgd", "mes")  # names are resolved before the model is built
    assert not unbuilt.compiled
    a = Input((2,), name="a")
    model = Model(a, Dense(1, name="out")(a))
    with pytest.raises(ValueError, match=r"loss names outputs \['oot'\], the outputs are \['out'\]"):
        model.compile("sgd", {"oot": "mse"})
    with pytest.raises(ValueError, match=r"loss_weights name outputs \['oot'\]"):
        model.compile("sgd", "mse", loss_weights={"oot": 2.0})
    assert not model.compiled


# --- arguments ------------------------------------------------------------------------------------

@pytest.mark.parametrize("options, error, part", [
    ({"batch_size": 2.5}, TypeError, "batch_size must be a whole number >= 1 (or None for 32), got 2.5"),
    ({"batch_size": 0}, ValueError, "batch_size must be a whole number >= 1"),
    ({"batch_size": True}, TypeError, "batch_size"),
    ({"epochs": -1}, ValueError, "epochs must be a whole number >= 0, got -1"),
    ({"epochs": 2.0}, TypeError, "epochs must be a whole number"),
    ({"epochs": 2, "initial_epoch": 3}, ValueError, "initial_epoch=3 is past epochs=2"),
    ({"verbose": 3}, ValueError, "verbose must be 0 (silent), 1"),
    ({"validation_split": "0.2"}, TypeError, "validation_split must be a number"),
    ({"validation_split": 1.5}, ValueError, "validation_split must be between 0 and 1"),
    ({"callbacks": [object()]}, TypeError, "callbacks[0] is an instance of object, not a Callback"),
    ({"callbacks": [lambda epoch, logs: None]}, TypeError, "callbacks[0] is a function"),
])
def test_bad_fit_arguments_are_refused(options, error, part):
    X, y = data()
    refused(regressor(), lambda m: m.fit(X, y, verbose=options.pop("verbose", 0), **options), error, part)


def test_keras_argument_forms_still_work():
    X, y = data()
    model = regressor()
    assert model.fit(X, y, epochs=0, verbose=0).history == {}
    model.fit(X, y, batch_size=np.int64(4), epochs=np.int32(2), initial_epoch=1, verbose="auto",
              callbacks=cb.TerminateOnNaN())
    with pytest.raises(TypeError, match="evaluate: batch_size"):
        model.evaluate(X, y, batch_size=2.5)
    with pytest.raises(ValueError, match="predict: batch_size"):
        model.predict(X, batch_size=-1)


# --- data utilities and settings -----------------------------------------------------------------

def test_data_utilities_name_missing_values_and_strings():
    with pytest.raises(TypeError, match=r"pad_sequences: sequence 0 holds strings such as 'a'.*integer ids"):
        gn.data.pad_sequences([["a", "b"], ["c"]])
    with pytest.raises(TypeError, match="pad_sequences: value='x'"):
        gn.data.pad_sequences([[1, 2], [3]], value="x")
    assert gn.data.pad_sequences([["a", "b"], ["c"]], dtype=object, value="").tolist() == [["a", "b"], ["", "c"]]
    with pytest.raises(ValueError, match=r"StandardScaler.fit: X contains NaN or infinity at 1 of 4 values, "
                                         r"the first at \[1, 0\]"):
        gn.data.StandardScaler().fit([[1.0, 2.0], [np.nan, 3.0]])
    with pytest.raises(ValueError, match=r"LabelEncoder.fit: y holds None.*the first at \[1\]"):
        gn.data.LabelEncoder().fit(np.array(["a", None, "b"], dtype=object))
    with pytest.raises(ValueError, match="to_categorical: labels must hold numbers.*LabelEncoder"):
        gn.data.to_categorical(["a", "b"])


def test_set_floatx_takes_float32_or_float64_only(floatx_guard):
    for dtype in ("float16", np.float16, "int32", "bogus"):
        with pytest.raises(ValueError, match="set_floatx takes 'float32' or 'float64'"):
            gn.set_floatx(dtype)
        assert gn.floatx() == np.float32  # a refused type changes nothing
    gn.set_floatx(np.float64)
    assert gn.floatx() == np.float64


def test_environment_variables_are_read_strictly(monkeypatch):
    monkeypatch.setenv("GRAPHNET_THREADS", "abc")
    with pytest.raises(ValueError, match=r"GRAPHNET_THREADS='abc' is not a whole number >= 1"):
        threads.workers()
    monkeypatch.setenv("GRAPHNET_THREADS", "3")
    assert threads.workers() == 3
    monkeypatch.setenv("GRAPHNET_KEEP_MEMORY", "maybe")
    with pytest.raises(ValueError, match=r"GRAPHNET_KEEP_MEMORY='maybe' is not on or off: .*0, false, no, off"):
        memory.keep_freed_memory()
    monkeypatch.setenv("GRAPHNET_KEEP_MEMORY", "OFF")
    assert memory.keep_freed_memory() is False
    for value, expected in (("", True), ("No", False), ("1", True)):
        monkeypatch.setenv("GRAPHNET_NUMBA_CACHE", value)
        assert config.env_flag("GRAPHNET_NUMBA_CACHE", True) is expected


def test_a_bogus_kernel_family_fails_at_import():
    run = subprocess.run([sys.executable, "-c", "import graphnet"], capture_output=True, text=True,
                         env={"GRAPHNET_KERNELS": "bogus", "PATH": ""})
    assert run.returncode != 0
    assert "GRAPHNET_KERNELS='bogus' is not one of 'cpu', 'reference'" in run.stderr
