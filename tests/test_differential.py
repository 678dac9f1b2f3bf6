"""Differential tests: random programs run by graphnet and by PyTorch (CPU) side by side.

Each seed builds one program over a few leaf tensors (0-d and broadcast shapes
included, float32 or float64), mixing them with Python numbers, Python lists
and NumPy arrays on either side of the operators and ``gn.`` functions:
elementwise ops, reductions, matmul, reshape/transpose, indexing and a few
activations. Every step's value and dtype, and every leaf's gradient, must agree
with torch's: tightly in float64, to float32 rounding in float32. Python numbers
and lists take the tensor's float type, as torch's scalars do.

torch is a test-only reference (``pip install -e ".[reference]"``); graphnet never
imports it. Without it these tests skip, except under CI=true, where they fail.
"""
import os

import numpy as np
import pytest

import graphnet as gn

try:
    import torch
except ImportError as exc:
    if os.environ.get("CI") == "true":  # run.sh installs it under CI: missing, fail, not skip
        raise ImportError(f"CI=true and PyTorch, the reference of these tests, is missing ({exc}): "
                          "bash run.sh test installs it under CI; by hand: "
                          "pip install -e '.[reference]'") from exc
    pytest.skip("PyTorch, the reference of these tests, is not installed: "
                "pip install -e '.[reference]'", allow_module_level=True)

TORCH_DTYPE = {np.dtype(np.float32): torch.float32, np.dtype(np.float64): torch.float64}
# float64: far tighter than float32 rounding (6e-8), so a constant that went
# through float32 fails; float32: a few roundings per step.
TOLERANCE = {np.dtype(np.float64): (1e-9, 1e-9), np.dtype(np.float32): (2e-4, 2e-5)}
LEAF_SHAPES = [(), (3,), (1, 3), (2, 1), (2, 3), (2, 2, 3)]


class Program:
    """One random program, run in both libraries at once; ``text`` lists its steps."""

    def __init__(self, seed):
        self.rng = rng = np.random.default_rng(seed)
        self.dtype = np.dtype(np.float64 if seed % 2 else np.float32)
        self.td = TORCH_DTYPE[self.dtype]
        self.rtol, self.atol = TOLERANCE[self.dtype]
        self.text, self.pool, self.leaves = [f"seed {seed}, {self.dtype}"], [], []
        for k in range(int(rng.integers(2, 5))):
            shape = LEAF_SHAPES[int(rng.integers(len(LEAF_SHAPES)))]
            data = rng.uniform(-1.5, 1.5, shape).astype(self.dtype)
            wants = k == 0 or rng.random() < 0.85  # now and then a leaf without a gradient
            g = gn.tensor(data, name=f"x{k}", dtype=self.dtype, requires_grad=wants)
            t = torch.tensor(data, dtype=self.td, requires_grad=wants)
            self.leaves.append((g, t, f"x{k}"))
            self.pool.append((g, t, f"x{k}"))
            self.text.append(f"x{k} = {data.tolist()!r} (requires_grad={wants})")

    # --- operands beside the tensors -------------------------------------------------
    def number(self, low=-2.0, high=2.0):
        if self.rng.random() < 0.25:
            v = int(self.rng.integers(int(np.ceil(low)), int(high) + 1))
        else:
            v = float(self.rng.uniform(low, high))
        return v, v, repr(v)

    def data(self, shape, low=-2.0, high=2.0, numbers=True):
        """A Python list (of floats, or ints), a NumPy array of the program's type, or a
        number (unless ``numbers=False``; 0-d shapes then give NumPy scalars)."""
        r = self.rng.random()
        if shape and r < 0.45:
            values = self.rng.uniform(low, high, shape)
            if r < 0.1:
                values = self.rng.integers(int(np.ceil(low)), int(high) + 1, shape)
            values = values.tolist()
            return values, torch.tensor(values, dtype=self.td), repr(values)
        if r < 0.6 or not numbers:
            arr = self.rng.uniform(low, high, shape).astype(self.dtype)
            if arr.ndim == 0:
                arr = arr[()]  # a NumPy scalar of the tensor's own type
            return arr, torch.tensor(np.asarray(arr)), f"np.{self.dtype}({np.asarray(arr).tolist()!r})"
        return self.number(low, high)

    def other(self, shape, exclude=None, keep=None):
        """A second operand that broadcasts with ``shape``: a tensor from the pool or data.
        ``keep='positive'``: >= 0.5 (denominators, bases); ``'bounded'``: in (-2, 2)."""
        fits = [p for p in self.pool if p[0] is not exclude and _broadcasts(p[0].shape, shape)]
        if fits and self.rng.random() < 0.5:
            g, t, name = fits[int(self.rng.integers(len(fits)))]
            if keep == "positive":
                return g * g + 0.5, t * t + 0.5, f"({name}² + 0.5)"
            if keep == "bounded":
                return gn.tanh(g) * 2, torch.tanh(t) * 2, f"2 tanh({name})"
            return g, t, name
        shapes = [s for s in ((), shape[-1:], shape, (1,) + shape[1:]) if _broadcasts(s, shape)]
        low = 0.5 if keep == "positive" else -2.0
        return self.data(shapes[int(self.rng.integers(len(shapes)))], low, 2.0)

    def exactly(self, shape):
        """An operand of exactly ``shape`` (matmul's other side): a pool tensor or data."""
        fits = [p for p in self.pool if p[0].shape == shape]
        if fits and self.rng.random() < 0.5:
            return fits[int(self.rng.integers(len(fits)))]
        return self.data(shape, numbers=False)

    def pick(self):
        return self.pool[int(self.rng.integers(len(self.pool)))]

    # --- one step ---------------------------------------------------------------------
    def step(self):
        rng, (g, t, name) = self.rng, self.pick()
        kind = str(rng.choice(["binary", "binary", "function", "unary", "unary", "reduce",
                               "matmul", "shape", "index", "stack"]))
        made = getattr(self, kind)(g, t, name)
        if made is None:
            return
        go, to, text = made
        self.compare(go, to, text)
        value = go.numpy()
        if value.size and np.all(np.isfinite(value)) and np.max(np.abs(value)) < 50:  # kept tame
            self.pool.append((go, to, f"v{len(self.text)}"))
        self.text.append(f"v{len(self.text)} = {text}")

    def binary(self, g, t, name):
        op = str(self.rng.choice(["+", "-", "*", "/", "**", "**n"]))
        flip = self.rng.random() < 0.5  # the other operand first: __radd__ and friends
        if op == "/":  # denominators kept away from 0
            if flip:
                og, ot, otext = self.other(g.shape)
                return og / (g * g + 0.5), ot / (t * t + 0.5), f"{otext} / ({name}² + 0.5)"
            og, ot, otext = self.other(g.shape, keep="positive")
            return g / og, t / ot, f"{name} / {otext}"
        if op == "**":  # positive bases, bounded exponents
            if flip:
                og, ot, otext = self.other(g.shape, keep="positive")
                return og ** gn.tanh(g), ot ** torch.tanh(t), f"{otext} ** tanh({name})"
            og, ot, otext = self.other(g.shape, keep="bounded")
            return (g * g + 0.5) ** og, (t * t + 0.5) ** ot, f"({name}² + 0.5) ** {otext}"
        if op == "**n":
            e = int(self.rng.integers(2, 4))
            return g ** e, t ** e, f"{name} ** {e}"
        og, ot, otext = self.other(g.shape)
        a, b = ((og, g), (ot, t)) if flip else ((g, og), (t, ot))
        text = f"{otext} {op} {name}" if flip else f"{name} {op} {otext}"
        f = {"+": lambda x, y: x + y, "-": lambda x, y: x - y, "*": lambda x, y: x * y}[op]
        return f(*a), f(*b), text

    def function(self, g, t, name):
        """gn.maximum / gn.minimum, the number or list first or second, or the method."""
        which = str(self.rng.choice(["maximum", "minimum"]))
        og, ot, otext = self.other(g.shape, exclude=g)  # not x against itself: all ties
        tf = getattr(torch, which)
        ot = ot if isinstance(ot, torch.Tensor) else torch.tensor(ot, dtype=self.td)
        r = self.rng.random()
        if r < 0.4:
            return getattr(gn, which)(og, g), tf(ot, t), f"gn.{which}({otext}, {name})"
        if r < 0.7:
            return getattr(gn, which)(g, og), tf(t, ot), f"gn.{which}({name}, {otext})"
        return getattr(g, which)(og), tf(t, ot), f"{name}.{which}({otext})"

    def unary(self, g, t, name):
        op = str(self.rng.choice(["neg", "exp", "log", "sqrt", "abs", "relu", "tanh",
                                  "sigmoid", "softmax"]))
        if op == "neg":
            return -g, -t, f"-{name}"
        if op == "exp":
            return gn.exp(gn.tanh(g) * 2.0), torch.exp(torch.tanh(t) * 2.0), f"exp(2 tanh({name}))"
        if op in ("log", "sqrt"):  # of positive values
            return (getattr(gn, op)(g * g + 0.25), getattr(torch, op)(t * t + 0.25),
                    f"{op}({name}*{name} + 0.25)")
        if op == "abs":
            return gn.abs(g), torch.abs(t), f"abs({name})"
        if op == "softmax":
            if g.ndim == 0:
                return None
            return gn.softmax(g, axis=-1), torch.softmax(t, dim=-1), f"softmax({name}, -1)"
        return getattr(gn, op)(g), getattr(torch, op)(t), f"{op}({name})"

    def reduce(self, g, t, name):
        op = str(self.rng.choice(["sum", "mean", "max"]))
        keep = bool(self.rng.random() < 0.3)
        axis = None if g.ndim == 0 or self.rng.random() < 0.4 else int(self.rng.integers(-g.ndim, g.ndim))
        tf = {"sum": torch.sum, "mean": torch.mean, "max": torch.amax}[op]
        if axis is None:
            to = tf(t)
            if keep:
                to = to.reshape((1,) * t.ndim)
        else:
            to = tf(t, dim=axis, keepdim=keep)
        go = getattr(gn, op)(g, axis=axis, keepdims=keep) if self.rng.random() < 0.5 \
            else getattr(g, op)(axis=axis, keepdims=keep)
        return go, to, f"{name}.{op}(axis={axis}, keepdims={keep})"

    def matmul(self, g, t, name):
        if g.ndim not in (1, 2):
            return None
        n = int(self.rng.integers(1, 4))
        use_function = self.rng.random() < 0.5
        if self.rng.random() < 0.5:  # g on the left: (m, k) or (k,) @ (k,) or (k, n)
            og, ot, otext = self.exactly([(g.shape[-1],), (g.shape[-1], n)][int(self.rng.integers(2))])
            if use_function:
                return gn.matmul(g, og), t @ ot, f"gn.matmul({name}, {otext})"
            return g @ og, t @ ot, f"{name} @ {otext}"
        # the other operand on the left (a list, an array: __rmatmul__): (m,) or (n, m) @ g
        og, ot, otext = self.exactly([(g.shape[0],), (n, g.shape[0])][int(self.rng.integers(2))])
        if use_function:
            return gn.matmul(og, g), ot @ t, f"gn.matmul({otext}, {name})"
        return og @ g, ot @ t, f"{otext} @ {name}"

    def shape(self, g, t, name):
        if self.rng.random() < 0.5 and g.ndim >= 2:
            axes = tuple(int(a) for a in self.rng.permutation(g.ndim))
            if self.rng.random() < 0.5:
                return gn.transpose(g, axes), t.permute(axes), f"transpose({name}, {axes})"
            return g.transpose(*axes), t.permute(axes), f"{name}.transpose{axes}"
        size = g.size
        shapes = [(-1,), (1, -1)] + [s for s in [(size, 1), (2, size // 2), (size // 2, 2, 1),
                                                (3, size // 3)] if np.prod(s) == size]
        new = shapes[int(self.rng.integers(len(shapes)))]
        return g.reshape(new), t.reshape(new), f"{name}.reshape{new}"

    def index(self, g, t, name):
        if g.ndim == 0:
            return None
        rows = g.shape[0]
        r = self.rng.random()
        if r < 0.3:
            i = int(self.rng.integers(-rows, rows))
            return g[i], t[i], f"{name}[{i}]"
        if r < 0.55:
            idx = [int(i) for i in self.rng.integers(0, rows, 3)]  # repeats add up in backward
            return g[idx], t[idx], f"{name}[{idx}]"
        if r < 0.75 and g.ndim >= 2 and g.shape[1] > 1:
            return g[:, 1:], t[:, 1:], f"{name}[:, 1:]"
        if r < 0.9:
            return g[..., ::2], t[..., ::2], f"{name}[..., ::2]"
        mask = g.numpy() > 0
        if not mask.any():
            return None
        return g[mask], t[torch.from_numpy(mask)], f"{name}[{name} > 0]"

    def stack(self, g, t, name):
        og, ot, otext = self.data(g.shape, numbers=False)
        axis = int(self.rng.integers(0, g.ndim + 1))
        if self.rng.random() < 0.5:
            return gn.stack([og, g], axis), torch.stack([ot, t], axis), f"stack([{otext}, {name}], {axis})"
        return gn.stack([g, og], axis), torch.stack([t, ot], axis), f"stack([{name}, {otext}], {axis})"

    # --- checking ---------------------------------------------------------------------
    def compare(self, go, to, text, what="value"):
        listing = "\n  ".join(self.text + [f"-> {text}"])
        assert isinstance(go, gn.Tensor), f"{text} gave {type(go).__name__}\n  {listing}"
        got, want = go.numpy(), to.detach().numpy()
        assert got.dtype == want.dtype, f"{what} of {text}: {got.dtype}, torch {want.dtype}\n  {listing}"
        assert got.shape == want.shape, f"{what} of {text}: {got.shape}, torch {want.shape}\n  {listing}"
        np.testing.assert_allclose(got, want, rtol=self.rtol, atol=self.atol * _scale(want),
                                   err_msg=f"{what} of {text}\n  {listing}")

    def check_gradients(self):
        ends = self.pool[-3:]
        loss_g, loss_t, parts = 0.0, 0.0, []
        for g, t, name in ends:  # weights, so that no two entries get the same gradient
            w = self.rng.uniform(-1, 1, g.shape).astype(self.dtype)
            loss_g = loss_g + (g * w).sum()
            loss_t = loss_t + (t * torch.from_numpy(np.asarray(w))).sum()
            parts.append(f"sum({name} * w)")
        if not isinstance(loss_g, gn.Tensor) or not loss_t.requires_grad:
            return
        self.compare(loss_g, loss_t, " + ".join(parts), "loss")
        loss_g.backward()
        loss_t.backward()
        listing = "\n  ".join(self.text)
        for g, t, name in self.leaves:
            if t.grad is None:
                assert g.grad is None, f"{name}.grad is {g.grad!r}, torch's None\n  {listing}"
                continue
            assert g.grad is not None, f"{name}.grad is None, torch's {t.grad}\n  {listing}"
            got, want = np.asarray(gn.to_host(g.grad)), t.grad.numpy()
            assert got.dtype == want.dtype and got.shape == want.shape, \
                f"{name}.grad: {got.dtype}{got.shape}, torch {want.dtype}{want.shape}\n  {listing}"
            np.testing.assert_allclose(got, want, rtol=self.rtol, atol=self.atol * _scale(want),
                                       err_msg=f"d loss / d {name}\n  {listing}")


def _broadcasts(a, b):
    try:
        return np.broadcast_shapes(a, b) == tuple(b) or np.broadcast_shapes(a, b) == tuple(a)
    except ValueError:
        return False


def _scale(a):
    return max(1.0, float(np.max(np.abs(a), initial=0.0)))


@pytest.mark.parametrize("seed", range(160))
def test_program_matches_torch(seed):
    program = Program(seed)
    for _ in range(int(program.rng.integers(4, 12))):
        program.step()
    program.check_gradients()


def test_float64_lists_and_numbers_match_torch_exactly():
    """The promise the programs lean on, spelled out: a list beside a float64 tensor
    is float64, not float32 first (1e-8 off); the same for a number first in gn.maximum."""
    data = np.array([0.3, -1.7])
    x, tx = gn.tensor(data, dtype=np.float64), torch.tensor(data, dtype=torch.float64, requires_grad=True)
    got = gn.maximum(0.59, x * [-2.41, 0.45]) + gn.matmul([[0.1, 0.7]], x)
    want = torch.maximum(torch.tensor(0.59, dtype=torch.float64), tx * torch.tensor([-2.41, 0.45],
                         dtype=torch.float64)) + torch.tensor([[0.1, 0.7]], dtype=torch.float64) @ tx
    assert got.dtype == np.float64
    assert got.numpy().tolist() == want.detach().numpy().tolist()
    got.sum().backward()
    want.sum().backward()
    assert x.grad.tolist() == tx.grad.numpy().tolist()
