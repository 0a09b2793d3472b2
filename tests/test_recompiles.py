"""No compile per value: kernels are cached per shape and dtype, never per index, offset,
mask or scalar a loop varies.

Every XLA compile is counted (JAX's monitoring event for a backend compile). Each test
warms its op up on two values, then runs it over many other values and bounds the
compiles: O(1), however many values. The same loop runs under torch, and the results
must agree.
"""

import contextlib

import jax
import numpy as np
import pytest
import torch

import autodiff

_COMPILES = [0]


def _on_event(event, duration, **kwargs):
    if event == "/jax/core/compile/backend_compile_duration":
        _COMPILES[0] += 1


jax.monitoring.register_event_duration_secs_listener(_on_event)


@contextlib.contextmanager
def compiles():
    """Counts the XLA compiles of the block: ``with compiles() as n: ...; n[0]``."""
    start, n = _COMPILES[0], [0]
    try:
        yield n
    finally:
        n[0] = _COMPILES[0] - start


def both(body, n):
    """``body(T, values)`` with ``values`` = range(2, n) under torch and under autodiff,
    after a warm-up of autodiff's on values 0 and 1: the compiles of autodiff's second
    run (the results of both must agree)."""
    body(autodiff, range(2))
    with compiles() as count:
        ours = body(autodiff, range(2, n))
    theirs = body(torch, range(2, n))
    as_np = lambda xs: [np.asarray(x.detach().numpy() if hasattr(x, "detach") else x)
                        for x in xs]
    for a, b in zip(as_np(ours), as_np(theirs)):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)
    return count[0]


def leaf(T, *shape):
    return T.arange(float(np.prod(shape)), dtype=T.float64).reshape(shape).requires_grad_()


def test_the_counter_counts():
    """A new shape compiles: the counter is not stuck at zero."""
    with compiles() as n:
        autodiff.ones(17, 3, 5) * 2.5
    assert n[0] >= 1


def test_indexing_a_thousand_rows_compiles_a_few_kernels():
    def body(T, rows):
        y = T.arange(3000.0, dtype=T.float64).reshape(1000, 3)
        return [T.stack([y[i] for i in rows])]        # the stack: one kernel, 998 inputs
    assert both(body, 1000) <= 2


def test_a_row_loop_forward_and_backward_compiles_a_few_kernels():
    """``y[i]`` for many rows, summed, then backward: the tutorials' row loop."""
    def body(T, rows):
        y = leaf(T, 300, 3)
        total = sum(y[i].sum() * (i % 7) for i in rows)
        total.backward()
        return [total, y.grad]
    assert both(body, 300) <= 2


def test_slices_at_distinct_starts():
    def body(T, starts):
        x = leaf(T, 200, 2)
        parts = [x[i:i + 3] for i in starts] + [x.narrow(0, i, 3) for i in starts]
        total = sum(p.sum() * k for k, p in enumerate(parts))
        total.backward()
        return [total, x.grad]
    assert both(body, 150) <= 2


def test_strided_slices_at_distinct_starts():
    def body(T, starts):
        x = leaf(T, 100)
        total = sum(x[i:i + 20:3].sum() * i for i in starts)
        total.backward()
        return [total, x.grad]
    assert both(body, 60) <= 2


@pytest.mark.parametrize("join", ["stack", "cat"])
def test_backward_of_a_thousand_input_join(join):
    """torch.stack / torch.cat of 1,000 small tensors, then backward: one select or narrow
    kernel for all of them, not one compile per offset (the join itself compiles once for
    its number of inputs)."""
    def body(T, values):
        xs = [T.full((3,), float(i), dtype=T.float64, requires_grad=True) for i in values]
        out = getattr(T, join)(xs)
        (out * out).sum().backward()
        return [out, xs[0].grad, xs[len(xs) // 2].grad, xs[-1].grad]
    assert both(body, 1000) <= 6


@pytest.mark.parametrize("how", ["split", "chunk", "unbind"])
def test_backward_of_many_output_splits(how):
    def body(T, values):
        x = leaf(T, 2 * len(values), 2)
        parts = {"split": lambda: x.split(2), "chunk": lambda: x.chunk(len(values)),
                 "unbind": lambda: x.unbind()}[how]()
        total = sum(p.sum() * i for i, p in zip(values, parts))
        total.backward()
        return [total, x.grad]
    assert both(body, 400) <= 8


def test_boolean_mask_assignment_does_not_compile_per_mask():
    def body(T, values):
        g = T.linspace(-1.0, 1.0, 120, dtype=T.float64).reshape(30, 4)
        for i in values:
            g[g < (i - 20) / 25] = i / 10      # a different mask, and a different count
            g[g[:, 0] > i / 40] = T.tensor([1.0, 2.0, 3.0, 4.0], dtype=T.float64) * i
        return [g]
    assert both(body, 40) <= 1


def test_in_place_writes_at_distinct_indices():
    def body(T, rows):
        x = T.zeros(50, 3, dtype=T.float64)
        s = T.zeros(50, 4, dtype=T.float64)
        for i in rows:
            x[i] = float(i)
            x[i, i % 3] += 1.0
            s = s + T.select_scatter(s, T.ones(4, dtype=T.float64) * i, 0, i)
        return [x, s]
    assert both(body, 50) <= 1


def test_scalar_operands_and_bounds_are_not_compiled_in():
    def body(T, values):
        x = T.linspace(-2.0, 2.0, 10, dtype=T.float64)
        return [sum(x.clamp(min=i / 10, max=i) * (i / 3) + i for i in values)]
    assert both(body, 30) <= 1


def test_learning_rates_are_not_compiled_in():
    def body(T, steps):
        w = T.ones(5, dtype=T.float64, requires_grad=True)
        opt = T.optim.SGD([w], lr=0.1, momentum=0.9)
        for step in steps:
            for group in opt.param_groups:
                group["lr"] = 0.1 / (step + 1)
            opt.zero_grad()
            (w * w).sum().backward()
            opt.step()
        return [w]
    assert both(body, 20) <= 1


def test_a_training_loop_compiles_its_backward_once(monkeypatch):
    """The same graph step after step, with a bound, a factor and a learning rate that
    change: its backward pass becomes one program (tape.py, section 8), compiled once,
    and the loop still gives torch's losses and weights."""
    def body(T, steps):
        x = T.linspace(-1.0, 1.0, 12, dtype=T.float64).reshape(3, 4)
        w = leaf(T, 4, 2)
        for i in steps:
            loss = (x.mm(w).clamp(min=-i / 100) * (1 + i / 10)).pow(2).sum()
            loss.backward()
            with T.no_grad():
                w -= 0.01 / (i + 1) * w.grad
                w.grad.zero_()
        return [loss, w]

    walked = []
    node_by_node = autodiff.tape.Node._rule_gradients
    monkeypatch.setattr(autodiff.tape.Node, "_rule_gradients",
                        lambda node, *args: walked.append(node) or node_by_node(node, *args))
    body(autodiff, range(12))              # the warm-up: compiled at its tenth pass
    walked.clear()
    assert both(body, 40) <= 1
    assert walked == []                    # no pass walked its nodes one by one
