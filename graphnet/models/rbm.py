"""Restricted Boltzmann machines and deep belief networks.

An RBM has a layer of visible units v (the pixels) and a layer of hidden units
h, every visible unit joined to every hidden unit and no unit joined to one of
its own layer. Both layers are **Bernoulli**: each unit is 0 or 1. A joint
state has an **energy**, and low energy means likely::

    E(v, h) = -aᵀv - bᵀh - vᵀWh          p(v, h) = exp(-E(v, h)) / Z

Summing h out in closed form gives the **free energy** of a visible vector::

    F(v) = -aᵀv - Σ_j log(1 + exp(b_j + (vᵀW)_j))       p(v) = exp(-F(v)) / Z

Both are graph nodes here (:class:`Energy`, :class:`FreeEnergy`), with fused
backward passes and ``expand()`` into primitive nodes. Because no two units of
a layer touch, each layer is independent given the other::

    p(h_j = 1 | v) = sigmoid(b_j + (vᵀW)_j)      p(v_i = 1 | h) = sigmoid(a_i + (Wh)_i)

**Contrastive divergence.** The log-likelihood's gradient is
``-∂F/∂θ`` at the data plus the model's average of ``∂F/∂θ``. CD-k estimates the
average with one "negative" sample: k steps of Gibbs sampling started from the
data (or, persistent CD, from where the last batch's chain stopped). So
training minimises

    L = mean F(v_data) - mean F(v_negative)        (v_negative a constant)

and the free-energy graph's gradients are the textbook CD update: for W,
``∂L/∂W = -(v_dataᵀ p(h|v_data) - v_negᵀ p(h|v_neg)) / n``
(:func:`textbook_cd_gradients` writes that out for comparison).

A **deep belief network** stacks RBMs, each trained on the hidden
probabilities of the one below (greedy layer-wise pre-training); the stack then
initialises a sigmoid ``Dense`` network that is fine-tuned with labels.
"""
import numpy as np

from ..core import Graph, Node
from ..nn import activations
from ..nn.layers import Dense
from ..ops.tensor import apply, constant, parameter, tensor
from ..train import optimizers as optimizers_module
from ..train.model import Sequential

__all__ = ["Energy", "FreeEnergy", "energy", "free_energy", "sigmoid", "softplus",
           "textbook_cd_gradients", "BernoulliRBM", "DBN"]


# --- the two quantities, as nodes ---------------------------------------------------------

def sigmoid(x):
    """1 / (1 + e^-x), without overflow."""
    return activations.Sigmoid().f(np.asarray(x))


def softplus(x):
    """log(1 + e^x), without overflow."""
    return np.logaddexp(0.0, x)


def _per_sample(g, v):
    """The upstream gradient, one value per sample, as an array (a scalar for one v)."""
    return np.asarray(g, dtype=np.result_type(v, np.float32))


def _outer(v, g, h):
    """Σ over samples of g · v hᵀ: a weight gradient (works for one sample or a batch)."""
    if np.ndim(v) == 1:
        return g * np.outer(v, h)
    return (v * g[:, None]).T @ h


def _weighted(x, g):
    """Σ over samples of g · x: a bias gradient."""
    return g * x if np.ndim(x) == 1 else g @ x


class Energy(Node):
    """E(v, h) = -aᵀv - bᵀh - vᵀWh for visible v, hidden h, weights W (visible x hidden),
    visible biases a and hidden biases b. A batch of states (rows of v and h) gives one
    energy per row.

    Backward (E is linear in each of v, h, a, b): ∂E/∂v = -(a + W h), ∂E/∂h = -(b + Wᵀv),
    ∂E/∂W = -v hᵀ, ∂E/∂a = -v, ∂E/∂b = -h, each times the upstream gradient and
    summed over the batch for the parameters.
    """

    formula = "-aᵀv - bᵀh - vᵀWh"
    derivatives = ("-(a + W h)", "-(b + Wᵀv)", "-v hᵀ", "-v", "-h")

    def forward(self, v, h, W, a, b):
        self.v, self.h, self.W, self.a, self.b = v, h, W, a, b
        return -(v @ a) - (h @ b) - np.sum((v @ W) * h, axis=-1)

    def backward(self, grad):
        v, h, W, a, b = self.v, self.h, self.W, self.a, self.b
        g = _per_sample(grad, v)
        gs = g[..., None]
        dv = (-(a + h @ W.T) * gs).astype(v.dtype) if self.wants(0) else None
        dh = (-(b + v @ W) * gs).astype(h.dtype) if self.wants(1) else None
        dW = (-_outer(v, g, h)).astype(W.dtype) if self.wants(2) else None
        return dv, dh, dW, (-_weighted(v, g)).astype(a.dtype), (-_weighted(h, g)).astype(b.dtype)

    def expand(self, v, h, W, a, b):
        return -(v @ a) - (h @ b) - ((v @ W) * h).sum(axis=-1)

    @staticmethod
    def examples(rng):
        V, H = 4, 3
        W, a, b = rng.normal(size=(V, H)), rng.normal(size=V), rng.normal(size=H)
        return [(Energy(), (rng.random((5, V)), rng.random((5, H)), W, a, b)),
                (Energy(), (rng.random(V), rng.random(H), W, a, b))]


class FreeEnergy(Node):
    """F(v) = -aᵀv - Σ_j softplus(b_j + (vᵀW)_j), the energy with h summed out:
    exp(-F(v)) = Σ_h exp(-E(v, h)). One value per row of v.

    Backward, with p = sigmoid(b + vᵀW) = p(h = 1 | v):
    ∂F/∂v = -(a + W p), ∂F/∂W = -v pᵀ, ∂F/∂a = -v, ∂F/∂b = -p
    (times the upstream gradient, summed over the batch for the parameters).
    The softplus' derivative is the sigmoid, which is why p(h | v) appears.
    """

    formula = "-aᵀv - Σ log(1 + e^(b + vᵀW))"
    derivatives = ("-(a + W p)", "-v pᵀ", "-v", "-p  (p = σ(b + vᵀW))")

    def forward(self, v, W, a, b):
        x = v @ W + b
        self.v, self.W, self.a, self.p, self.b_dtype = v, W, a, sigmoid(x), b.dtype
        return (-(v @ a) - softplus(x).sum(axis=-1)).astype(np.result_type(v, W))

    def backward(self, grad):
        v, W, a, p = self.v, self.W, self.a, self.p
        g = _per_sample(grad, v)
        dv = (-(a + p @ W.T) * g[..., None]).astype(v.dtype) if self.wants(0) else None
        dW = (-_outer(v, g, p)).astype(W.dtype) if self.wants(1) else None
        return dv, dW, (-_weighted(v, g)).astype(a.dtype), (-_weighted(p, g)).astype(self.b_dtype)

    def expand(self, v, W, a, b):
        return -(v @ a) - (1.0 + (v @ W + b).exp()).log().sum(axis=-1)

    @staticmethod
    def examples(rng):
        V, H = 4, 3
        W, a, b = rng.normal(size=(V, H)), rng.normal(size=V), rng.normal(size=H)
        return [(FreeEnergy(), (rng.random((5, V)), W, a, b)),
                (FreeEnergy(), ((rng.random((2, V)) > 0.5) * 1.0, W, a, b)),
                (FreeEnergy(), (rng.random(V), W, a, b))]


def energy(v, h, W, a, b):
    """The energy node applied to tensors (or arrays): E(v, h), one per row."""
    return apply(Energy(), v, h, W, a, b)


def free_energy(v, W, a, b):
    """The free-energy node applied to tensors (or arrays): F(v), one per row."""
    return apply(FreeEnergy(), v, W, a, b)


def textbook_cd_gradients(v_data, v_negative, W, a, b):
    """The CD update written out by hand, as in Hinton's guide: ``(dW, da, db)`` with

        dW = (v_dataᵀ p(h|v_data) - v_negᵀ p(h|v_neg)) / n
        da = mean(v_data - v_neg),   db = mean(p(h|v_data) - p(h|v_neg)).

    This is the *negative* gradient of mean F(v_data) - mean F(v_neg); the tests
    and the tutorial check that the free-energy graph gives the same numbers.
    """
    n = len(v_data)
    p_data, p_neg = sigmoid(v_data @ W + b), sigmoid(v_negative @ W + b)
    return ((v_data.T @ p_data - v_negative.T @ p_neg) / n,
            (v_data - v_negative).mean(axis=0), (p_data - p_neg).mean(axis=0))


# --- the machine ----------------------------------------------------------------------------

class BernoulliRBM:
    """An RBM with binary visible and hidden units, trained by contrastive divergence.

    Named and shaped like scikit-learn's ``BernoulliRBM``: ``fit(X)``,
    ``transform(X)`` (the hidden probabilities p(h = 1 | v), the features),
    ``gibbs(v)``, ``components_`` (hidden x visible), ``intercept_hidden_`` and
    ``intercept_visible_``. Visible values in [0, 1] are read as probabilities.

    Training builds one graph, ``mean F(v_data) - mean F(v_negative)``, and replays
    it every batch; its gradients for W, a and b go to the optimizer (plain SGD
    with ``learning_rate`` by default, which makes each step exactly the CD rule).

    k             Gibbs steps per negative sample (CD-k);
    persistent    keep the negative chains running across batches (PCD, as
                  scikit-learn does) instead of restarting them at the data.
    """

    def __init__(self, n_components=64, learning_rate=0.1, batch_size=10, n_iter=10, k=1,
                 persistent=True, optimizer=None, init_std=0.01, seed=0, verbose=0):
        self.n_components, self.learning_rate = int(n_components), learning_rate
        self.batch_size, self.n_iter, self.k = int(batch_size), int(n_iter), int(k)
        if self.k < 1:
            raise ValueError(f"BernoulliRBM: k (Gibbs steps) must be at least 1, got {k}")
        self.persistent, self.init_std, self.verbose = persistent, init_std, verbose
        self.optimizer = optimizers_module.get(optimizer) if optimizer is not None else \
            optimizers_module.SGD(learning_rate)
        self.rng = np.random.default_rng(seed)
        self.W = None
        self.history = {"reconstruction_error": [], "free_energy_gap": []}

    # parameters ---------------------------------------------------------------------
    def _build(self, n_features):
        H = self.n_components
        self.W = parameter(self.rng.normal(0, self.init_std, (n_features, H)).astype(np.float32),
                           name="W")
        self.a = parameter(np.zeros(n_features, np.float32), name="a")  # visible biases
        self.b = parameter(np.zeros(H, np.float32), name="b")           # hidden biases
        self._graph = None
        self._chain = None

    @property
    def params(self):
        return [self.W, self.a, self.b]

    @property
    def components_(self):
        """One row of weights per hidden unit (hidden x visible), like scikit-learn."""
        return np.array(self.W.value.T)

    @property
    def intercept_hidden_(self):
        return np.array(self.b.value)

    @property
    def intercept_visible_(self):
        return np.array(self.a.value)

    def _check(self, X):
        X = np.asarray(X, dtype=np.float32)
        if X.ndim != 2:
            raise ValueError(f"BernoulliRBM expects a batch of rows (n, features), got shape {X.shape}")
        if self.W is not None and X.shape[1] != self.W.shape[0]:
            raise ValueError(f"BernoulliRBM has {self.W.shape[0]} visible units, got data with "
                             f"{X.shape[1]} features")
        return X

    # the conditionals ---------------------------------------------------------------
    def hidden_probabilities(self, v):
        """p(h = 1 | v) = sigmoid(b + vᵀW), one row per row of v."""
        return sigmoid(np.asarray(v, np.float32) @ self.W.value + self.b.value)

    def visible_probabilities(self, h):
        """p(v = 1 | h) = sigmoid(a + W h)."""
        return sigmoid(np.asarray(h, np.float32) @ self.W.value.T + self.a.value)

    def _bernoulli(self, p):
        return (self.rng.random(p.shape) < p).astype(np.float32)

    def sample_hidden(self, v):
        return self._bernoulli(self.hidden_probabilities(v))

    def sample_visible(self, h):
        return self._bernoulli(self.visible_probabilities(h))

    def gibbs(self, v, steps=1):
        """``steps`` rounds of block Gibbs sampling, v -> h -> v, from ``v``; returns
        the last visible sample (binary)."""
        v = self._check(v)
        for _ in range(steps):
            v = self.sample_visible(self.sample_hidden(v))
        return v

    def transform(self, X):
        """The features: hidden probabilities p(h = 1 | v)."""
        return self.hidden_probabilities(self._check(X))

    def reconstruct(self, X):
        """Mean-field reconstruction: p(v = 1 | h) at h = p(h = 1 | v)."""
        return self.visible_probabilities(self.transform(X))

    def free_energy(self, X):
        """F(v) for every row, computed by the FreeEnergy node."""
        return np.asarray(apply(FreeEnergy(), constant(self._check(X)), self.W, self.a, self.b).value)

    def energy(self, v, h):
        """E(v, h) for every row pair, computed by the Energy node."""
        return np.asarray(apply(Energy(), constant(self._check(v)), constant(np.asarray(h, np.float32)),
                                self.W, self.a, self.b).value)

    # training -----------------------------------------------------------------------
    def cd_graph(self):
        """The training graph ``mean F(v_data) - mean F(v_negative)`` (built once);
        returns ``(graph, v_data, v_negative)``: feed the two leaves, then backward."""
        if self._graph is None:
            zeros = np.zeros((1, self.W.shape[0]), np.float32)
            v_data = tensor(zeros, name="v_data", requires_grad=False)
            v_negative = constant(zeros, name="v_negative")
            f_data = apply(FreeEnergy(name="F_data"), v_data, self.W, self.a, self.b)
            f_negative = apply(FreeEnergy(name="F_negative"), v_negative, self.W, self.a, self.b)
            loss = f_data.mean() - f_negative.mean()
            loss.name = "cd_loss"
            self._graph = (Graph(loss), v_data, v_negative)
        return self._graph

    def negative_sample(self, v_data):
        """The CD-k negative sample: k Gibbs steps from the data, or, persistent,
        from where the chains stopped last time."""
        start = v_data
        if self.persistent:
            if self._chain is None or self._chain.shape != v_data.shape:
                self._chain = self._bernoulli(v_data)
            start = self._chain
        v = self.gibbs(start, self.k)
        if self.persistent:
            self._chain = v
        return v

    def cd_gradients(self, v_data, v_negative=None):
        """The free-energy graph's gradients ``(dW, da, db)`` of
        mean F(v_data) - mean F(v_negative); -1 times them is the CD update."""
        graph, leaf_data, leaf_negative = self.cd_graph()
        v_data = self._check(v_data)
        if v_negative is None:
            v_negative = self.negative_sample(v_data)
        graph.forward({leaf_data: v_data, leaf_negative: np.asarray(v_negative, np.float32)})
        graph.backward()
        return self.W.grad, self.a.grad, self.b.grad

    def partial_fit(self, X):
        """One CD update on the batch ``X``; returns the free-energy gap
        mean F(v_data) - mean F(v_negative) before the update."""
        X = self._check(X)
        if self.W is None:
            self._build(X.shape[1])
        self.cd_gradients(X)
        self.optimizer.step(self.params)
        return float(self._graph[0].output_values())

    def fit(self, X, y=None):
        """``n_iter`` epochs of CD over shuffled mini-batches. Records, per epoch, the
        mean squared reconstruction error and the mean free-energy gap."""
        X = self._check(X)
        if self.W is None:
            self._build(X.shape[1])
        n = len(X)
        for epoch in range(self.n_iter):
            order = self.rng.permutation(n)
            gaps = [self.partial_fit(X[order[s:s + self.batch_size]])
                    for s in range(0, n, self.batch_size)]
            error = float(np.mean((self.reconstruct(X) - X) ** 2))
            self.history["reconstruction_error"].append(error)
            self.history["free_energy_gap"].append(float(np.mean(gaps)))
            if self.verbose:
                print(f"RBM epoch {epoch + 1}/{self.n_iter} - reconstruction error {error:.4f}")
        return self

    def fit_transform(self, X, y=None):
        return self.fit(X).transform(X)


# --- deep belief networks -------------------------------------------------------------------

class DBN:
    """A deep belief network: RBMs stacked and trained greedily, layer by layer, then
    a sigmoid ``Dense`` stack initialised from them and fine-tuned with labels.

        dbn = DBN([100, 50], n_iter=10, learning_rate=0.05)
        dbn.pretrain(X)                       # RBM 1 on X, RBM 2 on RBM 1's features...
        dbn.fine_tune(X, y, epochs=20)        # backprop through the whole stack
        dbn.model.evaluate(X_test, y_test)

    Keyword arguments go to every :class:`BernoulliRBM`.
    """

    def __init__(self, hidden_sizes=(100, 50), seed=0, **rbm_options):
        self.hidden_sizes = [int(h) for h in hidden_sizes]
        self.rbms = [BernoulliRBM(n_components=h, seed=seed + i, **rbm_options)
                     for i, h in enumerate(self.hidden_sizes)]
        self.model = None

    def pretrain(self, X):
        """Greedy layer-wise training: each RBM learns the features of the one below."""
        features = np.asarray(X, np.float32)
        for rbm in self.rbms:
            features = rbm.fit(features).transform(features)
        return self

    def transform(self, X):
        """The top layer's features, through every RBM in turn."""
        features = np.asarray(X, np.float32)
        for rbm in self.rbms:
            features = rbm.transform(features)
        return features

    def to_model(self, n_classes, optimizer="adam", from_rbms=True):
        """A compiled ``Sequential``: one ``Dense(sigmoid)`` per RBM, with the RBM's W and
        hidden biases b as kernel and bias (``from_rbms=False``: a fresh random
        initialisation, for comparison), then ``Dense(n_classes, softmax)``."""
        n_features = self.rbms[0].W.shape[0] if self.rbms[0].W is not None else None
        if n_features is None:
            raise ValueError("DBN: pretrain(X) before to_model()")
        layers = [Dense(h, activation="sigmoid", name=f"rbm_{i + 1}",
                        **({"input_shape": (n_features,)} if i == 0 else {}))
                  for i, h in enumerate(self.hidden_sizes)]
        model = Sequential(layers + [Dense(n_classes, activation="softmax", name="classes")],
                           name="dbn" if from_rbms else "dbn_from_scratch")
        if from_rbms:
            for layer, rbm in zip(layers, self.rbms):
                layer.set_weights([rbm.W.value, rbm.b.value])
        model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        return model

    def fine_tune(self, X, y, n_classes=None, epochs=10, batch_size=32, optimizer="adam",
                  verbose=0, validation_data=None):
        """Supervised fine-tuning with backprop through the pre-trained stack;
        the model is ``self.model``. Returns the History."""
        y = np.asarray(y)
        n_classes = int(n_classes or y.max() + 1)
        self.model = self.to_model(n_classes, optimizer=optimizer)
        return self.model.fit(np.asarray(X, np.float32), y, epochs=epochs, batch_size=batch_size,
                              verbose=verbose, validation_data=validation_data)
