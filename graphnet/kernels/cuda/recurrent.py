"""One LSTM step's gate math on the GPU (the CPU kernels' signatures), one
thread per (sample, unit); and the embedding's scatter-add with atomics."""
import math

from numba import cuda

from . import THREADS, blocks


@cuda.jit(device=True)
def _sigmoid(x):
    return 1 / (1 + math.exp(-x))


@cuda.jit
def _lstm_forward_step(z, c_prev, gates, c, tanh_c, h):
    B, H = c.shape
    start, stride = cuda.grid(1), cuda.gridsize(1)
    for item in range(start, B * H, stride):
        b, k = item // H, item % H
        i, f = _sigmoid(z[b, k]), _sigmoid(z[b, H + k])
        g, o = math.tanh(z[b, 2 * H + k]), _sigmoid(z[b, 3 * H + k])
        gates[b, k], gates[b, H + k], gates[b, 2 * H + k], gates[b, 3 * H + k] = i, f, g, o
        cell = f * c_prev[b, k] + i * g
        c[b, k] = cell
        t = math.tanh(cell)
        tanh_c[b, k] = t
        h[b, k] = o * t


@cuda.jit
def _lstm_backward_step(gh, gc, dh_next, dc_next, gates, c_prev, tanh_c, dz, dc_prev):
    B, H = c_prev.shape
    start, stride = cuda.grid(1), cuda.gridsize(1)
    for item in range(start, B * H, stride):
        b, k = item // H, item % H
        i, f, g, o = gates[b, k], gates[b, H + k], gates[b, 2 * H + k], gates[b, 3 * H + k]
        t = tanh_c[b, k]
        dh = gh[b, k] + dh_next[b, k]
        dc = gc[b, k] + dc_next[b, k] + dh * o * (1 - t * t)
        dz[b, k] = dc * g * i * (1 - i)
        dz[b, H + k] = dc * c_prev[b, k] * f * (1 - f)
        dz[b, 2 * H + k] = dc * i * (1 - g * g)
        dz[b, 3 * H + k] = dh * t * o * (1 - o)
        dc_prev[b, k] = dc * f


@cuda.jit
def _embedding_scatter_add(indices, grad, table_grad):
    N, D = grad.shape
    start, stride = cuda.grid(1), cuda.gridsize(1)
    for item in range(start, N * D, stride):
        n, d = item // D, item % D
        cuda.atomic.add(table_grad, (indices[n], d), grad[n, d])


def lstm_forward_step(z, c_prev, gates, c, tanh_c, h):
    _lstm_forward_step[blocks(c.size), THREADS](z, c_prev, gates, c, tanh_c, h)


def lstm_backward_step(gh, gc, dh_next, dc_next, gates, c_prev, tanh_c, dz, dc_prev):
    _lstm_backward_step[blocks(c_prev.size), THREADS](gh, gc, dh_next, dc_next, gates, c_prev,
                                                      tanh_c, dz, dc_prev)


def embedding_scatter_add(indices, grad, table_grad):
    _embedding_scatter_add[blocks(grad.size), THREADS](indices, grad, table_grad)
