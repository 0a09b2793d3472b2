"""Lookups: ``embedding`` (rows of a weight picked by indices) and ``one_hot``."""

from __future__ import annotations

from typing import Optional

import jax.numpy as jnp
import numpy as np

from ... import dtypes as D, ops, tape
from ...tape import RULES, Tensor, apply, concrete, row
from ...ops._common import _w


def _embedding_picks_grad(grad, indices, padding_idx, scale_grad_by_freq, n):
    if scale_grad_by_freq:
        grad = grad / tape.constant(jnp.bincount(indices.reshape(-1), length=n)[indices][..., None]
                             .astype(grad._array.dtype))
    return _w(tape.constant((indices != padding_idx)[..., None]), grad, 0.0)


# embedding: rows of weight picked by indices; the gradient of a row is the sum of the
# gradients of its picks (none for padding_idx; each divided by how often its row was
# picked, with scale_grad_by_freq)
row("embedding", "EmbeddingBackward0",
    lambda weight, *, indices, padding_idx, scale_grad_by_freq, sparse, weight_sym_argsize_0:
        weight[indices._value()],
    lambda grad, indices, padding_idx, scale_grad_by_freq, sparse, weight_sym_argsize_0: (
        tape.apply(RULES["index_backward"],
                   _embedding_picks_grad(grad, indices._value(), padding_idx,
                                         scale_grad_by_freq, weight_sym_argsize_0),
                   key=(indices._value(),),
                   self_sym_sizes=(weight_sym_argsize_0, grad.shape[-1])),))


def embedding(input: Tensor, weight: Tensor, padding_idx: Optional[int] = None,
              max_norm: Optional[float] = None, norm_type: float = 2.0,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Rows of ``weight`` picked by the integer tensor ``input``; the ``padding_idx`` row
    gets no gradient. ``max_norm``: the picked rows whose ``norm_type``-norm is larger are
    first scaled down to it, in place (as torch's ``embedding_renorm_``);
    ``scale_grad_by_freq``: each pick's gradient is divided by how often its row was
    picked. ``sparse=True`` is accepted, but the gradient stays dense.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.embedding(autodiff.tensor([2, 0]), autodiff.tensor([[0.0, 1.0], [2.0, 3.0],
    ...                                                      [4.0, 5.0]]))
    tensor([[4., 5.],
            [0., 1.]])
    """
    if input.dtype not in (D.int64, D.int32):
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the "
                           "following scalar types: Long, Int; but got "
                           f"{input._type_name()} instead (while checking "
                           "arguments for embedding)")
    n = weight.shape[0]
    values = input._value()
    if concrete(values) and values.size and (values.min() < -n or values.max() >= n):
        raise IndexError("index out of range in self")
    if padding_idx is None:
        padding_idx = -1
    elif padding_idx < 0:
        padding_idx += n
    indices = tape.make_tensor(values % n)
    if max_norm is not None:
        _embedding_renorm_(weight, indices, max_norm, norm_type)
    return apply(RULES["embedding"], weight, indices=indices, padding_idx=padding_idx,
                 scale_grad_by_freq=scale_grad_by_freq, sparse=sparse,
                 weight_sym_argsize_0=n)


def _embedding_renorm_(weight, indices, max_norm, norm_type):
    """Scale the picked rows of ``weight`` whose norm exceeds ``max_norm`` down to it, in
    place and unrecorded: ``row *= max_norm / (norm + 1e-7)``, the scale taken in float64
    as torch does."""
    with tape.no_grad():
        rows = weight[indices.reshape(-1)]
        norms = rows.norm(norm_type, dim=1, keepdim=True)
        scale = (max_norm / (norms.double() + 1e-7)).to(weight.dtype)
        weight[indices.reshape(-1)] = ops.where(norms > max_norm, rows * scale, rows)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """Class indices (int64) as one-hot rows of ``num_classes`` (by default one more than
    the largest index); int64, without a gradient.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.one_hot(autodiff.tensor([0, 2]), 3)
    tensor([[1, 0, 0],
            [0, 0, 1]])
    """
    if tensor.dtype is not D.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    values = np.asarray(tensor._value())
    if values.size == 0:
        if num_classes == -1:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
    else:
        if values.min() < 0:
            raise RuntimeError("Class values must be non-negative.")
        if num_classes == -1:
            num_classes = int(values.max()) + 1
        elif values.max() >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    return tape.make_tensor(jnp.asarray(values[..., None] == np.arange(num_classes), jnp.int64))


__all__ = ["embedding", "one_hot"]
