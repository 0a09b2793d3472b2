"""What the tutorials show of the harness: a snippet under torch and under autodiff, in
a table (``from parity_tests import side_by_side``).

It lives here, not in ``autodiff.viz``, so that the library does not depend on its test
harness; the table is ``autodiff.viz.Table``.
"""

from __future__ import annotations

import re

from parity_tests.harness import ERROR, WARNINGS, Case, compare, show


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
