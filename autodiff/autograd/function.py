"""Custom operations: ``autodiff.autograd.Function``, as ``torch.autograd.Function``.

A Function is a row of the derivative table written by the user: ``forward`` computes
the result (nothing inside it is recorded), ``backward`` says how the gradient flows. Its
node on the tape is an instance of ``<Name>Backward``, and that node is also the ``ctx``
both methods receive: what ``forward`` saves on it, ``backward`` finds there.

>>> import autodiff
>>> class Cube(autodiff.autograd.Function):
...     @staticmethod
...     def forward(ctx, x):
...         ctx.save_for_backward(x)
...         return x ** 3
...     @staticmethod
...     def backward(ctx, grad):
...         x, = ctx.saved_tensors
...         return grad * 3 * x ** 2          # d/dx x^3 = 3 x^2
>>> x = autodiff.tensor([1.0, 2.0], requires_grad=True)
>>> y = Cube.apply(x)
>>> y
tensor([1., 8.], grad_fn=<CubeBackward>)
>>> y.sum().backward()
>>> x.grad
tensor([ 3., 12.])
"""

from __future__ import annotations

import warnings
from typing import Any, Callable, Optional, Sequence, TypeVar, cast

import jax.numpy as jnp

from .. import tape
from ..tape import Node, Tensor


class FunctionCtx:
    """What ``forward`` and ``backward`` can ask of ``ctx`` (mixed into the node class)."""

    _to_save_forward: tuple[Optional[Tensor], ...] = ()     # what save_for_forward kept
    _in_jvp = False           # saved_tensors gives those while jvp runs
    # (set by Function.apply)
    needs_input_grad: tuple[bool, ...]      # for each argument of forward
    _to_save: tuple[Optional[Tensor], ...]
    _non_differentiable: set[int]
    _materialize: bool
    _dirty: set[int]

    def save_for_backward(self, *tensors: Optional[Tensor]) -> None:
        """Keep tensors for ``backward`` (with version checks, freed after backward)."""
        self._to_save = tensors

    def save_for_forward(self, *tensors: Optional[Tensor]) -> None:
        """Keep tensors for ``jvp`` (forward mode), where ``saved_tensors`` gives them."""
        self._to_save_forward = tensors

    @property
    def saved_tensors(self) -> tuple[Optional[Tensor], ...]:
        """What ``save_for_backward`` kept (or ``save_for_forward``, inside ``jvp``)."""
        if self._in_jvp:
            return self._to_save_forward
        node = cast(Node, self)                  # (this class is mixed into the node)
        return tuple(None if s is None else s.unpack(self) for s in node._saved_or_raise())

    def mark_non_differentiable(self, *tensors: Tensor) -> None:
        """These outputs get no ``grad_fn`` (e.g. indices returned next to values)."""
        self._non_differentiable = {id(t) for t in tensors}

    def set_materialize_grads(self, value: bool) -> None:
        """Whether ``backward`` sees zeros (True, the default) or None for unused outputs."""
        self._materialize = bool(value)

    def mark_dirty(self, *tensors: Tensor) -> None:
        """Declare inputs modified in place by ``forward``: their version goes up, and
        each, returned as an output, gets this node as its ``grad_fn``."""
        self._dirty = {id(t) for t in tensors}


class BackwardCFunction(FunctionCtx, Node):
    """The node of a custom Function: runs the user's ``backward``."""

    _forward_cls: type[Function] = None   # type: ignore[assignment]  # (each subclass has its own)
    _arg_is_tensor: tuple[bool, ...]       # for each argument of forward

    def name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        return f"<autodiff.autograd.function.{type(self).__name__} object at {hex(id(self))}>"

    def _missing_grad(self, i: int) -> Optional[Tensor]:
        if not self._materialize:
            return None
        shape, dtype = self._output_meta[i]
        return tape.make_tensor(jnp.zeros(shape, dtype))

    def backward(self, grads: Sequence[Optional[Tensor]],
                 retain_graph: bool) -> list[Optional[Tensor]]:
        result = self._forward_cls.backward(self, *grads)
        if not retain_graph and self._saved:
            self._saved = None                        # free the buffers
        result = result if isinstance(result, tuple) else (result,)
        n_args = len(self.needs_input_grad)
        if len(result) != n_args:
            raise RuntimeError(f"function {self.name()} returned an incorrect number of "
                               f"gradients (expected {n_args}, got {len(result)})")
        grads_in: list[Optional[Tensor]] = []
        for i, (g, is_tensor) in enumerate(zip(result, self._arg_is_tensor)):
            if not is_tensor:
                continue
            meta = self._input_meta[len(grads_in)]
            if g is not None and meta is not None and not _reducible(g.shape, meta[0]):
                raise RuntimeError(
                    f"Function {self.name()} returned an invalid gradient at index {i} - got "
                    f"{list(g.shape)} but expected shape compatible with {list(meta[0])}")
            grads_in.append(g)
        return tape.reduce_to_inputs(grads_in, self._input_meta)


def _reducible(grad_shape: Sequence[int], shape: Sequence[int]) -> bool:
    """Whether a gradient of ``grad_shape`` sums down to ``shape`` (broadcasting's adjoint)."""
    if len(grad_shape) < len(shape):
        return False
    tail = grad_shape[len(grad_shape) - len(shape):]
    return all(s == g or s == 1 for s, g in zip(shape, tail))


class Function:
    """Base class of custom operations: subclass it, write ``forward`` and
    ``backward(ctx, *grads)`` as static methods, and call ``YourFunction.apply(...)``.

    ``forward`` is written in one of two styles. The classic one takes ``ctx`` first,
    ``forward(ctx, *args)``. The new one (torch 2.0) takes the inputs only,
    ``forward(*args)``, and a second static method, ``setup_context(ctx, inputs,
    output)``, saves what ``backward`` needs: ``forward`` then reads like any function.
    ``generate_vmap_rule = True`` is accepted (autodiff has no ``vmap``).

    >>> import autodiff
    >>> class Scale(autodiff.autograd.Function):
    ...     @staticmethod
    ...     def forward(x, k):
    ...         return x * k
    ...     @staticmethod
    ...     def setup_context(ctx, inputs, output):
    ...         ctx.k = inputs[1]
    ...     @staticmethod
    ...     def backward(ctx, grad):
    ...         return grad * ctx.k, None          # no gradient for the number k
    >>> x = autodiff.tensor([1.0, 2.0], requires_grad=True)
    >>> Scale.apply(x, 3.0).sum().backward()
    >>> x.grad
    tensor([3., 3.])
    """

    generate_vmap_rule = False
    _backward_cls: type[BackwardCFunction]     # its node class, made for each subclass

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._backward_cls = type(f"{cls.__name__}Backward", (BackwardCFunction,),
                                 {"_forward_cls": cls})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        warnings.warn(f"{self.__class__} should not be instantiated. Methods on autograd "
                      "functions are all static, so you should invoke them on the class "
                      "itself. Instantiating an autograd function will raise an error in a "
                      "future version of PyTorch.", DeprecationWarning, stacklevel=2)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("Legacy autograd function with non-static forward method is "
                           "deprecated. Please use new-style autograd function with static "
                           "forward method. (Example: https://pytorch.org/docs/stable/"
                           "autograd.html#autodiff.autograd.Function)")

    @staticmethod
    def forward(*args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def setup_context(ctx: Any, inputs: tuple[Any, ...], output: Any) -> None:
        """Save on ``ctx`` what ``backward`` needs (for a ``forward`` without ``ctx``)."""
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        raise NotImplementedError("You must implement either the backward or vjp method for "
                                  "your custom autograd.Function to use it with backward "
                                  "mode AD.")

    @staticmethod
    def jvp(ctx: Any, *grad_inputs: Any) -> Any:
        """Forward mode: the outputs' tangents from the inputs' (one per ``forward``
        argument: None for a non-tensor, zeros for a tensor without a tangent)."""
        raise NotImplementedError("You must implement the jvp function for custom "
                                  "autograd.Function to use it with forward mode AD.")

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        ctx = cls._backward_cls.__new__(cls._backward_cls)
        ctx._to_save, ctx._non_differentiable, ctx._materialize = (), set(), True
        ctx._dirty = set()
        ctx._arg_is_tensor = tuple(isinstance(a, Tensor) for a in args)
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
        with tape.no_grad():
            if cls.setup_context is Function.setup_context:      # forward(ctx, *args)
                outputs = cls.forward(ctx, *args, **kwargs)
            else:                                                 # forward(*args)
                outputs = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, outputs)
        single = not isinstance(outputs, tuple)
        outs = [outputs] if single else list(outputs)
        if not ctx._dirty <= {id(o) for o in outs}:
            raise RuntimeError("Some elements marked as dirty during the forward method were "
                               "not returned as output. The inputs that are modified inplace "
                               "must all be outputs of the Function.")
        recording = tape.is_grad_enabled() and any(ctx.needs_input_grad)
        if recording and any(id(a) in ctx._dirty and a.is_leaf and a._requires_grad
                             for a in args):
            raise RuntimeError("a leaf Variable that requires grad has been used in an "
                               "in-place operation.")
        views = _wrap_outputs(ctx, args, outs, recording)
        if recording:
            _record(ctx, args, outs)
            for i, view in views.items():
                outs[i] = tape.inplace(view, lambda old, new=outs[i]: new)
        else:
            ctx._saved = ()
        if tape.current_dual_level() is not None:
            _push_tangents(cls, ctx, args, outs)
        return outs[0] if single else tuple(outs)


def _push_tangents(cls: type[Function], ctx: BackwardCFunction, args: tuple[Any, ...],
                   outs: list[Any]) -> None:
    """Forward mode through a custom Function: its ``jvp`` gives the outputs' tangents."""
    tangents = [tape.tangent_of(a) if isinstance(a, Tensor) else None for a in args]
    if all(t is None for t in tangents):
        return
    tangents = [tape.make_tensor(jnp.zeros_like(a._value())) if t is None and isinstance(
        a, Tensor) and ctx._materialize else t for a, t in zip(args, tangents)]
    ctx._in_jvp = True
    try:
        with tape.no_grad():
            out_tangents = cls.jvp(ctx, *tangents)
    finally:
        ctx._in_jvp = False
    if not isinstance(out_tangents, tuple):
        out_tangents = (out_tangents,)
    for o, t in zip(outs, out_tangents):
        if isinstance(o, Tensor) and t is not None and o.dtype.is_floating_point:
            tape.set_tangent(o, t.detach())


def _wrap_outputs(ctx: BackwardCFunction, args: tuple[Any, ...], outs: list[Any],
                  recording: bool) -> dict[int, Tensor]:
    """What each output of ``forward`` becomes (torch's ``_wrap_outputs``), in ``outs``;
    returns the dirty views, by position, to be written into their bases after recording."""
    views = {}
    for i, o in enumerate(outs):
        if id(o) in ctx._dirty:
            if recording and o._view is not None:
                # a view is written into its base after recording, as an in-place op is
                # (the base gets a CopySlices node)
                views[i], outs[i] = o, tape.make_tensor(o._value())
                continue
            o._vc[0] += 1
            if recording or not o._requires_grad:
                continue            # the input itself, one version on, with a new history
        if any(o is a for a in args):
            # an input returned as it is (or written in place outside grad mode) becomes
            # a new tensor, so its history is not rewritten (and a non-differentiable
            # mark on it holds for the new one)
            outs[i] = tape.alias(o)
            if id(o) in ctx._non_differentiable:
                ctx._non_differentiable.add(id(outs[i]))
    return views


def _record(ctx, args, outs):
    """Put ``ctx`` on the tape as the grad_fn of the differentiable outputs."""
    tensors = [a for a in args if isinstance(a, Tensor)]
    edges = [t._edge() for t in tensors]
    ctx._link([node for node, _ in edges], [nr for _, nr in edges])
    ctx._input_meta = tuple(tape.input_meta(t._array.aval) if t._requires_grad else None
                            for t in tensors)
    ctx._attrs = {}
    ctx._seq = tape.next_sequence_nr()
    ctx.num_outputs = len(outs)
    ctx._output_meta = [(o._array.shape, o._array.dtype) if isinstance(o, Tensor) else None
                        for o in outs]
    for i, o in enumerate(outs):
        if isinstance(o, Tensor) and id(o) not in ctx._non_differentiable \
                and o.dtype.is_floating_point:
            o.grad_fn, o.output_nr, o._requires_grad = ctx, i, True
    save = tape.saver()
    ctx._saved = tuple(None if t is None else save(t, any(t is o for o in outs))
                       for t in ctx._to_save)
    if tape.anomaly.enabled:
        ctx.metadata = {"traceback_": tape.anomaly.user_stack()}


_R = TypeVar("_R")


def once_differentiable(fn: Callable[..., _R]) -> Callable[..., _R]:
    """Mark a ``backward`` as not differentiable again (its graph is not recorded)."""
    def wrapper(ctx: Any, *grads: Any) -> _R:
        with tape.no_grad():
            return fn(ctx, *grads)
    wrapper.__name__, wrapper.__doc__ = fn.__name__, fn.__doc__
    return wrapper
