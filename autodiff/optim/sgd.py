"""Stochastic gradient descent, with momentum (torch's ``torch.optim.SGD``)."""

from __future__ import annotations

from .optimizer import Optimizer, ParamsT, _check_at_least, _check_lr, _lr


class SGD(Optimizer):
    r"""Step against the gradient: ``p -= lr * g``.

    With ``momentum`` the step follows a running sum of gradients instead,
    ``b = momentum * b + (1 - dampening) * g`` (``b = g`` at the first step);
    ``nesterov`` looks one step ahead (``g + momentum * b``); ``weight_decay`` adds
    ``weight_decay * p`` to the gradient (L2 regularisation); ``maximize`` climbs.

    >>> import autodiff
    >>> w = autodiff.tensor([1.0], requires_grad=True)
    >>> optimizer = autodiff.optim.SGD([w], lr=0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     optimizer.zero_grad()
    ...     (w * w).sum().backward()
    ...     optimizer.step()
    >>> w
    tensor([0.4600], requires_grad=True)
    """

    def __init__(self, params: ParamsT, lr: float = 1e-3, momentum: float = 0,
                 dampening: float = 0, weight_decay: float = 0, nesterov: bool = False, *,
                 maximize: bool = False) -> None:
        _check_lr(lr)
        _check_at_least(momentum, "momentum value")
        _check_at_least(weight_decay, "weight_decay value")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        # foreach/differentiable/fused choose torch's kernels; kept so groups read as torch's
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, maximize=maximize,
                        foreach=None, differentiable=False, fused=None)
        super().__init__(params, defaults)

    def _update(self, param, grad, group):
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"] != 0:
            grad = grad.add(param, alpha=group["weight_decay"])
        momentum = group["momentum"]
        if momentum != 0:
            state = self.state[param]
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = grad.detach().clone()
            else:
                buf.mul_(momentum).add_(grad, alpha=1 - group["dampening"])
            grad = grad.add(buf, alpha=momentum) if group["nesterov"] else buf
        param.add_(grad, alpha=-_lr(group))
