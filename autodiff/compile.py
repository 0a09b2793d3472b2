"""``autodiff.compile``: a whole training step -- forward, backward, update -- under ``jax.jit``.

Nothing about the tape changes. While JAX traces the step, autodiff Tensors simply hold
tracers instead of arrays: the forward records nodes as usual, ``backward()`` replays them,
the optimizer writes through the storages. JAX sees every jax.numpy call that this makes
and compiles the lot into one XLA program; later calls run that program and skip Python.

What the program reads and writes is the *state*: every Tensor reachable from the objects
named in ``state=`` (a model, an optimizer, a list of tensors), with its ``.grad``.

1. Before each call, find the state tensors and their storages (``_find_state``).
2. Look the call up by its signature: which tensors, which have a ``.grad``, the numbers
   in the state (a learning rate...), the non-tensor arguments. (Shapes and dtypes are
   ``jax.jit``'s own cache key: it traces again by itself when they change.)
3. A new signature traces (``_Program.trace``): swap the tracers into the storages, run the
   step, read out what it changed (storages, ``.grad`` attributes, new optimizer buffers,
   the return value), and put the real arrays back.
4. Every call: pass the storages' arrays in, write what came out back into the storages
   (their version counters go up, as for any in-place write).

This is the job ``torch.compile`` does for torch, done the way JAX wants it: state is
threaded through as inputs and outputs, because a compiled JAX function cannot mutate.

Data parallelism (``mesh=``) is a matter of where the arrays are, not of other code: before
each call the state is replicated on every device of a ``jax.sharding.Mesh`` and each
tensor argument is split along its first dimension (the batch) over them
(``_Placement``). JAX compiles the same step for those placements (its GSPMD partitioner):
each device runs the step on its slice of the batch, and where the step sums over the
batch -- the loss, hence every gradient -- XLA inserts the all-reduce. This is what
``torch.nn.parallel.DistributedDataParallel`` does with one process per GPU and a hook per
bucket of gradients; here one program does it all.
"""

from __future__ import annotations

import functools
import types
from typing import Any, Callable, Optional, Union

import jax
import numpy as np
from jax.sharding import AxisType, Mesh, NamedSharding, PartitionSpec

from . import ops, tape
from .tape import Tensor, make_tensor

__all__ = ["compile"]

# Numbers in the state (learning rates, momenta...) are baked into the program as
# constants, so they are part of its signature: changing one compiles again.
_HYPERPARAMETER = (bool, int, float, complex, str, type(None))
# What a state tensor is put back to after tracing, whatever the step did to it
_RESTORED = ("_storage", "_view", "_index", "_array", "_seen", "_vc", "_grad", "_grad_fn",
             "_grad_fn_version", "_requires_grad")
_NOT_STATE = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType,
              types.MethodType, functools.partial, jax.Array, np.ndarray, np.generic)


def compile(step_fn: Optional[Callable[..., Any]] = None, *, state: Any = (),
            mesh: Optional[Mesh] = None
            ) -> Union[CompiledStep, Callable[[Callable[..., Any]], CompiledStep]]:
    """Compile a training step: forward, backward through autodiff's tape, and update.

    ``state`` names what the step reads and updates in place -- models, optimizers,
    tensors, or lists of them; every Tensor reachable from them (and its ``.grad``) is
    passed into the compiled program and written back after each call. Tensor arguments
    of the step are inputs; other arguments are constants (a new value compiles again).
    The step returns Tensors (or a tuple/list/dict of them), without ``grad_fn``.

    A new compilation happens only when the signature changes: shapes or dtypes of the
    state or the arguments, which tensors have a ``.grad``, or a number in the state (a
    learning rate). ``step.traces`` counts them. The state must be updated in place (as
    optimizers do: ``p -= lr * p.grad``), under ``no_grad``. Not supported inside a step:
    reading values into Python (``.item()``, ``if loss > 0``, printing) -- JAX is tracing,
    and the values are not known yet. Random numbers drawn inside (dropout, ``randn``)
    come from a JAX key that the program threads through, new at every call: other
    numbers than eager mode draws, repeatable after ``manual_seed``.

    >>> import autodiff
    >>> _ = autodiff.manual_seed(0)
    >>> w = autodiff.randn(3, 1, requires_grad=True)
    >>> def step(x, y):
    ...     loss = ((x @ w - y) ** 2).mean()
    ...     loss.backward()
    ...     with autodiff.no_grad():
    ...         w.sub_(0.1 * w.grad)
    ...         w.grad = None
    ...     return loss
    >>> fast_step = autodiff.compile(step, state=[w])      # autodiff-only
    >>> x, y = autodiff.randn(8, 3), autodiff.randn(8, 1)
    >>> losses = [fast_step(x, y).item() for _ in range(50)]
    >>> losses[-1] < losses[0], fast_step.traces
    (True, 1)

    It can also decorate: ``@autodiff.compile(state=[model, optimizer])``.

    ``mesh`` (a ``jax.sharding.Mesh``, e.g. ``jax.make_mesh((jax.device_count(),),
    ("data",))``) makes the step data-parallel over the mesh's devices: the state is
    replicated on every device, each tensor argument is split along its first dimension
    (the batch; its size must be a multiple of the number of devices; 0-d tensors are
    replicated), and XLA reduces the gradients across devices. The numbers are those of
    the step on one device, up to the order of float additions.
    """
    if step_fn is None:
        return lambda step_fn: CompiledStep(step_fn, state, mesh)
    return CompiledStep(step_fn, state, mesh)


class CompiledStep:
    """What ``autodiff.compile`` returns: call it as you would call the step."""

    def __init__(self, step_fn: Callable[..., Any], state: Any,
                 mesh: Optional[Mesh] = None) -> None:
        self.step_fn, self.state = step_fn, state
        self.traces = 0                      # how many times JAX traced the step
        self.placement = None if mesh is None else _Placement(mesh)
        # the random numbers drawn inside the step come from this key, threaded through
        # the program (seeded from autodiff's generator: manual_seed makes runs repeatable)
        # (a raw uint32 key: JAX passes it in faster than a typed one)
        self._key = jax.random.PRNGKey(int(ops.default_generator._rng.integers(2 ** 63)))
        if self.placement is not None:
            self._key = self.placement.replicate(self._key)
        self._programs: dict[tuple, _Program] = {}      # signature -> _Program
        functools.update_wrapper(self, step_fn)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        tensors, hyper = _find_state(self.state)
        leaves: Any
        if kwargs or not all(isinstance(x, Tensor) for x in args):
            leaves, treedef = jax.tree_util.tree_flatten((args, kwargs))
        else:                                     # the common case: step(x, y)
            leaves, treedef = args, len(args)
        # shapes and dtypes are not in it: jax.jit retraces by itself when they change
        signature = (tuple([(id(t), t._requires_grad, t._grad is None) for t in tensors]),
                     hyper, treedef, tape.is_grad_enabled(),
                     tuple([x._requires_grad if isinstance(x, Tensor) else (x,)
                            for x in leaves]))
        program = self._programs.get(signature)
        if program is None:
            program = self._programs[signature] = _Program(self, tensors, treedef, leaves)
        storages = _storages_of(tensors)
        arg_arrays = [x._value() for x in leaves if isinstance(x, Tensor)]
        if self.placement is not None:
            self.placement.put_state(storages)
            arg_arrays = self.placement.split_batch(arg_arrays)
        result = program.run(storages, arg_arrays)
        if program.created:     # it made Python objects (buffers): they exist now, so a
            del self._programs[signature]         # later call with this signature traces
        return result


class _Program:
    """One compiled step, for one signature, and how to map its outputs back."""

    def __init__(self, compiled, tensors, treedef, leaves):
        self.compiled, self.tensors, self.treedef = compiled, tensors, treedef
        # an argument leaf is a tensor (its requires_grad is kept) or a constant
        self.leaves = [(True, x._requires_grad) if isinstance(x, Tensor) else (False, x)
                       for x in leaves]
        # filled in while tracing: what each output of the program is
        self.changed: tuple[int, ...] = ()   # indices of the storages the step wrote
        # (tensor index, replaced): .grad replaced, or set to None
        self.grads: tuple[tuple[int, bool], ...] = ()
        self.created: tuple[Tensor, ...] = ()  # tensors the step added to the state (buffers)
        self.written: tuple[int, ...] = ()   # indices of the tensors whose versions go up
        self.grads_written: tuple[int, ...] = ()  # ... and of those whose (kept) .grad's do
        # (treedef, which leaves are tensors) of the return value
        self.result: tuple[Any, tuple[bool, ...]] = (None, ())
        self.jitted = jax.jit(self.trace)

    def trace(self, state_arrays, arg_arrays, key):
        """The pure function JAX compiles: state, arguments and the random key in, new
        state and the next key out."""
        self.compiled.traces += 1
        generator, numpy_rng = ops.default_generator, ops.default_generator._rng
        generator._rng = _KeyStream(key)      # draws become part of the program
        storages = _storages_of(self.tensors)
        saved = [[getattr(t, name) for name in _RESTORED] for t in self.tensors]
        saved_grads = [t._grad for t in self.tensors]
        saved_arrays = [s.array for s in storages]
        hosts = [s.host for s in storages]      # NumPy arrays (numpy()) wait outside the trace
        for s, a in zip(storages, state_arrays):
            s.host = None
            _put(s, a)
        try:
            arrays = iter(arg_arrays)
            leaves = [make_tensor(next(arrays), x) if is_tensor else x
                      for is_tensor, x in self.leaves]
            if isinstance(self.treedef, int):
                args, kwargs = leaves, {}
            else:
                args, kwargs = jax.tree_util.tree_unflatten(self.treedef, leaves)
            result = self.compiled.step_fn(*args, **kwargs)
            outputs = self._outputs(storages, state_arrays, saved_grads, result)
            stream = generator._rng
            key = stream.key if stream.drawn else None              # no draws: no new key
            placement = self.compiled.placement
            if placement is not None:  # the new state (and key) replicated, as it came in
                *state, returned = outputs
                state, key = placement.keep_replicated((state, key))
                outputs = (*state, returned)
            return outputs, key
        finally:                       # no tracer may outlive the trace
            generator._rng = numpy_rng
            for t, values in zip(self.tensors, saved):
                for name, value in zip(_RESTORED, values):
                    setattr(t, name, value)
            for s, a, host in zip(storages, saved_arrays, hosts):
                _put(s, a)
                s.host = host

    def _outputs(self, storages, inputs, saved_grads, result):
        """Read what the step did to the state; remember how to write it back."""
        for t in self.tensors:
            if t.grad_fn is not None or t._storage not in storages:
                raise RuntimeError(
                    "autodiff.compile: the step must update its state in place under "
                    "autodiff.no_grad() (a state tensor has a grad_fn or a new .data)")
        self.changed = tuple(i for i, (s, a) in enumerate(zip(storages, inputs))
                             if s.array is not a)
        written = {id(storages[i]) for i in self.changed}
        # the version counters an eager step would have bumped (a graph that saved a
        # parameter before the step must not backpropagate through its new value)
        self.written = tuple(i for i, t in enumerate(self.tensors)
                             if id(t._storage) in written)
        self.grads_written = tuple(i for i, (t, before) in enumerate(zip(self.tensors,
                                                                         saved_grads))
                                   if t._grad is before is not None
                                   and id(before._storage) in written)
        self.grads = tuple((i, t._grad is not None) for i, (t, before)
                           in enumerate(zip(self.tensors, saved_grads)) if t._grad is not before)
        known = {id(t) for t in self.tensors}
        self.created = tuple(t for t in _find_state(self.compiled.state)[0]
                             if id(t) not in known)
        leaves, treedef = jax.tree_util.tree_flatten(result)
        self.result = (treedef, tuple(isinstance(x, Tensor) for x in leaves))
        return ([storages[i].array for i in self.changed],
                [self.tensors[i]._grad._value() for i, replaced in self.grads if replaced],
                [t._value() for t in self.created],
                [x._value() if isinstance(x, Tensor) else x for x in leaves])

    def run(self, storages, arg_arrays):
        """Call the compiled program and write its outputs back into the state."""
        (changed, grads, created, result), key = self.jitted(
            [s.array for s in storages], arg_arrays, self.compiled._key)
        if key is not None:
            self.compiled._key = key
        for i, a in zip(self.changed, changed):
            _put(storages[i], a)
        for i in self.written:
            self.tensors[i]._vc[0] += 1
        for i in self.grads_written:
            self.tensors[i]._grad._vc[0] += 1
        new_grads = iter(grads)
        for i, replaced in self.grads:
            self.tensors[i]._grad = make_tensor(next(new_grads)) if replaced else None
        for t, a in zip(self.created, created):
            _put(t._shared_storage(), a)
        treedef, is_tensor = self.result
        return jax.tree_util.tree_unflatten(
            treedef, [make_tensor(x) if slot else x for x, slot in zip(result, is_tensor)])


class _Placement:
    """Where the arrays of a data-parallel step go on a device mesh: the state replicated
    on every device, each tensor argument split along its first dimension over them all.
    ``jax.jit`` compiles the step for the placements of its inputs."""

    def __init__(self, mesh):
        # axes of the "auto" kind: JAX's partitioner decides how each op inside the step
        # is split (on "explicit" axes, jax.make_mesh's default, every op whose output's
        # placement is ambiguous -- a matmul summing over the batch -- would have to say)
        names = mesh.axis_names
        mesh = Mesh(mesh.devices, names, axis_types=(AxisType.Auto,) * len(names))
        self.devices = mesh.size
        self.replicated = NamedSharding(mesh, PartitionSpec())
        # the batch dimension over every axis of the mesh (several axes: hosts x devices)
        self.split = NamedSharding(mesh, PartitionSpec(names[0] if len(names) == 1 else names))

    def replicate(self, array):
        return (array if array.sharding == self.replicated
                else jax.device_put(array, self.replicated))

    def put_state(self, storages):
        """Replicate the state's arrays that are not yet (the first call, new tensors)."""
        for s in storages:
            if s.array.sharding != self.replicated:
                _put(s, jax.device_put(s.array, self.replicated))

    def split_batch(self, arrays):
        """The arguments' arrays split along their first dimension (0-d: replicated)."""
        placed = []
        for a in arrays:
            if a.ndim == 0:
                placed.append(self.replicate(a))
                continue
            if a.shape[0] % self.devices:
                raise ValueError(
                    f"autodiff.compile: a data-parallel step splits every tensor argument "
                    f"along its first dimension over the mesh's {self.devices} devices; "
                    f"an argument has shape {tuple(a.shape)}. Pass batches whose first "
                    f"dimension is a multiple of {self.devices}, and tensors that are not "
                    "per-example in state= (replicated).")
            placed.append(a if a.sharding == self.split else jax.device_put(a, self.split))
        return placed

    def keep_replicated(self, arrays):
        """Inside the traced step: the new state stays replicated, whatever XLA would
        infer (the all-reduce of the gradients is what makes it so)."""
        return jax.lax.with_sharding_constraint(arrays, self.replicated)


def _put(storage, array):
    """Put ``array`` into ``storage``; every tensor over it will re-read it."""
    storage.array = array
    storage.version += 1


def _storages_of(tensors):
    """The distinct storages of the state tensors and of their ``.grad``, in order."""
    return list(dict.fromkeys(x._shared_storage() for t in tensors for x in (t, t._grad)
                              if x is not None))


def _find_state(state):
    """Walk ``state``: the Tensors in it, in a fixed order, and the numbers in it
    (hyperparameters, part of a program's signature)."""
    tensors, numbers, seen, stack = [], [], set(), [state]
    while stack:
        obj = stack.pop()
        if isinstance(obj, Tensor):
            if id(obj) not in seen:
                seen.add(id(obj))
                tensors.append(obj)
        elif isinstance(obj, _HYPERPARAMETER):
            numbers.append(obj)
        elif id(obj) not in seen:
            seen.add(id(obj))
            if isinstance(obj, (list, tuple)):
                stack.extend(reversed(obj))
            elif isinstance(obj, dict):
                for k, v in reversed(obj.items()):       # keys too: optimizer.state[param]
                    stack += (v, k)
            elif not isinstance(obj, _NOT_STATE) and hasattr(obj, "__dict__"):
                stack.extend(reversed(vars(obj).values()))
    return tensors, tuple(numbers)


class _KeyStream:
    """What the default generator draws from while a step is traced: NumPy's generator
    methods, answered by ``jax.random`` from a key that is split at every draw, so that
    each call of the compiled step draws new numbers."""

    def __init__(self, key):
        self.key, self.drawn = key, False

    def _next(self):
        self.key, key = jax.random.split(self.key)
        self.drawn = True
        return key

    def random(self, shape):
        return jax.random.uniform(self._next(), shape)

    def uniform(self, low, high, shape):
        return jax.random.uniform(self._next(), shape, minval=low, maxval=high)

    def standard_normal(self, shape):
        return jax.random.normal(self._next(), shape)

    def normal(self, mean, std, shape):
        return mean + std * jax.random.normal(self._next(), shape)

    def integers(self, low, high, shape):
        return jax.random.randint(self._next(), shape, low, high)

    def permutation(self, n):
        return jax.random.permutation(self._next(), n)

