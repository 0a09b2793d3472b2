"""Sorting, searching and counting: ``sort``, ``topk``, ``nonzero``, ``unique``,
``bincount``... Their indices and counts are integers computed beside the tape; the
values ``sort`` and ``topk`` pick are recorded."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Optional, Sequence, Union, overload

import builtins
import functools
import math

import jax
import jax.numpy as jnp
import numpy as np

from .. import dtypes as D, tape
from ..dtypes import Dims, Number
from ..tape import RULES, Tensor, apply, make_tensor, row
from ._common import _kernel_missing, _not_implemented, exported, method
from .creation import full_like, tensor, zeros
from .reduction import return_types
from .shape import broadcast_tensors

if TYPE_CHECKING:
    from ..tape import ValuesIndices


@overload
def nonzero(input: Tensor, *, as_tuple: Literal[False] = False) -> Tensor: ...
@overload
def nonzero(input: Tensor, *, as_tuple: Literal[True]) -> tuple[Tensor, ...]: ...


@method
def nonzero(input, *, as_tuple=False):
    """The indices of the nonzero elements: one row per element (int64), or with
    ``as_tuple`` one tensor of indices per dimension. Not recorded."""
    rows = jnp.argwhere(jnp.atleast_1d(input._value()))   # (a 0-d tensor: as a vector)
    if as_tuple:
        return tuple(make_tensor(rows[:, d]) for d in range(builtins.max(input.ndim, 1)))
    rows = rows[:, :input.ndim]
    return make_tensor(rows.reshape(rows.shape[0], input.ndim))


@method
def argwhere(input: Tensor) -> Tensor:
    """``nonzero(input)``: the indices of the nonzero elements, one row each."""
    return nonzero(input)


@method
def count_nonzero(input: Tensor, dim: Optional[Dims] = None) -> Tensor:
    """How many elements are nonzero (along ``dim``, an int or a tuple); int64."""
    axis = None if dim is None else tuple(d % builtins.max(input.ndim, 1)
                                          for d in (dim if isinstance(dim, (tuple, list))
                                                    else (dim,)))
    return make_tensor(jnp.count_nonzero(input._value(), axis=axis).astype(jnp.int64))


@method
def sort(input: Tensor, dim: int = -1, descending: bool = False,
         stable: bool = False) -> ValuesIndices:
    """``(values, indices)`` sorted along ``dim`` (SortBackward0); equal elements keep their
    order, as torch's sort does on the CPU (NaN counts as the largest)."""
    dim = tape.wrap_dim(dim, input.ndim)
    if input.ndim == 0:
        return return_types.sort(input * 1, zeros((), dtype=D.int64))
    order = jnp.argsort(input._value(), axis=dim, stable=True, descending=descending)
    return _sorted_picks(input, "sort", dim, order)


_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(input, q, dim, keepdim, interpolation, ignore_nan):
    """torch's quantile_impl, op for op (its graph: the sort, the gathers of the ranks
    below and above, their lerp_ and the squeeze_ are recorded)."""
    if not isinstance(q, Tensor):
        if not 0 <= q <= 1:
            raise RuntimeError(f"quantile() q must be in the range [0, 1] but got {q}")
        q = make_tensor(jnp.asarray(q, input._array.dtype))
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError("quantile() interpolation must be one of linear, lower, higher, "
                           f"midpoint or nearest, but got {interpolation}")
    if input.numel() == 0:
        raise RuntimeError("quantile() input tensor must be non-empty")
    wrapped = tape.wrap_dim(0 if dim is None else dim, input.ndim)
    checks = ((q.ndim <= 1, "q must be a scalar or 1D tensor"),
              (input.dtype in (D.float32, D.float64),
               "input tensor must be either float or double dtype"),
              (q.dtype is input.dtype, "q tensor must be same dtype as the input tensor"),
              (bool(((q >= 0) & (q <= 1)).all()), "q values must be in the range [0, 1]"))
    for ok, message in checks:
        if not ok:
            raise RuntimeError(f"quantile() {message}")
    # the output's shape: q's size, then the reduced input's
    out_shape = []
    if dim is not None and input.ndim > 0:
        out_shape = list(input.shape)
        if keepdim:
            out_shape[wrapped] = 1
        else:
            del out_shape[wrapped]
    elif keepdim:
        out_shape = [1] * input.ndim
    # sorted along the last dim (flattened without a dim)
    if dim is None:
        ordered = input.flatten().sort().values
    elif wrapped == input.ndim - 1:
        ordered = input.sort().values
    else:
        ordered = input.unsqueeze(-1).transpose(wrapped, -1).sort().values
    ordered = ordered.view(out_shape + [ordered.shape[-1]])    # (q's dim of size 1 first)
    if ignore_nan:      # ranks among the values that are not nan (0 where all are)
        ranks = q * (ordered.isnan().logical_not().sum(-1, True) - 1)
        ranks.masked_fill_(ranks < 0, 0)
    else:               # the last rank where there is a nan, so that the result is nan
        last = ordered.shape[-1] - 1
        ranks, nan = broadcast_tensors(q * last, ordered.isnan().any(-1, True))
        ranks = ranks.masked_fill(nan, last)
    if interpolation != "linear" and interpolation != "midpoint":
        {"lower": ranks.floor_, "higher": ranks.ceil_, "nearest": ranks.round_}[interpolation]()
    below = ranks.long()
    values = ordered.gather(-1, below)
    if interpolation in ("linear", "midpoint"):
        weights = full_like(ranks, 0.5) if interpolation == "midpoint" else ranks - below
        values.lerp_(ordered.gather(-1, ranks.ceil_().long()), weights)
    if q.ndim == 0:
        return values.squeeze_(-1)
    return values.unsqueeze_(0).transpose_(0, -1).squeeze_(-1)


@method
def quantile(input: Tensor, q: Tensor | float, dim: Optional[int] = None, keepdim: bool = False,
             *, interpolation: str = "linear") -> Tensor:
    """The ``q``-th quantiles (a number or a 1-D tensor of them, in [0, 1]) of all
    elements or along ``dim``, between two elements by ``interpolation`` ("linear",
    "lower", "higher", "midpoint", "nearest"); nan where a slice has a nan. Composed as
    torch's: sort, gather and ``lerp_``."""
    return _quantile(input, q, dim, keepdim, interpolation, ignore_nan=False)


@method
def nanquantile(input: Tensor, q: Tensor | float, dim: Optional[int] = None,
                keepdim: bool = False, *, interpolation: str = "linear") -> Tensor:
    """``quantile`` of the elements that are not nan (nan where all are)."""
    return _quantile(input, q, dim, keepdim, interpolation, ignore_nan=True)


@method
def msort(input: Tensor) -> Tensor:
    """The values of ``sort`` along dim 0."""
    return sort(input, 0).values


@method
def argsort(input: Tensor, dim: int = -1, descending: bool = False,
            stable: bool = False) -> Tensor:
    """The indices that sort ``input`` along ``dim`` (see ``sort``)."""
    return sort(input, dim, descending, stable).indices


@method
def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True,
         sorted: bool = True) -> ValuesIndices:
    """The ``k`` largest (or smallest) elements along ``dim`` and their indices
    (TopkBackward0). Among equal elements the first ones are taken; torch's choice among
    ties can differ."""
    dim = tape.wrap_dim(dim, input.ndim)
    n = input.shape[dim] if input.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError("selected index k out of range")
    if input.ndim == 0:
        return return_types.topk(input * 1, zeros((), dtype=D.int64))
    order = jnp.argsort(input._value(), axis=dim, stable=True, descending=largest)
    return _sorted_picks(input, "topk", dim, jax.lax.slice_in_dim(order, 0, k, axis=dim))


def _sorted_picks(input, op, dim, indices):
    """sort/topk's ``(values, indices)``: the values picked by the row, where the
    ``indices`` (computed beside the tape) point."""
    indices = make_tensor(indices.astype(np.int64))
    values = apply(RULES[op], input, dim=dim, indices=indices, self_sym_sizes=input.shape)
    return getattr(return_types, op)(values, indices)


def searchsorted(sorted_sequence: Tensor, input: Tensor | Number, *, out_int32: bool = False,
                 right: bool = False, side: Optional[str] = None,
                 sorter: Optional[Tensor] = None) -> Tensor:
    """For each value of ``input``, the index in the sorted innermost dim of
    ``sorted_sequence`` where it would be inserted to keep it sorted (the first such
    place; the last with ``right`` or ``side="right"``); not recorded.

    >>> import autodiff
    >>> autodiff.searchsorted(autodiff.tensor([1, 3, 5, 7]), autodiff.tensor([3, 6]))
    tensor([1, 3])
    """
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but "
                               f"got {side}".replace("torch.", "autodiff."))
        if right and side == "left":
            raise RuntimeError("autodiff.searchsorted(): side and right can't be set to "
                               "opposites, got side of left while right was True")
        right = side == "right"
    boundaries = np.asarray(sorted_sequence._value())
    scalar = not isinstance(input, Tensor)
    values = np.asarray(input if scalar else input._value())
    if sorter is not None:
        boundaries = np.take_along_axis(boundaries, np.asarray(sorter._value()), -1)
    if boundaries.ndim > 1 and (scalar or boundaries.shape[:-1] != values.shape[:-1]):
        raise RuntimeError(
            "autodiff.searchsorted(): boundaries tensor should be 1 dimension or the first "
            "N-1 dimensions of boundaries tensor and input value tensor must match, but we "
            f"got boundaries tensor {list(boundaries.shape)} and input value tensor "
            f"{list(values.shape)}")
    found = _searched(boundaries, values, "right" if right else "left")
    return make_tensor(jnp.asarray(found, np.int32 if out_int32 else np.int64))


def _searched(boundaries, values, side):
    if boundaries.ndim <= 1:
        return np.searchsorted(boundaries.reshape(-1), values, side)
    rows = zip(boundaries.reshape(-1, boundaries.shape[-1]),
               values.reshape(-1, values.shape[-1]))
    return np.stack([np.searchsorted(b, v, side) for b, v in rows]).reshape(values.shape)


def bucketize(input: Tensor | Number, boundaries: Tensor, *, out_int32: bool = False,
              right: bool = False) -> Tensor:
    """The bucket of each element among the sorted 1-D ``boundaries``: ``i`` such that
    ``boundaries[i-1] < x <= boundaries[i]`` (``<=`` and ``<`` swapped with ``right``);
    not recorded.

    >>> import autodiff
    >>> autodiff.bucketize(autodiff.tensor([0.5, 3.0, 9.0]), autodiff.tensor([1.0, 3.0, 5.0]))
    tensor([0, 1, 3])
    """
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim"
                           f"({boundaries.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


# (bincount's and unique's results are counted beside the tape and handed in)
row("bincount", "NotImplemented", lambda weights, *, counted: counted,
    (lambda grad: _not_implemented("bincount"),))


@method
def bincount(input: Tensor, weights: Optional[Tensor] = None, minlength: int = 0) -> Tensor:
    """How often each non-negative integer occurs in the 1-D ``input`` (at least
    ``minlength`` counts), or the sum of its ``weights`` (float64 for integer weights;
    torch has no derivative: a NotImplemented node).

    >>> import autodiff
    >>> autodiff.bincount(autodiff.tensor([1, 1, 3]))
    tensor([0, 2, 0, 1])
    """
    if input.dtype.is_floating_point:
        raise _kernel_missing("bincount_cpu", input.dtype)
    values = np.asarray(input._value())
    if input.ndim != 1 or (values.size and values.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if weights is None:
        return make_tensor(jnp.asarray(np.bincount(values, minlength=minlength), np.int64))
    if weights.ndim != 1 or weights.shape[0] != values.size:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    dt = weights.dtype if weights.dtype.is_floating_point else D.float64
    counted = jnp.asarray(np.bincount(values, np.asarray(weights._value(), np.float64),
                                      minlength), dt.np)
    return apply(RULES["bincount"], weights, counted=counted)


@method
def histc(input: Tensor, bins: int = 100, min: Number = 0, max: Number = 0) -> Tensor:
    """The histogram of ``input``'s elements in ``bins`` equal bins from ``min`` to
    ``max`` (both 0: the elements' own range); elements outside are not counted, ``max``
    is in the last bin. Not recorded.

    >>> import autodiff
    >>> autodiff.histc(autodiff.tensor([1.0, 2.0, 1.0, 4.0]), bins=4, min=0, max=4)
    tensor([0., 2., 1., 1.])
    """
    if not input.dtype.is_floating_point:
        raise _kernel_missing("histogram_cpu", input.dtype)
    if bins <= 0:
        raise RuntimeError(f"autodiff.histogram(): bins must be > 0, but got {bins} for "
                           "dimension 0")
    if max < min:
        raise RuntimeError("autodiff.histc: max must be larger than min")
    x = np.asarray(input._value(), np.float64).reshape(-1)
    low, high = float(min), float(max)
    if low == high and x.size:
        low, high = float(x.min()), float(x.max())
    if low == high:
        low, high = low - 1, high + 1
    counts, _ = np.histogram(x, bins, (low, high))
    return make_tensor(jnp.asarray(counts, input.dtype.np))


def _histogram(points, bins, ranges, weight, density, dt):
    """The counts of the rows of ``points`` (N x D, float64) in the bins of each column,
    and the edges of those bins (of dtype ``dt``): per column, given edges, or ``bins``
    equal bins over ``ranges``' pair of that column (the column's own range, by default;
    a point range widened by 1/2 each way). A point on the last edge counts in the last
    bin; weighted by ``weight``, divided by the total and the bins' volumes for a
    ``density``. torch's histogramdd, of which histogram is the 1-D case."""
    edges = []
    for d, b in enumerate(bins):
        if isinstance(b, np.ndarray):
            edges.append(b)
            continue
        if b <= 0:
            raise RuntimeError(f"autodiff.histogram(): bins must be > 0, but got {b} for "
                               f"dimension {d}")
        if ranges is not None:
            low, high = float(ranges[2 * d]), float(ranges[2 * d + 1])
        elif len(points):
            low, high = float(points[:, d].min()), float(points[:, d].max())
        else:
            low, high = 0.0, 1.0
        if low > high:
            raise RuntimeError(f"autodiff.histogramdd: min should not exceed max, but got min "
                               f"{low:g} max {high:g} for dimension {d}")
        if low == high:
            low, high = low - 0.5, high + 0.5
        edges.append(np.asarray(jnp.linspace(low, high, b + 1, dtype=dt)))
    counts = np.zeros([builtins.max(len(e) - 1, 0) for e in edges])
    w = None if weight is None else np.asarray(weight._value(), np.float64).reshape(-1)
    if builtins.all(len(e) > 1 and e[0] <= e[-1] for e in edges):
        e64 = [e.astype(np.float64) for e in edges]
        inside = np.all([(points[:, d] >= e[0]) & (points[:, d] <= e[-1])
                         for d, e in enumerate(e64)], axis=0)
        where = tuple(np.clip(np.searchsorted(e, points[inside, d], side="right") - 1, 0,
                              len(e) - 2) for d, e in enumerate(e64))
        np.add.at(counts, where, 1.0 if w is None else w[inside])
        if density:
            volumes = functools.reduce(np.multiply.outer, [np.diff(e) for e in e64])
            counts = counts / (counts.sum() * volumes)
    return counts, edges


# (the counts and the edges are computed beside the tape and handed in: one node for both)
row("histogram", "NotImplemented", lambda self, *, counted, edges: (counted, edges),
    lambda grads, counted, edges: _not_implemented("histogram"), outputs=())


@method
def histogram(input: Tensor, bins: int | Tensor, *, range: Optional[tuple[float, float]] = None,
              weight: Optional[Tensor] = None,
              density: bool = False) -> tuple[Tensor, Tensor]:
    """The histogram of ``input``'s elements: ``bins`` equal bins over ``range`` (the
    elements' own, by default) or the bins between the given edges; the last bin holds
    its right edge. ``(hist, bin_edges)``, weighted by ``weight``, normalized to a
    density with ``density`` (torch has no derivative: a NotImplemented node).

    >>> import autodiff
    >>> autodiff.histogram(autodiff.tensor([1.0, 2.0, 1.0, 4.0, 9.0]), 4)
    autodiff.return_types.histogram(
    hist=tensor([3., 1., 0., 1.]),
    bin_edges=tensor([1., 3., 5., 7., 9.]))
    """
    if not input.dtype.is_floating_point:
        raise _kernel_missing("histogramdd", input.dtype)
    dt = input.dtype.np
    counts, (edges,) = _histogram(np.asarray(input._value(), np.float64).reshape(-1, 1),
                                  [np.asarray(bins._value()).astype(dt)
                                   if isinstance(bins, Tensor) else bins],
                                  None if range is None else list(range), weight, density, dt)
    counted, edges_ = jnp.asarray(counts, dt), jnp.asarray(edges, dt)
    if not (tape.is_grad_enabled() and input.requires_grad):
        return return_types.histogram(make_tensor(counted), make_tensor(edges_))
    return return_types.histogram(*tape.apply_multi(RULES["histogram"], input, counted=counted,
                                                    edges=edges_))


# histogramdd: torch makes the edges and the counts by two ops, neither differentiable
# (NotImplemented nodes); given edges, one op of the counts
row("histogramdd_bin_edges", "NotImplemented", lambda self, *, edges: tuple(edges),
    lambda grads, edges: _not_implemented("_histogramdd_bin_edges"), outputs=())
row("histogramdd_from_bin_cts", "NotImplemented", lambda self, *, counted: counted,
    (lambda grad: _not_implemented("_histogramdd_from_bin_cts"),))
row("histogramdd_from_bin_tensors", "NotImplemented", lambda self, *, counted: counted,
    (lambda grad: _not_implemented("_histogramdd_from_bin_tensors"),))


def histogramdd(input: Tensor, bins: int | Sequence[int] | Sequence[Tensor], *,
                range: Optional[Sequence[float]] = None, weight: Optional[Tensor] = None,
                density: bool = False) -> tuple[Tensor, tuple[Tensor, ...]]:
    """The D-dimensional histogram of the points of ``input`` (its innermost dim: D
    coordinates): per coordinate, ``bins`` equal bins (a number for every one, or one
    each) over ``range`` (``[low0, high0, low1, high1, ...]``; the points' own by
    default), or the bins between given edges (one tensor each). ``(hist, bin_edges)``,
    weighted by ``weight``, a density with ``density`` (torch has no derivative:
    NotImplemented nodes).

    >>> import autodiff
    >>> autodiff.histogramdd(autodiff.tensor([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), 2).hist
    tensor([[0., 1.],
            [1., 1.]])
    """
    if input.ndim < 2:
        raise RuntimeError("autodiff.histogramdd: input tensor should have at least 2 "
                           "dimensions")
    n = input.shape[-1]
    if isinstance(bins, int):
        bins = [bins] * n
    if len(bins) != n:
        raise RuntimeError("histogramdd: The size of bins must be equal to the innermost "
                           "dimension of the input.")
    if not input.dtype.is_floating_point:
        raise _kernel_missing("histogramdd", input.dtype)
    if weight is not None and weight.dtype is not input.dtype:
        raise RuntimeError(f"autodiff.histogramdd: if weight tensor is provided, input tensor "
                           f"and weight tensor should have the same dtype, but got "
                           f"input({D.long_name(input.dtype)}), and "
                           f"weight({D.long_name(weight.dtype)})")
    if range is not None and len(range) != 2 * n:
        raise RuntimeError(f"autodiff.histogramdd: for a {n}-dimensional histogram range "
                           f"should have {2 * n} elements, but got {len(range)}")
    dt = input.dtype.np
    given = builtins.all(isinstance(b, Tensor) for b in bins)
    for d, b in enumerate(bins):
        if isinstance(b, Tensor) and b.dtype is not input.dtype:
            raise RuntimeError(f"autodiff.histogramdd: input tensor and bins tensors should "
                               f"have the same dtype, but got input with dtype "
                               f"{D.long_name(input.dtype)} and bins for dimension {d} with "
                               f"dtype {D.long_name(b.dtype)}")
    counts, edges = _histogram(np.asarray(input._value(), np.float64).reshape(-1, n),
                               [np.asarray(b._value()).astype(dt) if isinstance(b, Tensor)
                                else b for b in bins], range, weight, density, dt)
    counted = jnp.asarray(counts, dt)
    inputs = (input,) if weight is None else (input, weight)
    recording = tape.is_grad_enabled() and builtins.any(x.requires_grad for x in inputs)
    if given:
        bin_edges = tuple(bins)
    elif recording:
        bin_edges = tape.apply_multi(RULES["histogramdd_bin_edges"], input,
                                     edges=[jnp.asarray(e, dt) for e in edges])
    else:
        bin_edges = tuple(make_tensor(jnp.asarray(e, dt)) for e in edges)
    op = "histogramdd_from_bin_tensors" if given else "histogramdd_from_bin_cts"
    hist = apply(RULES[op], input, counted=counted) if recording else make_tensor(counted)
    return return_types.histogramdd(hist, bin_edges)


def _derivative_missing(op):
    """torch's not_implemented() of derivatives.yaml (a NotImplementedError)."""
    raise NotImplementedError(f"the derivative for '{op}' is not implemented.")


row("unique", "Unique2Backward0", lambda self, *, counted: counted,
    (lambda grad: _derivative_missing("_unique2"),))
row("unique_dim", "UniqueDimBackward0", lambda self, *, counted, dim: counted,
    (lambda grad, dim: _derivative_missing("unique_dim"),))


@method
def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False,
           return_counts: bool = False,
           dim: Optional[int] = None) -> Union[Tensor, tuple[Tensor, ...]]:
    """The distinct elements of ``input``, sorted (each NaN its own), or the distinct
    slices along ``dim``; with ``return_inverse``, where each element went, with
    ``return_counts``, how often each occurs. A float result requiring grad records
    Unique2Backward0 (UniqueDimBackward0), which torch cannot differentiate.

    >>> import autodiff
    >>> autodiff.unique(autodiff.tensor([3, 1, 3, 2]), return_counts=True)
    (tensor([1, 2, 3]), tensor([1, 1, 2]))
    """
    x = np.asarray(input._value())
    if dim is None:
        values, inverse, counts = np.unique(x.reshape(-1), return_inverse=True,
                                            return_counts=True, equal_nan=False)
        inverse = inverse.reshape(x.shape)
        out = apply(RULES["unique"], input, counted=jnp.asarray(values))
    else:
        dim = tape.wrap_dim(dim, input.ndim)
        values, inverse, counts = np.unique(x, return_inverse=True, return_counts=True,
                                            axis=dim)
        out = apply(RULES["unique_dim"], input, counted=jnp.asarray(values), dim=dim)
        inverse = inverse.reshape(-1)
    extras = [make_tensor(jnp.asarray(a, np.int64)) for a, wanted in
              ((inverse, return_inverse), (counts, return_counts)) if wanted]
    return (out, *extras) if extras else out


row("unique_consecutive", "UniqueConsecutiveBackward0",
    lambda self, *, counted, dim: counted,
    (lambda grad, dim: _derivative_missing("unique_consecutive"),))


@method
def unique_consecutive(input: Tensor, return_inverse: bool = False, return_counts: bool = False,
                       dim: Optional[int] = None) -> Union[Tensor, tuple[Tensor, ...]]:
    """``input`` with each run of equal consecutive elements (slices along ``dim``) kept
    once; with ``return_inverse``, which run each element is in, with ``return_counts``,
    each run's length. A float result requiring grad records UniqueConsecutiveBackward0,
    which torch cannot differentiate.

    >>> import autodiff
    >>> autodiff.tensor([1, 1, 2, 2, 3, 1]).unique_consecutive(return_counts=True)
    (tensor([1, 2, 3, 1]), tensor([2, 2, 1, 1]))
    """
    x = np.asarray(input._value())
    d = 0 if dim is None else tape.wrap_dim(dim, input.ndim)
    flat = x.reshape(-1) if dim is None else np.moveaxis(x, d, 0)
    if len(flat):
        rest = flat[1:] != flat[:-1]
        new = np.concatenate([[True], rest.reshape(len(rest), -1).any(1)])
    else:
        new = np.zeros(0, bool)
    starts = np.flatnonzero(new)
    counts = np.diff(np.append(starts, len(flat)))
    values = flat[starts] if dim is None else np.moveaxis(flat[starts], 0, d)
    inverse = np.cumsum(new) - 1
    out = apply(RULES["unique_consecutive"], input, counted=jnp.asarray(values), dim=dim)
    if dim is None:
        inverse = inverse.reshape(x.shape)
    extras = [make_tensor(jnp.asarray(a, np.int64)) for a, wanted in
              ((inverse, return_inverse), (counts, return_counts)) if wanted]
    return (out, *extras) if extras else out


@method
def nonzero_static(input: Tensor, *, size: int, fill_value: int = -1) -> Tensor:
    """``nonzero`` with exactly ``size`` rows: the first ``size`` indices, then rows of
    ``fill_value``. Not recorded.

    >>> import autodiff
    >>> autodiff.tensor([0, 3, 0, 1]).nonzero_static(size=3)
    tensor([[ 1],
            [ 3],
            [-1]])
    """
    if size < 0:
        raise RuntimeError(f"nonzero_static: 'size' must be an non-negative integer, but got "
                           f"size: {size}")
    rows = jnp.argwhere(input._value(), size=size, fill_value=fill_value)
    return make_tensor(rows.reshape(size, input.ndim).astype(jnp.int64))



def isin(elements: Tensor | Number, test_elements: Tensor | Number, *,
         assume_unique: bool = False, invert: bool = False) -> Tensor:
    """Whether each element of ``elements`` is among ``test_elements`` (either may be a
    number), compared in their promoted dtype; ``invert``: whether it is not.
    ``assume_unique`` is a promise torch may use for speed: the answer is the same.

    >>> import autodiff
    >>> autodiff.isin(autodiff.tensor([1, 2, 3, 4]), autodiff.tensor([2, 4]))
    tensor([False,  True, False,  True])
    """
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise tape.argument_error("isin", (elements, test_elements),
                                  ("elements", "test_elements"), 0, method=False)
    for x in (elements, test_elements):
        if isinstance(x, Tensor) and x.dtype is D.bool_:
            raise RuntimeError("Unsupported input type encountered for isin(): Bool")
    dt = D.result_type(elements, test_elements).np
    a, b = (jnp.asarray(x._value() if isinstance(x, Tensor) else x, dt)
            for x in (elements, test_elements))
    return make_tensor(jnp.isin(a, b, invert=invert))


def unravel_index(indices: Tensor, shape: int | Sequence[int]) -> tuple[Tensor, ...]:
    """The coordinates, in a tensor of ``shape``, of each flat index of ``indices``: one
    int64 tensor per dim (views of one, as torch's ``unbind``). Indices wrap around, as
    torch's arithmetic does (-1 is the last element).

    >>> import autodiff
    >>> autodiff.unravel_index(autodiff.tensor([4, 1]), (3, 2))
    (tensor([2, 0]), tensor([0, 1]))
    """
    if indices.is_complex() or indices.is_floating_point() or indices.dtype is D.bool_:
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    if not isinstance(shape, (int, Sequence)):
        raise TypeError(f"expected 'shape' to be int or sequence of ints, but got {type(shape)}")
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    for n in shape:
        if not isinstance(n, int):
            raise TypeError(f"expected 'shape' sequence to only contain ints, but got {type(n)}")
    if builtins.any(n < 0 for n in shape):
        raise ValueError(f"'shape' cannot have negative values, but got {shape}")
    coefficients = [math.prod(shape[d + 1:]) for d in range(len(shape))]
    return (indices.unsqueeze(-1).floor_divide(tensor(coefficients, dtype=D.int64))
            % tensor(list(shape), dtype=D.int64)).unbind(-1)


if not TYPE_CHECKING:         # (see exported: a type checker reads every public name)
    __all__ = exported(globals())
