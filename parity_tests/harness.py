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

def disagreement(reference, candidate, tolerances=None) -> str | None:
    """Why two snapshots differ, or None when they agree (tensors within ``tolerances``,
    by default ``TOLERANCES``)."""
    if type(reference) is not type(candidate):
        return f"type {type(reference).__name__} vs {type(candidate).__name__}"
    if isinstance(reference, TensorSnapshot):
        return _tensor_disagreement(reference, candidate, tolerances or TOLERANCES)
    if type(reference) is float:
        close = np.isclose(reference, candidate, equal_nan=True, **FLOAT_TOLERANCE)
        return None if close else "value"
    if type(reference) in (list, tuple):
        if len(reference) != len(candidate):
            return f"length {len(reference)} vs {len(candidate)}"
        for index, (ref, cand) in enumerate(zip(reference, candidate)):
            if (reason := disagreement(ref, cand, tolerances)) is not None:
                return f"[{index}]: {reason}"
        return None
    if type(reference) is dict:
        if list(reference) != list(candidate):
            return f"keys {list(reference)} vs {list(candidate)}"
        for key in reference:
            if (reason := disagreement(reference[key], candidate[key], tolerances)) is not None:
                return f"[{key!r}]: {reason}"
        return None
    return None if reference == candidate else "value"


def _tensor_disagreement(reference: TensorSnapshot, candidate: TensorSnapshot,
                         tolerances: dict) -> str | None:
    for field in ("dtype", "shape", "requires_grad"):
        ref, cand = getattr(reference, field), getattr(candidate, field)
        if ref != cand:
            return f"{field} {ref} vs {cand}"
    tolerance = tolerances.get(reference.dtype)
    if tolerance is None:
        same = np.array_equal(reference.values, candidate.values)
    else:
        same = np.allclose(reference.values, candidate.values, equal_nan=True, **tolerance)
    return None if same else "values"


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
    rename_to = candidate.__name__
    ref = run(case, reference, Observer(reference, rename_to))
    cand = run(case, candidate, Observer(candidate, rename_to))
    rows = [
        _row(name, ref.observations.get(name, NOT_REACHED),
             cand.observations.get(name, NOT_REACHED), case.tolerances)
        for name in {**ref.observations, **cand.observations}
    ]
    rows.append(_row(ERROR, ref.error, cand.error))
    if ref.broken:
        rows[-1] = Row(ERROR, ref.error, cand.error, "the case's own code fails under the "
                                                     "reference")
    rows.append(_row(WARNINGS, ref.warnings, cand.warnings))
    return Outcome(case, rows)


def _row(name: str, reference, candidate, tolerances=None) -> Row:
    if (reference is NOT_REACHED) != (candidate is NOT_REACHED):
        return Row(name, reference, candidate, "observed by one framework only")
    return Row(name, reference, candidate, disagreement(reference, candidate, tolerances))


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
