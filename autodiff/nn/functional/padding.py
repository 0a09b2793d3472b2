"""Padding: ``pad`` -- constant (a row; negative pads crop), reflect and replicate (a
row per number of padded dims, as torch's ops), circular (copies into slices, as torch's
``_pad_circular``)."""

from __future__ import annotations

import functools
from typing import Optional, Sequence

import jax
import jax.numpy as jnp
import numpy as np

from ... import tape
from ...ops._common import _zeros_like
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


# reflect and replicate: each output position of a padded dim copies one input position
# (``_source``, torch's kernels' formulas); the gradient adds each position's gradient
# back onto the input position it copied (its own row: differentiated again, it pads)
def _source(n, before, after, mode):
    """The input position each position of a dim of size ``n`` padded by ``(before,
    after)`` copies: mirrored at the edges (reflect), the edge repeated (replicate), or
    from the far side (circular)."""
    k = np.arange(-before, n + after)
    if mode == "reflect":
        return np.where(k > n - 1, 2 * (n - 1) - k, np.abs(k))
    if mode == "circular":              # (wrapping within what negative pads leave)
        kept = n + min(before, 0) + min(after, 0)
        return max(-before, 0) + np.mod(k - max(-before, 0), kept)
    return np.clip(k, 0, n - 1)


def _padded_dims(padding, ndim):
    """(dim, before, after) for each padded dim, the last dim first (``pad``'s order)."""
    return [(ndim - 1 - i, padding[2 * i], padding[2 * i + 1]) for i in range(len(padding) // 2)]


def _copy_pad(x, padding, mode):
    for dim, before, after in _padded_dims(padding, x.ndim):
        x = jnp.take(x, _source(x.shape[dim], before, after, mode), axis=dim)
    return x


def _copy_pad_backward(grad, self_shape, padding, mode):
    for dim, before, after in reversed(_padded_dims(padding, grad.ndim)):
        moved = jnp.moveaxis(grad, dim, 0)
        summed = jnp.zeros((self_shape[dim],) + moved.shape[1:], grad.dtype).at[
            _source(self_shape[dim], before, after, mode)].add(moved)
        grad = jnp.moveaxis(summed, 0, dim)
    return grad


_COPY_PADS = {"reflect": "Reflection", "replicate": "Replication"}
for _mode, _name in _COPY_PADS.items():
    for _n in (1, 2, 3):
        _op = f"{_name.lower()}_pad{_n}d"
        row(_op, f"{_name}Pad{_n}DBackward0",
            functools.partial(lambda self, *, padding, mode: _copy_pad(self, padding, mode),
                              mode=_mode),
            (functools.partial(lambda grad, self, padding, op: tape.apply(
                RULES[op + "_backward"], grad, self, padding=padding), op=_op),))
        # d/d(grad_output) of the gradient is the padding itself; self only gave a shape
        row(_op + "_backward", f"{_name}Pad{_n}DBackwardBackward0",
            functools.partial(lambda grad_output, self, *, padding, mode: _copy_pad_backward(
                grad_output, self.shape, padding, mode), mode=_mode),
            (functools.partial(lambda grad, padding, op: tape.apply(RULES[op], grad,
                                                                    padding=padding), op=_op),
             lambda grad, self: _zeros_like(self)))


def _constant_pad_nd(input, pad, value):
    """torch's ``constant_pad_nd`` (``torch.constant_pad_nd``; ``F.pad`` checks the length
    of ``pad`` first, with texts of its own)."""
    pad = tuple(pad)
    if len(pad) % 2:
        raise RuntimeError(f"Length of pad must be even but instead it equals {len(pad)}")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError(f"Length of pad should be no more than twice the number of "
                           f"dimensions of the input. Pad length is {len(pad)}while the input "
                           f"has {input.ndim}dimensions.")
    if any(input.shape[-1 - i] + pad[2 * i] + pad[2 * i + 1] < 0
           for i in range(len(pad) // 2)):
        raise RuntimeError("narrow(): length must be non-negative.")
    return apply(RULES["constant_pad_nd"], input, pad=pad, value=value)


def pad(input: Tensor, pad: Sequence[int], mode: str = "constant",
        value: Optional[float] = None) -> Tensor:
    """Pad the last ``len(pad) // 2`` dims: ``pad`` is (before, after) for the last dim,
    then the one before it... (negative values crop). ``mode``: "constant" fills with
    ``value`` (0 by default; ConstantPadNdBackward0); "reflect" mirrors the tensor at its
    edges, "replicate" repeats the edge (ReflectionPad2DBackward0...: 1 to 3 dims, after
    one or two unpadded ones), "circular" wraps around (copies into slices).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.pad(autodiff.tensor([[1.0, 2.0]]), (1, 0), value=9.0)
    tensor([[9., 1., 2.]])
    >>> F.pad(autodiff.tensor([[1.0, 2.0, 3.0]]), (2, 1), mode="reflect")
    tensor([[3., 2., 1., 2., 3., 2.]])
    """
    if mode not in ("constant", "reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    pad = tuple(pad)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError(f"Padding length should be less than or equal to two times the "
                           f"input dimension but got padding length {len(pad)} and input of "
                           f"dimension {input.ndim}")
    if mode == "constant":
        return _constant_pad_nd(input, pad, 0 if value is None else value)
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    n = len(pad) // 2
    if n not in (1, 2, 3) or input.ndim not in (n + 1, n + 2):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {input.ndim}D input tensor.\n"
            "Supported combinations for non-constant padding:\n"
            "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
            "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
            "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    if mode == "circular":
        return _pad_circular(input, pad)
    _check_copy_pad(input, pad, mode)
    return apply(RULES[f"{_COPY_PADS[mode].lower()}_pad{n}d"], input, padding=pad)


def _check_copy_pad(input, pad, mode):
    """torch's checks of reflection_pad{n}d and replication_pad{n}d, in its order."""
    n, shape = len(pad) // 2, list(input.shape)
    if any(s == 0 for s in shape[input.ndim == n + 2:]):  # (a batch may be empty)
        raise RuntimeError(f"Expected {n + 1}D or {n + 2}D (batch mode) tensor with possibly 0 "
                           "batch size and other non-zero dimensions for input, but got: "
                           f"{shape}")
    for i, (dim, before, after) in enumerate(_padded_dims(pad, input.ndim)):
        if mode == "reflect" and not (before < shape[dim] and after < shape[dim]):
            raise RuntimeError(f"Argument #{4 + 2 * i}: Padding size should be less than the "
                               "corresponding input dimension, but got: padding "
                               f"({before}, {after}) at dimension {dim} of input {shape}")
    if n == 1 and shape[-1] + pad[0] + pad[1] < 1:
        raise RuntimeError(f"input (W: {shape[-1]}) is too small. Calculated output W: "
                           f"{shape[-1] + pad[0] + pad[1]}")
    out = [s + pad[2 * i] + pad[2 * i + 1] if (i := input.ndim - 1 - d) < n else s
           for d, s in enumerate(shape)]
    tape.nonnegative(out)


_circular_pad = jax.jit(functools.partial(_copy_pad, mode="circular"),
                        static_argnames="padding")


def _pad_circular(input, pad):
    """torch's ``_pad_circular``: a new tensor, the input copied into its middle, then
    each padded dim's edges copied from the far side -- slices written in place
    (CopySlices), in torch's order, so that the graph is torch's. With nothing to record,
    the same numbers come from one compiled take."""
    ndim, dims = input.ndim, _padded_dims(pad, input.ndim)
    out_shape = list(input.shape)
    for dim, before, after in dims:
        if before > input.shape[dim] or after > input.shape[dim]:
            raise RuntimeError("Padding value causes wrapping around more than once.")
        out_shape[dim] += before + after
        if out_shape[dim] < 0:
            raise RuntimeError("Negative padding value is resulting in an empty dimension")
    if not (input.requires_grad and tape.is_grad_enabled()):   # nothing to record: a take
        return tape.make_tensor(_circular_pad(input._value(), padding=pad))
    out = input.new_empty(out_shape)
    out_slice, in_slice = out, input
    for dim, before, after in dims:
        out_slice = out_slice.narrow(dim, max(before, 0),
                                     out_shape[dim] - max(before, 0) - max(after, 0))
        in_slice = in_slice.narrow(dim, max(-before, 0),
                                   input.shape[dim] - max(-before, 0) - max(-after, 0))
    out_slice.copy_(in_slice)
    for dim, before, after in dims:
        if before > 0:
            out.narrow(dim, 0, before).copy_(
                out.narrow(dim, out_shape[dim] - before - max(after, 0), before))
        if after > 0:
            out.narrow(dim, out_shape[dim] - after, after).copy_(
                out.narrow(dim, max(before, 0), after))
    return out


__all__ = ["pad"]
