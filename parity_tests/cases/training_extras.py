"""The rest of what training scripts use: every learning-rate schedule of
``optim.lr_scheduler`` (rates over 20 steps, state dict keys, misuse), the samplers and
datasets of ``utils.data``, ``nn.init``'s structured initializers and ``cuda``'s answers
on a machine without a GPU.

Random draws come from each framework's own generator, so where a case draws (a shuffled
order, an orthogonal matrix) it compares the facts a user relies on, not the values.
"""

import math

import numpy as np

from parity_tests.harness import needs, raised

STEPS = 20


# -- optim.lr_scheduler ----------------------------------------------------------------------

def _optimizer(T, kind="SGD"):
    """Two param groups (rates 0.1 and 0.05), so per-group lists are seen."""
    w, b = T.zeros(3, requires_grad=True), T.zeros(1, requires_grad=True)
    groups = [{"params": [w]}, {"params": [b], "lr": 0.05}]
    if kind == "SGD":
        return T.optim.SGD(groups, lr=0.1, momentum=0.9)
    return T.optim.Adam(groups, lr=0.1)


def _schedule(optimizer, scheduler, steps=STEPS, metrics=None, momentum=None):
    """The rates (and momenta) after construction and after each of ``steps`` steps;
    then the state dict's keys."""
    yield "rates at start", scheduler.get_last_lr()
    for step in range(steps):
        optimizer.step()
        if metrics is None:
            scheduler.step()
        else:
            scheduler.step(metrics[step])
        yield f"rates after step {step}", scheduler.get_last_lr()
        if momentum is not None:
            yield f"momenta after step {step}", [momentum(group) for group in
                                                 optimizer.param_groups]
    yield "group rates", [group["lr"] for group in optimizer.param_groups]
    yield "state_dict keys", list(scheduler.state_dict())


def _scheduler_case(make, kind="SGD", **schedule):
    """A case: ``make(T.optim.lr_scheduler, optimizer)`` stepped ``STEPS`` times."""
    @needs("optim")
    def case(T):
        optimizer = _optimizer(T, kind)
        yield from _schedule(optimizer, make(T.optim.lr_scheduler, optimizer), **schedule)
    return case


def _sgd_momentum(group):
    return group["momentum"]


def _adam_beta1(group):
    return group["betas"][0]


CASES = {
    "lr_multisteplr": _scheduler_case(
        lambda S, opt: S.MultiStepLR(opt, milestones=[3, 7, 7, 12], gamma=0.5)),
    "lr_linearlr_warmup": _scheduler_case(
        lambda S, opt: S.LinearLR(opt, start_factor=0.25, end_factor=0.9, total_iters=6)),
    "lr_constantlr": _scheduler_case(lambda S, opt: S.ConstantLR(opt, factor=0.5, total_iters=4)),
    "lr_multiplicativelr": _scheduler_case(
        lambda S, opt: S.MultiplicativeLR(opt, lambda epoch: 0.9 if epoch % 2 else 0.95)),
    "lr_polynomiallr": _scheduler_case(lambda S, opt: S.PolynomialLR(opt, total_iters=12,
                                                                     power=2.0)),
    "lr_cosine_warm_restarts": _scheduler_case(
        lambda S, opt: S.CosineAnnealingWarmRestarts(opt, T_0=3, T_mult=2, eta_min=0.001)),
    "lr_cycliclr_triangular2_momentum": _scheduler_case(
        lambda S, opt: S.CyclicLR(opt, base_lr=0.01, max_lr=[0.1, 0.2], step_size_up=3,
                                  step_size_down=2, mode="triangular2"),
        momentum=_sgd_momentum),
    "lr_cycliclr_exp_range_adam": _scheduler_case(
        lambda S, opt: S.CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=4,
                                  mode="exp_range", gamma=0.9),
        kind="Adam", momentum=_adam_beta1),
    "lr_onecyclelr_cos": _scheduler_case(
        lambda S, opt: S.OneCycleLR(opt, max_lr=[0.5, 0.2], total_steps=STEPS + 1),
        momentum=_sgd_momentum),
    "lr_onecyclelr_linear_three_phase_adam": _scheduler_case(
        lambda S, opt: S.OneCycleLR(opt, max_lr=0.3, epochs=3, steps_per_epoch=7,
                                    anneal_strategy="linear", three_phase=True),
        kind="Adam", momentum=_adam_beta1),
    "lr_reduce_on_plateau": _scheduler_case(
        lambda S, opt: S.ReduceLROnPlateau(opt, factor=0.5, patience=2, cooldown=1,
                                           min_lr=[0.01, 0.02]),
        metrics=[1.0, 0.9, 0.9, 0.95, 0.91, 0.9, 0.8, 0.8, 0.8, 0.8, 0.8, 0.79, 0.8, 0.8, 0.8,
                 0.8, 0.8, 0.8, 0.8, 0.8]),
    "lr_reduce_on_plateau_max_abs": _scheduler_case(
        lambda S, opt: S.ReduceLROnPlateau(opt, mode="max", threshold=0.05,
                                           threshold_mode="abs", patience=1),
        metrics=[0.1 * (k % 7) for k in range(STEPS)]),
    "lr_sequentiallr_warmup_then_cosine": _scheduler_case(
        lambda S, opt: S.SequentialLR(opt, [S.LinearLR(opt, start_factor=0.1, total_iters=4),
                                            S.CosineAnnealingLR(opt, T_max=8),
                                            S.StepLR(opt, step_size=2)],
                                      milestones=[4, 12])),
    "lr_chained_scheduler": _scheduler_case(
        lambda S, opt: S.ChainedScheduler([S.ConstantLR(opt, factor=0.5, total_iters=3),
                                           S.ExponentialLR(opt, gamma=0.9)])),
}


@needs("optim")
def lr_step_with_epoch_uses_the_closed_form(T):
    """``scheduler.step(epoch)``: torch's deprecation warning, then the closed form."""
    S = T.optim.lr_scheduler
    for make in (lambda opt: S.StepLR(opt, 3), lambda opt: S.MultiStepLR(opt, [2, 5]),
                 lambda opt: S.LinearLR(opt), lambda opt: S.ConstantLR(opt),
                 lambda opt: S.PolynomialLR(opt), lambda opt: S.CosineAnnealingLR(opt, 10),
                 lambda opt: S.ExponentialLR(opt, 0.5)):
        optimizer = _optimizer(T)
        scheduler = make(optimizer)
        optimizer.step()
        scheduler.step(7)
        yield f"{type(scheduler).__name__} at epoch 7", scheduler.get_last_lr()
    optimizer = _optimizer(T)
    scheduler = S.CosineAnnealingWarmRestarts(optimizer, T_0=2, T_mult=3)
    for epoch in (0.5, 2.25, 9.0, 30.5):
        scheduler.step(epoch)
        yield f"warm restarts at epoch {epoch}", scheduler.get_last_lr()
    yield "a negative epoch", raised(lambda: scheduler.step(-1))


@needs("optim")
def lr_scheduler_misuse(T):
    """The warnings and errors of common mistakes: stepping the scheduler before the
    optimizer, calling ``get_lr()`` for the rates, bad arguments."""
    S = T.optim.lr_scheduler
    optimizer = _optimizer(T)
    scheduler = S.MultiStepLR(optimizer, [1])
    scheduler.step()                              # before optimizer.step(): warns
    yield "rates", scheduler.get_last_lr()
    yield "get_lr() outside step (warns)", scheduler.get_lr()
    yield "ConstantLR factor 2", raised(lambda: S.ConstantLR(optimizer, factor=2))
    yield "LinearLR start 0", raised(lambda: S.LinearLR(optimizer, start_factor=0))
    yield "LinearLR end 2", raised(lambda: S.LinearLR(optimizer, end_factor=2))
    yield "MultiplicativeLR of a number", raised(lambda: S.MultiplicativeLR(optimizer, 0.5))
    yield "MultiplicativeLR of one lambda too many",\
        raised(lambda: S.MultiplicativeLR(optimizer, [abs] * 3))
    yield "ReduceLROnPlateau factor 1", raised(lambda: S.ReduceLROnPlateau(optimizer, factor=1))
    yield "ReduceLROnPlateau mode", raised(lambda: S.ReduceLROnPlateau(optimizer, mode="up"))
    yield "ReduceLROnPlateau threshold mode",\
        raised(lambda: S.ReduceLROnPlateau(optimizer, threshold_mode="x"))
    yield "ReduceLROnPlateau min_lr", raised(lambda: S.ReduceLROnPlateau(optimizer, min_lr=[0]))
    yield "OneCycleLR without a length", raised(lambda: S.OneCycleLR(optimizer, 0.1))
    yield "OneCycleLR total_steps 0", raised(lambda: S.OneCycleLR(optimizer, 0.1, total_steps=0))
    yield "OneCycleLR pct_start 1", raised(lambda: S.OneCycleLR(optimizer, 0.1, 5, pct_start=1))
    yield "OneCycleLR anneal", raised(lambda: S.OneCycleLR(optimizer, 0.1, 5,
                                                           anneal_strategy="exp"))
    yield "OneCycleLR max_lr list", raised(lambda: S.OneCycleLR(optimizer, [0.1], 5))
    one_cycle = S.OneCycleLR(_optimizer(T), 0.1, total_steps=2)
    one_cycle.optimizer.step()
    one_cycle.step()
    one_cycle.step()
    yield "OneCycleLR past its end", raised(one_cycle.step)
    no_momentum = T.optim.Adagrad([T.zeros(1, requires_grad=True)])
    yield "CyclicLR without momentum", raised(lambda: S.CyclicLR(no_momentum, 0.1, 1.0))
    yield "CyclicLR mode", raised(lambda: S.CyclicLR(optimizer, 0.1, 1.0, mode="sine"))
    yield "warm restarts T_0", raised(lambda: S.CosineAnnealingWarmRestarts(optimizer, T_0=0))
    yield "warm restarts T_mult", raised(lambda: S.CosineAnnealingWarmRestarts(optimizer, 2,
                                                                              T_mult=1.5))
    other = S.StepLR(_optimizer(T), 2)
    yield "SequentialLR of no scheduler", raised(lambda: S.SequentialLR(optimizer, [], []))
    yield "SequentialLR milestones", raised(lambda: S.SequentialLR(
        optimizer, [S.StepLR(optimizer, 2)], [3]))
    yield "SequentialLR of a plateau", raised(lambda: S.SequentialLR(
        optimizer, [S.ReduceLROnPlateau(optimizer)], []))
    yield "ChainedScheduler of no scheduler", raised(lambda: S.ChainedScheduler([]))
    yield "ChainedScheduler of another optimizer's", raised(
        lambda: S.ChainedScheduler([S.StepLR(optimizer, 2), other]))
    yield "resuming without initial_lr", raised(lambda: S.StepLR(
        T.optim.SGD([T.zeros(1, requires_grad=True)], lr=0.1), 2, last_epoch=3))


@needs("optim")
def lr_scheduler_state_dict_round_trip(T):
    """A schedule resumed from its state dict continues where it left off."""
    S = T.optim.lr_scheduler
    optimizer = _optimizer(T)
    scheduler = S.OneCycleLR(optimizer, max_lr=0.4, total_steps=12)
    for _ in range(5):
        optimizer.step()
        scheduler.step()
    saved = scheduler.state_dict()
    yield "saved", {k: v for k, v in saved.items() if k != "_schedule_phases"}
    resumed = S.OneCycleLR(optimizer, max_lr=0.4, total_steps=12, last_epoch=4)
    resumed.load_state_dict(saved)
    for step in range(5):
        optimizer.step()
        resumed.step()
        yield f"resumed rates {step}", resumed.get_last_lr()
    plateau = S.ReduceLROnPlateau(optimizer, patience=0)
    plateau.step(1.0)
    yield "plateau state", plateau.state_dict()
