"""Copies and conversions: ``clone``, ``contiguous``, ``to``, ``type_as`` and the dtype
converters, ``zero_`` and ``fill_``. The gradient passes through a copy (the engine
casts it back to the input's dtype)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Optional, Union

import jax
import jax.numpy as jnp

from .. import dtypes as D, tape
from ..dtypes import DeviceLike, Number
from ..tape import RULES, Tensor, apply, make_tensor, row
from ._common import _check_operands, _to_dtype, _zeros_like, alias_row, exported, method
from .shape import clone


row("to", "ToCopyBackward0", lambda self, *, dtype: self.astype(dtype.np), lambda grad, dtype: (grad,))


@method
def to(input: Tensor, *args: Union[D.dtype, DeviceLike, Tensor], dtype: Optional[D.dtype] = None,
       device: Optional[DeviceLike] = None, non_blocking: bool = False,
       copy: bool = False, memory_format: object = None) -> Tensor:
    """``to(dtype)``, ``to(device)``, ``to(other)`` or ``to(device, dtype)``
    (``memory_format``: contiguous, as every tensor is)."""
    for a in args:
        if isinstance(a, D.dtype):
            dtype = a
        elif isinstance(a, Tensor):
            dtype, device = a.dtype, a.device
        else:
            device = a
    out = input
    if dtype is not None and _to_dtype(dtype) is not input.dtype:
        dtype = _to_dtype(dtype)
        out = (apply(RULES["to"], input, dtype=dtype) if dtype.is_floating_point else
               make_tensor(input._value().astype(dtype.np)))    # integers: no gradient, no history
    if device is not None and D.device(device) != input.device:
        dev = D.device(device).jax_device()
        moved = make_tensor(jax.device_put(out._value(), dev), out._requires_grad, out.grad_fn)
        out = moved
    if copy and out is input:
        out = clone(input)
    return out


Tensor.cpu = lambda self, memory_format=None: to(self, "cpu")
Tensor.cuda = lambda self, device=None, non_blocking=False: to(
    self, "cuda" if device is None else D.device("cuda", device if isinstance(device, int)
                                                 else None))


@method
def type_as(input: Tensor, other: Tensor) -> Tensor:
    """``input`` cast to the dtype of ``other``."""
    return to(input, other.dtype)


def _type(input: Tensor, dtype: Union[D.dtype, str, None] = None,
          non_blocking: bool = False) -> Union[str, Tensor]:
    """``x.type()``: torch's legacy type name, ``autodiff.FloatTensor``; ``x.type(dtype)``
    (a dtype, or such a name): ``x`` converted, as ``x.to(dtype)``."""
    if dtype is None:
        return input._type_name()
    if isinstance(dtype, str):
        *prefix, name = dtype.split(".")
        match = [d for d in D.ALL if d._legacy == name]
        if not match or prefix[:1] not in (["autodiff"], ["torch"]) or prefix[1:] not in (
                [], ["cuda"]):              # torch's names work too: x.type("torch.LongTensor")
            raise ValueError(f"invalid type: '{dtype}'")
        return to(input, match[0], device="cuda" if "cuda" in prefix else input.device)
    return to(input, dtype)


Tensor.type = _type


def _converter(dt: D.dtype) -> Callable[..., Tensor]:
    def convert(self: Tensor, memory_format: object = None) -> Tensor:
        return to(self, dt)
    convert.__name__ = dt.name
    convert.__doc__ = f"``self.to(autodiff.{dt.name})``"
    return convert


(Tensor.float, Tensor.double, Tensor.long, Tensor.int, Tensor.bool, Tensor.half,
 Tensor.bfloat16, Tensor.short, Tensor.char, Tensor.byte) = (_converter(dt) for dt in (
    D.float32, D.float64, D.int64, D.int32, D.bool_, D.float16, D.bfloat16, D.int16, D.int8,
    D.uint8))


row("zero_", "ZeroBackward0", lambda self: jnp.zeros_like(self),
    lambda grad: (_zeros_like(grad),))


@method
def zero_(self: Tensor) -> Tensor:
    """Set every element of ``self`` to zero, in place."""
    return tape.inplace(self, lambda old: apply(RULES["zero_"], old), fills=True)


row("fill_", "FillBackward2", lambda self, *, value: jnp.full_like(self, value),
    lambda grad, value: (_zeros_like(grad),))
# ... with a 0-d tensor value, which gets every element's gradient
row("fill_tensor", "FillBackward3",
    lambda self, value: jnp.full_like(self, value.astype(self.dtype)),
    (lambda grad: _zeros_like(grad), lambda grad: grad.sum()))


# torch.fill(t, v): fill_'s maths out of place, under torch's other names
alias_row("fill", "FillBackward0", of="fill_")
alias_row("fill_tensor_out", "FillBackward1", of="fill_tensor")


def fill(input: Tensor, value: Tensor | Number) -> Tensor:
    """A tensor of ``input``'s shape and dtype filled with ``value`` (a number:
    FillBackward0, or a 0-d tensor, which gets every element's gradient: FillBackward1).

    >>> import autodiff
    >>> autodiff.fill(autodiff.zeros(2), 3)
    tensor([3., 3.])
    """
    if isinstance(value, Tensor):
        _check_fill_value(value)
        return apply(RULES["fill_tensor_out"], input, value)
    return apply(RULES["fill"], input, value=D.checked(value, input.dtype))


def _check_fill_value(value):
    if value.ndim:
        raise RuntimeError("fill_ only supports 0-dimension value tensor but got tensor "
                           f"with {value.ndim} dimensions.")


@method
def fill_(self: Tensor, value: Tensor | Number) -> Tensor:
    """Set every element of ``self`` to ``value`` (a number, or a 0-d tensor), in place."""
    if isinstance(value, Tensor):
        _check_fill_value(value)
        return tape.inplace(self, lambda old: apply(RULES["fill_tensor"], old, value),
                            src_for_view=value, fills=True)
    value = D.checked(value, self.dtype)
    return tape.inplace(self, lambda old: apply(RULES["fill_"], old, value=value), fills=True)


def result_type(tensor: Tensor | Number, other: Tensor | Number) -> D.dtype:
    """The dtype an op of ``tensor`` and ``other`` computes in: tensors with dims beat
    0-d tensors beat Python numbers; within a kind, the wider dtype (``D.result_type``)."""
    args = (D.number(tensor), D.number(other))          # (a NumPy scalar: a number)
    _check_operands("result_type", args, ("tensor", "other"), method=False)
    return D.result_type(*args)


def real(input: Tensor) -> Tensor:
    """The real part of ``input``: a real tensor itself (``Tensor.real``)."""
    return input.real


def imag(input: Tensor) -> Tensor:
    """The imaginary part: torch's error for a real tensor (``Tensor.imag``)."""
    return input.imag


if not TYPE_CHECKING:         # (see exported: a type checker reads every public name)
    __all__ = exported(globals())
