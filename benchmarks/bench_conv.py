"""Convolutional networks against PyTorch CPU, in the same process.

(a) Conv2D(1->32, 3) + ReLU + Conv2D(32->64, 3) + MaxPool(2), forward and
    backward, on 28x28x1 images; target graphnet / PyTorch <= 1.2.
(b) One full Adam training step of the course's first CNN
    (Conv32-Pool-Conv64-Pool-Conv128-Flatten-Dense10); target <= 1.5.
Both at batch sizes 16, 64 and 256. Also: which kernel formulation ran, the
fraction of the machine's measured float32 GEMM throughput the convolutions
reach, and the compile time of every kernel the first model needs, with an
empty cache and with a warm one (each in a fresh process).

Run: ``python benchmarks/bench_conv.py [--quick]`` (PyTorch: ``pip install torch==2.13.0``).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import _common

_common.clean_blas_environment()

import numpy as np  # noqa: E402

BATCHES = (16, 64, 256)


def images(batch, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((batch, 28, 28, 1), dtype=np.float32), rng.integers(0, 10, batch)


# --- graphnet -----------------------------------------------------------------------

def graphnet_block(batch):
    import graphnet as gn
    from graphnet.nn import Conv2D, MaxPooling2D
    gn.set_seed(0)
    x, _ = images(batch)
    inp = gn.tensor(x, requires_grad=False)
    out = MaxPooling2D(2)(Conv2D(64, 3)(Conv2D(32, 3, activation="relu")(inp)))
    graph = gn.Graph(out.sum())

    def step():
        graph.forward({inp: x})
        graph.backward()
    return step


def first_course_model():
    import graphnet as gn
    from graphnet.nn import Conv2D, Dense, Flatten, MaxPooling2D
    gn.set_seed(0)
    model = gn.Sequential([Conv2D(32, 3, activation="relu", input_shape=(28, 28, 1)), MaxPooling2D(2),
                           Conv2D(64, 3, activation="relu"), MaxPooling2D(2),
                           Conv2D(128, 3, activation="relu"), Flatten(), Dense(10, activation="softmax")])
    model.compile(gn.optimizers.Adam(1e-3), "sparse_categorical_crossentropy")
    return model


def graphnet_train_step(batch):
    model = first_course_model()
    x, y = images(batch)
    return lambda: model.train_on_batch(x, y)


# --- PyTorch --------------------------------------------------------------------------

def torch_block(batch):
    import torch
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Conv2d(1, 32, 3), torch.nn.ReLU(), torch.nn.Conv2d(32, 64, 3),
                              torch.nn.MaxPool2d(2))
    x = torch.from_numpy(images(batch)[0].transpose(0, 3, 1, 2).copy())

    def step():
        net.zero_grad()
        net(x).sum().backward()
    return step


def torch_train_step(batch):
    import torch
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Conv2d(1, 32, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                              torch.nn.Conv2d(32, 64, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                              torch.nn.Conv2d(64, 128, 3), torch.nn.ReLU(), torch.nn.Flatten(),
                              torch.nn.Linear(1152, 10))
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = torch.nn.CrossEntropyLoss()
    x, y = images(batch)
    xt, yt = torch.from_numpy(x.transpose(0, 3, 1, 2).copy()), torch.from_numpy(y)

    def step():
        optimizer.zero_grad()
        loss_fn(net(xt), yt).backward()
        optimizer.step()
    return step


# --- measurements ------------------------------------------------------------------------

def gemm_gflops():
    """The machine's float32 GEMM throughput through NumPy (a large square product)."""
    a = np.random.default_rng(0).random((2048, 2048), dtype=np.float32)
    median, _ = _common.timeit(lambda: a @ a, 5)
    return 2 * 2048 ** 3 / median / 1e9


def block_flops(batch):
    """Multiply-adds of the two convolutions, forward and backward (dW, and dx of the second only)."""
    conv1 = batch * 26 * 26 * 32 * 9 * 1
    conv2 = batch * 24 * 24 * 64 * 9 * 32
    return 2 * (conv1 * 2 + conv2 * 3)  # forward + dW for both, dx for conv2


def first_step_seconds(cache_dir):
    """A fresh process builds the first course model and runs one training step;
    returns (import + build + first step, the first step alone minus a later one:
    the kernels' compile or cache-loading time)."""
    code = ("import time; t = time.perf_counter(); import sys; sys.path.insert(0, 'benchmarks');"
            "import bench_conv as b; step = b.graphnet_train_step(16); s = time.perf_counter(); step();"
            "first = time.perf_counter() - s; s = time.perf_counter(); step();"
            "print(time.perf_counter() - t, first - (time.perf_counter() - s))")
    env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir, GRAPHNET_NUMBA_CACHE="1")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    done = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True,
                          text=True, check=True)
    total, kernels = done.stdout.strip().splitlines()[-1].split()
    return float(total), float(kernels)


def compile_times():
    """Import + first step with an empty kernel cache, then again with it warm; the
    difference from a warm run's steady step is compile (or cache loading) time."""
    with tempfile.TemporaryDirectory() as cache:
        cold = first_step_seconds(cache)
        warm = first_step_seconds(cache)
    return cold, warm


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    args = parser.parse_args()
    rounds, repeat = (3, 3) if args.quick else (7, 5)
    try:
        import torch
        torch.set_num_threads(2)
        have_torch = True
    except ImportError:
        have_torch = False
        print("PyTorch is not installed: no reference columns (pip install torch==2.13.0)")

    from graphnet.kernels.dispatch import active
    peak = gemm_gflops()
    results = {"machine": _common.machine(), "kernels": f"{active()}: Numba unfold (im2col) + "
               "NumPy/BLAS GEMM + Numba fold; Numba max-pool windows", "gemm_gflops": peak, "cases": {}}
    rows = []
    cases = (("(a) conv block fwd+bwd", graphnet_block, torch_block, 1.2),
             ("(b) first CNN Adam step", graphnet_train_step, torch_train_step, 1.5))
    for label, ours, theirs, target in cases:
        for batch in BATCHES:
            step, first = _common.first_call(lambda: ours(batch))
            their_step = _common.first_call(lambda: theirs(batch))[0] if have_torch else None
            median, t_median, ratio = _common.compare(step, their_step, rounds, repeat)
            entry = {"graphnet_first_s": first, "graphnet_median_s": median}
            shown, gflops = "", ""
            if ratio is not None:
                entry.update(torch_median_s=t_median, ratio=ratio)
                shown = f"{ratio:.2f} (target <= {target})"
            if label.startswith("(a)"):
                entry["gflops"] = block_flops(batch) / median / 1e9
                gflops = f"{entry['gflops']:.0f} ({entry['gflops'] / peak:.0%} of GEMM)"
            results["cases"][f"{label} batch {batch}"] = entry
            rows.append((label, batch, f"{median * 1e3:.1f}",
                         f"{(t_median or float('nan')) * 1e3:.1f}", shown, gflops))
    _common.print_table(rows, ("case", "batch", "graphnet ms", "PyTorch ms", "ratio", "GFLOP/s"))
    (cold, cold_kernels), (warm, warm_kernels) = compile_times()
    results.update(first_step_cold_s=cold, first_step_warm_s=warm,
                   kernels_cold_s=cold_kernels, kernels_warm_s=warm_kernels)
    print("ratio: the median over alternating rounds of graphnet's median / PyTorch's median")
    print(f"\nkernels: {results['kernels']}")
    print(f"NumPy float32 GEMM on this machine: {peak:.0f} GFLOP/s")
    results["compile_s"] = cold - warm
    print(f"first course model in a fresh process, import + build + first training step: "
          f"{cold:.2f} s with an empty kernel cache, {warm:.2f} s with a warm one: compiling its "
          f"kernels costs {cold - warm:.2f} s once; the first step itself is {warm_kernels * 1e3:.0f} ms "
          f"slower than the next with the cache warm")
    print("machine:", json.dumps(results["machine"]))
    print("saved", _common.save("conv", results))


if __name__ == "__main__":
    main()
