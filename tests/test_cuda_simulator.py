"""The CUDA kernels, run by Numba's CUDA simulator at one to four blocks and
compared with the CPU kernels (tests/cuda_checks.py does the comparing, in a
process of its own: the simulator must be switched on before numba loads)."""
import json
import os
import pathlib
import subprocess
import sys

import pytest

import graphnet as gn
from graphnet.device import DeviceError, devices, require

HERE = pathlib.Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def results():
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1", PYTHONPATH=str(HERE.parent),
               GRAPHNET_NUMBA_CACHE="1")
    done = subprocess.run([sys.executable, str(HERE / "cuda_checks.py")], env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("check", ["check_elementwise", "check_matmul", "check_optimizers",
                                   "check_optimizers_rmsprop_adagrad_adadelta",
                                   "check_optimizers_adamax_nadam", "check_conv", "check_pool",
                                   "check_avg_pool", "check_rnn_and_gru", "check_lstm_and_embedding",
                                   "check_dispatch_by_device", "check_every_cpu_kernel_has_a_cuda_twin"])
def test_cuda_kernel_matches_cpu(results, check):
    assert check in results, f"{check} did not run"
    assert results[check] is None, results[check]


def test_asking_for_cuda_without_a_gpu_says_what_to_install():
    assert "cpu" in devices()
    if "cuda" in devices():
        pytest.skip("a GPU is present")
    with pytest.raises(DeviceError, match=r"graphnet\[cuda\].*numba-cuda\[cu12\]"):
        require("cuda")
    with pytest.raises(DeviceError, match="unknown device"):
        require("tpu")
    assert isinstance(DeviceError("x"), gn.GraphnetError)
