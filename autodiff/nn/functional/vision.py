"""Rearranging pixels and channels: ``pixel_shuffle``, ``pixel_unshuffle``,
``channel_shuffle``. Each permutes its input's elements, so each one's gradient is the
inverse permutation of ``grad``: the other function of the pixel pair, or a channel
shuffle by the complementary number of groups."""

from __future__ import annotations

import jax.numpy as jnp

from ... import tape
from ...tape import RULES, Tensor, apply, row
from ...ops._common import _not_implemented


def _pixel_shuffle(x, r):
    """(*, C r r, H, W) -> (*, C, H r, W r): each channel's r x r block spread out."""
    *batch, c, h, w = x.shape
    n = len(batch)
    x = jnp.reshape(x, (*batch, c // (r * r), r, r, h, w))
    x = jnp.transpose(x, (*range(n), n, n + 3, n + 1, n + 4, n + 2))
    return jnp.reshape(x, (*batch, c // (r * r), h * r, w * r))


def _pixel_unshuffle(x, r):
    """(*, C, H r, W r) -> (*, C r r, H, W): the inverse of ``_pixel_shuffle``."""
    *batch, c, h, w = x.shape
    n = len(batch)
    x = jnp.reshape(x, (*batch, c, h // r, r, w // r, r))
    x = jnp.transpose(x, (*range(n), n, n + 2, n + 4, n + 1, n + 3))
    return jnp.reshape(x, (*batch, c * r * r, h // r, w // r))


# pixel_shuffle:  d/dx = pixel_unshuffle(grad);  pixel_unshuffle:  d/dx = pixel_shuffle(grad)
row("pixel_shuffle", "PixelShuffleBackward0",
    lambda self, *, upscale_factor: _pixel_shuffle(self, upscale_factor),
    lambda grad, upscale_factor: (tape.apply(RULES["pixel_unshuffle"], grad,
                                             downscale_factor=upscale_factor),))
row("pixel_unshuffle", "PixelUnshuffleBackward0",
    lambda self, *, downscale_factor: _pixel_unshuffle(self, downscale_factor),
    lambda grad, downscale_factor: (tape.apply(RULES["pixel_shuffle"], grad,
                                               upscale_factor=downscale_factor),))


def _check_pixel_input(name, input, factor_name, factor):
    if input.ndim < 3:
        raise RuntimeError(f"{name} expects input to have at least 3 dimensions, but got input "
                           f"with {input.ndim} dimension(s)")
    if factor <= 0:
        raise RuntimeError(f"{name} expects a positive {factor_name}, but got {factor}")


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """(*, C r², H, W) to (*, C, H r, W r) with ``r = upscale_factor``: each channel's
    r x r group of channels spread into an r x r block of pixels (PixelShuffleBackward0).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.pixel_shuffle(autodiff.arange(4.0).reshape(4, 1, 1), 2)
    tensor([[[0., 1.],
             [2., 3.]]])
    """
    _check_pixel_input("pixel_shuffle", input, "upscale_factor", upscale_factor)
    channels = input.shape[-3]
    if channels % (upscale_factor * upscale_factor):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be "
                           f"divisible by the square of upscale_factor, but input.size(-3)="
                           f"{channels} is not divisible by {upscale_factor * upscale_factor}")
    return apply(RULES["pixel_shuffle"], input, upscale_factor=upscale_factor)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """The inverse of ``pixel_shuffle``: (*, C, H r, W r) to (*, C r², H, W) with
    ``r = downscale_factor`` (PixelUnshuffleBackward0).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.pixel_unshuffle(autodiff.arange(4.0).reshape(1, 2, 2), 2).flatten()
    tensor([0., 1., 2., 3.])
    """
    _check_pixel_input("pixel_unshuffle", input, "downscale_factor", downscale_factor)
    for dim, side in ((-2, "height"), (-1, "width")):
        if input.shape[dim] % downscale_factor:
            raise RuntimeError(f"pixel_unshuffle expects {side} to be divisible by "
                               f"downscale_factor, but input.size({dim})={input.shape[dim]} "
                               f"is not divisible by {downscale_factor}")
    return apply(RULES["pixel_unshuffle"], input, downscale_factor=downscale_factor)


def _channel_shuffle(x, groups):
    """(N, C, *) -> (N, C, *) with the channels read group-major, written group-minor."""
    n, c, *rest = x.shape
    x = jnp.reshape(x, (n, groups, c // groups, *rest))
    return jnp.reshape(jnp.swapaxes(x, 1, 2), (n, c, *rest))


# channel_shuffle by g, of C channels:  d/dx = channel_shuffle(grad, C / g)
row("channel_shuffle", "ChannelShuffleBackward0",
    lambda self, *, groups: _channel_shuffle(self, groups),
    lambda grad, groups: (tape.apply(RULES["channel_shuffle"], grad,
                                     groups=grad.shape[1] // groups),))
# ... whose native_ form has no derivative in torch
row("native_channel_shuffle", "NotImplemented",
    lambda self, *, groups: _channel_shuffle(self, groups),
    lambda grad, groups: _not_implemented("native_channel_shuffle"))


def _checked_channel_shuffle(name, input, groups):
    if input.ndim <= 2:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims, but got input with "
                           f"sizes {list(input.shape)}")
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value "
                           f"of groups:{groups}")
    if input.shape[1] % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got "
                           f"{input.shape[1]} channels and {groups} groups.")
    return apply(RULES[name], input, groups=groups)


def channel_shuffle(input: Tensor, groups: int) -> Tensor:
    """The channels (dim 1) of ``input``, split into ``groups`` groups, interleaved:
    channel ``g * (C / groups) + i`` goes to ``i * groups + g`` (ChannelShuffleBackward0).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.channel_shuffle(autodiff.arange(6.0).reshape(1, 6, 1), 2).flatten()
    tensor([0., 3., 1., 4., 2., 5.])
    """
    return _checked_channel_shuffle("channel_shuffle", input, groups)


def native_channel_shuffle(input: Tensor, groups: int) -> Tensor:
    """``channel_shuffle``, whose gradient torch does not implement (a NotImplemented
    node, whose backward raises)."""
    return _checked_channel_shuffle("native_channel_shuffle", input, groups)


__all__ = ["pixel_shuffle", "pixel_unshuffle", "channel_shuffle", "native_channel_shuffle"]
