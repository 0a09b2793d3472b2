"""``autodiff.nn.init``: fill a tensor in place with initial values (torch's ``nn.init``).

Every function writes under ``no_grad`` (a parameter is a leaf that requires grad, and
this write is not part of the model) and returns the tensor. Random values come from
autodiff's generator (``autodiff.manual_seed``) or the ``generator`` passed: they follow
torch's distributions, not torch's exact numbers.

The scaled initialisations keep the variance of activations steady through layers:
``kaiming_*`` (He et al., 2015) scales by ``gain / sqrt(fan)``, ``xavier_*`` (Glorot &
Bengio, 2010) by ``gain * sqrt(2 / (fan_in + fan_out))``.
"""

from __future__ import annotations

import math
import warnings
from typing import Optional

import jax.numpy as jnp

from .. import ops, tape
from ..ops.random import Generator
from ..tape import Tensor


def _fill(tensor, draw, generator=None):
    """Write ``draw(rng, shape)`` (a NumPy array) into ``tensor``, unrecorded."""
    rng = (generator or ops.default_generator)._rng
    values = tape.make_tensor(jnp.asarray(draw(rng, tuple(tensor.shape)), tensor.dtype.np))
    with tape.no_grad():
        tensor.copy_(values)
    return tensor


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0,
             generator: Optional[Generator] = None) -> Tensor:
    """Fill with values drawn uniformly from [a, b).

    >>> import autodiff
    >>> import autodiff.nn as nn
    >>> w = nn.init.uniform_(autodiff.empty(2, 3), -1.0, 1.0)
    >>> bool((w.abs() <= 1).all())
    True
    """
    return _fill(tensor, lambda rng, shape: rng.uniform(a, b, shape), generator)


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0,
            generator: Optional[Generator] = None) -> Tensor:
    """Fill with values drawn from the normal distribution N(mean, std^2)."""
    return _fill(tensor, lambda rng, shape: rng.normal(mean, std, shape), generator)


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with ``val``.

    >>> import autodiff
    >>> import autodiff.nn as nn
    >>> nn.init.constant_(autodiff.empty(2), 0.5)
    tensor([0.5000, 0.5000])
    """
    with tape.no_grad():
        return tensor.fill_(val)


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with 0."""
    return constant_(tensor, 0.0)


def ones_(tensor: Tensor) -> Tensor:
    """Fill with 1."""
    return constant_(tensor, 1.0)


def calculate_gain(nonlinearity: str, param: Optional[float] = None) -> float:
    """The factor by which a nonlinearity scales the standard deviation of its input
    (what the scaled initialisations compensate for).

    >>> import autodiff.nn as nn
    >>> nn.init.calculate_gain("relu")
    1.4142135623730951
    """
    linear = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
              "conv_transpose3d")
    if nonlinearity in linear or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor):
    """(inputs, outputs) feeding each unit: dims 1 and 0 times the kernel size."""
    if tensor.dim() < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 "
                         "dimensions")
    receptive_field = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


def _kaiming_std(tensor, a, mode, nonlinearity):
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", UserWarning, stacklevel=3)
        return None
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of ['fan_in', 'fan_out']")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return calculate_gain(nonlinearity, a) / math.sqrt(fan_in if mode == "fan_in" else fan_out)


def kaiming_uniform_(tensor: Tensor, a: float = 0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu",
                     generator: Optional[Generator] = None) -> Tensor:
    """He initialisation: uniform on [-b, b], b = gain * sqrt(3 / fan). ``nn.Linear``
    uses it with ``a=sqrt(5)``.

    >>> import autodiff
    >>> import autodiff.nn as nn
    >>> w = nn.init.kaiming_uniform_(autodiff.empty(4, 3), nonlinearity="relu")
    >>> bool((w.abs() <= 2 ** 0.5 * (3 / 3) ** 0.5).all())
    True
    """
    std = _kaiming_std(tensor, a, mode, nonlinearity)
    if std is None:
        return tensor
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor: Tensor, a: float = 0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu",
                    generator: Optional[Generator] = None) -> Tensor:
    """He initialisation: normal with std = gain / sqrt(fan)."""
    std = _kaiming_std(tensor, a, mode, nonlinearity)
    return tensor if std is None else normal_(tensor, 0.0, std, generator)


def _xavier_std(tensor, gain):
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return gain * math.sqrt(2.0 / float(fan_in + fan_out))


def xavier_uniform_(tensor: Tensor, gain: float = 1.0,
                    generator: Optional[Generator] = None) -> Tensor:
    """Glorot initialisation: uniform on [-b, b], b = gain * sqrt(6 / (fan_in + fan_out))."""
    bound = math.sqrt(3.0) * _xavier_std(tensor, gain)
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0,
                   generator: Optional[Generator] = None) -> Tensor:
    """Glorot initialisation: normal with std = gain * sqrt(2 / (fan_in + fan_out))."""
    return normal_(tensor, 0.0, _xavier_std(tensor, gain), generator)
