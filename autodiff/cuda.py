"""``autodiff.cuda``, as ``torch.cuda``: is there an NVIDIA GPU, and how many.

>>> import autodiff
>>> device = "cuda" if autodiff.cuda.is_available() else "cpu"
"""

import jax

__all__ = ["device_count", "is_available"]


def is_available() -> bool:
    """Whether JAX sees a GPU."""
    try:
        return len(jax.devices("gpu")) > 0
    except RuntimeError:
        return False


def device_count() -> int:
    """How many GPUs JAX sees."""
    return len(jax.devices("gpu")) if is_available() else 0
