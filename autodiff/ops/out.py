"""torch's ``out=`` keyword: ``autodiff.add(x, y, out=result)`` writes the result into
``result`` and returns it.

torch's functions (not its Tensor methods) take it. The result is computed as usual,
then copied into ``out`` -- cast to its dtype (a factory, ``zeros``..., makes it in that
dtype), and ``out`` resized first if its shape is another (with torch's deprecation
warning, unless it had no elements). Autograd does not
follow such a write: with grad mode on, an argument that requires grad is refused, as
in torch. A function of several results (``max(x, dim)``, ``sort``) takes a tuple of
outs.
"""

from __future__ import annotations

import functools
import warnings
from typing import Any, Callable, TypeVar

from .. import dtypes as D, tape
from ..tape import Tensor
from .reduction import _return_type, _ReturnType

# the functions of torch's namespace that take out= and autodiff has (torch 2.13)
OUT_FUNCTIONS = frozenset("""
    abs absolute acos acosh add addbmm addcdiv addcmul addmm addmv addr all amax amin
    aminmax any arange arccos arccosh arcsin arcsinh arctan arctan2 arctanh argmax argmin
    asin asinh atan atan2 atanh baddbmm bitwise_and bitwise_not bitwise_or bitwise_xor bmm
    bucketize cat ceil clamp clamp_max clamp_min clip column_stack concat concatenate
    copysign cos cosh cross cummax cummin cumprod cumsum deg2rad diag diff digamma div
    divide dot dstack empty eq erf erfc erfinv exp exp2 expm1 eye fix float_power floor
    floor_divide fmax fmin fmod frac full gather ge ger greater greater_equal gt heaviside
    histc hstack hypot index_select inner inverse isneginf isposinf kron kthvalue ldexp le
    lerp less less_equal lgamma linspace log log10 log1p log2 log_softmax logaddexp
    logaddexp2 logcumsumexp logical_and logical_not logical_or logical_xor logit logsumexp
    lt masked_select matmul matrix_power max maximum mean median min minimum mm mode msort
    mul multinomial multiply mv nan_to_num nanmean nanmedian nanquantile nansum ne neg
    negative nonzero norm normal not_equal ones outer polygamma pow prod quantile rad2deg
    rand randint randn randperm reciprocal remainder renorm round rsqrt searchsorted sgn
    sigmoid sign signbit sin sinc sinh softmax sort sqrt square stack std sub subtract sum
    take take_along_dim tan tanh tensordot threshold topk tril triu true_divide trunc var
    vdot vstack where xlogy zeros""".split())

# the factories: their result takes out's dtype unless one is given
_FACTORIES = frozenset("arange empty eye full linspace ones rand randint randn randperm zeros".split())

_RESIZED = ("An output with one or more elements was resized since it had shape {}, which "
            "does not match the required output shape {}. This behavior is deprecated, and "
            "in a future PyTorch release outputs will not be resized unless they have zero "
            "elements. You can explicitly reuse an out tensor t by resizing it, inplace, to "
            "zero elements with t.resize_(0).")

_F = TypeVar("_F", bound=Callable[..., Any])


def with_out(fn: _F) -> _F:
    """``fn`` taking torch's ``out=`` keyword as well."""
    name = fn.__name__

    @functools.wraps(fn)
    def op(*args, out=None, **kwargs):
        if out is None:
            return fn(*args, **kwargs)
        outs = out if isinstance(out, tuple) else (out,)
        for o in outs:
            if not isinstance(o, Tensor):
                raise TypeError(f"{name}(): argument 'out' must be Tensor, not "
                                f"{type(out if o is out else o).__name__}")
        if tape.is_grad_enabled() and any(t.requires_grad for t in _tensors((args, kwargs, outs))):
            raise RuntimeError(f"{name}(): functions with out=... arguments don't support "
                               "automatic differentiation, but one of the arguments requires "
                               "grad.")
        if name in _FACTORIES and kwargs.get("dtype") is None:
            kwargs["dtype"] = outs[0].dtype
        result = fn(*args, **kwargs)
        results = result if isinstance(result, tuple) else (result,)
        for o, r in zip(outs, results):
            _write(o, r)
        if isinstance(result, _ReturnType):                # torch.return_types.max_out
            return _return_type(result._name + "_out", result._fields)(*outs)
        return outs if isinstance(result, tuple) else out
    return op  # type: ignore[return-value]


def _tensors(value):
    """The tensors in the arguments, lists and tuples of them included (``cat``'s)."""
    if isinstance(value, Tensor):
        yield value
    elif isinstance(value, (tuple, list)):
        for v in value:
            yield from _tensors(v)
    elif isinstance(value, dict):
        yield from _tensors(list(value.values()))


def _write(out, result):
    if not D.can_cast(result.dtype, out.dtype):
        raise RuntimeError(f"result type {D.c_name(result.dtype)} can't be cast to the "
                           f"desired output type {D.c_name(out.dtype)}")
    if out.shape != result.shape:
        if out.numel():
            warnings.warn(_RESIZED.format(list(out.shape), list(result.shape)), UserWarning,
                          stacklevel=4)
        out.resize_(result.shape)
    out.copy_(result)
