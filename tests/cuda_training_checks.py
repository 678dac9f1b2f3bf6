"""Whole models through the CUDA path, under Numba's CUDA simulator, against the
CPU path: GPU arrays against NumPy, a CNN and an LSTM training step, and the
transfers a fit makes. Run by tests/test_cuda_simulator.py in a process with
NUMBA_ENABLE_CUDASIM=1; prints one JSON line: {check name: null, or the error}."""
import os

import numpy as np
from simulated_checks import report

assert os.environ.get("NUMBA_ENABLE_CUDASIM") == "1", "run me with NUMBA_ENABLE_CUDASIM=1"

import graphnet as gn  # noqa: E402
from graphnet.device import transfers  # noqa: E402
from graphnet.kernels.cuda.array import CudaArray, DeviceMixError  # noqa: E402
from graphnet.nn import (GRU, LSTM, AveragePooling2D, Conv2D, Dense, Embedding, Flatten,  # noqa: E402
                         MaxPooling2D, SimpleRNN)

rng = np.random.default_rng(0)


def same(got, want, tol=1e-5):
    assert isinstance(got, CudaArray), f"expected a GPU array, got {type(got).__name__}"
    host = gn.to_host(got)
    assert host.dtype == np.asarray(want).dtype, f"dtype {host.dtype} != {np.asarray(want).dtype}"
    np.testing.assert_allclose(host, want, rtol=tol, atol=tol)


def check_gpu_arrays_follow_numpy():
    x = rng.normal(size=(3, 4, 5)).astype(np.float32)
    labels = np.array([2, 0, 3])
    g, gl = gn.to_device(x), gn.to_device(labels)
    same(g + 1, x + 1)
    same(2.5 * g - g[:, :1], 2.5 * x - x[:, :1])          # broadcasting against a view
    same(g / np.float64(2), x / np.float64(2))             # NumPy's type rules: float64 here
    same(np.exp(g - g.max(axis=-1, keepdims=True)), np.exp(x - x.max(axis=-1, keepdims=True)))
    same(g.sum(axis=(0, 1)), x.sum(axis=(0, 1)), 1e-4)
    same(g.mean(), x.mean())
    same(g.argmax(axis=-1), x.argmax(axis=-1))
    same(g > 0, x > 0)
    same(g * (g > 0), x * (x > 0))
    same(np.where(g > 0, g, 0), np.where(x > 0, x, 0))
    same(g.T[1:, ::2], x.T[1:, ::2])
    same(g.reshape(-1, 5) @ g.reshape(-1, 5).T, x.reshape(-1, 5) @ x.reshape(-1, 5).T, 1e-4)
    same(g.reshape(-1, 5).T @ g.reshape(-1, 5), x.reshape(-1, 5).T @ x.reshape(-1, 5), 1e-4)
    same(g @ g[0, 0], x @ x[0, 0], 1e-4)
    same(g[gl[:2]], x[labels[:2]])
    same(np.eye(4, dtype=np.float32, like=g)[gl], np.eye(4, dtype=np.float32)[labels])
    same(np.concatenate([g, g[:, :, :2]], axis=2), np.concatenate([x, x[:, :, :2]], axis=2))
    same(np.ascontiguousarray(np.swapaxes(g, 0, 1), like=g), np.swapaxes(x, 0, 1))
    same(np.zeros((2, 3), np.float32, like=g), np.zeros((2, 3), np.float32))
    same(np.expand_dims(g[:, 0, 0], (0, 2)) + 0, np.expand_dims(x[:, 0, 0], (0, 2)))
    same(np.clip(g, -0.5, 0.5), np.clip(x, -0.5, 0.5))
    h, want = g.copy(), x.copy()
    h += 1
    h[0, 1:3] = 0
    h[1] = h[2]
    want += 1
    want[0, 1:3] = 0
    want[1] = want[2]
    same(h, want)
    assert float(g.sum()) == np.float32(x.sum()) or abs(float(g.sum()) - x.sum()) < 1e-4
    # No silent copies: mixing devices, or asking NumPy for a host array, says so.
    for mix in (lambda: g + x, lambda: np.asarray(g)):
        try:
            mix()
        except DeviceMixError as exc:
            assert "GPU" in str(exc)
        else:
            raise AssertionError("mixing a GPU and a host array did not fail")


def check_eager_tensors_on_the_gpu():
    x = rng.normal(size=(2, 3))
    w = gn.parameter(x, device="cuda")
    assert w.device == "cuda"
    loss = (gn.relu(w * 3.0 - 1.0) ** 2).sum()
    loss.backward()
    np.testing.assert_allclose(gn.to_host(w.grad), 6 * np.maximum(3 * x - 1, 0), rtol=1e-12)
    np.testing.assert_allclose(loss.item(), (np.maximum(3 * x - 1, 0) ** 2).sum(), rtol=1e-12)


def _both(make, x, y, steps=1):
    """The same model, seeded alike, trained on the CPU and on 'cuda'."""
    cpu, gpu = make(), make().to("cuda")
    for _ in range(steps):
        want, got = cpu.train_on_batch(x, y), gpu.train_on_batch(x, y)
        assert abs(want["loss"] - got["loss"]) < 1e-5, (want, got)
    for p, q in zip(cpu.weights, gpu.weights):
        assert q.device == "cuda", f"{q.name} left the GPU"
        np.testing.assert_allclose(gn.to_host(q.grad), p.grad, rtol=1e-4, atol=1e-5, err_msg=q.name)
        np.testing.assert_allclose(gn.to_host(q.value), p.value, rtol=1e-4, atol=1e-5, err_msg=q.name)


def check_cnn_training_step_matches_cpu():
    def make():
        gn.set_seed(1)
        model = gn.Sequential([Conv2D(3, 3, activation="relu", input_shape=(7, 7, 2)),
                               MaxPooling2D(2), Conv2D(2, 2, padding="same"), AveragePooling2D(1),
                               Flatten(), Dense(4, activation="softmax")])
        model.compile(gn.optimizers.Adam(0.01), "sparse_categorical_crossentropy")
        return model
    _both(make, rng.normal(size=(3, 7, 7, 2)).astype(np.float32), rng.integers(0, 4, size=3), steps=2)


def check_lstm_training_step_matches_cpu():
    def make():
        gn.set_seed(2)
        model = gn.Sequential([Embedding(7, 3, input_shape=(4,)), LSTM(3), Dense(1, activation="sigmoid")])
        model.compile(gn.optimizers.RMSprop(0.01), "binary_crossentropy")
        return model
    _both(make, rng.integers(0, 7, size=(3, 4)), rng.integers(0, 2, size=(3, 1)).astype(np.float32))


def check_gru_and_simple_rnn_training_step_matches_cpu():
    def make():
        gn.set_seed(3)
        model = gn.Sequential([GRU(3, return_sequences=True, input_shape=(3, 2)), SimpleRNN(2), Dense(1)])
        model.compile(gn.optimizers.SGD(0.1, momentum=0.9), "mse")
        return model
    _both(make, rng.normal(size=(2, 3, 2)).astype(np.float32), rng.normal(size=(2, 1)).astype(np.float32))


def check_a_training_step_copies_only_the_loss():
    gn.set_seed(4)
    model = gn.Sequential([Dense(3, activation="relu", input_shape=(4,)), Dense(2, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    model.to("cuda")
    x, y = rng.normal(size=(10, 4)).astype(np.float32), rng.integers(0, 2, size=10)
    model.fit(x, y, batch_size=4, epochs=1, verbose=0)  # traces the graphs (once)
    before = transfers()
    model.fit(x, y, batch_size=4, epochs=2, verbose=0)
    after = transfers()
    steps, epochs = 3 * 2, 2
    # In: the data once per fit (x and y) and the shuffled order once per epoch.
    assert after["to_device"] - before["to_device"] == 2 + epochs, (before, after)
    # Out: one number per step, the loss.
    assert after["to_host"] - before["to_host"] == steps, (before, after)
    # With the data already on the GPU, nothing goes in but the order.
    gx, gy = gn.to_device(x), gn.to_device(y)
    before = transfers()
    model.fit(gx, gy, batch_size=4, epochs=1, verbose=0)
    after = transfers()
    assert after["to_device"] - before["to_device"] == 1 and after["to_host"] - before["to_host"] == 3
    assert isinstance(model.predict(gx), np.ndarray)  # Keras' contract: predictions come back


if __name__ == "__main__":
    report(globals())
