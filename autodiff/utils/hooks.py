"""Module backward hooks (torch's ``torch.utils.hooks.BackwardHook``).

``module.register_full_backward_hook(hook)`` calls ``hook(module, grad_input,
grad_output)`` once the gradients of the module's inputs are known. The module has no
node of its own to hang that on -- its forward is many recorded ops -- so torch brackets
it with two identity nodes, ``BackwardHookFunctionBackward``: one on the inputs, one on
the outputs. Their post-hooks see the gradients pass: the outputs' node keeps
``grad_output`` (after the backward pre-hooks, which may replace it), the inputs' node
calls the user's hooks with both (what they return replaces ``grad_input``). The
identity nodes show in the graph (``y.grad_fn``), as in torch.
"""

from __future__ import annotations

import warnings
from typing import Any, Callable, Optional, Sequence

from .. import tape
from ..autograd.function import Function, FunctionCtx
from ..tape import Node, Tensor

_Grads = tuple[Optional[Tensor], ...]       # a gradient per argument (None: not a tensor's)

__all__ = ["BackwardHook", "BackwardHookFunction"]


class BackwardHookFunction(Function):
    """The identity, as a node the backward pass goes through (and hooks can watch)."""

    @staticmethod
    def forward(ctx: FunctionCtx, *args: Tensor) -> tuple[Tensor, ...]:
        ctx.mark_non_differentiable(*[arg for arg in args if not arg.requires_grad])
        return args

    @staticmethod
    def backward(ctx: FunctionCtx, *args: Optional[Tensor]) -> tuple[Optional[Tensor], ...]:
        return args


class BackwardHook:
    """The hooks of one call of a module: set up by ``Module.__call__``."""

    def __init__(self, module: object, user_hooks: Sequence[Callable[..., Any]],
                 user_pre_hooks: Sequence[Callable[..., Any]]) -> None:
        # (the Module, passed to its hooks: not named here, as autodiff.nn imports this file)
        self.module, self.user_hooks, self.user_pre_hooks = module, user_hooks, user_pre_hooks
        self.grad_outputs: Optional[_Grads] = None
        self.n_outputs = self.n_inputs = -1
        # where the tensors are among the arguments (None: no identity node was added)
        self.output_tensors_index: Optional[list[int]] = None
        self.input_tensors_index: Optional[list[int]] = None

    @staticmethod
    def _pack_with_none(indices: Sequence[int], values: Sequence[Optional[Tensor]],
                        size: int) -> _Grads:
        """The gradients of the tensors among ``size`` arguments, None for the others."""
        res: list[Optional[Tensor]] = [None] * size
        for idx, val in zip(indices, values, strict=True):
            res[idx] = val
        return tuple(res)

    @staticmethod
    def _unpack_none(indices: Sequence[int], values: _Grads) -> _Grads:
        return tuple(values[idx] for idx in indices)

    def _set_user_hook(self, grad_fn: Node) -> None:
        def hook(grad_input: _Grads, _: _Grads) -> Optional[_Grads]:
            if self.grad_outputs is None:     # reached without passing the outputs (double
                return None                   # backward): nothing to pair it with
            assert self.input_tensors_index is not None      # (set with this node)
            res = self._pack_with_none(self.input_tensors_index, grad_input, self.n_inputs)
            for user_hook in self.user_hooks:
                out = user_hook(self.module, res, self.grad_outputs)
                if out is None:
                    continue
                if len(out) != len(res):
                    raise RuntimeError("Backward hook returned an invalid number of "
                                       f"grad_input, got {len(out)}, but expected {len(res)}")
                res = out
            self.grad_outputs = None
            return self._unpack_none(self.input_tensors_index, res)

        grad_fn.register_hook(hook)

    def _apply_on_tensors(self, fn: Callable[[Node], None],
                          args: tuple[Any, ...]) -> tuple[tuple[Any, ...], Optional[list[int]]]:
        """Pass the tensors among ``args`` through one identity node (when one of them
        requires grad) and call ``fn`` with that node; the new args and where the
        tensors are in them."""
        tensors_idx = [i for i, arg in enumerate(args) if isinstance(arg, Tensor)]
        tensors = [args[i] for i in tensors_idx]
        if not (any(t.requires_grad for t in tensors) and tape.is_grad_enabled()):
            return args, None
        new_tensors = BackwardHookFunction.apply(*tensors)
        fn(next(t.grad_fn for t in new_tensors if t.grad_fn is not None))
        arg_list = list(args)
        for idx, val in zip(tensors_idx, new_tensors, strict=True):
            arg_list[idx] = val
        return tuple(arg_list), tensors_idx

    def setup_input_hook(self, args: tuple[Any, ...]) -> tuple[Any, ...]:
        res, self.input_tensors_index = self._apply_on_tensors(self._set_user_hook, args)
        self.n_inputs = len(args)
        return res

    def setup_output_hook(self, args: Any) -> Any:
        def fn(grad_fn: Node) -> None:
            def hook(_: _Grads, grad_output: _Grads) -> _Grads:
                assert self.output_tensors_index is not None     # (set with this node)
                self.grad_outputs = self._pack_with_none(self.output_tensors_index,
                                                         grad_output, self.n_outputs)
                expected_len = len(self.grad_outputs)
                for user_pre_hook in self.user_pre_hooks:
                    hook_grad_outputs = user_pre_hook(self.module, self.grad_outputs)
                    if hook_grad_outputs is None:
                        continue
                    if len(hook_grad_outputs) != expected_len:
                        raise RuntimeError(
                            "Backward pre hook returned an invalid number of grad_output, "
                            f"got {len(hook_grad_outputs)}, but expected {expected_len}")
                    self.grad_outputs = hook_grad_outputs
                local_grad_outputs = self.grad_outputs
                # no input requires grad: the input node never runs, so call the hooks now
                if self.input_tensors_index is None:
                    warnings.warn(
                        "Full backward hook is firing when gradients are computed with "
                        "respect to module outputs since no inputs require gradients. See "
                        "https://docs.pytorch.org/docs/main/generated/autodiff.nn.Module.html"
                        "#autodiff.nn.Module.register_full_backward_hook for more details.",
                        stacklevel=5)
                    grad_inputs = self._pack_with_none([], [], self.n_inputs)
                    for user_hook in self.user_hooks:
                        res = user_hook(self.module, grad_inputs, self.grad_outputs)
                        if res is not None and not (isinstance(res, tuple)
                                                    and all(el is None for el in res)):
                            raise RuntimeError(
                                "Backward hook for Modules where no input requires gradient "
                                "should always return None or None for all gradients.")
                    self.grad_outputs = None
                return self._unpack_none(self.output_tensors_index, local_grad_outputs)

            grad_fn.register_hook(hook)

        is_tuple = isinstance(args, tuple)
        args = args if is_tuple else (args,)
        res, self.output_tensors_index = self._apply_on_tensors(fn, args)
        self.n_outputs = len(args)
        return res if is_tuple else res[0]
