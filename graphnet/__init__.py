"""graphnet: deep learning from scratch, one explicit graph node at a time."""
from .kernels.memory import keep_freed_memory

keep_freed_memory()  # before the first large array: see kernels/memory.py

from . import data, models, nn, random, viz
from .check import gradcheck
from .config import floatx, set_floatx
from .device import devices, to_device, to_host
from .core import (DataError, Graph, GraphnetError, Node, NonFiniteError, OperandError, Recorder,
                   ShapeError, StepEvent, observe, trap_nonfinite)
from .nn import activations, initializers, layers, losses
from .nn import (gelu, hardmax, leaky_relu, log_softmax, maxout, relu, sigmoid, softmax,
                 step, tanh)
from .ops import (Tensor, absolute, concatenate, constant, exp, log, matmul, max, maximum,
                  mean, minimum, parameter, reshape, sqrt, stack, sum, tensor, transpose)
from .random import set_seed
from .train import (Model, ModelFileError, Sequential, callbacks, load_model, metrics,
                    model_from_json, optimizers, schedules)
from .viz import draw
from . import keras  # Keras' names for all of the above (graphnet.keras.layers, ...)

layers = keras.layers  # every layer, as Keras lists them (graphnet.nn.layers holds the core ones)

abs = absolute  # noqa: A001 - NumPy's name, on purpose

__version__ = "0.1.0"
