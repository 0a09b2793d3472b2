"""Shapes and views: ``view``, ``reshape``, ``permute``, ``squeeze``, ``expand``,
``narrow``, ``select``, ``split``, ``diagonal``... share their input's storage; ``cat``,
``stack``, ``flip``, ``roll``, ``tril`` copy. A view row's forward, applied to an index array,
says which elements it covers; its gradient is mapped back by the inverse view."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Optional, Sequence, Union

import builtins
import functools
import itertools
import math

import jax
import jax.numpy as jnp
import numpy as np

from .. import dtypes as D, tape
from ..dtypes import Dims
from ..tape import RULES, Tensor, apply, row
from ._common import (_broadcast_shapes, _CastRule, _dims, _expanded_shape, _not_implemented,
                      _scatter_through_view, _select_put, _slice_put, _span,
                      _unsafe_view, _window, _zeros, alias_row, exported, method, methods,
                      sizes_given, sizes_method)
from .creation import empty


def broadcast_shapes(*shapes: Sequence[int]) -> D.Size:
    """The shape that ``shapes`` broadcast to (torch's broadcasting rules and errors)."""
    out = ()
    for s in shapes:
        out = _broadcast_shapes(out, tuple(s))
    return D.Size(out)


def meshgrid(*tensors: Tensor | Sequence[Tensor],
             indexing: Optional[str] = None) -> tuple[Tensor, ...]:
    """Grids of coordinates: the i-th 1-D input viewed along dim i and expanded to every
    input's length (ExpandBackward0); ``indexing="xy"`` swaps the first two dims."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    if indexing is None:
        tape.warn_once("autodiff.meshgrid: in an upcoming release, it will be required to "
                        "pass the indexing argument.")
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError('autodiff.meshgrid: indexing must be one of "xy" or "ij", but '
                           f"received: {indexing}")
    swap = indexing == "xy" and len(tensors) >= 2       # the first two trade places
    if swap:
        tensors = (tensors[1], tensors[0], *tensors[2:])
    shape = [t.numel() for t in tensors]
    grids = [t.view([-1 if i == j else 1 for j in range(len(tensors))]).expand(shape)
             for i, t in enumerate(tensors)]
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


def broadcast_tensors(*tensors: Tensor) -> tuple[Tensor, ...]:
    """The tensors expanded to their common shape (each already of that shape: itself).

    >>> import autodiff
    >>> a, b = autodiff.broadcast_tensors(autodiff.ones(2, 1), autodiff.zeros(3))
    >>> a.shape, b.shape
    (autodiff.Size([2, 3]), autodiff.Size([2, 3]))
    """
    shape = broadcast_shapes(*(t.shape for t in tensors))
    return tuple(t if t.shape == shape else t.expand(shape) for t in tensors)


@method
def diagflat(input: Tensor, offset: int = 0) -> Tensor:
    """The flattened ``input`` on the ``offset`` diagonal of a new matrix (DiagEmbedBackward0)."""
    return diag_embed(ravel(input), offset)


def _starts(sizes):
    out, acc = [], 0
    for s in sizes:
        out.append(acc)
        acc += s
    return out


# block_diag puts the matrices (a vector: one row, a number: 1x1) along a diagonal of
# zeros; each gets its block of the gradient back (torch's block_diag_backward: two
# slices, squeezed for a vector or a number)
def _block_shape(shape):
    return (tuple(shape) if len(shape) == 2 else (1, *shape) if len(shape) == 1 else (1, 1))


def _block_diag(tensors, shapes):
    blocks = [_block_shape(s) for s in shapes]
    out = jnp.zeros((sum(r for r, _ in blocks), sum(c for _, c in blocks)), tensors[0].dtype)
    for x, (r, c), i, j in zip(tensors, blocks, _starts(b[0] for b in blocks),
                               _starts(b[1] for b in blocks)):
        out = out.at[i:i + r, j:j + c].set(x.reshape(r, c))
    return out


def _block_diag_backward(grad, shapes):
    blocks = [_block_shape(s) for s in shapes]
    grads = []
    for shape, (r, c), i, j in zip(shapes, blocks, _starts(b[0] for b in blocks),
                                   _starts(b[1] for b in blocks)):
        if tuple(shape) == (0,):
            grads.append(_zeros((0,), grad))
            continue
        block = grad.narrow(0, i, r).narrow(1, j, c)
        for _ in range(2 - len(shape)):
            block = block.squeeze(-1)
        grads.append(block)
    return tuple(grads)


row("block_diag", "BlockDiagBackward0", lambda *tensors, shapes: _block_diag(tensors, shapes),
    lambda grad, shapes: _block_diag_backward(grad, shapes))


def block_diag(*tensors: Tensor) -> Tensor:
    """The matrices on the diagonal of a matrix of zeros, in order (a vector counts as one
    row, a number as 1x1; BlockDiagBackward0).

    >>> import autodiff
    >>> autodiff.block_diag(autodiff.tensor([[1, 2]]), autodiff.tensor(3))
    tensor([[1, 2, 0],
            [0, 0, 3]])
    """
    if not tensors:
        return empty(1, 0)
    for i, t_ in enumerate(tensors):
        if t_.ndim > 2:
            raise RuntimeError(f"autodiff.block_diag: Input tensors must have 2 or fewer "
                               f"dimensions. Input {i} has {t_.ndim} dimensions")
    dt = functools.reduce(D.promote_types, (t_.dtype for t_ in tensors))
    rule = RULES["block_diag"] if builtins.all(t_.dtype is dt for t_ in tensors) else \
        _CastRule(RULES["block_diag"], dt)
    return apply(rule, *tensors, shapes=tuple(tuple(t_.shape) for t_ in tensors))


def cartesian_prod(*tensors: Tensor) -> Tensor:
    """The rows of every combination of the vectors' elements, as torch composes it: a
    meshgrid (``"ij"``), each grid flattened, stacked along dim 1.

    >>> import autodiff
    >>> autodiff.cartesian_prod(autodiff.tensor([1, 2]), autodiff.tensor([5, 6]))
    tensor([[1, 5],
            [1, 6],
            [2, 5],
            [2, 6]])
    """
    for t_ in tensors:
        if t_.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t_.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    return stack([g.flatten() for g in meshgrid(*tensors, indexing="ij")], 1)


# unfold: a view of the windows of ``size`` elements, ``step`` apart, along a dim (a new
# last dim); the gradient adds each window's back where it came from (unfold_backward,
# whose own gradient unfolds again)
def _unfold_windows(x, *, dimension, size, step):
    if x.ndim == 0:
        return x.reshape(1)
    windows = jnp.arange((x.shape[dimension] - size) // step + 1)[:, None] * step + \
        jnp.arange(size)
    return jnp.moveaxis(jnp.take(x, windows, axis=dimension), dimension + 1, -1)


row("unfold_backward", "UnfoldBackwardBackward0",
    lambda grad_in, *, input_sizes, dim, size, step: _scatter_through_view(
        grad_in, input_sizes, functools.partial(_unfold_windows, dimension=dim, size=size, step=step)),
    lambda grad, input_sizes, dim, size, step: (tape.apply(
        RULES["unfold"], grad, dimension=dim, size=size, step=step,
        self_sym_sizes=input_sizes),))
row("unfold", "UnfoldBackward0",
    lambda self, *, dimension, size, step, self_sym_sizes: _unfold_windows(
        self, dimension=dimension, size=size, step=step),
    lambda grad, dimension, size, step, self_sym_sizes: (tape.apply(
        RULES["unfold_backward"], grad, input_sizes=self_sym_sizes, dim=dimension, size=size,
        step=step),), view=True)


def _unfold(input: Tensor, dimension: int, size: int, step: int) -> Tensor:
    """``x.unfold(dimension, size, step)``: a view of the windows of ``size`` elements,
    ``step`` apart, along ``dimension``, as a new last dim (UnfoldBackward0).

    >>> import autodiff
    >>> autodiff.arange(5).unfold(0, 2, 2)
    tensor([[0, 1],
            [2, 3]])
    """
    dimension = tape.wrap_dim(dimension, input.ndim)
    n = input.shape[dimension] if input.ndim else 1
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {dimension} is {n} but size "
                           f"is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    return apply(RULES["unfold"], input, dimension=dimension, size=size, step=step,
                 self_sym_sizes=input._array.shape)


Tensor.unfold = _unfold


def _stride(input: Tensor, dim: Optional[int] = None) -> Union[tuple[int, ...], int]:
    """``x.stride()``: how far apart in memory consecutive elements of each dim are, as
    torch has them (a view's follow from its base's).

    >>> import autodiff
    >>> x = autodiff.zeros(2, 3)
    >>> x.stride(), x.t().stride(), x.unfold(1, 2, 1).stride()
    ((3, 1), (1, 3), (3, 1, 1))
    """
    strides = tuple(int(s) for s in _strides(input))
    return strides if dim is None else strides[tape.wrap_dim(dim, input.ndim)]


Tensor.stride = _stride


def _storage_offset(input: Tensor) -> int:
    """``x.storage_offset()``: where its first element sits in the memory it shares with
    its base (0 for a tensor that is no view).

    >>> import autodiff
    >>> autodiff.zeros(3, 4)[1:, 2].storage_offset()
    6
    """
    if input._view is None or not input._array.size:
        return 0
    return int(np.asarray(input._flat_index()).flat[0])


Tensor.storage_offset = _storage_offset


def _reversed(self: Tensor) -> Tensor:
    """``reversed(x)``: ``x`` flipped along its first dim (a 0-d tensor: itself)."""
    return self.flip(0) if self.ndim else self


def _delitem(self: Tensor, key: object) -> None:
    raise TypeError("Tensor does not support deleting items")


Tensor.__reversed__, Tensor.__delitem__ = _reversed, _delitem


def _dim_order(input: Tensor, *, ambiguity_check: object = False) -> tuple[int, ...]:
    """The dims from outermost to innermost in memory: sorted by stride, largest first.

    >>> import autodiff
    >>> autodiff.zeros(2, 3, 4).permute(2, 0, 1).dim_order()
    (1, 2, 0)
    """
    strides = _strides(input)
    return tuple(sorted(range(input.ndim), key=lambda d: -strides[d]))


Tensor.dim_order = _dim_order


# tril/triu keep a triangle: the gradient keeps the same one
row("tril", "TrilBackward0", lambda self, *, diagonal: jnp.tril(self, diagonal),
    lambda grad, diagonal: (tape.apply(RULES["tril"], grad, diagonal=diagonal),))


@method(inplace=tape.inplace_unary)
def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    """The lower triangle of the last two dims, above ``diagonal`` zeroed (TrilBackward0)."""
    if input.ndim < 2:
        raise RuntimeError("tril: input tensor must have at least 2 dimensions")
    return apply(RULES["tril"], input, diagonal=diagonal)


row("triu", "TriuBackward0", lambda self, *, diagonal: jnp.triu(self, diagonal),
    lambda grad, diagonal: (tape.apply(RULES["triu"], grad, diagonal=diagonal),))


@method(inplace=tape.inplace_unary)
def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    """The upper triangle of the last two dims, below ``diagonal`` zeroed (TriuBackward0)."""
    if input.ndim < 2:
        raise RuntimeError("triu: input tensor must have at least 2 dimensions")
    return apply(RULES["triu"], input, diagonal=diagonal)


# repeat tiles the input: each element's gradient is the sum over its copies (torch's
# repeat_backward: leading new dims summed, then each repeated dim split and summed)
def _repeat_backward(grad, repeats, self_sym_sizes):
    if 0 in repeats:
        return _zeros(self_sym_sizes, grad)
    for _ in range(grad.ndim - len(self_sym_sizes)):
        grad = grad.sum(0)
    size, sum_dims = [], []
    for repeat, n in zip(repeats[len(repeats) - len(self_sym_sizes):], self_sym_sizes):
        if repeat != 1:
            size.append(repeat)
            sum_dims.append(len(size) - 1)
        size.append(n)
    grad = grad.reshape(size)
    return grad.sum(tuple(sum_dims)) if sum_dims else grad


row("repeat", "RepeatBackward0",
    lambda self, *, repeats, self_sym_sizes: jnp.tile(self, repeats),
    lambda grad, repeats, self_sym_sizes: (_repeat_backward(grad, repeats, self_sym_sizes),))


def _repeat(input: Tensor, /, *repeats: int | Sequence[int], **by_name: Sequence[int]) -> Tensor:
    """``x.repeat(*sizes)``: ``x`` tiled ``sizes`` times along each dim (new leading dims
    where there are more sizes than dims; RepeatBackward0)."""
    if by_name:                                     # x.repeat(repeats=(2, 1))
        repeats = sizes_given("repeat", "repeats", repeats, by_name, only=True)
    repeats = tape.ints_arg("repeat", "repeats", 2, repeats)
    if len(repeats) < input.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than "
                           "number of dimensions of tensor")
    shape = (1,) * (len(repeats) - input.ndim) + tuple(input.shape)
    tape.nonnegative([n * r for n, r in zip(shape, repeats)])
    return apply(RULES["repeat"], input, repeats=tuple(repeats), self_sym_sizes=input.shape)


Tensor.repeat = _repeat


def _infer_size(size, numel):
    """``size`` with its -1 (if any) worked out from ``numel``: torch's ``infer_size``."""
    size = list(size)
    if size.count(-1) > 1 or size and builtins.min(size) < -1:     # (torch's error first)
        for i, n in enumerate(size):
            if n == -1 and size.index(-1) < i:
                raise RuntimeError("only one dimension can be inferred")
            if n < -1:
                raise RuntimeError(f"invalid shape dimension {n} at index {i} of shape {size}")
    if -1 in size:
        known = math.prod(s for s in size if s != -1)
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(size)}' is invalid for input of size {numel}")
        size[size.index(-1)] = numel // known
    if math.prod(size) != numel:
        raise RuntimeError(f"shape '{list(size)}' is invalid for input of size {numel}")
    return tuple(size)


# the adjoint of a view: scatter-add through its index map (and back again)
row("view_backward", "AsStridedBackward0",
    lambda grad, *, self_sym_sizes, view: _scatter_through_view(grad, self_sym_sizes, view),
    lambda grad, self_sym_sizes, view: (tape.apply(RULES["index"], grad, key=None,
                                                   view=view, self_sym_sizes=self_sym_sizes),))
# Views: the result shares the input's storage; the forward, applied to an index array,
# says which elements it covers. The gradient is mapped back by the inverse view.
row("view", "ViewBackward0", lambda self, *, size, self_sym_sizes: jnp.reshape(self, size),
    lambda grad, size, self_sym_sizes: (grad.reshape(self_sym_sizes),), view=True)


@method
def resize_(self: Tensor, *sizes: int | Sequence[int], memory_format: object = None) -> Tensor:
    """Give ``self`` a new shape in place, keeping its first elements in order (new ones
    are zeros: torch leaves them uninitialised). Not recorded: a tensor that requires grad
    cannot be resized (torch's error)."""
    if self.requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    if self._storage is not None:
        raise RuntimeError("autodiff: resize_ of a tensor that shares its storage (a view, "
                           "or a tensor with views or aliases) is not supported")
    size = tape.ints_arg("resize_", "size", 2, sizes)
    if builtins.any(n < 0 for n in size):          # (torch's words for it)
        raise RuntimeError("numel: integer multiplication overflow")
    flat, n = self._value().reshape(-1), math.prod(size)
    grown = jnp.concatenate([flat, jnp.zeros(builtins.max(n - flat.size, 0), flat.dtype)])
    self._set_array(grown[:n].reshape(size))
    return self


@method
def resize_as_(self: Tensor, the_template: Tensor, memory_format: object = None) -> Tensor:
    """``self.resize_(the_template.shape)``."""
    return resize_(self, the_template.shape)


@method
def view(input: Tensor, *size: int | Sequence[int], **by_name: Sequence[int]) -> Tensor:
    """The same elements under a new shape, sharing storage (ViewBackward0).

    >>> import autodiff
    >>> autodiff.arange(6).view(2, 3)
    tensor([[0, 1, 2],
            [3, 4, 5]])
    """
    if by_name:                                     # x.view(size=(2, 3))
        size = sizes_given("view", "size", size, by_name, only=True)
    if len(size) == 1 and isinstance(size[0], D.dtype):
        raise NotImplementedError("autodiff: view(dtype) is not supported")
    size = _infer_size(tape.ints_arg("view", "size", 2, size, first=input), input.numel())
    if not _viewable(input, size):
        raise RuntimeError("view size is not compatible with input tensor's size and stride "
                           "(at least one dimension spans across two contiguous subspaces). "
                           "Use .reshape(...) instead.")
    return apply(RULES["view"], input, size=size, self_sym_sizes=input._array.shape)


Tensor.view_as = lambda self, other: view(self, other.shape)


# reshape's view of a tensor whose elements are not in order (torch's _reshape_alias)
row("reshape_alias", "ReshapeAliasBackward0",
    lambda self, *, size, self_sym_sizes: jnp.reshape(self, size),
    lambda grad, size, self_sym_sizes: (grad.reshape(self_sym_sizes),), view=True)


def reshape(input: Tensor, shape: Sequence[int]) -> Tensor:
    """A view when the elements' layout allows it, a copy otherwise (as torch): of
    elements in order ViewBackward0, of others ReshapeAliasBackward0."""
    size = _infer_size(tape.ints_arg("reshape", "shape", 2, shape, form="list"), input.numel())
    if _viewable(input, size):
        rule = RULES["view"] if _is_contiguous(input) else RULES["reshape_alias"]
        return apply(rule, input, size=size, self_sym_sizes=input._array.shape)
    return _unsafe_view(clone(input), size)


sizes_method(reshape, "shape")
Tensor.reshape_as = lambda self, other: reshape(self, other.shape)


def _contiguous_strides(shape):
    return tuple(math.prod(builtins.max(n, 1) for n in shape[d + 1:])
                 for d in range(len(shape)))


def _strides(t):
    """``t``'s strides as torch has them: a view's follow from its base's by torch's rule
    for that view (``_VIEW_STRIDES``), which also gives dims of size 1 theirs (an
    unsqueezed dim's is its neighbour's extent) -- reshape's choice depends on them. A
    view without a rule (one re-derived after an in-place write) reads its strides off
    its index map, 1 for dims of size 1."""
    chain = []                                  # the views down to the root, innermost last
    while t._view is not None:
        base, fn = t._view
        rule = _VIEW_STRIDES.get(getattr(fn, "func", None))
        if rule is None:
            break
        chain.append((rule, base._array.shape, fn.keywords))
        t = base
    shape = t._array.shape
    if t._view is None:
        strides = _contiguous_strides(shape)
    else:
        index = np.asarray(t._flat_index())
        strides = tuple(int(index[(0,) * d + (1,) + (0,) * (len(shape) - d - 1)] -
                            index.flat[0]) if n > 1 else 1 for d, n in enumerate(shape))
    for rule, base_shape, attrs in reversed(chain):
        strides = tuple(rule(base_shape, strides, **attrs))
    return strides


def _compute_stride(old_shape, old_stride, new_shape):
    """ATen's ``computeStride``: the strides of ``new_shape`` as a view of a tensor of
    ``old_shape`` and ``old_stride``, or None where no view can be: it walks the dims from
    the last, and each run of dims contiguous in memory must be re-chunked exactly by the
    new dims."""
    if not old_shape:
        return (1,) * len(new_shape)
    if math.prod(old_shape) == 0:
        if tuple(old_shape) == tuple(new_shape):
            return old_stride
        return _contiguous_strides([builtins.max(n, 1) for n in new_shape])
    new_stride = [0] * len(new_shape)
    view_d, chunk_base = len(new_shape) - 1, old_stride[-1]
    tensor_numel = view_numel = 1
    for d in range(len(old_shape) - 1, -1, -1):
        tensor_numel *= old_shape[d]
        if d == 0 or (old_shape[d - 1] != 1 and
                      old_stride[d - 1] != tensor_numel * chunk_base):
            while view_d >= 0 and (view_numel < tensor_numel or new_shape[view_d] == 1):
                new_stride[view_d] = view_numel * chunk_base
                view_numel *= new_shape[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return None
            if d > 0:
                chunk_base, tensor_numel, view_numel = old_stride[d - 1], 1, 1
    return new_stride if view_d == -1 else None


def _viewable(t, new_shape):
    """Whether ``new_shape`` can be a view of ``t`` (as torch decides, from strides)."""
    if t._view is None:
        return True
    return _compute_stride(t._array.shape, _strides(t), new_shape) is not None


def _expand_strides(shape, strides, *, size, self_sym_sizes):
    """ATen's ``inferExpandGeometry``: an expanded dim strides 0; a new leading dim
    strides as if contiguous over the dims after it."""
    out = [0] * len(size)
    for i in range(len(size) - 1, -1, -1):
        d = i - (len(size) - len(shape))
        if d >= 0:
            out[i] = strides[d] if shape[d] == size[i] else 0
        else:
            out[i] = (size[i + 1] * out[i + 1] if i + 1 < len(size) else 1) if size[i] == 1 else 0
    return out


def _squeezed_strides(shape, strides, dims):
    return [s for d, (n, s) in enumerate(zip(shape, strides)) if not (d in dims and n == 1)]


def _is_contiguous(t):
    if t._view is None:
        return True
    index = np.asarray(t._flat_index()).reshape(-1)
    return index.size == 0 or bool(np.all(np.diff(index) == 1))


Tensor.is_contiguous = lambda self, memory_format=None: _is_contiguous(self)


@method
def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """The dims ``start_dim`` to ``end_dim`` merged into one (a view when possible)."""
    if input.ndim == 0:
        return reshape(input, (1,))
    s = tape.wrap_dim(start_dim, input.ndim)
    e = tape.wrap_dim(end_dim, input.ndim)
    if s == e:
        return input
    shape = input.shape[:s] + (math.prod(input.shape[s:e + 1]),) + input.shape[e + 1:]
    return reshape(input, shape)


@method
def unflatten(input: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:
    """Dim ``dim`` split into ``sizes`` (a view when possible)."""
    if not sizes:                    # (torch's Tensor.unflatten asks this first, in Python)
        raise RuntimeError("unflatten: sizes must be non-empty")
    d = tape.wrap_dim(dim, input.ndim)
    sizes = tape.ints_arg("unflatten", "sizes", 3, sizes, form="list")
    return reshape(input, input.shape[:d] + sizes + input.shape[d + 1:])


# The in-place forms of view ops (``x.t_()``) give x itself the view's shape: each is
# recorded under its own node (TBackward1), with the out-of-place row's maths.

row("t", "TBackward0", lambda self: jnp.transpose(self), lambda grad: (grad.t(),), view=True)
alias_row("t_", "TBackward1", of="t")


def _check_t(input, name):
    if input.ndim > 2:
        raise RuntimeError(f"{name}() expects a tensor with <= 2 dimensions, but self is "
                           f"{input.ndim}D")


@method
def t(input: Tensor) -> Tensor:
    """The transpose of a matrix (TBackward0; a vector is returned as it is)."""
    _check_t(input, "t")
    return apply(RULES["t"], input)


@method
def t_(self: Tensor) -> Tensor:
    """``t()`` in place: ``self`` becomes its transpose (TBackward1)."""
    _check_t(self, "t_")
    return tape.inplace_view(self, RULES["t_"])


row("transpose", "TransposeBackward0", lambda self, *, dim0, dim1: jnp.swapaxes(self, dim0, dim1),
    lambda grad, dim0, dim1: (grad.transpose(dim0, dim1),), view=True)
alias_row("transpose_", "TransposeBackward1", of="transpose")


def _transposed_dims(input, dim0, dim1):
    n = input.ndim
    return {"dim0": tape.wrap_dim(dim0, n), "dim1": tape.wrap_dim(dim1, n)}


@method
def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """A view with dims ``dim0`` and ``dim1`` swapped (TransposeBackward0)."""
    return apply(RULES["transpose"], input, **_transposed_dims(input, dim0, dim1))


@method
def transpose_(self: Tensor, dim0: int, dim1: int) -> Tensor:
    """``transpose`` in place: ``self`` takes the swapped shape (TransposeBackward1)."""
    return tape.inplace_view(self, RULES["transpose_"], **_transposed_dims(self, dim0, dim1))


Tensor.mT = property(lambda self: transpose(self, -2, -1))  # type: ignore[assignment]


def _matrix_transpose(what, least=2):
    def conjugate_transpose(self):
        if self.ndim < least:
            raise RuntimeError(f"tensor.{what} is only supported on matrices or batches of "
                               f"matrices. Got {self.ndim}-D tensor.")
        return transpose(self, -2, -1)
    return conjugate_transpose


# The conjugate transposes: of a real tensor, its transpose (TransposeBackward0)
Tensor.mH = property(_matrix_transpose("mH"))  # type: ignore[assignment]


def _H(self):
    if self.ndim != 2:
        raise RuntimeError("tensor.H is only supported on matrices (2-D tensors). Got "
                           f"{self.ndim}-D tensor." + (" For batches of matrices, consider "
                                                       "using tensor.mH" if self.ndim > 2 else ""))
    return transpose(self, 0, 1)


Tensor.H = property(_H)  # type: ignore[assignment]


@method
def adjoint(input: Tensor) -> Tensor:
    """The conjugate transpose of the last two dims: of a real tensor, its transpose
    (TransposeBackward0).

    >>> import autodiff
    >>> autodiff.tensor([[1, 2], [3, 4]]).adjoint()
    tensor([[1, 3],
            [2, 4]])
    """
    return _matrix_transpose("adjoint()")(input)


swapaxes = swapdims = transpose
Tensor.swapaxes = Tensor.swapdims = transpose
Tensor.swapaxes_ = Tensor.swapdims_ = transpose_


# diag of a matrix copies its diagonal; diag of a vector (diag_embed) puts it on one;
# trace sums it. Their gradients: onto a diagonal of zeros, or the diagonal read back.
def _diagonal_positions(shape, offset, dim1, dim2):
    return jnp.diagonal(jnp.arange(math.prod(shape)).reshape(shape), offset, dim1, dim2)


row("diagonal_backward", "DiagonalBackwardBackward0",
    lambda grad, *, offset, dim1, dim2, input_sizes: jnp.zeros(
        math.prod(input_sizes), grad.dtype).at[_diagonal_positions(
            input_sizes, offset, dim1, dim2).reshape(-1)].set(grad.reshape(-1)).reshape(
                input_sizes),
    lambda grad, offset, dim1, dim2, input_sizes: (
        grad.diagonal(offset, dim1, dim2).clone(),))
# diagonal: a view of the (offset) diagonal of dims dim1, dim2, moved to the last dim; its
# gradient goes back onto that diagonal of zeros
row("diagonal", "DiagonalBackward0",
    lambda self, *, offset, dim1, dim2, self_sym_sizes: jnp.diagonal(self, offset, dim1, dim2),
    lambda grad, offset, dim1, dim2, self_sym_sizes: (tape.apply(
        RULES["diagonal_backward"], grad, offset=offset, dim1=dim1, dim2=dim2,
        input_sizes=self_sym_sizes),), view=True)


@method
def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """A view of the ``offset`` diagonal of dims ``dim1`` and ``dim2``, as the last dim
    (DiagonalBackward0)."""
    dim1, dim2 = tape.wrap_dim(dim1, input.ndim), tape.wrap_dim(dim2, input.ndim)
    if dim1 == dim2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return apply(RULES["diagonal"], input, offset=offset, dim1=dim1, dim2=dim2,
                 self_sym_sizes=input.shape)


def _diag_embed(x, offset, dim1, dim2):
    """The last dim of ``x`` written on the ``offset`` diagonal of new dims dim1, dim2."""
    n = x.shape[-1] + abs(offset)
    out_shape = list(x.shape[:-1])
    for d in sorted((dim1, dim2)):
        out_shape.insert(d, n)
    positions = _diagonal_positions(out_shape, offset, dim1, dim2)
    return jnp.zeros(math.prod(out_shape), x.dtype).at[positions.reshape(-1)].set(
        x.reshape(-1)).reshape(out_shape)


row("diag_embed", "DiagEmbedBackward0",
    lambda self, *, offset, dim1, dim2: _diag_embed(self, offset, dim1, dim2),
    lambda grad, offset, dim1, dim2: (grad.diagonal(offset, dim1, dim2),))


@method
def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """The last dim of ``input`` placed on the ``offset`` diagonal of two new dims
    (DiagEmbedBackward0)."""
    n = input.ndim + 1
    return apply(RULES["diag_embed"], input, offset=offset, dim1=tape.wrap_dim(dim1, n),
                 dim2=tape.wrap_dim(dim2, n))


row("diagonal_copy", "DiagonalBackward0_copy",
    lambda self, *, offset, dim1, dim2, self_sym_sizes: jnp.diagonal(self, offset, dim1, dim2),
    lambda grad, offset, dim1, dim2, self_sym_sizes: (tape.apply(
        RULES["diagonal_backward"], grad, offset=offset, dim1=dim1, dim2=dim2,
        input_sizes=self_sym_sizes),))


@method
def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """A vector on the ``diagonal`` of a new matrix, or a copy of a matrix's diagonal."""
    if input.ndim == 1:
        return diag_embed(input, diagonal, 0, 1)
    if input.ndim != 2:
        raise RuntimeError("diag(): Supports 1D or 2D tensors. Got " f"{input.ndim}D")
    return apply(RULES["diagonal_copy"], input, offset=diagonal, dim1=0, dim2=1,
                 self_sym_sizes=input.shape)


row("trace", "TraceBackward0", lambda self, *, self_sym_sizes: jnp.trace(self),
    lambda grad, self_sym_sizes: (tape.apply(       # (torch views a flat buffer: a view last)
        RULES["diagonal_backward"], grad.expand(min(self_sym_sizes)), offset=0, dim1=0,
        dim2=1, input_sizes=self_sym_sizes).view(self_sym_sizes),))


@method
def trace(input: Tensor) -> Tensor:
    """The sum of a matrix's diagonal (TraceBackward0)."""
    if input.ndim != 2:
        raise RuntimeError("trace: expected a matrix, but got tensor with dim "
                           f"{input.ndim}")
    return apply(RULES["trace"], input, self_sym_sizes=input.shape)


row("permute", "PermuteBackward0", lambda self, *, dims: jnp.transpose(self, dims),
    lambda grad, dims: (grad.permute(tuple(sorted(range(len(dims)), key=dims.__getitem__))),),
    view=True)


def permute(input: Tensor, dims: Sequence[int]) -> Tensor:
    """A view with the dims reordered (PermuteBackward0)."""
    dims = tape.ints_arg("permute", "dims", 2, dims, form="list")
    if len(dims) != input.ndim:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input "
                           f"does not match the length of the desired ordering of dimensions "
                           f"i.e. input.dim() = {input.ndim} is not equal to len(dims) = "
                           f"{len(dims)}")
    return apply(RULES["permute"], input, dims=tuple(tape.wrap_dim(d, input.ndim) for d in dims))


sizes_method(permute, "dims")


def _numpy_T(self: Tensor) -> Tensor:
    """``x.T``: the dims reversed (torch warns, once, when ``x`` is not a matrix)."""
    if self.ndim == 0:
        tape.warn_once("Tensor.T is deprecated on 0-D tensors. This function is the "
                        "identity in these cases.")
    elif self.ndim != 2:
        tape.warn_once(
            "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is "
            "deprecated and it will throw an error in a future release. Consider `x.mT` to "
            "transpose batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` "
            "to reverse the dimensions of a tensor.".replace("torch.", "autodiff."))
    return permute(self, tuple(reversed(range(self.ndim))))


Tensor.T = property(_numpy_T)  # type: ignore[assignment]  # (declared: a property)


# flip reverses dims; it is its own adjoint (used by the convolution's backward)
row("flip", "FlipBackward0", lambda self, *, dims: jnp.flip(self, dims),
    lambda grad, dims: (tape.apply(RULES["flip"], grad, dims=dims),))


def flip(input: Tensor, dims: Sequence[int]) -> Tensor:
    """The elements in reverse order along each of ``dims`` (a copy, as in torch); the
    method takes the dims one by one too."""
    dims = tape.ints_arg("flip", "dims", 2, dims, form="list")
    return apply(RULES["flip"], input, dims=_dims(dims, input.ndim))


sizes_method(flip, "dims")


# rot90 turns k quarter turns in the plane of dims; the gradient turns back
row("rot90", "Rot90Backward0", lambda self, *, k, dims: jnp.rot90(self, k, dims),
    lambda grad, k, dims: (tape.apply(RULES["rot90"], grad, k=-k, dims=dims),))


@method
def rot90(input: Tensor, k: int = 1, dims: Sequence[int] = (0, 1)) -> Tensor:
    """``input`` turned ``k`` quarter turns in the plane of ``dims``, from the first
    towards the second (Rot90Backward0)."""
    dims = tuple(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.ndim}")
    wrapped = tuple(tape.wrap_dim(d, input.ndim) for d in dims)
    if wrapped[0] == wrapped[1]:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {dims[0]} "
                           f"and dim1 = {dims[1]}")
    return apply(RULES["rot90"], input, k=k, dims=wrapped)


@method
def fliplr(input: Tensor) -> Tensor:
    """``flip`` of dim 1: columns in reverse order."""
    if input.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, (1,))


@method
def flipud(input: Tensor) -> Tensor:
    """``flip`` of dim 0: rows in reverse order."""
    if input.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, (0,))


row("alias", "AliasBackward0", lambda self: self, lambda grad: (grad,), view=True)


@method
def movedim(input: Tensor, source: Dims, destination: Dims) -> Tensor:
    """A view with dims ``source`` (one, or a sequence) moved to positions
    ``destination``, the others keeping their order: a permute, as torch (even one that
    moves nothing; a 0-d tensor's is an alias)."""
    src, dst = ([source] if isinstance(source, int) else list(source),
                [destination] if isinstance(destination, int) else list(destination))
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({src} dims) "
                           f"should contain the same number of dims as destination ({dst} "
                           f"dims)")
    n = input.ndim
    src, dst = [tape.wrap_dim(d, n) for d in src], [tape.wrap_dim(d, n) for d in dst]
    for name, dims in (("source", src), ("destination", dst)):
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({dims})")
    if n == 0:
        return apply(RULES["alias"], input)
    order = [-1] * n
    for s, d in zip(src, dst):
        order[d] = s
    rest = iter(d for d in range(n) if d not in src)
    order = [next(rest) if d == -1 else d for d in order]
    return permute(input, order)
moveaxis = movedim
Tensor.moveaxis = movedim


def _unsqueeze_to(grad, dims, sizes):
    """Put back the dims of size 1 among ``dims`` that squeeze removed."""
    dims = {d % max(len(sizes), 1) for d in dims}
    for d, size in enumerate(sizes):
        if d in dims and size == 1:
            grad = grad.unsqueeze(d)
    return grad


# squeeze removes dims of size 1: the gradient gets them back, one unsqueeze each
row("squeeze", "SqueezeBackward0", lambda self, *, self_sym_sizes: jnp.squeeze(self),
    lambda grad, self_sym_sizes: (_unsqueeze_to(grad, range(len(self_sym_sizes)),
                                                self_sym_sizes),), view=True)


def _squeezed(shape, dims):
    dims = {d % max(len(shape), 1) for d in dims}
    return tuple(s for i, s in enumerate(shape) if not (i in dims and s == 1))


row("squeeze_dim", "SqueezeBackward1",
    lambda self, *, dim, self_sym_sizes: jnp.reshape(self, _squeezed(self_sym_sizes, (dim,))),
    lambda grad, dim, self_sym_sizes: (_unsqueeze_to(grad, (dim,), self_sym_sizes),),
    view=True)
row("squeeze_dims", "SqueezeBackward2",
    lambda self, *, dim, self_sym_sizes: jnp.reshape(self, _squeezed(self_sym_sizes, dim)),
    lambda grad, dim, self_sym_sizes: (_unsqueeze_to(grad, dim, self_sym_sizes),), view=True)
alias_row("squeeze_matmul", "SqueezeBackward4", of="squeeze_dims")
alias_row("squeeze_", "SqueezeBackward3", of="squeeze")
alias_row("squeeze_dim_", "SqueezeBackward4", of="squeeze_dim")
alias_row("squeeze_dims_", "SqueezeBackward5", of="squeeze_dims")


def _squeeze_row(input, dim):
    """Which squeeze row (all dims, one, several) and its attributes."""
    sizes = input._array.shape
    if dim is None:
        return "squeeze", {"self_sym_sizes": sizes}
    if isinstance(dim, (tuple, list)):
        return "squeeze_dims", {"dim": _dims(tuple(dim), input.ndim), "self_sym_sizes": sizes}
    return "squeeze_dim", {"dim": tape.wrap_dim(dim, input.ndim), "self_sym_sizes": sizes}


@method
def squeeze(input: Tensor, dim: Optional[Dims] = None) -> Tensor:
    """A view without size-1 dims (all of them, or ``dim``)."""
    op, attrs = _squeeze_row(input, dim)
    return apply(RULES[op], input, **attrs)


@method
def squeeze_(self: Tensor, dim: Optional[Dims] = None) -> Tensor:
    """``squeeze`` in place (SqueezeBackward3, 4 or 5)."""
    op, attrs = _squeeze_row(self, dim)
    return tape.inplace_view(self, RULES[op + "_"], **attrs)


row("unsqueeze", "UnsqueezeBackward0", lambda self, *, dim: jnp.expand_dims(self, dim),
    lambda grad, dim: (grad.squeeze(dim),), view=True)
alias_row("unsqueeze_", "UnsqueezeBackward1", of="unsqueeze")


@method
def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """A view with a size-1 dim inserted at ``dim`` (UnsqueezeBackward0)."""
    return apply(RULES["unsqueeze"], input, dim=tape.wrap_dim(dim, input.ndim + 1))


@method
def unsqueeze_(self: Tensor, dim: int) -> Tensor:
    """``unsqueeze`` in place (UnsqueezeBackward1)."""
    return tape.inplace_view(self, RULES["unsqueeze_"], dim=tape.wrap_dim(dim, self.ndim + 1))


row("expand", "ExpandBackward0", lambda self, *, size, self_sym_sizes: jnp.broadcast_to(self, size),
    lambda grad, size, self_sym_sizes: (tape.sum_to(grad, self_sym_sizes),), view=True)


@method
def expand(input: Tensor, *sizes: int | Sequence[int], **by_name: Sequence[int]) -> Tensor:
    """A view repeating size-1 dims to ``sizes`` without copying (ExpandBackward0)."""
    if by_name:                                     # x.expand(size=(2, 3))
        sizes = sizes_given("expand", "size", sizes, by_name, only=True)
    shape = _expanded_shape(input, tape.ints_arg("expand", "size", 2, sizes))
    return apply(RULES["expand"], input, size=shape, self_sym_sizes=input._array.shape)


@method
def expand_as(input: Tensor, other: Tensor) -> Tensor:
    """``input.expand(other.shape)``."""
    return expand(input, other.shape)


@method
def broadcast_to(input: Tensor, size: Sequence[int]) -> Tensor:
    """``input`` expanded to ``size`` (a view; ExpandBackward0)."""
    return expand(input, tape.ints_arg("broadcast_to", "size", 2, size, form="list"))


row("slice_backward", "SliceBackwardBackward0",
    lambda grad_output, *, input_sizes, dim, start, end, step: _slice_put(
        jnp.zeros(input_sizes, grad_output.dtype), grad_output,
        _window(input_sizes[dim], start, end, step)[0], dim=dim, step=step),
    lambda grad, input_sizes, dim, start, end, step: (tape.apply(
        RULES["slice"], grad, dim=dim, start=start, end=end, step=step,
        self_sym_sizes=input_sizes),))


@functools.partial(jax.jit, static_argnames=("dim", "length", "step"))
def _slice_at(x, start, length, *, dim, step):
    window = jax.lax.dynamic_slice_in_dim(x, start, _span(length, step), dim)
    return jax.lax.slice_in_dim(window, 0, None, step, dim)


row("slice", "SliceBackward0",
    lambda self, *, dim, start, end, step, self_sym_sizes: _slice_at(
        self, *_window(self.shape[dim], start, end, step), dim=dim, step=step),
    lambda grad, dim, start, end, step, self_sym_sizes: (tape.apply(
        RULES["slice_backward"], grad, input_sizes=self_sym_sizes, dim=dim, start=start,
        end=end, step=step),),
    view=True)


@method
def narrow(input: Tensor, dim: int, start: int | Tensor, length: int) -> Tensor:
    """The view of ``length`` elements from ``start`` along ``dim`` (SliceBackward0); a
    negative start (a 0-d tensor too) counts from the end."""
    if isinstance(start, Tensor):
        if start.ndim or start.dtype.is_floating_point or start.dtype is D.bool_:
            raise RuntimeError("start must be an 0-dim integral Tensor.")
        start = int(start.item())
    if input.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    d = tape.wrap_dim(dim, input.ndim)
    size = input.shape[d]
    _check_start(start, size)
    if start < 0:
        start += size
    if start > size - length:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size "
                           f"({size}).")
    return apply(RULES["slice"], input, dim=d, start=start, end=start + length, step=1,
                 self_sym_sizes=input._array.shape)


def _check_start(start, size):
    """narrow's (and narrow_copy's) start: from -size to size."""
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], "
                         f"but got {start})")


# narrow_copy: narrow's elements as a new tensor; the gradient goes back into zeros (torch
# slices them from ``start`` to ``start + length`` as given: where a negative start reaches
# 0 or beyond, an empty slice, so zero gradients)
row("narrow_copy", "NarrowCopyBackward0",
    lambda self, *, dim, start, length, self_sym_sizes: jax.lax.slice_in_dim(
        self, start % builtins.max(self.shape[dim], 1),
        start % builtins.max(self.shape[dim], 1) + length, axis=dim),
    lambda grad, dim, start, length, self_sym_sizes: (
        _zeros(self_sym_sizes, grad) if start < 0 <= start + length else tape.apply(
        RULES["slice_backward"], grad, input_sizes=self_sym_sizes, dim=dim, start=start,
        end=start + length, step=1),))


@method
def narrow_copy(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    """``narrow``'s elements, copied (NarrowCopyBackward0).

    >>> import autodiff
    >>> autodiff.arange(5).narrow_copy(0, 1, 3)
    tensor([1, 2, 3])
    """
    if input.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = tape.wrap_dim(dim, input.ndim)
    n = input.shape[d]
    _check_start(start, n)
    if length < 0 or start % builtins.max(n, 1) + length > n:
        raise RuntimeError(f"start ({start % builtins.max(n, 1)}) + length ({length}) exceeds "
                           f"dimension size ({n}).")
    return apply(RULES["narrow_copy"], input, dim=d, start=start, length=length,
                 self_sym_sizes=input._array.shape)


@method
def sum_to_size(input: Tensor, *size: int | Sequence[int]) -> Tensor:
    """``input`` summed down to ``size``, which must broadcast to its shape (the gradient
    of a broadcast: SumBackward1, ViewBackward0 where leading dims go).

    >>> import autodiff
    >>> autodiff.ones(2, 3).sum_to_size(1, 3)
    tensor([[2., 2., 2.]])
    """
    shape = tape.ints_arg("sum_to_size", "size", 2, size)
    target = tuple(input.shape)
    lead = len(target) - len(shape)
    if lead < 0 or builtins.any(s != 1 and s != target[i + lead] for i, s in enumerate(shape)):
        raise RuntimeError(f"size {{{list(shape)}}} is not expandable to size {{{list(target)}}}.")
    return tape.sum_to(input, shape)


# ... their gradients put back into zeros, whose own gradients select and slice again
row("select_backward", "SelectBackwardBackward0",
    lambda grad_output, *, input_sizes, dim, index: _select_put(
        jnp.zeros(input_sizes, grad_output.dtype), grad_output, index, dim=dim),
    lambda grad, input_sizes, dim, index: (tape.apply(
        RULES["select"], grad, dim=dim, index=index, self_sym_sizes=input_sizes),))


# Reading and writing at an index, or a slice, along one dim. The position is an operand
# of the compiled kernel (lax.dynamic_slice), not part of it: a loop over rows, `x[i]` for
# a thousand i, compiles one kernel per shape, not one per index.
@functools.partial(jax.jit, static_argnames="dim")
def _select_at(x, index, *, dim):
    return jax.lax.dynamic_index_in_dim(x, index, dim, keepdims=False)


# x[i] and x[a:b:c] along one dim: the gradient is scattered back into zeros
row("select", "SelectBackward0",
    lambda self, *, dim, index, self_sym_sizes: _select_at(self, index, dim=dim),
    lambda grad, dim, index, self_sym_sizes: (tape.apply(
        RULES["select_backward"], grad, input_sizes=self_sym_sizes, dim=dim, index=index),),
    view=True)


@method
def select(input: Tensor, dim: int, index: int) -> Tensor:
    """The view at ``index`` along ``dim``, that dim removed (SelectBackward0)."""
    if input.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = tape.wrap_dim(dim, input.ndim)
    size = input.shape[d]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(input.shape)} at dimension {d}")
    return apply(RULES["select"], input, dim=d, index=index % size, self_sym_sizes=input._array.shape)


@method
def as_strided(input: Tensor, size: Sequence[int], stride: Sequence[int],
               storage_offset: int = 0) -> Tensor:
    """The view whose element ``i`` is ``input``'s flat element ``offset + i * stride``."""
    index = storage_offset + builtins.sum(np.arange(n).reshape((-1,) + (1,) * (len(size) - k - 1)) * s
                                 for k, (n, s) in enumerate(zip(size, stride)))
    index = np.broadcast_to(index, tuple(size))
    if index.size and (index.min() < 0 or index.max() >= input.numel()):
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage "
                           f"offset {storage_offset}, and itemsize {input.dtype.itemsize} "
                           f"requiring a storage size of {(int(index.max()) + 1) * input.dtype.itemsize} "
                           f"are out of bounds for storage of size "
                           f"{input.numel() * input.dtype.itemsize}")
    return apply(RULES["as_strided"], input, view=tape.IndexView(jnp.asarray(index)),
                 self_sym_sizes=input._array.shape)


def _zeros_for_missing(grads, shapes):
    """The gradients, zeros (of ``shapes[i]``, or a present gradient's shape) where none
    reached output i."""
    present = next(g for g in grads if g is not None)
    return [g if g is not None else _zeros(present.shape if shape is None else shape, present)
            for g, shape in zip(grads, shapes)]


# Joining: the gradient is cut back into the pieces.
# unbind and split: several views of self along dim from one node, output i being view i.
# The gradients come back joined (stack / cat), zeros for the outputs none reached.
row("unbind", "UnbindBackward0", lambda self, *, dim: tuple(jnp.moveaxis(self, dim, 0)),
    lambda grads, dim: (tape.apply(RULES["stack"], *_zeros_for_missing(
        grads, [None] * len(grads)), dim=dim),), multi_view=True)


@method
def unbind(input: Tensor, dim: int = 0) -> tuple[Tensor, ...]:
    """The views along ``dim``, one per index: outputs of one UnbindBackward0 (writing
    into one in place is an error, as in torch)."""
    d = tape.wrap_dim(dim, input.ndim)
    if input.ndim == 0:
        raise IndexError(f"Dimension specified as {d} but tensor has no dimensions")
    shape = input._array.shape
    return tape.apply_views(RULES["unbind"], input, [
        (RULES["select"], dict(dim=d, index=i, self_sym_sizes=shape)) for i in range(shape[d])],
        dim=d)


def _split_sizes(split_size, n):
    return [min(split_size, n - start) for start in range(0, n, split_size)] or [0]


def _split(x, sizes, dim):
    return tuple(jnp.split(x, list(itertools.accumulate(sizes))[:-1], axis=dim))


def _cat_splits(grads, sizes, dim, self_sym_sizes):
    shapes = [tuple(n if d == dim else s for d, s in enumerate(self_sym_sizes)) for n in sizes]
    return tape.apply(RULES["cat"], *_zeros_for_missing(grads, shapes), dim=dim,
                      sizes=tuple(sizes))


row("split", "SplitBackward0",
    lambda self, *, split_size, dim, self_sym_sizes: _split(
        self, _split_sizes(split_size, self_sym_sizes[dim]), dim),
    lambda grads, split_size, dim, self_sym_sizes: (_cat_splits(
        grads, _split_sizes(split_size, self_sym_sizes[dim]), dim, self_sym_sizes),),
    multi_view=True)
row("split_with_sizes", "SplitWithSizesBackward0",
    lambda self, *, split_sizes, dim, self_sym_sizes: _split(self, split_sizes, dim),
    lambda grads, split_sizes, dim, self_sym_sizes: (_cat_splits(
        grads, split_sizes, dim, self_sym_sizes),), multi_view=True)


@method
def split(input: Tensor, split_size_or_sections: int | Sequence[int],
          dim: int = 0) -> tuple[Tensor, ...]:
    """Views of ``split_size_or_sections`` elements each along ``dim`` (a list: those
    sizes), outputs of one SplitBackward0 (SplitWithSizesBackward0)."""
    if input.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = tape.wrap_dim(dim, input.ndim)
    shape = input._array.shape
    if isinstance(split_size_or_sections, int):
        if split_size_or_sections < 0:
            raise RuntimeError(f"split expects split_size be non-negative, but got split_size="
                               f"{split_size_or_sections}")
        attrs: dict[str, object]
        rule, attrs = RULES["split"], dict(split_size=split_size_or_sections)
        sizes = _split_sizes(split_size_or_sections, shape[d])
    else:
        sizes = list(split_size_or_sections)
        if builtins.sum(sizes) != shape[d]:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to "
                               f"{shape[d]} (input tensor's size at dimension {d}), but got "
                               f"split_sizes={sizes}")
        rule, attrs = RULES["split_with_sizes"], dict(split_sizes=tuple(sizes))
    starts = np.cumsum([0] + sizes[:-1]).tolist()
    return tape.apply_views(rule, input, [
        (RULES["slice"], dict(dim=d, start=s, end=s + k, step=1, self_sym_sizes=shape))
        for s, k in zip(starts, sizes)], dim=d, self_sym_sizes=shape, **attrs)


@method
def split_with_sizes(input: Tensor, split_sizes: Sequence[int],
                     dim: int = 0) -> tuple[Tensor, ...]:
    """Views of the given sizes along ``dim``: ``split`` with a list
    (SplitWithSizesBackward0).

    >>> import autodiff
    >>> [t.tolist() for t in autodiff.arange(5).split_with_sizes([2, 3])]
    [[0, 1], [2, 3, 4]]
    """
    return split(input, list(split_sizes), dim)


# unsafe_split, unsafe_chunk, unsafe_split_with_sizes: split's pieces as new tensors, not
# views (torch's promise that none will be written in place); the gradient is split's
row("unsafe_split", "UnsafeSplitBackward0",
    lambda self, *, split_size, dim, self_sym_sizes: _split(
        self, _split_sizes(split_size, self_sym_sizes[dim]), dim),
    lambda grads, split_size, dim, self_sym_sizes: (_cat_splits(
        grads, _split_sizes(split_size, self_sym_sizes[dim]), dim, self_sym_sizes),),
    outputs=())
row("unsafe_split_with_sizes", "UnsafeSplitWithSizesBackward0",
    lambda self, *, split_sizes, dim, self_sym_sizes: _split(self, split_sizes, dim),
    lambda grads, split_sizes, dim, self_sym_sizes: (_cat_splits(
        grads, split_sizes, dim, self_sym_sizes),), outputs=())


@method
def unsafe_split(input: Tensor, split_size: int, dim: int = 0) -> tuple[Tensor, ...]:
    """``split``'s pieces as tensors of their own, not views (UnsafeSplitBackward0).

    >>> import autodiff
    >>> autodiff.arange(5).unsafe_split(2)
    (tensor([0, 1]), tensor([2, 3]), tensor([4]))
    """
    if input.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    if split_size < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size="
                           f"{split_size}")
    d = tape.wrap_dim(dim, input.ndim)
    return tape.apply_multi(RULES["unsafe_split"], input, split_size=split_size, dim=d,
                            self_sym_sizes=input._array.shape)


@method
def unsafe_split_with_sizes(input: Tensor, split_sizes: Sequence[int],
                            dim: int = 0) -> tuple[Tensor, ...]:
    """``split_with_sizes``'s pieces as tensors of their own, not views
    (UnsafeSplitWithSizesBackward0).

    >>> import autodiff
    >>> autodiff.arange(5).unsafe_split_with_sizes([1, 4])
    (tensor([0]), tensor([1, 2, 3, 4]))
    """
    if input.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = tape.wrap_dim(dim, input.ndim)
    sizes = [int(k) for k in split_sizes]
    if builtins.sum(sizes) != input.shape[d]:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to "
                           f"{input.shape[d]} (input tensor's size at dimension {d}), but got "
                           f"split_sizes={sizes}")
    return tape.apply_multi(RULES["unsafe_split_with_sizes"], input, split_sizes=tuple(sizes),
                            dim=d, self_sym_sizes=input._array.shape)


@method
def unsafe_chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """``chunk``'s pieces as tensors of their own, not views (UnsafeSplitBackward0).

    >>> import autodiff
    >>> autodiff.arange(4).unsafe_chunk(2)
    (tensor([0, 1]), tensor([2, 3]))
    """
    if input.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    n = input.shape[tape.wrap_dim(dim, input.ndim)]
    return unsafe_split(input, -(-n // chunks), dim)


@method
def tensor_split(input: Tensor, indices_or_sections: int | Sequence[int] | Tensor,
                 dim: int = 0) -> tuple[Tensor, ...]:
    """Views along ``dim``: ``n`` sections of sizes differing by at most one (the first
    ones larger), or the pieces between the given indices (SliceBackward0 each).

    >>> import autodiff
    >>> [t.tolist() for t in autodiff.arange(5).tensor_split(2)]
    [[0, 1, 2], [3, 4]]
    """
    if input.ndim == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a "
                           "tensor with 0 dims")
    d = tape.wrap_dim(dim, input.ndim)
    n = input.shape[d]
    if isinstance(indices_or_sections, Tensor):
        indices_or_sections = (indices_or_sections.tolist() if indices_or_sections.ndim
                               else indices_or_sections.item())    # type: ignore[assignment]
    if isinstance(indices_or_sections, int):
        sections = indices_or_sections
        if sections <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {sections}")
        size, extra = divmod(n, sections)
        bounds = np.cumsum([0] + [size + (k < extra) for k in range(sections)]).tolist()
    else:
        bounds = [0, *indices_or_sections, n]
    return tuple(apply(RULES["slice"], input, dim=d, start=builtins.min(start, n),
                       end=builtins.min(builtins.max(start, end), n), step=1,
                       self_sym_sizes=input._array.shape)
                 for start, end in zip(bounds, bounds[1:]))


def _split_along(name: str, dim: int,
                 least: int) -> Callable[[Tensor, int | Sequence[int]], tuple[Tensor, ...]]:
    def split_(input: Tensor, indices_or_sections: int | Sequence[int]) -> tuple[Tensor, ...]:
        if input.ndim < least:
            raise RuntimeError(f"autodiff.{name} requires a tensor with at least {least} "
                               f"dimension, but got a tensor with {input.ndim} dimensions!")
        d = 0 if name == "hsplit" and input.ndim == 1 else dim
        if isinstance(indices_or_sections, int) and input.shape[d] % indices_or_sections:
            raise RuntimeError(
                f"autodiff.{name} attempted to split along dimension {d}, but the size of the "
                f"dimension {input.shape[d]} is not divisible by the split_size "
                f"{indices_or_sections}!")
        return tensor_split(input, indices_or_sections, d)
    split_.__name__ = split_.__qualname__ = name
    split_.__doc__ = f"``tensor_split`` along dim {dim}, into equal sections if a number."
    return split_


hsplit = _split_along("hsplit", 1, 1)
methods(hsplit)
vsplit = _split_along("vsplit", 0, 2)
methods(vsplit)
dsplit = _split_along("dsplit", 2, 3)
methods(dsplit)


@method
def ravel(input: Tensor) -> Tensor:
    """The elements as one dim: a view when in order, else of a contiguous copy.

    >>> import autodiff
    >>> autodiff.arange(4).view(2, 2).t().ravel()
    tensor([0, 2, 1, 3])
    """
    return contiguous(input).view(-1)


@method
def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
    """``input`` split into ``chunks`` views of (nearly) equal size along ``dim``."""
    if input.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    n = input.shape[tape.wrap_dim(dim, input.ndim)]
    return split(input, -(-n // chunks), dim)


row("cat", "CatBackward0", lambda *tensors, dim, sizes: jnp.concatenate(tensors, dim),
    lambda grad, dim, sizes: tuple(
        grad.narrow(dim, start, size) for start, size in zip(_starts(sizes), sizes)))


def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Tensors joined along an existing dim (CatBackward0)."""
    tensors = list(tensors)
    if not tensors:
        raise ValueError("autodiff.cat(): expected a non-empty list of Tensors")
    d = tape.wrap_dim(dim, tensors[0].ndim)
    dt = tensors[0].dtype
    for t_ in tensors[1:]:
        dt = D.promote_types(dt, t_.dtype)
    for i, t_ in enumerate(tensors):
        if t_.ndim != tensors[0].ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got "
                               f"{tensors[0].ndim} and {t_.ndim}")
        for k in range(t_.ndim):
            if k != d and t_.shape[k] != tensors[0].shape[k]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. "
                                   f"Expected size {tensors[0].shape[k]} but got size "
                                   f"{t_.shape[k]} for tensor number {i} in the list.")
    rule = RULES["cat"] if builtins.all(t_.dtype is dt for t_ in tensors) else _CastRule(RULES["cat"], dt)
    return apply(rule, *tensors, dim=d, sizes=tuple(t_.shape[d] for t_ in tensors))


concat = concatenate = cat


def hstack(tensors: Sequence[Tensor]) -> Tensor:
    """Tensors side by side: ``cat`` along dim 1 (dim 0 for vectors)."""
    if not tensors:
        raise RuntimeError("hstack expects a non-empty TensorList")
    tensors = [atleast_1d(t) for t in tensors]
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors: Sequence[Tensor]) -> Tensor:
    """Tensors one above the other: ``cat`` along dim 0 (vectors become rows)."""
    if not tensors:
        raise RuntimeError("vstack expects a non-empty TensorList")
    return cat([atleast_2d(t) for t in tensors], 0)


row_stack = vstack


def _each(one_tensor_op):
    """torch's atleast_nd: one tensor, or several (a sequence, or several arguments) each."""
    @functools.wraps(one_tensor_op)
    def op(*tensors):
        if len(tensors) == 1 and isinstance(tensors[0], Tensor):
            return one_tensor_op(tensors[0])
        if len(tensors) == 1:
            tensors = tuple(tensors[0])
        return tuple(one_tensor_op(t) for t in tensors)
    return op


@_each
def atleast_1d(input: Tensor) -> Tensor:
    """``input``, with one dim if it had none (of several tensors: each)."""
    return input.reshape(1) if input.ndim == 0 else input


@_each
def atleast_2d(input: Tensor) -> Tensor:
    """``input``, with a leading dim if it had fewer than two (of several tensors: each)."""
    return atleast_1d(input).unsqueeze(0) if input.ndim < 2 else input


def column_stack(tensors: Sequence[Tensor]) -> Tensor:
    """Tensors as columns side by side (vectors and scalars become columns): ``cat`` along
    dim 1."""
    if not tensors:
        raise RuntimeError("column_stack expects a non-empty TensorList")
    return cat([t.view(t.numel(), 1) if t.ndim <= 1 else t for t in tensors], 1)


def dstack(tensors: Sequence[Tensor]) -> Tensor:
    """Tensors stacked along a third dim (fewer dims padded as ``atleast_3d``)."""
    if not tensors:
        raise RuntimeError("dstack expects a non-empty TensorList")
    return cat([atleast_3d(t) for t in tensors], 2)


@_each
def atleast_3d(input: Tensor) -> Tensor:
    """``input`` with at least three dims: a vector becomes ``(1, n, 1)``, a matrix
    ``(m, n, 1)`` (of several tensors: each)."""
    if input.ndim == 0:
        return input.reshape(1, 1, 1)
    if input.ndim == 1:
        return input.unsqueeze(0).unsqueeze(-1)
    return input.unsqueeze(-1) if input.ndim == 2 else input


def tile(input: Tensor, dims: Sequence[int]) -> Tensor:
    """``input`` repeated ``dims`` times along each dim (``repeat``, with 1s in front for
    the dims ``dims`` leaves out)."""
    times: tuple[int, ...] = tape.ints_arg("tile", "dims", 2, dims, form="list")
    return _repeat(input, *((1,) * (input.ndim - len(times)) + times))


sizes_method(tile, "dims")


# roll shifts elements around (along dims, or the flattened tensor): the gradient rolls
# back
row("roll", "RollBackward0", lambda self, *, shifts, dims: jnp.roll(self, shifts, dims or None),
    lambda grad, shifts, dims: (tape.apply(RULES["roll"], grad,
                                           shifts=tuple(-s for s in shifts), dims=dims),))


@method
def roll(input: Tensor, shifts: Dims, dims: Optional[Dims] = None) -> Tensor:
    """Elements shifted by ``shifts`` along ``dims`` (the flattened tensor without dims),
    those past the end coming back at the start (RollBackward0)."""
    shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
    dims = () if dims is None else (dims,) if isinstance(dims, int) else tuple(dims)
    if dims and len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:"
                           f"{len(dims)}")
    dims = tuple(tape.wrap_dim(d, input.ndim) for d in dims)
    return apply(RULES["roll"], input, shifts=shifts, dims=dims)


row("stack", "StackBackward0", lambda *tensors, dim: jnp.stack(tensors, dim),
    lambda grad, dim: tuple(grad.select(dim, i) for i in range(grad.shape[dim])))


def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Tensors of one shape joined along a new dim (StackBackward0)."""
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    for i, t_ in enumerate(tensors):
        if t_.shape != tensors[0].shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got "
                               f"{list(tensors[0].shape)} at entry 0 and {list(t_.shape)} at "
                               f"entry {i}")
    d = tape.wrap_dim(dim, tensors[0].ndim + 1)
    return apply(RULES["stack"], *tensors, dim=d)


# Copies: the gradient passes through (the engine casts it back to the input's dtype).
row("clone", "CloneBackward0", lambda self: self, lambda grad: (grad,))


@method
def clone(input: Tensor, memory_format: object = None) -> Tensor:
    """A copy with its own storage, on the graph (CloneBackward0)."""
    return apply(RULES["clone"], input)


@method
def contiguous(input: Tensor, memory_format: object = None) -> Tensor:
    """``input`` itself when its elements are in order in memory, else a copy."""
    return input if _is_contiguous(input) else clone(input)


# How a view's strides follow from its base's (shape, strides), one entry per view row
# with the row's attributes: torch's view functions, on strides
_VIEW_STRIDES = {RULES[name].forward: rule for name, rule in {
    "view": lambda shape, strides, *, size, self_sym_sizes: _compute_stride(
        shape, strides, size),
    "alias": lambda shape, strides: strides,
    "t": lambda shape, strides: strides[::-1],
    "transpose": lambda shape, strides, *, dim0, dim1: [
        strides[{dim0: dim1, dim1: dim0}.get(d, d)] for d in range(len(shape))],
    "permute": lambda shape, strides, *, dims: [strides[d] for d in dims],
    "diagonal": lambda shape, strides, *, offset, dim1, dim2, self_sym_sizes: [
        s for d, s in enumerate(strides) if d not in (dim1, dim2)] + [
        strides[dim1] + strides[dim2]],
    "squeeze": lambda shape, strides, *, self_sym_sizes: _squeezed_strides(
        shape, strides, range(len(shape))),
    "squeeze_dim": lambda shape, strides, *, dim, self_sym_sizes: _squeezed_strides(
        shape, strides, (dim,)),
    "squeeze_dims": lambda shape, strides, *, dim, self_sym_sizes: _squeezed_strides(
        shape, strides, dim),
    "unsqueeze": lambda shape, strides, *, dim: [*strides[:dim], shape[dim] * strides[dim]
                                                 if dim < len(shape) else 1, *strides[dim:]],
    "expand": _expand_strides,
    "select": lambda shape, strides, *, dim, index, self_sym_sizes: [
        s for d, s in enumerate(strides) if d != dim],
    "slice": lambda shape, strides, *, dim, start, end, step, self_sym_sizes: [
        s * step if d == dim else s for d, s in enumerate(strides)],
    "unfold": lambda shape, strides, *, dimension, size, step, self_sym_sizes: [
        s * step if d == dimension else s for d, s in enumerate(strides)] + [
        strides[dimension] if shape else 1],
}.items()}
_VIEW_STRIDES[RULES["reshape_alias"].forward] = _VIEW_STRIDES[RULES["view"].forward]



def _slice(input: Tensor, dim: int = 0, start: Optional[int] = None, end: Optional[int] = None,
           step: int = 1) -> Tensor:
    """torch's ``slice``: the view ``input[start:end:step]`` along ``dim`` (SliceBackward0),
    the bounds clamped as Python's."""
    if input.ndim == 0:
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    d = tape.wrap_dim(dim, input.ndim)
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    return apply(RULES["slice"], input, dim=d, start=start, end=end, step=step,
                 self_sym_sizes=input._array.shape)


def _alias(input: Tensor) -> Tensor:
    """torch's ``alias``: a view of all of ``input`` (AliasBackward0)."""
    return apply(RULES["alias"], input)


# torch's ``*_copy`` functions: a view function's result as a new tensor. Each runs its
# view function, checks included, through ``tape.copy_of_view``: the view's row is
# recorded under torch's name for the copy, the view's with ``_copy`` appended
# (PermuteBackward0_copy), and its gradient is the view's.
def _copy_form(view: Callable[..., Any], name: str) -> Callable[..., Any]:
    @functools.wraps(view)
    def copy(*args, **kwargs):
        return tape.copy_of_view(view, *args, **kwargs)
    copy.__name__ = copy.__qualname__ = name
    copy.__doc__ = (f"``{name[:-5]}``'s result as a new tensor, not a view: recorded as the "
                    f"view is, under torch's name for the copy (the view's node name with "
                    f"``_copy`` appended).")
    return copy


(alias_copy, as_strided_copy, diagonal_copy, expand_copy, permute_copy, select_copy,
 slice_copy, split_copy, split_with_sizes_copy, squeeze_copy, t_copy, transpose_copy,
 unbind_copy, unfold_copy, unsqueeze_copy, view_copy) = (
    _copy_form(view, name + "_copy") for view, name in (
        (_alias, "alias"), (as_strided, "as_strided"), (diagonal, "diagonal"),
        (expand, "expand"), (permute, "permute"), (select, "select"), (_slice, "slice"),
        (split, "split"), (split_with_sizes, "split_with_sizes"), (squeeze, "squeeze"),
        (t, "t"), (transpose, "transpose"), (unbind, "unbind"), (_unfold, "unfold"),
        (unsqueeze, "unsqueeze"), (view, "view")))


# detach_copy: ``input``'s elements as a new tensor that still requires grad, through a
# node torch has no derivative for
row("detach_copy", "NotImplemented", lambda self: self,
    (lambda grad: _not_implemented("detach_copy"),))


def detach_copy(input: Tensor) -> Tensor:
    """``input.detach()``'s elements as a new tensor, on the graph through a node torch
    has no derivative for (NotImplemented: its backward fails)."""
    return apply(RULES["detach_copy"], input)


if not TYPE_CHECKING:         # (see exported: a type checker reads every public name)
    __all__ = exported(globals())
