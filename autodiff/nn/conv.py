"""``Conv1d/2d/3d`` and ``ConvTranspose1d/2d/3d``: thin ``Module``s around
``functional.conv{n}d`` and ``functional.conv_transpose{n}d``.

``__init__`` creates the parameters with torch's default initialisation (as ``Linear``'s,
fan_in = weight.size(1) * kernel size), ``forward`` calls the function, ``extra_repr``
prints the settings as torch does. One base class, as torch's ``_ConvNd``."""

from __future__ import annotations

from typing import Optional, Sequence, Union

from .. import dtypes as D, ops
from ..tape import Tensor
from . import functional as F
from .linear import Linear
from .module import Module
from .parameter import Parameter


def _ntuple(x, n):
    """torch's _single/_pair/_triple: an iterable as a tuple, anything else n times."""
    try:
        return tuple(x)
    except TypeError:
        return (x,) * n


class _ConvNd(Module):
    """What every convolution layer shares (torch's ``_ConvNd``)."""

    _n = 0              # spatial dims
    transposed = False

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 dilation=1, groups=1, bias=True, padding_mode="zeros", device=None,
                 dtype=None, output_padding=0):
        super().__init__()
        n = self._n
        kernel_size, stride, dilation = (_ntuple(v, n) for v in (kernel_size, stride, dilation))
        if not isinstance(padding, str):
            padding = _ntuple(padding, n)
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        valid_padding_strings = {"same", "valid"}
        if isinstance(padding, str):
            if padding not in valid_padding_strings:
                raise ValueError(f"Invalid padding string {padding!r}, should be one of "
                                 f"{valid_padding_strings}")
            if padding == "same" and any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
        valid_padding_modes = {"zeros", "reflect", "replicate", "circular"}
        if padding_mode not in valid_padding_modes:
            raise ValueError(f"padding_mode must be one of {valid_padding_modes}, but got "
                             f"padding_mode='{padding_mode}'")
        if self.transposed and padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for '
                             f"{type(self).__name__}")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding
        self.dilation, self.output_padding = dilation, _ntuple(output_padding, n)
        self.groups, self.padding_mode = groups, padding_mode
        # what F.pad takes for padding_mode other than zeros (pairs, the last dim first)
        self._reversed_padding_repeated_twice: Sequence[int]
        if padding == "same":
            self._reversed_padding_repeated_twice = [
                p for d, k in zip(reversed(dilation), reversed(kernel_size))
                for p in (d * (k - 1) // 2, d * (k - 1) - d * (k - 1) // 2)]
        elif padding == "valid":
            self._reversed_padding_repeated_twice = [0, 0] * n
        else:
            self._reversed_padding_repeated_twice = tuple(p for p in reversed(padding)
                                                          for _ in range(2))
        shape = ((in_channels, out_channels // groups) if self.transposed
                 else (out_channels, in_channels // groups))
        self.weight = Parameter(ops.empty(*shape, *kernel_size, dtype=dtype, device=device))
        if bias:
            self.bias = Parameter(ops.empty(out_channels, dtype=dtype, device=device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()         # type: ignore[misc]  # (Linear's, shared)

    reset_parameters = Linear.reset_parameters     # type: ignore[assignment]  # (shared)

    def extra_repr(self):
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        if self.padding != (0,) * len(self.padding):
            s += f", padding={self.padding}"
        if self.dilation != (1,) * len(self.dilation):
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class _Conv(_ConvNd):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 dilation=1, groups=1, bias=True, padding_mode="zeros", device=None,
                 dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, device, dtype)

    def forward(self, input):
        conv = getattr(F, f"conv{self._n}d")
        if self.padding_mode != "zeros":        # padded first, then convolved unpadded
            return conv(F.pad(input, self._reversed_padding_repeated_twice,
                              mode=self.padding_mode), self.weight, self.bias, self.stride,
                        0, self.dilation, self.groups)
        return conv(input, self.weight, self.bias, self.stride, self.padding, self.dilation,
                    self.groups)


class _ConvTranspose(_ConvNd):
    transposed = True

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 output_padding=0, groups=1, bias=True, dilation=1, padding_mode="zeros",
                 device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, device, dtype, output_padding)

    def forward(self, input, output_size=None):
        output_padding = self._output_padding(input, output_size)
        return getattr(F, f"conv_transpose{self._n}d")(
            input, self.weight, self.bias, self.stride, self.padding, output_padding,
            self.groups, self.dilation)

    def _output_padding(self, input, output_size):
        """``output_padding``, or what makes the output ``output_size`` (torch's check)."""
        if output_size is None:
            return self.output_padding
        n = self._n
        batch = 2 if input.dim() == n + 2 else 1
        if len(output_size) == batch + n:
            output_size = output_size[batch:]
        if len(output_size) != n:
            raise ValueError(f"ConvTranspose{n}D: for {input.dim()}D input, output_size must "
                             f"have {n} or {batch + n} elements (got {len(output_size)})")
        min_sizes = [(input.size(d + batch) - 1) * self.stride[d] - 2 * self.padding[d]
                     + self.dilation[d] * (self.kernel_size[d] - 1) + 1 for d in range(n)]
        max_sizes = [m + s - 1 for m, s in zip(min_sizes, self.stride)]
        for size, low, high in zip(output_size, min_sizes, max_sizes):
            if size < low or size > high:
                raise ValueError(f"requested an output size of {output_size}, but valid sizes "
                                 f"range from {min_sizes} to {max_sizes} (for an input of "
                                 f"{input.size()[2:]})")
        return [size - low for size, low in zip(output_size, min_sizes)]


class Conv1d(_Conv):
    """A 1-D convolution over (N, C, L) signals: ``F.conv1d``."""
    _n = 1


class Conv2d(_Conv):
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
    _n = 2


class Conv3d(_Conv):
    """A 3-D convolution over (N, C, D, H, W) volumes: ``F.conv3d``."""
    _n = 3


class ConvTranspose1d(_ConvTranspose):
    """A 1-D transposed convolution: ``F.conv_transpose1d``."""
    _n = 1


class ConvTranspose2d(_ConvTranspose):
    """A 2-D transposed convolution (the gradient of a ``Conv2d`` in its input):
    ``F.conv_transpose2d``; ``forward(input, output_size=None)``.

    >>> import autodiff
    >>> import autodiff.nn as nn
    >>> up = nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1)
    >>> up
    ConvTranspose2d(4, 2, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))
    >>> up(autodiff.zeros(1, 4, 5, 5), output_size=[10, 10]).shape
    autodiff.Size([1, 2, 10, 10])
    """
    _n = 2


class ConvTranspose3d(_ConvTranspose):
    """A 3-D transposed convolution: ``F.conv_transpose3d``."""
    _n = 3
