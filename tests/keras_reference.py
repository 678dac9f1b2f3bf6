"""Keras 3 as an independent reference, for the tests that compare with it.

Keras is a test extra (``pip install -e ".[reference]"``, installed by run.sh under
CI), never a dependency of graphnet. It runs on its PyTorch backend (CPU), chosen
here before Keras is first imported. A test module uses it as::

    from keras_reference import keras, numpy_of   # skips the module when Keras is missing
"""
import os

import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
try:
    import keras
except ImportError as exc:
    if os.environ.get("CI") == "true":  # run.sh installs it under CI: missing, fail, not skip
        raise ImportError(f"CI=true and Keras 3, the reference of these tests, is missing ({exc}): "
                          "bash run.sh test installs it under CI; by hand: "
                          "pip install -e '.[reference]'") from exc
    pytest.skip("Keras 3, the reference of these tests, is not installed: "
                "pip install -e '.[reference]'", allow_module_level=True)


def numpy_of(x):
    """A Keras tensor (or anything array-like) as a NumPy array."""
    return keras.ops.convert_to_numpy(x)
