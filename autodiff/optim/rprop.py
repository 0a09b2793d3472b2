"""Rprop (torch's ``torch.optim.Rprop``)."""

from __future__ import annotations

from typing import Optional

from .. import ops
from .optimizer import Optimizer, ParamsT, _check_lr, _lr


class Rprop(Optimizer):
    r"""Resilient backpropagation (Riedmiller & Braun, 1993): each element keeps its own
    step size and moves by it against the *sign* of its gradient, ignoring the size.

    Where the gradient kept its sign since the last step, the step size grows by
    ``etas[1]``; where it flipped (the last step overshot) it shrinks by ``etas[0]``
    and that element rests for one step; sizes stay within ``step_sizes``::

        size *= etaplus (g g_prev > 0), etaminus (g g_prev < 0), 1 (otherwise)
        g = 0 where g g_prev < 0;            p -= sign(g) * size;       g_prev = g

    >>> import autodiff
    >>> w = autodiff.tensor([1.0, -1.0], requires_grad=True)
    >>> optimizer = autodiff.optim.Rprop([w], lr=0.1)       # the first step size
    >>> for _ in range(2):
    ...     optimizer.zero_grad()
    ...     (w * w).sum().backward()
    ...     optimizer.step()
    >>> optimizer.state[w]["step_size"]      # the sign held: 0.1 * 1.2
    tensor([0.1200, 0.1200])
    >>> w
    tensor([ 0.7800, -0.7800], requires_grad=True)
    """

    def __init__(self, params: ParamsT, lr: float = 1e-2, etas: tuple[float, float] = (0.5, 1.2),
                 step_sizes: tuple[float, float] = (1e-6, 50), *, capturable: bool = False,
                 foreach: Optional[bool] = None, maximize: bool = False,
                 differentiable: bool = False) -> None:
        _check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach,
                        maximize=maximize, differentiable=differentiable,
                        capturable=capturable)
        super().__init__(params, defaults)

    def _update(self, param, grad, group):
        if not self.state[param]:         # each element's step size starts at lr
            fresh = self._lazy_state(param, group, "prev")
            fresh["step_size"] = ops.full_like(grad, _lr(group))
        state, _, grad = self._start_step(param, grad, group)
        (etaminus, etaplus), (size_min, size_max) = group["etas"], group["step_sizes"]
        prev, step_size = state["prev"], state["step_size"]
        sign = grad.mul(prev.clone() if group["differentiable"] else prev).sign()
        # torch's three masked writes, in its order (a NaN sign stays NaN)
        sign = ops.where(sign > 0, etaplus, sign)
        sign = ops.where(sign < 0, etaminus, sign)
        sign = ops.where(sign == 0, 1, sign)
        step_size.mul_(sign).clamp_(size_min, size_max)
        grad = ops.where(sign == etaminus, 0, grad)     # a flipped sign: rest this step
        param.addcmul_(grad.sign(), step_size, value=-1)
        prev.copy_(grad)
