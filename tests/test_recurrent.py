"""Recurrent layers: Keras' shapes and counts, backprop through time checked,
kernels against references, unrolled views, and learning a sequence task."""
import numpy as np
import pytest

import graphnet as gn
from graphnet.kernels.cpu import recurrent as cpu
from graphnet.kernels.reference import recurrent as ref
from graphnet.nn import GRU, LSTM, Dense, Embedding, Input, SimpleRNN, TimeDistributed
from graphnet.nn.recurrent import LSTMNode, SimpleRNNNode, time_step_gradient_norms


def test_keras_parameter_counts():
    assert SimpleRNN(32)(Input((5, 10))).shape == (1, 32)
    layer = SimpleRNN(32)
    layer(Input((5, 10)))
    assert layer.count_params() == 32 * (10 + 32 + 1) == 1376
    lstm = LSTM(128)
    lstm(Input((80, 128)))
    assert lstm.count_params() == 4 * 128 * (128 + 128 + 1) == 131_584
    gru = GRU(64)
    gru(Input((7, 10)))
    assert gru.count_params() == 3 * 64 * (10 + 64 + 2) == 14_592


def test_sentiment_model_summary():
    model = gn.Sequential([Input((80,)), Embedding(20000, 128), LSTM(128), Dense(1, activation="sigmoid")])
    assert [l.output_shape for l in model.layers] == [(None, 80, 128), (None, 128), (None, 1)]
    assert model.count_params() == 2_560_000 + 131_584 + 129 == 2_691_713


def test_return_sequences_state_and_stacking():
    x = Input((6, 3))
    seq, h, c = LSTM(4, return_sequences=True, return_state=True)(x)
    assert seq.shape == (1, 6, 4) and h.shape == (1, 4) and c.shape == (1, 4)
    np.testing.assert_array_equal(seq.value[:, -1], h.value)
    stacked = LSTM(5)(LSTM(4, return_sequences=True)(x))
    assert stacked.shape == (1, 5)
    out, state = GRU(3, return_state=True)(x)
    np.testing.assert_array_equal(out.value, state.value)


def test_initial_state_is_used():
    rng = np.random.default_rng(0)
    x = gn.tensor(rng.normal(size=(2, 4, 3)), requires_grad=False)
    layer = SimpleRNN(5)
    zero = layer(x)
    h0 = gn.tensor(rng.normal(size=(2, 5)))
    started = layer(x, initial_state=h0)
    assert not np.allclose(zero.value, started.value)
    started.sum().backward()
    assert h0.grad.shape == (2, 5) and np.abs(h0.grad).sum() > 0


@pytest.mark.parametrize("layer", [SimpleRNN, LSTM, GRU])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_backprop_through_time_passes_gradcheck(layer, return_sequences):
    """Through 6 time steps, in float64, every weight and the inputs."""
    gn.set_floatx("float64")
    try:
        gn.set_seed(1)
        rnn = layer(3, return_sequences=return_sequences)
        x = np.random.default_rng(2).normal(size=(2, 6, 4))
        rnn(gn.tensor(x))  # build the weights
        report = gn.gradcheck(lambda t: (rnn(t) ** 2).sum(), x)
        assert report.ok, report
        params = rnn.params
        assert all(p.dtype == np.float64 for p in params)
        check = gn.gradcheck((rnn(gn.tensor(x, requires_grad=False)) ** 2).sum())
        assert check.ok and {r.name for r in check.rows if r.kind == "input"} >= {p.name for p in params}
    finally:
        gn.set_floatx("float32")


@pytest.mark.parametrize("name", ["lstm", "gru", "rnn"])
def test_float32_kernels_match_the_exact_reference(name):
    rng = np.random.default_rng(3)
    B, H = 5, 7
    f32 = lambda *shape: (rng.normal(size=shape) * 3).astype(np.float32)  # noqa: E731
    if name == "lstm":
        xz, hz, c = f32(B, 4 * H), f32(B, 4 * H), f32(B, H)
        outs = [[np.empty((B, 4 * H), np.float32)] + [np.empty((B, H), np.float32) for _ in range(3)]
                for _ in range(2)]
        cpu.lstm_forward_step(xz, hz, c, *outs[0])
        ref.lstm_forward_step(xz, hz, c, *outs[1])
    elif name == "gru":
        xz, hz, h = f32(B, 3 * H), f32(B, 3 * H), f32(B, H)
        outs = [[np.empty((B, 3 * H), np.float32), np.empty((B, H), np.float32)] for _ in range(2)]
        cpu.gru_forward_step(xz, hz, h, *outs[0])
        ref.gru_forward_step(xz, hz, h, *outs[1])
    else:
        z = f32(B, H)
        outs = [[np.empty((B, H), np.float32)] for _ in range(2)]
        cpu.rnn_forward_step(z, outs[0][0])
        ref.rnn_forward_step(z, outs[1][0])
    for got, want in zip(*outs):
        np.testing.assert_allclose(got, want, atol=1e-6)  # the float32 tanh approximation


def test_unrolled_view_is_one_cell_per_step_and_cells_open_into_gates():
    rng = np.random.default_rng(4)
    x = gn.tensor(rng.normal(size=(1, 5, 2)))
    layer = LSTM(3)
    out = layer(x)
    unrolled = gn.draw(out, expand=1).source
    assert unrolled.count("lstmcell_") >= 5 or unrolled.count("LSTMCell") >= 5
    gates = gn.draw(out, expand=2).source
    assert "sigmoid" in gates and "tanh" in gates


def test_gradients_vanish_over_time_in_a_simple_rnn_but_not_in_an_lstm():
    gn.set_seed(5)
    T = 40
    x = gn.tensor(np.random.default_rng(5).normal(size=(8, T, 4)), requires_grad=False)
    norms = {}
    for layer in (SimpleRNN(16, recurrent_initializer=gn.initializers.RandomNormal(stddev=0.1)),
                  LSTM(16)):
        out = layer(x)
        out.sum().backward()  # the loss looks at the last step only
        (norm,) = time_step_gradient_norms(out).values()
        norms[type(layer).__name__] = norm
        assert norm.shape == (T,)
    rnn, lstm = norms["SimpleRNN"], norms["LSTM"]
    assert rnn[0] < 1e-6 * rnn[-1]  # vanished long before the start
    assert lstm[0] / lstm[-1] > 100 * rnn[0] / rnn[-1]  # the cell path carries far more back


def test_embedding_gradient_reaches_only_the_used_rows():
    layer = Embedding(10, 3)
    idx = np.array([[1, 4, 1], [4, 7, 0]])
    out = layer(gn.constant(idx, dtype=idx.dtype))
    assert out.shape == (2, 3, 3)
    np.testing.assert_array_equal(out.value[0, 0], layer.E.value[1])
    out.sum().backward()
    used = np.abs(layer.E.grad).sum(axis=1) > 0
    assert used.tolist() == [r in (0, 1, 4, 7) for r in range(10)]
    np.testing.assert_allclose(layer.E.grad[1], 2.0)  # row 1 was used twice
    with pytest.raises(gn.ShapeError, match="indices must lie in"):
        layer(gn.constant(np.array([[10]]), dtype=np.int64))


def test_time_distributed_dense():
    x = np.random.default_rng(6).normal(size=(2, 5, 3)).astype(np.float32)
    dense = Dense(4)
    out = TimeDistributed(dense)(x)
    assert out.shape == (2, 5, 4)
    np.testing.assert_allclose(out.value[1, 2], x[1, 2] @ dense.W.value + dense.b.value, rtol=1e-5)


def test_lstm_learns_to_tell_rising_from_falling_sequences():
    gn.set_seed(7)
    rng = np.random.default_rng(7)
    n, T = 256, 12
    slopes = rng.choice([-1.0, 1.0], n)
    X = (slopes[:, None] * np.linspace(0, 1, T) + rng.normal(0, 0.3, (n, T)))[..., None].astype(np.float32)
    y = (slopes > 0).astype(np.float32)
    model = gn.Sequential([Input((T, 1)), LSTM(8), Dense(1, activation="sigmoid")])
    model.compile(gn.optimizers.Adam(0.02), "binary_crossentropy", metrics=["accuracy"])
    model.fit(X, y, epochs=15, batch_size=32, verbose=0)
    assert model.evaluate(X, y, verbose=0)[1] > 0.9


def test_recurrent_shape_errors():
    with pytest.raises(gn.ShapeError, match="expects sequences"):
        LSTM(3)(np.zeros((4, 5)))
    node = SimpleRNNNode()
    with pytest.raises(gn.ShapeError, match="need a kernel of shape"):
        gn.ops.apply(node, gn.tensor(np.zeros((1, 2, 3))), gn.constant(np.zeros((4, 2))),
                     gn.constant(np.zeros((2, 2))), gn.constant(np.zeros(2)), gn.constant(np.zeros((1, 2))))
    assert isinstance(LSTM(2).node(), LSTMNode)
