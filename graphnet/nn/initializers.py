"""Weight initialisers with Keras' names and defaults.

Why initialisation matters: all-equal weights make every unit of a layer
compute the same thing forever (no symmetry breaking); weights too large
saturate sigmoids and tanh (vanishing gradients) or blow activations up;
too small and the signal fades layer by layer. Glorot (Xavier) scales the
range by fan-in and fan-out to keep the variance of activations roughly
constant from layer to layer; He does the same for ReLU layers.
"""
import numpy as np

from .. import config
from ..core.errors import did_you_mean
from ..random import generator


def _fans(shape):
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1  # conv kernels: (kh, kw, in, out)
    return shape[-2] * receptive, shape[-1] * receptive


class Initializer:
    def __call__(self, shape, dtype=None):
        return np.asarray(self.sample(tuple(shape)), dtype=dtype or config.floatx())

    def get_config(self):
        return {k: v for k, v in vars(self).items()}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class Zeros(Initializer):
    def sample(self, shape):
        return np.zeros(shape)


class Ones(Initializer):
    def sample(self, shape):
        return np.ones(shape)


class Constant(Initializer):
    def __init__(self, value=0.0):
        self.value = value

    def sample(self, shape):
        return np.full(shape, self.value)


class RandomNormal(Initializer):
    def __init__(self, mean=0.0, stddev=0.05):
        self.mean, self.stddev = mean, stddev

    def sample(self, shape):
        return generator().normal(self.mean, self.stddev, shape)


class RandomUniform(Initializer):
    def __init__(self, minval=-0.05, maxval=0.05):
        self.minval, self.maxval = minval, maxval

    def sample(self, shape):
        return generator().uniform(self.minval, self.maxval, shape)


class GlorotUniform(Initializer):
    """Uniform in ±√(6 / (fan_in + fan_out)): Keras' default for Dense kernels."""

    def sample(self, shape):
        fan_in, fan_out = _fans(shape)
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return generator().uniform(-limit, limit, shape)


class GlorotNormal(Initializer):
    """Normal with standard deviation √(2 / (fan_in + fan_out)), cut at two deviations."""

    def sample(self, shape):
        fan_in, fan_out = _fans(shape)
        return _truncated_normal(shape, np.sqrt(2.0 / (fan_in + fan_out)))


class HeNormal(Initializer):
    """Normal with standard deviation √(2 / fan_in), cut at two deviations: for ReLU layers."""

    def sample(self, shape):
        return _truncated_normal(shape, np.sqrt(2.0 / _fans(shape)[0]))


class HeUniform(Initializer):
    def sample(self, shape):
        limit = np.sqrt(6.0 / _fans(shape)[0])
        return generator().uniform(-limit, limit, shape)


class Orthogonal(Initializer):
    """A random orthogonal matrix (Keras' default for recurrent kernels): repeated
    products with it neither shrink nor blow up a vector's length."""

    def __init__(self, gain=1.0):
        self.gain = gain

    def sample(self, shape):
        rows, cols = int(np.prod(shape[:-1])), shape[-1]
        a = generator().normal(0.0, 1.0, (max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q *= np.sign(np.diag(r))  # a uniform choice among orthogonal matrices
        q = q if rows >= cols else q.T
        return self.gain * q[:rows, :cols].reshape(shape)


def _truncated_normal(shape, stddev):
    # Keras scales by 1/0.8796 so the cut distribution keeps the wanted deviation.
    scale = stddev / 0.87962566103423978
    out = generator().normal(0.0, 1.0, shape)
    bad = np.abs(out) > 2
    while bad.any():
        out[bad] = generator().normal(0.0, 1.0, int(bad.sum()))
        bad = np.abs(out) > 2
    return out * scale


_BY_NAME = {"zeros": Zeros, "ones": Ones, "constant": Constant, "random_normal": RandomNormal,
            "normal": RandomNormal, "random_uniform": RandomUniform, "uniform": RandomUniform,
            "glorot_uniform": GlorotUniform, "glorot_normal": GlorotNormal,
            "he_normal": HeNormal, "he_uniform": HeUniform, "orthogonal": Orthogonal}


def get(identifier):
    """An initialiser from a Keras name, a class, an instance or a ``(shape, dtype)`` callable."""
    if isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if isinstance(identifier, str):
        try:
            return _BY_NAME[identifier]()
        except KeyError:
            raise ValueError(f"unknown initializer {identifier!r}{did_you_mean(identifier, _BY_NAME)}; "
                             f"known: {', '.join(sorted(_BY_NAME))}") from None
    if callable(identifier):
        return identifier
    raise ValueError(f"cannot make an initializer from {identifier!r}")


def serialize(init):
    name = next((k for k, v in _BY_NAME.items() if type(init) is v), None)
    return {"class_name": name, "config": init.get_config()} if name else None


def deserialize(spec):
    return _BY_NAME[spec["class_name"]](**spec["config"])
