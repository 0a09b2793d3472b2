"""Forward-mode AD, as ``torch.autograd.forward_ad``: a tangent travels with each value.

Inside ``dual_level()``, ``make_dual(x, t)`` gives ``x`` the tangent ``t``; every op
then computes its result's tangent J t along with the result (the engine, section 9 of
``autodiff/tape.py``), and ``unpack_dual(y)`` reads it back: the directional derivative
of ``y`` along ``t``, without a backward pass of the user's program.

>>> import autodiff
>>> import autodiff.autograd.forward_ad as fwAD
>>> x = autodiff.tensor([1.0, 2.0])
>>> with fwAD.dual_level():
...     y = fwAD.make_dual(x, autodiff.tensor([1.0, 0.0])) ** 2
...     fwAD.unpack_dual(y).tangent
tensor([2., 0.])
"""

from __future__ import annotations

from typing import NamedTuple, Optional

from .. import tape
from ..tape import RULES, Tensor, apply

__all__ = ["UnpackedDualTensor", "dual_level", "enter_dual_level", "exit_dual_level",
           "make_dual", "unpack_dual"]


class UnpackedDualTensor(NamedTuple):
    """What ``unpack_dual`` returns: the value and its tangent (None if it has none)."""
    primal: Tensor
    tangent: Optional[Tensor]


def enter_dual_level() -> int:
    """Start a dual level (one at a time, as in torch); returns its number."""
    return tape.enter_dual_level()


def exit_dual_level(*, level: Optional[int] = None) -> None:
    """End the current dual level: every tangent made in it is forgotten."""
    tape.exit_dual_level()


class dual_level:
    """The block in which tensors may carry tangents: ``with fwAD.dual_level(): ...``."""

    def __enter__(self) -> int:
        return enter_dual_level()

    def __exit__(self, *exc: object) -> None:
        exit_dual_level()


def _plain_view(tensor: Tensor) -> Tensor:
    """A view of ``tensor`` (AliasBackward0 if it requires grad) with no tangent."""
    level = tape.exit_dual_level()
    try:
        return apply(RULES["alias"], tensor)
    finally:
        tape.enter_dual_level(level)


def make_dual(tensor: Tensor, tangent: Tensor, *, level: Optional[int] = None) -> Tensor:
    """A view of ``tensor`` that carries ``tangent`` (of the same size)."""
    if tape.current_dual_level() is None:
        raise RuntimeError("Trying to create a dual Tensor for forward AD but no level exists, "
                           "make sure to enter_dual_level() first.")
    if not tensor.dtype.is_floating_point:
        raise ValueError(f"Expected primal to be floating point or complex, but got: "
                         f"{tensor.dtype}")
    if tangent.shape != tensor.shape:
        raise RuntimeError("Trying to set a forward gradient that has a different size than "
                           "that of the original Tensor, this is not supported. Tensor is of "
                           f"size {list(tensor.shape)} while the given forward gradient is "
                           f"of size {list(tangent.shape)}.")
    dual = _plain_view(tensor)
    tape.set_tangent(dual, tangent)
    return dual


def unpack_dual(tensor: Tensor, *, level: Optional[int] = None) -> UnpackedDualTensor:
    """``(primal, tangent)``: a view of the value without its tangent, and the tangent."""
    tangent = tape.tangent_of(tensor)
    if tangent is None:
        return UnpackedDualTensor(tensor, None)
    return UnpackedDualTensor(_plain_view(tensor), tangent)
