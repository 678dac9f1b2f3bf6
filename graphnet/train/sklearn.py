"""A scikit-learn face for graphnet models, so ``cross_val_score`` and
``GridSearchCV`` work on them as the course does with Keras' wrappers.

    def build(units=16):
        model = gn.Sequential([Dense(units, activation="relu", input_shape=(4,)),
                               Dense(3, activation="softmax")])
        model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
        return model

    search = GridSearchCV(GraphnetClassifier(build, epochs=30), {"units": [8, 32]}, cv=3)

Keyword arguments other than the training settings go to ``build``, and grid
search can vary them like any other parameter. ``seed`` makes every fit
repeatable by re-seeding graphnet's random generator before building.
"""
try:
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("graphnet.train.sklearn needs scikit-learn: pip install scikit-learn") from exc

import numpy as np

from .. import random

_TRAINING = ("build_fn", "epochs", "batch_size", "verbose", "seed")


class _GraphnetEstimator(BaseEstimator):
    def __init__(self, build_fn=None, epochs=10, batch_size=32, verbose=0, seed=None, **build_params):
        self.build_fn, self.epochs, self.batch_size = build_fn, epochs, batch_size
        self.verbose, self.seed = verbose, seed
        self.build_params = build_params

    # scikit-learn finds parameters in __init__'s signature; ours include **build_params.
    def get_params(self, deep=True):
        return {**{k: getattr(self, k) for k in _TRAINING}, **self.build_params}

    def set_params(self, **params):
        for key, value in params.items():
            if key in _TRAINING:
                setattr(self, key, value)
            else:
                self.build_params[key] = value
        return self

    def _fit_model(self, X, y, targets=lambda model, y: y):
        if self.build_fn is None:
            raise ValueError(f"{type(self).__name__} needs build_fn: a function returning a compiled model")
        if self.seed is not None:
            random.set_seed(self.seed)
        self.model_ = self.build_fn(**self.build_params)
        self.history_ = self.model_.fit(X, targets(self.model_, y), epochs=self.epochs,
                                        batch_size=self.batch_size, verbose=self.verbose)
        return self


def _one_hot_if_wanted(model, labels, n_classes):
    """Class indices, or one-hot rows where the model's loss is categorical
    cross-entropy (as Keras 2's wrapper does, so either loss works with labels)."""
    from ..data.preprocessing import to_categorical
    from ..nn.losses import CategoricalCrossentropy, SparseCategoricalCrossentropy
    loss = getattr(model, "_loss_specs", None)
    categorical = (loss == "categorical_crossentropy"
                   or (isinstance(loss, CategoricalCrossentropy)
                       and not isinstance(loss, SparseCategoricalCrossentropy)))
    return to_categorical(labels, n_classes) if categorical else labels


class GraphnetClassifier(ClassifierMixin, _GraphnetEstimator):
    """A classifier: labels of any kind in, labels out; ``predict_proba`` for probabilities.

    The model's last layer gives one probability per class (softmax), or a single
    sigmoid unit for two classes; labels are encoded as 0..k-1 for training.
    """

    def fit(self, X, y):
        self.classes_, encoded = np.unique(np.asarray(y), return_inverse=True)
        return self._fit_model(np.asarray(X), encoded,
                               lambda model, y: _one_hot_if_wanted(model, y, len(self.classes_)))

    def predict_proba(self, X):
        probs = self.model_.predict(np.asarray(X))
        if probs.ndim == 1 or probs.shape[1] == 1:  # one sigmoid unit: P(class 1)
            p1 = probs.reshape(-1)
            probs = np.stack([1 - p1, p1], axis=1)
        return probs

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class GraphnetRegressor(RegressorMixin, _GraphnetEstimator):
    """A regressor: ``score`` is R-squared, as for scikit-learn's regressors."""

    def fit(self, X, y):
        return self._fit_model(np.asarray(X), np.asarray(y))

    def predict(self, X):
        out = self.model_.predict(np.asarray(X))
        return out.reshape(-1) if out.ndim == 2 and out.shape[1] == 1 else out
