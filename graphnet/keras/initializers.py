"""keras.initializers: how weights start, by class and by Keras' lowercase names."""
from ..nn.initializers import (Constant, GlorotNormal, GlorotUniform, HeNormal, HeUniform,
                               Initializer, Ones, Orthogonal, RandomNormal, RandomUniform, Zeros,
                               deserialize, get, serialize)

# Keras also spells each class in lowercase (``keras.initializers.glorot_uniform()``).
zeros, ones, constant = Zeros, Ones, Constant
random_normal, random_uniform = RandomNormal, RandomUniform
glorot_uniform, glorot_normal, he_normal, he_uniform = GlorotUniform, GlorotNormal, HeNormal, HeUniform
orthogonal = Orthogonal

__all__ = ["Initializer", "Zeros", "Ones", "Constant", "RandomNormal", "RandomUniform",
           "GlorotUniform", "GlorotNormal", "HeNormal", "HeUniform", "Orthogonal", "zeros", "ones",
           "constant", "random_normal", "random_uniform", "glorot_uniform", "glorot_normal",
           "he_normal", "he_uniform", "orthogonal", "get", "serialize", "deserialize"]
