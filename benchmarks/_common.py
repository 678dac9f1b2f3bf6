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


def first_call(make):
    """Build a case with ``make()`` and run it once: (the step, seconds of that first call,
    which includes compiling)."""
    step = make()
    start = time.perf_counter()
    step()
    return step, time.perf_counter() - start


def settle(fn, seconds):
    """Call ``fn`` untimed for about ``seconds``: long enough for the other library's
    idle threads to stop spinning (OpenBLAS's spin for about 0.1 s after a product)
    while this machine stays busy (after a sleep, a virtual machine runs slower
    for tens of milliseconds)."""
    end = time.perf_counter() + seconds
    fn()
    while time.perf_counter() < end:
        fn()


def compare(ours, theirs, rounds=5, repeat=5, settle_s=0.2):
    """Time ``ours`` and ``theirs`` (or only ours, if theirs is None) in alternating rounds
    of ``repeat`` runs, each round's turn first settling (see ``settle``). Alternating
    makes both sides see the same machine: on shared 2-core machines speed drifts by
    tens of percent within a minute. Returns (our median, their median, the median of
    the rounds' ratios)."""
    mine, yours, ratios = [], [], []
    for _ in range(rounds):
        if theirs is not None:
            settle(theirs, settle_s)
            yours.append(timeit(theirs, repeat, warmup=0)[0])
        settle(ours, settle_s)
        mine.append(timeit(ours, repeat, warmup=0)[0])
        if theirs is not None:
            ratios.append(mine[-1] / yours[-1])
    if theirs is None:
        return statistics.median(mine), None, None
    return statistics.median(mine), statistics.median(yours), statistics.median(ratios)


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
