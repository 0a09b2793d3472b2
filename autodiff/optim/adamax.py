"""Adamax (torch's ``torch.optim.Adamax``)."""

from __future__ import annotations

from typing import Optional

from .. import ops
from ..tape import Tensor
from .optimizer import Optimizer, ParamsT, _check_adam_like, _lr


class Adamax(Optimizer):
    r"""Adam with the infinity norm (Kingma & Ba, 2015, section 7): the running mean
    ``m`` of the gradient over a decaying maximum ``u`` of its size::

        m = beta1 m + (1 - beta1) g          u = max(beta2 u, |g| + eps)
        p -= lr / (1 - beta1^t) * m / u

    ``u`` needs no bias correction: a maximum does not start from zero as a mean does.

    >>> import autodiff
    >>> w = autodiff.tensor([1.0, -3.0], requires_grad=True)
    >>> optimizer = autodiff.optim.Adamax([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> optimizer.step()
    >>> optimizer.state[w]["exp_inf"]        # |g| (+ eps): the largest so far
    tensor([2., 6.])
    >>> w                                    # the first step is lr, whatever |g|
    tensor([ 0.9000, -2.9000], requires_grad=True)
    """

    def __init__(self, params: ParamsT, lr: float = 2e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, foreach: Optional[bool] = None, *,
                 maximize: bool = False, differentiable: bool = False,
                 capturable: bool = False) -> None:
        _check_adam_like(lr, eps, betas, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        foreach=foreach, maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)

    def _update(self, param, grad, group):
        state, step, grad = self._start_step(param, grad, group, "exp_avg", "exp_inf")
        lr, (beta1, beta2) = _lr(group), group["betas"]
        exp_avg, exp_inf = state["exp_avg"], state["exp_inf"]
        exp_avg.lerp_(grad, 1 - beta1)
        candidates = [exp_inf.mul_(beta2), grad.abs().add_(group["eps"])]
        if group["differentiable"]:       # a maximum would save exp_inf, then written
            exp_inf.copy_(ops.amax(ops.stack(candidates), 0))
        else:
            exp_inf.copy_(ops.maximum(*candidates))
        if isinstance(step, Tensor):      # torch's capturable path: the step size folded in
            param.addcdiv_(exp_avg, exp_inf * ((beta1 ** step - 1) / lr))
        else:
            param.addcdiv_(exp_avg, exp_inf, value=-(lr / (1 - beta1 ** step)))
