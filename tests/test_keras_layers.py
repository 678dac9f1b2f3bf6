"""Keras' layer behaviours: Keras 1 and 2 spellings, training=, InputLayer and
layer.input / layer.output, GRU(reset_after=False)."""
import os
import pathlib
import subprocess
import sys
import warnings

import numpy as np
import pytest

import graphnet as gn
from graphnet.check import gradcheck
from graphnet.core.errors import OldKerasSpelling
from graphnet.nn import GRU, LSTM, Conv2D, Dense, Dropout, Embedding, MaxPooling2D, SimpleRNN
from graphnet.nn.conv import AveragePooling2D, Convolution2D
from graphnet.nn.layers import LAYERS, Input, InputLayer, input_layer_of
from graphnet.nn.recurrent import GRUCell, GRUNode
from graphnet.ops.tensor import apply

HERE = pathlib.Path(__file__).resolve().parent


def weights_equal(a, b):
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


def run(layer, x):
    return np.asarray(layer(gn.tensor(x, requires_grad=False)).value)


# --- InputLayer, input, output -----------------------------------------------------

def test_input_is_the_output_of_an_input_layer():
    x = Input((4,), name="features")
    layer = input_layer_of(x)
    assert isinstance(layer, InputLayer) and layer.name == "features" and layer.output is x
    assert layer.input is x and layer.output_shape == (None, 4) and layer.count_params() == 0
    assert x.shape == (1, 4) and x.name == "features"
    assert input_layer_of(gn.tensor(np.zeros((1, 4)))) is None


def test_input_layer_by_its_keras_spellings():
    by_shape = InputLayer(shape=(3, 2))
    by_batch_shape = InputLayer(batch_shape=(None, 3, 2))
    by_keras2 = InputLayer(input_shape=(3, 2))
    assert by_shape.output.shape == by_batch_shape.output.shape == by_keras2.output.shape == (1, 3, 2)
    assert by_shape.name.startswith("input_layer")
    restored = LAYERS["InputLayer"].from_config(by_shape.get_config())
    assert restored.output_shape == (None, 3, 2) and restored.output.dtype == np.float32


def test_input_layer_refuses_unknown_shapes():
    with pytest.raises(ValueError, match=r"InputLayer layer 'bad' needs a fully known sample shape.*\(None, 3\)"):
        InputLayer(shape=(None, 3), name="bad")
    with pytest.raises(ValueError, match="Input needs the shape of one sample"):
        Input()


def test_layer_input_and_output_are_the_first_call():
    x = Input((3,))
    dense = Dense(2, name="first")
    y = dense(x)
    dense(Input((3,)))  # a second call does not replace them
    assert dense.input is x and dense.output is y
    with pytest.raises(ValueError, match=r"Dense layer 'never' has never been called, so it has no output"):
        Dense(2, name="never").output


def test_a_model_of_input_layers_trains():
    x = Input((2,))
    model = gn.Model(x, Dense(1)(x))
    model.compile("sgd", "mse")
    model.fit(np.ones((4, 2), np.float32), np.ones((4, 1), np.float32), epochs=1, verbose=0)


# --- Keras 2 and Keras 1 spellings ------------------------------------------------------

def test_keras2_input_dim_is_input_shape():
    assert Dense(3, input_dim=5).input_shape == Dense(3, input_shape=(5,)).input_shape == (None, 5)
    assert Dense(3, batch_input_shape=(None, 5)).input_shape == (None, 5)


def _built(make, x, seed=0):
    gn.set_seed(seed)
    layer = make()
    return layer, run(layer, x)


@pytest.mark.parametrize("old, new, message", [
    (lambda: Dense(output_dim=3, init="he_normal", bias=False),
     lambda: Dense(3, kernel_initializer="he_normal", use_bias=False), "output_dim= .* as units="),
    (lambda: Dense(3, W_regularizer=0.01), lambda: Dense(3, kernel_regularizer=0.01),
     "W_regularizer= .* as kernel_regularizer="),
])
def test_keras1_dense_spellings_warn_and_build_the_same_layer(old, new, message):
    x = np.random.default_rng(0).normal(size=(2, 4)).astype(np.float32)
    with pytest.warns(OldKerasSpelling, match=message):
        a, out_a = _built(old, x)
    b, out_b = _built(new, x)
    assert weights_equal(a.get_weights(), b.get_weights()) and np.array_equal(out_a, out_b)
    assert a.get_config() == {**b.get_config(), "name": a.name}


def test_the_warning_points_at_the_users_line():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Dense(output_dim=2)
    assert caught and caught[0].filename == __file__ and caught[0].category is OldKerasSpelling
    assert "Dense layer 'dense" in str(caught[0].message) and "write units=" in str(caught[0].message)


def test_convolution2d_is_conv2d_with_one_warning():
    x = np.random.default_rng(1).normal(size=(2, 7, 7, 3)).astype(np.float32)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        old = Convolution2D(4, 3, 2, border_mode="same", subsample=(2, 2), activation="relu")
    assert len(caught) == 1 and caught[0].category is OldKerasSpelling and caught[0].filename == __file__
    assert ("Conv2D(4, (3, 2), padding='same', strides=(2, 2))" in str(caught[0].message)
            and "Convolution2D(4, 3, 2, border_mode='same', subsample=(2, 2))" in str(caught[0].message))
    new = Conv2D(4, (3, 2), padding="same", strides=(2, 2), activation="relu")
    assert type(old) is Conv2D and old.kernel_size == (3, 2)
    gn.set_seed(0)
    out_old = run(old, x)
    gn.set_seed(0)
    out_new = run(new, x)
    assert weights_equal(old.get_weights(), new.get_weights()) and np.array_equal(out_old, out_new)


def test_conv2d_third_positional_argument_still_warns_as_strides():
    with pytest.warns(UserWarning, match=r"Conv2D\(10, 3, 3\) means strides=3"):
        layer = Conv2D(10, 3, 3)
    assert layer.strides == (3, 3) and layer.kernel_size == (3, 3)


@pytest.mark.parametrize("cls", [Conv2D, MaxPooling2D, AveragePooling2D])
def test_border_mode_is_padding(cls):
    args = (2, 3) if cls is Conv2D else (2,)
    with pytest.warns(OldKerasSpelling, match="border_mode= .* as padding="):
        layer = cls(*args, border_mode="same")
    assert layer.padding == "same"


def test_channels_first_is_refused():
    with pytest.raises(ValueError, match=r"MaxPooling2D layer 'p': data_format must be 'channels_last'"):
        MaxPooling2D(2, data_format="channels_first", name="p")
    assert Conv2D(2, 3, data_format="channels_last").padding == "valid"


@pytest.mark.parametrize("cls", [SimpleRNN, LSTM, GRU])
def test_keras1_recurrent_spellings(cls):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        layer = cls(output_dim=3, dropout_W=0.2, dropout_U=0.1, init="he_normal", inner_init="orthogonal")
    assert [w.category for w in caught] == [OldKerasSpelling] * 5
    assert ["as dropout=" in str(w.message) for w in caught].count(True) == 1
    assert (layer.units, layer.dropout, layer.recurrent_dropout) == (3, 0.2, 0.1)
    assert type(layer.kernel_initializer).__name__ == "HeNormal"


def test_keras1_dropout_p():
    with pytest.warns(OldKerasSpelling, match="p= .* as rate="):
        assert Dropout(p=0.3).rate == 0.3


def test_embedding_input_length():
    layer = Embedding(10, 4, input_length=3)
    assert layer.input_shape == (None, 3)
    model = gn.Sequential([layer])  # built from input_length, as in Keras 2
    assert model.predict(np.array([[1, 2, 3]]), verbose=0).shape == (1, 3, 4)
    with pytest.raises(ValueError, match=r"Embedding layer 'words' was given input_length=3.*got \(None, 5\)"):
        Embedding(10, 4, input_length=3, name="words")(np.zeros((2, 5), np.int64))
    with pytest.raises(ValueError, match="mask_zero=True is not supported"):
        Embedding(10, 4, mask_zero=True)


@pytest.mark.parametrize("make, typo, meant", [
    (lambda: Dense(3, unit=3), "unit", "units"),
    (lambda: Dense(unit=3), "unit", "units"),
    (lambda: Conv2D(3, 3, paddin="same"), "paddin", "padding"),
    (lambda: LSTM(3, return_sequence=True), "return_sequence", "return_sequences"),
    (lambda: GRU(3, reset_afer=False), "reset_afer", "reset_after"),
    (lambda: Embedding(10, 3, input_lenght=4), "input_lenght", "input_length"),
])
def test_unknown_keywords_say_what_was_meant(make, typo, meant):
    with pytest.raises(TypeError, match=rf"got an unexpected keyword argument '{typo}' \(did you mean '{meant}'\?\)"):
        make()


# --- training= ----------------------------------------------------------------------------

def test_dropout_called_directly_is_inference_unless_training():
    x = np.ones((20, 50), np.float32)
    layer = Dropout(0.5)
    np.testing.assert_array_equal(run(layer, x), x)
    np.testing.assert_array_equal(np.asarray(layer(gn.tensor(x), training=False).value), x)
    dropped = np.asarray(layer(gn.tensor(x), training=True).value)
    assert set(np.unique(dropped)) == {0.0, 2.0}  # inverted dropout: kept values scaled by 1 / 0.5


def test_dense_takes_and_ignores_training():
    x = np.ones((2, 3), np.float32)
    layer = Dense(2)
    np.testing.assert_array_equal(np.asarray(layer(gn.tensor(x), training=True).value), run(layer, x))


def test_noise_shape_shares_one_mask():
    x = np.ones((4, 6, 5), np.float32)
    out = np.asarray(Dropout(0.5, noise_shape=(None, 1, 5))(gn.tensor(x), training=True).value)
    assert np.array_equal(out, np.broadcast_to(out[:, :1], out.shape))


@pytest.mark.parametrize("cls", [SimpleRNN, LSTM, GRU])
def test_recurrent_dropout_only_while_training(cls):
    x = np.random.default_rng(0).normal(size=(3, 4, 2)).astype(np.float32)
    gn.set_seed(0)
    layer = cls(3, dropout=0.5, recurrent_dropout=0.5)
    inference = run(layer, x)
    plain = cls(3)
    run(plain, x)
    plain.set_weights(layer.get_weights())
    np.testing.assert_allclose(inference, run(plain, x), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(layer(gn.tensor(x), training=False).value), inference, rtol=1e-6)
    assert not np.allclose(np.asarray(layer(gn.tensor(x), training=True).value), inference)


def test_fit_drops_and_predict_does_not():
    gn.set_seed(0)
    model = gn.Sequential([Input((30,)), Dropout(0.5)])
    x = np.ones((8, 30), np.float32)
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)
    model.compile("sgd", "mse")
    graph, _ = model._loss_graph([x], training=True)
    drops = [n for n in graph.nodes if n.op == "Dropout"]
    assert drops and all(n.training for n in drops)


# --- GRU(reset_after=False) ----------------------------------------------------------------

def gru_reset_before_by_hand(x, W, U, b, h):
    """Keras 2's GRU, step by step in NumPy: the reset gate scales h before U_h."""
    H = U.shape[0]
    sigmoid = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    outs = []
    for t in range(x.shape[1]):
        xz = x[:, t] @ W + b
        z = sigmoid(xz[:, :H] + h @ U[:, :H])
        r = sigmoid(xz[:, H:2 * H] + h @ U[:, H:2 * H])
        candidate = np.tanh(xz[:, 2 * H:] + (r * h) @ U[:, 2 * H:])
        h = z * h + (1 - z) * candidate
        outs.append(h)
    return np.stack(outs, axis=1)


def test_gru_reset_before_matches_its_formula_by_hand():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(17, 4, 3))  # 17 rows: more than one lane
    layer = GRU(5, reset_after=False, return_sequences=True)
    out = run(layer, x.astype(np.float32))
    W, U, b = layer.get_weights()
    assert b.shape == (15,) and layer.count_params() == 3 * 5 * (3 + 5 + 1)
    expected = gru_reset_before_by_hand(x, W.astype(np.float64), U.astype(np.float64), b.astype(np.float64),
                                        np.zeros((17, 5)))
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


def test_gru_reset_before_gradients_and_unrolled_view():
    rng = np.random.default_rng(4)
    x, W, U, b, h0 = (rng.normal(size=s) for s in ((3, 4, 2), (2, 6), (2, 6), (6,), (3, 2)))
    assert gradcheck(GRUNode(reset_after=False), x, W, U, b, h0).ok
    assert gradcheck(GRUCell(reset_after=False), x[:, 0], h0, W, U, b).ok
    fused = apply(GRUNode(reset_after=False), *(gn.tensor(a) for a in (x, W, U, b, h0)))
    unrolled = GRUNode(reset_after=False).expand(*(gn.tensor(a) for a in (x, W, U, b, h0)))
    np.testing.assert_allclose(fused.value, unrolled.value, rtol=1e-12)


def test_gru_reset_before_refuses_the_other_bias():
    rng = np.random.default_rng(5)
    with pytest.raises(ValueError, match=r"needs a bias of shape \(6,\) \(reset_after=False\)"):
        GRUNode(reset_after=False).forward(rng.normal(size=(2, 3, 2)), rng.normal(size=(2, 6)),
                                           rng.normal(size=(2, 6)), rng.normal(size=(2, 6)), np.zeros((1, 2)))


def test_gru_reset_after_saves_and_loads(tmp_path):
    gn.set_seed(0)
    model = gn.Sequential([GRU(3, reset_after=False, input_shape=(4, 2)), Dense(1)])
    x = np.random.default_rng(0).normal(size=(2, 4, 2)).astype(np.float32)
    path = str(tmp_path / "gru.gnet")
    model.save(path)
    loaded = gn.load_model(path)
    assert loaded.layers[0].reset_after is False
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_gru_reset_before_kernels_on_the_cuda_simulator():
    """The CUDA kernels of reset_after=False against the CPU ones, in a process of
    its own (the simulator must be on before numba loads)."""
    script = r'''
import numpy as np
from graphnet.kernels.cpu import recurrent as cpu
from graphnet.kernels.cuda import recurrent as gpu
rng = np.random.default_rng(0)
f = lambda *s: rng.normal(size=s).astype(np.float32)
B, H = 3, 4
xz, hz, h, hh_in, g, dn, drh = f(B, 3 * H), f(B, 2 * H), f(B, H), f(B, H), f(B, H), f(B, H), f(B, H)
out = {}
for name, family in (("cpu", cpu), ("gpu", gpu)):
    gates, rh, hn = np.zeros((B, 3 * H), np.float32), np.zeros((B, H), np.float32), np.zeros((B, H), np.float32)
    family.gru_reset_gates_step(xz, hz, h, gates, rh)
    family.gru_candidate_step(xz, hh_in, h, gates, hn)
    dz, dp, dr = np.zeros((B, 3 * H), np.float32), np.zeros((B, H), np.float32), np.zeros((B, H), np.float32)
    family.gru_candidate_backward_step(g, dn, gates, h, dz, dp)
    family.gru_reset_backward_step(drh, gates, h, dz, dr)
    out[name] = (gates, rh, hn, dz, dp, dr)
for a, b in zip(out["cpu"], out["gpu"]):
    np.testing.assert_allclose(b, a, rtol=1e-5, atol=2e-6)
print("ok")
'''
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1", PYTHONPATH=str(HERE.parent))
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stderr[-3000:]
