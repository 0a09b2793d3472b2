"""``autodiff.profiler``, as ``torch.profiler``: the profiler of the tutorials.

>>> import autodiff
>>> from autodiff.profiler import ProfilerActivity, profile, record_function
>>> with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
...     with record_function("model_inference"):
...         y = autodiff.ones(2, 3) @ autodiff.ones(3, 4)
>>> "model_inference" in {event.key for event in prof.key_averages()}
True

The events and the table are :mod:`autodiff.autograd.profiler`'s; this module adds
torch's ``activities``, its ``schedule`` of steps (wait, warm up, record) and
``on_trace_ready``. Only CPU activity is recorded (JAX's device timeline is not).
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Callable, Iterable, Literal, Optional, Self

from . import cuda
from .autograd import profiler as _autograd_profiler
from .autograd.profiler import EventList, FunctionEvent, record_function

__all__ = ["EventList", "ProfilerAction", "ProfilerActivity", "profile", "record_function",
           "schedule", "supported_activities"]


class ProfilerActivity(enum.Enum):
    """What a profile records: ``CPU`` (the ops); ``CUDA`` is accepted and adds nothing."""

    CPU = 0
    XPU = 1
    MTIA = 2
    CUDA = 3
    HPU = 4
    PrivateUse1 = 5


class ProfilerAction(enum.Enum):
    """What the profiler does at a step of its schedule."""

    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3


def supported_activities() -> set[ProfilerActivity]:
    """The activities this machine can record."""
    return {ProfilerActivity.CPU} | ({ProfilerActivity.CUDA} if cuda.is_available() else set())


def schedule(*, wait: int, warmup: int, active: int, repeat: int = 0, skip_first: int = 0,
             skip_first_wait: int = 0) -> Callable[[int], ProfilerAction]:
    """torch's step schedule: after ``skip_first`` steps, cycles of ``wait`` idle steps,
    ``warmup`` steps, then ``active`` recorded steps (the last one saves the trace:
    ``on_trace_ready``), ``repeat`` times (0: for ever)."""
    def action(step: int) -> ProfilerAction:
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        skip_wait = skip_first_wait and step < wait
        cycle = wait + warmup + active
        if repeat > 0 and step / cycle >= repeat:
            return ProfilerAction.NONE
        position = step % cycle
        if position < wait:
            return ProfilerAction.NONE
        if position < wait + warmup and not skip_wait:
            return ProfilerAction.WARMUP
        return (ProfilerAction.RECORD if position < cycle - 1
                else ProfilerAction.RECORD_AND_SAVE)
    return action


def _always_record(step: int) -> ProfilerAction:
    return ProfilerAction.RECORD


class profile(_autograd_profiler.profile):
    """``with profile(activities=[ProfilerActivity.CPU]) as prof: ...``; with a
    ``schedule``, call ``prof.step()`` at the end of each training step."""

    def __init__(self, *, activities: Optional[Iterable[ProfilerActivity]] = None,
                 schedule: Optional[Callable[[int], ProfilerAction]] = None,
                 on_trace_ready: Optional[Callable[[profile], object]] = None,
                 record_shapes: bool = False, profile_memory: bool = False,
                 with_stack: bool = False, with_flops: bool = False, with_modules: bool = False,
                 experimental_config: object = None, execution_trace_observer: object = None,
                 acc_events: bool = False, use_cuda: Optional[bool] = None,
                 custom_trace_id_callback: Optional[Callable[[], str]] = None,
                 post_processing_timeout_s: Optional[float] = None) -> None:
        super().__init__(record_shapes=record_shapes)
        self.activities = set(activities) if activities else supported_activities()
        self.schedule = schedule or _always_record
        self.on_trace_ready = on_trace_ready
        self.step_num = 0

    def start(self) -> None:
        """Begin profiling (what ``with`` does)."""
        self._start()
        self._act(self.schedule(self.step_num))

    def stop(self) -> None:
        """End profiling; a trace still being recorded is saved."""
        saving = self._recording
        self._stop()
        if saving and self.on_trace_ready is not None:
            self.on_trace_ready(self)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> Literal[False]:
        self.stop()
        return False

    def step(self) -> None:
        """Mark the end of a training step: move along the schedule."""
        before = self.schedule(self.step_num)
        self.step_num += 1
        if before is ProfilerAction.RECORD_AND_SAVE:
            self.function_events = EventList(self._events)
            if self.on_trace_ready is not None:
                self.on_trace_ready(self)
            self._events = []
        self._act(self.schedule(self.step_num))

    def _act(self, action: ProfilerAction) -> None:
        self._recording = action in (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE)

    def events(self) -> EventList[FunctionEvent]:
        """The events recorded (the last saved trace's, with a schedule)."""
        return self._check_finished()


# torch.profiler's names autodiff leaves out say so (autodiff/_not_provided.py);
# hidden from a type checker, which would otherwise take any name as this function's
if not TYPE_CHECKING:
    from . import _not_provided
    __getattr__ = _not_provided.refuser("profiler")
