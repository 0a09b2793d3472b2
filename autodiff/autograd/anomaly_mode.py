"""Anomaly detection: where did the failing node come from?

With it on, every node records the user's stack when it is created; when a node's
backward fails (or returns NaN, with ``check_nan``), a warning shows that stack, so the
forward line that produced the bad node is named.

>>> import warnings, autodiff
>>> x = autodiff.tensor([-1.0], requires_grad=True)
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")
...     with autodiff.autograd.detect_anomaly():
...         try:
...             x.log().sqrt().sum().backward()
...         except RuntimeError as e:
...             print(e)
Function 'SqrtBackward0' returned nan values in its 0th output.
"""

from __future__ import annotations

import warnings
from typing import Callable, ParamSpec, TypeVar

from ..tape import anomaly

_P = ParamSpec("_P")
_R = TypeVar("_R")


def is_anomaly_enabled() -> bool:
    """Whether anomaly detection is on."""
    return anomaly.enabled


def is_anomaly_check_nan_enabled() -> bool:
    """Whether anomaly detection also checks each node's gradients for NaN."""
    return anomaly.check_nan


def set_anomaly_enabled(enabled: bool, check_nan: bool = True) -> None:
    """Turn anomaly detection on or off (``torch.set_anomaly_enabled``, the plain call
    under :class:`set_detect_anomaly`)."""
    for position, (name, value) in enumerate((("enabled", enabled), ("check_nan", check_nan))):
        if type(value) is not bool:
            raise TypeError(f"set_anomaly_enabled(): argument '{name}' (position "
                            f"{position + 1}) must be bool, not {type(value).__name__}")
    anomaly.enabled, anomaly.check_nan = enabled, check_nan


class set_detect_anomaly:
    """Turn anomaly detection on or off: a plain call or a context manager."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev = (anomaly.enabled, anomaly.check_nan)
        anomaly.enabled, anomaly.check_nan = bool(mode), bool(check_nan)

    def __enter__(self) -> set_detect_anomaly:
        return self

    def __exit__(self, *exc: object) -> None:
        anomaly.enabled, anomaly.check_nan = self.prev


class detect_anomaly:
    """A context manager (or decorator) turning anomaly detection on."""

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime "
                      "and should only be enabled for debugging.", UserWarning, stacklevel=2)

    def __enter__(self) -> None:
        self.prev = (anomaly.enabled, anomaly.check_nan)
        anomaly.enabled, anomaly.check_nan = True, self.check_nan

    def __exit__(self, *exc: object) -> None:
        anomaly.enabled, anomaly.check_nan = self.prev

    def __call__(self, fn: Callable[_P, _R]) -> Callable[_P, _R]:
        def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            with self.__class__(self.check_nan):
                return fn(*args, **kwargs)
        return wrapper
