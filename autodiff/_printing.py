"""How a tensor prints: torch's ``_tensor_str.py``, ported to NumPy arrays.

Learners compare what they see with what an article shows, so ``repr`` must be
character-for-character torch's: 4 decimals, the integer-valued float layout
(``tensor([1., 2.])``), the scientific switch, line wrapping at 80 columns and
``...`` summarisation past 1000 elements. The logic below follows PyTorch's
``torch/_tensor_str.py`` (BSD licence) function by function, with the same names.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Optional, Sequence, Union

import numpy as np


@dataclasses.dataclass
class _PrinterOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


PRINT_OPTS = _PrinterOptions()

_PROFILES: dict[str, dict[str, float]] = {
    "default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
    "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
    "full": dict(precision=4, threshold=math.inf, edgeitems=3, linewidth=80),
}


def set_printoptions(precision: Optional[int] = None, threshold: Optional[float] = None,
                     edgeitems: Optional[int] = None, linewidth: Optional[int] = None,
                     profile: Optional[str] = None, sci_mode: Optional[bool] = None) -> None:
    """Set options for printing, as ``torch.set_printoptions``.

    >>> import autodiff
    >>> autodiff.set_printoptions(precision=2)
    >>> autodiff.tensor([1.12345])
    tensor([1.12])
    >>> autodiff.set_printoptions(profile="default")
    """
    if profile is not None:
        for name, default in _PROFILES[profile].items():
            setattr(PRINT_OPTS, name, default)
    for name, value in dict(precision=precision, threshold=threshold,
                            edgeitems=edgeitems, linewidth=linewidth).items():
        if value is not None:
            setattr(PRINT_OPTS, name, value)
    PRINT_OPTS.sci_mode = sci_mode


class _Formatter:
    """Chooses one width and one notation for every element of a tensor."""

    def __init__(self, values: np.ndarray, floating: bool) -> None:
        self.floating_dtype = floating
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        flat = values.reshape(-1)
        if not floating:
            for value in flat.tolist():
                self.max_width = max(self.max_width, len(f"{value}"))
            return
        flat = flat.astype(np.float64)
        nonzero_finite = flat[np.isfinite(flat) & (flat != 0)]
        if nonzero_finite.size == 0:
            return
        abs_vals = np.abs(nonzero_finite)
        lo, hi = abs_vals.min(), abs_vals.max()
        self.int_mode = bool(np.all(nonzero_finite == np.ceil(nonzero_finite)))
        self.sci_mode = (hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4
                         if PRINT_OPTS.sci_mode is None else PRINT_OPTS.sci_mode)
        p = PRINT_OPTS.precision
        for value in nonzero_finite.tolist():
            if self.sci_mode:
                width = len(f"{value:.{p}e}")
            elif self.int_mode:
                width = len(f"{value:.0f}") + 1
            else:
                width = len(f"{value:.{p}f}")
            self.max_width = max(self.max_width, width)

    def width(self) -> int:
        return self.max_width

    def format(self, value: Union[int, float, bool]) -> str:
        p = PRINT_OPTS.precision
        if self.floating_dtype:
            if self.sci_mode:
                ret = f"{value:{self.max_width}.{p}e}"
            elif self.int_mode:
                ret = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    ret += "."
            else:
                ret = f"{value:.{p}f}"
        else:
            ret = f"{value}"
        return (self.max_width - len(ret)) * " " + ret


def _vector_str(values: np.ndarray, indent: int, summarize: bool, formatter: _Formatter) -> str:
    element_length = formatter.width() + 2
    elements_per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / element_length))
    edge = PRINT_OPTS.edgeitems
    if summarize and not edge:
        data = ["..."]
    elif summarize and values.shape[0] > 2 * edge:
        data = ([formatter.format(v) for v in values[:edge].tolist()] + [" ..."]
                + [formatter.format(v) for v in values[-edge:].tolist()])
    else:
        data = [formatter.format(v) for v in values.tolist()]
    lines = [", ".join(data[i:i + elements_per_line])
             for i in range(0, len(data), elements_per_line)]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _tensor_str_with_formatter(values: np.ndarray, indent: int, summarize: bool,
                               formatter: _Formatter) -> str:
    dim = values.ndim
    if dim == 0:
        return formatter.format(values.item())
    if dim == 1:
        return _vector_str(values, indent, summarize, formatter)
    edge = PRINT_OPTS.edgeitems
    rows: Sequence[Optional[int]] = range(values.shape[0])
    if summarize and values.shape[0] > 2 * edge:
        rows = list(range(edge)) + [None] + list(range(values.shape[0] - edge, values.shape[0]))
    slices = ["..." if i is None else
              _tensor_str_with_formatter(values[i], indent + 1, summarize, formatter)
              for i in rows]
    return "[" + ("," + "\n" * (dim - 1) + " " * (indent + 1)).join(slices) + "]"


def _summarized_data(values: np.ndarray) -> np.ndarray:
    """The elements that a summarised print shows (the edges of every dimension)."""
    edge = PRINT_OPTS.edgeitems
    if values.ndim == 0:
        return values
    if values.ndim == 1:
        return np.concatenate([values[:edge], values[-edge:]]) if values.shape[0] > 2 * edge else values
    if not edge:
        return values[(slice(0, 0),) * values.ndim]
    rows: Sequence[int] = range(values.shape[0])
    if values.shape[0] > 2 * edge:
        rows = list(range(edge)) + list(range(values.shape[0] - edge, values.shape[0]))
    return np.stack([_summarized_data(values[i]) for i in rows])


def tensor_str(values: np.ndarray, floating: bool, indent: int) -> str:
    """The bracketed body of a tensor's repr."""
    if values.size == 0:
        return "[]"
    summarize = values.size > PRINT_OPTS.threshold
    formatter = _Formatter(_summarized_data(values) if summarize else values, floating)
    return _tensor_str_with_formatter(values, indent, summarize, formatter)


def add_suffixes(text: str, suffixes: Sequence[str], indent: int) -> str:
    """Append ``, dtype=...``, ``grad_fn=<...>`` etc., wrapping past the line width.

    A suffix is measured as torch would print it (``dtype=torch.float64``), so the line
    breaks fall where torch's do and the texts differ only in the name.
    """
    parts = [text]
    last_line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        width = len(suffix.replace("autodiff.", "torch."))
        if last_line_len + width + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + width
        else:
            parts.append(", " + suffix)
            last_line_len += width + 2
    parts.append(")")
    return "".join(parts)
