"""Drawing a model's gradients: the last training batch's, or a given batch's, each
checked against the same gradients worked out by hand in NumPy."""
import numpy as np
import pytest

import graphnet as gn
from graphnet.nn import Dense, Dropout
from graphnet.train import callbacks as cb
from graphnet.viz import view_of


def data(n=10, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 3)), rng.normal(size=(n, 2))


def tanh_linear(optimizer="adam"):
    gn.set_seed(0)
    model = gn.Sequential([Dense(4, activation="tanh", input_shape=(3,)), Dense(2)])
    model.compile(optimizer, "mse")
    return model


def by_hand(weights, x, y):
    """Loss and first kernel's gradient of tanh(x W1 + b1) W2 + b2 under mse, in float64."""
    W1, b1, W2, b2 = (np.asarray(w, np.float64) for w in weights)
    h = np.tanh(x @ W1 + b1)
    out = h @ W2 + b2
    d_out = 2 * (out - y) / out.size  # Keras' mse: the mean over every number
    return np.mean((out - y) ** 2), x.T @ ((d_out @ W2.T) * (1 - h ** 2))


def kernel_grad(view, model):
    return view.grads[view.graph.slot(model.layers[0].params[0])]


def loss_value(view):
    return view.values[view.graph.outputs[0]]


class WeightsBeforeEachStep(cb.Callback):
    def on_train_batch_begin(self, batch, logs=None):
        self.weights = self.model.get_weights()  # the last one: before the last update


def test_after_fit_the_drawing_shows_the_last_training_batch():
    x, y = data()
    model = tanh_linear()
    before = WeightsBeforeEachStep()
    # batches of 4, 4 and 2 in order: the last is x[8:]; evaluating the
    # validation data afterwards must not overwrite it.
    model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0, callbacks=[before],
              validation_data=data(6, seed=1))
    view = view_of(model, gradients=True)
    assert "last training batch (2 samples)" in view.title
    slot = view.graph.slot(model.layers[0].params[0])
    assert view.grad_status[slot] == "ok" and view.grad_hint is None
    loss, grad = by_hand(before.weights, x[8:], y[8:])
    np.testing.assert_allclose(loss_value(view), loss, rtol=1e-5)
    np.testing.assert_allclose(kernel_grad(view, model), grad, rtol=1e-4, atol=1e-7)
    source = gn.draw(model, grad_flow=True).source
    assert "grad ?" not in source and "loss" in source


def test_train_on_batch_is_remembered_too_and_compile_forgets_it():
    x, y = data()
    model = tanh_linear("sgd")
    weights = model.get_weights()
    model.train_on_batch(x[:5], y[:5])
    np.testing.assert_allclose(kernel_grad(view_of(model, gradients=True), model),
                               by_hand(weights, x[:5], y[:5])[1], rtol=1e-4, atol=1e-7)
    model.compile("sgd", "mae")  # another loss: the remembered gradients are not of it
    assert view_of(model, gradients=True).grad_hint is not None


def test_a_given_batch_is_drawn_without_changing_the_model():
    x, y = data()
    model = tanh_linear()
    weights = model.get_weights()
    source = gn.draw(model, grad_flow=True, batch=(x, y)).source
    assert "grad ?" not in source
    view = view_of(model, batch=(x, y))
    assert view.title == f"model '{model.name}' on a batch of 10"
    loss, grad = by_hand(weights, x, y)
    np.testing.assert_allclose(loss_value(view), loss, rtol=1e-5)
    np.testing.assert_allclose(kernel_grad(view, model), grad, rtol=1e-4, atol=1e-7)
    for now, then in zip(model.get_weights(), weights):
        np.testing.assert_array_equal(now, then)
    assert model.optimizer.iterations == 0 and model.optimizer.get_state().keys() == {"iterations"}
    assert all(w.grad is None for w in model.weights)

    # After a step: drawing another batch leaves the weights, the optimizer's
    # state, the weights' .grad and the last training batch's picture alone.
    model.train_on_batch(x[:4], y[:4])
    weights, state = model.get_weights(), model.optimizer.get_state()
    grads = [w.grad for w in model.weights]
    last = kernel_grad(view_of(model, gradients=True), model).copy()
    view_of(model, batch=(x[4:], y[4:]))
    for now, then in zip(model.get_weights(), weights):
        np.testing.assert_array_equal(now, then)
    for key, array in model.optimizer.get_state().items():
        np.testing.assert_array_equal(array, state[key])
    assert all(w.grad is g for w, g in zip(model.weights, grads))
    np.testing.assert_array_equal(kernel_grad(view_of(model, gradients=True), model), last)


def test_a_batch_is_drawn_in_inference_mode():
    x, y = data()
    gn.set_seed(0)
    model = gn.Sequential([Dense(8, activation="relu", input_shape=(3,)), Dropout(0.5), Dense(2)])
    model.compile("sgd", "mse")
    first, second = (float(loss_value(view_of(model, batch=(x, y)))) for _ in range(2))
    assert first == second == pytest.approx(model.evaluate(x, y, verbose=0), rel=1e-6)


def test_bad_batches_and_uncompiled_models_fail_clearly():
    x, y = data()
    model = tanh_linear()
    with pytest.raises(TypeError, match=r"\(x, y\)"):
        view_of(model, batch=x)
    with pytest.raises(gn.ShapeError, match="expects samples of shape"):
        view_of(model, batch=(x[:, :2], y))
    with pytest.raises(gn.ShapeError, match="targets"):
        view_of(model, batch=(x, y[:3]))
    plain = gn.Sequential([Dense(2, input_shape=(3,))], name="plain")
    with pytest.raises(ValueError, match="'plain' is not compiled.*compile.*loss tensor"):
        gn.draw(plain, batch=(x, y))


def test_before_training_the_picture_is_the_traced_graph_with_a_hint():
    x, y = data()
    model = tanh_linear()
    view = view_of(model, gradients=True)
    assert view.symbolic_batch and set(view.grad_status) <= {"missing", "none"}
    assert "fit" in view.grad_hint and "batch=" in view.grad_hint
    plain = gn.draw(model, show=("name", "shape")).source
    assert "(None, 3)" in plain and "(None, 2)" in plain and "(1, 3)" not in plain
    assert "loss" not in plain
    model.fit(x, y, epochs=1, verbose=0)
    assert gn.draw(model, show=("name", "shape")).source == plain  # no gradients: still plot_model


def layer_nodes(model):
    return [node.name for node in gn.Graph(model.outputs).nodes if getattr(node, "layer", None)]


def test_stepping_through_a_batch():
    x, y = data(4)
    model = tanh_linear()
    stepper = gn.viz.Stepper(model, batch=(x, y))
    names = layer_nodes(model)
    assert len(names) == len(model.layers) == 2
    for phase in ("forward", "backward"):
        assert sorted(f.node for f in stepper if f.phase == phase and f.node in names) == sorted(names)
    np.testing.assert_allclose(stepper.graph.grad(model.layers[0].params[0]),
                               by_hand(model.get_weights(), x, y)[1], rtol=1e-4, atol=1e-7)


def test_stepping_through_an_untrained_model_asks_for_a_batch():
    with pytest.raises((TypeError, ValueError), match="batch="):
        gn.viz.Stepper(tanh_linear())
