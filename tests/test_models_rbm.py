"""RBM and DBN: the energy and free energy as nodes, CD from the free-energy graph's
gradients (equal to the textbook formulas), RBM features beating raw pixels on the
nudged digits, and a fine-tuned DBN."""
import copy
import itertools

import numpy as np
import pytest

import graphnet as gn
from graphnet.models.rbm import (DBN, BernoulliRBM, Energy, FreeEnergy, energy, free_energy,
                                 sigmoid, textbook_cd_gradients)
from graphnet.ops.tensor import apply

NODE_CASES = [(f"{cls.__name__}[{k}]", node, inputs) for cls in (Energy, FreeEnergy)
              for k, (node, inputs) in enumerate(cls.examples(np.random.default_rng(0)))]


@pytest.mark.parametrize("case_id,node,inputs", NODE_CASES, ids=[c[0] for c in NODE_CASES])
def test_nodes_pass_the_gradient_check(case_id, node, inputs):
    report = gn.gradcheck(node, *inputs)
    assert report.rows and report.ok, f"{case_id}\n{report}"


@pytest.mark.parametrize("case_id,node,inputs", NODE_CASES, ids=[c[0] for c in NODE_CASES])
def test_fused_nodes_agree_with_their_expansion(case_id, node, inputs):
    fused_leaves = [gn.tensor(x, dtype=np.float64) for x in inputs]
    expanded_leaves = [gn.tensor(x, dtype=np.float64) for x in inputs]
    fused = apply(copy.copy(node), *fused_leaves)
    expanded = copy.copy(node).expand(*expanded_leaves)
    np.testing.assert_allclose(fused.value, expanded.value, rtol=1e-10, atol=1e-12)
    seed = np.random.default_rng(1).normal(size=np.shape(fused.value))
    fused.backward(seed)
    expanded.backward(seed)
    for a, b in zip(fused_leaves, expanded_leaves):
        np.testing.assert_allclose(a.grad, b.grad, rtol=1e-8, atol=1e-10)


def _tiny(seed=0, V=4, H=3):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(V, H)), rng.normal(size=V), rng.normal(size=H)


def test_free_energy_is_the_energy_with_the_hidden_units_summed_out():
    W, a, b = _tiny()
    hs = np.array(list(itertools.product([0.0, 1.0], repeat=3)))      # all 8 hidden states
    for v in itertools.product([0.0, 1.0], repeat=4):                 # all 16 visible states
        vs = np.repeat(np.array(v)[None], len(hs), axis=0)
        E = energy(vs, hs, W, a, b).value
        F = free_energy(np.array(v)[None], W, a, b).value[0]
        assert np.exp(-F) == pytest.approx(np.exp(-E).sum(), rel=1e-12)


def test_energy_formula_and_conditionals():
    W, a, b = _tiny(1)
    v, h = np.array([1.0, 0, 1, 1]), np.array([0.0, 1, 1])
    assert energy(v, h, W, a, b).value == pytest.approx(-a @ v - b @ h - v @ W @ h)
    # p(h_j = 1 | v) = sigmoid(b_j + (vᵀW)_j) is what the free energy's b-gradient says
    vt, bt = gn.tensor(v), gn.tensor(b)
    free_energy(vt, W, a, bt).backward()
    np.testing.assert_allclose(-bt.grad, sigmoid(b + v @ W))
    # ... and the hidden units' conditional, by brute force from the energy
    hs = np.array(list(itertools.product([0.0, 1.0], repeat=3)))
    weights = np.exp(-energy(np.repeat(v[None], 8, 0), hs, W, a, b).value)
    p_h1 = (weights[:, None] * hs).sum(0) / weights.sum()
    np.testing.assert_allclose(p_h1, sigmoid(b + v @ W), rtol=1e-12)


def _rbm(V=6, H=5, seed=0):
    rbm = BernoulliRBM(H, learning_rate=0.1, seed=seed)
    rbm._build(V)
    rbm.W.value = np.random.default_rng(seed + 10).normal(size=(V, H)).astype(np.float32)
    rbm.a.value = np.random.default_rng(seed + 11).normal(size=V).astype(np.float32)
    rbm.b.value = np.random.default_rng(seed + 12).normal(size=H).astype(np.float32)
    return rbm


def test_cd_gradients_from_the_graph_equal_the_textbook_formulas():
    rbm = _rbm()
    v0 = (np.random.default_rng(3).random((8, 6)) > 0.5).astype(np.float32)
    vk = rbm.gibbs(v0, steps=2)
    dW, da, db = rbm.cd_gradients(v0, vk)
    tW, ta, tb = textbook_cd_gradients(v0, vk, rbm.W.value, rbm.a.value, rbm.b.value)
    np.testing.assert_allclose(-dW, tW, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(-da, ta, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(-db, tb, rtol=1e-5, atol=1e-6)
    # written out: dW = (v0ᵀ p(h|v0) - vkᵀ p(h|vk)) / n
    p0, pk = sigmoid(v0 @ rbm.W.value + rbm.b.value), sigmoid(vk @ rbm.W.value + rbm.b.value)
    np.testing.assert_allclose(-dW, (v0.T @ p0 - vk.T @ pk) / 8, rtol=1e-5, atol=1e-6)


def test_one_sgd_step_is_the_cd_update():
    rbm = _rbm(seed=1)
    rbm.persistent = False
    v0 = (np.random.default_rng(4).random((10, 6)) > 0.5).astype(np.float32)
    W, a, b = (np.array(p.value, np.float64) for p in rbm.params)
    state = rbm.rng.bit_generator.state
    vk = rbm.negative_sample(v0)
    rbm.rng.bit_generator.state = state        # the same negative sample again
    rbm.partial_fit(v0)
    tW, ta, tb = textbook_cd_gradients(v0, vk, W, a, b)
    np.testing.assert_allclose(rbm.W.value, W + 0.1 * tW, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(rbm.a.value, a + 0.1 * ta, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(rbm.b.value, b + 0.1 * tb, rtol=1e-5, atol=1e-6)


def test_free_energy_method_uses_the_node():
    rbm = _rbm()
    v = np.random.default_rng(5).random((3, 6)).astype(np.float32)
    W, a, b = (p.value for p in rbm.params)
    expected = -(v @ a) - np.logaddexp(0, v @ W + b).sum(1)
    np.testing.assert_allclose(rbm.free_energy(v), expected, rtol=1e-5)
    h = (np.random.default_rng(6).random((3, 5)) > 0.5).astype(np.float32)
    np.testing.assert_allclose(rbm.energy(v, h), -(v @ a) - h @ b - ((v @ W) * h).sum(1), rtol=1e-5)


def test_errors_are_reported():
    with pytest.raises(ValueError, match="k"):
        BernoulliRBM(k=0)
    rbm = _rbm()
    with pytest.raises(ValueError, match="6 visible units"):
        rbm.transform(np.zeros((2, 5)))


@pytest.fixture(scope="module")
def digits():
    X, y = gn.data.load_digits()
    return (X / 16.0).astype(np.float32), y


def test_fit_learns_digits(digits):
    X, _ = digits
    rbm = BernoulliRBM(32, learning_rate=0.1, batch_size=20, n_iter=3, seed=0).fit(X[:600])
    errors = rbm.history["reconstruction_error"]
    assert len(errors) == 3 and errors[-1] < errors[0]
    features = rbm.transform(X[:10])
    assert features.shape == (10, 32) and 0 < features.min() and features.max() < 1
    assert rbm.components_.shape == (32, 64)
    assert rbm.reconstruct(X[:10]).shape == (10, 64)
    sample = rbm.gibbs(X[:10], steps=3)
    assert set(np.unique(sample)) <= {0.0, 1.0}
    # the data is more probable under the model than noise: lower free energy
    noise = (np.random.default_rng(0).random((100, 64)) > 0.5).astype(np.float32)
    assert rbm.free_energy(X[:100]).mean() < rbm.free_energy(noise).mean()


def _logistic(F_train, y_train, F_test, y_test, epochs=20):
    gn.set_seed(0)
    model = gn.Sequential([gn.layers.Dense(10, activation="softmax", input_shape=(F_train.shape[1],))])
    model.compile(gn.optimizers.Adam(0.01), "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(F_train, y_train, epochs=epochs, batch_size=32, verbose=0)
    return model.evaluate(F_test, y_test, verbose=0, return_dict=True)["accuracy"]


def test_rbm_features_beat_raw_pixels_on_nudged_digits():
    """scikit-learn's classic example: the digits plus copies nudged by one pixel,
    logistic regression on raw pixels versus on RBM features."""
    X, y = gn.data.load_digits()
    X, y = gn.data.augment_with_shifts(X, y)
    X = gn.data.MinMaxScaler().fit_transform(X).astype(np.float32)
    X_train, X_test, y_train, y_test = gn.data.train_test_split(X, y, test_size=0.2, seed=0)
    raw = _logistic(X_train, y_train, X_test, y_test)
    rbm = BernoulliRBM(64, learning_rate=0.1, batch_size=10, n_iter=5, seed=0).fit(X_train)
    with_rbm = _logistic(rbm.transform(X_train), y_train, rbm.transform(X_test), y_test)
    print(f"raw pixels {raw:.3f}, RBM features {with_rbm:.3f}")
    assert with_rbm > raw + 0.03


def test_dbn_pretrains_greedily_and_fine_tunes(digits):
    X, y = digits
    X_train, X_test, y_train, y_test = gn.data.train_test_split(X, y, test_size=0.25, seed=0, stratify=y)
    gn.set_seed(0)
    dbn = DBN([64, 32], n_iter=4, learning_rate=0.1, batch_size=10, seed=0).pretrain(X_train)
    assert [r.W.shape for r in dbn.rbms] == [(64, 64), (64, 32)]  # layer 2 learns layer 1's features
    assert dbn.transform(X_test).shape == (len(X_test), 32)
    model = dbn.to_model(10)
    np.testing.assert_array_equal(model.layers[0].get_weights()[0], dbn.rbms[0].W.value)
    np.testing.assert_array_equal(model.layers[1].get_weights()[1], dbn.rbms[1].b.value)
    history = dbn.fine_tune(X_train, y_train, epochs=8, optimizer=gn.optimizers.Adam(0.01))
    assert history.history["loss"][-1] < history.history["loss"][0]
    accuracy = dbn.model.evaluate(X_test, y_test, verbose=0, return_dict=True)["accuracy"]
    assert accuracy > 0.9
