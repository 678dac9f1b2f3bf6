"""The linear classifiers of graphnet.models.estimators (see there): ``Perceptron``
and ``LogisticRegression``, with what every classifier shares and a small L-BFGS.
"""
import warnings

import numpy as np

try:
    from sklearn.base import BaseEstimator, ClassifierMixin
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.utils import check_random_state
    from sklearn.utils.multiclass import check_classification_targets
    from sklearn.utils.validation import check_is_fitted
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("graphnet.models.estimators needs scikit-learn: pip install scikit-learn") from exc
try:
    from sklearn.utils.validation import validate_data
except ImportError:  # pragma: no cover - scikit-learn < 1.6 had it as a method
    def validate_data(estimator, *args, **kwargs):
        return estimator._validate_data(*args, **kwargs)

from ..check import gradcheck
from ..core import Graph
from ..core.errors import did_you_mean
from ..nn import losses
from ..ops.tensor import constant, parameter, tensor
from ..train import optimizers
from .rbm import sigmoid as _sigmoid

__all__ = ["Perceptron", "LogisticRegression", "lbfgs"]


# --- shared by the classifiers ------------------------------------------------------------

def _choice(est, arg, value, allowed):
    """``value`` if it is one of ``allowed``, else an error naming the estimator and argument."""
    if value not in allowed:
        shown = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{type(est).__name__}: {arg} must be one of {shown}, got {value!r}"
                         f"{did_you_mean(value, [a for a in allowed if isinstance(a, str)])}")
    return value


def _positive(est, arg, value, whole=False, zero=False):
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    ok = ok and (value >= 0 if zero else value > 0) and (not whole or int(value) == value)
    if not ok:
        kind = "whole number" if whole else "number"
        raise ValueError(f"{type(est).__name__}: {arg} must be a {kind} {'>=' if zero else '>'} 0, "
                         f"got {value!r}")
    return int(value) if whole else float(value)


def _seed(random_state):
    """An integer seed for NumPy generators from scikit-learn's random_state
    (None, an int or a RandomState), so a fixed random_state repeats a fit."""
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


class _Classifier(ClassifierMixin, BaseEstimator):
    """Labels of any kind in (kept in ``classes_``), labels out; the checks every
    classifier shares. Subclasses build their graph in ``_forward`` (inputs to scores
    or probabilities) and ``_objective`` (what training minimises)."""

    dtype = np.float64

    def _fit_data(self, X, y):
        X, y = validate_data(self, X, y, dtype=self.dtype)
        check_classification_targets(y)
        self.classes_, encoded = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(f"{type(self).__name__} needs samples of at least 2 classes to learn "
                             f"from, got 1 class: {self.classes_.tolist()[0]!r}")
        return X, encoded

    def _data(self, X):
        check_is_fitted(self)
        return validate_data(self, X, reset=False, dtype=self.dtype)

    def graph(self, X, y=None):
        """The fitted model as a graph on ``X`` (a few rows): the class scores, or with
        labels ``y`` the training objective. ``graphnet.draw`` takes it."""
        x = constant(self._data(X), name="x")
        if y is None:
            return self._forward(x)
        known = {c: k for k, c in enumerate(self.classes_.tolist())}
        missing = [c for c in np.asarray(y).ravel().tolist() if c not in known]
        if missing:
            raise ValueError(f"{type(self).__name__}.graph: label {missing[0]!r} is not one of the "
                             f"classes it was fitted on, {self.classes_.tolist()}")
        return self._objective(x, np.array([known[c] for c in np.asarray(y).ravel().tolist()]))

    def check_gradients(self, X, y, **options):
        """graphnet.check.gradcheck of the objective on (X, y) at the fitted weights:
        every node's backward against finite differences, in float64."""
        return gradcheck(self.graph(X, y), **options)

    def _targets(self, encoded, columns):
        """Labels as the loss wants them: 0/1 in one column, or class indices."""
        return encoded.reshape(-1, 1).astype(self.dtype) if columns == 1 else encoded


class _LinearClassifier(_Classifier):
    """z = x W + b, one column of scores per class (one column for two classes)."""

    def _forward(self, x):
        z = x @ self.W_
        if self.fit_intercept:
            z = z + self.b_
        z.name = "z"
        return z

    def _scores(self, X):
        return self._forward(constant(X, name="x")).numpy()

    def decision_function(self, X):
        """The scores z = x W + b, one column per class (for two classes one value per
        sample: the second class's score): the graph's output before step, sigmoid or softmax."""
        z = self._scores(self._data(X))
        return z.ravel() if z.shape[1] == 1 else z

    def predict(self, X):
        """The class with the highest score, as a label from ``classes_``."""
        z = self._scores(self._data(X))
        return self.classes_[(z[:, 0] > 0).astype(int) if z.shape[1] == 1 else np.argmax(z, axis=1)]


def _signs(encoded, columns):
    """Targets t = ±1 for each unit: +1 for the unit's own class (or, with one unit,
    for the second class), -1 for the others (one-vs-rest)."""
    own = np.arange(columns) if columns > 1 else 1
    return np.where(encoded[:, None] == own, 1.0, -1.0)


def _weights(est, init):
    """The parameters W (features x columns, starting at ``init``) and b, as graph leaves."""
    est.W_ = parameter(init, name="W", dtype=est.dtype)
    est.b_ = parameter(np.zeros(init.shape[1]), name="b", dtype=est.dtype) if est.fit_intercept else None
    return [est.W_] + ([est.b_] if est.fit_intercept else [])


def _coefficients(est):
    """scikit-learn's layout: coef_ is (classes or 1, features), intercept_ (classes or 1,)."""
    est.coef_ = np.array(est.W_.value, dtype=np.float64).T
    est.intercept_ = (np.array(est.b_.value, dtype=np.float64) if est.fit_intercept
                      else np.zeros(est.coef_.shape[0]))


# --- the perceptron ---------------------------------------------------------------------

class Perceptron(_LinearClassifier):
    """Rosenblatt's perceptron, scikit-learn's ``Perceptron``, as a graph.

    One unit per class (one for two classes), z = x W + b, trained one sample at a
    time by graphnet's SGD (learning rate ``eta0``) on the perceptron criterion
    Σ max(0, -t z) with t = ±1 (models/perceptron.py shows that this is the
    perceptron rule). ``penalty`` adds alpha · R(W): 'l2' (½||W||²), 'l1' (||W||₁) or
    'elasticnet' (a mix, ``l1_ratio`` of l1).

    It stops, as scikit-learn's does, once the epoch's total criterion has not
    fallen by ``tol`` · n for ``n_iter_no_change`` epochs, or after ``max_iter``.
    Unlike scikit-learn it starts from small random weights (from ``random_state``):
    at W = 0 every z is 0, where the criterion is flat, and nothing would move.
    """

    def __init__(self, *, penalty=None, alpha=0.0001, l1_ratio=0.15, fit_intercept=True,
                 max_iter=1000, tol=1e-3, shuffle=True, verbose=0, eta0=1.0, random_state=0,
                 n_iter_no_change=5):
        self.penalty, self.alpha, self.l1_ratio = penalty, alpha, l1_ratio
        self.fit_intercept, self.max_iter, self.tol = fit_intercept, max_iter, tol
        self.shuffle, self.verbose, self.eta0 = shuffle, verbose, eta0
        self.random_state, self.n_iter_no_change = random_state, n_iter_no_change

    def _objective(self, x, encoded):
        return self._loss(x, constant(_signs(encoded, self.W_.shape[1]), name="t", dtype=self.dtype))[0]

    def _loss(self, x, t):
        """(objective, criterion) as tensors: the criterion alone is what the epochs count."""
        # The criterion averages over the columns; times their number it is the sum of
        # independent per-class criteria, so each unit learns by the plain rule.
        criterion = self.W_.shape[1] * losses.perceptron_criterion(t, self._forward(x))
        criterion.name = "criterion"
        if self.penalty is None:
            return criterion, criterion
        l1 = {"l1": 1.0, "l2": 0.0, "elasticnet": self.l1_ratio}[self.penalty]
        penalty = 0.0
        if l1:
            penalty = self.alpha * l1 * self.W_.abs().sum()
        if l1 < 1:
            penalty = penalty + losses.l2_penalty(self.W_, self.alpha * (1 - l1) / 2)
        loss = criterion + penalty
        loss.name = "loss"
        return loss, criterion

    def fit(self, X, y):
        """Learn W and b from (X, y); returns the estimator."""
        _choice(self, "penalty", self.penalty, (None, "l2", "l1", "elasticnet"))
        eta0 = _positive(self, "eta0", self.eta0)
        max_iter = _positive(self, "max_iter", self.max_iter, whole=True)
        patience = _positive(self, "n_iter_no_change", self.n_iter_no_change, whole=True)
        X, encoded = self._fit_data(X, y)
        n, d = X.shape
        columns = 1 if len(self.classes_) == 2 else len(self.classes_)
        rs = check_random_state(self.random_state)
        params = _weights(self, rs.normal(0.0, 0.01, (d, columns)))
        # One graph for one sample, traced once and replayed sample after sample.
        signs = _signs(encoded, columns)
        x = tensor(X[:1], name="x", requires_grad=False)
        t = tensor(signs[:1], name="t", requires_grad=False)
        loss, criterion = self._loss(x, t)
        graph = Graph(loss)
        sgd = optimizers.SGD(learning_rate=eta0)
        best, stale = np.inf, 0
        for epoch in range(1, max_iter + 1):
            order = rs.permutation(n) if self.shuffle else range(n)
            total = 0.0
            for i in order:
                graph.forward({x: X[i:i + 1], t: signs[i:i + 1]})
                total += float(graph.value(criterion))
                graph.backward()
                sgd.step(params)
            if self.verbose:
                print(f"-- Epoch {epoch}: total criterion {total:.4g}")
            if self.tol is not None:
                stale = stale + 1 if total > best - self.tol * n else 0
                best = min(best, total)
                if stale >= patience:
                    break
        else:
            if self.tol is not None:
                warnings.warn(f"Perceptron: max_iter={max_iter} reached before convergence; "
                              "consider a larger max_iter", ConvergenceWarning)
        self.n_iter_, self.t_ = epoch, float(epoch * n + 1)
        _coefficients(self)
        return self


# --- logistic regression -----------------------------------------------------------------

def lbfgs(fun, x, max_iter=100, gtol=1e-4, ftol=64 * np.finfo(float).eps, memory=10):
    """Minimise ``fun`` (x -> (value, gradient)) by L-BFGS, from ``x``.

    Each step goes along -H g, where H, an estimate of the inverse Hessian, is
    built from the last ``memory`` steps s and gradient changes y (the two-loop
    recursion), and is shortened until the value falls enough (Armijo). It stops
    when every gradient entry is within ``gtol`` of 0 (converged) or the value
    stops falling. Returns (x, iterations, converged).
    """
    f, g = fun(x)
    steps, changes = [], []
    for it in range(max_iter):
        if np.max(np.abs(g)) <= gtol:
            return x, it, True
        q, rhos = g.copy(), []
        for s, y in zip(reversed(steps), reversed(changes)):
            rho = (s @ q) / (y @ s)
            rhos.append(rho)
            q -= rho * y
        if steps:
            q *= (steps[-1] @ changes[-1]) / (changes[-1] @ changes[-1])
        for (s, y), rho in zip(zip(steps, changes), reversed(rhos)):
            q += s * (rho - (y @ q) / (y @ s))
        direction = -q
        slope = g @ direction
        if slope >= 0:  # not downhill (rounding): fall back on the gradient
            direction, slope = -g, -(g @ g)
        rate = 1.0 if steps else min(1.0, 1.0 / np.sum(np.abs(g)))
        while True:
            x_new = x + rate * direction
            f_new, g_new = fun(x_new)
            if f_new <= f + 1e-4 * rate * slope or rate < 1e-12:
                break
            rate *= 0.5
        s, y = x_new - x, g_new - g
        if s @ y > 1e-12:  # keeps H positive definite
            steps, changes = (steps + [s])[-memory:], (changes + [y])[-memory:]
        done = (f - f_new) <= ftol * max(abs(f), abs(f_new), 1.0)
        x, f, g = x_new, f_new, g_new
        if done:
            return x, it + 1, True
    return x, max_iter, np.max(np.abs(g)) <= gtol


class LogisticRegression(_LinearClassifier):
    """Logistic regression, scikit-learn's ``LogisticRegression`` (L2 penalty), as a graph.

    z = x W + b; p = softmax(z) for more than two classes (multinomial), sigmoid
    of one column for two. It minimises scikit-learn's objective scaled per sample,

        mean cross-entropy(y, z) + ||W||² / (2 C n)         (the intercept is not penalised)

    with L-BFGS (``solver='lbfgs'``) on the gradients that the graph's backward
    computes, in float64, until every gradient entry is within ``tol`` of 0.
    Smaller ``C``: a stronger penalty, smaller weights.
    """

    def __init__(self, *, C=1.0, tol=1e-4, fit_intercept=True, random_state=None,
                 solver="lbfgs", max_iter=100, verbose=0):
        self.C, self.tol, self.fit_intercept = C, tol, fit_intercept
        self.random_state, self.solver, self.max_iter, self.verbose = random_state, solver, max_iter, verbose

    def _objective(self, x, encoded):
        columns = self.W_.shape[1]
        z = self._forward(x)
        target = constant(self._targets(encoded, columns), name="y",
                          dtype=self.dtype if columns == 1 else encoded.dtype)
        ce = (losses.binary_crossentropy if columns == 1 else
              losses.sparse_categorical_crossentropy)(target, z, from_logits=True)
        loss = ce + losses.l2_penalty(self.W_, 1.0 / (2.0 * self.C * len(encoded)))
        loss.name = "loss"
        return loss

    def predict_proba(self, X):
        """Class probabilities, one column per class in ``classes_``: softmax(z), or
        (1 - p, p) with p = sigmoid(z) for two classes."""
        z = self._scores(self._data(X))
        if z.shape[1] == 1:
            p = _sigmoid(z[:, 0])
            return np.stack([1 - p, p], axis=1)
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def predict_log_proba(self, X):
        return np.log(self.predict_proba(X))

    def fit(self, X, y):
        """Learn W and b from (X, y); returns the estimator."""
        _choice(self, "solver", self.solver, ("lbfgs",))
        _positive(self, "C", self.C)
        max_iter = _positive(self, "max_iter", self.max_iter, whole=True, zero=True)
        X, encoded = self._fit_data(X, y)
        columns = 1 if len(self.classes_) == 2 else len(self.classes_)
        params = _weights(self, np.zeros((X.shape[1], columns)))
        graph = Graph(self._objective(constant(X, name="x"), encoded))
        sizes = [p.value.size for p in params]

        def value_and_gradient(theta):  # the graph's loss and backward, flattened
            for p, part in zip(params, np.split(theta, np.cumsum(sizes)[:-1])):
                p.value = part.reshape(p.shape)
            value = float(graph.forward())
            graph.backward()
            return value, np.concatenate([graph.grad(p).ravel() for p in params])

        theta, self.n_iter_, converged = lbfgs(value_and_gradient, np.zeros(sum(sizes)),
                                               max_iter=max_iter, gtol=self.tol)
        value_and_gradient(theta)
        self.n_iter_ = np.array([self.n_iter_])
        if not converged:
            warnings.warn(f"LogisticRegression: lbfgs did not converge in max_iter={max_iter} "
                          "iterations; increase max_iter or scale the data", ConvergenceWarning)
        _coefficients(self)
        return self

