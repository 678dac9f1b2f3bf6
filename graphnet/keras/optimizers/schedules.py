"""keras.optimizers.schedules: learning rates that change with the step."""
from ...train.schedules import (ExponentialDecay, InverseTimeDecay, LearningRateSchedule,
                                PiecewiseConstantDecay, deserialize, serialize)

__all__ = ["LearningRateSchedule", "ExponentialDecay", "InverseTimeDecay",
           "PiecewiseConstantDecay", "serialize", "deserialize"]
