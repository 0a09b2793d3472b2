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

import jax.numpy as jnp

from . import cuda
from .dtypes import device

__all__ = ["current_accelerator", "current_device_index", "device_count", "is_available",
           "synchronize"]


def is_available():
    """Whether an accelerator is there to use."""
    return cuda.is_available()


def current_accelerator(check_available=False):
    """The accelerator's device type, ``device(type='cuda')``, or None on a CPU-only
    machine (``check_available`` asks, in addition, that it be usable)."""
    return device("cuda") if is_available() else None


def device_count():
    """How many accelerator devices there are (0 without one)."""
    return cuda.device_count()


def _require():
    if not is_available():
        raise RuntimeError("Cannot access accelerator device when none is available.")


def current_device_index():
    """The index of the accelerator device in use (always 0 in autodiff)."""
    _require()
    return 0


def synchronize(device=None):
    """Wait until the accelerator has finished its queued work."""
    _require()
    jnp.zeros(()).block_until_ready()       # a device runs its work in order: the last is done
