"""Every tutorial runs as a plain script (in fast mode), and the guided tour runs."""
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
TUTORIALS = sorted((ROOT / "tutorials").glob("[0-9][0-9]_*.py"))


def run(args, cwd):
    env = dict(os.environ, GRAPHNET_FAST="1", MPLBACKEND="Agg", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


# The tutorials whose step-through pages are checked in the browser, frame by frame.
STEPPING = ("01_computational_graphs", "04_training", "07_convolutional_networks", "08_recurrent_networks")
_runs = {}  # tutorial -> (its output, the directory it ran in): each runs once per session


def tutorial_run(path, tmp_path_factory):
    if path.stem not in _runs:
        where = tmp_path_factory.mktemp(path.stem)
        _runs[path.stem] = (run([str(path)], where), where)
    return _runs[path.stem]


@pytest.mark.parametrize("path", TUTORIALS, ids=lambda p: p.stem)
def test_tutorial_runs(path, tmp_path_factory):
    done, _ = tutorial_run(path, tmp_path_factory)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


@pytest.mark.parametrize("path", [p for p in TUTORIALS if p.stem in STEPPING], ids=lambda p: p.stem)
def test_tutorial_steppers_are_readable_on_every_frame(path, tmp_path_factory, browser):
    from browser import check_every_frame

    done, where = tutorial_run(path, tmp_path_factory)
    assert done.returncode == 0, done.stderr[-3000:]
    pages = [where / line.split("] ", 1)[1] for line in done.stdout.splitlines()
             if line.startswith("[stepper] tutorial-output/")]
    assert pages, "this tutorial should show a stepper"
    for page in pages:
        assert check_every_frame(browser, page) > 5, page


@pytest.mark.parametrize("path", TUTORIALS, ids=lambda p: p.stem)
def test_tutorial_opens_as_notebook(path):
    jupytext = pytest.importorskip("jupytext")
    notebook = jupytext.read(path)
    kinds = {cell.cell_type for cell in notebook.cells}
    assert kinds == {"markdown", "code"}
    assert len(notebook.cells) >= 10


def test_tour_prints_the_worked_example(tmp_path):
    done = run(["-m", "graphnet.tour", "--fast", "--out", str(tmp_path / "tour")], tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    for expected in ("g = (x + y) * z", "-12", "364", "Epoch 3/3", "held-out test set"):
        assert expected in out
    written = {p.name for p in (tmp_path / "tour").rglob("*")}
    assert {"walkthrough.html", "history.png", "confusion_matrix.png", "digits.gnet"} <= written
