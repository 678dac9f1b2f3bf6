"""Activations, losses, initialisers, regularisers and layers."""
from .activations import ReLU, Tanh, relu, tanh
