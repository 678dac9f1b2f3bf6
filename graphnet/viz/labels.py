"""Graphviz HTML-like labels: tables, cells, text, heatmaps and number grids.

Only markup lives here; what the cells say is decided in draw.py.
"""
from html import escape

from . import colors

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


def text_width(s, size=FONT_SIZE):
    """Points that the text ``s`` needs, from rough glyph widths, with room for
    the wider fonts that stand in for Helvetica (DejaVu Sans on Debian): a
    fixed-size cell must hold its longest text."""
    narrow, wide = set("ijlft.,:;'|!()[] "), set("mwMW@")
    ems = sum(0.3 if c in narrow else 0.85 if c in wide else 0.68 if c.isupper() else 0.57 for c in s)
    return int(1.2 * ems * size) + 12


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


def heatmap(grid, scale, cell_size=9, blank=False):
    """A tiny heatmap of the 2-D array ``grid``: blue negative, red positive,
    full colour at ±``scale``. ``blank`` keeps the size but no colours: a value
    not known yet."""
    scale = scale or 1.0
    rows = "".join(
        "<TR>" + "".join(f'<TD BGCOLOR="{"#ffffff" if blank else colors.diverging(v / scale)}" '
                         f'WIDTH="{cell_size}" HEIGHT="{cell_size}" FIXEDSIZE="TRUE"></TD>'
                         for v in row) + "</TR>"
        for row in grid)
    return f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">{rows}</TABLE>'


def scale_row(low, high, colour=None):
    """A heatmap's key: a blue swatch and ``low``, a red swatch and ``high``."""
    def swatch(fill):
        return f'<TD BGCOLOR="{fill}" WIDTH="{SMALL}" HEIGHT="{SMALL}" FIXEDSIZE="TRUE"></TD>'

    return ('<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1"><TR>'
            f'{swatch(colors.diverging(-1))}<TD>{text(low, colour, SMALL + 1)}</TD><TD> </TD>'
            f'{swatch(colors.diverging(1))}<TD>{text(high, colour, SMALL + 1)}</TD></TR></TABLE>')


def number_table(rows, col_width, size, colour=None):
    """The entries of a small tensor as a right-aligned table, one column width
    for all (the width every frame of a step-through needs)."""
    body = "".join("<TR>" + "".join(f'<TD WIDTH="{col_width}" ALIGN="RIGHT">{text(e, colour, size)}</TD>'
                                    for e in row) + "</TR>" for row in rows)
    return f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{body}</TABLE>'
