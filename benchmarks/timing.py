"""How things are timed: warm up, then the median of repeated batches of calls."""

from __future__ import annotations

import os
import platform
import statistics
import time

import jax
import numpy as np

import autodiff


def block(result):
    """Wait for JAX's asynchronous dispatch to finish computing ``result``."""
    if isinstance(result, autodiff.Tensor):
        result = result._value()
    if isinstance(result, (list, tuple)):
        for r in result:
            block(r)
    elif isinstance(result, jax.Array):
        result.block_until_ready()


def per_call(fn, *, repeat, min_batch_s):
    """Median seconds per call of ``fn()``: batches of calls sized to last at least
    ``min_batch_s``, each batch ending when its last result is ready."""
    block(fn())                                        # warm-up (and JAX's compilation)
    number, elapsed = 1, 0.0
    while True:                                        # calibrate the batch size
        elapsed = _batch(fn, number)
        if elapsed >= min_batch_s:
            break
        number = max(2 * number, int(number * min_batch_s * 1.2 / max(elapsed, 1e-9)))
    samples = [elapsed / number] + [_batch(fn, number) / number for _ in range(repeat - 1)]
    return statistics.median(samples)


def _batch(fn, number):
    start = time.perf_counter()
    for _ in range(number):
        out = fn()
    block(out)
    return time.perf_counter() - start


def median_of(fn, repeat):
    """Median seconds of ``fn()``, each run timed alone (for runs that must be rebuilt)."""
    return statistics.median(fn() for _ in range(repeat))


def machine():
    """What the figures were measured on."""
    import torch

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f
                       if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "platform": platform.platform(),
            "python": platform.python_version(), "jax": jax.__version__,
            "jax_backend": jax.default_backend(), "numpy": np.__version__,
            "torch": torch.__version__, "torch_threads": torch.get_num_threads()}
