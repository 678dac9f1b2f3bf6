"""Activations, losses, initialisers, regularisers and layers."""
from . import activations, initializers, layers, losses
from .activations import (GELU, Hardmax, Identity, LeakyReLU, LogSoftmax, Maxout, ReLU,
                          Sigmoid, Softmax, Step, Tanh, gelu, hardmax, identity, leaky_relu,
                          linear, log_softmax, maxout, relu, sigmoid, softmax, step, tanh)
from .losses import (BinaryCrossentropy, CategoricalCrossentropy, Hinge, L2Penalty, Loss,
                     MeanAbsoluteError, MeanSquaredError, SparseCategoricalCrossentropy,
                     binary_crossentropy, categorical_crossentropy, hinge, l2_penalty, mae,
                     mean_absolute_error, mean_squared_error, mse, perceptron_criterion,
                     sparse_categorical_crossentropy)
from .layers import (L2, Activation, Add, Concatenate, Dense, Dropout, Flatten, Input, InputLayer,
                     Layer, Reshape, input_layer_of, l2, register)
from .conv import AveragePooling2D, Conv2D, Convolution2D, GlobalAveragePooling2D, MaxPooling2D
from .recurrent import GRU, LSTM, Embedding, SimpleRNN, TimeDistributed
