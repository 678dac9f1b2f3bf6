"""keras.utils: one-hot labels, padding, seeding, and pictures of a model."""
import os

from ...data.preprocessing import to_categorical
from ...data.sequences import pad_sequences
from ...random import set_seed as set_random_seed
from . import np_utils

__all__ = ["to_categorical", "pad_sequences", "set_random_seed", "plot_model", "model_to_dot",
           "np_utils"]


def model_to_dot(model, show_shapes=False, show_layer_names=True, rankdir="TB", **options):
    """The model drawn by graphnet, as a ``graphviz.Digraph`` (Keras returns pydot's
    graph; this one shows inline in Jupyter and renders with ``.pipe``). Every layer
    is a node of the drawing; ``gn.draw(model, ...)`` takes the same options and more
    (``grad_flow=True``, ``expand=True``)."""
    from ...viz import draw
    show = tuple(k for k, wanted in (("name", show_layer_names), ("shape", show_shapes)) if wanted)
    return draw(model, show=show or ("name",), rankdir=rankdir, **options)


def plot_model(model, to_file="model.png", show_shapes=False, show_layer_names=True,
               rankdir="TB", dpi=None, **options):
    """Draw the model into ``to_file`` (its extension picks the format: png, svg,
    pdf...) and return the drawing, which shows inline in Jupyter."""
    digraph = model_to_dot(model, show_shapes=show_shapes, show_layer_names=show_layer_names,
                           rankdir=rankdir, **options)
    base, ext = os.path.splitext(os.fspath(to_file))
    fmt = ext.lstrip(".").lower() or "png"
    if dpi is not None:
        digraph.graph_attr["dpi"] = str(dpi)
    from ...viz.render import GraphvizMissing, INSTALL_HINT
    import graphviz
    try:
        digraph.render(outfile=os.fspath(to_file), format=fmt, cleanup=True)
    except graphviz.ExecutableNotFound:
        raise GraphvizMissing(INSTALL_HINT) from None
    finally:
        if os.path.exists(base + ".gv"):  # the DOT text graphviz writes beside the picture
            os.remove(base + ".gv")
    return digraph
