"""The gradient-check registry: every node class in graphnet is gradchecked.

Adding a Node subclass to graphnet without ``examples`` makes
``test_every_node_class_has_examples`` fail; adding one with examples adds its
cases to ``test_registered_example`` and to ``test_registered_example_in_float32``
(gradcheck runs in float64; float32, the default type, is compared with it).
"""
import gc

import numpy as np
import pytest

import graphnet as gn
from graphnet.check import cases, missing_examples, node_classes
from graphnet.check.gradcheck import check_float32
from graphnet.core import Node

CASES = cases()


def test_registry_is_not_empty_and_knows_the_primitives():
    names = {cls.__name__ for cls in node_classes()}
    for expected in ("Add", "Sub", "Mul", "Div", "Pow", "Neg", "Exp", "Log", "Sqrt", "Abs",
                     "Maximum", "Minimum", "Sum", "Mean", "Max", "MatMul", "Transpose",
                     "Reshape", "GetItem", "Tanh", "ReLU"):
        assert expected in names
    for abstract in ("Unary", "Binary", "Reduction", "Node"):
        assert abstract not in names
    assert len(CASES) >= len(names)
    ids = [c[0] for c in CASES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("case_id,node,inputs", CASES, ids=[c[0] for c in CASES])
def test_registered_example(case_id, node, inputs):
    assert isinstance(node, Node)
    report = gn.gradcheck(node, *inputs)
    assert report.rows, f"{case_id}: nothing was checked"
    assert report.ok, f"{case_id}\n{report}"


@pytest.mark.parametrize("case_id,node,inputs", CASES, ids=[c[0] for c in CASES])
def test_registered_example_in_float32(case_id, node, inputs):
    report = check_float32(node, *inputs)
    assert report.rows, f"{case_id}: nothing was checked"
    assert report.ok, f"{case_id}\n{report}"


def test_every_node_class_has_examples():
    assert missing_examples() == []


def test_every_node_class_has_at_least_one_case():
    covered = {case_id.split("[")[0] for case_id, _, _ in CASES}
    assert {cls.__name__ for cls in node_classes()} <= covered


class _NoExamples(Node):
    def forward(self, x):
        return x

    def backward(self, grad):
        return (grad,)


class _WithExamples(_NoExamples):
    @staticmethod
    def examples(rng):
        return [(_WithExamples(), (rng.normal(size=3),))]


def test_missing_examples_reports_a_class_without_them():
    assert missing_examples([_NoExamples]) == [_NoExamples]
    assert missing_examples([_WithExamples]) == []
    # inheriting a parent's examples is not enough: each class needs its own
    sub = type("_Inherits", (_WithExamples,), {})
    assert missing_examples([sub]) == [sub]


def test_a_new_graphnet_node_without_examples_fails_the_check():
    """A node class defined in a graphnet module is found by the registry."""
    cls = type("Unchecked", (Node,), {"__module__": "graphnet.ops.unchecked",
                                      "forward": lambda self, x: x,
                                      "backward": lambda self, g: (g,)})
    try:
        assert cls in node_classes()
        assert cls in missing_examples()
    finally:
        del cls
        gc.collect()  # drop it from Node.__subclasses__() for the other tests
    assert all(c.__name__ != "Unchecked" for c in node_classes())


def test_cases_are_reproducible():
    again = cases()
    for (i1, n1, in1), (i2, n2, in2) in zip(CASES, again):
        assert i1 == i2 and type(n1) is type(n2)
        for a, b in zip(in1, in2):
            np.testing.assert_array_equal(a, b)
