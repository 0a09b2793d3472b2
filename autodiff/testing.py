"""``autodiff.testing``, as ``torch.testing``: :func:`assert_close`, with torch's rules and
messages.

Two inputs are compared in two passes, as torch compares them. First their structure:
sequences (not strings) item by item, mappings key by key, down to pairs of leaves (two
tensors, two numbers, two booleans, ``None``), each pair with its tolerances. Then the
pairs' values, in order; the first that differs raises. So a structural error anywhere
(lengths, keys, a pair no rule handles) is reported before any difference of values.

Tensors are close where ``|actual - expected| <= atol + rtol * |expected|``, elementwise,
with tolerances by dtype unless both are given (float32: ``rtol=1.3e-6, atol=1e-5``).
"""

from __future__ import annotations

import cmath
import collections.abc
import warnings
from collections.abc import Callable
from typing import Any, NoReturn, Optional, Union

import numpy as np

from . import dtypes as D, ops
from .tape import Tensor, no_grad

__all__ = ["assert_allclose", "assert_close"]

_NOT_PROVIDED = {"make_tensor": "random test tensors: autodiff.rand, randint and friends make "
                                "them", "FileCheck": "TorchScript's graph checks"}


def __getattr__(name: str) -> NoReturn:
    if name in _NOT_PROVIDED:
        raise AttributeError(f"module 'autodiff.testing' has no attribute '{name}': autodiff "
                             f"does not provide torch.testing.{name} ({_NOT_PROVIDED[name]})")
    raise AttributeError(f"module 'autodiff.testing' has no attribute '{name}'")

# {dtype: (rtol, atol)}; a dtype not listed (integers, bool) is compared exactly
_PRECISIONS = {D.float16: (1e-3, 1e-5), D.bfloat16: (0.016, 1e-5), D.float32: (1.3e-6, 1e-5),
               D.float64: (1e-7, 1e-7)}
_NUMBER_DTYPES = {int: D.int64, float: D.float64}      # a Python number's dtype, for them


class _Mismatch(Exception):
    """What ``assert_close`` will raise: the error's type, its text, and where in the
    inputs (the keys and indices down to the pair: ``[0]['a']``)."""

    def __init__(self, type: type[Exception], text: str, where: tuple = ()) -> None:
        super().__init__(text)
        self.type, self.text, self.where = type, text, where

    def error(self, msg: Union[str, Callable[[str], str], None]) -> Exception:
        if isinstance(msg, str):
            return self.type(msg)
        text = self.text
        if self.where:
            text += f"\n\nThe failure occurred for item {''.join(str([k]) for k in self.where)}"
        return self.type(msg(text) if callable(msg) else text)


def assert_close(actual: Any, expected: Any, *, allow_subclasses: bool = True,
                 rtol: Optional[float] = None, atol: Optional[float] = None,
                 equal_nan: bool = False, check_device: bool = True, check_dtype: bool = True,
                 check_layout: bool = True, check_stride: bool = False,
                 msg: Union[str, Callable[[str], str], None] = None) -> None:
    """Raise an ``AssertionError`` unless ``actual`` and ``expected`` are close: tensors
    (elementwise, and of the same shape, dtype and device), numbers, booleans, ``None``,
    or sequences and mappings of them.

    >>> import autodiff
    >>> autodiff.testing.assert_close(autodiff.tensor([1.0, 2.0]), autodiff.tensor([1.0, 2.0]))
    """
    checks = dict(equal_nan=equal_nan, check_device=check_device, check_dtype=check_dtype,
                  check_stride=check_stride)
    try:
        pairs = _pairs(actual, expected, (), (rtol, atol), allow_subclasses)
        with no_grad():
            for compare, a, e, where, (pair_rtol, pair_atol) in pairs:
                compare(a, e, where, pair_rtol, pair_atol, **checks)
    except _Mismatch as mismatch:
        raise mismatch.error(msg) from None


def _pairs(actual, expected, where, tolerances, allow_subclasses):
    """The leaves to compare, in order, each as (comparison, actual, expected, where,
    tolerances): the structural pass."""
    if _is_sequence(actual) and _is_sequence(expected):
        if len(actual) != len(expected):
            raise _Mismatch(AssertionError, f"The length of the sequences mismatch: "
                                            f"{len(actual)} != {len(expected)}", where)
        return [pair for i in range(len(actual))
                for pair in _pairs(actual[i], expected[i], (*where, i), tolerances,
                                  allow_subclasses)]
    if isinstance(actual, collections.abc.Mapping) and isinstance(expected,
                                                                  collections.abc.Mapping):
        keys, expected_keys = set(actual), set(expected)
        if keys != expected_keys:
            raise _Mismatch(AssertionError,
                            f"The keys of the mappings do not match:\n"
                            f"Missing keys in the actual mapping: {sorted(expected_keys - keys)}\n"
                            f"Additional keys in the actual mapping: "
                            f"{sorted(keys - expected_keys)}", where)
        try:
            ordered = sorted(keys)
        except TypeError:
            ordered = list(keys)
        return [pair for key in ordered
                for pair in _pairs(actual[key], expected[key], (*where, key), tolerances,
                                   allow_subclasses)]
    if actual is None or expected is None:
        return [(_compare_none, actual, expected, where, (0.0, 0.0))]
    if isinstance(actual, (bool, np.bool_)) and isinstance(expected, (bool, np.bool_)):
        return [(_compare_booleans, bool(actual), bool(expected), where, (0.0, 0.0))]
    numbers = (int, float, complex, np.number)
    if isinstance(actual, numbers) and isinstance(expected, numbers):
        actual, expected = (x.item() if isinstance(x, np.number) else x
                            for x in (actual, expected))
        dtypes = [_NUMBER_DTYPES.get(type(x), D.float64) for x in (actual, expected)]
        return [(_compare_numbers, actual, expected, where,
                 _tolerances(dtypes, tolerances, where))]
    tensors = _as_tensors(actual, expected, allow_subclasses)
    if tensors is None:
        raise _Mismatch(TypeError, f"No comparison pair was able to handle inputs of type "
                                   f"{type(actual)} and {type(expected)}.", where)
    return [(_compare_tensors, *tensors, where,
             _tolerances([t.dtype for t in tensors], tolerances, where))]


def _is_sequence(x) -> bool:
    return isinstance(x, collections.abc.Sequence) and not isinstance(x, str)


def _as_tensors(actual, expected, allow_subclasses):
    """Two tensors (NumPy arrays made tensors), or None where the rule for tensors does
    not take the pair: their types must be one the other's subclass."""
    if not (isinstance(actual, type(expected)) or isinstance(expected, type(actual))):
        return None
    if not allow_subclasses and type(actual) is not type(expected):
        return None
    try:
        return tuple(x if isinstance(x, Tensor) else ops.as_tensor(x)
                     for x in (actual, expected))
    except Exception:
        return None


def _tolerances(dtypes, tolerances, where):
    rtol, atol = tolerances
    if (rtol is None) != (atol is None):
        raise _Mismatch(ValueError, f"Both 'rtol' and 'atol' must be either specified or "
                                    f"omitted, but got no {'rtol' if rtol is None else 'atol'}.",
                        where)
    if rtol is not None:
        return rtol, atol
    rtols, atols = zip(*(_PRECISIONS.get(dtype, (0.0, 0.0)) for dtype in dtypes))
    return max(rtols), max(atols)


# -- the comparisons of values: each raises a _Mismatch ---------------------------------

def _compare_none(actual, expected, where, rtol, atol, **options) -> None:
    if not (actual is None and expected is None):
        raise _Mismatch(AssertionError, f"None mismatch: {actual} is not {expected}", where)


def _compare_booleans(actual, expected, where, rtol, atol, **options) -> None:
    if actual is not expected:
        raise _Mismatch(AssertionError, f"Booleans mismatch: {actual} is not {expected}", where)


def _compare_numbers(actual, expected, where, rtol, atol, *, equal_nan, check_dtype,
                     **options) -> None:
    if check_dtype and type(actual) is not type(expected):
        raise _Mismatch(AssertionError, f"The (d)types do not match: {type(actual)} != "
                                        f"{type(expected)}.", where)
    if actual == expected or (equal_nan and cmath.isnan(actual) and cmath.isnan(expected)):
        return
    difference = abs(actual - expected)
    if cmath.isfinite(difference) and difference <= atol + rtol * abs(expected):
        return
    raise _Mismatch(AssertionError, _scalar_message(actual, expected, rtol, atol), where)


def _compare_tensors(actual, expected, where, rtol, atol, *, equal_nan, check_device,
                     check_dtype, check_stride, **options) -> None:
    checks = [("shape", True), ("stride()", check_stride), ("device", check_device),
              ("dtype", check_dtype)]
    for attribute, checked in checks:
        a, e = ((x.stride() if attribute == "stride()" else getattr(x, attribute))
                for x in (actual, expected))
        if checked and a != e:
            raise _Mismatch(AssertionError, f"The values for attribute '{attribute}' do "
                                            f"not match: {a} != {e}.", where)
    if actual.device != expected.device:
        actual, expected = actual.cpu(), expected.cpu()
    if actual.dtype != expected.dtype:
        dtype = D.promote_types(actual.dtype, expected.dtype)
        actual, expected = actual.to(dtype), expected.to(dtype)
    matches = ops.isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan)
    if bool(matches.all()):
        return
    if actual.shape == ():
        text = _scalar_message(actual.item(), expected.item(), rtol, atol)
    else:
        text = _tensor_message(actual, expected, matches, rtol, atol)
    raise _Mismatch(AssertionError, text, where)


# -- the messages ------------------------------------------------------------------------

def _message(identifier, extra, rtol, atol, absolute, relative) -> str:
    """torch's text: a header, ``extra``, then the greatest absolute and relative
    differences, each ``(value, index or None)``, with the tolerances unless both are 0."""
    equality = rtol == 0 and atol == 0
    text = f"{identifier} are not {'equal' if equality else 'close'}!\n\n{extra.strip()}\n"
    for kind, (difference, index), tolerance in (("absolute", absolute, atol),
                                                ("relative", relative, rtol)):
        if index is None:
            text += f"{kind.title()} difference: {difference}"
        else:
            text += f"Greatest {kind} difference: {difference} at index {index}"
        text += "" if equality else f" (up to {tolerance} allowed)"
        text += "\n"
    return text.strip()


def _scalar_message(actual, expected, rtol, atol) -> str:
    difference = abs(actual - expected)
    relative = float("inf") if expected == 0 else difference / abs(expected)
    return _message("Scalars", f"Expected {expected} but got {actual}.", rtol, atol,
                    (difference, None), (relative, None))


def _tensor_message(actual, expected, matches, rtol, atol) -> str:
    """The count of mismatched elements and the greatest differences among them, found
    with tensor ops in the compared dtype (integers in int64), as torch finds them."""
    total, shape = matches.numel(), tuple(matches.shape)
    mismatched = total - int(matches.sum())
    extra = f"Mismatched elements: {mismatched} / {total} ({mismatched / total:.1%})"
    actual, expected, matches = actual.flatten(), expected.flatten(), matches.flatten()
    if not actual.dtype.is_floating_point:
        actual, expected = actual.to(D.int64), expected.to(D.int64)
    absolute = (actual - expected).abs()
    absolute[matches] = 0                  # only the mismatched elements count
    relative = absolute / expected.abs()
    relative[matches] = 0
    greatest = []
    for difference in (absolute, relative):
        value, flat_index = ops.max(difference, 0)
        index = tuple(int(i) for i in np.unravel_index(int(flat_index), shape))
        greatest.append((value.item(), index))
    return _message("Tensor-likes", extra, rtol, atol, *greatest)


def assert_allclose(actual: Any, expected: Any, rtol: Optional[float] = None,
                    atol: Optional[float] = None, equal_nan: bool = True,
                    msg: str = "") -> None:
    """Deprecated: :func:`assert_close` with looser tolerances and ``equal_nan=True``."""
    warnings.warn("`autodiff.testing.assert_allclose()` is deprecated since 1.12 and will be "
                  "removed in a future release. Please use `autodiff.testing.assert_close()` "
                  "instead. You can find detailed upgrade instructions in "
                  "https://github.com/pytorch/pytorch/issues/61844.", FutureWarning,
                  stacklevel=2)
    if not isinstance(actual, Tensor):
        actual = ops.tensor(actual)
    if not isinstance(expected, Tensor):
        expected = ops.tensor(expected, dtype=actual.dtype)
    if rtol is None and atol is None:
        looser = {D.float16: (1e-3, 1e-3), D.float32: (1e-4, 1e-5), D.float64: (1e-5, 1e-8)}
        rtol, atol = (max(t) for t in zip(*(looser.get(x.dtype, (0.0, 0.0))
                                            for x in (actual, expected))))
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan,
                 check_device=True, check_dtype=False, check_stride=False, msg=msg or None)
