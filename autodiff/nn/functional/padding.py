"""Padding: ``pad`` (constant padding is a row; negative pads crop)."""

from __future__ import annotations

from typing import Optional, Sequence

import jax
import jax.numpy as jnp

from ... import tape
from ...tape import RULES, Tensor, apply, row


# constant_pad_nd: pad (last dim first, (before, after) pairs; negative crops) with value;
# the gradient is grad cropped back: constant_pad_nd with the pads negated
def _pad_config(pad, ndim):
    pairs = [(0, 0, 0)] * (ndim - len(pad) // 2)
    pairs += [(pad[2 * i], pad[2 * i + 1], 0) for i in reversed(range(len(pad) // 2))]
    return pairs


row("constant_pad_nd", "ConstantPadNdBackward0",
    lambda self, *, pad, value: jax.lax.pad(self, jnp.asarray(value, self.dtype),
                                            _pad_config(pad, self.ndim)),
    lambda grad, pad, value: (tape.apply(RULES["constant_pad_nd"], grad,
                                         pad=tuple(-p for p in pad), value=0),))


def pad(input: Tensor, pad: Sequence[int], mode: str = "constant",
        value: Optional[float] = None) -> Tensor:
    """Pad the last ``len(pad) // 2`` dims: ``pad`` is (before, after) for the last dim,
    then the one before it... (negative values crop). ``mode='constant'`` only: it fills
    with ``value`` (0 by default); ConstantPadNdBackward0.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.pad(autodiff.tensor([[1.0, 2.0]]), (1, 0), value=9.0)
    tensor([[9., 1., 2.]])
    """
    if mode != "constant":
        raise NotImplementedError(f"autodiff: pad supports mode='constant' only, not "
                                  f"{mode!r}")
    pad = tuple(pad)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError(f"Padding length should be less than or equal to two times the "
                           f"input dimension but got padding length {len(pad)} and input of "
                           f"dimension {input.ndim}")
    if any(input.shape[-1 - i] + pad[2 * i] + pad[2 * i + 1] < 0
           for i in range(len(pad) // 2)):
        raise RuntimeError("narrow(): length must be non-negative.")
    return apply(RULES["constant_pad_nd"], input, pad=pad, value=0 if value is None else value)


__all__ = ["pad"]
