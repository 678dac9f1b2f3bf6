"""Colours: what each kind of variable looks like, and gradient magnitude on a log scale."""
import math

# Header colour of a value record, by the variable's role. Light fills keep
# black text readable on a projector; the output gets its own green.
ROLE_FILL = {
    "input": "#cfe3ff",
    "parameter": "#ffd98a",
    "constant": "#e6e6e6",
    "op": "#ffffff",
    "output": "#b9f2c9",
}
OP_FILL = "#f2f2f2"
COMPOSITE_FILL = "#efe7ff"
CLUSTER_FILL = "#faf7ff"
CLUSTER_BORDER = "#7a5cc7"
EDGE = "#555555"
BORDER = "#444444"
OUTPUT_BORDER = "#1a7f37"
MUTED = "#888888"          # unknown ('?') and stale text
CURRENT_FILL = "#ffd23f"   # the node being evaluated in a step-through frame
FRESH_FILL = "#fff3b0"     # a value or gradient computed by the current step
READ_FILL = "#dcebff"      # one the current step reads
INPUT_EDGE = "#1f6feb"     # edges feeding the current node
OUTPUT_EDGE = "#d62828"    # edges leaving it
ZERO_GRAD = "#bdbdbd"

# Gradient magnitude, low to high: vanishing gradients come out blue, healthy
# ones green, exploding ones red; every stop stays visible as an edge on white.
RAMP = ("#3b4cc0", "#2b9fc6", "#3fa34d", "#e8b100", "#d7191c")


def ramp(t):
    """The colour at position ``t`` in [0, 1] along ``RAMP``, as #rrggbb."""
    t = min(max(t, 0.0), 1.0) * (len(RAMP) - 1)
    i = min(int(t), len(RAMP) - 2)
    lo, hi = _rgb(RAMP[i]), _rgb(RAMP[i + 1])
    f = t - i
    return "#" + "".join(f"{round(a + (b - a) * f):02x}" for a, b in zip(lo, hi))


def diverging(t):
    """Blue for -1, white for 0, red for +1: the cells of a tensor heatmap."""
    t = min(max(t, -1.0), 1.0)
    far = (0x2c, 0x7b, 0xb6) if t < 0 else (0xd7, 0x19, 0x1c)
    f = abs(t)
    return "#" + "".join(f"{round(255 + (c - 255) * f):02x}" for c in far)


def ink(fill):
    """Black or white text, whichever reads better on ``fill``."""
    if not fill or not fill.startswith("#"):
        return None
    r, g, b = _rgb(fill)
    return "#ffffff" if 0.299 * r + 0.587 * g + 0.114 * b < 140 else None


def _rgb(hex_colour):
    return tuple(int(hex_colour[k:k + 2], 16) for k in (1, 3, 5))


class GradScale:
    """Maps a gradient magnitude to a colour and a pen width on a log10 scale.

    The scale spans whole decades around the magnitudes it is given (at least
    two), so a legend reads 1e-06 ... 1e+02 and equal steps mean equal ratios.
    """

    def __init__(self, magnitudes=(), low=None, high=None):
        logs = [math.log10(m) for m in magnitudes if m is not None and m > 0 and math.isfinite(m)]
        # The slack keeps float32's 1e-6 (9.9999997e-07) in the decade of 1e-06.
        lo = math.floor(min(logs) + 1e-4) if logs else -3
        hi = math.ceil(max(logs) - 1e-4) if logs else 1
        if low is not None:
            lo = math.floor(math.log10(low) + 1e-4)
        if high is not None:
            hi = math.ceil(math.log10(high) - 1e-4)
        if hi - lo < 2:  # a single magnitude sits mid-scale, not at an end
            lo, hi = lo - 1, hi + 1
        self.lo, self.hi = lo, hi

    def position(self, magnitude):
        return (math.log10(magnitude) - self.lo) / (self.hi - self.lo)

    def colour(self, magnitude):
        if magnitude is None:
            return None
        if magnitude == 0 or not math.isfinite(magnitude):
            return ZERO_GRAD if magnitude == 0 else RAMP[-1]
        return ramp(self.position(magnitude))

    def penwidth(self, magnitude):
        if not magnitude or not math.isfinite(magnitude):
            return 1.0
        return round(1.0 + 3.0 * min(max(self.position(magnitude), 0.0), 1.0), 2)

    def ticks(self):
        """The decades the legend labels, at most seven of them."""
        step = max(1, math.ceil((self.hi - self.lo) / 6))
        return list(range(self.lo, self.hi + 1, step))
