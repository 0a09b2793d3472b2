"""ASGD (torch's ``torch.optim.ASGD``)."""

from __future__ import annotations

from typing import Optional

from .. import ops
from ..tape import Tensor
from .optimizer import Optimizer, ParamsT, _check_at_least, _check_lr, _lr, _step_count


class ASGD(Optimizer):
    r"""Averaged stochastic gradient descent (Polyak & Juditsky, 1992): SGD with a
    decaying step size ``eta``, keeping ``ax``, a running average of the parameters
    from step ``t0`` on (the average is the result; ``p`` itself keeps moving)::

        p *= 1 - lambd eta                    p -= eta g
        ax += mu (p - ax)
        eta = lr / (1 + lambd lr t)^alpha     mu = 1 / max(1, t - t0)

    Until ``t0`` (a million steps by default) ``mu`` is 1 and ``ax`` is ``p``.

    >>> import autodiff
    >>> w = autodiff.tensor([1.0], requires_grad=True)
    >>> optimizer = autodiff.optim.ASGD([w], lr=0.1, t0=0)  # average from the start
    >>> for _ in range(3):
    ...     optimizer.zero_grad()
    ...     (w * w).sum().backward()
    ...     optimizer.step()
    >>> optimizer.state[w]["ax"], optimizer.state[w]["mu"]
    (tensor([0.5760]), tensor(0.3333))
    >>> w
    tensor([0.5120], requires_grad=True)
    """

    def __init__(self, params: ParamsT, lr: float = 1e-2, lambd: float = 1e-4,
                 alpha: float = 0.75, t0: float = 1e6, weight_decay: float = 0,
                 foreach: Optional[bool] = None, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False) -> None:
        _check_lr(lr)
        _check_at_least(weight_decay, "weight_decay value")
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)

    def _update(self, param, grad, group):
        state, step, grad = self._start_step(param, grad, group, "ax", eta=_lr(group),
                                             mu=1.0,
                                             holders="params, mus, etas, and state_steps")
        lr, lambd, alpha, t0 = _lr(group), group["lambd"], group["alpha"], group["t0"]
        eta, mu, ax = state["eta"], state["mu"], state["ax"]
        if isinstance(step, Tensor):      # torch's capturable path: eta and mu stay tensors
            param.mul_(1 - lambd * eta)
            param.addcmul_(grad, eta, value=-1)
            ax.add_(param.sub(ax).mul_(mu))
            eta.copy_(lr / ((1 + lambd * lr * step) ** alpha))
            mu.copy_(1 / ops.maximum(step - t0, ops.ones_like(step)))
            return
        eta_value = _step_count(eta)
        param.mul_(1 - lambd * eta_value)                  # decay
        param.add_(grad, alpha=-eta_value)                 # the SGD step
        if _step_count(mu) != 1:                           # averaging (from t0 on)
            ax.add_(param.sub(ax).mul_(mu))
        else:
            ax.copy_(param)
        eta.copy_(ops.as_tensor(lr / ((1 + lambd * lr * step) ** alpha)))
        mu.copy_(ops.as_tensor(1 / max(1, step - t0)))
