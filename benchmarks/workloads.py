"""Whole scripts as a new user writes them (issue 20): each timed on autodiff, torch and
raw JAX in the same run. Every workload is one function of ``lib`` (the module: autodiff,
torch, or a namespace of ``jax.numpy``), so the three run the same body; raw JAX
differentiates it with ``jax.value_and_grad`` op by op (eager, not jitted).

* ``row loop``   -- ``y[i]`` for each of 200 rows, summed, backward: the first pass (a
                    fresh process: it pays for whatever compiles) and the steady one.
* ``stack``      -- ``stack`` of 1,000 small tensors, ``.sum().backward()``: first, steady.
* ``dag``        -- one input, 1,000 branches ``tanh(x * c)`` summed: forward + backward.
* ``chain``      -- 100,000 ops ``y = y * 0.999``: forward + backward.
* ``two-layer net`` -- the five scripts of the PyTorch tutorial "Learning PyTorch with
  Examples" (hand-written backward, autograd, a custom autograd.Function, nn, optim),
  N, D_in, H, D_out = 64, 1000, 100, 10, 500 steps; beside them the autograd script as one
  ``autodiff.compile`` step and as a hand-written ``jax.jit`` step.
* ``data parallel`` -- that compiled step on one CPU device and over a mesh of four
  (``autodiff.compile(..., mesh=)``), in a process that has four
  (``--xla_force_host_platform_device_count=4``).

``--quick`` sizes are for smoke tests only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import types

import jax
import jax.numpy as jnp
import numpy as np
import torch

import autodiff

from . import timing

SIZES = {"rows": 200, "stack": 1_000, "branches": 1_000, "chain": 100_000, "steps": 500}
QUICK = {"rows": 20, "stack": 50, "branches": 50, "chain": 1_000, "steps": 10}
N, D_IN, H, D_OUT = 64, 1000, 100, 10
# jax.numpy spelled like torch, for the bodies below
JAX = types.SimpleNamespace(stack=jnp.stack, tanh=jnp.tanh)
LIBS = ("autodiff", "jax", "torch")


def row_loop(lib, y, n):
    total = y[0].sum()
    for i in range(1, n):
        total = total + y[i].sum()
    return total


def stack_fan_in(lib, xs, n):
    return lib.stack(xs[:n]).sum()


def dag(lib, x, n):
    return sum(lib.tanh(x * (1.0 + i / n)) for i in range(n)).sum()


def chain(lib, x, n):
    for _ in range(n):
        x = x * 0.999
    return x.sum()


GRAPHS = {"row loop": (row_loop, "rows", (200, 16)), "stack": (stack_fan_in, "stack", None),
          "dag": (dag, "branches", (16,)), "chain": (chain, "chain", (16,))}


def _inputs(name, framework, n):
    rng = np.random.default_rng(0)
    shape = GRAPHS[name][2]
    if shape is None:                      # the stack's inputs: n tensors of 4 elements
        arrays = [rng.standard_normal(4).astype(np.float32) for _ in range(n)]
    else:
        arrays = rng.standard_normal((max(n, shape[0]),) + shape[1:] if name == "row loop"
                                     else shape).astype(np.float32)
    make = {"autodiff": lambda a: autodiff.tensor(a, requires_grad=True, device=timing.DEVICE),
            "torch": lambda a: torch.tensor(a, requires_grad=True, device=timing.DEVICE),
            "jax": jnp.asarray}[framework]
    return [make(a) for a in arrays] if shape is None else make(arrays)


def graph_pass(name, framework, n):
    """Seconds for one forward + backward of workload ``name`` (size n) on ``framework``."""
    one = pass_of(name, framework, n)
    start = time.perf_counter()
    timing.block(one())
    return time.perf_counter() - start


def pass_of(name, framework, n):
    """One forward + backward of workload ``name`` on ``framework``, as a callable that
    returns the gradients (its inputs made once, beforehand)."""
    body = GRAPHS[name][0]
    x = _inputs(name, framework, n)
    if framework == "jax":
        return lambda: jax.value_and_grad(lambda x: body(JAX, x, n))(x)[1]
    lib = autodiff if framework == "autodiff" else torch

    def one():
        body(lib, x, n).backward()
        return [t.grad for t in x] if isinstance(x, list) else x.grad
    return one


def first_passes(name, n):
    """In a fresh process: the first pass of ``name`` on each framework (JAX started)."""
    jnp.zeros(1).block_until_ready()
    return {framework: graph_pass(name, framework, n) for framework in LIBS}


# -- the two-layer net of "Learning PyTorch with Examples" ----------------------------------

class MyReLU:
    """The tutorial's custom ReLU, as a subclass of either framework's Function."""

    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


RELUS = {lib: type("MyReLU", (lib.autograd.Function,), dict(vars(MyReLU)))
         for lib in (autodiff, torch)}


def _net_data(lib):
    rng = np.random.default_rng(0)
    x, y, w1, w2 = (rng.standard_normal(s).astype(np.float32)
                    for s in ((N, D_IN), (N, D_OUT), (D_IN, H), (H, D_OUT)))
    return tuple(lib.tensor(a, device=timing.DEVICE) for a in (x, y, w1, w2))


def hand_written(lib, steps, lr=1e-6):
    x, y, w1, w2 = _net_data(lib)
    for _ in range(steps):
        h = x.mm(w1)
        h_relu = h.clamp(min=0)
        y_pred = h_relu.mm(w2)
        loss = (y_pred - y).pow(2).sum()
        grad_y_pred = 2.0 * (y_pred - y)
        grad_w2 = h_relu.t().mm(grad_y_pred)
        grad_h_relu = grad_y_pred.mm(w2.t())
        grad_h = grad_h_relu.clone()
        grad_h[h < 0] = 0
        grad_w1 = x.t().mm(grad_h)
        w1 -= lr * grad_w1
        w2 -= lr * grad_w2
    return loss


def jax_hand_written(steps, lr=1e-6):
    """The hand-written script in ``jax.numpy``, op by op (not jitted): the floor of an
    eager library on JAX, one dispatch per op."""
    x, y, w1, w2 = (t._value() for t in _net_data(autodiff))
    for _ in range(steps):
        h = x @ w1
        h_relu = jnp.clip(h, 0)
        y_pred = h_relu @ w2
        loss = ((y_pred - y) ** 2).sum()
        grad_y_pred = 2.0 * (y_pred - y)
        grad_w2 = h_relu.T @ grad_y_pred
        grad_h_relu = grad_y_pred @ w2.T
        grad_h = jnp.where(h < 0, 0, grad_h_relu)
        grad_w1 = x.T @ grad_h
        w1 = w1 - lr * grad_w1
        w2 = w2 - lr * grad_w2
    return loss


def _weights(lib):
    x, y, w1, w2 = _net_data(lib)
    return x, y, w1.requires_grad_(), w2.requires_grad_()


def _sgd(lib, loss, weights, lr):
    loss.backward()
    with lib.no_grad():
        for w in weights:
            w -= lr * w.grad
            w.grad.zero_()


def autograd(lib, steps, lr=1e-6, relu=None):
    x, y, w1, w2 = _weights(lib)
    for _ in range(steps):
        h = x.mm(w1)
        y_pred = (relu.apply(h) if relu else h.clamp(min=0)).mm(w2)
        loss = (y_pred - y).pow(2).sum()
        _sgd(lib, loss, (w1, w2), lr)
    return loss


def custom_function(lib, steps):
    return autograd(lib, steps, relu=RELUS[lib])


def _model(lib):
    lib.manual_seed(0)
    return lib.nn.Sequential(lib.nn.Linear(D_IN, H), lib.nn.ReLU(),
                             lib.nn.Linear(H, D_OUT)).to(timing.DEVICE)


def with_nn(lib, steps, lr=1e-4):
    x, y, _, _ = _net_data(lib)
    model, loss_fn = _model(lib), lib.nn.MSELoss(reduction="sum")
    for _ in range(steps):
        loss = loss_fn(model(x), y)
        model.zero_grad()
        loss.backward()
        with lib.no_grad():
            for param in model.parameters():
                param -= lr * param.grad
    return loss


def with_optim(lib, steps, lr=1e-4):
    x, y, _, _ = _net_data(lib)
    model, loss_fn = _model(lib), lib.nn.MSELoss(reduction="sum")
    optimizer = lib.optim.Adam(model.parameters(), lr=lr)
    for _ in range(steps):
        loss = loss_fn(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return loss


def compiled(steps, mesh=None, lr=1e-6):
    """The autograd script with its step under ``autodiff.compile`` (over ``mesh``: data
    parallel), compiled once: a callable that runs ``steps`` steps."""
    x, y, w1, w2 = _weights(autodiff)

    @autodiff.compile(state=[w1, w2], mesh=mesh)
    def step(x, y):
        loss = (x.mm(w1).clamp(min=0).mm(w2) - y).pow(2).sum()
        _sgd(autodiff, loss, (w1, w2), lr)
        return loss

    def loop():
        for _ in range(steps):
            loss = step(x, y)
        return loss
    return loop


def data_parallel(steps):
    """The compiled step on one device and over a mesh of all (four CPU devices in a
    process started for it; on a GPU machine, its GPUs): seconds for ``steps`` steps."""
    mesh = jax.make_mesh((jax.device_count(),), ("data",))
    return {"devices": jax.device_count(), "one device": _seconds(compiled(steps), 3),
            "mesh": _seconds(compiled(steps, mesh), 3)}


@jax.jit
def _jax_step(w1, w2, x, y, lr=1e-6):
    def loss(w1, w2):
        with jax.default_matmul_precision("highest"):
            return ((jnp.maximum(x @ w1, 0) @ w2 - y) ** 2).sum()
    value, (g1, g2) = jax.value_and_grad(loss, (0, 1))(w1, w2)
    return w1 - lr * g1, w2 - lr * g2, value


def jax_jit(steps):
    """The autograd script by hand in JAX: ``jax.jit(value_and_grad)`` and SGD."""
    x, y, w1, w2 = (t._value() for t in _net_data(autodiff))
    for _ in range(steps):
        w1, w2, loss = _jax_step(w1, w2, x, y)
    return loss


SCRIPTS = {"hand-written": hand_written, "autograd": autograd,
           "custom Function": custom_function, "nn": with_nn, "optim": with_optim}


def _seconds(fn, repeat):
    fn()                                            # warm-up: JAX compiles
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        timing.block(fn())
        out.append(time.perf_counter() - start)
    return float(np.median(out))


def run(quick):
    """The suite, in a fresh process: a script's figures, not those of a process that ran
    other suites first (whose objects slow the cycle collector's full passes)."""
    done = subprocess.run([sys.executable, "-m", "benchmarks.workloads", timing.DEVICE,
                           "suite", str(int(quick))], check=True, capture_output=True,
                          text=True)
    return json.loads(done.stdout)


def _side_by_side(fns, a, b, repeat):
    """Seconds per call of each of ``fns`` (name -> callable), in interleaved rounds, and
    the median of ``a``'s round-by-round ratios to ``b`` (``"a / b"``): a machine busy
    for a while slows both alike."""
    return timing.summary(timing.rounds(fns, repeat=repeat, min_batch_s=0.2), [(a, b)])


def _suite(quick):
    sizes, repeat = (QUICK, 1) if quick else (SIZES, 5)
    out = {"sizes": sizes, "graphs": [], "two-layer net": []}
    for name, (_, size, _) in GRAPHS.items():
        n = sizes[size]
        row = {"workload": name, "n": n}
        if name in ("row loop", "stack"):           # first passes: in a fresh process
            (first,) = timing.in_processes("benchmarks.workloads", 1, name, n)
            row.update({f"{f} first": first[f] for f in LIBS})
        row.update(_side_by_side({f: pass_of(name, f, n) for f in ("autodiff", "torch")},
                                 "autodiff", "torch", repeat))
        # the 100,000-op chain under jax.value_and_grad takes seconds a pass: once
        row["jax"] = _seconds(pass_of(name, "jax", n), 1 if name == "chain" else 3)
        out["graphs"].append(row)
    steps = sizes["steps"]
    for name, script in SCRIPTS.items():
        out["two-layer net"].append({"script": name, "steps": steps, **_side_by_side(
            {f: lambda lib=lib: script(lib, steps) for f, lib in (("autodiff", autodiff),
                                                                 ("torch", torch))},
            "autodiff", "torch", repeat)})
    out["two-layer net"][0]["jax eager"] = _seconds(lambda: jax_hand_written(steps), repeat)
    out["two-layer net"].append({"script": "autograd, one compiled step", "steps": steps,
                                 **_side_by_side({"autodiff compiled": compiled(steps),
                                                  "jax.jit": lambda: jax_jit(steps)},
                                                 "autodiff compiled", "jax.jit", repeat)})
    env = {**os.environ, "XLA_FLAGS": "--xla_force_host_platform_device_count=4 "
           + os.environ.get("XLA_FLAGS", "")}                 # read when JAX starts
    done = subprocess.run([sys.executable, "-m", "benchmarks.workloads", timing.DEVICE,
                           "data parallel", str(steps)], env=env, check=True,
                          capture_output=True, text=True)
    out["data parallel"] = {"steps": steps, **json.loads(done.stdout)}
    return out


if __name__ == "__main__":
    timing.DEVICE, name, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    print(json.dumps(_suite(bool(n)) if name == "suite" else data_parallel(n)
                     if name == "data parallel" else first_passes(name, n)))
