"""Pooling layers: ``MaxPool1d/2d/3d``, ``AvgPool1d/2d``, ``AdaptiveAvgPool1d/2d``,
``AdaptiveMaxPool1d/2d``.

Each is a thin ``Module`` around a function of ``autodiff.nn.functional``: ``__init__``
creates the parameters with torch's default initialisation, ``forward`` calls the
function, ``extra_repr`` prints the settings as torch does."""

from __future__ import annotations

from typing import Any, Callable, Optional, Sequence, Union

from ..tape import Tensor
from . import functional as F
from .functional._common import Size2
from .module import Module


class MaxPool2d(Module):
    """The maximum of each ``kernel_size`` window (stride defaults to the kernel size).

    >>> import autodiff.nn as nn
    >>> nn.MaxPool2d(2)
    MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
    """

    def __init__(self, kernel_size: Size2, stride: Optional[Size2] = None, padding: Size2 = 0,
                 dilation: Size2 = 1, return_indices: bool = False,
                 ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    _pool: Callable[..., Any] = staticmethod(F.max_pool2d)   # (MaxPool1d, 3d: their own)

    def forward(self, input: Tensor) -> Union[Tensor, tuple[Tensor, Tensor]]:
        return self._pool(input, self.kernel_size, self.stride, self.padding, self.dilation,
                          self.ceil_mode, self.return_indices)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, dilation={self.dilation}, "
                f"ceil_mode={self.ceil_mode}")


class AvgPool2d(Module):
    """The mean of each ``kernel_size`` window (stride defaults to the kernel size).

    >>> import autodiff.nn as nn
    >>> nn.AvgPool2d(2)
    AvgPool2d(kernel_size=2, stride=2, padding=0)
    """

    def __init__(self, kernel_size: Size2, stride: Optional[Size2] = None, padding: Size2 = 0,
                 ceil_mode: bool = False, count_include_pad: bool = True,
                 divisor_override: Optional[int] = None) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.ceil_mode = padding, ceil_mode
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, input: Tensor) -> Tensor:
        return F.avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad, self.divisor_override)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """The mean over windows that split the image into ``output_size``.

    >>> import autodiff
    >>> import autodiff.nn as nn
    >>> nn.AdaptiveAvgPool2d((None, 1))(autodiff.ones(1, 2, 3, 4)).shape
    autodiff.Size([1, 2, 3, 1])
    """

    def __init__(self, output_size: Union[int, Sequence[Optional[int]]]) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        return F.adaptive_avg_pool2d(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class MaxPool1d(MaxPool2d):
    """The maximum of each ``kernel_size`` window along the last dim (``F.max_pool1d``).

    >>> import autodiff.nn as nn
    >>> nn.MaxPool1d(2)
    MaxPool1d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
    """

    _pool = staticmethod(F.max_pool1d)


class MaxPool3d(MaxPool2d):
    """The maximum of each ``kernel_size`` window of (D, H, W) (``F.max_pool3d``).

    >>> import autodiff.nn as nn
    >>> nn.MaxPool3d(2)
    MaxPool3d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
    """

    _pool = staticmethod(F.max_pool3d)


class AvgPool1d(Module):
    """The mean of each ``kernel_size`` window along the last dim (``F.avg_pool1d``).

    >>> import autodiff.nn as nn
    >>> nn.AvgPool1d(3)
    AvgPool1d(kernel_size=(3,), stride=(3,), padding=(0,))
    """

    def __init__(self, kernel_size: Union[int, Sequence[int]],
                 stride: Optional[Union[int, Sequence[int]]] = None,
                 padding: Union[int, Sequence[int]] = 0, ceil_mode: bool = False,
                 count_include_pad: bool = True) -> None:
        super().__init__()
        self.kernel_size = _single(kernel_size)
        self.stride = _single(stride if stride is not None else kernel_size)
        self.padding = _single(padding)
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad

    def forward(self, input: Tensor) -> Tensor:
        return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                            self.count_include_pad)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


def _single(value):
    """torch's ``_single``: an int as a 1-tuple."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


class AdaptiveAvgPool1d(Module):
    """The mean over windows that split the last dim into ``output_size``
    (``F.adaptive_avg_pool1d``).

    >>> import autodiff.nn as nn
    >>> nn.AdaptiveAvgPool1d(3)
    AdaptiveAvgPool1d(output_size=3)
    """

    def __init__(self, output_size: Union[int, Sequence[int]]) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        return F.adaptive_avg_pool1d(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveMaxPool2d(Module):
    """The maximum over windows that split the image into ``output_size``
    (``F.adaptive_max_pool2d``).

    >>> import autodiff.nn as nn
    >>> nn.AdaptiveMaxPool2d((2, None))
    AdaptiveMaxPool2d(output_size=(2, None))
    """

    def __init__(self, output_size: Union[int, Sequence[Optional[int]]],
                 return_indices: bool = False) -> None:
        super().__init__()
        self.output_size, self.return_indices = output_size, return_indices

    def forward(self, input: Tensor) -> Union[Tensor, tuple[Tensor, Tensor]]:
        return F.adaptive_max_pool2d(input, self.output_size, self.return_indices)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveMaxPool1d(Module):
    """The maximum over windows that split the last dim into ``output_size``
    (``F.adaptive_max_pool1d``).

    >>> import autodiff.nn as nn
    >>> nn.AdaptiveMaxPool1d(2)
    AdaptiveMaxPool1d(output_size=2)
    """

    def __init__(self, output_size: Union[int, Sequence[int]],
                 return_indices: bool = False) -> None:
        super().__init__()
        self.output_size, self.return_indices = output_size, return_indices

    def forward(self, input: Tensor) -> Union[Tensor, tuple[Tensor, Tensor]]:
        return F.adaptive_max_pool1d(input, self.output_size, self.return_indices)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"
