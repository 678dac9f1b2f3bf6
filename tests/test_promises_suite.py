"""The suite's own checks catch the bugs they are there for: bugs are planted here
(by monkeypatching, undone after each test) and the checks must fail on them.

- gradcheck runs every node in float64, so a float32-only error needs
  ``check_float32`` (which ``test_registry`` runs on every registered example);
- a loss mean divided by the batch size alone, not by every sample of a
  sequence output, needs registered losses with (n, T, k) predictions.
"""
import numpy as np
import pytest

import graphnet as gn
from graphnet.check import cases
from graphnet.check.gradcheck import check_float32
from graphnet.nn import losses, recurrent
from graphnet.nn.activations import Sigmoid, Softmax
from graphnet.nn.conv import Conv2DNode, MaxPool2DNode
from graphnet.nn.layers import DenseNode
from graphnet.nn.recurrent import GRUNode, LSTMCell, LSTMNode, SimpleRNNNode

CASES = cases()


def cases_of(*classes):
    found = [(cid, node, inputs) for cid, node, inputs in CASES if type(node) in classes]
    assert found, f"no registered examples of {classes}"
    return found


def one_percent_off_in_float32(values):
    return tuple(v * np.float32(1.01) if v is not None and v.dtype == np.float32 else v for v in values)


@pytest.mark.parametrize("cls", [DenseNode, Conv2DNode, LSTMNode, GRUNode, SimpleRNNNode, Sigmoid, Softmax,
                                 MaxPool2DNode], ids=lambda c: c.__name__)
def test_a_float32_gradient_1_percent_off_is_caught(monkeypatch, cls):
    backward = cls.backward
    monkeypatch.setattr(cls, "backward", lambda self, grad: one_percent_off_in_float32(backward(self, grad)))
    for cid, node, inputs in cases_of(cls):
        assert gn.gradcheck(node, *inputs).ok, f"{cid}: the plant is meant to be float32-only"
        report = check_float32(node, *inputs)
        assert not report.ok, f"{cid}: a float32 gradient 1% off passed\n{report}"


def test_a_float32_output_1_percent_off_is_caught(monkeypatch):
    forward = DenseNode.forward
    monkeypatch.setattr(DenseNode, "forward", lambda self, *xs: one_percent_off_in_float32((forward(self, *xs),))[0])
    for cid, node, inputs in cases_of(DenseNode):
        assert f"{node.name} output" in {r.name for r in check_float32(node, *inputs).failures}, cid


def test_a_float32_lstm_kernel_1_percent_off_is_caught(monkeypatch):
    """Inside a kernel: the LSTM backward step's gate gradients dz, 1% off in float32."""
    kernel = recurrent.kernel

    def planted(name, *arrays):
        step = kernel(name, *arrays)
        if name != "lstm_backward_step":
            return step

        def off(*args):
            step(*args)
            if args[7].dtype == np.float32:
                args[7][...] *= np.float32(1.01)
        return off

    monkeypatch.setattr(recurrent, "kernel", planted)
    for cid, node, inputs in cases_of(LSTMNode, LSTMCell):
        assert not check_float32(node, *inputs).ok, cid


def loss_classes():
    return [c for c in vars(losses).values()
            if isinstance(c, type) and issubclass(c, losses.Loss) and not c.__dict__.get("abstract")]


def test_every_loss_is_registered_with_sequence_predictions():
    """(n, T, k) for every loss, and (n, T) for those that take any last axis."""
    for cls in loss_classes():
        shapes = {np.shape(inputs[1]) for _, _, inputs in cases_of(cls)}
        assert any(len(s) == 3 for s in shapes), f"{cls.__name__}: no (n, T, k) predictions in {shapes}"
        assert any(len(s) == 2 for s in shapes), f"{cls.__name__}: no (n, T) predictions in {shapes}"


def test_a_loss_mean_over_the_batch_alone_is_caught(monkeypatch):
    """For (n, T, k) predictions the mean is over n * T samples; dividing the
    gradient by n alone makes it T times too large."""
    def backward(self, grad):
        if self.reduction == "mean":
            grad = grad / self.samples[0]
        g = np.broadcast_to(grad, self.samples)
        return None, ((g[..., None] if self.per_axis else g) * self.dpred).astype(self.dtype)

    monkeypatch.setattr(losses.Loss, "backward", backward)
    for cls in loss_classes():
        sequences = [(cid, node, inputs) for cid, node, inputs in cases_of(cls)
                     if np.ndim(inputs[1]) == 3 and node.reduction == "mean"]
        assert sequences and all(not gn.gradcheck(node, *inputs).ok for _, node, inputs in sequences), cls
