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
# # 15. The same model on a GPU
#
# A GPU runs thousands of threads at once. Deep learning suits it: almost every
# step is "do the same small thing to every number of an array". This tutorial
# moves a convolutional network to the GPU with one call, trains it unchanged,
# and looks at what makes that work:
#
# 1. which devices this machine has, and Numba's CUDA simulator when it has none;
# 2. `model.to('cuda')`, and the same loss and gradients as on the CPU;
# 3. what crosses between host and GPU during training (almost nothing), counted;
# 4. one CUDA kernel read line by line: a thread per number;
# 5. how the nodes' NumPy code runs on the GPU without a single `if cuda:`.
#
# Without an NVIDIA GPU, the tutorial runs every kernel in Numba's **CUDA
# simulator**: each GPU thread becomes a Python thread. It is slow, but it is
# the same kernel code, so everything below is still true. (One exception: the
# simulator multiplies matrices with a plain kernel, a thread per output, as
# emulating the barriers of the tiled shared-memory kernel takes it seconds.)

# %%
import os
import shutil

# The simulator must be chosen before Numba is imported. No `nvidia-smi` here:
# no NVIDIA driver, so simulate.
if shutil.which("nvidia-smi") is None:
    os.environ.setdefault("NUMBA_ENABLE_CUDASIM", "1")
SIMULATED = os.environ.get("NUMBA_ENABLE_CUDASIM") == "1"

import inspect  # noqa: E402

import numpy as np  # noqa: E402
from _tutorial import FAST, show_graph  # noqa: E402

import graphnet as gn  # noqa: E402
from graphnet.data import load_digits  # noqa: E402
from graphnet.device import transfers  # noqa: E402
from graphnet.nn import Conv2D, Dense, Flatten, MaxPooling2D  # noqa: E402

print("devices:", gn.devices(), "(simulated)" if SIMULATED else "")

# %% [markdown]
# ## 1. Data and a small CNN
#
# scikit-learn's 8x8 digits stand in for MNIST. The network is the course's
# first CNN in miniature: a convolution with ReLU, max pooling, a dense softmax.

# %%
X, y = load_digits(as_images=True)
X = X / 16.0
order = np.random.default_rng(0).permutation(len(X))
X, y = X[order], y[order]
n_train = 32 if SIMULATED else 1500  # the simulator runs each GPU thread in Python: keep it tiny
x_train, y_train = X[:n_train], y[:n_train]


def small_cnn():
    gn.set_seed(0)
    model = gn.Sequential([Conv2D(4, 3, activation="relu", input_shape=(8, 8, 1)), MaxPooling2D(2),
                           Flatten(), Dense(10, activation="softmax")])
    model.compile(gn.optimizers.Adam(0.01), "sparse_categorical_crossentropy")
    return model


model = small_cnn()
model.summary()

# %% [markdown]
# ## 2. One call moves the model
#
# `model.to('cuda')` copies every weight (and constant) to the GPU. Nothing
# else in the code changes: `fit` copies `x` and `y` to the GPU once, and every
# batch is gathered there. We train a CPU twin with the same seed on the same
# batch and compare.

# %%
cpu_model, gpu_model = small_cnn(), small_cnn().to("cuda")
batch_x, batch_y = x_train[:8], y_train[:8]
cpu_loss = cpu_model.train_on_batch(batch_x, batch_y)["loss"]
gpu_loss = gpu_model.train_on_batch(batch_x, batch_y)["loss"]
print(f"loss on the CPU {cpu_loss:.6f}, on the GPU {gpu_loss:.6f}")
kernel_cpu, kernel_gpu = cpu_model.weights[0], gpu_model.weights[0]
print("the kernel lives on:", kernel_gpu.device)
print("largest gradient difference:",
      float(np.abs(gn.to_host(kernel_gpu.grad) - kernel_cpu.grad).max()))

# %% [markdown]
# ## 3. What crosses the bus
#
# Copies between host and GPU are slow next to the GPU's arithmetic, so a
# training step should make as few as possible. graphnet counts every copy.
# A fit copies the data in once, the shuffled order once per epoch, and per
# batch only the loss comes back: one number.

# %%
epochs, batch = (1, 8) if SIMULATED else ((1, 64) if FAST else (5, 64))
before = transfers()
history = gpu_model.fit(x_train, y_train, batch_size=batch, epochs=epochs, verbose=0)
after = transfers()
steps = epochs * -(-n_train // batch)
print(f"{steps} steps: {after['to_device'] - before['to_device']} copies in "
      f"(x, y, and the order per epoch), {after['to_host'] - before['to_host']} copies out (the losses)")
print("losses:", [round(v, 4) for v in history.history["loss"]])

# %% [markdown]
# Copies you did not ask for do not happen silently. Mixing a host array into
# a GPU computation is an error that says what to do:

# %%
try:
    kernel_gpu.value + np.ones(kernel_gpu.shape, np.float32)
except TypeError as err:
    print(type(err).__name__, "-", err)

# %% [markdown]
# ## 4. A kernel, thread by thread
#
# Here is the LSTM's forward step on the GPU. `cuda.grid(1)` is this thread's
# number among all threads; `cuda.gridsize(1)` is how many there are. Each
# thread takes one (sample, unit) pair, computes its four gates and the new cell
# and hidden state, then jumps ahead by the number of threads (a "grid-stride
# loop"), so any number of threads covers any batch.

# %%
from graphnet.kernels.cuda import recurrent  # noqa: E402

print(inspect.getsource(recurrent._lstm_forward_step.py_func))

# %% [markdown]
# ## 5. Why the nodes did not change
#
# Every node is written in NumPy: `np.exp(x - x.max(axis=-1, keepdims=True))`.
# On a GPU, `x` is a `CudaArray`, a view of GPU memory that answers NumPy's
# dispatch protocols: NumPy hands `np.exp`, `+`, `@`, `.sum(axis=...)` and
# `np.empty(..., like=x)` back to it, and it launches a CUDA kernel instead. So
# the softmax below is NumPy code, computed on the GPU.

# %%
logits = gn.to_device(np.array([[2.0, 1.0, 0.1], [0.5, 0.5, 3.0]], np.float32))
e = np.exp(logits - logits.max(axis=-1, keepdims=True))
probabilities = e / e.sum(axis=-1, keepdims=True)
print(type(probabilities).__name__, "->", gn.to_host(probabilities).round(3))

# %% [markdown]
# Drawings work too: values on the GPU come back to be drawn.

# %%
w = gn.parameter(np.array([0.5, -1.0], np.float32), name="w", device="cuda")
x = gn.tensor(np.array([2.0, 3.0], np.float32), name="x", requires_grad=False, device="cuda")
out = gn.relu(w * x).sum()
out.name = "out"
out.backward()
show_graph(gn.draw(out), "15_graph_on_the_gpu")

# %% [markdown]
# ## What to remember
#
# - `model.to('cuda')` moves a model; `gn.to_device` / `gn.to_host` move arrays.
# - Keep data on the GPU: one copy in per fit, one number out per step.
# - A CUDA kernel is ordinary code run by many threads, each finding its own
#   piece of the array from its thread number.
# - The layers were not rewritten: NumPy's dispatch protocols send their array
#   code to the GPU.
