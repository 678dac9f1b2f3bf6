"""Turning a Digraph into SVG and PNG, with a clear message when Graphviz is missing."""
import base64
import re
import shutil

import graphviz

from ..core import GraphnetError

INSTALL_HINT = ("Graphviz's `dot` program is needed to render SVG, PNG or PDF, and it was "
                "not found on PATH. Install it (Debian/Ubuntu: sudo apt-get install graphviz; "
                "macOS: brew install graphviz; conda: conda install graphviz). Without it, "
                "drawings still give their DOT source: digraph.source.")

PNG_DENSITY = 2        # image pixels per CSS pixel: crisp on high-density screens and projectors
PNG_MAX_SIDE = 2000    # pixels: a large graph's PNG gets coarser instead of bloating the notebook

_SIZE = re.compile(r'<svg\b[^>]*?\bwidth="([\d.]+)(pt|px)?"[^>]*?\bheight="([\d.]+)(pt|px)?"')
_NODE = re.compile(r'^\s*(?!(?:graph|node|edge|subgraph)\b)("[^"]*"|[\w.]+)\s*(?:\[|$)')
_EDGE = re.compile(r'^\s*("[^"]*"|[\w.]+)(?::\S+)?\s*->')


class GraphvizMissing(GraphnetError, RuntimeError):
    """Rendering was asked for, but Graphviz's `dot` is not installed."""


class MimeBundle(tuple):
    """``(data, metadata)`` as IPython takes it, that also reads like the data dict
    (``bundle['image/svg+xml']``), as a graphviz.Digraph's bundle does."""

    def __new__(cls, data, metadata):
        return super().__new__(cls, (data, metadata))

    def __getitem__(self, key):
        return self[0][key] if isinstance(key, str) else super().__getitem__(key)

    def __contains__(self, key):
        return key in self[0]

    def keys(self):
        return self[0].keys()


class Drawing(graphviz.Digraph):
    """A ``graphviz.Digraph`` that shows itself in Jupyter as SVG and PNG (untrusted
    notebooks drop SVG but keep PNG), and without Graphviz installed shows how
    to install it and the DOT source instead of a traceback."""

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        if not dot_available():
            return {"text/plain": f"{INSTALL_HINT}\n\n{self.source}"}
        wanted = {"image/svg+xml", "image/png", "text/plain"}
        wanted &= set(include) if include is not None else wanted
        wanted -= set(exclude or ())
        data, metadata = {}, {}
        if "text/plain" in wanted:
            data["text/plain"] = describe(self)
        if wanted & {"image/svg+xml", "image/png"}:
            svg = to_svg(self)  # the PNG's size comes from it too: one rendering of each
            if "image/svg+xml" in wanted:
                data["image/svg+xml"] = svg
            if "image/png" in wanted:
                png, (width, height) = to_png(self, svg)
                data["image/png"] = base64.b64encode(png).decode("ascii")
                metadata["image/png"] = {"width": width, "height": height}
        return MimeBundle(data, metadata)


def dot_available():
    return shutil.which("dot") is not None


def describe(digraph):
    """A line for text-only displays: 'graphnet drawing: 7 nodes, 6 edges ...'."""
    lines = [line for line in digraph.body if line.strip()]
    nodes = sum(1 for line in lines if _NODE.match(line) and not _EDGE.match(line))
    edges = sum(1 for line in lines if _EDGE.match(line))
    return (f"graphnet drawing: {nodes} nodes, {edges} edges (a picture in Jupyter; "
            ".source has its DOT text, .pipe(format='svg') renders it)")


def to_svg(digraph):
    """The SVG text of ``digraph`` (a ``graphviz.Digraph``)."""
    try:
        return digraph.pipe(format="svg", encoding="utf-8")
    except graphviz.ExecutableNotFound:
        raise GraphvizMissing(INSTALL_HINT) from None


def svg_size(svg):
    """(width, height) of Graphviz's SVG in CSS pixels, the size a browser shows it at."""
    match = _SIZE.search(svg)
    if not match:
        return None
    w, wu, h, hu = match.groups()
    return tuple(round(float(v) * (4 / 3 if unit in (None, "pt") else 1))
                 for v, unit in ((w, wu), (h, hu)))


def to_png(digraph, svg=None):
    """PNG bytes of ``digraph`` at PNG_DENSITY pixels per CSS pixel (at most
    PNG_MAX_SIDE on the long side), and the (width, height) in CSS pixels at
    which it shows at the size of the SVG."""
    size = svg_size(svg or to_svg(digraph)) or (0, 0)
    dpi = 96 * PNG_DENSITY  # a CSS pixel is 1/96 inch
    if max(size) * PNG_DENSITY > PNG_MAX_SIDE:  # Graphviz rounds each side up: 4 px spare
        dpi *= (PNG_MAX_SIDE - 4) / (max(size) * PNG_DENSITY)
    copy = digraph.copy()
    copy.graph_attr["dpi"] = f"{dpi:.2f}"
    try:
        return copy.pipe(format="png"), size
    except graphviz.ExecutableNotFound:
        raise GraphvizMissing(INSTALL_HINT) from None
