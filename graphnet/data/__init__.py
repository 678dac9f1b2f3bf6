"""Data for the course's models: real sets, generated sets, pre-processing.

* datasets ........ real data that ships inside packages (no network):
                    load_digits, load_mnist_sample, load_iris,
                    load_breast_cancer, load_wine, load_diabetes,
                    load_sunspots, load_co2 (need the ``datasets`` extra)
* generated ....... seeded toy sets: make_moons, make_spirals, make_blobs,
                    make_linearly_separable, make_xor, make_regression,
                    make_sine_series
* preprocessing ... StandardScaler, MinMaxScaler, to_categorical / one_hot,
                    LabelEncoder
* splits .......... train_test_split, KFold, StratifiedKFold
* sequences ....... window_series, pad_sequences
* augmentation .... shift_images, augment_with_shifts

Everything is NumPy in, NumPy out: features float32, labels int64.
"""
from .augmentation import augment_with_shifts, shift_images
from .datasets import (load_breast_cancer, load_co2, load_diabetes, load_digits, load_iris,
                       load_mnist_sample, load_sunspots, load_wine)
from .generated import (make_blobs, make_linearly_separable, make_moons, make_regression,
                        make_sine_series, make_spirals, make_xor)
from .preprocessing import (LabelEncoder, MinMaxScaler, NotFittedError, StandardScaler,
                            one_hot, to_categorical)
from .sequences import pad_sequences, window_series
from .splits import KFold, StratifiedKFold, train_test_split

__all__ = [
    "load_digits", "load_mnist_sample", "load_iris", "load_breast_cancer", "load_wine",
    "load_diabetes", "load_sunspots", "load_co2",
    "make_moons", "make_spirals", "make_blobs", "make_linearly_separable", "make_xor",
    "make_regression", "make_sine_series",
    "StandardScaler", "MinMaxScaler", "NotFittedError", "to_categorical", "one_hot",
    "LabelEncoder",
    "train_test_split", "KFold", "StratifiedKFold",
    "window_series", "pad_sequences",
    "shift_images", "augment_with_shifts",
]
