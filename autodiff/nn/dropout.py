"""``Dropout``, ``AlphaDropout``, ``FeatureAlphaDropout``: random in training, the identity
in evaluation.

Each is a thin ``Module`` around a function of ``autodiff.nn.functional``: ``__init__``
creates the parameters with torch's default initialisation, ``forward`` calls the
function, ``extra_repr`` prints the settings as torch does."""

from __future__ import annotations

from ..tape import Tensor
from . import functional as F
from .module import Module


class Dropout(Module):
    """In training mode, zero each element with probability ``p`` and scale the others by
    ``1 / (1 - p)``; in evaluation mode (``.eval()``), pass the input through.

    >>> import autodiff
    >>> import autodiff.nn as nn
    >>> drop = nn.Dropout(0.5).eval()
    >>> drop(autodiff.ones(3))
    tensor([1., 1., 1.])
    """

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p, self.inplace = p, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class AlphaDropout(Dropout):
    """In training mode, ``F.alpha_dropout``: dropout that keeps a SELU network's mean and
    variance; in evaluation mode, the identity.

    >>> import autodiff.nn as nn
    >>> nn.AlphaDropout(0.2)
    AlphaDropout(p=0.2, inplace=False)
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.alpha_dropout(input, self.p, self.training, self.inplace)


class FeatureAlphaDropout(Dropout):
    """In training mode, ``F.feature_alpha_dropout``: alpha dropout of whole channels; in
    evaluation mode, the identity.

    >>> import autodiff.nn as nn
    >>> nn.FeatureAlphaDropout()
    FeatureAlphaDropout(p=0.5, inplace=False)
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.feature_alpha_dropout(input, self.p, self.training, self.inplace)
