"""Activations and their derivatives, one thread per element (grid-stride)."""
import math

from numba import cuda

from . import THREADS, blocks


@cuda.jit
def _relu_forward(x, out):
    start, stride = cuda.grid(1), cuda.gridsize(1)
    for i in range(start, x.size, stride):
        out[i] = x[i] if x[i] > 0 else 0


@cuda.jit
def _relu_backward(x, grad, out):
    start, stride = cuda.grid(1), cuda.gridsize(1)
    for i in range(start, x.size, stride):
        out[i] = grad[i] if x[i] > 0 else 0


@cuda.jit
def _sigmoid_forward(x, out):
    start, stride = cuda.grid(1), cuda.gridsize(1)
    for i in range(start, x.size, stride):
        out[i] = 1 / (1 + math.exp(-x[i]))


@cuda.jit
def _tanh_forward(x, out):
    start, stride = cuda.grid(1), cuda.gridsize(1)
    for i in range(start, x.size, stride):
        out[i] = math.tanh(x[i])


@cuda.jit
def _sigmoid_backward(y, grad, out):
    start, stride = cuda.grid(1), cuda.gridsize(1)
    for i in range(start, y.size, stride):
        out[i] = grad[i] * y[i] * (1 - y[i])


@cuda.jit
def _tanh_backward(y, grad, out):
    start, stride = cuda.grid(1), cuda.gridsize(1)
    for i in range(start, y.size, stride):
        out[i] = grad[i] * (1 - y[i] * y[i])


def _flat(*arrays):
    return [a.reshape(-1) for a in arrays]


def relu_forward(x, out):
    _relu_forward[blocks(x.size), THREADS](*_flat(x, out))


def relu_backward(x, grad, out):
    _relu_backward[blocks(x.size), THREADS](*_flat(x, grad, out))


def sigmoid_forward(x, out):
    _sigmoid_forward[blocks(x.size), THREADS](*_flat(x, out))


def sigmoid_backward(y, grad, out):
    _sigmoid_backward[blocks(y.size), THREADS](*_flat(y, grad, out))


def tanh_forward(x, out):
    _tanh_forward[blocks(x.size), THREADS](*_flat(x, out))


def tanh_backward(y, grad, out):
    _tanh_backward[blocks(y.size), THREADS](*_flat(y, grad, out))
