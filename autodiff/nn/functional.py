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

import warnings

import jax
import jax.numpy as jnp
import numpy as np

from .. import dtypes as D
from .. import ops
from ..rules import (RULES, _minus_scalar, _plus_scalar, _pooling_output_shape, _scalar_minus,
                     _times_scalar)
from .. import tape
from ..tape import apply, concrete

# ---------------------------------------------------------------------------------------
# Activations
# ---------------------------------------------------------------------------------------

sigmoid, tanh = ops.sigmoid, ops.tanh


def relu(input, inplace=False):
    """``max(x, 0)`` (ReluBackward0); ``inplace=True`` writes it into ``input``
    (``input.relu_()``).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> x = autodiff.tensor([-1.0, 2.0])
    >>> F.relu(x, inplace=True) is x, x
    (True, tensor([0., 2.]))
    """
    return input.relu_() if inplace else ops.relu(input)


def gelu(input, approximate="none"):
    """The Gaussian error linear unit ``x * Phi(x)`` (``approximate='tanh'``: its tanh
    approximation).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.gelu(autodiff.tensor([-1.0, 0.0, 1.0]))
    tensor([-0.1587,  0.0000,  0.8413])
    """
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    _check_kernel("gelu", input)
    return apply(RULES["gelu"], input, approximate=approximate)


# torch's CPU kernels of these rows have no integer version: their names, for its error
_FLOAT_KERNELS = {"gelu": "GeluKernelImpl", "softplus": "softplus_cpu", "silu": "silu_cpu",
                  "leaky_relu": "leaky_relu_cpu", "elu": "elu_cpu", "mish": "mish_cpu",
                  "hardswish": "hardswish_cpu", "hardsigmoid": "hardsigmoid_cpu",
                  "celu": "elu_cpu", "log_sigmoid": "log_sigmoid_cpu", "mse_loss": "mse_cpu"}


def _check_kernel(name, input):
    """torch's NotImplementedError for a row whose kernel has no version for ``input``'s
    (integer) dtype: ``"silu_cpu" not implemented for 'Long'``."""
    if name in _FLOAT_KERNELS and not input.dtype.is_floating_point:
        raise ops._kernel_missing(_FLOAT_KERNELS[name], input.dtype)


def _activation(name, input, inplace, **attrs):
    """An activation row applied to ``input``; ``inplace=True`` writes the result into it,
    with the row of the in-place form where torch has its own (one that keeps the result:
    ``leaky_relu_``, ``elu_``)."""
    _check_kernel(name, input)
    if inplace:
        rule = RULES.get(name + "_", RULES[name])
        return tape.inplace(input, lambda old: apply(rule, old, **attrs))
    return apply(RULES[name], input, **attrs)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """``x`` where positive, ``negative_slope * x`` elsewhere.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.leaky_relu(autodiff.tensor([-2.0, 3.0]), 0.1)
    tensor([-0.2000,  3.0000])
    """
    return _activation("leaky_relu", input, inplace, negative_slope=negative_slope)


def elu(input, alpha=1.0, inplace=False):
    """``x`` where positive, ``alpha * (exp(x) - 1)`` elsewhere."""
    return _activation("elu", input, inplace, alpha=alpha, scale=1, input_scale=1)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input, inplace=False):
    """``elu`` with torch's self-normalising constants, scaled (EluBackward0)."""
    return _activation("elu", input, inplace, alpha=_SELU_ALPHA, scale=_SELU_SCALE,
                       input_scale=1)


def silu(input, inplace=False):
    """``x * sigmoid(x)`` (also called swish)."""
    return _activation("silu", input, inplace)


def softplus(input, beta=1, threshold=20):
    """``log(1 + exp(beta * x)) / beta``, a smooth ReLU (``x`` itself where ``beta * x``
    passes ``threshold``)."""
    _check_kernel("softplus", input)
    return apply(RULES["softplus"], input, beta=beta, threshold=threshold)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """``x`` clipped to ``[min_val, max_val]``."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _activation("hardtanh", input, inplace, min_val=min_val, max_val=max_val)


def relu6(input, inplace=False):
    """``min(max(x, 0), 6)`` (HardtanhBackward0)."""
    return hardtanh(input, 0, 6, inplace)


def _softmax_dim(name, ndim):
    """torch's choice when ``dim`` is not given (with its deprecation warning)."""
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the "
                  "call to include dim=X as an argument.", UserWarning, stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, dtype=None):
    """``exp(x) / exp(x).sum(dim)``, computed stably.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.softmax(autodiff.tensor([1.0, 2.0, 3.0]), dim=0)
    tensor([0.0900, 0.2447, 0.6652])
    """
    if dim is None:
        dim = _softmax_dim("softmax", input.ndim)
    return ops.softmax(input, dim, dtype=dtype)


def log_softmax(input, dim=None, dtype=None):
    """``x - logsumexp(x, dim)``: the log of ``softmax``, without its underflow.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.log_softmax(autodiff.tensor([1.0, 2.0, 3.0]), dim=0)
    tensor([-2.4076, -1.4076, -0.4076])
    """
    if dim is None:
        dim = _softmax_dim("log_softmax", input.ndim)
    return ops.log_softmax(input, dim, dtype=dtype)


def dropout(input, p=0.5, training=True, inplace=False):
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


# ---------------------------------------------------------------------------------------
# Layers
# ---------------------------------------------------------------------------------------


def linear(input, weight, bias=None):
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


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    """Rows of ``weight`` picked by the integer tensor ``input``; the ``padding_idx`` row
    gets no gradient. ``max_norm``: the picked rows whose ``norm_type``-norm is larger are
    first scaled down to it, in place (as torch's ``embedding_renorm_``);
    ``scale_grad_by_freq``: each pick's gradient is divided by how often its row was
    picked. ``sparse=True`` is accepted, but the gradient stays dense.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.embedding(autodiff.tensor([2, 0]), autodiff.tensor([[0.0, 1.0], [2.0, 3.0],
    ...                                                      [4.0, 5.0]]))
    tensor([[4., 5.],
            [0., 1.]])
    """
    if input.dtype not in (D.int64, D.int32):
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the "
                           "following scalar types: Long, Int; but got "
                           f"{input._type_name()} instead (while checking "
                           "arguments for embedding)")
    n = weight.shape[0]
    values = input._value()
    if concrete(values) and values.size and (values.min() < -n or values.max() >= n):
        raise IndexError("index out of range in self")
    if padding_idx is None:
        padding_idx = -1
    elif padding_idx < 0:
        padding_idx += n
    indices = tape.make_tensor(values % n)
    if max_norm is not None:
        _embedding_renorm_(weight, indices, max_norm, norm_type)
    return apply(RULES["embedding"], weight, indices=indices, padding_idx=padding_idx,
                 scale_grad_by_freq=scale_grad_by_freq, sparse=sparse,
                 weight_sym_argsize_0=n)


def _embedding_renorm_(weight, indices, max_norm, norm_type):
    """Scale the picked rows of ``weight`` whose norm exceeds ``max_norm`` down to it, in
    place and unrecorded: ``row *= max_norm / (norm + 1e-7)``, the scale taken in float64
    as torch does."""
    with tape.no_grad():
        rows = weight[indices.reshape(-1)]
        norms = rows.norm(norm_type, dim=1, keepdim=True)
        scale = (max_norm / (norms.double() + 1e-7)).to(weight.dtype)
        weight[indices.reshape(-1)] = ops.where(norms > max_norm, rows * scale, rows)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05):
    """Normalize over the last ``len(normalized_shape)`` dims to mean 0 and variance 1,
    then scale by ``weight`` and shift by ``bias``.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.layer_norm(autodiff.tensor([[1.0, 2.0, 3.0]]), (3,))
    tensor([[-1.2247,  0.0000,  1.2247]])
    """
    normalized_shape = (normalized_shape,) if isinstance(normalized_shape, int) \
        else tuple(normalized_shape)
    if tuple(input.shape[input.ndim - len(normalized_shape):]) != normalized_shape:
        raise RuntimeError(f"Given normalized_shape={list(normalized_shape)}, expected input "
                           f"with shape [*, {', '.join(map(str, normalized_shape))}], but got "
                           f"input of size{list(input.shape)}")
    return apply(RULES["layer_norm"], input, weight, bias, normalized_shape=normalized_shape,
                 eps=eps)


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-05):
    """Normalize each channel (dim 1) to mean 0 and variance 1, then scale by ``weight``
    and shift by ``bias``. Training: with the batch's statistics, and the running ones
    (if given) move toward them by ``momentum``; evaluation: with the running ones.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.batch_norm(autodiff.tensor([[1.0], [3.0]]), None, None, training=True)
    tensor([[-1.0000],
            [ 1.0000]])
    """
    if training:
        if input.numel() // input.shape[1] <= 1:
            raise ValueError("Expected more than 1 value per channel when training, got input "
                             f"size {input.shape}")
        if running_mean is not None:
            _update_running_stats(input, running_mean, running_var, momentum)
    elif running_mean is None:
        raise RuntimeError("running_mean must be defined in evaluation mode")
    return apply(RULES["batch_norm"], input, weight, bias, running_mean=running_mean,
                 running_var=running_var, training=training, eps=eps)


def _update_running_stats(input, running_mean, running_var, momentum):
    """running = momentum * batch + (1 - momentum) * running (the variance unbiased)."""
    dims = (0,) + tuple(range(2, input.ndim))
    with tape.no_grad():
        batch = input.detach()
        running_mean.copy_(momentum * batch.mean(dims) + (1 - momentum) * running_mean)
        running_var.copy_(momentum * batch.var(dims) + (1 - momentum) * running_var)


def _pair(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x, x)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D cross-correlation of ``input`` (N, C, H, W) with ``weight`` (O, C / groups,
    kH, kW), plus ``bias``: ``jax.lax.conv_general_dilated`` forward, a hand-written
    backward. ``groups``: the channels split into that many independent convolutions.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> image = autodiff.arange(9.0).reshape(1, 1, 3, 3)
    >>> F.conv2d(image, autodiff.ones(1, 1, 2, 2))
    tensor([[[[ 8., 12.],
              [20., 24.]]]])
    """
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if input.ndim == 3:
        return conv2d(input.unsqueeze(0), weight, bias, stride, padding, dilation,
                      groups).squeeze(0)
    stride, dilation = _pair(stride), _pair(dilation)
    if padding == "valid":
        padding = 0
    if padding == "same":
        total = [d * (k - 1) for d, k in zip(dilation, weight.shape[2:])]
        if any(t % 2 for t in total):
            tape.warn_once("Using padding='same' with even kernel lengths and odd dilation may "
                       "require a zero-padded copy of the input be created")
        pads = tuple((t // 2, t - t // 2) for t in total)
    else:
        pads = tuple((p, p) for p in _pair(padding))
    if weight.shape[0] < groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least {groups} at "
                           f"dimension 0, but got weight of size {list(weight.shape)} instead")
    if weight.shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} "
                           f"at dimension 0, but got weight of size [{list(weight.shape)}] "
                           "instead")
    if input.shape[1] != weight.shape[1] * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {list(weight.shape)}, "
                           f"expected input{list(input.shape)} to have "
                           f"{weight.shape[1] * groups} channels, but got {input.shape[1]} "
                           "channels instead")
    padded = [s + lo + hi for s, (lo, hi) in zip(input.shape[2:], pads)]
    kernel = [d * (k - 1) + 1 for d, k in zip(dilation, weight.shape[2:])]
    if any(k > s for k, s in zip(kernel, padded)):
        raise RuntimeError(f"Calculated padded input size per channel: ({padded[0]} x "
                           f"{padded[1]}). Kernel size: ({kernel[0]} x {kernel[1]}). Kernel "
                           "size can't be greater than actual input size")
    numbers = jax.lax.conv_dimension_numbers(tuple(input.shape), tuple(weight.shape),
                                             ("NCHW", "OIHW", "NCHW"))
    return apply(RULES["convolution"], input, weight, bias, stride=stride, padding=pads,
                 dilation=dilation, lhs_dilation=(1, 1), dimension_numbers=numbers,
                 feature_group_count=groups, batch_group_count=1)


_pool_size = _pooling_output_shape     # how many windows fit along one dim


def _window_indices(height, width, kernel, stride, padding, dilation, ceil_mode):
    """For each output position and kernel tap: the flat input position, or -1 (padding)."""
    axes = []
    for size, k, s, p, d in zip((height, width), kernel, stride, padding, dilation):
        out = _pool_size(size, k, s, p, d, ceil_mode)
        pos = np.arange(out)[:, None] * s - p + np.arange(k)[None, :] * d     # (out, k)
        axes.append(np.where((pos >= 0) & (pos < size), pos, -1))
    rows, cols = axes
    flat = rows[:, None, :, None] * width + cols[None, :, None, :]           # (oh, ow, kh, kw)
    valid = (rows[:, None, :, None] >= 0) & (cols[None, :, None, :] >= 0)
    return np.where(valid, flat, -1).reshape(rows.shape[0], cols.shape[0], -1)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """The largest element of each ``kernel_size`` window of (N, C, H, W) ``input``;
    ``return_indices=True`` also gives where it was (a position in the H*W plane).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.max_pool2d(autodiff.arange(16.0).reshape(1, 1, 4, 4), 2)
    tensor([[[[ 5.,  7.],
              [13., 15.]]]])
    """
    if input.ndim == 3:
        out = max_pool2d(input.unsqueeze(0), kernel_size, stride, padding, dilation,
                         ceil_mode, return_indices)
        return tuple(o.squeeze(0) for o in out) if return_indices else out.squeeze(0)
    kernel = _pair(kernel_size)
    stride = kernel if stride is None or stride == [] else _pair(stride)
    padding, dilation = _pair(padding), _pair(dilation)
    for p, k, d in zip(padding, kernel, dilation):
        if p > (d * (k - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                               f"pad={p}, kernel_size={k} and dilation={d}")
    if any(p > k // 2 for p, k in zip(padding, kernel)):
        raise RuntimeError(f"pad should be smaller than or equal to half of kernel size, but "
                           f"got padW = {padding[1]}, padH = {padding[0]}, kW = {kernel[1]}, "
                           f"kH = {kernel[0]}")
    n, c, h, w = input.shape
    out = [_pool_size(*args, ceil_mode) for args in zip((h, w), kernel, stride, padding,
                                                         dilation)]
    if min(out) < 1:
        raise RuntimeError(f"Given input size: ({c}x{h}x{w}). Calculated output size: "
                           f"({c}x{out[0]}x{out[1]}). Output size is too small")
    taps = _window_indices(h, w, kernel, stride, padding, dilation, ceil_mode)
    x = input._value().reshape(n, c, -1)
    windows = jnp.where(taps >= 0, x[:, :, np.maximum(taps, 0)], -jnp.inf)  # n,c,oh,ow,taps
    best = jnp.argmax(windows, axis=-1)
    indices = jnp.take_along_axis(jnp.broadcast_to(taps, windows.shape), best[..., None],
                                  axis=-1)[..., 0]
    out = apply(RULES["max_pool2d"], input, kernel_size=kernel, stride=stride,
                padding=padding, dilation=dilation, ceil_mode=ceil_mode, indices=indices,
                self_sym_sizes=input.shape)
    return (out, tape.make_tensor(indices.astype(np.int64))) if return_indices else out


# ---------------------------------------------------------------------------------------
# Losses
# ---------------------------------------------------------------------------------------

_REDUCTIONS = {"none": 0, "mean": 1, "sum": 2}


def _reduction_enum(reduction):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return _REDUCTIONS[reduction]


def _reduce(loss, reduction):
    """Apply a reduction with ordinary ops (for the composite losses)."""
    return {"none": loss, "mean": loss.mean(), "sum": loss.sum()}[reduction]


def _broadcast_pair(input, target):
    """The loss of elementwise pairs; torch warns when the two shapes differ."""
    if target.shape != input.shape:
        warnings.warn(f"Using a target size ({_size(target)}) that is different to the input "
                      f"size ({_size(input)}). This will likely lead to incorrect results due "
                      "to broadcasting. Please ensure they have the same size.",
                      UserWarning, stacklevel=3)
        shape = ops.broadcast_shapes(input.shape, target.shape)
        input, target = input.expand(shape), target.expand(shape)
    return input, target


def _size(t):
    return f"autodiff.Size({list(t.shape)})"


def mse_loss(input, target, reduction="mean"):
    """The squared error ``(input - target) ** 2``, averaged (or summed, or kept).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.mse_loss(autodiff.tensor([1.0, 2.0]), autodiff.tensor([0.0, 4.0]))
    tensor(2.5000)
    """
    enum = _reduction_enum(reduction)
    input, target = _broadcast_pair(input, target)
    _check_kernel("mse_loss", input)
    return apply(RULES["mse_loss"], input, target, reduction=enum)


def l1_loss(input, target, reduction="mean"):
    """The absolute error ``|input - target|``, averaged (or summed, or kept).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.l1_loss(autodiff.tensor([1.0, 2.0]), autodiff.tensor([0.0, 4.0]))
    tensor(1.5000)
    """
    _reduction_enum(reduction)
    input, target = _broadcast_pair(input, target)
    return _reduce((input - target).abs(), reduction)


def _check_targets(input, target):
    if input.ndim >= 2 and target.ndim >= 1 and input.shape[0] != target.shape[0]:
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target "
                         f"batch_size ({target.shape[0]}).")
    if target.dtype.is_floating_point:
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got "
                           f"{D.c_name(target.dtype)}")
    expected = input.shape[:1] + input.shape[2:]
    if input.ndim > 2 and target.shape != expected:
        raise RuntimeError(f"Expected target size {list(expected)}, got {list(target.shape)}")


def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):
    """The negative log-likelihood ``-input[i, target[i]]`` of log-probabilities
    ``input`` (N, C) (or (C,), or (N, C, d1, ...)), weighted per class by ``weight``.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.nll_loss(autodiff.tensor([[-1.0, -2.0], [-3.0, -0.5]]), autodiff.tensor([0, 1]))
    tensor(0.7500)
    """
    enum = _reduction_enum(reduction)
    _check_targets(input, target)
    n_classes = input.shape[0 if input.ndim == 1 else 1]
    if concrete(target._value()):
        t = np.asarray(target._value())
        wrong = t[(t != ignore_index) & ((t < 0) | (t >= n_classes))]
        if wrong.size:
            raise IndexError(f"Target {wrong.flat[0]} is out of bounds.")
    attrs = dict(target=target, weight=weight, reduction=enum, ignore_index=ignore_index,
                 self_sym_sizes=input.shape)
    if input.ndim <= 2:
        return apply(RULES["nll_loss"], input, **attrs)
    if input.ndim == 4:
        return apply(RULES["nll_loss2d"], input, **attrs)
    # other ranks go through the 2-D kernel, as (N, C, 1, rest)
    n = input.shape[0]
    flat = input.contiguous().view(n, n_classes, 1, -1)
    attrs.update(target=target.contiguous().view(n, 1, -1), self_sym_sizes=flat.shape)
    out = apply(RULES["nll_loss2d"], flat, **attrs)
    return out.view(target.shape) if enum == 0 else out


def cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean",
                  label_smoothing=0.0):
    """The cross-entropy of the logits ``input`` against class indices (``nll_loss`` of
    ``log_softmax``) or against class probabilities of input's shape;
    ``label_smoothing`` mixes the target with the uniform distribution.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> logits = autodiff.tensor([[2.0, 0.0], [0.0, 2.0]])
    >>> F.cross_entropy(logits, autodiff.tensor([0, 1]))
    tensor(0.1269)
    >>> F.cross_entropy(logits, autodiff.tensor([[0.5, 0.5], [0.0, 1.0]]))
    tensor(0.6269)
    """
    _reduction_enum(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: "
                           f"{label_smoothing}")
    class_dim = 0 if input.ndim == 1 else 1
    log_p = ops.log_softmax(input, class_dim)
    if target.dtype.is_floating_point and target.shape == input.shape:
        return _cross_entropy_probabilities(log_p, target, weight, reduction, label_smoothing,
                                            class_dim)
    loss = nll_loss(log_p, target, weight, ignore_index, reduction)
    if label_smoothing == 0.0:
        return loss
    return _smoothed(loss, log_p, target, weight, ignore_index, reduction, label_smoothing,
                     class_dim)


def _weight_along(weight, class_dim, ndim):
    """``weight`` (C,) shaped to broadcast along the class dim of an ``ndim`` tensor."""
    return weight.view(*[-1 if d == class_dim else 1 for d in range(ndim)])


def _cross_entropy_probabilities(log_p, target, weight, reduction, smoothing, class_dim):
    n_classes = log_p.shape[class_dim]
    if smoothing > 0.0:
        target = target * (1 - smoothing) + smoothing / n_classes
    terms = log_p * target
    if weight is not None:
        terms = terms * _weight_along(weight, class_dim, log_p.ndim)
    if reduction == "none":
        return -terms.sum(class_dim)
    total = -terms.sum()
    if reduction == "sum":
        return total
    return apply(RULES["div_scalar"], total, other=log_p.numel() // n_classes)


def _smoothed(nll, log_p, target, weight, ignore_index, reduction, smoothing, class_dim):
    """torch's ``cross_entropy_loss_label_smoothing``: mix the nll with the mean of
    ``-log_p`` over the classes."""
    n_classes = log_p.shape[class_dim]
    ignored = target == ignore_index
    if weight is not None:
        log_p = log_p * _weight_along(weight, class_dim, log_p.ndim)
    smooth = ops.where(ignored, 0.0, -log_p.sum(class_dim))
    if reduction == "mean":
        if weight is None:
            smooth = smooth.sum() / (~ignored).sum()
        else:
            kept = target._value()[~ignored._value()]
            smooth = smooth.sum() / tape.make_tensor(weight._value()[kept]).sum()
    elif reduction == "sum":
        smooth = smooth.sum()
    return _times_scalar(nll, 1 - smoothing) + _times_scalar(smooth, smoothing / n_classes)


def binary_cross_entropy(input, target, weight=None, reduction="mean"):
    """``-(t log p + (1 - t) log(1 - p))`` for probabilities ``input`` in [0, 1] (each log
    clamped at -100), weighted by ``weight``.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.binary_cross_entropy(autodiff.tensor([0.9, 0.2]), autodiff.tensor([1.0, 0.0]))
    tensor(0.1643)
    """
    enum = _reduction_enum(reduction)
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({_size(target)}) that is different to the "
                         f"input size ({_size(input)}) is deprecated. Please ensure they have "
                         "the same size.")
    values = input._value()
    if concrete(values) and not bool(jnp.all((values >= 0) & (values <= 1))):
        raise RuntimeError("all elements of input should be between 0 and 1")
    if weight is not None:
        weight = weight.expand(ops.broadcast_shapes(target.shape, weight.shape))
    return apply(RULES["binary_cross_entropy"], input, target, weight=weight, reduction=enum)


def binary_cross_entropy_with_logits(input, target, weight=None, reduction="mean",
                                     pos_weight=None):
    """``binary_cross_entropy(sigmoid(input), target)`` in one stable step;
    ``pos_weight`` weighs the positive term per class.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.binary_cross_entropy_with_logits(autodiff.tensor([2.0, -1.0]),
    ...                                    autodiff.tensor([1.0, 0.0]))
    tensor(0.2201)
    """
    enum = _reduction_enum(reduction)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({_size(target)}) must be the same as input size "
                         f"({_size(input)})")
    return apply(RULES["binary_cross_entropy_with_logits"], input, target, weight=weight,
                 pos_weight=pos_weight, reduction=enum)


# ---------------------------------------------------------------------------------------
# More activations
# ---------------------------------------------------------------------------------------


def logsigmoid(input):
    """``log(sigmoid(x))``, computed stably (LogSigmoidBackward0).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.logsigmoid(autodiff.tensor([-1.0, 0.0, 1.0]))
    tensor([-1.3133, -0.6931, -0.3133])
    """
    _check_kernel("log_sigmoid", input)
    return apply(RULES["log_sigmoid"], input)


def hardswish(input, inplace=False):
    """``x * relu6(x + 3) / 6`` (HardswishBackward0).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.hardswish(autodiff.tensor([-4.0, 1.0, 4.0]))
    tensor([-0.0000,  0.6667,  4.0000])
    """
    return _activation("hardswish", input, inplace)


def hardsigmoid(input, inplace=False):
    """``relu6(x + 3) / 6`` (HardsigmoidBackward0; its gradient has no derivative, as in
    torch).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.hardsigmoid(autodiff.tensor([-4.0, 0.0, 1.5]))
    tensor([0.0000, 0.5000, 0.7500])
    """
    return _activation("hardsigmoid", input, inplace)


def mish(input, inplace=False):
    """``x * tanh(softplus(x))`` (MishBackward0).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.mish(autodiff.tensor([-1.0, 0.0, 1.0]))
    tensor([-0.3034,  0.0000,  0.8651])
    """
    return _activation("mish", input, inplace)


def softsign(input):
    """``x / (1 + |x|)``, as torch composes it.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.softsign(autodiff.tensor([-3.0, 1.0]))
    tensor([-0.7500,  0.5000])
    """
    return input / (input.abs() + 1)


def softmin(input, dim=None, dtype=None):
    """``softmax(-x)`` along ``dim``.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.softmin(autodiff.tensor([1.0, 2.0]), dim=0)
    tensor([0.7311, 0.2689])
    """
    if dim is None:
        dim = _softmax_dim("softmin", input.ndim)
    return ops.softmax(-input, dim, dtype=dtype)


def glu(input, dim=-1):
    """The gated linear unit: ``a * sigmoid(b)``, ``a`` and ``b`` the two halves of
    ``input`` along ``dim`` (GluBackward0).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.glu(autodiff.tensor([1.0, 2.0, 0.0, 100.0]))
    tensor([0.5000, 2.0000])
    """
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = tape.wrap_dim(dim, input.ndim)
    if input.shape[d] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size "
                           f"{input.shape[d]}")
    return apply(RULES["glu"], input, dim=d)


def prelu(input, weight):
    """``x`` where positive, ``weight * x`` elsewhere, with one learned slope or one per
    channel (dim 1): torch's view of the weight, then PreluKernelBackward0.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.prelu(autodiff.tensor([-2.0, 3.0]), autodiff.tensor([0.25]))
    tensor([-0.5000,  3.0000])
    """
    if weight.ndim > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: "
                           f"ndim = {weight.ndim}")
    n = weight.numel()
    if n != 1:
        if input.ndim == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        channels = input.shape[1] if input.ndim > 1 else 1
        if channels != n:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found "
                               f"parameter numbers = {n} and channel size = {channels}.")
    if input.ndim != weight.ndim:
        weight = weight.view(*[n if d == 1 else 1 for d in range(input.ndim)])
    return apply(RULES["prelu"], input, weight)


def celu(input, alpha=1.0, inplace=False):
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))`` (CeluBackward0).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.celu(autodiff.tensor([-1.0, 2.0]), alpha=0.5)
    tensor([-0.4323,  2.0000])
    """
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    return _activation("celu", input, inplace, alpha=alpha, scale=1, input_scale=1 / alpha)


def threshold(input, threshold, value, inplace=False):
    """``x`` where ``x > threshold``, ``value`` elsewhere (ThresholdBackward0).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.threshold(autodiff.tensor([0.5, 2.0]), 1.0, -1.0)
    tensor([-1.,  2.])
    """
    return _activation("threshold", input, inplace, threshold=threshold, value=value)


# ---------------------------------------------------------------------------------------
# Distances, normalization, padding, one-hot
# ---------------------------------------------------------------------------------------


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
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
    return ops.div(input, denom, out=out)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """The cosine of the angle between ``x1`` and ``x2`` along ``dim``: each divided by
    its norm (clamped to ``eps``, outside the graph), multiplied and summed, as torch's
    C++ does.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.cosine_similarity(autodiff.tensor([[1.0, 0.0]]), autodiff.tensor([[1.0, 1.0]]))
    tensor([0.7071])
    """
    common = D.promote_types(x1.dtype, x2.dtype)
    if not common.is_floating_point:
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is "
                           f"{D.c_name(common)}")
    x1, x2 = (x if x.dtype.is_floating_point else x.to(common) for x in (x1, x2))
    if x1.shape != x2.shape:
        shape = ops.broadcast_shapes(x1.shape, x2.shape)
        x1, x2 = x1.expand(shape), x2.expand(shape)
    norms = [x.norm(2, dim, keepdim=True).clone() for x in (x1, x2)]
    with tape.no_grad():
        for n in norms:
            n.clamp_min_(eps)
    return ((x1 / norms[0]) * (x2 / norms[1])).sum(dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """The ``p``-norm of ``x1 - x2 + eps`` along the last dim (NormBackward1, torch's
    ``at::norm``).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.pairwise_distance(autodiff.tensor([[0.0, 0.0]]), autodiff.tensor([[3.0, 4.0]]))
    tensor([5.0000])
    """
    dim = max(x1.ndim, x2.ndim) - 1
    diff = _plus_scalar(x1 - x2, eps)
    return apply(RULES["norm_scalaropt_dim"], diff, ord=p, dim=(dim,) if dim >= 0 else None,
                 keepdim=keepdim)


def one_hot(tensor, num_classes=-1):
    """Class indices (int64) as one-hot rows of ``num_classes`` (by default one more than
    the largest index); int64, without a gradient.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.one_hot(autodiff.tensor([0, 2]), 3)
    tensor([[1, 0, 0],
            [0, 0, 1]])
    """
    if tensor.dtype is not D.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    values = np.asarray(tensor._value())
    if values.size == 0:
        if num_classes == -1:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
    else:
        if values.min() < 0:
            raise RuntimeError("Class values must be non-negative.")
        if num_classes == -1:
            num_classes = int(values.max()) + 1
        elif values.max() >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    return tape.make_tensor(jnp.asarray(values[..., None] == np.arange(num_classes), jnp.int64))


def pad(input, pad, mode="constant", value=None):
    """Pad the last ``len(pad) // 2`` dims: ``pad`` is (before, after) for the last dim,
    then the one before it... (negative values crop). ``mode='constant'`` only: it fills
    with ``value`` (0 by default); ConstantPadNdBackward0.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.pad(autodiff.tensor([[1.0, 2.0]]), (1, 0), value=9.0)
    tensor([[9., 1., 2.]])
    """
    if mode != "constant":
        raise NotImplementedError(f"autodiff: pad supports mode='constant' only, not "
                                  f"{mode!r}")
    pad = tuple(pad)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError(f"Padding length should be less than or equal to two times the "
                           f"input dimension but got padding length {len(pad)} and input of "
                           f"dimension {input.ndim}")
    if any(input.shape[-1 - i] + pad[2 * i] + pad[2 * i + 1] < 0
           for i in range(len(pad) // 2)):
        raise RuntimeError("narrow(): length must be non-negative.")
    return apply(RULES["constant_pad_nd"], input, pad=pad, value=0 if value is None else value)


# ---------------------------------------------------------------------------------------
# More losses
# ---------------------------------------------------------------------------------------


def smooth_l1_loss(input, target, reduction="mean", beta=1.0):
    """``0.5 d^2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta`` (``d = input -
    target``), averaged (SmoothL1LossBackward0; ``beta=0`` is ``l1_loss``, as in torch).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.smooth_l1_loss(autodiff.tensor([0.5, 3.0]), autodiff.tensor([0.0, 0.0]))
    tensor(1.3125)
    """
    enum = _reduction_enum(reduction)
    input, target = _broadcast_pair(input, target)
    if beta == 0.0:
        return _reduce((input - target).abs(), reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    return apply(RULES["smooth_l1_loss"], input, target, reduction=enum, beta=beta)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """``0.5 d^2`` where ``|d| < delta``, else ``delta (|d| - 0.5 delta)``
    (``d = input - target``), averaged (HuberLossBackward0).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.huber_loss(autodiff.tensor([0.5, 3.0]), autodiff.tensor([0.0, 0.0]), delta=2.0)
    tensor(2.0625)
    """
    if weight is not None:
        raise NotImplementedError("autodiff: huber_loss does not take a weight")
    enum = _reduction_enum(reduction)
    input, target = _broadcast_pair(input, target)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    return apply(RULES["huber_loss"], input, target, reduction=enum, delta=delta)


def _legacy_reduction(size_average, reduce):
    """torch's ``_Reduction.legacy_get_string``, with its warning."""
    warnings.warn("size_average and reduce args will be deprecated, please use reduction="
                  f"'{_legacy_name(size_average, reduce)}' instead.", UserWarning, stacklevel=3)
    return _legacy_name(size_average, reduce)


def _legacy_name(size_average, reduce):
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    return "none" if not reduce else "mean" if size_average else "sum"


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """The Kullback-Leibler divergence of ``target`` from log-probabilities ``input``:
    ``xlogy(t, t) - t * input`` (``exp(t) * (t - input)`` with ``log_target``), reduced;
    ``'batchmean'`` divides the sum by the batch size (torch warns that ``'mean'``
    divides by every element).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> p = autodiff.tensor([[0.25, 0.75]])
    >>> F.kl_div(p.log(), autodiff.tensor([[0.5, 0.5]]), reduction="batchmean")
    tensor(0.1438)
    """
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    elif reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and "
                      "the support size.'batchmean' divides only by the batch size, and "
                      "aligns with the KL div math definition.'mean' will be changed to "
                      "behave the same as 'batchmean' in the next major release.",
                      UserWarning, stacklevel=2)
    batchmean = reduction == "batchmean"
    if batchmean:
        reduction = "sum" if input.ndim != 0 else "mean"
    _reduction_enum(reduction)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        loss = ops.xlogy(target, target) - target * input
    loss = _reduce(loss, reduction)
    return loss / input.shape[0] if batchmean and input.ndim != 0 else loss


def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction="mean"):
    """``1 - cos(x1, x2)`` where ``target`` is 1, ``max(0, cos(x1, x2) - margin)`` where it
    is -1, as torch's C++ composes it.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> x = autodiff.tensor([[1.0, 0.0], [0.0, 1.0]])
    >>> F.cosine_embedding_loss(x, autodiff.tensor([[1.0, 1.0], [0.0, 1.0]]),
    ...                         autodiff.tensor([1, -1]))
    tensor(0.6464)
    """
    enum = _reduction_enum(reduction)
    dim = target.ndim
    if dim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if dim == 1 and not (input1.ndim == 2 and input2.ndim == 2):
        raise RuntimeError(f"1D target tensor expects 2D input tensors, but found inputs with "
                           f"sizes {list(input1.shape)} and {list(input2.shape)}.")
    if dim == 0 and not (input1.ndim == 1 and input2.ndim == 1):
        raise RuntimeError(f"0D target tensor expects 1D input tensors, but found inputs with "
                           f"sizes {list(input1.shape)} and {list(input2.shape)}.")
    prod_sum = (input1 * input2).sum(dim)
    mag_square1 = _plus_scalar((input1 * input1).sum(dim), 1e-12)
    mag_square2 = _plus_scalar((input2 * input2).sum(dim), 1e-12)
    cos = prod_sum / (mag_square1 * mag_square2).sqrt_()
    zeros = ops.zeros_like(cos)
    output = (ops.where(target == 1, _scalar_minus(1, cos), zeros)
              + ops.where(target == -1, _minus_scalar(cos, margin).clamp_min_(0), zeros))
    return _reduce(output, list(_REDUCTIONS)[enum])


def margin_ranking_loss(input1, input2, target, margin=0.0, reduction="mean"):
    """``max(0, -target * (x1 - x2) + margin)``: ``target`` 1 asks for ``x1`` ranked above
    ``x2``, -1 below.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.margin_ranking_loss(autodiff.tensor([1.0, 0.0]), autodiff.tensor([0.0, 0.5]),
    ...                       autodiff.tensor([1.0, 1.0]), margin=0.5)
    tensor(0.5000)
    """
    if not input1.ndim == input2.ndim == target.ndim:
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same "
                           f"dimension but got sizes: input1: {_size(input1)}, input2: "
                           f"{_size(input2)}, target: {_size(target)} ")
    _reduction_enum(reduction)
    return _reduce(_plus_scalar(-target * (input1 - input2), margin).clamp_min_(0), reduction)


# ---------------------------------------------------------------------------------------
# More pools and norms
# ---------------------------------------------------------------------------------------


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """The mean of each ``kernel_size`` window of (N, C, H, W) or (C, H, W) ``input``
    (stride defaults to the kernel size); ``count_include_pad`` counts the zero padding
    in the mean, ``divisor_override`` divides by a number of your own (AvgPool2DBackward0).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.avg_pool2d(autodiff.arange(16.0).reshape(1, 1, 4, 4), 2)
    tensor([[[[ 2.5000,  4.5000],
              [10.5000, 12.5000]]]])
    """
    kernel = _pair(kernel_size)
    stride = kernel if stride is None or stride == [] else _pair(stride)
    padding = _pair(padding)
    if input.ndim not in (3, 4):
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
    for p, k in zip(padding, kernel):
        if p > k // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                               f"pad={p}, kernel_size={k} and dilation=1")
    c, h, w = input.shape[-3:]
    out = [_pool_size(n, k, s, p, 1, ceil_mode)
           for n, k, s, p in zip((h, w), kernel, stride, padding)]
    if min(out) < 1:
        raise RuntimeError(f"Given input size: ({c}x{h}x{w}). Calculated output size: "
                           f"({c}x{out[0]}x{out[1]}). Output size is too small")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    return apply(RULES["avg_pool2d"], input, kernel_size=kernel, stride=stride,
                 padding=padding, ceil_mode=ceil_mode, count_include_pad=count_include_pad,
                 divisor_override=divisor_override)


def adaptive_avg_pool2d(input, output_size):
    """The mean over windows that split (N, C, H, W) or (C, H, W) ``input`` into
    ``output_size`` (an int, or a pair whose ``None`` keeps that size) as evenly as they
    can: AdaptiveAvgPool2DBackward0, or a mean over H and W for an output of 1 x 1 (torch's
    choice).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.adaptive_avg_pool2d(autodiff.arange(6.0).reshape(1, 2, 3), (1, 2))
    tensor([[[2., 3.]]])
    """
    if input.ndim not in (3, 4):
        raise RuntimeError(f"adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got "
                           f"{list(input.shape)}")
    size = (output_size, output_size) if isinstance(output_size, int) else tuple(output_size)
    if len(size) != 2:
        raise RuntimeError("adaptive_avg_pool2d: output_size must be 2")
    size = tuple(n if o is None else o for o, n in zip(size, input.shape[-2:]))
    if size == (1, 1):
        return input.mean((-1, -2), keepdim=True)
    return apply(RULES["adaptive_avg_pool2d"], input, output_size=size)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05):
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
