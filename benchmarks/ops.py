"""Per-op cost on small tensors: what autodiff adds on top of the jax.numpy call it makes.

The rounds run in five fresh processes (``python -m benchmarks.ops DEVICE ROUNDS
MIN_BATCH_S``, see ``timing.in_processes``): the same 4x4 matmul read 1.03x jnp in one
process and 1.15x in the next, each figure steady within its process.
"""

from __future__ import annotations

import json
import sys

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


def rounds(repeat, min_batch_s):
    """In this process: ``repeat`` rounds of each op on each framework (seconds per call)."""
    rng = np.random.default_rng(0)
    a, b = (rng.standard_normal((4, 4)).astype(np.float32) for _ in range(2))
    ad = [autodiff.tensor(v, requires_grad=True, device=timing.DEVICE) for v in (a, b)]
    th = [torch.tensor(v, requires_grad=True, device=timing.DEVICE) for v in (a, b)]
    # the same values as jax arrays (from tensors of their own: the measured ones stay as made)
    jx = [autodiff.tensor(v, device=timing.DEVICE)._value() for v in (a, b)]
    return {name: timing.rounds({
        "autodiff": lambda: op(*ad),
        "autodiff no_grad": (lambda: op(*ad), autodiff.no_grad),
        "jax.numpy": lambda: op(*jx),
        "torch": lambda: op(*th)}, repeat=repeat, min_batch_s=min_batch_s)
        for name, op in OPS.items()}


def run(quick):
    processes, repeat, min_batch_s = (2, 3, 0.01) if quick else (5, 9, 0.03)
    runs = timing.in_processes("benchmarks.ops", processes, repeat, min_batch_s)
    return [{"op": name, **timing.pooled(runs, name, RATIOS)} for name in OPS]


if __name__ == "__main__":
    timing.DEVICE = sys.argv[1]
    print(json.dumps(rounds(int(sys.argv[2]), float(sys.argv[3]))))
