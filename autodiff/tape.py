"""The tape: autodiff's reverse-mode engine, read top to bottom.

1. Grad mode       -- a switch saying whether operations are being recorded.
2. Storage         -- where a tensor's numbers live, shared by views and aliases.
3. Nodes           -- one per recorded operation (``grad_fn``), stamped with its place on
                      the tape; ``AccumulateGrad`` delivers gradients to leaves.
4. Derivative rules -- ``Rule`` and ``row``: one row per op in the table ``RULES``.
5. Tensor          -- a JAX array plus what autograd needs to know about it.
6. Recording       -- ``apply(rule, *inputs)``: run a rule's forward, record a node.
7. In-place writes -- version counters, CopySlices, rewriting a tensor's history.
8. The backward pass -- replay the tape in reverse, summing what flows into each input.
9. Forward mode    -- tangents carried along with values, pushed through the same rules.

The engine is the bottom of the package: it imports none of the ops. The op modules fill
``RULES`` as they are imported, through the engine's public API -- which is also the way
for a user to add an op (``docs/howto/add-op.md``):

* ``row(op, node, forward, backward)`` -- add a rule to ``RULES``;
* ``apply(rule, *inputs, **attrs)`` (``apply_multi``, ``apply_views``) -- run it, record it;
  ``copy_of_view(view, *args)`` -- a view function's result as torch's ``*_copy`` makes it;
* ``make_tensor(array)`` -- a new tensor around a JAX array; ``constant(array)`` for a
  backward formula; ``sum_to(grad, shape)`` -- the adjoint of broadcasting;
* ``wrap_dim(dim, ndim)`` -- a negative ``dim`` counted from the end, checked as torch does;
* ``inplace(self, compute)``, ``inplace_unary(fn)``, ``inplace_binary(fn)``,
  ``inplace_fill(checks)`` and ``check_inplace(self)`` -- an op's in-place form;
  ``warn_once(message)``; ``is_expanded(t)`` and ``warn_expanded(t, op)``.

PyTorch's names are used throughout: the analogous C++ pieces are
``torch/csrc/autograd/{function.h,engine.cpp,variable.h}``.
"""

from __future__ import annotations

import functools
import heapq
import inspect
import itertools
import math
import sys
import threading
import traceback
import warnings
import weakref
from typing import (TYPE_CHECKING, Any, Callable, Iterator, NamedTuple, Optional, Sequence,
                    TypeVar, Union, overload)

import jax
import jax.numpy as jnp
import numpy as np

from . import _printing
from . import dtypes as D
from .dtypes import Number

# ---------------------------------------------------------------------------------------
# 1. Grad mode
# ---------------------------------------------------------------------------------------
# One flag per thread: when it is off, operations compute values and record nothing. As
# in torch, each thread has its own, and a new thread starts with grad mode on. Inference
# mode is grad mode off plus a second flag: the tensors made under it are *inference
# tensors*, which autograd refuses to save or to see written in place later.

class _Modes(threading.local):
    grad_enabled = True
    inference = False
    copying_view = False      # the next view row applied is a *_copy function's (copy_of_view)


_modes = _Modes()


def is_grad_enabled() -> bool:
    """Whether operations are recorded on the tape right now.

    >>> import autodiff
    >>> autodiff.is_grad_enabled()
    True
    >>> with autodiff.no_grad():
    ...     autodiff.is_grad_enabled()
    False
    """
    return _modes.grad_enabled


def is_inference_mode_enabled() -> bool:
    """Whether this thread is inside an ``inference_mode()`` block."""
    return _modes.inference


_F = TypeVar("_F", bound=Callable[..., Any])


class _GradMode:
    """Base of the grad-mode switches: a context manager, a decorator, or both."""

    mode: bool                # grad mode inside the block
    inference: Optional[bool] = None    # inference mode inside it (None: as outside)

    def __enter__(self):
        self._prev = (_modes.grad_enabled, _modes.inference)
        _modes.grad_enabled = self.mode
        if self.inference is not None:
            _modes.inference = self.inference

    def __exit__(self, *exc):
        _modes.grad_enabled, _modes.inference = self._prev

    def __call__(self, func: _F) -> _F:
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.__class__(*self._args):
                return func(*args, **kwargs)
        return wrapper                      # type: ignore[return-value]  # (func's signature)

    _args: tuple[Any, ...] = ()


class _NoParamDecorator(_GradMode):
    """Also usable bare, as ``@no_grad`` (without the parentheses), as torch allows."""

    def __new__(cls, orig_func=None):
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)


class no_grad(_NoParamDecorator):
    """Stop recording: results of operations have no ``grad_fn``.

    >>> import autodiff
    >>> x = autodiff.tensor([1.0], requires_grad=True)
    >>> with autodiff.no_grad():
    ...     y = x * 2
    >>> y.requires_grad
    False
    """
    mode = False


class enable_grad(_NoParamDecorator):
    """Record again inside a ``no_grad`` block."""
    mode = True


class inference_mode(_GradMode):
    """``no_grad``, and more: the tensors made inside are *inference tensors*, which
    never join a graph later (autograd refuses to save them, or to see them written in
    place outside inference mode). ``inference_mode(False)`` switches both off.

    >>> import autodiff
    >>> with autodiff.inference_mode():
    ...     y = autodiff.ones(2) * 2
    >>> y.is_inference(), y.requires_grad
    (True, False)
    """

    def __init__(self, mode=True):
        self.mode, self.inference = not mode, bool(mode)
        self._args = (mode,)


class set_grad_enabled(_GradMode):
    """Switch recording on or off: as a plain call, a context manager or a decorator.

    >>> import autodiff
    >>> _ = autodiff.set_grad_enabled(False)
    >>> autodiff.is_grad_enabled()
    False
    >>> _ = autodiff.set_grad_enabled(True)
    """

    def __init__(self, mode):
        self.mode = bool(mode)
        self._args = (mode,)
        self._prev = (_modes.grad_enabled, _modes.inference)
        _modes.grad_enabled = self.mode     # a plain call takes effect at once

    def __enter__(self):
        pass                                # already switched by __init__


# ---------------------------------------------------------------------------------------
# 2. Storage
# ---------------------------------------------------------------------------------------
# JAX arrays are immutable, torch tensors are not. A Storage is the mutable box both
# agree on: it holds one JAX array (in the shape of the tensor that created it) and a
# count of the writes into it. Views, ``detach()`` and ``.data`` share the box, so an
# in-place write through any of them is seen by all. Most tensors never share their
# numbers: a tensor gets its box only when the first view or alias of it is made (until
# then its ``_storage`` is None and ``_array`` is the whole truth), so that an op's
# result costs one object, not two.
#
# Autograd's version counter is a separate one-element list, shared by a tensor, its views
# and its ``detach()``ed aliases -- but not by ``.data``, whose writes autograd is not told
# about (as in torch). Nodes compare it with the version of what they saved.

class Storage:
    """The mutable box of one JAX array, shared by a tensor, its views and aliases.

    After ``numpy()`` or ``from_numpy()`` the numbers live in a NumPy array, ``host``, which
    the user may write: every read of the storage imports it again, every write is copied
    into it, so the two never disagree (torch's tensor and array share one memory)."""

    __slots__ = ("_array", "version", "host")

    def __init__(self, array, host=None):
        self._array = array
        self.version = 0          # writes so far: tells a cached view when to re-read
        self.host = host

    @property
    def array(self):
        if self.host is not None:
            self._array = jnp.array(self.host)      # a copy: a JAX array never changes
        return self._array

    @array.setter
    def array(self, new):
        if self.host is not None and not isinstance(new, jax.core.Tracer):
            self.host[...] = np.asarray(new)
        self._array = new


def _numpy_view(host, positions):
    """The elements of ``host`` at the flat ``positions`` (an int array in the view's
    shape) as a NumPy view of it: a torch view's elements are evenly spaced along each
    dim, so NumPy can step through them with strides."""
    if positions.size == 0:
        return host.reshape(-1)[:0].reshape(positions.shape)
    where = np.unravel_index if host.ndim else (lambda p, shape: ())   # (0-d: no dims)
    offsets = np.zeros(positions.shape, np.intp)          # in bytes from host's start
    for i, stride in zip(where(positions, host.shape), host.strides):
        offsets += i * stride
    first = offsets.flat[0]
    strides = tuple(int(offsets[(0,) * d + (1,)].flat[0] - first) if n > 1 else 0
                    for d, n in enumerate(positions.shape))
    start = where(positions.flat[0], host.shape)       # (host[start:] is a view of it)
    return np.lib.stride_tricks.as_strided(
        host[(*(slice(i, None) for i in start), ...)], positions.shape, strides)


# ---------------------------------------------------------------------------------------
# 3. Nodes
# ---------------------------------------------------------------------------------------
# Every recorded operation creates a Node: the ``grad_fn`` of its result. Its class is
# named after torch's (``MulBackward0``) and carries the rule it replays; the instance
# holds ``next_functions`` (where the gradient goes next), the tensors the rule saved,
# and its sequence number: its place on the tape.

_sequence = itertools.count()


def next_sequence_nr():
    """The next place on the tape (a node recorded later runs earlier in backward)."""
    return next(_sequence)

_FREED = ("Trying to backward through the graph a second time (or directly access saved "
          "tensors after they have already been freed). Saved intermediate values of the "
          "graph are freed when you call .backward() or autograd.grad(). Specify "
          "retain_graph=True if you need to backward through the graph a second time or if "
          "you need to access saved tensors after calling backward.")


class SavedTensor:
    """A tensor a node keeps for its backward, with the version it had when saved.

    A node's own output is saved without its ``grad_fn`` (that would be a reference
    cycle) and given it back when unpacked, as torch's ``SavedVariable`` does.
    """

    # (view: the view an in-place op wrote and saved as its result, a weakref, or None)
    __slots__ = ("tensor", "version", "is_output", "output_nr", "view")

    def __init__(self, tensor, is_output):
        if tensor._inference:
            raise RuntimeError(_INFERENCE_SAVED)
        self.is_output, self.output_nr, self.view = is_output, tensor.output_nr, None
        self.version = tensor._vc[0]
        self.tensor = tensor.detach() if is_output else tensor

    def unpack(self, node):
        t = self.tensor
        if t._vc[0] != self.version:
            raise RuntimeError(_modified_inplace(t, self, node))
        if self.is_output and node is not None:
            t = _output_of(node, t, self.output_nr)
        return t


def _output_of(node, t, output_nr):
    """A saved output given its node back, as the output it was (of a node with several:
    std_mean, slogdet)."""
    out = alias(t, grad_fn=node)
    if output_nr:
        out.output_nr = output_nr
    return out


# Hooks for saved tensors (``autodiff.autograd.graph.saved_tensors_hooks``): while a pair
# is set, a node keeps what ``pack_hook`` makes of each tensor it saves, and calls
# ``unpack_hook`` when the backward pass (or ``_saved_self``) needs the tensor back.
_saved_tensors_hooks: list[tuple[Callable, Callable]] = []   # a stack of (pack_hook, unpack_hook): the last one applies


def push_saved_tensors_hooks(pack_hook, unpack_hook):
    """Make nodes pack what they save with ``pack_hook`` until the matching pop."""
    _saved_tensors_hooks.append((pack_hook, unpack_hook))


def pop_saved_tensors_hooks():
    """Drop the pair of hooks pushed last."""
    _saved_tensors_hooks.pop()


class PackedSavedTensor(SavedTensor):
    """A saved tensor given to the pack hook. The hooks own the data now: there is no
    version check (as in torch), and the unpacked tensor gets the saved tensor's place in
    the graph back (its grad_fn, or the leaf's AccumulateGrad), so that gradients computed
    with ``create_graph=True`` still reach the leaves."""

    __slots__ = ("unpack_hook", "edge")

    def __init__(self, tensor, is_output):
        if tensor._inference:
            raise RuntimeError(_INFERENCE_SAVED)
        pack_hook, self.unpack_hook = _saved_tensors_hooks[-1]
        self.is_output, self.version, self.output_nr = is_output, None, tensor.output_nr
        self.edge = tensor._edge() if tensor._requires_grad and not is_output else None
        self.tensor = pack_hook(tensor)

    def unpack(self, node):
        t = self.unpack_hook(self.tensor)
        if not isinstance(t, Tensor):
            raise TypeError("Output of saved tensor unpack_hook expected to be a Tensor but "
                            f"got result of type {type(t).__name__}")
        if self.is_output:
            return t if node is None else _output_of(node, t, self.output_nr)
        out = make_tensor(t._value())
        if self.edge is not None:                  # the history of the tensor that was saved
            fn, out.output_nr = self.edge
            out._requires_grad = True
            if isinstance(fn, AccumulateGrad):
                out._acc = weakref.ref(fn)
            elif fn is not None:
                out._grad_fn = fn
            else:                                  # a view made under no_grad: goes nowhere
                out._no_grad_view = True
        return out


def saver():
    """What saves a tensor for backward right now: the pack hook's wrapper, while one is
    set."""
    return PackedSavedTensor if _saved_tensors_hooks else SavedTensor


def _modified_inplace(t, saved, node):
    what = f"[{t._type_name()} {list(t.shape)}]"
    # torch names the node that made the tensor: this one for a saved output, else the
    # tensor's current grad_fn
    # (an in-place op on a view: the view's history now)
    view = saved.view() if getattr(saved, "view", None) is not None else None
    producer = (view.grad_fn.name() if view is not None else node.name()) if saved.is_output \
        else (t.grad_fn.name() if t.grad_fn else None)
    if producer is not None:
        what += f", which is output 0 of {_short_name(producer)},"
    return ("one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: {what} is at version {t._vc[0]}; expected version "
            f"{saved.version} instead. " + (
                "Hint: the backtrace further above shows the operation that failed to compute "
                "its gradient. The variable in question was changed in there or anywhere "
                "later. Good luck!" if anomaly.enabled else
                "Hint: enable anomaly detection to find the operation that failed to compute "
                "its gradient, with autodiff.autograd.set_detect_anomaly(True, "
                "check_nan=False)."))


def _no_grad_view_written(view, indirect):
    """torch's error for a view made in no_grad mode (or a view of one) that is written in
    place (``indirect``: through its base or another view) with grad mode on."""
    if view._grad_fn is None:
        what = "A view was created in"
    else:
        what = (f"Output {view.output_nr} of {_short_name(view._grad_fn.name())} is a view "
                "of a view which was created in")
    how = "its base or another view of its base has been" if indirect else "is being"
    return (f"{what} no_grad mode and {how} modified inplace with grad mode enabled. Given "
            "that this use case is ambiguous and error-prone, it is forbidden. You can clarify "
            "your code by moving both the view and the inplace either both inside the no_grad "
            "block (if you don't want the inplace to be tracked) or both outside (if you want "
            "the inplace to be tracked).")


def _multi_view_written(view, indirect):
    """torch's error for writing in place into one of several views made by one node
    (``indirect``: the base or another view was written, and this one is used)."""
    how = "its base or another view of its base has been" if indirect else "is being"
    return (f"Output {view.output_nr} of {_short_name(view._grad_fn.name())} is a view and "
            f"{how} modified inplace. This view is the output of a function that returns "
            "multiple views. Such functions do not allow the output views to be modified "
            "inplace. You should replace the inplace operation by an out-of-place one.")


def _short_name(name):
    """How torch's message names a node: ``MulBackward0`` -> ``Mul``, ``MaxBackward1`` ->
    ``Max1``; ``autodiff::autograd::CopySlices`` as it is."""
    if "::" in name:
        return name
    name = name.replace("Backward", "", 1)
    return name[:-1] if name.endswith("0") else name


class Node:
    """A recorded operation: torch's ``torch.autograd.graph.Node``.

    Subclasses are made per rule (``MulBackward0``...); ``rule`` is the table row.
    """

    # what every node has, in slots; what few have (hooks, anomaly metadata) goes in its
    # __dict__ when set, the class defaults standing in until then
    __slots__ = ("_next", "_nrs", "_saved", "_attrs", "_input_meta", "_seq", "__dict__",
                 "__weakref__")
    # where each input's gradient goes: the node (None: nowhere) and which of its outputs
    # that input was, kept as two tuples -- the numbers' one shared by every node with the
    # same numbers, so that a node adds one object, not one per input, for the garbage
    # collector to walk (a long graph keeps them all until its backward pass)
    _next: tuple[Optional["Node"], ...]
    _nrs: tuple[int, ...]
    _saved: Any               # what it saved (SavedTensor...), None once freed
    # each input's (shape, dtype), None where no gradient goes: plain tuples of plain
    # values, which the garbage collector stops tracking (a long graph holds one per node)
    _input_meta: tuple[Optional[tuple[tuple[int, ...], Any]], ...]
    rule: Rule = None         # type: ignore[assignment]  # (each subclass has its own)
    num_outputs = 1
    _tensor_hooks: Optional[list[Callable]] = None
    _retain_hooks: Optional[dict[int, Callable]] = None
    _pre_hooks: Optional[list[Callable]] = None
    _hooks: Optional[list[Callable]] = None

    def name(self):
        return type(self).__name__

    def __repr__(self):
        return f"<{type(self).__name__} object at {hex(id(self))}>"

    def _sequence_nr(self):
        """This node's place on the tape (torch's name; later nodes have larger numbers)."""
        return self._seq

    @property
    def next_functions(self):
        """Where the gradient goes next: one (node, output number) pair per input."""
        return tuple(zip(self._next, self._nrs))

    def _link(self, nodes, nrs):
        """Point this node's inputs at ``nodes`` (outputs ``nrs`` of them)."""
        self._next, nrs = tuple(nodes), tuple(nrs)
        self._nrs = _NRS.setdefault(nrs, nrs)

    @property
    def saved_tensors(self):
        return tuple(_unpack(s, self) for s in self._saved_or_raise())

    def _saved_or_raise(self):
        if self._saved is None:
            raise RuntimeError(_FREED)
        return self._saved

    def __getattr__(self, name):
        # grad_fn._saved_self, ._saved_other, ._saved_result, ._saved_dim ... as in torch
        if name.startswith("_saved_") and type(self).rule is not None:
            key = name[len("_saved_"):]
            names = type(self).rule.saves
            if key in names:
                return _introspect(self._saved_or_raise()[names.index(key)], self)
            if self._attrs is not None and key in self._attrs:
                value = self._attrs[key]       # (indices kept as an array: shown as a tensor)
                return make_tensor(value) if isinstance(value, jax.Array) else value
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def _missing_grad(self, i):
        if self.rule is not None and self.rule.multi_output:
            return None                    # its formula makes do without it
        raise RuntimeError(f"autodiff: no gradient reached output {i} of {self.name()}")

    def register_hook(self, fn):
        """A hook called with (grad_inputs, grad_outputs) after this node runs; what it
        returns (a tuple, or None) replaces grad_inputs."""
        if self._hooks is None:
            self._hooks = []
        return RemovableHandle(self._hooks, fn)

    def register_prehook(self, fn):
        """A hook called with (grad_outputs,) before this node runs; may replace them."""
        if self._pre_hooks is None:
            self._pre_hooks = []
        return RemovableHandle(self._pre_hooks, fn)

    def apply(self, *grads):
        """Run this node's rule on the gradients of its outputs (torch's ``node(grad)``):
        the gradients for its inputs as the rule gives them (the engine's broadcast
        reduction is not applied); its saved tensors are kept."""
        return tuple(self._rule_gradients(grads, retain_graph=True))

    def __call__(self, *grads):
        return self.apply(*grads)

    def backward(self, grads, retain_graph):
        """The gradients flowing to each input: the rule, then the engine's reductions."""
        return reduce_to_inputs(self._rule_gradients(grads, retain_graph), self._input_meta)

    def _rule_gradients(self, grads, retain_graph):
        stored = self._saved_or_raise()
        saved = [None] * len(stored)
        for i in self.rule.unpack_order:
            saved[i] = _unpack(stored[i], self)
        rule = self.rule
        if rule.multi_output:                         # its backward takes every output's
            result = rule.gradients(grads, saved, self._attrs, self._input_meta)
        elif grads[0]._zeros is not None and all(_is_zero_tensor(g) for g in grads):
            # torch's ZeroTensors in, ZeroTensors out: every formula is linear in grad, so
            # they are not computed (where an input is infinite, computing would give nan)
            result = [None if m is None else zero_tensor(*m) for m in self._input_meta]
        else:
            result = rule.gradients(grads[0], saved, self._attrs, self._input_meta)
        if not retain_graph and self._holds_saved_variables():
            self._saved = None              # free the buffers (once the formulas succeeded)
        return result

    def _holds_saved_variables(self):
        """Whether torch saved variables here (freed after a backward pass without
        retain_graph): the result, a tensor attribute, or an input -- a Python number
        too, which torch wraps in a tensor -- that a wanted gradient reads. A node with
        none of them (``x + 1``; ``addcmul`` whose factors need no gradient) can run
        again."""
        for value in self._saved:
            if value is not None:
                return True
        return False


_NODE_BACKWARD = Node.backward      # (the profiler wraps it to time each node)


def reduce_to_inputs(grads, meta):
    """Broadcasting, reduced once: sum each gradient down to its input's shape and dtype."""
    result: list[Optional[Tensor]] = []
    for g, m in zip(grads, meta):
        if g is None or m is None:
            result.append(None)
            continue
        a = g._array.aval
        if (a.shape, a.dtype) != m:        # (most gradients have their input's already)
            shape, dtype = m
            if a.shape != shape:
                g = sum_to(g, shape)
            if g._array.dtype != dtype:
                g = g.to(D.from_numpy_dtype(dtype))
        result.append(g)
    return result


def sum_to(grad, shape):
    """Sum ``grad`` down to ``shape``: the adjoint of broadcasting ``shape`` up to it
    (ATen's ``sum_to``: a 0-d shape is a plain ``sum()``)."""
    if not shape:
        return grad.sum()
    lead = grad.ndim - len(shape)
    dims = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape)
                                      if s == 1 and grad.shape[i + lead] != 1)
    if dims:
        grad = grad.sum(dims, keepdim=True)
    return grad.reshape(shape) if lead else grad


class AccumulateGrad(Node):
    """The sink of a leaf: adds what arrives into ``variable.grad``."""

    __slots__ = ("variable",)

    def name(self):
        return "autodiff::autograd::AccumulateGrad"     # torch's C++ name

    def __init__(self, variable):
        self.variable = variable
        self._next = self._nrs = ()
        self._saved = ()
        self._seq = sys.maxsize   # torch's UINT64_MAX: runs as soon as it is ready

    def backward(self, grads, retain_graph):
        leaf, grad = self.variable, grads[0]
        if grad.shape != leaf.shape:       # a gradient expanded for a broadcast root
            grad = sum_to(grad, leaf.shape)
        wanted = leaf._grad_dtype          # (a grad_dtype set apart from the leaf's own)
        if wanted != "own" and wanted is not None and grad.dtype is not wanted:
            grad = grad.to(wanted)
        if leaf._grad is None:
            if grad.grad_fn is not None:        # create_graph: .grad is a recorded copy
                grad = apply(RULES["copy_"], make_tensor(jnp.zeros_like(grad._value())), grad)
            # a tensor of its own (a new storage over the immutable array: no copy), so
            # that accumulating in place later writes no other tensor (torch clones a
            # gradient that is referenced elsewhere)
            leaf._grad = grad if grad.grad_fn is not None else make_tensor(grad._value())
        elif _modes.grad_enabled:          # create_graph: keep the sum on the tape
            leaf._grad = leaf._grad + grad
        else:                              # accumulate in place, as torch does
            leaf._grad._set_array(_add_arrays(leaf._grad._value(), grad._value()))
        for hook in list(leaf._post_acc_hooks or ()):
            hook(leaf)
        return ()


class RemovableHandle:
    """What ``register_hook`` returns: ``handle.remove()`` takes the hook off."""

    def __init__(self, hooks, fn, prepend=False):
        self._hooks, self._fn = hooks, fn
        hooks.insert(0, fn) if prepend else hooks.append(fn)

    def remove(self):
        if self._fn in self._hooks:
            self._hooks.remove(self._fn)


_NODE_CLASSES: dict[tuple[str, Rule], type[Node]] = {}


def node_class(name, rule):
    """The Node subclass a rule's records are instances of (one class per torch name)."""
    key = (name, rule)
    cls = _NODE_CLASSES.get(key)
    if cls is None:
        namespace = {"__slots__": (), "rule": rule}
        if name in _CPP_NODES:        # torch's hand-written C++ nodes answer name() in full
            namespace["name"] = lambda self: f"autodiff::autograd::{name}"
        if name == "CopySlices":      # it lets go of the op it wraps after a backward pass:
            # a second one fails, whatever that op saved
            namespace["_holds_saved_variables"] = lambda self: True
        elif name in ("IndexBackward0", "IndexPutBackward0"):  # torch saves their index
            # tensors (autodiff keeps them as the ``key`` attribute; None: a view's backward)
            namespace["_holds_saved_variables"] = lambda self: self._attrs["key"] is not None
        cls = _NODE_CLASSES[key] = type(name, (Node,), namespace)
    return cls


_CPP_NODES = {"CopySlices", "CopyBackwards", "NotImplemented"}


# ---------------------------------------------------------------------------------------
# 4. Derivative rules: one row per op
# ---------------------------------------------------------------------------------------
# A rule is one row of PyTorch's ``derivatives.yaml``: the op's name, the node torch records
# for it (``MulBackward0``), its forward on JAX arrays, and its backward: one formula per
# input in derivatives.yaml's vocabulary (``grad``, ``self``, ``other``, ``result``, the
# attributes' names), written with autodiff's own Tensor operations so that the backward
# pass can itself be recorded. ``row(...)`` files a rule in ``RULES`` under its op's name;
# the op modules (``autodiff/ops``, ``autodiff/nn/functional``) fill the table as they are
# imported, each row next to the function that applies it.

RULES: dict[str, "Rule"] = {}


class Rule:
    """One row of the table: an op's forward (on JAX arrays), its backward (on Tensors) and
    what its node saves. ``row(...)`` makes one and files it under the op's name."""

    __slots__ = ("op", "node", "forward", "backward", "formulas", "inputs", "saves",
                 "save_slots", "save_plan", "unpack_order", "tensor_attrs", "is_view",
                 "multi_view", "multi_output", "node_cls", "compiled")
    formulas: Optional[tuple[Any, ...]]

    def __init__(self, op, node, forward, backward, view=False, tensor_attrs=(),
                 multi_view=False, outputs=None):
        self.op, self.node, self.forward, self.backward = op, node, forward, backward
        self.is_view = view or multi_view
        self.multi_view = multi_view    # several views, one node (its backward: all grads)
        # several outputs, one node (``outputs``: their names, as torch saves them); its
        # backward takes every output's gradient
        self.multi_output = multi_view or outputs is not None
        outputs = outputs or ()
        self.tensor_attrs = tensor_attrs      # attributes that are tensors: saved, versioned
        params = list(inspect.signature(forward).parameters.values())
        self.inputs = [p.name for p in params if p.kind == p.POSITIONAL_OR_KEYWORD]
        if isinstance(backward, tuple):       # one formula per input (None: no gradient)
            if len(backward) != len(self.inputs):
                raise ValueError(f"{op}: one formula per input {self.inputs}, or one joint "
                                 "backward")
            # each formula with the names it reads (after ``grad``)
            self.formulas = tuple((f, tuple(inspect.signature(f).parameters)[1:])
                                  if f is not None else None for f in backward)
            # saved in the order torch's generated code saves them: as the formulas,
            # taken input by input, first read them (mul saves `other`, then `self`)
            names = list(dict.fromkeys(n for f in self.formulas if f is not None
                                       for n in f[1]))
        else:                                 # one joint backward for every input
            self.formulas = None
            names = list(inspect.signature(backward).parameters)[1:]
        self.saves = tuple(n for n in names if n in self.inputs or n == "result"
                           or n in tensor_attrs or n in outputs)
        if self.formulas is not None:
            # each formula with where its arguments come from: the saved values it reads
            # (name, place in ``saves``), then the attributes (passed only when set)
            self.formulas = tuple(None if f is None else (
                f[0], tuple((n, self.saves.index(n)) for n in f[1] if n in self.saves),
                tuple(n for n in f[1] if n not in self.saves)) for f in self.formulas)
        # where each saved value comes from: an input's position, -1 for the result (-1 - i
        # for output i of several), or the name of a tensor attribute
        self.save_slots = tuple(-1 if n == "result" else -1 - outputs.index(n) if n in outputs
                                else n if n in tensor_attrs else self.inputs.index(n)
                                for n in self.saves)
        # what record() saves, each with the one input whose formula reads it (None: more
        # than one, or a joint backward). Torch saves (and version-checks) such a value
        # only if that input requires grad: mul's `other` is read by `self`'s formula only
        self.save_plan = tuple((slot, self._reader(name))
                               for slot, name in zip(self.save_slots, self.saves))
        # torch unpacks (and version-checks) the saved inputs in the order of their names,
        # then the saved result: when two were modified in place, the error names the first
        self.unpack_order = tuple(sorted(range(len(self.saves)), key=lambda i: (
            self.saves[i] == "result" or self.saves[i] in outputs, self.saves[i])))
        self.node_cls = node_class(node, self)
        self.forward = _compiled_forward(forward, params, tensor_attrs)
        self.compiled = self.forward is not forward     # (a jax.jit-compiled function)

    def _reader(self, name):
        if self.formulas is None:
            return None
        readers = [i for i, f in enumerate(self.formulas)
                   if f is not None and name in dict(f[1])]
        return readers[0] if len(readers) == 1 else None

    def gradients(self, grad, saved, attrs, meta):
        """The gradient for each input, given the saved values (in ``saves`` order) and
        the attributes: the joint backward's, or each wanted input's own formula -- an
        input is wanted if it has a shape and dtype in ``meta`` (the node's edge goes
        somewhere: torch's ``should_compute_output``); None for the others."""
        if self.formulas is None:
            return self.backward(grad, *saved, **attrs)
        result: list[Optional[Tensor]] = []
        for formula, m in zip(self.formulas, meta):
            if formula is None or m is None:
                result.append(None)
                continue
            f, saved_reads, attr_reads = formula
            args = {n: saved[i] for n, i in saved_reads}
            for n in attr_reads:
                if n in attrs:
                    args[n] = attrs[n]
            result.append(f(grad, **args))
        return result

    def view_fn(self, **attrs):
        """A view's forward applied to an index array says which elements it covers."""
        return functools.partial(self.forward, **attrs)

    def __repr__(self):
        return f"<rule {self.op}: {self.node}>"


# A row's forward runs as one jax.jit-compiled function when its attributes allow it: a
# compiled call is dispatched from C++ (about 2 us less than an op-by-op jax.numpy call,
# and several jax.numpy calls fuse). Attributes that describe shapes are static (part of
# the compiled function); Python numbers are arguments (a new learning rate must not
# compile again); rows with other attributes (tensors, index keys, views, and positions:
# select's index, slice's start and end) run op by op, the positions as operands of the
# row's own kernels (``ops.shape._select_at``): no value a loop varies is compiled in.
_STATIC_ATTRS = {"dimension", "shapes", "n", "nan", "posinf", "neginf", "dim", "keepdim",
                 "self_sym_sizes", "size", "dims", "dim0", "dim1",
                 "is_result", "transposed", "feature_group_count", "batch_group_count", "diagonal", "repeats",
                 "offset", "dim1", "dim2", "input_sizes", "shifts",
                 "step", "sizes", "dtype", "ord", "correction", "reduction",
                 "exponent", "normalized_shape", "eps", "approximate", "stride", "padding",
                 "dilation", "lhs_dilation", "dimension_numbers", "kernel_size", "ceil_mode",
                 "k", "decimals", "split_size", "split_sizes", "p", "ignore_index",
                 "padding_idx", "group", "pad", "output_size", "weight_sym_argsize_0"}
_NUMBER_ATTRS = {"alpha", "other", "value", "min", "max", "base", "weight", "negative_slope",
                 "scale", "input_scale", "beta", "threshold", "min_val", "max_val"}


# The engine's own arithmetic on arrays, compiled the same way (once per shape and dtype):
# the ones that seed ``backward()`` and the sums that ``AccumulateGrad`` keeps.
_ones = jax.jit(jnp.ones, static_argnums=(0, 1))
_add_arrays = jax.jit(jnp.add)


# A Python number passed to a compiled function is made a device scalar (weakly typed: it
# takes the tensor's dtype) on every call, which costs more than the call's own dispatch
# in a loop of ``y = y * 0.999``. ``apply`` passes the one it made before instead: the
# same array, made once per number (NaN and the zeros pass as numbers: they are not keys;
# so do numbers first met while ``autodiff.compile`` traces a step).
_OPERANDS: dict[type, dict[Any, jax.Array]] = {float: {}, int: {}}
_MAX_OPERANDS = 4096          # numbers remembered (all forgotten when it is reached)


def _operand(x):
    """The device scalar that compiled forwards take for the Python number ``x``."""
    made = _OPERANDS[type(x)]
    a = made.get(x)
    if a is None:
        if not x or x != x or not -2**63 <= x < 2**63:      # (nor an int beyond int64)
            return x
        a = jnp.asarray(x)
        if not concrete(a):               # (made while autodiff.compile traces a step)
            return x
        if len(made) >= _MAX_OPERANDS:
            made.clear()
        made[x] = a
    return a


def _compiled_forward(forward, params, tensor_attrs):
    attrs = {p.name for p in params if p.kind == p.KEYWORD_ONLY}
    if tensor_attrs or not attrs <= _STATIC_ATTRS | _NUMBER_ATTRS:
        return forward
    return jax.jit(forward, static_argnames=sorted(attrs & _STATIC_ATTRS))


def row(op, node, forward, backward, view=False, tensor_attrs=(), multi_view=False,
        outputs=None):
    """Add a row to the table: op name, torch's node name, forward, and the backward: one
    formula per input (a tuple), or one joint backward giving every input's gradient (of
    a node with several ``outputs``, it takes all their gradients). Returns the rule, for
    ``apply``."""
    RULES[op] = Rule(op, node, forward, backward, view, tensor_attrs, multi_view, outputs)
    return RULES[op]


# ---------------------------------------------------------------------------------------
# 5. Tensor
# ---------------------------------------------------------------------------------------

_LEAF_INPLACE = "a leaf Variable that requires grad is being used in an in-place operation."
_INFERENCE_SAVED = (
    "Inference tensors cannot be saved for backward. Please do not use Tensors created in "
    "inference mode in computation tracked by autograd. To work around this, you can make a "
    "clone to get a normal tensor and use it in autograd, or use `autodiff.no_grad()` instead "
    "of `autodiff.inference_mode()`.")
_VIEW_INPLACE = ("a view of a leaf Variable that requires grad is being used in an in-place "
                 "operation.")
_NON_LEAF_GRAD = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
    "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. "
    "If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor "
    "instead. See github.com/pytorch/pytorch/pull/30531 for more information.")


if TYPE_CHECKING:
    # To a type checker, Tensor also has the methods that the op modules attach to it
    # (``Tensor.exp = exp``): _tensor_methods.pyi declares them, from the ops' hints
    from ._tensor_methods import TensorMethods as _AttachedMethods

    class ValuesIndices(NamedTuple):
        """What ``max(dim)``, ``sort``, ``topk``... return: torch.return_types' pairs."""
        values: Tensor
        indices: Tensor
else:
    _AttachedMethods = object          # at run time: a plain class


class Tensor(_AttachedMethods):
    """A JAX array with autograd bookkeeping: torch's ``torch.Tensor``.

    >>> import autodiff
    >>> x = autodiff.tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> y = (x * x).sum()
    >>> y
    tensor(14., grad_fn=<SumBackward0>)
    >>> y.backward()
    >>> x.grad
    tensor([2., 4., 6.])
    """

    __module__ = "autodiff"   # it is ``autodiff.Tensor``, as torch's is ``torch.Tensor``

    # What every tensor has, in slots (set by ``make_tensor``, the only place tensors are built)
    __slots__ = ("_array", "_vc", "_requires_grad", "_grad_fn", "__weakref__", "__dict__")
    _array: jax.Array
    _vc: list[int]            # the version counter, shared with views and aliases
    _requires_grad: bool
    _grad_fn: Optional[Node]
    # ... and what fewer tensors need, as class defaults until set (in the instance dict):
    # every op pays for what its result must initialise
    _storage = None           # the Storage it shares with its views and aliases, if any
    _seen = 0                 # the storage version ``_array`` was read at
    _view: Optional[tuple[Tensor, Callable]] = None   # a view's (base-side tensor, view function)
    _grad_fn_version = 0      # a view's version when its grad_fn was set
    output_nr = 0             # which output of its grad_fn it is
    _index = None             # a view's cached flat storage positions
    _cut_off = False          # detach()/.data of a view: its elements, but no view to autograd
    _no_grad_view = False     # a view made under no_grad of a tensor that requires grad
    _has_views = False        # a view was made of it (an in-place view op would move it)
    _multi_view = False       # one of several views made by one node (split, unbind)
    _grad = None
    _retains_grad = False
    _backward_hooks: Optional[list[Callable]] = None
    _post_acc_hooks: Optional[list[Callable]] = None
    _zeros: Optional[jax.Array] = None   # a ZeroTensor's zeros (see zero_tensor)
    _acc: Optional[weakref.ref[AccumulateGrad]] = None   # a leaf's AccumulateGrad, weakly
    _inference = False        # made in inference mode (or a view or alias of such a tensor)
    _counted = False          # ... but an alias made outside it: torch counts its writes
    _tangent = None           # forward mode: (dual level, tangent), see section 9

    # -- where the numbers are ---------------------------------------------------------
    # ``_array`` caches this tensor's value; ``_seen`` is the storage version it was read
    # at. A view (``_view`` = (base-side tensor, view function)) re-reads its elements
    # from the storage when an alias has written to it since.

    def _value(self):
        storage = self._storage
        if storage is not None and (self._seen != storage.version or storage.host is not None):
            self._refresh()
        return self._array

    def _shared_storage(self):
        """This tensor's Storage, made now if nothing shared its numbers before."""
        if self._storage is None:
            self._storage, self._seen = Storage(self._array), 0
        return self._storage

    def _refresh(self):
        storage: Storage = self._storage          # type: ignore[assignment]  # (it has one)
        if self._view is None:
            self._array = storage.array
        else:
            self._array = storage.array.reshape(-1)[self._flat_index()]
        self._seen = storage.version

    def _flat_index(self):
        """Which elements of the storage this tensor covers (an int array of its shape).
        It depends on shapes only, so it is computed at once even while JAX traces a
        compiled step (``autodiff.compile``)."""
        with jax.ensure_compile_time_eval():
            if self._view is None:
                return jnp.arange(self._array.size).reshape(self._array.shape)
            if self._index is None:
                parent, fn = self._view
                self._index = fn(parent._flat_index())
            return self._index

    def _set_array(self, new):
        """Write ``new`` (this tensor's shape and dtype) through to the storage."""
        storage = self._storage
        if storage is not None:
            if self._view is None:
                storage.array = new
            else:
                index = self._flat_index().reshape(-1)
                flat = _write_changed(storage.array.reshape(-1), index, new.reshape(-1))
                storage.array = flat.reshape(storage.array.shape)
                new = flat[index].reshape(new.shape)    # (an expanded view: as written)
            storage.version += 1
            self._seen = storage.version
        self._vc[0] += 1
        self._array = new

    # -- metadata ----------------------------------------------------------------------
    @property
    def dtype(self) -> D.dtype:
        return D.from_numpy_dtype(self._array.dtype)

    @property
    def shape(self) -> D.Size:
        return D.Size(self._array.shape)

    @overload
    def size(self, dim: None = None) -> D.Size: ...
    @overload
    def size(self, dim: int) -> int: ...

    def size(self, dim=None):
        return self.shape if dim is None else self._array.shape[wrap_dim(dim, self.ndim)]

    @property
    def ndim(self) -> int:
        return self._array.ndim

    def dim(self) -> int:
        return self._array.ndim

    ndimension = dim

    @property
    def itemsize(self) -> int:
        return self.dtype.itemsize

    @property
    def nbytes(self) -> int:
        return self.dtype.itemsize * self._array.size

    def numel(self) -> int:
        return self._array.size

    nelement = numel

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._array.shape[0]

    @property
    def device(self) -> D.device:
        return D.device_of(self._array)

    @property
    def is_cuda(self) -> bool:
        return self.device.type == "cuda"

    @property
    def is_cpu(self) -> bool:
        return self.device.type == "cpu"

    def get_device(self) -> int:
        """The GPU's index, or -1 on the CPU (torch's)."""
        return -1 if self.device.type == "cpu" else (self.device.index or 0)

    def _type_name(self):
        """torch's legacy type name, as its messages print it: ``autodiff.FloatTensor``,
        ``autodiff.cuda.FloatTensor`` on a GPU."""
        return f"autodiff.{'cuda.' if self.is_cuda else ''}{self.dtype._legacy}"

    def is_floating_point(self) -> bool:
        return self.dtype.is_floating_point

    def is_complex(self) -> bool:
        """Whether the dtype is complex: never, autodiff has no complex dtypes."""
        return False

    def is_signed(self) -> bool:
        """Whether the dtype is signed (every dtype but ``bool`` and ``uint8``)."""
        return self.dtype.is_signed

    def is_same_size(self, other: Tensor) -> bool:
        """Whether ``other`` has this tensor's shape."""
        return self.shape == other.shape

    def element_size(self) -> int:
        return self.dtype.itemsize

    # -- what torch's tensors may be and autodiff's never are (real, dense, on JAX) --------
    @property
    def layout(self) -> D.layout:
        return D.strided

    def _never(self) -> bool:
        """False: what torch's tensors may be (sparse, a conjugate or negative view,
        pinned, distributed...) and autodiff's never are."""
        return False

    is_sparse, is_sparse_csr, is_quantized, is_meta, is_nested, is_mkldnn, is_xla, is_xpu, \
        is_mps, is_ipu, is_maia, is_mtia, is_vulkan = map(property, [_never] * 13)
    is_conj = is_neg = is_pinned = is_distributed = _never

    def _sparse_only(name: str, layout: str) -> Callable[[Tensor], Any]:   # type: ignore[misc]
        """A sparse tensor's accessor: on a dense (strided) tensor, torch's error."""
        def accessor(self: Tensor) -> Any:
            raise RuntimeError(f"{name} expected {layout} layout but got Strided")
        accessor.__name__, accessor.__qualname__ = name, f"Tensor.{name}"
        return accessor

    crow_indices = _sparse_only("crow_indices", "sparse row compressed tensor")
    col_indices = _sparse_only("col_indices", "sparse row compressed tensor")
    ccol_indices = _sparse_only("ccol_indices", "sparse column compressed tensor")
    row_indices = _sparse_only("row_indices", "sparse column compressed tensor")
    values = _sparse_only("values", "sparse tensor")
    indices = _sparse_only("indices", "sparse coordinate tensor")
    coalesce = _sparse_only("coalesce", "sparse coordinate tensor")
    is_coalesced = _sparse_only("is_coalesced", "sparse coordinate tensor")
    del _sparse_only

    def smm(self, mat: Tensor) -> Tensor:
        raise RuntimeError("tensor.sspaddmm(...) can only be called on sparse tensors")

    def sspaddmm(self, mat1: Tensor, mat2: Tensor, *, beta: float = 1,
                 alpha: float = 1) -> Tensor:
        raise RuntimeError("tensor.sspaddmm(...) can only be called on sparse tensors")

    def to_dense(self, dtype: Optional[D.dtype] = None, *,
                 masked_grad: Optional[bool] = None) -> Tensor:
        """The tensor itself: it is dense (strided) already."""
        return self if dtype is None or dtype is self.dtype else self.to(dtype)

    def dense_dim(self) -> int:
        """A dense tensor's dims are all dense."""
        return self.ndim

    def sparse_dim(self) -> int:
        return 0

    def resolve_conj(self) -> Tensor:
        """The tensor itself: a real tensor has no lazy conjugation to resolve."""
        return self

    # (a real tensor is its own conjugate; torch returns it, the same object, too)
    resolve_neg = conj = conj_physical = conj_physical_ = resolve_conj

    def _set_real(self, value: Any) -> None:
        self.copy_(value)               # (``x.real = v``: a real tensor's elements are v)

    real = property(resolve_conj, _set_real)

    @property
    def imag(self) -> Tensor:
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")

    @property
    def name(self) -> None:
        """A named tensor's name: autodiff has no named tensors (torch's is None too,
        unless named)."""
        return None

    @property
    def volatile(self) -> bool:
        warnings.warn("volatile was removed (Variable.volatile is always False)",
                      UserWarning, stacklevel=2)
        return False

    @volatile.setter
    def volatile(self, value: bool) -> None:
        warnings.warn("volatile was removed and now has no effect. Use `with "
                      "autodiff.no_grad():` instead.", UserWarning, stacklevel=2)

    _grad_dtype: Any = "own"   # grad_dtype as set: "own" (the tensor's dtype), a dtype, None

    @property
    def grad_dtype(self) -> Optional[D.dtype]:
        """The dtype a leaf's ``.grad`` must have: its own, unless set (None: any). The
        backward pass casts what it accumulates into ``.grad`` to it."""
        if self._grad_fn is not None:
            raise RuntimeError("grad_dtype can only be accessed on leaf tensors.")
        return self.dtype if self._grad_dtype == "own" else self._grad_dtype

    @grad_dtype.setter
    def grad_dtype(self, value: Optional[D.dtype]) -> None:
        if self._grad_fn is not None:
            raise RuntimeError("grad_dtype can only be set on leaf tensors.")
        grad = self._grad
        if grad is not None and value is not None and grad.dtype is not value:
            raise RuntimeError(
                f"Cannot set grad_dtype to '{D.c_name(value)}' because there is already a "
                f"gradient with dtype '{D.long_name(grad.dtype)}'. Please clear the gradient "
                "(.grad = None) before changing grad_dtype, or ensure the new grad_dtype "
                "matches the existing gradient's dtype.")
        self._grad_dtype = value

    _shared = False           # share_memory_() was called

    def share_memory_(self) -> Tensor:
        """Marks the tensor shared (torch moves it to shared memory for other processes;
        autodiff's are in one process)."""
        self._shared = True
        return self

    def is_shared(self) -> bool:
        return self._shared

    def data_ptr(self) -> int:
        """An address for the first element, as torch's: tensors sharing memory (a view
        and its base) give addresses ``storage_offset() * element_size()`` apart; 0 for
        an empty tensor. It names the memory; nothing can be read through it."""
        if not self._array.size:
            return 0
        return id(self._shared_storage()) + self.storage_offset() * self.dtype.itemsize

    const_data_ptr = data_ptr

    def pin_memory(self, device: object = None) -> Tensor:
        """A copy in page-locked memory, for fast copies to the GPU: without a GPU, torch's
        error; with one, a copy (JAX chooses its host memory itself)."""
        try:
            gpus = jax.devices("gpu")
        except RuntimeError:
            gpus = []
        if not gpus:
            raise RuntimeError("Cannot access accelerator device when none is available.")
        return self.clone()

    def apply_(self, callable: Callable[[Any], Any]) -> Tensor:
        """In place: each element ``x`` becomes ``callable(x)`` (a Python loop, as torch's;
        not recorded, so not on a tensor that requires grad)."""
        return self.map_(self, lambda x, _: callable(x), "apply_")

    def map_(self, tensor: Tensor, callable: Callable[[Any, Any], Any],
             _name: str = "map_") -> Tensor:
        """In place: each element ``x``, with the element ``y`` of ``tensor`` (broadcast to
        this shape), becomes ``callable(x, y)`` (a Python loop, not recorded)."""
        if self._requires_grad:
            raise RuntimeError(f"Can't call {_name}() on Variable that requires grad. Use "
                               f"var.detach().{_name}() instead.")
        values = np.asarray(self._value())
        others = np.broadcast_to(np.asarray(tensor._value()), values.shape)
        kind = values.dtype.type
        out = np.array([kind(callable(x.item(), y.item())) for x, y in
                        zip(values.reshape(-1), others.reshape(-1))], values.dtype)
        self._set_array(jnp.asarray(out.reshape(values.shape)))
        return self

    def map2_(self, x: Tensor, y: Tensor, callable: Callable[[Any, Any, Any], Any]) -> Tensor:
        """In place: each element becomes ``callable(self_i, x_i, y_i)`` (``x`` and ``y``
        broadcast to this shape; a Python loop, not recorded)."""
        if self._requires_grad:
            raise RuntimeError("Can't call map2_() on Variable that requires grad. Use "
                               "var.detach().map2_() instead.")
        values = np.asarray(self._value())
        xs = np.broadcast_to(np.asarray(x._value()), values.shape).reshape(-1)
        ys = np.broadcast_to(np.asarray(y._value()), values.shape).reshape(-1)
        kind = values.dtype.type
        out = np.array([kind(callable(a.item(), b.item(), c.item())) for a, b, c in
                        zip(values.reshape(-1), xs, ys)], values.dtype)
        self._set_array(jnp.asarray(out.reshape(values.shape)))
        return self

    @property
    def _version(self):
        if self._inference and not self._counted:
            raise RuntimeError("Inference tensors do not track version counter.")
        return self._vc[0]

    def is_inference(self) -> bool:
        """Whether this tensor was made in ``inference_mode``."""
        return self._inference

    @property
    def _base(self):
        """The tensor this one is a view of, through views of views (None if it is none,
        as a view's detach() is none)."""
        if not self._is_view():
            return None
        base = self._view[0]               # type: ignore[index]  # (a view: a _view)
        while base._is_view():
            base = base._view[0]           # type: ignore[index]
        return base

    def _is_view(self):
        return self._view is not None and not self._cut_off

    # -- autograd attributes -----------------------------------------------------------
    @property
    def grad_fn(self) -> Optional[Node]:
        """The node that made this tensor (None for a leaf).

        A view whose base has been written in place since the view was made gets a new
        history, derived from the base's (``AsStridedBackward0``), as in torch -- even a
        view made before its base required grad.
        """
        if self._view is not None and self._grad_fn_version != self._vc[0] \
                and not self._cut_off and self.requires_grad:
            if self._no_grad_view:
                raise RuntimeError(_no_grad_view_written(self, indirect=True))
            if self._multi_view:
                raise RuntimeError(_multi_view_written(self, indirect=True))
            self._rederive_view_history()
        return self._grad_fn

    @grad_fn.setter
    def grad_fn(self, node: Optional[Node]) -> None:
        self._grad_fn, self._grad_fn_version = node, self._vc[0]

    def _rederive_view_history(self):
        base, view = self._in_base()
        if base._grad_fn is None and not base._requires_grad:
            self._grad_fn_version = self._vc[0]
            return
        node = record(RULES["as_strided"], (base,), {"view": view,
                                                     "self_sym_sizes": base._array.shape},
                      make_tensor(self._array))
        self._rebase_history(node)

    def _in_base(self):
        """This view's base (to autograd), and the view as an IndexView into the base's
        elements: they are the storage's, unless the base is a detach()ed view itself."""
        base = self._base
        with jax.ensure_compile_time_eval():
            positions = self._flat_index()
            if base._view is not None:          # storage position -> place in the base
                within = jnp.zeros(base._storage.array.size, positions.dtype)
                within = within.at[base._flat_index().reshape(-1)].set(
                    jnp.arange(base._array.size, dtype=positions.dtype))
                positions = within[positions]
        return base, IndexView(positions)

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def requires_grad(self) -> bool:
        """Whether gradients are recorded for this tensor: a leaf's flag, or it has a
        history. A view requires grad when its base does (torch's): even one made before."""
        return self._requires_grad or (self._is_view() and self._base._requires_grad)

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
        if self.grad_fn is not None:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use "
                "a computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach().")
        if flag and not self.dtype.is_floating_point:
            raise RuntimeError(
                "only Tensors of floating point and complex dtype can require gradients")
        self._requires_grad = bool(flag)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` in place and return the tensor."""
        if requires_grad and not self.dtype.is_floating_point:
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        if self.grad_fn is not None and not requires_grad:
            self.requires_grad = False          # raises torch's non-leaf error
        if self.grad_fn is None:
            self._requires_grad = bool(requires_grad)
        return self

    @property
    def grad(self) -> Optional[Tensor]:
        # torch warns only while there is no grad to read (one assigned reads quietly)
        if self._grad_fn is not None and not self._retains_grad and self._grad is None:
            warnings.warn(_NON_LEAF_GRAD, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value: Optional[Tensor]) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad "
                                f"of type {type(value).__name__}")
            wanted = self.dtype if self._grad_dtype == "own" else self._grad_dtype
            if wanted is not None and value.dtype is not wanted:
                raise RuntimeError(
                    f"attempting to assign a gradient with dtype '{_c_type(value.dtype)}' to a "
                    f"tensor with grad_dtype '{D.c_name(wanted)}'. The gradient must match "
                    "the tensor's grad_dtype (defaults to the tensor's dtype). You can set the "
                    "tensor's grad_dtype attribute with a specific dtype, or None to allow any "
                    "dtype. Set grad_dtype with caution. Diverging the dtypes of a tensor and "
                    "its gradient may break downstream systems that assume they match.")
            if value.shape != self.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value.shape)}' to a "
                    f"tensor of size '{list(self.shape)}'. Please ensure that the gradient and "
                    "the tensor are the same size")
        self._grad = value

    @grad.deleter
    def grad(self) -> None:
        self._grad = None

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def retain_grad(self) -> None:
        """Keep this non-leaf's gradient in ``.grad`` after backward (a no-op on leaves)."""
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self._retains_grad or self.grad_fn is None:   # (retained: its history unread)
            return
        self._retains_grad = True
        self._install_retain_hook()

    def _install_retain_hook(self):
        """A hook on this tensor's grad_fn that keeps the gradient of its output."""
        ref = weakref.ref(self)

        def retain(grad):
            t = ref()
            if t is not None:
                # torch keeps a clone: its own storage, and a history under create_graph
                t._grad = grad.clone() if t._grad is None else t._grad + grad
        node: Node = self._grad_fn                # type: ignore[assignment]  # (not a leaf)
        if node._retain_hooks is None:
            node._retain_hooks = {}
        node._retain_hooks[self.output_nr] = retain

    def _rebase_history(self, node):
        """After an in-place write: ``node`` made this tensor now. A retained gradient
        follows the tensor to its new node, as in torch."""
        old, old_nr = self._grad_fn, self.output_nr
        self.grad_fn, self.output_nr, self._requires_grad = node, 0, True
        if self._retains_grad and old is not None:
            old._retain_hooks.pop(old_nr, None)  # type: ignore[union-attr]  # (it has one)
            self._install_retain_hook()

    def register_hook(self, hook: Callable[[Tensor], Optional[Tensor]]) -> RemovableHandle:
        """Call ``hook(grad)`` when this tensor's gradient is computed; it may return a
        replacement. Returns a handle with ``remove()``."""
        if not self.requires_grad:
            raise RuntimeError(
                "cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is None:
            if self._backward_hooks is None:
                self._backward_hooks = []
            return RemovableHandle(self._backward_hooks, hook)
        node = self.grad_fn
        if node._tensor_hooks is None:
            node._tensor_hooks = []
        nr = self.output_nr
        return RemovableHandle(node._tensor_hooks, lambda grads: _hook_on_output(grads, nr, hook))

    def register_post_accumulate_grad_hook(self,
                                           hook: Callable[[Tensor], None]) -> RemovableHandle:
        """Call ``hook(tensor)`` after a leaf's ``.grad`` has been accumulated."""
        if not self._requires_grad:
            raise RuntimeError(
                "cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            raise RuntimeError(
                "post accumulate grad hooks cannot be registered on non-leaf tensors")
        if self._post_acc_hooks is None:
            self._post_acc_hooks = []
        return RemovableHandle(self._post_acc_hooks, hook)

    def _edge(self):
        """Where a gradient for this tensor goes: (node, which output of it). That is its
        grad_fn; for a leaf that requires grad, its AccumulateGrad -- one per leaf, held
        weakly as torch does (made again once no graph holds it). A view made under no_grad
        is a leaf without an AccumulateGrad: its gradient goes nowhere, as in torch."""
        fn = self._grad_fn if self._view is None else self.grad_fn   # (a view's may renew)
        if fn is not None:
            return (fn, self.output_nr)
        if not self._requires_grad or self._no_grad_view:
            return _NO_EDGE
        acc = self._acc() if self._acc is not None else None
        if acc is None:
            acc = AccumulateGrad(self)
            self._acc = weakref.ref(acc)
        return (acc, 0)

    def backward(self, gradient: Optional[Tensor] = None, retain_graph: Optional[bool] = None,
                 create_graph: bool = False,
                 inputs: Union[Tensor, Sequence[Tensor], None] = None) -> None:
        """Compute the gradient of this tensor w.r.t. the leaves of its graph.

        Gradients are *added* to the leaves' ``.grad``. A non-scalar tensor needs
        ``gradient``: the vector of the vector-Jacobian product.
        """
        backward((self,), None if gradient is None else (gradient,), retain_graph,
                 create_graph, inputs)

    # -- aliases -----------------------------------------------------------------------
    def detach(self) -> Tensor:
        """A tensor sharing this one's storage, cut off from the graph (a view's detach()
        covers the same elements, but is no view to autograd, as in torch)."""
        return _cut_off(alias(self))

    def detach_(self) -> Tensor:
        """Make this tensor a leaf that does not require grad, in place."""
        if self._view is not None and self._view[0]._requires_grad:
            raise RuntimeError("Can't detach views in-place. Use detach() instead. If you are "
                               "using DistributedDataParallel (DDP) for training, and "
                               "gradient_as_bucket_view is set as True, gradients are views of "
                               "DDP buckets, and hence detach_() cannot be called on these "
                               "gradients. To fix this error, please refer to the "
                               "Optimizer.zero_grad() function in torch/optim/optimizer.py as "
                               "the solution.")
        self.grad_fn, self._requires_grad = None, False
        return self

    @property
    def data(self) -> Tensor:
        """The same numbers, outside autograd: writes through it bump no version."""
        return _cut_off(alias(self, vc=[0]))

    @data.setter
    def data(self, other: Tensor) -> None:
        self._storage, self._view = other._shared_storage(), other._view
        self._index = other._index
        self._array, self._seen = other._array, other._seen

    # -- conversions -------------------------------------------------------------------
    def numpy(self, force: bool = False) -> np.ndarray:
        """The tensor's numbers as a NumPy array sharing its memory, as torch's: a write
        to either is seen in the other (see ``Storage``)."""
        if not force:
            if self.device.type != "cpu":
                raise TypeError(f"can't convert {self.device} device type tensor to numpy. Use "
                                "Tensor.cpu() to copy the tensor to host memory first.")
            if self.requires_grad and is_grad_enabled():
                raise RuntimeError("Can't call numpy() on Tensor that requires grad. "
                                   "Use tensor.detach().numpy() instead.")
        storage = self._shared_storage()
        if storage.host is None:                # from now on the numbers live in NumPy
            storage.host = np.array(storage.array)
        if self._view is None:
            return storage.host
        return _numpy_view(storage.host, np.asarray(self._flat_index()))

    def __array__(self, dtype=None, copy=None):
        a = self.numpy()
        return a if dtype is None else a.astype(dtype)

    # NumPy defers to a tensor's operators (``ndarray * t`` asks ``t.__rmul__`` first), as
    # to torch's; a ufunc's result comes back a tensor (``__array_wrap__``, ops/creation.py)
    __array_priority__ = 1000

    def tolist(self) -> Any:
        return np.asarray(self._value()).tolist()

    def item(self) -> Number:
        if self.numel() != 1:
            raise RuntimeError(f"a Tensor with {self.numel()} elements cannot be converted "
                               "to Scalar")
        return np.asarray(self._value()).reshape(()).item()

    def _python_number(self):
        """``float(t)``, ``int(t)``: Python's conversions raise ValueError (torch's)."""
        if self.numel() != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self.item()

    def __float__(self) -> float:
        if self.requires_grad and _modes.grad_enabled:
            warn_once("Converting a tensor with requires_grad=True to a scalar may lead to "
                      "unexpected behavior.\nConsider using tensor.detach() first.")
        return float(self._python_number())

    def __int__(self) -> int:
        return int(self._python_number())

    def __index__(self) -> int:
        if self.dtype.is_floating_point or self.numel() != 1:
            raise TypeError("only integer tensors of a single element can be converted to "
                            "an index")
        return int(self.item())

    def __bool__(self) -> bool:                 # (torch's is_nonzero)
        if self.numel() != 1:
            raise RuntimeError("Boolean value of Tensor with no values is ambiguous"
                               if self.numel() == 0 else
                               "Boolean value of Tensor with more than one value is "
                               "ambiguous")
        return bool(self.item())

    is_nonzero = __bool__

    # hashed by identity, as torch's (``==`` is elementwise, so it cannot say "same key")
    __hash__ = object.__hash__

    def __iter__(self) -> Iterator[Tensor]:
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.shape[0]))

    def __repr__(self, *, tensor_contents=None):
        value = np.asarray(self._value())
        floating = self.dtype.is_floating_point
        name: Optional[str] = type(self).__name__
        prefix = "tensor(" if name in ("Tensor", "Parameter") else f"{name}("
        indent = len(prefix)
        suffixes = []
        if self.device.type != "cpu":
            suffixes.append(f"device='{self.device}'")
        if value.size == 0:
            if value.ndim != 1:
                suffixes.append(f"size={tuple(value.shape)}")
            if self.dtype is not D.DEFAULT_FLOAT:
                suffixes.append(f"dtype={self.dtype}")
            body = "[]"
        else:
            if self.dtype not in (D.DEFAULT_FLOAT, D.int64, D.bool_):
                suffixes.append(f"dtype={self.dtype}")
            body = _printing.tensor_str(value.astype(np.float64) if floating else value,
                                        floating, indent)
        try:
            grad_fn = self.grad_fn
            name = None if grad_fn is None else type(grad_fn).__name__
        except RuntimeError:              # a view whose history cannot be re-derived
            name = "Invalid"
        if name is not None:
            suffixes.append(f"grad_fn=<{name}>")
        elif self.requires_grad:
            suffixes.append("requires_grad=True")
        if (tangent := tangent_of(self)) is not None:
            suffixes.append(f"tangent={tangent}")
        return _printing.add_suffixes(prefix + body, suffixes, indent)

    __str__ = __repr__

    def __format__(self, spec):
        if self.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __deepcopy__(self, memo):
        new = make_tensor(self._value(), self._requires_grad)
        if self._grad is not None:
            new._grad = make_tensor(self._grad._value())
        new.__dict__.update(self.__dict__)
        memo[id(self)] = new
        return new

    def __reduce_ex__(self, protocol):
        return (_rebuild, (np.asarray(self._value()), self._requires_grad))


def _rebuild(array, requires_grad):
    return make_tensor(jnp.asarray(array), requires_grad)


def _c_type(d):
    return {"float64": "double", "float32": "float", "int64": "long int"}.get(d.name, d.name)


def wrap_dim(dim, ndim):
    """``dim`` as a non-negative index among ``ndim`` dims (torch's ``maybe_wrap_dim``: a
    0-d tensor has one dim, -1 or 0), or torch's IndexError."""
    if not -max(ndim, 1) <= dim < max(ndim, 1):
        lo, hi = -max(ndim, 1), max(ndim, 1) - 1
        raise IndexError(f"Dimension out of range (expected to be in range of [{lo}, {hi}], "
                         f"but got {dim})")
    return dim % max(ndim, 1)


def _hook_on_output(grads, nr, hook):
    new = hook(grads[nr])
    if new is None:
        return None
    _check_hook_value(hook, grads[nr], new)
    grads = list(grads)
    grads[nr] = new
    return tuple(grads)


def _checked_hook_result(hook, old, new):
    """The gradients a node hook returned in place of ``old``, checked as torch does."""
    if not isinstance(new, tuple):
        raise TypeError(f"expected tuple, but hook returned '{type(new).__name__}'")
    if len(new) != len(old):
        raise RuntimeError(f"hook '{_hook_name(hook)}' has returned an incorrect number of "
                           f"values (got {len(new)}, but expected {len(old)})")
    for o, n in zip(old, new):
        _check_hook_value(hook, o, n)
    return list(new)


def _check_hook_value(hook, old, new):
    if new is None:
        return
    if old is None:
        raise RuntimeError("can't replace a None gradient with a non-None value")
    if not isinstance(new, Tensor):
        raise TypeError(f"expected Variable, but hook returned '{type(new).__name__}'")
    if (was := old._type_name()) != (got := new._type_name()):
        raise RuntimeError(f"hook '{_hook_name(hook)}' has changed the type of value (was "
                           f"{was} got {got})")
    if new.shape != old.shape:
        raise RuntimeError(f"hook '{_hook_name(hook)}' has changed the size of value")


def _hook_name(hook):
    return getattr(hook, "__name__", type(hook).__name__)


def zero_tensor(shape, dtype):
    """torch's ``_efficientzerotensor``: zeros that the backward pass knows are zeros, and
    does not compute with (``sgn``'s gradient is one). The tensor remembers its zeros
    array: written in place since (a hook's ``add_``), it is an ordinary tensor again."""
    t = make_tensor(jnp.zeros(shape, dtype))
    t._zeros = t._array
    return t


def _is_zero_tensor(t):
    return t._zeros is not None and t._zeros is t._value()


def make_tensor(array: Any, requires_grad: bool = False, grad_fn: Optional[Node] = None,
                storage: Optional[Storage] = None, view: Optional[tuple[Tensor, Callable]] = None,
                vc: Optional[list[int]] = None) -> Tensor:
    """A new Tensor object around ``array`` (the only place tensors are built): on its
    own, or over the ``storage`` it shares with version counter ``vc`` (a view, an
    alias)."""
    t = object.__new__(Tensor)
    t._array, t._requires_grad, t._grad_fn = array, requires_grad, grad_fn
    if storage is None:
        t._vc = [0]
        if _modes.inference:
            t._inference = True
    else:
        t._storage, t._seen, t._view = storage, storage.version, view
        t._vc, t._grad_fn_version = vc, vc[0]     # type: ignore[assignment,index]  # (given)
        if view is not None:
            view[0]._has_views = True
            if view[0]._inference:         # (a view is what its base is)
                t._inference = True
    return t


def constant(array: Any) -> Tensor:
    """A constant (never recorded) tensor of ``array``, for a backward formula."""
    return make_tensor(jnp.asarray(array))


class IndexView:
    """A view given by the flat storage positions it covers (after an in-place write)."""

    __slots__ = ("index",)

    def __init__(self, index):
        self.index = index

    def __call__(self, a):
        return a.reshape(-1)[self.index]


def concrete(array):
    """Whether ``array`` has values: not a tracer while ``autodiff.compile`` traces a step
    (values are not known then; like torch.compile, a compiled step skips eager-mode value
    checks, and optimizers keep their step counts as tensors, torch's capturable path)."""
    return not isinstance(array, jax.core.Tracer)


def _cut_off(alias):
    if alias._view is not None:
        alias._cut_off = True
    return alias


def alias(t, grad_fn=None, vc=None):
    """Another tensor over the same storage and elements (``detach``, ``.data``), sharing
    ``t``'s version counter unless given its own."""
    a = make_tensor(t._value(), grad_fn is not None, grad_fn, t._shared_storage(), t._view,
              t._vc if vc is None else vc)
    if t._index is not None:
        a._index = t._index
    if t._inference:          # an alias of an inference tensor is one too; made outside
        a._inference = True   # it, torch gives it a version counter of its own: writable
        if not _modes.inference:
            a._counted, a._vc = True, [0]
    return a


# ---------------------------------------------------------------------------------------
# 6. Recording: apply a rule, record a node
# ---------------------------------------------------------------------------------------

def apply(rule: Any, *inputs: Any, **attrs: Any) -> Tensor:
    """Run ``rule``'s forward on the inputs' arrays; if any input requires grad and grad
    mode is on, record a node so the backward pass can find its way back.

    Inputs are Tensors or Python numbers (a number's slot in ``next_functions`` is
    ``(None, 0)``, as torch shows for a wrapped scalar). This is every op's hot path:
    one pass over the inputs, nothing computed twice.
    """
    arrays = []
    needs_grad = False
    for x in inputs:
        if isinstance(x, Tensor):
            if x._storage is None:
                arrays.append(x._array)
                needs_grad = needs_grad or x._requires_grad
            else:                        # (a view requires grad when its base does)
                arrays.append(x._value())
                needs_grad = needs_grad or x.requires_grad
        elif type(x) in _OPERANDS and rule.compiled:
            arrays.append(_operand(x))
        else:
            arrays.append(x)
    out = rule.forward(*arrays, **attrs)
    if rule.is_view and _modes.copying_view:
        rule = _copy_of(rule)
    if rule.is_view:
        base = inputs[0]
        result = make_tensor(out, storage=base._shared_storage(),
                             view=(base, rule.view_fn(**attrs)),
                             vc=base._vc)
        # a view of a no_grad view is one too, and a view of one of several views too
        result._no_grad_view, result._multi_view = base._no_grad_view, base._multi_view
    else:
        result = make_tensor(out)
    if needs_grad:
        if _modes.grad_enabled:
            record(rule, inputs, attrs, result)
        elif rule.is_view:
            # a view made under no_grad of a tensor that requires grad: a leaf that
            # requires grad too, and may not be written in place with grad mode on (torch)
            result._requires_grad = result._no_grad_view = True
    if _dual_level is not None:
        push_tangents(inputs, (result,), lambda *xs: (apply(rule, *xs, **attrs),))
    return result


def apply_views(rule, base, views, **attrs):
    """Several views of ``base`` made by one node of ``rule`` (unbind, split): output i is
    view i, and ``views`` gives each its own view row and attributes (select, slice: how
    it reads the storage). torch forbids writing into such views in place."""
    if _modes.copying_view:
        return apply_multi(_copy_of(rule), base, **attrs)
    storage = base._shared_storage()
    results = tuple(
        make_tensor(out, storage=storage, view=(base, view_rule.view_fn(**view_attrs)), vc=base._vc)
        for out, (view_rule, view_attrs) in zip(rule.forward(base._value(), **attrs), views))
    for i, result in enumerate(results):
        result.output_nr = i
    if base.requires_grad:
        if _modes.grad_enabled:
            node = record(rule, (base,), attrs, results[0])
            node.num_outputs = len(results)
            for result in results:         # (what torch's error will say of them, even
                result._grad_fn, result._requires_grad = node, True   # of a no_grad view's)
                result._multi_view = True
        else:
            for result in results:
                result._requires_grad = result._no_grad_view = True
    if _dual_level is not None:
        push_tangents((base,), results, lambda x: apply_views(rule, x, views, **attrs))
    return results


def apply_multi(rule, *inputs, **attrs):
    """Several outputs made by one node of ``rule`` (std_mean, aminmax, slogdet): output i
    is the forward's i-th array, and the rule's backward takes every output's gradient
    (None for an output that none reached)."""
    results = tuple(make_tensor(out) for out in rule.forward(
        *(x._value() if isinstance(x, Tensor) else x for x in inputs), **attrs))
    for i, result in enumerate(results):
        result.output_nr = i
    if _modes.grad_enabled and any(isinstance(x, Tensor) and x.requires_grad for x in inputs):
        node = record(rule, inputs, attrs, results[0], results)
        node.num_outputs = len(results)
        for result in results:
            result._grad_fn, result._requires_grad = node, True
    if _dual_level is not None:
        push_tangents(inputs, results, lambda *xs: apply_multi(rule, *xs, **attrs))
    return results


class ViewCopy:
    """A view row applied by one of torch's ``*_copy`` functions: the view's maths and
    formulas, but a new tensor (no view), and torch's node name for it, the view's with
    ``_copy`` appended (``PermuteBackward0_copy``)."""

    __slots__ = ("rule", "node", "node_cls")
    is_view = False

    def __init__(self, rule):
        self.rule, self.node = rule, rule.node + "_copy"
        self.node_cls = node_class(self.node, rule)

    def __getattr__(self, name):
        return getattr(self.rule, name)


_VIEW_COPIES: dict[Rule, ViewCopy] = {}


def copy_of_view(view, *args, **kwargs):
    """What ``view(*args, **kwargs)`` gives (a view function: ``permute``...), as torch's
    ``*_copy`` function of it (``permute_copy``): the function runs with its checks, and
    the first view row it applies is applied as a ``ViewCopy``."""
    _modes.copying_view = True
    try:
        return view(*args, **kwargs)
    finally:
        _modes.copying_view = False


def _copy_of(rule):
    _modes.copying_view = False       # (only the function's own view: not its tangents')
    copy = _VIEW_COPIES.get(rule)
    if copy is None:
        copy = _VIEW_COPIES[rule] = ViewCopy(rule)
    return copy


_NO_EDGE = (None, 0)
_NRS: dict[tuple[int, ...], tuple[int, ...]] = {}     # Node._nrs, each tuple made once


def record(rule, inputs, attrs, result, outputs=None):
    """Make ``result``'s grad_fn: a node of ``rule`` pointing at each input's edge, with
    the inputs' shapes and dtypes (for the engine's reductions) and what the rule saves
    (of a node with several ``outputs``, output i is saved from slot -1 - i)."""
    node = rule.node_cls.__new__(rule.node_cls)
    nodes, nrs, meta = [], [], []
    for x in inputs:
        if isinstance(x, Tensor) and (x._requires_grad or x._view is not None):
            fn, nr = x._edge()      # (a view's goes through its base, if that requires grad)
        else:
            fn, nr = None, 0
        nodes.append(fn)
        nrs.append(nr)
        meta.append(None if fn is None else input_meta(x._array.aval))
    node._link(nodes, nrs)
    node._input_meta = tuple(meta)
    result._grad_fn, result._requires_grad = node, True    # a new tensor: no version to update
    if rule.save_plan:
        save = PackedSavedTensor if _saved_tensors_hooks else SavedTensor   # (saver())
        saved: list[Union[SavedTensor, float, None]] = []
        for slot, user in rule.save_plan:
            if user is not None and meta[user] is None:
                saved.append(None)      # read only by the formula of an unwanted gradient
            elif type(slot) is str:                     # a tensor attribute (where's mask)
                x = attrs[slot]
                saved.append(save(x, False) if isinstance(x, Tensor) else x)
            elif slot < 0:                              # the result
                saved.append(save(result if outputs is None else outputs[-1 - slot], True))
            elif isinstance(x := inputs[slot], Tensor):  # an input
                saved.append(save(x, False))
            else:
                saved.append(x)
        node._saved = tuple(saved)
        if rule.tensor_attrs:     # those travel as saved tensors, not as attributes
            attrs = {k: v for k, v in attrs.items() if k not in rule.tensor_attrs}
    else:
        node._saved = ()
    node._attrs = attrs
    node._seq = next(_sequence)
    if anomaly.enabled:
        node.metadata = {"traceback_": anomaly.user_stack()}
    return node


_METAS: dict[Any, tuple[tuple[int, ...], Any]] = {}


def input_meta(aval):
    """A node's record of an input: its (shape, dtype), one tuple per abstract value,
    shared by every node (nothing new per op, and a tuple of plain values, which the
    garbage collector stops tracking)."""
    meta = _METAS.get(aval)
    if meta is None:
        meta = _METAS[aval] = (aval.shape, aval.dtype)
    return meta


def _unpack(saved, node):
    return saved.unpack(node) if isinstance(saved, SavedTensor) else saved


def _introspect(saved, node):
    """What ``grad_fn._saved_<name>`` shows, as torch: None for a value not saved (only
    a gradient nobody asked for reads it), a Python number as the 0-d tensor torch wraps
    it in."""
    if isinstance(saved, SavedTensor):
        return saved.unpack(node)
    if isinstance(saved, (bool, int, float)):
        return make_tensor(jnp.asarray(saved, D.scalar_dtype(saved).np if isinstance(saved, int)
                                 else np.float64))
    return saved


class anomaly:
    """Anomaly detection's switches (``autodiff.autograd.set_detect_anomaly``): when on,
    each node remembers where in the user's code it was created, and the backward pass
    names that place when a node fails or (with ``check_nan``) returns NaN."""

    enabled = False
    check_nan = True

    @staticmethod
    def user_stack():
        frames = [f for f in traceback.extract_stack()
                  if not f.filename.startswith(_PACKAGE_DIR)]
        return traceback.format_list(frames)


_PACKAGE_DIR = __file__.rsplit("/", 1)[0]


# ---------------------------------------------------------------------------------------
# 7. In-place writes: version counters, CopySlices, history rebasing
# ---------------------------------------------------------------------------------------
# An in-place op computes its result out of place (recording the usual node on a
# snapshot of the old value), then writes it through the storage -- every alias sees it,
# the shared version counter goes up -- and gives the tensor the new node as history.
# A write into a view also rewrites the history of its base (CopySlices), as torch does.
# Every check comes before the write, so a failed op leaves the tensor as it was.
# (A node saved before the write sees the version move on, and fails its backward: see
# ``SavedTensor``.)

# In-place writes: the old value's gradient is what the write did not cover:
# zeros where it wrote (torch's zeros_like(grad): constants, 0 even where grad is nan).
row("copy_", "CopyBackwards", lambda self, src: jnp.broadcast_to(src, self.shape).astype(
    self.dtype), (lambda grad: constant(jnp.zeros_like(grad._value())), lambda grad: grad))


def _view_mask(shape, view):
    index = view(jnp.arange(math.prod(shape)).reshape(shape)).reshape(-1)
    return jnp.zeros(math.prod(shape), bool).at[index].set(True).reshape(shape)


def _write_through_view(base, src, view):
    index = view(jnp.arange(base.size).reshape(base.shape))
    src = jnp.broadcast_to(src, index.shape).astype(base.dtype)
    return _write_changed(base.reshape(-1), index.reshape(-1), src.reshape(-1)).reshape(
        base.shape)


def _write_changed(flat, index, values):
    """``flat`` with ``values`` written at ``index``. Where the index repeats an element
    (an expanded view, written by ``masked_fill_``), the values that change it win over
    the ones that keep it: torch writes only the former."""
    changed = values != flat[index]
    return flat.at[jnp.where(changed, index, flat.size)].set(values, mode="drop")


def _copy_slices_base_grad(grad, view, self_sym_sizes):
    _check_no_overlap(view, self_sym_sizes)
    return apply(RULES["where"], 0.0, grad,
                 condition=constant(_view_mask(self_sym_sizes, view)))


def _copy_slices_src_grad(grad, view, self_sym_sizes):
    return apply(RULES["index"], grad, key=None, view=view, self_sym_sizes=self_sym_sizes)


# base[view] = src: the base's gradient outside the view, the view's part to src (torch
# writes the base's gradient through the view: one that repeats an element fails; src's
# is read through it, which may repeat elements)
row("copy_slices", "CopySlices",
    lambda self, src, *, view, self_sym_sizes: _write_through_view(self, src, view),
    (_copy_slices_base_grad, _copy_slices_src_grad))
# a view whose base was written in place is re-derived from the base's new history
row("as_strided", "AsStridedBackward0",
    lambda self, *, view, self_sym_sizes: view(self),
    lambda grad, view, self_sym_sizes: (apply(RULES["view_backward"], grad,
                                              self_sym_sizes=self_sym_sizes, view=view),),
    view=True)


def check_inplace(self):
    """torch's checks before an in-place write that autograd must know about: a leaf that
    requires grad, a view of one, a view made in no_grad mode or one of several views of
    one node cannot be written (their errors)."""
    if self._inference and not _modes.inference and not self._counted:
        raise RuntimeError("Inplace update to inference tensor outside InferenceMode is not "
                           "allowed.You can make a clone to get a normal tensor before doing "
                           "inplace update.See https://github.com/pytorch/rfcs/pull/17 for "
                           "more details.")
    if not _modes.grad_enabled:
        return
    if self._no_grad_view:
        raise RuntimeError(_no_grad_view_written(self, indirect=False))
    if self._multi_view and self._requires_grad:
        raise RuntimeError(_multi_view_written(self, indirect=False))
    if self._is_view() and self.requires_grad and self._base.grad_fn is None:
        raise RuntimeError(_VIEW_INPLACE)
    # (torch reads a view's history as it is: not re-derived after its base was written,
    # so a view made before its base had one is a leaf here, until its grad_fn is read)
    if self._grad_fn is None and self.requires_grad:
        raise RuntimeError(_LEAF_INPLACE)


def _snapshot(self):
    """The old value as its own tensor: what nodes of the in-place op save."""
    t = make_tensor(self._value(), self._requires_grad, self.grad_fn)
    t.output_nr, t._tangent = self.output_nr, self._tangent
    return t


def inplace(self, compute, src_for_view=None, fills=False, expanded_ok=False):
    """Run ``compute(old) -> new`` and write ``new`` into ``self`` (``fills``: the new
    value does not depend on the old, so overlapping elements may be written;
    ``expanded_ok``: torch lets the op write through an expanded tensor, with the warning
    that ``compute`` gives: see ``warn_expanded``)."""
    check_inplace(self)
    if not (fills or expanded_ok) and is_expanded(self):
        raise RuntimeError(_OVERLAP)
    recording = _modes.grad_enabled
    # nodes save the old value, not self: even where only the other operand needs a
    # gradient (``a.mul_(y)``: d/dy is the old ``a``, which the write then changes)
    out = compute(_snapshot(self) if recording else self)
    if not D.can_cast(out.dtype, self.dtype):
        raise RuntimeError(f"result type {D.c_name(out.dtype)} can't be cast to the desired "
                           f"output type {D.c_name(self.dtype)}")
    if out.shape != self.shape:
        raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the broadcast "
                           f"shape {list(out.shape)}")
    new = out._value()
    if new.dtype != self._array.dtype:
        new = new.astype(self._array.dtype)
    needs_history = recording and (out._requires_grad or self._requires_grad)
    if needs_history and self._is_view():
        _write_into_view(self, out if src_for_view is None else src_for_view)
    else:
        self._set_array(new)
        if needs_history:
            self._rebase_history(out.grad_fn)
    if needs_history:
        _saved_result_is(out, self)
    if out._tangent is not None or self._tangent is not None:
        _write_tangent(self, out._tangent)     # forward mode: the tangent is written too
    return self


def _saved_result_is(out, self):
    """An in-place op's node that saved its result (``exp_``, ``relu_``) saved ``self``
    as written: a later write moves its version on, and the backward pass refuses it, as
    torch's does."""
    node = out._grad_fn
    for saved in (node._saved or ()) if node is not None else ():
        if type(saved) is SavedTensor and saved.is_output:
            saved.tensor, saved.version = self.detach(), self._vc[0]
            if self._is_view():
                saved.view = weakref.ref(self)


def _write_into_view(view, src):
    """``view`` (of ``base``) takes ``src``: base gets CopySlices, the view AsStrided."""
    base, in_base = view._in_base()
    new_base = apply(RULES["copy_slices"], _snapshot(base), src, view=in_base,
                     self_sym_sizes=base._array.shape)
    base._set_array(new_base._value())
    view._refresh()
    if new_base.grad_fn is not None:
        base._rebase_history(new_base.grad_fn)
        view._requires_grad = True
        view._rederive_view_history()


def inplace_view(self, rule, **attrs):
    """``x.t_()``, ``x.squeeze_()``, ``x.transpose_(0, 1)``: ``x`` becomes the view that
    ``rule`` makes of it, over the same elements (torch changes x's sizes and strides
    only; its version goes up). The view of the old ``x`` is recorded under the in-place
    op's node (``TBackward1``)."""
    check_inplace(self)
    if self._has_views:    # they find their elements through x's: those would move
        raise RuntimeError("autodiff: an in-place view op (t_, transpose_, squeeze_, "
                           "unsqueeze_) on a tensor that has views is not supported (its "
                           "views would follow the new shape); use the out-of-place form")
    out = apply(rule, _snapshot(self), **attrs)
    old = alias(self)                   # x as it was: x now reads its elements through it
    old._cut_off = self._cut_off
    self._view, self._index = (old, rule.view_fn(**attrs)), None
    if old._view is None:
        self._cut_off = True            # a base stays a base: the view is not autograd's
    self._array, self._tangent = out._value(), out._tangent
    self._vc[0] += 1
    if out._requires_grad and _modes.grad_enabled:
        self._rebase_history(out.grad_fn)
    return self


def inplace_binary(fn):
    """The in-place method of a binary op: ``x.add_(y)`` writes ``add(x, y)`` into x."""
    def op(self, other, *args, **kwargs):
        if not isinstance(other, _OPERANDS_TAKEN) and not isinstance(
                other := D.number(other), _OPERANDS_TAKEN):
            raise argument_error(op.__name__, (self, other, *args),
                                 ("input", "other", *(None,) * len(args)), 1)
        return inplace(self, lambda old: fn(old, other, *args, **kwargs))
    return _named_inplace(op, fn)


def speaking_as(fn, name):
    """``fn`` under another ``name`` (``Tensor.multiply``: ``mul``), whose TypeErrors for
    an argument of the wrong type (``argument_error``) say ``name``, in a Tensor method's
    words."""
    @functools.wraps(fn)
    def alias(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except TypeError as e:
            raise said_by(e, name)
    alias.__name__ = alias.__qualname__ = name
    return alias


def type_name(kind):
    """A type's name as CPython's ``tp_name`` gives it: a built-in or Python class by its
    name, another extension type (``numpy.ndarray``) with its module."""
    heap_type = kind.__flags__ & (1 << 9)            # Py_TPFLAGS_HEAPTYPE
    if heap_type or kind.__module__ == "builtins":
        return kind.__name__
    return f"{kind.__module__}.{kind.__name__}"


OVERLOADS: dict[str, tuple[str, ...]] = {}     # torch's signatures of a function (ops/_common.py)
_UNSEEN = object()         # an argument argument_error is not told of (before the refused one)


def tensor_arg(fn, name, position, value, numbers=False):
    """torch's TypeError unless ``value`` is a Tensor (or, with ``numbers``, a Python
    number: an operand of ``add``, ``mul``...; a NumPy array is neither). ``position``:
    the argument's in the function (``mul(input, other)``: 2)."""
    if not (isinstance(value, Tensor) or numbers and isinstance(value, NUMBERS)):
        raise _refused(fn, name, position, value, "Tensor", None, True)


def int_arg(fn, name, position, value, method=True, first=_UNSEEN):
    """``value`` as the int that torch's ``int`` argument takes -- a Python or NumPy
    integer, a one-element integer tensor -- or torch's TypeError (a float, a bool, an
    array...). ``position``: the argument's in the function; ``method``: whose words the
    error is in (a function without ``input``, ``randperm``, says its own)."""
    if type(value) is int:
        return value
    if not _is_int(value):
        raise _refused(fn, name, position, value, "int", None, method, first)
    return int(value)


def ints_arg(fn, name, position, values, method=True, form="varargs", first=_UNSEEN):
    """A size, or another list of ints (``permute``'s dims, ``repeat``'s repeats), as a
    tuple. ``form`` says how it came: as the ``"varargs"`` (``zeros(2, 3)``, or one list
    or int: ``zeros((2, 3))``, ``zeros([2, 3])``, ``zeros(2)``), as one argument
    (``"list"``: ``full((2, 3), 1.0)``), or as one ``"keyword"`` argument
    (``zeros(size=(2, 3))``). Else torch's TypeError, in the words of torch's argument
    parser, which checks the first element before it takes a list, and the others as it
    unpacks it::

        zeros(2.5)       argument 'size' (position 1) must be tuple of ints, not float
        zeros((2.5, 2))  ... must be tuple of ints, but found element of type float at pos 0
        zeros((2, 2.5))  argument 'size' failed to unpack the object at pos 2 with error
                         "type must be tuple of ints,but got float"
        zeros(2.5, 2)    zeros() takes 1 positional argument but 2 were given
    """
    if form == "varargs" and len(values) == 1 and type(values[0]) is tuple:
        values, form = values[0], "list"            # x.view((2, 3)): as a list given
    if type(values) is tuple and form != "keyword" and (values or form == "list"):
        for v in values:                    # zeros(2, 3), full((2, 3), 1.0): at once
            if type(v) is not int:
                break
        else:
            return values
    return _ints(fn, name, position, values, method, form, first)


def _ints(fn, name, position, values, method, form, first):
    bad: Union[str, int, None] = None       # what is wrong (argument_error's "element")
    if form == "varargs" and not values:
        bad = "missing"
    elif form == "varargs" and len(values) > 1 and not _is_int(values[0]):
        bad = "arguments"                           # not a list: several arguments
    elif form == "varargs" and len(values) == 1:
        values = values[0]
        if _is_int(values):
            return (int(values),)
    if bad is None and isinstance(values, (tuple, list)):
        if all(type(v) is int for v in values):     # zeros((2, 3)): at once
            return tuple(values)
        bad = next((i for i, v in enumerate(values) if not _is_int(v)), None)
        if bad is None:
            return tuple(int(v) for v in values)
    raise _refused(fn, name, position, values, "tuple of ints", bad, method, first,
                   form == "keyword")


def nonnegative(size):
    """``size``, the shape of a tensor about to be made, or torch's error for its first
    negative dimension."""
    for n in size:
        if n < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {n}: "
                               f"{list(size)}")
    return size


def _is_int(value):
    """Whether torch's argument parser takes ``value`` as an int (not a bool)."""
    if isinstance(value, Tensor):
        return value.numel() == 1 and value._array.dtype.kind in "iu"
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _refused(fn, name, position, value, kind, element, method, first=_UNSEEN, keyword=False):
    """``argument_error`` for the argument ``name``, at ``position`` in the function (the
    arguments before it unseen, but the ``first`` if given: a method's ``self``)."""
    before = (first,) + (_UNSEEN,) * (position - 2) if position > 1 else ()
    names = ("input",) + (None,) * (position - 2) if position > 1 else ()
    return argument_error(fn, before + (value,), names + (name,), position - 1, method, kind,
                          element, keyword)


def argument_error(fn, args, names, bad, method=True, kind="Tensor", element=None,
                   keyword=False):
    """torch's TypeError for an argument of the wrong type, worded as torch's argument
    parser words it: one line that names the argument ("mul(): argument 'other' (position
    1) must be Tensor, not numpy.ndarray"), or, for a function torch has several
    signatures of (``OVERLOADS``) more than one of which could take as many arguments,
    all of them, each followed by the arguments that do not fit it between !s
    ("eq() received an invalid combination of arguments - got
    (numpy.ndarray), but expected one of: ..."). A Tensor method and its function say it
    differently: a method counts its arguments after ``self``, and its signatures have no
    ``input`` and no ``out``. Ops raise it in the method's words; a function
    (``autodiff.mul``, ops/out.py) re-words what passes through it: the error keeps what
    it was made of as ``argument``.

    ``args``: the function's arguments (``_UNSEEN`` where not known), the refused one at
    index ``bad``; ``names``: their parameters' names (``input`` is the method's
    ``self``); ``kind``: what the argument must be (``"int"``, ``"tuple of ints"``);
    ``element``: for a list, the index of its element that is not one of ``kind``'s, or
    ``"arguments"``: several arguments given where a list goes, or ``"missing"``: none
    (``ints_arg``); ``keyword``: the argument was given by name (torch gives no position
    then)."""
    me = names.index("input") if "input" in names else 0        # self's index
    overloads = OVERLOADS.get(fn.rstrip("_"))          # (an in-place method's: its op's)
    made_of, value = (args, names, bad, kind, element, keyword), args[bad]
    if element in ("arguments", "missing") and overloads is not None:   # view(2.0, 2):
        args, names = args[:bad] + tuple(value), names[:bad] + (None,) * len(value)  # as given
    given = [a for i, a in enumerate(args) if not (method and i == me)]
    if overloads is not None and method:
        overloads = tuple(_method_signature(s) for s in overloads if "Tensor input" in s)
    if element == "missing" and overloads is None:
        message = f'{fn}() missing 1 required positional arguments: "{names[bad]}"'
    elif element == "arguments" and overloads is None:
        takes = bad + (not method)                      # (the list was the last one)
        message = (f"{fn}() takes {takes} positional argument{'s' * (takes > 1)} but "
                   f"{takes - 1 + len(value)} were given")
    elif element not in (None, 0, "arguments", "missing"):   # (found as the list is unpacked)
        message = (f"{fn}(): argument '{names[bad]}' failed to unpack the object at pos "
                   f"{element + 1} with error \"type must be {kind},but got "
                   f"{type_name(type(value[element]))}\"")
    elif overloads is None or any(a is _UNSEEN for a in args) \
            or _plausible(overloads, len(given)) == 1:
        position = "" if keyword else f" (position {bad + 1 - (method and bad > me)})"
        message = (f"{fn}(): argument '{names[bad]}'{position} must be {kind}, "
                   + (f"not {type_name(type(value))}" if element is None or keyword else
                      f"but found element of type {type_name(type(value[0]))} at pos 0"))
    else:
        lines = [f"{fn}() received an invalid combination of arguments - got "
                 f"({', '.join(type_name(type(a)) for a in given)}), but expected one of:"]
        for signature in overloads:
            lines.append(f" * {signature}")
            params = [p for p in signature[1:-1].split(", ") if p != "*"]
            if len(params) == len(given):             # (torch says why only then)
                marked = (_described(a) if _fits(p.split()[0], a) else f"!{_described(a)}!"
                          for p, a in zip(params, given))
                lines.append("      didn't match because some of the arguments have invalid "
                             f"types: ({', '.join(marked)})")
        message = "\n".join(lines) + "\n"
    error = TypeError(message)
    error.argument = made_of                  # type: ignore[attr-defined]
    return error


def said_by(error, fn, method=True):
    """What ``fn`` raises for ``error``: a TypeError for an argument of the wrong type
    (``argument_error``) re-worded as ``fn``'s (an alias's, an in-place method's, the
    function's: not ``method``); any other error as it is."""
    if not hasattr(error, "argument"):
        return error
    args, names, bad, kind, element, keyword = error.argument
    reworded = argument_error(fn, args, names, bad, method, kind, element, keyword)
    reworded.__suppress_context__ = True          # (raise ... from None)
    return reworded


def _plausible(signatures, given):
    """How many of ``signatures`` take ``given`` arguments (as many as their parameters
    without a default at least, all of them at most): when it is one, torch's parser
    says what is wrong with that one alone, in one line; else it lists them all."""
    params = [[p for p in s[1:-1].split(", ") if p not in ("*", "")] for s in signatures]
    return sum(sum("=" not in p for p in ps) <= given <= len(ps) for ps in params)


def _method_signature(signature):
    """A function's signature as its Tensor method's: without ``input`` (``self``) and
    ``out``."""
    signature = signature.replace("Tensor input, ", "").replace(", Tensor out = None", "")
    return signature.replace(", *)", ")")


def _fits(kind, value):
    """Whether torch's message counts ``value`` as fitting a parameter of type ``kind``: a
    tensor a Tensor; a number a Number never (torch's message marks it too)."""
    return kind == "Tensor" and isinstance(value, Tensor)


def _described(value):
    """An argument as torch's message describes it: its type, a list's elements' too."""
    if type(value) in (list, tuple):
        kinds = [type_name(type(v)) for v in value]
        return (f"list of [{', '.join(kinds)}]" if type(value) is list else
                f"tuple of ({', '.join(kinds)}{',' * (len(kinds) == 1)})")
    return type_name(type(value))


# (and a number being traced: an operand of a compiled program, autodiff.compile's too)
NUMBERS = (bool, int, float, complex, jax.core.Tracer)
_OPERANDS_TAKEN = (Tensor, *NUMBERS)


def inplace_unary(fn):
    """The in-place method of an op: ``x.exp_()`` writes ``exp(x)`` into x (and
    ``x.fmod_(y)``, ``fmod(x, y)``: its argument errors name ``fmod_``)."""
    def op(self, *args, **kwargs):
        try:
            return inplace(self, lambda old: fn(old, *args, **kwargs))
        except TypeError as e:
            raise said_by(e, op.__name__)
    return _named_inplace(op, fn)


def inplace_fill(checks):
    """The in-place method of an op that writes a value at chosen places (``masked_fill_``,
    ``index_fill_``), which torch lets write through an expanded tensor too: first
    ``checks(self, *args)``, the op's checks in torch's order with its warning
    (``warn_expanded``) among them. ``@method(inplace=inplace_fill(checks))`` above it."""
    def make(fn):
        def op(self, *args, **kwargs):
            def compute(old):
                checks(self, *args, **kwargs)
                return fn(old, *args, **kwargs)
            return inplace(self, compute, expanded_ok=True)
        return _named_inplace(op, fn)
    return make


# what torch's deprecation warning for a write through an expanded tensor says of each op
_EXPANDED_WRITES = {"index_put_": "tensor[indices] = tensor",
                    "masked_fill_": "tensor[mask] = scalar", "index_fill_": "tensor[mask] = scalar"}


def warn_expanded(t, op):
    """torch's warning when ``op`` (one of ``_EXPANDED_WRITES``) writes through an expanded
    tensor ``t``, as torch still lets it. The op calls it where torch's kernel warns:
    after its first checks, before the others."""
    if is_expanded(t):
        level = 2 + sum(1 for _ in itertools.takewhile(     # (it names the user's line)
            lambda entry: entry[0].f_code.co_filename.startswith(_PACKAGE_DIR),
            traceback.walk_stack(sys._getframe(1))))
        warnings.warn(f"Use of {op} on expanded tensors is deprecated. Please clone() the "
                      "tensor before performing this operation. This also applies to "
                      f"advanced indexing e.g. {_EXPANDED_WRITES[op]}", UserWarning,
                      stacklevel=level)


def _named_inplace(op, fn):
    op.__name__ = op.__qualname__ = fn.__name__ + "_"
    op.__doc__ = f"In place: writes ``{fn.__name__}(x, ...)`` into ``x``."
    return op


def is_expanded(t):
    """Whether two elements of ``t`` are one element of its storage (a view by expand)."""
    return t._view is not None and _repeats(t._flat_index())


def _repeats(index):
    index = np.asarray(index).reshape(-1)
    return np.unique(index).size != index.size


_OVERLAP = ("unsupported operation: more than one element of the written-to tensor refers to "
            "a single memory location. Please clone() the tensor before performing the "
            "operation.")


def _check_no_overlap(view, shape):
    """A gradient cannot be written through a view (of a base of ``shape``) that repeats
    an element of it (torch's CopySlices backward)."""
    if _repeats(view(jnp.arange(math.prod(shape)).reshape(shape))):
        raise RuntimeError(_OVERLAP)


# ---------------------------------------------------------------------------------------
# 8. The backward pass
# ---------------------------------------------------------------------------------------
# backward() (a) turns the roots and their gradients into a starting buffer, (b) finds
# every node reachable from the roots and counts, for each, the edges that will bring it
# a gradient, then (c) replays the tape in reverse: from a queue of the nodes whose
# gradients are complete it always takes the one recorded last (highest sequence number),
# runs its rule, and (d) adds each input's gradient into the buffer of the node it goes
# to -- which becomes ready when its count reaches zero. That is torch's engine: a leaf's
# AccumulateGrad sorts first, so it runs as soon as its gradient is complete. The walk is
# a loop over a heap: no recursion, however long the chain.

def _make_root_grads(roots, grad_roots, create_graph):
    result = []
    for i, (root, g) in enumerate(zip(roots, grad_roots)):
        if g is None:
            if root.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            g = make_tensor(_ones(root._array.shape, root._array.dtype))
        elif not isinstance(g, Tensor):
            g = make_tensor(jnp.asarray(g, root._array.dtype))
        elif g.shape != root.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of "
                               f"{g.shape} and output[{i}] has a shape of {root.shape}.")
        elif g._array.dtype != root._array.dtype:     # the engine casts it, as torch's
            g = g.to(root.dtype)
        result.append(g)
    return result


def as_tuple(x):
    """A tensor or a sequence of them (``backward``'s and ``grad``'s arguments) as a tuple."""
    if x is None:
        return None
    return (x,) if isinstance(x, Tensor) else tuple(x)


def backward(tensors: Union[Tensor, Sequence[Tensor]],
             grad_tensors: Union[Tensor, Sequence[Optional[Tensor]], None] = None,
             retain_graph: Optional[bool] = None, create_graph: bool = False,
             inputs: Union[Tensor, Sequence[Tensor], None] = None) -> None:
    """``autodiff.autograd.backward``: accumulate gradients of ``tensors`` into leaves."""
    tensors = as_tuple(tensors)
    if inputs is not None:
        inputs = as_tuple(inputs)
        if len(inputs) == 0:
            raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    grads = as_tuple(grad_tensors) or (None,) * len(tensors)
    if create_graph:
        _warn_once_about_grad_cycles()
    run_backward(tensors, grads, retain_graph, create_graph, inputs, accumulate=True)


_warned: set[str] = set()
_warn_always = False


def set_warn_always(b: bool) -> None:
    """Make the warnings torch gives once per process warn every time (or once again).

    >>> import autodiff
    >>> autodiff.set_warn_always(True)
    >>> autodiff.is_warn_always_enabled()
    True
    >>> autodiff.set_warn_always(False)
    """
    global _warn_always
    _warn_always = bool(b)


def is_warn_always_enabled() -> bool:
    """Whether ``set_warn_always(True)`` is in effect.

    >>> import autodiff
    >>> autodiff.is_warn_always_enabled()
    False
    """
    return _warn_always


def warn_once(message, stacklevel=3):
    """torch's TORCH_WARN_ONCE: a UserWarning the first time in the process, then never
    (every time after ``set_warn_always(True)``, which does not count as the first time:
    torch's once-flag is set only outside it)."""
    if not _warn_always:
        if message in _warned:
            return
        _warned.add(message)
    warnings.warn(message, UserWarning, stacklevel=stacklevel)


def _warn_once_about_grad_cycles():
    warn_once(
        "Using backward() with create_graph=True will create a reference cycle between the "
        "parameter and its gradient which can cause a memory leak. We recommend using "
        "autograd.grad when creating the graph to avoid this. If you have to use this "
        "function, make sure to reset the .grad fields of your parameters to None after "
        "use to break the cycle and avoid the leak.", stacklevel=4)


class GraphTask:
    """One backward pass while it runs: an id, and the nodes it will execute (what
    ``autograd.graph.register_multi_grad_hook`` asks about)."""

    _ids = itertools.count()

    def __init__(self, nodes, grad_mode):
        self.id, self.nodes, self.grad_mode = next(GraphTask._ids), nodes, grad_mode

    def will_execute(self, node):
        if self.grad_mode and isinstance(node, AccumulateGrad):
            raise RuntimeError("A leaf node was passed to _will_engine_execute_node but we "
                               "are currently running autograd.grad(). This is currently not "
                               "supported.")
        return node in self.nodes


_graph_tasks: list[GraphTask] = []    # the backward passes running now, innermost last (a hook may start one)


def current_graph_task():
    """The backward pass running now (the innermost one, when a hook started another)."""
    return _graph_tasks[-1]


def run_backward(roots, grad_roots, retain_graph, create_graph, inputs, accumulate):
    """The engine. Returns the gradients of ``inputs`` when ``accumulate`` is False
    (``autograd.grad``); otherwise adds them into ``.grad`` (``backward``)."""
    if retain_graph is None:
        retain_graph = create_graph
    for i, root in enumerate(roots):
        if root._edge()[0] is None:   # (as a view made before its leaf base required grad)
            raise RuntimeError(f"element {i} of tensors does not require grad and does not "
                               "have a grad_fn")
    root_grads = _make_root_grads(roots, grad_roots, create_graph)

    # (a) the starting buffer: gradients waiting for each node, one slot per output
    buffers: dict[Node, list[Optional[Tensor]]] = {}
    for root, g in zip(roots, root_grads):
        node, nr = root._edge()
        _add_to_buffer(buffers, node, nr, g)

    # (b) every node reachable from the roots, with its number of edges still to come
    nodes = waiting = _discover(list(buffers))
    plain = accumulate and inputs is None and not create_graph and not anomaly.enabled \
        and _dual_level is None and Node.backward is _NODE_BACKWARD
    if plain and len(nodes) <= _MAX_NODES and _run_compiled(roots, root_grads, retain_graph):
        return []                     # a structure seen before: its compiled program ran

    # which gradients to capture (autograd.grad) or to restrict accumulation to
    targets: Optional[dict[tuple[Node, int], list[int]]] = None
    if inputs is not None:
        targets = {}
        for k, t in enumerate(inputs):
            if not t.requires_grad:
                raise RuntimeError("One of the differentiated Tensors does not require grad")
            targets.setdefault(t._edge(), []).append(k)
        nodes = _ancestors({node for node, _ in targets}, nodes)
        waiting = _dependencies(nodes)
    captured = [None] * (len(inputs) if inputs is not None else 0)

    # (c) replay: always the ready node recorded last
    ready = [(-n._seq, id(n), n) for n in buffers if n in nodes and not waiting[n]]
    heapq.heapify(ready)
    keyed: set[Node] = set()          # nodes of the compiled regions tried (section 8's end)
    prev_mode, _modes.grad_enabled = _modes.grad_enabled, bool(create_graph)
    _graph_tasks.append(GraphTask(nodes, grad_mode=not accumulate))
    try:
        for root in [n for n in buffers if n not in nodes]:
            # a root that leads to none of the inputs does not run, but torch still
            # calls its tensors' hooks (retain_grad fills the root's .grad)
            _run_tensor_hooks(root, buffers[root])
        while ready:
            node = heapq.heappop(ready)[2]
            grads = buffers.pop(node, None)
            sent = _run_compiled_region(node, grads, buffers, waiting, keyed,
                                        retain_graph) if plain else None
            if sent is None:          # (else the compiled region below the node ran)
                sent = zip(zip(node._next, node._nrs), _run_node(
                    node, grads, targets, captured, nodes, accumulate, retain_graph))
            # (d) send each input's gradient on to its node
            for (next_node, nr), g in sent:
                if next_node not in nodes:      # (nor is None, a number's edge)
                    continue
                if g is not None:
                    _add_to_buffer(buffers, next_node, nr, g)
                waiting[next_node] -= 1
                if not waiting[next_node]:
                    heapq.heappush(ready, (-next_node._seq, id(next_node), next_node))
    finally:
        _modes.grad_enabled = prev_mode
        _graph_tasks.pop()
    if accumulate and inputs is not None:       # backward(inputs=[non_leaf]) fills .grad
        for t, g in zip(inputs, captured):
            if t.grad_fn is not None and g is not None and not t._retains_grad:
                t._grad = alias(g) if t._grad is None else t._grad + g
    return captured


def _run_node(node, grads, targets, captured, nodes, accumulate, retain_graph):
    """Hooks, then the node's rule: the gradients for its inputs (Nones if it has nothing
    to do: no gradient reached it, or nothing below it is wanted)."""
    if grads is None:
        return _nothing(node)
    grads = _run_pre_hooks(node, grads)
    if targets is not None:
        for nr, g in enumerate(grads):
            for k in targets.get((node, nr), ()):
                captured[k] = g
        wanted_here = accumulate and isinstance(node, AccumulateGrad) and (node, 0) in targets
        if not wanted_here and not any(n in nodes for n in node._next):
            return _nothing(node)
    elif not accumulate and isinstance(node, AccumulateGrad):
        return _nothing(node)
    if len(grads) > 1 or grads[0] is None:     # (an output's gradient may be missing)
        grads = [g if g is not None else node._missing_grad(i) for i, g in enumerate(grads)]
    if anomaly.enabled:
        in_grads = _backward_with_anomaly_checks(node, grads, retain_graph)
    else:
        in_grads = node.backward(grads, retain_graph)
    for hook in tuple(node._hooks or ()):          # post-hooks may replace them
        new = hook(tuple(in_grads), tuple(grads))
        if new is not None:
            in_grads = _checked_hook_result(hook, in_grads, new)
    return in_grads


def _nothing(node):
    """What a node that does not run sends on: no gradient for any input."""
    return (None,) * len(node._next)


def _add_to_buffer(buffers, node, nr, grad):
    slots = buffers.get(node)
    if slots is None:
        slots = buffers[node] = [None] * node.num_outputs
    old = slots[nr]
    if old is None or _is_zero_tensor(old):           # (a ZeroTensor adds nothing)
        slots[nr] = grad
    elif _is_zero_tensor(grad):
        pass
    elif _modes.grad_enabled:                         # create_graph: the sum on the tape
        slots[nr] = old + grad
    else:
        slots[nr] = make_tensor(_add_arrays(old._value(), grad._value()))


def _backward_with_anomaly_checks(node, grads, retain_graph):
    """``node.backward``, naming the forward call that made ``node`` if it fails."""
    try:
        in_grads = node.backward(grads, retain_graph)
        if anomaly.check_nan:
            for i, g in enumerate(in_grads):
                if g is not None and bool(jnp.isnan(g._value()).any()):
                    raise RuntimeError(f"Function '{node.name()}' returned nan values in its "
                                       f"{i}th output.")
        return in_grads
    except Exception:
        stack = (getattr(node, "metadata", None) or {}).get("traceback_")
        if stack is not None:
            warnings.warn(f"Error detected in {node.name()}. Traceback of forward call that "
                          f"caused the error:\n{''.join(stack)}", UserWarning, stacklevel=2)
        raise


def _run_pre_hooks(node, grads):
    """Before a node runs, as in torch: the hooks of its output tensors and their
    ``retain_grad``, then the node's own pre-hooks."""
    grads = _run_tensor_hooks(node, grads)
    for hook in tuple(node._pre_hooks or ()):
        new = hook(tuple(grads))
        if new is not None:
            grads = _checked_hook_result(hook, grads, new)
    return grads


def _run_tensor_hooks(node, grads):
    """The hooks of a node's output tensors (a leaf's, for its AccumulateGrad: they see
    the gradient ``autograd.grad`` returns too), then their ``retain_grad`` (so ``.grad``
    is what the tensor hooks made of the gradient)."""
    if isinstance(node, AccumulateGrad) and node.variable._backward_hooks:
        grads = list(grads)
        for hook in list(node.variable._backward_hooks):
            new = hook(grads[0])
            if new is not None:
                _check_hook_value(hook, grads[0], new)
                grads[0] = new
    for hook in tuple(node._tensor_hooks or ()):
        new = hook(tuple(grads))
        if new is not None:
            grads = list(new)
    if node._retain_hooks:
        for nr, retain in node._retain_hooks.items():
            if grads[nr] is not None:
                retain(grads[nr])
    return grads


def _discover(starts):
    """All nodes reachable from ``starts`` through ``next_functions`` (an iterative DFS),
    each with how many edges lead into it (torch's dependency count): a node is ready to
    run once that many gradients have been sent to it."""
    waiting, stack = dict.fromkeys(starts, 0), list(starts)
    while stack:
        for nxt in stack.pop()._next:
            if nxt is None:
                continue
            if nxt in waiting:
                waiting[nxt] += 1
            else:
                waiting[nxt] = 1
                stack.append(nxt)
    return waiting


def _dependencies(nodes):
    """How many edges from ``nodes`` lead into each of them: ``_discover``'s counts, within
    the nodes that lead to ``inputs=``."""
    waiting = dict.fromkeys(nodes, 0)
    for node in nodes:
        for nxt in node._next:
            if nxt in waiting:
                waiting[nxt] += 1
    return waiting


def _ancestors(targets, nodes):
    """Those of ``nodes`` from which a target can be reached (the rest need not run)."""
    parents: dict[Node, list[Node]] = {n: [] for n in nodes}
    for node in nodes:
        for nxt in node._next:
            if nxt is not None:
                parents[nxt].append(node)
    found = {t for t in targets if t in parents}        # a target the roots don't reach
    stack = list(found)
    while stack:
        for p in parents[stack.pop()]:
            if p not in found:
                found.add(p)
                stack.append(p)
    return found


# A training loop records the same graph step after step: new nodes, the same structure.
# The engine notices. Once it has met a structure -- the same rows, attributes, shapes and
# edges, in the same order -- often enough, it traces the walk above once more, on
# tracers, into one XLA program, and from then on a backward pass over that structure is
# that program: one dispatch instead of one or more per node. What varies from step to
# step is the program's arguments, never part of it: the saved tensors, the Python numbers
# (saved, or attributes such as clamp's bounds), the root gradients (nothing compiles per
# value). Only plain passes qualify: every node a row of the table, no hooks of any kind,
# no saved-tensor hooks, not create_graph, not autograd.grad / inputs=, not under anomaly
# mode, forward mode or the profiler. Anything else, or a structure whose formulas cannot
# be traced, runs node by node as above. The leaves' gradients come back out of the
# program and go through AccumulateGrad as usual.
#
# "Often enough": a compile costs about a millisecond a node, as much as a hundred eager
# passes over the same nodes, so a structure must earn it. A small training step is
# compiled at its tenth pass, a graph of n nodes at its (10 + n // 10)th: one seen a few
# times only never pays for a compile. Graphs over _MAX_NODES nodes always run node by
# node (XLA's compile time grows faster than their size): the engine counts the nodes it
# found before it looks at a structure.

_COMPILE_AFTER = 10         # sightings of a small structure before it is compiled
_MAX_NODES = 1000           # larger graphs run node by node
_MAX_PROGRAMS = 256         # structures remembered, least recently used forgotten first
_programs: dict[tuple, Any] = {}    # structure -> sightings (int), program, or None


def _run_compiled(roots, root_grads, retain_graph):
    """Run a plain backward pass as one compiled program, if its structure qualifies and
    has been seen before; False if the engine must walk the nodes itself."""
    found = _structure(roots, root_grads)
    if found is None:
        return False
    key, order, saved, numbers = found
    entry = _sighted(key, len(order),
                     lambda: _compile_backward(order, roots, root_grads, saved, numbers))
    if entry is None:
        return False
    grads = entry.program(saved, [_operand(x) for x in numbers],
                          [g._value() for g in root_grads])
    prev_mode, _modes.grad_enabled = _modes.grad_enabled, False
    try:
        for i, g in zip(entry.leaves, grads):
            if g is not None:
                order[i].backward([make_tensor(g)], retain_graph)
    finally:
        _modes.grad_enabled = prev_mode
    if not retain_graph:
        for i in entry.freed:
            order[i]._saved = None
    return True


def _sighted(key, size, compile):
    """One more sighting of structure ``key`` (of ``size`` nodes): its program, compiled by
    ``compile()`` at the sighting that earns it; None until then (or if it cannot be)."""
    entry = _programs.pop(key, 0)
    if type(entry) is int and entry + 1 < _COMPILE_AFTER + size // 10:
        entry += 1
    elif type(entry) is int:
        entry = compile()
    _programs[key] = entry                             # (now the most recently used)
    if len(_programs) > _MAX_PROGRAMS:
        del _programs[next(iter(_programs))]
    return None if type(entry) is int else entry


class _BackwardProgram(NamedTuple):
    """A compiled backward pass: the program, which nodes (by place in the structure's
    order) are the leaves' AccumulateGrads, and which free their saved tensors."""

    program: Any
    leaves: list[int]
    freed: list[int]


def _structure(roots, root_grads):
    """The graph below ``roots`` in a canonical order (depth first, edges in order), its
    key, and the program's arguments: the saved tensors' arrays and the Python numbers.
    None if a node does not qualify, or if unpacking would fail (the walk raises then)."""
    order: list[Node] = []
    place: dict[Node, int] = {}
    key: list[Any] = []
    saved: list[jax.Array] = []
    numbers: list[float] = []
    for root, g in zip(roots, root_grads):
        node, nr = root._edge()
        if node not in place:
            place[node] = len(order)
            order.append(node)
        if not concrete(g._array):                  # autodiff.compile is tracing the step
            return None
        key.append((place[node], nr, g._array.aval))
    i = 0
    while i < len(order):
        node = order[i]
        i += 1
        if _hooked(node):
            return None
        if type(node) is AccumulateGrad:
            key.append(AccumulateGrad)
            continue
        part = _node_key(node, saved, numbers)
        if part is None:
            return None
        edges: list[Optional[tuple[int, int]]] = []
        for nxt, nr in zip(node._next, node._nrs):
            if nxt is None:
                edges.append(None)
                continue
            if nxt not in place:
                place[nxt] = len(order)
                order.append(nxt)
            edges.append((place[nxt], nr))
        key.append((part, tuple(edges)))
    try:
        hash(tuple(key))
    except TypeError:                               # an unhashable attribute
        return None
    return (tuple(key), order, saved, numbers) if len(order) > 1 else None


def _hooked(node):
    """Whether user code runs at ``node``: hooks of any kind (its leaf's, at an
    AccumulateGrad)."""
    if node._hooks or node._pre_hooks or node._tensor_hooks or node._retain_hooks:
        return True
    return type(node) is AccumulateGrad and bool(
        node.variable._backward_hooks or node.variable._post_acc_hooks)


def _node_key(node, saved, numbers):
    """What a structure's key holds of ``node``: its row, what it saved (shapes and kinds,
    not values), its attributes (the static ones' values), its inputs' shapes and dtypes.
    Its saved arrays go on ``saved`` and its numbers on ``numbers`` (the program's
    arguments). None if it does not qualify: not a row, freed or packed saved tensors, an
    input changed in place since (the walk raises then), or an attribute that is neither
    static nor an operand. (Its callers have made sure it has no hooks.)"""
    rule = type(node).rule
    if rule is None or node._saved is None:      # a custom Function; freed buffers
        return None
    values: list[Any] = []
    for s in node._saved:
        if type(s) is SavedTensor:
            t = s.tensor
            if t._vc[0] != s.version:
                return None
            a = t._value()
            if not concrete(a):                 # autodiff.compile is tracing the step
                return None
            saved.append(a)
            values.append((a.aval, s.is_output, s.output_nr))
        elif s is None:
            values.append(None)
        elif type(s) in (int, float):
            numbers.append(s)
            values.append(type(s))
        else:                                   # a packed tensor, a bool...
            return None
    attrs: list[tuple] = []
    for name, value in node._attrs.items():
        kind = _attr_kind(name, value)
        if kind == "static":
            attrs.append((name, value))
        elif kind == "number":
            numbers.append(value)
            attrs.append((name, type(value)))
        elif kind == "array":
            a = value._value() if isinstance(value, Tensor) else value
            saved.append(a)
            attrs.append((name, type(value), a.aval))
        else:                                   # an index key, a view...
            return None
    return rule, tuple(values), tuple(attrs), node._input_meta


def _attr_kind(name, value):
    """How a node's attribute enters its compiled backward: "static" (part of the
    structure: shapes, flags, settings), "number" (a Python number, an operand: clamp's
    bound), "array" (a tensor or array, an operand: a loss's target, max's indices), or
    None (an index key, a view's description...: the pass is not compiled)."""
    if name in _STATIC_ATTRS or type(value) in _STATIC_TYPES:
        return "static"
    if type(value) is float or (type(value) is int and name in _NUMBER_ATTRS):
        return "number"
    if isinstance(value, (Tensor, jax.Array)):
        return "array"
    return None


_STATIC_TYPES = (type(None), bool, str, D.dtype)


def _compile_backward(order, roots, root_grads, saved, numbers):
    """The walk over ``order``'s nodes as one compiled program; None if a formula cannot
    be traced. The nodes are left as they were."""
    leaves = [i for i, n in enumerate(order) if type(n) is AccumulateGrad]
    freed: list[int] = []

    def backward_pass(grads):
        grads = run_backward(roots, grads, False, False,
                             [order[i].variable for i in leaves], accumulate=False)
        freed.extend(i for i, n in enumerate(order) if n._saved is None)
        return [None if g is None else g._value() for g in grads]

    program = _traced(order, backward_pass, saved, numbers, [g._value() for g in root_grads])
    return None if program is None else _BackwardProgram(program, leaves, freed)


def _traced(nodes, walk, saved, numbers, grads):
    """Trace ``walk(grads)`` once -- with the saved values and numbers of ``nodes``
    standing in as tracers -- into a compiled program of (saved, numbers, grads); None if
    a formula cannot be traced. The nodes are left as they were."""
    kept = [(n, n._saved, n._attrs) for n in nodes if type(n) is not AccumulateGrad]

    def program(saved_arrays, number_values, grad_arrays):
        arrays, values = iter(saved_arrays), iter(number_values)
        for node, saved_values, attrs in kept:
            node._saved = tuple(_stand_in(s, arrays, values) for s in saved_values)
            node._attrs = {k: _attr_stand_in(k, v, arrays, values) for k, v in attrs.items()}
        return walk([make_tensor(g) for g in grad_arrays])

    try:
        return jax.jit(program).lower(saved, numbers, grads).compile()
    except Exception:                               # not traceable: walk it node by node
        return None
    finally:
        for node, saved_values, attrs in kept:
            node._saved, node._attrs = saved_values, attrs


# A graph too large to compile whole is still made of pieces that recur: the 100,000
# nodes of ``y = y * 0.999`` in a line, the thousand branches of a fan-out. When a node
# comes up in the walk, the engine grows a *region* from it: each node below that only the
# region feeds (every edge into it comes from the region), up to _MAX_REGION nodes. A
# region that recurs -- the same key, node after node -- is compiled as a whole pass is:
# one program takes the gradient in at the top and gives what the region sends out,
# summed per destination; inside, its nodes run in the engine's own order. They run no
# user code (no hooks), so nothing can tell that they ran together -- except a leaf's
# .grad, which may fill sooner than in torch, relative to other branches: a region never
# sends into a leaf with hooks.

_MAX_REGION = 128


def _run_compiled_region(start, grads, buffers, waiting, keyed, retain_graph):
    """If the region grown from ``start`` has a compiled program, run it. Returns what
    it sends out, as ((node, nr), gradient) pairs in the order of its edges (None where an
    earlier pair carries the sum for that place), or None: the engine runs ``start``.
    ``keyed`` holds the nodes of regions keyed before in this pass, which start none."""
    if grads is None or grads[0] is None or start in keyed or not _joinable(start):
        return None
    saved: list[jax.Array] = []
    numbers: list[float] = []
    part = _node_key(start, saved, numbers)
    if part is None:
        return None
    region, place, parts = [start], {start: 0}, [part]
    arrived: dict[Node, int] = {}
    for node in region:                   # (it grows as it goes: breadth first)
        for nxt in node._next:
            if nxt is None:
                continue
            arrived[nxt] = arrived.get(nxt, 0) + 1
            # all that it still waits for comes from the region (and nothing came before)
            if arrived[nxt] == waiting[nxt] and nxt not in buffers \
                    and len(region) < _MAX_REGION and _joinable(nxt):
                n_saved, n_numbers = len(saved), len(numbers)
                part = _node_key(nxt, saved, numbers)
                if part is None:                       # it cannot be keyed: it stays out
                    del saved[n_saved:], numbers[n_numbers:]
                    continue
                place[nxt] = len(region)
                region.append(nxt)
                parts.append(part)
    if len(region) < 2:
        return None
    keyed.update(region)
    key: list[Any] = [grads[0]._array.aval]
    exits: list[tuple[Node, int]] = []
    slots: dict[tuple[Node, int], int] = {}
    links = []
    for node, part in zip(region, parts):
        link: list[Optional[int]] = []
        for nxt, nr in zip(node._next, node._nrs):
            if nxt is None:
                link.append(None)
            elif nxt in place:                         # inside: the node's place
                link.append(place[nxt])
            elif type(nxt) is AccumulateGrad and _hooked(nxt):
                return None
            else:                                      # out: -1 - its destination's slot
                exits.append((nxt, nr))
                link.append(-1 - slots.setdefault((nxt, nr), len(slots)))
        links.append(tuple(link))
        key.append((part, links[-1]))
    try:
        program = _sighted(tuple(key), len(region), lambda: _traced(
            region, lambda g: _walk_region(region, links, list(slots), g[0]),
            saved, numbers, [grads[0]._value()]))
    except TypeError:                                  # an unhashable attribute
        return None
    if program is None:
        return None
    out = program(saved, [_operand(x) for x in numbers], [grads[0]._value()])
    if not retain_graph:
        for node in region:
            if node._holds_saved_variables():
                node._saved = None
    sent = []
    for edge in exits:
        g, out[slots[edge]] = out[slots[edge]], None   # (the first edge there carries it)
        sent.append((edge, None if g is None else make_tensor(g)))
    return sent


def _joinable(node):
    """Whether ``node`` may be part of a region: a row's node of one output, no hooks."""
    return type(node).rule is not None and node.num_outputs == 1 and not _hooked(node)


def _walk_region(region, links, destinations, grad):
    """What a region sends out, per destination (the walk its program traces): the
    engine's walk over its nodes, the one recorded last first, from ``grad`` at the top."""
    buffers: dict[Node, list[Optional[Tensor]]] = {region[0]: [grad]}
    out: dict[Node, list[Optional[Tensor]]] = {}
    waiting = [0] * len(region)
    for link in links:
        for j in link:
            if j is not None and j >= 0:
                waiting[j] += 1
    ready = [(-region[0]._seq, 0)]
    while ready:
        i = heapq.heappop(ready)[1]
        node = region[i]
        grads = buffers.pop(node, None)
        in_grads = _nothing(node) if grads is None else node.backward(grads, True)
        for nxt, nr, j, g in zip(node._next, node._nrs, links[i], in_grads):
            if j is None:
                continue
            if g is not None:
                _add_to_buffer(buffers if j >= 0 else out, nxt, nr, g)
            if j >= 0:
                waiting[j] -= 1
                if not waiting[j]:
                    heapq.heappush(ready, (-nxt._seq, j))
    return [None if node not in out or out[node][nr] is None else out[node][nr]._value()
            for node, nr in destinations]


def _stand_in(saved, arrays, values):
    """A saved value as the traced program sees it: a tensor of the next argument."""
    if type(saved) is SavedTensor:
        s = object.__new__(SavedTensor)
        s.tensor, s.version = make_tensor(next(arrays)), 0
        s.is_output, s.output_nr = saved.is_output, saved.output_nr
        return s
    return saved if saved is None else next(values)


def _attr_stand_in(name, value, arrays, values):
    """An attribute as the traced program sees it: itself if static, else the next
    argument (a tensor again if it was one)."""
    kind = _attr_kind(name, value)
    if kind == "number":
        return next(values)
    if kind == "array":
        return make_tensor(next(arrays)) if isinstance(value, Tensor) else next(arrays)
    return value


# ---------------------------------------------------------------------------------------
# 9. Forward mode: tangents carried along with values
# ---------------------------------------------------------------------------------------
# Inside a dual level (``autodiff.autograd.forward_ad.dual_level``) a tensor may carry a
# tangent t, and every op gives its result the tangent J t: the directional derivative,
# computed as the values are. The table has no forward formulas: J t comes from the
# backward ones by the "double-vjp trick". u -> J^T u is linear in u, so the gradient of
# <J^T u, t> with respect to u is J t -- one op's forward and two small backward passes
# (torch has a forward formula per op; this reuses the rows every op already has).

_dual_level = None               # the level we are in (None: forward mode is off)
_dual_levels = itertools.count()


def enter_dual_level(level=None):
    """Enter a new dual level (one at a time, as in torch), or resume ``level``."""
    global _dual_level
    if _dual_level is not None:
        raise RuntimeError("Nested forward mode AD is not supported at the moment")
    _dual_level = next(_dual_levels) if level is None else level
    return _dual_level


def exit_dual_level():
    """Leave the dual level (its tangents are forgotten); returns it."""
    global _dual_level
    level, _dual_level = _dual_level, None
    return level


def current_dual_level():
    """The dual level we are in, or None."""
    return _dual_level


def set_tangent(t, tangent):
    """Give ``t`` a tangent at the current dual level."""
    t._tangent = (_dual_level, tangent)


def tangent_of(t):
    """``t``'s tangent at the current dual level, or None (a tangent of a level that has
    been exited is forgotten)."""
    entry = t._tangent
    if entry is None or entry[0] != _dual_level or _dual_level is None:
        return None
    return entry[1]


def _write_tangent(t, entry):
    """An in-place write into ``t`` writes its tangent too: ``entry`` (level, tangent)
    becomes ``t``'s, and a view's tangent goes into its base's tangent as well."""
    t._tangent = entry
    if entry is not None and t._is_view():
        base, in_base = t._in_base()
        level, tangent = entry
        old = tangent_of(base)
        before = jnp.zeros_like(base._value()) if old is None else old._value()
        base._tangent = (level, make_tensor(_write_through_view(before, tangent._value(),
                                                                in_base)))


def push_tangents(inputs, outputs, rerun):
    """Give ``outputs`` (of one op on ``inputs``) their tangents J t, from the inputs'
    tangents t: ``rerun(*xs)`` runs the same op again on detached inputs, on the tape."""
    global _dual_level
    tangents = [tangent_of(x) if isinstance(x, Tensor) else None for x in inputs]
    if all(t is None for t in tangents):
        return
    level, _dual_level = _dual_level, None          # nothing below carries a tangent
    try:
        with enable_grad():
            xs = [x if not isinstance(x, Tensor) else
                  x.detach().requires_grad_(t is not None) for x, t in zip(inputs, tangents)]
            wrt = [(x, t) for x, t in zip(xs, tangents) if t is not None]
            again = rerun(*xs)              # the op, recorded: its outputs in order
            outs = [o for o in again if o._requires_grad]
            # (any u will do: J^T u is linear in u; ones keep log-domain formulas finite)
            us = [make_tensor(jnp.ones_like(o._value()), requires_grad=True) for o in outs]
            jts: list[Optional[Tensor]] = [None] * len(outs)
            if outs:
                vjps = run_backward(outs, us, retain_graph=True, create_graph=True,
                                    inputs=[x for x, _ in wrt], accumulate=False)
                pairs = [(g * t).sum() for g, (_, t) in zip(vjps, wrt)   # <J^T u, t>
                         if g is not None and g._requires_grad]
                if pairs:
                    jts = run_backward([sum(pairs[1:], pairs[0])], [None], retain_graph=False,
                                       create_graph=False, inputs=us, accumulate=False)
    finally:
        _dual_level = level
    jt_of = dict(zip(map(id, outs), jts))
    for out, out_again in zip(outputs, again):
        if out_again._requires_grad:       # a float output that depends on a tangent
            jt = jt_of[id(out_again)]
            out._tangent = (level, make_tensor(
                jnp.zeros_like(out._value()) if jt is None else jt._value()))
