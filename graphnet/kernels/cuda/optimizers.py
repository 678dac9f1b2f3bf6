"""Optimizer updates on the GPU, with the CPU kernels' signatures (flat arrays):
one thread per parameter, updating the value and the rule's state in place.
As on the CPU, the scalars arrive in the arrays' dtype and the kernels hold no
numeric literals, so a float32 update stays float32."""
import math

from numba import cuda

from . import THREADS, blocks


@cuda.jit
def _weight_decay(value, keep):
    start, stride = cuda.grid(1), cuda.gridsize(1)
    for i in range(start, value.size, stride):
        value[i] *= keep


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


@cuda.jit
def _rmsprop(value, grad, mean_square, velocity, lr, rho, one_minus_rho, momentum, epsilon):
    start, stride = cuda.grid(1), cuda.gridsize(1)
    for i in range(start, value.size, stride):
        g = grad[i]
        ms = rho * mean_square[i] + one_minus_rho * g * g
        mean_square[i] = ms
        increment = lr * g / math.sqrt(ms + epsilon)
        if momentum > 0:  # velocity may be empty otherwise: never touch it then
            increment = momentum * velocity[i] + increment
            velocity[i] = increment
        value[i] -= increment


@cuda.jit
def _rmsprop_centered(value, grad, mean_square, mean_gradient, velocity, lr, rho, one_minus_rho,
                      momentum, epsilon):
    start, stride = cuda.grid(1), cuda.gridsize(1)
    for i in range(start, value.size, stride):
        g = grad[i]
        ms = rho * mean_square[i] + one_minus_rho * g * g
        mg = rho * mean_gradient[i] + one_minus_rho * g
        mean_square[i], mean_gradient[i] = ms, mg
        increment = lr * g / math.sqrt(ms - mg * mg + epsilon)  # the gradients' std, not RMS
        if momentum > 0:
            increment = momentum * velocity[i] + increment
            velocity[i] = increment
        value[i] -= increment


@cuda.jit
def _adagrad(value, grad, accumulator, lr, epsilon):
    start, stride = cuda.grid(1), cuda.gridsize(1)
    for i in range(start, value.size, stride):
        g = grad[i]
        acc = accumulator[i] + g * g
        accumulator[i] = acc
        value[i] -= lr * g / math.sqrt(acc + epsilon)


@cuda.jit
def _adadelta(value, grad, accumulated_grad, accumulated_delta, lr, rho, one_minus_rho, epsilon):
    start, stride = cuda.grid(1), cuda.gridsize(1)
    for i in range(start, value.size, stride):
        g = grad[i]
        acc_g = rho * accumulated_grad[i] + one_minus_rho * g * g
        accumulated_grad[i] = acc_g
        acc_d = accumulated_delta[i]
        # RMS of past steps over RMS of gradients: the step has the parameter's units
        delta = math.sqrt(acc_d + epsilon) * g / math.sqrt(acc_g + epsilon)
        accumulated_delta[i] = rho * acc_d + one_minus_rho * delta * delta
        value[i] -= lr * delta


@cuda.jit
def _adamax(value, grad, m, u, lr_t, beta_1, one_minus_beta_1, beta_2, epsilon):
    start, stride = cuda.grid(1), cuda.gridsize(1)
    for i in range(start, value.size, stride):
        g = grad[i]
        mi = beta_1 * m[i] + one_minus_beta_1 * g
        m[i] = mi
        ui = max(beta_2 * u[i], abs(g))  # the infinity norm in place of Adam's sqrt(v)
        u[i] = ui
        value[i] -= lr_t * mi / (ui + epsilon)


@cuda.jit
def _nadam(value, grad, m, v, lr, beta_1, one_minus_beta_1, beta_2, one_minus_beta_2,
           momentum_weight, gradient_weight, v_correction, epsilon):
    start, stride = cuda.grid(1), cuda.gridsize(1)
    for i in range(start, value.size, stride):
        g = grad[i]
        mi = beta_1 * m[i] + one_minus_beta_1 * g
        vi = beta_2 * v[i] + one_minus_beta_2 * g * g
        m[i], v[i] = mi, vi
        m_hat = momentum_weight * mi + gradient_weight * g  # Nesterov: look one step ahead
        value[i] -= lr * m_hat / (math.sqrt(vi / v_correction) + epsilon)


def weight_decay_update(value, keep):
    _weight_decay[blocks(value.size), THREADS](value, keep)


def sgd_update(value, grad, lr):
    _sgd[blocks(value.size), THREADS](value, grad, lr)


def momentum_update(value, grad, velocity, lr, momentum, nesterov):
    _momentum[blocks(value.size), THREADS](value, grad, velocity, lr, momentum, nesterov)


def adam_update(value, grad, m, v, v_hat, lr_t, beta_1, one_minus_beta_1, beta_2,
                one_minus_beta_2, epsilon, amsgrad):
    _adam[blocks(value.size), THREADS](value, grad, m, v, v_hat, lr_t, beta_1, one_minus_beta_1,
                                       beta_2, one_minus_beta_2, epsilon, amsgrad)


def rmsprop_update(value, grad, mean_square, velocity, lr, rho, one_minus_rho, momentum, epsilon):
    _rmsprop[blocks(value.size), THREADS](value, grad, mean_square, velocity, lr, rho,
                                          one_minus_rho, momentum, epsilon)


def rmsprop_centered_update(value, grad, mean_square, mean_gradient, velocity, lr, rho,
                            one_minus_rho, momentum, epsilon):
    _rmsprop_centered[blocks(value.size), THREADS](value, grad, mean_square, mean_gradient, velocity,
                                                   lr, rho, one_minus_rho, momentum, epsilon)


def adagrad_update(value, grad, accumulator, lr, epsilon):
    _adagrad[blocks(value.size), THREADS](value, grad, accumulator, lr, epsilon)


def adadelta_update(value, grad, accumulated_grad, accumulated_delta, lr, rho, one_minus_rho,
                    epsilon):
    _adadelta[blocks(value.size), THREADS](value, grad, accumulated_grad, accumulated_delta, lr,
                                           rho, one_minus_rho, epsilon)


def adamax_update(value, grad, m, u, lr_t, beta_1, one_minus_beta_1, beta_2, epsilon):
    _adamax[blocks(value.size), THREADS](value, grad, m, u, lr_t, beta_1, one_minus_beta_1,
                                         beta_2, epsilon)


def nadam_update(value, grad, m, v, lr, beta_1, one_minus_beta_1, beta_2, one_minus_beta_2,
                 momentum_weight, gradient_weight, v_correction, epsilon):
    _nadam[blocks(value.size), THREADS](value, grad, m, v, lr, beta_1, one_minus_beta_1, beta_2,
                                        one_minus_beta_2, momentum_weight, gradient_weight,
                                        v_correction, epsilon)
