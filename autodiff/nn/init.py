"""``autodiff.nn.init``: fill a tensor in place with initial values (torch's ``nn.init``).

Every function writes under ``no_grad`` (a parameter is a leaf that requires grad, and
this write is not part of the model) and returns the tensor. Random values come from
autodiff's generator (``autodiff.manual_seed``) or the ``generator`` passed: they follow
torch's distributions, not torch's exact numbers.

The scaled initialisations keep the variance of activations steady through layers:
``kaiming_*`` (He et al., 2015) scales by ``gain / sqrt(fan)``, ``xavier_*`` (Glorot &
Bengio, 2010) by ``gain * sqrt(2 / (fan_in + fan_out))``. The structured ones give a
layer a known starting map: ``eye_`` and ``dirac_`` the identity, ``orthogonal_`` an
orthogonal matrix (Saxe et al., 2013: a QR of a random matrix, computed with NumPy on the
host, as an initializer is not differentiated).

The names without the trailing underscore (``normal``, ``xavier_uniform``...) are torch's
deprecated aliases: they warn, then do the same.
"""

from __future__ import annotations

import math
import warnings
from typing import Callable, Optional, ParamSpec, TypeVar

import jax.numpy as jnp
import numpy as np

from .. import ops, tape
from ..ops.random import Generator
from ..tape import Tensor


def _write(tensor, values):
    """Copy the NumPy array ``values`` into ``tensor``, unrecorded."""
    with tape.no_grad():
        tensor.copy_(tape.make_tensor(jnp.asarray(values, tensor.dtype.np)))
    return tensor


def _fill(tensor, draw, generator=None):
    """Write ``draw(rng, shape)`` (a NumPy array) into ``tensor``, unrecorded."""
    rng = (generator or ops.default_generator)._rng
    return _write(tensor, draw(rng, tuple(tensor.shape)))


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


def trunc_normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0,
                  b: float = 2.0, generator: Optional[Generator] = None) -> Tensor:
    """Fill with values drawn from N(mean, std^2) truncated to [a, b].

    >>> import autodiff
    >>> import autodiff.nn as nn
    >>> w = nn.init.trunc_normal_(autodiff.empty(100), std=2.0, a=-1.0, b=1.0)
    >>> bool((w.abs() <= 1).all())
    True
    """
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The "
                      "distribution of values may be incorrect.", stacklevel=2)
    return _fill(tensor, lambda rng, shape: _truncated_normal(rng, shape, mean, std, a, b),
                 generator)


def _truncated_normal(rng, shape, mean, std, a, b):
    """Rejection sampling, as torch: redraw the normal values outside [a, b] when most
    fall inside; else draw uniformly on [a, b] and accept each value with probability
    (its density) / (the density's peak on [a, b])."""
    def cdf(x):
        return (1.0 + math.erf((x - mean) / std / math.sqrt(2.0))) / 2.0
    if cdf(b) - cdf(a) > 0.3:
        values = rng.normal(mean, std, shape)
        while (outside := (values < a) | (values > b)).any():
            values[outside] = rng.normal(mean, std, int(outside.sum()))
        return values
    peak = max(a, min(mean, b))
    values, pending = np.empty(shape), np.ones(shape, dtype=bool)
    while pending.any():
        candidates = rng.uniform(a, b, int(pending.sum()))
        log_ratio = -0.5 * ((candidates - mean) / std) ** 2 + 0.5 * ((peak - mean) / std) ** 2
        accepted = np.log(rng.uniform(size=candidates.size)) <= log_ratio
        where = np.flatnonzero(pending)[accepted]
        values.flat[where] = candidates[accepted]
        pending.flat[where] = False
    return values


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


def eye_(tensor: Tensor) -> Tensor:
    """Fill a 2-d tensor with the identity matrix (ones on the diagonal): a linear layer
    that starts as the identity map.

    >>> import autodiff
    >>> import autodiff.nn as nn
    >>> nn.init.eye_(autodiff.empty(2, 3))
    tensor([[1., 0., 0.],
            [0., 1., 0.]])
    """
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    return _write(tensor, np.eye(*tensor.shape))


def dirac_(tensor: Tensor, groups: int = 1) -> Tensor:
    """Fill a 3-, 4- or 5-d convolution weight with the Dirac delta: a one at the centre
    of the kernel from input channel ``d`` to output channel ``d`` (in each of
    ``groups``), so the convolution starts as the identity on as many channels as it can.

    >>> import autodiff
    >>> import autodiff.nn as nn
    >>> nn.init.dirac_(autodiff.empty(2, 1, 3))
    tensor([[[0., 1., 0.]],
    <BLANKLINE>
            [[0., 0., 0.]]])
    """
    if tensor.dim() not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    out_channels, in_channels, *kernel = tensor.shape
    if out_channels % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    per_group = out_channels // groups
    centre = tuple(k // 2 for k in kernel)
    values = np.zeros(tensor.shape)
    for g in range(groups):
        for d in range(min(per_group, in_channels)):
            values[(g * per_group + d, d) + centre] = 1
    return _write(tensor, values)


def orthogonal_(tensor: Tensor, gain: float = 1,
                generator: Optional[Generator] = None) -> Tensor:
    """Fill with a (semi-)orthogonal matrix times ``gain``: the Q of a QR decomposition
    of a normal random matrix, its signs fixed so that the draw is uniform. A tensor of
    more than 2 dims is seen as ``(size(0), the rest)``; its rows (or columns, if fewer)
    are orthonormal.

    >>> import autodiff
    >>> import autodiff.nn as nn
    >>> w = nn.init.orthogonal_(autodiff.empty(3, 5))
    >>> bool(autodiff.allclose(w @ w.T, autodiff.eye(3), atol=1e-5))
    True
    """
    if tensor.dim() < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.size(0)
    cols = tensor.numel() // rows

    def draw(rng, shape):
        flattened = rng.normal(0.0, 1.0, (rows, cols))
        q, r = np.linalg.qr(flattened.T if rows < cols else flattened)
        q = q * np.sign(np.diag(r))       # makes the decomposition unique
        return (q.T if rows < cols else q).reshape(shape) * gain
    return _fill(tensor, draw, generator)


def sparse_(tensor: Tensor, sparsity: float, std: float = 0.01,
            generator: Optional[Generator] = None) -> Tensor:
    """Fill a 2-d tensor from N(0, std^2), then zero ``ceil(sparsity * rows)`` entries of
    each column, at random rows (Martens, 2010).

    >>> import autodiff
    >>> import autodiff.nn as nn
    >>> w = nn.init.sparse_(autodiff.empty(4, 3), sparsity=0.5)
    >>> (w == 0).sum(0).tolist()
    [2, 2, 2]
    """
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    rows, cols = tensor.shape
    zeros = math.ceil(sparsity * rows)

    def draw(rng, shape):
        values = rng.normal(0.0, std, shape)
        for column in range(cols):
            values[rng.permutation(rows)[:zeros], column] = 0
        return values
    return _fill(tensor, draw, generator)


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _deprecated(init: Callable[_P, _R]) -> Callable[_P, _R]:
    """torch's old name of ``init`` (without the underscore): warns, then calls it."""
    new_name = init.__name__
    old_name = new_name[:-1]

    def deprecated_init(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        warnings.warn(f"`nn.init.{old_name}` is now deprecated in favor of "
                      f"`nn.init.{new_name}`.", FutureWarning, stacklevel=2)
        return init(*args, **kwargs)
    deprecated_init.__name__ = deprecated_init.__qualname__ = old_name
    deprecated_init.__doc__ = f"Deprecated: use :func:`{new_name}`."
    return deprecated_init


uniform = _deprecated(uniform_)
normal = _deprecated(normal_)
constant = _deprecated(constant_)
eye = _deprecated(eye_)
dirac = _deprecated(dirac_)
xavier_uniform = _deprecated(xavier_uniform_)
xavier_normal = _deprecated(xavier_normal_)
kaiming_uniform = _deprecated(kaiming_uniform_)
kaiming_normal = _deprecated(kaiming_normal_)
orthogonal = _deprecated(orthogonal_)
sparse = _deprecated(sparse_)
