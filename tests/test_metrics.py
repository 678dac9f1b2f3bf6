"""Metrics: hand-worked cases, agreement with scikit-learn, and error messages."""
import doctest
import itertools

import numpy as np
import pytest

sklearn_metrics = pytest.importorskip("sklearn.metrics")

import graphnet  # noqa: E402
from graphnet.train import metrics as M  # noqa: E402

SEEDS = [0, 1, 2, 3, 4]


def test_package_exposes_metrics():
    assert graphnet.train.metrics is M


def test_docstring_examples():
    result = doctest.testmod(M, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 15 and result.failed == 0


# --------------------------------------------------------------------------
# Worked by hand
# --------------------------------------------------------------------------

# 8 samples, two classes: TN = 2, FP = 2, FN = 1, TP = 3.
HAND_TRUE = [1, 0, 1, 1, 0, 0, 1, 0]
HAND_PRED = [1, 0, 0, 1, 1, 0, 1, 1]


def test_binary_accuracy_threshold_by_hand():
    y_true = [0, 1, 1, 0]
    probs = [0.2, 0.7, 0.4, 0.5]
    # default 0.5, strictly greater: 0.5 -> class 0, so predictions 0,1,0,0
    assert M.binary_accuracy(y_true, probs) == 0.75
    assert M.binary_accuracy(y_true, probs, threshold=0.3) == 0.75   # 0,1,1,1
    assert M.binary_accuracy(y_true, probs, threshold=0.45) == 0.5   # 0,1,0,1
    assert M.binary_accuracy(y_true, probs, threshold=0.8) == 0.5    # 0,0,0,0
    # a model's (n, 1) column against (n,) targets, in either order, and booleans
    assert M.binary_accuracy(y_true, np.array(probs)[:, None]) == 0.75
    assert M.binary_accuracy(np.array(y_true)[:, None], probs) == 0.75
    assert M.binary_accuracy(np.array(y_true, bool), probs) == 0.75


def test_categorical_and_sparse_accuracy_by_hand():
    probs = [[0.1, 0.8, 0.1], [0.3, 0.6, 0.1], [0.2, 0.2, 0.6], [0.5, 0.25, 0.25]]
    labels = [1, 0, 2, 0]                      # rows 0, 2, 3 right
    onehot = np.eye(3)[labels]
    assert M.categorical_accuracy(onehot, probs) == 0.75
    assert M.sparse_categorical_accuracy(labels, probs) == 0.75
    assert M.sparse_categorical_accuracy(np.array(labels)[:, None], probs) == 0.75
    assert M.sparse_categorical_accuracy(np.array(labels, float), probs) == 0.75
    assert M.accuracy(labels, np.argmax(probs, axis=1)) == 0.75
    assert M.accuracy(["a", "b", "b"], ["a", "b", "a"]) == pytest.approx(2 / 3)


def test_confusion_matrix_2x2_by_hand():
    cm = M.confusion_matrix(HAND_TRUE, HAND_PRED)
    (tn, fp), (fn, tp) = cm
    assert (tn, fp, fn, tp) == (2, 2, 1, 3)
    assert cm.dtype.kind == "i"
    # labels choose and order the rows and columns
    np.testing.assert_array_equal(M.confusion_matrix(HAND_TRUE, HAND_PRED, labels=[1, 0]),
                                  [[3, 1], [2, 2]])
    np.testing.assert_array_equal(M.confusion_matrix(HAND_TRUE, HAND_PRED, labels=[1]), [[3]])


def test_precision_recall_f1_by_hand():
    r = M.precision_recall_f1(HAND_TRUE, HAND_PRED)
    np.testing.assert_array_equal(r["labels"], [0, 1])
    # class 1: TP 3, FP 2, FN 1;  class 0: TP 2, FP 1, FN 2
    np.testing.assert_allclose(r["precision"], [2 / 3, 3 / 5])
    np.testing.assert_allclose(r["recall"], [2 / 4, 3 / 4])
    p1, r1 = 3 / 5, 3 / 4
    p0, r0 = 2 / 3, 2 / 4
    np.testing.assert_allclose(r["f1"], [2 * p0 * r0 / (p0 + r0), 2 * p1 * r1 / (p1 + r1)])
    np.testing.assert_array_equal(r["support"], [4, 4])
    assert r["accuracy"] == 5 / 8
    assert r["micro"]["f1"] == pytest.approx(5 / 8)
    assert r["macro"]["precision"] == pytest.approx((p0 + p1) / 2)
    assert r["weighted"]["recall"] == pytest.approx((r0 + r1) / 2)   # equal supports
    assert r["macro"]["support"] == r["weighted"]["support"] == 8


def test_zero_division_by_hand():
    # class 2 is never predicted: its precision is 0/0 -> 0, its recall 0/2 = 0
    r = M.precision_recall_f1([0, 1, 2, 2], [0, 1, 1, 0])
    np.testing.assert_allclose(r["precision"], [0.5, 0.5, 0.0])
    np.testing.assert_allclose(r["recall"], [1.0, 1.0, 0.0])
    np.testing.assert_allclose(r["f1"], [2 / 3, 2 / 3, 0.0])
    r1 = M.precision_recall_f1([0, 1, 2, 2], [0, 1, 1, 0], zero_division=1)
    assert r1["precision"][2] == 1.0 and r1["recall"][2] == 0.0


def test_regression_by_hand():
    y, p = [3, -0.5, 2, 7], [2.5, 0.0, 2, 8]
    assert M.mean_squared_error(y, p) == 0.375            # (0.25 + 0.25 + 0 + 1) / 4
    assert M.root_mean_squared_error(y, p) == pytest.approx(np.sqrt(0.375))
    assert M.mean_absolute_error(y, p) == 0.5             # (0.5 + 0.5 + 0 + 1) / 4
    ss_tot = sum((v - 2.875) ** 2 for v in y)
    assert M.r2_score(y, p) == pytest.approx(1 - 1.5 / ss_tot)
    assert M.r2_score(y, y) == 1.0
    assert M.r2_score(y, [2.875] * 4) == pytest.approx(0.0)   # predicting the mean
    assert M.r2_score([1, 1, 1], [1, 1, 1]) == 1.0             # constant y_true
    assert M.r2_score([1, 1, 1], [1, 2, 1]) == 0.0


def test_roc_by_hand_with_ties():
    # two negatives (0.1, 0.5) and two positives (0.5, 0.9): one tie across classes
    fpr, tpr, thr = M.roc_curve([0, 0, 1, 1], [0.1, 0.5, 0.5, 0.9])
    np.testing.assert_array_equal(thr, [np.inf, 0.9, 0.5, 0.1])
    np.testing.assert_array_equal(fpr, [0, 0, 0.5, 1])
    np.testing.assert_array_equal(tpr, [0, 0.5, 1, 1])
    # pairs (pos, neg): (0.5, 0.1) win, (0.5, 0.5) tie, (0.9, 0.1) win, (0.9, 0.5) win
    assert M.roc_auc_score([0, 0, 1, 1], [0.1, 0.5, 0.5, 0.9]) == 3.5 / 4
    assert M.roc_auc_score([0, 1, 0, 1], [0.3, 0.3, 0.3, 0.3]) == 0.5   # all tied
    assert M.roc_auc_score([1, 1, 0], [0.9, 0.8, 0.1]) == 1.0
    assert M.roc_auc_score([1, 1, 0], [0.1, 0.2, 0.9]) == 0.0
    assert M.roc_auc_score([-1, 1], [0.2, 0.7]) == 1.0
    assert M.roc_auc_score(["no", "yes", "no"], [0.2, 0.7, 0.9], pos_label="yes") == 0.5


def test_auc_by_hand():
    assert M.auc([0, 1], [1, 1]) == 1.0
    assert M.auc([0, 1], [0, 1]) == 0.5
    assert M.auc([1, 0.5, 0], [1, 1, 0]) == 0.75        # decreasing x
    assert M.auc([0, 0, 1], [0, 1, 1]) == 1.0          # a vertical step


# --------------------------------------------------------------------------
# Against scikit-learn, on random inputs
# --------------------------------------------------------------------------

def _random_labels(rng, n, k, absent=None):
    y_true = rng.integers(0, k, n)
    y_pred = np.where(rng.random(n) < 0.6, y_true, rng.integers(0, k, n))
    if absent is not None:                    # a class the model never predicts
        y_pred[y_pred == absent] = (absent + 1) % k
    return y_true, y_pred


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("k", [2, 3, 7])
def test_classification_metrics_match_sklearn(seed, k):
    rng = np.random.default_rng(seed)
    y_true, y_pred = _random_labels(rng, 200, k, absent=(k - 1) if seed % 2 else None)
    sk = sklearn_metrics
    assert M.accuracy(y_true, y_pred) == pytest.approx(sk.accuracy_score(y_true, y_pred))
    np.testing.assert_array_equal(M.confusion_matrix(y_true, y_pred),
                                  sk.confusion_matrix(y_true, y_pred))
    r = M.precision_recall_f1(y_true, y_pred)
    p, rec, f, s = sk.precision_recall_fscore_support(y_true, y_pred, zero_division=0)
    np.testing.assert_allclose(r["precision"], p)
    np.testing.assert_allclose(r["recall"], rec)
    np.testing.assert_allclose(r["f1"], f)
    np.testing.assert_array_equal(r["support"], s)
    for avg in ("macro", "weighted", "micro"):
        p, rec, f, _ = sk.precision_recall_fscore_support(y_true, y_pred, average=avg,
                                                          zero_division=0)
        assert (r[avg]["precision"], r[avg]["recall"], r[avg]["f1"]) == \
            pytest.approx((p, rec, f))
    for digits in (2, 4):
        assert M.classification_report(y_true, y_pred, digits=digits) == \
            sk.classification_report(y_true, y_pred, digits=digits, zero_division=0)


def test_zero_division_matches_sklearn_default():
    # scikit-learn's default zero_division='warn' warns and gives 0; we give 0.
    y_true, y_pred = [0, 1, 2, 2, 1, 0], [0, 1, 1, 1, 1, 0]
    with pytest.warns(sklearn_metrics._classification.UndefinedMetricWarning):
        expected = sklearn_metrics.classification_report(y_true, y_pred)
    assert M.classification_report(y_true, y_pred) == expected
    assert M.precision_recall_f1(y_true, y_pred)["precision"][2] == 0.0


@pytest.mark.parametrize("labels", [[0, 1], [2, 0, 1], [0, 1, 2, 5], [5, 1]])
def test_labels_argument_matches_sklearn(labels):
    rng = np.random.default_rng(7)
    y_true, y_pred = _random_labels(rng, 120, 3)
    sk = sklearn_metrics
    np.testing.assert_array_equal(M.confusion_matrix(y_true, y_pred, labels=labels),
                                  sk.confusion_matrix(y_true, y_pred, labels=labels))
    r = M.precision_recall_f1(y_true, y_pred, labels=labels)
    p, rec, f, s = sk.precision_recall_fscore_support(y_true, y_pred, labels=labels,
                                                      zero_division=0)
    np.testing.assert_allclose(np.c_[r["precision"], r["recall"], r["f1"]], np.c_[p, rec, f])
    np.testing.assert_array_equal(r["support"], s)
    # a subset of the classes turns the 'accuracy' line into 'micro avg', as in sklearn
    assert M.classification_report(y_true, y_pred, labels=labels) == \
        sk.classification_report(y_true, y_pred, labels=labels, zero_division=0)


def test_string_labels_and_target_names_match_sklearn():
    rng = np.random.default_rng(3)
    names = np.array(["cat", "dog", "hippopotamus"])
    y_true, y_pred = (names[a] for a in _random_labels(rng, 60, 3))
    sk = sklearn_metrics
    assert M.classification_report(y_true, y_pred) == sk.classification_report(y_true, y_pred)
    np.testing.assert_array_equal(M.confusion_matrix(y_true, y_pred),
                                  sk.confusion_matrix(y_true, y_pred))
    a, b = _random_labels(rng, 60, 3)
    tn = ["setosa", "versicolor", "a very long class name"]
    assert M.classification_report(a, b, target_names=tn, digits=3) == \
        sk.classification_report(a, b, target_names=tn, digits=3)


@pytest.mark.parametrize("seed", SEEDS)
def test_accuracies_match_sklearn_and_keras_rules(seed):
    rng = np.random.default_rng(seed)
    n, k = 150, 4
    probs = rng.dirichlet(np.ones(k), n)
    labels = rng.integers(0, k, n)
    expected = sklearn_metrics.accuracy_score(labels, probs.argmax(axis=1))
    assert M.sparse_categorical_accuracy(labels, probs) == pytest.approx(expected)
    assert M.categorical_accuracy(np.eye(k)[labels], probs) == pytest.approx(expected)
    assert M.auto_accuracy(labels, probs) == pytest.approx(expected)
    assert M.auto_accuracy(np.eye(k)[labels], probs) == pytest.approx(expected)
    y01 = rng.integers(0, 2, n)
    p = rng.random(n)
    p[:10] = 0.5                                  # exactly on the threshold: class 0
    expected = sklearn_metrics.accuracy_score(y01, (p > 0.5).astype(int))
    assert M.binary_accuracy(y01, p) == pytest.approx(expected)
    assert M.auto_accuracy(y01, p[:, None]) == pytest.approx(expected)


def test_resolve_accuracy_follows_keras():
    assert M.resolve_accuracy(np.zeros(5), np.zeros((5, 1))) is M.binary_accuracy
    assert M.resolve_accuracy(np.zeros((5, 1)), np.zeros((5, 1))) is M.binary_accuracy
    assert M.resolve_accuracy(np.zeros(5), np.zeros(5)) is M.binary_accuracy
    assert M.resolve_accuracy(np.zeros(5), np.zeros((5, 3))) is M.sparse_categorical_accuracy
    assert M.resolve_accuracy(np.zeros((5, 1)), np.zeros((5, 3))) is \
        M.sparse_categorical_accuracy
    assert M.resolve_accuracy(np.zeros((5, 3)), np.zeros((5, 3))) is M.categorical_accuracy


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("outputs", [None, 3])
def test_regression_metrics_match_sklearn(seed, outputs):
    rng = np.random.default_rng(seed)
    shape = (80,) if outputs is None else (80, outputs)
    y = rng.normal(size=shape) * rng.uniform(0.5, 3)
    p = y + rng.normal(scale=0.7, size=shape)
    sk = sklearn_metrics
    assert M.mean_squared_error(y, p) == pytest.approx(sk.mean_squared_error(y, p))
    assert M.mean_absolute_error(y, p) == pytest.approx(sk.mean_absolute_error(y, p))
    assert M.r2_score(y, p) == pytest.approx(sk.r2_score(y, p))
    # RMSE over all elements (Keras); equal to sklearn's for a single output
    assert M.root_mean_squared_error(y, p) == pytest.approx(np.sqrt(sk.mean_squared_error(y, p)))
    if outputs is None:
        assert M.root_mean_squared_error(y, p) == pytest.approx(
            sk.root_mean_squared_error(y, p))
        # a model's (n, 1) column is accepted against (n,) targets, never broadcast
        assert M.mean_squared_error(y, p[:, None]) == pytest.approx(
            sk.mean_squared_error(y, p))
        assert M.r2_score(y[:, None], p) == pytest.approx(sk.r2_score(y, p))


def _pairwise_auc(y, s):
    """P(score of a positive > score of a negative), ties counting 1/2: the slow definition."""
    pos, neg = s[y == 1], s[y == 0]
    wins = sum((a > b) + 0.5 * (a == b) for a, b in itertools.product(pos, neg))
    return wins / (len(pos) * len(neg))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("decimals", [None, 1, 0])   # 1 and 0: many ties
def test_roc_and_auc_match_sklearn(seed, decimals):
    rng = np.random.default_rng(seed)
    n = 120
    y = rng.integers(0, 2, n)
    y[:2] = [0, 1]
    s = rng.normal(size=n) + 0.8 * y
    if decimals is not None:
        s = np.round(s, decimals)
    fpr, tpr, thr = M.roc_curve(y, s)
    sk_fpr, sk_tpr, sk_thr = sklearn_metrics.roc_curve(y, s, drop_intermediate=False)
    np.testing.assert_allclose(fpr, sk_fpr)
    np.testing.assert_allclose(tpr, sk_tpr)
    np.testing.assert_array_equal(thr, sk_thr)
    assert thr[0] == np.inf
    assert M.auc(fpr, tpr) == pytest.approx(sklearn_metrics.auc(sk_fpr, sk_tpr))
    score = M.roc_auc_score(y, s)
    assert score == pytest.approx(sklearn_metrics.roc_auc_score(y, s))
    assert score == pytest.approx(_pairwise_auc(y, s))
    # same curve for labels -1/1, booleans, and a named positive label
    assert M.roc_auc_score(2 * y - 1, s) == pytest.approx(score)
    assert M.roc_auc_score(y.astype(bool), s) == pytest.approx(score)
    assert M.roc_auc_score(np.where(y == 1, "spam", "ham"), s, pos_label="spam") == \
        pytest.approx(score)
    assert M.roc_auc_score(y, s[:, None]) == pytest.approx(score)


@pytest.mark.parametrize("seed", SEEDS)
def test_auc_matches_sklearn_on_monotonic_curves(seed):
    rng = np.random.default_rng(seed)
    x = np.sort(rng.random(30))
    x[5] = x[6]                                  # a repeated x is allowed
    y = rng.random(30)
    assert M.auc(x, y) == pytest.approx(sklearn_metrics.auc(x, y))
    assert M.auc(x[::-1], y[::-1]) == pytest.approx(sklearn_metrics.auc(x[::-1], y[::-1]))


# --------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------

def test_get_maps_keras_names():
    assert M.get("accuracy") is M.auto_accuracy
    assert M.get("acc") is M.auto_accuracy
    assert M.get("binary_accuracy") is M.binary_accuracy
    assert M.get("categorical_accuracy") is M.categorical_accuracy
    assert M.get("sparse_categorical_accuracy") is M.sparse_categorical_accuracy
    assert M.get("mse") is M.get("mean_squared_error") is M.get("MSE") is M.mean_squared_error
    assert M.get("mae") is M.mean_absolute_error
    assert M.get("rmse") is M.root_mean_squared_error
    assert M.get("r2") is M.r2_score
    assert M.get(M.r2_score) is M.r2_score        # a function passes through
    assert "accuracy" in M.names()
    with pytest.raises(ValueError, match=r"unknown metric 'acuracy' \(did you mean 'accuracy'\?\)"):
        M.get("acuracy")
    with pytest.raises(ValueError, match="metrics.get: expects a metric name"):
        M.get(3)


# --------------------------------------------------------------------------
# Error messages
# --------------------------------------------------------------------------

@pytest.mark.parametrize("call, message", [
    (lambda: M.confusion_matrix(np.zeros(10), np.zeros(9)),
     "confusion_matrix: y_true has 10 labels, y_pred has 9"),
    (lambda: M.accuracy([0, 1, 1], [0, 1]), "accuracy: y_true has 3 labels, y_pred has 2"),
    (lambda: M.precision_recall_f1([0, 1], [0]),
     "precision_recall_f1: y_true has 2 labels, y_pred has 1"),
    (lambda: M.classification_report([0, 1], [0, 1, 1]),
     "classification_report: y_true has 2 labels, y_pred has 3"),
    (lambda: M.mean_squared_error(np.zeros(4), np.zeros(5)),
     r"mean_squared_error: y_true has shape \(4,\), y_pred has shape \(5,\)"),
    (lambda: M.mean_absolute_error(np.zeros((4, 2)), np.zeros((4, 3))),
     r"mean_absolute_error: y_true has shape \(4, 2\), y_pred has shape \(4, 3\)"),
    (lambda: M.root_mean_squared_error(np.zeros(4), np.zeros((4, 2))),
     r"root_mean_squared_error: y_true has shape \(4,\), y_pred has shape \(4, 2\)"),
    (lambda: M.r2_score([1.0], [1.0]), "r2_score: needs at least 2 samples, got 1"),
    (lambda: M.binary_accuracy([0, 1], [0.2, 0.4, 0.9]),
     r"binary_accuracy: y_true has shape \(2,\), y_pred has shape \(3,\)"),
    (lambda: M.binary_accuracy([0, 2], [0.2, 0.4]),
     "binary_accuracy: y_true must hold only 0 and 1"),
    (lambda: M.binary_accuracy([0, 1], [0.2, 0.4], threshold=None),
     "binary_accuracy: threshold must be a finite number"),
    (lambda: M.categorical_accuracy(np.eye(3), np.ones((3, 4))),
     r"categorical_accuracy: y_true has shape \(3, 3\), y_pred has shape \(3, 4\)"),
    (lambda: M.categorical_accuracy([0, 1, 2], np.ones((3, 3))),
     "use sparse_categorical_accuracy"),
    (lambda: M.sparse_categorical_accuracy([0, 1], np.ones((3, 3))),
     "sparse_categorical_accuracy: y_true has 2 labels, y_pred has 3 rows"),
    (lambda: M.sparse_categorical_accuracy([0, 3], np.ones((2, 3))),
     r"sparse_categorical_accuracy: y_true holds label 3, but y_pred has 3 columns"),
    (lambda: M.sparse_categorical_accuracy([0, 1], np.ones(2)),
     r"sparse_categorical_accuracy: y_pred must have shape \(samples, classes\), got \(2,\)"),
    (lambda: M.confusion_matrix([0, 1], [0.3, 0.8]),
     "confusion_matrix: y_pred holds non-integer values such as 0.3; pass class labels"),
    (lambda: M.confusion_matrix(np.eye(3), [0, 1, 2]),
     r"confusion_matrix: y_true must be a 1-D array of class labels, got shape \(3, 3\)"),
    (lambda: M.confusion_matrix(["a", "b"], [0, 1]),
     "confusion_matrix: y_true holds strings but y_pred holds numbers"),
    (lambda: M.confusion_matrix([0, 1], [0, 1], labels=[0, 0]),
     "confusion_matrix: labels contains duplicates"),
    (lambda: M.confusion_matrix([], []), r"confusion_matrix: y_true is empty \(shape \(0,\)\)"),
    (lambda: M.precision_recall_f1([0, 1], [0, 1], zero_division="warn"),
     "precision_recall_f1: zero_division must be 0 or 1"),
    (lambda: M.classification_report([0, 1], [0, 1], target_names=["a"]),
     r"classification_report: there are 2 classes \[0, 1\] but 1 target_names"),
    (lambda: M.roc_curve([0, 1, 1], [0.1, 0.2]), "roc_curve: y_true has 3 labels, scores has 2"),
    (lambda: M.roc_curve([1, 1], [0.1, 0.2]), "roc_curve: y_true holds only one class"),
    (lambda: M.roc_curve([0, 1, 2], [0.1, 0.2, 0.3]), "roc_curve: needs two classes"),
    (lambda: M.roc_curve([1, 2], [0.1, 0.2]), r"roc_curve: y_true labels \[1, 2\] .*pos_label"),
    (lambda: M.roc_curve([0, 1], [[0.3, 0.7], [0.6, 0.4]]),
     r"roc_curve: scores must be 1-D.*probs\[:, 1\]"),
    (lambda: M.roc_auc_score([0, 1], [0.1, np.nan]), "roc_auc_score: scores contains NaN"),
    (lambda: M.roc_auc_score([1, 1, 1], [0.1, 0.2, 0.3]),
     "roc_auc_score: y_true holds only one class"),
    (lambda: M.auc([0, 1, 0.5], [1, 2, 3]), "auc: x is neither increasing nor decreasing"),
    (lambda: M.auc([0, 1], [1, 2, 3]), "auc: x has 2 points, y has 3"),
    (lambda: M.auc([0], [1]), "auc: needs at least 2 points, got 1"),
    (lambda: M.mean_squared_error(["a"], ["b"]), "mean_squared_error: y_true must hold numbers"),
    (lambda: M.accuracy([[0, 1], [1]], [0, 1]), "accuracy: y_true is not a rectangular array"),
])
def test_error_messages(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_sparse_accuracy_for_a_sequence_of_predictions():
    from graphnet.train.metrics import sparse_categorical_accuracy
    probs = np.zeros((2, 3, 4))
    probs[0, :, 1] = probs[1, :, 2] = 1.0  # predicts 1, 1, 1 and 2, 2, 2
    labels = np.array([[1, 1, 0], [2, 2, 2]])
    assert sparse_categorical_accuracy(labels, probs) == pytest.approx(5 / 6)
    assert sparse_categorical_accuracy(labels[..., None], probs) == pytest.approx(5 / 6)
    with pytest.raises(ValueError, match="needs labels of shape"):
        sparse_categorical_accuracy(labels[:, :2], probs)
