"""``Module``: the base class of every layer and model (torch's ``torch.nn.Module``).

A module keeps three ordered dicts, filled by plain attribute assignment:

* ``_parameters`` -- the ``Parameter``\\ s assigned to it (``self.weight = Parameter(...)``);
* ``_buffers``    -- tensors that are state but not learned (``register_buffer``);
* ``_modules``    -- its sub-modules (``self.hidden = Linear(3, 2)``).

Everything else follows from walking them: ``parameters()`` yields this module's
parameters and then its children's, recursively; ``state_dict()`` names them by their
path (``hidden.weight``); ``module(x)`` calls ``forward(x)``.
"""

from __future__ import annotations

import collections
import functools
import itertools
import warnings
from typing import Any, Callable, Iterator, Mapping, Optional, TypeVar, Union

from .. import dtypes as D
from .. import tape
from ..tape import Tensor
from ..utils.hooks import BackwardHook
from .parameter import Buffer, Parameter

_M = TypeVar("_M", bound="Module")     # a method that returns its module: its own class

_BOTH_KINDS = ("Cannot use both regular backward hooks and full backward hooks on a single "
               "Module. Please use only one of them.")


def typename(obj: Any) -> str:
    """torch's ``torch.typename``: ``autodiff.FloatTensor``, ``int``, ``mymodule.Net``..."""
    if isinstance(obj, Tensor):
        return obj._type_name()
    module = getattr(obj, "__module__", "") or ""          # a class, a function: its own name
    if hasattr(obj, "__qualname__"):
        qualname = obj.__qualname__
    elif hasattr(obj, "__name__"):
        qualname = obj.__name__
    else:                                                   # an instance: its class's
        module, qualname = type(obj).__module__ or "", type(obj).__qualname__
    return qualname if module in ("", "builtins") else f"{module}.{qualname}"


def _addindent(text, spaces):
    """Indent every line but the first (how a child's repr nests in its parent's)."""
    first, *rest = text.split("\n")
    if not rest:
        return text
    return "\n".join([first] + [" " * spaces + line if line.strip() else "" for line in rest])


class _IncompatibleKeys(collections.namedtuple("IncompatibleKeys",
                                               ["missing_keys", "unexpected_keys"])):
    """What ``load_state_dict`` returns."""

    __slots__ = ()

    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


class Module:
    """Base class of layers and models: subclass it, assign layers and parameters in
    ``__init__`` (after ``super().__init__()``), and compute the output in ``forward``.

    >>> import autodiff
    >>> import autodiff.nn as nn
    >>> class Net(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.hidden = nn.Linear(3, 2)
    ...     def forward(self, x):
    ...         return autodiff.sigmoid(self.hidden(x))
    >>> net = Net()
    >>> net
    Net(
      (hidden): Linear(in_features=3, out_features=2, bias=True)
    )
    >>> [name for name, _ in net.named_parameters()]
    ['hidden.weight', 'hidden.bias']
    >>> net(autodiff.zeros(4, 3)).shape
    autodiff.Size([4, 2])
    """

    training: bool
    # the registries and hooks that __init__ sets (past our own __setattr__)
    _parameters: dict[str, Optional[Parameter]]
    _buffers: dict[str, Optional[Tensor]]
    _non_persistent_buffers_set: set[str]
    _modules: dict[str, Optional[Module]]
    _forward_pre_hooks: list[tuple[Callable[..., Any], bool]]
    _forward_hooks: list[tuple[Callable[..., Any], bool, bool]]
    _backward_pre_hooks: list[Callable[..., Any]]
    _backward_hooks: list[Callable[..., Any]]
    _is_full_backward_hook: Optional[bool] = None   # which kind _backward_hooks holds

    def __init__(self) -> None:
        # object.__setattr__: our own __setattr__ needs these dicts to exist
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_non_persistent_buffers_set", set())
        object.__setattr__(self, "_modules", {})
        # hooks, in calling order: (hook, with_kwargs) pairs for the forward pre-hooks,
        # (hook, with_kwargs, always_call) for the forward hooks, hooks for the backward ones
        object.__setattr__(self, "_forward_pre_hooks", [])
        object.__setattr__(self, "_forward_hooks", [])
        object.__setattr__(self, "_backward_pre_hooks", [])
        object.__setattr__(self, "_backward_hooks", [])

    # -- calling -----------------------------------------------------------------------
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation; every subclass defines it."""
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required '
                                  '"forward" function')

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not (self._forward_pre_hooks or self._forward_hooks or self._backward_pre_hooks
                or self._backward_hooks):
            return self.forward(*args, **kwargs)
        return self._call_with_hooks(args, kwargs)

    def _call_with_hooks(self, args, kwargs):
        """``forward`` with its hooks, in torch's order: forward pre-hooks; the backward
        hooks' identity node on the inputs; forward; forward hooks; the identity node on
        the outputs (see ``autodiff.utils.hooks``)."""
        output, called = None, set()
        try:
            for hook, with_kwargs in list(self._forward_pre_hooks):
                if with_kwargs:
                    result = hook(self, args, kwargs)
                    if result is not None:
                        if not (isinstance(result, tuple) and len(result) == 2):
                            raise RuntimeError("forward pre-hook must return None or a tuple "
                                               f"of (new_args, new_kwargs), but got {result}.")
                        args, kwargs = result
                else:
                    result = hook(self, args)
                    if result is not None:
                        args = result if isinstance(result, tuple) else (result,)
            backward_hook = None
            full = self._backward_hooks if self._is_full_backward_hook else []
            if full or self._backward_pre_hooks:
                backward_hook = BackwardHook(self, list(full), list(self._backward_pre_hooks))
                args = backward_hook.setup_input_hook(args)
            output = self.forward(*args, **kwargs)
            for entry in list(self._forward_hooks):
                called.add(id(entry))
                output = self._run_forward_hook(entry, args, kwargs, output)
            if backward_hook is not None:
                if not isinstance(output, (Tensor, tuple)):
                    warnings.warn("For backward hooks to be called, module output should be a "
                                  f"Tensor or a tuple of Tensors but received {type(output)}",
                                  stacklevel=2)
                output = backward_hook.setup_output_hook(output)
            if self._is_full_backward_hook is False and self._backward_hooks:
                self._attach_non_full_backward_hooks(args, output)
            return output
        except Exception:
            for entry in self._forward_hooks:        # always_call hooks run on an error too
                if entry[2] and id(entry) not in called:
                    try:
                        output = self._run_forward_hook(entry, args, kwargs, output)
                    except Exception as e:
                        warnings.warn("module forward hook with ``always_call=True`` raised "
                                      "an exception that was silenced as another error was "
                                      f"raised in forward: {e}", stacklevel=2)
            raise

    def _attach_non_full_backward_hooks(self, args, output):
        """The deprecated ``register_backward_hook``: the hooks go on the node that made
        the (first) output tensor, and see that node's gradients -- the module's own only
        when its forward is that one node. torch warns when it can tell they are not."""
        var = output
        while not isinstance(var, Tensor):
            var = next(v for v in var.values() if isinstance(v, Tensor)) \
                if isinstance(var, dict) else var[0]
        grad_fn = var.grad_fn
        if grad_fn is None:
            return
        for hook in list(self._backward_hooks):
            grad_fn.register_hook(functools.partial(hook, self))
        _warn_non_full_backward_hook(args, output, grad_fn)

    def _run_forward_hook(self, entry, args, kwargs, output):
        hook, with_kwargs, _ = entry
        result = hook(self, args, kwargs, output) if with_kwargs else hook(self, args, output)
        return output if result is None else result

    def register_forward_pre_hook(self, hook: Callable[..., Any], *, prepend: bool = False,
                                  with_kwargs: bool = False) -> tape.RemovableHandle:
        """Call ``hook(module, args)`` before each ``forward``; what it returns (other
        than None) replaces the positional arguments. ``with_kwargs=True``: the hook is
        ``hook(module, args, kwargs)`` and returns None or ``(args, kwargs)``."""
        return tape.RemovableHandle(self._forward_pre_hooks, (hook, with_kwargs), prepend)

    def register_forward_hook(self, hook: Callable[..., Any], *, prepend: bool = False,
                              with_kwargs: bool = False,
                              always_call: bool = False) -> tape.RemovableHandle:
        """Call ``hook(module, args, output)`` after each ``forward`` (to look at the
        output, e.g. keep activations); what it returns (other than None) replaces the
        output. ``with_kwargs=True``: ``hook(module, args, kwargs, output)``;
        ``always_call=True``: called even when ``forward`` raises.

        >>> import autodiff
        >>> import autodiff.nn as nn
        >>> layer, seen = nn.Linear(3, 2), []
        >>> handle = layer.register_forward_hook(lambda m, args, out: seen.append(out.shape))
        >>> _ = layer(autodiff.ones(4, 3))
        >>> handle.remove()
        >>> _ = layer(autodiff.ones(5, 3))
        >>> seen
        [autodiff.Size([4, 2])]
        """
        return tape.RemovableHandle(self._forward_hooks, (hook, with_kwargs, always_call), prepend)

    def register_full_backward_pre_hook(self, hook: Callable[..., Any], *,
                                        prepend: bool = False) -> tape.RemovableHandle:
        """Call ``hook(module, grad_output)`` when the gradients of the module's outputs
        are known, before those of its inputs are computed; what it returns (other than
        None) replaces ``grad_output``."""
        return tape.RemovableHandle(self._backward_pre_hooks, hook, prepend)

    def register_backward_hook(self, hook: Callable[..., Any]) -> tape.RemovableHandle:
        """Deprecated (use :meth:`register_full_backward_hook`): call ``hook(module,
        grad_input, grad_output)`` with the gradients of the node that made the module's
        output, which are the module's own only when its forward is a single node."""
        if self._is_full_backward_hook is True:
            raise RuntimeError(_BOTH_KINDS)
        self._is_full_backward_hook = False
        return tape.RemovableHandle(self._backward_hooks, hook)

    def register_full_backward_hook(self, hook: Callable[..., Any], *,
                                    prepend: bool = False) -> tape.RemovableHandle:
        """Call ``hook(module, grad_input, grad_output)`` when the gradients of the
        module's inputs are known (None for inputs that are not tensors or need no
        gradient); what it returns (other than None) replaces ``grad_input``.

        >>> import autodiff
        >>> import autodiff.nn as nn
        >>> layer, seen = nn.Linear(3, 2), []
        >>> _ = layer.register_full_backward_hook(
        ...     lambda m, grad_input, grad_output: seen.append(grad_output[0].shape))
        >>> x = autodiff.ones(4, 3, requires_grad=True)
        >>> layer(x).sum().backward()
        >>> seen
        [autodiff.Size([4, 2])]
        """
        if self._is_full_backward_hook is False:
            raise RuntimeError(_BOTH_KINDS)
        self._is_full_backward_hook = True
        return tape.RemovableHandle(self._backward_hooks, hook, prepend)

    # -- registering parameters, buffers and sub-modules -------------------------------
    def register_parameter(self, name: str, param: Optional[Parameter]) -> None:
        """Add ``param`` (a ``Parameter`` or None) under ``name``."""
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        self._check_name(name, "parameter", self._parameters)
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{typename(param)}' object to parameter '{name}' "
                            "(autodiff.nn.Parameter or None required)")
        if param is not None and param.grad_fn is not None:
            raise ValueError(f"Cannot assign non-leaf Tensor to parameter '{name}'. Model "
                             f"parameters must be created explicitly. To express '{name}' as "
                             "a function of another Tensor, compute the value in the "
                             "forward() method.")
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Optional[Tensor], persistent: bool = True) -> None:
        """Add a tensor that is state but not learned; ``persistent=False`` keeps it out
        of the ``state_dict``."""
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        self._check_name(name, "buffer", self._buffers)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{typename(tensor)}' object to buffer '{name}' "
                            "(autodiff Tensor or None required)")
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name: str, module: Optional[Module]) -> None:
        """Add a child module under ``name``."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{typename(module)} is not a Module subclass")
        self._check_name(name, "module", self._modules)
        self._modules[name] = module

    register_module = add_module

    def _check_name(self, name, kind, registry):
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string. Got {typename(name)}")
        if "." in name:
            raise KeyError(f"{kind} name can't contain \".\"" + (
                f", got: {name}" if kind == "module" else ""))
        if name == "":
            raise KeyError(f"{kind} name can't be empty string \"\"")
        if hasattr(self, name) and name not in registry:
            raise KeyError(f"attribute '{name}' already exists")

    def __setattr__(self, name, value):
        params = self.__dict__.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self._forget(name, keep=self._parameters)
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{typename(value)}' as parameter '{name}' "
                                "(autodiff.nn.Parameter or None expected)")
            self.register_parameter(name, value)
        elif isinstance(value, Module):
            if self.__dict__.get("_modules") is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._forget(name, keep=self._modules)
            self._modules[name] = value
        elif name in self.__dict__.get("_modules", ()):
            if value is not None:
                raise TypeError(f"cannot assign '{typename(value)}' as child module '{name}' "
                                "(autodiff.nn.Module or None expected)")
            self._modules[name] = value
        elif isinstance(value, Buffer) or name in self.__dict__.get("_buffers", ()):
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{typename(value)}' as buffer '{name}' "
                                "(autodiff.nn.Buffer, autodiff.Tensor or None expected)")
            if isinstance(value, Buffer):
                self._forget(name, keep=self.__dict__.get("_buffers", {}))
                self.register_buffer(name, value, value.persistent)
            else:
                self._buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name, keep):
        """Drop ``name`` from the other places it may be before it is registered in
        ``keep`` (where it keeps its position if it was there)."""
        self.__dict__.pop(name, None)
        for registry in (self._parameters, self._buffers, self._modules):
            if registry is not keep:
                registry.pop(name, None)
        self._non_persistent_buffers_set.discard(name)

    def __getattr__(self, name: str) -> Union[Tensor, Module]:
        # only called when normal lookup fails: look in the three registries
        for registry in ("_parameters", "_buffers", "_modules"):
            found = self.__dict__.get(registry, {})
            if name in found:
                return found[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name):
        for registry in (self._parameters, self._buffers, self._modules):
            if name in registry:
                del registry[name]
                self._non_persistent_buffers_set.discard(name)
                return
        object.__delattr__(self, name)

    # -- walking the tree --------------------------------------------------------------
    def named_modules(self, memo: Optional[set[Module]] = None, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Module]]:
        """This module and every module below it, with their dotted paths (each once)."""
        memo = set() if memo is None else memo
        if remove_duplicate and self in memo:
            return
        if remove_duplicate:
            memo.add(self)
        yield prefix, self
        for name, module in self._modules.items():
            if module is not None:
                yield from module.named_modules(memo, f"{prefix}.{name}" if prefix else name,
                                                remove_duplicate)

    def modules(self) -> Iterator[Module]:
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The direct sub-modules, with their names (each once)."""
        seen = set()
        for name, module in self._modules.items():
            if module is not None and module not in seen:
                seen.add(module)
                yield name, module

    def children(self) -> Iterator[Module]:
        for _, module in self.named_children():
            yield module

    def _named_members(self, registry, prefix, recurse, remove_duplicate=True):
        """(path, tensor) for the tensors of one registry in this module (and below)."""
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) \
            if recurse else [(prefix, self)]
        seen = set()
        for module_prefix, module in modules:
            for name, value in getattr(module, registry).items():
                if value is None or (remove_duplicate and value in seen):
                    continue
                seen.add(value)
                yield (f"{module_prefix}.{name}" if module_prefix else name), value

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[tuple[str, Parameter]]:
        """Every parameter with its dotted path (``hidden.weight``), each once."""
        yield from self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """Every parameter, in registration order, children after their parent's own.

        >>> import autodiff.nn as nn
        >>> [tuple(p.shape) for p in nn.Linear(3, 2).parameters()]
        [(2, 3), (2,)]
        """
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Tensor]]:
        yield from self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    def apply(self: _M, fn: Callable[[Module], None]) -> _M:
        """Call ``fn`` on every sub-module, then on this module; return this module."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    # -- modes and gradients -----------------------------------------------------------
    def train(self: _M, mode: bool = True) -> _M:
        """Set training mode (``Dropout`` drops) on this module and all below it."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.training = mode
        for module in self.children():
            module.train(mode)
        return self

    def eval(self: _M) -> _M:
        """Set evaluation mode: ``train(False)``."""
        return self.train(False)

    def requires_grad_(self: _M, requires_grad: bool = True) -> _M:
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the parameters' gradients: to None (the default) or to zeros."""
        for param in self.parameters():
            _reset_grad(param, set_to_none)

    # -- conversions -------------------------------------------------------------------
    def _apply(self, fn):
        """Replace every parameter's and buffer's data (and grad) by ``fn`` of it, in
        place: the Parameter objects stay the same, so optimizers still hold them."""
        for module in self.modules():
            with tape.no_grad():
                for param in module._parameters.values():
                    if param is None:
                        continue
                    param.data = fn(param)
                    if param.grad is not None:
                        param.grad.data = fn(param.grad)
                for name, buffer in module._buffers.items():
                    if buffer is not None:
                        module._buffers[name] = fn(buffer)
        return self

    def to(self: _M, *args: Union[D.dtype, D.DeviceLike], **kwargs: Any) -> _M:
        """Move or cast the parameters and buffers: ``to(dtype)``, ``to(device)``...
        A dtype applies to floating-point tensors only."""
        dtype = next((a for a in args if isinstance(a, D.dtype)), kwargs.get("dtype"))
        device = next((a for a in args if not isinstance(a, D.dtype)), kwargs.get("device"))
        if dtype is not None and not dtype.is_floating_point:
            raise TypeError("nn.Module.to only accepts floating point or complex dtypes, but "
                            f"got desired dtype={dtype}")

        def convert(t):
            return t.to(device=device, dtype=dtype if t.is_floating_point() else None)
        return self._apply(convert)

    def float(self: _M) -> _M:
        return self.to(D.float32)

    def double(self: _M) -> _M:
        return self.to(D.float64)

    def cpu(self: _M) -> _M:
        return self.to("cpu")

    # -- saving and loading ------------------------------------------------------------
    def state_dict(self, destination: Optional[dict[str, Tensor]] = None, prefix: str = "",
                   keep_vars: bool = False) -> dict[str, Tensor]:
        """An ordered dict of every parameter and persistent buffer, by dotted path.
        Values are detached (they share storage with the module's tensors).

        >>> import autodiff.nn as nn
        >>> list(nn.Linear(3, 2).state_dict())
        ['weight', 'bias']
        """
        destination = collections.OrderedDict() if destination is None else destination
        for name, value in self._local_state().items():
            destination[prefix + name] = value if keep_vars else value.detach()
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination, f"{prefix}{name}.", keep_vars)
        return destination

    def _local_state(self):
        buffers = {k: v for k, v in self._buffers.items()
                   if k not in self._non_persistent_buffers_set}
        return {k: v for k, v in itertools.chain(self._parameters.items(), buffers.items())
                if v is not None}

    def load_state_dict(self, state_dict: Mapping[str, Any],
                        strict: bool = True) -> _IncompatibleKeys:
        """Copy ``state_dict``'s tensors into this module's (under ``no_grad``).
        With ``strict``, every key must match; errors are collected and raised together.
        """
        missing: list[str] = []
        unexpected: list[str] = []
        errors: list[str] = []
        self._load(state_dict, "", missing, unexpected, errors)
        if strict:
            if unexpected:
                errors.insert(0, "Unexpected key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in unexpected)))
            if missing:
                errors.insert(0, "Missing key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in missing)))
        if errors:
            raise RuntimeError("Error(s) in loading state_dict for {}:\n\t{}".format(
                type(self).__name__, "\n\t".join(errors)))
        return _IncompatibleKeys(missing, unexpected)

    def _load(self, state_dict, prefix, missing, unexpected, errors):
        """Copy this module's own entries; note what is missing or unexpected."""
        local = self._local_state()
        for name, param in local.items():
            key = prefix + name
            if key not in state_dict:
                missing.append(key)
                continue
            value = state_dict[key]
            if not isinstance(value, Tensor):
                errors.append(f'While copying the parameter named "{key}", expected '
                              "autodiff.Tensor or Tensor-like object from checkpoint but "
                              f"received {type(value)}")
            elif value.shape != param.shape:
                errors.append(f"size mismatch for {key}: copying a param with shape "
                              f"{value.shape} from checkpoint, the shape in current model is "
                              f"{param.shape}.")
            else:
                with tape.no_grad():
                    param.copy_(value)
        for key in state_dict:
            if key.startswith(prefix):
                head, *rest = key[len(prefix):].split(".", 1)
                if (head not in self._modules) if rest else (head not in local):
                    unexpected.append(key)
        for name, module in self._modules.items():
            if module is not None:
                child = f"{prefix}{name}."
                module._load({k: v for k, v in state_dict.items() if k.startswith(child)},
                             child, missing, unexpected, errors)

    # -- printing ----------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The text between the parentheses of this module's repr (its settings)."""
        return ""

    def _get_name(self):
        return type(self).__name__

    def __repr__(self):
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({name}): {_addindent(repr(module), 2)}"
                       for name, module in self._modules.items()]
        lines = extra_lines + child_lines
        body = ""
        if len(extra_lines) == 1 and not child_lines:
            body = extra_lines[0]
        elif lines:
            body = "\n  " + "\n  ".join(lines) + "\n"
        return f"{self._get_name()}({body})"

    def __dir__(self):
        keys = (dir(type(self)) + list(self.__dict__) + list(self._parameters)
                + list(self._modules) + list(self._buffers))
        return sorted(k for k in keys if not k[0].isdigit())


def _reset_grad(param, set_to_none):
    """``zero_grad`` for one tensor: forget the gradient, or zero it in place."""
    if param.grad is None:
        return
    if set_to_none:
        param.grad = None
    else:
        if param.grad.grad_fn is not None:
            param.grad.detach_()
        else:
            param.grad.requires_grad_(False)
        param.grad.zero_()


def _warn_non_full_backward_hook(inputs, result, grad_fn):
    """torch's warnings for a deprecated (non-full) backward hook that will not see the
    module's own gradients: outputs or inputs that are not tensors, outputs of several
    nodes, or inputs that are not the output node's next functions."""
    def warn(message):
        warnings.warn(message, FutureWarning, stacklevel=4)

    def as_tensors(x, verb, part):
        if isinstance(x, Tensor):
            return (x,)
        if isinstance(x, tuple) and all(isinstance(t, Tensor) for t in x):
            return x
        warn(f"Using non-full backward hooks on a Module that does not {verb} a single Tensor "
             "or a tuple of Tensors is deprecated and will be removed in future versions. "
             f"This hook will be missing some of the {part}. Please use "
             "register_full_backward_hook to get the documented behavior.")
        return None

    result = as_tensors(result, "return", "grad_output")
    if result is None:
        return
    inputs = as_tensors(inputs, "take as input", "grad_input")
    if inputs is None:
        return
    out_grad_fn = {r.grad_fn for r in result if r.grad_fn is not None}
    if not out_grad_fn or (len(out_grad_fn) == 1 and grad_fn not in out_grad_fn):
        warn("Using a non-full backward hook when outputs are nested in python data structure "
             "is deprecated and will be removed in future versions. This hook will be missing "
             "some grad_output.")
    elif len(out_grad_fn) > 1:
        warn("Using a non-full backward hook when outputs are generated by different autograd "
             "Nodes is deprecated and will be removed in future versions. This hook will be "
             "missing some grad_output. Please use register_full_backward_hook to get the "
             "documented behavior.")
    elif {i.grad_fn for i in inputs if i.grad_fn is not None} != {
            n for n, _ in grad_fn.next_functions}:
        warn("Using a non-full backward hook when the forward contains multiple autograd Nodes "
             "is deprecated and will be removed in future versions. This hook will be missing "
             "some grad_input. Please use register_full_backward_hook to get the documented "
             "behavior.")

