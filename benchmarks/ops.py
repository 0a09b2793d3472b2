"""Per-op cost on small tensors: what autodiff adds on top of the jax.numpy call it makes."""

from __future__ import annotations

import numpy as np
import torch

import autodiff

from . import timing

# One body per op, run on every framework's 4x4 tensors (jax arrays too)
OPS = {
    "add": lambda x, y: x + y,
    "mul": lambda x, y: x * y,
    "matmul 4x4": lambda x, y: x @ y,
    "sum": lambda x, y: x.sum(),
    "index x[1]": lambda x, y: x[1],
}


RATIOS = [("autodiff", "jax.numpy"), ("autodiff no_grad", "jax.numpy"), ("autodiff", "torch")]


def run(quick):
    rng = np.random.default_rng(0)
    a, b = (rng.standard_normal((4, 4)).astype(np.float32) for _ in range(2))
    ad = [autodiff.tensor(v, requires_grad=True, device=timing.DEVICE) for v in (a, b)]
    th = [torch.tensor(v, requires_grad=True, device=timing.DEVICE) for v in (a, b)]
    # the same values as jax arrays (from tensors of their own: the measured ones stay as made)
    jx = [autodiff.tensor(v, device=timing.DEVICE)._value() for v in (a, b)]
    budget = dict(repeat=5 if quick else 21, min_batch_s=0.01 if quick else 0.03)
    rows = []
    for name, op in OPS.items():
        rows.append({"op": name, **timing.compare({
            "autodiff": lambda: op(*ad),
            "autodiff no_grad": (lambda: op(*ad), autodiff.no_grad),
            "jax.numpy": lambda: op(*jx),
            "torch": lambda: op(*th)}, RATIOS, **budget)})
    return rows
