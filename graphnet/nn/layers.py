"""Keras-style layers, each applying one composite node.

A **layer** holds settings and parameters (weights are parameter leaves of the
graph). Calling it on a tensor applies a fresh **node**: a fused forward and
backward (fast), whose ``expand()`` is the graph of primitive nodes it stands
for (to look at, and to test the fused version against).
"""
import itertools
import numbers
import os
import re
import sys
from collections import defaultdict

import numpy as np

from .. import config
from ..core import GraphnetError, Node, ShapeError
from ..core.errors import did_you_mean, renamed
from ..core.node import calling_layers, layer_title
from ..ops import functional as F
from ..ops.tensor import Tensor, apply, parameter, tensor
from ..random import generator
from . import activations, initializers
from .losses import L2Penalty

# --- fused nodes --------------------------------------------------------------------

_FUSED_ACTIVATIONS = {None: None, "linear": None, "identity": None,
                      "relu": activations.ReLU, "sigmoid": activations.Sigmoid,
                      "tanh": activations.Tanh, "softmax": activations.Softmax,
                      "gelu": activations.GELU, "leaky_relu": activations.LeakyReLU,
                      "log_softmax": activations.LogSoftmax}


def activated(activation, affine):
    """A fused node's formula: ``affine`` inside its activation's Keras name."""
    if activation in (None, "linear", "identity"):
        return affine
    return f"{activation}({affine})"


class DenseNode(Node):
    """activation(x @ W + b), over the last axis of x, in one node.

    Backward: dz = activation'(z) · g, then dx = dz Wᵀ, dW = xᵀ dz, db = Σ dz.
    The matrix products go to BLAS through NumPy.
    """

    derivatives = ("dz Wᵀ", "xᵀ dz", "Σ dz")

    def __init__(self, activation=None, name=None):
        super().__init__(name)
        self.activation = activation

    @property
    def op(self):
        return "Dense"

    @property
    def formula(self):
        """'relu(x W + b)': the node's own activation by name (none: 'x W + b');
        without a bias once forward has seen there is none."""
        return activated(self.activation, "x W + b" if getattr(self, "has_bias", True) else "x W")

    def describe(self):
        return self.activation or ""

    def forward(self, x, W, b=None):
        if x.shape[-1:] != W.shape[:1]:
            raise ShapeError(f"{self!r} expects inputs with {W.shape[0]} features on the last "
                             f"axis, got {x.shape}")
        self.x, self.W, self.has_bias = x, W, b is not None
        z = x @ W
        if b is not None:
            z += b
        cls = _FUSED_ACTIVATIONS[self.activation]
        self.act = cls() if cls else None
        return self.act.forward(z) if self.act else z

    def backward(self, grad):
        dz = self.act.backward(grad)[0] if self.act else grad
        x, W = self.x, self.W
        flat_x, flat_dz = x.reshape(-1, x.shape[-1]), dz.reshape(-1, dz.shape[-1])
        dx = dz @ W.T if self.wants(0) else None
        dW = flat_x.T @ flat_dz if self.wants(1) else None
        if not self.has_bias:
            return dx, dW
        return dx, dW, flat_dz.sum(axis=0)

    def expand(self, x, W, b=None):
        z = x @ W
        if b is not None:
            z = z + b
        return activations.get(self.activation)(z)

    @staticmethod
    def examples(rng):
        x, W, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=(2,))
        return [(DenseNode(), (x, W, b)), (DenseNode("relu"), (x, W, b)),
                (DenseNode("softmax"), (x, W, b)), (DenseNode("tanh"), (x, W)),
                (DenseNode("sigmoid"), (rng.normal(size=(2, 3, 3)), W, b))]


class DropoutNode(Node):
    """Drops each input to 0 with probability ``rate`` while training.

    Two conventions with the same expected output:

    - ``'inverted'`` (Keras, the default): keep with probability q = 1 - rate and
      scale the kept values by 1/q at training time; inference is the identity;
    - ``'scale_at_test'`` (the original paper, and the course's other option):
      keep without scaling while training, multiply by q at test time.

    ``training`` is a setting of the node: a model runs a training graph and an
    inference graph, with the same nodes set differently.
    """

    formula = "x · mask / q"

    def __init__(self, rate=0.5, convention="inverted", training=True, freeze_mask=False,
                 shared_axes=(), name=None):
        super().__init__(name)
        if not _is_fraction(rate):
            raise ValueError(f"Dropout rate must be a number in [0, 1), got {rate!r}")
        if convention not in ("inverted", "scale_at_test"):
            raise ValueError(f"Dropout convention is 'inverted' or 'scale_at_test', not {convention!r}")
        self.rate, self.convention, self.training = rate, convention, training
        self.freeze_mask, self.mask = freeze_mask, None  # a frozen mask makes gradient checks possible
        self.shared_axes = tuple(shared_axes)  # one mask for all of these axes (time, for RNN inputs)

    @property
    def op(self):
        return "Dropout"

    def describe(self):
        return f"rate={self.rate:g}" + ("" if self.training else ", inference")

    def forward(self, x):
        q = 1.0 - self.rate
        if not self.training:
            self.scale = 1.0 if self.convention == "inverted" else q
        else:
            shape = tuple(1 if k in self.shared_axes else n for k, n in enumerate(x.shape))
            if self.mask is None or not self.freeze_mask or self.mask.shape != shape:
                self.mask = generator().random(shape) >= self.rate
            self.scale = self.mask / q if self.convention == "inverted" else self.mask
            self.scale = np.asarray(self.scale, dtype=np.result_type(x))
        return x * self.scale

    def backward(self, grad):
        return (grad * self.scale,)

    @staticmethod
    def examples(rng):
        x = rng.normal(size=(4, 5))
        return [(DropoutNode(0.4, freeze_mask=True), (x,)),
                (DropoutNode(0.4, "scale_at_test", freeze_mask=True), (x,)),
                (DropoutNode(0.4, "scale_at_test", training=False), (x,))]


class BatchReshape(Node):
    """Reshapes every sample, keeping the batch axis: Flatten and Reshape layers."""

    formula = "reshape(x)"

    def __init__(self, target=(-1,), name=None):
        super().__init__(name)
        self.target = tuple(target)

    def describe(self):
        return str(self.target)

    def forward(self, x):
        self.in_shape = x.shape
        try:
            return x.reshape((x.shape[0],) + self.target)
        except ValueError:
            raise ShapeError(f"{self!r} cannot reshape samples of shape {x.shape[1:]} into "
                             f"{self.target}") from None

    def backward(self, grad):
        return (grad.reshape(self.in_shape),)

    @staticmethod
    def examples(rng):
        return [(BatchReshape(), (rng.normal(size=(2, 3, 2)),)),
                (BatchReshape((3, 2)), (rng.normal(size=(2, 6)),))]


# --- layers ---------------------------------------------------------------------------

_layer_counts = defaultdict(itertools.count)


class Layer:
    """The base of Keras-style layers.

    Subclasses create their parameters in ``build(input_shape)`` (the first call
    tells the shape) and apply their node in ``call(x)``. ``trainable = False``
    freezes the parameters: they stay leaves of the graph, without gradients.
    """

    kernel = "NumPy"  # what runs the layer's node, for summary()
    # Keras 1 keyword -> its Keras 2/3 name: taken, with an OldKerasSpelling warning
    # (subclasses read them with ``self.spelled(new, value)``)
    keras1_names = {}

    def __init__(self, name=None, trainable=True, input_shape=None, input_dim=None,
                 batch_input_shape=None, **unknown):
        self._keras1 = {k: unknown.pop(k) for k in list(unknown) if k in self.keras1_names}
        if unknown:  # a misspelt or foreign keyword: say which layer, and what was probably meant
            bad = next(iter(unknown))
            raise TypeError(f"{type(self).__name__}() got an unexpected keyword argument {bad!r}"
                            f"{did_you_mean(bad, _keywords(type(self)))}")
        # Keras 2's other ways to give the first layer its sample shape
        if input_dim is not None and input_shape is None:  # Dense(64, input_dim=784)
            input_shape = (input_dim,)
        if batch_input_shape is not None and input_shape is None:  # (None, 784): batch first
            input_shape = tuple(batch_input_shape)[1:]
        if name is None:
            base = _snake(type(self).__name__)
            k = next(_layer_counts[base])
            name = base if k == 0 else f"{base}_{k}"
        self.name = name
        self.params = []  # the parameter tensors, in get_weights() order
        self.built = False
        self._trainable = trainable
        self.input_shape = None if input_shape is None else (None,) + tuple(input_shape)
        self.output_shape = None
        self._first_call = None  # (inputs, outputs) of the first call: layer.input, layer.output

    def spelled(self, new, value):
        """``value`` of the keyword ``new``, or what was given under its Keras 1 name
        (``init=`` for ``kernel_initializer=``), saying so with a warning."""
        for old, name in self.keras1_names.items():
            if name == new and old in self._keras1:
                renamed(layer_title(self), f"{old}=", f"{new}=", stacklevel=user_stacklevel())
                return self._keras1.pop(old)
        return value

    # the first call's tensors -----------------------------------------------------
    @property
    def input(self):
        """The tensor (or list of tensors) this layer was first called on, as in Keras."""
        return self._called("input")[0]

    @property
    def output(self):
        """The tensor (or list of tensors) the layer's first call returned."""
        return self._called("output")[1]

    def _called(self, what):
        if self._first_call is None:
            raise ValueError(f"{layer_title(self)} has never been called, so it has no {what} yet: "
                             f"call it on a tensor first, e.g. {type(self).__name__}(...)(Input(shape))")
        return self._first_call

    # parameters -----------------------------------------------------------------
    def add_weight(self, name, shape, initializer):
        init = initializers.get(initializer)
        p = parameter(init(shape, config.floatx()), name=f"{self.name}/{name}",
                      trainable=self._trainable)
        self.params.append(p)
        return p

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        for p in self.params:
            p.requires_grad = self._trainable

    @property
    def trainable_weights(self):
        return [p for p in self.params if p.requires_grad]

    @property
    def non_trainable_weights(self):
        return [p for p in self.params if not p.requires_grad]

    def count_params(self):
        return int(sum(p.size for p in self.params))

    def get_weights(self):
        return [np.array(p.value) for p in self.params]

    def set_weights(self, weights):
        if len(weights) != len(self.params):
            raise ValueError(f"{layer_title(self)} has {len(self.params)} weights, got {len(weights)}")
        for p, w in zip(self.params, weights):
            w = np.asarray(w)
            if w.shape != p.shape:
                raise ShapeError(f"{layer_title(self)}: weight '{p.name}' has shape {p.shape}, got {w.shape}")
            p.value = w.astype(p.dtype)

    # applying -------------------------------------------------------------------
    def __call__(self, inputs, **kwargs):
        """Apply the layer to a tensor (or, for merging layers, a list of them).
        Keyword arguments go to ``call`` (``initial_state=`` for recurrent layers)."""
        calling_layers.append(self)  # nodes failing in here are named by this layer
        try:
            return self._apply(inputs, kwargs)
        except (GraphnetError, ValueError, TypeError) as exc:
            # Whatever failed while this layer built or ran (a NumPy error, a callable
            # initializer...) says so, unless its message names the layer already.
            if f"'{self.name}'" in str(exc):
                raise
            named = _renamed(exc, f"{layer_title(self)}: {exc}")
            if named is exc:
                raise
            raise named from exc
        finally:
            calling_layers.pop()

    def _apply(self, inputs, kwargs):
        many = isinstance(inputs, (list, tuple))
        xs = [t if isinstance(t, Tensor) else tensor(t, requires_grad=False)
              for t in (inputs if many else [inputs])]
        if not self.built:
            shapes = [(None,) + tuple(t.shape[1:]) for t in xs]
            self.input_shape = shapes if many else shapes[0]
            self.build(self.input_shape)
            self.built = True
        if "training" in kwargs and not _takes_training(type(self)):
            kwargs = {k: v for k, v in kwargs.items() if k != "training"}  # Keras passes it to every layer
        out = self.call(xs if many else xs[0], **kwargs)
        outs = out if isinstance(out, list) else [out]
        self.output_shape = (None,) + tuple(outs[0].shape[1:])
        given = xs + [t for v in kwargs.values() for t in (v if isinstance(v, (list, tuple)) else [v])
                      if isinstance(t, Tensor)]
        for k, o in enumerate(outs):
            if o.name is None:  # as in Keras, an output is known by its layer's name
                o.name = self.name if k == 0 else f"{self.name}_{k}"
            _tag_nodes(o, given, self)
        if self._first_call is None:
            self._first_call = (xs if many else xs[0], out)
        return out

    def build(self, input_shape):
        pass

    def call(self, x):
        raise NotImplementedError

    def regularization_losses(self):
        """Penalty tensors this layer adds to the loss (e.g. L2 on its kernel)."""
        return []

    def flops_per_sample(self):
        return 0

    # saving ---------------------------------------------------------------------
    def get_config(self):
        return {"name": self.name, "trainable": self._trainable}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in [k for k in config if k.endswith("_initializer")]:
            if isinstance(config[key], dict):
                config[key] = initializers.deserialize(config[key])
            elif config[key] is None:  # not one of the named initialisers: the default
                del config[key]
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} '{self.name}'>"


def _renamed(exc, message):
    """``exc``'s kind with ``message``; ``exc`` itself for kinds that take other arguments."""
    try:
        return type(exc)(message)
    except Exception:
        return exc


# --- checking a layer's arguments when it is made -------------------------------------

def _is_whole(value):
    """A positive whole number: 3 or 3.0, not 2.5, 0, True or '3'."""
    return (isinstance(value, numbers.Real) and not isinstance(value, bool)
            and float(value).is_integer() and value >= 1)


def _is_fraction(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and 0 <= value < 1


def whole(layer, arg, value, meaning=""):
    """``value`` as an int, or a ValueError naming the layer, the argument and the value."""
    if not _is_whole(value):
        raise ValueError(f"{layer_title(layer)}: {arg}{meaning} must be a positive whole number, "
                         f"got {value!r}")
    return int(value)


def fraction(layer, arg, value):
    """A dropout rate, in [0, 1): at 1 nothing would be kept (and kept values scaled by 1/0)."""
    if not _is_fraction(value):
        raise ValueError(f"{layer_title(layer)}: {arg} must be a number in [0, 1), got {value!r}")
    return float(value)


def lookup(layer, arg, get, value):
    """``get(value)`` (an activation or initializer by name), its error naming the layer
    and the argument."""
    try:
        return get(value)
    except ValueError as exc:
        raise ValueError(f"{layer_title(layer)}, {arg}: {exc}") from None


def padding_of(layer, value):
    """'valid' or 'same' (any case, as Keras takes it)."""
    padding = value.lower() if isinstance(value, str) else value
    if padding not in ("valid", "same"):
        raise ValueError(f"{layer_title(layer)}: padding must be 'valid' or 'same', got {value!r}"
                         f"{did_you_mean(value, ('valid', 'same'))}")
    return padding


def user_stacklevel():
    """The ``stacklevel`` that points a warning raised by the caller's caller (one function
    down from here, e.g. ``renamed``) at the first line outside graphnet: the user's."""
    frame, level = sys._getframe(1), 2
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    return level


_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def _takes_training(cls):
    """Whether ``cls.call`` has a ``training`` argument (Dropout, recurrent layers)."""
    import inspect
    return "training" in inspect.signature(cls.call).parameters


def _keywords(cls):
    """The keyword arguments ``cls``'s constructors take, for did-you-mean messages."""
    import inspect
    names = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is not None:
            names.update(p.name for p in inspect.signature(init).parameters.values()
                         if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name != "self")
    return sorted(names)


def _snake(name):
    """Keras' layer names: Dense -> dense, MaxPooling2D -> max_pooling2d, LSTM -> lstm."""
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def _tag_nodes(out, inputs, layer):
    """Mark every node between the inputs and ``out`` as this layer's (drawings and
    summaries group nodes by it). Nodes point to layers, never the reverse."""
    stack, seen = [out], set(inputs)
    while stack:
        var = stack.pop()
        if var in seen or var.node is None:
            continue
        seen.add(var)
        var.node.layer = layer
        stack.extend(var.parents)


class Dense(Layer):
    """A fully connected layer: activation(x W + b)."""

    kernel = "BLAS matmul (NumPy)"
    keras1_names = {"output_dim": "units", "init": "kernel_initializer",
                    "W_regularizer": "kernel_regularizer", "bias": "use_bias"}

    def __init__(self, units=None, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, **kwargs):
        super().__init__(**kwargs)
        units, use_bias = self.spelled("units", units), self.spelled("use_bias", use_bias)
        kernel_initializer = self.spelled("kernel_initializer", kernel_initializer)
        kernel_regularizer = self.spelled("kernel_regularizer", kernel_regularizer)
        self.units, self.use_bias = whole(self, "units", units), use_bias
        self.activation = activation
        lookup(self, "activation", activations.get, activation)  # fail now on an unknown name
        self.kernel_initializer = lookup(self, "kernel_initializer", initializers.get, kernel_initializer)
        self.bias_initializer = lookup(self, "bias_initializer", initializers.get, bias_initializer)
        self.kernel_regularizer = lookup(self, "kernel_regularizer", _regularizer, kernel_regularizer)

    def build(self, input_shape):
        if len(input_shape) < 2 or input_shape[-1] is None:
            raise ShapeError(f"{layer_title(self)} needs inputs with a known last axis, got {input_shape}")
        self.W = self.add_weight("kernel", (input_shape[-1], self.units), self.kernel_initializer)
        self.b = self.add_weight("bias", (self.units,), self.bias_initializer) if self.use_bias else None

    def call(self, x):
        if x.shape[-1:] != (self.W.shape[0],):
            raise ShapeError(f"Dense '{self.name}' expects inputs with {self.W.shape[0]} features, "
                             f"got {tuple(x.shape)}")
        fused = isinstance(self.activation, str) or self.activation is None
        node = DenseNode(self.activation if fused and self.activation in _FUSED_ACTIVATIONS else None)
        args = (x, self.W, self.b) if self.use_bias else (x, self.W)
        out = apply(node, *args)
        if node.activation is None and self.activation not in (None, "linear", "identity"):
            out = activations.get(self.activation)(out)
        return out

    def regularization_losses(self):
        if self.kernel_regularizer is None:
            return []
        return [apply(L2Penalty(self.kernel_regularizer), self.W)]

    def flops_per_sample(self):
        return 2 * self.W.shape[0] * self.units + (self.units if self.use_bias else 0)

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "activation": activations.name_of(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": self.kernel_regularizer}



def _regularizer(spec):
    """The L2 factor of a kernel regulariser: a number, ``l2(0.01)``, or None."""
    if spec is None:
        return None
    if isinstance(spec, L2):
        return spec.l2
    if isinstance(spec, (int, float)):
        return float(spec)
    if spec == "l2":
        return 0.01
    raise ValueError(f"unknown regularizer {spec!r}; use graphnet.nn.L2(0.01) or a number")


class L2:
    """Keras' L2 weight regulariser: adds l2 · Σ w² to the loss (weight decay)."""

    def __init__(self, l2=0.01):
        self.l2 = float(l2)

    def __repr__(self):
        return f"L2(l2={self.l2:g})"


l2 = L2


class Activation(Layer):
    """Applies an activation function, by Keras name or as a callable."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activation
        self.fn = lookup(self, "activation", activations.get, activation)

    def call(self, x):
        return self.fn(x)

    def flops_per_sample(self):
        return _per_sample(self.output_shape)  # one operation per value, counting loosely

    def get_config(self):
        return {**super().get_config(), "activation": activations.name_of(self.activation)}


class Dropout(Layer):
    """Randomly zeroes a fraction ``rate`` of its inputs while training (see DropoutNode).

    As in Keras, ``layer(x)`` on its own is inference (nothing dropped) and
    ``layer(x, training=True)`` drops; inside a model, ``fit`` drops and
    ``evaluate``/``predict`` do not. ``noise_shape`` (Keras): 1 on an axis shares one
    mask along it, e.g. ``(None, 1, features)`` drops the same features at every step.
    """

    keras1_names = {"p": "rate"}

    def __init__(self, rate=None, convention="inverted", noise_shape=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = fraction(self, "rate", self.spelled("rate", rate))
        if convention not in ("inverted", "scale_at_test"):
            raise ValueError(f"{layer_title(self)}: convention must be 'inverted' or 'scale_at_test', "
                             f"got {convention!r}")
        self.convention = convention
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)

    def call(self, x, training=None):
        shared = () if self.noise_shape is None else self._shared_axes(x)
        return apply(DropoutNode(self.rate, self.convention, training=bool(training), shared_axes=shared), x)

    def _shared_axes(self, x):
        if len(self.noise_shape) != x.ndim:
            raise ShapeError(f"{layer_title(self)}: noise_shape {self.noise_shape} needs one entry per "
                             f"axis of its inputs, which have shape (None,) + {tuple(x.shape[1:])}")
        return tuple(k for k, n in enumerate(self.noise_shape) if n == 1)

    def get_config(self):
        config = {**super().get_config(), "rate": self.rate, "convention": self.convention}
        if self.noise_shape is not None:
            config["noise_shape"] = list(self.noise_shape)
        return config


class Flatten(Layer):
    """(batch, d1, d2, ...) -> (batch, d1 · d2 · ...): no parameters, no arithmetic."""

    node = BatchReshape  # messages call it by the layer's name

    def call(self, x):
        return apply(BatchReshape(), x)


class Reshape(Layer):
    """Reshapes each sample to ``target_shape`` (the batch axis is kept)."""

    node = BatchReshape

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(target_shape)

    def call(self, x):
        return apply(BatchReshape(self.target_shape), x)

    def get_config(self):
        return {**super().get_config(), "target_shape": list(self.target_shape)}


def _per_sample(shape):
    size = 1
    for n in shape[1:]:
        size *= n
    return size


class Add(Layer):
    """Adds its inputs elementwise: the join of a residual block's two paths."""

    merges = True  # takes a list of tensors

    def call(self, xs):
        _check_merge(self, xs)
        out = xs[0]
        for x in xs[1:]:
            out = out + x
        return out

    def flops_per_sample(self):
        return _per_sample(self.output_shape) * (len(self.input_shape) - 1)


class Concatenate(Layer):
    """Joins its inputs along ``axis`` (the features, by default)."""

    merges = True

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, xs):
        _check_merge(self, xs, same_shape=False)
        return F.concatenate(xs, axis=self.axis)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


def _check_merge(layer, xs, same_shape=True):
    if not isinstance(xs, list) or len(xs) < 2:
        raise ValueError(f"{layer_title(layer)} merges a list of at least two tensors")
    if same_shape and len({tuple(x.shape[1:]) for x in xs}) > 1:
        raise ShapeError(f"{layer_title(layer)} needs inputs of one shape, got "
                         f"{[(None,) + tuple(x.shape[1:]) for x in xs]}")


class InputLayer(Layer):
    """Where a functional model starts: it holds the placeholder tensor of one sample.

    ``InputLayer(shape=(28, 28, 1))`` (Keras 3) or ``InputLayer(input_shape=...)`` (Keras 2);
    its ``output`` is the tensor that ``Input(shape)`` returns. It has no parameters and
    computes nothing: models trace their layers on the placeholder once, then replay the
    graph with batches of any size.
    """

    def __init__(self, shape=None, batch_size=None, dtype=None, batch_shape=None, name=None,
                 input_shape=None, sparse=None, **kwargs):
        if shape is None:
            shape = input_shape if input_shape is not None else None
        if shape is None and batch_shape is not None:
            batch_size, shape = batch_shape[0], tuple(batch_shape)[1:]
        if shape is None:
            raise ValueError("InputLayer needs the shape of one sample: InputLayer(shape=(784,))")
        super().__init__(name=name, **kwargs)
        shape = (shape,) if isinstance(shape, numbers.Integral) else tuple(shape)
        if any(not _is_whole(s) for s in shape):
            raise ShapeError(f"{layer_title(self)} needs a fully known sample shape of positive whole "
                             f"numbers, got {shape}")
        if sparse:
            raise ValueError(f"{layer_title(self)}: sparse inputs are not supported; pass dense arrays")
        self.shape, self.batch_size = tuple(int(s) for s in shape), batch_size
        self.dtype = np.dtype(dtype or config.floatx())
        placeholder = tensor(np.zeros((1,) + self.shape, dtype=self.dtype), name=self.name,
                             requires_grad=False, dtype=self.dtype)
        _INPUT_LAYERS[id(placeholder)] = self
        self.input_shape = self.output_shape = (None,) + self.shape
        self.built, self._first_call = True, (placeholder, placeholder)

    def call(self, x):
        return x

    def get_config(self):
        return {**super().get_config(), "shape": list(self.shape), "batch_size": self.batch_size,
                "dtype": self.dtype.name}


# id(placeholder) -> its InputLayer. A Tensor has no room for more attributes (its
# __slots__); the layer keeps the placeholder alive, so an id is never reused for another.
_INPUT_LAYERS = {}


def input_layer_of(tensor):
    """The InputLayer whose placeholder ``tensor`` is, or None for any other tensor."""
    layer = _INPUT_LAYERS.get(id(tensor))
    return layer if layer is not None and layer.output is tensor else None


def Input(shape=None, name=None, dtype=None, batch_size=None, batch_shape=None, **kwargs):
    """A symbolic input for the functional API: a placeholder tensor of one sample.

    It is the ``output`` of an InputLayer made for it (``input_layer_of(x)`` finds
    it). Models trace their layers on it once; afterwards the graph is replayed
    with batches of any size.
    """
    if shape is None and batch_shape is None:
        raise ValueError("Input needs the shape of one sample: Input(shape=(784,))")
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, batch_shape=batch_shape,
                       name=name, **kwargs)
    return layer.output


LAYERS = {cls.__name__: cls for cls in (InputLayer, Dense, Activation, Dropout, Flatten, Reshape, Add,
                                         Concatenate)}


def register(cls):
    """Make a Layer subclass known to model loading (by its class name)."""
    LAYERS[cls.__name__] = cls
    return cls
