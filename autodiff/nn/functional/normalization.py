"""Normalization: ``layer_norm``, ``batch_norm``, ``instance_norm``, ``rms_norm``,
``group_norm``, ``normalize``."""

from __future__ import annotations

import math
from typing import Optional, Sequence

import jax.numpy as jnp

from ... import dtypes as D, ops, tape
from ...ops._common import _kernel_missing, _plus_scalar
from ...tape import RULES, Tensor, apply, row


# layer_norm: y = x_hat w + b, x_hat = (x - mean) rstd over the last dims;
#   dx = rstd (g' - mean(g') - x_hat mean(g' x_hat)) with g' = grad w
def _layer_norm_forward(x, weight, bias, normalized_shape, eps):
    dims = tuple(range(x.ndim - len(normalized_shape), x.ndim))
    mean = jnp.mean(x, dims, keepdims=True)
    y = (x - mean) / jnp.sqrt(jnp.var(x, dims, keepdims=True) + eps)
    return (y if weight is None else y * weight) + (0 if bias is None else bias)


def _layer_norm_backward(grad, input, weight, normalized_shape, eps):
    dims = tuple(range(input.ndim - len(normalized_shape), input.ndim))
    centered = input - input.mean(dims, keepdim=True)
    rstd = (input.var(dims, keepdim=True, correction=0) + eps).rsqrt()
    x_hat = centered * rstd
    g = grad if weight is None else grad * weight
    dx = rstd * (g - g.mean(dims, keepdim=True) - x_hat * (g * x_hat).mean(dims, keepdim=True))
    return (dx, None if weight is None else grad * x_hat, grad)


row("layer_norm", "NativeLayerNormBackward0",
    lambda input, weight, bias, *, normalized_shape, eps: _layer_norm_forward(
        input, weight, bias, normalized_shape, eps),
    lambda grad, input, weight, normalized_shape, eps: _layer_norm_backward(
        grad, input, weight, normalized_shape, eps))


def layer_norm(input: Tensor, normalized_shape: Sequence[int], weight: Optional[Tensor] = None,
               bias: Optional[Tensor] = None, eps: float = 1e-05) -> Tensor:
    """Normalize over the last ``len(normalized_shape)`` dims to mean 0 and variance 1,
    then scale by ``weight`` and shift by ``bias``.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.layer_norm(autodiff.tensor([[1.0, 2.0, 3.0]]), (3,))
    tensor([[-1.2247,  0.0000,  1.2247]])
    """
    normalized_shape = _normalized_shape(input, normalized_shape, "*, ")
    return apply(RULES["layer_norm"], input, weight, bias, normalized_shape=normalized_shape,
                 eps=eps)


# batch_norm: y = x_hat w + b, x_hat = (x - mean) invstd per channel (dim 1), with the
# batch's statistics in training and the running ones in evaluation;
#   training: dx = invstd (g - mean(g) - x_hat mean(g x_hat)),  g = grad w
#   evaluation: dx = g invstd;   dw = sum(grad x_hat),  db = sum(grad)
def _per_channel(v, ndim):
    """A (C,) vector shaped (C, 1, ...) to broadcast against (N, C, ...)."""
    return v.reshape((-1,) + (1,) * (ndim - 2))


def _batch_norm_forward(x, weight, bias, running_mean, running_var, training, eps):
    dims = (0,) + tuple(range(2, x.ndim))
    if training:
        mean, var = jnp.mean(x, dims, keepdims=True), jnp.var(x, dims, keepdims=True)
    else:
        mean = _per_channel(running_mean._value(), x.ndim)
        var = _per_channel(running_var._value(), x.ndim)
    y = (x - mean) / jnp.sqrt(var + eps)
    y = y if weight is None else y * _per_channel(weight, x.ndim)
    return y if bias is None else y + _per_channel(bias, x.ndim)


def _batch_norm_backward(grad, input, weight, running_mean, running_var, training, eps):
    dims = (0,) + tuple(range(2, input.ndim))
    if training:
        mean = input.mean(dims, keepdim=True)
        var = input.var(dims, keepdim=True, correction=0)
    else:
        mean = _per_channel(running_mean, input.ndim)
        var = _per_channel(running_var, input.ndim)
    invstd = (var + eps).rsqrt()
    x_hat = (input - mean) * invstd
    g = grad if weight is None else grad * _per_channel(weight, input.ndim)
    if training:
        dx = invstd * (g - g.mean(dims, keepdim=True)
                       - x_hat * (g * x_hat).mean(dims, keepdim=True))
    else:
        dx = g * invstd
    return dx, None if weight is None else (grad * x_hat).sum(dims), grad.sum(dims)


row("batch_norm", "NativeBatchNormBackward0",
    lambda input, weight, bias, *, running_mean, running_var, training, eps:
        _batch_norm_forward(input, weight, bias, running_mean, running_var, training, eps),
    lambda grad, input, weight, running_mean, running_var, training, eps: _batch_norm_backward(
        grad, input, weight, running_mean, running_var, training, eps),
    tensor_attrs=("running_mean", "running_var"))


def batch_norm(input: Tensor, running_mean: Optional[Tensor], running_var: Optional[Tensor],
               weight: Optional[Tensor] = None, bias: Optional[Tensor] = None,
               training: bool = False, momentum: float = 0.1, eps: float = 1e-05) -> Tensor:
    """Normalize each channel (dim 1) to mean 0 and variance 1, then scale by ``weight``
    and shift by ``bias``. Training: with the batch's statistics, and the running ones
    (if given) move toward them by ``momentum``; evaluation: with the running ones.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.batch_norm(autodiff.tensor([[1.0], [3.0]]), None, None, training=True)
    tensor([[-1.0000],
            [ 1.0000]])
    """
    if training and input.numel() // input.shape[1] <= 1:
        raise ValueError("Expected more than 1 value per channel when training, got input "
                         f"size {input.shape}")
    return _batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps)


def _batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps):
    """torch's ``at::batch_norm``, which ``torch.batch_norm`` calls (without
    ``F.batch_norm``'s check of the batch's size)."""
    if training:
        if running_mean is not None:
            _update_running_stats(input, running_mean, running_var, momentum)
    elif running_mean is None:
        raise RuntimeError("running_mean must be defined in evaluation mode")
    return apply(RULES["batch_norm"], input, weight, bias, running_mean=running_mean,
                 running_var=running_var, training=training, eps=eps)


def instance_norm(input: Tensor, running_mean: Optional[Tensor] = None,
                  running_var: Optional[Tensor] = None, weight: Optional[Tensor] = None,
                  bias: Optional[Tensor] = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-05) -> Tensor:
    """Normalize each channel of each sample (over its positions) to mean 0 and variance
    1, then scale by ``weight`` and shift by ``bias``, per channel; with the running
    statistics instead where ``use_input_stats`` is False.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.instance_norm(autodiff.tensor([[[1.0, 3.0], [0.0, 4.0]]]))
    tensor([[[-1.0000,  1.0000],
             [-1.0000,  1.0000]]])
    """
    if use_input_stats and math.prod(input.shape[2:]) == 1:
        raise ValueError("Expected more than 1 spatial element when training, got input "
                         f"size {input.shape}")
    return _instance_norm(input, weight, bias, running_mean, running_var, use_input_stats,
                          momentum, eps)


def _instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum,
                   eps):
    """torch's ``at::instance_norm``: a batch norm of one sample whose channels are every
    (sample, channel) pair, the per-channel tensors repeated per sample (ViewBackward0 of
    NativeBatchNormBackward0); the running statistics get the mean of their updates."""
    if not use_input_stats and (running_mean is None or running_var is None):
        raise RuntimeError("Expected running_mean and running_var to be defined when "
                           "use_input_stats is false")
    b, c = input.shape[:2]
    weight, bias, mean, var = (None if t is None else t.repeat(b)
                               for t in (weight, bias, running_mean, running_var))
    out = _batch_norm(input.view(1, b * c, *input.shape[2:]), weight, bias, mean, var,
                      use_input_stats, momentum, eps)
    with tape.no_grad():
        for running, updated in ((running_mean, mean), (running_var, var)):
            if updated is not None:
                running.copy_(updated.view(b, c).mean(0))
    return out.view(input.shape)


def rms_norm(input: Tensor, normalized_shape: Sequence[int], weight: Optional[Tensor] = None,
             eps: Optional[float] = None) -> Tensor:
    """``input`` divided by its root mean square over the last ``len(normalized_shape)``
    dims (plus ``eps``, by default the dtype's machine epsilon), then scaled by
    ``weight``, as torch's C++ composes it: ``x * rsqrt(x.pow(2).mean(dims) + eps)``, in
    float32 at least.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.rms_norm(autodiff.tensor([[3.0, 4.0]]), (2,))
    tensor([[0.8485, 1.1314]])
    """
    normalized_shape = _normalized_shape(input, normalized_shape, "*")
    if weight is not None and tuple(weight.shape) != normalized_shape:
        raise RuntimeError(f"Expected weight to be of same shape as normalized_shape, but got "
                           f"weight of shape {list(weight.shape)} and normalized_shape = "
                           f"{list(normalized_shape)}")
    if not input.dtype.is_floating_point:
        raise _kernel_missing("rms_norm", input.dtype)
    upcast = input if input.dtype is D.float64 else input.float()
    eps = D.finfo(upcast.dtype).eps if eps is None else eps
    dims = tuple(range(input.ndim - len(normalized_shape), input.ndim))
    result = upcast * _plus_scalar(upcast.pow(2).mean(dims, keepdim=True), eps).rsqrt()
    result = result.type_as(input)
    return result if weight is None else result * weight


def _update_running_stats(input, running_mean, running_var, momentum):
    """running = momentum * batch + (1 - momentum) * running (the variance unbiased)."""
    dims = (0,) + tuple(range(2, input.ndim))
    with tape.no_grad():
        batch = input.detach()
        running_mean.copy_(momentum * batch.mean(dims) + (1 - momentum) * running_mean)
        running_var.copy_(momentum * batch.var(dims) + (1 - momentum) * running_var)


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12,
              out: Optional[Tensor] = None) -> Tensor:
    """``input`` divided by its ``p``-norm along ``dim`` (at least ``eps``), as torch
    composes it: ``input / norm.clamp_min(eps).expand_as(input)``.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.normalize(autodiff.tensor([[3.0, 4.0]]))
    tensor([[0.6000, 0.8000]])
    """
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    if out is None:
        return input / denom
    if tape.is_grad_enabled() and denom.requires_grad:
        raise RuntimeError("div(): functions with out=... arguments don't support automatic "
                           "differentiation, but one of the arguments requires grad.")
    return out.resize_(input.shape).copy_(input / denom)     # torch's div(..., out=out)


# group_norm: y = x_hat w + b, x_hat = (x - mean) rstd over each group of channels (and
# the positions); w and b per channel (dim 1):
#   dx = rstd (g - mean(g) - x_hat mean(g x_hat)) per group, g = grad w;
#   dw = sum(grad x_hat),  db = sum(grad) (over all but the channel dim)
def _group_norm_forward(x, weight, bias, group, eps):
    g = x.reshape(x.shape[0], group, -1)
    mean, var = jnp.mean(g, -1, keepdims=True), jnp.var(g, -1, keepdims=True)
    y = ((g - mean) / jnp.sqrt(var + eps)).reshape(x.shape)
    y = y if weight is None else y * _per_channel(weight, x.ndim)
    return y if bias is None else y + _per_channel(bias, x.ndim)


def _group_norm_backward(grad, input, weight, group, eps):
    groups = (input.shape[0], group, -1)
    x = input.reshape(groups)
    rstd = (x.var(-1, keepdim=True, correction=0) + eps).rsqrt()
    x_hat = (x - x.mean(-1, keepdim=True)) * rstd
    g = (grad if weight is None else grad * _per_channel(weight, input.ndim)).reshape(groups)
    dx = rstd * (g - g.mean(-1, keepdim=True) - x_hat * (g * x_hat).mean(-1, keepdim=True))
    dims = (0,) + tuple(range(2, input.ndim))
    return (dx.reshape(input.shape),
            None if weight is None else (grad * x_hat.reshape(input.shape)).sum(dims),
            grad.sum(dims))


row("group_norm", "NativeGroupNormBackward0",
    lambda input, weight, bias, *, group, eps: _group_norm_forward(input, weight, bias, group,
                                                                   eps),
    lambda grad, input, weight, group, eps: _group_norm_backward(grad, input, weight, group,
                                                                 eps))


def group_norm(input: Tensor, num_groups: int, weight: Optional[Tensor] = None,
               bias: Optional[Tensor] = None, eps: float = 1e-05) -> Tensor:
    """Normalize each group of ``num_groups`` groups of channels (dim 1), over its
    channels and positions, to mean 0 and variance 1; then scale by ``weight`` and shift
    by ``bias``, per channel (NativeGroupNormBackward0).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.group_norm(autodiff.tensor([[1.0, 3.0, 0.0, 4.0]]), 2)
    tensor([[-1.0000,  1.0000, -1.0000,  1.0000]])
    """
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received "
                           f"{input.ndim}")
    channels = input.shape[1]
    if channels % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by "
                           f"num_groups, but got input of shape {list(input.shape)} and "
                           f"num_groups={num_groups}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.ndim != 1 or t.numel() != channels):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number "
                               f"of channels in input, but got {name} of shape "
                               f"{list(t.shape)} and input of shape {list(input.shape)}")
    return apply(RULES["group_norm"], input, weight, bias, group=num_groups, eps=eps)


def _normalized_shape(input, normalized_shape, star):
    """``normalized_shape`` as a tuple, checked to end ``input``'s shape (torch's error;
    its text writes the leading dims as ``star``: ``[*, 3]`` for layer_norm, ``[*3]`` for
    rms_norm)."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if tuple(input.shape[input.ndim - len(shape):]) != shape:
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape "
                           f"[{star}{', '.join(map(str, shape))}], but got input of size"
                           f"{list(input.shape)}")
    return shape


__all__ = ["layer_norm", "batch_norm", "instance_norm", "rms_norm", "normalize", "group_norm"]
