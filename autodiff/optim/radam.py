"""RAdam (torch's ``torch.optim.RAdam``)."""

from __future__ import annotations

from typing import Optional

from .. import ops
from ..tape import Tensor
from .adam import _moments
from .optimizer import Optimizer, ParamsT, _check_adam_like, _lr


class RAdam(Optimizer):
    r"""Rectified Adam (Liu et al., 2020): Adam whose adaptive step is switched on only
    once the running mean ``v`` of the squared gradient has seen enough steps to be
    trusted, and then scaled by a rectification ``r_t`` of its variance.

    ``rho_t`` estimates how many gradients ``v`` averages (``rho_inf`` the most it
    can); while ``rho_t <= 5`` the step is plain momentum::

        m = beta1 m + (1 - beta1) g          v = beta2 v + (1 - beta2) g^2
        rho_inf = 2 / (1 - beta2) - 1        rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t)
        p -= lr m / (1 - beta1^t)                                    (rho_t <= 5)
        p -= lr m / (1 - beta1^t) * sqrt(1 - beta2^t) / (sqrt(v) + eps) * r_t
        r_t = sqrt((rho_t - 4) (rho_t - 2) rho_inf / ((rho_inf - 4) (rho_inf - 2) rho_t))

    ``decoupled_weight_decay`` shrinks ``p`` as AdamW does.

    >>> import autodiff
    >>> w = autodiff.tensor([1.0], requires_grad=True)
    >>> optimizer = autodiff.optim.RAdam([w], lr=0.1)
    >>> for _ in range(3):                   # rho_t = 1, 2, 3: momentum steps
    ...     optimizer.zero_grad()
    ...     (w * w).sum().backward()
    ...     optimizer.step()
    >>> w
    tensor([0.4623], requires_grad=True)
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, decoupled_weight_decay: bool = False, *,
                 foreach: Optional[bool] = None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        _check_adam_like(lr, eps, betas, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        decoupled_weight_decay=decoupled_weight_decay,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    def _update(self, param, grad, group):
        state, step, grad = self._start_step(param, grad, group, "exp_avg", "exp_avg_sq")
        lr, (beta1, beta2) = _lr(group), group["betas"]
        exp_avg, exp_avg_sq = _moments(state, grad, group)
        bias_correction2 = 1 - beta2 ** step
        bias_corrected_exp_avg = exp_avg / (1 - beta1 ** step)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2

        def rect():
            return ((rho_t - 4) * (rho_t - 2) * rho_inf
                    / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5

        def adaptive_lr():
            return (bias_correction2 ** 0.5) / exp_avg_sq.sqrt().add(group["eps"])

        if isinstance(step, Tensor):      # torch's capturable path: both cases, selected
            update = ops.where(rho_t > 5.0, rect() * adaptive_lr(), 1.0)
            param.add_(bias_corrected_exp_avg * lr * update, alpha=-1.0)
        elif rho_t > 5.0:
            param.add_(bias_corrected_exp_avg * lr * adaptive_lr() * rect(), alpha=-1.0)
        else:
            param.add_(bias_corrected_exp_avg * lr, alpha=-1.0)
