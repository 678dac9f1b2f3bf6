"""An MLP trained on scikit-learn's 8x8 digits with a held-out test set: the
course's first real model, end to end, in a few seconds."""
import pytest

import graphnet as gn
from graphnet.nn import Dense, Dropout

pytest.importorskip("sklearn")


def test_mlp_on_digits_reaches_97_percent_on_held_out_data():
    X, y = gn.data.load_digits()
    X_train, X_test, y_train, y_test = gn.data.train_test_split(X, y, test_size=0.25, seed=0, stratify=y)
    scaler = gn.data.StandardScaler().fit(X_train)  # fitted on the training set only
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    gn.set_seed(0)
    model = gn.Sequential([Dense(256, activation="relu", input_shape=(64,)), Dropout(0.2),
                           Dense(10, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(X_train, y_train, epochs=40, batch_size=32, verbose=0)
    loss, accuracy = model.evaluate(X_test, y_test, verbose=0)
    assert accuracy >= 0.97, f"test accuracy {accuracy:.3f}"
