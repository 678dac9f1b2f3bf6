"""Callbacks: code that ``fit`` calls at the start and end of training, epochs and batches.

Write your own by subclassing ``Callback`` and overriding the hooks you need,
or pass plain functions to ``LambdaCallback``. ``self.model`` is the model
being trained; setting ``self.model.stop_training = True`` ends training after
the current epoch.
"""
import math
import pathlib
import sys

import numpy as np

from .progress import Progbar, format_logs


class Callback:
    model = None
    params = None

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_train_batch_begin(self, batch, logs=None):
        pass

    def on_train_batch_end(self, batch, logs=None):
        pass


class CallbackList:
    """Several callbacks as one: ``callbacks.call('on_epoch_end', epoch, logs)``."""

    HOOKS = ("set_model", "set_params", "on_train_begin", "on_train_end", "on_epoch_begin",
             "on_epoch_end", "on_train_batch_begin", "on_train_batch_end")

    def __init__(self, callbacks):
        self.callbacks = list(callbacks)
        # Checked here, before training: a missing hook would otherwise fail mid-fit.
        for i, callback in enumerate(self.callbacks):
            missing = [h for h in self.HOOKS if not callable(getattr(callback, h, None))]
            if missing:
                what = "a function" if callable(callback) else f"an instance of {type(callback).__name__}"
                raise TypeError(f"fit: callbacks[{i}] is {what}, not a Callback (it has no "
                                f"{', '.join(missing)}): subclass graphnet.train.callbacks.Callback and "
                                "override the hooks you need, or wrap functions in "
                                "LambdaCallback(on_epoch_end=lambda epoch, logs: ...)")

    def call(self, hook, *args):
        for callback in self.callbacks:
            getattr(callback, hook)(*args)


class History(Callback):
    """Records the epoch logs: ``history.history['loss']`` is a list, one value per epoch."""

    def on_train_begin(self, logs=None):
        self.epoch, self.history = [], {}

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)

    def __repr__(self):
        return f"History(epochs={len(self.epoch)}, keys={list(self.history)})"


class ProgbarLogger(Callback):
    """What ``verbose`` prints: 1, a live bar per epoch; 2, one line per epoch; 0, nothing."""

    def __init__(self, verbose=1, stream=None):
        self.verbose, self.stream = verbose, stream or sys.stdout

    def on_epoch_begin(self, epoch, logs=None):
        if self.verbose:
            self.stream.write(f"Epoch {epoch + 1}/{self.params['epochs']}\n")
        self.bar = Progbar(self.params["steps"], stream=self.stream)  # its clock times verbose=2 too

    def on_train_batch_end(self, batch, logs=None):
        if self.verbose == 1 and batch + 1 < self.params["steps"]:
            self.bar.update(batch + 1, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.verbose == 1:
            self.bar.update(self.params["steps"], logs)
        elif self.verbose == 2:
            steps = self.params["steps"]
            self.stream.write(f"{steps}/{steps} - {self.bar.timing(steps)} - {format_logs(logs or {})}\n")
            self.stream.flush()


def _better(mode, monitor):
    if mode == "auto":
        mode = "max" if any(k in monitor for k in ("acc", "auc", "r2", "precision", "recall")) else "min"
    return (lambda a, b: a > b) if mode == "max" else (lambda a, b: a < b), mode


class EarlyStopping(Callback):
    """Stops training when ``monitor`` has not improved by ``min_delta`` for
    ``patience`` epochs; optionally puts back the weights of the best epoch."""

    def __init__(self, monitor="val_loss", min_delta=0.0, patience=0, mode="auto",
                 restore_best_weights=False, verbose=0):
        self.monitor, self.min_delta, self.patience = monitor, abs(min_delta), patience
        self.better, self.mode = _better(mode, monitor)
        self.restore_best_weights, self.verbose = restore_best_weights, verbose

    def on_train_begin(self, logs=None):
        self.wait, self.stopped_epoch, self.best_epoch = 0, None, None
        self.best = math.inf if self.mode == "min" else -math.inf
        self.best_weights = None

    def on_epoch_end(self, epoch, logs=None):
        value = (logs or {}).get(self.monitor)
        if value is None:
            raise KeyError(f"EarlyStopping monitors {self.monitor!r}, but the logs hold "
                           f"{sorted(logs or {})}; pass validation data to monitor val_ metrics")
        margin = -self.min_delta if self.mode == "min" else self.min_delta
        if self.better(value, self.best + margin) or self.best_epoch is None:
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        # The best weights come back whether or not training stopped early.
        if self.restore_best_weights and self.best_weights is not None:
            self.model.set_weights(self.best_weights)
        if self.stopped_epoch is not None:
            if self.verbose:
                print(f"Epoch {self.stopped_epoch + 1}: early stopping; best {self.monitor} "
                      f"{self.best:.4f} at epoch {self.best_epoch + 1}")


class LearningRateScheduler(Callback):
    """Sets the learning rate at the start of each epoch: ``schedule(epoch, lr) -> new lr``,
    e.g. the course's ``lambda epoch, lr: lr0 / (1 + decay * epoch)``."""

    def __init__(self, schedule, verbose=0):
        self.schedule, self.verbose = schedule, verbose

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        if callable(optimizer.learning_rate):
            raise ValueError("LearningRateScheduler sets the learning rate itself; the optimizer "
                             "already follows a schedule")
        lr = float(self.schedule(epoch, float(optimizer.learning_rate)))  # the base rate, as Keras
        optimizer.learning_rate = lr
        if self.verbose:
            print(f"Epoch {epoch + 1}: learning rate {lr:.6g}")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.current_learning_rate())


class ModelCheckpoint(Callback):
    """Saves the model after each epoch, or only when ``monitor`` improved.
    ``filepath`` may hold ``{epoch}`` and log keys, e.g. ``'ckpt-{epoch:02d}.gnet'``."""

    def __init__(self, filepath, monitor="val_loss", save_best_only=False, mode="auto",
                 save_weights_only=False, verbose=0):
        self.filepath, self.monitor, self.save_best_only = str(filepath), monitor, save_best_only
        self.better, self.mode = _better(mode, monitor)
        self.save_weights_only, self.verbose = save_weights_only, verbose
        self.best = math.inf if self.mode == "min" else -math.inf

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.save_best_only:
            value = logs.get(self.monitor)
            if value is None or not self.better(value, self.best):
                return
            self.best = value
        path = pathlib.Path(self.filepath.format(epoch=epoch + 1, **logs))
        if self.save_weights_only:
            self.model.save_weights(path)
        else:
            self.model.save(path)
        if self.verbose:
            print(f"Epoch {epoch + 1}: saved {path}")


class TerminateOnNaN(Callback):
    """Stops training as soon as the loss is NaN or infinite."""

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not np.isfinite(loss):
            print(f"Batch {batch}: the loss is {loss}; stopping")
            self.model.stop_training = True


class LambdaCallback(Callback):
    """A callback from plain functions: ``LambdaCallback(on_epoch_end=lambda epoch, logs: ...)``."""

    def __init__(self, **hooks):
        for name, fn in hooks.items():
            if not name.startswith("on_") or not hasattr(Callback, name):
                raise ValueError(f"LambdaCallback has no hook {name!r}")
            setattr(self, name, fn)
