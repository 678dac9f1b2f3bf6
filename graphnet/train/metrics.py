"""Metrics: numbers for people, computed with plain NumPy.

A *loss* is what training differentiates (it is a graph node with a backward
pass). A *metric* is what a person reads to judge a model: accuracy, R-squared,
a confusion matrix, an ROC curve. Metrics need no gradients, so everything here
is ordinary NumPy on ordinary arrays, and each function is short enough to read
as the definition of the number it returns.

Names follow Keras and scikit-learn, so results can be checked against either:

* accuracy ............ binary_accuracy, categorical_accuracy,
                        sparse_categorical_accuracy, accuracy, auto_accuracy
* regression .......... mean_squared_error, root_mean_squared_error,
                        mean_absolute_error, r2_score
* classification ...... confusion_matrix, precision_recall_f1,
                        classification_report
* ranking ............. roc_curve, auc, roc_auc_score
* streamed (Keras) .... AUC, Precision, Recall: objects that count over many
                        batches (update_state / result / reset_state)
* by name ............. get('accuracy'), get('mse'), get('auc'), ... (for model.compile)

Every function checks its inputs and raises a ValueError that names the
function and the shapes involved, for example
``confusion_matrix: y_true has 10 labels, y_pred has 9``.
"""
import difflib

import numpy as np

__all__ = [
    "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
    "accuracy", "auto_accuracy", "resolve_accuracy",
    "mean_squared_error", "root_mean_squared_error", "mean_absolute_error", "r2_score",
    "confusion_matrix", "precision_recall_f1", "classification_report",
    "roc_curve", "auc", "roc_auc_score",
    "Metric", "AUC", "Precision", "Recall",
    "get", "names",
]


# ---------------------------------------------------------------------------
# Input checks (shared by the metrics below)
# ---------------------------------------------------------------------------

def _array(fn, name, x):
    """`x` as a non-empty NumPy array, or a ValueError naming `fn` and `name`."""
    try:
        a = np.asarray(x)
    except ValueError as e:  # ragged lists such as [[1, 2], [3]]
        raise ValueError(f"{fn}: {name} is not a rectangular array ({e})") from None
    if a.size == 0:
        raise ValueError(f"{fn}: {name} is empty (shape {a.shape})")
    return a


def _numbers(fn, name, x):
    """`x` as a float64 array of finite numbers (booleans count as 0/1)."""
    a = _array(fn, name, x)
    if a.dtype.kind not in "biuf":
        raise ValueError(f"{fn}: {name} must hold numbers, got dtype {a.dtype}")
    a = a.astype(np.float64)
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{fn}: {name} contains NaN or infinity")
    return a


def _paired_numbers(fn, y_true, y_pred):
    """Two float arrays of the same shape.

    A column (n, 1), as a model with one output produces, is accepted against
    a vector (n,). Any other difference is an error, and never broadcast:
    (n,) - (n, 1) would silently build an (n, n) matrix of differences.
    """
    t = _numbers(fn, "y_true", y_true)
    p = _numbers(fn, "y_pred", y_pred)
    if t.shape != p.shape:
        if t.ndim == 1 and p.shape == t.shape + (1,):
            p = p[:, 0]
        elif p.ndim == 1 and t.shape == p.shape + (1,):
            t = t[:, 0]
        else:
            raise ValueError(f"{fn}: y_true has shape {t.shape}, y_pred has shape {p.shape}; "
                             "they must match")
    return t, p


def _labels(fn, name, x):
    """A 1-D array of class labels (integers, booleans or strings).

    An (n, 1) column is flattened. Floats are accepted only when they are
    whole numbers: 0.73 is a probability, not a class.
    """
    a = _array(fn, name, x)
    if a.ndim == 2 and a.shape[1] == 1:
        a = a[:, 0]
    if a.ndim != 1:
        raise ValueError(f"{fn}: {name} must be a 1-D array of class labels, got shape {a.shape} "
                         "(for one-hot rows or probabilities, take .argmax(axis=1) first)")
    if a.dtype.kind == "f":
        if not np.all(np.isfinite(a)):
            raise ValueError(f"{fn}: {name} contains NaN or infinity")
        fractional = a[a != np.round(a)]
        if fractional.size:
            raise ValueError(f"{fn}: {name} holds non-integer values such as {fractional[0]:g}; "
                             "pass class labels, not probabilities or scores "
                             "(threshold or argmax them first)")
    return a


def _same_length(fn, a, b, a_name="y_true", b_name="y_pred", what="labels"):
    if len(a) != len(b):
        raise ValueError(f"{fn}: {a_name} has {len(a)} {what}, {b_name} has {len(b)}")


def _is_text(a):
    return a.dtype.kind in "US"


def _label_pair(fn, y_true, y_pred):
    """Two 1-D label arrays of the same length and the same kind (text or numbers)."""
    t = _labels(fn, "y_true", y_true)
    p = _labels(fn, "y_pred", y_pred)
    _same_length(fn, t, p)
    if _is_text(t) != _is_text(p):
        kinds = ["strings" if _is_text(a) else "numbers" for a in (t, p)]
        raise ValueError(f"{fn}: y_true holds {kinds[0]} but y_pred holds {kinds[1]}; "
                         "both must use the same kind of label")
    return t, p


def _class_list(fn, labels, y_true, y_pred):
    """The classes to report on: the given `labels`, or every label seen, sorted."""
    if labels is None:
        return np.unique(np.concatenate([y_true, y_pred]))
    labels = _array(fn, "labels", labels)
    if labels.ndim != 1:
        raise ValueError(f"{fn}: labels must be 1-D, got shape {labels.shape}")
    if len(np.unique(labels)) != len(labels):
        raise ValueError(f"{fn}: labels contains duplicates: {labels.tolist()}")
    return labels


def _divide(numerator, denominator, zero_division):
    """numerator / denominator, element by element, with `zero_division` where 0/0."""
    numerator = np.asarray(numerator, dtype=np.float64)
    denominator = np.asarray(denominator, dtype=np.float64)
    out = np.full(numerator.shape, float(zero_division))
    np.divide(numerator, denominator, out=out, where=denominator != 0)
    return out


# ---------------------------------------------------------------------------
# Accuracy
# ---------------------------------------------------------------------------

def binary_accuracy(y_true, y_pred, threshold=0.5):
    """Fraction of 0/1 targets matched by thresholded probabilities.

    A probability counts as a prediction of class 1 when it is *greater than*
    `threshold` (strictly, as in Keras), so with the default 0.5 a
    probability of exactly 0.5 predicts class 0.

    >>> binary_accuracy([0, 1, 1, 0], [0.2, 0.7, 0.4, 0.5])
    0.75
    """
    fn = "binary_accuracy"
    t, p = _paired_numbers(fn, y_true, y_pred)
    if not np.all((t == 0) | (t == 1)):
        raise ValueError(f"{fn}: y_true must hold only 0 and 1, got values "
                         f"{np.unique(t)[:10].tolist()}")
    if isinstance(threshold, bool) or not np.isscalar(threshold) or not np.isfinite(threshold):
        raise ValueError(f"{fn}: threshold must be a finite number, got {threshold!r}")
    predicted_class = (p > threshold).astype(np.float64)
    return float(np.mean(predicted_class == t))


def categorical_accuracy(y_true, y_pred):
    """Fraction of rows whose most probable class is the one-hot true class.

    Both arrays have shape (samples, classes): `y_true` one-hot rows,
    `y_pred` probabilities (or any scores). A row is correct when
    argmax(y_pred row) == argmax(y_true row).

    >>> categorical_accuracy([[0, 1, 0], [1, 0, 0]], [[0.1, 0.8, 0.1], [0.3, 0.6, 0.1]])
    0.5
    """
    fn = "categorical_accuracy"
    t = _numbers(fn, "y_true", y_true)
    p = _numbers(fn, "y_pred", y_pred)
    if t.ndim == 1 and p.ndim == 2:
        raise ValueError(f"{fn}: y_true has shape {t.shape}, y_pred has shape {p.shape}; "
                         "y_true looks like integer labels: use sparse_categorical_accuracy, "
                         "or one-hot encode y_true")
    if t.shape != p.shape or t.ndim != 2:
        raise ValueError(f"{fn}: y_true has shape {t.shape}, y_pred has shape {p.shape}; "
                         "both must be (samples, classes)")
    return float(np.mean(np.argmax(t, axis=1) == np.argmax(p, axis=1)))


def sparse_categorical_accuracy(y_true, y_pred):
    """Fraction of rows whose most probable class is the integer label.

    `y_true` holds class indices, shape (samples,) or (samples, 1); `y_pred`
    holds probabilities (or any scores), shape (samples, classes).

    >>> sparse_categorical_accuracy([1, 0, 2], [[0.1, 0.8, 0.1], [0.3, 0.6, 0.1], [0.2, 0.2, 0.6]])
    0.6666666666666666
    """
    fn = "sparse_categorical_accuracy"
    if np.ndim(y_pred) > 2:  # a prediction per time step: (samples, steps, classes)
        p, t = _numbers(fn, "y_pred", y_pred), np.asarray(y_true)
        if t.shape == p.shape[:-1] + (1,):
            t = t[..., 0]
        if t.shape != p.shape[:-1]:
            raise ValueError(f"{fn}: y_pred of shape {p.shape} needs labels of shape {p.shape[:-1]}, "
                             f"got {t.shape}")
        return float(np.mean(np.argmax(p, axis=-1) == t))
    t = _labels(fn, "y_true", y_true)
    p = _numbers(fn, "y_pred", y_pred)
    if p.ndim != 2:
        raise ValueError(f"{fn}: y_pred must have shape (samples, classes), got {p.shape}")
    if len(t) != len(p):
        raise ValueError(f"{fn}: y_true has {len(t)} labels, y_pred has {len(p)} rows")
    if t.dtype.kind not in "biuf":
        raise ValueError(f"{fn}: y_true must hold integer class indices, got dtype {t.dtype}")
    n_classes = p.shape[1]
    if t.min() < 0 or t.max() >= n_classes:
        bad = t[(t < 0) | (t >= n_classes)][0]
        raise ValueError(f"{fn}: y_true holds label {bad:g}, but y_pred has {n_classes} "
                         f"columns (classes 0..{n_classes - 1})")
    return float(np.mean(np.argmax(p, axis=1) == t))


def accuracy(y_true, y_pred):
    """Fraction of predicted labels equal to the true labels.

    Both are 1-D arrays of class labels (integers or strings), as in
    scikit-learn's ``accuracy_score``. For probabilities, use
    binary_accuracy, categorical_accuracy or sparse_categorical_accuracy.

    >>> accuracy(["cat", "dog", "dog", "cat"], ["cat", "dog", "cat", "cat"])
    0.75
    """
    t, p = _label_pair("accuracy", y_true, y_pred)
    return float(np.mean(t == p))


def resolve_accuracy(y_true, y_pred):
    """Which accuracy the string 'accuracy' means for these arrays (Keras' rule).

    `y_pred` is what a model outputs (probabilities or scores):

    * one output per sample, shape (n,) or (n, 1)   -> binary_accuracy
    * several, (n, k), with labels (n,) or (n, 1)    -> sparse_categorical_accuracy
    * several, (n, k), with one-hot targets (n, k)   -> categorical_accuracy
    """
    t = np.asarray(y_true)
    p = np.asarray(y_pred)
    if p.ndim <= 1 or p.shape[-1] == 1:
        return binary_accuracy
    if t.ndim < p.ndim or t.shape[-1] == 1:
        return sparse_categorical_accuracy
    return categorical_accuracy


def auto_accuracy(y_true, y_pred):
    """Accuracy of model outputs, choosing binary, sparse or categorical by shape.

    This is what ``get('accuracy')`` returns, so that
    ``model.compile(metrics=['accuracy'])`` does the right thing for a
    sigmoid output, a softmax output with integer labels, or one with
    one-hot labels. See resolve_accuracy for the rule.

    >>> auto_accuracy([1, 0, 1], [[0.9], [0.2], [0.3]])        # binary
    0.6666666666666666
    >>> auto_accuracy([2, 0], [[0.1, 0.2, 0.7], [0.5, 0.4, 0.1]])  # sparse
    1.0
    """
    return resolve_accuracy(y_true, y_pred)(y_true, y_pred)


# ---------------------------------------------------------------------------
# Regression
# ---------------------------------------------------------------------------

def mean_squared_error(y_true, y_pred):
    """Mean of the squared errors (y_true - y_pred)**2 over all elements.

    >>> mean_squared_error([3, -0.5, 2, 7], [2.5, 0.0, 2, 8])
    0.375
    """
    t, p = _paired_numbers("mean_squared_error", y_true, y_pred)
    return float(np.mean((t - p) ** 2))


def root_mean_squared_error(y_true, y_pred):
    """Square root of the mean squared error, in the units of y.

    For several outputs, (n, k), this is sqrt of the MSE over all elements (as
    in Keras); scikit-learn instead averages the k per-column RMSEs.

    >>> root_mean_squared_error([1, 2, 3], [1, 2, 6])
    1.7320508075688772
    """
    t, p = _paired_numbers("root_mean_squared_error", y_true, y_pred)
    return float(np.sqrt(np.mean((t - p) ** 2)))


def mean_absolute_error(y_true, y_pred):
    """Mean of the absolute errors |y_true - y_pred| over all elements.

    >>> mean_absolute_error([3, -0.5, 2, 7], [2.5, 0.0, 2, 8])
    0.5
    """
    t, p = _paired_numbers("mean_absolute_error", y_true, y_pred)
    return float(np.mean(np.abs(t - p)))


def r2_score(y_true, y_pred):
    """Coefficient of determination R^2 = 1 - SS_res / SS_tot.

    SS_res = sum((y_true - y_pred)**2) is what the model leaves unexplained;
    SS_tot = sum((y_true - mean(y_true))**2) is what always predicting the
    mean would leave. R^2 is 1 for a perfect fit, 0 for the mean's
    performance, and negative for worse. For several outputs, (n, k), R^2
    is computed per column and averaged, as scikit-learn and Keras do. If
    y_true is constant (SS_tot = 0) the result is 1.0 for a perfect fit and
    0.0 otherwise, as in scikit-learn.

    >>> round(r2_score([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]), 4)
    0.9486
    """
    fn = "r2_score"
    t, p = _paired_numbers(fn, y_true, y_pred)
    if t.ndim > 2:
        raise ValueError(f"{fn}: expects (samples,) or (samples, outputs), got shape {t.shape}")
    if len(t) < 2:
        raise ValueError(f"{fn}: needs at least 2 samples, got {len(t)}")
    if t.ndim == 1:
        t, p = t[:, None], p[:, None]
    ss_res = np.sum((t - p) ** 2, axis=0)
    ss_tot = np.sum((t - t.mean(axis=0)) ** 2, axis=0)
    per_output = np.where(ss_res == 0, 1.0, 0.0)   # the value when y_true is constant
    nonconstant = ss_tot != 0
    per_output[nonconstant] = 1.0 - ss_res[nonconstant] / ss_tot[nonconstant]
    return float(np.mean(per_output))


# ---------------------------------------------------------------------------
# Confusion matrix, precision, recall, F1
# ---------------------------------------------------------------------------

def confusion_matrix(y_true, y_pred, labels=None):
    """Count how often each true class was predicted as each class.

    Entry [i, j] is the number of samples whose true label is labels[i] and
    whose predicted label is labels[j]: rows are true classes, columns are
    predicted classes (scikit-learn's layout), and the diagonal holds the
    correct predictions. `labels` defaults to every label seen in y_true or
    y_pred, sorted; samples with a label outside `labels` are not counted.

    For two classes 0 and 1 the matrix reads [[TN, FP], [FN, TP]].

    >>> confusion_matrix([1, 0, 1, 1, 0, 0, 1, 0], [1, 0, 0, 1, 1, 0, 1, 1])
    array([[2, 2],
           [1, 3]])
    """
    fn = "confusion_matrix"
    t, p = _label_pair(fn, y_true, y_pred)
    labels = _class_list(fn, labels, t, p)
    row_of = {label: i for i, label in enumerate(labels.tolist())}
    counts = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for true_label, predicted_label in zip(t.tolist(), p.tolist()):
        if true_label in row_of and predicted_label in row_of:
            counts[row_of[true_label], row_of[predicted_label]] += 1
    return counts


def precision_recall_f1(y_true, y_pred, labels=None, zero_division=0.0):
    """Precision, recall, F1 and support for each class, and their averages.

    For one class c, counting samples:

    * precision = TP / (TP + FP): of those predicted c, the fraction truly c;
    * recall    = TP / (TP + FN): of those truly c, the fraction predicted c;
    * f1        = 2 * precision * recall / (precision + recall)
                = 2 TP / (2 TP + FP + FN), their harmonic mean;
    * support   = TP + FN: how many samples are truly c.

    A ratio with nothing to count (0 / 0), such as the precision of a class
    that is never predicted, is `zero_division` (0.0 by default, the value
    scikit-learn gives, with a warning, by default). Averages:

    * 'macro': the plain mean over classes (each class counts the same);
    * 'weighted': the mean weighted by support (each sample counts the same);
    * 'micro': precision, recall and F1 of the pooled counts over `labels`;
      it equals accuracy when `labels` covers every class present.

    Returns a dict with keys 'labels', 'precision', 'recall', 'f1',
    'support' (arrays, one entry per class), 'macro', 'weighted', 'micro'
    (dicts with keys 'precision', 'recall', 'f1', 'support') and 'accuracy'
    (the fraction of all samples predicted correctly).

    >>> r = precision_recall_f1([1, 0, 1, 1, 0, 0, 1, 0], [1, 0, 0, 1, 1, 0, 1, 1])
    >>> r['precision'], r['recall']
    (array([0.66666667, 0.6       ]), array([0.5 , 0.75]))
    """
    fn = "precision_recall_f1"
    t, p = _label_pair(fn, y_true, y_pred)
    labels = _class_list(fn, labels, t, p)
    if not isinstance(zero_division, (int, float)) or zero_division not in (0, 1):
        raise ValueError(f"{fn}: zero_division must be 0 or 1, got {zero_division!r}")

    k = len(labels)
    true_positives = np.zeros(k, dtype=np.int64)
    predicted = np.zeros(k, dtype=np.int64)      # TP + FP
    support = np.zeros(k, dtype=np.int64)        # TP + FN
    for i, label in enumerate(labels):
        is_true = t == label
        is_predicted = p == label
        true_positives[i] = np.sum(is_true & is_predicted)
        predicted[i] = np.sum(is_predicted)
        support[i] = np.sum(is_true)

    precision = _divide(true_positives, predicted, zero_division)
    recall = _divide(true_positives, support, zero_division)
    f1 = _divide(2 * true_positives, predicted + support, zero_division)

    total = int(support.sum())
    macro = {"precision": float(precision.mean()), "recall": float(recall.mean()),
             "f1": float(f1.mean()), "support": total}
    if total > 0:
        weighted = {"precision": float(np.average(precision, weights=support)),
                    "recall": float(np.average(recall, weights=support)),
                    "f1": float(np.average(f1, weights=support)), "support": total}
    else:
        weighted = {"precision": float(zero_division), "recall": float(zero_division),
                    "f1": float(zero_division), "support": 0}
    tp, pred, true = true_positives.sum(), predicted.sum(), support.sum()
    micro = {"precision": float(_divide(tp, pred, zero_division)),
             "recall": float(_divide(tp, true, zero_division)),
             "f1": float(_divide(2 * tp, pred + true, zero_division)),
             "support": total}
    return {"labels": labels, "precision": precision, "recall": recall, "f1": f1,
            "support": support, "macro": macro, "weighted": weighted, "micro": micro,
            "accuracy": float(np.mean(t == p))}


def classification_report(y_true, y_pred, labels=None, target_names=None, digits=2,
                          zero_division=0.0):
    """A text table of precision, recall, F1 and support, laid out like scikit-learn's.

    One line per class, then 'accuracy', 'macro avg' and 'weighted avg'. When
    `labels` leaves out a class that occurs, the 'accuracy' line becomes
    'micro avg' (pooled over the listed classes only), as in scikit-learn.
    `target_names` gives display names for the classes (default: the labels).

    >>> print(classification_report([1, 0, 1, 1, 0, 0, 1, 0], [1, 0, 0, 1, 1, 0, 1, 1]))
                  precision    recall  f1-score   support
    <BLANKLINE>
               0       0.67      0.50      0.57         4
               1       0.60      0.75      0.67         4
    <BLANKLINE>
        accuracy                           0.62         8
       macro avg       0.63      0.62      0.62         8
    weighted avg       0.63      0.62      0.62         8
    <BLANKLINE>
    """
    fn = "classification_report"
    t, p = _label_pair(fn, y_true, y_pred)
    r = precision_recall_f1(t, p, labels=labels, zero_division=zero_division)
    classes = r["labels"]
    if target_names is None:
        target_names = [str(label) for label in classes]
    elif len(target_names) != len(classes):
        raise ValueError(f"{fn}: there are {len(classes)} classes {classes.tolist()} but "
                         f"{len(target_names)} target_names")
    if isinstance(digits, bool) or not isinstance(digits, (int, np.integer)) or digits < 0:
        raise ValueError(f"{fn}: digits must be a non-negative integer, got {digits!r}")

    every_class_listed = set(classes.tolist()) >= set(np.concatenate([t, p]).tolist())
    width = max(max(len(name) for name in target_names), len("weighted avg"), digits)

    def line(name, *cells):
        """Name right-aligned to `width`, then 9-wide columns; floats to `digits` places."""
        texts = [f"{c:>9.{digits}f}" if isinstance(c, float) else f"{c:>9}" for c in cells]
        return f"{name:>{width}} " + "".join(" " + text for text in texts) + "\n"

    report = line("", "precision", "recall", "f1-score", "support") + "\n"
    for name, *row in zip(target_names, r["precision"], r["recall"], r["f1"], r["support"]):
        report += line(name, float(row[0]), float(row[1]), float(row[2]), int(row[3]))
    report += "\n"
    if every_class_listed:
        report += line("accuracy", "", "", r["micro"]["f1"], r["micro"]["support"])
    else:
        report += line("micro avg", *r["micro"].values())
    report += line("macro avg", *r["macro"].values())
    report += line("weighted avg", *r["weighted"].values())
    return report


# ---------------------------------------------------------------------------
# ROC curve and AUC
# ---------------------------------------------------------------------------

def _binary_targets(fn, y_true, pos_label):
    """y_true as 0/1 floats: 1 where the label is the positive class."""
    t = _labels(fn, "y_true", y_true)
    classes = np.unique(t)
    if len(classes) > 2:
        raise ValueError(f"{fn}: needs two classes, y_true holds {len(classes)}: "
                         f"{classes[:10].tolist()}")
    if pos_label is None:
        if _is_text(t) or not (set(classes.tolist()) <= {0, 1} or
                               set(classes.tolist()) <= {-1, 1}):
            raise ValueError(f"{fn}: y_true labels {classes.tolist()} are not 0/1 or -1/1; "
                             "say which is positive with pos_label=...")
        pos_label = 1
    positive = (t == pos_label).astype(np.float64)
    if positive.sum() == 0 or positive.sum() == len(positive):
        raise ValueError(f"{fn}: y_true holds only one class ({classes.tolist()}, positive "
                         f"label {pos_label!r}); an ROC curve needs positives and negatives")
    return positive


def _scores(fn, scores, n):
    s = _numbers(fn, "scores", scores)
    if s.ndim == 2 and s.shape[1] == 1:
        s = s[:, 0]
    if s.ndim != 1:
        raise ValueError(f"{fn}: scores must be 1-D, one per sample, got shape {s.shape} "
                         "(for two-column probabilities pass the positive column, probs[:, 1])")
    if len(s) != n:
        raise ValueError(f"{fn}: y_true has {n} labels, scores has {len(s)}")
    return s


def roc_curve(y_true, scores, pos_label=None):
    """The ROC curve: true-positive rate against false-positive rate, per threshold.

    Predicting "positive" when score >= threshold, for every threshold from
    high to low, each distinct score in turn:

    * tpr = TP / (all positives): the fraction of positives caught (recall);
    * fpr = FP / (all negatives): the fraction of negatives falsely flagged.

    The curve starts at (0, 0) with threshold +inf (nothing predicted
    positive) and ends at (1, 1) at the lowest score (everything positive).
    Tied scores share one threshold, so a tie moves the curve diagonally.
    These are the points of scikit-learn's ``roc_curve(...,
    drop_intermediate=False)``. `y_true` is coded 0/1 (or -1/1, or booleans);
    for other labels name the positive one with `pos_label`.

    Returns (fpr, tpr, thresholds), three arrays of equal length.

    >>> fpr, tpr, thresholds = roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> fpr, tpr
    (array([0. , 0. , 0.5, 0.5, 1. ]), array([0. , 0.5, 0.5, 1. , 1. ]))
    >>> thresholds
    array([ inf, 0.8 , 0.4 , 0.35, 0.1 ])
    """
    return _roc_curve("roc_curve", y_true, scores, pos_label)


def _roc_curve(fn, y_true, scores, pos_label):
    """roc_curve's work; `fn` names the public function in error messages."""
    positive = _binary_targets(fn, y_true, pos_label)
    s = _scores(fn, scores, len(positive))

    # Sort the samples by score, highest first.
    order = np.argsort(-s, kind="stable")
    s, positive = s[order], positive[order]

    # Lowering the threshold to the k-th highest score flags samples 0..k as
    # positive. With ties, only the last sample of a run of equal scores is a
    # threshold, since a threshold cannot separate equal scores.
    last_of_each_score = np.append(np.flatnonzero(np.diff(s) != 0), len(s) - 1)
    true_positives = np.cumsum(positive)[last_of_each_score]
    false_positives = (last_of_each_score + 1) - true_positives

    # Start at (0, 0): a threshold above every score flags nothing.
    true_positives = np.append(0, true_positives)
    false_positives = np.append(0, false_positives)
    thresholds = np.append(np.inf, s[last_of_each_score])
    return false_positives / false_positives[-1], true_positives / true_positives[-1], thresholds


def auc(x, y):
    """Area under the curve through the points (x, y), by the trapezoid rule.

    Each neighbouring pair of points adds a trapezoid of width x[i+1] - x[i]
    and mean height (y[i] + y[i+1]) / 2. `x` must be monotonic, increasing
    or decreasing (the area is positive either way).

    >>> auc([0, 0.5, 1], [0, 1, 1])
    0.75
    """
    fn = "auc"
    x = _numbers(fn, "x", x)
    y = _numbers(fn, "y", y)
    if x.ndim != 1 or y.ndim != 1:
        raise ValueError(f"{fn}: x and y must be 1-D, got shapes {x.shape} and {y.shape}")
    _same_length(fn, x, y, a_name="x", b_name="y", what="points")
    if len(x) < 2:
        raise ValueError(f"{fn}: needs at least 2 points, got {len(x)}")
    dx = np.diff(x)
    if np.all(dx >= 0):
        direction = 1.0
    elif np.all(dx <= 0):
        direction = -1.0
    else:
        raise ValueError(f"{fn}: x is neither increasing nor decreasing: {x[:10].tolist()}")
    return float(direction * np.sum(dx * (y[:-1] + y[1:]) / 2))


def roc_auc_score(y_true, scores, pos_label=None):
    """Area under the ROC curve.

    It is also the probability that a randomly chosen positive scores above a
    randomly chosen negative, a tie counting one half: 1.0 ranks every
    positive first, 0.5 is guessing. Ties are handled by roc_curve (tied
    scores share one threshold, a diagonal step, worth half).

    >>> roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    >>> roc_auc_score([0, 1], [0.5, 0.5])    # a tie: half credit
    0.5
    """
    fpr, tpr, _ = _roc_curve("roc_auc_score", y_true, scores, pos_label)
    return auc(fpr, tpr)


# ---------------------------------------------------------------------------
# Streamed metrics: Keras' objects that count over a whole epoch
# ---------------------------------------------------------------------------

_metric_counts = {}


def _snake(name):
    return "".join("_" + c.lower() if c.isupper() and k and not name[k - 1].isupper() else c.lower()
                   for k, c in enumerate(name))


class Metric:
    """A number counted over many batches, as Keras' metric objects are.

    A mean of per-batch values is not the value over the whole data for every
    metric: the AUC of an epoch is not the mean of its batches' AUCs. So these
    keep counts instead::

        m = AUC()
        for x, y in batches:
            m.update_state(y, model.predict(x))   # add this batch's counts
        m.result()                                # the number over everything seen
        m.reset_state()                           # start again (fit does, every epoch)

    ``m(y_true, y_pred)`` updates and returns ``result()``, as in Keras. In
    ``fit`` and ``evaluate`` they are reset at the start of each epoch (and of
    each validation pass) and report the value over every sample so far.
    """

    def __init__(self, name=None, dtype=None):
        if name is None:  # Keras' names: 'auc', then 'auc_1', 'auc_2', ...
            base = _snake(type(self).__name__)
            k = _metric_counts[base] = _metric_counts.get(base, -1) + 1
            name = base if k == 0 else f"{base}_{k}"
        self.name, self.dtype = name, dtype
        self.reset_state()

    def __call__(self, y_true, y_pred, sample_weight=None):
        self.update_state(y_true, y_pred, sample_weight=sample_weight)
        return self.result()

    def reset_state(self):
        raise NotImplementedError

    def update_state(self, y_true, y_pred, sample_weight=None):
        raise NotImplementedError

    def result(self):
        raise NotImplementedError

    def get_config(self):
        return {"name": self.name}

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r}>"


def _thresholds(fn, thresholds, default):
    """Thresholds as a sorted float64 array, each in [0, 1]; one number stays one."""
    t = np.atleast_1d(np.asarray(default if thresholds is None else thresholds, dtype=np.float64))
    if t.ndim != 1 or t.size == 0 or not np.all((t >= 0) & (t <= 1)):
        raise ValueError(f"{fn}: thresholds must be numbers in [0, 1], got {thresholds!r}")
    return t


class _ConfusionCounts(Metric):
    """True/false positives and negatives at each threshold, summed over batches.

    A prediction counts as positive when it is *greater than* the threshold
    (strictly, as in Keras); a target counts as positive when it is not 0.
    Every entry of y_true and y_pred is one decision: (n, k) arrays count n*k
    (Keras' ``multi_label=False``), unless ``class_id`` picks one column.
    """

    def __init__(self, thresholds, class_id=None, name=None, dtype=None, from_logits=False):
        self.thresholds = thresholds
        self.class_id, self.from_logits = class_id, bool(from_logits)
        super().__init__(name=name, dtype=dtype)

    def reset_state(self):
        k = len(self.thresholds)
        self.true_positives, self.false_positives = np.zeros(k), np.zeros(k)
        self.true_negatives, self.false_negatives = np.zeros(k), np.zeros(k)

    def update_state(self, y_true, y_pred, sample_weight=None):
        fn = f"{type(self).__name__} '{self.name}'"
        t = np.asarray(y_true)
        p = np.asarray(y_pred, dtype=np.float64)
        if t.dtype.kind not in "biuf":
            raise ValueError(f"{fn}: y_true must hold numbers (0/1 or booleans), got dtype {t.dtype}")
        t = t.astype(np.float64)
        if t.shape != p.shape and t.size == p.size and max(t.ndim, p.ndim) <= 2:
            t = t.reshape(p.shape)  # (n,) against (n, 1), as Keras squeezes them
        if t.shape != p.shape:
            raise ValueError(f"{fn}: y_true has shape {t.shape}, y_pred has shape {p.shape}; "
                             "they must match")
        w = np.ones(p.shape) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        while w.ndim < p.ndim:  # one weight per sample, for every column
            w = w[..., None]
        try:
            w = np.broadcast_to(w, p.shape)
        except ValueError:
            raise ValueError(f"{fn}: sample_weight of shape {np.shape(sample_weight)} does not fit "
                             f"y_pred of shape {p.shape}") from None
        if self.class_id is not None:
            if p.ndim != 2 or not 0 <= self.class_id < p.shape[1]:
                raise ValueError(f"{fn}: class_id={self.class_id} needs y_pred of shape (samples, "
                                 f"classes) with that column, got {p.shape}")
            t, p, w = t[:, self.class_id], p[:, self.class_id], w[:, self.class_id]
        if self.from_logits:
            p = 1 / (1 + np.exp(-p))
        t, p, w = t.reshape(-1) != 0, p.reshape(-1), w.reshape(-1)
        predicted = p[None, :] > self.thresholds[:, None]  # (thresholds, entries)
        self.true_positives += (predicted & t) @ w
        self.false_positives += (predicted & ~t) @ w
        self.false_negatives += (~predicted & t) @ w
        self.true_negatives += (~predicted & ~t) @ w

    def _one_or_all(self, values):
        return float(values[0]) if self._single else values

    def get_config(self):
        return {**super().get_config(), "class_id": self.class_id}


class Precision(_ConfusionCounts):
    """Of the entries predicted positive (score > threshold), the fraction truly positive.

    ``precision = TP / (TP + FP)`` over everything seen since the last reset, 0 when
    nothing was predicted positive (Keras' rule). ``thresholds`` (0.5 by default) may
    be a list: the result is then one precision per threshold.

    >>> m = Precision()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    >>> m.result()
    0.6666666666666666
    """

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        if top_k is not None:
            raise NotImplementedError("Precision: top_k is not supported; threshold the scores instead")
        self._single = thresholds is None or np.ndim(thresholds) == 0
        super().__init__(_thresholds("Precision", thresholds, 0.5), class_id, name, dtype)

    def result(self):
        return self._one_or_all(_divide(self.true_positives, self.true_positives + self.false_positives, 0))

    def get_config(self):
        return {**super().get_config(), "thresholds": self.thresholds.tolist()}


class Recall(_ConfusionCounts):
    """Of the truly positive entries, the fraction predicted positive (score > threshold).

    ``recall = TP / (TP + FN)`` over everything seen since the last reset, 0 when
    there was no positive (Keras' rule). ``thresholds`` as in ``Precision``.

    >>> m = Recall()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    >>> m.result()
    0.6666666666666666
    """

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        if top_k is not None:
            raise NotImplementedError("Recall: top_k is not supported; threshold the scores instead")
        self._single = thresholds is None or np.ndim(thresholds) == 0
        super().__init__(_thresholds("Recall", thresholds, 0.5), class_id, name, dtype)

    def result(self):
        return self._one_or_all(_divide(self.true_positives, self.true_positives + self.false_negatives, 0))

    def get_config(self):
        return {**super().get_config(), "thresholds": self.thresholds.tolist()}


class AUC(_ConfusionCounts):
    """Area under the ROC (or precision-recall) curve, streamed over batches as Keras does.

    Instead of sorting every score (``roc_auc_score``), it counts TP, FP, TN and FN at
    ``num_thresholds`` evenly spaced thresholds from 0 to 1 (the ends nudged by 1e-7 so
    that scores of exactly 0 and 1 fall inside), batch after batch; ``result()`` then
    joins the curve's points:

    * ``curve='ROC'``: x = FP / (FP + TN), y = TP / (TP + FN);
    * ``curve='PR'``: x = recall, y = precision;

    and sums the strips between neighbouring thresholds, each of width dx and height
    ``summation_method``: 'interpolation' (the mean of its two ends, the trapezoid
    rule; for PR, Davis and Goadrich's interpolation of precision), 'minoring' (the
    lower end) or 'majoring' (the higher). With many distinct scores it is close to
    ``roc_auc_score``; with few thresholds, coarser. ``from_logits=True`` applies a
    sigmoid to the scores first.
    """

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation", name=None,
                 dtype=None, thresholds=None, multi_label=False, num_labels=None, label_weights=None,
                 from_logits=False):
        curve, summation_method = str(curve).upper(), str(summation_method).lower()
        if curve not in ("ROC", "PR"):
            raise ValueError(f"AUC: curve must be 'ROC' or 'PR', got {curve!r}")
        if summation_method not in ("interpolation", "minoring", "majoring"):
            raise ValueError(f"AUC: summation_method must be 'interpolation', 'minoring' or "
                             f"'majoring', got {summation_method!r}")
        if multi_label or label_weights is not None or num_labels is not None:
            raise NotImplementedError("AUC: multi_label, num_labels and label_weights are not supported; "
                                      "each column's AUC can be had with class_id in Precision/Recall, "
                                      "or with roc_auc_score")
        if thresholds is not None:
            inner = np.sort(_thresholds("AUC", thresholds, None))
        else:
            if isinstance(num_thresholds, bool) or not isinstance(num_thresholds, (int, np.integer)) \
                    or num_thresholds < 2:
                raise ValueError(f"AUC: num_thresholds must be a whole number > 1, got {num_thresholds!r}")
            inner = np.arange(1, num_thresholds - 1) / (num_thresholds - 1)
        self.num_thresholds, self.curve, self.summation_method = len(inner) + 2, curve, summation_method
        edges = np.concatenate([[-1e-7], inner, [1 + 1e-7]])
        super().__init__(edges, None, name, dtype, from_logits)

    def result(self):
        tp, fp, tn, fn = self.true_positives, self.false_positives, self.true_negatives, self.false_negatives
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolated_pr_auc()
        recall = _divide(tp, tp + fn, 0)
        if self.curve == "ROC":
            x, y = _divide(fp, fp + tn, 0), recall
        else:
            x, y = recall, _divide(tp, tp + fp, 0)
        # The thresholds rise, so x falls: each strip is x[i] - x[i+1] wide.
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2
        elif self.summation_method == "minoring":
            heights = np.minimum(y[:-1], y[1:])
        else:
            heights = np.maximum(y[:-1], y[1:])
        return float(np.sum((x[:-1] - x[1:]) * heights))

    def _interpolated_pr_auc(self):
        """Between two thresholds TP and P = TP + FP move linearly, so precision TP/P is
        a known curve in P: integrate it exactly (Davis and Goadrich, 2006)."""
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        predicted = tp + fp
        d_tp, d_p = tp[:-1] - tp[1:], predicted[:-1] - predicted[1:]
        slope = _divide(d_tp, np.maximum(d_p, 0), 0)
        intercept = tp[1:] - slope * predicted[1:]
        both = (predicted[:-1] > 0) & (predicted[1:] > 0)
        ratio = np.ones_like(predicted[1:])
        np.divide(predicted[:-1], predicted[1:], out=ratio, where=both)
        pieces = _divide(slope * (d_tp + intercept * np.log(ratio)), np.maximum(tp[1:] + fn[1:], 0), 0)
        return float(np.sum(pieces))

    def get_config(self):
        return {**super().get_config(), "num_thresholds": self.num_thresholds, "curve": self.curve,
                "summation_method": self.summation_method, "from_logits": self.from_logits}


_STREAMED = {"auc": AUC, "precision": Precision, "recall": Recall}


# ---------------------------------------------------------------------------
# Metrics by name, as model.compile(metrics=['accuracy', 'mse']) names them
# ---------------------------------------------------------------------------

_BY_NAME = {
    "accuracy": auto_accuracy,
    "acc": auto_accuracy,
    "binary_accuracy": binary_accuracy,
    "categorical_accuracy": categorical_accuracy,
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "mse": mean_squared_error,
    "mean_squared_error": mean_squared_error,
    "mae": mean_absolute_error,
    "mean_absolute_error": mean_absolute_error,
    "rmse": root_mean_squared_error,
    "root_mean_squared_error": root_mean_squared_error,
    "r2": r2_score,
    "r2_score": r2_score,
}


def names():
    """The metric names that get() knows, sorted."""
    return sorted(set(_BY_NAME) | set(_STREAMED))


def get(name):
    """The metric function for a Keras-style name; a function is returned as is.

    'accuracy' and 'acc' give auto_accuracy, which picks binary, sparse or
    categorical accuracy from the shapes, as Keras does. 'auc', 'precision' and
    'recall' give a new streamed metric object (AUC, Precision, Recall) named as
    written, so its logs read 'auc' and 'val_auc' as in Keras. Names are not
    case-sensitive ('MSE' works).

    >>> get('mse') is mean_squared_error
    True
    >>> get('auc').name
    'auc'
    """
    if isinstance(name, type) and issubclass(name, Metric):
        return name()
    if callable(name):
        return name
    if isinstance(name, str) and name.lower() in _STREAMED:
        return _STREAMED[name.lower()](name=name)
    if not isinstance(name, str):
        raise ValueError(f"metrics.get: expects a metric name or a function, got {name!r}")
    key = name.lower()
    if key not in _BY_NAME:
        close = difflib.get_close_matches(key, names(), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(f"metrics.get: unknown metric {name!r}{hint}; "
                         f"known: {', '.join(names())}")
    return _BY_NAME[key]
