"""``python -m parity_tests``: run the cases under torch and autodiff, side by side.

    python -m parity_tests                      # every built-in case
    python -m parity_tests -k backward          # the cases whose name contains "backward"
    python -m parity_tests --show seed003_mm_gradients
    python -m parity_tests --json parity.json   # the parity matrix, for the docs
    python -m parity_tests my_cases.py          # your own cases (see README.md)
    python -m parity_tests --fuzz 20000         # random programs (hypothesis)

The last line printed is ``N passed, N failed``; the exit code is 1 when
anything disagrees.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, track

from parity_tests import fuzz, report
from parity_tests.cases import builtin_cases
from parity_tests.harness import compare, load_cases


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m parity_tests", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*",
                        help="Python files of your own cases (default: the built-in ones)")
    parser.add_argument("-k", metavar="PATTERN",
                        help="only the cases whose name contains PATTERN")
    parser.add_argument("--show", metavar="CASE",
                        help="print every observation of CASE, both frameworks in full")
    parser.add_argument("--json", metavar="FILE",
                        help="also write the report as JSON to FILE")
    parser.add_argument("--fuzz", metavar="N", type=int,
                        help="instead of cases, compare N random programs")
    parser.add_argument("--candidate", default="autodiff",
                        help="the module compared with torch (default autodiff; torch: check the cases)")
    return parser.parse_args(argv)


def select(args):
    """The cases to run: from the files given or built in, filtered by ``-k`` or ``--show``."""
    if args.files:
        cases = [case for path in args.files for case in load_cases(path)]
    else:
        cases = builtin_cases()
    if args.show:
        return [case for case in cases if case.name == args.show]
    if args.k:
        return [case for case in cases if args.k in case.name]
    return cases


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
    args = parse_args(argv)
    console = Console()
    reference = importlib.import_module("torch")
    try:
        candidate = importlib.import_module(args.candidate)
    except Exception as error:  # noqa: BLE001 - any import failure ends the run
        console.print(f"[red]cannot import {args.candidate}:[/] {type(error).__name__}: {error}")
        return 2
    names = reference.__name__, candidate.__name__
    if args.fuzz is not None:
        return run_fuzz(reference, candidate, args.fuzz, console)

    cases = select(args)
    if not cases:
        console.print(f"[red]no case matches[/] {args.show or args.k!r}")
        return 2
    outcomes = [compare(case, reference, candidate)
                for case in track(cases, description="comparing", console=console,
                                  transient=True, disable=not console.is_terminal)]
    if args.show:
        for outcome in outcomes:
            console.print(report.details(outcome, *names), highlight=False)
    else:
        console.print(report.table(outcomes, *names))
    if args.json:
        report.write_json(args.json, outcomes, *names)
    print("\n".join(report.summary(outcomes)))
    return 1 if any(outcome.failed for outcome in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
