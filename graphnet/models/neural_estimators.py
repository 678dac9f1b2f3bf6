"""The neural estimators of graphnet.models.estimators (see there): ``MLPClassifier``,
a graphnet ``Sequential`` behind scikit-learn's face, and ``BernoulliRBM``, the RBM
of models/rbm.py behind scikit-learn's.
"""
import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ..core import Graph
from ..nn import losses
from ..nn.layers import Dense, Input
from ..ops.tensor import constant, tensor
from ..train import optimizers
from ..train.model import Sequential
from . import rbm as _rbm
from .linear_estimators import _Classifier, _choice, _positive, _seed, validate_data

__all__ = ["MLPClassifier", "BernoulliRBM"]

# scikit-learn's activation names, and graphnet's for the same functions.
_ACTIVATIONS = {"identity": "linear", "logistic": "sigmoid", "tanh": "tanh", "relu": "relu"}


class MLPClassifier(_Classifier):
    """A multilayer perceptron, scikit-learn's ``MLPClassifier``, as a graphnet model.

    ``est.model_`` is a ``Sequential``: Dense layers of ``hidden_layer_sizes`` units
    with ``activation``, then softmax over the classes (one sigmoid unit for two).
    ``gn.draw(est.model_)`` and ``est.model_.summary()`` show it. Training minimises,
    batch after batch (``batch_size='auto'``: min(200, n)),

        mean cross-entropy + 0.5 · alpha · Σ ||W||² / batch size      (biases not penalised)

    with graphnet's Adam (``solver='adam'``) or SGD with (Nesterov) momentum
    (``solver='sgd'``), at ``learning_rate_init``. It stops once the epoch's loss
    (``loss_curve_``) has not fallen by ``tol`` for ``n_iter_no_change`` epochs, or after
    ``max_iter`` epochs. Weights start as scikit-learn starts them: uniform in
    ±sqrt(6 / (fan_in + fan_out)) (±sqrt(2 / ...) for 'logistic'), from ``random_state``.
    """

    dtype = np.float32

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam", alpha=0.0001,
                 batch_size="auto", learning_rate_init=0.001, max_iter=200, shuffle=True,
                 random_state=None, tol=1e-4, verbose=False, momentum=0.9, nesterovs_momentum=True,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10):
        self.hidden_layer_sizes, self.activation, self.solver = hidden_layer_sizes, activation, solver
        self.alpha, self.batch_size, self.learning_rate_init = alpha, batch_size, learning_rate_init
        self.max_iter, self.shuffle, self.random_state = max_iter, shuffle, random_state
        self.tol, self.verbose, self.momentum = tol, verbose, momentum
        self.nesterovs_momentum, self.beta_1, self.beta_2 = nesterovs_momentum, beta_1, beta_2
        self.epsilon, self.n_iter_no_change = epsilon, n_iter_no_change

    # --- the network ---------------------------------------------------------------------
    @property
    def coefs_(self):
        """The weight matrices, one per layer (inputs x units), as scikit-learn lists them."""
        return [np.array(layer.W.value) for layer in self.model_.layers if isinstance(layer, Dense)]

    @property
    def intercepts_(self):
        return [np.array(layer.b.value) for layer in self.model_.layers if isinstance(layer, Dense)]

    def _build(self, d, columns, rs):
        sizes = self.hidden_layer_sizes
        sizes = [sizes] if np.ndim(sizes) == 0 else list(sizes)
        sizes = [_positive(self, "hidden_layer_sizes", h, whole=True) for h in sizes]
        act = _ACTIVATIONS[self.activation]
        layers = [Dense(h, activation=act, name=f"hidden_{k + 1}") for k, h in enumerate(sizes)]
        layers.append(Dense(columns, activation="sigmoid" if columns == 1 else "softmax", name="output"))
        model = Sequential([Input((d,))] + layers, name="mlp_classifier")
        factor = 2.0 if self.activation == "logistic" else 6.0
        for layer, fan_in, fan_out in zip(layers, [d] + sizes, sizes + [columns]):
            bound = np.sqrt(factor / (fan_in + fan_out))
            layer.set_weights([rs.uniform(-bound, bound, (fan_in, fan_out)).astype(self.dtype),
                               rs.uniform(-bound, bound, fan_out).astype(self.dtype)])
        return model

    def _forward(self, x):
        return self.model_(x)

    def _objective(self, x, encoded):
        """The training objective on (x, labels), its penalty scaled as for one batch."""
        columns = self.n_outputs_
        target = constant(self._targets(encoded, columns), name="y",
                          dtype=self.dtype if columns == 1 else encoded.dtype)
        scale = constant(0.5 * self.alpha / len(encoded), name="penalty_scale", dtype=self.dtype)
        return self._loss(self._forward(x), target, scale)

    def _loss(self, out, target, scale):
        """cross-entropy(target, out) + scale · Σ ||W||², summed over the Dense layers."""
        ce = (losses.binary_crossentropy if self.n_outputs_ == 1 else
              losses.sparse_categorical_crossentropy)(target, out)
        penalty = None
        for layer in self.model_.layers:
            if isinstance(layer, Dense):
                term = losses.l2_penalty(layer.W, 1.0)
                penalty = term if penalty is None else penalty + term
        loss = ce + scale * penalty
        loss.name = "loss"
        return loss

    def predict_proba(self, X):
        """Class probabilities, one column per class in ``classes_``."""
        X = self._data(X)
        p = self.model_.predict(X, batch_size=max(1, len(X))).astype(np.float64)
        return np.hstack([1 - p, p]) if p.shape[1] == 1 else p / p.sum(axis=1, keepdims=True)

    def predict_log_proba(self, X):
        return np.log(self.predict_proba(X))

    def predict(self, X):
        """The most probable class, as a label from ``classes_``."""
        p = self.predict_proba(X)
        return self.classes_[np.argmax(p, axis=1)]

    # --- training ------------------------------------------------------------------------
    def _optimizer(self):
        rate = _positive(self, "learning_rate_init", self.learning_rate_init)
        if self.solver == "adam":
            return optimizers.Adam(learning_rate=rate, beta_1=self.beta_1, beta_2=self.beta_2,
                                   epsilon=self.epsilon)
        return optimizers.SGD(learning_rate=rate, momentum=self.momentum,
                              nesterov=bool(self.nesterovs_momentum) and self.momentum > 0)

    def fit(self, X, y):
        """Train the network on (X, y); returns the estimator."""
        _choice(self, "activation", self.activation, tuple(_ACTIVATIONS))
        _choice(self, "solver", self.solver, ("adam", "sgd"))
        max_iter = _positive(self, "max_iter", self.max_iter, whole=True)
        patience = _positive(self, "n_iter_no_change", self.n_iter_no_change, whole=True)
        _positive(self, "alpha", self.alpha, zero=True)
        X, encoded = self._fit_data(X, y)
        n, d = X.shape
        if self.batch_size == "auto":
            batch = min(200, n)
        else:
            batch = min(_positive(self, "batch_size", self.batch_size, whole=True), n)
        columns = 1 if len(self.classes_) == 2 else len(self.classes_)
        rs = check_random_state(self.random_state)
        self.model_, self.n_outputs_ = self._build(d, columns, rs), columns
        optimizer = self._optimizer()
        # The training graph, from the model's own input placeholder and output, replayed
        # on every batch; the penalty's scale is fed, as the last batch may be smaller.
        x = self.model_.inputs[0]
        targets = self._targets(encoded, columns)
        y_leaf = tensor(targets[:1], name="y", requires_grad=False, dtype=targets.dtype)
        scale = tensor(self.dtype(0), name="penalty_scale", requires_grad=False, dtype=self.dtype)
        loss = self._loss(self.model_.outputs[0], y_leaf, scale)
        self.loss_graph_ = graph = Graph(loss).set_training(True)
        weights = self.model_.weights
        self.loss_curve_, self.best_loss_, stale = [], np.inf, 0
        for epoch in range(1, max_iter + 1):
            order = rs.permutation(n) if self.shuffle else np.arange(n)
            total = 0.0
            for start in range(0, n, batch):
                idx = order[start:start + batch]
                total += len(idx) * float(graph.forward(
                    {x: X[idx], y_leaf: targets[idx], scale: 0.5 * self.alpha / len(idx)}))
                graph.backward()
                optimizer.step(weights)
            self.loss_curve_.append(total / n)
            if self.verbose:
                print(f"Iteration {epoch}, loss = {self.loss_curve_[-1]:.8f}")
            stale = stale + 1 if self.loss_curve_[-1] > self.best_loss_ - self.tol else 0
            self.best_loss_ = min(self.best_loss_, self.loss_curve_[-1])
            if stale > patience:
                break
        else:
            warnings.warn(f"MLPClassifier: max_iter={max_iter} epochs reached before the loss "
                          "converged", ConvergenceWarning)
        self.loss_ = self.loss_curve_[-1]
        self.n_iter_, self.t_ = epoch, epoch * n
        self.n_layers_ = len(self.model_.layers) + 1
        self.out_activation_ = "logistic" if columns == 1 else "softmax"
        return self


class BernoulliRBM(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """A restricted Boltzmann machine, scikit-learn's ``BernoulliRBM``, as a graph.

    ``est.rbm_`` is models/rbm.py's :class:`~graphnet.models.rbm.BernoulliRBM`, trained
    by persistent contrastive divergence (one Gibbs step per batch) on its
    free-energy graph ``mean F(v_data) - mean F(v_negative)`` (``est.rbm_.cd_graph()``,
    drawn by ``gn.draw(est.graph())``). Inputs are read as probabilities in [0, 1].

    ``transform`` gives the features p(h = 1 | v); ``score_samples`` the
    pseudo-likelihood; ``gibbs`` one sampling step. Fitted: ``components_`` (hidden x
    visible), ``intercept_hidden_``, ``intercept_visible_``, ``n_features_in_``.
    """

    def __init__(self, n_components=256, *, learning_rate=0.1, batch_size=10, n_iter=10, verbose=0,
                 random_state=None):
        self.n_components, self.learning_rate, self.batch_size = n_components, learning_rate, batch_size
        self.n_iter, self.verbose, self.random_state = n_iter, verbose, random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float32"]  # the machine computes in float32
        return tags

    def _new_rbm(self):
        return _rbm.BernoulliRBM(
            n_components=_positive(self, "n_components", self.n_components, whole=True),
            learning_rate=_positive(self, "learning_rate", self.learning_rate),
            batch_size=_positive(self, "batch_size", self.batch_size, whole=True),
            n_iter=_positive(self, "n_iter", self.n_iter, whole=True, zero=True),
            seed=_seed(self.random_state), verbose=self.verbose)

    def _fitted(self):
        rbm = self.rbm_
        self.components_ = rbm.components_
        self.intercept_hidden_, self.intercept_visible_ = rbm.intercept_hidden_, rbm.intercept_visible_
        self._n_features_out = self.components_.shape[0]
        return self

    def _data(self, X):
        check_is_fitted(self)
        return validate_data(self, X, reset=False, dtype=np.float32)

    def fit(self, X, y=None):
        """``n_iter`` epochs of contrastive divergence over mini-batches of X."""
        X = validate_data(self, X, dtype=np.float32)
        self.rbm_ = self._new_rbm()
        self.rbm_.fit(X)
        return self._fitted()

    def partial_fit(self, X, y=None):
        """One CD update on the batch X (the first call starts the machine)."""
        first = not hasattr(self, "rbm_")
        X = validate_data(self, X, dtype=np.float32, reset=first)
        if first:
            self.rbm_ = self._new_rbm()
        self.rbm_.partial_fit(X)
        return self._fitted()

    def transform(self, X):
        """The hidden units' probabilities p(h = 1 | v), one row per sample."""
        X = self._data(X)  # first: it says "not fitted" when there is no machine yet
        return self.rbm_.transform(X)

    def gibbs(self, v):
        """One step of Gibbs sampling, v -> h -> v; returns the new visible sample (0/1)."""
        v = self._data(v)
        return self.rbm_.gibbs(v, steps=1)

    def score_samples(self, X):
        """The pseudo-likelihood of each row, as scikit-learn computes it: with one
        randomly chosen unit i flipped to give v', n_features · log σ(F(v') - F(v)),
        the free energies F from the FreeEnergy node."""
        v = self._data(X)
        flipped = v.copy()
        # A fresh generator from random_state, as scikit-learn: an int repeats the flips.
        i = check_random_state(self.random_state).randint(0, v.shape[1], v.shape[0])
        rows = np.arange(v.shape[0])
        flipped[rows, i] = 1 - flipped[rows, i]
        gap = self.rbm_.free_energy(flipped) - self.rbm_.free_energy(v)
        return -v.shape[1] * np.logaddexp(0, -gap)

    def graph(self):
        """The training graph mean F(v_data) - mean F(v_negative), for ``gn.draw``."""
        check_is_fitted(self)
        return self.rbm_.cd_graph()[0]
