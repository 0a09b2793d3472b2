"""``Identity``, ``Linear`` (``x @ weight.T + bias``) and ``Bilinear``, with torch's default
initialisation.

Each is a thin ``Module`` around a function of ``autodiff.nn.functional``: ``__init__``
creates the parameters with torch's default initialisation, ``forward`` calls the
function, ``extra_repr`` prints the settings as torch does."""

from __future__ import annotations

from typing import Any, Optional

import math

from .. import dtypes as D, ops
from ..tape import Tensor
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter


def _uniform_bias(bias, weight):
    """torch's default bias: uniform on +-1/sqrt(fan_in)."""
    fan_in, _ = init._calculate_fan_in_and_fan_out(weight)
    bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
    init.uniform_(bias, -bound, bound)


class Identity(Module):
    """Returns its input (a placeholder, e.g. for a removed layer)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        return input


class Linear(Module):
    """``y = x @ weight.T + bias``, with ``weight`` (out_features, in_features).

    Weights start uniform on +-1/sqrt(in_features) (``kaiming_uniform_`` with
    ``a=sqrt(5)``), and so does the bias.

    >>> import autodiff
    >>> import autodiff.nn as nn
    >>> layer = nn.Linear(3, 2)
    >>> layer
    Linear(in_features=3, out_features=2, bias=True)
    >>> layer(autodiff.ones(5, 3)).shape
    autodiff.Size([5, 2])
    """

    weight: Parameter
    bias: Optional[Parameter]

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 device: Optional[D.DeviceLike] = None, dtype: Optional[D.dtype] = None) -> None:
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        _weight_and_bias(self, (out_features, in_features), bias, dtype, device)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            _uniform_bias(self.bias, self.weight)

    def forward(self, input: Tensor) -> Tensor:
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Bilinear(Module):
    """``y = x1 @ weight[o] @ x2 + bias[o]`` for each output ``o``, with ``weight``
    (out_features, in1_features, in2_features) (``F.bilinear``).

    Weights and bias start uniform on +-1/sqrt(in1_features).

    >>> import autodiff
    >>> import autodiff.nn as nn
    >>> layer = nn.Bilinear(3, 4, 2)
    >>> layer
    Bilinear(in1_features=3, in2_features=4, out_features=2, bias=True)
    >>> layer(autodiff.ones(5, 3), autodiff.ones(5, 4)).shape
    autodiff.Size([5, 2])
    """

    weight: Parameter
    bias: Optional[Parameter]

    def __init__(self, in1_features: int, in2_features: int, out_features: int,
                 bias: bool = True, device: Optional[D.DeviceLike] = None,
                 dtype: Optional[D.dtype] = None) -> None:
        super().__init__()
        self.in1_features, self.in2_features = in1_features, in2_features
        self.out_features = out_features
        _weight_and_bias(self, (out_features, in1_features, in2_features), bias, dtype, device)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.in1_features <= 0:
            raise ValueError(f"in1_features must be > 0, but got (in1_features="
                             f"{self.in1_features})")
        bound = 1 / math.sqrt(self.weight.size(1))
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")


def _weight_and_bias(module, shape, bias, dtype, device):
    """``module.weight`` of ``shape`` and ``module.bias`` of its first dim (or a bias of
    None), their values left to ``reset_parameters``."""
    module.weight = Parameter(ops.empty(shape, dtype=dtype, device=device))
    if bias:
        module.bias = Parameter(ops.empty(shape[0], dtype=dtype, device=device))
    else:
        module.register_parameter("bias", None)
