"""autodiff.nn against torch.nn: one lambda, two frameworks.

Every check runs the same function with ``T = torch`` and ``T = autodiff`` on the same
NumPy inputs and compares what a learner sees: values, dtypes, ``grad_fn`` names,
gradients, reprs, errors and warnings. The rows the nn functions added to the
derivative table are also checked against central finite differences in float64,
first and second order.
"""

from __future__ import annotations

import copy
import math
import pickle
import re
import warnings
from collections import OrderedDict

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import autodiff
import autodiff.nn  # noqa: F401  (makes autodiff.nn an attribute, as torch.nn is)

FRAMEWORKS = (torch, autodiff)
TOL = {"float32": dict(rtol=2e-5, atol=2e-5), "float64": dict(rtol=1e-9, atol=1e-9)}


# ---------------------------------------------------------------------------------------
# Helpers: run a body under both frameworks
# ---------------------------------------------------------------------------------------

def _text(framework, text):
    """A message as autodiff would print it: ``torch`` written ``autodiff``, without
    torch's ``(Triggered internally at ...)`` suffix."""
    if framework is not torch:
        return text
    text = re.sub(r"\s*\(Triggered internally at .*\)\s*$", "", text, flags=re.DOTALL)
    return re.sub(r"\btorch\b", "autodiff", text)


def _numpy(t):
    return t.numpy(force=True)


def assert_same_tensor(a, b, what=""):
    """A torch tensor and an autodiff tensor: same dtype, shape and values."""
    assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1], what
    assert tuple(a.shape) == tuple(b.shape), what
    name = str(b.dtype).split(".")[-1]
    np.testing.assert_allclose(_numpy(b), _numpy(a), err_msg=what,
                               **TOL.get(name, dict(rtol=0, atol=0)))


def leaves(T, arrays, dtype="float64"):
    return [T.tensor(a, dtype=getattr(T, dtype), requires_grad=True) for a in arrays]


def same_forward_backward(fn, *arrays, dtype="float64", seed=0):
    """``fn(T, *leaves)`` on both: output, grad_fn name, and each leaf's grad after
    ``out.backward(random weights)``."""
    results = {}
    for T in FRAMEWORKS:
        xs = leaves(T, arrays, dtype)
        out = fn(T, *xs)
        weights = np.random.default_rng(seed).uniform(0.5, 1.5, tuple(out.shape))
        out.backward(T.tensor(weights, dtype=out.dtype))
        results[T] = out, xs
    (out_t, xs_t), (out_a, xs_a) = results[torch], results[autodiff]
    assert_same_tensor(out_t, out_a, "output")
    assert out_t.grad_fn.name() == out_a.grad_fn.name()
    for i, (x_t, x_a) in enumerate(zip(xs_t, xs_a)):
        if x_t.grad is None:
            assert x_a.grad is None, f"grad of input {i}"
        else:
            assert_same_tensor(x_t.grad, x_a.grad, f"grad of input {i}")
    return out_a


def same_outcome(fn):
    """``fn(T)`` on both: the same return value (tensors compared), or the same error,
    and the same warnings."""
    outcomes = {}
    for T in FRAMEWORKS:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                value = fn(T)
            except Exception as error:       # the error is the observation
                value = (type(error).__name__, _text(T, str(error)))
        outcomes[T] = value, [(w.category.__name__, _text(T, str(w.message))) for w in caught]
    (value_t, warned_t), (value_a, warned_a) = outcomes[torch], outcomes[autodiff]
    assert warned_a == warned_t
    assert_same(value_t, value_a)
    return value_a


def assert_same(value_t, value_a):
    """Two observations: tensors by value, texts with torch renamed, containers
    element by element."""
    if isinstance(value_t, torch.Tensor):
        assert_same_tensor(value_t, value_a)
    elif isinstance(value_t, str):
        assert value_a == _text(torch, value_t)
    elif isinstance(value_t, (list, tuple)):
        assert type(value_a) is type(value_t) and len(value_a) == len(value_t)
        for t, a in zip(value_t, value_a):
            assert_same(t, a)
    elif isinstance(value_t, dict):
        assert list(value_a) == list(value_t)
        for key in value_t:
            assert_same(value_t[key], value_a[key])
    else:
        assert value_a == value_t


def rand(*shape, seed=0, low=-2.0, high=2.0):
    return np.random.default_rng(seed).uniform(low, high, shape)


def copy_weights(source, target):
    """Give an autodiff module the weights of a torch module (same architecture)."""
    target.load_state_dict({k: autodiff.tensor(v.numpy(force=True)) for k, v in
                            source.state_dict().items()})


F = autodiff.nn.functional


# ---------------------------------------------------------------------------------------
# Functions: values, gradients and grad_fn names against torch
# ---------------------------------------------------------------------------------------

FUNCTIONAL_CASES = {
    "relu": (lambda T, x: T.nn.functional.relu(x), [rand(2, 3)]),
    "sigmoid": (lambda T, x: T.nn.functional.sigmoid(x), [rand(2, 3)]),
    "tanh": (lambda T, x: T.nn.functional.tanh(x), [rand(2, 3)]),
    "gelu": (lambda T, x: T.nn.functional.gelu(x), [rand(2, 3)]),
    "gelu_tanh": (lambda T, x: T.nn.functional.gelu(x, approximate="tanh"), [rand(2, 3)]),
    "softmax": (lambda T, x: T.nn.functional.softmax(x, dim=1), [rand(2, 3)]),
    "log_softmax": (lambda T, x: T.nn.functional.log_softmax(x, dim=0), [rand(2, 3)]),
    "linear": (lambda T, x, w, b: T.nn.functional.linear(x, w, b),
               [rand(4, 3), rand(2, 3), rand(2)]),
    "linear_3d": (lambda T, x, w, b: T.nn.functional.linear(x, w, b),
                  [rand(2, 4, 3), rand(2, 3), rand(2)]),
    "linear_1d": (lambda T, x, w, b: T.nn.functional.linear(x, w, b),
                  [rand(3), rand(2, 3), rand(2)]),
    "linear_no_bias": (lambda T, x, w: T.nn.functional.linear(x, w), [rand(4, 3), rand(2, 3)]),
    "embedding": (lambda T, w: T.nn.functional.embedding(T.tensor([[1, 0], [3, 1]]), w),
                  [rand(4, 3)]),
    "embedding_padding": (lambda T, w: T.nn.functional.embedding(T.tensor([1, 0, 1]), w,
                                                                 padding_idx=-3),
                          [rand(4, 3)]),
    "layer_norm": (lambda T, x, w, b: T.nn.functional.layer_norm(x, (3,), w, b),
                   [rand(2, 3), rand(3), rand(3)]),
    "layer_norm_2d_shape": (lambda T, x: T.nn.functional.layer_norm(x, (2, 3)),
                            [rand(4, 2, 3)]),
    "conv2d": (lambda T, x, w, b: T.nn.functional.conv2d(x, w, b),
               [rand(2, 3, 6, 5), rand(4, 3, 3, 2), rand(4)]),
    "conv2d_same": (lambda T, x, w: T.nn.functional.conv2d(x, w, padding="same"),
                    [rand(1, 2, 5, 5), rand(3, 2, 5, 3)]),
    "conv2d_unbatched": (lambda T, x, w: T.nn.functional.conv2d(x, w, stride=2),
                         [rand(2, 5, 5), rand(3, 2, 3, 3)]),
    "max_pool2d": (lambda T, x: T.nn.functional.max_pool2d(x, 2), [rand(2, 3, 6, 7)]),
    "max_pool2d_ceil": (lambda T, x: T.nn.functional.max_pool2d(x, 3, 2, 1, ceil_mode=True),
                        [rand(1, 2, 6, 7)]),
    "mse_loss": (lambda T, x, y: T.nn.functional.mse_loss(x, y), [rand(4, 3), rand(4, 3)]),
    "mse_loss_sum": (lambda T, x, y: T.nn.functional.mse_loss(x, y, reduction="sum"),
                     [rand(4, 3), rand(4, 3)]),
    "mse_loss_none": (lambda T, x, y: T.nn.functional.mse_loss(x, y, reduction="none"),
                      [rand(4, 3), rand(4, 3)]),
    "l1_loss": (lambda T, x, y: T.nn.functional.l1_loss(x, y), [rand(4, 3), rand(4, 3)]),
    "l1_loss_none": (lambda T, x, y: T.nn.functional.l1_loss(x, y, reduction="none"),
                     [rand(4, 3), rand(4, 3)]),
    "nll_loss": (lambda T, x: T.nn.functional.nll_loss(x, T.tensor([0, 2, 1, 2])),
                 [rand(4, 3)]),
    "nll_loss_1d": (lambda T, x: T.nn.functional.nll_loss(x, T.tensor(1)), [rand(3)]),
    "nll_loss_3d_none": (lambda T, x: T.nn.functional.nll_loss(
        x, T.tensor([[0, 2], [1, 1]]), reduction="none"), [rand(2, 3, 2)]),
    "nll_loss_4d": (lambda T, x: T.nn.functional.nll_loss(x, T.tensor([[[0, 2]], [[1, 1]]])),
                    [rand(2, 3, 1, 2)]),
    "cross_entropy": (lambda T, x: T.nn.functional.cross_entropy(x, T.tensor([0, 2, 1, 2])),
                      [rand(4, 3)]),
    "cross_entropy_weight_ignore": (lambda T, x: T.nn.functional.cross_entropy(
        x, T.tensor([0, 2, -100, 2]), weight=T.tensor([1.0, 2.0, 0.5], dtype=T.float64)),
        [rand(4, 3)]),
    "cross_entropy_sum_ignore_1": (lambda T, x: T.nn.functional.cross_entropy(
        x, T.tensor([0, 1, 1, 2]), ignore_index=1, reduction="sum"), [rand(4, 3)]),
    "cross_entropy_none": (lambda T, x: T.nn.functional.cross_entropy(
        x, T.tensor([0, 2, 1, 2]), reduction="none"), [rand(4, 3)]),
    "cross_entropy_smoothing": (lambda T, x: T.nn.functional.cross_entropy(
        x, T.tensor([0, 2, -100, 2]), label_smoothing=0.2), [rand(4, 3)]),
    "cross_entropy_smoothing_weight": (lambda T, x: T.nn.functional.cross_entropy(
        x, T.tensor([0, 2, 1, 2]), weight=T.tensor([1.0, 2.0, 0.5], dtype=T.float64),
        label_smoothing=0.1), [rand(4, 3)]),
    "cross_entropy_smoothing_none": (lambda T, x: T.nn.functional.cross_entropy(
        x, T.tensor([0, 2, 1, 2]), label_smoothing=0.3, reduction="none"), [rand(4, 3)]),
    "cross_entropy_probabilities": (lambda T, x, p: T.nn.functional.cross_entropy(
        x, p.softmax(1)), [rand(4, 3), rand(4, 3, seed=1)]),
    "cross_entropy_probabilities_smoothing_sum": (lambda T, x, p: T.nn.functional.cross_entropy(
        x, p.softmax(1), label_smoothing=0.1, reduction="sum"),
        [rand(4, 3), rand(4, 3, seed=1)]),
    "cross_entropy_probabilities_weight_none": (lambda T, x, p: T.nn.functional.cross_entropy(
        x, p.softmax(1), weight=T.tensor([1.0, 2.0, 0.5], dtype=T.float64), reduction="none"),
        [rand(4, 3), rand(4, 3, seed=1)]),
    "binary_cross_entropy": (lambda T, p, y: T.nn.functional.binary_cross_entropy(p, y),
                             [rand(5, low=0.05, high=0.95), rand(5, seed=1, low=0, high=1)]),
    "binary_cross_entropy_weight": (lambda T, p, y: T.nn.functional.binary_cross_entropy(
        p, y, weight=T.tensor([1.0, 3.0], dtype=T.float64), reduction="sum"),
        [rand(3, 2, low=0.05, high=0.95), rand(3, 2, seed=1, low=0, high=1)]),
    "bce_with_logits": (lambda T, x, y: T.nn.functional.binary_cross_entropy_with_logits(x, y),
                        [rand(5), rand(5, seed=1, low=0, high=1)]),
    "bce_with_logits_weights": (lambda T, x, y: T.nn.functional.binary_cross_entropy_with_logits(
        x, y, weight=T.tensor([0.5, 2.0], dtype=T.float64),
        pos_weight=T.tensor([3.0, 0.5], dtype=T.float64), reduction="none"),
        [rand(3, 2), rand(3, 2, seed=1, low=0, high=1)]),
    # more activations, distances, losses, pools and norms
    "logsigmoid": (lambda T, x: T.nn.functional.logsigmoid(x), [rand(2, 3)]),
    "hardswish": (lambda T, x: T.nn.functional.hardswish(x * 2), [rand(2, 3)]),
    "hardsigmoid": (lambda T, x: T.nn.functional.hardsigmoid(x * 2), [rand(2, 3)]),
    "mish": (lambda T, x: T.nn.functional.mish(x), [rand(2, 3)]),
    "mish_inplace": (lambda T, x: T.nn.functional.mish(x * 1, inplace=True), [rand(2, 3)]),
    "hardswish_inplace": (lambda T, x: T.nn.functional.hardswish(x * 3, True), [rand(2, 3)]),
    "softsign": (lambda T, x: T.nn.functional.softsign(x), [rand(2, 3)]),
    "softmin": (lambda T, x: T.nn.functional.softmin(x, 0), [rand(2, 3)]),
    "glu": (lambda T, x: T.nn.functional.glu(x), [rand(3, 4)]),
    "prelu": (lambda T, x, w: T.nn.functional.prelu(x, w), [rand(2, 3, 2), rand(3)]),
    "prelu_1d": (lambda T, x, w: T.nn.functional.prelu(x, w), [rand(3), rand(1)]),
    "celu": (lambda T, x: T.nn.functional.celu(x, 0.7), [rand(2, 3)]),
    "threshold": (lambda T, x: T.nn.functional.threshold(x, 0.5, -3.0), [rand(2, 3)]),
    "normalize": (lambda T, x: T.nn.functional.normalize(x), [rand(2, 3)]),
    "normalize_p1": (lambda T, x: T.nn.functional.normalize(x, 1.0, 0), [rand(2, 3)]),
    "cosine_similarity": (lambda T, x, y: T.nn.functional.cosine_similarity(x, y, 0),
                          [rand(3, 2), rand(3, 2, seed=1)]),
    "pairwise_distance": (lambda T, x, y: T.nn.functional.pairwise_distance(x, y, 1.0),
                          [rand(3, 2), rand(3, 2, seed=1)]),
    "pad": (lambda T, x: T.nn.functional.pad(x, (2, 0, 1, 1, 0, 1)), [rand(1, 2, 3)]),
    "pad_crop": (lambda T, x: T.nn.functional.pad(x, [-1, 1], value=-2.0), [rand(2, 3)]),
    "smooth_l1_loss": (lambda T, x, y: T.nn.functional.smooth_l1_loss(x, y, beta=0.5),
                       [rand(4, 3), rand(4, 3, seed=1)]),
    "smooth_l1_loss_none": (lambda T, x, y: T.nn.functional.smooth_l1_loss(
        x, y, reduction="none"), [rand(4, 3), rand(4, 3, seed=1)]),
    "huber_loss": (lambda T, x, y: T.nn.functional.huber_loss(x, y, "sum", 0.8),
                   [rand(4, 3), rand(4, 3, seed=1)]),
    "kl_div": (lambda T, x, y: T.nn.functional.kl_div(x.log_softmax(1), y.softmax(1),
                                                      reduction="batchmean"),
               [rand(4, 3), rand(4, 3, seed=1)]),
    "kl_div_log_target_sum": (lambda T, x, y: T.nn.functional.kl_div(
        x, y, reduction="sum", log_target=True), [rand(4, 3), rand(4, 3, seed=1)]),
    "cosine_embedding_loss": (lambda T, x, y: T.nn.functional.cosine_embedding_loss(
        x, y, T.tensor([1, -1, -1]), 0.1), [rand(3, 2), rand(3, 2, seed=1)]),
    "cosine_embedding_loss_0d": (lambda T, x, y: T.nn.functional.cosine_embedding_loss(
        x, y, T.tensor(-1), reduction="none"), [rand(3), rand(3, seed=1)]),
    "margin_ranking_loss": (lambda T, x, y: T.nn.functional.margin_ranking_loss(
        x, y, T.tensor([1.0, -1.0, 1.0], dtype=T.float64), 0.3), [rand(3), rand(3, seed=1)]),
    "avg_pool2d": (lambda T, x: T.nn.functional.avg_pool2d(x, 2), [rand(2, 3, 6, 7)]),
    "avg_pool2d_padded": (lambda T, x: T.nn.functional.avg_pool2d(
        x, (3, 2), 2, (1, 1), ceil_mode=True), [rand(1, 2, 6, 7)]),
    "avg_pool2d_divisor": (lambda T, x: T.nn.functional.avg_pool2d(
        x, 3, 1, 1, count_include_pad=False, divisor_override=4), [rand(2, 5, 4)]),
    "adaptive_avg_pool2d": (lambda T, x: T.nn.functional.adaptive_avg_pool2d(x, (3, None)),
                            [rand(2, 2, 7, 5)]),
    "adaptive_avg_pool2d_one": (lambda T, x: T.nn.functional.adaptive_avg_pool2d(x, 1),
                                [rand(2, 2, 3, 3)]),
    "group_norm": (lambda T, x, w, b: T.nn.functional.group_norm(x, 3, w, b),
                   [rand(2, 6, 2, 2), rand(6), rand(6)]),
    "group_norm_plain": (lambda T, x: T.nn.functional.group_norm(x, 1), [rand(3, 2, 4)]),
}


@pytest.mark.parametrize("case", sorted(FUNCTIONAL_CASES))
def test_function_matches_torch(case):
    fn, arrays = FUNCTIONAL_CASES[case]
    same_forward_backward(fn, *arrays)


def test_float32_stays_float32():
    same_forward_backward(lambda T, x, w, b: T.nn.functional.linear(x, w, b).relu().sum(),
                          rand(4, 3), rand(2, 3), rand(2), dtype="float32")


@given(size=st.integers(4, 7), kernel=st.integers(1, 3), stride=st.integers(1, 3),
       padding=st.integers(0, 2), dilation=st.integers(1, 2), bias=st.booleans())
@settings(max_examples=8, deadline=None)
def test_conv2d_settings_match_torch(size, kernel, stride, padding, dilation, bias):
    assume(dilation * kernel + 1 <= size + 2 * padding)         # the kernel fits
    arrays = [rand(2, 2, size, size + 1), rand(3, 2, kernel, kernel + 1), rand(3)][:3 if bias
                                                                                   else 2]
    same_forward_backward(lambda T, x, w, *b: T.nn.functional.conv2d(
        x, w, *b, stride=stride, padding=padding, dilation=dilation), *arrays)


@given(size=st.integers(3, 7), kernel=st.integers(1, 3), stride=st.integers(1, 3),
       dilation=st.integers(1, 2), ceil_mode=st.booleans(), padding=st.integers(0, 1))
@settings(max_examples=8, deadline=None)
def test_max_pool2d_settings_match_torch(size, kernel, stride, dilation, ceil_mode, padding):
    assume(padding <= kernel // 2 and size + 2 * padding > dilation * (kernel - 1))
    same_forward_backward(lambda T, x: T.nn.functional.max_pool2d(
        x, kernel, stride, padding, dilation, ceil_mode), rand(1, 2, size, size + 2))


def test_max_pool2d_return_indices_and_ties():
    def body(T):
        x = T.tensor([[[[1.0, 1.0, 0.0], [1.0, 0.5, 2.0], [3.0, 3.0, 3.0]]]])
        out, indices = T.nn.functional.max_pool2d(x, 2, 1, return_indices=True)
        return [out, indices]
    same_outcome(lambda T: [t.tolist() for t in body(T)])


def test_conv2d_double_backward_matches_torch():
    def body(T):
        x, w = leaves(T, [rand(1, 2, 5, 5), rand(3, 2, 3, 3, seed=1)])
        out = T.nn.functional.conv2d(x, w, stride=2, padding=1)
        gx, gw = T.autograd.grad((out ** 2).sum(), (x, w), create_graph=True)
        (gx.sum() + (gw ** 2).sum()).backward()
        return [x.grad, w.grad]
    values = {T: body(T) for T in FRAMEWORKS}
    for a, b in zip(values[torch], values[autodiff]):
        assert_same_tensor(a, b)


def test_dropout_scales_kept_elements_and_is_seeded():
    x = autodiff.ones(1000, requires_grad=True)
    autodiff.manual_seed(3)
    y = F.dropout(x, 0.25)
    assert y.grad_fn.name() == "MulBackward0"
    kept = y.numpy(force=True) != 0
    assert 0.65 < kept.mean() < 0.85
    np.testing.assert_allclose(y.numpy(force=True)[kept], 1 / 0.75, rtol=1e-6)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(force=True), y.numpy(force=True))
    autodiff.manual_seed(3)
    assert autodiff.equal(F.dropout(x, 0.25), y)


@pytest.mark.parametrize("p", [0.0, 1.0])
def test_dropout_edge_probabilities(p):
    same_outcome(lambda T: T.nn.functional.dropout(T.ones(3), p))


def test_dropout_off_outside_training_returns_the_input():
    x = autodiff.ones(3)
    assert F.dropout(x, 0.5, training=False) is x


ERROR_CASES = {
    "linear_shapes": lambda T: T.nn.functional.linear(T.ones(4, 2), T.ones(2, 3), T.ones(2)),
    "linear_dtypes": lambda T: T.nn.functional.linear(T.ones(4, 3, dtype=T.float64),
                                                      T.ones(2, 3), T.ones(2)),
    "linear_3d_shapes": lambda T: T.nn.functional.linear(T.ones(5, 4, 2), T.ones(2, 3),
                                                         T.ones(2)),
    "mse_broadcast_warns": lambda T: T.nn.functional.mse_loss(T.ones(4, 1), T.zeros(4)),
    "mse_mismatch": lambda T: T.nn.functional.mse_loss(T.ones(4, 3), T.zeros(4)),
    "l1_broadcast_warns": lambda T: T.nn.functional.l1_loss(T.ones(4, 1), T.zeros(4)),
    "bad_reduction": lambda T: T.nn.functional.mse_loss(T.ones(3), T.ones(3),
                                                        reduction="avg"),
    "ce_batch_mismatch": lambda T: T.nn.functional.cross_entropy(T.ones(4, 3),
                                                                 T.tensor([0, 1, 2])),
    "ce_target_out_of_bounds": lambda T: T.nn.functional.cross_entropy(
        T.ones(4, 3), T.tensor([0, 1, 2, 3])),
    "ce_float_target": lambda T: T.nn.functional.cross_entropy(T.ones(4, 3),
                                                               T.tensor([0.0, 1, 2, 1])),
    "ce_bad_smoothing": lambda T: T.nn.functional.cross_entropy(
        T.ones(4, 3), T.tensor([0, 1, 2, 1]), label_smoothing=1.5),
    "nll_target_shape": lambda T: T.nn.functional.nll_loss(T.ones(4, 3, 2),
                                                           T.tensor([0, 1, 2, 1])),
    "bce_out_of_range": lambda T: T.nn.functional.binary_cross_entropy(
        T.tensor([0.5, 1.5]), T.tensor([0.0, 1.0])),
    "bce_size": lambda T: T.nn.functional.binary_cross_entropy(T.ones(4, 1) / 2,
                                                               T.ones(4)),
    "bce_logits_size": lambda T: T.nn.functional.binary_cross_entropy_with_logits(
        T.ones(4, 1), T.ones(4)),
    "dropout_p": lambda T: T.nn.functional.dropout(T.ones(3), 1.5),
    "embedding_out_of_range": lambda T: T.nn.functional.embedding(T.tensor([5]),
                                                                  T.ones(3, 2)),
    "embedding_float_indices": lambda T: T.nn.functional.embedding(T.tensor([1.0]),
                                                                   T.ones(3, 2)),
    "conv_channels": lambda T: T.nn.functional.conv2d(T.ones(1, 2, 5, 5), T.ones(3, 1, 3, 3)),
    "conv_kernel_too_big": lambda T: T.nn.functional.conv2d(T.ones(1, 1, 2, 2),
                                                            T.ones(3, 1, 3, 3)),
    "max_pool_padding": lambda T: T.nn.functional.max_pool2d(T.ones(1, 1, 4, 4), 3,
                                                             padding=2),
    "max_pool_padding_dilated": lambda T: T.nn.functional.max_pool2d(
        T.ones(1, 1, 6, 6), 3, padding=2, dilation=2),
    "max_pool_too_small": lambda T: T.nn.functional.max_pool2d(T.ones(1, 2, 2), 3),
    "layer_norm_shape": lambda T: T.nn.functional.layer_norm(T.ones(2, 3), (4,)),
    "conv_same_even_kernel_warns": lambda T: T.nn.functional.conv2d(T.ones(1, 1, 4, 4),
                                                                     T.ones(1, 1, 2, 2),
                                                                     padding="same"),
    "softmax_implicit_dim": lambda T: T.nn.functional.softmax(T.ones(3, 2)),
    "log_softmax_implicit_dim": lambda T: T.nn.functional.log_softmax(T.ones(3)),
    "gelu_approximate": lambda T: T.nn.functional.gelu(T.ones(3), approximate="fast"),
    "glu_odd": lambda T: T.nn.functional.glu(T.ones(3)),
    "glu_scalar": lambda T: T.nn.functional.glu(T.tensor(1.0)),
    "prelu_channels": lambda T: T.nn.functional.prelu(T.ones(2, 3), T.ones(2)),
    "prelu_2d_weight": lambda T: T.nn.functional.prelu(T.ones(2, 3), T.ones(1, 3)),
    "prelu_scalar_input": lambda T: T.nn.functional.prelu(T.tensor(1.0), T.ones(3)),
    "celu_alpha_zero": lambda T: T.nn.functional.celu(T.ones(3), 0.0),
    "softmin_implicit_dim": lambda T: T.nn.functional.softmin(T.ones(2, 3)),
    "pad_odd": lambda T: T.nn.functional.pad(T.ones(2, 3), (1,)),
    "pad_too_long": lambda T: T.nn.functional.pad(T.ones(2, 3), (1, 1, 1, 1, 1, 1)),
    "pad_negative_size": lambda T: T.nn.functional.pad(T.ones(2, 3), (-2, -2)),
    "pad_to_empty": lambda T: T.nn.functional.pad(T.ones(2, 3), (-2, -1)),
    "one_hot": lambda T: T.nn.functional.one_hot(T.tensor([[0, 3], [1, 1]])),
    "one_hot_classes": lambda T: T.nn.functional.one_hot(T.tensor([2, 0]), 4),
    "one_hot_empty": lambda T: T.nn.functional.one_hot(T.tensor([], dtype=T.int64), 3),
    "one_hot_empty_inferred": lambda T: T.nn.functional.one_hot(T.tensor([], dtype=T.int64)),
    "one_hot_float": lambda T: T.nn.functional.one_hot(T.tensor([0.0, 1.0])),
    "one_hot_negative": lambda T: T.nn.functional.one_hot(T.tensor([0, -1])),
    "one_hot_too_few": lambda T: T.nn.functional.one_hot(T.tensor([0, 3]), 2),
    "cosine_similarity_shapes": lambda T: T.nn.functional.cosine_similarity(T.ones(2, 3),
                                                                            T.ones(2, 4)),
    "cosine_similarity_ints": lambda T: T.nn.functional.cosine_similarity(
        T.tensor([[1, 2]]), T.tensor([[2, 2]])),
    "cosine_similarity_zero": lambda T: T.nn.functional.cosine_similarity(T.zeros(1, 2),
                                                                          T.ones(1, 2)),
    "margin_ranking_dims": lambda T: T.nn.functional.margin_ranking_loss(
        T.ones(2, 3), T.ones(3), T.ones(3)),
    "cosine_embedding_target_2d": lambda T: T.nn.functional.cosine_embedding_loss(
        T.ones(2, 3), T.ones(2, 3), T.ones(2, 1)),
    "cosine_embedding_1d_target": lambda T: T.nn.functional.cosine_embedding_loss(
        T.ones(2, 3), T.ones(3), T.ones(2)),
    "cosine_embedding_0d_target": lambda T: T.nn.functional.cosine_embedding_loss(
        T.ones(2, 3), T.ones(2, 3), T.ones(())),
    "kl_div_mean_warns": lambda T: T.nn.functional.kl_div(T.ones(2, 3), T.ones(2, 3)),
    "kl_div_bad_reduction": lambda T: T.nn.functional.kl_div(T.ones(2, 3), T.ones(2, 3),
                                                             reduction="bad"),
    "kl_div_batchmean_0d": lambda T: T.nn.functional.kl_div(T.tensor(1.0), T.tensor(2.0),
                                                            reduction="batchmean"),
    "kl_div_legacy": lambda T: T.nn.functional.kl_div(T.ones(2, 3), T.ones(2, 3) / 2,
                                                      size_average=False),
    "smooth_l1_negative_beta": lambda T: T.nn.functional.smooth_l1_loss(T.ones(3), T.ones(3),
                                                                        beta=-1.0),
    "smooth_l1_broadcast_warns": lambda T: T.nn.functional.smooth_l1_loss(T.ones(2, 3),
                                                                          T.zeros(3)),
    "huber_delta": lambda T: T.nn.functional.huber_loss(T.ones(3), T.ones(3), delta=0.0),
    "huber_broadcast_warns": lambda T: T.nn.functional.huber_loss(T.ones(2, 3), T.zeros(3)),
    "avg_pool_padding": lambda T: T.nn.functional.avg_pool2d(T.ones(1, 1, 4, 4), 3,
                                                             padding=2),
    "avg_pool_too_small": lambda T: T.nn.functional.avg_pool2d(T.ones(1, 1, 2, 2), 3),
    "adaptive_pool_2d_input": lambda T: T.nn.functional.adaptive_avg_pool2d(T.ones(4, 4), 2),
    "adaptive_pool_size": lambda T: T.nn.functional.adaptive_avg_pool2d(T.ones(1, 2, 4, 4),
                                                                        (2, 3, 4)),
    "group_norm_groups": lambda T: T.nn.functional.group_norm(T.ones(2, 3, 4), 2),
    "group_norm_weight": lambda T: T.nn.functional.group_norm(T.ones(2, 4, 4), 2, T.ones(3)),
    "group_norm_module": lambda T: T.nn.GroupNorm(3, 4),
    "unflatten_size": lambda T: T.nn.Unflatten(1, 3),
    "parameter_list_call": lambda T: T.nn.ParameterList()(T.ones(1)),
    "parameter_list_extend": lambda T: T.nn.ParameterList().extend(T.ones(2)),
    "parameter_list_index": lambda T: T.nn.ParameterList([T.ones(2)])[1],
}


@pytest.mark.parametrize("case", sorted(ERROR_CASES))
def test_errors_and_warnings_match_torch(case):
    same_outcome(ERROR_CASES[case])


def test_saved_attributes_read_as_torch():
    def body(T):
        x = T.ones(2, 3, requires_grad=True)
        mse = T.nn.functional.mse_loss(x, T.zeros(2, 3), reduction="sum").grad_fn
        gelu = T.nn.functional.gelu(x, approximate="tanh").grad_fn
        nll = T.nn.functional.nll_loss(x, T.tensor([0, 1]), ignore_index=2).grad_fn
        return [mse._saved_reduction, gelu._saved_approximate, nll._saved_ignore_index,
                len(nll.next_functions)]
    same_outcome(body)


# ---------------------------------------------------------------------------------------
# Parameter and Module
# ---------------------------------------------------------------------------------------

def test_parameter_repr_and_flags():
    def body(T):
        p = T.nn.Parameter(T.tensor([1.0, 2.0]))
        frozen = T.nn.Parameter(T.tensor([[1.0]]), requires_grad=False)
        q = p * 2
        return [repr(p), repr(frozen), repr(T.nn.Parameter()), p.is_leaf, p.requires_grad,
                type(q).__name__, type(p.detach()).__name__, isinstance(p, T.Tensor),
                type(copy.deepcopy(p)).__name__, repr(pickle.loads(pickle.dumps(p)))]
    same_outcome(body)


def test_parameter_shares_storage_with_its_data():
    def body(T):
        data = T.tensor([1.0, 2.0])
        p = T.nn.Parameter(data)
        data.add_(1)
        return p.tolist()
    same_outcome(body)


def test_parameter_of_integers_is_an_error():
    same_outcome(lambda T: T.nn.Parameter(T.tensor([1, 2])))


def _net_class(T):
    class Net(T.nn.Module):
        def __init__(self):
            super().__init__()
            self.hidden = T.nn.Linear(3, 4)
            self.blocks = T.nn.Sequential(T.nn.ReLU(), T.nn.Linear(4, 2, bias=False))
            self.scale = T.nn.Parameter(T.tensor(2.0))
            self.register_buffer("steps", T.tensor(0))
            self.register_buffer("scratch", T.zeros(2), persistent=False)

        def forward(self, x):
            return self.blocks(self.hidden(x)) * self.scale
    return Net


def test_module_registration_and_walks():
    def body(T):
        net = _net_class(T)()
        return dict(
            repr=repr(net),
            parameters=[(n, tuple(p.shape)) for n, p in net.named_parameters()],
            buffers=[n for n, _ in net.named_buffers()],
            children=[n for n, _ in net.named_children()],
            modules=[(n, type(m).__name__) for n, m in net.named_modules()],
            local=[n for n, _ in net.named_parameters(recurse=False)],
            state=list(net.state_dict()),
            state_types=[type(v).__name__ for v in net.state_dict().values()],
            kept_vars=[type(v).__name__ for v in net.state_dict(keep_vars=True).values()],
            dir_has=[k in dir(net) for k in ("hidden", "scale", "steps", "forward")],
        )
    same_outcome(body)


def test_module_shared_parameters_are_counted_once():
    def body(T):
        shared = T.nn.Linear(2, 2)
        model = T.nn.Sequential(shared, T.nn.ReLU(), shared)
        return [len(list(model.parameters())), [n for n, _ in model.named_modules()],
                repr(model)]
    same_outcome(body)


def test_module_forward_backward_through_call():
    def body(T):
        net = _net_class(T)()
        with T.no_grad():
            for i, p in enumerate(net.parameters()):
                p.copy_(T.tensor(rand(*p.shape, seed=i)))
        y = net(T.tensor(rand(5, 3, seed=9), dtype=T.float32))
        y.sum().backward()
        return [y, y.grad_fn.name()] + [p.grad for p in net.parameters()]
    values = {T: body(T) for T in FRAMEWORKS}
    for a, b in zip(values[torch], values[autodiff]):
        if isinstance(a, torch.Tensor):
            assert_same_tensor(a, b)
        else:
            assert a == b


MODULE_MISUSE = {
    "no_forward": lambda T: T.nn.Module()(T.ones(1)),
    "parameter_before_init": lambda T: type("Early", (T.nn.Module,), {
        "__init__": lambda self: setattr(self, "w", T.nn.Parameter(T.ones(1)))})(),
    "module_before_init": lambda T: type("Early", (T.nn.Module,), {
        "__init__": lambda self: setattr(self, "l", T.nn.Linear(1, 1))})(),
    "tensor_as_parameter": lambda T: setattr(T.nn.Linear(2, 2), "weight", T.ones(2, 2)),
    "int_as_child": lambda T: setattr(T.nn.Sequential(T.nn.ReLU()), "0", 3),
    "missing_attribute": lambda T: T.nn.Linear(2, 2).wieght,
    "dotted_parameter_name": lambda T: T.nn.Linear(1, 1).register_parameter(
        "a.b", T.nn.Parameter(T.ones(1))),
    "existing_attribute": lambda T: T.nn.Linear(1, 1).register_buffer("forward", T.ones(1)),
    "buffer_not_tensor": lambda T: T.nn.Linear(1, 1).register_buffer("b", 3),
    "non_leaf_parameter": lambda T: T.nn.Linear(1, 1).register_parameter(
        "p", T.nn.Parameter(T.ones(1)) * 2),
    "train_not_bool": lambda T: T.nn.Linear(1, 1).train("yes"),
    "sequential_index": lambda T: T.nn.Sequential(T.nn.ReLU())[3],
    "module_list_index": lambda T: T.nn.ModuleList([T.nn.ReLU()])[-2],
    "add_module_not_module": lambda T: T.nn.Sequential().add_module("x", 3),
    "to_integer_dtype": lambda T: T.nn.Linear(1, 1).to(T.int64),
}


@pytest.mark.parametrize("case", sorted(MODULE_MISUSE))
def test_module_misuse_matches_torch(case):
    same_outcome(MODULE_MISUSE[case])


def test_train_eval_and_apply():
    def body(T):
        net = T.nn.Sequential(T.nn.Linear(2, 2), T.nn.Dropout(0.3), T.nn.Sequential(T.nn.ReLU()))
        seen = []
        net.eval()
        modes = [m.training for m in net.modules()]
        net.train()
        returned = net.apply(lambda m: seen.append(type(m).__name__))
        return [modes, [m.training for m in net.modules()], seen, returned is net]
    same_outcome(body)


def test_zero_grad_and_requires_grad_():
    def body(T):
        layer = T.nn.Linear(2, 1)
        layer(T.ones(3, 2)).sum().backward()
        layer.zero_grad(set_to_none=False)
        zeros = [p.grad.tolist() for p in layer.parameters()]
        layer.zero_grad()
        cleared = [p.grad for p in layer.parameters()]
        layer.requires_grad_(False)
        return [zeros, cleared, [p.requires_grad for p in layer.parameters()]]
    same_outcome(body)


def test_state_dict_round_trip_and_errors():
    def body(T):
        source, target = T.nn.Linear(3, 2), T.nn.Linear(3, 2)
        result = target.load_state_dict(source.state_dict())
        state = source.state_dict()
        state["weight"].add_(1)                      # shares storage with the parameter
        same = T.equal(target.bias, source.bias)
        extra = dict(source.state_dict(), extra=T.ones(1))
        loose = target.load_state_dict({"weight": T.zeros(2, 3), "extra": T.ones(1)},
                                       strict=False)
        return [repr(result), same, source.weight.tolist() == state["weight"].tolist(),
                repr(loose), target.weight.tolist(), extra.keys() >= {"extra"}]
    same_outcome(body)


STATE_DICT_ERRORS = {
    "missing_and_unexpected": lambda T: T.nn.Linear(3, 2).load_state_dict(
        {"weight": T.zeros(2, 3), "bogus": T.ones(1), "sub.x": T.ones(1)}),
    "size_mismatch": lambda T: T.nn.Linear(3, 2).load_state_dict(
        {"weight": T.zeros(3, 3), "bias": T.zeros(2)}),
    "not_a_tensor": lambda T: T.nn.Linear(3, 2).load_state_dict(
        {"weight": [[0.0] * 3] * 2, "bias": T.zeros(2)}),
    "nested_missing": lambda T: T.nn.Sequential(T.nn.Linear(1, 1), T.nn.Linear(1, 1))
    .load_state_dict({"0.weight": T.zeros(1, 1)}),
}


@pytest.mark.parametrize("case", sorted(STATE_DICT_ERRORS))
def test_load_state_dict_errors_match_torch(case):
    same_outcome(STATE_DICT_ERRORS[case])


def test_to_double_keeps_parameter_objects_and_converts_grads():
    def body(T):
        layer = T.nn.Linear(2, 1)
        layer.register_buffer("count", T.tensor(3))
        weight = layer.weight
        layer(T.ones(1, 2)).sum().backward()
        layer.to(T.float64)
        return [layer.weight is weight, str(layer.weight.dtype), str(layer.weight.grad.dtype),
                str(layer.count.dtype), type(layer.weight).__name__,
                str(layer.float().bias.dtype), str(layer.double().bias.dtype)]
    same_outcome(body)


# ---------------------------------------------------------------------------------------
# Layers and containers
# ---------------------------------------------------------------------------------------

LAYERS = {
    "linear": lambda T: T.nn.Linear(3, 2),
    "linear_no_bias": lambda T: T.nn.Linear(3, 2, bias=False),
    "conv": lambda T: T.nn.Conv2d(2, 3, (3, 2), stride=2, padding=1, dilation=(1, 2)),
    "conv_no_bias": lambda T: T.nn.Conv2d(2, 3, 3, bias=False, padding="same"),
    "embedding": lambda T: T.nn.Embedding(6, 3, padding_idx=-1),
    "layer_norm": lambda T: T.nn.LayerNorm(3),
    "layer_norm_no_bias": lambda T: T.nn.LayerNorm([2, 3], bias=False, eps=1e-3),
    "layer_norm_no_affine": lambda T: T.nn.LayerNorm(3, elementwise_affine=False),
    "prelu": lambda T: T.nn.PReLU(3, init=0.1),
    "group_norm": lambda T: T.nn.GroupNorm(2, 4),
    "group_norm_no_bias": lambda T: T.nn.GroupNorm(1, 3, eps=1e-3, bias=False),
    "group_norm_no_affine": lambda T: T.nn.GroupNorm(2, 4, affine=False),
}


@pytest.mark.parametrize("case", sorted(LAYERS))
def test_layer_repr_and_parameter_shapes_match_torch(case):
    same_outcome(lambda T: [repr(LAYERS[case](T)), [
        (n, tuple(p.shape), p.requires_grad) for n, p in LAYERS[case](T).named_parameters()]])


LAYER_INPUTS = {
    "linear": (rand(4, 3),), "linear_no_bias": (rand(2, 5, 3),),
    "conv": (rand(2, 2, 7, 8),), "conv_no_bias": (rand(1, 2, 4, 5),),
    "layer_norm": (rand(2, 3),), "layer_norm_no_bias": (rand(4, 2, 3),),
    "layer_norm_no_affine": (rand(2, 3),),
    "prelu": (rand(2, 3, 4),), "group_norm": (rand(2, 4, 3),),
    "group_norm_no_bias": (rand(2, 3, 2, 2),), "group_norm_no_affine": (rand(3, 4),),
}


@pytest.mark.parametrize("case", sorted(LAYER_INPUTS))
def test_layer_forward_backward_with_torch_weights(case):
    layers = {T: LAYERS[case](T).double() for T in FRAMEWORKS}
    copy_weights(layers[torch], layers[autodiff])
    same_forward_backward(lambda T, x: layers[T](x), *LAYER_INPUTS[case])
    for (name, p_t), p_a in zip(layers[torch].named_parameters(),
                                layers[autodiff].parameters()):
        assert_same_tensor(p_t.grad, p_a.grad, name)


def test_embedding_layer_padding_row_is_zero_and_gets_no_gradient():
    table = autodiff.nn.Embedding(5, 2, padding_idx=1)
    assert table.weight[1].tolist() == [0.0, 0.0]
    table(autodiff.tensor([1, 3, 1])).sum().backward()
    assert table.weight.grad[1].tolist() == [0.0, 0.0]
    assert table.weight.grad[3].tolist() == [1.0, 1.0]


def test_linear_default_init_follows_torch_distribution():
    autodiff.manual_seed(0)
    layer = autodiff.nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    for p in (layer.weight, layer.bias):
        values = p.numpy(force=True)
        assert np.abs(values).max() <= bound
        assert np.abs(values).max() > 0.95 * bound       # fills the whole range
    np.testing.assert_allclose(layer.weight.numpy(force=True).std(), bound / math.sqrt(3),
                               rtol=0.02)


ACTIVATIONS = {
    "relu": lambda T: T.nn.ReLU(), "sigmoid": lambda T: T.nn.Sigmoid(),
    "tanh": lambda T: T.nn.Tanh(), "gelu": lambda T: T.nn.GELU(approximate="tanh"),
    "softmax": lambda T: T.nn.Softmax(dim=1), "log_softmax": lambda T: T.nn.LogSoftmax(0),
    "identity": lambda T: T.nn.Identity(3, key="ignored"),
    "flatten": lambda T: T.nn.Flatten(0, 1), "pool": lambda T: T.nn.MaxPool2d((1, 2)),
    "dropout_eval": lambda T: T.nn.Dropout(0.2).eval(),
    "logsigmoid": lambda T: T.nn.LogSigmoid(), "softsign": lambda T: T.nn.Softsign(),
    "hardswish": lambda T: T.nn.Hardswish(inplace=True),
    "hardsigmoid": lambda T: T.nn.Hardsigmoid(), "mish": lambda T: T.nn.Mish(inplace=True),
    "softmin": lambda T: T.nn.Softmin(dim=1), "glu": lambda T: T.nn.GLU(),
    "celu": lambda T: T.nn.CELU(0.5), "celu_inplace": lambda T: T.nn.CELU(inplace=True),
    "threshold": lambda T: T.nn.Threshold(0.1, 20),
    "threshold_inplace": lambda T: T.nn.Threshold(-0.5, 1.5, inplace=True),
    "avg_pool": lambda T: T.nn.AvgPool2d((1, 2), 1, (0, 1), False, False, 3),
    "adaptive_avg_pool": lambda T: T.nn.AdaptiveAvgPool2d((None, 1)),
    "unflatten": lambda T: T.nn.Unflatten(1, (3, 1)),
}


@pytest.mark.parametrize("case", sorted(ACTIVATIONS))
def test_parameterless_layers_match_torch(case):
    assert repr(ACTIVATIONS[case](autodiff)) == repr(ACTIVATIONS[case](torch))
    same_forward_backward(lambda T, x: ACTIVATIONS[case](T)(x * 1), rand(2, 3, 2, 2))


def test_inplace_relu_writes_its_input():
    same_outcome(lambda T: (lambda x: [T.nn.ReLU(inplace=True)(x) is x, x])(
        T.tensor([-1.0, 2.0]) * 1))


def test_containers_behave_as_torch():
    def body(T):
        seq = T.nn.Sequential(OrderedDict(a=T.nn.ReLU(), b=T.nn.Tanh(), c=T.nn.Sigmoid()))
        seq.append(T.nn.Identity())
        del seq[0]
        ml = T.nn.ModuleList([T.nn.ReLU()])
        ml += [T.nn.Tanh(), T.nn.Tanh()]
        ml.insert(0, T.nn.Sigmoid())
        ml[1] = T.nn.GELU()
        md = T.nn.ModuleDict({"x": T.nn.ReLU()})
        md["y"] = T.nn.Tanh()
        md.update([("z", T.nn.Identity())])
        popped = md.pop("x")
        return dict(seq=repr(seq), sliced=repr(seq[1:]), last=repr(seq[-1]), ml=repr(ml),
                    ml_slice=repr(ml[1:]), ml_len=len(ml), md=repr(md), keys=list(md),
                    contains=["y" in md, "x" in md], popped=repr(popped),
                    added=repr(ml + T.nn.ModuleList([T.nn.ReLU()])))
    same_outcome(body)


LOSS_MODULES = {
    "mse": (lambda T: T.nn.MSELoss(reduction="sum"), rand(4, 3), rand(4, 3, seed=2)),
    "l1": (lambda T: T.nn.L1Loss(), rand(4, 3), rand(4, 3, seed=2)),
    "ce": (lambda T: T.nn.CrossEntropyLoss(weight=T.tensor([1.0, 0.5, 2.0], dtype=T.float64),
                                           label_smoothing=0.05), rand(4, 3),
           np.array([0, 2, 1, 1])),
    "nll": (lambda T: T.nn.NLLLoss(ignore_index=0, reduction="none"), rand(4, 3),
            np.array([0, 2, 1, 1])),
    "bce": (lambda T: T.nn.BCELoss(), rand(4, low=0.1, high=0.9), rand(4, seed=2, low=0,
                                                                       high=1)),
    "bce_logits": (lambda T: T.nn.BCEWithLogitsLoss(
        pos_weight=T.tensor([2.0], dtype=T.float64)), rand(4, 1), rand(4, 1, low=0, high=1)),
    "smooth_l1": (lambda T: T.nn.SmoothL1Loss(reduction="sum", beta=0.5), rand(4, 3),
                  rand(4, 3, seed=2)),
    "huber": (lambda T: T.nn.HuberLoss(delta=0.7), rand(4, 3), rand(4, 3, seed=2)),
    "kl_div": (lambda T: T.nn.KLDivLoss(reduction="batchmean", log_target=True), rand(4, 3),
               rand(4, 3, seed=2)),
}


@pytest.mark.parametrize("case", sorted(LOSS_MODULES))
def test_loss_modules_match_torch(case):
    make, x, y = LOSS_MODULES[case]
    assert repr(make(autodiff)) == repr(make(torch))
    same_outcome(lambda T: list(make(T).state_dict()))
    target = (lambda T: T.tensor(y)) if y.dtype.kind == "i" else (
        lambda T: T.tensor(y, dtype=T.float64))
    same_forward_backward(lambda T, x: make(T)(x, target(T)), x)


# ---------------------------------------------------------------------------------------
# init
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [("linear",), ("sigmoid",), ("tanh",), ("relu",),
                                  ("leaky_relu",), ("leaky_relu", 0.2), ("selu",),
                                  ("conv2d",), ("leaky_relu", True), ("softplus",)])
def test_calculate_gain_matches_torch(args):
    same_outcome(lambda T: T.nn.init.calculate_gain(*args))


@pytest.mark.parametrize("shape", [(3,), (4, 5), (6, 2, 3, 3)])
def test_fans_match_torch(shape):
    same_outcome(lambda T: T.nn.init._calculate_fan_in_and_fan_out(T.empty(*shape)))


def test_constant_inits_and_errors_match_torch():
    def body(T):
        w = T.nn.Parameter(T.empty(2, 3))
        return [T.nn.init.zeros_(w), T.nn.init.ones_(w) * 1, T.nn.init.constant_(w, 0.5),
                w.requires_grad, w.grad_fn]
    same_outcome(body)
    same_outcome(lambda T: T.nn.init.kaiming_uniform_(T.empty(0, 3)))
    same_outcome(lambda T: T.nn.init.kaiming_normal_(T.empty(2, 3), mode="fan_avg"))


@pytest.mark.parametrize("name, kwargs, expected_std", [
    ("uniform_", dict(a=-1.0, b=3.0), 4 / math.sqrt(12)),
    ("normal_", dict(mean=1.0, std=0.5), 0.5),
    ("xavier_uniform_", dict(gain=2.0), 2 * math.sqrt(2 / 500)),
    ("xavier_normal_", dict(), math.sqrt(2 / 500)),
    ("kaiming_uniform_", dict(nonlinearity="relu"), math.sqrt(2 / 300)),
    ("kaiming_normal_", dict(mode="fan_out", nonlinearity="relu"), math.sqrt(2 / 200)),
])
def test_random_inits_follow_their_distribution(name, kwargs, expected_std):
    w = autodiff.nn.Parameter(autodiff.empty(200, 300))
    out = getattr(autodiff.nn.init, name)(w, generator=autodiff.Generator().manual_seed(1),
                                          **kwargs)
    assert out is w and w.grad_fn is None and w.requires_grad
    np.testing.assert_allclose(w.numpy(force=True).std(), expected_std, rtol=0.02)


PAIR_MODULES = {
    "cosine_similarity": lambda T: T.nn.CosineSimilarity(dim=0, eps=1e-6),
    "pairwise_distance": lambda T: T.nn.PairwiseDistance(p=3.0, keepdim=True),
}


@pytest.mark.parametrize("case", sorted(PAIR_MODULES))
def test_distance_modules_match_torch(case):
    assert repr(PAIR_MODULES[case](autodiff)) == repr(PAIR_MODULES[case](torch))
    same_forward_backward(lambda T, x, y: PAIR_MODULES[case](T)(x, y), rand(3, 2),
                          rand(3, 2, seed=1))


@pytest.mark.parametrize("make, shape", [
    (lambda T: T.nn.CosineEmbeddingLoss(margin=0.2, reduction="sum"), (2, 3)),
    (lambda T: T.nn.MarginRankingLoss(0.5), (2,))])
def test_three_input_loss_modules_match_torch(make, shape):
    assert repr(make(autodiff)) == repr(make(torch))
    same_forward_backward(lambda T, x, y: make(T)(x, y, T.tensor([1.0, -1.0],
                                                                 dtype=T.float64)),
                          rand(*shape), rand(*shape, seed=1))


def test_parameter_list_behaves_as_torch():
    def body(T):
        params = T.nn.ParameterList([T.nn.Parameter(T.ones(2, 3)), T.zeros(3)])
        params += [T.ones(1, dtype=T.float64)]
        params.append(T.nn.Parameter(T.ones(2), requires_grad=False))
        params[0] = T.zeros(4)
        holder = T.nn.Module()
        holder.params = params
        return dict(repr=repr(params), sliced=repr(params[1:3]), last=repr(params[-1]),
                    length=len(params), kinds=[type(p).__name__ for p in params],
                    names=[n for n, _ in holder.named_parameters()],
                    held=repr(holder), state=list(holder.state_dict()))
    same_outcome(body)


def test_one_hot_has_no_gradient_and_int64():
    same_outcome(lambda T: [str(T.nn.functional.one_hot(T.tensor([1, 0])).dtype),
                            T.nn.functional.one_hot(T.tensor([1, 0])).requires_grad])


def test_hardsigmoid_gradient_has_no_derivative_as_in_torch():
    def body(T):
        x = T.tensor([0.5, 1.0], requires_grad=True)
        g, = T.autograd.grad(T.nn.functional.hardsigmoid(x).sum(), x, create_graph=True)
        g.sum().backward()
    same_outcome(body)
