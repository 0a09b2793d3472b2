"""``gradcheck`` and ``gradgradcheck``: a backward pass against finite differences.

The numerical Jacobian perturbs each input element by ``eps`` both ways (central
differences, in the inputs' own dtype -- use float64); the analytical one is built row by
row from vector-Jacobian products with one-hot vectors. They must agree to
``atol + rtol * |numerical|``, else torch's ``GradcheckError`` text names the pair.

>>> import autodiff
>>> x = autodiff.tensor([1.0, 2.0], dtype=autodiff.float64, requires_grad=True)
>>> autodiff.autograd.gradcheck(lambda t: (t ** 3).sin(), (x,))
True
>>> autodiff.autograd.gradgradcheck(lambda t: (t ** 3).sin(), (x,))
True
"""

from __future__ import annotations

import warnings
from typing import Any, Callable, Optional

import numpy as np

from .. import dtypes as D
from .. import ops
from ..tape import Tensor
from . import grad as _grad


class GradcheckError(RuntimeError):
    """A gradient check failed (``torch.autograd.gradcheck.GradcheckError``)."""


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _outputs(func, inputs):
    return tuple(o for o in _as_tuple(func(*inputs))
                 if isinstance(o, Tensor) and o.requires_grad)


def _numerical_jacobian(func, inputs, positions, eps):
    """J[k][i]: (numel of input i) x (numel of output k), by central differences of the
    outputs at ``positions`` (those that are differentiable)."""
    n_outputs = len(positions)
    jac: list[list[Optional[np.ndarray]]] = [[None] * len(inputs) for _ in range(n_outputs)]
    for i, x in enumerate(inputs):
        if not (isinstance(x, Tensor) and x.requires_grad):
            continue
        base = np.array(x.numpy(force=True))
        columns = []
        for j in range(base.size):
            values = []
            for step in (eps, -eps):
                moved = base.copy().reshape(-1)
                moved[j] += step
                args = list(inputs)
                args[i] = ops.tensor(moved.reshape(base.shape), dtype=x.dtype,
                                     device=x.device, requires_grad=True)
                outs = _as_tuple(func(*args))
                values.append([np.asarray(outs[p].numpy(force=True), np.float64).reshape(-1)
                               for p in positions])
            columns.append([(p - m) / (2 * eps) for p, m in zip(*values)])
        for k in range(n_outputs):
            jac[k][i] = np.stack([c[k] for c in columns]) if columns else None
    return jac


def _analytical_jacobian(outputs, inputs):
    """J[k][i] from one vector-Jacobian product per output element."""
    diff = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    jac: list[list[Optional[np.ndarray]]] = [[None] * len(inputs) for _ in outputs]
    for k, out in enumerate(outputs):
        rows = {i: np.zeros((inputs[i].numel(), out.numel())) for i in diff}
        for m in range(out.numel()):
            onehot = np.zeros(out.numel())
            onehot[m] = 1.0
            v = ops.tensor(onehot.reshape(tuple(out.shape)), dtype=out.dtype, device=out.device)
            grads = _grad(out, [inputs[i] for i in diff], v, retain_graph=True,
                          allow_unused=True)
            for i, g in zip(diff, grads):
                if g is not None:
                    rows[i][:, m] = np.asarray(g.numpy(force=True), np.float64).reshape(-1)
        for i in diff:
            jac[k][i] = rows[i]
    return jac


def gradcheck(func: Callable[..., Any], inputs: Any, *, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, raise_exception: bool = True, **unused: Any) -> bool:
    """Check the gradients of ``func`` at ``inputs`` against finite differences."""
    inputs = _as_tuple(inputs)
    for idx, x in enumerate(inputs):
        if isinstance(x, Tensor) and x.requires_grad and x.dtype is not D.float64:
            warnings.warn(f"Input #{idx} requires gradient and is not a double precision "
                          "floating point or complex. This check will likely fail if all the "
                          "inputs are not of double precision floating point or complex. ",
                          UserWarning, stacklevel=2)
    try:
        all_outputs = _as_tuple(func(*inputs))
        positions = [p for p, o in enumerate(all_outputs)
                     if isinstance(o, Tensor) and o.requires_grad]
        outputs = [all_outputs[p] for p in positions]
        analytical = _analytical_jacobian(outputs, inputs)
        numerical = _numerical_jacobian(func, inputs, positions, eps)
        for k in range(len(outputs)):
            for i, (a, n) in enumerate(zip(analytical[k], numerical[k])):
                if a is not None and not np.allclose(a, n, rtol, atol):
                    raise GradcheckError(
                        f"Jacobian mismatch for output {k:d} with respect to input {i:d},\n"
                        f"numerical:{ops.tensor(n, dtype=D.float64)!r}\n"
                        f"analytical:{ops.tensor(a, dtype=D.float64)!r}\n")
    except GradcheckError:
        if raise_exception:
            raise
        return False
    return True


def gradgradcheck(func: Callable[..., Any], inputs: Any, grad_outputs: Any = None, *,
                  eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
                  raise_exception: bool = True, **unused: Any) -> bool:
    """``gradcheck`` of the gradient itself (built with ``create_graph=True``): checks the
    backward formulas are differentiable and right."""
    inputs = _as_tuple(inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = tuple(ops.tensor(rng.uniform(-1, 1, tuple(o.shape)), dtype=o.dtype,
                                        requires_grad=True) for o in _outputs(func, inputs))
    grad_outputs = _as_tuple(grad_outputs)
    n = len(grad_outputs)
    diff = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]

    def first_derivative(*args):
        xs, vs = args[:-n], args[-n:]
        xs = tuple(x.requires_grad_() if i in diff and not x.requires_grad else x
                   for i, x in enumerate(xs))
        outs = _outputs(func, xs)
        grads = _grad(outs, [xs[i] for i in diff], vs, create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(first_derivative, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
