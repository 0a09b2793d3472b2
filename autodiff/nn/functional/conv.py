"""Convolutions (``conv1d/2d/3d``, ``conv_transpose1d/2d/3d``): one row, torch's
``convolution`` with its ``transposed`` flag: ``lax.conv_general_dilated``, or its
adjoint in the input for a transposed convolution; the gradients of each are the other
(and a convolution for the weight), recorded by the same row -- under the name torch gives
them when a gradient is differentiated again (``ConvolutionBackwardBackward0``)."""

from __future__ import annotations

import functools

from typing import Optional, Union

import jax
import jax.numpy as jnp

from ... import dtypes as D
from ... import tape
from ...tape import RULES, apply, row
from .padding import pad


# convolution (lax.conv_general_dilated), described by jax's attributes; transposed: the
# adjoint of that convolution in its input (torch's transposed convolution: what the
# input, of shape ``input_sizes``, receives from an output gradient). Each is the other's
# input gradient, so the backward is recorded by this same row (double backward comes for
# free; see ``_ADJOINT`` for the names of its nodes):
#   d/d input  = the transposed convolution of grad (and of a transposed one: the
#                convolution), computed as a convolution of grad with the flipped weight,
#                input and output specs swapped, the stride becoming a dilation of grad;
#   d/d weight = conv(input, grad), batch and feature dims swapped (for a transposed one,
#                input and grad change places).
# Groups (torch's groups: feature groups) split the channels into independent
# convolutions; the weight's gradient is then a convolution in batch groups, and a
# gradient of that (double backward) one in feature groups again.
# (jax's _conv_general_dilated_transpose_lhs/_rhs.)
def _regroup(x, src, dst, groups):
    """Dim ``src`` split into (groups, size / groups), the groups then merged into dim
    ``dst`` as its major part (jax's _reshape_axis_out_of and _reshape_axis_into)."""
    shape = list(x.shape)
    merged = list(shape)
    merged[src], merged[dst] = shape[src] // groups, shape[dst] * groups
    split = shape[:src] + [groups, shape[src] // groups] + shape[src + 1:]
    return jnp.moveaxis(x.reshape(split), src, dst).reshape(merged)


def _swap01(spec):
    return (spec[1], spec[0]) + tuple(spec[2:])


def _dilated(shape, dilation):
    return [0 if s == 0 else 1 + d * (s - 1) for s, d in zip(shape, dilation)]


def _conv_geometry(out_shape, input_shape, weight_shape, stride, padding, dilation,
                   lhs_dilation, dimension_numbers):
    """What both adjoints of a convolution start from: the spatial sizes of the kernel,
    the input and the output, each dilated as the convolution sees it, and the low
    padding."""
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    kernel = _dilated([weight_shape[d] for d in rhs_spec[2:]], dilation)
    lhs = _dilated([input_shape[d] for d in lhs_spec[2:]], lhs_dilation)
    out = _dilated([out_shape[d] for d in out_spec[2:]], stride)
    return kernel, lhs, out, [p[0] for p in padding]


def _conv_transposed(grad, weight, stride, padding, dilation, lhs_dilation,
                     dimension_numbers, feature_group_count, batch_group_count, input_sizes):
    """The convolution's adjoint in its input, on arrays: pad ``grad`` so that every
    input position sees the kernel positions that touched it, and correlate it with the
    flipped kernel (in groups: the weight's output dim holds them; they move into its
    input dim)."""
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    kernel, lhs, out, lo = _conv_geometry(grad.shape, input_sizes, weight.shape, stride,
                                          padding, dilation, lhs_dilation, dimension_numbers)
    before = [k - p - 1 for k, p in zip(kernel, lo)]
    after = [l + k - 1 - o - b for l, k, o, b in zip(lhs, kernel, out, before)]
    groups = max(feature_group_count, batch_group_count)
    kernel_t = weight if groups == 1 else _regroup(weight, rhs_spec[0], rhs_spec[1], groups)
    # grad dilated by the stride and padded first (given to the convolution as its base
    # dilation and padding, XLA's CPU simplifier fails on some shapes: an operand swap)
    config = [(0, 0, 0)] * grad.ndim
    for d, b, a, s in zip(out_spec[2:], before, after, stride):
        config[d] = (b, a, s - 1)
    result = jax.lax.conv_general_dilated(
        jax.lax.pad(grad, jnp.zeros((), grad.dtype), config), jnp.flip(kernel_t, rhs_spec[2:]),
        lhs_dilation, ((0, 0),) * len(stride), None, dilation,
        jax.lax.ConvDimensionNumbers(out_spec, _swap01(rhs_spec), lhs_spec), groups)
    if batch_group_count > 1:        # batch groups: their channels go back into the batch
        result = _regroup(result, lhs_spec[1], lhs_spec[0], batch_group_count)
    return result


def _conv_forward(input, weight, bias, transposed, input_sizes, attrs):
    if transposed:
        out = _conv_transposed(input, weight, input_sizes=input_sizes, **attrs)
    else:
        out = jax.lax.conv_general_dilated(
            input, weight, attrs["stride"], attrs["padding"], attrs["lhs_dilation"],
            attrs["dilation"], attrs["dimension_numbers"], attrs["feature_group_count"],
            attrs["batch_group_count"])
    if bias is None:
        return out
    return out + bias.astype(out.dtype).reshape((-1,) + (1,) * (out.ndim - 2))


def _convolution(input, weight, bias=None, transposed=False, input_sizes=None,
                 op="convolution", **attrs):
    return apply(RULES[op], input, weight, bias, transposed=transposed,
                 input_sizes=input_sizes, **attrs)


def _conv_input_grad(grad, input, weight, stride, padding, dilation, lhs_dilation,
                     dimension_numbers, feature_group_count, batch_group_count, transposed,
                     op):
    if transposed:      # the convolution, its high padding cut to give input's shape (a
        # transposed one's output_padding adds positions the convolution does not reach)
        kernel, lhs, out, lo = _conv_geometry(input.shape, grad.shape, weight.shape, stride,
                                              padding, dilation, lhs_dilation,
                                              dimension_numbers)
        padding = tuple((p, o - 1 + k - l - p) for p, o, k, l in zip(lo, out, kernel, lhs))
    return _convolution(grad, weight, transposed=not transposed, op=op,
                        input_sizes=None if transposed else tuple(input.shape),
                        stride=stride, padding=padding, dilation=dilation,
                        lhs_dilation=lhs_dilation, dimension_numbers=dimension_numbers,
                        feature_group_count=feature_group_count,
                        batch_group_count=batch_group_count)


def _conv_weight_grad(grad, input, weight, stride, padding, dilation, lhs_dilation,
                      dimension_numbers, feature_group_count, batch_group_count, transposed,
                      op):
    # correlate the convolution's input with its output's gradient, the kernel positions
    # as the output (feature groups become batch groups, and batch groups feature groups);
    # of a transposed convolution, its grad is that input and its input that gradient
    if transposed:
        grad, input = input, grad
    lhs_spec, rhs_spec, out_spec = dimension_numbers
    kernel, lhs, out, lo = _conv_geometry(grad.shape, input.shape, weight.shape, stride,
                                          padding, dilation, lhs_dilation, dimension_numbers)
    after = [o - l + k - p - 1 for o, l, k, p in zip(out, lhs, kernel, lo)]
    return _convolution(input, grad, stride=dilation, padding=tuple(zip(lo, after)),
                        dilation=stride, lhs_dilation=lhs_dilation, op=op,
                        dimension_numbers=jax.lax.ConvDimensionNumbers(
                            _swap01(lhs_spec), _swap01(out_spec), _swap01(rhs_spec)),
                        feature_group_count=batch_group_count,
                        batch_group_count=feature_group_count)


# torch computes a convolution's gradients with one kernel, convolution_backward: its
# node, when a gradient is differentiated again, is ConvolutionBackwardBackward0, whose
# own gradients are convolutions again. So the row is filed twice, under each name, the
# gradients of each recorded by the other.
_ADJOINT = {"convolution": "convolution_backward", "convolution_backward": "convolution"}
for _op, _node in (("convolution", "ConvolutionBackward0"),
                   ("convolution_backward", "ConvolutionBackwardBackward0")):
    row(_op, _node,
        lambda input, weight, bias, *, stride, padding, dilation, lhs_dilation,
        dimension_numbers, feature_group_count, batch_group_count, transposed, input_sizes:
        _conv_forward(input, weight, bias, transposed, input_sizes, dict(
            stride=stride, padding=padding, dilation=dilation, lhs_dilation=lhs_dilation,
            dimension_numbers=dimension_numbers, feature_group_count=feature_group_count,
            batch_group_count=batch_group_count)),
        (functools.partial(_conv_input_grad, op=_ADJOINT[_op]),
         functools.partial(_conv_weight_grad, op=_ADJOINT[_op]),
         lambda grad, dimension_numbers, transposed: grad.sum(    # all but the channel dim
             tuple(d for d in range(grad.ndim)
                   if d != dimension_numbers[0 if transposed else 2][1]))))


def _expand(name, value, n):
    """An int, or a sequence of one or of ``n`` ints, as ``n`` ints (torch's
    expand_param_if_needed)."""
    if not isinstance(value, (tuple, list)):
        return (value,) * n
    if len(value) == 1:
        return tuple(value) * n
    if len(value) != n:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {n} "
                           f"values to match the convolution dimensions, but got "
                           f"{name}={list(value)}")
    return tuple(value)


def _sizes(seq):
    return " x ".join(str(s) for s in seq)


def _batchify(input, n, name):
    """A batch of one for an unbatched input; torch's error for any other ndim."""
    if input.ndim not in (n + 1, n + 2):
        raise RuntimeError(f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to "
                           f"{name}, but got input of size: {list(input.shape)}")
    return input.ndim == n + 2


def _check_input_dims(input, weight):
    if weight.ndim != input.ndim:
        raise RuntimeError(f"Expected {weight.ndim}-dimensional input for {weight.ndim}-"
                           f"dimensional weight {list(weight.shape)}, but got {input.ndim}-"
                           f"dimensional input of size {list(input.shape)} instead")


def _check_shapes(input, weight, bias, groups, padding, transposed, dilation):
    """torch's check_shape_forward, in its order."""
    _check_input_dims(input, weight)
    weight_sizes = list(weight.shape)
    if weight_sizes[0] < groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least {groups} at "
                           f"dimension 0, but got weight of size {weight_sizes} instead")
    if weight_sizes[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} "
                           f"at dimension 0, but got weight of size [{weight_sizes}] instead")
    channels = weight_sizes[0] if transposed else weight_sizes[1] * groups
    outputs = weight_sizes[1] * groups if transposed else weight_sizes[0]
    given = f"transposed={int(transposed)}" if transposed else f"groups={groups}"
    if input.shape[1] != channels:
        raise RuntimeError(f"Given {given}, weight of size {weight_sizes}, expected "
                           f"input{list(input.shape)} to have {channels} channels, but got "
                           f"{input.shape[1]} channels instead")
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != outputs):
        raise RuntimeError(f"Given {given + ', ' if transposed else ''}weight of size "
                           f"{weight_sizes}, expected bias to be 1-dimensional with {outputs} "
                           f"elements, but got bias of size {list(bias.shape)} instead")
    if not transposed:
        padded = [s + lo + hi for s, (lo, hi) in zip(input.shape[2:], padding)]
        kernel = [d * (k - 1) + 1 for d, k in zip(dilation, weight_sizes[2:])]
        if any(k > s for k, s in zip(kernel, padded)):
            raise RuntimeError(f"Calculated padded input size per channel: ({_sizes(padded)}). "
                               f"Kernel size: ({_sizes(kernel)}). Kernel size can't be greater "
                               "than actual input size")


_SPECS = {1: ("NCH", "OIH", "NCH"), 2: ("NCHW", "OIHW", "NCHW"),
          3: ("NCDHW", "OIDHW", "NCDHW")}


def _conv(n, name, input, weight, bias, stride, padding, dilation, groups,
          transposed=False, output_padding=0):
    """torch's conv{n}d and conv_transpose{n}d: the checks of its front end, in its
    order, then one ``convolution`` row."""
    if not transposed and bias is not None and bias.dtype is not input.dtype:
        raise RuntimeError(f"Input type ({tape._c_type(input.dtype)}) and bias type "
                           f"({tape._c_type(bias.dtype)}) should be the same")
    if transposed and isinstance(padding, str):
        raise TypeError(f"{name}(): argument 'padding' must be tuple of ints, not str")
    batched = _batchify(input, n, name)
    if not batched:
        input = input.unsqueeze(0)
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    stride, dilation = _expand("stride", stride, n), _expand("dilation", dilation, n)
    if isinstance(padding, str):
        pads, extra = _string_padding(padding, weight, stride, dilation, n)
        if extra:       # torch's: an odd total padding's extra column added first
            input = pad(input, [c for e in reversed(extra) for c in (0, e)])
    else:
        pads = tuple((p, p) for p in _expand("padding", padding, n))
    output_padding = _expand("output_padding", output_padding, n)
    if any(p < 0 for p, _ in pads):
        raise RuntimeError("negative padding is not supported")
    if any(p < 0 for p in output_padding):
        raise RuntimeError("negative output_padding is not supported")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d < 0 for d in dilation):
        raise RuntimeError("dilation should be greater than zero")
    _check_shapes(input, weight, bias, groups, pads, transposed, dilation)
    numbers = jax.lax.conv_dimension_numbers(tuple(input.shape), tuple(weight.shape),
                                             _SPECS[n])
    input_sizes = None
    if transposed:
        # the convolution this one is the adjoint of: from an input of the output's
        # shape, with the weight's dims 0 and 1 as its output and (grouped) input channels
        sizes = [(i - 1) * s - 2 * p + d * (k - 1) + o + 1 for i, s, (p, _), d, k, o in zip(
            input.shape[2:], stride, pads, dilation, weight.shape[2:], output_padding)]
        _check_transposed(input, stride, dilation, output_padding, sizes, n)
        input_sizes = (input.shape[0], weight.shape[1] * groups, *sizes)
    elif 0 in dilation:           # (a 1-d convolution is computed as a 2-d one)
        raise RuntimeError("dilation should be greater than zero, but got "
                           f"{[1] * (n == 1) + list(dilation)}")
    if weight.dtype is not input.dtype:
        raise RuntimeError(f"expected scalar type {D.c_name(input.dtype)} but found "
                           f"{D.c_name(weight.dtype)}")
    out = _convolution(input, weight, bias, transposed, input_sizes, stride=stride,
                       padding=pads, dilation=dilation, lhs_dilation=(1,) * n,
                       dimension_numbers=numbers, feature_group_count=groups,
                       batch_group_count=1)
    return out if batched else out.squeeze(0)


def _string_padding(padding, weight, stride, dilation, n):
    """padding='valid' (none) or 'same' (the output as large as the input: d (k - 1) in
    all, the odd one after, as torch pads): the padding on both sides, and what to add
    first on the right of each dim (None: nothing)."""
    if padding == "valid":
        return ((0, 0),) * n, None
    if padding != "same":
        raise RuntimeError(f"Invalid padding string: '{padding}'")
    if any(s != 1 for s in stride):
        raise RuntimeError("padding='same' is not supported for strided convolutions")
    total = [d * (k - 1) for d, k in zip(dilation, weight.shape[2:])]
    if not any(t % 2 for t in total):
        return tuple((t // 2,) * 2 for t in total), None
    tape.warn_once("Using padding='same' with even kernel lengths and odd dilation may "
                   "require a zero-padded copy of the input be created", stacklevel=5)
    return tuple((t // 2,) * 2 for t in total), [t % 2 for t in total]


def _check_transposed(input, stride, dilation, output_padding, sizes, n):
    """torch's slow_conv_transpose{2,3}d checks (a 1-d one is seen as 2-d, of height 1)."""
    names = ("depth", "height", "width")[3 - max(n, 2):]
    spatial = list(input.shape[2:])
    if n == 1:
        stride, dilation, output_padding = (1, *stride), (1, *dilation), (0, *output_padding)
        spatial, sizes = [1, *spatial], [1, *sizes]
    if 0 in dilation:
        raise RuntimeError("dilation should be greater than zero, but got " + ", ".join(
            f"dilation_{m}: {d}" for m, d in zip(names, dilation)))
    if not all(o < s or o < d for o, s, d in zip(output_padding, stride, dilation)):
        raise RuntimeError(
            "output padding must be smaller than either stride or dilation, but got "
            + " ".join(f"output_padding_{m}: {o}" for m, o in zip(names, output_padding))
            + " " + " ".join(f"stride_{m}: {s}" for m, s in zip(names, stride))
            + " " + " ".join(f"dilation_{m}: {d}" for m, d in zip(names, dilation)))
    if any(s < 1 for s in sizes):
        raise RuntimeError(f"Given input size per channel: ({_sizes(spatial)}). "
                           f"Calculated output size per channel: ({_sizes(sizes)}). "
                           "Output size is too small")


def _conv_function(n):
    name = f"conv{n}d"

    def conv(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
        return _conv(n, name, input, weight, bias, stride, padding, dilation, groups)
    conv.__name__ = conv.__qualname__ = name
    conv.__doc__ = (
        f"{n}-D cross-correlation of ``input`` (N, C, {_SPATIAL[n]}) with ``weight`` "
        f"(O, C / groups, {_KERNEL[n]}), plus ``bias``: ``jax.lax.conv_general_dilated``, "
        "ConvolutionBackward0. ``groups``: the channels split into that many independent "
        "convolutions; ``padding``: numbers, or 'valid' or 'same'.")
    return conv


def _conv_transpose_function(n):
    name = f"conv_transpose{n}d"

    def conv_transpose(input, weight, bias=None, stride=1, padding=0, output_padding=0,
                       groups=1, dilation=1):
        return _conv(n, name, input, weight, bias, stride, padding, dilation, groups,
                     transposed=True, output_padding=output_padding)
    conv_transpose.__name__ = conv_transpose.__qualname__ = name
    conv_transpose.__doc__ = (
        f"{n}-D transposed convolution of ``input`` (N, C, {_SPATIAL[n]}) with ``weight`` "
        f"(C, O / groups, {_KERNEL[n]}): the gradient of ``conv{n}d`` in its input, the "
        "output ``output_padding`` larger at the end (ConvolutionBackward0).")
    return conv_transpose


_SPATIAL = {1: "L", 2: "H, W", 3: "D, H, W"}
_KERNEL = {1: "kL", 2: "kH, kW", 3: "kD, kH, kW"}
conv1d, conv2d, conv3d = (_conv_function(n) for n in (1, 2, 3))
conv_transpose1d, conv_transpose2d, conv_transpose3d = (_conv_transpose_function(n)
                                                        for n in (1, 2, 3))


__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d"]
