"""Reductions: sums, means, products, extrema, norms, variances, softmax and the
cumulative ops. The gradient of a reduction is spread back over what was reduced."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional, Sequence, Union, overload

import builtins
import functools
import math

import jax
import jax.numpy as jnp
import numpy as np

from .. import dtypes as D, tape
from ..dtypes import Dims, Number
from ..tape import RULES, Tensor, apply, make_tensor, row
from ._common import (_broadcast_shapes, _dims, _if_given, _kernel_missing, _mean,
                      _over_scalar, _plus_scalar, _times_scalar, _to_dtype, _w, _zeros,
                      alias_row, exported, method)
from .creation import zeros
from .pointwise import maximum, minimum
from .comparison import isnan
from .shape import _slice, cat, narrow, select, view

if TYPE_CHECKING:
    from ..tape import ValuesIndices


# Reductions. The gradient of a sum is spread back over what was summed.
row("sum", "SumBackward0", lambda self, *, self_sym_sizes: jnp.sum(self),
    lambda grad, self_sym_sizes: (grad.expand(self_sym_sizes),))


def _unsqueeze_dims(grad, dim, keepdim, ndim):
    """Put back the dimensions a reduction removed, so ``grad`` broadcasts against self."""
    if keepdim or dim is None:
        return grad
    for d in sorted(d % builtins.max(ndim, 1) for d in dim):
        grad = grad.unsqueeze(d)
    return grad


row("sum_dim", "SumBackward1",
    lambda self, *, dim, keepdim, self_sym_sizes, dtype=None: jnp.sum(self, dim, dtype,
                                                                   keepdims=keepdim),
    lambda grad, dim, keepdim, self_sym_sizes, dtype=None: (
        _unsqueeze_dims(grad, dim, keepdim, len(self_sym_sizes)).expand(self_sym_sizes),))


@method
def sum(input: Tensor, dim: Optional[Dims] = None, keepdim: bool = False,
        dtype: Optional[D.dtype] = None) -> Tensor:
    """Sum of all elements (SumBackward0) or along ``dim`` (SumBackward1)."""
    _check_result_dtype(input, dtype)
    if not input.dtype.is_floating_point and dtype is None:
        dtype = D.int64                                   # torch sums integers as int64
    if dim is None and not keepdim and dtype is None:
        return apply(RULES["sum"], input, self_sym_sizes=input._array.shape)
    dims = _dims(dim, input.ndim) if dim is not None else tuple(range(input.ndim))
    return apply(RULES["sum_dim"], input, dim=dims, keepdim=keepdim, self_sym_sizes=input._array.shape,
                 **({"dtype": _to_dtype(dtype).np} if dtype is not None else {}))


# nansum: a sum with NaNs counted as 0, so they get no gradient
row("nansum", "NansumBackward0",
    lambda self, *, dim, keepdim, self_sym_sizes, dtype=None: jnp.nansum(
        self, dim, dtype, keepdims=keepdim),
    lambda grad, self, dim, keepdim, self_sym_sizes, dtype=None: (
        _unsqueeze_dims(grad, dim, keepdim, len(self_sym_sizes)).expand(self_sym_sizes)
        * self.isnan().logical_not(),))


@method
def nansum(input: Tensor, dim: Optional[Dims] = None, keepdim: bool = False, *,
           dtype: Optional[D.dtype] = None) -> Tensor:
    """The sum with NaNs counted as zero (NansumBackward0: they get no gradient)."""
    _check_result_dtype(input, dtype)
    if not input.dtype.is_floating_point and dtype is None:
        dtype = D.int64
    dims = None if dim is None else _dims(dim, input.ndim)
    return apply(RULES["nansum"], input, dim=dims, keepdim=keepdim,
                 self_sym_sizes=input._array.shape,
                 **({"dtype": _to_dtype(dtype).np} if dtype is not None else {}))


@method
def nanmean(input: Tensor, dim: Optional[Dims] = None, keepdim: bool = False, *,
            dtype: Optional[D.dtype] = None) -> Tensor:
    """The mean of the elements that are not NaN: ``nansum`` over their count, as torch."""
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex "
                           f"dtype but got {D.c_name(input.dtype)}")
    count = isnan(input).logical_not().sum(dim, keepdim)
    return nansum(input, dim, keepdim, dtype=dtype).div(count)


def _numel(shape, dim):
    dims = range(len(shape)) if dim is None else dim
    return math.prod(shape[d] for d in dims)


row("mean", "MeanBackward0", lambda self, *, self_sym_sizes: _mean(self),
    lambda grad, self_sym_sizes: (_over_scalar(grad.expand(self_sym_sizes),
                                               _numel(self_sym_sizes, None)),))
row("mean_dim", "MeanBackward1",
    lambda self, *, dim, keepdim, self_sym_sizes: _mean(self, dim, keepdims=keepdim),
    lambda grad, dim, keepdim, self_sym_sizes: (_over_scalar(
        _unsqueeze_dims(grad, dim, keepdim, len(self_sym_sizes)).expand(self_sym_sizes),
        _numel(self_sym_sizes, dim)),))


@method
def mean(input: Tensor, dim: Optional[Dims] = None, keepdim: bool = False,
         dtype: Optional[D.dtype] = None) -> Tensor:
    """The mean of all elements (MeanBackward0) or along ``dim`` (MeanBackward1)."""
    which, dt = ("Optional", _to_dtype(dtype)) if dtype is not None else ("Input", input.dtype)
    if not dt.is_floating_point:
        raise RuntimeError(
            f"mean(): could not infer output dtype. {which} dtype must be either a floating "
            f"point or complex dtype. Got: {D.c_name(dt)}")
    if dtype is not None:
        input = input.to(dtype)
    if dim is None and not keepdim:
        return apply(RULES["mean"], input, self_sym_sizes=input._array.shape)
    dims = _dims(dim, input.ndim) if dim is not None else tuple(range(input.ndim))
    return apply(RULES["mean_dim"], input, dim=dims, keepdim=keepdim, self_sym_sizes=input._array.shape)


def _check_result_dtype(input, dtype):
    """torch's error for an op asked for an integer result of a tensor that requires grad."""
    if (dtype is not None and not _to_dtype(dtype).is_floating_point and input.requires_grad
            and tape.is_grad_enabled()):
        raise RuntimeError(f"Autograd not support dtype: {D.c_name(_to_dtype(dtype))}")


def _prod_others(self, dim):
    """For each element, the product of the others along ``dim`` (exact with zeros)."""
    x = self.movedim(dim, -1)
    n = x.shape[-1]
    eye = tape.make_tensor(jnp.eye(n, dtype=bool))
    others = tape.apply(RULES["where"], 1.0, x.unsqueeze(-2).expand(*x.shape[:-1], n, n),
                        condition=eye).prod(-1)
    return others.movedim(-1, dim)


# d prod / dx_i = product of the other elements
row("prod", "ProdBackward0", lambda self: jnp.prod(self),
    lambda grad, self: (grad * _prod_others(self.reshape(-1), 0).reshape(self.shape),))
row("prod_dim", "ProdBackward1", lambda self, *, dim, keepdim: jnp.prod(self, dim,
                                                                      keepdims=keepdim),
    lambda grad, self, dim, keepdim: (
        _unsqueeze_dims(grad, (dim,), keepdim, self.ndim) * _prod_others(self, dim),))


@method
def prod(input: Tensor, dim: Optional[int] = None, keepdim: bool = False,
         dtype: Optional[D.dtype] = None) -> Tensor:
    """The product of all elements (ProdBackward0) or along ``dim`` (ProdBackward1)."""
    _check_result_dtype(input, dtype)
    if dtype is not None:
        input = input.to(dtype)
    if dim is None:
        return apply(RULES["prod"], input)
    return apply(RULES["prod_dim"], input, dim=tape.wrap_dim(dim, input.ndim), keepdim=keepdim)


class _ReturnType(tuple):
    """torch.return_types.max & co: a pair with names, ``_fields``."""

    _name, _fields = "max", ("values", "indices")

    def __new__(cls, *items):
        return tuple.__new__(cls, items)

    def __repr__(self):
        fields = ",\n".join(f"{name}={value!r}" for name, value in zip(self._fields, self))
        return f"autodiff.return_types.{self._name}(\n{fields})"


def _return_type(name, fields=("values", "indices")):
    named = {field: property(lambda self, i=i: self[i])  # type: ignore[misc]
             for i, field in enumerate(fields)}
    return type(name, (_ReturnType,), {"_name": name, "_fields": fields, **named})


# sort and topk: their values are picked from the input where ``indices`` (computed
# beside the tape) point; each gradient goes back to its place,
# zeros.scatter(dim, indices, grad)
def _picked(self, *, dim, indices, self_sym_sizes):
    return jnp.take_along_axis(self, indices._value(), axis=dim)


def _picked_backward(grad, indices, dim, self_sym_sizes):
    return (tape.apply(RULES["scatter"], _zeros(self_sym_sizes, grad), grad, dim=dim,
                       index=indices),)


row("sort", "SortBackward0", _picked, _picked_backward, tensor_attrs=("indices",))
row("topk", "TopkBackward0", _picked, _picked_backward, tensor_attrs=("indices",))


# cummax/cummin: each output is an earlier element (``indices``); the gradients go back
# there, added up: zeros.scatter_add(dim, indices, grad)
def _cummaxmin(self, *, dim, indices):
    return jnp.take_along_axis(jnp.atleast_1d(self), jnp.atleast_1d(indices._value()),
                               axis=dim).reshape(self.shape)


def _cummaxmin_backward(grad, self, indices, dim):
    if self.ndim == 0:                     # its one element is its own maximum
        return (grad,)
    return (_zeros(self.shape, grad).scatter_add(dim, indices, grad),)


row("cummax", "CummaxBackward0", _cummaxmin, _cummaxmin_backward, tensor_attrs=("indices",))
row("cummin", "CumminBackward0", _cummaxmin, _cummaxmin_backward, tensor_attrs=("indices",))


class return_types:
    """The named tuples ``max``, ``min``, ``median``, ``nanmedian``, ``sort``, ``topk``, ``cummax``,
    ``cummin``, ``kthvalue`` and ``mode`` return: ``(values, indices)``; ``aminmax``'s
    ``(min, max)``, ``slogdet``'s ``(sign, logabsdet)``."""

    max = _return_type("max")
    cummax = _return_type("cummax")
    cummin = _return_type("cummin")
    min = _return_type("min")
    median = _return_type("median")
    nanmedian = _return_type("nanmedian")
    sort = _return_type("sort")
    topk = _return_type("topk")
    kthvalue = _return_type("kthvalue")
    mode = _return_type("mode")
    aminmax = _return_type("aminmax", ("min", "max"))
    slogdet = _return_type("slogdet", ("sign", "logabsdet"))
    linalg_slogdet = _return_type("linalg_slogdet", ("sign", "logabsdet"))
    frexp = _return_type("frexp", ("mantissa", "exponent"))
    histogram = _return_type("histogram", ("hist", "bin_edges"))
    histogramdd = _return_type("histogramdd", ("hist", "bin_edges"))


# frexp: x = mantissa * 2^exponent, |mantissa| in [0.5, 1):  d mantissa/dx = 2^-exponent
# (the exponent, computed beside the tape, has no gradient)
row("frexp", "FrexpBackward0", lambda self, *, exponent: jnp.frexp(self)[0],
    lambda grad, exponent: (grad / exponent.exp2(),), tensor_attrs=("exponent",))


@method
def frexp(input: Tensor) -> tuple[Tensor, Tensor]:
    """Each element as ``mantissa * 2 ** exponent``, ``|mantissa|`` in [0.5, 1)
    (FrexpBackward0 for the mantissa; the int32 exponent has no gradient).

    >>> import autodiff
    >>> autodiff.frexp(autodiff.tensor([0.5, 2.0, -3.0]))
    autodiff.return_types.frexp(
    mantissa=tensor([ 0.5000,  0.5000, -0.7500]),
    exponent=tensor([0, 2, 2], dtype=autodiff.int32))
    """
    if not input.is_floating_point():
        raise RuntimeError("autodiff.frexp() only supports floating-point dtypes")
    exponent = make_tensor(jnp.frexp(input._value())[1].astype(jnp.int32))
    return return_types.frexp(apply(RULES["frexp"], input, exponent=exponent), exponent)


def _extremum(input, dim, keepdim, other, full, along, arg, binary, kind):
    if isinstance(dim, Tensor):
        return binary(input, dim)
    if other is not None:
        return binary(input, other)
    if dim is None:
        if input.numel() == 0:
            raise RuntimeError(f"{kind}(): Expected reduction dim to be specified for "
                               "input.numel() == 0. Specify the reduction dim with the 'dim' "
                               "argument.")
        return apply(full, input)
    return _selected_along(input, dim, keepdim, along, arg, kind)


def _selected_along(input, dim, keepdim, along, arg, kind):
    """(values, indices) of the element ``arg`` picks in each slice along ``dim``: max,
    min, median."""
    d = tape.wrap_dim(dim, input.ndim)
    indices = arg(input._value(), d, keepdims=keepdim)
    values = apply(along, input, dim=d, keepdim=keepdim, indices=indices,
                   self_sym_sizes=input._array.shape)
    return getattr(return_types, kind)(values, make_tensor(indices.astype(np.int64)))


def _evenly_distributed(grad, self, result):
    """torch's evenly_distribute_backward: zeros, with the gradient shared among the
    elements equal to the result filled in."""
    hit = (self == result) | (self.isnan() & result.isnan())
    return _zeros(self.shape, grad).masked_fill_(hit, grad / hit.sum())


# median: the lower middle element (nan if any is); its gradient as max's, shared by ties.
# nanmedian: the lower middle one of the others (nan if all are).
def _lower_median(x, ignore_nan=False):
    flat = jnp.sort(x.reshape(-1))           # (nan sorts last)
    if flat.size == 0:
        return jnp.asarray(jnp.nan, x.dtype)
    if ignore_nan:
        present = jnp.sum(~jnp.isnan(flat))
        return flat[jnp.maximum(present - 1, 0) // 2]
    return jnp.where(jnp.isnan(flat[-1]), flat[-1], flat[(flat.size - 1) // 2])


row("median", "MedianBackward0", lambda self: _lower_median(self),
    lambda grad, self, result: (_evenly_distributed(grad, self, result),))
row("nanmedian", "NanmedianBackward0", lambda self: _lower_median(self, ignore_nan=True),
    lambda grad, self, result: (_evenly_distributed(grad, self, result),))


def _take_along(x, indices, dim, keepdim):
    """The elements ``indices`` points at along ``dim`` (one per slice)."""
    if x.ndim == 0:
        return x
    kept = indices if keepdim else jnp.expand_dims(indices, dim)
    taken = jnp.take_along_axis(x, kept, dim)
    return taken if keepdim else jnp.squeeze(taken, dim)


def _to_indices(grad, dim, keepdim, indices, shape):
    """Spread ``grad`` along ``dim`` onto the positions ``indices`` picked, zeros elsewhere:
    torch's ``zeros.scatter(dim, indices, grad)`` (ScatterBackward0 when recorded)."""
    if not shape:
        return grad
    picked = indices if keepdim else jnp.expand_dims(indices, dim)
    return tape.apply(RULES["scatter"], _zeros(shape, grad),
                      _unsqueeze_dims(grad, (dim,), keepdim, len(shape)), dim=dim,
                      index=tape.make_tensor(picked))


# median, kthvalue and mode along a dim: the elements ``indices`` points at (torch's
# value_selecting_reduction_backward)
for _op, _node in (("median_dim", "MedianBackward1"), ("nanmedian_dim", "NanmedianBackward1"),
                   ("kthvalue", "KthvalueBackward0"), ("mode", "ModeBackward0")):
    row(_op, _node,
        lambda self, *, dim, keepdim, indices, self_sym_sizes: _take_along(self, indices, dim,
                                                                          keepdim),
        lambda grad, dim, keepdim, indices, self_sym_sizes: (
            _to_indices(grad, dim, keepdim, indices, self_sym_sizes),))


@overload
def median(input: Tensor) -> Tensor: ...
@overload
def median(input: Tensor, dim: int, keepdim: bool = False) -> ValuesIndices: ...


@method
def median(input, dim=None, keepdim=False):
    """The lower median of all elements (MedianBackward0; nan if any is nan), or along
    ``dim`` -> (values, indices) (MedianBackward1). Among equal elements the index is the
    middle one in their order (torch's pick among ties depends on its kernel)."""
    return _median(input, dim, keepdim, "median")


@overload
def nanmedian(input: Tensor) -> Tensor: ...
@overload
def nanmedian(input: Tensor, dim: int, keepdim: bool = False) -> ValuesIndices: ...


@method
def nanmedian(input, dim=None, keepdim=False):
    """``median`` of the elements that are not nan (NanmedianBackward0; along ``dim`` ->
    (values, indices), NanmedianBackward1); nan where all are."""
    return _median(input, dim, keepdim, "nanmedian")


def _median(input, dim, keepdim, kind):
    if dim is None:
        return apply(RULES[kind], input)
    if input.ndim and input.shape[tape.wrap_dim(dim, input.ndim)] == 0:
        raise IndexError(f"median(): Expected reduction dim {dim} to have non-zero size.")
    return _selected_along(input, dim, keepdim, RULES[kind + "_dim"],
                           functools.partial(_median_index, ignore_nan=kind == "nanmedian"),
                           kind)


@method
def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False) -> ValuesIndices:
    """``(values, indices)``: the ``k``-th smallest element along ``dim`` and where it is
    (KthvalueBackward0). Among equal elements the index is the ``k``-th in a stable sort
    (torch's pick among ties depends on its kernel).

    >>> import autodiff
    >>> x = autodiff.tensor([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]], requires_grad=True)
    >>> autodiff.kthvalue(x, 2, 1)
    autodiff.return_types.kthvalue(
    values=tensor([2., 4.], grad_fn=<KthvalueBackward0>),
    indices=tensor([2, 2]))
    """
    d = _nonempty_dim(input, dim, "kthvalue")
    if not 1 <= k <= (input.shape[d] if input.ndim else 1):
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")

    def kth_index(x, dim, keepdims):
        if x.ndim == 0:
            return jnp.zeros((), np.int64)
        index = jnp.take(jnp.argsort(x, axis=dim, stable=True), k - 1, dim)
        return jnp.expand_dims(index, dim) if keepdims else index
    return _selected_along(input, d, keepdim, RULES["kthvalue"], kth_index, "kthvalue")


@method
def mode(input: Tensor, dim: int = -1, keepdim: bool = False) -> ValuesIndices:
    """``(values, indices)``: the most frequent element along ``dim`` (the smallest of
    equally frequent ones) and the last place it is at (ModeBackward0).

    >>> import autodiff
    >>> x = autodiff.tensor([[1.0, 3.0, 3.0, 1.0], [2.0, 2.0, 0.0, 5.0]], requires_grad=True)
    >>> autodiff.mode(x, 1)
    autodiff.return_types.mode(
    values=tensor([1., 2.], grad_fn=<ModeBackward0>),
    indices=tensor([3, 1]))
    """
    d = _nonempty_dim(input, dim, "mode")
    return _selected_along(input, d, keepdim, RULES["mode"], _mode_index, "mode")


def _nonempty_dim(input, dim, fn):
    """``dim`` wrapped, checked to have elements (torch's error for an empty one)."""
    d = tape.wrap_dim(dim, input.ndim)
    if input.ndim and input.shape[d] == 0:
        raise IndexError(f"{fn}(): Expected reduction dim {d} to have non-zero size.")
    return d


def _mode_index(x, dim, keepdims):
    """Where each slice's mode is: of the most frequent values the smallest, at its last
    place (counted by comparing every pair: the slices of a teaching library are short)."""
    if x.ndim == 0:
        return jnp.zeros((), np.int64)
    x = jnp.moveaxis(x, dim, -1)
    counts = (x[..., :, None] == x[..., None, :]).sum(-1)
    frequent = counts == counts.max(-1, keepdims=True)
    value = jnp.where(frequent, x, x.max(-1, keepdims=True)).min(-1, keepdims=True)
    index = x.shape[-1] - 1 - jnp.argmax(jnp.flip(x == value, -1), -1)
    return jnp.expand_dims(index, dim) if keepdims else index


def _median_index(x, dim, keepdims, ignore_nan=False):
    """Where each slice's lower median is: the middle of a stable sort (the first nan if
    the slice has one; ignoring nans, the middle of the others)."""
    if x.ndim == 0:
        return jnp.zeros((), np.int64)
    order = jnp.argsort(x, axis=dim, stable=True)
    nan = jnp.isnan(x)
    if ignore_nan:
        middle = (jnp.maximum(jnp.sum(~nan, dim, keepdims=True) - 1, 0)) // 2
        index = jnp.squeeze(jnp.take_along_axis(order, middle, dim), dim)
    else:
        middle = jnp.take(order, (x.shape[dim] - 1) // 2, dim)
        index = jnp.where(nan.any(dim), jnp.argmax(nan, dim), middle)
    return jnp.expand_dims(index, dim) if keepdims else index


# max()/min() of all elements: the gradient is shared by the elements equal to the result
# (a NaN result comes from the NaNs; the others get exactly 0, even where the gradient is
# inf: torch masks rather than multiplies)
row("max", "MaxBackward1", lambda self: jnp.max(self), lambda grad, self, result: (
    _evenly_distributed(grad, self, result),))
# max/min (and median) along a dim: the gradient goes to the element each index points at
row("max_dim", "MaxBackward0",
    lambda self, *, dim, keepdim, indices, self_sym_sizes: jnp.max(self, dim, keepdims=keepdim),
    lambda grad, dim, keepdim, indices, self_sym_sizes: (
        _to_indices(grad, dim, keepdim, indices, self_sym_sizes),))


# max and min: of all elements, along a dim (values and indices), or of two tensors
@overload
def max(input: Tensor) -> Tensor: ...
@overload
def max(input: Tensor, dim: int, keepdim: bool = False) -> ValuesIndices: ...
@overload
def max(input: Tensor, dim: Tensor) -> Tensor: ...
@overload
def max(input: Tensor, *, other: Tensor) -> Tensor: ...


@method
def max(input, dim=None, keepdim=False, *, other=None):
    """``max()`` of all elements, ``max(dim)`` -> (values, indices), or ``max(a, b)``."""
    return _extremum(input, dim, keepdim, other, RULES["max"], RULES["max_dim"], jnp.argmax, maximum,
                     "max")


row("min", "MinBackward1", lambda self: jnp.min(self), lambda grad, self, result: (
    _evenly_distributed(grad, self, result),))
row("min_dim", "MinBackward0",
    lambda self, *, dim, keepdim, indices, self_sym_sizes: jnp.min(self, dim, keepdims=keepdim),
    lambda grad, dim, keepdim, indices, self_sym_sizes: (
        _to_indices(grad, dim, keepdim, indices, self_sym_sizes),))


@overload
def min(input: Tensor) -> Tensor: ...
@overload
def min(input: Tensor, dim: int, keepdim: bool = False) -> ValuesIndices: ...
@overload
def min(input: Tensor, dim: Tensor) -> Tensor: ...
@overload
def min(input: Tensor, *, other: Tensor) -> Tensor: ...


@method
def min(input, dim=None, keepdim=False, *, other=None):
    """``min()`` of all elements, ``min(dim)`` -> (values, indices), or ``min(a, b)``."""
    return _extremum(input, dim, keepdim, other, RULES["min"], RULES["min_dim"], jnp.argmin, minimum,
                     "min")


def _sum_of_present(grads):
    """The sum of the gradients that are there (None if none is): a node of several
    outputs adds up the contributions of those that got a gradient."""
    total = None
    for g in grads:
        if g is not None:
            total = g if total is None else total + g
    return total


def _count(hit, dim):
    """How many elements tie for the extremum (per slice along ``dim``, or in all)."""
    return hit.sum() if dim is None else hit.sum(dim, keepdim=True)


def _reduced_shape(shape, dim):
    """``shape`` with the reduced dims (all for None) kept, as size 1 (torch's
    restore_reduced_dims)."""
    dims = range(len(shape)) if dim is None else {d % builtins.max(len(shape), 1) for d in dim}
    return tuple(1 if i in dims else s for i, s in enumerate(shape))


def _shared_among_ties(grad, self, result, dim, keepdim):
    """torch's scale_grad_by_count: the gradient shared by the elements equal to the result
    (per slice along ``dim``, or among all), its reduced dims restored unless kept."""
    if not keepdim:
        shape = _reduced_shape(self.shape, dim)
        grad, result = grad.reshape(shape), result.reshape(shape)
    hit = self == result
    return grad / _count(hit, dim) * hit


# aminmax: amin and amax in one node, the gradient of each shared by its ties; the
# gradients of the two outputs add up (torch's aminmax_backward)
row("aminmax", "AminmaxBackward0",
    lambda self, *, dim, keepdim: (jnp.min(self, dim, keepdims=keepdim),
                                   jnp.max(self, dim, keepdims=keepdim)),
    lambda grads, self, min, max, dim, keepdim: (_sum_of_present(
        _if_given(_shared_among_ties, g, self, extremum, None if dim is None else (dim,),
                  keepdim) for g, extremum in zip(grads, (min, max))),),
    outputs=("min", "max"))


@method
def aminmax(input: Tensor, *, dim: Optional[int] = None,
            keepdim: bool = False) -> tuple[Tensor, Tensor]:
    """``(min, max)`` of all elements, or along ``dim``, in one node (AminmaxBackward0);
    ties share each one's gradient, as in ``amin`` and ``amax``.

    >>> import autodiff
    >>> x = autodiff.tensor([[1.0, 3.0], [4.0, 2.0]], requires_grad=True)
    >>> autodiff.aminmax(x, dim=1)
    autodiff.return_types.aminmax(
    min=tensor([1., 2.], grad_fn=<AminmaxBackward0>),
    max=tensor([3., 4.], grad_fn=<AminmaxBackward0>))
    """
    if dim is not None:
        dim = tape.wrap_dim(dim, input.ndim) if input.ndim else None
    if input.numel() == 0 and (dim is None or input.shape[dim] == 0):
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the "
                           "operation has no identity.")
    return return_types.aminmax(*tape.apply_multi(RULES["aminmax"], input, dim=dim,
                                                  keepdim=keepdim))


row("amax", "AmaxBackward0", lambda self, *, dim, keepdim: jnp.max(self, dim, keepdims=keepdim),
    lambda grad, self, result, dim, keepdim: (_shared_among_ties(grad, self, result, dim,
                                                                keepdim),))


@method
def amax(input: Tensor, dim: Dims = (), keepdim: bool = False) -> Tensor:
    """The largest elements along ``dim`` (all of them by default); ties share the gradient."""
    dims = _dims(dim, input.ndim) if dim != () else None
    return apply(RULES["amax"], input, dim=dims, keepdim=keepdim)


row("amin", "AminBackward0", lambda self, *, dim, keepdim: jnp.min(self, dim, keepdims=keepdim),
    lambda grad, self, result, dim, keepdim: (_shared_among_ties(grad, self, result, dim,
                                                                keepdim),))


@method
def amin(input: Tensor, dim: Dims = (), keepdim: bool = False) -> Tensor:
    """The smallest elements along ``dim`` (all of them by default); ties share the gradient."""
    dims = _dims(dim, input.ndim) if dim != () else None
    return apply(RULES["amin"], input, dim=dims, keepdim=keepdim)


@method
def argmax(input: Tensor, dim: Optional[int] = None, keepdim: bool = False) -> Tensor:
    """The index of the largest element (of the flattened tensor, or along ``dim``)."""
    if dim is None:
        return make_tensor(jnp.argmax(input._value()).astype(np.int64))
    return make_tensor(jnp.argmax(input._value(), tape.wrap_dim(dim, input.ndim),
                            keepdims=keepdim).astype(np.int64))


@method
def argmin(input: Tensor, dim: Optional[int] = None, keepdim: bool = False) -> Tensor:
    """The index of the smallest element (of the flattened tensor, or along ``dim``)."""
    if dim is None:
        return make_tensor(jnp.argmin(input._value()).astype(np.int64))
    return make_tensor(jnp.argmin(input._value(), tape.wrap_dim(dim, input.ndim),
                            keepdims=keepdim).astype(np.int64))


@method
def all(input: Tensor, dim: Optional[Dims] = None, keepdim: bool = False) -> Tensor:
    """Whether every element is true (or along ``dim``)."""
    return make_tensor(jnp.all(input._value(), dim, keepdims=keepdim))


@method
def any(input: Tensor, dim: Optional[Dims] = None, keepdim: bool = False) -> Tensor:
    """Whether any element is true (or along ``dim``)."""
    return make_tensor(jnp.any(input._value(), dim, keepdims=keepdim))


def _norm_backward(grad, self, p, norm, dim):
    """torch's norm_backward (0 where the norm is 0)."""
    if p == 1:
        return self.sgn() * grad
    if p == 2:
        return grad * (self / norm).masked_fill_(norm == 0, 0)
    if p == math.inf:
        hit = self.abs() == norm
        return self.sgn() * (grad / _count(hit, dim) * hit)
    if p < 1:
        return (self.sgn() * self.abs().pow(p - 1).masked_fill_(self == 0, 0) * grad
                * norm.pow(1 - p))
    scale = (grad / norm.pow(p - 1)).masked_fill_(norm == 0, 0)
    if p < 2:
        return self.sgn() * self.abs().pow(p - 1) * scale
    return self * self.abs().pow(p - 2) * scale


# ||x||_p: d/dx = x |x|^(p-2) / ||x||^(p-1)   (0 where the norm is 0)
row("norm", "LinalgVectorNormBackward0",
    lambda self, *, ord, dim, keepdim: jnp.linalg.vector_norm(self, ord=ord, axis=dim, keepdims=keepdim),
    lambda grad, self, result, ord, dim, keepdim: (_norm_backward(
        _unsqueeze_dims(grad, dim, keepdim, self.ndim), self, ord,
        _unsqueeze_dims(result, dim, keepdim, self.ndim), dim),))
# at::norm(x, p, dim, keepdim) (pairwise_distance's): vector_norm's maths, torch's other node
alias_row("norm_scalaropt_dim", "NormBackward1", of="norm")


@method
def norm(input: Tensor, p: Union[float, str, None] = "fro", dim: Optional[Dims] = None,
         keepdim: bool = False, dtype: Optional[D.dtype] = None) -> Tensor:
    """The vector p-norm (2 by default) of all elements or along ``dim``."""
    ord = 2 if p in ("fro", None) else p
    if not input.dtype.is_floating_point:
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor "
                           f"as input. Got {D.c_name(input.dtype)}")
    return apply(RULES["norm"], input, ord=ord, dim=_dims(dim, input.ndim), keepdim=keepdim)


def frobenius_norm(input: Tensor, dim: Dims, keepdim: bool = False) -> Tensor:
    """Deprecated (as in torch, with its warning): the 2-norm of the elements along one
    or two dims (NormBackward1), ``linalg.vector_norm(input, 2, dim, keepdim)``."""
    tape.warn_once("at::frobenius_norm is deprecated and it is just left for JIT "
                   "compatibility. It will be removed in a future PyTorch release. Please use "
                   "`linalg.vector_norm(A, 2., dim, keepdim)` instead")
    dims = _dims(dim, input.ndim)
    if len(dims) > 2:
        raise RuntimeError(f"Expected at most 2 dimensions, but got {len(dims)} dimensions "
                           "instead.")
    if not input.dtype.is_floating_point:
        raise RuntimeError("norm(): input dtype should be either floating point or complex. "
                           f"Got {input.dtype._legacy.replace('Tensor', '')} instead.")
    return apply(RULES["norm_scalaropt_dim"], input, ord=2, dim=dims or None,  # (): all
                 keepdim=keepdim)


# dist(a, b, p) = ||a - b||_p: the norm's gradient at a - b, negated for b
row("dist", "DistBackward0",
    lambda self, other, *, p: jnp.linalg.vector_norm(self - other, ord=p),
    (lambda grad, self, other, result, p: _norm_backward(grad, self - other, p, result, None),
     lambda grad, self, other, result, p: -_norm_backward(grad, self - other, p, result, None)))


@method
def dist(input: Tensor, other: Tensor, p: float = 2) -> Tensor:
    """The ``p``-norm of ``input - other`` (broadcast), in one node (DistBackward0).

    >>> import autodiff
    >>> a = autodiff.tensor([1.0, 2.0], requires_grad=True)
    >>> autodiff.dist(a, autodiff.tensor([4.0, 6.0]))
    tensor(5., grad_fn=<DistBackward0>)
    """
    _broadcast_shapes(input.shape, other.shape)
    for x in (input, other):
        if not x.dtype.is_floating_point:
            raise RuntimeError("norm(): input dtype should be either floating point or complex. "
                               f"Got {x.dtype._legacy.replace('Tensor', '')} instead.")
    return apply(RULES["dist"], input, other, p=float(p))


def trapezoid(y: Tensor, x: Optional[Tensor] = None, *, dx: Optional[float] = None,
              dim: int = -1) -> Tensor:
    """The integral of ``y`` along ``dim`` by the trapezoidal rule, with samples spaced
    ``dx`` (1 by default) or at the points ``x``: torch's composition of slices, sums and
    products.

    >>> import autodiff
    >>> autodiff.trapezoid(autodiff.tensor([1.0, 2.0, 4.0]))
    tensor(4.5000)
    >>> autodiff.trapezoid(autodiff.tensor([1.0, 2.0, 4.0]), autodiff.tensor([0.0, 1.0, 3.0]))
    tensor(7.5000)
    """
    dim = tape.wrap_dim(dim, y.ndim)
    n = y.shape[dim]
    if n == 0:          # no samples: zeros, as numpy
        return zeros(tuple(s for d, s in enumerate(y.shape) if d != dim), dtype=y.dtype)
    if y.dtype is D.bool_ or (x is not None and x.dtype is D.bool_):
        which = "`y`" if y.dtype is D.bool_ else "`x`"
        raise RuntimeError(f"trapezoid: received a bool input for {which}, but bool is not "
                           "supported")
    if not y.dtype.is_floating_point:        # integers integrate to the default float
        y = y.to(D.DEFAULT_FLOAT)
    if x is None:       # evenly spaced: the sum, less half the two ends, times dx
        ends = select(y, dim, 0) + select(y, dim, -1)
        return _times_scalar(sum(y, dim) - _times_scalar(ends, 0.5), 1 if dx is None else dx)
    if x.ndim == 1:     # x's points lie along dim
        if x.shape[0] != n:
            raise RuntimeError("trapezoid: There must be one `x` value for each sample point")
        x = view(x, [n if d == dim else 1 for d in range(y.ndim)])
    elif x.ndim < y.ndim:
        x = view(x, (1,) * (y.ndim - x.ndim) + tuple(x.shape))
    spacing = narrow(x, dim, 1, x.shape[dim] - 1) - narrow(x, dim, 0, x.shape[dim] - 1)
    return _over_scalar(sum((narrow(y, dim, 1, n - 1) + narrow(y, dim, 0, n - 1)) * spacing,
                            dim), 2.0)


trapz = trapezoid


def _cut_ends(t, dim):
    """``t`` without its last, and without its first, element along ``dim`` (torch's
    ``slice(dim, 0, -1)`` and ``slice(dim, 1)``)."""
    if t.ndim == 0:
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    n = builtins.max(t.shape[dim] - 1, 0)
    return narrow(t, dim, 0, n), narrow(t, dim, t.shape[dim] - n, n)


def cumulative_trapezoid(y: Tensor, x: Optional[Tensor] = None, *, dx: Optional[float] = None,
                         dim: int = -1) -> Tensor:
    """The running integral of ``y`` along ``dim`` by the trapezoidal rule (one element
    fewer), with samples spaced ``dx`` (1 by default) or at the points ``x``: torch's
    composition (a cumsum, CumsumBackward0; DivBackward1 with ``x``).

    >>> import autodiff
    >>> autodiff.cumulative_trapezoid(autodiff.tensor([1.0, 2.0, 4.0]))
    tensor([1.5000, 4.5000])
    """
    dim = tape.wrap_dim(dim, y.ndim)
    if x is None:
        if y.dtype is D.bool_:
            raise RuntimeError("cumulative_trapezoid: received a bool input for `y`, but bool "
                               "is not supported")
        if not y.dtype.is_floating_point:        # integers integrate to the default float
            y = y.to(D.DEFAULT_FLOAT)
        left, right = _cut_ends(y, dim)
        return cumsum(_times_scalar(left + right, (1 if dx is None else dx) / 2), dim)
    if y.dtype is D.bool_ or x.dtype is D.bool_:
        raise RuntimeError("cumulative_trapezoid: received a bool input for `x` or `y`, but "
                           "bool is not supported")
    if x.ndim == 1:     # x's points lie along dim
        if x.shape[0] != (y.shape[dim] if y.ndim else 1):
            raise RuntimeError("cumulative_trapezoid: There must be one `x` value for each "
                               "sample point")
        x = view(x, [x.shape[0] if d == dim else 1 for d in range(y.ndim)])
    elif x.ndim < y.ndim:
        x = view(x, (1,) * (y.ndim - x.ndim) + tuple(x.shape))
    if not y.dtype.is_floating_point:        # integers integrate to the default float
        y = y.to(D.DEFAULT_FLOAT)
    x_left, x_right = _cut_ends(x, dim)
    left, right = _cut_ends(y, dim)
    return _over_scalar(cumsum((left + right) * (x_right - x_left), dim), 2.0)


def _correction(unbiased, correction):
    if correction is not None:
        return correction
    return 1 if unbiased in (None, True) else 0


def _spread_args(input, dim, unbiased, keepdim, correction, fn):
    """The attributes of var, std, var_mean and std_mean (``x.var(False)``: ``unbiased``
    given in ``dim``'s place), checked as torch does."""
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"{fn} only support floating point and complex dtypes")
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    return dict(dim=_dims(dim, input.ndim), correction=_correction(unbiased, correction),
                keepdim=keepdim)


def _var_backward(grad, self, dim, correction, keepdim):
    """torch's var_backward: 2 (x - mean) / (N - correction), times grad (with no degrees
    of freedom left, nan where x is the mean and inf elsewhere)."""
    if self.ndim == 0 or dim is None:
        dof = self.numel() - correction
        if dof <= 0:
            return grad * _w(self == self.mean(), math.nan, math.inf)
        return _times_scalar(grad, 2.0 / dof) * (self - self.mean())
    if not keepdim and self.ndim > 1:
        grad = _unsqueeze_dims(grad, dim, keepdim, self.ndim)
    dof = _numel(self.shape, dim) - correction
    return (_times_scalar(grad, 2.0 / dof if dof else math.inf)
            * (self - self.mean(dim, keepdim=True)))


# var = sum (x - mean)^2 / (N - correction):  d/dx = 2 (x - mean) / (N - correction)
row("var", "VarBackward0",
    lambda self, *, dim, correction, keepdim: jnp.var(self, dim, ddof=correction,
                                                   keepdims=keepdim),
    lambda grad, self, dim, correction, keepdim: (_var_backward(grad, self, dim, correction,
                                                                keepdim),))


@method
def var(input: Tensor, dim: Optional[Dims] = None, unbiased: Optional[bool] = None,
        keepdim: bool = False, *, correction: Optional[Number] = None) -> Tensor:
    """The variance, with Bessel's correction by default (VarBackward0)."""
    return apply(RULES["var"], input, **_spread_args(input, dim, unbiased, keepdim, correction,
                                                 "std and var"))


def _std_backward(grad, self, result, dim, correction, keepdim):
    """torch's std_backward: var's, of grad / (2 std) (0 where std is 0)."""
    return _var_backward((grad / _times_scalar(result, 2)).masked_fill_(result == 0, 0), self,
                         dim, correction, keepdim)


# std = sqrt(var):  d/dx = (x - mean) / ((N - correction) std)
row("std", "StdBackward0",
    lambda self, *, dim, correction, keepdim: jnp.std(self, dim, ddof=correction,
                                                   keepdims=keepdim),
    lambda grad, self, result, dim, correction, keepdim: (_std_backward(
        grad, self, result, dim, correction, keepdim),))


@method
def std(input: Tensor, dim: Optional[Dims] = None, unbiased: Optional[bool] = None,
        keepdim: bool = False, *, correction: Optional[Number] = None) -> Tensor:
    """The standard deviation, with Bessel's correction by default (StdBackward0)."""
    return apply(RULES["std"], input, **_spread_args(input, dim, unbiased, keepdim, correction,
                                                 "std and var"))


def _mean_backward(grad, self, dim, keepdim):
    """torch's mean_backward: grad spread back over what was averaged, divided by the count."""
    return _over_scalar(_unsqueeze_dims(grad, dim, keepdim, self.ndim).expand(self.shape),
                        _numel(self.shape, dim))


# var_mean, std_mean: var (std) and mean in one node; the gradients of the two outputs add
# up (torch's var_mean_backward, std_mean_backward)
row("var_mean", "VarMeanBackward0",
    lambda self, *, dim, correction, keepdim: (
        jnp.var(self, dim, ddof=correction, keepdims=keepdim), _mean(self, dim, keepdim)),
    lambda grads, self, dim, correction, keepdim: (_sum_of_present((
        _if_given(_var_backward, grads[0], self, dim, correction, keepdim),
        _if_given(_mean_backward, grads[1], self, dim, keepdim))),),
    outputs=("result0", "result1"))


def var_mean(input: Tensor, dim: Optional[Dims] = None, unbiased: Optional[bool] = None,
             keepdim: bool = False, *,
             correction: Optional[Number] = None) -> tuple[Tensor, Tensor]:
    """``(var, mean)`` in one node (VarMeanBackward0), with ``var``'s arguments.

    >>> import autodiff
    >>> x = autodiff.tensor([[1.0, 2.0, 4.0], [0.0, 1.0, 2.0]], requires_grad=True)
    >>> autodiff.var_mean(x, 1)
    (tensor([2.3333, 1.0000], grad_fn=<VarMeanBackward0>), tensor([2.3333, 1.0000], grad_fn=<VarMeanBackward0>))
    """
    return tape.apply_multi(RULES["var_mean"], input, **_spread_args(
        input, dim, unbiased, keepdim, correction, "var_mean"))


row("std_mean", "StdMeanBackward0",
    lambda self, *, dim, correction, keepdim: (
        jnp.std(self, dim, ddof=correction, keepdims=keepdim), _mean(self, dim, keepdim)),
    lambda grads, self, result0, dim, correction, keepdim: (_sum_of_present((
        _if_given(_std_backward, grads[0], self, result0, dim, correction, keepdim),
        _if_given(_mean_backward, grads[1], self, dim, keepdim))),),
    outputs=("result0", "result1"))


def std_mean(input: Tensor, dim: Optional[Dims] = None, unbiased: Optional[bool] = None,
             keepdim: bool = False, *,
             correction: Optional[Number] = None) -> tuple[Tensor, Tensor]:
    """``(std, mean)`` in one node (StdMeanBackward0), with ``std``'s arguments.

    >>> import autodiff
    >>> x = autodiff.tensor([1.0, 2.0, 6.0], requires_grad=True)
    >>> std, mean = autodiff.std_mean(x)
    >>> (std, mean)
    (tensor(2.6458, grad_fn=<StdMeanBackward0>), tensor(3., grad_fn=<StdMeanBackward0>))
    >>> (std + mean).backward()
    >>> x.grad
    tensor([-0.0446,  0.1444,  0.9003])
    """
    return tape.apply_multi(RULES["std_mean"], input, **_spread_args(
        input, dim, unbiased, keepdim, correction, "std_mean"))


def _logsumexp(x, dim, keepdim):
    if x.ndim == 0:                           # one element: its own log-sum-exp
        return x
    m = jnp.max(x, dim, keepdims=True)
    m = jnp.where(jnp.isfinite(m), m, 0)
    out = jnp.log(jnp.sum(jnp.exp(x - m), dim, keepdims=True)) + m
    return out if keepdim else jnp.squeeze(out, dim)


# logsumexp: d/dx = exp(x - lse) = softmax(x)
row("logsumexp", "LogsumexpBackward0",
    lambda self, *, dim, keepdim: _logsumexp(self, dim, keepdim),
    lambda grad, self, result, dim, keepdim: (
        _unsqueeze_dims(grad, dim, keepdim, self.ndim)
        * (self - _unsqueeze_dims(result, dim, keepdim, self.ndim)).exp(),))


@method
def logsumexp(input: Tensor, dim: Dims, keepdim: bool = False) -> Tensor:
    """``log(sum(exp(input)))`` along ``dim``, computed stably (LogsumexpBackward0)."""
    if not input.dtype.is_floating_point:               # integers: in the default float
        input = input.to(D.DEFAULT_FLOAT)
    return apply(RULES["logsumexp"], input, dim=_dims(dim, input.ndim), keepdim=keepdim)


def _sum_kept(x, dim):
    """``sum(x, dim, keepdim=True)`` on arrays; a 0-d array is its own sum (torch takes
    dim 0 or -1 there)."""
    return jnp.sum(x, dim, keepdims=True) if x.ndim else x


# ... computed, as in torch, by a kernel of its own: s_bw(g, y) = y (g - sum(g y)), so
#   d/dg = s_bw(., y);  d/dy = g' (g - sum(g y)) - g sum(g' y)   (g' the incoming gradient)
row("softmax_backward_data", "SoftmaxBackwardDataBackward0",
    lambda grad_output, output, *, dim: output * (
        grad_output - _sum_kept(grad_output * output, dim)),
    (lambda grad, output, dim: tape.apply(RULES["softmax_backward_data"], grad, output,
                                          dim=dim),
     lambda grad, grad_output, output, dim: (
         grad * (grad_output - (grad_output * output).sum(dim, keepdim=True))
         - grad_output * (grad * output).sum(dim, keepdim=True))))


def _shifted(x, dim):
    """``x`` minus its max along ``dim``, as torch's softmax kernels start (an infinite max
    is not masked there: the whole slice comes out nan, as in torch)."""
    return x - jnp.max(x, dim, keepdims=True) if x.ndim else x - x


def _softmax_forward(x, dim):
    e = jnp.exp(_shifted(x, dim))
    return e / _sum_kept(e, dim)


# softmax s: ds = s * (g - sum(g s));  log_softmax l: dl = g - exp(l) sum(g)
row("softmax", "SoftmaxBackward0",
    lambda self, *, dim: _softmax_forward(self, dim),
    lambda grad, result, dim: (tape.apply(RULES["softmax_backward_data"], grad, result,
                                          dim=dim),))


@method
def softmax(input: Tensor, dim: int, dtype: Optional[D.dtype] = None) -> Tensor:
    """``exp(input) / sum(exp(input))`` along ``dim`` (SoftmaxBackward0)."""
    return _softmax("softmax", input, dim, dtype)


# ... a kernel too: ls_bw(g, y) = g - e^y sum(g), so  d/dg = g' - sum(g' e^y),
#   d/dy = -sum(g) e^y g'
row("log_softmax_backward_data", "LogSoftmaxBackwardDataBackward0",
    lambda grad_output, output, *, dim: grad_output - jnp.exp(output) * _sum_kept(
        grad_output, dim),
    (lambda grad, output, dim: grad - (grad * output.exp()).sum(dim, keepdim=True),
     lambda grad, grad_output, output, dim: (
         -grad_output.sum(dim, keepdim=True) * output.exp() * grad)))


def _log_softmax(x, dim):
    s = _shifted(x, dim)
    return s - jnp.log(_sum_kept(jnp.exp(s), dim))


row("log_softmax", "LogSoftmaxBackward0",
    lambda self, *, dim: _log_softmax(self, dim),
    lambda grad, result, dim: (tape.apply(RULES["log_softmax_backward_data"], grad, result,
                                          dim=dim),))


@method
def log_softmax(input: Tensor, dim: int, dtype: Optional[D.dtype] = None) -> Tensor:
    """``log(softmax(input, dim))``, computed stably (LogSoftmaxBackward0)."""
    return _softmax("log_softmax", input, dim, dtype)


def _softmax(name, input, dim, dtype):
    if dtype is not None:
        input = input.to(dtype)
    dim = tape.wrap_dim(dim, input.ndim)
    if not input.dtype.is_floating_point:       # torch's kernel names, for the last dim or not
        kernel = "lastdim_kernel_impl" if dim >= input.ndim - 1 else "kernel_impl"
        raise _kernel_missing(f"{name}_{kernel}", input.dtype)
    return apply(RULES[name], input, dim=dim)


def _reversed_cumsum(grad, dim):
    """The sum of each element and the ones after it along ``dim`` (cumsum's gradient)."""
    if grad.numel() <= 1 or grad.shape[dim] == 1:
        return grad
    return grad.flip(dim).cumsum(dim).flip(dim)


# cumsum: an element adds into every later output along dim, so its gradient is the sum of
# the later gradients -- grad reversed, cumulatively summed, reversed back
row("cumsum", "CumsumBackward0",
    lambda self, *, dim, dtype=None: jnp.cumsum(jnp.atleast_1d(self), dim, dtype).reshape(
        self.shape),
    lambda grad, dim, dtype=None: (_reversed_cumsum(grad, dim),))


@method(inplace=tape.inplace_unary)
def cumsum(input: Tensor, dim: int, *, dtype: Optional[D.dtype] = None) -> Tensor:
    """Cumulative sum along ``dim`` (CumsumBackward0); integers and bools add up in int64,
    as in torch."""
    _check_result_dtype(input, dtype)
    if dtype is None and not input.dtype.is_floating_point:
        dtype = D.int64
    return apply(RULES["cumsum"], input, dim=tape.wrap_dim(dim, input.ndim),
                 **({"dtype": _to_dtype(dtype).np} if dtype is not None else {}))


def _cumprod_backward_with_zeros(grad, self, dim):
    """torch's O(n^2) formula: the gradient of x_k sums grad_j times the product of the
    x_i, i <= j, other than x_k itself (written into zeros, one slice at a time)."""
    n = self.shape[dim]
    ones = tape.constant(jnp.ones((1,), grad._array.dtype)).expand(
        *(1 if d == dim else s for d, s in enumerate(self.shape)))
    grad_input = _zeros(self.shape, grad)
    for k in range(n):
        if k == 0:
            others = tape.apply(RULES["cat"], ones, self.narrow(dim, 1, n - 1).cumprod(dim),
                                dim=dim, sizes=(1, n - 1))
        else:
            before = self.narrow(dim, 0, k).prod(dim, True)
            if k == n - 1:
                others = before
            else:
                after = self.narrow(dim, k + 1, n - k - 1).cumprod(dim)
                others = tape.apply(RULES["cat"], before, before.expand_as(after) * after,
                                    dim=dim, sizes=(1, n - k - 1))
        grad_input.select(dim, k).copy_((grad.narrow(dim, k, n - k) * others).sum(dim))
    return grad_input


def _cumprod_backward(grad, self, dim, result):
    if self.numel() <= 1 or self.shape[dim] == 1:
        return grad
    if not tape.concrete(self._value()) or bool((self._value() == 0).any()):
        return _cumprod_backward_with_zeros(grad, self, dim)
    return _reversed_cumsum(result * grad, dim).div(self)


# cumprod: y_j = x_0 ... x_j, so dy_j/dx_k = y_j / x_k for k <= j: grad_x = reversed
# cumsum(y grad) / x. Where x has zeros, torch's loop of "the product of the others".
row("cumprod", "CumprodBackward0",
    lambda self, *, dim, dtype=None: jnp.cumprod(jnp.atleast_1d(self), dim, dtype).reshape(
        self.shape),
    lambda grad, self, result, dim, dtype=None: (_cumprod_backward(grad, self, dim, result),))


@method(inplace=tape.inplace_unary)
def cumprod(input: Tensor, dim: int, *, dtype: Optional[D.dtype] = None) -> Tensor:
    """Cumulative product along ``dim`` (CumprodBackward0; exact gradients with zeros, as
    torch's); integers and bools multiply up in int64."""
    _check_result_dtype(input, dtype)
    if dtype is None and not input.dtype.is_floating_point:
        dtype = D.int64
    return apply(RULES["cumprod"], input, dim=tape.wrap_dim(dim, input.ndim),
                 **({"dtype": _to_dtype(dtype).np} if dtype is not None else {}))


def _logcumsumexp_backward(grad, self, dim, result):
    if grad.ndim == 0 or grad.numel() == 0:
        return grad
    lowest = tape.constant(jnp.asarray(jnp.finfo(grad._array.dtype).min, grad._array.dtype))
    log_abs_grad = grad.abs().log()

    def part(mask):
        log_grad = _w(mask, log_abs_grad, lowest) - result
        return (log_grad.flip(dim).logcumsumexp(dim).flip(dim) + self).exp()
    return part(grad > 0) - part(grad < 0)


# logcumsumexp: y_j = log sum_{i<=j} e^x_i, so dy_j/dx_k = e^(x_k - y_j) for k <= j;
# torch sums the positive and negative parts of grad apart, in log space
row("logcumsumexp", "LogcumsumexpBackward0",
    lambda self, *, dim: jax.lax.cumlogsumexp(jnp.atleast_1d(self), axis=dim).reshape(
        self.shape),
    lambda grad, self, result, dim: (_logcumsumexp_backward(grad, self, dim, result),))


@method
def logcumsumexp(input: Tensor, dim: int) -> Tensor:
    """``log(cumsum(exp(input)))`` along ``dim``, computed stably (LogcumsumexpBackward0)."""
    return apply(RULES["logcumsumexp"], input, dim=tape.wrap_dim(dim, input.ndim))


@method
def cummax(input: Tensor, dim: int) -> ValuesIndices:
    """``(values, indices)``: the largest element so far along ``dim`` and where it is
    (the latest of equal ones; NaN, once met, wins) (CummaxBackward0)."""
    return _cumulative_extremum(input, dim, "cummax", jnp.greater_equal)


@method
def cummin(input: Tensor, dim: int) -> ValuesIndices:
    """``(values, indices)``: the smallest element so far along ``dim`` and where it is
    (CumminBackward0; see ``cummax``)."""
    return _cumulative_extremum(input, dim, "cummin", jnp.less_equal)


@functools.partial(jax.jit, static_argnames=("dim", "better"))
def _latest_best(x, *, dim, better):
    """Where each running extremum along ``dim`` is: torch's kernel (the latest of equal
    ones; NaN beats all), as an associative scan compiled once per shape."""
    def latest_best(earlier, later):
        (v1, i1), (v2, i2) = earlier, later
        take = jnp.isnan(v2) | (~jnp.isnan(v1) & better(v2, v1)) if jnp.issubdtype(
            x.dtype, jnp.floating) else better(v2, v1)
        return jnp.where(take, v2, v1), jnp.where(take, i2, i1)
    positions = jnp.broadcast_to(jnp.expand_dims(
        jnp.arange(x.shape[dim], dtype=jnp.int64), tuple(range(1, x.ndim - dim))), x.shape)
    return jax.lax.associative_scan(latest_best, (x, positions), axis=dim)[1]


def _cumulative_extremum(input, dim, op, better):
    dim = tape.wrap_dim(dim, input.ndim)
    indices = _latest_best(jnp.atleast_1d(input._value()), dim=dim, better=better)
    indices = make_tensor(indices.reshape(input.shape))
    values = apply(RULES[op], input, dim=dim, indices=indices)
    return getattr(return_types, op)(values, indices)


def _other_dims(ndim, dim):
    return tuple(d for d in range(ndim) if d != dim)


# renorm scales each slice along dim whose p-norm exceeds maxnorm down to maxnorm:
# y = x maxnorm / (||x|| + 1e-7) there, so dy = maxnorm / (||x|| + 1e-7) (dx - x d||x|| /
# (||x|| + 1e-7)), with d||x|| from norm's backward (torch's renorm_backward)
def _renorm(x, p, dim, maxnorm):
    norm = jnp.linalg.vector_norm(x, ord=p, axis=_other_dims(x.ndim, dim), keepdims=True)
    return x * jnp.where(norm > maxnorm, maxnorm / (norm + 1e-7), 1.0).astype(x.dtype)


def _renorm_backward(grad, self, p, dim, maxnorm):
    dims = _other_dims(self.ndim, dim)
    norm = tape.apply(RULES["norm"], self, ord=p, dim=dims, keepdim=True)
    grad_output = (self * grad).sum(dims, keepdim=True)
    nb = _norm_backward(grad_output, self, p, norm, dims)
    invnorm = _plus_scalar(norm, 1e-7).reciprocal()
    grad_norm = _times_scalar(invnorm, maxnorm) * (grad - invnorm * nb)
    return _w(norm > maxnorm, grad_norm, grad)


row("renorm", "RenormBackward0", lambda self, *, p, dim, maxnorm: _renorm(self, p, dim, maxnorm),
    lambda grad, self, p, dim, maxnorm: (_renorm_backward(grad, self, p, dim, maxnorm),))


@method(inplace=tape.inplace_unary)
def renorm(input: Tensor, p: float, dim: int, maxnorm: float) -> Tensor:
    """Each slice along ``dim`` whose ``p``-norm exceeds ``maxnorm`` scaled down to that
    norm (RenormBackward0).

    >>> import autodiff
    >>> autodiff.tensor([[3.0, 4.0], [0.3, 0.4]]).renorm(2, 0, 1.0)
    tensor([[0.6000, 0.8000],
            [0.3000, 0.4000]])
    """
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    if input.ndim <= 1:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.ndim} "
                           "dimensions")
    if not input.dtype.is_floating_point:
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor "
                           f"as input. Got {D.c_name(input.dtype)}")
    return apply(RULES["renorm"], input, p=p, dim=tape.wrap_dim(dim, input.ndim),
                 maxnorm=maxnorm)



def vander(x: Tensor, N: Optional[int] = None, increasing: bool = False) -> Tensor:
    """The Vandermonde matrix of the vector ``x``: its columns are the powers ``x^(N-1)``
    down to ``x^0`` (up with ``increasing``), written as torch does: ones, then a
    cumulative product copied into them (CopySlices), flipped (FlipBackward0). Integers
    and bools give int64.

    >>> import autodiff
    >>> autodiff.vander(autodiff.tensor([1, 2, 3]))
    tensor([[1, 1, 1],
            [4, 2, 1],
            [9, 3, 1]])
    """
    if x.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0]
    if N is not None:
        if N < 0:
            raise RuntimeError("N must be non-negative.")
        n = N
    result = zeros(x.shape[0], n, dtype=D.promote_types(x.dtype, D.int64))
    if n > 0:
        result.fill_(1)
        if n > 1:
            narrow(result, 1, 1, n - 1).copy_(x.unsqueeze(1))
            powers = narrow(result, 1, 1, n - 1)
            powers.copy_(cumprod(powers, 1))
    return result if increasing else result.flip(1)



_GRADIENT_OVERLOADS = (
    " * (Tensor input, *, tuple of ints dim, int edge_order = 1)\n"
    " * (Tensor input, *, Number spacing, tuple of ints dim, int edge_order = 1)\n"
    " * (Tensor input, *, Number spacing = None, int dim = None, int edge_order = 1)\n"
    " * (Tensor input, *, tuple of Scalars spacing, int dim = None, int edge_order = 1)\n"
    " * (Tensor input, *, tuple of Scalars spacing, tuple of ints dim, int edge_order = 1)\n"
    " * (Tensor input, *, tuple of Tensors spacing, int dim = None, int edge_order = 1)\n"
    " * (Tensor input, *, tuple of Tensors spacing, tuple of ints dim, int edge_order = 1)\n")


def _gradient_spaced(x, d, h, edge_order):
    """torch's estimate along dim d for samples ``h`` apart: central differences inside,
    one-sided ones (of first or second order) at the two ends, joined (CatBackward0)."""
    center = _over_scalar(_slice(x, d, 2) - _slice(x, d, 0, -2), h)
    if edge_order == 1:
        first = _over_scalar(_slice(x, d, 1, 2) - _slice(x, d, 0, 1), h)
        last = _over_scalar(_slice(x, d, -1) - _slice(x, d, -2, -1), h)
    else:
        first = _over_scalar(_times_scalar(_slice(x, d, 0, 1), -1.5)
                             + _times_scalar(_slice(x, d, 1, 2), 2)
                             - _times_scalar(_slice(x, d, 2, 3), 0.5), h)
        last = _over_scalar(_times_scalar(_slice(x, d, -3, -2), 0.5)
                            + _times_scalar(_slice(x, d, -2, -1), -2)
                            + _times_scalar(_slice(x, d, -1), 1.5), h)
    return cat([first, _over_scalar(center, 2), last], d)


def _gradient_at(x, d, coordinates, edge_order):
    """torch's estimate along dim d for samples at ``coordinates``: the second-order
    differences of unevenly spaced points inside, one-sided ones at the ends."""
    if coordinates.ndim != 1:
        raise RuntimeError(f"autodiff.gradient expected each element of spacing to have one "
                           f"dimension, but got an element with {coordinates.ndim} dimensions!")
    h = coordinates.diff(1, 0)
    h1, h2 = _slice(h, 0, 0, -1), _slice(h, 0, 1)
    shape = [-1 if k == d else 1 for k in range(x.ndim)]
    a = (-h2 / (h1 * (h1 + h2))).reshape(shape)
    b = ((h2 - h1) / (h1 * h2)).reshape(shape)
    c = (h1 / (h2 * (h1 + h2))).reshape(shape)
    center = a * _slice(x, d, 0, -2) + b * _slice(x, d, 1, -1) + c * _slice(x, d, 2)
    h_0, h_3 = select(h, 0, 0), select(h, 0, -1)          # the first and last spacings
    if edge_order == 1:
        first = (_slice(x, d, 1, 2) - _slice(x, d, 0, 1)) / h_0
        last = (_slice(x, d, -1) - _slice(x, d, -2, -1)) / h_3
    else:                           # (the second and last but one, of 3 samples or more)
        h_1, h_2 = select(h, 0, 1), select(h, 0, -2)
        first = (-(_times_scalar(h_0, 2.0) + h_1) / (h_0 * (h_0 + h_1)) * _slice(x, d, 0, 1)
                 + (h_0 + h_1) / (h_0 * h_1) * _slice(x, d, 1, 2)
                 + (-h_0) / (h_1 * (h_0 + h_1)) * _slice(x, d, 2, 3))
        last = (h_3 / (h_2 * (h_3 + h_2)) * _slice(x, d, -3, -2)
                + -(h_3 + h_2) / (h_3 * h_2) * _slice(x, d, -2, -1)
                + (_times_scalar(h_3, 2) + h_2) / (h_3 * (h_3 + h_2)) * _slice(x, d, -1))
    return cat([first, center, last], d)


def gradient(input: Tensor, *, spacing: Union[Number, Tensor, Sequence[Number],
                                              Sequence[Tensor]] = 1,
             dim: Optional[Dims] = None, edge_order: int = 1) -> tuple[Tensor, ...]:
    """The derivative of the function sampled by ``input``, estimated along each of
    ``dim`` (all dims by default) by differences of neighbouring samples: central inside,
    one-sided (of order ``edge_order``, 1 or 2) at the ends. The samples are ``spacing``
    apart (a number, or one per dim), or at the coordinates ``spacing`` gives (one 1-D
    tensor per dim). torch's composition: slices, arithmetic, ``cat``.

    >>> import autodiff
    >>> autodiff.gradient(autodiff.tensor([1.0, 4.0, 9.0, 16.0]))
    (tensor([3., 4., 6., 7.]),)
    """
    if input.dtype is D.uint8:
        raise RuntimeError("autodiff.gradient does not support uint8 input.")
    dims = list(range(input.ndim)) if dim is None else [dim] if isinstance(dim, int) \
        else list(dim)
    if isinstance(spacing, Tensor) and spacing.ndim == 0:
        spacing = spacing.item()
    if isinstance(spacing, (int, float)):
        spacings = [spacing] * len(dims)
    elif isinstance(spacing, (list, tuple)):
        spacings = list(spacing)
        if dim is None and len(spacings) != input.ndim:
            raise RuntimeError(
                f"autodiff.gradient expected spacing to be unspecified, a scalar, or a list "
                f"of length equal to 'self.dim() = {input.ndim}', since dim argument was not "
                f"given, but got a list of length {len(spacings)}")
        if dim is not None and len(spacings) != len(dims):
            raise RuntimeError(
                f"autodiff.gradient expected spacing to be unspecified, a scalar or it's "
                f"spacing and dim arguments to have the same length, but got a spacing "
                f"argument of length {len(spacings)} and a dim argument of length "
                f"{len(dims)}.")
    else:
        raise TypeError(f"gradient() received an invalid combination of arguments - got "
                        f"(Tensor, spacing={type(spacing).__name__}), but expected one of:\n"
                        + _GRADIENT_OVERLOADS)
    if edge_order not in (1, 2):
        raise RuntimeError("autodiff.gradient only supports edge_order=1 and edge_order=2.")
    dims = list(_dims(tuple(dims), input.ndim))
    if builtins.any(input.shape[d] < edge_order + 1 for d in dims):
        raise RuntimeError("autodiff.gradient expected each dimension size to be at least "
                           "edge_order+1")
    if input.dtype is not D.bool_ and not input.dtype.is_floating_point:
        input = input.to(D.DEFAULT_FLOAT)      # (integers differ into the default float)
    return tuple(_gradient_at(input, d, h, edge_order) if isinstance(h, Tensor)
                 else _gradient_spaced(input, d, h, edge_order) for d, h in zip(dims, spacings))


if not TYPE_CHECKING:         # (see exported: a type checker reads every public name)
    __all__ = exported(globals())
