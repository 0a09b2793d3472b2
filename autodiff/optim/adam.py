"""Adam and AdamW (torch's ``torch.optim.Adam`` and ``torch.optim.AdamW``)."""

from __future__ import annotations

from .. import ops
from ..tape import Tensor
from .optimizer import Optimizer, ParamsT, _check_adam_like


class Adam(Optimizer):
    r"""Adaptive moments (Kingma & Ba, 2015): per element, step by the running mean of
    the gradient over the root of the running mean of its square.

    With ``m`` and ``v`` the running averages (``betas`` their decay rates) and ``t``
    the step count::

        m = beta1 m + (1 - beta1) g          v = beta2 v + (1 - beta2) g^2
        p -= lr / (1 - beta1^t) * m / (sqrt(v / (1 - beta2^t)) + eps)

    the ``1 - beta^t`` factors undoing the averages' start from zero. ``weight_decay``
    adds ``weight_decay * p`` to the gradient (AdamW instead shrinks ``p`` directly);
    ``amsgrad`` divides by the largest ``v`` seen so far.

    >>> import autodiff
    >>> w = autodiff.tensor([1.0, -1.0], requires_grad=True)
    >>> optimizer = autodiff.optim.Adam([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> optimizer.step()
    >>> w
    tensor([ 0.9000, -0.9000], requires_grad=True)
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *, maximize: bool = False,
                 decoupled_weight_decay: bool = False) -> None:
        _check_adam_like(lr, eps, betas, weight_decay)
        # foreach/capturable/differentiable/fused choose torch's kernels; kept so that
        # param groups read as torch's
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize, foreach=None, capturable=False,
                        differentiable=False, fused=None,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def _update(self, param, grad, group):
        state, step, grad = self._start_step(param, grad, group, "exp_avg", "exp_avg_sq",
                                             *["max_exp_avg_sq"] * group["amsgrad"])
        lr, (beta1, beta2) = group["lr"], group["betas"]
        exp_avg, exp_avg_sq = _moments(state, grad, group)
        second_moment = exp_avg_sq
        if group["amsgrad"]:                                  # the largest v seen so far
            second_moment = state["max_exp_avg_sq"].copy_(
                ops.maximum(state["max_exp_avg_sq"], exp_avg_sq))
        bias_correction1 = 1 - beta1 ** step
        bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
        if isinstance(step, Tensor):      # torch's capturable path: the step size folded in
            step_size_neg = -(lr / bias_correction1)
            denom = (second_moment.sqrt() / (bias_correction2_sqrt * step_size_neg)).add_(
                group["eps"] / step_size_neg)
            param.addcdiv_(exp_avg, denom)
        else:
            denom = (second_moment.sqrt() / bias_correction2_sqrt).add_(group["eps"])
            param.addcdiv_(exp_avg, denom, value=-(lr / bias_correction1))


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019): each step first
    shrinks the parameters, ``p *= 1 - lr * weight_decay``, instead of adding the decay
    to the gradient.

    >>> import autodiff
    >>> autodiff.optim.AdamW([autodiff.zeros(1, requires_grad=True)]).defaults["weight_decay"]
    0.01
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         decoupled_weight_decay=True)


def _moments(state, grad, group):
    """The Adam family's running means (Adam, NAdam, RAdam): ``m`` of the gradient and
    ``v`` of its square, updated in place and returned."""
    beta1, beta2 = group["betas"]
    exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
    exp_avg.lerp_(grad, 1 - beta1)
    exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
    return exp_avg, exp_avg_sq
