"""Learning-rate schedules: the learning rate as a function of the step count.

A schedule is a callable ``schedule(step) -> learning_rate``; pass one to an
optimizer as ``learning_rate`` and it is asked, before every update, with the
number of updates done so far (Keras' ``optimizer.iterations``, starting at 0).

The course's time-based decay, ``alpha = alpha0 / (1 + decay_rate * epoch)``, is
``InverseTimeDecay(alpha0, decay_steps=steps_per_epoch, decay_rate=decay_rate,
staircase=True)``: dividing the step by the steps per epoch gives the epoch.
"""
import math

__all__ = ["LearningRateSchedule", "InverseTimeDecay", "ExponentialDecay", "StepDecay",
           "PiecewiseConstantDecay", "get", "serialize", "deserialize"]


class LearningRateSchedule:
    """Base class: subclasses compute ``__call__(step)`` and list their arguments in get_config."""

    def __call__(self, step):
        raise NotImplementedError

    def get_config(self):
        raise NotImplementedError

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def _positive(name, value):
    if not value > 0:
        raise ValueError(f"{name} must be positive, got {value!r}")
    return value


def _progress(step, decay_steps, staircase):
    """How many ``decay_steps`` have passed: a fraction, or whole ones with ``staircase``."""
    p = step / decay_steps
    return math.floor(p) if staircase else p


class _DecayEverySteps(LearningRateSchedule):
    """What the time-based schedules share: a start, a rate, and how many steps
    make one unit of ``p = step / decay_steps`` (floored with ``staircase``)."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False):
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps = _positive("decay_steps", decay_steps)
        self.decay_rate = float(decay_rate)
        self.staircase = bool(staircase)

    def __call__(self, step):
        return self.decayed(_progress(step, self.decay_steps, self.staircase))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase}


class InverseTimeDecay(_DecayEverySteps):
    """``lr = initial_learning_rate / (1 + decay_rate * step / decay_steps)``.

    With ``staircase=True`` the ratio ``step / decay_steps`` is floored, so the rate
    changes once every ``decay_steps`` (once an epoch, say) instead of every step.
    """

    def decayed(self, p):
        return self.initial_learning_rate / (1.0 + self.decay_rate * p)


class ExponentialDecay(_DecayEverySteps):
    """``lr = initial_learning_rate * decay_rate ** (step / decay_steps)``.

    With ``staircase=True`` the exponent is floored: the rate drops every ``decay_steps``.
    """

    def decayed(self, p):
        return self.initial_learning_rate * self.decay_rate ** p


class StepDecay(LearningRateSchedule):
    """Drop the rate by a factor every few steps.

    ``lr = initial_learning_rate * drop_rate ** floor(step / steps_per_drop)``

    The classic "halve it every 10 epochs" (``drop_rate=0.5``, ``steps_per_drop=10 *
    steps_per_epoch``); the same as ``ExponentialDecay(..., staircase=True)``.
    """

    def __init__(self, initial_learning_rate, drop_rate=0.5, steps_per_drop=10):
        self.initial_learning_rate = float(initial_learning_rate)
        self.drop_rate = float(drop_rate)
        self.steps_per_drop = _positive("steps_per_drop", steps_per_drop)

    def __call__(self, step):
        return self.initial_learning_rate * self.drop_rate ** math.floor(step / self.steps_per_drop)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "drop_rate": self.drop_rate, "steps_per_drop": self.steps_per_drop}


class PiecewiseConstantDecay(LearningRateSchedule):
    """A constant rate on each interval of steps.

    ``values[0]`` while ``step <= boundaries[0]``, ``values[1]`` while
    ``step <= boundaries[1]``, ..., and ``values[-1]`` after the last boundary.

    Example: ``PiecewiseConstantDecay([1000, 2000], [0.1, 0.01, 0.001])``.
    """

    def __init__(self, boundaries, values):
        boundaries, values = list(boundaries), [float(v) for v in values]
        if len(values) != len(boundaries) + 1:
            raise ValueError(f"PiecewiseConstantDecay needs one more value than boundaries, "
                             f"got {len(boundaries)} boundaries and {len(values)} values")
        if any(b >= c for b, c in zip(boundaries, boundaries[1:])):
            raise ValueError(f"PiecewiseConstantDecay boundaries must increase, got {boundaries}")
        self.boundaries, self.values = boundaries, values

    def __call__(self, step):
        for boundary, value in zip(self.boundaries, self.values):
            if step <= boundary:
                return value
        return self.values[-1]

    def get_config(self):
        return {"boundaries": list(self.boundaries), "values": list(self.values)}


_SCHEDULES = {cls.__name__: cls for cls in (InverseTimeDecay, ExponentialDecay, StepDecay,
                                             PiecewiseConstantDecay)}


def serialize(schedule):
    """``{"class_name": ..., "config": ...}``, JSON-able, as Keras writes it."""
    if not isinstance(schedule, LearningRateSchedule):
        raise TypeError(f"only a LearningRateSchedule can be serialized, got {schedule!r}: "
                        "a plain function has no config to save")
    return {"class_name": type(schedule).__name__, "config": schedule.get_config()}


def deserialize(config):
    name = config.get("class_name") if isinstance(config, dict) else None
    if name not in _SCHEDULES:
        raise ValueError(f"unknown learning-rate schedule {name!r}; known: {', '.join(_SCHEDULES)}")
    return _SCHEDULES[name].from_config(config.get("config", {}))


def get(identifier):
    """A schedule from a schedule (as is), a serialized dict, or any callable of the step."""
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise TypeError(f"cannot make a learning-rate schedule from {identifier!r}")
