"""Normalization layers: ``LayerNorm``, ``BatchNorm1d``, ``BatchNorm2d``, ``InstanceNorm1d``,
``InstanceNorm2d``, ``InstanceNorm3d``, ``GroupNorm``, ``RMSNorm``.

Each is a thin ``Module`` around a function of ``autodiff.nn.functional``: ``__init__``
creates the parameters with torch's default initialisation, ``forward`` calls the
function, ``extra_repr`` prints the settings as torch does."""

from __future__ import annotations

import warnings
from typing import Any, Optional, Sequence, Union

from .. import dtypes as D, ops
from ..tape import Tensor
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter


def _affine_parameters(module, shape, affine, bias, dtype, device):
    """A normalization's learned ``weight`` (ones) and ``bias`` (zeros), or None for
    each it has not."""
    kind = dict(dtype=dtype, device=device)
    module.register_parameter("weight", Parameter(ops.ones(shape, **kind)) if affine else None)
    module.register_parameter("bias", Parameter(ops.zeros(shape, **kind)) if affine and bias
                              else None)


class LayerNorm(Module):
    """Normalize over the last dims (``normalized_shape``) to mean 0 and variance 1, then
    scale and shift by learned ``weight`` (ones) and ``bias`` (zeros).

    >>> import autodiff.nn as nn
    >>> nn.LayerNorm(4)
    LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)
    """

    weight: Optional[Parameter]        # (registered by _affine_parameters)
    bias: Optional[Parameter]

    def __init__(self, normalized_shape: Union[int, Sequence[int]], eps: float = 1e-05,
                 elementwise_affine: bool = True, bias: bool = True,
                 device: Optional[D.DeviceLike] = None, dtype: Optional[D.dtype] = None) -> None:
        super().__init__()
        self.normalized_shape = (normalized_shape,) if isinstance(normalized_shape, int) \
            else tuple(normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        _affine_parameters(self, self.normalized_shape, elementwise_affine, bias, dtype, device)

    def forward(self, input: Tensor) -> Tensor:
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}")


class _BatchNorm(Module):
    """Batch normalization (``BatchNorm1d``, ``BatchNorm2d``): normalize each channel with
    the batch's statistics while training, keeping running averages of them (buffers) to
    normalize with in evaluation; then scale and shift by learned ``weight`` and ``bias``."""

    _dims: tuple[int, ...] = ()      # the input ranks it accepts
    _dims_text = ""
    weight: Optional[Parameter]        # (registered by _affine_parameters)
    bias: Optional[Parameter]
    running_mean: Optional[Tensor]     # buffers (None without track_running_stats)
    running_var: Optional[Tensor]
    num_batches_tracked: Optional[Tensor]

    def __init__(self, num_features: int, eps: float = 1e-05, momentum: Optional[float] = 0.1,
                 affine: bool = True, track_running_stats: bool = True,
                 device: Optional[D.DeviceLike] = None, dtype: Optional[D.dtype] = None, *,
                 bias: bool = True) -> None:
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        _affine_parameters(self, num_features, affine, bias, dtype, device)
        kind: dict[str, Any] = dict(dtype=dtype, device=device)
        if track_running_stats:
            self.register_buffer("running_mean", ops.zeros(num_features, **kind))
            self.register_buffer("running_var", ops.ones(num_features, **kind))
            self.register_buffer("num_batches_tracked", ops.tensor(0))       # int64
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            # (with track_running_stats, the buffers are there)
            self.running_mean.zero_()              # type: ignore[union-attr]
            self.running_var.fill_(1)              # type: ignore[union-attr]
            self.num_batches_tracked.zero_()       # type: ignore[union-attr]

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)                # type: ignore[arg-type]  # (affine: it is)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim not in self._dims:
            raise ValueError(f"expected {self._dims_text} input (got {input.ndim}D input)")
        momentum = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.add_(1)       # type: ignore[union-attr]
            if self.momentum is None:              # a cumulative average
                momentum = 1.0 / float(self.num_batches_tracked)  # type: ignore[arg-type]
        tracked = not self.training or self.track_running_stats
        return F.batch_norm(input, self.running_mean if tracked else None,
                            self.running_var if tracked else None, self.weight, self.bias,
                            self.training or self.running_mean is None, momentum, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalization of (N, C) or (N, C, L) inputs, per channel C.

    >>> import autodiff.nn as nn
    >>> nn.BatchNorm1d(3)
    BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    """

    _dims, _dims_text = (2, 3), "2D or 3D"


class BatchNorm2d(_BatchNorm):
    """Batch normalization of (N, C, H, W) inputs, per channel C."""

    _dims, _dims_text = (4,), "4D"


class BatchNorm3d(_BatchNorm):
    """Batch normalization of (N, C, D, H, W) inputs, per channel C."""

    _dims, _dims_text = (5,), "5D"


class _InstanceNorm(_BatchNorm):
    """Instance normalization (``InstanceNorm1d/2d/3d``, ``F.instance_norm``): normalize
    each channel of each sample over its positions; by default without learned
    parameters or running statistics."""

    def __init__(self, num_features: int, eps: float = 1e-05, momentum: Optional[float] = 0.1,
                 affine: bool = False, track_running_stats: bool = False,
                 device: Optional[D.DeviceLike] = None, dtype: Optional[D.dtype] = None, *,
                 bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device,
                         dtype, bias=bias)

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim not in self._dims:
            raise ValueError(f"expected {self._dims_text} input (got {input.ndim}D input)")
        unbatched = input.ndim == self._dims[0]
        feature_dim = 0 if unbatched else 1
        if input.size(feature_dim) != self.num_features:
            if self.affine:
                raise ValueError(f"expected input's size at dim={feature_dim} to match "
                                 f"num_features ({self.num_features}), but got: "
                                 f"{input.size(feature_dim)}.")
            warnings.warn(f"input's size at dim={feature_dim} does not match num_features. "
                          "You can silence this warning by not passing in num_features, "
                          "which is not used because affine=False", stacklevel=2)
        out = F.instance_norm(input.unsqueeze(0) if unbatched else input, self.running_mean,
                              self.running_var, self.weight, self.bias,
                              self.training or not self.track_running_stats,
                              0.0 if self.momentum is None else self.momentum, self.eps)
        return out.squeeze(0) if unbatched else out


class InstanceNorm1d(_InstanceNorm):
    """Instance normalization of (N, C, L) or (C, L) inputs.

    >>> import autodiff.nn as nn
    >>> nn.InstanceNorm1d(3)
    InstanceNorm1d(3, eps=1e-05, momentum=0.1, affine=False, bias=False, track_running_stats=False)
    """

    _dims, _dims_text = (2, 3), "2D or 3D"


class InstanceNorm2d(_InstanceNorm):
    """Instance normalization of (N, C, H, W) or (C, H, W) inputs."""

    _dims, _dims_text = (3, 4), "3D or 4D"


class InstanceNorm3d(_InstanceNorm):
    """Instance normalization of (N, C, D, H, W) or (C, D, H, W) inputs."""

    _dims, _dims_text = (4, 5), "4D or 5D"


class GroupNorm(Module):
    """Normalize groups of channels, then scale and shift each channel by learned
    ``weight`` (ones) and ``bias`` (zeros).

    >>> import autodiff.nn as nn
    >>> nn.GroupNorm(2, 4)
    GroupNorm(2, 4, eps=1e-05, affine=True, bias=True)
    """

    weight: Optional[Parameter]        # (registered by _affine_parameters)
    bias: Optional[Parameter]

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-05,
                 affine: bool = True, device: Optional[D.DeviceLike] = None,
                 dtype: Optional[D.dtype] = None, *, bias: bool = True) -> None:
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError(f"num_channels ({num_channels}) must be divisible by num_groups "
                             f"({num_groups})")
        self.num_groups, self.num_channels = num_groups, num_channels
        self.eps, self.affine = eps, affine
        _affine_parameters(self, num_channels, affine, bias, dtype, device)

    def forward(self, input: Tensor) -> Tensor:
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, "
                f"affine={self.affine}, bias={self.bias is not None}")


class RMSNorm(Module):
    """Divide by the root mean square over the last dims (``normalized_shape``), then
    scale by a learned ``weight`` (ones) (``F.rms_norm``).

    >>> import autodiff.nn as nn
    >>> nn.RMSNorm(4)
    RMSNorm((4,), eps=None, elementwise_affine=True)
    """

    weight: Optional[Parameter]

    def __init__(self, normalized_shape: Union[int, Sequence[int]], eps: Optional[float] = None,
                 elementwise_affine: bool = True, device: Optional[D.DeviceLike] = None,
                 dtype: Optional[D.dtype] = None) -> None:
        super().__init__()
        self.normalized_shape = (normalized_shape,) if isinstance(normalized_shape, int) \
            else tuple(normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        self.register_parameter("weight", Parameter(ops.ones(
            self.normalized_shape, dtype=dtype, device=device)) if elementwise_affine else None)

    def forward(self, input: Tensor) -> Tensor:
        return F.rms_norm(input, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")
