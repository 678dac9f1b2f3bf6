"""The step-through page in a real headless browser (see browser.py), at a 1280x800
window: every frame of six pages keeps its current node readable and on screen;
the controls, the camera, the overview and the focus view work."""
import pytest

from browser import WINDOW, assert_readable, check_every_frame, measure, open_page, settled
from graphnet.examples import backprop
from graphnet.viz import Stepper, write_walkthrough


def model_stepper(**options):
    model, batch = backprop.dense_model()
    return Stepper(model, batch=batch, **options)


PAGES = {
    "(x + y) * z": lambda: Stepper(backprop.worked_example()),
    "tensor MLP, batch of 4": lambda: Stepper(backprop.tensor_mlp()),
    "tanh recurrence, 6 steps": lambda: Stepper(backprop.tanh_recurrence(6)),
    "Dense-Dense model's loss": model_stepper,
    "the same, layers opened": lambda: model_stepper(depth=1),
    "the MLP, focus view": lambda: Stepper(backprop.tensor_mlp(), focus=1),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_every_frame_keeps_the_current_node_readable_and_on_screen(browser, tmp_path, name):
    from selenium.webdriver.common.by import By

    stepper = PAGES[name]()
    assert check_every_frame(browser, stepper.save_html(tmp_path / "page.html")) == len(stepper)
    assert browser.find_element(By.ID, "next").get_attribute("disabled") is not None
    assert measure(browser)["node"] == stepper[-1].node


@pytest.fixture(scope="module")
def worked(browser, tmp_path_factory):
    g = backprop.worked_example()
    p, mul = g.parents[0], g.node.name
    paths = write_walkthrough(g, tmp_path_factory.mktemp("walk"))
    browser.get(paths["html"].resolve().as_uri())
    return browser, p.node.name, mul


def shown(driver):
    """(frame index, node named by #frame-title, the SVG ids marked current)."""
    state = measure(driver)
    return state["frame"], state["node"], state["ids"]


def test_buttons_keys_and_slider_step_through_the_frames(worked):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver, add, mul = worked
    assert shown(driver) == (0, "", [])
    assert driver.find_element(By.ID, "prev").get_attribute("disabled") is not None

    nxt = driver.find_element(By.ID, "next")
    nxt.click()
    assert shown(driver) == (1, add, [f"m-op-{add}"])
    nxt.click()
    nxt.click()
    frame, node, ids = shown(driver)
    assert (frame, node) == (3, "g") and len(ids) == 1 and ids[0].startswith("m-var-")  # the seed

    keys = ActionChains(driver)
    keys.send_keys(Keys.ARROW_RIGHT).perform()
    assert shown(driver) == (4, mul, [f"m-op-{mul}"])
    assert "backward 1/2" in driver.find_element(By.ID, "frame-title").text
    assert "× local z = 1 × (-3) = -3" in driver.find_element(By.ID, "frame-caption").text
    texts = driver.execute_script("return [].map.call(document.querySelectorAll('#canvas text'), "
                                  "function (t) { return t.textContent; })")
    assert texts.count("grad ?") == 2 and "grad 4" in texts  # the frame's own numbers
    keys.send_keys(Keys.ARROW_RIGHT).perform()
    assert shown(driver) == (5, add, [f"m-op-{add}"])
    keys.send_keys(Keys.ARROW_RIGHT).perform()  # the last frame stays
    assert shown(driver)[0] == 5
    assert nxt.get_attribute("disabled") is not None

    keys.send_keys(Keys.ARROW_LEFT).perform()
    assert shown(driver)[:2] == (4, mul)
    driver.find_element(By.ID, "prev").click()
    assert shown(driver)[0] == 3
    keys.send_keys(Keys.HOME).perform()
    assert shown(driver) == (0, "", [])
    texts = driver.execute_script("return [].map.call(document.querySelectorAll('#canvas text'), "
                                  "function (t) { return t.textContent; })")
    assert texts.count("grad ?") == 5 and texts.count("value ?") == 2  # back to the start exactly

    slider = driver.find_element(By.ID, "slider")
    slider.click()  # focus; the slider's own arrow keys move it one frame at a time
    driver.execute_script("arguments[0].value = 0; arguments[0].dispatchEvent(new Event('input'))",
                          slider)
    slider.send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
    assert shown(driver)[:2] == (2, mul)
    assert driver.find_element(By.ID, "counter").text == "3 / 6"


CAMERA = "return document.getElementById('canvas').style.transform"


def scale(driver):
    transform = driver.execute_script(CAMERA)
    return float(transform.split("scale(")[1].rstrip(")"))


def test_zoom_fit_follow_and_the_overview(browser, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    stepper = Stepper(backprop.tanh_recurrence(6))
    driver = open_page(browser, stepper, tmp_path)
    for _ in range(5):
        driver.find_element(By.ID, "next").click()
    settled(driver)
    followed = scale(driver)
    overview = driver.find_element(By.ID, "overview")
    assert overview.is_displayed()  # the graph is larger than the stage: the map shows where we are
    driver.find_element(By.ID, "zoom-in").click()
    assert scale(driver) == pytest.approx(followed * 1.25, rel=1e-3)
    driver.find_element(By.ID, "zoom-out").click()
    assert scale(driver) == pytest.approx(followed, rel=1e-3)

    driver.find_element(By.ID, "fit").click()  # the whole graph, and following stops
    settled(driver)
    assert scale(driver) < followed
    assert driver.find_element(By.ID, "follow").get_attribute("aria-pressed") == "false"
    before = driver.execute_script(CAMERA)
    driver.find_element(By.ID, "next").click()
    assert driver.execute_script(CAMERA) == before  # not following: the camera stays
    ActionChains(driver).send_keys("f").perform()  # follow again
    settled(driver)
    assert driver.find_element(By.ID, "follow").get_attribute("aria-pressed") == "true"
    assert_readable(measure(driver))

    stage = driver.find_element(By.ID, "stage")
    ActionChains(driver).move_to_element(stage).click_and_hold().move_by_offset(120, 40).release().perform()
    moved = driver.execute_script(CAMERA)
    assert moved != before and "translate(" in moved


def test_focus_view_shows_the_neighbourhood_beside_the_whole_graph(browser, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    stepper = Stepper(backprop.tensor_mlp(), focus=1)
    driver = open_page(browser, stepper, tmp_path)
    for _ in range(3):
        driver.find_element(By.ID, "next").click()
    settled(driver)
    boxes = driver.execute_script("return document.querySelectorAll('#focus-canvas g.node').length")
    assert boxes == 3  # relu, what it reads, what it writes
    assert driver.find_element(By.ID, "overview").is_displayed()
    ActionChains(driver).send_keys("v").perform()  # the whole graph instead
    assert not driver.find_element(By.ID, "focus-canvas").is_displayed()
    assert_readable(measure(driver))


TEXTS = """return [].map.call(document.querySelectorAll('#canvas text'), function (t) {
  return t.textContent; }).join('|') + '#' + [].map.call(document.querySelectorAll('#canvas [fill]'),
  function (e) { return e.getAttribute('fill'); }).join('|');"""


def texts_in_any_order(driver, frames, order):
    """The canvas's texts and fills at each frame stepped through in turn, and at
    the frames of ``order`` reached by the slider (jumps both ways)."""
    from selenium.webdriver.common.by import By

    nxt = driver.find_element(By.ID, "next")
    in_order = []
    for i in range(frames):
        in_order.append(driver.execute_script(TEXTS))
        if i + 1 < frames:
            nxt.click()
    slider = driver.find_element(By.ID, "slider")
    jumped = {}
    for i in order:
        driver.execute_script("arguments[0].value = arguments[1]; "
                              "arguments[0].dispatchEvent(new Event('input'))", slider, i)
        jumped[i] = driver.execute_script(TEXTS)
    return in_order, jumped


def test_any_frame_reached_in_any_order_looks_the_same(browser, tmp_path):
    """Frames are kept as the changes from the frame before: jumping around, back
    and forth, must give exactly what stepping through gives."""
    stepper = Stepper(backprop.tanh_recurrence(6))
    assert len(stepper) > 40
    driver = open_page(browser, stepper, tmp_path, motion=False)
    in_order, jumped = texts_in_any_order(driver, len(stepper), [5, 47, 3, 16, 15, 63, 0, 33, 32, 31, 17, 63, 1])
    assert len(set(in_order)) > 40  # the frames do differ
    for i, seen in jumped.items():
        assert seen == in_order[i], i


def test_a_frame_kept_whole_and_the_frames_after_it(browser, tmp_path, monkeypatch):
    """A frame whose SVG has other elements than the first is kept whole; the
    frame after it starts again from the first frame's SVG."""
    stepper = Stepper(backprop.worked_example())
    drawn = list(stepper.rendered(caption=False))
    drawn[3] = drawn[3].replace("<title>graphnet</title>", "<title>graphnet</title><desc>odd</desc>", 1)
    monkeypatch.setattr(stepper, "rendered", lambda caption=True, focus=False: iter(drawn))
    page = stepper.html()
    assert '"svg":' in page and '"key":' in page
    driver = open_page(browser, stepper, tmp_path, motion=False)
    in_order, jumped = texts_in_any_order(driver, len(stepper), [2, 4, 3, 5, 0, 3, 1, 5, 4, 2])
    for i, seen in jumped.items():
        assert seen == in_order[i], i
    assert "grad 4" in in_order[4] and "value ?" in in_order[0]
