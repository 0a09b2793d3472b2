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

from typing import Optional

import math

import jax.numpy as jnp

from ... import dtypes as D, ops, tape
from ...tape import RULES, Tensor, apply
from . import (activation, conv, pooling, normalization, loss, distance, padding, sparse,
               vision)
from .activation import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .normalization import *  # noqa: F401,F403
from .loss import *  # noqa: F401,F403
from .distance import *  # noqa: F401,F403
from .padding import *  # noqa: F401,F403
from .sparse import *  # noqa: F401,F403
from .vision import *  # noqa: F401,F403


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
    _check_probability(p)
    return _dropout(input, p, training, inplace)


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,
                  inplace: bool = False) -> Tensor:
    """Dropout that keeps a SELU network's mean and variance: each element is set, with
    probability ``p``, to SELU's negative saturation, then the whole is scaled and
    shifted back (AddBackward0).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.alpha_dropout(autodiff.ones(3), p=1.0, training=True)
    tensor([0., 0., 0.])
    """
    _check_probability(p)
    return _dropout(input, p, training, inplace, alpha=True)


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,
                          inplace: bool = False) -> Tensor:
    """``alpha_dropout`` of whole channels: one draw per (sample, channel) of dims 0 and 1.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.feature_alpha_dropout(autodiff.ones(1, 2), p=0.5)
    tensor([[1., 1.]])
    """
    _check_probability(p)
    return _dropout(input, p, training, inplace, feature=True, alpha=True)


def _check_probability(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


# SELU's negative saturation, -scale * alpha, which alpha dropout drops elements to
_ALPHA = 1.7580993408473766


def _dropout(input, p, train, inplace=False, feature=False, alpha=False):
    """torch's ``_dropout_impl``, which ``torch.dropout`` and its ``feature_`` (a draw per
    channel of dims 0 and 1) and ``alpha_`` (see ``alpha_dropout``) forms share:
    ``input * noise``, plus a shift ``b`` for alpha dropout."""
    if p < 0 or p > 1:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {p}")
    if p == 0 or not train or input.numel() == 0:
        return input
    if p == 1:
        noise = ops.zeros((), dtype=input.dtype)
        return input.mul_(noise) if inplace else input * noise
    if feature and input.ndim < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2) if feature else tuple(input.shape)
    keep = jnp.asarray(ops.default_generator._rng.random(shape) >= p, input.dtype.np)
    if alpha:
        a = 1 / math.sqrt((_ALPHA * _ALPHA * p + 1) * (1 - p))
        shift = tape.make_tensor((keep - 1) * (_ALPHA * a) + _ALPHA * a * p)
        noise = tape.make_tensor(keep * a)
    else:
        noise = tape.make_tensor(keep / (1 - p))
    out = input.mul_(noise) if inplace else input * noise
    return out.add_(shift) if alpha else out


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
           *loss.__all__, *distance.__all__, *padding.__all__, *sparse.__all__, *vision.__all__,
           "dropout", "alpha_dropout", "feature_alpha_dropout", "linear"]
