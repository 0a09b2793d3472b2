"""``autodiff.backends.cuda``, as ``torch.backends.cuda``: whether CUDA is there, and
the matmul switch tutorials set."""

from .. import cuda

__all__ = ["is_built", "matmul"]


def is_built() -> bool:
    """Whether autodiff can run on an NVIDIA GPU: JAX's CUDA backend is installed and sees
    one (torch: whether torch was compiled with CUDA)."""
    return cuda.is_available()


class cuBLASModule:
    """``backends.cuda.matmul``: precision switches, kept and read back (XLA picks the
    matmul precision itself)."""

    allow_tf32 = False
    allow_fp16_reduced_precision_reduction = True
    allow_bf16_reduced_precision_reduction = True


matmul = cuBLASModule()
