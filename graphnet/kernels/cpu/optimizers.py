"""Optimizer update rules: one fused Numba kernel per rule, beside its NumPy reference.

Every kernel makes one pass over flat (1-D, C-contiguous) arrays and updates the
parameter ``value`` and the rule's state arrays in place. Each ``*_reference``
function does the same update with whole-array NumPy operations: easier to read,
slower (every operation makes a temporary array), and what the tests compare with.

The scalars (learning rate, betas, ``1 - beta`` ...) arrive already computed and
cast to the arrays' dtype by the optimizer, and the kernels contain no numeric
literals: in Numba, ``1 - rho`` with a float32 ``rho`` is computed in float64,
which would make a float32 update slower and different from its reference.

Division uses NumPy's error model (``x / 0`` gives inf, as in NumPy, instead of
raising), which also lets LLVM vectorise the loops.

The loops are serial on purpose. ``prange`` halves an isolated Adam step on two
cores, but inside a training step its threads fight OpenBLAS's, still spinning
after the matrix products: a NumPy forward, backward and Adam step of the course's
MLP (batch 100) went from 1.0 ms to 8 ms (OpenMP threading layer) or 1.2 ms (workqueue).
"""
import math

import numpy as np

from ..jit import njit

kernel = njit(error_model="numpy")


# --- weight decay (any rule, before its update) ----------------------------------
@kernel
def weight_decay_update(value, keep):
    """Keras 3's decoupled weight decay: ``keep = 1 - weight_decay * lr`` of each weight."""
    for i in range(value.size):
        value[i] *= keep


def weight_decay_update_reference(value, keep):
    value *= keep


# --- SGD ---------------------------------------------------------------------
@kernel
def sgd_update(value, grad, lr):
    for i in range(value.size):
        value[i] -= lr * grad[i]


def sgd_update_reference(value, grad, lr):
    value -= lr * grad


@kernel
def momentum_update(value, grad, velocity, lr, momentum, nesterov):
    for i in range(value.size):
        velocity[i] = momentum * velocity[i] - lr * grad[i]
        if nesterov:  # look ahead: step by the new velocity once more
            value[i] += momentum * velocity[i] - lr * grad[i]
        else:
            value[i] += velocity[i]


def momentum_update_reference(value, grad, velocity, lr, momentum, nesterov):
    velocity[...] = momentum * velocity - lr * grad
    if nesterov:
        value += momentum * velocity - lr * grad
    else:
        value += velocity


# --- RMSprop, Adagrad, Adadelta ----------------------------------------------
@kernel
def rmsprop_update(value, grad, mean_square, velocity, lr, rho, one_minus_rho,
                   momentum, epsilon):
    """``velocity`` is only read when ``momentum > 0`` (it may be empty otherwise)."""
    for i in range(value.size):
        g = grad[i]
        mean_square[i] = rho * mean_square[i] + one_minus_rho * g * g
        increment = lr * g / math.sqrt(mean_square[i] + epsilon)
        if momentum > 0:
            velocity[i] = momentum * velocity[i] + increment
            increment = velocity[i]
        value[i] -= increment


def rmsprop_update_reference(value, grad, mean_square, velocity, lr, rho, one_minus_rho,
                             momentum, epsilon):
    mean_square[...] = rho * mean_square + one_minus_rho * grad * grad
    increment = lr * grad / np.sqrt(mean_square + epsilon)
    if momentum > 0:
        velocity[...] = momentum * velocity + increment
        increment = velocity
    value -= increment


@kernel
def rmsprop_centered_update(value, grad, mean_square, mean_gradient, velocity, lr, rho,
                            one_minus_rho, momentum, epsilon):
    """RMSprop dividing by the gradients' running standard deviation, not their RMS."""
    for i in range(value.size):
        g = grad[i]
        mean_square[i] = rho * mean_square[i] + one_minus_rho * g * g
        mean_gradient[i] = rho * mean_gradient[i] + one_minus_rho * g
        variance = mean_square[i] - mean_gradient[i] * mean_gradient[i]
        increment = lr * g / math.sqrt(variance + epsilon)
        if momentum > 0:
            velocity[i] = momentum * velocity[i] + increment
            increment = velocity[i]
        value[i] -= increment


def rmsprop_centered_update_reference(value, grad, mean_square, mean_gradient, velocity, lr, rho,
                                      one_minus_rho, momentum, epsilon):
    mean_square[...] = rho * mean_square + one_minus_rho * grad * grad
    mean_gradient[...] = rho * mean_gradient + one_minus_rho * grad
    increment = lr * grad / np.sqrt(mean_square - mean_gradient * mean_gradient + epsilon)
    if momentum > 0:
        velocity[...] = momentum * velocity + increment
        increment = velocity
    value -= increment


@kernel
def adagrad_update(value, grad, accumulator, lr, epsilon):
    for i in range(value.size):
        g = grad[i]
        accumulator[i] += g * g
        value[i] -= lr * g / math.sqrt(accumulator[i] + epsilon)


def adagrad_update_reference(value, grad, accumulator, lr, epsilon):
    accumulator += grad * grad
    value -= lr * grad / np.sqrt(accumulator + epsilon)


@kernel
def adadelta_update(value, grad, accumulated_grad, accumulated_delta, lr, rho,
                    one_minus_rho, epsilon):
    for i in range(value.size):
        g = grad[i]
        accumulated_grad[i] = rho * accumulated_grad[i] + one_minus_rho * g * g
        # The step has the units of the parameter: RMS of past steps / RMS of gradients.
        delta = (math.sqrt(accumulated_delta[i] + epsilon) * g
                 / math.sqrt(accumulated_grad[i] + epsilon))
        accumulated_delta[i] = rho * accumulated_delta[i] + one_minus_rho * delta * delta
        value[i] -= lr * delta


def adadelta_update_reference(value, grad, accumulated_grad, accumulated_delta, lr, rho,
                              one_minus_rho, epsilon):
    accumulated_grad[...] = rho * accumulated_grad + one_minus_rho * grad * grad
    delta = np.sqrt(accumulated_delta + epsilon) * grad / np.sqrt(accumulated_grad + epsilon)
    accumulated_delta[...] = rho * accumulated_delta + one_minus_rho * delta * delta
    value -= lr * delta


# --- Adam and its relatives ----------------------------------------------------
@kernel
def adam_update(value, grad, m, v, v_hat, lr_t, beta_1, one_minus_beta_1, beta_2,
                one_minus_beta_2, epsilon, amsgrad):
    """``lr_t`` has the bias corrections folded in; ``v_hat`` is only used with ``amsgrad``."""
    for i in range(value.size):
        g = grad[i]
        m[i] = beta_1 * m[i] + one_minus_beta_1 * g
        v[i] = beta_2 * v[i] + one_minus_beta_2 * g * g
        if amsgrad:  # divide by the largest v seen so far, so steps never grow back
            v_hat[i] = max(v_hat[i], v[i])
            value[i] -= lr_t * m[i] / (math.sqrt(v_hat[i]) + epsilon)
        else:
            value[i] -= lr_t * m[i] / (math.sqrt(v[i]) + epsilon)


def adam_update_reference(value, grad, m, v, v_hat, lr_t, beta_1, one_minus_beta_1, beta_2,
                          one_minus_beta_2, epsilon, amsgrad):
    m[...] = beta_1 * m + one_minus_beta_1 * grad
    v[...] = beta_2 * v + one_minus_beta_2 * grad * grad
    if amsgrad:
        np.maximum(v_hat, v, out=v_hat)
        value -= lr_t * m / (np.sqrt(v_hat) + epsilon)
    else:
        value -= lr_t * m / (np.sqrt(v) + epsilon)


@kernel
def adamax_update(value, grad, m, u, lr_t, beta_1, one_minus_beta_1, beta_2, epsilon):
    for i in range(value.size):
        g = grad[i]
        m[i] = beta_1 * m[i] + one_minus_beta_1 * g
        u[i] = max(beta_2 * u[i], abs(g))  # the infinity norm replaces Adam's sqrt(v)
        value[i] -= lr_t * m[i] / (u[i] + epsilon)


def adamax_update_reference(value, grad, m, u, lr_t, beta_1, one_minus_beta_1, beta_2, epsilon):
    m[...] = beta_1 * m + one_minus_beta_1 * grad
    np.maximum(beta_2 * u, np.abs(grad), out=u)
    value -= lr_t * m / (u + epsilon)


@kernel
def nadam_update(value, grad, m, v, lr, beta_1, one_minus_beta_1, beta_2, one_minus_beta_2,
                 momentum_weight, gradient_weight, v_correction, epsilon):
    """``m_hat = momentum_weight * m + gradient_weight * g`` and ``v_hat = v / v_correction``."""
    for i in range(value.size):
        g = grad[i]
        m[i] = beta_1 * m[i] + one_minus_beta_1 * g
        v[i] = beta_2 * v[i] + one_minus_beta_2 * g * g
        m_hat = momentum_weight * m[i] + gradient_weight * g
        v_hat = v[i] / v_correction
        value[i] -= lr * m_hat / (math.sqrt(v_hat) + epsilon)


def nadam_update_reference(value, grad, m, v, lr, beta_1, one_minus_beta_1, beta_2,
                           one_minus_beta_2, momentum_weight, gradient_weight, v_correction,
                           epsilon):
    m[...] = beta_1 * m + one_minus_beta_1 * grad
    v[...] = beta_2 * v + one_minus_beta_2 * grad * grad
    m_hat = momentum_weight * m + gradient_weight * grad
    v_hat = v / v_correction
    value -= lr * m_hat / (np.sqrt(v_hat) + epsilon)
