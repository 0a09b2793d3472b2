"""The operations: torch's functions and Tensor methods, one module per family.

Each function does what torch's front end does before the kernel runs: parse the
arguments, check shapes, work out the result dtype by torch's promotion rules, then
``apply`` a row of the derivative table. The row sits directly above the function that
applies it (``row("mul", "MulBackward0", ...)`` above ``def mul``), with its maths in a
comment. Composite ops (``matmul``, ``flatten``, ``square``...) are written with other
ops, so their graphs have torch's nodes. A function that is also a Tensor method says
so where it is defined: ``@method`` above it (``@method(inplace=tape.inplace_unary)``
for its ``x.name_()`` form too), ``methods(...)`` below a line that makes several, and
operators as ``Tensor.__add__ = add`` beside their function.

The families import one another in one direction only (``tape`` at the bottom):
``_common`` <- ``creation``, ``random``, ``comparison``, ``shape``, ``conversion``,
``pointwise``, ``reduction``, ``searching``, ``linalg``, ``indexing``.
"""

from . import (comparison, conversion, creation, indexing, linalg, pointwise, random,
               reduction, searching, shape)
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

__all__ = [name for family in (comparison, conversion, creation, indexing, linalg, pointwise,
                               random, reduction, searching, shape)
           for name in family.__all__]
