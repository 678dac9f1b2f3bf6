"""keras.callbacks: hooks into fit."""
from ..train.callbacks import (Callback, EarlyStopping, History, LambdaCallback,
                               LearningRateScheduler, ModelCheckpoint, ProgbarLogger, TerminateOnNaN)

__all__ = ["Callback", "EarlyStopping", "History", "LambdaCallback", "LearningRateScheduler",
           "ModelCheckpoint", "ProgbarLogger", "TerminateOnNaN"]
