"""Tensor methods and operators."""

from .. import dtypes as D, tape
from ..tape import Tensor
from ._common import _shape_arg
from .creation import full, ones, tensor, zeros
from .random import (bernoulli, bernoulli_, cauchy_, exponential_, geometric_, log_normal_,
                     multinomial, normal_, random_, uniform_)
from .pointwise import (abs, acos, add, addcdiv, addcmul, asin, atan, atan2, ceil, clamp,
                        clamp_, clamp_max, clamp_max_, clamp_min, clamp_min_, clip, copysign,
                        cos, cosh, deg2rad, diff, digamma, div, erf, erfc, erfinv, exp, exp2,
                        expm1, float_power, floor, floor_divide, fmax, fmin, fmod, frac,
                        heaviside, hypot, ldexp, lerp, lgamma, log, log10, log1p, log2,
                        logaddexp, logaddexp2, logit, maximum, minimum, mul, nan_to_num, neg,
                        negative, polygamma, positive, pow, rad2deg, reciprocal, relu,
                        remainder, round, rsqrt, rsub, sgn, sigmoid, sign, sin, sinc, sinh,
                        sqrt, square, sub, tan, tanh, true_divide, trunc, where, xlogy)
from .comparison import (allclose, bitwise_and, bitwise_not, bitwise_or, bitwise_xor, eq,
                         equal, ge, greater, greater_equal, gt, isclose, isfinite, isinf,
                         isnan, isneginf, isposinf, le, less, less_equal, logical_and,
                         logical_not, logical_or, logical_xor, lt, ne, not_equal, signbit)
from .reduction import (all, amax, amin, aminmax, any, argmax, argmin, cummax, cummin,
                        cumprod, cumsum, dist, kthvalue, log_softmax, logcumsumexp, logsumexp,
                        max, mean, median, min, mode, nanmean, nansum, norm, prod, renorm,
                        softmax, std, sum, var)
from .linalg import (addbmm, addmm, addmv, addr, baddbmm, bmm, cov, cross, det, dot, ger,
                     inner, inverse, kron, logdet, matmul, matrix_power, mm, mv, outer,
                     slogdet, vdot)
from .searching import (argsort, argwhere, bincount, count_nonzero, histc, msort, nonzero,
                        sort, topk, unique)
from .shape import (_is_contiguous, clone, contiguous, _repeat, _stride, _unfold, as_strided, broadcast_to, chunk, diag,
                    diag_embed, diagflat, diagonal, dsplit, expand, expand_as, flatten, flip,
                    fliplr, flipud, hsplit, movedim, narrow, permute, ravel, reshape, roll,
                    rot90, select, split, squeeze, swapaxes, swapdims, t, tensor_split, tile,
                    trace, transpose, tril, triu, unbind, unflatten, unsqueeze, view, vsplit)
from .indexing import (_getitem, _setitem, copy_, gather, index_add, index_copy, index_fill,
                       index_put_, index_select, masked_fill, masked_scatter, masked_select,
                       put, repeat_interleave, scatter, scatter_add, select_scatter,
                       slice_scatter, take, take_along_dim)
from .conversion import _converter, _type, fill_, to, type_as, zero_



_METHODS = [
    add, sub, mul, div, true_divide, floor_divide, remainder, pow, square, neg, negative,
    reciprocal, abs, sign, sgn, exp, log, sqrt, rsqrt, sin, cos, tan, sinh, cosh, asin, acos, atan,
    log1p, expm1, logit, xlogy, tanh, sigmoid, relu, clamp, clip, clamp_min, clamp_max,
    addcmul, addcdiv, lerp, maximum, minimum, eq, ne, lt, le, gt, ge, greater, less,
    greater_equal, less_equal, not_equal, logical_and, logical_or, logical_xor, logical_not,
    equal, allclose, isclose, isnan, isinf, isfinite, floor, ceil, round, trunc, sum, mean,
    prod, max, min, median, amax, amin, argmax, argmin, all, any, norm, var, std, logsumexp, softmax,
    log_softmax, cumsum, mm, mv, bmm, dot, matmul, view, reshape, flatten, unflatten, t,
    transpose, swapaxes, swapdims, permute, movedim, flip, erf, squeeze, unsqueeze, expand,
    expand_as, broadcast_to, narrow, select, unbind, split, chunk, clone, contiguous, to,
    type_as, copy_, zero_, fill_, as_strided, index_put_, gather, scatter_add, index_select,
    index_add, masked_fill, masked_select, tril, triu, outer, ger, scatter, sort, argsort, topk, diagonal,
    diag_embed, diag, trace, roll, inverse, det, erfc, erfinv, lgamma, digamma, log2, log10,
    exp2, atan2, hypot, logaddexp, fmod, frac, nan_to_num, sinc, copysign, deg2rad, rad2deg,
    nonzero, argwhere, count_nonzero, kron, diff, cross, inner, take_along_dim, fliplr, flipud,
    tensor_split, hsplit, vsplit, dsplit, ravel, positive, signbit, isposinf, isneginf,
    float_power, msort, repeat_interleave, diagflat, matrix_power, addmm, addmv, addr, baddbmm,
    addbmm, vdot, fmax, fmin, logaddexp2, nansum, nanmean, cummax, cummin, rot90, cumprod,
    logcumsumexp, aminmax, kthvalue, mode, dist, cov, logdet, slogdet,
    take, put, index_fill, index_copy, masked_scatter, select_scatter,
    slice_scatter, heaviside, ldexp, renorm, bincount, histc, unique,
]

for _f in _METHODS:
    setattr(Tensor, _f.__name__, _f)

for _f in (add, sub, mul, div, pow, abs, neg, exp, log, sqrt, sigmoid, tanh, relu, sin,
           cos, tan, sinh, cosh, asin, acos, atan, log1p, expm1, rsqrt, reciprocal, square, t,
           transpose, unsqueeze, squeeze, sign, sgn, erf, erfc, erfinv, lgamma, digamma, log2,
           log10, exp2, atan2, hypot, fmod, remainder, floor_divide, frac, nan_to_num, sinc,
           copysign, deg2rad, rad2deg, floor, ceil, trunc, round,
           true_divide, addcmul, addcdiv, lerp, addmm, addmv, addr, baddbmm, addbmm):
    setattr(Tensor, _f.__name__ + "_", tape.inplace_binary(_f) if _f in (
        add, sub, mul, div, pow, true_divide, addcmul, addcdiv, lerp, addmm, addmv, addr,
        baddbmm, addbmm) else tape.inplace_unary(_f))

Tensor.clamp_ = Tensor.clip_ = clamp_

Tensor.clamp_min_, Tensor.clamp_max_ = clamp_min_, clamp_max_

Tensor.arcsin, Tensor.arccos, Tensor.arctan = asin, acos, atan

Tensor.arctan2 = atan2

Tensor.multiply, Tensor.subtract, Tensor.divide, Tensor.moveaxis = mul, sub, div, movedim

Tensor.polygamma = lambda self, n: polygamma(n, self)

Tensor.type = _type

Tensor.uniform_, Tensor.normal_ = uniform_, normal_

(Tensor.bernoulli_, Tensor.exponential_, Tensor.geometric_, Tensor.log_normal_, Tensor.cauchy_,
 Tensor.random_) = bernoulli_, exponential_, geometric_, log_normal_, cauchy_, random_

Tensor.bernoulli = lambda self, p=None, *, generator=None: bernoulli(self, p, generator=generator)

Tensor.multinomial = multinomial

Tensor.repeat = _repeat

Tensor.tile = lambda self, *dims: tile(self, _shape_arg(dims))

for _f in (masked_fill, scatter, scatter_add, index_add, tril, triu, put, index_fill,
           index_copy, masked_scatter, heaviside, ldexp, renorm):
    setattr(Tensor, _f.__name__ + "_", tape.inplace_unary(_f))

Tensor.unfold, Tensor.stride = _unfold, _stride

Tensor.where = lambda self, condition, other: where(condition, self, other)

Tensor.is_contiguous = lambda self, memory_format=None: _is_contiguous(self)

Tensor.view_as = lambda self, other: view(self, other.shape)

Tensor.reshape_as = lambda self, other: reshape(self, other.shape)

Tensor.new_zeros = lambda self, *size, **kw: zeros(*size, **_like(self, kw))

Tensor.new_ones = lambda self, *size, **kw: ones(*size, **_like(self, kw))

Tensor.new_empty = Tensor.new_zeros

Tensor.new_full = lambda self, size, v, **kw: full(size, v, **_like(self, kw))

Tensor.new_tensor = lambda self, data, **kw: tensor(data, **_like(self, kw))

for _dt, _names in ((D.float32, ("float",)), (D.float64, ("double",)), (D.int64, ("long",)),
                    (D.int32, ("int",)), (D.bool_, ("bool",)), (D.float16, ("half",)),
                    (D.bfloat16, ("bfloat16",))):
    for _n in _names:
        setattr(Tensor, _n, _converter(_dt))

Tensor.cpu = lambda self, memory_format=None: to(self, "cpu")

Tensor.cuda = lambda self, device=None, non_blocking=False: to(
    self, "cuda" if device is None else D.device("cuda", device if isinstance(device, int)
                                                 else None))

def _like(self, kw):
    """``x.new_*``'s defaults: ``x``'s dtype and device."""
    return {"dtype": self.dtype, "device": self.device, **kw}

def _numpy_T(self):
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

Tensor.T = property(_numpy_T)

Tensor.mT = property(lambda self: transpose(self, -2, -1))

def _reflected(fn):
    """``2 - x`` calls ``x.__rsub__(2)``: the operands swap back."""
    return lambda self, other: fn(other, self)

_OPERATORS = {
    "__getitem__": _getitem, "__setitem__": _setitem,
    "__add__": add, "__radd__": add, "__iadd__": tape.inplace_binary(add),
    "__sub__": sub, "__rsub__": rsub, "__isub__": tape.inplace_binary(sub),
    "__mul__": mul, "__rmul__": mul, "__imul__": tape.inplace_binary(mul),
    "__truediv__": div, "__rtruediv__": _reflected(div), "__itruediv__": tape.inplace_binary(div),
    "__pow__": pow, "__rpow__": _reflected(pow), "__ipow__": tape.inplace_binary(pow),
    "__matmul__": matmul, "__rmatmul__": _reflected(matmul),
    "__floordiv__": floor_divide, "__mod__": remainder,
    "__rfloordiv__": _reflected(floor_divide), "__rmod__": _reflected(remainder),
    "__neg__": neg, "__pos__": lambda self: self, "__abs__": abs,
    "__eq__": eq, "__ne__": ne, "__lt__": lt, "__le__": le, "__gt__": gt, "__ge__": ge,
    "__and__": bitwise_and, "__or__": bitwise_or, "__xor__": bitwise_xor,
    "__invert__": bitwise_not,
}

for _name, _f in _OPERATORS.items():
    setattr(Tensor, _name, _f)

