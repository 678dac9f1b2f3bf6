"""NumPy references for kernels/cpu/recurrent.py (exact tanh in every precision)."""
import numpy as np


def _sigmoid(x):
    return 0.5 + 0.5 * np.tanh(0.5 * x)


def rnn_forward_step(z, h):
    h[...] = np.tanh(z)


def rnn_backward_step(g, dh_next, h, dz):
    dz[...] = (g + dh_next) * (1 - h * h)


def lstm_forward_step(xz, hz, c_prev, gates, c, tanh_c, h):
    H, z = c.shape[1], xz + hz
    i, f, g, o = _sigmoid(z[:, :H]), _sigmoid(z[:, H:2 * H]), np.tanh(z[:, 2 * H:3 * H]), _sigmoid(z[:, 3 * H:])
    gates[...] = np.concatenate([i, f, g, o], axis=1)
    c[...] = f * c_prev + i * g
    tanh_c[...] = np.tanh(c)
    h[...] = o * tanh_c


def lstm_backward_step(gh, gc, dh_next, dc_next, gates, c_prev, tanh_c, dz, dc_prev):
    H = c_prev.shape[1]
    i, f, g, o = gates[:, :H], gates[:, H:2 * H], gates[:, 2 * H:3 * H], gates[:, 3 * H:]
    dh = gh + dh_next
    dc = gc + dc_next + dh * o * (1 - tanh_c ** 2)
    dz[...] = np.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f),
                              dc * i * (1 - g * g), dh * tanh_c * o * (1 - o)], axis=1)
    dc_prev[...] = dc * f


def gru_forward_step(xz, hz, h_prev, gates, h):
    H = h.shape[1]
    z = _sigmoid(xz[:, :H] + hz[:, :H])
    r = _sigmoid(xz[:, H:2 * H] + hz[:, H:2 * H])
    hh = np.tanh(xz[:, 2 * H:] + r * hz[:, 2 * H:])
    gates[...] = np.concatenate([z, r, hh], axis=1)
    h[...] = z * h_prev + (1 - z) * hh


def gru_backward_step(g, dh_next, gates, hz, h_prev, dxz, dhz, dh_prev):
    H = h_prev.shape[1]
    z, r, hh = gates[:, :H], gates[:, H:2 * H], gates[:, 2 * H:]
    dh = g + dh_next
    da_h = dh * (1 - z) * (1 - hh * hh)
    da_z = dh * (h_prev - hh) * z * (1 - z)
    da_r = da_h * hz[:, 2 * H:] * r * (1 - r)
    dxz[...] = np.concatenate([da_z, da_r, da_h], axis=1)
    dhz[...] = np.concatenate([da_z, da_r, da_h * r], axis=1)
    dh_prev[...] = dh * z


def gru_reset_gates_step(xz, hz, h_rec, gates, rh):
    H = rh.shape[1]
    gates[:, :2 * H] = _sigmoid(xz[:, :2 * H] + hz)
    rh[...] = gates[:, H:2 * H] * h_rec


def gru_candidate_step(xz, hh_in, h_prev, gates, h):
    H = h.shape[1]
    gates[:, 2 * H:] = np.tanh(xz[:, 2 * H:] + hh_in)
    z = gates[:, :H]
    h[...] = z * h_prev + (1 - z) * gates[:, 2 * H:]


def gru_candidate_backward_step(g, dh_next, gates, h_prev, dz, dh_prev):
    H = h_prev.shape[1]
    z, hh = gates[:, :H], gates[:, 2 * H:]
    dh = g + dh_next
    dz[:, 2 * H:] = dh * (1 - z) * (1 - hh * hh)
    dz[:, :H] = dh * (h_prev - hh) * z * (1 - z)
    dh_prev[...] = dh * z


def gru_reset_backward_step(drh, gates, h_rec, dz, dh_rec):
    H = h_rec.shape[1]
    r = gates[:, H:2 * H]
    dz[:, H:2 * H] = drh * h_rec * r * (1 - r)
    dh_rec[...] = drh * r


def embedding_scatter_add(indices, grad, table_grad):
    np.add.at(table_grad, indices, grad)
