"""dtypes, ``Size`` and ``device``: the small value types a tensor is described by.

torch's type promotion lives here too (``result_type``), because JAX promotes
differently: under ``jax_enable_x64`` an int64 array plus ``2.5`` is float64 in JAX
but float32 in torch, and a float32 tensor plus a float64 *zero-dim* tensor stays
float32 in torch. autodiff computes torch's answer first and casts to it.
"""

from __future__ import annotations

import math
from typing import Any, Optional, Sequence, Union

import jax
import jax.numpy as jnp
import numpy as np


class dtype:
    """A tensor element type, printed as torch prints it (``autodiff.float32``)."""

    __slots__ = ("name", "np", "is_floating_point", "is_signed", "itemsize", "_rank",
                 "_category", "_legacy")

    def __init__(self, name, np_dtype, category, rank, legacy):
        self.name = name
        self.np = np.dtype(np_dtype)
        self._category = category          # 0 bool, 1 integer, 2 floating point
        self._rank = rank                  # position in the promotion lattice
        self._legacy = legacy              # torch's legacy type name, e.g. "FloatTensor"
        self.is_floating_point = category == 2
        self.is_signed = name != "bool" and name != "uint8"
        self.itemsize = self.np.itemsize

    @property
    def is_complex(self):
        return False

    def __repr__(self):
        return f"autodiff.{self.name}"

    def __reduce__(self):
        return self.name


bool_ = dtype("bool", np.bool_, 0, 0, "BoolTensor")
uint8 = dtype("uint8", np.uint8, 1, 1, "ByteTensor")
int8 = dtype("int8", np.int8, 1, 2, "CharTensor")
int16 = dtype("int16", np.int16, 1, 3, "ShortTensor")
int32 = dtype("int32", np.int32, 1, 4, "IntTensor")
int64 = dtype("int64", np.int64, 1, 5, "LongTensor")
float16 = dtype("float16", jnp.float16, 2, 6, "HalfTensor")
bfloat16 = dtype("bfloat16", jnp.bfloat16, 2, 6, "BFloat16Tensor")
float32 = dtype("float32", np.float32, 2, 7, "FloatTensor")
float64 = dtype("float64", np.float64, 2, 8, "DoubleTensor")

ALL = (bool_, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64)
ALIASES = {"bool": bool_, "float": float32, "double": float64, "half": float16,
           "long": int64, "int": int32, "short": int16}
_FROM_NP = {d.np: d for d in ALL}

# torch's names of the C++ types a Python number is converted to, in its overflow error
_C_TYPES = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int",
            "int64": "int64_t", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
            "float32": "float"}


def checked(value, dt, scalar=True):
    """torch's ``checked_convert`` of a Python number written into a tensor of dtype
    ``dt``: the number as it will be stored, or torch's error if it does not fit. With
    ``scalar`` it comes as a C++ Scalar (``fill_``, ``masked_fill``, ``full``: integers
    up to 2**64, float16 and bfloat16 checked too); without, as for ``x[i] = v``, as a
    64-bit tensor (which float16 and bfloat16 take rounded, to infinity if need be).
    A negative integer may wrap into an unsigned type, as in C; bool takes anything."""
    if type(value) is int and not -2 ** 63 <= value < 2 ** 63:
        if not scalar:
            raise ValueError("Overflow when unpacking long long")
        if value >= 2 ** 64:
            raise OverflowError("int too big to convert")
        if value < 0:
            raise OverflowError("can't convert negative int to unsigned")
    c_type = _C_TYPES.get(dt.name)
    if c_type is None or type(value) not in (int, float) or (
            not scalar and dt.is_floating_point and dt.itemsize == 2):
        return value
    if dt.is_floating_point:
        fits = not math.isfinite(value) or abs(value) <= float(np.finfo(dt.np).max)
        stored = float(value) if value >= 2 ** 63 else value
    else:
        info = np.iinfo(dt.np)
        unsigned_int = type(value) is int and info.min == 0
        fits = (-info.max if unsigned_int else info.min) <= value <= info.max  # (not NaN)
        stored = value & int(info.max) if unsigned_int else value     # wrapped, as in C
    if not fits:
        raise RuntimeError(f"value cannot be converted to type {c_type} without overflow")
    return stored


DEFAULT_FLOAT = float32          # what Python floats become: set_default_dtype changes it


def set_default_dtype(d: dtype) -> None:
    """``torch.set_default_dtype``: the dtype of floating-point tensors made from Python
    floats, of ``zeros``/``randn``/... without a dtype, and of integers computed as floats
    (float32 until set)."""
    global DEFAULT_FLOAT
    if not isinstance(d, dtype) or not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    DEFAULT_FLOAT = d


def get_default_dtype() -> dtype:
    """The dtype :func:`set_default_dtype` set: float32 until then."""
    return DEFAULT_FLOAT


def from_numpy_dtype(np_dtype) -> dtype:
    try:
        return _FROM_NP[np_dtype]            # a NumPy dtype object: the common, fast case
    except KeyError:
        return _FROM_NP[np.dtype(np_dtype)]


def promote_types(a: dtype, b: dtype) -> dtype:
    """torch.promote_types for the dtypes autodiff has."""
    if a is b:
        return a
    if {a, b} == {float16, bfloat16}:
        return float32
    if {a, b} == {uint8, int8}:
        return int16
    return a if a._rank > b._rank else b


def number(value: Any) -> Any:
    """A NumPy scalar as the Python number torch takes it for (``x * np.sqrt(2)`` is a
    float32 tensor times a Python float; NumPy's booleans count as floats, as torch
    reads them); anything else as it is."""
    if isinstance(value, np.generic) and not isinstance(value, np.complexfloating):
        return int(value) if isinstance(value, np.integer) else float(value)
    return value


def scalar_dtype(value) -> dtype:
    """The dtype a Python number takes part in promotion with ("wrapped number")."""
    if isinstance(value, bool):
        return bool_
    if isinstance(value, int):
        return int64
    return DEFAULT_FLOAT


def _combine_categories(higher, lower):
    # torch's combine_categories: a higher-priority operand keeps its dtype unless the
    # lower-priority one is of a higher category (bool < integer < floating point).
    if higher is None:
        return lower
    if lower is None or higher.is_floating_point:
        return higher
    if higher is bool_ or lower.is_floating_point:
        return promote_types(higher, lower)
    return higher


def result_type(*operands: Any) -> dtype:           # (tensors and Python numbers)
    """torch.result_type: tensors with dimensions beat zero-dim tensors beat Python scalars."""
    dim_result = zero_result = scalar_result = None
    for x in operands:
        d = None if isinstance(x, np.generic) else getattr(x, "dtype", None)
        if d is None:
            x = number(x)
            d = scalar_dtype(x)
            scalar_result = d if scalar_result is None else promote_types(scalar_result, d)
        elif x.ndim:
            dim_result = d if dim_result is None else promote_types(dim_result, d)
        else:
            zero_result = d if zero_result is None else promote_types(zero_result, d)
    return _combine_categories(dim_result, _combine_categories(zero_result, scalar_result))


def can_cast(from_: dtype, to: dtype) -> bool:
    """torch.can_cast: no cast to a lower category (float -> int, int -> bool)."""
    return from_._category <= to._category


_C_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
            "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
            "bool": "Bool"}


def c_name(d: dtype) -> str:
    """The name torch's C++ messages use (``Float``, ``Long``...)."""
    return _C_NAMES[d.name]


def long_name(d) -> str:
    """The C type torch's scalar-overload messages name (``float``, ``long int``...), of
    a dtype or a NumPy dtype."""
    return {"float32": "float", "float64": "double", "int64": "long int", "int32": "int",
            "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
            "float16": "c10::Half", "bfloat16": "c10::BFloat16"}.get(d.name, d.name)


class memory_format:
    """How a tensor's elements are laid out (torch's ``torch.memory_format``). autodiff's
    are always contiguous -- a JAX array has no strides to reorder -- so it has the two
    formats that ask for nothing else, ``contiguous_format`` and ``preserve_format``, and
    every ``memory_format=`` argument accepts them (torch's channels-last formats are
    not provided)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"autodiff.{self.name}"


contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")


class finfo:
    """The limits of a floating dtype (the default one if none is given), as torch's
    ``torch.finfo``: ``eps``, ``max``, ``min``, ``tiny`` (= ``smallest_normal``),
    ``resolution``, ``bits``.

    >>> import autodiff
    >>> autodiff.finfo(autodiff.float32).eps
    1.1920928955078125e-07
    """

    def __init__(self, type: Optional[dtype] = None) -> None:
        type = get_default_dtype() if type is None else type
        if not type.is_floating_point:
            raise TypeError("autodiff.finfo() requires a floating point input type. Use "
                            "autodiff.iinfo to handle 'autodiff.finfo'")
        info = jnp.finfo(type.np)
        self.bits, self.dtype = info.bits, type.name
        self.eps, self.max, self.min = float(info.eps), float(info.max), float(info.min)
        self.tiny = self.smallest_normal = float(info.smallest_normal)
        self.resolution = 10.0 ** -info.precision

    def __eq__(self, other: object) -> bool:
        return isinstance(other, finfo) and other.dtype == self.dtype

    def __hash__(self) -> int:
        return hash(self.dtype)

    def __repr__(self) -> str:
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, smallest_normal={self.smallest_normal:g}, "
                f"tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    """The limits of an integer dtype, as torch's ``torch.iinfo``: ``max``, ``min``,
    ``bits``.

    >>> import autodiff
    >>> autodiff.iinfo(autodiff.uint8).max
    255
    """

    def __init__(self, type: dtype) -> None:
        if type is bool_:
            raise TypeError("autodiff.bool is not supported by autodiff.iinfo")
        if type.is_floating_point:
            raise TypeError("autodiff.iinfo() requires an integer input type. Use "
                            "autodiff.finfo to handle 'autodiff.iinfo'")
        info = np.iinfo(type.np)
        self.bits, self.max, self.min, self.dtype = info.bits, int(info.max), int(info.min), type.name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, iinfo) and other.dtype == self.dtype

    def __hash__(self) -> int:
        return hash(self.dtype)

    def __repr__(self) -> str:
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"


class Size(tuple):
    """A tensor's shape: a tuple that prints as ``autodiff.Size([2, 3])``."""

    def __repr__(self):
        return f"autodiff.Size({list(self)})"

    __str__ = __repr__

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, item):
        result = tuple.__getitem__(self, item)
        return Size(result) if isinstance(item, slice) else result

    def __add__(self, other):
        return Size(tuple.__add__(self, tuple(other)))


class layout:
    """How a tensor's elements are laid out: autodiff's are all ``strided`` (dense), as
    torch's are unless sparse.

    >>> import autodiff
    >>> autodiff.zeros(2).layout
    autodiff.strided
    """

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self):
        return f"autodiff.{self.name}"

    def __reduce__(self):
        return self.name


strided = layout("strided")


class device:
    """Where a tensor lives: ``device(type='cpu')``, ``device(type='cuda', index=0)``."""

    __slots__ = ("type", "index", "_outer")
    type: str                 # "cpu", "cuda" or "tpu"
    index: Optional[int]

    def __init__(self, type: Union[str, device], index: Optional[int] = None) -> None:
        if isinstance(type, device):
            type, index = type.type, type.index      # type: ignore[assignment]
        if ":" in type:
            type, _, idx = type.partition(":")
            index = int(idx)
        if type not in ("cpu", "cuda", "tpu"):
            raise RuntimeError(
                "Expected one of cpu, cuda, tpu device type at start of device string: " + type)
        self.type = type
        self.index = index

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))

    def __enter__(self):
        """``with autodiff.device("cuda"):`` new tensors go there until the block ends."""
        self._outer = get_default_device()
        set_default_device(self)
        return self

    def __exit__(self, *exc):
        set_default_device(self._outer)

    def jax_device(self):
        """The JAX device this names; a clear error where JAX has none of that kind."""
        platform = {"cuda": "gpu"}.get(self.type, self.type)
        try:
            devices = jax.devices(platform)
        except RuntimeError:
            devices = []
        if not devices:
            raise RuntimeError(
                f"autodiff: no {self.type} device is available to JAX on this machine "
                f"(jax.devices() = {jax.devices()}). Install a JAX build for {self.type} "
                f"(e.g. `pip install -U \"jax[cuda12]\"`) or keep tensors on the CPU.")
        return devices[self.index or 0]


def device_of(array) -> device:
    """The autodiff device of a JAX array (CPU for tracers inside a compiled step)."""
    try:
        d = next(iter(array.devices()))
    except Exception:  # a tracer has no concrete device
        return _CPU
    return _from_jax(d)


def _from_jax(d) -> device:
    if d.platform == "cpu":
        return _CPU
    return device("cuda" if d.platform == "gpu" else d.platform, d.id)


_CPU = device("cpu")


# Where new tensors go. torch makes them on the CPU until told otherwise; JAX makes arrays
# on its default device, a GPU where it has one. autodiff keeps torch's rule in JAX's own
# setting, jax_default_device, so that the arrays JAX makes inside autodiff's operations
# follow it too. Where JAX's default already is the CPU the setting stays unset: set, it
# costs JAX a few microseconds on every call.
def set_default_device(device_: Optional[DeviceLike]) -> None:
    """Where factory functions (``tensor``, ``zeros``, ``randn``, ...) put new tensors, as
    ``torch.set_default_device``: the CPU until set; ``None`` sets it back to the CPU.

    autodiff keeps it in JAX's setting ``jax_default_device``, which also decides where
    raw ``jax.numpy`` calls in the same program put their arrays.
    """
    target = device("cpu" if device_ is None else device_).jax_device()
    jax.config.update("jax_default_device", None if target == jax.devices()[0] else target)


def has_cpu() -> bool:
    """Whether JAX has a CPU backend (``JAX_PLATFORMS=cuda`` leaves it out)."""
    try:
        return bool(jax.devices("cpu"))
    except RuntimeError:
        return False


def get_default_device() -> device:
    """Where factory functions put new tensors (``device(type='cpu')`` unless
    :func:`set_default_device` said otherwise)."""
    return _from_jax(jax.config.jax_default_device  # type: ignore[attr-defined]
                     or jax.devices()[0])


# -- the argument types of the public API's type hints (torch's ``torch.types``) --------
Number = Union[int, float, bool]          # a Python number where torch takes a Scalar
Dims = Union[int, Sequence[int]]          # one dim, or several: ``x.sum(dim=(0, 1))``
DeviceLike = Union[device, str]           # ``device("cpu")``, ``"cuda:0"``
