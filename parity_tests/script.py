"""Script mode: an unchanged torch script, run under torch and under autodiff, compared.

    python -m parity_tests run script.py [ARGS...]

The script runs twice, each time in a fresh Python process: once as it is, once with
``import torch`` (and ``import torch.nn.functional as F``, ``from torch import nn``...)
giving autodiff instead, by a small bootstrap (this module, run as
``python -m parity_tests.script autodiff script.py``) that puts an import hook in front
of Python's. What each run prints -- its output lines, the tensors it prints among
them, the warnings it raises and the error it ends with -- is lined up with
:mod:`difflib`, and the lines that differ are shown side by side. Exit code 1 when
anything differs.

Two lines are the same when they are equal once torch's output says ``autodiff`` where
it said ``torch``, memory addresses masked; or when only their numbers differ, each by
no more than one unit in its last printed digit (``0.1235`` against ``0.1234``: float32
rounding seen through torch's four printed decimals).
"""

from __future__ import annotations

import dataclasses
import difflib
import importlib
import importlib.abc
import importlib.util
import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from parity_tests.harness import unexpected_error

REFERENCE, CANDIDATE = "torch", "autodiff"
NUMBER = re.compile(r"-?\d+(?:\.(\d*))?(?:e[-+]?\d+)?|\b(?:nan|inf)\b")
# "script.py:3: UserWarning: message": how Python prints a warning on stderr
WARNING_LINE = re.compile(r"^.*?:\d+: (\w+Warning): (.*)$")
TRACEBACK = "Traceback (most recent call last):"


# --- The bootstrap, in the child process ------------------------------------------

class TorchIsAutodiff(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """``import torch[.x.y]`` imports ``autodiff[.x.y]`` and names it ``torch[.x.y]``."""

    def find_spec(self, name, path=None, target=None):
        if name == REFERENCE or name.startswith(REFERENCE + "."):
            return importlib.util.spec_from_loader(name, self)
        return None

    def create_module(self, spec):
        return None  # a placeholder: exec_module puts autodiff's module in its place

    def exec_module(self, module):
        sys.modules[module.__name__] = importlib.import_module(
            CANDIDATE + module.__name__[len(REFERENCE):])


def bootstrap(framework: str, script: str, args: list[str]) -> None:
    """Run ``script`` as ``__main__`` with ``import torch`` giving ``framework``."""
    if framework == CANDIDATE:
        sys.meta_path.insert(0, TorchIsAutodiff())
    sys.argv = [script, *args]
    sys.path[0] = str(Path(script).resolve().parent)
    runpy.run_path(script, run_name="__main__")


# --- Running and comparing, in the parent -------------------------------------------

@dataclasses.dataclass
class Printed:
    """What one run of a script showed."""

    lines: list[str]          # stdout, then its warnings and its error, one per line
    returncode: int


def run(script: str, framework: str, args=(), timeout: float | None = None) -> Printed:
    """Run ``script`` in a fresh process with ``import torch`` meaning ``framework``."""
    here = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [here, os.environ.get("PYTHONPATH")]))}
    done = subprocess.run(
        [sys.executable, "-m", "parity_tests.script", framework, script, *args],
        capture_output=True, text=True, env=env, timeout=timeout)
    return Printed(done.stdout.splitlines() + what_went_wrong(done.stderr), done.returncode)


def what_went_wrong(stderr: str) -> list[str]:
    """The warnings (``Category: message``) and the final error of a run's stderr, without
    the file names and line numbers that differ between the two frameworks."""
    found = [f"{m[1]}: {m[2]}" for line in stderr.splitlines() if (m := WARNING_LINE.match(line))]
    if TRACEBACK in stderr:
        frames_and_error = stderr.rsplit(TRACEBACK, 1)[1].splitlines()[1:]
        error = [line for line in frames_and_error if line and not line[0].isspace()]
        found += [f"raises {error[0]}", *error[1:]]
    return found


def masked(line: str) -> str:
    """A line without its memory addresses, which differ from run to run."""
    return re.sub(r" at 0x[0-9a-fA-F]+", " at 0x…", line)


def normalised(line: str) -> str:
    """A reference line as the candidate would print it."""
    return re.sub(rf"\b{REFERENCE}\b", CANDIDATE, masked(line))


def same(reference: str, candidate: str) -> bool:
    """Whether two printed lines say the same (see the module docstring)."""
    reference, candidate = normalised(reference), masked(candidate)
    if reference == candidate:
        return True
    if NUMBER.sub("#", reference) != NUMBER.sub("#", candidate):
        return False
    return all(_close(a, b) for a, b in zip(NUMBER.finditer(reference),
                                            NUMBER.finditer(candidate)))


def _close(a: re.Match, b: re.Match) -> bool:
    x, y = float(a[0]), float(b[0])
    if x == y or (x != x and y != y):
        return True
    decimals = max(len(a[1] or ""), len(b[1] or ""))
    return abs(x - y) <= 1.0001 * 10.0 ** -decimals or abs(x - y) <= 1e-5 * abs(x)


@dataclasses.dataclass
class Comparison:
    """Both runs' lines, lined up: ``pairs`` of (reference line, candidate line, same),
    a line one run lacks is None."""

    reference: Printed
    candidate: Printed
    pairs: list[tuple[str | None, str | None, bool]]

    @property
    def differs(self) -> bool:
        return any(not match for _, _, match in self.pairs)


def compare(reference: Printed, candidate: Printed) -> Comparison:
    """Line up two runs' lines (difflib on the normalised lines), pairing the lines of a
    replaced block one to one."""
    ours = [normalised(line) for line in reference.lines]
    theirs = [masked(line) for line in candidate.lines]
    pairs = []
    matcher = difflib.SequenceMatcher(None, ours, theirs, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        left, right = reference.lines[i1:i2], candidate.lines[j1:j2]
        for k in range(max(len(left), len(right))):
            a = left[k] if k < len(left) else None
            b = right[k] if k < len(right) else None
            pairs.append((a, b, tag == "equal" or (a is not None and b is not None
                                                   and same(a, b))))
    return Comparison(reference, candidate, pairs)


def why(reference: str | None, candidate: str | None) -> str:
    """Why two lined-up lines differ, in words."""
    raised = [line is not None and line.startswith("raises ") for line in (reference, candidate)]
    if raised == [False, True]:
        return unexpected_error(candidate.removeprefix("raises "), CANDIDATE, REFERENCE)
    if raised == [True, False]:
        return f"{REFERENCE} {reference}, {CANDIDATE} does not"
    if reference is None or candidate is None:
        return f"only {REFERENCE if candidate is None else CANDIDATE} prints this line"
    if NUMBER.sub("#", normalised(reference)) == NUMBER.sub("#", masked(candidate)):
        return "numbers differ"
    return "the lines differ"


def table(comparison: Comparison, title: str, context: int = 2) -> Table:
    """The lines side by side: every differing line, with ``context`` equal lines around
    each run of them ("…" where equal lines are left out)."""
    grid = Table(title=title, title_justify="left")
    for header in ("line", REFERENCE, CANDIDATE, "same"):
        grid.add_column(header, overflow="fold")
    differing = [k for k, (_, _, match) in enumerate(comparison.pairs) if not match]
    keep = {k for d in differing for k in range(d - context, d + context + 1)}
    skipped = False
    for k, (a, b, match) in enumerate(comparison.pairs):
        if k not in keep and differing:
            if not skipped:
                grid.add_row("…", "", "", "")
            skipped = True
            continue
        skipped = False
        grid.add_row(str(k + 1), escape(a if a is not None else "<no line>"),
                     escape(b if b is not None else "<no line>"),
                     "[green]✓[/]" if match else f"[bold red]✗[/] {escape(why(a, b))}",
                     style="" if match else "red")
    return grid


def report(comparison: Comparison, title: str, console: Console) -> int:
    """Print the comparison: the lines side by side and a verdict; 1 when they differ."""
    lines = len(comparison.pairs)
    console.print(table(comparison, title))
    if not comparison.differs:
        console.print(f"[green]same output[/] under {REFERENCE} and {CANDIDATE} "
                      f"({lines} line{'' if lines == 1 else 's'})", highlight=False)
        return 0
    count = sum(not match for _, _, match in comparison.pairs)
    console.print(f"[bold red]{count} of {lines} lines differ[/] between {REFERENCE} "
                  f"and {CANDIDATE}", highlight=False)
    return 1


def compare_script(script: str, args=(), timeout: float | None = None) -> Comparison:
    """Run ``script`` under torch, then under autodiff, and line up what they printed."""
    return compare(run(script, REFERENCE, args, timeout), run(script, CANDIDATE, args, timeout))


def main(argv: list[str]) -> int:
    """``python -m parity_tests run script.py [ARGS...]``."""
    from parity_tests.__main__ import stdout_console
    console = stdout_console()
    if not argv or argv[0] in ("-h", "--help"):
        console.print(escape(__doc__), highlight=False)
        return 0 if argv else 2
    script, args = argv[0], argv[1:]
    if not Path(script).is_file():
        console.print(f"[red]Nothing to compare:[/] no such file: {escape(script)}")
        return 2
    return report(compare_script(script, args), script, console)


if __name__ == "__main__":
    bootstrap(sys.argv[1], sys.argv[2], sys.argv[3:])
