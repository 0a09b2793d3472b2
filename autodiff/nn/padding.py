"""The padding layers (torch's ``nn.ReflectionPad2d``, ``nn.ZeroPad2d``...): ``padding``
-- one number for every side, or (before, after) pairs, the last dim's first -- and
``F.pad`` in their mode."""

from __future__ import annotations

from typing import Sequence, Union

from ..tape import Tensor
from . import functional as F
from .conv import _ntuple
from .module import Module

_Padding = Union[int, Sequence[int]]


class _PadNd(Module):
    """What every padding layer shares: ``F.pad(input, padding, mode)`` over ``_n`` dims."""

    mode = "constant"
    _n = 1

    def __init__(self, padding: _Padding) -> None:
        super().__init__()
        self.padding = _ntuple(padding, 2 * self._n)

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, self.mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding: _Padding, value: float) -> None:
        super().__init__(padding)
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pad the last dim with ``value``."""


class ConstantPad2d(_ConstantPadNd):
    """Pad the last 2 dims with ``value``."""

    _n = 2


class ConstantPad3d(_ConstantPadNd):
    """Pad the last 3 dims with ``value``."""

    _n = 3


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding: _Padding) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad1d(_ZeroPadNd, ConstantPad1d):
    """Pad the last dim with zeros."""


class ZeroPad2d(_ZeroPadNd, ConstantPad2d):
    """Pad the last 2 dims with zeros.

    >>> import autodiff
    >>> import autodiff.nn as nn
    >>> nn.ZeroPad2d((1, 0, 0, 1))(autodiff.ones(1, 2, 2))
    tensor([[[0., 1., 1.],
             [0., 1., 1.],
             [0., 0., 0.]]])
    """


class ZeroPad3d(_ZeroPadNd, ConstantPad3d):
    """Pad the last 3 dims with zeros."""


class ReflectionPad1d(_PadNd):
    """Pad the last dim with its reflection at the edges (the edge not repeated)."""

    mode = "reflect"


class ReflectionPad2d(ReflectionPad1d):
    """Pad the last 2 dims with their reflection at the edges (the edge not repeated).

    >>> import autodiff
    >>> import autodiff.nn as nn
    >>> nn.ReflectionPad2d(1)(autodiff.tensor([[[1.0, 2.0], [3.0, 4.0]]]))
    tensor([[[4., 3., 4., 3.],
             [2., 1., 2., 1.],
             [4., 3., 4., 3.],
             [2., 1., 2., 1.]]])
    """

    _n = 2


class ReflectionPad3d(ReflectionPad1d):
    """Pad the last 3 dims with their reflection at the edges (the edge not repeated)."""

    _n = 3


class ReplicationPad1d(_PadNd):
    """Pad the last dim by repeating its edge values."""

    mode = "replicate"


class ReplicationPad2d(ReplicationPad1d):
    """Pad the last 2 dims by repeating their edge values."""

    _n = 2


class ReplicationPad3d(ReplicationPad1d):
    """Pad the last 3 dims by repeating their edge values."""

    _n = 3


class CircularPad1d(_PadNd):
    """Pad the last dim by wrapping around: the end's values before the start, the
    start's after the end."""

    mode = "circular"

    def forward(self, input: Tensor) -> Tensor:
        if input.dim() not in (self._n + 1, self._n + 2):
            raise ValueError(f"expected {self._n + 1}D or {self._n + 2}D input (got "
                             f"{input.dim()}D input)")
        return super().forward(input)


class CircularPad2d(CircularPad1d):
    """Pad the last 2 dims by wrapping around."""

    _n = 2


class CircularPad3d(CircularPad1d):
    """Pad the last 3 dims by wrapping around."""

    _n = 3
