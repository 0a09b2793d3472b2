"""What real torch programs use around the maths: checkpoints (``save`` / ``load``),
device selection (``backends``, ``accelerator``), legacy names, new-style custom
Functions, the profiler's shape, ``optim.LBFGS`` and the recurrent layers."""

import io

from parity_tests.cases.training import _seeded_weights
from parity_tests.harness import needs


class Checkpoint:
    """A user class in a checkpoint: ``weights_only`` loads refuse it."""

    def __init__(self, step):
        self.step = step


def _round_trip(T, obj, **load_args):
    buffer = io.BytesIO()
    T.save(obj, buffer)
    buffer.seek(0)
    return T.load(buffer, **load_args)


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
