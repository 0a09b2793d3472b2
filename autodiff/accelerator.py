"""``autodiff.accelerator``, as ``torch.accelerator``: the device-agnostic way the current
PyTorch quickstart picks where to train::

    device = (torch.accelerator.current_accelerator().type
              if torch.accelerator.is_available() else "cpu")

autodiff's one accelerator type is CUDA (a GPU JAX sees).

>>> import autodiff
>>> autodiff.accelerator.is_available()
False
>>> autodiff.accelerator.current_accelerator() is None
True
"""

from __future__ import annotations

from typing import Optional, Union

from . import cuda
from .dtypes import DeviceLike, device

__all__ = ["current_accelerator", "current_device_index", "device_count", "is_available",
           "synchronize"]


def is_available() -> bool:
    """Whether an accelerator is there to use."""
    return cuda.is_available()


def current_accelerator(check_available: bool = False) -> Optional[device]:
    """The accelerator's device type, ``device(type='cuda')``, or None on a CPU-only
    machine (``check_available`` asks, in addition, that it be usable)."""
    return device("cuda") if is_available() else None


def device_count() -> int:
    """How many accelerator devices there are (0 without one)."""
    return cuda.device_count()


def _require() -> None:
    if not is_available():
        raise RuntimeError("Cannot access accelerator device when none is available.")


def current_device_index() -> int:
    """The index of the accelerator device in use (always 0 in autodiff)."""
    _require()
    return 0


def synchronize(device: Union[DeviceLike, int, None] = None) -> None:
    """Wait until the accelerator has finished its queued work."""
    _require()
    cuda.synchronize(device)
