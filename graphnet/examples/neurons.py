"""Chapter 2 of the course, neurons, as small graphs.

A neuron forms a weighted sum of its inputs plus a bias and applies an
activation: a1 = σ(w · a0 + b). With many inputs the sum runs over them; with
many outputs each output neuron has its own weights, which stack into a matrix
W (inputs × outputs) and a bias vector b: ŷ = σ(Wᵀx + b).
"""
import numpy as np

from ..nn import activations
from ..ops import parameter, tensor


def _as_input(x):
    return x if hasattr(x, "node") else tensor(np.asarray(x, dtype=np.float64), name="a0",
                                               requires_grad=False)


def neuron(a0, w, b, activation="sigmoid"):
    """One neuron, one input: σ(w · a0 + b). Returns (output, {'w': w, 'b': b})."""
    w, b = parameter(float(w), name="w", dtype=np.float64), parameter(float(b), name="b", dtype=np.float64)
    z = w * _as_input(a0) + b
    z.name = "z"
    return activations.get(activation)(z), {"w": w, "b": b}


def neuron_many_inputs(a0, w, b, activation="sigmoid"):
    """One neuron, several inputs: σ(Σ_i w_i a0_i + b), the sum written out."""
    w = parameter(np.asarray(w, dtype=np.float64), name="w")
    b = parameter(float(b), name="b", dtype=np.float64)
    z = (w * _as_input(a0)).sum() + b
    z.name = "z"
    return activations.get(activation)(z), {"w": w, "b": b}


def dense(x, W, b, activation="sigmoid"):
    """Several inputs and outputs in matrix form: σ(Wᵀx + b).

    ``W`` has one column per output neuron; ``x`` is one sample (a vector) or a
    batch with one sample per row, for which Wᵀx becomes x W.
    """
    W = parameter(np.asarray(W, dtype=np.float64), name="W")
    b = parameter(np.asarray(b, dtype=np.float64), name="b")
    x = _as_input(x)
    z = (W.T @ x if x.ndim == 1 else x @ W) + b
    z.name = "z"
    return activations.get(activation)(z), {"W": W, "b": b}
