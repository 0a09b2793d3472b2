"""Creating tensors: from data (``tensor``, ``as_tensor``, ``from_numpy``), filled
(``zeros``, ``ones``, ``full``, ``empty`` and their ``*_like``), and ranges (``arange``,
``linspace``, ``eye``). Leaves, never recorded."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Callable, Optional, Union

import builtins
import itertools
import warnings

import jax.numpy as jnp
import numpy as np

from .. import dtypes as D, tape
from ..dtypes import DeviceLike, Number
from ..tape import RULES, Storage, Tensor, apply, make_tensor
from ._common import (_kernel_missing, _place, _scalar_arg, _to_dtype, _type_name, exported,
                      size_keyword, sizes_given)


def _check_requires_grad(dt, requires_grad):
    if requires_grad and not dt.is_floating_point:
        raise RuntimeError(
            "Only Tensors of floating point and complex dtype can require gradients")


def _infer(data, dt):
    """A NumPy array from Python data, of torch's dtype for it (``dt`` if given)."""
    if isinstance(data, Tensor):
        arr = np.asarray(data._value())
        return arr if dt is None else arr.astype(dt.np)
    if isinstance(data, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    first = data
    while isinstance(first, (list, tuple)) and first:     # torch reads the sizes first
        first = first[0]
    if isinstance(first, str) and first is not data:
        raise ValueError("too many dimensions 'str'")
    dt = _data_dtype(data, dt)
    if isinstance(data, (list, tuple)) and builtins.any(isinstance(x, Tensor) for x in data):
        return np.stack([_infer(x, dt) for x in data])
    try:
        with np.errstate(over="ignore"):        # torch casts out-of-range values silently
            return np.asarray(data, dtype=dt.np)
    except ValueError:
        _check_nesting(data)
        raise


def _data_dtype(data, given=None):
    """torch's dtype for ``data``: ``given``, else its elements' promoted (a Python float
    is the default dtype, a NumPy scalar or array keeps its own). An element that is not a
    number raises torch's error, which depends on whether a dtype is given."""
    result = None
    level = [data]                      # the elements at one depth, a kind at a time
    while level:
        deeper: list = []
        kinds: Any = set(map(type, level))
        if len(kinds) > 1:              # in order, to raise torch's error for the first
            kinds = dict.fromkeys(map(type, level))
        for kind in kinds:
            dt = _kind_dtype(kind, given)
            if dt is not None:
                dts = {dt}
            else:
                of_kind = [x for x in level if type(x) is kind]
                if issubclass(kind, Tensor):
                    dts = {x.dtype for x in of_kind}
                elif issubclass(kind, np.ndarray):
                    dts = set() if given else {_numpy_dtype(x.dtype) for x in of_kind}
                else:
                    dts = set()
                    deeper.extend(itertools.chain.from_iterable(of_kind))
            for dt in dts:
                result = dt if result is None else D.promote_types(result, dt)
        level = deeper
    return given or result or D.DEFAULT_FLOAT


def _kind_dtype(kind, given):
    """The dtype of a number of type ``kind`` (``given`` if given), None for a tensor, an
    array or a sequence (their elements say), else torch's error."""
    if issubclass(kind, np.generic):
        return given or _numpy_dtype(np.dtype(kind))
    if issubclass(kind, bool):
        return given or D.bool_
    if issubclass(kind, int):
        return given or D.int64
    if issubclass(kind, float):
        return given or D.DEFAULT_FLOAT
    if issubclass(kind, complex):
        raise TypeError("autodiff: complex tensors are not supported")
    if issubclass(kind, (Tensor, np.ndarray, Sequence)) and not issubclass(kind, (str, bytes)):
        return None
    name = _type_name(kind)
    if given is not None:
        if given.is_floating_point:
            raise TypeError(f"must be real number, not {name}")
        raise TypeError(f"'{name}' object cannot be interpreted as an integer")
    if issubclass(kind, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{name}'")
    raise RuntimeError(f"Could not infer dtype of {name}")


def _check_nesting(data):
    """torch's errors for nested sequences that do not make a box: the sizes are those
    of the first element at each depth, and every sequence must have them."""
    sizes, x = [], data
    while isinstance(x, (list, tuple)):
        sizes.append(len(x))
        x = x[0] if x else None
    pending = [(data, 0)]
    while pending:
        x, dim = pending.pop(0)
        if dim == len(sizes):
            if isinstance(x, (list, tuple)):
                raise TypeError(f"'{type(x).__name__}' object cannot be interpreted as an "
                                "integer")
            continue
        if not isinstance(x, (list, tuple)):
            raise TypeError("not a sequence")
        if len(x) != sizes[dim]:
            raise ValueError(f"expected sequence of length {sizes[dim]} at dim {dim} "
                             f"(got {len(x)})")
        pending.extend((y, dim + 1) for y in x)


def tensor(data: Any, dtype: Optional[D.dtype] = None, device: Optional[DeviceLike] = None,
           requires_grad: bool = False) -> Tensor:
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
    dt = D.from_numpy_dtype(arr.dtype)
    _check_requires_grad(dt, requires_grad)
    return make_tensor(_place(jnp.asarray(arr, dt.np), device), bool(requires_grad))


def as_tensor(data: Any, dtype: Optional[D.dtype] = None,
              device: Optional[DeviceLike] = None) -> Tensor:
    """``data`` as a tensor, without a copy when it already is one of that dtype (a
    tensor, or a NumPy array: the tensor shares its memory, as ``from_numpy``'s does)."""
    if isinstance(data, Tensor) and (dtype is None or _to_dtype(dtype) is data.dtype):
        return data
    if (isinstance(data, np.ndarray) and device in (None, "cpu")
            and (dtype is None or _to_dtype(dtype).np == data.dtype)):
        return from_numpy(data)
    return tensor(data, dtype=dtype, device=device)


_NUMPY_KINDS = "float64, float32, float16, complex64, complex128, int64, int32, int16, int8, " \
    "uint64, uint32, uint16, uint8, and bool"
_read_only_warned = False


def _numpy_dtype(np_dtype):
    """The dtype of a NumPy dtype, or torch's error (autodiff's for one torch has and
    autodiff not)."""
    if np_dtype.kind == "c" or np_dtype in (np.uint16, np.uint32, np.uint64):
        raise TypeError(f"autodiff: {np_dtype} tensors are not supported")
    if np_dtype.kind not in "biuf" or np_dtype.itemsize > 8:
        raise TypeError(f"can't convert np.ndarray of type {np_dtype.type.__module__}."
                        f"{np_dtype.type.__name__}. The only supported types are: "
                        f"{_NUMPY_KINDS}.")
    return D.from_numpy_dtype(np_dtype)


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor over a NumPy array's memory, as torch's: a write to either is seen in the
    other (the array becomes its storage's ``host``, see ``tape.Storage``).

    >>> import autodiff, numpy as np
    >>> a = np.zeros(3)
    >>> t = autodiff.from_numpy(a)
    >>> a[0] = 1.0
    >>> t
    tensor([1., 0., 0.], dtype=autodiff.float64)
    """
    global _read_only_warned
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _numpy_dtype(ndarray.dtype)
    if builtins.any(s < 0 for s in ndarray.strides):
        raise ValueError(
            "At least one stride in the given numpy array is negative, and tensors with "
            "negative strides are not currently supported. (You can probably work around "
            "this by making a copy of your array  with array.copy().) ")
    array = jnp.array(ndarray)
    if ndarray.flags.writeable:
        return make_tensor(array, storage=Storage(array, host=ndarray), vc=[0])
    if not _read_only_warned:     # nothing can write the array: the tensor copies it
        _read_only_warned = True
        warnings.warn(
            "The given NumPy array is not writable, and PyTorch does not support non-writable "
            "tensors. This means writing to this tensor will result in undefined behavior. You "
            "may want to copy the array to protect its data or make it writable before "
            "converting it to a tensor. This type of warning will be suppressed for the rest "
            "of this program.", UserWarning, stacklevel=2)
    return make_tensor(array)


# A NumPy ufunc given a tensor returns one (``np.sqrt(t)``; ``t * ndarray``, once
# ``t.__mul__`` declined: see ``Tensor.__array_priority__``)
def _array_wrap(self: Tensor, array: Any) -> Tensor:   # (torch's signature: NumPy 2 warns)
    if array.dtype == bool:                     # (torch's: uint8, not bool)
        array = array.astype("uint8")
    return from_numpy(array)


Tensor.__array_wrap__ = _array_wrap


def _filled(fill, shape, dtype, device, requires_grad, default=None):
    dt = _to_dtype(dtype) or default or D.DEFAULT_FLOAT
    _check_requires_grad(dt, requires_grad)
    fill = D.checked(fill, dt)
    return make_tensor(_place(jnp.full(shape, fill, dt.np), device), bool(requires_grad))


def _size(fn, size, form="varargs"):
    """A factory's size argument, checked as torch's parser checks it (a tuple of ints),
    then as torch checks a new tensor's shape."""
    size = tape.ints_arg(fn, "size", 1, size, method=False, form=form)
    if size and builtins.min(size) < 0:
        if fn == "zeros":                                       # (zeros says it its way)
            raise RuntimeError("zeros: Dimension size must be non-negative.")
        tape.nonnegative(size)
    return size


@size_keyword
def zeros(*size: int | Sequence[int], dtype: Optional[D.dtype] = None,
          device: Optional[DeviceLike] = None, requires_grad: bool = False) -> Tensor:
    """A tensor of the given shape filled with zeros."""
    return _filled(0, _size("zeros", size), dtype, device, requires_grad)


@size_keyword
def ones(*size: int | Sequence[int], dtype: Optional[D.dtype] = None,
         device: Optional[DeviceLike] = None, requires_grad: bool = False) -> Tensor:
    """A tensor of the given shape filled with ones."""
    return _filled(1, _size("ones", size), dtype, device, requires_grad)


@size_keyword
def empty(*size: int | Sequence[int], dtype: Optional[D.dtype] = None,
          device: Optional[DeviceLike] = None, requires_grad: bool = False) -> Tensor:
    """A tensor of the given shape (filled with zeros in autodiff)."""
    return _filled(0, _size("empty", size), dtype, device, requires_grad)


def full(size: Sequence[int], fill_value: Number, dtype: Optional[D.dtype] = None,
         device: Optional[DeviceLike] = None, requires_grad: bool = False) -> Tensor:
    """A tensor of the given shape filled with ``fill_value``."""
    fill_value = _scalar_arg("full", "fill_value", fill_value, 2)
    default = D.scalar_dtype(fill_value)
    return _filled(fill_value, _size("full", size, form="list"), dtype, device, requires_grad,
                   default)


def _new_defaults(self, kw):
    """``x.new_*``'s defaults: ``x``'s dtype and device."""
    return {"dtype": self.dtype, "device": self.device, **kw}


def _new_filled(name, factory):
    """``x.new_zeros`` (``new_ones``, ``new_empty``): ``factory`` of the size given, with
    ``x``'s dtype and device unless given."""
    def new(self, *size, **kw):
        size = tape.ints_arg(name, "size", 2, sizes_given(name, "size", size, kw))
        tape.nonnegative(size)        # (before the factory's check: zeros words it its way)
        return factory(size, **_new_defaults(self, kw))
    new.__name__ = new.__qualname__ = name
    return new


Tensor.new_zeros, Tensor.new_ones, Tensor.new_empty = (
    _new_filled("new_zeros", zeros), _new_filled("new_ones", ones), _new_filled("new_empty", empty))
Tensor.new_full = lambda self, size, fill_value, **kw: full(
    tape.ints_arg("new_full", "size", 2, size, form="list"), fill_value, **_new_defaults(self, kw))
Tensor.new_tensor = lambda self, data, **kw: tensor(data, **_new_defaults(self, kw))


def _options(dtype, device):
    return (f"TensorOptions(dtype={D.long_name(dtype)}, device={device}, layout=Strided, "
            "requires_grad=false (default), pinned_memory=false (default), "
            "memory_format=(nullopt))")


def _new(self: Tensor, *args: Any, device: Optional[DeviceLike] = None) -> Tensor:
    """torch's legacy constructor, of ``self``'s dtype: ``x.new()`` is empty,
    ``x.new(2, 3)`` (or a ``Size``) a tensor of that shape (zeros in autodiff),
    ``x.new([1, 2])`` a tensor of that data, ``x.new(t)`` ``t`` itself (another tensor
    object sharing its elements).

    >>> import autodiff
    >>> autodiff.ones(2).new([1, 2])
    tensor([1., 2.])
    """
    kw: dict[str, Any] = {"dtype": self.dtype,
                          "device": self.device if device is None else device}
    if len(args) == 1 and isinstance(args[0], Tensor):
        other = args[0]
        if other.dtype is not self.dtype:
            raise TypeError(f"expected {_options(self.dtype, self.device)} (got "
                            f"{_options(other.dtype, other.device)})")
        return other.detach()
    if len(args) == 1 and not isinstance(args[0], D.Size) and \
            isinstance(args[0], (list, tuple)) or (args and isinstance(args[0], float)):
        return tensor(args[0], **kw)
    return zeros(*args, **kw) if args else zeros(0, **kw)


Tensor.new = _new


def _like(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    def like(input: Tensor, dtype: Optional[D.dtype] = None, device: Optional[DeviceLike] = None,
             requires_grad: bool = False, **kw: Any) -> Tensor:
        return fn(input.shape, dtype=dtype or input.dtype, device=device,
                  requires_grad=requires_grad, **kw)
    like.__name__ = like.__qualname__ = fn.__name__ + "_like"
    like.__doc__ = f"``{fn.__name__}`` with the shape and dtype of ``input``."
    return like


zeros_like, ones_like, empty_like = _like(zeros), _like(ones), _like(empty)


def full_like(input: Tensor, fill_value: Number, dtype: Optional[D.dtype] = None,
              device: Optional[DeviceLike] = None, requires_grad: bool = False) -> Tensor:
    """``full`` with the shape and dtype of ``input``."""
    fill_value = _scalar_arg("full_like", "fill_value", fill_value, 2)
    return full(input.shape, fill_value, dtype=dtype or input.dtype, device=device,
                requires_grad=requires_grad)


def arange(start: Number, end: Optional[Number] = None, step: Number = 1,
           dtype: Optional[D.dtype] = None, device: Optional[DeviceLike] = None,
           requires_grad: bool = False) -> Tensor:
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


def linspace(start: Number, end: Number, steps: int, dtype: Optional[D.dtype] = None,
             device: Optional[DeviceLike] = None, requires_grad: bool = False) -> Tensor:
    """``steps`` values evenly spaced from ``start`` to ``end`` (inclusive)."""
    dt = _to_dtype(dtype) or D.DEFAULT_FLOAT
    return make_tensor(_place(jnp.linspace(start, end, steps, dtype=dt.np), device), requires_grad)


def eye(n: int, m: Optional[int] = None, dtype: Optional[D.dtype] = None,
        device: Optional[DeviceLike] = None, requires_grad: bool = False) -> Tensor:
    """The ``n`` x ``m`` identity matrix."""
    n = tape.int_arg("eye", "n", 1, n, method=False)
    if m is not None:
        m = tape.int_arg("eye", "m", 2, m, method=False, first=n)
    for name, k in (("n", n), ("m", m)):
        if k is not None and k < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {k}")
    dt = _to_dtype(dtype) or D.DEFAULT_FLOAT
    return make_tensor(_place(jnp.eye(n, m, dtype=dt.np), device), requires_grad)


def asarray(obj: Any, *, dtype: Optional[D.dtype] = None, device: Optional[DeviceLike] = None,
            copy: Optional[bool] = None, requires_grad: Optional[bool] = None) -> Tensor:
    """``obj`` as a tensor, sharing its memory when it can (a tensor of that dtype and
    device is returned itself, a NumPy array is wrapped as ``from_numpy`` does); with
    ``copy=True`` always a copy, with ``copy=False`` never (torch's ValueError where it
    would have to). A tensor's copy keeps its graph (CloneBackward0, ToCopyBackward0).
    ``requires_grad`` unspecified keeps the tensor's (torch warns once, when it is set);
    given, it is set on a leaf, and ``False`` detaches a tensor that is not one.

    >>> import autodiff
    >>> x = autodiff.ones(2)
    >>> autodiff.asarray(x) is x
    True
    >>> autodiff.asarray([1, 2], dtype=autodiff.float64)
    tensor([1., 2.], dtype=autodiff.float64)
    """
    dt = _to_dtype(dtype)
    if isinstance(obj, Tensor):
        target = None if device is None else D.device(device)
        wrong_device = target is not None and target != obj.device
        wrong_dtype = dt is not None and dt is not obj.dtype
        if copy is False and wrong_device:
            raise ValueError(f"can't alias tensor from device '{obj.device}' to '{target}'.")
        if copy is False and wrong_dtype:
            raise ValueError(f"can't alias tensor with dtype '{D.c_name(obj.dtype)}' into "
                             f"dtype '{D.c_name(dt)}'.")
        if wrong_device or wrong_dtype:
            result = obj.to(device=device, dtype=dt, copy=bool(copy))
        else:
            result = obj.clone() if copy else obj
        if requires_grad is None:
            if obj.requires_grad:
                tape.warn_once("autodiff.asarray: unspecified requires_grad now defaults to "
                               "obj.requires_grad instead of False. Pass requires_grad=False "
                               "explicitly to get the old behavior and silence this warning.")
            return result
    elif isinstance(obj, np.ndarray) and copy is not True and device in (None, "cpu") and (
            dt is None or dt.np == obj.dtype):
        result = from_numpy(obj)
    elif copy is False:
        if isinstance(obj, np.ndarray):
            raise ValueError(f"can't alias tensor with dtype "
                             f"'{D.c_name(D.from_numpy_dtype(obj.dtype))}' into dtype "
                             f"'{D.c_name(dt)}'.")
        raise ValueError("can't alias arbitrary sequence into a tensor.")
    else:
        result = tensor(obj, dtype=dt, device=device)
    if requires_grad is not None and result.grad_fn is None:
        _check_requires_grad(result.dtype, requires_grad)
        result.requires_grad_(requires_grad)
    elif requires_grad is False:
        result = result.detach()
    return result


def scalar_tensor(s: Number | Tensor, dtype: Optional[D.dtype] = None,
                  device: Optional[DeviceLike] = None, requires_grad: bool = False) -> Tensor:
    """The number ``s`` as a 0-d tensor, of the default float dtype unless ``dtype`` says
    otherwise (an integer or a bool too).

    >>> import autodiff
    >>> autodiff.scalar_tensor(3)
    tensor(3.)
    """
    if isinstance(s, Tensor):
        s = s.item()
    if not isinstance(s, (int, float)):
        raise TypeError(f"scalar_tensor(): argument 's' (position 1) must be Number, not "
                        f"{type(s).__name__}")
    return _filled(s, (), dtype, device, requires_grad)


def _number(value):
    """A bound given as a number or a 0-d tensor (logspace's)."""
    return value.item() if isinstance(value, Tensor) else value


def logspace(start: Number | Tensor, end: Number | Tensor, steps: int, base: float = 10.0,
             dtype: Optional[D.dtype] = None, device: Optional[DeviceLike] = None,
             requires_grad: bool = False) -> Tensor:
    """``steps`` powers of ``base``, their exponents evenly spaced from ``start`` to
    ``end`` (inclusive); integer dtypes take them truncated, as torch.

    >>> import autodiff
    >>> autodiff.logspace(0, 2, 3)
    tensor([  1.,  10., 100.])
    """
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dt = _to_dtype(dtype) or D.DEFAULT_FLOAT
    if dt is D.bool_:
        raise _kernel_missing("logspace_cpu", dt)
    _check_requires_grad(dt, requires_grad)
    start, end = float(_number(start)), float(_number(end))
    step = (end - start) / builtins.max(steps - 1, 1)
    index = np.arange(steps)
    # (torch counts the first half up from start, the second down from end; one step is
    # the start)
    exponents = np.where((index < steps // 2) | (steps == 1), start + step * index,
                         end - step * (steps - index - 1))
    return make_tensor(_place(jnp.asarray(np.power(float(base), exponents).astype(dt.np)),
                              device), requires_grad)


def _triangle_indices(name, numpy_indices, row, col, offset, dtype, device, requires_grad):
    for what, n in (("row", row), ("col", col)):
        if n < 0:
            raise RuntimeError(f"{what} must be non-negative, got{n}")
    dt = _to_dtype(dtype)
    if dt.is_floating_point or dt is D.bool_:
        raise _kernel_missing(name, dt)
    _check_requires_grad(dt, requires_grad)
    indices = np.stack(numpy_indices(row, offset, col)).astype(dt.np)
    return make_tensor(_place(jnp.asarray(indices), device), requires_grad)


def tril_indices(row: int, col: int, offset: int = 0, *, dtype: D.dtype = D.int64,
                 device: Optional[DeviceLike] = None, requires_grad: bool = False) -> Tensor:
    """The (row, column) indices of the lower triangle of a ``row`` x ``col`` matrix
    (below its ``offset`` diagonal, included), row by row, as a 2 x N tensor.

    >>> import autodiff
    >>> autodiff.tril_indices(2, 2)
    tensor([[0, 1, 1],
            [0, 0, 1]])
    """
    return _triangle_indices("tril_indices", np.tril_indices, row, col, offset, dtype, device,
                             requires_grad)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype: D.dtype = D.int64,
                 device: Optional[DeviceLike] = None, requires_grad: bool = False) -> Tensor:
    """The (row, column) indices of the upper triangle of a ``row`` x ``col`` matrix
    (above its ``offset`` diagonal, included), row by row, as a 2 x N tensor.

    >>> import autodiff
    >>> autodiff.triu_indices(2, 2)
    tensor([[0, 0, 1],
            [0, 1, 1]])
    """
    return _triangle_indices("triu_indices", np.triu_indices, row, col, offset, dtype, device,
                             requires_grad)


def empty_strided(size: Sequence[int], stride: Sequence[int], *,
                  dtype: Optional[D.dtype] = None, device: Optional[DeviceLike] = None,
                  requires_grad: bool = False) -> Tensor:
    """A tensor of ``size`` (zeros in autodiff). Its ``stride`` is torch's layout in
    memory, which a JAX array has not: the tensor is contiguous whatever it says."""
    if len(size) != len(stride):
        raise RuntimeError(f"dimensionality of sizes ({len(size)}) must match dimensionality "
                           f"of strides ({len(stride)})")
    tape.nonnegative(size)
    return empty(tuple(size), dtype=dtype, device=device, requires_grad=requires_grad)


def empty_permuted(size: Sequence[int], physical_layout: Sequence[int], *,
                   dtype: Optional[D.dtype] = None, device: Optional[DeviceLike] = None,
                   requires_grad: bool = False) -> Tensor:
    """A tensor of ``size`` (zeros in autodiff) whose dims torch lays out in memory in the
    order ``physical_layout``; a JAX array has no layout: the tensor is contiguous."""
    if len(size) != len(physical_layout):
        raise RuntimeError(f"Number of dimensions in size does not match the length of the "
                           f"physical_layout; i.e. len(size) = {len(size)} is not equal to "
                           f"len(physical_layout) = {len(physical_layout)}")
    if len(set(physical_layout)) != len(physical_layout):
        raise RuntimeError("Duplicate dim not allowed")
    tape.nonnegative(size)
    return empty(tuple(size), dtype=dtype, device=device, requires_grad=requires_grad)


def range(start: Number, end: Number, step: Number = 1, dtype: Optional[D.dtype] = None,
          device: Optional[DeviceLike] = None, requires_grad: bool = False) -> Tensor:
    """Deprecated (as in torch, with its warning): values from ``start`` to ``end``
    *inclusive* by ``step``, of the default float dtype; ``arange`` excludes ``end``."""
    warnings.warn("autodiff.range is deprecated and will be removed in a future release "
                  "because its behavior is inconsistent with Python's range builtin. Instead, "
                  "use autodiff.arange, which produces values in [start, end).", UserWarning,
                  stacklevel=2)
    dt = _to_dtype(dtype) or D.DEFAULT_FLOAT
    if dt is D.bool_:
        raise _kernel_missing("range_cpu", dt)
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (step > 0 and end < start) or (step < 0 and end > start):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    _check_requires_grad(dt, requires_grad)
    values = start + np.arange(int((end - start) / step) + 1) * step
    return make_tensor(_place(jnp.asarray(values.astype(dt.np)), device), requires_grad)


# Window functions (signal processing): each a leaf of ``window_length`` values, computed
# in its dtype as torch's ops compute them. ``periodic`` windows are one sample of a
# window one longer (for spectral analysis); symmetric ones end where they start.

def _window_function(name, window_length, periodic, dtype, device, requires_grad, values):
    """``values(n, dtype)`` (of a window of n samples), or torch's checks and its ends:
    empty for 0 samples, a one for 1, a periodic window cut from a longer one."""
    if window_length < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got "
                           f"window_length={window_length}")
    dt = _to_dtype(dtype) or D.DEFAULT_FLOAT
    if not dt.is_floating_point:
        raise RuntimeError(f"{name} expects floating point dtypes, got: TensorOptions(dtype="
                           f"{D.long_name(dt)}, device=cpu, layout=Strided (default), "
                           "requires_grad=false (default), pinned_memory=false, "
                           "memory_format=(nullopt))")
    if window_length <= 1:
        return ones(window_length, dtype=dt, device=device, requires_grad=requires_grad)
    n = window_length + 1 if periodic else window_length
    window = values(n, dt.np)[:window_length]
    return make_tensor(_place(window, device), requires_grad)


def _raised_cosine(n, dt, alpha, beta):
    return jnp.cos(jnp.arange(n, dtype=dt) * (2 * np.pi / (n - 1))) * -beta + alpha


def hamming_window(window_length: int, periodic: bool = True, alpha: float = 0.54,
                   beta: float = 0.46, *, dtype: Optional[D.dtype] = None,
                   device: Optional[DeviceLike] = None, requires_grad: bool = False) -> Tensor:
    """``alpha - beta cos(2 pi k / (N - 1))``.

    >>> import autodiff
    >>> autodiff.hamming_window(3, periodic=False)
    tensor([0.0800, 1.0000, 0.0800])
    """
    return _window_function("hamming_window", window_length, periodic, dtype, device,
                            requires_grad, lambda n, dt: _raised_cosine(n, dt, alpha, beta))


def hann_window(window_length: int, periodic: bool = True, *, dtype: Optional[D.dtype] = None,
                device: Optional[DeviceLike] = None, requires_grad: bool = False) -> Tensor:
    """``0.5 - 0.5 cos(2 pi k / (N - 1))``: the Hamming window with alpha = beta = 0.5.

    >>> import autodiff
    >>> autodiff.hann_window(4)
    tensor([0.0000, 0.5000, 1.0000, 0.5000])
    """
    return _window_function("hann_window", window_length, periodic, dtype, device,
                            requires_grad, lambda n, dt: _raised_cosine(n, dt, 0.5, 0.5))


def _bartlett(n, dt):
    window = jnp.arange(n, dtype=dt) * (2 / (n - 1))
    half = (n - 1) // 2 + 1              # the second half falls back from 1 to 0
    return window.at[half:].set(2 - window[half:])


def bartlett_window(window_length: int, periodic: bool = True, *,
                    dtype: Optional[D.dtype] = None, device: Optional[DeviceLike] = None,
                    requires_grad: bool = False) -> Tensor:
    """The triangle ``1 - |2k / (N - 1) - 1|``.

    >>> import autodiff
    >>> autodiff.bartlett_window(5, periodic=False)
    tensor([0.0000, 0.5000, 1.0000, 0.5000, 0.0000])
    """
    return _window_function("bartlett_window", window_length, periodic, dtype, device,
                            requires_grad, _bartlett)


def _blackman(n, dt):
    window = jnp.arange(n, dtype=dt) * (np.pi / (n - 1))
    return jnp.cos(window * 4) * 0.08 - jnp.cos(window * 2) * 0.5 + 0.42


def blackman_window(window_length: int, periodic: bool = True, *,
                    dtype: Optional[D.dtype] = None, device: Optional[DeviceLike] = None,
                    requires_grad: bool = False) -> Tensor:
    """``0.42 - 0.5 cos(2 pi k / (N - 1)) + 0.08 cos(4 pi k / (N - 1))``."""
    return _window_function("blackman_window", window_length, periodic, dtype, device,
                            requires_grad, _blackman)


def _kaiser(n, dt, beta):
    middle = (n - 1) / 2
    ratio = (jnp.arange(n, dtype=dt) - middle) / middle
    return jnp.i0(beta * jnp.sqrt(1 - ratio ** 2)) / jnp.i0(jnp.asarray(beta, dt))


def kaiser_window(window_length: int, periodic: bool = True, beta: float = 12.0, *,
                  dtype: Optional[D.dtype] = None, device: Optional[DeviceLike] = None,
                  requires_grad: bool = False) -> Tensor:
    """``I0(beta sqrt(1 - (2k / (N - 1) - 1)^2)) / I0(beta)``, I0 the modified Bessel
    function of the first kind, of order 0 (``autodiff.i0``)."""
    return _window_function("kaiser_window", window_length, periodic, dtype, device,
                            requires_grad, lambda n, dt: _kaiser(n, dt, beta))


# torch's legacy constructors: ``autodiff.Tensor(data)``, ``autodiff.Tensor(2, 3)``, and
# one class per dtype (``autodiff.FloatTensor([1, 2])``, ``isinstance(x, LongTensor)``)

def _legacy(dt, args, device):
    """What ``Tensor(*args)`` makes in dtype ``dt``: a copy of data, zeros of a size
    (torch leaves them uninitialised), an empty tensor, or an alias of a tensor."""
    if not args:
        return empty(0, dtype=dt, device=device)
    if len(args) == 1 and isinstance(args[0], Tensor):
        return apply(RULES["alias"], args[0])
    if isinstance(args[0], D.Size) or builtins.all(isinstance(a, int) and not isinstance(a, bool)
                                                   for a in args):
        size = tuple(args[0] if isinstance(args[0], D.Size) else args)
        tape.nonnegative(size)
        return empty(size, dtype=dt, device=device)
    if len(args) > 1 or isinstance(args[0], str):
        raise TypeError(f"new(): invalid data type '{type(args[-1]).__name__}'")
    return tensor(args[0], dtype=dt, device=device)


def _legacy_tensor(cls, *args, device=None):
    return _legacy(D.DEFAULT_FLOAT, args, device)


Tensor.__new__ = staticmethod(_legacy_tensor)     # (make_tensor builds tensors without it)


class _LegacyType(type):
    """The type of ``autodiff.FloatTensor`` and the others: calling one makes a tensor of
    its dtype; ``isinstance`` asks for that dtype on the CPU."""

    dtype: D.dtype

    def __call__(cls, *args, device=None):
        return _legacy(cls.dtype, args, device)

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype and obj.device.type == "cpu"


(BoolTensor, ByteTensor, CharTensor, ShortTensor, IntTensor, LongTensor, HalfTensor,
 BFloat16Tensor, FloatTensor, DoubleTensor) = (
    _LegacyType(d._legacy, (), {"dtype": d, "__module__": "autodiff", "__doc__": (
        f"torch's legacy type of {d!r} tensors: ``{d._legacy}(data)`` or "
        f"``{d._legacy}(*sizes)`` makes one, ``isinstance`` checks the dtype.")})
    for d in D.ALL)



def set_default_tensor_type(t: type | str) -> None:
    """torch's older ``set_default_dtype``: a legacy type (``autodiff.DoubleTensor``) or
    its dotted name (``"torch.DoubleTensor"`` as well as ``"autodiff.DoubleTensor"``)."""
    if isinstance(t, str):                    # (a name is looked up first, as torch does)
        module, _, name = t.rpartition(".")
        if module not in ("torch", "autodiff"):
            raise TypeError(f"type {t} not available: autodiff's legacy types are its own")
        if name not in globals():
            raise AttributeError(f"module 'autodiff' has no attribute '{name}'")
        t = globals()[name]
    tape.warn_once("autodiff.set_default_tensor_type() is deprecated as of PyTorch 2.1, please "
                   "use autodiff.set_default_dtype() and autodiff.set_default_device() as "
                   "alternatives.")
    if not isinstance(t, _LegacyType):
        raise TypeError("invalid type object: only floating-point types are supported as the "
                        "default type")
    if not t.dtype.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    D.set_default_dtype(t.dtype)


if not TYPE_CHECKING:         # (see exported: a type checker reads every public name)
    __all__ = exported(globals()) + [d._legacy for d in D.ALL]
