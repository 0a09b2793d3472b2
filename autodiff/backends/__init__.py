"""``autodiff.backends``: what the tutorials ask of ``torch.backends`` before choosing a
device.

autodiff's kernels are XLA's (through JAX), not torch's, so each submodule answers for
JAX: ``backends.cuda.is_built()`` is whether JAX can see an NVIDIA GPU, ``backends.mps``
is never available (JAX has no Metal backend here). The switches tutorials set
(``backends.cudnn.benchmark = True``, ``deterministic``, ``allow_tf32``) are kept and
read back, and change nothing: XLA makes those choices itself.

>>> import autodiff
>>> device = "mps" if autodiff.backends.mps.is_available() else "cpu"
>>> device
'cpu'
"""

from . import cpu, cuda, cudnn, mps

__all__ = ["cpu", "cuda", "cudnn", "mps"]
