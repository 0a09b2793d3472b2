"""Comparing many cases at once: one worker process per CPU core, outcomes in the cases' order.

A case body can be a closure built by a helper (``cases/ops.py``), which does not
pickle; so each worker loads the same list of cases itself (the built-in ones, or the
user's files, imported again) and is sent positions in that list. It sends back each
case's rows, which hold only snapshots (NumPy arrays, texts, numbers). Workers are
started fresh (``spawn``): torch and JAX are multithreaded and must not be forked.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed

from parity_tests.harness import Case, Outcome, compare, load_cases

#: ``-n auto`` starts one worker per this many cases at most: a worker's start (importing
#: torch, JAX and autodiff) costs as much as comparing a few dozen cases.
CASES_PER_WORKER = 24


def collect(files: Sequence[str]) -> list[Case]:
    """Every case of ``files``, or the built-in cases when there are none."""
    if files:
        return [case for path in files for case in load_cases(path)]
    from parity_tests.cases import builtin_cases  # imports every case module: only if needed
    return builtin_cases()


def workers_for(count: int, requested: str | int) -> int:
    """How many processes compare ``count`` cases: ``requested``, or for ``"auto"`` one per
    CPU core but no more than one per :data:`CASES_PER_WORKER` cases."""
    if requested != "auto":
        return max(1, min(int(requested), count))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, -(-count // CASES_PER_WORKER)))


def compare_all(cases: list[Case], chosen: Sequence[int], files: Sequence[str],
                candidate: str, workers: int,
                on_done: Callable[[int], None] = lambda done: None) -> list[Outcome]:
    """Compare ``cases[i]`` for each ``i`` of ``chosen`` under torch and ``candidate``, in
    ``workers`` processes (1: in this one). ``on_done(n)`` is called as the count of
    compared cases grows; the outcomes come back in the order of ``chosen``."""
    if workers == 1:
        frameworks = importlib.import_module("torch"), importlib.import_module(candidate)
        outcomes = []
        for index in chosen:
            outcomes.append(compare(cases[index], *frameworks))
            on_done(len(outcomes))
        return outcomes
    # small chunks balance the load (op cases are quick, training cases slow)
    size = max(1, min(8, len(chosen) // (workers * 8)))
    chunks = [chosen[start:start + size] for start in range(0, len(chosen), size)]
    results: dict[int, tuple] = {}
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_start, initargs=(tuple(files), candidate)) as pool:
        for future in as_completed([pool.submit(_compare, chunk) for chunk in chunks]):
            results.update(future.result())
            on_done(len(results))
    return [Outcome(cases[index], *results[index]) for index in chosen]


# --- In a worker ------------------------------------------------------------------

_worker: dict = {}


def _start(files: tuple[str, ...], candidate: str) -> None:
    _worker["cases"] = collect(files)
    _worker["frameworks"] = importlib.import_module("torch"), importlib.import_module(candidate)


def _compare(chunk: Sequence[int]) -> dict[int, tuple]:
    """Each case's rows and skip reason: everything of its outcome but the case."""
    found = {}
    for index in chunk:
        outcome = compare(_worker["cases"][index], *_worker["frameworks"])
        found[index] = outcome.rows, outcome.skipped
    return found
