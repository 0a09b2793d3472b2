"""Comparisons, logical and bitwise ops, and the ``is*`` tests: bool (or integer)
results, never recorded."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

import jax
import jax.numpy as jnp

from .. import dtypes as D, tape
from ..dtypes import Number
from ..tape import Tensor, apply, make_tensor, row
from ._common import _arr_cast, _broadcast_shapes, _zeros_like, exported, method, methods


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


# In place, x.eq_(y): x takes the comparison's ones and zeros, in its own dtype. torch
# records these (EqBackward0 with a number, EqBackward1 with a tensor), zero gradients.
def _compare_inplace(fn, name, node):
    by_number = row(name + "_", node + "Backward0",
                    lambda self, *, other: fn(self, other).astype(self.dtype),
                    (lambda grad: _zeros_like(grad),))
    by_tensor = row(name + "_tensor_", node + "Backward1",
                    lambda self, other: fn(self, other).astype(self.dtype),
                    (lambda grad: _zeros_like(grad), lambda grad: _zeros_like(grad)))

    def compare_(self, other):
        if isinstance(other, Tensor):
            _broadcast_shapes(self.shape, other.shape)
            return tape.inplace(self, lambda old: apply(by_tensor, old, other))
        return tape.inplace(self, lambda old: apply(by_number, old, other=other))
    compare_.__name__ = compare_.__qualname__ = name + "_"
    compare_.__doc__ = (f"In place: ``x`` takes ``{name}(x, other)`` as ones and zeros "
                        f"({node}Backward0/1, zero gradients).")
    return compare_


for _fn, _name, _node, _aliases in (
        (jnp.equal, "eq", "Eq", ()), (jnp.not_equal, "ne", "Ne", ("not_equal",)),
        (jnp.less, "lt", "Lt", ("less",)), (jnp.less_equal, "le", "Le", ("less_equal",)),
        (jnp.greater, "gt", "Gt", ("greater",)),
        (jnp.greater_equal, "ge", "Ge", ("greater_equal",))):
    _method = _compare_inplace(_fn, _name, _node)
    for _alias in (_name, *_aliases):
        setattr(Tensor, _alias + "_", _method)


def is_nonzero(input):
    """Whether the one element of ``input`` is not zero (torch's errors for more or none)."""
    return input.is_nonzero()


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
