"""Pictures of graphs: values, gradients, gradient flow, and backprop frame by frame.

- ``draw(target, ...)``: a Tensor, Graph or Node as a ``graphviz.Digraph``
  (shows inline in Jupyter; ``.pipe(format='svg'|'png'|'pdf')`` renders it).
- ``Stepper(target)``: one frame per forward and backward node, exported as
  numbered SVGs or one self-contained HTML page.
- ``write_walkthrough(output, directory)``: both, in one call, for the tour.
- ``register_adapter(kind, fn)``: teach them to draw something new (a model).
- ``plots``: matplotlib plots of training history, confusion matrices, ROC
  curves, actual-versus-predicted, decision boundaries, images.
"""
from . import plots
from .adapters import View, register_adapter, view_of
from .draw import DEFAULT_SHOW, draw
from .render import GraphvizMissing, dot_available, to_svg
from .stepper import Frame, Stepper, write_walkthrough

__all__ = ["plots", "draw", "Stepper", "Frame", "write_walkthrough", "to_svg", "dot_available",
           "GraphvizMissing", "register_adapter", "view_of", "View", "DEFAULT_SHOW"]
