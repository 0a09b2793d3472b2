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

from typing import TYPE_CHECKING, Optional

import jax.numpy as jnp

from ... import dtypes as D, ops, tape
from ...tape import RULES, Tensor, apply
from . import activation, conv, pooling, normalization, loss, distance, padding, sparse
from .activation import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .normalization import *  # noqa: F401,F403
from .loss import *  # noqa: F401,F403
from .distance import *  # noqa: F401,F403
from .padding import *  # noqa: F401,F403
from .sparse import *  # noqa: F401,F403


def dropout(input: Tensor, p: float = 0.5, training: bool = True,
            inplace: bool = False) -> Tensor:
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


def linear(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None) -> Tensor:
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


__all__ = [*activation.__all__, *conv.__all__, *pooling.__all__, *normalization.__all__,
           *loss.__all__, *distance.__all__, *padding.__all__, *sparse.__all__, "dropout",
           "linear"]


# torch.nn.functional's names autodiff leaves out say so (autodiff/_not_provided.py); hidden from a
# type checker, which would otherwise take any name as this function's
if not TYPE_CHECKING:
    from ... import _not_provided
    __getattr__ = _not_provided.refuser("nn.functional")
