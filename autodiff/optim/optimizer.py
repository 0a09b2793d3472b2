"""``Optimizer``: the base class of the update rules (torch's ``torch.optim.Optimizer``).

An optimizer holds ``param_groups`` -- lists of parameters, each group with its own
settings (``lr``...) -- and a ``state`` dict per parameter (momentum buffers, step
counts). ``step()`` walks every parameter that has a gradient and applies the rule's
update to it, in place and under ``no_grad``: the update is not part of any model.
Subclasses write that update for one parameter (``_update``): torch's single-tensor
"for-loop" implementation, which is the one its CPU optimizers run.
"""

from __future__ import annotations

import collections
import copy
import itertools
import warnings
import weakref
from typing import Any, Callable, Iterable, Optional, TypeVar, Union, overload

from .. import ops, tape
from ..autograd import profiler
from ..nn.module import _reset_grad, typename
from ..tape import Tensor


class _RequiredParameter:
    """The default of a setting every param group must give (e.g. no default ``lr``)."""

    def __repr__(self):
        return "<required parameter>"


required: Any = _RequiredParameter()

# What an optimizer takes: the parameters, or groups of them with their own settings
# (``[{"params": [...], "lr": 0.1}, ...]``)
ParamsT = Union[Iterable[Tensor], Iterable[dict[str, Any]]]
_L = TypeVar("_L")


def _check_at_least(value, what, low=0.0):
    """torch's argument checks: ``Invalid learning rate: -1``."""
    if not low <= value:
        raise ValueError(f"Invalid {what}: {value}")


def _check_lr(lr):
    """torch's checks of a learning rate: a tensor has one element, and none is negative."""
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    _check_at_least(lr, "learning rate")


def _lr(group):
    """A group's learning rate: a number, or a one-element tensor as a 0-dim one (torch's
    ``_to_scalar``), which the update's ops take as they take a number."""
    lr = group["lr"]
    return lr.reshape(()) if isinstance(lr, Tensor) else lr


def _check_adam_like(lr, eps, betas, weight_decay):
    """The checks of the Adam family (Adam, Adamax, NAdam, RAdam), in torch's order."""
    _check_lr(lr)
    _check_at_least(eps, "epsilon value")
    for i, beta in enumerate(betas):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {beta}")
    _check_at_least(weight_decay, "weight_decay value")


class Optimizer:
    """Base class: ``params`` is an iterable of tensors, or of dicts (param groups, each
    with ``"params"`` and settings overriding ``defaults``).

    >>> import autodiff
    >>> w = autodiff.tensor([1.0, 2.0], requires_grad=True)
    >>> optimizer = autodiff.optim.SGD([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> optimizer.step()
    >>> w
    tensor([0.8000, 1.6000], requires_grad=True)
    """

    def __init__(self, params: ParamsT, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            f"Tensors or dicts, but got {typename(params)}")
        self.state: collections.defaultdict[Tensor, dict[str, Any]] = \
            collections.defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        groups: list[Any] = list(params)
        if len(groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters, with settings defaulting to the optimizer's."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered "
                            "collections, but the ordering of tensors in sets will change "
                            "between runs. Please use a list instead.")
        param_group["params"] = [params] if isinstance(params, Tensor) else list(params)
        for param in param_group["params"]:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params "
                                f"is {typename(param)}")
            differentiable = self.defaults.get("differentiable")   # may optimize a graph
            if not (differentiable or param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError("parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            param_group.setdefault(name, default)
        params = param_group["params"]
        if len(params) != len(set(params)):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; "
                          "in future, this will cause an error; see "
                          "github.com/pytorch/pytorch/issues/40967 for more information",
                          UserWarning, stacklevel=3)
        seen = set(itertools.chain.from_iterable(g["params"] for g in self.param_groups))
        if not seen.isdisjoint(params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset every parameter's gradient: to None (the default) or to zeros.
        Call it before each ``backward``: gradients accumulate (they add up)."""
        for group in self.param_groups:
            for param in group["params"]:
                _reset_grad(param, set_to_none)

    @overload
    def step(self, closure: None = None) -> None: ...
    @overload
    def step(self, closure: Callable[[], _L]) -> _L: ...

    def step(self, closure=None):
        """Update every parameter that has a gradient. ``closure`` (re)computes and
        returns the loss first (with grad mode on)."""
        loss = None
        if closure is not None:
            with tape.enable_grad():
                loss = closure()
        # differentiable=True records the update (torch's _use_grad_for_differentiable)
        with tape.set_grad_enabled(self.defaults.get("differentiable", False)):
            for group in self.param_groups:
                for param in group["params"]:
                    if param.grad is not None:
                        self._update(param, param.grad, group)
        self._opt_called = True          # lr schedulers check the order of step() calls
        return loss

    def _lazy_state(self, param, group, *zeros, **numbers):
        """``self.state[param]``, filled at the parameter's first step as torch's
        ``_init_group`` does: a float32 ``step`` count, the 0-d float32 tensors
        ``numbers`` (NAdam's ``mu_product``...), then zero buffers shaped like ``param``.
        The 0-d ones are on the CPU, or, for ``capturable``, with the parameter."""
        state = self.state[param]
        if not state:
            device = param.device if group.get("capturable") else None
            state["step"] = ops.tensor(0.0, device=device)
            for name, value in numbers.items():
                state[name] = ops.tensor(float(value), device=device)
            for name in zeros:
                state[name] = ops.zeros_like(param)
        return state

    def _start_step(self, param, grad, group, *zeros, holders="params and state_steps",
                    xla=True, **numbers):
        """What every rule's step begins with: the state (:meth:`_lazy_state`), the step
        count (:func:`_count_step`) and the gradient to step against
        (:func:`_descent_grad`)."""
        state = self._lazy_state(param, group, *zeros, **numbers)
        step = _count_step(param, state, group, holders, xla)
        return state, step, _descent_grad(param, grad, group)

    def _update(self, param: Tensor, grad: Tensor, group: dict[str, Any]) -> None:
        """The rule for one parameter: change ``param`` in place, keeping what it needs
        in ``self.state[param]`` (subclasses)."""
        raise NotImplementedError

    # -- saving and loading ------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """``{"state": {index: {...}}, "param_groups": [{settings, "params": [indices]}]}``:
        parameters are numbered in group order, so the dict does not hold them."""
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for param in group["params"]:
                index.setdefault(id(param), len(index))
            packed["params"] = [index[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {index[id(p)]: value for p, value in self.state.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Take settings and state from ``state_dict`` (parameters matched by position)."""
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(self.param_groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"])
               for g, s in zip(self.param_groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't "
                             "match the size of optimizer's group")
        params = dict(zip(itertools.chain.from_iterable(g["params"] for g in saved_groups),
                          itertools.chain.from_iterable(g["params"]
                                                        for g in self.param_groups)))
        self.state = collections.defaultdict(dict)
        for key, value in state_dict["state"].items():
            param = params[key]
            self.state[param] = {name: _cast_like(param, name, v) for name, v in value.items()}
        for group, saved in zip(self.param_groups, saved_groups):
            saved["params"] = group["params"]
        self.param_groups = saved_groups

    def __repr__(self):
        text = type(self).__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            for key in sorted(group):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"


def _cast_like(param, name, value):
    """A loaded state tensor in the parameter's dtype (the step count stays float32)."""
    if isinstance(value, Tensor) and name != "step" and param.is_floating_point():
        return value.to(param.dtype)
    return value


def _step_count(step_t):
    """The step count (or another 0-d state tensor: ASGD's ``eta``...) as torch reads it
    (``.item()``): a Python number; still a tensor while ``autodiff.compile`` traces the
    step (its value is not known yet), where the update then follows torch's
    ``capturable`` formulas."""
    return step_t.item() if tape.concrete(step_t._value()) else step_t


# The step counts _count_step last wrote, by tensor: (its version then, the value), so
# that reading the count back is a Python lookup, not a wait for the device to finish
# the step's queued work (.item()); a count written by anyone else is read from the
# tensor again. (Keyed by id, the entry dropped with its tensor.)
_known_steps: dict[int, tuple[int, float]] = {}


def _count_step(param, state, group, holders="params and state_steps", xla=True):
    """``state["step"] += 1``, returned as :func:`_step_count` reads it, or kept a
    tensor for ``capturable=True`` (torch's capturable formulas). Its kernels run on
    GPUs only: torch refuses it for a CPU parameter (``holders`` and ``xla`` word the
    message as each torch optimizer does)."""
    step_t = state["step"]
    capturable = group.get("capturable") and tape.concrete(step_t._value())
    if capturable:
        devices = ["cuda", "xpu", "hpu", "privateuseone"] + ["xla"] * xla
        if not (param.device.type == step_t.device.type and param.device.type in devices):
            raise AssertionError(f"If capturable=True, {holders} must be on supported "
                                 f"devices: {devices}.")
    known = _known_steps.get(id(step_t))
    step_t.add_(1)
    if capturable or not tape.concrete(step_t._value()):      # (or traced by compile)
        return step_t
    if known is None:                                 # a count not seen before
        weakref.finalize(step_t, _known_steps.pop, id(step_t), None)
    if known is not None and known[0] + 1 == step_t._vc[0]:
        count = known[1] + 1.0
    else:                                             # new, or written by someone else
        count = _step_count(step_t)
    _known_steps[id(step_t)] = (step_t._vc[0], count)
    return count


def _fusable(param, grad, *numbers):
    """Whether a rule may update ``param`` by compiled kernels of arrays (Adam's) instead
    of op by op: nothing records the update (not ``differentiable``, no forward mode) or
    times its ops (the profiler), the settings and the step count are Python numbers (not
    ``capturable``'s tensors), ``param`` is not a view, and ``grad`` matches it (otherwise
    the eager ops give torch's errors)."""
    return (not tape.is_grad_enabled() and tape._dual_level is None and not profiler._active
            and all(type(n) in (int, float) for n in numbers) and param._view is None
            and grad.shape == param.shape and grad.dtype is param.dtype)


def _write_fused(writes):
    """Write a kernel's results in place: ``(tensor, array, versions)``, the tensor's
    version counter moved on as far as the eager ops' writes would have moved it."""
    for t, array, versions in writes:
        tape.inplace(t, lambda _: tape.make_tensor(array))
        t._vc[0] += versions - 1


def _descent_grad(param, grad, group):
    """The gradient a rule steps against: negated for ``maximize``; ``weight_decay``
    adds ``weight_decay * p`` to it (L2), or -- ``decoupled_weight_decay`` (AdamW's)
    -- shrinks the parameter instead, ``p *= 1 - lr * weight_decay``."""
    if group["maximize"]:
        grad = -grad
    weight_decay = group.get("weight_decay", 0)          # Rprop has none
    if weight_decay != 0:
        if group.get("decoupled_weight_decay"):
            param.mul_(1 - _lr(group) * weight_decay)
        else:
            grad = grad.add(param, alpha=weight_decay)
    return grad
