"""keras.losses: the loss classes and their functions."""
from ..nn.losses import (BinaryCrossentropy, CategoricalCrossentropy, Hinge, Loss,
                         MeanAbsoluteError, MeanSquaredError, SparseCategoricalCrossentropy,
                         binary_crossentropy, categorical_crossentropy, deserialize, get, hinge, mae,
                         mean_absolute_error, mean_squared_error, mse, serialize,
                         sparse_categorical_crossentropy)

MSE, MAE = mse, mae  # Keras' capitalised aliases

__all__ = ["Loss", "MeanSquaredError", "MeanAbsoluteError", "BinaryCrossentropy",
           "CategoricalCrossentropy", "SparseCategoricalCrossentropy", "Hinge",
           "mean_squared_error", "mse", "MSE", "mean_absolute_error", "mae", "MAE",
           "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
           "hinge", "get", "serialize", "deserialize"]
