"""``autodiff.autograd.graph``: the graph's node type, for introspection.

Every ``grad_fn`` is a :class:`Node`; its ``next_functions`` say where the gradient goes,
and ``_saved_self``, ``_saved_other``, ``_saved_result`` ... are the tensors its rule keeps
(an error once backward has freed them, as in torch).

>>> import autodiff
>>> x = autodiff.tensor([1.0, 2.0], requires_grad=True)
>>> y = x.exp()
>>> isinstance(y.grad_fn, autodiff.autograd.graph.Node)
True
>>> y.grad_fn._saved_result
tensor([2.7183, 7.3891], grad_fn=<ExpBackward0>)
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

from .. import tape
from ..tape import AccumulateGrad, Node, Tensor  # noqa: F401


def increment_version(tensor: Tensor) -> None:
    """Bump the version counter of ``tensor``'s storage, as an in-place write would."""
    tensor._vc[0] += 1


class saved_tensors_hooks:
    """Inside this block, every tensor a node saves for backward goes through
    ``pack_hook(tensor)``, and the node keeps what it returns; when the tensor is needed
    (the backward pass, ``grad_fn._saved_self``), ``unpack_hook(packed)`` gives it back.

    >>> import autodiff
    >>> a = autodiff.ones(3, requires_grad=True)
    >>> def pack(t):
    ...     print("packing", t)
    ...     return t.detach()
    >>> def unpack(t):
    ...     print("unpacking", t)
    ...     return t
    >>> with autodiff.autograd.graph.saved_tensors_hooks(pack, unpack):
    ...     y = (a * a).sum()
    packing tensor([1., 1., 1.], requires_grad=True)
    packing tensor([1., 1., 1.], requires_grad=True)
    >>> y.backward()
    unpacking tensor([1., 1., 1.])
    unpacking tensor([1., 1., 1.])

    Only tensors a gradient will read are packed (``a * b`` with only ``a`` requiring
    grad saves ``b`` alone). The hooks own the data: the saved tensor's version is not
    checked. Nested blocks: the innermost pair applies.
    """

    def __init__(self, pack_hook: Callable[[Tensor], Any],
                 unpack_hook: Callable[[Any], Tensor]) -> None:
        self.pack_hook, self.unpack_hook = pack_hook, unpack_hook

    def __enter__(self) -> saved_tensors_hooks:
        if _disabled:
            raise RuntimeError(_disabled[-1])
        tape.push_saved_tensors_hooks(self.pack_hook, self.unpack_hook)
        return self

    def __exit__(self, *exc: object) -> None:
        tape.pop_saved_tensors_hooks()


class save_on_cpu(saved_tensors_hooks):
    """Saved tensors are kept on the CPU and moved back to their device when needed: GPU
    memory traded for copies (``pin_memory`` is accepted; JAX has no pinned memory)."""

    def __init__(self, pin_memory: bool = False, device_type: str = "cuda") -> None:
        super().__init__(lambda t: (t.device, t.cpu()),
                         lambda packed: packed[1].to(packed[0]))


_disabled: list[str] = []          # the messages of the disable_saved_tensors_hooks blocks we are in


class _AllowMutationOnSavedContext:
    """What :func:`allow_mutation_on_saved_tensors` yields: open until its block ends."""

    def __init__(self) -> None:
        self.open = True

    def clear(self) -> None:
        self.open = False


_mutation_allowed: list[_AllowMutationOnSavedContext] = []


@contextlib.contextmanager
def allow_mutation_on_saved_tensors() -> Iterator[_AllowMutationOnSavedContext]:
    """Inside this block, a tensor saved for backward may be written in place: the
    backward pass uses the values it had when it was saved (torch clones it before the
    write; a JAX array never changes, so keeping the array is the clone). Run the
    backward pass inside the same block.

    >>> import autodiff
    >>> with autodiff.autograd.graph.allow_mutation_on_saved_tensors():
    ...     a = autodiff.ones(2, requires_grad=True)
    ...     b = a.clone()
    ...     out = (b ** 2).sum()
    ...     _ = b.sin_()
    ...     out.backward()
    >>> a.grad
    tensor([2., 2.])
    """
    if _mutation_allowed:
        raise RuntimeError("allow_mutation_on_saved_tensors contexts cannot be nested")
    ctx = _AllowMutationOnSavedContext()

    def unpack(packed):
        if not ctx.open:
            raise AssertionError("Trying to backward outside of the "
                                 "'allow_mutation_on_saved_tensors' contextin which the graph "
                                 "was originally recorded.")
        return tape.make_tensor(packed)

    with saved_tensors_hooks(lambda t: t._value(), unpack):
        _mutation_allowed.append(ctx)
        try:
            yield ctx
        finally:
            _mutation_allowed.pop()
            ctx.clear()


class disable_saved_tensors_hooks:
    """Inside this block, entering :class:`saved_tensors_hooks` raises ``RuntimeError``
    with ``error_message``."""

    def __init__(self, error_message: str) -> None:
        self.error_message = error_message

    def __enter__(self) -> None:
        _disabled.append(self.error_message)

    def __exit__(self, *exc: object) -> None:
        _disabled.pop()


def register_multi_grad_hook(tensors: Sequence[Tensor], fn: Callable[[Any], None], *,
                             mode: str = "all") -> _MultiHandle:
    """Call ``fn`` once per backward pass over several tensors' gradients.

    ``mode="all"``: once the pass has computed the gradient of every tensor it reaches,
    ``fn(grads)``, with None for the tensors it does not reach. ``mode="any"``: ``fn(grad)``
    with the first gradient computed. Returns a handle whose ``remove()`` unregisters it.

    >>> import autodiff
    >>> a = autodiff.tensor([1.0, 2.0], requires_grad=True)
    >>> b = autodiff.tensor([3.0, 4.0], requires_grad=True)
    >>> handle = autodiff.autograd.graph.register_multi_grad_hook((a, b), print)
    >>> (a * 2).sum().backward()
    [tensor([2., 2.]), None]
    """
    if mode not in ("all", "any"):
        raise ValueError(f"Expects mode to be one of ('all', 'any') but got {mode}")
    if mode == "any":
        fired = set()                           # the passes that have called fn already

        def first_only(grad):
            task = tape.current_graph_task().id
            if task not in fired:
                fired.add(task)
                fn(grad)
        return _MultiHandle([t.register_hook(first_only) for t in tensors if t.requires_grad])

    nodes = [_node_of(t) for t in tensors]
    expected, buffers = {}, {}                  # per pass: how many calls, the grads so far

    def hook_for(i):
        def hook(grad):
            task = tape.current_graph_task()
            if task.id not in buffers:          # the first gradient of this pass
                buffers[task.id] = [None] * len(tensors)
                expected[task.id] = sum(map(task.will_execute, nodes))
            grads = buffers[task.id]
            grads[i] = grad
            expected[task.id] -= 1
            if not expected[task.id]:
                del buffers[task.id], expected[task.id]
                fn(grads)
        return hook
    return _MultiHandle([t.register_hook(hook_for(i)) for i, t in enumerate(tensors)
                         if t.requires_grad])


def _node_of(t):
    """The node a tensor's gradient arrives at: its grad_fn, or a leaf's AccumulateGrad."""
    if not t.requires_grad:
        raise AssertionError("Expected gradient function to be set")
    return t.grad_fn if t.grad_fn is not None else t._edge()[0]


class _MultiHandle:
    """The handles of several tensor hooks, removed together."""

    def __init__(self, handles):
        self.handles = handles

    def remove(self):
        for handle in self.handles:
            handle.remove()


# torch.autograd.graph's names autodiff leaves out say so (autodiff/_not_provided.py);
# hidden from a type checker, which would otherwise take any name as this function's
if not TYPE_CHECKING:
    from .. import _not_provided
    __getattr__ = _not_provided.refuser("autograd.graph")
