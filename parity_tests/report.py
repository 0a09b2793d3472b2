"""How compared cases are shown: a side-by-side table, a JSON parity matrix, a summary line."""

from __future__ import annotations

import json
import re
from pathlib import Path

from rich.markup import escape
from rich.table import Table

from parity_tests.harness import ERROR, WARNINGS, Outcome, Row, show

MATCH, MISMATCH = "[green]✓[/]", "[bold red]✗[/]"


def _status(outcome: Outcome) -> str:
    if outcome.skipped is not None:
        return "skipped"
    return "passed" if outcome.passed else "failed"


def tables(outcomes: list[Outcome], reference: str, candidate: str,
           failures_only: bool = False) -> list[Table]:
    """The side-by-side report, one table per group of cases: case, observation, what the
    reference showed, what the candidate showed, and whether they match (or why not).

    Every observation of every case is a row, matches too, except the error and the
    warnings of a case where neither framework raised or warned. ``failures_only`` keeps
    the failing cases (all their rows, to see the mismatch in context).
    """
    grids = {}
    for outcome in outcomes:
        if failures_only and not outcome.failed:
            continue
        group = outcome.case.group
        if group not in grids:
            grids[group] = Table(title=group, title_justify="left")
            for header, widest in (("case", None), ("observation", None), (reference, 120),
                                   (candidate, 120), ("match", None)):
                grids[group].add_column(header, overflow="fold", max_width=widest)
        _add_rows(grids[group], outcome, (reference, candidate))
    return list(grids.values())


def _add_rows(grid: Table, outcome: Outcome, names: tuple[str, str]) -> None:
    name = escape(outcome.case.name)
    if outcome.skipped is not None:
        grid.add_row(name, "[yellow]skipped[/]", escape(outcome.skipped), "", "",
                     end_section=True)
    rows = shown_rows(outcome)
    for row in rows:
        grid.add_row(name, escape(row.name), escape(shown(row.reference, *names)),
                     escape(show(row.candidate)), _verdict(row), style="" if row.match else "red",
                     end_section=row is rows[-1])
        name = ""


def shown_rows(outcome: Outcome) -> list[Row]:
    """The rows worth a line: all but an error or warnings neither framework showed."""
    return [row for row in outcome.rows
            if row.name not in (ERROR, WARNINGS) or row.reference or row.candidate]


def shown(reference_value, reference: str, candidate: str) -> str:
    """A reference snapshot as the reference printed it: the harness writes its texts with
    the candidate's name (``autodiff.float64``) to compare them; a reader wants torch's."""
    return re.sub(rf"\b{re.escape(candidate)}\b", reference, show(reference_value))


def _verdict(row: Row) -> str:
    return MATCH if row.match else f"{MISMATCH} {escape(row.reason)}"


def details(outcome: Outcome, reference: str, candidate: str) -> str:
    """Everything one case showed, one observation after the other, nothing cut."""
    lines = [f"[bold]{outcome.case.name}[/] ({outcome.case.group})", escape(outcome.case.doc), ""]
    if outcome.skipped is not None:
        lines.append(f"[yellow]skipped:[/] {outcome.skipped}")
    for row in outcome.rows:
        lines += [f"[bold]{escape(row.name)}[/] {_verdict(row)}",
                  f"  {reference}: {escape(shown(row.reference, reference, candidate))}",
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
