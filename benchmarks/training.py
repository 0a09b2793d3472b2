"""One MLP training step (forward, backward, SGD update) at three sizes."""

from __future__ import annotations

from . import mlp
from .timing import per_call


def run(quick):
    timing = dict(repeat=3 if quick else 11, min_batch_s=0.02 if quick else 0.2)
    rows = []
    for name, batch, widths in mlp.SIZES:
        row = {"size": name, "batch": batch, "widths": list(widths)}
        for framework, step in mlp.steps(batch, widths).items():
            row[framework] = per_call(step, **timing)
        rows.append(row)
    return rows
