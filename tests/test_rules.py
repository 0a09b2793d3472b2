"""Every row of the derivative table against central finite differences, in float64.

For a sample program ``f`` using the row, and a random cotangent ``v``, the gradient
autodiff computes for ``sum(f(x) * v)`` must match ``(g(x + h e_i) - g(x - h e_i)) / 2h``
element by element. The second-order check does the same for the gradient itself,
computed with ``create_graph=True``: it is what makes higher-order gradients right.
"""

import jax.numpy as jnp
import numpy as np
import pytest
import torch

import autodiff as T
import autodiff.autograd.forward_ad as fwAD
from autodiff import tape
from autodiff.tape import RULES

from rule_samples import SAMPLES

def _inputs(sample, seed):
    rng = np.random.default_rng(seed)
    ranges = sample.ranges or [(sample.low, sample.high)] * len(sample.shapes)
    return [rng.uniform(low, high, shape) for shape, (low, high) in zip(sample.shapes, ranges)]


def _tensors(arrays):
    return [T.tensor(a, dtype=T.float64, requires_grad=True) for a in arrays]


def _numeric_gradient(g, arrays, h):
    """Central differences of the scalar function ``g`` of NumPy arrays."""
    grads = []
    for k, a in enumerate(arrays):
        grad = np.zeros_like(a)
        for i in np.ndindex(a.shape):
            plus = [x.copy() for x in arrays]
            minus = [x.copy() for x in arrays]
            plus[k][i] += h
            minus[k][i] -= h
            grad[i] = (g(plus) - g(minus)) / (2 * h)
        grads.append(grad)
    return grads


def _ops_in_graph(t):
    seen, stack, ops = set(), [t.grad_fn], set()
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        if type(node).rule is not None:
            ops.add(type(node).rule.op)
        stack.extend(n for n, _ in node.next_functions)
    return ops


# rows of ops torch has no derivative for (their backward fails: the parity cases check
# torch's error), NotImplemented nodes or not_implemented() formulas (unique's, pdist's
# and cdist's gradient kernels, and the in-place inverse hyperbolic functions')
NOT_DIFFERENTIABLE = {op for op, rule in RULES.items() if rule.node == "NotImplemented"} | {
    "unique", "unique_dim", "unique_consecutive", "_pdist_backward", "cdist_backward",
    "asinh_", "acosh_", "atanh_"}


def test_every_row_has_a_sample():
    assert sorted(set(RULES) - set(SAMPLES) - NOT_DIFFERENTIABLE) == []


@pytest.mark.parametrize("op", sorted(SAMPLES))
def test_first_derivative_matches_finite_differences(op):
    sample = SAMPLES[op]
    arrays = _inputs(sample, seed=0)
    out = sample.fn(*_tensors(arrays))
    assert op in _ops_in_graph(out), f"the sample for {op} does not use its row"
    v = np.random.default_rng(1).standard_normal(tuple(out.shape))

    def g(xs):
        with T.no_grad():
            return float((sample.fn(*_tensors(xs)) * T.tensor(v)).sum())

    xs = _tensors(arrays)
    analytic = T.autograd.grad((sample.fn(*xs) * T.tensor(v)).sum(), xs, allow_unused=True)
    for a, n in zip(analytic, _numeric_gradient(g, arrays, sample.h)):
        a = np.zeros_like(n) if a is None else a.numpy(force=True)
        np.testing.assert_allclose(a, n, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("op", sorted(op for op, s in SAMPLES.items() if s.second_order))
def test_second_derivative_matches_finite_differences(op):
    """d/dx <grad f(x), w>, with the gradient built by create_graph=True."""
    sample = SAMPLES[op]
    arrays = _inputs(sample, seed=2)
    rng = np.random.default_rng(3)
    v = None

    def gradient_dot_w(xs, w):
        nonlocal v
        out = sample.fn(*xs)
        v = rng.standard_normal(tuple(out.shape)) if v is None else v
        grads = T.autograd.grad((out * T.tensor(v)).sum(), xs, create_graph=True,
                                allow_unused=True)
        return sum((g * T.tensor(wi)).sum() for g, wi in zip(grads, w) if g is not None
                   and g.requires_grad)

    w = [rng.standard_normal(a.shape) for a in arrays]
    xs = _tensors(arrays)
    total = gradient_dot_w(xs, w)
    assert isinstance(total, T.Tensor), f"the gradient of {op}'s sample is constant"
    analytic = T.autograd.grad(total, xs, allow_unused=True)
    numeric = _numeric_gradient(lambda ys: float(gradient_dot_w(_tensors(ys), w)), arrays,
                                sample.h)
    for a, n in zip(analytic, numeric):
        a = np.zeros_like(n) if a is None else a.numpy(force=True)
        np.testing.assert_allclose(a, n, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("op", sorted(SAMPLES))
def test_forward_mode_matches_finite_differences(op):
    """The tangent forward mode carries to the output (autograd.forward_ad), for random
    tangents t of the inputs, against (f(x + h t) - f(x - h t)) / 2h."""
    sample = SAMPLES[op]
    arrays = _inputs(sample, seed=4)
    rng = np.random.default_rng(5)
    tangents = [rng.standard_normal(a.shape) for a in arrays]

    def f(xs):
        with T.no_grad():
            return sample.fn(*[T.tensor(x, dtype=T.float64) for x in xs]).numpy()

    with fwAD.dual_level():
        duals = [fwAD.make_dual(T.tensor(a, dtype=T.float64), T.tensor(t, dtype=T.float64))
                 for a, t in zip(arrays, tangents)]
        try:
            jvp = fwAD.unpack_dual(sample.fn(*duals)).tangent
        except RuntimeError as e:
            # forward mode differentiates the backward formulas: a row whose backward
            # torch cannot differentiate (no second derivative) has no tangent either
            if sample.second_order or "is not implemented" not in str(e):
                raise
            pytest.skip(f"{op}: {e} (docs/unsupported.md)")
    numeric = (f([a + sample.h * t for a, t in zip(arrays, tangents)])
               - f([a - sample.h * t for a, t in zip(arrays, tangents)])) / (2 * sample.h)
    assert jvp is not None, f"no tangent reached the output of {op}'s sample"
    tolerance = 1e-5 if jvp.dtype == T.float64 else 1e-3      # a float32 result: its digits
    np.testing.assert_allclose(jvp.numpy(), numeric, rtol=tolerance, atol=tolerance / 10)


# The rows of the tutorials' training steps (MLPs, classifiers), whose backward passes
# the engine compiles once their structure repeats (tape.py, section 8), and a small CNN
# step. Every other row runs through the same code; these are the ones run here, as each
# costs a compile.
TRAINING_ROWS = ["add", "addmm", "amax", "batch_norm", "binary_cross_entropy_with_logits",
                 "clamp", "clamp_min", "div", "embedding", "exp", "gelu", "layer_norm", "log",
                 "log_softmax", "max_dim", "max_pool2d", "mean", "mm", "mse_loss", "mul",
                 "nll_loss", "pow", "relu", "sigmoid", "softmax", "sub", "sum", "t", "tanh",
                 "view"]


def _cnn_step(image, kernel, weight):
    """conv2d, relu, max_pool2d, flatten, linear, cross_entropy."""
    F = T.nn.functional
    hidden = F.max_pool2d(F.conv2d(image, kernel, padding=1).relu(), 2).flatten(1)
    return F.cross_entropy(F.linear(hidden, weight), T.tensor([1, 0]))


PROGRAMS = {op: (SAMPLES[op].fn, _inputs(SAMPLES[op], seed=6)) for op in TRAINING_ROWS}
PROGRAMS["a CNN step"] = (_cnn_step, [np.random.default_rng(6).standard_normal(shape)
                                      for shape in ((2, 1, 6, 6), (3, 1, 3, 3), (2, 27))])


@pytest.mark.parametrize("name", PROGRAMS)
def test_a_compiled_backward_gives_the_node_by_node_gradients(name, monkeypatch):
    """The same pass twice: walked node by node, then as one compiled program."""
    fn, arrays = PROGRAMS[name]
    v = None
    grads, programs = [], []
    for compile_after in (10 ** 9, -tape._MAX_NODES):        # never, then at first sight
        monkeypatch.setattr(tape, "_COMPILE_AFTER", compile_after)
        monkeypatch.setattr(tape, "_programs", {})
        xs = _tensors(arrays)
        out = fn(*xs)
        v = np.random.default_rng(7).standard_normal(tuple(out.shape)) if v is None else v
        (out * T.tensor(v)).sum().backward()
        grads.append([None if x.grad is None else x.grad.numpy() for x in xs])
        programs.append(list(tape._programs.values()))
    assert all(type(entry) is int for entry in programs[0])     # sightings: nothing compiled
    assert isinstance(programs[1][0], tape._BackwardProgram), f"{name}'s pass was not compiled"
    for walked, compiled in zip(*grads):
        assert (walked is None) == (compiled is None)
        if walked is not None:
            np.testing.assert_allclose(compiled, walked, rtol=1e-12, atol=1e-14)


# --- An op added from outside the library, through the engine's public API -------------

def _add_entr():
    """docs/howto/add-op.md's example: torch.special.entr(x) = -x log x (0 at 0, -inf
    below), as a user writes it with ``row`` and ``apply``."""
    # d/dx -x log x = -(1 + log x)
    rule = tape.row("special_entr", "SpecialEntrBackward0",
                    lambda self: jnp.where(self > 0, -self * jnp.log(self),
                                           jnp.where(self == 0, 0.0, -jnp.inf)),
                    lambda grad, self: (grad * -(1 + self.log()),))
    return lambda input: tape.apply(rule, input)


def test_an_op_added_through_the_public_api_matches_torch():
    entr = _add_entr()
    try:
        values = [0.25, 0.5, 1.0, 2.5]
        x, tx = (lib.tensor(values, dtype=lib.float64, requires_grad=True) for lib in (T, torch))
        y, ty = entr(x), torch.special.entr(tx)
        assert type(y.grad_fn).__name__ == type(ty.grad_fn).__name__ == "SpecialEntrBackward0"
        np.testing.assert_allclose(y.detach().numpy(), ty.detach().numpy())
        g, = T.autograd.grad(y.sum(), x, create_graph=True)
        tg, = torch.autograd.grad(ty.sum(), tx, create_graph=True)
        np.testing.assert_allclose(g.detach().numpy(), tg.detach().numpy())
        g.sum().backward()                    # the gradient's own gradient: -1 / x
        tg.sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy())
        # and against finite differences, as every row of the table
        arrays = [np.array(values)]
        v = np.random.default_rng(0).normal(size=4)
        fd, = _numeric_gradient(
            lambda a: float((entr(T.tensor(a[0])).numpy() * v).sum()), arrays, 1e-6)
        xv = T.tensor(values, dtype=T.float64, requires_grad=True)
        (entr(xv) * T.tensor(v)).sum().backward()
        np.testing.assert_allclose(xv.grad.numpy(), fd, rtol=1e-6, atol=1e-8)
    finally:
        del RULES["special_entr"]        # the table's completeness tests see the library's
