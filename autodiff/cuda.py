"""``autodiff.cuda``, as ``torch.cuda``: is there an NVIDIA GPU, and what scripts ask of it.

>>> import autodiff
>>> device = "cuda" if autodiff.cuda.is_available() else "cpu"

autodiff runs on JAX, so the answers are JAX's, for the GPUs JAX sees:

* **random numbers**: autodiff has one generator for every device (``autodiff.random``).
  With a GPU, ``manual_seed``, ``seed``, ``initial_seed``, ``get_rng_state`` and
  ``set_rng_state`` (``_all`` or not) are that generator's: seeding CUDA seeds the CPU's
  draws too.
* **devices**: ``current_device()`` is 0 (autodiff's default GPU is JAX's first),
  ``get_device_name`` and ``get_device_capability`` are the JAX device's ``device_kind``
  and ``compute_capability``; ``synchronize`` waits for the GPU's queued work.
* **memory**: the JAX device's allocator statistics: ``memory_allocated`` its
  ``bytes_in_use``, ``max_memory_allocated`` its ``peak_bytes_in_use``,
  ``memory_reserved`` its ``pool_bytes``. ``empty_cache`` does nothing (JAX frees an
  array's memory when the array is collected).
* **set-up**: JAX starts its GPU with its other backends, when autodiff is imported, so
  ``is_initialized()`` is ``is_available()`` and ``init()`` has nothing to do.

Without a GPU each does what torch's does on a machine without CUDA: seeding and
setting the state are silently deferred (they change nothing), the memory counts are 0,
and what needs a device raises torch's ``AssertionError``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional, Union

import jax

from . import random
from .dtypes import DeviceLike, device as _device
from .tape import Tensor

__all__ = ["current_device", "device_count", "empty_cache", "get_device_capability",
           "get_device_name", "get_rng_state", "init", "initial_seed", "is_available",
           "is_initialized", "manual_seed", "manual_seed_all", "max_memory_allocated",
           "memory_allocated", "memory_reserved", "seed", "seed_all", "set_rng_state",
           "synchronize"]

DeviceArg = Union[DeviceLike, int, None]


def is_available() -> bool:
    """Whether JAX sees a GPU."""
    try:
        return len(jax.devices("gpu")) > 0
    except RuntimeError:
        return False


def device_count() -> int:
    """How many GPUs JAX sees."""
    return len(jax.devices("gpu")) if is_available() else 0


def _require() -> None:
    """torch's error where it needs a GPU and there is none."""
    if not is_available():
        raise AssertionError("Torch not compiled with CUDA enabled")


def _gpu(device: DeviceArg) -> Any:
    """The JAX GPU ``device`` names (an index, ``"cuda:1"``, a device; None: the first)."""
    _require()
    return (_device("cuda", device) if isinstance(device, int) or device is None
            else _device(device)).jax_device()


# -- the random state: the one generator, where there is a GPU -----------------------------

def manual_seed(seed: int) -> None:
    """Seed the GPU's generator (autodiff's one generator)."""
    if is_available():
        random.manual_seed(seed)


def manual_seed_all(seed: int) -> None:
    """Seed every GPU's generator: autodiff's one generator."""
    manual_seed(seed)


def seed() -> None:
    """Seed the GPU's generator from the operating system's entropy."""
    if is_available():
        random.seed()


def seed_all() -> None:
    """:func:`seed`, for every GPU: the same one generator."""
    seed()


def initial_seed() -> int:
    """The seed the GPU's generator was last seeded with."""
    _require()
    return random.initial_seed()


def get_rng_state(device: DeviceArg = "cuda") -> Tensor:
    """The GPU generator's state, a uint8 tensor."""
    _require()
    return random.get_rng_state()


def set_rng_state(new_state: Tensor, device: DeviceArg = "cuda") -> None:
    """Restore the GPU generator's state from :func:`get_rng_state`."""
    if is_available():
        random.set_rng_state(new_state)


# -- devices -------------------------------------------------------------------------------

def is_initialized() -> bool:
    """Whether the GPU is set up: JAX sets it up on import, where there is one."""
    return is_available()


def init() -> None:
    """Set up the GPU (nothing left to do: see :func:`is_initialized`)."""
    _require()


def current_device() -> int:
    """The index of the GPU in use: 0, JAX's first."""
    _require()
    return 0


def get_device_name(device: DeviceArg = None) -> str:
    """The GPU's model name, e.g. ``'NVIDIA H100 80GB HBM3'``."""
    return _gpu(device).device_kind


def get_device_capability(device: DeviceArg = None) -> tuple[int, int]:
    """The GPU's CUDA compute capability, (major, minor)."""
    major, minor = _gpu(device).compute_capability.split(".")
    return int(major), int(minor)


def synchronize(device: DeviceArg = None) -> None:
    """Wait until the GPU has finished its queued work."""
    jax.device_put(0, _gpu(device)).block_until_ready()   # it runs its work in order


# -- memory --------------------------------------------------------------------------------

def _memory(statistic: str, device: DeviceArg) -> int:
    """One of the JAX allocator's counts for the GPU (0 without one)."""
    if not is_available():
        return 0
    return (_gpu(device).memory_stats() or {}).get(statistic, 0)


def memory_allocated(device: DeviceArg = None) -> int:
    """Bytes held by live tensors on the GPU."""
    return _memory("bytes_in_use", device)


def max_memory_allocated(device: DeviceArg = None) -> int:
    """The most bytes held by live tensors at once, since the program started."""
    return _memory("peak_bytes_in_use", device)


def memory_reserved(device: DeviceArg = None) -> int:
    """Bytes the allocator holds on the GPU, in use or not."""
    return _memory("pool_bytes", device)


def empty_cache() -> None:
    """Release cached GPU memory: nothing to do in JAX (see the module docstring)."""


# torch.cuda's names autodiff leaves out say so (autodiff/_not_provided.py);
# hidden from a type checker, which would otherwise take any name as this function's
if not TYPE_CHECKING:
    from . import _not_provided
    __getattr__ = _not_provided.refuser("cuda")
