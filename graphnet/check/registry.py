"""The gradient-check registry: every Node class in graphnet with its example inputs.

A node class registers by defining ``examples(rng)`` in its own body, returning a
list of ``(node, inputs)`` pairs. The test suite gradchecks every pair and fails
for any concrete class without examples, so no node ships unchecked.
"""
import importlib
import pkgutil

import numpy as np

from ..core import Node

# Modules that hold no nodes and would cost or change something when imported:
# console programs, and the CUDA kernels (numba.cuda, a GPU or the simulator).
_SKIP = ("graphnet.tour", "graphnet.__main__", "graphnet.kernels.cuda")
# Optional extras some modules are built on (the scikit-learn estimators, the shipped
# datasets): where one is not installed, its modules define no nodes to find.
_EXTRAS = ("sklearn", "mlxtend", "statsmodels")


def _import_all():
    import graphnet
    for info in pkgutil.walk_packages(graphnet.__path__, "graphnet."):
        if not info.name.startswith(_SKIP):
            try:
                importlib.import_module(info.name)
            except ModuleNotFoundError as exc:
                if (exc.name or "").split(".")[0] not in _EXTRAS:
                    raise


def node_classes():
    """Every concrete Node subclass defined in graphnet (abstract bases excluded)."""
    _import_all()
    found, stack = [], list(Node.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("graphnet.") and not cls.__dict__.get("abstract", False):
            found.append(cls)
    return sorted(set(found), key=lambda c: (c.__module__, c.__name__))


def missing_examples(classes=None):
    """The classes that do not define their own ``examples``."""
    return [c for c in (node_classes() if classes is None else classes) if "examples" not in c.__dict__]


def cases(seed=0):
    """``(case_id, node, inputs)`` for every registered example."""
    out = []
    for cls in node_classes():
        if "examples" not in cls.__dict__:
            continue
        for k, (node, inputs) in enumerate(cls.examples(np.random.default_rng(seed))):
            out.append((f"{cls.__name__}[{k}]", node, tuple(inputs)))
    return out
