"""Work split over the cores (kernels/threads.py) gives what one thread gives.

Splitting is forced here (any size is worth splitting, two workers) so the small
test inputs take the same paths as real batches do.
"""
import numpy as np
import pytest

import graphnet as gn
from graphnet.check import gradcheck
from graphnet.check.gradcheck import check_float32
from graphnet.kernels import threads
from graphnet.nn import conv
from graphnet.nn import GRU, LSTM, Conv2D, Dense, Flatten, MaxPooling2D, SimpleRNN
from graphnet.nn.conv import AvgPool2DNode, Conv2DNode, MaxPool2DNode
from graphnet.nn.recurrent import GRUNode, LSTMNode, SimpleRNNNode


@pytest.fixture
def split_everything(monkeypatch):
    monkeypatch.setattr(threads, "MIN_SPLIT_FLOPS", 0)
    monkeypatch.setenv("GRAPHNET_THREADS", "2")


def run_node(node, inputs, seed):
    """The node's output and its gradients for the upstream gradient ``seed``
    (random draws, such as dropout masks, the same on every run)."""
    gn.set_seed(7)
    out = node.forward(*[np.array(a, copy=True) for a in inputs])
    return out.copy(), [None if g is None else g.copy() for g in node.backward(seed)]


def both_ways(make_node, inputs, monkeypatch):
    """(split run, single-thread run) of a fresh node each time."""
    rng = np.random.default_rng(1)
    probe = make_node().forward(*inputs)
    seed = rng.normal(size=probe.shape).astype(probe.dtype)
    split = run_node(make_node(), inputs, seed)
    monkeypatch.setenv("GRAPHNET_THREADS", "1")
    single = run_node(make_node(), inputs, seed)
    monkeypatch.setenv("GRAPHNET_THREADS", "2")
    return split, single


def assert_same(split, single):
    np.testing.assert_allclose(split[0], single[0], rtol=1e-5, atol=1e-6)
    assert len(split[1]) == len(single[1])
    for a, b in zip(split[1], single[1]):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def images(rng, shape):
    return rng.normal(size=shape).astype(np.float32)


@pytest.mark.parametrize("strides, padding, activation", [(1, "valid", "relu"), (2, "same", None),
                                                          (1, "same", "tanh")])
def test_convolution_split_over_images_matches_one_thread(split_everything, monkeypatch, strides,
                                                          padding, activation):
    rng = np.random.default_rng(0)
    monkeypatch.setattr(Conv2DNode, "CHUNK_BYTES", 4096)  # many chunks, dealt to two threads
    x, W, b = images(rng, (7, 9, 8, 3)), images(rng, (3, 3, 3, 5)), images(rng, (5,))
    split, single = both_ways(lambda: Conv2DNode(strides, padding, activation), (x, W, b), monkeypatch)
    assert_same(split, single)


@pytest.mark.parametrize("node", [lambda: MaxPool2DNode(), lambda: MaxPool2DNode(3, 2, "same"),
                                  lambda: AvgPool2DNode(), lambda: AvgPool2DNode(3, 2, "same")])
def test_pooling_split_over_images_matches_one_thread(split_everything, monkeypatch, node):
    x = images(np.random.default_rng(0), (5, 8, 7, 4))
    assert_same(*both_ways(node, (x,), monkeypatch))


@pytest.fixture
def shares(split_everything, monkeypatch):
    """How many threads each call of conv.split dealt its work to."""
    seen, real = [], conv.split
    monkeypatch.setattr(conv, "split", lambda work, parts: seen.append(len(parts)) or real(work, parts))
    return seen


@pytest.mark.parametrize("per_chunk", [1, 2])  # 5 images in 5 or 3 chunks (the last one short)
@pytest.mark.parametrize("strides, padding, activation, bias", [(1, "valid", "relu", True), (2, "same", None, True),
                                                                (1, "same", "tanh", False)])
def test_convolution_split_into_chunks_passes_the_gradient_check(shares, monkeypatch, per_chunk, strides,
                                                                 padding, activation, bias):
    rng = np.random.default_rng(3)
    x, W, b = rng.normal(size=(5, 4, 5, 2)), rng.normal(size=(3, 3, 2, 3)), rng.normal(size=(3,))
    inputs = (x, W, b) if bias else (x, W)
    node = Conv2DNode(strides, padding, activation)
    node.forward(*inputs)
    (Ho, Wo), (kh, kw, C, F) = node.out_hw, W.shape
    monkeypatch.setattr(Conv2DNode, "CHUNK_BYTES", per_chunk * Ho * Wo * (kh * kw * C + F) * 8)
    size, dealt = node._shares(x, Ho, Wo, F, x.dtype)
    assert size == per_chunk and len(dealt) == 2
    shares.clear()
    report = gradcheck(Conv2DNode(strides, padding, activation), *inputs)
    assert report.ok, str(report)
    assert shares and set(shares) == {2}, "the convolution was not split"
    assert check_float32(Conv2DNode(strides, padding, activation), *inputs).ok


@pytest.mark.parametrize("node", [lambda: MaxPool2DNode(), lambda: MaxPool2DNode(3, 2, "same"),
                                  lambda: AvgPool2DNode(), lambda: AvgPool2DNode(3, 2, "same")])
def test_pooling_split_over_images_passes_the_gradient_check(shares, node):
    x = np.random.default_rng(4).normal(size=(5, 5, 6, 2))
    report = gradcheck(node(), x)
    assert report.ok, str(report)
    assert shares and set(shares) == {2}, "the pooling was not split"
    assert check_float32(node(), x).ok


def recurrent_inputs(rng, kind, B=17, T=4, D=3, H=5):
    gates = {"rnn": 1, "lstm": 4, "gru": 3}[kind]
    x, W = images(rng, (B, T, D)), images(rng, (D, gates * H)) * 0.5
    U = images(rng, (H, gates * H)) * 0.5
    b = images(rng, (2, 3 * H)) if kind == "gru" else images(rng, (gates * H,))
    states = (images(rng, (B, H)),) + ((images(rng, (1, H)),) if kind == "lstm" else ())
    return (x, W, U, b) + states


@pytest.mark.parametrize("kind, make", [("rnn", SimpleRNNNode), ("lstm", LSTMNode), ("gru", GRUNode)])
@pytest.mark.parametrize("dropout", [0.0, 0.4])
def test_recurrent_lanes_match_one_thread(split_everything, monkeypatch, kind, make, dropout):
    inputs = recurrent_inputs(np.random.default_rng(0), kind)
    split, single = both_ways(lambda: make(recurrent_dropout=dropout), inputs, monkeypatch)
    assert_same(split, single)


@pytest.mark.parametrize("kind, make", [("rnn", SimpleRNNNode), ("lstm", LSTMNode), ("gru", GRUNode)])
def test_recurrent_lanes_pass_the_gradient_check(split_everything, kind, make):
    rng = np.random.default_rng(2)
    inputs = [a.astype(np.float64) for a in recurrent_inputs(rng, kind, B=16, T=3, D=2, H=3)]
    node = make()
    node.forward(*inputs)
    assert len(node.lanes) == 2
    assert gradcheck(make(), *inputs).ok


def test_training_with_split_nodes_matches_one_thread(split_everything, monkeypatch):
    """Whole training steps: a small CNN and an LSTM model, split and not."""
    monkeypatch.setattr(Conv2DNode, "CHUNK_BYTES", 4096)
    rng = np.random.default_rng(0)
    images_x, labels = images(rng, (12, 8, 8, 1)), rng.integers(0, 3, 12)
    seqs, targets = images(rng, (16, 5, 2)), images(rng, (16, 1))

    def losses(threads_setting):
        monkeypatch.setenv("GRAPHNET_THREADS", threads_setting)
        gn.set_seed(0)
        cnn = gn.Sequential([Conv2D(4, 3, activation="relu", input_shape=(8, 8, 1)), MaxPooling2D(2),
                             Flatten(), Dense(3, activation="softmax")])
        cnn.compile(gn.optimizers.Adam(0.01), "sparse_categorical_crossentropy")
        gn.set_seed(0)
        rnn = gn.Sequential([LSTM(6, return_sequences=True, input_shape=(5, 2)), GRU(4, return_sequences=True),
                             SimpleRNN(3), Dense(1)])
        rnn.compile(gn.optimizers.SGD(0.05), "mse")
        return [(cnn.train_on_batch(images_x, labels)["loss"], rnn.train_on_batch(seqs, targets)["loss"])
                for _ in range(3)]

    np.testing.assert_allclose(losses("2"), losses("1"), rtol=1e-5)


def test_small_work_stays_on_the_calling_thread(monkeypatch):
    monkeypatch.setenv("GRAPHNET_THREADS", "2")
    assert threads.cores_for(threads.MIN_SPLIT_FLOPS - 1) == 1
    assert threads.cores_for(threads.MIN_SPLIT_FLOPS) == 2
    node = LSTMNode()
    node.forward(*recurrent_inputs(np.random.default_rng(0), "lstm"))
    assert len(node.lanes) == 1


def test_split_returns_each_share_in_order_and_deal_spreads_chunks(monkeypatch):
    monkeypatch.setenv("GRAPHNET_THREADS", "2")
    assert threads.split(lambda slot, share: (slot, share * 10), [1, 2, 3]) == [(0, 10), (1, 20), (2, 30)]
    assert threads.deal(list(range(5)), 2) == [[0, 2, 4], [1, 3]]
    assert threads.deal([7], 2) == [[7]]
