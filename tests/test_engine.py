"""The engine's own promises: long chains, freed graphs, no cycles, JAX underneath.

Behaviour that torch also shows is compared with torch here (one body, two
frameworks); the parity harness (tests/test_parity.py) covers the documented examples.
"""

import gc
import weakref

import jax
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import autodiff
from autodiff import tape
from autodiff.tape import Rule


def both(body):
    """Run ``body`` under torch and autodiff; the texts it returns must be identical."""
    expected = body(torch)
    expected = [str(x).replace("torch", "autodiff") for x in expected]
    assert [str(x) for x in body(autodiff)] == expected


def test_a_100000_op_chain_backpropagates_without_recursion():
    x = autodiff.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.backward()
    assert x.grad.item() == 1.0


def _long_chain(T, x, events):
    """3,000 nodes in a line: scaled, exp, log, shifted, by turns (regions of rows the engine
    compiles; the gradient stays near one), down to a leaf whose hook says when its
    gradient arrives; a second branch beside it, whose hook says when it runs."""
    y = x
    for i in range(750):
        sign = (-1) ** i
        y = (y * (1 + sign * 0.01)).exp().log() + sign * 0.5
    side = x.exp()
    side.register_hook(lambda g: events.append("side"))
    return y.sum() + side.sum()


def test_a_long_chain_runs_in_compiled_regions_with_torchs_gradients_and_order():
    """A pass over 6,000 nodes is not compiled whole, but its recurring regions are: the
    gradients, the hooks' order and the freed graph are torch's."""
    def body(T):
        events = []
        x = T.tensor([0.5, -1.0, 2.0], dtype=T.float64, requires_grad=True)
        x.register_post_accumulate_grad_hook(lambda leaf: events.append("leaf"))
        grads, texts = [], []
        for _ in range(3):                            # regions are compiled once they recur
            x.grad = None
            out = _long_chain(T, x, events)
            out.backward(retain_graph=True)
            out.backward()
            grads.append(x.grad.tolist())
            try:
                out.backward()
            except RuntimeError as e:
                texts.append(str(e).split(".")[0].replace("torch", "autodiff"))
        return grads, texts + events

    tape._programs.clear()
    (grads, texts), (expected_grads, expected_texts) = body(autodiff), body(torch)
    assert any(type(entry) is not int for entry in tape._programs.values()), "no region compiled"
    assert texts == expected_texts
    np.testing.assert_allclose(grads, expected_grads, rtol=1e-12)


def _fan_out(T, x):
    """One input through branches, summed (the benchmark's DAG, small)."""
    return sum(T.tanh(x * (1.0 + i / 40)) for i in range(40)).sum()


def _diamond(T, x):
    """Two branches meet again at ``exp``; one of them runs first, so when the other's
    region grows, ``exp`` already holds a gradient and must stay outside it."""
    z = (x * 0.5).exp()
    return z.sin().sum() * 2 + z.cos().sum()


def _saved_then_changed(T, x):
    """A saved tensor written in place before backward: the walk raises torch's error."""
    y = x * 1.0
    z = (y * y).sum()
    with T.no_grad():
        y.add_(1)
    return z


@pytest.mark.parametrize("graph", [_fan_out, _diamond, _saved_then_changed])
def test_compiled_regions_give_torchs_gradients_and_errors(graph, monkeypatch):
    """Every region compiled at first sight (no pass compiled whole): the gradients, and
    the errors, are torch's."""
    monkeypatch.setattr(tape, "_COMPILE_AFTER", -10 ** 6)
    monkeypatch.setattr(tape, "_MAX_NODES", 0)
    monkeypatch.setattr(tape, "_programs", {})

    def body(T):
        x = T.tensor([0.5, -1.0, 2.0], dtype=T.float64, requires_grad=True)
        try:
            for _ in range(2):
                graph(T, x).backward()
        except RuntimeError as e:
            return str(e).replace("torch", "autodiff"), None
        return None, x.grad.numpy()

    (error, grad), (expected_error, expected_grad) = body(autodiff), body(torch)
    assert error == expected_error
    if grad is not None or expected_grad is not None:
        np.testing.assert_allclose(grad, expected_grad, rtol=1e-12)
    assert any(type(entry) is not int for entry in tape._programs.values()) or error


def test_a_region_never_sends_into_a_leaf_with_hooks(monkeypatch):
    """A region that ended at a hooked leaf would fill its .grad before a branch that
    torch runs first: the hooks' order is torch's."""
    monkeypatch.setattr(tape, "_COMPILE_AFTER", -10 ** 6)
    monkeypatch.setattr(tape, "_MAX_NODES", 0)

    def body(T):
        events = []
        x = T.tensor([0.5, 2.0], requires_grad=True)
        w = T.tensor([1.0, -1.0], requires_grad=True)
        x.register_post_accumulate_grad_hook(lambda leaf: events.append("x"))
        a = x
        for _ in range(10):
            a = a * 1.5
        b = w.exp()
        b.register_hook(lambda g: events.append("b"))
        (a.sum() + b.sum()).backward()
        return events

    both(body)


def test_saved_tensors_are_freed_after_backward_unless_retained():
    def body(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        y = x * x
        kept = (x.exp()).sum()
        kept.backward(retain_graph=True)
        y.sum().backward()
        try:
            y.grad_fn._saved_self
        except RuntimeError as e:
            freed = str(e)
        return [freed, kept.grad_fn.next_functions[0][0]._saved_result]
    both(body)


def test_only_the_formulas_of_wanted_gradients_run():
    """One formula per input: the backward pass runs an input's formula only if its
    gradient goes somewhere, and the node saves only what a formula that will run reads."""
    ran = []
    rule = Rule("counted_mul", "CountedMulBackward0", lambda self, other: self * other,
                (lambda grad, other: ran.append("self") or grad * other,
                 lambda grad, self: ran.append("other") or grad * self))
    x = autodiff.tensor([1.0, 2.0], requires_grad=True)
    w = autodiff.tensor([3.0, 4.0])
    y = tape.apply(rule, x, w)
    assert y.grad_fn._saved_self is None and y.grad_fn._saved_other is w
    y.sum().backward()
    assert ran == ["self"] and x.grad.tolist() == [3.0, 4.0]
    ran.clear()
    y = tape.apply(rule, w, x)                        # now only other's gradient is wanted
    assert y.grad_fn._saved_self is w and y.grad_fn._saved_other is None
    y.sum().backward()
    assert ran == ["other"]


def test_a_graph_that_saved_nothing_can_be_replayed():
    def body(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        y = (x + 1).sum()
        y.backward()
        y.backward()
        return [x.grad]
    both(body)


def test_checks_in_a_compiled_forward_run_on_every_bad_call():
    """mm checks its shapes while JAX traces its forward; a failed trace is not cached, so
    the same bad call fails again (as torch's) and a good call of those shapes still runs."""
    def body(T):
        errors = []
        for _ in range(2):
            try:
                T.ones(2, 3) @ T.ones(2, 3)
            except RuntimeError as e:
                errors.append(e)
        return [*errors, T.ones(2, 3) @ T.ones(3, 2)]
    both(body)


def test_graph_is_freed_by_reference_counting_alone():
    gc.disable()
    try:
        w = autodiff.tensor([1.0, 2.0], requires_grad=True)
        h = (w * 2).exp()
        loss = (h * w).sum()
        probe = weakref.ref(h)
        node = weakref.ref(loss.grad_fn)
        loss.backward()
        del h, loss
        assert probe() is None and node() is None
    finally:
        gc.enable()


def test_tensors_hold_jax_arrays_and_float64_is_real():
    x = autodiff.tensor([1.0, 2.0], dtype=autodiff.float64)
    assert isinstance(x._value(), jax.Array)
    assert x._value().dtype == np.float64
    assert autodiff.tensor([1.0]).dtype is autodiff.float32


def test_tape_order_is_creation_order():
    x = autodiff.tensor(1.0, requires_grad=True)
    a = x * 2
    b = a + 1
    c = b.exp()
    seq = [t.grad_fn._sequence_nr() for t in (a, b, c)]
    assert seq == sorted(seq) and len(set(seq)) == 3


def test_accumulate_grad_is_one_per_leaf_and_points_at_it():
    def body(T):
        x = T.tensor([1.0], requires_grad=True)
        a, b = x * 2, x * 3
        acc_a = a.grad_fn.next_functions[0][0]
        acc_b = b.grad_fn.next_functions[0][0]
        return [type(acc_a).__name__, acc_a is acc_b, acc_a.variable is x]
    both(body)


DTYPES = ["bool", "int32", "int64", "float16", "float32", "float64"]
SCALARS = [True, 3, 2.5]


@settings(max_examples=60, deadline=None)
@given(a=st.sampled_from(DTYPES), b=st.sampled_from(DTYPES + SCALARS),
       a_dim=st.booleans(), b_dim=st.booleans(),
       op=st.sampled_from(["add", "mul", "sub", "div", "maximum"]))
def test_type_promotion_follows_torch(a, b, a_dim, b_dim, op):
    def body(T):
        def make(d, dim):
            if not isinstance(d, str):
                return d
            shape = (2,) if dim else ()
            return T.ones(shape, dtype=getattr(T, d))
        x, y = make(a, a_dim), make(b, b_dim)
        try:
            return [getattr(T, op)(x, y).dtype]
        except (RuntimeError, TypeError) as e:
            return [f"{type(e).__name__}: {e}".split("\n")[0]]
    both(body)


@settings(max_examples=30, deadline=None)
@given(dtype=st.sampled_from(["float32", "float64"]), seed=st.integers(0, 2 ** 16),
       divisor=st.sampled_from(["number", "0-d", "row", "full", "in place"]))
def test_division_gives_torch_quotients_bit_for_bit(dtype, seed, divisor):
    """XLA would multiply by a broadcast divisor's reciprocal (one rounding more): the
    quotients are torch's, to the last bit, whatever the divisor's shape."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((40, 50)) * 10.0 ** rng.integers(-3, 4)
    y = rng.uniform(0.1, 9.0, (40, 1) if divisor == "row" else (40, 50))
    number = float(rng.uniform(0.1, 9.0))

    def quotient(T):
        a, b = (T.tensor(v, dtype=getattr(T, dtype)) for v in (x, y))
        return {"number": lambda: a / number, "0-d": lambda: a / T.tensor(number),
                "row": lambda: a / b, "full": lambda: a / b,
                "in place": lambda: a.div_(number)}[divisor]().numpy()
    np.testing.assert_array_equal(quotient(autodiff), quotient(torch))


@settings(max_examples=40, deadline=None)
@given(shape=st.lists(st.integers(0, 4), max_size=3), scale=st.sampled_from(
    [1e-6, 1e-3, 1.0, 1e3, 1e9]), dtype=st.sampled_from(["float32", "float64", "int64"]),
    integral=st.booleans(), data=st.data())
def test_repr_matches_torch(shape, scale, dtype, integral, data):
    seed = data.draw(st.integers(0, 2**16))
    values = np.random.default_rng(seed).standard_normal(shape) * scale
    if integral or dtype == "int64":
        values = np.round(values)

    def body(T):
        t = T.tensor(values.tolist(), dtype=getattr(T, dtype))
        return [repr(t), str(t * 1 if dtype != "int64" else t)]
    both(body)


def test_summarised_repr_of_a_big_tensor_matches_torch():
    both(lambda T: [repr(T.arange(3000.).reshape(3, 1000) / 7),
                    repr(T.arange(2000).reshape(2, 10, 100))])


def test_backward_with_create_graph_warns_once_as_torch(monkeypatch):
    """torch warns once per process, so its text comes from a fresh interpreter."""
    import subprocess
    import sys
    import warnings

    script = ("import warnings, torch; warnings.simplefilter('always')\n"
              "x = torch.tensor([1.0], requires_grad=True)\n"
              "with warnings.catch_warnings(record=True) as w:\n"
              "    warnings.simplefilter('always')\n"
              "    (x ** 2).sum().backward(create_graph=True)\n"
              "    (x ** 2).sum().backward(create_graph=True)\n"
              "print(len(w)); print(str(w[0].message).split(' (Triggered')[0])")
    count, text = subprocess.run([sys.executable, "-c", script], capture_output=True,
                                 text=True, check=True).stdout.strip().split("\n", 1)
    monkeypatch.setattr(tape, "_warned", set())
    x = autodiff.tensor([1.0], requires_grad=True)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        (x ** 2).sum().backward(create_graph=True)
        (x ** 2).sum().backward(create_graph=True)
    assert [str(m.message) for m in w] == [text] * int(count)


def test_devices_print_as_torch_and_a_missing_gpu_is_a_clear_error():
    both(lambda T: [T.ones(2).device, T.device("cpu"), T.device("cuda", 0), T.device("cuda:1"),
                    str(T.device("cuda:1"))])
    if not autodiff.cuda.is_available():
        with pytest.raises(RuntimeError, match="no cuda device is available to JAX"):
            autodiff.ones(2).to("cuda")


def test_new_tensors_go_to_the_default_device_the_cpu_until_set():
    def body(T):
        before = T.get_default_device()
        T.set_default_device("cpu")
        during = [T.get_default_device(), T.zeros(1).device, T.tensor([1.0]).device]
        T.set_default_device(None)
        with T.device("cpu") as d:
            inside = [d, T.ones(1).device, T.get_default_device()]
        return [before, *during, T.get_default_device(), *inside, T.get_default_device()]
    both(body)


def test_numpy_refuses_a_tensor_that_requires_grad_only_while_grad_is_enabled():
    def body(T):
        x = T.ones(2, requires_grad=True)
        with T.no_grad():
            out = [x.numpy(), x.numpy(force=True)]
        try:
            x.numpy()
        except RuntimeError as e:
            out.append(e)
        return out
    both(body)


@pytest.mark.skipif(not (autodiff.cuda.is_available() and torch.cuda.is_available()),
                    reason="needs a GPU that JAX and torch both see")
def test_a_gpu_tensor_is_copied_to_the_host_before_numpy():
    def body(T):
        x = T.tensor([1.0, 2.0], device="cuda")
        try:
            x.numpy()
        except TypeError as e:
            return [x.device, e, x.cpu().numpy(), x.numpy(force=True)]
    both(body)
