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


@pytest.mark.parametrize("path", TUTORIALS, ids=lambda p: p.stem)
def test_tutorial_runs(path, tmp_path):
    done = run([str(path)], tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


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
