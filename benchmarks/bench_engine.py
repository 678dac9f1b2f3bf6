"""The graph engine's speed: per-node cost on a scalar graph, and replay against re-tracing.

1. micrograd's demo graph: MLP(2, [16, 16, 1]) over 100 points with the max-margin
   loss and L2 penalty, about 66,000 scalar nodes. One training step (build the
   graph, backward, update) in micrograd and in graphnet, eager; and graphnet
   replaying the recorded graph. Reported in microseconds per node.
2. A small tensor MLP step (64 x 10 -> 32 -> 32 -> 1, squared error): re-tracing
   the graph every step against replaying it.

Each case runs in a fresh process, so no case pays for another's garbage.
Run: ``python benchmarks/bench_engine.py [--steps N]`` (needs ``pip install -e .[benchmarks]``).
"""
import argparse
import gc
import json
import random
import subprocess
import sys

import _common

_common.clean_blas_environment()

import numpy as np  # noqa: E402

SIZES = [2, 16, 16, 1]


def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 2))
    return X, np.where(X[:, 0] * X[:, 1] > 0, 1.0, -1.0)


def initial_weights():
    """Per layer, per neuron: (weights, bias), as micrograd initialises them."""
    r = random.Random(0)
    return [[([r.uniform(-1, 1) for _ in range(n_in)], 0.0) for _ in range(n_out)]
            for n_in, n_out in zip(SIZES, SIZES[1:])]


def scalar_step(make_input, relu, layers, params, X, Y):
    """One forward pass of the demo's loss, written once for both libraries."""
    scores = []
    for row in X:
        acts = [make_input(v) for v in row]
        for li, layer in enumerate(layers):
            outs = []
            for w, b in layer:
                act = sum((wi * xi for wi, xi in zip(w, acts)), b)
                outs.append(relu(act) if li < len(layers) - 1 else act)
            acts = outs
        scores.append(acts[0])
    losses = [relu(1 + -yi * s) for yi, s in zip(Y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    return data_loss + 1e-4 * sum(p * p for p in params)


def case_micrograd(steps):
    from micrograd.engine import Value
    X, Y = data()
    layers = [[([Value(w) for w in ws], Value(b)) for ws, b in layer] for layer in initial_weights()]
    params = [p for layer in layers for ws, b in layer for p in ws + [b]]

    def step():
        loss = scalar_step(Value, lambda v: v.relu(), layers, params, X, Y)
        for p in params:
            p.grad = 0.0
        loss.backward()
        for p in params:
            p.data -= 0.01 * p.grad
        return loss

    loss = step()
    seen, stack = set(), [loss]
    while stack:
        v = stack.pop()
        if id(v) not in seen:
            seen.add(id(v))
            stack.extend(v._prev)
    median, best = _common.timeit(step, steps)
    return {"nodes": len(seen), "median_s": median, "min_s": best}


def graphnet_scalar_setup():
    import graphnet as gn
    X, Y = data()
    layers = [[([gn.parameter(w, dtype=np.float64) for w in ws], gn.parameter(b, dtype=np.float64))
               for ws, b in layer] for layer in initial_weights()]
    params = [p for layer in layers for ws, b in layer for p in ws + [b]]

    def forward():
        return scalar_step(lambda v: gn.tensor(v, dtype=np.float64), gn.relu, layers, params, X, Y)

    def update():
        for p in params:
            p.value = p.value - 0.01 * p.grad
    return gn, forward, update


def case_graphnet_eager(steps):
    gn, forward, update = graphnet_scalar_setup()

    def step():
        loss = forward()
        loss.backward()
        update()
        return loss

    nodes = len(gn.Graph(step()))
    median, best = _common.timeit(step, steps)
    return {"nodes": nodes, "median_s": median, "min_s": best}


def case_graphnet_replay(steps):
    gn, forward, update = graphnet_scalar_setup()
    graph = gn.Graph(forward())

    def step():
        graph.forward()
        graph.backward()
        update()

    median, best = _common.timeit(step, steps)
    return {"nodes": len(graph), "median_s": median, "min_s": best}


def mlp_setup():
    import graphnet as gn
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 10)).astype(np.float32)
    y = rng.normal(size=(64, 1)).astype(np.float32)
    shapes = [(10, 32), (32, 32), (32, 1)]
    params = []
    for n_in, n_out in shapes:
        params += [gn.parameter(rng.normal(size=(n_in, n_out)) / np.sqrt(n_in)),
                   gn.parameter(np.zeros(n_out))]

    def loss_of(x):
        h = x
        for k in range(0, len(params), 2):
            h = h @ params[k] + params[k + 1]
            if k < len(params) - 2:
                h = gn.relu(h)
        return ((h - y) ** 2).mean()

    def update():
        for p in params:
            p.value = p.value - 0.01 * p.grad
    return gn, X, loss_of, update


def case_mlp_retrace(steps):
    gn, X, loss_of, update = mlp_setup()

    def step():
        loss_of(gn.tensor(X, requires_grad=False)).backward()
        update()
    median, best = _common.timeit(step, steps, warmup=5)
    return {"median_s": median, "min_s": best}


def case_mlp_replay(steps):
    gn, X, loss_of, update = mlp_setup()
    x = gn.tensor(X, name="x", requires_grad=False)
    graph = gn.Graph(loss_of(x))

    def step():
        graph.forward({x: X})
        graph.backward()
        update()
    median, best = _common.timeit(step, steps, warmup=5)
    return {"median_s": median, "min_s": best, "nodes": len(graph.steps)}


CASES = {"micrograd": case_micrograd, "graphnet-eager": case_graphnet_eager,
         "graphnet-replay": case_graphnet_replay, "mlp-retrace": case_mlp_retrace,
         "mlp-replay": case_mlp_replay}


def run_case(name, steps, gc_enabled):
    cmd = [sys.executable, __file__, "--case", name, "--steps", str(steps)]
    if not gc_enabled:
        cmd.append("--no-gc")
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--case", choices=CASES)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--no-gc", action="store_true")
    args = parser.parse_args()
    if args.case:  # a child process: one case, one line of JSON
        if args.no_gc:
            gc.disable()
        steps = args.steps * 40 if args.case.startswith("mlp") else args.steps
        print(json.dumps(CASES[args.case](steps)))
        return

    results = {"machine": _common.machine(), "steps": args.steps, "cases": {}}
    rows = []
    for gc_enabled in (True, False):
        tag = "" if gc_enabled else " (gc off)"
        scalar = {n: run_case(n, args.steps, gc_enabled)
                  for n in ("micrograd", "graphnet-eager", "graphnet-replay")}
        ref = scalar["micrograd"]["median_s"] / scalar["micrograd"]["nodes"]
        for name, r in scalar.items():
            per_node = r["median_s"] / r["nodes"]
            r["us_per_node"] = per_node * 1e6
            r["speedup_vs_micrograd"] = ref / per_node
            results["cases"][name + tag] = r
            rows.append((name + tag, r["nodes"], f"{per_node * 1e6:.2f}", f"{ref / per_node:.1f}x"))
    print("Scalar graph, one training step (forward + backward + update), per node:")
    _common.print_table(rows, ("case", "nodes", "us/node", "vs micrograd"))

    retrace, replay = run_case("mlp-retrace", args.steps, True), run_case("mlp-replay", args.steps, True)
    results["cases"].update({"mlp-retrace": retrace, "mlp-replay": replay})
    print("\nTensor MLP step (64x10 -> 32 -> 32 -> 1), per step:")
    _common.print_table([("re-trace every step", f"{retrace['median_s'] * 1e6:.0f}", "1.0x"),
                         ("replay one graph", f"{replay['median_s'] * 1e6:.0f}",
                          f"{retrace['median_s'] / replay['median_s']:.2f}x")],
                        ("case", "us/step", "speed-up"))
    print("\nmachine:", results["machine"])
    print("saved", _common.save("engine", results))


if __name__ == "__main__":
    main()
