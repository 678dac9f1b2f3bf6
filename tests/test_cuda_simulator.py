"""The CUDA path, run by Numba's CUDA simulator at one to four blocks and
compared with the CPU path: each kernel (tests/cuda_checks.py), GPU arrays and
whole training steps (tests/cuda_training_checks.py), and GPU arrays against
NumPy on random small cases (tests/cuda_array_checks.py). Each script runs in a
process of its own: the simulator must be switched on before numba loads."""
import json
import os
import pathlib
import subprocess
import sys

import pytest

import graphnet as gn
from graphnet.device import DeviceError, devices, require

HERE = pathlib.Path(__file__).resolve().parent


def _simulate(script):
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1", PYTHONPATH=str(HERE.parent),
               GRAPHNET_NUMBA_CACHE="1")
    done = subprocess.run([sys.executable, str(HERE / script)], env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def results():
    return _simulate("cuda_checks.py")


@pytest.fixture(scope="module")
def training_results():
    return _simulate("cuda_training_checks.py")


@pytest.mark.parametrize("check", ["check_elementwise", "check_matmul", "check_optimizers",
                                   "check_optimizers_rmsprop_adagrad_adadelta",
                                   "check_optimizers_adamax_nadam", "check_conv", "check_pool",
                                   "check_avg_pool", "check_rnn_and_gru", "check_lstm_and_embedding",
                                   "check_dispatch_by_device", "check_every_cpu_kernel_has_a_cuda_twin"])
def test_cuda_kernel_matches_cpu(results, check):
    assert check in results, f"{check} did not run"
    assert results[check] is None, results[check]


@pytest.fixture(scope="module")
def array_results():
    return _simulate("cuda_array_checks.py")


@pytest.mark.parametrize("check", [
    "check_binary_ops_broadcast_like_numpy", "check_scalar_operands_follow_numpy_type_rules",
    "check_unary_ufuncs", "check_comparisons", "check_reductions", "check_views", "check_setitem",
    "check_where_concatenate_stack", "check_matmul", "check_astype", "check_inplace_ops",
    "check_matmul_ignores_what_its_output_held",
])
def test_cuda_arrays_match_numpy(array_results, check):
    assert check in array_results, f"{check} did not run"
    assert array_results[check] is None, array_results[check]


@pytest.mark.parametrize("check", ["check_gpu_arrays_follow_numpy", "check_eager_tensors_on_the_gpu",
                                   "check_cnn_training_step_matches_cpu",
                                   "check_lstm_training_step_matches_cpu",
                                   "check_gru_and_simple_rnn_training_step_matches_cpu",
                                   "check_a_training_step_copies_only_the_loss"])
def test_cuda_training_matches_cpu(training_results, check):
    assert check in training_results, f"{check} did not run"
    assert training_results[check] is None, training_results[check]


def test_asking_for_cuda_without_a_gpu_says_what_to_install():
    assert "cpu" in devices()
    if "cuda" in devices():
        pytest.skip("a GPU is present")
    with pytest.raises(DeviceError, match=r"graphnet\[cuda\].*numba-cuda\[cu12\]"):
        require("cuda")
    with pytest.raises(DeviceError, match="unknown device"):
        require("tpu")
    assert isinstance(DeviceError("x"), gn.GraphnetError)


def test_moving_to_cuda_without_a_gpu_fails_before_anything_moves():
    if "cuda" in devices():
        pytest.skip("a GPU is present")
    model = gn.Sequential([gn.nn.Dense(2, input_shape=(3,))])
    before = [w.copy() for w in model.get_weights()]
    with pytest.raises(DeviceError, match="numba-cuda"):
        model.to("cuda")
    with pytest.raises(DeviceError, match="numba-cuda"):
        gn.to_device(before[0], "cuda")
    assert model.device == "cpu"
    assert all((a == b).all() for a, b in zip(before, model.get_weights()))
    assert gn.to_device(before[0], "cpu") is not None and gn.device.transfers()["to_device"] == 0
