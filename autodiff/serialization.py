"""``autodiff.save`` / ``autodiff.load``: checkpoints, as ``torch.save`` / ``torch.load``.

A checkpoint is a zip archive laid out like torch's: ``archive/data.pkl`` is the object
pickled, with every tensor replaced by a reference (a pickle *persistent id*) to a record
``archive/data/<key>`` holding the tensor's raw bytes. The file is autodiff's own: torch
cannot read it, nor autodiff torch's (their pickles name different classes).

``load`` defaults to ``weights_only=True``, as torch 2.6+ does: it unpickles tensors,
containers (dict, ``OrderedDict``, list, tuple, set), numbers, strings, dtypes, ``Size``
and ``device`` -- a state dict, an optimizer's state dict, a checkpoint dict -- and
refuses any other class with torch's ``UnpicklingError``, unless it is allowed by
:func:`add_safe_globals` or ``weights_only=False``.

>>> import io, autodiff
>>> buffer = io.BytesIO()
>>> autodiff.save({"w": autodiff.tensor([1.0, 2.0], requires_grad=True), "step": 3}, buffer)
>>> _ = buffer.seek(0)
>>> autodiff.load(buffer)
{'w': tensor([1., 2.], requires_grad=True), 'step': 3}
"""

from __future__ import annotations

import collections
import contextlib
import io
import os
import pickle
import zipfile
from types import ModuleType
from typing import IO, Any, Callable, Iterable, Iterator, Optional, Union

import numpy as np

from . import dtypes as D
from . import ops
from .nn import Parameter
from .tape import Tensor

FileLike = Union[str, os.PathLike[str], IO[bytes]]   # a path, or a binary file
_Reference = tuple[str, str, str, tuple[int, ...], bool]   # a tensor's, in data.pkl

_ARCHIVE = "archive"
_safe_globals: list[Callable[..., Any]] = []

# the classes a weights-only load rebuilds, by (module, name) as pickle names them
_ALLOWED = {("collections", "OrderedDict"): collections.OrderedDict,
            ("builtins", "set"): set, ("builtins", "frozenset"): frozenset,
            ("autodiff.dtypes", "Size"): D.Size, ("autodiff.dtypes", "device"): D.device,
            **{("autodiff.dtypes", d.name): d for d in D.ALL}}

_WEIGHTS_ONLY_MESSAGE = (
    "Weights only load failed. This file can still be loaded, to do so you have two options, "
    "\x1b[1mdo those steps only if you trust the source of the checkpoint\x1b[0m. \n\t(1) In "
    "PyTorch 2.6, we changed the default value of the `weights_only` argument in "
    "`autodiff.load` from `False` to `True`. Re-running `autodiff.load` with `weights_only` set "
    "to `False` will likely succeed, but it can result in arbitrary code execution. Do it only "
    "if you got the file from a trusted source.\n\t(2) Alternatively, to load with "
    "`weights_only=True` please check the recommended steps in the following error message.\n"
    "\tWeightsUnpickler error: {}\n\nCheck the documentation of autodiff.load to learn more "
    "about types accepted by default with weights_only "
    "https://pytorch.org/docs/stable/generated/autodiff.load.html.")


# -- saving ------------------------------------------------------------------------------

class _Pickler(pickle.Pickler):
    """Pickles ``obj``, putting each tensor's bytes aside (one record per tensor)."""

    def __init__(self, file: IO[bytes], protocol: int,
                 records: dict[int, tuple[str, bytes]]) -> None:
        super().__init__(file, protocol)
        self.records = records          # id(tensor) -> (key, bytes)

    def persistent_id(self, obj: object) -> Optional[_Reference]:
        if not isinstance(obj, Tensor):
            return None                 # pickled as usual
        # the bytes of a copy (numpy() would hand the tensor's numbers over to NumPy)
        key, _ = self.records.setdefault(
            id(obj), (str(len(self.records)), np.asarray(obj._value()).tobytes()))
        kind = "parameter" if isinstance(obj, Parameter) else "tensor"
        return (kind, key, obj.dtype.name, tuple(obj.shape), obj.requires_grad)


def save(obj: object, f: FileLike, pickle_module: ModuleType = pickle, pickle_protocol: int = 2,
         _use_new_zipfile_serialization: bool = True,
         _disable_byteorder_record: bool = False) -> None:
    """Write ``obj`` (tensors, a ``state_dict``, any picklable object) to the file ``f``
    (a path or a binary file-like object)."""
    if not (isinstance(f, (str, os.PathLike)) or hasattr(f, "write")):
        raise AttributeError("expected 'f' to be string, path, or a file-like object with a "
                             "'write' attribute")
    records: dict[int, tuple[str, bytes]] = {}
    data = io.BytesIO()
    _Pickler(data, pickle_protocol, records).dump(obj)
    with zipfile.ZipFile(f, "w") as archive:
        archive.writestr(f"{_ARCHIVE}/data.pkl", data.getvalue())
        archive.writestr(f"{_ARCHIVE}/byteorder", "little")
        for key, raw in records.values():
            archive.writestr(f"{_ARCHIVE}/data/{key}", raw)


# -- loading -----------------------------------------------------------------------------

class _Unpickler(pickle.Unpickler):
    """Rebuilds tensors from their records; with ``weights_only``, only allowed classes."""

    def __init__(self, file: IO[bytes], archive: zipfile.ZipFile, weights_only: bool) -> None:
        super().__init__(file)
        self.archive, self.weights_only = archive, weights_only
        self.loaded: dict[str, Tensor] = {}

    def persistent_load(self, pid: _Reference) -> Tensor:
        kind, key, dtype, shape, requires_grad = pid
        if key not in self.loaded:      # a tensor saved twice is loaded once
            raw = self.archive.read(f"{_ARCHIVE}/data/{key}")
            array = np.frombuffer(raw, getattr(D, dtype).np).reshape(shape).copy()
            tensor = ops.from_numpy(array)
            self.loaded[key] = (Parameter(tensor, requires_grad) if kind == "parameter"
                                else tensor.requires_grad_(requires_grad))
        return self.loaded[key]

    def find_class(self, module: str, name: str) -> Any:
        if not self.weights_only:
            return super().find_class(module, name)
        if (module, name) in _ALLOWED:
            return _ALLOWED[module, name]
        for allowed in _safe_globals:
            if (allowed.__module__, allowed.__qualname__) == (module, name):
                return allowed
        raise pickle.UnpicklingError(_WEIGHTS_ONLY_MESSAGE.format(
            f"Unsupported global: GLOBAL {module}.{name} was not an allowed global by default. "
            f"Please use `autodiff.serialization.add_safe_globals([{module}.{name}])` or the "
            f"`autodiff.serialization.safe_globals([{module}.{name}])` context manager to "
            "allowlist this global if you trust this class/function."))


def load(f: FileLike,
         map_location: Union[D.DeviceLike, Callable[..., Any], dict[str, str], None] = None,
         pickle_module: Optional[ModuleType] = None, *, weights_only: Optional[bool] = None,
         mmap: Optional[bool] = None, **pickle_load_args: Any) -> Any:
    """Read back what :func:`save` wrote to ``f`` (a path or a binary file-like object).
    Tensors come back as leaves on the default device, with their dtype, shape and
    ``requires_grad``; ``map_location`` and ``mmap`` are accepted and have no effect."""
    weights_only = True if weights_only is None else weights_only
    with zipfile.ZipFile(f) as archive:
        with archive.open(f"{_ARCHIVE}/data.pkl") as data:
            return _Unpickler(data, archive, weights_only).load()


def add_safe_globals(safe_globals: Iterable[Callable[..., Any]]) -> None:
    """Allow these classes and functions in a ``weights_only`` load."""
    _safe_globals.extend(safe_globals)


def get_safe_globals() -> list[Callable[..., Any]]:
    """The classes and functions :func:`add_safe_globals` allowed."""
    return list(_safe_globals)


def clear_safe_globals() -> None:
    """Forget what :func:`add_safe_globals` allowed."""
    _safe_globals.clear()


@contextlib.contextmanager
def safe_globals(safe_globals: Iterable[Callable[..., Any]]) -> Iterator[None]:
    """Allow these classes and functions in ``weights_only`` loads inside the block."""
    before = list(_safe_globals)
    add_safe_globals(safe_globals)
    try:
        yield
    finally:
        _safe_globals[:] = before
