"""What the tutorials show of the harness: a snippet under torch and under autodiff, in
a table (``from parity_tests import side_by_side``).

It lives here, not in ``autodiff.viz``, so that the library does not depend on its test
harness; the table is ``autodiff.viz.Table``.
"""

from __future__ import annotations

import re

from parity_tests.harness import ERROR, WARNINGS, Case, Observer, compare, disagreement, show


def side_by_side(body):
    """Run ``body(torch)`` and ``body(autodiff)`` and show what each observed, side by side.

    ``body`` is a case of the parity harness: a function of the framework module that
    yields ``(name, value)`` pairs. Each row of the returned :class:`autodiff.viz.Table`
    is one observation under both frameworks; an error or warnings are observations too.
    Raises ``AssertionError`` (showing the table) when they disagree, so a tutorial
    executed as a test fails.
    """
    import torch          # here, not above: importing parity_tests stays light

    import autodiff
    from autodiff.viz import Table

    outcome = compare(Case(body.__name__, "tutorial", body), torch, autodiff)
    rows = [(row.name, _in_torchs_words(show(row.reference)), show(row.candidate),
             "yes" if row.match else f"NO: {row.reason}")
            for row in outcome.rows
            if row.name not in (ERROR, WARNINGS) or row.reference or row.candidate]
    table = Table(("observation", "torch", "autodiff", "same"), rows, title=body.__name__)
    if not outcome.passed:
        raise AssertionError(f"torch and autodiff disagree:\n{table}")
    return table


def _in_torchs_words(text):
    # the harness writes torch's texts with autodiff's name, to compare them; show them
    # as torch printed them
    return re.sub(r"\bautodiff\b", "torch", text)


def check(exercise, answer, reference):
    """Say whether a learner's ``answer`` to an exercise is what real torch gives.

    ``reference`` is a function of the framework module, run with real PyTorch; its
    result and ``answer`` are compared as the harness compares two frameworks'
    observations (tensors by dtype, shape and values within tolerance; numbers within
    tolerance, an ``int`` standing for the same ``float``; names, lists, tuples, dicts
    item by item). ``answer`` may hold autodiff tensors. Prints ``right: EXERCISE`` or
    ``not yet: EXERCISE: why``.

    >>> check("d/dx x**2 at 3", 6, lambda torch: torch.func.grad(lambda x: x ** 2)(
    ...     torch.tensor(3.0)).item())
    right: d/dx x**2 at 3
    """
    import torch

    import autodiff

    expected = _as_floats(Observer(torch, "autodiff").snapshot(reference(torch)))
    given = _as_floats(Observer(autodiff, "autodiff").snapshot(answer))
    reason = disagreement(expected, given, names=("torch", "your answer"))
    print(f"right: {exercise}" if reason is None else f"not yet: {exercise}: {reason}")


def _as_floats(snapshot):
    # a learner writes 96 for 96.0: numbers compare as floats
    if type(snapshot) is int:
        return float(snapshot)
    if type(snapshot) in (list, tuple):
        return type(snapshot)(_as_floats(item) for item in snapshot)
    if type(snapshot) is dict:
        return {key: _as_floats(item) for key, item in snapshot.items()}
    return snapshot
