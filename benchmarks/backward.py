"""Backward cost per node as the tape grows: a chain of n elementwise ops."""

from __future__ import annotations

import time

import torch

import autodiff

from .timing import block, median_of

LENGTHS = (100, 1_000, 10_000, 100_000)


def chain_backward(lib, n):
    """Seconds for ``backward()`` through ``y = x * 0.999`` repeated n times."""
    x = lib.ones(16, requires_grad=True)
    y = x
    for _ in range(n):
        y = y * 0.999
    loss = y.sum()
    start = time.perf_counter()
    loss.backward()
    block(x.grad)
    return time.perf_counter() - start


def run(quick):
    for lib in (autodiff, torch):
        chain_backward(lib, 10)                       # warm-up: JAX compiles each op once
    rows = []
    for n in LENGTHS:
        repeat = 1 if n == LENGTHS[-1] or quick else 5
        rows.append({"nodes": n,
                     "autodiff": median_of(lambda: chain_backward(autodiff, n), repeat) / n,
                     "torch": median_of(lambda: chain_backward(torch, n), repeat) / n})
    return rows
