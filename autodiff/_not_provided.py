"""What torch has that autodiff leaves out, by why.

Every public name of ``torch`` and of ``torch.Tensor`` is either provided by autodiff or
listed here (``tests/test_compat.py`` checks both against the installed torch). Asking
for one of these raises an ``AttributeError`` that says autodiff does not provide it and
why, so that ``hasattr`` is False, as for any missing name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn

_TORCH = "torch's internal machinery, not its user API"
_JIT = "TorchScript; autodiff.compile compiles a training step with JAX instead"
_COMPLEX = "complex numbers"
_SPARSE = "sparse tensors"
_QUANTIZED = "quantized tensors"
_STORAGES = "storages: a tensor's elements are a JAX array, which autodiff gives no access to"
_AUTOCAST = "mixed precision"
_DECOMPOSITIONS = ("matrix decompositions; autodiff.linalg has inv, det, slogdet, matrix_exp, "
                   "cholesky")
_KERNELS = ("one of the kernels torch's nn layers are made of (cuDNN, MIOpen, oneDNN, "
            "ATen's own pieces); use the nn layer or nn.functional")
_LATER = "not implemented yet (add one: docs/howto/add-op.md)"

#: torch's top-level names, by why autodiff leaves them out.
TORCH_NOT_PROVIDED: dict[str, tuple[str, ...]] = {
    _JIT: (
        "jit", "AliasDb", "AnyType", "Argument", "ArgumentSpec", "AwaitType", "Block",
        "BoolType", "BufferDict", "CallStack", "Capsule", "ClassType", "Code",
        "CompilationUnit", "CompleteArgumentSpec", "ComplexType", "ConcreteModuleType",
        "ConcreteModuleTypeBuilder", "DeepCopyMemoTable", "DeviceObjType", "DictType",
        "EnumType", "ErrorReport", "ExecutionPlan", "FileCheck", "FloatType",
        "FunctionSchema", "Future", "FutureType", "Gradient", "Graph", "GraphExecutorState",
        "InferredType", "IntType", "InterfaceType", "JITException", "ListType",
        "LiteScriptModule", "LockingLogger", "LoggerBase", "ModuleDict", "Node", "NoneType",
        "NoopLogger", "NumberType", "OperatorInfo", "OptionalType", "ParameterDict",
        "PyObjectType", "RRefType", "ScriptClass", "ScriptClassFunction", "ScriptDict",
        "ScriptDictIterator", "ScriptDictKeyIterator", "ScriptFunction", "ScriptList",
        "ScriptListIterator", "ScriptMethod", "ScriptModule", "ScriptModuleSerializer",
        "ScriptObject", "ScriptObjectProperty", "StaticModule", "StreamObjType",
        "StringType", "SymBoolType", "SymIntType", "TensorType", "TracingState",
        "TupleType", "Type", "UnionType", "Use", "Value", "classes", "fork", "futures",
        "import_ir_module", "import_ir_module_from_buffer", "merge_type_from_type_comment",
        "parse_ir", "parse_schema", "parse_type_comment", "unify_type_list", "wait"),
    "graph capture (torch.compile, torch.export, torch.fx and their symbolic shapes)": (
        "fx", "export", "compiler", "cond", "while_loop", "SymBool", "SymFloat", "SymInt",
        "sym_constrain_range", "sym_constrain_range_for_size", "sym_float", "sym_fresh_size",
        "sym_int", "sym_ite", "sym_max", "sym_min", "sym_not", "sym_sqrt", "sym_sum"),
    "ONNX export": ("onnx",),
    "torch.func's transforms; autograd.functional has vjp, jvp, jacobian, hessian": (
        "func",),
    "batching transforms": ("vmap",),
    "operators registered with torch's dispatcher, and __torch_function__ overrides": (
        "library", "overrides", "Tag", "DispatchKey", "DispatchKeySet",
        "ExcludeDispatchKeyGuard", "DisableTorchFunction", "DisableTorchFunctionSubclass"),
    _SPARSE: (
        "sparse", "sparse_coo", "sparse_csr", "sparse_csc", "sparse_bsr", "sparse_bsc",
        "sparse_coo_tensor", "sparse_csr_tensor", "sparse_csc_tensor", "sparse_bsr_tensor",
        "sparse_bsc_tensor", "sparse_compressed_tensor", "smm", "spmm", "hspmm", "dsmm",
        "saddmm", "sspaddmm", "hsmm", "resize_as_sparse_", "indices_copy", "values_copy",
        "crow_indices_copy", "col_indices_copy", "ccol_indices_copy", "row_indices_copy"),
    "nested tensors": ("nested", "jagged"),
    "masked tensors": ("masked",),
    _COMPLEX: (
        "complex32", "complex64", "complex128", "cfloat", "cdouble", "chalf", "complex",
        "polar", "view_as_real", "view_as_complex", "view_as_real_copy",
        "view_as_complex_copy"),
    _QUANTIZED: (
        "quantization", "ao", "qint8", "qint32", "quint8", "quint2x4", "quint4x2", "qscheme",
        "per_tensor_affine", "per_tensor_symmetric", "per_channel_affine",
        "per_channel_symmetric", "per_channel_affine_float_qparams", "quantize_per_tensor",
        "quantize_per_tensor_dynamic", "quantize_per_channel", "dequantize", "int_repr",
        "q_scale", "q_zero_point", "q_per_channel_scales", "q_per_channel_zero_points",
        "q_per_channel_axis", "empty_quantized", "fake_quantize_per_tensor_affine",
        "fake_quantize_per_channel_affine", "fused_moving_avg_obs_fake_quant",
        "choose_qparams_optimized", "fbgemm_linear_fp16_weight",
        "fbgemm_linear_fp16_weight_fp32_activation", "fbgemm_linear_int8_weight",
        "fbgemm_linear_int8_weight_fp32_activation", "fbgemm_linear_quantize_weight",
        "fbgemm_pack_gemm_matrix_fp16", "fbgemm_pack_quantized_matrix",
        "quantized_batch_norm", "quantized_gru", "quantized_gru_cell", "quantized_lstm",
        "quantized_lstm_cell", "quantized_max_pool1d", "quantized_max_pool2d",
        "quantized_max_pool3d", "quantized_rnn_relu_cell", "quantized_rnn_tanh_cell"),
    "dtypes autodiff does not have (it has bool, uint8, the signed integers, float16, "
    "bfloat16, float32 and float64)": (
        "uint16", "uint32", "uint64", "uint1", "uint2", "uint3", "uint4", "uint5", "uint6",
        "uint7", "int1", "int2", "int3", "int4", "int5", "int6", "int7", "bit", "bits8",
        "bits16", "bits1x8", "bits2x4", "bits4x2", "float8_e4m3fn", "float8_e4m3fnuz",
        "float8_e5m2", "float8_e5m2fnuz", "float8_e8m0fnu", "float4_e2m1fn_x2"),
    "memory formats other than contiguous: a JAX array has no strides to reorder, so every "
    "tensor is contiguous": ("channels_last", "channels_last_3d", "legacy_contiguous_format"),
    _STORAGES: (
        "storage", "Storage", "StorageBase", "TypedStorage", "UntypedStorage", "BoolStorage",
        "ByteStorage", "CharStorage", "ShortStorage", "IntStorage", "LongStorage",
        "HalfStorage", "BFloat16Storage", "FloatStorage", "DoubleStorage",
        "ComplexFloatStorage", "ComplexDoubleStorage", "QInt8Storage", "QInt32Storage",
        "QUInt8Storage", "QUInt2x4Storage", "QUInt4x2Storage", "from_file", "frombuffer",
        "as_strided_", "as_strided_scatter", "slice_inverse", "SerializationStorageContext",
        "DeserializationStorageContext", "PyTorchFileReader", "PyTorchFileWriter",
        "from_dlpack", "to_dlpack"),
    _AUTOCAST: (
        "amp", "autocast", "GradScaler", "autocast_decrement_nesting",
        "autocast_increment_nesting", "clear_autocast_cache", "get_autocast_cpu_dtype",
        "get_autocast_dtype", "get_autocast_gpu_dtype", "get_autocast_ipu_dtype",
        "get_autocast_xla_dtype", "is_autocast_cache_enabled", "is_autocast_cpu_enabled",
        "is_autocast_enabled", "is_autocast_ipu_enabled", "is_autocast_xla_enabled",
        "set_autocast_cache_enabled", "set_autocast_cpu_dtype", "set_autocast_cpu_enabled",
        "set_autocast_dtype", "set_autocast_enabled", "set_autocast_gpu_dtype",
        "set_autocast_ipu_dtype", "set_autocast_ipu_enabled", "set_autocast_xla_dtype",
        "set_autocast_xla_enabled"),
    "Fourier transforms and signal windows of torch.signal": (
        "fft", "stft", "istft", "signal", "windows"),
    "special functions (add one: docs/howto/add-op.md)": ("special",),
    _DECOMPOSITIONS: (
        "qr", "svd", "lu", "lu_solve", "lu_unpack", "geqrf", "orgqr", "ormqr",
        "triangular_solve", "pinverse", "svd_lowrank", "pca_lowrank", "lobpcg",
        "matrix_rank", "nuclear_norm"),
    "torch's deprecated matrix functions, removed from torch as well": (
        "eig", "symeig", "lstsq", "solve"),
    _KERNELS: (
        "cudnn_affine_grid_generator", "cudnn_batch_norm", "cudnn_convolution",
        "cudnn_convolution_add_relu", "cudnn_convolution_relu",
        "cudnn_convolution_transpose", "cudnn_grid_sampler", "cudnn_is_acceptable",
        "miopen_batch_norm", "miopen_convolution", "miopen_convolution_add_relu",
        "miopen_convolution_relu", "miopen_convolution_transpose", "miopen_ctc_loss",
        "miopen_depthwise_convolution", "miopen_rnn", "mkldnn_adaptive_avg_pool2d",
        "mkldnn_convolution", "mkldnn_linear_backward_weights", "mkldnn_max_pool2d",
        "mkldnn_max_pool3d", "mkldnn_rnn_layer", "native_batch_norm", "native_dropout",
        "native_group_norm", "native_layer_norm", "native_norm", "batch_norm_backward_elemt",
        "batch_norm_backward_reduce", "batch_norm_elemt", "batch_norm_gather_stats",
        "batch_norm_gather_stats_with_counts", "batch_norm_stats", "batch_norm_update_stats",
        "conv_tbc", "embedding_renorm_", "norm_except_dim", "segment_reduce", "rnn_tanh",
        "rnn_relu", "lstm", "gru", "is_vulkan_available"),
    "process groups; autodiff.compile(step, mesh=...) is data parallel": (
        "distributed", "multiprocessing", "prepare_multiprocessing_environment"),
    "probability distributions": ("distributions",),
    "downloading models": ("hub",),
    "devices JAX does not have, and device modules other than cuda (autodiff.accelerator "
    "answers for any device)": ("mps", "xpu", "mtia", "cpu", "get_device_module"),
    "streams and events: JAX orders a device's work itself": ("Stream", "Event"),
    "flushing denormals: XLA sets its own floating-point modes": ("set_flush_denormal",),
    "facts about torch's build": (
        "version", "torch_version", "has_lapack", "has_mkl", "has_openmp", "has_spectral",
        "compiled_with_cxx11_abi", "USE_GLOBAL_DEPS", "USE_RTLD_GLOBAL_WITH_LIBTORCH",
        "cpp"),
    _TORCH: (
        "torch", "functional", "types", "package", "monitor", "AggregationType",
        "AVG", "SUM", "BenchmarkConfig", "BenchmarkExecutionStats", "ThroughputBenchmark",
        "IODescriptor", "PRIVATE_OPS", "classproperty", "get_file_path",
        "profiler_allow_cudagraph_cupti_lazy_reinit_cuda12", "thread_safe_generator",
        "TYPE_CHECKING", "FatalError"),
    "a module torch imports for itself: import it from Python's standard library": (
        "builtins", "ctypes", "functools", "glob", "importlib", "inspect", "math", "os",
        "platform", "sys", "textwrap", "threading", "warnings"),
    "quasi-random sequences (SobolEngine)": ("quasirandom",),
    _LATER: ("hash_tensor", "ctc_loss", "embedding_bag", "affine_grid_generator",
             "grid_sampler", "grid_sampler_2d", "grid_sampler_3d"),
}

_LAZY = ("lazy modules and parameters, whose shapes the first call sets: give the layer its "
         "sizes")
_DATA_PARALLEL = ("data parallelism over processes; autodiff.compile(step, mesh=...) is data "
                  "parallel")
_OVERRIDES = "__torch_function__ overrides"
_SCRIPT_HELPERS = "TorchScript's typing helpers"

#: the names of torch's submodules (``"nn"`` for ``torch.nn``...), by why autodiff leaves
#: them out. A submodule's ``__getattr__`` (made by :func:`refuser`) reads its table.
SUBMODULE_NOT_PROVIDED: dict[str, dict[str, tuple[str, ...]]] = {
    "nn": {
        _LAZY: ("LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d", "LazyConv1d",
                "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d", "LazyConvTranspose2d",
                "LazyConvTranspose3d", "LazyInstanceNorm1d", "LazyInstanceNorm2d",
                "LazyInstanceNorm3d", "LazyLinear", "UninitializedBuffer",
                "UninitializedParameter"),
        _DATA_PARALLEL: ("DataParallel", "SyncBatchNorm"),
        "torch's deprecated container base class (use Module)": ("Container",),
        _TORCH: ("factory_kwargs",),
        _LATER: (
            "AdaptiveAvgPool3d", "AdaptiveMaxPool3d", "AvgPool3d", "Dropout1d", "Dropout2d",
            "Dropout3d", "AdaptiveLogSoftmaxWithLoss", "CTCLoss", "CrossMapLRN2d", "EmbeddingBag",
            "FractionalMaxPool2d", "FractionalMaxPool3d", "GaussianNLLLoss", "LPPool1d",
            "LPPool2d", "LPPool3d", "LinearCrossEntropyLoss", "LinearCrossEntropyOptions",
            "LocalResponseNorm", "MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d",
            "MultiLabelMarginLoss", "MultiLabelSoftMarginLoss", "MultiMarginLoss",
            "MultiheadAttention", "NLLLoss2d", "SoftMarginLoss", "Softmax2d",
            "Softshrink", "Tanhshrink", "Transformer", "TransformerDecoder",
            "TransformerDecoderLayer", "TransformerEncoder", "TransformerEncoderLayer",
            "TripletMarginWithDistanceLoss", "Unfold", "Fold", "Upsample",
            "UpsamplingBilinear2d", "UpsamplingNearest2d"),
    },
    "nn.functional": {
        _SCRIPT_HELPERS: ("BroadcastingList1", "BroadcastingList2", "BroadcastingList3",
                          "boolean_dispatch", "assert_int_or_pair"),
        _OVERRIDES: ("handle_torch_function", "has_torch_function", "has_torch_function_unary",
                     "has_torch_function_variadic"),
        _TORCH: ("reproducibility_notes", "sparse_support_notes", "tf32_notes",
                 "GRID_SAMPLE_INTERPOLATION_MODES", "GRID_SAMPLE_PADDING_MODES"),
        "scaled and grouped low-precision matrix products (float8 on GPUs)": (
            "scaled_mm", "scaled_grouped_mm", "grouped_mm", "ScalingType", "SwizzleType"),
        _KERNELS: ("conv_tbc",),
        _LATER: (
            "adaptive_avg_pool3d", "adaptive_max_pool1d_with_indices",
            "adaptive_max_pool2d_with_indices", "adaptive_max_pool3d", "adaptive_max_pool3d_with_indices", "affine_grid",
            "avg_pool3d", "ctc_loss", "dropout1d", "dropout2d", "dropout3d", "embedding_bag",
            "fold", "fractional_max_pool2d", "fractional_max_pool2d_with_indices",
            "fractional_max_pool3d", "fractional_max_pool3d_with_indices",
            "gaussian_nll_loss", "grid_sample", "gumbel_softmax", "interpolate",
            "linear_cross_entropy", "local_response_norm", "lp_pool1d", "lp_pool2d",
            "lp_pool3d", "max_pool1d_with_indices", "max_pool2d_with_indices",
            "max_pool3d_with_indices",
            "max_unpool1d", "max_unpool2d", "max_unpool3d", "multi_head_attention_forward",
            "multi_margin_loss", "multilabel_margin_loss", "multilabel_soft_margin_loss",
            "scaled_dot_product_attention", "soft_margin_loss", "softshrink", "tanhshrink",
            "triplet_margin_with_distance_loss", "unfold", "upsample", "upsample_bilinear",
            "upsample_nearest"),
    },
    "nn.utils": {
        "memory formats other than contiguous: every tensor is contiguous": (
            "convert_conv2d_weight_memory_format", "convert_conv3d_weight_memory_format"),
        _LATER: ("fuse_conv_bn_eval", "fuse_conv_bn_weights", "fuse_linear_bn_eval",
                 "fuse_linear_bn_weights", "parametrizations", "parametrize",
                 "remove_spectral_norm", "remove_weight_norm", "rnn", "skip_init",
                 "spectral_norm", "stateless", "weight_norm"),
    },
    "linalg": {
        _DECOMPOSITIONS + "; and the solvers made of decompositions": (
            "eig", "eigh", "eigvals", "eigvalsh", "householder_product", "ldl_factor",
            "ldl_factor_ex", "ldl_solve", "lstsq", "lu", "lu_factor", "lu_factor_ex",
            "lu_solve", "qr", "svd", "svdvals", "pinv", "matrix_rank", "cond", "solve",
            "solve_ex", "solve_triangular", "tensorinv", "tensorsolve", "inv_ex",
            "cholesky_ex"),
        _TORCH: ("common_notes",),
    },
    "optim": {
        _SPARSE: ("SparseAdam",),
        _TORCH: ("swap_in_optimizer_params_and_state",),
        _LATER: ("Adafactor", "Muon", "swa_utils"),
    },
    "autograd": {
        "torch's deprecated legacy Function": ("NestedIOFunction",),
        "threads in the backward pass: autodiff's runs in the calling thread": (
            "set_multithreading_enabled",),
        _TORCH: ("enforce_grad_layout_policy", "grad_mode"),
    },
    "autograd.graph": {
        "streams: JAX orders a device's work itself": (
            "set_override_stale_capture_stream",
            "set_warn_on_accumulate_grad_stream_mismatch"),
        "activation checkpointing's memory budget": ("region_activation_memory_budget",),
        _LATER: ("GradientEdge", "get_gradient_edge"),
    },
    "utils.data": {
        "DataPipes (deprecated in torch)": (
            "DFIterDataPipe", "DataChunk", "IterDataPipe", "MapDataPipe",
            "argument_validation", "functional_datapipe", "guaranteed_datapipes_determinism",
            "non_deterministic", "runtime_validation", "runtime_validation_disabled"),
        _DATA_PARALLEL: ("DistributedSampler",),
        _TORCH: ("_DatasetKind",),
    },
    "cuda": {
        _STORAGES: ("BFloat16Storage", "BoolStorage", "ByteStorage", "CharStorage",
                    "ComplexDoubleStorage", "ComplexFloatStorage", "DoubleStorage",
                    "FloatStorage", "HalfStorage", "IntStorage", "LongStorage",
                    "ShortStorage"),
        "torch.cuda's legacy tensor types: make a tensor with device='cuda'": (
            "BFloat16Tensor", "BoolTensor", "ByteTensor", "CharTensor", "DoubleTensor",
            "FloatTensor", "HalfTensor", "IntTensor", "LongTensor", "ShortTensor"),
        "streams, events and CUDA graphs: JAX orders a device's work itself, and jax.jit "
        "compiles what a graph would capture": (
            "Stream", "Event", "ExternalStream", "StreamContext", "current_stream",
            "default_stream", "set_stream", "stream", "streams", "get_stream_from_external",
            "is_current_stream_capturing", "CUDAGraph", "graph", "graphs", "graph_pool_handle",
            "make_graphed_callables", "GreenContext", "set_sync_debug_mode",
            "get_sync_debug_mode"),
        "CUDA's caching allocator: XLA manages a device's memory (memory_allocated, "
        "max_memory_allocated and memory_reserved are provided)": (
            "CUDAPluggableAllocator", "MemPool", "caching_allocator_alloc",
            "caching_allocator_delete", "caching_allocator_disabled", "caching_allocator_enable",
            "change_current_allocator", "get_allocator_backend", "use_mem_pool", "memory",
            "memory_cached", "max_memory_cached", "max_memory_reserved", "memory_snapshot",
            "memory_stats", "memory_stats_as_nested_dict", "memory_summary", "memory_usage",
            "mem_get_info", "device_memory_used", "host_memory_stats",
            "host_memory_stats_as_nested_dict", "reset_accumulated_host_memory_stats",
            "reset_accumulated_memory_stats", "reset_max_memory_allocated",
            "reset_max_memory_cached", "reset_peak_host_memory_stats",
            "reset_peak_memory_stats", "set_per_process_memory_fraction",
            "get_per_process_memory_fraction", "ipc_collect", "list_gpu_processes"),
        "CUDA's runtime, libraries and device facts, which JAX drives itself": (
            "cudart", "cudaStatus", "check_error", "CudaError", "DeferredCudaCallError",
            "current_blas_handle", "current_solver_handle", "nccl", "nvtx", "jiterator",
            "tunable", "profiler", "sparse", "amp", "has_half", "has_magma", "get_arch_list",
            "get_gencode_flags", "clock_rate", "power_draw", "temperature", "utilization",
            "can_device_access_peer", "get_device_properties"),
        "a current device: each tensor is where its device= puts it": (
            "set_device", "device", "device_of"),
        _LATER: ("default_generators", "get_rng_state_all", "set_rng_state_all",
                 "is_bf16_supported", "is_tf32_supported"),
    },
    "profiler": {
        "Kineto's traces and observers (export_chrome_trace writes a trace)": (
            "DeviceType", "ExecutionTraceObserver", "kineto_available",
            "tensorboard_trace_handler"),
    },
}

#: torch.Tensor's attributes, by why autodiff leaves them out.
TENSOR_NOT_PROVIDED: dict[str, tuple[str, ...]] = {
    _SPARSE: (
        "to_sparse", "to_sparse_coo", "to_sparse_csr", "to_sparse_csc", "to_sparse_bsr",
        "to_sparse_bsc", "sparse_mask", "sparse_resize_", "sparse_resize_and_clear_",
        "resize_as_sparse_"),
    _QUANTIZED: (
        "dequantize", "int_repr", "q_scale", "q_zero_point", "q_per_channel_scales",
        "q_per_channel_zero_points", "q_per_channel_axis", "qscheme"),
    _COMPLEX: ("cfloat", "cdouble", "chalf"),
    "nested tensors": ("to_padded_tensor",),
    _STORAGES: (
        "storage", "untyped_storage", "storage_type", "set_", "is_set_to", "as_strided_",
        "resize", "resize_as", "new_empty_strided", "as_strided_scatter", "slice_inverse"),
    "streams: JAX orders a device's work itself": ("record_stream",),
    "devices JAX does not have": ("xpu", "ipu", "mtia", "to_mkldnn"),
    "Fourier transforms": ("stft", "istft"),
    _DECOMPOSITIONS: (
        "qr", "svd", "lu", "lu_solve", "geqrf", "orgqr", "ormqr", "triangular_solve",
        "pinverse"),
    "torch's deprecated matrix functions, removed from torch as well": (
        "eig", "symeig", "lstsq", "solve"),
    "reinforce(), removed from torch as well: use a distribution's log_prob": ("reinforce",),
    "Tensor subclasses": ("as_subclass",),
    "nn.Module's swapping of parameters in load_state_dict": ("module_load",),
    _LATER: ("hash_tensor", "index"),
}


def by_name(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """``{name: why}`` from a table of ``{why: names}``."""
    return {name: why for why, names in table.items() for name in names}


def refuser(submodule: str = "") -> Callable[[str], NoReturn]:
    """The module ``__getattr__`` of ``autodiff.<submodule>`` (of ``autodiff`` itself by
    default): a name of torch's that autodiff leaves out says so, and why."""
    left_out = by_name(SUBMODULE_NOT_PROVIDED[submodule] if submodule else TORCH_NOT_PROVIDED)
    module = f"autodiff.{submodule}" if submodule else "autodiff"
    torch_module = f"torch.{submodule}" if submodule else "torch"

    def __getattr__(name: str) -> NoReturn:
        if name in left_out:
            raise AttributeError(f"module '{module}' has no attribute '{name}': autodiff does "
                                 f"not provide {torch_module}.{name} ({left_out[name]}); see the "
                                 "documentation's page 'What autodiff does not reproduce'")
        raise AttributeError(f"module '{module}' has no attribute '{name}'")
    return __getattr__


class NotProvided:
    """A Tensor attribute autodiff leaves out on purpose: reading it raises an
    AttributeError that says why. It sits in the class, as torch's own attributes do, so
    it costs nothing to the attributes that exist (a ``__getattr__`` would slow them all)."""

    __slots__ = ("name", "why")

    def __init__(self, name: str, why: str) -> None:
        self.name, self.why = name, why

    def __get__(self, obj: object, objtype: object = None) -> None:
        raise AttributeError(f"'Tensor' object has no attribute '{self.name}': autodiff does "
                             f"not provide Tensor.{self.name} ({self.why}); see the "
                             "documentation's page 'What autodiff does not reproduce'",
                             name=self.name, obj=obj)
