"""autodiff.optim against torch.optim, step for step.

Each optimizer setting runs a few steps of the same small problem under both
frameworks, from the same starting values; the parameters after every step, the
optimizer's ``state_dict`` and its repr must agree. Schedulers are compared on the
learning rates they produce epoch by epoch.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import autodiff
import autodiff.nn  # noqa: F401
import autodiff.optim  # noqa: F401
from test_nn import FRAMEWORKS, assert_same, rand, same_outcome


def _problem(T):
    """Two parameters and a loss with uneven curvature (so every rule shows)."""
    w = T.nn.Parameter(T.tensor(rand(3, 2), dtype=T.float32))
    b = T.nn.Parameter(T.tensor(rand(2, seed=1), dtype=T.float32))
    x = T.tensor(rand(4, 3, seed=2), dtype=T.float32)

    def loss():
        return ((x @ w + b).tanh() ** 2).sum() + (b ** 4).sum()
    return [w, b], loss


def _trajectory(T, make, steps=6):
    params, loss = _problem(T)
    optimizer = make(T, params)
    seen = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss().backward()
        optimizer.step()
        seen.append([p.detach().clone() for p in params])
    return dict(params=seen, state=optimizer.state_dict(), repr=repr(optimizer))


SETTINGS = {
    "sgd": lambda T, p: T.optim.SGD(p, lr=0.1),
    "sgd_momentum": lambda T, p: T.optim.SGD(p, lr=0.1, momentum=0.9),
    "sgd_dampening_decay": lambda T, p: T.optim.SGD(p, lr=0.05, momentum=0.5, dampening=0.3,
                                                    weight_decay=0.1),
    "sgd_nesterov_maximize": lambda T, p: T.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True,
                                                      maximize=True),
    "adam": lambda T, p: T.optim.Adam(p, lr=0.05),
    "adam_decay_amsgrad": lambda T, p: T.optim.Adam(p, lr=0.05, betas=(0.8, 0.9),
                                                    weight_decay=0.1, amsgrad=True),
    "adam_maximize": lambda T, p: T.optim.Adam(p, lr=0.01, eps=1e-3, maximize=True),
    "adamw": lambda T, p: T.optim.AdamW(p, lr=0.05),
    "adamw_amsgrad": lambda T, p: T.optim.AdamW(p, lr=0.05, weight_decay=0.5, amsgrad=True),
    "rmsprop": lambda T, p: T.optim.RMSprop(p, lr=0.01),
    "rmsprop_centered_momentum": lambda T, p: T.optim.RMSprop(p, lr=0.01, alpha=0.9,
                                                              momentum=0.5, centered=True,
                                                              weight_decay=0.1),
    "adagrad": lambda T, p: T.optim.Adagrad(p, lr=0.1),
    "adagrad_decay": lambda T, p: T.optim.Adagrad(p, lr=0.1, lr_decay=0.1, weight_decay=0.05,
                                                  initial_accumulator_value=0.5,
                                                  maximize=True),
    "adamax": lambda T, p: T.optim.Adamax(p, lr=0.05),
    "adamax_decay_maximize": lambda T, p: T.optim.Adamax(p, lr=0.05, betas=(0.8, 0.9),
                                                         eps=1e-3, weight_decay=0.1,
                                                         maximize=True),
    "nadam": lambda T, p: T.optim.NAdam(p, lr=0.05),
    "nadam_decay": lambda T, p: T.optim.NAdam(p, lr=0.05, betas=(0.8, 0.9), weight_decay=0.1,
                                              momentum_decay=0.1),
    "nadamw_maximize": lambda T, p: T.optim.NAdam(p, lr=0.05, weight_decay=0.5,
                                                  decoupled_weight_decay=True, maximize=True),
    "nadam_foreach_flag": lambda T, p: T.optim.NAdam(p, lr=0.05, foreach=False),
    "radam": lambda T, p: T.optim.RAdam(p, lr=0.05),
    "radam_decay": lambda T, p: T.optim.RAdam(p, lr=0.05, betas=(0.8, 0.99), eps=1e-3,
                                              weight_decay=0.1, maximize=True),
    "radamw": lambda T, p: T.optim.RAdam(p, lr=0.05, betas=(0.9, 0.9), weight_decay=0.5,
                                         decoupled_weight_decay=True),
    "adadelta": lambda T, p: T.optim.Adadelta(p),
    "adadelta_decay_maximize": lambda T, p: T.optim.Adadelta(p, lr=0.5, rho=0.5, eps=1e-3,
                                                             weight_decay=0.1, maximize=True),
    "asgd": lambda T, p: T.optim.ASGD(p, lr=0.05),
    "asgd_averaging": lambda T, p: T.optim.ASGD(p, lr=0.05, lambd=0.1, alpha=0.5, t0=2,
                                                weight_decay=0.1, maximize=True),
    "rprop": lambda T, p: T.optim.Rprop(p, lr=0.05),
    "rprop_bounds_maximize": lambda T, p: T.optim.Rprop(p, lr=0.05, etas=(0.3, 1.5),
                                                        step_sizes=(0.01, 0.08),
                                                        maximize=True, foreach=True),
    "param_groups": lambda T, p: T.optim.SGD([{"params": [p[0]]},
                                              {"params": p[1], "lr": 0.01, "momentum": 0.5}],
                                             lr=0.1),
    "param_groups_asgd": lambda T, p: T.optim.ASGD([{"params": [p[0]]},
                                                    {"params": p[1], "lr": 0.1, "t0": 1}]),
}
# RAdam's rectified step starts once its estimate rho_t passes 5: run on past that
STEPS = {"radam": 10, "radam_decay": 10, "radamw": 10}


NEW_OPTIMIZERS = ["ASGD", "Adadelta", "Adamax", "NAdam", "RAdam", "Rprop"]


@pytest.mark.parametrize("setting", sorted(SETTINGS))
def test_optimizer_matches_torch_step_for_step(setting):
    steps = STEPS.get(setting, 6)
    results = {T: _trajectory(T, SETTINGS[setting], steps) for T in FRAMEWORKS}
    assert_same(results[torch], results[autodiff])


def test_adagrad_state_exists_before_the_first_step():
    same_outcome(lambda T: T.optim.Adagrad([T.ones(2, requires_grad=True)]).state_dict())


@pytest.mark.parametrize("name", NEW_OPTIMIZERS)
def test_defaults_repr_and_first_state(name):
    """torch's defaults (repr, ``defaults``), and the state its first step makes."""
    def body(T):
        w = T.tensor([1.0, -2.0], requires_grad=True)
        optimizer = getattr(T.optim, name)([w])
        (w * w).sum().backward()
        optimizer.step()
        return [repr(optimizer), optimizer.defaults, optimizer.state_dict(), w]
    same_outcome(body)


@pytest.mark.parametrize("name", NEW_OPTIMIZERS)
def test_capturable_is_refused_off_a_gpu(name):
    """torch's capturable kernels need a GPU: on CPU tensors its step raises, once the
    state is made."""
    def body(T):
        w = T.tensor([1.0, -2.0], requires_grad=True)
        optimizer = getattr(T.optim, name)([w], capturable=True)
        (w * w).sum().backward()
        try:
            optimizer.step()
        except AssertionError as error:
            return [str(error), optimizer.state_dict(), w]
    same_outcome(body)


@pytest.mark.parametrize("steps", [1, 2])
@pytest.mark.parametrize("name", NEW_OPTIMIZERS)
def test_differentiable_steps_record_the_update(name, steps):
    """``differentiable=True``: the step is recorded (a non-leaf may be optimized, with
    an assigned grad), so gradients flow to the start and to the gradients; or, where
    a second step writes what the first one's backward needs (Adamax, Rprop), the same
    version error as torch's."""
    def body(T):
        start = T.tensor([1.0, -2.0, 0.5], dtype=T.float64, requires_grad=True)
        g = T.tensor([0.3, -0.2, 0.1], dtype=T.float64, requires_grad=True)
        p = start.clone()
        optimizer = getattr(T.optim, name)([p], lr=0.1, differentiable=True)
        for i in range(steps):
            p.grad = g * (i + 1.0)
            optimizer.step()
        seen = [p, p.grad_fn.name(), optimizer.state_dict()["param_groups"]]
        (p * p).sum().backward()
        return seen + [start.grad, g.grad]
    same_outcome(body)


def test_zero_grad_closure_and_skipped_parameters():
    def body(T):
        (w, b), loss = _problem(T)
        frozen = T.nn.Parameter(T.ones(2))
        optimizer = T.optim.SGD([w, b, frozen], lr=0.1)

        def closure():
            optimizer.zero_grad()
            value = loss()
            value.backward()
            return value
        returned = optimizer.step(closure)
        kept = optimizer.zero_grad(set_to_none=False)
        return [returned, w, frozen, w.grad, kept, frozen.grad]
    same_outcome(body)


@pytest.mark.parametrize("name", ["Adam", *NEW_OPTIMIZERS])
def test_state_dict_round_trip_continues_identically(name):
    def body(T):
        params, loss = _problem(T)
        first = getattr(T.optim, name)(params, lr=0.05)
        for _ in range(2):
            first.zero_grad()
            loss().backward()
            first.step()
        second = getattr(T.optim, name)(params, lr=1.0)
        second.load_state_dict(first.state_dict())
        second.zero_grad()
        loss().backward()
        second.step()
        return [second.state_dict(), params]
    same_outcome(body)


@pytest.mark.parametrize("name", ["Adam", "NAdam", "RAdam", "Adamax"])
def test_a_step_count_written_by_the_user_is_read_back(name):
    """The optimizer knows the counts it wrote without reading them from the device;
    one changed from outside (``state["step"].fill_``) is read again."""
    def body(T):
        params, loss = _problem(T)
        optimizer = getattr(T.optim, name)(params, lr=0.05)
        for step in range(4):
            optimizer.zero_grad()
            loss().backward()
            optimizer.step()
            if step == 1:
                optimizer.state[params[0]]["step"].fill_(100.0)
        return [optimizer.state_dict(), params]
    same_outcome(body)


@pytest.mark.parametrize("setting", ["adam", "adam_decay_amsgrad", "adam_maximize",
                                     "adamw_amsgrad"])
def test_adams_compiled_kernels_give_the_eager_ops_numbers(setting, monkeypatch):
    """Adam steps a parameter by two compiled kernels made of its ops' own forwards: the
    parameters, state and version counters are the eager ops' to the last bit, and a new
    step count or learning rate compiles nothing again."""
    from autodiff.optim import adam

    def run():
        out = _trajectory(autodiff, SETTINGS[setting], steps=4)
        params, loss = _problem(autodiff)
        opt = SETTINGS[setting](autodiff, params)
        for lr in (0.1, 0.2):
            opt.param_groups[0]["lr"] = lr
            opt.zero_grad()
            loss().backward()
            opt.step()
        versions = [t._version for p in params for t in (p, *opt.state[p].values())]
        return [np.asarray(p.detach().numpy()) for step in out["params"] for p in step], versions
    kernel, calls = adam._adam_kernel, []
    monkeypatch.setattr(adam, "_adam_kernel", lambda *a, **k: calls.append(1) or kernel(*a, **k))
    compiled = kernel._cache_size()
    fused = run()
    assert len(calls) == 2 * (4 + 2)                   # every step of both parameters
    assert kernel._cache_size() - compiled <= 2        # at most one per shape (weight, bias)
    monkeypatch.setattr(adam, "_fusable", lambda *args: False)
    eager = run()
    assert len(calls) == 12
    for a, b in zip(fused[0], eager[0]):
        np.testing.assert_array_equal(a, b)
    assert fused[1] == eager[1]


def test_add_param_group_and_defaults():
    def body(T):
        a, b = T.ones(2, requires_grad=True), T.ones(3, requires_grad=True)
        optimizer = T.optim.Adam([a], lr=0.1)
        optimizer.add_param_group({"params": b, "betas": (0.5, 0.6)})
        return [repr(optimizer), [len(g["params"]) for g in optimizer.param_groups],
                optimizer.defaults]
    same_outcome(body)


OPTIMIZER_ERRORS = {
    "tensor_not_iterable": lambda T: T.optim.SGD(T.ones(2, requires_grad=True), lr=0.1),
    "empty": lambda T: T.optim.Adam([]),
    "negative_lr": lambda T: T.optim.SGD([T.ones(1, requires_grad=True)], lr=-1),
    "negative_momentum": lambda T: T.optim.SGD([T.ones(1, requires_grad=True)], momentum=-1),
    "nesterov_without_momentum": lambda T: T.optim.SGD([T.ones(1, requires_grad=True)],
                                                       nesterov=True),
    "bad_beta": lambda T: T.optim.Adam([T.ones(1, requires_grad=True)], betas=(0.9, 1.0)),
    "bad_eps": lambda T: T.optim.RMSprop([T.ones(1, requires_grad=True)], eps=-1.0),
    "bad_lr_decay": lambda T: T.optim.Adagrad([T.ones(1, requires_grad=True)], lr_decay=-1),
    "non_leaf": lambda T: T.optim.SGD([T.ones(1, requires_grad=True) * 2], lr=0.1),
    "not_a_tensor": lambda T: T.optim.SGD([1.0], lr=0.1),
    "set_of_params": lambda T: repr(T.optim.SGD({T.ones(1, requires_grad=True)}, lr=0.1)),
    "group_params_set": lambda T: T.optim.SGD([{"params": {T.ones(1, requires_grad=True)}}],
                                              lr=0.1),
    "duplicates_warn": lambda T: (lambda p: len(T.optim.SGD([p, p], lr=0.1)
                                                .param_groups[0]["params"]))(
        T.ones(1, requires_grad=True)),
    "overlapping_groups": lambda T: (lambda p: T.optim.SGD([{"params": [p]}, {"params": [p]}],
                                                           lr=0.1))(
        T.ones(1, requires_grad=True)),
    "group_not_dict": lambda T: T.optim.SGD([T.ones(1, requires_grad=True)], lr=0.1)
    .add_param_group([T.ones(1, requires_grad=True)]),
    "load_wrong_groups": lambda T: T.optim.SGD([T.ones(1, requires_grad=True)], lr=0.1)
    .load_state_dict({"state": {}, "param_groups": []}),
}
NEW_ERRORS = {
    "adamax_lr": ("Adamax", dict(lr=-1.0)),
    "adamax_beta": ("Adamax", dict(betas=(0.9, 1.0))),
    "adamax_eps": ("Adamax", dict(eps=-1e-8)),
    "nadam_beta0": ("NAdam", dict(betas=(-0.1, 0.999))),
    "nadam_decay": ("NAdam", dict(weight_decay=-1)),
    "nadam_momentum_decay": ("NAdam", dict(momentum_decay=-1)),
    "radam_lr": ("RAdam", dict(lr=-1.0)),
    "radam_beta": ("RAdam", dict(betas=(0.9, 1.5))),
    "adadelta_rho": ("Adadelta", dict(rho=1.5)),
    "adadelta_eps": ("Adadelta", dict(eps=-1.0)),
    "adadelta_decay": ("Adadelta", dict(weight_decay=-0.5)),
    "asgd_lr": ("ASGD", dict(lr=-1.0)),
    "asgd_decay": ("ASGD", dict(weight_decay=-1)),
    "rprop_lr": ("Rprop", dict(lr=-1.0)),
    "rprop_etas_low": ("Rprop", dict(etas=(1.5, 1.2))),
    "rprop_etas_high": ("Rprop", dict(etas=(0.5, 0.9))),
}


def _construct(name, options):
    return lambda T: getattr(T.optim, name)([T.ones(1, requires_grad=True)], **options)


OPTIMIZER_ERRORS.update({case: _construct(*made) for case, made in NEW_ERRORS.items()})


@pytest.mark.parametrize("case", sorted(OPTIMIZER_ERRORS))
def test_optimizer_errors_match_torch(case):
    same_outcome(OPTIMIZER_ERRORS[case])


SCHEDULERS = {
    "step": lambda T, o: T.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5),
    "exponential": lambda T, o: T.optim.lr_scheduler.ExponentialLR(o, gamma=0.9),
    "cosine": lambda T, o: T.optim.lr_scheduler.CosineAnnealingLR(o, T_max=3, eta_min=0.01),
    "lambda": lambda T, o: T.optim.lr_scheduler.LambdaLR(o, lambda epoch: 1 / (1 + epoch)),
    "lambda_per_group": lambda T, o: T.optim.lr_scheduler.LambdaLR(
        o, [lambda e: 0.5 ** e, lambda e: e + 1]),
}


@pytest.mark.parametrize("kind", sorted(SCHEDULERS))
def test_scheduler_rates_match_torch(kind):
    def body(T):
        a, b = T.ones(1, requires_grad=True), T.ones(1, requires_grad=True)
        optimizer = T.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.3}], lr=1.0)
        scheduler = SCHEDULERS[kind](T, optimizer)
        rates = [scheduler.get_last_lr()]
        for _ in range(9):
            optimizer.step()
            scheduler.step()
            rates.append(scheduler.get_last_lr())
        state = {k: v for k, v in scheduler.state_dict().items()
                 if k in ("base_lrs", "last_epoch", "_step_count", "_last_lr", "lr_lambdas")}
        return [np.round(rates, 12).tolist(), [g["lr"] for g in optimizer.param_groups],
                [g["initial_lr"] for g in optimizer.param_groups], state]
    same_outcome(body)


def test_scheduler_step_before_optimizer_step_warns():
    def body(T):
        optimizer = T.optim.SGD([T.ones(1, requires_grad=True)], lr=1.0)
        scheduler = T.optim.lr_scheduler.StepLR(optimizer, 1)
        scheduler.step()
        return scheduler.get_last_lr()
    same_outcome(body)


def test_scheduler_needs_an_optimizer():
    same_outcome(lambda T: T.optim.lr_scheduler.StepLR(None, 1))
