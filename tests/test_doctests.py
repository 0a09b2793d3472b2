"""Every ``>>>`` example in autodiff's docstrings runs, under autodiff and under torch.

Under autodiff, each docstring is an ordinary doctest (``ELLIPSIS`` and
``NORMALIZE_WHITESPACE`` on), with its module's globals.

Under torch, the same examples run again with every ``autodiff`` in their source written
``torch``, in a fresh namespace (so an example must import what it uses), and torch's
output, with ``torch`` written ``autodiff``, must match what the docstring shows: the
docstring is then a parity case as well. A docstring whose example is about something
torch does not have (``autodiff.compile``, the tape's internals, random numbers, which
come from autodiff's own generator) opts out of the torch run by writing the comment
``# autodiff-only`` on any of its ``>>>`` lines::

    >>> fast_step = autodiff.compile(step, state=[w])   # autodiff-only
"""

import doctest
import importlib
import io
import pkgutil
import re

import pytest

import autodiff

AUTODIFF_ONLY = "# autodiff-only"
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _modules():
    names = ["autodiff"] + [info.name for info in pkgutil.walk_packages(
        autodiff.__path__, "autodiff.")]
    return [importlib.import_module(name) for name in names]


def _docstrings():
    finder = doctest.DocTestFinder(exclude_empty=True)
    found = {}
    for module in _modules():
        for test in finder.find(module):
            if test.examples:
                found.setdefault(test.name, test)
    return sorted(found.values(), key=lambda test: test.name)


DOCSTRINGS = _docstrings()
UNDER_TORCH = [test for test in DOCSTRINGS
               if not any(AUTODIFF_ONLY in example.source for example in test.examples)]


def _run(test, checker=None):
    runner = doctest.DocTestRunner(checker=checker, optionflags=FLAGS)
    report = io.StringIO()
    result = runner.run(test, out=report.write, clear_globs=True)
    assert result.failed == 0, report.getvalue()


@pytest.mark.parametrize("test", DOCSTRINGS, ids=[test.name for test in DOCSTRINGS])
def test_docstring_examples(test):
    _run(doctest.DocTest(test.examples, dict(test.globs), test.name, test.filename,
                         test.lineno, test.docstring))


class TorchToAutodiff(doctest.OutputChecker):
    """Compares torch's output, in autodiff's words, with what the docstring shows."""

    def check_output(self, want, got, optionflags):
        return super().check_output(want, as_autodiff(got), optionflags)

    def output_difference(self, example, got, optionflags):
        return super().output_difference(example, as_autodiff(got), optionflags)


def as_autodiff(text):
    """What torch printed, as autodiff would print it (as the parity harness reads it)."""
    text = re.sub(r" \(Triggered internally at [^)]*\)", "", text)
    return text.replace("torch", "autodiff")


def as_torch(example):
    return doctest.Example(example.source.replace("autodiff", "torch"), example.want,
                           example.exc_msg, example.lineno, example.indent, example.options)


@pytest.mark.parametrize("test", UNDER_TORCH, ids=[test.name for test in UNDER_TORCH])
def test_docstring_examples_under_torch(test):
    _run(doctest.DocTest([as_torch(example) for example in test.examples], {},
                         f"{test.name} (under torch)", test.filename, test.lineno,
                         test.docstring),
         TorchToAutodiff())


def test_the_torch_run_can_tell_the_frameworks_apart():
    """A docstring showing something torch does not print fails under torch."""
    wrong = doctest.DocTestParser().get_doctest(
        ">>> import autodiff\n>>> autodiff.tensor([1.0, 2.0]).sum()\ntensor(4.)\n",
        {}, "wrong", None, 0)
    with pytest.raises(AssertionError, match="tensor\\(3.\\)"):
        _run(doctest.DocTest([as_torch(e) for e in wrong.examples], {}, "wrong", None, 0, ""),
             TorchToAutodiff())
