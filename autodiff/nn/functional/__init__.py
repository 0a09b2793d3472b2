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

import math

import jax.numpy as jnp

from ... import dtypes as D, ops, tape
from ...tape import RULES, Tensor, apply, row
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


# _trilinear: three inputs, each unsqueezed at its expand dims to a common rank, multiplied
# and summed over sumdim. The gradient of one input is the _trilinear of the two others
# with grad in its place, grad unsqueezed at sumdim and the sum over the input's expand dims
def _trilinear_forward(i1, i2, i3, *, expand1, expand2, expand3, sumdim):
    product = (jnp.expand_dims(i1, expand1) * jnp.expand_dims(i2, expand2)
               * jnp.expand_dims(i3, expand3))
    return jnp.sum(product, axis=sumdim)


row("_trilinear", "TrilinearBackward0", _trilinear_forward,
    (lambda grad, i2, i3, expand1, expand2, expand3, sumdim: apply(
        RULES["_trilinear"], grad, i2, i3, expand1=sumdim, expand2=expand2, expand3=expand3,
        sumdim=expand1),
     lambda grad, i1, i3, expand1, expand2, expand3, sumdim: apply(
         RULES["_trilinear"], i1, grad, i3, expand1=expand1, expand2=sumdim, expand3=expand3,
         sumdim=expand2),
     lambda grad, i1, i2, expand1, expand2, expand3, sumdim: apply(
         RULES["_trilinear"], i1, i2, grad, expand1=expand1, expand2=expand2, expand3=sumdim,
         sumdim=expand3)))


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor,
             bias: Optional[Tensor] = None) -> Tensor:
    """``y_o = input1 @ weight[o] @ input2 + bias_o`` over the last dims, with ``weight``
    (out, in1, in2): torch's ``_trilinear`` of the flattened inputs (TrilinearBackward0),
    reshaped back.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.bilinear(autodiff.tensor([[1.0, 2.0]]), autodiff.tensor([[3.0]]),
    ...            autodiff.tensor([[[1.0], [1.0]]]))
    tensor([[9.]])
    """
    if input1.ndim != input2.ndim:
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {input1.ndim} and "
                           f"{input2.ndim}")
    for dim in range(input1.ndim - 1):
        if input1.shape[dim] != input2.shape[dim]:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {dim}: "
                               f"got {input1.shape[dim]} and {input2.shape[dim]}")
    for name, size, expected in (("input1", input1.shape[-1], weight.shape[1]),
                                 ("input2", input2.shape[-1], weight.shape[2])):
        if size != expected:
            raise RuntimeError(f"bilinear(): {name} size does not match weight size: got "
                               f"{size} but expected {expected}")
    if bias is not None and bias.shape[0] != weight.shape[0]:
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got "
                           f"{bias.shape[0]} but expected {weight.shape[0]}")
    out = apply(RULES["_trilinear"], input1.reshape(-1, input1.shape[-1]), weight,
                input2.reshape(-1, input2.shape[-1]), expand1=(1, 3), expand2=(0,),
                expand3=(1, 2), sumdim=(2, 3))
    out = out.reshape(*input1.shape[:-1], weight.shape[0])
    return out if bias is None else out + bias


__all__ = [*activation.__all__, *conv.__all__, *pooling.__all__, *normalization.__all__,
           *loss.__all__, *distance.__all__, *padding.__all__, *sparse.__all__, *vision.__all__,
           "dropout", "alpha_dropout", "feature_alpha_dropout", "linear", "bilinear"]


# torch.nn.functional's names autodiff leaves out say so (autodiff/_not_provided.py);
# hidden from a type checker, which would otherwise take any name as this function's
if not TYPE_CHECKING:
    from ... import _not_provided
    __getattr__ = _not_provided.refuser("nn.functional")
