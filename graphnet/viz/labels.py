"""Graphviz HTML-like labels: value records, op circles, the legend, heatmaps.

Only markup lives here; what the cells say is decided in draw.py.
"""
from html import escape

from . import colors
from .format import heat_grid

FONT = "Helvetica,Arial,sans-serif"
FONT_SIZE = 14
SMALL = 10
CHAR_WIDTH = 0.56  # of the font size: Helvetica's digits are 0.556, so estimates hold the text


def text(s, colour=None, size=None, bold=False, italic=False):
    s = escape(str(s), quote=False).replace("\n", "<BR/>")
    if not s:
        return ""  # Graphviz rejects an empty <FONT></FONT>
    if bold:
        s = f"<B>{s}</B>"
    if italic:
        s = f"<I>{s}</I>"
    attrs = (f' COLOR="{colour}"' if colour else "") + (f' POINT-SIZE="{size}"' if size else "")
    return f"<FONT{attrs}>{s}</FONT>" if attrs else s


def width_for(chars, size=FONT_SIZE):
    """Points needed for ``chars`` characters: used as a cell's minimum width so
    that frames whose texts differ in length keep the same layout."""
    return int(chars * size * CHAR_WIDTH) + 12


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


def stack(*contents):
    """Contents one above the other in one cell (a cell holds text or one table)."""
    rows = "".join(f"<TR><TD>{c}</TD></TR>" for c in contents)
    return f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{rows}</TABLE>'


def heatmap(value, side=8, cell_size=9, blank=False):
    """A tiny heatmap of ``value``: block means, blue negative, red positive.
    ``blank`` keeps the size but no colours: a value not known yet."""
    grid = heat_grid(value, side)
    scale = float(abs(grid).max()) or 1.0
    rows = "".join(
        "<TR>" + "".join(f'<TD BGCOLOR="{"#ffffff" if blank else colors.diverging(v / scale)}" '
                         f'WIDTH="{cell_size}" HEIGHT="{cell_size}" FIXEDSIZE="TRUE"></TD>'
                         for v in row) + "</TR>"
        for row in grid)
    return f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">{rows}</TABLE>'


def legend(scale, caption=None, caption_width=None):
    """The graph label: an optional caption line and, for gradient flow, a colour key."""
    rows = []
    if caption is not None:
        rows.append([cell(text(caption, size=FONT_SIZE + 2), width=caption_width, align="LEFT")])
    if scale is not None:
        # Fixed-size cells and a filler at the end: Graphviz stretches a nested
        # table to its cell's width, and the key must not stretch with the caption.
        def key(label, fill, ink=None, chars=5):
            return (f'<TD BGCOLOR="{fill}" BORDER="1" FIXEDSIZE="TRUE" WIDTH="{width_for(chars, SMALL)}" '
                    f'HEIGHT="{SMALL + 8}">{text(label, ink, SMALL)}</TD>')

        title = "gradient magnitude (mean |grad|, log scale)"
        keys = [f'<TD FIXEDSIZE="TRUE" WIDTH="{width_for(len(title) + 2, SMALL)}" '
                f'HEIGHT="{SMALL + 8}" ALIGN="RIGHT">{text(title + "  ", size=SMALL)}</TD>']
        for t in scale.ticks():
            fill = colors.ramp(scale.position(10.0 ** t))
            keys.append(key(f"1e{t:+03d}", fill, colors.ink(fill)))
        keys.append(key("0", colors.ZERO_GRAD))
        keys.append(key("?", "#ffffff"))
        inner = ('<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0"><TR>'
                 + "".join(keys) + "<TD></TD></TR></TABLE>")
        rows.append([cell(inner, align="LEFT")])
    if not rows:
        return None
    return table(rows, border=0, cellborder=0, padding=2)
