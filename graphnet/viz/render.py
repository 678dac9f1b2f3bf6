"""Turning a Digraph into SVG text, with a clear message when Graphviz is missing."""
import shutil

import graphviz

from ..core import GraphnetError

INSTALL_HINT = ("Graphviz's `dot` program is needed to render SVG, PNG or PDF, and it was "
                "not found on PATH. Install it (Debian/Ubuntu: sudo apt-get install graphviz; "
                "macOS: brew install graphviz; conda: conda install graphviz). Without it, "
                "drawings still give their DOT source: digraph.source.")


class GraphvizMissing(GraphnetError, RuntimeError):
    """Rendering was asked for, but Graphviz's `dot` is not installed."""


class Drawing(graphviz.Digraph):
    """A ``graphviz.Digraph`` that, in a notebook without Graphviz installed,
    shows how to install it and the DOT source instead of a traceback."""

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        if dot_available():
            return super()._repr_mimebundle_(include, exclude, **kwargs)
        return {"text/plain": f"{INSTALL_HINT}\n\n{self.source}"}


def dot_available():
    return shutil.which("dot") is not None


def to_svg(digraph):
    """The SVG text of ``digraph`` (a ``graphviz.Digraph``)."""
    try:
        return digraph.pipe(format="svg", encoding="utf-8")
    except graphviz.ExecutableNotFound:
        raise GraphvizMissing(INSTALL_HINT) from None
