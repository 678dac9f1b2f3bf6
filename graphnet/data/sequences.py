"""Sequences for recurrent networks: windowing a series, padding token lists.

* window_series ..... a series -> (samples, time_steps, features) inputs and
                      the next value(s) as targets (the course's windowing)
* pad_sequences ..... lists of different lengths -> one (n, maxlen) array,
                      exactly as Keras' ``pad_sequences`` does it
* TimeseriesGenerator  Keras' batches of windows over a series, one batch per
                      index; ``model.fit`` takes it in place of (x, y)
"""
import numpy as np

from . import _checks

__all__ = ["window_series", "pad_sequences", "TimeseriesGenerator"]


def window_series(series, time_steps, horizon=1):
    """Cut a series into overlapping windows and the value(s) that follow each.

    Window i is ``series[i : i + time_steps]`` and its target is
    ``series[i + time_steps]`` (or the next `horizon` values), so a series of
    length T gives ``T - time_steps - horizon + 1`` samples.

    Shapes, for a series (T,) or (T, features):

    * inputs (samples, time_steps, features), what an RNN layer expects;
      a 1-D series has one feature;
    * targets: one step of the series per sample, (samples,) or
      (samples, features); with horizon > 1 a horizon axis follows the
      samples: (samples, horizon) or (samples, horizon, features).

    Both are float32.

    >>> X, y = window_series([1, 2, 3, 4, 5, 6], time_steps=3)
    >>> X.shape, X[:, :, 0].tolist(), y.tolist()
    ((3, 3, 1), [[1.0, 2.0, 3.0], [2.0, 3.0, 4.0], [3.0, 4.0, 5.0]], [4.0, 5.0, 6.0])
    """
    fn = "window_series"
    s = _checks.numbers_array(fn, "series", series).astype(np.float32)
    if s.ndim not in (1, 2):
        raise ValueError(f"{fn}: series must be 1-D (steps,) or 2-D (steps, features), "
                         f"got shape {s.shape}")
    time_steps = _checks.integer(fn, "time_steps", time_steps, minimum=1)
    horizon = _checks.integer(fn, "horizon", horizon, minimum=1)
    samples = len(s) - time_steps - horizon + 1
    if samples < 1:
        raise ValueError(f"{fn}: the series has {len(s)} steps (shape {s.shape}), too short "
                         f"for time_steps={time_steps} and horizon={horizon}; it needs at "
                         f"least {time_steps + horizon}")
    start = np.arange(samples)[:, None]                       # one row per sample
    inputs = s[start + np.arange(time_steps)]                 # (samples, time_steps[, f])
    targets = s[start + time_steps + np.arange(horizon)]      # (samples, horizon[, f])
    if s.ndim == 1:
        inputs = inputs[..., None]                            # add the features axis
    if horizon == 1:
        targets = targets[:, 0]                               # just the next value
    return inputs, targets


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre",
                  value=0):
    """Make sequences one length: Keras' ``pad_sequences``, same defaults.

    Sequences shorter than `maxlen` (default: the longest) are filled with
    `value`; longer ones are cut. Both happen at the start by default
    ('pre'), so the real tokens sit at the end, next to the step whose
    output the RNN passes on; 'post' pads or cuts at the end. The result is
    an int32 array (n, maxlen).

    >>> pad_sequences([[1, 2, 3], [4, 5], [6]])
    array([[1, 2, 3],
           [0, 4, 5],
           [0, 0, 6]], dtype=int32)
    >>> pad_sequences([[1, 2, 3], [4, 5], [6]], maxlen=2, padding="post", truncating="post")
    array([[1, 2],
           [4, 5],
           [6, 0]], dtype=int32)
    """
    fn = "pad_sequences"
    if isinstance(sequences, (str, bytes)) or not hasattr(sequences, "__len__"):
        raise ValueError(f"{fn}: sequences must be a list of sequences, "
                         f"got {type(sequences).__name__}")
    for name, choice in (("padding", padding), ("truncating", truncating)):
        if choice not in ("pre", "post"):
            raise ValueError(f"{fn}: {name} must be 'pre' or 'post', got {choice!r}")
    numeric = np.dtype(dtype).kind in "biuf"
    rows = []
    for i, seq in enumerate(sequences):
        if isinstance(seq, (str, bytes)) or not hasattr(seq, "__len__"):
            raise ValueError(f"{fn}: sequence {i} is not a sequence: {seq!r}")
        rows.append(_checks.array(fn, f"sequence {i}", seq))
        # Otherwise NumPy's own "invalid literal for int()" when the tokens are copied in.
        if numeric and len(rows[-1]) and rows[-1].dtype.kind not in "biuf":
            kind = "strings" if rows[-1].dtype.kind in "US" else f"{rows[-1].dtype} values"
            token = rows[-1].flat[0]
            token = token.item() if isinstance(token, np.generic) else token
            raise TypeError(f"{fn}: sequence {i} holds {kind} such as {token!r:.30}, "
                            f"but the result is {np.dtype(dtype)}: turn the tokens "
                            "into integer ids first (a vocabulary dict, or gn.data.LabelEncoder), "
                            "or pass dtype=object to pad them as they are")
    if numeric and not isinstance(value, (int, float, np.number)):
        raise TypeError(f"{fn}: value={value!r} cannot fill the {np.dtype(dtype)} result; give a number "
                        "(0 by default), or dtype=object to pad with it")
    # The shape of one step (() for token ids) comes from the first non-empty row.
    step_shape = next((r.shape[1:] for r in rows if len(r)), ())
    if maxlen is None:
        maxlen = max((len(r) for r in rows), default=0)
    maxlen = _checks.integer(fn, "maxlen", maxlen, minimum=0)
    out = np.full((len(rows), maxlen) + step_shape, value, dtype=dtype)
    if maxlen == 0:
        return out
    for i, row in enumerate(rows):
        if len(row) == 0:
            continue
        if row.shape[1:] != step_shape:
            raise ValueError(f"{fn}: sequence {i} has steps of shape {row.shape[1:]}, "
                             f"the first non-empty one {step_shape}")
        kept = row[-maxlen:] if truncating == "pre" else row[:maxlen]
        if padding == "pre":
            out[i, maxlen - len(kept):] = kept
        else:
            out[i, :len(kept)] = kept
    return out


class TimeseriesGenerator:
    """Batches of windows over a series, as Keras' ``TimeseriesGenerator`` gives them.

    Batch ``k`` (``generator[k]``) is ``(samples, targets)``: for each row ``r`` of
    the batch, the window ``data[r - length : r : sampling_rate]`` and the target
    ``targets[r]``, the value that follows the window. Rows start at
    ``start_index + length`` and step by ``stride`` up to ``end_index`` (default:
    the last); ``shuffle=True`` draws each batch's rows at random instead;
    ``reverse=True`` gives each window latest step first.

    >>> series = np.arange(10)
    >>> batch_x, batch_y = TimeseriesGenerator(series, series, length=3, batch_size=2)[0]
    >>> batch_x.tolist(), batch_y.tolist()
    ([[0, 1, 2], [1, 2, 3]], [3, 4])

    Unlike ``window_series``, it keeps the data's own shape and dtype (a 1-D series
    gives windows (batch, length), without a features axis).
    """

    def __init__(self, data, targets, length, sampling_rate=1, stride=1, start_index=0,
                 end_index=None, shuffle=False, reverse=False, batch_size=128):
        fn = "TimeseriesGenerator"
        self.data, self.targets = np.asarray(data), np.asarray(targets)
        if len(self.data) != len(self.targets):
            raise ValueError(f"{fn}: data and targets need one entry per time step, got "
                             f"{len(self.data)} steps of data and {len(self.targets)} targets")
        self.length = _checks.integer(fn, "length", length, minimum=1)
        self.sampling_rate = _checks.integer(fn, "sampling_rate", sampling_rate, minimum=1)
        self.stride = _checks.integer(fn, "stride", stride, minimum=1)
        self.batch_size = _checks.integer(fn, "batch_size", batch_size, minimum=1)
        start_index = _checks.integer(fn, "start_index", start_index, minimum=0)
        self.start_index = start_index + self.length  # the first row with a whole window behind it
        last = len(self.data) - 1
        self.end_index = last if end_index is None else min(
            _checks.integer(fn, "end_index", end_index, minimum=0), last)
        if self.start_index > self.end_index:
            raise ValueError(f"{fn}: start_index + length = {self.start_index} is past end_index = "
                             f"{self.end_index} (a series of {len(self.data)} steps): no window would "
                             "have a step left to predict; use a shorter length or more data")
        self.shuffle, self.reverse = bool(shuffle), bool(reverse)

    def __len__(self):
        rows = self.end_index - self.start_index + 1
        per_batch = self.batch_size * self.stride
        return (rows + per_batch - 1) // per_batch

    def __getitem__(self, index):
        if not -len(self) <= index < len(self):
            raise IndexError(f"TimeseriesGenerator has {len(self)} batches, no batch {index}")
        index %= len(self)
        if self.shuffle:
            from ..random import generator
            rows = generator().integers(self.start_index, self.end_index + 1, size=self.batch_size)
        else:
            first = self.start_index + self.batch_size * self.stride * index
            rows = np.arange(first, min(first + self.batch_size * self.stride, self.end_index + 1),
                             self.stride)
        samples = np.stack([self.data[r - self.length:r:self.sampling_rate] for r in rows])
        if self.reverse:
            samples = samples[:, ::-1]
        return samples, self.targets[rows]

    def __iter__(self):
        return (self[k] for k in range(len(self)))
