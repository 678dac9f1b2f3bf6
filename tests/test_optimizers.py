"""Optimizers and learning-rate schedules.

The update rules are checked against steps worked out by hand from the equations
in each class's docstring (float64, parameter [1, -2]), and the Numba kernels
against their NumPy references; then decay, schedules, saving state, names,
frozen parameters and convergence on a quadratic bowl.
"""
import inspect
import json
import math
import subprocess
import sys

import numpy as np
import pytest

import graphnet as gn
from graphnet.train import optimizers as opt_mod
from graphnet.train import schedules
from graphnet.train.optimizers import (SGD, Adadelta, Adagrad, Adam, Adamax, Nadam, Optimizer,
                                       RMSprop)

START = (1.0, -2.0)
G3 = [(0.5, -1.0), (-1.0, 0.5), (0.25, 2.0)]  # three steps' gradients for the adaptive rules


def run_steps(optimizer, grads, start=START):
    """Apply ``grads`` one step at a time to a float64 parameter; the value after each step."""
    w = gn.parameter(np.array(start, dtype=np.float64))
    trail = []
    for g in grads:
        optimizer.apply_gradients([(np.array(g, dtype=np.float64), w)])
        trail.append(w.value.copy())
    return np.array(trail)


both_paths = pytest.mark.parametrize("use_kernels", [True, False], ids=["numba", "numpy"])


# --- each rule, by hand ----------------------------------------------------------------
@both_paths
def test_sgd_by_hand(use_kernels):
    # w = w - lr * g with lr = 0.1, g = [0.5, -1]: steps of [-0.05, +0.1]
    trail = run_steps(SGD(0.1, use_kernels=use_kernels), [(0.5, -1.0)] * 2)
    np.testing.assert_allclose(trail, [[0.95, -1.9], [0.9, -1.8]], rtol=0, atol=1e-15)


@both_paths
def test_sgd_momentum_by_hand(use_kernels):
    # v1 = -0.1 g = [-0.05, 0.1]               w1 = [0.95, -1.9]
    # v2 = 0.9 v1 - 0.1 g = [-0.095, 0.19]     w2 = [0.855, -1.71]
    # v3 = 0.9 v2 - 0.1 g = [-0.1355, 0.271]   w3 = [0.7195, -1.439]
    trail = run_steps(SGD(0.1, momentum=0.9, use_kernels=use_kernels), [(0.5, -1.0)] * 3)
    np.testing.assert_allclose(trail, [[0.95, -1.9], [0.855, -1.71], [0.7195, -1.439]],
                               rtol=0, atol=1e-14)


@both_paths
def test_sgd_nesterov_by_hand(use_kernels):
    # same velocities as above; w += 0.9 v - 0.1 g
    # w1 = 1 + 0.9 (-0.05) - 0.05 = 0.905            -2 + 0.09 + 0.1 = -1.81
    # w2 = 0.905 + 0.9 (-0.095) - 0.05 = 0.7695      -1.81 + 0.171 + 0.1 = -1.539
    # w3 = 0.7695 + 0.9 (-0.1355) - 0.05 = 0.59755   -1.539 + 0.2439 + 0.1 = -1.1951
    trail = run_steps(SGD(0.1, momentum=0.9, nesterov=True, use_kernels=use_kernels),
                      [(0.5, -1.0)] * 3)
    np.testing.assert_allclose(trail, [[0.905, -1.81], [0.7695, -1.539], [0.59755, -1.1951]],
                               rtol=0, atol=1e-14)


@both_paths
def test_rmsprop_by_hand(use_kernels):
    # lr 0.01, rho 0.9, epsilon 0. Step 1: ms = 0.1 g^2, so w -= 0.01 g / sqrt(0.1 g^2)
    # = 0.01 sign(g) / sqrt(0.1) = 0.0316227766 sign(g).
    # Step 2, g = [-1, 0.5]: ms = [0.9*0.025 + 0.1, 0.9*0.1 + 0.025] = [0.1225, 0.115]
    #   w = [0.96837722 + 0.01/0.35, -1.96837722 - 0.005/sqrt(0.115)]
    opt = RMSprop(0.01, rho=0.9, epsilon=0.0, use_kernels=use_kernels)
    trail = run_steps(opt, G3)
    np.testing.assert_allclose(trail, [[0.9683772233983162, -1.9683772233983161],
                                       [0.9969486519697448, -1.9831214190138058],
                                       [0.9896241677783817, -2.0113072120221185]],
                               rtol=0, atol=1e-13)
    assert opt.slot_names() == ("mean_square",)


@both_paths
def test_rmsprop_momentum_by_hand(use_kernels):
    # increment_1 = 0.0316227766 sign(g1) as above; v1 = increment_1, so w1 is the same.
    # Step 2: increment = [-0.01/0.35, 0.005/sqrt(0.115)] = [-0.0285714, 0.0147442]
    #   v2 = 0.5 v1 + increment = [-0.0127600, -0.0010672];  w2 = w1 - v2
    opt = RMSprop(0.01, rho=0.9, momentum=0.5, epsilon=0.0, use_kernels=use_kernels)
    trail = run_steps(opt, G3)
    np.testing.assert_allclose(trail, [[0.9683772233983162, -1.9683772233983161],
                                       [0.9811372636689029, -1.9673100307129638],
                                       [0.9801927996128331, -1.9949622273786005]],
                               rtol=0, atol=1e-13)


@both_paths
def test_adagrad_by_hand(use_kernels):
    # lr 0.1, acc0 = 0.1, epsilon 0. Step 1: acc = [0.35, 1.1]
    #   w = [1 - 0.05/sqrt(0.35), -2 + 0.1/sqrt(1.1)] = [0.91548457, -1.90465374]
    # Step 2, g = [-1, 0.5]: acc = [1.35, 1.35]; w += [0.1/sqrt(1.35), -0.05/sqrt(1.35)]
    opt = Adagrad(0.1, initial_accumulator_value=0.1, epsilon=0.0, use_kernels=use_kernels)
    trail = run_steps(opt, G3)
    np.testing.assert_allclose(trail, [[0.9154845745271484, -1.9046537410754407],
                                       [1.0015508711095353, -1.9476868893666341],
                                       [0.9805157130139518, -2.0341544296000573]],
                               rtol=0, atol=1e-13)
    np.testing.assert_allclose(opt.get_state()["adagrad/0/accumulator"],
                               [0.1 + 0.25 + 1 + 0.0625, 0.1 + 1 + 0.25 + 4])


@both_paths
def test_adadelta_by_hand(use_kernels):
    # lr 1, rho 0.95, epsilon 1e-6. Step 1: Eg2 = 0.05 g^2 = [0.0125, 0.05], Edx2 = 0
    #   delta = sqrt(1e-6) / sqrt(Eg2 + 1e-6) * g = [0.0044719571, -0.0044720913]
    #   Edx2 = 0.05 delta^2;  w = w - delta
    opt = Adadelta(1.0, rho=0.95, epsilon=1e-6, use_kernels=use_kernels)
    trail = run_steps(opt, G3)
    np.testing.assert_allclose(trail, [[0.9955280429197062, -1.9955279087656892],
                                       [1.0012132357159997, -1.9984146216222929],
                                       [0.999315832602032, -2.00448377863853]],
                               rtol=0, atol=1e-13)


@both_paths
def test_adam_by_hand(use_kernels):
    # lr 0.1, epsilon 0. Step 1: m = 0.1 g, v = 0.001 g^2,
    #   lr_t = 0.1 sqrt(0.001) / 0.1, so w -= lr_t * 0.1 g / (sqrt(0.001) |g|) = 0.1 sign(g).
    # Step 2, g = [-1, 0.5]: m = [-0.055, -0.04], v = [0.00124975, 0.001249]
    #   lr_t = 0.1 sqrt(1 - 0.999^2) / (1 - 0.9^2)
    opt = Adam(0.1, epsilon=0.0, use_kernels=use_kernels)
    trail = run_steps(opt, G3)
    np.testing.assert_allclose(trail, [[0.9, -1.9],
                                       [0.9366103527035843, -1.8733662960339599],
                                       [0.9502794190086667, -1.9190994750346917]],
                               rtol=0, atol=1e-13)
    state = opt.get_state()
    np.testing.assert_allclose(state["adam/0/m"], [0.9 * -0.055 + 0.025, 0.9 * -0.04 + 0.2])


@both_paths
def test_amsgrad_by_hand(use_kernels):
    # g for the first number: 2, then 0, 0, so v falls: 0.004, 0.003996, 0.003992;
    # AMSGrad keeps dividing by sqrt(0.004). The second number's v rises: no difference.
    grads = [(2.0, -1.0), (0.0, -1.0), (0.0, -1.0)]
    plain = run_steps(Adam(0.1, epsilon=0.0, use_kernels=use_kernels), grads)
    ams_opt = Adam(0.1, epsilon=0.0, amsgrad=True, use_kernels=use_kernels)
    ams = run_steps(ams_opt, grads)
    # step 2 by hand: m = 0.18, lr_t = 0.1 sqrt(0.001999) / 0.19
    lr_t = 0.1 * math.sqrt(1 - 0.999**2) / (1 - 0.9**2)
    assert ams[1, 0] == pytest.approx(0.9 - lr_t * 0.18 / math.sqrt(0.004), abs=1e-14)
    assert plain[1, 0] == pytest.approx(0.9 - lr_t * 0.18 / math.sqrt(0.003996), abs=1e-14)
    np.testing.assert_allclose(ams, [[0.9, -1.9], [0.8330276858789716, -1.8],
                                     [0.7812837843276919, -1.7]], rtol=0, atol=1e-13)
    np.testing.assert_allclose(ams_opt.get_state()["adam/0/v_hat"], [0.004, 0.002997001])


@both_paths
def test_adamax_by_hand(use_kernels):
    # lr 0.1, epsilon 0. Step 1: m = 0.1 g, u = |g|, w -= 0.1 / 0.1 * 0.1 g / |g| = 0.1 sign(g)
    # Step 2, g = [-1, 0.5]: m = [-0.055, -0.04], u = [max(0.4995, 1), max(0.999, 0.5)] = [1, 0.999]
    #   w = [0.9 + 0.1/0.19 * 0.055 / 1, -1.9 + 0.1/0.19 * 0.04 / 0.999]
    trail = run_steps(Adamax(0.1, epsilon=0.0, use_kernels=use_kernels), G3)
    np.testing.assert_allclose(trail, [[0.9, -1.9],
                                       [0.9289473684210526, -1.8789262947157683],
                                       [0.9379970084670026, -1.9091845972987942]],
                               rtol=0, atol=1e-13)


@both_paths
def test_nadam_by_hand(use_kernels):
    # lr 0.1, epsilon 0. u_1 = 0.9 (1 - 0.5 * 0.96) = 0.468, u_2 = 0.9 (1 - 0.5 * 0.9216) = 0.48528
    # Step 1: m = 0.1 g, v_hat = g^2,
    #   m_hat = 0.48528 * 0.1 g / (1 - 0.468 * 0.48528) + (1 - 0.468) g / (1 - 0.468)
    #         = 1.06278822 g,   w -= 0.1 * 1.06278822 sign(g)
    opt = Nadam(0.1, epsilon=0.0, use_kernels=use_kernels)
    trail = run_steps(opt, G3)
    np.testing.assert_allclose(trail, [[0.893721219669123, -1.8937212196691229],
                                       [0.9818877936042589, -1.9329807456978827],
                                       [0.9626750267141307, -2.0247748094622193]],
                               rtol=0, atol=1e-13)
    u = [0.9 * (1 - 0.5 * 0.96**t) for t in (1, 2, 3)]
    assert opt.u_product == pytest.approx(u[0] * u[1] * u[2], rel=1e-15)


def test_keras_defaults():
    def defaults(cls):
        return {k: p.default for k, p in inspect.signature(cls).parameters.items()
                if k not in ("name", "use_kernels", "clipnorm", "clipvalue", "weight_decay", "keras1")}
    assert defaults(SGD) == dict(learning_rate=0.01, momentum=0.0, nesterov=False, decay=0.0)
    assert defaults(RMSprop) == dict(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
                                     centered=False, decay=0.0)
    assert defaults(Adagrad) == dict(learning_rate=0.001, initial_accumulator_value=0.1,
                                     epsilon=1e-7, decay=0.0)
    assert defaults(Adadelta) == dict(learning_rate=0.001, rho=0.95, epsilon=1e-7, decay=0.0)
    assert defaults(Adam) == dict(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                                  amsgrad=False, decay=0.0)
    for cls in (Adamax, Nadam):
        assert defaults(cls) == dict(learning_rate=0.001, beta_1=0.9, beta_2=0.999,
                                     epsilon=1e-7, decay=0.0)
    assert Adam().get_config() == {"name": "Adam", "learning_rate": 0.001, "decay": 0.0,
                                   "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7,
                                   "amsgrad": False, "clipnorm": None, "clipvalue": None,
                                   "weight_decay": None}


# --- kernels against references ------------------------------------------------------------
CONFIGS = [
    (SGD, {}), (SGD, {"momentum": 0.9}), (SGD, {"momentum": 0.9, "nesterov": True}),
    (RMSprop, {}), (RMSprop, {"momentum": 0.5}), (Adagrad, {}), (Adadelta, {"learning_rate": 1.0}),
    (Adam, {}), (Adam, {"amsgrad": True}), (Adamax, {}), (Nadam, {}),
]
CONFIG_IDS = [cls.__name__ + "".join(f"-{k}" for k in kw) for cls, kw in CONFIGS]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("cls, kwargs", CONFIGS, ids=CONFIG_IDS)
def test_kernel_matches_reference(cls, kwargs, dtype, rng):
    shapes = [(7,), (3, 5), (1,), (1001,)]  # odd sizes: no loop may assume a multiple of 4 or 8
    init = [rng.normal(size=s).astype(dtype) for s in shapes]
    kernel_params = [gn.parameter(a.copy()) for a in init]
    reference_params = [gn.parameter(a.copy()) for a in init]
    fast, slow = cls(**kwargs, use_kernels=True), cls(**kwargs, use_kernels=False)
    for _ in range(3):
        grads = [rng.normal(size=s).astype(dtype) for s in shapes]
        fast.apply_gradients(zip(grads, kernel_params))
        slow.apply_gradients(zip(grads, reference_params))
    tol = {"float32": 2e-6, "float64": 1e-14}[dtype]
    for a, b in zip(kernel_params, reference_params):
        assert a.value.dtype == np.dtype(dtype)
        np.testing.assert_allclose(a.value, b.value, rtol=tol, atol=tol)
    fast_state, slow_state = fast.get_state(), slow.get_state()
    assert fast_state.keys() == slow_state.keys()
    for key in fast_state:
        np.testing.assert_allclose(fast_state[key], slow_state[key], rtol=tol, atol=tol)


def test_module_flag_and_dtypes_choose_the_numpy_path(monkeypatch):
    f32, f16 = np.dtype("float32"), np.dtype("float16")
    host = np.zeros(1)
    assert Adam()._kernel(f32, host).__name__ == "adam_update"
    assert Adam(use_kernels=False)._kernel(f32, host).__name__ == "adam_update_reference"
    assert Adam()._kernel(f16, host).__name__ == "adam_update_reference"  # no kernel compiled for it
    monkeypatch.setattr(opt_mod, "USE_KERNELS", False)
    assert Adam()._kernel(f32, host).__name__ == "adam_update_reference"
    assert Adam(use_kernels=True)._kernel(f32, host).__name__ == "adam_update"
    w = gn.parameter(np.ones(3, dtype=np.float16))
    w.grad = np.ones(3, dtype=np.float16)
    Adam(0.5).step([w])
    assert w.value.dtype == np.float16 and np.all(w.value < 1)


def test_import_does_not_load_numba():
    code = ("import sys, graphnet.train.optimizers, graphnet.train.schedules; "
            "assert 'numba' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


# --- learning rates: decay and schedules ------------------------------------------------------
@both_paths
def test_time_decay(use_kernels):
    # lr_t = 0.1 / (1 + 0.5 * iterations): 0.1, 0.0666..., 0.05
    opt = SGD(0.1, decay=0.5, use_kernels=use_kernels)
    trail = run_steps(opt, [(0.5, -1.0)] * 3)
    np.testing.assert_allclose(trail[:, 0], [1 - 0.05, 0.95 - 0.5 / 15, 0.95 - 0.5 / 15 - 0.025],
                               rtol=0, atol=1e-15)
    assert opt.iterations == 3
    assert opt.current_learning_rate() == pytest.approx(0.1 / 2.5)


def test_course_decay_formula():
    # alpha = alpha0 / (1 + decay_rate * epoch), alpha0 = 0.2, decay_rate = 1:
    # epochs 0, 1, 2, 3 -> 0.2, 0.1, 0.0667, 0.05, with 4 steps an epoch
    course = schedules.InverseTimeDecay(0.2, decay_steps=4, decay_rate=1.0, staircase=True)
    assert [course(step) for step in (0, 3, 4, 7, 8, 12)] == \
        pytest.approx([0.2, 0.2, 0.1, 0.1, 0.2 / 3, 0.05])
    smooth = schedules.InverseTimeDecay(0.2, decay_steps=4, decay_rate=1.0)
    assert smooth(2) == pytest.approx(0.2 / 1.5)  # half an epoch in: 0.2 / (1 + 0.5)


def test_schedules_by_hand():
    exp = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    assert [exp(0), exp(5), exp(10), exp(20)] == pytest.approx([0.1, 0.1 / math.sqrt(2), 0.05, 0.025])
    stairs = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True)
    assert [stairs(5), stairs(19), stairs(20)] == pytest.approx([0.1, 0.05, 0.025])
    step = schedules.StepDecay(0.1, drop_rate=0.5, steps_per_drop=10)
    assert [step(s) for s in (0, 9, 10, 25)] == pytest.approx([0.1, 0.1, 0.05, 0.025])
    assert all(step(s) == pytest.approx(stairs(s)) for s in range(50))
    piece = schedules.PiecewiseConstantDecay([10, 20], [0.1, 0.01, 0.001])
    assert [piece(s) for s in (0, 10, 11, 20, 21, 1000)] == [0.1, 0.1, 0.01, 0.01, 0.001, 0.001]
    with pytest.raises(ValueError, match="one more value"):
        schedules.PiecewiseConstantDecay([10, 20], [0.1, 0.01])
    with pytest.raises(ValueError, match="increase"):
        schedules.PiecewiseConstantDecay([20, 10], [0.1, 0.01, 0.001])
    with pytest.raises(ValueError, match="decay_steps"):
        schedules.ExponentialDecay(0.1, decay_steps=0, decay_rate=0.5)


def test_schedule_drives_the_optimizer():
    # iterations 0 and 1 use 0.1, iteration 2 uses 0.01; decay applies on top of it.
    opt = SGD(schedules.PiecewiseConstantDecay([1], [0.1, 0.01]))
    trail = run_steps(opt, [(1.0, 1.0)] * 3)
    np.testing.assert_allclose(trail[:, 0], [0.9, 0.8, 0.79], rtol=0, atol=1e-15)
    decayed = SGD(schedules.PiecewiseConstantDecay([1], [0.1, 0.01]), decay=1.0)
    decayed.iterations = 2
    assert decayed.current_learning_rate() == pytest.approx(0.01 / 3)
    plain_function = SGD(lambda step: 0.5 ** step)
    run_steps(plain_function, [(1.0, 1.0)] * 2)
    assert plain_function.current_learning_rate() == 0.25
    with pytest.raises(TypeError, match="plain function"):
        plain_function.get_config()
    assert repr(plain_function).startswith("SGD(learning_rate=<function")


def test_schedule_serialization():
    for s in (schedules.InverseTimeDecay(0.2, 4, 1.0, staircase=True),
              schedules.ExponentialDecay(0.1, 10, 0.5),
              schedules.StepDecay(0.1, 0.5, 10),
              schedules.PiecewiseConstantDecay([10, 20], [0.1, 0.01, 0.001])):
        again = schedules.deserialize(json.loads(json.dumps(schedules.serialize(s))))
        assert type(again) is type(s) and again.get_config() == s.get_config()
        assert [again(k) for k in range(0, 40, 3)] == [s(k) for k in range(0, 40, 3)]
        assert schedules.get(s) is s
    with pytest.raises(ValueError, match="unknown learning-rate schedule"):
        schedules.deserialize({"class_name": "CosineDecay", "config": {}})
    with pytest.raises(TypeError):
        schedules.get(0.1)


# --- saving, names, configs ----------------------------------------------------------------------
@pytest.mark.parametrize("cls, kwargs", CONFIGS, ids=CONFIG_IDS)
def test_state_round_trip_continues_identically(cls, kwargs, rng, tmp_path):
    shapes = [(4, 3), (3,), ()]
    params = [gn.parameter(rng.normal(size=s)) for s in shapes]
    grads = [[rng.normal(size=s).astype(np.float32) for s in shapes] for _ in range(6)]
    original = cls(**{**kwargs, "learning_rate": 0.05})
    for g in grads[:3]:
        original.apply_gradients(zip(g, params))

    # Save config and state as a model file would: JSON text and arrays, no pickle.
    path = tmp_path / "optimizer.npz"
    np.savez(path, **original.get_state())
    config = json.dumps(opt_mod.serialize(original))
    with np.load(path, allow_pickle=False) as stored:
        restored = opt_mod.deserialize(json.loads(config))
        restored.set_state({k: stored[k] for k in stored.files})
    copies = [gn.parameter(np.copy(p.value)) for p in params]

    for g in grads[3:]:
        original.apply_gradients(zip(g, params))
        restored.apply_gradients(zip(g, copies))
    assert restored.iterations == original.iterations == 6
    for p, q in zip(params, copies):
        np.testing.assert_array_equal(p.value, q.value)


def test_state_keys_and_checks():
    opt = Adam()
    w, b = gn.parameter(np.ones((2, 2))), gn.parameter(np.zeros(2))
    w.grad, b.grad = np.ones((2, 2)), np.ones(2)
    opt.step([w, b])
    state = opt.get_state()
    assert sorted(state) == ["adam/0/m", "adam/0/v", "adam/1/m", "adam/1/v", "iterations"]
    assert state["iterations"] == 1 and state["adam/1/m"].shape == (2,)
    assert Nadam().get_state() == {"iterations": 0, "nadam/u_product": 1.0}

    fresh = Adam()
    for bad, message in [({k: v for k, v in state.items() if k != "iterations"}, "iterations"),
                         ({**state, "sgd/0/velocity": np.ones(2)}, "unexpected"),
                         ({**state, "adam/0/v_hat": np.ones((2, 2))}, "unexpected"),
                         ({k: v for k, v in state.items() if k != "adam/1/v"}, "parameter 1"),
                         ({**state, "iterations": np.array(1.5)}, "count")]:
        with pytest.raises(ValueError, match=message):
            fresh.set_state(bad)
        assert fresh.iterations == 0 and fresh.get_state() == {"iterations": 0}  # untouched
    with pytest.raises(ValueError, match="u_product"):
        Nadam().set_state({"iterations": np.array(3)})

    # State restored for other parameters is caught at the first step.
    fresh.set_state(state)
    with pytest.raises(ValueError, match=r"shape \(3,\).*made for shape \(2, 2\)"):
        fresh.apply_gradients([(np.ones(3), gn.parameter(np.ones(3)))])


def test_get_names_classes_instances_and_errors():
    for name, cls in [("sgd", SGD), ("rmsprop", RMSprop), ("adam", Adam), ("adagrad", Adagrad),
                      ("adadelta", Adadelta), ("adamax", Adamax), ("nadam", Nadam),
                      ("SGD", SGD), ("Adam", Adam), ("RMSprop", RMSprop)]:
        got = opt_mod.get(name)
        assert type(got) is cls and isinstance(got, Optimizer) and got.iterations == 0
    assert type(opt_mod.get(Nadam)) is Nadam
    mine = SGD(0.3)
    assert opt_mod.get(mine) is mine
    assert opt_mod.get({"class_name": "SGD", "config": {"learning_rate": 0.3}}).learning_rate == 0.3
    with pytest.raises(ValueError, match="Did you mean .*'adam'"):
        opt_mod.get("adma")
    with pytest.raises(ValueError, match="unknown optimizer 'lbfgs'"):
        opt_mod.get("lbfgs")
    with pytest.raises(TypeError, match="cannot make an optimizer"):
        opt_mod.get(42)


def test_config_round_trip_with_schedule():
    lr = schedules.ExponentialDecay(0.01, decay_steps=100, decay_rate=0.9)
    opt = RMSprop(lr, rho=0.8, momentum=0.5, decay=1e-3, name="rms")
    text = json.dumps(opt_mod.serialize(opt))
    again = opt_mod.deserialize(json.loads(text))
    assert type(again) is RMSprop and again.get_config() == opt.get_config()
    assert again.learning_rate(250) == lr(250) and again.name == "rms"


def test_argument_checks():
    for make, message in [(lambda: SGD(-0.1), "learning_rate"), (lambda: SGD(momentum=1.5), "momentum"),
                          (lambda: Adam(beta_1=1.0), "beta_1"), (lambda: RMSprop(rho=-0.1), "rho"),
                          (lambda: Adagrad(epsilon=-1), "epsilon"), (lambda: Adam(decay=-1), "decay")]:
        with pytest.raises(ValueError, match=message):
            make()


# --- which parameters are touched, and how --------------------------------------------------------
@both_paths
def test_frozen_and_gradientless_parameters_are_untouched(use_kernels):
    frozen = gn.parameter(np.ones(3), trainable=False)
    frozen.grad = np.ones(3)  # even with a gradient: requires_grad is False
    no_grad = gn.parameter(np.ones(3))
    trained = gn.parameter(np.ones(3))
    trained.grad = np.ones(3)
    opt = Adam(0.1, use_kernels=use_kernels)
    opt.step([frozen, no_grad, trained])
    np.testing.assert_array_equal(frozen.value, 1.0)
    np.testing.assert_array_equal(no_grad.value, 1.0)
    np.testing.assert_allclose(trained.value, 0.9, atol=1e-6)
    assert opt.iterations == 1 and sorted(opt.get_state()) == ["adam/2/m", "adam/2/v", "iterations"]


def test_updates_are_in_place():
    w = gn.parameter(np.ones((4, 3)))
    before = w.value
    w.grad = np.ones((4, 3))
    SGD(0.5).step([w])
    assert w.value is before and np.all(before == 0.5)  # a replayed graph sees the new weights

    big = np.ones((4, 6))
    strided = big[:, ::2]  # not contiguous: updated through a copy, written back
    SGD(0.5).apply_gradients([(np.ones((4, 3)), strided)])
    np.testing.assert_array_equal(big[:, ::2], 0.5)
    np.testing.assert_array_equal(big[:, 1::2], 1.0)

    scalar = gn.parameter(2.0)  # graphnet keeps 0-d values as NumPy scalars
    scalar.grad = np.float32(1.0)
    SGD(0.5).step([scalar])
    assert scalar.value == 1.5 and isinstance(scalar.value, np.float32)


def test_mismatched_gradient_changes_nothing():
    w, b = gn.parameter(np.ones(3)), gn.parameter(np.ones(2))
    opt = SGD(0.1, momentum=0.9)
    with pytest.raises(ValueError, match=r"parameter 1 .*shape \(2,\).*gradient has shape \(3,\)"):
        opt.apply_gradients([(np.ones(3), w), (np.ones(3), b)])
    np.testing.assert_array_equal(w.value, 1.0)
    assert opt.iterations == 0
    with pytest.raises(TypeError, match=r"\(gradient, parameter\)"):
        opt.apply_gradients([(w, np.ones(3))])  # the pairs the wrong way round
    with pytest.raises(TypeError, match="float parameters"):
        opt.apply_gradients([(np.ones(3), np.arange(3))])


def test_float32_parameters_stay_float32_with_float64_gradients():
    w = gn.parameter(np.ones(5, dtype=np.float32))
    Adam(0.1).apply_gradients([(np.ones(5, dtype=np.float64), w)])
    assert w.value.dtype == np.float32
    np.testing.assert_allclose(w.value, 0.9, rtol=1e-6)


# --- they all minimise a bowl ---------------------------------------------------------------
BOWL_SETTINGS = {"SGD": {"learning_rate": 0.05}, "SGD-momentum": {"learning_rate": 0.01},
                 "SGD-momentum-nesterov": {"learning_rate": 0.01},
                 "RMSprop": {"learning_rate": 0.01}, "RMSprop-momentum": {"learning_rate": 0.005},
                 "Adagrad": {"learning_rate": 0.5},
                 # Adadelta's first steps are about sqrt(epsilon): 1e-7 needs thousands of steps
                 "Adadelta-learning_rate": {"learning_rate": 1.0, "epsilon": 1e-4},
                 "Adam": {"learning_rate": 0.05}, "Adam-amsgrad": {"learning_rate": 0.05},
                 "Adamax": {"learning_rate": 0.05}, "Nadam": {"learning_rate": 0.05}}


@pytest.mark.parametrize("cls, kwargs", CONFIGS, ids=CONFIG_IDS)
def test_converges_on_a_quadratic_bowl(cls, kwargs, request):
    # loss = 0.5 * sum(curvature * (w - target)^2), gradient = curvature * (w - target)
    curvature = np.array([1.0, 3.0, 10.0], dtype=np.float32)
    target = np.array([0.5, -1.0, 2.0], dtype=np.float32)
    w = gn.parameter(np.zeros(3, dtype=np.float32))

    def loss():
        return 0.5 * float(np.sum(curvature * (w.value - target) ** 2))

    start = loss()
    opt = cls(**{**kwargs, **BOWL_SETTINGS[request.node.callspec.id]})
    for _ in range(300):
        opt.apply_gradients([(curvature * (w.value - target), w)])
    assert loss() < 1e-3 * start, f"{opt}: loss {start:.3g} -> {loss():.3g}"


def test_gradient_clipping_by_norm_and_by_value():
    from graphnet.train.optimizers import SGD
    w = np.array([0.0, 0.0])
    SGD(1.0, clipnorm=1.0).apply_gradients([(np.array([3.0, 4.0]), w)])
    np.testing.assert_allclose(w, [-0.6, -0.8])  # the gradient (3, 4) scaled to norm 1
    w = np.array([0.0, 0.0])
    SGD(1.0, clipvalue=0.5).apply_gradients([(np.array([3.0, -0.2]), w)])
    np.testing.assert_allclose(w, [-0.5, 0.2])
    assert SGD.from_config(SGD(0.1, clipnorm=2.0).get_config()).clipnorm == 2.0
