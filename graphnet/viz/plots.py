"""Plots people would rather look at than read (matplotlib).

Each function draws on ``ax`` (a new figure when None) and returns the axes,
so plots combine into subplots and save with ``ax.figure.savefig(...)``.
matplotlib is imported on first use.
"""
import numpy as np


def _axes(ax, figsize=(5, 4)):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt
    return plt.subplots(figsize=figsize)[1]


def plot_history(history, metrics=None, ax=None):
    """Loss (and metrics) per epoch, training solid and validation dashed.

    ``history`` is what ``fit`` returns (or its ``.history`` dict).
    """
    logs = getattr(history, "history", history)
    names = metrics or [k for k in logs if not k.startswith("val_") and k != "learning_rate"]
    if ax is None:
        import matplotlib.pyplot as plt
        axes = plt.subplots(1, len(names), figsize=(5 * len(names), 3.6), squeeze=False)[1][0]
    else:
        axes = np.atleast_1d(ax)
    for a, name in zip(axes, names):
        epochs = np.arange(1, len(logs[name]) + 1)
        a.plot(epochs, logs[name], label=f"training {name}")
        if f"val_{name}" in logs:
            a.plot(epochs, logs[f"val_{name}"], "--", label=f"validation {name}")
        a.set_xlabel("epoch")
        a.set_ylabel(name)
        a.legend()
    return axes


def plot_confusion_matrix(matrix, labels=None, ax=None, normalize=False):
    """A confusion matrix as a heat map: true classes down, predicted across."""
    ax = _axes(ax, (4.5, 4))
    m = np.asarray(matrix, dtype=float)
    shown = m / np.maximum(m.sum(axis=1, keepdims=True), 1) if normalize else m
    image = ax.imshow(shown, cmap="Blues")
    ax.figure.colorbar(image, ax=ax, fraction=0.046)
    labels = list(range(len(m))) if labels is None else list(labels)
    ax.set_xticks(range(len(m)), labels)
    ax.set_yticks(range(len(m)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    threshold = shown.max() / 2
    for i in range(len(m)):
        for j in range(len(m)):
            text = f"{shown[i, j]:.2f}" if normalize else f"{int(m[i, j])}"
            ax.text(j, i, text, ha="center", va="center",
                    color="white" if shown[i, j] > threshold else "black", fontsize=8)
    return ax


def plot_roc(fpr, tpr, auc=None, ax=None, label="model"):
    """The ROC curve with the chance diagonal."""
    ax = _axes(ax, (4.5, 4.5))
    ax.plot(fpr, tpr, label=label if auc is None else f"{label} (AUC {auc:.3f})")
    ax.plot([0, 1], [0, 1], "k:", label="chance")
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate")
    ax.legend(loc="lower right")
    return ax


def plot_actual_vs_predicted(actual, predicted, ax=None):
    """Regression results: points on the diagonal are perfect predictions."""
    ax = _axes(ax, (4.5, 4.5))
    actual, predicted = np.ravel(actual), np.ravel(predicted)
    ax.scatter(actual, predicted, s=10, alpha=0.6)
    low, high = min(actual.min(), predicted.min()), max(actual.max(), predicted.max())
    ax.plot([low, high], [low, high], "k--", lw=1, label="perfect")
    ax.set_xlabel("actual")
    ax.set_ylabel("predicted")
    ax.legend()
    return ax


def plot_decision_boundary(predict, X, y, ax=None, resolution=200, margin=0.5):
    """Colours the plane by the class ``predict`` gives, with the data on top.

    ``predict(points) -> labels or probabilities``; probabilities (one column per
    class, or one for class 1) are turned into labels.
    """
    ax = _axes(ax, (5, 4.5))
    X = np.asarray(X)
    (x0, y0), (x1, y1) = X.min(axis=0) - margin, X.max(axis=0) + margin
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    grid = np.column_stack([gx.ravel(), gy.ravel()]).astype(X.dtype)
    out = np.asarray(predict(grid))
    if out.ndim == 2 and out.shape[1] > 1:
        out = out.argmax(axis=1)
    elif out.dtype.kind == "f":
        out = (out.reshape(-1) > 0.5).astype(int)
    ax.contourf(gx, gy, out.reshape(gx.shape), alpha=0.25, cmap="coolwarm")
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", s=12, edgecolors="k", linewidths=0.3)
    return ax


def plot_gradient_norms(norms, ax=None):
    """Gradient norm per layer (a dict name -> norm, or a list of (name, norm))."""
    ax = _axes(ax, (6, 3.5))
    items = list(norms.items()) if isinstance(norms, dict) else list(norms)
    names, values = zip(*items)
    ax.bar(range(len(values)), values)
    ax.set_yscale("log")
    ax.set_xticks(range(len(values)), names, rotation=45, ha="right")
    ax.set_ylabel("gradient norm")
    return ax


def plot_images(images, labels=None, columns=10, ax_size=1.2, cmap="gray_r", title=None,
                symmetric=False):
    """A grid of images (samples, h, w[, 1]) with optional labels over each.
    ``symmetric``: colour limits at ±max|image|, so that the colour map's middle is 0."""
    import matplotlib.pyplot as plt
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    rows = -(-len(images) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(columns * ax_size, rows * ax_size), squeeze=False)
    for k, ax in enumerate(axes.ravel()):
        ax.axis("off")
        if k < len(images):
            limit = np.abs(images[k]).max() if symmetric else None
            ax.imshow(images[k], cmap=cmap, vmin=-limit if symmetric else None, vmax=limit)
            if labels is not None:
                ax.set_title(str(labels[k]), fontsize=8)
    if title:
        fig.suptitle(title, y=1.0 + 0.25 / rows)  # above the first row's labels
    return fig


def plot_filters(kernel, channel=None, columns=8, ax_size=1.0, title="filters"):
    """A convolution kernel (kh, kw, channels, filters) as one small image per filter:
    one input channel's weights, or their mean over channels when ``channel`` is None."""
    w = np.asarray(kernel)
    w = w.mean(axis=2) if channel is None else w[:, :, channel, :]
    return plot_images(np.moveaxis(w, -1, 0), labels=list(range(w.shape[-1])), columns=columns,
                       ax_size=ax_size, cmap="RdBu_r", title=title, symmetric=True)


def plot_feature_maps(maps, columns=8, ax_size=1.0, title=None):
    """One sample's feature maps (height, width, channels), or (1, h, w, c), a channel per image."""
    m = np.asarray(maps)
    if m.ndim == 4:
        m = m[0]
    return plot_images(np.moveaxis(m, -1, 0), labels=list(range(m.shape[-1])), columns=columns,
                       ax_size=ax_size, cmap="viridis", title=title)
