"""Adam and AdamW (torch's ``torch.optim.Adam`` and ``torch.optim.AdamW``)."""

from __future__ import annotations

import jax

from .. import ops
from ..tape import RULES, Tensor
from .optimizer import Optimizer, ParamsT, _check_adam_like, _fusable, _lr, _write_fused


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
        lr, (beta1, beta2) = _lr(group), group["betas"]
        bias_correction1 = 1 - beta1 ** step
        bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
        if _fusable(param, grad, step, lr, beta1, beta2, group["eps"]):
            exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
            largest = [state["max_exp_avg_sq"]] if group["amsgrad"] else []
            g = grad._value()
            m, v = _adam_moments(g, exp_avg._value(), exp_avg_sq._value(), beta1=beta1,
                                 beta2=beta2)
            new = _adam_kernel(param._value(), g, m, v, *(t._value() for t in largest),
                               beta2=beta2, eps=group["eps"], step_size=lr / bias_correction1,
                               bias_correction2_sqrt=bias_correction2_sqrt)
            # each tensor's version moves on as the eager ops' writes move it
            _write_fused(zip([exp_avg, param, exp_avg_sq, *largest], (m, *new), (1, 1, 2, 1)))
            return
        exp_avg, exp_avg_sq = _moments(state, grad, group)
        second_moment = exp_avg_sq
        if group["amsgrad"]:                                  # the largest v seen so far
            second_moment = state["max_exp_avg_sq"].copy_(
                ops.maximum(state["max_exp_avg_sq"], exp_avg_sq))
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


# One parameter's Adam step (``_update``'s eager ops, in their order) as two compiled
# kernels instead of eight ops: each op is computed by its own row's forward, so the
# numbers are the eager ops' (torch's), but the arrays are read and written once or twice
# -- several times faster on a large parameter. The numbers are arguments: a new step or
# learning rate does not compile again. Why two: fused with the addcmul after it, the
# ``v * beta2`` below would be folded by the compiler into that add (a fused multiply-
# add: one rounding fewer), and v would differ from torch's in its last bit.

@jax.jit
def _adam_moments(grad, exp_avg, exp_avg_sq, *, beta1, beta2):
    """``exp_avg.lerp_(grad, 1 - beta1)`` and the ``exp_avg_sq.mul_(beta2)`` that starts v."""
    return (RULES["lerp"].forward(exp_avg, grad, weight=1 - beta1),
            RULES["mul"].forward(exp_avg_sq, beta2))


@jax.jit
def _adam_kernel(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq=None, *, beta2, eps,
                 step_size, bias_correction2_sqrt):
    """The rest of the step: v's addcmul_, amsgrad's maximum, the denominator and the
    parameter's addcdiv_; the new parameter, v (and the largest v)."""
    exp_avg_sq = RULES["addcmul"].forward(exp_avg_sq, grad, grad, value=1 - beta2)
    second_moment = exp_avg_sq
    if max_exp_avg_sq is not None:                            # amsgrad
        second_moment = max_exp_avg_sq = RULES["maximum"].forward(max_exp_avg_sq, exp_avg_sq)
    denom = RULES["add"].forward(RULES["div"].forward(RULES["sqrt"].forward(second_moment),
                                                      bias_correction2_sqrt), eps)
    param = RULES["addcdiv"].forward(param, exp_avg, denom, value=-step_size)
    return (param, exp_avg_sq) + ((max_exp_avg_sq,) if max_exp_avg_sq is not None else ())
