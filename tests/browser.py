"""Driving step-through pages in a real headless browser: Debian's chromium
through selenium and the system chromedriver (never a downloaded one), at a
1280x800 window, as a lecturer's projector shows it. Without them the browser
tests skip, except under CI=true, where a skip would hide a failure.

What ``check_every_frame`` measures, on every frame of a page: the current
node's smallest text is at least 11 CSS pixels high and its box lies inside the
visible stage.
"""
import os
import shutil
import time

import pytest

from graphnet.viz import dot_available

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver") or (
    "/usr/bin/chromedriver" if os.path.exists("/usr/bin/chromedriver") else None)
WINDOW = (1280, 800)
READABLE_PX = 11


def _unavailable():
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed"
    if not (CHROMIUM and CHROMEDRIVER):
        return "chromium and chromium-driver are not installed"
    if not dot_available():
        return "Graphviz's dot is not installed"
    return None


def start_browser(tmp_path_factory):
    """A headless chromium with a 1280x800 page (the ``browser`` fixture)."""
    reason = _unavailable()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the browser test, but {reason}")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must not fetch anything
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    # The page's own size, whatever the headless window's frame takes.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": WINDOW[0], "height": WINDOW[1], "deviceScaleFactor": 1,
                            "mobile": False})
    return driver


def open_page(driver, stepper, directory, motion=True):
    """Open ``stepper``'s page (or a saved page's path); ``motion=False`` asks for
    reduced motion (the camera then jumps instead of gliding: the same places, sooner)."""
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [
        {"name": "prefers-reduced-motion", "value": "no-preference" if motion else "reduce"}]})
    path = stepper if isinstance(stepper, os.PathLike) else stepper.save_html(directory / "page.html")
    driver.get(path.resolve().as_uri())
    assert driver.execute_script("return [innerWidth, innerHeight]") == list(WINDOW)
    return driver


def settled(driver):
    """Wait for the camera's move to end (the stage is marked while it moves)."""
    for _ in range(100):
        if not driver.execute_script("return 'moving' in document.getElementById('stage').dataset"):
            return
        time.sleep(0.05)
    raise AssertionError("the camera never settled")


MEASURE = """
var stage = document.getElementById('stage').getBoundingClientRect();
var focus = document.body.classList.contains('focus-view');
var root = document.getElementById(focus ? 'focus-canvas' : 'canvas');
var nodes = [].slice.call(root.querySelectorAll('g.node.current'));
var heights = [], boxes = [];
nodes.forEach(function (n) {
  var r = n.getBoundingClientRect();
  boxes.push([r.left, r.top, r.right, r.bottom]);
  [].forEach.call(n.querySelectorAll('text'), function (t) {
    if (t.textContent.trim()) heights.push(t.getBoundingClientRect().height);
  });
});
var title = document.getElementById('frame-title');
return {frame: +title.dataset.frame, node: title.dataset.node, phase: title.dataset.phase,
        heights: heights, boxes: boxes, stage: [stage.left, stage.top, stage.right, stage.bottom],
        ids: nodes.map(function (n) { return n.id; })};
"""


def measure(driver):
    return driver.execute_script(MEASURE)


def assert_readable(state):
    """The current node's text big enough, its box inside the stage and the window."""
    assert state["boxes"], f"frame {state['frame']}: no current node drawn"
    assert min(state["heights"]) >= READABLE_PX, (state["frame"], state["node"], state["heights"])
    left, top, right, bottom = state["stage"]
    for x0, y0, x1, y1 in state["boxes"]:
        assert left - 0.5 <= x0 and x1 <= right + 0.5 and top - 0.5 <= y0 and y1 <= bottom + 0.5, \
            (state["frame"], state["node"], (x0, y0, x1, y1), state["stage"])
        assert x1 <= WINDOW[0] and y1 <= WINDOW[1]


def check_every_frame(driver, path):
    """Step through the page at ``path`` with the next button, checking that every
    frame but the start keeps its current node readable and on screen."""
    from selenium.webdriver.common.by import By

    open_page(driver, path, None, motion=False)
    frames = int(driver.find_element(By.ID, "slider").get_attribute("max")) + 1
    nxt = driver.find_element(By.ID, "next")
    for i in range(frames):
        settled(driver)
        state = measure(driver)
        assert state["frame"] == i
        if state["phase"] != "start":  # the start has no current node
            assert_readable(state)
        if i + 1 < frames:
            nxt.click()
    return frames
