"""``autodiff.nn.utils``: gradient clipping, and parameters as one vector (torch's
``torch.nn.utils``). Nothing here is recorded: these work on ``.grad`` and on the
parameters' values, under ``no_grad``, as torch's do.

>>> import autodiff
>>> w = autodiff.tensor([3.0, 4.0], requires_grad=True)
>>> (w * w).sum().backward()
>>> autodiff.nn.utils.clip_grad_norm_([w], max_norm=1.0)
tensor(10.)
>>> w.grad
tensor([0.6000, 0.8000])
"""

from __future__ import annotations

import types
import warnings
from typing import TYPE_CHECKING, Iterable, Optional, Union

from .. import ops, tape
from ..tape import Tensor
from .module import typename

__all__ = ["clip_grad_norm_", "clip_grad_norm", "clip_grad_value_", "get_total_norm", "clip_grads_with_norm_",
           "parameters_to_vector", "vector_to_parameters"]


def _as_list(tensors):
    return [tensors] if isinstance(tensors, Tensor) else list(tensors)


@tape.no_grad()
def get_total_norm(tensors: Union[Tensor, Iterable[Tensor]], norm_type: float = 2.0,
                   error_if_nonfinite: bool = False, foreach: Optional[bool] = None) -> Tensor:
    """The ``norm_type``-norm of all ``tensors`` together, as if they were one vector:
    the norm of their norms."""
    tensors = _as_list(tensors)
    norm_type = float(norm_type)
    if not tensors:
        return ops.tensor(0.0)
    norms = [ops.norm(t, norm_type) for t in tensors]
    total = ops.norm(ops.stack(norms), norm_type)
    if error_if_nonfinite and bool(total.isnan() | total.isinf()):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is "
            "non-finite, so it cannot be clipped. To disable this error and scale the "
            "gradients by the non-finite norm anyway, set `error_if_nonfinite=False`")
    return total


@tape.no_grad()
def clip_grads_with_norm_(parameters: Union[Tensor, Iterable[Tensor]], max_norm: float,
                          total_norm: Tensor, foreach: Optional[bool] = None) -> None:
    """Scale the parameters' gradients in place by ``max_norm / (total_norm + 1e-6)``,
    at most 1."""
    grads = [p.grad for p in _as_list(parameters) if p.grad is not None]
    coef = ops.clamp(float(max_norm) / (total_norm + 1e-6), max=1.0)
    for g in grads:
        g.mul_(coef)


@tape.no_grad()
def clip_grad_norm_(parameters: Union[Tensor, Iterable[Tensor]], max_norm: float,
                    norm_type: float = 2.0, error_if_nonfinite: bool = False,
                    foreach: Optional[bool] = None) -> Tensor:
    """Scale the gradients of ``parameters`` in place so that their total
    ``norm_type``-norm is at most ``max_norm``; returns the norm they had."""
    if isinstance(parameters, types.GeneratorType):
        parameters = list(parameters)
        if not parameters:
            warnings.warn("`parameters` is an empty generator, no gradient clipping will "
                          "occur.", stacklevel=3)
    parameters = _as_list(parameters)
    grads = [p.grad for p in parameters if p.grad is not None]
    total = get_total_norm(grads, norm_type, error_if_nonfinite, foreach)
    clip_grads_with_norm_(parameters, max_norm, total, foreach)
    return total


def clip_grad_norm(parameters: Union[Tensor, Iterable[Tensor]], max_norm: float,
                   norm_type: float = 2.0, error_if_nonfinite: bool = False,
                   foreach: Optional[bool] = None) -> Tensor:
    """Deprecated: :func:`clip_grad_norm_`."""
    warnings.warn("`autodiff.nn.utils.clip_grad_norm` is now deprecated in favor of "
                  "`autodiff.nn.utils.clip_grad_norm_`.", FutureWarning, stacklevel=2)
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite, foreach)


@tape.no_grad()
def clip_grad_value_(parameters: Union[Tensor, Iterable[Tensor]], clip_value: float,
                     foreach: Optional[bool] = None) -> None:
    """Clamp every gradient of ``parameters`` to ``[-clip_value, clip_value]``, in place."""
    clip_value = float(clip_value)
    for p in _as_list(parameters):
        if p.grad is not None:
            p.grad.clamp_(min=-clip_value, max=clip_value)


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """The parameters flattened and concatenated into one 1-d tensor (recorded)."""
    return ops.cat([p.view(-1) for p in parameters])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Copy the slices of the 1-d ``vec`` into the parameters' ``.data``."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected autodiff.Tensor, but got: {typename(vec)}")
    start = 0
    for p in parameters:
        n = p.numel()
        p.data = vec[start:start + n].view_as(p).data
        start += n


# torch.nn.utils's names autodiff leaves out say so (autodiff/_not_provided.py);
# hidden from a type checker, which would otherwise take any name as this function's
if not TYPE_CHECKING:
    from .. import _not_provided
    __getattr__ = _not_provided.refuser("nn.utils")
