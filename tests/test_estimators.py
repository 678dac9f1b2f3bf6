"""graphnet's Perceptron, LogisticRegression, MLPClassifier and BernoulliRBM as
scikit-learn estimators, each compared with scikit-learn's own on the same data."""
import subprocess
import sys
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")
import sklearn.linear_model as sk_linear  # noqa: E402
import sklearn.neural_network as sk_neural  # noqa: E402
from sklearn.base import clone  # noqa: E402
from sklearn.datasets import load_digits, load_iris  # noqa: E402
from sklearn.exceptions import ConvergenceWarning, NotFittedError  # noqa: E402
from sklearn.model_selection import GridSearchCV, train_test_split  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402
from sklearn.utils.validation import check_is_fitted  # noqa: E402

import graphnet as gn  # noqa: E402
from graphnet.models import estimators  # noqa: E402
from graphnet.models.estimators import (BernoulliRBM, LogisticRegression, MLPClassifier,  # noqa: E402
                                        Perceptron, lbfgs)

OURS_AND_THEIRS = [(Perceptron, sk_linear.Perceptron), (LogisticRegression, sk_linear.LogisticRegression),
                   (MLPClassifier, sk_neural.MLPClassifier), (BernoulliRBM, sk_neural.BernoulliRBM)]


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # few iterations, on purpose
        yield


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    return train_test_split(X, y, train_size=400, test_size=300, random_state=0)


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def test_importing_graphnet_does_not_import_sklearn():
    code = ("import sys, graphnet, graphnet.models; assert 'sklearn' not in sys.modules; "
            "from graphnet.models import LogisticRegression; assert 'sklearn' in sys.modules; "
            "assert graphnet.models.estimators.LogisticRegression is LogisticRegression")
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("ours, theirs", OURS_AND_THEIRS)
def test_defaults_are_scikit_learns(ours, theirs):
    mine, sk = ours().get_params(), theirs().get_params()
    assert set(mine) <= set(sk)  # every parameter is one of scikit-learn's...
    assert {k: sk[k] for k in mine} == mine  # ...with its default


@pytest.mark.parametrize("ours", [o for o, _ in OURS_AND_THEIRS])
def test_clone_and_set_params_round_trip(ours):
    est = ours(random_state=3)
    key = {"Perceptron": "eta0", "LogisticRegression": "C", "MLPClassifier": "alpha",
           "BernoulliRBM": "learning_rate"}[ours.__name__]
    assert est.set_params(**{key: 0.5}) is est and est.get_params()[key] == 0.5
    twin = clone(est)
    assert twin is not est and twin.get_params() == est.get_params()


@pytest.mark.parametrize("ours, theirs, options", [
    (Perceptron, sk_linear.Perceptron, dict(max_iter=10, random_state=0)),
    (LogisticRegression, sk_linear.LogisticRegression, dict(C=0.1, max_iter=300)),
    (MLPClassifier, sk_neural.MLPClassifier, dict(hidden_layer_sizes=(32,), max_iter=40, random_state=0)),
])
def test_accuracy_close_to_scikit_learns(digits, ours, theirs, options):
    X_train, X_test, y_train, y_test = digits
    mine = ours(**options).fit(X_train, y_train)
    sk = theirs(**options).fit(X_train, y_train)
    assert abs(mine.score(X_test, y_test) - sk.score(X_test, y_test)) < 0.05
    assert mine.score(X_test, y_test) > 0.7
    assert mine.n_features_in_ == 64 and list(mine.classes_) == list(range(10))
    check_is_fitted(mine)


@pytest.mark.parametrize("make", [lambda: LogisticRegression(),
                                  lambda: MLPClassifier((8,), max_iter=30, random_state=0)])
@pytest.mark.parametrize("binary", [False, True])
def test_predict_proba_is_a_distribution_that_predict_follows(iris, make, binary):
    X, y = iris
    labels = np.array(["setosa", "versicolor", "virginica"])[y]
    if binary:
        labels = np.where(y == 2, "virginica", "other")
    est = make().fit(X, labels)
    p = est.predict_proba(X)
    assert p.shape == (len(X), len(est.classes_)) and np.all(p >= 0)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-6)
    assert np.array_equal(est.classes_[p.argmax(axis=1)], est.predict(X))
    assert set(est.predict(X)) <= set(labels)


@pytest.mark.parametrize("binary", [False, True])
def test_logistic_coefficients_match_scikit_learns(iris, binary):
    X, y = iris
    y = (y == 2).astype(int) if binary else y
    mine = LogisticRegression(C=0.5, tol=1e-8, max_iter=500).fit(X, y)
    sk = sk_linear.LogisticRegression(C=0.5, tol=1e-8, max_iter=500).fit(X, y)
    assert mine.coef_.shape == sk.coef_.shape and mine.intercept_.shape == sk.intercept_.shape
    np.testing.assert_allclose(mine.coef_, sk.coef_, atol=1e-5)
    np.testing.assert_allclose(mine.intercept_, sk.intercept_, atol=1e-5)
    np.testing.assert_allclose(mine.predict_proba(X), sk.predict_proba(X), atol=1e-6)
    np.testing.assert_allclose(mine.decision_function(X), sk.decision_function(X), atol=1e-5)


def test_lbfgs_minimises_a_quadratic():
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    b = np.array([1.0, -1.0])
    x, iterations, converged = lbfgs(lambda x: (0.5 * x @ A @ x - b @ x, A @ x - b), np.zeros(2), gtol=1e-10)
    assert converged and iterations < 20
    np.testing.assert_allclose(x, np.linalg.solve(A, b), atol=1e-9)


def test_perceptron_is_one_vs_rest_like_scikit_learns(iris):
    X, y = iris
    mine, sk = Perceptron(max_iter=5).fit(X, y), sk_linear.Perceptron(max_iter=5).fit(X, y)
    assert mine.coef_.shape == sk.coef_.shape == (3, 4)
    assert mine.decision_function(X).shape == (len(X), 3)
    binary = Perceptron(max_iter=5).fit(X, y == 2)
    assert binary.coef_.shape == (1, 4) and binary.decision_function(X).shape == (len(X),)
    assert binary.score(X, y == 2) > 0.8


def test_perceptron_rule_by_hand():
    # From W0 (random_state's draw), every mistake on (x, t) adds eta0 · t · (x, 1).
    rs = np.random.RandomState(7)
    w0 = rs.normal(0.0, 0.01, (2, 1))[:, 0]
    X, y = np.array([-w0 / np.linalg.norm(w0), [0.5, -1.0]]), np.array([1, 0])  # x0: a mistake
    est = Perceptron(max_iter=1, tol=None, shuffle=False, eta0=0.25, random_state=7).fit(X, y)
    w, b = w0.copy(), 0.0
    for x, t in zip(X, [1.0, -1.0]):
        if t * (x @ w + b) < 0:
            w, b = w + 0.25 * t * x, b + 0.25 * t
    np.testing.assert_allclose(est.coef_[0], w)
    np.testing.assert_allclose(est.intercept_[0], b)


def test_mlp_loss_curve_and_weights(iris):
    X, y = iris
    est = MLPClassifier((6, 5), activation="tanh", max_iter=15, random_state=0).fit(X, y)
    assert len(est.loss_curve_) == est.n_iter_ == 15 and est.loss_curve_[-1] < est.loss_curve_[0]
    assert [w.shape for w in est.coefs_] == [(4, 6), (6, 5), (5, 3)]
    assert [b.shape for b in est.intercepts_] == [(6,), (5,), (3,)]
    # The curve's last entry is the objective after the epoch's updates, up to the
    # updates within the epoch: cross-entropy + 0.5 · alpha · Σ||W||² / n.
    p = est.predict_proba(X)
    loss = -np.mean(np.log(p[np.arange(len(y)), y])) + 0.5 * est.alpha * sum(
        np.sum(w.astype(np.float64) ** 2) for w in est.coefs_) / len(y)
    assert abs(loss - est.loss_curve_[-1]) < 0.1 * est.loss_curve_[-1]
    est.set_params(solver="sgd", learning_rate_init=0.05, max_iter=20).fit(X, y)
    assert est.score(X, y) > 0.8


def test_rbm_transform_and_training():
    X = load_digits().data[:300] / 16.0
    untrained = BernoulliRBM(n_components=16, n_iter=0, random_state=0).fit(X)
    rbm = BernoulliRBM(n_components=16, n_iter=5, learning_rate=0.05, random_state=0).fit(X)
    h = rbm.transform(X)
    assert h.shape == (300, 16) and h.min() >= 0 and h.max() <= 1
    assert rbm.components_.shape == (16, 64) and rbm.intercept_hidden_.shape == (16,)
    assert rbm.intercept_visible_.shape == (64,) and rbm.n_features_in_ == 64
    np.testing.assert_allclose(h, 1 / (1 + np.exp(-(X @ rbm.components_.T + rbm.intercept_hidden_))),
                               rtol=1e-5, atol=1e-6)
    error = [np.mean((est.rbm_.reconstruct(X) - X) ** 2) for est in (untrained, rbm)]
    assert error[1] < error[0]
    assert rbm.score_samples(X).mean() > untrained.score_samples(X).mean()  # pseudo-likelihood
    v = rbm.gibbs(X[:5])
    assert v.shape == (5, 64) and set(np.unique(v)) <= {0.0, 1.0}
    assert list(rbm.get_feature_names_out()[:2]) == ["bernoullirbm0", "bernoullirbm1"]
    assert rbm.partial_fit(X[:10]) is rbm


def test_grid_search_rbm_then_logistic_regression():
    X, y = load_digits(return_X_y=True)
    X, y = X[:240] / 16.0, y[:240]
    pipe = Pipeline([("rbm", BernoulliRBM(n_components=16, n_iter=2, random_state=0)),
                     ("logistic", LogisticRegression(max_iter=50))])
    search = GridSearchCV(pipe, {"logistic__C": [1.0, 100.0], "rbm__learning_rate": [0.05]}, cv=2).fit(X, y)
    assert set(search.best_params_) == {"logistic__C", "rbm__learning_rate"}
    assert search.best_score_ > 0.3 and search.predict(X).shape == (240,)


@pytest.mark.parametrize("est, grid", [
    (Perceptron(max_iter=5), {"clf__eta0": [0.1, 1.0]}),
    (MLPClassifier((8,), max_iter=50, learning_rate_init=0.01, random_state=0), {"clf__alpha": [1e-4, 1e-2]}),
])
def test_grid_search_with_a_scaler(digits, est, grid):
    X, _, y, _ = digits
    pipe = Pipeline([("scale", StandardScaler()), ("clf", est)])
    search = GridSearchCV(pipe, grid, cv=2).fit(X[:200], y[:200])
    assert search.best_score_ > 0.5


@pytest.mark.parametrize("make, fitted", [
    (lambda s: Perceptron(max_iter=3, random_state=s), lambda e: e.coef_),
    (lambda s: MLPClassifier((5,), max_iter=5, random_state=s), lambda e: np.array(e.loss_curve_)),
    (lambda s: BernoulliRBM(4, n_iter=2, random_state=s), lambda e: e.components_),
])
def test_random_state_makes_fits_repeatable(iris, make, fitted):
    X, y = iris
    X = (X - X.min(0)) / (X.max(0) - X.min(0))
    a, b, c = (fitted(make(s).fit(X, y)) for s in (1, 1, 2))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_string_labels_and_clear_errors(iris):
    X, y = iris
    labels = np.array(["setosa", "versicolor", "virginica"])[y]
    with pytest.raises(NotFittedError):
        LogisticRegression().predict(X)
    with pytest.raises(NotFittedError):
        BernoulliRBM().transform(X)
    est = Perceptron(max_iter=5).fit(X, labels)
    assert list(est.classes_) == ["setosa", "versicolor", "virginica"]
    with pytest.raises(ValueError, match=r"X has 3 features, but Perceptron is expecting 4"):
        est.predict(X[:, :3])
    with pytest.raises(ValueError, match=r"MLPClassifier: solver must be one of 'adam', 'sgd', got "
                                         r"'adma' \(did you mean 'adam'\?\)"):
        MLPClassifier(solver="adma").fit(X, y)
    with pytest.raises(ValueError, match=r"LogisticRegression: C must be a number > 0, got -1"):
        LogisticRegression(C=-1).fit(X, y)
    with pytest.raises(ValueError, match="2 classes.*1 class"):
        LogisticRegression().fit(X, np.zeros(len(X)))
    with pytest.raises(ValueError, match="label 'tulip' is not one of the classes"):
        est.graph(X[:1], ["tulip"])


def test_graphs_draw_and_gradients_check(iris):
    X, y = iris
    lr = LogisticRegression().fit(X, y)
    dot = gn.draw(lr.graph(X[:2], y[:2])).source
    for name in ("<B>x</B>", "<B>W</B>", "<B>b</B>", "<B>loss</B>", "l2penalty"):
        assert name in dot.lower() if name.islower() else name in dot
    assert lr.check_gradients(X[:3], y[:3]).ok
    mlp = MLPClassifier((5,), max_iter=3, random_state=0).fit(X, y)
    assert "hidden_1" in gn.draw(mlp.model_).source
    report = mlp.check_gradients(X[:3], y[:3])
    assert report.ok and any(row.name == "hidden_1/kernel" for row in report.rows)
    assert "<B>z</B>" in gn.draw(Perceptron(max_iter=2).fit(X, y).graph(X[:2])).source
    assert "F_data" in gn.draw(BernoulliRBM(4, n_iter=1, random_state=0).fit(X / 8 + 0.5).graph()).source


def _expected_failures(est):
    if isinstance(est, BernoulliRBM):  # as for scikit-learn's own BernoulliRBM
        reason = "score_samples flips a random unit in each row, so rows depend on their neighbours"
        return {"check_methods_subset_invariance": reason, "check_methods_sample_order_invariance": reason}
    return {}


@parametrize_with_checks([Perceptron(max_iter=5), LogisticRegression(),
                          MLPClassifier((16,), max_iter=200, random_state=0),
                          BernoulliRBM(8, n_iter=2, random_state=0)],
                         expected_failed_checks=_expected_failures)
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


def test_module_names_its_estimators():
    assert set(estimators.__all__) >= {"Perceptron", "LogisticRegression", "MLPClassifier", "BernoulliRBM"}
