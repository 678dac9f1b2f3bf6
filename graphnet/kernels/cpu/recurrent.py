"""Recurrent cells' gate math, one time step per call, compiled.

The matrix products (the input projection of all steps at once, and h U at
each step) run in BLAS; these kernels do everything elementwise in between, in
one pass: the gate nonlinearities and the state update forward, the gate
derivatives backward. Arrays are time-major slices (batch, features), contiguous.

Numba has no vector math library here, so ``math.tanh`` runs one value at a
time (about 13 ns each). In float32 the kernels use a rational approximation
instead, tanh(x) ~ x P(x^2) / Q(x^2) on |x| < 9 (max error 2e-8 in exact
arithmetic, about 3e-7 evaluated in float32, below float32's own rounding of
values near 1), which LLVM vectorises. float64 (gradient checks) stays exact.
Sigmoid is 1/2 + tanh(x/2)/2.
"""
import math

import numpy as np

from ..jit import njit

kernel = njit(error_model="numpy", inline="always")
loop = njit(error_model="numpy")

# Fitted by weighted least squares towards minimax on [0, 9]. float32 constants:
# a float64 literal would turn the float32 arithmetic into float64 (Numba's rules).
P0, P1, P2, P3, P4 = (np.float32(v) for v in
                      (9.99999906e-01, 1.33729356e-01, 3.48626904e-03, 2.04666422e-05, 1.31770270e-08))
Q0, Q1, Q2, Q3, Q4 = (np.float32(v) for v in
                      (1.0, 4.67062325e-01, 2.58407929e-02, 3.27087164e-04, 7.69971548e-07))
LIMIT, HALF = np.float32(9.0), np.float32(0.5)


@kernel
def _tanh(x, exact):
    if exact:
        return math.tanh(x)
    x = min(max(x, -LIMIT), LIMIT)
    s = x * x
    p = (((P4 * s + P3) * s + P2) * s + P1) * s + P0
    q = (((Q4 * s + Q3) * s + Q2) * s + Q1) * s + Q0
    return x * p / q


@kernel
def _sigmoid(x, exact):
    return HALF + HALF * _tanh(HALF * x, exact)


# --- SimpleRNN: h = tanh(z) ----------------------------------------------------------

@loop
def rnn_forward_step(z, h, exact):
    B, H = h.shape
    for b in range(B):
        for k in range(H):
            h[b, k] = _tanh(z[b, k], exact)


@loop
def rnn_backward_step(g, dh_next, h, dz):
    """dz = (g + dh_next) * (1 - h^2): the gradient at the pre-activation."""
    B, H = h.shape
    for b in range(B):
        for k in range(H):
            dz[b, k] = (g[b, k] + dh_next[b, k]) * (1 - h[b, k] * h[b, k])


# --- LSTM: gates i, f, g, o (Keras' order) ------------------------------------------

@loop
def lstm_forward_step(z, c_prev, gates, c, tanh_c, h, exact):
    """z: (B, 4H) pre-activations; writes the activated gates, c, tanh(c) and h."""
    B, H = c.shape
    for b in range(B):
        for k in range(H):
            i = _sigmoid(z[b, k], exact)
            f = _sigmoid(z[b, H + k], exact)
            g = _tanh(z[b, 2 * H + k], exact)
            o = _sigmoid(z[b, 3 * H + k], exact)
            gates[b, k], gates[b, H + k], gates[b, 2 * H + k], gates[b, 3 * H + k] = i, f, g, o
            cell = f * c_prev[b, k] + i * g
            c[b, k] = cell
            t = _tanh(cell, exact)
            tanh_c[b, k] = t
            h[b, k] = o * t


@loop
def lstm_backward_step(gh, gc, dh_next, dc_next, gates, c_prev, tanh_c, dz, dc_prev):
    """From the gradients reaching h and c at this step (from above, gh and gc,
    and from the next step), the pre-activation gradients dz and dc_prev."""
    B, H = c_prev.shape
    for b in range(B):
        for k in range(H):
            i, f, g, o = gates[b, k], gates[b, H + k], gates[b, 2 * H + k], gates[b, 3 * H + k]
            t = tanh_c[b, k]
            dh = gh[b, k] + dh_next[b, k]
            dc = gc[b, k] + dc_next[b, k] + dh * o * (1 - t * t)
            dz[b, k] = dc * g * i * (1 - i)
            dz[b, H + k] = dc * c_prev[b, k] * f * (1 - f)
            dz[b, 2 * H + k] = dc * i * (1 - g * g)
            dz[b, 3 * H + k] = dh * t * o * (1 - o)
            dc_prev[b, k] = dc * f


# --- GRU (reset after the recurrent product, Keras' default): gates z, r, h ----------

@loop
def gru_forward_step(xz, hz, h_prev, gates, h, exact):
    """xz = x W + b_input, hz = h_prev U + b_recurrent, both (B, 3H).
    z = σ(xz_z + hz_z), r = σ(xz_r + hz_r), ĥ = tanh(xz_h + r hz_h), h = z h_prev + (1 - z) ĥ."""
    B, H = h.shape
    for b in range(B):
        for k in range(H):
            z = _sigmoid(xz[b, k] + hz[b, k], exact)
            r = _sigmoid(xz[b, H + k] + hz[b, H + k], exact)
            hh = _tanh(xz[b, 2 * H + k] + r * hz[b, 2 * H + k], exact)
            gates[b, k], gates[b, H + k], gates[b, 2 * H + k] = z, r, hh
            h[b, k] = z * h_prev[b, k] + (1 - z) * hh


@loop
def gru_backward_step(g, dh_next, gates, hz, h_prev, dxz, dhz, dh_prev):
    """Pre-activation gradients for the input side (dxz) and the recurrent side
    (dhz), and the part of dh_prev that skips U (through z h_prev)."""
    B, H = h_prev.shape
    for b in range(B):
        for k in range(H):
            z, r, hh = gates[b, k], gates[b, H + k], gates[b, 2 * H + k]
            dh = g[b, k] + dh_next[b, k]
            da_h = dh * (1 - z) * (1 - hh * hh)
            da_z = dh * (h_prev[b, k] - hh) * z * (1 - z)
            da_r = da_h * hz[b, 2 * H + k] * r * (1 - r)
            dxz[b, k], dxz[b, H + k], dxz[b, 2 * H + k] = da_z, da_r, da_h
            dhz[b, k], dhz[b, H + k], dhz[b, 2 * H + k] = da_z, da_r, da_h * r
            dh_prev[b, k] = dh * z


# --- Embedding ------------------------------------------------------------------------

@loop
def embedding_scatter_add(indices, grad, table_grad):
    """table_grad[indices[n]] += grad[n]: only the rows the batch used get gradient."""
    N, D = grad.shape
    for n in range(N):
        row = indices[n]
        for d in range(D):
            table_grad[row, d] += grad[n, d]
