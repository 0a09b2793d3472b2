"""The operations: torch's functions and Tensor methods, one module per family, each
function beside the row of the derivative table it applies.

Each function does what torch's front end does before the kernel runs: parse the
arguments, check shapes, work out the result dtype by torch's promotion rules, then
``apply`` a row of the derivative table (``tape.RULES``). The row sits directly above the
function (``row("mul", "MulBackward0", ...)`` above ``def mul``), with its maths in a
comment. Composite ops (``matmul``, ``flatten``, ``square``...) are written with other
ops, so their graphs have torch's nodes. A function that is also a Tensor method says so
where it is defined: ``@method`` above it (``@method(inplace=tape.inplace_unary)`` for
its ``x.name_()`` form too), ``methods(...)`` below a line that makes several, and
operators as ``Tensor.__add__ = add`` beside their function.

A row, as in PyTorch's ``derivatives.yaml``, says in one place:

* the op's name and the node torch records for it (``MulBackward0``);
* its forward, on JAX arrays;
* its backward: the gradient for each input, written with autodiff's own Tensor
  operations, so that with ``create_graph=True`` the backward pass is itself recorded
  and can be differentiated again. An op of several inputs has one formula per input
  (a tuple, ``None`` for an input without a gradient): the engine runs only the formulas
  of the inputs whose gradient is wanted. One-input ops, and the few whose gradients
  share their work, have one joint backward returning a tuple of every input's gradient.

The parameters of a formula say what the node must save, in derivatives.yaml's
vocabulary: ``grad`` is the incoming gradient; a parameter named like a forward input
(``self``, ``other``...) saves that input, ``result`` saves the output; every other
name is a non-tensor attribute of the call (``dim``, ``keepdim``, ``self_sym_sizes``...).
A value read only by the formula of an input that needs no gradient is not saved.

The formulas are torch's, as its C++ writes them: arithmetic by a Python number goes
through ``_times_scalar``, ``_plus_scalar``... (torch's ``mul.Scalar``: MulBackward1),
so that a gradient differentiated again records torch's nodes.

Broadcasting is not handled in the rows: the engine sums each gradient down to its
input's shape once (``tape.sum_to``), so ``mul``'s formulas are simply ``grad * other``
and ``grad * self``.

The families import one another in one direction only, with ``tape`` below them all and
``_common`` (what several families share) at the bottom of the package: ``creation``,
``comparison``; ``shape``; ``conversion``, ``indexing``, ``pointwise``, ``random``;
``reduction``; ``linalg``, ``searching``.
"""

from typing import TYPE_CHECKING

from .comparison import *  # noqa: F401,F403
from .conversion import *  # noqa: F401,F403
from .creation import *  # noqa: F401,F403
from .indexing import *  # noqa: F401,F403
from .linalg import *  # noqa: F401,F403
from .pointwise import *  # noqa: F401,F403
from .random import *  # noqa: F401,F403
from .reduction import *  # noqa: F401,F403
from .searching import *  # noqa: F401,F403
from .shape import *  # noqa: F401,F403

from ..tape import Tensor
from ._common import operator

# torch's function forms of Tensor methods written only as methods here: the in-place ops
# (``torch.sin_(x)`` is ``x.sin_()``; torch has them for these, ``torch.add_`` does not
# exist), and the questions and no-op conversions of a real tensor (``torch.is_signed(x)``)
FUNCTION_FORMS = (
    "abs_", "acos_", "acosh_", "addmv_", "arccos_", "arccosh_", "arcsin_", "arcsinh_",
    "arctan_", "arctanh_", "asin_", "asinh_", "atan_", "atanh_", "ceil_", "clamp_",
    "clamp_max_", "clamp_min_", "clip_", "conj_physical_", "cos_", "cosh_", "deg2rad_",
    "detach_", "erf_", "erfc_", "exp2_", "exp_", "expm1_", "fill_", "fix_", "floor_",
    "frac_", "gcd_", "i0_", "index_put_", "lcm_", "ldexp_", "log10_", "log1p_", "log2_",
    "log_", "logit_", "nan_to_num_", "neg_", "negative_", "rad2deg_", "reciprocal_", "relu_",
    "round_", "rsqrt_", "sigmoid_", "sin_", "sinc_", "sinh_", "sqrt_", "square_", "tan_",
    "tanh_", "trunc_", "xlogy_", "zero_",
    "conj", "conj_physical", "detach", "get_device", "is_complex", "is_conj",
    "is_distributed", "is_inference", "is_neg", "is_same_size", "is_signed", "resolve_conj",
    "resolve_neg")
globals().update({name: getattr(Tensor, name) for name in FUNCTION_FORMS})

# Python's binary operators, each defined beside its op above, answer NotImplemented for
# an operand the op rejects (``_common.operator``), as torch's do
for _name in ("add", "radd", "iadd", "sub", "rsub", "isub", "mul", "rmul", "imul", "truediv",
              "rtruediv", "itruediv", "floordiv", "rfloordiv", "ifloordiv", "mod", "rmod",
              "imod", "pow", "rpow", "ipow", "matmul", "rmatmul", "and", "rand", "iand", "or",
              "ror", "ior", "xor", "rxor", "ixor", "lshift", "rlshift", "ilshift", "rshift",
              "rrshift", "irshift", "eq", "ne", "lt", "le", "gt", "ge"):
    setattr(Tensor, f"__{_name}__", operator(getattr(Tensor, f"__{_name}__")))
del _name
if TYPE_CHECKING:             # (which a type checker cannot follow: the stub declares them)
    from .._tensor_methods import *  # noqa: F401,F403

if not TYPE_CHECKING:         # (see _common.exported: a type checker reads every public name)
    from . import (comparison, conversion, creation, indexing, linalg, pointwise, random,
                   reduction, searching, shape)
    __all__ = [name for family in (comparison, conversion, creation, indexing, linalg,
                                   pointwise, random, reduction, searching, shape)
               for name in family.__all__] + list(FUNCTION_FORMS)
