"""Keras 2's scikit-learn wrappers: a model-building function as an estimator.

    model = KerasClassifier(build_fn=create_model, epochs=10, batch_size=16, verbose=0)
    scores = cross_val_score(model, X, y, cv=3)

They are graphnet's GraphnetClassifier and GraphnetRegressor (graphnet.train.sklearn):
keyword arguments other than the training settings go to ``build_fn``.
"""
from ...train.sklearn import GraphnetClassifier as KerasClassifier
from ...train.sklearn import GraphnetRegressor as KerasRegressor

__all__ = ["KerasClassifier", "KerasRegressor"]
