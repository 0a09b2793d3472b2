"""What several families of ``nn.functional`` share: torch's error for a missing
kernel, ``log_sigmoid`` on arrays, and ``_pair`` (an int or a pair, as a pair)."""

from __future__ import annotations

from typing import Sequence, Union

import jax.numpy as jnp

from ... import dtypes as D
from ...ops._common import _kernel_missing


# torch's CPU kernels of these rows have no integer version: their names, for its error
_FLOAT_KERNELS = {"gelu": "GeluKernelImpl", "softplus": "softplus_cpu", "silu": "silu_cpu",
                  "leaky_relu": "leaky_relu_cpu", "elu": "elu_cpu", "mish": "mish_cpu",
                  "hardswish": "hardswish_cpu", "hardsigmoid": "hardsigmoid_cpu",
                  "celu": "elu_cpu", "log_sigmoid": "log_sigmoid_cpu", "mse_loss": "mse_cpu",
                  "hardshrink": "hardshrink_cpu"}


def _check_kernel(name, *inputs):
    """torch's NotImplementedError for a row whose kernel has no version for the (integer)
    dtype its inputs promote to: ``"silu_cpu" not implemented for 'Long'``."""
    dtype = D.result_type(*inputs)
    if name in _FLOAT_KERNELS and not dtype.is_floating_point:
        raise _kernel_missing(_FLOAT_KERNELS[name], dtype)


# a size of a 2-d window (kernel, stride, padding...): one int for both dims, or a pair
Size2 = Union[int, Sequence[int]]


def _pair(x) -> tuple[int, ...]:
    return tuple(x) if isinstance(x, (tuple, list)) else (x, x)


# bce with logits, with l = 1 + (pos_weight - 1) t:
#   loss = w ((1 - t) x - l logsigmoid(x)),  d/dx = w (l sigmoid(x) - l + 1 - t),
#   d/dt = w (-x - (pos_weight - 1) logsigmoid(x))
def _log_sigmoid(x):
    return -(jnp.maximum(-x, 0) + jnp.log1p(jnp.exp(-jnp.abs(x))))
