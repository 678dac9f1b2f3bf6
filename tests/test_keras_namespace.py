"""graphnet.keras lays graphnet's own objects out under Keras' module paths.

Every path a course listing imports resolves, and each name IS graphnet's object
(one implementation, reached two ways). pad_sequences and TimeseriesGenerator are
compared with Keras 3's own, batch by batch.
"""
import importlib
import subprocess
import sys

import numpy as np
import pytest

import graphnet as gn
import graphnet.keras as keras
from graphnet import data, nn, train
import graphnet.train.sklearn  # noqa: E402 - the wrappers need scikit-learn, a test extra

# (module path under graphnet.keras, name, graphnet's own object)
SAME_OBJECTS = [
    ("models", "Sequential", train.Sequential), ("models", "Model", train.Model),
    ("models", "load_model", train.load_model), ("models", "model_from_json", train.model_from_json),
    ("layers", "Dense", nn.Dense), ("layers", "Conv2D", nn.Conv2D),
    ("layers", "Convolution2D", nn.Convolution2D), ("layers", "MaxPooling2D", nn.MaxPooling2D),
    ("layers", "MaxPool2D", nn.MaxPooling2D), ("layers", "AveragePooling2D", nn.AveragePooling2D),
    ("layers", "GlobalAveragePooling2D", nn.GlobalAveragePooling2D), ("layers", "Flatten", nn.Flatten),
    ("layers", "Reshape", nn.Reshape), ("layers", "Dropout", nn.Dropout),
    ("layers", "Activation", nn.Activation), ("layers", "Add", nn.Add),
    ("layers", "Concatenate", nn.Concatenate), ("layers", "Input", nn.Input),
    ("layers", "InputLayer", nn.InputLayer), ("layers", "Layer", nn.Layer),
    ("layers", "SimpleRNN", nn.SimpleRNN), ("layers", "LSTM", nn.LSTM), ("layers", "GRU", nn.GRU),
    ("layers", "Embedding", nn.Embedding), ("layers", "TimeDistributed", nn.TimeDistributed),
    ("optimizers", "SGD", train.optimizers.SGD), ("optimizers", "Adam", train.optimizers.Adam),
    ("optimizers", "RMSprop", train.optimizers.RMSprop), ("optimizers", "AdamW", train.optimizers.AdamW),
    ("optimizers", "Adadelta", train.optimizers.Adadelta), ("optimizers", "Adagrad", train.optimizers.Adagrad),
    ("optimizers.schedules", "ExponentialDecay", train.schedules.ExponentialDecay),
    ("optimizers.schedules", "PiecewiseConstantDecay", train.schedules.PiecewiseConstantDecay),
    ("losses", "CategoricalCrossentropy", nn.CategoricalCrossentropy),
    ("losses", "binary_crossentropy", nn.binary_crossentropy), ("losses", "mse", nn.mse),
    ("metrics", "AUC", train.metrics.AUC), ("metrics", "Precision", train.metrics.Precision),
    ("metrics", "Recall", train.metrics.Recall),
    ("callbacks", "EarlyStopping", train.callbacks.EarlyStopping),
    ("callbacks", "ModelCheckpoint", train.callbacks.ModelCheckpoint),
    ("callbacks", "LearningRateScheduler", train.callbacks.LearningRateScheduler),
    ("callbacks", "History", train.callbacks.History),
    ("activations", "relu", nn.relu), ("activations", "softmax", nn.softmax),
    ("activations", "sigmoid", nn.sigmoid), ("activations", "tanh", nn.tanh),
    ("initializers", "GlorotUniform", nn.initializers.GlorotUniform),
    ("initializers", "he_normal", nn.initializers.HeNormal),
    ("regularizers", "l2", nn.l2),
    ("utils", "to_categorical", data.to_categorical), ("utils", "pad_sequences", data.pad_sequences),
    ("utils", "set_random_seed", gn.set_seed), ("utils.np_utils", "to_categorical", data.to_categorical),
    ("preprocessing.sequence", "pad_sequences", data.pad_sequences),
    ("preprocessing.sequence", "TimeseriesGenerator", data.sequences.TimeseriesGenerator),
    ("backend", "floatx", gn.floatx), ("backend", "set_floatx", gn.set_floatx),
    ("wrappers.scikit_learn", "KerasClassifier", train.sklearn.GraphnetClassifier),
    ("wrappers.scikit_learn", "KerasRegressor", train.sklearn.GraphnetRegressor),
]


@pytest.mark.parametrize("module, name, obj", SAME_OBJECTS,
                         ids=[f"{m}.{n}" for m, n, _ in SAME_OBJECTS])
def test_keras_paths_reach_graphnets_own_objects(module, name, obj):
    found = getattr(importlib.import_module(f"graphnet.keras.{module}"), name)
    assert found is obj


@pytest.mark.parametrize("name", ["Input", "Sequential", "Model", "layers", "models", "utils",
                                  "optimizers", "losses", "metrics", "callbacks",
                                  "backend", "activations", "initializers", "regularizers",
                                  "preprocessing", "load_model"])
def test_the_top_level_names(name):
    assert hasattr(keras, name)
    assert keras.Sequential is train.Sequential and keras.Input is nn.Input


def test_every_graphnet_layer_is_in_keras_layers_and_gn_layers():
    layer_classes = set()
    stack = [nn.Layer]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("graphnet.nn") and not cls.__name__.startswith("_"):
            layer_classes.add(cls)
    missing = [c.__name__ for c in layer_classes if getattr(keras.layers, c.__name__, None) is not c]
    assert not missing, f"graphnet.keras.layers lacks {missing}"
    assert gn.layers is keras.layers and gn.layers.LSTM is nn.LSTM and gn.layers.Dense is nn.Dense


def test_the_functional_forms_of_merging():
    a, b = keras.Input((3,)), keras.Input((3,))
    assert keras.layers.add([a, b]).shape == (1, 3)
    assert keras.layers.concatenate([a, b]).shape == (1, 6)


def test_importing_graphnet_imports_no_optional_extra():
    code = ("import sys, graphnet, graphnet.keras; "
            "print(sorted(m for m in ('keras', 'torch', 'sklearn', 'mlxtend', 'statsmodels') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_backend_function_reads_a_hidden_layer():
    gn.set_seed(0)
    inputs = keras.Input((4,))
    hidden = keras.layers.Dense(3, activation="relu")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(2)(hidden))
    read = keras.backend.function([model.input], [model.layers[1].output])
    x = np.random.default_rng(0).normal(size=(5, 4)).astype(np.float32)
    W, b = model.layers[1].get_weights()
    np.testing.assert_allclose(read([x])[0], np.maximum(x @ W + b, 0), rtol=1e-6)
    with pytest.raises(ValueError, match="1 input"):
        read([x, x])


def test_backend_clear_session_starts_names_afresh():
    keras.backend.clear_session()
    assert keras.layers.Dense(2).name == "dense"
    assert keras.layers.Dense(2).name == "dense_1"
    keras.backend.clear_session()
    assert keras.layers.Dense(2).name == "dense"


def test_model_to_dot_and_plot_model(tmp_path):
    from graphnet.viz.render import dot_available
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="hidden"),
                              keras.layers.Dense(2, name="out")])
    dot = keras.utils.model_to_dot(model, show_shapes=True)
    assert "hidden" in dot.source and "(None, 3)" in dot.source
    if not dot_available():
        pytest.skip("Graphviz's dot is not installed")
    target = tmp_path / "model.png"
    keras.utils.plot_model(model, to_file=str(target), show_shapes=True)
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in tmp_path.iterdir()] == ["model.png"]  # no DOT file left beside it


# --- against Keras 3 -----------------------------------------------------------------------

def _reference():
    from keras_reference import keras as reference
    return reference


@pytest.mark.parametrize("kwargs", [{}, {"maxlen": 3}, {"maxlen": 3, "padding": "post"},
                                    {"maxlen": 3, "truncating": "post", "value": -1},
                                    {"maxlen": 6, "padding": "post", "dtype": "float32"}])
def test_pad_sequences_as_keras_3(kwargs):
    reference = _reference()
    sequences = [[1, 2, 3, 4], [5, 6], [], [7]]
    ours = keras.preprocessing.sequence.pad_sequences(sequences, **kwargs)
    theirs = reference.preprocessing.sequence.pad_sequences(sequences, **kwargs)
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("kwargs", [dict(length=3, batch_size=4),
                                    dict(length=4, sampling_rate=2, stride=3, batch_size=3,
                                         start_index=2, end_index=20, reverse=True),
                                    dict(length=1, batch_size=128)])
def test_timeseries_generator_as_keras(kwargs):
    _reference()
    from keras.src.legacy.preprocessing.sequence import TimeseriesGenerator as Theirs
    series = np.arange(50, dtype=np.float32).reshape(25, 2)
    targets = np.arange(25)
    ours, theirs = keras.preprocessing.sequence.TimeseriesGenerator(series, targets, **kwargs), \
        Theirs(series, targets, **kwargs)
    assert len(ours) == len(theirs)
    for k in range(len(ours)):
        for a, b in zip(ours[k], theirs[k]):
            np.testing.assert_array_equal(a, b)


def test_timeseries_generator_refuses_a_series_too_short():
    with pytest.raises(ValueError, match="past end_index"):
        keras.preprocessing.sequence.TimeseriesGenerator(np.arange(4), np.arange(4), length=5)
    with pytest.raises(ValueError, match="one entry per time step"):
        keras.preprocessing.sequence.TimeseriesGenerator(np.arange(4), np.arange(3), length=2)
