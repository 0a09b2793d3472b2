"""The nn functions torch also has at its top level (``torch.dropout``, ``torch.layer_norm``,
``torch.kl_div``...), with their ATen signatures, which are not always ``nn.functional``'s:
``train`` is required, ``reduction`` is torch's enum (an int: 1 the mean, 2 the sum, any
other none; and torch's binding reads its default as 0, so that ``torch.kl_div(x, t)`` is
not reduced), ``embedding`` takes the weight first, ``cudnn_enabled`` is accepted (and
changes nothing). Each maps its arguments onto the ``nn.functional`` function (or the ATen
part of it, without the checks ``F`` makes in Python) that does the work.

Those whose signature is ``F``'s (``bilinear``, ``cosine_similarity``,
``pairwise_distance``, ``pdist``, ``rms_norm``, ``adaptive_avg_pool1d``, the pixel and
channel shuffles) are ``F``'s, as in torch; ``autodiff/__init__.py`` imports both. The
recurrent cells are the steps of ``nn.RNNCell``, ``LSTMCell`` and ``GRUCell``
(``nn/rnn.py``)."""

from __future__ import annotations

from typing import Optional, Sequence

from ...ops import Generator
from ...tape import Tensor
from ..rnn import _cell_step
from . import (_dropout, activation, conv, loss, normalization, padding, pooling,
               sparse as _sparse)
from ._common import Size2
from .activation import celu_, rrelu_, selu_, threshold_  # noqa: F401  (F's, as torch's)
from .loss import _reduction_name
from .pooling import Size1, Size3


# -- Dropout: torch.dropout(input, p, train) ------------------------------------------------

def dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``F.dropout(input, p, train)``, torch's RuntimeError for a ``p`` outside [0, 1]."""
    return _dropout(input, p, train)


def dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    """``dropout`` written into ``input``."""
    return _dropout(input, p, train, inplace=True)


def alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``F.alpha_dropout(input, p, train)``."""
    return _dropout(input, p, train, alpha=True)


def alpha_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    """``alpha_dropout`` written into ``input``."""
    return _dropout(input, p, train, inplace=True, alpha=True)


def feature_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``dropout`` of whole channels: one draw per index of dims 0 and 1 (what torch's
    ``F.dropout2d`` and ``F.dropout3d`` call)."""
    return _dropout(input, p, train, feature=True)


def feature_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    """``feature_dropout`` written into ``input``."""
    return _dropout(input, p, train, inplace=True, feature=True)


def feature_alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``F.feature_alpha_dropout(input, p, train)``."""
    return _dropout(input, p, train, feature=True, alpha=True)


def feature_alpha_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    """``feature_alpha_dropout`` written into ``input``."""
    return _dropout(input, p, train, inplace=True, feature=True, alpha=True)


# -- Normalization ----------------------------------------------------------------------------

def layer_norm(input: Tensor, normalized_shape: Sequence[int], weight: Optional[Tensor] = None,
               bias: Optional[Tensor] = None, eps: float = 1e-05,
               cudnn_enable: bool = True) -> Tensor:
    """``F.layer_norm``.

    >>> import autodiff
    >>> autodiff.layer_norm(autodiff.tensor([[1.0, 2.0, 3.0]]), (3,))
    tensor([[-1.2247,  0.0000,  1.2247]])
    """
    return normalization.layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(input: Tensor, num_groups: int, weight: Optional[Tensor] = None,
               bias: Optional[Tensor] = None, eps: float = 1e-05,
               cudnn_enabled: bool = True) -> Tensor:
    """``F.group_norm``."""
    return normalization.group_norm(input, num_groups, weight, bias, eps)


def batch_norm(input: Tensor, weight: Optional[Tensor], bias: Optional[Tensor],
               running_mean: Optional[Tensor], running_var: Optional[Tensor], training: bool,
               momentum: float, eps: float, cudnn_enabled: bool) -> Tensor:
    """``F.batch_norm`` with the weight and bias first, every argument required, and no
    check of the batch's size."""
    return normalization._batch_norm(input, weight, bias, running_mean, running_var, training,
                                     momentum, eps)


def instance_norm(input: Tensor, weight: Optional[Tensor], bias: Optional[Tensor],
                  running_mean: Optional[Tensor], running_var: Optional[Tensor],
                  use_input_stats: bool, momentum: float, eps: float,
                  cudnn_enabled: bool) -> Tensor:
    """``F.instance_norm`` with the weight and bias first, every argument required, and no
    check of the positions' count."""
    return normalization._instance_norm(input, weight, bias, running_mean, running_var,
                                        use_input_stats, momentum, eps)


def embedding(weight: Tensor, indices: Tensor, padding_idx: int = -1,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """``F.embedding(indices, weight, ...)``: the weight first, and a negative
    ``padding_idx`` is none (``F`` counts it from the end before it calls this).

    >>> import autodiff
    >>> autodiff.embedding(autodiff.tensor([[0.0, 1.0], [2.0, 3.0]]), autodiff.tensor([1]))
    tensor([[2., 3.]])
    """
    return _sparse.embedding(indices, weight, None if padding_idx < 0 else padding_idx,
                             scale_grad_by_freq=scale_grad_by_freq, sparse=sparse)


# -- Activations ------------------------------------------------------------------------------

def celu(input: Tensor, alpha: float = 1.0) -> Tensor:
    """``F.celu``."""
    return activation.celu(input, alpha)


def selu(input: Tensor) -> Tensor:
    """``F.selu``."""
    return activation.selu(input)


def threshold(input: Tensor, threshold: float, value: float) -> Tensor:
    """``F.threshold``.

    >>> import autodiff
    >>> autodiff.threshold(autodiff.tensor([0.5, 2.0]), 1.0, -1.0)
    tensor([-1.,  2.])
    """
    return activation.threshold(input, threshold, value)


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,
          generator: Optional[Generator] = None) -> Tensor:
    """``F.rrelu``, its random slopes drawn from ``generator``."""
    return activation.rrelu(input, lower, upper, training, generator=generator)


# -- Losses: reduction is torch's enum --------------------------------------------------------

def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                          reduction: int = 0) -> Tensor:
    """``F.cosine_embedding_loss``."""
    return loss.cosine_embedding_loss(input1, input2, target, margin,
                                      _reduction_name(reduction))


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0,
                         reduction: int = 0) -> Tensor:
    """``F.hinge_embedding_loss``."""
    return loss.hinge_embedding_loss(input, target, margin,
                                     reduction=_reduction_name(reduction))


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                        reduction: int = 0) -> Tensor:
    """``F.margin_ranking_loss``, without its check of the dims."""
    return loss._margin_ranking_loss(input1, input2, target, margin, _reduction_name(reduction))


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0,
                        p: float = 2, eps: float = 1e-06, swap: bool = False,
                        reduction: int = 0) -> Tensor:
    """``F.triplet_margin_loss``, without its check of the margin."""
    return loss._triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap,
                                     _reduction_name(reduction))


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool, full: bool, eps: float,
                     reduction: int) -> Tensor:
    """``F.poisson_nll_loss``, every argument required."""
    return loss.poisson_nll_loss(input, target, log_input, full, eps=eps,
                                 reduction=_reduction_name(reduction))


def kl_div(input: Tensor, target: Tensor, reduction: int = 0, *,
           log_target: bool = False) -> Tensor:
    """``F.kl_div``: its mean is over every element, without ``F``'s warning (and there is
    no ``'batchmean'``).

    >>> import autodiff
    >>> p = autodiff.tensor([0.25, 0.75])
    >>> autodiff.kl_div(p.log(), autodiff.tensor([0.5, 0.5]), 2)
    tensor(0.1438)
    """
    return loss._kl_div(input, target, _reduction_name(reduction), log_target)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor,
                                     weight: Optional[Tensor] = None,
                                     pos_weight: Optional[Tensor] = None,
                                     reduction: int = 0) -> Tensor:
    """``F.binary_cross_entropy_with_logits``, ``pos_weight`` before ``reduction``."""
    return loss.binary_cross_entropy_with_logits(input, target, weight,
                                                 _reduction_name(reduction), pos_weight)


# -- Pooling, padding, convolution: stride=() is the kernel's size ---------------------------

def max_pool1d(input: Tensor, kernel_size: Size1, stride: Size1 = (), padding: Size1 = 0,
               dilation: Size1 = 1, ceil_mode: bool = False) -> Tensor:
    """``F.max_pool1d``.

    >>> import autodiff
    >>> autodiff.max_pool1d(autodiff.tensor([[1.0, 3.0, 2.0, 0.0]]), 2)
    tensor([[3., 2.]])
    """
    return pooling.max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool1d_with_indices(input: Tensor, kernel_size: Size1, stride: Size1 = (),
                            padding: Size1 = 0, dilation: Size1 = 1,
                            ceil_mode: bool = False) -> tuple[Tensor, Tensor]:
    """``F.max_pool1d(..., return_indices=True)``: the values and where they were."""
    return pooling._max_pool1d_with_indices(input, kernel_size, stride, padding, dilation,
                                            ceil_mode)


def max_pool2d(input: Tensor, kernel_size: Size2, stride: Size2 = (), padding: Size2 = 0,
               dilation: Size2 = 1, ceil_mode: bool = False) -> Tensor:
    """``F.max_pool2d``."""
    return pooling.max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode)


def max_pool3d(input: Tensor, kernel_size: Size3, stride: Size3 = (), padding: Size3 = 0,
               dilation: Size3 = 1, ceil_mode: bool = False) -> Tensor:
    """``F.max_pool3d``."""
    return pooling.max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode)


def avg_pool1d(input: Tensor, kernel_size: Size1, stride: Size1 = (), padding: Size1 = 0,
               ceil_mode: bool = False, count_include_pad: bool = True) -> Tensor:
    """``F.avg_pool1d``."""
    return pooling.avg_pool1d(input, kernel_size, stride, padding, ceil_mode,
                              count_include_pad)


def adaptive_max_pool1d(input: Tensor, output_size: Size1) -> tuple[Tensor, Tensor]:
    """``F.adaptive_max_pool1d(..., return_indices=True)``: the values and where they were.

    >>> import autodiff
    >>> autodiff.adaptive_max_pool1d(autodiff.tensor([[1.0, 5.0, 2.0, 8.0, 3.0]]), 2)
    (tensor([[5., 8.]]), tensor([[1, 3]]))
    """
    return pooling.adaptive_max_pool1d(input, output_size, return_indices=True)


def constant_pad_nd(input: Tensor, pad: Sequence[int], value: float = 0) -> Tensor:
    """``F.pad(input, pad, value=value)``, with ATen's checks of ``pad``.

    >>> import autodiff
    >>> autodiff.constant_pad_nd(autodiff.tensor([1.0, 2.0]), [1, 0], 9.0)
    tensor([9., 1., 2.])
    """
    return padding._constant_pad_nd(input, pad, value)


def convolution(input: Tensor, weight: Tensor, bias: Optional[Tensor], stride: Sequence[int],
                padding: Sequence[int], dilation: Sequence[int], transposed: bool,
                output_padding: Sequence[int], groups: int) -> Tensor:
    """``F.conv{n}d`` (``F.conv_transpose{n}d`` where ``transposed``) of a batched input,
    ``n`` the weight's number of spatial dims (ConvolutionBackward0)."""
    conv._check_input_dims(input, weight)
    return conv._conv(weight.ndim - 2, "convolution", input, weight, bias, stride, padding,
                      dilation, groups, transposed, output_padding)


# -- Recurrent cells: one step (nn.RNNCell, LSTMCell and GRUCell call these) -----------------

def rnn_tanh_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor,
                  b_ih: Optional[Tensor] = None, b_hh: Optional[Tensor] = None) -> Tensor:
    """``tanh(input @ w_ih.T + b_ih + hx @ w_hh.T + b_hh)``: ``nn.RNNCell``'s step."""
    return _cell_step("RNN_TANH", input, hx, w_ih, w_hh, b_ih, b_hh)


def rnn_relu_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor,
                  b_ih: Optional[Tensor] = None, b_hh: Optional[Tensor] = None) -> Tensor:
    """``rnn_tanh_cell`` with relu: ``nn.RNNCell(nonlinearity='relu')``'s step."""
    return _cell_step("RNN_RELU", input, hx, w_ih, w_hh, b_ih, b_hh)


def lstm_cell(input: Tensor, hx: Sequence[Tensor], w_ih: Tensor, w_hh: Tensor,
              b_ih: Optional[Tensor] = None,
              b_hh: Optional[Tensor] = None) -> tuple[Tensor, Tensor]:
    """``(h', c')`` from ``hx = (h, c)``: ``nn.LSTMCell``'s step."""
    if len(hx) != 2:
        raise RuntimeError("lstm_cell expects two hidden states")
    return _cell_step("LSTM", input, tuple(hx), w_ih, w_hh, b_ih, b_hh)


def gru_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor,
             b_ih: Optional[Tensor] = None, b_hh: Optional[Tensor] = None) -> Tensor:
    """``nn.GRUCell``'s step."""
    return _cell_step("GRU", input, hx, w_ih, w_hh, b_ih, b_hh)


__all__ = ["dropout", "dropout_", "alpha_dropout", "alpha_dropout_", "feature_dropout",
           "feature_dropout_", "feature_alpha_dropout", "feature_alpha_dropout_", "layer_norm",
           "group_norm", "batch_norm", "instance_norm", "embedding", "celu", "celu_", "selu",
           "selu_", "threshold", "threshold_", "rrelu", "rrelu_", "cosine_embedding_loss",
           "hinge_embedding_loss", "margin_ranking_loss", "triplet_margin_loss",
           "poisson_nll_loss", "kl_div", "binary_cross_entropy_with_logits", "max_pool1d",
           "max_pool1d_with_indices", "max_pool2d", "max_pool3d", "avg_pool1d",
           "adaptive_max_pool1d", "constant_pad_nd",
           "convolution", "rnn_tanh_cell", "rnn_relu_cell", "lstm_cell", "gru_cell"]
