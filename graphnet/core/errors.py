"""Errors that name the node and the shapes involved, and the non-finite trap."""
import difflib
import warnings
from contextlib import contextmanager

import numpy as np


class GraphnetError(Exception):
    """Base class of every error graphnet raises on purpose."""


class ShapeError(GraphnetError, ValueError):
    """Inputs whose shapes a node cannot combine."""


class GraphError(GraphnetError, ValueError):
    """A graph used in a way it cannot be (feeding a computed value, say)."""


class OperandError(GraphnetError, TypeError):
    """A value that is not a number, an array of numbers or a Tensor."""


class DataError(GraphnetError, ValueError):
    """Data a model cannot learn from: NaN or infinity, missing values, no samples."""


class NonFiniteError(GraphnetError, FloatingPointError):
    """A NaN or an infinity appeared while the trap was on."""


class OldKerasSpelling(FutureWarning):
    """A Keras 1 name (``nb_epoch``, ``init=``, ``border_mode=``...) that graphnet accepts
    under its Keras 2/3 meaning. A FutureWarning, so that it shows by default: the
    course's listings are written by people, not libraries, and they should see it."""


def renamed(where, old, new, stacklevel=3):
    """Warn that ``where`` (e.g. "fit" or "Dense layer 'd'") was given Keras 1's ``old``
    spelling and is taking it as ``new``. ``stacklevel`` points at the user's line."""
    warnings.warn(f"{where}: {old} is Keras 1's spelling; graphnet takes it as {new}, "
                  f"as Keras 2 and 3 spell it: write {new} to silence this warning",
                  OldKerasSpelling, stacklevel=stacklevel)


def did_you_mean(name, known, n=1):
    """' (did you mean 'relu'?)' for a misspelt ``name`` among the ``known`` names, or ''.
    Matched ignoring case ('ReLU' finds 'relu'); the suggestion is spelt as known."""
    spelt = {str(k).lower(): k for k in known if k is not None}
    close = difflib.get_close_matches(str(name).lower(), spelt, n=n)
    return f" (did you mean {' or '.join(repr(spelt[c]) for c in close)}?)" if close else ""


def describe_shapes(values):
    return " and ".join(str(tuple(np.shape(v))) for v in values)


def node_failed(node, inputs, exc, phase="forward"):
    """Wrap an exception raised inside a node so it names the node and the shapes."""
    if isinstance(exc, GraphnetError):
        return exc
    kind = ShapeError if isinstance(exc, ValueError) else GraphnetError
    what = "inputs" if phase == "forward" else "an upstream gradient"
    return kind(f"{node!r} failed in its {phase} pass on {what} of shape {describe_shapes(inputs)}: {exc}")


# The trap is a single flag the engine reads before each check: free when off.
_trap = [False]


def trapping():
    return _trap[0]


@contextmanager
def trap_nonfinite(enabled=True):
    """Inside this block, the first NaN or infinity produced by any node raises
    `NonFiniteError` naming that node, in the forward or the backward pass."""
    before = _trap[0]
    _trap[0] = enabled
    try:
        yield
    finally:
        _trap[0] = before


def check_finite(node, phase, what, value):
    if not np.all(np.isfinite(value)):
        arr = np.asarray(value)
        bad = arr.size - int(np.isfinite(arr).sum())
        kinds = sorted({"nan" if np.isnan(x) else "inf" for x in arr.ravel() if not np.isfinite(x)})
        raise NonFiniteError(
            f"{node!r} produced {'/'.join(kinds)} in the {phase} pass ({what}): "
            f"{bad} of {arr.size} values of shape {arr.shape} are not finite"
        )
