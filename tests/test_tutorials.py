"""The tutorials run, top to bottom, and each notebook says what its jupytext pair says.

Every ``tutorials/NN_name.ipynb`` is executed in a fresh kernel (ipykernel's ``python3``,
which jupyter_client starts with this interpreter), on the CPU, in under a minute. A
tutorial compares torch and autodiff as it goes (``autodiff.viz.side_by_side`` raises
when they disagree), so a run that finishes is also a parity check.

The ``.py`` (jupytext's ``py:percent``) is where a tutorial is written; the ``.ipynb`` is
what Jupyter opens, committed without outputs. After editing the ``.py``, bring the
notebook up to date with ``.venv/bin/jupytext --sync tutorials/NN_name.py``.
"""

import time
from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

TUTORIALS = Path(__file__).resolve().parent.parent / "tutorials"
NOTEBOOKS = sorted(TUTORIALS.glob("[0-9][0-9]_*.ipynb"))
MINUTE = 60


def test_there_are_tutorials():
    assert len(NOTEBOOKS) >= 10


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_tutorial_runs_top_to_bottom(notebook, monkeypatch):
    monkeypatch.setenv("JAX_PLATFORMS", "cpu")
    monkeypatch.setenv("MPLBACKEND", "agg")
    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(nb, kernel_name="python3", timeout=MINUTE,
                            resources={"metadata": {"path": str(TUTORIALS)}})
    start = time.monotonic()
    client.execute()
    assert time.monotonic() - start < MINUTE


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_and_its_py_file_say_the_same(notebook):
    script = notebook.with_suffix(".py")
    assert script.exists(), f"{notebook.name} has no jupytext pair {script.name}"
    cells = [[(cell.cell_type, cell.source) for cell in jupytext.read(path).cells]
             for path in (script, notebook)]
    assert cells[1] == cells[0], (f"{notebook.name} and {script.name} differ: run "
                                  f".venv/bin/jupytext --sync tutorials/{script.name}")


def test_every_py_file_has_its_notebook():
    scripts = {path.stem for path in TUTORIALS.glob("[0-9][0-9]_*.py")}
    assert scripts == {path.stem for path in NOTEBOOKS}


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_is_committed_without_outputs(notebook):
    code = [cell for cell in nbformat.read(notebook, as_version=4).cells
            if cell.cell_type == "code"]
    assert not any(cell.outputs or cell.execution_count for cell in code)
