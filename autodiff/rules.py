"""The derivative table: one row per op, as in PyTorch's ``derivatives.yaml``.

A row says, in one place:

* the op's name and the node torch records for it (``MulBackward0``);
* its forward, on JAX arrays;
* its backward: the gradient for each input, written with autodiff's own Tensor
  operations, so that with ``create_graph=True`` the backward pass is itself recorded
  and can be differentiated again. An op of several inputs has one formula per input
  (a tuple, ``None`` for an input without a gradient): the engine runs only the formulas
  of the inputs whose gradient is wanted. One-input ops, and the few whose gradients
  share their work, have one joint backward returning a tuple of every input's gradient.

The parameters of a formula say what the node must save, in derivatives.yaml's
vocabulary: ``grad`` is the incoming gradient; a parameter named like a forward input
(``self``, ``other``...) saves that input, ``result`` saves the output; every other
name is a non-tensor attribute of the call (``dim``, ``keepdim``, ``self_sym_sizes``...).
A value read only by the formula of an input that needs no gradient is not saved.

The formulas are torch's, as its C++ writes them: arithmetic by a Python number goes
through ``_times_scalar``, ``_plus_scalar``... (torch's ``mul.Scalar``: MulBackward1),
so that a gradient differentiated again records torch's nodes.

Broadcasting is not handled here: the engine sums each gradient down to its input's
shape once (``tape.sum_to``), so ``mul``'s formulas are simply ``grad * other`` and
``grad * self``.
"""

from __future__ import annotations

import functools
import itertools
import math

import jax
import jax.numpy as jnp
import numpy as np

from . import dtypes as D, tape
from .tape import RULES, row

def _unsqueeze_dims(grad, dim, keepdim, ndim):
    """Put back the dimensions a reduction removed, so ``grad`` broadcasts against self."""
    if keepdim or dim is None:
        return grad
    for d in sorted(d % max(ndim, 1) for d in dim):
        grad = grad.unsqueeze(d)
    return grad


def _numel(shape, dim):
    dims = range(len(shape)) if dim is None else dim
    return math.prod(shape[d] for d in dims)


def _scatter_through_view(grad, self_sym_sizes, view):
    """The adjoint of a view: add each element of ``grad`` back where it came from."""
    index = view(jnp.arange(math.prod(self_sym_sizes)).reshape(self_sym_sizes))
    flat = jnp.zeros(math.prod(self_sym_sizes), grad.dtype).at[index.reshape(-1)]
    return flat.add(grad.reshape(-1)).reshape(self_sym_sizes)


def _prod_others(self, dim):
    """For each element, the product of the others along ``dim`` (exact with zeros)."""
    x = self.movedim(dim, -1)
    n = x.shape[-1]
    eye = tape.make_tensor(jnp.eye(n, dtype=bool))
    others = tape.apply(RULES["where"], 1.0, x.unsqueeze(-2).expand(*x.shape[:-1], n, n),
                        condition=eye).prod(-1)
    return others.movedim(-1, dim)


def _w(cond, a, b):
    """where(cond, a, b) for the rules below (a or b may be a Python number)."""
    return tape.apply(RULES["where"], a, b, condition=cond)


# ---------------------------------------------------------------------------------------
#    op            torch node            forward (arrays)              backward (Tensors)
# ---------------------------------------------------------------------------------------
# Arithmetic. d(a+b) = da + db; d(a*b) = b da + a db; d(a/b) = da/b - a db/b^2.
row("add", "AddBackward0", lambda self, other, *, alpha=None: self + other if alpha is None
    else self + alpha * other,
    (lambda grad: grad, lambda grad, alpha=1: grad * alpha if alpha != 1 else grad))
row("sub", "SubBackward0", lambda self, other, *, alpha=None: self - other if alpha is None
    else self - alpha * other,
    (lambda grad: grad, lambda grad, alpha=1: -grad * alpha if alpha != 1 else -grad))
# rsub(self, other) = other - alpha * self: with a tensor, and with a number (`2 - x`)
row("rsub", "RsubBackward0", lambda self, other, *, alpha=1: other - alpha * self,
    (lambda grad, alpha=1: -grad * alpha if alpha != 1 else -grad, lambda grad: grad))
row("rsub_scalar", "RsubBackward1", lambda self, *, other, alpha=1: other - alpha * self,
    lambda grad, other, alpha=1: (-grad * alpha if alpha != 1 else -grad,))
row("mul", "MulBackward0", lambda self, other: self * other,
    (lambda grad, other: grad * other, lambda grad, self: grad * self))
row("div", "DivBackward0", lambda self, other: self / other,
    (lambda grad, other: grad / other,
     lambda grad, self, other: -grad * ((self / other) / other)))      # -g (a/b)/b: torch's grouping
# addcmul = s + v t1 t2:  d/dt1 = v t2, d/dt2 = v t1
row("addcmul", "AddcmulBackward0",
    lambda self, tensor1, tensor2, *, value: self + value * tensor1 * tensor2,
    (lambda grad: grad,
     lambda grad, tensor2, value: grad * _times_scalar(tensor2, value),
     lambda grad, tensor1, value: grad * _times_scalar(tensor1, value)))
# addcdiv = s + v t1 / t2:  d/dt1 = v / t2, d/dt2 = -v t1 / t2^2
row("addcdiv", "AddcdivBackward0",
    lambda self, tensor1, tensor2, *, value: self + value * tensor1 / tensor2,
    (lambda grad: grad,
     lambda grad, tensor2, value: grad * _scalar_over(value, tensor2),
     lambda grad, tensor1, tensor2, value: -grad * (_times_scalar(tensor1, value)
                                                    / (tensor2 * tensor2))))


def _lerp(start, end, weight):
    """torch's lerp kernel: start + w (end - start), computed from the nearer end."""
    return jnp.where(jnp.abs(weight) < 0.5, start + weight * (end - start),
                     end - (end - start) * (1 - weight))


# lerp = s + w (e - s):  d/ds = 1 - w, d/de = w;  with a tensor weight, d/dw = e - s
row("lerp", "LerpBackward0", lambda self, end, *, weight: _lerp(self, end, weight),
    (lambda grad, weight: _times_scalar(grad, 1 - weight),
     lambda grad, weight: _times_scalar(grad, weight)))
row("lerp_tensor", "LerpBackward1", lambda self, end, weight: _lerp(self, end, weight),
    (lambda grad, weight: grad * _scalar_minus(1, weight), lambda grad, weight: grad * weight,
     lambda grad, self, end: grad * (end - self)))
# d/dx 1/x = -1/x^2 = -result^2
row("reciprocal", "ReciprocalBackward0", lambda self: 1 / self,
    lambda grad, result: (-grad * (result * result),))
row("neg", "NegBackward0", lambda self: -self, lambda grad: (-grad,))
# d/dx x^p = p x^(p-1)   (p a number; zero gradient for p = 0)
row("pow", "PowBackward0", lambda self, *, exponent: self ** exponent,
    lambda grad, self, exponent: (
        _zeros_like(self) if exponent == 0
        else grad * _times_scalar(self.pow(exponent - 1), exponent),))
def _power(base, exponent):
    """``base ** exponent``; for integers, torch's rule for a negative exponent: 1 and -1
    keep their powers, any other base gives 0."""
    if not jnp.issubdtype(jnp.result_type(base, exponent), jnp.integer):
        return base ** exponent
    negative = exponent < 0
    small = jnp.where(base == 1, 1, jnp.where(base == -1, 1 - 2 * (exponent % 2), 0))
    return jnp.where(negative, small, base ** jnp.where(negative, 0, exponent))


# d/dx x^y = y x^(y-1);  d/dy x^y = x^y log x   (0 where x = 0 and y >= 0)
row("pow_tensor", "PowBackward1", lambda self, exponent: _power(self, exponent),
    (lambda grad, self, exponent: _w(exponent == 0, 0.0, grad * (
        exponent * self.pow(_minus_scalar(exponent, 1)))),
     lambda grad, self, exponent, result: grad * _w((self == 0) & (exponent >= 0), 0.0,
                                                   result * self.log())))
# d/dy c^y = c^y log c   (c a number)
row("pow_scalar", "PowBackward2", lambda other, *, base: _power(base, other),
    lambda grad, result, base: (grad * _times_scalar(result, math.log(base)) if base != 0
                                else grad * 0,))
# ldexp(x, n) = x 2^n:  d/dx = 2^n,  d/dn = x 2^n log 2
row("ldexp", "LdexpBackward0", lambda self, other: self * jnp.exp2(other),
    (lambda grad, other: grad * 2 ** other,
     lambda grad, result: _times_scalar(grad * result, math.log(2))))

# Elementwise functions.
row("abs", "AbsBackward0", lambda self: jnp.abs(self), lambda grad, self: (grad * self.sgn(),))         # sgn(x)
def _sign(x):
    """torch's sign: -1, 0 or 1, and 0 for nan (jnp.sign gives nan); booleans are their
    own sign."""
    return x if x.dtype == bool else (x > 0).astype(x.dtype) - (x < 0).astype(x.dtype)


row("sign", "SignBackward0", lambda self: _sign(self), lambda grad: (_zeros_like(grad),))               # 0
# rounding: flat between the steps, so its gradient is zeros (torch records it)
row("floor", "FloorBackward0", lambda self: jnp.floor(self), lambda grad: (_zeros_like(grad),))
row("ceil", "CeilBackward0", lambda self: jnp.ceil(self), lambda grad: (_zeros_like(grad),))
row("trunc", "TruncBackward0", lambda self: jnp.trunc(self), lambda grad: (_zeros_like(grad),))
row("round", "RoundBackward0", lambda self: jnp.round(self), lambda grad: (_zeros_like(grad),))
row("round_decimals", "RoundBackward1", lambda self, *, decimals: jnp.round(self, decimals),
    lambda grad, decimals: (_zeros_like(grad),))
# sgn is sign for real numbers (torch saves self and result for its complex formula); its
# gradient is torch's efficient ZeroTensor, which the formulas below it skip
row("sgn", "SgnBackward0", lambda self: _sign(self),
    lambda grad, self, result: (tape.zero_tensor(grad.shape, grad._array.dtype),))
row("exp", "ExpBackward0", lambda self: jnp.exp(self), lambda grad, result: (grad * result,))           # e^x
row("log", "LogBackward0", lambda self: jnp.log(self), lambda grad, self: (grad / self,))               # 1/x
row("sqrt", "SqrtBackward0", lambda self: jnp.sqrt(self),                           # 1/(2 sqrt x)
    lambda grad, result: (grad / _times_scalar(result, 2),))
row("rsqrt", "RsqrtBackward0", lambda self: 1 / jnp.sqrt(self),                     # -x^(-3/2)/2
    lambda grad, result: (_times_scalar(grad, -0.5) * result.pow(3),))
row("sin", "SinBackward0", lambda self: jnp.sin(self), lambda grad, self: (grad * self.cos(),))         # cos x
row("cos", "CosBackward0", lambda self: jnp.cos(self), lambda grad, self: (grad * -self.sin(),))        # -sin x
row("tan", "TanBackward0", lambda self: jnp.tan(self),                              # 1 + tan^2
    lambda grad, result: (grad * _plus_scalar(result.pow(2), 1),))
row("sinh", "SinhBackward0", lambda self: jnp.sinh(self), lambda grad, self: (grad * self.cosh(),))     # cosh x
row("cosh", "CoshBackward0", lambda self: jnp.cosh(self), lambda grad, self: (grad * self.sinh(),))     # sinh x
row("asin", "AsinBackward0", lambda self: jnp.arcsin(self),                         # 1/sqrt(1 - x^2)
    lambda grad, self: (grad * _plus_scalar(-self * self, 1).rsqrt(),))
row("acos", "AcosBackward0", lambda self: jnp.arccos(self),                         # -1/sqrt(1 - x^2)
    lambda grad, self: (grad * -(_plus_scalar(-self * self, 1).rsqrt()),))
row("atan", "AtanBackward0", lambda self: jnp.arctan(self),                         # 1/(1 + x^2)
    lambda grad, self: (grad / _plus_scalar(self * self, 1),))
row("log2", "Log2Backward0", lambda self: jnp.log2(self),                           # 1/(x ln 2)
    lambda grad, self: (grad / _times_scalar(self, math.log(2)),))
row("log10", "Log10Backward0", lambda self: jnp.log10(self),                        # 1/(x ln 10)
    lambda grad, self: (grad / _times_scalar(self, math.log(10)),))
row("exp2", "Exp2Backward0", lambda self: jnp.exp2(self),                           # 2^x ln 2
    lambda grad, result: (_times_scalar(grad * result, math.log(2)),))
row("log1p", "Log1PBackward0", lambda self: jnp.log1p(self),                        # 1/(1 + x)
    lambda grad, self: (grad / _plus_scalar(self, 1),))
# xlogy(x, y) = x log y, 0 where x = 0 (nan where y is):  d/dx = log y, but 0 where x = 0
# and y <= 0 (torch's: xlogy(grad, y) masked there);  d/dy = x / y.  A number for x or for
# y gives torch's XlogyBackward1 or XlogyBackward2.
def _xlogy(x, y):
    return jnp.where(jnp.isnan(y), jnp.nan, jnp.where(x == 0, 0, x * jnp.log(y)))


def _xlogy_self_grad(grad, self, other):
    return grad.xlogy(other).masked_fill((self == 0) & (other <= 0), 0.0)


row("xlogy", "XlogyBackward0", lambda self, other: _xlogy(self, other),
    (lambda grad, self, other: _xlogy_self_grad(grad, self, other),
     lambda grad, self, other: grad * self / other))
row("xlogy_scalar_self", "XlogyBackward1", lambda other, *, self: _xlogy(self, other),
    (lambda grad, other, self: _times_scalar(grad, self) / other,))
row("xlogy_scalar_other", "XlogyBackward2", lambda self, *, other: _xlogy(self, other),
    (lambda grad, self, other: grad.xlogy(other) if other > 0
     else _xlogy_self_grad(grad, self, other),))
# logit = log(z / (1 - z)), z = x clamped to [eps, 1 - eps]:  d/dx = 1 / (x (1 - x)) in
# that range, 0 outside it (without eps: nan outside [0, 1])
row("logit", "LogitBackward0",
    lambda self, *, eps: _logit(self if eps is None else jnp.clip(self, eps, 1 - eps)),
    lambda grad, self, eps: (_w((self >= (eps or 0)) & (self <= (1 if eps is None else 1 - eps)),
                                grad / (self * _scalar_minus(1, self)),
                                math.nan if eps is None else 0.0),))


def _logit(z):
    return jnp.log(z / (1 - z))


row("expm1", "Expm1Backward0", lambda self: jnp.expm1(self),                        # e^x
    lambda grad, result: (grad * _plus_scalar(result, 1),))
row("tanh", "TanhBackward0", lambda self: jnp.tanh(self),                                               # 1 - tanh^2
    lambda grad, result: (tape.apply(RULES["tanh_backward"], grad, result),))
row("sigmoid", "SigmoidBackward0", lambda self: 1 / (1 + jnp.exp(-self)),           # s (1 - s)
    lambda grad, result: (tape.apply(RULES["sigmoid_backward"], grad, result),))
row("relu", "ReluBackward0", lambda self: jnp.maximum(self, 0),                     # 1 where x > 0
    lambda grad, result: (tape.apply(RULES["threshold_backward"], grad, result, threshold=0),))
# ... whose gradients torch computes with kernels of their own: differentiated again
# (create_graph=True), a gradient goes through their nodes.
#   tanh_backward(g, y) = g (1 - y^2):     d/dg = 1 - y^2,  d/dy = -2 y g
#   sigmoid_backward(g, y) = g (1 - y) y:  d/dg = (1 - y) y, d/dy = g (1 - 2y)
#   threshold_backward(g, x, t) = g where x > t, else 0:  d/dg = the same mask, d/dx = 0
row("tanh_backward", "TanhBackwardBackward0",
    lambda grad_output, output: grad_output * (1 - output * output),
    (lambda grad, output: tape.apply(RULES["tanh_backward"], grad, output),
     lambda grad, grad_output, output: grad * (_times_scalar(output, -2) * grad_output)))
row("sigmoid_backward", "SigmoidBackwardBackward0",
    lambda grad_output, output: grad_output * (1 - output) * output,
    (lambda grad, output: tape.apply(RULES["sigmoid_backward"], grad, output),
     lambda grad, grad_output, output: grad * grad_output * _plus_scalar(
         _times_scalar(output, -2), 1)))
row("threshold_backward", "ThresholdBackwardBackward0",
    lambda grad_output, self, *, threshold: jnp.where(self <= threshold, 0, grad_output),
    (lambda grad, self, threshold: tape.apply(RULES["threshold_backward"], grad, self,
                                              threshold=threshold),
     lambda grad: _zeros_like(grad)))
row("clamp", "ClampBackward1", lambda self, *, min=None, max=None: jnp.clip(self, min, max),
    lambda grad, self, min=None, max=None: (                                         # 1 inside
        _w((self >= (-math.inf if min is None else min)) &
           (self <= (math.inf if max is None else max)), grad, 0.0),))
row("clamp_min", "ClampMinBackward0", lambda self, *, min: jnp.maximum(self, min),
    lambda grad, self, min: (_w(self >= min, grad, 0.0),))                          # 1 above
row("clamp_max", "ClampMaxBackward0", lambda self, *, max: jnp.minimum(self, max),
    lambda grad, self, max: (_w(self <= max, grad, 0.0),))                          # 1 below
# with tensor bounds, the one that binds gets the gradient (max wins where min > max)
row("clamp_tensor", "ClampBackward0", lambda self, min, max: jnp.clip(self, min, max),
    lambda grad, self, min, max: _clamp_backward(grad, self, min, max))


def _clamp_backward(grad, self, min, max):
    """torch's clamp_backward and clamp_backward_min_max (either bound may be None)."""
    above_min = True if min is None else self >= min
    below_max = True if max is None else self <= max
    grad_self = _w(above_min & below_max, grad, 0.0) if min is not None and max is not None \
        else _w(above_min if max is None else below_max, grad, 0.0)
    grad_min = grad_max = None
    if min is not None:
        binds = self < min if max is None else (self < min) & (min < max)
        grad_min = _w(binds, grad, 0.0)
    if max is not None:
        binds = self > max if min is None else (self > max) | (max < min)
        grad_max = _w(binds, grad, 0.0)
    return grad_self, grad_min, grad_max


# max/min of two tensors: the gradient goes to the larger (smaller); split evenly on ties
# (a NaN compares false both ways, so both sides get the whole gradient, as in torch)
row("maximum", "MaximumBackward0", lambda self, other: jnp.maximum(self, other),
    (lambda grad, self, other: _half_on_ties(grad, self, other).masked_fill_(self < other, 0),
     lambda grad, self, other: _half_on_ties(grad, self, other).masked_fill_(self > other, 0)))
row("minimum", "MinimumBackward0", lambda self, other: jnp.minimum(self, other),
    (lambda grad, self, other: _half_on_ties(grad, self, other).masked_fill_(self > other, 0),
     lambda grad, self, other: _half_on_ties(grad, self, other).masked_fill_(self < other, 0)))
# fmax/fmin: maximum/minimum that skip a NaN; the gradient goes to the one taken (self on
# ties), through torch's masks
row("fmax", "FmaxBackward0", lambda self, other: jnp.fmax(self, other),
    (lambda grad, self, other: grad.masked_fill(_self_taken(self >= other, other).logical_not(), 0),
     lambda grad, self, other: grad.masked_fill(_self_taken(self >= other, other), 0)))
row("fmin", "FminBackward0", lambda self, other: jnp.fmin(self, other),
    (lambda grad, self, other: grad.masked_fill(_self_taken(self <= other, other).logical_not(), 0),
     lambda grad, self, other: grad.masked_fill(_self_taken(self <= other, other), 0)))


def _self_taken(better, other):
    return better.logical_or(other.isnan())


def _half_on_ties(grad, self, other):
    return _w(self == other, _over_scalar(grad, 2), grad)


# frac = x - trunc(x): the gradient passes (trunc is a step); nan_to_num replaces the
# non-finite elements: they get none
row("frac", "FracBackward0", lambda self: self - jnp.trunc(self), lambda grad: (grad,))
row("nan_to_num", "NanToNumBackward0",
    lambda self, *, nan, posinf, neginf: jnp.nan_to_num(self, nan=nan, posinf=posinf,
                                                        neginf=neginf),
    lambda grad, self, nan, posinf, neginf: (grad * self.isfinite(),))
# sinc = sin(pi x) / (pi x):  d/dx = (pi x cos(pi x) - sin(pi x)) / (pi x^2)   (0 at 0)
row("sinc", "SincBackward0", lambda self: jnp.sinc(self), lambda grad, self: (_sinc_backward(
    grad, self),))


def _sinc_backward(grad, self):
    self_pi, self_squared_pi = _times_scalar(self, math.pi), _times_scalar(self * self, math.pi)
    out = grad * ((self_pi * self_pi.cos() - self_pi.sin()) / self_squared_pi)
    return _w(self_squared_pi == 0, 0.0, out)


# copysign(x, s) = |x| with the sign of s:  d/dx = copysign(x, s) / x (0 where x = 0);
# the sign gets no gradient
row("copysign", "CopysignBackward0", lambda self, other: jnp.copysign(self, other),
    (lambda grad, self, result: _copysign_self_grad(grad, self, result),
     lambda grad, other: _zeros_like(other)))
row("copysign_scalar", "CopysignBackward1", lambda self, *, other: jnp.copysign(self, other),
    lambda grad, self, result, other: (_copysign_self_grad(grad, self, result),))


def _copysign_self_grad(grad, self, result):
    return grad * (result / self).masked_fill_(self == 0, 0)
# degrees and radians: a constant factor
row("deg2rad", "Deg2RadBackward0", lambda self: jnp.deg2rad(self),
    lambda grad: (_times_scalar(grad, math.pi / 180),))
row("rad2deg", "Rad2DegBackward0", lambda self: jnp.rad2deg(self),
    lambda grad: (_times_scalar(grad, 180 / math.pi),))
# Rounding divisions. div(..., rounding_mode=) is a step function: zero gradients (torch's
# DivBackward2; with rounding_mode=None it divides, as div). remainder and fmod are
# x - q y with q = x / y rounded (floor, trunc): d/dx = 1, d/dy = -q.
row("div_mode", "DivBackward2",
    lambda self, other, *, rounding_mode: _divide(self, other, rounding_mode),
    (lambda grad, other, rounding_mode: (grad / other if rounding_mode is None
                                         else _zeros_like(grad)),
     lambda grad, self, other, rounding_mode: (-grad * ((self / other) / other)
                                               if rounding_mode is None
                                               else _zeros_like(grad))))
row("remainder", "RemainderBackward1", lambda self, other: jnp.remainder(self, other),
    (lambda grad: grad, lambda grad, self, other: -grad * self.div(other, rounding_mode="floor")))
row("remainder_scalar", "RemainderBackward0", lambda self, *, other: jnp.remainder(self, other),
    lambda grad, other: (grad,))
row("fmod", "FmodBackward1", lambda self, other: jnp.fmod(self, other),
    (lambda grad: grad, lambda grad, self, other: -grad * self.div(other, rounding_mode="trunc")))
row("fmod_scalar", "FmodBackward0", lambda self, *, other: jnp.fmod(self, other),
    lambda grad, other: (grad,))
# ... and the ones torch has no derivative for: a NotImplemented node, which fails the
# backward pass that reaches it
row("floor_divide", "NotImplemented", lambda self, other: jnp.floor_divide(self, other),
    (lambda grad: _not_implemented("floor_divide"),
     lambda grad: _not_implemented("floor_divide")))
row("remainder_scalar_self", "NotImplemented",
    lambda other, *, self: jnp.remainder(self, other),
    (lambda grad: _not_implemented("remainder"),))
row("heaviside", "NotImplemented",
    lambda self, values: jnp.where(self == 0, values, (self > 0).astype(self.dtype)),
    (lambda grad: _not_implemented("heaviside"), lambda grad: _not_implemented("heaviside")))
# (bincount's and unique's results are counted beside the tape and handed in)
row("bincount", "NotImplemented", lambda weights, *, counted: counted,
    (lambda grad: _not_implemented("bincount"),))
row("unique", "Unique2Backward0", lambda self, *, counted: counted,
    (lambda grad: _derivative_missing("_unique2"),))
row("unique_dim", "UniqueDimBackward0", lambda self, *, counted, dim: counted,
    (lambda grad, dim: _derivative_missing("unique_dim"),))


def _divide(x, y, rounding_mode):
    if rounding_mode == "floor":
        return jnp.floor_divide(x, y)
    return jnp.trunc(x / y) if rounding_mode == "trunc" else x / y


def _not_implemented(op):
    raise RuntimeError(f"derivative for aten::{op} is not implemented")


def _derivative_missing(op):
    """torch's not_implemented() of derivatives.yaml (a NotImplementedError)."""
    raise NotImplementedError(f"the derivative for '{op}' is not implemented.")


# cross product along dim:  d/da = cross(b, grad),  d/db = cross(grad, a)
row("linalg_cross", "LinalgCrossBackward0",
    lambda self, other, *, dim: jnp.cross(self, other, axis=dim),
    (lambda grad, other, dim: tape.apply(RULES["linalg_cross"], other, grad, dim=dim),
     lambda grad, self, dim: tape.apply(RULES["linalg_cross"], grad, self, dim=dim)))
# atan2(y, x):  d/dy = x / (x^2 + y^2),  d/dx = -y / (x^2 + y^2)   (0 where x^2 + y^2 = 0)
row("atan2", "Atan2Backward0", lambda self, other: jnp.arctan2(self, other),
    (lambda grad, self, other: grad * other * _inverse_square_radius(self, other),
     lambda grad, self, other: grad * -self * _inverse_square_radius(self, other)))


def _inverse_square_radius(y, x):
    square = y * y + x * x
    return square.reciprocal().masked_fill(square == 0, 0)

# hypot = sqrt(x^2 + y^2):  d/dx = x / hypot,  d/dy = y / hypot
row("hypot", "HypotBackward0", lambda self, other: jnp.hypot(self, other),
    (lambda grad, self, result: grad * self / result,
     lambda grad, other, result: grad * other / result))
# logaddexp = log(e^x + e^y):  d/dx = 1 / (1 + e^(y - x)),  d/dy = 1 / (1 + e^(x - y))
row("logaddexp", "LogaddexpBackward0", lambda self, other: jnp.logaddexp(self, other),
    (lambda grad, self, other: grad / _plus_scalar((other - self).exp(), 1),
     lambda grad, self, other: grad / _plus_scalar((self - other).exp(), 1)))
# log2(2^x + 2^y): d/dx = 1 / (1 + 2^(y - x))
row("logaddexp2", "Logaddexp2Backward0", lambda self, other: jnp.logaddexp2(self, other),
    (lambda grad, self, other: grad / _plus_scalar(2 ** (other - self), 1),
     lambda grad, self, other: grad / _plus_scalar(2 ** (self - other), 1)))
# where(c, a, b): the gradient goes to a where c holds, to b elsewhere
row("where", "WhereBackward0",
    lambda self, other, *, condition: jnp.where(condition._value(), self, other),
    (lambda grad, condition: _w(condition, grad, 0.0),
     lambda grad, condition: _w(condition, 0.0, grad)),
    tensor_attrs=("condition",))

# Reductions. The gradient of a sum is spread back over what was summed.
row("sum", "SumBackward0", lambda self, *, self_sym_sizes: jnp.sum(self),
    lambda grad, self_sym_sizes: (grad.expand(self_sym_sizes),))
row("sum_dim", "SumBackward1",
    lambda self, *, dim, keepdim, self_sym_sizes, dtype=None: jnp.sum(self, dim, dtype,
                                                                   keepdims=keepdim),
    lambda grad, dim, keepdim, self_sym_sizes, dtype=None: (
        _unsqueeze_dims(grad, dim, keepdim, len(self_sym_sizes)).expand(self_sym_sizes),))
# nansum: a sum with NaNs counted as 0, so they get no gradient
row("nansum", "NansumBackward0",
    lambda self, *, dim, keepdim, self_sym_sizes, dtype=None: jnp.nansum(
        self, dim, dtype, keepdims=keepdim),
    lambda grad, self, dim, keepdim, self_sym_sizes, dtype=None: (
        _unsqueeze_dims(grad, dim, keepdim, len(self_sym_sizes)).expand(self_sym_sizes)
        * self.isnan().logical_not(),))


def _mean(x, dim=None, keepdims=False):
    """The sum divided by the count, as torch computes a mean. XLA turns a division by a
    constant (or by any broadcast scalar) into a multiplication by its rounded reciprocal,
    an ulp off the quotient; an opaque array of counts is really divided by. Half floats
    sum in float32."""
    total = jnp.sum(x, dim, keepdims=keepdims, dtype=jnp.promote_types(x.dtype, jnp.float32))
    counts = jnp.full(total.shape, x.size // max(total.size, 1), total.dtype)
    return (total / jax.lax.optimization_barrier(counts)).astype(x.dtype)


row("mean", "MeanBackward0", lambda self, *, self_sym_sizes: _mean(self),
    lambda grad, self_sym_sizes: (_over_scalar(grad.expand(self_sym_sizes),
                                               _numel(self_sym_sizes, None)),))
row("mean_dim", "MeanBackward1",
    lambda self, *, dim, keepdim, self_sym_sizes: _mean(self, dim, keepdims=keepdim),
    lambda grad, dim, keepdim, self_sym_sizes: (_over_scalar(
        _unsqueeze_dims(grad, dim, keepdim, len(self_sym_sizes)).expand(self_sym_sizes),
        _numel(self_sym_sizes, dim)),))
# d prod / dx_i = product of the other elements
row("prod", "ProdBackward0", lambda self: jnp.prod(self),
    lambda grad, self: (grad * _prod_others(self.reshape(-1), 0).reshape(self.shape),))
row("prod_dim", "ProdBackward1", lambda self, *, dim, keepdim: jnp.prod(self, dim,
                                                                      keepdims=keepdim),
    lambda grad, self, dim, keepdim: (
        _unsqueeze_dims(grad, (dim,), keepdim, self.ndim) * _prod_others(self, dim),))
# max()/min() of all elements: the gradient is shared by the elements equal to the result
# (a NaN result comes from the NaNs; the others get exactly 0, even where the gradient is
# inf: torch masks rather than multiplies)
row("max", "MaxBackward1", lambda self: jnp.max(self), lambda grad, self, result: (
    _evenly_distributed(grad, self, result),))
row("min", "MinBackward1", lambda self: jnp.min(self), lambda grad, self, result: (
    _evenly_distributed(grad, self, result),))


def _evenly_distributed(grad, self, result):
    """torch's evenly_distribute_backward: zeros, with the gradient shared among the
    elements equal to the result filled in."""
    hit = (self == result) | (self.isnan() & result.isnan())
    return _zeros(self.shape, grad).masked_fill_(hit, grad / hit.sum())


# median: the lower middle element (nan if any is); its gradient as max's, shared by ties
def _lower_median(x):
    flat = jnp.sort(x.reshape(-1))
    if flat.size == 0:
        return jnp.asarray(jnp.nan, x.dtype)
    return jnp.where(jnp.isnan(flat[-1]), flat[-1], flat[(flat.size - 1) // 2])


row("median", "MedianBackward0", lambda self: _lower_median(self),
    lambda grad, self, result: (_evenly_distributed(grad, self, result),))


# max/min (and median) along a dim: the gradient goes to the element each index points at
row("max_dim", "MaxBackward0",
    lambda self, *, dim, keepdim, indices, self_sym_sizes: jnp.max(self, dim, keepdims=keepdim),
    lambda grad, dim, keepdim, indices, self_sym_sizes: (
        _to_indices(grad, dim, keepdim, indices, self_sym_sizes),))
row("min_dim", "MinBackward0",
    lambda self, *, dim, keepdim, indices, self_sym_sizes: jnp.min(self, dim, keepdims=keepdim),
    lambda grad, dim, keepdim, indices, self_sym_sizes: (
        _to_indices(grad, dim, keepdim, indices, self_sym_sizes),))


# median, kthvalue and mode along a dim: the elements ``indices`` points at (torch's
# value_selecting_reduction_backward)
for _op, _node in (("median_dim", "MedianBackward1"), ("kthvalue", "KthvalueBackward0"),
                   ("mode", "ModeBackward0")):
    row(_op, _node,
        lambda self, *, dim, keepdim, indices, self_sym_sizes: _take_along(self, indices, dim,
                                                                          keepdim),
        lambda grad, dim, keepdim, indices, self_sym_sizes: (
            _to_indices(grad, dim, keepdim, indices, self_sym_sizes),))


def _take_along(x, indices, dim, keepdim):
    """The elements ``indices`` points at along ``dim`` (one per slice)."""
    if x.ndim == 0:
        return x
    kept = indices if keepdim else jnp.expand_dims(indices, dim)
    taken = jnp.take_along_axis(x, kept, dim)
    return taken if keepdim else jnp.squeeze(taken, dim)


def _to_indices(grad, dim, keepdim, indices, shape):
    """Spread ``grad`` along ``dim`` onto the positions ``indices`` picked, zeros elsewhere:
    torch's ``zeros.scatter(dim, indices, grad)`` (ScatterBackward0 when recorded)."""
    if not shape:
        return grad
    picked = indices if keepdim else jnp.expand_dims(indices, dim)
    return tape.apply(RULES["scatter"], _zeros(shape, grad),
                      _unsqueeze_dims(grad, (dim,), keepdim, len(shape)), dim=dim,
                      index=tape.make_tensor(picked))


row("amax", "AmaxBackward0", lambda self, *, dim, keepdim: jnp.max(self, dim, keepdims=keepdim),
    lambda grad, self, result, dim, keepdim: (_shared_among_ties(grad, self, result, dim,
                                                                keepdim),))
row("amin", "AminBackward0", lambda self, *, dim, keepdim: jnp.min(self, dim, keepdims=keepdim),
    lambda grad, self, result, dim, keepdim: (_shared_among_ties(grad, self, result, dim,
                                                                keepdim),))
# aminmax: amin and amax in one node, the gradient of each shared by its ties; the
# gradients of the two outputs add up (torch's aminmax_backward)
row("aminmax", "AminmaxBackward0",
    lambda self, *, dim, keepdim: (jnp.min(self, dim, keepdims=keepdim),
                                   jnp.max(self, dim, keepdims=keepdim)),
    lambda grads, self, min, max, dim, keepdim: (_sum_of_present(
        _if_given(_shared_among_ties, g, self, extremum, None if dim is None else (dim,),
                  keepdim) for g, extremum in zip(grads, (min, max))),),
    outputs=("min", "max"))


def _if_given(formula, grad, *args):
    """``formula(grad, *args)``, or None where no gradient reached that output (torch's
    ``grad.defined() ? ... : Tensor()``)."""
    return None if grad is None else formula(grad, *args)


def _sum_of_present(grads):
    """The sum of the gradients that are there (None if none is): a node of several
    outputs adds up the contributions of those that got a gradient."""
    total = None
    for g in grads:
        if g is not None:
            total = g if total is None else total + g
    return total


def _count(hit, dim):
    """How many elements tie for the extremum (per slice along ``dim``, or in all)."""
    return hit.sum() if dim is None else hit.sum(dim, keepdim=True)


def _shared_among_ties(grad, self, result, dim, keepdim):
    """torch's scale_grad_by_count: the gradient shared by the elements equal to the result
    (per slice along ``dim``, or among all), its reduced dims restored unless kept."""
    if not keepdim:
        shape = _reduced_shape(self.shape, dim)
        grad, result = grad.reshape(shape), result.reshape(shape)
    hit = self == result
    return grad / _count(hit, dim) * hit


def _reduced_shape(shape, dim):
    """``shape`` with the reduced dims (all for None) kept, as size 1 (torch's
    restore_reduced_dims)."""
    dims = range(len(shape)) if dim is None else {d % max(len(shape), 1) for d in dim}
    return tuple(1 if i in dims else s for i, s in enumerate(shape))


# ||x||_p: d/dx = x |x|^(p-2) / ||x||^(p-1)   (0 where the norm is 0)
row("norm", "LinalgVectorNormBackward0",
    lambda self, *, ord, dim, keepdim: jnp.linalg.vector_norm(self, ord=ord, axis=dim, keepdims=keepdim),
    lambda grad, self, result, ord, dim, keepdim: (_norm_backward(
        _unsqueeze_dims(grad, dim, keepdim, self.ndim), self, ord,
        _unsqueeze_dims(result, dim, keepdim, self.ndim), dim),))


def _norm_backward(grad, self, p, norm, dim):
    """torch's norm_backward (0 where the norm is 0)."""
    if p == 1:
        return self.sgn() * grad
    if p == 2:
        return grad * (self / norm).masked_fill_(norm == 0, 0)
    if p == math.inf:
        hit = self.abs() == norm
        return self.sgn() * (grad / _count(hit, dim) * hit)
    if p < 1:
        return (self.sgn() * self.abs().pow(p - 1).masked_fill_(self == 0, 0) * grad
                * norm.pow(1 - p))
    scale = (grad / norm.pow(p - 1)).masked_fill_(norm == 0, 0)
    if p < 2:
        return self.sgn() * self.abs().pow(p - 1) * scale
    return self * self.abs().pow(p - 2) * scale


# dist(a, b, p) = ||a - b||_p: the norm's gradient at a - b, negated for b
row("dist", "DistBackward0",
    lambda self, other, *, p: jnp.linalg.vector_norm(self - other, ord=p),
    (lambda grad, self, other, result, p: _norm_backward(grad, self - other, p, result, None),
     lambda grad, self, other, result, p: -_norm_backward(grad, self - other, p, result, None)))


# renorm scales each slice along dim whose p-norm exceeds maxnorm down to maxnorm:
# y = x maxnorm / (||x|| + 1e-7) there, so dy = maxnorm / (||x|| + 1e-7) (dx - x d||x|| /
# (||x|| + 1e-7)), with d||x|| from norm's backward (torch's renorm_backward)
def _renorm(x, p, dim, maxnorm):
    norm = jnp.linalg.vector_norm(x, ord=p, axis=_other_dims(x.ndim, dim), keepdims=True)
    return x * jnp.where(norm > maxnorm, maxnorm / (norm + 1e-7), 1.0).astype(x.dtype)


def _other_dims(ndim, dim):
    return tuple(d for d in range(ndim) if d != dim)


def _renorm_backward(grad, self, p, dim, maxnorm):
    dims = _other_dims(self.ndim, dim)
    norm = tape.apply(RULES["norm"], self, ord=p, dim=dims, keepdim=True)
    grad_output = (self * grad).sum(dims, keepdim=True)
    nb = _norm_backward(grad_output, self, p, norm, dims)
    invnorm = _plus_scalar(norm, 1e-7).reciprocal()
    grad_norm = _times_scalar(invnorm, maxnorm) * (grad - invnorm * nb)
    return _w(norm > maxnorm, grad_norm, grad)


row("renorm", "RenormBackward0", lambda self, *, p, dim, maxnorm: _renorm(self, p, dim, maxnorm),
    lambda grad, self, p, dim, maxnorm: (_renorm_backward(grad, self, p, dim, maxnorm),))


# var = sum (x - mean)^2 / (N - correction):  d/dx = 2 (x - mean) / (N - correction)
row("var", "VarBackward0",
    lambda self, *, dim, correction, keepdim: jnp.var(self, dim, ddof=correction,
                                                   keepdims=keepdim),
    lambda grad, self, dim, correction, keepdim: (_var_backward(grad, self, dim, correction,
                                                                keepdim),))
# std = sqrt(var):  d/dx = (x - mean) / ((N - correction) std)
row("std", "StdBackward0",
    lambda self, *, dim, correction, keepdim: jnp.std(self, dim, ddof=correction,
                                                   keepdims=keepdim),
    lambda grad, self, result, dim, correction, keepdim: (_std_backward(
        grad, self, result, dim, correction, keepdim),))


# var_mean, std_mean: var (std) and mean in one node; the gradients of the two outputs add
# up (torch's var_mean_backward, std_mean_backward)
row("var_mean", "VarMeanBackward0",
    lambda self, *, dim, correction, keepdim: (
        jnp.var(self, dim, ddof=correction, keepdims=keepdim), _mean(self, dim, keepdim)),
    lambda grads, self, dim, correction, keepdim: (_sum_of_present((
        _if_given(_var_backward, grads[0], self, dim, correction, keepdim),
        _if_given(_mean_backward, grads[1], self, dim, keepdim))),),
    outputs=("result0", "result1"))
row("std_mean", "StdMeanBackward0",
    lambda self, *, dim, correction, keepdim: (
        jnp.std(self, dim, ddof=correction, keepdims=keepdim), _mean(self, dim, keepdim)),
    lambda grads, self, result0, dim, correction, keepdim: (_sum_of_present((
        _if_given(_std_backward, grads[0], self, result0, dim, correction, keepdim),
        _if_given(_mean_backward, grads[1], self, dim, keepdim))),),
    outputs=("result0", "result1"))


def _std_backward(grad, self, result, dim, correction, keepdim):
    """torch's std_backward: var's, of grad / (2 std) (0 where std is 0)."""
    return _var_backward((grad / _times_scalar(result, 2)).masked_fill_(result == 0, 0), self,
                         dim, correction, keepdim)


def _mean_backward(grad, self, dim, keepdim):
    """torch's mean_backward: grad spread back over what was averaged, divided by the count."""
    return _over_scalar(_unsqueeze_dims(grad, dim, keepdim, self.ndim).expand(self.shape),
                        _numel(self.shape, dim))


def _var_backward(grad, self, dim, correction, keepdim):
    """torch's var_backward: 2 (x - mean) / (N - correction), times grad (with no degrees
    of freedom left, nan where x is the mean and inf elsewhere)."""
    if self.ndim == 0 or dim is None:
        dof = self.numel() - correction
        if dof <= 0:
            return grad * _w(self == self.mean(), math.nan, math.inf)
        return _times_scalar(grad, 2.0 / dof) * (self - self.mean())
    if not keepdim and self.ndim > 1:
        grad = _unsqueeze_dims(grad, dim, keepdim, self.ndim)
    dof = _numel(self.shape, dim) - correction
    return (_times_scalar(grad, 2.0 / dof if dof else math.inf)
            * (self - self.mean(dim, keepdim=True)))
# logsumexp: d/dx = exp(x - lse) = softmax(x)
row("logsumexp", "LogsumexpBackward0",
    lambda self, *, dim, keepdim: _logsumexp(self, dim, keepdim),
    lambda grad, self, result, dim, keepdim: (
        _unsqueeze_dims(grad, dim, keepdim, self.ndim)
        * (self - _unsqueeze_dims(result, dim, keepdim, self.ndim)).exp(),))


def _logsumexp(x, dim, keepdim):
    if x.ndim == 0:                           # one element: its own log-sum-exp
        return x
    m = jnp.max(x, dim, keepdims=True)
    m = jnp.where(jnp.isfinite(m), m, 0)
    out = jnp.log(jnp.sum(jnp.exp(x - m), dim, keepdims=True)) + m
    return out if keepdim else jnp.squeeze(out, dim)


def _shifted(x, dim):
    """``x`` minus its max along ``dim``, as torch's softmax kernels start (an infinite max
    is not masked there: the whole slice comes out nan, as in torch)."""
    return x - jnp.max(x, dim, keepdims=True) if x.ndim else x - x


def _softmax(x, dim):
    e = jnp.exp(_shifted(x, dim))
    return e / _sum_kept(e, dim)


def _log_softmax(x, dim):
    s = _shifted(x, dim)
    return s - jnp.log(_sum_kept(jnp.exp(s), dim))


def _sum_kept(x, dim):
    """``sum(x, dim, keepdim=True)`` on arrays; a 0-d array is its own sum (torch takes
    dim 0 or -1 there)."""
    return jnp.sum(x, dim, keepdims=True) if x.ndim else x


# softmax s: ds = s * (g - sum(g s));  log_softmax l: dl = g - exp(l) sum(g)
row("softmax", "SoftmaxBackward0",
    lambda self, *, dim: _softmax(self, dim),
    lambda grad, result, dim: (tape.apply(RULES["softmax_backward_data"], grad, result,
                                          dim=dim),))
# ... computed, as in torch, by a kernel of its own: s_bw(g, y) = y (g - sum(g y)), so
#   d/dg = s_bw(., y);  d/dy = g' (g - sum(g y)) - g sum(g' y)   (g' the incoming gradient)
row("softmax_backward_data", "SoftmaxBackwardDataBackward0",
    lambda grad_output, output, *, dim: output * (
        grad_output - _sum_kept(grad_output * output, dim)),
    (lambda grad, output, dim: tape.apply(RULES["softmax_backward_data"], grad, output,
                                          dim=dim),
     lambda grad, grad_output, output, dim: (
         grad * (grad_output - (grad_output * output).sum(dim, keepdim=True))
         - grad_output * (grad * output).sum(dim, keepdim=True))))
row("log_softmax", "LogSoftmaxBackward0",
    lambda self, *, dim: _log_softmax(self, dim),
    lambda grad, result, dim: (tape.apply(RULES["log_softmax_backward_data"], grad, result,
                                          dim=dim),))
# ... a kernel too: ls_bw(g, y) = g - e^y sum(g), so  d/dg = g' - sum(g' e^y),
#   d/dy = -sum(g) e^y g'
row("log_softmax_backward_data", "LogSoftmaxBackwardDataBackward0",
    lambda grad_output, output, *, dim: grad_output - jnp.exp(output) * _sum_kept(
        grad_output, dim),
    (lambda grad, output, dim: grad - (grad * output.exp()).sum(dim, keepdim=True),
     lambda grad, grad_output, output, dim: (
         -grad_output.sum(dim, keepdim=True) * output.exp() * grad)))

# Matrix products. d(AB) = dA B + A dB, so grad_A = grad B^T and grad_B = A^T grad.
# In full float32 on GPUs too, as torch's default (JAX's would round inputs to TF32).
_matmul = functools.partial(jnp.matmul, precision=jax.lax.Precision.HIGHEST)



def _mm(self, mat2):
    """mm's forward. JAX runs a compiled forward's Python once per shapes and dtypes
    (while tracing it), so torch's checks cost nothing here on later calls."""
    (m, k), (k2, n) = self.shape, mat2.shape
    if k != k2:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({m}x{k} and {k2}x{n})")
    if self.dtype != mat2.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{D.long_name(self.dtype)} != {D.long_name(mat2.dtype)}")
    return _matmul(self, mat2)


row("mm", "MmBackward0", _mm,
    (lambda grad, mat2: grad.mm(mat2.t()), lambda grad, self: self.t().mm(grad)))
row("mv", "MvBackward0", lambda self, vec: _matmul(self, vec),
    (lambda grad, vec: grad.reshape(-1, 1) * vec,                  # torch's outer(grad, vec)
     lambda grad, self: self.t().mv(grad)))
row("bmm", "BmmBackward0", lambda self, mat2: _matmul(self, mat2),
    (lambda grad, mat2: grad.bmm(mat2.transpose(1, 2)),
     lambda grad, self: self.transpose(1, 2).bmm(grad)))
row("dot", "DotBackward0", lambda self, tensor: _matmul(self, tensor),
    (lambda grad, tensor: grad * tensor, lambda grad, self: grad * self))
row("vdot", "VdotBackward0", lambda self, other: jnp.vdot(self, other),
    (lambda grad, other: grad * other, lambda grad, self: grad * self))

# inverse: d(A^-1) = -A^-1 dA A^-1, so grad_A = -A^-T grad A^-T.
# det: d det(A) = det(A) tr(A^-1 dA), so grad_A = grad det(A) A^-T (invertible A).
row("inverse", "LinalgInvExBackward0", lambda self: jnp.linalg.inv(self),
    lambda grad, result: (-(result.mT @ (grad @ result.mT)),))
row("det", "LinalgDetBackward0", lambda self: jnp.linalg.det(self),
    lambda grad, self, result: (
        (grad * result).unsqueeze(-1).unsqueeze(-2) * self.inverse().mT,))
# slogdet: (sign, log|det A|) in one node; of a real A only log|det A| has a gradient:
# d log|det A| = tr(A^-1 dA), so grad_A = grad A^-T
row("slogdet", "LinalgSlogdetBackward0", lambda A: tuple(jnp.linalg.slogdet(A)),
    lambda grads, A: (_if_given(lambda g: g.unsqueeze(-1).unsqueeze(-2) * A.inverse().mT,
                                grads[1]),), outputs=("sign", "logabsdet"))

# Views: the result shares the input's storage; the forward, applied to an index array,
# says which elements it covers. The gradient is mapped back by the inverse view.
row("view", "ViewBackward0", lambda self, *, size, self_sym_sizes: jnp.reshape(self, size),
    lambda grad, size, self_sym_sizes: (grad.reshape(self_sym_sizes),), view=True)
# reshape's view of a tensor whose elements are not in order (torch's _reshape_alias)
row("reshape_alias", "ReshapeAliasBackward0",
    lambda self, *, size, self_sym_sizes: jnp.reshape(self, size),
    lambda grad, size, self_sym_sizes: (grad.reshape(self_sym_sizes),), view=True)
row("unsafe_view", "UnsafeViewBackward0",
    lambda self, *, size, self_sym_sizes: jnp.reshape(self, size),
    lambda grad, size, self_sym_sizes: (grad.reshape(self_sym_sizes),))
row("alias", "AliasBackward0", lambda self: self, lambda grad: (grad,), view=True)
row("t", "TBackward0", lambda self: jnp.transpose(self), lambda grad: (grad.t(),), view=True)
row("transpose", "TransposeBackward0", lambda self, *, dim0, dim1: jnp.swapaxes(self, dim0, dim1),
    lambda grad, dim0, dim1: (grad.transpose(dim0, dim1),), view=True)
row("permute", "PermuteBackward0", lambda self, *, dims: jnp.transpose(self, dims),
    lambda grad, dims: (grad.permute(tuple(sorted(range(len(dims)), key=dims.__getitem__))),),
    view=True)
# diagonal: a view of the (offset) diagonal of dims dim1, dim2, moved to the last dim; its
# gradient goes back onto that diagonal of zeros
row("diagonal", "DiagonalBackward0",
    lambda self, *, offset, dim1, dim2, self_sym_sizes: jnp.diagonal(self, offset, dim1, dim2),
    lambda grad, offset, dim1, dim2, self_sym_sizes: (tape.apply(
        RULES["diagonal_backward"], grad, offset=offset, dim1=dim1, dim2=dim2,
        input_sizes=self_sym_sizes),), view=True)
# squeeze removes dims of size 1: the gradient gets them back, one unsqueeze each
row("squeeze", "SqueezeBackward0", lambda self, *, self_sym_sizes: jnp.squeeze(self),
    lambda grad, self_sym_sizes: (_unsqueeze_to(grad, range(len(self_sym_sizes)),
                                                self_sym_sizes),), view=True)
row("squeeze_dim", "SqueezeBackward1",
    lambda self, *, dim, self_sym_sizes: jnp.reshape(self, _squeezed(self_sym_sizes, (dim,))),
    lambda grad, dim, self_sym_sizes: (_unsqueeze_to(grad, (dim,), self_sym_sizes),),
    view=True)
row("squeeze_dims", "SqueezeBackward2",
    lambda self, *, dim, self_sym_sizes: jnp.reshape(self, _squeezed(self_sym_sizes, dim)),
    lambda grad, dim, self_sym_sizes: (_unsqueeze_to(grad, dim, self_sym_sizes),), view=True)


def _unsqueeze_to(grad, dims, sizes):
    """Put back the dims of size 1 among ``dims`` that squeeze removed."""
    dims = {d % max(len(sizes), 1) for d in dims}
    for d, size in enumerate(sizes):
        if d in dims and size == 1:
            grad = grad.unsqueeze(d)
    return grad
row("unsqueeze", "UnsqueezeBackward0", lambda self, *, dim: jnp.expand_dims(self, dim),
    lambda grad, dim: (grad.squeeze(dim),), view=True)
row("expand", "ExpandBackward0", lambda self, *, size, self_sym_sizes: jnp.broadcast_to(self, size),
    lambda grad, size, self_sym_sizes: (tape.sum_to(grad, self_sym_sizes),), view=True)
# unfold: a view of the windows of ``size`` elements, ``step`` apart, along a dim (a new
# last dim); the gradient adds each window's back where it came from (unfold_backward,
# whose own gradient unfolds again)
def _unfold(x, *, dimension, size, step):
    if x.ndim == 0:
        return x.reshape(1)
    windows = jnp.arange((x.shape[dimension] - size) // step + 1)[:, None] * step + \
        jnp.arange(size)
    return jnp.moveaxis(jnp.take(x, windows, axis=dimension), dimension + 1, -1)


row("unfold", "UnfoldBackward0",
    lambda self, *, dimension, size, step, self_sym_sizes: _unfold(
        self, dimension=dimension, size=size, step=step),
    lambda grad, dimension, size, step, self_sym_sizes: (tape.apply(
        RULES["unfold_backward"], grad, input_sizes=self_sym_sizes, dim=dimension, size=size,
        step=step),), view=True)
row("unfold_backward", "UnfoldBackwardBackward0",
    lambda grad_in, *, input_sizes, dim, size, step: _scatter_through_view(
        grad_in, input_sizes, functools.partial(_unfold, dimension=dim, size=size, step=step)),
    lambda grad, input_sizes, dim, size, step: (tape.apply(
        RULES["unfold"], grad, dimension=dim, size=size, step=step,
        self_sym_sizes=input_sizes),))
# Reading and writing at an index, or a slice, along one dim. The position is an operand
# of the compiled kernel (lax.dynamic_slice), not part of it: a loop over rows, `x[i]` for
# a thousand i, compiles one kernel per shape, not one per index.
@functools.partial(jax.jit, static_argnames="dim")
def _select_at(x, index, *, dim):
    return jax.lax.dynamic_index_in_dim(x, index, dim, keepdims=False)


@functools.partial(jax.jit, static_argnames="dim")
def _select_put(x, src, index, *, dim):
    return jax.lax.dynamic_update_index_in_dim(x, src.astype(x.dtype), index, dim)


def _window(n, start, end, step):
    """Where ``[start:end:step]`` sits in ``n`` elements: its first index and its length."""
    start, end, step = slice(start, end, step).indices(n)
    return start, len(range(start, end, step))


def _span(length, step):
    return (length - 1) * step + 1 if length else 0


@functools.partial(jax.jit, static_argnames=("dim", "length", "step"))
def _slice_at(x, start, length, *, dim, step):
    window = jax.lax.dynamic_slice_in_dim(x, start, _span(length, step), dim)
    return jax.lax.slice_in_dim(window, 0, None, step, dim)


@functools.partial(jax.jit, static_argnames=("dim", "step"))
def _slice_put(x, src, start, *, dim, step):
    window = jax.lax.dynamic_slice_in_dim(x, start, _span(src.shape[dim], step), dim)
    window = window.at[(slice(None),) * dim + (slice(None, None, step),)].set(
        src.astype(x.dtype))
    return jax.lax.dynamic_update_slice_in_dim(x, window, start, dim)


# x[i] and x[a:b:c] along one dim: the gradient is scattered back into zeros
row("select", "SelectBackward0",
    lambda self, *, dim, index, self_sym_sizes: _select_at(self, index, dim=dim),
    lambda grad, dim, index, self_sym_sizes: (tape.apply(
        RULES["select_backward"], grad, input_sizes=self_sym_sizes, dim=dim, index=index),),
    view=True)
row("slice", "SliceBackward0",
    lambda self, *, dim, start, end, step, self_sym_sizes: _slice_at(
        self, *_window(self.shape[dim], start, end, step), dim=dim, step=step),
    lambda grad, dim, start, end, step, self_sym_sizes: (tape.apply(
        RULES["slice_backward"], grad, input_sizes=self_sym_sizes, dim=dim, start=start,
        end=end, step=step),),
    view=True)
# ... their gradients put back into zeros, whose own gradients select and slice again
row("select_backward", "SelectBackwardBackward0",
    lambda grad_output, *, input_sizes, dim, index: _select_put(
        jnp.zeros(input_sizes, grad_output.dtype), grad_output, index, dim=dim),
    lambda grad, input_sizes, dim, index: (tape.apply(
        RULES["select"], grad, dim=dim, index=index, self_sym_sizes=input_sizes),))
row("slice_backward", "SliceBackwardBackward0",
    lambda grad_output, *, input_sizes, dim, start, end, step: _slice_put(
        jnp.zeros(input_sizes, grad_output.dtype), grad_output,
        _window(input_sizes[dim], start, end, step)[0], dim=dim, step=step),
    lambda grad, input_sizes, dim, start, end, step: (tape.apply(
        RULES["slice"], grad, dim=dim, start=start, end=end, step=step,
        self_sym_sizes=input_sizes),))
# the adjoint of a view: scatter-add through its index map (and back again)
row("view_backward", "AsStridedBackward0",
    lambda grad, *, self_sym_sizes, view: _scatter_through_view(grad, self_sym_sizes, view),
    lambda grad, self_sym_sizes, view: (tape.apply(RULES["index"], grad, key=None,
                                                   view=view, self_sym_sizes=self_sym_sizes),))


def _view_backward(op, grad, self_sym_sizes, view):
    return tape.apply(RULES[op], grad, self_sym_sizes=self_sym_sizes, view=view)


def _squeezed(shape, dims):
    dims = {d % max(len(shape), 1) for d in dims}
    return tuple(s for i, s in enumerate(shape) if not (i in dims and s == 1))


# Advanced indexing x[mask], x[idx]: a gather; its adjoint is a scatter-add (repeats add up)
row("index", "IndexBackward0",
    lambda self, *, key, self_sym_sizes, view=None: self[key] if view is None else view(self),
    lambda grad, key, self_sym_sizes, view=None: (tape.apply(
        RULES["index_backward"], grad, key=key, self_sym_sizes=self_sym_sizes, view=view),))
row("index_backward", "IndexPutImplBackward0",
    lambda grad, *, key, self_sym_sizes, view=None: (
        jnp.zeros(self_sym_sizes, grad.dtype).at[key].add(grad) if view is None
        else _scatter_through_view(grad, self_sym_sizes, view)),
    lambda grad, *, key, self_sym_sizes, view=None: (
        tape.apply(RULES["index"], grad, key=key, self_sym_sizes=self_sym_sizes, view=view),))

# Joining: the gradient is cut back into the pieces.
# unbind and split: several views of self along dim from one node, output i being view i.
# The gradients come back joined (stack / cat), zeros for the outputs none reached.
row("unbind", "UnbindBackward0", lambda self, *, dim: tuple(jnp.moveaxis(self, dim, 0)),
    lambda grads, dim: (tape.apply(RULES["stack"], *_zeros_for_missing(
        grads, [None] * len(grads)), dim=dim),), multi_view=True)
row("split", "SplitBackward0",
    lambda self, *, split_size, dim, self_sym_sizes: _split(
        self, _split_sizes(split_size, self_sym_sizes[dim]), dim),
    lambda grads, split_size, dim, self_sym_sizes: (_cat_splits(
        grads, _split_sizes(split_size, self_sym_sizes[dim]), dim, self_sym_sizes),),
    multi_view=True)
row("split_with_sizes", "SplitWithSizesBackward0",
    lambda self, *, split_sizes, dim, self_sym_sizes: _split(self, split_sizes, dim),
    lambda grads, split_sizes, dim, self_sym_sizes: (_cat_splits(
        grads, split_sizes, dim, self_sym_sizes),), multi_view=True)


def _split_sizes(split_size, n):
    return [min(split_size, n - start) for start in range(0, n, split_size)] or [0]


def _split(x, sizes, dim):
    return tuple(jnp.split(x, list(itertools.accumulate(sizes))[:-1], axis=dim))


def _zeros_for_missing(grads, shapes):
    """The gradients, zeros (of ``shapes[i]``, or a present gradient's shape) where none
    reached output i."""
    present = next(g for g in grads if g is not None)
    return [g if g is not None else _zeros(present.shape if shape is None else shape, present)
            for g, shape in zip(grads, shapes)]


def _cat_splits(grads, sizes, dim, self_sym_sizes):
    shapes = [tuple(n if d == dim else s for d, s in enumerate(self_sym_sizes)) for n in sizes]
    return tape.apply(RULES["cat"], *_zeros_for_missing(grads, shapes), dim=dim,
                      sizes=tuple(sizes))


row("cat", "CatBackward0", lambda *tensors, dim, sizes: jnp.concatenate(tensors, dim),
    lambda grad, dim, sizes: tuple(
        grad.narrow(dim, start, size) for start, size in zip(_starts(sizes), sizes)))
row("stack", "StackBackward0", lambda *tensors, dim: jnp.stack(tensors, dim),
    lambda grad, dim: tuple(grad.select(dim, i) for i in range(grad.shape[dim])))


def _starts(sizes):
    out, acc = [], 0
    for s in sizes:
        out.append(acc)
        acc += s
    return out


# Copies: the gradient passes through (the engine casts it back to the input's dtype).
row("clone", "CloneBackward0", lambda self: self, lambda grad: (grad,))
row("to", "ToCopyBackward0", lambda self, *, dtype: self.astype(dtype.np), lambda grad, dtype: (grad,))

row("zero_", "ZeroBackward0", lambda self: jnp.zeros_like(self),
    lambda grad: (_zeros_like(grad),))
row("fill_", "FillBackward2", lambda self, *, value: jnp.full_like(self, value),
    lambda grad, value: (_zeros_like(grad),))
# Random draws: made beside the tape (autodiff's generator) and handed in as ``draws``.
# Nothing flows back through a draw: zeros (torch's formulas; bernoulli(x, p) has none).
def _drawn(self, *, draws):
    return draws


def _nothing_back_through_a_draw(grad, draws):
    return (_zeros_like(grad),)


# ... in-place fills, whose old values are forgotten
row("uniform_", "UniformBackward0", _drawn, _nothing_back_through_a_draw)
row("normal_", "NormalBackward0", _drawn, _nothing_back_through_a_draw)
row("bernoulli_float_", "BernoulliBackward2", _drawn, _nothing_back_through_a_draw)
row("bernoulli_tensor_", "BernoulliBackward1", lambda self, p, *, draws: draws,
    (lambda grad: _zeros_like(grad), lambda grad, p: _zeros_like(p)))
row("exponential_", "ExponentialBackward0", _drawn, _nothing_back_through_a_draw)
row("geometric_", "GeometricBackward0", _drawn, _nothing_back_through_a_draw)
row("log_normal_", "LogNormalBackward0", _drawn, _nothing_back_through_a_draw)
row("cauchy_", "CauchyBackward0", _drawn, _nothing_back_through_a_draw)
row("random_from_", "RandomBackward0", _drawn, _nothing_back_through_a_draw)
row("random_to_", "RandomBackward1", _drawn, _nothing_back_through_a_draw)
row("random_", "RandomBackward2", _drawn, _nothing_back_through_a_draw)
# ... and draws from distributions whose parameters are tensors
row("bernoulli", "BernoulliBackward0", _drawn, _nothing_back_through_a_draw)
row("bernoulli_p", "NotImplemented", _drawn,
    (lambda grad: _not_implemented("bernoulli"),))
row("poisson", "PoissonBackward0", _drawn, _nothing_back_through_a_draw)
row("normal_tensor_float", "NormalBackward1", lambda mean, *, draws, mean_sym_sizes: draws,
    lambda grad, draws, mean_sym_sizes: (_zeros(mean_sym_sizes, grad),))
row("normal_float_tensor", "NormalBackward2", lambda std, *, draws, std_sym_sizes: draws,
    lambda grad, draws, std_sym_sizes: (_zeros(std_sym_sizes, grad),))
row("normal_tensor_tensor", "NormalBackward3",
    lambda mean, std, *, draws, mean_sym_sizes, std_sym_sizes: draws,
    lambda grad, draws, mean_sym_sizes, std_sym_sizes: (_zeros(mean_sym_sizes, grad),
                                                        _zeros(std_sym_sizes, grad)))
# Picking along a dim, and its adjoint, adding back along it (each needs the other for
# its gradient; the saved index comes first in a backward's arguments, as saved values do). gather: out[..i..] = self[..index[..i..]..] on ``dim``; its adjoint is
# zeros.scatter_add(dim, index, grad). index_select takes whole slices; its adjoint is
# zeros.index_add(dim, index, grad).
def _along(index, dim):
    """The index arrays that read ``index``'s values on ``dim`` and every other dim's own
    position: what gather reads and scatter_add writes."""
    grids = list(jnp.meshgrid(*[jnp.arange(n) for n in index.shape], indexing="ij"))
    grids[dim] = index
    return tuple(grids)


row("gather", "GatherBackward0",
    lambda self, *, dim, index, sparse_grad: self[_along(index._value(), dim)],
    lambda grad, self, index, dim, sparse_grad: (tape.apply(
        RULES["scatter_add"], _zeros_like(self), grad, dim=dim, index=index),),
    tensor_attrs=("index",))
row("scatter_add", "ScatterAddBackward0",
    lambda self, src, *, dim, index: self.at[_along(index._value(), dim)].add(
        src[tuple(slice(0, n) for n in index.shape)]),
    (lambda grad: grad,
     lambda grad, index, dim: tape.apply(RULES["gather"], grad, dim=dim, index=index,
                                         sparse_grad=False)),
    tensor_attrs=("index",))
row("index_select", "IndexSelectBackward0",
    lambda self, *, dim, index, self_sym_sizes: jnp.take(self, index._value(), axis=dim),
    lambda grad, index, dim, self_sym_sizes: (tape.apply(
        RULES["index_add"], _zeros(self_sym_sizes, grad), grad,
        dim=dim, index=index),),
    tensor_attrs=("index",))
row("index_add", "IndexAddBackward0",
    lambda self, source, *, dim, index: jnp.moveaxis(jnp.moveaxis(self, dim, 0).at[
        index._value()].add(jnp.moveaxis(source, dim, 0)), 0, dim),
    (lambda grad: grad,
     lambda grad, index, dim: tape.apply(RULES["index_select"], grad, dim=dim, index=index,
                                         self_sym_sizes=grad.shape)),
    tensor_attrs=("index",))
row("scatter", "ScatterBackward0",
    lambda self, src, *, dim, index: self.at[_along(index._value(), dim)].set(
        src[tuple(slice(0, n) for n in index.shape)]),
    (lambda grad, index, dim: tape.apply(RULES["scatter"], grad, _zeros(index.shape, grad),
                                         dim=dim, index=index),
     lambda grad, index, dim: tape.apply(RULES["gather"], grad, dim=dim, index=index,
                                         sparse_grad=False)),
    tensor_attrs=("index",))


# take reads the flattened tensor at ``index``; its adjoint puts (adds) the gradient back
# there: torch's zeros_like(self).put_(index, grad, accumulate=True) (PutBackward0 when
# recorded). put writes ``source`` at flat positions: self keeps the gradient elsewhere
# (all of it when the writes accumulate), source reads it back with take.
def _flat_index(index, n):
    return index._value().reshape(-1) % max(n, 1)


def _put(self, source, index, accumulate):
    at = self.reshape(-1).at[_flat_index(index, self.size)]
    flat = at.add(source.reshape(-1)) if accumulate else at.set(source.reshape(-1))
    return flat.reshape(self.shape)


row("take", "TakeBackward0",
    lambda self, *, index: self.reshape(-1)[_flat_index(index, self.size)].reshape(
        index.shape),
    lambda grad, self, index: (tape.apply(RULES["put"], _zeros_like(self), grad, index=index,
                                          accumulate=True),),
    tensor_attrs=("index",))
row("put", "PutBackward0",
    lambda self, source, *, index, accumulate: _put(self, source, index, accumulate),
    (lambda grad, source, index, accumulate: grad if accumulate else tape.apply(
        RULES["put"], grad, _zeros_like(source), index=index, accumulate=False),
     lambda grad, source, index: tape.apply(RULES["take"], grad, index=index).reshape_as(
        source)),
    tensor_attrs=("index",))


# index_fill writes one value into the slices ``index`` names along ``dim``: those slices
# get no gradient (a 0-d tensor value: the sum of theirs, each slice once); index_copy
# writes the slices of ``source`` there, which read their gradient back (index_select)
def _along_dim(dim, index):
    """The key of the slices at ``index`` along ``dim``, for ``.at[...]``."""
    return (slice(None),) * dim + (index._value().reshape(-1),)


def _index_fill(grad, dim, index):
    return tape.apply(RULES["index_fill"], grad, dim=dim, index=index, value=0)


row("index_fill", "IndexFillBackward0",
    lambda self, *, dim, index, value: self.at[_along_dim(dim, index)].set(
        jnp.asarray(value, self.dtype)),
    lambda grad, index, dim, value: (_index_fill(grad, dim, index),),
    tensor_attrs=("index",))
row("index_fill_tensor", "IndexFillBackward1",
    lambda self, value, *, dim, index: self.at[_along_dim(dim, index)].set(
        value.astype(self.dtype)),
    (lambda grad, dim, index: _index_fill(grad, dim, index),
     lambda grad, dim, index: tape.apply(
         RULES["index_select"], grad, dim=dim, index=tape.constant(jnp.unique(index._value())),
         self_sym_sizes=grad.shape).sum()),
    tensor_attrs=("index",))
row("index_copy", "IndexCopyBackward0",
    lambda self, source, *, dim, index: self.at[_along_dim(dim, index)].set(source),
    (lambda grad, dim, index: _index_fill(grad, dim, index),
     lambda grad, source, dim, index: tape.apply(
         RULES["index_select"], grad, dim=dim, index=index.reshape(-1),
         self_sym_sizes=grad.shape).expand_as(source)),
    tensor_attrs=("index",))


# masked_scatter writes source's first elements, in order, where the mask holds: those
# places get no gradient, and source gets theirs back in that order (zeros after)
def _masked_scatter(self, source, mask):
    hit, self = mask.reshape(-1), jnp.broadcast_to(self, mask.shape)
    order = jnp.clip(jnp.cumsum(hit) - 1, 0, max(source.size - 1, 0))
    taken = source.reshape(-1)[order] if source.size else jnp.zeros_like(hit, self.dtype)
    return jnp.where(hit, taken.astype(self.dtype), self.reshape(-1)).reshape(self.shape)


row("masked_scatter", "MaskedScatterBackward0",
    lambda self, source, *, mask: _masked_scatter(self, source, mask._value()),
    (lambda grad, mask: tape.apply(RULES["masked_fill"], grad, mask=mask, value=0),
     lambda grad, mask, source: tape.apply(RULES["masked_scatter_backward"], grad, mask=mask,
                                           sizes=tuple(source.shape))),
    tensor_attrs=("mask",))
row("masked_scatter_backward", "MaskedScatterBackwardBackward0",
    lambda grad_output, *, mask, sizes: jnp.concatenate([
        grad_output[mask._value()], jnp.zeros(math.prod(sizes), grad_output.dtype)])[
            :math.prod(sizes)].reshape(sizes),
    lambda grad, mask, sizes: (tape.apply(RULES["masked_scatter"], _zeros(mask.shape, grad),
                                          grad, mask=mask),),
    tensor_attrs=("mask",))


# select_scatter and slice_scatter write src into the view select / slice would give:
# self keeps the gradient outside it, src reads it back through the view
def _sliced_shape(shape, dim, start, end, step):
    return shape[:dim] + (len(range(start, end, step)),) + shape[dim + 1:]


row("select_scatter", "SelectScatterBackward0",
    lambda self, src, *, dim, index: _select_put(self, src, index, dim=dim),
    (lambda grad, dim, index: tape.apply(
        RULES["select_scatter"], grad, _zeros(grad.shape[:dim] + grad.shape[dim + 1:], grad),
        dim=dim, index=index),
     lambda grad, dim, index: tape.apply(RULES["select"], grad, dim=dim, index=index,
                                         self_sym_sizes=grad.shape)))
row("slice_scatter", "SliceScatterBackward0",
    lambda self, src, *, dim, start, end, step: _slice_put(
        self, src, _window(self.shape[dim], start, end, step)[0], dim=dim, step=step),
    (lambda grad, dim, start, end, step: tape.apply(
        RULES["slice_scatter"], grad, _zeros(_sliced_shape(grad.shape, dim, start, end, step),
                                             grad), dim=dim, start=start, end=end, step=step),
     lambda grad, dim, start, end, step: tape.apply(RULES["slice"], grad, dim=dim,
                                                    start=start, end=end, step=step,
                                                    self_sym_sizes=grad.shape)))


# sort and topk: their values are picked from the input where ``indices`` (computed
# beside the tape) point; each gradient goes back to its place,
# zeros.scatter(dim, indices, grad)
def _picked(self, *, dim, indices, self_sym_sizes):
    return jnp.take_along_axis(self, indices._value(), axis=dim)


def _picked_backward(grad, indices, dim, self_sym_sizes):
    return (tape.apply(RULES["scatter"], _zeros(self_sym_sizes, grad), grad, dim=dim,
                       index=indices),)


row("sort", "SortBackward0", _picked, _picked_backward, tensor_attrs=("indices",))
row("topk", "TopkBackward0", _picked, _picked_backward, tensor_attrs=("indices",))
# diag of a matrix copies its diagonal; diag of a vector (diag_embed) puts it on one;
# trace sums it. Their gradients: onto a diagonal of zeros, or the diagonal read back.
def _diagonal_positions(shape, offset, dim1, dim2):
    return jnp.diagonal(jnp.arange(math.prod(shape)).reshape(shape), offset, dim1, dim2)


row("diagonal_backward", "DiagonalBackwardBackward0",
    lambda grad, *, offset, dim1, dim2, input_sizes: jnp.zeros(
        math.prod(input_sizes), grad.dtype).at[_diagonal_positions(
            input_sizes, offset, dim1, dim2).reshape(-1)].set(grad.reshape(-1)).reshape(
                input_sizes),
    lambda grad, offset, dim1, dim2, input_sizes: (
        grad.diagonal(offset, dim1, dim2).clone(),))
row("diagonal_copy", "DiagonalBackward0_copy",
    lambda self, *, offset, dim1, dim2, self_sym_sizes: jnp.diagonal(self, offset, dim1, dim2),
    lambda grad, offset, dim1, dim2, self_sym_sizes: (tape.apply(
        RULES["diagonal_backward"], grad, offset=offset, dim1=dim1, dim2=dim2,
        input_sizes=self_sym_sizes),))
row("diag_embed", "DiagEmbedBackward0",
    lambda self, *, offset, dim1, dim2: _diag_embed(self, offset, dim1, dim2),
    lambda grad, offset, dim1, dim2: (grad.diagonal(offset, dim1, dim2),))
row("trace", "TraceBackward0", lambda self, *, self_sym_sizes: jnp.trace(self),
    lambda grad, self_sym_sizes: (tape.apply(       # (torch views a flat buffer: a view last)
        RULES["diagonal_backward"], grad.expand(min(self_sym_sizes)), offset=0, dim1=0,
        dim2=1, input_sizes=self_sym_sizes).view(self_sym_sizes),))


# block_diag puts the matrices (a vector: one row, a number: 1x1) along a diagonal of
# zeros; each gets its block of the gradient back (torch's block_diag_backward: two
# slices, squeezed for a vector or a number)
def _block_shape(shape):
    return (tuple(shape) if len(shape) == 2 else (1, *shape) if len(shape) == 1 else (1, 1))


def _block_diag(tensors, shapes):
    blocks = [_block_shape(s) for s in shapes]
    out = jnp.zeros((sum(r for r, _ in blocks), sum(c for _, c in blocks)), tensors[0].dtype)
    for x, (r, c), i, j in zip(tensors, blocks, _starts(b[0] for b in blocks),
                               _starts(b[1] for b in blocks)):
        out = out.at[i:i + r, j:j + c].set(x.reshape(r, c))
    return out


def _block_diag_backward(grad, shapes):
    blocks = [_block_shape(s) for s in shapes]
    grads = []
    for shape, (r, c), i, j in zip(shapes, blocks, _starts(b[0] for b in blocks),
                                   _starts(b[1] for b in blocks)):
        if tuple(shape) == (0,):
            grads.append(_zeros((0,), grad))
            continue
        block = grad.narrow(0, i, r).narrow(1, j, c)
        for _ in range(2 - len(shape)):
            block = block.squeeze(-1)
        grads.append(block)
    return tuple(grads)


row("block_diag", "BlockDiagBackward0", lambda *tensors, shapes: _block_diag(tensors, shapes),
    lambda grad, shapes: _block_diag_backward(grad, shapes))


def _diag_embed(x, offset, dim1, dim2):
    """The last dim of ``x`` written on the ``offset`` diagonal of new dims dim1, dim2."""
    n = x.shape[-1] + abs(offset)
    out_shape = list(x.shape[:-1])
    for d in sorted((dim1, dim2)):
        out_shape.insert(d, n)
    positions = _diagonal_positions(out_shape, offset, dim1, dim2)
    return jnp.zeros(math.prod(out_shape), x.dtype).at[positions.reshape(-1)].set(
        x.reshape(-1)).reshape(out_shape)


# roll shifts elements around (along dims, or the flattened tensor): the gradient rolls
# back
row("roll", "RollBackward0", lambda self, *, shifts, dims: jnp.roll(self, shifts, dims or None),
    lambda grad, shifts, dims: (tape.apply(RULES["roll"], grad,
                                           shifts=tuple(-s for s in shifts), dims=dims),))
# masked_fill: the filled places get no gradient
row("masked_fill", "MaskedFillBackward0",
    lambda self, *, mask, value: jnp.where(mask._value(), jnp.asarray(value, self.dtype), self),
    lambda grad, mask, value: (tape.apply(RULES["masked_fill"], grad, mask=mask, value=0),),
    tensor_attrs=("mask",))
# ... with a one-element tensor value, which gets the filled places' gradients
row("masked_fill_tensor", "MaskedFillBackward1",
    lambda self, value, *, mask: jnp.where(mask._value(), value.astype(self.dtype), self),
    (lambda grad, mask: tape.apply(RULES["masked_fill"], grad, mask=mask, value=0),
     lambda grad, mask: grad.masked_select(mask).sum()),
    tensor_attrs=("mask",))
# masked_select picks the elements where the mask holds: the gradient goes back there
row("masked_select", "MaskedSelectBackward0",
    lambda self, *, mask, shape: jnp.broadcast_to(self, shape)[mask._value()],
    lambda grad, mask, shape: (tape.apply(RULES["index_backward"], grad, key=mask._value(),
                                          self_sym_sizes=shape),),
    tensor_attrs=("mask",))
# tril/triu keep a triangle: the gradient keeps the same one
row("tril", "TrilBackward0", lambda self, *, diagonal: jnp.tril(self, diagonal),
    lambda grad, diagonal: (tape.apply(RULES["tril"], grad, diagonal=diagonal),))
row("triu", "TriuBackward0", lambda self, *, diagonal: jnp.triu(self, diagonal),
    lambda grad, diagonal: (tape.apply(RULES["triu"], grad, diagonal=diagonal),))


# repeat tiles the input: each element's gradient is the sum over its copies (torch's
# repeat_backward: leading new dims summed, then each repeated dim split and summed)
def _repeat_backward(grad, repeats, self_sym_sizes):
    if 0 in repeats:
        return _zeros(self_sym_sizes, grad)
    for _ in range(grad.ndim - len(self_sym_sizes)):
        grad = grad.sum(0)
    size, sum_dims = [], []
    for repeat, n in zip(repeats[len(repeats) - len(self_sym_sizes):], self_sym_sizes):
        if repeat != 1:
            size.append(repeat)
            sum_dims.append(len(size) - 1)
        size.append(n)
    grad = grad.reshape(size)
    return grad.sum(tuple(sum_dims)) if sum_dims else grad


row("repeat", "RepeatBackward0",
    lambda self, *, repeats, self_sym_sizes: jnp.tile(self, repeats),
    lambda grad, repeats, self_sym_sizes: (_repeat_backward(grad, repeats, self_sym_sizes),))


def _index_put(self, values, key, accumulate):
    """``self[key] = values`` (``+=`` with ``accumulate``). A boolean mask whose values
    broadcast over what it selects (``g[h < 0] = 0``) is a ``where``: one kernel per shape,
    whatever the mask holds (a scatter at its True places compiles once per count)."""
    mask = _where_mask(key, self.shape, values)
    if mask is not None:
        return _masked_put(self, values, mask, accumulate=accumulate)
    return self.at[key].add(values) if accumulate else self.at[key].set(values)


def _where_mask(key, shape, values):
    """``key``'s one boolean mask, shaped to broadcast against ``shape``, if the key is
    that mask among full slices and ``values`` broadcast over the selected elements."""
    others = [k for k in key if not isinstance(k, slice)]
    if len(others) != 1 or getattr(others[0], "dtype", None) != bool or any(
            k != slice(None) for k in key if isinstance(k, slice)):
        return None
    mask = others[0]
    lead = next(i for i, k in enumerate(key) if k is mask)
    trailing = shape[lead + mask.ndim:]
    try:
        if np.broadcast_shapes(np.shape(values), trailing) != trailing:
            return None
    except ValueError:
        return None
    return mask.reshape((1,) * lead + mask.shape + (1,) * len(trailing))


@functools.partial(jax.jit, static_argnames="accumulate")
def _masked_put(self, values, mask, *, accumulate):
    values = jnp.asarray(values).astype(self.dtype)
    return jnp.where(mask, self + values if accumulate else values, self)


# x[key] = values: values' gradient is grad[key]; self's is grad with key's places zeroed
row("index_put", "IndexPutBackward0",
    lambda self, values, *, key, accumulate: _index_put(self, values, key, accumulate),
    (lambda grad, key, accumulate: grad if accumulate else tape.apply(
        RULES["index_put"], grad, 0.0, key=key, accumulate=False),
     lambda grad, key: tape.apply(RULES["index"], grad, key=key,
                                  self_sym_sizes=grad._array.shape)))


def alias_row(op, node, of):
    """A second torch name for an existing row (the same maths, recorded under ``node``)."""
    r = RULES[of]
    row(op, node, r.forward, r.backward, r.is_view, r.tensor_attrs)


alias_row("squeeze_matmul", "SqueezeBackward4", of="squeeze_dims")


# ---------------------------------------------------------------------------------------
# Neural-network primitives (autodiff.nn.functional)
# ---------------------------------------------------------------------------------------
# Losses take ``reduction`` as torch's enum (0 'none', 1 'mean', 2 'sum'), so that
# ``grad_fn._saved_reduction`` reads as torch's. Non-differentiable inputs (class
# indices, weights) are attributes, so ``next_functions`` has torch's length.

def _reduced(loss, reduction):
    """A loss array summed, averaged or kept elementwise (forward, on arrays)."""
    return {0: loss, 1: _mean(loss), 2: jnp.sum(loss)}[reduction]


def _spread(grad, shape, reduction):
    """The adjoint of ``_reduced``: one gradient per element of the unreduced loss."""
    if reduction == 0:
        return grad
    return grad.expand(shape) / (math.prod(shape) if reduction == 1 else 1)


def _zeros_like(grad):
    """torch's ``zeros_like(grad)`` in a backward formula: constant zeros (not grad * 0,
    which is nan where grad is)."""
    return tape.constant(jnp.zeros_like(grad._value()))


def _zeros(shape, like):
    """Constant zeros of ``shape``, of ``like``'s dtype."""
    return tape.constant(jnp.zeros(shape, like._array.dtype))


# torch's C++ formulas do arithmetic with Scalars (``mul.Scalar``...), which records other
# nodes than Python's ``x * 2`` (a number wrapped in a tensor: MulBackward0). The formulas
# above write it with these helpers, so that a gradient differentiated again
# (create_graph=True) shows torch's nodes.
row("mul_scalar", "MulBackward1", lambda self, *, other: self * other,
    lambda grad, other: (_times_scalar(grad, other),))
row("div_scalar", "DivBackward1", lambda self, *, other: self / other,
    lambda grad, other: (_over_scalar(grad, other),))
row("add_scalar", "AddBackward1", lambda self, *, other: self + other,
    lambda grad, other: (grad,))
row("sub_scalar", "SubBackward1", lambda self, *, other: self - other,
    lambda grad, other: (grad,))


def _times_scalar(t, number):
    """C++'s ``t * number`` and ``number * t`` (mul.Scalar: MulBackward1)."""
    return tape.apply(RULES["mul_scalar"], t, other=number)


def _maybe_multiply(t, number):
    """C++'s ``maybe_multiply``: ``t`` itself when ``number`` is 1, else ``t * number``."""
    return t if number == 1 else _times_scalar(t, number)


def _over_scalar(t, number):
    """C++'s ``t / number`` (div.Scalar: DivBackward1)."""
    return tape.apply(RULES["div_scalar"], t, other=number)


def _plus_scalar(t, number):
    """C++'s ``t + number`` and ``number + t`` (add.Scalar: AddBackward1)."""
    return tape.apply(RULES["add_scalar"], t, other=number)


def _minus_scalar(t, number):
    """C++'s ``t - number`` (sub.Scalar: SubBackward1)."""
    return tape.apply(RULES["sub_scalar"], t, other=number)


def _scalar_minus(number, t):
    """C++'s ``number - t``: a tensor filled with the number, minus t (SubBackward0)."""
    return tape.constant(jnp.full(t.shape, number, t._array.dtype)) - t


def _scalar_over(number, t):
    """C++'s ``number / t``: a tensor filled with the number, divided by t (DivBackward0)."""
    return tape.constant(jnp.full(t.shape, number, t._array.dtype)) / t

# flip reverses dims; it is its own adjoint (used by the convolution's backward)
row("flip", "FlipBackward0", lambda self, *, dims: jnp.flip(self, dims),
    lambda grad, dims: (tape.apply(RULES["flip"], grad, dims=dims),))
# rot90 turns k quarter turns in the plane of dims; the gradient turns back
row("rot90", "Rot90Backward0", lambda self, *, k, dims: jnp.rot90(self, k, dims),
    lambda grad, k, dims: (tape.apply(RULES["rot90"], grad, k=-k, dims=dims),))
# cummax/cummin: each output is an earlier element (``indices``); the gradients go back
# there, added up: zeros.scatter_add(dim, indices, grad)
def _cummaxmin(self, *, dim, indices):
    return jnp.take_along_axis(jnp.atleast_1d(self), jnp.atleast_1d(indices._value()),
                               axis=dim).reshape(self.shape)


def _cummaxmin_backward(grad, self, indices, dim):
    if self.ndim == 0:                     # its one element is its own maximum
        return (grad,)
    return (_zeros(self.shape, grad).scatter_add(dim, indices, grad),)


row("cummax", "CummaxBackward0", _cummaxmin, _cummaxmin_backward, tensor_attrs=("indices",))
row("cummin", "CumminBackward0", _cummaxmin, _cummaxmin_backward, tensor_attrs=("indices",))
# cumsum: an element adds into every later output along dim, so its gradient is the sum of
# the later gradients -- grad reversed, cumulatively summed, reversed back
row("cumsum", "CumsumBackward0",
    lambda self, *, dim, dtype=None: jnp.cumsum(jnp.atleast_1d(self), dim, dtype).reshape(
        self.shape),
    lambda grad, dim, dtype=None: (_reversed_cumsum(grad, dim),))
# cumprod: y_j = x_0 ... x_j, so dy_j/dx_k = y_j / x_k for k <= j: grad_x = reversed
# cumsum(y grad) / x. Where x has zeros, torch's loop of "the product of the others".
row("cumprod", "CumprodBackward0",
    lambda self, *, dim, dtype=None: jnp.cumprod(jnp.atleast_1d(self), dim, dtype).reshape(
        self.shape),
    lambda grad, self, result, dim, dtype=None: (_cumprod_backward(grad, self, dim, result),))
# logcumsumexp: y_j = log sum_{i<=j} e^x_i, so dy_j/dx_k = e^(x_k - y_j) for k <= j;
# torch sums the positive and negative parts of grad apart, in log space
row("logcumsumexp", "LogcumsumexpBackward0",
    lambda self, *, dim: jax.lax.cumlogsumexp(jnp.atleast_1d(self), axis=dim).reshape(
        self.shape),
    lambda grad, self, result, dim: (_logcumsumexp_backward(grad, self, dim, result),))


def _reversed_cumsum(grad, dim):
    """The sum of each element and the ones after it along ``dim`` (cumsum's gradient)."""
    if grad.numel() <= 1 or grad.shape[dim] == 1:
        return grad
    return grad.flip(dim).cumsum(dim).flip(dim)


def _cumprod_backward(grad, self, dim, result):
    if self.numel() <= 1 or self.shape[dim] == 1:
        return grad
    if not tape.concrete(self._value()) or bool((self._value() == 0).any()):
        return _cumprod_backward_with_zeros(grad, self, dim)
    return _reversed_cumsum(result * grad, dim).div(self)


def _cumprod_backward_with_zeros(grad, self, dim):
    """torch's O(n^2) formula: the gradient of x_k sums grad_j times the product of the
    x_i, i <= j, other than x_k itself (written into zeros, one slice at a time)."""
    n = self.shape[dim]
    ones = tape.constant(jnp.ones((1,), grad._array.dtype)).expand(
        *(1 if d == dim else s for d, s in enumerate(self.shape)))
    grad_input = _zeros(self.shape, grad)
    for k in range(n):
        if k == 0:
            others = tape.apply(RULES["cat"], ones, self.narrow(dim, 1, n - 1).cumprod(dim),
                                dim=dim, sizes=(1, n - 1))
        else:
            before = self.narrow(dim, 0, k).prod(dim, True)
            if k == n - 1:
                others = before
            else:
                after = self.narrow(dim, k + 1, n - k - 1).cumprod(dim)
                others = tape.apply(RULES["cat"], before, before.expand_as(after) * after,
                                    dim=dim, sizes=(1, n - k - 1))
        grad_input.select(dim, k).copy_((grad.narrow(dim, k, n - k) * others).sum(dim))
    return grad_input


def _logcumsumexp_backward(grad, self, dim, result):
    if grad.ndim == 0 or grad.numel() == 0:
        return grad
    lowest = tape.constant(jnp.asarray(jnp.finfo(grad._array.dtype).min, grad._array.dtype))
    log_abs_grad = grad.abs().log()

    def part(mask):
        log_grad = _w(mask, log_abs_grad, lowest) - result
        return (log_grad.flip(dim).logcumsumexp(dim).flip(dim) + self).exp()
    return part(grad > 0) - part(grad < 0)
# d/dx erf(x) = 2/sqrt(pi) exp(-x^2)
row("erf", "ErfBackward0", lambda self: jax.scipy.special.erf(self),
    lambda grad, self: (_times_scalar((-self.pow(2)).exp(), 2 / math.sqrt(math.pi)) * grad,))
# d/dx erfc(x) = -2/sqrt(pi) exp(-x^2)
row("erfc", "ErfcBackward0", lambda self: jax.scipy.special.erfc(self),
    lambda grad, self: (_times_scalar((-self.pow(2)).exp(), -2 / math.sqrt(math.pi)) * grad,))
# d/dx erfinv(x) = sqrt(pi)/2 exp(erfinv(x)^2)
row("erfinv", "ErfinvBackward0", lambda self: jax.scipy.special.erfinv(self),
    lambda grad, self: (_times_scalar(self.erfinv().pow(2).exp(), 0.5 * math.sqrt(math.pi))
                        * grad,))
# d/dx log|gamma(x)| = digamma(x);  d/dx digamma(x) = polygamma(1, x);
# d/dx polygamma(n, x) = polygamma(n + 1, x)
row("lgamma", "LgammaBackward0", lambda self: jax.scipy.special.gammaln(self),
    lambda grad, self: (grad * self.digamma(),))
row("digamma", "DigammaBackward0",        # torch's digamma(0) is -inf (JAX's: nan)
    lambda self: jnp.where(self == 0, -jnp.inf, jax.scipy.special.digamma(self)),
    lambda grad, self: (grad * tape.apply(RULES["polygamma"], self, n=1),))
row("polygamma", "PolygammaBackward0", lambda self, *, n: jax.scipy.special.polygamma(n, self),
    lambda grad, self, n: (grad * tape.apply(RULES["polygamma"], self, n=n + 1),))

# The products with a term: beta self + alpha product (beta = 0 leaves self out, its NaNs
# too). d/dself = beta; each factor's gradient is the plain product's, times alpha.
# addmm (linear's op): d/d mat1 = grad mat2^T, d/d mat2 = mat1^T grad
row("addmm", "AddmmBackward0",
    lambda self, mat1, mat2, *, beta, alpha: _beta_alpha(self, _matmul(mat1, mat2), beta, alpha),
    (lambda grad, beta: _maybe_multiply(grad, beta),
     lambda grad, mat2, alpha: _maybe_multiply(grad.mm(mat2.t()), alpha),
     lambda grad, mat1, alpha: _maybe_multiply(mat1.t().mm(grad), alpha)))
# addmv: d/d mat = outer(grad, vec), d/d vec = mat^T grad
row("addmv", "AddmvBackward0",
    lambda self, mat, vec, *, beta, alpha: _beta_alpha(self, _matmul(mat, vec), beta, alpha),
    (lambda grad, beta: _maybe_multiply(grad, beta),
     lambda grad, vec, alpha: _maybe_multiply(grad.reshape(-1, 1) * vec, alpha),
     lambda grad, mat, alpha: _maybe_multiply(mat.t().mv(grad), alpha)))
# addr (outer product): d/d vec1 = grad vec2, d/d vec2 = grad^T vec1
row("addr", "AddrBackward0",
    lambda self, vec1, vec2, *, beta, alpha: _beta_alpha(self, vec1[:, None] * vec2, beta, alpha),
    (lambda grad, beta: _maybe_multiply(grad, beta),
     lambda grad, vec2, alpha: _maybe_multiply(grad.mv(vec2), alpha),
     lambda grad, vec1, alpha: _maybe_multiply(grad.t().mv(vec1), alpha)))
# baddbmm (a batch of products): as bmm's
row("baddbmm", "BaddbmmBackward0",
    lambda self, batch1, batch2, *, beta, alpha: _beta_alpha(
        self, _matmul(batch1, batch2), beta, alpha),
    (lambda grad, beta: _maybe_multiply(grad, beta),
     lambda grad, batch2, alpha: _maybe_multiply(grad.bmm(batch2.transpose(1, 2)), alpha),
     lambda grad, batch1, alpha: _maybe_multiply(batch1.transpose(1, 2).bmm(grad), alpha)))
# addbmm (the batch's products summed): grad goes to every product of the batch
row("addbmm", "AddbmmBackward0",
    lambda self, batch1, batch2, *, beta, alpha: _beta_alpha(
        self, _matmul(batch1, batch2).sum(0), beta, alpha),
    (lambda grad, beta: _maybe_multiply(grad, beta),
     lambda grad, batch2, alpha: _maybe_multiply(grad.unsqueeze(0).expand(
         batch2.shape[0], grad.shape[0], grad.shape[1]).bmm(batch2.transpose(1, 2)), alpha),
     lambda grad, batch1, alpha: _maybe_multiply(batch1.transpose(1, 2).bmm(
         grad.unsqueeze(0).expand(batch1.shape[0], grad.shape[0], grad.shape[1])), alpha)))


def _beta_alpha(self, product, beta, alpha):
    return jnp.where(beta == 0, jnp.zeros_like(product), beta * self) + alpha * product


# gelu(x) = x Phi(x):  d/dx = Phi(x) + x phi(x).  'tanh': 0.5 x (1 + tanh(k (x + c x^3)))
_GELU_K, _GELU_C = math.sqrt(2 / math.pi), 0.044715


def _gelu_forward(x, approximate):
    if approximate == "tanh":
        return 0.5 * x * (1 + jnp.tanh(_GELU_K * (x + _GELU_C * x ** 3)))
    return 0.5 * x * (1 + jax.scipy.special.erf(x / math.sqrt(2)))


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


row("gelu", "GeluBackward0", lambda self, *, approximate: _gelu_forward(self, approximate),
    lambda grad, self, approximate: (tape.apply(RULES["gelu_backward"], grad, self,
                                                approximate=approximate),))
# ... by a kernel: gelu_bw(g, x) = g gelu'(x):  d/dg = gelu'(x),  d/dx = g g' gelu''(x)
row("gelu_backward", "GeluBackwardBackward0",
    lambda grad_output, self, *, approximate: grad_output * _gelu_derivative(self, approximate),
    (lambda grad, self, approximate: tape.apply(RULES["gelu_backward"], grad, self,
                                                approximate=approximate),
     lambda grad, grad_output, self, approximate: (
         grad * grad_output * _gelu_second_derivative(self, approximate))))


# leaky_relu = x if x > 0 else s x:  d/dx = 1 or s
def _leaky_relu(self, *, negative_slope):
    return jnp.where(self > 0, self, self * negative_slope)


row("leaky_relu", "LeakyReluBackward0", _leaky_relu,
    lambda grad, self, negative_slope: (tape.apply(RULES["leaky_relu_backward"], grad, self,
                                                   negative_slope=negative_slope),))
# ... a kernel of its own in torch, as threshold_backward:  d/dg = 1 or s,  d/dx = 0
row("leaky_relu_backward", "LeakyReluBackwardBackward0",
    lambda grad_output, self, *, negative_slope: jnp.where(self > 0, grad_output,
                                                           grad_output * negative_slope),
    (lambda grad, self, negative_slope: tape.apply(RULES["leaky_relu_backward"], grad, self,
                                                   negative_slope=negative_slope),
     lambda grad: _zeros_like(grad)))


# elu = scale x if x > 0 else scale alpha (e^(input_scale x) - 1) (selu: torch's constants)
#   d/dx = scale, or scale alpha input_scale e^(input_scale x)
def _elu(self, *, alpha, scale, input_scale):
    return jnp.where(self <= 0, jnp.expm1(self * input_scale) * (alpha * scale), self * scale)


row("elu", "EluBackward0", _elu,
    lambda grad, self, alpha, scale, input_scale: (tape.apply(
        RULES["elu_backward"], grad, self, alpha=alpha, scale=scale, input_scale=input_scale,
        is_result=False),))
# their in-place forms keep the result instead, and pass it to the same kernels (the
# result is > 0 where the input is)
row("leaky_relu_", "LeakyReluBackward1", _leaky_relu,
    lambda grad, result, negative_slope: (tape.apply(
        RULES["leaky_relu_backward"], grad, result, negative_slope=negative_slope),))
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
# silu = x sigmoid(x):  d/dx = s (1 + x (1 - s)),  s = sigmoid(x)
row("silu", "SiluBackward0", lambda self: self / (1 + jnp.exp(-self)),
    lambda grad, self: (_silu_backward(grad, self),))


def _silu_backward(grad, self):
    s = self.sigmoid()
    return grad * s * _plus_scalar(self * _scalar_minus(1, s), 1)
# softplus = log(1 + e^(beta x)) / beta (x itself past the threshold):  d/dx = sigmoid(beta x)
row("softplus", "SoftplusBackward0",
    lambda self, *, beta, threshold: jnp.where(self * beta > threshold, self,
                                               jnp.log1p(jnp.exp(self * beta)) / beta),
    lambda grad, self, beta, threshold: (tape.apply(
        RULES["softplus_backward"], grad, self, beta=beta, threshold=threshold),))
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
# hardtanh = x clipped to [min_val, max_val]:  d/dx = 1 strictly inside
row("hardtanh", "HardtanhBackward0",
    lambda self, *, min_val, max_val: jnp.clip(self, min_val, max_val).astype(self.dtype),
    lambda grad, self, min_val, max_val: (tape.apply(
        RULES["hardtanh_backward"], grad, self, min_val=min_val, max_val=max_val),))
# ... by a kernel, as threshold_backward:  d/dg = the same mask,  d/dx = 0
row("hardtanh_backward", "HardtanhBackwardBackward0",
    lambda grad_output, self, *, min_val, max_val: jnp.where(
        (self > min_val) & (self < max_val), grad_output, 0),
    (lambda grad, self, min_val, max_val: tape.apply(RULES["hardtanh_backward"], grad, self,
                                                     min_val=min_val, max_val=max_val),
     lambda grad: _zeros_like(grad)))

# mse = reduce((x - t)^2):  d/dx = 2 (x - t),  d/dt = 2 (t - x), by torch's kernel
row("mse_loss", "MseLossBackward0",
    lambda self, target, *, reduction: _reduced((self - target) ** 2, reduction),
    (lambda grad, self, target, reduction: tape.apply(RULES["mse_loss_backward"], grad, self,
                                                      target, reduction=reduction),
     lambda grad, self, target, reduction: tape.apply(RULES["mse_loss_backward"], grad, target,
                                                      self, reduction=reduction)))
# mse_bw(g, x, t) = (2 / N, or 2) (x - t) g:  d/dg = mse_bw(g', x, t), reduced as the loss
#   was;  d/dx = (2 / N, or 2) g g' = -d/dt
row("mse_loss_backward", "MseLossBackwardBackward0",
    lambda grad_output, self, target, *, reduction: (
        2 / self.size if reduction == 1 else 2) * (self - target) * grad_output,
    lambda grad, grad_output, self, target, reduction: (
        _mse_double_backward_grad_output(grad, grad_output, self, target, reduction),
        *_opposite_pair(2 * grad * grad_output / (self.numel() if reduction == 1 else 1))))


def _mse_double_backward_grad_output(grad, grad_output, self, target, reduction):
    return _loss_double_backward_grad_output("mse_loss_backward", grad, grad_output, self,
                                             target, reduction)


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


def _opposite_pair(g):
    """A loss of ``x - t``: the gradient of ``t`` is minus that of ``x``."""
    return g, -g


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


# bce = -w (t log x + (1 - t) log(1 - x)), logs clamped at -100:
#   d/dx = w (x - t) / max(x (1 - x), 1e-12),   d/dt = w (log(1 - x) - log x)
def _times_weight(x, weight):
    return x if weight is None else x * weight


row("binary_cross_entropy", "BinaryCrossEntropyBackward0",
    lambda self, target, *, weight, reduction: _reduced(
        _times_weight((target - 1) * jnp.maximum(jnp.log1p(-self), -100.0)
                      - target * jnp.maximum(jnp.log(self), -100.0),
                      None if weight is None else weight._value()), reduction),
    lambda grad, self, target, weight, reduction: _bce_backward(
        _times_weight(_spread(grad, self.shape, reduction), weight), self, target),
    tensor_attrs=("weight",))


def _bce_backward(g, self, target):
    return (g * (self - target) / (self * (1 - self)).clamp(min=1e-12),
            g * ((1 - self).log() - self.log()))


# bce with logits, with l = 1 + (pos_weight - 1) t:
#   loss = w ((1 - t) x - l logsigmoid(x)),  d/dx = w (l sigmoid(x) - l + 1 - t),
#   d/dt = w (-x - (pos_weight - 1) logsigmoid(x))
def _log_sigmoid(x):
    return -(jnp.maximum(-x, 0) + jnp.log1p(jnp.exp(-jnp.abs(x))))


def _bce_logits_forward(x, t, weight, pos_weight):
    pw_minus_1 = 0.0 if pos_weight is None else pos_weight._value() - 1
    loss = (1 - t) * x - (1 + pw_minus_1 * t) * _log_sigmoid(x)
    return loss if weight is None else loss * weight._value()


def _bce_logits_backward(grad, self, target, weight, pos_weight):
    g = _times_weight(grad, weight)
    if pos_weight is None:
        return g * (self.sigmoid() - target), g * -self
    log_weight = 1 + (pos_weight - 1) * target
    return (g * (log_weight * self.sigmoid() - log_weight + 1 - target),
            g * (-self - (pos_weight - 1) * _log_sigmoid_tensor(self)))


def _log_sigmoid_tensor(x):
    """``_log_sigmoid`` with recorded ops (the target's gradient depends on x)."""
    return -((-x).clamp(min=0) + (1 + (-x.abs()).exp()).log())


row("binary_cross_entropy_with_logits", "BinaryCrossEntropyWithLogitsBackward0",
    lambda self, target, *, weight, pos_weight, reduction: _reduced(
        _bce_logits_forward(self, target, weight, pos_weight), reduction),
    lambda grad, self, target, weight, pos_weight, reduction: _bce_logits_backward(
        _spread(grad, self.shape, reduction), self, target, weight, pos_weight),
    tensor_attrs=("weight", "pos_weight"))

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


def _embedding_picks_grad(grad, indices, padding_idx, scale_grad_by_freq, n):
    if scale_grad_by_freq:
        grad = grad / tape.constant(jnp.bincount(indices.reshape(-1), length=n)[indices][..., None]
                             .astype(grad._array.dtype))
    return _w(tape.constant((indices != padding_idx)[..., None]), grad, 0.0)


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


def _dilated(shape, dilation):
    return [0 if s == 0 else 1 + d * (s - 1) for s, d in zip(shape, dilation)]


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


def _conv_geometry(grad, input, weight, stride, padding, dilation, lhs_dilation,
                   dimension_numbers):
    """What both gradients of a convolution start from: the spatial sizes of the kernel,
    the input and the output, each dilated as the forward saw it, and the low padding."""
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    kernel = _dilated([weight.shape[d] for d in rhs_spec[2:]], dilation)
    lhs = _dilated([input.shape[d] for d in lhs_spec[2:]], lhs_dilation)
    out = _dilated([grad.shape[d] for d in out_spec[2:]], stride)
    return kernel, lhs, out, [p[0] for p in padding]


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


def _convolution(input, weight, **attrs):
    return tape.apply(RULES["convolution"], input, weight, None, **attrs)


row("convolution", "ConvolutionBackward0",
    lambda input, weight, bias, *, stride, padding, dilation, lhs_dilation,
    dimension_numbers, feature_group_count, batch_group_count: _conv_forward(
        input, weight, bias, stride, padding, dilation, lhs_dilation, dimension_numbers,
        feature_group_count, batch_group_count),
    (_conv_input_grad, _conv_weight_grad,
     lambda grad, dimension_numbers: grad.sum(                  # all but the channel dim
         tuple(d for d in range(grad.ndim) if d != dimension_numbers[2][1]))))


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


# ---------------------------------------------------------------------------------------
# More activations, losses, pools and norms (autodiff.nn.functional)
# ---------------------------------------------------------------------------------------
# log_sigmoid = -softplus(-x):  d/dx = sigmoid(-x), by torch's kernel
row("log_sigmoid", "LogSigmoidBackward0", lambda self: _log_sigmoid(self),
    lambda grad, self: (tape.apply(RULES["log_sigmoid_backward"], grad, self),))
# ... ls_bw(g, x) = g sigmoid(-x):  d/dg = ls_bw(g', x),  d/dx = g g' (s - 1) s, s = sigmoid(x)
row("log_sigmoid_backward", "LogSigmoidBackwardBackward0",
    lambda grad_output, self: grad_output / (1 + jnp.exp(self)),
    (lambda grad, self: tape.apply(RULES["log_sigmoid_backward"], grad, self),
     lambda grad, grad_output, self: _sigmoid_times_its_complement(grad * grad_output, self)))


def _sigmoid_times_its_complement(g, x):
    """torch's ``g * (z - 1) * z``, z = sigmoid(x)."""
    z = x.sigmoid()
    return g * _minus_scalar(z, 1) * z


# hardswish = x relu6(x + 3) / 6:  d/dx = 0 below -3, x / 3 + 1/2 up to 3, 1 above
row("hardswish", "HardswishBackward0", lambda self: self * jnp.clip(self + 3, 0, 6) / 6,
    lambda grad, self: (tape.apply(RULES["hardswish_backward"], grad, self),))
# ... by a kernel:  d/dg = hs_bw(g', x),  d/dx = g g' / 3 strictly between -3 and 3
row("hardswish_backward", "HardswishBackwardBackward0",
    lambda grad_output, self: jnp.where(self < -3, 0, jnp.where(
        self <= 3, grad_output * (self / 3 + 0.5), grad_output)),
    (lambda grad, self: tape.apply(RULES["hardswish_backward"], grad, self),
     lambda grad, grad_output, self: _w((self > -3) & (self < 3),
                                        _over_scalar(grad * grad_output, 3.0), 0.0)))
# hardsigmoid = relu6(x + 3) / 6:  d/dx = 1/6 strictly between -3 and 3 (torch's kernel
# writes 1.0f / 6.0f: a float32 sixth, in float64 too); the kernel has no derivative
_ONE_SIXTH_IN_FLOAT32 = float(np.float32(1.0) / np.float32(6.0))
row("hardsigmoid", "HardsigmoidBackward0", lambda self: jnp.clip(self + 3, 0, 6) / 6,
    lambda grad, self: (tape.apply(RULES["hardsigmoid_backward"], grad, self),))
row("hardsigmoid_backward", "NotImplemented",
    lambda grad_output, self: jnp.where((self > -3) & (self < 3),
                                        grad_output * _ONE_SIXTH_IN_FLOAT32, 0),
    (lambda grad: _not_implemented("hardsigmoid_backward"),
     lambda grad: _not_implemented("hardsigmoid_backward")))


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


row("celu", "CeluBackward0", _elu,
    lambda grad, self, alpha, scale, input_scale: _celu_backward(grad, self, alpha, False))
row("celu_", "CeluBackward1", _elu,
    lambda grad, result, alpha, scale, input_scale: _celu_backward(grad, result, alpha, True))
# threshold = x where x > threshold, else value:  d/dx = 1 where x > threshold (in place
# too: from the input, which torch saves)
row("threshold", "ThresholdBackward0",
    lambda self, *, threshold, value: jnp.where(self > threshold, self, value),
    lambda grad, self, threshold, value: (tape.apply(RULES["threshold_backward"], grad, self,
                                                     threshold=threshold),))
alias_row("threshold_", "ThresholdBackward1", of="threshold")


# glu(x) = a sigmoid(b), a and b the halves of x along dim:
#   d/da = g sigmoid(b),  d/db = g a sigmoid(b) (1 - sigmoid(b)), by torch's kernel
def _glu_forward(self, dim):
    first, second = jnp.split(self, 2, axis=dim)
    return first * jax.nn.sigmoid(second)


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


row("glu", "GluBackward0", lambda self, *, dim: _glu_forward(self, dim),
    lambda grad, self, dim: (tape.apply(RULES["glu_backward"], grad, self, dim=dim),))
row("glu_backward", "GluBackwardBackward0",
    lambda grad_output, self, *, dim: _glu_backward_forward(grad_output, self, dim),
    (lambda grad, self, dim: _glu_double_backward_grad_output(grad, self, dim),
     _glu_double_backward))
# prelu = x where x > 0, else w x (w viewed to broadcast along the channels):
#   d/dx = 1 or w,  d/dw = 0 or x
row("prelu", "PreluKernelBackward0",
    lambda self, weight: jnp.where(self > 0, self, weight * self),
    (lambda grad, self, weight: _w(self > 0, grad, weight * grad),
     lambda grad, self: _w(self > 0, 0.0, self * grad)))
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



# smooth_l1 = reduce(0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta),  d = x - t;
# huber = reduce(0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta)). Their gradients
# come from torch's kernels (mse's pattern): bw(g, x, t) = g clip(d k, -c, c) (by N for
# a mean), k = 1 / beta, c = 1 for smooth_l1 and k = 1, c = delta for huber; minus that for t.
#   d/dg = bw(g', x, t), reduced as the loss was;  d/dx = g g' / beta (g g') where |d| <
#   beta (delta)
def _smooth_l1(d, beta):
    z = jnp.abs(d)
    return jnp.where(z < beta, 0.5 * z * z / beta, z - 0.5 * beta)


def _huber(d, delta):
    z = jnp.abs(d)
    return jnp.where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta))


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
row("smooth_l1_loss_backward", "SmoothL1LossBackwardBackward0",
    lambda grad_output, self, target, *, reduction, beta: _clipped_slope(
        grad_output, self, target, reduction, 1 / beta, 1),
    lambda grad, grad_output, self, target, reduction, beta: _loss_kernel_grads(
        "smooth_l1_loss_backward", grad, grad_output, self, target, reduction, beta, beta,
        beta=beta))
row("huber_loss", "HuberLossBackward0",
    lambda self, target, *, reduction, delta: _reduced(_huber(self - target, delta),
                                                       reduction),
    lambda grad, self, target, reduction, delta: tuple(
        f(grad, self, target) for f in _x_and_t_grads("huber_loss_backward",
                                                       reduction=reduction, delta=delta)))
row("huber_loss_backward", "HuberLossBackwardBackward0",
    lambda grad_output, self, target, *, reduction, delta: _clipped_slope(
        grad_output, self, target, reduction, 1, delta),
    lambda grad, grad_output, self, target, reduction, delta: _loss_kernel_grads(
        "huber_loss_backward", grad, grad_output, self, target, reduction, delta, None,
        delta=delta))
# at::norm(x, p, dim, keepdim) (pairwise_distance's): vector_norm's maths, torch's other node
alias_row("norm_scalaropt_dim", "NormBackward1", of="norm")


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


def _adaptive_windows(size, out):
    """One dim of adaptive_avg_pool2d: windows [floor(o n / out), ceil((o + 1) n / out))."""
    m = np.zeros((out, size))
    for o in range(out):
        lo, hi = (o * size) // out, -(-((o + 1) * size) // out)
        m[o, lo:hi] = 1.0 / (hi - lo)
    return m


def _avg_pool_maps(shape, kernel_size, stride, padding, ceil_mode, count_include_pad,
                   divisor_override):
    mh, mw = (_avg_windows(n, k, s, p, ceil_mode, count_include_pad, divisor_override)
              for n, k, s, p in zip(shape[-2:], kernel_size, stride, padding))
    return mh / (divisor_override or 1), mw


def _adaptive_maps(shape, output_size):
    return tuple(_adaptive_windows(n, o) for n, o in zip(shape[-2:], output_size))


def _pooled(x, maps):
    mh, mw = (jnp.asarray(m, x.dtype) for m in maps)
    return jnp.einsum("...hw,oh,pw->...op", x, mh, mw)


def _unpooled(grad, maps):
    mh, mw = (jnp.asarray(m, grad.dtype) for m in maps)
    return jnp.einsum("...op,oh,pw->...hw", grad, mh, mw)


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
row("adaptive_avg_pool2d", "AdaptiveAvgPool2DBackward0",
    lambda self, *, output_size: _pooled(self, _adaptive_maps(self.shape, output_size)),
    lambda grad, self, output_size: (tape.apply(RULES["adaptive_avg_pool2d_backward"], grad,
                                                self),))
row("adaptive_avg_pool2d_backward", "AdaptiveAvgPool2DBackwardBackward0",
    lambda grad_output, self: _unpooled(grad_output, _adaptive_maps(self.shape,
                                                                    grad_output.shape[-2:])),
    (lambda grad, grad_output: tape.apply(RULES["adaptive_avg_pool2d"], grad,
                                          output_size=tuple(grad_output.shape[-2:])),
     lambda grad: _zeros_like(grad)))


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
