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

