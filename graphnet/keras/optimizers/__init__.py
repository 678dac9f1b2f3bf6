"""keras.optimizers: graphnet's optimizers, with Keras 3's defaults.

One difference a lecturer meets: ``optimizer='adadelta'`` starts at Keras 3's
learning rate 0.001, where Keras 1 (and books written for it) used 1.0; pass
``Adadelta(learning_rate=1.0)`` to train as those listings do.
"""
from ...train.optimizers import (SGD, Adadelta, Adagrad, Adam, Adamax, AdamW, Nadam, Optimizer,
                                 RMSprop, deserialize, get, serialize)
from . import schedules

__all__ = ["Optimizer", "SGD", "RMSprop", "Adagrad", "Adadelta", "Adam", "AdamW", "Adamax",
           "Nadam", "get", "serialize", "deserialize", "schedules"]
