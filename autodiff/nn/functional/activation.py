"""Activations: ``relu``, ``gelu``, ``elu``, ``softplus``, ``hardtanh``, ``softmax``,
``glu``, ``prelu``... Each differentiable one applies its row (above it); the row's
backward is, as in torch, a kernel of its own, so that a gradient differentiated again
has torch's nodes."""

from __future__ import annotations

from typing import Optional

import math
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from ... import dtypes as D, ops, tape
from ...tape import RULES, Tensor, apply, row
from ...ops._common import (_minus_scalar, _not_implemented, _over_scalar, _plus_scalar,
                            _scalar_minus, _w, _zeros_like, alias_row, methods)
from ._common import _check_kernel, _log_sigmoid


sigmoid, tanh = ops.sigmoid, ops.tanh


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """``max(x, 0)`` (ReluBackward0); ``inplace=True`` writes it into ``input``
    (``input.relu_()``).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> x = autodiff.tensor([-1.0, 2.0])
    >>> F.relu(x, inplace=True) is x, x
    (True, tensor([0., 2.]))
    """
    return input.relu_() if inplace else ops.relu(input)


# gelu(x) = x Phi(x):  d/dx = Phi(x) + x phi(x).  'tanh': 0.5 x (1 + tanh(k (x + c x^3)))
_GELU_K, _GELU_C = math.sqrt(2 / math.pi), 0.044715


def _gelu_derivative(x, approximate):
    """gelu'(x), on arrays: Phi(x) + x phi(x).  'tanh', with t = tanh(u), u = k (x + c x^3):
    (1 + t) / 2 + x (1 - t^2) u' / 2."""
    if approximate == "tanh":
        t = jnp.tanh(_GELU_K * (x + _GELU_C * x * x * x))
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * _GELU_K * (1 + 3 * _GELU_C * x * x)
    cdf = 0.5 * (1 + jax.scipy.special.erf(x / math.sqrt(2)))
    return cdf + x * jnp.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)


def _gelu_second_derivative(x, approximate):
    """gelu''(x), on tensors: phi(x) (2 - x^2).  'tanh': (1 - t^2) (u' + x (u'' - 2 t u'^2) / 2)."""
    if approximate == "tanh":
        t = (_GELU_K * (x + _GELU_C * x * x * x)).tanh()
        du = _GELU_K * (1 + 3 * _GELU_C * x * x)
        return (1 - t * t) * (du + 0.5 * x * (6 * _GELU_K * _GELU_C * x - 2 * t * du * du))
    return (-0.5 * x * x).exp() / math.sqrt(2 * math.pi) * (2 - x * x)


# ... by a kernel: gelu_bw(g, x) = g gelu'(x):  d/dg = gelu'(x),  d/dx = g g' gelu''(x)
row("gelu_backward", "GeluBackwardBackward0",
    lambda grad_output, self, *, approximate: grad_output * _gelu_derivative(self, approximate),
    (lambda grad, self, approximate: tape.apply(RULES["gelu_backward"], grad, self,
                                                approximate=approximate),
     lambda grad, grad_output, self, approximate: (
         grad * grad_output * _gelu_second_derivative(self, approximate))))


def _gelu_forward(x, approximate):
    if approximate == "tanh":
        return 0.5 * x * (1 + jnp.tanh(_GELU_K * (x + _GELU_C * x ** 3)))
    return 0.5 * x * (1 + jax.scipy.special.erf(x / math.sqrt(2)))


row("gelu", "GeluBackward0", lambda self, *, approximate: _gelu_forward(self, approximate),
    lambda grad, self, approximate: (tape.apply(RULES["gelu_backward"], grad, self,
                                                approximate=approximate),))


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """The Gaussian error linear unit ``x * Phi(x)`` (``approximate='tanh'``: its tanh
    approximation).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.gelu(autodiff.tensor([-1.0, 0.0, 1.0]))
    tensor([-0.1587,  0.0000,  0.8413])
    """
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    _check_kernel("gelu", input)
    return apply(RULES["gelu"], input, approximate=approximate)


# ... a kernel of its own in torch, as threshold_backward:  d/dg = 1 or s,  d/dx = 0
def _leaky_relu_backward(grad_output, self, *, negative_slope):
    return jnp.where(self > 0, grad_output, grad_output * negative_slope)


row("leaky_relu_backward", "LeakyReluBackwardBackward0", _leaky_relu_backward,
    (lambda grad, self, negative_slope: tape.apply(RULES["leaky_relu_backward"], grad, self,
                                                   negative_slope=negative_slope),
     lambda grad: _zeros_like(grad)))


# leaky_relu = x if x > 0 else s x:  d/dx = 1 or s
def _leaky_relu(self, *, negative_slope):
    return jnp.where(self > 0, self, self * negative_slope)


# their in-place forms keep the result instead, and pass it to the same kernels (the
# result is > 0 where the input is)
row("leaky_relu_", "LeakyReluBackward1", _leaky_relu,
    lambda grad, result, negative_slope: (tape.apply(
        RULES["leaky_relu_backward"], grad, result, negative_slope=negative_slope),))
row("leaky_relu", "LeakyReluBackward0", _leaky_relu,
    lambda grad, self, negative_slope: (tape.apply(RULES["leaky_relu_backward"], grad, self,
                                                   negative_slope=negative_slope),))


# rrelu (torch's rrelu_with_noise) = leaky_relu with a random slope: in training, x noise
# with noise ~ U(lower, upper) where x <= 0 and 1 elsewhere (d/dx = noise); otherwise
# leaky_relu with slope (lower + upper) / 2. Its backward is a kernel of its own:
#   d/dg = the kernel applied to g',  d/dx = 0
def _rrelu(self, *, noise, lower, upper, training):
    if training:
        return self * noise._value()
    return _leaky_relu(self, negative_slope=(lower + upper) / 2)


def _rrelu_backward_kernel(grad_output, self, *, noise, lower, upper, training):
    if training and upper - lower > 1e-6:
        return grad_output * noise._value()
    return _leaky_relu_backward(grad_output, self, negative_slope=(lower + upper) / 2)


def _rrelu_backward(grad, self_or_result, noise, lower, upper, training):
    return (tape.apply(RULES["rrelu_with_noise_backward"], grad, self_or_result, noise=noise,
                       lower=lower, upper=upper, training=training),)


row("rrelu_with_noise_backward", "RreluWithNoiseBackwardBackward0", _rrelu_backward_kernel,
    (lambda grad, self, noise, lower, upper, training: _rrelu_backward(
        grad, self, noise, lower, upper, training)[0],
     lambda grad: _zeros_like(grad)),
    tensor_attrs=("noise",))


row("rrelu_with_noise_", "RreluWithNoiseBackward1", _rrelu,
    lambda grad, result, noise, lower, upper, training: _rrelu_backward(
        grad, result, noise, lower, upper, training),
    tensor_attrs=("noise",))
row("rrelu_with_noise", "RreluWithNoiseBackward0", _rrelu,
    lambda grad, self, noise, lower, upper, training: _rrelu_backward(
        grad, self, noise, lower, upper, training),
    tensor_attrs=("noise",))


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,
          inplace: bool = False, generator: Optional[ops.Generator] = None) -> Tensor:
    """``leaky_relu`` with a random slope: in training, each non-positive element's slope
    drawn from ``U(lower, upper)`` (from autodiff's generator); otherwise the slope
    ``(lower + upper) / 2`` (RreluWithNoiseBackward0).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.rrelu(autodiff.tensor([-3.0, 2.0]), 0.2, 0.4)
    tensor([-0.9000,  2.0000])
    """
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    _check_kernel("leaky_relu", input)
    noise = None
    if training:
        rng = (generator or ops.default_generator)._rng
        slopes = rng.uniform(lower, upper, tuple(input.shape))
        noise = tape.make_tensor(jnp.where(input._value() <= 0, slopes, 1)
                                 .astype(input.dtype.np))
    attrs = dict(noise=noise, lower=lower, upper=upper, training=training)
    if inplace:
        return tape.inplace(input, lambda old: apply(RULES["rrelu_with_noise_"], old, **attrs))
    return apply(RULES["rrelu_with_noise"], input, **attrs)


# elu = scale x if x > 0 else scale alpha (e^(input_scale x) - 1) (selu: torch's constants)
#   d/dx = scale, or scale alpha input_scale e^(input_scale x)
def _elu(self, *, alpha, scale, input_scale):
    return jnp.where(self <= 0, jnp.expm1(self * input_scale) * (alpha * scale), self * scale)


row("elu_", "EluBackward1", _elu,
    lambda grad, result, alpha, scale, input_scale: (tape.apply(
        RULES["elu_backward"], grad, result, alpha=alpha, scale=scale, input_scale=input_scale,
        is_result=True),))
# ... both by torch's kernel elu_bw(g, x or y), whose  d/dg = elu_bw(g', x or y),
#   d/dx = g g' input_scale^2 alpha scale e^(input_scale x) where x < 0 (from the result:
#   g g' input_scale where y < 0)
row("elu_backward", "EluBackwardBackward0",
    lambda grad_output, self_or_result, *, alpha, scale, input_scale, is_result: jnp.where(
        self_or_result <= 0,
        grad_output * input_scale * (self_or_result + alpha * scale) if is_result
        else grad_output * (input_scale * alpha * scale) * jnp.exp(self_or_result * input_scale),
        grad_output * scale),
    (lambda grad, self_or_result, alpha, scale, input_scale, is_result: tape.apply(
        RULES["elu_backward"], grad, self_or_result, alpha=alpha, scale=scale,
        input_scale=input_scale, is_result=is_result),
     lambda grad, grad_output, self_or_result, alpha, scale, input_scale, is_result: _w(
         self_or_result < 0, grad * grad_output * input_scale * (
             1 if is_result else input_scale * alpha * scale
             * (self_or_result * input_scale).exp()), 0.0)))
row("elu", "EluBackward0", _elu,
    lambda grad, self, alpha, scale, input_scale: (tape.apply(
        RULES["elu_backward"], grad, self, alpha=alpha, scale=scale, input_scale=input_scale,
        is_result=False),))


def _silu_backward(grad, self):
    s = self.sigmoid()
    return grad * s * _plus_scalar(self * _scalar_minus(1, s), 1)


# silu = x sigmoid(x):  d/dx = s (1 + x (1 - s)),  s = sigmoid(x)
row("silu", "SiluBackward0", lambda self: self / (1 + jnp.exp(-self)),
    lambda grad, self: (_silu_backward(grad, self),))
# ... by a kernel:  d/dg = hs_bw(g', x),  d/dx = g g' / 3 strictly between -3 and 3
row("hardswish_backward", "HardswishBackwardBackward0",
    lambda grad_output, self: jnp.where(self < -3, 0, jnp.where(
        self <= 3, grad_output * (self / 3 + 0.5), grad_output)),
    (lambda grad, self: tape.apply(RULES["hardswish_backward"], grad, self),
     lambda grad, grad_output, self: _w((self > -3) & (self < 3),
                                        _over_scalar(grad * grad_output, 3.0), 0.0)))
# hardswish = x relu6(x + 3) / 6:  d/dx = 0 below -3, x / 3 + 1/2 up to 3, 1 above
row("hardswish", "HardswishBackward0", lambda self: self * jnp.clip(self + 3, 0, 6) / 6,
    lambda grad, self: (tape.apply(RULES["hardswish_backward"], grad, self),))
# hardsigmoid = relu6(x + 3) / 6:  d/dx = 1/6 strictly between -3 and 3 (torch's kernel
# writes 1.0f / 6.0f: a float32 sixth, in float64 too); the kernel has no derivative
_ONE_SIXTH_IN_FLOAT32 = float(np.float32(1.0) / np.float32(6.0))
row("hardsigmoid_backward", "NotImplemented",
    lambda grad_output, self: jnp.where((self > -3) & (self < 3),
                                        grad_output * _ONE_SIXTH_IN_FLOAT32, 0),
    (lambda grad: _not_implemented("hardsigmoid_backward"),
     lambda grad: _not_implemented("hardsigmoid_backward")))
row("hardsigmoid", "HardsigmoidBackward0", lambda self: jnp.clip(self + 3, 0, 6) / 6,
    lambda grad, self: (tape.apply(RULES["hardsigmoid_backward"], grad, self),))


# mish = x tanh(softplus(x)):  d/dx = t + x s (1 - t^2),  t = tanh(softplus(x)),
# s = sigmoid(x) (torch's infinitely differentiable formula)
def _mish_backward(grad, self):
    s = self.sigmoid()
    t = self.exp().log1p().tanh()
    return grad * (t + self * s * _scalar_minus(1, t * t))


row("mish", "MishBackward0", lambda self: self * jnp.tanh(jax.nn.softplus(self)),
    lambda grad, self: (_mish_backward(grad, self),))


# celu(x, alpha) = elu(x, alpha, input_scale=1 / alpha): elu's maths under its own names,
# but torch's formula takes the gradient's input_scale as 1.0 / alpha.toFloat() (alpha
# rounded to float32)
def _celu_backward(grad, self_or_result, alpha, is_result):
    return (tape.apply(RULES["elu_backward"], grad, self_or_result, alpha=alpha, scale=1,
                       input_scale=1 / float(np.float32(alpha)), is_result=is_result),)


row("celu_", "CeluBackward1", _elu,
    lambda grad, result, alpha, scale, input_scale: _celu_backward(grad, result, alpha, True))
row("celu", "CeluBackward0", _elu,
    lambda grad, self, alpha, scale, input_scale: _celu_backward(grad, self, alpha, False))


def _activation(name, input, inplace, **attrs):
    """An activation row applied to ``input``; ``inplace=True`` writes the result into it,
    with the row of the in-place form where torch has its own (one that keeps the result:
    ``leaky_relu_``, ``elu_``)."""
    _check_kernel(name, input)
    if inplace:
        rule = RULES.get(name + "_", RULES[name])
        return tape.inplace(input, lambda old: apply(rule, old, **attrs))
    return apply(RULES[name], input, **attrs)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """``x`` where positive, ``negative_slope * x`` elsewhere.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.leaky_relu(autodiff.tensor([-2.0, 3.0]), 0.1)
    tensor([-0.2000,  3.0000])
    """
    return _activation("leaky_relu", input, inplace, negative_slope=negative_slope)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``x`` where positive, ``alpha * (exp(x) - 1)`` elsewhere."""
    return _activation("elu", input, inplace, alpha=alpha, scale=1, input_scale=1)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """``elu`` with torch's self-normalising constants, scaled (EluBackward0)."""
    return _activation("elu", input, inplace, alpha=_SELU_ALPHA, scale=_SELU_SCALE,
                       input_scale=1)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * sigmoid(x)`` (also called swish)."""
    return _activation("silu", input, inplace)


# ... by a kernel: sp_bw(g, x) = g, or g s below the threshold (s = sigmoid(beta x)):
#   d/dg = sp_bw(g', x),  d/dx = g g' beta s (1 - s) below the threshold
row("softplus_backward", "SoftplusBackwardBackward0",
    lambda grad_output, self, *, beta, threshold: jnp.where(
        self * beta > threshold, grad_output, grad_output / (1 + jnp.exp(-self * beta))),
    (lambda grad, self, beta, threshold: tape.apply(RULES["softplus_backward"], grad, self,
                                                    beta=beta, threshold=threshold),
     lambda grad, grad_output, self, beta, threshold: (
         tape.apply(RULES["sigmoid_backward"], grad * grad_output, (self * beta).sigmoid())
         * (self * beta < threshold).to(grad.dtype) * beta)))
# softplus = log(1 + e^(beta x)) / beta (x itself past the threshold):  d/dx = sigmoid(beta x)
row("softplus", "SoftplusBackward0",
    lambda self, *, beta, threshold: jnp.where(self * beta > threshold, self,
                                               jnp.log1p(jnp.exp(self * beta)) / beta),
    lambda grad, self, beta, threshold: (tape.apply(
        RULES["softplus_backward"], grad, self, beta=beta, threshold=threshold),))


def softplus(input: Tensor, beta: float = 1, threshold: float = 20) -> Tensor:
    """``log(1 + exp(beta * x)) / beta``, a smooth ReLU (``x`` itself where ``beta * x``
    passes ``threshold``)."""
    _check_kernel("softplus", input)
    return apply(RULES["softplus"], input, beta=beta, threshold=threshold)


# ... by a kernel, as threshold_backward:  d/dg = the same mask,  d/dx = 0
# (torch's kernel zeroes the gradient at and beyond the bounds: a nan input passes it)
row("hardtanh_backward", "HardtanhBackwardBackward0",
    lambda grad_output, self, *, min_val, max_val: jnp.where(
        (self <= min_val) | (self >= max_val), 0, grad_output),
    (lambda grad, self, min_val, max_val: tape.apply(RULES["hardtanh_backward"], grad, self,
                                                     min_val=min_val, max_val=max_val),
     lambda grad: _zeros_like(grad)))
# hardtanh = x clipped to [min_val, max_val]:  d/dx = 1 strictly inside
row("hardtanh", "HardtanhBackward0",
    lambda self, *, min_val, max_val: jnp.clip(self, min_val, max_val).astype(self.dtype),
    lambda grad, self, min_val, max_val: (tape.apply(
        RULES["hardtanh_backward"], grad, self, min_val=min_val, max_val=max_val),))


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Tensor:
    """``x`` clipped to ``[min_val, max_val]``."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _activation("hardtanh", input, inplace, min_val=min_val, max_val=max_val)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """``min(max(x, 0), 6)`` (HardtanhBackward0)."""
    return hardtanh(input, 0, 6, inplace)


def _softmax_dim(name, ndim):
    """torch's choice when ``dim`` is not given (with its deprecation warning)."""
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the "
                  "call to include dim=X as an argument.", UserWarning, stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: Optional[int] = None, dtype: Optional[D.dtype] = None) -> Tensor:
    """``exp(x) / exp(x).sum(dim)``, computed stably.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.softmax(autodiff.tensor([1.0, 2.0, 3.0]), dim=0)
    tensor([0.0900, 0.2447, 0.6652])
    """
    if dim is None:
        dim = _softmax_dim("softmax", input.ndim)
    return ops.softmax(input, dim, dtype=dtype)


def log_softmax(input: Tensor, dim: Optional[int] = None,
                dtype: Optional[D.dtype] = None) -> Tensor:
    """``x - logsumexp(x, dim)``: the log of ``softmax``, without its underflow.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.log_softmax(autodiff.tensor([1.0, 2.0, 3.0]), dim=0)
    tensor([-2.4076, -1.4076, -0.4076])
    """
    if dim is None:
        dim = _softmax_dim("log_softmax", input.ndim)
    return ops.log_softmax(input, dim, dtype=dtype)


def _sigmoid_times_its_complement(g, x):
    """torch's ``g * (z - 1) * z``, z = sigmoid(x)."""
    z = x.sigmoid()
    return g * _minus_scalar(z, 1) * z


# ... ls_bw(g, x) = g sigmoid(-x):  d/dg = ls_bw(g', x),  d/dx = g g' (s - 1) s, s = sigmoid(x)
row("log_sigmoid_backward", "LogSigmoidBackwardBackward0",
    lambda grad_output, self: grad_output / (1 + jnp.exp(self)),
    (lambda grad, self: tape.apply(RULES["log_sigmoid_backward"], grad, self),
     lambda grad, grad_output, self: _sigmoid_times_its_complement(grad * grad_output, self)))
# log_sigmoid = -softplus(-x):  d/dx = sigmoid(-x), by torch's kernel
row("log_sigmoid", "LogSigmoidBackward0", lambda self: _log_sigmoid(self),
    lambda grad, self: (tape.apply(RULES["log_sigmoid_backward"], grad, self),))


def logsigmoid(input: Tensor) -> Tensor:
    """``log(sigmoid(x))``, computed stably (LogSigmoidBackward0).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.logsigmoid(autodiff.tensor([-1.0, 0.0, 1.0]))
    tensor([-1.3133, -0.6931, -0.3133])
    """
    _check_kernel("log_sigmoid", input)
    return apply(RULES["log_sigmoid"], input)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * relu6(x + 3) / 6`` (HardswishBackward0).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.hardswish(autodiff.tensor([-4.0, 1.0, 4.0]))
    tensor([-0.0000,  0.6667,  4.0000])
    """
    return _activation("hardswish", input, inplace)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """``relu6(x + 3) / 6`` (HardsigmoidBackward0; its gradient has no derivative, as in
    torch).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.hardsigmoid(autodiff.tensor([-4.0, 0.0, 1.5]))
    tensor([0.0000, 0.5000, 0.7500])
    """
    return _activation("hardsigmoid", input, inplace)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * tanh(softplus(x))`` (MishBackward0).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.mish(autodiff.tensor([-1.0, 0.0, 1.0]))
    tensor([-0.3034,  0.0000,  0.8651])
    """
    return _activation("mish", input, inplace)


def softsign(input: Tensor) -> Tensor:
    """``x / (1 + |x|)``, as torch composes it.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.softsign(autodiff.tensor([-3.0, 1.0]))
    tensor([-0.7500,  0.5000])
    """
    return input / (input.abs() + 1)


def softmin(input: Tensor, dim: Optional[int] = None, dtype: Optional[D.dtype] = None) -> Tensor:
    """``softmax(-x)`` along ``dim``.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.softmin(autodiff.tensor([1.0, 2.0]), dim=0)
    tensor([0.7311, 0.2689])
    """
    if dim is None:
        dim = _softmax_dim("softmin", input.ndim)
    return ops.softmax(-input, dim, dtype=dtype)


def _glu_backward_forward(grad_output, self, dim):
    first, second = jnp.split(self, 2, axis=dim)
    s = jax.nn.sigmoid(second)
    return jnp.concatenate([grad_output * s, grad_output * first * s * (1 - s)], axis=dim)


def _glu_halves(t, dim):
    half = t.shape[dim] // 2
    return t.narrow(dim, 0, half), t.narrow(dim, half, half)


def _glu_double_backward_grad_output(grad, self, dim):
    """torch's: grad times glu_backward(ones), its halves added."""
    sizes = list(self.shape)
    sizes[dim] //= 2
    ones = tape.constant(jnp.ones(sizes, self._array.dtype))
    first, second = _glu_halves(grad * tape.apply(RULES["glu_backward"], ones, self, dim=dim),
                                dim)
    return first + second


def _glu_double_backward(grad, grad_output, self, dim):
    """torch's glu_double_backward: the second derivatives of a sigmoid(b)."""
    first, second = _glu_halves(self, dim)
    gg_first, gg_second = _glu_halves(grad, dim)
    s = second.sigmoid()
    one_minus_s = _scalar_minus(1, s)
    s_one_minus_s = s * one_minus_s
    grad_first = gg_second * grad_output * s_one_minus_s
    second_order = s_one_minus_s * one_minus_s - s.pow(2) * one_minus_s
    grad_second = (gg_second * first * grad_output * second_order
                   + gg_first * grad_output * s_one_minus_s)
    return tape.apply(RULES["cat"], grad_first, grad_second, dim=dim,
                      sizes=(first.shape[dim],) * 2)


row("glu_backward", "GluBackwardBackward0",
    lambda grad_output, self, *, dim: _glu_backward_forward(grad_output, self, dim),
    (lambda grad, self, dim: _glu_double_backward_grad_output(grad, self, dim),
     _glu_double_backward))


# glu(x) = a sigmoid(b), a and b the halves of x along dim:
#   d/da = g sigmoid(b),  d/db = g a sigmoid(b) (1 - sigmoid(b)), by torch's kernel
def _glu_forward(self, dim):
    first, second = jnp.split(self, 2, axis=dim)
    return first * jax.nn.sigmoid(second)


row("glu", "GluBackward0", lambda self, *, dim: _glu_forward(self, dim),
    lambda grad, self, dim: (tape.apply(RULES["glu_backward"], grad, self, dim=dim),))


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """The gated linear unit: ``a * sigmoid(b)``, ``a`` and ``b`` the two halves of
    ``input`` along ``dim`` (GluBackward0).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.glu(autodiff.tensor([1.0, 2.0, 0.0, 100.0]))
    tensor([0.5000, 2.0000])
    """
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = tape.wrap_dim(dim, input.ndim)
    if input.shape[d] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size "
                           f"{input.shape[d]}")
    return apply(RULES["glu"], input, dim=d)


# prelu = x where x > 0, else w x (w viewed to broadcast along the channels):
#   d/dx = 1 or w,  d/dw = 0 or x
row("prelu", "PreluKernelBackward0",
    lambda self, weight: jnp.where(self > 0, self, weight * self),
    (lambda grad, self, weight: _w(self > 0, grad, weight * grad),
     lambda grad, self: _w(self > 0, 0.0, self * grad)))


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """``x`` where positive, ``weight * x`` elsewhere, with one learned slope or one per
    channel (dim 1): torch's view of the weight, then PreluKernelBackward0.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.prelu(autodiff.tensor([-2.0, 3.0]), autodiff.tensor([0.25]))
    tensor([-0.5000,  3.0000])
    """
    if weight.ndim > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: "
                           f"ndim = {weight.ndim}")
    n = weight.numel()
    if n != 1:
        if input.ndim == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        channels = input.shape[1] if input.ndim > 1 else 1
        if channels != n:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found "
                               f"parameter numbers = {n} and channel size = {channels}.")
    if input.ndim != weight.ndim:
        weight = weight.view([n if d == 1 else 1 for d in range(input.ndim)])
    return apply(RULES["prelu"], input, weight)


methods(prelu)


# hardshrink = x outside [-lambd, lambd], 0 inside:  d/dx = 1 outside (by a kernel, as
# threshold_backward: d/dg = the same mask, d/dx = 0)
row("hardshrink_backward", "HardshrinkBackwardBackward0",
    lambda grad_out, self, *, lambd: jnp.where((self >= -lambd) & (self <= lambd), 0,
                                               grad_out),
    (lambda grad, self, lambd: tape.apply(RULES["hardshrink_backward"], grad, self,
                                          lambd=lambd),
     lambda grad: _zeros_like(grad)))
row("hardshrink", "HardshrinkBackward0",
    lambda self, *, lambd: jnp.where((self >= -lambd) & (self <= lambd), 0, self),
    lambda grad, self, lambd: (tape.apply(RULES["hardshrink_backward"], grad, self,
                                          lambd=lambd),))


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """``x`` outside ``[-lambd, lambd]``, 0 inside (HardshrinkBackward0).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.hardshrink(autodiff.tensor([0.3, -1.0]))
    tensor([ 0., -1.])
    """
    _check_kernel("hardshrink", input)
    return apply(RULES["hardshrink"], input, lambd=lambd)


methods(hardshrink)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))`` (CeluBackward0).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.celu(autodiff.tensor([-1.0, 2.0]), alpha=0.5)
    tensor([-0.4323,  2.0000])
    """
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    return _activation("celu", input, inplace, alpha=alpha, scale=1, input_scale=1 / alpha)


row("threshold_backward", "ThresholdBackwardBackward0",
    lambda grad_output, self, *, threshold: jnp.where(self <= threshold, 0, grad_output),
    (lambda grad, self, threshold: tape.apply(RULES["threshold_backward"], grad, self,
                                              threshold=threshold),
     lambda grad: _zeros_like(grad)))
# threshold = x where x > threshold, else value:  d/dx = 1 where x > threshold (in place
# too: from the input, which torch saves)
row("threshold", "ThresholdBackward0",
    lambda self, *, threshold, value: jnp.where(self > threshold, self, value),
    lambda grad, self, threshold, value: (tape.apply(RULES["threshold_backward"], grad, self,
                                                     threshold=threshold),))
alias_row("threshold_", "ThresholdBackward1", of="threshold")


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """``x`` where ``x > threshold``, ``value`` elsewhere (ThresholdBackward0).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.threshold(autodiff.tensor([0.5, 2.0]), 1.0, -1.0)
    tensor([-1.,  2.])
    """
    return _activation("threshold", input, inplace, threshold=threshold, value=value)


# the in-place forms torch's F has (``F.relu_(x)`` is ``F.relu(x, inplace=True)``)

def relu_(input: Tensor) -> Tensor:
    """``relu`` written into ``input``."""
    return relu(input, inplace=True)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """``elu`` written into ``input``."""
    return elu(input, alpha, inplace=True)


def selu_(input: Tensor) -> Tensor:
    """``selu`` written into ``input``."""
    return selu(input, inplace=True)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """``celu`` written into ``input``."""
    return celu(input, alpha, inplace=True)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    """``leaky_relu`` written into ``input``."""
    return leaky_relu(input, negative_slope, inplace=True)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """``hardtanh`` written into ``input``."""
    return hardtanh(input, min_val, max_val, inplace=True)


_threshold = threshold        # (threshold_'s parameter of that name hides the function)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    """``threshold`` written into ``input``."""
    return _threshold(input, threshold, value, inplace=True)


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,
           generator: Optional[ops.Generator] = None) -> Tensor:
    """``rrelu`` written into ``input``."""
    return rrelu(input, lower, upper, training, inplace=True, generator=generator)


__all__ = ["sigmoid", "tanh", "relu", "gelu", "leaky_relu", "elu", "selu", "silu",
            "softplus", "hardtanh", "relu6", "softmax", "log_softmax", "logsigmoid",
            "hardswish", "hardsigmoid", "mish", "softsign", "softmin", "glu", "prelu", "celu",
            "threshold", "hardshrink", "rrelu", "relu_", "elu_", "selu_", "celu_",
            "leaky_relu_", "hardtanh_", "threshold_", "rrelu_"]
