"""graphnet under Keras' names: a course's Keras code runs by changing its imports.

    import graphnet.keras as keras                 # was: import keras / from tensorflow import keras
    from graphnet.keras.layers import Dense        # was: from keras.layers import Dense

Every name here is graphnet's own object (``graphnet.keras.layers.Dense is
graphnet.nn.Dense``), laid out as Keras lays out its modules: models, layers,
optimizers (and optimizers.schedules), losses, metrics, callbacks, activations,
initializers, regularizers, utils, preprocessing.sequence, datasets (offline
stand-ins), backend, and wrappers.scikit_learn (imported when asked for: it needs
scikit-learn). Nothing is a copy: one implementation, two ways to reach it.
"""
from . import (activations, backend, callbacks, initializers, layers, losses, metrics,
               models, optimizers, preprocessing, regularizers, utils)
try:  # INTEGRATION-TEMP
    from . import datasets
except ImportError:
    pass
from .layers import Input, InputLayer, Layer
from .models import Model, Sequential, load_model, model_from_json

__all__ = ["activations", "backend", "callbacks", "datasets", "initializers", "layers", "losses",
           "metrics", "models", "optimizers", "preprocessing", "regularizers", "utils",
           "Input", "InputLayer", "Layer", "Model", "Sequential", "load_model", "model_from_json"]
