"""One recurrent step's gate math on the GPU (SimpleRNN, LSTM, GRU; the CPU
kernels' signatures), one thread per (sample, unit); and the embedding's
scatter-add with atomics. They write the same arrays as the CPU kernels."""
import math

from numba import cuda

from . import THREADS, blocks


@cuda.jit(device=True)
def _sigmoid(x):
    return 1 / (1 + math.exp(-x))


@cuda.jit
def _rnn_forward_step(z, h):
    B, H = h.shape
    start, stride = cuda.grid(1), cuda.gridsize(1)
    for item in range(start, B * H, stride):
        b, k = item // H, item % H
        h[b, k] = math.tanh(z[b, k])


@cuda.jit
def _rnn_backward_step(g, dh_next, h, dz):
    B, H = h.shape
    start, stride = cuda.grid(1), cuda.gridsize(1)
    for item in range(start, B * H, stride):
        b, k = item // H, item % H
        t = h[b, k]
        dz[b, k] = (g[b, k] + dh_next[b, k]) * (1 - t * t)


@cuda.jit
def _lstm_forward_step(xz, hz, c_prev, gates, c, tanh_c, h):
    B, H = c.shape
    start, stride = cuda.grid(1), cuda.gridsize(1)
    for item in range(start, B * H, stride):
        b, k = item // H, item % H
        i, f = _sigmoid(xz[b, k] + hz[b, k]), _sigmoid(xz[b, H + k] + hz[b, H + k])
        g = math.tanh(xz[b, 2 * H + k] + hz[b, 2 * H + k])
        o = _sigmoid(xz[b, 3 * H + k] + hz[b, 3 * H + k])
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


# GRU, reset after the recurrent product (Keras' default): gates z, r and the candidate.
@cuda.jit
def _gru_forward_step(xz, hz, h_prev, gates, h):
    B, H = h.shape
    start, stride = cuda.grid(1), cuda.gridsize(1)
    for item in range(start, B * H, stride):
        b, k = item // H, item % H
        z = _sigmoid(xz[b, k] + hz[b, k])
        r = _sigmoid(xz[b, H + k] + hz[b, H + k])
        hh = math.tanh(xz[b, 2 * H + k] + r * hz[b, 2 * H + k])
        gates[b, k], gates[b, H + k], gates[b, 2 * H + k] = z, r, hh
        h[b, k] = z * h_prev[b, k] + (1 - z) * hh


@cuda.jit
def _gru_backward_step(g, dh_next, gates, hz, h_prev, dxz, dhz, dh_prev):
    B, H = h_prev.shape
    start, stride = cuda.grid(1), cuda.gridsize(1)
    for item in range(start, B * H, stride):
        b, k = item // H, item % H
        z, r, hh = gates[b, k], gates[b, H + k], gates[b, 2 * H + k]
        dh = g[b, k] + dh_next[b, k]
        da_h = dh * (1 - z) * (1 - hh * hh)
        da_z = dh * (h_prev[b, k] - hh) * z * (1 - z)
        da_r = da_h * hz[b, 2 * H + k] * r * (1 - r)
        dxz[b, k], dxz[b, H + k], dxz[b, 2 * H + k] = da_z, da_r, da_h
        # the candidate's recurrent part was scaled by r
        dhz[b, k], dhz[b, H + k], dhz[b, 2 * H + k] = da_z, da_r, da_h * r
        dh_prev[b, k] = dh * z  # only the path through z h_prev; the caller adds dhz U^T


# GRU, reset before the recurrent product (reset_after=False): two kernels a step,
# with the product (r h_rec) U_h between them.
@cuda.jit
def _gru_reset_gates_step(xz, hz, h_rec, gates, rh):
    B, H = rh.shape
    start, stride = cuda.grid(1), cuda.gridsize(1)
    for item in range(start, B * H, stride):
        b, k = item // H, item % H
        gates[b, k] = _sigmoid(xz[b, k] + hz[b, k])
        r = _sigmoid(xz[b, H + k] + hz[b, H + k])
        gates[b, H + k] = r
        rh[b, k] = r * h_rec[b, k]


@cuda.jit
def _gru_candidate_step(xz, hh_in, h_prev, gates, h):
    B, H = h.shape
    start, stride = cuda.grid(1), cuda.gridsize(1)
    for item in range(start, B * H, stride):
        b, k = item // H, item % H
        hh = math.tanh(xz[b, 2 * H + k] + hh_in[b, k])
        gates[b, 2 * H + k] = hh
        z = gates[b, k]
        h[b, k] = z * h_prev[b, k] + (1 - z) * hh


@cuda.jit
def _gru_candidate_backward_step(g, dh_next, gates, h_prev, dz, dh_prev):
    B, H = h_prev.shape
    start, stride = cuda.grid(1), cuda.gridsize(1)
    for item in range(start, B * H, stride):
        b, k = item // H, item % H
        z, hh = gates[b, k], gates[b, 2 * H + k]
        dh = g[b, k] + dh_next[b, k]
        dz[b, 2 * H + k] = dh * (1 - z) * (1 - hh * hh)
        dz[b, k] = dh * (h_prev[b, k] - hh) * z * (1 - z)
        dh_prev[b, k] = dh * z


@cuda.jit
def _gru_reset_backward_step(drh, gates, h_rec, dz, dh_rec):
    B, H = h_rec.shape
    start, stride = cuda.grid(1), cuda.gridsize(1)
    for item in range(start, B * H, stride):
        b, k = item // H, item % H
        r = gates[b, H + k]
        dz[b, H + k] = drh[b, k] * h_rec[b, k] * r * (1 - r)
        dh_rec[b, k] = drh[b, k] * r


@cuda.jit
def _embedding_scatter_add(indices, grad, table_grad):
    N, D = grad.shape
    start, stride = cuda.grid(1), cuda.gridsize(1)
    for item in range(start, N * D, stride):
        n, d = item // D, item % D
        cuda.atomic.add(table_grad, (indices[n], d), grad[n, d])


def rnn_forward_step(z, h):
    _rnn_forward_step[blocks(h.size), THREADS](z, h)


def rnn_backward_step(g, dh_next, h, dz):
    _rnn_backward_step[blocks(h.size), THREADS](g, dh_next, h, dz)


def lstm_forward_step(xz, hz, c_prev, gates, c, tanh_c, h):
    _lstm_forward_step[blocks(c.size), THREADS](xz, hz, c_prev, gates, c, tanh_c, h)


def lstm_backward_step(gh, gc, dh_next, dc_next, gates, c_prev, tanh_c, dz, dc_prev):
    _lstm_backward_step[blocks(c_prev.size), THREADS](gh, gc, dh_next, dc_next, gates, c_prev,
                                                      tanh_c, dz, dc_prev)


def gru_forward_step(xz, hz, h_prev, gates, h):
    _gru_forward_step[blocks(h.size), THREADS](xz, hz, h_prev, gates, h)


def gru_backward_step(g, dh_next, gates, hz, h_prev, dxz, dhz, dh_prev):
    _gru_backward_step[blocks(h_prev.size), THREADS](g, dh_next, gates, hz, h_prev, dxz, dhz,
                                                     dh_prev)


def gru_reset_gates_step(xz, hz, h_rec, gates, rh):
    _gru_reset_gates_step[blocks(rh.size), THREADS](xz, hz, h_rec, gates, rh)


def gru_candidate_step(xz, hh_in, h_prev, gates, h):
    _gru_candidate_step[blocks(h.size), THREADS](xz, hh_in, h_prev, gates, h)


def gru_candidate_backward_step(g, dh_next, gates, h_prev, dz, dh_prev):
    _gru_candidate_backward_step[blocks(h_prev.size), THREADS](g, dh_next, gates, h_prev, dz, dh_prev)


def gru_reset_backward_step(drh, gates, h_rec, dz, dh_rec):
    _gru_reset_backward_step[blocks(h_rec.size), THREADS](drh, gates, h_rec, dz, dh_rec)


def embedding_scatter_add(indices, grad, table_grad):
    _embedding_scatter_add[blocks(grad.size), THREADS](indices, grad, table_grad)
