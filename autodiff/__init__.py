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
                     memory_format, preserve_format, strided, promote_types, result_type,
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
from . import (accelerator, autograd, backends, cuda, linalg, nn, optim, profiler,
               serialization, utils)
from .autograd import is_anomaly_check_nan_enabled, is_anomaly_enabled
from .serialization import load, save
from .nn.module import typename
from .compile import compile
from .nn.functional import (conv1d, conv2d, conv3d,  # noqa: F401  (torch.conv2d is F.conv2d)
                            adaptive_avg_pool1d, bilinear, channel_shuffle, conv_transpose1d,
                            conv_transpose2d, conv_transpose3d, cosine_similarity, hardshrink,
                            native_channel_shuffle, pairwise_distance, pdist, pixel_shuffle,
                            pixel_unshuffle, prelu, rms_norm)
from .nn.functional._aten import *  # noqa: F401,F403  (torch.dropout...: ATen's signatures)
from .ops.out import OUT_FUNCTIONS as _OUT_FUNCTIONS, with_out as _with_out

if not _typing.TYPE_CHECKING:      # torch's functions take out= (not its Tensor methods)
    for _name in _OUT_FUNCTIONS:
        globals()[_name] = _with_out(globals()[_name])

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


def numel(input: Tensor) -> _builtins.int:
    """The number of elements of ``input``."""
    return input.numel()


def is_floating_point(input: Tensor) -> _builtins.bool:
    """Whether ``input`` has a floating-point dtype."""
    return input.dtype.is_floating_point



# Parts of torch autodiff leaves out on purpose. Asking for one says so, in an
# AttributeError (so that ``hasattr(autodiff, "jit")`` is False, as for any missing name).
_NOT_PROVIDED = {
    "jit": "TorchScript; autodiff.compile compiles a training step with JAX instead",
    "fx": "graph capture", "export": "graph capture", "onnx": "ONNX export",
    "func": "torch.func's transforms; autograd.functional has vjp, jvp, jacobian, hessian",
    "vmap": "batching transforms", "sparse": "sparse tensors", "nested": "nested tensors",
    "masked": "masked tensors", "fft": "Fourier transforms",
    "special": "special functions (add one: docs/howto/add-op.md)",
    "distributed": "process groups; autodiff.compile(step, mesh=...) is data parallel",
    "amp": "mixed precision", "autocast": "mixed precision",
    "quantization": "quantized tensors", "distributions": "probability distributions",
    "complex64": "complex numbers", "complex128": "complex numbers",
    "view_as_real": "complex numbers", "view_as_complex": "complex numbers",
    "hub": "downloading models",
    "channels_last": "memory formats other than contiguous: a JAX array has no strides to "
                     "reorder, so every tensor is contiguous",
    "channels_last_3d": "memory formats other than contiguous: a JAX array has no strides "
                        "to reorder, so every tensor is contiguous",
}


# ... and Tensor attributes of torch's that autodiff leaves out, by why. Reading one raises
# an AttributeError that says so (hasattr() is False, as for any name a tensor lacks)
_TENSOR_NOT_PROVIDED = {
    "sparse tensors": (
        "to_sparse", "to_sparse_coo", "to_sparse_csr", "to_sparse_csc", "to_sparse_bsr",
        "to_sparse_bsc", "sparse_mask", "sparse_resize_", "sparse_resize_and_clear_",
        "resize_as_sparse_"),
    "quantized tensors": (
        "dequantize", "int_repr", "q_scale", "q_zero_point", "q_per_channel_scales",
        "q_per_channel_zero_points", "q_per_channel_axis", "qscheme"),
    "complex numbers": ("cfloat", "cdouble", "chalf"),
    "nested tensors": ("to_padded_tensor",),
    "storages: a tensor's elements are a JAX array, which autodiff gives no access to": (
        "storage", "untyped_storage", "storage_type", "set_", "is_set_to", "as_strided_",
        "resize", "resize_as", "new_empty_strided", "as_strided_scatter", "slice_inverse"),
    "streams: JAX orders a device's work itself": ("record_stream",),
    "devices JAX does not have": ("xpu", "ipu", "mtia", "to_mkldnn"),
    "Fourier transforms": ("stft", "istft"),
    "matrix decompositions; autodiff.linalg has inv, det, slogdet, matrix_exp, cholesky": (
        "qr", "svd", "lu", "lu_solve",
        "geqrf", "orgqr", "ormqr", "triangular_solve", "pinverse"),
    "torch's deprecated matrix functions, removed from torch as well": (
        "eig", "symeig", "lstsq", "solve"),
    "reinforce(), removed from torch as well: use a distribution's log_prob": ("reinforce",),
    "Tensor subclasses": ("as_subclass",),
    "nn.Module's swapping of parameters in load_state_dict": ("module_load",),
    "not implemented yet (add one: docs/howto/add-op.md)": ("hash_tensor", "index"),
}


class _NotProvided:
    """A Tensor attribute autodiff leaves out on purpose: reading it raises an
    AttributeError that says why. It sits in the class, as torch's own attributes do, so
    it costs nothing to the attributes that exist (a ``__getattr__`` would slow them all)."""

    __slots__ = ("name", "why")

    def __init__(self, name, why):
        self.name, self.why = name, why

    def __get__(self, obj, objtype=None):
        raise AttributeError(f"'Tensor' object has no attribute '{self.name}': autodiff does "
                             f"not provide Tensor.{self.name} ({self.why}); see the "
                             "documentation's page 'What autodiff does not reproduce'",
                             name=self.name, obj=obj)


for _why, _names in _TENSOR_NOT_PROVIDED.items():
    for _name in _names:
        setattr(Tensor, _name, _NotProvided(_name, _why))
del _why, _names, _name


# (hidden from a type checker, which would otherwise take any name as this function's)
if not _typing.TYPE_CHECKING:
    def __getattr__(name: str) -> _typing.NoReturn:
        if name in _NOT_PROVIDED:
            raise AttributeError(f"module 'autodiff' has no attribute '{name}': autodiff does "
                                 f"not provide torch.{name} ({_NOT_PROVIDED[name]}); see the "
                                 "documentation's page 'What autodiff does not reproduce'")
        raise AttributeError(f"module 'autodiff' has no attribute '{name}'")
