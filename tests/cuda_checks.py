"""Every CUDA kernel against its CPU twin, at tiny sizes, under Numba's CUDA
simulator. Run by tests/test_cuda_simulator.py in a process with
NUMBA_ENABLE_CUDASIM=1 (it must be set before numba is imported); prints one
JSON line: {check name: null when it passed, else the error}."""
import os

import numpy as np
from simulated_checks import report

assert os.environ.get("NUMBA_ENABLE_CUDASIM") == "1", "run me with NUMBA_ENABLE_CUDASIM=1"

from graphnet.kernels.cpu import conv as cpu_conv  # noqa: E402
from graphnet.kernels.cpu import optimizers as cpu_opt  # noqa: E402
from graphnet.kernels.cpu import pool as cpu_pool  # noqa: E402
from graphnet.kernels.cpu import recurrent as cpu_rnn  # noqa: E402
from graphnet.kernels.cuda import conv, elementwise, matmul, optimizers, pool, recurrent  # noqa: E402
from graphnet.nn.conv import geometry  # noqa: E402

rng = np.random.default_rng(0)


def f32(*shape):
    return rng.normal(size=shape).astype(np.float32)


def check_elementwise():
    x, g = f32(300), f32(300)
    for name, want, dwant in (("relu", np.maximum(x, 0), g * (x > 0)),
                              ("sigmoid", 1 / (1 + np.exp(-x)), None), ("tanh", np.tanh(x), None)):
        out = np.empty_like(x)
        getattr(elementwise, f"{name}_forward")(x, out)
        np.testing.assert_allclose(out, want, rtol=1e-5, atol=1e-6)
        d = np.empty_like(x)
        if name == "relu":
            elementwise.relu_backward(x, g, d)
            np.testing.assert_allclose(d, dwant)
        else:
            getattr(elementwise, f"{name}_backward")(out, g, d)
            local = out * (1 - out) if name == "sigmoid" else 1 - out * out
            np.testing.assert_allclose(d, g * local, rtol=1e-5, atol=1e-6)


def check_matmul():
    A, B = f32(9, 7), f32(7, 6)
    C = np.zeros((9, 6), np.float32)
    matmul.matmul(A, B, C)  # several tiles (4 x 4 in the simulator, 16 x 16 on a GPU), some partial
    np.testing.assert_allclose(C, A @ B, rtol=1e-4, atol=1e-4)
    # A strided operand: Aᵀ read straight from A's buffer (row stride 1, column stride 7)
    D, out = f32(9, 6), np.zeros(7 * 6, np.float32)
    for tiled in (True, False):  # the tiled kernel, and the plain one the simulator trains with
        matmul.matmul_strided(A.reshape(-1), 0, 1, 7, D.reshape(-1), 0, 6, 1, out, 0, 6, 1, 7, 9, 6, tiled)
        np.testing.assert_allclose(out.reshape(7, 6), A.T @ D, rtol=1e-4, atol=1e-4)


def check_optimizers():
    for name, extra in (("sgd_update", (np.float32(0.1),)),
                        ("momentum_update", (np.zeros(50, np.float32), np.float32(0.1), np.float32(0.9), True))):
        value, grad = f32(50), f32(50)
        a, b = value.copy(), value.copy()
        extra_a = tuple(e.copy() if isinstance(e, np.ndarray) else e for e in extra)
        getattr(cpu_opt, name)(a, grad, *extra)
        getattr(optimizers, name)(b, grad, *extra_a)
        np.testing.assert_allclose(a, b, rtol=1e-6)
    value, grad = f32(50), f32(50)
    states = [[value.copy(), np.zeros(50, np.float32), np.zeros(50, np.float32), np.zeros(50, np.float32)]
              for _ in range(2)]
    scalars = tuple(np.float32(v) for v in (0.01, 0.9, 0.1, 0.999, 0.001, 1e-7))
    for _ in range(3):
        cpu_opt.adam_update(states[0][0], grad, *states[0][1:], *scalars, False)
        optimizers.adam_update(states[1][0], grad, *states[1][1:], *scalars, False)
    np.testing.assert_allclose(states[0][0], states[1][0], rtol=1e-5)


def s(*values):
    """Optimizer scalars, in the arrays' dtype as the optimizers pass them. The tests'
    epsilon is 1e-3: 1e-7 would vanish in float32 and leave its placement untested."""
    return tuple(np.float32(v) for v in values)


def _run_optimizer(name, value, grad, state, scalars, steps=3):
    """``steps`` updates by the CPU kernel and by the CUDA one, each on its own copy
    of the value and state; both must end at the same value and state."""
    runs = [[value.copy()] + [a.copy() for a in state] for _ in range(2)]
    for _ in range(steps):
        getattr(cpu_opt, name)(runs[0][0], grad, *runs[0][1:], *scalars)
        getattr(optimizers, name)(runs[1][0], grad, *runs[1][1:], *scalars)
    for a, b in zip(*runs):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-7, err_msg=name)


def check_optimizers_rmsprop_adagrad_adadelta():
    n = 37  # not a multiple of anything: the grid-stride loop's tail
    value, grad = f32(n), f32(n)
    squares = rng.uniform(0, 1, n).astype(np.float32)
    # RMSprop with momentum, then without (velocity is empty: it must not be read)
    _run_optimizer("rmsprop_update", value, grad, [squares, f32(n)], s(0.01, 0.9, 0.1, 0.5, 1e-3))
    _run_optimizer("rmsprop_update", value, grad, [squares, np.empty(0, np.float32)],
                   s(0.01, 0.9, 0.1, 0.0, 1e-3))
    _run_optimizer("adagrad_update", value, grad, [squares], s(0.01, 1e-3))
    _run_optimizer("adadelta_update", value, grad, [squares, squares[::-1].copy()],
                   s(1.0, 0.95, 0.05, 1e-3))


def check_optimizers_adamax_nadam():
    n = 37
    value, grad = f32(n), f32(n)
    _run_optimizer("adamax_update", value, grad, [f32(n), rng.uniform(0, 1, n).astype(np.float32)],
                   s(0.002, 0.9, 0.1, 0.999, 1e-3))
    # momentum_weight, gradient_weight, v_correction: made-up but plausible; a large lr
    # and v_correction keep epsilon's share of the step visible in float32
    _run_optimizer("nadam_update", value, grad, [f32(n), rng.uniform(0, 1, n).astype(np.float32)],
                   s(0.1, 0.9, 0.1, 0.999, 0.001, 0.9, 0.05, 0.5, 1e-3))


def check_conv():
    x = f32(2, 5, 6, 3)
    for kh, kw, sh, sw, padding in ((3, 3, 1, 1, "valid"), (3, 2, 2, 1, "same")):
        Ho, top, _ = geometry(5, kh, sh, padding)
        Wo, left, _ = geometry(6, kw, sw, padding)
        want, got = (np.zeros((2, Ho, Wo, kh, kw, 3), np.float32) for _ in range(2))
        cpu_conv.unfold(x, kh, kw, sh, sw, top, left, want)
        conv.unfold(x, kh, kw, sh, sw, top, left, got)
        np.testing.assert_array_equal(got, want)
        dcols = f32(*want.shape)
        dx_cpu, dx_gpu = np.zeros_like(x), np.zeros_like(x)
        cpu_conv.fold(dcols, sh, sw, top, left, dx_cpu)
        conv.fold(dcols, sh, sw, top, left, dx_gpu)
        np.testing.assert_allclose(dx_gpu, dx_cpu, rtol=1e-5, atol=1e-5)


def check_pool():
    x = f32(2, 5, 6, 3)
    Ho, top, _ = geometry(5, 3, 2, "same")
    Wo, left, _ = geometry(6, 3, 2, "same")
    outs = [np.empty((2, Ho, Wo, 3), np.float32) for _ in range(2)]
    wins = [np.empty((2, Ho, Wo, 3), np.int32) for _ in range(2)]
    cpu_pool.max_pool_forward(x, 3, 3, 2, 2, top, left, outs[0], wins[0])
    pool.max_pool_forward(x, 3, 3, 2, 2, top, left, outs[1], wins[1])
    np.testing.assert_array_equal(outs[0], outs[1])
    np.testing.assert_array_equal(wins[0], wins[1])
    g = f32(*outs[0].shape)
    dx = [np.zeros_like(x), np.zeros_like(x)]
    cpu_pool.max_pool_backward(g, wins[0], dx[0])
    pool.max_pool_backward(g, wins[1], dx[1])
    np.testing.assert_allclose(dx[0], dx[1], rtol=1e-6)


def check_avg_pool():
    x = f32(2, 5, 7, 3)  # odd sizes: some windows clipped ('same'), some inputs uncovered ('valid')
    for (ph, pw), (sh, sw), padding in (((2, 2), (2, 2), "valid"), ((3, 2), (2, 3), "valid"),
                                        ((3, 3), (2, 2), "same"), ((2, 3), (1, 2), "same"),
                                        ((3, 3), (1, 1), "same")):
        Ho, top, _ = geometry(5, ph, sh, padding)
        Wo, left, _ = geometry(7, pw, sw, padding)
        outs = [np.empty((2, Ho, Wo, 3), np.float32) for _ in range(2)]
        cpu_pool.avg_pool_forward(x, ph, pw, sh, sw, top, left, outs[0])
        pool.avg_pool_forward(x, ph, pw, sh, sw, top, left, outs[1])
        np.testing.assert_allclose(outs[1], outs[0], rtol=1e-6, atol=1e-7)
        g = f32(*outs[0].shape)
        start = f32(*x.shape)  # both kernels add to dx: start from something other than zeros
        dx = [start.copy(), start.copy()]
        cpu_pool.avg_pool_backward(g, ph, pw, sh, sw, top, left, dx[0])
        pool.avg_pool_backward(g, ph, pw, sh, sw, top, left, dx[1])
        np.testing.assert_allclose(dx[1], dx[0], rtol=1e-5, atol=1e-6)


def check_rnn_and_gru():
    """A few time steps, forward then backward, each kernel family chaining its own
    outputs (the matrix products in between in NumPy), as the recurrent nodes do."""
    B, H, T = 3, 5, 3
    U, U3 = f32(H, H) * 0.5, f32(H, 3 * H) * 0.5
    z_in, xz, h0, g = f32(T, B, H), f32(T, B, 3 * H), f32(B, H), f32(T, B, H)
    runs = {}
    for family in (cpu_rnn, recurrent):
        # SimpleRNN: hs[t + 1] = tanh(hs[t] U + z_in[t])
        hs, dz = np.empty((T + 1, B, H), np.float32), np.empty((T, B, H), np.float32)
        hs[0] = h0
        for t in range(T):
            family.rnn_forward_step(hs[t] @ U + z_in[t], hs[t + 1])
        dh_next = np.zeros((B, H), np.float32)
        for t in range(T - 1, -1, -1):
            family.rnn_backward_step(g[t], dh_next, hs[t + 1], dz[t])
            dh_next = dz[t] @ U.T
        # GRU
        h = np.empty((T + 1, B, H), np.float32)
        h[0] = h0
        gates, hz = np.empty((T, B, 3 * H), np.float32), np.empty((T, B, 3 * H), np.float32)
        for t in range(T):
            hz[t] = h[t] @ U3
            family.gru_forward_step(xz[t], hz[t], h[t], gates[t], h[t + 1])
        dxz, dhz = np.empty_like(gates), np.empty_like(gates)
        dh_next, dh_direct = np.zeros((B, H), np.float32), np.empty((B, H), np.float32)
        for t in range(T - 1, -1, -1):
            family.gru_backward_step(g[t], dh_next, gates[t], hz[t], h[t], dxz[t], dhz[t], dh_direct)
            dh_next = dhz[t] @ U3.T + dh_direct
        runs[family] = (hs, dz, h, gates, dxz, dhz, dh_next)
    names = ("rnn h", "rnn dz", "gru h", "gru gates", "gru dxz", "gru dhz", "gru dh0")
    for name, a, b in zip(names, runs[cpu_rnn], runs[recurrent]):
        # the CPU's float32 tanh is a close approximation, not math.tanh
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=2e-6, err_msg=name)


def check_lstm_and_embedding():
    B, H = 3, 5
    xz, hz, c = f32(B, 4 * H), f32(B, 4 * H), f32(B, H)
    outs = [[np.empty((B, 4 * H), np.float32)] + [np.empty((B, H), np.float32) for _ in range(3)]
            for _ in range(2)]
    cpu_rnn.lstm_forward_step(xz, hz, c, *outs[0])
    recurrent.lstm_forward_step(xz, hz, c, *outs[1])
    for a, b in zip(*outs):
        np.testing.assert_allclose(a, b, atol=1e-6)  # the CPU's float32 tanh is a close approximation
    gates, tanh_c = outs[0][0], outs[0][2]
    gh, gc, dhn, dcn = f32(B, H), f32(B, H), f32(B, H), f32(B, H)
    res = [[np.empty((B, 4 * H), np.float32), np.empty((B, H), np.float32)] for _ in range(2)]
    cpu_rnn.lstm_backward_step(gh, gc, dhn, dcn, gates, c, tanh_c, *res[0])
    recurrent.lstm_backward_step(gh, gc, dhn, dcn, gates, c, tanh_c, *res[1])
    for a, b in zip(*res):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    idx, grad = np.array([1, 3, 1, 0]), f32(4, 2)
    tables = [np.zeros((5, 2), np.float32) for _ in range(2)]
    cpu_rnn.embedding_scatter_add(idx, grad, tables[0])
    recurrent.embedding_scatter_add(idx, grad, tables[1])
    np.testing.assert_allclose(tables[0], tables[1], rtol=1e-6)


def check_dispatch_by_device():
    from numba import cuda as numba_cuda

    from graphnet.kernels.dispatch import device_of, kernel
    x = f32(1, 4, 4, 2)
    assert device_of(x) == "cpu" and kernel("unfold", x) is cpu_conv.unfold
    on_device = numba_cuda.to_device(x)
    assert device_of(on_device) == "cuda"
    # dispatch may wrap the CUDA kernel, so compare what it does, not its identity
    want = np.zeros((1, 2, 2, 3, 3, 2), np.float32)
    got = numba_cuda.to_device(np.zeros_like(want))
    cpu_conv.unfold(x, 3, 3, 1, 1, 0, 0, want)
    kernel("unfold", on_device)(on_device, 3, 3, 1, 1, 0, 0, got)
    np.testing.assert_array_equal(got.copy_to_host(), want)


def check_every_cpu_kernel_has_a_cuda_twin():
    """Each dispatched kernel and each optimizer update has a CUDA twin by the same
    name (dispatch finds it by name) taking the same parameters."""
    import inspect

    from numba import cuda as numba_cuda

    from graphnet.kernels import dispatch
    twins = {"conv": (cpu_conv, conv), "pool": (cpu_pool, pool), "recurrent": (cpu_rnn, recurrent),
             "optimizers": (cpu_opt, optimizers)}
    on_device = numba_cuda.to_device(f32(2, 2))
    pairs = []
    for name, module in dispatch._MODULES.items():
        cpu_module, cuda_module = twins[module]
        dispatch.kernel(name, on_device)  # raises NotImplementedError for a missing twin
        pairs.append((getattr(cpu_module, name), getattr(cuda_module, name)))
    pairs += [(getattr(cpu_opt, name), getattr(optimizers, name))
              for name in dir(cpu_opt) if name.endswith("_update")]
    for cpu_fn, cuda_fn in pairs:
        want = inspect.signature(cpu_fn.py_func)  # the Numba dispatcher's Python function
        got = inspect.signature(cuda_fn)
        assert got == want, f"{cuda_fn.__name__}{got} != {want}"


if __name__ == "__main__":
    report(globals())
