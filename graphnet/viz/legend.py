"""The key under a drawing: what the boxes, the highlight and the colours mean.

Only what the drawing uses is listed: the roles of the boxes it has, the
step-through highlight when something is highlighted, the gradient scale when
gradients colour it.
"""
from . import colors
from .labels import FONT_SIZE, SMALL, cell, table, text, width_for
from .plan import OpItem, VarItem

ROLES = (("input", "input"), ("parameter", "parameter"), ("constant", "constant"),
         ("op", "computed"), ("output", "output"))
HIGHLIGHT = ((colors.CURRENT_FILL, "current step"), (colors.READ_FILL, "it reads"),
             (colors.FRESH_FILL, "it writes"))


def legend(plan, options, caption=None):
    """The graph label: an optional caption line, the key, and for gradient flow
    a colour scale; None when there is nothing to say."""
    rows = []
    if caption is not None:
        rows.append([cell(text(caption, size=FONT_SIZE + 2), width=options.caption_width, align="LEFT")])
    if options.legend:
        keys = _kinds(plan)
        if options.highlight_key:
            keys += [_key(fill, label) for fill, label in HIGHLIGHT]
        if keys:
            rows.append([cell(_row(keys), align="LEFT")])
    if options.grad_flow and options.grad_scale is not None:
        rows.append([cell(_row(_scale(options.grad_scale)), align="LEFT")])
    if not rows:
        return None
    return table(rows, border=0, cellborder=0, padding=2)


def _kinds(plan):
    roles = {("output" if item.is_output else item.var.role) for item in plan.items
             if isinstance(item, VarItem)}
    keys = [_key(colors.ROLE_FILL[role], label) for role, label in ROLES if role in roles]
    ops = [item for item in plan.items if isinstance(item, OpItem)]
    if ops:
        keys.append(_key(colors.OP_FILL, "operation", rounded=True))
    if any(op.collapsed_composite for op in ops):
        keys.append(_key(colors.COMPOSITE_FILL, "layer (closed)", rounded=True))
    if plan.clusters:
        keys.append(_key(colors.CLUSTER_FILL, "layer (opened)", dashed=True))
    return keys


def _key(fill, label, rounded=False, dashed=False):
    """A swatch and its words, as table cells."""
    style = ' STYLE="rounded"' if rounded else ' STYLE="dashed"' if dashed else ""
    return (f'<TD BGCOLOR="{fill}" BORDER="1"{style} FIXEDSIZE="TRUE" WIDTH="{SMALL + 4}" '
            f'HEIGHT="{SMALL + 4}"></TD><TD ALIGN="LEFT">{text(" " + label + "   ", size=SMALL + 1)}</TD>')


def _row(cells):
    # A filler at the end: Graphviz stretches a nested table to its cell's width,
    # and the key must not stretch with the caption.
    return ('<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1"><TR>'
            + "".join(cells) + "<TD></TD></TR></TABLE>")


def _scale(scale):
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
    return keys
