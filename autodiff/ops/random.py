"""Random numbers, from autodiff's own generator (values need not equal torch's): new
tensors (``rand``, ``randn``, ``randint``...), draws from tensors of parameters
(``bernoulli``, ``normal``, ``poisson``, ``multinomial``) and in-place fills
(``uniform_``, ``normal_``...). A draw is made beside the tape and handed to its row:
nothing flows back through it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional, Sequence

import jax.numpy as jnp
import numpy as np

from .. import dtypes as D, tape
from ..dtypes import DeviceLike, Number
from ..tape import RULES, Tensor, apply, make_tensor, row
from ._common import (_kernel_missing, _not_implemented, _place, _to_dtype, _zeros,
                      _zeros_like, exported, method, size_keyword)
from .creation import _check_requires_grad
from .shape import broadcast_shapes


# Random numbers come from autodiff's own generator (values need not equal torch's).
class Generator:
    """A seeded source of random numbers (NumPy's PCG64 underneath)."""

    _rng: Any             # NumPy's generator (autodiff.compile swaps in a stream of JAX keys)

    def __init__(self, device: DeviceLike = "cpu") -> None:
        self.manual_seed(67280421310721)         # torch's default seed

    def __repr__(self) -> str:          # (what a notebook shows for ``manual_seed(0)``)
        return f"<autodiff._C.Generator object at {hex(id(self))}>"

    def manual_seed(self, seed: int) -> Generator:
        self._seed = int(seed)
        self._rng = np.random.default_rng(self._seed)
        return self

    def initial_seed(self) -> int:
        return self._seed

    def seed(self) -> int:
        """Seed from the operating system's entropy; return that seed."""
        seed = int(np.random.SeedSequence().entropy % 2**63)   # type: ignore[operator]
        self.manual_seed(seed)
        return seed

    # The state is NumPy's PCG64 state (its 128-bit state and increment, its buffered
    # 32-bit draw) and the initial seed, as bytes in a uint8 tensor: torch's is its
    # Mersenne Twister's 5,056 bytes, so neither reads the other's.
    def get_state(self) -> Tensor:
        """The generator's state, a uint8 tensor for :meth:`set_state`."""
        pcg = self._rng.bit_generator.state
        numbers = (pcg["state"]["state"], pcg["state"]["inc"], pcg["uinteger"], self._seed)
        data = b"".join(n.to_bytes(size, "little")
                        for n, size in zip(numbers, _STATE_FIELDS)) + bytes([pcg["has_uint32"]])
        return make_tensor(jnp.frombuffer(data, jnp.uint8))

    def set_state(self, new_state: Tensor) -> Generator:
        """Restore a state from :meth:`get_state`."""
        if not isinstance(new_state, Tensor):
            raise TypeError(f"expected a autodiff.ByteTensor, but got {type(new_state).__name__}")
        if new_state.dtype != D.uint8:
            raise TypeError("RNG state must be a autodiff.ByteTensor")
        data = np.asarray(new_state._array).tobytes()
        if len(data) != sum(_STATE_FIELDS) + 1:
            raise RuntimeError(f"Expected a Generator state of size {sum(_STATE_FIELDS) + 1} "
                               f"but found the input RNG state size to be {len(data)}")
        numbers, start = [], 0
        for size in _STATE_FIELDS:
            numbers.append(int.from_bytes(data[start:start + size], "little"))
            start += size
        state, inc, uinteger, self._seed = numbers
        self._rng = np.random.default_rng()
        self._rng.bit_generator.state = {
            "bit_generator": "PCG64", "state": {"state": state, "inc": inc},
            "has_uint32": data[-1], "uinteger": uinteger}
        return self


_STATE_FIELDS = (16, 16, 4, 8)       # bytes of: state, increment, buffered draw, seed


default_generator = Generator().manual_seed(
    np.random.SeedSequence().entropy % 2**63)    # type: ignore[operator]  # (an int here)


def manual_seed(seed: int) -> Generator:
    """Seed autodiff's default generator (``rand``, ``randn``, ``randint``, dropout...)."""
    return default_generator.manual_seed(seed)


def _random(draw, kernel, shape, dtype, device, requires_grad, generator):
    """``draw``'s numbers as a tensor, of a floating dtype (torch has no ``kernel`` for
    another)."""
    dt = _to_dtype(dtype) or D.DEFAULT_FLOAT
    if not dt.is_floating_point:
        raise _kernel_missing(kernel, dt)
    rng = (generator or default_generator)._rng
    return make_tensor(_place(jnp.asarray(draw(rng, tape.nonnegative(shape)), dt.np), device),
                 requires_grad)


@size_keyword
def rand(*size: int | Sequence[int], dtype: Optional[D.dtype] = None,
         device: Optional[DeviceLike] = None, requires_grad: bool = False,
         generator: Optional[Generator] = None) -> Tensor:
    """Uniform random numbers in [0, 1) from autodiff's generator."""
    return _random(lambda rng, s: rng.random(s), "check_uniform_bounds",
                   tape.ints_arg("rand", "size", 1, size, method=False), dtype, device,
                   requires_grad, generator)


@size_keyword
def randn(*size: int | Sequence[int], dtype: Optional[D.dtype] = None,
          device: Optional[DeviceLike] = None, requires_grad: bool = False,
          generator: Optional[Generator] = None) -> Tensor:
    """Standard normal random numbers from autodiff's generator."""
    return _random(lambda rng, s: rng.standard_normal(s), "normal_kernel_cpu",
                   tape.ints_arg("randn", "size", 1, size, method=False), dtype,
                   device, requires_grad, generator)


def randint(low: int = 0, high: Optional[int] = None, size: Sequence[int] = None,  # type: ignore[assignment]
            dtype: Optional[D.dtype] = None, device: Optional[DeviceLike] = None,
            requires_grad: bool = False, generator: Optional[Generator] = None) -> Tensor:
    """Random integers in ``[low, high)`` from autodiff's generator (``randint(high,
    size)``: from 0)."""
    given = 3                                        # randint(low, high, size)
    if size is None and high is not None:
        low, high, size, given = 0, low, high, 2    # randint(high, size)
    elif high is None:
        low, high, given = 0, low, 2
    high = tape.int_arg("randint", "high", given - 1, high, method=False)
    size = tape.nonnegative(tape.ints_arg("randint", "size", given, size, method=False,
                                          form="list"))
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} "
                           f">= to={high}")
    rng = (generator or default_generator)._rng
    return _integers(rng.integers(low, high, size), dtype, device, requires_grad)


def randperm(n: int, dtype: Optional[D.dtype] = None, device: Optional[DeviceLike] = None,
             requires_grad: bool = False, generator: Optional[Generator] = None) -> Tensor:
    """A random permutation of ``range(n)``."""
    rng = (generator or default_generator)._rng
    n = tape.int_arg("randperm", "n", 1, n, method=False)
    tape.nonnegative((n,))
    return _integers(rng.permutation(n), dtype, device, requires_grad)


def _integers(values, dtype, device, requires_grad):
    """Drawn integers as a leaf of ``dtype`` (int64 unless given)."""
    dt = _to_dtype(dtype) or D.int64
    _check_requires_grad(dt, requires_grad)
    return make_tensor(_place(jnp.asarray(values, dt.np), device), bool(requires_grad))


def rand_like(input: Tensor, dtype: Optional[D.dtype] = None,
              device: Optional[DeviceLike] = None, requires_grad: bool = False) -> Tensor:
    """``rand`` with the shape and dtype of ``input``."""
    return rand(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


def randn_like(input: Tensor, dtype: Optional[D.dtype] = None,
               device: Optional[DeviceLike] = None, requires_grad: bool = False) -> Tensor:
    """``randn`` with the shape and dtype of ``input``."""
    return randn(input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad)


# Random draws: made beside the tape (autodiff's generator) and handed in as ``draws``.
# Nothing flows back through a draw: zeros (torch's formulas; bernoulli(x, p) has none).
def _drawn(self, *, draws):
    return draws


def _nothing_back_through_a_draw(grad, draws):
    return (_zeros_like(grad),)


# ... in-place fills, whose old values are forgotten
row("uniform_", "UniformBackward0", _drawn, _nothing_back_through_a_draw)


@method
def uniform_(self: Tensor, from_: float = 0.0, to: float = 1.0, *,
             generator: Optional[Generator] = None) -> Tensor:
    """Fill ``self`` in place with draws from the uniform distribution on [from, to)
    (UniformBackward0 when recorded; NumPy's generator, so torch's numbers differ)."""
    return _random_fill_(self, "uniform_", lambda rng, shape: rng.uniform(from_, to, shape),
                         generator)


row("normal_", "NormalBackward0", _drawn, _nothing_back_through_a_draw)


@method
def normal_(self: Tensor, mean: float = 0.0, std: float = 1.0, *,
            generator: Optional[Generator] = None) -> Tensor:
    """Fill ``self`` in place with draws from N(mean, std^2) (NormalBackward0)."""
    return _random_fill_(self, "normal_", lambda rng, shape: rng.normal(mean, std, shape),
                         generator)


row("bernoulli_float_", "BernoulliBackward2", _drawn, _nothing_back_through_a_draw)
row("bernoulli_tensor_", "BernoulliBackward1", lambda self, p, *, draws: draws,
    (lambda grad: _zeros_like(grad), lambda grad, p: _zeros_like(p)))


@method
def bernoulli_(self: Tensor, p: Tensor | float = 0.5, *,
               generator: Optional[Generator] = None) -> Tensor:
    """Fill ``self`` in place with 1 where a draw falls below ``p`` (a number, or a tensor
    of probabilities broadcast to ``self``), else 0 (BernoulliBackward2 / 1)."""
    if isinstance(p, Tensor):
        probs = np.broadcast_to(np.asarray(p._value()), tuple(self.shape))
        return _random_fill_(self, "bernoulli_tensor_", lambda rng, shape: rng.random(shape)
                             < probs, generator, p)
    return _random_fill_(self, "bernoulli_float_", lambda rng, shape: rng.random(shape) < p,
                         generator)


row("exponential_", "ExponentialBackward0", _drawn, _nothing_back_through_a_draw)


@method
def exponential_(self: Tensor, lambd: float = 1.0, *,
                 generator: Optional[Generator] = None) -> Tensor:
    """Fill ``self`` in place with draws from the exponential distribution of rate
    ``lambd`` (ExponentialBackward0)."""
    return _random_fill_(self, "exponential_", lambda rng, shape: rng.exponential(
        1 / lambd, shape), generator)


row("geometric_", "GeometricBackward0", _drawn, _nothing_back_through_a_draw)


@method
def geometric_(self: Tensor, p: float, *, generator: Optional[Generator] = None) -> Tensor:
    """Fill ``self`` in place with the number of trials until a success of probability
    ``p`` (GeometricBackward0)."""
    return _random_fill_(self, "geometric_", lambda rng, shape: rng.geometric(p, shape),
                         generator)


row("log_normal_", "LogNormalBackward0", _drawn, _nothing_back_through_a_draw)


@method
def log_normal_(self: Tensor, mean: float = 1.0, std: float = 2.0, *,
                generator: Optional[Generator] = None) -> Tensor:
    """Fill ``self`` in place with ``exp`` of draws from N(mean, std^2) (LogNormalBackward0)."""
    return _random_fill_(self, "log_normal_", lambda rng, shape: rng.lognormal(
        mean, std, shape), generator)


row("cauchy_", "CauchyBackward0", _drawn, _nothing_back_through_a_draw)


@method
def cauchy_(self: Tensor, median: float = 0.0, sigma: float = 1.0, *,
            generator: Optional[Generator] = None) -> Tensor:
    """Fill ``self`` in place with draws from the Cauchy distribution (CauchyBackward0)."""
    return _random_fill_(self, "cauchy_", lambda rng, shape: median + sigma *
                         rng.standard_cauchy(shape), generator)


row("random_from_", "RandomBackward0", _drawn, _nothing_back_through_a_draw)
row("random_to_", "RandomBackward1", _drawn, _nothing_back_through_a_draw)
row("random_", "RandomBackward2", _drawn, _nothing_back_through_a_draw)


@method
def random_(self: Tensor, *bounds: Optional[int], to: Optional[int] = None,
            generator: Optional[Generator] = None) -> Tensor:
    """Fill ``self`` in place with random integers: in ``[from, to)`` (two bounds:
    RandomBackward0), ``[0, to)`` (one: RandomBackward1), or, without bounds, ``[0,
    2**mantissa]`` for floats, the dtype's range for integers (RandomBackward2)."""
    if to is not None:
        bounds = (*bounds, to)
    if len(bounds) == 2:
        op, (low, high) = "random_from_", bounds
    elif len(bounds) == 1:
        op, low, high = "random_to_", 0, bounds[0]
    else:
        info = np.finfo(self.dtype.np) if self.dtype.is_floating_point else None
        op, low = "random_", 0
        high = (2 ** (info.nmant + 1) + 1 if info is not None else
                int(np.iinfo(self.dtype.np).max) if self.dtype != D.bool_ else 2)
    return _random_fill_(self, op, lambda rng, shape: rng.integers(low, high, shape),
                         generator)


def _random_fill_(self, op, draw, generator, *inputs):
    draws = jnp.asarray(draw((generator or default_generator)._rng, tuple(self.shape)),
                        self.dtype.np)
    return tape.inplace(self, lambda old: apply(RULES[op], old, *inputs, draws=draws), fills=True)


# ... and draws from distributions whose parameters are tensors
row("bernoulli", "BernoulliBackward0", _drawn, _nothing_back_through_a_draw)
row("bernoulli_p", "NotImplemented", _drawn,
    (lambda grad: _not_implemented("bernoulli"),))


def bernoulli(input: Tensor, p: Optional[float] = None, *,
              generator: Optional[Generator] = None) -> Tensor:
    """1 with probability ``input`` (or ``p``), else 0, elementwise (BernoulliBackward0:
    zero gradients; with ``p``, torch has no derivative).

    >>> import autodiff
    >>> autodiff.bernoulli(autodiff.tensor([0.0, 1.0]))
    tensor([0., 1.])
    """
    rng = (generator or default_generator)._rng
    probs = np.asarray(input._value()) if p is None else p
    draws = jnp.asarray(rng.random(tuple(input.shape)) < probs, input.dtype.np)
    return apply(RULES["bernoulli" if p is None else "bernoulli_p"], input, draws=draws)


Tensor.bernoulli = lambda self, p=None, *, generator=None: bernoulli(
    self, p, generator=generator)


row("poisson", "PoissonBackward0", _drawn, _nothing_back_through_a_draw)


def poisson(input: Tensor, generator: Optional[Generator] = None) -> Tensor:
    """A draw from the Poisson distribution of each rate in ``input`` (PoissonBackward0:
    zero gradients)."""
    rng = (generator or default_generator)._rng
    draws = jnp.asarray(rng.poisson(np.asarray(input._value())), input.dtype.np)
    return apply(RULES["poisson"], input, draws=draws)


row("normal_tensor_float", "NormalBackward1", lambda mean, *, draws, mean_sym_sizes: draws,
    lambda grad, draws, mean_sym_sizes: (_zeros(mean_sym_sizes, grad),))
row("normal_float_tensor", "NormalBackward2", lambda std, *, draws, std_sym_sizes: draws,
    lambda grad, draws, std_sym_sizes: (_zeros(std_sym_sizes, grad),))
row("normal_tensor_tensor", "NormalBackward3",
    lambda mean, std, *, draws, mean_sym_sizes, std_sym_sizes: draws,
    lambda grad, draws, mean_sym_sizes, std_sym_sizes: (_zeros(mean_sym_sizes, grad),
                                                        _zeros(std_sym_sizes, grad)))


def normal(mean: Tensor | float, std: Tensor | float = 1.0, size: Optional[Sequence[int]] = None,
           *, generator: Optional[Generator] = None, dtype: Optional[D.dtype] = None,
           device: Optional[DeviceLike] = None, requires_grad: bool = False) -> Tensor:
    """Draws from N(mean, std^2): ``mean`` and ``std`` numbers (then ``size`` is the shape)
    or tensors, broadcast (NormalBackward1/2/3: zero gradients for them, as torch)."""
    rng = (generator or default_generator)._rng
    tensors = [t for t in (mean, std) if isinstance(t, Tensor)]
    if not isinstance(std, Tensor) and std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    if not tensors:
        return _random(lambda rng_, shape: rng_.normal(mean, std, shape), "normal_kernel_cpu",
                       tape.ints_arg("normal", "size", 3, size, method=False, form="list"),
                       dtype, device, requires_grad, generator)
    shape = broadcast_shapes(*(t.shape for t in tensors))
    values = [np.asarray(t._value()) if isinstance(t, Tensor) else t for t in (mean, std)]
    draws = jnp.asarray(rng.normal(*values, tuple(shape)),  # type: ignore[call-overload]
                        tensors[0].dtype.np)
    if isinstance(mean, Tensor) and isinstance(std, Tensor):
        return apply(RULES["normal_tensor_tensor"], mean, std, draws=draws,
                     mean_sym_sizes=mean._array.shape, std_sym_sizes=std._array.shape)
    if isinstance(mean, Tensor):
        return apply(RULES["normal_tensor_float"], mean, draws=draws,
                     mean_sym_sizes=mean._array.shape)
    return apply(RULES["normal_float_tensor"], std, draws=draws, std_sym_sizes=std._array.shape)


@method
def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *,
                generator: Optional[Generator] = None) -> Tensor:
    """``num_samples`` indices drawn for each row of weights in ``input`` (1-d or 2-d),
    with or without replacement (int64; not recorded).

    >>> import autodiff
    >>> autodiff.multinomial(autodiff.tensor([0.0, 0.0, 1.0]), 2, replacement=True)
    tensor([2, 2])
    """
    if input.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    n = input.shape[-1]
    if not replacement and num_samples > n:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                           "replacement")
    rng = (generator or default_generator)._rng
    weights = np.asarray(input._value(), np.float64).reshape(-1, n)
    rows = [rng.choice(n, num_samples, replace=replacement, p=w / w.sum()) for w in weights]
    return make_tensor(jnp.asarray(np.stack(rows).reshape(*input.shape[:-1], num_samples), jnp.int64))


def randint_like(input: Tensor, low: int = 0, high: Optional[int] = None, *,
                 dtype: Optional[D.dtype] = None, device: Optional[DeviceLike] = None,
                 requires_grad: bool = False) -> Tensor:
    """``randint`` with the shape (and dtype) of ``input``: one bound is ``high``."""
    if high is None:
        low, high = 0, low
    return randint(low, high, tuple(input.shape), dtype=dtype or input.dtype)



row("binomial", "NotImplemented", lambda count, prob, *, draws: draws,
    (lambda grad: _not_implemented("binomial"), lambda grad: _not_implemented("binomial")))


def binomial(count: Tensor, prob: Tensor, generator: Optional[Generator] = None) -> Tensor:
    """The number of successes in ``count`` trials of probability ``prob`` (broadcast),
    one draw per element (torch has no derivative: a NotImplemented node). A probability
    outside [0, 1] is clamped into it, a negative count is 0.

    >>> import autodiff
    >>> autodiff.binomial(autodiff.tensor([0.0, 4.0]), autodiff.tensor([0.5, 1.0]))
    tensor([0., 4.])
    """
    if not count.dtype.is_floating_point:
        raise ValueError(f"binomial only supports floating-point dtypes for count, got: "
                         f"{D.c_name(count.dtype)}")
    if prob.dtype is not count.dtype:
        raise RuntimeError(f"Found dtype {D.c_name(prob.dtype)} but expected "
                           f"{D.c_name(count.dtype)}")
    shape = tuple(broadcast_shapes(count.shape, prob.shape))
    rng = (generator or default_generator)._rng
    draws = rng.binomial(np.maximum(np.asarray(count._value(), np.float64), 0).astype(np.int64),
                         np.clip(np.asarray(prob._value(), np.float64), 0, 1), shape)
    return apply(RULES["binomial"], count, prob, draws=jnp.asarray(draws, count.dtype.np))


if not TYPE_CHECKING:         # (see exported: a type checker reads every public name)
    __all__ = exported(globals())
