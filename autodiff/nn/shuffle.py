"""Layers that rearrange pixels and channels: ``PixelShuffle``, ``PixelUnshuffle``,
``ChannelShuffle``.

Each is a thin ``Module`` around a function of ``autodiff.nn.functional``: ``forward``
calls the function, ``extra_repr`` prints the settings as torch does."""

from __future__ import annotations

from ..tape import Tensor
from . import functional as F
from .module import Module


class PixelShuffle(Module):
    """(*, C r², H, W) to (*, C, H r, W r), ``r = upscale_factor`` (``F.pixel_shuffle``).

    >>> import autodiff
    >>> import autodiff.nn as nn
    >>> nn.PixelShuffle(2)(autodiff.ones(1, 8, 3, 3)).shape
    autodiff.Size([1, 2, 6, 6])
    """

    def __init__(self, upscale_factor: int) -> None:
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input: Tensor) -> Tensor:
        return F.pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self) -> str:
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """(*, C, H r, W r) to (*, C r², H, W), ``r = downscale_factor``
    (``F.pixel_unshuffle``).

    >>> import autodiff.nn as nn
    >>> nn.PixelUnshuffle(3)
    PixelUnshuffle(downscale_factor=3)
    """

    def __init__(self, downscale_factor: int) -> None:
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, input: Tensor) -> Tensor:
        return F.pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self) -> str:
        return f"downscale_factor={self.downscale_factor}"


class ChannelShuffle(Module):
    """The channels, split into ``groups`` groups, interleaved (``F.channel_shuffle``).

    >>> import autodiff.nn as nn
    >>> nn.ChannelShuffle(2)
    ChannelShuffle(groups=2)
    """

    def __init__(self, groups: int) -> None:
        super().__init__()
        self.groups = groups

    def forward(self, input: Tensor) -> Tensor:
        return F.channel_shuffle(input, self.groups)

    def extra_repr(self) -> str:
        return f"groups={self.groups}"
