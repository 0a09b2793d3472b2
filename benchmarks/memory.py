"""Memory: is the graph freed every step, and what does one backward cost?

Each measurement runs in a fresh process (``python -m benchmarks.memory CASE ...``), so
that one measurement's peak is not another's. RSS is read from ``/proc/self/status``
(Linux); the peak is reset before a measured region through ``/proc/self/clear_refs``.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import weakref

import torch

import autodiff

from . import mlp
from .timing import block

MB = 2 ** 20


def _status(field):
    """A ``/proc/self/status`` figure in bytes (VmRSS: now, VmHWM: the peak)."""
    with open("/proc/self/status") as f:
        line = next(line for line in f if line.startswith(field + ":"))
    return int(line.split()[1]) * 1024


def _reset_peak():
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def steps(n, gc_enabled):
    """RSS over ``n`` small autodiff training steps; graphs still alive after their step."""
    params, x, y = mlp.data(*mlp.SIZES[0][1:])
    params = [autodiff.tensor(p, requires_grad=True) for p in params]
    x, y = autodiff.tensor(x), autodiff.tensor(y)
    if not gc_enabled:
        gc.disable()
    samples, alive = [], 0
    for i in range(1, n + 1):
        loss = mlp.sgd_step(autodiff, params, x, y)
        graph = weakref.ref(loss.grad_fn)
        del loss
        alive += graph() is not None            # freed by reference counting, or not?
        if i % (n // 10) == 0:
            block(params[0])
            samples.append(_status("VmRSS"))
    return {"steps": n, "gc": gc_enabled, "rss_mb": [s / MB for s in samples],
            "growth_mb": (samples[-1] - samples[0]) / MB, "peak_mb": _status("VmHWM") / MB,
            "graphs_alive_after_step": alive}


def backward_peak(framework):
    """Peak RSS above the level before ``backward()``, for the widest MLP."""
    lib = {"autodiff": autodiff, "torch": torch}[framework]
    params, x, y = mlp.data(*mlp.SIZES[-1][1:])
    params = [lib.tensor(p, requires_grad=True) for p in params]
    x, y = lib.tensor(x), lib.tensor(y)
    mlp.sgd_step(lib, params, x, y)                    # warm-up: compile, allocate
    loss = mlp.loss(lib, params, x, y)
    block(loss)
    gc.collect()
    _reset_peak()
    before = _status("VmRSS")
    loss.backward()
    block([p.grad for p in params])
    return {"framework": framework, "peak_mb": (_status("VmHWM") - before) / MB}


def _measure(*args):
    """One measurement in a fresh process whose large allocations go back to the OS when
    freed, so that RSS follows live memory (this suite only: it slows the others' large
    arrays, allocated afresh from the OS every time)."""
    env = {"MALLOC_MMAP_THRESHOLD_": "65536", "MALLOC_TRIM_THRESHOLD_": "0", **os.environ}
    out = subprocess.run([sys.executable, "-m", "benchmarks.memory", *map(str, args)],
                         env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def run(quick):
    n = 2_000 if quick else 10_000
    return {"steps": [_measure("steps", n, gc_on) for gc_on in (1, 0)],
            "backward": [_measure("backward_peak", f) for f in ("autodiff", "torch")]}


if __name__ == "__main__":
    case, *args = sys.argv[1:]
    if case == "steps":
        result = steps(int(args[0]), bool(int(args[1])))
    else:
        result = backward_peak(args[0])
    print(json.dumps(result))
