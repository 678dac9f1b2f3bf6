"""Shared by the benchmarks: a clean BLAS setting, timing, and a results table."""
import json
import os
import pathlib
import platform
import statistics
import sys
import time

RESULTS = pathlib.Path(__file__).parent / "results"
_BLAS_OVERRIDES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def clean_blas_environment():
    """Re-run this script without the variables that pin OpenBLAS to a slow kernel.

    They must be gone before NumPy is imported, hence a fresh process.
    """
    if any(v in os.environ for v in _BLAS_OVERRIDES):
        env = {k: v for k, v in os.environ.items() if k not in _BLAS_OVERRIDES}
        os.execve(sys.executable, [sys.executable, *sys.argv], env)


def machine():
    info = {"python": platform.python_version(), "machine": platform.machine(),
            "cpus": os.cpu_count()}
    try:
        from threadpoolctl import threadpool_info
        blas = [p for p in threadpool_info() if p.get("user_api") == "blas"]
        if blas:
            info["blas"] = f"{blas[0].get('internal_api')} {blas[0].get('version')} " \
                           f"kernel={blas[0].get('architecture')} threads={blas[0].get('num_threads')}"
    except ImportError:
        info["blas"] = "unknown (threadpoolctl not installed)"
    return info


def timeit(fn, repeat, warmup=1):
    """Median and minimum seconds of ``fn()`` over ``repeat`` runs after ``warmup``."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def save(name, payload):
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2) + "\n")
    return path


def print_table(rows, headers):
    widths = [max(len(str(r[i])) for r in rows + [headers]) for i in range(len(headers))]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths)))
    for r in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)))
