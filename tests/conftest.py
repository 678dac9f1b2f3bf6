"""Shared fixtures for the graphnet test suite."""
import numpy as np
import pytest

import graphnet as gn


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


@pytest.fixture
def floatx_guard():
    """Restore the library-wide default float type after the test."""
    before = gn.floatx()
    yield
    gn.set_floatx(before)



@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """Headless chromium at a 1280x800 page, shared by the browser tests (browser.py)."""
    from browser import start_browser

    driver = start_browser(tmp_path_factory)
    yield driver
    driver.quit()
