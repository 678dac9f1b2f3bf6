"""One training step of the course's MLP against PyTorch CPU, in the same process.

Dense(784 -> 512, ReLU), Dense(512 -> 10, softmax), categorical cross-entropy,
Adam, batches of 100. graphnet's step is ``model.train_on_batch`` (replay of the
recorded graph, backward, fused Numba Adam); PyTorch's is the usual
zero_grad / forward / loss / backward / step with a fused softmax-cross-entropy.

Also reported: the time of the step's matrix products alone (NumPy/BLAS), so
graphnet's framework overhead per step is the rest. Compile time (the first
step: Numba compiles the Adam kernel, or loads it from its cache) is reported
apart from the steady state.

Run: ``python benchmarks/bench_mlp.py`` (PyTorch: ``pip install torch==2.13.0``).
"""
import _common

_common.clean_blas_environment()

import numpy as np  # noqa: E402

BATCH = 100


def data():
    rng = np.random.default_rng(0)
    x = rng.random((BATCH, 784), dtype=np.float32)
    labels = rng.integers(0, 10, BATCH)
    return x, labels


def graphnet_step():
    import graphnet as gn
    from graphnet.nn import Dense
    gn.set_seed(0)
    model = gn.Sequential([Dense(512, activation="relu", input_shape=(784,)), Dense(10, activation="softmax")])
    model.compile(gn.optimizers.Adam(1e-3), "sparse_categorical_crossentropy")
    x, labels = data()
    return lambda: model.train_on_batch(x, labels)


def matmuls_only():
    """The step's BLAS work alone: 2 forward and 3 backward products (dx of layer 1 is skipped)."""
    rng = np.random.default_rng(0)
    x, _ = data()
    W1, W2 = rng.normal(size=(784, 512)).astype(np.float32), rng.normal(size=(512, 10)).astype(np.float32)
    g = rng.normal(size=(BATCH, 10)).astype(np.float32)

    def products():
        h = x @ W1
        h @ W2
        h.T @ g       # dW2
        dh = g @ W2.T  # gradient into the hidden layer
        x.T @ dh      # dW1
    return products


def torch_step():
    import torch
    torch.set_num_threads(2)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = torch.nn.CrossEntropyLoss()
    x, labels = data()
    xt, yt = torch.from_numpy(x), torch.from_numpy(labels)

    def step():
        optimizer.zero_grad()
        loss = loss_fn(model(xt), yt)
        loss.backward()
        optimizer.step()
    return step


def main():
    results = {"machine": _common.machine(), "batch": BATCH, "cases": {}}
    try:
        import torch  # noqa: F401
        have_torch = True
    except ImportError:
        have_torch = False
        print("PyTorch is not installed: no reference column (pip install torch==2.13.0)")
    ours, first = _common.first_call(graphnet_step)
    theirs, their_first = _common.first_call(torch_step) if have_torch else (None, None)
    median, t_median, ratio = _common.compare(ours, theirs, rounds=7, repeat=20)
    blas = _common.compare(matmuls_only(), None, rounds=3, repeat=20)[0]
    results["cases"] = {"graphnet train_on_batch": {"first_s": first, "median_s": median},
                        "NumPy matmuls only": {"median_s": blas}}
    rows = [("graphnet train_on_batch", f"{first * 1e3:.1f}", f"{median * 1e3:.3f}"),
            ("NumPy matmuls only", "", f"{blas * 1e3:.3f}")]
    if have_torch:
        results["cases"]["PyTorch CPU"] = {"first_s": their_first, "median_s": t_median}
        rows.append(("PyTorch CPU", f"{their_first * 1e3:.1f}", f"{t_median * 1e3:.3f}"))
    _common.print_table(rows, ("case", "first step ms (compile)", "median ms"))
    print(f"\ngraphnet overhead beyond the matrix products: {(median - blas) * 1e3:.3f} ms per step")
    if have_torch:
        results["graphnet_over_torch"] = ratio
        print(f"graphnet time / PyTorch time: {ratio:.2f} (target: at most 1.2; the median over "
              "alternating rounds)")
    print("machine:", results["machine"])
    print("saved", _common.save("mlp", results))


if __name__ == "__main__":
    main()
