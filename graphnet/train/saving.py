"""Saving and loading models: one file, no pickle.

The file is a NumPy ``.npz`` archive (a zip of ``.npy`` arrays):

- ``format``: JSON (as bytes) naming the format version;
- ``architecture``: JSON (as bytes): the model's class, layers and how they connect;
- ``weights/<i>``: the weight arrays, in ``model.weights`` order;
- ``compile``: JSON (as bytes): loss and metrics names and the optimizer's config;
- ``optimizer/<key>``: the optimizer's state arrays (moments, iteration count).

It is read with ``allow_pickle=False``, so a file from a stranger cannot run
code. Writing goes to a temporary file that replaces the target only once
complete, so a failed save leaves the old file intact; loading checks the
whole file before touching any model, so a failed load changes nothing.
"""
import io
import json
import os
import pathlib
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
    for layer in model.layers:
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


def model_from_architecture(spec):
    from .model import Model, Sequential
    try:
        if spec["class_name"] == "Sequential":
            inp = L.Input(tuple(spec["input_shape"]), dtype=spec.get("input_dtype"))
            return Sequential([inp] + [_layer_from(s) for s in spec["layers"]], name=spec["name"])
        tensors = {i["name"]: L.Input(tuple(i["shape"]), name=i["name"], dtype=i["dtype"])
                   for i in spec["inputs"]}
        inputs = list(tensors.values())
        for call in spec["calls"]:
            layer = _layer_from(call["layer"])
            args = [tensors[k] for k in call["inputs"]]
            tensors[layer.name] = layer(args[0] if len(args) == 1 else args)
        return Model(inputs, [tensors[k] for k in spec["outputs"]], name=spec["name"])
    except (KeyError, TypeError, IndexError) as exc:
        raise ModelFileError(f"the architecture in the model file is incomplete: {exc!r}") from None


def model_from_json(text):
    return model_from_architecture(json.loads(text))


# --- files ----------------------------------------------------------------------------

def _text(obj):
    return np.frombuffer(json.dumps(obj).encode("utf-8"), dtype=np.uint8)


def _read_text(arrays, key):
    return json.loads(bytes(arrays[key]).decode("utf-8"))


def _write_atomically(path, arrays):
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)  # atomic: readers see the old file or the new one, never half
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _read(path):
    """Every array in the file, read in full (so a damaged file fails here)."""
    try:
        data = pathlib.Path(path).read_bytes()
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            arrays = {k: archive[k] for k in archive.files}
        if _read_text(arrays, "format").get("format") != FORMAT["format"]:
            raise ValueError("not a graphnet model file")
        return arrays
    except FileNotFoundError:
        raise
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"cannot read a graphnet model from {path}: the file is damaged, "
                             f"truncated or of another kind ({exc})") from None


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


def _weights_from(arrays, model, path):
    weights = []
    for i, p in enumerate(model.weights):
        key = f"weights/{i}"
        if key not in arrays:
            raise ModelFileError(f"{path} holds fewer weight arrays than the model has ({len(model.weights)})")
        if arrays[key].shape != p.shape:
            raise ModelFileError(f"{path}: weight {i} ('{p.name}') has shape {arrays[key].shape} in the "
                                 f"file, but {p.shape} in the model")
        weights.append(arrays[key])
    extra = sum(1 for k in arrays if k.startswith("weights/")) - len(weights)
    if extra:
        raise ModelFileError(f"{path} holds {extra} more weight arrays than the model has")
    return weights


def load_model(path, compile=True):
    """A model from a file written by ``model.save``: same predictions, and
    training resumes where it stopped (optimizer state included)."""
    arrays = _read(path)
    model = model_from_architecture(_read_text(arrays, "architecture"))
    model.set_weights(_weights_from(arrays, model, path))
    if compile and "compile" in arrays:
        from . import optimizers
        setup = _read_text(arrays, "compile")
        model.compile(optimizer=optimizers.deserialize(setup["optimizer"]),
                      loss=losses_module.deserialize(setup["loss"]),
                      metrics=setup["metrics"], loss_weights=setup["loss_weights"])
        state = {k[len("optimizer/"):]: v for k, v in arrays.items() if k.startswith("optimizer/")}
        if state:
            model.optimizer.set_state(state)
    return model


def save_weights(model, path):
    arrays = {"format": _text(FORMAT), "architecture": _text(architecture(model))}
    arrays.update(_weights_payload(model))
    _write_atomically(path, arrays)


def load_weights(model, path):
    """Load weights into ``model``: all of them, or, if anything does not fit, none."""
    arrays = _read(path)
    model.set_weights(_weights_from(arrays, model, path))
