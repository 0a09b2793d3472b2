"""Losses: ``mse_loss``, ``l1_loss``, ``nll_loss``, ``cross_entropy``, the binary cross
entropies, ``smooth_l1_loss``, ``huber_loss``, ``kl_div`` and the margin losses.

Losses take ``reduction`` as torch's enum (0 'none', 1 'mean', 2 'sum'), so that
``grad_fn._saved_reduction`` reads as torch's. Non-differentiable inputs (class
indices, weights) are attributes, so ``next_functions`` has torch's length."""

from __future__ import annotations

from typing import Optional

import math
import warnings

import jax.numpy as jnp
import numpy as np

from ... import dtypes as D, ops, tape
from ...tape import RULES, Tensor, apply, concrete, row
from ...ops._common import (_mean, _minus_scalar, _over_scalar, _plus_scalar, _scalar_minus,
                            _times_scalar, _true_divide, alias_row)
from ._common import _check_kernel, _log_sigmoid
from .distance import pairwise_distance


_REDUCTIONS = {"none": 0, "mean": 1, "sum": 2}


def _reduction_enum(reduction):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return _REDUCTIONS[reduction]


def _reduction_name(reduction: int) -> str:
    """torch's enum as a name, as ATen reads it: 1 the mean, 2 the sum, any other none."""
    return {1: "mean", 2: "sum"}.get(reduction, "none")


def _reduce(loss, reduction):
    """Apply a reduction with ordinary ops (for the composite losses)."""
    return {"none": loss, "mean": loss.mean(), "sum": loss.sum()}[reduction]


def _broadcast_pair(input, target):
    """The loss of elementwise pairs; torch warns when the two shapes differ."""
    if target.shape != input.shape:
        warnings.warn(f"Using a target size ({_size(target)}) that is different to the input "
                      f"size ({_size(input)}). This will likely lead to incorrect results due "
                      "to broadcasting. Please ensure they have the same size.",
                      UserWarning, stacklevel=3)
        shape = ops.broadcast_shapes(input.shape, target.shape)
        input, target = input.expand(shape), target.expand(shape)
    return input, target


def _size(t):
    return f"autodiff.Size({list(t.shape)})"


def _loss_double_backward_grad_output(kernel, grad, grad_output, self, target, reduction,
                                      **attrs):
    """The gradient of a loss's backward kernel for its incoming gradient (torch's
    ``*_double_backward_grad_output``): the kernel applied to ``grad`` itself, or, reduced,
    to ones and summed against ``grad``."""
    if reduction == 0:
        return tape.apply(RULES[kernel], grad, self, target, reduction=reduction, **attrs)
    ones = tape.constant(jnp.ones_like(grad_output._value()))
    return (tape.apply(RULES[kernel], ones, self, target, reduction=reduction, **attrs)
            * grad).sum()


def _mse_double_backward_grad_output(grad, grad_output, self, target, reduction):
    return _loss_double_backward_grad_output("mse_loss_backward", grad, grad_output, self,
                                             target, reduction)


def _opposite_pair(g):
    """A loss of ``x - t``: the gradient of ``t`` is minus that of ``x``."""
    return g, -g


# mse_bw(g, x, t) = (2 / N, or 2) (x - t) g:  d/dg = mse_bw(g', x, t), reduced as the loss
#   was;  d/dx = (2 / N, or 2) g g' = -d/dt
row("mse_loss_backward", "MseLossBackwardBackward0",
    lambda grad_output, self, target, *, reduction: (
        2 / self.size if reduction == 1 else 2) * (self - target) * grad_output,
    lambda grad, grad_output, self, target, reduction: (
        _mse_double_backward_grad_output(grad, grad_output, self, target, reduction),
        *_opposite_pair(2 * grad * grad_output / (self.numel() if reduction == 1 else 1))))


# Losses take ``reduction`` as torch's enum (0 'none', 1 'mean', 2 'sum'), so that
# ``grad_fn._saved_reduction`` reads as torch's. Non-differentiable inputs (class
# indices, weights) are attributes, so ``next_functions`` has torch's length.
def _reduced(loss, reduction):
    """A loss array summed, averaged or kept elementwise (forward, on arrays)."""
    return {0: loss, 1: _mean(loss), 2: jnp.sum(loss)}[reduction]


# mse = reduce((x - t)^2):  d/dx = 2 (x - t),  d/dt = 2 (t - x), by torch's kernel
row("mse_loss", "MseLossBackward0",
    lambda self, target, *, reduction: _reduced((self - target) ** 2, reduction),
    (lambda grad, self, target, reduction: tape.apply(RULES["mse_loss_backward"], grad, self,
                                                      target, reduction=reduction),
     lambda grad, self, target, reduction: tape.apply(RULES["mse_loss_backward"], grad, target,
                                                      self, reduction=reduction)))


def mse_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """The squared error ``(input - target) ** 2``, averaged (or summed, or kept).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.mse_loss(autodiff.tensor([1.0, 2.0]), autodiff.tensor([0.0, 4.0]))
    tensor(2.5000)
    """
    enum = _reduction_enum(reduction)
    input, target = _broadcast_pair(input, target)
    _check_kernel("mse_loss", input, target)
    return apply(RULES["mse_loss"], input, target, reduction=enum)


def l1_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """The absolute error ``|input - target|``, averaged (or summed, or kept).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.l1_loss(autodiff.tensor([1.0, 2.0]), autodiff.tensor([0.0, 4.0]))
    tensor(1.5000)
    """
    _reduction_enum(reduction)
    input, target = _broadcast_pair(input, target)
    return _reduce((input - target).abs(), reduction)


def _check_targets(input, target):
    if input.ndim >= 2 and target.ndim >= 1 and input.shape[0] != target.shape[0]:
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target "
                         f"batch_size ({target.shape[0]}).")
    if target.dtype.is_floating_point:
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got "
                           f"{D.c_name(target.dtype)}")
    expected = input.shape[:1] + input.shape[2:]
    if input.ndim > 2 and target.shape != expected:
        raise RuntimeError(f"Expected target size {list(expected)}, got {list(target.shape)}")


# nll = -w[t] x[t] summed (or averaged by the sum of w[t]); ignore_index weighs 0.
# Class scores are along dim 1 (dim 0 for one sample).
def _nll_weights(shape, target, weight, ignore_index):
    """An array like the input: w[t] at each target's class, 0 elsewhere."""
    class_dim = 0 if len(shape) == 1 else 1
    t = target._value()
    w = jnp.ones(shape[class_dim]) if weight is None else weight._value()
    hot = jnp.expand_dims(t, class_dim) == jnp.arange(shape[class_dim]).reshape(
        (-1,) + (1,) * (len(shape) - class_dim - 1))
    kept = jnp.expand_dims(t != ignore_index, class_dim)
    return jnp.where(hot & kept, w.reshape((-1,) + (1,) * (len(shape) - class_dim - 1)), 0.0)


def _nll_forward(self, target, weight, reduction, ignore_index):
    w = _nll_weights(self.shape, target, weight, ignore_index).astype(self.dtype)
    picked = -jnp.sum(w * self, axis=0 if self.ndim == 1 else 1)
    if reduction == 1:
        return jnp.sum(picked) / jnp.sum(w)
    return _reduced(picked, reduction)


def _nll_backward(grad, self_shape, target, weight, reduction, ignore_index):
    w = tape.constant(_nll_weights(self_shape, target, weight, ignore_index))
    if reduction == 1:
        grad = grad / w.sum()
    elif reduction == 0 and len(self_shape) > 1:
        grad = grad.unsqueeze(1)
    return (-grad * w,)


row("nll_loss", "NllLossBackward0",
    lambda self, *, target, weight, reduction, ignore_index, self_sym_sizes: _nll_forward(
        self, target, weight, reduction, ignore_index),
    lambda grad, target, weight, reduction, ignore_index, self_sym_sizes: _nll_backward(
        grad, self_sym_sizes, target, weight, reduction, ignore_index))
alias_row("nll_loss2d", "NllLoss2DBackward0", of="nll_loss")


def nll_loss(input: Tensor, target: Tensor, weight: Optional[Tensor] = None,
             ignore_index: int = -100, reduction: str = "mean") -> Tensor:
    """The negative log-likelihood ``-input[i, target[i]]`` of log-probabilities
    ``input`` (N, C) (or (C,), or (N, C, d1, ...)), weighted per class by ``weight``.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.nll_loss(autodiff.tensor([[-1.0, -2.0], [-3.0, -0.5]]), autodiff.tensor([0, 1]))
    tensor(0.7500)
    """
    enum = _reduction_enum(reduction)
    _check_targets(input, target)
    n_classes = input.shape[0 if input.ndim == 1 else 1]
    if concrete(target._value()):
        t = np.asarray(target._value())
        wrong = t[(t != ignore_index) & ((t < 0) | (t >= n_classes))]
        if wrong.size:
            raise IndexError(f"Target {wrong.flat[0]} is out of bounds.")
    attrs = dict(target=target, weight=weight, reduction=enum, ignore_index=ignore_index,
                 self_sym_sizes=input.shape)
    if input.ndim <= 2:
        return apply(RULES["nll_loss"], input, **attrs)
    if input.ndim == 4:
        return apply(RULES["nll_loss2d"], input, **attrs)
    # other ranks go through the 2-D kernel, as (N, C, 1, rest)
    n = input.shape[0]
    flat = input.contiguous().view(n, n_classes, 1, -1)
    attrs.update(target=target.contiguous().view(n, 1, -1), self_sym_sizes=flat.shape)
    out = apply(RULES["nll_loss2d"], flat, **attrs)
    return out.view(target.shape) if enum == 0 else out


def cross_entropy(input: Tensor, target: Tensor, weight: Optional[Tensor] = None,
                  ignore_index: int = -100, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """The cross-entropy of the logits ``input`` against class indices (``nll_loss`` of
    ``log_softmax``) or against class probabilities of input's shape;
    ``label_smoothing`` mixes the target with the uniform distribution.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> logits = autodiff.tensor([[2.0, 0.0], [0.0, 2.0]])
    >>> F.cross_entropy(logits, autodiff.tensor([0, 1]))
    tensor(0.1269)
    >>> F.cross_entropy(logits, autodiff.tensor([[0.5, 0.5], [0.0, 1.0]]))
    tensor(0.6269)
    """
    _reduction_enum(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: "
                           f"{label_smoothing}")
    class_dim = 0 if input.ndim == 1 else 1
    log_p = ops.log_softmax(input, class_dim)
    if target.dtype.is_floating_point and target.shape == input.shape:
        return _cross_entropy_probabilities(log_p, target, weight, reduction, label_smoothing,
                                            class_dim)
    loss = nll_loss(log_p, target, weight, ignore_index, reduction)
    if label_smoothing == 0.0:
        return loss
    return _smoothed(loss, log_p, target, weight, ignore_index, reduction, label_smoothing,
                     class_dim)


def _weight_along(weight, class_dim, ndim):
    """``weight`` (C,) shaped to broadcast along the class dim of an ``ndim`` tensor."""
    return weight.view([-1 if d == class_dim else 1 for d in range(ndim)])


row("div_scalar", "DivBackward1", lambda self, *, other: _true_divide(self, other),
    lambda grad, other: (_over_scalar(grad, other),))


def _cross_entropy_probabilities(log_p, target, weight, reduction, smoothing, class_dim):
    n_classes = log_p.shape[class_dim]
    if smoothing > 0.0:
        target = target * (1 - smoothing) + smoothing / n_classes
    terms = log_p * target
    if weight is not None:
        terms = terms * _weight_along(weight, class_dim, log_p.ndim)
    if reduction == "none":
        return -terms.sum(class_dim)
    total = -terms.sum()
    if reduction == "sum":
        return total
    return apply(RULES["div_scalar"], total, other=log_p.numel() // n_classes)


def _smoothed(nll, log_p, target, weight, ignore_index, reduction, smoothing, class_dim):
    """torch's ``cross_entropy_loss_label_smoothing``: mix the nll with the mean of
    ``-log_p`` over the classes."""
    n_classes = log_p.shape[class_dim]
    ignored = target == ignore_index
    if weight is not None:
        log_p = log_p * _weight_along(weight, class_dim, log_p.ndim)
    smooth = ops.where(ignored, 0.0, -log_p.sum(class_dim))
    if reduction == "mean":
        if weight is None:
            smooth = smooth.sum() / (~ignored).sum()
        else:
            kept = target._value()[~ignored._value()]
            smooth = smooth.sum() / tape.make_tensor(weight._value()[kept]).sum()
    elif reduction == "sum":
        smooth = smooth.sum()
    return _times_scalar(nll, 1 - smoothing) + _times_scalar(smooth, smoothing / n_classes)


def _spread(grad, shape, reduction):
    """The adjoint of ``_reduced``: one gradient per element of the unreduced loss."""
    if reduction == 0:
        return grad
    return grad.expand(shape) / (math.prod(shape) if reduction == 1 else 1)


# bce = -w (t log x + (1 - t) log(1 - x)), logs clamped at -100:
#   d/dx = w (x - t) / max(x (1 - x), 1e-12),   d/dt = w (log(1 - x) - log x)
def _times_weight(x, weight):
    return x if weight is None else x * weight


def _bce_backward(g, self, target):
    return (g * (self - target) / (self * (1 - self)).clamp(min=1e-12),
            g * ((1 - self).log() - self.log()))


row("binary_cross_entropy", "BinaryCrossEntropyBackward0",
    lambda self, target, *, weight, reduction: _reduced(
        _times_weight((target - 1) * jnp.maximum(jnp.log1p(-self), -100.0)
                      - target * jnp.maximum(jnp.log(self), -100.0),
                      None if weight is None else weight._value()), reduction),
    lambda grad, self, target, weight, reduction: _bce_backward(
        _times_weight(_spread(grad, self.shape, reduction), weight), self, target),
    tensor_attrs=("weight",))


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Optional[Tensor] = None,
                         reduction: str = "mean") -> Tensor:
    """``-(t log p + (1 - t) log(1 - p))`` for probabilities ``input`` in [0, 1] (each log
    clamped at -100), weighted by ``weight``.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.binary_cross_entropy(autodiff.tensor([0.9, 0.2]), autodiff.tensor([1.0, 0.0]))
    tensor(0.1643)
    """
    enum = _reduction_enum(reduction)
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({_size(target)}) that is different to the "
                         f"input size ({_size(input)}) is deprecated. Please ensure they have "
                         "the same size.")
    values = input._value()
    if concrete(values) and not bool(jnp.all((values >= 0) & (values <= 1))):
        raise RuntimeError("all elements of input should be between 0 and 1")
    if weight is not None:
        weight = weight.expand(ops.broadcast_shapes(target.shape, weight.shape))
    return apply(RULES["binary_cross_entropy"], input, target, weight=weight, reduction=enum)


def _bce_logits_forward(x, t, weight, pos_weight):
    pw_minus_1 = 0.0 if pos_weight is None else pos_weight._value() - 1
    loss = (1 - t) * x - (1 + pw_minus_1 * t) * _log_sigmoid(x)
    return loss if weight is None else loss * weight._value()


def _log_sigmoid_tensor(x):
    """``_log_sigmoid`` with recorded ops (the target's gradient depends on x)."""
    return -((-x).clamp(min=0) + (1 + (-x.abs()).exp()).log())


def _bce_logits_backward(grad, self, target, weight, pos_weight):
    g = _times_weight(grad, weight)
    if pos_weight is None:
        return g * (self.sigmoid() - target), g * -self
    log_weight = 1 + (pos_weight - 1) * target
    return (g * (log_weight * self.sigmoid() - log_weight + 1 - target),
            g * (-self - (pos_weight - 1) * _log_sigmoid_tensor(self)))


row("binary_cross_entropy_with_logits", "BinaryCrossEntropyWithLogitsBackward0",
    lambda self, target, *, weight, pos_weight, reduction: _reduced(
        _bce_logits_forward(self, target, weight, pos_weight), reduction),
    lambda grad, self, target, weight, pos_weight, reduction: _bce_logits_backward(
        _spread(grad, self.shape, reduction), self, target, weight, pos_weight),
    tensor_attrs=("weight", "pos_weight"))


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor,
                                     weight: Optional[Tensor] = None, reduction: str = "mean",
                                     pos_weight: Optional[Tensor] = None) -> Tensor:
    """``binary_cross_entropy(sigmoid(input), target)`` in one stable step;
    ``pos_weight`` weighs the positive term per class.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.binary_cross_entropy_with_logits(autodiff.tensor([2.0, -1.0]),
    ...                                    autodiff.tensor([1.0, 0.0]))
    tensor(0.2201)
    """
    enum = _reduction_enum(reduction)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({_size(target)}) must be the same as input size "
                         f"({_size(input)})")
    return apply(RULES["binary_cross_entropy_with_logits"], input, target, weight=weight,
                 pos_weight=pos_weight, reduction=enum)


def _clipped_slope(grad_output, self, target, reduction, k, c):
    """A loss kernel's gradient: grad_output clip((x - t) k, -c, c), by N for a mean."""
    norm = 1 / self.size if reduction == 1 else 1
    return norm * grad_output * jnp.clip((self - target) * k, -c, c)


def _inside_slope(grad, grad_output, self, target, reduction, cap, divisor):
    """The kernel's derivative for x: g g' (/ divisor) where |x - t| < cap (by N for a
    mean); minus that for t."""
    g = grad * grad_output * ((self - target).abs() < cap).to(grad.dtype)
    g = g if divisor is None else _over_scalar(g, divisor)
    return _opposite_pair(_over_scalar(g, self.numel()) if reduction == 1 else g)


def _loss_kernel_grads(kernel, grad, grad_output, self, target, reduction, cap, divisor,
                       **attrs):
    """A loss kernel's gradients: for grad_output, for x and for t."""
    return (_loss_double_backward_grad_output(kernel, grad, grad_output, self, target,
                                              reduction, **attrs),
            *_inside_slope(grad, grad_output, self, target, reduction, cap, divisor))


row("smooth_l1_loss_backward", "SmoothL1LossBackwardBackward0",
    lambda grad_output, self, target, *, reduction, beta: _clipped_slope(
        grad_output, self, target, reduction, 1 / beta, 1),
    lambda grad, grad_output, self, target, reduction, beta: _loss_kernel_grads(
        "smooth_l1_loss_backward", grad, grad_output, self, target, reduction, beta, beta,
        beta=beta))


# smooth_l1 = reduce(0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta),  d = x - t;
# huber = reduce(0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta)). Their gradients
# come from torch's kernels (mse's pattern): bw(g, x, t) = g clip(d k, -c, c) (by N for
# a mean), k = 1 / beta, c = 1 for smooth_l1 and k = 1, c = delta for huber; minus that for t.
#   d/dg = bw(g', x, t), reduced as the loss was;  d/dx = g g' / beta (g g') where |d| <
#   beta (delta)
def _smooth_l1(d, beta):
    z = jnp.abs(d)
    return jnp.where(z < beta, 0.5 * z * z / beta, z - 0.5 * beta)


def _x_and_t_grads(kernel, **attrs):
    """A loss of ``x - t`` whose gradients are its kernel's: bw(g, x, t) and bw(g, t, x)."""
    return (lambda grad, self, target: tape.apply(RULES[kernel], grad, self, target, **attrs),
            lambda grad, self, target: tape.apply(RULES[kernel], grad, target, self, **attrs))


row("smooth_l1_loss", "SmoothL1LossBackward0",
    lambda self, target, *, reduction, beta: _reduced(_smooth_l1(self - target, beta),
                                                      reduction),
    lambda grad, self, target, reduction, beta: tuple(
        f(grad, self, target) for f in _x_and_t_grads("smooth_l1_loss_backward",
                                                       reduction=reduction, beta=beta)))


def smooth_l1_loss(input: Tensor, target: Tensor, reduction: str = "mean",
                   beta: float = 1.0) -> Tensor:
    """``0.5 d^2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta`` (``d = input -
    target``), averaged (SmoothL1LossBackward0; ``beta=0`` is ``l1_loss``, as in torch).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.smooth_l1_loss(autodiff.tensor([0.5, 3.0]), autodiff.tensor([0.0, 0.0]))
    tensor(1.3125)
    """
    enum = _reduction_enum(reduction)
    input, target = _broadcast_pair(input, target)
    if beta == 0.0:
        return _reduce((input - target).abs(), reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    return apply(RULES["smooth_l1_loss"], input, target, reduction=enum, beta=beta)


row("huber_loss_backward", "HuberLossBackwardBackward0",
    lambda grad_output, self, target, *, reduction, delta: _clipped_slope(
        grad_output, self, target, reduction, 1, delta),
    lambda grad, grad_output, self, target, reduction, delta: _loss_kernel_grads(
        "huber_loss_backward", grad, grad_output, self, target, reduction, delta, None,
        delta=delta))


def _huber(d, delta):
    z = jnp.abs(d)
    return jnp.where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta))


row("huber_loss", "HuberLossBackward0",
    lambda self, target, *, reduction, delta: _reduced(_huber(self - target, delta),
                                                       reduction),
    lambda grad, self, target, reduction, delta: tuple(
        f(grad, self, target) for f in _x_and_t_grads("huber_loss_backward",
                                                       reduction=reduction, delta=delta)))


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Optional[Tensor] = None) -> Tensor:
    """``0.5 d^2`` where ``|d| < delta``, else ``delta (|d| - 0.5 delta)``
    (``d = input - target``), averaged (HuberLossBackward0).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.huber_loss(autodiff.tensor([0.5, 3.0]), autodiff.tensor([0.0, 0.0]), delta=2.0)
    tensor(2.0625)
    """
    if weight is not None:
        raise NotImplementedError("autodiff: huber_loss does not take a weight")
    enum = _reduction_enum(reduction)
    input, target = _broadcast_pair(input, target)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    return apply(RULES["huber_loss"], input, target, reduction=enum, delta=delta)


def _legacy_reduction(size_average, reduce):
    """torch's ``_Reduction.legacy_get_string``, with its warning."""
    warnings.warn("size_average and reduce args will be deprecated, please use reduction="
                  f"'{_legacy_name(size_average, reduce)}' instead.", UserWarning, stacklevel=3)
    return _legacy_name(size_average, reduce)


def _chosen_reduction(size_average, reduce, reduction):
    """``reduction``, or the one torch's deprecated ``size_average`` and ``reduce`` say
    (with its warning)."""
    if size_average is None and reduce is None:
        return reduction
    return _legacy_reduction(size_average, reduce)


def _legacy_name(size_average, reduce):
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    return "none" if not reduce else "mean" if size_average else "sum"


def kl_div(input: Tensor, target: Tensor, size_average: Optional[bool] = None,
           reduce: Optional[bool] = None, reduction: str = "mean",
           log_target: bool = False) -> Tensor:
    """The Kullback-Leibler divergence of ``target`` from log-probabilities ``input``:
    ``xlogy(t, t) - t * input`` (``exp(t) * (t - input)`` with ``log_target``), reduced;
    ``'batchmean'`` divides the sum by the batch size (torch warns that ``'mean'``
    divides by every element).

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> p = autodiff.tensor([[0.25, 0.75]])
    >>> F.kl_div(p.log(), autodiff.tensor([[0.5, 0.5]]), reduction="batchmean")
    tensor(0.1438)
    """
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    elif reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and "
                      "the support size.'batchmean' divides only by the batch size, and "
                      "aligns with the KL div math definition.'mean' will be changed to "
                      "behave the same as 'batchmean' in the next major release.",
                      UserWarning, stacklevel=2)
    batchmean = reduction == "batchmean"
    if batchmean:
        reduction = "sum" if input.ndim != 0 else "mean"
    _reduction_enum(reduction)
    loss = _kl_div(input, target, reduction, log_target)
    return loss / input.shape[0] if batchmean and input.ndim != 0 else loss


def _kl_div(input, target, reduction, log_target):
    """torch's ``at::kl_div`` (``torch.kl_div``), ``reduction`` by its name."""
    if log_target:
        loss = target.exp() * (target - input)
    else:
        loss = ops.xlogy(target, target) - target * input
    return _reduce(loss, reduction)


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                          reduction: str = "mean") -> Tensor:
    """``1 - cos(x1, x2)`` where ``target`` is 1, ``max(0, cos(x1, x2) - margin)`` where it
    is -1, as torch's C++ composes it.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> x = autodiff.tensor([[1.0, 0.0], [0.0, 1.0]])
    >>> F.cosine_embedding_loss(x, autodiff.tensor([[1.0, 1.0], [0.0, 1.0]]),
    ...                         autodiff.tensor([1, -1]))
    tensor(0.6464)
    """
    enum = _reduction_enum(reduction)
    dim = target.ndim
    if dim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if dim == 1 and not (input1.ndim == 2 and input2.ndim == 2):
        raise RuntimeError(f"1D target tensor expects 2D input tensors, but found inputs with "
                           f"sizes {list(input1.shape)} and {list(input2.shape)}.")
    if dim == 0 and not (input1.ndim == 1 and input2.ndim == 1):
        raise RuntimeError(f"0D target tensor expects 1D input tensors, but found inputs with "
                           f"sizes {list(input1.shape)} and {list(input2.shape)}.")
    prod_sum = (input1 * input2).sum(dim)
    mag_square1 = _plus_scalar((input1 * input1).sum(dim), 1e-12)
    mag_square2 = _plus_scalar((input2 * input2).sum(dim), 1e-12)
    cos = prod_sum / (mag_square1 * mag_square2).sqrt_()
    zeros = ops.zeros_like(cos)
    output = (ops.where(target == 1, _scalar_minus(1, cos), zeros)
              + ops.where(target == -1, _minus_scalar(cos, margin).clamp_min_(0), zeros))
    return _reduce(output, list(_REDUCTIONS)[enum])


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                        reduction: str = "mean") -> Tensor:
    """``max(0, -target * (x1 - x2) + margin)``: ``target`` 1 asks for ``x1`` ranked above
    ``x2``, -1 below.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.margin_ranking_loss(autodiff.tensor([1.0, 0.0]), autodiff.tensor([0.0, 0.5]),
    ...                       autodiff.tensor([1.0, 1.0]), margin=0.5)
    tensor(0.5000)
    """
    if not input1.ndim == input2.ndim == target.ndim:
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same "
                           f"dimension but got sizes: input1: {_size(input1)}, input2: "
                           f"{_size(input2)}, target: {_size(target)} ")
    _reduction_enum(reduction)
    return _margin_ranking_loss(input1, input2, target, margin, reduction)


def _margin_ranking_loss(input1, input2, target, margin, reduction):
    """torch's ``at::margin_ranking_loss`` (without ``F``'s check of the dims)."""
    return _reduce(_plus_scalar(-target * (input1 - input2), margin).clamp_min_(0), reduction)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0,
                         size_average: Optional[bool] = None, reduce: Optional[bool] = None,
                         reduction: str = "mean") -> Tensor:
    """``input`` where ``target`` is 1, ``max(0, margin - input)`` where it is -1 (a
    distance that should be small for similar pairs, at least ``margin`` otherwise), as
    torch's C++ composes it.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.hinge_embedding_loss(autodiff.tensor([0.3, 0.4]), autodiff.tensor([1, -1]))
    tensor(0.4500)
    """
    reduction = _chosen_reduction(size_average, reduce, reduction)
    _reduction_enum(reduction)
    zeros = ops.zeros_like(input)
    margin_clamp = _scalar_minus(margin, input).clamp_min_(0)
    output = ops.where(target != 1, margin_clamp, zeros) + ops.where(target != -1, input, zeros)
    return _reduce(output, reduction)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0,
                        p: float = 2, eps: float = 1e-06, swap: bool = False,
                        size_average: Optional[bool] = None, reduce: Optional[bool] = None,
                        reduction: str = "mean") -> Tensor:
    """``max(0, margin + d(anchor, positive) - d(anchor, negative))`` with ``d`` the
    ``pairwise_distance``; ``swap``: the negative's distance is the smaller of its
    distances to the anchor and to the positive.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> a = autodiff.tensor([[0.0, 0.0]])
    >>> F.triplet_margin_loss(a, autodiff.tensor([[3.0, 4.0]]), autodiff.tensor([[1.0, 0.0]]))
    tensor(5.0000)
    """
    reduction = _chosen_reduction(size_average, reduce, reduction)
    _reduction_enum(reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    return _triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap, reduction)


def _triplet_margin_loss(anchor, positive, negative, margin, p, eps, swap, reduction):
    """torch's ``at::triplet_margin_loss`` (without ``F``'s check of the margin)."""
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have "
                           f"the same number of dimensions, but got: anchor {anchor.ndim}D, "
                           f"positive {positive.ndim}D, and negative {negative.ndim}D inputs")
    dist_pos = pairwise_distance(anchor, positive, p, eps)
    dist_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        dist_neg = ops.minimum(dist_neg, pairwise_distance(positive, negative, p, eps))
    return _reduce(ops.clamp_min(_plus_scalar(dist_pos, margin) - dist_neg, 0), reduction)


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False,
                     size_average: Optional[bool] = None, eps: float = 1e-08,
                     reduce: Optional[bool] = None, reduction: str = "mean") -> Tensor:
    """The negative log-likelihood of ``target`` under a Poisson distribution of rate
    ``exp(input)`` (or ``input``, with ``log_input=False``, plus ``eps`` in its log);
    ``full`` adds Stirling's approximation of ``log(target!)`` where ``target > 1``.

    >>> import autodiff
    >>> import autodiff.nn.functional as F
    >>> F.poisson_nll_loss(autodiff.tensor([0.0, 1.0]), autodiff.tensor([1.0, 2.0]))
    tensor(0.8591)
    """
    reduction = _chosen_reduction(size_average, reduce, reduction)
    _reduction_enum(reduction)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * _plus_scalar(input, eps).log()
    if full:
        stirling = (target * target.log() - target
                    + _times_scalar(_times_scalar(target, 2 * math.pi).log(), 0.5))
        loss += stirling.masked_fill(target <= 1, 0)
    return _reduce(loss, reduction)


__all__ = ["mse_loss", "l1_loss", "nll_loss", "cross_entropy", "binary_cross_entropy",
            "binary_cross_entropy_with_logits", "smooth_l1_loss", "huber_loss", "kl_div",
            "cosine_embedding_loss", "margin_ranking_loss", "hinge_embedding_loss",
            "triplet_margin_loss", "poisson_nll_loss"]
