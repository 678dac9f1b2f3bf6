"""Models: the functional ``Model(inputs, outputs)`` and ``Sequential``, with Keras'
``compile`` / ``fit`` / ``evaluate`` / ``predict`` / ``summary``.

A model traces its layers once on placeholder inputs of one sample. Every
node computes its shapes from its inputs, so the recorded graph then replays
on batches of any size: ``fit`` builds one training graph (loss included, dropout
on) and one inference graph (dropout off) and replays them batch after batch,
never tracing again.
"""
import inspect
import numbers

import numpy as np

from .. import config
from ..viz import register_adapter, view_of
from ..viz.adapters import graph_view
from ..core import DataError, Graph, OperandError, ShapeError
from ..core.errors import did_you_mean, renamed
from ..device import require, to_device, to_host
from ..kernels.dispatch import as_array, device_of
from ..nn import layers as L
from ..nn import losses as losses_module
from ..ops.tensor import Tensor, tensor
from ..random import generator
from . import callbacks as cbks
from . import metrics as metrics_module
from . import optimizers as optimizers_module


def _whole(fn, arg, value, minimum, default=None):
    """Keras' integer arguments: ``value`` as an int >= ``minimum``; None means ``default``
    when there is one. 2.5 or True are refused, not truncated."""
    if value is None and default is not None:
        return default
    fallback = f" (or None for {default})" if default is not None else ""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{fn}: {arg} must be a whole number >= {minimum}{fallback}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{fn}: {arg} must be a whole number >= {minimum}{fallback}, got {value}")
    return int(value)


def _batch_size(value, fn="fit"):
    """Keras' rule: a positive int, None means 32."""
    return _whole(fn, "batch_size", value, 1, default=32)


def _as_list(x):
    if x is None:
        return []
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _spec_values(specs):
    """The single specs in a loss or metrics argument: one, a list, or a dict of either."""
    values = specs.values() if isinstance(specs, dict) else _as_list(specs)
    return [s for v in values for s in (_as_list(v) if isinstance(specs, dict) else [v])]


def _plural(k, word):
    return f"{k} {word}{'' if k == 1 else 's'}"


def _described(data):
    if isinstance(data, (list, tuple)):
        return f"a {type(data).__name__} of {_plural(len(data), 'item')}"
    return f"one array of shape {np.shape(data)}" if hasattr(data, "shape") else f"a {type(data).__name__}"


def _at(name, index):
    """'x[3, 1]', or 'x[1][3, 1]' for the array named "x[1] (input 'b')"."""
    return name.split(" (")[0] + "[" + ", ".join(str(int(i)) for i in index) + "]"


def _numbers(model, item, name, role):
    """``item`` as an array of numbers, or an error naming ``name``: strings, None, NaN and
    infinity would otherwise train without a word into weights that are all NaN.
    Once per call, on the whole array (not per batch); GPU arrays are taken as
    given (checking them would copy them back)."""
    if isinstance(item, Tensor):
        item = item.value
    if device_of(item) == "cuda":
        return item
    try:
        a = np.asarray(item)
        if a.dtype == object:
            missing = np.equal(a, None)
            if missing.any():
                raise OperandError(
                    f"model '{model}': {name} holds None (a missing value) at {int(missing.sum())} "
                    f"of {a.size} positions, the first at {_at(name, np.argwhere(missing)[0])}: fill or "
                    "drop the missing values first; a model learns from numbers only")
            a = np.asarray(a.tolist())  # numbers kept as objects (a pandas column, say)
    except ValueError as exc:  # a ragged list such as [[1, 2], [3]]
        raise ShapeError(f"model '{model}': {name} is not a rectangular array of numbers ({exc}): "
                         "every sample needs the same shape") from None
    if a.ndim == 0:
        raise ShapeError(f"model '{model}': {name} is a single value {a!r}; it needs one entry per sample")
    if a.dtype.kind in "USO":
        example = a.flat[0].item() if isinstance(a.flat[0], np.generic) else a.flat[0]
        todo = ("encode the labels as integers first, e.g. gn.data.LabelEncoder().fit_transform(y), "
                "or as one-hot rows with gn.data.to_categorical" if role == "targets" else
                "turn them into numbers first (gn.data.LabelEncoder or one-hot rows for categories, "
                "np.asarray(x, dtype=float) for numbers written as text)")
        raise OperandError(f"model '{model}': {name} holds {'strings' if a.dtype.kind != 'O' else 'objects'} "
                           f"(dtype {a.dtype}, e.g. {example!r}), and a model learns from numbers: {todo}")
    if a.dtype.kind not in "biuf":
        raise OperandError(f"model '{model}': {name} holds {a.dtype} values, and a model learns from "
                           "real numbers (bool, int or float)")
    # A sum is NaN or infinite when any value is (or when it overflows: then the exact
    # check below finds nothing); it makes no temporary array the size of the data.
    if a.dtype.kind == "f" and not np.isfinite(a.sum()):
        bad = ~np.isfinite(a)
        if bad.any():
            nans = int(np.isnan(a).sum())
            infs = int(bad.sum()) - nans
            counts = " and ".join(_plural(k, word) for k, word in ((nans, "NaN value"), (infs, "infinite value"))
                                  if k)
            raise DataError(f"model '{model}': {name} holds {counts} (of {a.size} values), the first "
                            f"at {_at(name, np.argwhere(bad)[0])}; they would spread to the loss and, in training, "
                            "to every weight: drop those samples or fill the values first (np.isnan finds "
                            "them, np.nan_to_num fills them)")
    return a


def _scalar(value):
    """A metric's result for the logs: a number, or a list for several thresholds."""
    return float(value) if np.ndim(value) == 0 else np.asarray(value, dtype=float).tolist()


def _add_logs(totals, logs, n, streamed):
    """Add a batch of ``n`` samples to an epoch's running logs: means are summed as
    value * n; a streamed metric's value already covers the epoch so far."""
    for k, v in logs.items():
        totals[k] = v if k in streamed else totals.get(k, 0.0) + v * n


def _mean_logs(totals, seen, streamed):
    return {k: v if k in streamed else v / seen for k, v in totals.items()}


# Keras arguments that graphnet does not have (yet): named as such, not as misspellings.
_NOT_SUPPORTED = {"fit": ("class_weight", "sample_weight", "steps_per_epoch", "validation_steps",
                          "validation_batch_size", "validation_freq"),
                  "evaluate": ("sample_weight", "steps", "callbacks"),
                  "compile": ("weighted_metrics",),
                  "predict": ("steps", "callbacks")}
# Keras' compile switches for its own machinery: nothing for graphnet to do, so accepted.
_NO_EFFECT = {"compile": ("run_eagerly", "steps_per_execution", "jit_compile", "auto_scale_loss")}


def _is_batches(x):
    """A sequence of (x, y) batches (a TimeseriesGenerator, a Keras-style Sequence),
    not data: indexable and sized, but not an array, list, tuple, dict or tensor."""
    return (hasattr(x, "__getitem__") and hasattr(x, "__len__") and not hasattr(x, "shape")
            and not isinstance(x, (list, tuple, dict, str, Tensor)))


def _gathered(fn, batches, y):
    """All the batches of ``batches`` as one (x, y) pair, and the size of a batch:
    training on them in order, batch by batch, is what Keras does with a generator."""
    if y is not None:
        raise ValueError(f"{fn}: x is a generator of (x, y) batches ({type(batches).__name__}), so y "
                         "must be left out")
    pairs = [batches[k] for k in range(len(batches))]
    if not pairs:
        raise DataError(f"{fn}: the generator {type(batches).__name__} holds no batches")
    if not all(isinstance(p, tuple) and len(p) == 2 for p in pairs):
        raise ValueError(f"{fn}: each batch of {type(batches).__name__} must be an (x, y) pair")
    xs, ys = zip(*pairs)
    return np.concatenate(xs), np.concatenate(ys), len(xs[0])


def _refuse_unknown(model, fn, method, extra):
    """A clear TypeError for keywords ``method`` does not take: Keras' own that graphnet
    lacks, or a misspelling with its likely meaning."""
    for key in _NO_EFFECT.get(fn, ()):
        extra.pop(key, None)
    if not extra:
        return
    bad = next(iter(extra))
    if bad in _NOT_SUPPORTED.get(fn, ()):
        raise TypeError(f"model '{model.name}': {fn}({bad}=...) is a Keras argument that graphnet "
                        "does not support yet")
    known = [k for k in inspect.signature(method).parameters if k not in ("self", "keras1")]
    raise TypeError(f"model '{model.name}': {fn}() got an unexpected keyword argument {bad!r}"
                    f"{did_you_mean(bad, known)}")


class Model:
    """A network from input tensors to output tensors (Keras' functional API).

    >>> inputs = Input(shape=(4,))
    >>> outputs = Dense(3, activation="softmax")(Dense(8, activation="relu")(inputs))
    >>> model = Model(inputs, outputs)
    """

    _counts = {}

    def __init__(self, inputs=None, outputs=None, name=None, **keras1):
        for old, new in (("input", "inputs"), ("output", "outputs")):  # Keras 1: Model(input=, output=)
            if old in keras1:
                renamed("Model", f"{old}=", f"{new}=")
                if old == "input":
                    inputs = keras1.pop(old)
                else:
                    outputs = keras1.pop(old)
        kind = "sequential" if isinstance(self, Sequential) else "functional"
        k = Model._counts[kind] = Model._counts.get(kind, -1) + 1
        self.name = name or (kind if k == 0 else f"{kind}_{k}")
        self.optimizer, self.compiled, self.stop_training = None, False, False
        self.history = None
        self.device = "cpu"
        self._graphs = {}
        self._last_batch = None  # (training graph, batch size) of the last update, for drawings
        keras1.pop("trainable", None)  # Keras' Model(..., trainable=True): the default
        _refuse_unknown(self, "Model", Model.__init__, keras1)
        if inputs is not None:
            self._set_graph(_as_list(inputs), _as_list(outputs))

    # --- structure ----------------------------------------------------------------
    def _set_graph(self, inputs, outputs):
        if not outputs:
            raise ValueError(f"model '{self.name}' needs outputs")
        self.inputs, self.outputs = inputs, outputs
        graph = Graph(outputs)
        missing = [t.label for t in inputs if not any(t is v for v in graph.variables)]
        if missing:
            raise ValueError(f"model '{self.name}': the outputs do not depend on inputs {missing}")
        strays = [graph.variables[i].label for i in graph.leaves
                  if graph.variables[i].role == "input" and not any(graph.variables[i] is t for t in inputs)]
        if strays:
            raise ValueError(f"model '{self.name}': the outputs depend on inputs {strays} "
                             "that were not given to Model(inputs=...)")
        seen, self._traced_layers = set(), []
        for node in graph.nodes:
            layer = getattr(node, "layer", None)
            if layer is not None and id(layer) not in seen:
                seen.add(id(layer))
                self._traced_layers.append(layer)
        self._forget_graphs()

    @property
    def layers(self):
        """The layers, in the order the traced graph applies them. As in Keras 3, a
        functional model lists its InputLayers first (a Sequential model does not)."""
        inputs = [L.input_layer_of(t) for t in getattr(self, "inputs", [])]
        return [layer for layer in inputs if layer is not None] + self._computing_layers()

    def _computing_layers(self):
        """The layers that compute something (no InputLayer): what weights, saving and
        calling the model as a layer walk through."""
        return list(getattr(self, "_traced_layers", []))

    @property
    def input(self):
        """The input tensor (a list of them for several inputs), as in Keras."""
        self._require_built("model.input")
        return self.inputs[0] if len(self.inputs) == 1 else list(self.inputs)

    @property
    def output(self):
        """The output tensor (a list of them for several outputs), as in Keras."""
        self._require_built("model.output")
        return self.outputs[0] if len(self.outputs) == 1 else list(self.outputs)

    @property
    def built(self):
        return hasattr(self, "outputs")

    def _require_built(self, what):
        if not self.built:
            raise ValueError(f"model '{self.name}' is not built yet: give the first layer an "
                             f"input_shape, start with Input(shape), or call fit/build before {what}")

    @property
    def weights(self):
        return [p for layer in self._computing_layers() for p in layer.params]

    @property
    def trainable_weights(self):
        return [p for p in self.weights if p.requires_grad]

    @property
    def non_trainable_weights(self):
        return [p for p in self.weights if not p.requires_grad]

    def count_params(self):
        return int(sum(p.size for p in self.weights))

    def get_weights(self):
        return [np.array(to_host(p.value)) for p in self.weights]

    def to(self, device):
        """Move the model to ``device`` ('cuda' or 'cpu') and return it: its weights
        and constants now, its optimizer state at the next step, and the data of
        every fit, evaluate and predict once per call (never per batch)."""
        require(device)
        self._require_built(f"to({device!r})")
        graph = Graph(self.outputs)
        for i in graph.leaves:
            var = graph.variables[i]
            if getattr(var.value, "ndim", 0):
                to_device(var, device)
        self.device = device
        self._forget_graphs()  # their nodes hold work buffers on the old device
        return self

    def set_weights(self, weights):
        weights = list(weights)
        if len(weights) != len(self.weights):
            raise ValueError(f"model '{self.name}' has {len(self.weights)} weight arrays, got {len(weights)}")
        start = 0
        for layer in self._computing_layers():
            layer.set_weights(weights[start:start + len(layer.params)])
            start += len(layer.params)

    def get_layer(self, name):
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"model '{self.name}' has no layer {name!r}; it has {[l.name for l in self.layers]}")

    # --- compile ------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None, **keras):
        """Choose the optimizer, the loss (one per output, or one for all) and the
        metrics reported during training, by Keras names or as objects.

        Keras' ``run_eagerly``, ``jit_compile``, ``steps_per_execution`` and
        ``auto_scale_loss`` are accepted and change nothing here."""
        _refuse_unknown(self, "compile", Model.compile, keras)
        if loss is None:
            raise ValueError("compile needs a loss, e.g. loss='mse' or 'categorical_crossentropy'")
        metrics = metrics if isinstance(metrics, dict) else _as_list(metrics)
        # Resolved now, so a misspelt name fails here and not at fit.
        optimizer = self._resolve(optimizers_module.get, optimizer, "optimizer")
        for spec in _spec_values(loss):
            self._resolve(losses_module.get, spec, "loss")
        for spec in _spec_values(metrics):
            self._resolve(metrics_module.get, spec, "metrics")
        if self.built:  # one loss per output, outputs named right: checked against the outputs
            self._losses_per_output(loss, loss_weights)
            self._metric_functions(metrics)
        self.optimizer = optimizer
        self._loss_specs = loss
        self._loss_weights = loss_weights
        self._metric_specs = metrics
        self.compiled = True
        self._forget_graphs()

    def _resolve(self, get, spec, arg):
        try:
            return get(spec)
        except (ValueError, TypeError) as exc:
            raise type(exc)(f"model '{self.name}', compile({arg}={spec!r:.60}): {exc}") from None

    def _require_compiled(self, what):
        if not self.compiled:
            raise ValueError(f"model '{self.name}' must be compiled before {what}: "
                             "call model.compile(optimizer, loss) first")

    def _losses_per_output(self, specs=None, weights=None):
        n = len(self.outputs)
        if specs is None:  # the compiled ones
            specs, weights = self._loss_specs, self._loss_weights
        names = [o.label for o in self.outputs]
        if isinstance(specs, dict):
            unknown, missing = sorted(set(specs) - set(names)), [k for k in names if k not in specs]
            if unknown or missing:
                raise ValueError(f"model '{self.name}': loss names outputs {sorted(specs)}, the outputs "
                                 f"are {names}: give one loss for each output, by its name")
            specs = [specs[name] for name in names]
        specs = specs if isinstance(specs, (list, tuple)) else [specs] * n
        if len(specs) != n:
            raise ValueError(f"model '{self.name}' has {n} outputs but {len(specs)} losses")
        weights = weights if weights is not None else [1.0] * n
        if isinstance(weights, dict):
            unknown = sorted(set(weights) - set(names))
            if unknown:
                raise ValueError(f"model '{self.name}': loss_weights name outputs {unknown} it does not "
                                 f"have; the outputs are {names}")
            weights = [weights.get(o.label, 1.0) for o in self.outputs]
        weights = list(weights) if isinstance(weights, (list, tuple)) else [weights] * n
        if len(weights) != n:
            raise ValueError(f"model '{self.name}' has {n} outputs but {len(weights)} loss weights")
        return [losses_module.get(s) for s in specs], weights

    def _metric_functions(self, specs=None):
        """Per output, the (name, function) pairs to report. ``metrics`` is a list
        (applied to every output) or a dict from output name to a list."""
        specs = self._metric_specs if specs is None else specs
        names = [o.label for o in self.outputs]
        if isinstance(specs, dict):
            unknown = set(specs) - set(names)
            if unknown:
                raise ValueError(f"model '{self.name}': metrics name outputs {sorted(unknown)}; "
                                 f"the outputs are {names}")
            per_output = [_as_list(specs.get(name)) for name in names]
        else:
            per_output = [_as_list(specs)] * len(names)
        resolved = [[(s, metrics_module.get(s)) for s in output_specs] for output_specs in per_output]
        # Keras' log names: the string as written, else the metric's name.
        return [[(s if isinstance(s, str) else getattr(fn, "name", None) or getattr(fn, "__name__", "metric"),
                  fn) for s, fn in pairs] for pairs in resolved]

    def _streamed(self, metric_fns):
        """The log keys of streamed metrics (AUC, Precision...), after resetting them:
        they count over a whole epoch, so their value is their result, not a mean."""
        keys = set()
        for k, fns in enumerate(metric_fns):
            for name, fn in fns:
                if isinstance(fn, metrics_module.Metric):
                    fn.reset_state()
                    keys.add(self._metric_key(k, name))
        return keys

    def _metric_key(self, k, name):
        return name if len(self.outputs) == 1 else f"{self.outputs[k].label}_{name}"

    # --- graphs -------------------------------------------------------------------
    def _forget_graphs(self):
        self._graphs.clear()
        self._last_batch = None  # its graph is one of those: no longer the model's

    def _loss_graph(self, targets, training, arg="y"):
        """The graph from inputs and targets to the total loss, traced once per
        mode, trainable set and target layout; replayed for every batch after."""
        key = ("loss", training, tuple(p.requires_grad for p in self.weights),
               tuple((t.shape[1:], t.dtype.kind) for t in targets))
        if key not in self._graphs:
            loss_fns, loss_weights = self._losses_per_output()
            # Traced on the host, like the model's outputs; replays run where the data is.
            placeholders = [tensor(to_host(t[:1]), name=f"{o.label}_target", requires_grad=False, dtype=t.dtype)
                            for t, o in zip(targets, self.outputs)]
            terms = []
            for k, (fn, w, y, out) in enumerate(zip(loss_fns, loss_weights, placeholders, self.outputs)):
                try:
                    terms.append(w * fn(y, out) if w != 1 else fn(y, out))
                except ShapeError as exc:
                    name = self._data_name(arg, k, "output")
                    raise self._target_mismatch(exc, targets[k], y, out, name) from None
            total = terms[0]
            for term in terms[1:] + [r for layer in self._computing_layers()
                                     for r in layer.regularization_losses()]:
                total = total + term
            total.name = "loss"
            graph = Graph(total).set_training(training)
            self._graphs[key] = (graph, placeholders)
        return self._graphs[key]

    def _target_mismatch(self, exc, data, placeholder, out, name):
        """The loss's shape error, traced on one sample, told with the data's shapes."""
        message = str(exc)
        for one, real in ((placeholder.shape, data.shape), (out.shape, (len(data),) + tuple(out.shape[1:]))):
            message = message.replace(str(tuple(one)), str(tuple(real)))
        units, per_sample = out.shape[-1] if len(out.shape) > 1 else 1, tuple(data.shape[1:])
        hint = ""
        if units > 1 and per_sample in ((), (1,)):
            hint = (f"; {name} holds one value per sample and the output {units}: for class labels use "
                    f"loss='sparse_categorical_crossentropy', or one-hot them with "
                    f"gn.data.to_categorical(y, {units})")
        elif units > 1 and len(per_sample) == len(out.shape) - 1 and per_sample[-1] != units:
            hint = (f"; one-hot targets need {units} columns, one per output unit: give the last "
                    f"layer {per_sample[-1]} units, or one-hot the labels into {units} classes")
        return ShapeError(f"model '{self.name}': targets {name} of shape {tuple(data.shape)} do not fit "
                          f"output '{out.label}' (samples of shape {tuple(out.shape[1:])}): {message}{hint}")

    def _predict_graph(self):
        if "predict" not in self._graphs:
            self._graphs["predict"] = Graph(self.outputs).set_training(False)
        return self._graphs["predict"]

    # --- data ---------------------------------------------------------------------
    def _on_device(self, a):
        a = as_array(a)
        return a if device_of(a) == self.device else to_device(a, self.device)

    def _data_name(self, arg, k, kind):
        """How messages name the k-th data array: 'x', or 'x[1] (input 'b')' for several."""
        tensors = self.inputs if kind == "input" else self.outputs
        return arg if len(tensors) == 1 else f"{arg}[{k}] ({kind} '{tensors[k].label}')"

    def _items(self, data, count, arg, kind):
        """``data`` as one item per input (or output). With one, a list or tuple is the
        rows of one array, as Keras reads it; only a list of one array is that array
        (for an input, one of the input's rank: [x[0]] is a batch of one row)."""
        if data is None:
            raise ValueError(f"model '{self.name}': {arg} is missing; pass the "
                             + ("inputs" if kind == "input" else "targets, one per sample"))
        if count == 1:
            rank = len(self.inputs[0].shape) if kind == "input" and self.built else None
            one = (isinstance(data, (list, tuple)) and len(data) == 1 and hasattr(data[0], "shape")
                   and rank in (None, len(data[0].shape)))
            return [data[0] if one else data]
        items = _as_list(data)
        if len(items) != count:
            labels = [t.label for t in (self.inputs if kind == "input" else self.outputs)]
            raise ValueError(f"model '{self.name}' has {count} {kind}s {labels}: pass {arg} as a list of "
                             f"{count} arrays, one per {kind} in that order; got {_described(data)}")
        return items

    def _inputs_of(self, x, arg="x"):
        items = self._items(x, len(self.inputs), arg, "input")
        xs = []
        for k, (item, ph) in enumerate(zip(items, self.inputs)):
            name = self._data_name(arg, k, "input")
            a = _numbers(self.name, item, name, "inputs")
            if a.shape[1:] != ph.shape[1:]:
                hint = ""
                if tuple(a.shape) == tuple(ph.shape[1:]):
                    hint = f": that is one sample without the batch axis; pass {arg}[None] for a batch of one"
                elif isinstance(item, (list, tuple)) and tuple(a.shape[2:]) == tuple(ph.shape[1:]):
                    hint = (f": {arg} is a list of {len(item)} arrays, read as the rows of one array since "
                            f"the model has one input; pass that input's array alone")
                raise ShapeError(f"model '{self.name}': input '{ph.label}' expects samples of shape "
                                 f"{ph.shape[1:]}, got data of shape {a.shape}"
                                 + (f" ({name})" if len(items) > 1 else "") + hint)
            # Like Keras: float data takes the model's float type (X / 255 is float64).
            xs.append(self._on_device(a.astype(ph.dtype) if ph.dtype.kind == "f" and a.dtype != ph.dtype else a))
        if len({len(a) for a in xs}) > 1:
            raise ShapeError(f"model '{self.name}': the inputs need one row per sample each, got {arg} of "
                             f"shapes {', '.join(str(a.shape) for a in xs)}")
        return xs

    def _targets_of(self, y, n, arg="y"):
        items = self._items(y, len(self.outputs), arg, "output")
        ys = []
        for k, item in enumerate(items):
            a = _numbers(self.name, item, self._data_name(arg, k, "output"), "targets")
            if len(a) != n:
                raise ShapeError(f"model '{self.name}': {n} input samples but {len(a)} targets "
                                 f"({self._data_name(arg, k, 'output')} of shape {a.shape}): "
                                 "x and y need one row per sample")
            ys.append(self._on_device(a))
        return ys

    def _data(self, x, y, fn, prefix=""):
        """Checked inputs and targets, with at least one sample."""
        xs = self._inputs_of(x, prefix + "x")
        ys = self._targets_of(y, len(xs[0]), prefix + "y")
        if len(xs[0]) == 0:
            raise DataError(f"model '{self.name}': {fn} got no samples ({prefix}x of shape "
                            f"{', '.join(str(a.shape) for a in xs)}); it needs at least one")
        return xs, ys

    # --- training -----------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=32, epochs=1, verbose=1, callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, initial_epoch=0, **keras1):
        """Train for ``epochs`` passes over the data in mini-batches; returns a History.

        Keras 1's ``nb_epoch=`` is taken as ``epochs=``, with a warning."""
        if "nb_epoch" in keras1:
            renamed("fit", "nb_epoch=", "epochs=")
            epochs = keras1.pop("nb_epoch")
        _refuse_unknown(self, "fit", Model.fit, keras1)
        if _is_batches(x):  # Keras trains on a generator's batches in their order
            x, y, batch_size = _gathered("fit", x, y)
            shuffle = False
        # Everything is checked before the first step: nothing fails an epoch in.
        batch_size = _batch_size(batch_size)
        epochs = _whole("fit", "epochs", epochs, 0)
        initial_epoch = _whole("fit", "initial_epoch", initial_epoch, 0)
        if initial_epoch > epochs:
            raise ValueError(f"fit: initial_epoch={initial_epoch} is past epochs={epochs}, so nothing would "
                             "train: epochs counts from 0 and includes the epochs already done")
        if verbose not in (0, 1, 2, "auto"):
            raise ValueError(f"fit: verbose must be 0 (silent), 1 (a progress bar) or 2 (a line per epoch), "
                             f"got {verbose!r}")
        verbose = 1 if verbose == "auto" else int(verbose)
        history = cbks.History()
        # Yours first, so what they add to the logs is recorded and printed.
        callbacks = cbks.CallbackList([*_as_list(callbacks), history, cbks.ProgbarLogger(verbose)])
        if isinstance(validation_split, bool) or not isinstance(validation_split, numbers.Real):
            raise TypeError(f"fit: validation_split must be a number between 0 and 1, got {validation_split!r}")
        self._ensure_built(x)
        self._require_compiled("fit")
        xs, ys = self._data(x, y, "fit")
        n = len(xs[0])
        if validation_data is None and validation_split:
            if not 0 < validation_split < 1:
                raise ValueError(f"fit: validation_split must be between 0 and 1, got {validation_split}")
            cut = int(n * (1 - validation_split))  # Keras holds out the last samples, before shuffling
            if not 0 < cut < n:
                raise DataError(f"model '{self.name}': validation_split={validation_split} of "
                                f"{_plural(n, 'sample')} (x of shape {xs[0].shape}) leaves {cut} for training and {n - cut} for "
                                "validation; each needs at least one: pass more data or another split")
            validation_data = ([a[cut:] for a in xs], [a[cut:] for a in ys])
            xs, ys, n = [a[:cut] for a in xs], [a[:cut] for a in ys], cut
        elif validation_data is not None:
            validation_data = self._validation(validation_data)
        graph, placeholders = self._loss_graph(ys, training=True)
        if validation_data is not None:
            self._loss_graph(validation_data[1], training=False, arg="validation y")  # traced now, not an epoch in
        feeds = list(self.inputs) + placeholders
        metric_fns = self._metric_functions()
        steps = -(-n // batch_size)
        self.history = history
        callbacks.call("set_model", self)
        callbacks.call("set_params", {"epochs": epochs, "steps": steps, "batch_size": batch_size,
                                      "samples": n, "verbose": verbose})
        self.stop_training = False
        callbacks.call("on_train_begin", {})
        for epoch in range(initial_epoch, epochs):
            callbacks.call("on_epoch_begin", epoch, {})
            order = generator().permutation(n) if shuffle else np.arange(n)
            order = self._on_device(order)  # the batches are then gathered where the data is
            totals, seen, streamed = {}, 0, self._streamed(metric_fns)
            for step in range(steps):
                idx = order[step * batch_size:(step + 1) * batch_size]
                callbacks.call("on_train_batch_begin", step, {})
                batch = [a[idx] for a in xs + ys]
                logs = self._train_step(graph, feeds, batch, len(xs), metric_fns)
                seen += len(idx)
                _add_logs(totals, logs, len(idx), streamed)
                callbacks.call("on_train_batch_end", step, _mean_logs(totals, seen, streamed))
                if self.stop_training:  # TerminateOnNaN and friends stop mid-epoch
                    break
            epoch_logs = _mean_logs(totals, seen, streamed)
            if validation_data is not None:
                val = self._evaluate(*validation_data, batch_size)
                epoch_logs.update({f"val_{k}": v for k, v in val.items()})
            callbacks.call("on_epoch_end", epoch, epoch_logs)
            if self.stop_training:
                break
        callbacks.call("on_train_end", {})
        return self.history

    def _validation(self, data):
        """``validation_data`` checked as fit's data is: (x_val, y_val)."""
        if not isinstance(data, (tuple, list)) or len(data) != 2:
            weights = isinstance(data, (tuple, list)) and len(data) == 3
            raise ValueError(f"model '{self.name}': validation_data takes (x_val, y_val), got "
                             f"{_described(data)}"
                             + ("; fit has no sample weights, so (x, y, sample_weight) is not supported"
                                if weights else ""))
        return self._data(data[0], data[1], "fit's validation_data", prefix="validation ")

    def _train_step(self, graph, feeds, batch, n_inputs, metric_fns):
        """One iteration: forward, backward, update; returns the batch's logs."""
        loss = float(graph.forward(dict(zip(feeds, batch))))
        graph.backward()
        # What draw(model, grad_flow=True) shows: a reference, as the graph keeps
        # this batch's values and gradients until the next step replays it.
        self._last_batch = (graph, len(batch[0]))
        self.optimizer.step(self.weights)  # a fixed order: its state is kept by position
        outs = [graph.value(o) for o in self.outputs]
        return self._batch_logs(loss, batch[n_inputs:], outs, metric_fns)

    def train_on_batch(self, x, y):
        """One update on one batch (Keras' name); returns the batch's logs as a dict."""
        self._ensure_built(x)
        self._require_compiled("train_on_batch")
        xs, ys = self._data(x, y, "train_on_batch")
        graph, placeholders = self._loss_graph(ys, training=True)
        return self._train_step(graph, list(self.inputs) + placeholders, xs + ys, len(xs),
                                self._metric_functions())

    def _batch_logs(self, loss, targets, outs, metric_fns):
        logs = {"loss": loss}
        for k, (t, o, fns) in enumerate(zip(targets, outs, metric_fns)):
            if not fns:
                continue
            # Metrics validate and count on the host: the batch's predictions come
            # back for them (on a GPU, the only copies besides the loss).
            t, o = to_host(t), to_host(o)
            finite = np.all(np.isfinite(o))
            for name, fn in fns:
                key = self._metric_key(k, name)
                # A diverging run logs nan, as Keras does, instead of stopping with an error.
                if not finite:
                    logs[key] = float("nan")
                elif isinstance(fn, metrics_module.Metric):  # counts this batch, reports all so far
                    fn.update_state(t, o)
                    logs[key] = _scalar(fn.result())
                else:
                    logs[key] = float(fn(t, o))
        return logs

    def evaluate(self, x=None, y=None, batch_size=32, verbose=1, return_dict=False, **keras):
        """The loss (and metrics) on data, in inference mode (no dropout)."""
        _refuse_unknown(self, "evaluate", Model.evaluate, keras)
        if _is_batches(x):
            x, y, batch_size = _gathered("evaluate", x, y)
        batch_size = _batch_size(batch_size, "evaluate")
        self._require_built("evaluate")
        self._require_compiled("evaluate")
        results = self._evaluate(*self._data(x, y, "evaluate"), batch_size)
        if verbose:
            from .progress import format_logs
            print(format_logs(results))
        if return_dict:
            return results
        values = list(results.values())
        return values[0] if len(values) == 1 else values

    def _evaluate(self, xs, ys, batch_size):
        """The mean loss and metrics over checked data, as a dict."""
        n = len(xs[0])
        graph, placeholders = self._loss_graph(ys, training=False)
        feeds = list(self.inputs) + placeholders
        metric_fns = self._metric_functions()
        totals, streamed = {}, self._streamed(metric_fns)
        for start in range(0, n, batch_size):
            batch = [a[start:start + batch_size] for a in xs + ys]
            loss = float(graph.forward(dict(zip(feeds, batch))))
            logs = self._batch_logs(loss, batch[len(xs):], [graph.value(o) for o in self.outputs], metric_fns)
            _add_logs(totals, logs, len(batch[0]), streamed)
        return _mean_logs(totals, n, streamed)

    def predict(self, x, batch_size=32, verbose=0, **keras):
        """The outputs for ``x``, batch by batch, in inference mode."""
        _refuse_unknown(self, "predict", Model.predict, keras)
        batch_size = _batch_size(batch_size, "predict")
        self._ensure_built(x)
        xs = self._inputs_of(x)
        if len(xs[0]) == 0:
            empty = [np.empty((0,) + tuple(o.shape[1:]), dtype=o.dtype) for o in self.outputs]
            return empty[0] if len(empty) == 1 else empty
        graph = self._predict_graph()
        parts = [[] for _ in self.outputs]
        for start in range(0, len(xs[0]), batch_size):
            outs = graph.forward({ph: a[start:start + batch_size] for ph, a in zip(self.inputs, xs)})
            outs = outs if len(self.outputs) > 1 else (outs,)
            for part, o in zip(parts, outs):
                part.append(np.array(to_host(o)))
        results = [np.concatenate(p) for p in parts]
        return results[0] if len(results) == 1 else results

    def layer_outputs(self, x):
        """Every layer's output for ``x`` (inference mode), by layer name: feature
        maps to look at, read off the inference graph in one pass."""
        self._ensure_built(x)
        xs = self._inputs_of(x)
        graph = self._predict_graph()
        graph.forward(dict(zip(self.inputs, xs)))
        last = {}  # a layer's output is the last value its nodes compute
        for node, _, out in graph.steps:
            layer = getattr(node, "layer", None)
            if layer is not None:
                last[layer.name] = out
        return {name: np.array(to_host(graph.values[slot])) for name, slot in last.items()}

    def __call__(self, inputs):
        """Apply the model's layers, wired as traced, to new tensors (one per
        input); returns the output tensor(s). Models nest like layers."""
        from .saving import _connections
        xs = _as_list(inputs)
        if len(xs) != len(self.inputs):
            raise ValueError(f"model '{self.name}' takes {len(self.inputs)} inputs, got {len(xs)}")
        calls, outputs = _connections(self, specs=False)
        tensors = {ph.label: x for ph, x in zip(self.inputs, xs)}
        for layer, sources in calls:
            args = [tensors[k] for k in sources]
            tensors[layer.name] = layer(args[0] if len(args) == 1 else args)
        outs = [tensors[k] for k in outputs]
        return outs[0] if len(outs) == 1 else outs

    def _ensure_built(self, x):
        if not self.built:
            self._require_built("use")

    # --- looking at it ------------------------------------------------------------
    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None):
        """Print Keras' table (layer, output shape, parameters) plus per-layer activation
        memory, FLOPs and the kernel that runs it; returns None, as Keras does.

        ``print_fn`` is called with the whole table (``print`` by default). To get the
        text as a string, call ``model.summary_text()``. Keras' layout arguments
        (``line_length``, ``positions``, ...) are accepted and ignored: the columns
        size themselves."""
        text = self.summary_text()
        (print_fn or print)(text)

    def summary_text(self):
        """The table that ``summary()`` prints, as a string (to test, save or show)."""
        from .summary import summary_text
        self._require_built("summary()")
        return summary_text(self)

    def _loss_on_batch(self, batch):
        """The inference loss graph run forward and backward on ``batch = (x, y)``,
        for drawings: no weight, optimizer state or tensor's ``.grad`` changes."""
        if not (isinstance(batch, (tuple, list)) and len(batch) == 2):
            raise TypeError(f"model '{self.name}': batch= takes (x, y), inputs and targets as fit "
                            f"takes them, got {type(batch).__name__}; to draw the values of x "
                            "alone, draw the tensor model(gn.tensor(x))")
        if not self.compiled:
            raise ValueError(f"model '{self.name}' is not compiled, so it has no loss to draw on a "
                             "batch: call model.compile(optimizer, loss) first, or draw a loss "
                             "tensor of your own, e.g. gn.draw(loss_fn(y, model(gn.tensor(x))))")
        x, y = batch
        self._ensure_built(x)
        xs, ys = self._data(x, y, "drawing a batch")
        # evaluate's graph: dropout off, as Keras' model(x) and evaluate run.
        graph, placeholders = self._loss_graph(ys, training=False)
        graph.forward(dict(zip(list(self.inputs) + placeholders, xs + ys)))
        before = [(v.grad, v.grad_stamp) for v in graph.variables]
        try:
            graph.backward()  # the gradients stay in the graph's own slots
        finally:
            for var, (grad, stamp) in zip(graph.variables, before):
                var.grad, var.grad_stamp = grad, stamp
        return graph, len(xs[0])

    # --- saving -------------------------------------------------------------------
    def save(self, path, include_optimizer=True):
        from .saving import save_model
        save_model(self, path, include_optimizer=include_optimizer)

    def save_weights(self, path):
        from .saving import save_weights
        save_weights(self, path)

    def load_weights(self, path):
        from .saving import load_weights
        load_weights(self, path)

    def to_json(self):
        from .saving import architecture_json
        return architecture_json(self)


class Sequential(Model):
    """A plain stack of layers, each feeding the next (Keras' Sequential)."""

    def __init__(self, layers=None, name=None, trainable=True):
        super().__init__(name=name)
        self._stack, self._input = [], None
        for layer in layers or []:
            self.add(layer)

    def add(self, layer):
        if isinstance(layer, L.InputLayer):  # Keras 3 lists no InputLayer in a Sequential model
            layer = layer.output
        if isinstance(layer, Tensor):  # an Input(shape=...) placeholder
            if self._stack or self._input is not None:
                raise ValueError("Input(...) can only come first in a Sequential model")
            self._input = layer
            return
        if not isinstance(layer, L.Layer):
            raise TypeError(f"Sequential.add takes a layer, got {type(layer).__name__}")
        self._stack.append(layer)
        self._try_build()

    def pop(self):
        layer = self._stack.pop()
        self._try_build()
        return layer

    @property
    def layers(self):
        return list(self._stack)

    def _computing_layers(self):
        return list(self._stack)

    def _try_build(self):
        shape = None
        if self._input is not None:
            shape = self._input.shape[1:]
        elif self._stack and self._stack[0].input_shape is not None:
            shape = self._stack[0].input_shape[1:]
        if shape is not None and self._stack:
            self.build((None,) + tuple(shape))

    def build(self, input_shape):
        """Trace the stack on a placeholder of one sample of ``input_shape[1:]``."""
        x = self._input if self._input is not None else L.Input(tuple(input_shape[1:]))
        out = x
        for layer in self._stack:
            out = layer(out)
        self._set_graph([x], [out])

    def _ensure_built(self, x):
        if not self.built:
            if x is None:
                self._require_built("use")
            # Built from the data's shape, read as fit reads it (a list of rows is one array).
            first = self._items(x, 1, "x", "input")[0]
            shape = first.shape if hasattr(first, "shape") else _numbers(self.name, first, "x", "inputs").shape
            self.build((None,) + tuple(shape[1:]))

    def get_config(self):
        return {"name": self.name, "layers": [{"class_name": type(l).__name__, "config": l.get_config()}
                                             for l in self._stack]}


def _drawable(model, batch=None, gradients=False):
    """What ``draw(model)`` and ``Stepper(model)`` show.

    - ``batch=(x, y)``: the loss graph on that batch, run forward and backward in
      inference mode (no dropout, as ``evaluate`` and Keras' ``model(x)``: the same
      picture every time), changing no weight, optimizer state or ``.grad``.
      A model must be compiled for it; x alone is not taken (draw ``model(gn.tensor(x))``).
    - gradients wanted, no batch, after ``fit`` or ``train_on_batch``: the training
      loss graph of the last batch (dropout as it ran), its values and gradients.
      The optimizer has since updated the weights in place, so the weights' boxes
      show them as they are now, one update after the values and gradients shown.
    - otherwise: the graph traced on a one-sample placeholder, its batch axis shown
      as None (Keras' plot_model); wanting gradients, it says how to get them.
    """
    if batch is not None:
        graph, n = model._loss_on_batch(batch)
        return graph_view(graph).but(title=f"model '{model.name}' on a batch of {n}")
    if gradients and model._last_batch is not None:
        graph, n = model._last_batch
        return graph_view(graph).but(
            title=f"model '{model.name}': gradients of the last training batch ({n} samples)")
    model._require_built("drawing")
    view = view_of(list(model.outputs)).but(symbolic_batch=True)
    if gradients:
        first = "" if model.compiled else "compile it, then "
        view = view.but(grad_hint=f"model '{model.name}' has no gradients yet: {first}train it "
                                  "(fit or train_on_batch) or give a batch: "
                                  "gn.draw(model, grad_flow=True, batch=(x, y))")
    return view


register_adapter(Model, _drawable)
