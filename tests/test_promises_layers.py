"""Nothing silently wrong: every error of a layer names the layer as the user named it,
with the argument and its value or the shapes involved."""
import re

import numpy as np
import pytest

import graphnet as gn
from graphnet.core import Graph, NonFiniteError, ShapeError
from graphnet.core.errors import did_you_mean
from graphnet.nn import initializers
from graphnet.nn.conv import Conv2D, MaxPooling2D
from graphnet.nn.layers import Activation, Dense, DenseNode, Dropout, Flatten, Input, Layer, Reshape
from graphnet.nn.recurrent import GRU, LSTM, Embedding, SimpleRNN

IMAGES = np.zeros((2, 5, 5, 3), np.float32)


# --- errors while a layer runs name the layer, not an automatic node id ---------------

def test_of_two_conv_layers_the_error_names_the_one_that_failed():
    small, big = Conv2D(2, 3, name="conv_small"), Conv2D(2, 4, name="conv_big")
    h = small(IMAGES)  # 3x3 images now: a 4x4 window cannot fit
    with pytest.raises(ShapeError) as info:
        big(h)
    msg = str(info.value)
    assert "Conv2D layer 'conv_big'" in msg and "4x4 window" in msg and "3x3" in msg
    assert "conv_small" not in msg and "conv2dnode" not in msg


def test_pooling_and_reshape_errors_name_their_layer():
    with pytest.raises(ShapeError, match=r"MaxPooling2D layer 'pool_big': a 9x9 window does not fit "
                                         r"images of 5x5") as info:
        MaxPooling2D(9, name="pool_big")(IMAGES)
    assert "maxpool2dnode" not in str(info.value)
    with pytest.raises(ShapeError, match=re.escape("Reshape layer 'to_seven' cannot reshape samples "
                                                   "of shape (5, 5, 3) into (7,)")):
        Reshape((7,), name="to_seven")(IMAGES)


def test_a_replayed_graph_names_the_layer():
    x = Input((6,))
    out = Reshape((2, 3), name="to_pairs")(Dense(6, name="hidden")(x))
    graph = Graph(out)
    with pytest.raises(ShapeError, match=re.escape("Dense layer 'hidden' expects inputs with 6 features "
                                                   "on the last axis, got (4, 7)")):
        graph.forward(feed={x: np.zeros((4, 7), np.float32)})
    with gn.trap_nonfinite(), np.errstate(all="ignore"):
        with pytest.raises(NonFiniteError, match=r"Dense layer 'hidden' produced [a-z/]+ in the forward"):
            graph.forward(feed={x: np.full((4, 6), np.inf, np.float32)})


def test_the_nonfinite_trap_names_the_layer_while_it_first_runs():
    layer = Dense(3, kernel_initializer="ones", name="blowup")
    with gn.trap_nonfinite(), np.errstate(all="ignore"):
        with pytest.raises(NonFiniteError, match=r"Dense layer 'blowup' produced inf") as info:
            layer(np.array([[np.inf, 1.0]], np.float32))
    assert "densenode" not in str(info.value)


def test_a_node_inside_a_layer_is_named_with_its_layer_and_plain_nodes_as_before():
    class Twice(Layer):
        def call(self, x):
            return x @ np.ones((4, 2))  # the user's mistake: x has 3 features

    with pytest.raises(ShapeError, match=r"MatMul 'matmul_\d+' in Twice layer 'mine'.*\(2, 3\).*\(4, 2\)"):
        Twice(name="mine")(np.zeros((2, 3)))
    node = DenseNode()
    assert repr(node) == f"Dense 'densenode_{node.id}'"
    with pytest.raises(ShapeError, match=r"MatMul 'matmul_\d+'"):
        gn.tensor(np.zeros((2, 3))) @ np.ones((4, 2))


def test_any_error_while_a_layer_builds_names_it():
    def broken(shape, dtype):
        raise ValueError("no weights today")

    with pytest.raises(ValueError, match="Dense layer 'dense_broken': no weights today"):
        Dense(2, kernel_initializer=broken, name="dense_broken")(np.zeros((1, 3)))


# --- arguments checked when the layer is made -----------------------------------------

@pytest.mark.parametrize("cls", [SimpleRNN, LSTM, GRU])
@pytest.mark.parametrize("arg", ["dropout", "recurrent_dropout"])
@pytest.mark.parametrize("value", [1.5, 1.0, -0.1, "0.2"])
def test_recurrent_dropouts_are_fractions(cls, arg, value):
    with pytest.raises(ValueError, match=re.escape(f"{cls.__name__} layer 'enc': {arg} must be a number "
                                                   f"in [0, 1), got {value!r}")):
        cls(4, **{arg: value}, name="enc")


@pytest.mark.parametrize("arg", ["input_dim", "output_dim"])
@pytest.mark.parametrize("value", [0, -5, 2.5])
def test_embedding_sizes_are_positive_whole_numbers(arg, value):
    sizes = {"input_dim": 10, "output_dim": 3, arg: value}
    with pytest.raises(ValueError, match=rf"Embedding layer 'words': {arg} .*must be a positive whole "
                                         rf"number, got {re.escape(repr(value))}"):
        Embedding(**sizes, name="words")


@pytest.mark.parametrize("rate", [1.0, 1.5, -0.5, "half", None])
def test_dropout_rate_is_a_fraction(rate):
    with pytest.raises(ValueError, match=re.escape(f"Dropout layer 'drop': rate must be a number in [0, 1), "
                                                   f"got {rate!r}")):
        Dropout(rate, name="drop")


@pytest.mark.parametrize("make, arg", [(lambda v: Dense(v, name="lay"), "units"),
                                       (lambda v: LSTM(v, name="lay"), "units"),
                                       (lambda v: Conv2D(v, 3, name="lay"), "filters")])
@pytest.mark.parametrize("value", [0, -3, 2.5, True, "8"])
def test_units_and_filters_are_positive_whole_numbers(make, arg, value):
    with pytest.raises(ValueError, match=rf"layer 'lay': {arg} must be a positive whole number, "
                                         rf"got {re.escape(repr(value))}"):
        make(value)


def test_whole_floats_count_as_units():
    assert Dense(8.0).units == 8 and Conv2D(4.0, 3.0).kernel_size == (3, 3)


@pytest.mark.parametrize("arg", ["kernel_size", "strides"])
@pytest.mark.parametrize("value", [0, -1, (3, 3, 3), (3,), (2, 0), 1.5, "3", None])
def test_conv_windows_are_positive_pairs(arg, value):
    kwargs = {"kernel_size": 3, arg: value}
    with pytest.raises(ValueError, match=rf"Conv2D layer 'conv': {arg} must be a positive whole number or "
                                         rf"a pair of them \(height, width\), got {re.escape(repr(value))}"):
        Conv2D(4, **kwargs, name="conv")


@pytest.mark.parametrize("arg", ["pool_size", "strides"])
def test_pool_windows_are_positive_pairs(arg):
    with pytest.raises(ValueError, match=rf"MaxPooling2D layer 'pool': {arg} must be .*got \(2, 0\)"):
        MaxPooling2D(**{arg: (2, 0)}, name="pool")


def test_padding_is_valid_or_same():
    with pytest.raises(ValueError, match=r"Conv2D layer 'conv': padding must be 'valid' or 'same', got "
                                         r"'smae' \(did you mean 'same'\?\)"):
        Conv2D(4, 3, padding="smae", name="conv")
    with pytest.raises(ValueError, match=r"MaxPooling2D layer 'pool': padding .* got 'full'"):
        MaxPooling2D(2, padding="full", name="pool")
    assert Conv2D(4, 3, padding="SAME").padding == "same"  # Keras takes any case


def test_unknown_activations_and_initializers_suggest_a_name():
    with pytest.raises(ValueError, match=r"Dense layer 'hidden', activation: unknown activation 'rleu' "
                                         r"\(did you mean 'relu'\?\)"):
        Dense(4, activation="rleu", name="hidden")
    with pytest.raises(ValueError, match=r"Activation layer 'act', activation: .*'Relu' "
                                         r"\(did you mean 'relu'\?\)"):
        Activation("Relu", name="act")
    with pytest.raises(ValueError, match=r"Conv2D layer 'conv', kernel_initializer: unknown initializer "
                                         r"'glorot_unifrom' \(did you mean 'glorot_uniform'\?\)"):
        Conv2D(4, 3, kernel_initializer="glorot_unifrom", name="conv")
    with pytest.raises(ValueError, match=r"LSTM layer 'enc', recurrent_initializer: .*'orthogonl' "
                                         r"\(did you mean 'orthogonal'\?\)"):
        LSTM(4, recurrent_initializer="orthogonl", name="enc")
    with pytest.raises(ValueError, match=r"Embedding layer 'words', embeddings_initializer: .*"
                                         r"\(did you mean 'uniform'\?\)"):
        Embedding(10, 3, embeddings_initializer="unifrom", name="words")
    with pytest.raises(ValueError, match=r"unknown initializer 'hee_normal' \(did you mean 'he_normal'\?\)"):
        initializers.get("hee_normal")


def test_did_you_mean():
    assert did_you_mean("adamm", ["adam", "sgd"]) == " (did you mean 'adam'?)"
    assert did_you_mean("MSE", ["mse"]) == " (did you mean 'mse'?)"
    assert did_you_mean("zzz", ["adam", "sgd"]) == ""
    assert did_you_mean("rel", ["relu", "elu", None], n=2) == " (did you mean 'relu' or 'elu'?)"


# --- Conv2D(10, 3, 3): Keras 1's kernel, Keras 2's strides ---------------------------

def test_keras1_conv_form_warns_and_means_strides_as_in_keras_3():
    with pytest.warns(UserWarning) as caught:
        layer = Conv2D(10, 3, 3, name="conv_k1")
    msg = str(caught[0].message)
    assert "Conv2D layer 'conv_k1'" in msg and "Keras 1" in msg and "strides=3" in msg
    assert "Conv2D(10, (3, 3))" in msg
    assert layer.kernel_size == (3, 3) and layer.strides == (3, 3)  # Keras 3's reading


def test_strides_by_position_or_keyword_work_as_in_keras():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # none of these is ambiguous
        assert Conv2D(10, (3, 3), (2, 2)).strides == (2, 2)
        assert Conv2D(10, 3, strides=3).strides == (3, 3)
        assert Conv2D(10, 3, 1).strides == (1, 1)
    assert MaxPooling2D(2, 1).strides == (1, 1)


# --- Embedding indices ----------------------------------------------------------------

def test_embedding_refuses_fractional_indices():
    layer = Embedding(10, 3, name="words")
    with pytest.raises(ShapeError, match=re.escape("Embedding layer 'words' takes whole-number indices "
                                                   "(rows of its table), got 1.7 at [0, 0]")):
        layer(np.array([[1.7, 2.2]]))
    with pytest.raises(ShapeError, match=r"got nan at \[1\]"):
        layer(np.array([1.0, np.nan]))


def test_embedding_takes_whole_floats_as_rows():
    layer = Embedding(10, 3, name="words")
    out = layer(np.array([[1.0, 3.0]]))
    np.testing.assert_array_equal(out.value[0], layer.E.value[[1, 3]])


@pytest.mark.parametrize("bad", [10, -1, 12.0])
def test_embedding_refuses_indices_out_of_range(bad):
    layer = Embedding(10, 3, name="words")
    with pytest.raises(ShapeError, match=rf"Embedding layer 'words': indices must lie in \[0, 9\] "
                                         rf"\(input_dim 10\), got {int(bad)} at \[0, 1\]"):
        layer(np.array([[2, bad]]))


def test_embedding_in_a_model_names_its_layer():
    model = gn.Sequential([Embedding(5, 2, name="vocab", input_shape=(3,)), Flatten(), Dense(1)])
    model.compile("sgd", "mse")
    with pytest.raises(ShapeError, match=r"Embedding layer 'vocab': indices must lie in \[0, 4\].*got 7"):
        model.predict(np.array([[1, 2, 7]]))
