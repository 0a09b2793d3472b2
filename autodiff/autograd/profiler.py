"""``autodiff.autograd.profiler``: where the time goes, as ``torch.autograd.profiler``.

While a :class:`profile` is open, every op (a row of the derivative table, named as
torch's ATen op: ``aten::mul``), every node the backward pass runs (``MulBackward0``,
inside ``autograd::engine::evaluate_function: MulBackward0``) and every
:class:`record_function` block is an event with its start and end. ``key_averages()``
groups them by name and ``table()`` prints torch's table: self time (the event's time
less its children's), total time, average and number of calls.

The times are autodiff's own (JAX dispatches its work asynchronously: an op's time is the
time to hand it over, as torch's CPU time of a CUDA op is). The names are torch's where
autodiff does what torch does; torch records more ops than autodiff (``aten::to``,
``aten::empty_strided``...), which runs them inside fewer, larger ops.

>>> import autodiff
>>> from autodiff.autograd import profiler
>>> x = autodiff.ones(3, requires_grad=True)
>>> with profiler.profile() as prof:
...     with profiler.record_function("my_block"):
...         y = (x * 2).sum()
...     y.backward()
>>> names = {event.key for event in prof.key_averages()}
>>> {"my_block", "aten::mul", "aten::sum", "MulBackward0"} <= names
True
>>> print(prof.key_averages().table(sort_by="self_cpu_time_total"))   # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import json
import time
from typing import Any, Callable, Iterator, Literal, Optional, Self, Sequence, TypeVar, Union

from .. import tape
from .function import BackwardCFunction

_active: list[profile] = []            # the open profile (at most one), as a stack
_SUFFIXES = ("_tensor", "_scalar", "_decimals")   # table rows that are overloads of one op


def _now_us() -> float:
    return time.perf_counter_ns() / 1000.0


def _format_time(time_us: float) -> str:
    """A duration as torch's table shows it: ``1.550ms``, ``142.473us``, ``1.2s``."""
    if time_us >= 1e6:
        return f"{time_us / 1e6:.3f}s"
    if time_us >= 1e3:
        return f"{time_us / 1e3:.3f}ms"
    return f"{time_us:.3f}us"


def _format_share(time_us: float, total_us: float) -> str:
    return "NaN" if total_us == 0 else f"{time_us * 100.0 / total_us:.2f}%"


# -- events ------------------------------------------------------------------------------

class FunctionEvent:
    """One op, node or ``record_function`` block: its name, when it ran (microseconds),
    the shapes of its inputs (with ``record_shapes``) and the events inside it."""

    def __init__(self, name: str, start_us: float, input_shapes: list[list[int]]) -> None:
        self.name = self.key = name
        self.start_us, self.end_us = start_us, start_us
        self.input_shapes = input_shapes
        self.cpu_children: list[FunctionEvent] = []
        self.cpu_parent: Optional[FunctionEvent] = None
        self.count = 1

    @property
    def cpu_time_total(self) -> float:
        return self.end_us - self.start_us

    @property
    def self_cpu_time_total(self) -> float:
        return self.cpu_time_total - sum(c.cpu_time_total for c in self.cpu_children)

    @property
    def cpu_time(self) -> float:
        return self.cpu_time_total

    def __repr__(self) -> str:
        return (f"<FunctionEvent name={self.name} cpu_time={_format_time(self.cpu_time)} "
                f"input_shapes={self.input_shapes}>")


class FunctionEventAvg:
    """The events of one name (and input shapes, when grouped by them), added up."""

    def __init__(self, key: str, input_shapes: Optional[list[list[int]]]) -> None:
        self.key, self.input_shapes = key, input_shapes
        self.count, self.cpu_time_total, self.self_cpu_time_total = 0, 0.0, 0.0
        self.cpu_parent: Optional[FunctionEvent] = None

    def add(self, event: _Event) -> FunctionEventAvg:
        """Count ``event`` in."""
        self.count += event.count
        self.cpu_time_total += event.cpu_time_total
        self.self_cpu_time_total += event.self_cpu_time_total
        return self

    @property
    def cpu_time(self) -> float:
        """The average time of one call."""
        return self.cpu_time_total / self.count if self.count else 0.0

    def __repr__(self) -> str:
        return (f"<FunctionEventAvg key={self.key} self_cpu_time="
                f"{_format_time(self.self_cpu_time_total)} cpu_time="
                f"{_format_time(self.cpu_time)} input_shapes={self.input_shapes}>")


_Event = Union[FunctionEvent, FunctionEventAvg]
_E = TypeVar("_E", bound=_Event)


class EventList(list[_E]):
    """A list of events (or of their averages) that prints as torch's table."""

    def key_averages(self, group_by_input_shape: bool = False,
                     group_by_stack_n: int = 0) -> EventList[FunctionEventAvg]:
        """The events added up by name (and input shapes), in order of first appearance."""
        groups: dict[Union[str, tuple[str, str]], FunctionEventAvg] = {}
        for event in self:
            key = (event.key, str(event.input_shapes)) if group_by_input_shape else event.key
            shapes = event.input_shapes if group_by_input_shape else None
            groups.setdefault(key, FunctionEventAvg(event.key, shapes)).add(event)
        return EventList(groups.values())

    @property
    def self_cpu_time_total(self) -> float:
        """The time of every event, each counted once (its self time)."""
        return sum(event.self_cpu_time_total for event in self)

    def table(self, sort_by: Optional[str] = None, row_limit: int = 100,
              max_src_column_width: int = 75, max_name_column_width: int = 55,
              max_shapes_column_width: int = 80, header: Optional[str] = None,
              top_level_events_only: bool = False, time_unit: Optional[str] = None) -> str:
        """torch's table: one row per event, sorted by ``sort_by`` (an attribute:
        ``"self_cpu_time_total"``, ``"cpu_time_total"``, ``"count"``...)."""
        return _build_table(self, sort_by, row_limit, max_name_column_width,
                            max_shapes_column_width, header, top_level_events_only)

    def export_chrome_trace(self: EventList[FunctionEvent], path: str) -> None:
        """Write the events to ``path`` as a Chrome trace (``chrome://tracing``, Perfetto)."""
        events = [{"name": e.name, "ph": "X", "ts": e.start_us, "dur": e.cpu_time_total,
                   "pid": 0, "tid": 0, "cat": "cpu_op", "args": {}} for e in self]
        with open(path, "w") as f:
            json.dump({"traceEvents": events}, f)


def _build_table(events: Sequence[_Event], sort_by: Optional[str], row_limit: int,
                 max_name_width: int, max_shapes_width: int, header: Optional[str],
                 top_level_only: bool) -> str:
    """torch's ``_build_table`` for the CPU columns (profiler_util.py)."""
    if not events:
        return ""
    if sort_by is not None:
        events = sorted(events, key=lambda event: getattr(event, sort_by), reverse=True)
    name_width = min(max(len(event.key) for event in events) + 4, max_name_width)
    headers = ["Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg",
               "# of Calls"]
    widths = [name_width] + [12] * 6
    if any(event.input_shapes for event in events):
        headers.append("Input Shapes")
        widths.append(min(max(len(str(e.input_shapes)) for e in events) + 4, max_shapes_width))
    row = "".join(f"{{:>{w}}}  " for w in widths)
    separator = "".join("-" * w + "  " for w in widths)
    line_length = sum(w + 2 for w in widths) - 2
    total = sum(event.self_cpu_time_total for event in events)
    lines = []
    if header is not None:
        lines += ["=" * line_length, header]
    if top_level_only:
        lines += ["=" * line_length, "This report only display top-level ops statistics"]
    lines += [separator, row.format(*headers), separator]
    shown = [e for e in events if not (top_level_only and e.cpu_parent is not None)]
    for event in shown[:row_limit]:
        name = event.key
        if len(name) >= max_name_width - 3:
            name = name[:max_name_width - 3] + "..."
        values = [name, _format_share(event.self_cpu_time_total, total),
                  _format_time(event.self_cpu_time_total),
                  _format_share(event.cpu_time_total, total), _format_time(event.cpu_time_total),
                  _format_time(event.cpu_time), event.count]
        if len(headers) > 7:
            values.append(str(event.input_shapes))
        lines.append(row.format(*values))
    lines += [separator, f"Self CPU time total: {_format_time(total)}"]
    return "".join(line + "\n" for line in lines)


# -- recording ---------------------------------------------------------------------------

@contextlib.contextmanager
def _event(name: str, shapes: Sequence[Sequence[int]] = ()) -> Iterator[None]:
    """Time the block as an event of the open profile (nothing when none is open)."""
    prof = _active[-1] if _active else None
    if prof is None or not prof._recording:
        yield
        return
    event = FunctionEvent(name, _now_us(), [list(s) for s in shapes] if prof.record_shapes
                          else [])
    if prof._open:
        event.cpu_parent = prof._open[-1]
        prof._open[-1].cpu_children.append(event)
    prof._open.append(event)
    prof._events.append(event)
    try:
        yield
    finally:
        prof._open.pop()
        event.end_us = _now_us()


class record_function(contextlib.ContextDecorator):
    """A named block (or function, as a decorator) that shows as a row of the table."""

    _block: contextlib.AbstractContextManager[None]      # (the event, once entered)

    def __init__(self, name: str, args: Optional[str] = None) -> None:
        self.name, self.args = name, args

    def __enter__(self) -> record_function:
        self._block = _event(self.name)
        self._block.__enter__()
        return self

    def __exit__(self, *exc: Any) -> Literal[False]:
        self._block.__exit__(*exc)
        return False


def _op_name(rule: tape.Rule) -> str:
    op = rule.op
    for suffix in _SUFFIXES:
        op = op.removesuffix(suffix)
    return f"aten::{op}"


def _timed_forward(rule: tape.Rule, forward: Callable[..., Any]) -> Callable[..., Any]:
    name = _op_name(rule)

    def forward_in_an_event(*arrays: Any, **attrs: Any) -> Any:
        with _event(name, [getattr(a, "shape", ()) for a in arrays]):
            return forward(*arrays, **attrs)
    return forward_in_an_event


def _timed_backward(backward: Callable[..., Any]) -> Callable[..., Any]:
    def backward_in_an_event(node: tape.Node, grads: Any, retain_graph: bool) -> Any:
        with _event(f"autograd::engine::evaluate_function: {node.name()}"):
            with _event(node.name()):
                return backward(node, grads, retain_graph)
    return backward_in_an_event


_NODE_CLASSES = (tape.Node, tape.AccumulateGrad, BackwardCFunction)    # each has a backward


class profile:
    """Record the ops, backward nodes and ``record_function`` blocks run inside ``with``.

    Only the CPU columns of torch's table are kept; ``use_cuda``, ``profile_memory``,
    ``with_flops`` and ``with_stack`` are accepted and add nothing.
    """

    def __init__(self, enabled: bool = True, *, use_cuda: bool = False,
                 use_device: Optional[str] = None, record_shapes: bool = False,
                 with_flops: bool = False, profile_memory: bool = False,
                 with_stack: bool = False, with_modules: bool = False, use_kineto: bool = False,
                 use_cpu: bool = True, experimental_config: object = None,
                 acc_events: bool = False,
                 custom_trace_id_callback: Optional[Callable[[], str]] = None) -> None:
        self.enabled, self.record_shapes = enabled, record_shapes
        self._events: list[FunctionEvent] = []
        self._open: list[FunctionEvent] = []       # the events running now, innermost last
        self._patched: list[tuple[object, str, Callable[..., Any]]] = []
        self._recording = True
        self.function_events: Optional[EventList[FunctionEvent]] = None

    def __enter__(self) -> Self:
        if self.enabled:
            self._start()
        return self

    def __exit__(self, *exc: object) -> Literal[False]:
        if self.enabled:
            self._stop()
        return False

    def _start(self) -> None:
        """Time every op and backward node from now on (the outermost profile does:
        each rule's forward and each node class's backward is wrapped in an event)."""
        if not _active:
            for rule in tape.RULES.values():
                self._patched.append((rule, "forward", rule.forward))
                rule.forward = _timed_forward(rule, rule.forward)
            for cls in _NODE_CLASSES:
                self._patched.append((cls, "backward", cls.__dict__["backward"]))
                cls.backward = _timed_backward(  # type: ignore[method-assign]
                    cls.__dict__["backward"])
        _active.append(self)

    def _stop(self) -> None:
        for owner, attribute, original in reversed(self._patched):
            setattr(owner, attribute, original)
        self._patched.clear()
        _active.remove(self)
        self.function_events = EventList(self._events)

    def _check_finished(self) -> EventList[FunctionEvent]:
        """The events recorded (none if the profile has not run)."""
        if self.function_events is None:
            self.function_events = EventList()
        return self.function_events

    def key_averages(self, group_by_input_shape: bool = False, group_by_stack_n: int = 0,
                     **kwargs: Any) -> EventList[FunctionEventAvg]:
        """The events added up by name (see :meth:`EventList.key_averages`)."""
        return self._check_finished().key_averages(group_by_input_shape, group_by_stack_n)

    def table(self, sort_by: Optional[str] = None, row_limit: int = 100, **kwargs: Any) -> str:
        """The table of every event (not averaged)."""
        return self._check_finished().table(sort_by=sort_by, row_limit=row_limit, **kwargs)

    def export_chrome_trace(self, path: str) -> None:
        """Write the events as a Chrome trace."""
        self._check_finished().export_chrome_trace(path)

    @property
    def self_cpu_time_total(self) -> float:
        """Every event's self time, added up."""
        return self._check_finished().self_cpu_time_total

    def __str__(self) -> str:
        return str(self._check_finished().table())
