"""The public API's type hints are checked by mypy (its files: ``[tool.mypy]`` in
pyproject.toml), so that a hint that lies fails ``make test``.

The op modules attach most of Tensor's methods to the class at import time (``Tensor.exp
= exp``), which a type checker cannot follow. ``autodiff/_tensor_methods.pyi`` declares
them for it, written from the functions' own hints by this file: after changing an op's
signature, run ``python tests/test_types.py`` to rewrite it (the test below fails until
then).
"""

import ast
import inspect
import subprocess
import sys
import textwrap
import typing
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STUB = ROOT / "autodiff" / "_tensor_methods.pyi"

HEADER = '''"""Tensor's methods and operators that the op modules (autodiff/ops) attach to the
class, as a type checker sees them: the base class of ``Tensor`` to a type checker only
(its own methods are in tape.py); and, at the end, the function forms of in-place ops
(``autodiff.sin_(x)``) that autodiff/ops/__init__.py takes from the class. Written by
``python tests/test_types.py`` from the functions' hints; do not edit by hand."""

from typing import Any, Literal, Optional, Sequence, Union, overload

from . import dtypes as D
from .dtypes import DeviceLike, Dims, Number
from .ops.indexing import Index
from .ops.pointwise import _NotGiven
from .ops.random import Generator
from .tape import Tensor, ValuesIndices


class _Conversions:
    # (apart from the class below, in whose body ``float``, ``int`` and ``bool`` are hints)
'''

CONVERSIONS = ("bfloat16", "bool", "byte", "char", "double", "float", "half", "int", "long",
               "short")

# Methods made by lambdas (no hints to read), and the reflected operators
WRITTEN = {
    "T": "@property\n    def T(self: Tensor) -> Tensor: ...",
    "mT": "@property\n    def mT(self: Tensor) -> Tensor: ...",
    "mH": "@property\n    def mH(self: Tensor) -> Tensor: ...",
    "H": "@property\n    def H(self: Tensor) -> Tensor: ...",
    "__pos__": "def __pos__(self: Tensor) -> Tensor: ...",
    "__rtruediv__": "def __rtruediv__(self: Tensor, other: Tensor | Number) -> Tensor: ...",
    "__rfloordiv__": "def __rfloordiv__(self: Tensor, other: Tensor | Number) -> Tensor: ...",
    "__rmod__": "def __rmod__(self: Tensor, other: Tensor | Number) -> Tensor: ...",
    "__rpow__": "def __rpow__(self: Tensor, other: Tensor | Number) -> Tensor: ...",
    "__rmatmul__": "def __rmatmul__(self: Tensor, other: Tensor) -> Tensor: ...",
    "__rlshift__": "def __rlshift__(self: Tensor, other: Tensor | Number) -> Tensor: ...",
    "__rrshift__": "def __rrshift__(self: Tensor, other: Tensor | Number) -> Tensor: ...",
    # (attached by nn.functional, above the op modules)
    "hardshrink": "def hardshrink(input: Tensor, lambd: float = ...) -> Tensor: ...",
    "prelu": "def prelu(input: Tensor, weight: Tensor) -> Tensor: ...",
    "bernoulli": "def bernoulli(self: Tensor, p: Optional[float] = ..., *, "
                 "generator: Optional[Generator] = ...) -> Tensor: ...",
    "cpu": "def cpu(self: Tensor, memory_format: object = ...) -> Tensor: ...",
    "cuda": "def cuda(self: Tensor, device: Union[int, DeviceLike, None] = ..., "
            "non_blocking: bool = ...) -> Tensor: ...",
    "is_contiguous": "def is_contiguous(self: Tensor, memory_format: object = ...) -> bool: ...",
    "polygamma": "def polygamma(self: Tensor, n: int) -> Tensor: ...",
    "reshape_as": "def reshape_as(self: Tensor, other: Tensor) -> Tensor: ...",
    "view_as": "def view_as(self: Tensor, other: Tensor) -> Tensor: ...",
    "where": "def where(self: Tensor, condition: Tensor, other: Tensor | Number) -> Tensor: ...",
    "new_tensor": "def new_tensor(self: Tensor, data: Any, **kw: Any) -> Tensor: ...",
    "new_full": "def new_full(self: Tensor, size: Sequence[int], fill_value: Number, "
                "**kw: Any) -> Tensor: ...",
    **{name: f"def {name}(self: Tensor, *size: int | Sequence[int], **kw: Any) -> Tensor: ..."
       for name in ("new_empty", "new_ones", "new_zeros")},
}
# (object's __eq__ and __ne__ return bool; Tensor's, as torch's, return tensors)
IGNORE = {"__eq__": "  # type: ignore[override]", "__ne__": "  # type: ignore[override]"}


def _params(sig):
    """A signature's parameters, as a stub writes them (the first, ``input`` in most ops, is
    the method's self)."""
    out, star = [], False
    for p in sig.parameters.values():
        ann = "" if p.annotation is p.empty else f": {p.annotation}"
        if not out and not ann:
            ann = ": Tensor"             # (tape.py's methods leave self's hint implicit)
        if p.kind is p.VAR_POSITIONAL:
            out.append(f"*{p.name}{ann}")
            star = True
            continue
        if p.kind is p.VAR_KEYWORD:
            out.append(f"**{p.name}{ann}")
            continue
        if p.kind is p.KEYWORD_ONLY and not star:
            out.append("*")
            star = True
        out.append(p.name + ann + ("" if p.default is p.empty else " = ..."))
        if len(out) == 1:
            out.append("/")              # (self, whatever the op names it, is positional)
    return ", ".join(out)


def _typed(fn):
    """Whether a function's every parameter and its result have hints."""
    sig = inspect.signature(fn)
    return sig.return_annotation is not sig.empty and all(
        p.annotation is not p.empty for p in list(sig.parameters.values())[1:])


def _declare(name, fn):
    """The stub lines of method ``name`` made from ``fn`` (its overloads, if any)."""
    overloads = typing.get_overloads(fn)
    sigs = [inspect.signature(f) for f in overloads] or [inspect.signature(fn)]
    lines = []
    for sig in sigs:
        if overloads:
            lines.append("@overload")
        lines.append(f"def {name}({_params(sig)}) -> {sig.return_annotation}: ..."
                     f"{IGNORE.get(name, '')}")
    return lines


def generate():
    """The text of autodiff/_tensor_methods.pyi, and the attached methods it cannot
    declare (their functions have no hints: a type checker would not know them)."""
    import autodiff
    from autodiff import ops

    attrs = vars(autodiff.Tensor)
    op_fns = {name: fn for name, fn in attrs.items()
              if inspect.isfunction(fn) and fn.__module__.startswith("autodiff.ops")}
    declared, conversions, untyped = {}, [], []
    for name in sorted(attrs):
        fn = attrs[name]
        if name in WRITTEN:
            declared[name] = WRITTEN[name].split("\n    ")
            continue
        if name in CONVERSIONS:
            conversions.append(f"def {name}(self: Tensor, memory_format: object = ...) "
                               "-> Tensor: ...")
            continue
        if not inspect.isfunction(fn) or fn.__qualname__.startswith("Tensor."):
            continue                                      # tape.py's own, hinted there
        if name in op_fns and (typing.get_overloads(fn) or _typed(fn)):
            declared[name] = _declare(name, fn)
            continue
        # an in-place form (x.add_(y), x += y): the hints of the op it writes back
        base = op_fns.get(fn.__qualname__[:-1]) if fn.__qualname__.endswith("_") else None
        if base is None and name.endswith("_"):
            base = op_fns.get(name[:-1])
        if base is not None and (typing.get_overloads(base) or _typed(base)):
            declared[name] = _declare(name, base)
            continue
        untyped.append(name)
    text = HEADER + "".join(f"    {line}\n" for line in conversions)
    text += "\n\nclass TensorMethods(_Conversions):\n"
    text += "".join(f"    {line}\n" for lines in declared.values() for line in lines)
    # the function forms of in-place ops (``autodiff.sin_(x)``) that autodiff/ops/__init__.py
    # takes from Tensor (those a family defines, ``fill_``..., a type checker reads there)
    defined = {name for family in vars(ops).values() if inspect.ismodule(family)
               for name in getattr(family, "__all__", ())}
    forms = [name for name in ops.FUNCTION_FORMS if name not in defined]
    names = textwrap.fill(", ".join(f'"{name}"' for name in forms), 92,
                          initial_indent="__all__ = [", subsequent_indent="           ")
    text += f"\n\n{names}]\n\n"
    for name in forms:
        lines = declared.get(name) or _declare(name, attrs[name])     # (or tape.py's own)
        text += "".join(f"{line}\n" for line in lines)
    return text, untyped


def test_the_tensor_method_stubs_are_up_to_date():
    text, untyped = generate()
    assert STUB.read_text() == text, "an op's hints changed: run `python tests/test_types.py`"
    assert untyped == [], f"methods without hints: {untyped}"


def test_the_written_stubs_name_the_parameters_of_their_methods():
    import autodiff

    for name, stub in WRITTEN.items():
        fn = getattr(autodiff.Tensor, name)
        if isinstance(fn, property) or not inspect.isfunction(fn):
            continue
        declared = ast.parse(stub.replace("@property\n    ", "")).body[0].args
        written = [a.arg for a in declared.args + declared.kwonlyargs]
        written += [f"*{declared.vararg.arg}"] if declared.vararg else []
        written += [f"**{declared.kwarg.arg}"] if declared.kwarg else []
        actual = [("*" if p.kind is p.VAR_POSITIONAL else "**" if p.kind is p.VAR_KEYWORD
                   else "") + p.name for p in inspect.signature(fn).parameters.values()]
        assert sorted(written) == sorted(actual), name


def test_mypy_passes_on_the_checked_files():
    pytest.importorskip("mypy", reason="mypy is in the dev extra: pip install -e '.[dev]'")
    done = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental"], cwd=ROOT,
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found" in done.stdout


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    text, untyped = generate()
    STUB.write_text(text)
    print(f"wrote {STUB.relative_to(ROOT)}" + (f"; without hints: {untyped}" if untyped else ""))
