"""Elementwise arithmetic and functions (``add``, ``mul``, ``pow``, ``exp``, ``clamp``,
``where``...), with torch's type promotion and broadcasting checks. Each row sits above
the function that applies it, its maths in a comment. Broadcasting is not handled in the
formulas: the engine sums each gradient down to its input's shape once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Optional, Union

import builtins
import math

import jax
import jax.numpy as jnp

from .. import dtypes as D, tape
from ..dtypes import Number
from ..tape import RULES, Rule, Tensor, apply, make_tensor, row
from ._common import (_binary, _CastRule, _check_operands, _kernel_missing, _maybe_multiply,
                      _minus_scalar, _not_implemented, _operands, _over_scalar, _plus_scalar,
                      _reflected, _scalar_arg, _scalar_minus, _tensor_arg, _times_scalar,
                      _true_divide, _w, _zeros_like, alias_row, exported, method, methods)
from .creation import tensor, zeros_like
from .comparison import ne
from .shape import broadcast_shapes, cat, narrow


# Arithmetic. d(a+b) = da + db; d(a*b) = b da + a db; d(a/b) = da/b - a db/b^2.
row("add", "AddBackward0", lambda self, other, *, alpha=None: self + other if alpha is None
    else self + alpha * other,
    (lambda grad: grad, lambda grad, alpha=1: _maybe_multiply(grad, alpha)))


@method(inplace=tape.inplace_binary)
def add(input: Tensor, other: Tensor | Number, alpha: Number = 1) -> Tensor:
    """``input + alpha * other``, broadcasting."""
    alpha = _scalar_arg("add", "alpha", alpha)
    if alpha != 1:
        return _binary(RULES["add"], input, other, alpha=alpha)
    return _binary(RULES["add"], input, other)


Tensor.__add__ = Tensor.__radd__ = add
Tensor.__iadd__ = tape.inplace_binary(add)


def _check_not_bool_sub(a, b):
    bools = [D.result_type(x) is D.bool_ for x in (a, b)]
    if builtins.all(bools):
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                           "supported. Use the `^` or `logical_xor()` operator instead.")
    if builtins.any(bools):
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not "
                           "supported. If you are trying to invert a mask, use the `~` or "
                           "`logical_not()` operator instead.")


row("sub", "SubBackward0", lambda self, other, *, alpha=None: self - other if alpha is None
    else self - alpha * other,
    (lambda grad: grad, lambda grad, alpha=1: _maybe_multiply(-grad, alpha)))


@method(inplace=tape.inplace_binary)
def sub(input: Tensor, other: Tensor | Number, alpha: Number = 1) -> Tensor:
    """``input - alpha * other``, broadcasting (SubBackward0)."""
    _check_not_bool_sub(input, other)
    alpha = _scalar_arg("sub", "alpha", alpha)
    if alpha != 1:
        return _binary(RULES["sub"], input, other, alpha=alpha)
    return _binary(RULES["sub"], input, other)


Tensor.__sub__ = sub
Tensor.__isub__ = tape.inplace_binary(sub)


# rsub(self, other) = other - alpha * self: with a tensor, and with a number (`2 - x`)
row("rsub", "RsubBackward0", lambda self, other, *, alpha=1: other - alpha * self,
    (lambda grad, alpha=1: -grad * alpha if alpha != 1 else -grad, lambda grad: grad))
row("rsub_scalar", "RsubBackward1", lambda self, *, other, alpha=1: other - alpha * self,
    lambda grad, other, alpha=1: (-grad * alpha if alpha != 1 else -grad,))


def rsub(input: Tensor, other: Tensor | Number, alpha: Number = 1) -> Tensor:
    """``other - alpha * input``."""
    _check_not_bool_sub(input, other)
    kw = {"alpha": alpha} if alpha != 1 else {}
    if not isinstance(other, Tensor):
        input, other = _operands("rsub", input, other)
        dt = D.result_type(input, other)
        rule = RULES["rsub_scalar"] if dt is input.dtype else _CastRule(RULES["rsub_scalar"], dt)
        return apply(rule, input, other=other, **kw)
    return _binary(RULES["rsub"], input, other, **kw)


Tensor.__rsub__ = rsub


row("mul", "MulBackward0", lambda self, other: self * other,
    (lambda grad, other: grad * other, lambda grad, self: grad * self))


@method(inplace=tape.inplace_binary)
def mul(input: Tensor, other: Tensor | Number) -> Tensor:
    """``input * other``, broadcasting (MulBackward0)."""
    return _binary(RULES["mul"], input, other)


Tensor.__mul__ = Tensor.__rmul__ = mul
Tensor.__imul__ = tape.inplace_binary(mul)


class _NotGiven:
    """The default of an argument whose mere presence picks torch's overload."""

    def __repr__(self):
        return "<not given>"


_NOT_GIVEN = _NotGiven()
row("div", "DivBackward0", lambda self, other: _true_divide(self, other),
    (lambda grad, other: grad / other,
     lambda grad, self, other: -grad * ((self / other) / other)))      # -g (a/b)/b: torch's grouping
# rounding: flat between the steps, so its gradient is zeros (torch records it)
row("floor", "FloorBackward0", lambda self: jnp.floor(self), lambda grad: (_zeros_like(grad),))
row("trunc", "TruncBackward0", lambda self: jnp.trunc(self), lambda grad: (_zeros_like(grad),))


def _floor_divide(x, y):
    """torch's ``div_floor_floating`` (integers: Python's floor division): the quotient
    of ``x - fmod(x, y)``, one less where the remainder's sign is not the divisor's,
    rounded to the nearest whole number; a zero quotient has the sign of ``x / y``."""
    if not jnp.issubdtype(jnp.result_type(x, y), jnp.floating):
        return jnp.floor_divide(x, y)
    mod = jnp.fmod(x, y)
    div = _true_divide(x - mod, y)
    div = jnp.where((mod != 0) & ((y < 0) != (mod < 0)), div - 1, div)
    floor = jnp.floor(div)
    floor = jnp.where(div - floor > 0.5, floor + 1, floor)
    quotient = _true_divide(x, y)
    return jnp.where(y == 0, quotient,
                     jnp.where(div != 0, floor, jnp.copysign(jnp.zeros_like(div), quotient)))


def _divide(x, y, rounding_mode):
    if rounding_mode == "floor":
        return _floor_divide(x, y)
    quotient = _true_divide(x, y)
    return jnp.trunc(quotient) if rounding_mode == "trunc" else quotient


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


@method(inplace=tape.inplace_binary)
def div(input: Tensor, other: Tensor | Number,
        rounding_mode: Union[str, None, _NotGiven] = _NOT_GIVEN) -> Tensor:
    """True division (ints divide to float32); ``rounding_mode`` "floor" or "trunc" rounds
    the quotient (DivBackward2, zero gradients: the overload torch picks whenever the
    argument is given)."""
    if rounding_mode is not _NOT_GIVEN:
        if rounding_mode not in (None, "floor", "trunc"):
            raise ValueError("div expected rounding_mode to be one of None, 'trunc', or "
                             f"'floor' but found '{rounding_mode}'")
        return _rounding(RULES["div_mode"], input, other, float_result=rounding_mode is None,
                         rounding_mode=rounding_mode)
    if not isinstance(input, Tensor):            # 2 / x is torch's reciprocal(x) * 2
        input, other = _operands("div", input, other)
        return mul(reciprocal(other), input)
    return _binary(RULES["div"], input, other, float_result=True)


Tensor.__truediv__ = div
Tensor.__rtruediv__ = lambda self, other: self.reciprocal() * other      # (torch's __rdiv__)
Tensor.__itruediv__ = tape.inplace_binary(div)
multiply, subtract, divide = mul, sub, div
Tensor.multiply, Tensor.subtract, Tensor.divide, Tensor.multiply_, Tensor.subtract_, \
    Tensor.divide_ = (tape.speaking_as(fn, name) for fn, name in (
        (mul, "multiply"), (sub, "subtract"), (div, "divide"), (Tensor.mul_, "multiply_"),
        (Tensor.sub_, "subtract_"), (Tensor.div_, "divide_")))


@method(inplace=tape.inplace_binary)
def true_divide(input: Tensor, other: Tensor | Number) -> Tensor:
    """``input / other`` (DivBackward0); integers divide to float32."""
    input, other = _operands("true_divide", input, other)
    return div(input, other)


# addcmul = s + v t1 t2:  d/dt1 = v t2, d/dt2 = v t1
row("addcmul", "AddcmulBackward0",
    lambda self, tensor1, tensor2, *, value: self + value * tensor1 * tensor2,
    (lambda grad: grad,
     lambda grad, tensor2, value: grad * _times_scalar(tensor2, value),
     lambda grad, tensor1, value: grad * _times_scalar(tensor1, value)))


@method(inplace=tape.inplace_binary)
def addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Number = 1) -> Tensor:
    """``input + value * tensor1 * tensor2``, broadcasting (AddcmulBackward0)."""
    value = _scalar_arg("addcmul", "value", value)
    return _addc(RULES["addcmul"], input, tensor1, tensor2, value)


_ADDCDIV_OF_INTEGERS = (
    "Integer division with addcdiv is no longer supported, and in a future  release addcdiv "
    "will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can "
    "be implemented as (input + value * autodiff.trunc(tensor1 / tensor2)).to(input.dtype) "
    "for integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The "
    "future addcdiv behavior is just the latter implementation: (input + value * tensor1 / "
    "tensor2), for all dtypes.")


def _scalar_over(number, t):
    """C++'s ``number / t``: a tensor filled with the number, divided by t (DivBackward0)."""
    return tape.constant(jnp.full(t.shape, number, t._array.dtype)) / t


# addcdiv = s + v t1 / t2:  d/dt1 = v / t2, d/dt2 = -v t1 / t2^2
row("addcdiv", "AddcdivBackward0",
    lambda self, tensor1, tensor2, *, value: self + value * tensor1 / tensor2,
    (lambda grad: grad,
     lambda grad, tensor2, value: grad * _scalar_over(value, tensor2),
     lambda grad, tensor1, tensor2, value: -grad * (_times_scalar(tensor1, value)
                                                    / (tensor2 * tensor2))))


@method(inplace=tape.inplace_binary)
def addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Number = 1) -> Tensor:
    """``input + value * tensor1 / tensor2``, broadcasting (AddcdivBackward0)."""
    if not (tensor1.dtype.is_floating_point or tensor2.dtype.is_floating_point):
        raise RuntimeError(_ADDCDIV_OF_INTEGERS)
    value = _scalar_arg("addcdiv", "value", value)
    return _addc(RULES["addcdiv"], input, tensor1, tensor2, value)


def _addc(rule, input, tensor1, tensor2, value):
    """addcmul and addcdiv: the three tensors broadcast and promote; the value follows."""
    broadcast_shapes(input.shape, tensor1.shape, tensor2.shape)
    dt = D.result_type(input, tensor1, tensor2)
    if not dt.is_floating_point:
        value = int(value)                        # torch casts the value to the dtype
    if builtins.any(t.dtype is not dt for t in (input, tensor1, tensor2)):
        rule = _CastRule(rule, dt)
    return apply(rule, input, tensor1, tensor2, value=value)


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


@method(inplace=tape.inplace_binary)
def lerp(input: Tensor, end: Tensor, weight: Tensor | Number) -> Tensor:
    """``input + weight * (end - input)``, computed from the nearer end as torch does;
    ``weight`` a number (LerpBackward0) or a tensor (LerpBackward1)."""
    weight = D.number(weight)                   # (a NumPy scalar: a Python number)
    _check_operands("lerp", (input, end, weight), ("input", "end", "weight"))
    scalar = not isinstance(weight, Tensor)
    checked = [("end", end)] if scalar or weight.ndim == 0 else [("end", end), ("weight", weight)]
    for name, t in checked:                       # no promotion: one dtype (a 0-d weight cast)
        if t.dtype is not input.dtype:
            raise RuntimeError(f"expected dtype {D.long_name(input.dtype)} for `{name}` but got "
                               f"dtype {D.long_name(t.dtype)}")
    broadcast_shapes(input.shape, end.shape, *(() if scalar else (weight.shape,)))
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f'"lerp_kernel_{"scalar" if scalar else "tensor"}" not '
                                  f"implemented for '{D.c_name(input.dtype)}'")
    if scalar:
        return apply(RULES["lerp"], input, end, weight=weight)
    rule = RULES["lerp_tensor"] if weight.dtype is input.dtype else _CastRule(RULES["lerp_tensor"],
                                                                          input.dtype)
    return apply(rule, input, end, weight)


# ... and the ones torch has no derivative for: a NotImplemented node, which fails the
# backward pass that reaches it
row("floor_divide", "NotImplemented", lambda self, other: jnp.floor_divide(self, other),
    (lambda grad: _not_implemented("floor_divide"),
     lambda grad: _not_implemented("floor_divide")))


@method(inplace=tape.inplace_unary)
def floor_divide(input: Tensor, other: Tensor | Number) -> Tensor:
    """Division rounded down (torch has no derivative for it: a NotImplemented node)."""
    return _rounding(RULES["floor_divide"], input, other)


Tensor.__floordiv__, Tensor.__rfloordiv__ = floor_divide, _reflected(floor_divide)


row("remainder", "RemainderBackward1", lambda self, other: jnp.remainder(self, other),
    (lambda grad: grad, lambda grad, self, other: -grad * self.div(other, rounding_mode="floor")))
row("remainder_scalar", "RemainderBackward0", lambda self, *, other: jnp.remainder(self, other),
    lambda grad, other: (grad,))
row("remainder_scalar_self", "NotImplemented",
    lambda other, *, self: jnp.remainder(self, other),
    (lambda grad: _not_implemented("remainder"),))


@method(inplace=tape.inplace_unary)
def remainder(input: Tensor, other: Tensor | Number) -> Tensor:
    """Python's ``%`` elementwise, with the sign of the divisor (RemainderBackward1;
    RemainderBackward0 for a number divisor; a number dividend has no derivative)."""
    input, other = _operands("remainder", input, other)
    if not isinstance(input, Tensor):
        _refuse_booleans("remainder_cpu", input, other)
        _check_divisor(input, other)
        return apply(_in_float(RULES["remainder_scalar_self"], other)
                     if isinstance(input, float) else RULES["remainder_scalar_self"],
                     other, self=input)
    if not isinstance(other, Tensor):
        return _rounding(RULES["remainder_scalar"], input, other, scalar=True)
    return _rounding(RULES["remainder"], input, other)


Tensor.__mod__, Tensor.__rmod__ = remainder, _reflected(remainder)
Tensor.__imod__, Tensor.__ifloordiv__ = Tensor.remainder_, Tensor.floor_divide_   # in place


row("fmod", "FmodBackward1", lambda self, other: jnp.fmod(self, other),
    (lambda grad: grad, lambda grad, self, other: -grad * self.div(other, rounding_mode="trunc")))
row("fmod_scalar", "FmodBackward0", lambda self, *, other: jnp.fmod(self, other),
    lambda grad, other: (grad,))


@method(inplace=tape.inplace_unary)
def fmod(input: Tensor, other: Tensor | Number) -> Tensor:
    """C's ``fmod`` elementwise, with the sign of the dividend (FmodBackward1;
    FmodBackward0 for a number divisor)."""
    input, other = _operands("fmod", input, other)
    if not isinstance(other, Tensor):
        return _rounding(RULES["fmod_scalar"], input, other, scalar=True)
    return _rounding(RULES["fmod"], input, other)


def _rounding(rule, input, other, scalar=False, **attrs):
    """Apply a rounding division's rule (a number divisor as an attribute where the rule
    takes it so): booleans, and integers divided by zero, are torch's errors."""
    input, other = _operands(rule.op, input, other)
    if not attrs.get("float_result"):           # (div's rounding_mode=None divides bools)
        _refuse_booleans(_ROUNDING_KERNELS.get(rule.op.split("_scalar")[0]) or
                         f"div_{attrs['rounding_mode']}_cpu", input, other)
    _check_divisor(input, other)
    if scalar:
        dt = D.result_type(input, other)
        return apply(rule if dt is input.dtype else _CastRule(rule, dt), input, other=other)
    return _binary(rule, input, other, **attrs)


_ROUNDING_KERNELS = {"floor_divide": "div_floor_cpu", "remainder": "remainder_cpu",
                     "fmod": "fmod_cpu"}     # (and div's, named after its rounding mode)


def _refuse_booleans(kernel, input, other):
    """torch's error for a rounding division computed in bool: it has no ``kernel`` for
    it (``remainder(2, bools)`` computes in int64, and is fine)."""
    if D.result_type(input, other) is D.bool_:
        raise _kernel_missing(kernel, D.bool_)


def _check_divisor(input, other):
    if D.result_type(input, other).is_floating_point:
        return
    b = other._value() if isinstance(other, Tensor) else other
    if tape.concrete(b) and bool(jnp.any(jnp.asarray(b) == 0)):
        raise RuntimeError("ZeroDivisionError")


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


@method(inplace=tape.inplace_binary)
def pow(input: Tensor | Number, exponent: Tensor | Number) -> Tensor:
    """``input ** exponent``: PowBackward0 for a number exponent, PowBackward1 for a
    tensor, PowBackward2 for a number base."""
    input, exponent = _operands("pow", input, exponent, ("input", "exponent"))
    if not isinstance(input, Tensor):
        dt = D.result_type(input, exponent)
        rule = RULES["pow_scalar"] if dt is exponent.dtype else _CastRule(RULES["pow_scalar"], dt)
        return apply(rule, exponent, base=input)
    if isinstance(exponent, Tensor):
        return _binary(RULES["pow_tensor"], input, exponent)
    dt = D.result_type(input, exponent)
    if not dt.is_floating_point and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    rule = RULES["pow"] if dt is input.dtype else _CastRule(RULES["pow"], dt)
    return apply(rule, input, exponent=exponent)


Tensor.__pow__, Tensor.__rpow__ = pow, _reflected(pow)
Tensor.__ipow__ = tape.inplace_binary(pow)


@method(inplace=tape.inplace_unary)
def square(input: Tensor) -> Tensor:
    """``input ** 2`` (PowBackward0)."""
    return pow(input, 2)


row("neg", "NegBackward0", lambda self: -self, lambda grad: (-grad,))


@method(inplace=tape.inplace_unary)
def neg(input: Tensor) -> Tensor:
    """``-input`` (NegBackward0)."""
    if input.dtype is D.bool_:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If "
                           "you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")
    return apply(RULES["neg"], input)


Tensor.__neg__ = neg
Tensor.__pos__ = lambda self: self


negative = neg
Tensor.negative, Tensor.negative_ = neg, Tensor.neg_


@method
def float_power(input: Tensor | Number, exponent: Tensor | Number) -> Tensor:
    """``input ** exponent`` in float64, as torch: both converted first (ToCopyBackward0)."""
    input, exponent = _operands("float_power", input, exponent, ("input", "exponent"))
    if isinstance(input, Tensor):
        input = input.to(D.float64)
    if isinstance(exponent, Tensor):
        exponent = exponent.to(D.float64)
    elif not isinstance(exponent, bool):
        exponent = float(exponent)
    return pow(input, exponent)


def _elementwise(name: str, floating: bool) -> Callable[[Tensor], Tensor]:
    """The public function of a one-input row: ``exp(x)`` applies row ``exp``.

    ``floating`` ops compute integer inputs in the default float dtype, as torch does
    (``autodiff.exp(autodiff.tensor([1]))`` is a float32 tensor).
    """
    rule = RULES[name]

    def op(input: Tensor) -> Tensor:
        return apply(_in_float(rule, input) if floating else rule, input)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = (f"``{name}`` of each element (row ``{name}`` of the derivative table, "
                  f"node ``{rule.node}``).")
    return op


# d/dx 1/x = -1/x^2 = -result^2
row("reciprocal", "ReciprocalBackward0", lambda self: 1 / self,
    lambda grad, result: (-grad * (result * result),))
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
row("log1p", "Log1PBackward0", lambda self: jnp.log1p(self),                        # 1/(1 + x)
    lambda grad, self: (grad / _plus_scalar(self, 1),))
row("expm1", "Expm1Backward0", lambda self: jnp.expm1(self),                        # e^x
    lambda grad, result: (grad * _plus_scalar(result, 1),))
# ... whose gradients torch computes with kernels of their own: differentiated again
# (create_graph=True), a gradient goes through their nodes.
#   tanh_backward(g, y) = g (1 - y^2):     d/dg = 1 - y^2,  d/dy = -2 y g
#   sigmoid_backward(g, y) = g (1 - y) y:  d/dg = (1 - y) y, d/dy = g (1 - 2y)
#   threshold_backward(g, x, t) = g where x > t, else 0:  d/dg = the same mask, d/dx = 0
row("tanh_backward", "TanhBackwardBackward0",
    lambda grad_output, output: grad_output * (1 - output * output),
    (lambda grad, output: tape.apply(RULES["tanh_backward"], grad, output),
     lambda grad, grad_output, output: grad * (_times_scalar(output, -2) * grad_output)))
row("tanh", "TanhBackward0", lambda self: jnp.tanh(self),                                               # 1 - tanh^2
    lambda grad, result: (tape.apply(RULES["tanh_backward"], grad, result),))
row("sigmoid_backward", "SigmoidBackwardBackward0",
    lambda grad_output, output: grad_output * (1 - output) * output,
    (lambda grad, output: tape.apply(RULES["sigmoid_backward"], grad, output),
     lambda grad, grad_output, output: grad * grad_output * _plus_scalar(
         _times_scalar(output, -2), 1)))
row("sigmoid", "SigmoidBackward0", lambda self: 1 / (1 + jnp.exp(-self)),           # s (1 - s)
    lambda grad, result: (tape.apply(RULES["sigmoid_backward"], grad, result),))
(exp, log, sqrt, rsqrt, sin, cos, tan, sinh, cosh, asin, acos, atan, log1p, expm1, tanh,
 sigmoid, reciprocal) = (
    _elementwise(name, floating=True)
    for name in ("exp", "log", "sqrt", "rsqrt", "sin", "cos", "tan", "sinh", "cosh", "asin",
                 "acos", "atan", "log1p", "expm1", "tanh", "sigmoid", "reciprocal"))
methods(exp, log, sqrt, rsqrt, sin, cos, tan, sinh, cosh, asin, acos, atan, log1p, expm1,
        tanh, sigmoid, reciprocal, inplace=tape.inplace_unary)


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


@method(inplace=tape.inplace_binary)
def xlogy(input: Tensor | Number, other: Tensor | Number) -> Tensor:
    """``input * log(other)``, 0 where ``input`` is 0 (XlogyBackward0; XlogyBackward1 or 2
    when ``input`` or ``other`` is a number); integers are computed in the default float
    dtype."""
    input, other = _operands("xlogy", input, other)
    if isinstance(input, Tensor) and isinstance(other, Tensor):
        return _binary(RULES["xlogy"], input, other, float_result=True)
    if isinstance(input, Tensor):
        return apply(_in_float(RULES["xlogy_scalar_other"], input), input, other=other)
    if isinstance(other, Tensor):
        return apply(_in_float(RULES["xlogy_scalar_self"], other), other, self=input)
    raise tape.argument_error("xlogy", (input, other), ("input", "other"), 0)


def _in_float(rule, input):
    """``rule``, computing an integer ``input`` in the default float dtype, as torch's
    floating-point functions do."""
    return rule if input._array.dtype.kind == "f" else _CastRule(rule, D.DEFAULT_FLOAT)


def _logit(z):
    return jnp.log(z / (1 - z))


# logit = log(z / (1 - z)), z = x clamped to [eps, 1 - eps]:  d/dx = 1 / (x (1 - x)) in
# that range, 0 outside it (without eps: nan outside [0, 1])
row("logit", "LogitBackward0",
    lambda self, *, eps: _logit(self if eps is None else jnp.clip(self, eps, 1 - eps)),
    lambda grad, self, eps: (_w((self >= (eps or 0)) & (self <= (1 if eps is None else 1 - eps)),
                                grad / (self * _scalar_minus(1, self)),
                                math.nan if eps is None else 0.0),))


@method(inplace=tape.inplace_unary)
def logit(input: Tensor, eps: Optional[float] = None) -> Tensor:
    """``log(p / (1 - p))`` of each element, ``p`` clamped to ``[eps, 1 - eps]`` first if
    ``eps`` is given (LogitBackward0); integers are computed in the default float dtype."""
    return apply(_in_float(RULES["logit"], input), input, eps=eps)


# Elementwise functions.
row("abs", "AbsBackward0", lambda self: jnp.abs(self), lambda grad, self: (grad * self.sgn(),))         # sgn(x)


def _sign(x):
    """torch's sign: -1, 0 or 1, and 0 for nan (jnp.sign gives nan); booleans are their
    own sign."""
    return x if x.dtype == bool else (x > 0).astype(x.dtype) - (x < 0).astype(x.dtype)


row("sign", "SignBackward0", lambda self: _sign(self), lambda grad: (_zeros_like(grad),))               # 0
# sgn is sign for real numbers (torch saves self and result for its complex formula); its
# gradient is torch's efficient ZeroTensor, which the formulas below it skip
row("sgn", "SgnBackward0", lambda self: _sign(self),
    lambda grad, self, result: (tape.zero_tensor(grad.shape, grad._array.dtype),))
row("relu", "ReluBackward0", lambda self: jnp.maximum(self, 0),                     # 1 where x > 0
    lambda grad, result: (tape.apply(RULES["threshold_backward"], grad, result, threshold=0),))
abs, sign, sgn, relu = (_elementwise(name, floating=False)
                        for name in ("abs", "sign", "sgn", "relu"))
methods(abs, sign, sgn, relu, inplace=tape.inplace_unary)
Tensor.__abs__ = abs
absolute = abs
Tensor.absolute, Tensor.absolute_ = abs, Tensor.abs_


# the inverse hyperbolic functions:  asinh: 1/sqrt(x^2 + 1);  acosh: 1/sqrt(x x - 1);
# atanh: 1/(1 - x^2). Their in-place forms torch records with nodes of their own that have
# no derivative (AsinhBackward1...: the backward pass that reaches one fails).
row("asinh", "AsinhBackward0", lambda self: jnp.arcsinh(self),
    lambda grad, self: (grad * _plus_scalar(self.pow(2), 1).rsqrt(),))
row("acosh", "AcoshBackward0", lambda self: jnp.arccosh(self),
    lambda grad, self: (grad * _minus_scalar(self * self, 1).rsqrt(),))
row("atanh", "AtanhBackward0", lambda self: jnp.arctanh(self),
    lambda grad, self: (_times_scalar(grad, 1) / _scalar_minus(1, self.pow(2)),))


def _inplace_not_implemented(name):
    raise NotImplementedError(f"the derivative for 'inplace version of {name}' is not "
                              "implemented.")


def _hyperbolic_inplace(name):
    rule = row(name + "_", name.capitalize() + "Backward1", RULES[name].forward,
               (lambda grad: _inplace_not_implemented(name),))

    def op(self):
        return tape.inplace(self, lambda old: apply(_in_float(rule, old), old))
    op.__name__ = op.__qualname__ = name + "_"
    op.__doc__ = f"In place: writes ``{name}(x)`` into ``x`` (torch has no derivative for it)."
    return op


asinh, acosh, atanh = (_elementwise(name, floating=True) for name in ("asinh", "acosh", "atanh"))
methods(asinh, acosh, atanh)
Tensor.asinh_, Tensor.acosh_, Tensor.atanh_ = (_hyperbolic_inplace(name)
                                               for name in ("asinh", "acosh", "atanh"))
# torch's NumPy-style names
arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh
for _name in ("sin", "cos", "tan", "sinh", "cosh", "tanh"):
    setattr(Tensor, "arc" + _name, getattr(Tensor, "a" + _name))
    setattr(Tensor, "arc" + _name + "_", getattr(Tensor, "a" + _name + "_"))
row("log2", "Log2Backward0", lambda self: jnp.log2(self),                           # 1/(x ln 2)
    lambda grad, self: (grad / _times_scalar(self, math.log(2)),))
row("log10", "Log10Backward0", lambda self: jnp.log10(self),                        # 1/(x ln 10)
    lambda grad, self: (grad / _times_scalar(self, math.log(10)),))
row("exp2", "Exp2Backward0", lambda self: jnp.exp2(self),                           # 2^x ln 2
    lambda grad, result: (_times_scalar(grad * result, math.log(2)),))
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
row("lgamma", "LgammaBackward0",            # (0 at 1 and 2 exactly, as torch's; XLA's is off)
    lambda self: jnp.where((self == 1) | (self == 2), 0, jax.scipy.special.gammaln(self)),
    lambda grad, self: (grad * self.digamma(),))
row("digamma", "DigammaBackward0",        # torch's digamma(0) is -inf (JAX's: nan)
    lambda self: jnp.where(self == 0, -jnp.inf, jax.scipy.special.digamma(self)),
    lambda grad, self: (grad * tape.apply(RULES["polygamma"], self, n=1),))
erf, erfc, erfinv, lgamma, digamma, log2, log10, exp2 = (
    _elementwise(name, floating=True)
    for name in ("erf", "erfc", "erfinv", "lgamma", "digamma", "log2", "log10", "exp2"))
methods(erf, erfc, erfinv, lgamma, digamma, log2, log10, exp2,
        inplace=tape.inplace_unary)


def _sinc_backward(grad, self):
    self_pi, self_squared_pi = _times_scalar(self, math.pi), _times_scalar(self * self, math.pi)
    out = grad * ((self_pi * self_pi.cos() - self_pi.sin()) / self_squared_pi)
    return _w(self_squared_pi == 0, 0.0, out)


# sinc = sin(pi x) / (pi x):  d/dx = (pi x cos(pi x) - sin(pi x)) / (pi x^2)   (0 at 0)
row("sinc", "SincBackward0", lambda self: jnp.sinc(self), lambda grad, self: (_sinc_backward(
    grad, self),))
# degrees and radians: a constant factor
row("deg2rad", "Deg2RadBackward0", lambda self: jnp.deg2rad(self),
    lambda grad: (_times_scalar(grad, math.pi / 180),))
row("rad2deg", "Rad2DegBackward0", lambda self: jnp.rad2deg(self),
    lambda grad: (_times_scalar(grad, 180 / math.pi),))
sinc, deg2rad, rad2deg = (_elementwise(name, floating=True)
                          for name in ("sinc", "deg2rad", "rad2deg"))
methods(sinc, deg2rad, rad2deg, inplace=tape.inplace_unary)
# frac = x - trunc(x): the gradient passes (trunc is a step); nan_to_num replaces the
# non-finite elements: they get none
row("frac", "FracBackward0", lambda self: self - jnp.trunc(self), lambda grad: (grad,))


@method(inplace=tape.inplace_unary)
def frac(input: Tensor) -> Tensor:
    """The fractional part of each element, ``input - trunc(input)`` (FracBackward0)."""
    if not input.dtype.is_floating_point:
        raise _kernel_missing("frac_cpu", input.dtype)
    return apply(RULES["frac"], input)


row("nan_to_num", "NanToNumBackward0",
    lambda self, *, nan, posinf, neginf: jnp.nan_to_num(self, nan=nan, posinf=posinf,
                                                        neginf=neginf),
    lambda grad, self, nan, posinf, neginf: (grad * self.isfinite(),))


@method(inplace=tape.inplace_unary)
def nan_to_num(input: Tensor, nan: float = 0.0, posinf: Optional[float] = None,
               neginf: Optional[float] = None) -> Tensor:
    """NaN, +inf and -inf replaced by ``nan``, ``posinf`` and ``neginf`` (the infinities by
    the dtype's largest and smallest finite values unless given; NanToNumBackward0)."""
    return apply(RULES["nan_to_num"], input, nan=nan, posinf=posinf, neginf=neginf)


def _copysign_self_grad(grad, self, result):
    return grad * (result / self).masked_fill_(self == 0, 0)


# copysign(x, s) = |x| with the sign of s:  d/dx = copysign(x, s) / x (0 where x = 0);
# the sign gets no gradient
row("copysign", "CopysignBackward0", lambda self, other: jnp.copysign(self, other),
    (lambda grad, self, result: _copysign_self_grad(grad, self, result),
     lambda grad, other: _zeros_like(other)))
row("copysign_scalar", "CopysignBackward1", lambda self, *, other: jnp.copysign(self, other),
    lambda grad, self, result, other: (_copysign_self_grad(grad, self, result),))


@method(inplace=tape.inplace_unary)
def copysign(input: Tensor, other: Tensor | Number) -> Tensor:
    """The magnitude of ``input`` with the sign of ``other`` (CopysignBackward0;
    CopysignBackward1 for a number); integers are computed in the default float dtype."""
    input, other = _operands("copysign", input, other)
    if not isinstance(other, Tensor):
        return apply(_in_float(RULES["copysign_scalar"], input), input, other=other)
    return _binary(RULES["copysign"], input, other, float_result=True)


@method
def diff(input: Tensor, n: int = 1, dim: int = -1, prepend: Optional[Tensor] = None,
         append: Optional[Tensor] = None) -> Tensor:
    """The ``n``-th forward difference along ``dim`` (``prepend``/``append`` joined on
    first), as torch composes it: a slice minus a slice (SubBackward0), ``n`` times;
    booleans differ by ``!=``."""
    if input.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    d = tape.wrap_dim(dim, input.ndim)
    if prepend is not None or append is not None:
        input = cat([t for t in (prepend, input, append) if t is not None], d)
    if n == 0:                                   # a copy, as torch's (CopyBackwards)
        return zeros_like(input).copy_(input)
    for _ in range(n):
        size = input.shape[d]
        later = narrow(input, d, 1, builtins.max(size - 1, 0))
        earlier = narrow(input, d, 0, builtins.max(size - 1, 0))
        input = ne(later, earlier) if input.dtype is D.bool_ else sub(later, earlier)
    return input


row("polygamma", "PolygammaBackward0", lambda self, *, n: jax.scipy.special.polygamma(n, self),
    lambda grad, self, n: (grad * tape.apply(RULES["polygamma"], self, n=n + 1),))


def polygamma(n: int, input: Tensor) -> Tensor:
    """The ``n``-th derivative of the digamma function (PolygammaBackward0)."""
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    return apply(_in_float(RULES["polygamma"], input), input, n=n)


Tensor.polygamma = lambda self, n: polygamma(n, self)     # x.polygamma(n): n comes first
# in place, torch records its other overload's node
alias_row("polygamma_", "PolygammaBackward1", of="polygamma")


def _polygamma_(self: Tensor, n: int) -> Tensor:
    """In place: ``x`` takes ``polygamma(n, x)`` (PolygammaBackward1)."""
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    return tape.inplace(self, lambda old: apply(_in_float(RULES["polygamma_"], old), old, n=n))


Tensor.polygamma_ = _polygamma_


def _mvlgamma(x, p):
    steps = jnp.arange(-p / 2 + 0.5, 0.5, 0.5, dtype=x.dtype)
    return (jax.scipy.special.gammaln(x[..., None] + steps).sum(-1) +
            p * (p - 1) / 4 * math.log(math.pi)).astype(x.dtype)


# the multivariate log-gamma: log Gamma_p(x) = p(p-1)/4 log(pi) + sum_i lgamma(x - i/2),
# i < p:  d/dx = sum_i digamma(x - i/2)
row("mvlgamma", "MvlgammaBackward0", lambda self, *, p: _mvlgamma(self, p),
    lambda grad, self, p: (grad * (tape.constant(jnp.arange(
        -p / 2 + 0.5, 0.5, 0.5, dtype=self._array.dtype)) + self.unsqueeze(-1)).digamma().sum(-1),))


@method(inplace=tape.inplace_unary)
def mvlgamma(input: Tensor, p: int) -> Tensor:
    """The multivariate log-gamma function of dimension ``p``, elementwise
    (MvlgammaBackward0).

    >>> import autodiff
    >>> autodiff.mvlgamma(autodiff.tensor([2.0, 3.0]), 2)
    tensor([0.4516, 1.5502])
    """
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    return apply(_in_float(RULES["mvlgamma"], input), input, p=p)


def _igamma_input(name):
    raise NotImplementedError(f"the derivative for '{name}: input' is not implemented.")


def _gamma_density(self, other):
    """other^(self - 1) e^-other / Gamma(self): d/dother of the regularized gammas."""
    return (_minus_scalar(self, 1) * other.log() - other - self.lgamma()).exp()


# the regularized lower and upper incomplete gamma functions P(a, x), Q(a, x):
# d/dx P = x^(a-1) e^-x / Gamma(a) = -d/dx Q (torch has no derivative in a)
row("igamma", "IgammaBackward0", lambda self, other: jax.scipy.special.gammainc(self, other),
    (lambda grad: _igamma_input("igamma"),
     lambda grad, self, other: grad * _gamma_density(self, other)))
row("igammac", "IgammacBackward0",
    lambda self, other: jax.scipy.special.gammaincc(self, other),
    (lambda grad: _igamma_input("igammac"),
     lambda grad, self, other: -grad * _gamma_density(self, other)))


def _incomplete_gamma(name: str) -> Callable[[Tensor, Tensor], Tensor]:
    def op(input: Tensor, other: Tensor) -> Tensor:
        _tensor_arg(name, "other", 2, other)
        dt = D.result_type(input, other)
        if not dt.is_floating_point:
            raise _kernel_missing(f"{name}_cpu", dt)
        return _binary(RULES[name], input, other)
    op.__name__ = op.__qualname__ = name
    return op


igamma = _incomplete_gamma("igamma")
igamma.__doc__ = """The regularized lower incomplete gamma function ``P(input, other)``,
elementwise (IgammaBackward0: a gradient for ``other`` only, as torch's).

>>> import autodiff
>>> autodiff.igamma(autodiff.tensor([1.0, 2.0]), autodiff.tensor([1.0, 3.0]))
tensor([0.6321, 0.8009])
"""
igammac = _incomplete_gamma("igammac")
igammac.__doc__ = """The regularized upper incomplete gamma function ``Q(input, other) =
1 - P(input, other)``, elementwise (IgammacBackward0: a gradient for ``other`` only).

>>> import autodiff
>>> autodiff.igammac(autodiff.tensor([1.0, 2.0]), autodiff.tensor([0.5, 3.0]))
tensor([0.6065, 0.1991])
"""
methods(igamma, igammac, inplace=tape.inplace_binary)


# nextafter(x, y): the next float after x towards y; torch passes the gradient to x as if
# the identity (0 where x = y, where it stays), none to y
row("nextafter", "NextafterBackward0", lambda self, other: jnp.nextafter(self, other),
    (lambda grad, self, other: _w(self != other, grad, 0.0), lambda grad: _zeros_like(grad)))


@method(inplace=tape.inplace_binary)
def nextafter(input: Tensor, other: Tensor) -> Tensor:
    """The next floating-point number after ``input`` towards ``other``, elementwise
    (NextafterBackward0).

    >>> import autodiff
    >>> autodiff.nextafter(autodiff.tensor([1.0]), autodiff.tensor([2.0])) - 1
    tensor([1.1921e-07])
    """
    _tensor_arg("nextafter", "other", 2, other)
    dt = D.result_type(input, other)
    if not dt.is_floating_point:
        raise _kernel_missing("nextafter_cpu", dt)
    return _binary(RULES["nextafter"], input, other)


# angle of a real number: pi below 0, else 0 (nan stays); flat, so zero gradients
row("angle", "AngleBackward0",
    lambda self: jnp.where(jnp.isnan(self), self, jnp.where(self < 0, math.pi, 0)
                           ).astype(self.dtype),
    lambda grad: (_zeros_like(grad),))


@method
def angle(input: Tensor) -> Tensor:
    """The argument of each element as a complex number: of a real one, ``pi`` if negative,
    else 0 (AngleBackward0, zero gradients); integers in the default float dtype.

    >>> import autodiff
    >>> autodiff.tensor([-1.0, 0.0, 2.0]).angle()
    tensor([3.1416, 0.0000, 0.0000])
    """
    return apply(_in_float(RULES["angle"], input), input)


# i0, the modified Bessel function of the first kind of order 0:  d/dx i0 = i1;
# d/dx i1 = i0(x) - i1(x)/x, 1/2 at 0 (torch's i1_backward, with its guard near 0)
def _i1_backward(grad, self, result):
    eps = float(jnp.finfo(self._array.dtype).eps)
    not_tiny = self.abs() > eps
    safe = _w(not_tiny, self, eps)
    return grad * _w(not_tiny, safe.i0() - result * safe.reciprocal(), 0.5)


row("special_i1", "SpecialI1Backward0", lambda self: jax.scipy.special.i1(self),
    lambda grad, self, result: (_i1_backward(grad, self, result),))
row("i0", "I0Backward0", lambda self: jax.scipy.special.i0(self),
    lambda grad, self: (grad * apply(RULES["special_i1"], self),))


@method(inplace=tape.inplace_unary)
def i0(input: Tensor) -> Tensor:
    """The modified Bessel function of the first kind of order 0, elementwise
    (I0Backward0); integers in the default float dtype.

    >>> import autodiff
    >>> autodiff.i0(autodiff.tensor([0.0, 1.0]))
    tensor([1.0000, 1.2661])
    """
    return apply(_in_float(RULES["i0"], input), input)


def _float_power_(self: Tensor, exponent: Tensor | Number) -> Tensor:
    """In place: ``self`` (float64) takes ``self ** exponent`` (PowBackward0/1)."""
    self, exponent = _operands("float_power_", self, exponent, ("input", "exponent"))
    if self.dtype is not D.float64:
        raise RuntimeError(f"the base given to float_power_ has dtype {D.c_name(self.dtype)} "
                           "but the operation's result requires dtype Double")
    return tape.inplace(self, lambda old: float_power(old, exponent))


Tensor.float_power_ = _float_power_


row("clamp", "ClampBackward1", lambda self, *, min=None, max=None: jnp.clip(self, min, max),
    lambda grad, self, min=None, max=None: (                                         # 1 inside
        _w((self >= (-math.inf if min is None else min)) &
           (self <= (math.inf if max is None else max)), grad, 0.0),))


@method
def clamp(input: Tensor, min: Tensor | Number | None = None,
          max: Tensor | Number | None = None) -> Tensor:
    """Each element limited to ``[min, max]``: numbers (ClampBackward1: the gradient flows
    inside the range) or tensors, broadcast (ClampBackward0: a bound gets the gradient
    where it binds)."""
    if min is None and max is None:
        raise RuntimeError("clamp: At least one of 'min' or 'max' must not be None")
    return _clamp(input, min, max, RULES["clamp"], {"min": min, "max": max})


row("clamp_min", "ClampMinBackward0", lambda self, *, min: jnp.maximum(self, min),
    lambda grad, self, min: (_w(self >= min, grad, 0.0),))                          # 1 above


@method
def clamp_min(input: Tensor, min: Tensor | Number) -> Tensor:
    """``clamp(input, min=min)``; for a number, node ClampMinBackward0."""
    return _clamp(input, min, None, RULES["clamp_min"], {"min": min})


row("clamp_max", "ClampMaxBackward0", lambda self, *, max: jnp.minimum(self, max),
    lambda grad, self, max: (_w(self <= max, grad, 0.0),))                          # 1 below


@method
def clamp_max(input: Tensor, max: Tensor | Number) -> Tensor:
    """``clamp(input, max=max)``; for a number, node ClampMaxBackward0."""
    return _clamp(input, None, max, RULES["clamp_max"], {"max": max})


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


# with tensor bounds, the one that binds gets the gradient (max wins where min > max)
row("clamp_tensor", "ClampBackward0", lambda self, min, max: jnp.clip(self, min, max),
    lambda grad, self, min, max: _clamp_backward(grad, self, min, max))


def _clamp(input, min, max, number_rule, attrs):
    min, max = D.number(min), D.number(max)
    attrs = {k: D.number(v) for k, v in attrs.items()}
    bounds = [b for b in (min, max) if b is not None]
    dt = D.result_type(input, *bounds)                 # an int tensor clamped to 0.5: float
    rule: Rule | _CastRule
    inputs: tuple[Tensor, ...]
    if builtins.any(isinstance(b, Tensor) for b in bounds):
        min, max = (b if b is None or isinstance(b, Tensor) else tensor(b) for b in (min, max))
        broadcast_shapes(input.shape, *(b.shape for b in (min, max) if b is not None))
        rule, inputs, attrs = RULES["clamp_tensor"], (input, min, max), {}
    else:
        rule, inputs = number_rule, (input,)
    if builtins.any(isinstance(x, Tensor) and x.dtype is not dt for x in inputs):
        rule = _CastRule(rule, dt)
    return apply(rule, *inputs, **attrs)


clip = clamp
Tensor.clip = clamp


def _clamp_inplace(clamp_fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    def op(input, *bounds, **named):
        given = [b for b in (*bounds, *named.values()) if b is not None]
        if given and not builtins.any(isinstance(b, Tensor) for b in given):
            dt = D.result_type(input, *given)        # torch's scalar overload words its
            if not D.can_cast(dt, input.dtype):      # cast check with C type names
                raise RuntimeError(f"result type {D.c_name(dt)} can't be cast to the "
                                   f"desired output type {D.long_name(input.dtype)}")
        return tape.inplace(input, lambda old: clamp_fn(old, *bounds, **named))
    op.__name__ = clamp_fn.__name__ + "_"
    op.__doc__ = f"``{clamp_fn.__name__}`` in place."
    return op


clamp_, clamp_min_, clamp_max_ = (_clamp_inplace(f) for f in (clamp, clamp_min, clamp_max))
methods(clamp_, clamp_min_, clamp_max_)
Tensor.clip_ = clamp_


def _of_two_tensors(name: str, doc: str,
                    float_result: bool = False) -> Callable[[Tensor, Tensor], Tensor]:
    """The public function of a two-input row that takes tensors only (torch's TypeError
    for a number); ``float_result``: integers give the default float dtype."""
    rule = RULES[name]

    def op(input: Tensor, other: Tensor) -> Tensor:
        _tensor_arg(name, "other", 2, other)
        return _binary(rule, input, other, float_result)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return op


def _half_on_ties(grad, self, other):
    return _w(self == other, _over_scalar(grad, 2), grad)


# max/min of two tensors: the gradient goes to the larger (smaller); split evenly on ties
# (a NaN compares false both ways, so both sides get the whole gradient, as in torch)
row("maximum", "MaximumBackward0", lambda self, other: jnp.maximum(self, other),
    (lambda grad, self, other: _half_on_ties(grad, self, other).masked_fill_(self < other, 0),
     lambda grad, self, other: _half_on_ties(grad, self, other).masked_fill_(self > other, 0)))
maximum = _of_two_tensors("maximum", "The elementwise maximum of two tensors "
                          "(MaximumBackward0; ties split the gradient).")
methods(maximum)
row("minimum", "MinimumBackward0", lambda self, other: jnp.minimum(self, other),
    (lambda grad, self, other: _half_on_ties(grad, self, other).masked_fill_(self > other, 0),
     lambda grad, self, other: _half_on_ties(grad, self, other).masked_fill_(self < other, 0)))
minimum = _of_two_tensors("minimum", "The elementwise minimum of two tensors "
                          "(MinimumBackward0; ties split the gradient).")
methods(minimum)


def _self_taken(better, other):
    return better.logical_or(other.isnan())


# fmax/fmin: maximum/minimum that skip a NaN; the gradient goes to the one taken (self on
# ties), through torch's masks
row("fmax", "FmaxBackward0", lambda self, other: jnp.fmax(self, other),
    (lambda grad, self, other: grad.masked_fill(_self_taken(self >= other, other).logical_not(), 0),
     lambda grad, self, other: grad.masked_fill(_self_taken(self >= other, other), 0)))
fmax = _of_two_tensors("fmax", "The elementwise maximum, where a NaN loses to a number "
                       "(FmaxBackward0).")
methods(fmax)
row("fmin", "FminBackward0", lambda self, other: jnp.fmin(self, other),
    (lambda grad, self, other: grad.masked_fill(_self_taken(self <= other, other).logical_not(), 0),
     lambda grad, self, other: grad.masked_fill(_self_taken(self <= other, other), 0)))
fmin = _of_two_tensors("fmin", "The elementwise minimum, where a NaN loses to a number "
                       "(FminBackward0).")
methods(fmin)
# ldexp(x, n) = x 2^n:  d/dx = 2^n,  d/dn = x 2^n log 2
row("ldexp", "LdexpBackward0", lambda self, other: self * jnp.exp2(other),
    (lambda grad, other: grad * 2 ** other,
     lambda grad, result: _times_scalar(grad * result, math.log(2))))
ldexp = _of_two_tensors("ldexp", """``input * 2 ** other`` (LdexpBackward0; integers give
    the default float dtype).

    >>> import autodiff
    >>> autodiff.ldexp(autodiff.tensor([1.0, 3.0]), autodiff.tensor([2, -1]))
    tensor([4.0000, 1.5000])
    """, float_result=True)
methods(ldexp, inplace=tape.inplace_unary)


def _inverse_square_radius(y, x):
    square = y * y + x * x
    return square.reciprocal().masked_fill(square == 0, 0)


# atan2(y, x):  d/dy = x / (x^2 + y^2),  d/dx = -y / (x^2 + y^2)   (0 where x^2 + y^2 = 0)
row("atan2", "Atan2Backward0", lambda self, other: jnp.arctan2(self, other),
    (lambda grad, self, other: grad * other * _inverse_square_radius(self, other),
     lambda grad, self, other: grad * -self * _inverse_square_radius(self, other)))


@method(inplace=tape.inplace_unary)
def atan2(input: Tensor, other: Tensor) -> Tensor:
    """The angle of the point (``other``, ``input``), elementwise (Atan2Backward0);
    integers are computed in the default float dtype."""
    _tensor_arg("atan2", "other", 2, other)
    return _binary(RULES["atan2"], input, other, float_result=True)
arctan2 = atan2
Tensor.arctan2 = atan2
Tensor.arctan2_ = Tensor.atan2_


# hypot = sqrt(x^2 + y^2):  d/dx = x / hypot,  d/dy = y / hypot
row("hypot", "HypotBackward0", lambda self, other: jnp.hypot(self, other),
    (lambda grad, self, result: grad * self / result,
     lambda grad, other, result: grad * other / result))


@method(inplace=tape.inplace_unary)
def hypot(input: Tensor, other: Tensor) -> Tensor:
    """``sqrt(input**2 + other**2)``, elementwise (HypotBackward0)."""
    return _float_binary("hypot", input, other)


# logaddexp = log(e^x + e^y):  d/dx = 1 / (1 + e^(y - x)),  d/dy = 1 / (1 + e^(x - y))
row("logaddexp", "LogaddexpBackward0", lambda self, other: jnp.logaddexp(self, other),
    (lambda grad, self, other: grad / _plus_scalar((other - self).exp(), 1),
     lambda grad, self, other: grad / _plus_scalar((self - other).exp(), 1)))


@method
def logaddexp(input: Tensor, other: Tensor) -> Tensor:
    """``log(exp(input) + exp(other))``, computed stably (LogaddexpBackward0)."""
    return _float_binary("logaddexp", input, other)


# log2(2^x + 2^y): d/dx = 1 / (1 + 2^(y - x))
row("logaddexp2", "Logaddexp2Backward0", lambda self, other: jnp.logaddexp2(self, other),
    (lambda grad, self, other: grad / _plus_scalar(2 ** (other - self), 1),
     lambda grad, self, other: grad / _plus_scalar(2 ** (self - other), 1)))


@method
def logaddexp2(input: Tensor, other: Tensor) -> Tensor:
    """``log2(2**input + 2**other)``, computed stably (Logaddexp2Backward0)."""
    return _float_binary("logaddexp2", input, other)


def _float_binary(name, input, other):
    """A binary op whose kernels exist for floats only (two integer tensors: torch's
    error)."""
    _tensor_arg(name, "other", 2, other)
    if not (input.dtype.is_floating_point or other.dtype.is_floating_point):
        raise _kernel_missing(f"{name}_cpu", D.result_type(input, other))
    return _binary(RULES[name], input, other)


# where(c, a, b): the gradient goes to a where c holds, to b elsewhere
_where = jax.jit(jnp.where)     # (a row with a tensor attribute compiles its own kernel)
row("where", "WhereBackward0",
    lambda self, other, *, condition: _where(condition._value(), self, other),
    (lambda grad, condition: _w(condition, grad, 0.0),
     lambda grad, condition: _w(condition, 0.0, grad)),
    tensor_attrs=("condition",))


def where(condition: Tensor, input: Tensor | Number, other: Tensor | Number) -> Tensor:
    """Elements of ``input`` where ``condition`` holds, else of ``other``."""
    input, other = D.number(input), D.number(other)        # (NumPy scalars too)
    _check_operands("where", (condition, input, other), ("condition", "input", "other"))
    a_t, b_t = isinstance(input, Tensor), isinstance(other, Tensor)
    dt = D.result_type(input, other)
    shapes = [s for s in (condition.shape, getattr(input, "shape", ()),
                          getattr(other, "shape", ()))]
    broadcast_shapes(*shapes)
    rule = RULES["where"] if (not a_t or input.dtype is dt) and (not b_t or other.dtype is dt) \
        else _CastRule(RULES["where"], dt)
    if not a_t and not b_t:
        return make_tensor(jnp.where(condition._value(), input, other)  # type: ignore[arg-type]
                           .astype(dt.np))
    return apply(rule, input, other, condition=condition)


Tensor.where = lambda self, condition, other: where(condition, self, other)


@method
def positive(input: Tensor) -> Tensor:
    """``input`` itself (torch's unary ``+``), refused for booleans."""
    if input.dtype == D.bool_:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


def _to_whole(name: str) -> Callable[[Tensor], Tensor]:
    """floor, ceil, trunc: each float rounded (a row whose gradient is zeros); integers
    are whole already (a copy, as torch)."""
    rule = RULES[name]

    def op(input: Tensor) -> Tensor:
        if input._array.dtype.kind != "f":
            return make_tensor(input._value())
        return apply(rule, input)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"``{name}`` of each element ({rule.node}: its gradient is zeros)."
    return op


row("ceil", "CeilBackward0", lambda self: jnp.ceil(self), lambda grad: (_zeros_like(grad),))
floor, ceil, trunc = (_to_whole(name) for name in ("floor", "ceil", "trunc"))
methods(floor, ceil, trunc, inplace=tape.inplace_unary)
fix = trunc                                                 # torch's other name for trunc
Tensor.fix, Tensor.fix_ = trunc, Tensor.trunc_
row("round", "RoundBackward0", lambda self: jnp.round(self), lambda grad: (_zeros_like(grad),))


def _round_decimals(x, decimals):
    """torch's kernel: scaled by 10 ** |decimals| (in x's dtype), rounded, scaled back --
    multiplied first for decimals > 0, divided first for decimals < 0."""
    scale = jnp.asarray(10.0 ** builtins.abs(decimals), x.dtype)
    if decimals < 0:
        return jnp.round(_true_divide(x, scale)) * scale
    return _true_divide(jnp.round(x * scale), scale)


row("round_decimals", "RoundBackward1",
    lambda self, *, decimals: _round_decimals(self, decimals),
    lambda grad, decimals: (_zeros_like(grad),))


@method(inplace=tape.inplace_unary)
def round(input: Tensor, *, decimals: int = 0) -> Tensor:
    """Each element rounded to ``decimals`` places, halves to even (RoundBackward0, or
    RoundBackward1 with ``decimals``: gradients of zeros).

    >>> import autodiff
    >>> autodiff.tensor([0.5, 1.5, 2.5]).round()
    tensor([0., 2., 2.])
    """
    if input._array.dtype.kind != "f":
        return make_tensor(input._value())
    if decimals:
        return apply(RULES["round_decimals"], input, decimals=decimals)
    return apply(RULES["round"], input)


row("heaviside", "NotImplemented",
    lambda self, values: jnp.where(self == 0, values, (self > 0).astype(self.dtype)),
    (lambda grad: _not_implemented("heaviside"), lambda grad: _not_implemented("heaviside")))


@method(inplace=tape.inplace_unary)
def heaviside(input: Tensor, values: Tensor) -> Tensor:
    """The step function: 0 where ``input`` is negative, 1 where positive, ``values``
    where it is 0 (torch has no derivative: a NotImplemented node).

    >>> import autodiff
    >>> autodiff.heaviside(autodiff.tensor([-1.5, 0.0, 2.0]), autodiff.tensor([0.5]))
    tensor([0.0000, 0.5000, 1.0000])
    """
    _tensor_arg("heaviside", "values", 2, values)
    if values.dtype is not input.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different "
                           "dtypes.")
    return _binary(RULES["heaviside"], input, values)


if not TYPE_CHECKING:         # (see exported: a type checker reads every public name)
    __all__ = exported(globals())
