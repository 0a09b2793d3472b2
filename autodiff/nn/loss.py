"""The loss modules: settings in ``__init__``, the function of ``nn.functional`` in
``forward(input, target)``. Class weights are buffers, as in torch (they are state, move
with ``.to()`` and appear in the ``state_dict``)."""

from __future__ import annotations

from typing import Optional

from ..tape import Tensor
from . import functional as F
from .functional.loss import _chosen_reduction
from .module import Module


class _Loss(Module):
    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = reduction


class _WeightedLoss(_Loss):
    weight: Optional[Tensor]           # (a buffer)

    def __init__(self, weight: Optional[Tensor] = None, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.register_buffer("weight", weight)


class MSELoss(_Loss):
    """Mean squared error: ``((input - target) ** 2).mean()`` (``reduction='sum'`` or
    ``'none'`` to sum or keep the elements).

    >>> import autodiff
    >>> import autodiff.nn as nn
    >>> nn.MSELoss()(autodiff.tensor([1.0, 2.0]), autodiff.tensor([1.0, 4.0]))
    tensor(2.)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """Mean absolute error: ``(input - target).abs().mean()``."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.l1_loss(input, target, reduction=self.reduction)


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of class indices, given log-probabilities."""

    def __init__(self, weight: Optional[Tensor] = None, ignore_index: int = -100,
                 reduction: str = "mean") -> None:
        super().__init__(weight, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)


class CrossEntropyLoss(_WeightedLoss):
    """Cross-entropy of logits against class indices or class probabilities
    (``log_softmax`` then ``nll_loss``), with optional ``label_smoothing``.

    >>> import autodiff
    >>> import autodiff.nn as nn
    >>> loss = nn.CrossEntropyLoss()
    >>> loss(autodiff.tensor([[2.0, 0.0, -1.0]]), autodiff.tensor([0]))
    tensor(0.1698)
    """

    def __init__(self, weight: Optional[Tensor] = None, ignore_index: int = -100,
                 reduction: str = "mean", label_smoothing: float = 0.0) -> None:
        super().__init__(weight, reduction)
        self.ignore_index, self.label_smoothing = ignore_index, label_smoothing

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.cross_entropy(input, target, weight=self.weight,
                               ignore_index=self.ignore_index, reduction=self.reduction,
                               label_smoothing=self.label_smoothing)


class BCELoss(_WeightedLoss):
    """Binary cross-entropy of probabilities (e.g. after a ``Sigmoid``)."""

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy(input, target, weight=self.weight,
                                      reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy of logits: ``Sigmoid`` and ``BCELoss`` in one stable step."""

    weight: Optional[Tensor]           # (buffers)
    pos_weight: Optional[Tensor]

    def __init__(self, weight: Optional[Tensor] = None, reduction: str = "mean",
                 pos_weight: Optional[Tensor] = None) -> None:
        super().__init__(reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy_with_logits(input, target, self.weight,
                                                  reduction=self.reduction,
                                                  pos_weight=self.pos_weight)


class SmoothL1Loss(_Loss):
    """Squared error below ``beta``, absolute error above it (scaled to join smoothly).

    >>> import autodiff.nn as nn
    >>> nn.SmoothL1Loss(beta=0.5)
    SmoothL1Loss()
    """

    def __init__(self, reduction: str = "mean", beta: float = 1.0) -> None:
        super().__init__(reduction)
        self.beta = beta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """Squared error below ``delta``, ``delta`` times the absolute error above it.

    >>> import autodiff
    >>> import autodiff.nn as nn
    >>> nn.HuberLoss()(autodiff.tensor([0.5, 3.0]), autodiff.tensor([0.0, 0.0]))
    tensor(1.3125)
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction)
        self.delta = delta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class KLDivLoss(_Loss):
    """The Kullback-Leibler divergence of the target from log-probabilities
    (``reduction='batchmean'`` for its mathematical definition).

    >>> import autodiff.nn as nn
    >>> nn.KLDivLoss(reduction="batchmean", log_target=True)
    KLDivLoss()
    """

    def __init__(self, reduction: str = "mean", log_target: bool = False) -> None:
        super().__init__(reduction)
        self.log_target = log_target

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class _MarginLoss(_Loss):
    def __init__(self, margin: float = 0.0, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.margin = margin


class CosineEmbeddingLoss(_MarginLoss):
    """``1 - cos(x1, x2)`` for pairs marked 1, ``max(0, cos(x1, x2) - margin)`` for -1.

    >>> import autodiff.nn as nn
    >>> nn.CosineEmbeddingLoss(margin=0.5)
    CosineEmbeddingLoss()
    """

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return F.cosine_embedding_loss(input1, input2, target, self.margin, self.reduction)


class MarginRankingLoss(_MarginLoss):
    """``max(0, -target * (x1 - x2) + margin)``.

    >>> import autodiff
    >>> import autodiff.nn as nn
    >>> nn.MarginRankingLoss()(autodiff.tensor([1.0]), autodiff.tensor([2.0]),
    ...                        autodiff.tensor([1.0]))
    tensor(1.)
    """

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return F.margin_ranking_loss(input1, input2, target, self.margin, self.reduction)


class HingeEmbeddingLoss(_MarginLoss):
    """``input`` for pairs marked 1, ``max(0, margin - input)`` for -1
    (``F.hinge_embedding_loss``).

    >>> import autodiff.nn as nn
    >>> nn.HingeEmbeddingLoss()
    HingeEmbeddingLoss()
    """

    def __init__(self, margin: float = 1.0, size_average: Optional[bool] = None,
                 reduce: Optional[bool] = None, reduction: str = "mean") -> None:
        super().__init__(margin, _chosen_reduction(size_average, reduce, reduction))

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.hinge_embedding_loss(input, target, self.margin, reduction=self.reduction)


class TripletMarginLoss(_MarginLoss):
    """``max(0, margin + d(anchor, positive) - d(anchor, negative))``, ``d`` the
    ``p``-norm distance (``F.triplet_margin_loss``).

    >>> import autodiff.nn as nn
    >>> nn.TripletMarginLoss(margin=0.5)
    TripletMarginLoss()
    """

    def __init__(self, margin: float = 1.0, p: float = 2.0, eps: float = 1e-06,
                 swap: bool = False, size_average: Optional[bool] = None,
                 reduce: Optional[bool] = None, reduction: str = "mean") -> None:
        super().__init__(margin, _chosen_reduction(size_average, reduce, reduction))
        self.p, self.eps, self.swap = p, eps, swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return F.triplet_margin_loss(anchor, positive, negative, self.margin, self.p, self.eps,
                                     self.swap, reduction=self.reduction)


class PoissonNLLLoss(_Loss):
    """The negative log-likelihood of a Poisson target of rate ``exp(input)`` (or
    ``input``) (``F.poisson_nll_loss``).

    >>> import autodiff.nn as nn
    >>> nn.PoissonNLLLoss(full=True)
    PoissonNLLLoss()
    """

    def __init__(self, log_input: bool = True, full: bool = False,
                 size_average: Optional[bool] = None, eps: float = 1e-08,
                 reduce: Optional[bool] = None, reduction: str = "mean") -> None:
        super().__init__(_chosen_reduction(size_average, reduce, reduction))
        self.log_input, self.full, self.eps = log_input, full, eps

    def forward(self, log_input: Tensor, target: Tensor) -> Tensor:
        return F.poisson_nll_loss(log_input, target, self.log_input, self.full, eps=self.eps,
                                  reduction=self.reduction)
