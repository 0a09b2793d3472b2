"""autodiff.autograd against finite differences (torch parity lives in the harness's
``autograd`` cases): Jacobians, Hessians and jvps of random smooth programs."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import autodiff as T
from autodiff.autograd import functional as F

PROGRAMS = {
    "sin_times_square": lambda x: (x.sin() * x ** 2).sum(),
    "softmax_entropy": lambda x: -(x.softmax(0) * x.log_softmax(0)).sum(),
    "norm_of_tanh": lambda x: (x.tanh() + 2).norm(),      # away from the kink at 0
    "quadratic_form": lambda x: (x @ (x.unsqueeze(1) * x.unsqueeze(0)) @ x) / 4,
}


def _fd_gradient(f, x, h=1e-6):
    g = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g


def _scalar(program):
    return lambda a: float(program(T.tensor(a, dtype=T.float64)))


def _gradient(program):
    return lambda a: F.jacobian(program, T.tensor(a, dtype=T.float64)).numpy(force=True)


vectors = st.lists(st.floats(-1.5, 1.5), min_size=2, max_size=4).map(np.array)


@settings(max_examples=10, deadline=None)
@given(name=st.sampled_from(sorted(PROGRAMS)), x=vectors)
def test_jacobian_of_a_scalar_program_is_its_finite_difference_gradient(name, x):
    program = PROGRAMS[name]
    np.testing.assert_allclose(_gradient(program)(x), _fd_gradient(_scalar(program), x),
                               rtol=1e-5, atol=1e-6)


@settings(max_examples=10, deadline=None)
@given(name=st.sampled_from(sorted(PROGRAMS)), x=vectors)
def test_hessian_is_the_finite_difference_jacobian_of_the_gradient(name, x):
    program = PROGRAMS[name]
    hess = F.hessian(program, T.tensor(x, dtype=T.float64)).numpy(force=True)
    fd = np.stack([_fd_gradient(lambda a: _gradient(program)(a)[i], x) for i in range(x.size)])
    np.testing.assert_allclose(hess, fd, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(hess, hess.T, rtol=1e-9, atol=1e-9)


@settings(max_examples=10, deadline=None)
@given(name=st.sampled_from(sorted(PROGRAMS)), x=vectors, seed=st.integers(0, 100))
def test_hvp_vhp_and_jvp_agree_with_the_hessian(name, x, seed):
    program = PROGRAMS[name]
    v = np.random.default_rng(seed).standard_normal(x.size)
    xt, vt = T.tensor(x, dtype=T.float64), T.tensor(v, dtype=T.float64)
    hess = F.hessian(program, xt).numpy(force=True)
    np.testing.assert_allclose(F.hvp(program, xt, vt)[1].numpy(force=True), hess @ v, rtol=1e-8,
                               atol=1e-10)
    np.testing.assert_allclose(F.vhp(program, xt, vt)[1].numpy(force=True), v @ hess, rtol=1e-8,
                               atol=1e-10)
    gradient = lambda a: F.jacobian(program, a, create_graph=True)   # noqa: E731
    np.testing.assert_allclose(F.jvp(gradient, xt, vt)[1].numpy(force=True), hess @ v, rtol=1e-8,
                               atol=1e-10)


def test_gradcheck_catches_an_off_by_one_rule():
    class Wrong(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 2

        @staticmethod
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            return grad * 2 * x + 1e-3              # almost right

    x = T.tensor([0.5, 1.5], dtype=T.float64, requires_grad=True)
    assert T.autograd.gradcheck(Wrong.apply, (x,), raise_exception=False) is False
    assert T.autograd.gradcheck(lambda t: t ** 2, (x,))


def test_saved_tensors_of_a_custom_function_are_freed():
    class Square(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            return 2 * x * grad

    x = T.tensor([1.0], requires_grad=True)
    y = Square.apply(x)
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.item() == 4.0
    try:
        y.backward()
    except RuntimeError as e:
        assert "backward through the graph a second time" in str(e)
    else:
        raise AssertionError("a third backward must fail: the saved tensors were freed")
