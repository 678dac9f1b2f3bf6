"""Nothing silently wrong: a model file loads identically, or is refused with a
ModelFileError naming it, and a refusal changes neither the model nor the file.

The file is fuzzed (truncated, bits flipped, members rewritten by hand), arrays
claiming more than the model can need are refused before they are inflated, a
save killed mid-write leaves nothing the next save does not remove, and a
corrupted Numba cache costs a warning and a recompile, not every later run.
"""
import collections
import io
import json
import os
import signal
import subprocess
import sys
import time
import tracemalloc
import warnings
import zipfile

import numpy as np
import pytest

from graphnet.train import saving
from graphnet.train.saving import ModelFileError, load_model

from test_saving import trained

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def fingerprint(arrays):
    """Byte-for-byte identity of a list of arrays: dtype, shape and bytes."""
    return [(a.dtype.str, a.shape, np.ascontiguousarray(a).tobytes()) for a in arrays]


def state_of(model):
    state = model.optimizer.get_state() if model.optimizer else {}
    return {"json": model.to_json(), "weights": fingerprint(model.get_weights()),
            "state": {k: fingerprint([np.asarray(v)]) for k, v in state.items()},
            "setup": json.dumps([saving._name_of(model._loss_specs),
                                 saving._name_of(model._metric_specs), model._loss_weights,
                                 model.optimizer and model.optimizer.get_config()])}


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A trained model, its file's bytes, and another model of its architecture
    (other weights) to load into."""
    model, _, _ = trained()
    path = tmp_path_factory.mktemp("fuzz") / "m.gnet"
    model.save(path)
    target, _, _ = trained(seed=1)
    assert fingerprint(target.get_weights()) != fingerprint(model.get_weights())
    return model, path.read_bytes(), target


class Outcomes:
    """Loads ``data`` both ways and tallies what happened; anything but an identical
    load or a ModelFileError naming the file, a changed model or a changed file is
    recorded as a failure."""

    def __init__(self, saved, path):
        self.model, self.original, self.target = saved
        self.path, self.counts, self.failures = path, collections.Counter(), []
        self.reference = state_of(self.model)
        self.own = self.target.get_weights()

    def load(self, case, data, must_refuse=()):
        self.path.write_bytes(data)
        for how in ("load_weights", "load_model"):
            before = fingerprint(self.target.get_weights())
            try:
                if how == "load_weights":
                    self.target.load_weights(self.path)
                    ok = fingerprint(self.target.get_weights()) == self.reference["weights"]
                    self.target.set_weights(self.own)
                else:
                    ok = state_of(load_model(self.path)) == self.reference
                outcome = "loaded" if ok else "loaded DIFFERENT"
                if how in must_refuse:
                    outcome = "loaded, should refuse"
            except ModelFileError as exc:
                outcome = "refused" if str(self.path) in str(exc) else "refused without the path"
                if how == "load_weights" and fingerprint(self.target.get_weights()) != before:
                    outcome = "refused but the model CHANGED"
            except Exception as exc:  # the point of the test: no other type escapes
                outcome = f"{type(exc).__name__}: {exc}"[:200]
            if self.path.read_bytes() != data:
                outcome += ", file CHANGED"
            self.counts[how, outcome.split(":")[0]] += 1
            if outcome not in ("loaded", "refused"):
                self.failures.append((case, how, outcome))

    def report(self, title):
        tally = ", ".join(f"{how} {what} x{n}" for (how, what), n in sorted(self.counts.items()))
        print(f"\n{title}: {tally}")
        assert not self.failures, self.failures[:10]


def test_every_truncation_is_refused(saved, tmp_path):
    outcomes, data = Outcomes(saved, tmp_path / "t.gnet"), saved[1]
    cuts = sorted(set(np.linspace(0, len(data) - 1, 60).astype(int)) | set(range(len(data) - 30, len(data))))
    for cut in cuts:
        outcomes.load(f"cut at {cut}", data[:cut], must_refuse=("load_weights", "load_model"))
    outcomes.report(f"{len(cuts)} truncations")


def test_flipped_bits_and_bytes_load_identically_or_are_refused(saved, tmp_path):
    outcomes, data = Outcomes(saved, tmp_path / "f.gnet"), saved[1]
    rng = np.random.default_rng(0)
    for pos in rng.choice(len(data), 600, replace=False):
        damaged = bytearray(data)
        damaged[pos] ^= 1 << int(rng.integers(8))
        outcomes.load(f"bit flip at {pos}", bytes(damaged))
    for pos in rng.choice(len(data), 150, replace=False):
        damaged = bytearray(data)
        damaged[pos] = (damaged[pos] + int(rng.integers(1, 256))) % 256
        outcomes.load(f"byte changed at {pos}", bytes(damaged))
    outcomes.report("600 bit flips, 150 byte changes")
    assert outcomes.counts["load_model", "refused"] > 300  # the checksums catch damaged data


# --- members rewritten by hand ----------------------------------------------------------

def npy(array):
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.asarray(array), allow_pickle=True)
    return buf.getvalue()


def npy_claiming(shape, descr="<f4", data=b"\0" * 16, version=(1, 0)):
    """A .npy whose header claims ``shape`` but holds only ``data``."""
    buf = io.BytesIO()
    header = {"descr": descr, "fortran_order": False, "shape": shape}
    write = {(1, 0): np.lib.format.write_array_header_1_0, (2, 0): np.lib.format.write_array_header_2_0}
    write[version](buf, header)
    return buf.getvalue() + data


def zipped(members):
    """A zip of ``(name, array or .npy bytes)`` pairs, as np.savez writes them."""
    buf = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buf, "w") as archive:
        warnings.simplefilter("ignore")  # a duplicate name is one of the cases
        for name, content in members:
            archive.writestr(name if name.endswith(".txt") else name + ".npy",
                             content if isinstance(content, bytes) else npy(content))
    return buf.getvalue()


def text(obj):
    return saving._text(obj) if not isinstance(obj, bytes) else np.frombuffer(obj, np.uint8)


def rewrites(arrays):
    """(case, members) for many ways a file can be damaged or hostile."""
    arch, setup = json.loads(bytes(arrays["architecture"])), json.loads(bytes(arrays["compile"]))
    last = max(int(k.split("/")[1]) for k in arrays if k.startswith("weights/"))
    w, m0 = arrays[f"weights/{last}"], arrays["optimizer/adam/0/m"]

    def with_(**changes):
        members = dict(arrays)
        for key, value in changes.items():
            key = key.replace("__", "/")
            if value is None:
                members.pop(key)
            else:
                members[key] = value
        return list(members.items())

    def last_as(value):
        return with_(**{f"weights__{last}": value})

    def arch_with(edit):
        spec = json.loads(json.dumps(arch))
        edit(spec)
        return with_(architecture=text(spec))

    def setup_with(**changes):
        return with_(compile=text({**setup, **changes}))

    w0 = arrays["weights/0"]
    yield "architecture not JSON", with_(architecture=text(b"{'class_name': Sequential"))
    yield "architecture not UTF-8", with_(architecture=text(b"\xff\xfe{}"))
    yield "architecture a list", with_(architecture=text([1, 2]))
    yield "architecture nested 100000 deep", with_(architecture=text(b"[" * 100_000 + b"]" * 100_000))
    yield "architecture missing", with_(architecture=None)
    yield "architecture as floats", with_(architecture=np.zeros(4))
    yield "unknown layer class", arch_with(lambda s: s["layers"][0].update(class_name="os.system"))
    yield "layer config not a dict", arch_with(lambda s: s["layers"][0].update(config=[1]))
    yield "unknown layer argument", arch_with(lambda s: s["layers"][0]["config"].update(run="rm -rf /"))
    for code in ("__import__('os').system('touch /tmp/pwned')", "lambda x: x", "eval"):
        yield f"activation {code!r}", arch_with(
            lambda s, c=code: s["layers"][0]["config"].update(activation=c))
    yield "unknown initializer", arch_with(lambda s: s["layers"][0]["config"].update(
        kernel_initializer={"class_name": "Evil", "config": {}}))
    yield "input dtype object", arch_with(lambda s: s.update(input_dtype="object"))
    yield "input dtype nonsense", arch_with(lambda s: s.update(input_dtype="no such dtype"))
    yield "input shape negative", arch_with(lambda s: s.update(input_shape=[-2]))
    yield "input shape huge", arch_with(lambda s: s.update(input_shape=[10**6, 10**6, 10**6]))
    yield "units a string", arch_with(lambda s: s["layers"][0]["config"].update(units="8"))
    yield "other layer sizes", arch_with(lambda s: s["layers"][0]["config"].update(units=9))
    yield "unknown loss class", setup_with(loss={"class_name": "Evil", "config": {}})
    yield "unknown loss name", setup_with(loss="no_such_loss")
    yield "loss missing", setup_with(loss=None)
    yield "unknown metric", setup_with(metrics=["__import__('os')"])
    yield "unknown optimizer", setup_with(optimizer={"class_name": "Evil", "config": {}})
    yield "optimizer not a dict", setup_with(optimizer="adam; rm -rf /")
    yield "optimizer bad argument", setup_with(optimizer={"class_name": "Adam", "config": {"beta_1": "x"}})
    yield "optimizer negative rate", setup_with(optimizer={"class_name": "Adam",
                                                           "config": {"learning_rate": -1}})
    yield "other optimizer than the state", setup_with(optimizer={"class_name": "SGD", "config": {}})
    yield "compile not JSON", with_(compile=text(b"{loss: mse"))
    yield "compile a number", with_(compile=text(3))
    yield "other kind of file", with_(format=text({"format": "keras", "version": 1}))
    yield "newer format version", with_(format=text({"format": "graphnet-model", "version": 2}))
    yield "version a string", with_(format=text({"format": "graphnet-model", "version": "1"}))
    yield "version 0", with_(format=text({"format": "graphnet-model", "version": 0}))
    yield "format missing", with_(format=None)
    yield "last weight strings", last_as(w.astype(str))
    yield "last weight strings of numbers", last_as(np.full(w.shape, "1.5"))
    yield "first weight strings", with_(weights__0=w0.astype(str))
    yield "last weight bytes", last_as(w.astype("S8"))
    yield "last weight objects", last_as(w.astype(object))
    yield "last weight complex", last_as(w + 1j)
    yield "last weight bools", last_as(w > 0)
    yield "last weight records", last_as(np.zeros(w.shape, "f4,f4"))
    yield "last weight wrong shape", last_as(np.zeros(w.size + 1, "f4"))
    yield "last weight an axis more", last_as(np.zeros(w.shape + (1,), "f4"))
    yield "last weight missing", last_as(None)
    yield "a weight too many", with_(**{f"weights__{last + 1}": np.zeros(3, "f4")})
    yield "weight spelled 00", with_(weights__0=None, weights__00=w0)
    yield "last weight claims 10^12 floats", last_as(npy_claiming((10**12,)))
    yield "last weight claims 10^12 floats, v2 header", last_as(npy_claiming((10**12,), version=(2, 0)))
    yield "architecture claims 10^12 bytes", with_(architecture=npy_claiming((10**12,), "|u1"))
    yield "architecture claims -5 bytes", with_(architecture=npy_claiming((-5,), "|u1"))
    yield "weight claims shape -1", with_(weights__0=npy_claiming((-1,)))
    yield "weight of 10^9-byte strings", with_(weights__0=npy_claiming(w0.shape, "<U1000000000"))
    header = bytearray(npy(w0))
    header[6:8], header[8:12] = b"\x02\x00", (2**32 - 1).to_bytes(4, "little")  # a 4 GB header
    yield "header length 4 GB", with_(weights__0=bytes(header))
    yield "npy of version 9", with_(weights__0=b"\x93NUMPY\x09\x00" + npy(w0)[8:])
    yield "not a .npy at all", with_(weights__0=b"PK\x03\x04 hello")
    yield "header not a dict", with_(weights__0=b"\x93NUMPY\x01\x00\x10\x00[1, 2, 3]      \n")
    yield "data shorter than header", with_(weights__0=npy(w0)[:-4])
    yield "data longer than header", with_(weights__0=npy(w0) + b"\0" * 8)
    yield "optimizer state wrong shape", with_(**{"optimizer__adam__0__m": np.zeros(3, "f4")})
    yield "optimizer state strings", with_(**{"optimizer__adam__0__m": m0.astype(str)})
    yield "optimizer state missing a slot", with_(**{"optimizer__adam__0__v": None})
    yield "optimizer state for weight 99", with_(**{"optimizer__adam__99__m": np.zeros(3, "f4")})
    yield "optimizer state unknown slot", with_(**{"optimizer__adam__0__evil": m0})
    yield "optimizer state claims 10^12", with_(**{"optimizer__adam__0__m": npy_claiming((10**12,))})
    yield "iterations negative", with_(optimizer__iterations=np.array(-1))
    yield "iterations a float", with_(optimizer__iterations=np.array(1.5))
    yield "iterations a vector", with_(optimizer__iterations=np.arange(3))
    yield "iterations missing", with_(optimizer__iterations=None)
    yield "optimizer state without set-up", with_(compile=None)
    yield "unknown member", with_(evil=np.zeros(3))
    yield "not an array", list(arrays.items()) + [("readme.txt", b"hello")]
    yield "member twice", list(arrays.items()) + [("weights/0", w0 + 1)]


MEANING_ONLY = {"architecture a list", "unknown layer class", "layer config not a dict",
                "unknown layer argument", "activation \"__import__('os').system('touch /tmp/pwned')\"",
                "activation 'lambda x: x'", "activation 'eval'", "unknown initializer",
                "input dtype object", "input dtype nonsense", "input shape negative",
                "input shape huge", "units a string", "other layer sizes", "unknown loss class",
                "unknown loss name", "loss missing", "unknown metric"}


def test_rewritten_members_are_refused(saved, tmp_path):
    outcomes = Outcomes(saved, tmp_path / "r.gnet")
    with np.load(io.BytesIO(saved[1]), allow_pickle=False) as archive:
        arrays = {k: archive[k] for k in archive.files}
    n = 0
    for case, members in rewrites(arrays):
        # load_weights checks that the whole file is intact, but not what the architecture
        # and the loss mean: a file naming an unknown loss still gives its weights.
        meaning = case in MEANING_ONLY
        outcomes.load(case, zipped(members), ("load_model",) if meaning else ("load_weights", "load_model"))
        n += 1
    outcomes.report(f"{n} rewritten files")
    assert outcomes.counts["load_model", "refused"] == n
    assert not os.path.exists("/tmp/pwned")


def test_the_brief_cases_name_what_is_wrong(saved, tmp_path):
    model, data, target = saved
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        arrays = {k: archive[k] for k in archive.files}
    cases = dict(rewrites(arrays))
    path = tmp_path / "m.gnet"
    expected = {"unknown loss class": "Evil", "architecture not JSON": "JSONDecodeError",
                "newer format version": r"version 2, newer than this graphnet reads \(version 1\)",
                "last weight strings": "weight 3 .* holds <U", "unknown optimizer": "Evil",
                "activation 'lambda x: x'": "unknown activation",
                "last weight claims 10^12 floats": r"shape \(1000000000000,\) in the file",
                "optimizer state wrong shape": r"'optimizer/adam/0/m' has shape \(3,\) in the file, "
                                               r"but \(2, 8\)"}
    for case, pattern in expected.items():
        path.write_bytes(zipped(cases[case]))
        with pytest.raises(ModelFileError, match=f"cannot load {path}: .*{pattern}"):
            load_model(path)
    path.write_bytes(saved[1])
    flipped = bytearray(data)
    flipped[data.index(b"PK\x01\x02") + 10] ^= 1  # the central directory's compression method
    path.write_bytes(bytes(flipped))
    with pytest.raises(ModelFileError, match=f"{path}: .*NotImplementedError: That compression"):
        load_model(path)


# --- sizes checked before arrays are inflated --------------------------------------------

def deflated_zeros(arrays, key, shape):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, value in arrays.items():
            if name != key:
                archive.writestr(name + ".npy", npy(value))
        with archive.open(key + ".npy", "w", force_zip64=True) as f:
            f.write(npy_claiming(shape, data=b""))
            chunk, left = bytes(1 << 20), 4 * int(np.prod(shape))
            while left:
                f.write(chunk[:left])
                left -= min(left, len(chunk))
    return buf.getvalue()


def test_a_small_file_inflating_to_400_mb_is_refused_before_inflating(saved, tmp_path):
    model, data, target = saved
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        arrays = {k: archive[k] for k in archive.files}
    path = tmp_path / "bomb.gnet"
    path.write_bytes(deflated_zeros(arrays, "weights/3", (100_000_000,)))  # 400 MB of zeros
    assert path.stat().st_size < 1_000_000
    before = fingerprint(target.get_weights())
    for load in (target.load_weights, load_model):
        tracemalloc.start()
        with pytest.raises(ModelFileError, match=r"shape \(100000000,\) in the file"):
            load(path)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"\n{load.__name__}: peak {peak / 1e6:.1f} MB for a {path.stat().st_size / 1e6:.2f} MB "
              "file inflating to 400 MB")
        assert peak < 20e6
    assert fingerprint(target.get_weights()) == before


# --- a save killed mid-write ---------------------------------------------------------------

SAVER = """
import sys
from graphnet.nn import Dense
from graphnet.train.model import Sequential
model = Sequential([Dense(1024, input_shape=(1024,))])  # 4 MB: a save takes a while
print("saving", flush=True)
while True:
    model.save(sys.argv[1])
"""


def test_a_save_killed_mid_write_leaves_nothing_the_next_save_keeps(tmp_path):
    path, rng, left = tmp_path / "m.gnet", np.random.default_rng(0), 0
    (tmp_path / "other.gnet.tmp").write_bytes(b"not ours")   # near misses, never removed
    (tmp_path / ".m.gnet.saving-x-abc.tmp").write_bytes(b"not ours")
    (tmp_path / ".n.gnet.saving-99999999-abc.tmp").write_bytes(b"another target's")
    ours = {p.name for p in tmp_path.iterdir()}
    for _ in range(6):
        child = subprocess.Popen([sys.executable, "-c", SAVER, str(path)], stdout=subprocess.PIPE,
                                 cwd=ROOT, env={**os.environ, "PYTHONPATH": ROOT})
        assert child.stdout.readline() == b"saving\n"
        time.sleep(rng.uniform(0.05, 0.4))
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        strays = [p.name for p in tmp_path.iterdir() if p.name not in ours | {"m.gnet"}]
        assert len(strays) <= 1, strays  # each save removed what the killed one before left
        left += len(strays)
        assert all(saving._temporaries(path).fullmatch(name) for name in strays), strays
        if path.exists():  # the target is always whole: the old file or the new one
            load_model(path)
    print(f"\n6 saves killed (kill -9): {left} left a temporary file")
    assert left > 0  # the kills did land mid-save
    model, _, _ = trained()
    model.save(path)
    assert {p.name for p in tmp_path.iterdir()} == ours | {"m.gnet"}
    np.testing.assert_array_equal(load_model(path).get_weights()[0], model.get_weights()[0])


# --- a corrupted Numba cache ----------------------------------------------------------------

KERNELS = """
from graphnet.kernels.jit import njit, vectorize

@njit
def add_one(x):  # compiled at its first call
    return x + 1

@vectorize(["float64(float64)"])
def twice(x):  # compiled (or read from the cache) right here
    return 2 * x
"""


def test_a_corrupted_numba_cache_is_recompiled_with_one_warning(tmp_path):
    (tmp_path / "kernels_under_test.py").write_text(KERNELS)
    cache = tmp_path / "cache"
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache), "GRAPHNET_NUMBA_CACHE": "1",
           "PYTHONPATH": os.pathsep.join([str(tmp_path), ROOT])}

    def run():
        done = subprocess.run([sys.executable, "-W", "always", "-c",
                               "import kernels_under_test as k; print(k.add_one(1), k.twice(2.0))"],
                              env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert done.stdout.split() == ["2", "4.0"]
        return done.stderr

    assert "cannot be read" not in run()
    files = sorted(p for p in cache.rglob("*") if p.is_file())
    assert {p.suffix for p in files} == {".nbi", ".nbc"}

    def corrupt(kernel):
        for p in files:
            if f".{kernel}-" in p.name:
                p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])

    corrupt("add_one")  # read at the first call
    err = run()
    assert err.count("cannot be read") == 1 and "add_one" in err and str(files[0].parent) in err, err
    assert "pickle data was truncated" in err
    corrupt("twice")  # read when the module is imported
    err = run()
    assert err.count("cannot be read") == 1 and str(files[0].parent) in err, err
    assert all(p.exists() for p in files)  # nothing of the cache was deleted
