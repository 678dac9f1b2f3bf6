"""Graphs to step through, from the worked example to the course's networks.

The tutorials step through them, the browser tests check that every frame of
their step-through pages keeps the current node readable, and the drawing
benchmark times them: one definition for all three.
"""
import numpy as np

from ..nn import LSTM, Conv2D, Dense, Flatten, MaxPooling2D, categorical_crossentropy, relu, softmax, tanh
from ..ops import parameter, tensor
from ..train import Sequential


def worked_example(x=1.0, y=3.0, z=-3.0):
    """g = (x + y) * z: the course's first graph."""
    x, y, z = tensor(x, name="x"), tensor(y, name="y"), tensor(z, name="z")
    p = x + y
    p.name = "p"
    g = p * z
    g.name = "g"
    return g


def tensor_mlp(batch=4, features=3, hidden=5, classes=3, seed=0):
    """A two-layer network written with tensors: relu(x W1 + b1) W2 + b2, softmax,
    cross-entropy against one-hot targets, on a batch of ``batch`` rows."""
    rng = np.random.default_rng(seed)
    x = tensor(rng.normal(size=(batch, features)), name="x", requires_grad=False)
    y = tensor(np.eye(classes)[rng.integers(0, classes, batch)], name="y", requires_grad=False)
    W1 = parameter(rng.normal(size=(features, hidden)) * 0.5, name="W1")
    b1 = parameter(np.zeros(hidden), name="b1")
    W2 = parameter(rng.normal(size=(hidden, classes)) * 0.5, name="W2")
    b2 = parameter(np.zeros(classes), name="b2")
    h = relu(x @ W1 + b1)
    h.name = "h"
    z = h @ W2 + b2
    z.name = "z"
    p = softmax(z)
    p.name = "p"
    loss = categorical_crossentropy(y, p)
    loss.name = "loss"
    return loss


def tanh_recurrence(steps=6, hidden=2, seed=0):
    """h_t = tanh(x_t W + h_{t-1} U + b) unrolled over ``steps`` steps by hand,
    the loss the sum of the last state: backpropagation through time."""
    rng = np.random.default_rng(seed)
    W = parameter(rng.normal(size=(1, hidden)), name="W")
    U = parameter(rng.normal(size=(hidden, hidden)) * 0.5, name="U")
    b = parameter(np.zeros(hidden), name="b")
    h = tensor(np.zeros((1, hidden)), name="h0", requires_grad=False)
    for t in range(1, steps + 1):
        x_t = tensor(rng.normal(size=(1, 1)), name=f"x{t}", requires_grad=False)
        z = x_t @ W + h @ U + b
        z.name = f"z{t}"
        h = tanh(z)
        h.name = f"h{t}"
    loss = h.sum()
    loss.name = "L"
    return loss


def dense_model(batch=4, seed=0):
    """A compiled Sequential Dense(4, relu) - Dense(3, softmax) model and a batch
    (x, y) to step through its loss with: ``Stepper(model, batch=(x, y))``."""
    rng = np.random.default_rng(seed)
    model = Sequential([Dense(4, activation="relu", input_shape=(3,)),
                        Dense(3, activation="softmax")])
    model.compile("sgd", "categorical_crossentropy")
    x = rng.normal(size=(batch, 3)).astype("float32")
    y = np.eye(3, dtype="float32")[rng.integers(0, 3, batch)]
    return model, (x, y)


def course_cnn(batch=2, seed=0):
    """The course's first CNN, Conv2D(32, 3, relu) - MaxPool(2) - Flatten -
    Dense(10, softmax), compiled, and a batch of 28x28 images to step with."""
    rng = np.random.default_rng(seed)
    model = Sequential([Conv2D(32, 3, activation="relu", input_shape=(28, 28, 1)), MaxPooling2D(2),
                        Flatten(), Dense(10, activation="softmax")])
    model.compile("adam", "categorical_crossentropy")
    x = rng.uniform(size=(batch, 28, 28, 1)).astype("float32")
    y = np.eye(10, dtype="float32")[rng.integers(0, 10, batch)]
    return model, (x, y)


def lstm_model(steps=20, features=3, units=4, batch=2, seed=0):
    """LSTM(units) over ``steps`` steps, then Dense(1): a forecasting model,
    compiled with MSE, and a batch of sequences to step with."""
    rng = np.random.default_rng(seed)
    model = Sequential([LSTM(units, input_shape=(steps, features)), Dense(1)])
    model.compile("adam", "mse")
    x = rng.normal(size=(batch, steps, features)).astype("float32")
    y = rng.normal(size=(batch, 1)).astype("float32")
    return model, (x, y)
