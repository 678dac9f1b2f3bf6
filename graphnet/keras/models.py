"""keras.models: the two ways to build a model, and loading one back."""
from ..train import Model, Sequential, load_model, model_from_json

__all__ = ["Model", "Sequential", "load_model", "model_from_json"]
