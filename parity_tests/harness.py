"""Run one case body under two frameworks and compare what each observed.

A *case* is a plain function of the framework module::

    def seed003_polynomial_derivative(T):
        x = T.tensor(2, dtype=T.float64, requires_grad=True)
        y = x * x + 3 * x + 1
        yield "y", y
        y.backward()
        yield "x.grad", x.grad

It is called once with ``T = torch`` (the reference) and once with
``T = autodiff`` (the candidate). A body either ``yield``\\s ``(name, value)``
pairs, one observation at a time, or returns a dict of them. Yielding is the
better habit: when the body raises midway, everything observed before the
error is still compared, and so is the error itself.

Each observation is snapshotted the moment it is yielded (a tensor is copied
to NumPy, so a later in-place write does not change what was seen), then
compared with its twin:

* tensors: dtype, shape, ``requires_grad`` and values (float32 to 2e-5,
  float64 to 1e-9, integers and booleans exactly, NaNs equal to NaNs);
* ``str``, ``int``, ``bool``, ``None``: exactly; Python ``float``: to 2e-5;
* lists, tuples and dicts: element by element;
* anything else (dtypes, ``Size``, ``grad_fn`` nodes): by ``repr``, with
  memory addresses masked.

Every text of the reference side (strings, reprs, error messages, warnings)
has the word ``torch`` written as the candidate's name (``autodiff``), and
torch's ``(Triggered internally at ...)`` suffix removed. Nothing is compared
with stored numbers: the reference is run every time.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import inspect
import re
import types
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

#: ``np.allclose`` tolerances per floating dtype; other dtypes compare exactly.
TOLERANCES = {
    "float16": dict(rtol=1e-3, atol=1e-3),
    "bfloat16": dict(rtol=1e-2, atol=1e-2),
    "float32": dict(rtol=2e-5, atol=2e-5),
    "float64": dict(rtol=1e-9, atol=1e-9),
}
#: Tolerance for Python floats, which do not say which dtype they came from.
FLOAT_TOLERANCE = TOLERANCES["float32"]

ERROR = "raises"
WARNINGS = "warnings"


# --- Writing cases ----------------------------------------------------------

def needs(*attributes: str):
    """Mark a case as needing ``T.<attribute>`` for each attribute named.

    When the candidate framework lacks one (``autodiff.nn`` before it is
    written), the case is skipped with that reason instead of failing.
    """
    def mark(body):
        body.needs = attributes
        return body
    return mark


def raised(fn: Callable[[], object]) -> str | None:
    """The error ``fn()`` raises, as ``"Type: message"`` (None if it returns): for a case
    that observes several errors (a case's own error ends it)."""
    try:
        fn()
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    return None


def printed(*values) -> str:
    """What ``print(*values)`` shows, without the newline: an article's output line."""
    return " ".join(str(value) for value in values)


@dataclasses.dataclass(frozen=True)
class Case:
    """One body, two frameworks."""

    name: str
    group: str
    body: Callable[[types.ModuleType], Any]
    tolerances: dict | None = None   # per dtype, instead of TOLERANCES

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.body.__doc__ or "")

    @property
    def needs(self) -> tuple[str, ...]:
        return getattr(self.body, "needs", ())


def cases_in(module: types.ModuleType, group: str | None = None) -> list[Case]:
    """The cases a module defines, in source order.

    They are its public top-level functions whose only parameter is named
    ``T``, followed by the entries of its ``CASES`` dict (name -> body), if it
    has one, for cases built by a helper rather than written out.
    """
    group = group or module.__name__.rsplit(".", 1)[-1]
    written = [
        Case(name, group, function)
        for name, function in vars(module).items()
        if inspect.isfunction(function)
        and function.__module__ == module.__name__
        and not name.startswith("_")
        and list(inspect.signature(function).parameters) == ["T"]
    ]
    built = [Case(name, group, body) for name, body in getattr(module, "CASES", {}).items()]
    return written + built


def load_cases(path: str | Path) -> list[Case]:
    """The cases of a user's Python file (see :func:`cases_in`), grouped under its stem."""
    path = Path(path)
    spec = importlib.util.spec_from_file_location(f"parity_user_cases.{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return cases_in(module, group=path.stem)


# --- Snapshotting observations ----------------------------------------------

@dataclasses.dataclass(frozen=True)
class TensorSnapshot:
    """A tensor seen through NumPy: what two frameworks' tensors are compared on."""

    dtype: str
    shape: tuple[int, ...]
    requires_grad: bool
    values: np.ndarray

    def __str__(self) -> str:
        precision = 12 if self.dtype == "float64" else 8  # enough digits to see a mismatch
        body = np.array2string(self.values, separator=", ", precision=precision)
        flag = ", requires_grad=True" if self.requires_grad else ""
        return f"tensor({body}, dtype={self.dtype}{flag})"


@dataclasses.dataclass(frozen=True)
class Text:
    """A string that came out of a framework, already normalised."""

    text: str

    def __str__(self) -> str:
        return self.text


class Observer:
    """Sees one framework's values as snapshots comparable with the other framework's.

    ``rename_to`` is the candidate's name: the reference's texts say it where
    they said their own (``torch.float64`` reads ``autodiff.float64``).
    """

    def __init__(self, framework: types.ModuleType, rename_to: str):
        self.framework = framework
        self.pattern = re.compile(rf"\b{re.escape(framework.__name__)}\b")
        self.rename_to = rename_to

    def text(self, text: str) -> Text:
        text = re.sub(r"\s*\(Triggered internally at .*\)\s*$", "", text, flags=re.DOTALL)
        text = re.sub(r" at 0x[0-9a-fA-F]+", " at 0x…", text)
        return Text(self.pattern.sub(self.rename_to, text))

    def snapshot(self, value):
        """A comparable copy of one observed value (see the module docstring)."""
        if isinstance(value, self.framework.Tensor):
            return TensorSnapshot(
                dtype=str(value.dtype).rsplit(".", 1)[-1],
                shape=tuple(value.shape),
                requires_grad=bool(value.requires_grad),
                # force: torch's gradients can be ZeroTensors, which numpy() refuses
                values=np.array(value.detach().numpy(force=True), copy=True),
            )
        if value is None or type(value) in (bool, int, float):
            return value
        if isinstance(value, str):
            return self.text(value)
        if type(value) in (list, tuple):
            return type(value)(self.snapshot(item) for item in value)
        if type(value) is dict:
            return {key: self.snapshot(item) for key, item in value.items()}
        return self.text(repr(value))

    def exception(self, error: BaseException) -> Text:
        return self.text(f"{type(error).__name__}: {error}")

    def warning(self, message: warnings.WarningMessage) -> Text:
        return self.text(f"{message.category.__name__}: {message.message}")


# --- Comparing snapshots ----------------------------------------------------

def disagreement(reference, candidate, tolerances=None,
                 names: tuple[str, str] = ("torch", "autodiff")) -> str | None:
    """Why two snapshots differ, in plain words, or None when they agree (tensors within
    ``tolerances``, by default ``TOLERANCES``). ``names`` are the two frameworks' names,
    reference first, as the reason says them."""
    ref_name, cand_name = names
    if type(reference) is not type(candidate):
        return f"{ref_name} gives {_kind(reference)}, {cand_name} gives {_kind(candidate)}"
    if isinstance(reference, TensorSnapshot):
        return _tensor_disagreement(reference, candidate, tolerances or TOLERANCES, names)
    if isinstance(reference, Text):
        return None if reference == candidate else _text_disagreement(reference.text,
                                                                      candidate.text, names)
    if type(reference) is float:
        if np.isclose(reference, candidate, equal_nan=True, **FLOAT_TOLERANCE):
            return None
        return (f"{ref_name} gives {reference!r}, {cand_name} gives {candidate!r} "
                f"(differ by {abs(reference - candidate):.3g})")
    if type(reference) in (list, tuple):
        if len(reference) != len(candidate):
            return (f"{ref_name} gives {_items(len(reference))}, "
                    f"{cand_name} gives {_items(len(candidate))}")
        for index, (ref, cand) in enumerate(zip(reference, candidate)):
            if (reason := disagreement(ref, cand, tolerances, names)) is not None:
                return f"item {index}: {reason}"
        return None
    if type(reference) is dict:
        if list(reference) != list(candidate):
            return f"keys differ: {ref_name} {list(reference)}, {cand_name} {list(candidate)}"
        for key in reference:
            if (reason := disagreement(reference[key], candidate[key], tolerances,
                                       names)) is not None:
                return f"[{key!r}]: {reason}"
        return None
    return None if reference == candidate else (f"{ref_name} gives {reference!r}, "
                                                f"{cand_name} gives {candidate!r}")


_KINDS = {type(None): "None", TensorSnapshot: "a tensor", Text: "a text", bool: "a bool",
          int: "an int", float: "a float", list: "a list", tuple: "a tuple", dict: "a dict"}


def _kind(value) -> str:
    return _KINDS.get(type(value), type(value).__name__)


def _items(count: int) -> str:
    return f"{count} item" if count == 1 else f"{count} items"


def _text_disagreement(reference: str, candidate: str, names: tuple[str, str],
                       what: str = "texts") -> str:
    """Where two texts part: the first differing character and a few around it."""
    at = next((k for k, (a, b) in enumerate(zip(reference, candidate)) if a != b),
              min(len(reference), len(candidate)))
    start = max(0, at - 10)

    def excerpt(text):
        part = text[start:at + 20]
        return ("…" if start else "") + repr(part)[1:-1] + ("…" if at + 20 < len(text) else "")
    return (f"{what} differ from character {at + 1}: {names[0]} '{excerpt(reference)}', "
            f"{names[1]} '{excerpt(candidate)}'")


def _tensor_disagreement(reference: TensorSnapshot, candidate: TensorSnapshot,
                         tolerances: dict, names: tuple[str, str]) -> str | None:
    ref_name, cand_name = names
    for field in ("dtype", "shape", "requires_grad"):
        ref, cand = getattr(reference, field), getattr(candidate, field)
        if ref != cand:
            return f"{field} differs: {ref_name} {ref}, {cand_name} {cand}"
    tolerance = tolerances.get(reference.dtype)
    ref, cand = reference.values, candidate.values
    if tolerance is None:
        same = ref == cand
    else:
        same = np.isclose(ref, cand, equal_nan=True, **tolerance)
    if np.all(same):
        return None
    first = tuple(int(k) for k in np.argwhere(~same)[0])
    where = f"first at index {list(first)}" if first else "the value"
    differing = f"{np.count_nonzero(~same)} of {same.size} elements differ; " if first else ""
    size = ""
    if reference.dtype != "bool":
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            gap = np.abs(ref.astype(np.float64) - cand.astype(np.float64))[~same]
            relative = gap / np.abs(ref.astype(np.float64))[~same]
        size = (f" (max abs difference {np.nanmax(gap, initial=0):.3g}, "
                f"max rel difference {np.nanmax(relative, initial=0):.3g})")
    return (f"values differ{size}: {differing}{where}: {ref_name} {ref[first]!s}, "
            f"{cand_name} {cand[first]!s}")


def error_disagreement(reference: Text | None, candidate: Text | None,
                       names: tuple[str, str]) -> str | None:
    """Why the two frameworks' errors (``Type: message``, or None) differ, in plain words."""
    ref_name, cand_name = names
    if reference == candidate:
        return None
    if candidate is None:
        return f"{ref_name} raises {_error_type(reference)}, {cand_name} raises nothing"
    if reference is None:
        return unexpected_error(candidate.text, cand_name, ref_name)
    if _error_type(reference) != _error_type(candidate):
        return f"{ref_name} raises {_error_type(reference)}, {cand_name} raises " \
               f"{_error_type(candidate)}"
    kind = _error_type(reference)
    return _text_disagreement(reference.text[len(kind) + 2:], candidate.text[len(kind) + 2:],
                              names, what=f"{kind} messages")


def _error_type(error: Text) -> str:
    return error.text.split(":", 1)[0]


def unexpected_error(error: str, name: str, other: str) -> str:
    """An error only the candidate raises, said as a learner would say it."""
    if found := re.match(r"AttributeError: module '([\w.]+)' has no attribute '(\w+)'", error):
        module, attribute = found.groups()
        return f"{module} has no function {attribute}"
    if found := re.match(r"AttributeError: '(\w+)' object has no attribute '(\w+)'", error):
        return f"{name}'s {found[1]} has no attribute {found[2]}"
    if found := re.fullmatch(r"NotImplementedError: ?(.*)", error, flags=re.DOTALL):
        return f"{name} does not implement this yet" + (f": {found[1]}" if found[1] else "")
    message = error if len(error) <= 200 else error[:200] + "…"
    return f"{name} raises {message} -- {other} raises nothing"


def warnings_disagreement(reference: list[Text], candidate: list[Text],
                          names: tuple[str, str]) -> str | None:
    """Why the two frameworks' warnings differ: one warns and the other does not, or not
    the same warnings."""
    if reference == candidate:
        return None
    if not candidate:
        return f"{names[0]} warns {reference[0]}, {names[1]} does not"
    if not reference:
        return f"{names[1]} warns {candidate[0]}, {names[0]} does not"
    return disagreement(reference, candidate, names=names)


# --- Running a case ---------------------------------------------------------

@dataclasses.dataclass
class Run:
    """What one framework showed while running one case body."""

    observations: dict[str, Any]
    error: Text | None
    warnings: list[Text]
    broken: bool = False      # the body itself is wrong (a NameError...), not the framework


# Errors that no framework raises for a program: they mean the case's own code is wrong,
# and a case must not pass because both frameworks hit the same bug in it.
CASE_BUGS = (NameError, SyntaxError, ImportError)


def run(case: Case, framework: types.ModuleType, observer: Observer) -> Run:
    """Run ``case.body(framework)``, snapshotting observations, the error and the warnings."""
    observations, error, broken = {}, None, False
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = case.body(framework)
            pairs = result.items() if isinstance(result, dict) else result or ()
            for name, value in pairs:
                observations[name] = observer.snapshot(value)
        except Exception as exc:  # noqa: BLE001 - errors are observations
            error, broken = observer.exception(exc), isinstance(exc, CASE_BUGS)
    return Run(observations, error, [observer.warning(message) for message in caught], broken)


@dataclasses.dataclass(frozen=True)
class Row:
    """One observation side by side. ``reason`` is None when both sides agree."""

    name: str
    reference: Any
    candidate: Any
    reason: str | None

    @property
    def match(self) -> bool:
        return self.reason is None


NOT_REACHED = Text("<not reached>")


@dataclasses.dataclass
class Outcome:
    """A compared case: its rows, or why it was skipped."""

    case: Case
    rows: list[Row]
    skipped: str | None = None

    @property
    def passed(self) -> bool:
        return self.skipped is None and all(row.match for row in self.rows)

    @property
    def failed(self) -> bool:
        return self.skipped is None and not self.passed

    def mismatches(self) -> str:
        """The disagreeing rows as text, for an assertion message."""
        return "\n".join(
            f"{row.name}: {row.reason}\n  reference: {show(row.reference)}\n"
            f"  candidate: {show(row.candidate)}"
            for row in self.rows if not row.match
        )


def compare(case: Case, reference: types.ModuleType, candidate: types.ModuleType) -> Outcome:
    """Run ``case`` under both frameworks and line up their observations."""
    missing = [name for name in case.needs if not hasattr(candidate, name)]
    if missing:
        return Outcome(case, [], skipped=f"{candidate.__name__}.{missing[0]} does not exist yet")
    names = reference.__name__, candidate.__name__
    ref = run(case, reference, Observer(reference, names[1]))
    cand = run(case, candidate, Observer(candidate, names[1]))
    rows = [_row(name, ref, cand, case.tolerances, names)
            for name in {**ref.observations, **cand.observations}]
    reason = error_disagreement(ref.error, cand.error, names)
    if ref.broken:
        reason = f"the case's own code fails under {names[0]} ({ref.error}): fix the case"
    rows.append(Row(ERROR, ref.error, cand.error, reason))
    rows.append(Row(WARNINGS, ref.warnings, cand.warnings,
                    warnings_disagreement(ref.warnings, cand.warnings, names)))
    return Outcome(case, rows)


def _row(name: str, ref: Run, cand: Run, tolerances, names: tuple[str, str]) -> Row:
    """One observation of both runs; a side that never yielded it says why."""
    reference = ref.observations.get(name, NOT_REACHED)
    candidate = cand.observations.get(name, NOT_REACHED)
    for side, run_, value in ((names[1], cand, candidate), (names[0], ref, reference)):
        if value is NOT_REACHED:
            why = (f"never gets here: it raised {_error_type(run_.error)} first"
                   if run_.error is not None else "never yields it")
            return Row(name, reference, candidate, f"{side} {why}")
    return Row(name, reference, candidate, disagreement(reference, candidate, tolerances, names))


def show(value) -> str:
    """A snapshot as a reader wants to see it in a report."""
    if type(value) is list:
        return "[" + ", ".join(show(item) for item in value) + "]"
    if type(value) is tuple:
        trailing_comma = "," if len(value) == 1 else ""
        return "(" + ", ".join(show(item) for item in value) + trailing_comma + ")"
    if type(value) is dict:
        return "{" + ", ".join(f"{key!r}: {show(item)}" for key, item in value.items()) + "}"
    if isinstance(value, (TensorSnapshot, Text)):
        return str(value)
    return repr(value)
