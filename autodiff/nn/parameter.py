"""``Parameter``: a tensor a ``Module`` learns (torch's ``torch.nn.Parameter``); ``Buffer``:
a tensor a ``Module`` keeps as state without learning it (``torch.nn.Buffer``)."""

from __future__ import annotations

from typing import Optional

import jax.numpy as jnp
import numpy as np

from .. import tape
from ..autograd.variable import shared_leaf
from ..tape import Tensor


class Parameter(Tensor):
    """A leaf tensor that requires grad and that a ``Module`` registers when it is
    assigned as an attribute. It shares ``data``'s storage.

    >>> import autodiff
    >>> import autodiff.nn as nn
    >>> nn.Parameter(autodiff.tensor([1.0, 2.0]))
    Parameter containing:
    tensor([1., 2.], requires_grad=True)
    """

    __slots__ = ()

    def __new__(cls, data: Optional[Tensor] = None, requires_grad: bool = True) -> Parameter:
        parameter = shared_leaf(data, requires_grad)       # same storage, no history
        parameter.__class__ = cls
        return parameter                # type: ignore[return-value]  # (a cls now)

    def __repr__(self) -> str:  # type: ignore[override]  # (no tensor_contents: torch's)
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__                # type: ignore[assignment]

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            memo[id(self)] = type(self)(self.data.clone(), self.requires_grad)
        return memo[id(self)]

    def __reduce_ex__(self, protocol):
        return (_rebuild_parameter, (np.asarray(self._value()), self.requires_grad))


def _rebuild_parameter(array, requires_grad):
    return Parameter(tape.make_tensor(jnp.asarray(array)), requires_grad)


class _BufferMeta(type):
    """``isinstance(t, Buffer)`` asks whether ``t`` was made by ``Buffer``: a buffer is a
    plain tensor, marked (as torch's is)."""

    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, Tensor) and getattr(obj, "_is_buffer", False)


class Buffer(Tensor, metaclass=_BufferMeta):
    """A tensor that a ``Module`` registers as a buffer when it is assigned as an
    attribute (``self.running_mean = nn.Buffer(zeros(3))``), as ``register_buffer``
    would; ``persistent=False`` keeps it out of the ``state_dict``. It is a plain tensor
    (``data`` detached), marked.

    >>> import autodiff
    >>> import autodiff.nn as nn
    >>> module = nn.Module()
    >>> module.steps = nn.Buffer(autodiff.zeros(1), persistent=False)
    >>> list(module.buffers()), module.state_dict()
    ([tensor([0.])], OrderedDict())
    """

    persistent: bool

    def __new__(cls, data: Optional[Tensor] = None, *,    # type: ignore[misc]
                persistent: bool = True) -> Tensor:
        if data is None:
            data = tape.make_tensor(jnp.zeros((0,), jnp.float32))
        buffer = data.detach().requires_grad_(data.requires_grad)
        buffer.persistent = persistent                    # type: ignore[attr-defined]
        buffer._is_buffer = True                          # type: ignore[attr-defined]
        return buffer

