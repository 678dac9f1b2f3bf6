"""Text a drawing shows: rounding noise read as 0, number grids, typeset formulas,
and layer and loss nodes that say what they really are."""
import itertools

import numpy as np
import pytest

import graphnet as gn
from graphnet.nn import losses
from graphnet.nn.activations import Maxout
from graphnet.nn.conv import Conv2DNode
from graphnet.nn.layers import DenseNode
from graphnet.nn.recurrent import GRUNode, LSTMNode, SimpleRNNNode
from graphnet.viz.format import Grid, grid_chars, noise_floor, number_grid, summary, value_range
from graphnet.viz.formulas import typeset


def softmax_ce_gradient(dtype):
    """d loss / d logits of softmax + cross-entropy: rows of p - y, summing to ~1e-17."""
    z = gn.tensor(np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]], dtype=dtype), name="z")
    y = np.array([[1, 0, 0], [0, 0, 1]], dtype=dtype)
    gn.losses.categorical_crossentropy(y, gn.softmax(z)).backward()
    return z.grad


# --- rounding noise ------------------------------------------------------------------

def test_noise_floor_follows_dtype_and_scale():
    assert noise_floor(np.array([1.0, -2.0])) == 8 * np.finfo(np.float64).eps * 2
    assert noise_floor(np.array([1.0, -2.0], dtype=np.float32)) == 8 * np.finfo(np.float32).eps * 2
    assert noise_floor(np.array([np.inf, 0.5])) == 8 * np.finfo(np.float64).eps * 0.5  # finite only
    assert noise_floor(np.arange(5)) == 0 and noise_floor(np.zeros(3)) == 0
    assert noise_floor(np.array([True, False])) == 0


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_softmax_ce_gradient_mean_reads_zero(dtype):
    g = softmax_ce_gradient(dtype)
    assert g.mean() != 0  # the rows sum to rounding noise, not to an exact 0
    assert summary(g) == "min -0.487  mean 0  max 0.429"


def test_summary_noise_in_short_vectors_but_not_scalars():
    assert summary(np.array([1.0, 1e-17, -0.5])) == "[1 0 -0.5]"
    assert summary(np.array([1.0, 1e-8, 3.0], dtype=np.float32)) == "[1 0 3]"
    assert summary(np.array([1e-17, -2e-17])) == "[1e-17 -2e-17]"  # small, by their own scale
    assert summary(np.float64(1e-17)) == "1e-17"  # a lone number has no scale to be noise in
    assert summary(np.array([3.0, 1e-20, 5.0, 7.0, 9.0])) == "min 0  mean 4.8  max 9"


def test_value_range_zeroes_noise():
    assert value_range(np.array([1e-18, 0.5, np.nan])) == (0.0, 0.5)
    assert value_range(np.array([-3, 4])) == (-3.0, 4.0)
    assert value_range(np.array([np.nan])) is None and value_range(None) is None


# --- number grids --------------------------------------------------------------------

def rows(value, **kw):
    grid = number_grid(value, **kw)
    return grid.rows, grid.factor


def test_grid_rounds_from_the_largest_entry():
    assert rows(np.array([[0.8731, -0.05], [0.0, 0.123]])) == ((("0.87", "-0.05"), ("0", "0.12")), None)
    assert rows(np.array([12.3, -4.56, 0.001])) == ((("12.3", "-4.6", "0.0"),), None)
    assert rows(np.array([512.0, 3.3])) == ((("512", "3"),), None)
    assert rows(np.array([0.0123, -0.004])) == ((("0.012", "-0.004"),), None)
    assert rows(np.array([0.5, -0.001])) == ((("0.50", "0.00"),), None)  # never -0.00


def test_grid_integers_and_whole_floats():
    assert rows(np.array([[1, -2], [30, 4]])) == ((("1", "-2"), ("30", "4")), None)
    assert rows(np.array([True, False])) == ((("1", "0"),), None)
    assert rows(np.array([0.0, 1.0, 0.0])) == ((("0", "1", "0"),), None)  # one-hot targets


def test_grid_factor_for_tiny_and_huge():
    assert rows(np.array([3.1e-5, -1.2e-6])) == ((("3.10", "-0.12"),), "×10⁻⁵")
    assert rows(np.array([123456.0, 7.0])) == ((("1.23", "0.00"),), "×10⁵")
    assert rows(np.array([0.001, 0.0005])) == ((("0.0010", "0.0005"),), None)


def test_grid_noise_and_non_finite():
    assert rows(softmax_ce_gradient(np.float64)) == (
        (("-0.17", "0.12", "0.05"), ("0.06", "0.43", "-0.49")), None)
    assert rows(np.array([[0.8, 1e-18], [0.0, -0.3]])) == ((("0.80", "0"), ("0", "-0.30")), None)
    assert rows(np.array([np.nan, np.inf, -np.inf, 0.5])) == ((("nan", "inf", "-inf", "0.50"),), None)
    assert rows(np.zeros((2, 2))) == ((("0", "0"), ("0", "0")), None)


def test_grid_shape_limits():
    assert number_grid(None) is None and number_grid(np.float64(3)) is None
    assert number_grid(np.ones((2, 2, 2))) is None and number_grid(np.ones(0)) is None
    assert number_grid(np.ones(7)) is None and number_grid(np.ones((7, 1))) is None
    assert len(number_grid(np.ones(6)).rows) == 1
    assert number_grid(np.ones((3, 8)), max_cols=8).rows[0] == ("1",) * 8
    assert number_grid(np.ones((1,))) == Grid((("1",),), None)


def test_grid_chars():
    assert grid_chars(number_grid(np.array([[0.8731, -0.05], [1e-18, 3.0]]))) == 5


# --- typesetting ---------------------------------------------------------------------

@pytest.mark.parametrize("source, shown", [
    ("c_{t-1}", "cₜ₋₁"), ("h_t", "hₜ"), ("x_1", "x₁"), ("W_h", "Wₕ"),
    ("x^2", "x²"), ("x^{2}", "x²"), ("W^{-1}", "W⁻¹"), ("W^T", "Wᵀ"), ("e^-1", "e⁻¹"),
    ("h_t = tanh(x_t W + h_{t-1} U + b)", "hₜ = tanh(xₜ W + hₜ₋₁ U + b)"),
    ("Σ x_tᵀ dz_{t}", "Σ xₜᵀ dzₜ"), ("max_{k} z_k", "maxₖ zₖ"), ("(x_1, σ_1)", "(x₁, σ₁)"),
    # no Unicode subscript for b, q, y: a plain fallback
    ("z_{b}", "z_b"), ("y_q", "y_q"), ("x_{t+q}", "x_(t+q)"), ("x^{2q}", "x^2q"),
])
def test_typeset(source, shown):
    assert typeset(source) == shown
    assert typeset(shown) == shown  # idempotent


@pytest.mark.parametrize("name", ["dense_1", "simplernncell_3", "y_target", "dense_1/kernel",
                                  "categorical_crossentropy_2", "x_12", "__init__", "a_b_c"])
def test_typeset_leaves_names_alone(name):
    assert typeset(name) == name
    assert typeset(f"{name} = relu(x W + b)") == f"{name} = relu(x W + b)"


def test_node_formulas_typeset_cleanly():
    """Every TeX-ish index in the recurrent and activation formulas is lowered."""
    recurrent = (SimpleRNNNode, LSTMNode, GRUNode)
    texts = [cls.formula for cls in recurrent + (Maxout,)]
    texts += [d for cls in recurrent for d in cls.derivatives if d]
    for text in texts:
        assert "_" not in typeset(text), text
    assert typeset(LSTMNode.formula) == "cₜ = f cₜ₋₁ + i g, hₜ = o tanh(cₜ)"
    assert typeset(SimpleRNNNode.derivatives[2]) == "Σ hₜ₋₁ᵀ dzₜ"


# --- real names in labels ------------------------------------------------------------

@pytest.mark.parametrize("activation, formula", [
    ("relu", "relu(x W + b)"), ("softmax", "softmax(x W + b)"), ("sigmoid", "sigmoid(x W + b)"),
    (None, "x W + b"), ("linear", "x W + b"),
])
def test_dense_formula_names_its_activation(activation, formula):
    assert DenseNode(activation).formula == formula
    out = gn.nn.Dense(2, activation=activation)(np.ones((1, 3)))
    assert out.node.formula == formula


def test_dense_formula_without_bias():
    out = gn.nn.Dense(2, activation="tanh", use_bias=False)(np.ones((1, 3)))
    assert out.node.formula == "tanh(x W)"


@pytest.mark.parametrize("activation, formula", [
    ("relu", "relu(Σ window · W + b)"), (None, "Σ window · W + b"), ("tanh", "tanh(Σ window · W + b)"),
])
def test_conv_formula_names_its_activation(activation, formula):
    assert Conv2DNode(activation=activation).formula == formula
    out = gn.nn.Conv2D(2, 3, activation=activation)(np.ones((1, 4, 4, 1)))
    assert out.node.formula == formula


KERAS_NAMES = [(losses.MeanSquaredError, "mean_squared_error"),
               (losses.MeanAbsoluteError, "mean_absolute_error"),
               (losses.BinaryCrossentropy, "binary_crossentropy"),
               (losses.CategoricalCrossentropy, "categorical_crossentropy"),
               (losses.SparseCategoricalCrossentropy, "sparse_categorical_crossentropy"),
               (losses.Hinge, "hinge")]


@pytest.mark.parametrize("cls, keras", KERAS_NAMES)
def test_loss_symbols_and_names_are_keras(cls, keras, monkeypatch):
    assert cls.symbol == keras and losses.get(keras).spec["class_name"] == cls.__name__
    monkeypatch.setattr(cls, "_ids", itertools.count(1))  # as in a fresh session
    assert [cls().name for _ in range(3)] == [keras, f"{keras}_1", f"{keras}_2"]
    assert cls(name="mine").name == "mine"


def test_loss_function_nodes_are_named_and_others_are_not_renamed(monkeypatch):
    monkeypatch.setattr(losses.CategoricalCrossentropy, "_ids", itertools.count(1))
    p = gn.tensor(np.array([[0.5, 0.2, 0.3]]))
    assert gn.losses.categorical_crossentropy(np.array([[0, 1, 0]]), p).node.name == "categorical_crossentropy"
    assert gn.losses.mse(np.ones((1, 3)), p).node.symbol == "mean_squared_error"
    assert repr(losses.Hinge(name="h")) == "Hinge 'h'"
    assert gn.nn.L2Penalty().symbol is None and gn.nn.L2Penalty().name.startswith("l2penalty_")
    assert DenseNode().symbol is None and DenseNode().name.startswith("densenode_")
    assert set(losses._BY_NAME) == {k for _, k in KERAS_NAMES} | {"mse", "mae"}
