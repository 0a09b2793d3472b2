"""One MLP training step (forward, backward, SGD update) at three sizes."""

from __future__ import annotations

from . import mlp
from .timing import compare


RATIOS = [("autodiff compiled", "jax.jit"), ("autodiff eager", "torch eager")]


def run(quick):
    budget = dict(repeat=3 if quick else 11, min_batch_s=0.02 if quick else 0.1)
    return [{"size": name, "batch": batch, "widths": list(widths),
             **compare(mlp.steps(batch, widths), RATIOS, **budget)}
            for name, batch, widths in mlp.SIZES]
