"""Saving and loading models: one file, no pickle.

The file is a NumPy ``.npz`` archive (a zip of ``.npy`` arrays):

- ``format``: JSON (as bytes) naming the format version;
- ``architecture``: JSON (as bytes): the model's class, layers and how they connect;
- ``weights/<i>``: the weight arrays, in ``model.weights`` order;
- ``compile``: JSON (as bytes): loss and metrics names and the optimizer's config;
- ``optimizer/<key>``: the optimizer's state arrays (moments, iteration count).

It is read with ``allow_pickle=False``, so a file from a stranger cannot run
code. Writing goes to a temporary file (``.<name>.saving-<pid>-<random>.tmp``)
that replaces the target only once complete, so a failed save leaves the old
file intact; the next save of that target removes such files whose process
died mid-write. Loading reads each array's header first and refuses what the
model cannot need before inflating it, then checks the whole file before
touching any model, so a failed load changes nothing; however a file is
damaged or hostile, the error is a ``ModelFileError`` naming it.
"""
import contextlib
import json
import math
import os
import pathlib
import re
import tempfile
import zipfile

import numpy as np

from ..core import GraphnetError
from ..nn import layers as L
from ..nn import losses as losses_module

FORMAT = {"format": "graphnet-model", "version": 1}


class ModelFileError(GraphnetError, ValueError):
    """A model file that cannot be read, or that does not fit the model."""


# --- architecture ---------------------------------------------------------------------

def _layer_spec(layer):
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


def _layer_from(spec):
    try:
        cls = L.LAYERS[spec["class_name"]]
    except KeyError:
        raise ModelFileError(f"unknown layer class {spec.get('class_name')!r} in the model file") from None
    return cls.from_config(spec["config"])


def _connections(model, specs=True):
    """How a model's layers connect: each layer call with its input keys (an
    input's name, or the name of the layer that produced it), in order, and the
    keys of the outputs. ``specs``: layers as JSON specs, else the layers themselves."""
    from ..core import Graph
    graph = Graph(model.outputs)
    producer = {}  # slot -> layer name whose call produced it
    calls, inputs_of = [], {}
    input_slots = {graph.slot(t): t.label for t in model.inputs}
    for node, ins, out in graph.steps:
        layer = getattr(node, "layer", None)
        if layer is None:
            raise ModelFileError("only models built from layers can be saved; this one has "
                                 f"an operation outside any layer: {node!r}")
        producer[out] = layer.name
        for j in ins:
            var = graph.variables[j]
            if var.role == "parameter":
                continue
            source = input_slots.get(j) or producer.get(j)
            if source and source != layer.name:
                inputs_of.setdefault(layer.name, [])
                if source not in inputs_of[layer.name]:
                    inputs_of[layer.name].append(source)
    for layer in model._computing_layers():  # an InputLayer is the model's input, not a call
        sources = inputs_of.get(layer.name, [])
        if len(sources) > 1 and not getattr(layer, "merges", False):
            raise ModelFileError(f"layer '{layer.name}' is applied more than once (a shared layer), "
                                 "which saving a model and calling it as a layer do not support yet")
        calls.append({"layer": _layer_spec(layer), "inputs": sources} if specs else (layer, sources))
    outputs = [producer.get(graph.slot(o), o.label) for o in model.outputs]
    return calls, outputs


def architecture(model):
    from .model import Sequential
    if isinstance(model, Sequential):
        model._require_built("saving")
        return {"class_name": "Sequential", "name": model.name,
                "input_shape": list(model.inputs[0].shape[1:]),
                "input_dtype": str(model.inputs[0].dtype),
                "layers": [_layer_spec(l) for l in model.layers]}
    calls, outputs = _connections(model)
    return {"class_name": "Model", "name": model.name,
            "inputs": [{"name": t.label, "shape": list(t.shape[1:]), "dtype": str(t.dtype)}
                       for t in model.inputs],
            "calls": calls, "outputs": outputs}


def architecture_json(model):
    return json.dumps(architecture(model), indent=2)


def _input(shape, dtype, name=None):
    if dtype is not None and np.dtype(dtype).kind not in "biuf":
        raise ModelFileError(f"an input of dtype {dtype!r}: inputs hold numbers")
    return L.Input(tuple(shape), name=name, dtype=dtype)


def model_from_architecture(spec):
    from .model import Model, Sequential
    try:
        if spec["class_name"] == "Sequential":
            inp = _input(spec["input_shape"], spec.get("input_dtype"))
            return Sequential([inp] + [_layer_from(s) for s in spec["layers"]], name=spec["name"])
        tensors = {i["name"]: _input(i["shape"], i["dtype"], name=i["name"]) for i in spec["inputs"]}
        inputs = list(tensors.values())
        for call in spec["calls"]:
            layer = _layer_from(call["layer"])
            args = [tensors[k] for k in call["inputs"]]
            tensors[layer.name] = layer(args[0] if len(args) == 1 else args)
        return Model(inputs, [tensors[k] for k in spec["outputs"]], name=spec["name"])
    except (KeyError, TypeError, IndexError, AttributeError) as exc:
        raise ModelFileError(f"the architecture in the model file is incomplete: {exc!r}") from None
    except ModelFileError:
        raise
    except Exception as exc:  # a file can say anything: an unknown activation, layers that do not fit
        raise ModelFileError(f"the architecture in the model file cannot be built "
                             f"({type(exc).__name__}: {exc})") from exc


def model_from_json(text):
    try:
        spec = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ModelFileError(f"the architecture is not valid JSON ({exc})") from None
    return model_from_architecture(spec)


# --- files ----------------------------------------------------------------------------

MAX_TEXT_BYTES = 1 << 24          # a JSON member (architecture, set-up): far above any model's
_MAX_HEADER_BYTES = 10_000 + 16   # NumPy's own cap on a .npy header, plus magic and length
_INDEX = re.compile(r"0|[1-9][0-9]*")  # a position as saving writes it: one spelling each
_KINDS = {"f": "floats", "fiu": "real numbers", "iu": "an integer", "u": "bytes"}


def _text(obj):
    return np.frombuffer(json.dumps(obj).encode("utf-8"), dtype=np.uint8)


def _temporaries(path):
    """The names saves to ``path`` give their temporary files, with the writer's process id."""
    return re.compile(re.escape(f".{path.name}.saving-") + r"([0-9]+)-[a-z0-9_]+\.tmp")


def _alive(pid):
    try:
        os.kill(pid, 0)  # signal 0 only asks whether the process exists
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):  # another user's process, or no pid: keep its file
        return True
    return True


def _remove_stale_temporaries(path):
    """Remove what saves to ``path`` that were killed mid-write (kill -9, power cut) left:
    only files named as this module names them, and only once their writer is gone."""
    if os.name != "posix":  # os.kill(pid, 0) tests for a process only there
        return
    pattern = _temporaries(path)
    for entry in os.scandir(path.parent):
        match = pattern.fullmatch(entry.name)
        if match and not _alive(int(match.group(1))):
            try:
                os.unlink(entry.path)
            except OSError:  # another save removed it first, or it cannot be: the save goes on
                pass


def _mode_for(path):
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _write_atomically(path, arrays):
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.saving-{os.getpid()}-", suffix=".tmp",
                               dir=path.parent)
    try:
        # mkstemp makes the file private (0600); a saved model gets the permissions
        # any new file of the user's would (the umask's), or the old file's own.
        os.fchmod(fd, _mode_for(path))
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)  # atomic: readers see the old file or the new one, never half
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


class _Capped:
    """A stream that refuses to read past ``limit`` bytes: a .npy header claiming
    to be gigabytes long is refused before they are inflated."""

    def __init__(self, stream, limit):
        self.stream, self.left = stream, limit

    def read(self, n):
        if n > self.left:
            raise ModelFileError(f"a .npy header claims {n} bytes, more than NumPy allows")
        self.left -= n
        return self.stream.read(n)


def _header(stream, name):
    """(shape, fortran_order, dtype) of the .npy array whose data follows in ``stream``."""
    capped = _Capped(stream, _MAX_HEADER_BYTES)
    version = np.lib.format.read_magic(capped)
    if version not in ((1, 0), (2, 0)):
        raise ModelFileError(f"'{name}' is a .npy file of version {version}, which saving never writes")
    read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
    return read(capped)


class _Archive:
    """A model file's arrays: each one's .npy header (shape, dtype) read before its
    data, so nothing is inflated that the model cannot need, and its data read to
    the end, so the zip's checksum is checked."""

    def __init__(self, file):
        self.zip = zipfile.ZipFile(file)
        names = self.zip.namelist()
        if len(set(names)) != len(names):
            raise ModelFileError("it holds an array twice")
        self.headers = {}
        for name in names:
            if not name.endswith(".npy"):
                raise ModelFileError(f"it holds {name!r}, which is not an array")
            with self.zip.open(name) as stream:
                self.headers[name[:-len(".npy")]] = _header(stream, name)

    def keys(self, prefix):
        return [k for k in self.headers if k.startswith(prefix)]

    def array(self, key, shape, kinds, what=None):
        """Array ``key``, refused before its data is read unless it has ``shape`` and
        a dtype of one of ``kinds`` (NumPy's kind letters)."""
        what = what or f"'{key}'"
        if key not in self.headers:
            raise ModelFileError(f"it has no {what}")
        found, fortran, dtype = self.headers[key]
        if dtype.kind not in kinds:  # objects (pickles), strings, complex, records
            raise ModelFileError(f"{what} holds {dtype} data, not {_KINDS[kinds]}")
        if found != tuple(shape):
            raise ModelFileError(f"{what} has shape {found} in the file, but {tuple(shape)} in the model")
        nbytes = math.prod(found) * dtype.itemsize
        with self.zip.open(key + ".npy") as stream:
            _header(stream, key)
            data = stream.read(nbytes)
            if len(data) != nbytes or stream.read(1):  # reading to the end checks the CRC
                raise ModelFileError(f"{what} does not hold the {nbytes} bytes its header says")
        return np.frombuffer(data, dtype).reshape(found, order="F" if fortran else "C")

    def text(self, key):
        if key not in self.headers:
            raise ModelFileError(f"it has no '{key}'")
        shape, _, dtype = self.headers[key]
        if dtype != np.uint8 or len(shape) != 1 or not 0 <= shape[0] <= MAX_TEXT_BYTES:
            raise ModelFileError(f"'{key}' is not JSON text of at most {MAX_TEXT_BYTES} bytes "
                                 f"(it is {dtype} of shape {shape})")
        return json.loads(bytes(self.array(key, shape, "u")).decode("utf-8"))


@contextlib.contextmanager
def _reading(path):
    """The file's arrays, its format checked. Whatever goes wrong inside the block,
    however it shows, is a ModelFileError naming the file: a damaged or hostile
    file can break a reader in more ways than there are exception types."""
    with open(path, "rb") as file:  # a missing file is not a damaged one: its own error
        try:
            archive = _Archive(file)
            found = archive.text("format")
            if not isinstance(found, dict) or found.get("format") != FORMAT["format"]:
                raise ModelFileError("it is not a graphnet model file")
            version = found.get("version")
            if type(version) is not int or version < 1:
                raise ModelFileError(f"its format version {version!r} is not a version number")
            if version > FORMAT["version"]:
                raise ModelFileError(f"it is of format version {version}, newer than this graphnet "
                                     f"reads (version {FORMAT['version']}): load it with a newer graphnet")
            unknown = [k for k in archive.headers if k not in ("format", "architecture", "compile")
                       and not k.startswith(("weights/", "optimizer/"))]
            if unknown:
                raise ModelFileError(f"it holds {unknown}, which saving never writes")
            yield archive
        except ModelFileError as exc:
            raise ModelFileError(f"cannot load {path}: {exc}") from None
        except Exception as exc:
            raise ModelFileError(f"cannot load {path}: the file is damaged, truncated or of another "
                                 f"kind ({type(exc).__name__}: {exc})") from exc


def _weights_payload(model):
    return {f"weights/{i}": np.asarray(p.value) for i, p in enumerate(model.weights)}


def save_model(model, path, include_optimizer=True):
    """Write architecture, weights and (if compiled) the training set-up and optimizer state."""
    arrays = {"format": _text(FORMAT), "architecture": _text(architecture(model))}
    arrays.update(_weights_payload(model))
    if model.compiled:
        from . import optimizers
        setup = {"loss": _name_of(model._loss_specs), "metrics": _name_of(model._metric_specs),
                 "loss_weights": model._loss_weights,
                 "optimizer": optimizers.serialize(model.optimizer)}
        arrays["compile"] = _text(setup)
        if include_optimizer:
            for key, value in model.optimizer.get_state().items():
                arrays[f"optimizer/{key}"] = np.asarray(value)
    _write_atomically(path, arrays)


def _name_of(spec):
    """A loss or metric as JSON: its Keras name, or a loss object's class and settings."""
    if isinstance(spec, (str, type(None))):
        return spec
    if isinstance(spec, (list, tuple)):
        return [_name_of(s) for s in spec]
    if isinstance(spec, dict):
        return {k: _name_of(v) for k, v in spec.items()}
    found = losses_module.serialize(spec)
    if found is None:
        raise ModelFileError(f"cannot save {spec!r}: only Keras names and graphnet's own losses "
                             "and metrics can be stored (a file holds no code)")
    return found


def _weights_from(archive, model):
    """The file's weights, checked against the model's (count, shapes, numbers) and cast
    to their dtypes before any is assigned, so that assigning them cannot fail half way.
    NaN and infinity are kept: a diverged model's file loads as it was saved."""
    params, keys = model.weights, set(archive.keys("weights/"))
    odd = sorted(keys - {f"weights/{i}" for i in range(len(params))})
    if odd or len(keys) != len(params):
        raise ModelFileError(f"it holds {len(keys)} weight arrays{f' (among them {odd})' if odd else ''}, "
                             f"but the model has {len(params)}")
    return [archive.array(f"weights/{i}", p.shape, "fiu", f"weight {i} ('{p.name}')").astype(p.dtype)
            for i, p in enumerate(params)]


def _optimizer_from(archive, model):
    """The file's training set-up and its optimizer, with the state checked against the
    model's weights (names, shapes, floats) and set; (None, None) if there is none."""
    from . import optimizers
    keys = archive.keys("optimizer/")
    if "compile" not in archive.headers:
        if keys:
            raise ModelFileError("it holds optimizer state but no training set-up")
        return None, None
    setup = archive.text("compile")
    optimizer = optimizers.deserialize(setup["optimizer"])
    params, state = model.weights, {}
    for key in keys:
        entry = key[len("optimizer/"):]
        parts = entry.split("/")
        if entry == "iterations":
            shape, kinds = (), "iu"
        elif len(parts) == 2 and parts[0] == optimizer.key and parts[1] in optimizer.scalar_state:
            shape, kinds = (), "f"
        elif (len(parts) == 3 and parts[0] == optimizer.key and _INDEX.fullmatch(parts[1])
              and int(parts[1]) < len(params) and parts[2] in optimizer.slot_names()):
            shape, kinds = params[int(parts[1])].shape, "f"
        else:
            raise ModelFileError(f"it holds optimizer state {entry!r}, which {optimizer.name} "
                                 f"does not keep for a model of {len(params)} weight arrays")
        state[entry] = archive.array(key, shape, kinds)
    if state:
        optimizer.set_state(state)
    return setup, optimizer


def load_model(path, compile=True):
    """A model from a file written by ``model.save``: same predictions, and
    training resumes where it stopped (optimizer state included)."""
    with _reading(path) as archive:
        model = model_from_architecture(archive.text("architecture"))
        weights = _weights_from(archive, model)
        setup, optimizer = _optimizer_from(archive, model)
        model.set_weights(weights)
        if compile and setup is not None:
            model.compile(optimizer=optimizer, loss=losses_module.deserialize(setup["loss"]),
                          metrics=setup["metrics"], loss_weights=setup["loss_weights"])
            model._losses_per_output(), model._metric_functions()  # unknown names: now, not at fit
    return model


def save_weights(model, path):
    arrays = {"format": _text(FORMAT), "architecture": _text(architecture(model))}
    arrays.update(_weights_payload(model))
    _write_atomically(path, arrays)


def load_weights(model, path):
    """Load weights into ``model``: all of them, or, if anything in the file does not fit, none."""
    with _reading(path) as archive:
        archive.text("architecture")
        weights = _weights_from(archive, model)
        _optimizer_from(archive, model)  # the rest of the file is checked too
    model.set_weights(weights)
