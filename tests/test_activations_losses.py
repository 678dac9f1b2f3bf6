"""Activations and losses: the course's numbers, Keras' names, and numerical stability."""
import math
import re

import numpy as np
import pytest

import graphnet as gn
from graphnet.nn import activations, losses

f64 = lambda v: np.asarray(v, dtype=np.float64)  # noqa: E731


# --- the course's worked numbers ---------------------------------------------------

def test_softmax_of_the_course_example():
    z = gn.tensor(f64([1, -1, 0, 3]))
    p = gn.softmax(z).value
    e = np.array([math.e, 1 / math.e, 1.0, math.e ** 3])
    np.testing.assert_allclose(p, e / e.sum())
    np.testing.assert_allclose(p, [0.11245721, 0.01521943, 0.04137070, 0.83095266], atol=1e-8)
    assert gn.hardmax(z).value.tolist() == [0, 0, 0, 1]


def test_single_example_cross_entropy():
    # one example, true class has probability 0.2: loss = -ln 0.2
    p = gn.tensor(f64([[0.5, 0.2, 0.3]]))
    loss = losses.categorical_crossentropy(f64([[0, 1, 0]]), p)
    assert loss.value == pytest.approx(-math.log(0.2)) == pytest.approx(1.6094379)
    assert losses.sparse_categorical_crossentropy(np.array([1]), p).value == pytest.approx(1.6094379)


def test_activation_values_by_hand():
    x = gn.tensor(f64([-2.0, 0.0, 1.0]))
    assert gn.sigmoid(x).value.tolist() == pytest.approx([1 / (1 + math.e ** 2), 0.5, 1 / (1 + 1 / math.e)])
    assert gn.relu(x).value.tolist() == [0, 0, 1]
    assert gn.leaky_relu(x, 0.1).value.tolist() == pytest.approx([-0.2, 0, 1])
    assert gn.step(x).value.tolist() == [0, 1, 1]
    assert gn.gelu(x).value.tolist() == pytest.approx([-0.04550026, 0.0, 0.84134475])
    assert gn.gelu(x, approximate=True).value.tolist() == pytest.approx([-0.04540231, 0.0, 0.84119199])
    assert gn.maxout(gn.tensor(f64([1, 3, -2, -5]))).value.tolist() == [3, -2]


def test_zero_gradients_of_step_and_hardmax():
    x = gn.tensor(f64([0.3, -1.2, 2.0]))
    gn.step(x).sum().backward()
    assert np.all(x.grad == 0)
    gn.hardmax(x).sum().backward()
    assert np.all(x.grad == 0)


def test_keras_names():
    for name in ("relu", "sigmoid", "tanh", "softmax", "linear", "gelu", "leaky_relu", "log_softmax"):
        assert callable(activations.get(name))
    assert activations.get(None) is activations.identity
    with pytest.raises(ValueError, match="unknown activation 'rleu'"):
        activations.get("rleu")
    y, p = f64([[1.0, 0.0]]), gn.tensor(f64([[0.8, 0.3]]))
    assert losses.get("mse")(y, p).value == pytest.approx((0.04 + 0.09) / 2)
    with pytest.raises(ValueError, match=r"unknown loss 'msee' \(did you mean 'mse'\?\); known: "):
        losses.get("msee")
    with pytest.raises(ValueError, match=r"did you mean 'binary_crossentropy'\?"):
        losses.get("binary_crossentropi")
    with pytest.raises(ValueError, match=r"unknown loss 'xyz'; known: binary_crossentropy, "):
        losses.get("xyz")


# --- stability: finite losses and gradients at the extremes ------------------------

@pytest.mark.parametrize("loss", [losses.binary_crossentropy, losses.categorical_crossentropy],
                         ids=["binary", "categorical"])
def test_logits_of_plus_minus_1000_are_finite(loss):
    logits = gn.tensor(f64([[1000.0, -1000.0], [-1000.0, 1000.0]]))
    y = f64([[0, 1], [0, 1]])
    out = loss(y, logits, from_logits=True)
    out.backward()
    assert np.isfinite(out.value) and np.all(np.isfinite(logits.grad))
    assert out.value > 100  # the first row is confidently wrong


@pytest.mark.parametrize("loss", [losses.binary_crossentropy, losses.categorical_crossentropy],
                         ids=["binary", "categorical"])
def test_probabilities_of_exactly_0_and_1_are_finite(loss):
    p = gn.tensor(f64([[1.0, 0.0], [0.0, 1.0]]))
    out = loss(f64([[0, 1], [0, 1]]), p)
    out.backward()
    assert np.isfinite(out.value) and np.all(np.isfinite(p.grad))
    # Keras clips at 1e-7: the confidently wrong first row costs -ln(1e-7), the second ~0
    assert out.value == pytest.approx(-math.log(1e-7) / 2, rel=1e-3)
    # ...and the clip passes no gradient (Keras 3: ops.clip's gradient is 0 outside the
    # range), so every value clipped here gets exactly 0, not the +-5e6 of 1 / (4 * 1e-7 * ...)
    np.testing.assert_array_equal(p.grad, np.zeros((2, 2)))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_binary_crossentropy_gradient_is_zero_only_where_clipped(dtype):
    p = gn.tensor(np.array([[1.0, 0.25], [0.0, 1e-9], [0.5, 1 - 1e-9]], dtype=dtype))
    t = np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    losses.binary_crossentropy(t, p).backward()
    # the rest: (p - t) / (p (1 - p)) / 6 values, i.e. -1 / (6 p) for t = 1 and 1 / (6 (1 - p)) for t = 0
    np.testing.assert_allclose(p.grad, [[0.0, -1 / (6 * 0.25)], [0.0, 0.0], [1 / (6 * 0.5), 0.0]], rtol=1e-6)
    assert p.grad.dtype == dtype


@pytest.mark.parametrize("labels, shown", [([0, 2, 1], "2"), ([-1, 1, 1], "-1"), ([0, 1.5, np.nan], "1.5, nan")])
@pytest.mark.parametrize("from_logits", [False, True])
def test_binary_crossentropy_refuses_labels_outside_0_1(labels, shown, from_logits):
    with pytest.raises(gn.ShapeError, match=r"BinaryCrossentropy 'binary_crossentropy(_\d+)?' expects labels "
                                            rf"in \[0, 1\].*, got {re.escape(shown)}$"):
        losses.binary_crossentropy(f64(labels), gn.tensor(f64([0.5, 0.5, 0.5])), from_logits=from_logits)


def test_binary_crossentropy_takes_soft_labels():
    p = gn.tensor(f64([0.5, 0.8, 0.1]))
    out = losses.binary_crossentropy(f64([0.0, 0.3, 1.0]), p)
    expected = -(math.log(0.5) + 0.3 * math.log(0.8) + 0.7 * math.log(0.2) + math.log(0.1)) / 3
    assert out.value == pytest.approx(expected)


def test_softmax_of_huge_inputs():
    z = gn.tensor(f64([1000.0, 0.0, -1000.0]))
    assert gn.softmax(z).value.tolist() == pytest.approx([1, 0, 0])
    assert np.all(np.isfinite(gn.log_softmax(z).value))


def test_sigmoid_of_huge_inputs_does_not_warn():
    with np.errstate(over="raise"):
        assert gn.sigmoid(gn.tensor(f64([-1000.0, 1000.0]))).value.tolist() == [0, 1]


# --- the fused softmax + cross-entropy gradient is p - y ---------------------------

def test_fused_softmax_cross_entropy_gradient_is_p_minus_y():
    rng = np.random.default_rng(0)
    logits = gn.tensor(rng.normal(size=(4, 3)))
    y = np.eye(3)[[0, 2, 1, 2]]
    loss = losses.categorical_crossentropy(y, logits, from_logits=True, reduction="sum")
    loss.backward()
    p = gn.softmax(gn.constant(logits.value)).value
    np.testing.assert_allclose(logits.grad, p - y, atol=1e-12)


# --- reductions and targets ---------------------------------------------------------

def test_reductions():
    y, p = f64([[1.0], [2.0], [4.0]]), f64([[1.5], [2.0], [3.0]])
    assert losses.mse(y, gn.tensor(p)).value == pytest.approx((0.25 + 0 + 1) / 3)
    assert losses.mse(y, gn.tensor(p), reduction="sum").value == pytest.approx(1.25)
    assert losses.mse(y, gn.tensor(p), reduction="none").value.tolist() == pytest.approx([0.25, 0, 1])
    assert losses.mae(y, gn.tensor(p)).value == pytest.approx(0.5)


def test_flat_targets_against_column_predictions():
    p = gn.tensor(f64([[0.9], [0.2]]))
    assert losses.binary_crossentropy(f64([1, 0]), p).value == pytest.approx(-(math.log(0.9) + math.log(0.8)) / 2)


def test_hinge_and_perceptron_criterion():
    y, s = f64([1, -1, 1]), gn.tensor(f64([2.0, 0.5, -1.0]))
    assert losses.hinge(y, s).value == pytest.approx((0 + 1.5 + 2) / 3)
    assert losses.perceptron_criterion(y, s).value == pytest.approx((0 + 0.5 + 1) / 3)
    assert losses.hinge(f64([1, 0, 1]), s).value == pytest.approx((0 + 1.5 + 2) / 3)  # 0/1 labels


def test_l2_penalty():
    w = gn.parameter(f64([[1.0, -2.0], [0.5, 0.0]]))
    out = gn.nn.l2_penalty(w, 0.01)
    out.backward()
    assert out.value == pytest.approx(0.01 * 5.25)
    np.testing.assert_allclose(w.grad, 0.02 * w.value)


def test_loss_shape_errors_name_the_node():
    with pytest.raises(gn.ShapeError, match=r"MeanSquaredError 'mean_squared_error(_\d+)?'.*\(3,\).*\(2, 2\)"):
        losses.mse(f64([1, 2, 3]), gn.tensor(np.zeros((2, 2))))
    with pytest.raises(gn.ShapeError, match="labels must lie in"):
        losses.sparse_categorical_crossentropy(np.array([0, 3]), gn.tensor(np.ones((2, 3)) / 3))
    with pytest.raises(gn.ShapeError, match="divisible by 2"):
        gn.maxout(gn.tensor(np.zeros(3)))


def test_sparse_labels_for_a_sequence_of_predictions():
    logits = gn.tensor(np.random.default_rng(0).normal(size=(2, 3, 4)))
    labels = np.array([[1, 0, 3], [2, 2, 0]])
    flat = losses.sparse_categorical_crossentropy(labels, logits, from_logits=True).value
    column = losses.sparse_categorical_crossentropy(labels[..., None], logits, from_logits=True).value
    one_hot = losses.categorical_crossentropy(np.eye(4)[labels], logits, from_logits=True).value
    assert flat == pytest.approx(one_hot) and column == pytest.approx(one_hot)
