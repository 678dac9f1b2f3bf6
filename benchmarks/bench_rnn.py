"""Recurrent layers against PyTorch CPU (nn.RNN, nn.LSTM, nn.GRU), in the same process.

Forward and backward of one layer, input and hidden size 128, batch 32, over
sequences of 20, 80 and 320 steps (cost should grow linearly with length);
targets at length 80: LSTM <= 1.3, SimpleRNN <= 1.2, GRU <= 0.8. Then the
course's sentiment model, Embedding(20000, 128)-LSTM(128)-Dense(1), one Adam
step at batch 32 and length 80: target <= 1.5. Compile time (the first call)
is reported apart from the steady state.

Run: ``python benchmarks/bench_rnn.py [--quick]`` (PyTorch: ``pip install torch==2.13.0``).
"""
import argparse

import _common

_common.clean_blas_environment()

import numpy as np  # noqa: E402

LENGTHS = (20, 80, 320)
BATCH, FEATURES, UNITS = 32, 128, 128
TARGETS = {"SimpleRNN": 1.2, "LSTM": 1.3, "GRU": 0.8}


def sequences(length, seed=0):
    return np.random.default_rng(seed).normal(size=(BATCH, length, FEATURES)).astype(np.float32)


def graphnet_layer(kind, length):
    import graphnet as gn
    from graphnet.nn import recurrent
    gn.set_seed(0)
    x = sequences(length)
    inp = gn.tensor(x, requires_grad=False)
    out = getattr(recurrent, kind)(UNITS, return_sequences=True)(inp)
    graph = gn.Graph(out.sum())

    def step():
        graph.forward({inp: x})
        graph.backward()
    return step


def torch_layer(kind, length):
    import torch
    torch.manual_seed(0)
    layer = {"SimpleRNN": torch.nn.RNN, "LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU}[kind](
        FEATURES, UNITS, batch_first=True)
    x = torch.from_numpy(sequences(length))

    def step():
        layer.zero_grad()
        layer(x)[0].sum().backward()
    return step


def sentiment_data():
    rng = np.random.default_rng(0)
    return rng.integers(1, 20000, (BATCH, 80)), rng.integers(0, 2, BATCH).astype(np.float32)


def graphnet_sentiment():
    import graphnet as gn
    from graphnet.nn import LSTM, Dense, Embedding, Input
    gn.set_seed(0)
    model = gn.Sequential([Input((80,)), Embedding(20000, 128), LSTM(128), Dense(1, activation="sigmoid")])
    model.compile(gn.optimizers.Adam(1e-3), "binary_crossentropy")
    words, labels = sentiment_data()
    return lambda: model.train_on_batch(words, labels)


def torch_sentiment():
    import torch

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = torch.nn.Embedding(20000, 128)
            self.lstm = torch.nn.LSTM(128, 128, batch_first=True)
            self.head = torch.nn.Linear(128, 1)

        def forward(self, words):
            out, _ = self.lstm(self.embed(words))
            return self.head(out[:, -1])

    torch.manual_seed(0)
    net = Net()
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    words, labels = sentiment_data()
    w, y = torch.from_numpy(words), torch.from_numpy(labels)

    def step():
        optimizer.zero_grad()
        loss_fn(net(w)[:, 0], y).backward()
        optimizer.step()
    return step


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    args = parser.parse_args()
    rounds = 3 if args.quick else 7
    results = {"machine": _common.machine(), "cases": {}}
    try:
        import torch
        torch.set_num_threads(2)
        have_torch = True
    except ImportError:
        have_torch = False
        print("PyTorch is not installed: no reference column (pip install torch==2.13.0)")
    rows = []
    for key in [(kind, length) for kind in TARGETS for length in LENGTHS] + ["sentiment"]:
        if key == "sentiment":
            ours, theirs = graphnet_sentiment, torch_sentiment
            label, length, target = "sentiment model Adam step (length 80)", 80, 1.5
        else:
            ours, theirs = (lambda k=key: graphnet_layer(*k)), (lambda k=key: torch_layer(*k))
            label, length = f"{key[0]} fwd+bwd", key[1]
            target = TARGETS[key[0]] if length == 80 else None
        step, first = _common.first_call(ours)
        their_step = _common.first_call(theirs)[0] if have_torch else None
        median, t_median, ratio = _common.compare(step, their_step, rounds)
        entry = {"graphnet_first_s": first, "graphnet_median_s": median}
        shown = ""
        if ratio is not None:
            entry.update(torch_median_s=t_median, ratio=ratio)
            shown = f"{ratio:.2f}" + (f" (target <= {target})" if target else "")
        results["cases"][f"{label} length {length}"] = entry
        rows.append((label, length, f"{first * 1e3:.0f}", f"{median * 1e3:.2f}",
                     f"{(t_median or float('nan')) * 1e3:.2f}", shown))
    _common.print_table(rows, ("case", "length", "first call ms", "graphnet ms", "PyTorch ms", "ratio"))
    print("ratio: the median over alternating rounds of graphnet's median / PyTorch's median")
    print("machine:", results["machine"])
    print("saved", _common.save("rnn", results))


if __name__ == "__main__":
    main()
