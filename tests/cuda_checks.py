"""Every CUDA kernel against its CPU twin, at tiny sizes, under Numba's CUDA
simulator. Run by tests/test_cuda_simulator.py in a process with
NUMBA_ENABLE_CUDASIM=1 (it must be set before numba is imported); prints one
JSON line: {check name: null when it passed, else the error}."""
import json
import os
import sys
import traceback

import numpy as np

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
    A, B = f32(37, 21), f32(21, 19)
    C = np.zeros((37, 19), np.float32)
    matmul.matmul(A, B, C)  # 3 x 3 tiles of 16 x 16
    np.testing.assert_allclose(C, A @ B, rtol=1e-4, atol=1e-4)


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


def check_lstm_and_embedding():
    B, H = 3, 5
    z, c = f32(B, 4 * H), f32(B, H)
    outs = [[np.empty((B, 4 * H), np.float32)] + [np.empty((B, H), np.float32) for _ in range(3)]
            for _ in range(2)]
    cpu_rnn.lstm_forward_step(z, c, *outs[0])
    recurrent.lstm_forward_step(z, c, *outs[1])
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
    assert device_of(on_device) == "cuda" and kernel("unfold", on_device) is conv.unfold


CHECKS = {name: fn for name, fn in globals().items() if name.startswith("check_")}

if __name__ == "__main__":
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = None
        except Exception:  # report every failure, not just the first
            results[name] = traceback.format_exc(limit=3)
    print(json.dumps(results))
    sys.exit(0)
