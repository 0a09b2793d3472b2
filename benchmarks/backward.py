"""Backward cost per node as the tape grows: a chain of n elementwise ops."""

from __future__ import annotations

import gc
import time

import torch

import autodiff

from . import timing

LENGTHS = (100, 1_000, 10_000, 100_000)


def chain_backward(lib, n):
    """Seconds for ``backward()`` through ``y = x * 0.999`` repeated n times."""
    x = lib.ones(16, requires_grad=True, device=timing.DEVICE)
    y = x
    for _ in range(n):
        y = y * 0.999
    loss = y.sum()
    start = time.perf_counter()
    loss.backward()
    timing.block(x.grad)
    return time.perf_counter() - start


def run(quick):
    libs = {"autodiff": autodiff, "torch": torch}
    for lib in libs.values():                         # warm-up: JAX compiles each op once,
        for n in (10, 1_000, 1_000):                  # and the first long passes run slower
            chain_backward(lib, n)
    rows = []
    for n in LENGTHS:
        gc.collect()                                  # not the garbage of what ran before
        samples = {name: [] for name in libs}
        # more samples of the short chains, whose passes last milliseconds: the medians
        # are steady at every length (the 1,000-node one is the others' yardstick)
        repeats = max(1, min(9, 10_000 // n)) if quick else max(3, min(41, 100_000 // n))
        for _ in range(repeats):
            for name, lib in libs.items():            # interleaved, as in timing.compare
                samples[name].append(chain_backward(lib, n) / n)
        rows.append({"nodes": n, **timing.summary(samples, [("autodiff", "torch")])})
    return rows
