"""How a value or a gradient reads in a box, as a teacher would write it.

A number is written out (``value 4``); a small tensor (up to 6x6) as the grid of
its numbers, all rounded alike; a larger one as a small heatmap with its range
and colour scale. Rounding noise reads 0. What is not known yet keeps the shape
it will have (a grid of ``?``, a blank heatmap), so a step-through frame draws
the same boxes before and after a value arrives.
"""
from dataclasses import dataclass
from typing import Any, Optional

import numpy as np

from .format import heat_grid, is_scalar, number, number_grid, summary, value_range
from .labels import FONT_SIZE, SMALL, heatmap, number_table, scale_row, stack, text, width_for

GRID_SIDE = 6   # tensors up to GRID_SIDE x GRID_SIDE show their numbers
HEAT_SIDE = 8   # larger ones a heatmap of at most HEAT_SIDE x HEAT_SIDE block means
NUMBER_SIZE = FONT_SIZE - 2
HEAT_CELL = 9


@dataclass(frozen=True)
class Shown:
    """What one cell of a value record shows."""

    head: str                        # the text line: 'value 4', 'grad ?', 'value', a name...
    rows: tuple = ()                 # a number grid's entries, row by row ('?' when unknown)
    factor: Optional[str] = None     # the grid's common power of ten ('×10⁻⁵')
    heat: Any = None                 # the block means a heatmap shows (None: blank) ...
    heat_shape: tuple = ()           # ... and their shape, known before the values are
    scale: Optional[float] = None    # the heatmap's colour scale: ±scale

    def col_chars(self):
        return max((len(e) for row in self.rows for e in row), default=0)

    def size(self, col_width=None):
        """An estimate in points (width, height), for choosing a layout direction."""
        lines = self.head.split("\n")
        width = width_for(max(map(len, lines)))
        height = 18 * len(lines)
        if self.rows:
            col = col_width or width_for(self.col_chars(), NUMBER_SIZE)
            width = max(width, col * len(self.rows[0]) + 8)
            height += (NUMBER_SIZE + 4) * len(self.rows)
        if self.heat_shape:
            width = max(width, HEAT_CELL * self.heat_shape[1] + 8, 90)
            height += HEAT_CELL * self.heat_shape[0] + SMALL + 8
        return width, height


def mode_of(traced, heatmap=None):
    """'number', 'grid', 'heat' or 'text': how a value shaped like ``traced`` reads.
    ``heatmap``: None chooses by size, True a heatmap, False one line of text."""
    if traced is None or is_scalar(traced) or np.size(traced) == 0:
        return "number"
    if heatmap is False:
        return "text"
    shape = _grid_shape(traced)
    small = len(shape) == 2 and max(shape) <= GRID_SIDE
    return "grid" if small and heatmap is None else "heat"


def shown(kind, value, traced, heatmap=None, note=""):
    """The ``Shown`` of a cell labelled ``kind`` ('value', 'grad', or '' for a bare
    number) holding ``value`` (None: not known yet), shaped like ``traced``."""
    mode = mode_of(traced if value is None else value, heatmap)
    label = f"{kind}{note}"
    if mode == "number" or mode == "text":
        return Shown(" ".join(filter(None, [kind, summary(value)])) + note)
    if mode == "grid":
        grid = number_grid(_squeezed(value), GRID_SIDE, GRID_SIDE) if value is not None else None
        if grid is None:
            rows, cols = _grid_shape(traced)
            return Shown(f"{label} ?" if kind else "?", rows=(("?",) * cols,) * rows)
        head = " ".join(filter(None, [label, grid.factor]))
        return Shown(head, rows=grid.rows, factor=grid.factor)
    shape = heat_grid(traced if value is None else value, HEAT_SIDE).shape
    if value is None:
        return Shown(f"{label} ?", heat_shape=shape)
    blocks = heat_grid(value, HEAT_SIDE)
    span = value_range(value)
    if span is None:
        head = label
    elif span[0] == span[1]:
        head = f"{label} all {number(span[0])}"
    else:
        head = f"{label} {number(span[0])} … {number(span[1])}"
    finite = np.abs(blocks[np.isfinite(blocks)])
    return Shown(head.strip(), heat=blocks, heat_shape=shape,
                 scale=float(finite.max()) if finite.size else 0.0)


def _squeezed(value):
    """``value`` without its axes of length 1 beyond two: one sequence of four steps
    of one feature, (1, 4, 1), is a column of four numbers, as a teacher writes it
    (the box's name cell gives the shape)."""
    shape = np.shape(value)
    while len(shape) > 2 and 1 in shape:
        value = np.squeeze(value, axis=shape.index(1))
        shape = np.shape(value)
    return value


def _grid_shape(traced):
    """The rows and columns a grid of ``traced`` has (any number of axes for a heatmap)."""
    shape = np.shape(_squeezed(traced))
    return (1, shape[0]) if len(shape) == 1 else shape


def shown_markup(content, col_width=None, colour=None, italic=False):
    """Graphviz label markup for ``content``."""
    if not content.rows and not content.heat_shape:
        return text(content.head, colour, italic=italic)
    head = text(content.head, colour, size=SMALL + 1, italic=italic)
    if content.rows:
        width = col_width or width_for(content.col_chars(), NUMBER_SIZE)
        return stack(head, number_table(content.rows, width, NUMBER_SIZE, colour))
    blank = content.heat is None
    grid = np.zeros(content.heat_shape) if blank else content.heat
    if blank:
        low, high = "?", "?"
    elif content.scale:
        low, high = f"-{number(content.scale)}", f"+{number(content.scale)}"
    else:
        low, high = "0", "0"
    return stack(head, heatmap(grid, content.scale or 1.0, HEAT_CELL, blank),
                 scale_row(low, high, colour))


def grid_width(contents):
    """One column width (points) for every frame's grid of a cell."""
    chars = max((c.col_chars() for c in contents), default=0)
    return width_for(chars, NUMBER_SIZE) if chars else None

