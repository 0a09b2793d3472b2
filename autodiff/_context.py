"""Process-wide settings torch keeps in its global context (ATen's ``Context``): the
deterministic-algorithms flag, the float32 matmul precision, the thread counts.

They are recorded and read back as torch's are, with torch's checks. Two reach JAX:
the matmul precision is JAX's ``jax_default_matmul_precision`` (torch's default,
``"highest"``, is set on import: no TensorFloat-32 on a GPU unless asked for). The
others change nothing in how autodiff computes: XLA's CPU kernels are deterministic
already, and XLA sizes its own thread pools when it starts.
"""

from __future__ import annotations

import os
import warnings

import jax

_deterministic = {"enabled": False, "warn_only": False}
_intra_op_threads: int = (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                          else os.cpu_count() or 1)
_interop_threads: int | None = None

# torch's precision names -> JAX's
_MATMUL_PRECISIONS = {"highest": "highest", "high": "tensorfloat32", "medium": "bfloat16"}
_matmul_precision = "highest"
jax.config.update("jax_default_matmul_precision", "highest")


def _check_bool(function: str, argument: str, value: object, position: str = "") -> None:
    if type(value) is not bool:
        raise TypeError(f"{function}(): argument '{argument}'{position} must be bool, "
                        f"not {type(value).__name__}")


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Ask for deterministic algorithms (recorded: autodiff's kernels raise for none)."""
    _check_bool("_set_deterministic_algorithms", "mode", mode, " (position 1)")
    _check_bool("_set_deterministic_algorithms", "warn_only", warn_only)
    _deterministic.update(enabled=mode, warn_only=warn_only)


def are_deterministic_algorithms_enabled() -> bool:
    """Whether :func:`use_deterministic_algorithms` is on."""
    return _deterministic["enabled"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    """Whether :func:`use_deterministic_algorithms` was asked to warn only."""
    return _deterministic["warn_only"]


def set_deterministic_debug_mode(debug_mode: int | str) -> None:
    """The deterministic flags as one mode: 0 or "default" (off), 1 or "warn",
    2 or "error"."""
    if not isinstance(debug_mode, (int, str)):
        raise TypeError(f"debug_mode must be str or int, but got {type(debug_mode)}")
    if isinstance(debug_mode, str):
        names = {"default": 0, "warn": 1, "error": 2}
        if debug_mode not in names:
            raise RuntimeError("invalid value of debug_mode, expected one of `default`, "
                               f"`warn`, `error`, but got {debug_mode}")
        debug_mode = names[debug_mode]
    if debug_mode not in (0, 1, 2):
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got "
                           f"{debug_mode}")
    _deterministic.update(enabled=debug_mode > 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode() -> int:
    """0 (off), 1 (warn only) or 2 (on): see :func:`set_deterministic_debug_mode`."""
    if not _deterministic["enabled"]:
        return 0
    return 1 if _deterministic["warn_only"] else 2


def set_float32_matmul_precision(precision: str) -> None:
    """"highest" (float32 throughout), "high" (TensorFloat-32 where a GPU has it) or
    "medium" (bfloat16): JAX's default matmul precision from now on."""
    global _matmul_precision
    if not isinstance(precision, str):
        raise RuntimeError(f"set_float32_matmul_precision expects a str, but got "
                           f"{type(precision).__name__}")
    if precision not in _MATMUL_PRECISIONS:
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
                      "setFloat32MatmulPrecision call has no effect.", UserWarning, stacklevel=2)
        return
    jax.config.update("jax_default_matmul_precision", _MATMUL_PRECISIONS[precision])
    _matmul_precision = precision


def get_float32_matmul_precision() -> str:
    """The precision :func:`set_float32_matmul_precision` set ("highest" at first)."""
    return _matmul_precision


def _check_count(function: str, n: object) -> int:
    if type(n) is not int:
        raise RuntimeError(f"{function} expects an int, but got {type(n).__name__}")
    if n <= 0:
        raise RuntimeError(f"{function} expects a positive integer")
    return n


def set_num_threads(int: int) -> None:
    """The number of threads for intra-op parallelism (recorded: XLA sizes its own)."""
    global _intra_op_threads
    _intra_op_threads = _check_count("set_num_threads", int)


def get_num_threads() -> int:
    """The number of intra-op threads (at first, the cores this process may use)."""
    return _intra_op_threads


def set_num_interop_threads(int: int) -> None:
    """The number of inter-op threads, once per process (recorded: XLA sizes its own)."""
    global _interop_threads
    _check_count("set_num_interop_threads", int)
    if _interop_threads is not None:
        raise RuntimeError("Error: cannot set number of interop threads after parallel work "
                           "has started or set_num_interop_threads called")
    _interop_threads = int


def get_num_interop_threads() -> int:
    """The number of inter-op threads (at first, the intra-op count)."""
    return _interop_threads or _intra_op_threads


def init_num_threads() -> None:
    """Nothing to do: XLA starts its own threads."""
