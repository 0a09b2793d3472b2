"""torch.random: the default generator's seed and state, as functions.

autodiff has one generator for every device (its draws are made on the host, then
placed), so what torch does "on all devices" is done once here. Its state is NumPy's,
not torch's Mersenne Twister: a state saved by one cannot be restored by the other.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from typing import Any, Optional

from .ops import default_generator, manual_seed
from .tape import Tensor

__all__ = ["fork_rng", "get_rng_state", "initial_seed", "manual_seed", "seed",
           "set_rng_state"]


def get_rng_state() -> Tensor:
    """The default generator's state, a uint8 tensor."""
    return default_generator.get_state()


def set_rng_state(new_state: Tensor) -> None:
    """Restore the default generator's state from :func:`get_rng_state`."""
    default_generator.set_state(new_state)


def seed() -> int:
    """Seed the default generator from the operating system's entropy; return the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    """The seed the default generator was last seeded with."""
    return default_generator.initial_seed()


@contextlib.contextmanager
def fork_rng(devices: Optional[Iterable[Any]] = None, enabled: bool = True,
             _caller: str = "fork_rng", _devices_kw: str = "devices",
             device_type: Optional[str] = None) -> Iterator[None]:
    """Run the block, then put the default generator back in the state it was in
    (``devices`` and ``device_type`` are accepted: one generator serves them all)."""
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)
