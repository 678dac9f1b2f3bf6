"""Layers: Keras' shapes, parameter counts, initialisers, dropout, freezing."""
import numpy as np
import pytest

import graphnet as gn
from graphnet.nn import initializers
from graphnet.nn.layers import Activation, Dense, Dropout, DropoutNode, Flatten, Input, Reshape


def test_dense_shapes_and_parameter_counts():
    layer = Dense(512, activation="relu")
    out = layer(Input((784,)))
    assert out.shape == (1, 512) and layer.output_shape == (None, 512)
    assert layer.count_params() == 784 * 512 + 512 == 401_920
    assert [p.shape for p in layer.params] == [(784, 512), (512,)]
    no_bias = Dense(3, use_bias=False)
    no_bias(Input((4,)))
    assert no_bias.count_params() == 12


def test_dense_computes_activation_of_xw_plus_b():
    layer = Dense(2, activation="sigmoid")
    x = np.array([[1.0, 2.0, 3.0]], dtype=np.float32)
    out = layer(x)
    W, b = layer.get_weights()
    np.testing.assert_allclose(out.value, 1 / (1 + np.exp(-(x @ W + b))), rtol=1e-6)


def test_dense_on_a_sequence_applies_to_the_last_axis():
    layer = Dense(4)
    out = layer(np.ones((2, 5, 3), dtype=np.float32))
    assert out.shape == (2, 5, 4)


def test_dense_with_a_callable_activation_adds_a_separate_node():
    layer = Dense(2, activation=lambda t: t * 2.0)
    out = layer(np.ones((1, 3), dtype=np.float32))
    assert out.node.op == "Mul" and out.node.layer_name() == layer.name


def test_dense_rejects_wrong_feature_count_naming_the_layer():
    layer = Dense(3, name="hidden_1")
    layer(Input((784,)))
    with pytest.raises(gn.ShapeError, match=r"Dense 'hidden_1' expects inputs with 784 features, got \(32, 28, 28\)"):
        layer(gn.tensor(np.zeros((32, 28, 28))))


def test_keras_style_names():
    a, b = Dense(1), Dense(1)
    assert a.name.startswith("dense") and b.name != a.name
    assert Dropout(0.5).name.startswith("dropout")


def test_glorot_uniform_range_and_other_initialisers():
    gn.random.set_seed(0)
    W = initializers.get("glorot_uniform")((784, 512))
    limit = np.sqrt(6 / (784 + 512))
    assert W.dtype == np.float32 and np.abs(W).max() <= limit and np.abs(W).max() > 0.95 * limit
    assert np.all(initializers.get("zeros")((3, 2)) == 0)
    normal = initializers.get("random_normal")((200, 200))
    assert abs(normal.std() - 0.05) < 0.002
    uniform = initializers.get("random_uniform")((200, 200))
    assert uniform.min() >= -0.05 and uniform.max() <= 0.05
    he = initializers.get("he_normal")((400, 300))
    assert abs(he.std() - np.sqrt(2 / 400)) < 0.01 * np.sqrt(2 / 400) * 10
    with pytest.raises(ValueError, match="unknown initializer"):
        initializers.get("glorot")


def test_kernel_regularizer_adds_l2_penalty():
    layer = Dense(2, kernel_regularizer=gn.nn.L2(0.1))
    layer(Input((3,)))
    (penalty,) = layer.regularization_losses()
    assert penalty.value == pytest.approx(0.1 * np.sum(layer.W.value.astype(np.float64) ** 2), rel=1e-5)


def test_dropout_inverted_keeps_the_mean_and_is_off_at_inference():
    gn.random.set_seed(1)
    x = np.ones((200, 100))
    node = DropoutNode(0.3)
    out = node.forward(x)
    kept = out != 0
    assert abs(kept.mean() - 0.7) < 0.02
    np.testing.assert_allclose(out[kept], 1 / 0.7)
    assert abs(out.mean() - 1.0) < 0.03
    node.training = False
    np.testing.assert_array_equal(node.forward(x), x)


def test_dropout_scale_at_test_convention():
    gn.random.set_seed(2)
    x = np.ones((100, 100))
    node = DropoutNode(0.25, convention="scale_at_test")
    out = node.forward(x)
    assert set(np.unique(out)) == {0.0, 1.0}
    node.training = False
    np.testing.assert_allclose(node.forward(x), 0.75 * x)


def test_dropout_draws_a_new_mask_per_replay():
    x = gn.tensor(np.ones((4, 50)), requires_grad=False)
    graph = gn.Graph(Dropout(0.5)(x, training=True))
    first = np.array(graph.forward())
    second = np.array(graph.forward())
    assert not np.array_equal(first, second)
    graph.set_training(False)
    np.testing.assert_array_equal(graph.forward(), np.ones((4, 50)))


def test_frozen_layer_gets_no_gradients():
    layer = Dense(2)
    x = gn.tensor(np.ones((3, 4)), requires_grad=False)
    layer.trainable = False
    layer(x).sum().backward()
    assert all(p.grad is None for p in layer.params)
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 2
    layer.trainable = True
    layer(x).sum().backward()
    assert all(p.grad is not None for p in layer.params)


def test_flatten_reshape_activation():
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    assert Flatten()(x).shape == (2, 12)
    assert Reshape((4, 3))(x).shape == (2, 4, 3)
    np.testing.assert_allclose(Activation("relu")(x - 10).value, np.maximum(x - 10, 0))
    with pytest.raises(gn.ShapeError, match="cannot reshape samples of shape"):
        Reshape((5,))(x)


def test_set_weights_checks_shapes():
    layer = Dense(2)
    layer(Input((3,)))
    with pytest.raises(gn.ShapeError, match="has shape"):
        layer.set_weights([np.zeros((2, 2)), np.zeros(2)])
    with pytest.raises(ValueError, match="has 2 weights"):
        layer.set_weights([np.zeros((3, 2))])
