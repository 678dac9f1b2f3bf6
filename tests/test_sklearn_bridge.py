"""The scikit-learn wrapper: cross-validation and grid search over a graphnet model."""
import numpy as np
import pytest

pytest.importorskip("sklearn")
from sklearn.base import clone  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score  # noqa: E402

import graphnet as gn  # noqa: E402
from graphnet.nn import Dense  # noqa: E402
from graphnet.train.sklearn import GraphnetClassifier, GraphnetRegressor  # noqa: E402


def build_classifier(units=16, lr=0.02):
    model = gn.Sequential([Dense(units, activation="relu", input_shape=(4,)), Dense(3, activation="softmax")])
    model.compile(gn.optimizers.Adam(lr), "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def iris():
    X, y = gn.data.load_iris()
    return gn.data.StandardScaler().fit_transform(X), y


def test_cross_val_score_on_iris():
    X, y = iris()
    clf = GraphnetClassifier(build_classifier, epochs=40, batch_size=16, seed=0)
    scores = cross_val_score(clf, X, y, cv=gn.data.StratifiedKFold(3, shuffle=True, seed=0))
    assert scores.shape == (3,) and scores.mean() > 0.85


def test_grid_search_varies_build_and_training_parameters():
    X, y = iris()
    search = GridSearchCV(GraphnetClassifier(build_classifier, epochs=20, seed=0),
                          {"units": [4, 16], "epochs": [5, 30]}, cv=3)
    search.fit(X, y)
    assert set(search.best_params_) == {"units", "epochs"}
    assert len(search.cv_results_["mean_test_score"]) == 4
    assert search.best_params_["epochs"] == 30


def test_clone_and_string_labels():
    X, y = iris()
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    clf = clone(GraphnetClassifier(build_classifier, epochs=30, seed=1, units=8))
    assert clf.get_params()["units"] == 8
    clf.fit(X, names)
    assert set(clf.predict(X)) <= set(names) and clf.score(X, names) > 0.8
    assert clf.predict_proba(X).shape == (150, 3)


def test_regressor_scores_r2():
    X, y = gn.data.make_regression(120, features=4, noise=0.05, seed=0)

    def build():
        model = gn.Sequential([Dense(1, input_shape=(4,))])
        model.compile(gn.optimizers.SGD(0.05), "mse")
        return model
    reg = GraphnetRegressor(build, epochs=40, batch_size=16, seed=0).fit(X, y)
    assert reg.predict(X).shape == (120,) and reg.score(X, y) > 0.95


def test_graphnet_scaler_in_a_pipeline():
    from sklearn.pipeline import make_pipeline
    X, y = gn.data.load_iris()
    pipe = make_pipeline(gn.data.StandardScaler(), GraphnetClassifier(build_classifier, epochs=30, seed=0))
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.mean() > 0.8
    assert clone(gn.data.MinMaxScaler(feature_range=(-1, 1))).get_params() == {"feature_range": (-1, 1)}
