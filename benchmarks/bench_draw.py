"""How long drawing takes, and how big step-through pages get.

Drawings: building the graphviz.Digraph and rendering it to SVG with Graphviz's
`dot`, for an unrolled recurrence h = tanh(h * w + x_t); 500 steps make 1,500
operations and about 2,000 variables.

Steppers, on the graphs of graphnet.examples.backprop (those the tutorials and
browser tests step through): building the frames (``Stepper(...)``), rendering
every frame's SVG (``svgs(caption=False)``: dot processes in parallel), of which
drawing the Digraphs in Python, assembling the offline page (``html()``), the
page's size and that of the notebook output (``stepper_bundle``). A case's first
build imports or compiles the model's Numba kernels and is reported apart; the
rest are medians of ``--repeat`` fresh builds after it, each seeded alike, each
case in a process of its own.
``--notebook`` also executes tutorial 08 as a notebook (jupytext, nbclient, fast
mode) and reports its size. Usage:

    .venv/bin/python benchmarks/bench_draw.py [--steps 500] [--repeat 2] [--deep-steps 3] [--notebook]
"""
import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

import _common
import graphnet as gn
from graphnet.examples import backprop
from graphnet.viz import Stepper, draw, to_svg
from graphnet.viz.notebook import stepper_bundle

ROOT = pathlib.Path(__file__).resolve().parents[1]


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


def stepper_cases(deep_steps):
    """(name, make() -> (target, batch), Stepper options)."""
    cnn = lambda: backprop.course_cnn(batch=2)  # noqa: E731
    lstm = lambda: backprop.lstm_model(steps=20)  # noqa: E731
    return [
        ("(x + y) * z", lambda: (backprop.worked_example(), None), {}),
        ("tensor MLP, batch 4", lambda: (backprop.tensor_mlp(), None), {}),
        ("tanh recurrence, 6 steps", lambda: (backprop.tanh_recurrence(6), None), {}),
        ("course CNN, batch 2, by layer", cnn, {}),
        ("course CNN, depth=1", cnn, {"depth": 1}),
        ("course CNN, focus=1", cnn, {"focus": 1}),
        ("LSTM, 20 steps, by layer", lstm, {}),
        ("LSTM, 20 steps, depth=1", lstm, {"depth": 1}),
        (f"LSTM, {deep_steps} steps, depth=2", lambda: backprop.lstm_model(steps=deep_steps),
         {"depth": 2}),
    ]


def time_stepper(make, options, repeat):
    """One case, in a process of its own: node and layer names (and so the layout and
    the sizes) are those of a session's second model, whatever ran before."""
    def build():
        gn.set_seed(0)
        target, batch = make()
        start = time.perf_counter()
        return Stepper(target, batch=batch, **options), time.perf_counter() - start

    stepper, first = build()  # apart: imports or compiles the model's Numba kernels
    kinds = (False, True) if options.get("focus") else (False,)  # focus pages hold both
    start = time.perf_counter()  # the Python part of rendering, on a fresh label memo
    for focus in kinds:
        [stepper.digraph(i, caption=False, focus=focus) for i in range(len(stepper))]
    digraphs = time.perf_counter() - start
    times, sizes = [], None
    for _ in range(repeat):
        stepper, built = build()
        start = time.perf_counter()
        for focus in kinds:
            stepper.svgs(caption=False, focus=focus)
        rendered = time.perf_counter() - start
        page = stepper.html()
        times.append((built, rendered, time.perf_counter() - start - rendered))
        if sizes is None:  # the first timed build's, whatever --repeat says
            stepper.html = lambda: page  # assembled already: the bundle adds a picture of frame 1
            data, _ = stepper_bundle(stepper)
            sizes = dict(page_mb=len(page.encode()) / 1e6,
                         notebook_mb=sum(len(v) for v in data.values()) / 1e6)
    built, rendered, assembled = (statistics.median(t) for t in zip(*times))
    return dict(frames=len(stepper), first_build_s=first, build_s=built, render_s=rendered,
                digraphs_s=digraphs, page_s=assembled, **sizes)


def run_case(index, args):
    cmd = [sys.executable, __file__, "--case", str(index), "--repeat", str(args.repeat),
           "--deep-steps", str(args.deep_steps)]
    done = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def notebook_size(tutorial):
    """Execute ``tutorial`` as a notebook in fast mode, in a kernel of this Python set up
    in a temporary directory (nothing written to ~), as tests/test_notebook.py does."""
    import jupytext
    import nbclient
    import nbformat

    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        spec = tmp / "jupyter" / "kernels" / "graphnet-bench"
        spec.mkdir(parents=True)
        (spec / "kernel.json").write_text(json.dumps({
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "graphnet bench", "language": "python"}))
        os.environ.update({"JUPYTER_PATH": str(tmp / "jupyter"), "IPYTHONDIR": str(tmp / "ipython"),
                           "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"), "GRAPHNET_FAST": "1",
                           "GRAPHNET_OUT": str(tmp / "out"),
                           "PYTHONPATH": os.pathsep.join([str(ROOT / "tutorials"), str(ROOT)])})
        notebook = jupytext.read(tutorial)
        start = time.perf_counter()
        nbclient.NotebookClient(notebook, kernel_name="graphnet-bench", timeout=600,
                                resources={"metadata": {"path": str(tmp)}}).execute()
        executed = time.perf_counter() - start
        path = tmp / f"{tutorial.stem}.ipynb"
        nbformat.write(notebook, path)
        outputs = []  # (MB, what it is)
        for o in (o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs):
            data = o.get("data", {})
            outputs.append(((sum(map(len, data.values())) + len(o.get("text", ""))) / 1e6,
                            data.get("text/plain", o.get("text", ""))[:70]))
        outputs.sort(reverse=True)
        return dict(execute_s=executed, notebook_mb=path.stat().st_size / 1e6, outputs=len(outputs),
                    outputs_mb=sum(mb for mb, _ in outputs),
                    steppers_mb=sum(mb for mb, text in outputs if text.startswith("Stepper")),
                    largest_outputs=outputs[:3])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=2, help="timed runs per case (median)")
    parser.add_argument("--deep-steps", type=int, default=3,
                        help="LSTM length stepped at depth=2 (20 steps: 912 frames, minutes)")
    parser.add_argument("--notebook", action="store_true",
                        help="also execute tutorial 08 as a notebook and report its size")
    parser.add_argument("--case", type=int, help=argparse.SUPPRESS)  # a child: one stepper case
    args = parser.parse_args(argv)
    if args.case is not None:
        _, make, options = stepper_cases(args.deep_steps)[args.case]
        print(json.dumps(time_stepper(make, options, args.repeat)))
        return 0

    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    graphviz = subprocess.run(["dot", "-V"], capture_output=True, text=True).stderr.strip()
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), "?")
    print(f"load: {load}\n{graphviz}; {os.cpu_count()} CPUs, {cpu}; graphnet {commit}")
    results = {"machine": {**_common.machine(), "cpu": cpu}, "load": load, "graphviz": graphviz,
               "commit": commit}

    h = unrolled_rnn(args.steps)
    graph = gn.Graph(h)
    print(f"\nunrolled recurrence, {args.steps} steps: {len(graph.steps)} operations, "
          f"{len(graph)} variables")
    cases = [
        ("whole graph", dict(max_nodes=None)),
        ("whole graph, gradient flow", dict(max_nodes=None, grad_flow=True)),
        ("whole graph, tanh expanded", dict(max_nodes=None, expand=True)),
        ("default (max_nodes=250)", dict()),
    ]
    rows, results["draw"] = [], {}
    for name, options in cases:
        build, digraph = seconds(lambda: draw(h, **options), args.repeat)
        render, svg = seconds(lambda: to_svg(digraph), 1)  # seconds each: once is enough
        boxes = sum(1 for line in digraph.body if "[label=" in line)
        results["draw"][name] = dict(nodes=boxes, build_s=build, render_s=render, svg_mb=len(svg) / 1e6)
        rows.append((name, boxes, f"{build:.3f}", f"{render:.2f}", f"{len(svg) / 1e6:.1f}"))
    _common.print_table(rows, ("case", "graphviz nodes", "build Digraph s", "render SVG s", "SVG MB"))

    print(f"\nsteppers, each in a fresh process; medians of {args.repeat} builds after the first:",
          flush=True)
    rows, results["steppers"] = [], {}
    for index, (name, _, _) in enumerate(stepper_cases(args.deep_steps)):
        r = results["steppers"][name] = run_case(index, args)
        rows.append((name, r["frames"], f"{r['first_build_s']:.2f}", f"{r['build_s']:.3f}",
                     f"{r['render_s']:.2f}", f"{r['digraphs_s']:.2f}", f"{r['page_s']:.2f}",
                     f"{r['page_mb']:.2f}", f"{r['notebook_mb']:.2f}"))
    _common.print_table(rows, ("case", "frames", "first build s", "build s", "render SVGs s",
                               "of which Digraphs s", "page s", "page MB", "notebook output MB"))

    if args.notebook:
        tutorial = ROOT / "tutorials" / "08_recurrent_networks.py"
        r = results["notebook"] = notebook_size(tutorial)
        print(f"\n{tutorial.name} executed as a notebook (fast mode) in {r['execute_s']:.0f} s: "
              f"{r['notebook_mb']:.1f} MB; its {r['outputs']} outputs {r['outputs_mb']:.1f} MB, "
              f"the steppers' {r['steppers_mb']:.1f} MB; the largest:")
        for mb, text in r["largest_outputs"]:
            print(f"  {mb:.2f} MB  {text}")
    print("saved", _common.save("draw", results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
