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
def lr_scheduler_after_every_kind_of_optimizer_step(T):
    """No order warning when the optimizer stepped first, LBFGS's closure step included;
    a CyclicLR (its scale function a method) can be pickled with ``save``."""
    import io
    for make in (lambda p: T.optim.LBFGS(p, lr=0.5), lambda p: T.optim.Adam(p),
                 lambda p: T.optim.RMSprop(p, momentum=0.5)):
        w = T.tensor([1.0, -2.0], requires_grad=True)
        optimizer = make([w])
        scheduler = T.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.5)

        def closure():
            optimizer.zero_grad()
            loss = (w * w).sum()
            loss.backward()
            return loss
        optimizer.step(closure)
        scheduler.step()
        yield type(optimizer).__name__, scheduler.get_last_lr()
    cyclic = T.optim.lr_scheduler.CyclicLR(_optimizer(T), 0.01, 0.1, mode="exp_range")
    buffer = io.BytesIO()
    T.save(cyclic.state_dict(), buffer)
    buffer.seek(0)
    yield "CyclicLR state saved and loaded", sorted(T.load(buffer, weights_only=False))


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


@needs("optim")
def tensor_learning_rate(T):
    """``Adam(params, lr=torch.tensor(0.01))``: every optimizer steps with a tensor rate as
    with that number (its single-tensor rule computing with the tensor), a scheduler
    writes each new rate into that tensor, and a rate of several elements is refused."""
    O, S = T.optim, T.optim.lr_scheduler

    def trained(make, schedule=None, steps=3, metric=None):
        """The parameter after ``steps`` steps, and the optimizer."""
        p = T.nn.Parameter(T.tensor([1.0, -2.0, 3.0]))
        optimizer = make([p])
        scheduler = schedule(optimizer) if schedule else None
        for _ in range(steps):
            optimizer.zero_grad()
            ((p * p).sum() + p.sum()).backward()
            optimizer.step()
            if scheduler is not None:
                scheduler.step(*[metric] if metric is not None else [])
        return p, optimizer

    rate = lambda: T.tensor(0.01)
    for name, make in [("Adam", lambda ps: O.Adam(ps, lr=rate(), weight_decay=0.1)),
                       ("AdamW amsgrad", lambda ps: O.AdamW(ps, lr=rate(), amsgrad=True)),
                       ("SGD nesterov", lambda ps: O.SGD(ps, lr=rate(), momentum=0.9,
                                                         nesterov=True)),
                       ("RMSprop", lambda ps: O.RMSprop(ps, lr=rate(), centered=True,
                                                        momentum=0.5)),
                       ("Adagrad", lambda ps: O.Adagrad(ps, lr=rate(), lr_decay=0.1)),
                       ("Adamax", lambda ps: O.Adamax(ps, lr=rate())),
                       ("NAdam", lambda ps: O.NAdam(ps, lr=rate())),
                       ("RAdam", lambda ps: O.RAdam(ps, lr=rate())),
                       ("Adadelta", lambda ps: O.Adadelta(ps, lr=rate())),
                       ("ASGD", lambda ps: O.ASGD(ps, lr=rate())),
                       ("Rprop", lambda ps: O.Rprop(ps, lr=rate())),
                       ("SGD of a one-element rate", lambda ps: O.SGD(ps, lr=T.tensor([0.01]))),
                       ("SGD of a float64 rate", lambda ps: O.SGD(ps, lr=T.tensor(
                           0.01, dtype=T.float64)))]:
        p, optimizer = trained(make)
        yield name, (p, optimizer.param_groups[0]["lr"])
    for name, schedule in [("StepLR", lambda o: S.StepLR(o, 1, 0.5)),
                           ("CosineAnnealingLR", lambda o: S.CosineAnnealingLR(o, 2)),
                           ("OneCycleLR", lambda o: S.OneCycleLR(o, 0.1, total_steps=5)),
                           ("CyclicLR", lambda o: S.CyclicLR(o, 0.01, 0.1, 2)),
                           ("SequentialLR", lambda o: S.SequentialLR(
                               o, [S.ConstantLR(o, 0.5, 2), S.ExponentialLR(o, 0.9)], [2])),
                           ("ReduceLROnPlateau", lambda o: S.ReduceLROnPlateau(o, patience=0))]:
        lr = T.tensor(0.1)
        p, optimizer = trained(lambda ps: O.SGD(ps, lr=lr, momentum=0.9), schedule, 4,
                               1.0 if name == "ReduceLROnPlateau" else None)
        group = optimizer.param_groups[0]
        yield name, (p, group["lr"], group["lr"] is lr, group.get("initial_lr"))
    lr = T.tensor(0.1)
    scheduler = S.StepLR(O.SGD([T.zeros(1, requires_grad=True)], lr=lr), 1)
    yield "get_last_lr copies", (scheduler.get_last_lr(), scheduler.get_last_lr()[0] is lr,
                                 scheduler.base_lrs[0] is lr)
    for name, make in [("Adam", O.Adam), ("SGD", O.SGD), ("RMSprop", O.RMSprop)]:
        yield name + " of two rates", raised(lambda: make([T.zeros(1, requires_grad=True)],
                                                          lr=T.tensor([0.01, 0.02])))
        yield name + " of a negative rate", raised(
            lambda: make([T.zeros(1, requires_grad=True)], lr=T.tensor(-0.01)))


# -- utils.data ------------------------------------------------------------------------------

def _stream_class(T):
    """An iterable dataset of ``n`` samples ``(k, k * k)`` with a length."""
    class Stream(T.utils.data.IterableDataset):
        def __init__(self, n):
            self.n = n

        def __iter__(self):
            return ((k, float(k * k)) for k in range(self.n))

        def __len__(self):
            return self.n
    return Stream


@needs("utils")
def data_samplers_facts(T):
    """The samplers' orders are each framework's own: compare what they promise (a
    permutation, its length, indices in range, weights of zero never drawn)."""
    D = T.utils.data
    T.manual_seed(0)
    yield "sequential", list(D.SequentialSampler(range(6)))
    shuffled = list(D.RandomSampler(range(10)))
    yield "random: a permutation", sorted(shuffled) == list(range(10))
    longer = list(D.RandomSampler(range(4), num_samples=10))
    yield "random, 10 of 4: length and counts", (len(longer), sorted(
        longer.count(k) for k in range(4)))
    drawn = list(D.RandomSampler(range(5), replacement=True, num_samples=70))
    yield "with replacement: length and range", (len(drawn), set(drawn) <= set(range(5)))
    yield "RandomSampler len", len(D.RandomSampler(range(5), num_samples=3))
    seeded = [list(D.RandomSampler(range(8), generator=T.Generator().manual_seed(3)))
              for _ in range(2)]
    yield "the same seed, the same order", seeded[0] == seeded[1]
    subset = list(D.SubsetRandomSampler([7, 3, 9]))
    yield "subset random: its indices", sorted(subset)
    weighted = list(D.WeightedRandomSampler([0.0, 2.0, 0.0, 1.0], 30))
    yield "weighted: length, zero weights never drawn", (len(weighted), set(weighted) <= {1, 3})
    without = list(D.WeightedRandomSampler([1.0, 2.0, 3.0], 3, replacement=False))
    yield "weighted without replacement: distinct", sorted(without)
    yield "weighted weights", D.WeightedRandomSampler([1, 2], 2).weights
    yield "batches", list(D.BatchSampler(D.SequentialSampler(range(7)), 3, drop_last=False))
    yield "batches, drop_last", list(D.BatchSampler(range(7), 3, drop_last=True))
    yield "batch sampler lens", (len(D.BatchSampler(range(7), 3, False)),
                                 len(D.BatchSampler(range(7), 3, True)))
    yield "RandomSampler replacement=1", raised(lambda: D.RandomSampler(range(3), replacement=1))
    yield "RandomSampler num_samples=0", raised(lambda: D.RandomSampler(range(3), num_samples=0))
    yield "RandomSampler of nothing", raised(lambda: D.RandomSampler([]))
    yield "WeightedRandomSampler num_samples", raised(lambda: D.WeightedRandomSampler([1], 0))
    yield "WeightedRandomSampler replacement", raised(
        lambda: D.WeightedRandomSampler([1], 1, replacement=None))
    yield "WeightedRandomSampler 2-d", raised(lambda: D.WeightedRandomSampler([[1, 2]], 1))
    yield "BatchSampler batch_size", raised(lambda: D.BatchSampler(range(3), 0, False))
    yield "BatchSampler drop_last", raised(lambda: D.BatchSampler(range(3), 2, 1))
    yield "Sampler base", raised(lambda: iter(D.Sampler()))
    yield "get_worker_info", D.get_worker_info()


@needs("utils")
def data_datasets(T):
    """ConcatDataset, ChainDataset, StackDataset, IterableDataset and their errors."""
    D = T.utils.data
    Stream = _stream_class(T)
    first = D.TensorDataset(T.arange(3.0))
    both = D.ConcatDataset([first, D.TensorDataset(T.arange(10.0, 14.0))])
    yield "concat", (len(both), both.cumulative_sizes, both[0], both[3], both[-1])
    yield "a + b", len(first + first)
    yield "concat too far back", raised(lambda: both[-8])
    yield "concat of nothing", raised(lambda: D.ConcatDataset([]))
    yield "concat of a stream", raised(lambda: D.ConcatDataset([Stream(2)]))
    chained = D.ChainDataset([Stream(2), Stream(3)])
    yield "chain", (list(chained), len(chained))
    yield "stream + stream", list(Stream(1) + Stream(2))
    yield "chain of a map-style dataset", raised(lambda: list(D.ChainDataset([first])))
    stacked = D.StackDataset(first, [10, 11, 12])
    yield "stack", (len(stacked), stacked[1], stacked.__getitems__([0, 2]))
    named = D.StackDataset(x=first, y=[10, 11, 12])
    yield "stack by name", (named[2], named.__getitems__([1]))
    yield "stack of both kinds", raised(lambda: D.StackDataset(first, y=first))
    yield "stack of nothing", raised(lambda: D.StackDataset())
    yield "stack mismatch", raised(lambda: D.StackDataset(first, [1]))
    yield "an abstract stream", raised(lambda: D.IterableDataset())
    subset = D.Subset(D.StackDataset([10, 11, 12, 13], "abcd"), [3, 1])
    yield "subset of a stack, loaded", list(D.DataLoader(subset, batch_size=2))

    class Doubled(D.Subset):
        def __getitem__(self, index):
            return 2 * super().__getitem__(index)
    yield "a Subset changing __getitem__ only", raised(lambda: Doubled([1, 2], [0]))


@needs("utils")
def data_loader_samplers_and_streams(T):
    """DataLoader with a sampler, a batch sampler, no batching, an iterable dataset,
    and torch's argument errors."""
    D = T.utils.data
    data = D.TensorDataset(T.arange(10.0).reshape(5, 2), T.tensor([0, 1, 0, 1, 1]))
    yield "sampler", list(D.DataLoader(data, batch_size=2, sampler=[4, 0, 2]))
    loader = D.DataLoader(data, batch_sampler=[[3, 1], [0], [2, 4, 1]])
    yield "batch_sampler", (len(loader), list(loader), loader.batch_size, loader.drop_last)
    unbatched = D.DataLoader(data, batch_size=None)
    yield "batch_size=None", (len(unbatched), list(unbatched))
    plain = D.DataLoader(range(4), batch_size=None, sampler=[3, 1])
    yield "batch_size=None of ints", list(plain)
    yield "default samplers", (type(D.DataLoader(data).sampler).__name__,
                               type(D.DataLoader(data, shuffle=True).sampler).__name__,
                               type(D.DataLoader(data).batch_sampler).__name__)
    shuffled = [int(y) for _, y in D.DataLoader(data, batch_size=1, shuffle=True)]
    yield "shuffled labels", sorted(shuffled)
    weighted = D.DataLoader(data, batch_size=4, sampler=D.WeightedRandomSampler(
        [0.0, 1.0, 0.0, 1.0, 0.0], 8))
    yield "weighted sampler: labels", [batch[1].tolist() for batch in weighted]
    pinned = D.DataLoader(data, batch_size=5, pin_memory=True, pin_memory_device="cuda")
    batches = iter(pinned)                       # warns, without a GPU: nothing to pin for
    yield "pin_memory", list(batches)
    Stream = _stream_class(T)
    yield "stream", list(D.DataLoader(Stream(5), batch_size=2))
    yield "stream, drop_last", (len(D.DataLoader(Stream(5), batch_size=2, drop_last=True)),
                                list(D.DataLoader(Stream(5), batch_size=2, drop_last=True)))
    yield "stream unbatched", (len(D.DataLoader(Stream(3), batch_size=None)),
                               list(D.DataLoader(Stream(3), batch_size=None)))
    for name, arguments in [
            ("num_workers -1", dict(num_workers=-1)), ("timeout -1", dict(timeout=-1)),
            ("prefetch_factor alone", dict(prefetch_factor=2)),
            ("prefetch_factor -1", dict(num_workers=1, prefetch_factor=-1)),
            ("persistent_workers alone", dict(persistent_workers=True)),
            ("sampler and shuffle", dict(sampler=[0], shuffle=True)),
            ("batch_sampler and batch_size", dict(batch_sampler=[[0]], batch_size=2)),
            ("batch_sampler and drop_last", dict(batch_sampler=[[0]], drop_last=True)),
            ("batch_size None and drop_last", dict(batch_size=None, drop_last=True))]:
        yield name, raised(lambda: D.DataLoader(data, **arguments))
    yield "a stream shuffled", raised(lambda: D.DataLoader(Stream(2), shuffle=True))
    yield "a stream with a sampler", raised(lambda: D.DataLoader(Stream(2), sampler=[0]))
    yield "a stream with a batch_sampler", raised(
        lambda: D.DataLoader(Stream(2), batch_sampler=[[0]]))


@needs("utils")
def data_default_convert(T):
    """``default_convert``: NumPy to tensors, inside containers; tuples become lists."""
    import collections
    Point = collections.namedtuple("Point", "x y")
    convert = T.utils.data.default_convert
    yield "array", convert(np.arange(3))
    yield "scalar", convert(np.float32(1.5))
    yield "tensor", convert(T.ones(2))
    yield "nested", convert((np.ones(2), "label", {"w": np.float64(0.5)}, [np.int64(3)]))
    yield "named tuple", repr(convert(Point(np.int64(1), 2.0)))
    yield "strings", convert(np.array(["a", "b"])).tolist()
    yield "a number", convert(3)


# -- nn.init ---------------------------------------------------------------------------------

def _is_orthogonal(w, atol=1e-5):
    """Whether the rows (or columns, if fewer) of ``w`` viewed as 2-d are orthonormal."""
    m = w.detach().reshape(w.shape[0], -1).numpy().astype(np.float64)
    small = m @ m.T if m.shape[0] <= m.shape[1] else m.T @ m
    return bool(np.allclose(small, np.eye(len(small)), atol=atol))


@needs("nn")
def init_structured_initializers(T):
    """trunc_normal_, orthogonal_, eye_, dirac_ and sparse_: shapes, dtypes, the facts
    each promises (random values are each framework's own), and their errors."""
    init = T.nn.init
    T.manual_seed(0)
    w = T.empty(200, 30, requires_grad=True)
    out = init.trunc_normal_(w, mean=0.5, std=2.0, a=-1.0, b=1.5)
    yield "trunc_normal_ returns its tensor", (out is w, w.dtype, tuple(w.shape), w.requires_grad,
                                              w.grad_fn is None)
    yield "trunc_normal_ within [a, b]", bool(((w >= -1.0) & (w <= 1.5)).all())
    narrow = init.trunc_normal_(T.empty(500, dtype=T.float64), mean=0.0, std=1.0, a=3.0, b=3.5)
    yield "trunc_normal_ of a narrow tail", (narrow.dtype, bool(((narrow >= 3.0) &
                                                                 (narrow <= 3.5)).all()))
    mean = float(init.trunc_normal_(T.empty(20000), std=0.02).mean())
    yield "trunc_normal_ (std 0.02): mean near 0", abs(mean) < 1e-3
    init.trunc_normal_(T.empty(3), mean=10.0)               # warns: mean far from [a, b]
    for shape in [(4, 6), (6, 4), (3, 2, 2, 2), (5, 5)]:
        q = init.orthogonal_(T.empty(*shape))
        yield f"orthogonal_ {shape}", (tuple(q.shape), q.dtype, _is_orthogonal(q))
    scaled = init.orthogonal_(T.empty(3, 3, dtype=T.float64), gain=2.0)
    yield "orthogonal_ gain 2: w w^T", np.round(scaled.numpy() @ scaled.numpy().T, 6).tolist()
    yield "orthogonal_ of nothing", tuple(init.orthogonal_(T.empty(0, 3)).shape)
    yield "eye_", init.eye_(T.empty(3, 4))
    yield "eye_ in place of a parameter", init.eye_(T.nn.Parameter(T.empty(2, 2)))
    yield "dirac_ 3-d", init.dirac_(T.empty(3, 2, 3))
    yield "dirac_ 4-d, 2 groups", init.dirac_(T.empty(4, 3, 3, 3), groups=2)
    yield "dirac_ 5-d", init.dirac_(T.empty(2, 2, 1, 3, 2)).nonzero()
    sparse = init.sparse_(T.empty(10, 6), sparsity=0.25, std=0.5)
    yield "sparse_: zeros per column", (sparse == 0).sum(0)
    yield "orthogonal_ of a vector", raised(lambda: init.orthogonal_(T.empty(3)))
    yield "eye_ of a 3-d tensor", raised(lambda: init.eye_(T.empty(2, 2, 2)))
    yield "dirac_ of a matrix", raised(lambda: init.dirac_(T.empty(2, 2)))
    yield "dirac_ groups", raised(lambda: init.dirac_(T.empty(3, 2, 3), groups=2))
    yield "sparse_ of a vector", raised(lambda: init.sparse_(T.empty(4), 0.5))


@needs("nn")
def init_deprecated_aliases(T):
    """``nn.init.normal`` and the other old names: torch's FutureWarning, then the same."""
    init = T.nn.init
    for name, arguments in [("uniform", ()), ("normal", ()), ("constant", (0.5,)),
                            ("eye", ()), ("xavier_uniform", ()), ("xavier_normal", ()),
                            ("kaiming_uniform", ()), ("kaiming_normal", ()),
                            ("orthogonal", ()), ("sparse", (0.5,))]:
        w = getattr(init, name)(T.empty(4, 3), *arguments)
        yield name, (getattr(init, name).__name__, tuple(w.shape), w.dtype)
    yield "dirac", init.dirac(T.empty(2, 2, 3))


# -- cuda ------------------------------------------------------------------------------------

def cuda_without_a_gpu(T):
    """What scripts ask ``cuda`` where there is no GPU (where JAX sees one, autodiff
    answers for it: the case is skipped). Seeding is silently deferred, the memory counts
    are 0, and what needs a device raises torch's AssertionError."""
    if T.cuda.is_available():
        return
    cuda = T.cuda
    T.manual_seed(7)
    before = T.rand(3)
    T.manual_seed(7)
    yield "manual_seed", cuda.manual_seed(123)
    yield "manual_seed_all", cuda.manual_seed_all(123)
    yield "seed, seed_all", (cuda.seed(), cuda.seed_all())
    yield "set_rng_state", cuda.set_rng_state(T.zeros(4, dtype=T.uint8))
    yield "the CPU's draws are untouched", T.equal(T.rand(3), before)
    yield "is_available, device_count", (cuda.is_available(), cuda.device_count())
    yield "is_initialized", cuda.is_initialized()
    yield "memory", (cuda.memory_allocated(), cuda.max_memory_allocated(),
                     cuda.memory_reserved(), cuda.memory_allocated(0))
    yield "empty_cache", cuda.empty_cache()
    for name, call in [("initial_seed", cuda.initial_seed), ("get_rng_state", cuda.get_rng_state),
                       ("current_device", cuda.current_device),
                       ("get_device_name", cuda.get_device_name),
                       ("get_device_name(0)", lambda: cuda.get_device_name(0)),
                       ("get_device_capability", cuda.get_device_capability),
                       ("synchronize", cuda.synchronize), ("init", cuda.init)]:
        yield name, raised(call)
