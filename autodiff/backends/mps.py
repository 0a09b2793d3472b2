"""``autodiff.backends.mps``, as ``torch.backends.mps``: Apple's Metal GPUs. autodiff's
JAX has no Metal backend, so neither is ever true."""

__all__ = ["is_available", "is_built"]


def is_available() -> bool:
    """Whether tensors can go to an Apple GPU: never, for autodiff."""
    return False


def is_built() -> bool:
    """Whether autodiff was built with Metal support: no."""
    return False
