"""What several op families share: argument parsing (shapes, dims, dtypes, devices),
torch's error for a missing kernel and its names of types, broadcasting, and the helpers
that derivative formulas use everywhere (arithmetic with a Python number as torch's C++
writes it: ``_times_scalar`` is ``mul.Scalar``, MulBackward1; constant zeros; ``where``)."""

from __future__ import annotations

import builtins
import functools
import math
from typing import Any, Callable, Optional, Sequence, TypeVar, overload

import jax
import jax.numpy as jnp

from .. import dtypes as D, tape
from ..tape import RULES, Tensor, apply, row


def _dims(dim, ndim):
    """A dim argument (int, tuple or None) as a tuple of non-negative dims, or None."""
    if dim is None:
        return None
    if isinstance(dim, int):
        dim = (dim,)
    dims = tuple(tape.wrap_dim(d, ndim) for d in dim)
    return dims if ndim else ()           # a 0-d tensor has no dim to reduce


_Fn = TypeVar("_Fn", bound=Callable[..., Any])


def size_keyword(fn: _Fn) -> _Fn:
    """``fn(*size, ...)``, a factory, taking its size as the keyword ``size=`` too, as
    torch's do: one tuple, then (``zeros(size=(2, 3))``)."""
    @functools.wraps(fn)
    def factory(*size, **kwargs):
        if "size" in kwargs:
            size = sizes_given(fn.__name__, "size", size, kwargs, 1, method=False)
        return fn(*size, **kwargs)
    return factory  # type: ignore[return-value]


def sizes_given(fn, param, sizes, kwargs, position=2, method=True, only=False):
    """What a function of ``*sizes`` (``zeros``, ``x.view``...) was given: ``sizes``, or
    the keyword ``param=`` (``zeros(size=(2, 3))``), taken out of ``kwargs`` and checked
    here (torch's messages give no position for it); with ``only``, no other keyword."""
    if param in kwargs:
        if sizes:
            raise TypeError(f"{fn}() got multiple values for argument '{param}'")
        sizes = (tape.ints_arg(fn, param, position, kwargs.pop(param), method, form="keyword"),)
    if only and kwargs:
        raise TypeError(f"{fn}() got an unexpected keyword argument '{next(iter(kwargs))}'")
    return sizes


def _to_dtype(d):
    if d is None or isinstance(d, D.dtype):
        return d
    if isinstance(d, str):
        return D.ALIASES.get(d) or getattr(D, d)
    if d is float:
        return D.float64
    if d is int:
        return D.int64
    if d is bool:
        return D.bool_
    return D.from_numpy_dtype(d)


def _place(array, device):
    if device is None:
        return array
    dev = D.device(device) if not isinstance(device, D.device) else device
    return jax.device_put(array, dev.jax_device())


def _broadcast_shapes(a, b):
    """torch's broadcasting check, with its error text."""
    out = []
    for i in range(1, builtins.max(len(a), len(b)) + 1):
        x = a[-i] if i <= len(a) else 1
        y = b[-i] if i <= len(b) else 1
        if x != y and x != 1 and y != 1:
            raise RuntimeError(
                f"The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                f"non-singleton dimension {builtins.max(len(a), len(b)) - i}")
        out.append(x if y == 1 else y)
    return tuple(reversed(out))


# torch's ZeroTensor kernels of these ops (a gradient known to be zero: ``sgn``'s) take a
# Python float as a 0-d float64 tensor: a 0-d float32 zero gradient times 0.5 is float64
_ZERO_TENSOR_KERNELS = frozenset({"add", "sub", "mul", "div"})


def _binary(rule, a, b, float_result=False, **attrs):
    """Apply a broadcasting binary rule: promote, check shapes, then record."""
    if type(b) is float and getattr(a, "_zeros", None) is not None and not a.ndim \
            and rule.op in _ZERO_TENSOR_KERNELS and tape._is_zero_tensor(a):
        b = tape.make_tensor(jnp.asarray(b, jnp.float64))
    if isinstance(b, Tensor) and isinstance(a, Tensor):
        x, y = a._array.aval, b._array.aval              # abstract values: shape and dtype
        if x.shape != y.shape:
            _broadcast_shapes(x.shape, y.shape)
        if x.dtype == y.dtype and not (float_result and x.dtype.kind != "f"):
            return apply(rule, a, b, **attrs)            # the common case: nothing to promote
    elif (type(b) is float or type(b) is int) and a._array.aval.dtype.kind == "f":
        return apply(rule, a, b, **attrs)                # a float tensor keeps its dtype
    if not isinstance(a, Tensor) or not isinstance(b, Tensor):
        a, b = _operands(rule.op, a, b)
    dt = D.result_type(a, b)
    if float_result and not dt.is_floating_point:
        dt = D.DEFAULT_FLOAT
    if (isinstance(a, Tensor) and a.dtype is not dt) or (isinstance(b, Tensor) and
                                                          b.dtype is not dt):
        rule = _CastRule(rule, dt)
    return apply(rule, a, b, **attrs)


def _arr_cast(x, dt):
    return x.astype(dt.np) if hasattr(x, "astype") and x.dtype != dt.np else x


class _CastRule:
    """A rule seen through a dtype cast of its inputs: torch promotes inside the kernel."""

    __slots__ = ("rule", "dt")
    is_view = False
    compiled = False          # (it casts its inputs first: numbers stay numbers)

    def __init__(self, rule, dt):
        self.rule, self.dt = rule, dt

    def forward(self, /, *arrays, **attrs):      # (an attribute may be named self: xlogy's)
        return self.rule.forward(*(_arr_cast(a, self.dt) for a in arrays), **attrs)

    def __getattr__(self, name):
        return getattr(self.rule, name)


def _kernel_missing(kernel, dtype):
    """torch's error for a kernel that has no version for ``dtype``."""
    return NotImplementedError(f"\"{kernel}\" not implemented for '{D.c_name(dtype)}'")


row("unsafe_view", "UnsafeViewBackward0",
    lambda self, *, size, self_sym_sizes: jnp.reshape(self, size),
    lambda grad, size, self_sym_sizes: (grad.reshape(self_sym_sizes),))


def _scalar_arg(fn, name, value, position=None):
    """``value`` as the number torch's ``Scalar`` argument takes: a 0-dim tensor too, if
    it does not require grad (``position``: the argument's, which torch's message gives)."""
    if isinstance(value, Tensor):
        if value.ndim or value.requires_grad:
            where = f" (position {position})" if position else ""
            raise TypeError(f"{fn}(): argument '{name}'{where} must be Number, not Tensor")
        return value.item()
    return D.number(value)                      # (a NumPy scalar: a Python number)


_type_name, _tensor_arg = tape.type_name, tape.tensor_arg


def _operands(op, input, other, names=("input", "other")):
    """The operands of a binary op, NumPy scalars as the Python numbers they stand for;
    torch's TypeError for anything else that is not a tensor (a NumPy array, a list)."""
    if _plain(input) and _plain(other):       # the common case (t < 0, t ** 2): as they are
        return input, other
    input, other = D.number(input), D.number(other)
    _check_operands(op, (input, other), names)
    return input, other


def _check_operands(op, args, names, method=True):
    """torch's TypeError for the first of ``args`` that is neither a tensor nor a number
    (a number being traced too: an operand of a compiled program), in the words of the
    method (or of the function: ``result_type`` has no method)."""
    for bad, x in enumerate(args):
        if not isinstance(x, (Tensor, tape.NUMBERS)):
            raise tape.argument_error(op, args, names, bad, method)


# torch's signatures of the functions it has several of, which its TypeError lists when
# none takes the arguments given (a Tensor method's: without input and out)
_OUT = ", *, Tensor out = None)"
_FACTORY = (", torch.dtype dtype = None, torch.layout layout = None, torch.device device = "
            "None, bool pin_memory = False, bool requires_grad = False)")
_TENSOR_OR_NUMBER = ("(Tensor input, Tensor other" + _OUT, "(Tensor input, Number other" + _OUT)
_OR_NUMBER_SELF = (_TENSOR_OR_NUMBER[0], "(Number self, Tensor other)", _TENSOR_OR_NUMBER[1])
_POWER = tuple(s.replace("other", "exponent") for s in (
    _TENSOR_OR_NUMBER[0], "(Number self, Tensor other" + _OUT, _TENSOR_OR_NUMBER[1]))
_OR_NUMBER = (_TENSOR_OR_NUMBER[0], "(Tensor input, Number other)")
tape.OVERLOADS.update(
    dict.fromkeys("eq ne lt le gt ge greater less greater_equal less_equal not_equal fmod "
                  "copysign".split(), _TENSOR_OR_NUMBER),
    **dict.fromkeys("bitwise_and bitwise_or bitwise_xor bitwise_left_shift bitwise_right_shift "
                    "remainder".split(), _OR_NUMBER_SELF),
    **dict.fromkeys(("pow", "float_power"), _POWER),
    **dict.fromkeys(("true_divide", "floor_divide", "multiply"), _OR_NUMBER),
    xlogy=(_TENSOR_OR_NUMBER[0], "(Number self, Tensor other" + _OUT, _TENSOR_OR_NUMBER[1]),
    divide=(_TENSOR_OR_NUMBER[0], "(Tensor input, Tensor other, *, str rounding_mode, Tensor "
            "out = None)", "(Tensor input, Number other)",
            "(Tensor input, Number other, *, str rounding_mode)"),
    subtract=("(Tensor input, Tensor other, *, Number alpha = 1, Tensor out = None)",
              "(Tensor input, Number other, Number alpha = 1)"),
    rsub=("(Tensor input, Tensor other, *, Number alpha = 1)",
          "(Tensor input, Number other, Number alpha = 1)"),
    lerp=("(Tensor input, Tensor end, Tensor weight" + _OUT,
          "(Tensor input, Tensor end, Number weight" + _OUT),
    where=("(Tensor condition)", "(Tensor condition, Tensor input, Tensor other" + _OUT,
           "(Tensor condition, Number self, Tensor other)",
           "(Tensor condition, Tensor input, Number other)",
           "(Tensor condition, Number self, Number other)"),
    isin=tuple(f"({a}, *, bool assume_unique = False, bool invert = False, Tensor out = None)"
               for a in ("Tensor elements, Tensor test_elements",
                         "Number element, Tensor test_elements",
                         "Tensor elements, Number test_element")),
    **dict.fromkeys(("atleast_1d", "atleast_2d", "atleast_3d"),
                    ("(Tensor input)", "(tuple of Tensors tensors)")),
    view=("(Tensor input, torch.dtype dtype)", "(Tensor input, tuple of ints size)"),
    **dict.fromkeys(("rand", "randn"), tuple(
        f"(tuple of ints size, *, {generator}Tensor out = None{_FACTORY}" for generator in
        ("torch.Generator generator, ", ""))),
    eye=(f"(int n, *, Tensor out = None{_FACTORY}", f"(int n, int m, *, Tensor out = None{_FACTORY}"),
    result_type=("(Tensor tensor, Tensor other)", "(Number scalar, Tensor tensor)",
                 "(Tensor tensor, Number other)", "(Number scalar1, Number scalar2)"))


def _plain(x):
    return isinstance(x, Tensor) or type(x) in _PYTHON_NUMBERS


_PYTHON_NUMBERS = frozenset({bool, int, float, complex})


def _unsafe_view(input, size):
    return apply(RULES["unsafe_view"], input, size=tuple(size), self_sym_sizes=input._array.shape)


def operator(fn):
    """A Python operator of ``fn`` (``Tensor.__mul__``), as torch's: an operand the op
    rejects with a TypeError gives NotImplemented, so that Python asks the other operand
    (``t * ndarray``: NumPy's ufunc, whose result ``Tensor.__array_wrap__`` makes a
    tensor) before raising its own TypeError (``t < "a"``)."""
    @functools.wraps(fn)
    def op(self, other):
        try:
            return fn(self, other)
        except TypeError:
            return NotImplemented
    return op


def _expanded_shape(input, sizes):
    """The shape ``input`` expands to (-1: its own size), or torch's error."""
    lead = len(sizes) - input.ndim
    if lead < 0:
        raise RuntimeError(
            f"expand({input._type_name()}"
            f"{{{list(input.shape)}}}, size={list(sizes)}): the number of sizes provided "
            f"({len(sizes)}) must be greater or equal to the number of dimensions in the "
            f"tensor ({input.ndim})")
    shape = list(sizes)
    for i in reversed(range(len(sizes))):          # (torch checks from the last dim)
        own = input.shape[i - lead] if i >= lead else 1
        if sizes[i] == -1:
            if i < lead:
                raise RuntimeError(f"The expanded size of the tensor (-1) isn't allowed in a "
                                   f"leading, non-existing dimension {i}")
            shape[i] = own
        elif own != 1 and own != sizes[i]:
            raise RuntimeError(
                f"The expanded size of the tensor ({sizes[i]}) must match the existing size "
                f"({own}) at non-singleton dimension {i}.  Target sizes: {list(sizes)}.  "
                f"Tensor sizes: {list(input.shape)}")
    return tuple(shape)


def _scatter_through_view(grad, self_sym_sizes, view):
    """The adjoint of a view: add each element of ``grad`` back where it came from."""
    index = view(jnp.arange(math.prod(self_sym_sizes)).reshape(self_sym_sizes))
    flat = jnp.zeros(math.prod(self_sym_sizes), grad.dtype).at[index.reshape(-1)]
    return flat.add(grad.reshape(-1)).reshape(self_sym_sizes)


def _w(cond, a, b):
    """where(cond, a, b) for the rules below (a or b may be a Python number)."""
    return tape.apply(RULES["where"], a, b, condition=cond)


def _not_implemented(op):
    raise RuntimeError(f"derivative for aten::{op} is not implemented")


def _mean(x, dim=None, keepdims=False):
    """The sum divided by the count, as torch computes a mean (a true division: see
    ``_true_divide``). Half floats sum in float32."""
    total = jnp.sum(x, dim, keepdims=keepdims, dtype=jnp.promote_types(x.dtype, jnp.float32))
    return _true_divide(total, x.size // max(total.size, 1)).astype(x.dtype)


def _if_given(formula, grad, *args):
    """``formula(grad, *args)``, or None where no gradient reached that output (torch's
    ``grad.defined() ? ... : Tensor()``)."""
    return None if grad is None else formula(grad, *args)


@functools.partial(jax.jit, static_argnames="dim")
def _select_put(x, src, index, *, dim):
    return jax.lax.dynamic_update_index_in_dim(x, src.astype(x.dtype), index, dim)


def _window(n, start, end, step):
    """Where ``[start:end:step]`` sits in ``n`` elements: its first index and its length."""
    start, end, step = slice(start, end, step).indices(n)
    return start, len(range(start, end, step))


def _span(length, step):
    return (length - 1) * step + 1 if length else 0


@functools.partial(jax.jit, static_argnames=("dim", "step"))
def _slice_put(x, src, start, *, dim, step):
    window = jax.lax.dynamic_slice_in_dim(x, start, _span(src.shape[dim], step), dim)
    window = window.at[(slice(None),) * dim + (slice(None, None, step),)].set(
        src.astype(x.dtype))
    return jax.lax.dynamic_update_slice_in_dim(x, window, start, dim)


def alias_row(op, node, of):
    """A second torch name for an existing row (the same maths, recorded under ``node``)."""
    r = RULES[of]
    row(op, node, r.forward, r.backward, r.is_view, r.tensor_attrs)


def _zeros_like(grad):
    """torch's ``zeros_like(grad)`` in a backward formula: constant zeros (not grad * 0,
    which is nan where grad is)."""
    return tape.constant(jnp.zeros_like(grad._value()))


def _zeros(shape, like):
    """Constant zeros of ``shape``, of ``like``'s dtype."""
    return tape.constant(jnp.zeros(shape, like._array.dtype))


def _times_scalar(t, number):
    """C++'s ``t * number`` and ``number * t`` (mul.Scalar: MulBackward1)."""
    return tape.apply(RULES["mul_scalar"], t, other=number)


def _true_divide(a, b):
    """``a / b`` as torch divides. XLA turns a division by a divisor it broadcasts (a
    number, a 0-d tensor, a smaller tensor) into a multiplication by the divisor's
    reciprocal: one rounding more, and a third of ``x / 3``'s quotients a bit off torch's.
    So such a divisor is made a whole array first, behind a barrier XLA's simplifier does
    not look through."""
    shape = jnp.broadcast_shapes(jnp.shape(a), jnp.shape(b))
    if jnp.shape(b) != shape or not hasattr(b, "shape"):     # (a number: a constant)
        b = jax.lax.optimization_barrier(
            jnp.broadcast_to(jnp.asarray(b, jnp.result_type(a, b)), shape))
    return a / b


_as_dtype = jax.jit(jnp.asarray, static_argnums=1)


_scalars: dict[tuple, jax.Array] = {}    # the numbers written lately, by (type, value, sign, dtype)


def _scalar(value, dt):
    """A Python number written into a tensor of dtype ``dt`` (``x[i] = 0``), as a 0-d
    array: checked as torch checks it, then converted by one compiled kernel, the number
    its argument (no compile per value). The arrays of the last few hundred numbers are
    kept: ``g[h < 0] = 0`` in a loop finds its 0 converted and ready."""
    stored = D.checked(value, dt, scalar=False)
    key = (type(value), value, math.copysign(1.0, value), dt)   # (0.0 and -0.0 differ)
    array = _scalars.get(key)
    if array is None:
        if len(_scalars) >= 256:
            _scalars.clear()
        array = _scalars[key] = _as_dtype(stored, dt.np)
    return array


def _maybe_multiply(t, number):
    """C++'s ``maybe_multiply``: ``t`` itself when ``number`` is 1, else ``t * number``
    (always the product when ``number`` is an operand of a compiled backward pass)."""
    return t if type(number) in (int, float) and number == 1 else _times_scalar(t, number)


# torch's C++ formulas do arithmetic with Scalars (``mul.Scalar``...), which records other
# nodes than Python's ``x * 2`` (a number wrapped in a tensor: MulBackward0). The formulas
# above write it with these helpers, so that a gradient differentiated again
# (create_graph=True) shows torch's nodes.
row("mul_scalar", "MulBackward1", lambda self, *, other: self * other,
    lambda grad, other: (_times_scalar(grad, other),))
row("add_scalar", "AddBackward1", lambda self, *, other: self + other,
    lambda grad, other: (grad,))
row("sub_scalar", "SubBackward1", lambda self, *, other: self - other,
    lambda grad, other: (grad,))


def _over_scalar(t, number):
    """C++'s ``t / number`` (div.Scalar: DivBackward1)."""
    return tape.apply(RULES["div_scalar"], t, other=number)


def _plus_scalar(t, number):
    """C++'s ``t + number`` and ``number + t`` (add.Scalar: AddBackward1)."""
    return tape.apply(RULES["add_scalar"], t, other=number)


def _minus_scalar(t, number):
    """C++'s ``t - number`` (sub.Scalar: SubBackward1)."""
    return tape.apply(RULES["sub_scalar"], t, other=number)


def _scalar_minus(number, t):
    """C++'s ``number - t``: a tensor filled with the number, minus t (SubBackward0)."""
    return tape.constant(jnp.full(t.shape, number, t._array.dtype)) - t



def exported(namespace: dict[str, Any]) -> list[str]:
    """A family module's ``__all__``: the names it defines (functions, classes and their
    instances), not the ones it imports, so that ``from .ops import *`` gives torch's
    namespace (there is no ``torch.jax``). A type checker cannot run this: the families
    hide their ``__all__`` from it (``if not TYPE_CHECKING``), so that it takes every
    public name of the module."""
    return [name for name, value in list(namespace.items())
            if not name.startswith("_")
            and getattr(value, "__module__", None) == namespace["__name__"]]


_Inplace = Optional[Callable[[Callable[..., Any]], Callable[..., Any]]]


def methods(*fns: Callable[..., Any], inplace: _Inplace = None) -> None:
    """Bind each function as the Tensor method of its name (``fn.__name__``): ``x.exp()``
    is ``exp(x)``. With ``inplace`` (``tape.inplace_unary``, or ``tape.inplace_binary``
    for an op of another tensor operand), also its in-place form: ``x.exp_()`` writes
    ``exp(x)`` into ``x``."""
    for fn in fns:
        setattr(Tensor, fn.__name__, fn)
        if inplace is not None:
            setattr(Tensor, fn.__name__ + "_", inplace(fn))


@overload
def method(fn: _Fn, *, inplace: _Inplace = None) -> _Fn: ...
@overload
def method(fn: None = None, *, inplace: _Inplace = None) -> Callable[[_Fn], _Fn]: ...


def method(fn=None, *, inplace=None):
    """``@method`` above a function makes it a Tensor method too (``methods(fn)``);
    ``@method(inplace=tape.inplace_unary)`` adds its in-place form. (The overloads above
    tell a type checker that the function keeps its signature.)"""
    if fn is None:
        return functools.partial(method, inplace=inplace)
    methods(fn, inplace=inplace)
    return fn


def sizes_method(fn: Callable[[Tensor, Any], Tensor], param: str) -> None:
    """Make ``fn(input, sizes)`` (``reshape``, ``permute``, ``tile``), whose sizes torch's
    function takes as one tuple, a Tensor method, which takes them one by one too
    (``x.reshape(2, 3)``, as ``x.reshape((2, 3))``)."""
    name = fn.__name__

    def method(self: Tensor, *sizes: int | Sequence[int], **by_name: Sequence[int]) -> Tensor:
        if by_name:                                 # x.reshape(shape=(2, 3))
            sizes = sizes_given(name, param, sizes, by_name, only=True)
        return fn(self, tape.ints_arg(name, param, 2, sizes))
    method.__name__ = method.__qualname__ = name
    method.__doc__ = fn.__doc__
    setattr(Tensor, name, method)


def _reflected(fn):
    """``2 - x`` calls ``x.__rsub__(2)``: the operands swap back."""
    return lambda self, other: fn(other, self)
