"""Distances: ``cosine_similarity``, ``pairwise_distance``, ``pdist``."""

from __future__ import annotations

import math

import jax.numpy as jnp
import numpy as np

from ... import dtypes as D, ops, tape
from ...tape import RULES, Tensor, apply, row
from ...ops._common import _plus_scalar
from ...ops.searching import _derivative_missing


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """The cosine of the angle between ``x1`` and ``x2`` along ``dim``: each divided by
    its norm (clamped to ``eps``, outside the graph), multiplied and summed, as torch's
    C++ does.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.cosine_similarity(autodiff.tensor([[1.0, 0.0]]), autodiff.tensor([[1.0, 1.0]]))
    tensor([0.7071])
    """
    common = D.promote_types(x1.dtype, x2.dtype)
    if not common.is_floating_point:
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is "
                           f"{D.c_name(common)}")
    x1, x2 = (x if x.dtype.is_floating_point else x.to(common) for x in (x1, x2))
    if x1.shape != x2.shape:
        shape = ops.broadcast_shapes(x1.shape, x2.shape)
        x1, x2 = x1.expand(shape), x2.expand(shape)
    norms = [x.norm(2, dim, keepdim=True).clone() for x in (x1, x2)]
    with tape.no_grad():
        for n in norms:
            n.clamp_min_(eps)
    return ((x1 / norms[0]) * (x2 / norms[1])).sum(dim)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:
    """The ``p``-norm of ``x1 - x2 + eps`` along the last dim (NormBackward1, torch's
    ``at::norm``).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.pairwise_distance(autodiff.tensor([[0.0, 0.0]]), autodiff.tensor([[3.0, 4.0]]))
    tensor([5.0000])
    """
    dim = max(x1.ndim, x2.ndim) - 1
    diff = _plus_scalar(x1 - x2, eps)
    return apply(RULES["norm_scalaropt_dim"], diff, ord=p, dim=(dim,) if dim >= 0 else None,
                 keepdim=keepdim)


# pdist: the p-norm distance of each pair of rows i < j, in torch's order (row 0 with rows
# 1, 2..., then row 1 with 2...). Its gradient is a kernel of its own, which torch does not
# differentiate: with d = x_i - x_j, d/dx_i = grad sign(d) |d|^(p-1) / dist^(p-1) (0 where
# dist is 0; sign(d) for p = 1, where |d| is the max for p = inf, 0 for p = 0), minus that
# for x_j
def _pdist_forward(self, p):
    """As torch's kernels, p a traced number (an XLA compile per shape, not per p)."""
    i, j = np.triu_indices(self.shape[0], 1)
    diff = jnp.abs(self[i] - self[j])
    if p == 0:
        return jnp.sum(diff != 0, -1).astype(self.dtype)
    if p == 1:
        return jnp.sum(diff, -1)
    if p == 2:
        return jnp.sqrt(jnp.sum(diff * diff, -1))
    if p == math.inf:
        return jnp.max(diff, -1, initial=0)
    return jnp.sum(diff ** float(p), -1) ** (1 / float(p))


def _pdist_backward(grad, self, pdist, p):
    i, j = np.triu_indices(self.shape[0], 1)
    diff, dist = self[i] - self[j], pdist[:, None]
    if p == 0:
        slope = jnp.zeros_like(diff)
    elif p == 1:
        slope = jnp.sign(diff)
    elif p == math.inf:
        slope = jnp.sign(diff) * (jnp.abs(diff) == dist)
    else:
        safe = jnp.where(dist == 0, 1, dist)
        slope = jnp.where((dist == 0) | ((diff == 0) & (p < 1)), 0,
                          jnp.sign(diff) * (jnp.abs(diff) / safe) ** (float(p) - 1))
    each = slope * grad[:, None]
    return jnp.zeros_like(self).at[i].add(each).at[j].add(-each)


row("_pdist_backward", "PdistBackwardBackward0",
    lambda grad, self, pdist, *, p: _pdist_backward(grad, self, pdist, p),
    lambda grad, p: _derivative_missing("_pdist_backward"))
row("_pdist_forward", "PdistBackward0", lambda self, *, p: _pdist_forward(self, p),
    lambda grad, self, result, p: (apply(RULES["_pdist_backward"], grad, self, result, p=p),))


def pdist(input: Tensor, p: float = 2) -> Tensor:
    """The ``p``-norm distance between each pair of rows of the (N, M) ``input``, rows
    ``i < j`` in order: the upper triangle of ``cdist(input, input)``, flattened
    (PdistBackward0).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.pdist(autodiff.tensor([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]]))
    tensor([5.0000, 1.0000, 4.2426])
    """
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    if not input.dtype.is_floating_point:
        raise RuntimeError("pdist only supports floating-point dtypes")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    return apply(RULES["_pdist_forward"], input, p=p)


__all__ = ["cosine_similarity", "pairwise_distance", "pdist"]
