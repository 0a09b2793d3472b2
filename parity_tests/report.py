"""How compared cases are shown: a side-by-side table, a JSON parity matrix, a summary line."""

from __future__ import annotations

import json
from pathlib import Path

from rich.markup import escape
from rich.table import Table

from parity_tests.harness import Outcome, show

MATCH, MISMATCH = "[green]✓[/]", "[bold red]✗[/]"


def _status(outcome: Outcome) -> str:
    if outcome.skipped is not None:
        return "skipped"
    return "passed" if outcome.passed else "failed"


def table(outcomes: list[Outcome], reference: str, candidate: str) -> Table:
    """Case, observation, reference, candidate, match: the side-by-side report.

    A passing case takes one row; a failing case shows all its observations,
    so that the mismatch is seen in context.
    """
    grid = Table(show_lines=True)
    for header in ("case", "observation", reference, candidate, "match"):
        grid.add_column(header, overflow="fold")
    for outcome in outcomes:
        name = outcome.case.name
        if outcome.skipped is not None:
            grid.add_row(name, "[yellow]skipped[/]", outcome.skipped, "", "")
        elif outcome.passed:
            grid.add_row(name, f"{len(outcome.rows)} observations", "", "", MATCH)
        else:
            for row in outcome.rows:
                grid.add_row(escape(name), escape(row.name), escape(show(row.reference)),
                             escape(show(row.candidate)),
                             MATCH if row.match else f"{MISMATCH} {row.reason}",
                             style="" if row.match else "red")
                name = ""
    return grid


def details(outcome: Outcome, reference: str, candidate: str) -> str:
    """Everything one case showed, one observation after the other, nothing cut."""
    lines = [f"[bold]{outcome.case.name}[/] ({outcome.case.group})", escape(outcome.case.doc), ""]
    if outcome.skipped is not None:
        lines.append(f"[yellow]skipped:[/] {outcome.skipped}")
    for row in outcome.rows:
        verdict = MATCH if row.match else f"{MISMATCH} {row.reason}"
        lines += [f"[bold]{escape(row.name)}[/] {verdict}",
                  f"  {reference}: {escape(show(row.reference))}",
                  f"  {candidate}: {escape(show(row.candidate))}"]
    return "\n".join(lines)


def summary(outcomes: list[Outcome]) -> list[str]:
    """The closing lines: skips, if any, then exactly ``N passed, N failed``."""
    passed = sum(outcome.passed for outcome in outcomes)
    failed = sum(outcome.failed for outcome in outcomes)
    skips = [outcome.skipped for outcome in outcomes if outcome.skipped is not None]
    lines = [f"{len(skips)} skipped ({'; '.join(sorted(set(skips)))})"] if skips else []
    return lines + [f"{passed} passed, {failed} failed"]


def write_json(path: str | Path, outcomes: list[Outcome], reference: str, candidate: str) -> None:
    """The parity matrix the docs publish: per case its name, group, docstring and observations.

    Each observation holds the text both frameworks showed, under the keys
    ``torch`` (the reference) and ``autodiff`` (the candidate).
    """
    matrix = {
        "reference": reference,
        "candidate": candidate,
        "cases": [
            {
                "name": outcome.case.name,
                "group": outcome.case.group,
                "doc": outcome.case.doc,
                "status": _status(outcome),
                "skip_reason": outcome.skipped,
                "observations": [
                    {"name": row.name, "torch": show(row.reference),
                     "autodiff": show(row.candidate), "match": row.match, "reason": row.reason}
                    for row in outcome.rows
                ],
            }
            for outcome in outcomes
        ],
    }
    Path(path).write_text(json.dumps(matrix, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
