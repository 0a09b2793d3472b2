"""The operations: torch's functions and Tensor methods, each a thin call of a rule.

Each function here does what torch's front end does before the kernel runs: parse the
arguments, check shapes, work out the result dtype by torch's promotion rules, then
``apply`` a row of the derivative table (``rules.py``). Composite ops (``matmul``,
``flatten``, ``square``...) are written with other ops, so their graphs have torch's
nodes. At the bottom, the functions are bound as Tensor methods and operators.
"""

from __future__ import annotations

import builtins
import functools
import math
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from . import dtypes as D
from . import tape
from .rules import RULES, _over_scalar, _split_sizes, _times_scalar
from .tape import Tensor, apply, make_tensor

R = RULES

# ---------------------------------------------------------------------------------------
# Arguments
# ---------------------------------------------------------------------------------------


def _shape_arg(size):
    """``zeros(2, 3)``, ``zeros((2, 3))`` and ``zeros([2, 3])`` all mean shape (2, 3)."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    return tuple(int(s) for s in size)


def _dims(dim, ndim):
    """A dim argument (int, tuple or None) as a tuple of non-negative dims, or None."""
    if dim is None:
        return None
    if isinstance(dim, int):
        dim = (dim,)
    dims = tuple(tape.wrap_dim(d, ndim) for d in dim)
    return dims if ndim else ()           # a 0-d tensor has no dim to reduce


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


def _check_requires_grad(dt, requires_grad):
    if requires_grad and not dt.is_floating_point:
        raise RuntimeError(
            "Only Tensors of floating point and complex dtype can require gradients")


# ---------------------------------------------------------------------------------------
# Creation
# ---------------------------------------------------------------------------------------


def _infer(data, dt):
    """A NumPy array from Python data, with torch's dtype choice (floats -> float32)."""
    if isinstance(data, Tensor):
        arr = np.asarray(data._value())
    elif isinstance(data, (list, tuple)) and builtins.any(isinstance(x, Tensor) for x in data):
        arr = np.stack([_infer(x, dt) for x in data])
    else:
        arr = np.asarray(data, dtype=None if dt is None else dt.np)
        if dt is None and arr.dtype == np.float64 and not isinstance(data, (np.ndarray,
                                                                           np.generic)):
            arr = arr.astype(D.DEFAULT_FLOAT.np)
    return arr if dt is None else arr.astype(dt.np)


def tensor(data, dtype=None, device=None, requires_grad=False):
    """Build a leaf tensor from data: floats become float32, ints int64, bools bool.

    >>> import autodiff
    >>> autodiff.tensor([[1, 2], [3, 4]])
    tensor([[1, 2],
            [3, 4]])
    >>> autodiff.tensor(2.0, dtype=autodiff.float64, requires_grad=True)
    tensor(2., dtype=autodiff.float64, requires_grad=True)
    """
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use "
            "sourceTensor.detach().clone() or sourceTensor.detach().clone()."
            "requires_grad_(True), rather than autodiff.tensor(sourceTensor).",
            UserWarning, stacklevel=2)
    arr = _infer(data, _to_dtype(dtype))
    if arr.dtype.kind == "c":
        raise TypeError("autodiff: complex tensors are not supported")
    dt = D.from_numpy_dtype(arr.dtype)
    _check_requires_grad(dt, requires_grad)
    return make_tensor(_place(jnp.asarray(arr, dt.np), device), bool(requires_grad))


def as_tensor(data, dtype=None, device=None):
    """``data`` as a tensor, without a copy when it already is one of that dtype."""
    if isinstance(data, Tensor) and (dtype is None or _to_dtype(dtype) is data.dtype):
        return data
    return tensor(data, dtype=dtype, device=device)


def from_numpy(array):
    """A tensor holding a NumPy array's values."""
    return make_tensor(jnp.asarray(array))


def _filled(fill, size, dtype, device, requires_grad, default=None):
    dt = _to_dtype(dtype) or default or D.DEFAULT_FLOAT
    _check_requires_grad(dt, requires_grad)
    return make_tensor(_place(jnp.full(_shape_arg(size), fill, dt.np), device), bool(requires_grad))


def zeros(*size, dtype=None, device=None, requires_grad=False):
    """A tensor of the given shape filled with zeros."""
    return _filled(0, size, dtype, device, requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False):
    """A tensor of the given shape filled with ones."""
    return _filled(1, size, dtype, device, requires_grad)


def empty(*size, dtype=None, device=None, requires_grad=False):
    """A tensor of the given shape (filled with zeros in autodiff)."""
    return _filled(0, size, dtype, device, requires_grad)


def full(size, fill_value, dtype=None, device=None, requires_grad=False):
    """A tensor of the given shape filled with ``fill_value``."""
    default = D.scalar_dtype(fill_value)
    return _filled(fill_value, (size,), dtype, device, requires_grad, default)


def _like(fn):
    def like(input, dtype=None, device=None, requires_grad=False, **kw):
        return fn(*input.shape, dtype=dtype or input.dtype, device=device,
                  requires_grad=requires_grad, **kw)
    like.__name__ = like.__qualname__ = fn.__name__ + "_like"
    like.__doc__ = f"``{fn.__name__}`` with the shape and dtype of ``input``."
    return like


zeros_like, ones_like, empty_like = _like(zeros), _like(ones), _like(empty)


def full_like(input, fill_value, dtype=None, device=None, requires_grad=False):
    """``full`` with the shape and dtype of ``input``."""
    return full(input.shape, fill_value, dtype=dtype or input.dtype, device=device,
                requires_grad=requires_grad)


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False):
    """Values from ``start`` to ``end`` (exclusive) by ``step``: int64 for integers, float32 otherwise."""
    if end is None:
        start, end = 0, start
    values = (start, end, step)
    default = D.DEFAULT_FLOAT if builtins.any(isinstance(v, float) for v in values) else D.int64
    dt = _to_dtype(dtype) or default
    if dt is D.bool_:
        raise _kernel_missing("arange_cpu", dt)
    _check_requires_grad(dt, requires_grad)
    return make_tensor(_place(jnp.arange(start, end, step, dtype=dt.np), device), requires_grad)


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False):
    """``steps`` values evenly spaced from ``start`` to ``end`` (inclusive)."""
    dt = _to_dtype(dtype) or D.DEFAULT_FLOAT
    return make_tensor(_place(jnp.linspace(start, end, steps, dtype=dt.np), device), requires_grad)


def eye(n, m=None, dtype=None, device=None, requires_grad=False):
    """The ``n`` x ``m`` identity matrix."""
    dt = _to_dtype(dtype) or D.DEFAULT_FLOAT
    return make_tensor(_place(jnp.eye(n, m, dtype=dt.np), device), requires_grad)


# Random numbers come from autodiff's own generator (values need not equal torch's).
class Generator:
    """A seeded source of random numbers (NumPy's PCG64 underneath)."""

    def __init__(self, device="cpu"):
        self.manual_seed(67280421310721)         # torch's default seed

    def manual_seed(self, seed):
        self._seed = int(seed)
        self._rng = np.random.default_rng(self._seed)
        return self

    def initial_seed(self):
        return self._seed


default_generator = Generator().manual_seed(np.random.SeedSequence().entropy % 2**63)


def manual_seed(seed):
    """Seed autodiff's default generator (``rand``, ``randn``, ``randint``, dropout...)."""
    return default_generator.manual_seed(seed)


def _random(draw, size, dtype, device, requires_grad, generator):
    dt = _to_dtype(dtype) or D.DEFAULT_FLOAT
    rng = (generator or default_generator)._rng
    return make_tensor(_place(jnp.asarray(draw(rng, _shape_arg(size)), dt.np), device),
                 requires_grad)


def rand(*size, dtype=None, device=None, requires_grad=False, generator=None):
    """Uniform random numbers in [0, 1) from autodiff's generator."""
    return _random(lambda rng, s: rng.random(s), size, dtype, device, requires_grad, generator)


def randn(*size, dtype=None, device=None, requires_grad=False, generator=None):
    """Standard normal random numbers from autodiff's generator."""
    return _random(lambda rng, s: rng.standard_normal(s), size, dtype, device, requires_grad,
                   generator)


def randint(low, high=None, size=None, dtype=None, device=None, generator=None):
    """Random integers in ``[low, high)`` from autodiff's generator."""
    if high is None:
        low, high = 0, low
    rng = (generator or default_generator)._rng
    dt = _to_dtype(dtype) or D.int64
    return make_tensor(_place(jnp.asarray(rng.integers(low, high, tuple(size)), dt.np), device))


def randperm(n, dtype=None, device=None, generator=None):
    """A random permutation of ``range(n)``."""
    rng = (generator or default_generator)._rng
    return make_tensor(_place(jnp.asarray(rng.permutation(n), (_to_dtype(dtype) or D.int64).np),
                        device))


def rand_like(input, dtype=None, device=None, requires_grad=False):
    """``rand`` with the shape and dtype of ``input``."""
    return rand(*input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def randn_like(input, dtype=None, device=None, requires_grad=False):
    """``randn`` with the shape and dtype of ``input``."""
    return randn(*input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


# ---------------------------------------------------------------------------------------
# Elementwise arithmetic, with torch's type promotion and broadcasting checks
# ---------------------------------------------------------------------------------------


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


def broadcast_shapes(*shapes):
    """The shape that ``shapes`` broadcast to (torch's broadcasting rules and errors)."""
    out = ()
    for s in shapes:
        out = _broadcast_shapes(out, tuple(s))
    return D.Size(out)


def _binary(rule, a, b, float_result=False, **attrs):
    """Apply a broadcasting binary rule: promote, check shapes, then record."""
    if isinstance(b, Tensor) and isinstance(a, Tensor):
        x, y = a._array.aval, b._array.aval              # abstract values: shape and dtype
        if x.shape != y.shape:
            _broadcast_shapes(x.shape, y.shape)
        if x.dtype == y.dtype and not (float_result and x.dtype.kind != "f"):
            return apply(rule, a, b, **attrs)            # the common case: nothing to promote
    elif type(b) is float and a._array.aval.dtype.kind == "f":
        return apply(rule, a, b, **attrs)                # a float tensor keeps its dtype
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

    def __init__(self, rule, dt):
        self.rule, self.dt = rule, dt

    def forward(self, /, *arrays, **attrs):      # (an attribute may be named self: xlogy's)
        return self.rule.forward(*(_arr_cast(a, self.dt) for a in arrays), **attrs)

    def __getattr__(self, name):
        return getattr(self.rule, name)


def add(input, other, alpha=1):
    """``input + alpha * other``, broadcasting."""
    if alpha != 1:
        return _binary(R["add"], input, other, alpha=alpha)
    return _binary(R["add"], input, other)


def _check_not_bool_sub(a, b):
    bools = [D.result_type(x) is D.bool_ for x in (a, b)]
    if builtins.all(bools):
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                           "supported. Use the `^` or `logical_xor()` operator instead.")
    if builtins.any(bools):
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not "
                           "supported. If you are trying to invert a mask, use the `~` or "
                           "`logical_not()` operator instead.")


def sub(input, other, alpha=1):
    """``input - alpha * other``, broadcasting (SubBackward0)."""
    _check_not_bool_sub(input, other)
    if alpha != 1:
        return _binary(R["sub"], input, other, alpha=alpha)
    return _binary(R["sub"], input, other)


def rsub(input, other, alpha=1):
    """``other - alpha * input``."""
    _check_not_bool_sub(input, other)
    kw = {"alpha": alpha} if alpha != 1 else {}
    if not isinstance(other, Tensor):
        dt = D.result_type(input, other)
        rule = R["rsub_scalar"] if dt is input.dtype else _CastRule(R["rsub_scalar"], dt)
        return apply(rule, input, other=other, **kw)
    return _binary(R["rsub"], input, other, **kw)


def mul(input, other):
    """``input * other``, broadcasting (MulBackward0)."""
    return _binary(R["mul"], input, other)


class _NotGiven:
    """The default of an argument whose mere presence picks torch's overload."""

    def __repr__(self):
        return "<not given>"


_NOT_GIVEN = _NotGiven()


def div(input, other, rounding_mode=_NOT_GIVEN):
    """True division (ints divide to float32); ``rounding_mode`` "floor" or "trunc" rounds
    the quotient (DivBackward2, zero gradients: the overload torch picks whenever the
    argument is given)."""
    if rounding_mode is not _NOT_GIVEN:
        if rounding_mode not in (None, "floor", "trunc"):
            raise ValueError("div expected rounding_mode to be one of None, 'trunc', or "
                             f"'floor' but found '{rounding_mode}'")
        return _rounding(R["div_mode"], input, other, float_result=rounding_mode is None,
                         rounding_mode=rounding_mode)
    if not isinstance(input, Tensor):            # 2 / x is torch's reciprocal(x) * 2
        return mul(reciprocal(other), input)
    return _binary(R["div"], input, other, float_result=True)


def true_divide(input, other):
    """``input / other`` (DivBackward0); integers divide to float32."""
    return div(input, other)


def addcmul(input, tensor1, tensor2, *, value=1):
    """``input + value * tensor1 * tensor2``, broadcasting (AddcmulBackward0)."""
    return _addc(R["addcmul"], input, tensor1, tensor2, value)


_ADDCDIV_OF_INTEGERS = (
    "Integer division with addcdiv is no longer supported, and in a future  release addcdiv "
    "will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can "
    "be implemented as (input + value * autodiff.trunc(tensor1 / tensor2)).to(input.dtype) "
    "for integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The "
    "future addcdiv behavior is just the latter implementation: (input + value * tensor1 / "
    "tensor2), for all dtypes.")


def addcdiv(input, tensor1, tensor2, *, value=1):
    """``input + value * tensor1 / tensor2``, broadcasting (AddcdivBackward0)."""
    if not (tensor1.dtype.is_floating_point or tensor2.dtype.is_floating_point):
        raise RuntimeError(_ADDCDIV_OF_INTEGERS)
    return _addc(R["addcdiv"], input, tensor1, tensor2, value)


def _addc(rule, input, tensor1, tensor2, value):
    """addcmul and addcdiv: the three tensors broadcast and promote; the value follows."""
    broadcast_shapes(input.shape, tensor1.shape, tensor2.shape)
    dt = D.result_type(input, tensor1, tensor2)
    if not dt.is_floating_point:
        value = int(value)                        # torch casts the value to the dtype
    if builtins.any(t.dtype is not dt for t in (input, tensor1, tensor2)):
        rule = _CastRule(rule, dt)
    return apply(rule, input, tensor1, tensor2, value=value)


def lerp(input, end, weight):
    """``input + weight * (end - input)``, computed from the nearer end as torch does;
    ``weight`` a number (LerpBackward0) or a tensor (LerpBackward1)."""
    scalar = not isinstance(weight, Tensor)
    checked = [("end", end)] if scalar or weight.ndim == 0 else [("end", end), ("weight", weight)]
    for name, t in checked:                       # no promotion: one dtype (a 0-d weight cast)
        if t.dtype is not input.dtype:
            raise RuntimeError(f"expected dtype {D.long_name(input.dtype)} for `{name}` but got "
                               f"dtype {D.long_name(t.dtype)}")
    broadcast_shapes(input.shape, end.shape, *(() if scalar else (weight.shape,)))
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f'"lerp_kernel_{"scalar" if scalar else "tensor"}" not '
                                  f"implemented for '{D.c_name(input.dtype)}'")
    if scalar:
        return apply(R["lerp"], input, end, weight=weight)
    rule = R["lerp_tensor"] if weight.dtype is input.dtype else _CastRule(R["lerp_tensor"],
                                                                          input.dtype)
    return apply(rule, input, end, weight)


def floor_divide(input, other):
    """Division rounded down (torch has no derivative for it: a NotImplemented node)."""
    return _rounding(R["floor_divide"], input, other)


def remainder(input, other):
    """Python's ``%`` elementwise, with the sign of the divisor (RemainderBackward1;
    RemainderBackward0 for a number divisor; a number dividend has no derivative)."""
    if not isinstance(input, Tensor):
        _check_divisor(input, other)
        return apply(_in_float(R["remainder_scalar_self"], other)
                     if isinstance(input, float) else R["remainder_scalar_self"],
                     other, self=input)
    if not isinstance(other, Tensor):
        return _rounding(R["remainder_scalar"], input, other, scalar=True)
    return _rounding(R["remainder"], input, other)


def fmod(input, other):
    """C's ``fmod`` elementwise, with the sign of the dividend (FmodBackward1;
    FmodBackward0 for a number divisor)."""
    if not isinstance(other, Tensor):
        return _rounding(R["fmod_scalar"], input, other, scalar=True)
    return _rounding(R["fmod"], input, other)


def _rounding(rule, input, other, scalar=False, **attrs):
    """Apply a rounding division's rule (a number divisor as an attribute where the rule
    takes it so): integers divided by zero are torch's error."""
    _check_divisor(input, other)
    if scalar:
        dt = D.result_type(input, other)
        return apply(rule if dt is input.dtype else _CastRule(rule, dt), input, other=other)
    return _binary(rule, input, other, **attrs)


def _check_divisor(input, other):
    if D.result_type(input, other).is_floating_point:
        return
    b = other._value() if isinstance(other, Tensor) else other
    if tape.concrete(b) and bool(jnp.any(jnp.asarray(b) == 0)):
        raise RuntimeError("ZeroDivisionError")


def pow(input, exponent):
    """``input ** exponent``: PowBackward0 for a number exponent, PowBackward1 for a
    tensor, PowBackward2 for a number base."""
    if not isinstance(input, Tensor):
        dt = D.result_type(input, exponent)
        rule = R["pow_scalar"] if dt is exponent.dtype else _CastRule(R["pow_scalar"], dt)
        return apply(rule, exponent, base=input)
    if isinstance(exponent, Tensor):
        return _binary(R["pow_tensor"], input, exponent)
    dt = D.result_type(input, exponent)
    if not dt.is_floating_point and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    rule = R["pow"] if dt is input.dtype else _CastRule(R["pow"], dt)
    return apply(rule, input, exponent=exponent)


def square(input):
    """``input ** 2`` (PowBackward0)."""
    return pow(input, 2)


def neg(input):
    """``-input`` (NegBackward0)."""
    if input.dtype is D.bool_:
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If "
                           "you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")
    return apply(R["neg"], input)


negative = neg


def float_power(input, exponent):
    """``input ** exponent`` in float64, as torch: both converted first (ToCopyBackward0)."""
    if isinstance(input, Tensor):
        input = input.to(D.float64)
    if isinstance(exponent, Tensor):
        exponent = exponent.to(D.float64)
    elif not isinstance(exponent, bool):
        exponent = float(exponent)
    return pow(input, exponent)


def _elementwise(name, floating):
    """The public function of a one-input row: ``exp(x)`` applies row ``exp``.

    ``floating`` ops compute integer inputs in the default float dtype, as torch does
    (``autodiff.exp(autodiff.tensor([1]))`` is a float32 tensor).
    """
    rule, as_float = R[name], _CastRule(R[name], D.DEFAULT_FLOAT)

    def op(input):
        if not floating or input._array.dtype.kind == "f":
            return apply(rule, input)
        return apply(as_float, input)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = (f"``{name}`` of each element (row ``{name}`` of the derivative table, "
                  f"node ``{rule.node}``).")
    return op


(exp, log, sqrt, rsqrt, sin, cos, tan, sinh, cosh, asin, acos, atan, log1p, expm1, tanh,
 sigmoid, reciprocal) = (
    _elementwise(name, floating=True)
    for name in ("exp", "log", "sqrt", "rsqrt", "sin", "cos", "tan", "sinh", "cosh", "asin",
                 "acos", "atan", "log1p", "expm1", "tanh", "sigmoid", "reciprocal"))
def xlogy(input, other):
    """``input * log(other)``, 0 where ``input`` is 0 (XlogyBackward0; XlogyBackward1 or 2
    when ``input`` or ``other`` is a number); integers are computed in the default float
    dtype."""
    if isinstance(input, Tensor) and isinstance(other, Tensor):
        return _binary(R["xlogy"], input, other, float_result=True)
    if isinstance(input, Tensor):
        return apply(_in_float(R["xlogy_scalar_other"], input), input, other=other)
    if isinstance(other, Tensor):
        return apply(_in_float(R["xlogy_scalar_self"], other), other, self=input)
    raise TypeError(f"xlogy() received an invalid combination of arguments - got "
                    f"({type(input).__name__}, {type(other).__name__}), but expected one of:\n"
                    " * (Tensor input, Tensor other, *, Tensor out = None)\n"
                    " * (Number self, Tensor other, *, Tensor out = None)\n"
                    " * (Tensor input, Number other, *, Tensor out = None)\n")


def _in_float(rule, input):
    """``rule``, computing an integer ``input`` in the default float dtype, as torch's
    floating-point functions do."""
    return rule if input._array.dtype.kind == "f" else _CastRule(rule, D.DEFAULT_FLOAT)


def logit(input, eps=None):
    """``log(p / (1 - p))`` of each element, ``p`` clamped to ``[eps, 1 - eps]`` first if
    ``eps`` is given (LogitBackward0); integers are computed in the default float dtype."""
    return apply(_in_float(R["logit"], input), input, eps=eps)


abs, sign, sgn, relu = (_elementwise(name, floating=False)
                        for name in ("abs", "sign", "sgn", "relu"))
arcsin, arccos, arctan = asin, acos, atan                # torch's NumPy-style names
erf, erfc, erfinv, lgamma, digamma, log2, log10, exp2 = (
    _elementwise(name, floating=True)
    for name in ("erf", "erfc", "erfinv", "lgamma", "digamma", "log2", "log10", "exp2"))


sinc, deg2rad, rad2deg = (_elementwise(name, floating=True)
                          for name in ("sinc", "deg2rad", "rad2deg"))


def frac(input):
    """The fractional part of each element, ``input - trunc(input)`` (FracBackward0)."""
    if not input.dtype.is_floating_point:
        raise _kernel_missing("frac_cpu", input.dtype)
    return apply(R["frac"], input)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    """NaN, +inf and -inf replaced by ``nan``, ``posinf`` and ``neginf`` (the infinities by
    the dtype's largest and smallest finite values unless given; NanToNumBackward0)."""
    return apply(R["nan_to_num"], input, nan=nan, posinf=posinf, neginf=neginf)


def copysign(input, other):
    """The magnitude of ``input`` with the sign of ``other`` (CopysignBackward0;
    CopysignBackward1 for a number); integers are computed in the default float dtype."""
    if not isinstance(other, Tensor):
        return apply(_in_float(R["copysign_scalar"], input), input, other=other)
    return _binary(R["copysign"], input, other, float_result=True)


def nonzero(input, *, as_tuple=False):
    """The indices of the nonzero elements: one row per element (int64), or with
    ``as_tuple`` one tensor of indices per dimension. Not recorded."""
    rows = jnp.argwhere(input._value())
    if as_tuple:
        return tuple(make_tensor(rows[:, d]) for d in range(builtins.max(input.ndim, 1)))
    return make_tensor(rows.reshape(rows.shape[0], input.ndim))


def argwhere(input):
    """``nonzero(input)``: the indices of the nonzero elements, one row each."""
    return nonzero(input)


def count_nonzero(input, dim=None):
    """How many elements are nonzero (along ``dim``, an int or a tuple); int64."""
    axis = None if dim is None else tuple(d % builtins.max(input.ndim, 1)
                                          for d in (dim if isinstance(dim, (tuple, list))
                                                    else (dim,)))
    return make_tensor(jnp.count_nonzero(input._value(), axis=axis).astype(jnp.int64))


def kron(input, other):
    """The Kronecker product, as torch composes it: each input viewed with a dim of size 1
    beside each of its dims, their broadcast product viewed back (UnsafeViewBackward0)."""
    ndim = builtins.max(input.ndim, other.ndim)
    a = (1,) * (ndim - input.ndim) + tuple(input.shape)
    b = (1,) * (ndim - other.ndim) + tuple(other.shape)
    product = mul(_unsafe_view(input, [s for n in a for s in (n, 1)]),
                  _unsafe_view(other, [s for n in b for s in (1, n)]))
    return _unsafe_view(product, [m * n for m, n in zip(a, b)])


def _kernel_missing(kernel, dtype):
    """torch's error for a kernel that has no version for ``dtype``."""
    return NotImplementedError(f"\"{kernel}\" not implemented for '{D.c_name(dtype)}'")


def _unsafe_view(input, size):
    return apply(R["unsafe_view"], input, size=tuple(size), self_sym_sizes=input._array.shape)


def diff(input, n=1, dim=-1, prepend=None, append=None):
    """The ``n``-th forward difference along ``dim`` (``prepend``/``append`` joined on
    first), as torch composes it: a slice minus a slice (SubBackward0), ``n`` times;
    booleans differ by ``!=``."""
    if input.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    d = tape.wrap_dim(dim, input.ndim)
    if prepend is not None or append is not None:
        input = cat([t for t in (prepend, input, append) if t is not None], d)
    if n == 0:                                   # a copy, as torch's (CopyBackwards)
        return zeros_like(input).copy_(input)
    for _ in range(n):
        size = input.shape[d]
        later = narrow(input, d, 1, builtins.max(size - 1, 0))
        earlier = narrow(input, d, 0, builtins.max(size - 1, 0))
        input = ne(later, earlier) if input.dtype is D.bool_ else sub(later, earlier)
    return input


def meshgrid(*tensors, indexing=None):
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
    grids = [t.view(*[-1 if i == j else 1 for j in range(len(tensors))]).expand(*shape)
             for i, t in enumerate(tensors)]
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


def cross(input, other, dim=None):
    """The cross product of 3-vectors along ``dim`` (LinalgCrossBackward0); without
    ``dim``, the first dim of size 3 (deprecated in torch, which warns)."""
    if dim is None:
        tape.warn_once("Using autodiff.cross without specifying the dim arg is deprecated.\n"
                        "Please either pass the dim explicitly or simply use "
                        "autodiff.linalg.cross.\nThe default value of dim will change to "
                        "agree with that of linalg.cross in a future release.")
        dim = next((d for d, n in enumerate(broadcast_shapes(input.shape, other.shape))
                    if n == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    return _linalg_cross(input, other, dim)


def _linalg_cross(input, other, dim=-1):
    """``torch.linalg.cross``: the cross product along ``dim`` (default the last)."""
    ndim = builtins.max(input.ndim, other.ndim)
    d = tape.wrap_dim(dim, ndim) - ndim          # from the end: the inputs broadcast
    sizes = [t.shape[d] if t.ndim >= -d else 1 for t in (input, other)]
    if sizes != [3, 3]:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{sizes[0]} and {sizes[1]}")
    return _binary(R["linalg_cross"], input, other, dim=d)


def polygamma(n, input):
    """The ``n``-th derivative of the digamma function (PolygammaBackward0)."""
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    rule = R["polygamma"]
    return apply(rule if input._array.dtype.kind == "f" else _CastRule(rule, D.DEFAULT_FLOAT),
                 input, n=n)


def clamp(input, min=None, max=None):
    """Each element limited to ``[min, max]``: numbers (ClampBackward1: the gradient flows
    inside the range) or tensors, broadcast (ClampBackward0: a bound gets the gradient
    where it binds)."""
    if min is None and max is None:
        raise RuntimeError("clamp: At least one of 'min' or 'max' must not be None")
    return _clamp(input, min, max, R["clamp"], {"min": min, "max": max})


def clamp_min(input, min):
    """``clamp(input, min=min)``; for a number, node ClampMinBackward0."""
    return _clamp(input, min, None, R["clamp_min"], {"min": min})


def clamp_max(input, max):
    """``clamp(input, max=max)``; for a number, node ClampMaxBackward0."""
    return _clamp(input, None, max, R["clamp_max"], {"max": max})


def _clamp(input, min, max, number_rule, attrs):
    bounds = [b for b in (min, max) if b is not None]
    dt = D.result_type(input, *bounds)                 # an int tensor clamped to 0.5: float
    if builtins.any(isinstance(b, Tensor) for b in bounds):
        min, max = (b if b is None or isinstance(b, Tensor) else tensor(b) for b in (min, max))
        broadcast_shapes(input.shape, *(b.shape for b in (min, max) if b is not None))
        rule, inputs, attrs = R["clamp_tensor"], (input, min, max), {}
    else:
        rule, inputs = number_rule, (input,)
    if builtins.any(isinstance(x, Tensor) and x.dtype is not dt for x in inputs):
        rule = _CastRule(rule, dt)
    return apply(rule, *inputs, **attrs)


clip = clamp


def _clamp_inplace(clamp_fn):
    def op(input, *bounds, **named):
        given = [b for b in (*bounds, *named.values()) if b is not None]
        if given and not builtins.any(isinstance(b, Tensor) for b in given):
            dt = D.result_type(input, *given)        # torch's scalar overload words its
            if not D.can_cast(dt, input.dtype):      # cast check with C type names
                raise RuntimeError(f"result type {D.c_name(dt)} can't be cast to the "
                                   f"desired output type {D.long_name(input.dtype)}")
        return tape.inplace(input, lambda old: clamp_fn(old, *bounds, **named))
    op.__name__ = clamp_fn.__name__ + "_"
    op.__doc__ = f"``{clamp_fn.__name__}`` in place."
    return op


clamp_, clamp_min_, clamp_max_ = (_clamp_inplace(f) for f in (clamp, clamp_min, clamp_max))


def _tensor_arg(fn, name, position, value):
    if not isinstance(value, Tensor):
        raise TypeError(f"{fn}(): argument '{name}' (position {position}) must be Tensor, "
                        f"not {type(value).__name__}")


def _of_two_tensors(name, doc, float_result=False):
    """The public function of a two-input row that takes tensors only (torch's TypeError
    for a number); ``float_result``: integers give the default float dtype."""
    rule = R[name]

    def op(input, other):
        _tensor_arg(name, "other", 2, other)
        return _binary(rule, input, other, float_result)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return op


maximum = _of_two_tensors("maximum", "The elementwise maximum of two tensors "
                          "(MaximumBackward0; ties split the gradient).")
minimum = _of_two_tensors("minimum", "The elementwise minimum of two tensors "
                          "(MinimumBackward0; ties split the gradient).")
fmax = _of_two_tensors("fmax", "The elementwise maximum, where a NaN loses to a number "
                       "(FmaxBackward0).")
fmin = _of_two_tensors("fmin", "The elementwise minimum, where a NaN loses to a number "
                       "(FminBackward0).")
ldexp = _of_two_tensors("ldexp", """``input * 2 ** other`` (LdexpBackward0; integers give
    the default float dtype).

    >>> import autodiff
    >>> autodiff.ldexp(autodiff.tensor([1.0, 3.0]), autodiff.tensor([2, -1]))
    tensor([4.0000, 1.5000])
    """, float_result=True)


def atan2(input, other):
    """The angle of the point (``other``, ``input``), elementwise (Atan2Backward0);
    integers are computed in the default float dtype."""
    _tensor_arg("atan2", "other", 2, other)
    return _binary(R["atan2"], input, other, float_result=True)


def hypot(input, other):
    """``sqrt(input**2 + other**2)``, elementwise (HypotBackward0)."""
    return _float_binary("hypot", input, other)


def logaddexp(input, other):
    """``log(exp(input) + exp(other))``, computed stably (LogaddexpBackward0)."""
    return _float_binary("logaddexp", input, other)


def logaddexp2(input, other):
    """``log2(2**input + 2**other)``, computed stably (Logaddexp2Backward0)."""
    return _float_binary("logaddexp2", input, other)


def _float_binary(name, input, other):
    """A binary op whose kernels exist for floats only (two integer tensors: torch's
    error)."""
    _tensor_arg(name, "other", 2, other)
    if not (input.dtype.is_floating_point or other.dtype.is_floating_point):
        raise _kernel_missing(f"{name}_cpu", D.result_type(input, other))
    return _binary(R[name], input, other)


def where(condition, input, other):
    """Elements of ``input`` where ``condition`` holds, else of ``other``."""
    a_t, b_t = isinstance(input, Tensor), isinstance(other, Tensor)
    dt = D.result_type(input, other)
    shapes = [s for s in (condition.shape, getattr(input, "shape", ()),
                          getattr(other, "shape", ()))]
    broadcast_shapes(*shapes)
    rule = R["where"] if (not a_t or input.dtype is dt) and (not b_t or other.dtype is dt) \
        else _CastRule(R["where"], dt)
    if not a_t and not b_t:
        return make_tensor(jnp.where(condition._value(), input, other).astype(dt.np))
    return apply(rule, input, other, condition=condition)


# Comparisons and logical ops: bool results, never recorded.
def _compare(fn):
    def compare(input, other):
        a = input._value() if isinstance(input, Tensor) else input
        b = other._value() if isinstance(other, Tensor) else other
        if isinstance(input, Tensor) and isinstance(other, Tensor):
            _broadcast_shapes(input.shape, other.shape)
            dt = D.result_type(input, other)
            a, b = _arr_cast(a, dt), _arr_cast(b, dt)
        return make_tensor(fn(a, b))
    compare.__name__ = compare.__qualname__ = fn.__name__
    compare.__doc__ = (f"Elementwise ``{fn.__name__}`` of two tensors or a tensor and a number: "
                       "a bool tensor, broadcasting, never recorded.")
    return compare


eq, ne, lt, le, gt, ge = (_compare(f) for f in (jnp.equal, jnp.not_equal, jnp.less,
                                                 jnp.less_equal, jnp.greater,
                                                 jnp.greater_equal))
greater, less, greater_equal, less_equal, not_equal = gt, lt, ge, le, ne
logical_and, logical_or, logical_xor = (_compare(f) for f in (jnp.logical_and, jnp.logical_or,
                                                               jnp.logical_xor))


def _bitwise(fn):
    def op(input, other):
        a = input._value() if isinstance(input, Tensor) else input
        b = other._value() if isinstance(other, Tensor) else other
        return make_tensor(fn(a, b))
    op.__name__ = op.__qualname__ = fn.__name__
    op.__doc__ = f"Elementwise ``{fn.__name__}`` of integer or bool tensors (never recorded)."
    return op


bitwise_and, bitwise_or, bitwise_xor = (_bitwise(f) for f in (jnp.bitwise_and, jnp.bitwise_or,
                                                               jnp.bitwise_xor))


def logical_not(input):
    """Elementwise logical not (a bool tensor)."""
    return make_tensor(jnp.logical_not(input._value()))


def bitwise_not(input):
    """Elementwise bitwise not (``~``) of an integer or bool tensor (never recorded)."""
    return make_tensor(jnp.invert(input._value()))


def equal(input, other):
    """Whether two tensors have the same shape and elements (a Python bool)."""
    return input.shape == other.shape and bool(jnp.all(input._value() == other._value()))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether ``input`` and ``other`` agree elementwise within ``atol + rtol * |other|``."""
    return bool(jnp.allclose(input._value(), other._value(), rtol, atol, equal_nan))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Elementwise: whether ``input`` and ``other`` agree within ``atol + rtol * |other|``."""
    return make_tensor(jnp.isclose(input._value(), other._value(), rtol, atol, equal_nan))


def isnan(input):
    """Elementwise: whether each element is NaN."""
    return make_tensor(jnp.isnan(input._value()))


def isinf(input):
    """Elementwise: whether each element is infinite."""
    return make_tensor(jnp.isinf(input._value()))


def positive(input):
    """``input`` itself (torch's unary ``+``), refused for booleans."""
    if input.dtype == D.bool_:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


def signbit(input):
    """Elementwise: whether the sign bit is set (true for -0.0)."""
    return make_tensor(jnp.signbit(input._value()))


def isposinf(input):
    """Elementwise: whether each element is +inf."""
    return make_tensor(jnp.isposinf(input._value()))


def isneginf(input):
    """Elementwise: whether each element is -inf."""
    return make_tensor(jnp.isneginf(input._value()))


def isfinite(input):
    """Elementwise: whether each element is finite."""
    return make_tensor(jnp.isfinite(input._value()))


def _to_whole(name):
    """floor, ceil, trunc: each float rounded (a row whose gradient is zeros); integers
    are whole already (a copy, as torch)."""
    rule = R[name]

    def op(input):
        if input._array.dtype.kind != "f":
            return make_tensor(input._value())
        return apply(rule, input)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"``{name}`` of each element ({rule.node}: its gradient is zeros)."
    return op


floor, ceil, trunc = (_to_whole(name) for name in ("floor", "ceil", "trunc"))


def round(input, *, decimals=0):
    """Each element rounded to ``decimals`` places, halves to even (RoundBackward0, or
    RoundBackward1 with ``decimals``: gradients of zeros).

    >>> import autodiff
    >>> autodiff.tensor([0.5, 1.5, 2.5]).round()
    tensor([0., 2., 2.])
    """
    if input._array.dtype.kind != "f":
        return make_tensor(input._value())
    if decimals:
        return apply(R["round_decimals"], input, decimals=decimals)
    return apply(R["round"], input)

# ---------------------------------------------------------------------------------------
# Reductions
# ---------------------------------------------------------------------------------------


def sum(input, dim=None, keepdim=False, dtype=None):
    """Sum of all elements (SumBackward0) or along ``dim`` (SumBackward1)."""
    _check_result_dtype(input, dtype)
    if not input.dtype.is_floating_point and dtype is None:
        dtype = D.int64                                   # torch sums integers as int64
    if dim is None and not keepdim and dtype is None:
        return apply(R["sum"], input, self_sym_sizes=input._array.shape)
    dims = _dims(dim, input.ndim) if dim is not None else tuple(range(input.ndim))
    return apply(R["sum_dim"], input, dim=dims, keepdim=keepdim, self_sym_sizes=input._array.shape,
                 **({"dtype": _to_dtype(dtype).np} if dtype is not None else {}))


def nansum(input, dim=None, keepdim=False, *, dtype=None):
    """The sum with NaNs counted as zero (NansumBackward0: they get no gradient)."""
    _check_result_dtype(input, dtype)
    if not input.dtype.is_floating_point and dtype is None:
        dtype = D.int64
    dims = None if dim is None else _dims(dim, input.ndim)
    return apply(R["nansum"], input, dim=dims, keepdim=keepdim,
                 self_sym_sizes=input._array.shape,
                 **({"dtype": _to_dtype(dtype).np} if dtype is not None else {}))


def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    """The mean of the elements that are not NaN: ``nansum`` over their count, as torch."""
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex "
                           f"dtype but got {D.c_name(input.dtype)}")
    count = isnan(input).logical_not().sum(dim, keepdim)
    return nansum(input, dim, keepdim, dtype=dtype).div(count)


def mean(input, dim=None, keepdim=False, dtype=None):
    """The mean of all elements (MeanBackward0) or along ``dim`` (MeanBackward1)."""
    which, dt = ("Optional", _to_dtype(dtype)) if dtype is not None else ("Input", input.dtype)
    if not dt.is_floating_point:
        raise RuntimeError(
            f"mean(): could not infer output dtype. {which} dtype must be either a floating "
            f"point or complex dtype. Got: {D.c_name(dt)}")
    if dtype is not None:
        input = input.to(dtype)
    if dim is None and not keepdim:
        return apply(R["mean"], input, self_sym_sizes=input._array.shape)
    dims = _dims(dim, input.ndim) if dim is not None else tuple(range(input.ndim))
    return apply(R["mean_dim"], input, dim=dims, keepdim=keepdim, self_sym_sizes=input._array.shape)


def _check_result_dtype(input, dtype):
    """torch's error for an op asked for an integer result of a tensor that requires grad."""
    if (dtype is not None and not _to_dtype(dtype).is_floating_point and input.requires_grad
            and tape.is_grad_enabled()):
        raise RuntimeError(f"Autograd not support dtype: {D.c_name(_to_dtype(dtype))}")


def prod(input, dim=None, keepdim=False, dtype=None):
    """The product of all elements (ProdBackward0) or along ``dim`` (ProdBackward1)."""
    _check_result_dtype(input, dtype)
    if dtype is not None:
        input = input.to(dtype)
    if dim is None:
        return apply(R["prod"], input)
    return apply(R["prod_dim"], input, dim=tape.wrap_dim(dim, input.ndim), keepdim=keepdim)


class _ReturnType(tuple):
    """torch.return_types.max & co: a pair with names, ``_fields``."""

    _name, _fields = "max", ("values", "indices")

    def __new__(cls, *items):
        return tuple.__new__(cls, items)

    def __repr__(self):
        fields = ",\n".join(f"{name}={value!r}" for name, value in zip(self._fields, self))
        return f"autodiff.return_types.{self._name}(\n{fields})"


def _return_type(name, fields=("values", "indices")):
    named = {field: property(lambda self, i=i: self[i]) for i, field in enumerate(fields)}
    return type(name, (_ReturnType,), {"_name": name, "_fields": fields, **named})


class return_types:
    """The named tuples ``max``, ``min``, ``median``, ``sort``, ``topk``, ``cummax``,
    ``cummin``, ``kthvalue`` and ``mode`` return: ``(values, indices)``; ``aminmax``'s
    ``(min, max)``, ``slogdet``'s ``(sign, logabsdet)``."""

    max = _return_type("max")
    cummax = _return_type("cummax")
    cummin = _return_type("cummin")
    min = _return_type("min")
    median = _return_type("median")
    sort = _return_type("sort")
    topk = _return_type("topk")
    kthvalue = _return_type("kthvalue")
    mode = _return_type("mode")
    aminmax = _return_type("aminmax", ("min", "max"))
    slogdet = _return_type("slogdet", ("sign", "logabsdet"))
    linalg_slogdet = _return_type("linalg_slogdet", ("sign", "logabsdet"))


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


def median(input, dim=None, keepdim=False):
    """The lower median of all elements (MedianBackward0; nan if any is nan), or along
    ``dim`` -> (values, indices) (MedianBackward1). Among equal elements the index is the
    middle one in their order (torch's pick among ties depends on its kernel)."""
    if dim is None:
        return apply(R["median"], input)
    if input.ndim and input.shape[tape.wrap_dim(dim, input.ndim)] == 0:
        raise IndexError(f"median(): Expected reduction dim {dim} to have non-zero size.")
    return _selected_along(input, dim, keepdim, R["median_dim"], _median_index, "median")


def kthvalue(input, k, dim=-1, keepdim=False):
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
    return _selected_along(input, d, keepdim, R["kthvalue"], kth_index, "kthvalue")


def mode(input, dim=-1, keepdim=False):
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
    return _selected_along(input, d, keepdim, R["mode"], _mode_index, "mode")


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


def _median_index(x, dim, keepdims):
    """Where each slice's lower median is: the middle of a stable sort (the first nan if
    the slice has one)."""
    if x.ndim == 0:
        return jnp.zeros((), np.int64)
    middle = jnp.take(jnp.argsort(x, axis=dim, stable=True), (x.shape[dim] - 1) // 2, dim)
    nan = jnp.isnan(x)
    index = jnp.where(nan.any(dim), jnp.argmax(nan, dim), middle)
    return jnp.expand_dims(index, dim) if keepdims else index


def max(input, dim=None, keepdim=False, *, other=None):
    """``max()`` of all elements, ``max(dim)`` -> (values, indices), or ``max(a, b)``."""
    return _extremum(input, dim, keepdim, other, R["max"], R["max_dim"], jnp.argmax, maximum,
                     "max")


def min(input, dim=None, keepdim=False, *, other=None):
    """``min()`` of all elements, ``min(dim)`` -> (values, indices), or ``min(a, b)``."""
    return _extremum(input, dim, keepdim, other, R["min"], R["min_dim"], jnp.argmin, minimum,
                     "min")


def aminmax(input, *, dim=None, keepdim=False):
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
    return return_types.aminmax(*tape.apply_multi(R["aminmax"], input, dim=dim,
                                                  keepdim=keepdim))


def amax(input, dim=(), keepdim=False):
    """The largest elements along ``dim`` (all of them by default); ties share the gradient."""
    dims = _dims(dim, input.ndim) if dim != () else None
    return apply(R["amax"], input, dim=dims, keepdim=keepdim)


def amin(input, dim=(), keepdim=False):
    """The smallest elements along ``dim`` (all of them by default); ties share the gradient."""
    dims = _dims(dim, input.ndim) if dim != () else None
    return apply(R["amin"], input, dim=dims, keepdim=keepdim)


def argmax(input, dim=None, keepdim=False):
    """The index of the largest element (of the flattened tensor, or along ``dim``)."""
    if dim is None:
        return make_tensor(jnp.argmax(input._value()).astype(np.int64))
    return make_tensor(jnp.argmax(input._value(), tape.wrap_dim(dim, input.ndim),
                            keepdims=keepdim).astype(np.int64))


def argmin(input, dim=None, keepdim=False):
    """The index of the smallest element (of the flattened tensor, or along ``dim``)."""
    if dim is None:
        return make_tensor(jnp.argmin(input._value()).astype(np.int64))
    return make_tensor(jnp.argmin(input._value(), tape.wrap_dim(dim, input.ndim),
                            keepdims=keepdim).astype(np.int64))


def all(input, dim=None, keepdim=False):
    """Whether every element is true (or along ``dim``)."""
    return make_tensor(jnp.all(input._value(), dim, keepdims=keepdim))


def any(input, dim=None, keepdim=False):
    """Whether any element is true (or along ``dim``)."""
    return make_tensor(jnp.any(input._value(), dim, keepdims=keepdim))


def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    """The vector p-norm (2 by default) of all elements or along ``dim``."""
    ord = 2 if p in ("fro", None) else p
    if not input.dtype.is_floating_point:
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor "
                           f"as input. Got {D.c_name(input.dtype)}")
    return apply(R["norm"], input, ord=ord, dim=_dims(dim, input.ndim), keepdim=keepdim)


def dist(input, other, p=2):
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
    return apply(R["dist"], input, other, p=float(p))


def trapezoid(y, x=None, *, dx=None, dim=-1):
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
        return zeros(*(s for d, s in enumerate(y.shape) if d != dim), dtype=y.dtype)
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


def cov(input, *, correction=1, fweights=None, aweights=None):
    """The covariance matrix of the variables in the rows of ``input`` (its columns are the
    observations), weighted by ``fweights`` (integer counts) and ``aweights``: torch's
    composition (the deviations from the weighted mean, their product, a division).

    >>> import autodiff
    >>> autodiff.cov(autodiff.tensor([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]]))
    tensor([[ 1., -1.],
            [-1.,  1.]])
    """
    if input.ndim > 2:
        raise RuntimeError("cov(): expected input to have two or fewer dimensions but got an "
                           f"input with {input.ndim} dimensions")
    if input.dtype is D.bool_:
        raise RuntimeError("cov(): bool dtype is not supported for input")
    observations = input.view(1, -1) if input.ndim < 2 else input
    n = observations.shape[1]
    w = None
    for weights, name, kind, right_kind in (
            (fweights, "fweights", "integral", lambda t: not t.dtype.is_floating_point),
            (aweights, "aweights", "floating point", lambda t: t.dtype.is_floating_point)):
        if weights is None:
            continue
        if weights.ndim > 1:
            raise RuntimeError(f"cov(): expected {name} to have one or fewer dimensions but "
                               f"got {name} with {weights.ndim} dimensions")
        if not right_kind(weights) or weights.dtype is D.bool_:
            raise RuntimeError(f"cov(): expected {name} to have {kind} dtype but got {name} "
                               f"with {weights.dtype._legacy.replace('Tensor', '')} dtype")
        if weights.numel() != n:
            raise RuntimeError(f"cov(): expected {name} to have the same numel as there are "
                               f"observations in the input but got {weights.numel()} != {n}")
        if n and bool((weights.detach() < 0).any()):
            raise RuntimeError(f"cov(): {name} cannot be negative")
        w = weights if w is None else w * weights
    w_sum = tensor(n) if w is None else w.sum()
    if w is not None and not bool(w_sum.detach() != 0):
        raise RuntimeError("cov(): weights sum to zero, can't be normalized")
    avg = sum(observations if w is None else observations * w, 1) / w_sum
    if w is not None and aweights is not None and correction != 0:
        norm_factor = w_sum - _times_scalar((w * aweights).sum(), correction) / w_sum
    else:
        norm_factor = w_sum - correction
    if bool(norm_factor.detach() <= 0):
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less "
                      "than the number of observations.", UserWarning, stacklevel=2)
        norm_factor = norm_factor.zero_()
    deviations = observations - avg.unsqueeze(1)
    product = mm(deviations, (deviations if w is None else deviations * w).t())
    return true_divide(product, norm_factor).squeeze()


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


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """The variance, with Bessel's correction by default (VarBackward0)."""
    return apply(R["var"], input, **_spread_args(input, dim, unbiased, keepdim, correction,
                                                 "std and var"))


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """The standard deviation, with Bessel's correction by default (StdBackward0)."""
    return apply(R["std"], input, **_spread_args(input, dim, unbiased, keepdim, correction,
                                                 "std and var"))


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``(var, mean)`` in one node (VarMeanBackward0), with ``var``'s arguments.

    >>> import autodiff
    >>> x = autodiff.tensor([[1.0, 2.0, 4.0], [0.0, 1.0, 2.0]], requires_grad=True)
    >>> autodiff.var_mean(x, 1)
    (tensor([2.3333, 1.0000], grad_fn=<VarMeanBackward0>), tensor([2.3333, 1.0000], grad_fn=<VarMeanBackward0>))
    """
    return tape.apply_multi(R["var_mean"], input, **_spread_args(
        input, dim, unbiased, keepdim, correction, "var_mean"))


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
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
    return tape.apply_multi(R["std_mean"], input, **_spread_args(
        input, dim, unbiased, keepdim, correction, "std_mean"))


def logsumexp(input, dim, keepdim=False):
    """``log(sum(exp(input)))`` along ``dim``, computed stably (LogsumexpBackward0)."""
    if not input.dtype.is_floating_point:               # integers: in the default float
        input = input.to(D.DEFAULT_FLOAT)
    return apply(R["logsumexp"], input, dim=_dims(dim, input.ndim), keepdim=keepdim)


def softmax(input, dim, dtype=None):
    """``exp(input) / sum(exp(input))`` along ``dim`` (SoftmaxBackward0)."""
    return _softmax("softmax", input, dim, dtype)


def log_softmax(input, dim, dtype=None):
    """``log(softmax(input, dim))``, computed stably (LogSoftmaxBackward0)."""
    return _softmax("log_softmax", input, dim, dtype)


def _softmax(name, input, dim, dtype):
    if dtype is not None:
        input = input.to(dtype)
    dim = tape.wrap_dim(dim, input.ndim)
    if not input.dtype.is_floating_point:       # torch's kernel names, for the last dim or not
        kernel = "lastdim_kernel_impl" if dim >= input.ndim - 1 else "kernel_impl"
        raise _kernel_missing(f"{name}_{kernel}", input.dtype)
    return apply(R[name], input, dim=dim)


def cumsum(input, dim, *, dtype=None):
    """Cumulative sum along ``dim`` (CumsumBackward0); integers and bools add up in int64,
    as in torch."""
    _check_result_dtype(input, dtype)
    if dtype is None and not input.dtype.is_floating_point:
        dtype = D.int64
    return apply(R["cumsum"], input, dim=tape.wrap_dim(dim, input.ndim),
                 **({"dtype": _to_dtype(dtype).np} if dtype is not None else {}))


def cumprod(input, dim, *, dtype=None):
    """Cumulative product along ``dim`` (CumprodBackward0; exact gradients with zeros, as
    torch's); integers and bools multiply up in int64."""
    _check_result_dtype(input, dtype)
    if dtype is None and not input.dtype.is_floating_point:
        dtype = D.int64
    return apply(R["cumprod"], input, dim=tape.wrap_dim(dim, input.ndim),
                 **({"dtype": _to_dtype(dtype).np} if dtype is not None else {}))


def logcumsumexp(input, dim):
    """``log(cumsum(exp(input)))`` along ``dim``, computed stably (LogcumsumexpBackward0)."""
    return apply(R["logcumsumexp"], input, dim=tape.wrap_dim(dim, input.ndim))


def cummax(input, dim):
    """``(values, indices)``: the largest element so far along ``dim`` and where it is
    (the latest of equal ones; NaN, once met, wins) (CummaxBackward0)."""
    return _cumulative_extremum(input, dim, "cummax", jnp.greater_equal)


def cummin(input, dim):
    """``(values, indices)``: the smallest element so far along ``dim`` and where it is
    (CumminBackward0; see ``cummax``)."""
    return _cumulative_extremum(input, dim, "cummin", jnp.less_equal)


def _cumulative_extremum(input, dim, op, better):
    dim = tape.wrap_dim(dim, input.ndim)
    x = jnp.atleast_1d(input._value())

    def latest_best(earlier, later):          # torch's kernel, as an associative scan
        (v1, i1), (v2, i2) = earlier, later
        take = jnp.isnan(v2) | (~jnp.isnan(v1) & better(v2, v1)) if jnp.issubdtype(
            x.dtype, jnp.floating) else better(v2, v1)
        return jnp.where(take, v2, v1), jnp.where(take, i2, i1)
    positions = jnp.broadcast_to(jnp.expand_dims(
        jnp.arange(x.shape[dim], dtype=jnp.int64), tuple(range(1, x.ndim - dim))), x.shape)
    _, indices = jax.lax.associative_scan(latest_best, (x, positions), axis=dim)
    indices = make_tensor(indices.reshape(input.shape))
    values = apply(R[op], input, dim=dim, indices=indices)
    return getattr(return_types, op)(values, indices)


# ---------------------------------------------------------------------------------------
# Matrix products
# ---------------------------------------------------------------------------------------


def _check_same_dtype(a, b, message):
    if a.dtype is not b.dtype:
        raise RuntimeError(message.format(a=D.c_name(a.dtype), b=D.c_name(b.dtype)))


def mm(input, mat2):
    """The product of two matrices (MmBackward0): ``matmul`` once both are known to be
    matrices."""
    if input.dim() != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.dim() != 2:
        raise RuntimeError("mat2 must be a matrix")
    return matmul(input, mat2)


def mv(input, vec):
    """The product of a matrix and a vector (MvBackward0)."""
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input.ndim}, "
                           f"{vec.ndim}")
    if input.shape[1] != vec.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({input.shape[0]}), mat "
                           f"({input.shape[0]}x{input.shape[1]}), vec ({vec.shape[0]})")
    _check_same_dtype(vec, input, "addmv input tensors must have the same dtype, but got "
                      "{a}, {b}, and {a}")
    return apply(R["mv"], input, vec)


def bmm(input, mat2):
    """Batched matrix product of two 3-d tensors (BmmBackward0)."""
    if input.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if input.shape[0] != mat2.shape[0] or input.shape[2] != mat2.shape[1]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: "
            f"[{input.shape[0]}, {input.shape[2]}] but got: [{mat2.shape[0]}, {mat2.shape[1]}].")
    _check_same_dtype(input, mat2, "expected scalar type {a} but found {b}")
    return apply(R["bmm"], input, mat2)


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    """``beta * input + alpha * (mat1 @ mat2)``, ``input`` broadcast to the product's shape
    (AddmmBackward0); ``beta=0`` ignores ``input``, NaNs included.

    >>> import autodiff
    >>> autodiff.addmm(autodiff.ones(2), autodiff.eye(2), autodiff.tensor([[1.0, 2.0], [3.0, 4.0]]))
    tensor([[2., 3.],
            [4., 5.]])
    """
    for name, m in (("mat1", mat1), ("mat2", mat2)):
        if m.ndim != 2:
            raise RuntimeError(f"{name} must be a matrix, got {m.ndim}-D tensor")
    for name, t in (("mat1", mat1), ("self", input)):
        if t.dtype != mat2.dtype:
            raise RuntimeError(f"{name} and mat2 must have the same dtype, but got "
                               f"{D.c_name(t.dtype)} and {D.c_name(mat2.dtype)}")
    if mat1.shape[1] != mat2.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({mat1.shape[0]}x"
                           f"{mat1.shape[1]} and {mat2.shape[0]}x{mat2.shape[1]})")
    _expanded_shape(input, (mat1.shape[0], mat2.shape[1]))
    return apply(R["addmm"], input, mat1, mat2, beta=beta, alpha=alpha)


def addmv(input, mat, vec, *, beta=1, alpha=1):
    """``beta * input + alpha * (mat @ vec)`` (AddmvBackward0)."""
    if not (mat.ndim == 2 and vec.ndim == 1 and input.ndim <= 1):
        raise RuntimeError(f"vector + matrix @ vector expected, got {input.ndim}, {mat.ndim}, "
                           f"{vec.ndim}")
    if mat.shape[1] != vec.shape[0] or input.numel() not in (1, mat.shape[0]):
        raise RuntimeError(f"size mismatch, got input ({input.numel()}), mat ({mat.shape[0]}x"
                           f"{mat.shape[1]}), vec ({vec.shape[0]})")
    return apply(R["addmv"], input, mat, vec, beta=beta, alpha=alpha)


def addr(input, vec1, vec2, *, beta=1, alpha=1):
    """``beta * input + alpha * outer(vec1, vec2)`` (AddrBackward0)."""
    for name, v in (("vec1", vec1), ("vec2", vec2)):
        if v.ndim != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {name}, but got {v.ndim}-D")
    _expanded_shape(input, (vec1.shape[0], vec2.shape[0]))
    return apply(R["addr"], input, vec1, vec2, beta=beta, alpha=alpha)


def _check_batches(batch1, batch2):
    for name, b in (("batch1", batch1), ("batch2", batch2)):
        if b.ndim != 3:
            raise RuntimeError(f"{name} must be a 3D tensor")


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """``beta * input + alpha * bmm(batch1, batch2)`` (BaddbmmBackward0)."""
    _check_batches(batch1, batch2)
    if not input.dtype == batch1.dtype == batch2.dtype:
        raise RuntimeError(f"Input dtypes must be the same, got: input "
                           f"{D.long_name(input.dtype)}, batch1: {D.long_name(batch1.dtype)}, "
                           f"batch2: {D.long_name(batch2.dtype)}")
    (b, n, m), (b2, m2, p) = batch1.shape, batch2.shape
    if (b2, m2) != (b, m):
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{b}, {m}] but got: [{b2}, {m2}].")
    _expanded_shape(input, (b, n, p))
    return apply(R["baddbmm"], input, batch1, batch2, beta=beta, alpha=alpha)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1):
    """``beta * input + alpha * bmm(batch1, batch2).sum(0)`` (AddbmmBackward0)."""
    _check_batches(batch1, batch2)
    (b, n, m), (b2, m2, p) = batch1.shape, batch2.shape
    if b != b2:
        raise RuntimeError(f"batch1 and batch2 must have same number of batches, got {b} and "
                           f"{b2}")
    if m != m2:
        raise RuntimeError(f"Incompatible matrix sizes for bmm ({n}x{m} and {m2}x{p})")
    _expanded_shape(input, (n, p))
    return apply(R["addbmm"], input, batch1, batch2, beta=beta, alpha=alpha)


def dot(input, tensor):
    """The dot product of two 1-d tensors (DotBackward0)."""
    _check_vectors(input, tensor)
    return apply(R["dot"], input, tensor)


def vdot(input, other):
    """The dot product of two 1-d tensors, the first conjugated: for real tensors, ``dot``
    (VdotBackward0)."""
    _check_vectors(input, other)
    return apply(R["vdot"], input, other)


def _check_vectors(input, tensor):
    if input.ndim != 1 or tensor.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {tensor.ndim}D "
                           "tensors")
    if input.shape[0] != tensor.shape[0]:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{input.shape[0]}] and "
                           f"src [{tensor.shape[0]}] to have the same number of elements, but "
                           f"got {input.shape[0]} and {tensor.shape[0]} elements respectively")
    _check_same_dtype(input, tensor, "dot : expected both vectors to have same dtype, but "
                      "found {a} and {b}")


def matmul(input, other):
    """The ``@`` operator, built from dot/mv/mm/bmm as torch builds it (ATen's
    ``_matmul_impl``): a batch is folded into the rows of one ``mm``/``mv`` when torch
    would (``_should_fold``), else both operands are expanded to the common batch,
    flattened to one batch dim, and multiplied by ``bmm``."""
    a, b = len(input._array.aval.shape), len(other._array.aval.shape)
    if a == 2 and b == 2:        # mm, the common case (its forward checks the shapes)
        return apply(R["mm"], input, other)
    if a == 0 or b == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{a}D and {b}D")
    if a == 1 and b == 1:
        return dot(input, other)
    if a == 2 and b == 1:
        return mv(input, other)
    if a == 1 and b == 2:
        out = mm(input.unsqueeze(0), other)
        return apply(R["squeeze_matmul"], out, dim=(0,), self_sym_sizes=out._array.shape)
    if _should_fold(input, other):           # the batch becomes rows of one mm (or mv)
        transpose = b > a
        t1 = other.mT if transpose else input
        t2 = (input.t() if a == 2 else input) if transpose else other
        size = t1.shape[:-1] + ((t2.shape[1],) if t2.ndim == 2 else ())
        folded = t1.reshape(math.prod(t1.shape[:-1]), t1.shape[-1])
        if t2.ndim == 1:
            return _unsafe_view(folded.mv(t2), size)
        out = _unsafe_view(folded.mm(t2), size)
        return contiguous(out.mT) if transpose else out
    n = input.shape[-2] if a > 1 else 1
    m1, m2 = input.shape[-1], other.shape[-2] if b > 1 else other.shape[0]
    p = other.shape[-1] if b > 1 else 1
    batch1, batch2 = input.shape[:-2], other.shape[:-2]
    if a == 3 and b == 3 and batch1[0] != batch2[0]:  # a batch of one: drop it (as torch)
        if batch1[0] == 1 and input.requires_grad:
            return matmul(input.squeeze(0), other)
        if batch2[0] == 1 and other.requires_grad:
            return matmul(input, other.squeeze(0))
    batch = tuple(broadcast_shapes(batch1, batch2))
    total = math.prod(batch)
    x = input.expand(*batch, n, m1).reshape(total, n, m1)
    if b == 1:
        out = bmm(x, other.expand(*batch, m2).reshape(total, m2).unsqueeze(2)).squeeze(-1)
    else:
        out = bmm(x, other.expand(*batch, m2, p).reshape(total, m2, p))
    return _unsafe_view(out, batch + ((n,) if a > 1 else ()) + ((p,) if b > 1 else ()))


def _should_fold(tensor1, tensor2):
    """ATen's ``should_fold``: whether the larger operand's batch can be folded into the
    rows of one matrix (only for 3+ dims against 1 or 2) -- always when the other operand
    requires grad, else only when it costs no copy."""
    t1, small = (tensor1, tensor2) if tensor1.ndim >= tensor2.ndim else (tensor2.mT, tensor1)
    if not (t1.ndim >= 3 and small.ndim <= 2):
        return False
    if small.requires_grad:
        return True
    if tensor1.ndim == 2:
        return False
    if t1.numel() == 0:
        return True
    shape, strides = t1.shape, _strides(t1)
    return builtins.all(strides[i] == strides[i + 1] * shape[i + 1]
                        for i in range(t1.ndim - 2))

def tensordot(a, b, dims=2, out=None):
    """Contract ``a``'s dims ``dims[0]`` with ``b``'s ``dims[1]`` (an int ``n``: ``a``'s
    last n with ``b``'s first n), as torch composes it: permute each so the contracted
    dims meet, reshape to matrices, ``mm``, reshape to the result.

    >>> import autodiff
    >>> a = autodiff.arange(6.0).view(2, 3)
    >>> autodiff.tensordot(a, a, dims=([1], [1]))
    tensor([[ 5., 14.],
            [14., 50.]])
    """
    if not isinstance(dims, (tuple, list, Tensor, int)):
        raise RuntimeError(f"tensordot expects dims to be int or tuple[list[int], list[int]] "
                           f"or list[list[int]] containing two lists, but got dims={dims}")
    if isinstance(dims, Tensor):
        dims = dims.tolist() if dims.numel() > 1 else int(dims.item())
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > builtins.min(a.ndim, b.ndim):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        dims = (range(-dims, 0), range(dims))
    dims_a, dims_b = ([tape.wrap_dim(d, t.ndim) for d in ds] for t, ds in zip((a, b), dims))
    if len(dims_a) != len(dims_b):
        raise RuntimeError("both dimension lists should have same length")
    if a.dtype != b.dtype:
        raise RuntimeError("both inputs should have same dtype")
    csize = 1                                   # how many elements each contraction sums
    for da, db in zip(dims_a, dims_b):
        sa, sb = a.shape[da], b.shape[db]
        if sb == 1:                             # broadcast dims are summed right away
            a = a.sum(da, True)
        elif sa == 1:
            b = b.sum(db, True)
        elif sa != sb:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {sa} "
                               f"in dim {da} and second has size {sb} in dim {db}")
        else:
            csize *= sa
    kept_a = [d for d in range(a.ndim) if d not in dims_a]
    kept_b = [d for d in range(b.ndim) if d not in dims_b]
    size_a, size_b = (math.prod(t.shape[d] for d in kept) for t, kept in ((a, kept_a), (b, kept_b)))
    sizes = [a.shape[d] for d in kept_a] + [b.shape[d] for d in kept_b]
    a, b = a.permute(kept_a + dims_a), b.permute(dims_b + kept_b)
    if size_a != 1 or size_b != 1:
        return mm(a.reshape(size_a, csize), b.reshape(csize, size_b)).reshape(sizes)
    if _is_contiguous(a) and _is_contiguous(b):     # a full contraction: dot, or mul + sum
        return dot(a.flatten(), b.flatten()).reshape(sizes)
    product = a.squeeze() * b.squeeze()
    return (product.sum() if product.dtype.is_floating_point else
            product.sum(dtype=a.dtype)).reshape(sizes)


def inner(input, other):
    """The sum of products over the last dims (``tensordot`` of the last dims, as torch;
    a 0-d operand multiplies).

    >>> import autodiff
    >>> autodiff.inner(autodiff.tensor([1.0, 2.0]), autodiff.tensor([3.0, 4.0]))
    tensor(11.)
    """
    if input.ndim == 0 or other.ndim == 0:
        return input * other
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but "
                           f"got shapes {list(input.shape)} and {list(other.shape)}")
    return tensordot(input, other, ([-1], [-1]))


# einsum's labels: A-Z are subscripts 0-25, a-z 26-51, and an ellipsis is 52
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_ELLIPSIS = len(_LETTERS)


def einsum(*args):
    """Einstein summation, as torch computes it: the operands' dims aligned (diagonals for
    repeated labels, unsqueezed missing ones, permuted), then contracted a pair at a time
    by ``_sumproduct_pair`` (permutes and one ``bmm``) -- left to right for two operands,
    along opt_einsum's path for more (torch asks opt_einsum too) -- and the summed dims
    dropped by a view (or summed, for one operand). Operands come one by one or as a
    list; the sublist form ``einsum(x, [0, 1], y, [1, 2], [0, 2])`` works too.

    >>> import autodiff
    >>> a = autodiff.arange(6.0).view(2, 3)
    >>> autodiff.einsum("ij,ij->i", a, a)
    tensor([ 5., 50.])
    >>> autodiff.einsum("ii", autodiff.eye(3))
    tensor(3.)
    """
    if len(args) < 2:
        raise ValueError("einsum(): must specify the equation string and at least one "
                         "operand, or at least one operand and its subscripts list")
    if isinstance(args[0], Tensor):                     # the sublist form
        def letters(sublist):
            for s in sublist:
                if s is not Ellipsis and not 0 <= s < _ELLIPSIS:
                    raise ValueError("einsum(): subscript in subscript list is not within "
                                     "the valid range [0, 52)")
            return "".join("..." if s is Ellipsis else _LETTERS[s] for s in sublist)
        equation = ",".join(letters(s) for s in args[1::2])
        if len(args) % 2:
            equation += "->" + letters(args[-1])
        operands = args[:-1:2] if len(args) % 2 else args[::2]
    else:
        equation, operands = args[0], args[1:]
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = operands[0]
    path = None
    if len(operands) > 2:
        import opt_einsum        # a dependency of JAX's; torch asks it for the order too
        pairs = opt_einsum.contract_path(equation, *operands, optimize="auto")[0]
        path = [i for pair in pairs for i in pair]
    return _einsum(equation, list(operands), path)


def _einsum_check(condition, message):
    if not condition:
        raise RuntimeError("einsum(): " + message)


def _einsum_subscripts(text, offset, on_comma, what):
    """Read the labels of ``text`` (the operands', or the output's): each letter's
    subscript, ``_ELLIPSIS`` for "...", ``on_comma(n)`` at each "," (operand ``n`` next;
    None: the output, where a comma is no subscript).
    ``offset`` places ``text`` in the equation (errors give the index)."""
    labels, i = [[]], 0
    while i < len(text):
        c = text[i]
        if c == "," and on_comma is not None:
            on_comma(len(labels))
            labels.append([])
        elif c == ".":
            _einsum_check(_ELLIPSIS not in labels[-1], what(len(labels) - 1, "ellipsis"))
            _einsum_check(text[i:i + 3] == "...", what(len(labels) - 1, "dots"))
            labels[-1].append(_ELLIPSIS)
            i += 2
        elif c != " ":
            _einsum_check(c in _LETTERS, f"invalid subscript given at index {offset + i} in "
                          f"the equation string, subscripts must be in [a-zA-Z]")
            labels[-1].append(_LETTERS.index(c))
        i += 1
    return labels


def _operand_dots(i, problem):
    return (f"found '.' for operand {i} for which an ellipsis was already found"
            if problem == "ellipsis" else f"found '.' for operand {i} that is not part of "
            f"any ellipsis")


def _output_dots(i, problem):
    return ("found '.' for output but an ellipsis (...) was already found"
            if problem == "ellipsis" else "found '.' for output that is not part of any "
            "ellipsis (...)")


def _einsum(equation, operands, path):
    """torch's einsum kernel (ATen's Linear.cpp), step by step."""
    _einsum_check(operands, "must provide at least one operand")
    num_ops = len(operands)
    if path is not None:
        _einsum_check(len(path) == (1 if num_ops == 1 else 2 * (num_ops - 1)),
                      f"expected contraction path given in path parameter to have size "
                      f"{1 if num_ops == 1 else 2 * (num_ops - 1)} but got {len(path)}")
    lhs, arrow, rhs = equation.partition("->")

    def next_operand(n):
        _einsum_check(n < num_ops, "fewer operands were provided than specified in the "
                      "equation")
    op_labels = _einsum_subscripts(lhs, 0, next_operand, _operand_dots)
    _einsum_check(len(op_labels) == num_ops, "more operands were provided than specified in "
                  "the equation")

    # how often each label appears, and how many dims the widest ellipsis covers
    label_count = [0] * _ELLIPSIS
    ell_num_dim = 0
    for i, (op, labels) in enumerate(zip(operands, op_labels)):
        nlabels = len(labels) - (_ELLIPSIS in labels)
        for s in labels:
            if s != _ELLIPSIS:
                label_count[s] += 1
        if _ELLIPSIS in labels:
            ell_num_dim = builtins.max(ell_num_dim, op.ndim - nlabels)
            _einsum_check(nlabels <= op.ndim, f"the number of subscripts in the equation "
                          f"({nlabels}) is more than the number of dimensions ({op.ndim}) "
                          f"for operand {i}")
        else:
            _einsum_check(nlabels == op.ndim, f"the number of subscripts in the equation "
                          f"({nlabels}) does not match the number of dimensions ({op.ndim}) "
                          f"for operand {i} and no ellipsis was given")

    # every operand is aligned to the dims: output dims first, then the summed ones
    label_perm_index = [-1] * _ELLIPSIS
    if not arrow:              # implicit output: the ellipsis, then labels seen once
        ell_index, perm_index = 0, ell_num_dim
        for s in range(_ELLIPSIS):
            if label_count[s] == 1:
                label_perm_index[s], perm_index = perm_index, perm_index + 1
    else:
        ell_index, perm_index = None, 0
        for s in _einsum_subscripts(rhs, len(lhs) + 2, None, _output_dots)[0]:
            if s == _ELLIPSIS:
                ell_index, perm_index = perm_index, perm_index + ell_num_dim
                continue
            _einsum_check(label_count[s] > 0 and label_perm_index[s] == -1,
                          f"output subscript {_LETTERS[s]}" + (
                              " appears more than once in the output"
                              if label_perm_index[s] > -1 else
                              " does not appear in the equation for any input operand"))
            label_perm_index[s], perm_index = perm_index, perm_index + 1
    out_num_dim = perm_index
    if ell_index is None:                       # an ellipsis not in the output is summed
        ell_index, perm_index = perm_index, perm_index + ell_num_dim
    for s in range(_ELLIPSIS):
        if label_count[s] > 0 and label_perm_index[s] == -1:
            label_perm_index[s], perm_index = perm_index, perm_index + 1

    # check sizes, take diagonals of repeated labels, unsqueeze missing dims, permute;
    # dim_counts: how many operands have each dim with a size other than 1
    label_size, ell_sizes = [1] * _ELLIPSIS, [1] * ell_num_dim
    dim_counts = [0] * perm_index
    ops = []
    for i, (op, labels) in enumerate(zip(operands, op_labels)):
        permutation = [-1] * perm_index
        dim = 0
        for s in labels:
            if s == _ELLIPSIS:
                covered = op.ndim - (len(labels) - 1)
                for j in range(ell_num_dim - covered, ell_num_dim):
                    if op.shape[dim] != 1:
                        _einsum_check(ell_sizes[j] in (1, op.shape[dim]),
                                      f"dimension {dim} covered by ellipsis in operand {i}has "
                                      f"size {op.shape[dim]} which does not broadcast with "
                                      f"previously seen ellipsis with size {ell_sizes[j]} for "
                                      f"the respective dimension")
                        ell_sizes[j] = op.shape[dim]
                        dim_counts[ell_index + j] += 1
                    permutation[ell_index + j], dim = dim, dim + 1
            elif permutation[label_perm_index[s]] == -1:
                if op.shape[dim] != 1:
                    _einsum_check(label_size[s] in (1, op.shape[dim]),
                                  f"subscript {_LETTERS[s]} has size {op.shape[dim]} for "
                                  f"operand {i} which does not broadcast with previously seen "
                                  f"size {label_size[s]}")
                    label_size[s] = op.shape[dim]
                    dim_counts[label_perm_index[s]] += 1
                permutation[label_perm_index[s]], dim = dim, dim + 1
            else:                               # a repeated label: its diagonal
                prev = permutation[label_perm_index[s]]
                _einsum_check(op.shape[dim] == op.shape[prev],
                              f"subscript {_LETTERS[s]} is repeated for operand {i} but the "
                              f"sizes don't match, {op.shape[dim]} != {op.shape[prev]}")
                op = op.diagonal(0, prev, dim).movedim(-1, prev)
        for k in range(perm_index):
            if permutation[k] == -1:
                op = op.unsqueeze(dim)
                permutation[k], dim = dim, dim + 1
        ops.append(op.permute(permutation))

    # contract a pair at a time: a dim is summed once no other operand has it
    steps = iter(path or ())
    while len(ops) > 1:
        i, j = 0, 1
        if path is not None:
            i, j = sorted((next(steps), next(steps)))
            _einsum_check(i != j and i >= 0 and j < len(ops), f"invalid contraction ({i}, {j})" +
                          (" cannot contract an operand with itself" if i == j else
                           " operand index is out of bounds"))
        a, b = ops[i], ops[j]
        del ops[j], ops[i]
        sum_dims, a_dims, b_dims = [], [], []
        for d in range(out_num_dim, perm_index):
            if a.shape[d] != 1 and b.shape[d] != 1:
                if a.shape[d] != b.shape[d]:
                    raise RuntimeError("non-broadcast dimensions must match")
                dim_counts[d] -= 1
                if dim_counts[d] == 1:
                    sum_dims.append(d)
                    dim_counts[d] = 0
            elif dim_counts[d] == 1:
                if a.shape[d] != 1:
                    a_dims.append(d)
                    dim_counts[d] = 0
                elif b.shape[d] != 1:
                    b_dims.append(d)
                    dim_counts[d] = 0
        if a_dims:
            a = a.sum(a_dims, True)
        if b_dims:
            b = b.sum(b_dims, True)
        ops.insert(len(ops) if path is not None else 0, _sumproduct_pair(a, b, sum_dims))

    result = ops[0]
    if perm_index > out_num_dim:               # drop the summed dims (size 1 by now)
        if num_ops > 1:
            return result.view(result.shape[:out_num_dim])
        return result.sum(list(range(out_num_dim, perm_index)))
    return result


def _sumproduct_pair(left, right, sum_dims):
    """``(left * right).sum(sum_dims, keepdim=True)`` for operands aligned dim by dim, by
    permutes and one ``bmm``: dims in both and the output (lro) are the batch, those only
    in left (lo) the rows, only in right (ro) the columns, summed ones the inner dim."""
    if not sum_dims:
        return left * right
    lro, lo, ro = [], [], []
    sum_size = 1
    for d in range(left.ndim):
        in_left, in_right = left.shape[d] != 1, right.shape[d] != 1
        if d in sum_dims:
            if in_left and in_right:
                if left.shape[d] != right.shape[d]:
                    raise RuntimeError("non-broadcast dimensions must match")
                sum_size *= left.shape[d]
            elif in_left:                       # summed in one operand only: at once
                left = left.sum(d, True)
            elif in_right:
                right = right.sum(d, True)
        elif in_left and in_right:
            if left.shape[d] != right.shape[d]:
                raise RuntimeError("non-broadcast dimensions must match")
            lro.append(d)
        elif in_left:
            lo.append(d)
        else:
            ro.append(d)
    if lo and ro and ro[-1] < lo[0]:    # right's dims come first in the output: swap, so
        left, right, lo, ro = right, left, ro, lo      # that bmm writes them in that order
    lro_size, lo_size = (math.prod(left.shape[d] for d in ds) for ds in (lro, lo))
    ro_size = math.prod(right.shape[d] for d in ro)
    out_size = ([left.shape[d] for d in lro + lo] + [1] * len(sum_dims) +
                [right.shape[d] for d in ro])
    order = lro + lo + sum_dims + ro
    left = left.permute(order).reshape(lro_size, lo_size, sum_size)
    right = right.permute(lro + sum_dims + ro + lo).reshape(lro_size, sum_size, ro_size)
    return bmm(left, right).view(out_size).permute([order.index(d) for d in range(len(order))])


def gather(input, dim, index, *, sparse_grad=False):
    """``out[i][j] = input[i][index[i][j]]`` for ``dim=1`` (GatherBackward0): ``index``
    picks along ``dim``, and has the output's shape."""
    dim = tape.wrap_dim(dim, input.ndim)
    _check_index_tensor(index, "gather", dim, input.shape[dim])
    if index.ndim != input.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as input "
                           "tensor")
    return apply(R["gather"], input, dim=dim, index=index, sparse_grad=sparse_grad)


def scatter_add(input, dim, index, src):
    """``input`` with ``src`` added at the places ``index`` names along ``dim``
    (ScatterAddBackward0; gather's adjoint)."""
    return _scatter("scatter_add", input, dim, index, src)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
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


def broadcast_tensors(*tensors):
    """The tensors expanded to their common shape (each already of that shape: itself).

    >>> import autodiff
    >>> a, b = autodiff.broadcast_tensors(autodiff.ones(2, 1), autodiff.zeros(3))
    >>> a.shape, b.shape
    (autodiff.Size([2, 3]), autodiff.Size([2, 3]))
    """
    shape = broadcast_shapes(*(t.shape for t in tensors))
    return tuple(t if t.shape == shape else t.expand(shape) for t in tensors)


def diagflat(input, offset=0):
    """The flattened ``input`` on the ``offset`` diagonal of a new matrix (DiagEmbedBackward0)."""
    return diag_embed(ravel(input), offset)


def matrix_power(input, n):
    """The matrix (or each of a batch) to the integer power ``n``, as torch: ``n == 0`` the
    identity, ``n < 0`` powers of the inverse, else products of repeated squares (the
    bits of ``n`` from the lowest).

    >>> import autodiff
    >>> autodiff.tensor([[1.0, 1.0], [0.0, 1.0]]).matrix_power(3)
    tensor([[1., 3.],
            [0., 1.]])
    """
    if input.ndim < 2:
        raise RuntimeError("linalg.matrix_power: The input tensor A must have at least 2 "
                           "dimensions.")
    if input.shape[-1] != input.shape[-2]:
        raise RuntimeError(f"linalg.matrix_power: A must be batches of square matrices, but "
                           f"they are {input.shape[-2]} by {input.shape[-1]} matrices")
    if n == 0:
        return clone(input).copy_(eye(input.shape[-1], dtype=input.dtype).expand_as(input))
    if n < 0:
        input, n = inverse(input), -n
    if n == 1:
        return clone(input)
    if n == 2:
        return matmul(input, input)
    if n == 3:
        return matmul(matmul(input, input), input)
    square = result = None
    while n > 0:
        n, bit = divmod(n, 2)
        square = input if square is None else matmul(square, square)
        if bit:
            result = square if result is None else matmul(result, square)
    return result


def take_along_dim(input, indices, dim=None):
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


def index_select(input, dim, index):
    """The slices of ``input`` along ``dim`` that the 1-d ``index`` names
    (IndexSelectBackward0)."""
    dim = tape.wrap_dim(dim, input.ndim)
    if index.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if index.dtype not in (D.int64, D.int32):
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    values = index._value()
    n = input.shape[dim] if input.ndim else 1
    if tape.concrete(values) and values.size and (values.min() < 0 or values.max() >= n):
        raise IndexError("index out of range in self")
    return apply(R["index_select"], input, dim=dim, index=index.reshape(-1),
                 self_sym_sizes=input.shape)


def index_add(input, dim, index, source, *, alpha=1):
    """``input`` with the slices of ``source`` added at the positions ``index`` names
    along ``dim`` (IndexAddBackward0)."""
    dim = tape.wrap_dim(dim, input.ndim)
    if alpha != 1:
        source = source * alpha
    return apply(R["index_add"], input, source, dim=dim, index=index)


def scatter(input, dim, index, src):
    """``input`` with ``src``'s values written at the places ``index`` names along ``dim``
    (ScatterBackward0; ``src`` a tensor or a number)."""
    if not isinstance(src, Tensor):
        src = full(index.shape, src, dtype=input.dtype)
    return _scatter("scatter", input, dim, index, src)


def _scatter(op, input, dim, index, src):
    """scatter and scatter_add: torch's checks (both worded ``scatter()``), then the row."""
    dim = tape.wrap_dim(dim, input.ndim)
    _check_index_tensor(index, "scatter", dim, input.shape[dim])
    if src.dtype != input.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    return apply(R[op], input, src, dim=dim, index=index)


def sort(input, dim=-1, descending=False, stable=False):
    """``(values, indices)`` sorted along ``dim`` (SortBackward0); equal elements keep their
    order, as torch's sort does on the CPU (NaN counts as the largest)."""
    dim = tape.wrap_dim(dim, input.ndim)
    if input.ndim == 0:
        return return_types.sort(input * 1, zeros((), dtype=D.int64))
    order = jnp.argsort(input._value(), axis=dim, stable=True, descending=descending)
    return _sorted_picks(input, "sort", dim, order)


def msort(input):
    """The values of ``sort`` along dim 0."""
    return sort(input, 0).values


def argsort(input, dim=-1, descending=False, stable=False):
    """The indices that sort ``input`` along ``dim`` (see ``sort``)."""
    return sort(input, dim, descending, stable).indices


def topk(input, k, dim=-1, largest=True, sorted=True):
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
    values = apply(R[op], input, dim=dim, indices=indices, self_sym_sizes=input.shape)
    return getattr(return_types, op)(values, indices)


def _check_index_tensor(index, fn, dim, size):
    """An index tensor for gather/scatter: integer, and inside ``size`` along ``dim``."""
    if index.dtype not in (D.int64, D.int32):
        raise RuntimeError(f"{fn}(): Expected dtype int32/int64 for index")
    values = index._value()
    if tape.concrete(values) and values.size and (values.min() < -size or values.max() >= size):
        bad = int(values.max() if values.max() >= size else values.min())
        raise RuntimeError(f"index {bad} is out of bounds for dimension {dim} with size "
                           f"{size}")


def masked_fill(input, mask, value):
    """``value`` where the boolean ``mask`` (broadcast to ``input``) is True
    (MaskedFillBackward0: those places get no gradient; a tensor ``value``, one element,
    gets theirs: MaskedFillBackward1)."""
    if mask.dtype is not D.bool_:
        raise RuntimeError("masked_fill_ only supports boolean masks, but got mask with "
                           f"dtype {D.long_name(mask.dtype)}")
    if isinstance(value, Tensor) and value.ndim:
        raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got "
                           f"tensor with {value.ndim} dimension(s).")
    _broadcast_shapes(mask.shape, input.shape)
    if mask.shape != input.shape:
        mask = mask.expand(*input.shape)
    if isinstance(value, Tensor):
        return apply(R["masked_fill_tensor"], input, value, mask=mask)
    return apply(R["masked_fill"], input, mask=mask, value=value)


def masked_select(input, mask):
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
    return apply(R["masked_select"], input, mask=mask.expand(*shape), shape=shape)


def take(input, index):
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
    return apply(R["take"], input, index=index)


def put(input, index, source, accumulate=False):
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
    return apply(R["put"], input, source, index=index, accumulate=bool(accumulate))


def _check_flat_index(index, numel):
    """take/put's bounds: ``-numel <= i < numel``."""
    values = index._value()
    if tape.concrete(values) and values.size:
        bad = values[(values < -numel) | (values >= numel)]
        if bad.size:
            raise IndexError(f"out of range: tried to access index {int(bad[0])} on a tensor "
                             f"of {numel} elements.")


def index_fill(input, dim, index, value):
    """``input`` with ``value`` written into the slices along ``dim`` that ``index`` names
    (IndexFillBackward0; a 0-d tensor value gets their gradient: IndexFillBackward1).

    >>> import autodiff
    >>> autodiff.zeros(2, 3).index_fill(1, autodiff.tensor([0, 2]), 5.0)
    tensor([[5., 0., 5.],
            [5., 0., 5.]])
    """
    dim = tape.wrap_dim(dim, input.ndim)
    if index.dtype is not D.int64:
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    if index.ndim > 1:
        raise RuntimeError("Index has to be a vector/scalar")
    if isinstance(value, Tensor) and value.ndim:
        raise RuntimeError("index_fill_ only supports a 0-dimensional value tensor, but got "
                           f"tensor with {value.ndim} dimension(s).")
    _check_index_along(index, "", dim, input.shape[dim] if input.ndim else 1, negative=True)
    if isinstance(value, Tensor):
        return apply(R["index_fill_tensor"], input, value, dim=dim, index=index)
    return apply(R["index_fill"], input, dim=dim, index=index, value=value)


def index_copy(input, dim, index, source):
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
    _check_index_along(index, "index_copy_(): ", dim, input.shape[dim], negative=False)
    return apply(R["index_copy"], input, source, dim=dim, index=index)


def _check_index_along(index, prefix, dim, size, negative):
    """Each index inside ``size`` along ``dim`` (from the end too, where ``negative``)."""
    values = index._value()
    if tape.concrete(values) and values.size:
        bad = values[(values < (-size if negative else 0)) | (values >= size)]
        if bad.size:
            raise IndexError(f"{prefix}index {int(bad[0])} is out of bounds for dimension "
                             f"{dim} with size {size}")


def masked_scatter(input, mask, source):
    """``input`` (broadcast with the boolean ``mask``) with ``source``'s first elements,
    in order, written where ``mask`` holds (MaskedScatterBackward0).

    >>> import autodiff
    >>> autodiff.zeros(2, 2).masked_scatter(autodiff.tensor([True, False]),
    ...                                     autodiff.tensor([1.0, 2.0, 3.0]))
    tensor([[1., 0.],
            [2., 0.]])
    """
    _tensor_arg("masked_scatter", "source", 2, source)
    if mask.dtype is not D.bool_:
        raise RuntimeError("masked_scatter_ only supports boolean masks, but got mask with "
                           f"dtype {D.c_name(mask.dtype)}")
    if source.dtype is not input.dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but "
                           f"got{D.c_name(input.dtype)} and {D.c_name(source.dtype)}")
    shape = tuple(_broadcast_shapes(mask.shape, input.shape))
    if mask.shape != shape:
        mask = mask.expand(*shape)
    hits = mask._value()
    if tape.concrete(hits) and int(hits.sum()) > source.numel():
        raise RuntimeError("Number of elements of source < number of ones in mask")
    return apply(R["masked_scatter"], input, source, mask=mask)


def select_scatter(input, src, dim, index):
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
    return apply(R["select_scatter"], input, src, dim=dim, index=index)


def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
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
    return apply(R["slice_scatter"], input, src, dim=dim, start=start, end=end, step=step)


def _check_scatter_slice(src, shape):
    if tuple(src.shape) != tuple(shape):
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size "
                           f"= {list(src.shape)}, slice size = {list(shape)}")


def heaviside(input, values):
    """The step function: 0 where ``input`` is negative, 1 where positive, ``values``
    where it is 0 (torch has no derivative: a NotImplemented node).

    >>> import autodiff
    >>> autodiff.heaviside(autodiff.tensor([-1.5, 0.0, 2.0]), autodiff.tensor([0.5]))
    tensor([0.0000, 0.5000, 1.0000])
    """
    _tensor_arg("heaviside", "values", 2, values)
    if values.dtype is not input.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different "
                           "dtypes.")
    return _binary(R["heaviside"], input, values)


def renorm(input, p, dim, maxnorm):
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
    return apply(R["renorm"], input, p=p, dim=tape.wrap_dim(dim, input.ndim),
                 maxnorm=maxnorm)


def block_diag(*tensors):
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
    rule = R["block_diag"] if builtins.all(t_.dtype is dt for t_ in tensors) else \
        _CastRule(R["block_diag"], dt)
    return apply(rule, *tensors, shapes=tuple(tuple(t_.shape) for t_ in tensors))


def cartesian_prod(*tensors):
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


# ---------------------------------------------------------------------------------------
# Counting and searching: integer (or unrecorded) results, computed beside the tape
# ---------------------------------------------------------------------------------------


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None,
                 sorter=None):
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


def bucketize(input, boundaries, *, out_int32=False, right=False):
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


def bincount(input, weights=None, minlength=0):
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
    return apply(R["bincount"], weights, counted=counted)


def histc(input, bins=100, min=0, max=0):
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


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
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
        out = apply(R["unique"], input, counted=jnp.asarray(values))
    else:
        dim = tape.wrap_dim(dim, input.ndim)
        values, inverse, counts = np.unique(x, return_inverse=True, return_counts=True,
                                            axis=dim)
        out = apply(R["unique_dim"], input, counted=jnp.asarray(values), dim=dim)
        inverse = inverse.reshape(-1)
    extras = [make_tensor(jnp.asarray(a, np.int64)) for a, wanted in
              ((inverse, return_inverse), (counts, return_counts)) if wanted]
    return (out, *extras) if extras else out


def _unfold(input, dimension, size, step):
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
    return apply(R["unfold"], input, dimension=dimension, size=size, step=step,
                 self_sym_sizes=input._array.shape)


def _stride(input, dim=None):
    """``x.stride()``: how far apart in memory consecutive elements of each dim are, as
    torch has them (a view's follow from its base's).

    >>> import autodiff
    >>> x = autodiff.zeros(2, 3)
    >>> x.stride(), x.t().stride(), x.unfold(1, 2, 1).stride()
    ((3, 1), (1, 3), (3, 1, 1))
    """
    strides = tuple(int(s) for s in _strides(input))
    return strides if dim is None else strides[tape.wrap_dim(dim, input.ndim)]


def tril(input, diagonal=0):
    """The lower triangle of the last two dims, above ``diagonal`` zeroed (TrilBackward0)."""
    if input.ndim < 2:
        raise RuntimeError("tril: input tensor must have at least 2 dimensions")
    return apply(R["tril"], input, diagonal=diagonal)


def triu(input, diagonal=0):
    """The upper triangle of the last two dims, below ``diagonal`` zeroed (TriuBackward0)."""
    if input.ndim < 2:
        raise RuntimeError("triu: input tensor must have at least 2 dimensions")
    return apply(R["triu"], input, diagonal=diagonal)


def _repeat(input, *repeats):
    """``x.repeat(*sizes)``: ``x`` tiled ``sizes`` times along each dim (new leading dims
    where there are more sizes than dims; RepeatBackward0)."""
    repeats = _shape_arg(repeats)
    if len(repeats) < input.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than "
                           "number of dimensions of tensor")
    return apply(R["repeat"], input, repeats=tuple(repeats), self_sym_sizes=input.shape)


def outer(input, vec2):
    """The outer product of two vectors: ``input.reshape(-1, 1) * vec2``, as torch computes
    it (MulBackward0)."""
    for name, t in (("self", input), ("vec2", vec2)):
        if t.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t.ndim}-D")
    return input.reshape(input.shape[0], 1) * vec2


ger = outer


# ---------------------------------------------------------------------------------------
# Shapes and views
# ---------------------------------------------------------------------------------------


def _infer_size(size, numel):
    size = list(size)
    if size.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    if -1 in size:
        known = math.prod(s for s in size if s != -1)
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(size)}' is invalid for input of size {numel}")
        size[size.index(-1)] = numel // known
    if math.prod(size) != numel:
        raise RuntimeError(f"shape '{list(size)}' is invalid for input of size {numel}")
    return tuple(size)


def view(input, *size):
    """The same elements under a new shape, sharing storage (ViewBackward0).

    >>> import autodiff
    >>> autodiff.arange(6).view(2, 3)
    tensor([[0, 1, 2],
            [3, 4, 5]])
    """
    if len(size) == 1 and isinstance(size[0], D.dtype):
        raise NotImplementedError("autodiff: view(dtype) is not supported")
    size = _infer_size(_shape_arg(size), input.numel())
    if not _viewable(input, size):
        raise RuntimeError("view size is not compatible with input tensor's size and stride "
                           "(at least one dimension spans across two contiguous subspaces). "
                           "Use .reshape(...) instead.")
    return apply(R["view"], input, size=size, self_sym_sizes=input._array.shape)


def reshape(input, *shape):
    """A view when the elements' layout allows it, a copy otherwise (as torch): of
    elements in order ViewBackward0, of others ReshapeAliasBackward0."""
    size = _infer_size(_shape_arg(shape), input.numel())
    if _viewable(input, size):
        rule = R["view"] if _is_contiguous(input) else R["reshape_alias"]
        return apply(rule, input, size=size, self_sym_sizes=input._array.shape)
    return _unsafe_view(clone(input), size)


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


# How a view's strides follow from its base's (shape, strides), one entry per view row
# with the row's attributes: torch's view functions, on strides
_VIEW_STRIDES = {R[name].forward: rule for name, rule in {
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
_VIEW_STRIDES[R["reshape_alias"].forward] = _VIEW_STRIDES[R["view"].forward]


def _is_contiguous(t):
    if t._view is None:
        return True
    index = np.asarray(t._flat_index()).reshape(-1)
    return index.size == 0 or bool(np.all(np.diff(index) == 1))


def flatten(input, start_dim=0, end_dim=-1):
    """The dims ``start_dim`` to ``end_dim`` merged into one (a view when possible)."""
    if input.ndim == 0:
        return reshape(input, 1)
    s = tape.wrap_dim(start_dim, input.ndim)
    e = tape.wrap_dim(end_dim, input.ndim)
    if s == e:
        return input
    shape = input.shape[:s] + (math.prod(input.shape[s:e + 1]),) + input.shape[e + 1:]
    return reshape(input, shape)


def unflatten(input, dim, sizes):
    """Dim ``dim`` split into ``sizes`` (a view when possible)."""
    d = tape.wrap_dim(dim, input.ndim)
    return reshape(input, input.shape[:d] + tuple(sizes) + input.shape[d + 1:])


def t(input):
    """The transpose of a matrix (TBackward0; a vector is returned as it is)."""
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is "
                           f"{input.ndim}D")
    return apply(R["t"], input)


def transpose(input, dim0, dim1):
    """A view with dims ``dim0`` and ``dim1`` swapped (TransposeBackward0)."""
    n = input.ndim
    return apply(R["transpose"], input, dim0=tape.wrap_dim(dim0, n),
                 dim1=tape.wrap_dim(dim1, n))


swapaxes = swapdims = transpose


class _LinAlgError(RuntimeError):
    """What torch raises for a singular matrix (``torch._C._LinAlgError``)."""


def inverse(input):
    """The inverse of a square matrix, or of each in a batch (LinalgInvExBackward0); a
    singular one is an error, as in torch."""
    _check_float_matrices(input, "linalg.inv")
    values = input._value()
    if tape.concrete(values) and values.size:
        u_diagonal = np.diagonal(np.asarray(jax.lax.linalg.lu(values)[0]), 0, -2, -1)
        singular = np.argwhere(u_diagonal.reshape(-1, u_diagonal.shape[-1]) == 0)
        if singular.size:
            batch, element = singular[0]
            where = f"(Batch element {batch}): " if input.ndim > 2 else ""
            raise _LinAlgError(f"linalg.inv: {where}The diagonal element {element + 1} is "
                               "zero, the inversion could not be completed because the input "
                               "matrix is singular.")
    return apply(R["inverse"], input)


def det(input):
    """The determinant of a square matrix, or of each in a batch (LinalgDetBackward0; the
    gradient assumes an invertible matrix)."""
    _check_square_matrices(input, "linalg.det")
    return apply(R["det"], input)


def slogdet(input):
    """``(sign, logabsdet)``: the sign of the determinant and the log of its absolute value,
    of a square matrix or of each in a batch, in one node (LinalgSlogdetBackward0); only
    ``logabsdet`` has a gradient.

    >>> import autodiff
    >>> a = autodiff.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> autodiff.slogdet(a)
    autodiff.return_types.slogdet(
    sign=tensor(-1., grad_fn=<LinalgSlogdetBackward0>),
    logabsdet=tensor(0.6931, grad_fn=<LinalgSlogdetBackward0>))
    """
    return return_types.slogdet(*_slogdet(input, "linalg.slogdet"))


def _slogdet(input, fn):
    _check_float_matrices(input, fn)
    return tape.apply_multi(R["slogdet"], input)


def logdet(input):
    """The log of the determinant: nan where it is negative (torch's composition:
    WhereBackward0 over LinalgSlogdetBackward0's ``logabsdet``).

    >>> import autodiff
    >>> a = autodiff.tensor([[2.0, 1.0], [1.0, 3.0]], requires_grad=True)
    >>> autodiff.logdet(a)
    tensor(1.6094, grad_fn=<WhereBackward0>)
    """
    sign, logabsdet = _slogdet(input, "logdet")
    return apply(R["where"], math.nan, logabsdet, condition=sign == -1)


def _check_float_matrices(input, fn):
    _check_square_matrices(input, fn)
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"{fn}: Expected a floating point or complex tensor as input. "
                           f"Got {D.c_name(input.dtype)}")


def _check_square_matrices(input, fn):
    if input.ndim < 2:
        raise RuntimeError(f"{fn}: The input tensor A must have at least 2 dimensions.")
    if input.shape[-1] != input.shape[-2]:
        raise RuntimeError(f"{fn}: A must be batches of square matrices, but they are "
                           f"{input.shape[-2]} by {input.shape[-1]} matrices")


def diagonal(input, offset=0, dim1=0, dim2=1):
    """A view of the ``offset`` diagonal of dims ``dim1`` and ``dim2``, as the last dim
    (DiagonalBackward0)."""
    dim1, dim2 = tape.wrap_dim(dim1, input.ndim), tape.wrap_dim(dim2, input.ndim)
    if dim1 == dim2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return apply(R["diagonal"], input, offset=offset, dim1=dim1, dim2=dim2,
                 self_sym_sizes=input.shape)


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """The last dim of ``input`` placed on the ``offset`` diagonal of two new dims
    (DiagEmbedBackward0)."""
    n = input.ndim + 1
    return apply(R["diag_embed"], input, offset=offset, dim1=tape.wrap_dim(dim1, n),
                 dim2=tape.wrap_dim(dim2, n))


def diag(input, diagonal=0):
    """A vector on the ``diagonal`` of a new matrix, or a copy of a matrix's diagonal."""
    if input.ndim == 1:
        return diag_embed(input, diagonal, 0, 1)
    if input.ndim != 2:
        raise RuntimeError("diag(): Supports 1D or 2D tensors. Got " f"{input.ndim}D")
    return apply(R["diagonal_copy"], input, offset=diagonal, dim1=0, dim2=1,
                 self_sym_sizes=input.shape)


def trace(input):
    """The sum of a matrix's diagonal (TraceBackward0)."""
    if input.ndim != 2:
        raise RuntimeError("trace: expected a matrix, but got tensor with dim "
                           f"{input.ndim}")
    return apply(R["trace"], input, self_sym_sizes=input.shape)


def permute(input, *dims):
    """A view with the dims reordered (PermuteBackward0)."""
    dims = tuple(tape.wrap_dim(d, input.ndim) for d in _shape_arg(dims))
    if len(dims) != input.ndim:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input "
                           f"does not match the length of the desired ordering of dimensions "
                           f"i.e. input.dim() = {input.ndim} is not equal to len(dims) = "
                           f"{len(dims)}")
    return apply(R["permute"], input, dims=dims)


def flip(input, *dims):
    """The elements in reverse order along each of ``dims`` (a copy, as in torch); the
    dims as a tuple, or one by one."""
    dims = tuple(dims[0]) if len(dims) == 1 and not isinstance(dims[0], int) else dims
    return apply(R["flip"], input, dims=_dims(dims, input.ndim))


def rot90(input, k=1, dims=(0, 1)):
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
    return apply(R["rot90"], input, k=k, dims=wrapped)


def fliplr(input):
    """``flip`` of dim 1: columns in reverse order."""
    if input.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, 1)


def flipud(input):
    """``flip`` of dim 0: rows in reverse order."""
    if input.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, 0)


def movedim(input, source, destination):
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
        return apply(R["alias"], input)
    order = [-1] * n
    for s, d in zip(src, dst):
        order[d] = s
    rest = iter(d for d in range(n) if d not in src)
    order = [next(rest) if d == -1 else d for d in order]
    return permute(input, order)


def squeeze(input, dim=None):
    """A view without size-1 dims (all of them, or ``dim``)."""
    if dim is None:
        return apply(R["squeeze"], input, self_sym_sizes=input._array.shape)
    if isinstance(dim, (tuple, list)):
        return apply(R["squeeze_dims"], input, dim=_dims(tuple(dim), input.ndim),
                     self_sym_sizes=input._array.shape)
    return apply(R["squeeze_dim"], input, dim=tape.wrap_dim(dim, input.ndim),
                 self_sym_sizes=input._array.shape)


def unsqueeze(input, dim):
    """A view with a size-1 dim inserted at ``dim`` (UnsqueezeBackward0)."""
    return apply(R["unsqueeze"], input, dim=tape.wrap_dim(dim, input.ndim + 1))


def expand(input, *sizes):
    """A view repeating size-1 dims to ``sizes`` without copying (ExpandBackward0)."""
    shape = _expanded_shape(input, _shape_arg(sizes))
    return apply(R["expand"], input, size=shape, self_sym_sizes=input._array.shape)


def _expanded_shape(input, sizes):
    """The shape ``input`` expands to (-1: its own size), or torch's error."""
    lead = len(sizes) - input.ndim
    if lead < 0:
        raise RuntimeError(
            f"expand({input._type_name()}"
            f"{{{list(input.shape)}}}, size={list(sizes)}): the number of sizes provided "
            f"({len(sizes)}) must be greater or equal to the number of dimensions in the "
            f"tensor ({input.ndim})")
    shape = []
    for i, s in enumerate(sizes):
        own = input.shape[i - lead] if i >= lead else 1
        if s == -1:
            s = own
        elif own != 1 and own != s:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({own}) "
                f"at non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor "
                f"sizes: {list(input.shape)}")
        shape.append(s)
    return tuple(shape)


def expand_as(input, other):
    """``input.expand(other.shape)``."""
    return expand(input, other.shape)


def broadcast_to(input, size):
    """``input`` expanded to ``size`` (a view; ExpandBackward0)."""
    return expand(input, size)


def narrow(input, dim, start, length):
    """The view of ``length`` elements from ``start`` along ``dim`` (SliceBackward0)."""
    d = tape.wrap_dim(dim, input.ndim)
    return apply(R["slice"], input, dim=d, start=start, end=start + length, step=1,
                 self_sym_sizes=input._array.shape)


def select(input, dim, index):
    """The view at ``index`` along ``dim``, that dim removed (SelectBackward0)."""
    d = tape.wrap_dim(dim, input.ndim)
    size = input.shape[d]
    if not -size <= index < size:
        raise IndexError(f"index {index} is out of bounds for dimension {d} with size {size}")
    return apply(R["select"], input, dim=d, index=index % size, self_sym_sizes=input._array.shape)


def as_strided(input, size, stride, storage_offset=0):
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
    return apply(R["as_strided"], input, view=tape.IndexView(jnp.asarray(index)),
                 self_sym_sizes=input._array.shape)


def unbind(input, dim=0):
    """The views along ``dim``, one per index: outputs of one UnbindBackward0 (writing
    into one in place is an error, as in torch)."""
    d = tape.wrap_dim(dim, input.ndim)
    shape = input._array.shape
    return tape.apply_views(R["unbind"], input, [
        (R["select"], dict(dim=d, index=i, self_sym_sizes=shape)) for i in range(shape[d])],
        dim=d)


def split(input, split_size_or_sections, dim=0):
    """Views of ``split_size_or_sections`` elements each along ``dim`` (a list: those
    sizes), outputs of one SplitBackward0 (SplitWithSizesBackward0)."""
    d = tape.wrap_dim(dim, input.ndim)
    shape = input._array.shape
    if isinstance(split_size_or_sections, int):
        if split_size_or_sections < 0:
            raise RuntimeError(f"split expects split_size be non-negative, but got split_size="
                               f"{split_size_or_sections}")
        rule, attrs = R["split"], dict(split_size=split_size_or_sections)
        sizes = _split_sizes(split_size_or_sections, shape[d])
    else:
        sizes = list(split_size_or_sections)
        if builtins.sum(sizes) != shape[d]:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to "
                               f"{shape[d]} (input tensor's size at dimension {d}), but got "
                               f"split_sizes={sizes}")
        rule, attrs = R["split_with_sizes"], dict(split_sizes=tuple(sizes))
    starts = np.cumsum([0] + sizes[:-1]).tolist()
    return tape.apply_views(rule, input, [
        (R["slice"], dict(dim=d, start=s, end=s + k, step=1, self_sym_sizes=shape))
        for s, k in zip(starts, sizes)], dim=d, self_sym_sizes=shape, **attrs)


def tensor_split(input, indices_or_sections, dim=0):
    """Views along ``dim``: ``n`` sections of sizes differing by at most one (the first
    ones larger), or the pieces between the given indices (SliceBackward0 each).

    >>> import autodiff
    >>> [t.tolist() for t in autodiff.arange(5).tensor_split(2)]
    [[0, 1, 2], [3, 4]]
    """
    d = tape.wrap_dim(dim, input.ndim)
    n = input.shape[d]
    if isinstance(indices_or_sections, Tensor):
        indices_or_sections = (indices_or_sections.tolist() if indices_or_sections.ndim
                               else indices_or_sections.item())
    if isinstance(indices_or_sections, int):
        sections = indices_or_sections
        if sections <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {sections}")
        size, extra = divmod(n, sections)
        bounds = np.cumsum([0] + [size + (k < extra) for k in range(sections)]).tolist()
    else:
        bounds = [0, *indices_or_sections, n]
    return tuple(apply(R["slice"], input, dim=d, start=builtins.min(start, n),
                       end=builtins.min(builtins.max(start, end), n), step=1,
                       self_sym_sizes=input._array.shape)
                 for start, end in zip(bounds, bounds[1:]))


def _split_along(name, dim, least):
    def split_(input, indices_or_sections):
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
vsplit = _split_along("vsplit", 0, 2)
dsplit = _split_along("dsplit", 2, 3)


def ravel(input):
    """The elements as one dim: a view when in order, else of a contiguous copy.

    >>> import autodiff
    >>> autodiff.arange(4).view(2, 2).t().ravel()
    tensor([0, 2, 1, 3])
    """
    return contiguous(input).view(-1)


def chunk(input, chunks, dim=0):
    """``input`` split into ``chunks`` views of (nearly) equal size along ``dim``."""
    n = input.shape[tape.wrap_dim(dim, input.ndim)]
    return split(input, -(-n // chunks), dim)


def cat(tensors, dim=0):
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
    rule = R["cat"] if builtins.all(t_.dtype is dt for t_ in tensors) else _CastRule(R["cat"], dt)
    return apply(rule, *tensors, dim=d, sizes=tuple(t_.shape[d] for t_ in tensors))


concat = concatenate = cat


def hstack(tensors):
    """Tensors side by side: ``cat`` along dim 1 (dim 0 for vectors)."""
    tensors = [atleast_1d(t) for t in tensors]
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors):
    """Tensors one above the other: ``cat`` along dim 0 (vectors become rows)."""
    return cat([atleast_2d(t) for t in tensors], 0)


def atleast_1d(input):
    """``input``, with one dim if it had none."""
    return input.reshape(1) if input.ndim == 0 else input


def atleast_2d(input):
    """``input``, with a leading dim if it had fewer than two."""
    return atleast_1d(input).unsqueeze(0) if input.ndim < 2 else input


def column_stack(tensors):
    """Tensors as columns side by side (vectors and scalars become columns): ``cat`` along
    dim 1."""
    if not tensors:
        raise RuntimeError("column_stack expects a non-empty TensorList")
    return cat([t.view(t.numel(), 1) if t.ndim <= 1 else t for t in tensors], 1)


def dstack(tensors):
    """Tensors stacked along a third dim (fewer dims padded as ``atleast_3d``)."""
    if not tensors:
        raise RuntimeError("dstack expects a non-empty TensorList")
    return cat([atleast_3d(t) for t in tensors], 2)


def atleast_3d(input):
    """``input`` with at least three dims: a vector becomes ``(1, n, 1)``, a matrix
    ``(m, n, 1)``."""
    if input.ndim == 0:
        return input.reshape(1, 1, 1)
    if input.ndim == 1:
        return input.unsqueeze(0).unsqueeze(-1)
    return input.unsqueeze(-1) if input.ndim == 2 else input


def tile(input, dims):
    """``input`` repeated ``dims`` times along each dim (``repeat``, with 1s in front for
    the dims ``dims`` leaves out)."""
    dims = tuple(dims)
    return _repeat(input, *((1,) * (input.ndim - len(dims)) + dims))


def roll(input, shifts, dims=None):
    """Elements shifted by ``shifts`` along ``dims`` (the flattened tensor without dims),
    those past the end coming back at the start (RollBackward0)."""
    shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
    dims = () if dims is None else (dims,) if isinstance(dims, int) else tuple(dims)
    if dims and len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:"
                           f"{len(dims)}")
    dims = tuple(tape.wrap_dim(d, input.ndim) for d in dims)
    return apply(R["roll"], input, shifts=shifts, dims=dims)


def stack(tensors, dim=0):
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
    return apply(R["stack"], *tensors, dim=d)


# ---------------------------------------------------------------------------------------
# Indexing: basic indices make views (select / slice / unsqueeze), advanced ones gather
# ---------------------------------------------------------------------------------------


def _normalize_key(key):
    if not isinstance(key, tuple):
        key = (key,)
    out = []
    for k in key:
        if isinstance(k, Tensor):
            k = k._value()
            if k.ndim == 0 and k.dtype != bool:
                k = int(k)
        elif isinstance(k, list):
            k = jnp.asarray(k)
        out.append(k)
    return out


def _getitem(self, key):
    """``x[key]``: ints, slices, None and ``...`` give views; masks and index tensors copy."""
    single_slice = isinstance(key, slice)
    parts = _normalize_key(key)
    if builtins.any(p is Ellipsis for p in parts):
        i = next(i for i, p in enumerate(parts) if p is Ellipsis)
        used = builtins.sum(0 if p is None else (p.ndim if hasattr(p, "dtype") and p.dtype == bool
                                                 else 1) for p in parts if p is not Ellipsis)
        parts[i:i + 1] = [slice(None)] * (self.ndim - used)
    out, dim, advanced = self, 0, []
    for p in parts:
        if p is None:
            out = unsqueeze(out, dim)
            advanced.append(slice(None))
            dim += 1
        elif isinstance(p, (int, np.integer)):
            _check_index(out, dim, int(p))
            out = select(out, dim, int(p))
        elif isinstance(p, slice):
            n = out.shape[dim]
            start, stop, step = p.indices(n)
            if step <= 0:
                raise ValueError("step must be greater than zero")
            if (start, stop, step) != (0, n, 1) or single_slice:
                out = apply(R["slice"], out, dim=dim, start=start, end=builtins.max(stop, start),
                            step=step, self_sym_sizes=out._array.shape)
            advanced.append(slice(None))
            dim += 1
        else:
            if p.dtype == bool:
                _check_mask(out, dim, p)
            advanced.append(p)
            dim += p.ndim if p.dtype == bool else 1
    if builtins.any(not isinstance(a, slice) for a in advanced):
        key = tuple(advanced)
        return apply(R["index"], out, key=key, self_sym_sizes=out._array.shape)
    if out is self:
        return apply(R["alias"], self)
    return out


def _check_index(t, dim, i):
    if dim >= t.ndim:
        raise IndexError(f"too many indices for tensor of dimension {t.ndim}")
    n = t.shape[dim]
    if not -n <= i < n:
        raise IndexError(f"index {i} is out of bounds for dimension {dim} with size {n}")


def _check_mask(t, dim, mask):
    for k, s in enumerate(mask.shape):
        if t.shape[dim + k] != s:
            raise IndexError(f"The shape of the mask [{', '.join(map(str, mask.shape))}] at "
                             f"index {k} does not match the shape of the indexed tensor "
                             f"[{', '.join(map(str, t.shape))}] at index {dim + k}")


# ---------------------------------------------------------------------------------------
# Copies and conversions
# ---------------------------------------------------------------------------------------


def clone(input, memory_format=None):
    """A copy with its own storage, on the graph (CloneBackward0)."""
    return apply(R["clone"], input)


def contiguous(input, memory_format=None):
    """``input`` itself when its elements are in order in memory, else a copy."""
    return input if _is_contiguous(input) else clone(input)


def to(input, *args, dtype=None, device=None, non_blocking=False, copy=False):
    """``to(dtype)``, ``to(device)``, ``to(other)`` or ``to(device, dtype)``."""
    for a in args:
        if isinstance(a, D.dtype):
            dtype = a
        elif isinstance(a, Tensor):
            dtype, device = a.dtype, a.device
        else:
            device = a
    out = input
    if dtype is not None and _to_dtype(dtype) is not input.dtype:
        dtype = _to_dtype(dtype)
        out = (apply(R["to"], input, dtype=dtype) if dtype.is_floating_point else
               make_tensor(input._value().astype(dtype.np)))    # integers: no gradient, no history
    if device is not None and D.device(device) != input.device:
        dev = D.device(device).jax_device()
        moved = make_tensor(jax.device_put(out._value(), dev), out._requires_grad, out.grad_fn)
        out = moved
    if copy and out is input:
        out = clone(input)
    return out


def type_as(input, other):
    """``input`` cast to the dtype of ``other``."""
    return to(input, other.dtype)


def _type(input, dtype=None, non_blocking=False):
    """``x.type()``: torch's legacy type name, ``autodiff.FloatTensor``; ``x.type(dtype)``
    (a dtype, or such a name): ``x`` converted, as ``x.to(dtype)``."""
    if dtype is None:
        return input._type_name()
    if isinstance(dtype, str):
        *prefix, name = dtype.split(".")
        match = [d for d in D.ALL if d._legacy == name]
        if not match or prefix[:1] not in (["autodiff"], ["torch"]) or prefix[1:] not in (
                [], ["cuda"]):              # torch's names work too: x.type("torch.LongTensor")
            raise ValueError(f"invalid type: '{dtype}'")
        return to(input, match[0], device="cuda" if "cuda" in prefix else input.device)
    return to(input, dtype)


def _converter(dt):
    def convert(self, memory_format=None):
        return to(self, dt)
    convert.__name__ = dt.name
    convert.__doc__ = f"``self.to(autodiff.{dt.name})``"
    return convert


def copy_(self, src, non_blocking=False):
    """Copy ``src`` (broadcast, cast) into ``self`` in place."""
    if not isinstance(src, Tensor):
        src = tensor(src)
    _broadcast_shapes(self.shape, src.shape)
    if src.ndim > self.ndim or builtins.any(
            s != 1 and s != o for s, o in zip(reversed(src.shape), reversed(self.shape))):
        raise RuntimeError(f"output with shape {list(self.shape)} doesn't match the "
                           f"broadcast shape {list(broadcast_shapes(self.shape, src.shape))}")
    return tape.inplace(self, lambda old: apply(R["copy_"], old, src), src_for_view=src)


def zero_(self):
    """Set every element of ``self`` to zero, in place."""
    return tape.inplace(self, lambda old: apply(R["zero_"], old), fills=True)


def fill_(self, value):
    """Set every element of ``self`` to ``value``, in place."""
    return tape.inplace(self, lambda old: apply(R["fill_"], old, value=value), fills=True)


def uniform_(self, from_=0.0, to=1.0, *, generator=None):
    """Fill ``self`` in place with draws from the uniform distribution on [from, to)
    (UniformBackward0 when recorded; NumPy's generator, so torch's numbers differ)."""
    return _random_fill_(self, "uniform_", lambda rng, shape: rng.uniform(from_, to, shape),
                         generator)


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fill ``self`` in place with draws from N(mean, std^2) (NormalBackward0)."""
    return _random_fill_(self, "normal_", lambda rng, shape: rng.normal(mean, std, shape),
                         generator)


def bernoulli_(self, p=0.5, *, generator=None):
    """Fill ``self`` in place with 1 where a draw falls below ``p`` (a number, or a tensor
    of probabilities broadcast to ``self``), else 0 (BernoulliBackward2 / 1)."""
    if isinstance(p, Tensor):
        probs = np.broadcast_to(np.asarray(p._value()), tuple(self.shape))
        return _random_fill_(self, "bernoulli_tensor_", lambda rng, shape: rng.random(shape)
                             < probs, generator, p)
    return _random_fill_(self, "bernoulli_float_", lambda rng, shape: rng.random(shape) < p,
                         generator)


def exponential_(self, lambd=1.0, *, generator=None):
    """Fill ``self`` in place with draws from the exponential distribution of rate
    ``lambd`` (ExponentialBackward0)."""
    return _random_fill_(self, "exponential_", lambda rng, shape: rng.exponential(
        1 / lambd, shape), generator)


def geometric_(self, p, *, generator=None):
    """Fill ``self`` in place with the number of trials until a success of probability
    ``p`` (GeometricBackward0)."""
    return _random_fill_(self, "geometric_", lambda rng, shape: rng.geometric(p, shape),
                         generator)


def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    """Fill ``self`` in place with ``exp`` of draws from N(mean, std^2) (LogNormalBackward0)."""
    return _random_fill_(self, "log_normal_", lambda rng, shape: rng.lognormal(
        mean, std, shape), generator)


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    """Fill ``self`` in place with draws from the Cauchy distribution (CauchyBackward0)."""
    return _random_fill_(self, "cauchy_", lambda rng, shape: median + sigma *
                         rng.standard_cauchy(shape), generator)


def random_(self, *bounds, to=None, generator=None):
    """Fill ``self`` in place with random integers: in ``[from, to)`` (two bounds:
    RandomBackward0), ``[0, to)`` (one: RandomBackward1), or, without bounds, ``[0,
    2**mantissa]`` for floats, the dtype's range for integers (RandomBackward2)."""
    if to is not None:
        bounds = (*bounds, to)
    if len(bounds) == 2:
        op, (low, high) = "random_from_", bounds
    elif len(bounds) == 1:
        op, low, high = "random_to_", 0, bounds[0]
    else:
        info = np.finfo(self.dtype.np) if self.dtype.is_floating_point else None
        op, low = "random_", 0
        high = (2 ** (info.nmant + 1) + 1 if info is not None else
                int(np.iinfo(self.dtype.np).max) if self.dtype != D.bool_ else 2)
    return _random_fill_(self, op, lambda rng, shape: rng.integers(low, high, shape),
                         generator)


def _random_fill_(self, op, draw, generator, *inputs):
    draws = jnp.asarray(draw((generator or default_generator)._rng, tuple(self.shape)),
                        self.dtype.np)
    return tape.inplace(self, lambda old: apply(R[op], old, *inputs, draws=draws), fills=True)


def bernoulli(input, p=None, *, generator=None):
    """1 with probability ``input`` (or ``p``), else 0, elementwise (BernoulliBackward0:
    zero gradients; with ``p``, torch has no derivative).

    >>> import autodiff
    >>> autodiff.bernoulli(autodiff.tensor([0.0, 1.0]))
    tensor([0., 1.])
    """
    rng = (generator or default_generator)._rng
    probs = np.asarray(input._value()) if p is None else p
    draws = jnp.asarray(rng.random(tuple(input.shape)) < probs, input.dtype.np)
    return apply(R["bernoulli" if p is None else "bernoulli_p"], input, draws=draws)


def poisson(input, generator=None):
    """A draw from the Poisson distribution of each rate in ``input`` (PoissonBackward0:
    zero gradients)."""
    rng = (generator or default_generator)._rng
    draws = jnp.asarray(rng.poisson(np.asarray(input._value())), input.dtype.np)
    return apply(R["poisson"], input, draws=draws)


def normal(mean, std=1.0, size=None, *, generator=None, dtype=None, device=None,
           requires_grad=False):
    """Draws from N(mean, std^2): ``mean`` and ``std`` numbers (then ``size`` is the shape)
    or tensors, broadcast (NormalBackward1/2/3: zero gradients for them, as torch)."""
    rng = (generator or default_generator)._rng
    tensors = [t for t in (mean, std) if isinstance(t, Tensor)]
    if not isinstance(std, Tensor) and std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    if not tensors:
        return _random(lambda rng_, shape: rng_.normal(mean, std, shape), size, dtype, device,
                       requires_grad, generator)
    shape = broadcast_shapes(*(t.shape for t in tensors))
    values = [np.asarray(t._value()) if isinstance(t, Tensor) else t for t in (mean, std)]
    draws = jnp.asarray(rng.normal(*values, tuple(shape)), tensors[0].dtype.np)
    if isinstance(mean, Tensor) and isinstance(std, Tensor):
        return apply(R["normal_tensor_tensor"], mean, std, draws=draws,
                     mean_sym_sizes=mean._array.shape, std_sym_sizes=std._array.shape)
    if isinstance(mean, Tensor):
        return apply(R["normal_tensor_float"], mean, draws=draws,
                     mean_sym_sizes=mean._array.shape)
    return apply(R["normal_float_tensor"], std, draws=draws, std_sym_sizes=std._array.shape)


def multinomial(input, num_samples, replacement=False, *, generator=None):
    """``num_samples`` indices drawn for each row of weights in ``input`` (1-d or 2-d),
    with or without replacement (int64; not recorded).

    >>> import autodiff
    >>> autodiff.multinomial(autodiff.tensor([0.0, 0.0, 1.0]), 2, replacement=True)
    tensor([2, 2])
    """
    if input.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    n = input.shape[-1]
    if not replacement and num_samples > n:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                           "replacement")
    rng = (generator or default_generator)._rng
    weights = np.asarray(input._value(), np.float64).reshape(-1, n)
    rows = [rng.choice(n, num_samples, replace=replacement, p=w / w.sum()) for w in weights]
    return make_tensor(jnp.asarray(np.stack(rows).reshape(*input.shape[:-1], num_samples), jnp.int64))


def randint_like(input, low=0, high=None, *, dtype=None, device=None, requires_grad=False):
    """``randint`` with the shape (and dtype) of ``input``: one bound is ``high``."""
    if high is None:
        low, high = 0, low
    return randint(low, high, tuple(input.shape), dtype=dtype or input.dtype)


def index_put_(self, indices, values, accumulate=False):
    """``self[indices] = values`` (or ``+=`` with ``accumulate``), in place."""
    key = tuple(i._value() if isinstance(i, Tensor) else i for i in indices)
    return tape.inplace(self, lambda old: apply(R["index_put"], old, values, key=key,
                                            accumulate=accumulate))


def _setitem(self, key, value):
    """``x[key] = value``: a copy into the view ``x[key]`` (CopySlices on ``x``), or an
    ``index_put_`` when the key has index tensors or masks."""
    if not isinstance(value, Tensor):
        value = make_tensor(jnp.asarray(value, self._array.dtype))
    parts = _normalize_key(key)
    if builtins.any(hasattr(p, "dtype") for p in parts):   # index arrays: no view to write
        return index_put_(self, tuple(parts), value)
    target = _getitem(self, key)
    tape.check_inplace(target)
    copy_(target, value)


# ---------------------------------------------------------------------------------------
# Tensor methods and operators
# ---------------------------------------------------------------------------------------

multiply, subtract, divide, moveaxis = mul, sub, div, movedim

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
Tensor.arctan2 = arctan2 = atan2
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


# ``from .ops import *`` in the package gives torch's namespace: the functions and types
# defined here, not the modules this file imports (there is no ``torch.jax``).
__all__ = [name for name, value in list(globals().items())
           if not name.startswith("_") and getattr(value, "__module__", None) == __name__]
