"""Steppers in Jupyter: an output that still shows in saved and untrusted
notebooks, and an ipywidgets UI with the page's controls.

Untrusted HTML output is sanitised (JupyterLab and Notebook 7: @jupyterlab/apputils
Sanitizer, on sanitize-html): <script>, <style> and <iframe> go; <img> with a
data: URI, <div> with inline styles (display, width, height...) and a non-empty
``hidden`` attribute stay. So the output holds a static picture of frame 1 and,
hidden, the live page in an iframe; a script, which runs only in trusted output,
swaps them.
"""
import base64
import hashlib
import itertools
import json
import math
import re
import xml.etree.ElementTree as ET
from html import escape

from .render import INSTALL_HINT, MimeBundle, dot_available, to_png

IFRAME_HEIGHT = 640   # px: the page with its controls, in a cell on a 1280x800 screen
PICTURE_HEIGHT = 460  # px: the widget's picture box
CELL_WIDTH = 960      # px: a usual cell's width, which the camera plans for
ASPECT = CELL_WIDTH / PICTURE_HEIGHT
# Graphviz's SVG units are points, shown at 4/3 px each; the camera keeps the
# scale in px per point between these, where 14pt labels stay readable.
MIN_SCALE, MAX_SCALE = 0.7, 2.0
ZOOM_STEP = 1.25

_SVG = "{http://www.w3.org/2000/svg}"
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.S)
_SIZE_ATTRS = re.compile(r'\s(?:width|height|viewBox|preserveAspectRatio)="[^"]*"')
_outputs = itertools.count(1)

# Trusted output only: show the live page, hide the picture. currentScript is the
# script in JupyterLab; the id finds the box where scripts are evaluated elsewhere.
_SWAP = """(function (s) {
  var box = s && s.parentNode && s.parentNode.querySelector ? s.parentNode : null;
  if (!box || !box.querySelector('.graphnet-live')) box = document.getElementById('%s');
  if (!box) return;
  var live = box.querySelector('.graphnet-live'), still = box.querySelector('.graphnet-static');
  var page = live.nextElementSibling;  // the page's script, found by place: some frontends
                                      // re-create scripts without their attributes
  live.querySelector('iframe').srcdoc = JSON.parse(page.textContent);
  live.hidden = false;
  live.style.display = 'block';
  still.hidden = true;
  still.style.display = 'none';
})(document.currentScript);"""


# --- the output of a stepper --------------------------------------------------------
def stepper_bundle(stepper, include=None, exclude=None):
    """``(data, metadata)`` for ``Stepper._repr_mimebundle_``: text/html with the
    static picture and the live page, image/png of frame 1 and a text/plain line."""
    n = len(stepper)
    text = f"Stepper: {n} frames of {stepper.title!r}; stepper.save_html(path) writes its page"
    if not dot_available():
        return MimeBundle({"text/plain": f"{INSTALL_HINT}\n\n{text}"}, {})
    wanted = {"text/html", "image/png", "text/plain"}
    wanted &= set(include) if include is not None else wanted
    wanted -= set(exclude or ())
    data, metadata = {}, {}
    if "text/plain" in wanted:
        data["text/plain"] = text
    if wanted & {"text/html", "image/png"}:
        first = stepper.digraph(0)  # with its caption: the static picture stands alone
        png, (width, height) = to_png(first)
        png = base64.b64encode(png).decode("ascii")
        if "image/png" in wanted:
            data["image/png"] = png
            metadata["image/png"] = {"width": width, "height": height}
        if "text/html" in wanted:
            data["text/html"] = _html(stepper, png, width)
    return MimeBundle(data, metadata)


def _html(stepper, png, width):
    n = len(stepper)
    page = stepper.html()
    box = f"graphnet-stepper-{hashlib.sha1(page.encode()).hexdigest()[:10]}-{next(_outputs)}"
    title = stepper.frames[0].caption.split("\n", 1)[0] if n else stepper.title
    note = (f"static picture of frame 1; run the notebook (or trust it) to step through "
            f"{n} frames")
    return (
        f'<div class="graphnet-stepper" id="{box}">'
        f'<div class="graphnet-static">'
        f'<img src="data:image/png;base64,{png}" width="{width}" alt="{escape(title)}" '
        f'style="max-width:100%;height:auto">'
        f'<div style="color:#777;font-size:12px">{escape(note)}</div></div>'
        # hidden="hidden", not a bare hidden: sanitize-html drops the empty attribute.
        # Resizable: the page's picture grows with the iframe's height.
        f'<div class="graphnet-live" hidden="hidden" style="display:none;width:100%;'
        f'height:{IFRAME_HEIGHT}px;resize:vertical;overflow:hidden;border:1px solid #ccc;'
        f'box-sizing:border-box">'
        f'<iframe title="{escape(stepper.title)}" '
        f'style="display:block;width:100%;height:100%;border:0"></iframe></div>'
        # The page as a JSON string: a fifth of the size it takes escaped in a srcdoc
        # attribute (every < and " spelled out), and never run (type application/json).
        f'<script type="application/json" class="graphnet-page">{_script_text(page)}</script>'
        f"<script>{_SWAP % box}</script></div>")


def _script_text(page):
    """``page`` as a JSON string that cannot end (or confuse) the script holding it."""
    return json.dumps(page).replace("</", "<\\/").replace("<!--", "<\\u0021--")


# --- where the nodes are ------------------------------------------------------------
def _compose(m, t):
    """The affine map m after t, both as SVG's (a, b, c, d, e, f)."""
    a, b, c, d, e, f = m
    return (a * t[0] + c * t[1], b * t[0] + d * t[1], a * t[2] + c * t[3], b * t[2] + d * t[3],
            a * t[4] + c * t[5] + e, b * t[4] + d * t[5] + f)


def _transform(text):
    m = (1, 0, 0, 1, 0, 0)
    for op, args in re.findall(r"(\w+)\s*\(([^)]*)\)", text or ""):
        v = [float(x) for x in _NUMBER.findall(args)] or [0.0]
        if op == "translate":
            m = _compose(m, (1, 0, 0, 1, v[0], v[1] if len(v) > 1 else 0))
        elif op == "scale":
            m = _compose(m, (v[0], 0, 0, v[1] if len(v) > 1 else v[0], 0, 0))
        elif op == "rotate":  # about the origin: Graphviz writes rotate(0), or 90 for landscape
            r = math.radians(v[0])
            m = _compose(m, (math.cos(r), math.sin(r), -math.sin(r), math.cos(r), 0, 0))
    return m


def _points(el, tag):
    if tag in ("polygon", "polyline", "path"):
        v = [float(x) for x in _NUMBER.findall(el.get("points") or el.get("d") or "")]
        return list(zip(v[::2], v[1::2]))
    if tag == "ellipse":
        cx, cy = float(el.get("cx", 0)), float(el.get("cy", 0))
        rx, ry = float(el.get("rx", 0)), float(el.get("ry", 0))
        return [(cx - rx, cy - ry), (cx + rx, cy + ry)]
    if tag == "text":  # no font metrics here: about 0.6 em a character
        x, y = float(el.get("x", 0)), float(el.get("y", 0))
        size = float(el.get("font-size", 14))
        w = 0.6 * size * len("".join(el.itertext()))
        x0 = {"middle": x - w / 2, "end": x - w}.get(el.get("text-anchor"), x)
        return [(x0, y - size), (x0 + w, y)]
    return []


def _scan(svg):
    """Graphviz's node groups, {id: (title, classes, box)}, and its edges as
    (tail title, head title), in viewBox coordinates."""
    nodes, edges = {}, []

    def walk(el, m, points):
        tag = el.tag.replace(_SVG, "")
        m = _compose(m, _transform(el.get("transform")))
        classes = (el.get("class") or "").split() if tag == "g" else []
        if "edge" in classes:
            ends = (el.findtext(f"{_SVG}title") or "").split("->")
            if len(ends) == 2:  # 'a:port->b': ports do not matter here
                edges.append(tuple(end.split(":")[0].strip() for end in ends))
            return
        if "node" in classes:
            points = []
            nodes[el.get("id")] = (el.findtext(f"{_SVG}title") or "", classes, points)
        elif points is not None:
            for x, y in _points(el, tag):
                points.append((m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]))
        for child in el:
            walk(child, m, points)

    walk(ET.fromstring(_PROLOGUE.sub("", svg, count=1).encode()), (1, 0, 0, 1, 0, 0), None)
    boxed = {}
    for key, (title, classes, points) in nodes.items():
        if points:
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            boxed[key] = (title, classes, (min(xs), min(ys), max(xs), max(ys)))
    return boxed, edges


def svg_boxes(svg):
    """``{id: (x0, y0, x1, y1)}``: each node group of Graphviz's SVG (graphnet's
    op nodes are ``op-<node name>``) and its box in the SVG's viewBox coordinates."""
    return {key: box for key, (_, _, box) in _scan(svg)[0].items()}


# --- the camera: viewBoxes (x, y, width, height) ---------------------------------------
def full_view(svg):
    match = re.search(r'viewBox="([^"]+)"', svg)
    return tuple(float(v) for v in match.group(1).split()) if match else (0, 0, 100, 100)


def _clamp(view, full):
    """Keep the view on the drawing; centre it along a side where it is the larger."""
    x, y, w, h = view
    fx, fy, fw, fh = full
    x = fx + (fw - w) / 2 if w >= fw else min(max(x, fx), fx + fw - w)
    y = fy + (fh - h) / 2 if h >= fh else min(max(y, fy), fy + fh - h)
    return (x, y, w, h)


def fits_readably(svg):
    """Whether the whole drawing, fitted into the picture box, can still be read."""
    _, _, w, h = full_view(svg)
    return min(CELL_WIDTH / w, PICTURE_HEIGHT / h) >= MIN_SCALE


def follow_view(svg, node="", zoom=1.0):
    """The current node (class 'current', else op-<node>) and its neighbours, as
    large as fits between MIN_SCALE and MAX_SCALE, times ``zoom``; the whole
    drawing when no node is current."""
    nodes, edges = _scan(svg)
    full = full_view(svg)
    current = next((k for k, (_, classes, _) in nodes.items() if "current" in classes),
                   f"op-{node}" if f"op-{node}" in nodes else None)
    if current is None:
        return full
    title = nodes[current][0]
    near = {b for a, b in edges if a == title} | {a for a, b in edges if b == title} | {title}
    boxes = [box for t, _, box in nodes.values() if t in near]
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    pad = 16
    w = max(x1 - x0 + 2 * pad, (y1 - y0 + 2 * pad) * ASPECT)
    if w > CELL_WIDTH / MIN_SCALE:  # too many neighbours to read at once: the node itself
        x0, y0, x1, y1 = nodes[current][2]
    w = min(max(w, CELL_WIDTH / MAX_SCALE), CELL_WIDTH / MIN_SCALE) / zoom
    h = w / ASPECT
    return _clamp(((x0 + x1 - w) / 2, (y0 + y1 - h) / 2, w, h), full)


def zoomed(view, factor, full):
    """``view`` zoomed about its centre: in to twice MAX_SCALE at most, out to the
    whole drawing at least."""
    x, y, w, h = view
    w2 = min(max(w / factor, CELL_WIDTH / (2 * MAX_SCALE)), max(full[2], full[3] * ASPECT))
    h2 = h * w2 / w
    return _clamp((x + (w - w2) / 2, y + (h - h2) / 2, w2, h2), full)


def framed(svg, view, height=PICTURE_HEIGHT):
    """The SVG filling a box ``height`` px tall and as wide as the cell, showing ``view``."""
    svg = _PROLOGUE.sub("", svg, count=1)
    head, rest = svg.split(">", 1)
    head = _SIZE_ATTRS.sub("", head) + (
        ' width="100%" height="100%" preserveAspectRatio="xMidYMid meet" viewBox="'
        + " ".join(f"{v:.2f}" for v in view) + '"')
    return (f'<div style="width:100%;height:{height}px;overflow:hidden;'
            f'border:1px solid #ddd;box-sizing:border-box">{head}>{rest}</div>')


# --- the widget -------------------------------------------------------------------
def widget(stepper):
    """An ipywidgets UI: previous / next, a slider over frames 1..N, zoom out / in,
    fit, and 'follow', which keeps the current node centred and readable."""
    try:
        import ipywidgets
    except ImportError:
        raise ImportError('Stepper.widget() needs ipywidgets: pip install "graphnet[notebooks]" '
                          "(or pip install ipywidgets). Without it the stepper still shows "
                          "itself as a page: display(stepper).") from None
    return _StepperWidget(stepper, ipywidgets).box


class _StepperWidget:
    def __init__(self, stepper, w):
        self.stepper, self.n = stepper, len(stepper)
        auto = dict(layout=w.Layout(width="auto"))
        self.prev = w.Button(description="◀ previous", tooltip="previous frame", **auto)
        self.next = w.Button(description="next ▶", tooltip="next frame", **auto)
        self.slider = w.IntSlider(value=1, min=1, max=max(self.n, 1), readout=False,
                                  layout=w.Layout(flex="1 1 160px", min_width="120px"))
        self.counter = w.Label()
        self.zoom_out = w.Button(description="zoom out", tooltip="zoom out", **auto)
        self.zoom_in = w.Button(description="zoom in", tooltip="zoom in", **auto)
        self.fit = w.Button(description="fit", tooltip="the whole graph", **auto)
        first = stepper.svg(0, caption=False)
        self.follow = w.ToggleButton(description="follow", value=not fits_readably(first),
                                     tooltip="keep the current node centred and readable", **auto)
        # No side margins: 100% plus ipywidgets' 2px would stick out of the cell.
        self.title = w.HTML(layout=w.Layout(width="100%", margin="2px 0"))
        self.caption = w.HTML(layout=w.Layout(width="100%", margin="2px 0"))
        self.picture = w.HTML(layout=w.Layout(width="100%", height=f"{PICTURE_HEIGHT}px",
                                              margin="2px 0", overflow="hidden"))
        controls = w.HBox([self.prev, self.slider, self.next, self.counter, self.zoom_out,
                           self.zoom_in, self.fit, self.follow],
                          layout=w.Layout(width="100%", flex_flow="row wrap", align_items="center"))
        # The box never grows wider than the cell: long captions wrap, the picture scales.
        self.box = w.VBox([controls, self.title, self.caption, self.picture],
                          layout=w.Layout(width="100%", max_width="100%", overflow="hidden"))
        self.lines = max(len(f.caption.split("\n")) for f in stepper.frames) - 1
        self.zoom, self.view = 1.0, full_view(first)

        self.slider.observe(lambda _: self.show(), names="value")
        self.prev.on_click(lambda _: self.go(-1))
        self.next.on_click(lambda _: self.go(+1))
        self.zoom_in.on_click(lambda _: self.scale(ZOOM_STEP))
        self.zoom_out.on_click(lambda _: self.scale(1 / ZOOM_STEP))
        self.fit.on_click(lambda _: self.fit_all())
        self.follow.observe(lambda _: self.show(), names="value")
        self.show()

    def go(self, step):
        self.slider.value = min(max(self.slider.value + step, 1), self.n)

    def svg(self):
        return self.stepper.svg(self.slider.value - 1, caption=False)

    def scale(self, factor):
        if self.follow.value:
            self.zoom = min(max(self.zoom * factor, 0.25), 4.0)
        else:
            self.view = zoomed(self.view, factor, full_view(self.svg()))
        self.show()

    def fit_all(self):
        self.zoom = 1.0
        self.follow.value = False  # shows, through its observer, when it was on
        self.view = full_view(self.svg())
        self.show()

    def show(self):
        i = self.slider.value - 1
        frame, svg = self.stepper.frames[i], self.svg()
        head, _, details = frame.caption.partition("\n")
        self.counter.value = f"frame {i + 1} / {self.n}"  # counted from 1, as on the page
        self.prev.disabled, self.next.disabled = i == 0, i == self.n - 1
        self.title.value = (f'<div style="color:#555">{escape(self.stepper.title)}</div>'
                            f'<div style="font-size:18px;font-weight:bold;overflow-wrap:anywhere">'
                            f"{escape(head)}</div>")
        self.caption.value = (f'<div style="font-family:monospace;white-space:pre-wrap;'
                              f'overflow-wrap:anywhere;min-height:{1.3 * self.lines:.1f}em">'
                              f"{escape(details)}</div>")
        if self.follow.value:  # before anything runs: where the first node will
            node = next((f.node for f in self.stepper.frames[i:] if f.node), "")
            self.view = follow_view(svg, node, self.zoom)
        self.picture.value = framed(svg, self.view)
