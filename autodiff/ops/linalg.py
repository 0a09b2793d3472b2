"""Matrix products (``mm``, ``matmul``, ``einsum``, ``addmm``...) and the linear algebra
of autodiff's namespace (``inverse``, ``det``, ``slogdet``, ``cross``, ``kron``, ``cov``).
d(AB) = dA B + A dB, so grad_A = grad B^T and grad_B = A^T grad."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional, Sequence, Union

import builtins
import functools
import math
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from .. import dtypes as D, tape
from ..dtypes import Number
from ..tape import RULES, Tensor, apply, row
from ._common import (_binary, _expanded_shape, _if_given, _maybe_multiply, _reflected,
                      _tensor_arg, _times_scalar, _unsafe_view, alias_row, exported, method)
from .creation import eye, tensor
from .pointwise import mul, true_divide
from .reduction import return_types, sum
from .shape import _is_contiguous, _strides, broadcast_shapes, clone, contiguous


@method
def kron(input: Tensor, other: Tensor) -> Tensor:
    """The Kronecker product, as torch composes it: each input viewed with a dim of size 1
    beside each of its dims, their broadcast product viewed back (UnsafeViewBackward0)."""
    ndim = builtins.max(input.ndim, other.ndim)
    a = (1,) * (ndim - input.ndim) + tuple(input.shape)
    b = (1,) * (ndim - other.ndim) + tuple(other.shape)
    product = mul(_unsafe_view(input, [s for n in a for s in (n, 1)]),
                  _unsafe_view(other, [s for n in b for s in (1, n)]))
    return _unsafe_view(product, [m * n for m, n in zip(a, b)])


@method
def cross(input: Tensor, other: Tensor, dim: Optional[int] = None) -> Tensor:
    """The cross product of 3-vectors along ``dim`` (LinalgCrossBackward0); without
    ``dim``, the first dim of size 3 (deprecated in torch, which warns)."""
    if dim is None:
        tape.warn_once("Using autodiff.cross without specifying the dim arg is deprecated.\n"
                        "Please either pass the dim explicitly or simply use "
                        "autodiff.linalg.cross.\nThe default value of dim will change to "
                        "agree with that of linalg.cross in a future release.")
        dim = next((d for d, n in enumerate(broadcast_shapes(input.shape, other.shape))
                    if n == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    return _linalg_cross(input, other, dim)


# cross product along dim:  d/da = cross(b, grad),  d/db = cross(grad, a)
row("linalg_cross", "LinalgCrossBackward0",
    lambda self, other, *, dim: jnp.cross(self, other, axis=dim),
    (lambda grad, other, dim: tape.apply(RULES["linalg_cross"], other, grad, dim=dim),
     lambda grad, self, dim: tape.apply(RULES["linalg_cross"], grad, self, dim=dim)))


def _linalg_cross(input, other, dim=-1):
    """``torch.linalg.cross``: the cross product along ``dim`` (default the last)."""
    ndim = builtins.max(input.ndim, other.ndim)
    d = tape.wrap_dim(dim, ndim) - ndim          # from the end: the inputs broadcast
    sizes = [t.shape[d] if t.ndim >= -d else 1 for t in (input, other)]
    if sizes != [3, 3]:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{sizes[0]} and {sizes[1]}")
    return _binary(RULES["linalg_cross"], input, other, dim=d)


@method
def cov(input: Tensor, *, correction: int = 1, fweights: Optional[Tensor] = None,
        aweights: Optional[Tensor] = None) -> Tensor:
    """The covariance matrix of the variables in the rows of ``input`` (its columns are the
    observations), weighted by ``fweights`` (integer counts) and ``aweights``: torch's
    composition (the deviations from the weighted mean, their product, a division).

    >>> import autodiff
    >>> autodiff.cov(autodiff.tensor([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]]))
    tensor([[ 1., -1.],
            [-1.,  1.]])
    """
    if input.ndim > 2:
        raise RuntimeError("cov(): expected input to have two or fewer dimensions but got an "
                           f"input with {input.ndim} dimensions")
    if input.dtype is D.bool_:
        raise RuntimeError("cov(): bool dtype is not supported for input")
    observations = input.view(1, -1) if input.ndim < 2 else input
    n = observations.shape[1]
    w = None
    for weights, name, kind, right_kind in (
            (fweights, "fweights", "integral", lambda t: not t.dtype.is_floating_point),
            (aweights, "aweights", "floating point", lambda t: t.dtype.is_floating_point)):
        if weights is None:
            continue
        if weights.ndim > 1:
            raise RuntimeError(f"cov(): expected {name} to have one or fewer dimensions but "
                               f"got {name} with {weights.ndim} dimensions")
        if not right_kind(weights) or weights.dtype is D.bool_:
            raise RuntimeError(f"cov(): expected {name} to have {kind} dtype but got {name} "
                               f"with {weights.dtype._legacy.replace('Tensor', '')} dtype")
        if weights.numel() != n:
            raise RuntimeError(f"cov(): expected {name} to have the same numel as there are "
                               f"observations in the input but got {weights.numel()} != {n}")
        if n and bool((weights.detach() < 0).any()):
            raise RuntimeError(f"cov(): {name} cannot be negative")
        w = weights if w is None else w * weights
    w_sum = tensor(n) if w is None else w.sum()
    if w is not None and not bool(w_sum.detach() != 0):
        raise RuntimeError("cov(): weights sum to zero, can't be normalized")
    avg = sum(observations if w is None else observations * w, 1) / w_sum
    if w is not None and aweights is not None and correction != 0:
        norm_factor = w_sum - _times_scalar((w * aweights).sum(), correction) / w_sum
    else:
        norm_factor = w_sum - correction
    if bool(norm_factor.detach() <= 0):
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less "
                      "than the number of observations.", UserWarning, stacklevel=2)
        norm_factor = norm_factor.zero_()
    deviations = observations - avg.unsqueeze(1)
    product = mm(deviations, (deviations if w is None else deviations * w).t())
    return true_divide(product, norm_factor).squeeze()


@method
def corrcoef(input: Tensor) -> Tensor:
    """The Pearson correlation coefficients of the variables in the rows of ``input``:
    torch's composition (``cov``, divided by the standard deviations, clipped to
    [-1, 1]: ClampBackward1).

    >>> import autodiff
    >>> autodiff.corrcoef(autodiff.tensor([[0.0, 1.0, 2.0], [2.0, 1.0, 0.5]]))
    tensor([[ 1.0000, -0.9820],
            [-0.9820,  1.0000]])
    """
    if input.ndim > 2:
        raise RuntimeError("corrcoef(): expected input to have two or fewer dimensions but "
                           f"got an input with {input.ndim} dimensions")
    c = cov(input)
    if c.ndim == 0:
        return c / c                     # nan for a variance of 0, nan or inf; else 1
    stddev = c.diagonal().sqrt()
    c = c / stddev.view(-1, 1)
    c = c / stddev.view(1, -1)
    return c.clip(-1, 1)


def _matrix_exp_backward(grad, self):
    """torch's differential_analytic_matrix_function, adjoint: exp of the block matrix
    [[A^T, G], [0, A^T]] holds the gradient in its top right block."""
    a = self.transpose(-2, -1)
    n = a.shape[-1]
    meta = tape.constant(jnp.zeros(a.shape[:-2] + (2 * n, 2 * n), grad._array.dtype))
    meta.narrow(-2, 0, n).narrow(-1, 0, n).copy_(a)
    meta.narrow(-2, n, n).narrow(-1, n, n).copy_(a)
    meta.narrow(-2, 0, n).narrow(-1, n, n).copy_(grad)
    return tape.apply(RULES["linalg_matrix_exp"], meta).narrow(-2, 0, n).narrow(-1, n, n)


# d exp(A) = the top right block of exp([[A, dA], [0, A]]); the gradient, its adjoint
row("linalg_matrix_exp", "LinalgMatrixExpBackward0",
    lambda self: jax.scipy.linalg.expm(self).astype(self.dtype),
    lambda grad, self: (_matrix_exp_backward(grad, self),))


@method
def matrix_exp(input: Tensor) -> Tensor:
    """The matrix exponential of a square matrix, or of each in a batch
    (LinalgMatrixExpBackward0).

    >>> import autodiff
    >>> autodiff.matrix_exp(autodiff.zeros(2, 2))
    tensor([[1., 0.],
            [0., 1.]])
    """
    if input.ndim < 2:
        raise RuntimeError("linalg.matrix_exp: The input tensor A must have at least 2 "
                           "dimensions.")
    if input.shape[-1] != input.shape[-2]:
        raise RuntimeError("linalg.matrix_exp: A must be batches of square matrices, but they "
                           f"are {input.shape[-2]} by {input.shape[-1]} matrices")
    if not input.dtype.is_floating_point:
        raise RuntimeError("linalg.matrix_exp: Expected a floating point or complex tensor as "
                           f"input. Got {D.c_name(input.dtype)}")
    return apply(RULES["linalg_matrix_exp"], input)


def _check_same_dtype(a, b, message):
    if a.dtype is not b.dtype:
        raise RuntimeError(message.format(a=D.c_name(a.dtype), b=D.c_name(b.dtype)))


@method
def mm(input: Tensor, mat2: Tensor) -> Tensor:
    """The product of two matrices (MmBackward0): ``matmul`` once both are known to be
    matrices."""
    if input.dim() != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.dim() != 2:
        raise RuntimeError("mat2 must be a matrix")
    return matmul(input, mat2)


# Matrix products. d(AB) = dA B + A dB, so grad_A = grad B^T and grad_B = A^T grad.
# In full float32 on GPUs too, as torch's default (JAX's would round inputs to TF32).
_matmul = functools.partial(jnp.matmul, precision=jax.lax.Precision.HIGHEST)
row("mv", "MvBackward0", lambda self, vec: _matmul(self, vec),
    (lambda grad, vec: grad.reshape(-1, 1) * vec,                  # torch's outer(grad, vec)
     lambda grad, self: self.t().mv(grad)))


@method
def mv(input: Tensor, vec: Tensor) -> Tensor:
    """The product of a matrix and a vector (MvBackward0)."""
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input.ndim}, "
                           f"{vec.ndim}")
    if input.shape[1] != vec.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({input.shape[0]}), mat "
                           f"({input.shape[0]}x{input.shape[1]}), vec ({vec.shape[0]})")
    _check_same_dtype(vec, input, "addmv input tensors must have the same dtype, but got "
                      "{a}, {b}, and {a}")
    return apply(RULES["mv"], input, vec)


row("bmm", "BmmBackward0", lambda self, mat2: _matmul(self, mat2),
    (lambda grad, mat2: grad.bmm(mat2.transpose(1, 2)),
     lambda grad, self: self.transpose(1, 2).bmm(grad)))


@method
def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    """Batched matrix product of two 3-d tensors (BmmBackward0)."""
    if input.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if input.shape[0] != mat2.shape[0] or input.shape[2] != mat2.shape[1]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: "
            f"[{input.shape[0]}, {input.shape[2]}] but got: [{mat2.shape[0]}, {mat2.shape[1]}].")
    _check_same_dtype(input, mat2, "expected scalar type {a} but found {b}")
    return apply(RULES["bmm"], input, mat2)


def _beta_alpha(self, product, beta, alpha):
    return jnp.where(beta == 0, jnp.zeros_like(product), beta * self) + alpha * product


# The products with a term: beta self + alpha product (beta = 0 leaves self out, its NaNs
# too). d/dself = beta; each factor's gradient is the plain product's, times alpha.
# addmm (linear's op): d/d mat1 = grad mat2^T, d/d mat2 = mat1^T grad
row("addmm", "AddmmBackward0",
    lambda self, mat1, mat2, *, beta, alpha: _beta_alpha(self, _matmul(mat1, mat2), beta, alpha),
    (lambda grad, beta: _maybe_multiply(grad, beta),
     lambda grad, mat2, alpha: _maybe_multiply(grad.mm(mat2.t()), alpha),
     lambda grad, mat1, alpha: _maybe_multiply(mat1.t().mm(grad), alpha)))


@method(inplace=tape.inplace_binary)
def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: Number = 1,
          alpha: Number = 1) -> Tensor:
    """``beta * input + alpha * (mat1 @ mat2)``, ``input`` broadcast to the product's shape
    (AddmmBackward0); ``beta=0`` ignores ``input``, NaNs included.

    >>> import autodiff
    >>> autodiff.addmm(autodiff.ones(2), autodiff.eye(2), autodiff.tensor([[1.0, 2.0], [3.0, 4.0]]))
    tensor([[2., 3.],
            [4., 5.]])
    """
    for name, m in (("mat1", mat1), ("mat2", mat2)):
        if m.ndim != 2:
            raise RuntimeError(f"{name} must be a matrix, got {m.ndim}-D tensor")
    for name, t in (("mat1", mat1), ("self", input)):
        if t.dtype != mat2.dtype:
            raise RuntimeError(f"{name} and mat2 must have the same dtype, but got "
                               f"{D.c_name(t.dtype)} and {D.c_name(mat2.dtype)}")
    if mat1.shape[1] != mat2.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({mat1.shape[0]}x"
                           f"{mat1.shape[1]} and {mat2.shape[0]}x{mat2.shape[1]})")
    _expanded_shape(input, (mat1.shape[0], mat2.shape[1]))
    return apply(RULES["addmm"], input, mat1, mat2, beta=beta, alpha=alpha)


# addmv: d/d mat = outer(grad, vec), d/d vec = mat^T grad
row("addmv", "AddmvBackward0",
    lambda self, mat, vec, *, beta, alpha: _beta_alpha(self, _matmul(mat, vec), beta, alpha),
    (lambda grad, beta: _maybe_multiply(grad, beta),
     lambda grad, vec, alpha: _maybe_multiply(grad.reshape(-1, 1) * vec, alpha),
     lambda grad, mat, alpha: _maybe_multiply(mat.t().mv(grad), alpha)))


@method(inplace=tape.inplace_binary)
def addmv(input: Tensor, mat: Tensor, vec: Tensor, *, beta: Number = 1,
          alpha: Number = 1) -> Tensor:
    """``beta * input + alpha * (mat @ vec)`` (AddmvBackward0)."""
    if not (mat.ndim == 2 and vec.ndim == 1 and input.ndim <= 1):
        raise RuntimeError(f"vector + matrix @ vector expected, got {input.ndim}, {mat.ndim}, "
                           f"{vec.ndim}")
    if mat.shape[1] != vec.shape[0] or input.numel() not in (1, mat.shape[0]):
        raise RuntimeError(f"size mismatch, got input ({input.numel()}), mat ({mat.shape[0]}x"
                           f"{mat.shape[1]}), vec ({vec.shape[0]})")
    return apply(RULES["addmv"], input, mat, vec, beta=beta, alpha=alpha)


# addr (outer product): d/d vec1 = grad vec2, d/d vec2 = grad^T vec1
row("addr", "AddrBackward0",
    lambda self, vec1, vec2, *, beta, alpha: _beta_alpha(self, vec1[:, None] * vec2, beta, alpha),
    (lambda grad, beta: _maybe_multiply(grad, beta),
     lambda grad, vec2, alpha: _maybe_multiply(grad.mv(vec2), alpha),
     lambda grad, vec1, alpha: _maybe_multiply(grad.t().mv(vec1), alpha)))


@method(inplace=tape.inplace_binary)
def addr(input: Tensor, vec1: Tensor, vec2: Tensor, *, beta: Number = 1,
         alpha: Number = 1) -> Tensor:
    """``beta * input + alpha * outer(vec1, vec2)`` (AddrBackward0)."""
    for name, v in (("vec1", vec1), ("vec2", vec2)):
        if v.ndim != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {name}, but got {v.ndim}-D")
    _expanded_shape(input, (vec1.shape[0], vec2.shape[0]))
    return apply(RULES["addr"], input, vec1, vec2, beta=beta, alpha=alpha)


def _check_batches(batch1, batch2):
    for name, b in (("batch1", batch1), ("batch2", batch2)):
        if b.ndim != 3:
            raise RuntimeError(f"{name} must be a 3D tensor")


# baddbmm (a batch of products): as bmm's
row("baddbmm", "BaddbmmBackward0",
    lambda self, batch1, batch2, *, beta, alpha: _beta_alpha(
        self, _matmul(batch1, batch2), beta, alpha),
    (lambda grad, beta: _maybe_multiply(grad, beta),
     lambda grad, batch2, alpha: _maybe_multiply(grad.bmm(batch2.transpose(1, 2)), alpha),
     lambda grad, batch1, alpha: _maybe_multiply(batch1.transpose(1, 2).bmm(grad), alpha)))


@method(inplace=tape.inplace_binary)
def baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Number = 1,
            alpha: Number = 1) -> Tensor:
    """``beta * input + alpha * bmm(batch1, batch2)`` (BaddbmmBackward0)."""
    _check_batches(batch1, batch2)
    if not input.dtype == batch1.dtype == batch2.dtype:
        raise RuntimeError(f"Input dtypes must be the same, got: input "
                           f"{D.long_name(input.dtype)}, batch1: {D.long_name(batch1.dtype)}, "
                           f"batch2: {D.long_name(batch2.dtype)}")
    (b, n, m), (b2, m2, p) = batch1.shape, batch2.shape
    if (b2, m2) != (b, m):
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{b}, {m}] but got: [{b2}, {m2}].")
    _expanded_shape(input, (b, n, p))
    return apply(RULES["baddbmm"], input, batch1, batch2, beta=beta, alpha=alpha)


# addbmm (the batch's products summed): grad goes to every product of the batch
row("addbmm", "AddbmmBackward0",
    lambda self, batch1, batch2, *, beta, alpha: _beta_alpha(
        self, _matmul(batch1, batch2).sum(0), beta, alpha),
    (lambda grad, beta: _maybe_multiply(grad, beta),
     lambda grad, batch2, alpha: _maybe_multiply(grad.unsqueeze(0).expand(
         batch2.shape[0], grad.shape[0], grad.shape[1]).bmm(batch2.transpose(1, 2)), alpha),
     lambda grad, batch1, alpha: _maybe_multiply(batch1.transpose(1, 2).bmm(
         grad.unsqueeze(0).expand(batch1.shape[0], grad.shape[0], grad.shape[1])), alpha)))


@method(inplace=tape.inplace_binary)
def addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Number = 1,
           alpha: Number = 1) -> Tensor:
    """``beta * input + alpha * bmm(batch1, batch2).sum(0)`` (AddbmmBackward0)."""
    _check_batches(batch1, batch2)
    (b, n, m), (b2, m2, p) = batch1.shape, batch2.shape
    if b != b2:
        raise RuntimeError(f"batch1 and batch2 must have same number of batches, got {b} and "
                           f"{b2}")
    if m != m2:
        raise RuntimeError(f"Incompatible matrix sizes for bmm ({n}x{m} and {m2}x{p})")
    _expanded_shape(input, (n, p))
    return apply(RULES["addbmm"], input, batch1, batch2, beta=beta, alpha=alpha)


row("dot", "DotBackward0", lambda self, tensor: _matmul(self, tensor),
    (lambda grad, tensor: grad * tensor, lambda grad, self: grad * self))


@method
def dot(input: Tensor, tensor: Tensor) -> Tensor:
    """The dot product of two 1-d tensors (DotBackward0)."""
    _check_vectors(input, tensor)
    return apply(RULES["dot"], input, tensor)


row("vdot", "VdotBackward0", lambda self, other: jnp.vdot(self, other),
    (lambda grad, other: grad * other, lambda grad, self: grad * self))


@method
def vdot(input: Tensor, other: Tensor) -> Tensor:
    """The dot product of two 1-d tensors, the first conjugated: for real tensors, ``dot``
    (VdotBackward0)."""
    _check_vectors(input, other)
    return apply(RULES["vdot"], input, other)


def _check_vectors(input, tensor):
    if input.ndim != 1 or tensor.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {tensor.ndim}D "
                           "tensors")
    if input.shape[0] != tensor.shape[0]:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{input.shape[0]}] and "
                           f"src [{tensor.shape[0]}] to have the same number of elements, but "
                           f"got {input.shape[0]} and {tensor.shape[0]} elements respectively")
    _check_same_dtype(input, tensor, "dot : expected both vectors to have same dtype, but "
                      "found {a} and {b}")


def _mm(self, mat2):
    """mm's forward. JAX runs a compiled forward's Python once per shapes and dtypes
    (while tracing it), so torch's checks cost nothing here on later calls."""
    (m, k), (k2, n) = self.shape, mat2.shape
    if k != k2:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({m}x{k} and {k2}x{n})")
    if self.dtype != mat2.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{D.long_name(self.dtype)} != {D.long_name(mat2.dtype)}")
    return _matmul(self, mat2)


row("mm", "MmBackward0", _mm,
    (lambda grad, mat2: grad.mm(mat2.t()), lambda grad, self: self.t().mm(grad)))


@method
def matmul(input: Tensor, other: Tensor) -> Tensor:
    """The ``@`` operator, built from dot/mv/mm/bmm as torch builds it (ATen's
    ``_matmul_impl``): a batch is folded into the rows of one ``mm``/``mv`` when torch
    would (``_should_fold``), else both operands are expanded to the common batch,
    flattened to one batch dim, and multiplied by ``bmm``."""
    if not isinstance(input, Tensor) or not isinstance(other, Tensor):
        _tensor_arg("matmul", "input", 1, input)
        _tensor_arg("matmul", "other", 2, other)
    a, b = len(input._array.aval.shape), len(other._array.aval.shape)
    if a == 2 and b == 2:        # mm, the common case (its forward checks the shapes)
        return apply(RULES["mm"], input, other)
    if a == 0 or b == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{a}D and {b}D")
    if a == 1 and b == 1:
        return dot(input, other)
    if a == 2 and b == 1:
        return mv(input, other)
    if a == 1 and b == 2:
        out = mm(input.unsqueeze(0), other)
        return apply(RULES["squeeze_matmul"], out, dim=(0,), self_sym_sizes=out._array.shape)
    if _should_fold(input, other):           # the batch becomes rows of one mm (or mv)
        transpose = b > a
        t1 = other.mT if transpose else input
        t2 = (input.t() if a == 2 else input) if transpose else other
        size = t1.shape[:-1] + ((t2.shape[1],) if t2.ndim == 2 else ())
        folded = t1.reshape(math.prod(t1.shape[:-1]), t1.shape[-1])
        if t2.ndim == 1:
            return _unsafe_view(folded.mv(t2), size)
        out = _unsafe_view(folded.mm(t2), size)
        return contiguous(out.mT) if transpose else out
    n = input.shape[-2] if a > 1 else 1
    m1, m2 = input.shape[-1], other.shape[-2] if b > 1 else other.shape[0]
    p = other.shape[-1] if b > 1 else 1
    batch1, batch2 = input.shape[:-2], other.shape[:-2]
    if a == 3 and b == 3 and batch1[0] != batch2[0]:  # a batch of one: drop it (as torch)
        if batch1[0] == 1 and input.requires_grad:
            return matmul(input.squeeze(0), other)
        if batch2[0] == 1 and other.requires_grad:
            return matmul(input, other.squeeze(0))
    batch = tuple(broadcast_shapes(batch1, batch2))
    total = math.prod(batch)
    x = input.expand(*batch, n, m1).reshape(total, n, m1)
    if b == 1:
        out = bmm(x, other.expand(*batch, m2).reshape(total, m2).unsqueeze(2)).squeeze(-1)
    else:
        out = bmm(x, other.expand(*batch, m2, p).reshape(total, m2, p))
    return _unsafe_view(out, batch + ((n,) if a > 1 else ()) + ((p,) if b > 1 else ()))


Tensor.__matmul__, Tensor.__rmatmul__ = matmul, _reflected(matmul)


def _should_fold(tensor1, tensor2):
    """ATen's ``should_fold``: whether the larger operand's batch can be folded into the
    rows of one matrix (only for 3+ dims against 1 or 2) -- always when the other operand
    requires grad, else only when it costs no copy."""
    t1, small = (tensor1, tensor2) if tensor1.ndim >= tensor2.ndim else (tensor2.mT, tensor1)
    if not (t1.ndim >= 3 and small.ndim <= 2):
        return False
    if small.requires_grad:
        return True
    if tensor1.ndim == 2:
        return False
    if t1.numel() == 0:
        return True
    shape, strides = t1.shape, _strides(t1)
    return builtins.all(strides[i] == strides[i + 1] * shape[i + 1]
                        for i in range(t1.ndim - 2))


def tensordot(a: Tensor, b: Tensor,
              dims: Union[int, Tensor, Sequence[Sequence[int]]] = 2) -> Tensor:
    """Contract ``a``'s dims ``dims[0]`` with ``b``'s ``dims[1]`` (an int ``n``: ``a``'s
    last n with ``b``'s first n), as torch composes it: permute each so the contracted
    dims meet, reshape to matrices, ``mm``, reshape to the result.

    >>> import autodiff
    >>> a = autodiff.arange(6.0).view(2, 3)
    >>> autodiff.tensordot(a, a, dims=([1], [1]))
    tensor([[ 5., 14.],
            [14., 50.]])
    """
    if not isinstance(dims, (tuple, list, Tensor, int)):
        raise RuntimeError(f"tensordot expects dims to be int or tuple[list[int], list[int]] "
                           f"or list[list[int]] containing two lists, but got dims={dims}")
    if isinstance(dims, Tensor):
        dims = dims.tolist() if dims.numel() > 1 else int(dims.item())
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > builtins.min(a.ndim, b.ndim):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        dims = (range(-dims, 0), range(dims))
    dims_a, dims_b = ([tape.wrap_dim(d, t.ndim) for d in ds] for t, ds in zip((a, b), dims))
    if len(dims_a) != len(dims_b):
        raise RuntimeError("both dimension lists should have same length")
    if a.dtype != b.dtype:
        raise RuntimeError("both inputs should have same dtype")
    csize = 1                                   # how many elements each contraction sums
    for da, db in zip(dims_a, dims_b):
        sa, sb = a.shape[da], b.shape[db]
        if sb == 1:                             # broadcast dims are summed right away
            a = a.sum(da, True)
        elif sa == 1:
            b = b.sum(db, True)
        elif sa != sb:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {sa} "
                               f"in dim {da} and second has size {sb} in dim {db}")
        else:
            csize *= sa
    kept_a = [d for d in range(a.ndim) if d not in dims_a]
    kept_b = [d for d in range(b.ndim) if d not in dims_b]
    size_a, size_b = (math.prod(t.shape[d] for d in kept) for t, kept in ((a, kept_a), (b, kept_b)))
    sizes = [a.shape[d] for d in kept_a] + [b.shape[d] for d in kept_b]
    a, b = a.permute(kept_a + dims_a), b.permute(dims_b + kept_b)
    if size_a != 1 or size_b != 1:
        return mm(a.reshape(size_a, csize), b.reshape(csize, size_b)).reshape(sizes)
    if _is_contiguous(a) and _is_contiguous(b):     # a full contraction: dot, or mul + sum
        return dot(a.flatten(), b.flatten()).reshape(sizes)
    product = a.squeeze() * b.squeeze()
    return (product.sum() if product.dtype.is_floating_point else
            product.sum(dtype=a.dtype)).reshape(sizes)


@method
def inner(input: Tensor, other: Tensor) -> Tensor:
    """The sum of products over the last dims (``tensordot`` of the last dims, as torch;
    a 0-d operand multiplies).

    >>> import autodiff
    >>> autodiff.inner(autodiff.tensor([1.0, 2.0]), autodiff.tensor([3.0, 4.0]))
    tensor(11.)
    """
    if input.ndim == 0 or other.ndim == 0:
        return input * other
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but "
                           f"got shapes {list(input.shape)} and {list(other.shape)}")
    return tensordot(input, other, ([-1], [-1]))


# einsum's labels: A-Z are subscripts 0-25, a-z 26-51, and an ellipsis is 52
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_ELLIPSIS = len(_LETTERS)


def einsum(*args: Any) -> Tensor:
    """Einstein summation, as torch computes it: the operands' dims aligned (diagonals for
    repeated labels, unsqueezed missing ones, permuted), then contracted a pair at a time
    by ``_sumproduct_pair`` (permutes and one ``bmm``) -- left to right for two operands,
    along opt_einsum's path for more (torch asks opt_einsum too) -- and the summed dims
    dropped by a view (or summed, for one operand). Operands come one by one or as a
    list; the sublist form ``einsum(x, [0, 1], y, [1, 2], [0, 2])`` works too.

    >>> import autodiff
    >>> a = autodiff.arange(6.0).view(2, 3)
    >>> autodiff.einsum("ij,ij->i", a, a)
    tensor([ 5., 50.])
    >>> autodiff.einsum("ii", autodiff.eye(3))
    tensor(3.)
    """
    if len(args) < 2:
        raise ValueError("einsum(): must specify the equation string and at least one "
                         "operand, or at least one operand and its subscripts list")
    operands: Sequence[Tensor]
    if isinstance(args[0], Tensor):                     # the sublist form
        def letters(sublist):
            for s in sublist:
                if s is not Ellipsis and not 0 <= s < _ELLIPSIS:
                    raise ValueError("einsum(): subscript in subscript list is not within "
                                     "the valid range [0, 52)")
            return "".join("..." if s is Ellipsis else _LETTERS[s] for s in sublist)
        equation = ",".join(letters(s) for s in args[1::2])
        if len(args) % 2:
            equation += "->" + letters(args[-1])
        operands = args[:-1:2] if len(args) % 2 else args[::2]
    else:
        equation, operands = args[0], args[1:]
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = operands[0]
    path = None
    if len(operands) > 2:
        import opt_einsum        # a dependency of JAX's; torch asks it for the order too
        pairs = opt_einsum.contract_path(equation, *operands, optimize="auto")[0]
        path = [i for pair in pairs for i in pair]
    return _einsum(equation, list(operands), path)


def _einsum_check(condition, message):
    if not condition:
        raise RuntimeError("einsum(): " + message)


def _einsum_subscripts(text, offset, on_comma, what):
    """Read the labels of ``text`` (the operands', or the output's): each letter's
    subscript, ``_ELLIPSIS`` for "...", ``on_comma(n)`` at each "," (operand ``n`` next;
    None: the output, where a comma is no subscript).
    ``offset`` places ``text`` in the equation (errors give the index)."""
    labels: list[list[int]]
    labels, i = [[]], 0
    while i < len(text):
        c = text[i]
        if c == "," and on_comma is not None:
            on_comma(len(labels))
            labels.append([])
        elif c == ".":
            _einsum_check(_ELLIPSIS not in labels[-1], what(len(labels) - 1, "ellipsis"))
            _einsum_check(text[i:i + 3] == "...", what(len(labels) - 1, "dots"))
            labels[-1].append(_ELLIPSIS)
            i += 2
        elif c != " ":
            _einsum_check(c in _LETTERS, f"invalid subscript given at index {offset + i} in "
                          f"the equation string, subscripts must be in [a-zA-Z]")
            labels[-1].append(_LETTERS.index(c))
        i += 1
    return labels


def _operand_dots(i, problem):
    return (f"found '.' for operand {i} for which an ellipsis was already found"
            if problem == "ellipsis" else f"found '.' for operand {i} that is not part of "
            f"any ellipsis")


def _output_dots(i, problem):
    return ("found '.' for output but an ellipsis (...) was already found"
            if problem == "ellipsis" else "found '.' for output that is not part of any "
            "ellipsis (...)")


def _einsum(equation, operands, path):
    """torch's einsum kernel (ATen's Linear.cpp), step by step."""
    _einsum_check(operands, "must provide at least one operand")
    num_ops = len(operands)
    if path is not None:
        _einsum_check(len(path) == (1 if num_ops == 1 else 2 * (num_ops - 1)),
                      f"expected contraction path given in path parameter to have size "
                      f"{1 if num_ops == 1 else 2 * (num_ops - 1)} but got {len(path)}")
    lhs, arrow, rhs = equation.partition("->")

    def next_operand(n):
        _einsum_check(n < num_ops, "fewer operands were provided than specified in the "
                      "equation")
    op_labels = _einsum_subscripts(lhs, 0, next_operand, _operand_dots)
    _einsum_check(len(op_labels) == num_ops, "more operands were provided than specified in "
                  "the equation")

    # how often each label appears, and how many dims the widest ellipsis covers
    label_count = [0] * _ELLIPSIS
    ell_num_dim = 0
    for i, (op, labels) in enumerate(zip(operands, op_labels)):
        nlabels = len(labels) - (_ELLIPSIS in labels)
        for s in labels:
            if s != _ELLIPSIS:
                label_count[s] += 1
        if _ELLIPSIS in labels:
            ell_num_dim = builtins.max(ell_num_dim, op.ndim - nlabels)
            _einsum_check(nlabels <= op.ndim, f"the number of subscripts in the equation "
                          f"({nlabels}) is more than the number of dimensions ({op.ndim}) "
                          f"for operand {i}")
        else:
            _einsum_check(nlabels == op.ndim, f"the number of subscripts in the equation "
                          f"({nlabels}) does not match the number of dimensions ({op.ndim}) "
                          f"for operand {i} and no ellipsis was given")

    # every operand is aligned to the dims: output dims first, then the summed ones
    label_perm_index = [-1] * _ELLIPSIS
    if not arrow:              # implicit output: the ellipsis, then labels seen once
        ell_index, perm_index = 0, ell_num_dim
        for s in range(_ELLIPSIS):
            if label_count[s] == 1:
                label_perm_index[s], perm_index = perm_index, perm_index + 1
    else:
        ell_index, perm_index = None, 0
        for s in _einsum_subscripts(rhs, len(lhs) + 2, None, _output_dots)[0]:
            if s == _ELLIPSIS:
                ell_index, perm_index = perm_index, perm_index + ell_num_dim
                continue
            _einsum_check(label_count[s] > 0 and label_perm_index[s] == -1,
                          f"output subscript {_LETTERS[s]}" + (
                              " appears more than once in the output"
                              if label_perm_index[s] > -1 else
                              " does not appear in the equation for any input operand"))
            label_perm_index[s], perm_index = perm_index, perm_index + 1
    out_num_dim = perm_index
    if ell_index is None:                       # an ellipsis not in the output is summed
        ell_index, perm_index = perm_index, perm_index + ell_num_dim
    for s in range(_ELLIPSIS):
        if label_count[s] > 0 and label_perm_index[s] == -1:
            label_perm_index[s], perm_index = perm_index, perm_index + 1

    # check sizes, take diagonals of repeated labels, unsqueeze missing dims, permute;
    # dim_counts: how many operands have each dim with a size other than 1
    label_size, ell_sizes = [1] * _ELLIPSIS, [1] * ell_num_dim
    dim_counts = [0] * perm_index
    ops = []
    for i, (op, labels) in enumerate(zip(operands, op_labels)):
        permutation = [-1] * perm_index
        dim = 0
        for s in labels:
            if s == _ELLIPSIS:
                covered = op.ndim - (len(labels) - 1)
                for j in range(ell_num_dim - covered, ell_num_dim):
                    if op.shape[dim] != 1:
                        _einsum_check(ell_sizes[j] in (1, op.shape[dim]),
                                      f"dimension {dim} covered by ellipsis in operand {i}has "
                                      f"size {op.shape[dim]} which does not broadcast with "
                                      f"previously seen ellipsis with size {ell_sizes[j]} for "
                                      f"the respective dimension")
                        ell_sizes[j] = op.shape[dim]
                        dim_counts[ell_index + j] += 1
                    permutation[ell_index + j], dim = dim, dim + 1
            elif permutation[label_perm_index[s]] == -1:
                if op.shape[dim] != 1:
                    _einsum_check(label_size[s] in (1, op.shape[dim]),
                                  f"subscript {_LETTERS[s]} has size {op.shape[dim]} for "
                                  f"operand {i} which does not broadcast with previously seen "
                                  f"size {label_size[s]}")
                    label_size[s] = op.shape[dim]
                    dim_counts[label_perm_index[s]] += 1
                permutation[label_perm_index[s]], dim = dim, dim + 1
            else:                               # a repeated label: its diagonal
                prev = permutation[label_perm_index[s]]
                _einsum_check(op.shape[dim] == op.shape[prev],
                              f"subscript {_LETTERS[s]} is repeated for operand {i} but the "
                              f"sizes don't match, {op.shape[dim]} != {op.shape[prev]}")
                op = op.diagonal(0, prev, dim).movedim(-1, prev)
        for k in range(perm_index):
            if permutation[k] == -1:
                op = op.unsqueeze(dim)
                permutation[k], dim = dim, dim + 1
        ops.append(op.permute(permutation))

    # contract a pair at a time: a dim is summed once no other operand has it
    steps = iter(path or ())
    while len(ops) > 1:
        i, j = 0, 1
        if path is not None:
            i, j = sorted((next(steps), next(steps)))
            _einsum_check(i != j and i >= 0 and j < len(ops), f"invalid contraction ({i}, {j})" +
                          (" cannot contract an operand with itself" if i == j else
                           " operand index is out of bounds"))
        a, b = ops[i], ops[j]
        del ops[j], ops[i]
        sum_dims, a_dims, b_dims = [], [], []
        for d in range(out_num_dim, perm_index):
            if a.shape[d] != 1 and b.shape[d] != 1:
                if a.shape[d] != b.shape[d]:
                    raise RuntimeError("non-broadcast dimensions must match")
                dim_counts[d] -= 1
                if dim_counts[d] == 1:
                    sum_dims.append(d)
                    dim_counts[d] = 0
            elif dim_counts[d] == 1:
                if a.shape[d] != 1:
                    a_dims.append(d)
                    dim_counts[d] = 0
                elif b.shape[d] != 1:
                    b_dims.append(d)
                    dim_counts[d] = 0
        if a_dims:
            a = a.sum(a_dims, True)
        if b_dims:
            b = b.sum(b_dims, True)
        ops.insert(len(ops) if path is not None else 0, _sumproduct_pair(a, b, sum_dims))

    result = ops[0]
    if perm_index > out_num_dim:               # drop the summed dims (size 1 by now)
        if num_ops > 1:
            return result.view(result.shape[:out_num_dim])
        return result.sum(list(range(out_num_dim, perm_index)))
    return result


def _sumproduct_pair(left, right, sum_dims):
    """``(left * right).sum(sum_dims, keepdim=True)`` for operands aligned dim by dim, by
    permutes and one ``bmm``: dims in both and the output (lro) are the batch, those only
    in left (lo) the rows, only in right (ro) the columns, summed ones the inner dim."""
    if not sum_dims:
        return left * right
    lro, lo, ro = [], [], []
    sum_size = 1
    for d in range(left.ndim):
        in_left, in_right = left.shape[d] != 1, right.shape[d] != 1
        if d in sum_dims:
            if in_left and in_right:
                if left.shape[d] != right.shape[d]:
                    raise RuntimeError("non-broadcast dimensions must match")
                sum_size *= left.shape[d]
            elif in_left:                       # summed in one operand only: at once
                left = left.sum(d, True)
            elif in_right:
                right = right.sum(d, True)
        elif in_left and in_right:
            if left.shape[d] != right.shape[d]:
                raise RuntimeError("non-broadcast dimensions must match")
            lro.append(d)
        elif in_left:
            lo.append(d)
        else:
            ro.append(d)
    if lo and ro and ro[-1] < lo[0]:    # right's dims come first in the output: swap, so
        left, right, lo, ro = right, left, ro, lo      # that bmm writes them in that order
    lro_size, lo_size = (math.prod(left.shape[d] for d in ds) for ds in (lro, lo))
    ro_size = math.prod(right.shape[d] for d in ro)
    out_size = ([left.shape[d] for d in lro + lo] + [1] * len(sum_dims) +
                [right.shape[d] for d in ro])
    order = lro + lo + sum_dims + ro
    left = left.permute(order).reshape(lro_size, lo_size, sum_size)
    right = right.permute(lro + sum_dims + ro + lo).reshape(lro_size, sum_size, ro_size)
    return bmm(left, right).view(out_size).permute([order.index(d) for d in range(len(order))])


@method
def matrix_power(input: Tensor, n: int) -> Tensor:
    """The matrix (or each of a batch) to the integer power ``n``, as torch: ``n == 0`` the
    identity, ``n < 0`` powers of the inverse, else products of repeated squares (the
    bits of ``n`` from the lowest).

    >>> import autodiff
    >>> autodiff.tensor([[1.0, 1.0], [0.0, 1.0]]).matrix_power(3)
    tensor([[1., 3.],
            [0., 1.]])
    """
    if input.ndim < 2:
        raise RuntimeError("linalg.matrix_power: The input tensor A must have at least 2 "
                           "dimensions.")
    if input.shape[-1] != input.shape[-2]:
        raise RuntimeError(f"linalg.matrix_power: A must be batches of square matrices, but "
                           f"they are {input.shape[-2]} by {input.shape[-1]} matrices")
    if n == 0:
        return clone(input).copy_(eye(input.shape[-1], dtype=input.dtype).expand_as(input))
    if n == -1:
        return inverse(input)             # (the inverse itself: torch clones only A^1)
    if n < 0:
        input, n = inverse(input), -n
    if n == 1:
        return clone(input)
    if n == 2:
        return matmul(input, input)
    if n == 3:
        return matmul(matmul(input, input), input)
    square = result = None
    while n > 0:
        n, bit = divmod(n, 2)
        square = input if square is None else matmul(square, square)
        if bit:
            result = square if result is None else matmul(result, square)
    return result                 # type: ignore[return-value]  # (n > 0: set in the loop)


@method
def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """The outer product of two vectors: ``input.reshape(-1, 1) * vec2``, as torch computes
    it (MulBackward0)."""
    for name, t in (("self", input), ("vec2", vec2)):
        if t.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t.ndim}-D")
    return input.reshape(input.shape[0], 1) * vec2


ger = outer
Tensor.ger = outer


class _LinAlgError(RuntimeError):
    """What torch raises for a singular matrix (``torch._C._LinAlgError``)."""


# inverse: d(A^-1) = -A^-1 dA A^-1, so grad_A = -A^-T grad A^-T.
# det: d det(A) = det(A) tr(A^-1 dA), so grad_A = grad det(A) A^-T (invertible A).
row("inverse", "LinalgInvExBackward0", lambda self: jnp.linalg.inv(self),
    lambda grad, result: (-(result.mT @ (grad @ result.mT)),))


@method
def inverse(input: Tensor) -> Tensor:
    """The inverse of a square matrix, or of each in a batch (LinalgInvExBackward0); a
    singular one is an error, as in torch."""
    _check_float_matrices(input, "linalg.inv")
    values = input._value()
    if tape.concrete(values) and values.size:
        u_diagonal = np.diagonal(np.asarray(jax.lax.linalg.lu(values)[0]), 0, -2, -1)
        singular = np.argwhere(u_diagonal.reshape(-1, u_diagonal.shape[-1]) == 0)
        if singular.size:
            batch, element = singular[0]
            where = f"(Batch element {batch}): " if input.ndim > 2 else ""
            raise _LinAlgError(f"linalg.inv: {where}The diagonal element {element + 1} is "
                               "zero, the inversion could not be completed because the input "
                               "matrix is singular.")
    return apply(RULES["inverse"], input)


row("det", "LinalgDetBackward0", lambda self: jnp.linalg.det(self),
    lambda grad, self, result: (
        (grad * result).unsqueeze(-1).unsqueeze(-2) * self.inverse().mT,))


@method
def det(input: Tensor) -> Tensor:
    """The determinant of a square matrix, or of each in a batch (LinalgDetBackward0; the
    gradient assumes an invertible matrix)."""
    _check_square_matrices(input, "linalg.det")
    return apply(RULES["det"], input)


@method
def slogdet(input: Tensor) -> tuple[Tensor, Tensor]:
    """``(sign, logabsdet)``: the sign of the determinant and the log of its absolute value,
    of a square matrix or of each in a batch, in one node (LinalgSlogdetBackward0); only
    ``logabsdet`` has a gradient.

    >>> import autodiff
    >>> a = autodiff.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> autodiff.slogdet(a)
    autodiff.return_types.slogdet(
    sign=tensor(-1., grad_fn=<LinalgSlogdetBackward0>),
    logabsdet=tensor(0.6931, grad_fn=<LinalgSlogdetBackward0>))
    """
    return return_types.slogdet(*_slogdet(input, "linalg.slogdet"))


# slogdet: (sign, log|det A|) in one node; of a real A only log|det A| has a gradient:
# d log|det A| = tr(A^-1 dA), so grad_A = grad A^-T
row("slogdet", "LinalgSlogdetBackward0", lambda A: tuple(jnp.linalg.slogdet(A)),
    lambda grads, A: (_if_given(lambda g: g.unsqueeze(-1).unsqueeze(-2) * A.inverse().mT,
                                grads[1]),), outputs=("sign", "logabsdet"))


def _slogdet(input, fn):
    _check_float_matrices(input, fn)
    return tape.apply_multi(RULES["slogdet"], input)


@method
def logdet(input: Tensor) -> Tensor:
    """The log of the determinant: nan where it is negative (torch's composition:
    WhereBackward0 over LinalgSlogdetBackward0's ``logabsdet``).

    >>> import autodiff
    >>> a = autodiff.tensor([[2.0, 1.0], [1.0, 3.0]], requires_grad=True)
    >>> autodiff.logdet(a)
    tensor(1.6094, grad_fn=<WhereBackward0>)
    """
    sign, logabsdet = _slogdet(input, "logdet")
    return apply(RULES["where"], math.nan, logabsdet, condition=sign == -1)


def _cholesky_backward(grad, upper, result):
    """torch's cholesky_backward: gA = L^-H pi*((L^H gL).tril()) L^-1, pi*(X) = (X + X^H -
    diag X) / 2 (torch solves with the triangle, autodiff multiplies by its inverse)."""
    L, gL = (result.mH, grad.mH) if upper else (result, grad)
    gA = (L.mH @ gL).tril()
    gA = _times_scalar(gA + gA.tril(-1).mH, 0.5)
    L_inverse = L.inverse()
    return L_inverse.mH @ gA @ L_inverse


def _cholesky_forward(self, upper):
    L = jax.lax.linalg.cholesky(self, symmetrize_input=False)     # (the lower triangle)
    return jnp.swapaxes(L, -1, -2) if upper else L


# A = L L^H with L lower triangular (upper: U = L^H)
row("linalg_cholesky", "LinalgCholeskyExBackward0",
    lambda self, *, upper: _cholesky_forward(self, upper),
    lambda grad, result, upper: (_cholesky_backward(grad, upper, result),))
alias_row("cholesky", "CholeskyBackward0", of="linalg_cholesky")


def _cholesky(input, upper, fn):
    _check_float_matrices(input, fn)
    out = apply(RULES["linalg_cholesky" if fn == "linalg.cholesky" else "cholesky"], input,
                upper=upper)
    values = out._value()
    if tape.concrete(values) and values.size and bool(jnp.isnan(values).any()):
        a = np.asarray(input._value(), np.float64).reshape((-1,) + input.shape[-2:])
        for batch, matrix in enumerate(a):
            lower = np.tril(matrix) + np.tril(matrix, -1).T
            order = next((k for k in range(1, len(lower) + 1)
                          if not _positive_definite(lower[:k, :k])), None)
            if order is not None:
                where = f"(Batch element {batch}): " if input.ndim > 2 else ""
                raise _LinAlgError(f"{fn}: {where}The factorization could not be completed "
                                   "because the input is not positive-definite (the leading "
                                   f"minor of order {order} is not positive-definite).")
    return out


def _positive_definite(matrix):
    try:
        np.linalg.cholesky(matrix)
    except np.linalg.LinAlgError:
        return False
    return True


_CHOLESKY_DEPRECATED = (
    "autodiff.cholesky is deprecated in favor of autodiff.linalg.cholesky and will be removed in "
    "a future PyTorch release.\nL = autodiff.cholesky(A)\nshould be replaced with\nL = "
    "autodiff.linalg.cholesky(A)\nand\nU = autodiff.cholesky(A, upper=True)\nshould be replaced "
    "with\nU = autodiff.linalg.cholesky(A).mH\nThis transform will produce equivalent results "
    "for all valid (symmetric positive definite) inputs.")


@method
def cholesky(input: Tensor, upper: bool = False) -> Tensor:
    """The Cholesky factor of a symmetric positive-definite matrix (or of each in a batch),
    from its lower triangle: ``L`` with ``A = L L^T``, or ``U = L^T`` (CholeskyBackward0;
    deprecated in torch for ``linalg.cholesky``, with its warning, once).

    >>> import autodiff
    >>> autodiff.linalg.cholesky(autodiff.tensor([[4.0, 2.0], [2.0, 5.0]]))
    tensor([[2., 0.],
            [1., 2.]])
    """
    tape.warn_once(_CHOLESKY_DEPRECATED)
    return _cholesky(input, upper, "cholesky")


def _factor_matmul(L, term, upper):
    return -(L @ term) if upper else -(term @ L)


# cholesky_inverse(L) = (L L^H)^-1 (upper: (U^H U)^-1):
#   gL = -(X (G + G^H) X) L  (upper: -U (X (G + G^H) X)), X the result
def _cholesky_inverse(factor, upper):
    factor = jnp.triu(factor) if upper else jnp.tril(factor)     # (its triangle only)
    t = jnp.swapaxes(factor, -1, -2)
    return jnp.linalg.inv(t @ factor if upper else factor @ t)


row("cholesky_inverse", "CholeskyInverseBackward0",
    lambda self, *, upper: _cholesky_inverse(self, upper),
    lambda grad, self, result, upper: (
        _factor_matmul(self, result @ ((grad + grad.mH) @ result), upper),))


@method
def cholesky_inverse(input: Tensor, upper: bool = False) -> Tensor:
    """The inverse of ``A = L L^T`` from its Cholesky factor ``L`` (``upper``: of
    ``U^T U`` from ``U``), or of each in a batch (CholeskyInverseBackward0).

    >>> import autodiff
    >>> autodiff.tensor([[2.0, 0.0], [1.0, 1.0]]).cholesky_inverse()
    tensor([[ 0.5000, -0.5000],
            [-0.5000,  1.0000]])
    """
    _check_square_matrices(input, "cholesky_inverse")
    if not input.dtype.is_floating_point:
        raise NotImplementedError(f"\"cholesky_inverse_out_cpu\" not implemented for "
                                  f"'{D.c_name(input.dtype)}'")
    return apply(RULES["cholesky_inverse"], input, upper=upper)


def _cho_solve(b, factor, upper):
    batch = jnp.broadcast_shapes(b.shape[:-2], factor.shape[:-2])
    b = jnp.broadcast_to(b, batch + b.shape[-2:])
    factor = jnp.broadcast_to(factor, batch + factor.shape[-2:])
    return jax.scipy.linalg.cho_solve((factor, not upper), b)


# cholesky_solve(B, L) = (L L^H)^-1 B:  gB = cholesky_solve(G, L);
#   gL = -(gB X^H + X gB^H) L  (upper: -U (...)), X the result (one joint backward: gB is
#   shared, as in torch's cholesky_solve_backward)
row("cholesky_solve", "CholeskySolveBackward0",
    lambda self, input2, *, upper: _cho_solve(self, input2, upper),
    lambda grad, input2, result, upper: _cholesky_solve_backward(grad, input2, result, upper))


def _cholesky_solve_backward(grad, input2, result, upper):
    grad_self = tape.apply(RULES["cholesky_solve"], grad, input2, upper=upper)
    common = grad_self @ result.mH
    return grad_self, _factor_matmul(input2, common + common.mH, upper)


@method
def cholesky_solve(input: Tensor, input2: Tensor, upper: bool = False) -> Tensor:
    """The solution ``X`` of ``A X = input`` from the Cholesky factor ``input2`` of ``A``
    (``L``, or ``U`` with ``upper``), batches broadcast (CholeskySolveBackward0).

    >>> import autodiff
    >>> autodiff.tensor([[2.0], [1.0]]).cholesky_solve(autodiff.tensor([[1.0, 0.0],
    ...                                                                 [1.0, 1.0]]))
    tensor([[ 3.],
            [-1.]])
    """
    if input.ndim < 2:
        raise RuntimeError(f"b should have at least 2 dimensions, but has {input.ndim} "
                           "dimensions instead")
    if input2.ndim < 2:
        raise RuntimeError(f"u should have at least 2 dimensions, but has {input2.ndim} "
                           "dimensions instead")
    if input.dtype is not input2.dtype:
        raise RuntimeError(f"Expected b and A to have the same dtype, but found b of type "
                           f"{D.c_name(input.dtype)} and A of type {D.c_name(input2.dtype)} "
                           "instead.")
    n = input2.shape[-1]
    if input2.shape[-2] != n or input.shape[-2] != n:
        raise RuntimeError(f"Incompatible matrix sizes for cholesky_solve: each A matrix is "
                           f"{input2.shape[-2]} by {n} but each b matrix is "
                           f"{input.shape[-2]} by {input.shape[-1]}")
    return apply(RULES["cholesky_solve"], input, input2, upper=upper)


def _check_float_matrices(input, fn):
    _check_square_matrices(input, fn)
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"{fn}: Expected a floating point or complex tensor as input. "
                           f"Got {D.c_name(input.dtype)}")


def _check_square_matrices(input, fn):
    if input.ndim < 2:
        raise RuntimeError(f"{fn}: The input tensor A must have at least 2 dimensions.")
    if input.shape[-1] != input.shape[-2]:
        raise RuntimeError(f"{fn}: A must be batches of square matrices, but they are "
                           f"{input.shape[-2]} by {input.shape[-1]} matrices")



def _chain(matrices, i, j, split):
    """The product of ``matrices[i..j]``, parenthesised as ``split`` says (MmBackward0s)."""
    if i == j:
        return matrices[i]
    k = split[i][j]
    return mm(_chain(matrices, i, k, split), _chain(matrices, k + 1, j, split))


def _multi_dot(matrices, shape=None):
    """torch's ``linalg.multi_dot`` of matrices: the products in the cheapest order (for
    three, torch's own comparison of the two orders; for more, the classic dynamic
    programme, the first best split winning), viewed to the result's ``shape`` at the
    end (the matrix product's by default)."""
    n = len(matrices)
    for i in range(1, n):
        a, b = matrices[i - 1], matrices[i]
        if b.dtype is not matrices[0].dtype:
            raise RuntimeError(f"multi_dot(): all tensors must have be the same dtype but "
                               f"tensor 0 is {D.long_name(matrices[0].dtype)} and tensor {i} "
                               f"{D.long_name(b.dtype)}")
        if a.shape[-1] != b.shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {i - 1} and {i} with shapes "
                               f"{list(a.shape)} and {list(b.shape)} cannot be multiplied")
    sizes = [m.shape[0] for m in matrices] + [matrices[-1].shape[1]]
    split = [[0] * n for _ in range(n)]
    if n == 3:
        a, b, c, d = sizes
        split[0][2] = 1 if a * c * (b + d) <= b * d * (a + c) else 0
        split[1][2] = 1
        split[0][1] = 0
    else:
        cost: list[list[float]] = [[0] * n for _ in range(n)]
        for length in range(1, n):
            for i in range(n - length):
                j = i + length
                cost[i][j] = math.inf
                for k in range(i, j):
                    q = cost[i][k] + cost[k + 1][j] + sizes[i] * sizes[k + 1] * sizes[j + 1]
                    if q < cost[i][j]:
                        cost[i][j], split[i][j] = q, k
    return _chain(matrices, 0, n - 1, split).view(
        (sizes[0], sizes[-1]) if shape is None else shape)


def chain_matmul(*matrices: Tensor) -> Tensor:
    """Deprecated (as in torch, with its warning; ``linalg.multi_dot`` takes a list): the
    product of the matrices, multiplied in the cheapest order (MmBackward0s, then
    ViewBackward0); one matrix: a copy (CloneBackward0)."""
    tape.warn_once("autodiff.chain_matmul is deprecated and will be removed in a future "
                   "PyTorch release. Use autodiff.linalg.multi_dot instead, which accepts a "
                   "list of two or more tensors rather than multiple parameters.")
    for m in matrices:
        if m.ndim != 2:
            raise RuntimeError(f"Tensor dimension is {m.ndim}, expected 2 instead.")
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    if len(matrices) == 1:
        return clone(matrices[0])
    return _multi_dot(matrices)


# cdist: the p-norm distance between each row of x1 and each row of x2 (batched, the batch
# dims broadcast). d/dx1 of ||x1 - x2||_p is the norm's gradient at the difference, as
# torch's kernel writes it per p (0 where the distance is 0); for x2 the same, negated,
# which torch gets by calling the same backward with the operands swapped.
def _cdist(x1, x2, *, p):
    diff = jnp.abs(x1[..., :, None, :] - x2[..., None, :, :])
    if p == 0:
        return jnp.sum(diff != 0, -1).astype(diff.dtype)
    if p == math.inf:
        return jnp.max(diff, -1, initial=0)
    return jnp.linalg.vector_norm(diff, ord=p, axis=-1)


def _cdist_backward(grad, x1, x2, dist, *, p):
    """The gradient for x1 (torch's ``_cdist_backward``), summed down to x1's batch."""
    diff = x1[..., :, None, :] - x2[..., None, :, :]
    grad, dist = grad[..., None], dist[..., None]
    none = dist == 0
    if p == 0:
        each = jnp.zeros_like(diff)
    elif p == 1:
        each = jnp.sign(diff)
    elif p == 2:
        each = diff / jnp.where(none, 1, dist)
    elif p == math.inf:
        each = jnp.sign(diff) * (jnp.abs(diff) == dist)
    elif p < 2:
        none = none | ((diff == 0) & (p < 1))
        each = jnp.sign(diff) * jnp.abs(diff) ** (p - 1) / jnp.where(none, 1, dist) ** (p - 1)
    else:
        each = diff * jnp.abs(diff) ** (p - 2) / jnp.where(none, 1, dist) ** (p - 1)
    result = jnp.sum(jnp.where(none, 0, each * grad), -2)
    lead = result.ndim - x1.ndim
    return jnp.sum(result, tuple(range(lead)) + tuple(
        d + lead for d in range(x1.ndim - 2) if x1.shape[d] == 1 and result.shape[d + lead] != 1),
        keepdims=True).reshape(x1.shape)


def _cdist_backward_not_implemented(grad):
    raise NotImplementedError("the derivative for '_cdist_backward' is not implemented.")


# (torch has no derivative of it, for any input)
row("cdist_backward", "CdistBackwardBackward0",
    lambda grad, x1, x2, cdist, *, p: _cdist_backward(grad, x1, x2, cdist, p=p),
    (_cdist_backward_not_implemented,) * 4)
row("cdist", "CdistBackward0", _cdist,
    (lambda grad, x1, x2, result, p: tape.apply(RULES["cdist_backward"], grad, x1, x2, result,
                                                p=p),
     lambda grad, x1, x2, result, p: tape.apply(
         RULES["cdist_backward"], contiguous(grad.mT), x2, x1, contiguous(result.mT), p=p)))


def _euclidean_dist(x1, x2):
    """torch's distances by a matrix product: ``|a|^2 - 2 a.b + |b|^2`` for each pair, by
    one product of padded matrices, then the square root (of at least 0)."""
    x1_norm = jnp.sum(x1 ** 2, -1, keepdims=True)
    x2_norm = jnp.sum(x2 ** 2, -1, keepdims=True)
    x1_ = jnp.concatenate([x1 * -2, x1_norm, jnp.ones_like(x1_norm)], -1)
    x2_ = jnp.concatenate([x2, jnp.ones_like(x2_norm), x2_norm], -1)
    return jnp.sqrt(jnp.maximum(_matmul(x1_, jnp.swapaxes(x2_, -1, -2)), 0))


def _euclidean_dist_backward(grad, x1, x2, result):
    ratio = (grad / result).masked_fill_(result == 0, 0)
    return (x1 * ratio.sum(-1, True) - ratio.matmul(x2),
            x2 * ratio.sum(-2, False).unsqueeze(-1) - ratio.mT.matmul(x1))


row("euclidean_dist", "EuclideanDistBackward0", _euclidean_dist, _euclidean_dist_backward)

_CDIST_MODES = {"use_mm_for_euclid_dist_if_necessary": 0, "use_mm_for_euclid_dist": 1,
                "donot_use_mm_for_euclid_dist": 2}


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0,
          compute_mode: str = "use_mm_for_euclid_dist_if_necessary") -> Tensor:
    """The ``p``-norm distance between each row of ``x1`` and each row of ``x2`` (their
    batch dims broadcast): one node, CdistBackward0. For ``p = 2`` with more than 25 rows
    (or ``compute_mode="use_mm_for_euclid_dist"``), torch's faster matrix-product form
    instead (EuclideanDistBackward0, viewed).

    >>> import autodiff
    >>> autodiff.cdist(autodiff.tensor([[0.0, 0.0]]), autodiff.tensor([[3.0, 4.0], [1.0, 0.0]]))
    tensor([[5., 1.]])
    """
    if compute_mode not in _CDIST_MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    for name, x in (("X1", x1), ("X2", x2)):
        if x.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: "
                               f"{x.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: "
                           f"{x1.shape[-1]} X2: {x2.shape[-1]}")
    for name, x in (("X1", x1), ("X2", x2)):
        if not x.dtype.is_floating_point:
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: "
                               f"{D.c_name(x.dtype)}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    mode, r1, r2 = _CDIST_MODES[compute_mode], x1.shape[-2], x2.shape[-2]
    if x1.numel() == 0 or x2.numel() == 0 or not (
            p == 2 and (mode == 1 or (mode == 0 and (r1 > 25 or r2 > 25)))):
        if x1.dtype is not x2.dtype:
            raise RuntimeError(f"expected scalar type {D.c_name(x1.dtype)} but found "
                               f"{D.c_name(x2.dtype)}")
        return apply(RULES["cdist"], x1, x2, p=float(p))
    batch = tuple(broadcast_shapes(x1.shape[:-2], x2.shape[:-2]))
    if math.prod(batch) != 1:
        x1 = x1.expand(*batch, r1, x1.shape[-1]).reshape(-1, r1, x1.shape[-1])
        x2 = x2.expand(*batch, r2, x2.shape[-1]).reshape(-1, r2, x2.shape[-1])
    return apply(RULES["euclidean_dist"], x1, x2).view(*batch, r1, r2)


if not TYPE_CHECKING:         # (see exported: a type checker reads every public name)
    __all__ = exported(globals())
