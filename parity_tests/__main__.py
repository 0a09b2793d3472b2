"""``python -m parity_tests``: run the cases under torch and autodiff, side by side.

    python -m parity_tests                      # every built-in case, one process per core
    python -m parity_tests --failures-only      # only the cases that disagree
    python -m parity_tests -k backward          # the cases whose name contains "backward"
    python -m parity_tests --show seed003_mm_gradients
    python -m parity_tests --json parity.json   # the parity matrix, for the docs
    python -m parity_tests my_cases.py          # your own cases (see README.md)
    python -m parity_tests --fuzz 20000         # random programs (hypothesis)
    python -m parity_tests run script.py        # a torch script, unchanged, under both
    python -m parity_tests docstrings           # the examples of torch's docstrings

Every observation is a row: what torch showed, what autodiff showed, and whether they
match (or why not, in words). The last line printed is ``N passed, N failed``; the exit
code is 1 when anything disagrees, 2 when there is nothing to compare.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress

from parity_tests import fuzz, pool, report


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m parity_tests", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*",
                        help="Python files of your own cases (default: the built-in ones)")
    parser.add_argument("-k", metavar="PATTERN",
                        help="only the cases whose name contains PATTERN")
    parser.add_argument("--show", metavar="CASE",
                        help="print every observation of CASE, both frameworks in full")
    parser.add_argument("--failures-only", action="store_true",
                        help="show only the cases that disagree (the summary still counts all)")
    parser.add_argument("-n", metavar="N", default="auto", type=_workers,
                        help="processes comparing cases: a number, or auto (default: one per "
                             "CPU core, fewer for a few cases; 1 runs them in this process)")
    parser.add_argument("--json", metavar="FILE",
                        help="also write the report as JSON to FILE")
    parser.add_argument("--fuzz", metavar="N", type=int,
                        help="instead of cases, compare N random programs")
    parser.add_argument("--candidate", default="autodiff",
                        help="the module compared with torch (default autodiff; torch: check the cases)")
    return parser.parse_args(argv)


def _workers(text: str) -> str | int:
    if text == "auto" or (text.isdigit() and int(text) > 0):
        return text if text == "auto" else int(text)
    raise argparse.ArgumentTypeError(f"expected a positive number or auto, got {text!r}")


class NothingToCompare(Exception):
    """The files or the filter select no case: the message says why, in words."""


def load(files: list[str]):
    """Every case of ``files`` (or the built-in ones), or NothingToCompare saying why not."""
    for path in files:
        if not Path(path).is_file():
            raise NothingToCompare(f"no such file: {path}")
    try:
        cases = pool.collect(files)
    except Exception as error:  # noqa: BLE001 - the user's file could not be imported
        raise NothingToCompare(f"could not import the cases: {type(error).__name__}: {error}")
    for path in files:
        if not any(case.group == Path(path).stem for case in cases):
            raise NothingToCompare(
                f"{path} has no cases. A case is a top-level function whose only parameter "
                "is named T, such as\n\n    def my_case(T):\n        x = T.tensor([1.0, 2.0], "
                "requires_grad=True)\n        yield \"x * 2\", x * 2\n\n"
                "(see parity_tests/examples/my_cases.py)")
    return cases


def select(args, cases) -> list[int]:
    """The positions of the cases to run, filtered by ``-k`` or ``--show``."""
    names = [case.name for case in cases]
    if args.show:
        if args.show not in names:
            close = difflib.get_close_matches(args.show, names, n=3)
            raise NothingToCompare(f"no case is named {args.show!r}" + (
                f"; did you mean {' or '.join(close)}?" if close else ""))
        return [names.index(args.show)]
    chosen = [index for index, name in enumerate(names) if not args.k or args.k in name]
    if not chosen:
        raise NothingToCompare(f"no case name contains {args.k!r} (of {len(names)} cases)")
    return chosen


class Counter:
    """Cases compared so far, on stderr: a bar on a terminal, else a line now and then
    (``[120/636] cases``), so that a piped run is seen to progress."""

    EVERY = 2.0  # seconds between two lines

    def __init__(self, total: int):
        self.console = Console(stderr=True)
        self.total, self.shown_at = total, 0.0
        self.bar = Progress(console=self.console, transient=True,
                            disable=not self.console.is_terminal)
        self.task = self.bar.add_task("comparing", total=total)

    def __enter__(self):
        self.bar.start()
        return self

    def __exit__(self, *exc_info):
        self.bar.stop()

    def __call__(self, done: int) -> None:
        if self.console.is_terminal:
            self.bar.update(self.task, completed=done)
        elif done == self.total or time.monotonic() - self.shown_at >= self.EVERY:
            self.shown_at = time.monotonic()
            print(f"[{done}/{self.total}] cases", file=sys.stderr, flush=True)


def stdout_console() -> Console:
    """The report's console: a terminal's width, or when piped no width limit at all (a
    table folded at 80 columns is unreadable in a file)."""
    console = Console()
    return console if console.is_terminal or console.is_jupyter else Console(width=100_000)


def run_fuzz(reference, candidate, count: int, console: Console) -> int:
    """Compare ``count`` random programs with the ``intense`` profile; print the first failure."""
    chosen = fuzz.settings(fuzz.profile("intense"), max_examples=count)
    passed, failing = 0, False
    with Progress(console=console, transient=True, disable=not console.is_terminal) as progress:
        task = progress.add_task("fuzzing", total=count)

        def count_until_first_failure(agreed: bool):
            """After a failure hypothesis runs shrunk variants of it: those are not counted."""
            nonlocal passed, failing
            failing = failing or not agreed
            if not failing:
                passed += 1
                progress.advance(task)

        try:
            fuzz.fuzz(reference, candidate, chosen, on_program=count_until_first_failure)
        except AssertionError as failure:
            console.print("[bold red]A program disagrees:[/]", escape(str(failure)),
                          sep="\n", highlight=False)
            print(f"{passed} passed, 1 failed")
            return 1
    print(f"{passed} passed, 0 failed")
    return 0


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["run"]:
        from parity_tests import script
        return script.main(argv[1:])
    if argv[:1] == ["docstrings"]:
        from parity_tests import docstrings
        return docstrings.main(argv[1:])
    args = parse_args(argv)
    console = stdout_console()
    try:
        candidate = importlib.import_module(args.candidate)
    except Exception as error:  # noqa: BLE001 - any import failure ends the run
        console.print(f"[red]cannot import {args.candidate}:[/] {type(error).__name__}: {error}")
        return 2
    reference = importlib.import_module("torch")
    names = reference.__name__, candidate.__name__
    if args.fuzz is not None:
        return run_fuzz(reference, candidate, args.fuzz, console)

    try:
        cases = load(args.files)
        chosen = select(args, cases)
    except NothingToCompare as nothing:
        console.print(f"[red]Nothing to compare:[/] {escape(str(nothing))}", highlight=False)
        return 2
    workers = pool.workers_for(len(chosen), args.n)
    with Counter(len(chosen)) as counter:
        outcomes = pool.compare_all(cases, chosen, args.files, args.candidate, workers, counter)
    if args.show:
        for outcome in outcomes:
            console.print(report.details(outcome, *names), highlight=False)
    else:
        for table in report.tables(outcomes, *names, failures_only=args.failures_only):
            console.print(table)
    if args.json:
        report.write_json(args.json, outcomes, *names)
    print("\n".join(report.summary(outcomes)))
    return 1 if any(outcome.failed for outcome in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
