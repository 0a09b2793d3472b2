"""Pooling: ``max_pool2d``, ``avg_pool2d``, ``adaptive_avg_pool2d``, and their 1-d forms."""

from __future__ import annotations

from typing import Literal, Optional, Sequence, Union, overload

import math

import jax.numpy as jnp
import numpy as np

from ... import tape
from ...tape import RULES, Tensor, apply, row
from ...ops._common import _zeros_like
from ._common import Size2, _pair


# avg_pool2d and adaptive_avg_pool2d: each output is a weighted sum of a window, separable
# into an (out, in) matrix per spatial dim (1 / the window's count, or 1 / the divisor):
# y = Mh x Mw^T over the last two dims. The gradient is the transposed map (torch's
# ``*_backward`` kernel), whose own gradient is the pool of grad (and 0 for the input).
def _pooling_output_shape(size, kernel, stride, pad, dilation, ceil_mode):
    """torch's ``pooling_output_shape``: how many windows fit along one dim."""
    span = size + 2 * pad - dilation * (kernel - 1) - 1 + (stride - 1 if ceil_mode else 0)
    out = span // stride + 1
    if ceil_mode and (out - 1) * stride >= size + pad:
        out -= 1          # the last window must start inside the input or its left padding
    return out


_pool_size = _pooling_output_shape     # how many windows fit along one dim


def _window_indices(sizes, kernel, stride, padding, dilation, ceil_mode):
    """For each output position and kernel tap: the flat input position, or -1 (padding)."""
    axes = []
    for size, k, s, p, d in zip(sizes, kernel, stride, padding, dilation):
        out = _pool_size(size, k, s, p, d, ceil_mode)
        pos = np.arange(out)[:, None] * s - p + np.arange(k)[None, :] * d     # (out, k)
        axes.append(np.where((pos >= 0) & (pos < size), pos, -1))
    return _plane_taps(axes, sizes)


def _plane_taps(axes, sizes):
    """The flat positions in the (H*W or D*H*W) plane of each output's window, from each
    spatial dim's (out, taps) positions (-1: none): shaped (*outs, taps)."""
    n = len(axes)
    flat, valid = np.zeros((1,) * 2 * n, np.int64), np.ones((1,) * 2 * n, bool)
    for d, (pos, size) in enumerate(zip(axes, sizes)):
        shape = [1] * 2 * n
        shape[d], shape[n + d] = pos.shape           # outputs first, then the taps
        pos = pos.reshape(shape)
        flat, valid = flat * size + pos, valid & (pos >= 0)
    return np.where(valid, flat, -1).reshape(*(pos.shape[0] for pos in axes), -1)


def _argmax_in_windows(input, taps):
    """Where in the H*W plane of (N, C, H, W) ``input`` each window's largest element is."""
    n, c = input.shape[:2]
    x = input._value().reshape(n, c, -1)
    windows = jnp.where(taps >= 0, x[:, :, np.maximum(taps, 0)], -jnp.inf)  # n,c,oh,ow,taps
    best = jnp.argmax(windows, axis=-1)
    return jnp.take_along_axis(jnp.broadcast_to(taps, windows.shape), best[..., None],
                               axis=-1)[..., 0]


# max pooling: each output is the input element ``indices`` points at (its position in
# the H*W plane, as torch's return_indices); the gradient is scattered back there.
def _gather_plane(x, indices):
    n, c = x.shape[:2]
    flat = jnp.take_along_axis(x.reshape(n, c, -1), indices.reshape(n, c, -1), axis=2)
    return flat.reshape(indices.shape)


def _scatter_plane(grad, indices, self_sym_sizes):
    n, c = self_sym_sizes[:2]
    key = (jnp.arange(n)[:, None, None], jnp.arange(c)[None, :, None],
           indices.reshape(n, c, -1))
    plane = (n, c, math.prod(self_sym_sizes[2:]))
    return tape.apply(RULES["index_backward"], grad.reshape(n, c, -1), key=key,
                      self_sym_sizes=plane).reshape(self_sym_sizes)


row("max_pool2d", "MaxPool2DWithIndicesBackward0",
    lambda self, *, kernel_size, stride, padding, dilation, ceil_mode, indices,
    self_sym_sizes: _gather_plane(self, indices),
    lambda grad, kernel_size, stride, padding, dilation, ceil_mode, indices, self_sym_sizes: (
        _scatter_plane(grad, indices, self_sym_sizes),))


@overload
def max_pool2d(input: Tensor, kernel_size: Size2, stride: Optional[Size2] = None,
               padding: Size2 = 0, dilation: Size2 = 1, ceil_mode: bool = False,
               return_indices: Literal[False] = False) -> Tensor: ...
@overload
def max_pool2d(input: Tensor, kernel_size: Size2, stride: Optional[Size2] = None,
               padding: Size2 = 0, dilation: Size2 = 1, ceil_mode: bool = False, *,
               return_indices: Literal[True]) -> tuple[Tensor, Tensor]: ...
@overload
def max_pool2d(input: Tensor, kernel_size: Size2, stride: Optional[Size2] = None,
               padding: Size2 = 0, dilation: Size2 = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Union[Tensor, tuple[Tensor, Tensor]]: ...


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
        pooled = max_pool2d(input.unsqueeze(0), kernel_size, stride, padding, dilation,
                            ceil_mode, return_indices)
        return tuple(o.squeeze(0) for o in pooled) if return_indices else pooled.squeeze(0)
    kernel = _pair(kernel_size)
    stride = kernel if stride is None or stride in ([], ()) else _pair(stride)
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
    size = [_pool_size(*args, ceil_mode) for args in zip((h, w), kernel, stride, padding,
                                                          dilation)]
    if min(size) < 1:
        raise RuntimeError(f"Given input size: ({c}x{h}x{w}). Calculated output size: "
                           f"({c}x{size[0]}x{size[1]}). Output size is too small")
    indices = _argmax_in_windows(input, _window_indices((h, w), kernel, stride, padding,
                                                         dilation, ceil_mode))
    out = apply(RULES["max_pool2d"], input, kernel_size=kernel, stride=stride,
                padding=padding, dilation=dilation, ceil_mode=ceil_mode, indices=indices,
                self_sym_sizes=input.shape)
    return (out, tape.make_tensor(indices.astype(np.int64))) if return_indices else out


def _avg_windows(size, kernel, stride, pad, ceil_mode, count_include_pad, divisor):
    """One dim of avg_pool2d: the (out, in) matrix of window weights (``divisor``: the
    windows are summed, the divisor applied once)."""
    m = np.zeros((_pooling_output_shape(size, kernel, stride, pad, 1, ceil_mode), size))
    for o in range(m.shape[0]):
        start = o * stride - pad
        end = min(start + kernel, size + pad)
        lo, hi = max(start, 0), min(end, size)
        m[o, lo:hi] = 1.0 if divisor else 1.0 / (end - start if count_include_pad else hi - lo)
    return m


def _avg_pool_maps(shape, kernel_size, stride, padding, ceil_mode, count_include_pad,
                   divisor_override):
    mh, mw = (_avg_windows(n, k, s, p, ceil_mode, count_include_pad, divisor_override)
              for n, k, s, p in zip(shape[-2:], kernel_size, stride, padding))
    return mh / (divisor_override or 1), mw


def _unpooled(grad, maps):
    mh, mw = (jnp.asarray(m, grad.dtype) for m in maps)
    return jnp.einsum("...op,oh,pw->...hw", grad, mh, mw)


row("avg_pool2d_backward", "AvgPool2DBackwardBackward0",
    lambda grad_output, self, *, kernel_size, stride, padding, ceil_mode, count_include_pad,
    divisor_override: _unpooled(grad_output, _avg_pool_maps(
        self.shape, kernel_size, stride, padding, ceil_mode, count_include_pad,
        divisor_override)),
    (lambda grad, kernel_size, stride, padding, ceil_mode, count_include_pad,
     divisor_override: tape.apply(
         RULES["avg_pool2d"], grad, kernel_size=kernel_size, stride=stride, padding=padding,
         ceil_mode=ceil_mode, count_include_pad=count_include_pad,
         divisor_override=divisor_override),
     lambda grad: _zeros_like(grad)))


def _pooled(x, maps):
    mh, mw = (jnp.asarray(m, x.dtype) for m in maps)
    return jnp.einsum("...hw,oh,pw->...op", x, mh, mw)


row("avg_pool2d", "AvgPool2DBackward0",
    lambda self, *, kernel_size, stride, padding, ceil_mode, count_include_pad,
    divisor_override: _pooled(self, _avg_pool_maps(self.shape, kernel_size, stride, padding,
                                                   ceil_mode, count_include_pad,
                                                   divisor_override)),
    lambda grad, self, kernel_size, stride, padding, ceil_mode, count_include_pad,
    divisor_override: (tape.apply(
        RULES["avg_pool2d_backward"], grad, self, kernel_size=kernel_size, stride=stride,
        padding=padding, ceil_mode=ceil_mode, count_include_pad=count_include_pad,
        divisor_override=divisor_override),))


def avg_pool2d(input: Tensor, kernel_size: Size2, stride: Optional[Size2] = None,
               padding: Size2 = 0, ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: Optional[int] = None) -> Tensor:
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
    stride = kernel if stride is None or stride in ([], ()) else _pair(stride)
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


def _adaptive_windows(size, out):
    """One dim of adaptive_avg_pool2d: windows [floor(o n / out), ceil((o + 1) n / out))."""
    m = np.zeros((out, size))
    for o in range(out):
        lo, hi = (o * size) // out, -(-((o + 1) * size) // out)
        m[o, lo:hi] = 1.0 / (hi - lo)
    return m


def _adaptive_maps(shape, output_size):
    return tuple(_adaptive_windows(n, o) for n, o in zip(shape[-2:], output_size))


row("adaptive_avg_pool2d_backward", "AdaptiveAvgPool2DBackwardBackward0",
    lambda grad_output, self: _unpooled(grad_output, _adaptive_maps(self.shape,
                                                                    grad_output.shape[-2:])),
    (lambda grad, grad_output: tape.apply(RULES["adaptive_avg_pool2d"], grad,
                                          output_size=tuple(grad_output.shape[-2:])),
     lambda grad: _zeros_like(grad)))
row("adaptive_avg_pool2d", "AdaptiveAvgPool2DBackward0",
    lambda self, *, output_size: _pooled(self, _adaptive_maps(self.shape, output_size)),
    lambda grad, self, output_size: (tape.apply(RULES["adaptive_avg_pool2d_backward"], grad,
                                                self),))


def adaptive_avg_pool2d(input: Tensor,
                        output_size: Union[int, Sequence[Optional[int]]]) -> Tensor:
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


# adaptive max pooling: max pooling over adaptive_avg_pool2d's windows; its gradient
# scatters grad to where the maxima were, a kernel of its own whose gradient (for grad)
# gathers from there again
def _adaptive_taps(size, out):
    """One dim's windows [floor(o n / out), ceil((o + 1) n / out)), -1 padded."""
    starts = np.arange(out) * size // out
    ends = -(-(np.arange(out) + 1) * size // out)
    pos = starts[:, None] + np.arange(max(ends - starts, default=0))[None, :]
    return np.where(pos < ends[:, None], pos, -1)


def _scatter_into_plane(grad_output, self, indices):
    n, c = self.shape[:2]
    plane = jnp.zeros((n, c, math.prod(self.shape[2:])), grad_output.dtype)
    plane = plane.at[jnp.arange(n)[:, None, None], jnp.arange(c)[None, :, None],
                     indices.reshape(n, c, -1)].add(grad_output.reshape(n, c, -1))
    return plane.reshape(self.shape)


def _gather_from_plane(grad, indices):
    picks = tape.make_tensor(indices.astype(np.int64))
    return grad.flatten(2).gather(2, picks.flatten(2)).view(picks.shape)


# max_pool3d: as max_pool2d, over (D, H, W); its gradient is a kernel of its own, as
# adaptive_max_pool2d's
row("max_pool3d_with_indices_backward", "MaxPool3DWithIndicesBackwardBackward0",
    lambda grad_output, self, *, indices: _scatter_into_plane(grad_output, self, indices),
    (lambda grad, indices: _gather_from_plane(grad, indices),
     lambda grad: _zeros_like(grad)))
row("max_pool3d", "MaxPool3DWithIndicesBackward0",
    lambda self, *, indices: _gather_plane(self, indices),
    lambda grad, self, indices: (apply(RULES["max_pool3d_with_indices_backward"], grad, self,
                                       indices=indices),))


Size3 = Union[int, Sequence[int]]


@overload
def max_pool3d(input: Tensor, kernel_size: Size3, stride: Optional[Size3] = None,
               padding: Size3 = 0, dilation: Size3 = 1, ceil_mode: bool = False,
               return_indices: Literal[False] = False) -> Tensor: ...
@overload
def max_pool3d(input: Tensor, kernel_size: Size3, stride: Optional[Size3] = None,
               padding: Size3 = 0, dilation: Size3 = 1, ceil_mode: bool = False, *,
               return_indices: Literal[True]) -> tuple[Tensor, Tensor]: ...
@overload
def max_pool3d(input: Tensor, kernel_size: Size3, stride: Optional[Size3] = None,
               padding: Size3 = 0, dilation: Size3 = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Union[Tensor, tuple[Tensor, Tensor]]: ...


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """The largest element of each ``kernel_size`` window of (N, C, D, H, W) or
    (C, D, H, W) ``input``; ``return_indices=True`` also gives where it was (a position in
    the D*H*W volume) (MaxPool3DWithIndicesBackward0).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.max_pool3d(autodiff.arange(8.0).reshape(1, 2, 2, 2), 2)
    tensor([[[[7.]]]])
    """
    kernel, stride, padding, dilation = (
        _triple(name, value) for name, value in (
            ("kernel_size", kernel_size),
            ("stride", kernel_size if stride is None or stride in ([], ()) else stride),
            ("padding", padding), ("dilation", dilation)))
    if 0 in stride:
        raise RuntimeError("stride should not be zero")
    if input.ndim not in (4, 5):
        raise RuntimeError("non-empty 4D or 5D (batch mode) tensor expected for input")
    if input.ndim == 4:
        pooled = max_pool3d(input.unsqueeze(0), kernel, stride, padding, dilation, ceil_mode,
                            return_indices)
        return tuple(o.squeeze(0) for o in pooled) if return_indices else pooled.squeeze(0)
    for p, k, d in zip(padding, kernel, dilation):
        if p > (d * (k - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                               f"pad={p}, kernel_size={k} and dilation={d}")
    if any(p > k // 2 for p, k in zip(padding, kernel)):
        (kt, kh, kw), (pt, ph, pw) = kernel, padding
        raise RuntimeError(f"pad should be smaller than or equal to half of kernel size, but "
                           f"got kT: {kt} kW: {kw} kH: {kh} padT: {pt} padW: {pw} padH: {ph}")
    c, *sizes = input.shape[1:]
    out = [_pool_size(*args, ceil_mode) for args in zip(sizes, kernel, stride, padding,
                                                         dilation)]
    if min(out) < 1:
        raise RuntimeError(f"Given input size: ({'x'.join(map(str, [c, *sizes]))}). Calculated "
                           f"output size: ({'x'.join(map(str, [c, *out]))}). Output size is "
                           "too small")
    indices = _argmax_in_windows(input, _window_indices(sizes, kernel, stride, padding,
                                                         dilation, ceil_mode))
    pooled = apply(RULES["max_pool3d"], input, indices=indices)
    return (pooled, tape.make_tensor(indices.astype(np.int64))) if return_indices else pooled


def _triple(name, value):
    if isinstance(value, int):
        return (value,) * 3
    if len(value) == 1:
        return tuple(value) * 3
    if len(value) != 3:
        raise RuntimeError(f"max_pool3d: {name} must either be a single int, or a tuple of "
                           "three ints")
    return tuple(value)


row("adaptive_max_pool2d_backward", "AdaptiveMaxPool2DBackwardBackward0",
    lambda grad_output, self, *, indices: _scatter_into_plane(grad_output, self, indices),
    (lambda grad, indices: _gather_from_plane(grad, indices),
     lambda grad: _zeros_like(grad)))
row("adaptive_max_pool2d", "AdaptiveMaxPool2DBackward0",
    lambda self, *, indices: _gather_plane(self, indices),
    lambda grad, self, indices: (apply(RULES["adaptive_max_pool2d_backward"], grad, self,
                                       indices=indices),))


@overload
def adaptive_max_pool2d(input: Tensor, output_size: Union[int, Sequence[Optional[int]]],
                        return_indices: Literal[False] = False) -> Tensor: ...
@overload
def adaptive_max_pool2d(input: Tensor, output_size: Union[int, Sequence[Optional[int]]], *,
                        return_indices: Literal[True]) -> tuple[Tensor, Tensor]: ...
@overload
def adaptive_max_pool2d(input: Tensor, output_size: Union[int, Sequence[Optional[int]]],
                        return_indices: bool = False) -> Union[Tensor, tuple[Tensor, Tensor]]:
    ...


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """The largest element of each of the windows that split (N, C, H, W) or (C, H, W)
    ``input`` into ``output_size`` (see ``adaptive_avg_pool2d``); ``return_indices=True``
    also gives where it was (AdaptiveMaxPool2DBackward0).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.adaptive_max_pool2d(autodiff.tensor([[[1.0, 5.0, 2.0], [8.0, 0.0, 3.0]]]), (1, 2))
    tensor([[[8., 5.]]])
    """
    if input.ndim == 3:
        pooled = adaptive_max_pool2d(input.unsqueeze(0), output_size, return_indices)
        return tuple(o.squeeze(0) for o in pooled) if return_indices else pooled.squeeze(0)
    if input.ndim != 4:
        raise RuntimeError(f"adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: "
                           f"{list(input.shape)}")
    size = (output_size, output_size) if isinstance(output_size, int) else tuple(output_size)
    h, w = input.shape[-2:]
    size = tuple(n if o is None else o for o, n in zip(size, (h, w)))
    indices = _argmax_in_windows(input, _plane_taps(
        [_adaptive_taps(n, o) for n, o in zip((h, w), size)], (h, w)))
    out = apply(RULES["adaptive_max_pool2d"], input, indices=indices)
    return (out, tape.make_tensor(indices.astype(np.int64))) if return_indices else out


# The 1-d pools are the 2-d ones of an input with a height of 1, as torch computes them
# (SqueezeBackward1 over the 2-d node over UnsqueezeBackward0)
Size1 = Union[int, Sequence[int]]


def _one_int(function, name, value):
    """An int, or a sequence of one (torch's error for another length), as an int."""
    if isinstance(value, int):
        return value
    if len(value) != 1:
        raise RuntimeError(f"{function}() argument '{name}' should contain one int (got "
                           f"{len(value)})")
    return value[0]


def _check_dim_range(function, input):
    if input.ndim not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.ndim}-dimensional "
                           f"tensor for argument #1 'self' (while checking arguments for "
                           f"{function})")


def _max_pool1d_with_indices(input, kernel_size, stride=(), padding=0, dilation=1,
                             ceil_mode=False):
    """torch's ``max_pool1d_with_indices``: the values and where they were (as a tuple)."""
    _check_dim_range("max_pool1d", input)
    kernel, pad, dil = (_one_int("max_pool1d", name, value) for name, value in (
        ("kernel_size", kernel_size), ("padding", padding), ("dilation", dilation)))
    step = kernel if stride is None or stride in ([], ()) else _one_int("max_pool1d", "stride",
                                                                         stride)
    out, indices = max_pool2d(input.unsqueeze(-2), (1, kernel), (1, step), (0, pad), (1, dil),
                              ceil_mode, return_indices=True)
    return out.squeeze(-2), indices.squeeze(-2)


def _check_max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode):
    """The checks of torch's ``max_pool1d``, with their own texts."""
    if not (input.ndim == 2 and input.shape[1] != 0
            or input.ndim == 3 and input.shape[1] != 0 and input.shape[2] != 0):
        raise RuntimeError(f"max_pool1d: Expected 2D or 3D (batch mode) tensor with optional "
                           f"0 dim batch size for input, but got:{list(input.shape)}")
    kernel = _max_pool1d_arg("kernel_size", kernel_size, "an int, list of ints or tuple")
    step = kernel if stride is None or stride in ([], ()) else _max_pool1d_arg(
        "stride", stride, "None, an int, list of ints, or tuple")
    pad = _max_pool1d_arg("padding", padding, "an int, list of ints, or tuple")
    dil = _max_pool1d_arg("dilation", dilation, "an int, list of ints or tuple")
    for name, value in (("kernel_size", kernel), ("stride", step)):
        if value <= 0:
            raise RuntimeError(f"max_pool1d() {name} must be greater than zero, but got {value}")
    if pad < 0:
        raise RuntimeError(f"max_pool1d() padding must be non-negative, but got {pad}")
    if pad > kernel // 2:
        raise RuntimeError(f"max_pool1d() padding should be at most half of kernel size, but "
                           f"got padding={pad} and kernel_size={kernel}")
    if dil <= 0:
        raise RuntimeError(f"max_pool1d() dilation must be greater than zero, but got {dil}")
    size = _pooling_output_shape(input.shape[-1], kernel, step, pad, dil, ceil_mode)
    if size < 1:
        raise RuntimeError(f"max_pool1d() Invalid computed output size: {size}")


def _max_pool1d_arg(name, value, kinds):
    """An int, or a sequence of one, as an int (``max_pool1d``'s error for another
    length)."""
    values = [value] if isinstance(value, int) else list(value)
    if len(values) != 1:
        raise RuntimeError(f"max_pool1d() {name} must be {kinds} of ints of size 1 but got "
                           f"size {len(values)}")
    return values[0]


@overload
def max_pool1d(input: Tensor, kernel_size: Size1, stride: Optional[Size1] = None,
               padding: Size1 = 0, dilation: Size1 = 1, ceil_mode: bool = False,
               return_indices: Literal[False] = False) -> Tensor: ...
@overload
def max_pool1d(input: Tensor, kernel_size: Size1, stride: Optional[Size1] = None,
               padding: Size1 = 0, dilation: Size1 = 1, ceil_mode: bool = False, *,
               return_indices: Literal[True]) -> tuple[Tensor, Tensor]: ...
@overload
def max_pool1d(input: Tensor, kernel_size: Size1, stride: Optional[Size1] = None,
               padding: Size1 = 0, dilation: Size1 = 1, ceil_mode: bool = False,
               return_indices: bool = False) -> Union[Tensor, tuple[Tensor, Tensor]]: ...


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """The largest element of each ``kernel_size`` window along the last dim of (N, C, L)
    or (C, L) ``input``; ``return_indices=True`` also gives where it was.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.max_pool1d(autodiff.tensor([[1.0, 3.0, 2.0, 0.0]]), 2)
    tensor([[3., 2.]])
    """
    if return_indices:
        return _max_pool1d_with_indices(input, kernel_size, stride, padding, dilation,
                                        ceil_mode)
    _check_max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode)
    return _max_pool1d_with_indices(input, kernel_size, stride, padding, dilation,
                                    ceil_mode)[0]


def avg_pool1d(input: Tensor, kernel_size: Size1, stride: Optional[Size1] = None,
               padding: Size1 = 0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Tensor:
    """The mean of each ``kernel_size`` window along the last dim of (N, C, L) or (C, L)
    ``input`` (see ``avg_pool2d``).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.avg_pool1d(autodiff.tensor([[1.0, 3.0, 2.0, 0.0]]), 2)
    tensor([[2., 1.]])
    """
    _check_dim_range("avg_pool1d", input)
    kernel, pad = (_one_int("avg_pool1d", name, value) for name, value in (
        ("kernel_size", kernel_size), ("padding", padding)))
    step = kernel if stride is None or stride in ([], ()) else _one_int("avg_pool1d", "stride",
                                                                         stride)
    return avg_pool2d(input.unsqueeze(-2), (1, kernel), (1, step), (0, pad), ceil_mode,
                      count_include_pad).squeeze(-2)


def adaptive_avg_pool1d(input: Tensor, output_size: Size1) -> Tensor:
    """The mean over windows that split the last dim of (N, C, L) or (C, L) ``input`` into
    ``output_size`` (see ``adaptive_avg_pool2d``).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.adaptive_avg_pool1d(autodiff.tensor([[1.0, 3.0, 2.0]]), 2)
    tensor([[2.0000, 2.5000]])
    """
    _check_dim_range("adaptive_avg_pool1d", input)
    size = _one_int("adaptive_avg_pool1d", "output_size", output_size)
    return adaptive_avg_pool2d(input.unsqueeze(-2), (1, size)).squeeze(-2)


@overload
def adaptive_max_pool1d(input: Tensor, output_size: Size1,
                        return_indices: Literal[False] = False) -> Tensor: ...
@overload
def adaptive_max_pool1d(input: Tensor, output_size: Size1, *,
                        return_indices: Literal[True]) -> tuple[Tensor, Tensor]: ...
@overload
def adaptive_max_pool1d(input: Tensor, output_size: Size1,
                        return_indices: bool = False) -> Union[Tensor, tuple[Tensor, Tensor]]:
    ...


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """The largest element of each of the windows that split the last dim of (N, C, L) or
    (C, L) ``input`` into ``output_size``; ``return_indices=True`` also gives where it was.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.adaptive_max_pool1d(autodiff.tensor([[1.0, 5.0, 2.0, 8.0, 3.0]]), 2)
    tensor([[5., 8.]])
    """
    _check_dim_range("adaptive_max_pool1d", input)
    size = _one_int("adaptive_max_pool1d", "output_size", output_size)
    out, indices = adaptive_max_pool2d(input.unsqueeze(-2), (1, size), return_indices=True)
    return (out.squeeze(-2), indices.squeeze(-2)) if return_indices else out.squeeze(-2)


__all__ = ["max_pool1d", "max_pool2d", "max_pool3d", "avg_pool1d", "avg_pool2d",
           "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_max_pool1d",
           "adaptive_max_pool2d"]
