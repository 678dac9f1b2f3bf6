"""The step-through page in a real headless browser: Debian's chromium driven by
selenium through the system chromedriver (never a downloaded one). Without
them the test skips, except under CI=true, where a skip would hide a failure."""
import os
import shutil

import pytest

import graphnet as gn
from graphnet.viz import dot_available, write_walkthrough

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver") or (
    "/usr/bin/chromedriver" if os.path.exists("/usr/bin/chromedriver") else None)


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


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
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
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def page(browser, tmp_path_factory):
    x, y, z = gn.tensor(1.0, name="x"), gn.tensor(3.0, name="y"), gn.tensor(-3.0, name="z")
    p = x + y
    g = p * z
    paths = write_walkthrough(g, tmp_path_factory.mktemp("walk"))
    browser.get(paths["html"].resolve().as_uri())
    return browser, p.node.name, g.node.name


def shown(driver):
    """(frame index, node named by #frame-title, index of the one visible frame,
    SVG id of the node highlighted in it)."""
    from selenium.webdriver.common.by import By

    title = driver.find_element(By.ID, "frame-title")
    visible = [f for f in driver.find_elements(By.CSS_SELECTOR, "figure.frame") if f.is_displayed()]
    assert len(visible) == 1
    current = visible[0].find_elements(By.CSS_SELECTOR, "g.current")
    highlight = current[0].get_attribute("id").split("-", 1)[1] if current else None
    return (int(title.get_attribute("data-frame")), title.get_attribute("data-node"),
            int(visible[0].get_attribute("data-index")), highlight)


def test_buttons_keys_and_slider_step_through_the_frames(page):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.common.action_chains import ActionChains

    driver, add, mul = page
    assert shown(driver) == (0, "", 0, None)
    assert driver.find_element(By.ID, "prev").get_attribute("disabled") is not None

    nxt = driver.find_element(By.ID, "next")
    nxt.click()
    assert shown(driver) == (1, add, 1, f"op-{add}")
    nxt.click()
    nxt.click()
    assert shown(driver) == (3, mul, 3, None)  # the seed: d g / d g = 1, no node runs

    keys = ActionChains(driver)
    keys.send_keys(Keys.ARROW_RIGHT).perform()
    assert shown(driver) == (4, mul, 4, f"op-{mul}")
    assert "backward 1/2" in driver.find_element(By.ID, "frame-title").text
    assert "× local z = 1 × (-3) = -3" in driver.find_element(By.ID, "frame-caption").text
    keys.send_keys(Keys.ARROW_RIGHT).perform()
    assert shown(driver) == (5, add, 5, f"op-{add}")
    keys.send_keys(Keys.ARROW_RIGHT).perform()  # the last frame stays
    assert shown(driver)[0] == 5
    assert nxt.get_attribute("disabled") is not None

    keys.send_keys(Keys.ARROW_LEFT).perform()
    assert shown(driver) == (4, mul, 4, f"op-{mul}")
    driver.find_element(By.ID, "prev").click()
    assert shown(driver)[0] == 3
    keys.send_keys(Keys.HOME).perform()
    assert shown(driver) == (0, "", 0, None)

    slider = driver.find_element(By.ID, "slider")
    slider.click()  # focus; the slider's own arrow keys move it one frame at a time
    driver.execute_script("arguments[0].value = 0; arguments[0].dispatchEvent(new Event('input'))",
                          slider)
    slider.send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
    assert shown(driver) == (2, mul, 2, f"op-{mul}")
    assert driver.find_element(By.ID, "counter").text == "3 / 6"
