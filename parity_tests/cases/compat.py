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
