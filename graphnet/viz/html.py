"""One self-contained HTML page for a step-through: inline SVG, CSS and script.

No server, no network, no CDN: it works from file:// on a lecture-hall PC.
Stable ids for tests and for people: #frame-title carries data-frame (the
index shown), data-node (the highlighted node) and data-phase; #prev, #next,
#slider and #counter are the controls; arrow keys step too.
"""
import re
from html import escape

_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.S)
_IDS = re.compile(r'\bid="([^"]+)"')
_REFS = re.compile(r'(href="#|url\(#)([^")]+)')

STYLE = """
:root { font-family: Helvetica, Arial, sans-serif; color: #1f2328; }
body { margin: 0; padding: 12px 20px; background: #fff; }
h1 { font-size: 20px; margin: 0 0 8px; font-weight: normal; color: #555; }
#frame-title { font-size: 24px; font-weight: bold; min-height: 1.3em; }
#frame-caption { font-size: 20px; white-space: pre-line; min-height: 2.6em; margin: 4px 0 8px;
                 font-family: Menlo, Consolas, "DejaVu Sans Mono", monospace; }
#controls { display: flex; gap: 12px; align-items: center; margin: 8px 0; }
#controls button { font-size: 18px; padding: 6px 16px; cursor: pointer; }
#slider { flex: 1; }
#counter { font-size: 18px; min-width: 5em; text-align: right; }
.frame svg { display: block; width: 100%; height: auto; max-height: calc(100vh - 230px); }
.hint { color: #888; font-size: 13px; }
@media print { .frame[hidden] { display: block; } #controls, .hint { display: none; } }
"""

SCRIPT = """
(function () {
  var frames = Array.prototype.slice.call(document.querySelectorAll('.frame'));
  var title = document.getElementById('frame-title');
  var caption = document.getElementById('frame-caption');
  var slider = document.getElementById('slider');
  var counter = document.getElementById('counter');
  var prev = document.getElementById('prev');
  var next = document.getElementById('next');
  var current = 0;
  function show(i) {
    i = Math.max(0, Math.min(frames.length - 1, i | 0));
    current = i;
    frames.forEach(function (f, k) { f.hidden = k !== i; });
    var f = frames[i];
    title.dataset.frame = String(i);
    title.dataset.node = f.dataset.node;
    title.dataset.phase = f.dataset.phase;
    title.textContent = f.dataset.title;
    caption.textContent = f.dataset.details;
    slider.value = String(i);
    counter.textContent = (i + 1) + ' / ' + frames.length;
    prev.disabled = i === 0;
    next.disabled = i === frames.length - 1;
    try { history.replaceState(null, '', '#frame-' + i); } catch (e) { /* some file:// setups */ }
  }
  prev.addEventListener('click', function () { show(current - 1); });
  next.addEventListener('click', function () { show(current + 1); });
  slider.addEventListener('input', function () { show(+slider.value); });
  document.addEventListener('keydown', function (e) {
    if (e.target === slider || e.altKey || e.ctrlKey || e.metaKey) return;  // the slider steps itself
    var to = {ArrowRight: current + 1, ArrowDown: current + 1, PageDown: current + 1,
              ArrowLeft: current - 1, ArrowUp: current - 1, PageUp: current - 1,
              Home: 0, End: frames.length - 1}[e.key];
    if (to === undefined) return;
    e.preventDefault();
    show(to);
  });
  var start = /^#frame-(\\d+)$/.exec(location.hash);
  show(start ? +start[1] : 0);
})();
"""


def inline_svg(svg, prefix):
    """Graphviz's SVG without its XML prologue, ids made unique to this frame
    (every frame has a 'graph0', 'node1'...; one page holds them all)."""
    svg = _PROLOGUE.sub("", svg, count=1)
    svg = _IDS.sub(lambda m: f'id="{prefix}{m.group(1)}"', svg)
    return _REFS.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}", svg)


def page(frames, title):
    """``frames``: (svg, caption, node name, phase) per frame, in order."""
    parts = []
    for i, (svg, caption, node, phase) in enumerate(frames):
        head, _, details = caption.partition("\n")
        parts.append(
            f'<figure class="frame" id="frame-{i}" data-index="{i}" data-node="{escape(node)}" '
            f'data-phase="{escape(phase)}" data-title="{escape(head)}" '
            f'data-details="{escape(details)}"{" hidden" if i else ""}>'
            f"{inline_svg(svg, f'f{i}-')}</figure>")
    first_head, _, first_details = frames[0][1].partition("\n") if frames else ("", "", "")
    last = max(len(frames) - 1, 0)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{STYLE}</style>
<noscript><style>.frame[hidden] {{ display: block; }}</style></noscript>
</head>
<body>
<h1>{escape(title)}</h1>
<div id="frame-title" data-frame="0" data-node="{escape(frames[0][2]) if frames else ''}" data-phase="{escape(frames[0][3]) if frames else ''}" aria-live="polite">{escape(first_head)}</div>
<div id="frame-caption">{escape(first_details)}</div>
<nav id="controls">
<button id="prev" type="button" title="previous frame (left arrow)">&#9664; previous</button>
<input id="slider" type="range" min="0" max="{last}" value="0" step="1" aria-label="frame">
<button id="next" type="button" title="next frame (right arrow)">next &#9654;</button>
<span id="counter">1 / {len(frames)}</span>
</nav>
<div id="stage">
{chr(10).join(parts)}
</div>
<p class="hint">Keys: &#8592; &#8594; step, Home / End jump to the first / last frame.</p>
<script>{SCRIPT}</script>
</body>
</html>
"""
