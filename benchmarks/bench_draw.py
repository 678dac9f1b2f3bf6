"""How long drawing takes: building the graphviz.Digraph, and rendering it to SVG
with Graphviz's `dot`, for an unrolled recurrence h = tanh(h * w + x_t).

500 steps make 1,500 operations and about 2,000 variables. Usage:

    .venv/bin/python benchmarks/bench_draw.py [--steps 500] [--repeat 3]
"""
import argparse
import statistics
import subprocess
import sys
import time

import numpy as np

import graphnet as gn
from graphnet.viz import Stepper, draw, to_svg


def unrolled_rnn(steps, seed=0):
    rng = np.random.default_rng(seed)
    w, h = gn.parameter(0.9, name="w"), gn.tensor(0.0, name="h0")
    for t in range(steps):
        h = gn.tanh(h * w + gn.tensor(rng.normal(), name=f"x{t}"))
    h.backward()
    return h


def seconds(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3, help="runs per build timing (median)")
    args = parser.parse_args(argv)

    h = unrolled_rnn(args.steps)
    graph = gn.Graph(h)
    print(f"unrolled recurrence, {args.steps} steps: {len(graph.steps)} operations, "
          f"{len(graph)} variables; Graphviz: "
          + subprocess.run(["dot", "-V"], capture_output=True, text=True).stderr.strip())
    cases = [
        ("whole graph", dict(max_nodes=None)),
        ("whole graph, gradient flow", dict(max_nodes=None, grad_flow=True)),
        ("whole graph, tanh expanded", dict(max_nodes=None, expand=True)),
        ("default (max_nodes=250)", dict()),
    ]
    rows = []
    for name, options in cases:
        build, digraph = seconds(lambda: draw(h, **options), args.repeat)
        render, svg = seconds(lambda: to_svg(digraph), 1)  # seconds each: once is enough
        boxes = sum(1 for line in digraph.body if "[label=" in line)
        rows.append((name, boxes, f"{build:.3f}", f"{render:.2f}", f"{len(svg) / 1e6:.1f}"))

    x, y, z = gn.tensor(1.0, name="x"), gn.tensor(3.0, name="y"), gn.tensor(-3.0, name="z")
    g = (x + y) * z
    build, stepper = seconds(lambda: Stepper(g), args.repeat)
    render, page = seconds(lambda: (stepper._svgs.clear(), stepper.html())[1], args.repeat)
    rows.append((f"stepper, (x+y)*z: {len(stepper)} frames + HTML", "-", f"{build:.4f}",
                 f"{render:.2f}", f"{len(page) / 1e6:.2f}"))

    headers = ("case", "graphviz nodes", "build Digraph s", "render SVG s", "SVG MB")
    widths = [max(len(str(r[i])) for r in rows + [headers]) for i in range(len(headers))]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths)))
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
