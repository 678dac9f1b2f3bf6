"""The matplotlib plots draw what they say (checked on the artists, not pixels)."""
import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from graphnet.viz import plots  # noqa: E402


def test_history_plots_training_and_validation():
    axes = plots.plot_history({"loss": [1.0, 0.5, 0.25], "val_loss": [1.1, 0.7, 0.6],
                               "accuracy": [0.5, 0.7, 0.9], "val_accuracy": [0.4, 0.6, 0.7]})
    assert len(axes) == 2
    lines = axes[0].get_lines()
    assert [l.get_label() for l in lines] == ["training loss", "validation loss"]
    np.testing.assert_array_equal(lines[0].get_ydata(), [1.0, 0.5, 0.25])


def test_confusion_matrix_writes_the_counts():
    ax = plots.plot_confusion_matrix(np.array([[5, 1], [2, 7]]), ["cat", "dog"])
    assert [t.get_text() for t in ax.texts] == ["5", "1", "2", "7"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["cat", "dog"]
    ax = plots.plot_confusion_matrix(np.array([[5, 1], [2, 6]]), normalize=True)
    assert ax.texts[0].get_text() == "0.83"


def test_roc_and_actual_vs_predicted():
    ax = plots.plot_roc([0, 0.5, 1], [0, 0.8, 1], auc=0.9)
    assert "AUC 0.900" in ax.get_lines()[0].get_label()
    ax = plots.plot_actual_vs_predicted([1, 2, 3], [1.1, 1.9, 3.2])
    assert len(ax.collections[0].get_offsets()) == 3


def test_decision_boundary_accepts_labels_or_probabilities():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [-1.0, 0.5]])
    for predict in (lambda p: (p[:, 0] > 0).astype(int),
                    lambda p: np.column_stack([p[:, 0] <= 0, p[:, 0] > 0]).astype(float),
                    lambda p: (p[:, 0] > 0).astype(float)):
        ax = plots.plot_decision_boundary(predict, X, [0, 1, 0], resolution=20)
        assert ax.collections  # the filled regions and the points


def test_images_grid_and_gradient_norms():
    fig = plots.plot_images(np.zeros((12, 8, 8, 1)), labels=list(range(12)), columns=5)
    assert len(fig.axes) == 15 and fig.axes[11].get_title() == "11"
    ax = plots.plot_gradient_norms({"dense": 1e-3, "dense_1": 0.5})
    assert [t.get_text() for t in ax.get_xticklabels()] == ["dense", "dense_1"]
