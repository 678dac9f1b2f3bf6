"""keras.metrics: the streamed metric classes (AUC, Precision, Recall) and the
metric functions, under Keras' names. Strings such as 'accuracy' or 'auc' in
``compile(metrics=[...])`` reach the same objects."""
from ..train.metrics import (AUC, Metric, Precision, Recall, binary_accuracy, categorical_accuracy,
                             get, mean_absolute_error, mean_squared_error,
                             root_mean_squared_error, sparse_categorical_accuracy)

mse, mae = mean_squared_error, mean_absolute_error

__all__ = ["Metric", "AUC", "Precision", "Recall", "binary_accuracy", "categorical_accuracy",
           "sparse_categorical_accuracy", "mean_squared_error", "mean_absolute_error",
           "root_mean_squared_error", "mse", "mae", "get"]
