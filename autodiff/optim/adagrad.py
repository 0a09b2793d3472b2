"""Adagrad (torch's ``torch.optim.Adagrad``)."""

from __future__ import annotations

from .. import ops
from ..tape import Tensor
from .optimizer import Optimizer, ParamsT, _check_at_least, _check_lr, _lr, _step_count


class Adagrad(Optimizer):
    r"""Divide each step by the root of the sum of all squared gradients so far (Duchi
    et al., 2011): ``s += g^2``, ``p -= lr_t * g / (sqrt(s) + eps)``, with
    ``lr_t = lr / (1 + (t - 1) * lr_decay)``. Often-updated elements slow down.

    >>> import autodiff
    >>> w = autodiff.tensor([1.0], requires_grad=True)
    >>> optimizer = autodiff.optim.Adagrad([w], lr=0.5)
    >>> (w * w).sum().backward()
    >>> optimizer.step()
    >>> w
    tensor([0.5000], requires_grad=True)
    """

    def __init__(self, params: ParamsT, lr: float = 1e-2, lr_decay: float = 0,
                 weight_decay: float = 0, initial_accumulator_value: float = 0,
                 eps: float = 1e-10, *, maximize: bool = False) -> None:
        _check_lr(lr)
        _check_at_least(lr_decay, "lr_decay value")
        _check_at_least(weight_decay, "weight_decay value")
        _check_at_least(initial_accumulator_value, "initial_accumulator_value value")
        _check_at_least(eps, "epsilon value")
        # foreach/differentiable/fused choose torch's kernels; kept so that param groups
        # read as torch's
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=None,
                        maximize=maximize, differentiable=False, fused=None)
        super().__init__(params, defaults)
        for group in self.param_groups:          # torch fills the state at once
            for param in group["params"]:
                self.state[param]["step"] = ops.tensor(0.0)
                self.state[param]["sum"] = ops.full_like(param, initial_accumulator_value)

    def _update(self, param, grad, group):
        state = self.state[param]
        if group["maximize"]:
            grad = -grad
        step = _step_count(state["step"].add_(1))
        if group["weight_decay"] != 0:
            grad = grad.add(param, alpha=group["weight_decay"])
        clr = _lr(group) / (1 + (step - 1) * group["lr_decay"])
        std = state["sum"].addcmul_(grad, grad, value=1).sqrt().add_(group["eps"])
        if isinstance(clr, Tensor):       # while compiling: the step size folded in
            param.addcdiv_(grad, std / -clr)
        else:
            param.addcdiv_(grad, std, value=-clr)
