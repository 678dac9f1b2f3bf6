"""Saving and loading: one file, no pickle, atomic writes, and failed loads that change nothing."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import graphnet as gn
from graphnet.nn import Concatenate, Dense, Dropout, Input
from graphnet.train import saving
from graphnet.train.model import Model, Sequential
from graphnet.train.saving import ModelFileError, load_model, model_from_json


def trained(seed=0):
    gn.set_seed(seed)
    X, y = gn.data.make_blobs(96, centers=3, seed=0)
    model = Sequential([Dense(8, activation="relu", input_shape=(2,)), Dropout(0.2),
                        Dense(3, activation="softmax")])
    model.compile(gn.train.optimizers.Adam(0.01), "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(X, y, epochs=2, batch_size=16, shuffle=False, verbose=0)
    return model, X, y


def test_round_trip_predictions_are_identical(tmp_path):
    model, X, _ = trained()
    model.save(tmp_path / "m.gnet")
    loaded = load_model(tmp_path / "m.gnet")
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert [l.name for l in loaded.layers] == [l.name for l in model.layers]


def test_training_resumes_identically(tmp_path):
    model, X, y = trained()
    model.save(tmp_path / "m.gnet")
    loaded = load_model(tmp_path / "m.gnet")
    assert loaded.optimizer.iterations == model.optimizer.iterations
    for m in (model, loaded):
        gn.set_seed(7)  # the same dropout masks for both
        m.fit(X, y, epochs=1, batch_size=16, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_functional_model_round_trip(tmp_path):
    a, b = Input((3,), name="a"), Input((2,), name="b")
    h = Concatenate()([Dense(4, activation="tanh")(a), Dense(4)(b)])
    model = Model([a, b], [Dense(1, name="out")(h)])
    model.compile("sgd", "mse")
    model.save(tmp_path / "f.gnet")
    loaded = load_model(tmp_path / "f.gnet")
    A, B = np.ones((5, 3), np.float32), np.ones((5, 2), np.float32)
    np.testing.assert_array_equal(loaded.predict([A, B]), model.predict([A, B]))


def test_architecture_alone(tmp_path):
    model, X, _ = trained()
    spec = json.loads(model.to_json())
    assert spec["class_name"] == "Sequential" and len(spec["layers"]) == 3
    fresh = model_from_json(model.to_json())
    assert [l.output_shape for l in fresh.layers] == [l.output_shape for l in model.layers]
    assert fresh.count_params() == model.count_params()


def test_file_holds_no_pickles(tmp_path):
    model, _, _ = trained()
    model.save(tmp_path / "m.gnet")
    with np.load(tmp_path / "m.gnet", allow_pickle=False) as archive:
        for key in archive.files:
            assert archive[key].dtype != object


def test_pickled_arrays_are_refused(tmp_path):
    model, _, _ = trained()
    path = tmp_path / "evil.gnet"
    model.save(path)
    with np.load(path) as archive:
        arrays = {k: archive[k] for k in archive.files}
    arrays["weights/0"] = np.array([{"run": "code"}], dtype=object)
    with open(path, "wb") as f:  # np.savez(path) would add ".npz" to the name
        np.savez(f, **arrays)
    with pytest.raises(ModelFileError, match="cannot load .*evil.gnet.* holds object data"):
        load_model(path)


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty"])
def test_damaged_file_raises_and_changes_nothing(tmp_path, damage):
    model, X, _ = trained()
    path = tmp_path / "m.gnet"
    model.save(path)
    data = path.read_bytes()
    path.write_bytes({"truncate": data[: len(data) // 2], "garbage": b"\x00not a model" * 50,
                      "empty": b""}[damage])
    before = model.get_weights()
    with pytest.raises(ModelFileError):
        model.load_weights(path)
    with pytest.raises(ModelFileError):
        load_model(path)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_mismatched_weights_raise_and_change_nothing(tmp_path):
    model, _, _ = trained()
    other = Sequential([Dense(5, input_shape=(2,)), Dense(3)])
    other.save_weights(tmp_path / "other.gnet")
    before = model.get_weights()
    with pytest.raises(ModelFileError, match="shape"):
        model.load_weights(tmp_path / "other.gnet")
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_failed_save_keeps_the_old_file(tmp_path, monkeypatch):
    model, _, _ = trained()
    path = tmp_path / "m.gnet"
    model.save(path)
    old = path.read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full")
    monkeypatch.setattr(saving.np, "savez", broken)
    with pytest.raises(OSError, match="disk full"):
        model.save(path)
    assert path.read_bytes() == old
    assert [p.name for p in tmp_path.iterdir()] == ["m.gnet"]  # no temporary file left behind


def test_loss_objects_and_metric_functions_survive(tmp_path):
    model = Sequential([Dense(3, input_shape=(2,))])
    model.compile("adam", gn.nn.CategoricalCrossentropy(from_logits=True),
                  metrics=[gn.metrics.categorical_accuracy])
    model.save(tmp_path / "m.gnet")
    loaded = load_model(tmp_path / "m.gnet")
    assert isinstance(loaded._loss_specs, gn.nn.CategoricalCrossentropy) and loaded._loss_specs.from_logits


def test_what_a_file_cannot_hold_is_refused_at_save_time(tmp_path):
    model = Sequential([Dense(3, activation=gn.relu, input_shape=(4,))])  # graphnet's own: by name
    model.save(tmp_path / "ok.gnet")
    x = np.random.default_rng(0).normal(size=(5, 4)).astype(np.float32)
    np.testing.assert_array_equal(load_model(tmp_path / "ok.gnet").predict(x), model.predict(x))
    custom = Sequential([Dense(3, activation=lambda t: t * 2.0, input_shape=(4,))])
    with pytest.raises(ValueError, match="cannot save the activation"):
        custom.save(tmp_path / "custom.gnet")
    a, b = Input((2,)), Input((2,))
    shared = Dense(2)
    with pytest.raises(ModelFileError, match="shared layer"):
        Model([a, b], gn.nn.Add()([shared(a), shared(b)])).save(tmp_path / "shared.gnet")


def test_every_loss_function_round_trips(tmp_path):
    for loss in (gn.nn.losses.hinge, gn.nn.losses.perceptron_criterion, "mse",
                 gn.nn.losses.binary_crossentropy):
        model = Sequential([Dense(1, input_shape=(2,))])
        model.compile("sgd", loss)
        model.save(tmp_path / "m.gnet")
        loaded = load_model(tmp_path / "m.gnet")
        loaded.fit(np.ones((4, 2)), np.ones(4), verbose=0)
    assert loaded._loss_specs is not None


def rewritten(path, **changes):
    """Rewrite the arrays of the model file at ``path``."""
    with np.load(path, allow_pickle=False) as archive:
        arrays = {k: archive[k] for k in archive.files}
    arrays.update({k.replace("__", "/"): v for k, v in changes.items()})
    with open(path, "wb") as f:
        np.savez(f, **arrays)


def test_a_bad_last_weight_changes_no_weight(tmp_path):
    model, _, _ = trained()
    path = tmp_path / "m.gnet"
    model.save(path)
    other, _, _ = trained(seed=1)
    before = other.get_weights()
    last = len(before) - 1
    rewritten(path, **{f"weights__{last}": before[last].astype(str)})  # the right shape
    with pytest.raises(ModelFileError, match=f"weight {last} .* holds <U"):
        other.load_weights(path)
    for a, b in zip(before, other.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_a_newer_format_version_is_refused_naming_both(tmp_path):
    model, _, _ = trained()
    model.save(tmp_path / "m.gnet")
    rewritten(tmp_path / "m.gnet", format=saving._text({"format": "graphnet-model", "version": 7}))
    with pytest.raises(ModelFileError, match=r"version 7, newer than this graphnet reads \(version 1\)"):
        load_model(tmp_path / "m.gnet")


def test_optimizer_state_of_the_wrong_shape_is_refused_at_load(tmp_path):
    model, _, _ = trained()
    model.save(tmp_path / "m.gnet")
    rewritten(tmp_path / "m.gnet", optimizer__adam__1__v=np.zeros(5, np.float32))  # the bias is (8,)
    wrong = r"'optimizer/adam/1/v' has shape \(5,\) in the file, but \(8,\)"
    with pytest.raises(ModelFileError, match=wrong):
        load_model(tmp_path / "m.gnet")


def test_only_temporaries_of_dead_saves_are_removed(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    names = {f".m.gnet.saving-{dead}-ab_c9.tmp": False,           # its writer is gone
             f".m.gnet.saving-{os.getpid()}-abc.tmp": True,        # a save in progress
             f".n.gnet.saving-{dead}-abc.tmp": True,               # another target's
             f".m.gnet.saving-{dead}-abc.tmp.bak": True, f"m.gnet.saving-{dead}-abc.tmp": True,
             f".m.gnet.saving-{dead}-ABC.tmp": True, ".m.gnet.abcdefgh.tmp": True}
    for name in names:
        (tmp_path / name).write_bytes(b"")
    Sequential([Dense(1, input_shape=(2,))]).save(tmp_path / "m.gnet")
    assert {p.name for p in tmp_path.iterdir()} == {n for n, kept in names.items() if kept} | {"m.gnet"}


def test_a_saved_model_gets_the_users_usual_file_permissions(tmp_path):
    import os
    model = gn.Sequential([gn.nn.Dense(2, input_shape=(3,))])
    old = os.umask(0o022)
    try:
        model.save(tmp_path / "new.gnet")
        assert (tmp_path / "new.gnet").stat().st_mode & 0o777 == 0o644
        os.chmod(tmp_path / "new.gnet", 0o640)
        model.save(tmp_path / "new.gnet")  # saved again: keeps the permissions it had
        assert (tmp_path / "new.gnet").stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(old)
