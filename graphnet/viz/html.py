"""One self-contained HTML page for a step-through: inline SVG, CSS and script.

No server, no network, no CDN: it works from file:// on a lecture-hall PC.

Every frame is drawn from one plan, so the frames' SVGs differ only in texts
and colours: the page holds the first frame's SVG once and, for each further
frame, the attributes and texts that change (a frame whose SVG differs in shape
is kept whole). The script (assets/stepper.js) applies them, and moves a camera
that keeps the current node readable: zoom, pan, follow, an overview map.

Stable ids for tests and for people: #frame-title carries data-frame (the
index shown), data-node (the highlighted node) and data-phase; #prev, #next,
#slider, #counter, #zoom-in, #zoom-out, #fit, #follow and #view are the
controls; #stage is the visible area and #canvas the moving picture.
"""
import json
import re
from html import escape, unescape
from importlib import resources

from . import colors
from .legend import HIGHLIGHT, ROLES

_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.S)
_IDS = re.compile(r'\bid="([^"]+)"')
_REFS = re.compile(r'(href="#|url\(#)([^")]+)')
_SIZE = re.compile(r'<svg width="[\d.]+pt" height="[\d.]+pt"\s+viewBox="([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)"')


def _asset(name):
    return resources.files(__package__).joinpath("assets", name).read_text(encoding="utf-8")


def inline_svg(svg, prefix):
    """Graphviz's SVG without its XML prologue, ids made unique to this picture
    (every drawing has a 'graph0', 'node1'...; one page holds several), sized in
    CSS pixels one per point, so that the page's camera does the scaling."""
    svg = _PROLOGUE.sub("", svg, count=1)
    svg = _SIZE.sub(lambda m: f'<svg width="{m.group(3)}" height="{m.group(4)}" '
                              f'viewBox="{" ".join(m.groups())}"', svg, count=1)
    svg = _IDS.sub(lambda m: f'id="{prefix}{m.group(1)}"', svg)
    return _REFS.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}", svg)


# A start tag, its attributes and the text after it: Graphviz writes text only in
# <text> and <title>, and always quotes attribute values with ".
_TAG = re.compile(r'<([A-Za-z][\w:.-]*)((?:\s+[^\s=>/]+="[^"]*")*)\s*/?>([^<]*)')
_ATTR = re.compile(r'([^\s=]+)="([^"]*)"')
_TEXT_TAGS = ("text", "title")


def _elements(svg):
    """(tag, attributes as written, text) of every element, in document order (as
    ``querySelectorAll('*')`` lists them, the <svg> itself first)."""
    return [(m.group(1), m.group(2), m.group(3) if m.group(1) in _TEXT_TAGS else None)
            for m in _TAG.finditer(_PROLOGUE.sub("", svg, count=1))]


def _changes(old, new, prefix):
    """What turns the elements ``old`` into ``new`` (the same tags, in order)."""
    changes = []
    for k, (a, b) in enumerate(zip(old, new)):
        if a == b:  # most elements: the same text to the letter
            continue
        before, after = dict(_ATTR.findall(a[1])), dict(_ATTR.findall(b[1]))
        attrs = {n: (prefix if n == "id" else "") + unescape(v)
                 for n, v in after.items() if before.get(n) != v}
        attrs.update({n: None for n in before if n not in after})
        text = unescape(b[2]) if b[2] != a[2] else None
        if attrs or text is not None:
            changes.append([k, attrs, text])
    return changes


def patches(svgs, prefix):
    """How the page gets each frame from the first one's SVG, frame by frame
    (``svgs`` may be a generator: only two are held at a time): ``("step",
    changes)`` from the frame before (most of a frame is as the frame before left
    it); ``("svg", its SVG)`` for an SVG whose elements differ from the first's,
    kept whole; ``("key", changes)`` from the first frame itself, for a frame that
    follows one kept whole. ``changes``: ``[[element index, {attribute: value or
    None}, text or None], ...]``. The first item is ``("base", the first SVG)``."""
    svgs = iter(svgs)
    first = next(svgs)
    base = _elements(first)
    shape = [e[0] for e in base]
    yield "base", first
    before = base
    for svg in svgs:
        mine = _elements(svg)
        if [e[0] for e in mine] != shape:
            yield "svg", svg
            mine = None
        elif before is None:
            yield "key", _changes(base, mine, prefix)
        else:
            yield "step", _changes(before, mine, prefix)
        before = mine


def legend_html(plan, options):
    """The page's key: the box kinds the graph has, the highlight, the edges."""
    roles = {("output" if getattr(item, "is_output", False) else item.var.role)
             for item in plan.items if hasattr(item, "var")}
    keys = [(colors.ROLE_FILL[role], label, "box") for role, label in ROLES if role in roles]
    keys.append((colors.OP_FILL, "operation", "op"))
    if plan.clusters:
        keys.append((colors.CLUSTER_FILL, "layer (opened)", "cluster"))
    keys += [(fill, label, "box") for fill, label in HIGHLIGHT]
    keys += [(colors.INPUT_EDGE, "its inputs", "edge"), (colors.OUTPUT_EDGE, "its output", "edge")]
    parts = [f'<span class="key"><i class="swatch {kind}" style="--fill:{fill}"></i>{escape(label)}</span>'
             for fill, label, kind in keys]
    if options.grad_flow and options.grad_scale is not None:
        stops = ", ".join(colors.RAMP)
        parts.append(f'<span class="key"><i class="swatch ramp" style="--ramp:linear-gradient(90deg, {stops})">'
                     f'</i>|grad| 1e{options.grad_scale.lo:+03d} … 1e{options.grad_scale.hi:+03d}</span>')
    return "".join(parts)


def page(svgs, frames, title, options, plan, focus_svgs=None):
    """The page for ``frames`` (Frame objects) drawn as ``svgs`` (without captions);
    ``focus_svgs``: each frame's neighbourhood, for the focus view."""
    data, drawing = [], ""
    focus = iter(focus_svgs) if focus_svgs is not None else None
    for frame, (kind, change) in zip(frames, patches(svgs, "m-")):
        head, _, details = frame.caption.partition("\n")
        entry = {"title": head, "details": details, "node": frame.node, "phase": frame.phase,
                 "depth": frame.depth}
        if kind == "base":
            drawing, entry["key"] = inline_svg(change, "m-"), []
        else:
            entry[kind] = inline_svg(change, "m-") if kind == "svg" else change
        if focus is not None:
            entry["focus"] = inline_svg(next(focus), "f-")
        data.append(entry)
    lines = max(len(f.caption.split("\n")) - 1 for f in frames) if frames else 1
    first = frames[0] if frames else None
    first_head, _, first_details = first.caption.partition("\n") if first else ("", "", "")
    payload = json.dumps({"frames": data, "focus": focus_svgs is not None}, separators=(",", ":"))
    payload = payload.replace("</", "<\\/")  # never ends the script element early
    last = max(len(frames) - 1, 0)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{_asset("stepper.css")}</style>
<style>#frame-caption {{ min-height: {min(max(lines, 1), 4) * 1.35:.2f}em; }}</style>
</head>
<body>
<header>
<div id="overview" title="the whole graph; click to look there"><svg id="overview-map"></svg></div>
<h1>{escape(title)}</h1>
<div id="frame-title" data-frame="0" data-node="{escape(first.node) if first else ''}" data-phase="{escape(first.phase) if first else ''}" aria-live="polite">{escape(first_head)}</div>
<div id="frame-caption">{escape(first_details)}</div>
<nav id="controls">
<button id="prev" type="button" title="previous frame (left arrow)">&#9664; previous</button>
<input id="slider" type="range" min="0" max="{last}" value="0" step="1" aria-label="frame">
<button id="next" type="button" title="next frame (right arrow)">next &#9654;</button>
<span id="counter">1 / {len(frames)}</span>
<span class="group">
<button id="zoom-out" type="button" title="zoom out (-)">&#8722;</button>
<button id="zoom-in" type="button" title="zoom in (+)">+</button>
<button id="fit" type="button" title="the whole graph (0)">fit</button>
<button id="follow" type="button" aria-pressed="true" title="follow the current node (f)">follow</button>
{'<button id="view" type="button" aria-pressed="true" title="the neighbourhood of the current node, or the whole graph (v)">focus</button>' if focus_svgs is not None else ''}
</span>
</nav>
<div id="legend">{legend_html(plan, options)}</div>
</header>
<main id="stage" tabindex="-1">
<div id="canvas">{drawing}</div>
<div id="focus-canvas" hidden></div>
</main>
<p class="hint">Keys: &#8592; &#8594; step, Home / End first / last frame, + / &#8722; zoom, 0 whole graph,
f follow, shift + arrows pan{', v focus or whole graph' if focus_svgs is not None else ''}. Drag to pan, wheel to zoom.</p>
<script type="application/json" id="frames-data">{payload}</script>
<script>{_asset("stepper.js")}</script>
</body>
</html>
"""
