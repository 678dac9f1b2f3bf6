"""keras.activations: the activation functions, by the names Keras gives them."""
from ..nn import activations as _activations
from ..nn.activations import *  # noqa: F401,F403 - the module's __all__ is Keras' list

__all__ = list(_activations.__all__)
