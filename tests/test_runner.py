"""The parity runner as its users meet it: ``python -m parity_tests`` on their own cases,
script mode (``python -m parity_tests run script.py``) and the ``%%parity`` cell magic.

The candidate is mostly ``wrongtorch``, a copy of torch written in a temporary folder
with a wrong ``exp`` and no ``cdist``: its disagreements stay the same whatever
autodiff learns. Script mode runs real autodiff.
"""

import os
import subprocess
import sys
import types
from pathlib import Path

import pytest
import torch

from parity_tests import pool, script
from parity_tests.__main__ import main
from parity_tests.harness import Case, compare

REPO = Path(__file__).resolve().parent.parent

WRONG_TORCH = '''
import torch

def exp(x):
    return torch.exp(x) * 1.001

def __getattr__(name):
    if name == "cdist":
        raise AttributeError("module 'wrongtorch' has no attribute 'cdist'")
    return getattr(torch, name)
'''

CASES = '''
def squares(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    (x ** 2).sum().backward()
    yield "x.grad", x.grad

def exps(T):
    yield "exp(x)", T.exp(T.tensor([0.5, 1.0]))

def distances(T):
    yield "cdist", T.cdist(T.ones(1, 2), T.zeros(1, 2))
'''


@pytest.fixture
def cases(tmp_path, monkeypatch):
    """A file of three cases, and ``wrongtorch`` importable (here and in subprocesses)."""
    (tmp_path / "wrongtorch.py").write_text(WRONG_TORCH)
    path = tmp_path / "cases.py"
    path.write_text(CASES)
    monkeypatch.syspath_prepend(str(tmp_path))
    return path


def cli(*argv, cwd=None):
    """``python -m parity_tests ARGV``, piped, as a user's shell would run it."""
    paths = [str(REPO), *sys.path]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    env.pop("COLUMNS", None)
    return subprocess.run([sys.executable, "-m", "parity_tests", *argv], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=300)


def test_piped_report_shows_both_sides_full_width_and_the_same_in_parallel(cases):
    serial = cli(str(cases), "--candidate", "wrongtorch", "-n", "1")
    assert serial.returncode == 1, serial.stderr
    lines = serial.stdout.splitlines()
    assert lines[-1] == "1 passed, 2 failed"
    # a match is a row too, both values side by side, on one line wider than 80 columns
    match = next(line for line in lines if "x.grad" in line)
    assert match.count("tensor([2., 4.], dtype=float32)") == 2 and "✓" in match
    assert max(len(line) for line in lines) > 80
    # the reasons in words, each unfolded on its row
    assert any("values differ (max abs difference 0.00272, max rel difference 0.001): "
               "2 of 2 elements differ; first at index [0]: torch 1.6487212, "
               "wrongtorch 1.65037" in line for line in lines)
    assert any("wrongtorch has no function cdist" in line for line in lines)
    assert any("wrongtorch never gets here: it raised AttributeError first" in line
               for line in lines)
    assert serial.stderr.splitlines()[-1] == "[3/3] cases"
    parallel = cli(str(cases), "--candidate", "wrongtorch", "-n", "2")
    assert parallel.stdout == serial.stdout


def test_failures_only_leaves_out_the_passing_cases(cases, capsys):
    assert main([str(cases), "--candidate", "wrongtorch", "--failures-only"]) == 1
    out = capsys.readouterr().out
    assert "squares" not in out and "exps" in out and "distances" in out
    assert out.splitlines()[-1] == "1 passed, 2 failed"


@pytest.mark.parametrize("argv, message", [
    (["missing.py"], "no such file: missing.py"),
    (["empty.py"], "empty.py has no cases. A case is a top-level function whose only "
                   "parameter is named T"),
    (["cases.py", "-k", "nothing"], "no case name contains 'nothing' (of 3 cases)"),
    (["cases.py", "--show", "square"], "no case is named 'square'; did you mean squares?"),
])
def test_nothing_to_compare_is_said_in_words(cases, capsys, monkeypatch, argv, message):
    (cases.parent / "empty.py").write_text('"""No case here yet."""\n')
    monkeypatch.chdir(cases.parent)
    assert main(argv) == 2
    assert message in " ".join(capsys.readouterr().out.split())


CASE_FILES = sorted((Path(__file__).parents[1] / "parity_tests" / "cases").glob("[!_]*.py"))


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda path: path.stem)
def test_each_built_in_case_file_loads_by_its_path(path):
    """``python -m parity_tests parity_tests/cases/ops.py``: a case file given by path
    loads as it does among the built-in cases (the same names)."""
    by_path = [case.name for case in pool.collect([str(path)])]
    built_in = [case.name for case in pool.collect([]) if case.group == path.stem]
    assert by_path and by_path == built_in


def test_auto_runs_a_few_cases_in_this_process():
    assert pool.workers_for(3, "auto") == 1
    assert pool.workers_for(3, 8) == 3
    assert pool.workers_for(10 * pool.CASES_PER_WORKER, "auto") == min(
        10, len(os.sched_getaffinity(0)))


def test_reasons_for_a_shape_and_a_missing_method():
    def body(T):
        yield "shape", T.ones(2, 3).sum(0)
        yield "cumsum", T.ones(2, 3).cumsum(0)

    fake = types.ModuleType("fake")
    fake.__getattr__ = lambda attribute: getattr(torch, attribute)
    fake.ones = lambda *shape: _Ones(torch.ones(*shape))
    reasons = {row.name: row.reason for row in compare(Case("c", "t", body), torch, fake).rows}
    assert reasons == {"shape": "shape differs: torch (3,), fake (1, 3)",
                       "cumsum": "fake never gets here: it raised AttributeError first",
                       "raises": "fake's _Ones has no attribute cumsum", "warnings": None}


class _Ones:
    """A tensor whose sum keeps its dimension and which has no cumsum."""

    def __init__(self, tensor):
        self.tensor = tensor

    def sum(self, dim):
        return self.tensor.sum(dim, keepdim=True)


# --- Script mode ---------------------------------------------------------------------

SCRIPT = '''import torch
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
(x ** 2).sum().backward()
print(x.grad, x.dtype)
print("name length", len(torch.__name__))
'''


def test_script_mode_shows_the_differing_lines_side_by_side(tmp_path):
    path = tmp_path / "script.py"
    path.write_text(SCRIPT)
    done = cli("run", str(path))
    assert done.returncode == 1, done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith("│")]
    assert "tensor([2., 4., 6.]) torch.float32" in rows[0]
    assert "tensor([2., 4., 6.]) autodiff.float32" in rows[0] and "✓" in rows[0]
    assert "name length 5" in rows[1] and "name length 8" in rows[1]
    assert "✗ numbers differ" in rows[1]
    assert done.stdout.splitlines()[-1] == "1 of 2 lines differ between torch and autodiff"


def test_the_bootstrap_makes_torch_autodiff_submodules_included(tmp_path):
    path = tmp_path / "names.py"
    path.write_text("import torch\nimport torch.autograd as A\nfrom torch import autograd\n"
                    "print(torch.__name__, A.__name__, autograd is A)\n"
                    "import warnings\nwarnings.warn('careful')\n"
                    "torch.no_such_function()\n")
    printed = script.run(str(path), "autodiff")
    assert printed.returncode == 1
    assert printed.lines == ["autodiff autodiff.autograd True", "UserWarning: careful",
                             "raises AttributeError: module 'autodiff' has no attribute "
                             "'no_such_function'"]


def test_the_examples_of_torchs_docstrings_print_the_same():
    names = ("torch.narrow", "torch.round", "torch.nonzero", "torch.atleast_2d",
             "torch.nn.ReflectionPad2d", "torch.logical_and")
    for name in names:                  # (each in a fresh process, as a user runs it)
        done = cli("docstrings", "-k", name)
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout.splitlines()[-1].endswith(" docstrings alike, 0 differ")


def test_docstring_mode_finds_a_difference():
    program = ("from parity_tests import docstrings\n"
               "examples = docstrings.doctest.DocTestParser().get_examples(\n"
               "    '>>> torch.ones(2)\\n>>> len(torch.__name__)\\n')\n"
               "print(docstrings.compare(docstrings.Example('torch.ones', examples)))\n")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          cwd=Path(__file__).parent.parent, check=True)
    assert done.stdout.strip() == ("Difference(name='torch.ones', source='len(torch.__name__)', "
                                   "reference='5\\n', candidate='8\\n')")


@pytest.mark.parametrize("reference, candidate, same", [
    ("tensor([0.1235, 2.0000])", "tensor([0.1234, 2.0000])", True),   # the last digit
    ("tensor([0.1235, 2.0000])", "tensor([0.1233, 2.0000])", False),
    ("torch.float32 <Node object at 0x7f12>", "autodiff.float32 <Node object at 0x9a>", True),
    ("tensor([1., 2.])", "tensor([1., 2.], requires_grad=True)", False),
])
def test_printed_lines_are_the_same_up_to_the_last_digit(reference, candidate, same):
    assert script.same(reference, candidate) == same


# --- The cell magic ------------------------------------------------------------------

def test_the_parity_cell_magic(capsys):
    interactive = pytest.importorskip("IPython.core.interactiveshell")
    shell = interactive.InteractiveShell.instance()
    shell.run_line_magic("load_ext", "parity_tests.magic")
    shell.run_cell_magic("parity", "", "import torch\nprint(torch.ones(2) * 3)\n")
    out = capsys.readouterr().out
    assert out.count("tensor([3., 3.])") == 2
    assert "same output under torch and autodiff (1 line)" in out
    with pytest.raises(AssertionError, match="print different lines"):
        shell.run_cell_magic("parity", "--strict", "import torch\nprint(len(torch.__name__))\n")
    assert "numbers differ" in capsys.readouterr().out
