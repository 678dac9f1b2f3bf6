"""Training: models, the fit loop, callbacks, optimizers, schedules, metrics, saving."""
from . import callbacks, metrics, optimizers, schedules
from .model import Model, Sequential
from .saving import ModelFileError, load_model, model_from_json
