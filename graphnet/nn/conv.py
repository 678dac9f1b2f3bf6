"""Convolution and pooling, channels-last like Keras: images are (batch, height, width, channels).

Each node is fused and fast (Numba unfolds windows, BLAS multiplies) and
``expand()``s into the sliding-window sum it is: one shifted slice of the
input times one slice of the kernel per window offset, all added up.
"""
import numbers
import warnings

import numpy as np

from ..core import Node, ShapeError
from ..core.errors import renamed
from ..core.node import layer_title
from ..kernels.dispatch import kernel
from ..kernels.threads import add_up, cores_for, deal, row_slices, split
from ..ops import functional as F
from ..ops.shape import Pad
from ..ops.tensor import apply, constant
from . import activations, initializers
from .layers import (_FUSED_ACTIVATIONS, Layer, _is_whole, _regularizer, activated, lookup, padding_of,
                     register, user_stacklevel, whole)
from .losses import L2Penalty


def _pair(value, what, layer=None):
    """(height, width) from one positive whole number or a pair of them; the error
    names ``layer`` when a layer's argument is wrong."""
    if isinstance(value, numbers.Real):
        pair = (value, value)
    else:
        try:
            pair = tuple(value)
        except TypeError:
            pair = ()
    if len(pair) != 2 or not all(_is_whole(v) for v in pair):
        where = f"{layer_title(layer)}: " if layer is not None else ""
        raise ValueError(f"{where}{what} must be a positive whole number or a pair of them "
                         f"(height, width), got {value!r}")
    return tuple(int(v) for v in pair)


def geometry(size, window, stride, padding):
    """Output length and padding before, along one axis, by Keras' rules:
    'valid' keeps windows inside; 'same' gives ceil(size / stride) outputs,
    padding split evenly with the extra one after."""
    if padding == "valid":
        out = (size - window) // stride + 1
        return out, 0, 0
    out = -(-size // stride)
    total = max((out - 1) * stride + window - size, 0)
    return out, total // 2, total - total // 2


class _Windowed(Node):
    """Shared by convolution and pooling: window, strides and padding."""

    abstract = True

    def __init__(self, window, strides, padding, name=None):
        super().__init__(name)
        if padding not in ("valid", "same"):
            raise ValueError(f"padding is 'valid' or 'same', not {padding!r}")
        self.window, self.strides, self.padding = window, strides, padding

    def plan(self, x):
        if x.ndim != 4:
            raise ShapeError(f"{self!r} expects images (batch, height, width, channels), got {x.shape}")
        (kh, kw), (sh, sw) = self.window, self.strides
        Ho, top, bottom = geometry(x.shape[1], kh, sh, self.padding)
        Wo, left, right = geometry(x.shape[2], kw, sw, self.padding)
        if Ho < 1 or Wo < 1:
            raise ShapeError(f"{self!r}: a {kh}x{kw} window does not fit images of "
                             f"{x.shape[1]}x{x.shape[2]} with padding '{self.padding}'")
        return Ho, Wo, top, bottom, left, right

    scratch = ("buffers",)
    splits_work = True  # images dealt to the cores (kernels/threads.py)

    def buffer(self, name, shape, dtype, like, fill=None):
        """A work array kept between calls (allocating it anew costs more than the copy),
        on the device of ``like``; on the CPU aligned to a cache line. ``fill``: a value
        written once, when the array is made."""
        buffers = self.__dict__.setdefault("buffers", {})
        buf = buffers.get(name)
        if buf is None or buf.shape != shape or buf.dtype != dtype or type(buf) is not type(like):
            if isinstance(like, np.ndarray):
                n = int(np.prod(shape)) * np.dtype(dtype).itemsize
                raw = np.empty(n + 64, np.uint8)
                at = -raw.ctypes.data % 64
                buf = raw[at:at + n].view(dtype).reshape(shape)
            else:
                buf = np.empty(shape, dtype=dtype, like=like)
            if fill is not None:
                buf[...] = fill
            buffers[name] = buf
        return buf

    @staticmethod
    def by_images(run, *arrays):
        """``run(*views)`` on the images of each thread's share of the batch, where the
        views are ``arrays`` (all batch-first) cut to that share."""
        n = cores_for(8 * max(a.size for a in arrays), like=arrays[0])  # memory-bound: a few operations a value
        split(lambda _, rows: run(*(a[rows] for a in arrays)), row_slices(arrays[0].shape[0], n))

    def default_strides(self):
        return self.window  # pooling windows tile the image; Conv2DNode overrides

    def describe(self):
        parts = [f"{self.window[0]}x{self.window[1]}"]
        if self.strides != self.default_strides():
            parts.append(f"strides={self.strides[0]}x{self.strides[1]}")
        if self.padding == "same":
            parts.append("same")
        return ", ".join(parts)

    def window_slices(self, xp, Ho, Wo):
        """The input under each window offset (di, dj), as (di, dj, tensor slice)."""
        (kh, kw), (sh, sw) = self.window, self.strides
        for di in range(kh):
            for dj in range(kw):
                yield di, dj, xp[:, di:di + (Ho - 1) * sh + 1:sh, dj:dj + (Wo - 1) * sw + 1:sw, :]

    def padded(self, x, value=0.0):
        Ho, Wo, top, bottom, left, right = self.plan(x.value)
        if top or bottom or left or right:
            x = apply(Pad(((0, 0), (top, bottom), (left, right), (0, 0)), value), x)
        return x, Ho, Wo


class Conv2DNode(_Windowed):
    """x * W + b: every kh x kw x C window of x, dotted with each filter.

    Forward: unfold the windows into rows (Numba), one matrix product (BLAS).
    Backward: dW = colsᵀ g and db = Σ g; dx = fold(g Wᵀ), skipped when x needs
    no gradient (the images fed to the first layer).

    The batch goes through in chunks whose unfolded rows fit in the CPU's cache:
    a whole batch of unfolded windows (tens of MB) would travel to memory and back
    for every product. Bias, ReLU, the ReLU mask and the bias gradient are applied
    chunk by chunk too, while the chunk is in cache. Backward unfolds each chunk
    again rather than keeping the rows: recomputing a copy in cache is cheaper
    than storing and re-reading it. The chunks are dealt to one thread per core
    (kernels/threads.py), each with its own buffers and share of dW and db.
    """

    derivatives = ("fold(g Wᵀ)", "colsᵀ g", "Σ g")
    CHUNK_BYTES = 2 << 20  # unfolded rows per chunk: about what one core's caches hold

    def __init__(self, strides=(1, 1), padding="valid", activation=None, name=None):
        super().__init__(None, _pair(strides, "strides"), padding, name)
        if activation not in _FUSED_ACTIVATIONS:
            raise ValueError(f"Conv2DNode fuses the activations {sorted(k for k in _FUSED_ACTIVATIONS if k)}, "
                             f"not {activation!r}")
        self.activation = None if activation in ("linear", "identity") else activation

    @property
    def op(self):
        return "Conv2D"

    @property
    def formula(self):
        """'relu(Σ window · W + b)': the node's own activation by name; no bias once
        forward has seen there is none."""
        affine = "Σ window · W + b" if getattr(self, "has_bias", True) else "Σ window · W"
        return activated(self.activation, affine)

    def default_strides(self):
        return (1, 1)

    def describe(self):
        return ", ".join(filter(None, [super().describe(), self.activation]))

    def _shares(self, x, Ho, Wo, Fn, dtype):
        """(chunk size, each thread's list of (start, stop) chunks of images): a
        chunk's unfolded rows and outputs fit in cache together."""
        (kh, kw), N, C = self.window, x.shape[0], x.shape[3]
        per_image = Ho * Wo * (kh * kw * C + Fn) * np.dtype(dtype).itemsize
        size = max(1, min(N, self.CHUNK_BYTES // per_image))
        chunks = [(start, min(start + size, N)) for start in range(0, N, size)]
        return size, deal(chunks, cores_for(2 * N * Ho * Wo * kh * kw * C * Fn, like=x))

    def forward(self, x, W, b=None):
        if W.ndim != 4 or x.ndim != 4 or x.shape[3] != W.shape[2]:
            raise ShapeError(f"{self!r} expects images with {W.shape[2] if W.ndim == 4 else '?'} channels "
                             f"for a kernel of shape {W.shape}, got images of shape {x.shape}")
        self.window = W.shape[:2]
        Ho, Wo, top, _, left, _ = self.plan(x)
        (kh, kw), (sh, sw), C, Fn = self.window, self.strides, x.shape[3], W.shape[3]
        dtype = np.result_type(x, W)
        out = np.empty((x.shape[0], Ho, Wo, Fn), dtype=dtype, like=x)
        W2, relu = W.reshape(-1, Fn), self.activation == "relu"
        unfold = kernel("unfold", x)
        size, shares = self._shares(x, Ho, Wo, Fn, dtype)

        def work(slot, chunks):
            cols = self.buffer(f"cols{slot}", (size, Ho, Wo, kh, kw, C), dtype, like=x)
            for start, stop in chunks:
                rows = out[start:stop].reshape(-1, Fn)
                unfold(x[start:stop], kh, kw, sh, sw, top, left, cols[:stop - start])
                np.matmul(cols[:stop - start].reshape(rows.shape[0], -1), W2, out=rows)
                if b is not None:  # bias and ReLU while the chunk is still in cache
                    rows += b
                if relu:
                    np.maximum(rows, 0, out=rows)
        split(work, shares)
        self.x, self.W, self.has_bias, self.offsets, self.out_hw = x, W, b is not None, (top, left), (Ho, Wo)
        if relu:
            self.out = out
        elif self.activation is not None:
            self.act = _FUSED_ACTIVATIONS[self.activation]()
            out = self.act.forward(out)
        return out

    def backward(self, grad):
        if self.activation not in (None, "relu"):
            grad = self.act.backward(grad)[0]
        x, W, (top, left), (Ho, Wo) = self.x, self.W, self.offsets, self.out_hw
        (kh, kw), (sh, sw), C, Fn = self.window, self.strides, x.shape[3], W.shape[3]
        W2, dtype = W.reshape(-1, Fn), np.result_type(x, W)
        want_dx, want_dW = self.wants(0), self.wants(1)
        dx = np.zeros(x.shape, dtype=dtype, like=x) if want_dx else None
        unfold, fold = kernel("unfold", x), kernel("fold", x)
        size, shares = self._shares(x, Ho, Wo, Fn, dtype)

        def work(slot, chunks):
            """This thread's share of dW and db; dx is written in place (chunks of
            different images never overlap)."""
            dW = np.zeros(W2.shape, dtype=dtype, like=x) if want_dW else None
            db = np.zeros(Fn, dtype=dtype, like=x) if self.has_bias else None
            window_shape = (size, Ho, Wo, kh, kw, C)
            for start, stop in chunks:
                g, m = grad[start:stop].reshape(-1, Fn), (stop - start) * Ho * Wo
                if self.activation == "relu":  # the mask, chunk by chunk, in cache
                    masked = self.buffer(f"masked{slot}", (size * Ho * Wo, Fn), dtype, like=x)
                    g = np.multiply(g, self.out[start:stop].reshape(-1, Fn) > 0, out=masked[:m])
                if db is not None:  # Σ g as ones @ g: BLAS beats NumPy's sum down columns 5x
                    ones = self.buffer(f"ones{slot}", (1, size * Ho * Wo), dtype, like=x, fill=1)
                    db += (ones[:, :m] @ g)[0]
                if want_dW:
                    cols = self.buffer(f"cols{slot}", window_shape, dtype, like=x)[:stop - start]
                    unfold(x[start:stop], kh, kw, sh, sw, top, left, cols)
                    dW += cols.reshape(m, -1).T @ g
                if want_dx:
                    dcols = self.buffer(f"dcols{slot}", window_shape, dtype, like=x)[:stop - start]
                    np.matmul(g, W2.T, out=dcols.reshape(m, -1))
                    fold(dcols, sh, sw, top, left, dx[start:stop])
            return dW, db
        parts = split(work, shares)
        dW = add_up([p[0] for p in parts]).reshape(W.shape) if want_dW else None
        db = add_up([p[1] for p in parts]) if self.has_bias else None
        return (dx, dW) if db is None else (dx, dW, db)

    def expand(self, x, W, b=None):
        self.window = W.shape[:2]
        xp, Ho, Wo = self.padded(x)
        out = None
        for di, dj, window in self.window_slices(xp, Ho, Wo):
            term = window @ W[di, dj]  # (N, Ho, Wo, C) @ (C, filters)
            out = term if out is None else out + term
        return activations.get(self.activation)(out if b is None else out + b)

    @staticmethod
    def examples(rng):
        x, W, b = rng.normal(size=(2, 5, 6, 3)), rng.normal(size=(3, 3, 3, 2)), rng.normal(size=(2,))
        return [(Conv2DNode(), (x, W, b)), (Conv2DNode(2, "same", "relu"), (x, W, b)),
                (Conv2DNode(1, "valid", "tanh"), (x, W, b)),
                (Conv2DNode((2, 1), "valid"), (x, rng.normal(size=(2, 2, 3, 4)))),
                (Conv2DNode(1, "same"), (rng.normal(size=(1, 4, 4, 1)), rng.normal(size=(2, 2, 1, 1)), b[:1]))]


class MaxPool2DNode(_Windowed):
    """The largest value of each window; the gradient goes to that winner only."""

    formula = "max(window)"
    derivatives = ("1 at the winner",)

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", name=None):
        pool = _pair(pool_size, "pool_size")
        super().__init__(pool, _pair(strides or pool, "strides"), padding, name)

    @property
    def op(self):
        return "MaxPool2D"

    def forward(self, x):
        Ho, Wo, top, _, left, _ = self.plan(x)
        out = np.empty((x.shape[0], Ho, Wo, x.shape[3]), dtype=x.dtype, like=x)
        winner = self.buffer("winner", out.shape, np.int32, like=x)  # read by backward
        pool = kernel("max_pool_forward", x)
        self.by_images(lambda x, out, winner: pool(x, *self.window, *self.strides, top, left, out, winner),
                       x, out, winner)
        self.x_shape, self.offsets = x.shape, (top, left)
        return out

    def backward(self, grad):
        dx = np.zeros(self.x_shape, dtype=grad.dtype, like=grad)
        self.by_images(kernel("max_pool_backward", grad), grad, self.buffers["winner"], dx)
        return (dx,)

    def expand(self, x):
        xp, Ho, Wo = self.padded(x, -np.inf)
        out = None
        for _, _, window in self.window_slices(xp, Ho, Wo):
            out = window if out is None else F.maximum(out, window)
        return out

    @staticmethod
    def examples(rng):
        x = rng.normal(size=(2, 5, 6, 3))
        return [(MaxPool2DNode(), (x,)), (MaxPool2DNode(3, 2, "same"), (x,)),
                (MaxPool2DNode((2, 3), (1, 2)), (x,))]


class AvgPool2DNode(_Windowed):
    """The mean of each window (of its real values, where 'same' padding reaches out)."""

    formula = "mean(window)"
    derivatives = ("1 / count",)

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", name=None):
        pool = _pair(pool_size, "pool_size")
        super().__init__(pool, _pair(strides or pool, "strides"), padding, name)

    @property
    def op(self):
        return "AvgPool2D"

    def forward(self, x):
        Ho, Wo, top, _, left, _ = self.plan(x)
        out = np.empty((x.shape[0], Ho, Wo, x.shape[3]), dtype=x.dtype, like=x)
        pool = kernel("avg_pool_forward", x)
        self.by_images(lambda x, out: pool(x, *self.window, *self.strides, top, left, out), x, out)
        self.x_shape, self.offsets = x.shape, (top, left)
        return out

    def backward(self, grad):
        dx = np.zeros(self.x_shape, dtype=grad.dtype, like=grad)
        unpool = kernel("avg_pool_backward", grad)
        self.by_images(lambda grad, dx: unpool(grad, *self.window, *self.strides, *self.offsets, dx), grad, dx)
        return (dx,)

    def expand(self, x):
        xp, Ho, Wo = self.padded(x)
        ones, _, _ = self.padded(constant(np.ones((1,) + x.shape[1:3] + (1,)), dtype=x.dtype))
        total = count = None
        for (_, _, window), (_, _, real) in zip(self.window_slices(xp, Ho, Wo),
                                                self.window_slices(ones, Ho, Wo)):
            total = window if total is None else total + window
            count = real if count is None else count + real
        return total / count

    @staticmethod
    def examples(rng):
        x = rng.normal(size=(2, 5, 6, 3))
        return [(AvgPool2DNode(), (x,)), (AvgPool2DNode(3, 2, "same"), (x,))]


# --- layers ---------------------------------------------------------------------------

class Conv2D(Layer):
    """A 2-D convolution layer: ``filters`` kernels of ``kernel_size`` slide over the image.

    The arguments after ``kernel_size`` go by keyword: ``Conv2D(32, 3, strides=2)``.
    """

    kernel = "Numba im2col + BLAS GEMM"
    keras1_names = {"border_mode": "padding", "subsample": "strides", "init": "kernel_initializer",
                    "W_regularizer": "kernel_regularizer", "bias": "use_bias"}

    # Everything after kernel_size is keyword-only: a third positional argument is
    # ambiguous (Keras 1's Convolution2D(10, 3, 3) is a 3x3 kernel, Keras 2's
    # Conv2D(10, 3, 3) has strides 3), so it is refused with a message, not guessed.
    def __init__(self, filters, kernel_size, *positional, strides=(1, 1), padding="valid",
                 activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, data_format=None, **kwargs):
        super().__init__(**kwargs)
        _channels_last(self, data_format)
        strides, padding = self.spelled("strides", strides), self.spelled("padding", padding)
        use_bias = self.spelled("use_bias", use_bias)
        kernel_initializer = self.spelled("kernel_initializer", kernel_initializer)
        kernel_regularizer = self.spelled("kernel_regularizer", kernel_regularizer)
        if len(positional) > 2:
            raise TypeError(f"{layer_title(self)}: Conv2D takes filters, kernel_size, strides and "
                            f"padding by position, the rest by keyword; got {len(positional) + 2} "
                            "arguments by position")
        if positional:  # Keras' order: strides, then padding
            strides = positional[0]
            padding = positional[1] if len(positional) > 1 else padding
            if _keras1_form(kernel_size, strides):  # Keras 3 reads it as strides, and so do we
                warnings.warn(_keras1_message(self, filters, kernel_size, strides), stacklevel=2)
        self.filters = whole(self, "filters", filters)
        self.kernel_size = _pair(kernel_size, "kernel_size", self)
        self.strides, self.padding = _pair(strides, "strides", self), padding_of(self, padding)
        self.activation, self.use_bias = activation, use_bias
        self.fn = lookup(self, "activation", activations.get, activation)
        self.kernel_initializer = lookup(self, "kernel_initializer", initializers.get, kernel_initializer)
        self.bias_initializer = lookup(self, "bias_initializer", initializers.get, bias_initializer)
        self.kernel_regularizer = lookup(self, "kernel_regularizer", _regularizer, kernel_regularizer)

    def build(self, input_shape):
        if len(input_shape) != 4:
            raise ShapeError(f"{layer_title(self)} expects images (batch, height, width, channels), "
                             f"got {input_shape}")
        self.W = self.add_weight("kernel", self.kernel_size + (input_shape[3], self.filters),
                                 self.kernel_initializer)
        self.b = self.add_weight("bias", (self.filters,), self.bias_initializer) if self.use_bias else None

    def call(self, x):
        args = (x, self.W, self.b) if self.use_bias else (x, self.W)
        fused = self.activation if isinstance(self.activation, str) and self.activation in _FUSED_ACTIVATIONS else None
        out = apply(Conv2DNode(self.strides, self.padding, fused), *args)
        return out if fused or self.activation is None else self.fn(out)

    def regularization_losses(self):
        return [] if self.kernel_regularizer is None else [apply(L2Penalty(self.kernel_regularizer), self.W)]

    def flops_per_sample(self):
        _, Ho, Wo, _ = self.output_shape
        kh, kw, C, Fn = self.W.shape
        return Ho * Wo * Fn * (2 * kh * kw * C + (1 if self.use_bias else 0))

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "kernel_size": list(self.kernel_size),
                "strides": list(self.strides), "padding": self.padding,
                "activation": activations.name_of(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": self.kernel_regularizer}


def _keras1_form(kernel_size, strides):
    """Conv2D(10, 3, 3): an int kernel and an int given where strides go, which
    Keras 1 (Convolution2D(nb_filter, nb_row, nb_col)) read as a 3x3 kernel."""
    return (isinstance(kernel_size, numbers.Integral) and isinstance(strides, numbers.Integral)
            and not isinstance(strides, bool) and strides > 1)


def _keras1_message(layer, filters, k, n):
    return (f"{layer_title(layer)}: Conv2D({filters!r}, {k}, {n}) means strides={n}, as in Keras 2 "
            f"and 3; Keras 1 read its third argument as the kernel's width (a {k}x{n} kernel). For "
            f"that kernel write Conv2D({filters!r}, ({k}, {n})); to keep strides {n} without this "
            f"warning, give it by keyword: strides={n}")


def _channels_last(layer, data_format):
    """Keras' data_format: graphnet's images are channels-last, (batch, height, width, channels)."""
    if data_format not in (None, "channels_last"):
        raise ValueError(f"{layer_title(layer)}: data_format must be 'channels_last' (graphnet's images "
                         f"are (batch, height, width, channels)), got {data_format!r}; move the channels "
                         "last with np.moveaxis(x, 1, -1)")


def Convolution2D(nb_filter, nb_row, nb_col, border_mode="valid", subsample=(1, 1), init=None,
                  W_regularizer=None, bias=True, **kwargs):
    """Keras 1's spelling of Conv2D: ``Convolution2D(32, 3, 3, border_mode='same')`` builds
    ``Conv2D(32, (3, 3), padding='same')``, with one OldKerasSpelling warning that says so."""
    extra = {"kernel_initializer": init, "kernel_regularizer": W_regularizer}
    layer = Conv2D(nb_filter, (nb_row, nb_col), padding=border_mode, strides=subsample, use_bias=bias,
                   **{k: v for k, v in extra.items() if v is not None}, **kwargs)
    old = [f"{nb_filter!r}, {nb_row!r}, {nb_col!r}"]
    new = [f"{nb_filter!r}, ({nb_row!r}, {nb_col!r})"]
    for was, now, value, default in (("border_mode", "padding", border_mode, "valid"),
                                     ("subsample", "strides", subsample, (1, 1)),
                                     ("init", "kernel_initializer", init, None),
                                     ("W_regularizer", "kernel_regularizer", W_regularizer, None),
                                     ("bias", "use_bias", bias, True)):
        if value != default:
            old.append(f"{was}={value!r}")
            new.append(f"{now}={value!r}")
    renamed(layer_title(layer), f"Convolution2D({', '.join(old)})", f"Conv2D({', '.join(new)})",
            stacklevel=user_stacklevel())
    return layer


class _Pooling(Layer):
    node = None
    keras1_names = {"border_mode": "padding"}

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        _channels_last(self, data_format)
        padding = self.spelled("padding", padding)
        self.pool_size = _pair(pool_size, "pool_size", self)
        self.strides = _pair(strides, "strides", self) if strides is not None else self.pool_size
        self.padding = padding_of(self, padding)

    def call(self, x):
        return apply(self.node(self.pool_size, self.strides, self.padding), x)

    def flops_per_sample(self):
        _, Ho, Wo, C = self.output_shape
        return Ho * Wo * C * self.pool_size[0] * self.pool_size[1]

    def get_config(self):
        return {**super().get_config(), "pool_size": list(self.pool_size),
                "strides": list(self.strides), "padding": self.padding}


class MaxPooling2D(_Pooling):
    """Keeps the largest value of each pool_size window (2x2 halves height and width)."""

    kernel = "Numba window loop"
    node = MaxPool2DNode


class AveragePooling2D(_Pooling):
    kernel = "Numba window loop"
    node = AvgPool2DNode


class GlobalAveragePooling2D(Layer):
    """The mean of each channel over the whole image: (batch, h, w, c) -> (batch, c)."""

    def call(self, x):
        if x.ndim != 4:
            raise ShapeError(f"{layer_title(self)} expects images, got {tuple(x.shape)}")
        return F.mean(x, axis=(1, 2))

    def flops_per_sample(self):
        _, H, W, C = self.input_shape
        return H * W * C


def output_size(size, window, stride, padding):
    """For teaching: the output length of a convolution or pooling along one axis."""
    return geometry(size, window, stride, padding)[0]


__all__ = ["Conv2D", "Convolution2D", "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D", "Conv2DNode",
           "MaxPool2DNode", "AvgPool2DNode", "geometry", "output_size"]

for _layer in (Conv2D, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D):
    register(_layer)
