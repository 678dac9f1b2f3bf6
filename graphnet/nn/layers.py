"""Keras-style layers, each applying one composite node.

A **layer** holds settings and parameters (weights are parameter leaves of the
graph). Calling it on a tensor applies a fresh **node**: a fused forward and
backward (fast), whose ``expand()`` is the graph of primitive nodes it stands
for (to look at, and to test the fused version against).
"""
import itertools
import numbers
import re
from collections import defaultdict

import numpy as np

from .. import config
from ..core import GraphnetError, Node, ShapeError
from ..core.errors import did_you_mean
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

    def __init__(self, name=None, trainable=True, input_shape=None):
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
        out = self.call(xs if many else xs[0], **kwargs)
        outs = out if isinstance(out, list) else [out]
        self.output_shape = (None,) + tuple(outs[0].shape[1:])
        given = xs + [t for v in kwargs.values() for t in (v if isinstance(v, (list, tuple)) else [v])
                      if isinstance(t, Tensor)]
        for k, o in enumerate(outs):
            if o.name is None:  # as in Keras, an output is known by its layer's name
                o.name = self.name if k == 0 else f"{self.name}_{k}"
            _tag_nodes(o, given, self)
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

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, **kwargs):
        super().__init__(**kwargs)
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
    """Randomly zeroes a fraction ``rate`` of its inputs while training (see DropoutNode)."""

    def __init__(self, rate, convention="inverted", **kwargs):
        super().__init__(**kwargs)
        self.rate = fraction(self, "rate", rate)
        if convention not in ("inverted", "scale_at_test"):
            raise ValueError(f"{layer_title(self)}: convention must be 'inverted' or 'scale_at_test', "
                             f"got {convention!r}")
        self.convention = convention

    def call(self, x):
        return apply(DropoutNode(self.rate, self.convention), x)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "convention": self.convention}


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


def Input(shape, name=None, dtype=None):
    """A symbolic input for the functional API: a placeholder tensor of one sample.

    Models trace their layers on it once; afterwards the graph is replayed with
    batches of any size.
    """
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    if any(s is None or s < 1 for s in shape):
        raise ShapeError(f"Input needs a fully known sample shape, got {shape}")
    if name is None:
        k = next(_layer_counts["input_layer"])
        name = "input_layer" if k == 0 else f"input_layer_{k}"
    dtype = np.dtype(dtype or config.floatx())
    return tensor(np.zeros((1,) + shape, dtype=dtype), name=name, requires_grad=False, dtype=dtype)


LAYERS = {cls.__name__: cls for cls in (Dense, Activation, Dropout, Flatten, Reshape, Add, Concatenate)}


def register(cls):
    """Make a Layer subclass known to model loading (by its class name)."""
    LAYERS[cls.__name__] = cls
    return cls
