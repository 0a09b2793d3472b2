"""``Variable``: torch's old name for a tensor that records history (before 0.4, tensors
did not). Old code still writes ``Variable(t, requires_grad=True)``; it gives a plain
tensor, a new leaf sharing ``t``'s storage.

>>> import autodiff
>>> from autodiff.autograd import Variable
>>> Variable(autodiff.ones(2), requires_grad=True)
tensor([1., 1.], requires_grad=True)
"""

from __future__ import annotations

from typing import Optional

from .. import tape
from ..ops import empty
from ..tape import Tensor


def shared_leaf(data: Optional[Tensor], requires_grad: bool) -> Tensor:
    """A new leaf on ``data``'s storage, without its history, or an empty one for None
    (``Variable``'s and ``Parameter``'s constructor)."""
    if data is None:
        data = empty(0)
    if requires_grad and not data.dtype.is_floating_point:
        raise RuntimeError("Only Tensors of floating point and complex dtype can require "
                           "gradients")
    return tape.alias(data).requires_grad_(requires_grad)


class _VariableMeta(type):
    def __instancecheck__(cls, other: object) -> bool:
        return isinstance(other, Tensor)      # every tensor is a Variable, as in torch


class Variable(metaclass=_VariableMeta):
    """``Variable(data, requires_grad=False)``: a tensor (not an instance of this class)."""

    def __new__(cls, data: Optional[Tensor] = None,  # type: ignore[misc]  # (a Tensor)
                requires_grad: bool = False) -> Tensor:
        if data is not None and not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        return shared_leaf(data, requires_grad)
