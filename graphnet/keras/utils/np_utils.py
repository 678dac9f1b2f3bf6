"""Keras 2's ``keras.utils.np_utils``: where ``to_categorical`` used to live."""
from ...data.preprocessing import to_categorical

__all__ = ["to_categorical"]
