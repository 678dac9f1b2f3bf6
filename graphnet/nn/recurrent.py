"""Recurrent networks: SimpleRNN, LSTM and GRU over (batch, timesteps, features), and Embedding.

A recurrent layer applies one fused node for the whole sequence: the input
projection of every step in one matrix product, then a loop over time with one
small product (h U) and one compiled gate kernel per step; backward through time
runs the loop in reverse and gathers the weight gradients in one product each.
Sequences are independent, so large batches are cut into lanes, one per core,
each running all of that on its own rows (``RecurrentNode.in_lanes``).
``expand()`` unrolls it: one cell node per time step, and each cell expands into
its gates, so backpropagation through time can be drawn and stepped through.

Every fused node outputs the whole trajectory of its state, (batch, timesteps,
state): h for SimpleRNN and GRU, h and c side by side for LSTM. Layers slice
the last step, or the states, out of it.
"""
import numpy as np

from ..core import Node, ShapeError
from ..core.node import layer_title
from ..kernels import dispatch as _dispatch
from ..kernels.dispatch import kernel
from ..kernels.threads import add_up, cores_for, row_slices, split
from ..ops import functional as F
from ..ops.shape import Reshape
from ..ops.tensor import apply, constant
from ..random import generator
from . import activations, initializers
from .layers import DropoutNode, Layer, fraction, lookup, register, whole


def _time_major(a):
    return np.ascontiguousarray(np.swapaxes(a, 0, 1), like=a)


class RecurrentNode(Node):
    """The base of the fused sequence nodes: inputs (x, W, U, b, h0[, c0])."""

    abstract = True
    gates = 1        # blocks of ``units`` columns in W and U
    state_parts = 1  # h (and c) in the output
    splits_work = True  # lanes of the batch dealt to the cores (in_lanes)

    def __init__(self, recurrent_dropout=0.0, training=True, freeze_mask=False, name=None):
        super().__init__(name)
        self.recurrent_dropout, self.training = recurrent_dropout, training
        self.freeze_mask, self.mask = freeze_mask, None

    def describe(self):
        return f"recurrent_dropout={self.recurrent_dropout:g}" if self.recurrent_dropout else ""

    def check(self, x, W, U):
        if x.ndim != 3:
            raise ShapeError(f"{self!r} expects sequences (batch, timesteps, features), got {x.shape}")
        H = U.shape[0]
        if W.shape != (x.shape[2], self.gates * H) or U.shape != (H, self.gates * H):
            raise ShapeError(f"{self!r}: sequences with {x.shape[2]} features need a kernel of shape "
                             f"{(x.shape[2], self.gates * H)} and a recurrent kernel of "
                             f"{(H, self.gates * H)}, got {W.shape} and {U.shape}")
        return x.shape[0], x.shape[1], x.shape[2], H

    def recurrent_mask(self, B, H, dtype, like):
        """Recurrent dropout: one mask on h for the whole sequence (Keras' choice)."""
        if not self.recurrent_dropout or not self.training:
            return None
        if self.mask is None or not self.freeze_mask or self.mask.shape != (B, H):
            keep = 1.0 - self.recurrent_dropout
            self.mask = ((generator().random((B, H)) >= self.recurrent_dropout) / keep).astype(dtype)
        return np.asarray(self.mask, like=like)  # drawn on the host; one copy to a GPU

    def step_gradient_norms(self):
        """|dL/dz_t| for each time step t of the last backward: how much gradient
        reached each step (vanishing or exploding over time shows here). Computed
        when asked, from the pre-activation gradients the backward kept (one
        array per lane)."""
        squares = sum(np.einsum("tbk,tbk->t", dz, dz, dtype=np.float64) for dz in self.step_grads)
        return np.sqrt(squares)

    ROWS_PER_LANE = 8  # below this, splitting the batch costs more than it saves

    def in_lanes(self, run, x, U):
        """``[run(rows) for each lane]``: the batch cut into one slice of rows (a lane)
        per thread, run side by side. Sequences are independent, so each lane goes
        through everything on its own: its input projection, the whole recurrence,
        its share of the weight gradients, all with single-threaded BLAS. Two
        half-batch products side by side beat one product threaded inside BLAS,
        whose worker would spin between the steps. Forward keeps the lanes for backward."""
        B, T, D = x.shape
        work = 2 * B * T * (D + U.shape[0]) * U.shape[1]  # the products' operations, forward
        self.lanes = row_slices(B, max(1, min(cores_for(work, like=x), B // self.ROWS_PER_LANE)))
        return split(lambda _, rows: run(rows), self.lanes)

    def each_lane(self, run):
        """``[run(k, rows) for each lane of the last forward]``, side by side."""
        return split(run, self.lanes)

    def gather(self, parts, x_shape, h0_shape):
        """Sums the lanes' weight gradients; dx and dh0 come in rows."""
        dW, dU, db = (add_up([p[i] for p in parts]) if self.wants(i + 1) else None for i in range(3))
        dh0 = _reduce_to(_rows([p[3] for p in parts]), h0_shape) if self.wants(4) else None
        return dW, dU, db, dh0

    def initial(self, h0, B, H, dtype):
        return np.ascontiguousarray(np.broadcast_to(h0, (B, H)), dtype=dtype, like=h0)

    @staticmethod
    def previous_states(h0, hs, mask):
        """h_{t-1} at every step as U multiplied it, for dU: gathered once in
        backward rather than copied at every forward step."""
        prev = np.concatenate([h0[None], hs[:-1]])
        return prev if mask is None else prev * mask

    def expand(self, x, W, U, b, *initial):
        """Unrolled: one cell per time step, the state passed from each to the next
        (the computation without recurrent dropout, as at inference)."""
        state = initial[0] if len(initial) == 1 else F.concatenate(list(initial), axis=-1)
        B = x.shape[0]
        if state.shape[0] != B:
            state = state + constant(np.zeros((B,) + state.shape[1:], dtype=x.dtype))
        states = []
        for t in range(x.shape[1]):
            state = apply(self.cell(), x[:, t], state, W, U, b)
            states.append(state)
        return F.stack(states, axis=1)


class SimpleRNNNode(RecurrentNode):
    """h_t = tanh(x_t W + h_{t-1} U + b)."""

    formula = "h_t = tanh(x_t W + h_{t-1} U + b)"
    # dz_{t}, not dz_t: typeset() lowers a bare index only after a one-letter name.
    derivatives = ("dz Wᵀ", "Σ x_tᵀ dz_{t}", "Σ h_{t-1}ᵀ dz_{t}", "Σ dz_{t}", "dz_{1} Uᵀ")

    @property
    def op(self):
        return "SimpleRNN"

    def cell(self):
        return SimpleRNNCell()

    def forward(self, x, W, U, b, h0):
        B, T, D, H = self.check(x, W, U)
        dtype = np.result_type(x, W)
        mask = self.recurrent_mask(B, H, dtype, like=x)
        start, step = self.initial(h0, B, H, dtype), kernel("rnn_forward_step", x)
        out = np.empty((B, T, H), dtype, like=x)

        def run(rows):
            xt = _time_major(x[rows])
            z_in = _project(xt, W, b)
            hs = np.empty(z_in.shape, dtype, like=x)
            h, m = start[rows], None if mask is None else mask[rows]
            z = np.empty(h.shape, dtype, like=x)
            for t in range(T):
                np.matmul(h if m is None else h * m, U, out=z)
                z += z_in[t]
                step(z, hs[t])
                h = hs[t]
            out[rows] = np.swapaxes(hs, 0, 1)
            return xt, hs, start[rows], m
        self.cache = (self.in_lanes(run, x, U), x.shape, W, U, np.shape(h0))
        return out

    def backward(self, grad):
        lanes, x_shape, W, U, h0_shape = self.cache
        step, UT = kernel("rnn_backward_step", grad), np.ascontiguousarray(U.T, like=U)  # BLAS prefers it laid out
        dx = np.empty(x_shape, grad.dtype, like=grad) if self.wants(0) else None

        def run(k, rows):
            xt, hs, start, m = lanes[k]
            g = _time_major(grad[rows])
            dz, dh_next = np.empty_like(hs), np.zeros(start.shape, hs.dtype, like=hs)
            for t in range(hs.shape[0] - 1, -1, -1):
                step(g[t], dh_next, hs[t], dz[t])
                np.matmul(dz[t], UT, out=dh_next)
                if m is not None:
                    dh_next *= m
            h_prev = self.previous_states(start, hs, m)
            return _lane_grads(self, rows, xt, W, h_prev, dz, dz, dz.sum(axis=(0, 1)), dh_next, dx), dz
        parts = self.each_lane(run)
        self.step_grads = [dz for _, dz in parts]
        return (dx,) + self.gather([p for p, _ in parts], x_shape, h0_shape)

    @staticmethod
    def examples(rng):
        x, W, U, b, h0 = rng.normal(size=(2, 5, 3)), rng.normal(size=(3, 4)), rng.normal(size=(4, 4)) * 0.5, \
            rng.normal(size=(4,)), rng.normal(size=(2, 4))
        return [(SimpleRNNNode(), (x, W, U, b, h0)),
                (SimpleRNNNode(recurrent_dropout=0.3, freeze_mask=True), (x, W, U, b, h0[:1])),
                (SimpleRNNNode(), (rng.normal(size=(17, 3, 2)), W[:2], U, b, h0[:1]))]


class LSTMNode(RecurrentNode):
    """Gates i, f, o = σ(...), candidate g = tanh(...) from z = x_t W + h_{t-1} U + b;
    c_t = f c_{t-1} + i g; h_t = o tanh(c_t). Output: h and c side by side."""

    formula = "c_t = f c_{t-1} + i g, h_t = o tanh(c_t)"
    derivatives = ("dz Wᵀ", "Σ x_tᵀ dz_{t}", "Σ h_{t-1}ᵀ dz_{t}", "Σ dz_{t}", "dz_{1} Uᵀ", "dc_{1} f_1")
    gates, state_parts = 4, 2

    @property
    def op(self):
        return "LSTM"

    def cell(self):
        return LSTMCell()

    def forward(self, x, W, U, b, h0, c0):
        B, T, D, H = self.check(x, W, U)
        dtype = np.result_type(x, W)
        mask = self.recurrent_mask(B, H, dtype, like=x)
        start, c_start = self.initial(h0, B, H, dtype), self.initial(c0, B, H, dtype)
        step = kernel("lstm_forward_step", x)
        out = np.empty((B, T, 2 * H), dtype, like=x)

        def run(rows):
            xt = _time_major(x[rows])
            xz = _project(xt, W, b)
            n = xt.shape[1]
            gates = np.empty((T, n, 4 * H), dtype, like=x)
            hs, cs, tanh_c = (np.empty((T, n, H), dtype, like=x) for _ in range(3))
            h, c, m = start[rows], c_start[rows], None if mask is None else mask[rows]
            hz = np.empty((n, 4 * H), dtype, like=x)
            for xz_t, gates_t, c_t, tanh_t, h_t in zip(xz, gates, cs, tanh_c, hs):  # views, step by step
                np.matmul(h if m is None else h * m, U, out=hz)
                step(xz_t, hz, c, gates_t, c_t, tanh_t, h_t)
                h, c = h_t, c_t
            out[rows, :, :H], out[rows, :, H:] = np.swapaxes(hs, 0, 1), np.swapaxes(cs, 0, 1)
            return xt, gates, hs, cs, tanh_c, start[rows], c_start[rows], m
        self.cache = (self.in_lanes(run, x, U), x.shape, W, U, np.shape(h0), np.shape(c0))
        return out

    def backward(self, grad):
        lanes, x_shape, W, U, h0_shape, c0_shape = self.cache
        H = U.shape[0]
        step, UT = kernel("lstm_backward_step", grad), np.ascontiguousarray(U.T, like=U)
        dx = np.empty(x_shape, grad.dtype, like=grad) if self.wants(0) else None

        def run(k, rows):
            xt, gates, hs, cs, tanh_c, start, c0, m = lanes[k]
            # the gradients reaching h and c, each contiguous: the step kernel vectorises
            # only over contiguous rows (slices of one array would be about four times slower)
            gh, gc = _time_major(grad[rows, :, :H]), _time_major(grad[rows, :, H:])
            dz = np.empty_like(gates)
            dh_next, dc_next, dc_prev = (np.zeros(start.shape, cs.dtype, like=cs) for _ in range(3))
            for t in range(cs.shape[0] - 1, -1, -1):
                step(gh[t], gc[t], dh_next, dc_next, gates[t], cs[t - 1] if t else c0, tanh_c[t], dz[t], dc_prev)
                dc_next, dc_prev = dc_prev, dc_next
                np.matmul(dz[t], UT, out=dh_next)
                if m is not None:
                    dh_next *= m
            h_prev = self.previous_states(start, hs, m)
            return _lane_grads(self, rows, xt, W, h_prev, dz, dz, dz.sum(axis=(0, 1)), dh_next, dx), dz, dc_next
        parts = self.each_lane(run)
        self.step_grads = [dz for _, dz, _ in parts]
        dc0 = _reduce_to(_rows([dc for _, _, dc in parts]), c0_shape) if self.wants(5) else None
        return (dx,) + self.gather([p for p, _, _ in parts], x_shape, h0_shape) + (dc0,)

    def expand(self, x, W, U, b, h0, c0):
        return super().expand(x, W, U, b, h0, c0)

    @staticmethod
    def examples(rng):
        x, W, U, b = rng.normal(size=(2, 5, 3)), rng.normal(size=(3, 8)), rng.normal(size=(2, 8)) * 0.5, \
            rng.normal(size=(8,))
        h0, c0 = rng.normal(size=(2, 2)), rng.normal(size=(2, 2))
        return [(LSTMNode(), (x, W, U, b, h0, c0)),
                (LSTMNode(recurrent_dropout=0.3, freeze_mask=True), (x, W, U, b, h0[:1], c0[:1])),
                (LSTMNode(), (rng.normal(size=(17, 3, 3)), W, U, b, h0[:1], c0[:1]))]


class GRUNode(RecurrentNode):
    """Update gate z and reset gate r, candidate ĥ, h_t = z h_{t-1} + (1 - z) ĥ.

    ``reset_after=True`` (Keras 3's default, and cuDNN's): ĥ = tanh(x W_h + b_h + r (h U_h + b_rh)),
    b has two rows, for the input and the recurrent side. ``reset_after=False`` (Keras 2's
    and the original paper's): ĥ = tanh(x W_h + (r h) U_h + b_h), one bias row of 3 units.
    """

    formula = "h_t = z h_{t-1} + (1 - z) ĥ"
    derivatives = ("dxz Wᵀ", "Σ x_tᵀ dxz_{t}", "Σ h_{t-1}ᵀ dhz_{t}", "Σ dxz_{t}, Σ dhz_{t}", "dh_{1}")
    gates = 3

    def __init__(self, recurrent_dropout=0.0, training=True, freeze_mask=False, reset_after=True, name=None):
        super().__init__(recurrent_dropout, training, freeze_mask, name)
        self.reset_after = bool(reset_after)

    @property
    def op(self):
        return "GRU"

    def describe(self):
        return ", ".join(filter(None, [super().describe(), "" if self.reset_after else "reset_after=False"]))

    def cell(self):
        return GRUCell(self.reset_after)

    def forward(self, x, W, U, b, h0):
        B, T, D, H = self.check(x, W, U)
        bias_shape = (2, 3 * H) if self.reset_after else (3 * H,)
        if b.shape != bias_shape:
            raise ShapeError(f"{self!r} needs a bias of shape {bias_shape} (reset_after={self.reset_after}), "
                             f"got {b.shape}")
        if not self.reset_after:
            return self._forward_reset_before(x, W, U, b, h0, B, T, H)
        dtype = np.result_type(x, W)
        mask = self.recurrent_mask(B, H, dtype, like=x)
        start, step = self.initial(h0, B, H, dtype), kernel("gru_forward_step", x)
        out = np.empty((B, T, H), dtype, like=x)

        def run(rows):
            xt = _time_major(x[rows])
            xz = _project(xt, W, b[0])
            n, m = xt.shape[1], None if mask is None else mask[rows]
            hs, h_before = np.empty((T, n, H), dtype, like=x), np.empty((T, n, H), dtype, like=x)
            gates, hz = np.empty((T, n, 3 * H), dtype, like=x), np.empty((T, n, 3 * H), dtype, like=x)
            # h_before: the h_{t-1} that z multiplies; h_prev: what U multiplies (masked, with
            # recurrent dropout; otherwise the same array, not a second copy).
            h_prev = h_before if m is None else np.empty((T, n, H), dtype, like=x)
            h = start[rows]
            for t in range(T):
                h_before[t] = h
                if m is not None:
                    np.multiply(h, m, out=h_prev[t])
                np.matmul(h_prev[t], U, out=hz[t])
                hz[t] += b[1]
                step(xz[t], hz[t], h, gates[t], hs[t])
                h = hs[t]
            out[rows] = np.swapaxes(hs, 0, 1)
            return xt, gates, hz, h_before, h_prev, m
        self.cache = (self.in_lanes(run, x, U), x.shape, W, U, np.shape(h0))
        return out

    def _forward_reset_before(self, x, W, U, b, h0, B, T, H):
        """reset_after=False: per step, z and r from h_{t-1} U_zr, then ĥ from (r h_{t-1}) U_h."""
        dtype = np.result_type(x, W)
        mask = self.recurrent_mask(B, H, dtype, like=x)
        start = self.initial(h0, B, H, dtype)
        gates_step, candidate_step = kernel("gru_reset_gates_step", x), kernel("gru_candidate_step", x)
        U_zr, U_h = np.ascontiguousarray(U[:, :2 * H], like=U), np.ascontiguousarray(U[:, 2 * H:], like=U)
        out = np.empty((B, T, H), dtype, like=x)

        def run(rows):
            xt = _time_major(x[rows])
            xz = _project(xt, W, b)
            n, m = xt.shape[1], None if mask is None else mask[rows]
            hs, h_before, rh = (np.empty((T, n, H), dtype, like=x) for _ in range(3))
            gates = np.empty((T, n, 3 * H), dtype, like=x)
            hz, hh_in = np.empty((n, 2 * H), dtype, like=x), np.empty((n, H), dtype, like=x)
            h_prev = h_before if m is None else np.empty((T, n, H), dtype, like=x)  # what U multiplies
            h = start[rows]
            for t in range(T):
                h_before[t] = h
                if m is not None:
                    np.multiply(h, m, out=h_prev[t])
                np.matmul(h_prev[t], U_zr, out=hz)
                gates_step(xz[t], hz, h_prev[t], gates[t], rh[t])
                np.matmul(rh[t], U_h, out=hh_in)
                candidate_step(xz[t], hh_in, h, gates[t], hs[t])
                h = hs[t]
            out[rows] = np.swapaxes(hs, 0, 1)
            return xt, gates, rh, h_before, h_prev, m
        self.cache = (self.in_lanes(run, x, U), x.shape, W, U, np.shape(h0))
        return out

    def _backward_reset_before(self, grad):
        lanes, x_shape, W, U, h0_shape = self.cache
        H = U.shape[0]
        candidate_back = kernel("gru_candidate_backward_step", grad)
        reset_back = kernel("gru_reset_backward_step", grad)
        U_zrT = np.ascontiguousarray(U[:, :2 * H].T, like=U)
        U_hT = np.ascontiguousarray(U[:, 2 * H:].T, like=U)
        dx = np.empty(x_shape, grad.dtype, like=grad) if self.wants(0) else None

        def run(k, rows):
            xt, gates, rh, h_before, h_prev, m = lanes[k]
            g = _time_major(grad[rows])
            dz = np.empty_like(gates)
            dh_next = np.zeros(h_before[0].shape, gates.dtype, like=gates)
            dh_direct, drh, dh_rec = (np.empty_like(dh_next) for _ in range(3))
            for t in range(gates.shape[0] - 1, -1, -1):
                candidate_back(g[t], dh_next, gates[t], h_before[t], dz[t], dh_direct)
                np.matmul(dz[t][:, 2 * H:], U_hT, out=drh)         # the gradient at r h_{t-1}
                reset_back(drh, gates[t], h_prev[t], dz[t], dh_rec)
                np.matmul(dz[t][:, :2 * H], U_zrT, out=dh_next)    # through z's and r's products
                dh_next += dh_rec
                if m is not None:
                    dh_next *= m
                dh_next += dh_direct
            T, n = xt.shape[:2]
            dW, dU = None, None
            if dx is not None:
                dx[rows] = np.swapaxes((dz.reshape(T * n, 3 * H) @ W.T).reshape(T, n, -1), 0, 1)
            if self.wants(1):
                dW = xt.reshape(T * n, -1).T @ dz.reshape(T * n, 3 * H)
            if self.wants(2):  # z and r multiplied h_{t-1}; ĥ's product, r h_{t-1}
                dU = np.concatenate([h_prev.reshape(T * n, H).T @ dz[:, :, :2 * H].reshape(T * n, 2 * H),
                                     rh.reshape(T * n, H).T @ dz[:, :, 2 * H:].reshape(T * n, H)], axis=1)
            return (dW, dU, dz.sum(axis=(0, 1)), dh_next), dz
        parts = self.each_lane(run)
        self.step_grads = [dz for _, dz in parts]
        return (dx,) + self.gather([p for p, _ in parts], x_shape, h0_shape)

    def backward(self, grad):
        if not self.reset_after:
            return self._backward_reset_before(grad)
        lanes, x_shape, W, U, h0_shape = self.cache
        step, UT = kernel("gru_backward_step", grad), np.ascontiguousarray(U.T, like=U)
        dx = np.empty(x_shape, grad.dtype, like=grad) if self.wants(0) else None

        def run(k, rows):
            xt, gates, hz, h_before, h_prev, m = lanes[k]
            g = _time_major(grad[rows])
            dxz, dhz = np.empty_like(gates), np.empty_like(gates)
            dh_next = np.zeros(h_before[0].shape, gates.dtype, like=gates)
            dh_direct = np.empty_like(dh_next)
            for t in range(gates.shape[0] - 1, -1, -1):
                step(g[t], dh_next, gates[t], hz[t], h_before[t], dxz[t], dhz[t], dh_direct)
                np.matmul(dhz[t], UT, out=dh_next)
                if m is not None:
                    dh_next *= m
                dh_next += dh_direct
            db = np.stack([dxz.sum(axis=(0, 1)), dhz.sum(axis=(0, 1))])
            return _lane_grads(self, rows, xt, W, h_prev, dxz, dhz, db, dh_next, dx), dxz
        parts = self.each_lane(run)
        self.step_grads = [dxz for _, dxz in parts]
        return (dx,) + self.gather([p for p, _ in parts], x_shape, h0_shape)

    @staticmethod
    def examples(rng):
        x, W, U, b = rng.normal(size=(2, 5, 3)), rng.normal(size=(3, 6)), rng.normal(size=(2, 6)) * 0.5, \
            rng.normal(size=(2, 6))
        h0 = rng.normal(size=(2, 2))
        return [(GRUNode(), (x, W, U, b, h0)),
                (GRUNode(recurrent_dropout=0.3, freeze_mask=True), (x, W, U, b, h0[:1])),
                (GRUNode(), (rng.normal(size=(17, 3, 3)), W, U, b, h0[:1])),
                (GRUNode(reset_after=False), (x, W, U, b[0], h0)),
                (GRUNode(recurrent_dropout=0.3, freeze_mask=True, reset_after=False), (x, W, U, b[1], h0[:1])),
                (GRUNode(reset_after=False), (rng.normal(size=(17, 3, 3)), W, U, b[0], h0[:1]))]


def _reduce_to(grad, shape):
    return grad.sum(axis=0, keepdims=True) if shape[0] == 1 and grad.shape[0] != 1 else grad


def _project(xt, W, b):
    """x_t W + b for every step of a lane at once: one matrix product."""
    T, n, D = xt.shape
    z = (xt.reshape(T * n, D) @ W).reshape(T, n, W.shape[1])
    z += b
    return z


def _rows(parts):
    """The lanes' (rows, ...) arrays, back in one batch."""
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _lane_grads(node, rows, xt, W, h_prev, dz_input, dz_recurrent, db, dh0, dx):
    """A lane's share of the weight gradients, gathered over all its steps at once:
    one product each. Its rows of dx are written in place."""
    T, n, D = xt.shape
    G = dz_input.shape[2]
    dW = dU = None
    if dx is not None:
        dx[rows] = np.swapaxes((dz_input.reshape(T * n, G) @ W.T).reshape(T, n, D), 0, 1)
    if node.wants(1):
        dW = xt.reshape(T * n, D).T @ dz_input.reshape(T * n, G)
    if node.wants(2):
        dU = h_prev.reshape(T * n, -1).T @ dz_recurrent.reshape(T * n, G)
    return dW, dU, db, dh0


# --- one step, for the unrolled view ---------------------------------------------------

class SimpleRNNCell(Node):
    """One SimpleRNN step: (x_t, h, W, U, b) -> tanh(x_t W + h U + b)."""

    formula = "tanh(x W + h U + b)"

    def forward(self, x, h, W, U, b):
        z = x @ W + h @ U + b
        self.out, self.args = np.empty_like(z), (x, h, W, U)
        kernel("rnn_forward_step", z)(z, self.out)
        return self.out

    def backward(self, grad):
        x, h, W, U = self.args
        dz = np.empty_like(self.out)
        kernel("rnn_backward_step", dz)(grad, np.zeros_like(dz), self.out, dz)
        return dz @ W.T, dz @ U.T, x.T @ dz, h.T @ dz, dz.sum(axis=0)

    def expand(self, x, h, W, U, b):
        return activations.tanh(x @ W + h @ U + b)

    @staticmethod
    def examples(rng):
        return [(SimpleRNNCell(), (rng.normal(size=(2, 3)), rng.normal(size=(2, 4)), rng.normal(size=(3, 4)),
                                   rng.normal(size=(4, 4)), rng.normal(size=(4,))))]


class LSTMCell(Node):
    """One LSTM step on the state [h | c]: (x_t, state, W, U, b) -> new [h | c]."""

    formula = "[o tanh(c'), c' = f c + i g]"

    def forward(self, x, state, W, U, b):
        H = U.shape[0]
        h, c = np.ascontiguousarray(state[:, :H]), np.ascontiguousarray(state[:, H:])
        xz, hz = x @ W + b, h @ U
        B = xz.shape[0]
        self.gates, self.tanh_c = np.empty_like(xz), np.empty((B, H), xz.dtype)
        c_new, h_new = np.empty((B, H), xz.dtype), np.empty((B, H), xz.dtype)
        kernel("lstm_forward_step", xz)(xz, hz, c, self.gates, c_new, self.tanh_c, h_new)
        self.args = (x, h, c, W, U)
        return np.concatenate([h_new, c_new], axis=1)

    def backward(self, grad):
        x, h, c, W, U = self.args
        H = h.shape[1]
        dz, dc = np.empty_like(self.gates), np.empty_like(c)
        zeros = np.zeros_like(c)
        kernel("lstm_backward_step", dz)(np.ascontiguousarray(grad[:, :H]), np.ascontiguousarray(grad[:, H:]),
                                         zeros, zeros, self.gates, c, self.tanh_c, dz, dc)
        dstate = np.concatenate([dz @ U.T, dc], axis=1)
        return dz @ W.T, dstate, x.T @ dz, h.T @ dz, dz.sum(axis=0)

    def expand(self, x, state, W, U, b):
        H = U.shape[0]
        h, c = state[:, :H], state[:, H:]
        z = x @ W + h @ U + b
        i, f = activations.sigmoid(z[:, :H]), activations.sigmoid(z[:, H:2 * H])
        g, o = activations.tanh(z[:, 2 * H:3 * H]), activations.sigmoid(z[:, 3 * H:])
        c_new = f * c + i * g
        h_new = o * activations.tanh(c_new)
        for gate, label in ((i, "i (input)"), (f, "f (forget)"), (g, "g (candidate)"),
                            (o, "o (output)"), (c_new, "c'"), (h_new, "h'")):
            gate.name = label  # drawings show the textbook names
        return F.concatenate([h_new, c_new], axis=1)

    @staticmethod
    def examples(rng):
        return [(LSTMCell(), (rng.normal(size=(2, 3)), rng.normal(size=(2, 4)), rng.normal(size=(3, 8)),
                              rng.normal(size=(2, 8)), rng.normal(size=(8,))))]


class GRUCell(Node):
    """One GRU step: (x_t, h, W, U, b) -> z h + (1 - z) ĥ, with the reset gate applied after
    the recurrent product (``reset_after=True``, b of shape (2, 3H)) or before it (b of 3H)."""

    formula = "z h + (1 - z) ĥ"

    def __init__(self, reset_after=True, name=None):
        super().__init__(name)
        self.reset_after = reset_after

    def forward(self, x, h, W, U, b):
        if not self.reset_after:
            return self._forward_reset_before(x, h, W, U, b)
        xz, hz = x @ W + b[0], h @ U + b[1]
        self.gates, out = np.empty_like(xz), np.empty_like(h)
        kernel("gru_forward_step", xz)(xz, hz, h, self.gates, out)
        self.args = (x, h, W, U, hz)
        return out

    def _forward_reset_before(self, x, h, W, U, b):
        H = U.shape[0]
        xz = x @ W + b
        self.gates, rh, out = np.empty_like(xz), np.empty_like(h), np.empty_like(h)
        kernel("gru_reset_gates_step", xz)(xz, h @ U[:, :2 * H], h, self.gates, rh)
        kernel("gru_candidate_step", xz)(xz, rh @ U[:, 2 * H:], h, self.gates, out)
        self.args = (x, h, W, U, rh)
        return out

    def backward(self, grad):
        if not self.reset_after:
            return self._backward_reset_before(grad)
        x, h, W, U, hz = self.args
        dxz, dhz, dh = np.empty_like(self.gates), np.empty_like(self.gates), np.empty_like(h)
        kernel("gru_backward_step", dxz)(grad, np.zeros_like(h), self.gates, hz, h, dxz, dhz, dh)
        return (dxz @ W.T, dh + dhz @ U.T, x.T @ dxz, h.T @ dhz,
                np.stack([dxz.sum(axis=0), dhz.sum(axis=0)]))

    def _backward_reset_before(self, grad):
        x, h, W, U, rh = self.args
        H = h.shape[1]
        dz, dh, dh_rec = np.empty_like(self.gates), np.empty_like(h), np.empty_like(h)
        kernel("gru_candidate_backward_step", dz)(grad, np.zeros_like(h), self.gates, h, dz, dh)
        drh = dz[:, 2 * H:] @ U[:, 2 * H:].T
        kernel("gru_reset_backward_step", dz)(drh, self.gates, h, dz, dh_rec)
        dU = np.concatenate([h.T @ dz[:, :2 * H], rh.T @ dz[:, 2 * H:]], axis=1)
        return dz @ W.T, dh + dh_rec + dz[:, :2 * H] @ U[:, :2 * H].T, x.T @ dz, dU, dz.sum(axis=0)

    def expand(self, x, h, W, U, b):
        H = U.shape[0]
        if self.reset_after:
            xz, hz = x @ W + b[0], h @ U + b[1]
        else:
            xz, hz = x @ W + b, h @ U[:, :2 * H]
        z = activations.sigmoid(xz[:, :H] + hz[:, :H])
        r = activations.sigmoid(xz[:, H:2 * H] + hz[:, H:2 * H])
        if self.reset_after:
            candidate = activations.tanh(xz[:, 2 * H:] + r * hz[:, 2 * H:])
        else:
            candidate = activations.tanh(xz[:, 2 * H:] + (r * h) @ U[:, 2 * H:])
        for gate, label in ((z, "z (update)"), (r, "r (reset)"), (candidate, "ĥ (candidate)")):
            gate.name = label  # drawings show the textbook names
        return z * h + (1.0 - z) * candidate

    @staticmethod
    def examples(rng):
        x, h, W, U = rng.normal(size=(2, 3)), rng.normal(size=(2, 2)), rng.normal(size=(3, 6)), \
            rng.normal(size=(2, 6))
        return [(GRUCell(), (x, h, W, U, rng.normal(size=(2, 6)))),
                (GRUCell(reset_after=False), (x, h, W, U, rng.normal(size=(6,))))]


class EmbeddingNode(Node):
    """Rows of a table picked by integer indices; the gradient is scattered back
    (added) to the rows that were used, and every other row gets zero."""

    formula = "E[i]"
    derivatives = (None, "scatter-add of g into the used rows")

    @property
    def op(self):
        return "Embedding"

    def forward(self, indices, table):
        # Host indices are checked here; indices on a GPU give rows of nan when out of
        # range, and fractions are truncated there (checking would cost a copy back at
        # every step).
        host = isinstance(indices, np.ndarray) and indices.size
        if indices.dtype.kind not in "iu":
            # Whole floats (3.0, from a float array) are rows; 1.7 is none, and truncating
            # it to row 1 would be silently wrong.
            if host:
                fractional = ~(np.isfinite(indices) & (np.floor(indices) == indices))
                if fractional.any():
                    at = _first(fractional)
                    raise ShapeError(f"{self!r} takes whole-number indices (rows of its table), got "
                                     f"{float(indices[at]):g} at {list(at)}; round or cast them to integers")
            indices = indices.astype(np.int64)
        n = table.shape[0]
        if host and (indices.min() < 0 or indices.max() >= n):
            at = _first((indices < 0) | (indices >= n))
            raise ShapeError(f"{self!r}: indices must lie in [0, {n - 1}] (input_dim {n}), got "
                             f"{indices[at]} at {list(at)} (they span {indices.min()}..{indices.max()})")
        self.idx, self.table_shape = indices, table.shape
        return table[indices]

    def backward(self, grad):
        dtable = np.zeros(self.table_shape, dtype=grad.dtype, like=grad)
        flat = np.ascontiguousarray(grad.reshape(-1, self.table_shape[1]), like=grad)
        kernel("embedding_scatter_add", grad)(self.idx.reshape(-1), flat, dtable)
        return None, dtable

    @staticmethod
    def examples(rng):
        node = EmbeddingNode()
        node.needs = (False, True)
        return [(node, (np.array([[1, 3, 1], [0, 2, 3]]), rng.normal(size=(4, 3))))]


def _first(mask):
    """The position of the first True of ``mask``, as a tuple of ints."""
    return tuple(int(i) for i in np.argwhere(mask)[0])


# --- layers ---------------------------------------------------------------------------

class _Recurrent(Layer):
    """The recurrent layers' settings. As in Keras, ``layer(x)`` on its own is inference
    (no dropout); ``layer(x, training=True)`` drops, and so does ``fit`` inside a model."""

    node = None
    kernel = "BLAS GEMM + Numba gate kernel per step"
    keras1_names = {"output_dim": "units", "dropout_W": "dropout", "dropout_U": "recurrent_dropout",
                    "init": "kernel_initializer", "inner_init": "recurrent_initializer"}

    def __init__(self, units=None, activation="tanh", return_sequences=False, return_state=False,
                 dropout=0.0, recurrent_dropout=0.0, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", recurrent_activation="sigmoid",
                 **kwargs):
        super().__init__(**kwargs)
        if recurrent_activation != "sigmoid":  # Keras 2.0-2.2 defaulted to 'hard_sigmoid'
            raise ValueError(f"{layer_title(self)}: recurrent_activation must be 'sigmoid' (its kernels "
                             f"fuse it), got {recurrent_activation!r}")
        units, dropout = self.spelled("units", units), self.spelled("dropout", dropout)
        recurrent_dropout = self.spelled("recurrent_dropout", recurrent_dropout)
        kernel_initializer = self.spelled("kernel_initializer", kernel_initializer)
        recurrent_initializer = self.spelled("recurrent_initializer", recurrent_initializer)
        if activation != "tanh":
            raise ValueError(f"{layer_title(self)}: activation must be 'tanh' (its kernels fuse it), "
                             f"got {activation!r}")
        self.units, self.activation = whole(self, "units", units), activation
        self.return_sequences, self.return_state = return_sequences, return_state
        self.dropout = fraction(self, "dropout", dropout)
        self.recurrent_dropout = fraction(self, "recurrent_dropout", recurrent_dropout)
        self.kernel_initializer = lookup(self, "kernel_initializer", initializers.get, kernel_initializer)
        self.recurrent_initializer = lookup(self, "recurrent_initializer", initializers.get,
                                            recurrent_initializer)
        self.bias_initializer = lookup(self, "bias_initializer", initializers.get, bias_initializer)

    def build(self, input_shape):
        if len(input_shape) != 3:
            raise ShapeError(f"{layer_title(self)} expects sequences (batch, timesteps, "
                             f"features), got {input_shape}")
        G, H = self.node.gates, self.units
        self.W = self.add_weight("kernel", (input_shape[2], G * H), self.kernel_initializer)
        self.U = self.add_weight("recurrent_kernel", (H, G * H), self.recurrent_initializer)
        self.b = self.add_bias()

    def add_bias(self):
        return self.add_weight("bias", (self.node.gates * self.units,), self.bias_initializer)

    def call(self, x, initial_state=None, training=None):
        if x.ndim != 3:
            raise ShapeError(f"{layer_title(self)} expects sequences (batch, timesteps, "
                             f"features), got {tuple(x.shape)}")
        training = bool(training)  # None (a call outside fit): inference, as in Keras
        if self.dropout:
            x = apply(DropoutNode(self.dropout, training=training, shared_axes=(1,)), x)
        H, parts = self.units, self.node.state_parts
        if initial_state is None:
            zeros = np.zeros((1, H), dtype=self.W.dtype)
            initial_state = [constant(zeros, dtype=zeros.dtype) for _ in range(parts)]
        initial_state = initial_state if isinstance(initial_state, (list, tuple)) else [initial_state]
        if len(initial_state) != parts:
            raise ValueError(f"{layer_title(self)} takes {parts} initial state tensor(s)")
        out = apply(self.make_node(training), x, self.W, self.U, self.b, *initial_state)
        sequence = out[:, :, :H] if parts > 1 else out
        output = sequence if self.return_sequences else sequence[:, -1]
        if not self.return_state:
            return output
        return [output] + [out[:, -1, k * H:(k + 1) * H] for k in range(parts)]

    def make_node(self, training):
        return self.node(self.recurrent_dropout, training=training)

    def flops_per_sample(self):
        _, T, D = self.input_shape
        G, H = self.node.gates, self.units
        return T * 2 * G * H * (D + H)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "return_sequences": self.return_sequences,
                "return_state": self.return_state, "dropout": self.dropout,
                "recurrent_dropout": self.recurrent_dropout}


class SimpleRNN(_Recurrent):
    """A fully connected recurrent layer: h_t = tanh(x_t W + h_{t-1} U + b)."""

    node = SimpleRNNNode


class LSTM(_Recurrent):
    """Long short-term memory: input, forget and output gates around a cell state."""

    node = LSTMNode

    def add_bias(self):
        # Keras' unit_forget_bias: the forget gate starts at 1, remembering by default.
        b = self.add_weight("bias", (4 * self.units,), self.bias_initializer)
        b.value[self.units:2 * self.units] = 1.0
        return b


class GRU(_Recurrent):
    """Gated recurrent unit: update and reset gates, no separate cell state.

    ``reset_after=True`` (Keras 3's default) applies the reset gate after the recurrent
    product and has a bias of shape (2, 3 units); ``reset_after=False`` (Keras 2's
    default) applies it to h before the product, with one bias of 3 units (GRUNode).
    """

    node = GRUNode

    def __init__(self, *args, reset_after=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not isinstance(reset_after, (bool, np.bool_)):
            raise ValueError(f"{layer_title(self)}: reset_after must be True or False, got {reset_after!r}")
        self.reset_after = bool(reset_after)

    def add_bias(self):
        shape = (2, 3 * self.units) if self.reset_after else (3 * self.units,)
        return self.add_weight("bias", shape, self.bias_initializer)

    def make_node(self, training):
        return GRUNode(self.recurrent_dropout, training=training, reset_after=self.reset_after)

    def get_config(self):
        return {**super().get_config(), "reset_after": self.reset_after}


class Embedding(Layer):
    """Integer-encoded words -> dense vectors: row i of a (input_dim, output_dim) table.

    Indices are integers, or floats that hold whole numbers (3.0, as a float array
    holds them). Fractions (1.7) and indices outside [0, input_dim) are refused,
    naming the layer and the first bad value, for indices in host memory.
    """

    kernel = "NumPy gather + Numba scatter-add"
    keras1_names = {"init": "embeddings_initializer"}

    # input_dim is the vocabulary here, not Keras 2's input_shape=(n,) of Layer: taken first.
    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform", input_length=None,
                 mask_zero=False, **kwargs):
        if input_length is not None and kwargs.get("input_shape") is None:
            kwargs["input_shape"] = (input_length,)  # Keras 2: the first layer's sample shape
        super().__init__(**kwargs)
        embeddings_initializer = self.spelled("embeddings_initializer", embeddings_initializer)
        self.input_dim = whole(self, "input_dim", input_dim, " (the number of rows: the vocabulary size)")
        self.output_dim = whole(self, "output_dim", output_dim, " (the length of each vector)")
        self.input_length = None if input_length is None else whole(self, "input_length", input_length)
        if mask_zero:
            raise ValueError(f"{layer_title(self)}: mask_zero=True is not supported (graphnet has no "
                             "masking): pad sequences to one length and leave mask_zero off")
        self.embeddings_initializer = lookup(self, "embeddings_initializer", initializers.get,
                                             embeddings_initializer)

    def build(self, input_shape):
        if self.input_length is not None and input_shape[1:] != (self.input_length,):
            raise ShapeError(f"{layer_title(self)} was given input_length={self.input_length}, "
                             f"so it expects (batch, {self.input_length}) indices, got {input_shape}")
        self.E = self.add_weight("embeddings", (self.input_dim, self.output_dim), self.embeddings_initializer)

    def call(self, indices):
        return apply(EmbeddingNode(), indices, self.E)

    def get_config(self):
        config = {**super().get_config(), "input_dim": self.input_dim, "output_dim": self.output_dim}
        if self.input_length is not None:
            config["input_length"] = self.input_length
        return config


class TimeDistributed(Layer):
    """Applies ``layer`` to every time step: (batch, timesteps, ...) folded into
    (batch * timesteps, ...) for the layer, then unfolded."""

    def __init__(self, layer, **kwargs):
        super().__init__(**kwargs)
        self.layer = layer

    @property
    def params(self):
        return self.layer.params

    @params.setter
    def params(self, value):  # Layer.__init__ sets an empty list; the inner layer owns the weights
        pass

    def call(self, x):
        T = x.shape[1]
        folded = apply(Reshape((-1,) + tuple(x.shape[2:])), x)
        out = self.layer(folded)
        return apply(Reshape((-1, T) + tuple(out.shape[1:])), out)

    def get_config(self):
        return {**super().get_config(), "layer": {"class_name": type(self.layer).__name__,
                                                  "config": self.layer.get_config()}}

    @classmethod
    def from_config(cls, config):
        from .layers import LAYERS
        config = dict(config)
        spec = config.pop("layer")
        return cls(LAYERS[spec["class_name"]].from_config(spec["config"]), **config)


def time_step_gradient_norms(graph):
    """{node name: |gradient| per time step} for every recurrent node of ``graph``
    after its backward pass (a Graph, or an output tensor's graph)."""
    from ..core import Graph
    graph = graph if isinstance(graph, Graph) else Graph(graph)
    return {node.layer_name() or node.name: node.step_gradient_norms()
            for node in graph.nodes if isinstance(node, RecurrentNode) and hasattr(node, "step_grads")}


for _layer in (SimpleRNN, LSTM, GRU, Embedding, TimeDistributed):
    register(_layer)

__all__ = ["SimpleRNN", "LSTM", "GRU", "Embedding", "TimeDistributed", "SimpleRNNNode", "LSTMNode",
           "GRUNode", "SimpleRNNCell", "LSTMCell", "GRUCell", "EmbeddingNode", "time_step_gradient_norms"]
