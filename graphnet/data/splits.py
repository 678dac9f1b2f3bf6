"""Hold-out and k-fold validation splits (scikit-learn's names and behaviour).

* train_test_split .... one hold-out split of any number of arrays
* KFold ............... k folds; every sample is validated exactly once
* StratifiedKFold ..... k folds that keep each class's share in every fold

The splitters yield index arrays, so they work with anything indexable and
can be passed as ``cv=`` to scikit-learn's ``cross_val_score``.
"""
import math
import numbers
import warnings

import numpy as np

from . import _checks

__all__ = ["train_test_split", "KFold", "StratifiedKFold"]


def _test_count(fn, test_size, n):
    """How many of n samples go to the test set (a fraction is rounded up)."""
    if isinstance(test_size, bool) or not isinstance(test_size, numbers.Real):
        raise TypeError(f"{fn}: test_size must be a fraction or a count, got {test_size!r}")
    if isinstance(test_size, numbers.Integral):
        n_test = int(test_size)
    elif 0.0 < test_size < 1.0:
        n_test = math.ceil(test_size * n)
    else:
        raise ValueError(f"{fn}: a fractional test_size must lie strictly between 0 and 1, "
                         f"got {test_size}")
    if not 1 <= n_test <= n - 1:
        raise ValueError(f"{fn}: test_size={test_size} puts {n_test} of {n} samples in the "
                         "test set; both sets need at least one sample")
    return n_test


def _stratified_indices(fn, labels, n_test, gen):
    """Test and train indices, each class split in proportion to its size."""
    classes, codes, counts = np.unique(labels, return_inverse=True, return_counts=True)
    if counts.min() < 2:
        raise ValueError(f"{fn}: class {classes[counts.argmin()]!r} has only 1 member; "
                         "stratify needs at least 2 of each class")
    # Largest-remainder rounding: each class gets its share of n_test rounded
    # down, and the places left over go to the classes rounded down the most.
    share = counts * n_test / len(labels)
    take = np.floor(share).astype(int)
    leftover = n_test - take.sum()
    take[np.argsort(take - share, kind="stable")[:leftover]] += 1
    test, train = [], []
    for k, n_k in enumerate(take):
        members = gen.permutation(np.flatnonzero(codes == k))
        test.append(members[:n_k])
        train.append(members[n_k:])
    return gen.permutation(np.concatenate(test)), gen.permutation(np.concatenate(train))


def train_test_split(*arrays, test_size=0.25, shuffle=True, seed=0, stratify=None):
    """Split arrays into train and test parts (scikit-learn's order of results).

    ``X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2)``

    `test_size` is a fraction (rounded up) or a number of samples. With
    ``shuffle=False`` the last samples form the test set. ``stratify=y``
    keeps each class's share the same in both parts (needs ``shuffle=True``).
    """
    fn = "train_test_split"
    if not arrays:
        raise ValueError(f"{fn}: pass at least one array to split")
    names = [f"array {i}" for i in range(len(arrays))]
    arrays = [_checks.array(fn, name, a) for name, a in zip(names, arrays)]
    n = _checks.same_length(fn, arrays, names)
    if n < 2:
        raise ValueError(f"{fn}: need at least 2 samples to split, got {n}")
    n_test = _test_count(fn, test_size, n)
    if stratify is not None:
        if not shuffle:
            raise ValueError(f"{fn}: stratify needs shuffle=True (a stratified split "
                             "picks samples from every class)")
        labels = _checks.labels_1d(fn, "stratify", stratify)
        if len(labels) != n:
            raise ValueError(f"{fn}: stratify has {len(labels)} labels for {n} samples")
        test, train = _stratified_indices(fn, labels, n_test, _checks.rng(seed))
    elif shuffle:
        order = _checks.rng(seed).permutation(n)
        test, train = order[:n_test], order[n_test:]
    else:
        train, test = np.arange(n - n_test), np.arange(n - n_test, n)
    return [part for a in arrays for part in (a[train], a[test])]


class KFold:
    """K-fold cross-validation: k rounds, each holding out one fold.

    ``split(X)`` yields ``(train_idx, val_idx)`` k times; every sample is in
    exactly one validation fold. Fold sizes differ by at most one (the first
    ``n % k`` folds get the extra sample). Without shuffling the folds are
    consecutive blocks; ``shuffle=True`` with a `seed` makes them random but
    repeatable.
    """

    def __init__(self, n_splits=5, shuffle=False, seed=None):
        name = type(self).__name__
        self.n_splits = _checks.integer(name, "n_splits", n_splits, minimum=2)
        if not isinstance(shuffle, bool):
            raise TypeError(f"{name}: shuffle must be True or False, got {shuffle!r}")
        self.shuffle = shuffle
        self.seed = seed

    def get_n_splits(self, X=None, y=None, groups=None):
        """The number of rounds, k (scikit-learn asks for it)."""
        return self.n_splits

    def split(self, X, y=None, groups=None):
        """Yield (train_idx, val_idx) pairs of sorted int64 index arrays."""
        n = self._n_samples(X)
        sizes = np.full(self.n_splits, n // self.n_splits)
        sizes[: n % self.n_splits] += 1
        fold = np.empty(n, dtype=np.int64)
        fold[self._order(n)] = np.repeat(np.arange(self.n_splits), sizes)
        yield from self._rounds(fold)

    def _n_samples(self, X):
        fn = f"{type(self).__name__}.split"
        X = _checks.array(fn, "X", X)
        n = len(X) if X.ndim else 0
        if self.n_splits > n:
            raise ValueError(f"{fn}: cannot make {self.n_splits} folds from {n} samples "
                             f"(X has shape {X.shape})")
        return n

    def _order(self, n):
        return _checks.rng(self.seed).permutation(n) if self.shuffle else np.arange(n)

    def _rounds(self, fold):
        for k in range(self.n_splits):
            yield np.flatnonzero(fold != k), np.flatnonzero(fold == k)

    def __repr__(self):
        return (f"{type(self).__name__}(n_splits={self.n_splits}, shuffle={self.shuffle}, "
                f"seed={self.seed})")


class StratifiedKFold(KFold):
    """K-fold that keeps each class's share in every fold.

    ``split(X, y)``: the samples, sorted by class, are dealt round-robin into
    the folds like cards, so every fold gets ``count / k`` of each class (give
    or take one) and fold sizes still differ by at most one.
    """

    def split(self, X, y, groups=None):
        """Yield (train_idx, val_idx) pairs of sorted int64 index arrays."""
        fn = "StratifiedKFold.split"
        n = self._n_samples(X)
        labels = _checks.labels_1d(fn, "y", y)
        if len(labels) != n:
            raise ValueError(f"{fn}: y has {len(labels)} labels for {n} samples")
        _, codes, counts = np.unique(labels, return_inverse=True, return_counts=True)
        if counts.min() < self.n_splits:
            warnings.warn(f"{fn}: the smallest class has only {counts.min()} members, fewer "
                          f"than n_splits={self.n_splits}; some folds will lack it",
                          stacklevel=2)
        order = self._order(n)
        order = order[np.argsort(codes[order], kind="stable")]   # grouped by class
        fold = np.empty(n, dtype=np.int64)
        fold[order] = np.arange(n) % self.n_splits               # dealt like cards
        yield from self._rounds(fold)
