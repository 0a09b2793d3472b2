"""Creating tensors: from data (``tensor``, ``as_tensor``, ``from_numpy``), filled
(``zeros``, ``ones``, ``full``, ``empty`` and their ``*_like``), and ranges (``arange``,
``linspace``, ``eye``). Leaves, never recorded."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Optional, Sequence, Union

import builtins
import warnings

import jax.numpy as jnp
import numpy as np

from .. import dtypes as D, tape
from ..dtypes import DeviceLike, Number
from ..tape import RULES, Storage, Tensor, apply, make_tensor
from ._common import _kernel_missing, _place, _shape_arg, _to_dtype, exported


def _check_requires_grad(dt, requires_grad):
    if requires_grad and not dt.is_floating_point:
        raise RuntimeError(
            "Only Tensors of floating point and complex dtype can require gradients")


def _infer(data, dt):
    """A NumPy array from Python data, with torch's dtype choice (floats -> float32)."""
    if isinstance(data, Tensor):
        arr = np.asarray(data._value())
    elif isinstance(data, (list, tuple)) and builtins.any(isinstance(x, Tensor) for x in data):
        arr = np.stack([_infer(x, dt) for x in data])
    else:
        try:
            arr = np.asarray(data, dtype=None if dt is None else dt.np)
        except ValueError:
            _check_nesting(data)
            raise
        if dt is None and arr.dtype == np.float64 and not isinstance(data, (np.ndarray,
                                                                           np.generic)):
            arr = arr.astype(D.DEFAULT_FLOAT.np)
    return arr if dt is None else arr.astype(dt.np)


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
    if arr.dtype.kind == "c":
        raise TypeError("autodiff: complex tensors are not supported")
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
    if ndarray.dtype.kind == "c" or ndarray.dtype in (np.uint16, np.uint32, np.uint64):
        raise TypeError(f"autodiff: {ndarray.dtype} tensors are not supported")
    if ndarray.dtype.kind not in "biuf" or ndarray.dtype.itemsize > 8:
        raise TypeError(f"can't convert np.ndarray of type {ndarray.dtype.type.__module__}."
                        f"{ndarray.dtype.type.__name__}. The only supported types are: "
                        f"{_NUMPY_KINDS}.")
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


def _filled(fill, size, dtype, device, requires_grad, default=None):
    dt = _to_dtype(dtype) or default or D.DEFAULT_FLOAT
    _check_requires_grad(dt, requires_grad)
    fill = D.checked(fill, dt)
    return make_tensor(_place(jnp.full(_shape_arg(size), fill, dt.np), device), bool(requires_grad))


def zeros(*size: int | Sequence[int], dtype: Optional[D.dtype] = None,
          device: Optional[DeviceLike] = None, requires_grad: bool = False) -> Tensor:
    """A tensor of the given shape filled with zeros."""
    return _filled(0, size, dtype, device, requires_grad)


def ones(*size: int | Sequence[int], dtype: Optional[D.dtype] = None,
         device: Optional[DeviceLike] = None, requires_grad: bool = False) -> Tensor:
    """A tensor of the given shape filled with ones."""
    return _filled(1, size, dtype, device, requires_grad)


def empty(*size: int | Sequence[int], dtype: Optional[D.dtype] = None,
          device: Optional[DeviceLike] = None, requires_grad: bool = False) -> Tensor:
    """A tensor of the given shape (filled with zeros in autodiff)."""
    return _filled(0, size, dtype, device, requires_grad)


def full(size: Sequence[int], fill_value: Number, dtype: Optional[D.dtype] = None,
         device: Optional[DeviceLike] = None, requires_grad: bool = False) -> Tensor:
    """A tensor of the given shape filled with ``fill_value``."""
    default = D.scalar_dtype(fill_value)
    return _filled(fill_value, (size,), dtype, device, requires_grad, default)


def _new_defaults(self, kw):
    """``x.new_*``'s defaults: ``x``'s dtype and device."""
    return {"dtype": self.dtype, "device": self.device, **kw}


Tensor.new_zeros = lambda self, *size, **kw: zeros(*size, **_new_defaults(self, kw))
Tensor.new_ones = lambda self, *size, **kw: ones(*size, **_new_defaults(self, kw))
Tensor.new_empty = Tensor.new_zeros
Tensor.new_full = lambda self, size, v, **kw: full(size, v, **_new_defaults(self, kw))
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
        return fn(*input.shape, dtype=dtype or input.dtype, device=device,
                  requires_grad=requires_grad, **kw)
    like.__name__ = like.__qualname__ = fn.__name__ + "_like"
    like.__doc__ = f"``{fn.__name__}`` with the shape and dtype of ``input``."
    return like


zeros_like, ones_like, empty_like = _like(zeros), _like(ones), _like(empty)


def full_like(input: Tensor, fill_value: Number, dtype: Optional[D.dtype] = None,
              device: Optional[DeviceLike] = None, requires_grad: bool = False) -> Tensor:
    """``full`` with the shape and dtype of ``input``."""
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
    dt = _to_dtype(dtype) or D.DEFAULT_FLOAT
    return make_tensor(_place(jnp.eye(n, m, dtype=dt.np), device), requires_grad)


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
        if builtins.any(n < 0 for n in size):
            raise RuntimeError(f"Trying to create tensor with negative dimension "
                               f"{builtins.min(size)}: {list(size)}")
        return empty(*size, dtype=dt, device=device)
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
    tape.warn_once("autodiff.set_default_tensor_type() is deprecated as of PyTorch 2.1, please "
                   "use autodiff.set_default_dtype() and autodiff.set_default_device() as "
                   "alternatives.")
    if isinstance(t, str):
        module, _, name = t.rpartition(".")
        if module not in ("torch", "autodiff"):
            raise TypeError(f"type {t} not available: autodiff's legacy types are its own")
        if name not in globals():
            raise AttributeError(f"module 'autodiff' has no attribute '{name}'")
        t = globals()[name]
    if not isinstance(t, _LegacyType):
        raise TypeError("invalid type object: only floating-point types are supported as the "
                        "default type")
    if not t.dtype.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    D.set_default_dtype(t.dtype)


if not TYPE_CHECKING:         # (see exported: a type checker reads every public name)
    __all__ = exported(globals()) + [d._legacy for d in D.ALL]
