"""autodiff: a tape-based reverse-mode autograd engine on jax.numpy, faithful to PyTorch.

``import autodiff as torch`` runs a learner's autograd snippet unchanged::

    >>> import autodiff as torch
    >>> x = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    >>> y = x * x + 3 * x + 1
    >>> y.backward()
    >>> x.grad
    tensor(7., dtype=autodiff.float64)

Start reading at ``autodiff/tape.py`` (the engine), then ``autodiff/ops/`` (the
operations by family, each beside the row of the derivative table it applies).
"""

import builtins as _builtins
import math as _math
import typing as _typing

import jax as _jax

_jax.config.update("jax_enable_x64", True)   # float64 is real; float32 stays the default

from . import dtypes as _dtypes
from ._printing import set_printoptions
from .dtypes import (Size, contiguous_format, device, dtype, finfo, iinfo, layout,
                     memory_format, preserve_format, strided, promote_types,
                     can_cast,
                     get_default_device, set_default_device, get_default_dtype,
                     set_default_dtype)

if _dtypes.has_cpu() and _jax.config.jax_default_device is None:  # type: ignore[attr-defined]
    set_default_device("cpu")                # new tensors go to the CPU, as torch's do
from .tape import (Tensor, enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled,
                   is_warn_always_enabled, no_grad, set_grad_enabled, set_warn_always)
from .ops import *  # noqa: F401,F403  (the torch.* functions)
from .ops import (abs, all, any, max, min, pow, round, sum,  # noqa: F401  (shadow builtins)
                  Generator, default_generator, return_types)
from . import (_not_provided, accelerator, autograd, backends, cuda, linalg, nn, optim,
               profiler, random, serialization, testing, utils)
from ._context import (are_deterministic_algorithms_enabled, get_deterministic_debug_mode,
                       get_float32_matmul_precision, get_num_interop_threads,
                       get_num_threads, init_num_threads,
                       is_deterministic_algorithms_warn_only_enabled,
                       set_deterministic_debug_mode, set_float32_matmul_precision,
                       set_num_interop_threads, set_num_threads,
                       use_deterministic_algorithms)
from .autograd import is_anomaly_check_nan_enabled, is_anomaly_enabled
from .autograd.anomaly_mode import set_anomaly_enabled
from .random import get_rng_state, initial_seed, seed, set_rng_state
from .serialization import load, save
from .nn.module import typename
from .compile import compile
from .nn.functional import (conv1d, conv2d, conv3d,  # noqa: F401  (torch.conv2d is F.conv2d)
                            adaptive_avg_pool1d, bilinear, channel_shuffle, conv_transpose1d,
                            conv_transpose2d, conv_transpose3d, cosine_similarity, hardshrink,
                            native_channel_shuffle, pairwise_distance, pdist, pixel_shuffle,
                            pixel_unshuffle, prelu, rms_norm)
from .nn.functional._aten import *  # noqa: F401,F403  (torch.dropout...: ATen's signatures)

bool = _dtypes.bool_
uint8, int8, int16, int32, int64 = (_dtypes.uint8, _dtypes.int8, _dtypes.int16,
                                    _dtypes.int32, _dtypes.int64)
float16, bfloat16, float32, float64 = (_dtypes.float16, _dtypes.bfloat16, _dtypes.float32,
                                       _dtypes.float64)
half, float, double, long, int, short = (float16, float32, float64, int64, int32, int16)

# torch's constants
nan, inf, pi, e = _math.nan, _math.inf, _math.pi, _math.e
newaxis: None = None

__version__ = "0.1.0"


# (the hints below name Python's types ``_builtins.int``...: here ``bool``, ``int`` and
# ``float`` are dtypes)


def is_tensor(obj: object) -> _typing.TypeGuard[Tensor]:
    """Whether ``obj`` is an autodiff tensor."""
    return isinstance(obj, Tensor)


def is_storage(obj: object) -> _builtins.bool:
    """Whether ``obj`` is a storage: never, autodiff has none (a tensor's elements are a
    JAX array)."""
    return False


class OutOfMemoryError(RuntimeError):
    """torch's out-of-memory error, for ``except`` clauses: autodiff raises JAX's own
    errors (``XlaRuntimeError: RESOURCE_EXHAUSTED``) when a device runs out."""


class AcceleratorError(RuntimeError):
    """torch's error of an accelerator's runtime, for ``except`` clauses: autodiff
    raises JAX's own errors."""


def numel(input: Tensor) -> _builtins.int:
    """The number of elements of ``input``."""
    return input.numel()


def is_floating_point(input: Tensor) -> _builtins.bool:
    """Whether ``input`` has a floating-point dtype."""
    return input.dtype.is_floating_point



# torch's functions refuse a first argument that is not a tensor, and take out= (not its
# Tensor methods: see autodiff/ops/out.py)
if not _typing.TYPE_CHECKING:
    from .ops import __all__ as _ops_names
    from .ops.out import torch_function as _torch_function
    _nn_forms = [name for name, value in globals().items()     # (torch.conv2d, dropout...)
                 if getattr(value, "__module__", "").startswith("autodiff.nn.functional")]
    for _name in (*_ops_names, *_nn_forms, "is_floating_point", "numel"):
        globals()[_name] = _torch_function(globals()[_name], _name)
    del _ops_names, _torch_function, _nn_forms, _name   # (no "Did you mean" to them)


# Parts of torch autodiff leaves out on purpose (autodiff/_not_provided.py): asking for one
# says so, in an AttributeError (``hasattr(autodiff, "jit")`` is False, as for any missing
# name); a Tensor attribute left out is a class attribute that raises when read.
_NOT_PROVIDED = _not_provided.by_name(_not_provided.TORCH_NOT_PROVIDED)
_TENSOR_NOT_PROVIDED = _not_provided.TENSOR_NOT_PROVIDED
for _name, _why in _not_provided.by_name(_TENSOR_NOT_PROVIDED).items():
    setattr(Tensor, _name, _not_provided.NotProvided(_name, _why))
del _name, _why


# (hidden from a type checker, which would otherwise take any name as this function's)
if not _typing.TYPE_CHECKING:
    __getattr__ = _not_provided.refuser()
