# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 8. Recurrent networks
#
# A dense network sees its input all at once and has no notion of order. Many
# inputs are **sequences**: the words of a review, a sensor read every second,
# a yearly series. A **recurrent** network reads a sequence one step at a time
# and keeps a **hidden state** h, a vector it updates at every step from the
# new input and its previous value. The same weights are used at every step,
# so one small layer reads sequences of any length.
#
# The plan:
#
# 1. sequences as (batch, timesteps, features); SimpleRNN and its state;
# 2. the unrolled graph: backpropagation through time, drawn and stepped through;
# 3. vanishing and exploding gradients, measured step by step;
# 4. the LSTM: gates, cell state and hidden state, drawn with their formulas;
#    stacked LSTMs;
# 5. the GRU: update gate, reset gate and candidate;
# 6. forecasting a real series (yearly sunspots) with LSTM and GRU against the
#    naive "same as last year" forecast;
# 7. words as integers, Embedding, padding, and a sentiment classifier
#    (Embedding-LSTM-Dense) on generated reviews standing in for IMDB.

# %%
import time

import numpy as np

import graphnet as gn
from _tutorial import FAST, OUT, plt, show, show_graph, show_stepper
from graphnet.nn import GRU, LSTM, Dense, Embedding, Input, SimpleRNN, TimeDistributed
from graphnet.nn.recurrent import time_step_gradient_norms
from graphnet.viz import Stepper, plots

gn.set_seed(8)
rng = np.random.default_rng(8)
started = time.perf_counter()

# %% [markdown]
# ## Sequences are (batch, timesteps, features)
#
# A recurrent layer takes a 3-D array: **batch** (how many sequences),
# **timesteps** (how long each is) and **features** (how many numbers describe
# one step). Two sequences of 5 steps with 3 numbers per step are (2, 5, 3).
# A yearly series has one feature per step; a sentence of embedded words has
# one vector per word.
#
# `SimpleRNN(units)` keeps a state of `units` numbers and updates it at every
# step t:
#
# h_t = tanh(x_t W + h_(t-1) U + b),   with h_0 = 0
#
# W (features x units) reads the input, U (units x units) reads the previous
# state, b is the bias. By default the layer returns only the **last** state
# h_T, one vector per sequence: (batch, units).

# %%
batch = rng.normal(size=(2, 5, 3)).astype(np.float32)
rnn = SimpleRNN(4)
last = rnn(batch)
print("input", batch.shape, "-> SimpleRNN(4) ->", last.shape)
print("weights:", [(p.name, p.shape) for p in rnn.params])
assert last.shape == (2, 4)
assert rnn.count_params() == 4 * (3 + 4 + 1)      # W 3x4, U 4x4, b 4

# %% [markdown]
# The same computation as a plain loop in NumPy, with the layer's own weights.
# The state `h` is the only thing carried from one step to the next; W, U and
# b are the same at every step.

# %%
W, U, b = rnn.get_weights()
h = np.zeros((2, 4), dtype=np.float32)
for t in range(batch.shape[1]):
    h = np.tanh(batch[:, t] @ W + h @ U + b)
    print(f"t = {t + 1}: h of the first sequence = {np.round(h[0], 3)}")
assert np.allclose(h, last.value, atol=1e-5)

# %% [markdown]
# `return_sequences=True` returns the state after **every** step instead,
# (batch, timesteps, units); its last step is the default output.
#
# The parameter count does not depend on the number of steps: units ·
# (features + units + 1). Keras' example SimpleRNN(32) on 10 features has
# 32 · (10 + 32 + 1) = 1,376.

# %%
every_step = SimpleRNN(4, return_sequences=True)
every_step(batch)
every_step.set_weights(rnn.get_weights())           # the same weights as `rnn`
sequence = every_step(batch)
print("return_sequences=True:", sequence.shape)
assert sequence.shape == (2, 5, 4)
assert np.allclose(sequence.value[:, -1], last.value)

keras_example = SimpleRNN(32)
keras_example(Input((7, 10)))                       # 7 steps of 10 features
assert keras_example.count_params() == 32 * (10 + 32 + 1) == 1376
keras_example(Input((200, 10)))                     # 200 steps: same weights, same count
assert keras_example.count_params() == 1376

# %% [markdown]
# ## The unrolled graph: backpropagation through time
#
# For speed the layer is **one fused node** for the whole sequence. Opened
# (`expand=1`), it is the loop written out: **one cell per time step**, each
# taking the input of its step, the previous state and the same W, U and b.
# That is the *unrolled* network: an ordinary feed-forward graph, as deep as
# the sequence is long. Backpropagation through it is called
# **backpropagation through time** (BPTT): nothing new, just the chain rule
# from the last step back to the first.
#
# A tiny example: one feature, one unit, four steps, the loss is the last
# state.

# %%
x_tiny = np.array([[[1.0], [0.5], [-1.0], [2.0]]])            # (1 sequence, 4 steps, 1 feature)
w_tiny, u_tiny, b_tiny = np.array([[0.7]]), np.array([[0.9]]), np.array([0.1])

tiny = SimpleRNN(1)
tiny(x_tiny)
tiny.set_weights([w_tiny, u_tiny, b_tiny])
fused_loss = tiny(gn.tensor(x_tiny, name="x", requires_grad=False)).sum()
fused_loss.name = "loss"
fused_loss.backward()
unrolled = gn.draw(fused_loss, expand=1, show=("name", "value", "grad"))
show_graph(unrolled, "08_simple_rnn_unrolled")
assert unrolled.source.count("simplernncell") >= 4          # one cell per step

# %% [markdown]
# Each `simplernncell` is tanh(x W + h U + b) for one step; the arrows from
# W, U and b go into every cell, because the weights are shared.
#
# To watch BPTT number by number we write the same four steps from primitive
# tensor operations (1x1 matrices, so every value is one number) and step
# through the forward and the backward pass.

# %%
xs = [gn.tensor(x_tiny[:, t], name=f"x{t + 1}", requires_grad=False) for t in range(4)]
W_ = gn.tensor(w_tiny, name="W")
U_ = gn.tensor(u_tiny, name="U")
b_ = gn.tensor(b_tiny, name="b")
h = gn.tensor(np.zeros((1, 1)), name="h0", requires_grad=False)
zs, hs = [], []
for t, x_t in enumerate(xs, start=1):
    z = h @ U_ + x_t @ W_ + b_                  # the same W, U, b at every step
    z.name = f"z{t}"
    h = gn.tanh(z)
    h.name = f"h{t}"
    zs.append(z)
    hs.append(h)
loss = h.sum()
loss.name = "L"

stepper = Stepper(loss, show=("name", "value", "grad"), title="BPTT through four SimpleRNN steps")
for frame in stepper:
    if frame.phase in ("seed", "backward"):
        print(frame.caption)
show_stepper(stepper, "08_bptt_walkthrough")  # the page follows the step, top to bottom
show_graph(gn.draw(loss, show=("name", "value", "grad")), "08_bptt_by_hand")

# %% [markdown]
# Read the backward frames from the top: the gradient enters at h4, passes
# tanh (times 1 - h4²), and splits: one part goes to the weights used at step
# 4, the other goes down to h3 through U. At every step W, U and b receive
# another contribution (`dL/dW += ...`): the gradient of a shared weight is the
# **sum over all time steps**.
#
# The fused layer computes exactly these numbers, and
# `time_step_gradient_norms` reads |dL/dz_t|, the gradient that reached each
# step's pre-activation, from its last backward pass.

# %%
assert np.isclose(fused_loss.value, loss.value, atol=1e-6)
for fused, by_hand in zip(tiny.params, (W_, U_, b_)):
    print(f"{fused.name:28s} fused {fused.grad.ravel()[0]: .6f}   by hand {by_hand.grad.ravel()[0]: .6f}")
    assert np.allclose(fused.grad, by_hand.grad, atol=1e-5)
(per_step,) = time_step_gradient_norms(fused_loss).values()
print("|dL/dz_t|, t = 1..4:", np.round(per_step, 4))
assert np.allclose(per_step, [abs(z.grad.item()) for z in zs], atol=1e-5)

# %% [markdown]
# ## Why gradients vanish or explode
#
# Going back one step multiplies the gradient by the local derivative of
# h_t = tanh(x_t W + h_(t-1) U + b) with respect to h_(t-1), which is
# U · (1 - h_t²). From the loss at step T back to step 1:
#
# dL/dh_1 = dL/dh_T · Π over t = 2..T of U (1 - h_t²)
#
# A **product of T - 1 factors**. Since 1 - h² ≤ 1, factors below 1 in size
# (small U, or saturated tanh) shrink the gradient geometrically: it
# **vanishes**, and early steps learn nothing. Factors above 1 (large U)
# make it grow geometrically: it **explodes**, and one update throws the
# weights far away. With vectors, U becomes a matrix and "size" becomes how
# much the matrix stretches vectors.

# %%
factors = [u_tiny.item() * (1 - h_t.value.item() ** 2) for h_t in hs[1:]]
print("factors U (1 - h_t²) for t = 2, 3, 4:", np.round(factors, 4))
print("dL/dh1 =", hs[0].grad.item(), "= product of the factors:", np.prod(factors))
assert np.isclose(hs[0].grad.item(), np.prod(factors))

# %% [markdown]
# The last factor is the smallest: x4 = 2 drives tanh into saturation
# (h4 ≈ 0.92), where its slope 1 - h4² is small. Three factors are enough to
# shrink the gradient from 1 at h4 to about 0.04 at h1.
#
# ### Measured over 50 steps
#
# A SimpleRNN with 32 units reads 50 steps of random input; the loss looks at
# the last output only. We start U as an orthogonal matrix (it stretches no
# vector) times a **gain**: 0.5 (small recurrent weights), 1 (Keras' default)
# and 3 (large), and read the gradient norm that reached each step.
#
# For comparison, two LSTMs (explained in the next section): one as Keras
# initialises it, and one whose forget gate starts nearly open (its bias set
# to 3, so f = σ(3) ≈ 0.95), as training tends to make it when a task needs
# long memory.

# %%
T_long, units = 50, 32
x_long = gn.tensor(rng.normal(size=(16, T_long, 4)).astype(np.float32), requires_grad=False)


def step_norms(layer):
    """|gradient| reaching each time step when the loss reads the last output only."""
    out = layer(x_long)
    out.sum().backward()
    (norms,) = time_step_gradient_norms(out).values()
    return norms


curves = {}
for gain in (0.5, 1.0, 3.0):
    layer = SimpleRNN(units, recurrent_initializer=gn.initializers.Orthogonal(gain=gain))
    curves[f"SimpleRNN, U gain {gain:g}"] = step_norms(layer)
curves["LSTM, Keras' start (forget bias 1)"] = step_norms(LSTM(units))
open_lstm = LSTM(units)
open_lstm(x_long)
open_lstm.b.value[units:2 * units] = 3.0        # the forget gate's block of the bias
curves["LSTM, forget gate open (bias 3)"] = step_norms(open_lstm)

fig, ax = plt.subplots(figsize=(8, 4.5))
for name, norms in curves.items():
    ax.plot(np.arange(1, T_long + 1), norms / norms[-1], label=name,
            linestyle="-" if name.startswith("SimpleRNN") else "--")
ax.set_yscale("log")
ax.set_xlabel("time step t (the loss reads step 50)")
ax.set_ylabel("|dL/dz_t|, relative to step 50")
ax.set_title("gradient reaching each time step")
ax.legend(fontsize=8)
show(fig, "08_gradient_per_time_step")

ratio = {name: norms[0] / norms[-1] for name, norms in curves.items()}
for name, r in ratio.items():
    print(f"{name:38s} step 1 / step 50 = {r:.2e}")
assert ratio["SimpleRNN, U gain 0.5"] < 1e-10       # vanished
assert ratio["SimpleRNN, U gain 3"] > 1e4           # exploded
assert ratio["SimpleRNN, U gain 1"] < 1e-3          # even the default fades over 50 steps
assert ratio["LSTM, forget gate open (bias 3)"] > 0.1   # carried all the way back
assert ratio["LSTM, forget gate open (bias 3)"] > 1e4 * ratio["SimpleRNN, U gain 1"]

# %% [markdown]
# On a log scale a geometric decay is a straight line. With gain 0.5 the
# gradient at step 1 is some 18 orders of magnitude below step 50: nothing
# from the start of the sequence can be learnt. With gain 3 it grows by a
# factor of millions instead. Even the default start fades by several orders
# over 50 steps. The LSTM with an open forget gate keeps the gradient at about
# the same size all the way back; the LSTM as Keras starts it fades too, but
# more slowly than the SimpleRNN with the same default start.
#
# Exploding gradients have a simple remedy: **clip** them, rescale the gradient
# whenever its norm passes a threshold (Keras' optimizers take `clipnorm=`). Vanishing
# gradients need a different cell: the LSTM.
#
# The same in a drawing: six unrolled steps, coloured by gradient magnitude on
# one shared scale (`grad_flow=True`, `max_fanout=1` draws the shared weights
# next to each cell). In the SimpleRNN with small U the colours go from
# yellow at the last cell to blue at the first, a factor of 100 in six steps;
# the LSTM's cells, even at Keras' starting weights, fade far less (yellow to
# teal, a factor of 5).

# %%
x_short = gn.tensor(rng.normal(size=(4, 6, 3)), name="x", requires_grad=False)
fade = {}
for name, layer in (("simple_rnn", SimpleRNN(8, recurrent_initializer=gn.initializers.Orthogonal(gain=0.5))),
                    ("lstm", LSTM(8))):
    short_loss = layer(x_short).sum()
    short_loss.name = "loss"
    short_loss.backward()
    (norms,) = time_step_gradient_norms(short_loss).values()
    print(f"{name}: |dL/dz_t| for t = 1..6: {np.round(norms, 3)}")
    fade[name] = norms[0] / norms[-1]
    drawing = gn.draw(short_loss, expand=1, grad_flow=True, show=("name", "grad"),
                      grad_range=(1e-3, 10), max_fanout=1)
    show_graph(drawing, f"08_grad_flow_{name}")
assert fade["simple_rnn"] < 0.05 and fade["lstm"] > 0.1

# %% [markdown]
# ## LSTM: a cell state guarded by gates
#
# The **long short-term memory** cell keeps two vectors: the **cell state** c,
# the long-term memory, and the **hidden state** h, what the cell shows the
# next layer and the next step. At every step it computes
# z = x_t W + h_(t-1) U + b and cuts it into four blocks:
#
# | block | formula | meaning |
# |---|---|---|
# | input gate | i = σ(z_i) | how much of the candidate to write |
# | forget gate | f = σ(z_f) | how much of the old cell state to keep |
# | candidate | g = tanh(z_g) | the new content, in (-1, 1) |
# | output gate | o = σ(z_o) | how much of the cell to show |
#
# c_t = f · c_(t-1) + i · g,    h_t = o · tanh(c_t)
#
# The gates are sigmoids, numbers between 0 and 1 that act as soft switches,
# multiplied element by element. The cell state is changed only by that
# multiply and an addition. Going back one step on the cell path multiplies
# the gradient by f only: no weight matrix, no squashing derivative. When the
# forget gate is near 1 the gradient passes almost unchanged: that is the
# flat dashed curve above (f ≈ σ(3) ≈ 0.95). Keras starts the forget bias at
# 1, so f ≈ σ(1) ≈ 0.73 at first: the cell remembers by default, and training
# opens the gate further where a task needs long memory.
#
# One step written from primitive operations, with the layer's own weights and
# a given initial state (`initial_state=[h, c]`), names on every gate, and the
# formulas under the operations:

# %%
lstm = LSTM(2, return_state=True)
x_one = rng.normal(size=(1, 1, 3))                      # one sequence, one step, 3 features
h_start, c_start = rng.normal(size=(1, 2)), rng.normal(size=(1, 2))
output, h_last, c_last = lstm(x_one, initial_state=[gn.tensor(h_start), gn.tensor(c_start)])

Wl, Ul, bl = (gn.tensor(a, name=n) for a, n in zip(lstm.get_weights(), ("W", "U", "b")))
x_t = gn.tensor(x_one[:, 0], name="x_t", requires_grad=False)
h_prev = gn.tensor(h_start, name="h_prev", requires_grad=False)
c_prev = gn.tensor(c_start, name="c_prev", requires_grad=False)
z = x_t @ Wl + h_prev @ Ul + bl
i_gate, f_gate = gn.sigmoid(z[:, 0:2]), gn.sigmoid(z[:, 2:4])
candidate, o_gate = gn.tanh(z[:, 4:6]), gn.sigmoid(z[:, 6:8])
c_new = f_gate * c_prev + i_gate * candidate
h_new = o_gate * gn.tanh(c_new)
for t_, n in ((z, "z"), (i_gate, "i"), (f_gate, "f"), (candidate, "g"), (o_gate, "o"),
              (c_new, "c_t"), (h_new, "h_t")):
    t_.name = n

show_graph(gn.draw([h_new, c_new], show=("name", "shape", "formula")), "08_lstm_cell_by_hand")
print("h_t by hand", np.round(h_new.value, 5), " layer", np.round(h_last.value, 5))
print("c_t by hand", np.round(c_new.value, 5), " layer", np.round(c_last.value, 5))
assert np.allclose(h_new.value, h_last.value, atol=1e-5)
assert np.allclose(c_new.value, c_last.value, atol=1e-5)
assert np.array_equal(output.value, h_last.value)      # the output is the hidden state

# %% [markdown]
# The layer's own unrolled graph says the same: `expand=2` opens the fused
# node into one cell per step (here two steps) and each cell into its gates:
# three sigmoids, two tanh, and the multiply-add on the cell state. The tensor
# passed from cell to cell is [h | c] side by side.

# %%
two_steps = LSTM(2)(gn.tensor(rng.normal(size=(1, 2, 3)), name="x", requires_grad=False))
gates = gn.draw(two_steps, expand=2, show=("name", "shape", "formula"))
show_graph(gates, "08_lstm_unrolled_gates")
assert gates.source.count("lstmcell") >= 2 and "sigmoid" in gates.source and "tanh" in gates.source

# %% [markdown]
# And stepped through: `Stepper(..., depth=2)` opens the layer into its time
# steps and each step into its gates, then runs them one at a time, forward
# and backward. Each cell's own (fused) frame follows its gates and gives the
# same numbers, and so does the layer's after its steps. Backward, the
# gradient enters each cell through h and c, passes the gates in reverse
# order, and leaves towards the step before: backpropagation through time,
# gate by gate.

# %%
gate_steps = Stepper(two_steps.sum(), depth=2, title="an LSTM over two steps, gate by gate")
forget = [f for f in gate_steps if f.phase == "forward" and ": f (forget) = " in f.title]
print(len(gate_steps), "frames; the forget gate of each step:")
for frame in forget:
    print("  ", frame.title, "->", frame.caption.split("\n")[1])
show_stepper(gate_steps, "08_lstm_gate_steps")
assert len(forget) == 2  # one per time step

# %% [markdown]
# **Cell state versus hidden state.** With `return_state=True` the layer
# returns [output, h_T, c_T]. The output *is* h_T; c_T is the memory that
# never leaves the layer unless asked for. h = o · tanh(c) is always within
# (-1, 1); c is a running sum and is not bounded that way. With the forget
# gate open and the same input step after step, the cell keeps adding
# i · g to what it keeps, and c climbs past 1 while h stays inside.
#
# **Parameters**: four blocks, so 4 · units · (features + units + 1), four
# times a SimpleRNN of the same size. Keras orders the blocks i, f, g, o in
# W, U and b, and so does graphnet.

# %%
long_lstm = LSTM(8, return_sequences=True, return_state=True)
steady = np.full((1, 40, 1), 2.0, dtype=np.float32)     # the same input for 40 steps
long_lstm(steady)
print("forget-gate bias at the start:", long_lstm.b.value[8:16])
assert np.all(long_lstm.b.value[8:16] == 1) and np.all(long_lstm.b.value[:8] == 0)
assert long_lstm.count_params() == 4 * 8 * (1 + 8 + 1) == 320     # 4 x SimpleRNN(8)'s 80
long_lstm.b.value[8:16] = 3.0                            # forget gate open, as before
all_h, h_T, c_T = long_lstm(steady)
print("shapes:", all_h.shape, h_T.shape, c_T.shape)
print(f"max |h| over all steps: {np.abs(all_h.value).max():.3f}   max |c_T|: {np.abs(c_T.value).max():.3f}")
assert np.abs(all_h.value).max() < 1 < np.abs(c_T.value).max()
assert np.array_equal(all_h.value[:, -1], h_T.value)

# %% [markdown]
# ### Stacked LSTMs
#
# A recurrent layer needs a sequence as input. To stack a second one on top,
# the first must pass on its state at **every** step: `return_sequences=True`.
# Only the last recurrent layer returns a single vector for the dense head.
# Forgetting it is a classic error:

# %%
try:
    LSTM(8)(LSTM(16)(Input((12, 1))))
except gn.ShapeError as error:
    print("refused:", error)
else:
    raise AssertionError("an LSTM accepted a single vector as a sequence")

stacked = gn.Sequential([
    Input((12, 1)),
    LSTM(16, return_sequences=True),    # (None, 12, 16): one state per step for the next layer
    LSTM(8),                            # (None, 8): the last state only
    Dense(1),
])
stacked.summary()
assert [layer.output_shape for layer in stacked.layers] == [(None, 12, 16), (None, 8), (None, 1)]
assert stacked.count_params() == 4 * 16 * (1 + 16 + 1) + 4 * 8 * (16 + 8 + 1) + (8 + 1)

# %% [markdown]
# With `return_sequences=True` on the last layer too, `TimeDistributed(Dense)`
# applies the same dense layer to every step: one prediction per step.
#
# `return_state` and `initial_state` connect layers through their state. The
# classic use is **encoder-decoder**: an encoder LSTM reads one sequence and
# hands its final [h, c] to a decoder LSTM as the decoder's starting state.

# %%
per_step = gn.Sequential([Input((12, 1)), LSTM(16, return_sequences=True), TimeDistributed(Dense(1))])
print("TimeDistributed(Dense(1)):", per_step.layers[-1].output_shape)
assert per_step.layers[-1].output_shape == (None, 12, 1)

source, target = Input((10, 3), name="source"), Input((7, 2), name="target")
_, enc_h, enc_c = LSTM(16, return_state=True, name="encoder")(source)
decoded = LSTM(16, return_sequences=True, name="decoder")(target, initial_state=[enc_h, enc_c])
seq2seq = gn.Model([source, target], TimeDistributed(Dense(2))(decoded))
print("encoder-decoder output:", seq2seq.outputs[0].shape[1:], "per sample")
assert seq2seq.outputs[0].shape[1:] == (7, 2)

# %% [markdown]
# ## GRU: two gates and no separate cell
#
# The **gated recurrent unit** merges the cell and the hidden state and uses
# two gates:
#
# | | formula (Keras' default, reset applied after the product) |
# |---|---|
# | update gate | z = σ(x W_z + b_z + h U_z + b'_z) |
# | reset gate | r = σ(x W_r + b_r + h U_r + b'_r) |
# | candidate | ĥ = tanh(x W_h + b_h + r · (h U_h + b'_h)) |
# | new state | h_t = z · h_(t-1) + (1 - z) · ĥ |
#
# The update gate z chooses, unit by unit, between keeping the old state
# (z near 1) and taking the candidate; like the LSTM's cell path, the
# z · h_(t-1) term lets gradients through without a matrix in the way. The
# reset gate r decides how much of the old state the candidate may look at.
#
# The bias has two rows, one for the input side and one for the recurrent side
# (b'), so the parameter count is 3 · units · (features + units + 2). The
# blocks in W, U and b are ordered z, r, ĥ, as in Keras.

# %%
gru = GRU(2, return_state=True)
gru_out, gru_h = gru(x_one, initial_state=gn.tensor(h_start))
Wg, Ug, bg = (gn.tensor(a, name=n) for a, n in zip(gru.get_weights(), ("W", "U", "b")))
x_side = x_t @ Wg + bg[0]                     # the three input projections at once
h_side = h_prev @ Ug + bg[1]                  # the three recurrent projections at once
update = gn.sigmoid(x_side[:, 0:2] + h_side[:, 0:2])
reset = gn.sigmoid(x_side[:, 2:4] + h_side[:, 2:4])
cand = gn.tanh(x_side[:, 4:6] + reset * h_side[:, 4:6])
h_gru = update * h_prev + (1.0 - update) * cand
for t_, n in ((x_side, "x W + b"), (h_side, "h U + b'"), (update, "z"), (reset, "r"),
              (cand, "ĥ"), (h_gru, "h_t")):
    t_.name = n

show_graph(gn.draw(h_gru, show=("name", "shape", "formula")), "08_gru_cell_by_hand")
print("h_t by hand", np.round(h_gru.value, 5), " layer", np.round(gru_h.value, 5))
assert np.allclose(h_gru.value, gru_h.value, atol=1e-5)
assert np.array_equal(gru_out.value, gru_h.value)
assert gru.count_params() == 3 * 2 * (3 + 2 + 2)

sizes = {cls.__name__: cls(64) for cls in (SimpleRNN, LSTM, GRU)}
for name, layer in sizes.items():
    layer(Input((20, 10)))
    print(f"{name:9s} 64 units on 10 features: {layer.count_params():6,d} parameters")
assert sizes["SimpleRNN"].count_params() == 64 * (10 + 64 + 1)
assert sizes["LSTM"].count_params() == 4 * 64 * (10 + 64 + 1)
assert sizes["GRU"].count_params() == 3 * 64 * (10 + 64 + 2)

# %% [markdown]
# ## Forecasting a real series: yearly sunspots
#
# 309 years (1700-2008) of mean sunspot activity, from statsmodels: a real,
# noisy series with a cycle of about 11 years whose peaks differ from cycle
# to cycle. The task: from the last `time_steps` years, forecast next year.
# (It stands in for the stock prices of the course's LSTM example; the
# windowing is the same.)
#
# Three rules for time series:
#
# - **split by time**: train on the past (1700-1946), test on the future
#   (1947-2008). Shuffling the years before splitting would let the model
#   peek at the years around each test year;
# - **scale with the training part only**: the MinMaxScaler learns its minimum
#   and maximum from 1700-1946. The test years include the highest cycle on
#   record here (1957), so scaled test values go above 1: that is honest, the
#   model never saw such a peak;
# - **compare with the naive forecast**, "next year = this year". A model
#   that cannot beat it has learnt nothing useful.

# %%
years, activity = gn.data.load_sunspots()
split = int(len(activity) * 0.8)                    # the first 80% of the years
print(f"{len(activity)} years, {years[0]}-{years[-1]}; train {years[0]}-{years[split - 1]}, "
      f"test {years[split]}-{years[-1]}")
scaler = gn.data.MinMaxScaler().fit(activity[:split, None])   # fitted on the training years only
scaled = scaler.transform(activity[:, None])[:, 0]
print(f"highest value: training years {activity[:split].max():.1f}, test years {activity[split:].max():.1f}"
      f" (scaled {scaled[split:].max():.2f})")
assert scaled[:split].min() == 0 and scaled[:split].max() == 1 and scaled[split:].max() > 1

fig, ax = plt.subplots(figsize=(10, 3))
ax.plot(years[:split], activity[:split], label="training years")
ax.plot(years[split:], activity[split:], label="test years")
ax.set_xlabel("year")
ax.set_ylabel("sunspot activity")
ax.legend()
show(fig, "08_sunspots")

# %% [markdown]
# **Windowing.** `window_series(series, time_steps)` cuts the series into
# overlapping windows of `time_steps` values, each with the value that follows
# as its target: inputs (samples, time_steps, 1 feature) and targets
# (samples,). With 12 years per window (a little over one cycle) the 309
# years give 297 windows. A window goes to the test set when the year it
# forecasts is a test year; its inputs may reach back into the training years,
# which is fine: at forecast time the past is known.

# %%
time_steps = 12
X_all, y_all = gn.data.window_series(scaled, time_steps)
print("window_series:", X_all.shape, y_all.shape)
print("first window:", np.round(X_all[0, :, 0], 3), "-> target", round(float(y_all[0]), 3))
assert X_all.shape == (len(activity) - time_steps, time_steps, 1)
assert np.array_equal(X_all[1, :, 0], scaled[1:1 + time_steps]) and y_all[0] == scaled[time_steps]

target_year = years[time_steps:]                    # the year each window forecasts
train = target_year < years[split]
X_train, y_train, X_test, y_test = X_all[train], y_all[train], X_all[~train], y_all[~train]
print("train", X_train.shape, " test", X_test.shape)
assert len(X_train) + len(X_test) == len(X_all) and target_year[~train].min() == years[split]


def in_sunspots(a):
    """Scaled values back to sunspot units."""
    return scaler.inverse_transform(np.asarray(a, dtype=np.float32).reshape(-1, 1))[:, 0]


truth = in_sunspots(y_test)
naive = in_sunspots(X_test[:, -1, 0])                # next year = the last year of the window
errors = {"naive (last value)": (gn.metrics.root_mean_squared_error(truth, naive),
                                 gn.metrics.mean_absolute_error(truth, naive))}
print(f"naive forecast on the test years: RMSE {errors['naive (last value)'][0]:.1f}, "
      f"MAE {errors['naive (last value)'][1]:.1f}")

# %% [markdown]
# Now LSTM(32) -> Dense(1), and the same with a GRU, trained with mean squared
# error. `validation_split=0.2` holds out the **last** 20% of the training
# windows (the years just before the test period), which is the right
# validation set for a forecast; `fit` shuffles the order of the mini-batches
# within the rest, which is harmless. Early stopping ends training once the
# validation loss has not improved for 20 epochs and puts back the weights
# of the best epoch.

# %%
forecasts, histories = {}, {}
for cls in (LSTM, GRU):
    gn.set_seed(8)
    model = gn.Sequential([Input((time_steps, 1)), cls(32), Dense(1)],
                          name=f"{cls.__name__.lower()}_forecaster")
    model.compile(optimizer=gn.optimizers.Adam(learning_rate=0.005), loss="mse", metrics=["mae"])
    stop = gn.callbacks.EarlyStopping(patience=20, restore_best_weights=True)
    tic = time.perf_counter()
    histories[cls.__name__] = model.fit(X_train, y_train, epochs=300, batch_size=16,
                                        validation_split=0.2, callbacks=[stop], verbose=0)
    forecasts[cls.__name__] = in_sunspots(model.predict(X_test))
    errors[cls.__name__] = (gn.metrics.root_mean_squared_error(truth, forecasts[cls.__name__]),
                            gn.metrics.mean_absolute_error(truth, forecasts[cls.__name__]))
    print(f"{cls.__name__}: {len(histories[cls.__name__].epoch)} epochs in "
          f"{time.perf_counter() - tic:.1f} s")

print(f"\n{'test years 1947-2008':22s} {'RMSE':>6s} {'MAE':>6s}")
for name, (rmse, mae) in errors.items():
    print(f"{name:22s} {rmse:6.1f} {mae:6.1f}")
naive_rmse = errors["naive (last value)"][0]
# Early stopping ends training after about 100 epochs, a second or two: fast mode trains the same way.
assert errors["LSTM"][0] < naive_rmse and errors["LSTM"][1] < errors["naive (last value)"][1]
assert errors["GRU"][0] < naive_rmse

# %% [markdown]
# The naive forecast is always one year late (the dotted line is the real
# one shifted right): it predicts a rise once it has happened. The recurrent
# models have seen 12 years of the cycle and anticipate the turns, which cuts
# the error nearly in half. Most of what remains is at the peaks: how high a
# cycle's maximum will be is hard to tell in advance, and the 1950s cycle
# went higher than anything in the training years.

# %%
test_years = target_year[~train]
fig = plt.figure(figsize=(12, 4))
ax1 = fig.add_subplot(1, 3, (1, 2))
ax1.plot(test_years, truth, "k-", lw=2, label="real")
ax1.plot(test_years, naive, ":", color="grey", label=f"naive (RMSE {naive_rmse:.1f})")
for name, style in (("LSTM", "-"), ("GRU", "--")):
    ax1.plot(test_years, forecasts[name], style, label=f"{name} (RMSE {errors[name][0]:.1f})")
ax1.set_xlabel("year")
ax1.set_ylabel("sunspot activity")
ax1.set_title("one-year-ahead forecasts on the test years")
ax1.legend(fontsize=8)
ax2 = fig.add_subplot(1, 3, 3)
plots.plot_actual_vs_predicted(truth, forecasts["LSTM"], ax=ax2)
ax2.set_title("LSTM: actual versus predicted")
fig.tight_layout()
show(fig, "08_sunspot_forecast")

axes = plots.plot_history(histories["LSTM"], metrics=["loss"])
axes[0].set_title("LSTM forecaster: training and validation loss (scaled units)")
show(axes[0].figure, "08_sunspot_history")

# %% [markdown]
# ## Words as integers: Embedding and padding
#
# Text reaches a network as **integer-encoded** words: each word of the
# vocabulary gets a number, and a review becomes a list of numbers. Keras'
# IMDB set comes that way. An `Embedding(input_dim, output_dim)` layer turns
# each number into a learnt vector: it is a table of input_dim rows and
# output_dim columns, and word k picks row k. Input (batch, length) of
# integers, output (batch, length, output_dim), which is exactly what an LSTM
# reads.
#
# Picking rows is a gather; its gradient is a **scatter-add**: each row
# receives the sum of the gradients of the positions that used it, and every
# row no word used gets zero. A batch touches only a few rows of a large
# vocabulary.

# %%
embedding = Embedding(10, 3)                   # 10 words, 3 numbers each
ids = np.array([[1, 4, 1], [4, 7, 0]])
vectors = embedding(gn.constant(ids, dtype=ids.dtype))
print("ids", ids.shape, "-> vectors", vectors.shape)
assert vectors.shape == (2, 3, 3) and np.array_equal(vectors.value[0, 2], embedding.E.value[1])
vectors.sum().backward()
print("gradient rows of the table:\n", embedding.E.grad)
used = np.abs(embedding.E.grad).sum(axis=1) > 0
assert used.tolist() == [k in (0, 1, 4, 7) for k in range(10)]
assert np.all(embedding.E.grad[1] == 2) and np.all(embedding.E.grad[4] == 2)   # used twice each

# %% [markdown]
# Reviews have different lengths, but a batch is one array.
# `pad_sequences(sequences, maxlen)` makes them one length, as Keras does:
# shorter ones are filled with 0 **at the start** (`padding='pre'`), longer
# ones are cut **at the start** (`truncating='pre'`), so the real words sit at
# the end, next to the last step whose state the LSTM passes on. Word id 0 is
# kept for padding.

# %%
print(gn.data.pad_sequences([[5, 8, 2], [9, 3], [4, 6, 1, 7, 2]], maxlen=4))
padded = gn.data.pad_sequences([[5, 8, 2], [9, 3], [4, 6, 1, 7, 2]], maxlen=4)
assert padded.tolist() == [[0, 5, 8, 2], [0, 0, 9, 3], [6, 1, 7, 2]]

# %% [markdown]
# ## A sentiment classifier on generated reviews
#
# The course trains Embedding-LSTM-Dense(sigmoid) on **IMDB movie reviews**,
# labelled positive (1) or negative (0). IMDB has to be downloaded, so here we
# generate reviews that have the same form: integer-encoded words, variable
# lengths, a binary label. The vocabulary has 1,000 ids: 0 is padding, 12
# "positive" words, 12 "negative" words, and the rest neutral filler whose
# frequencies fall off like real word counts (a few words are very common).
# About 8% of the words of a review carry sentiment, and 80% of those agree
# with its label: a review is a long stream of mostly irrelevant words, and
# the model must notice and weigh the few that matter, wherever they are.

# %%
POSITIVE = ["great", "loved", "excellent", "wonderful", "brilliant", "moving",
            "superb", "enjoyed", "beautiful", "fun", "best", "masterpiece"]
NEGATIVE = ["boring", "awful", "waste", "terrible", "worst", "dull",
            "poorly", "hated", "mess", "bad", "stupid", "disappointing"]
vocab_size, maxlen = 1000, 80
words = ["<pad>"] + POSITIVE + NEGATIVE + [f"w{k}" for k in range(vocab_size - 1 - 2 * len(POSITIVE))]
positive_ids = np.arange(1, 1 + len(POSITIVE))
negative_ids = positive_ids + len(POSITIVE)
neutral_ids = np.arange(1 + 2 * len(POSITIVE), vocab_size)
filler = 1.0 / np.arange(1, len(neutral_ids) + 1)           # Zipf's law: the k-th word ~ 1/k
filler /= filler.sum()


def make_reviews(n, seed):
    """n integer-encoded reviews of 10 to 149 words and their labels (1 = positive)."""
    gen = np.random.default_rng(seed)
    labels = gen.integers(0, 2, n)
    reviews = []
    for label in labels:
        length = gen.integers(10, 150)
        review = gen.choice(neutral_ids, size=length, p=filler)
        sentiment = gen.random(length) < 0.08
        agrees = gen.random(length) < 0.8
        own, other = (positive_ids, negative_ids) if label else (negative_ids, positive_ids)
        review = np.where(sentiment & agrees, gen.choice(own, length),
                          np.where(sentiment, gen.choice(other, length), review))
        reviews.append(review.tolist())
    return reviews, labels


train_reviews, y_reviews = make_reviews(2000 if FAST else 6000, seed=0)
test_reviews, y_reviews_test = make_reviews(500 if FAST else 1000, seed=1)
print("review 0, label", y_reviews[0], "(positive)" if y_reviews[0] else "(negative)")
print("  ids:  ", train_reviews[0][:12], "...")
print("  words:", " ".join(words[k] for k in train_reviews[0][:30]), "...")
lengths = [len(r) for r in train_reviews]
print(f"lengths {min(lengths)} to {max(lengths)} words; pad and cut to {maxlen}")
X_reviews = gn.data.pad_sequences(train_reviews, maxlen=maxlen)
X_reviews_test = gn.data.pad_sequences(test_reviews, maxlen=maxlen)
print("padded:", X_reviews.shape, X_reviews.dtype)
assert X_reviews.shape == (len(train_reviews), maxlen)
assert X_reviews.max() < vocab_size and (X_reviews == 0).any()

# %% [markdown]
# How hard is it? Counting positive minus negative words of the padded test
# reviews is the obvious rule here, and it is right about 90% of the time
# (some reviews are short of sentiment words, or drew more disagreeing than
# agreeing ones). The network is not told which words matter: it has to find
# them in its embedding table.
#
# The model is the course's, smaller: Embedding(1000, 8) -> LSTM(16) ->
# Dense(1, sigmoid), trained with binary cross-entropy. `dropout` and
# `recurrent_dropout` (as in Keras' IMDB example) drop inputs and recurrent
# state during training; the recurrent mask stays the same for all steps of
# a sequence. Early stopping watches the validation loss; if it stops
# improving, training ends and the best epoch's weights are put back.

# %%
count_rule = (np.isin(X_reviews_test, positive_ids).sum(axis=1)
              > np.isin(X_reviews_test, negative_ids).sum(axis=1))
rule_accuracy = np.mean(count_rule == y_reviews_test)
print(f"counting rule on the test reviews: {rule_accuracy:.3f}")

gn.set_seed(8)
sentiment = gn.Sequential([
    Input((maxlen,)),
    Embedding(vocab_size, 8),
    LSTM(16, dropout=0.2, recurrent_dropout=0.2),
    Dense(1, activation="sigmoid"),
], name="sentiment")
sentiment.compile(optimizer=gn.optimizers.Adam(learning_rate=0.005),
                  loss="binary_crossentropy", metrics=["accuracy"])
sentiment.summary()
tic = time.perf_counter()
history = sentiment.fit(X_reviews, y_reviews, epochs=4 if FAST else 10, batch_size=32,
                        validation_split=0.2, verbose=2,
                        callbacks=[gn.callbacks.EarlyStopping(patience=2, restore_best_weights=True)])
print(f"trained in {time.perf_counter() - tic:.1f} s")
test_loss, test_accuracy = sentiment.evaluate(X_reviews_test, y_reviews_test, verbose=0)
print(f"test accuracy {test_accuracy:.3f} (counting rule {rule_accuracy:.3f})")
assert test_accuracy > (0.65 if FAST else 0.8)

# %% [markdown]
# Which words did it learn? Take a review of 70 neutral filler words and end
# it with one more word. Positive words push the probability up, negative
# words down, and another filler word leaves it about where it was.

# %%
neutral_review = np.random.default_rng(2).choice(neutral_ids, size=70, p=filler).tolist()
probe_words = POSITIVE[:4] + NEGATIVE[:4] + ["w0", "w1", "w500"]
probes = gn.data.pad_sequences([neutral_review] + [neutral_review + [words.index(w)] for w in probe_words],
                               maxlen=maxlen)
scores = sentiment.predict(probes).ravel()
print(f"  70 filler words alone: P(positive) = {scores[0]:.2f}")
for word, p in zip(probe_words, scores[1:]):
    print(f"  ... + '{word}': P(positive) = {p:.2f}")
assert scores[1:5].min() > scores[0] > scores[5:9].max()    # every probe word moves it its way

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.6))
plots.plot_history(history, ax=[ax1, ax2])
ax1.set_title("sentiment model: loss")
ax2.set_title(f"accuracy (test {test_accuracy:.2f})")
show(fig, "08_sentiment_history")

# %% [markdown]
# ## The course's sentiment model at full size
#
# The course's IMDB model keeps the 20,000 most frequent words, embeds each
# in 128 numbers, reads reviews cut to 80 words with an LSTM of 128 units and
# ends in one sigmoid. The parameter count, layer by layer:
#
# - Embedding: 20,000 · 128 = 2,560,000;
# - LSTM: 4 · 128 · (128 + 128 + 1) = 131,584;
# - Dense: 128 + 1 = 129;
#
# 2,691,713 in all. 95% of them are the embedding table, of which one batch
# touches only the rows of the words it contains. We build it and run one
# batch of our padded reviews through it (untrained); training it is the
# same `fit` as above, on real IMDB data.

# %%
course_model = gn.Sequential([
    Input((80,)),
    Embedding(20000, 128),
    LSTM(128),
    Dense(1, activation="sigmoid"),
], name="imdb_sentiment")
course_model.summary()
table = course_model.summary_text()  # the same table as a string, to check it
assert course_model.count_params() == 20000 * 128 + 4 * 128 * (128 + 128 + 1) + 129 == 2_691_713
assert "Total params: 2,691,713" in table
assert [layer.output_shape for layer in course_model.layers] == [(None, 80, 128), (None, 128), (None, 1)]
untrained = course_model.predict(X_reviews[:32])
print("one batch of 32 reviews ->", untrained.shape, "probabilities near 0.5:", np.round(untrained[:4, 0], 3))
assert untrained.shape == (32, 1) and np.all((untrained > 0) & (untrained < 1))

# %% [markdown]
# ## Summary
#
# | idea | in graphnet |
# |---|---|
# | sequences (batch, timesteps, features) | `SimpleRNN`, `LSTM`, `GRU`; `return_sequences` for every step |
# | hidden state carried across steps | h_t = tanh(x_t W + h_(t-1) U + b), same weights every step |
# | backpropagation through time | `draw(loss, expand=1)`: one cell per step; `Stepper` frame by frame |
# | vanishing and exploding gradients | `time_step_gradient_norms`: a product of per-step factors |
# | LSTM: i, f, o gates, candidate g, cell c vs hidden h | `draw(..., expand=2)`; `return_state=True` gives [out, h, c] |
# | stacked recurrent layers | `return_sequences=True` on all but the last |
# | GRU: update and reset gates, candidate | 3 blocks, 3 · units · (features + units + 2) parameters |
# | windowing a series | `window_series`; chronological split; scaler fitted on the past |
# | words as integers | `Embedding`, `pad_sequences`; gradient only to used rows |
# | sentiment classification | Embedding -> LSTM -> Dense(sigmoid) with binary cross-entropy |

# %%
print(f"chapter 8 ran in {time.perf_counter() - started:.1f} s ({'fast' if FAST else 'full'} mode)")
