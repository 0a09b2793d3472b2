"""What torch's namespace adds to a function: torch's error for a first argument that is
not a tensor (or not tensors), and the ``out=`` keyword.

``autodiff.sin(3)`` raises torch's ``TypeError`` ("sin(): argument 'input' (position 1)
must be Tensor, not int"), for every function whose first parameter is a tensor. (A
Tensor method needs no such check: its first argument is the tensor it is called on.)
``autodiff.cat([t, 2])`` raises torch's "expected Tensor as element 1 in argument 0, but
got int", as do the other functions of a list of tensors (``stack``, ``block_diag``...).

``autodiff.add(x, y, out=result)`` writes the result into ``result`` and returns it.

torch's functions (not its Tensor methods) take it. The result is computed as usual,
then copied into ``out`` -- cast to its dtype, and ``out`` resized first if its shape is
another (with torch's deprecation warning, unless it had no elements). A factory,
``zeros``..., makes its tensor in out's dtype (refusing another ``dtype=``) and resizes
out silently. Autograd does not follow such a write: with grad mode on, an argument that
requires grad is refused, as in torch. A function of several results (``max(x, dim)``,
``sort``) takes a tuple of outs.
"""

from __future__ import annotations

import functools
import inspect
import warnings
from typing import Any, Callable, Sequence, TypeVar

import numpy as np

from .. import dtypes as D, tape
from ..tape import Tensor
from ._common import _PYTHON_NUMBERS, _type_name
from .reduction import _return_type, _ReturnType

# the functions of torch's namespace that take out= and autodiff has (torch 2.13)
OUT_FUNCTIONS = frozenset("""
    abs absolute acos acosh add addbmm addcdiv addcmul addmm addmv addr alias_copy all
    amax amin aminmax any arange arccos arccosh arcsin arcsinh arctan arctan2 arctanh
    argmax argmin as_strided_copy asin asinh atan atan2 atanh baddbmm bitwise_and
    bitwise_not bitwise_or bitwise_xor bmm bucketize cat ceil chain_matmul clamp
    clamp_max clamp_min clip column_stack concat concatenate copysign cos cosh cross
    cummax cummin cumprod cumsum deg2rad detach_copy diag diagonal_copy diff digamma div
    divide dot dstack empty eq erf erfc erfinv exp exp2 expand_copy expm1 eye fix
    float_power floor floor_divide fmax fmin fmod frac frobenius_norm full gather ge ger
    greater greater_equal gt heaviside histc hstack hypot index_select inner inverse
    isin isneginf isposinf kron kthvalue ldexp le lerp less less_equal lgamma linspace
    log log10 log1p log2 log_softmax logaddexp logaddexp2 logcumsumexp logical_and
    logical_not logical_or logical_xor logit logspace logsumexp lt masked_select matmul
    matrix_power max maximum mean median min minimum mm mode msort mul multinomial
    multiply mv nan_to_num nanmean nanmedian nanquantile nansum ne neg negative nonzero
    norm normal not_equal ones outer permute_copy polygamma pow prod quantile rad2deg
    rand randint randn randperm range reciprocal remainder renorm round row_stack rsqrt
    searchsorted select_copy sgn sigmoid sign signbit sin sinc sinh slice_copy softmax
    sort sqrt square squeeze_copy stack std sub subtract sum t_copy take take_along_dim
    tan tanh tensordot threshold topk transpose_copy tril triu true_divide trunc
    unfold_copy unsqueeze_copy var vdot view_copy vstack where xlogy zeros""".split())

# torch's functions written in Python (torch/functional.py), which check nothing first
_WRITTEN_IN_PYTHON = frozenset("norm split tensordot unique".split())

# the functions of a list of tensors (they write out= with torch.cat)
_OF_A_LIST = frozenset("cat column_stack concat concatenate dstack hstack row_stack stack "
                       "vstack".split())
# the functions of tensors given as several arguments (or, the second set, one list)
_OF_SEVERAL = frozenset("block_diag broadcast_tensors cartesian_prod".split())
_OF_SEVERAL_OR_A_LIST = frozenset("atleast_1d atleast_2d atleast_3d meshgrid".split())

# the factories: their result takes out's dtype (another given is refused)
_FACTORIES = frozenset("arange empty eye full linspace logspace ones rand randint randn randperm "
                       "range zeros".split())
# the factories that resize out before anything else (a tensor that requires grad can't be)
_RESIZED_FIRST = frozenset({"empty", "randn"})

_RESIZED = ("An output with one or more elements was resized since it had shape {}, which "
            "does not match the required output shape {}. This behavior is deprecated, and "
            "in a future PyTorch release outputs will not be resized unless they have zero "
            "elements. You can explicitly reuse an out tensor t by resizing it, inplace, to "
            "zero elements with t.resize_(0).")
_ARANGE_RESIZED = ("The number of elements in the out tensor of shape {} is {} which does not "
                   "match the computed number of elements {}. Note that this may occur as a "
                   "result of rounding error. The out tensor will be resized to a tensor of "
                   "shape ({},).")
_NO_AUTOGRAD = ("(): functions with out=... arguments don't support automatic differentiation, "
                "but one of the arguments requires grad.")

_F = TypeVar("_F", bound=Callable[..., Any])


def torch_function(fn: _F, name: str) -> _F:
    """``fn`` as ``autodiff.<name>``: refusing a first argument that is not a tensor, if
    it must be one, and taking ``out=`` if torch's function does."""
    if name in _OF_A_LIST:
        fn = _checked_list(fn, name)
    elif name in _OF_SEVERAL or name in _OF_SEVERAL_OR_A_LIST:
        fn = _checked_several(fn, name)
    else:
        parameter = None if name in _WRITTEN_IN_PYTHON else _first_tensor_parameter(fn)
        if parameter is not None or name in tape.OVERLOADS:
            fn = _checked(fn, name, parameter)
    return with_out(fn, name) if name in OUT_FUNCTIONS else fn


def _first_tensor_parameter(fn):
    """The name torch's message gives ``fn``'s first parameter if it must be a tensor
    (its hint says ``Tensor``; a Tensor method's ``self`` is torch's ``input``), else None.
    A wrapper (``permute_copy``'s) is read through to the function it wraps."""
    fn = inspect.unwrap(fn)
    code = getattr(fn, "__code__", None)
    if code is None or code.co_argcount == 0:
        return None
    first = code.co_varnames[0]
    hint = fn.__annotations__.get(first, Tensor if first in ("input", "self") else None)
    if hint not in ("Tensor", Tensor):            # (a hint is a string under PEP 563)
        return None
    return "input" if first == "self" else first


def _checked(fn, name, parameter):
    """``fn``, raising torch's TypeError for a first argument that is not a tensor (if
    ``parameter``, its name, says it must be one), and re-wording the TypeError an op
    raises in its Tensor method's words for an argument of the wrong type
    (``tape.argument_error``) as the function's. A number (a NumPy scalar too) is checked
    only when the call fails for its type: what autodiff computes from numbers where torch
    does too (``mul(2, t)``, ``add(np.float64(2), t)``) still works, and the arithmetic
    functions take two numbers as torch's do (``add(1, 2)`` is ``tensor(3)``), and the
    others of several signatures refuse them with torch's list (``pow(2, 3)``); anything
    else (a NumPy array, a list) is refused before the call, which might have taken it. A
    call that works pays one isinstance."""
    names = tuple(inspect.signature(fn).parameters)
    # refusing two numbers with its list: a function of operands that no signature
    # lets be two numbers (pow, where; not result_type, nor rand, eye: sizes)
    overloads = tape.OVERLOADS.get(name, ())
    refuses_numbers = bool(overloads) and not any(_of_two_numbers(s) for s in overloads) \
        and all(s.startswith(("(Tensor ", "(Number ")) for s in overloads)

    @functools.wraps(fn)
    def op(*args, **kwargs):
        if args and not isinstance(args[0], Tensor):
            if parameter and not isinstance(args[0], np.generic) \
                    and type(args[0]) not in _PYTHON_NUMBERS:
                raise _not_a_tensor(name, parameter, args[0])
            if len(args) > 1 and not isinstance(args[1], Tensor):    # two numbers
                if name in _NUMBERS_AS_TENSORS:                     # add(1, 2): tensor(3)
                    args = (_wrapped_number(args[0]), *args[1:])
                elif refuses_numbers:
                    raise tape.argument_error(name, args, names[:len(args)], 0, method=False)
        try:
            return fn(*args, **kwargs)
        except Exception as e:
            if hasattr(e, "argument"):               # (said in a Tensor method's words)
                raise tape.said_by(e, name, method=False)
            if parameter and args and not isinstance(args[0], Tensor) \
                    and isinstance(e, (TypeError, AttributeError)):   # (not a number's)
                raise _not_a_tensor(name, parameter, args[0]) from None
            raise
    return op


def _of_two_numbers(signature):
    """Whether a signature of torch's starts with two numbers (``result_type``'s last)."""
    first_two = signature[1:-1].split(", ")[:2]
    return len(first_two) == 2 and all(p.startswith("Number ") for p in first_two)


# the functions whose Tensor arguments torch's parser lets be numbers (as 0-d tensors of
# the number's kind: add(1, 2) is tensor(3))
_NUMBERS_AS_TENSORS = frozenset("add sub mul div divide multiply subtract true_divide "
                                "floor_divide".split())


def _wrapped_number(value):
    value = D.number(value)
    return tape.constant(np.asarray(value, D.scalar_dtype(value).np))


def _not_a_tensor(name, parameter, value):
    return TypeError(f"{name}(): argument '{parameter}' (position 1) must be Tensor, not "
                     f"{_type_name(type(value))}")


def _checked_list(fn, name):
    """``fn`` (``cat``...), refusing what is not a list or tuple of tensors with torch's
    TypeError (checked on every call: a cheap check, and what autodiff would take, a
    generator, torch refuses)."""
    @functools.wraps(fn)
    def op(*args, **kwargs):
        if args or "tensors" in kwargs:
            tensors = args[0] if args else kwargs["tensors"]
            if not isinstance(tensors, (list, tuple)):
                position = " (position 1)" if args else ""
                raise TypeError(f"{name}(): argument 'tensors'{position} must be tuple of "
                                f"Tensors, not {_type_name(type(tensors))}")
            _check_tensors(tensors)
        return fn(*args, **kwargs)
    return op


def _checked_several(fn, name):
    """``fn`` (``block_diag``, ``meshgrid``...), refusing an argument that is not a tensor
    with torch's TypeError."""
    @functools.wraps(fn)
    def op(*tensors, **kwargs):
        elements: Sequence = tensors
        if (name in _OF_SEVERAL_OR_A_LIST and len(tensors) == 1
                and not isinstance(tensors[0], Tensor)):
            if isinstance(tensors[0], (list, tuple)):
                elements = tensors[0]
            elif name != "meshgrid":
                raise tape.argument_error(name, tensors[:1], ("input",), 0, method=False)
        _check_tensors(elements)
        return fn(*tensors, **kwargs)
    return op


def _check_tensors(tensors):
    """torch's error for the first element that is not a tensor."""
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got "
                            f"{_type_name(type(t))}")


def with_out(fn: _F, name: str) -> _F:
    """``fn`` as ``autodiff.<name>``, taking torch's ``out=`` keyword as well."""

    @functools.wraps(fn)
    def op(*args, out=None, **kwargs):
        if out is None:
            return fn(*args, **kwargs)
        outs = out if isinstance(out, tuple) else (out,)
        for o in outs:
            if not isinstance(o, Tensor):
                raise TypeError(f"{name}(): argument 'out' must be Tensor, not "
                                f"{_type_name(type(out if o is out else o))}")
        if name in _FACTORIES or name == "normal" and _numbers_only(args, kwargs):
            return _made_into(out, fn, name, args, kwargs)
        if tape.is_grad_enabled() and any(t.requires_grad for t in _tensors((args, kwargs, outs))):
            raise RuntimeError(name + _NO_AUTOGRAD)
        result = fn(*args, **kwargs)
        _check_dtype(name, kwargs.get("dtype"), outs[0].dtype)
        results = result if isinstance(result, tuple) else (result,)
        for o, r in zip(outs, results):
            _write(o, r, name)
        if isinstance(result, _ReturnType):                # torch.return_types.max_out
            return _return_type(result._name + "_out", result._fields)(*outs)
        return outs if isinstance(result, tuple) else out
    return op  # type: ignore[return-value]


def _made_into(out, fn, name, args, kwargs):
    """A factory's ``out=``: the tensor is made in out's dtype, out is resized to it without
    a word (arange says so), and ``requires_grad=True`` makes out a leaf that requires grad."""
    dtype = kwargs.get("dtype")
    if dtype is None:
        kwargs["dtype"] = out.dtype
    elif dtype != out.dtype:
        raise RuntimeError(f"dtype {D.c_name(dtype)} does not match dtype of out parameter "
                           f"({D.c_name(out.dtype)})")
    if tape.is_grad_enabled() and out.requires_grad:
        if name in _RESIZED_FIRST:
            raise RuntimeError("cannot resize variables that require grad")
        raise RuntimeError(f"aten::{name}" + _NO_AUTOGRAD)
    result = fn(*args, **kwargs)
    if out.shape != result.shape:
        if name == "arange" and out.numel():
            warnings.warn(_ARANGE_RESIZED.format(list(out.shape), out.numel(), result.numel(),
                                                 result.numel()), UserWarning, stacklevel=3)
        out.resize_(result.shape)
    out.copy_(result.detach())
    return out.requires_grad_() if result.requires_grad else out


def _numbers_only(args, kwargs):
    """Whether a call has no tensor argument (``normal(0., 1., size)`` is then a factory)."""
    return next(_tensors((args, kwargs)), None) is None


def _check_dtype(name, dtype, out_dtype):
    """torch's error for a function's ``dtype=`` (``sum``'s, ``softmax``'s) that is not its
    out's."""
    if dtype is None or dtype == out_dtype:
        return
    if name in ("nansum", "nanmean"):
        raise RuntimeError("nansum: provided dtype must match dtype of result. Got "
                           f"{D.c_name(out_dtype)} and {D.c_name(dtype)}.")
    raise RuntimeError(f"Expected out tensor to have dtype {D.long_name(dtype)}, but got "
                       f"{D.long_name(out_dtype)} instead")


def _tensors(value):
    """The tensors in the arguments, lists and tuples of them included (``cat``'s)."""
    if isinstance(value, Tensor):
        yield value
    elif isinstance(value, (tuple, list)):
        for v in value:
            yield from _tensors(v)
    elif isinstance(value, dict):
        yield from _tensors(list(value.values()))


def _write(out, result, name):
    if not D.can_cast(result.dtype, out.dtype):
        if name in _OF_A_LIST:
            raise TypeError("autodiff.cat(): input types can't be cast to the desired output "
                            f"type {D.c_name(out.dtype)}")
        raise RuntimeError(f"result type {D.c_name(result.dtype)} can't be cast to the "
                           f"desired output type {D.c_name(out.dtype)}")
    if out.shape != result.shape:
        if out.numel():
            warnings.warn(_RESIZED.format(list(out.shape), list(result.shape)), UserWarning,
                          stacklevel=4)
        out.resize_(result.shape)
    out.copy_(result)
