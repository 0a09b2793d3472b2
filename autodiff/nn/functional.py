"""``autodiff.nn.functional``: the layers and losses as functions (torch's ``F``).

Each function checks its arguments as torch does (with torch's messages), then either
applies a row of the derivative table (``linear``'s ``addmm``, ``mse_loss``,
``conv2d``...) or composes existing ops the way torch's C++ composes them, so that the
graph has torch's nodes: ``cross_entropy`` is ``nll_loss(log_softmax(x))``, ``l1_loss``
is ``(x - t).abs().mean()``, ``dropout`` is ``x * mask``.

>>> import autodiff
>>> import autodiff.nn.functional as F
>>> x = autodiff.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
>>> F.cross_entropy(x, autodiff.tensor([2]))
tensor(0.4076, grad_fn=<NllLossBackward0>)
"""

from __future__ import annotations

import math
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from .. import dtypes as D, ops, tape
from ..tape import RULES, apply, concrete, row
from ..ops._common import (_kernel_missing, _mean, _minus_scalar, _not_implemented,
                           _over_scalar, _plus_scalar, _scalar_minus, _times_scalar, _w,
                           _zeros_like, alias_row)


# ---------------------------------------------------------------------------------------
# Activations
# ---------------------------------------------------------------------------------------

sigmoid, tanh = ops.sigmoid, ops.tanh


def relu(input, inplace=False):
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


def gelu(input, approximate="none"):
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
row("leaky_relu_backward", "LeakyReluBackwardBackward0",
    lambda grad_output, self, *, negative_slope: jnp.where(self > 0, grad_output,
                                                           grad_output * negative_slope),
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
# torch's CPU kernels of these rows have no integer version: their names, for its error
_FLOAT_KERNELS = {"gelu": "GeluKernelImpl", "softplus": "softplus_cpu", "silu": "silu_cpu",
                  "leaky_relu": "leaky_relu_cpu", "elu": "elu_cpu", "mish": "mish_cpu",
                  "hardswish": "hardswish_cpu", "hardsigmoid": "hardsigmoid_cpu",
                  "celu": "elu_cpu", "log_sigmoid": "log_sigmoid_cpu", "mse_loss": "mse_cpu"}


def _check_kernel(name, input):
    """torch's NotImplementedError for a row whose kernel has no version for ``input``'s
    (integer) dtype: ``"silu_cpu" not implemented for 'Long'``."""
    if name in _FLOAT_KERNELS and not input.dtype.is_floating_point:
        raise _kernel_missing(_FLOAT_KERNELS[name], input.dtype)


def _activation(name, input, inplace, **attrs):
    """An activation row applied to ``input``; ``inplace=True`` writes the result into it,
    with the row of the in-place form where torch has its own (one that keeps the result:
    ``leaky_relu_``, ``elu_``)."""
    _check_kernel(name, input)
    if inplace:
        rule = RULES.get(name + "_", RULES[name])
        return tape.inplace(input, lambda old: apply(rule, old, **attrs))
    return apply(RULES[name], input, **attrs)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """``x`` where positive, ``negative_slope * x`` elsewhere.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.leaky_relu(autodiff.tensor([-2.0, 3.0]), 0.1)
    tensor([-0.2000,  3.0000])
    """
    return _activation("leaky_relu", input, inplace, negative_slope=negative_slope)


def elu(input, alpha=1.0, inplace=False):
    """``x`` where positive, ``alpha * (exp(x) - 1)`` elsewhere."""
    return _activation("elu", input, inplace, alpha=alpha, scale=1, input_scale=1)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input, inplace=False):
    """``elu`` with torch's self-normalising constants, scaled (EluBackward0)."""
    return _activation("elu", input, inplace, alpha=_SELU_ALPHA, scale=_SELU_SCALE,
                       input_scale=1)


def silu(input, inplace=False):
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


def softplus(input, beta=1, threshold=20):
    """``log(1 + exp(beta * x)) / beta``, a smooth ReLU (``x`` itself where ``beta * x``
    passes ``threshold``)."""
    _check_kernel("softplus", input)
    return apply(RULES["softplus"], input, beta=beta, threshold=threshold)


# ... by a kernel, as threshold_backward:  d/dg = the same mask,  d/dx = 0
row("hardtanh_backward", "HardtanhBackwardBackward0",
    lambda grad_output, self, *, min_val, max_val: jnp.where(
        (self > min_val) & (self < max_val), grad_output, 0),
    (lambda grad, self, min_val, max_val: tape.apply(RULES["hardtanh_backward"], grad, self,
                                                     min_val=min_val, max_val=max_val),
     lambda grad: _zeros_like(grad)))
# hardtanh = x clipped to [min_val, max_val]:  d/dx = 1 strictly inside
row("hardtanh", "HardtanhBackward0",
    lambda self, *, min_val, max_val: jnp.clip(self, min_val, max_val).astype(self.dtype),
    lambda grad, self, min_val, max_val: (tape.apply(
        RULES["hardtanh_backward"], grad, self, min_val=min_val, max_val=max_val),))


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """``x`` clipped to ``[min_val, max_val]``."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _activation("hardtanh", input, inplace, min_val=min_val, max_val=max_val)


def relu6(input, inplace=False):
    """``min(max(x, 0), 6)`` (HardtanhBackward0)."""
    return hardtanh(input, 0, 6, inplace)


def _softmax_dim(name, ndim):
    """torch's choice when ``dim`` is not given (with its deprecation warning)."""
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the "
                  "call to include dim=X as an argument.", UserWarning, stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, dtype=None):
    """``exp(x) / exp(x).sum(dim)``, computed stably.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.softmax(autodiff.tensor([1.0, 2.0, 3.0]), dim=0)
    tensor([0.0900, 0.2447, 0.6652])
    """
    if dim is None:
        dim = _softmax_dim("softmax", input.ndim)
    return ops.softmax(input, dim, dtype=dtype)


def log_softmax(input, dim=None, dtype=None):
    """``x - logsumexp(x, dim)``: the log of ``softmax``, without its underflow.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.log_softmax(autodiff.tensor([1.0, 2.0, 3.0]), dim=0)
    tensor([-2.4076, -1.4076, -0.4076])
    """
    if dim is None:
        dim = _softmax_dim("log_softmax", input.ndim)
    return ops.log_softmax(input, dim, dtype=dtype)


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)``
    (in training; the identity otherwise). The mask comes from autodiff's generator.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> _ = autodiff.manual_seed(0)
    >>> F.dropout(autodiff.ones(6), p=0.5)   # autodiff-only (its own random numbers)
    tensor([2., 0., 0., 0., 2., 2.])
    """
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if p == 0 or not training or input.numel() == 0:
        return input
    if p == 1:
        mask = ops.zeros((), dtype=input.dtype)
    else:
        keep = ops.default_generator._rng.random(tuple(input.shape)) >= p
        mask = tape.make_tensor(jnp.asarray(keep / (1 - p), input.dtype.np))
    return input.mul_(mask) if inplace else input * mask


# ---------------------------------------------------------------------------------------
# Layers
# ---------------------------------------------------------------------------------------

def linear(input, weight, bias=None):
    """``input @ weight.T + bias``: ``addmm`` for a batch of rows, as torch records it.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.linear(autodiff.tensor([[1.0, 2.0]]), autodiff.tensor([[3.0, 4.0]]),
    ...          autodiff.tensor([0.5]))
    tensor([[11.5000]])
    """
    if bias is None:
        return ops.matmul(input, weight.t())
    rows = input if input.ndim == 2 else input.reshape(-1, input.shape[-1])
    if rows.dtype is not weight.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got "
                           f"{D.c_name(rows.dtype)} and {D.c_name(weight.dtype)}")
    if rows.shape[1] != weight.shape[1]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows.shape[0]}x"
                           f"{rows.shape[1]} and {weight.shape[1]}x{weight.shape[0]})")
    out = apply(RULES["addmm"], bias, rows, weight.t(), beta=1, alpha=1)
    return out if input.ndim == 2 else out.view(*input.shape[:-1], weight.shape[0])


def _embedding_picks_grad(grad, indices, padding_idx, scale_grad_by_freq, n):
    if scale_grad_by_freq:
        grad = grad / tape.constant(jnp.bincount(indices.reshape(-1), length=n)[indices][..., None]
                             .astype(grad._array.dtype))
    return _w(tape.constant((indices != padding_idx)[..., None]), grad, 0.0)


# embedding: rows of weight picked by indices; the gradient of a row is the sum of the
# gradients of its picks (none for padding_idx; each divided by how often its row was
# picked, with scale_grad_by_freq)
row("embedding", "EmbeddingBackward0",
    lambda weight, *, indices, padding_idx, scale_grad_by_freq, sparse, weight_sym_argsize_0:
        weight[indices._value()],
    lambda grad, indices, padding_idx, scale_grad_by_freq, sparse, weight_sym_argsize_0: (
        tape.apply(RULES["index_backward"],
                   _embedding_picks_grad(grad, indices._value(), padding_idx,
                                         scale_grad_by_freq, weight_sym_argsize_0),
                   key=(indices._value(),),
                   self_sym_sizes=(weight_sym_argsize_0, grad.shape[-1])),))


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    """Rows of ``weight`` picked by the integer tensor ``input``; the ``padding_idx`` row
    gets no gradient. ``max_norm``: the picked rows whose ``norm_type``-norm is larger are
    first scaled down to it, in place (as torch's ``embedding_renorm_``);
    ``scale_grad_by_freq``: each pick's gradient is divided by how often its row was
    picked. ``sparse=True`` is accepted, but the gradient stays dense.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.embedding(autodiff.tensor([2, 0]), autodiff.tensor([[0.0, 1.0], [2.0, 3.0],
    ...                                                      [4.0, 5.0]]))
    tensor([[4., 5.],
            [0., 1.]])
    """
    if input.dtype not in (D.int64, D.int32):
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the "
                           "following scalar types: Long, Int; but got "
                           f"{input._type_name()} instead (while checking "
                           "arguments for embedding)")
    n = weight.shape[0]
    values = input._value()
    if concrete(values) and values.size and (values.min() < -n or values.max() >= n):
        raise IndexError("index out of range in self")
    if padding_idx is None:
        padding_idx = -1
    elif padding_idx < 0:
        padding_idx += n
    indices = tape.make_tensor(values % n)
    if max_norm is not None:
        _embedding_renorm_(weight, indices, max_norm, norm_type)
    return apply(RULES["embedding"], weight, indices=indices, padding_idx=padding_idx,
                 scale_grad_by_freq=scale_grad_by_freq, sparse=sparse,
                 weight_sym_argsize_0=n)


def _embedding_renorm_(weight, indices, max_norm, norm_type):
    """Scale the picked rows of ``weight`` whose norm exceeds ``max_norm`` down to it, in
    place and unrecorded: ``row *= max_norm / (norm + 1e-7)``, the scale taken in float64
    as torch does."""
    with tape.no_grad():
        rows = weight[indices.reshape(-1)]
        norms = rows.norm(norm_type, dim=1, keepdim=True)
        scale = (max_norm / (norms.double() + 1e-7)).to(weight.dtype)
        weight[indices.reshape(-1)] = ops.where(norms > max_norm, rows * scale, rows)


# layer_norm: y = x_hat w + b, x_hat = (x - mean) rstd over the last dims;
#   dx = rstd (g' - mean(g') - x_hat mean(g' x_hat)) with g' = grad w
def _layer_norm_forward(x, weight, bias, normalized_shape, eps):
    dims = tuple(range(x.ndim - len(normalized_shape), x.ndim))
    mean = jnp.mean(x, dims, keepdims=True)
    y = (x - mean) / jnp.sqrt(jnp.var(x, dims, keepdims=True) + eps)
    return (y if weight is None else y * weight) + (0 if bias is None else bias)


def _layer_norm_backward(grad, input, weight, normalized_shape, eps):
    dims = tuple(range(input.ndim - len(normalized_shape), input.ndim))
    centered = input - input.mean(dims, keepdim=True)
    rstd = (input.var(dims, keepdim=True, correction=0) + eps).rsqrt()
    x_hat = centered * rstd
    g = grad if weight is None else grad * weight
    dx = rstd * (g - g.mean(dims, keepdim=True) - x_hat * (g * x_hat).mean(dims, keepdim=True))
    return (dx, None if weight is None else grad * x_hat, grad)


row("layer_norm", "NativeLayerNormBackward0",
    lambda input, weight, bias, *, normalized_shape, eps: _layer_norm_forward(
        input, weight, bias, normalized_shape, eps),
    lambda grad, input, weight, normalized_shape, eps: _layer_norm_backward(
        grad, input, weight, normalized_shape, eps))


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05):
    """Normalize over the last ``len(normalized_shape)`` dims to mean 0 and variance 1,
    then scale by ``weight`` and shift by ``bias``.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.layer_norm(autodiff.tensor([[1.0, 2.0, 3.0]]), (3,))
    tensor([[-1.2247,  0.0000,  1.2247]])
    """
    normalized_shape = (normalized_shape,) if isinstance(normalized_shape, int) \
        else tuple(normalized_shape)
    if tuple(input.shape[input.ndim - len(normalized_shape):]) != normalized_shape:
        raise RuntimeError(f"Given normalized_shape={list(normalized_shape)}, expected input "
                           f"with shape [*, {', '.join(map(str, normalized_shape))}], but got "
                           f"input of size{list(input.shape)}")
    return apply(RULES["layer_norm"], input, weight, bias, normalized_shape=normalized_shape,
                 eps=eps)


# batch_norm: y = x_hat w + b, x_hat = (x - mean) invstd per channel (dim 1), with the
# batch's statistics in training and the running ones in evaluation;
#   training: dx = invstd (g - mean(g) - x_hat mean(g x_hat)),  g = grad w
#   evaluation: dx = g invstd;   dw = sum(grad x_hat),  db = sum(grad)
def _per_channel(v, ndim):
    """A (C,) vector shaped (C, 1, ...) to broadcast against (N, C, ...)."""
    return v.reshape((-1,) + (1,) * (ndim - 2))


def _batch_norm_forward(x, weight, bias, running_mean, running_var, training, eps):
    dims = (0,) + tuple(range(2, x.ndim))
    if training:
        mean, var = jnp.mean(x, dims, keepdims=True), jnp.var(x, dims, keepdims=True)
    else:
        mean = _per_channel(running_mean._value(), x.ndim)
        var = _per_channel(running_var._value(), x.ndim)
    y = (x - mean) / jnp.sqrt(var + eps)
    y = y if weight is None else y * _per_channel(weight, x.ndim)
    return y if bias is None else y + _per_channel(bias, x.ndim)


def _batch_norm_backward(grad, input, weight, running_mean, running_var, training, eps):
    dims = (0,) + tuple(range(2, input.ndim))
    if training:
        mean = input.mean(dims, keepdim=True)
        var = input.var(dims, keepdim=True, correction=0)
    else:
        mean = _per_channel(running_mean, input.ndim)
        var = _per_channel(running_var, input.ndim)
    invstd = (var + eps).rsqrt()
    x_hat = (input - mean) * invstd
    g = grad if weight is None else grad * _per_channel(weight, input.ndim)
    if training:
        dx = invstd * (g - g.mean(dims, keepdim=True)
                       - x_hat * (g * x_hat).mean(dims, keepdim=True))
    else:
        dx = g * invstd
    return dx, None if weight is None else (grad * x_hat).sum(dims), grad.sum(dims)


row("batch_norm", "NativeBatchNormBackward0",
    lambda input, weight, bias, *, running_mean, running_var, training, eps:
        _batch_norm_forward(input, weight, bias, running_mean, running_var, training, eps),
    lambda grad, input, weight, running_mean, running_var, training, eps: _batch_norm_backward(
        grad, input, weight, running_mean, running_var, training, eps),
    tensor_attrs=("running_mean", "running_var"))


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-05):
    """Normalize each channel (dim 1) to mean 0 and variance 1, then scale by ``weight``
    and shift by ``bias``. Training: with the batch's statistics, and the running ones
    (if given) move toward them by ``momentum``; evaluation: with the running ones.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.batch_norm(autodiff.tensor([[1.0], [3.0]]), None, None, training=True)
    tensor([[-1.0000],
            [ 1.0000]])
    """
    if training:
        if input.numel() // input.shape[1] <= 1:
            raise ValueError("Expected more than 1 value per channel when training, got input "
                             f"size {input.shape}")
        if running_mean is not None:
            _update_running_stats(input, running_mean, running_var, momentum)
    elif running_mean is None:
        raise RuntimeError("running_mean must be defined in evaluation mode")
    return apply(RULES["batch_norm"], input, weight, bias, running_mean=running_mean,
                 running_var=running_var, training=training, eps=eps)


def _update_running_stats(input, running_mean, running_var, momentum):
    """running = momentum * batch + (1 - momentum) * running (the variance unbiased)."""
    dims = (0,) + tuple(range(2, input.ndim))
    with tape.no_grad():
        batch = input.detach()
        running_mean.copy_(momentum * batch.mean(dims) + (1 - momentum) * running_mean)
        running_var.copy_(momentum * batch.var(dims) + (1 - momentum) * running_var)


def _pair(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x, x)


# convolution (lax.conv_general_dilated). Its two gradients are convolutions too, so the
# backward is recorded by this same row (double backward comes for free):
#   d/d input  = conv(grad, flipped weight), input and output specs swapped, the
#                stride becoming a dilation of grad;
#   d/d weight = conv(input, grad), batch and feature dims swapped.
# Groups (torch's groups: feature groups) split the channels into independent
# convolutions; the weight's gradient is then a convolution in batch groups, and a
# gradient of that (double backward) one in feature groups again.
# (jax's _conv_general_dilated_transpose_lhs/_rhs, written with autodiff ops.)
def _conv_forward(input, weight, bias, stride, padding, dilation, lhs_dilation,
                  dimension_numbers, feature_group_count, batch_group_count):
    out = jax.lax.conv_general_dilated(input, weight, stride, padding, lhs_dilation, dilation,
                                       dimension_numbers, feature_group_count,
                                       batch_group_count)
    return out if bias is None else out + bias.reshape((-1,) + (1,) * (out.ndim - 2))


def _swap01(spec):
    return (spec[1], spec[0]) + tuple(spec[2:])


def _regroup(x, src, dst, groups):
    """Dim ``src`` split into (groups, size / groups), the groups then merged into dim
    ``dst`` as its major part (jax's _reshape_axis_out_of and _reshape_axis_into)."""
    shape = list(x.shape)
    merged = list(shape)
    merged[src], merged[dst] = shape[src] // groups, shape[dst] * groups
    split = shape[:src] + [groups, shape[src] // groups] + shape[src + 1:]
    return x.reshape(split).movedim(src, dst).reshape(merged)


def _dilated(shape, dilation):
    return [0 if s == 0 else 1 + d * (s - 1) for s, d in zip(shape, dilation)]


def _conv_geometry(grad, input, weight, stride, padding, dilation, lhs_dilation,
                   dimension_numbers):
    """What both gradients of a convolution start from: the spatial sizes of the kernel,
    the input and the output, each dilated as the forward saw it, and the low padding."""
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    kernel = _dilated([weight.shape[d] for d in rhs_spec[2:]], dilation)
    lhs = _dilated([input.shape[d] for d in lhs_spec[2:]], lhs_dilation)
    out = _dilated([grad.shape[d] for d in out_spec[2:]], stride)
    return kernel, lhs, out, [p[0] for p in padding]


def _convolution(input, weight, **attrs):
    return tape.apply(RULES["convolution"], input, weight, None, **attrs)


def _conv_input_grad(grad, input, weight, stride, padding, dilation, lhs_dilation,
                     dimension_numbers, feature_group_count, batch_group_count):
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    kernel, lhs, out, lo = _conv_geometry(grad, input, weight, stride, padding, dilation,
                                          lhs_dilation, dimension_numbers)
    # pad so that every output position sees the kernel positions that touched it
    before = [k - p - 1 for k, p in zip(kernel, lo)]
    after = [l + k - 1 - o - b for l, k, o, b in zip(lhs, kernel, out, before)]
    # (in groups: the weight's output dim holds them; they move into its input dim)
    groups = max(feature_group_count, batch_group_count)
    kernel_t = weight if groups == 1 else _regroup(weight, rhs_spec[0], rhs_spec[1], groups)
    flipped = tape.apply(RULES["flip"], kernel_t, dims=tuple(rhs_spec[2:]))
    grad_input = _convolution(grad, flipped, stride=lhs_dilation,
                              padding=tuple(zip(before, after)), dilation=dilation,
                              lhs_dilation=stride,
                              dimension_numbers=jax.lax.ConvDimensionNumbers(
                                  out_spec, _swap01(rhs_spec), lhs_spec),
                              feature_group_count=groups, batch_group_count=1)
    if batch_group_count > 1:        # batch groups: their channels go back into the batch
        grad_input = _regroup(grad_input, lhs_spec[1], lhs_spec[0], batch_group_count)
    return grad_input


def _conv_weight_grad(grad, input, weight, stride, padding, dilation, lhs_dilation,
                      dimension_numbers, feature_group_count, batch_group_count):
    # correlate the input with grad, the kernel positions as the output (feature groups
    # become batch groups, and batch groups feature groups)
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    kernel, lhs, out, lo = _conv_geometry(grad, input, weight, stride, padding, dilation,
                                          lhs_dilation, dimension_numbers)
    after = [o - l + k - p - 1 for o, l, k, p in zip(out, lhs, kernel, lo)]
    return _convolution(input, grad, stride=dilation, padding=tuple(zip(lo, after)),
                        dilation=stride, lhs_dilation=lhs_dilation,
                        dimension_numbers=jax.lax.ConvDimensionNumbers(
                            _swap01(lhs_spec), _swap01(out_spec), _swap01(rhs_spec)),
                        feature_group_count=batch_group_count,
                        batch_group_count=feature_group_count)


row("convolution", "ConvolutionBackward0",
    lambda input, weight, bias, *, stride, padding, dilation, lhs_dilation,
    dimension_numbers, feature_group_count, batch_group_count: _conv_forward(
        input, weight, bias, stride, padding, dilation, lhs_dilation, dimension_numbers,
        feature_group_count, batch_group_count),
    (_conv_input_grad, _conv_weight_grad,
     lambda grad, dimension_numbers: grad.sum(                  # all but the channel dim
         tuple(d for d in range(grad.ndim) if d != dimension_numbers[2][1]))))


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D cross-correlation of ``input`` (N, C, H, W) with ``weight`` (O, C / groups,
    kH, kW), plus ``bias``: ``jax.lax.conv_general_dilated`` forward, a hand-written
    backward. ``groups``: the channels split into that many independent convolutions.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> image = autodiff.arange(9.0).reshape(1, 1, 3, 3)
    >>> F.conv2d(image, autodiff.ones(1, 1, 2, 2))
    tensor([[[[ 8., 12.],
              [20., 24.]]]])
    """
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if input.ndim == 3:
        return conv2d(input.unsqueeze(0), weight, bias, stride, padding, dilation,
                      groups).squeeze(0)
    stride, dilation = _pair(stride), _pair(dilation)
    if padding == "valid":
        padding = 0
    if padding == "same":
        total = [d * (k - 1) for d, k in zip(dilation, weight.shape[2:])]
        if any(t % 2 for t in total):
            tape.warn_once("Using padding='same' with even kernel lengths and odd dilation may "
                       "require a zero-padded copy of the input be created")
        pads = tuple((t // 2, t - t // 2) for t in total)
    else:
        pads = tuple((p, p) for p in _pair(padding))
    if weight.shape[0] < groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least {groups} at "
                           f"dimension 0, but got weight of size {list(weight.shape)} instead")
    if weight.shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} "
                           f"at dimension 0, but got weight of size [{list(weight.shape)}] "
                           "instead")
    if input.shape[1] != weight.shape[1] * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {list(weight.shape)}, "
                           f"expected input{list(input.shape)} to have "
                           f"{weight.shape[1] * groups} channels, but got {input.shape[1]} "
                           "channels instead")
    padded = [s + lo + hi for s, (lo, hi) in zip(input.shape[2:], pads)]
    kernel = [d * (k - 1) + 1 for d, k in zip(dilation, weight.shape[2:])]
    if any(k > s for k, s in zip(kernel, padded)):
        raise RuntimeError(f"Calculated padded input size per channel: ({padded[0]} x "
                           f"{padded[1]}). Kernel size: ({kernel[0]} x {kernel[1]}). Kernel "
                           "size can't be greater than actual input size")
    numbers = jax.lax.conv_dimension_numbers(tuple(input.shape), tuple(weight.shape),
                                             ("NCHW", "OIHW", "NCHW"))
    return apply(RULES["convolution"], input, weight, bias, stride=stride, padding=pads,
                 dilation=dilation, lhs_dilation=(1, 1), dimension_numbers=numbers,
                 feature_group_count=groups, batch_group_count=1)


# avg_pool2d and adaptive_avg_pool2d: each output is a weighted sum of a window, separable
# into an (out, in) matrix per spatial dim (1 / the window's count, or 1 / the divisor):
# y = Mh x Mw^T over the last two dims. The gradient is the transposed map (torch's
# ``*_backward`` kernel), whose own gradient is the pool of grad (and 0 for the input).
def _pooling_output_shape(size, kernel, stride, pad, dilation, ceil_mode):
    """torch's ``pooling_output_shape``: how many windows fit along one dim."""
    span = size + 2 * pad - dilation * (kernel - 1) - 1 + (stride - 1 if ceil_mode else 0)
    out = span // stride + 1
    if ceil_mode and (out - 1) * stride >= size + pad:
        out -= 1          # the last window must start inside the input or its left padding
    return out


_pool_size = _pooling_output_shape     # how many windows fit along one dim


def _window_indices(height, width, kernel, stride, padding, dilation, ceil_mode):
    """For each output position and kernel tap: the flat input position, or -1 (padding)."""
    axes = []
    for size, k, s, p, d in zip((height, width), kernel, stride, padding, dilation):
        out = _pool_size(size, k, s, p, d, ceil_mode)
        pos = np.arange(out)[:, None] * s - p + np.arange(k)[None, :] * d     # (out, k)
        axes.append(np.where((pos >= 0) & (pos < size), pos, -1))
    rows, cols = axes
    flat = rows[:, None, :, None] * width + cols[None, :, None, :]           # (oh, ow, kh, kw)
    valid = (rows[:, None, :, None] >= 0) & (cols[None, :, None, :] >= 0)
    return np.where(valid, flat, -1).reshape(rows.shape[0], cols.shape[0], -1)


# max pooling: each output is the input element ``indices`` points at (its position in
# the H*W plane, as torch's return_indices); the gradient is scattered back there.
def _gather_plane(x, indices):
    n, c = x.shape[:2]
    flat = jnp.take_along_axis(x.reshape(n, c, -1), indices.reshape(n, c, -1), axis=2)
    return flat.reshape(indices.shape)


def _scatter_plane(grad, indices, self_sym_sizes):
    n, c = self_sym_sizes[:2]
    key = (jnp.arange(n)[:, None, None], jnp.arange(c)[None, :, None],
           indices.reshape(n, c, -1))
    plane = (n, c, math.prod(self_sym_sizes[2:]))
    return tape.apply(RULES["index_backward"], grad.reshape(n, c, -1), key=key,
                      self_sym_sizes=plane).reshape(self_sym_sizes)


row("max_pool2d", "MaxPool2DWithIndicesBackward0",
    lambda self, *, kernel_size, stride, padding, dilation, ceil_mode, indices,
    self_sym_sizes: _gather_plane(self, indices),
    lambda grad, kernel_size, stride, padding, dilation, ceil_mode, indices, self_sym_sizes: (
        _scatter_plane(grad, indices, self_sym_sizes),))


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """The largest element of each ``kernel_size`` window of (N, C, H, W) ``input``;
    ``return_indices=True`` also gives where it was (a position in the H*W plane).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.max_pool2d(autodiff.arange(16.0).reshape(1, 1, 4, 4), 2)
    tensor([[[[ 5.,  7.],
              [13., 15.]]]])
    """
    if input.ndim == 3:
        out = max_pool2d(input.unsqueeze(0), kernel_size, stride, padding, dilation,
                         ceil_mode, return_indices)
        return tuple(o.squeeze(0) for o in out) if return_indices else out.squeeze(0)
    kernel = _pair(kernel_size)
    stride = kernel if stride is None or stride == [] else _pair(stride)
    padding, dilation = _pair(padding), _pair(dilation)
    for p, k, d in zip(padding, kernel, dilation):
        if p > (d * (k - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                               f"pad={p}, kernel_size={k} and dilation={d}")
    if any(p > k // 2 for p, k in zip(padding, kernel)):
        raise RuntimeError(f"pad should be smaller than or equal to half of kernel size, but "
                           f"got padW = {padding[1]}, padH = {padding[0]}, kW = {kernel[1]}, "
                           f"kH = {kernel[0]}")
    n, c, h, w = input.shape
    out = [_pool_size(*args, ceil_mode) for args in zip((h, w), kernel, stride, padding,
                                                         dilation)]
    if min(out) < 1:
        raise RuntimeError(f"Given input size: ({c}x{h}x{w}). Calculated output size: "
                           f"({c}x{out[0]}x{out[1]}). Output size is too small")
    taps = _window_indices(h, w, kernel, stride, padding, dilation, ceil_mode)
    x = input._value().reshape(n, c, -1)
    windows = jnp.where(taps >= 0, x[:, :, np.maximum(taps, 0)], -jnp.inf)  # n,c,oh,ow,taps
    best = jnp.argmax(windows, axis=-1)
    indices = jnp.take_along_axis(jnp.broadcast_to(taps, windows.shape), best[..., None],
                                  axis=-1)[..., 0]
    out = apply(RULES["max_pool2d"], input, kernel_size=kernel, stride=stride,
                padding=padding, dilation=dilation, ceil_mode=ceil_mode, indices=indices,
                self_sym_sizes=input.shape)
    return (out, tape.make_tensor(indices.astype(np.int64))) if return_indices else out


# ---------------------------------------------------------------------------------------
# Losses
# ---------------------------------------------------------------------------------------

_REDUCTIONS = {"none": 0, "mean": 1, "sum": 2}


def _reduction_enum(reduction):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return _REDUCTIONS[reduction]


def _reduce(loss, reduction):
    """Apply a reduction with ordinary ops (for the composite losses)."""
    return {"none": loss, "mean": loss.mean(), "sum": loss.sum()}[reduction]


def _broadcast_pair(input, target):
    """The loss of elementwise pairs; torch warns when the two shapes differ."""
    if target.shape != input.shape:
        warnings.warn(f"Using a target size ({_size(target)}) that is different to the input "
                      f"size ({_size(input)}). This will likely lead to incorrect results due "
                      "to broadcasting. Please ensure they have the same size.",
                      UserWarning, stacklevel=3)
        shape = ops.broadcast_shapes(input.shape, target.shape)
        input, target = input.expand(shape), target.expand(shape)
    return input, target


def _size(t):
    return f"autodiff.Size({list(t.shape)})"


def _loss_double_backward_grad_output(kernel, grad, grad_output, self, target, reduction,
                                      **attrs):
    """The gradient of a loss's backward kernel for its incoming gradient (torch's
    ``*_double_backward_grad_output``): the kernel applied to ``grad`` itself, or, reduced,
    to ones and summed against ``grad``."""
    if reduction == 0:
        return tape.apply(RULES[kernel], grad, self, target, reduction=reduction, **attrs)
    ones = tape.constant(jnp.ones_like(grad_output._value()))
    return (tape.apply(RULES[kernel], ones, self, target, reduction=reduction, **attrs)
            * grad).sum()


def _mse_double_backward_grad_output(grad, grad_output, self, target, reduction):
    return _loss_double_backward_grad_output("mse_loss_backward", grad, grad_output, self,
                                             target, reduction)


def _opposite_pair(g):
    """A loss of ``x - t``: the gradient of ``t`` is minus that of ``x``."""
    return g, -g


# mse_bw(g, x, t) = (2 / N, or 2) (x - t) g:  d/dg = mse_bw(g', x, t), reduced as the loss
#   was;  d/dx = (2 / N, or 2) g g' = -d/dt
row("mse_loss_backward", "MseLossBackwardBackward0",
    lambda grad_output, self, target, *, reduction: (
        2 / self.size if reduction == 1 else 2) * (self - target) * grad_output,
    lambda grad, grad_output, self, target, reduction: (
        _mse_double_backward_grad_output(grad, grad_output, self, target, reduction),
        *_opposite_pair(2 * grad * grad_output / (self.numel() if reduction == 1 else 1))))


# Losses take ``reduction`` as torch's enum (0 'none', 1 'mean', 2 'sum'), so that
# ``grad_fn._saved_reduction`` reads as torch's. Non-differentiable inputs (class
# indices, weights) are attributes, so ``next_functions`` has torch's length.
def _reduced(loss, reduction):
    """A loss array summed, averaged or kept elementwise (forward, on arrays)."""
    return {0: loss, 1: _mean(loss), 2: jnp.sum(loss)}[reduction]


# mse = reduce((x - t)^2):  d/dx = 2 (x - t),  d/dt = 2 (t - x), by torch's kernel
row("mse_loss", "MseLossBackward0",
    lambda self, target, *, reduction: _reduced((self - target) ** 2, reduction),
    (lambda grad, self, target, reduction: tape.apply(RULES["mse_loss_backward"], grad, self,
                                                      target, reduction=reduction),
     lambda grad, self, target, reduction: tape.apply(RULES["mse_loss_backward"], grad, target,
                                                      self, reduction=reduction)))


def mse_loss(input, target, reduction="mean"):
    """The squared error ``(input - target) ** 2``, averaged (or summed, or kept).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.mse_loss(autodiff.tensor([1.0, 2.0]), autodiff.tensor([0.0, 4.0]))
    tensor(2.5000)
    """
    enum = _reduction_enum(reduction)
    input, target = _broadcast_pair(input, target)
    _check_kernel("mse_loss", input)
    return apply(RULES["mse_loss"], input, target, reduction=enum)


def l1_loss(input, target, reduction="mean"):
    """The absolute error ``|input - target|``, averaged (or summed, or kept).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.l1_loss(autodiff.tensor([1.0, 2.0]), autodiff.tensor([0.0, 4.0]))
    tensor(1.5000)
    """
    _reduction_enum(reduction)
    input, target = _broadcast_pair(input, target)
    return _reduce((input - target).abs(), reduction)


def _check_targets(input, target):
    if input.ndim >= 2 and target.ndim >= 1 and input.shape[0] != target.shape[0]:
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target "
                         f"batch_size ({target.shape[0]}).")
    if target.dtype.is_floating_point:
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got "
                           f"{D.c_name(target.dtype)}")
    expected = input.shape[:1] + input.shape[2:]
    if input.ndim > 2 and target.shape != expected:
        raise RuntimeError(f"Expected target size {list(expected)}, got {list(target.shape)}")


# nll = -w[t] x[t] summed (or averaged by the sum of w[t]); ignore_index weighs 0.
# Class scores are along dim 1 (dim 0 for one sample).
def _nll_weights(shape, target, weight, ignore_index):
    """An array like the input: w[t] at each target's class, 0 elsewhere."""
    class_dim = 0 if len(shape) == 1 else 1
    t = target._value()
    w = jnp.ones(shape[class_dim]) if weight is None else weight._value()
    hot = jnp.expand_dims(t, class_dim) == jnp.arange(shape[class_dim]).reshape(
        (-1,) + (1,) * (len(shape) - class_dim - 1))
    kept = jnp.expand_dims(t != ignore_index, class_dim)
    return jnp.where(hot & kept, w.reshape((-1,) + (1,) * (len(shape) - class_dim - 1)), 0.0)


def _nll_forward(self, target, weight, reduction, ignore_index):
    w = _nll_weights(self.shape, target, weight, ignore_index).astype(self.dtype)
    picked = -jnp.sum(w * self, axis=0 if self.ndim == 1 else 1)
    if reduction == 1:
        return jnp.sum(picked) / jnp.sum(w)
    return _reduced(picked, reduction)


def _nll_backward(grad, self_shape, target, weight, reduction, ignore_index):
    w = tape.constant(_nll_weights(self_shape, target, weight, ignore_index))
    if reduction == 1:
        grad = grad / w.sum()
    elif reduction == 0 and len(self_shape) > 1:
        grad = grad.unsqueeze(1)
    return (-grad * w,)


row("nll_loss", "NllLossBackward0",
    lambda self, *, target, weight, reduction, ignore_index, self_sym_sizes: _nll_forward(
        self, target, weight, reduction, ignore_index),
    lambda grad, target, weight, reduction, ignore_index, self_sym_sizes: _nll_backward(
        grad, self_sym_sizes, target, weight, reduction, ignore_index))
alias_row("nll_loss2d", "NllLoss2DBackward0", of="nll_loss")


def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):
    """The negative log-likelihood ``-input[i, target[i]]`` of log-probabilities
    ``input`` (N, C) (or (C,), or (N, C, d1, ...)), weighted per class by ``weight``.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.nll_loss(autodiff.tensor([[-1.0, -2.0], [-3.0, -0.5]]), autodiff.tensor([0, 1]))
    tensor(0.7500)
    """
    enum = _reduction_enum(reduction)
    _check_targets(input, target)
    n_classes = input.shape[0 if input.ndim == 1 else 1]
    if concrete(target._value()):
        t = np.asarray(target._value())
        wrong = t[(t != ignore_index) & ((t < 0) | (t >= n_classes))]
        if wrong.size:
            raise IndexError(f"Target {wrong.flat[0]} is out of bounds.")
    attrs = dict(target=target, weight=weight, reduction=enum, ignore_index=ignore_index,
                 self_sym_sizes=input.shape)
    if input.ndim <= 2:
        return apply(RULES["nll_loss"], input, **attrs)
    if input.ndim == 4:
        return apply(RULES["nll_loss2d"], input, **attrs)
    # other ranks go through the 2-D kernel, as (N, C, 1, rest)
    n = input.shape[0]
    flat = input.contiguous().view(n, n_classes, 1, -1)
    attrs.update(target=target.contiguous().view(n, 1, -1), self_sym_sizes=flat.shape)
    out = apply(RULES["nll_loss2d"], flat, **attrs)
    return out.view(target.shape) if enum == 0 else out


def cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean",
                  label_smoothing=0.0):
    """The cross-entropy of the logits ``input`` against class indices (``nll_loss`` of
    ``log_softmax``) or against class probabilities of input's shape;
    ``label_smoothing`` mixes the target with the uniform distribution.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> logits = autodiff.tensor([[2.0, 0.0], [0.0, 2.0]])
    >>> F.cross_entropy(logits, autodiff.tensor([0, 1]))
    tensor(0.1269)
    >>> F.cross_entropy(logits, autodiff.tensor([[0.5, 0.5], [0.0, 1.0]]))
    tensor(0.6269)
    """
    _reduction_enum(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: "
                           f"{label_smoothing}")
    class_dim = 0 if input.ndim == 1 else 1
    log_p = ops.log_softmax(input, class_dim)
    if target.dtype.is_floating_point and target.shape == input.shape:
        return _cross_entropy_probabilities(log_p, target, weight, reduction, label_smoothing,
                                            class_dim)
    loss = nll_loss(log_p, target, weight, ignore_index, reduction)
    if label_smoothing == 0.0:
        return loss
    return _smoothed(loss, log_p, target, weight, ignore_index, reduction, label_smoothing,
                     class_dim)


def _weight_along(weight, class_dim, ndim):
    """``weight`` (C,) shaped to broadcast along the class dim of an ``ndim`` tensor."""
    return weight.view(*[-1 if d == class_dim else 1 for d in range(ndim)])


row("div_scalar", "DivBackward1", lambda self, *, other: self / other,
    lambda grad, other: (_over_scalar(grad, other),))


def _cross_entropy_probabilities(log_p, target, weight, reduction, smoothing, class_dim):
    n_classes = log_p.shape[class_dim]
    if smoothing > 0.0:
        target = target * (1 - smoothing) + smoothing / n_classes
    terms = log_p * target
    if weight is not None:
        terms = terms * _weight_along(weight, class_dim, log_p.ndim)
    if reduction == "none":
        return -terms.sum(class_dim)
    total = -terms.sum()
    if reduction == "sum":
        return total
    return apply(RULES["div_scalar"], total, other=log_p.numel() // n_classes)


def _smoothed(nll, log_p, target, weight, ignore_index, reduction, smoothing, class_dim):
    """torch's ``cross_entropy_loss_label_smoothing``: mix the nll with the mean of
    ``-log_p`` over the classes."""
    n_classes = log_p.shape[class_dim]
    ignored = target == ignore_index
    if weight is not None:
        log_p = log_p * _weight_along(weight, class_dim, log_p.ndim)
    smooth = ops.where(ignored, 0.0, -log_p.sum(class_dim))
    if reduction == "mean":
        if weight is None:
            smooth = smooth.sum() / (~ignored).sum()
        else:
            kept = target._value()[~ignored._value()]
            smooth = smooth.sum() / tape.make_tensor(weight._value()[kept]).sum()
    elif reduction == "sum":
        smooth = smooth.sum()
    return _times_scalar(nll, 1 - smoothing) + _times_scalar(smooth, smoothing / n_classes)


def _spread(grad, shape, reduction):
    """The adjoint of ``_reduced``: one gradient per element of the unreduced loss."""
    if reduction == 0:
        return grad
    return grad.expand(shape) / (math.prod(shape) if reduction == 1 else 1)


# bce = -w (t log x + (1 - t) log(1 - x)), logs clamped at -100:
#   d/dx = w (x - t) / max(x (1 - x), 1e-12),   d/dt = w (log(1 - x) - log x)
def _times_weight(x, weight):
    return x if weight is None else x * weight


def _bce_backward(g, self, target):
    return (g * (self - target) / (self * (1 - self)).clamp(min=1e-12),
            g * ((1 - self).log() - self.log()))


row("binary_cross_entropy", "BinaryCrossEntropyBackward0",
    lambda self, target, *, weight, reduction: _reduced(
        _times_weight((target - 1) * jnp.maximum(jnp.log1p(-self), -100.0)
                      - target * jnp.maximum(jnp.log(self), -100.0),
                      None if weight is None else weight._value()), reduction),
    lambda grad, self, target, weight, reduction: _bce_backward(
        _times_weight(_spread(grad, self.shape, reduction), weight), self, target),
    tensor_attrs=("weight",))


def binary_cross_entropy(input, target, weight=None, reduction="mean"):
    """``-(t log p + (1 - t) log(1 - p))`` for probabilities ``input`` in [0, 1] (each log
    clamped at -100), weighted by ``weight``.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.binary_cross_entropy(autodiff.tensor([0.9, 0.2]), autodiff.tensor([1.0, 0.0]))
    tensor(0.1643)
    """
    enum = _reduction_enum(reduction)
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({_size(target)}) that is different to the "
                         f"input size ({_size(input)}) is deprecated. Please ensure they have "
                         "the same size.")
    values = input._value()
    if concrete(values) and not bool(jnp.all((values >= 0) & (values <= 1))):
        raise RuntimeError("all elements of input should be between 0 and 1")
    if weight is not None:
        weight = weight.expand(ops.broadcast_shapes(target.shape, weight.shape))
    return apply(RULES["binary_cross_entropy"], input, target, weight=weight, reduction=enum)


# bce with logits, with l = 1 + (pos_weight - 1) t:
#   loss = w ((1 - t) x - l logsigmoid(x)),  d/dx = w (l sigmoid(x) - l + 1 - t),
#   d/dt = w (-x - (pos_weight - 1) logsigmoid(x))
def _log_sigmoid(x):
    return -(jnp.maximum(-x, 0) + jnp.log1p(jnp.exp(-jnp.abs(x))))


def _bce_logits_forward(x, t, weight, pos_weight):
    pw_minus_1 = 0.0 if pos_weight is None else pos_weight._value() - 1
    loss = (1 - t) * x - (1 + pw_minus_1 * t) * _log_sigmoid(x)
    return loss if weight is None else loss * weight._value()


def _log_sigmoid_tensor(x):
    """``_log_sigmoid`` with recorded ops (the target's gradient depends on x)."""
    return -((-x).clamp(min=0) + (1 + (-x.abs()).exp()).log())


def _bce_logits_backward(grad, self, target, weight, pos_weight):
    g = _times_weight(grad, weight)
    if pos_weight is None:
        return g * (self.sigmoid() - target), g * -self
    log_weight = 1 + (pos_weight - 1) * target
    return (g * (log_weight * self.sigmoid() - log_weight + 1 - target),
            g * (-self - (pos_weight - 1) * _log_sigmoid_tensor(self)))


row("binary_cross_entropy_with_logits", "BinaryCrossEntropyWithLogitsBackward0",
    lambda self, target, *, weight, pos_weight, reduction: _reduced(
        _bce_logits_forward(self, target, weight, pos_weight), reduction),
    lambda grad, self, target, weight, pos_weight, reduction: _bce_logits_backward(
        _spread(grad, self.shape, reduction), self, target, weight, pos_weight),
    tensor_attrs=("weight", "pos_weight"))


def binary_cross_entropy_with_logits(input, target, weight=None, reduction="mean",
                                     pos_weight=None):
    """``binary_cross_entropy(sigmoid(input), target)`` in one stable step;
    ``pos_weight`` weighs the positive term per class.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.binary_cross_entropy_with_logits(autodiff.tensor([2.0, -1.0]),
    ...                                    autodiff.tensor([1.0, 0.0]))
    tensor(0.2201)
    """
    enum = _reduction_enum(reduction)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({_size(target)}) must be the same as input size "
                         f"({_size(input)})")
    return apply(RULES["binary_cross_entropy_with_logits"], input, target, weight=weight,
                 pos_weight=pos_weight, reduction=enum)


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


# ---------------------------------------------------------------------------------------
# More activations
# ---------------------------------------------------------------------------------------

def logsigmoid(input):
    """``log(sigmoid(x))``, computed stably (LogSigmoidBackward0).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.logsigmoid(autodiff.tensor([-1.0, 0.0, 1.0]))
    tensor([-1.3133, -0.6931, -0.3133])
    """
    _check_kernel("log_sigmoid", input)
    return apply(RULES["log_sigmoid"], input)


def hardswish(input, inplace=False):
    """``x * relu6(x + 3) / 6`` (HardswishBackward0).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.hardswish(autodiff.tensor([-4.0, 1.0, 4.0]))
    tensor([-0.0000,  0.6667,  4.0000])
    """
    return _activation("hardswish", input, inplace)


def hardsigmoid(input, inplace=False):
    """``relu6(x + 3) / 6`` (HardsigmoidBackward0; its gradient has no derivative, as in
    torch).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.hardsigmoid(autodiff.tensor([-4.0, 0.0, 1.5]))
    tensor([0.0000, 0.5000, 0.7500])
    """
    return _activation("hardsigmoid", input, inplace)


def mish(input, inplace=False):
    """``x * tanh(softplus(x))`` (MishBackward0).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.mish(autodiff.tensor([-1.0, 0.0, 1.0]))
    tensor([-0.3034,  0.0000,  0.8651])
    """
    return _activation("mish", input, inplace)


def softsign(input):
    """``x / (1 + |x|)``, as torch composes it.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.softsign(autodiff.tensor([-3.0, 1.0]))
    tensor([-0.7500,  0.5000])
    """
    return input / (input.abs() + 1)


def softmin(input, dim=None, dtype=None):
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


def glu(input, dim=-1):
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


def prelu(input, weight):
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
        weight = weight.view(*[n if d == 1 else 1 for d in range(input.ndim)])
    return apply(RULES["prelu"], input, weight)


def celu(input, alpha=1.0, inplace=False):
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


def threshold(input, threshold, value, inplace=False):
    """``x`` where ``x > threshold``, ``value`` elsewhere (ThresholdBackward0).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.threshold(autodiff.tensor([0.5, 2.0]), 1.0, -1.0)
    tensor([-1.,  2.])
    """
    return _activation("threshold", input, inplace, threshold=threshold, value=value)


# ---------------------------------------------------------------------------------------
# Distances, normalization, padding, one-hot
# ---------------------------------------------------------------------------------------

def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """``input`` divided by its ``p``-norm along ``dim`` (at least ``eps``), as torch
    composes it: ``input / norm.clamp_min(eps).expand_as(input)``.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.normalize(autodiff.tensor([[3.0, 4.0]]))
    tensor([[0.6000, 0.8000]])
    """
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    if out is None:
        return input / denom
    return ops.div(input, denom, out=out)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """The cosine of the angle between ``x1`` and ``x2`` along ``dim``: each divided by
    its norm (clamped to ``eps``, outside the graph), multiplied and summed, as torch's
    C++ does.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.cosine_similarity(autodiff.tensor([[1.0, 0.0]]), autodiff.tensor([[1.0, 1.0]]))
    tensor([0.7071])
    """
    common = D.promote_types(x1.dtype, x2.dtype)
    if not common.is_floating_point:
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is "
                           f"{D.c_name(common)}")
    x1, x2 = (x if x.dtype.is_floating_point else x.to(common) for x in (x1, x2))
    if x1.shape != x2.shape:
        shape = ops.broadcast_shapes(x1.shape, x2.shape)
        x1, x2 = x1.expand(shape), x2.expand(shape)
    norms = [x.norm(2, dim, keepdim=True).clone() for x in (x1, x2)]
    with tape.no_grad():
        for n in norms:
            n.clamp_min_(eps)
    return ((x1 / norms[0]) * (x2 / norms[1])).sum(dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """The ``p``-norm of ``x1 - x2 + eps`` along the last dim (NormBackward1, torch's
    ``at::norm``).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.pairwise_distance(autodiff.tensor([[0.0, 0.0]]), autodiff.tensor([[3.0, 4.0]]))
    tensor([5.0000])
    """
    dim = max(x1.ndim, x2.ndim) - 1
    diff = _plus_scalar(x1 - x2, eps)
    return apply(RULES["norm_scalaropt_dim"], diff, ord=p, dim=(dim,) if dim >= 0 else None,
                 keepdim=keepdim)


def one_hot(tensor, num_classes=-1):
    """Class indices (int64) as one-hot rows of ``num_classes`` (by default one more than
    the largest index); int64, without a gradient.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.one_hot(autodiff.tensor([0, 2]), 3)
    tensor([[1, 0, 0],
            [0, 0, 1]])
    """
    if tensor.dtype is not D.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    values = np.asarray(tensor._value())
    if values.size == 0:
        if num_classes == -1:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
    else:
        if values.min() < 0:
            raise RuntimeError("Class values must be non-negative.")
        if num_classes == -1:
            num_classes = int(values.max()) + 1
        elif values.max() >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    return tape.make_tensor(jnp.asarray(values[..., None] == np.arange(num_classes), jnp.int64))


# constant_pad_nd: pad (last dim first, (before, after) pairs; negative crops) with value;
# the gradient is grad cropped back: constant_pad_nd with the pads negated
def _pad_config(pad, ndim):
    pairs = [(0, 0, 0)] * (ndim - len(pad) // 2)
    pairs += [(pad[2 * i], pad[2 * i + 1], 0) for i in reversed(range(len(pad) // 2))]
    return pairs


row("constant_pad_nd", "ConstantPadNdBackward0",
    lambda self, *, pad, value: jax.lax.pad(self, jnp.asarray(value, self.dtype),
                                            _pad_config(pad, self.ndim)),
    lambda grad, pad, value: (tape.apply(RULES["constant_pad_nd"], grad,
                                         pad=tuple(-p for p in pad), value=0),))


def pad(input, pad, mode="constant", value=None):
    """Pad the last ``len(pad) // 2`` dims: ``pad`` is (before, after) for the last dim,
    then the one before it... (negative values crop). ``mode='constant'`` only: it fills
    with ``value`` (0 by default); ConstantPadNdBackward0.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.pad(autodiff.tensor([[1.0, 2.0]]), (1, 0), value=9.0)
    tensor([[9., 1., 2.]])
    """
    if mode != "constant":
        raise NotImplementedError(f"autodiff: pad supports mode='constant' only, not "
                                  f"{mode!r}")
    pad = tuple(pad)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError(f"Padding length should be less than or equal to two times the "
                           f"input dimension but got padding length {len(pad)} and input of "
                           f"dimension {input.ndim}")
    if any(input.shape[-1 - i] + pad[2 * i] + pad[2 * i + 1] < 0
           for i in range(len(pad) // 2)):
        raise RuntimeError("narrow(): length must be non-negative.")
    return apply(RULES["constant_pad_nd"], input, pad=pad, value=0 if value is None else value)


def _clipped_slope(grad_output, self, target, reduction, k, c):
    """A loss kernel's gradient: grad_output clip((x - t) k, -c, c), by N for a mean."""
    norm = 1 / self.size if reduction == 1 else 1
    return norm * grad_output * jnp.clip((self - target) * k, -c, c)


def _inside_slope(grad, grad_output, self, target, reduction, cap, divisor):
    """The kernel's derivative for x: g g' (/ divisor) where |x - t| < cap (by N for a
    mean); minus that for t."""
    g = grad * grad_output * ((self - target).abs() < cap).to(grad.dtype)
    g = g if divisor is None else _over_scalar(g, divisor)
    return _opposite_pair(_over_scalar(g, self.numel()) if reduction == 1 else g)


def _loss_kernel_grads(kernel, grad, grad_output, self, target, reduction, cap, divisor,
                       **attrs):
    """A loss kernel's gradients: for grad_output, for x and for t."""
    return (_loss_double_backward_grad_output(kernel, grad, grad_output, self, target,
                                              reduction, **attrs),
            *_inside_slope(grad, grad_output, self, target, reduction, cap, divisor))


row("smooth_l1_loss_backward", "SmoothL1LossBackwardBackward0",
    lambda grad_output, self, target, *, reduction, beta: _clipped_slope(
        grad_output, self, target, reduction, 1 / beta, 1),
    lambda grad, grad_output, self, target, reduction, beta: _loss_kernel_grads(
        "smooth_l1_loss_backward", grad, grad_output, self, target, reduction, beta, beta,
        beta=beta))


# smooth_l1 = reduce(0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta),  d = x - t;
# huber = reduce(0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta)). Their gradients
# come from torch's kernels (mse's pattern): bw(g, x, t) = g clip(d k, -c, c) (by N for
# a mean), k = 1 / beta, c = 1 for smooth_l1 and k = 1, c = delta for huber; minus that for t.
#   d/dg = bw(g', x, t), reduced as the loss was;  d/dx = g g' / beta (g g') where |d| <
#   beta (delta)
def _smooth_l1(d, beta):
    z = jnp.abs(d)
    return jnp.where(z < beta, 0.5 * z * z / beta, z - 0.5 * beta)


def _x_and_t_grads(kernel, **attrs):
    """A loss of ``x - t`` whose gradients are its kernel's: bw(g, x, t) and bw(g, t, x)."""
    return (lambda grad, self, target: tape.apply(RULES[kernel], grad, self, target, **attrs),
            lambda grad, self, target: tape.apply(RULES[kernel], grad, target, self, **attrs))


row("smooth_l1_loss", "SmoothL1LossBackward0",
    lambda self, target, *, reduction, beta: _reduced(_smooth_l1(self - target, beta),
                                                      reduction),
    lambda grad, self, target, reduction, beta: tuple(
        f(grad, self, target) for f in _x_and_t_grads("smooth_l1_loss_backward",
                                                       reduction=reduction, beta=beta)))


# ---------------------------------------------------------------------------------------
# More losses
# ---------------------------------------------------------------------------------------

def smooth_l1_loss(input, target, reduction="mean", beta=1.0):
    """``0.5 d^2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta`` (``d = input -
    target``), averaged (SmoothL1LossBackward0; ``beta=0`` is ``l1_loss``, as in torch).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.smooth_l1_loss(autodiff.tensor([0.5, 3.0]), autodiff.tensor([0.0, 0.0]))
    tensor(1.3125)
    """
    enum = _reduction_enum(reduction)
    input, target = _broadcast_pair(input, target)
    if beta == 0.0:
        return _reduce((input - target).abs(), reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    return apply(RULES["smooth_l1_loss"], input, target, reduction=enum, beta=beta)


row("huber_loss_backward", "HuberLossBackwardBackward0",
    lambda grad_output, self, target, *, reduction, delta: _clipped_slope(
        grad_output, self, target, reduction, 1, delta),
    lambda grad, grad_output, self, target, reduction, delta: _loss_kernel_grads(
        "huber_loss_backward", grad, grad_output, self, target, reduction, delta, None,
        delta=delta))


def _huber(d, delta):
    z = jnp.abs(d)
    return jnp.where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta))


row("huber_loss", "HuberLossBackward0",
    lambda self, target, *, reduction, delta: _reduced(_huber(self - target, delta),
                                                       reduction),
    lambda grad, self, target, reduction, delta: tuple(
        f(grad, self, target) for f in _x_and_t_grads("huber_loss_backward",
                                                       reduction=reduction, delta=delta)))


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """``0.5 d^2`` where ``|d| < delta``, else ``delta (|d| - 0.5 delta)``
    (``d = input - target``), averaged (HuberLossBackward0).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.huber_loss(autodiff.tensor([0.5, 3.0]), autodiff.tensor([0.0, 0.0]), delta=2.0)
    tensor(2.0625)
    """
    if weight is not None:
        raise NotImplementedError("autodiff: huber_loss does not take a weight")
    enum = _reduction_enum(reduction)
    input, target = _broadcast_pair(input, target)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    return apply(RULES["huber_loss"], input, target, reduction=enum, delta=delta)


def _legacy_reduction(size_average, reduce):
    """torch's ``_Reduction.legacy_get_string``, with its warning."""
    warnings.warn("size_average and reduce args will be deprecated, please use reduction="
                  f"'{_legacy_name(size_average, reduce)}' instead.", UserWarning, stacklevel=3)
    return _legacy_name(size_average, reduce)


def _legacy_name(size_average, reduce):
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    return "none" if not reduce else "mean" if size_average else "sum"


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """The Kullback-Leibler divergence of ``target`` from log-probabilities ``input``:
    ``xlogy(t, t) - t * input`` (``exp(t) * (t - input)`` with ``log_target``), reduced;
    ``'batchmean'`` divides the sum by the batch size (torch warns that ``'mean'``
    divides by every element).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> p = autodiff.tensor([[0.25, 0.75]])
    >>> F.kl_div(p.log(), autodiff.tensor([[0.5, 0.5]]), reduction="batchmean")
    tensor(0.1438)
    """
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    elif reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and "
                      "the support size.'batchmean' divides only by the batch size, and "
                      "aligns with the KL div math definition.'mean' will be changed to "
                      "behave the same as 'batchmean' in the next major release.",
                      UserWarning, stacklevel=2)
    batchmean = reduction == "batchmean"
    if batchmean:
        reduction = "sum" if input.ndim != 0 else "mean"
    _reduction_enum(reduction)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        loss = ops.xlogy(target, target) - target * input
    loss = _reduce(loss, reduction)
    return loss / input.shape[0] if batchmean and input.ndim != 0 else loss


def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction="mean"):
    """``1 - cos(x1, x2)`` where ``target`` is 1, ``max(0, cos(x1, x2) - margin)`` where it
    is -1, as torch's C++ composes it.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> x = autodiff.tensor([[1.0, 0.0], [0.0, 1.0]])
    >>> F.cosine_embedding_loss(x, autodiff.tensor([[1.0, 1.0], [0.0, 1.0]]),
    ...                         autodiff.tensor([1, -1]))
    tensor(0.6464)
    """
    enum = _reduction_enum(reduction)
    dim = target.ndim
    if dim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if dim == 1 and not (input1.ndim == 2 and input2.ndim == 2):
        raise RuntimeError(f"1D target tensor expects 2D input tensors, but found inputs with "
                           f"sizes {list(input1.shape)} and {list(input2.shape)}.")
    if dim == 0 and not (input1.ndim == 1 and input2.ndim == 1):
        raise RuntimeError(f"0D target tensor expects 1D input tensors, but found inputs with "
                           f"sizes {list(input1.shape)} and {list(input2.shape)}.")
    prod_sum = (input1 * input2).sum(dim)
    mag_square1 = _plus_scalar((input1 * input1).sum(dim), 1e-12)
    mag_square2 = _plus_scalar((input2 * input2).sum(dim), 1e-12)
    cos = prod_sum / (mag_square1 * mag_square2).sqrt_()
    zeros = ops.zeros_like(cos)
    output = (ops.where(target == 1, _scalar_minus(1, cos), zeros)
              + ops.where(target == -1, _minus_scalar(cos, margin).clamp_min_(0), zeros))
    return _reduce(output, list(_REDUCTIONS)[enum])


def margin_ranking_loss(input1, input2, target, margin=0.0, reduction="mean"):
    """``max(0, -target * (x1 - x2) + margin)``: ``target`` 1 asks for ``x1`` ranked above
    ``x2``, -1 below.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.margin_ranking_loss(autodiff.tensor([1.0, 0.0]), autodiff.tensor([0.0, 0.5]),
    ...                       autodiff.tensor([1.0, 1.0]), margin=0.5)
    tensor(0.5000)
    """
    if not input1.ndim == input2.ndim == target.ndim:
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same "
                           f"dimension but got sizes: input1: {_size(input1)}, input2: "
                           f"{_size(input2)}, target: {_size(target)} ")
    _reduction_enum(reduction)
    return _reduce(_plus_scalar(-target * (input1 - input2), margin).clamp_min_(0), reduction)


def _avg_windows(size, kernel, stride, pad, ceil_mode, count_include_pad, divisor):
    """One dim of avg_pool2d: the (out, in) matrix of window weights (``divisor``: the
    windows are summed, the divisor applied once)."""
    m = np.zeros((_pooling_output_shape(size, kernel, stride, pad, 1, ceil_mode), size))
    for o in range(m.shape[0]):
        start = o * stride - pad
        end = min(start + kernel, size + pad)
        lo, hi = max(start, 0), min(end, size)
        m[o, lo:hi] = 1.0 if divisor else 1.0 / (end - start if count_include_pad else hi - lo)
    return m


def _avg_pool_maps(shape, kernel_size, stride, padding, ceil_mode, count_include_pad,
                   divisor_override):
    mh, mw = (_avg_windows(n, k, s, p, ceil_mode, count_include_pad, divisor_override)
              for n, k, s, p in zip(shape[-2:], kernel_size, stride, padding))
    return mh / (divisor_override or 1), mw


def _unpooled(grad, maps):
    mh, mw = (jnp.asarray(m, grad.dtype) for m in maps)
    return jnp.einsum("...op,oh,pw->...hw", grad, mh, mw)


row("avg_pool2d_backward", "AvgPool2DBackwardBackward0",
    lambda grad_output, self, *, kernel_size, stride, padding, ceil_mode, count_include_pad,
    divisor_override: _unpooled(grad_output, _avg_pool_maps(
        self.shape, kernel_size, stride, padding, ceil_mode, count_include_pad,
        divisor_override)),
    (lambda grad, kernel_size, stride, padding, ceil_mode, count_include_pad,
     divisor_override: tape.apply(
         RULES["avg_pool2d"], grad, kernel_size=kernel_size, stride=stride, padding=padding,
         ceil_mode=ceil_mode, count_include_pad=count_include_pad,
         divisor_override=divisor_override),
     lambda grad: _zeros_like(grad)))


def _pooled(x, maps):
    mh, mw = (jnp.asarray(m, x.dtype) for m in maps)
    return jnp.einsum("...hw,oh,pw->...op", x, mh, mw)


row("avg_pool2d", "AvgPool2DBackward0",
    lambda self, *, kernel_size, stride, padding, ceil_mode, count_include_pad,
    divisor_override: _pooled(self, _avg_pool_maps(self.shape, kernel_size, stride, padding,
                                                   ceil_mode, count_include_pad,
                                                   divisor_override)),
    lambda grad, self, kernel_size, stride, padding, ceil_mode, count_include_pad,
    divisor_override: (tape.apply(
        RULES["avg_pool2d_backward"], grad, self, kernel_size=kernel_size, stride=stride,
        padding=padding, ceil_mode=ceil_mode, count_include_pad=count_include_pad,
        divisor_override=divisor_override),))


# ---------------------------------------------------------------------------------------
# More pools and norms
# ---------------------------------------------------------------------------------------

def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """The mean of each ``kernel_size`` window of (N, C, H, W) or (C, H, W) ``input``
    (stride defaults to the kernel size); ``count_include_pad`` counts the zero padding
    in the mean, ``divisor_override`` divides by a number of your own (AvgPool2DBackward0).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.avg_pool2d(autodiff.arange(16.0).reshape(1, 1, 4, 4), 2)
    tensor([[[[ 2.5000,  4.5000],
              [10.5000, 12.5000]]]])
    """
    kernel = _pair(kernel_size)
    stride = kernel if stride is None or stride == [] else _pair(stride)
    padding = _pair(padding)
    if input.ndim not in (3, 4):
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
    for p, k in zip(padding, kernel):
        if p > k // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                               f"pad={p}, kernel_size={k} and dilation=1")
    c, h, w = input.shape[-3:]
    out = [_pool_size(n, k, s, p, 1, ceil_mode)
           for n, k, s, p in zip((h, w), kernel, stride, padding)]
    if min(out) < 1:
        raise RuntimeError(f"Given input size: ({c}x{h}x{w}). Calculated output size: "
                           f"({c}x{out[0]}x{out[1]}). Output size is too small")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    return apply(RULES["avg_pool2d"], input, kernel_size=kernel, stride=stride,
                 padding=padding, ceil_mode=ceil_mode, count_include_pad=count_include_pad,
                 divisor_override=divisor_override)


def _adaptive_windows(size, out):
    """One dim of adaptive_avg_pool2d: windows [floor(o n / out), ceil((o + 1) n / out))."""
    m = np.zeros((out, size))
    for o in range(out):
        lo, hi = (o * size) // out, -(-((o + 1) * size) // out)
        m[o, lo:hi] = 1.0 / (hi - lo)
    return m


def _adaptive_maps(shape, output_size):
    return tuple(_adaptive_windows(n, o) for n, o in zip(shape[-2:], output_size))


row("adaptive_avg_pool2d_backward", "AdaptiveAvgPool2DBackwardBackward0",
    lambda grad_output, self: _unpooled(grad_output, _adaptive_maps(self.shape,
                                                                    grad_output.shape[-2:])),
    (lambda grad, grad_output: tape.apply(RULES["adaptive_avg_pool2d"], grad,
                                          output_size=tuple(grad_output.shape[-2:])),
     lambda grad: _zeros_like(grad)))
row("adaptive_avg_pool2d", "AdaptiveAvgPool2DBackward0",
    lambda self, *, output_size: _pooled(self, _adaptive_maps(self.shape, output_size)),
    lambda grad, self, output_size: (tape.apply(RULES["adaptive_avg_pool2d_backward"], grad,
                                                self),))


def adaptive_avg_pool2d(input, output_size):
    """The mean over windows that split (N, C, H, W) or (C, H, W) ``input`` into
    ``output_size`` (an int, or a pair whose ``None`` keeps that size) as evenly as they
    can: AdaptiveAvgPool2DBackward0, or a mean over H and W for an output of 1 x 1 (torch's
    choice).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.adaptive_avg_pool2d(autodiff.arange(6.0).reshape(1, 2, 3), (1, 2))
    tensor([[[2., 3.]]])
    """
    if input.ndim not in (3, 4):
        raise RuntimeError(f"adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got "
                           f"{list(input.shape)}")
    size = (output_size, output_size) if isinstance(output_size, int) else tuple(output_size)
    if len(size) != 2:
        raise RuntimeError("adaptive_avg_pool2d: output_size must be 2")
    size = tuple(n if o is None else o for o, n in zip(size, input.shape[-2:]))
    if size == (1, 1):
        return input.mean((-1, -2), keepdim=True)
    return apply(RULES["adaptive_avg_pool2d"], input, output_size=size)


# group_norm: y = x_hat w + b, x_hat = (x - mean) rstd over each group of channels (and
# the positions); w and b per channel (dim 1):
#   dx = rstd (g - mean(g) - x_hat mean(g x_hat)) per group, g = grad w;
#   dw = sum(grad x_hat),  db = sum(grad) (over all but the channel dim)
def _group_norm_forward(x, weight, bias, group, eps):
    g = x.reshape(x.shape[0], group, -1)
    mean, var = jnp.mean(g, -1, keepdims=True), jnp.var(g, -1, keepdims=True)
    y = ((g - mean) / jnp.sqrt(var + eps)).reshape(x.shape)
    y = y if weight is None else y * _per_channel(weight, x.ndim)
    return y if bias is None else y + _per_channel(bias, x.ndim)


def _group_norm_backward(grad, input, weight, group, eps):
    groups = (input.shape[0], group, -1)
    x = input.reshape(groups)
    rstd = (x.var(-1, keepdim=True, correction=0) + eps).rsqrt()
    x_hat = (x - x.mean(-1, keepdim=True)) * rstd
    g = (grad if weight is None else grad * _per_channel(weight, input.ndim)).reshape(groups)
    dx = rstd * (g - g.mean(-1, keepdim=True) - x_hat * (g * x_hat).mean(-1, keepdim=True))
    dims = (0,) + tuple(range(2, input.ndim))
    return (dx.reshape(input.shape),
            None if weight is None else (grad * x_hat.reshape(input.shape)).sum(dims),
            grad.sum(dims))


row("group_norm", "NativeGroupNormBackward0",
    lambda input, weight, bias, *, group, eps: _group_norm_forward(input, weight, bias, group,
                                                                   eps),
    lambda grad, input, weight, group, eps: _group_norm_backward(grad, input, weight, group,
                                                                 eps))


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05):
    """Normalize each group of ``num_groups`` groups of channels (dim 1), over its
    channels and positions, to mean 0 and variance 1; then scale by ``weight`` and shift
    by ``bias``, per channel (NativeGroupNormBackward0).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.group_norm(autodiff.tensor([[1.0, 3.0, 0.0, 4.0]]), 2)
    tensor([[-1.0000,  1.0000, -1.0000,  1.0000]])
    """
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received "
                           f"{input.ndim}")
    channels = input.shape[1]
    if channels % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by "
                           f"num_groups, but got input of shape {list(input.shape)} and "
                           f"num_groups={num_groups}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.ndim != 1 or t.numel() != channels):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number "
                               f"of channels in input, but got {name} of shape "
                               f"{list(t.shape)} and input of shape {list(input.shape)}")
    return apply(RULES["group_norm"], input, weight, bias, group=num_groups, eps=eps)
