"""Convolution (``conv2d``): ``lax.conv_general_dilated``, whose two gradients are
convolutions too, recorded by the same row."""

from __future__ import annotations

from typing import Optional, Union

import jax

from ... import tape
from ...tape import RULES, Tensor, apply, row
from ._common import Size2, _pair


# convolution (lax.conv_general_dilated). Its two gradients are convolutions too, so the
# backward is recorded by this same row (double backward comes for free):
#   d/d input  = conv(grad, flipped weight), input and output specs swapped, the
#                stride becoming a dilation of grad;
#   d/d weight = conv(input, grad), batch and feature dims swapped.
# Groups (torch's groups: feature groups) split the channels into independent
# convolutions; the weight's gradient is then a convolution in batch groups, and a
# gradient of that (double backward) one in feature groups again.
# (jax's _conv_general_dilated_transpose_lhs/_rhs, written with autodiff ops.)
def _conv_forward(input, weight, bias, stride, padding, dilation, lhs_dilation,
                  dimension_numbers, feature_group_count, batch_group_count):
    out = jax.lax.conv_general_dilated(input, weight, stride, padding, lhs_dilation, dilation,
                                       dimension_numbers, feature_group_count,
                                       batch_group_count)
    return out if bias is None else out + bias.reshape((-1,) + (1,) * (out.ndim - 2))


def _swap01(spec):
    return (spec[1], spec[0]) + tuple(spec[2:])


def _regroup(x, src, dst, groups):
    """Dim ``src`` split into (groups, size / groups), the groups then merged into dim
    ``dst`` as its major part (jax's _reshape_axis_out_of and _reshape_axis_into)."""
    shape = list(x.shape)
    merged = list(shape)
    merged[src], merged[dst] = shape[src] // groups, shape[dst] * groups
    split = shape[:src] + [groups, shape[src] // groups] + shape[src + 1:]
    return x.reshape(split).movedim(src, dst).reshape(merged)


def _dilated(shape, dilation):
    return [0 if s == 0 else 1 + d * (s - 1) for s, d in zip(shape, dilation)]


def _conv_geometry(grad, input, weight, stride, padding, dilation, lhs_dilation,
                   dimension_numbers):
    """What both gradients of a convolution start from: the spatial sizes of the kernel,
    the input and the output, each dilated as the forward saw it, and the low padding."""
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    kernel = _dilated([weight.shape[d] for d in rhs_spec[2:]], dilation)
    lhs = _dilated([input.shape[d] for d in lhs_spec[2:]], lhs_dilation)
    out = _dilated([grad.shape[d] for d in out_spec[2:]], stride)
    return kernel, lhs, out, [p[0] for p in padding]


def _convolution(input, weight, **attrs):
    return tape.apply(RULES["convolution"], input, weight, None, **attrs)


def _conv_input_grad(grad, input, weight, stride, padding, dilation, lhs_dilation,
                     dimension_numbers, feature_group_count, batch_group_count):
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    kernel, lhs, out, lo = _conv_geometry(grad, input, weight, stride, padding, dilation,
                                          lhs_dilation, dimension_numbers)
    # pad so that every output position sees the kernel positions that touched it
    before = [k - p - 1 for k, p in zip(kernel, lo)]
    after = [l + k - 1 - o - b for l, k, o, b in zip(lhs, kernel, out, before)]
    # (in groups: the weight's output dim holds them; they move into its input dim)
    groups = max(feature_group_count, batch_group_count)
    kernel_t = weight if groups == 1 else _regroup(weight, rhs_spec[0], rhs_spec[1], groups)
    flipped = tape.apply(RULES["flip"], kernel_t, dims=tuple(rhs_spec[2:]))
    grad_input = _convolution(grad, flipped, stride=lhs_dilation,
                              padding=tuple(zip(before, after)), dilation=dilation,
                              lhs_dilation=stride,
                              dimension_numbers=jax.lax.ConvDimensionNumbers(
                                  out_spec, _swap01(rhs_spec), lhs_spec),
                              feature_group_count=groups, batch_group_count=1)
    if batch_group_count > 1:        # batch groups: their channels go back into the batch
        grad_input = _regroup(grad_input, lhs_spec[1], lhs_spec[0], batch_group_count)
    return grad_input


def _conv_weight_grad(grad, input, weight, stride, padding, dilation, lhs_dilation,
                      dimension_numbers, feature_group_count, batch_group_count):
    # correlate the input with grad, the kernel positions as the output (feature groups
    # become batch groups, and batch groups feature groups)
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    kernel, lhs, out, lo = _conv_geometry(grad, input, weight, stride, padding, dilation,
                                          lhs_dilation, dimension_numbers)
    after = [o - l + k - p - 1 for o, l, k, p in zip(out, lhs, kernel, lo)]
    return _convolution(input, grad, stride=dilation, padding=tuple(zip(lo, after)),
                        dilation=stride, lhs_dilation=lhs_dilation,
                        dimension_numbers=jax.lax.ConvDimensionNumbers(
                            _swap01(lhs_spec), _swap01(out_spec), _swap01(rhs_spec)),
                        feature_group_count=batch_group_count,
                        batch_group_count=feature_group_count)


row("convolution", "ConvolutionBackward0",
    lambda input, weight, bias, *, stride, padding, dilation, lhs_dilation,
    dimension_numbers, feature_group_count, batch_group_count: _conv_forward(
        input, weight, bias, stride, padding, dilation, lhs_dilation, dimension_numbers,
        feature_group_count, batch_group_count),
    (_conv_input_grad, _conv_weight_grad,
     lambda grad, dimension_numbers: grad.sum(                  # all but the channel dim
         tuple(d for d in range(grad.ndim) if d != dimension_numbers[2][1]))))


def conv2d(input: Tensor, weight: Tensor, bias: Optional[Tensor] = None, stride: Size2 = 1,
           padding: Union[Size2, str] = 0, dilation: Size2 = 1, groups: int = 1) -> Tensor:
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


__all__ = ["conv2d"]
