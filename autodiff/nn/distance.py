"""The distance modules: ``CosineSimilarity`` and ``PairwiseDistance``."""

from __future__ import annotations

from ..tape import Tensor
from . import functional as F
from .module import Module


class CosineSimilarity(Module):
    """The cosine of the angle between two inputs along ``dim``.

    >>> import autodiff
    >>> import autodiff.nn as nn
    >>> nn.CosineSimilarity(dim=0)(autodiff.tensor([1.0, 0.0]), autodiff.tensor([2.0, 0.0]))
    tensor(1.)
    """

    def __init__(self, dim: int = 1, eps: float = 1e-08) -> None:
        super().__init__()
        self.dim, self.eps = dim, eps

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return F.cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """The ``p``-norm of ``x1 - x2 + eps`` along the last dim.

    >>> import autodiff
    >>> import autodiff.nn as nn
    >>> nn.PairwiseDistance()(autodiff.tensor([[0.0, 0.0]]), autodiff.tensor([[3.0, 4.0]]))
    tensor([5.0000])
    """

    def __init__(self, p: float = 2.0, eps: float = 1e-06, keepdim: bool = False) -> None:
        super().__init__()
        self.norm, self.eps, self.keepdim = p, eps, keepdim

    def forward(self, x1: Tensor, x2: Tensor) -> Tensor:
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)
