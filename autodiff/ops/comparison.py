"""Comparisons, logical and bitwise ops, and the ``is*`` tests: bool (or integer)
results, never recorded."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

import jax
import jax.numpy as jnp

from .. import dtypes as D, tape
from ..dtypes import Number
from ..tape import Tensor, make_tensor
from ._common import _arr_cast, _broadcast_shapes, exported, method, methods


# Comparisons and logical ops: bool results, never recorded.
# These ops record nothing, so they call their kernels directly: compiled once per shape
# and dtype (a number operand is an argument of the kernel, not a constant in it).

def _compare(fn: Callable, name: str) -> Callable[[Tensor, Tensor | Number], Tensor]:
    kernel = jax.jit(fn)

    def compare(input: Tensor, other: Tensor | Number) -> Tensor:
        a = input._value() if isinstance(input, Tensor) else input
        b = other._value() if isinstance(other, Tensor) else other
        if isinstance(input, Tensor) and isinstance(other, Tensor):
            _broadcast_shapes(input.shape, other.shape)
            dt = D.result_type(input, other)
            a, b = _arr_cast(a, dt), _arr_cast(b, dt)
        return make_tensor(kernel(a, b))
    compare.__name__ = compare.__qualname__ = name
    compare.__doc__ = (f"Elementwise ``{fn.__name__}`` of two tensors or a tensor and a number: "
                       "a bool tensor, broadcasting, never recorded.")
    return compare


eq, ne, lt, le, gt, ge = (_compare(f, name) for f, name in (
    (jnp.equal, "eq"), (jnp.not_equal, "ne"), (jnp.less, "lt"), (jnp.less_equal, "le"),
    (jnp.greater, "gt"), (jnp.greater_equal, "ge")))
# torch's NumPy-style names: the same comparisons, under their own names
greater, less, greater_equal, less_equal, not_equal = (_compare(f, f.__name__) for f in (
    jnp.greater, jnp.less, jnp.greater_equal, jnp.less_equal, jnp.not_equal))
methods(eq, ne, lt, le, gt, ge, greater, less, greater_equal, less_equal, not_equal)
(Tensor.__eq__, Tensor.__ne__, Tensor.__lt__, Tensor.__le__, Tensor.__gt__,
 Tensor.__ge__) = eq, ne, lt, le, gt, ge
logical_and, logical_or, logical_xor = (_compare(f, f.__name__) for f in (  # type: ignore[attr-defined]
    jnp.logical_and, jnp.logical_or, jnp.logical_xor))
methods(logical_and, logical_or, logical_xor)


def _bitwise(fn: Callable) -> Callable[[Tensor, Tensor | Number], Tensor]:
    kernel = jax.jit(fn)

    def op(input: Tensor, other: Tensor | Number) -> Tensor:
        a = input._value() if isinstance(input, Tensor) else input
        b = other._value() if isinstance(other, Tensor) else other
        return make_tensor(kernel(a, b))
    op.__name__ = op.__qualname__ = fn.__name__
    op.__doc__ = f"Elementwise ``{fn.__name__}`` of integer or bool tensors (never recorded)."
    return op


bitwise_and, bitwise_or, bitwise_xor = (_bitwise(f) for f in (jnp.bitwise_and, jnp.bitwise_or,
                                                               jnp.bitwise_xor))
Tensor.__and__, Tensor.__or__, Tensor.__xor__ = bitwise_and, bitwise_or, bitwise_xor
methods(bitwise_and, bitwise_or, bitwise_xor, inplace=tape.inplace_binary)


@method
def logical_not(input: Tensor) -> Tensor:
    """Elementwise logical not (a bool tensor)."""
    return make_tensor(jnp.logical_not(input._value()))


def bitwise_not(input: Tensor) -> Tensor:
    """Elementwise bitwise not (``~``) of an integer or bool tensor (never recorded)."""
    return make_tensor(jnp.invert(input._value()))


Tensor.__invert__ = bitwise_not
methods(bitwise_not, inplace=tape.inplace_unary)


@method
def equal(input: Tensor, other: Tensor) -> bool:
    """Whether two tensors have the same shape and elements (a Python bool)."""
    return input.shape == other.shape and bool(jnp.all(input._value() == other._value()))


@method
def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    """Whether ``input`` and ``other`` agree elementwise within ``atol + rtol * |other|``."""
    return bool(jnp.allclose(input._value(), other._value(), rtol, atol, equal_nan))


@method
def isclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:
    """Elementwise: whether ``input`` and ``other`` agree within ``atol + rtol * |other|``."""
    return make_tensor(jnp.isclose(input._value(), other._value(), rtol, atol, equal_nan))


@method
def isnan(input: Tensor) -> Tensor:
    """Elementwise: whether each element is NaN."""
    return make_tensor(jnp.isnan(input._value()))


@method
def isinf(input: Tensor) -> Tensor:
    """Elementwise: whether each element is infinite."""
    return make_tensor(jnp.isinf(input._value()))


@method
def signbit(input: Tensor) -> Tensor:
    """Elementwise: whether the sign bit is set (true for -0.0)."""
    return make_tensor(jnp.signbit(input._value()))


@method
def isposinf(input: Tensor) -> Tensor:
    """Elementwise: whether each element is +inf."""
    return make_tensor(jnp.isposinf(input._value()))


@method
def isneginf(input: Tensor) -> Tensor:
    """Elementwise: whether each element is -inf."""
    return make_tensor(jnp.isneginf(input._value()))


@method
def isfinite(input: Tensor) -> Tensor:
    """Elementwise: whether each element is finite."""
    return make_tensor(jnp.isfinite(input._value()))


if not TYPE_CHECKING:         # (see exported: a type checker reads every public name)
    __all__ = exported(globals())
