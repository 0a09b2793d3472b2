"""``autodiff.autograd``: the engine's entry points and tools, as ``torch.autograd``.

* :func:`grad` and :func:`backward` -- run the backward pass (``autodiff/tape.py``);
* :class:`Function` -- custom operations with a hand-written backward;
* :mod:`functional` -- ``vjp``, ``jvp``, ``jacobian``, ``hessian``, ``hvp``, ``vhp``;
* :func:`gradcheck` / :func:`gradgradcheck` -- gradients against finite differences;
* :func:`set_detect_anomaly` / :class:`detect_anomaly` -- name the forward line of a
  failing node;
* :mod:`graph` -- the node type, for introspection.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional, Sequence, Union

import jax.numpy as jnp

from .. import tape
from ..tape import (Tensor, backward, enable_grad, inference_mode,  # noqa: F401
                    no_grad, set_grad_enabled)


def grad(outputs: Union[Tensor, Sequence[Tensor]], inputs: Union[Tensor, Sequence[Tensor]],
         grad_outputs: Union[Tensor, Sequence[Optional[Tensor]], None] = None,
         retain_graph: Optional[bool] = None, create_graph: bool = False,
         allow_unused: Optional[bool] = None,
         materialize_grads: bool = False) -> tuple[Optional[Tensor], ...]:
    """The gradients of ``outputs`` w.r.t. ``inputs``, returned rather than accumulated.

    >>> import autodiff
    >>> x = autodiff.tensor(3.0, requires_grad=True)
    >>> autodiff.autograd.grad(x ** 2, x)
    (tensor(6.),)
    >>> g, = autodiff.autograd.grad(x ** 3, x, create_graph=True)   # 3 x^2, recorded
    >>> autodiff.autograd.grad(g, x)                                  # 6 x
    (tensor(18.),)
    """
    outputs = tape.as_tuple(outputs)
    inputs = tape.as_tuple(inputs)
    if len(inputs) == 0:
        raise RuntimeError("grad requires non-empty inputs.")
    grads = tape.as_tuple(grad_outputs) or (None,) * len(outputs)
    if allow_unused is None:
        allow_unused = materialize_grads
    if materialize_grads and not allow_unused:
        raise ValueError("Expected allow_unused to be True or not passed when "
                         "materialize_grads=True, but got: allow_unused=False.")
    result = tape.run_backward(outputs, grads, retain_graph, create_graph, inputs,
                               accumulate=False)
    out = []
    for i, (t, g) in enumerate(zip(inputs, result)):
        if g is None:
            if materialize_grads:
                g = tape.constant(jnp.zeros(t._array.shape, t._array.dtype))
            elif not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used in "
                    "the graph. Set allow_unused=True if this is the desired behavior.")
        out.append(g)
    return tuple(out)


from . import forward_ad, functional, graph, profiler  # noqa: E402
from .anomaly_mode import (detect_anomaly, is_anomaly_check_nan_enabled,  # noqa: E402
                           is_anomaly_enabled, set_detect_anomaly)
from .function import Function, FunctionCtx, once_differentiable  # noqa: E402
from .gradcheck import GradcheckError, gradcheck, gradgradcheck  # noqa: E402
from .variable import Variable  # noqa: E402


# torch.autograd's names autodiff leaves out say so (autodiff/_not_provided.py);
# hidden from a type checker, which would otherwise take any name as this function's
if not TYPE_CHECKING:
    from .. import _not_provided
    __getattr__ = _not_provided.refuser("autograd")
