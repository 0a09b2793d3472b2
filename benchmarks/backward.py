"""Backward cost per node as the tape grows: a chain of n elementwise ops."""

from __future__ import annotations

import gc
import json
import sys
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


def samples(quick):
    """In this process: seconds per node of each chain length, on both frameworks."""
    libs = {"autodiff": autodiff, "torch": torch}
    for lib in libs.values():                         # warm-up: JAX compiles each op once,
        for n in (10, 1_000, 1_000):                  # and the first long passes run slower
            chain_backward(lib, n)
    out = {}
    for n in LENGTHS:
        gc.collect()                                  # not the garbage of what ran before
        # more samples of the short chains, whose passes last milliseconds: the medians
        # are steady at every length (the 1,000-node one is the others' yardstick)
        repeats = max(1, min(5, 5_000 // n)) if quick else max(2, min(9, 50_000 // n))
        out[n] = {name: [] for name in libs}
        for _ in range(repeats):
            for name, lib in libs.items():            # interleaved, as in timing.compare
                out[n][name].append(chain_backward(lib, n) / n)
    return out


def run(quick):
    # in fresh processes, as the op suite (see timing.in_processes): with few samples of
    # a long chain, one process's bias showed as a per-node cost off by up to 1.4x
    runs = timing.in_processes("benchmarks.backward", 2 if quick else 5, int(quick))
    return [{"nodes": n, **timing.pooled(runs, str(n), [("autodiff", "torch")])}
            for n in LENGTHS]


if __name__ == "__main__":
    timing.DEVICE = sys.argv[1]
    print(json.dumps(samples(bool(int(sys.argv[2])))))
