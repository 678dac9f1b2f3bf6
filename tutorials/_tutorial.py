"""What every tutorial shares: fast mode, where figures go, and how they are shown.

``GRAPHNET_FAST=1`` (set by the test suite) shrinks data and epochs so every
tutorial runs in seconds. Figures are saved under ``GRAPHNET_OUT`` (default
``tutorial-output/``) and also shown inline when running in Jupyter.
"""
import os
import pathlib

import matplotlib

try:
    get_ipython  # noqa: B018, F821 - IPython puts it among the builtins
    IN_NOTEBOOK = True
except NameError:
    IN_NOTEBOOK = False
    matplotlib.use("Agg")  # a plain script: write files, open no windows

import matplotlib.pyplot as plt  # noqa: E402

FAST = os.environ.get("GRAPHNET_FAST") == "1"
OUT = pathlib.Path(os.environ.get("GRAPHNET_OUT", "tutorial-output"))
OUT.mkdir(parents=True, exist_ok=True)


def show(fig, name):
    """Save ``fig`` as OUT/name.png, display it in a notebook, and say where it went."""
    path = OUT / f"{name}.png"
    fig.savefig(path, dpi=110, bbox_inches="tight")
    if IN_NOTEBOOK:
        plt.show()
    plt.close(fig)
    print(f"[figure] {path}")
    return path


def show_graph(digraph, name):
    """Save a graphnet drawing as OUT/name.svg (and display it in a notebook).

    Without Graphviz's ``dot`` the picture cannot be rendered; the DOT source is
    saved instead, and the tutorial goes on.
    """
    from graphnet.viz import GraphvizMissing, to_svg
    try:
        path = OUT / f"{name}.svg"
        path.write_text(to_svg(digraph), encoding="utf-8")
    except GraphvizMissing:
        path = OUT / f"{name}.gv"
        path.write_text(digraph.source, encoding="utf-8")
    if IN_NOTEBOOK:
        from IPython.display import display
        display(digraph)
    print(f"[graph] {path}")
    return path


def show_stepper(stepper, name):
    """Save a step-through as OUT/name.html (any browser opens it, offline), display
    it in a notebook, and say where it went. Without Graphviz's ``dot`` there is no
    page to save; the tutorial goes on."""
    from graphnet.viz import GraphvizMissing
    try:
        path = stepper.save_html(OUT / f"{name}.html")
    except GraphvizMissing:
        path = None
    if IN_NOTEBOOK:
        from IPython.display import display
        display(stepper)  # a picture of frame 1 in any notebook, the live page when trusted
    print(f"[stepper] {path}" if path else "[stepper] not saved: Graphviz's dot is missing")
    return path
