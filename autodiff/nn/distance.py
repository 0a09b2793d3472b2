"""The distance modules: ``CosineSimilarity`` and ``PairwiseDistance``."""

from __future__ import annotations

from . import functional as F
from .module import Module


class CosineSimilarity(Module):
    """The cosine of the angle between two inputs along ``dim``.

    >>> import autodiff
    >>> import autodiff.nn as nn
    >>> nn.CosineSimilarity(dim=0)(autodiff.tensor([1.0, 0.0]), autodiff.tensor([2.0, 0.0]))
    tensor(1.)
    """

    def __init__(self, dim=1, eps=1e-08):
        super().__init__()
        self.dim, self.eps = dim, eps

    def forward(self, x1, x2):
        return F.cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """The ``p``-norm of ``x1 - x2 + eps`` along the last dim.

    >>> import autodiff
    >>> import autodiff.nn as nn
    >>> nn.PairwiseDistance()(autodiff.tensor([[0.0, 0.0]]), autodiff.tensor([[3.0, 4.0]]))
    tensor([5.0000])
    """

    def __init__(self, p=2.0, eps=1e-06, keepdim=False):
        super().__init__()
        self.norm, self.eps, self.keepdim = p, eps, keepdim

    def forward(self, x1, x2):
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)
