"""Generated data sets: NumPy only, seeded, instant.

Toy problems whose shape you can see in a 2-D scatter plot, each made to show
one idea: a perceptron needs linearly separable data, XOR needs a hidden
layer, moons and spirals need a curved decision boundary, and so on.

Every generator takes ``seed=0``, so the same call gives the same data (pass
``seed=None`` to follow ``graphnet.random.set_seed``). Classification sets
return ``(X, y)``: float32 points and int64 labels, shuffled, with classes as
balanced as the sample count allows (sizes differ by at most one). Where
there is a true answer to compare a model with (centres, a boundary,
coefficients), ``return_info=True`` adds it as a dict.
"""
import numpy as np

from . import _checks

__all__ = ["make_moons", "make_spirals", "make_blobs", "make_linearly_separable", "make_xor",
           "make_regression", "make_sine_series"]


def _class_sizes(n, classes):
    """Split n samples over `classes` classes as evenly as possible."""
    return np.full(classes, n // classes) + (np.arange(classes) < n % classes)


def _finish(gen, X, y, info=None, return_info=False):
    """Shuffle the samples (so classes are mixed), cast, and answer."""
    order = gen.permutation(len(y))
    X = np.asarray(X, dtype=np.float32)[order]
    y = np.asarray(y, dtype=np.int64)[order]
    return (X, y, info) if return_info else (X, y)


def make_moons(n=100, noise=0.1, seed=0):
    """Two interleaving half circles (scikit-learn's moons), labels 0 and 1.

    Not linearly separable: a straight line gets about 85%, a small hidden
    layer gets 100%. `noise` is the standard deviation of Gaussian jitter.
    """
    fn = "make_moons"
    n = _checks.integer(fn, "n", n, minimum=2)
    noise = _checks.non_negative(fn, "noise", noise)
    gen = _checks.rng(seed)
    n_outer, n_inner = _class_sizes(n, 2)
    t_outer = np.linspace(0, np.pi, n_outer)
    t_inner = np.linspace(0, np.pi, n_inner)
    outer = np.column_stack([np.cos(t_outer), np.sin(t_outer)])
    inner = np.column_stack([1 - np.cos(t_inner), 0.5 - np.sin(t_inner)])
    X = np.vstack([outer, inner]) + noise * gen.standard_normal((n, 2))
    y = np.repeat([0, 1], [n_outer, n_inner])
    return _finish(gen, X, y)


def make_spirals(n=300, classes=3, noise=0.2, seed=0):
    """`classes` arms of a spiral winding out from the origin (CS231n's spirals).

    Arm k's radius grows from 0 to 1 while its angle sweeps 4 radians,
    starting at 4k; `noise` jitters the angle (standard deviation, radians).
    """
    fn = "make_spirals"
    classes = _checks.integer(fn, "classes", classes, minimum=2)
    n = _checks.integer(fn, "n", n, minimum=classes)
    noise = _checks.non_negative(fn, "noise", noise)
    gen = _checks.rng(seed)
    points, labels = [], []
    for k, size in enumerate(_class_sizes(n, classes)):
        radius = np.linspace(0.0, 1.0, size)
        angle = np.linspace(4.0 * k, 4.0 * (k + 1), size) + noise * gen.standard_normal(size)
        points.append(radius[:, None] * np.column_stack([np.sin(angle), np.cos(angle)]))
        labels.append(np.full(size, k))
    return _finish(gen, np.vstack(points), np.concatenate(labels))


def make_blobs(n=300, centers=3, std=1.0, features=2, seed=0, return_info=False):
    """Gaussian clusters, one per class (scikit-learn's blobs).

    `centers` is a number of clusters (centres drawn uniformly in the box
    [-10, 10]^features) or an array of centres, shape (classes, features).
    `std` is each cluster's standard deviation. Info: {"centers"}.
    """
    fn = "make_blobs"
    gen = _checks.rng(seed)
    if isinstance(centers, (int, np.integer)) and not isinstance(centers, bool):
        classes = _checks.integer(fn, "centers", centers, minimum=1)
        features = _checks.integer(fn, "features", features, minimum=1)
        centre_points = gen.uniform(-10.0, 10.0, size=(classes, features))
    else:
        centre_points = _checks.numbers_array(fn, "centers", centers).astype(np.float64)
        if centre_points.ndim != 2 or centre_points.size == 0:
            raise ValueError(f"{fn}: centers must be a count or an array of shape "
                             f"(classes, features), got shape {centre_points.shape}")
        classes, features = centre_points.shape
    n = _checks.integer(fn, "n", n, minimum=classes)
    std = _checks.non_negative(fn, "std", std)
    y = np.repeat(np.arange(classes), _class_sizes(n, classes))
    X = centre_points[y] + std * gen.standard_normal((n, features))
    return _finish(gen, X, y, {"centers": centre_points}, return_info)


def make_linearly_separable(n=100, margin=0.5, seed=0, return_info=False):
    """2-D points that a straight line separates with room to spare.

    Every point lies at least `margin` away from a random line
    ``w . x + b = 0`` (w a unit vector): label 1 on the side w points to,
    0 on the other, so a perceptron is guaranteed to converge. Built, not
    filtered: each point is a position along the line plus a distance
    ``margin + U(0, 1.5)`` off it. Info: {"w", "b", "margin"}.
    """
    fn = "make_linearly_separable"
    n = _checks.integer(fn, "n", n, minimum=2)
    margin = _checks.non_negative(fn, "margin", margin)
    gen = _checks.rng(seed)
    angle = gen.uniform(0.0, 2.0 * np.pi)
    w = np.array([np.cos(angle), np.sin(angle)])      # unit normal of the line
    along = np.array([-w[1], w[0]])                    # direction of the line
    centre = gen.uniform(-1.0, 1.0, size=2)            # a point on the line
    y = np.repeat([0, 1], _class_sizes(n, 2))
    side = np.where(y == 1, 1.0, -1.0)
    # The 1e-6 covers float32 rounding (~1e-7 here), so the promise holds exactly.
    distance = margin + 1e-6 + gen.uniform(0.0, 1.5, size=n)
    position = gen.uniform(-2.0, 2.0, size=n)
    X = centre + position[:, None] * along + (side * distance)[:, None] * w
    info = {"w": w, "b": float(-w @ centre), "margin": margin}
    return _finish(gen, X, y, info, return_info)


def make_xor(n=200, noise=0.1, seed=0):
    """The XOR problem: points around the corners of the unit square.

    (0, 0) and (1, 1) are class 0, (0, 1) and (1, 0) class 1: no straight
    line separates them, one hidden layer does. `noise` is Gaussian jitter.
    """
    fn = "make_xor"
    n = _checks.integer(fn, "n", n, minimum=4)
    noise = _checks.non_negative(fn, "noise", noise)
    gen = _checks.rng(seed)
    corners = np.array([[0, 0], [0, 1], [1, 1], [1, 0]], dtype=np.float64)
    corner = np.repeat(np.arange(4), _class_sizes(n, 4))
    X = corners[corner] + noise * gen.standard_normal((n, 2))
    y = corner % 2      # corners alternate 0, 1, 0, 1, so classes stay balanced
    return _finish(gen, X, y)


def make_regression(n=100, features=1, noise=0.1, seed=0, return_info=False):
    """A linear target with Gaussian noise: ``y = X @ coef + bias + noise * N(0, 1)``.

    X is standard normal, shape (n, features); coef is drawn from U(-2, 2)
    and bias from U(-1, 1). Returns float32 X and float32 y of shape (n,).
    Info: {"coef", "bias"}, what linear regression should recover.
    """
    fn = "make_regression"
    n = _checks.integer(fn, "n", n, minimum=1)
    features = _checks.integer(fn, "features", features, minimum=1)
    noise = _checks.non_negative(fn, "noise", noise)
    gen = _checks.rng(seed)
    coef = gen.uniform(-2.0, 2.0, size=features)
    bias = float(gen.uniform(-1.0, 1.0))
    X = gen.standard_normal((n, features))
    y = X @ coef + bias + noise * gen.standard_normal(n)
    X, y = X.astype(np.float32), y.astype(np.float32)
    return (X, y, {"coef": coef, "bias": bias}) if return_info else (X, y)


def make_sine_series(n=200, period=50, noise=0.1, seed=0):
    """A noisy sine wave: returns ``(t, values)``, like load_sunspots.

    ``values[t] = sin(2 pi t / period) + noise * N(0, 1)`` for t = 0..n-1:
    the simplest series to window and forecast with an RNN. `t` is int64,
    `values` float32.
    """
    fn = "make_sine_series"
    n = _checks.integer(fn, "n", n, minimum=1)
    noise = _checks.non_negative(fn, "noise", noise)
    if _checks.non_negative(fn, "period", period) == 0:
        raise ValueError(f"{fn}: period must be > 0, got {period}")
    gen = _checks.rng(seed)
    t = np.arange(n, dtype=np.int64)
    values = np.sin(2.0 * np.pi * t / period) + noise * gen.standard_normal(n)
    return t, values.astype(np.float32)
