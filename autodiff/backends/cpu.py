"""``autodiff.backends.cpu``, as ``torch.backends.cpu``."""

import platform

__all__ = ["get_cpu_capability"]

# the CPU flags each of torch's vector capabilities needs (ATen's cpuinfo checks)
_CAPABILITIES = (("AVX512", {"avx512f", "avx512bw", "avx512vl", "avx512dq"}),
                 ("AVX2", {"avx2", "fma"}))


def get_cpu_capability() -> str:
    """The widest vector instruction set this x86 CPU offers, named as torch names it
    (``"AVX512"``, ``"AVX2"``), or ``"DEFAULT"``."""
    if platform.system() != "Linux":
        return "DEFAULT"
    with open("/proc/cpuinfo") as info:
        flags = next((line.split(":", 1)[1].split() for line in info
                      if line.startswith("flags")), [])
    return next((name for name, needed in _CAPABILITIES if needed <= set(flags)), "DEFAULT")
