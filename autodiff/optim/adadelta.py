"""Adadelta (torch's ``torch.optim.Adadelta``)."""

from __future__ import annotations

from typing import Optional

from .optimizer import Optimizer, ParamsT, _check_at_least, _check_lr, _lr


class Adadelta(Optimizer):
    r"""Steps in the units of the parameter (Zeiler, 2012): the gradient scaled by the
    root of a running mean of past squared *steps* over that of squared gradients::

        v = rho v + (1 - rho) g^2
        delta = sqrt(u + eps) / sqrt(v + eps) * g
        u = rho u + (1 - rho) delta^2
        p -= lr * delta

    so that ``lr`` (1 by default) needs little tuning.

    >>> import autodiff
    >>> w = autodiff.tensor([1.0], requires_grad=True)
    >>> optimizer = autodiff.optim.Adadelta([w])           # lr=1.0
    >>> (w * w).sum().backward()
    >>> optimizer.step()
    >>> optimizer.state[w]["acc_delta"]      # u starts at 0: the first steps are small
    tensor([1.0000e-06])
    >>> w
    tensor([0.9968], requires_grad=True)
    """

    def __init__(self, params: ParamsT, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, foreach: Optional[bool] = None, *,
                 capturable: bool = False, maximize: bool = False,
                 differentiable: bool = False) -> None:
        _check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        _check_at_least(eps, "epsilon value")
        _check_at_least(weight_decay, "weight_decay value")
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay,
                        maximize=maximize, capturable=capturable, foreach=foreach,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    def _update(self, param, grad, group):
        state, _, grad = self._start_step(param, grad, group, "square_avg", "acc_delta",
                                          xla=False)
        rho, eps = group["rho"], group["eps"]
        square_avg, acc_delta = state["square_avg"], state["acc_delta"]
        square_avg.mul_(rho).addcmul_(grad, grad, value=1 - rho)
        std = square_avg.add(eps).sqrt_()
        delta = acc_delta.add(eps).sqrt_()
        if group["differentiable"]:
            delta = delta.clone()
        delta.div_(std).mul_(grad)
        acc_delta.mul_(rho).addcmul_(delta, delta, value=1 - rho)
        param.add_(delta, alpha=-_lr(group))
