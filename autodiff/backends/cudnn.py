"""``autodiff.backends.cudnn``, as ``torch.backends.cudnn``: the switches tutorials set
(``benchmark``, ``deterministic``) are kept and read back; XLA chooses its cuDNN
algorithms itself."""

from typing import Optional

from . import cuda

__all__ = ["allow_tf32", "benchmark", "deterministic", "enabled", "is_available", "version"]

enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available() -> bool:
    """Whether cuDNN can be used: JAX sees an NVIDIA GPU."""
    return cuda.is_built()


def version() -> Optional[int]:
    """cuDNN's version as an int (``90100`` for 9.1.0), or None without it."""
    if not is_available():
        return None
    from jax._src.lib import cuda_versions
    return cuda_versions.cudnn_get_version() if cuda_versions else None
