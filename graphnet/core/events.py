"""Step events: every node evaluation, forward or backward, can be watched.

The step-through viewer, progress reporting and gradient statistics all listen
here; the engine knows none of them. When nobody listens, emitting costs one
list check per node.
"""
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Optional

_observers = []


@dataclass(frozen=True)
class StepEvent:
    """One node evaluation.

    forward:  ``inputs`` -> ``output``.
    backward: ``upstream`` (d loss / d output) times ``local`` (d output / d input,
    for elementwise nodes) gives ``input_grads`` (d loss / d input), one per input.
    ``slots`` are the graph's variable indices (inputs..., output) when the event
    comes from a Graph, and ``None`` for an eager operation.
    """

    phase: str
    index: int
    node: Any
    inputs: tuple
    output: Any
    upstream: Any = None
    input_grads: Optional[tuple] = None
    local: Optional[tuple] = None
    slots: Optional[tuple] = None


def active():
    return bool(_observers)


def emit(event):
    for observer in tuple(_observers):
        observer(event)


@contextmanager
def observe(callback):
    """Call ``callback(event)`` for every node evaluation inside the block."""
    _observers.append(callback)
    try:
        yield callback
    finally:
        _observers.remove(callback)


class Recorder(list):
    """An observer that keeps the events it sees: ``with observe(Recorder()) as rec:``."""

    def __call__(self, event):
        self.append(event)
