"""``autodiff.compile``: a compiled step does what the eager step does, and traces only
when it must.

Each test runs one step function twice over from the same starting numbers: eagerly,
and through ``compile``; the losses and the final state (tensors and their grads) must
agree. ``step.traces`` counts how many times JAX traced the step.
"""

import json
import os
import subprocess
import sys

import jax
import numpy as np
import pytest

import autodiff
from autodiff.compile import _find_state, compile

LR = 0.1
WIDTHS = (5, 8, 3)


def mlp_params():
    rng = np.random.default_rng(0)
    params = []
    for fan_in, fan_out in zip(WIDTHS, WIDTHS[1:]):
        params += [autodiff.tensor(rng.standard_normal((fan_in, fan_out)) / fan_in ** 0.5,
                                   dtype=autodiff.float32, requires_grad=True),
                   autodiff.zeros(fan_out, requires_grad=True)]
    return params


def batch(n=4, seed=1, dtype=autodiff.float32):
    rng = np.random.default_rng(seed)
    x = autodiff.tensor(rng.standard_normal((n, WIDTHS[0])), dtype=dtype)
    y = autodiff.tensor(np.eye(WIDTHS[-1])[rng.integers(0, WIDTHS[-1], n)], dtype=dtype)
    return x, y


def mlp_loss(params, x, y):
    h = x
    for i in range(0, len(params), 2):
        h = h @ params[i].to(x.dtype) + params[i + 1].to(x.dtype)
        if i + 2 < len(params):
            h = h.relu()
    return -(autodiff.log_softmax(h, 1) * y).sum() / x.shape[0]


def sgd(params, x, y):
    """The raw-tensor step: grads cleared after the update (``set_to_none``)."""
    loss = mlp_loss(params, x, y)
    loss.backward()
    with autodiff.no_grad():
        for p in params:
            p -= LR * p.grad
            p.grad = None
    return loss


def assert_same_run(step, make_state, calls, traces, atol=1e-6):
    """Run ``step(state, *args)`` for each args of ``calls``, eagerly and compiled."""
    eager, fast = make_state(), make_state()
    compiled = compile(lambda *args: step(fast, *args), state=fast)
    for args in calls:
        expected, got = step(eager, *args), compiled(*args)
        assert got.grad_fn is None
        close(got, expected, atol)
    eager_tensors, fast_tensors = _find_state(eager)[0], _find_state(fast)[0]
    assert len(fast_tensors) == len(eager_tensors)
    for e, f in zip(eager_tensors, fast_tensors):
        assert not isinstance(f._value(), jax.core.Tracer)
        close(f, e, atol)
        assert (f.grad is None) == (e.grad is None)
        if e.grad is not None:
            close(f.grad, e.grad, atol)
    assert compiled.traces == traces


def close(got, expected, atol=1e-6):
    np.testing.assert_allclose(got.numpy(force=True), expected.numpy(force=True), rtol=1e-5,
                               atol=atol)


def test_a_compiled_mlp_step_matches_the_eager_step():
    assert_same_run(sgd, mlp_params, [batch(seed=s) for s in range(4)], traces=1)


def test_it_traces_again_only_when_shapes_or_dtypes_change():
    calls = [batch(4, 1), batch(4, 2), batch(6, 3), batch(4, 4), batch(6, 5),
             batch(4, 6, autodiff.float64), batch(4, 7, autodiff.float64)]
    assert_same_run(sgd, mlp_params, calls, traces=3)


def test_grads_zeroed_in_place_are_threaded_through():
    def step(params, x, y):
        loss = mlp_loss(params, x, y)
        loss.backward()                    # accumulates into the zeroed .grad after step 1
        with autodiff.no_grad():
            for p in params:
                p -= LR * p.grad
                p.grad.zero_()             # zero_grad(set_to_none=False)
        return loss

    # the first call has no .grad yet; every later one has: two traces, then none
    assert_same_run(step, mlp_params, [batch(seed=s) for s in range(4)], traces=2)


def test_optimizer_buffers_made_in_the_first_step_become_state():
    def make_state():
        return {"params": mlp_params(), "momentum": {}}

    def step(state, x, y):
        loss = mlp_loss(state["params"], x, y)
        loss.backward()
        with autodiff.no_grad():
            for p in state["params"]:
                buf = state["momentum"].get(p)
                if buf is None:
                    buf = state["momentum"][p] = p.grad.clone()
                else:
                    buf.mul_(0.9).add_(p.grad)
                p -= LR * buf
                p.grad = None
        return loss

    assert_same_run(step, make_state, [batch(seed=s) for s in range(4)], traces=2)


def test_a_changed_hyperparameter_compiles_again():
    def make_state():
        return {"params": mlp_params(), "lr": 0.1}

    def step(state, x, y):
        loss = mlp_loss(state["params"], x, y)
        loss.backward()
        with autodiff.no_grad():
            for p in state["params"]:
                p -= state["lr"] * p.grad
                p.grad = None
        if loss.requires_grad:                  # eager and compiled: the same schedule
            state["lr"] = 0.05
        return loss

    assert_same_run(step, make_state, [batch(seed=s) for s in range(3)], traces=2)


def test_results_and_constant_arguments():
    params = mlp_params()
    step = compile(lambda x, y, scale: {"loss": sgd(params, x, y) * scale, "scale": scale},
                   state=params)
    out = step(*batch(), 2)
    assert out["scale"] == 2 and isinstance(out["loss"], autodiff.Tensor)
    step(*batch(), 2)
    step(*batch(), 3)                           # a new constant: a new program
    assert step.traces == 2


def test_state_replaced_rather_than_updated_in_place_is_an_error():
    params = mlp_params()

    def step(x, y):
        mlp_loss(params, x, y).backward()
        params[0].data = params[0] - LR * params[0].grad

    with pytest.raises(RuntimeError, match="in place"):
        compile(step, state=params)(*batch())
    assert not isinstance(params[0]._value(), jax.core.Tracer)


def test_a_graph_recorded_before_a_step_sees_its_parameters_modified():
    params, (x, y) = mlp_params(), batch()
    stale = mlp_loss(params, x, y)                   # saves the weights (as eager would)
    compile(lambda x, y: sgd(params, x, y), state=params)(x, y)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        stale.backward()


def test_views_of_parameters_inside_a_step():
    def step(params, x, y):
        loss = (x @ params[0].t().t().reshape(WIDTHS[:2])).sum() + mlp_loss(params, x, y)
        loss.backward()
        with autodiff.no_grad():
            for p in params:
                p -= LR * p.grad
                p.grad = None
        return loss

    assert_same_run(step, mlp_params, [batch(seed=s) for s in range(2)], traces=1)


def test_an_nn_model():
    nn = pytest.importorskip("autodiff.nn")

    def make_state():
        autodiff.manual_seed(0)
        return nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 3))

    def step(model, x, y):     # (F.cross_entropy checks its targets' values in Python)
        loss = -(nn.functional.log_softmax(model(x), 1) * y).sum() / x.shape[0]
        loss.backward()
        with autodiff.no_grad():
            for p in model.parameters():
                p -= LR * p.grad
                p.grad = None
        return loss

    assert_same_run(step, make_state, [batch(seed=s) for s in range(4)], traces=1)


OPTIMIZER_OPTIONS = {
    "SGD": dict(lr=LR, momentum=0.9), "Adam": dict(lr=LR, amsgrad=True),
    "AdamW": dict(lr=LR), "Adagrad": dict(lr=LR, lr_decay=0.1),
    "RMSprop": dict(lr=LR, momentum=0.9, centered=True),
    "Adamax": dict(lr=LR, weight_decay=0.1), "NAdam": dict(lr=LR, momentum_decay=0.1),
    "RAdam": dict(lr=LR, betas=(0.9, 0.9)), "Adadelta": dict(rho=0.5),
    "ASGD": dict(lr=LR, t0=1), "Rprop": dict(lr=LR)}


@pytest.mark.parametrize("optimizer", list(OPTIMIZER_OPTIONS))
def test_an_nn_model_with_an_optimizer(optimizer):
    nn = pytest.importorskip("autodiff.nn")
    optim = pytest.importorskip("autodiff.optim")
    options = OPTIMIZER_OPTIONS[optimizer]

    def make_state():
        autodiff.manual_seed(0)
        model = nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 3))
        return [model, getattr(optim, optimizer)(model.parameters(), **options)]

    def step(state, x, y):
        model, opt = state
        opt.zero_grad()
        loss = -(nn.functional.log_softmax(model(x), 1) * y).sum() / x.shape[0]
        loss.backward()
        opt.step()
        return loss

    # Compiled, Adam folds its step size into the denominator (torch's capturable
    # formulas: the step count is a tensor; NAdam's factors multiply the tensors): the
    # last bits of float32 differ, and the Adam family's normalised step (about lr
    # whatever the gradient) carries that to the parameters of near-zero gradients;
    # 1e-4 of the learning rate still tells a wrong update apart.
    normalised = optimizer.startswith("Adam") or optimizer in ("NAdam", "RAdam")
    atol = LR * 1e-4 if normalised else 1e-6
    assert_same_run(step, make_state, [batch(seed=s) for s in range(4)], traces=2, atol=atol)


def test_losses_with_value_checks_compile_and_match_eager():
    """cross_entropy (class indices), embedding and binary_cross_entropy check their
    values eagerly; a compiled step skips those checks and computes the same."""
    import autodiff.nn as nn
    import autodiff.nn.functional as F

    def make():
        autodiff.manual_seed(0)
        model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
        emb = nn.Embedding(5, 4)
        return model, emb, autodiff.optim.SGD([*model.parameters(), *emb.parameters()],
                                              lr=0.1)

    autodiff.manual_seed(1)
    x, y = autodiff.randn(16, 4), autodiff.randint(0, 3, (16,))
    idx = autodiff.tensor([0, 1, 2, 3] * 4)

    def step_of(model, emb, opt):
        def step(x, y, idx):
            opt.zero_grad()
            h = model(x + emb(idx))
            loss = F.cross_entropy(h, y) + F.binary_cross_entropy(h.sigmoid()[:, 0],
                                                                  (y > 0).float())
            loss.backward()
            opt.step()
            return loss
        return step

    eager_parts, compiled_parts = make(), make()
    eager = step_of(*eager_parts)
    compiled = compile(step_of(*compiled_parts), state=list(compiled_parts))
    for _ in range(3):
        np.testing.assert_allclose(compiled(x, y, idx).item(), eager(x, y, idx).item(),
                                   rtol=1e-5)
    for a, b in zip(compiled_parts[0].parameters(), eager_parts[0].parameters()):
        np.testing.assert_allclose(a.numpy(force=True), b.numpy(force=True), rtol=1e-5,
                                   atol=1e-6)


def test_random_numbers_inside_a_compiled_step_are_new_at_every_call():
    """Dropout masks (and randn) come from a key the program threads through: each call
    draws new ones, and manual_seed makes a run repeatable."""
    nn = pytest.importorskip("autodiff.nn")

    def run():
        autodiff.manual_seed(0)
        model = nn.Sequential(nn.Linear(5, 64), nn.Dropout(0.5))
        step = compile(lambda x: (model(x) != 0).float().mean() + 0 * autodiff.randn(3).sum(),
                       state=[model])
        kept = [step(autodiff.ones(2, 5)).item() for _ in range(3)]
        return kept, step.traces

    first, traces = run()
    assert traces == 1
    assert len(set(first)) == 3                 # a new mask at every call
    assert all(0.3 < kept < 0.7 for kept in first)
    assert run()[0] == first                    # repeatable after manual_seed


# -- data parallel over a device mesh ------------------------------------------------------
# JAX reads XLA_FLAGS when it starts: four CPU devices need a process of their own, which
# runs this file as a script (the ``__main__`` block below) and prints what it saw.
FOUR_CPU_DEVICES = "--xla_force_host_platform_device_count=4"


def data_parallel_run():
    """An nn model trained with Adam for five steps: eagerly, and compiled over meshes of
    the four devices (one axis made by jax.make_mesh, and two axes); what came out where."""
    import autodiff.nn as nn

    def make():
        autodiff.manual_seed(0)
        model = nn.Sequential(nn.Linear(5, 16), nn.ReLU(), nn.Linear(16, 3))
        return model, autodiff.optim.Adam(model.parameters(), lr=0.01)

    def step_of(model, optimizer):
        def step(x, y):
            optimizer.zero_grad()
            out = model(x)
            loss = nn.functional.cross_entropy(out, y)
            loss.backward()
            optimizer.step()
            return loss, out.detach()
        return step

    autodiff.manual_seed(1)
    batches = [(autodiff.randn(16, 5), autodiff.randint(0, 3, (16,))) for _ in range(5)]
    eager_model, eager_optimizer = make()
    eager = step_of(eager_model, eager_optimizer)
    seen = {"devices": jax.device_count(),
            "eager": [eager(x, y)[0].item() for x, y in batches]}
    for name, mesh in [("one axis", jax.make_mesh((4,), ("data",))),
                       ("two axes", jax.make_mesh((2, 2), ("host", "device")))]:
        model, optimizer = make()
        step = compile(step_of(model, optimizer), state=[model, optimizer], mesh=mesh)
        losses = [step(x, y) for x, y in batches]
        loss, out = losses[-1]
        weight = model[0].weight._value()
        seen[name] = {
            "losses": [loss.item() for loss, _ in losses], "traces": step.traces,
            "params": max(float(np.abs(a.detach().numpy() - b.detach().numpy()).max())
                          for a, b in zip(model.parameters(), eager_model.parameters())),
            "output shards": sorted((s.device.id, s.data.shape[0])
                                    for s in out._value().addressable_shards),
            "weight devices": len(weight.sharding.device_set),
            "weight replicated": weight.is_fully_replicated,
            "loss replicated": loss._value().is_fully_replicated}
    try:
        step(autodiff.randn(10, 5), autodiff.randint(0, 3, (10,)))
    except ValueError as error:
        seen["uneven batch"] = str(error)
    return seen


def test_a_step_compiled_over_a_mesh_of_four_devices_is_data_parallel():
    env = {**os.environ, "XLA_FLAGS": f"{os.environ.get('XLA_FLAGS', '')} {FOUR_CPU_DEVICES}",
           "JAX_PLATFORMS": "cpu"}
    done = subprocess.run([sys.executable, __file__, "data-parallel"], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-5000:]
    seen = json.loads(done.stdout.splitlines()[-1])
    assert seen["devices"] == 4
    for name in ("one axis", "two axes"):
        run = seen[name]
        # the same losses and parameters as one device: the gradients were summed over
        # the four slices of each batch (a device alone would have a quarter of them)
        np.testing.assert_allclose(run["losses"], seen["eager"], rtol=1e-5)
        assert run["params"] < 1e-5
        assert run["traces"] == 2                  # as on one device (no .grad, then .grad)
        # each device computed the outputs of its own 4 examples of the 16
        assert run["output shards"] == [[0, 4], [1, 4], [2, 4], [3, 4]]
        assert run["weight devices"] == 4 and run["weight replicated"]
        assert run["loss replicated"]
    assert "multiple of 4" in seen["uneven batch"]


if __name__ == "__main__" and sys.argv[1:] == ["data-parallel"]:
    print(json.dumps(data_parallel_run()))
