"""keras.regularizers: weight penalties added to the loss (graphnet has L2)."""
from ..nn.layers import L2, l2

__all__ = ["L2", "l2"]
