"""Rosenblatt's perceptron as a graph, and why its learning rule is gradient descent.

The perceptron is one neuron with a threshold (step) activation::

    z = w · x + b          (MatMul and Add nodes; w and b are parameters)
    ŷ = step(z)            (the Step node: 1 where z >= 0, else 0)

Its **learning rule** goes through the data one sample at a time and, on every
mistake, moves the weights towards the sample (or away from it)::

    w += lr · (y - ŷ) · x          b += lr · (y - ŷ)          (labels y, ŷ in {0, 1})

**The rule is gradient descent.** The step has derivative 0 wherever it has one,
so no gradient flows through ŷ: gradient descent cannot train the step unit by
way of a loss on ŷ. It can train it on the *perceptron criterion*, a loss on z
with labels t = 2y - 1 in {-1, 1}::

    L(w, b) = max(0, -t · z)      (graphnet.nn.Hinge(margin=0), perceptron_criterion)

For a correctly classified sample (t · z > 0) L is 0 and so is its gradient; for
a misclassified one (t · z < 0), dL/dw = -t · x and dL/db = -t. One step of
gradient descent with learning rate lr on one sample (batch size 1) is then
w -= lr · (-t · x) = w + lr · t · x, and t = y - ŷ on a mistake: the rule.
:meth:`Perceptron.update_both_ways` computes both updates, the second from the
graph's own backward pass, and ``fit(method="gradient")`` trains with graphnet's
SGD optimizer on the criterion graph and lands on the same weights.

One fine point: at z = 0 exactly the step says 1, so a sample of class 0 there
is a mistake for the rule, while the criterion sits on its kink (L = 0, and the
library takes the zero slope). The rule takes the other one-sided slope, -t·x,
which is also a valid subgradient. Starting from small random weights (the
default) z is never exactly 0 and the two agree update for update; with
``init="zeros"`` the very first updates of class-0 samples differ.

A perceptron converges on linearly separable data (Novikoff's theorem: at most
(R / margin)² mistakes) and can never classify XOR: no straight line puts
(0, 0) and (1, 1) on one side and (0, 1) and (1, 0) on the other. One hidden
layer fixes that (:func:`xor_mlp`).
"""
from types import SimpleNamespace

import numpy as np

from .. import config
from ..core import Graph
from ..nn import activations, losses
from ..ops.tensor import constant, parameter, tensor
from ..train import optimizers


class Perceptron:
    """One step unit ŷ = step(w · x + b) with weights ``w`` and bias ``b`` as graph parameters.

    >>> p = Perceptron(2, learning_rate=1.0)
    >>> p.fit(X, y)                       # the learning rule, epoch after epoch
    >>> p.predict(X), p.score(X, y)

    ``init``: ``"random"`` (small normal weights from ``seed``, the default) or
    ``"zeros"`` (the textbook start). Labels may be 0/1 or -1/1.
    """

    def __init__(self, n_features, learning_rate=1.0, init="random", seed=0, dtype=None):
        if int(n_features) != n_features or n_features < 1:
            raise ValueError(f"Perceptron needs a positive number of features, got {n_features!r}")
        if not learning_rate > 0:
            raise ValueError(f"Perceptron needs a positive learning rate, got {learning_rate!r}")
        if init not in ("random", "zeros"):
            raise ValueError(f"Perceptron init is 'random' or 'zeros', not {init!r}")
        self.n_features, self.learning_rate, self.init = int(n_features), float(learning_rate), init
        self.dtype = np.dtype(dtype or config.floatx())
        if init == "zeros":
            w0, b0 = np.zeros(self.n_features), 0.0
        else:
            gen = np.random.default_rng(seed)
            w0, b0 = gen.normal(0.0, 0.01, size=self.n_features), gen.normal(0.0, 0.01)
        self.w = parameter(np.asarray(w0, self.dtype), name="w")
        self.b = parameter(self.dtype.type(b0), name="b")
        self.history = {"mistakes": [], "accuracy": []}
        self._graphs = {}

    def __repr__(self):
        return (f"Perceptron(w={np.array2string(np.asarray(self.w.value), precision=4)}, "
                f"b={float(self.b.value):.4g})")

    # --- the graph -----------------------------------------------------------------
    def _sample(self, x, name="x"):
        x = np.asarray(x, dtype=self.dtype)
        if x.shape[-1:] != (self.n_features,):
            raise ValueError(f"Perceptron with {self.n_features} features got input of shape {x.shape}")
        return tensor(x, name=name, requires_grad=False)

    def net_input(self, x):
        """z = w · x + b as a graph (a Tensor) for one sample or a batch of rows."""
        wx = self._sample(x) @ self.w
        wx.name = "w·x"
        z = wx + self.b
        z.name = "z"
        return z

    def output(self, x):
        """ŷ = step(z) as a graph: draw it with ``graphnet.draw(p.output(x))``."""
        y_hat = activations.step(self.net_input(x))
        y_hat.name = "ŷ"
        return y_hat

    def criterion(self, x, y):
        """The perceptron criterion max(0, -t · z) for a sample (or mean over a batch),
        t = ±1, as a graph whose backward gives dL/dw and dL/db."""
        t = constant(_signs(y), name="t", dtype=self.dtype)
        loss = losses.perceptron_criterion(t, self.net_input(x))
        loss.name = "L"
        return loss

    def _replay(self, kind):
        """One graph per kind, traced once on a placeholder sample, then replayed
        with each new sample: the weights are read afresh at every forward."""
        if kind not in self._graphs:
            x = tensor(np.zeros(self.n_features, self.dtype), name="x", requires_grad=False)
            z = x @ self.w + self.b
            if kind == "predict":
                out, t = activations.step(z), None
            else:
                t = tensor(self.dtype.type(1.0), name="t", requires_grad=False)
                out = losses.perceptron_criterion(t, z)
            self._graphs[kind] = (Graph(out), x, t)
        return self._graphs[kind]

    # --- using it -------------------------------------------------------------------
    def decision_function(self, X):
        """z = w · x + b for each row of X (NumPy)."""
        return np.asarray(X, dtype=self.dtype) @ np.asarray(self.w.value) + self.b.value

    def predict(self, X):
        """Class labels 0/1, computed by the graph step(X w + b)."""
        return self.output(X).numpy().astype(np.int64)

    def score(self, X, y):
        """Accuracy on (X, y)."""
        return float(np.mean(self.predict(X) == _zero_one(y)))

    # --- learning: the rule and the gradient ----------------------------------------
    def predict_one(self, x):
        graph, x_ph, _ = self._replay("predict")
        return float(graph.forward({x_ph: np.asarray(x, self.dtype)}))

    def rule_update(self, x, y):
        """The perceptron rule's change (Δw, Δb) = lr · (y - ŷ) · (x, 1), labels 0/1."""
        error = _zero_one(y) - self.predict_one(x)
        x = np.asarray(x, self.dtype)
        step = self.dtype.type(self.learning_rate * error)
        return step * x, step

    def gradient_update(self, x, y):
        """Gradient descent's change (Δw, Δb) = -lr · (dL/dw, dL/db) on the perceptron
        criterion of this one sample, the gradients coming from the graph's backward."""
        graph, x_ph, t_ph = self._replay("criterion")
        graph.forward({x_ph: np.asarray(x, self.dtype), t_ph: _signs(y)})
        graph.backward()
        lr = self.dtype.type(self.learning_rate)
        return -lr * graph.grad(self.w), -lr * graph.grad(self.b)

    def update_both_ways(self, x, y):
        """Both changes for one sample, side by side: ``.rule`` and ``.gradient``
        (each a (Δw, Δb) pair), ``.mistake`` and ``.equal``. Changes nothing."""
        rule, grad = self.rule_update(x, y), self.gradient_update(x, y)
        equal = all(np.array_equal(np.asarray(r), np.asarray(g)) for r, g in zip(rule, grad))
        return SimpleNamespace(rule=rule, gradient=grad, mistake=bool(np.any(rule[0]) or rule[1]),
                               equal=equal)

    def fit(self, X, y, epochs=100, method="rule", shuffle=False, seed=0):
        """Pass over the samples one at a time, for at most ``epochs`` epochs,
        stopping after the first epoch without a mistake.

        ``method="rule"`` applies the perceptron rule; ``method="gradient"`` runs
        graphnet's SGD (batch size 1) on the perceptron criterion graph. Records
        ``history["mistakes"]`` and ``history["accuracy"]`` (after each epoch).
        Returns the history.
        """
        if method not in ("rule", "gradient"):
            raise ValueError(f"fit(method=...) is 'rule' or 'gradient', not {method!r}")
        X = np.asarray(X, dtype=self.dtype)
        y = _zero_one(y)
        if X.ndim != 2 or X.shape[1] != self.n_features or len(X) != len(y):
            raise ValueError(f"Perceptron with {self.n_features} features needs X of shape "
                             f"(n, {self.n_features}) and n labels, got {X.shape} and {y.shape}")
        sgd = optimizers.SGD(learning_rate=self.learning_rate) if method == "gradient" else None
        gen = np.random.default_rng(seed)
        self.history = {"mistakes": [], "accuracy": []}
        for _ in range(epochs):
            order = gen.permutation(len(X)) if shuffle else range(len(X))
            mistakes = 0
            for i in order:
                wrong = self.predict_one(X[i]) != y[i]
                mistakes += wrong
                if method == "rule":
                    if wrong:
                        dw, db = self.rule_update(X[i], y[i])
                        self.w.value = self.w.value + dw
                        self.b.value = self.b.value + db
                else:
                    graph, x_ph, t_ph = self._replay("criterion")
                    graph.forward({x_ph: X[i], t_ph: _signs(y[i])})
                    graph.backward()
                    sgd.step([self.w, self.b])
            self.history["mistakes"].append(int(mistakes))
            self.history["accuracy"].append(self.score(X, y))
            if mistakes == 0:
                break
        return self.history

    @property
    def converged(self):
        """True when the last epoch of ``fit`` made no mistake."""
        return bool(self.history["mistakes"]) and self.history["mistakes"][-1] == 0

    def boundary(self):
        """The decision line w0 x0 + w1 x1 + b = 0 as (slope, intercept) of x1 over x0
        (2-D perceptrons only; None for a vertical line)."""
        w = np.asarray(self.w.value, dtype=np.float64)
        if w.shape != (2,):
            raise ValueError("boundary() is for perceptrons with two features")
        if w[1] == 0:
            return None
        return -w[0] / w[1], -float(self.b.value) / w[1]


def _zero_one(y):
    """Labels as 0/1 integers (from 0/1 or -1/1)."""
    y = np.asarray(y)
    return (y > 0).astype(np.int64)


def _signs(y):
    """Labels as -1/1 floats (from 0/1 or -1/1)."""
    return np.where(np.asarray(y) > 0, 1.0, -1.0)


def xor_mlp(hidden=8, activation="tanh", learning_rate=0.05):
    """The multilayer perceptron that solves XOR: 2 inputs -> ``hidden`` units -> 1
    sigmoid output, compiled with Adam and binary cross-entropy."""
    from ..nn.layers import Dense, Input
    from ..train import Sequential
    model = Sequential([Input((2,)), Dense(hidden, activation=activation, name="hidden"),
                        Dense(1, activation="sigmoid", name="output")], name="xor_mlp")
    model.compile(optimizers.Adam(learning_rate=learning_rate), "binary_crossentropy",
                  metrics=["accuracy"])
    return model
