"""Distances: ``cosine_similarity``, ``pairwise_distance``."""

from __future__ import annotations

from ... import dtypes as D, ops, tape
from ...tape import RULES, Tensor, apply
from ...ops._common import _plus_scalar


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


__all__ = ["cosine_similarity", "pairwise_distance"]
