"""graphnet's layers against Keras 3's, on the same weights: forward outputs and the
gradients with respect to inputs and weights (Keras' through torch autograd), in
float32 to rounding; and the parameter counts of the course's models."""
from keras_reference import keras, numpy_of

import numpy as np
import pytest
import torch

import graphnet as gn
from graphnet import nn

RTOL, ATOL = 1e-5, 1e-6
rng = np.random.default_rng(0)


def f32(*shape):
    return rng.normal(size=shape).astype(np.float32)


def keras_run(layer, x, seeds, **kwargs):
    """Keras' outputs, and the gradients of Σ seeds · outputs by the input and the weights."""
    xt = torch.tensor(x, requires_grad=x.dtype.kind == "f")
    outs = layer(xt, **kwargs)
    outs = list(outs) if isinstance(outs, (list, tuple)) else [outs]
    loss = sum((o * torch.tensor(s)).sum() for o, s in zip(outs, seeds))
    loss.backward()
    dx = None if xt.grad is None else xt.grad.numpy()
    return [numpy_of(o.detach()) for o in outs], dx, [w.value.grad.numpy() for w in layer.weights]


def graphnet_run(layer, x, seeds, **kwargs):
    xt = gn.tensor(x, requires_grad=x.dtype.kind == "f", dtype=x.dtype)
    outs = layer(xt, **kwargs)
    outs = outs if isinstance(outs, list) else [outs]
    loss = None
    for o, s in zip(outs, seeds):
        term = (o * gn.constant(s)).sum()
        loss = term if loss is None else loss + term
    loss.backward()
    return [np.asarray(o.value) for o in outs], xt.grad, [np.asarray(p.grad) for p in layer.params]


def compare(ours, theirs, x, seeds=None, **kwargs):
    """Build both on x, copy Keras' weights into ours, compare outputs and gradients."""
    reference = theirs(torch.tensor(x))  # builds Keras' weights
    reference = reference if isinstance(reference, (list, tuple)) else [reference]
    seeds = seeds or [f32(*np.shape(numpy_of(r.detach()))) for r in reference]
    theirs.set_weights([0.5 * f32(*w.shape) for w in theirs.weights])  # biases too: not Keras' zeros
    ours(gn.tensor(x, requires_grad=False, dtype=x.dtype))
    ours.set_weights([numpy_of(w) for w in theirs.weights])
    k_outs, k_dx, k_dw = keras_run(theirs, x, seeds)
    g_outs, g_dx, g_dw = graphnet_run(ours, x, seeds, **kwargs)
    assert len(g_outs) == len(k_outs)
    for a, b in zip(g_outs, k_outs):
        np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL, err_msg="output")
    if k_dx is not None:
        np.testing.assert_allclose(g_dx, k_dx, rtol=RTOL, atol=ATOL, err_msg="input gradient")
    assert len(g_dw) == len(k_dw)
    for a, b, w in zip(g_dw, k_dw, theirs.weights):
        np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL, err_msg=f"gradient of {w.path}")


def test_dense():
    compare(nn.Dense(3, activation="relu"), keras.layers.Dense(3, activation="relu"), f32(4, 5))
    compare(nn.Dense(2, activation="softmax", use_bias=False),
            keras.layers.Dense(2, activation="softmax", use_bias=False), f32(2, 3, 4))


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("strides", [1, 2])
def test_conv2d(padding, strides):
    compare(nn.Conv2D(3, (3, 2), strides=strides, padding=padding, activation="tanh"),
            keras.layers.Conv2D(3, (3, 2), strides=strides, padding=padding, activation="tanh"),
            f32(2, 7, 6, 2))


@pytest.mark.parametrize("ours, theirs", [(nn.MaxPooling2D, keras.layers.MaxPooling2D),
                                          (nn.AveragePooling2D, keras.layers.AveragePooling2D)])
@pytest.mark.parametrize("pool, strides, padding", [(2, None, "valid"), (3, 2, "same"), ((2, 3), 1, "valid"),
                                                    (2, None, "same")])
def test_pooling(ours, theirs, pool, strides, padding):
    compare(ours(pool, strides=strides, padding=padding), theirs(pool, strides=strides, padding=padding),
            f32(2, 5, 7, 3))


def test_global_average_pooling_flatten_and_dropout_at_inference():
    compare(nn.GlobalAveragePooling2D(), keras.layers.GlobalAveragePooling2D(), f32(2, 4, 3, 5))
    compare(nn.Flatten(), keras.layers.Flatten(), f32(2, 4, 3, 5))
    compare(nn.Dropout(0.5), keras.layers.Dropout(0.5), f32(3, 6))  # a call outside fit: inference


def test_embedding():
    indices = np.array([[1, 3, 1], [0, 2, 4]])
    compare(nn.Embedding(5, 3), keras.layers.Embedding(5, 3), indices)


@pytest.mark.parametrize("kind", ["SimpleRNN", "LSTM", "GRU"])
@pytest.mark.parametrize("return_sequences, return_state", [(False, False), (True, False), (False, True),
                                                            (True, True)])
def test_recurrent(kind, return_sequences, return_state):
    options = dict(return_sequences=return_sequences, return_state=return_state)
    compare(getattr(nn, kind)(4, **options), getattr(keras.layers, kind)(4, **options), f32(3, 5, 2))


@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_reset_after(reset_after):
    compare(nn.GRU(3, reset_after=reset_after, return_sequences=True),
            keras.layers.GRU(3, reset_after=reset_after, return_sequences=True), f32(17, 4, 2))


def test_time_distributed_dense():
    compare(nn.TimeDistributed(nn.Dense(3, activation="sigmoid")),
            keras.layers.TimeDistributed(keras.layers.Dense(3, activation="sigmoid")), f32(2, 4, 5))


def test_stacked_lstm_model_predicts_as_keras():
    theirs = keras.Sequential([keras.Input((5, 3)), keras.layers.LSTM(4, return_sequences=True),
                               keras.layers.GRU(3, reset_after=False), keras.layers.Dense(2)])
    ours = gn.Sequential([nn.Input((5, 3)), nn.LSTM(4, return_sequences=True),
                          nn.GRU(3, reset_after=False), nn.Dense(2)])
    theirs.set_weights([0.5 * f32(*w.shape) for w in theirs.weights])
    ours.set_weights([numpy_of(w) for w in theirs.weights])
    x = f32(6, 5, 3)
    np.testing.assert_allclose(ours.predict(x, verbose=0), numpy_of(theirs(torch.tensor(x)).detach()),
                               rtol=RTOL, atol=ATOL)


def test_course_cnn_and_lstm_count_the_parameters_keras_does():
    k, L = keras.layers, nn
    theirs = keras.Sequential([keras.Input((28, 28, 1)), k.Conv2D(32, 3, activation="relu"), k.MaxPooling2D(2),
                               k.Conv2D(64, 3, activation="relu"), k.MaxPooling2D(2), k.Dropout(0.25),
                               k.Flatten(), k.Dense(128, activation="relu"), k.Dense(10, activation="softmax")])
    ours = gn.Sequential([L.Input((28, 28, 1)), L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(2),
                          L.Conv2D(64, 3, activation="relu"), L.MaxPooling2D(2), L.Dropout(0.25),
                          L.Flatten(), L.Dense(128, activation="relu"), L.Dense(10, activation="softmax")])
    assert ours.count_params() == theirs.count_params()
    assert [l.count_params() for l in ours.layers] == [l.count_params() for l in theirs.layers]
    for reset_after in (True, False):
        theirs = keras.Sequential([keras.Input((20,)), k.Embedding(1000, 32), k.LSTM(16, return_sequences=True),
                                   k.GRU(8, reset_after=reset_after), k.Dense(1, activation="sigmoid")])
        ours = gn.Sequential([L.Input((20,)), L.Embedding(1000, 32), L.LSTM(16, return_sequences=True),
                              L.GRU(8, reset_after=reset_after), L.Dense(1, activation="sigmoid")])
        assert [l.count_params() for l in ours.layers] == [l.count_params() for l in theirs.layers]
        assert ours.count_params() == theirs.count_params()
        assert f"Total params: {theirs.count_params():,}" in _summary(ours)


def _summary(model):
    lines = []
    model.summary(print_fn=lines.append)
    return "\n".join(lines)
