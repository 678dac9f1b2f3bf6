"""One update step of every optimizer on the course MLP's parameters.

Parameters: 784x512 + 512 + 512x10 + 10 = 407,050 float32 numbers (Dense 784-512,
Dense 512-10). Each optimizer's step is timed three ways: graphnet's fused Numba
kernel, graphnet's NumPy reference of the same rule, and PyTorch's CPU optimizer of
the same kind (2 threads; also its ``fused=True`` version where PyTorch has one).

JIT compile time is reported apart from the steady state:
- "compile": the first step in this process, with the kernel cache off (compile + one step);
  optimizers that share a kernel (Nesterov, AMSGrad) find it compiled already;
- "cached first": the first step in a fresh process that loads the kernel from the disk cache.
Numba's own import is timed once, on its own.

Run: ``python benchmarks/bench_optimizers.py [--repeat N]``; writes results/optimizers.json.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import _common

_common.clean_blas_environment()

import numpy as np  # noqa: E402

SHAPES = [(784, 512), (512,), (512, 10), (10,)]

# name -> (graphnet optimizer arguments, PyTorch optimizer class name, its arguments)
CASES = {
    "SGD": ("SGD", {"learning_rate": 0.01}, "SGD", {"lr": 0.01}),
    "SGD momentum": ("SGD", {"learning_rate": 0.01, "momentum": 0.9}, "SGD",
                     {"lr": 0.01, "momentum": 0.9}),
    "SGD Nesterov": ("SGD", {"learning_rate": 0.01, "momentum": 0.9, "nesterov": True}, "SGD",
                     {"lr": 0.01, "momentum": 0.9, "nesterov": True}),
    "RMSprop": ("RMSprop", {}, "RMSprop", {"lr": 0.001, "alpha": 0.9, "eps": 1e-7}),
    "Adagrad": ("Adagrad", {}, "Adagrad", {"lr": 0.001, "initial_accumulator_value": 0.1,
                                           "eps": 1e-7}),
    "Adadelta": ("Adadelta", {}, "Adadelta", {"lr": 0.001, "rho": 0.95, "eps": 1e-7}),
    "Adam": ("Adam", {}, "Adam", {"lr": 0.001, "eps": 1e-7}),
    "Adam AMSGrad": ("Adam", {"amsgrad": True}, "Adam", {"lr": 0.001, "eps": 1e-7, "amsgrad": True}),
    "Adamax": ("Adamax", {}, "Adamax", {"lr": 0.001, "eps": 1e-7}),
    "Nadam": ("Nadam", {}, "NAdam", {"lr": 0.001, "eps": 1e-7}),
}
TORCH_FUSED = ("SGD", "Adagrad", "Adam")  # PyTorch classes with a fused CPU step


def graphnet_setup(name, use_kernels):
    import graphnet as gn
    from graphnet.train import optimizers
    rng = np.random.default_rng(0)
    params = [gn.parameter(rng.normal(0, 0.05, size=s).astype(np.float32)) for s in SHAPES]
    for p in params:
        p.grad = rng.normal(0, 0.01, size=p.shape).astype(np.float32)
    cls_name, kwargs = CASES[name][:2]
    optimizer = getattr(optimizers, cls_name)(**kwargs, use_kernels=use_kernels)
    return lambda: optimizer.step(params)


def torch_setup(name, fused=False):
    import torch
    rng = np.random.default_rng(0)
    params = [torch.nn.Parameter(torch.from_numpy(rng.normal(0, 0.05, size=s).astype(np.float32)))
              for s in SHAPES]
    for p in params:
        p.grad = torch.from_numpy(rng.normal(0, 0.01, size=tuple(p.shape)).astype(np.float32))
    cls_name, kwargs = CASES[name][2:]
    extra = {"fused": True} if fused else {}
    optimizer = getattr(torch.optim, cls_name)(params, **kwargs, **extra)
    return optimizer.step


def first_and_steady(step, repeat):
    start = time.perf_counter()
    step()
    first = time.perf_counter() - start
    median, best = _common.timeit(step, repeat, warmup=3)
    return {"first_s": first, "median_s": median, "min_s": best}


def time_numba_import():
    start = time.perf_counter()
    import graphnet.kernels.cpu.optimizers  # noqa: F401  (imports Numba)
    return time.perf_counter() - start


def cached_first_steps():
    """Child process: Numba import and each optimizer's first step, kernels from the disk cache."""
    result = {"numba_import_s": time_numba_import()}
    for name in CASES:
        step = graphnet_setup(name, use_kernels=True)
        start = time.perf_counter()
        step()
        result[name] = time.perf_counter() - start
    return result


def run_child(env):
    done = subprocess.run([sys.executable, __file__, "--cached-first-steps"], env=env,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def ms(seconds):
    return "-" if seconds is None else f"{seconds * 1e3:.3f}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200, help="timed steps per case")
    parser.add_argument("--cached-first-steps", action="store_true")
    args = parser.parse_args()
    if args.cached_first_steps:
        print(json.dumps(cached_first_steps()))
        return

    # Cached first steps, in fresh processes: the first fills the cache, the second reads it.
    env = {**os.environ, "GRAPHNET_NUMBA_CACHE": "1"}
    run_child(env)
    cached = run_child(env)

    os.environ["GRAPHNET_NUMBA_CACHE"] = "0"  # this process compiles: first steps = compile time
    numba_import = time_numba_import()
    try:
        import torch
        torch.set_num_threads(2)
        torch_version = torch.__version__
    except ImportError:
        torch, torch_version = None, None
        print("PyTorch is not installed: its columns are left empty")

    size = sum(int(np.prod(s)) for s in SHAPES)
    rows, results = [], {}
    for name in CASES:
        entry = {"numba": first_and_steady(graphnet_setup(name, True), args.repeat),
                 "numpy": first_and_steady(graphnet_setup(name, False), args.repeat)}
        entry["numba"]["cached_first_s"] = cached[name]
        if torch is not None:
            entry["torch"] = first_and_steady(torch_setup(name), args.repeat)
            if CASES[name][2] in TORCH_FUSED:
                entry["torch_fused"] = first_and_steady(torch_setup(name, fused=True), args.repeat)
        results[name] = entry
        numba, numpy_ = entry["numba"], entry["numpy"]
        torch_t = entry.get("torch", {}).get("median_s")
        fused_t = entry.get("torch_fused", {}).get("median_s")
        best_torch = min(t for t in (torch_t, fused_t) if t is not None) if torch_t else None
        rows.append([name, f"{numba['first_s'] * 1e3:.0f}", ms(numba["cached_first_s"]),
                     ms(numba["median_s"]), ms(numpy_["median_s"]), ms(torch_t), ms(fused_t),
                     f"{numba['median_s'] / best_torch:.2f}" if best_torch else "-"])

    print(f"One step on {size:,} float32 parameters (course MLP 784-512-10); times in ms, "
          f"median of {args.repeat}")
    print(f"Numba import: {numba_import * 1e3:.0f} ms here, {cached['numba_import_s'] * 1e3:.0f} ms "
          "in a fresh process (paid once, on the first optimizer step)")
    _common.print_table(rows, ["optimizer", "compile", "cached first", "numba", "numpy",
                               "torch", "torch fused", "numba/best torch"])
    print("compile: first step with the cache off; cached first: first step of a fresh process. "
          "The first row also pays\nNumba's one-time code-generator start-up; Nesterov and "
          "AMSGrad reuse the SGD-momentum and Adam kernels.")
    path = _common.save("optimizers", {
        "machine": _common.machine(), "torch": torch_version, "torch_threads": 2 if torch else None,
        "parameters": size, "shapes": SHAPES, "dtype": "float32", "repeat": args.repeat,
        "numba_import_s": numba_import, "numba_import_fresh_process_s": cached["numba_import_s"],
        "notes": "numba.first_s: first step with the kernel cache off (compile + one step); "
                 "numba.cached_first_s: first step in a fresh process, kernel loaded from the "
                 "disk cache; optimizers sharing a kernel (Nesterov, AMSGrad) find it compiled.",
        "cases": results})
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
