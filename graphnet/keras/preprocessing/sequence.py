"""keras.preprocessing.sequence: padding token lists, batches of windows over a series."""
from ...data.sequences import TimeseriesGenerator, pad_sequences

__all__ = ["pad_sequences", "TimeseriesGenerator"]
