"""keras.preprocessing: ``sequence`` (padding token lists, windows over a series)."""
from . import sequence

__all__ = ["sequence"]
