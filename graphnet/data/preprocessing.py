"""Pre-processing with Keras' and scikit-learn's names.

* scaling ......... StandardScaler, MinMaxScaler (fit on the training set only)
* labels .......... to_categorical / one_hot (Keras), LabelEncoder

The scalers learn their statistics in ``fit`` and only apply them in
``transform``. Fit on the training set, then transform the training,
validation and test sets with the *same* scaler: fitting on the test set too
would leak what it looks like into training. Transforming before fitting is
an error (NotFittedError), not a silent identity.
"""
import numpy as np

from ..core.errors import GraphnetError
from . import _checks

__all__ = ["NotFittedError", "StandardScaler", "MinMaxScaler", "to_categorical", "one_hot",
           "LabelEncoder"]


class NotFittedError(GraphnetError, ValueError):
    """A scaler or encoder used before ``fit`` has seen the training data."""


def _nonzero(scale):
    """Zeros replaced by ones: a constant feature is shifted, never divided by 0."""
    return np.where(scale == 0.0, 1.0, scale)


class _Scaler:
    """What both scalers share: input checks, fit-before-transform, dtypes.

    A subclass learns its statistics in ``_fit(X)`` (X float64, 2-D) and says
    how to go forward (``_forward``) and back (``_backward``).
    """

    def _check(self, method, X):
        fn = f"{type(self).__name__}.{method}"
        a = _checks.numbers_array(fn, "X", X)
        if a.ndim == 1:
            raise ValueError(f"{fn}: X must be 2-D (samples, features), got shape {a.shape}; "
                             "for a single feature use X.reshape(-1, 1)")
        if a.ndim != 2 or len(a) == 0:
            raise ValueError(f"{fn}: X must be 2-D (samples, features) with at least one "
                             f"sample, got shape {a.shape}")
        if method != "fit":
            if not hasattr(self, "n_features_in_"):
                raise NotFittedError(f"{fn}: this {type(self).__name__} is not fitted yet; "
                                     "call fit(X_train) first (fit on the training set only, "
                                     "then transform every set with the same scaler)")
            if a.shape[1] != self.n_features_in_:
                raise ValueError(f"{fn}: X has {a.shape[1]} features (shape {a.shape}), but "
                                 f"the scaler was fitted on {self.n_features_in_}")
        # Floats keep their precision; integers and booleans become float32.
        out_dtype = a.dtype if a.dtype.kind == "f" else np.dtype(np.float32)
        return a.astype(np.float64), out_dtype

    # scikit-learn's parameter protocol, so a scaler can sit in a Pipeline and be cloned.
    def get_params(self, deep=True):
        return {k: v for k, v in vars(self).items() if not k.endswith("_") and not k.startswith("_")}

    def set_params(self, **params):
        for key, value in params.items():
            setattr(self, key, value)
        return self

    def fit(self, X, y=None):
        """Learn the statistics of X (the training set). Returns self."""
        a, _ = self._check("fit", X)
        self._fit(a)
        self.n_features_in_ = a.shape[1]
        return self

    def transform(self, X):
        """Scale X with the statistics learned by fit."""
        a, dtype = self._check("transform", X)
        return self._forward(a).astype(dtype)

    def fit_transform(self, X, y=None):
        """fit(X), then transform(X): for the training set only."""
        return self.fit(X).transform(X)

    def inverse_transform(self, X):
        """Undo transform: back to the original units (e.g. predicted prices)."""
        a, dtype = self._check("inverse_transform", X)
        return self._backward(a).astype(dtype)


class StandardScaler(_Scaler):
    """Standardise each feature: ``z = (x - mean) / std`` (scikit-learn's).

    The standard deviation is the population one (divide by n, as
    scikit-learn does); a constant feature gets scale 1. After fit:
    ``mean_``, ``var_``, ``scale_`` (the std), ``n_features_in_``.
    """

    def _fit(self, X):
        self.mean_ = X.mean(axis=0)
        self.var_ = X.var(axis=0)
        self.scale_ = _nonzero(np.sqrt(self.var_))

    def _forward(self, X):
        return (X - self.mean_) / self.scale_

    def _backward(self, Z):
        return Z * self.scale_ + self.mean_

    def __repr__(self):
        return "StandardScaler()"


class MinMaxScaler(_Scaler):
    """Map each feature's training range onto `feature_range` (default [0, 1]).

    ``x' = lo + (x - data_min) * (hi - lo) / (data_max - data_min)``; values
    outside the training range land outside `feature_range` (no clipping, as
    in scikit-learn). After fit: ``data_min_``, ``data_max_``,
    ``data_range_``, ``scale_`` and ``min_`` (so that x' = x * scale_ + min_).
    """

    def __init__(self, feature_range=(0, 1)):
        try:
            lo, hi = (float(v) for v in feature_range)
        except (TypeError, ValueError):
            raise ValueError("MinMaxScaler: feature_range must be a pair (min, max), "
                             f"got {feature_range!r}") from None
        if not lo < hi:
            raise ValueError(f"MinMaxScaler: feature_range needs min < max, got {feature_range}")
        self.feature_range = feature_range  # kept as given: scikit-learn's clone checks that

    def _fit(self, X):
        lo, hi = (float(v) for v in self.feature_range)
        self.data_min_ = X.min(axis=0)
        self.data_max_ = X.max(axis=0)
        self.data_range_ = self.data_max_ - self.data_min_
        self.scale_ = (hi - lo) / _nonzero(self.data_range_)
        self.min_ = lo - self.data_min_ * self.scale_

    def _forward(self, X):
        return X * self.scale_ + self.min_

    def _backward(self, Z):
        return (Z - self.min_) / self.scale_

    def __repr__(self):
        return f"MinMaxScaler(feature_range={self.feature_range})"


def to_categorical(labels, num_classes=None, dtype="float32"):
    """One-hot encode integer class labels (Keras' ``to_categorical``).

    Labels of shape (n,) give (n, num_classes); as in Keras, a trailing axis
    of size 1 is dropped first, so a column (n, 1) gives (n, num_classes) too.
    `num_classes` defaults to ``max(labels) + 1``.

    >>> to_categorical([0, 2, 1])
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 1., 0.]], dtype=float32)
    >>> to_categorical([[1], [0]], num_classes=3).shape
    (2, 3)
    """
    fn = "to_categorical"
    y = _checks.integer_labels(fn, "labels", labels)
    shape = y.shape[:-1] if y.ndim > 1 and y.shape[-1] == 1 else y.shape
    y = y.reshape(-1)
    if num_classes is None:
        if y.size == 0:
            raise ValueError(f"{fn}: labels are empty; pass num_classes to encode no labels")
        num_classes = int(y.max()) + 1
    num_classes = _checks.integer(fn, "num_classes", num_classes, minimum=1)
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"{fn}: labels must lie in 0..{num_classes - 1} for num_classes="
                         f"{num_classes}, got values from {y.min()} to {y.max()}")
    encoded = np.zeros((y.size, num_classes), dtype=dtype)
    encoded[np.arange(y.size), y] = 1
    return encoded.reshape(shape + (num_classes,))


one_hot = to_categorical


class LabelEncoder:
    """Turn any labels (strings, numbers) into 0..k-1 and back (scikit-learn's).

    ``classes_`` holds the sorted distinct labels seen by fit; the label
    ``classes_[i]`` is encoded as i.

    >>> enc = LabelEncoder().fit(["cat", "dog", "cat", "bird"])
    >>> enc.classes_.tolist(), enc.transform(["dog", "bird"]).tolist()
    (['bird', 'cat', 'dog'], [2, 0])
    """

    def fit(self, y):
        """Learn the distinct labels. Returns self."""
        y = _checks.labels_1d("LabelEncoder.fit", "y", y)
        if len(y) == 0:
            raise ValueError("LabelEncoder.fit: y is empty")
        self.classes_ = np.unique(y)
        return self

    def transform(self, y):
        """Labels -> int64 codes 0..k-1; labels fit never saw are an error."""
        fn = "LabelEncoder.transform"
        self._require_fit(fn)
        y = _checks.labels_1d(fn, "y", y)
        unseen = np.setdiff1d(y, self.classes_)
        if unseen.size:
            raise ValueError(f"{fn}: labels not seen by fit: {unseen[:5].tolist()}; "
                             f"known classes are {self.classes_.tolist()}")
        return np.searchsorted(self.classes_, y).astype(np.int64)

    def fit_transform(self, y):
        """fit(y), then transform(y)."""
        return self.fit(y).transform(y)

    def inverse_transform(self, codes):
        """Codes 0..k-1 -> the original labels."""
        fn = "LabelEncoder.inverse_transform"
        self._require_fit(fn)
        codes = _checks.integer_labels(fn, "codes", _checks.labels_1d(fn, "codes", codes))
        if codes.size and (codes.min() < 0 or codes.max() >= len(self.classes_)):
            raise ValueError(f"{fn}: codes must lie in 0..{len(self.classes_) - 1}, "
                             f"got values from {codes.min()} to {codes.max()}")
        return self.classes_[codes]

    def _require_fit(self, fn):
        if not hasattr(self, "classes_"):
            raise NotFittedError(f"{fn}: this LabelEncoder is not fitted yet; call fit(y) first")

    def __repr__(self):
        return "LabelEncoder()"
