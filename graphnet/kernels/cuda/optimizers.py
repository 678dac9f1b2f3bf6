"""Optimizer updates on the GPU, with the CPU kernels' signatures (flat arrays)."""
import math

from numba import cuda

from . import THREADS, blocks


@cuda.jit
def _sgd(value, grad, lr):
    start, stride = cuda.grid(1), cuda.gridsize(1)
    for i in range(start, value.size, stride):
        value[i] -= lr * grad[i]


@cuda.jit
def _momentum(value, grad, velocity, lr, momentum, nesterov):
    start, stride = cuda.grid(1), cuda.gridsize(1)
    for i in range(start, value.size, stride):
        v = momentum * velocity[i] - lr * grad[i]
        velocity[i] = v
        value[i] += momentum * v - lr * grad[i] if nesterov else v


@cuda.jit
def _adam(value, grad, m, v, v_hat, lr_t, beta_1, one_minus_beta_1, beta_2, one_minus_beta_2,
          epsilon, amsgrad):
    start, stride = cuda.grid(1), cuda.gridsize(1)
    for i in range(start, value.size, stride):
        g = grad[i]
        m[i] = beta_1 * m[i] + one_minus_beta_1 * g
        v[i] = beta_2 * v[i] + one_minus_beta_2 * g * g
        if amsgrad:
            v_hat[i] = max(v_hat[i], v[i])
            value[i] -= lr_t * m[i] / (math.sqrt(v_hat[i]) + epsilon)
        else:
            value[i] -= lr_t * m[i] / (math.sqrt(v[i]) + epsilon)


def sgd_update(value, grad, lr):
    _sgd[blocks(value.size), THREADS](value, grad, lr)


def momentum_update(value, grad, velocity, lr, momentum, nesterov):
    _momentum[blocks(value.size), THREADS](value, grad, velocity, lr, momentum, nesterov)


def adam_update(value, grad, m, v, v_hat, lr_t, beta_1, one_minus_beta_1, beta_2,
                one_minus_beta_2, epsilon, amsgrad):
    _adam[blocks(value.size), THREADS](value, grad, m, v, v_hat, lr_t, beta_1, one_minus_beta_1,
                                       beta_2, one_minus_beta_2, epsilon, amsgrad)
