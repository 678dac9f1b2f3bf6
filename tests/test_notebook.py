"""Notebooks: drawings offer PNG beside SVG, so saved and untrusted notebooks show
them; a stepper shows a picture of frame 1 there and its live page when trusted;
the ipywidgets UI; and tutorial 01 executed in a real kernel, saved and read back.
Without a package or Graphviz a test skips, except under CI=true, where it fails."""
import base64
import importlib
import json
import os
import pathlib
import re
import shutil
import struct
import sys

import pytest

import graphnet as gn
from graphnet.viz import Stepper, draw
from graphnet.viz.render import PNG_MAX_SIDE
from graphnet.viz.notebook import (CELL_WIDTH, MIN_SCALE, fits_readably, follow_view,
                                   full_view, stepper_bundle, svg_boxes, widget)

ROOT = pathlib.Path(__file__).resolve().parents[1]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def unavailable(reason):
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run this test, but {reason}")
    pytest.skip(reason)


def need(module):
    try:
        return importlib.import_module(module)
    except ImportError:
        unavailable(f"{module} is not installed")


@pytest.fixture
def dot():
    if not shutil.which("dot"):
        unavailable("Graphviz's dot is not installed")


def worked_example():
    x, y, z = gn.tensor(1.0, name="x"), gn.tensor(3.0, name="y"), gn.tensor(-3.0, name="z")
    p = x + y
    return p, p * z


def png_size(b64):
    png = base64.b64decode(b64)
    assert png[:8] == PNG_MAGIC
    return struct.unpack(">II", png[16:24])


def view_box(html):
    return tuple(float(v) for v in re.search(r'viewBox="([^"]+)"', html).group(1).split())


# --- drawings -------------------------------------------------------------------
def test_a_drawing_offers_png_beside_svg(dot):
    p, g = worked_example()
    g.backward()
    data, metadata = draw(g, show=("name", "value", "grad"))._repr_mimebundle_()
    assert data["image/svg+xml"].lstrip().startswith("<?xml")
    width, height = png_size(data["image/png"])
    shown = metadata["image/png"]
    pt = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', data["image/svg+xml"])
    assert (shown["width"], shown["height"]) == tuple(round(float(v) * 4 / 3) for v in pt.groups())
    # twice the pixels, for sharpness, unless the cap on the long side applies
    density = min(2.0, (PNG_MAX_SIDE - 4) / max(shown["width"], shown["height"]))
    assert abs(width / shown["width"] - density) < 0.05 and abs(height / shown["height"] - density) < 0.05
    assert data["text/plain"].startswith("graphnet drawing: 7 nodes, 6 edges")


def test_a_drawing_honours_include_and_exclude_and_renders_once(dot, monkeypatch):
    p, g = worked_example()
    digraph = draw(g)
    assert set(digraph._repr_mimebundle_(include=["image/png"]).keys()) == {"image/png"}
    data, metadata = digraph._repr_mimebundle_(exclude=["image/png"])
    assert set(data) == {"image/svg+xml", "text/plain"} and metadata == {}
    assert digraph._repr_mimebundle_(include=[]) == ({}, {})
    formats = []
    pipe = type(digraph).pipe
    monkeypatch.setattr(type(digraph), "pipe", lambda self, *a, **k:
                        formats.append(k.get("format")) or pipe(self, *a, **k))
    assert "<svg" in digraph._repr_mimebundle_()["image/svg+xml"]  # reads like graphviz's dict
    assert sorted(formats) == ["png", "svg"]


def test_a_huge_drawing_keeps_its_png_small(dot):
    x = gn.tensor(1.0, name="x")
    for _ in range(40):
        x = gn.tanh(x * 1.5)
    data, metadata = draw(x)._repr_mimebundle_(include=["image/png"])
    width, height = png_size(data["image/png"])
    assert max(width, height) <= PNG_MAX_SIDE
    shown = metadata["image/png"]
    assert abs(width / height - shown["width"] / shown["height"]) < 0.05 * width / height


# --- the stepper's output ------------------------------------------------------------
def test_a_stepper_shows_a_picture_beside_its_live_page(dot):
    p, g = worked_example()
    stepper = Stepper(g)
    data, metadata = stepper_bundle(stepper)
    width, _ = png_size(data["image/png"])
    # twice the shown size, for sharpness, unless the cap on the long side applies
    assert width >= min(1.9 * metadata["image/png"]["width"], PNG_MAX_SIDE - 10)
    html = data["text/html"]
    assert f'<img src="data:image/png;base64,{data["image/png"]}"' in html
    assert ("static picture of frame 1; run the notebook (or trust it) to step through "
            "6 frames") in html
    # The live page waits, hidden, for the script; the picture is outside it.
    live = html.index('<div class="graphnet-live" hidden="hidden" style="display:none;')
    assert html.index("<img") < live < html.index("<iframe") < html.index("<script>")
    page = json.loads(re.search(r'<script type="application/json" class="graphnet-page">(.*?)</script>',
                                html, re.S).group(1))
    assert page == stepper.html() and len(html) < 1.3 * len(page) + 2 * len(data["image/png"])
    assert "6 frames" in data["text/plain"]
    assert set(stepper_bundle(stepper, exclude=["text/html"])[0]) == {"image/png", "text/plain"}


def test_trusted_output_shows_the_live_page_and_untrusted_the_picture(dot, tmp_path):
    need("selenium")
    from browser import CHROMEDRIVER, CHROMIUM
    if not (CHROMIUM and CHROMEDRIVER):
        unavailable("chromium and chromium-driver are not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must not fetch anything
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        p, g = worked_example()
        host = tmp_path / "host.html"
        host.write_text('<!DOCTYPE html><div id="trusted"></div><div id="untrusted"></div>')
        driver.get(host.as_uri())
        # What JupyterLab does: innerHTML, then each script re-created so that it runs
        # (trusted), or the sanitiser's drops first: script, style, iframe (untrusted).
        driver.execute_script("""
            var trusted = document.getElementById('trusted');
            trusted.innerHTML = arguments[0];
            trusted.querySelectorAll('script').forEach(function (old) {
              var s = document.createElement('script');
              s.textContent = old.textContent;
              old.parentNode.replaceChild(s, old);
            });
            var untrusted = document.getElementById('untrusted');
            untrusted.innerHTML = arguments[0];
            untrusted.querySelectorAll('script, style, iframe').forEach(function (e) { e.remove(); });
            """, stepper_bundle(Stepper(g))[0]["text/html"])

        def shown(box, selector):
            return driver.execute_script(
                "var e = document.querySelector(arguments[0]);"
                "return !!e && e.getClientRects().length > 0", f"#{box} {selector}")

        assert not shown("trusted", "img") and shown("trusted", "iframe")
        assert shown("untrusted", "img") and not shown("untrusted", ".graphnet-live")
        assert "static picture of frame 1" in driver.find_element("id", "untrusted").text
        live = driver.execute_script("return document.querySelector('#trusted iframe')"
                                     ".getBoundingClientRect().height")
        assert 500 < live <= 640
        driver.switch_to.frame(driver.find_element("css selector", "#trusted iframe"))
        assert "start" in driver.find_element("id", "frame-title").text
    finally:
        driver.quit()


# --- where the nodes are, and the camera ----------------------------------------------
def test_svg_boxes_find_the_nodes(dot):
    p, g = worked_example()
    stepper = Stepper(g)
    svg = stepper.svg(4, caption=False)  # backward through g's Mul
    boxes = svg_boxes(svg)
    x, y, w, h = full_view(svg)
    assert {f"op-{p.node.name}", f"op-{g.node.name}"} <= set(boxes) and len(boxes) == 7
    for x0, y0, x1, y1 in boxes.values():
        assert x <= x0 < x1 <= x + w and y <= y0 < y1 <= y + h
    add, mul = boxes[f"op-{p.node.name}"], boxes[f"op-{g.node.name}"]
    assert add[2] < mul[0]  # left to right, as computed
    vx, vy, vw, vh = follow_view(svg, g.node.name)
    assert vx <= mul[0] and mul[2] <= vx + vw and vw < w  # closer, and on the Mul
    assert follow_view(stepper.svg(0, caption=False)) == full_view(stepper.svg(0, caption=False))


def test_follow_keeps_a_node_of_a_big_graph_readable(dot):
    x = gn.tensor(0.5, name="x")
    for _ in range(30):
        x = gn.tanh(x * 1.5)
    stepper = Stepper(x)
    i = len(stepper) // 3
    svg, frame = stepper.svg(i, caption=False), stepper.frames[i]
    view = follow_view(svg, frame.node)
    x0, y0, x1, y1 = svg_boxes(svg)[f"op-{frame.node}"]
    assert view[0] <= x0 and x1 <= view[0] + view[2] and view[1] <= y0 and y1 <= view[1] + view[3]
    assert CELL_WIDTH / view[2] >= MIN_SCALE and not fits_readably(svg)


# --- the widget -------------------------------------------------------------------
def parts(box):
    """Every widget in the tree, and those with a description by it."""
    found, todo = [], [box]
    while todo:
        w = todo.pop(0)
        found.append(w)
        todo.extend(getattr(w, "children", ()))
    return found, {w.description: w for w in found if getattr(w, "description", "")}


def test_widget_steps_zooms_and_fits_in_the_cell(dot):
    need("ipywidgets")
    p, g = worked_example()
    stepper = Stepper(g)
    box = widget(stepper)
    found, c = parts(box)
    label, slider = (next(w for w in found if type(w).__name__ == kind)
                     for kind in ("Label", "IntSlider"))
    texts = [w for w in found if type(w).__name__ == "HTML"]
    picture = next(w for w in texts if "<svg" in w.value)
    assert label.value == "frame 1 / 6" and (slider.min, slider.max, slider.value) == (1, 6, 1)
    assert c["◀ previous"].disabled
    c["next ▶"].click()
    assert label.value == "frame 2 / 6"
    assert f'id="op&#45;{p.node.name}" class="node op current"' in picture.value
    assert any("forward 1/2" in w.value for w in texts)
    c["◀ previous"].click()
    assert slider.value == 1
    slider.value = 6
    assert label.value == "frame 6 / 6" and c["next ▶"].disabled

    fitted = view_box(picture.value)
    assert fitted == full_view(stepper.svg(5, caption=False))
    c["zoom in"].click()
    assert view_box(picture.value)[2] < fitted[2]
    c["fit"].click()
    assert view_box(picture.value) == fitted
    c["follow"].value = True
    assert view_box(picture.value)[2] < fitted[2]
    c["fit"].click()
    assert not c["follow"].value and view_box(picture.value) == fitted
    assert box.layout.width == "100%" and picture.layout.width == "100%"
    assert picture.layout.overflow == "hidden" and picture.layout.height.endswith("px")


def test_widget_without_ipywidgets_says_how_to_install_it(monkeypatch):
    p, g = worked_example()
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # import now fails
    with pytest.raises(ImportError, match=re.escape('pip install "graphnet[notebooks]"')):
        widget(Stepper(g))


# --- a tutorial as a notebook ------------------------------------------------------------
def test_tutorial_01_saved_as_a_notebook_keeps_every_picture(dot, tmp_path, monkeypatch):
    jupytext, nbclient, nbformat = (need(m) for m in ("jupytext", "nbclient", "nbformat"))
    need("ipykernel")
    # A kernel of this very Python; no user's start-up files, nothing written to ~.
    spec = tmp_path / "jupyter" / "kernels" / "graphnet-test"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "graphnet test", "language": "python"}))
    for name, value in {"JUPYTER_PATH": tmp_path / "jupyter", "IPYTHONDIR": tmp_path / "ipython",
                        "JUPYTER_RUNTIME_DIR": tmp_path / "runtime",
                        "GRAPHNET_FAST": "1", "GRAPHNET_OUT": tmp_path / "out",
                        "PYTHONPATH": os.pathsep.join([str(ROOT / "tutorials"), str(ROOT)])}.items():
        monkeypatch.setenv(name, str(value))

    notebook = jupytext.read(ROOT / "tutorials" / "01_computational_graphs.py")
    nbclient.NotebookClient(notebook, kernel_name="graphnet-test", timeout=120,
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    path = tmp_path / "01_computational_graphs.ipynb"
    nbformat.write(notebook, path)
    saved = nbformat.read(path, as_version=4)
    nbformat.validate(saved)

    outputs = [o for cell in saved.cells if cell.cell_type == "code"
               for o in cell.outputs if "data" in o]
    drawings = [o for o in outputs if "image/svg+xml" in o.data]
    steppers = [o for o in outputs if "graphnet-stepper" in o.data.get("text/html", "")]
    assert drawings and steppers
    for o in drawings + steppers:  # what untrusted notebooks and other viewers show
        png_size(o.data["image/png"])
        assert o.metadata["image/png"]["width"] > 0
    assert not [o for o in outputs if "object at 0x" in o.data.get("text/plain", "")]
    assert (tmp_path / "out" / "01_walkthrough.html").exists()
