"""Docstring mode: the examples of torch's own docstrings, run under torch and autodiff.

    python -m parity_tests docstrings [-k NAME]

Every docstring of torch's (``torch.*``, ``torch.Tensor.*``, ``torch.nn.*``,
``torch.nn.functional.*``, ``torch.linalg.*``) whose name autodiff has too is read for
its ``>>>`` examples. They run in order, as a doctest would, once under torch and once
with ``torch`` written ``autodiff`` in their source; what each example prints is
compared line by line as script mode compares (:func:`parity_tests.script.same`).

Random examples (``torch.randn(4)``) cannot be compared: torch runs each docstring
twice, with two seeds, and the comparison stops at the first example whose output
changed with the seed. It also stops where torch stops (an example that raises under
torch, one that needs CUDA) and before an example that makes complex numbers or sparse
tensors, which autodiff does not have. Exit code 1 when a docstring's output differs.
"""

from __future__ import annotations

import argparse
import contextlib
import doctest
import importlib
import io
import re
import signal
import sys
import warnings
from typing import Iterator, NamedTuple, Optional

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from parity_tests.script import CANDIDATE, REFERENCE, same

NAMESPACES = ("", "Tensor", "nn", "nn.functional", "linalg")
# what ends a docstring's comparison: examples autodiff cannot run (see the docstring)
_OUT_OF_REACH = re.compile(r"cuda|complex|\dj\b|sparse")
_SECONDS = 10                                   # one example's limit


class Example(NamedTuple):
    name: str                   # torch.narrow
    examples: list[doctest.Example]


class Difference(NamedTuple):
    name: str
    source: str                 # the first example whose output differs
    reference: str
    candidate: str


def docstrings(pattern: Optional[str] = None) -> Iterator[Example]:
    """torch's docstrings with examples, of the names autodiff has too."""
    reference, candidate = (importlib.import_module(m) for m in (REFERENCE, CANDIDATE))
    importlib.import_module(f"{CANDIDATE}.nn.functional")
    parser = doctest.DocTestParser()
    for namespace in NAMESPACES:
        ours, theirs = candidate, reference
        for part in filter(None, namespace.split(".")):
            ours, theirs = getattr(ours, part), getattr(theirs, part)
        for attribute in sorted(dir(theirs)):
            name = ".".join(filter(None, (REFERENCE, namespace, attribute)))
            if attribute.startswith("_") or (pattern and pattern not in name):
                continue
            try:
                doc = getattr(getattr(theirs, attribute), "__doc__", None)
                ours_has = hasattr(ours, attribute)
            except Exception:  # noqa: BLE001 - an attribute that cannot be read is skipped
                continue
            if not ours_has or not isinstance(doc, str) or ">>>" not in doc:
                continue
            try:
                examples = parser.get_examples(doc)
            except ValueError:                  # not a well-formed doctest
                continue
            if examples:
                yield Example(name, examples)


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout(f"no result in {_SECONDS} s")


def outputs(examples: list[doctest.Example], framework: str, seed: int) -> list[str]:
    """What each example prints (an error ends the list, as ``raises Type: message``),
    under ``framework``, its generator seeded with ``seed``."""
    module = importlib.import_module(framework)
    module.set_default_device("cpu")            # (what an earlier docstring may have set)
    module.set_default_dtype(module.float32)
    module.set_printoptions(profile="default")
    module.set_grad_enabled(True)
    module.manual_seed(seed)
    namespace: dict = {framework: module}
    printed = []
    previous = signal.signal(signal.SIGALRM, _alarm)
    try:
        for example in examples:
            source = example.source
            if framework != REFERENCE:
                source = re.sub(rf"\b{REFERENCE}\b", framework, source)
            text = io.StringIO()
            try:
                signal.alarm(_SECONDS)
                with contextlib.redirect_stdout(text), warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    exec(compile(source, "<docstring>", "single"), namespace)
            except BaseException as error:  # noqa: BLE001 - an example's error is its output
                printed.append(f"raises {type(error).__name__}: {error}")
                break
            finally:
                signal.alarm(0)
            printed.append(text.getvalue())
    finally:
        signal.signal(signal.SIGALRM, previous)
    return printed


def compare(docstring: Example) -> Optional[Difference]:
    """The first example whose output differs, among those comparable (see the module
    docstring); None if none does."""
    examples = docstring.examples
    first, second = outputs(examples, REFERENCE, 0), outputs(examples, REFERENCE, 1)
    ours = outputs(examples, CANDIDATE, 0)
    for i, (expected, again) in enumerate(zip(first, second)):
        if expected != again or expected.startswith("raises ") or _OUT_OF_REACH.search(
                examples[i].source):
            return None
        got = ours[i] if i < len(ours) else ""
        lines, our_lines = expected.splitlines(), got.splitlines()
        if len(lines) != len(our_lines) or not all(map(same, lines, our_lines)):
            return Difference(docstring.name, examples[i].source.strip(), expected, got)
    return None


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m parity_tests docstrings",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-k", metavar="NAME", help="only the docstrings whose name contains NAME")
    args = parser.parse_args(argv)
    console = Console(width=None if sys.stdout.isatty() else 200)
    found = list(docstrings(args.k))
    differences = [d for d in map(compare, found) if d is not None]
    if differences:
        table = Table("docstring", "example", REFERENCE, CANDIDATE, show_lines=True)
        for d in differences:
            table.add_row(d.name, escape(d.source), escape(d.reference), escape(d.candidate))
        console.print(table)
    print(f"{len(found) - len(differences)} docstrings alike, {len(differences)} differ")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
