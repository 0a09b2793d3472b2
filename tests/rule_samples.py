"""One sample program per row of the derivative table, for the finite-difference tests.

Each entry: op name -> ``Sample(fn, shapes, low, high)``: ``fn`` takes autodiff float64
tensors of the given shapes (values drawn uniformly from [low, high], away from kinks
and poles) and returns a tensor whose graph contains a node of that row.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import jax

import autodiff as T
import autodiff.nn.functional as F
from autodiff.nn.functional import conv as C
from autodiff import tape
from autodiff.tape import RULES


@dataclasses.dataclass
class Sample:
    fn: Callable
    shapes: list
    low: float = -1.5
    high: float = 1.5
    second_order: bool = True     # also check the backward's own derivative
    h: float = 1e-6               # the finite-difference step
    ranges: list | None = None    # per-input (low, high), where inputs need their own


def _setitem(a, b):
    y = a * 1.0
    y[0] = b
    return y * y


def _index_assign(a, b):
    y = a * 1.0
    y[T.tensor([0, 2])] = b           # distinct indices: with repeats torch's rule is ambiguous
    return y * y


def _inplace_on_view(a):
    y = a * 1.0
    v = y[1:]
    v.mul_(3.0)                       # y gets CopySlices, v is re-derived from it (AsStrided)
    return v * v


def _copy_into(a, b):
    y = a * 1.0
    return y.copy_(b) * b


def _zeroed(a):
    return (a * 2.0).zero_() + a * a


def _conv_gradients(grad, x, w):
    """A strided, dilated conv2d's input and weight gradients, as ConvolutionBackward0's
    formulas make them (convolutions, recorded by the row convolution_backward)."""
    attrs = dict(stride=(2, 2), padding=((1, 1), (1, 1)), dilation=(1, 2),
                 lhs_dilation=(1, 1), feature_group_count=1, batch_group_count=1,
                 transposed=False, op="convolution_backward",
                 dimension_numbers=jax.lax.conv_dimension_numbers(
                     (1, 2, 5, 6), (3, 2, 2, 2), ("NCHW", "OIHW", "NCHW")))
    return T.cat([C._conv_input_grad(grad, x, w, **attrs).flatten(),
                  C._conv_weight_grad(grad, x, w, **attrs).flatten()])


def _filled(a):
    return (a * 2.0).fill_(3.0) * a


def _filled_with(a, b):
    return (a * 2.0).fill_(b * b) * a


def _view_backward(a, **where):
    """The scatter of a gradient back into a 2x3 zero tensor (a view's adjoint)."""
    view = RULES["select"].view_fn(self_sym_sizes=(2, 3), **where)
    out = tape.apply(RULES["view_backward"], a, self_sym_sizes=(2, 3), view=view)
    return out * T.arange(6.0, dtype=T.float64).view(2, 3)


def _index_backward(a):
    return tape.apply(RULES["index_backward"], a, key=(T.tensor([0, 2, 0])._value(),),
                      self_sym_sizes=(4,))


SAMPLES: dict[str, Sample] = {
    "add": Sample(lambda a, b: T.add(a * a, b, alpha=2.0), [(2, 3), (3,)]),
    "sub": Sample(lambda a, b: a * a - b, [(2, 3), (2, 1)]),
    "rsub": Sample(lambda a, b: T.rsub(a * a, b), [(2, 3), (3,)]),
    "rsub_scalar": Sample(lambda a: 2.0 - a * a, [(3,)]),
    "mul": Sample(lambda a, b: a * b, [(2, 3), (3,)]),
    "div": Sample(lambda a, b: a / b, [(2, 3), (3,)], 0.5, 2.0),
    "addcmul": Sample(lambda a, b, c: T.addcmul(a, b, c, value=0.5), [(2, 3), (3,), (2, 1)]),
    "addcdiv": Sample(lambda a, b, c: T.addcdiv(a, b, c, value=0.5), [(2, 3), (3,), (2, 1)],
                      ranges=[(-1.5, 1.5), (-1.5, 1.5), (0.5, 2.0)]),
    "lerp": Sample(lambda a, b: T.lerp(a, b, 0.3) * T.lerp(b, a, 0.8), [(2, 3), (3,)]),
    "lerp_tensor": Sample(lambda a, b, w: T.lerp(a, b, w), [(2, 3), (3,), (2, 1)]),
    "reciprocal": Sample(lambda a: 2.0 / a, [(3,)], 0.5, 2.0),
    "neg": Sample(lambda a: -(a * a), [(3,)]),
    "pow": Sample(lambda a: a ** 3, [(2, 2)]),
    "pow_tensor": Sample(lambda a, b: a ** b, [(3,), (3,)], 0.5, 2.0),
    "pow_scalar": Sample(lambda a: 2.0 ** a, [(3,)]),
    "xlogy": Sample(lambda a, b: a.xlogy(b), [(3,), (2, 3)], 0.5, 2.0),
    "xlogy_scalar_self": Sample(lambda a: T.xlogy(2.0, a), [(3,)], 0.5, 2.0),
    "xlogy_scalar_other": Sample(lambda a: a.xlogy(3.0) * a, [(3,)]),
    "abs": Sample(lambda a: a.abs(), [(4,)], 0.2, 1.5),
    "sign": Sample(lambda a: a.sign() * a, [(3,)], 0.2, 1.0),
    "floor": Sample(lambda a: a.floor() * a, [(3,)], 0.2, 0.8),
    "ceil": Sample(lambda a: a.ceil() * a, [(3,)], 0.2, 0.8),
    "trunc": Sample(lambda a: a.trunc() * a, [(3,)], 1.2, 1.8),
    "round": Sample(lambda a: a.round() * a, [(3,)], 0.6, 1.4),
    "round_decimals": Sample(lambda a: a.round(decimals=1) * a, [(3,)], 0.61, 0.69),
    "sgn": Sample(lambda a: a.sgn() * a, [(3,)], 0.2, 1.0),
    "exp": Sample(lambda a: a.exp(), [(3,)]),
    "log": Sample(lambda a: a.log(), [(3,)], 0.5, 2.0),
    "sqrt": Sample(lambda a: a.sqrt(), [(3,)], 0.5, 2.0),
    "rsqrt": Sample(lambda a: a.rsqrt(), [(3,)], 0.5, 2.0),
    "sin": Sample(lambda a: a.sin(), [(3,)]),
    "cos": Sample(lambda a: a.cos(), [(3,)]),
    "tan": Sample(lambda a: a.tan(), [(3,)], -1.2, 1.2),
    "sinh": Sample(lambda a: a.sinh(), [(3,)]),
    "cosh": Sample(lambda a: a.cosh(), [(3,)]),
    "asin": Sample(lambda a: a.asin(), [(3,)], -0.9, 0.9),
    "asinh": Sample(lambda a: a.asinh(), [(3,)]),
    "acosh": Sample(lambda a: T.acosh(a), [(3,)], 1.2, 3.0),
    "atanh": Sample(lambda a: a.arctanh(), [(3,)], -0.9, 0.9),
    "acos": Sample(lambda a: a.acos(), [(3,)], -0.9, 0.9),
    "atan": Sample(lambda a: a.atan(), [(3,)]),
    "log1p": Sample(lambda a: a.log1p(), [(3,)], -0.5, 2.0),
    "logit": Sample(lambda a: a.logit() + a.logit(eps=0.05), [(3,)], 0.1, 0.9),
    "expm1": Sample(lambda a: a.expm1(), [(3,)]),
    "tanh": Sample(lambda a: a.tanh(), [(3,)]),
    "sigmoid": Sample(lambda a: a.sigmoid(), [(3,)]),
    "relu": Sample(lambda a: a.relu() * a, [(4,)], 0.2, 1.5),
    "softmax_backward_data": Sample(
        lambda g, y: tape.apply(RULES["softmax_backward_data"], g, y.softmax(1), dim=1),
        [(2, 4), (2, 4)]),
    "log_softmax_backward_data": Sample(
        lambda g, y: tape.apply(RULES["log_softmax_backward_data"], g, y.log_softmax(1), dim=1),
        [(2, 4), (2, 4)]),
    "tanh_backward": Sample(lambda g, y: tape.apply(RULES["tanh_backward"], g, y),
                            [(4,), (4,)]),
    "sigmoid_backward": Sample(lambda g, y: tape.apply(RULES["sigmoid_backward"], g, y),
                               [(4,), (4,)]),
    "threshold_backward": Sample(
        lambda g, x: tape.apply(RULES["threshold_backward"], g, x, threshold=0.1) * x,
        [(6,), (6,)], ranges=[(-1.5, 1.5), (0.3, 1.5)]),
    "clamp_min": Sample(lambda a: a.clamp_min(0.5) * a, [(4,)], 0.6, 1.5),
    "clamp_max": Sample(lambda a: a.clamp_max(-0.5) * a, [(4,)], 0.6, 1.5),
    "clamp": Sample(lambda a: a.clamp(-0.5, 0.5) * a, [(4,)], 0.6, 1.5),
    "clamp_tensor": Sample(lambda a, lo, hi: a.clamp(lo, hi) * a, [(2, 6), (6,), (2, 1)],
                           ranges=[(-1.5, 1.5), (-1.0, -0.2), (0.2, 1.0)]),
    "maximum": Sample(lambda a, b: T.maximum(a, b) ** 2, [(3,), (3,)]),
    "fmax": Sample(lambda a, b: T.fmax(a, b) ** 2, [(3,), (3,)]),
    "fmin": Sample(lambda a, b: T.fmin(a, b) ** 2, [(3,), (3,)]),
    "minimum": Sample(lambda a, b: T.minimum(a, b) ** 2, [(3,), (3,)]),
    "where": Sample(lambda a, b: T.where(a > 0, a * a, b), [(4,), (4,)]),
    "sum": Sample(lambda a: (a * a).sum(), [(2, 3)]),
    "sum_dim": Sample(lambda a: (a * a).sum(1), [(2, 3)]),
    "mean": Sample(lambda a: (a * a).mean(), [(2, 3)]),
    "mean_dim": Sample(lambda a: (a * a).mean(0, keepdim=True), [(2, 3)]),
    "prod": Sample(lambda a: a.prod(), [(4,)]),
    "prod_dim": Sample(lambda a: a.prod(1), [(2, 3)]),
    "max": Sample(lambda a: a.max() * a.max(), [(5,)]),
    "min": Sample(lambda a: a.min() * a.min(), [(5,)]),
    "max_dim": Sample(lambda a: a.max(1).values ** 2, [(2, 4)]),
    "min_dim": Sample(lambda a: a.min(0).values ** 2, [(3, 2)]),
    "median": Sample(lambda a: a.median() * a.median(), [(5,)]),
    "median_dim": Sample(lambda a: a.median(1).values ** 2, [(2, 5)]),
    "nanmedian": Sample(lambda a: T.nanmedian(a.log()) * a.nanmedian(), [(6,)]),
    "nanmedian_dim": Sample(lambda a: a.log().nanmedian(1, keepdim=True).values ** 2,
                            [(2, 5)]),
    "amax": Sample(lambda a: a.amax(1) ** 2, [(2, 4)]),
    "amin": Sample(lambda a: a.amin(0) ** 2, [(3, 2)]),
    "norm": Sample(lambda a: a.norm(dim=1), [(2, 3)], 0.2, 1.5),
    "var": Sample(lambda a: a.var(1), [(2, 4)]),
    "std": Sample(lambda a: a.std(), [(5,)]),
    "var_mean": Sample(lambda a: T.var_mean(a, 1)[0] * T.var_mean(a, 1)[1], [(2, 4)]),
    "std_mean": Sample(lambda a: (lambda s, m: s * m + s)(*T.std_mean(a, 0)), [(4, 2)]),
    "aminmax": Sample(lambda a: (lambda lo, hi: hi * lo + hi)(*a.aminmax(dim=1)), [(2, 4)]),
    "kthvalue": Sample(lambda a: a.kthvalue(2, 1).values ** 2, [(2, 4)]),
    "mode": Sample(lambda a: a.mode(1).values ** 2, [(2, 4)]),
    "dist": Sample(lambda a, b: T.dist(a, b, 3), [(2, 3), (3,)]),
    # (torch has no second derivative of cdist: CdistBackwardBackward0 refuses it)
    "cdist": Sample(lambda a, b: T.cdist(a, b, p=3), [(3, 2), (4, 2)], second_order=False),
    "euclidean_dist": Sample(lambda a, b: T.cdist(a, b, compute_mode="use_mm_for_euclid_dist"),
                             [(3, 2), (4, 2)]),
    "slogdet": Sample(lambda a: T.slogdet(a + T.eye(3, dtype=T.float64) * 3).logabsdet ** 2,
                      [(2, 3, 3)]),
    "logsumexp": Sample(lambda a: a.logsumexp(1), [(2, 3)]),
    "softmax": Sample(lambda a: a.softmax(1), [(2, 3)]),
    "log_softmax": Sample(lambda a: a.log_softmax(0), [(2, 3)]),
    "mm": Sample(lambda a, b: a.mm(b), [(2, 3), (3, 2)]),
    "mv": Sample(lambda a, b: a.mv(b), [(2, 3), (3,)]),
    "bmm": Sample(lambda a, b: a.bmm(b), [(2, 2, 3), (2, 3, 2)]),
    "dot": Sample(lambda a, b: a.dot(b), [(3,), (3,)]),
    "vdot": Sample(lambda a, b: a.vdot(b), [(3,), (3,)]),
    "view": Sample(lambda a: (a * a).view(3, 2), [(2, 3)]),
    "reshape_alias": Sample(lambda a: (a * a).t().reshape(3, 1, 2), [(2, 3)]),
    "unsafe_view": Sample(lambda a, b: a @ b, [(2, 2, 3), (3, 2)]),
    "alias": Sample(lambda a: (a * a)[...], [(3,)]),
    "t": Sample(lambda a: (a * a).t(), [(2, 3)]),
    "transpose": Sample(lambda a: (a * a).transpose(0, 2), [(2, 1, 3)]),
    "permute": Sample(lambda a: (a * a).permute(2, 0, 1), [(2, 1, 3)]),
    "squeeze": Sample(lambda a: (a * a).squeeze(), [(2, 1, 3)]),
    "squeeze_dim": Sample(lambda a: (a * a).squeeze(1), [(2, 1, 3)]),
    "squeeze_dims": Sample(lambda a: (a * a).squeeze((1,)), [(2, 1, 3)]),
    "squeeze_matmul": Sample(lambda a, b: a @ b, [(3,), (3, 2)]),
    "unsqueeze": Sample(lambda a: (a * a).unsqueeze(1), [(2, 3)]),
    "t_": Sample(lambda a: (a * a).t_(), [(2, 3)]),
    "transpose_": Sample(lambda a: (a * a).transpose_(0, 2), [(2, 1, 3)]),
    "squeeze_": Sample(lambda a: (a * a).squeeze_(), [(2, 1, 3)]),
    "squeeze_dim_": Sample(lambda a: (a * a).squeeze_(1), [(2, 1, 3)]),
    "squeeze_dims_": Sample(lambda a: (a * a).squeeze_((1,)), [(2, 1, 3)]),
    "unsqueeze_": Sample(lambda a: (a * a).unsqueeze_(1), [(2, 3)]),
    "expand": Sample(lambda a: (a * a).expand(2, 3) * T.arange(6.).view(2, 3), [(3,)]),
    "select": Sample(lambda a: (a * a)[1], [(2, 3)]),
    "slice": Sample(lambda a: (a * a)[:, ::2], [(2, 3)]),
    "view_backward": Sample(lambda a: _view_backward(a * a, dim=0, index=1),
                            [(3,)]),
    "select_backward": Sample(lambda a: tape.apply(
        RULES["select_backward"], a * a, input_sizes=(2, 3), dim=0, index=1)
        * T.arange(6.0, dtype=T.float64).view(2, 3), [(3,)]),
    "slice_backward": Sample(lambda a: tape.apply(
        RULES["slice_backward"], a * a, input_sizes=(2, 3), dim=1, start=1, end=3, step=1)
        * T.arange(6.0, dtype=T.float64).view(2, 3), [(2, 2)]),
    "index": Sample(lambda a: (a * a)[T.tensor([0, 2, 0])], [(4,)]),
    "index_backward": Sample(lambda a: _index_backward(a * a), [(3,)]),
    "cat": Sample(lambda a, b: T.cat([a * a, b], 1), [(2, 3), (2, 1)]),
    "split": Sample(lambda a: (lambda x, y, z: x * y.sum() + z.sum())(*(a * a).split(2)),
                    [(5, 3)]),
    "split_with_sizes": Sample(lambda a: (lambda x, y: x * y)(*(a * a).split([1, 3], 1)),
                               [(2, 4)]),
    "unbind": Sample(lambda a: (lambda x, y, z: x * z)(*(a * a).unbind(1)), [(2, 3)]),
    "stack": Sample(lambda a, b: T.stack([a * a, b], 1), [(2, 3), (2, 3)]),
    "clone": Sample(lambda a: (a * a).clone(), [(3,)]),
    # through float32 and back: a linear sample and a wide step keep rounding out of it
    "to": Sample(lambda a: (a * 3.0).to(T.float32), [(3,)], h=1e-2, second_order=False),
    "copy_": Sample(_copy_into, [(2, 3), (3,)]),
    "zero_": Sample(_zeroed, [(3,)]),
    "fill_": Sample(_filled, [(3,)]),
    "fill_tensor": Sample(_filled_with, [(3,), ()]),
    "fill": Sample(lambda a: T.fill(a * 2.0, 3.0) * a, [(3,)]),
    "fill_tensor_out": Sample(lambda a, b: T.fill(a * 2.0, b * b) * a, [(3,), ()]),
    "copy_slices": Sample(_setitem, [(3, 2), (2,)]),
    "index_put": Sample(_index_assign, [(3, 2), (2,)]),
    "as_strided": Sample(_inplace_on_view, [(3, 2)]),
}

# Neural-network primitives (autodiff.nn.functional)
_F64 = dict(dtype=T.float64)
SAMPLES.update({
    "mul_scalar": Sample(lambda a: tape.apply(RULES["mul_scalar"], a * a, other=0.3),
                         [(2, 3)]),
    "div_scalar": Sample(lambda a: tape.apply(RULES["div_scalar"], a * a, other=4), [(3,)]),
    "add_scalar": Sample(lambda a: tape.apply(RULES["add_scalar"], a * a, other=4), [(3,)]),
    "sub_scalar": Sample(lambda a: tape.apply(RULES["sub_scalar"], a * a, other=4), [(3,)]),
    "masked_fill_tensor": Sample(lambda x, v: x.masked_fill(T.tensor([True, False, True]),
                                                            v.sum()) ** 2, [(3,), (2,)]),
    "masked_select": Sample(lambda x: T.masked_select(x, T.tensor([[True], [False]])) ** 2,
                            [(3,)]),
    "flip": Sample(lambda a: tape.apply(RULES["flip"], a * a, dims=(1,)), [(2, 3)]),
    "cumsum": Sample(lambda a: (a * a).cumsum(1), [(2, 3)]),
    "cumprod": Sample(lambda a: a.cumprod(1), [(2, 3)], 0.5, 1.5),
    "logcumsumexp": Sample(lambda a: a.logcumsumexp(1), [(2, 3)]),
    "rot90": Sample(lambda a: (a * a).rot90(1, (1, 0)), [(2, 3)]),
    "cummax": Sample(lambda a: a.cummax(1).values ** 2, [(2, 4)]),
    "cummin": Sample(lambda a: a.cummin(0).values ** 2, [(3, 2)]),
    "nansum": Sample(lambda a: (a * a).nansum(1), [(2, 3)]),
    "erf": Sample(lambda a: tape.apply(RULES["erf"], a), [(4,)]),
    "erfc": Sample(lambda a: a.erfc(), [(4,)]),
    "erfinv": Sample(lambda a: a.erfinv(), [(4,)], -0.8, 0.8),
    "lgamma": Sample(lambda a: a.lgamma(), [(4,)], 0.5, 3.0),
    "digamma": Sample(lambda a: a.digamma(), [(4,)], 0.5, 3.0),
    "polygamma": Sample(lambda a: T.polygamma(1, a), [(4,)], 0.5, 3.0),
    "log2": Sample(lambda a: a.log2(), [(4,)], 0.5, 2.0),
    "log10": Sample(lambda a: a.log10(), [(4,)], 0.5, 2.0),
    "exp2": Sample(lambda a: a.exp2(), [(4,)]),
    "atan2": Sample(lambda a, b: T.atan2(a, b), [(3,), (3,)], 0.5, 1.5),
    "hypot": Sample(lambda a, b: T.hypot(a, b), [(3,), (3,)], 0.5, 1.5),
    "logaddexp": Sample(lambda a, b: T.logaddexp(a, b), [(3,), (3,)]),
    "logaddexp2": Sample(lambda a, b: T.logaddexp2(a, b), [(3,), (3,)]),
    "linalg_cross": Sample(lambda a, b: T.linalg.cross(a * a, b), [(2, 3), (3,)]),
    "frac": Sample(lambda a: a.frac() * a, [(4,)], 0.1, 0.9),
    "nan_to_num": Sample(lambda a: T.nan_to_num(a * a), [(4,)]),
    "sinc": Sample(lambda a: T.sinc(a), [(4,)], 0.2, 0.9),
    "copysign": Sample(lambda a, b: T.copysign(a, b) * a, [(3,), (3,)], 0.2, 1.0,
                       ranges=[(0.2, 1.0), (-1.0, -0.2)]),
    "copysign_scalar": Sample(lambda a: a.copysign(-1.0) * a, [(3,)], 0.2, 1.0),
    "deg2rad": Sample(lambda a: (a * a).deg2rad(), [(3,)]),
    "rad2deg": Sample(lambda a: (a * a).rad2deg(), [(3,)]),
    "div_mode": Sample(lambda a, b: T.div(a * a, b, rounding_mode=None), [(3,), (3,)], 0.5,
                       1.5),
    "remainder": Sample(lambda a, b: T.remainder(a * 3, b) * a, [(3,), (3,)], 0.5, 0.9),
    "remainder_scalar": Sample(lambda a: (a * 3) % 0.7 * a, [(3,)], 0.3, 0.6),
    "fmod": Sample(lambda a, b: T.fmod(a * 3, b) * a, [(3,), (3,)], 0.5, 0.9),
    "fmod_scalar": Sample(lambda a: T.fmod(a * 3, 0.7) * a, [(3,)], 0.3, 0.6),
    "addmm": Sample(lambda b, x, w: F.linear(x, w, b), [(2,), (3, 4), (2, 4)]),
    "addmv": Sample(lambda s, m, v: T.addmv(s, m, v, beta=0.5, alpha=2), [(2,), (2, 3), (3,)]),
    "addr": Sample(lambda s, a, b: T.addr(s, a, b, alpha=-1.5), [(2, 3), (2,), (3,)]),
    "baddbmm": Sample(lambda s, a, b: T.baddbmm(s, a, b, beta=2), [(3,), (2, 2, 3), (2, 3, 3)]),
    "addbmm": Sample(lambda s, a, b: T.addbmm(s, a, b, alpha=0.5), [(2, 3), (2, 2, 4), (2, 4, 3)]),
    "gelu": Sample(lambda a: F.gelu(a) + F.gelu(a, approximate="tanh"), [(5,)]),
    "batch_norm": Sample(
        lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True)
        + F.batch_norm(x, T.tensor([0.1, -0.2, 0.3], dtype=T.float64),
                       T.tensor([0.5, 1.0, 2.0], dtype=T.float64), w, b) * x,
        [(4, 3, 2), (3,), (3,)]),
    "leaky_relu": Sample(lambda a: F.leaky_relu(a, 0.2) * a, [(6,)]),
    "leaky_relu_backward": Sample(
        lambda g, x: tape.apply(RULES["leaky_relu_backward"], g, x, negative_slope=0.2) * x,
        [(6,), (6,)]),
    "leaky_relu_": Sample(lambda a: F.leaky_relu(a * 1.0, 0.2, inplace=True) * a, [(6,)]),
    "_trilinear": Sample(lambda a, b, c: F.bilinear(a, b, c) ** 2, [(2, 3), (2, 4), (5, 3, 4)]),
    "_pdist_forward": Sample(lambda a: T.pdist(a, 3) + T.pdist(a) + T.pdist(a, 1.5), [(4, 3)],
                             second_order=False),      # (torch has no second derivative)
    "adaptive_max_pool2d": Sample(lambda a: F.adaptive_max_pool2d(a, (2, 3)) ** 2,
                                  [(1, 2, 5, 7)]),
    "adaptive_max_pool2d_backward": Sample(
        lambda g, x: tape.apply(RULES["adaptive_max_pool2d_backward"], g, x,
                                indices=F.adaptive_max_pool2d(x, (2, 3), True)[1]._value())
        * x,
        [(1, 2, 2, 3), (1, 2, 5, 7)]),
    "max_pool3d": Sample(lambda a: F.max_pool3d(a, 2, (1, 2, 1), 1, 1, True) ** 2,
                         [(1, 2, 3, 4, 3)]),
    "max_pool3d_with_indices_backward": Sample(
        lambda g, x: tape.apply(RULES["max_pool3d_with_indices_backward"], g, x,
                                indices=F.max_pool3d(x, 2, return_indices=True)[1]._value())
        * x,
        [(1, 2, 1, 2, 1), (1, 2, 3, 4, 3)]),
    "pixel_shuffle": Sample(lambda a: F.pixel_shuffle(a, 2) ** 2, [(1, 8, 2, 3)]),
    "pixel_unshuffle": Sample(lambda a: F.pixel_unshuffle(a, 2) ** 2, [(2, 4, 6)]),
    "channel_shuffle": Sample(lambda a: F.channel_shuffle(a, 2) ** 2, [(2, 6, 3)]),
    # out of training and in it (the slopes drawn by a generator seeded on every call)
    "rrelu_with_noise": Sample(
        lambda a: (F.rrelu(a, 0.1, 0.3)
                   + F.rrelu(a, 0.1, 0.3, True, generator=T.Generator().manual_seed(0))) * a,
        [(6,)]),
    "rrelu_with_noise_backward": Sample(
        lambda g, x: tape.apply(RULES["rrelu_with_noise_backward"], g, x, noise=None, lower=0.1,
                                upper=0.3, training=False) * x,
        [(6,), (6,)]),
    "rrelu_with_noise_": Sample(
        lambda a: (F.rrelu(a * 1.0, 0.1, 0.3, inplace=True)
                   + F.rrelu(a * 1.0, 0.1, 0.3, True, inplace=True,
                             generator=T.Generator().manual_seed(0))) * a,
        [(6,)]),
    "elu": Sample(lambda a: F.elu(a, 0.5) + F.selu(a), [(6,)]),
    "elu_": Sample(lambda a: F.elu(a * 1.0, 0.5, inplace=True) * a, [(6,)]),
    "gelu_backward": Sample(
        lambda g, x: tape.apply(RULES["gelu_backward"], g, x, approximate="none")
        + tape.apply(RULES["gelu_backward"], g, x, approximate="tanh"), [(5,), (5,)]),
    "elu_backward": Sample(
        lambda g, x: sum(tape.apply(RULES["elu_backward"], g, x, alpha=0.5, scale=1.2,
                                    input_scale=0.8, is_result=r) for r in (False, True)),
        [(6,), (6,)]),
    "softplus_backward": Sample(
        lambda g, x: tape.apply(RULES["softplus_backward"], g, x, beta=2.0, threshold=1.0),
        [(6,), (6,)]),
    "hardtanh_backward": Sample(
        lambda g, x: tape.apply(RULES["hardtanh_backward"], g, x, min_val=-0.5, max_val=0.5) * x,
        [(6,), (6,)]),
    "mse_loss_backward": Sample(
        lambda g, x, t: sum(tape.apply(RULES["mse_loss_backward"], grad, x, t, reduction=r)
                            for grad, r in ((g, 0), (g.sum(), 1), (g.mean(), 2))),
        [(2, 3), (2, 3), (2, 3)]),
    "silu": Sample(lambda a: F.silu(a), [(6,)]),
    "softplus": Sample(lambda a: F.softplus(a) + F.softplus(a, beta=3, threshold=2), [(6,)]),
    "hardtanh": Sample(lambda a: F.hardtanh(a, -0.5, 0.5) * a, [(6,)]),
    "mse_loss": Sample(lambda a, b: F.mse_loss(a, b, reduction="none"), [(2, 3), (2, 3)]),
    "nll_loss": Sample(lambda a: F.nll_loss(a.log_softmax(1), T.tensor([0, 2, 1]),
                                            weight=T.tensor([1.0, 2.0, 0.5], **_F64)),
                       [(3, 3)]),
    "nll_loss2d": Sample(lambda a: F.nll_loss(a.log_softmax(1), T.tensor([[[0, 1]], [[2, 2]]]),
                                              reduction="sum"), [(2, 3, 1, 2)]),
    "binary_cross_entropy": Sample(lambda p, t: F.binary_cross_entropy(p, t, reduction="sum"),
                                   [(4,), (4,)], ranges=[(0.1, 0.9), (0.0, 1.0)]),
    "binary_cross_entropy_with_logits": Sample(
        lambda x, t: F.binary_cross_entropy_with_logits(
            x, t, pos_weight=T.tensor([2.0, 0.5], **_F64)),
        [(3, 2), (3, 2)], ranges=[(-1.5, 1.5), (0.0, 1.0)]),
    "gather": Sample(lambda x: x.gather(1, T.tensor([[0, 2, 2], [1, 1, 0]])) ** 2, [(2, 3)]),
    "scatter_add": Sample(lambda x, y: (x * x).scatter_add(1, T.tensor([[0, 2], [1, 1]]),
                                                           y * y), [(2, 3), (2, 2)]),
    # the draws are the same on every call (seeded), and constant in the input
    "uniform_": Sample(lambda a: (T.manual_seed(0), (a * a).uniform_(-1.0, 1.0))[1] * a,
                       [(3,)]),
    "normal_": Sample(lambda a: (T.manual_seed(0), (a * a).normal_())[1] * a, [(3,)]),
    # draws: fixed by the seed; those drawn from the input's values are multiplied by 0
    # (the draw itself moves with its mean, while torch's gradient says zero)
    "bernoulli_float_": Sample(lambda a: (T.manual_seed(0), (a * a).bernoulli_(0.5))[1] * a,
                               [(3,)]),
    "bernoulli_tensor_": Sample(lambda a, p: (T.manual_seed(0), (a * a).bernoulli_(p))[1] * a
                                + p * p, [(3,), (3,)], 0.2, 0.8),
    "exponential_": Sample(lambda a: (T.manual_seed(0), (a * a).exponential_())[1] * a, [(3,)]),
    "geometric_": Sample(lambda a: (T.manual_seed(0), (a * a).geometric_(0.3))[1] * a, [(3,)]),
    "log_normal_": Sample(lambda a: (T.manual_seed(0), (a * a).log_normal_())[1] * a, [(3,)]),
    "cauchy_": Sample(lambda a: (T.manual_seed(0), (a * a).cauchy_())[1] * a, [(3,)]),
    "random_": Sample(lambda a: (T.manual_seed(0), (a * a).random_())[1] * 0 + a * a, [(3,)]),
    "random_to_": Sample(lambda a: (T.manual_seed(0), (a * a).random_(5))[1] * a, [(3,)]),
    "random_from_": Sample(lambda a: (T.manual_seed(0), (a * a).random_(2, 5))[1] * a, [(3,)]),
    "bernoulli": Sample(lambda a: T.bernoulli(a) * 0 + a * a, [(3,)], 0.2, 0.8),
    "poisson": Sample(lambda a: T.poisson(a) * 0 + a * a, [(3,)], 0.5, 2.0),
    "normal_tensor_float": Sample(lambda a: T.normal(a, 2.0) * 0 + a * a, [(3,)]),
    "normal_float_tensor": Sample(lambda a: T.normal(1.0, a) * 0 + a * a, [(3,)], 0.5, 2.0),
    "normal_tensor_tensor": Sample(lambda a, b: T.normal(a, b) * 0 + a * b, [(2, 1), (3,)],
                                   0.5, 2.0),
    "diagonal": Sample(lambda x: x.diagonal(1) ** 2, [(3, 4)]),
    "diagonal_copy": Sample(lambda x: T.diag(x, -1) ** 2, [(4, 3)]),
    "diagonal_backward": Sample(
        lambda g: tape.apply(RULES["diagonal_backward"], g * g, offset=1, dim1=1, dim2=0,
                             input_sizes=(4, 3)), [(3,)]),
    "diag_embed": Sample(lambda v: T.diag_embed(v * v, -1), [(2, 3)]),
    "trace": Sample(lambda x: T.trace(x * x), [(3, 2)]),
    "roll": Sample(lambda x: T.roll(x * x, (1, -2), (0, 1)) * T.arange(6.0).reshape(2, 3)
                   + T.roll(x, 1) ** 2, [(2, 3)]),
    "inverse": Sample(lambda a: T.inverse(a + T.eye(3, dtype=T.float64) * 3), [(3, 3)]),
    "det": Sample(lambda a: T.det(a + T.eye(3, dtype=T.float64) * 3), [(2, 3, 3)]),
    "scatter": Sample(lambda x, y: (x * x).scatter(1, T.tensor([[0, 2], [1, 0]]), y * y),
                      [(2, 3), (2, 2)]),
    "sort": Sample(lambda x: x.sort(1, descending=True).values ** 2 * T.arange(3.0),
                   [(2, 3)]),
    "topk": Sample(lambda x: x.topk(2).values ** 2 * T.arange(2.0), [(2, 3)]),
    "index_select": Sample(lambda x: x.index_select(0, T.tensor([1, 0, 1])) ** 2, [(2, 3)]),
    "index_add": Sample(lambda x, y: (x * x).index_add(1, T.tensor([2, 0]), y * y),
                        [(2, 3), (2, 2)]),
    "masked_fill": Sample(lambda x: x.masked_fill(T.tensor([True, False, True]), 0.5) ** 2,
                          [(2, 3)]),
    "take": Sample(lambda x: (x * x).take(T.tensor([[0, 5], [-1, 2]])), [(2, 3)]),
    "put": Sample(lambda x, y: (x * x).put(T.tensor([4, 0, -1]), y * y), [(2, 3), (3,)]),
    "index_fill": Sample(lambda x: (x * x).index_fill(1, T.tensor([0, 2]), 0.5), [(2, 3)]),
    "index_fill_tensor": Sample(lambda x, v: (x * x).index_fill(0, T.tensor([1, 1]), v * v)
                                * x, [(2, 3), ()]),
    "index_copy": Sample(lambda x, y: (x * x).index_copy(1, T.tensor([2, 0]), y * y),
                         [(2, 3), (2, 2)]),
    "masked_scatter": Sample(lambda x, y: (x * x).masked_scatter(
        T.tensor([[True, False, True], [False, False, True]]), y * y), [(2, 3), (4,)]),
    "masked_scatter_backward": Sample(lambda g: tape.apply(
        RULES["masked_scatter_backward"], g * g, mask=T.tensor([True, False, True]),
        sizes=(2, 2)), [(3,)]),
    "select_scatter": Sample(lambda x, y: T.select_scatter(x * x, y * y, 1, -1), [(2, 3), (2,)]),
    "slice_scatter": Sample(lambda x, y: T.slice_scatter(x * x, y * y, 1, 0, 3, 2),
                            [(2, 3), (2, 2)]),
    "ldexp": Sample(lambda x, n: T.ldexp(x * x, n), [(2, 3), (3,)]),
    # the first row's norm above maxnorm, the second's below
    "renorm": Sample(lambda x: (x * T.tensor([[3.0], [0.2]], **_F64)).renorm(2, 0, 1.0),
                     [(2, 3)], 0.5, 1.5),
    "block_diag": Sample(lambda a, b, c: T.block_diag(a * a, b * b, c * c), [(2, 2), (2,), ()]),
    "unfold": Sample(lambda x: (x * x).unfold(1, 2, 1) * x.unfold(0, 2, 1).transpose(0, 1), [(3, 3)]),
    "unfold_backward": Sample(lambda g: tape.apply(
        RULES["unfold_backward"], g * g, input_sizes=(2, 4), dim=1, size=2, step=1),
        [(2, 3, 2)]),
    "tril": Sample(lambda x: x.tril(-1) ** 2 + x.tril(1), [(3, 3)]),
    "triu": Sample(lambda x: x.triu(1) ** 2, [(2, 3, 3)]),
    "repeat": Sample(lambda x: x.repeat(2, 1, 2) ** 2, [(2, 3)]),
    "embedding": Sample(lambda w: F.embedding(T.tensor([[0, 2], [2, 3]]), w * w), [(4, 2)]),
    "layer_norm": Sample(lambda x, w, b: F.layer_norm(x, (3,), w, b), [(2, 3), (3,), (3,)]),
    # convolutions, grouped, and a transposed one (output_padding: positions no input
    # reaches), whose gradients are each other
    "convolution": Sample(lambda x, w, b, g, t: T.cat([
        (F.conv2d(x, w, b, stride=2, padding=1, dilation=(1, 2)).sum(1)
         + F.conv2d(x, g, stride=2, padding=1, dilation=(1, 2), groups=2).sum(1)).flatten(),
        F.conv_transpose2d(x, t, b[:2], stride=(2, 1), padding=1, output_padding=(1, 0),
                           groups=2, dilation=(1, 2)).flatten()]),
        [(1, 2, 5, 6), (3, 2, 2, 2), (3,), (4, 1, 2, 2), (2, 1, 2, 2)]),
    # ... and their gradients as a gradient's graph records them (ConvolutionBackwardBackward0)
    "convolution_backward": Sample(_conv_gradients, [(1, 3, 3, 3), (1, 2, 5, 6), (3, 2, 2, 2)]),
    # piecewise linear in x*x: its second derivative adds nothing
    "max_pool2d": Sample(lambda x: F.max_pool2d(x * x, 2, stride=1, padding=1), [(1, 2, 3, 3)],
                         second_order=False),
    # more activations, losses and pools
    "log_sigmoid": Sample(lambda a: F.logsigmoid(a) * a, [(6,)]),
    "log_sigmoid_backward": Sample(
        lambda g, x: tape.apply(RULES["log_sigmoid_backward"], g, x) * x, [(5,), (5,)]),
    "hardswish": Sample(lambda a: F.hardswish(a * 4) * a, [(6,)], -1.2, 1.2),
    "hardswish_backward": Sample(
        lambda g, x: tape.apply(RULES["hardswish_backward"], g, x * 4) * x, [(5,), (5,)],
        -1.2, 1.2),
    "hardsigmoid": Sample(lambda a: F.hardsigmoid(a * 4) * a, [(6,)], -1.2, 1.2,
                          second_order=False),
    "mish": Sample(lambda a: F.mish(a) * a, [(6,)]),
    "celu": Sample(lambda a: F.celu(a, 0.5) * a, [(6,)]),
    "celu_": Sample(lambda a: F.celu(a * 1.0, 0.5, inplace=True) * a, [(6,)]),
    "threshold": Sample(lambda a: F.threshold(a, 0.1, 2.0) * a, [(6,)]),
    "threshold_": Sample(lambda a: F.threshold(a * 1.0, 0.1, 2.0, inplace=True) * a, [(6,)]),
    "glu": Sample(lambda a: F.glu(a, 0), [(4, 3)]),
    "glu_backward": Sample(
        lambda g, x: tape.apply(RULES["glu_backward"], g, x, dim=0) * x, [(2, 3), (4, 3)]),
    "prelu": Sample(lambda a, w: F.prelu(a, w) * a, [(2, 3, 2), (3,)]),
    "constant_pad_nd": Sample(lambda a: F.pad(a, (1, 2, -1, 0), value=0.5) ** 2, [(2, 3)]),
    **{f"{op}_pad{n}d": Sample(lambda a, mode=mode, pad=pad: F.pad(a, pad, mode=mode) ** 2,
                               [shape])
       for mode, op in (("reflect", "reflection"), ("replicate", "replication"))
       for n, shape, pad in ((1, (2, 4), (2, -1)), (2, (1, 3, 3), (1, 2, 0, 1)),
                             (3, (1, 2, 3, 3), (1, 0, 1, 1, -1, 1)))},
    **{f"{op}_pad{n}d_backward": Sample(
        lambda g, x, op=op, pad=pad: tape.apply(RULES[f"{op}_pad{len(pad) // 2}d_backward"],
                                                g, x, padding=pad) * x, [gshape, shape])
       for op in ("reflection", "replication")
       for n, shape, gshape, pad in ((1, (2, 4), (2, 5), (2, -1)),
                                     (2, (1, 3, 3), (1, 4, 6), (1, 2, 0, 1)),
                                     (3, (1, 2, 3, 3), (1, 2, 5, 4), (1, 0, 1, 1, -1, 1)))},
    "smooth_l1_loss": Sample(lambda a, b: F.smooth_l1_loss(a, b, reduction="none", beta=0.7),
                             [(2, 3), (2, 3)]),
    "smooth_l1_loss_backward": Sample(
        lambda g, x, t: sum(tape.apply(RULES["smooth_l1_loss_backward"], grad, x, t,
                                       reduction=r, beta=0.7) * x
                            for grad, r in ((g, 0), (g.sum(), 1))), [(2, 3), (2, 3), (2, 3)]),
    "huber_loss": Sample(lambda a, b: F.huber_loss(a, b, reduction="none", delta=0.7),
                         [(2, 3), (2, 3)]),
    "huber_loss_backward": Sample(
        lambda g, x, t: sum(tape.apply(RULES["huber_loss_backward"], grad, x, t,
                                       reduction=r, delta=0.7) * x
                            for grad, r in ((g, 0), (g.sum(), 2))), [(2, 3), (2, 3), (2, 3)]),
    "norm_scalaropt_dim": Sample(lambda a, b: F.pairwise_distance(a, b, p=3), [(2, 3), (2, 3)]),
    "avg_pool2d": Sample(lambda x: F.avg_pool2d(x * x, 3, 2, 1, ceil_mode=True,
                                                count_include_pad=False), [(1, 2, 5, 4)]),
    "avg_pool2d_backward": Sample(
        lambda g, x: tape.apply(RULES["avg_pool2d_backward"], g, x, kernel_size=(2, 2),
                                stride=(1, 1), padding=(1, 1), ceil_mode=False,
                                count_include_pad=True, divisor_override=3) * x,
        [(1, 2, 4, 5), (1, 2, 3, 4)]),
    "adaptive_avg_pool2d": Sample(lambda x: F.adaptive_avg_pool2d(x * x, (2, 3)),
                                  [(1, 2, 5, 4)]),
    "adaptive_avg_pool2d_backward": Sample(
        lambda g, x: tape.apply(RULES["adaptive_avg_pool2d_backward"], g, x) * x,
        [(2, 2, 3), (2, 5, 4)]),
    "group_norm": Sample(lambda x, w, b: F.group_norm(x, 2, w, b), [(2, 4, 3), (4,), (4,)]),
})

# the in-place comparisons (zero gradients: the sample multiplies by a, so that its
# gradient is not constant), with a number and with a tensor
for _op in ("eq", "ne", "lt", "le", "gt", "ge"):
    SAMPLES[_op + "_"] = Sample(lambda a, op=_op: getattr(a * 1, op + "_")(0.25) * a * a,
                                [(2, 3)])
    SAMPLES[_op + "_tensor_"] = Sample(
        lambda a, b, op=_op: getattr(a * 1, op + "_")(b) * a * b, [(2, 3), (3,)])

# scatter_reduce, each reduction with and without self's values
SAMPLES["scatter_reduce"] = Sample(lambda a, b: T.cat([
    a.scatter_reduce(1, T.tensor([[0, 0, 2], [1, 3, 1]]), b, reduce,
                     include_self=include_self).flatten()
    for reduce in ("sum", "prod", "mean", "amax", "amin") for include_self in (True, False)]),
    [(2, 4), (2, 3)])
SAMPLES["scatter_value"] = Sample(
    lambda a: a.scatter(1, T.tensor([[0, 2], [1, 1]]), 0.5) * a, [(2, 3)])

# Tensor methods of torch's that real programs use (issue 19)
_F64_ARGS = T.tensor([1.5, 2.0, 3.0], dtype=T.float64)
SAMPLES.update({
    "unsafe_split": Sample(lambda a: (lambda x, y, z: x * y.sum() + z.sum())(
        *(a * a).unsafe_split(2)), [(5, 3)]),
    "unsafe_split_with_sizes": Sample(lambda a: (lambda x, y: x * y)(
        *(a * a).unsafe_split_with_sizes([1, 3], 1)), [(2, 4)]),
    "narrow_copy": Sample(lambda a: (a * a).narrow_copy(1, 1, 2), [(2, 4)]),
    "diagonal_scatter": Sample(lambda a, b: (a * a).diagonal_scatter(b * b, 1) * a,
                               [(3, 4), (3,)]),
    "hardshrink": Sample(lambda a: F.hardshrink(a, 0.5) * a, [(6,)], 0.6, 1.5),
    "hardshrink_backward": Sample(
        lambda g, x: tape.apply(RULES["hardshrink_backward"], g, x, lambd=0.5) * x,
        [(6,), (6,)], ranges=[(-1.5, 1.5), (0.6, 1.5)]),
    "polygamma_": Sample(lambda a: (a * 1).polygamma_(1), [(4,)], 0.5, 3.0),
    "mvlgamma": Sample(lambda a: a.mvlgamma(3), [(4,)], 1.5, 3.0),
    # (torch has no derivative in the first argument: a constant here)
    "igamma": Sample(lambda b: T.igamma(_F64_ARGS, b), [(3,)], 0.5, 3.0),
    "igammac": Sample(lambda b: T.igammac(_F64_ARGS, b), [(3,)], 0.5, 3.0),
    # (torch's gradient of nextafter: the identity in x, none in y, as finite differences
    # away from x = y see it)
    "nextafter": Sample(lambda a, b: T.nextafter(a * a, b), [(3,), (3,)],
                        ranges=[(0.5, 1.0), (2.0, 3.0)], second_order=False),
    "angle": Sample(lambda a: a.angle() * a, [(4,)], -1.5, -0.3),
    "i0": Sample(lambda a: a.i0(), [(4,)]),
    "special_i1": Sample(lambda a: tape.apply(RULES["special_i1"], a), [(4,)]),
    "frexp": Sample(lambda a: a.frexp().mantissa * a, [(4,)], 1.1, 1.9),
})
SAMPLES["index_reduce"] = Sample(lambda a, b: T.cat([
    a.index_reduce(0, T.tensor([0, 2, 0, 0]), b, reduce, include_self=include_self).flatten()
    for reduce in ("prod", "mean", "amax", "amin") for include_self in (True, False)]),
    [(3, 2), (4, 2)])
SAMPLES["linalg_matrix_exp"] = Sample(lambda a: (a * 0.5).matrix_exp(), [(2, 3, 3)])
SAMPLES["linalg_cholesky"] = Sample(lambda a: T.linalg.cholesky(
    a @ a.mT + T.eye(3, dtype=T.float64)) * T.linalg.cholesky(
    a @ a.mT + T.eye(3, dtype=T.float64), upper=True).mT, [(2, 3, 3)])
SAMPLES["cholesky"] = Sample(lambda a: (a @ a.mT + T.eye(3, dtype=T.float64)).cholesky(),
                             [(3, 3)])
# (factors that are triangular already: torch's gradient also flows to the other
# triangle, which the op does not read)
SAMPLES["cholesky_inverse"] = Sample(lambda a: (a.tril() + 2 * T.eye(3, dtype=T.float64))
                                      .cholesky_inverse() + (a.triu() + 3 * T.eye(
                                          3, dtype=T.float64)).cholesky_inverse(upper=True),
                                      [(3, 3)])
SAMPLES["cholesky_solve"] = Sample(lambda a, b: T.cholesky_solve(
    a, b.tril() + 2 * T.eye(3, dtype=T.float64)) + a.cholesky_solve(
    b.triu() + 3 * T.eye(3, dtype=T.float64), upper=True), [(2, 3, 2), (3, 3)])
