"""Differential fuzzing: hypothesis writes random torch programs, both frameworks run them.

A program is data, a list of statements, rendered as the torch code a learner
would type::

    x0 = torch.tensor([[0.5, -1.25, 2.0]], dtype=torch.float32, requires_grad=True)
    x1 = torch.tensor([0.75, 0.0, -0.5], dtype=torch.float64, requires_grad=True)
    v2 = torch.mul(x0, x1)
    v2.retain_grad()
    v3 = v2.exp()
    with torch.no_grad():
        x1.mul_(-1.5)
    v4 = v3.sum(dim=-1)
    v4.backward(gradient=torch.tensor([1.25], dtype=torch.float64))

The code is executed with ``torch`` bound to each framework in turn; the
values of every variable, the grads of the leaves and retained tensors, the
error and the warnings must agree (see :mod:`parity_tests.harness`). When they
do not, hypothesis shrinks the program and the failure shows it as code that
can be pasted into a Python prompt.

Inputs are multiples of 0.25 in [-2, 2]: sums and products of such numbers are
exact in float32, so a mismatch is a real disagreement and not rounding noise,
and ties (``max``, ``relu`` at 0, ``abs`` at 0) are frequent, as in real data.
Some leaves that need no gradient are int64 (the same numbers, truncated). A program
draws from arithmetic, elementwise functions, reductions (over dims of 0-d tensors too),
views (select, unbind, chunk, split, expand...), boolean masks (read and written),
``torch.nn.functional``, in-place updates, hooks that change a gradient and
``retain_grad``; it ends with ``backward()``, or now and then with a second derivative
(``autograd.grad`` with ``create_graph=True``, then ``backward()`` through the gradient).

Two hypothesis profiles: ``ci`` (a few hundred programs, deterministic, used by
pytest) and ``intense`` (``python -m parity_tests --fuzz 20000``). pytest's
profile can be changed with the ``AUTODIFF_HYPOTHESIS_PROFILE`` variable.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parity_tests.harness import TOLERANCES, Case, Observer, TensorSnapshot, compare, run

PROFILE_VARIABLE = "AUTODIFF_HYPOTHESIS_PROFILE"
settings.register_profile("ci", max_examples=300, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("intense", max_examples=20_000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])

GRID = st.integers(-8, 8).map(lambda quarters: quarters / 4)


# --- The ops a program may apply ----------------------------------------------

def _same(shape):
    return shape


def _broadcast(left, right):
    return np.broadcast_shapes(left, right)


def _broadcast3(first, second, third):
    return np.broadcast_shapes(first, second, third)


def _matmul(left, right):
    return np.matmul(np.empty(left), np.empty(right)).shape


def _reduce_all(shape):
    return ()


def _reduce_last(shape):
    return np.empty(shape).sum(axis=-1).shape


def _reduce_first_keepdim(shape):
    return np.empty(shape).sum(axis=0, keepdims=True).shape


def _first_dim_dropped(shape):
    if not shape:
        raise ValueError("a 0-d tensor has no dim to index")
    return shape[1:]


def _last_dim_narrowed(shape):
    if not shape:
        raise ValueError("a 0-d tensor has no dim to slice")
    return shape[:-1] + (1,)


def _reversed(shape):
    if len(shape) != 2:     # torch warns once per process otherwise: order-dependent
        raise ValueError("x.T is for matrices")
    return tuple(reversed(shape))


def _flattened(shape):
    return (int(np.prod(shape)),)


def _unsqueezed(shape):
    return (1,) + shape


def _first_dim_reduced(shape):
    """``sum(dim=0)``: a 0-d tensor takes dim 0 (and -1) as its own, as torch does."""
    return shape[1:]


def _last_dim_halved(shape):
    if not shape:
        raise ValueError("a 0-d tensor has no dim to chunk")
    return shape[:-1] + ((shape[-1] + 1) // 2,)


def _squeezed(shape):
    return tuple(n for n in shape if n != 1)


def _expanded(shape):
    return (2,) + shape


def _equal(left, right):
    if left != right:      # mse_loss warns about broadcasting: a different program
        raise ValueError("mse_loss takes two tensors of one shape")
    return ()


@dataclasses.dataclass(frozen=True)
class Op:
    """A code template and the shape of its result (which raises when arguments do not fit)."""

    template: str
    shape: Callable[..., tuple[int, ...]]
    tracks: bool = True  # False for detach: the result never requires grad

    @property
    def arity(self) -> int:
        return self.shape.__code__.co_argcount


OPS = {
    "add": Op("torch.add({}, {})", _broadcast),
    "sub": Op("{} - {}", _broadcast),
    "mul": Op("torch.mul({}, {})", _broadcast),
    "div": Op("{} / {}", _broadcast),
    "maximum": Op("torch.maximum({}, {})", _broadcast),
    "where": Op("torch.where({0} > {1}, {0}, {1})", _broadcast),
    "addcmul": Op("torch.addcmul({}, {}, {}, value=0.5)", _broadcast3),
    "lerp": Op("{}.lerp({}, 0.75)", _broadcast),
    "neg": Op("-{}", _same),
    "abs": Op("{}.abs()", _same),
    "exp": Op("{}.exp()", _same),
    "log": Op("torch.log({})", _same),
    "sqrt": Op("{}.sqrt()", _same),
    "sin": Op("torch.sin({})", _same),
    "atan": Op("{}.atan()", _same),
    "log1p": Op("torch.log1p({})", _same),
    "expm1": Op("{}.expm1()", _same),
    "masked_fill": Op("{0}.masked_fill({0} > 0.5, -1.0)", _same),
    "tanh": Op("{}.tanh()", _same),
    "sigmoid": Op("torch.sigmoid({})", _same),
    "relu": Op("torch.relu({})", _same),
    "square": Op("{} ** 2", _same),
    "clamp": Op("{}.clamp(min=-1.0, max=1.0)", _same),
    "sum": Op("{}.sum()", _reduce_all),
    "sum_last": Op("{}.sum(dim=-1)", _reduce_last),
    "mean_keepdim": Op("{}.mean(dim=0, keepdim=True)", _reduce_first_keepdim),
    "amax_last": Op("{}.amax(dim=-1)", _reduce_last),
    "max": Op("{}.max()", _reduce_all),
    "norm": Op("{}.norm()", _reduce_all),
    "logsumexp": Op("torch.logsumexp({}, dim=-1)", _reduce_last),
    "softmax": Op("torch.softmax({}, dim=-1)", _same),
    "matmul": Op("{} @ {}", _matmul),
    "detach": Op("{}.detach()", _same, tracks=False),
    # views: they share storage, so in-place writes through them reach their base
    "select": Op("{}[0]", _first_dim_dropped),
    "narrow": Op("{}[..., :1]", _last_dim_narrowed),
    "transpose": Op("{}.T", _reversed),
    "flatten": Op("{}.reshape(-1)", _flattened),
    "unsqueeze": Op("{}.unsqueeze(0)", _unsqueezed),
    "select_last": Op("{}[-1]", _first_dim_dropped),
    "unbind": Op("{}.unbind(0)[-1]", _first_dim_dropped),
    "chunk": Op("{}.chunk(2, dim=-1)[0]", _last_dim_halved),
    "split": Op("{}.split(1, dim=-1)[-1]", _last_dim_narrowed),
    "squeeze": Op("{}.squeeze()", _squeezed),
    "expand": Op("{0}.expand(2, *{0}.shape)", _expanded),
    # dims of 0-d tensors: dim=0 and dim=-1 are the tensor itself
    "sum_dim0": Op("{}.sum(dim=0)", _first_dim_reduced),
    "softmax_dim0": Op("torch.softmax({}, dim=0)", _same),
    # boolean masks: what they select has a data-dependent shape, so it is reduced at once
    "masked_sum": Op("{0}[{0} > 0].sum()", _reduce_all),
    # torch.nn.functional
    "gelu": Op("torch.nn.functional.gelu({})", _same),
    "softplus": Op("torch.nn.functional.softplus({})", _same),
    "silu": Op("torch.nn.functional.silu({})", _same),
    "leaky_relu": Op("torch.nn.functional.leaky_relu({}, 0.25)", _same),
    "elu": Op("torch.nn.functional.elu({})", _same),
    "log_softmax": Op("torch.nn.functional.log_softmax({}, dim=-1)", _same),
    "hardtanh": Op("torch.nn.functional.hardtanh({})", _same),
    "mse_loss": Op("torch.nn.functional.mse_loss({}, {})", _equal),
}

# the ops whose result is a view of their first argument
VIEWS = frozenset({"select", "narrow", "transpose", "flatten", "unsqueeze", "select_last",
                   "unbind", "chunk", "split", "squeeze", "expand"})

# in-place updates, ``{t}`` the target and ``{v}`` a number of the grid
IN_PLACE = ("{t}.add_({v})", "{t}.mul_({v})", "{t}.sub_({v})", "{t}.clamp_(min={v})",
            "{t}.masked_fill_({t} > {v}, 0.5)", "torch.nn.functional.relu({t}, inplace=True)")
# the keys of ``x[key] = value``: a view's element, or a boolean mask
SET_ITEM_KEYS = ("0", "-1", "{t} > {v}")


# --- Programs as data -------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Var:
    """What the generator knows about a variable of the program."""

    name: str
    shape: tuple[int, ...]
    dtype: str
    requires_grad: bool
    is_leaf: bool
    is_view: bool = False


def _tensor_code(values, dtype: str, requires_grad: bool = False) -> str:
    flag = ", requires_grad=True" if requires_grad else ""
    return f"torch.tensor({values!r}, dtype=torch.{dtype}{flag})"


def _in_no_grad(line: str, no_grad: bool) -> list[str]:
    return ["with torch.no_grad():", f"    {line}"] if no_grad else [line]


@dataclasses.dataclass(frozen=True)
class Leaf:
    """``x0 = torch.tensor(values, dtype=..., requires_grad=...)``"""

    var: Var
    values: float | list

    def lines(self) -> list[str]:
        code = _tensor_code(self.values, self.var.dtype, self.var.requires_grad)
        return [f"{self.var.name} = {code}"]


@dataclasses.dataclass(frozen=True)
class Apply:
    """``v3 = <op template filled with the argument names>``, optionally under no_grad."""

    var: Var
    op: str
    args: tuple[str, ...]
    no_grad: bool

    def lines(self) -> list[str]:
        return _in_no_grad(f"{self.var.name} = {OPS[self.op].template.format(*self.args)}",
                           self.no_grad)


@dataclasses.dataclass(frozen=True)
class InPlace:
    """``v3.mul_(0.5)`` (a template of IN_PLACE), under no_grad when the target is a leaf
    requiring grad."""

    target: str
    template: str
    operand: float
    no_grad: bool

    def lines(self) -> list[str]:
        return _in_no_grad(self.template.format(t=self.target, v=self.operand), self.no_grad)


@dataclasses.dataclass(frozen=True)
class SetItem:
    """``v3[0] = 0.5``: a write into the view ``v3[0]`` (CopySlices on ``v3``), or through
    a boolean mask, ``v3[v3 > 0.25] = 0.5`` (an index_put_)."""

    target: str
    key: str
    value: float
    no_grad: bool

    def lines(self) -> list[str]:
        key = self.key.format(t=self.target, v=self.value)
        return _in_no_grad(f"{self.target}[{key}] = {self.value}", self.no_grad)


@dataclasses.dataclass(frozen=True)
class RegisterHook:
    """``v3.register_hook(lambda grad: grad * 2.0)``: a hook that changes the gradient.

    On a view, ``v3.grad_fn`` is read first: torch 2.13's ``register_hook`` crashes the
    process (a segmentation fault) on a view written in place, directly or through its
    base, since its ``grad_fn`` was last read; reading it refreshes the node."""

    target: str
    factor: float
    on_view: bool = False

    def lines(self) -> list[str]:
        hook = f"{self.target}.register_hook(lambda grad: grad * {self.factor})"
        return [f"{self.target}.grad_fn", hook] if self.on_view else [hook]


@dataclasses.dataclass(frozen=True)
class RetainGrad:
    """``v3.retain_grad()``"""

    target: str

    def lines(self) -> list[str]:
        return [f"{self.target}.retain_grad()"]


@dataclasses.dataclass(frozen=True)
class Backward:
    """``root.backward(gradient=..., retain_graph=...)``, possibly called twice."""

    root: Var
    gradient: float | list | None
    retain_graph: bool
    twice: bool

    def lines(self) -> list[str]:
        arguments = []
        if self.gradient is not None:
            arguments.append(f"gradient={_tensor_code(self.gradient, self.root.dtype)}")
        if self.retain_graph:
            arguments.append("retain_graph=True")
        call = f"{self.root.name}.backward({', '.join(arguments)})"
        return [call, call] if self.twice else [call]


@dataclasses.dataclass(frozen=True)
class GradOfGrad:
    """``g, = torch.autograd.grad(root, leaf, ..., create_graph=True)``, then
    ``g.sum().backward()``: a second derivative, added into the leaves' ``.grad``."""

    root: Var
    leaf: Var
    gradient: float | list | None

    def lines(self) -> list[str]:
        arguments = [self.root.name, self.leaf.name]
        if self.gradient is not None:
            arguments.append(_tensor_code(self.gradient, self.root.dtype))
        return [f"g, = torch.autograd.grad({', '.join(arguments)}, create_graph=True, "
                "allow_unused=True)", "g.sum().backward()"]


@dataclasses.dataclass(frozen=True)
class Program:
    """A list of statements, and the variables to observe once they have run."""

    statements: tuple
    variables: tuple[Var, ...]
    retained: frozenset[str]

    @property
    def code(self) -> str:
        return "\n".join(line for statement in self.statements for line in statement.lines())

    def __repr__(self) -> str:
        return f"\n{self.code}\n"

    def _repr_pretty_(self, printer, cycle):
        """How hypothesis prints a falsifying example: as the code."""
        printer.text(repr(self))

    def observations(self, namespace: dict):
        """Every variable the program got to define, then the grads autograd fills."""
        defined = [var for var in self.variables if var.name in namespace]
        for var in defined:
            yield var.name, namespace[var.name]
        for var in defined:
            if (var.is_leaf and var.requires_grad) or var.name in self.retained:
                yield f"{var.name}.grad", namespace[var.name].grad

    def case(self, code: str | None = None) -> Case:
        """This program as a harness case: run the code (or ``code``, a variant of it),
        observe, re-raise its error."""
        code = self.code if code is None else code

        def body(T):
            namespace = {"torch": T}
            error = None
            try:
                exec(code, namespace)
            except Exception as exc:  # noqa: BLE001 - compared by the harness
                error = exc
            yield from self.observations(namespace)
            if error is not None:
                raise error
        body.__doc__ = code
        return Case("fuzz", "fuzz", body, self.tolerances)

    @property
    def tolerances(self) -> dict | None:
        """A program that mixes float32 and float64 compares its float64 values at float32's
        tolerance: a float32 result of a transcendental op (``log``, ``exp``) may differ
        from torch's in its last bit, and promotion carries that into float64 values."""
        dtypes = {var.dtype for var in self.variables}
        if {"float32", "float64"} <= dtypes:
            return {**TOLERANCES, "float64": TOLERANCES["float32"]}
        return None


# --- Drawing programs ---------------------------------------------------------

def _values(draw, shape):
    return np.array(draw(st.lists(GRID, min_size=int(np.prod(shape)),
                                  max_size=int(np.prod(shape))))).reshape(shape).tolist()


def _leaf_shape(draw, base):
    """A shape that broadcasts with ``base``: trailing dims kept, some set to 1."""
    rank = draw(st.integers(0, len(base)))
    kept = base[len(base) - rank:]
    return tuple(draw(st.sampled_from([size, 1])) for size in kept)


@st.composite
def programs(draw, max_leaves: int = 3, max_steps: int = 8) -> Program:
    """A random program: leaves, then ops, in-place updates and retain_grad, then backward."""
    base = tuple(draw(st.lists(st.integers(1, 3), min_size=0, max_size=2)))
    statements, variables, retained = [], [], set()

    def new_var(prefix, shape, dtype, requires_grad, is_leaf, is_view=False):
        var = Var(f"{prefix}{len(variables)}", tuple(shape), dtype, requires_grad, is_leaf,
                  is_view)
        variables.append(var)
        return var

    for index in range(draw(st.integers(1, max_leaves))):
        shape = _leaf_shape(draw, base)
        requires_grad = index == 0 or draw(st.booleans())
        # an integer leaf (never requiring grad) now and then: promotion, integer results
        dtype = "int64" if not requires_grad and draw(st.integers(0, 3)) == 0 else \
            draw(st.sampled_from(["float32", "float64"]))
        var = new_var("x", shape, dtype, requires_grad, is_leaf=True)
        values = _values(draw, shape)
        statements.append(Leaf(var, np.array(values, dtype=np.int64).tolist()
                               if dtype == "int64" else values))

    for _ in range(draw(st.integers(1, max_steps))):
        kind = draw(st.sampled_from(["apply"] * 5 + ["in_place", "set_item", "retain_grad",
                                                     "hook"]))
        target = draw(st.sampled_from(variables))
        if kind == "apply":
            name = draw(st.sampled_from(sorted(OPS)))
            op = OPS[name]
            args = [target] + [draw(st.sampled_from(variables)) for _ in range(op.arity - 1)]
            try:
                shape = op.shape(*(arg.shape for arg in args))
            except ValueError:
                continue
            no_grad = draw(st.integers(0, 5)) == 0
            dtype = "float64" if any(arg.dtype == "float64" for arg in args) else "float32"
            # (an approximation for integer arguments: only a gradient's dtype depends on it,
            # and the engine casts that to the output's dtype)
            requires_grad = op.tracks and not no_grad and any(arg.requires_grad for arg in args)
            var = new_var("v", shape, dtype, requires_grad, is_leaf=not requires_grad,
                          is_view=name in VIEWS)
            statements.append(Apply(var, name, tuple(arg.name for arg in args), no_grad))
        elif kind == "in_place":
            no_grad = target.is_leaf and target.requires_grad or draw(st.booleans())
            statements.append(InPlace(target.name, draw(st.sampled_from(IN_PLACE)),
                                      draw(GRID), no_grad))
        elif kind == "set_item":
            key = draw(st.sampled_from(SET_ITEM_KEYS))
            if target.shape or "{t}" in key:
                no_grad = target.is_leaf and target.requires_grad or draw(st.booleans())
                statements.append(SetItem(target.name, key, draw(GRID), no_grad))
        elif kind == "hook":
            if target.requires_grad:
                statements.append(RegisterHook(target.name, draw(GRID), target.is_view))
        elif target.requires_grad:
            statements.append(RetainGrad(target.name))
            retained.add(target.name)

    trainable = [var for var in variables if var.requires_grad] or variables
    root = draw(st.sampled_from(trainable[-3:]))
    needs_gradient = root.shape != () or draw(st.booleans())
    gradient = _values(draw, root.shape) if needs_gradient else None
    leaves = [var for var in variables if var.is_leaf and var.requires_grad]
    if draw(st.integers(0, 3)) == 0:          # a second derivative, now and then
        leaf = draw(st.sampled_from(leaves))
        statements.append(GradOfGrad(root, leaf, gradient))
        variables.append(Var("g", leaf.shape, leaf.dtype, True, is_leaf=False))
    else:
        statements.append(Backward(root, gradient, draw(st.booleans()), draw(st.booleans())))
    return Program(tuple(statements), tuple(variables), frozenset(retained))


# --- Running ------------------------------------------------------------------

def profile(name: str | None = None) -> settings:
    """The named hypothesis profile, else the one ``AUTODIFF_HYPOTHESIS_PROFILE`` names, else ci."""
    return settings.get_profile(name or os.environ.get(PROFILE_VARIABLE, "ci"))


def fuzz(reference, candidate, chosen: settings,
         on_program: Callable[[bool], None] = lambda agreed: None):
    """Compare random programs under both frameworks until one disagrees.

    Raises AssertionError naming the (shrunk) program's code and its
    mismatches; returns None when every program agreed. ``on_program`` is
    told, after each program, whether the frameworks agreed.
    """
    @chosen
    @given(program=programs())
    def frameworks_agree(program):
        outcome = compare(program.case(), reference, candidate)
        agreed = outcome.passed or float32_rounding(program, outcome, reference)
        on_program(agreed)
        assert agreed, f"{program.code}\n\n{outcome.mismatches()}"

    frameworks_agree()


def float32_rounding(program: Program, outcome, reference) -> bool:
    """Whether every disagreement in ``outcome`` is float32 rounding that the program
    magnifies: a float32 tensor no farther from the reference's than the reference's is
    from the exact values (the program run again by the reference, in float64).

    An ill-conditioned program -- the second derivative of ``tanh(expm1(2.0))`` is
    ``1 - y^2`` with ``y`` a few float32 steps from 1 -- turns a transcendental op's
    last-bit difference (XLA's tanh against torch's) into a relative one of percents.
    No tolerance fixed in advance tells that from a bug; torch's own float32 error does.
    """
    exact = run(program.case(program.code.replace("torch.float32", "torch.float64")),
                reference, Observer(reference, reference.__name__)).observations
    tolerance = TOLERANCES["float32"]
    for row in outcome.rows:
        if row.match:
            continue
        ours, theirs, truth = row.candidate, row.reference, exact.get(row.name)
        if not all(isinstance(v, TensorSnapshot) for v in (ours, theirs, truth)):
            return False
        if theirs.dtype != "float32" or (ours.dtype, ours.shape, ours.requires_grad) != (
                theirs.dtype, theirs.shape, theirs.requires_grad) or truth.shape != theirs.shape:
            return False
        theirs64 = theirs.values.astype(np.float64)
        with np.errstate(invalid="ignore"):          # inf - inf: nan, which allows nothing
            their_error = np.abs(theirs64 - truth.values)
            allowed = 2 * their_error + tolerance["atol"] + tolerance["rtol"] * np.abs(theirs64)
            if not np.all(np.abs(ours.values - theirs64) <= allowed):
                return False
    return True
