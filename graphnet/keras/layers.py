"""keras.layers: every layer graphnet has, under Keras' names (and Keras 1/2 aliases)."""
try:  # INTEGRATION-TEMP
    from ..nn.activation_layers import ELU, LeakyReLU, ReLU, Softmax
except ImportError:
    pass
from ..nn.conv import (AveragePooling2D, Conv2D, Convolution2D, GlobalAveragePooling2D,
                       MaxPooling2D)
from ..nn.layers import (Activation, Add, Concatenate, Dense, Dropout, Flatten, Input, InputLayer,
                         Layer, Reshape)
from ..nn.recurrent import GRU, LSTM, Embedding, SimpleRNN, TimeDistributed

# Keras' short spellings of the same classes.
MaxPool2D, AvgPool2D, GlobalAvgPool2D = MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D


def add(inputs, **kwargs):
    """Keras' functional form: ``add([a, b])`` is ``Add()([a, b])``."""
    return Add(**kwargs)(inputs)


def concatenate(inputs, axis=-1, **kwargs):
    """Keras' functional form: ``concatenate([a, b])`` is ``Concatenate()([a, b])``."""
    return Concatenate(axis=axis, **kwargs)(inputs)


__all__ = ["Activation", "Add", "AveragePooling2D", "AvgPool2D", "Concatenate", "Conv2D",
           "Convolution2D", "Dense", "Dropout", "ELU", "Embedding", "Flatten", "GRU",
           "GlobalAveragePooling2D", "GlobalAvgPool2D", "Input", "InputLayer", "LSTM", "Layer",
           "LeakyReLU", "MaxPool2D", "MaxPooling2D", "ReLU", "Reshape", "SimpleRNN", "Softmax",
           "TimeDistributed", "add", "concatenate"]
