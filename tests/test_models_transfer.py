"""Transfer learning on digits: train on 0-4, freeze the features, retrain a new head
on 5-9; the frozen weights do not change by a single bit."""
import numpy as np
import pytest

import graphnet as gn
from graphnet.models import transfer as T
from graphnet.nn import Dense, Input


@pytest.fixture(scope="module")
def digits():
    X, y = gn.data.load_digits(as_images=True)
    X = X / 16.0
    low, high = y < 5, y >= 5
    a = gn.data.train_test_split(X[low], y[low], test_size=0.3, seed=0)
    b = gn.data.train_test_split(X[high], y[high] - 5, test_size=0.3, seed=0)
    return a, b


def test_cnn_trained_on_0_to_4_transfers_to_5_to_9(digits):
    (xa, xa_test, ya, ya_test), (xb, xb_test, yb, yb_test) = digits
    gn.set_seed(0)
    base = T.course_cnn((8, 8, 1), classes=5, filters=16, dense=64)
    base.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    base.fit(xa, ya, epochs=6, batch_size=32, verbose=0)
    base_accuracy = base.evaluate(xa_test, ya_test, verbose=0, return_dict=True)["accuracy"]
    assert base_accuracy > 0.9

    frozen = T.freeze(base)
    assert [layer.name for layer in frozen] == ["conv_1", "conv_2", "pool", "feature_dropout",
                                                "flatten"]
    before = T.snapshot(frozen)
    new = T.replace_head(base, T.new_head(5, dense=64, dropout=0.2))
    assert new.layers[:5] == frozen                      # shared, not copied
    assert new.layers[0].W is base.layers[0].W
    assert len(new.trainable_weights) == 4               # the new head's kernels and biases
    assert "Non-trainable params: 2,480" in new.summary_text()  # the two Conv2D layers
    new.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    new.fit(xb, yb, epochs=12, batch_size=32, verbose=0)
    new_accuracy = new.evaluate(xb_test, yb_test, verbose=0, return_dict=True)["accuracy"]

    assert T.changed_layers(before, frozen) == []
    for name, weights in before.items():
        for w0, w1 in zip(weights, base.get_layer(name).get_weights()):
            assert np.array_equal(w0, w1)
    assert new_accuracy > 0.85, new_accuracy
    # the old model, with its old head, still answers the old task as before
    assert base.evaluate(xa_test, ya_test, verbose=0, return_dict=True)["accuracy"] == base_accuracy


def test_unfrozen_training_does_change_the_features():
    gn.set_seed(1)
    X = np.random.default_rng(0).random((32, 8, 8, 1)).astype(np.float32)
    y = np.arange(32) % 3
    model = T.course_cnn((8, 8, 1), classes=3, filters=4, dense=8)
    before = T.snapshot(model)
    model.compile("sgd", "sparse_categorical_crossentropy")
    model.fit(X, y, epochs=1, verbose=0)
    dense = [layer.name for layer in model.layers if isinstance(layer, Dense)]
    assert set(T.changed_layers(before, model)) == {"conv_1", "conv_2", *dense}


def test_split_point_freeze_and_replace_head_by_name_and_index():
    model = gn.Sequential([Input((4,)), Dense(6, name="f1"), Dense(5, name="f2"),
                           Dense(3, name="old_head")])
    with pytest.raises(ValueError, match="up_to"):
        T.split_point(model)
    assert T.split_point(model, "f2") == T.split_point(model, 1) == T.split_point(model, -2) == 1
    assert [l.name for l in T.head_layers(model, "f2")] == ["old_head"]
    frozen = T.freeze(model, up_to="f2")
    assert [l.trainable for l in model.layers] == [False, False, True]
    new = T.replace_head(model, [Dense(2, activation="softmax", name="new_head")], up_to="f2")
    assert isinstance(new, gn.Sequential)
    assert [l.name for l in new.layers] == ["f1", "f2", "new_head"]
    assert new.predict(np.ones((3, 4))).shape == (3, 2)
    assert model.predict(np.ones((3, 4))).shape == (3, 3)
    T.unfreeze(model, frozen)
    assert all(l.trainable for l in model.layers)
    with pytest.raises(ValueError, match="no layer"):
        T.freeze(model, up_to="nope")
    with pytest.raises(IndexError):
        T.freeze(model, up_to=7)
    with pytest.raises(ValueError, match="at least one"):
        T.replace_head(model, [], up_to=0)


def test_replace_head_of_a_functional_model():
    inputs = Input((4,))
    features = Dense(5, activation="relu", name="features")(inputs)
    model = gn.Model(inputs, Dense(3, name="head")(features))
    T.freeze(model, up_to="features")
    before = T.snapshot(model)
    new = T.replace_head(model, [Dense(2, activation="softmax", name="new_head")], up_to=1)
    assert not isinstance(new, gn.Sequential)
    assert [l.name for l in new.layers] == [inputs.name, "features", "new_head"]
    new.compile("sgd", "sparse_categorical_crossentropy")
    rng = np.random.default_rng(0)
    new.fit(rng.normal(size=(16, 4)), rng.integers(0, 2, 16), epochs=2, verbose=0)
    assert T.changed_layers(before, [model.get_layer("features")]) == []
    assert T.changed_layers(T.snapshot(new), new) == []
