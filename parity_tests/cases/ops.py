"""One case per row of the derivative table, forward and backward.

Every case is a function of ``torch`` and its inputs, run with ``torch`` bound to the
framework under test (tinygrad's ``helper_test_op``: one body, two frameworks): a lambda
for a one-line case, a function for a case of a few statements (``op_def``). Its inputs
``a``, ``b`` are float64 leaves requiring grad, drawn from a fixed-seed NumPy generator,
so both frameworks get the same numbers. The output is observed with its ``grad_fn``
name, then ``out.backward(weights)`` with random weights (a weighted sum of the output,
without adding ops of our own to the graph) and each input's grad is observed.

``OP_CASES`` maps each op name of ``autodiff.tape.RULES`` to its case (torch's
function names, plus the table's names for the variants torch gives a node of
their own: ``sum_dim`` is ``SumBackward1``, ``select`` is ``a[1]``);
``VARIANT_CASES`` adds broadcasting, Python-scalar and dispatch variants.
"""

import dis
import inspect
import linecache
import textwrap

import numpy as np

POSITIVE = dict(low=0.5, high=2.0)


def op_case(body, *shapes: tuple[int, ...], low: float = -2.0, high: float = 2.0,
            text: str | None = None):
    """The case computing ``body(torch, a, b, ...)`` on leaves of the given shapes.

    ``body`` returns the output observed as ``out``. Inputs are uniform in
    ``[low, high)``: pass ``**POSITIVE`` for ops defined on positive numbers (log, sqrt)
    or unstable near zero (division). ``text`` describes the body (its source, by default).
    """
    names = "abc"[:len(shapes)]

    def run(T):
        """The inputs (name -> leaf), the output, and the backward's weights."""
        rng = np.random.default_rng(0)
        inputs = {name: T.tensor(rng.uniform(low, high, shape).tolist(), dtype=T.float64,
                                 requires_grad=True)
                  for name, shape in zip(names, shapes)}
        out = body(T, *inputs.values())
        weights = T.tensor(rng.uniform(0.5, 1.5, tuple(out.shape)).tolist(), dtype=out.dtype)
        return inputs, out, weights

    def case(T):
        inputs, out, weights = run(T)
        yield "out", out
        yield "out.grad_fn", None if out.grad_fn is None else type(out.grad_fn).__name__
        out.backward(weights)
        for name, tensor in inputs.items():
            yield f"{name}.grad", tensor.grad

    described = ", ".join(f"{name}{list(shape)}" for name, shape in zip(names, shapes))
    case.__doc__ = (f"``{text or _source(body)}`` on float64 leaves {described} drawn in "
                    f"[{low}, {high}).")
    case.run = run
    return case


def op_def(table: dict, name: str, *shapes: tuple[int, ...], **domain):
    """``@op_def(OP_CASES, "var_mean", (2, 3))`` over a function of a few statements:
    its case (see ``op_case``), filed in ``table`` under ``name``."""
    def register(body):
        table[name] = op_case(body, *shapes, **domain)
        return body
    return register


def _source(body) -> str:
    """What a case computes, as written: a lambda's expression, a function's statements."""
    if body.__name__ != "<lambda>":
        lines = inspect.getsource(body).splitlines()
        start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("def "))
        return "; ".join(line.strip() for line in textwrap.dedent(
            "\n".join(lines[start + 1:])).splitlines()).replace("return ", "")
    spans = [p for p in (i.positions for i in dis.get_instructions(body))   # (not RESUME,
             if p.lineno is not None and (p.end_lineno, p.end_col_offset) >  # RETURN_VALUE:
             (p.lineno, p.col_offset)]                                           # no width)
    first = min((p.lineno, p.col_offset) for p in spans)
    last = max((p.end_lineno, p.end_col_offset) for p in spans)
    lines = linecache.getlines(body.__code__.co_filename)[first[0] - 1:last[0]]
    lines[-1] = lines[-1][:last[1]]
    lines[0] = lines[0][first[1]:]
    return " ".join(line.strip() for line in lines)


def binary(function: str, **domain):
    """``torch.function(a, b)`` on two 2x3 inputs."""
    return op_case(lambda torch, a, b: getattr(torch, function)(a, b), (2, 3), (2, 3),
                   text=f"torch.{function}(a, b)", **domain)


def unary(function: str, shape=(2, 3), **domain):
    """``torch.function(a)`` on one input."""
    return op_case(lambda torch, a: getattr(torch, function)(a), shape,
                   text=f"torch.{function}(a)", **domain)


OP_CASES = {
    # Elementwise, two inputs.
    "add": binary("add"),
    "sub": binary("sub"),
    "rsub": binary("rsub"),
    "mul": binary("mul"),
    "div": binary("div", **POSITIVE),
    "pow": op_case(lambda torch, a: a ** 2, (2, 3)),
    "pow_tensor": binary("pow", **POSITIVE),
    "pow_scalar": op_case(lambda torch, a: 2 ** a, (2, 3)),
    "xlogy": binary("xlogy", **POSITIVE),
    "xlogy_scalar_self": op_case(lambda torch, a: torch.xlogy(2.0, a), (2, 3), **POSITIVE),
    "xlogy_scalar_other": op_case(lambda torch, a: a.xlogy(3.0), (2, 3)),
    "maximum": binary("maximum"),
    "fmax": op_case(lambda torch, a, b:
                        torch.fmax(a, b.masked_fill(b > 1, float('nan'))), (2, 3), (3,)),
    "fmin": op_case(lambda torch, a, b: a.fmin(b), (2, 3), (2, 3)),
    "minimum": binary("minimum"),
    "where": op_case(lambda torch, a, b: torch.where(a > 0, a, b), (2, 3), (2, 3)),
    # Elementwise, three inputs (broadcast), and lerp from either end.
    "addcmul": op_case(lambda torch, a, b, c:
                           torch.addcmul(a, b, c, value=0.5), (2, 3), (3,), (2, 1)),
    "addcdiv": op_case(lambda torch, a, b, c:
                           torch.addcdiv(a, b, c * c + 0.5, value=-2), (2, 3), (3,), (2, 1)),
    "lerp": op_case(lambda torch, a, b: torch.lerp(a, b, 0.3) + b.lerp(a, 0.8), (2, 3), (3,)),
    "lerp_tensor": op_case(lambda torch, a, b, c: torch.lerp(a, b, c), (2, 3), (3,), (2, 1)),
    # Elementwise, one input.
    "neg": unary("neg"),
    "abs": unary("abs"),
    "sign": unary("sign"),
    "floor": unary("floor"),
    "ceil": unary("ceil"),
    "trunc": unary("trunc"),
    "round": unary("round"),
    "round_decimals": op_case(lambda torch, a: a.round(decimals=1), (2, 3)),
    "sgn": unary("sgn"),
    "reciprocal": unary("reciprocal", **POSITIVE),
    "exp": unary("exp"),
    "log": unary("log", **POSITIVE),
    "sqrt": unary("sqrt", **POSITIVE),
    "rsqrt": unary("rsqrt", **POSITIVE),
    "sin": unary("sin"),
    "cos": unary("cos"),
    "tan": unary("tan", low=-1.2, high=1.2),
    "sinh": unary("sinh"),
    "cosh": unary("cosh"),
    "asin": unary("asin", low=-0.9, high=0.9),
    "asinh": unary("asinh"),
    "acosh": unary("acosh", low=1.2, high=3.0),
    "atanh": unary("atanh", low=-0.9, high=0.9),
    "asinh_": op_case(lambda torch, a: (a * 1).asinh_(), (2, 3)),
    "acosh_": op_case(lambda torch, a: torch.arccosh_(a * 2), (2, 3), low=0.7, high=2.0),
    "atanh_": op_case(lambda torch, a: (a * 0.4).arctanh_(), (2, 3)),
    "arcsinh_method": op_case(lambda torch, a: a.arcsinh() * a.arccosh().arctanh(), (2, 3), low=1.1, high=1.4),
    "acos": unary("acos", low=-0.9, high=0.9),
    "atan": unary("atan"),
    "log1p": unary("log1p", low=-0.5, high=2.0),
    "logit": op_case(lambda torch, a:
                         torch.logit(a) + torch.logit(a, eps=0.25), (2, 3), low=0.05, high=0.95),
    "expm1": unary("expm1"),
    "tanh": unary("tanh"),
    "sigmoid": unary("sigmoid"),
    "relu": unary("relu"),
    "clamp_min": op_case(lambda torch, a: a.clamp_min(0.25), (2, 3)),
    "clamp_max": op_case(lambda torch, a: torch.clamp_max(a, 0.25), (2, 3)),
    "clamp": op_case(lambda torch, a: torch.clamp(a, min=-0.5, max=1.0), (2, 3)),
    "clamp_tensor": op_case(lambda torch, a, b, c: torch.clamp(a, b, c - 1), (2, 3), (3,), (2, 1)),
    # Products of matrices and vectors.
    "mm": op_case(lambda torch, a, b: torch.mm(a, b), (2, 3), (3, 4)),
    "mv": op_case(lambda torch, a, b: torch.mv(a, b), (2, 3), (3,)),
    "bmm": op_case(lambda torch, a, b: torch.bmm(a, b), (2, 2, 3), (2, 3, 4)),
    "matmul": op_case(lambda torch, a, b: torch.matmul(a, b), (2, 3), (3, 4)),
    "squeeze_matmul": op_case(lambda torch, a, b: a @ b, (3,), (3, 2)),
    "dot": op_case(lambda torch, a, b: torch.dot(a, b), (3,), (3,)),
    "vdot": op_case(lambda torch, a, b: torch.vdot(a, b), (3,), (3,)),
    # Reductions, whole tensor and along dimensions.
    "sum": unary("sum"),
    "sum_dim": op_case(lambda torch, a: a.sum(dim=1, keepdim=True), (2, 3)),
    "mean": unary("mean"),
    "mean_dim": op_case(lambda torch, a: a.mean(dim=0), (2, 3)),
    "prod": unary("prod"),
    "prod_dim": op_case(lambda torch, a: a.prod(dim=1), (2, 3)),
    "max": unary("max"),
    "max_dim": op_case(lambda torch, a: a.max(dim=1).values, (2, 3)),
    "min": unary("min"),
    "min_dim": op_case(lambda torch, a: a.min(dim=0, keepdim=True).values, (2, 3)),
    "median": unary("median"),
    "median_dim": op_case(lambda torch, a: a.median(dim=1).values, (2, 3)),
    "nanmedian": op_case(lambda torch, a: torch.nanmedian(a.log()), (2, 3)),
    "nanmedian_dim": op_case(lambda torch, a: a.log().nanmedian(dim=0, keepdim=True).values, (3, 4)),
    "quantile": op_case(lambda torch, a: torch.quantile(a, 0.3) * a.quantile(torch.tensor([0.25, 0.9], dtype=torch.float64), dim=1, keepdim=True), (2, 5)),
    "nanquantile_midpoint": op_case(lambda torch, a: a.log().nanquantile(0.4, 0, interpolation='midpoint'), (4, 3)),
    "amax": op_case(lambda torch, a: torch.amax(a, dim=1), (2, 3)),
    "amin": op_case(lambda torch, a: torch.amin(a, dim=1), (2, 3)),
    "norm": unary("norm"),
    "var": unary("var"),
    "std": unary("std"),
    "kthvalue": op_case(lambda torch, a: torch.kthvalue(a, 2, 1).values, (2, 4)),
    "mode": op_case(lambda torch, a: a.round().mode(0).values * a[0], (5, 3)),
    "dist": op_case(lambda torch, a, b: torch.dist(a, b, 3), (2, 3), (3,)),
    "cdist": op_case(lambda torch, a, b: torch.cdist(a, b, p=3), (3, 2), (4, 2)),
    "euclidean_dist": op_case(lambda torch, a, b: torch.cdist(
        a, b, compute_mode="use_mm_for_euclid_dist"), (3, 2), (4, 2)),
    # (no derivative: the backward fails in both)
    "cdist_backward": op_case(lambda torch, a, b: torch.autograd.grad(
        torch.cdist(a, b).sum(), a, create_graph=True)[0], (3, 2), (4, 2)),
    "logsumexp": op_case(lambda torch, a: torch.logsumexp(a, dim=1), (2, 3)),
    "softmax": op_case(lambda torch, a: torch.softmax(a, dim=1), (2, 3)),
    "log_softmax": op_case(lambda torch, a: torch.log_softmax(a, dim=1), (2, 3)),
    # Joining.
    "cat": op_case(lambda torch, a, b: torch.cat([a, b], dim=0), (2, 3), (1, 3)),
    "stack": op_case(lambda torch, a, b: torch.stack([a, b]), (2, 3), (2, 3)),
    # Views and reshapes.
    "view": op_case(lambda torch, a: a.view(3, 2), (2, 3)),
    "reshape": op_case(lambda torch, a: a.reshape(3, 2), (2, 3)),
    "unsafe_view": op_case(lambda torch, a: a.t().reshape(6), (2, 3)),
    "reshape_alias": op_case(lambda torch, a: a.t().reshape(3, 1, 2), (2, 3)),
    "flatten": op_case(lambda torch, a: a.flatten(), (2, 3, 2)),
    "alias": op_case(lambda torch, a: a[...], (2, 3)),
    "t": op_case(lambda torch, a: a.t(), (2, 3)),
    "transpose": op_case(lambda torch, a: a.transpose(0, 2), (2, 3, 4)),
    "permute": op_case(lambda torch, a: a.permute(2, 0, 1), (2, 3, 4)),
    "squeeze": op_case(lambda torch, a: a.squeeze(), (2, 1, 3)),
    "squeeze_dim": op_case(lambda torch, a: a.squeeze(1), (2, 1, 3)),
    "squeeze_dims": op_case(lambda torch, a: a.squeeze((1, 2)), (2, 1, 1, 3)),
    "unsqueeze": op_case(lambda torch, a: a.unsqueeze(1), (2, 3)),
    # ... and in place: the tensor itself takes the view's shape (TBackward1...)
    "t_": op_case(lambda torch, a: (a * 1).t_(), (2, 3)),
    "transpose_": op_case(lambda torch, a: (a * 1).transpose_(0, 2), (2, 3, 4)),
    "squeeze_": op_case(lambda torch, a: (a * 1).squeeze_(), (2, 1, 3)),
    "squeeze_dim_": op_case(lambda torch, a: (a * 1).squeeze_(1), (2, 1, 3)),
    "squeeze_dims_": op_case(lambda torch, a: (a * 1).squeeze_((1, 2)), (2, 1, 1, 3)),
    "unsqueeze_": op_case(lambda torch, a: (a * 1).unsqueeze_(1), (2, 3)),
    "expand": op_case(lambda torch, a: a.expand(4, 3), (1, 3)),
    "as_strided": op_case(lambda torch, a: a.as_strided((2, 2), (1, 3)), (2, 3)),
    # Indexing, and the backward of indexing differentiated again (create_graph).
    "select": op_case(lambda torch, a: a[1], (3, 4)),
    "slice": op_case(lambda torch, a: a[:, 1:3], (3, 4)),
    "index": op_case(lambda torch, a: a[[0, 2]], (3, 4)),
    # Copies and in-place writes into a non-leaf.
    "clone": op_case(lambda torch, a: a.clone(), (2, 3)),
    "to": op_case(lambda torch, a: a.to(torch.float32), (2, 3)),
    "rsub_scalar": op_case(lambda torch, a: 2 - a, (2, 3)),
    "copy_": op_case(lambda torch, a, b: (a * 1).copy_(b), (2, 3), (3,)),
    "zero_": op_case(lambda torch, a: (a * 1).zero_(), (2, 3)),
    "fill_": op_case(lambda torch, a: (a * 1).fill_(2.0), (2, 3)),
    "fill_tensor": op_case(lambda torch, a, b: (a * 1).fill_(b * 2), (2, 3), ()),
    "fill": op_case(lambda torch, a: torch.fill(a * 1, 2.0), (2, 3)),
    "fill_tensor_out": op_case(lambda torch, a, b: torch.fill(a * 1, b * 2), (2, 3), ()),
    "flip": op_case(lambda torch, a: torch.flip(a, (1,)), (2, 3)),
    "cumsum": op_case(lambda torch, a: torch.cumsum(a, 1), (2, 3)),
    "cumprod": op_case(lambda torch, a: torch.cumprod(a.masked_fill(a > 1, 0), 1), (2, 4)),
    "logcumsumexp": op_case(lambda torch, a: a.logcumsumexp(0), (3, 2)),
    "rot90": op_case(lambda torch, a: torch.rot90(a, -1, (0, 2)), (2, 3, 2)),
    "cummax": op_case(lambda torch, a: torch.cummax(a.round(), 1).values, (2, 4)),
    "cummin": op_case(lambda torch, a: a.cummin(0)[0], (3, 2)),
    "nansum": op_case(lambda torch, a: torch.nansum(a.log(), 1), (2, 3)),
    "erf": unary("erf"),
    "erfc": unary("erfc"),
    "erfinv": unary("erfinv", low=-0.9, high=0.9),
    "lgamma": unary("lgamma", low=-2.5, high=-2.1),
    "digamma": unary("digamma", **POSITIVE),
    "polygamma": op_case(lambda torch, a: torch.polygamma(2, a), (2, 3), **POSITIVE),
    "log2": unary("log2", **POSITIVE),
    "log10": unary("log10", **POSITIVE),
    "exp2": unary("exp2"),
    "atan2": binary("atan2"),
    "hypot": binary("hypot"),
    "logaddexp": binary("logaddexp"),
    "logaddexp2": binary("logaddexp2"),
    "frac": unary("frac"),
    "nan_to_num": op_case(lambda torch, a:
                              torch.nan_to_num(torch.log(a), nan=0.5, posinf=2.0), (2, 3)),
    "sinc": op_case(lambda torch, a: torch.sinc(torch.cat([a, a * 0])), (2, 3)),
    "copysign": binary("copysign"),
    "copysign_scalar": op_case(lambda torch, a: a.copysign(-1.0), (2, 3)),
    "deg2rad": unary("deg2rad"),
    "rad2deg": unary("rad2deg"),
    "div_mode": op_case(lambda torch, a, b:
                            torch.div(a, b, rounding_mode='floor'), (2, 3), (2, 3), **POSITIVE),
    "remainder": binary("remainder", **POSITIVE),
    "remainder_scalar": op_case(lambda torch, a: a % 0.7, (2, 3)),
    "fmod": binary("fmod", **POSITIVE),
    "fmod_scalar": op_case(lambda torch, a: torch.fmod(a, -0.7), (2, 3)),
    "floor_divide": op_case(lambda torch, a, b:
                                a // b, (2, 3), (2, 3), **POSITIVE),        # no derivative
    "remainder_scalar_self": op_case(lambda torch, a:
                                         5 % a, (2, 3), **POSITIVE),        # no derivative
    "linalg_cross": op_case(lambda torch, a, b: torch.linalg.cross(a, b), (2, 3), (2, 3)),
    # Neural-network primitives, through torch.nn.functional.
    "addmm": op_case(lambda torch, a, b, c:
                         torch.nn.functional.linear(a, b, c), (4, 3), (2, 3), (2,)),
    "addmv": op_case(lambda torch, a, b, c:
                         torch.addmv(a, b, c, beta=0.5, alpha=2), (2,), (2, 3), (3,)),
    "addr": op_case(lambda torch, a, b, c: a.addr(b, c, alpha=-1.5), (2, 3), (2,), (3,)),
    "baddbmm": op_case(lambda torch, a, b, c:
                           torch.baddbmm(a, b, c, beta=2), (3,), (2, 2, 3), (2, 3, 3)),
    "addbmm": op_case(lambda torch, a, b, c: torch.addbmm(a, b, c), (2, 3), (2, 2, 4), (2, 4, 3)),
    "mul_scalar": op_case(lambda torch, a:
                              torch.nn.functional.cross_entropy(a, torch.tensor([0, 2]), label_smoothing=0.1),
                          (2, 3)),
    "div_scalar": op_case(lambda torch, a, b:
                              torch.nn.functional.cross_entropy(a, b.softmax(1)), (2, 3), (2, 3)),
    "gelu": op_case(lambda torch, a: torch.nn.functional.gelu(a), (2, 3)),
    "batch_norm": op_case(lambda torch, a, b, c:
                              torch.nn.functional.batch_norm(a, None, None, b, c, training=True) * a, (4, 3),
                          (3,), (3,)),
    "leaky_relu": op_case(lambda torch, a: torch.nn.functional.leaky_relu(a, 0.2), (2, 3)),
    "leaky_relu_": op_case(lambda torch, a:
                               torch.nn.functional.leaky_relu(a * 1, 0.2, inplace=True), (2, 3)),
    "_trilinear": op_case(lambda torch, a, b, c: torch.bilinear(a, b, c) ** 2, (2, 3), (2, 4),
                          (5, 3, 4)),
    "_pdist_forward": op_case(lambda torch, a: torch.pdist(a, 3) + torch.pdist(a), (4, 3)),
    "adaptive_max_pool2d": op_case(lambda torch, a: torch.nn.functional.adaptive_max_pool2d(
        a, (2, 3)), (1, 2, 5, 7)),
    "max_pool3d": op_case(lambda torch, a: torch.max_pool3d(a, 2, (1, 2, 1), 1, 1, True),
                          (1, 2, 3, 4, 3)),
    "pixel_shuffle": op_case(lambda torch, a: torch.pixel_shuffle(a, 2) ** 2, (1, 8, 2, 3)),
    "pixel_unshuffle": op_case(lambda torch, a: torch.pixel_unshuffle(a, 2) ** 2, (2, 4, 6)),
    "channel_shuffle": op_case(lambda torch, a: torch.channel_shuffle(a, 2) ** 2, (2, 6, 3)),
    "native_channel_shuffle": op_case(lambda torch, a: torch.native_channel_shuffle(a, 3),
                                      (2, 6, 3)),
    "rrelu_with_noise": op_case(lambda torch, a:
                                torch.rrelu(a, 0.2, 0.4) * torch.rrelu(a, 0.25, 0.25, True),
                                (2, 3)),
    "rrelu_with_noise_": op_case(lambda torch, a: torch.rrelu_(a * 1, 0.2, 0.4), (2, 3)),
    "elu": op_case(lambda torch, a:
                       torch.nn.functional.elu(a, 0.5) + torch.nn.functional.selu(a), (2, 3)),
    "elu_": op_case(lambda torch, a: torch.nn.functional.elu(a * 1, inplace=True), (2, 3)),
    "silu": op_case(lambda torch, a: torch.nn.functional.silu(a), (2, 3)),
    "softplus": op_case(lambda torch, a:
                            torch.nn.functional.softplus(a) + torch.nn.functional.softplus(a, beta=3, threshold=2),
                        (2, 3)),
    "hardtanh": op_case(lambda torch, a:
                            torch.nn.functional.hardtanh(a, -0.5, 0.5) + torch.nn.functional.relu6(a * 4), (2, 3)),
    "mse_loss": op_case(lambda torch, a, b: torch.nn.functional.mse_loss(a, b), (2, 3), (2, 3)),
    "nll_loss": op_case(lambda torch, a:
                            torch.nn.functional.nll_loss(a, torch.tensor([0, 2])), (2, 3)),
    "nll_loss2d": op_case(lambda torch, a:
                              torch.nn.functional.nll_loss(a, torch.tensor([[[0, 2]], [[1, 1]]])), (2, 3, 1, 2)),
    "binary_cross_entropy": op_case(lambda torch, a, b:
                                        torch.nn.functional.binary_cross_entropy(a, b), (2, 3), (2, 3),
                                    low=0.1, high=0.9),
    "binary_cross_entropy_with_logits": op_case(lambda torch, a, b:
                                                    torch.nn.functional.binary_cross_entropy_with_logits(a, b),
                                                (2, 3), (2, 3)),
    "gather": op_case(lambda torch, a: a.gather(1, torch.tensor([[0, 2, 2], [1, 1, 0]])), (2, 3)),
    "scatter_add": op_case(lambda torch, a, b:
                               a.scatter_add(1, torch.tensor([[0, 2], [1, 1]]), b), (2, 3),
                           (2, 2)),
    # (each framework draws its own numbers: the case multiplies them away)
    "uniform_": op_case(lambda torch, a: (a * 1).uniform_() * 0 + a, (2, 3)),
    "normal_": op_case(lambda torch, a: (a * 1).normal_() * 0 + a, (2, 3)),
    "bernoulli_float_": op_case(lambda torch, a: (a * 1).bernoulli_(0.25) * 0 + a, (2, 3)),
    "bernoulli_tensor_": op_case(lambda torch, a, b:
                                     (a * 1).bernoulli_(b.sigmoid()) * 0 + a + b, (2, 3), (3,)),
    "exponential_": op_case(lambda torch, a: (a * 1).exponential_(2.0) * 0 + a, (2, 3)),
    "geometric_": op_case(lambda torch, a: (a * 1).geometric_(0.5) * 0 + a, (2, 3)),
    "log_normal_": op_case(lambda torch, a: (a * 1).log_normal_(0.0, 0.5) * 0 + a, (2, 3)),
    "cauchy_": op_case(lambda torch, a: (a * 1).cauchy_() * 0 + a, (2, 3)),
    "random_": op_case(lambda torch, a: (a * 1).random_() * 0 + a, (2, 3)),
    "random_to_": op_case(lambda torch, a: (a * 1).random_(5) * 0 + a, (2, 3)),
    "random_from_": op_case(lambda torch, a: (a * 1).random_(-3, 3) * 0 + a, (2, 3)),
    "bernoulli": op_case(lambda torch, a: torch.bernoulli(a.sigmoid()) * 0 + a, (2, 3)),
    "bernoulli_p": op_case(lambda torch, a: torch.bernoulli(a, 0.5) * 0 + a, (2, 3)),
    "poisson": op_case(lambda torch, a: torch.poisson(a.exp()) * 0 + a, (2, 3)),
    "normal_tensor_float": op_case(lambda torch, a: torch.normal(a, 0.5) * 0 + a, (2, 3)),
    "normal_float_tensor": op_case(lambda torch, a: torch.normal(2.0, a.exp()) * 0 + a, (2, 3)),
    "normal_tensor_tensor": op_case(lambda torch, a, b:
                                        torch.normal(a, b.exp()) * 0 + a * b, (2, 1), (3,)),
    "diagonal": op_case(lambda torch, a: a.diagonal(1), (3, 4)),
    "diagonal_copy": op_case(lambda torch, a: torch.diag(a, -1), (4, 3)),
    "diag_embed": op_case(lambda torch, a: torch.diag_embed(a, 1), (2, 3)),
    "trace": op_case(lambda torch, a: torch.trace(a), (3, 4)),
    "roll": op_case(lambda torch, a: torch.roll(a, (1, -2), (0, 1)), (2, 3)),
    "inverse": op_case(lambda torch, a: torch.inverse(a + torch.eye(3) * 3), (3, 3)),
    "det": op_case(lambda torch, a: torch.det(a + torch.eye(3) * 3), (2, 3, 3)),
    "scatter": op_case(lambda torch, a, b:
                           a.scatter(1, torch.tensor([[0, 2], [1, 0]]), b), (2, 3), (2, 2)),
    "sort": op_case(lambda torch, a: a.sort(1, descending=True).values, (2, 3)),
    "topk": op_case(lambda torch, a: a.topk(2).values, (2, 3)),
    "index_select": op_case(lambda torch, a: a.index_select(0, torch.tensor([1, 0, 1])), (2, 3)),
    "index_add": op_case(lambda torch, a, b:
                             a.index_add(1, torch.tensor([2, 0]), b), (2, 3), (2, 2)),
    "masked_fill": op_case(lambda torch, a: a.masked_fill(a > 0, 0.5), (2, 3)),
    "masked_fill_tensor": op_case(lambda torch, a, b: a.masked_fill(a > 0, b.sum()), (2, 3), (2,)),
    "masked_select": op_case(lambda torch, a:
                                 torch.masked_select(a, torch.tensor([True, False, True])),
                             (2, 3)),
    "take": op_case(lambda torch, a: torch.take(a, torch.tensor([[0, 5], [-1, 2]])), (2, 3)),
    "put": op_case(lambda torch, a, b: a.put(torch.tensor([4, 0, -1]), b), (2, 3), (3,)),
    "index_fill": op_case(lambda torch, a: a.index_fill(1, torch.tensor([0, -1]), 0.5), (2, 3)),
    "index_fill_tensor": op_case(lambda torch, a, b:
                                     a.index_fill(1, torch.tensor([2, 0, 2]), b.sum()), (2, 3),
                                 (2,)),
    "index_copy": op_case(lambda torch, a, b:
                              a.index_copy(1, torch.tensor([2, 0]), b), (2, 3), (2, 2)),
    "masked_scatter": op_case(lambda torch, a, b:
                                  a.masked_scatter(torch.tensor([[[True, False, True]], [[False, True, True]]]), b), (2, 3), (2, 3, 2)),
    "select_scatter": op_case(lambda torch, a, b: torch.select_scatter(a, b, 0, -1), (2, 3), (3,)),
    "slice_scatter": op_case(lambda torch, a, b:
                                 torch.slice_scatter(a, b, 1, 0, 3, 2), (2, 3), (2, 2)),
    "heaviside": op_case(lambda torch, a, b: torch.heaviside(a, b), (2, 3), (3,)),
    "scatter_reduce_legacy": op_case(lambda torch, a, b: a.scatter(
        1, torch.tensor([[2, 0], [1, 1]]), b, reduce='multiply'), (2, 3), (2, 2)),
    "ldexp": op_case(lambda torch, a, b: torch.ldexp(a, b), (2, 3), (3,)),
    "renorm": op_case(lambda torch, a: a.renorm(2, 0, 1.0), (2, 3)),
    "block_diag": op_case(lambda torch, a, b, c:
                              torch.block_diag(a, b.sum(), c, torch.ones(0)), (2,), (2,), (2, 2)),
    "unfold": op_case(lambda torch, a: a.unfold(0, 2, 3) * a.unfold(0, 2, 3), (7, 2)),
    "bincount": op_case(lambda torch, a: torch.bincount(torch.tensor([1, 1, 3]), weights=a), (3,)),
    "unique": op_case(lambda torch, a: torch.unique(a.round()), (2, 3)),
    "detach_copy": op_case(lambda torch, a: torch.detach_copy(a * 2), (2, 3)),  # no derivative
    # (no derivative; probabilities 0 and 1: draws certain in both generators)
    "binomial": op_case(lambda torch, a: torch.binomial(a * 0 + 3, (a > 0).to(a.dtype)), (2, 3)),
    "unique_dim": op_case(lambda torch, a: torch.unique(a.round(), dim=1), (2, 3)),
    "tril": op_case(lambda torch, a: a.tril(), (3, 3)),
    "triu": op_case(lambda torch, a: torch.triu(a, 1), (2, 3, 3)),
    "repeat": op_case(lambda torch, a: a.repeat(2, 1, 2), (2, 3)),
    "embedding": op_case(lambda torch, a:
                             torch.nn.functional.embedding(torch.tensor([[0, 2], [3, 0]]), a), (4, 3)),
    "layer_norm": op_case(lambda torch, a, b, c:
                              torch.nn.functional.layer_norm(a, (3,), b, c), (2, 3), (3,), (3,)),
    "convolution": op_case(lambda torch, a, b, c:
                               torch.nn.functional.conv2d(a, b, c, stride=2, padding=1), (2, 2, 5, 5),
                           (3, 2, 3, 3), (3,)),
    "max_pool2d": op_case(lambda torch, a: torch.nn.functional.max_pool2d(a, 2), (1, 2, 4, 4)),
    # in-place comparisons (zero gradients) and scatter_reduce
    "eq_": op_case(lambda torch, a: (a * 1).eq_(a[0, 1]) * a, (2, 3)),
    "eq_tensor_": op_case(lambda torch, a, b: (a * 1).eq_(b) * a * b, (2, 3), (3,)),
    "ne_": op_case(lambda torch, a: (a * 1).ne_(0.5) * a, (2, 3)),
    "ne_tensor_": op_case(lambda torch, a, b: (a * 1).not_equal_(b) * b, (2, 3), (3,)),
    "lt_": op_case(lambda torch, a: (a * 1).lt_(0.5) * a, (2, 3)),
    "lt_tensor_": op_case(lambda torch, a, b: (a * 1).less_(b) * b, (2, 3), (2, 1)),
    "le_": op_case(lambda torch, a: (a * 1).less_equal_(-0.5) * a, (2, 3)),
    "le_tensor_": op_case(lambda torch, a, b: (a * 1).le_(b) * b, (2, 3), (3,)),
    "gt_": op_case(lambda torch, a: (a * 1).gt_(0) * a, (2, 3)),
    "gt_tensor_": op_case(lambda torch, a, b: (a * 1).greater_(b), (2, 3), (3,)),
    "ge_": op_case(lambda torch, a: (a * 1).greater_equal_(1) * a, (2, 3)),
    "ge_tensor_": op_case(lambda torch, a, b: (a * 1).ge_(b) + b, (2, 3), (2, 3)),
    "scatter_reduce": op_case(lambda torch, a, b:
                                  a.scatter_reduce(1, torch.tensor([[0, 0, 2], [1, 3, 1]]), b, "prod", include_self=False)
                                  + a.scatter_reduce(1, torch.tensor([[0, 1, 0], [2, 2, 2]]), b * b, "mean"), (2, 4), (2, 3)),
    "scatter_value": op_case(lambda torch, a: a.scatter(1, torch.tensor([[0, 2], [1, 1]]), 0.5) * a, (2, 3)),
    "scatter_reduce_src_larger": op_case(lambda torch, a, b:
                                             a.scatter_reduce(0, torch.tensor([[0, 1]]), b, "sum"), (2, 3), (2, 3)),
    "scatter_reduce_sum_amax_amin": op_case(lambda torch, a, b:
                                                torch.scatter_reduce(a, 0, torch.tensor([[0, 1, 0], [1, 1, 0]]), b, "sum", include_self=False)
                                                * a.scatter_reduce(0, torch.tensor([[1, 1, 0], [1, 0, 0]]), b * 2, "amax")
                                                - (a * 1).scatter_reduce_(1, torch.tensor([[2], [2]]), b[:, :1], "amin"), (2, 3), (2, 3)),
    # more activations, losses and pools
    "log_sigmoid": op_case(lambda torch, a: torch.nn.functional.logsigmoid(a), (2, 3)),
    "hardswish": op_case(lambda torch, a: torch.nn.functional.hardswish(a * 3), (2, 3)),
    "hardsigmoid": op_case(lambda torch, a: torch.nn.functional.hardsigmoid(a * 3), (2, 3)),
    "mish": op_case(lambda torch, a: torch.nn.functional.mish(a), (2, 3)),
    "celu": op_case(lambda torch, a: torch.nn.functional.celu(a, 0.5), (2, 3)),
    "celu_": op_case(lambda torch, a: torch.nn.functional.celu(a * 1, 0.5, inplace=True), (2, 3)),
    "threshold": op_case(lambda torch, a: torch.nn.functional.threshold(a, 0.1, 2.0), (2, 3)),
    "threshold_": op_case(lambda torch, a:
                              torch.nn.functional.threshold(a * 1, 0.1, 2.0, inplace=True), (2, 3)),
    "glu": op_case(lambda torch, a: torch.nn.functional.glu(a, 0), (4, 3)),
    "prelu": op_case(lambda torch, a, b: torch.nn.functional.prelu(a, b), (2, 3, 2), (3,)),
    "constant_pad_nd": op_case(lambda torch, a:
                                   torch.nn.functional.pad(a, (1, 2, -1, 0), value=0.5), (2, 3)),
    "smooth_l1_loss": op_case(lambda torch, a, b:
                                  torch.nn.functional.smooth_l1_loss(a, b, beta=0.5), (2, 3), (2, 3)),
    "huber_loss": op_case(lambda torch, a, b:
                              torch.nn.functional.huber_loss(a, b, reduction='sum', delta=0.5), (2, 3), (2, 3)),
    "norm_scalaropt_dim": op_case(lambda torch, a, b:
                                      torch.nn.functional.pairwise_distance(a, b, p=3), (2, 3), (2, 3)),
    "avg_pool2d": op_case(lambda torch, a:
                              torch.nn.functional.avg_pool2d(a, 3, 2, 1, ceil_mode=True, count_include_pad=False), (1, 2, 5, 6)),
    "adaptive_avg_pool2d": op_case(lambda torch, a:
                                       torch.nn.functional.adaptive_avg_pool2d(a, (2, 3)), (1, 2, 5, 4)),
    "group_norm": op_case(lambda torch, a, b, c:
                              torch.nn.functional.group_norm(a, 2, b, c) * a, (2, 4, 3), (4,), (4,)),
}


# the backward kernels, reached by differentiating a gradient again
@op_def(OP_CASES, "softmax_backward_data", (2, 3), (2, 3))
def _softmax_backward_data(torch, a, b):
    g, = torch.autograd.grad((a.softmax(1) * b).sum(), a, create_graph=True)
    return g * a


# reflect and replicate padding over 1 to 3 dims (negative pads crop), and the
# gradients of those, differentiated again (the *PadNDBackwardBackward0 rows)
_COPY_PADS = {1: ((2, 3, 5), (2, -1)), 2: ((1, 2, 4, 5), (1, 2, 3, 0)),
              3: ((1, 2, 3, 4, 3), (1, 0, 2, 1, -1, 2))}
for _mode, _op in (("reflect", "reflection"), ("replicate", "replication")):
    for _n, (_shape, _pad) in _COPY_PADS.items():
        OP_CASES[f"{_op}_pad{_n}d"] = op_case(
            lambda torch, a, mode=_mode, pad=_pad: torch.nn.functional.pad(a, pad, mode=mode),
            _shape, text=f"F.pad(a, {_pad}, mode={_mode!r})")
        OP_CASES[f"{_op}_pad{_n}d_backward"] = op_case(
            lambda torch, a, b, mode=_mode, pad=_pad: torch.autograd.grad(
                (torch.nn.functional.pad(a, pad, mode=mode) * b).sum(), a,
                create_graph=True)[0] * a,
            _shape, tuple(s + (sum(_pad[2 * i: 2 * i + 2]) if i < _n else 0)
                          for i, s in enumerate(reversed(_shape)))[::-1],
            text=f"grad of (F.pad(a, {_pad}, mode={_mode!r}) * b).sum(), create_graph=True, * a")


@op_def(OP_CASES, "convolution_backward", (1, 2, 5, 5), (3, 2, 3, 3))
def _convolution_backward(torch, a, b):
    g = torch.autograd.grad((torch.nn.functional.conv2d(a, b, padding=1) ** 2).sum(), a,
                            create_graph=True)[0]
    return g * a


@op_def(OP_CASES, "log_softmax_backward_data", (2, 3), (2, 3))
def _log_softmax_backward_data(torch, a, b):
    g, = torch.autograd.grad((a.log_softmax(1) * b).sum(), a, create_graph=True)
    return g * a


@op_def(OP_CASES, "tanh_backward", (2, 3), (2, 3))
def _tanh_backward(torch, a, b):
    g, = torch.autograd.grad((a.tanh() * b).sum(), a, create_graph=True)
    return g


@op_def(OP_CASES, "sigmoid_backward", (2, 3), (2, 3))
def _sigmoid_backward(torch, a, b):
    g, = torch.autograd.grad((a.sigmoid() * b).sum(), a, create_graph=True)
    return g


@op_def(OP_CASES, "threshold_backward", (2, 3), (2, 3))
def _threshold_backward(torch, a, b):
    g, = torch.autograd.grad((a.relu() * b).sum(), a, create_graph=True)
    return g * a


@op_def(OP_CASES, "var_mean", (2, 3))
def _var_mean(torch, a):
    v, m = torch.var_mean(a, 1)
    return v * m


@op_def(OP_CASES, "std_mean", (3, 2))
def _std_mean(torch, a):
    s, m = torch.std_mean(a, 0, keepdim=True)
    return s + m * m


@op_def(OP_CASES, "aminmax", (2, 3))
def _aminmax(torch, a):
    lo, hi = a.aminmax(dim=1)
    return hi - lo * lo


@op_def(OP_CASES, "slogdet", (2, 3, 3))
def _slogdet(torch, a):
    s, l = torch.linalg.slogdet(a + 3 * torch.eye(3))
    return s * l


@op_def(OP_CASES, "split", (5, 3))
def _split(torch, a):
    x, y, z = a.split(2)
    return x * y.sum() + z.sum()


@op_def(OP_CASES, "split_with_sizes", (2, 4))
def _split_with_sizes(torch, a):
    x, y = torch.split(a, [1, 3], dim=1)
    return x * y


@op_def(OP_CASES, "unbind", (2, 3))
def _unbind(torch, a):
    x, y, z = a.unbind(1)
    return x * z


@op_def(OP_CASES, "select_backward", (3, 4))
def _select_backward(torch, a):
    g, = torch.autograd.grad((a[1] ** 3).sum(), a, create_graph=True)
    return g


@op_def(OP_CASES, "slice_backward", (3, 4))
def _slice_backward(torch, a):
    g, = torch.autograd.grad((a[:, 1:] ** 3).sum(), a, create_graph=True)
    return g


@op_def(OP_CASES, "view_backward", (2, 2))
def _view_backward(torch, a):
    g, = torch.autograd.grad((a.as_strided((2,), (2,)) ** 3).sum(), a, create_graph=True)
    return g


@op_def(OP_CASES, "index_backward", (3, 4))
def _index_backward(torch, a):
    g, = torch.autograd.grad((a[[0, 2]] ** 3).sum(), a, create_graph=True)
    return g


@op_def(OP_CASES, "copy_slices", (2, 3), (3,))
def _copy_slices(torch, a, b):
    c = a * 1
    c[0] = b
    return c


@op_def(OP_CASES, "index_put", (2, 3), (3,))
def _index_put(torch, a, b):
    c = a * 1
    c[[0, 0]] = b
    return c


# torch's C++ formulas add and subtract Python numbers with these
@op_def(OP_CASES, "add_scalar", (2, 3), low=-1.0, high=1.0)
def _add_scalar(torch, a):
    g, = torch.autograd.grad(a.tan().sum(), a, create_graph=True)
    return g


@op_def(OP_CASES, "sub_scalar", (2, 3), (2, 3), **POSITIVE)
def _sub_scalar(torch, a, b):
    g, = torch.autograd.grad((a ** b).sum(), a, create_graph=True)
    return g


@op_def(OP_CASES, "leaky_relu_backward", (2, 3), (2, 3))
def _leaky_relu_backward(torch, a, b):
    g, = torch.autograd.grad((torch.nn.functional.leaky_relu(a, 0.2) * b + torch.nn.functional.leaky_relu(a * 1, 0.2, inplace=True)).sum(), a, create_graph=True)
    return g * a


@op_def(OP_CASES, "_pdist_backward", (4, 3), (6,))
def _pdist_backward(torch, a, b):
    g, = torch.autograd.grad((torch.pdist(a) * b).sum(), a, create_graph=True)
    return g * a


@op_def(OP_CASES, "adaptive_max_pool2d_backward", (1, 2, 5, 7), (1, 2, 2, 3))
def _adaptive_max_pool2d_backward(torch, a, b):
    g, = torch.autograd.grad((torch.nn.functional.adaptive_max_pool2d(a, (2, 3)) * b).sum(), a,
                             create_graph=True)
    return g * a


@op_def(OP_CASES, "max_pool3d_with_indices_backward", (1, 2, 3, 4, 3), (1, 2, 1, 2, 1))
def _max_pool3d_with_indices_backward(torch, a, b):
    g, = torch.autograd.grad((torch.max_pool3d(a, 2) * b).sum(), a, create_graph=True)
    return g * a


@op_def(OP_CASES, "rrelu_with_noise_backward", (2, 3), (2, 3))
def _rrelu_with_noise_backward(torch, a, b):
    g, = torch.autograd.grad((torch.rrelu(a, 0.1, 0.3) * b + torch.rrelu_(a * 1, 0.1, 0.3)).sum(),
                             a, create_graph=True)
    return g * a


@op_def(OP_CASES, "gelu_backward", (2, 3), (2, 3))
def _gelu_backward(torch, a, b):
    g, = torch.autograd.grad((torch.nn.functional.gelu(a) + torch.nn.functional.gelu(a, approximate='tanh') * b).sum(), a, create_graph=True)
    return g * a


@op_def(OP_CASES, "elu_backward", (2, 3), (2, 3))
def _elu_backward(torch, a, b):
    g, = torch.autograd.grad((torch.nn.functional.elu(a, 0.5) + torch.nn.functional.selu(a) * b + torch.nn.functional.elu(a * 1, inplace=True)).sum(), a, create_graph=True)
    return g * a


@op_def(OP_CASES, "softplus_backward", (2, 3), (2, 3))
def _softplus_backward(torch, a, b):
    g, = torch.autograd.grad((torch.nn.functional.softplus(a, beta=2, threshold=1) * b).sum(), a, create_graph=True)
    return g * a


@op_def(OP_CASES, "hardtanh_backward", (2, 3), (2, 3))
def _hardtanh_backward(torch, a, b):
    g, = torch.autograd.grad((torch.nn.functional.hardtanh(a, -0.5, 0.5) * b).sum(), a, create_graph=True)
    return g * a


@op_def(OP_CASES, "mse_loss_backward", (2, 3), (2, 3))
def _mse_loss_backward(torch, a, b):
    g, = torch.autograd.grad(torch.nn.functional.mse_loss(a, b) + torch.nn.functional.mse_loss(a, b, reduction='sum') * 2, a, create_graph=True)
    return g * a


@op_def(OP_CASES, "diagonal_backward", (3, 4), (3, 4))
def _diagonal_backward(torch, a, b):
    g, = torch.autograd.grad((a.diagonal() ** 2).sum(), a, create_graph=True)
    return g * b


@op_def(OP_CASES, "masked_scatter_backward", (2, 3), (7,), (2, 3))
def _masked_scatter_backward(torch, a, b, c):
    g, = torch.autograd.grad((a.masked_scatter(a > 0, b) * c).sum(), b, create_graph=True)
    return g * b


@op_def(OP_CASES, "unfold_backward", (2, 3), (2, 2, 2))
def _unfold_backward(torch, a, b):
    g, = torch.autograd.grad((a.unfold(1, 2, 1) * b).sum(), a, create_graph=True)
    return g * a


@op_def(OP_CASES, "log_sigmoid_backward", (2, 3), (2, 3))
def _log_sigmoid_backward(torch, a, b):
    g, = torch.autograd.grad((torch.nn.functional.logsigmoid(a) * b).sum(), a, create_graph=True)
    return g * a


@op_def(OP_CASES, "hardswish_backward", (2, 3), (2, 3))
def _hardswish_backward(torch, a, b):
    g, = torch.autograd.grad((torch.nn.functional.hardswish(a * 3) * b).sum(), a, create_graph=True)
    return g * a


@op_def(OP_CASES, "hardsigmoid_backward", (2, 3), (2, 3))
def _hardsigmoid_backward(torch, a, b):
    g, = torch.autograd.grad((torch.nn.functional.hardsigmoid(a * 3) * b).sum(), a, create_graph=True)
    return g * a


@op_def(OP_CASES, "glu_backward", (4, 3), (2, 3))
def _glu_backward(torch, a, b):
    g, = torch.autograd.grad((torch.nn.functional.glu(a, 0) * b).sum(), a, create_graph=True)
    return g * a


@op_def(OP_CASES, "smooth_l1_loss_backward", (2, 3), (2, 3))
def _smooth_l1_loss_backward(torch, a, b):
    g, = torch.autograd.grad(torch.nn.functional.smooth_l1_loss(a, b, beta=2.0) + torch.nn.functional.smooth_l1_loss(a, b, reduction='sum'), a, create_graph=True)
    return g * a


@op_def(OP_CASES, "huber_loss_backward", (2, 3), (2, 3))
def _huber_loss_backward(torch, a, b):
    g, = torch.autograd.grad(torch.nn.functional.huber_loss(a, b, delta=2.0) + torch.nn.functional.huber_loss(a, b, reduction='sum'), a, create_graph=True)
    return g * a


@op_def(OP_CASES, "avg_pool2d_backward", (1, 2, 3, 4), (1, 2, 4, 5))
def _avg_pool2d_backward(torch, a, b):
    g, = torch.autograd.grad((torch.nn.functional.avg_pool2d(a, 2, 1, 1) * b).sum(), a, create_graph=True)
    return g * a


@op_def(OP_CASES, "adaptive_avg_pool2d_backward", (2, 5, 4), (2, 2, 3))
def _adaptive_avg_pool2d_backward(torch, a, b):
    g, = torch.autograd.grad((torch.nn.functional.adaptive_avg_pool2d(a, (2, 3)) * b).sum(), a, create_graph=True)
    return g * a

VARIANT_CASES = {
    # nn functions torch composes of other ops
    "softsign": op_case(lambda torch, a: torch.nn.functional.softsign(a), (2, 3)),
    "softmin": op_case(lambda torch, a: torch.nn.functional.softmin(a, 1), (2, 3)),
    "normalize": op_case(lambda torch, a: torch.nn.functional.normalize(a, p=3, dim=0), (2, 3)),
    "cosine_similarity": op_case(lambda torch, a, b:
                                     torch.nn.functional.cosine_similarity(a, b), (2, 3), (2, 3)),
    "cosine_similarity_broadcast": op_case(lambda torch, a, b:
                                               torch.nn.functional.cosine_similarity(a, b, dim=-1), (2, 3), (3,)),
    "pairwise_distance_keepdim": op_case(lambda torch, a, b:
                                             torch.nn.functional.pairwise_distance(a, b, keepdim=True), (2, 3),
                                         (3,)),
    "prelu_one_slope": op_case(lambda torch, a, b: torch.nn.functional.prelu(a, b), (2, 3), (1,)),
    "smooth_l1_loss_beta_zero": op_case(lambda torch, a, b:
                                            torch.nn.functional.smooth_l1_loss(a, b, beta=0.0), (2, 3), (2, 3)),
    "kl_div_batchmean": op_case(lambda torch, a, b:
                                    torch.nn.functional.kl_div(a, b.softmax(1), reduction='batchmean'), (2, 3),
                                (2, 3)),
    "kl_div_log_target": op_case(lambda torch, a, b:
                                     torch.nn.functional.kl_div(a, b, reduction='none', log_target=True),
                                 (2, 3), (2, 3)),
    "cosine_embedding_loss": op_case(lambda torch, a, b:
                                         torch.nn.functional.cosine_embedding_loss(a, b, torch.tensor([1, -1]), margin=-0.5), (2, 3), (2, 3)),
    "margin_ranking_loss": op_case(lambda torch, a, b:
                                       torch.nn.functional.margin_ranking_loss(a, b, torch.tensor([1.0, -1.0, 1.0], dtype=torch.float64), 0.2, reduction='sum'), (3,),
                                   (3,)),
    "adaptive_avg_pool2d_one": op_case(lambda torch, a:
                                           torch.nn.functional.adaptive_avg_pool2d(a, 1), (1, 2, 3, 3)),
    # Composites, recorded as torch composes them
    "kron": op_case(lambda torch, a, b: torch.kron(a, b), (2, 2), (3, 2)),
    "kron_mixed_dims": op_case(lambda torch, a, b: torch.kron(a, b), (3,), (2, 2)),
    "diff": op_case(lambda torch, a: torch.diff(a, dim=0), (3, 2)),
    "diff_twice_prepended": op_case(lambda torch, a, b:
                                        torch.diff(a, n=2, prepend=b, append=b), (4,), (1,)),
    "einsum_matmul": op_case(lambda torch, a, b: torch.einsum('ij,jk->ik', a, b), (2, 3), (3, 4)),
    "einsum_batched": op_case(lambda torch, a, b:
                                  torch.einsum('bij,bkj->bik', a, b), (2, 2, 3), (2, 4, 3)),
    "einsum_implicit_output": op_case(lambda torch, a, b:
                                          torch.einsum('ji,jk', a, b), (3, 2), (3, 4)),
    "einsum_trace": op_case(lambda torch, a: torch.einsum('ii', a), (3, 3)),
    "einsum_diagonal": op_case(lambda torch, a: torch.einsum('ii->i', a), (3, 3)),
    "einsum_outer_broadcast": op_case(lambda torch, a, b:
                                          torch.einsum('i,j->ij', a, b), (3,), (1,)),
    "einsum_ellipsis": op_case(lambda torch, a, b:
                                   torch.einsum('...ij,...jk', a, b), (2, 2, 3), (3, 4)),
    "einsum_sum_transpose": op_case(lambda torch, a: torch.einsum('ijk->kj', a), (2, 3, 4)),
    "einsum_three_operands": op_case(lambda torch, a, b, c:
                                         torch.einsum('ij,jk,kl->il', a, b, c), (2, 3), (3, 4),
                                     (4, 2)),
    "einsum_sublists": op_case(lambda torch, a, b:
                                   torch.einsum(a, [0, 1], b, [1, 2], [0, 2]), (2, 3), (3, 4)),
    "einsum_operand_list": op_case(lambda torch, a, b: torch.einsum('i,i', [a, b]), (3,), (3,)),
    "tensordot": op_case(lambda torch, a, b: torch.tensordot(a, b), (2, 3, 4), (3, 4, 2)),
    "tensordot_dim_lists": op_case(lambda torch, a, b:
                                       torch.tensordot(a, b, dims=([0, 2], [2, 1])), (2, 3, 4),
                                   (5, 4, 2)),
    "tensordot_broadcast_dim": op_case(lambda torch, a, b:
                                           torch.tensordot(a, b, dims=1), (2, 1), (3, 2)),
    "movedim_lists": op_case(lambda torch, a: a.movedim([0, 1], [2, 0]), (2, 3, 4)),
    "movedim_nothing": op_case(lambda torch, a: torch.movedim(a, 1, 1), (2, 3)),
    "inner": op_case(lambda torch, a, b: torch.inner(a, b), (2, 3), (4, 3)),
    "inner_vectors": op_case(lambda torch, a, b: a.inner(b), (3,), (3,)),
    "tensordot_full": op_case(lambda torch, a, b: torch.tensordot(a, b, 2), (2, 3), (2, 3)),
    "tensordot_full_permuted": op_case(lambda torch, a, b:
                                           torch.tensordot(a, b, ([0, 1], [1, 0])), (2, 3), (3, 2)),
    "take_along_dim": op_case(lambda torch, a: torch.take_along_dim(a, a.argsort(1), 1), (2, 3)),
    "take_along_dim_broadcast": op_case(lambda torch, a:
                                            a.take_along_dim(torch.tensor([[2, 0]]), 1), (3, 3)),
    "take_along_dim_flat": op_case(lambda torch, a:
                                       torch.take_along_dim(a, torch.tensor([0, 4])), (2, 3)),
    "cartesian_prod": op_case(lambda torch, a, b: torch.cartesian_prod(a, b), (3,), (2,)),
    "cartesian_prod_three": op_case(lambda torch, a, b: torch.cartesian_prod(a, b, a), (2,), (1,)),
    "put_accumulate": op_case(lambda torch, a, b:
                                  a.put(torch.tensor([[4, 0], [4, 1]]), b, accumulate=True),
                              (2, 3), (2, 2)),
    "ldexp_integer_exponent": op_case(lambda torch, a:
                                          torch.ldexp(a, torch.tensor([1, -1, 2])), (2, 3)),
    "renorm_p1": op_case(lambda torch, a: a.renorm(1, 1, 1.5), (2, 3)),
    "renorm_inf": op_case(lambda torch, a: a.renorm(float('inf'), -1, 1.0), (2, 3, 2)),
    "block_diag_mixed_dtypes": op_case(lambda torch, a, b:
                                           torch.block_diag(a.float(), b), (2, 3), (2, 2)),
    "fliplr": op_case(lambda torch, a: torch.fliplr(a), (2, 3)),
    "flipud": op_case(lambda torch, a: a.flipud(), (2, 3)),
    "ravel_transposed": op_case(lambda torch, a: torch.ravel(a.t()), (2, 3)),
    "column_stack": op_case(lambda torch, a, b: torch.column_stack((a, b)), (3,), (3, 2)),
    "dstack": op_case(lambda torch, a, b: torch.dstack((a, b)), (3,), (1, 3)),
    "float_power": op_case(lambda torch, a: torch.float_power(a.float(), 2), (2, 3)),
    "float_power_tensor": op_case(lambda torch, a, b:
                                      torch.float_power(a, b), (2, 3), (3,), **POSITIVE),
    "msort": op_case(lambda torch, a: torch.msort(a), (3, 2)),
    "repeat_interleave": op_case(lambda torch, a: torch.repeat_interleave(a, 2), (2, 3)),
    "repeat_interleave_dim": op_case(lambda torch, a: a.repeat_interleave(3, dim=-1), (2, 3)),
    "repeat_interleave_counts": op_case(lambda torch, a:
                                            a.repeat_interleave(torch.tensor([1, 0, 2]), dim=1),
                                        (2, 3)),
    "diagflat": op_case(lambda torch, a: torch.diagflat(a, 1), (2, 2)),
    "matrix_power": op_case(lambda torch, a: torch.matrix_power(a, 6), (3, 3)),
    "matrix_power_zero": op_case(lambda torch, a: a.matrix_power(0) + a, (2, 2)),
    "matrix_power_inverse": op_case(lambda torch, a:
                                        torch.matrix_power(a + 3 * torch.eye(2), -2), (2, 2)),
    "multiply_subtract_divide": op_case(lambda torch, a, b:
                                            torch.divide(torch.multiply(a, b), torch.subtract(b, a, alpha=3).exp()), (2, 3), (3,)),
    "addmm_scaled": op_case(lambda torch, a, b, c:
                                torch.addmm(a, b, c, beta=0.5, alpha=-2), (3,), (2, 4), (4, 3)),
    "addmm_beta_zero": op_case(lambda torch, a, b, c:
                                   torch.addmm(a / 0, b, c, beta=0), (2, 3), (2, 4), (4, 3)),
    "nanmean": op_case(lambda torch, a: torch.nanmean(a.sqrt(), 1, keepdim=True), (2, 3)),
    "nansum_all": op_case(lambda torch, a: a.log().nansum(), (2, 3)),
    "cumprod_without_zeros": op_case(lambda torch, a: a.cumprod(-1), (2, 3), low=0.5, high=1.5),
    "moveaxis": op_case(lambda torch, a: a.moveaxis(0, -1), (2, 3, 1)),
    "cross_dim": op_case(lambda torch, a, b: torch.cross(a, b, dim=0), (3, 2), (3, 2)),
    "div_rounding_trunc": op_case(lambda torch, a, b:
                                      a.div(b, rounding_mode='trunc'), (2, 3), (2, 3), **POSITIVE),
    "div_rounding_none": op_case(lambda torch, a, b:
                                     torch.div(a, b, rounding_mode=None), (2, 3), (2, 3),
                                 **POSITIVE),
    "copysign_broadcast": op_case(lambda torch, a, b: torch.copysign(a, b), (2, 3), (3,)),
    "conv2d_groups": op_case(lambda torch, a, b, c:
                                 torch.nn.functional.conv2d(a, b, c, padding=1, groups=2), (2, 4, 5, 5),
                             (6, 2, 3, 3), (6,)),
    "conv1d": op_case(lambda torch, a, b, c:
                          torch.nn.functional.conv1d(a, b, c, stride=2, padding=1, dilation=2, groups=2),
                      (2, 4, 7), (6, 2, 3), (6,)),
    "conv1d_unbatched_same": op_case(lambda torch, a, b:
                                         torch.conv1d(a, b, padding='same', dilation=3), (2, 7), (3, 2, 2)),
    "conv3d": op_case(lambda torch, a, b, c:
                          torch.conv3d(a, b, c, stride=(1, 2, 1), padding=(1, 0, 1), groups=3),
                      (1, 3, 4, 5, 3), (3, 1, 2, 3, 2), (3,)),
    "conv2d_same_even": op_case(lambda torch, a, b:
                                    torch.nn.functional.conv2d(a, b, padding='same', dilation=(1, 3)),
                                (1, 2, 6, 5), (2, 2, 4, 2)),
    "conv_transpose1d": op_case(lambda torch, a, b, c:
                                    torch.nn.functional.conv_transpose1d(a, b, c, stride=2, padding=1, output_padding=1, groups=2),
                                (2, 4, 5), (4, 3, 3), (6,)),
    "conv_transpose2d": op_case(lambda torch, a, b, c:
                                    torch.conv_transpose2d(a, b, c, stride=(2, 3), padding=(1, 0), output_padding=(1, 2), groups=2, dilation=(1, 2)),
                                (2, 4, 5, 4), (4, 1, 3, 2), (2,)),
    "conv_transpose2d_dilation_padding": op_case(lambda torch, a, b:
                                                     torch.nn.functional.conv_transpose2d(a, b, padding=2, dilation=2, output_padding=1),
                                                 (1, 2, 4, 4), (2, 3, 3, 3)),
    "conv_transpose3d_unbatched": op_case(lambda torch, a, b:
                                              torch.nn.functional.conv_transpose3d(a, b, stride=2),
                                          (4, 3, 2, 3), (4, 2, 2, 2, 2)),
    # Broadcasting: the engine must sum each grad back to its input's shape.
    "add_broadcast": op_case(lambda torch, a, b: a + b, (2, 3), (3,)),
    "sub_broadcast": op_case(lambda torch, a, b: a - b, (2, 1), (1, 3)),
    "mul_broadcast": op_case(lambda torch, a, b: a * b, (2, 3), (2, 1)),
    "div_broadcast": op_case(lambda torch, a, b: a / b, (3,), (2, 1), **POSITIVE),
    "pow_broadcast": op_case(lambda torch, a, b: a ** b, (2, 3), (3,), **POSITIVE),
    "maximum_broadcast": op_case(lambda torch, a, b: torch.maximum(a, b), (2, 3), ()),
    "minimum_broadcast": op_case(lambda torch, a, b: torch.minimum(a, b), (1, 3), (2, 1)),
    "where_broadcast": op_case(lambda torch, a, b: torch.where(a > 0, a, b), (2, 3), (3,)),
    "matmul_batched_broadcast": op_case(lambda torch, a, b: a @ b, (2, 2, 3), (3, 4)),
    # Python scalars and operators.
    "add_scalar": op_case(lambda torch, a: a + 2, (2, 3)),
    "mul_scalar": op_case(lambda torch, a: 3 * a, (2, 3)),
    "rdiv_scalar": op_case(lambda torch, a: 2 / a, (2, 3), **POSITIVE),
    "neg_operator": op_case(lambda torch, a: -a, (2, 3)),
    "clamp_min": op_case(lambda torch, a: a.clamp(min=0), (2, 3)),
    # Products dispatched by matmul.
    "matmul_vector_vector": op_case(lambda torch, a, b: a @ b, (3,), (3,)),
    "matmul_matrix_vector": op_case(lambda torch, a, b: a @ b, (2, 3), (3,)),
    "matmul_vector_matrix": op_case(lambda torch, a, b: a @ b, (3,), (3, 2)),
    "matmul_batched": op_case(lambda torch, a, b: a @ b, (2, 2, 3), (2, 3, 4)),
    "matmul_batch_of_one": op_case(lambda torch, a, b: a @ b, (1, 2, 3), (2, 3, 4)),
    "matmul_batched_vector": op_case(lambda torch, a, b: a @ b, (2, 2, 3), (3,)),
    "matmul_vector_batched": op_case(lambda torch, a, b: a @ b, (3,), (2, 3, 4)),
    "matmul_matrix_batched": op_case(lambda torch, a, b: a @ b, (2, 3), (2, 3, 4)),
    "matmul_broadcast_batches": op_case(lambda torch, a, b: a @ b, (2, 1, 2, 3), (3, 3, 1)),
    "matmul_constant_matrix": op_case(lambda torch, a:
                                          a.transpose(0, 1) @ torch.ones(3, 2, dtype=torch.float64),
                                      (2, 2, 3)),
    # More dimensions.
    "sum_dims": op_case(lambda torch, a: a.sum(dim=(0, 2)), (2, 3, 2)),
    "norm_dim": op_case(lambda torch, a: a.norm(dim=1), (2, 3)),
    "var_dim": op_case(lambda torch, a: a.var(dim=1), (2, 3)),
    "std_mean_all": op_case(lambda torch, a: torch.std_mean(a)[0], (2, 3)),
    "var_mean_mean_only": op_case(lambda torch, a:
                                      torch.var_mean(a, (0, 1), correction=0)[1], (2, 3)),
    "aminmax_all": op_case(lambda torch, a: torch.aminmax(a).max, (2, 3)),
    "dist_inf": op_case(lambda torch, a, b: a.dist(b, float('inf')), (2, 3), (2, 3)),
    "logdet": op_case(lambda torch, a: torch.logdet(a @ a.mT + torch.eye(3)), (2, 3, 3)),
    "slogdet_method": op_case(lambda torch, a: a.slogdet().logabsdet, (3, 3)),
    "trapezoid": op_case(lambda torch, a: torch.trapezoid(a), (2, 4)),
    "trapezoid_dx": op_case(lambda torch, a: torch.trapezoid(a, dx=0.5, dim=0), (3, 2)),
    "trapezoid_x": op_case(lambda torch, a, b:
                               torch.trapezoid(a, b.cumsum(0)), (2, 4), (4,), **POSITIVE),
    "trapezoid_x_batched": op_case(lambda torch, a, b:
                                       torch.trapezoid(a, b, dim=0), (3, 2), (3, 2)),
    "cov": op_case(lambda torch, a: torch.cov(a), (2, 4)),
    "cov_vector": op_case(lambda torch, a: a.cov(correction=0), (4,)),
    "cov_weighted": op_case(lambda torch, a, b:
                                torch.cov(a, fweights=torch.tensor([1, 2, 1, 3]), aweights=b),
                            (2, 4), (4,), **POSITIVE),
    "std_dim_keepdim": op_case(lambda torch, a: a.std(dim=0, keepdim=True), (2, 3)),
    "softmax_last_dim": op_case(lambda torch, a: a.softmax(-1), (2, 2, 3)),
    "cat_dim1": op_case(lambda torch, a, b: torch.cat([a, b], dim=1), (2, 3), (2, 1)),
    "stack_dim1": op_case(lambda torch, a, b: torch.stack([a, b], dim=1), (2, 3), (2, 3)),
    "view_inferred": op_case(lambda torch, a: a.view(-1), (2, 3)),
    "flatten_start_dim": op_case(lambda torch, a: a.flatten(1), (2, 3, 2)),
    "transpose_property": op_case(lambda torch, a: a.T, (2, 3)),
    # Indexing.
    "index_int_int": op_case(lambda torch, a: a[0, 1], (3, 4)),
    "index_repeated": op_case(lambda torch, a: a[[0, 0, 2]], (3, 4)),
    "index_mask": op_case(lambda torch, a: a[a > 0], (3, 4)),
    "index_none": op_case(lambda torch, a: a[None, 1:], (3, 4)),
    # Dtype casts.
    "to_same_dtype": op_case(lambda torch, a: a.to(torch.float64), (2, 3)),
    "float": op_case(lambda torch, a: a.float(), (2, 3)),
}


@op_def(VARIANT_CASES, "meshgrid_ij", (3,), (2,))
def _meshgrid_ij(torch, a, b):
    x, y = torch.meshgrid(a, b, indexing='ij')
    return x * y + x


@op_def(VARIANT_CASES, "meshgrid_xy", (3,), (2,))
def _meshgrid_xy(torch, a, b):
    x, y = torch.meshgrid(a, b, indexing='xy')
    return x * y + x


@op_def(VARIANT_CASES, "index_copy_in_place", (2, 3), (1, 3))
def _index_copy_in_place(torch, a, b):
    c = a * 1
    return c.index_copy_(0, torch.tensor([1]), b)


@op_def(VARIANT_CASES, "masked_scatter_in_place", (2, 3), (6,))
def _masked_scatter_in_place(torch, a, b):
    c = a * 1
    c.masked_scatter_(a > 0, b)
    return c


@op_def(VARIANT_CASES, "tensor_split_sections", (2, 3))
def _tensor_split_sections(torch, a):
    x, y = torch.tensor_split(a, 2, dim=1)
    return x.sum() * y


@op_def(VARIANT_CASES, "tensor_split_indices", (3, 2))
def _tensor_split_indices(torch, a):
    x, y, z = a.tensor_split([1, 5])
    return x * y.sum() + z.sum()


@op_def(VARIANT_CASES, "hsplit", (2, 3))
def _hsplit(torch, a):
    x, y, z = torch.hsplit(a, 3)
    return x * y - z


@op_def(VARIANT_CASES, "vsplit", (3, 2))
def _vsplit(torch, a):
    x, y = a.vsplit([1])
    return x + y[:1]


@op_def(VARIANT_CASES, "dsplit", (2, 1, 4))
def _dsplit(torch, a):
    x, y = torch.dsplit(a, 2)
    return x * y


@op_def(VARIANT_CASES, "broadcast_tensors", (2, 1), (3,))
def _broadcast_tensors(torch, a, b):
    x, y = torch.broadcast_tensors(a, b)
    return x * y


@op_def(VARIANT_CASES, "chunk", (2, 4))
def _chunk(torch, a):
    x, y = a.chunk(2, -1)
    return y


@op_def(VARIANT_CASES, "index_assignment_mask", (2, 3))
def _index_assignment_mask(torch, a):
    c = a * 1
    c[a > 0] = 0.5
    return c

# Tensor methods of torch's that real programs use (issue 19)
OP_CASES.update({
    "unsafe_split": op_case(lambda torch, a: (lambda x, y, z: x * y + z.sum())(
        *a.unsafe_split(2, 1)), (2, 5)),
    "unsafe_split_with_sizes": op_case(lambda torch, a: (lambda x, y: x * y.sum())(
        *a.unsafe_split_with_sizes([1, 3], 1)), (2, 4)),
    "narrow_copy": op_case(lambda torch, a: a.narrow_copy(1, 1, 2) * a.narrow_copy(0, 1, 1)
                           .narrow_copy(1, -3, 2), (2, 4)),
    "diagonal_scatter": op_case(lambda torch, a, b: torch.diagonal_scatter(a, b * b, -1),
                                (3, 4), (2,)),
    "hardshrink": op_case(lambda torch, a: a.hardshrink(0.7) + torch.nn.functional.hardshrink(a),
                          (2, 3)),
    "polygamma_": op_case(lambda torch, a: (a * 1).polygamma_(1), (2, 3), **POSITIVE),
    "mvlgamma": op_case(lambda torch, a: torch.mvlgamma(a + 1, 3) + a.mvlgamma(1), (2, 3),
                        **POSITIVE),
    "igamma": op_case(lambda torch, a: torch.igamma(torch.tensor([1.5, 2.0, 0.5],
                                                                 dtype=torch.float64), a),
                      (2, 3), **POSITIVE),
    "igammac": op_case(lambda torch, a: torch.tensor([1.5, 2.0, 0.5], dtype=torch.float64)
                       .igammac(a), (2, 3), **POSITIVE),
    "nextafter": binary("nextafter"),
    "angle": op_case(lambda torch, a: a.angle() * a, (2, 3)),
    "i0": unary("i0"),
    "frexp": op_case(lambda torch, a: torch.frexp(a * 3).mantissa, (2, 3)),
    "unique_consecutive": op_case(lambda torch, a: a.round().unique_consecutive(), (2, 3)),
    "histogram": op_case(lambda torch, a: torch.histogram(a, 3).hist, (2, 3)),  # no derivative
    "histogramdd_bin_edges": op_case(lambda torch, a: torch.histogramdd(a, 2).bin_edges[1],
                                     (4, 2)),  # no derivative (nor for the three below)
    "histogramdd_from_bin_cts": op_case(lambda torch, a: torch.histogramdd(a, 2).hist, (4, 2)),
    "histogramdd_from_bin_tensors": op_case(lambda torch, a: torch.histogramdd(
        a, [torch.tensor([-2.0, 0.0, 2.0], dtype=a.dtype),
            torch.tensor([-2.0, 2.0], dtype=a.dtype)]).hist, (4, 2)),
    "linalg_cholesky": op_case(lambda torch, a: torch.linalg.cholesky(
        a @ a.mT + torch.eye(3, dtype=torch.float64)) + torch.linalg.cholesky(
        a @ a.mT + 2 * torch.eye(3, dtype=torch.float64), upper=True), (2, 3, 3)),
    "cholesky_inverse": op_case(lambda torch, a: (a.tril() + 2 * torch.eye(3, dtype=torch.float64))
                                .cholesky_inverse() + torch.cholesky_inverse(
                                    a + 3 * torch.eye(3, dtype=torch.float64), upper=True),
                                (3, 3)),
    "cholesky_solve": op_case(lambda torch, a, b: torch.cholesky_solve(
        a, b.tril() + 2 * torch.eye(3, dtype=torch.float64)) + a.cholesky_solve(
        b + 3 * torch.eye(3, dtype=torch.float64), upper=True), (2, 3, 2), (3, 3)),
    "linalg_matrix_exp": op_case(lambda torch, a: torch.linalg.matrix_exp(a * 0.5) + a[0].matrix_exp(),
                                 (2, 3, 3)),
})


def _warning_every_time(torch, f):
    """``f()`` under ``set_warn_always(True)``: a warning torch gives once per process is
    seen whatever ran before."""
    before = torch.is_warn_always_enabled()
    torch.set_warn_always(True)
    try:
        return f()
    finally:
        torch.set_warn_always(before)


@op_def(OP_CASES, "index_reduce", (3, 2), (4, 2))
def _index_reduce(torch, a, b):
    # (not "prod": its backward warns as well, outside set_warn_always, once per process --
    # compat.index_reduce_of_slices differentiates it)
    i = torch.tensor([0, 2, 0, 0])
    return _warning_every_time(torch, lambda: torch.cat([
        a.index_reduce(0, i, b, reduce, include_self=include_self)
        for reduce in ("mean", "amax", "amin") for include_self in (True, False)]))


@op_def(OP_CASES, "cholesky", (3, 3))
def _cholesky(torch, a):
    return _warning_every_time(torch, lambda: (a @ a.T + torch.eye(3, dtype=torch.float64))
                               .cholesky(upper=True))


@op_def(OP_CASES, "hardshrink_backward", (2, 3), (2, 3))
def _hardshrink_backward(torch, a, b):
    g, = torch.autograd.grad((a.hardshrink(0.6) * b).sum(), a, create_graph=True)
    return g * a


@op_def(OP_CASES, "special_i1", (2, 3))
def _special_i1(torch, a):
    g, = torch.autograd.grad(a.i0().sum(), a, create_graph=True)
    return g * a


CASES = {f"op_{name}": case for name, case in {**OP_CASES, **VARIANT_CASES}.items()}


def max_backward_with_an_infinite_gradient(T):
    """Found by the fuzzer: the elements that are not the max get 0, not inf * 0 = nan."""
    x = T.tensor([0.0, 0.0, -0.25], requires_grad=True)
    x.max().sqrt().backward()
    yield "max", x.grad
    for name, f in (("amax", lambda t: t.amax(0)), ("max(dim)", lambda t: t.max(0).values),
                    ("min", lambda t: (-t).min())):
        x.grad = None
        f(x).abs().sqrt().backward()
        yield name, x.grad


def max_of_a_tensor_with_nan(T):
    """Found by the fuzzer: a NaN max sends its gradient to the NaN elements."""
    x = T.tensor([0.0, 0.0, -1.75], requires_grad=True)
    v = x.sqrt()
    v.retain_grad()
    v.max().backward()
    yield "v.grad", v.grad
    yield "x.grad", x.grad


def xlogy_with_zeros_nans_and_numbers(T):
    """xlogy: 0 where x is 0 (nan where y is); the gradient of x masked where x = 0 and
    y <= 0 (MaskedFillBackward0 over XlogyBackward0), of y x / y; a number on either side
    (XlogyBackward1, XlogyBackward2, the number saved as is); integers in float32."""
    a = T.tensor([0.0, 1.0, 2.0], requires_grad=True)
    b = T.tensor([0.0, 3.0, 0.5], requires_grad=True)
    z = T.xlogy(a, b)
    yield "xlogy", (z, z.grad_fn._saved_self, z.grad_fn._saved_other)
    z.sum().backward()
    yield "grads", (a.grad, b.grad)
    for name, z in [("number self", T.xlogy(2.0, b)), ("number other", T.xlogy(a, 2.0))]:
        yield name, (z, z.grad_fn.name(), z.grad_fn._saved_self, z.grad_fn._saved_other)
    a.grad = None
    T.xlogy(a, 0.0).sum().backward()
    yield "log 0", a.grad
    yield "nan", T.xlogy(T.tensor([0.0, 1.0]), T.tensor([float("nan"), 2.0]))
    yield "integers", (T.xlogy(T.tensor([1, 2]), T.tensor([3, 4])), T.tensor([1, 2]).xlogy(2),
                       T.xlogy(2, T.tensor([1, 2])))
    for wanted in (a, b):
        g, = T.autograd.grad(T.xlogy(a, b).sum(), wanted, create_graph=True)
        yield "second order", (g, g.grad_fn.name(),
                               [n and n.name() for n, _ in g.grad_fn.next_functions])
    T.xlogy(2.0, 3.0)


def logit_inside_and_outside_its_range(T):
    """logit: nan outside [0, 1] and its gradient nan there; with eps, the input clamped
    and a zero gradient outside [eps, 1 - eps] (WhereBackward0 under create_graph)."""
    x = T.tensor([0.2, 0.5, 0.9, 0.0, 1.2, -0.1], requires_grad=True)
    y = T.logit(x)
    yield "saved", (y.grad_fn._saved_eps, y.grad_fn._saved_self)
    y.sum().backward()
    yield "logit", (y, x.grad)
    x.grad = None
    y = x.logit(0.1)
    yield "eps", (y, y.grad_fn._saved_eps)
    g, = T.autograd.grad(y.sum(), x, create_graph=True)
    yield "grad", (g, g.grad_fn.name(), [n and n.name() for n, _ in g.grad_fn.next_functions])
    yield "integers", T.logit(T.tensor([1, 0]))


def more_elementwise_functions(T):
    """tan, sinh, cosh, asin/arcsin, acos, atan, log1p, expm1: float32 values and
    gradients, integers computed as float32, the in-place forms."""
    x = T.tensor([-0.7, 0.1, 0.5], requires_grad=True)
    ys = [x.tan(), x.sinh(), x.cosh(), x.asin(), T.arcsin(x), x.acos(), x.arctan(),
          x.log1p(), T.expm1(x)]
    yield "values", ys
    yield "names", [type(y.grad_fn).__name__ for y in ys]
    sum(y.sum() for y in ys).backward()
    yield "x.grad", x.grad
    yield "integers", [T.tan(T.tensor([1, 2])), T.log1p(T.tensor([3]))]
    z = T.tensor([0.2, 0.3]) * 1
    z.expm1_()
    z.atan_()
    yield "in place", z
    w = T.tensor([0.2, 0.3], requires_grad=True) * 1
    w.tan_()
    w.sum().backward()
    yield "grad_fn", w.grad_fn


def aliases_and_more_in_place_forms(T):
    """absolute, fix, the inverse hyperbolic functions and their arc- names; in-place
    logit_, xlogy_, cumsum_, cumprod_, absolute_, fix_, and asinh_/acosh_/atanh_ (whose
    node has no derivative); in-place comparisons; is_nonzero; index_put."""
    x = T.tensor([[0.5, -0.3, 0.9], [0.2, 0.7, -0.6]], dtype=T.float64, requires_grad=True)
    ys = {"absolute": x.absolute(), "fix": T.fix(x * 3), "asinh": T.arcsinh(x),
          "acosh": (x + 2).arccosh(), "atanh": T.atanh(x), "absolute_": (x * 1).absolute_(),
          "fix_": T.fix_(x * 3), "logit_": T.logit_(x.abs() * 1, 0.1),
          "xlogy_": (x * 1).xlogy_(x.abs()), "xlogy_ number": (x * 1).xlogy_(2.0),
          "cumsum_": (x * 1).cumsum_(1), "cumprod_": (x * 1).cumprod_(0),
          "eq_": (x * 1).eq_(0.5), "lt_": (x * 1).lt_(x.flip(0)), "greater_": (x * 1).greater_(0),
          "ne_": (x * 1).not_equal_(x[0]), "le_": (x * 1).le_(0.2), "ge_": (x * 1).ge_(x),
          "index_put": x.index_put((T.tensor([0, 1]), T.tensor([2, 0])),
                                   T.tensor(5.0, dtype=T.float64)),
          "index_put accumulate": T.index_put(x, (T.tensor([0, 0]),), x[1] * 2, accumulate=True)}
    for name, y in ys.items():
        g, = T.autograd.grad((y * y).sum(), x)
        yield name, (y, type(y.grad_fn).__name__, g)
    for name in ("asinh_", "arccosh_", "arctanh_"):
        y = (x.abs() + 0.5 * (name == "arccosh_") + 1) * (0.5 if name == "arctanh_" else 1)
        getattr(y, name)()
        yield name, (y, type(y.grad_fn).__name__)
        try:
            y.sum().backward()
        except NotImplementedError as e:
            yield "backward", str(e)
    yield "integers", (T.tensor([1, 2, 3]).ge_(2), T.tensor([True, False]).lt_(T.tensor([True, True])),
                       T.asinh(T.tensor([0, 1])), T.atanh_(T.tensor([0.0, 0.5])))
    yield "is_nonzero", (T.tensor([1.5]).is_nonzero(), T.tensor(0.0).is_nonzero(),
                         T.is_nonzero(T.tensor([[float("nan")]])), T.tensor(False).is_nonzero())
    for f in (lambda: T.tensor([1, 2]).is_nonzero(), lambda: T.tensor([]).is_nonzero(),
              lambda: bool(T.tensor([])), lambda: T.tensor([1, 2]).asinh_()):
        try:
            f()
        except RuntimeError as e:
            yield "error", str(e)
    T.tensor([1, 2]).eq_(T.tensor([1, 2, 3]))


def scatter_reduce_every_reduction(T):
    """scatter_reduce with each reduction, with and without self's values, ties and
    zeros: values, gradients, second derivatives, integers, and torch's errors (its
    forward takes "max" and "min" too, its backward not)."""
    z = T.tensor([[0.0, 2.0, 0.0], [3.0, 0.0, 1.0]], dtype=T.float64, requires_grad=True)
    s = T.tensor([[0.0, 0.0, 5.0], [2.0, 0.0, 0.0]], dtype=T.float64, requires_grad=True)
    i = T.tensor([[0, 0, 2], [1, 2, 2]])
    for reduce in ("sum", "prod", "mean", "amax", "amin"):
        for include_self in (True, False):
            r = z.scatter_reduce(1, i, s, reduce, include_self=include_self)
            g = T.autograd.grad((r * r).sum(), [z, s], create_graph=True)
            yield f"{reduce} {include_self}", (r, T.autograd.grad(r.sum(), [z, s]), g)
            if reduce != "prod":     # (torch refuses the double backward with two zeros)
                yield "second", T.autograd.grad(sum((gi * gi).sum() for gi in g), [z, s])
    y = (z * 1).scatter_reduce_(0, T.tensor([[1, 0, 1]]), s[:1] + 1, "prod")
    yield "in place", (y, type(y.grad_fn).__name__)
    yield "integers", (T.tensor([[5, 7, 9]]).scatter_reduce(1, T.tensor([[0, 0, 0]]), T.tensor([[2, 3, 4]]), "mean"),
                       T.tensor([[5, 7, 9]]).scatter_reduce(1, T.tensor([[0, 0, 2]]), T.tensor([[2, 3, 4]]), "mean", include_self=False),
                       T.tensor([[5, 7, 9]]).scatter_reduce(1, T.tensor([[0, 0]]), T.tensor([[2, 3]]), "amax", include_self=False),
                       T.tensor([[5, 7, 9]]).scatter_reduce(1, T.tensor([[1, 1]]), T.tensor([[2, 3]]), "amin", include_self=False))
    m = z.scatter_reduce(1, i, s, "max")
    yield "max", (m, z.scatter_reduce(1, i, s, "min"))
    for f in (lambda: m.sum().backward(), lambda: z.scatter_reduce(1, i, s, "add"),
              lambda: z.scatter_reduce(1, i + 3, s, "sum"), lambda: z.scatter_reduce(1, i, s.float(), "sum"),
              lambda: z.scatter_reduce(1, i.float(), s, "sum")):
        try:
            f()
        except RuntimeError as e:
            yield "error", str(e)
    z.scatter_reduce(1, i, s)


def quantiles_and_nanmedian(T):
    """quantile and nanquantile with every interpolation, a number or a tensor q, a dim or
    none, keepdim, nans (all nan), 0-d inputs; their graphs (sort, gather, lerp_,
    squeeze_), gradients (q's too) and torch's errors in its order; nanmedian."""
    x = T.tensor([[0.5, -0.3, 0.9, 0.1], [0.2, 0.7, -0.6, 0.7]], dtype=T.float64,
                 requires_grad=True)
    q = T.tensor([0.1, 0.5, 0.8], dtype=T.float64, requires_grad=True)
    for interpolation in ("linear", "lower", "higher", "midpoint", "nearest"):
        for args in ((0.4,), (0.4, 1), (q, 0, True), (q,), (0.0, -1, True)):
            y = x.quantile(*args, interpolation=interpolation)
            grads = T.autograd.grad((y * y).sum(), [x, q], allow_unused=True)
            yield f"{interpolation} {len(args)}", (y, type(y.grad_fn).__name__, grads)
    n = x.masked_fill(x > 0.6, float("nan"))
    yield "nan", (n.quantile(0.5, 1), T.quantile(n, q, keepdim=True), n.nanquantile(q, 1),
                  T.nanquantile(n, 0.3, 0, True, interpolation="higher"),
                  T.tensor([[float("nan")] * 2, [1.0, 2.0]]).nanquantile(T.tensor([0.3, 1.0]), 1),
                  T.tensor(3.0).quantile(0.5, dim=0, keepdim=True), T.tensor(3.0).quantile(T.tensor([0.5])),
                  T.tensor([1.0, 2.0, 3.0, 4.0, 5.0]).quantile(T.tensor([0.125, 0.375, 0.625]),
                                                               interpolation="nearest"))
    m = n.nanmedian(1)
    yield "nanmedian", (n.nanmedian(), m, type(m.values.grad_fn).__name__, n.nanmedian(0, True),
                        T.tensor([float("nan")]).nanmedian(), T.nanmedian(T.tensor([[float("nan")]]), 1))
    for f in (lambda: x.quantile(1.5, interpolation="foo"), lambda: x.quantile(0.5, interpolation="foo"),
              lambda: T.tensor([]).quantile(0.5, dim=3), lambda: T.tensor([]).quantile(0.5),
              lambda: x.quantile(T.tensor([[0.5]])), lambda: T.tensor([1, 2]).quantile(0.5),
              lambda: x.quantile(T.tensor([0.5])), lambda: x.quantile(T.tensor([0.5, -0.1], dtype=T.float64))):
        try:
            f()
        except (RuntimeError, IndexError) as e:
            yield type(e).__name__, str(e)
    x.nanquantile(-0.5)


def gather_scatter_select_fill(T):
    """gather/scatter_add, index_select/index_add, masked_fill(_), tril/triu, repeat:
    values, gradients, the nodes of a second derivative, and torch's errors."""
    x = T.tensor([[1.0, -2.0, 3.0, 0.5], [4.0, 5.0, -6.0, 2.0], [0.0, 1.5, 2.5, -1.0]],
                 requires_grad=True)
    idx = T.tensor([[0, 3, 3], [2, 2, 0], [1, 0, 1]])
    outs = {
        "gather": x.gather(1, idx),
        "gather0": T.gather(x, 0, T.tensor([[2, 0, 1, 1]])),
        "scatter_add": T.zeros(3, 4).scatter_add(1, idx, x[:, :3]),
        "index_select": x.index_select(0, T.tensor([2, 0, 2])),
        "index_select1": T.index_select(x, -1, T.tensor([1])),
        "index_add": T.ones(4, 3).index_add(0, T.tensor([3, 0, 3]), x[:, :3], alpha=2),
        "masked_fill": x.masked_fill(x > 2, 0.5),
        "masked_fill_row": x.masked_fill(T.tensor([True, False, False, True]), -1.0),
        "tril": x.tril(), "triu": T.triu(x, 1), "tril_neg": x.tril(-1),
        "repeat": x.repeat(2, 1), "repeat_new_dims": x[0].repeat(2, 3, 1),
    }
    for name, y in outs.items():
        yield name, (y, type(y.grad_fn).__name__)
        g, = T.autograd.grad((y * y).sum(), x, create_graph=True)
        yield name + " grad", (g, type(g.grad_fn).__name__)
        x.grad = None
        (g * g).sum().backward()
        yield name + " second", x.grad
    z = x.detach().clone()
    z.masked_fill_(z < 0, 0.0)
    z.tril_()
    yield "in place", z
    for f in (lambda: x.masked_fill(T.tensor([1, 0, 0, 1]), 1.0),
              lambda: x.gather(1, idx.float()), lambda: x.gather(1, T.tensor([[5]])),
              lambda: x.gather(2, idx), lambda: x.index_select(0, T.tensor([[0]])),
              lambda: x.index_select(0, T.tensor([7])), lambda: x.repeat(2),
              lambda: T.ones(3).tril(), lambda: x.gather(1, T.tensor([0, 1]))):
        try:
            f()
        except (RuntimeError, IndexError) as e:
            yield type(e).__name__, str(e)
    x.masked_fill(T.tensor([True, False]), 1.0)


def cumsum_recorded_to_the_second_derivative(T):
    """cumsum's gradient is a reversed cumsum (FlipBackward0, CumsumBackward0 under
    create_graph); integers and bools add up in int64; dtype=; a 0-d tensor."""
    x = T.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=T.float64, requires_grad=True)
    y = T.cumsum(x, 1)
    yield "y", (y, y.grad_fn._saved_dim)
    g, = T.autograd.grad((y ** 2).sum(), x, create_graph=True)
    yield "grad", (g, g.grad_fn.name(), g.grad_fn.next_functions[0][0].name())
    g.sum().backward()
    yield "x.grad", x.grad
    f = T.tensor([1.0, 2.0], requires_grad=True)
    z = f.cumsum(0, dtype=T.float64)
    z.sum().backward()
    yield "dtype", (z, f.grad)
    yield "integers", (T.tensor([1, 2, 3], dtype=T.int32).cumsum(0),
                       T.tensor([True, True]).cumsum(0))
    s = T.tensor(5.0, requires_grad=True)
    yield "0-d", (s.cumsum(0), s.cumsum(-1).grad_fn.name())
    T.cumsum(x, 2)


def sign_sgn_and_the_second_derivative_of_abs(T):
    """abs's gradient is grad * sgn(x) (SgnBackward0 under create_graph); sign and sgn
    have zero gradients, zeros even where the incoming gradient is infinite; booleans are
    their own sign."""
    x = T.tensor([-2.0, 0.0, 3.0], requires_grad=True)
    g, = T.autograd.grad(x.abs().sum(), x, create_graph=True)
    yield "grad", (g, g.grad_fn.next_functions[1][0].name())
    y = x.sgn()
    yield "sgn", (y, y.grad_fn._saved_self, y.grad_fn._saved_result)
    (x.sign() * T.tensor([float("inf"), 1.0, 1.0]) + y).sum().backward()
    yield "x.grad", x.grad
    yield "booleans", (T.tensor([True, False]).sign(), T.tensor([True, False]).sgn(),
                       T.tensor([3, -1, 0]).sgn())
    yield "nan and -0", (T.tensor([float("nan"), -0.0, 2.0]).sign(),
                         T.tensor([float("nan"), -3.0]).sgn())
    w = x.detach().clone()
    w.sgn_()
    yield "in place", w
    # sgn's gradient is torch's ZeroTensor: the formulas below it are skipped, so the
    # second derivative of |log x| at 0 is infinite, not nan
    z = T.tensor(0.0, requires_grad=True)
    g, = T.autograd.grad(z.log().abs(), z, create_graph=True)
    g.backward()
    yield "through log(0)", (g, z.grad)


def linalg_norms_inverse_and_determinant(T):
    """torch.linalg: vector norms (any ord, along dims), the Frobenius norm, inv and det,
    with their nodes, saved attributes and gradients, and the errors of bad shapes."""
    x = T.tensor([[3.0, -4.0], [1.0, 2.0]], dtype=T.float64, requires_grad=True)
    for name, y in [("norm", T.linalg.norm(x)), ("fro", T.linalg.norm(x, "fro")),
                    ("vector_norm", T.linalg.vector_norm(x, 1, dim=1)),
                    ("norm dim", T.linalg.norm(x, 3, dim=1, keepdim=True)),
                    ("inf", T.linalg.vector_norm(x, float("inf"))),
                    ("vector", T.linalg.norm(x[0], 1)), ("matrix_norm", T.linalg.matrix_norm(x)),
                    ("inv", T.linalg.inv(x)), ("det", T.linalg.det(x))]:
        g, = T.autograd.grad(y.sum(), x)
        yield name, (y, getattr(y.grad_fn, "_saved_ord", None),
                     getattr(y.grad_fn, "_saved_dim", None), g)
    for bad in (lambda: T.linalg.norm(T.ones(2, 2, 2), "fro"),
                lambda: T.linalg.matrix_norm(T.ones(3)),
                lambda: T.linalg.vector_norm(T.tensor([1, 2])),
                lambda: T.linalg.inv(T.ones(2, 3))):
        try:
            bad()
        except RuntimeError as e:
            yield "error", str(e)


def median_of_all_and_along_a_dim(T):
    """median: the lower middle element; ties share the full median's gradient; along a
    dim, (values, indices) whose gradient goes where the index points (ScatterBackward0
    under create_graph, as max's); nan wins; the errors of empty dims."""
    nan = float("nan")
    yield "nan", T.tensor([[1.0, nan, 2.0, nan], [3.0, 1.0, 2.0, 2.0]]).median(1)
    yield "ties", (T.tensor([2.0, 1.0, 2.0, 2.0, 1.0]).median(0),
                   T.tensor([[5.0, 5.0, 5.0]]).median(1))
    yield "empty", T.tensor([]).median()
    yield "0-d", (T.tensor(3.0).median(), T.tensor(3.0).median(0))
    yield "integers", (T.tensor([1, 2, 3, 4]).median(0), T.tensor([1, 2, 3, 4]).median())
    x = T.tensor([[3.0, 1.0, 2.0, 5.0], [4.0, 4.0, 0.0, 1.0]], requires_grad=True)
    m = x.median()
    yield "median", (m, m.grad_fn._saved_self, m.grad_fn._saved_result)
    m.backward()
    yield "x.grad", x.grad
    v, i = x.median(dim=1)
    yield "along", (v, i, v.grad_fn._saved_dim, v.grad_fn._saved_keepdim,
                    v.grad_fn._saved_indices, v.grad_fn._saved_self_sym_sizes)
    yield "keepdim", T.median(x, 1, keepdim=True)
    g, = T.autograd.grad((x.median(1).values ** 2).sum(), x, create_graph=True)
    yield "second order", (g, g.grad_fn.name(),
                           [n and n.name() for n, _ in g.grad_fn.next_functions])
    y = T.tensor([1.0, 2.0, 2.0, 3.0], requires_grad=True)
    y.median().backward()
    yield "shared by ties", y.grad
    T.tensor([[]]).median(1)


def moments_extrema_and_selections_of_several_outputs(T):
    """std_mean/var_mean and aminmax: two outputs of one node (output_nr 0 and 1, the saved
    results), a gradient from either or both; kthvalue and mode: (values, indices), the
    gradient where the index points (ScatterBackward0 under create_graph); the errors."""
    x = T.tensor([[1.0, 3.0, 3.0, 0.5], [4.0, 2.0, 4.0, -1.0]], requires_grad=True)
    s, m = T.std_mean(x, 1)
    yield "std_mean", (s, m, s.grad_fn is m.grad_fn, s.output_nr, m.output_nr,
                       s.grad_fn._saved_result0, s.grad_fn._saved_correction)
    for wanted in ([s], [m], [s, m]):
        g, = T.autograd.grad(sum(t.sum() for t in wanted), x, create_graph=True)
        yield "std_mean grad", (g, g.grad_fn.name())
    v, m = T.var_mean(x, False)
    yield "var_mean unbiased=False", (v, m)
    lo, hi = x.aminmax(dim=0, keepdim=True)
    yield "aminmax", (lo, hi, lo.grad_fn._saved_min, lo.grad_fn._saved_max)
    g, = T.autograd.grad(hi.sum() * 2 + lo.sum(), x, create_graph=True)
    yield "aminmax grad", (g, g.grad_fn.name())
    yield "aminmax all", T.aminmax(x)
    yield "aminmax bool", T.aminmax(T.tensor([True, False]))
    yield "kthvalue", (x.kthvalue(3, 1), T.kthvalue(x, 1, 0, keepdim=True))
    g, = T.autograd.grad((x.kthvalue(2, 1).values ** 2).sum(), x, create_graph=True)
    yield "kthvalue grad", (g, g.grad_fn.name())
    yield "mode", (T.mode(T.tensor([[1, 3, 3, 1], [2, 2, 0, 5]])), T.tensor(5.0).mode(),
                   x.mode(0, keepdim=True))
    yield "0-d", (T.tensor(5.0).kthvalue(1), T.aminmax(T.tensor(2.0), dim=0))
    for bad in (lambda: x.kthvalue(5, 1), lambda: x.kthvalue(0), lambda: x.mode(2),
                lambda: T.tensor([]).mode(), lambda: T.kthvalue(T.ones(2, 0), 1),
                lambda: T.aminmax(T.ones(0, 2)), lambda: T.aminmax(x, dim=2),
                lambda: T.std_mean(T.tensor([1, 2])), lambda: T.var_mean(T.tensor([1, 2]))):
        try:
            bad()
        except (RuntimeError, IndexError) as e:
            yield type(e).__name__, str(e)


def determinants_distances_integrals_and_covariances(T):
    """slogdet (sign and log|det|, one node; the sign has no gradient), logdet (nan for a
    negative determinant, -inf for a singular matrix), dist for any p, trapezoid and cov
    with their weights, integers and warnings; the errors of bad inputs."""
    a = T.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    sign, logabsdet = T.slogdet(a)
    yield "slogdet", (T.slogdet(a), T.linalg.slogdet(a), sign.output_nr, logabsdet.output_nr)
    g, = T.autograd.grad(logabsdet, a)
    yield "slogdet grad", g
    yield "sign only", T.autograd.grad(sign, a, allow_unused=True)
    yield "logdet", (T.logdet(a), a.logdet(), T.logdet(a @ a.T), T.logdet(T.zeros(2, 2)))
    b = T.tensor([0.5, -1.0], requires_grad=True)
    for p in (0.5, 1, 2, 3, float("inf")):
        g = T.autograd.grad(T.dist(a, b, p), (a, b))
        yield f"dist {p}", (T.dist(a, b, p), g)
    y = T.tensor([[1.0, 2.0, 4.0], [0.0, 1.0, 5.0]], requires_grad=True)
    yield "trapezoid", (T.trapezoid(y), T.trapezoid(y, dx=2, dim=0),
                        T.trapezoid(y, T.tensor([0.0, 1.0, 3.0])), T.trapezoid(T.tensor([1, 2, 4])),
                        T.trapezoid(T.ones(2, 0)))
    yield "cov", (T.cov(y), y.cov(correction=0), T.cov(y, fweights=T.tensor([1, 2, 1])),
                  T.cov(y, aweights=T.tensor([0.5, 1.0, 2.0])),
                  T.cov(T.tensor([[1, 2, 4], [0, 1, 1]])))
    yield "cov of one observation", T.cov(T.tensor([1.0, 2.0]), correction=2)
    for bad in (lambda: T.slogdet(T.ones(3)), lambda: T.logdet(T.ones(2, 3)),
                lambda: T.slogdet(T.ones(2, 2, dtype=T.int64)), lambda: T.dist(a, T.ones(3)),
                lambda: T.dist(T.tensor([1, 2]), T.tensor([1, 3])),
                lambda: T.trapezoid(T.tensor([True])), lambda: T.trapezoid(y, T.ones(2)),
                lambda: T.cov(T.ones(2, 2, 2)), lambda: T.cov(y, fweights=T.ones(3)),
                lambda: T.cov(y, aweights=T.tensor([1, 2, 1])),
                lambda: T.cov(y, fweights=T.tensor([1, -2, 1])),
                lambda: T.cov(y, aweights=T.zeros(3)), lambda: T.cov(y, fweights=T.ones(4, dtype=T.int64))):
        try:
            bad()
        except RuntimeError as e:
            yield "error", str(e)


def lerp_of_an_infinite_end_differentiated_twice(T):
    """lerp's gradients with a number weight are C++ products by a Scalar (MulBackward1);
    abs of nan has gradient 0 (sgn(nan) is 0, as torch's sign) -- found by the fuzzer."""
    x = T.zeros(2, 3, requires_grad=True)
    with T.no_grad():
        end = T.log(x)
    y = x.lerp(end, 0.75).abs()
    g, = T.autograd.grad(y, x, T.ones(2, 3), create_graph=True)
    yield "g", (g, g.grad_fn.name())
    e = T.tensor([1.0, 2.0], requires_grad=True)
    g, = T.autograd.grad((x[0, :2].lerp(e, 0.25) ** 2).sum(), e, create_graph=True)
    yield "end", (g, g.grad_fn.name())


def hardtanh_passes_the_gradient_of_nan(T):
    """hardtanh's backward zeroes the gradient at and beyond the bounds only: a nan input
    passes it on, also through the second derivative (found by the fuzzer)."""
    x = T.tensor([float("nan"), 0.5, 2.0, -1.0, 1.0], requires_grad=True)
    g, = T.autograd.grad(T.nn.functional.hardtanh(x), x, T.full((5,), float("nan")),
                         create_graph=True)
    yield "g", g
    (g * T.arange(5.0)).sum().backward()
    yield "x.grad", x.grad


def softmax_of_infinities(T):
    """softmax and log_softmax shift by the max as torch's kernels do: an infinite max
    makes the whole slice nan (found by the fuzzer); -inf elements get 0 (and -inf)."""
    inf = float("inf")
    for values in ([inf, 1.0], [inf, inf], [-inf, -inf], [-inf, 1.0]):
        x = T.tensor(values)
        yield str(values), (T.softmax(x, 0), T.log_softmax(x, 0), T.logsumexp(x, 0))


def clamp_min_max_and_outer(T):
    """clamp_min/clamp_max with numbers (their own nodes), in place, on integers; outer
    (torch computes it as a reshape and a product) and its errors."""
    x = T.tensor([-1.0, 0.25, 0.5, 2.0], requires_grad=True)
    y = x.clamp_min(0.25)
    z = T.clamp_max(x, 0.5)
    yield "values", (y, z, type(y.grad_fn).__name__, type(z.grad_fn).__name__)
    yield "saved", (y.grad_fn._saved_min, z.grad_fn._saved_max)
    (y * z).sum().backward()
    yield "x.grad", x.grad
    yield "integers", (T.tensor([1, 2]).clamp_min(0.5), T.tensor([1, 5]).clamp_max(3))
    w = T.tensor([1.0, -3.0]) * 1
    w.clamp_min_(0.0)
    w.clamp_max_(0.5)
    yield "in place", w
    a = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = T.tensor([0.5, -1.0], requires_grad=True)
    o = T.outer(a, b)
    yield "outer", (o, T.ger(a, b), type(o.grad_fn).__name__,
                    type(o.grad_fn.next_functions[0][0]).__name__)
    o.sum().backward()
    yield "grads", (a.grad, b.grad)
    try:
        T.tensor([1, 2]).clamp_min_(0.5)
    except RuntimeError as e:
        yield "int in place", str(e)
    T.outer(T.ones(2, 2), a)


def writes_at_indices_in_place(T):
    """index_fill_, index_copy_, masked_scatter_, put_ and renorm_: in place (a view's
    write rebases its base: CopySlices), the version counter, gradients through them, and
    a failed write (an index out of range) leaving the tensor as it was (torch writes the
    indices before a bad one: autodiff checks them all first)."""
    x = T.tensor([[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]], requires_grad=True)
    y = x * 1
    y[1].index_fill_(0, T.tensor([0, 2]), -1.0)
    y.index_copy_(1, T.tensor([1]), x[:, :1] * 10)
    yield "y", (y, type(y.grad_fn).__name__, y._version)
    z = (x * 1).masked_scatter_(x > 0, T.arange(6.0, dtype=x.dtype)).put_(
        T.tensor([0, -1]), T.tensor([7.0, 8.0]), accumulate=True).renorm_(2, 0, 5.0)
    yield "z", (z, type(z.grad_fn).__name__)
    (y * y).sum().backward(retain_graph=True)
    yield "x.grad", x.grad
    x.grad = None
    (z * z).sum().backward()
    yield "x.grad after z", x.grad
    for write in (lambda w: w.index_fill_(1, T.tensor([3, 1]), 1.0),
                  lambda w: w.index_copy_(0, T.tensor([2]), T.ones(1, 3)),
                  lambda w: w.put_(T.tensor([6, 1]), T.ones(2))):
        w = T.zeros(2, 3)
        try:
            write(w)
        except IndexError as e:
            yield "failed", (str(e), w, w._version)
    x.index_fill_(0, T.tensor([0]), 1.0)


def counting_and_searching(T):
    """searchsorted (1-D and batched boundaries, right/side, int32, a sorter, a number),
    bucketize, bincount (weights, minlength), histc (range given or the data's), unique
    (inverse, counts, NaNs, a dim): values and dtypes, none recorded; heaviside's values;
    strides of tensors and views (unfold's)."""
    s = T.tensor([1.0, 3.0, 5.0, 7.0], requires_grad=True)
    v = T.tensor([[3.0, 6.0], [0.0, 9.0]], requires_grad=True)
    yield "searchsorted", (T.searchsorted(s, v), T.searchsorted(s, v, right=True),
                           T.searchsorted(s, v, side="right", out_int32=True),
                           T.searchsorted(s, 4.0),
                           T.searchsorted(T.tensor([[1, 3, 5], [2, 4, 6]]), T.tensor([[3], [5]])),
                           T.searchsorted(T.tensor([5.0, 1.0, 3.0]), v,
                                          sorter=T.tensor([1, 2, 0])))
    yield "bucketize", (T.bucketize(v, s), T.bucketize(v, s, right=True),
                        T.bucketize(v, s, out_int32=True))
    i = T.tensor([1, 1, 3])
    yield "bincount", (T.bincount(i), i.bincount(minlength=6),
                       T.bincount(i, T.tensor([0.5, 1.0, 2.0], dtype=T.float64)),
                       T.bincount(i, weights=T.tensor([1, 2, 3])),
                       T.bincount(T.tensor([], dtype=T.long)))
    h = T.tensor([1.0, 2.0, 1.0, 4.0, 9.0], requires_grad=True)
    yield "histc", (T.histc(h, bins=4, min=0, max=8), h.histc(3),
                    T.histc(h.double(), 5, 1, 4), T.histc(T.tensor([2.0, 2.0]), 2))
    yield "unique", (T.unique(T.tensor([3, 1, 3, 2])), h.unique(return_inverse=True),
                     T.unique(T.tensor([[2, 1], [1, 5]]), return_counts=True, return_inverse=True),
                     T.unique(T.tensor([1.0, float("nan"), 1.0, float("nan")]),
                              return_counts=True),
                     T.unique(T.tensor([[1, 2], [1, 2], [0, 3]]), dim=0, return_inverse=True,
                              return_counts=True),
                     T.unique(T.tensor(3.0), return_inverse=True),
                     T.tensor([True, False, True]).unique(sorted=False, return_counts=True))
    yield "heaviside", (T.heaviside(T.tensor([-1.0, 0.0, 2.0, float("nan")]), T.tensor([5.0])),
                        T.tensor([-1, 0, 2]).heaviside(T.tensor([7])))
    x = T.zeros(2, 3, 4)
    yield "strides", (x.stride(), x.stride(-2), x[:, 1].stride(), x.transpose(0, 2).stride(),
                      x[0].unfold(1, 2, 2).stride(), x.unfold(2, 3, 1).stride(),
                      x.unsqueeze(1).expand(2, 5, 3, 4).stride(), T.zeros(2, 0, 3).stride(),
                      T.tensor(1.0).unfold(0, 1, 1).stride(), T.tensor(2.0).stride())
    u = x.unfold(1, 2, 1)
    yield "unfold", (u.shape, u.is_contiguous(), u.reshape(-1).shape, u._base is x)
    T.bincount(T.tensor([1.0]))


def sort_topk_scatter(T):
    """sort (stable, NaN largest), argsort, topk (distinct values), scatter: values,
    indices, gradients and second derivatives' nodes."""
    x = T.tensor([[3.0, -1.0, 2.0, 0.5], [0.0, 5.0, -4.0, 1.0]], requires_grad=True)
    outs = {"sort": x.sort(1), "sort desc": T.sort(x, 0, descending=True),
            "topk": x.topk(2), "topk smallest": T.topk(x, 3, dim=1, largest=False),
            "topk dim0": x.topk(1, 0)}
    for name, r in outs.items():
        yield name, (r, type(r).__name__, type(r.values.grad_fn).__name__)
        g, = T.autograd.grad((r.values ** 2).sum(), x, create_graph=True)
        yield name + " grad", (g, type(g.grad_fn).__name__)
    yield "ties", (T.sort(T.tensor([1.0, 0.0, 1.0, float("nan"), 0.0])),
                   T.sort(T.tensor([1.0, 0.0, 1.0, float("nan"), 0.0]), descending=True),
                   T.argsort(T.tensor([2, 1, 2, 1])))
    s = T.zeros(2, 4).scatter(1, T.tensor([[3, 0], [1, 1]]), x[:, :2])
    yield "scatter", (s, type(s.grad_fn).__name__)
    s.sum().backward()
    yield "x.grad", x.grad
    yield "scatter value", T.ones(2, 3).scatter(0, T.tensor([[1, 0, 1]]), 7.0)
    x.topk(5)


def random_fills_in_place(T):
    """Tensor.uniform_/normal_: in place (the draws themselves come from each framework's
    generator, so only their range and the graph are compared)."""
    w = T.empty(200)
    w.uniform_(-0.5, 0.25)
    yield "range", (bool(w.min() >= -0.5), bool(w.max() < 0.25), w._version)
    v = T.zeros(300).normal_(mean=3.0, std=0.01)
    yield "normal", (bool((v - 3).abs().max() < 0.1), v.dtype)
    p = T.ones(2, requires_grad=True)
    with T.no_grad():
        p.normal_(0, 0.01)
    yield "under no_grad", (p.requires_grad, p.grad_fn)
    x = p * 1
    x.uniform_()
    yield "recorded", (type(x.grad_fn).__name__, type(x.grad_fn.next_functions[0][0]).__name__)
    x.sum().backward()
    yield "p.grad", p.grad
    p.uniform_()


def diagonals_and_trace(T):
    """diagonal (a view), diag of a vector and of a matrix, diag_embed, trace: values,
    nodes, gradients, second derivatives, views written in place, and errors."""
    x = T.tensor([[1.0, 2.0, 3.0], [4.0, -5.0, 6.0], [7.0, 8.0, 0.5], [1.5, -2.5, 3.5]],
                 requires_grad=True)
    v = T.tensor([1.0, -2.0, 0.5], requires_grad=True)
    outs = {"diagonal": x.diagonal(), "diagonal1": T.diagonal(x, 1),
            "diagonal-1": x.diagonal(-1, 1, 0), "diag": T.diag(x), "diag1": T.diag(x, -1),
            "trace": T.trace(x), "diag_vec": T.diag(v) @ x.T, "diag_vec1": T.diag(v, 1).sum(0),
            "diag_embed": T.diag_embed(x[:2], 1)}
    for name, y in outs.items():
        yield name, (y, type(y.grad_fn).__name__)
        gx, gv = T.autograd.grad((y * y).sum(), [x, v], create_graph=True, allow_unused=True)
        g = gx if gx is not None else gv
        yield name + " grad", (g, type(g.grad_fn).__name__ if g.grad_fn else None)
        x.grad = v.grad = None
        (g * g).sum().backward()
        yield name + " second", (x.grad, v.grad)
    z = x.detach().clone()
    z.diagonal().mul_(10)
    yield "written through the view", z
    T.trace(v)


def stacking_tiling_rolling(T):
    """hstack, vstack, tile (repeat underneath), roll (with and without dims): values,
    nodes and gradients."""
    x = T.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    v = T.tensor([0.5, -1.0, 2.0], requires_grad=True)
    outs = {"hstack": T.hstack([x, x * 2]), "hstack vectors": T.hstack([v, v, T.tensor(7.0)]),
            "vstack": T.vstack([v, x]), "tile": T.tile(x, (2,)), "tile method": v.tile(2, 2),
            "roll": x.roll(1, 1), "roll dims": T.roll(x, (1, -1), (0, 1)),
            "roll flat": T.roll(x, 2)}
    for name, y in outs.items():
        yield name, (y, type(y.grad_fn).__name__)
        x.grad = v.grad = None
        (y * T.arange(float(y.numel())).reshape(y.shape)).sum().backward()
        yield name + " grads", (x.grad, v.grad)
    T.roll(x, (1, 2), 0)


def inverse_and_det(T):
    """inverse and det (and their methods): values, gradients, second derivatives on
    invertible matrices, batches, and torch's errors for singular or non-square ones."""
    a = T.tensor([[2.0, 1.0, 0.5], [1.0, 3.0, -1.0], [0.0, 0.5, 1.5]], requires_grad=True)
    b = T.tensor([[[1.0, 2.0], [3.0, 4.0]], [[0.5, 0.0], [1.0, 2.0]]], requires_grad=True)
    outs = {"inverse": T.inverse(a), "det": T.det(a), "method": a.inverse() @ a.T,
            "batched inverse": b.inverse(), "batched det": b.det()}
    for name, y in outs.items():
        yield name, (y, type(y.grad_fn).__name__)
        ga, gb = T.autograd.grad((y * y).sum(), [a, b], create_graph=True, allow_unused=True)
        g = ga if ga is not None else gb
        # (det's gradient: torch solves, autodiff inverts; the node names differ, see
        # docs/differences.md)
        yield name + " grad", (g, None if "det" in name else type(g.grad_fn).__name__)
        a.grad = b.grad = None
        (g * g).sum().backward()
        yield name + " second", (a.grad, b.grad)
    for f in (lambda: T.inverse(T.ones(2, 3)), lambda: T.det(T.ones(3)),
              lambda: T.inverse(T.tensor([[1, 2], [3, 4]])),
              lambda: T.inverse(T.tensor([[[1.0, 0.0], [0.0, 1.0]], [[0.0, 0.0], [0.0, 1.0]]]))):
        try:
            f()
        except RuntimeError as e:
            yield type(e).__name__, str(e)
    T.inverse(T.tensor([[1.0, 2.0], [2.0, 4.0]]))
