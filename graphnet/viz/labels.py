"""Graphviz HTML-like labels: value records, op circles, the legend, heatmaps.

Only markup lives here; what the cells say is decided in draw.py.
"""
from html import escape

from . import colors
from .format import heat_grid

FONT = "Helvetica,Arial,sans-serif"
FONT_SIZE = 14
SMALL = 10
CHAR_WIDTH = 0.62  # of the font size: a generous average, so estimated widths hold the text


def text(s, colour=None, size=None, bold=False, italic=False):
    s = escape(str(s), quote=False).replace("\n", "<BR/>")
    if bold:
        s = f"<B>{s}</B>"
    if italic:
        s = f"<I>{s}</I>"
    attrs = (f' COLOR="{colour}"' if colour else "") + (f' POINT-SIZE="{size}"' if size else "")
    return f"<FONT{attrs}>{s}</FONT>" if attrs else s


def width_for(chars, size=FONT_SIZE):
    """Points needed for ``chars`` characters: used as a cell's minimum width so
    that frames whose texts differ in length keep the same layout."""
    return int(chars * size * CHAR_WIDTH) + 8


def cell(content, fill=None, width=None, align=None, style=None, border=None):
    attrs = ""
    if fill:
        attrs += f' BGCOLOR="{fill}"'
    if width:
        attrs += f' WIDTH="{width}"'
    if align:
        attrs += f' ALIGN="{align}" BALIGN="{align}"'
    if style:
        attrs += f' STYLE="{style}"'
    if border is not None:
        attrs += f' BORDER="{border}"'
    return f"<TD{attrs}>{content}</TD>"


def table(rows, border=1, colour=None, style=None, cellborder=1, padding=4):
    """``rows``: a list of lists of cells (see ``cell``), wrapped as a label."""
    attrs = f'BORDER="{border}" CELLBORDER="{cellborder}" CELLSPACING="0" CELLPADDING="{padding}"'
    if colour:
        attrs += f' COLOR="{colour}"'
    if style:
        attrs += f' STYLE="{style}"'
    body = "".join("<TR>" + "".join(row) + "</TR>" for row in rows)
    return f"<<TABLE {attrs}>{body}</TABLE>>"


def heatmap(value, side=8, cell_size=9):
    """A tiny heatmap of ``value``: block means, blue negative, red positive."""
    grid = heat_grid(value, side)
    scale = float(abs(grid).max()) or 1.0
    rows = "".join(
        "<TR>" + "".join(f'<TD BGCOLOR="{colors.diverging(v / scale)}" WIDTH="{cell_size}" '
                         f'HEIGHT="{cell_size}" FIXEDSIZE="TRUE"></TD>' for v in row) + "</TR>"
        for row in grid)
    return f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">{rows}</TABLE>'


def legend(scale, caption=None, caption_width=None):
    """The graph label: an optional caption line and, for gradient flow, a colour key."""
    rows = []
    if caption is not None:
        rows.append([cell(text(caption, size=FONT_SIZE + 2), width=caption_width, align="LEFT")])
    if scale is not None:
        ticks = scale.ticks()
        keys = []
        for t in ticks:
            fill = colors.ramp(scale.position(10.0 ** t))
            keys.append(cell(text(f"1e{t:+03d}", colors.ink(fill), SMALL), fill=fill, border=1))
        keys.append(cell(text("0", size=SMALL), fill=colors.ZERO_GRAD, border=1))
        keys.append(cell(text("?", size=SMALL), fill="#ffffff", border=1))
        inner = ('<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3"><TR>'
                 + cell(text("gradient magnitude (mean |grad|, log scale)", size=SMALL))
                 + "".join(keys) + "</TR></TABLE>")
        rows.append([cell(inner, align="LEFT")])
    if not rows:
        return None
    return table(rows, border=0, cellborder=0, padding=2)
