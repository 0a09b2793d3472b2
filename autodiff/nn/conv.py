"""``Conv2d``: a thin ``Module`` around ``functional.conv2d``.

Each is a thin ``Module`` around a function of ``autodiff.nn.functional``: ``__init__``
creates the parameters with torch's default initialisation, ``forward`` calls the
function, ``extra_repr`` prints the settings as torch does."""

from __future__ import annotations

from typing import Optional, Union

from .. import dtypes as D, ops
from ..tape import Tensor
from . import functional as F
from .functional._common import Size2, _pair
from .linear import Linear
from .module import Module
from .parameter import Parameter


class Conv2d(Module):
    """A 2-D convolution over (N, C, H, W) images with ``out_channels`` filters of
    ``kernel_size``, initialised as ``Linear`` is (fan_in = C * kH * kW).

    >>> import autodiff
    >>> import autodiff.nn as nn
    >>> conv = nn.Conv2d(1, 4, 3, padding=1)
    >>> conv
    Conv2d(1, 4, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
    >>> conv(autodiff.zeros(2, 1, 8, 8)).shape
    autodiff.Size([2, 4, 8, 8])
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Size2, stride: Size2 = 1,
                 padding: Union[Size2, str] = 0, dilation: Size2 = 1, groups: int = 1,
                 bias: bool = True, padding_mode: str = "zeros",
                 device: Optional[D.DeviceLike] = None, dtype: Optional[D.dtype] = None) -> None:
        super().__init__()
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups:
            raise ValueError("out_channels must be divisible by groups")
        if padding_mode != "zeros":
            raise NotImplementedError("autodiff: Conv2d supports padding_mode='zeros' only")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride = _pair(kernel_size), _pair(stride)
        self.padding = padding if isinstance(padding, str) else _pair(padding)
        self.dilation = _pair(dilation)
        self.groups, self.padding_mode = groups, padding_mode
        self.weight = Parameter(ops.empty(out_channels, in_channels // groups,
                                          *self.kernel_size, dtype=dtype, device=device))
        if bias:
            self.bias = Parameter(ops.empty(out_channels, dtype=dtype, device=device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()         # type: ignore[misc]  # (Linear's, shared)

    reset_parameters = Linear.reset_parameters

    def forward(self, input: Tensor) -> Tensor:
        return F.conv2d(input, self.weight, self.bias, self.stride, self.padding,
                        self.dilation, self.groups)

    def extra_repr(self) -> str:
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        if self.padding != (0, 0):
            s += f", padding={self.padding}"
        if self.dilation != (1, 1):
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        return s
