"""NAdam (torch's ``torch.optim.NAdam``)."""

from __future__ import annotations

from typing import Optional

from ..tape import Tensor
from .adam import _moments
from .optimizer import (Optimizer, ParamsT, _check_adam_like, _check_at_least, _lr,
                        _step_count)


class NAdam(Optimizer):
    r"""Adam with Nesterov momentum (Dozat, 2016): the step looks ahead, using the
    running mean ``m`` as it will be after the next step.

    The momentum ``mu_t = beta1 (1 - 0.5 * 0.96^(t * momentum_decay))`` warms up over
    the first steps, and ``prod`` is the product of all ``mu`` so far::

        m = beta1 m + (1 - beta1) g          v = beta2 v + (1 - beta2) g^2
        d = sqrt(v / (1 - beta2^t)) + eps
        p -= lr (1 - mu_t) / (1 - prod_t) * g / d
        p -= lr mu_{t+1} / (1 - prod_t mu_{t+1}) * m / d

    ``decoupled_weight_decay`` shrinks ``p`` as AdamW does (NAdamW).

    >>> import autodiff
    >>> w = autodiff.tensor([2.0], requires_grad=True)
    >>> optimizer = autodiff.optim.NAdam([w], lr=0.1)
    >>> for _ in range(2):
    ...     optimizer.zero_grad()
    ...     (w * w).sum().backward()
    ...     optimizer.step()
    >>> optimizer.state[w]["mu_product"]     # mu_1 * mu_2
    tensor(0.2026)
    >>> w
    tensor([1.8179], requires_grad=True)
    """

    def __init__(self, params: ParamsT, lr: float = 2e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, foreach: Optional[bool] = None,
                 maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        _check_adam_like(lr, eps, betas, weight_decay)
        _check_at_least(momentum_decay, "momentum_decay value")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize,
                        foreach=foreach, capturable=capturable,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    def _update(self, param, grad, group):
        state, step, grad = self._start_step(
            param, grad, group, "exp_avg", "exp_avg_sq", mu_product=1.0,
            holders="params, mu_products and state_steps")
        lr, (beta1, beta2), decay = _lr(group), group["betas"], group["momentum_decay"]
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * decay))               # mu_t
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * decay))    # mu_{t+1}
        mu_product = state["mu_product"].mul_(mu)
        exp_avg, exp_avg_sq = _moments(state, grad, group)
        denom = exp_avg_sq.div(1 - beta2 ** step).sqrt().add(group["eps"])
        if isinstance(step, Tensor) or group["differentiable"]:
            # torch's capturable/differentiable path: the factors multiply the tensors
            param.addcdiv_(grad * (-lr * (1.0 - mu) / (1.0 - mu_product)), denom)
            param.addcdiv_(exp_avg * (-lr * mu_next / (1.0 - mu_product * mu_next)), denom)
        else:
            product = _step_count(mu_product)
            param.addcdiv_(grad, denom, value=-lr * (1.0 - mu) / (1.0 - product))
            param.addcdiv_(exp_avg, denom, value=-lr * mu_next / (1.0 - product * mu_next))
