"""How things are timed: warm up, then the median of repeated batches of calls."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import jax
import numpy as np
import torch

import autodiff

DEVICE = "cpu"      # where JAX and torch compute: set by ``python -m benchmarks --device``


def block(result):
    """Wait for JAX's asynchronous dispatch (and CUDA's, for torch) to finish computing
    ``result``."""
    if isinstance(result, torch.Tensor) and result.is_cuda:
        torch.cuda.synchronize()
    if isinstance(result, autodiff.Tensor):
        result = result._value()
    if isinstance(result, (list, tuple)):
        for r in result:
            block(r)
    elif isinstance(result, jax.Array):
        result.block_until_ready()


def compare(fns, ratios, *, repeat, min_batch_s):
    """Median seconds per call of each of ``fns`` (name -> callable, or (callable, context
    manager factory) to run its batches in, e.g. ``autodiff.no_grad``), and the median of
    each of ``ratios`` ((a, b) pairs of names: ``"a / b"``)."""
    return summary(rounds(fns, repeat=repeat, min_batch_s=min_batch_s), ratios)


def rounds(fns, *, repeat, min_batch_s):
    """Seconds per call of each of ``fns`` (as for ``compare``), ``repeat`` samples each.

    Each is warmed up (JAX compiles on a first call) and given a batch size that lasts at
    least ``min_batch_s``; then the rounds interleave them, a batch of each per round, so
    that a machine busy for a while slows them all alike; a ratio is taken round by round,
    between batches run side by side. A batch ends when its last result is ready.
    """
    runs = {name: fn if isinstance(fn, tuple) else (fn, contextlib.nullcontext)
            for name, fn in fns.items()}
    numbers = {name: _batch_size(fn, context, min_batch_s)
               for name, (fn, context) in runs.items()}
    samples = {name: [] for name in runs}
    for _ in range(repeat):
        for name, (fn, context) in runs.items():
            samples[name].append(_batch(fn, numbers[name], context) / numbers[name])
    return samples


def in_processes(module, processes, *args):
    """Run ``python -m module DEVICE *args`` in ``processes`` fresh processes, one after
    the other; each prints its samples as JSON (case -> name -> list of seconds).

    A process's own layout of code and data in memory (where the interpreter, JAX and the
    arrays happen to land) biases all its timings of short calls by a few per cent, steady
    within the process: spreading the rounds over fresh processes, as pyperf does, and
    pooling them, averages that bias out.
    """
    return [json.loads(subprocess.run([sys.executable, "-m", module, DEVICE, *map(str, args)],
                                      check=True, capture_output=True, text=True).stdout)
            for _ in range(processes)]


def pooled(runs, case, ratios):
    """The summary of one case's samples from every process of ``runs``, with each
    process's own ratios beside it (``"a / b, each process"``)."""
    samples = {name: [t for run in runs for t in run[case][name]] for name in runs[0][case]}
    each = [summary(run[case], ratios) for run in runs]
    return {"processes": len(runs), **summary(samples, ratios),
            **{f"{a} / {b}, each process": [e[f"{a} / {b}"] for e in each] for a, b in ratios}}


def summary(samples, ratios):
    """Medians of the samples (name -> list), and medians of the round-by-round ratios."""
    row = {name: statistics.median(s) for name, s in samples.items()}
    for a, b in ratios:
        row[f"{a} / {b}"] = statistics.median(x / y for x, y in zip(samples[a], samples[b]))
    return row


def _batch_size(fn, context, min_batch_s):
    _batch(fn, 1, context)                             # warm-up (and JAX's compilation)
    number = 1
    while (elapsed := _batch(fn, number, context)) < min_batch_s:
        number = max(2 * number, int(number * min_batch_s * 1.2 / max(elapsed, 1e-9)))
    return number


def _batch(fn, number, context):
    with context():
        start = time.perf_counter()
        for _ in range(number):
            out = fn()
        block(out)
        return time.perf_counter() - start


def machine():
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f
                       if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    gpu = torch.cuda.get_device_name() if DEVICE == "cuda" else None
    return {"cpu": cpu, "cores": os.cpu_count(), "gpu": gpu, "platform": platform.platform(),
            "python": platform.python_version(), "jax": jax.__version__,
            "jax_backend": jax.default_backend(), "numpy": np.__version__,
            "torch": torch.__version__, "torch_threads": torch.get_num_threads(),
            "load_average": os.getloadavg()[0]}     # other work on the machine meanwhile
