"""The perceptron: its rule is gradient descent on the perceptron criterion, it learns
separable data, it cannot learn XOR, and one hidden layer can."""
import numpy as np
import pytest

import graphnet as gn
from graphnet.models.perceptron import Perceptron, xor_mlp


@pytest.fixture(scope="module")
def separable():
    return gn.data.make_linearly_separable(n=100, margin=0.2, seed=1)


def test_prediction_is_the_step_of_the_net_input():
    p = Perceptron(2, init="zeros")
    p.w.value = np.array([1.0, -2.0], dtype=np.float32)
    p.b.value = np.float32(0.5)
    X = np.array([[0.0, 0.0], [1.0, 1.0], [3.0, 1.0], [0.0, 0.25]])
    np.testing.assert_array_equal(p.predict(X), [1, 0, 1, 1])  # z = 0.5, -0.5, 1.5, 0 (>= 0 is 1)
    ops = {t.node.op for t in gn.Graph(p.output(X)).variables if t.node is not None}
    assert {"MatMul", "Add", "Step"} <= ops
    assert p.boundary() == pytest.approx((0.5, 0.25))


def test_rule_equals_gradient_step_on_a_misclassified_point():
    p = Perceptron(2, learning_rate=0.5, seed=3)
    p.w.value = np.array([1.0, 1.0], dtype=np.float32)
    p.b.value = np.float32(-0.5)
    x = np.array([2.0, 1.0], dtype=np.float32)        # z = 2.5: predicted 1
    both = p.update_both_ways(x, 0)                     # ...but it is class 0
    assert both.mistake and both.equal
    np.testing.assert_array_equal(both.rule[0], -0.5 * x)
    assert both.rule[1] == -0.5
    np.testing.assert_array_equal(both.gradient[0], both.rule[0])
    # the gradient really comes from the criterion graph: dL/dw = -t x with t = -1
    loss = p.criterion(x, 0)
    loss.backward()
    assert loss.value == pytest.approx(2.5)
    np.testing.assert_array_equal(p.w.grad, x)
    # correctly classified: no update either way
    both = p.update_both_ways(x, 1)
    assert not both.mistake and both.equal and not np.any(both.gradient[0])


def test_rule_and_sgd_on_the_criterion_train_to_the_same_weights(separable):
    X, y = separable
    by_rule, by_sgd = Perceptron(2, seed=0), Perceptron(2, seed=0)
    for i in range(len(X)):  # update for update
        assert by_rule.update_both_ways(X[i], y[i]).equal
    h_rule = by_rule.fit(X, y, epochs=50, method="rule")
    h_sgd = by_sgd.fit(X, y, epochs=50, method="gradient")
    assert h_rule["mistakes"] == h_sgd["mistakes"]
    np.testing.assert_array_equal(by_rule.w.value, by_sgd.w.value)
    assert by_rule.b.value == by_sgd.b.value


def test_separable_data_is_learned_perfectly(separable):
    X, y = separable
    p = Perceptron(2, seed=0)
    history = p.fit(X, y, epochs=100)
    assert p.converged and history["mistakes"][-1] == 0 and history["mistakes"][0] > 0
    assert p.score(X, y) == 1.0
    # labels given as -1/1 mean the same
    q = Perceptron(2, seed=0)
    q.fit(X, np.where(y == 1, 1, -1), epochs=100)
    np.testing.assert_array_equal(q.w.value, p.w.value)


def test_xor_defeats_the_perceptron_and_an_mlp_solves_it():
    corners = np.array([[0, 0], [0, 1], [1, 1], [1, 0]], dtype=np.float32)
    labels = np.array([0, 1, 0, 1])
    p = Perceptron(2, init="zeros")
    history = p.fit(corners, labels, epochs=50)
    assert not p.converged and min(history["mistakes"]) >= 1
    assert max(history["accuracy"]) <= 0.75
    X, y = gn.data.make_xor(n=200, noise=0.1, seed=0)
    p = Perceptron(2)
    history = p.fit(X, y, epochs=20)
    assert not p.converged and max(history["accuracy"]) <= 0.75
    gn.set_seed(0)
    mlp = xor_mlp(hidden=8, activation="tanh")
    mlp.fit(X, y, epochs=60, batch_size=32, verbose=0)
    accuracy = np.mean((mlp.predict(X).ravel() > 0.5) == y)
    assert accuracy == 1.0


def test_bad_arguments_are_reported():
    with pytest.raises(ValueError, match="features"):
        Perceptron(0)
    with pytest.raises(ValueError, match="init"):
        Perceptron(2, init="ones")
    with pytest.raises(ValueError, match="method"):
        Perceptron(2).fit(np.zeros((2, 2)), [0, 1], method="newton")
    with pytest.raises(ValueError, match="shape"):
        Perceptron(3).fit(np.zeros((2, 2)), [0, 1])
