"""The tutorials run, top to bottom, show what is committed, and say what their jupytext pair says.

Every ``tutorials/NN_name.ipynb`` is executed in a fresh kernel (ipykernel's ``python3``,
which jupyter_client starts with this interpreter), on the CPU, in under a minute. A
tutorial compares torch and autodiff as it goes (``parity_tests.side_by_side`` raises
when they disagree) and ends with exercises whose answers ``parity_tests.check`` compares
with real torch, so a run that finishes is also a parity check.

The ``.py`` (jupytext's ``py:percent``) is where a tutorial is written; the ``.ipynb`` is
what Jupyter and GitHub open, committed *with* its outputs. After editing the ``.py``,
run ``python tutorials/refresh.py NN``: it executes the notebook and stores its outputs,
the same on every run (see that script). The fresh run of each test is compared with
the committed outputs in structure (``refresh.outline``): the same cells, the same kinds
of output, the same text once addresses and timings are normalised, and a picture
wherever one is committed (its drawing is not compared: with Graphviz's ``dot``
installed, ``autodiff.viz.draw`` lays graphs out differently from its own layout, which
the committed pictures use). Each notebook is executed once per test run. The pair check
compares the cells' sources only (outputs live in the ``.ipynb`` alone).
"""

import contextlib
import io
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

TUTORIALS = Path(__file__).resolve().parent.parent / "tutorials"
sys.path.insert(0, str(TUTORIALS))

import refresh  # noqa: E402

NOTEBOOKS = sorted(TUTORIALS.glob("[0-9][0-9]_*.ipynb"))


def test_there_are_tutorials():
    assert len(NOTEBOOKS) >= 10


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_tutorial_runs_and_shows_what_is_committed(notebook):
    committed = nbformat.read(notebook, as_version=4)
    fresh, seconds = refresh.execute(nbformat.read(notebook, as_version=4))
    assert seconds < refresh.MINUTE
    expected, got = refresh.outline(committed), refresh.outline(fresh)
    assert len(got) == len(expected)
    for number, (want, have) in enumerate(zip(expected, got), start=1):
        assert have == want, (f"cell {number} of {notebook.name} shows something else than "
                              f"is committed: run python tutorials/refresh.py {notebook.name[:2]}")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_is_committed_executed(notebook):
    code = [cell for cell in nbformat.read(notebook, as_version=4).cells
            if cell.cell_type == "code"]
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1))
    assert any(cell.outputs for cell in code)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_tutorial_ends_with_exercises_checked_against_torch(notebook):
    cells = nbformat.read(notebook, as_version=4).cells
    headings = [k for k, cell in enumerate(cells)
                if cell.cell_type == "markdown" and cell.source.startswith("## Exercises")]
    assert headings, f"{notebook.name} has no '## Exercises' section"
    after = cells[headings[-1]:]
    assert any("check(" in cell.source for cell in after if cell.cell_type == "code")
    said = "".join(output.get("text", "") for cell in after for output in cell.get("outputs", []))
    assert said.count("right:") >= 1 and "not yet" not in said


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_and_its_py_file_say_the_same(notebook):
    script = notebook.with_suffix(".py")
    assert script.exists(), f"{notebook.name} has no jupytext pair {script.name}"
    cells = [[(cell.cell_type, cell.source) for cell in jupytext.read(path).cells]
             for path in (script, notebook)]
    assert cells[1] == cells[0], (f"{notebook.name} and {script.name} differ: run "
                                  f"python tutorials/refresh.py {notebook.name[:2]}")


def test_every_py_file_has_its_notebook():
    scripts = {path.stem for path in TUTORIALS.glob("[0-9][0-9]_*.py")}
    assert scripts == {path.stem for path in NOTEBOOKS}


def checked(answer, reference):
    from parity_tests import check
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        check("an exercise", answer, reference)
    return out.getvalue()


@pytest.mark.parametrize("answer, reference, says", [
    ((8.0, 3), lambda torch: (8.0, 3.0), "right: an exercise"),
    ((8.0, 2.0), lambda torch: (8.0, 3.0), "not yet: an exercise: item 1: torch gives 3.0, "
                                           "your answer gives 2.0"),
    (["MulBackward0"], lambda torch: ["AddBackward0"], "not yet: an exercise: item 0:"),
    (None, lambda torch: torch.ones(2), "not yet: an exercise: torch gives a tensor, your "
                                        "answer gives None"),
])
def test_check_says_right_or_not_yet(answer, reference, says):
    assert checked(answer, reference).startswith(says)


def test_check_compares_a_tensor_answer_with_torchs():
    import autodiff
    x = autodiff.tensor([1.0, 2.0])

    def gradient(torch):
        x = torch.tensor([1.0, 2.0], requires_grad=True)
        (x ** 3).sum().backward()
        return x.grad

    assert checked(3 * x ** 2, gradient).startswith("right")
    assert checked(2 * x, gradient).startswith("not yet: an exercise: values differ")


def test_outline_sees_a_changed_output_and_not_an_address_or_a_timing():
    def notebook(*texts):
        cells = [nbformat.v4.new_code_cell("", outputs=[nbformat.v4.new_output(
            "stream", name="stdout", text=text)]) for text in texts]
        return nbformat.v4.new_notebook(cells=cells)

    committed = notebook("<Node object at 0x7f3a5c1d2e90>", "step: 1.25 ms", "loss 0.12345678")
    same = notebook("<Node object at 0x7fd0e2b3c4a0>", "step: 13 ms", "loss 0.12346")
    assert refresh.outline(same) == refresh.outline(committed)
    for changed in (notebook("<Node object at 0x7f3a5c1d2e90>", "step: 1.25 ms", "loss 0.13"),
                    notebook("<Node object at 0x7f3a5c1d2e90>", "step: 1.25 ms"),
                    notebook("<Leaf object at 0x7f3a5c1d2e90>", "step: 1.25 ms", "loss 0.1235")):
        assert refresh.outline(changed) != refresh.outline(committed)
