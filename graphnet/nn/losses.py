"""Losses as nodes, called Keras' way: ``loss(y_true, y_pred)``.

Each loss computes a value per sample (reducing the last axis, as Keras does),
then reduces over the samples: ``reduction='mean'`` (the default), ``'sum'`` or
``'none'``. Targets are data: their gradient is ``None``.

Numerically stable: logits go through log-sum-exp or the log1p form, and
probabilities are clipped to [1e-7, 1 - 1e-7] where Keras clips, so inputs of
+-1000 or probabilities of exactly 0 or 1 give finite losses and gradients.
"""
import copy

import numpy as np

from ..core import Node, ShapeError
from ..core.errors import did_you_mean
from ..kernels.dispatch import as_array
from ..ops import functional as F
from ..ops.tensor import Tensor, apply, constant
from ..ops.tensor import as_array as leaf_value

EPSILON = 1e-7  # Keras' backend epsilon


class Loss(Node):
    """Base of the losses: ``per_sample(t, p) -> (loss per sample, d loss / d p)``.

    Each loss class's ``symbol`` is its Keras function name, which drawings show
    and which names its nodes as Keras names things: categorical_crossentropy,
    then categorical_crossentropy_1, categorical_crossentropy_2...
    """

    abstract = True
    sparse = False  # sparse targets are class indices, not arrays shaped like y_pred

    def __init__(self, reduction="mean", name=None):
        super().__init__(name)
        if reduction not in ("mean", "sum", "none"):
            raise ValueError(f"reduction must be 'mean', 'sum' or 'none', not {reduction!r}")
        self.reduction = reduction

    @property
    def name(self):
        # The class's own symbol: a subclass counts its ids apart, so it must not
        # reuse its parent's name. Ids count from 1; Keras' suffixes from none, then _1.
        symbol = type(self).__dict__.get("symbol")
        if self._name or not symbol:
            return super().name
        return symbol if self.id == 1 else f"{symbol}_{self.id - 1}"

    def describe(self):
        return "" if self.reduction == "mean" else f"reduction={self.reduction}"

    def targets(self, y_true, y_pred):
        if y_true.dtype.kind == "b":  # pandas' get_dummies gives bool one-hot columns; NumPy has no -True
            y_true = y_true.astype(y_pred.dtype)
        if y_true.shape != y_pred.shape:
            if y_true.size != y_pred.size:
                raise ShapeError(f"{self!r} expects y_true shaped like y_pred, got y_true "
                                 f"{y_true.shape} and y_pred {y_pred.shape}")
            y_true = y_true.reshape(y_pred.shape)  # (n,) against (n, 1): Keras squeezes too
        return y_true

    def forward(self, y_true, y_pred):
        y_pred = as_array(y_pred)
        t = self.targets(as_array(y_true), y_pred)
        # A 1-D y_pred holds one value per sample; otherwise the last axis is reduced.
        self.per_axis = y_pred.ndim >= 2 or self.sparse
        loss, self.dpred = self.per_sample(t, y_pred)
        self.samples = loss.shape
        self.dtype = y_pred.dtype
        if self.reduction == "none":
            return loss.astype(y_pred.dtype)
        total = loss.sum() if self.reduction == "sum" else loss.mean()
        with np.errstate(over="ignore"):  # a diverged float32 loss is inf, as it should be
            return total.astype(y_pred.dtype)

    def backward(self, grad):
        if self.reduction == "mean":
            grad = grad / max(int(np.prod(self.samples)), 1)
        g = np.broadcast_to(grad, self.samples)
        if self.per_axis:
            g = g[..., None]
        return None, (g * self.dpred).astype(self.dtype)

    def mean_last(self, elementwise):
        """Per-sample mean over the last axis, and the 1/k it contributes to gradients."""
        if not self.per_axis:
            return elementwise, 1.0
        return elementwise.mean(axis=-1), 1.0 / elementwise.shape[-1]

    def reduce_tensor(self, per_sample):
        """The reduction, in primitive nodes (for ``expand``)."""
        if self.reduction == "none":
            return per_sample
        return per_sample.sum() if self.reduction == "sum" else per_sample.mean()

    def tensor_mean_last(self, elementwise):
        return elementwise.mean(axis=-1) if self.per_axis else elementwise

    def expand(self, y_true, y_pred):
        y_true = _as_target(y_true, y_pred, self.sparse)
        self.per_axis = y_pred.ndim >= 2 or self.sparse
        return self.reduce_tensor(self.expanded_per_sample(y_true, y_pred))


def _as_target(y_true, y_pred, sparse=False):
    # A list of targets takes the prediction's float type, as in the fused node;
    # class indices stay whole numbers.
    if isinstance(y_true, Tensor):
        value = y_true.value
    else:
        value = np.asarray(y_true) if sparse else leaf_value(y_true, floats=np.result_type(y_pred.value))
    if value.shape != y_pred.shape and value.size == int(np.prod(y_pred.shape)):
        value = value.reshape(y_pred.shape)
    return constant(value, dtype=value.dtype)


def _targets_and_predictions(rng, shape=(4, 3)):
    return rng.normal(size=shape), rng.normal(size=shape)


# Sequence outputs: (n, T, k) has n * T samples (a mean divides by both), and (n, T)
# reduces its last axis, T, as Keras does.
_SEQUENCES = ((3, 4, 2), (3, 4))


def _label_needs(node):
    node.needs = (False, True)  # targets are data
    return node


class MeanSquaredError(Loss):
    symbol = "mean_squared_error"
    formula = "mean((p - y)²)"
    derivatives = (None, "2(p - y) / n")

    def per_sample(self, t, p):
        diff = p - t
        loss, k = self.mean_last(diff * diff)
        return loss, 2.0 * k * diff

    def expanded_per_sample(self, t, p):
        return self.tensor_mean_last((p - t) ** 2)

    @staticmethod
    def examples(rng):
        return [(_label_needs(MeanSquaredError()), _targets_and_predictions(rng)),
                (_label_needs(MeanSquaredError("sum")), _targets_and_predictions(rng, (5,))),
                (_label_needs(MeanSquaredError("none")), _targets_and_predictions(rng)),
                *[(_label_needs(MeanSquaredError()), _targets_and_predictions(rng, s)) for s in _SEQUENCES],
                (_label_needs(MeanSquaredError("none")), _targets_and_predictions(rng, _SEQUENCES[0]))]


class MeanAbsoluteError(Loss):
    symbol = "mean_absolute_error"
    formula = "mean(|p - y|)"
    derivatives = (None, "sign(p - y) / n")

    def per_sample(self, t, p):
        diff = p - t
        loss, k = self.mean_last(np.abs(diff))
        return loss, k * np.sign(diff)

    def expanded_per_sample(self, t, p):
        return self.tensor_mean_last((p - t).abs())

    @staticmethod
    def examples(rng):
        return [(_label_needs(MeanAbsoluteError()), _targets_and_predictions(rng)),
                *[(_label_needs(MeanAbsoluteError()), _targets_and_predictions(rng, s)) for s in _SEQUENCES]]


class BinaryCrossentropy(Loss):
    """-[y log p + (1 - y) log(1 - p)]: log-loss, for a sigmoid output.

    ``from_logits=True`` takes z with p = sigmoid(z) and uses the stable form
    max(z, 0) - z y + log(1 + e^-|z|), whose gradient is sigmoid(z) - y.
    """

    symbol = "binary_crossentropy"
    formula = "-[y ln p + (1-y) ln(1-p)]"
    derivatives = (None, "(p - y) / (p(1 - p))")

    def __init__(self, from_logits=False, reduction="mean", name=None):
        super().__init__(reduction, name)
        self.from_logits = from_logits
        if from_logits:
            self.derivatives = (None, "σ(z) - y")

    def describe(self):
        return ", ".join(filter(None, ["from_logits" if self.from_logits else "", super().describe()]))

    def targets(self, y_true, y_pred):
        # Labels (or soft labels) are probabilities: {0, 2} or {-1, 1} would train to a
        # meaningless loss. Labels on a GPU are not checked: that would copy them back.
        t = super().targets(y_true, y_pred)
        if isinstance(t, np.ndarray) and t.size and not np.all((t >= 0) & (t <= 1)):
            bad = np.unique(t[~((t >= 0) & (t <= 1))])
            shown = ", ".join(f"{v:g}" for v in bad[:5]) + (", ..." if bad.size > 5 else "")
            raise ShapeError(f"{self!r} expects labels in [0, 1] (classes 0 and 1, or probabilities), "
                             f"got {shown}")
        return t

    def per_sample(self, t, p):
        if self.from_logits:
            loss, k = self.mean_last(np.maximum(p, 0) - p * t + np.log1p(np.exp(-np.abs(p))))
            e = np.exp(-np.abs(p))
            sig = np.where(p >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
            return loss, k * (sig - t)
        inside = (p >= EPSILON) & (p <= 1 - EPSILON)  # clipping passes no gradient outside
        pc = np.clip(p, EPSILON, 1 - EPSILON)
        loss, k = self.mean_last(-(t * np.log(pc) + (1 - t) * np.log(1 - pc)))
        return loss, k * inside * (pc - t) / (pc * (1 - pc))

    def expanded_per_sample(self, t, p):
        if self.from_logits:
            return self.tensor_mean_last(F.maximum(p, 0.0) - p * t + (1.0 + F.exp(-p.abs())).log())
        pc = F.minimum(F.maximum(p, EPSILON), 1 - EPSILON)
        return self.tensor_mean_last(-(t * pc.log() + (1.0 - t) * (1.0 - pc).log()))

    @staticmethod
    def examples(rng):
        t = (rng.uniform(size=(4, 2)) > 0.5).astype(float)
        return [(_label_needs(BinaryCrossentropy()), (t, rng.uniform(0.05, 0.95, (4, 2)))),
                (_label_needs(BinaryCrossentropy(from_logits=True)), (t, rng.normal(size=(4, 2)) * 3)),
                (_label_needs(BinaryCrossentropy(reduction="sum")), (t[:, 0], rng.uniform(0.1, 0.9, 4))),
                *[(_label_needs(BinaryCrossentropy(from_logits=logits)),
                   ((rng.uniform(size=s) > 0.5) * 1.0, rng.normal(size=s) if logits else rng.uniform(0.05, 0.95, s)))
                  for s in _SEQUENCES for logits in (False, True)]]


class CategoricalCrossentropy(Loss):
    """-Σ y log p over the classes (one-hot or probability targets).

    With probabilities, p is renormalised to sum to 1 and clipped, as Keras does.
    ``from_logits=True`` fuses softmax and cross-entropy: the loss is computed
    with log-softmax, and the gradient is the simple p - y, with p = softmax(z).
    """

    symbol = "categorical_crossentropy"
    formula = "-Σ y ln p"
    derivatives = (None, "-y / p")

    def __init__(self, from_logits=False, reduction="mean", name=None):
        super().__init__(reduction, name)
        self.from_logits = from_logits
        if from_logits:
            self.derivatives = (None, "softmax(z) - y")

    def describe(self):
        return ", ".join(filter(None, ["from_logits" if self.from_logits else "", super().describe()]))

    def per_sample(self, t, p):
        self.per_axis = True
        if self.from_logits:
            shifted = p - p.max(axis=-1, keepdims=True)
            log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
            probs = np.exp(log_p)
            # p - y for one-hot (or any targets summing to 1) rows.
            return -(t * log_p).sum(axis=-1), probs * t.sum(axis=-1, keepdims=True) - t
        total = p.sum(axis=-1, keepdims=True)
        q = p / total
        inside = (q >= EPSILON) & (q <= 1 - EPSILON)
        qc = np.clip(q, EPSILON, 1 - EPSILON)
        dq = -t / qc * inside  # through the clip, then through q = p / Σp
        return -(t * np.log(qc)).sum(axis=-1), (dq - (dq * q).sum(axis=-1, keepdims=True)) / total

    def expanded_per_sample(self, t, p):
        if self.from_logits:
            shifted = p - p.max(axis=-1, keepdims=True)
            log_p = shifted - F.exp(shifted).sum(axis=-1, keepdims=True).log()
        else:
            q = p / p.sum(axis=-1, keepdims=True)
            log_p = F.minimum(F.maximum(q, EPSILON), 1 - EPSILON).log()
        return -(t * log_p).sum(axis=-1)

    @staticmethod
    def examples(rng):
        t = np.eye(3)[rng.integers(0, 3, 4)]
        probs = rng.uniform(0.1, 1.0, (4, 3))
        return [(_label_needs(CategoricalCrossentropy()), (t, probs / probs.sum(-1, keepdims=True))),
                (_label_needs(CategoricalCrossentropy()), (t, probs)),
                (_label_needs(CategoricalCrossentropy(from_logits=True)), (t, rng.normal(size=(4, 3)) * 3)),
                *[(_label_needs(CategoricalCrossentropy(from_logits=logits)),
                   (np.eye(2)[rng.integers(0, 2, _SEQUENCES[0][:2])], rng.uniform(0.1, 1.0, _SEQUENCES[0])))
                  for logits in (False, True)]]


class SparseCategoricalCrossentropy(CategoricalCrossentropy):
    """Categorical cross-entropy with integer class labels instead of one-hot rows."""

    symbol = "sparse_categorical_crossentropy"
    sparse = True
    formula = "-ln p[y]"

    def targets(self, y_true, y_pred):
        # (n, 1) labels, or (n, T, 1) for a sequence of predictions: drop the trailing 1
        labels = y_true[..., 0] if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1 else y_true
        # Labels on a GPU are not checked here: that would copy them back at every
        # step. An out-of-range one picks a row of nan, so the loss shows it.
        on_host = isinstance(labels, np.ndarray)
        if labels.dtype.kind not in "iu":
            if on_host and not np.all(labels == np.round(labels)):
                raise ShapeError(f"{self!r} expects integer class labels, got {labels.dtype} values")
            labels = labels.astype(np.int64)
        classes = y_pred.shape[-1]
        if labels.shape != y_pred.shape[:-1]:
            raise ShapeError(f"{self!r} expects one label per row of y_pred {y_pred.shape}, "
                             f"got labels of shape {y_true.shape}")
        if on_host and labels.size and (labels.min() < 0 or labels.max() >= classes):
            raise ShapeError(f"{self!r}: labels must lie in [0, {classes - 1}], got "
                             f"{labels.min()}..{labels.max()}")
        return np.eye(classes, dtype=y_pred.dtype, like=y_pred)[labels]

    def expand(self, y_true, y_pred):
        one_hot = self.targets(np.asarray(getattr(y_true, "value", y_true)), y_pred.value)
        self.per_axis = True
        return self.reduce_tensor(self.expanded_per_sample(constant(one_hot, dtype=one_hot.dtype), y_pred))

    @staticmethod
    def examples(rng):
        labels = rng.integers(0, 3, 4)
        probs = rng.uniform(0.1, 1.0, (4, 3))
        return [(SparseCategoricalCrossentropy(), (labels, probs / probs.sum(-1, keepdims=True))),
                (SparseCategoricalCrossentropy(from_logits=True), (labels, rng.normal(size=(4, 3)))),
                *[(SparseCategoricalCrossentropy(from_logits=logits),
                   (rng.integers(0, 2, _SEQUENCES[0][:2]), rng.uniform(0.1, 1.0, _SEQUENCES[0])))
                  for logits in (False, True)]]


class Hinge(Loss):
    """max(0, margin - y p) with labels y in {-1, 1} (0/1 labels are mapped to -1/1).

    With ``margin=0`` it is the perceptron criterion max(0, -y p): zero for every
    correctly classified point, and -y p (how wrong) for the others.
    """

    symbol = "hinge"
    formula = "max(0, m - y p)"
    derivatives = (None, "-y where y p < m")

    def __init__(self, margin=1.0, reduction="mean", name=None):
        super().__init__(reduction, name)
        self.margin = margin

    def describe(self):
        return ", ".join(filter(None, [f"margin={self.margin:g}" if self.margin != 1 else "",
                                       super().describe()]))

    @staticmethod
    def signs(t):
        return np.where(t > 0, 1.0, -1.0)

    def per_sample(self, t, p):
        s = self.signs(t)
        slack = self.margin - s * p
        loss, k = self.mean_last(np.maximum(slack, 0.0))
        return loss, -k * s * (slack > 0)

    def expanded_per_sample(self, t, p):
        s = constant(self.signs(t.value), dtype=p.dtype)
        return self.tensor_mean_last(F.maximum(self.margin - s * p, 0.0))

    @staticmethod
    def examples(rng):
        t = np.where(rng.uniform(size=(4, 2)) > 0.5, 1.0, -1.0)
        return [(_label_needs(Hinge()), (t, rng.normal(size=(4, 2)) * 2)),
                (_label_needs(Hinge(margin=0.0)), (t[:, 0], rng.normal(size=4))),
                *[(_label_needs(Hinge()), (np.where(rng.uniform(size=s) > 0.5, 1.0, -1.0), rng.normal(size=s) * 2))
                  for s in _SEQUENCES]]


class L2Penalty(Node):
    """l2 · Σ w², the weight-decay term added to a loss (Keras' L2 regulariser)."""

    formula = "λ Σ w²"
    derivatives = ("2 λ w",)

    def __init__(self, l2=0.01, name=None):
        super().__init__(name)
        self.l2 = l2

    def describe(self):
        return f"λ={self.l2:g}"

    def forward(self, w):
        self.w = w
        return np.result_type(w).type(self.l2 * np.sum(w * w))

    def backward(self, grad):
        return (2.0 * self.l2 * grad * self.w,)

    def expand(self, w):
        return self.l2 * (w * w).sum()

    @staticmethod
    def examples(rng):
        return [(L2Penalty(0.1), (rng.normal(size=(3, 2)),))]


def _loss_function(cls, **fixed):
    def loss(y_true, y_pred, **options):
        return apply(cls(**{**fixed, **options}), y_true, y_pred)
    loss.__name__ = cls.__name__
    loss.__doc__ = cls.__doc__
    loss.spec = {"class_name": cls.__name__, "config": fixed}  # how a model file names it
    return loss


mean_squared_error = mse = _loss_function(MeanSquaredError)
mean_absolute_error = mae = _loss_function(MeanAbsoluteError)
binary_crossentropy = _loss_function(BinaryCrossentropy)
categorical_crossentropy = _loss_function(CategoricalCrossentropy)
sparse_categorical_crossentropy = _loss_function(SparseCategoricalCrossentropy)
hinge = _loss_function(Hinge)
perceptron_criterion = _loss_function(Hinge, margin=0.0)


def l2_penalty(weights, l2=0.01):
    return apply(L2Penalty(l2), weights)


# Keras' names: each class's own (its symbol), and the short aliases.
_BY_NAME = {**{cls.symbol: cls for cls in (MeanSquaredError, MeanAbsoluteError, BinaryCrossentropy,
                                          CategoricalCrossentropy, SparseCategoricalCrossentropy,
                                          Hinge)},
            "mse": MeanSquaredError, "mae": MeanAbsoluteError}


def get(identifier):
    """A loss function ``(y_true, y_pred) -> Tensor`` from a Keras name ('mse'), a
    Loss class or instance (copied per call: a node is applied once), or a callable."""
    if isinstance(identifier, Loss):
        return lambda y_true, y_pred: apply(copy.copy(identifier), y_true, y_pred)
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return _loss_function(identifier)
    if callable(identifier):
        return identifier
    try:
        return _loss_function(_BY_NAME[identifier])
    except (KeyError, TypeError):
        raise ValueError(f"unknown loss {identifier!r}{did_you_mean(identifier, _BY_NAME)}; "
                         f"known: {', '.join(sorted(_BY_NAME))}") from None


_SETTINGS = ("from_logits", "reduction", "margin")


def serialize(spec):
    """A loss as JSON: its Keras name for a loss function, or class and settings
    for a loss object; metric functions by name. None if it cannot be named."""
    if isinstance(spec, Loss):
        return {"class_name": type(spec).__name__,
                "config": {k: getattr(spec, k) for k in _SETTINGS if hasattr(spec, k)}}
    if hasattr(spec, "spec"):  # one of this module's loss functions
        return spec.spec
    name = getattr(spec, "__name__", None)  # a metric function, found again by name
    return name if isinstance(name, str) and name.isidentifier() else None


def deserialize(spec):
    if isinstance(spec, dict) and "class_name" in spec:
        classes = {cls.__name__: cls for cls in _BY_NAME.values()}
        return classes[spec["class_name"]](**spec["config"])
    if isinstance(spec, list):
        return [deserialize(s) for s in spec]
    if isinstance(spec, dict):
        return {k: deserialize(v) for k, v in spec.items()}
    return spec
