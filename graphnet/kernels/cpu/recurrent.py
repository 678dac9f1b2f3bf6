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
Sigmoid is 1/2 + tanh(x/2)/2. Numba is imported with this module, on first use.
"""
import math

import numpy as np
from numba import types
from numba.extending import overload

from ..jit import njit

kernel = njit(error_model="numpy", inline="always")
loop = njit(error_model="numpy", nogil=True)  # nogil: threads run the batch's halves side by side

# Fitted by weighted least squares towards minimax on [0, 9]. float32 constants:
# a float64 literal would turn the float32 arithmetic into float64 (Numba's rules).
P0, P1, P2, P3, P4 = (np.float32(v) for v in
                      (9.99999906e-01, 1.33729356e-01, 3.48626904e-03, 2.04666422e-05, 1.31770270e-08))
Q0, Q1, Q2, Q3, Q4 = (np.float32(v) for v in
                      (1.0, 4.67062325e-01, 2.58407929e-02, 3.27087164e-04, 7.69971548e-07))
LIMIT, HALF = np.float32(9.0), np.float32(0.5)


def _rational_tanh(x):
    x = min(max(x, -LIMIT), LIMIT)
    s = x * x
    p = (((P4 * s + P3) * s + P2) * s + P1) * s + P0
    q = (((Q4 * s + Q3) * s + Q2) * s + Q1) * s + Q0
    return x * p / q


def _tanh(x):
    """tanh: rational (vectorisable) for float32, exact for float64. Chosen by
    Numba from the argument's type when a kernel compiles, so the loops carry
    no branch."""
    return math.tanh(x)


@overload(_tanh, inline="always")
def _tanh_for(x):
    if x == types.float32:
        return _rational_tanh
    return lambda x: math.tanh(x)


@kernel
def _sigmoid(x):
    return HALF + HALF * _tanh(HALF * x)


# Each kernel works row by row, one gate block at a time, each block a slice
# looped from 0: LLVM vectorises a loop like ``for k in range(H): out[k] = f(a[k])``,
# but left a loop over ``range(2 * H, 3 * H)`` scalar (measured: the LSTM's gate
# kernel took 9.3 us a step for 16 rows that way, 4 us with slices).

# --- SimpleRNN: h = tanh(z) ----------------------------------------------------------

@loop
def rnn_forward_step(z, h):
    for b in range(h.shape[0]):
        zr, hr = z[b], h[b]
        for k in range(hr.size):
            hr[k] = _tanh(zr[k])


@loop
def rnn_backward_step(g, dh_next, h, dz):
    """dz = (g + dh_next) * (1 - h^2): the gradient at the pre-activation."""
    for b in range(h.shape[0]):
        gr, dr, hr, zr = g[b], dh_next[b], h[b], dz[b]
        for k in range(hr.size):
            zr[k] = (gr[k] + dr[k]) * (1 - hr[k] * hr[k])


# --- LSTM: gates i, f, g, o (Keras' order) ------------------------------------------

@loop
def lstm_forward_step(xz, hz, c_prev, gates, c, tanh_c, h):
    """The pre-activations come in two parts, (B, 4H) each: xz = x_t W + b (all
    steps' in one product, before the loop) and hz = h_{t-1} U; adding them here
    saves a pass. Writes the activated gates, c, tanh(c) and h."""
    B, H = c.shape
    for b in range(B):
        xr, zr, gr = xz[b], hz[b], gates[b]
        for k in range(2 * H):            # i and f: one sigmoid block
            gr[k] = _sigmoid(xr[k] + zr[k])
        xg, zg, g = xr[2 * H:3 * H], zr[2 * H:3 * H], gr[2 * H:3 * H]
        for k in range(H):                # the candidate g
            g[k] = _tanh(xg[k] + zg[k])
        xo, zo, o = xr[3 * H:], zr[3 * H:], gr[3 * H:]
        for k in range(H):                # o
            o[k] = _sigmoid(xo[k] + zo[k])
        i, f = gr[:H], gr[H:2 * H]
        cp, cr, tr, hr = c_prev[b], c[b], tanh_c[b], h[b]
        for k in range(H):
            cell = f[k] * cp[k] + i[k] * g[k]
            cr[k] = cell
            t = _tanh(cell)
            tr[k] = t
            hr[k] = o[k] * t


@loop
def lstm_backward_step(gh, gc, dh_next, dc_next, gates, c_prev, tanh_c, dz, dc_prev):
    """From the gradients reaching h and c at this step (from above, gh and gc,
    and from the next step), the pre-activation gradients dz and dc_prev.
    dc_prev first holds dc, the gradient at this step's cell."""
    B, H = c_prev.shape
    for b in range(B):
        gr, dzr, cp, tr = gates[b], dz[b], c_prev[b], tanh_c[b]
        ghr, gcr, dhn, dcn, dc = gh[b], gc[b], dh_next[b], dc_next[b], dc_prev[b]
        i, f, g, o = gr[:H], gr[H:2 * H], gr[2 * H:3 * H], gr[3 * H:]
        di, df, dg, do = dzr[:H], dzr[H:2 * H], dzr[2 * H:3 * H], dzr[3 * H:]
        for k in range(H):
            dh = ghr[k] + dhn[k]
            t = tr[k]
            dc[k] = gcr[k] + dcn[k] + dh * o[k] * (1 - t * t)
            do[k] = dh * t * o[k] * (1 - o[k])
        for k in range(H):
            di[k] = dc[k] * g[k] * i[k] * (1 - i[k])
        for k in range(H):
            df[k] = dc[k] * cp[k] * f[k] * (1 - f[k])
        for k in range(H):
            dg[k] = dc[k] * i[k] * (1 - g[k] * g[k])
        for k in range(H):
            dc[k] *= f[k]


# --- GRU (reset after the recurrent product, Keras' default): gates z, r, h ----------

@loop
def gru_forward_step(xz, hz, h_prev, gates, h):
    """xz = x W + b_input, hz = h_prev U + b_recurrent, both (B, 3H).
    z = σ(xz_z + hz_z), r = σ(xz_r + hz_r), ĥ = tanh(xz_h + r hz_h), h = z h_prev + (1 - z) ĥ."""
    B, H = h.shape
    for b in range(B):
        xr, hzr, gr = xz[b], hz[b], gates[b]
        for k in range(2 * H):            # z and r: one sigmoid block
            gr[k] = _sigmoid(xr[k] + hzr[k])
        z, r, hh = gr[:H], gr[H:2 * H], gr[2 * H:]
        xh, zh = xr[2 * H:], hzr[2 * H:]
        for k in range(H):                # the candidate
            hh[k] = _tanh(xh[k] + r[k] * zh[k])
        hp, hr = h_prev[b], h[b]
        for k in range(H):
            hr[k] = z[k] * hp[k] + (1 - z[k]) * hh[k]


@loop
def gru_backward_step(g, dh_next, gates, hz, h_prev, dxz, dhz, dh_prev):
    """Pre-activation gradients for the input side (dxz) and the recurrent side
    (dhz), and the part of dh_prev that skips U (through z h_prev)."""
    B, H = h_prev.shape
    for b in range(B):
        gr, hzr, hp, dxr, dhr = gates[b], hz[b], h_prev[b], dxz[b], dhz[b]
        g_b, dn, dp = g[b], dh_next[b], dh_prev[b]
        z, r, hh, zh = gr[:H], gr[H:2 * H], gr[2 * H:], hzr[2 * H:]
        dxz_, dxr_, dxh = dxr[:H], dxr[H:2 * H], dxr[2 * H:]
        dhz_, dhr_, dhh = dhr[:H], dhr[H:2 * H], dhr[2 * H:]
        for k in range(H):
            dh = g_b[k] + dn[k]
            da_h = dh * (1 - z[k]) * (1 - hh[k] * hh[k])
            da_z = dh * (hp[k] - hh[k]) * z[k] * (1 - z[k])
            da_r = da_h * zh[k] * r[k] * (1 - r[k])
            dxz_[k], dxr_[k], dxh[k] = da_z, da_r, da_h
            dhz_[k], dhr_[k], dhh[k] = da_z, da_r, da_h * r[k]
            dp[k] = dh * z[k]


# --- GRU with reset_after=False (Keras 2's and TF1's default): the reset gate scales h
# before the product, ĥ = tanh(x W_h + b_h + (r h_prev) U_h). Each step needs (r h_prev)
# before its second product, so a step is two kernels with a product in between.

@loop
def gru_reset_gates_step(xz, hz, h_rec, gates, rh):
    """xz = x W + b (B, 3H) and hz = h_rec U_zr (B, 2H), where h_rec is the h_{t-1} that U
    multiplies: writes z = σ(xz_z + hz_z) and r = σ(xz_r + hz_r) to gates, and rh = r h_rec."""
    B, H = rh.shape
    for b in range(B):
        xr, hzr, gr = xz[b], hz[b], gates[b]
        for k in range(2 * H):            # z and r: one sigmoid block
            gr[k] = _sigmoid(xr[k] + hzr[k])
        r, hp, out = gr[H:2 * H], h_rec[b], rh[b]
        for k in range(H):
            out[k] = r[k] * hp[k]


@loop
def gru_candidate_step(xz, hh_in, h_prev, gates, h):
    """hh_in = (r h_rec) U_h (B, H): writes ĥ = tanh(xz_h + hh_in) to gates and
    h = z h_prev + (1 - z) ĥ."""
    B, H = h.shape
    for b in range(B):
        gr, xh, hin = gates[b], xz[b][2 * H:], hh_in[b]
        z, hh = gr[:H], gr[2 * H:]
        for k in range(H):
            hh[k] = _tanh(xh[k] + hin[k])
        hp, hr = h_prev[b], h[b]
        for k in range(H):
            hr[k] = z[k] * hp[k] + (1 - z[k]) * hh[k]


@loop
def gru_candidate_backward_step(g, dh_next, gates, h_prev, dz, dh_prev):
    """From dh = g + dh_next: the pre-activation gradients of z and ĥ (dz's first and last
    blocks) and the part of dh_prev through z h_prev. The caller multiplies ĥ's by U_hᵀ."""
    B, H = h_prev.shape
    for b in range(B):
        gr, hp, dzr, g_b, dn, dp = gates[b], h_prev[b], dz[b], g[b], dh_next[b], dh_prev[b]
        z, hh = gr[:H], gr[2 * H:]
        dz_z, dz_h = dzr[:H], dzr[2 * H:]
        for k in range(H):
            dh = g_b[k] + dn[k]
            dz_h[k] = dh * (1 - z[k]) * (1 - hh[k] * hh[k])
            dz_z[k] = dh * (hp[k] - hh[k]) * z[k] * (1 - z[k])
            dp[k] = dh * z[k]


@loop
def gru_reset_backward_step(drh, gates, h_rec, dz, dh_rec):
    """drh = dĥ_pre U_hᵀ, the gradient at r h_rec: writes r's pre-activation gradient
    (dz's middle block) and the part of dh_rec through r h_rec."""
    B, H = h_rec.shape
    for b in range(B):
        r, d, hp, dz_r, out = gates[b][H:2 * H], drh[b], h_rec[b], dz[b][H:2 * H], dh_rec[b]
        for k in range(H):
            dz_r[k] = d[k] * hp[k] * r[k] * (1 - r[k])
            out[k] = d[k] * r[k]


# --- Embedding ------------------------------------------------------------------------

@loop
def embedding_scatter_add(indices, grad, table_grad):
    """table_grad[indices[n]] += grad[n]: only the rows the batch used get gradient."""
    N, D = grad.shape
    for n in range(N):
        row = indices[n]
        for d in range(D):
            table_grad[row, d] += grad[n, d]
