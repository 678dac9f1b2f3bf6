#!/usr/bin/env bash
# One command for a newcomer on a fresh Debian/Ubuntu machine:
#   bash run.sh tour    set everything up, then run the guided tour
#   bash run.sh test    set everything up, then run the test suite (under CI=true, the CUDA
#                       simulator tests once more with the numba-cuda package, and PyTorch
#                       and Keras 3 are installed as the reference of the tests that compare)
# Set-up is idempotent: a virtual environment in .venv with graphnet installed
# in editable mode, and Graphviz's `dot` from Debian's packages when missing.
set -euo pipefail
cd "$(dirname "$0")"
what="${1:-tour}"; shift || true

say() { printf '\033[1m[graphnet]\033[0m %s\n' "$*"; }

apt_install() {  # apt_install PACKAGE... : as root, or through sudo without a password
    local sudo=""
    if [ "$(id -u)" != 0 ]; then
        if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo -n"; else return 1; fi
    fi
    command -v apt-get >/dev/null || return 1
    $sudo apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if ! command -v dot >/dev/null; then
    say "Graphviz's 'dot' is missing; installing Debian's graphviz package..."
    apt_install graphviz || say "WARNING: could not install Graphviz (needs root or sudo). Everything works except rendering images (SVG/PNG/PDF); drawings still produce DOT source. Install it with: sudo apt-get install graphviz"
fi
if [ "$what" = test ] && [ "${CI:-}" = true ] && ! command -v chromium >/dev/null; then
    say "installing Debian's chromium and chromium-driver for the browser test of the HTML stepper..."
    apt_install chromium chromium-driver || say "WARNING: could not install chromium"
fi

if ! command -v python3 >/dev/null; then
    say "Python 3 is missing; installing Debian's python3..."
    apt_install python3 python3-venv || { say "ERROR: install Python 3.10 or newer first (sudo apt-get install python3 python3-venv)"; exit 1; }
fi
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
    say "ERROR: graphnet needs Python 3.10 or newer; this is $(python3 --version)"; exit 1
fi
if [ ! -x .venv/bin/python ]; then
    say "creating the virtual environment .venv ..."
    if ! python3 -m venv .venv 2>/dev/null; then
        rm -rf .venv  # Debian ships venv apart from Python: python3-venv
        apt_install python3-venv && python3 -m venv .venv \
            || { say "ERROR: could not create a virtual environment; install it with: sudo apt-get install python3-venv"; exit 1; }
    fi
fi
if ! .venv/bin/python -c "import graphnet, pytest, hypothesis, jupytext" 2>/dev/null \
   || [ pyproject.toml -nt .venv/.installed ]; then
    say "installing graphnet and its development tools into .venv ..."
    .venv/bin/python -m pip install -q --upgrade pip >/dev/null
    .venv/bin/python -m pip install -q -e ".[dev,datasets]"
    touch .venv/.installed
fi
if [ "$what" = test ] && [ "${CI:-}" = true ] && ! .venv/bin/python -c "import torch, keras" 2>/dev/null; then
    # CI only (a newcomer's run skips those tests): PyTorch and Keras 3 (on its torch
    # backend) are the references of tests/test_differential.py and the Keras comparisons.
    say "installing PyTorch (CPU) and Keras 3, the references of the comparison tests ..."
    .venv/bin/python -m pip install -q -e ".[reference]"
fi

case "$what" in
    tour) exec .venv/bin/graphnet-tour "$@" ;;
    test)
        .venv/bin/python -m pytest "$@"
        if [ "${CI:-}" = true ] && [ $# -eq 0 ]; then
            # The CUDA path must work with the maintained numba-cuda package too; it
            # replaces numba's built-in numba.cuda, so it gets a virtual environment of its own.
            say "the CUDA simulator tests again, under the numba-cuda package (.venv-numba-cuda) ..."
            [ -x .venv-numba-cuda/bin/python ] || python3 -m venv .venv-numba-cuda
            .venv-numba-cuda/bin/python -m pip install -q -e ".[dev]" numba-cuda
            .venv-numba-cuda/bin/python -m pytest -q tests/test_cuda_simulator.py
        fi ;;
    *) echo "usage: bash run.sh [tour|test] [extra arguments]" >&2; exit 2 ;;
esac
