/* The step-through page: frames as changes to one SVG, and a camera that keeps
   the current node readable. Plain ES5, no libraries: it runs from file://.

   The camera maps a point of the drawing to the stage: screen = point * s + (x, y).
   Following (on by default), each frame picks s so that the current node's
   smallest text is at least READABLE pixels high, and centres the node with the
   boxes it reads and writes; a graph small enough to read whole stays whole. */
(function () {
  'use strict';
  var READABLE = 13;  // px: the smallest text of the current node and its neighbours, at least
  var CLOSEST = 2.2;  // px per point: no closer than this unless text needs it
  var PAD = 16;       // px kept free around what the camera frames
  var XLINK = 'http://www.w3.org/1999/xlink', SVGNS = 'http://www.w3.org/2000/svg';

  function $(id) { return document.getElementById(id); }
  var data = JSON.parse($('frames-data').textContent);
  var frames = data.frames;
  var title = $('frame-title'), caption = $('frame-caption'), slider = $('slider');
  var counter = $('counter'), prev = $('prev'), next = $('next'), stage = $('stage');
  var canvas = $('canvas'), focusCanvas = $('focus-canvas'), overview = $('overview');
  var map = $('overview-map'), followButton = $('follow'), viewButton = $('view');

  var base = canvas.querySelector('svg'), live = base;
  var elements = base ? [base].concat([].slice.call(base.querySelectorAll('*'))) : [];
  var current = 0, follow = true, focusView = !!data.focus, userZoom = 1;
  var cameras = {main: {s: 1, x: 0, y: 0}, focus: {s: 1, x: 0, y: 0}};
  var settle = null, visible = null;

  // --- frames: the first SVG, changed ---------------------------------------------
  // Each frame is the changes from the frame before ('step'), from the first frame
  // ('key', after a frame kept whole) or a whole SVG ('svg'). Applying changes
  // records what they replaced, so stepping back undoes exactly what a step did.
  function setAttr(el, name, value) {
    if (name.indexOf('xlink:') === 0) {
      if (value === null) el.removeAttributeNS(XLINK, name.slice(6));
      else el.setAttributeNS(XLINK, name, value);
    } else if (value === null) el.removeAttribute(name);
    else el.setAttribute(name, value);
  }
  function getAttr(el, name) {
    return name.indexOf('xlink:') === 0 ? el.getAttributeNS(XLINK, name.slice(6)) : el.getAttribute(name);
  }
  function change(changes) {  // returns the changes that undo these
    return changes.map(function (c) {
      var el = elements[c[0]], old = {}, text = null;
      Object.keys(c[1]).forEach(function (a) {
        old[a] = getAttr(el, a);
        setAttr(el, a, c[1][a]);
      });
      if (c[2] !== null) {
        text = el.textContent;
        el.textContent = c[2];
      }
      return [c[0], old, text];
    });
  }
  var at = 0, undo = [];  // the frame the first SVG now shows, and how it got there
  function back() { change(undo.pop()); at -= 1; }
  function reach(i) {
    var key = i;
    while (!frames[key].key) key -= 1;  // the chain that frame i is on starts here
    var chainKey = at;  // and the one the shown frame is on (never a whole SVG)
    while (!frames[chainKey].key) chainKey -= 1;
    if (chainKey !== key) {
      while (undo.length) change(undo.pop());  // back to the first frame itself
      at = key;
      undo = key ? [change(frames[key].key)] : [];
    }
    while (at > i) back();
    while (at < i) {
      at += 1;
      undo.push(change(frames[at].step));
    }
  }
  function parse(markup) {
    var holder = document.createElement('div');
    holder.innerHTML = markup;
    return holder.querySelector('svg');
  }
  function picture(i) {
    var f = frames[i], svg = base;
    if (f.svg) svg = f.parsed || (f.parsed = parse(f.svg));
    else reach(i);
    if (svg !== live) {
      canvas.replaceChild(svg, live);
      live = svg;
      drawMap();
    }
    if (data.focus) focusCanvas.innerHTML = f.focus;
  }

  // --- measuring, in the drawing's points -----------------------------------------
  function size(svg) { var v = svg.viewBox.baseVal; return {w: v.width, h: v.height}; }
  function boxOf(el, svg) {
    var r = el.getBoundingClientRect(), c = svg.getBoundingClientRect(), k = c.width / size(svg).w;
    return {x0: (r.left - c.left) / k, y0: (r.top - c.top) / k, x1: (r.right - c.left) / k,
            y1: (r.bottom - c.top) / k};
  }
  function union(boxes) {
    if (!boxes.length) return null;
    return boxes.reduce(function (a, b) {
      return {x0: Math.min(a.x0, b.x0), y0: Math.min(a.y0, b.y0), x1: Math.max(a.x1, b.x1),
              y1: Math.max(a.y1, b.y1)};
    });
  }
  function smallestText(els, svg) {
    var k = svg.getBoundingClientRect().width / size(svg).w, least = Infinity;
    els.forEach(function (el) {
      [].forEach.call(el.querySelectorAll('text'), function (t) {
        var h = t.getBoundingClientRect().height / k;
        if (h > 0 && t.textContent.trim()) least = Math.min(least, h);
      });
    });
    return isFinite(least) ? least : 12;
  }
  function targets(svg) {
    var now = [].slice.call(svg.querySelectorAll('g.node.current'));
    if (!now.length) {  // the start: where the first step will be
      var first = svg.querySelector('g.node.op');
      now = first ? [first] : [];
    }
    return {now: now, near: [].slice.call(svg.querySelectorAll('g.node.reads, g.node.writes'))};
  }

  // --- the camera ------------------------------------------------------------------
  function stageSize() {  // the part of the stage the camera frames (not the focus view's map)
    var right = focusView && overview.classList.contains('dock-right') ? overview.offsetWidth : 0;
    var below = focusView && overview.classList.contains('dock-bottom') ? overview.offsetHeight : 0;
    return {w: stage.clientWidth - right, h: stage.clientHeight - below};
  }
  function activeName() { return focusView ? 'focus' : 'main'; }
  function activeSvg() { return focusView ? focusCanvas.querySelector('svg') : live; }
  function centred(box, s) {
    var st = stageSize();
    return {s: s, x: st.w / 2 - (box.x0 + box.x1) / 2 * s, y: st.h / 2 - (box.y0 + box.y1) / 2 * s};
  }
  function clamped(cam, svg) {
    // Do not leave the drawing: where it is smaller than the stage, centre it.
    var st = stageSize(), g = size(svg), w = g.w * cam.s, h = g.h * cam.s;
    var x = w + 2 * PAD <= st.w ? (st.w - w) / 2 : Math.min(PAD, Math.max(st.w - w - PAD, cam.x));
    var y = h + 2 * PAD <= st.h ? (st.h - h) / 2 : Math.min(PAD, Math.max(st.h - h - PAD, cam.y));
    return {s: cam.s, x: x, y: y};
  }
  function wholeScale(svg) {
    var st = stageSize(), g = size(svg);
    return Math.min((st.w - 2 * PAD) / g.w, (st.h - 2 * PAD) / g.h);
  }
  function autoCamera(svg) {
    var st = stageSize(), g = size(svg), t = targets(svg);
    var whole = wholeScale(svg);
    // Readable: the current node and the boxes it reads and writes.
    var readable = READABLE / smallestText(t.now.concat(t.near), svg);
    if (!t.now.length || whole * userZoom >= readable) {
      return clamped(centred({x0: 0, y0: 0, x1: g.w, y1: g.h}, Math.min(whole, CLOSEST) * userZoom), svg);
    }
    var now = union(t.now.map(function (el) { return boxOf(el, svg); }));
    var all = union(t.now.concat(t.near).map(function (el) { return boxOf(el, svg); }));
    var fits = Math.min((st.w - 2 * PAD) / (all.x1 - all.x0), (st.h - 2 * PAD) / (all.y1 - all.y0));
    var s = Math.max(readable, Math.min(fits, Math.max(readable * 1.6, whole), CLOSEST)) * userZoom;
    s = Math.max(s, readable);
    return clamped(centred(fits >= s ? all : now, s), svg);
  }
  function apply(cam, animate) {
    var name = activeName(), el = focusView ? focusCanvas : canvas;
    animate = animate && !(window.matchMedia && matchMedia('(prefers-reduced-motion: reduce)').matches);
    cameras[name] = cam;
    if (animate) {
      stage.classList.add('moving');
      stage.dataset.moving = '1';
      clearTimeout(settle);
      settle = setTimeout(function () {
        stage.classList.remove('moving');
        delete stage.dataset.moving;
      }, 400);
    } else {
      stage.classList.remove('moving');
      delete stage.dataset.moving;
    }
    el.style.transform = 'translate(' + cam.x + 'px,' + cam.y + 'px) scale(' + cam.s + ')';
    updateMap();
  }
  function zoomAt(factor, px, py) {
    var cam = cameras[activeName()], s = cam.s * factor;
    userZoom *= factor;
    apply({s: s, x: px - (px - cam.x) * factor, y: py - (py - cam.y) * factor}, false);
  }
  function fitWhole() {
    var svg = activeSvg(), g = size(svg);
    userZoom = 1;
    setFollow(false);
    apply(clamped(centred({x0: 0, y0: 0, x1: g.w, y1: g.h}, Math.min(wholeScale(svg), CLOSEST)), svg), true);
  }
  function setFollow(on) {
    follow = on;
    followButton.setAttribute('aria-pressed', on ? 'true' : 'false');
    if (on) apply(autoCamera(activeSvg()), true);
  }

  // --- the overview: the whole graph, the part on the stage marked ------------------
  function drawMap() {
    if (!live) return;
    var g = size(live);
    map.setAttribute('viewBox', '0 0 ' + g.w + ' ' + g.h);
    while (map.firstChild) map.removeChild(map.firstChild);
    var use = document.createElementNS(SVGNS, 'use');
    var graph = live.querySelector('g.graph');
    use.setAttribute('href', '#' + graph.id);
    use.setAttributeNS(XLINK, 'xlink:href', '#' + graph.id);
    map.appendChild(use);
    visible = document.createElementNS(SVGNS, 'rect');
    visible.setAttribute('class', 'visible');
    map.appendChild(visible);
  }
  function updateMap() {
    if (!visible) return;
    var g = size(live), box;
    if (focusView) {  // the neighbourhood the focus view shows, in the whole graph
      var t = targets(live);
      box = union(t.now.concat(t.near).map(function (el) { return boxOf(el, live); }));
      overview.classList.remove('hidden');
    } else {
      var cam = cameras.main, st = stageSize();
      box = {x0: -cam.x / cam.s, y0: -cam.y / cam.s, x1: (st.w - cam.x) / cam.s, y1: (st.h - cam.y) / cam.s};
      var whole = box.x0 <= 0 && box.y0 <= 0 && box.x1 >= g.w && box.y1 >= g.h;
      overview.classList.toggle('hidden', whole);  // nothing to find: all of it is on the stage
    }
    if (!box) return;
    visible.setAttribute('x', box.x0);
    visible.setAttribute('y', box.y0);
    visible.setAttribute('width', box.x1 - box.x0);
    visible.setAttribute('height', box.y1 - box.y0);
  }

  // --- stepping ---------------------------------------------------------------------
  function show(i, animate) {
    i = Math.max(0, Math.min(frames.length - 1, i | 0));
    current = i;
    var f = frames[i];
    picture(i);
    title.dataset.frame = String(i);
    title.dataset.node = f.node;
    title.dataset.phase = f.phase;
    title.textContent = f.title;
    title.title = f.title;  // the whole line, where it is cut short
    caption.textContent = f.details;
    slider.value = String(i);
    counter.textContent = (i + 1) + ' / ' + frames.length;
    prev.disabled = i === 0;
    next.disabled = i === frames.length - 1;
    if (follow || focusView) apply(autoCamera(activeSvg()), animate);
    else updateMap();
    try { history.replaceState(null, '', '#frame-' + i); } catch (e) { /* some file:// setups */ }
  }
  function setView(focus) {
    focusView = focus && !!data.focus;
    document.body.classList.toggle('focus-view', focusView);
    focusCanvas.hidden = !focusView;
    canvas.style.visibility = focusView ? 'hidden' : 'visible';  // measured, not shown
    var home = focusView ? stage : document.querySelector('header');
    if (overview.parentNode !== home) home.insertBefore(overview, home.firstChild);
    var g = size(live), wide = g.w / g.h > stage.clientWidth / stage.clientHeight;
    overview.classList.toggle('dock-bottom', focusView && wide);
    overview.classList.toggle('dock-right', focusView && !wide);
    if (viewButton) viewButton.setAttribute('aria-pressed', focusView ? 'true' : 'false');
    show(current, false);
  }

  prev.addEventListener('click', function () { show(current - 1, true); });
  next.addEventListener('click', function () { show(current + 1, true); });
  slider.addEventListener('input', function () { show(+slider.value, true); });
  $('zoom-in').addEventListener('click', function () { var st = stageSize(); zoomAt(1.25, st.w / 2, st.h / 2); });
  $('zoom-out').addEventListener('click', function () { var st = stageSize(); zoomAt(0.8, st.w / 2, st.h / 2); });
  $('fit').addEventListener('click', fitWhole);
  followButton.addEventListener('click', function () { setFollow(!follow); });
  if (viewButton) viewButton.addEventListener('click', function () { setView(!focusView); });

  stage.addEventListener('wheel', function (e) {
    e.preventDefault();
    var r = stage.getBoundingClientRect();
    zoomAt(Math.exp(-e.deltaY * 0.0015), e.clientX - r.left, e.clientY - r.top);
  }, {passive: false});
  var drag = null;
  stage.addEventListener('pointerdown', function (e) {
    if (overview.contains(e.target)) return;
    drag = {x: e.clientX, y: e.clientY, cam: cameras[activeName()]};
    stage.classList.add('dragging');
    stage.setPointerCapture(e.pointerId);
  });
  stage.addEventListener('pointermove', function (e) {
    if (!drag) return;
    apply({s: drag.cam.s, x: drag.cam.x + e.clientX - drag.x, y: drag.cam.y + e.clientY - drag.y}, false);
  });
  function endDrag() { drag = null; stage.classList.remove('dragging'); }
  stage.addEventListener('pointerup', endDrag);
  stage.addEventListener('pointercancel', endDrag);
  overview.addEventListener('click', function (e) {
    if (focusView) setView(false);
    var p = map.createSVGPoint();
    p.x = e.clientX;
    p.y = e.clientY;
    var at = p.matrixTransform(map.getScreenCTM().inverse()), cam = cameras.main;
    setFollow(false);
    apply(clamped(centred({x0: at.x, y0: at.y, x1: at.x, y1: at.y}, cam.s), live), true);
  });
  window.addEventListener('resize', function () {
    if (follow || focusView) apply(autoCamera(activeSvg()), false);
    else updateMap();
  });
  document.addEventListener('keydown', function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    var st = stageSize(), cam = cameras[activeName()];
    if (e.shiftKey && /^Arrow/.test(e.key)) {  // shift + arrows pan
      var d = {ArrowLeft: [80, 0], ArrowRight: [-80, 0], ArrowUp: [0, 80], ArrowDown: [0, -80]}[e.key];
      e.preventDefault();
      apply({s: cam.s, x: cam.x + d[0], y: cam.y + d[1]}, true);
      return;
    }
    if (e.target === slider && /^Arrow/.test(e.key)) return;  // the slider steps itself
    var to = {ArrowRight: current + 1, ArrowDown: current + 1, PageDown: current + 1,
              ArrowLeft: current - 1, ArrowUp: current - 1, PageUp: current - 1,
              Home: 0, End: frames.length - 1}[e.key];
    if (to !== undefined) {
      e.preventDefault();
      show(to, true);
    } else if (e.key === '+' || e.key === '=') zoomAt(1.25, st.w / 2, st.h / 2);
    else if (e.key === '-' || e.key === '_') zoomAt(0.8, st.w / 2, st.h / 2);
    else if (e.key === '0') fitWhole();
    else if (e.key === 'f') setFollow(!follow);
    else if (e.key === 'v' && data.focus) setView(!focusView);
  });

  drawMap();
  var start = /^#frame-(\d+)$/.exec(location.hash);
  current = start ? +start[1] : 0;
  setView(focusView);
})();
