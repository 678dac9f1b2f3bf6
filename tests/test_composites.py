"""Every composite node agrees with the primitive graph its ``expand()`` builds:
same outputs, same gradients, on every registered example."""
import copy

import numpy as np
import pytest

import graphnet as gn
from graphnet.check import cases
from graphnet.core import Node
from graphnet.ops.tensor import apply

# A random node's expansion has no way to draw the same random numbers: the
# unrolled recurrences show the computation without recurrent dropout.
COMPOSITES = [(cid, node, inputs) for cid, node, inputs in cases()
              if type(node).expand is not Node.expand and not getattr(node, "recurrent_dropout", 0)]


def test_there_are_composites():
    names = {type(node).__name__ for _, node, _ in COMPOSITES}
    assert {"Sigmoid", "Softmax", "LogSoftmax", "CategoricalCrossentropy", "MeanSquaredError"} <= names


def _leaves(node, inputs):
    leaves = []
    for i, x in enumerate(inputs):
        x = np.asarray(x)
        wanted = x.dtype.kind == "f" and node.wants(i)
        leaves.append(gn.tensor(x, dtype=np.float64) if wanted else gn.constant(x, dtype=x.dtype))
    return leaves


@pytest.mark.parametrize("cid,node,inputs", COMPOSITES, ids=[c[0] for c in COMPOSITES])
def test_fused_and_expanded_agree(cid, node, inputs):
    fused_leaves, expanded_leaves = _leaves(node, inputs), _leaves(node, inputs)
    fused = apply(copy.copy(node), *fused_leaves)
    expanded = copy.copy(node).expand(*expanded_leaves)
    assert expanded.node is not None and type(expanded.node) is not type(node)
    np.testing.assert_allclose(np.asarray(fused.value), np.asarray(expanded.value), rtol=1e-10, atol=1e-12)

    seed = np.random.default_rng(1).normal(size=np.shape(fused.value))
    fused.backward(seed)
    expanded.backward(seed)
    for a, b in zip(fused_leaves, expanded_leaves):
        if a.requires_grad:
            np.testing.assert_allclose(a.grad, b.grad, rtol=1e-8, atol=1e-10)
