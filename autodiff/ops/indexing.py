"""Indexing: ``x[key]`` (basic indices make views, advanced ones gather), ``x[key] = v``,
and the gathers and scatters along a dim (``gather``, ``scatter``, ``index_select``,
``index_add``, ``masked_fill``, ``take``, ``put``...), each the adjoint of another."""

from __future__ import annotations

from types import EllipsisType
from typing import TYPE_CHECKING, Any, Optional, Sequence, Union

import builtins
import functools
import math

import jax
import jax.numpy as jnp
import numpy as np

from .. import dtypes as D, tape
from ..dtypes import Number
from ..tape import RULES, Tensor, apply, make_tensor, row
from ._common import (_broadcast_shapes, _not_implemented, _scalar, _scatter_through_view,
                      _select_put, _slice_put, _tensor_arg, _w, _window, _zeros, _zeros_like,
                      exported, method)
from .creation import full, tensor
from .shape import (_diagonal_positions, broadcast_shapes, clone, meshgrid, select, stack,
                    unsqueeze)


# Picking along a dim, and its adjoint, adding back along it (each needs the other for
# its gradient; the saved index comes first in a backward's arguments, as saved values do). gather: out[..i..] = self[..index[..i..]..] on ``dim``; its adjoint is
# zeros.scatter_add(dim, index, grad). index_select takes whole slices; its adjoint is
# zeros.index_add(dim, index, grad).
def _along(index, dim):
    """The index arrays that read ``index``'s values on ``dim`` and every other dim's own
    position: what gather reads and scatter_add writes."""
    grids = list(jnp.meshgrid(*[jnp.arange(n) for n in index.shape], indexing="ij"))
    grids[dim] = index
    return tuple(grids)


row("gather", "GatherBackward0",
    lambda self, *, dim, index, sparse_grad: self[_along(index._value(), dim)],
    lambda grad, self, index, dim, sparse_grad: (tape.apply(
        RULES["scatter_add"], _zeros_like(self), grad, dim=dim, index=index),),
    tensor_attrs=("index",))


@method
def gather(input: Tensor, dim: int, index: Tensor, *, sparse_grad: bool = False) -> Tensor:
    """``out[i][j] = input[i][index[i][j]]`` for ``dim=1`` (GatherBackward0): ``index``
    picks along ``dim``, and has the output's shape."""
    dim = tape.wrap_dim(dim, input.ndim)
    _check_index_tensor(index, "gather", dim, input.shape[dim])
    if index.ndim != input.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as input "
                           "tensor")
    return apply(RULES["gather"], input, dim=dim, index=index, sparse_grad=sparse_grad)


row("scatter_add", "ScatterAddBackward0",
    lambda self, src, *, dim, index: self.at[_along(index._value(), dim)].add(
        src[tuple(slice(0, n) for n in index.shape)]),
    (lambda grad: grad,
     lambda grad, index, dim: tape.apply(RULES["gather"], grad, dim=dim, index=index,
                                         sparse_grad=False)),
    tensor_attrs=("index",))


@method(inplace=tape.inplace_unary)
def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """``input`` with ``src`` added at the places ``index`` names along ``dim``
    (ScatterAddBackward0; gather's adjoint)."""
    return _scatter("scatter_add", input, dim, index, src)


@method
def repeat_interleave(input: Tensor, repeats: Union[Tensor, int, None] = None,
                      dim: Optional[int] = None, *, output_size: Optional[int] = None) -> Tensor:
    """Each element repeated ``repeats`` times along ``dim`` (of the flattened tensor
    without ``dim``), as torch: an int repeats by unsqueeze, expand, a contiguous copy
    and a view; a tensor of counts picks with ``index_select``. With only a tensor of
    counts: the indices that repeat each position that often.

    >>> import autodiff
    >>> autodiff.tensor([1, 2]).repeat_interleave(2)
    tensor([1, 1, 2, 2])
    """
    if repeats is None:                      # the indices form: repeat_interleave(counts)
        if input.ndim != 1:
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        counts = np.asarray(input._value())
        return make_tensor(jnp.asarray(np.repeat(np.arange(counts.size), counts)))
    if dim is None:
        input, dim = input.flatten(), 0
    dim = tape.wrap_dim(dim, input.ndim)
    if isinstance(repeats, Tensor):
        if repeats.ndim == 0 or repeats.shape == (1,):
            repeats = repeats.reshape(1).expand(input.shape[dim])
        elif repeats.ndim != 1:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        elif repeats.shape[0] != input.shape[dim]:
            raise RuntimeError(f"repeats must have the same size as input along dim, but got "
                               f"repeats.size(0) = {repeats.shape[0]} and input.size({dim}) = "
                               f"{input.shape[dim]}")
        return index_select(input, dim, repeat_interleave(repeats))
    if repeats < 0:
        raise RuntimeError("Repeats must be non-negative")
    shape = list(input.shape)
    expanded = input.unsqueeze(dim + 1).expand(*shape[:dim + 1], repeats, *shape[dim + 1:])
    shape[dim] *= repeats
    return clone(expanded).view(shape)


@method
def take_along_dim(input: Tensor, indices: Tensor, dim: Optional[int] = None) -> Tensor:
    """The elements at ``indices`` along ``dim`` (broadcast against each other), or of the
    flattened tensor: ``gather`` of the broadcast tensors, as torch.

    >>> import autodiff
    >>> x = autodiff.tensor([[10.0, 30.0, 20.0], [60.0, 40.0, 50.0]])
    >>> autodiff.take_along_dim(x, x.argmax(1, keepdim=True), 1)
    tensor([[30.],
            [60.]])
    """
    if dim is None:
        return gather(input.view(-1), 0, indices.view(-1))
    if input.ndim != indices.ndim:
        raise RuntimeError(f"autodiff.take_along_dim(): input and indices should have the same "
                           f"number of dimensions, but got {input.ndim} dimensions for input, "
                           f"and {indices.ndim} dimensions for indices")
    if indices.dtype != D.int64:
        raise RuntimeError(f"autodiff.take_along_dim(): dtype of indices should be Long but got "
                           f"{D.c_name(indices.dtype)}")
    dim = tape.wrap_dim(dim, input.ndim)
    def along(shape, n):
        return [n if d == dim else s for d, s in enumerate(shape)]
    indices = indices.expand(broadcast_shapes(along(input.shape, indices.shape[dim]),
                                              indices.shape))
    input = input.expand(broadcast_shapes(along(indices.shape, input.shape[dim]), input.shape))
    return gather(input, dim, indices)


def _add_along(self, source, dim, index):
    """``self`` with the slices of ``source`` along ``dim`` added at ``index`` (a 0-d
    ``self`` and ``source``: as one element)."""
    moved = jnp.moveaxis(self.reshape(self.shape or (1,)), dim, 0)
    added = moved.at[index.reshape(-1)].add(
        jnp.moveaxis(source.reshape(source.shape or (1,)), dim, 0))
    return jnp.moveaxis(added, 0, dim).reshape(self.shape)


def _take_along(self, dim, index):
    """The slices of ``self`` at ``index`` along ``dim`` (a 0-d ``self``: as one element
    along dim 0, as torch's index ops take it)."""
    out = jnp.take(self.reshape(self.shape or (1,)), index, axis=dim)
    return out if self.ndim else out.reshape(())


row("index_select", "IndexSelectBackward0",
    lambda self, *, dim, index, self_sym_sizes: _take_along(self, dim, index._value()),
    lambda grad, index, dim, self_sym_sizes: (tape.apply(
        RULES["index_add"], _zeros(self_sym_sizes, grad), grad,
        dim=dim, index=index),),
    tensor_attrs=("index",))


@method
def index_select(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """The slices of ``input`` along ``dim`` that the 1-d ``index`` names
    (IndexSelectBackward0)."""
    dim = tape.wrap_dim(dim, input.ndim)
    if index.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if index.dtype not in (D.int64, D.int32):
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    values = index._value()
    if input.ndim == 0 and values.size > 1:
        raise RuntimeError("index_select(): Index to scalar can have only 1 value, got "
                           f"{values.size} value(s)")
    n = input.shape[dim] if input.ndim else 1
    if tape.concrete(values) and values.size and (values.min() < 0 or values.max() >= n):
        raise IndexError("index out of range in self")
    return apply(RULES["index_select"], input, dim=dim, index=index.reshape(-1),
                 self_sym_sizes=input.shape)


row("index_add", "IndexAddBackward0",
    lambda self, source, *, dim, index: _add_along(self, source, dim, index._value()),
    (lambda grad: grad,
     lambda grad, index, dim: tape.apply(RULES["index_select"], grad, dim=dim, index=index,
                                         self_sym_sizes=grad.shape)),
    tensor_attrs=("index",))


@method(inplace=tape.inplace_unary)
def index_add(input: Tensor, dim: int, index: Tensor, source: Tensor, *,
              alpha: Number = 1) -> Tensor:
    """``input`` with the slices of ``source`` added at the positions ``index`` names
    along ``dim`` (IndexAddBackward0)."""
    dim = tape.wrap_dim(dim, input.ndim)
    if alpha != 1:
        source = source * alpha
    return apply(RULES["index_add"], input, source, dim=dim, index=index)


row("scatter", "ScatterBackward0",
    lambda self, src, *, dim, index: self.at[_along(index._value(), dim)].set(
        src[tuple(slice(0, n) for n in index.shape)]),
    (lambda grad, index, dim: tape.apply(RULES["scatter"], grad, _zeros(index.shape, grad),
                                         dim=dim, index=index),
     lambda grad, index, dim: tape.apply(RULES["gather"], grad, dim=dim, index=index,
                                         sparse_grad=False)),
    tensor_attrs=("index",))


# ... of a number (scatter.value): the written places get no gradient
row("scatter_value", "ScatterBackward1",
    lambda self, *, dim, index, value: self.at[_along(index._value(), dim)].set(
        jnp.asarray(value, self.dtype)),
    (lambda grad, index, dim: grad.scatter(dim, index, 0),),
    tensor_attrs=("index",))


# scatter's older reduce= ("add", "multiply"): src's values (or a number) added into or
# multiplied onto self's at the places index names; torch has no derivative for it
row("scatter_reduce_legacy", "NotImplemented",
    lambda self, src, *, dim, index, reduce: getattr(
        self.at[_along(index._value(), dim)], "add" if reduce == "add" else "multiply")(
        src[tuple(slice(0, n) for n in index.shape)]),
    (lambda grad: _not_implemented("scatter"), lambda grad: _not_implemented("scatter")),
    tensor_attrs=("index",))


@method(inplace=tape.inplace_unary)
def scatter(input: Tensor, dim: int, index: Tensor, src: Tensor | Number,
            reduce: Optional[str] = None) -> Tensor:
    """``input`` with ``src``'s values written at the places ``index`` names along ``dim``
    (ScatterBackward0; ``src`` a number: ScatterBackward1); with ``reduce`` ("add",
    "multiply") added into or multiplied onto them (torch's older form of
    ``scatter_reduce``, without a derivative)."""
    if reduce is not None:
        if reduce not in ("add", "multiply"):
            raise RuntimeError("reduce argument must be either add or multiply.")
        if isinstance(src, Tensor):
            tape.warn_once("The reduce argument of autodiff.scatter with Tensor src is "
                           "deprecated and will be removed in a future PyTorch release. Use "
                           "autodiff.scatter_reduce instead for more reduction options.")
        else:
            src = full(index.shape, src, dtype=input.dtype)
        return _scatter("scatter_reduce_legacy", input, dim, index, src, reduce=reduce)
    if not isinstance(src, Tensor):
        dim = tape.wrap_dim(dim, input.ndim)
        _check_index_tensor(index, "scatter", dim, input.shape[dim])
        return apply(RULES["scatter_value"], input, dim=dim, index=index, value=src)
    return _scatter("scatter", input, dim, index, src)


def _scatter(op, input, dim, index, src, **attrs):
    """scatter, scatter_add and scatter_reduce: torch's checks (all worded
    ``scatter()``), then the row."""
    dim = tape.wrap_dim(dim, input.ndim)
    _check_index_tensor(index, "scatter", dim, input.shape[dim])
    if src.dtype != input.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    return apply(RULES[op], input, src, dim=dim, index=index, **attrs)


# scatter_reduce: src's values reduced into self's at the places index names along dim
# (with self's own value there too, or not: include_self). Its gradient is torch's
# scatter_reduce_backward: sum passes grad (gathered for src); prod divides the result by
# each factor (the product of the others where a factor is 0); mean divides by the
# count; amax/amin share grad evenly among the elements equal to the result.
_IDENTITY = {"sum": 0, "prod": 1, "mean": 0}


def _scatter_reduce(self, src, dim, index, reduce, include_self):
    reduce = {"max": "amax", "min": "amin"}.get(reduce, reduce)   # (torch's older names)
    at = _along(index, dim)
    src = src[tuple(slice(0, n) for n in index.shape)]
    if not include_self:         # (amax/amin: the smallest/largest value there is)
        floating = jnp.issubdtype(self.dtype, jnp.floating)
        identity = _IDENTITY.get(reduce) if reduce in _IDENTITY else (
            (-jnp.inf if floating else jnp.iinfo(self.dtype).min) if reduce == "amax"
            else (jnp.inf if floating else jnp.iinfo(self.dtype).max))
        self = self.at[at].set(identity)
    scatter = self.at[at]
    if reduce != "mean":
        return {"sum": scatter.add, "prod": scatter.multiply, "amax": scatter.max,
                "amin": scatter.min}[reduce](src)
    count = jnp.full(self.shape, int(include_self), self.dtype).at[at].add(1)
    count = jnp.where(count == 0, 1, count)
    total = scatter.add(src)
    return (total / count if jnp.issubdtype(self.dtype, jnp.floating)
            else jnp.floor_divide(total, count))


def _scatter_reduce_backward(grad, self, src, result, dim, index, reduce, include_self):
    if reduce == "sum":
        grad_self, grad_src = grad, grad.gather(dim, index)
    elif reduce == "prod":
        masked_self = self.masked_fill(self == 0, 1)
        grad_self = grad * masked_self.scatter_reduce(
            dim, index, src, reduce, include_self=include_self) / masked_self
        src_zero = src == 0
        src_num_zeros = _zeros_like(self).scatter_add(
            dim, index, src_zero.to(self.dtype)).gather(dim, index)
        src_single_zero = src_zero & (src_num_zeros == 1)
        masked_src_result = self.scatter_reduce(dim, index, src.masked_fill(src_single_zero, 1),
                                                reduce, include_self=include_self)
        grad_src = _w(src_single_zero, (grad * masked_src_result).gather(dim, index),
                      (grad * result).gather(dim, index) / src.masked_fill(src_zero, 1))
    elif reduce == "mean":
        n = (_zeros_like(grad) + int(include_self)).scatter_add(
            dim, index, _zeros_like(src) + 1)
        n = n.masked_fill(n == 0, 1)
        grad_self, grad_src = grad / n, grad.gather(dim, index) / n.gather(dim, index)
    elif reduce in ("amax", "amin"):
        value = result.gather(dim, index)
        distributed = grad / (self == result).to(self.dtype).scatter_add(
            dim, index, (src == value).to(self.dtype))
        grad_self = (self == result) * distributed
        grad_src = (src == value) * distributed.gather(dim, index)
    else:               # (torch's forward takes "max" and "min" too, its backward not)
        raise RuntimeError("Expected 'reduce' to be one of 'sum', 'prod', 'mean', 'amax', "
                           f"'amin' but got {reduce}.")
    if not include_self:
        grad_self = grad_self.scatter(dim, index, 0)
    if grad_src.shape != src.shape:     # (torch's engine checks every gradient's shape)
        raise RuntimeError("Function ScatterReduceBackward0 returned an invalid gradient at "
                           f"index 1 - got {list(grad_src.shape)} but expected shape "
                           f"compatible with {list(src.shape)}")
    return grad_self, grad_src


row("scatter_reduce", "ScatterReduceBackward0",
    lambda self, src, *, dim, index, reduce, include_self: _scatter_reduce(
        self, src, dim, index._value(), reduce, include_self),
    lambda grad, self, src, index, result, dim, reduce, include_self: _scatter_reduce_backward(
        grad, self, src, result, dim, index, reduce, include_self),
    tensor_attrs=("index",))

_REQUIRED = object()


@method(inplace=tape.inplace_unary)
def scatter_reduce(input: Tensor, dim: int, index: Tensor, src: Tensor,
                   reduce: Any = _REQUIRED, *, include_self: bool = True) -> Tensor:
    """``input`` with ``src``'s values reduced ("sum", "prod", "mean", "amax", "amin") into
    the places ``index`` names along ``dim``, ``input``'s own values there included or
    not (ScatterReduceBackward0)."""
    if reduce is _REQUIRED:
        raise TypeError('scatter_reduce() missing 1 required positional arguments: "reduce"')
    if reduce not in ("sum", "prod", "mean", "amax", "amin", "max", "min"):
        raise RuntimeError("reduce argument must be either sum, prod, mean, amax or amin, "
                           f"got {reduce}")
    return _scatter("scatter_reduce", input, dim, index, src, reduce=reduce,
                    include_self=include_self)


# index_reduce: scatter_reduce with whole slices: source's slice i reduced into self's
# slice index[i] along dim (the index spread over source's shape); its gradient is
# scatter_reduce's (torch's index_reduce_backward computes the same)
_INDEX_REDUCE_BETA = "index_reduce() is in beta and the API may change at any time."


def _index_reduce_backward(grad, self, source, result, dim, index, reduce, include_self):
    if reduce == "prod":              # (torch's gradient of a product calls index_reduce
        for _ in range(2):            # twice, each with its beta warning)
            tape.warn_once(_INDEX_REDUCE_BETA)
    return _scatter_reduce_backward(grad, self, source, result, dim, index, reduce,
                                    include_self)


row("index_reduce", "IndexReduceBackward0",
    lambda self, source, *, dim, index, reduce, include_self: _scatter_reduce(
        self, source, dim, index._value(), reduce, include_self),
    lambda grad, self, source, index, result, dim, reduce, include_self: (
        _index_reduce_backward(grad, self, source, result, dim, index, reduce, include_self)),
    tensor_attrs=("index",))


@method(inplace=tape.inplace_unary)
def index_reduce(input: Tensor, dim: int, index: Tensor, source: Tensor, reduce: str, *,
                 include_self: bool = True) -> Tensor:
    """``input`` with the slices of ``source`` along ``dim`` reduced ("prod", "mean",
    "amax", "amin") into the slices ``index`` names, ``input``'s own values included or
    not (IndexReduceBackward0; torch's warning that it is in beta, once).

    >>> import autodiff
    >>> autodiff.ones(3).index_reduce(0, autodiff.tensor([0, 2, 0]),
    ...                               autodiff.tensor([2.0, 3.0, 4.0]), "prod")
    tensor([8., 1., 3.])
    """
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError("index_reduce(): Expected reduce to be one of prod, mean, amax or "
                           f"amin but got {reduce}.")
    if index.dtype not in (D.int64, D.int32):
        raise RuntimeError("index_reduce_(): Expected dtype int32/int64 for index but got: "
                           f"{index.dtype._legacy.replace('Tensor', '')}")
    d = tape.wrap_dim(dim, input.ndim)
    if index.ndim > 1:
        raise RuntimeError("index_reduce_(): Index is supposed to be a vector")
    n = source.shape[d] if source.ndim else 1
    if index.numel() != n:
        raise RuntimeError(f"index_reduce_(): Number of indices ({index.numel()}) should be "
                           f"equal to source.size(dim): ({n}), for dim: {d}")
    tape.warn_once(_INDEX_REDUCE_BETA)
    values = np.asarray(index._value()).reshape(-1)
    size = input.shape[d] if input.ndim else 1
    if values.size and (values.min() < 0 or values.max() >= size):     # (no negative index)
        raise IndexError("index out of range in self")
    spread = np.broadcast_to(values.reshape([-1 if k == d else 1 for k in range(source.ndim)]),
                             tuple(source.shape))
    if source.dtype is not input.dtype:
        source = source.to(input.dtype)
    return apply(RULES["index_reduce"], input, source, dim=d,
                 index=make_tensor(jnp.asarray(spread, jnp.int64)), reduce=reduce,
                 include_self=include_self)


def _check_index_tensor(index, fn, dim, size):
    """An index tensor for gather/scatter: integer, and inside ``size`` along ``dim``."""
    if index.dtype not in (D.int64, D.int32):
        raise RuntimeError(f"{fn}(): Expected dtype int32/int64 for index")
    values = index._value()
    if tape.concrete(values) and values.size and (values.min() < -size or values.max() >= size):
        flat = np.asarray(values).ravel()           # (the first, as torch's loop finds it)
        bad = int(flat[(flat < -size) | (flat >= size)][0])
        raise RuntimeError(f"index {bad} is out of bounds for dimension {dim} with size "
                           f"{size}")


@functools.partial(jax.jit, static_argnames=("accumulate", "lead"))
def _masked_put(self, values, mask, *, accumulate, lead=0):
    """``values`` (``+=`` with ``accumulate``) where ``mask`` is True; the mask covers
    ``self``'s dims from ``lead`` on (the dims around it broadcast)."""
    mask = mask.reshape((1,) * lead + mask.shape + (1,) * (self.ndim - lead - mask.ndim))
    values = jnp.asarray(values).astype(self.dtype)
    return jnp.where(mask, self + values if accumulate else values, self)


# masked_fill: the filled places get no gradient
row("masked_fill", "MaskedFillBackward0",
    lambda self, *, mask, value: _masked_put(self, value, mask._value(), accumulate=False),
    lambda grad, mask, value: (tape.apply(RULES["masked_fill"], grad, mask=mask, value=0),),
    tensor_attrs=("mask",))
# ... with a one-element tensor value, which gets the filled places' gradients
row("masked_fill_tensor", "MaskedFillBackward1",
    lambda self, value, *, mask: jnp.where(mask._value(), value.astype(self.dtype), self),
    (lambda grad, mask: tape.apply(RULES["masked_fill"], grad, mask=mask, value=0),
     lambda grad, mask: grad.masked_select(mask).sum()),
    tensor_attrs=("mask",))


def _check_masked_fill(mask, value):
    """What torch's masked_fill_ checks first."""
    if isinstance(value, Tensor) and value.ndim:
        raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got "
                           f"tensor with {value.ndim} dimension(s).")
    if mask.dtype is not D.bool_:
        raise RuntimeError("masked_fill_ only supports boolean masks, but got mask with "
                           f"dtype {D.long_name(mask.dtype)}")


def _masked_fill_checks(self, mask, value):
    """masked_fill_'s checks in torch's order: the arguments, the warning about an expanded
    ``self`` (written all the same), then the shapes (self's first, as the error says)."""
    _check_masked_fill(mask, value)
    tape.warn_expanded(self, "masked_fill_")
    _broadcast_shapes(self.shape, mask.shape)


@method(inplace=tape.inplace_fill(_masked_fill_checks))
def masked_fill(input: Tensor, mask: Tensor, value: Tensor | Number) -> Tensor:
    """``value`` where the boolean ``mask`` (broadcast to ``input``) is True
    (MaskedFillBackward0: those places get no gradient; a tensor ``value``, one element,
    gets theirs: MaskedFillBackward1)."""
    shape = _broadcast_shapes(mask.shape, input.shape)     # (input broadcasts too)
    _check_masked_fill(mask, value)
    if mask.shape != shape:
        mask = mask.expand(shape)
    if isinstance(value, Tensor):
        return apply(RULES["masked_fill_tensor"], input, value, mask=mask)
    value = D.checked(value, input.dtype)
    return apply(RULES["masked_fill"], input, mask=mask, value=value)


# masked_select picks the elements where the mask holds: the gradient goes back there
row("masked_select", "MaskedSelectBackward0",
    lambda self, *, mask, shape: jnp.broadcast_to(self, shape)[mask._value()],
    lambda grad, mask, shape: (tape.apply(RULES["index_backward"], grad, key=mask._value(),
                                          self_sym_sizes=shape),),
    tensor_attrs=("mask",))


@method
def masked_select(input: Tensor, mask: Tensor) -> Tensor:
    """The elements of ``input`` where ``mask`` holds (the two broadcast together), as a
    1-D tensor (MaskedSelectBackward0).

    >>> import autodiff
    >>> x = autodiff.tensor([[1., -2.], [3., -4.]], requires_grad=True)
    >>> autodiff.masked_select(x, x > 0)
    tensor([1., 3.], grad_fn=<MaskedSelectBackward0>)
    """
    if mask.dtype is not D.bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    shape = tuple(_broadcast_shapes(input.shape, mask.shape))
    return apply(RULES["masked_select"], input, mask=mask.expand(shape), shape=shape)


# take reads the flattened tensor at ``index``; its adjoint puts (adds) the gradient back
# there: torch's zeros_like(self).put_(index, grad, accumulate=True) (PutBackward0 when
# recorded). put writes ``source`` at flat positions: self keeps the gradient elsewhere
# (all of it when the writes accumulate), source reads it back with take.
def _flat_index(index, n):
    return index._value().reshape(-1) % max(n, 1)


row("take", "TakeBackward0",
    lambda self, *, index: self.reshape(-1)[_flat_index(index, self.size)].reshape(
        index.shape),
    lambda grad, self, index: (tape.apply(RULES["put"], _zeros_like(self), grad, index=index,
                                          accumulate=True),),
    tensor_attrs=("index",))


@method
def take(input: Tensor, index: Tensor) -> Tensor:
    """The elements of the flattened ``input`` at ``index`` (negative from the end), in
    ``index``'s shape (TakeBackward0).

    >>> import autodiff
    >>> autodiff.tensor([[4.0, 3.0], [5.0, 7.0]]).take(autodiff.tensor([0, 3, -1]))
    tensor([4., 7., 7.])
    """
    _tensor_arg("take", "index", 2, index)
    if index.dtype is not D.int64:
        raise RuntimeError(f"take(): Expected a long tensor for index, but got "
                           f"{D.c_name(index.dtype)}")
    _check_flat_index(index, input.numel())
    return apply(RULES["take"], input, index=index)


def _put(self, source, index, accumulate):
    at = self.reshape(-1).at[_flat_index(index, self.size)]
    flat = at.add(source.reshape(-1)) if accumulate else at.set(source.reshape(-1))
    return flat.reshape(self.shape)


row("put", "PutBackward0",
    lambda self, source, *, index, accumulate: _put(self, source, index, accumulate),
    (lambda grad, source, index, accumulate: grad if accumulate else tape.apply(
        RULES["put"], grad, _zeros_like(source), index=index, accumulate=False),
     lambda grad, source, index: tape.apply(RULES["take"], grad, index=index).reshape_as(
        source)),
    tensor_attrs=("index",))


@method(inplace=tape.inplace_unary)
def put(input: Tensor, index: Tensor, source: Tensor, accumulate: bool = False) -> Tensor:
    """``input`` with ``source``'s elements written (or added, with ``accumulate``) at the
    flat positions ``index`` names (PutBackward0).

    >>> import autodiff
    >>> autodiff.zeros(2, 2).put(autodiff.tensor([3, 0]), autodiff.tensor([1.0, 2.0]))
    tensor([[2., 0.],
            [0., 1.]])
    """
    if index.dtype is not D.int64:
        raise RuntimeError(f"put_(): Expected a long tensor for index, but got "
                           f"{D.c_name(index.dtype)}")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"put_(): self and source expected to have the same dtype, but got "
                           f"self.dtype = {D.c_name(input.dtype)} and source.dtype = "
                           f"{D.c_name(source.dtype)}")
    if source.numel() != index.numel():
        raise IndexError(f"put_(): Expected source and index to have the same number of "
                         f"elements, but got source.numel() = {source.numel()}, "
                         f"index.numel() = {index.numel()}")
    _check_flat_index(index, input.numel())
    return apply(RULES["put"], input, source, index=index, accumulate=bool(accumulate))


def _check_flat_index(index, numel):
    """take/put's bounds: ``-numel <= i < numel``."""
    values = index._value()
    if tape.concrete(values) and values.size:
        bad = values[(values < -numel) | (values >= numel)]
        if bad.size:
            raise IndexError(f"out of range: tried to access index {int(bad[0])} on a tensor "
                             f"of {numel} elements.")


# index_fill writes one value into the slices ``index`` names along ``dim``: those slices
# get no gradient (a 0-d tensor value: the sum of theirs, each slice once); index_copy
# writes the slices of ``source`` there, which read their gradient back (index_select)
def _along_dim(dim, index):
    """The key of the slices at ``index`` along ``dim``, for ``.at[...]``."""
    return (slice(None),) * dim + (index._value().reshape(-1),)


def _set_along(self, dim, index, values):
    """``self`` with ``values`` written into the slices at ``index`` along ``dim`` (a 0-d
    ``self`` as one element along dim 0, as torch's)."""
    return self.reshape(self.shape or (1,)).at[_along_dim(dim, index)].set(values).reshape(
        self.shape)


def _index_fill(grad, dim, index):
    return tape.apply(RULES["index_fill"], grad, dim=dim, index=index, value=0)


row("index_fill", "IndexFillBackward0",
    lambda self, *, dim, index, value: _set_along(self, dim, index,
                                                  jnp.asarray(value, self.dtype)),
    lambda grad, index, dim, value: (_index_fill(grad, dim, index),),
    tensor_attrs=("index",))
row("index_fill_tensor", "IndexFillBackward1",
    lambda self, value, *, dim, index: _set_along(self, dim, index, value.astype(self.dtype)),
    (lambda grad, dim, index: _index_fill(grad, dim, index),
     lambda grad, dim, index: tape.apply(
         RULES["index_select"], grad, dim=dim, index=tape.constant(jnp.unique(index._value())),
         self_sym_sizes=grad.shape).sum()),
    tensor_attrs=("index",))


def _check_index_fill(index, value):
    """What torch's index_fill_ checks first."""
    if isinstance(value, Tensor) and value.ndim:
        raise RuntimeError("index_fill_ only supports a 0-dimensional value tensor, but got "
                           f"tensor with {value.ndim} dimension(s).")
    if index.dtype is not D.int64:
        raise IndexError("index_fill_(): Expected dtype int64 for index.")


def _index_fill_checks(self, dim, index, value):
    """index_fill_'s first checks, then its warning about an expanded ``self`` (written all
    the same); index_fill checks the rest."""
    _check_index_fill(index, value)
    tape.warn_expanded(self, "index_fill_")


@method(inplace=tape.inplace_fill(_index_fill_checks))
def index_fill(input: Tensor, dim: int, index: Tensor, value: Tensor | Number) -> Tensor:
    """``input`` with ``value`` written into the slices along ``dim`` that ``index`` names
    (IndexFillBackward0; a 0-d tensor value gets their gradient: IndexFillBackward1).

    >>> import autodiff
    >>> autodiff.zeros(2, 3).index_fill(1, autodiff.tensor([0, 2]), 5.0)
    tensor([[5., 0., 5.],
            [5., 0., 5.]])
    """
    _check_index_fill(index, value)
    dim = tape.wrap_dim(dim, input.ndim)
    if index.ndim > 1:
        raise RuntimeError("Index has to be a vector/scalar")
    _check_index_along(index, "", dim, input.shape[dim] if input.ndim else 1, negative=True)
    if isinstance(value, Tensor):
        return apply(RULES["index_fill_tensor"], input, value, dim=dim, index=index)
    return apply(RULES["index_fill"], input, dim=dim, index=index, value=value)


row("index_copy", "IndexCopyBackward0",
    lambda self, source, *, dim, index: _set_along(self, dim, index, source),
    (lambda grad, dim, index: _index_fill(grad, dim, index),
     lambda grad, source, dim, index: tape.apply(
         RULES["index_select"], grad, dim=dim, index=index.reshape(-1),
         self_sym_sizes=grad.shape).expand_as(source)),
    tensor_attrs=("index",))


@method(inplace=tape.inplace_unary)
def index_copy(input: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
    """``input`` with the slices of ``source`` along ``dim`` written at the positions
    ``index`` names (IndexCopyBackward0).

    >>> import autodiff
    >>> autodiff.zeros(2, 3).index_copy(1, autodiff.tensor([2, 0]), autodiff.ones(2, 2))
    tensor([[1., 0., 1.],
            [1., 0., 1.]])
    """
    dim = tape.wrap_dim(dim, input.ndim)
    if index.dtype is not D.int64:
        raise RuntimeError(f"index_copy_(): Expected a long tensor for index, but got "
                           f"{D.c_name(index.dtype)}")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"index_copy_(): self and source expected to have the same dtype, "
                           f"but got (self) {D.c_name(input.dtype)} and (source) "
                           f"{D.c_name(source.dtype)}")
    sliced = [s_ for d, s_ in enumerate(input.shape) if d != dim]
    source_sliced = [s_ for d, s_ in enumerate(source.shape) if d != dim]
    if sliced != source_sliced:
        raise RuntimeError(f"index_copy_(): Source/destination tensor must have same slice "
                           f"shapes. Destination slice shape: {' '.join(map(str, sliced))} at "
                           f"dimension {dim} and source slice shape: "
                           f"{' '.join(map(str, source_sliced))} at dimension 0.")
    if source.ndim and index.numel() != source.shape[dim]:
        raise IndexError(f"index_copy_(): Number of indices ({index.numel()}) should be equal "
                         f"to source.size(dim) ({source.shape[dim]})")
    if not source.ndim and index.numel() != 1:
        raise IndexError("index_copy_(): When source is scalar, index should have one element "
                         f"(got {index.numel()})")
    _check_index_along(index, "index_copy_(): ", dim, input.shape[dim] if input.ndim else 1,
                       negative=False)
    return apply(RULES["index_copy"], input, source, dim=dim, index=index)


def _check_index_along(index, prefix, dim, size, negative):
    """Each index inside ``size`` along ``dim`` (from the end too, where ``negative``)."""
    values = index._value()
    if tape.concrete(values) and values.size:
        bad = values[(values < (-size if negative else 0)) | (values >= size)]
        if bad.size:
            raise IndexError(f"{prefix}index {int(bad[0])} is out of bounds for dimension "
                             f"{dim} with size {size}")


row("masked_scatter_backward", "MaskedScatterBackwardBackward0",
    lambda grad_output, *, mask, sizes: jnp.concatenate([
        grad_output[mask._value()], jnp.zeros(math.prod(sizes), grad_output.dtype)])[
            :math.prod(sizes)].reshape(sizes),
    lambda grad, mask, sizes: (tape.apply(RULES["masked_scatter"], _zeros(mask.shape, grad),
                                          grad, mask=mask),),
    tensor_attrs=("mask",))


# masked_scatter writes source's first elements, in order, where the mask holds: those
# places get no gradient, and source gets theirs back in that order (zeros after)
def _masked_scatter(self, source, mask):
    hit, self = mask.reshape(-1), jnp.broadcast_to(self, mask.shape)
    order = jnp.clip(jnp.cumsum(hit) - 1, 0, max(source.size - 1, 0))
    taken = source.reshape(-1)[order] if source.size else jnp.zeros_like(hit, self.dtype)
    return jnp.where(hit, taken.astype(self.dtype), self.reshape(-1)).reshape(self.shape)


row("masked_scatter", "MaskedScatterBackward0",
    lambda self, source, *, mask: _masked_scatter(self, source, mask._value()),
    (lambda grad, mask: tape.apply(RULES["masked_fill"], grad, mask=mask, value=0),
     lambda grad, mask, source: tape.apply(RULES["masked_scatter_backward"], grad, mask=mask,
                                           sizes=tuple(source.shape))),
    tensor_attrs=("mask",))


@method(inplace=tape.inplace_unary)
def masked_scatter(input: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    """``input`` (broadcast with the boolean ``mask``) with ``source``'s first elements,
    in order, written where ``mask`` holds (MaskedScatterBackward0).

    >>> import autodiff
    >>> autodiff.zeros(2, 2).masked_scatter(autodiff.tensor([True, False]),
    ...                                     autodiff.tensor([1.0, 2.0, 3.0]))
    tensor([[1., 0.],
            [2., 0.]])
    """
    _tensor_arg("masked_scatter", "source", 3, source)
    if mask.dtype is not D.bool_:
        raise RuntimeError("masked_scatter_ only supports boolean masks, but got mask with "
                           f"dtype {D.c_name(mask.dtype)}")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but "
                           f"got{D.c_name(input.dtype)} and {D.c_name(source.dtype)}")
    shape = tuple(_broadcast_shapes(mask.shape, input.shape))
    if mask.shape != shape:
        mask = mask.expand(shape)
    hits = mask._value()
    if tape.concrete(hits) and int(hits.sum()) > source.numel():
        raise RuntimeError("Number of elements of source < number of ones in mask")
    return apply(RULES["masked_scatter"], input, source, mask=mask)


row("select_scatter", "SelectScatterBackward0",
    lambda self, src, *, dim, index: _select_put(self, src, index, dim=dim),
    (lambda grad, dim, index: tape.apply(
        RULES["select_scatter"], grad, _zeros(grad.shape[:dim] + grad.shape[dim + 1:], grad),
        dim=dim, index=index),
     lambda grad, dim, index: tape.apply(RULES["select"], grad, dim=dim, index=index,
                                         self_sym_sizes=grad.shape)))


@method
def select_scatter(input: Tensor, src: Tensor, dim: int, index: int) -> Tensor:
    """``input`` with ``src`` written into the slice ``input.select(dim, index)``
    (SelectScatterBackward0).

    >>> import autodiff
    >>> autodiff.select_scatter(autodiff.zeros(2, 2), autodiff.ones(2), 0, 1)
    tensor([[0., 0.],
            [1., 1.]])
    """
    dim = tape.wrap_dim(dim, input.ndim)
    size = input.shape[dim]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(input.shape)} at dimension {dim}")
    index %= size
    _check_scatter_slice(src, input.shape[:dim] + input.shape[dim + 1:])
    return apply(RULES["select_scatter"], input, src, dim=dim, index=index)


# select_scatter and slice_scatter write src into the view select / slice would give:
# self keeps the gradient outside it, src reads it back through the view
def _sliced_shape(shape, dim, start, end, step):
    return shape[:dim] + (len(range(start, end, step)),) + shape[dim + 1:]


row("slice_scatter", "SliceScatterBackward0",
    lambda self, src, *, dim, start, end, step: _slice_put(
        self, src, _window(self.shape[dim], start, end, step)[0], dim=dim, step=step),
    (lambda grad, dim, start, end, step: tape.apply(
        RULES["slice_scatter"], grad, _zeros(_sliced_shape(grad.shape, dim, start, end, step),
                                             grad), dim=dim, start=start, end=end, step=step),
     lambda grad, dim, start, end, step: tape.apply(RULES["slice"], grad, dim=dim,
                                                    start=start, end=end, step=step,
                                                    self_sym_sizes=grad.shape)))


@method
def slice_scatter(input: Tensor, src: Tensor, dim: int = 0, start: Optional[int] = None,
                  end: Optional[int] = None, step: int = 1) -> Tensor:
    """``input`` with ``src`` written into the slice ``start:end:step`` along ``dim``
    (SliceScatterBackward0).

    >>> import autodiff
    >>> autodiff.slice_scatter(autodiff.zeros(2, 4), autodiff.ones(2, 2), 1, 0, None, 2)
    tensor([[1., 0., 1., 0.],
            [1., 0., 1., 0.]])
    """
    dim = tape.wrap_dim(dim, input.ndim)
    start, end, step = slice(start, end, step).indices(input.shape[dim])
    end = builtins.max(end, start)
    _check_scatter_slice(src, input.shape[:dim] + (len(range(start, end, step)),) +
                         input.shape[dim + 1:])
    return apply(RULES["slice_scatter"], input, src, dim=dim, start=start, end=end, step=step)


# diagonal_scatter writes src onto the diagonal that diagonal() would view: self keeps the
# gradient off it, src reads it back from it
row("diagonal_scatter", "DiagonalScatterBackward0",
    lambda self, src, *, offset, dim1, dim2: self.reshape(-1).at[_diagonal_positions(
        self.shape, offset, dim1, dim2).reshape(-1)].set(src.reshape(-1)).reshape(self.shape),
    (lambda grad, offset, dim1, dim2: tape.apply(
        RULES["diagonal_scatter"], grad, _zeros(grad.diagonal(offset, dim1, dim2).shape, grad),
        offset=offset, dim1=dim1, dim2=dim2),
     lambda grad, offset, dim1, dim2: grad.diagonal(offset, dim1, dim2)))


@method
def diagonal_scatter(input: Tensor, src: Tensor, offset: int = 0, dim1: int = 0,
                     dim2: int = 1) -> Tensor:
    """``input`` with ``src`` written onto the diagonal ``input.diagonal(offset, dim1,
    dim2)`` (DiagonalScatterBackward0).

    >>> import autodiff
    >>> autodiff.zeros(2, 2).diagonal_scatter(autodiff.ones(2))
    tensor([[1., 0.],
            [0., 1.]])
    """
    dim1, dim2 = tape.wrap_dim(dim1, input.ndim), tape.wrap_dim(dim2, input.ndim)
    if dim1 == dim2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    _check_scatter_slice(src, input.diagonal(offset, dim1, dim2).shape)
    return _binary_same(RULES["diagonal_scatter"], input, src, offset=offset, dim1=dim1,
                        dim2=dim2)


def _binary_same(rule, input, src, **attrs):
    """A scatter of ``src`` into ``input``: ``src`` takes ``input``'s dtype."""
    if src.dtype is not input.dtype:
        src = src.to(input.dtype)
    return apply(rule, input, src, **attrs)


@method
def fill_diagonal_(input: Tensor, fill_value: Number, wrap: bool = False) -> Tensor:
    """In place: ``fill_value`` on the main diagonal (of a matrix, or of a tensor whose
    dims are all equal); with ``wrap``, a tall matrix's diagonal starts again every
    ``columns + 1`` rows (torch's strided views of it: CopySlices).

    >>> import autodiff
    >>> autodiff.zeros(3, 2).fill_diagonal_(1.0, wrap=True)
    tensor([[1., 0.],
            [0., 1.],
            [0., 0.]])
    """
    if input.ndim < 2:
        raise RuntimeError("dimensions must larger than 1")
    height, width = input.shape[0], input.shape[1]
    if input.ndim > 2 and builtins.any(n != height for n in input.shape):
        raise RuntimeError("all dimensions of input must be of equal length")
    strides = [math.prod(input.shape[d + 1:]) for d in range(input.ndim)]
    step = builtins.sum(strides)
    input.as_strided((builtins.min(height, width),), (step,)).fill_(fill_value)
    if wrap and input.ndim == 2 and height > width + 1:
        wrap_size = (input.numel() + width) // (width + 1) - builtins.min(height, width)
        input.as_strided((wrap_size,), (step,), strides[0] * (width + 1)).fill_(fill_value)
    return input


def _check_scatter_slice(src, shape):
    if tuple(src.shape) != tuple(shape):
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size "
                           f"= {list(src.shape)}, slice size = {list(shape)}")


def _normalize_key(key):
    if not isinstance(key, tuple):
        key = (key,)
    out = []
    for k in key:
        if isinstance(k, Tensor):
            k = k._value()
            if k.ndim == 0 and k.dtype != bool:
                k = int(k)
        elif isinstance(k, (list, bool)):     # (True: a 0-d mask, a new dim of size 1)
            k = jnp.asarray(k)
        out.append(k)
    return out


row("index_backward", "IndexPutImplBackward0",
    lambda grad, *, key, self_sym_sizes, view=None: (
        jnp.zeros(self_sym_sizes, grad.dtype).at[key].add(grad) if view is None
        else _scatter_through_view(grad, self_sym_sizes, view)),
    lambda grad, *, key, self_sym_sizes, view=None: (
        tape.apply(RULES["index"], grad, key=key, self_sym_sizes=self_sym_sizes, view=view),))
# Advanced indexing x[mask], x[idx]: a gather; its adjoint is a scatter-add (repeats add up)
row("index", "IndexBackward0",
    lambda self, *, key, self_sym_sizes, view=None: self[key] if view is None else view(self),
    lambda grad, key, self_sym_sizes, view=None: (tape.apply(
        RULES["index_backward"], grad, key=key, self_sym_sizes=self_sym_sizes, view=view),))


# What ``x[key]`` takes: an int, a slice, None, ``...``, an index tensor or mask, or a
# tuple (or list) of them
Index = Union[None, int, slice, EllipsisType, Tensor, Sequence[Any]]


def _getitem(self: Tensor, key: Index) -> Tensor:
    """``x[key]``: ints, slices, None and ``...`` give views; masks and index tensors copy."""
    out, advanced = _apply_slicing(self, key)
    if builtins.any(not isinstance(a, slice) for a in advanced):
        _check_advanced(out, advanced)
        return apply(RULES["index"], out, key=tuple(advanced), self_sym_sizes=out._array.shape)
    if out is self:
        return apply(RULES["alias"], self)
    return out


def _apply_slicing(self, key, setting=False):
    """torch's applySlicing: the view that the basic part of ``key`` makes (ints select,
    slices slice, None and 0-d masks add a dim), and the key left for that view: a full
    slice per dim it keeps, the index arrays and masks (a 0-d mask as an index of its
    new dim: ``[0]`` or none). A full slice takes no view, except as the whole key of
    ``x[:]`` (not ``x[:] = v``, ``setting``)."""
    single_slice = isinstance(key, slice) and not setting
    parts = _normalize_key(key)
    used = builtins.sum(0 if p is None else (p.ndim if hasattr(p, "dtype") and p.dtype == bool
                                             else 1) for p in parts if p is not Ellipsis)
    if used > self.ndim:
        if self.ndim == 0 and isinstance(key, (int, np.integer)):
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                             "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
        if self.ndim == 0 and single_slice:
            raise IndexError("slice() cannot be applied to a 0-dim tensor.")
        raise IndexError(f"too many indices for tensor of dimension {self.ndim}")
    if builtins.any(p is Ellipsis for p in parts):
        i = next(i for i, p in enumerate(parts) if p is Ellipsis)
        parts[i:i + 1] = [slice(None)] * (self.ndim - used)
    out, dim = self, 0
    advanced: list[Any] = []           # what is left for index_put_: slices and arrays
    for position, p in enumerate(parts):     # (torch's errors count dims by position)
        if p is None:
            out = unsqueeze(out, dim)
            advanced.append(slice(None))
            dim += 1
        elif isinstance(p, (int, np.integer)):
            _check_index(out, dim, int(p), position)
            out = select(out, dim, int(p))
        elif isinstance(p, slice):
            n = out.shape[dim]
            start, stop, step = p.indices(n)
            if step <= 0:
                raise ValueError("step must be greater than zero")
            if (start, stop, step) != (0, n, 1) or single_slice:
                out = apply(RULES["slice"], out, dim=dim, start=start, end=builtins.max(stop, start),
                            step=step, self_sym_sizes=out._array.shape)
            advanced.append(slice(None))
            dim += 1
        elif p.dtype == bool and p.ndim == 0 and tape.concrete(p):   # (compiled: a mask)
            out = unsqueeze(out, dim)
            advanced.append(jnp.arange(int(p)))
            dim += 1
        else:
            advanced.append(p)
            dim += p.ndim if p.dtype == bool else 1
    return out, advanced


def _check_advanced(t, key):
    """The masks of ``key`` fit ``t``'s dims, and its index tensors are integers inside
    them (torch counts an index's ``position`` among the index tensors)."""
    dim, position = 0, 0
    for k in key:
        if getattr(k, "dtype", None) == bool:
            _check_mask(t, dim, k)
        elif hasattr(k, "dtype"):
            _check_index_array(k, t.shape[dim], position)
            position += 1
        dim += k.ndim if getattr(k, "dtype", None) == bool else 1


Tensor.__getitem__ = _getitem


def _check_index_array(index, size, position):
    """An index tensor along a dim of ``size``: integer, its values inside (torch counts
    ``position`` among the index tensors)."""
    if not jnp.issubdtype(index.dtype, jnp.integer):
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    if tape.concrete(index):
        values = np.asarray(index).reshape(-1)
        bad = values[(values < -size) | (values >= size)]
        if bad.size:
            raise IndexError(f"index {bad[0]} is out of bounds for dimension {position} with "
                             f"size {size}")


def _check_index_put(self, key, values, masked):
    """torch's checks of ``self[key] = values`` with index tensors, in its order: the
    masks' shapes; unless ``masked`` (one mask and one value: a masked_fill, which casts
    the value, and whose mask cannot be out of range), the values broadcast to what
    ``self[key]`` selects and have ``self``'s dtype; then the indices are in range."""
    dim = 0
    for k in key:
        if getattr(k, "dtype", None) == bool:
            _check_mask(self, dim, k)
        elif hasattr(k, "dtype") and not jnp.issubdtype(k.dtype, jnp.integer):
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        dim += k.ndim if getattr(k, "dtype", None) == bool else 1
    if not builtins.all(tape.concrete(k) for k in key if hasattr(k, "dtype")):
        return
    if masked:          # one mask, its shape checked: nothing is out of range
        return
    # what self[key] selects, from a zero-strided stand-in for self (index values do not
    # change its shape: zeros stand in for them until the range check)
    stand_in = np.lib.stride_tricks.as_strided(np.zeros(1, bool), self.shape,
                                               (0,) * self.ndim)
    target = stand_in[tuple(np.zeros(k.shape, int) if hasattr(k, "dtype") and
                            k.dtype != bool else k for k in key)].shape
    if _broadcast_to(values.shape, target) != target:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(values.shape)} "
                           "cannot be broadcast to indexing result of shape "
                           f"{list(target)}")
    if values.dtype != self.dtype:
        raise RuntimeError("Index put requires the source and destination dtypes match, "
                           f"got {D.c_name(self.dtype)} for the destination and "
                           f"{D.c_name(values.dtype)} for the source.")
    try:                    # (a mask's values need not be read: its shape was checked)
        stand_in[tuple(np.zeros(k.shape, bool) if getattr(k, "dtype", None) == bool else
                       np.asarray(k) if hasattr(k, "dtype") else k for k in key)]
    except IndexError as e:           # an index out of range: NumPy found it
        raise IndexError(str(e).replace(" axis ", " dimension ")) from None


def _broadcast_to(shape, target):
    """The shape ``shape`` broadcasts to against ``target`` (None if it cannot)."""
    try:
        return np.broadcast_shapes(shape, target)
    except ValueError:
        return None


def _check_index(t, dim, i, position):
    n = t.shape[dim]
    if not -n <= i < n:
        raise IndexError(f"index {i} is out of bounds for dimension {position} with size {n}")


def _check_mask(t, dim, mask):
    for k, s in enumerate(mask.shape):
        if t.shape[dim + k] != s:
            raise IndexError(f"The shape of the mask [{', '.join(map(str, mask.shape))}] at "
                             f"index {k} does not match the shape of the indexed tensor "
                             f"[{', '.join(map(str, t.shape))}] at index {dim + k}")


@method
def copy_(self: Tensor, src: Tensor | Number, non_blocking: bool = False) -> Tensor:
    """Copy ``src`` (broadcast, cast) into ``self`` in place."""
    if not isinstance(src, Tensor):
        src = tensor(src)
    _broadcast_shapes(self.shape, src.shape)
    if src.ndim > self.ndim or builtins.any(
            s != 1 and s != o for s, o in zip(reversed(src.shape), reversed(self.shape))):
        raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the "
                           f"broadcast shape {list(broadcast_shapes(self.shape, src.shape))}")
    return tape.inplace(self, lambda old: apply(RULES["copy_"], old, src), src_for_view=src)


def _where_mask(key, shape, values):
    """Where ``key``'s one boolean mask starts among ``shape``'s dims, if the key is that
    mask among full slices and ``values`` broadcast over the selected elements (else
    None)."""
    others = [k for k in key if not isinstance(k, slice)]
    if len(others) != 1 or getattr(others[0], "dtype", None) != bool or any(
            k != slice(None) for k in key if isinstance(k, slice)):
        return None
    lead = next(i for i, k in enumerate(key) if k is others[0])
    trailing = shape[lead + others[0].ndim:]
    try:
        if np.ndim(values) and np.broadcast_shapes(np.shape(values), trailing) != trailing:
            return None
    except ValueError:
        return None
    return lead


def _index_put(self, values, key, accumulate, positions=None):
    """``self[key] = values`` (``+=`` with ``accumulate``). A boolean mask whose values
    broadcast over what it selects (``g[h < 0] = 0``) is a ``where``: one kernel per shape,
    whatever the mask holds (a scatter at its True places compiles once per count).
    ``positions`` (accumulating into an expanded tensor): where each element of ``self``
    lies in memory. torch's kernel adds into memory, so the copies of one element that the
    expand repeats each get every value added to any of them."""
    if positions is not None:
        added = jnp.zeros_like(self).at[key].add(values.astype(self.dtype))
        total = jnp.zeros(int(positions.max()) + 1, self.dtype).at[positions].add(added)
        return self + total[positions]
    lead = _where_mask(key, self.shape, values)
    if lead is not None:
        mask = next(k for k in key if not isinstance(k, slice))
        return _masked_put(self, values, mask, accumulate=accumulate, lead=lead)
    return self.at[key].add(values) if accumulate else self.at[key].set(values)


# x[key] = values: values' gradient is grad[key]; self's is grad with key's places zeroed
row("index_put", "IndexPutBackward0",
    lambda self, values, *, key, accumulate, positions=None: _index_put(
        self, values, key, accumulate, positions),
    (lambda grad, key, accumulate: grad if accumulate else tape.apply(
        RULES["index_put"], grad, 0.0, key=key, accumulate=False),
     lambda grad, key: tape.apply(RULES["index"], grad, key=key,
                                  self_sym_sizes=grad._array.shape)))


def _key_of(indices, values, accumulate):
    """index_put's key (arrays), and whether it is torch's masked_fill: one mask and one
    value, which casts the value and writes an expanded tensor (with torch's warnings)."""
    key = tuple(i._value() if isinstance(i, Tensor) else i for i in indices)
    arrays = [k for k in key if hasattr(k, "dtype")]
    masked = (not accumulate and values.numel() == 1 and len(arrays) == 1
              and arrays[0].dtype == bool)
    return key, masked


@method
def index_put(input: Tensor, indices: Sequence[Optional[Tensor]], values: Tensor,
              accumulate: bool = False) -> Tensor:
    """A copy of ``input`` with ``input[indices] = values`` (or ``+=`` with
    ``accumulate``): IndexPutBackward0."""
    key, masked = _key_of(indices, values, accumulate)
    _check_index_put(input, key, values, masked)
    return apply(RULES["index_put"], input, values, key=key, accumulate=accumulate)


@method
def index_put_(self: Tensor, indices: Sequence[Optional[Tensor]], values: Tensor,
               accumulate: bool = False) -> Tensor:
    """``self[indices] = values`` (or ``+=`` with ``accumulate``), in place. torch writes
    through an expanded tensor too, with a warning (and, with one mask and one value, a
    second one: it is ``masked_fill_``'s)."""
    key, masked = _key_of(indices, values, accumulate)

    def compute(old):
        tape.warn_expanded(self, "index_put_")
        _check_index_put(old, key, values, masked)
        if masked:
            tape.warn_expanded(self, "masked_fill_")
        expanded = accumulate and tape.is_expanded(self)
        return apply(RULES["index_put"], old, values, key=key, accumulate=accumulate,
                     positions=self._flat_index() if expanded else None)
    return tape.inplace(self, compute, expanded_ok=True)


def _setitem(self: Tensor, key: Index, value: Tensor | Number) -> None:
    """``x[key] = value`` as torch's: the basic part of the key makes a view (see
    ``_apply_slicing``); the value is copied into it (CopySlices on ``x``), or put at the
    index tensors and masks left (``index_put_``, through the view if it is one)."""
    number = type(value) in (int, float, bool)
    if number:
        value = make_tensor(_scalar(value, self.dtype))
    elif not isinstance(value, Tensor):
        value = make_tensor(jnp.asarray(value, self._array.dtype))
    if key is False:                       # torch: nothing, whatever the value
        return
    target, advanced = _apply_slicing(self, None if key is True else key, setting=True)
    if builtins.any(not isinstance(a, slice) for a in advanced):
        index_put_(target, tuple(advanced), value)
        return
    # torch's copy_to: a key whose basic part is the whole tensor (``...``, ``:``) writes
    # into the tensor itself (FillBackward3, CopyBackwards), any other into its view
    if value.shape != target.shape and value.ndim == 0 and (number or value.is_cpu):
        target.fill_(value)
        return
    if value.shape != target.shape:                    # (expand's error, if it does not fit)
        leading = next((i for i, n in enumerate(value.shape) if n != 1), value.ndim)
        value = value.reshape(value.shape[leading:]).expand(target.shape)
    tape.check_inplace(target)
    copy_(target, value)


Tensor.__setitem__ = _setitem



def combinations(input: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:
    """The combinations of ``r`` elements of the vector ``input`` (with repeats, with
    ``with_replacement``), one per row, in order: as torch builds them, the ``r``-fold
    grid of ``input`` (meshgrid), each grid's elements where the indices rise
    (masked_select), stacked (StackBackward0).

    >>> import autodiff
    >>> autodiff.combinations(autodiff.tensor([1, 2, 3]))
    tensor([[1, 2],
            [1, 3],
            [2, 3]])
    """
    if input.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return full((0,), 0, dtype=input.dtype)
    indices = np.meshgrid(*[np.arange(input.shape[0])] * r, indexing="ij")
    rising = np.less_equal if with_replacement else np.less
    mask = np.logical_and.reduce([rising(a, b) for a, b in zip(indices, indices[1:])]
                                 + [np.ones_like(indices[0], bool)])
    mask_tensor = tensor(mask)
    return stack([masked_select(grid, mask_tensor)
                  for grid in meshgrid(*[input] * r, indexing="ij")], 1)


if not TYPE_CHECKING:         # (see exported: a type checker reads every public name)
    __all__ = exported(globals())
