"""``autodiff.autograd.functional``: derivatives of whole functions, as in torch.

Everything here is built from one primitive, the vector-Jacobian product that the
backward pass computes (:func:`autodiff.autograd.grad`):

* ``vjp(f, x, v)``  = v^T J            one backward pass
* ``jvp(f, x, v)``  = J v              the "double-vjp trick": u -> J^T u is linear in u,
                                       so differentiating it w.r.t. u (at u = 0) gives J v
* ``jacobian``      = all rows e_i^T J  one backward pass per output element
* ``hessian``       = jacobian of the gradient (with ``create_graph=True``)
* ``vhp`` / ``hvp`` = v^T H and H v     a backward through the gradient

>>> import autodiff
>>> from autodiff.autograd.functional import jacobian, hessian, vjp
>>> x = autodiff.tensor([1.0, 2.0])
>>> jacobian(lambda x: x ** 3, x)
tensor([[ 3.,  0.],
        [ 0., 12.]])
>>> hessian(lambda x: (x ** 3).sum(), x)
tensor([[ 6.,  0.],
        [ 0., 12.]])
>>> vjp(lambda x: x ** 3, x, autodiff.ones(2))
(tensor([1., 8.]), tensor([ 3., 12.]))
"""

from __future__ import annotations

from typing import Callable, Optional, Union

from .. import ops, tape
from ..tape import Tensor
from . import grad as _grad

__all__ = ["vjp", "jvp", "jacobian", "hessian", "vhp", "hvp"]

# A function's inputs and outputs: one Tensor, or a tuple of them (torch's hints)
Tensors = Union[Tensor, tuple[Tensor, ...]]
# jacobian/hessian: a Tensor, a tuple over inputs (or outputs), or a tuple of such tuples
Jacobian = Union[Tensor, tuple[Tensor, ...], tuple[tuple[Tensor, ...], ...]]


# -- the shapes of arguments and results: a Tensor or a tuple of Tensors ----------------

def _as_tuple(x, arg_name, fn_name):
    is_tuple = isinstance(x, tuple)
    items = x if is_tuple else (x,)
    for i, el in enumerate(items):
        if not isinstance(el, Tensor):
            where = f"value at index {i}" if is_tuple else f"given {arg_name}"
            raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a "
                            f"tuple of Tensors but the {where} has type {type(el)}.")
    return is_tuple, items


def _unpack(res, is_tuple):
    return res if is_tuple else res[0]


def _leaves(inputs, fn_name, create_graph):
    """The inputs as fresh tensors to differentiate w.r.t. (kept on the caller's graph
    with ``create_graph``), and whether they came as a tuple."""
    in_tuple, inputs = _as_tuple(inputs, "inputs", fn_name)
    return in_tuple, tuple(x.view_as(x) if create_graph and x.requires_grad
                           else x.detach().requires_grad_(True) for x in inputs)


def _outputs_of(func, inputs, fn_name, strict):
    out_tuple, outputs = _as_tuple(func(*inputs), "outputs of the user-provided function",
                                   fn_name)
    _check_outputs(outputs, strict)
    return out_tuple, outputs


def _finish(tensors, create_graph):
    return tuple(t if create_graph else t.detach() for t in tensors)


def _results(outputs, out_tuple, res, res_tuple, create_graph):
    """``(func's outputs, the product)``, detached unless ``create_graph``."""
    return (_unpack(_finish(outputs, create_graph), out_tuple),
            _unpack(_finish(res, create_graph), res_tuple))


def _validate_v(v, other, is_other_tuple):
    if len(other) != len(v):
        if is_other_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(other)} but "
                               f"got {len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for idx, (el_v, el_other) in enumerate(zip(v, other)):
        if el_v.size() != el_other.size():
            prepend = f"Entry {idx} in " if is_other_tuple else ""
            raise RuntimeError(f"{prepend}v has invalid size: should be {el_other.size()} but "
                               f"got {el_v.size()}.")


def _check_outputs(outputs, strict):
    if strict:
        for i, out in enumerate(outputs):
            if not out.requires_grad:
                raise RuntimeError(
                    f"Output {i} of the user-provided function does not require gradients. "
                    "The outputs must be computed in a differentiable manner from the input "
                    "when running in strict mode.")


def _vjp_raw(outputs, inputs, v, create_graph):
    """grad(outputs, inputs, v), None where an input is unused, [] outputs skipped."""
    pairs = [(o, g) for o, g in zip(outputs, v or (None,) * len(outputs)) if o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    outs, gs = zip(*pairs)
    return _grad(outs, inputs, None if v is None else gs, retain_graph=True,
                 create_graph=create_graph, allow_unused=True)


def _zeros_where_unused(grads, refs, strict, what):
    res = []
    for i, (g, ref) in enumerate(zip(grads, refs)):
        if g is None:
            if strict:
                raise RuntimeError(f"The {what} of the user-provided function is independent "
                                   f"of input {i}. This is not allowed in strict mode.")
            g = ops.zeros_like(ref)
        res.append(g)
    return tuple(res)


def _v_argument(v, against, is_tuple, fn_name, create_graph, what):
    if v is None:
        if len(against) != 1 or against[0].numel() != 1:
            raise RuntimeError(f"The vector v can only be None if {what} a single Tensor with "
                               "a single element.")
        return None
    _, v = _as_tuple(v, "v", fn_name)
    v = tuple(t.detach() if not create_graph else t for t in v)
    _validate_v(v, against, is_tuple)
    return v


def _scalar_function_output(func, inputs, fn_name, strict):
    is_tuple, outs = _outputs_of(func, inputs, fn_name, strict)
    out = outs[0]
    if is_tuple:
        raise RuntimeError(f"The function given to {fn_name} should return a single Tensor")
    if out.numel() != 1:
        raise RuntimeError(f"The Tensor returned by the function given to {fn_name} should "
                           "contain a single element")
    return outs


# -- the six functions ------------------------------------------------------------------

def vjp(func: Callable[..., Tensors], inputs: Tensors, v: Optional[Tensors] = None,
        create_graph: bool = False, strict: bool = False) -> tuple[Tensors, Tensors]:
    """``(func(inputs), v^T J)``: the vector-Jacobian product, one backward pass."""
    with tape.enable_grad():
        in_tuple, inputs = _leaves(inputs, "vjp", create_graph)
        out_tuple, outputs = _outputs_of(func, inputs, "vjp", strict)
        v = _v_argument(v, outputs, out_tuple, "vjp", create_graph,
                        "the user-provided function returns")
    with tape.set_grad_enabled(create_graph or tape.is_grad_enabled()):
        res = _zeros_where_unused(_vjp_raw(outputs, inputs, v, create_graph), inputs, strict,
                                  "output")
    return _results(outputs, out_tuple, res, in_tuple, create_graph)


def jvp(func: Callable[..., Tensors], inputs: Tensors, v: Optional[Tensors] = None,
        create_graph: bool = False, strict: bool = False) -> tuple[Tensors, Tensors]:
    """``(func(inputs), J v)``, by differentiating the vjp w.r.t. its vector."""
    with tape.enable_grad():
        in_tuple, inputs = _leaves(inputs, "jvp", create_graph)
        v = _v_argument(v, inputs, in_tuple, "jvp", create_graph,
                        "the input to the user-provided function is")
        out_tuple, outputs = _outputs_of(func, inputs, "jvp", strict)
        u = tuple(ops.zeros_like(o, requires_grad=True) for o in outputs)
        g = _vjp_raw(outputs, inputs, u, create_graph=True)         # u -> J^T u
    with tape.set_grad_enabled(create_graph or tape.is_grad_enabled()):
        g = tuple(x for x in g if x is not None)
        res = _vjp_raw(g, u, v, create_graph) if g else (None,) * len(u)
        res = _zeros_where_unused(res, outputs, strict, "output")
    return _results(outputs, out_tuple, res, out_tuple, create_graph)


def jacobian(func: Callable[..., Tensors], inputs: Tensors, create_graph: bool = False,
             strict: bool = False, vectorize: bool = False,
             strategy: str = "reverse-mode") -> Jacobian:
    """The Jacobian, one backward pass per output element (``vectorize`` is accepted and
    ignored: autodiff has no batched backward)."""
    if strategy != "reverse-mode":
        raise NotImplementedError('autodiff: jacobian supports strategy="reverse-mode" only')
    with tape.enable_grad():
        in_tuple, inputs = _leaves(inputs, "jacobian", create_graph)
        out_tuple, outputs = _outputs_of(func, inputs, "jacobian", strict)
        jac = []
        for i, out in enumerate(outputs):
            rows: list[list[Tensor]] = [[] for _ in inputs]
            flat = out.reshape(-1)
            for j in range(out.numel()):
                vj = _vjp_raw((flat[j],), inputs, None, create_graph)
                for k, (g, x) in enumerate(zip(vj, inputs)):
                    if g is None and strict:
                        raise RuntimeError(f"Output {i} of the user-provided function is "
                                           f"independent of input {k}. This is not allowed in "
                                           "strict mode.")
                    rows[k].append(ops.zeros_like(x) if g is None else g)
            jac.append(tuple(ops.stack(r).view(out.shape + x.shape) if r else
                             ops.zeros(out.shape + x.shape, dtype=x.dtype)
                             for r, x in zip(rows, inputs)))
        jac = [_finish(row, create_graph) for row in jac]
    return _unpack(tuple(_unpack(row, in_tuple) for row in jac), out_tuple)


def hessian(func: Callable[..., Tensor], inputs: Tensors, create_graph: bool = False,
            strict: bool = False, vectorize: bool = False,
            outer_jacobian_strategy: str = "reverse-mode") -> Jacobian:
    """The Hessian of a scalar function: the Jacobian of its gradient."""
    in_tuple, _ = _as_tuple(inputs, "inputs", "hessian")

    def gradient(*xs):
        return jacobian(lambda *ys: _scalar_function_output(func, ys, "hessian", strict)[0]
                        .squeeze(), xs if in_tuple else xs[0], create_graph=True)

    return jacobian(gradient, inputs, create_graph=create_graph, strict=strict,
                    strategy=outer_jacobian_strategy)


def vhp(func: Callable[..., Tensor], inputs: Tensors, v: Optional[Tensors] = None,
        create_graph: bool = False, strict: bool = False) -> tuple[Tensor, Tensors]:
    """``(func(inputs), v^T H)``: a backward pass through the gradient."""
    return _hessian_product(func, inputs, v, create_graph, strict, "vhp")


def hvp(func: Callable[..., Tensor], inputs: Tensors, v: Optional[Tensors] = None,
        create_graph: bool = False, strict: bool = False) -> tuple[Tensor, Tensors]:
    """``(func(inputs), H v)`` (equal to ``vhp`` for twice-differentiable functions)."""
    return _hessian_product(func, inputs, v, create_graph, strict, "hvp")


def _hessian_product(func, inputs, v, create_graph, strict, fn_name):
    with tape.enable_grad():
        in_tuple, inputs = _leaves(inputs, fn_name, create_graph)
        v = _v_argument(v, inputs, in_tuple, fn_name, create_graph,
                        "the input to the user-provided function is")
        outputs = _scalar_function_output(func, inputs, fn_name, strict)
        g = _vjp_raw(outputs, inputs, None, create_graph=True)
        if fn_name == "hvp":        # H v through the double-vjp trick, as torch computes it
            u = tuple(ops.zeros_like(x, requires_grad=True) for x in inputs)
            g = _vjp_raw([t for t in g if t is not None], inputs, u, create_graph=True)
            wrt = u
        else:
            wrt = inputs
    with tape.set_grad_enabled(create_graph or tape.is_grad_enabled()):
        g = tuple(t for t in g if t is not None and t.requires_grad)
        res = _vjp_raw(g, wrt, v, create_graph) if g else (None,) * len(inputs)
        res = _zeros_where_unused(res, inputs, strict, "jacobian")
    return _results(outputs, False, res, in_tuple, create_graph)
