"""The tour's training chapter: an MLP learns handwritten digits, Keras-style.

scikit-learn's 8x8 digits stand in for MNIST (1,797 images that ship with the
package). Without scikit-learn, generated spirals stand in for them.
"""
import pathlib

from .. import data, metrics
from ..nn import Dense, Dropout
from ..random import set_seed
from ..train import Sequential


def load():
    try:
        X, y = data.load_digits()
        return X, y, "scikit-learn's 8x8 handwritten digits (standing in for MNIST)"
    except ImportError:
        X, y = data.make_spirals(900, classes=3, noise=0.2, seed=0)
        return X, y, "three generated spirals (install scikit-learn for the digits)"


def tour(out_dir, epochs=15):
    import matplotlib
    matplotlib.use("Agg")
    from ..viz import GraphvizMissing, draw, plots, to_svg

    X, y, description = load()
    X_train, X_test, y_train, y_test = data.train_test_split(X, y, test_size=0.25, seed=0, stratify=y)
    scaler = data.StandardScaler().fit(X_train)  # statistics of the training set only
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    classes = int(y.max()) + 1

    print(f"graphnet guided tour - training: a small network learns {description}\n")
    set_seed(0)
    model = Sequential([Dense(128, activation="relu", input_shape=X.shape[1:]), Dropout(0.2),
                        Dense(classes, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.summary()
    history = model.fit(X_train, y_train, epochs=epochs, batch_size=32, validation_split=0.1, verbose=1)
    loss, accuracy = model.evaluate(X_test, y_test, verbose=0)
    predicted = model.predict(X_test).argmax(axis=1)
    print(f"\nheld-out test set: loss {loss:.3f}, accuracy {accuracy:.3f}\n")

    folder = pathlib.Path(out_dir) / "02_training"
    folder.mkdir(parents=True, exist_ok=True)
    axes = plots.plot_history(history)
    axes[0].figure.savefig(folder / "history.png", dpi=110, bbox_inches="tight")
    ax = plots.plot_confusion_matrix(metrics.confusion_matrix(y_test, predicted))
    ax.figure.savefig(folder / "confusion_matrix.png", dpi=110, bbox_inches="tight")
    written = ["history.png", "confusion_matrix.png"]
    try:
        (folder / "model.svg").write_text(to_svg(draw(model, show=("name", "shape"))), encoding="utf-8")
        written.append("model.svg")
    except GraphvizMissing:
        pass
    model.save(folder / "digits.gnet")
    written.append("digits.gnet")
    print(f"training curves, confusion matrix, the model drawn and saved: {', '.join(written)} in {folder}\n")
    return accuracy
