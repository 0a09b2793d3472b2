"""Comparisons, logical and bitwise ops, and the ``is*`` tests: bool (or integer)
results, never recorded."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

import jax
import jax.numpy as jnp
import numpy as np

from .. import dtypes as D, tape
from ..dtypes import Number
from ..tape import Tensor, apply, make_tensor, row
from ._common import (_arr_cast, _broadcast_shapes, _operands, _tensor_arg, _zeros_like,
                      exported, method, methods)
from .creation import tensor


# Comparisons and logical ops: bool results, never recorded.
# These ops record nothing, so they call their kernels directly: compiled once per shape
# and dtype (a number operand is an argument of the kernel, not a constant in it).

def _compare(fn: Callable, name: str) -> Callable[[Tensor, Tensor | Number], Tensor]:
    kernel = jax.jit(fn)

    def compare(input: Tensor, other: Tensor | Number) -> Tensor:
        input, other = _operands(name, input, other)
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
Tensor.__ne__, Tensor.__lt__, Tensor.__le__, Tensor.__gt__, Tensor.__ge__ = ne, lt, le, gt, ge


def _equals(input: Tensor, other: Tensor | Number) -> Tensor:
    """``input == other``: torch's ``==`` takes a NumPy array for the tensor of its
    numbers (its ``!=`` and ``eq()`` do not)."""
    return eq(input, tensor(other) if isinstance(other, np.ndarray) else other)


Tensor.__eq__ = _equals


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
        self, other = _operands(name + "_", self, other)
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
    setattr(Tensor, _name + "_", _method)
    for _alias in _aliases:
        setattr(Tensor, _alias + "_", tape.speaking_as(_method, _alias + "_"))


def is_nonzero(input):
    """Whether the one element of ``input`` is not zero (torch's errors for more or none)."""
    return input.is_nonzero()


logical_and, logical_or, logical_xor = (_compare(f, f.__name__) for f in (  # type: ignore[attr-defined]
    jnp.logical_and, jnp.logical_or, jnp.logical_xor))
methods(logical_and, logical_or, logical_xor)


def _bitwise(fn: Callable) -> Callable[[Tensor, Tensor | Number], Tensor]:
    kernel = jax.jit(fn)

    def op(input: Tensor, other: Tensor | Number) -> Tensor:
        input, other = _operands(fn.__name__, input, other)
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


# x &= m, x |= m, x ^= m write in place, as torch's; True & x swaps back
Tensor.__iand__, Tensor.__ior__, Tensor.__ixor__ = (
    Tensor.bitwise_and_, Tensor.bitwise_or_, Tensor.bitwise_xor_)
Tensor.__rand__, Tensor.__ror__, Tensor.__rxor__ = (
    bitwise_and, bitwise_or, bitwise_xor)


def _integer_op(fn: Callable, name: str, kernel_name: str
                ) -> Callable[[Tensor | Number, Tensor | Number], Tensor]:
    """An elementwise op of integer tensors (never recorded), with torch's promotion and
    its error for a float or bool operand."""
    kernel = jax.jit(fn)

    def op(input: Tensor | Number, other: Tensor | Number) -> Tensor:
        input, other = _operands(name, input, other)
        dt = D.result_type(input, other)
        if dt.is_floating_point or dt is D.bool_:
            raise NotImplementedError(f"\"{kernel_name}_cpu\" not implemented for "
                                      f"'{D.c_name(dt)}'")
        if isinstance(input, Tensor) and isinstance(other, Tensor):
            _broadcast_shapes(input.shape, other.shape)
        a = input._value() if isinstance(input, Tensor) else input
        b = other._value() if isinstance(other, Tensor) else other
        return make_tensor(kernel(jnp.asarray(a, dt.np), jnp.asarray(b, dt.np)))
    op.__name__ = op.__qualname__ = name
    return op


def _shift_left(a, b):
    bits = jnp.iinfo(a.dtype).bits
    return jnp.where((b < 0) | (b >= bits), 0, jnp.left_shift(a, jnp.clip(b, 0, bits - 1)))


def _shift_right(a, b):
    bits = jnp.iinfo(a.dtype).bits
    out = jnp.right_shift(a, jnp.where((b < 0) | (b >= bits), bits - 1, b).astype(a.dtype))
    if jnp.issubdtype(a.dtype, jnp.unsignedinteger):        # (no sign to copy in)
        out = jnp.where((b < 0) | (b >= bits), 0, out)
    return out


bitwise_left_shift = _integer_op(_shift_left, "bitwise_left_shift", "lshift")
bitwise_left_shift.__doc__ = """``input << other`` elementwise, of integer tensors (never
recorded): shifting by a negative count or the width or more gives 0.

>>> import autodiff
>>> autodiff.bitwise_left_shift(autodiff.tensor([1, 3]), 2)
tensor([ 4, 12])
"""
bitwise_right_shift = _integer_op(_shift_right, "bitwise_right_shift", "rshift")
bitwise_right_shift.__doc__ = """``input >> other`` elementwise, of integer tensors (never
recorded), the sign copied in: shifting by a negative count or the width or more gives the
sign (0 or -1; 0 for uint8).

>>> import autodiff
>>> autodiff.bitwise_right_shift(autodiff.tensor([8, -8]), 1)
tensor([ 4, -4])
"""
methods(bitwise_left_shift, bitwise_right_shift, inplace=tape.inplace_binary)
Tensor.__lshift__, Tensor.__rshift__ = bitwise_left_shift, bitwise_right_shift
Tensor.__rlshift__ = lambda self, other: bitwise_left_shift(other, self)
Tensor.__rrshift__ = lambda self, other: bitwise_right_shift(other, self)
Tensor.__ilshift__, Tensor.__irshift__ = (Tensor.bitwise_left_shift_,
                                          Tensor.bitwise_right_shift_)


def _gcd(a, b):
    return jnp.gcd(a, b).astype(a.dtype)


def _lcm(a, b):
    return jnp.lcm(a, b).astype(a.dtype)


_gcd_op = _integer_op(_gcd, "gcd", "gcd")
_lcm_op = _integer_op(_lcm, "lcm", "lcm")


@method(inplace=tape.inplace_binary)
def gcd(input: Tensor, other: Tensor) -> Tensor:
    """The greatest common divisor of integer tensors, elementwise (never recorded;
    ``gcd(0, 0)`` is 0).

    >>> import autodiff
    >>> autodiff.gcd(autodiff.tensor([12, -18]), autodiff.tensor([8, 0]))
    tensor([ 4, 18])
    """
    _tensor_arg("gcd", "other", 2, other)
    return _gcd_op(input, other)


@method(inplace=tape.inplace_binary)
def lcm(input: Tensor, other: Tensor) -> Tensor:
    """The least common multiple of integer tensors, elementwise (never recorded;
    non-negative).

    >>> import autodiff
    >>> autodiff.lcm(autodiff.tensor([4, -6]), autodiff.tensor([6, 4]))
    tensor([12, 12])
    """
    _tensor_arg("lcm", "other", 2, other)
    return _lcm_op(input, other)


@method
def logical_not(input: Tensor) -> Tensor:
    """Elementwise logical not (a bool tensor)."""
    return make_tensor(jnp.logical_not(input._value()))


def bitwise_not(input: Tensor) -> Tensor:
    """Elementwise bitwise not (``~``) of an integer or bool tensor (never recorded)."""
    return make_tensor(jnp.invert(input._value()))


Tensor.__invert__ = bitwise_not
methods(bitwise_not, inplace=tape.inplace_unary)


def _logical_inplace(fn):
    """``x.logical_and_(y)``: x takes the result as ones and zeros. Not differentiable,
    so not recorded, as torch's: a float ``x`` that requires grad keeps its history (even
    a leaf may be written)."""
    def op(self, *other):
        with tape.no_grad():
            return tape.inplace(self, lambda old: fn(old, *other))
    op.__name__ = op.__qualname__ = fn.__name__ + "_"
    op.__doc__ = f"In place: writes ``{fn.__name__}(x, ...)`` into ``x`` as ones and zeros."
    return op


Tensor.logical_not_, Tensor.logical_and_, Tensor.logical_or_, Tensor.logical_xor_ = (
    _logical_inplace(f) for f in (logical_not, logical_and, logical_or, logical_xor))


@method
def isreal(input: Tensor) -> Tensor:
    """Elementwise: whether each element is real (autodiff's are: all True).

    >>> import autodiff
    >>> autodiff.tensor([1.0, 2.0]).isreal()
    tensor([True, True])
    """
    return make_tensor(jnp.ones(input._array.shape, bool))


def _contains(self: Tensor, element: object) -> bool:
    """``v in x``: whether any element of ``x`` equals ``v`` (a number or a tensor,
    broadcast), as torch's."""
    if not isinstance(element, (Tensor, int, float, bool)):
        raise RuntimeError("Tensor.__contains__ only supports Tensor or scalar, but you passed "
                           f"in a {type(element)}.")
    return bool(jnp.any(eq(self, element)._value()))


Tensor.__contains__ = _contains


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
