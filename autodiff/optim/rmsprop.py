"""RMSprop (torch's ``torch.optim.RMSprop``)."""

from __future__ import annotations

from .. import ops
from .optimizer import Optimizer, ParamsT, _check_at_least, _check_lr, _lr


class RMSprop(Optimizer):
    r"""Divide the gradient by the root of a running mean of its square (Hinton):
    ``v = alpha v + (1 - alpha) g^2``, ``p -= lr * g / (sqrt(v) + eps)``.

    ``centered`` subtracts the square of the running mean of ``g`` from ``v`` (an
    estimate of the variance); ``momentum`` accumulates the scaled steps.

    >>> import autodiff
    >>> w = autodiff.tensor([1.0], requires_grad=True)
    >>> optimizer = autodiff.optim.RMSprop([w], lr=0.01)
    >>> (w * w).sum().backward()
    >>> optimizer.step()
    >>> w
    tensor([0.9000], requires_grad=True)
    """

    def __init__(self, params: ParamsT, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False,
                 maximize: bool = False) -> None:
        _check_lr(lr)
        _check_at_least(eps, "epsilon value")
        _check_at_least(momentum, "momentum value")
        _check_at_least(weight_decay, "weight_decay value")
        _check_at_least(alpha, "alpha value")
        # capturable/foreach/differentiable choose torch's kernels; kept so that param
        # groups read as torch's
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=False, foreach=None,
                        maximize=maximize, differentiable=False)
        super().__init__(params, defaults)

    def _update(self, param, grad, group):
        state = self.state[param]
        momentum, alpha = group["momentum"], group["alpha"]
        if not state:
            state["step"] = ops.tensor(0.0)
            state["square_avg"] = ops.zeros_like(param)
            if momentum > 0:
                state["momentum_buffer"] = ops.zeros_like(param)
            if group["centered"]:
                state["grad_avg"] = ops.zeros_like(param)
        if group["maximize"]:
            grad = -grad
        state["step"].add_(1)
        if group["weight_decay"] != 0:
            grad = grad.add(param, alpha=group["weight_decay"])
        square_avg = state["square_avg"].mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
        if group["centered"]:
            grad_avg = state["grad_avg"].lerp_(grad, 1 - alpha)
            avg = square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
        else:
            avg = square_avg.sqrt()
        avg = avg.add_(group["eps"])
        if momentum > 0:
            buf = state["momentum_buffer"].mul_(momentum).addcdiv_(grad, avg)
            param.add_(buf, alpha=-_lr(group))
        else:
            param.addcdiv_(grad, avg, value=-_lr(group))
