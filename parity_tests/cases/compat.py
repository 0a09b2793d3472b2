"""What real torch programs use around the maths: checkpoints (``save`` / ``load``),
device selection (``backends``, ``accelerator``), legacy names, new-style custom
Functions, the profiler's shape, ``optim.LBFGS`` and the recurrent layers."""

import io

import numpy as np

from parity_tests.cases.training import _seeded_weights
from parity_tests.harness import needs, raised


class Checkpoint:
    """A user class in a checkpoint: ``weights_only`` loads refuse it."""

    def __init__(self, step):
        self.step = step


def _round_trip(T, obj, **load_args):
    buffer = io.BytesIO()
    T.save(obj, buffer)
    buffer.seek(0)
    return T.load(buffer, **load_args)


# -- NumPy shares memory -------------------------------------------------------------------

def numpy_and_the_tensor_share_memory(T):
    """``t.numpy()`` is the tensor's memory: a write to either is seen in the other."""
    t = T.arange(6.0).reshape(2, 3)
    a = t.numpy()
    a[0, 0] = 100.0
    yield "tensor after the array's write", t
    t.add_(1)
    yield "array after the tensor's add_", a.tolist()
    column = t[:, 1].numpy()
    column[0] = -5.0
    yield "tensor after writing a column view's array", t
    yield "a transposed view's strides", t.t().numpy().strides
    yield "an expanded view's strides", T.tensor([1.0, 2.0]).expand(3, 2).numpy().strides
    diagonal = T.zeros(3, 4)
    diagonal.diagonal().numpy()[:] = 1.0
    yield "diagonal written through NumPy", diagonal


def from_numpy_shares_memory_both_ways(T):
    a = np.arange(4.0)
    t = T.from_numpy(a)
    a[1] = 9.0
    yield "tensor after the array's write", t
    t.mul_(2)
    t[2:].zero_()
    yield "array after the tensor's writes", a.tolist()
    strided = np.arange(12.0).reshape(3, 4)[:, ::2]
    s = T.from_numpy(strided)
    s[1] = 7.0
    yield "a strided array after a row write", strided.tolist()
    yield "as_tensor shares", (T.as_tensor(a) is not None, a.__setitem__(0, -3.0), T.as_tensor(a))
    yield "as_tensor with another dtype copies", T.as_tensor(a, dtype=T.float32)


def numpy_writes_reach_a_graph_that_saved_the_tensor(T):
    """A write through NumPy is not an in-place op autograd sees (no version bump): the
    backward pass uses the new numbers, in torch as here."""
    x = T.ones(3, requires_grad=True)
    y = (x * x).sum()
    x.detach().numpy()[:] = 2.0
    y.backward()
    yield "x", x
    yield "x.grad", x.grad


def from_numpy_refuses_what_torch_refuses(T):
    read_only = np.arange(3.0)
    read_only.flags.writeable = False
    yield "a read-only array (copied, with torch's warning)", T.from_numpy(read_only)
    try:
        T.from_numpy(np.array(["a"]))
    except TypeError as error:
        yield "strings", error
    T.from_numpy(np.arange(4.0)[::-1])


# -- save and load --------------------------------------------------------------------------

def save_load_tensors_and_containers(T):
    """Tensors keep dtype, shape and requires_grad (a non-leaf comes back a leaf);
    containers, numbers and strings come back as they were."""
    x = T.tensor([1.0, 2.0], requires_grad=True)
    loaded = _round_trip(T, {"x": x, "y": x * 2, "ints": T.arange(3), "half": T.ones(2, 2).half(),
                             "meta": [1, 2.5, "adam", None, (True, 3)], "dtype": T.float64,
                             "size": T.Size([2, 3])})
    for key, value in loaded.items():
        yield key, value
    yield "y.is_leaf", loaded["y"].is_leaf
    yield "y.grad_fn", loaded["y"].grad_fn


def save_load_a_parameter(T):
    p = T.nn.Parameter(T.tensor([1.0, -1.0]))
    loaded = _round_trip(T, p)
    yield "repr", repr(loaded)
    yield "type", type(loaded).__name__


def save_load_the_same_tensor_twice_gives_one_tensor(T):
    x = T.tensor([1.0])
    a, b = _round_trip(T, [x, x])
    yield "a is b", a is b


@needs("nn")
def save_load_a_state_dict_into_a_new_model(T):
    """A model's state_dict saved, loaded and copied into a second model: same outputs."""
    model = _seeded_weights(T, T.nn.Sequential(T.nn.Linear(3, 4), T.nn.Tanh(),
                                               T.nn.Linear(4, 2)))
    state = _round_trip(T, model.state_dict())
    yield "keys", list(state)
    yield "type", type(state).__name__
    other = T.nn.Sequential(T.nn.Linear(3, 4), T.nn.Tanh(), T.nn.Linear(4, 2))
    yield "load_state_dict", repr(other.load_state_dict(state))
    x = T.tensor([[0.5, -1.0, 2.0]])
    yield "same output", T.equal(model(x), other(x))
    yield "output", other(x)


@needs("nn", "optim")
def save_load_an_optimizer_state_dict_resumes_training(T):
    """Adam's state saved after two steps and loaded into a fresh optimizer: the next
    step is the same as the uninterrupted one's."""
    def make():
        w = T.tensor([1.0, -2.0, 0.5], requires_grad=True)
        return w, T.optim.Adam([w], lr=0.1)

    def step(w, optimizer):
        optimizer.zero_grad()
        (w ** 2).sum().backward()
        optimizer.step()

    w, optimizer = make()
    step(w, optimizer)
    step(w, optimizer)
    state = _round_trip(T, {"model": {"w": w.detach()}, "optim": optimizer.state_dict()})
    yield "optim state", state["optim"]
    w2, optimizer2 = make()
    with T.no_grad():
        w2.copy_(state["model"]["w"])
    optimizer2.load_state_dict(state["optim"])
    step(w, optimizer)
    step(w2, optimizer2)
    yield "w", w
    yield "w resumed", w2


def load_refuses_a_class_by_default(T):
    """torch 2.6+: ``weights_only=True`` by default; a user class needs allowing."""
    buffer = io.BytesIO()
    T.save(Checkpoint(7), buffer)
    buffer.seek(0)
    yield "weights_only=False", T.load(buffer, weights_only=False).step
    buffer.seek(0)
    with T.serialization.safe_globals([Checkpoint]):
        yield "safe_globals", T.load(buffer).step
    yield "allowed after the block", Checkpoint in T.serialization.get_safe_globals()
    buffer.seek(0)
    T.load(buffer)


def save_to_something_that_is_not_a_file(T):
    T.save(T.ones(1), 5)


# -- devices, backends and legacy names ------------------------------------------------------

@needs("nn")
def device_selection_idioms_of_the_tutorials(T):
    """The PyTorch quickstart's ``torch.accelerator`` line, and the older cuda / mps ones."""
    device = (T.accelerator.current_accelerator().type if T.accelerator.is_available()
              else "cpu")
    yield "quickstart", device
    yield "cuda idiom", T.device("cuda" if T.cuda.is_available() else "cpu")
    yield "mps idiom", "mps" if T.backends.mps.is_available() else "cpu"
    yield "device_count", (T.cuda.device_count(), T.accelerator.device_count())
    model = T.nn.Linear(2, 1).to(device)
    yield "weight.device", model.weight.device
    yield "x.device", T.ones(2, device=device).to(device).device


def backends_flags_tutorials_read_and_set(T):
    yield "cuda.is_built", T.backends.cuda.is_built()
    yield "mps", (T.backends.mps.is_available(), T.backends.mps.is_built())
    yield "cudnn.is_available", T.backends.cudnn.is_available()
    yield "cudnn.version", T.backends.cudnn.version()
    yield "cpu capability", T.backends.cpu.get_cpu_capability()
    cudnn = T.backends.cudnn
    before = cudnn.enabled, cudnn.benchmark, cudnn.deterministic, cudnn.allow_tf32
    yield "cudnn switches", before
    cudnn.benchmark, cudnn.deterministic = True, True
    yield "cudnn switches set", (cudnn.benchmark, cudnn.deterministic)
    cudnn.enabled, cudnn.benchmark, cudnn.deterministic, cudnn.allow_tf32 = before
    yield "matmul.allow_tf32", T.backends.cuda.matmul.allow_tf32


def accelerator_index_without_an_accelerator(T):
    if T.accelerator.is_available():
        yield "index", T.accelerator.current_device_index()
    else:
        T.accelerator.current_device_index()


def anomaly_flags_at_the_top_level(T):
    yield "outside", (T.is_anomaly_enabled(), T.is_anomaly_check_nan_enabled())
    with T.autograd.detect_anomaly(check_nan=False):
        yield "inside", (T.is_anomaly_enabled(), T.is_anomaly_check_nan_enabled())


def legacy_variable_gives_a_tensor(T):
    """``Variable(t, requires_grad=True)``: a new leaf on t's storage, of type Tensor."""
    from_t = T.ones(2)
    v = T.autograd.Variable(from_t, requires_grad=True)
    yield "v", v
    yield "type", type(v).__name__
    yield "is t", v is from_t
    yield "t.requires_grad", from_t.requires_grad
    yield "isinstance", isinstance(from_t, T.autograd.Variable)
    y = T.autograd.Variable(v * 2)
    yield "non-leaf detached", (y.grad_fn, y.requires_grad, y.is_leaf)
    yield "empty", T.autograd.Variable()
    (v * 3).sum().backward()
    yield "v.grad", v.grad
    T.autograd.Variable([1.0, 2.0])


def legacy_variable_of_integers_cannot_require_grad(T):
    T.autograd.Variable(T.ones(2, dtype=T.int64), requires_grad=True)


@needs("nn")
def parameter_prints_parameter_containing(T):
    p = T.nn.Parameter(T.tensor([1.0, 2.0]))
    yield "str", str(p)
    yield "format", f"{p}"
    yield "in a list", str([p])


# -- new-style custom Functions ---------------------------------------------------------------

def _scale(T):
    class Scale(T.autograd.Function):
        generate_vmap_rule = True

        @staticmethod
        def forward(x, k):
            return x * k

        @staticmethod
        def setup_context(ctx, inputs, output):
            x, k = inputs
            ctx.k = k
            ctx.save_for_backward(x)
            ctx.seen = (output.requires_grad, output.grad_fn, ctx.needs_input_grad)

        @staticmethod
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            return grad * ctx.k * x.sign(), None
    return Scale


def function_with_setup_context(T):
    """``forward(*inputs)`` without ctx, and ``setup_context(ctx, inputs, output)``: the
    output is seen before it is recorded."""
    x = T.tensor([1.0, -2.0], dtype=T.float64, requires_grad=True)
    y = _scale(T).apply(x, 3.0)
    yield "y", y
    yield "grad_fn", type(y.grad_fn).__name__
    y.sum().backward()
    yield "x.grad", x.grad
    z = _scale(T).apply(x.detach(), 2.0)
    yield "no input needs grad", (z.requires_grad, z.grad_fn)


def function_with_setup_context_sees_the_output_unrecorded(T):
    x = T.tensor([1.0, -2.0], requires_grad=True)
    scale = _scale(T)
    y = scale.apply(x, 3.0)
    y.sum().backward()
    seen = []
    original = scale.setup_context

    def spy(ctx, inputs, output):
        original(ctx, inputs, output)
        seen.append(ctx.seen)
    scale.setup_context = staticmethod(spy)
    scale.apply(x, 2.0)
    yield "seen", str(seen)


def _add_inplace(T):
    class AddInplace(T.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            x.add_(y)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, grad):
            return grad, grad * 2
    return AddInplace


def function_mark_dirty_writes_its_input(T):
    """An in-place Function returns its input itself, one version on, with its history
    rewritten (its grad_fn is the Function's node)."""
    a = T.tensor([1.0, 2.0], requires_grad=True)
    y = T.tensor([10.0, 20.0], requires_grad=True)
    b = a * 2
    c = _add_inplace(T).apply(b, y)
    yield "c is b", c is b
    yield "b", b
    yield "b._version", b._version
    yield "b.grad_fn", type(b.grad_fn).__name__
    yield "next_functions", [type(n).__name__ for n, _ in b.grad_fn.next_functions]
    (b * b).sum().backward()
    yield "a.grad", a.grad
    yield "y.grad", y.grad


def function_mark_dirty_on_a_tensor_needing_no_grad(T):
    p = T.zeros(2)
    q = T.tensor([1.0, 2.0], requires_grad=True)
    r = _add_inplace(T).apply(p, q)
    yield "r is p", r is p
    yield "p", (p.requires_grad, p.is_leaf, p._version)
    r.sum().backward()
    yield "q.grad", q.grad
    with T.no_grad():
        s = _add_inplace(T).apply(p, q)
    yield "no_grad", (s is p, p._version, p.grad_fn is None)


def function_mark_dirty_on_a_view_rewrites_its_base(T):
    """The view is written into its base as an in-place op writes one: CopySlices."""
    a = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = a * 1
    v = b[:2]
    _add_inplace(T).apply(v, T.tensor([5.0, 5.0], requires_grad=True))
    yield "b", b
    yield "b.grad_fn", type(b.grad_fn).__name__
    yield "v.grad_fn", type(v.grad_fn).__name__
    yield "version", b._version
    (b * b).sum().backward()
    yield "a.grad", a.grad


def function_mark_dirty_invalidates_saved_values(T):
    a = T.tensor([1.0, 2.0], requires_grad=True)
    b = a * 2
    d = b ** 2
    _add_inplace(T).apply(b, T.ones(2))
    d.sum().backward()


def function_mark_dirty_on_a_leaf(T):
    a = T.tensor([1.0, 2.0], requires_grad=True)
    _add_inplace(T).apply(a, T.ones(2))


def function_mark_dirty_but_not_returned(T):
    class Bad(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.add_(1)
            ctx.mark_dirty(x)
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return grad
    Bad.apply(T.ones(2, requires_grad=True) * 1)


def function_set_materialize_grads_false(T):
    class Twice(T.autograd.Function):
        @staticmethod
        def forward(x):
            return x.clone(), x.clone()

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.set_materialize_grads(False)

        @staticmethod
        def backward(ctx, g1, g2):
            ctx.seen = g2
            return g1 if g2 is None else g1 + g2
    x = T.tensor([1.0, 2.0], requires_grad=True)
    a, b = Twice.apply(x)
    a.sum().backward()
    yield "g2", a.grad_fn.seen
    yield "x.grad", x.grad


def function_mark_non_differentiable_in_setup_context(T):
    class Sorted(T.autograd.Function):
        @staticmethod
        def forward(x):
            values, indices = x.sort()
            return values, indices

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.mark_non_differentiable(output[1])
            ctx.save_for_backward(output[1])

        @staticmethod
        def backward(ctx, grad, _):
            indices, = ctx.saved_tensors
            return T.zeros_like(grad).scatter(0, indices, grad)
    x = T.tensor([3.0, 1.0, 2.0], requires_grad=True)
    values, indices = Sorted.apply(x)
    yield "indices", (indices, indices.requires_grad)
    (values * T.tensor([1.0, 2.0, 3.0])).sum().backward()
    yield "x.grad", x.grad


def legacy_function_called_as_an_instance(T):
    """A pre-1.3 Function (an instance, called): a DeprecationWarning, then torch's error."""
    _scale(T)()(T.ones(1), 2.0)


# -- the profiler (times differ by nature: what is compared is what was recorded) -----------

def autograd_profiler_records_ops_nodes_and_blocks(T):
    from_profiler = T.autograd.profiler
    x = T.ones(3, requires_grad=True)
    with from_profiler.profile(record_shapes=True) as prof:
        with from_profiler.record_function("my_block"):
            y = (x * 2).sum()
        y.backward()
    averages = prof.key_averages()
    yield "types", [type(prof).__name__, type(averages).__name__, type(averages[0]).__name__]
    names = {event.key for event in averages}
    yield "names", sorted(names & {"my_block", "aten::mul", "aten::sum", "MulBackward0",
                                   "SumBackward0",
                                   "autograd::engine::evaluate_function: MulBackward0"})
    counts = {event.key: event.count for event in averages}
    yield "calls", [counts["my_block"], counts["aten::mul"], counts["MulBackward0"]]
    first_mul = next(e for e in prof.function_events if e.name == "aten::mul")
    yield "input shapes", first_mul.input_shapes
    block = next(e for e in averages if e.key == "my_block")
    yield "block contains its ops", block.cpu_time_total >= block.self_cpu_time_total >= 0
    table = averages.table(sort_by="self_cpu_time_total", row_limit=3)
    lines = table.splitlines()
    yield "header", lines[1].split("  ")[-1].strip()
    yield "columns", [c.strip() for c in lines[1].split("  ") if c.strip()]
    yield "rows", len(lines)
    yield "footer", lines[-1].split(":")[0]
    yield "ends with a newline", table.endswith("\n")


def autograd_profiler_groups_by_input_shape(T):
    from_profiler = T.autograd.profiler
    with from_profiler.profile(record_shapes=True) as prof:
        T.ones(2) * T.ones(2)
        T.ones(3) * T.ones(3)
    grouped = [e for e in prof.key_averages(group_by_input_shape=True) if e.key == "aten::mul"]
    yield "mul groups", [(e.input_shapes, e.count) for e in grouped]
    lines = prof.key_averages(group_by_input_shape=True).table().splitlines()
    yield "last column", [c.strip() for c in lines[1].split("  ") if c.strip()][-1]


def profiler_with_activities_and_a_schedule(T):
    """torch.profiler: wait 1 step, warm up 1, record 2; on_trace_ready at the last.
    (One cycle: torch warns once per process when a second one begins.)"""
    from_profiler = T.profiler
    traces = []

    def ready(prof):
        traces.append(sorted(e.key for e in prof.key_averages() if e.key.startswith("step")))
    with from_profiler.profile(activities=[from_profiler.ProfilerActivity.CPU],
                               schedule=from_profiler.schedule(wait=1, warmup=1, active=2,
                                                               repeat=1),
                               on_trace_ready=ready) as prof:
        for i in range(6):
            with from_profiler.record_function(f"step {i}"):
                T.ones(2) + 1
            prof.step()
    yield "traces", traces
    yield "actions", [str(from_profiler.schedule(wait=1, warmup=1, active=2, repeat=1)(i))
                      for i in range(6)]
    yield "activity", str(from_profiler.ProfilerActivity.CPU)
    yield "CPU supported", from_profiler.ProfilerActivity.CPU in from_profiler.supported_activities()


# -- optim.LBFGS -------------------------------------------------------------------------------

def _rosenbrock_steps(T, steps, **options):
    w = T.tensor([-1.2, 1.0], dtype=T.float64, requires_grad=True)
    optimizer = T.optim.LBFGS([w], **options)

    def closure():
        optimizer.zero_grad()
        loss = (1 - w[0]) ** 2 + 100 * (w[1] - w[0] ** 2) ** 2
        loss.backward()
        return loss
    for step in range(steps):
        yield f"loss {step}", optimizer.step(closure)
        yield f"w {step}", w.detach().clone()
    state = optimizer.state[w]
    yield "func_evals, n_iter", (state["func_evals"], state["n_iter"])
    yield "t", state["t"]


def lbfgs_rosenbrock_fixed_steps(T):
    """The same trajectory as torch's L-BFGS, step for step, without a line search."""
    yield from _rosenbrock_steps(T, 6, lr=0.1, max_iter=5, history_size=4)


def lbfgs_rosenbrock_strong_wolfe(T):
    """With the strong-Wolfe line search: the same trial steps, the same minimum."""
    yield from _rosenbrock_steps(T, 4, line_search_fn="strong_wolfe", max_iter=10)


@needs("nn")
def lbfgs_least_squares_model(T):
    """A linear model fitted by L-BFGS with a closure over an MSE loss (float64)."""
    x = T.tensor([[0.0, 1.0], [1.0, 0.5], [2.0, -1.0], [3.0, 0.0]], dtype=T.float64)
    y = T.tensor([[1.0], [2.5], [2.0], [6.0]], dtype=T.float64)
    model = T.nn.Linear(2, 1).double()
    model.load_state_dict({"weight": T.tensor([[0.1, -0.2]], dtype=T.float64),
                           "bias": T.tensor([0.3], dtype=T.float64)})
    optimizer = T.optim.LBFGS(model.parameters(), lr=1, max_iter=4,
                              line_search_fn="strong_wolfe")

    def closure():
        optimizer.zero_grad()
        loss = T.nn.functional.mse_loss(model(x), y)
        loss.backward()
        return loss
    for step in range(3):
        yield f"loss {step}", optimizer.step(closure)
    yield "weight", model.weight
    yield "bias", model.bias
    yield "state keys", sorted(optimizer.state[model.weight])


def lbfgs_refuses_parameter_groups(T):
    a = T.zeros(1, requires_grad=True)
    b = T.zeros(1, requires_grad=True)
    T.optim.LBFGS([{"params": [a]}, {"params": [b], "lr": 0.1}])


def lbfgs_refuses_an_unknown_line_search(T):
    w = T.ones(2, requires_grad=True)
    optimizer = T.optim.LBFGS([w], line_search_fn="backtracking")

    def closure():
        optimizer.zero_grad()
        loss = (w ** 2).sum()
        loss.backward()
        return loss
    optimizer.step(closure)


# -- recurrent layers (weights drawn by a seeded NumPy generator, loaded into both) -----------

def _sequence(T, shape, dtype, seed=1):
    rng = np.random.default_rng(seed)
    return T.tensor(rng.uniform(-1, 1, shape).tolist(), dtype=dtype, requires_grad=True)


def flat_outputs(out):
    """A recurrent module's result as a list of tensors: ``h`` (RNNCell, GRUCell),
    ``(h, c)`` (LSTMCell), ``(output, h_n)`` (RNN, GRU), ``(output, (h_n, c_n))`` (LSTM)."""
    if not isinstance(out, tuple):
        return [out]
    return [out[0], *out[1]] if isinstance(out[1], tuple) else list(out)


def _forward_backward(T, module, x, *state):
    """Yield the outputs, then every gradient of a loss reading all of them."""
    flat = flat_outputs(module(x, *state))
    for i, value in enumerate(flat):
        yield f"output {i}", value
    sum(((v * (k + 1)) ** 2).sum() for k, v in enumerate(flat)).backward()
    yield "x.grad", x.grad
    for name, parameter in module.named_parameters():
        yield f"{name}.grad", parameter.grad


def _recurrent_case(kind, dtype_name, **options):
    """nn.<kind>(3, 4, **options) with the same weights in both frameworks: its repr,
    parameters, outputs (a cell's given a state, a layer's from zeros) and gradients."""
    @needs("nn")
    def case(T):
        dtype = getattr(T, dtype_name)
        module = _seeded_weights(T, getattr(T.nn, kind)(3, 4, **options)).to(dtype)
        yield "repr", repr(module)
        yield "names", [(n, tuple(p.shape)) for n, p in module.named_parameters()]
        if kind.endswith("Cell"):
            x = _sequence(T, (2, 3), dtype)
            yield "unbatched", module(x[0].detach())
            h = _sequence(T, (2, 4), dtype, seed=2)
            state = [(h, _sequence(T, (2, 4), dtype, seed=3)) if kind == "LSTMCell" else h]
        else:
            x = _sequence(T, (2, 5, 3) if options.get("batch_first") else (5, 2, 3), dtype)
            state = []
        # torch's LSTM runs oneDNN's kernel (its own node), and with batch_first torch
        # transposes the output in place (TransposeBackward1; autodiff's transpose_ cannot)
        if kind != "LSTM" and not options.get("batch_first"):
            yield "grad_fns", [type(t.grad_fn).__name__
                               for t in flat_outputs(module(x, *state))]
        yield from _forward_backward(T, module, x, *state)
    case.__doc__ = f"nn.{kind}({options}) in {dtype_name}: outputs and every gradient."
    return case


CASES = {
    f"{kind.lower()}_{label}_{dtype}": _recurrent_case(kind, dtype, **options)
    for kind, label, options in (
        *((k, "one_layer", {}) for k in ("RNN", "LSTM", "GRU")),
        *((k, "two_layers_bidirectional_batch_first",
           dict(num_layers=2, bidirectional=True, batch_first=True))
          for k in ("RNN", "LSTM", "GRU")),
        ("RNNCell", "tanh", {}), ("RNNCell", "relu_no_bias", dict(nonlinearity="relu", bias=False)),
        ("LSTMCell", "step", {}), ("GRUCell", "step", {}))
    for dtype in ("float64", "float32")
}


@needs("nn")
def rnn_relu_without_bias_and_a_given_h0(T):
    module = _seeded_weights(T, T.nn.RNN(3, 4, 2, nonlinearity="relu", bias=False)).double()
    h0 = _sequence(T, (2, 2, 4), T.float64, seed=2)
    yield from _forward_backward(T, module, _sequence(T, (5, 2, 3), T.float64), h0)
    yield "h0.grad", h0.grad


@needs("nn")
def lstm_with_proj_size_and_given_states(T):
    module = _seeded_weights(T, T.nn.LSTM(3, 4, proj_size=2, bidirectional=True)).double()
    yield "names", [(n, tuple(p.shape)) for n, p in module.named_parameters()]
    h0 = _sequence(T, (2, 2, 2), T.float64, seed=2)
    c0 = _sequence(T, (2, 2, 4), T.float64, seed=3)
    yield from _forward_backward(T, module, _sequence(T, (5, 2, 3), T.float64), (h0, c0))
    yield "h0.grad, c0.grad", (h0.grad, c0.grad)


@needs("nn")
def gru_unbatched_input(T):
    module = _seeded_weights(T, T.nn.GRU(3, 4, bidirectional=True)).double()
    out, h = module(_sequence(T, (5, 3), T.float64))
    yield "shapes", (out.shape, h.shape)
    yield "grad_fns", (type(out.grad_fn).__name__, type(h.grad_fn).__name__)
    yield "output", out


@needs("nn")
def recurrent_layers_refuse_bad_shapes(T):
    rnn = T.nn.RNN(3, 4)
    for bad in (lambda: rnn(T.ones(5, 2, 7)), lambda: rnn(T.ones(5, 2, 3, 1)),
                lambda: rnn(T.ones(5, 2, 3), T.zeros(1, 3, 4)),
                lambda: rnn(T.ones(5, 3), T.zeros(1, 2, 4)),
                lambda: rnn(T.ones(5, 2, 3, dtype=T.float64)),
                lambda: T.nn.LSTM(3, 4)(T.ones(5, 2, 3), (T.zeros(1, 2, 4), T.zeros(1, 3, 4))),
                lambda: T.nn.GRU(3, 4)(T.ones(2, 2, 2, 3)),
                lambda: T.nn.RNN(3, 4, nonlinearity="sigmoid"),
                lambda: T.nn.GRU(3, 4, proj_size=2), lambda: T.nn.LSTM(3, 4, proj_size=4),
                lambda: T.nn.RNN(3, 4, dropout=1.5), lambda: T.nn.RNN(3, 0),
                lambda: T.nn.RNNCell(3, 4)(T.ones(2, 5)),
                lambda: T.nn.GRUCell(3, 4)(T.ones(2, 3), T.zeros(3, 4)),
                lambda: T.nn.LSTMCell(3, 4)(T.ones(2, 3), (T.zeros(2, 4), T.zeros(2, 5))),
                lambda: T.nn.RNNCell(3, 4)(T.ones(2, 3, 1))):
        try:
            bad()
            yield "no error", None
        except (RuntimeError, ValueError, TypeError) as error:
            yield type(error).__name__, str(error)


@needs("nn")
def rnn_dropout_with_one_layer_warns(T):
    module = T.nn.GRU(3, 4, dropout=0.5)
    yield "repr", repr(module)


# -- Tensor methods of torch's that real programs use (issue 19) ---------------------------

def _outcome(f):
    """What ``f()`` gives, or its error's type and text."""
    try:
        return f()
    except Exception as error:             # (RuntimeError, TypeError, NotImplementedError)
        return f"{type(error).__name__}: {error}"


def splits_copies_and_sums_to_a_size(T):
    """split_with_sizes, unsafe_split / unsafe_chunk / unsafe_split_with_sizes (pieces
    that are not views: one may be written in place), narrow_copy, sum_to_size."""
    a = T.arange(8.0).view(2, 4)
    yield "split_with_sizes", T.arange(5).split_with_sizes([2, 3])
    yield "unsafe", (T.arange(5).unsafe_split(2), T.arange(5).unsafe_chunk(2),
                     T.arange(5).unsafe_split_with_sizes([1, 4], 0))
    yield "unsafe pieces are not views", [t._base is None for t in a.unsafe_split(1)]
    x = T.ones(4, requires_grad=True) * 1
    p, q = x.unsafe_split(2)
    p.mul_(2)
    (p.sum() + q.sum()).backward()
    yield "written in place", (p, type(p.grad_fn).__name__)
    for name, f in (("sizes", lambda: T.arange(5).unsafe_split_with_sizes([2, 2])),
                    ("chunks", lambda: T.arange(5).unsafe_chunk(0)),
                    ("0-d", lambda: T.tensor(1.0).unsafe_split(1))):
        yield "unsafe error " + name, _outcome(f)
    yield "narrow_copy", (a.narrow_copy(1, 1, 2), a.narrow_copy(1, -2, 2), a.narrow_copy(0, 1, 0))
    for start, length in ((3, 2), (-5, 2), (1, -1)):
        yield f"narrow_copy error {start} {length}", _outcome(lambda: a.narrow_copy(1, start, length))
    yield "narrow_copy of a 0-d tensor", _outcome(lambda: T.tensor(1.0).narrow_copy(0, 0, 1))
    w = T.arange(8.0, dtype=T.float64).view(2, 4).requires_grad_()
    w.narrow_copy(0, -1, 1).sum().backward()      # (torch slices the gradient from -1 to 0)
    yield "narrow_copy's gradient from a negative start", w.grad
    y = T.ones(2, 3, requires_grad=True)
    sums = [y.sum_to_size(1, 3), y.sum_to_size(3), y.sum_to_size([2, 1]), y.sum_to_size(T.Size([1, 1]))]
    yield "sum_to_size", (sums, [type(s.grad_fn).__name__ for s in sums], y.sum_to_size(2, 3) is y)
    yield "sum_to_size error", _outcome(lambda: y.sum_to_size(3, 3))


def conjugates_and_what_a_real_tensor_is_not(T):
    """Of a real tensor: conj / resolve_conj / resolve_neg / real are itself, mH / H /
    adjoint its transpose, imag torch's error; the flags of the layouts and devices
    autodiff has not; layout, name, grad_dtype, volatile."""
    b = T.arange(6.0).view(2, 3)
    yield "itself", [b.conj() is b, b.resolve_conj() is b, b.resolve_neg() is b, b.real is b,
                     b.conj_physical() is b, b.conj_physical_() is b]
    yield "isreal", (b.isreal(), T.tensor([1, 2]).isreal())
    yield "imag", _outcome(lambda: b.imag)
    x = T.ones(2, 3, requires_grad=True)
    yield "transposes", [(t, type(t.grad_fn).__name__) for t in (x.mH, x.H, x.adjoint(),
                                                                 T.adjoint(x))]
    yield "batched", T.arange(12).view(2, 2, 3).mH
    for name, f in (("mH", lambda: T.ones(3).mH), ("H 1-d", lambda: T.ones(3).H),
                    ("H 3-d", lambda: T.ones(2, 2, 2).H), ("adjoint", lambda: T.ones(3).adjoint())):
        yield "error " + name, _outcome(f)
    yield "flags", [b.is_sparse, b.is_sparse_csr, b.is_quantized, b.is_meta, b.is_nested,
                    b.is_mkldnn, b.is_xla, b.is_xpu, b.is_mps, b.is_ipu, b.is_maia, b.is_mtia,
                    b.is_vulkan, b.is_conj(), b.is_neg(), b.is_pinned(), b.is_distributed()]
    yield "layout", (b.layout, b.layout == T.strided)
    yield "name", b.name
    yield "grad_dtype", (b.grad_dtype, T.ones(2, dtype=T.float64, requires_grad=True).grad_dtype)
    yield "grad_dtype of a non-leaf", _outcome(lambda: (x * 2).grad_dtype)
    yield "volatile", b.volatile
    r = T.zeros(2)
    r.real = T.tensor([1.0, 2.0])
    r.volatile = True                    # (a warning, no effect)
    yield "real and volatile written", (r, r.volatile)
    yield "dense", (b.to_dense() is b, b.dense_dim(), b.sparse_dim())
    for name in ("values", "indices", "coalesce", "is_coalesced", "crow_indices", "col_indices",
                 "ccol_indices", "row_indices"):
        yield "sparse " + name, _outcome(getattr(b, name))
    yield "smm", _outcome(lambda: b.smm(b.t()))


def memory_sharing_as_torch_reports_it(T):
    """storage_offset, data_ptr (addresses: compared, not printed), dim_order,
    share_memory_ / is_shared, pin_memory without an accelerator."""
    b = T.zeros(3, 4)
    yield "storage_offset", (b.storage_offset(), b[1:, 2].storage_offset(),
                             b.t()[1].storage_offset(), T.zeros(5)[2:].view(3)[1:].storage_offset())
    yield "data_ptr", (b[1:].data_ptr() - b.data_ptr(), b[1, 1:].data_ptr() - b.data_ptr(),
                       b.t().data_ptr() == b.data_ptr(), b.detach().data_ptr() == b.data_ptr(),
                       b.clone().data_ptr() == b.data_ptr(), T.zeros(0).data_ptr(),
                       b.const_data_ptr() == b.data_ptr())
    yield "dim_order", (T.zeros(2, 1, 3).dim_order(), T.zeros(2, 3, 4).permute(2, 0, 1).dim_order(),
                        T.zeros(3, 1).dim_order(), T.zeros(3, 4).t().dim_order())
    yield "is_shared", (b.is_shared(), b.share_memory_() is b, b.is_shared())
    if not T.cuda.is_available():
        yield "pin_memory", _outcome(b.pin_memory)


def elementwise_python_functions_and_the_legacy_constructor(T):
    """apply_, map_, map2_ (Python loops, refused on a tensor that requires grad), and
    x.new(...)."""
    c = T.arange(6.0).view(2, 3)
    c.apply_(lambda v: v * 2 + 1)
    d = T.arange(3)
    d.apply_(lambda v: v + 0.7)
    c.map_(T.tensor([1.0, 2.0, 3.0]), lambda u, v: u - v)
    yield "apply_ map_", (c, d)
    yield "map2_", T.zeros(3).map2_(T.ones(3), T.tensor([1.0, 2.0, 3.0]), lambda u, v, w: u + v * w)
    yield "apply_ on a tensor that requires grad", _outcome(
        lambda: T.ones(2, requires_grad=True).apply_(lambda v: v))
    one = T.ones(2)
    yield "new", (one.new(2, 3).shape, one.new([1, 2]), T.ones(2, dtype=T.int32).new((3,)),
                  one.new().shape, one.new(T.Size([1])).shape, one.new(2, 3).dtype)
    t = T.tensor([1.0, 2.0])
    shared = one.new(t)
    yield "new(tensor) shares", (shared is t, shared.data_ptr() == t.data_ptr())
    yield "new(tensor) of another dtype", _outcome(lambda: one.new(T.tensor([1, 2])))


def integer_shifts_divisors_and_logical_writes(T):
    """bitwise shifts (operators too, in place and reflected), gcd, lcm, the in-place
    bitwise operators, logical_*_ (not recorded: even a leaf may be written), and their
    errors for float and bool tensors."""
    yield "shifts", (T.tensor([5, 3]) << 1, T.tensor([5, -3]) >> 1, 2 << T.tensor([1, 2]),
                     16 >> T.tensor([1, 2]), T.bitwise_left_shift(T.tensor([1, 2]), T.tensor([70, 1])),
                     T.tensor([-8], dtype=T.int8) >> 10, T.tensor([-8], dtype=T.int8) << 10,
                     T.tensor([3]) >> T.tensor([-1]), T.tensor([1], dtype=T.uint8) << 9,
                     T.tensor([200], dtype=T.uint8) >> 9, T.tensor([1], dtype=T.int16) << T.tensor([3]),
                     T.bitwise_right_shift(3, T.tensor([1])))
    x = T.tensor([1, 2])
    y = x
    x <<= 2
    x >>= 1
    x &= 3
    x |= 4
    x ^= 1
    y.bitwise_left_shift_(1)
    yield "in place", y
    yield "reflected", (True | T.tensor([True, False]), False ^ T.tensor([True, False]),
                        True & T.tensor([True, False]))
    yield "gcd lcm", (T.gcd(T.tensor([12, -18]), T.tensor([8, 0])), T.lcm(T.tensor([4, -6]), T.tensor([6, 4])),
                      T.lcm(T.tensor([0]), T.tensor([0])), T.tensor([12, 9]).gcd_(T.tensor([8, 6])),
                      T.lcm(T.tensor([4], dtype=T.int32), T.tensor([6], dtype=T.int16)))
    for name, f in (("gcd float", lambda: T.gcd(T.ones(2), T.ones(2))),
                    ("gcd bool", lambda: T.gcd(T.tensor([True]), T.tensor([True]))),
                    ("gcd number", lambda: T.gcd(T.tensor([1]), 2)),
                    ("shift float", lambda: T.tensor([1.5]) << 2),
                    ("shift bool", lambda: T.bitwise_left_shift(T.tensor([True]), T.tensor([True])))):
        yield name, _outcome(f)
    b = T.ones(2, requires_grad=True).clone()
    b.logical_and_(T.tensor([1.0, 0.0]))
    yield "logical_and_ keeps the history", (b, b._version)
    yield "logical_not_ of a leaf", T.ones(2, requires_grad=True).logical_not_()
    yield "logical", (T.tensor([0.0, 2.0]).logical_not_(), T.tensor([0, 2]).logical_xor_(T.tensor([1, 1])),
                      T.tensor([True, False]).logical_or_(T.tensor([0, 0])))


def scatters_fills_and_runs(T):
    """fill_diagonal_ (wrap, n-d, through views: CopySlices), diagonal_scatter's errors,
    unique_consecutive, nonzero_static, corrcoef, frexp's special values."""
    yield "fill_diagonal_", (T.zeros(5, 3).fill_diagonal_(1, wrap=True), T.zeros(7, 2).fill_diagonal_(3, wrap=True),
                             T.zeros(5, 3).fill_diagonal_(1), T.zeros(2, 4).fill_diagonal_(1, wrap=True),
                             T.zeros(3, 3, 3).fill_diagonal_(2)[1], T.zeros(3, 4).t().fill_diagonal_(2))
    for name, f in (("1-d", lambda: T.zeros(3).fill_diagonal_(1)),
                    ("unequal", lambda: T.zeros(2, 3, 3).fill_diagonal_(1)),
                    ("leaf", lambda: T.zeros(3, 3, requires_grad=True).fill_diagonal_(1))):
        yield "fill_diagonal_ error " + name, _outcome(f)
    b = T.ones(3, 3, requires_grad=True)
    c = b * 2
    c.fill_diagonal_(0.5)
    c.sum().backward()
    yield "fill_diagonal_ gradient", (c, b.grad)
    yield "diagonal_scatter", (T.zeros(2, 3, 4).diagonal_scatter(T.ones(3, 2), 0, 0, 2),
                               _outcome(lambda: T.zeros(3, 3).diagonal_scatter(T.ones(2))),
                               _outcome(lambda: T.zeros(3, 3).diagonal_scatter(T.ones(3), 0, 1, 1)))
    t = T.tensor([1, 1, 2, 2, 3, 1, 1, 2])
    yield "unique_consecutive", (t.unique_consecutive(), t.unique_consecutive(return_counts=True, return_inverse=True),
                                 T.tensor([[1, 1], [1, 1], [2, 3]]).unique_consecutive(dim=0, return_counts=True, return_inverse=True),
                                 T.tensor([[1, 1, 2], [1, 1, 3]]).unique_consecutive(dim=1),
                                 T.tensor([]).unique_consecutive(return_counts=True),
                                 T.tensor([[1, 1], [2, 2]]).unique_consecutive(return_inverse=True))
    yield "unique_consecutive has no derivative", _outcome(
        lambda: T.tensor([1.0, 2.0, 1.0], requires_grad=True).unique_consecutive().sum().backward())
    yield "nonzero_static", (T.tensor([0, 3, 0, 1]).nonzero_static(size=3),
                             T.tensor([[0, 3], [1, 1]]).nonzero_static(size=4, fill_value=-2),
                             T.tensor([1, 1]).nonzero_static(size=1))
    a = T.tensor([[1.0, 2, 4], [0, 1, 3.5]], dtype=T.float64, requires_grad=True)
    c = a.corrcoef()
    c.backward(T.tensor([[1.0, 2], [3, 4]], dtype=T.float64))
    yield "corrcoef", (c, a.grad, T.tensor([1.0, 2, 3]).corrcoef(), T.tensor([1, 2, 3]).corrcoef(),
                       _outcome(lambda: T.zeros(2, 2, 2).corrcoef()))
    yield "frexp", (T.frexp(T.tensor([0.0, float("inf"), float("nan"), -0.0, 3.0])),
                    _outcome(lambda: T.tensor([1]).frexp()))
    yield "special functions' domains", (
        T.igamma(T.tensor([0.0, -1, 1, 0]), T.tensor([1.0, 1, 0, 0])),
        T.igammac(T.tensor([0.0, -1, 1, 0]), T.tensor([1.0, 1, 0, 0])),
        _outcome(lambda: T.igamma(T.tensor([1, 2]), T.tensor([1, 3]))),
        T.tensor([3]).mvlgamma(2), _outcome(lambda: T.tensor([3.0]).mvlgamma(0)),
        T.tensor([1, 2]).i0(), T.tensor([-1, 0, 2]).angle(), T.tensor([True]).angle(),
        _outcome(lambda: T.tensor([1, 2]).nextafter(T.tensor([2, 3]))),
        T.tensor([1.0]).nextafter(T.tensor([2.0], dtype=T.float64)),
        _outcome(lambda: T.tensor([1]).hardshrink()), T.nn.Hardshrink(0.3),
        T.hardshrink(T.tensor([0.3, -1.0])), T.tensor([-1.0, 2]).prelu(T.tensor([0.25])),
        _outcome(lambda: T.ones(2).float_power_(2)))
    y = T.tensor([1.0, 2.0], dtype=T.float64, requires_grad=True)
    yield "igamma's input has no derivative", _outcome(
        lambda: T.igamma(y, T.tensor([0.5, 3.0], dtype=T.float64)).sum().backward())


def histograms_of_counts_edges_and_densities(T):
    """histogram: equal bins over the elements' range or a given one, given edges,
    weights, densities, and torch's errors; both outputs of one NotImplemented node."""
    x = T.tensor([1.0, 2, 1, 4, 9])
    yield "bins", (T.histogram(x, 4), x.histogram(T.tensor([0.0, 2, 5, 10])),
                   T.histogram(T.tensor([[1.0, 2], [3, 4]], dtype=T.float64), 2),
                   x.histogram(T.tensor([3.0, 1])), T.tensor([]).histogram(2),
                   T.tensor([1.0, 1]).histogram(2),
                   T.tensor([0.1, 0.2, 0.3, 0.7, 1.0, 1.3]).histogram(3))
    yield "weights and densities", (
        x.histogram(3, range=(0.0, 6.0), weight=T.tensor([1.0, 2, 3, 4, 5]), density=True),
        T.tensor([0.1, 0.2, 0.3, 0.7, 1.0, 1.3]).histogram(3, range=(0.2, 1.0), density=True))
    for name, f in (("integers", lambda: T.histogram(T.tensor([1, 2]), 2)),
                    ("no bins", lambda: x.histogram(0)),
                    ("range", lambda: x.histogram(2, range=(3.0, 1.0)))):
        yield name, _outcome(f)
    h = T.tensor([1.0, 2.0], requires_grad=True).histogram(2)
    yield "one node", (h.hist.grad_fn.name(), h.bin_edges.requires_grad,
                       h.hist.grad_fn is h.bin_edges.grad_fn)
    h.hist.sum().backward()


def index_reduce_of_slices(T):
    """index_reduce (in place too): every reduction, with and without self's values,
    integers (mean rounds down), torch's errors; its beta warning (once per process: here
    under ``set_warn_always``, every time)."""
    before = T.is_warn_always_enabled()
    T.set_warn_always(True)
    try:
        yield from _index_reductions(T)
    finally:
        T.set_warn_always(before)


def _index_reductions(T):
    x = T.ones(3, 2)
    i = T.tensor([0, 2, 0])
    s = T.tensor([[2.0, 3], [4, 5], [6, 7]])
    yield "reductions", [x.index_reduce(0, i, s, reduce, include_self=include_self)
                         for reduce in ("prod", "mean", "amax", "amin")
                         for include_self in (True, False)]
    yield "integers", T.tensor([1, 2]).index_reduce(0, T.tensor([0, 0]), T.tensor([4, 5]), "mean")
    z = T.ones(3, 2)
    z.index_reduce_(1, T.tensor([1, 1]), T.ones(3, 2) * 3, "prod")
    yield "in place", z
    a = T.tensor([[1.0, 2], [0, 3], [4, 0.5]], dtype=T.float64, requires_grad=True)
    b = T.tensor([[2.0, 0], [3, 1], [0, 0], [1, 2]], dtype=T.float64, requires_grad=True)
    for include_self in (True, False):
        y = a.index_reduce(0, T.tensor([0, 2, 0, 0]), b, "prod", include_self=include_self)
        y.backward(T.arange(6.0, dtype=T.float64).view(3, 2))
        yield f"prod's gradients, include_self={include_self}", (y, a.grad, b.grad)
        a.grad = b.grad = None
    for name, f in (("sum", lambda: x.index_reduce(0, i, s, "sum")),
                    ("float index", lambda: x.index_reduce(0, i.float(), s, "prod")),
                    ("out of range", lambda: x.index_reduce(0, T.tensor([0, 5, 0]), s, "prod")),
                    ("negative", lambda: x.index_reduce(0, T.tensor([0, -1, 0]), s, "prod")),
                    ("count", lambda: x.index_reduce(0, i[:2], s, "prod"))):
        yield name, _outcome(f)


def matrix_exponentials(T):
    """matrix_exp (and linalg.matrix_exp): values in float32, of empty and batched
    matrices, torch's errors."""
    yield "values", (T.tensor([[1.0, 2, 0.5], [-1, 0.3, 2], [0, 1, -2]]).matrix_exp(),
                     T.zeros(0, 0).matrix_exp(), T.ones(2, 3, 3).matrix_exp(),
                     T.linalg.matrix_exp(T.ones(1, 1)))
    for name, f in (("not square", lambda: T.ones(2, 3).matrix_exp()),
                    ("1-d", lambda: T.ones(3).matrix_exp()),
                    ("integers", lambda: T.ones(2, 2, dtype=T.long).matrix_exp())):
        yield name, _outcome(f)


def membership_reversal_and_more_in_place_operators(T):
    """``v in x``, ``reversed(x)``, ``x %= n`` and ``x //= n`` in place (an alias sees the
    write), ``del x[i]`` refused."""
    t = T.tensor([[1, 2], [3, 4]])
    yield "in", (2 in t, 5 in t, T.tensor(3) in t, T.tensor([1, 2]) in t, 2.0 in t.float())
    yield "in a string", _outcome(lambda: "a" in t)
    yield "reversed", (reversed(t), reversed(T.tensor(3.0)))
    x = T.tensor([5, 7])
    y = x
    x %= 3
    x //= 2
    yield "in place", y
    f = T.tensor([5.0, 7.0], requires_grad=True) * 1
    g = f
    f %= 3
    yield "in place, recorded", (g, type(g.grad_fn).__name__)
    yield "del", _outcome(lambda: t.__delitem__(0))


def cholesky_factors_and_their_errors(T):
    """linalg.cholesky (lower or upper, batched) and its errors: not positive-definite
    (which leading minor, which batch element), not square, integers."""
    a = T.tensor([[4.0, 2, 0.4], [2, 5, 1], [0.4, 1, 3]], dtype=T.float64)
    yield "factors", (T.linalg.cholesky(a), T.linalg.cholesky(a, upper=True),
                      T.linalg.cholesky(T.tensor([[[4.0, 2], [1, 3]], [[2.0, 0.5], [0.5, 1]]])),
                      T.linalg.cholesky(T.zeros(0, 0)))
    for name, f in (("not positive-definite", lambda: T.linalg.cholesky(T.tensor([[1.0, 2], [2, 1]]))),
                    ("negative", lambda: T.linalg.cholesky(T.tensor([[-1.0, 0], [0, 1]]))),
                    ("batch", lambda: T.linalg.cholesky(
                        T.tensor([[[1.0, 0], [0, 1]], [[1.0, 2], [2, 1]]]))),
                    ("not square", lambda: T.linalg.cholesky(T.ones(2, 3))),
                    ("1-d", lambda: T.linalg.cholesky(T.ones(3))),
                    ("integers", lambda: T.linalg.cholesky(T.ones(2, 2, dtype=T.long)))):
        yield name, _outcome(f)


def cholesky_inverses_and_solves(T):
    """cholesky_inverse and cholesky_solve (from either triangle: only that triangle is
    read; batches broadcast) and their errors."""
    f = T.tensor([[2.0, 0.3, 0.1], [1, 2, 0.7], [0.2, 0.4, 1.5]])
    b = T.tensor([[1.0, 2], [3, 4], [5, 6]])
    yield "values", (f.cholesky_inverse(), f.cholesky_inverse(upper=True), b.cholesky_solve(f),
                     T.cholesky_solve(b, f, upper=True), T.ones(2, 3, 2).cholesky_solve(f),
                     T.ones(3, 2).cholesky_solve(T.eye(3).expand(2, 3, 3) * 2),
                     T.zeros(0, 0).cholesky_inverse())
    for name, g in (("1-d", lambda: T.ones(3).cholesky_inverse()),
                    ("not square", lambda: T.ones(2, 3).cholesky_inverse()),
                    ("integers", lambda: T.ones(2, 2, dtype=T.long).cholesky_inverse()),
                    ("1-d b", lambda: T.ones(3).cholesky_solve(f)),
                    ("sizes", lambda: b.cholesky_solve(T.ones(2, 2))),
                    ("dtypes", lambda: b.double().cholesky_solve(f))):
        yield name, _outcome(g)


# -- torch's global context: determinism, matmul precision, threads ----------------------

def deterministic_algorithms_flags(T):
    yield "at first", (T.are_deterministic_algorithms_enabled(),
                       T.is_deterministic_algorithms_warn_only_enabled(),
                       T.get_deterministic_debug_mode())
    try:
        T.use_deterministic_algorithms(True, warn_only=True)
        yield "warn only", (T.are_deterministic_algorithms_enabled(),
                            T.is_deterministic_algorithms_warn_only_enabled(),
                            T.get_deterministic_debug_mode())
        T.set_deterministic_debug_mode("error")
        yield "error", (T.are_deterministic_algorithms_enabled(),
                        T.is_deterministic_algorithms_warn_only_enabled(),
                        T.get_deterministic_debug_mode())
        for bad in (lambda: T.use_deterministic_algorithms(1),
                    lambda: T.use_deterministic_algorithms(True, warn_only=0),
                    lambda: T.set_deterministic_debug_mode("foo"),
                    lambda: T.set_deterministic_debug_mode(5),
                    lambda: T.set_deterministic_debug_mode(1.5)):
            yield "bad mode", raised(bad)
        yield "unchanged by the errors", T.get_deterministic_debug_mode()
    finally:
        T.set_deterministic_debug_mode(0)
    yield "off again", T.are_deterministic_algorithms_enabled()


def float32_matmul_precision(T):
    yield "at first", T.get_float32_matmul_precision()
    try:
        T.set_float32_matmul_precision("medium")
        yield "medium", T.get_float32_matmul_precision()
        yield "a bad type", raised(lambda: T.set_float32_matmul_precision(3))
        T.set_float32_matmul_precision("fastest")          # warns, changes nothing
        yield "after a bad name", T.get_float32_matmul_precision()
    finally:
        T.set_float32_matmul_precision("highest")


def thread_counts(T):
    before = T.get_num_threads()
    try:
        T.set_num_threads(1)
        yield "set to 1", T.get_num_threads()
    finally:
        T.set_num_threads(before)
    for bad in (lambda: T.set_num_threads(0), lambda: T.set_num_threads(1.5),
                lambda: T.set_num_threads(True), lambda: T.set_num_interop_threads(-1),
                lambda: T.set_num_interop_threads("2")):
        yield "bad count", raised(bad)
    yield "interop", type(T.get_num_interop_threads()).__name__
    yield "init_num_threads", T.init_num_threads()


def rng_state_round_trip(T):
    """``get_rng_state``/``set_rng_state``, ``fork_rng``, ``seed``, ``initial_seed``:
    the same draws again (the states' bytes are each framework's own)."""
    T.manual_seed(7)
    yield "initial_seed", T.initial_seed()
    state = T.get_rng_state()
    yield "state dtype", state.dtype
    first = T.rand(4)
    T.set_rng_state(state)
    yield "the same draws again", T.equal(first, T.rand(4))
    generator = T.Generator().manual_seed(3)
    saved = generator.get_state()
    drawn = T.randn(3, generator=generator)
    yield "set_state returns the generator", generator.set_state(saved) is generator
    yield "a generator's draws again", T.equal(drawn, T.randn(3, generator=generator))
    with T.random.fork_rng():
        T.rand(10)
    yield "fork_rng restores", T.equal(T.get_rng_state(), T.random.get_rng_state())
    after = T.get_rng_state()
    with T.random.fork_rng():
        T.rand(10)
    yield "nothing drawn outside", T.equal(after, T.get_rng_state())
    seed = T.seed()
    yield "seed", (type(seed).__name__, seed == T.initial_seed())
    yield "a float state", raised(lambda: T.set_rng_state(T.zeros(3)))
    yield "a list state", raised(lambda: generator.set_state([1, 2]))


def set_default_tensor_type_sets_the_default_dtype(T):
    """(Its deprecation warning is given once per process: always, for the case.)"""
    T.set_warn_always(True)
    try:
        T.set_default_tensor_type(T.DoubleTensor)
        yield "DoubleTensor", (T.get_default_dtype(), T.tensor([1.5]).dtype)
        T.set_default_tensor_type("torch.HalfTensor")
        yield "by name", T.get_default_dtype()
        for bad in (lambda: T.set_default_tensor_type(T.LongTensor),
                    lambda: T.set_default_tensor_type(T.float64),
                    lambda: T.set_default_tensor_type(3),
                    lambda: T.set_default_tensor_type("torch.NoSuchTensor")):
            yield "bad type", raised(bad)
    finally:
        T.set_default_dtype(T.float32)
        T.set_warn_always(False)


def set_anomaly_enabled_at_the_top_level(T):
    try:
        T.set_anomaly_enabled(True)
        yield "on", (T.is_anomaly_enabled(), T.is_anomaly_check_nan_enabled())
        T.set_anomaly_enabled(True, False)
        yield "without NaN checks", (T.is_anomaly_enabled(), T.is_anomaly_check_nan_enabled())
        yield "a bad flag", raised(lambda: T.set_anomaly_enabled(1))
    finally:
        T.set_anomaly_enabled(False)
    yield "off", T.is_anomaly_enabled()


def function_forms_of_tensor_questions(T):
    x = T.tensor([1.0, -2.0], requires_grad=True)
    yield "questions", (T.is_complex(x), T.is_signed(x), T.is_signed(T.tensor([1], dtype=T.uint8)),
                        T.get_device(x), T.is_same_size(x, x), T.is_same_size(x, x[:1]),
                        T.is_neg(x), T.is_conj(x), T.is_inference(x), T.is_distributed(x),
                        T.is_storage(x))
    yield "conj", T.conj(x)
    yield "resolve", (T.resolve_conj(x), T.resolve_neg(x))
    yield "conj_physical", T.conj_physical(x)
    yield "detach", T.detach(x)
    yield "real", T.real(x)
    yield "imag", raised(lambda: T.imag(x))
    y = T.tensor([4, 6])
    T.gcd_(y, T.tensor([6, 4]))
    yield "gcd_", y
    T.lcm_(y, T.tensor([3, 3]))
    yield "lcm_", y
    z = T.tensor([0.5, 1.0])
    T.i0_(z)
    yield "i0_", z


def out_of_memory_errors_are_runtime_errors(T):
    yield "OutOfMemoryError", [c.__name__ for c in T.OutOfMemoryError.__mro__[1:]]
    yield "AcceleratorError", [c.__name__ for c in T.AcceleratorError.__mro__[1:]]


# -- torch.testing.assert_close --------------------------------------------------------------

def assert_close_passes_and_fails_as_torchs(T):
    """``testing.assert_close``: torch's tolerances per dtype and its messages, the
    greatest differences computed in the compared dtype, and where in a structure."""
    close = T.testing.assert_close
    a = T.tensor([[1.0, 2.0], [3.0, 4.0]])
    for name, probe in [
            ("equal", lambda: close(a, a.clone())),
            ("within float32's tolerance", lambda: close(a, a + 1e-6)),
            ("not close", lambda: close(a, T.tensor([[1.0, 2.5], [3.0, 5.0]]))),
            ("integers are equal or not", lambda: close(T.tensor([1, 2]), T.tensor([1, 3]))),
            ("booleans", lambda: close(T.tensor([True]), T.tensor([False]))),
            ("0-d tensors are scalars", lambda: close(T.tensor(1.0), T.tensor(2.0))),
            ("shapes", lambda: close(T.ones(2), T.ones(3))),
            ("dtypes", lambda: close(T.ones(2), T.ones(2, dtype=T.float64))),
            ("dtypes unchecked", lambda: close(T.ones(2), T.ones(2, dtype=T.float64),
                                               check_dtype=False)),
            ("a tensor and a list", lambda: close(T.ones(2), [1.0, 1.0])),
            ("a tensor and a float", lambda: close(T.tensor(1.0), 1.0)),
            ("in a list", lambda: close([T.tensor(1.0)], [T.tensor(2.0)])),
            ("in a dict", lambda: close({"a": T.ones(2)}, {"a": T.zeros(2)})),
            ("keys", lambda: close({"a": 1}, {"b": 1})),
            ("lengths", lambda: close([1, 2], [1])),
            ("structure first", lambda: close([T.ones(1), "a"], [T.zeros(1), "b"])),
            ("floats", lambda: close(1.0, 1.1)),
            ("ints", lambda: close(1, 2)),
            ("an int and a float", lambda: close(1, 1.0)),
            ("None", lambda: close(None, 1)),
            ("bools", lambda: close(True, False)),
            ("nan", lambda: close(T.tensor(float("nan")), T.tensor(float("nan")))),
            ("equal_nan", lambda: close(T.tensor([float("nan")]), T.tensor([float("nan")]),
                                        equal_nan=True)),
            ("own tolerances", lambda: close(T.tensor([1.0, 2.0]), T.tensor([1.0, 2.1]),
                                             rtol=0.1, atol=0.0)),
            ("rtol alone", lambda: close(T.ones(1), T.ones(1), rtol=0.1)),
            ("a message", lambda: close(T.ones(1), T.zeros(1), msg="custom")),
            ("a message function", lambda: close(T.ones(1), T.zeros(1),
                                                 msg=lambda text: text.upper())),
            ("requires grad", lambda: close(T.ones(2, requires_grad=True), T.ones(2))),
            ("float64 numbers", lambda: close(np.array([1.0, 2.0]), np.array([1.0, 3.0])))]:
        yield name, raised(probe)


# -- the smaller names of torch's submodules ----------------------------------------------

def linalg_products_and_diagonal(T):
    a = T.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    yield "matmul", T.linalg.matmul(a, a)
    yield "matrix_power 3", T.linalg.matrix_power(a, 3)
    yield "matrix_power -1", T.linalg.matrix_power(a, -1)
    yield "matrix_power -2", T.matrix_power(a, -2)
    yield "diagonal", T.linalg.diagonal(a, offset=1)
    yield "batched diagonal", T.linalg.diagonal(T.arange(8.0).reshape(2, 2, 2))
    yield "vecdot", T.linalg.vecdot(a, a)
    yield "vecdot dim 0", T.linalg.vecdot(a, T.tensor([1.0, -1.0]).reshape(2, 1), dim=0)
    T.linalg.vecdot(a, a).sum().backward()
    yield "a.grad", a.grad
    yield "a singular matrix", raised(lambda: T.linalg.inv(T.zeros(2, 2)))
    yield "LinAlgError is a RuntimeError", issubclass(T.linalg.LinAlgError, RuntimeError)
    T.linalg.vecdot(a, T.ones(3))


@needs("nn")
def deprecated_clip_grad_norm(T):
    p = T.nn.Parameter(T.ones(2))
    p.grad = T.tensor([3.0, 4.0])
    yield "norm", T.nn.utils.clip_grad_norm([p], 1.0)
    yield "clipped", p.grad


def grad_modes_in_autograd(T):
    x = T.ones(2, requires_grad=True)
    with T.autograd.no_grad():
        yield "no_grad", (x * 2).requires_grad
        with T.autograd.enable_grad():
            yield "enable_grad", (x * 2).requires_grad
    with T.autograd.set_grad_enabled(False):
        yield "set_grad_enabled", (x * 2).requires_grad
    with T.autograd.inference_mode():
        yield "inference_mode", (x * 2).is_inference()


@needs("nn")
def parameter_dict_registers_and_prints(T):
    d = T.nn.ParameterDict({"b": T.zeros(3), "a": T.nn.Parameter(T.ones(2, 3))})
    yield "repr (a mapping's keys sorted)", repr(d)
    d["c"] = T.ones(1)
    d.update([("e", T.ones(2)), ("d", T.ones(1))])
    yield "keys", list(d.keys())
    yield "types", [type(v).__name__ for v in d.values()]
    yield "parameters", [name for name, _ in d.named_parameters()]
    yield "pop", (d.pop("c").shape, "c" in d, len(d))
    d["x"] = 3
    yield "an object", (d["x"], repr(d))
    yield "get", (d.get("zz", "none"), d.setdefault("f", T.ones(1)).shape)
    yield "a bad update", raised(lambda: d.update([("only one",)]))
    yield "not callable", raised(lambda: d(1))
    d["zz"]


@needs("nn")
def buffer_assigned_to_a_module(T):
    module = T.nn.Module()
    module.counts = T.nn.Buffer(T.zeros(2))
    module.scratch = T.nn.Buffer(T.ones(1), persistent=False)
    yield "buffers", dict(module.named_buffers())
    yield "state_dict keys", list(module.state_dict())
    yield "a plain tensor", (type(module.counts).__name__, isinstance(module.counts, T.nn.Buffer),
                             isinstance(T.ones(1), T.nn.Buffer), module.counts.persistent)
    leaf = T.ones(1, requires_grad=True)
    yield "requires grad kept", T.nn.Buffer(leaf * 2).requires_grad
    yield "empty", T.nn.Buffer()
    module.counts = T.ones(2)                       # a tensor into a buffer's name
    yield "replaced", dict(module.named_buffers())


def linalg_multi_dot_and_vander(T):
    a = T.tensor([[1.0, 2.0, 0.5], [3.0, -1.0, 2.0]], requires_grad=True)
    b = T.tensor([[1.0, 0.0], [2.0, 1.0], [-1.0, 3.0]])
    for name, tensors in [("two", [a, b]), ("three", [a, b, T.ones(2, 4)]),
                          ("a row vector first", [T.tensor([1.0, -1.0]), a, b]),
                          ("a column vector last", [a, T.tensor([1.0, 2.0, 3.0])]),
                          ("two vectors", [T.tensor([1.0, 2.0]), T.tensor([3.0, 4.0])])]:
        y = T.linalg.multi_dot(tensors)
        yield name, (y, y.grad_fn)
    T.linalg.multi_dot([a, b, T.ones(2, 4)]).sum().backward()
    yield "a.grad", a.grad
    for name, tensors in [("one", [a]), ("3-d last", [a, b.unsqueeze(0)]),
                          ("3-d middle", [a, b.unsqueeze(0), b]), ("dtypes", [a, b.double()]),
                          ("shapes", [a, b, T.ones(3, 3)])]:
        yield name, raised(lambda: T.linalg.multi_dot(tensors))
    x = T.tensor([1.0, 2.0, -0.5], requires_grad=True)
    v = T.linalg.vander(x, N=4)
    yield "vander", (v, v.grad_fn)
    v.sum().backward()
    yield "x.grad", x.grad
    yield "integers", T.linalg.vander(T.tensor([1, 2, 3]))
    yield "a batch", T.linalg.vander(T.arange(6.0).reshape(2, 3))
    yield "bool", raised(lambda: T.linalg.vander(T.tensor([True])))
    T.linalg.vander(x, N=1)


@needs("nn")
def batch_norm_3d(T):
    bn = T.nn.BatchNorm3d(2)
    x = T.arange(32.0).reshape(2, 2, 2, 2, 2).sin().requires_grad_()
    y = bn(x)
    yield "y", (y, y.grad_fn)
    y.pow(2).sum().backward()
    yield "grads", (x.grad, bn.weight.grad)
    yield "running", (bn.running_mean, bn.running_var, repr(bn))
    bn(T.ones(2, 2, 2))
