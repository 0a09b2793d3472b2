"""The activation modules: each ``forward`` is one function of ``nn.functional``."""

from __future__ import annotations

from . import functional as F
from .module import Module


class ReLU(Module):
    """``max(x, 0)``; ``inplace=True`` overwrites the input.

    >>> import autodiff
    >>> import autodiff.nn as nn
    >>> nn.ReLU()(autodiff.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return input.relu_() if self.inplace else F.relu(input)

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class Sigmoid(Module):
    """``1 / (1 + exp(-x))``."""

    def forward(self, input):
        return F.sigmoid(input)


class Tanh(Module):
    """``tanh(x)``."""

    def forward(self, input):
        return F.tanh(input)


class GELU(Module):
    """``x * Phi(x)`` (``approximate='tanh'`` for the tanh approximation).

    >>> import autodiff.nn as nn
    >>> nn.GELU()
    GELU(approximate='none')
    """

    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class Softmax(Module):
    """``exp(x) / exp(x).sum(dim)``: scores to probabilities along ``dim``.

    >>> import autodiff
    >>> import autodiff.nn as nn
    >>> nn.Softmax(dim=1)(autodiff.zeros(1, 4))
    tensor([[0.2500, 0.2500, 0.2500, 0.2500]])
    """

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.softmax(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    """``x - logsumexp(x, dim)``: the log of ``Softmax``, computed stably."""

    def forward(self, input):
        return F.log_softmax(input, self.dim)
