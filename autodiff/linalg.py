"""``autodiff.linalg``: the ``torch.linalg`` functions autodiff has -- vector norms, the
Frobenius norm, the inverse, the determinant (and its sign and log), the cross product,
the matrix exponential, the Cholesky factor, and products (``matmul``, ``vecdot``,
``matrix_power``) and ``diagonal`` as torch's functions of the same names.
They are recorded by the rows of ``autodiff.norm``, ``autodiff.inverse``, ``autodiff.det``
and ``autodiff.slogdet``, which torch names after linalg too (``LinalgVectorNormBackward0``,
``LinalgInvExBackward0``, ``LinalgDetBackward0``, ``LinalgSlogdetBackward0``).

>>> import autodiff
>>> x = autodiff.tensor([3.0, 4.0], requires_grad=True)
>>> autodiff.linalg.vector_norm(x)
tensor(5., grad_fn=<LinalgVectorNormBackward0>)
>>> autodiff.linalg.norm(autodiff.tensor([[1.0, 2.0], [2.0, 4.0]]))
tensor(5.)
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Optional, Sequence, Union

from . import ops
from . import dtypes as D
from .dtypes import Dims
from .tape import Tensor
from .ops.linalg import _cholesky, _linalg_cross, _LinAlgError, _multi_dot, _slogdet

__all__ = ["vector_norm", "norm", "matrix_norm", "inv", "det", "slogdet", "cross", "matrix_exp",
           "cholesky", "matmul", "matrix_power", "diagonal", "vecdot", "multi_dot", "vander",
           "LinAlgError"]

LinAlgError = _LinAlgError      # what a singular matrix raises (a RuntimeError)


def cross(input: Tensor, other: Tensor, *, dim: int = -1) -> Tensor:
    """The cross product of 3-vectors along ``dim`` (LinalgCrossBackward0), broadcasting."""
    return _linalg_cross(input, other, dim)


def vector_norm(x: Tensor, ord: float = 2, dim: Optional[Dims] = None,
                keepdim: bool = False) -> Tensor:
    """The ``ord``-norm of the elements of ``x`` (all of them, as one vector, or along
    ``dim``): ``sum(|x|^ord)^(1/ord)``, the largest (``inf``) or smallest (``-inf``)
    magnitude, or the count of non-zeros (``0``)."""
    return ops.norm(x, ord, dim, keepdim)


def matrix_norm(A: Tensor, ord: Union[str, float] = "fro", dim: Sequence[int] = (-2, -1),
                keepdim: bool = False) -> Tensor:
    """A norm of the matrices of ``A`` (over ``dim``, two dimensions): Frobenius (``'fro'``,
    the 2-norm of their elements), or the largest (``ord=1``) or smallest (``-1``) column
    sum of absolute values -- row sums for ``inf`` and ``-inf``, as torch computes them.
    The norms of singular values (``'nuc'``, ``2``, ``-2``) are not implemented."""
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 "
                           "dimensions.")
    if ord in ("nuc", 2, -2):
        raise NotImplementedError(f"autodiff.linalg.matrix_norm: ord={ord!r} is not "
                                  "implemented (it needs singular values)")
    if ord == "fro":
        return vector_norm(A, 2, dim, keepdim)
    if ord not in (1, -1, math.inf, -math.inf):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    first, second = (d % A.ndim for d in dim)
    if abs(ord) == math.inf:               # the 1-norm of the transposed matrices
        first, second = second, first
    if not keepdim and first < second:    # (the sum removed a dim before the second)
        second -= 1
    sums = vector_norm(A, 1, first, keepdim)
    return sums.amax(second, keepdim) if ord > 0 else sums.amin(second, keepdim)


def norm(A: Tensor, ord: Union[str, float, None] = None, dim: Optional[Dims] = None,
         keepdim: bool = False) -> Tensor:
    """torch's ``linalg.norm``: without ``ord``, the 2-norm of all elements (or along
    ``dim``); with ``ord``, a vector norm of a 1-d input (or one ``dim``) and a matrix norm
    of a 2-d one (or two ``dim``)."""
    if isinstance(dim, int):
        dim = (dim,)
    if ord is None:
        return vector_norm(A, 2.0, dim, keepdim)
    if dim is None:
        if A.ndim not in (1, 2):
            raise RuntimeError("linalg.norm: If dim is not specified but ord is, the input "
                               f"must be 1D or 2D. Got {A.ndim}D.")
        dim = (-2, -1) if A.ndim == 2 else None
    if dim is not None and len(dim) == 2:
        return matrix_norm(A, ord, dim, keepdim)
    return vector_norm(A, ord, dim, keepdim)     # type: ignore[arg-type]  # (a number)


def inv(A: Tensor) -> Tensor:
    """The inverse of a square matrix, or of each in a batch (LinalgInvExBackward0)."""
    return ops.inverse(A)


def det(A: Tensor) -> Tensor:
    """The determinant of a square matrix, or of each in a batch (LinalgDetBackward0)."""
    return ops.det(A)


def slogdet(A: Tensor) -> tuple[Tensor, Tensor]:
    """``(sign, logabsdet)`` of the determinant of a square matrix, or of each in a batch
    (LinalgSlogdetBackward0; only ``logabsdet`` has a gradient)."""
    return ops.return_types.linalg_slogdet(*_slogdet(A, "linalg.slogdet"))


def matrix_exp(A: Tensor) -> Tensor:
    """The matrix exponential of a square matrix, or of each in a batch
    (LinalgMatrixExpBackward0)."""
    return ops.matrix_exp(A)


def cholesky(A: Tensor, *, upper: bool = False) -> Tensor:
    """The Cholesky factor ``L`` (``A = L L^T``, from ``A``'s lower triangle) of a
    symmetric positive-definite matrix, or of each in a batch; ``upper``: ``L^T``
    (LinalgCholeskyExBackward0). Not positive-definite: torch's error."""
    return _cholesky(A, upper, "linalg.cholesky")


def matmul(input: Tensor, other: Tensor) -> Tensor:
    """``autodiff.matmul``: the matrix product, broadcast over batches."""
    return ops.matmul(input, other)


def matrix_power(A: Tensor, n: int) -> Tensor:
    """``autodiff.matrix_power``: ``A`` to the integer power ``n`` (negative: of its
    inverse)."""
    return ops.matrix_power(A, n)


def diagonal(A: Tensor, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """The diagonals of the matrices of ``A`` (its last two dims, by default): a view."""
    return ops.diagonal(A, offset, dim1, dim2)


def vecdot(x: Tensor, y: Tensor, *, dim: int = -1) -> Tensor:
    """The dot products of the vectors along ``dim`` (broadcast): ``(x * y).sum(dim)``."""
    return (x * y).sum(dim)


def multi_dot(tensors: Sequence[Tensor]) -> Tensor:
    """The product of two or more matrices, multiplied in the cheapest order; the first
    may be a row vector and the last a column vector (1-D), their dims dropped from the
    result (ViewBackward0 over the MmBackward0s)."""
    n = len(tensors)
    if n < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {n}")
    for t, where in ((tensors[0], "the first tensor"), (tensors[-1], "the last tensor")):
        if t.ndim not in (1, 2):
            raise RuntimeError(f"multi_dot(): {where} must be 1D or 2D but got {t.ndim}D")
    for i in range(1, n - 1):
        if tensors[i].ndim != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got "
                               f"{tensors[i].ndim}D")
    first, last = tensors[0], tensors[-1]
    shape = (first.shape[:1] if first.ndim == 2 else ()) + (last.shape[1:] if last.ndim == 2
                                                             else ())
    matrices = [first.unsqueeze(0) if first.ndim == 1 else first, *tensors[1:-1],
                last.unsqueeze(1) if last.ndim == 1 else last]
    return _multi_dot(matrices, shape)


def vander(x: Tensor, *, N: Optional[int] = None) -> Tensor:
    """The Vandermonde matrices of the vectors of ``x`` (its last dim): the powers
    ``x^0`` up to ``x^(N-1)`` (torch's ``cat`` of ones and a cumulative product)."""
    if x.dtype is D.bool_:
        raise RuntimeError(f"linalg.vander supports floating point, complex, and integer "
                           f"tensors, but got {D.c_name(x.dtype)}")
    x = x.unsqueeze(-1) if x.ndim == 0 else x
    n = x.shape[-1] if N is None else N
    if n <= 1:
        raise RuntimeError("N must be greater than 1.")
    powers = ops.cumprod(x.unsqueeze(-1).expand(*x.shape, n - 1), -1)
    return ops.cat([powers.new_ones(*x.shape, 1), powers], -1)


# torch.linalg's names autodiff leaves out say so (autodiff/_not_provided.py);
# hidden from a type checker, which would otherwise take any name as this function's
if not TYPE_CHECKING:
    from . import _not_provided
    __getattr__ = _not_provided.refuser("linalg")
