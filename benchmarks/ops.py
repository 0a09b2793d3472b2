"""Per-op cost on small tensors: what autodiff adds on top of the jax.numpy call it makes.

A process's own layout of code and data in memory (where the interpreter, JAX and the
arrays happen to land) biases all its timings of such short calls by a few per cent: the
same 4x4 matmul measured 1.05x jnp in one process and 1.11x in the next, each figure
steady within its process. So the rounds are spread over several fresh processes
(``python -m benchmarks.ops DEVICE ROUNDS MIN_BATCH_S``), as pyperf does, and the figures
are the medians of all their rounds together.
"""

from __future__ import annotations

import json
import subprocess
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
    runs = [json.loads(subprocess.run(
        [sys.executable, "-m", "benchmarks.ops", timing.DEVICE, str(repeat), str(min_batch_s)],
        check=True, capture_output=True, text=True).stdout) for _ in range(processes)]
    rows = []
    for name in OPS:
        pooled = {framework: [t for run in runs for t in run[name][framework]]
                  for framework in runs[0][name]}
        each = [timing.summary(run[name], RATIOS) for run in runs]
        rows.append({"op": name, "processes": processes, **timing.summary(pooled, RATIOS),
                     **{f"{a} / {b}, each process": [e[f"{a} / {b}"] for e in each]
                        for a, b in RATIOS}})
    return rows


if __name__ == "__main__":
    timing.DEVICE = sys.argv[1]
    print(json.dumps(rounds(int(sys.argv[2]), float(sys.argv[3]))))
