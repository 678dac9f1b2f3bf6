"""graphnet on a GPU against PyTorch CUDA and against graphnet on the CPU.

Two cases, as the CUDA issue asks:
- one Adam training step of the course's first MNIST CNN (28x28x1, batch 64 and 256);
- an LSTM layer forward and backward (input and hidden 128, batch 32, length 80).
Each reports the first call (kernel compilation included) apart from the steady
state, the ratio graphnet-GPU / PyTorch-CUDA (target for the CNN at batch 256:
at most 3) and the speed-up of graphnet-GPU over graphnet-CPU.

Run on a machine with an NVIDIA GPU: ``pip install -e ".[cuda]"`` (numba-cuda[cu12]),
then ``python benchmarks/bench_cuda.py``. ``--simulate`` runs tiny sizes under
Numba's CUDA simulator instead: it proves the script works, it measures nothing.
"""
import argparse
import os
import sys
import time

import _common

if "--simulate" in sys.argv:
    os.environ["NUMBA_ENABLE_CUDASIM"] = "1"  # before numba is imported
_common.clean_blas_environment()

import numpy as np  # noqa: E402


def images(batch, size, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((batch, size, size, 1), dtype=np.float32), rng.integers(0, 10, batch)


def graphnet_cnn_step(batch, device, size, widths):
    import graphnet as gn
    from graphnet.nn import Conv2D, Dense, Flatten, MaxPooling2D
    gn.set_seed(0)
    a, b, c = widths
    model = gn.Sequential([Conv2D(a, 3, activation="relu", input_shape=(size, size, 1)), MaxPooling2D(2),
                           Conv2D(b, 3, activation="relu"), MaxPooling2D(2),
                           Conv2D(c, 3, activation="relu"), Flatten(), Dense(10, activation="softmax")])
    model.compile(gn.optimizers.Adam(1e-3), "sparse_categorical_crossentropy")
    model.to(device)
    x, y = (gn.to_device(a, device) for a in images(batch, size))
    return lambda: model.train_on_batch(x, y)  # float(loss) waits for the GPU


def graphnet_lstm(device, batch, length, units):
    import graphnet as gn
    from graphnet.nn import LSTM
    gn.set_seed(0)
    x = np.random.default_rng(0).normal(size=(batch, length, units)).astype(np.float32)
    inp = gn.tensor(x, requires_grad=False)
    graph = gn.Graph(LSTM(units, return_sequences=True)(inp).sum())
    for i in graph.leaves:
        gn.to_device(graph.variables[i], device)
    feed = gn.to_device(x, device)
    if device == "cuda":
        from numba import cuda
        wait = cuda.synchronize  # kernels run asynchronously: time them to the end
    else:
        def wait():
            pass

    def step():
        graph.forward({inp: feed})
        graph.backward()
        wait()
    return step


def torch_cnn_step(batch, size):
    import torch
    torch.manual_seed(0)
    flat = 128 * (((size - 2) // 2 - 2) // 2 - 2) ** 2
    net = torch.nn.Sequential(torch.nn.Conv2d(1, 32, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                              torch.nn.Conv2d(32, 64, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                              torch.nn.Conv2d(64, 128, 3), torch.nn.ReLU(), torch.nn.Flatten(),
                              torch.nn.Linear(flat, 10)).cuda()
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
    x, y = images(batch, size)
    xt, yt = torch.from_numpy(x.transpose(0, 3, 1, 2).copy()).cuda(), torch.from_numpy(y).cuda()

    def step():
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(net(xt), yt)
        loss.backward()
        optimizer.step()
        return loss.item()
    return step


def torch_lstm(batch, length, units):
    import torch
    torch.manual_seed(0)
    layer = torch.nn.LSTM(units, units, batch_first=True).cuda()
    x = torch.from_numpy(np.random.default_rng(0).normal(size=(batch, length, units)).astype(np.float32)).cuda()

    def step():
        layer.zero_grad()
        layer(x)[0].sum().backward()
        torch.cuda.synchronize()
    return step


def first_and_steady(make, repeat):
    start = time.perf_counter()
    step = make()
    step()
    first = time.perf_counter() - start
    median, _ = _common.timeit(step, repeat)
    return first, median


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--simulate", action="store_true", help="tiny sizes under the CUDA simulator")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    import graphnet as gn
    if "cuda" not in gn.devices():
        sys.exit("no GPU here: run with --simulate to try the script under Numba's CUDA simulator")
    repeat = 1 if args.simulate else args.repeat
    # the course's CNN (filters 32, 64, 128 on 28x28) and LSTM; the simulator gets toys
    size, widths, batches, lstm = ((18, (2, 2, 2), (2,), (2, 3, 4)) if args.simulate
                                   else (28, (32, 64, 128), (64, 256), (32, 80, 128)))
    try:
        import torch
        have_torch = torch.cuda.is_available() and not args.simulate
    except ImportError:
        have_torch = False
    if not have_torch:
        print("no PyTorch CUDA: no reference column")
    rows, results = [], {"machine": _common.machine(), "simulated": args.simulate, "cases": []}
    cases = [(f"CNN Adam step, batch {b}", lambda d, b=b: graphnet_cnn_step(b, d, size, widths),
              lambda b=b: torch_cnn_step(b, size), 3.0 if b == 256 else None) for b in batches]
    cases.append((f"LSTM fwd+bwd, length {lstm[1]}", lambda d: graphnet_lstm(d, *lstm),
                  lambda: torch_lstm(*lstm), None))
    for name, ours, theirs, target in cases:
        first_gpu, gpu = first_and_steady(lambda: ours("cuda"), repeat)
        _, cpu = first_and_steady(lambda: ours("cpu"), max(3, repeat // 4))
        entry = {"case": name, "first_call_s": first_gpu, "gpu_s": gpu, "cpu_s": cpu, "speedup_over_cpu": cpu / gpu}
        if have_torch:
            _, ref = first_and_steady(theirs, repeat)
            entry.update(torch_cuda_s=ref, ratio=gpu / ref, target=target)
        results["cases"].append(entry)
        rows.append((name, f"{first_gpu:.2f}", f"{gpu * 1e3:.2f}", f"{entry.get('torch_cuda_s', float('nan')) * 1e3:.2f}",
                     f"{entry.get('ratio', float('nan')):.2f}" + (f" (target <= {target})" if target else ""),
                     f"{cpu * 1e3:.1f}", f"{entry['speedup_over_cpu']:.1f}x"))
    _common.print_table(rows, ["case", "first call s", "graphnet GPU ms", "PyTorch CUDA ms", "ratio",
                               "graphnet CPU ms", "GPU speed-up"])
    if not args.simulate:
        print("saved", _common.save("bench_cuda", results))


if __name__ == "__main__":
    main()
