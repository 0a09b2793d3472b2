"""The nn functions torch also has at its top level (``torch.dropout``,
``torch.layer_norm``, ``torch.max_pool1d``...), with their ATen signatures, which are not
always ``nn.functional``'s."""

from parity_tests.cases.compat import _outcome


def _x(T, *shape):
    """A leaf of distinct values of both signs, some far from zero."""
    n = 1
    for s in shape:
        n *= s
    values = T.arange(float(n)).reshape(*shape)
    return ((values * 0.7).sin() * 2 + values * 0.05).requires_grad_()


def _forward_backward(T, name, f, *inputs):
    """What ``f()`` gives, its node, and the gradient for each input of a weighted sum of
    it (the weights uneven, so that a normalization's gradient is not zero)."""
    out = f()
    yield name, out
    yield name + ": grad_fn", out.grad_fn
    weights = T.arange(float(out.numel()), dtype=out.dtype).reshape(out.shape).cos()
    (out * weights).sum().backward()
    for i, x in enumerate(inputs):
        yield f"{name}: grad of input {i}", x.grad
        x.grad = None


# -- Dropout --------------------------------------------------------------------------------

_DROPOUTS = ("dropout", "alpha_dropout", "feature_dropout", "feature_alpha_dropout")


def dropout_family_without_randomness(T):
    """``p=0`` and ``train=False`` give the input itself; ``p=1`` multiplies by zero
    (MulBackward0); ``p`` outside [0, 1] is a RuntimeError (``F.dropout``'s is a
    ValueError); feature dropout needs 2 dims, but only once it draws."""
    x = _x(T, 2, 3, 4)
    for name in _DROPOUTS:
        f = getattr(T, name)
        yield name + ": p=0 is the input", f(x, 0.0, True) is x
        yield name + ": train=False is the input", f(x, 0.5, False) is x
        yield from _forward_backward(T, name + " p=1", lambda: f(x, 1.0, True), x)
        yield name + ": p=1.5", _outcome(lambda: f(x, 1.5, True))
        yield name + ": p=-0.1 out of training", _outcome(lambda: f(x, -0.1, False))
        yield name + ": 1-d", _outcome(lambda: f(T.ones(3), 0.5, True).shape)
        yield name + ": 1-d, p=1", _outcome(lambda: f(T.ones(3), 1.0, True))
        yield name + ": empty", _outcome(lambda: f(T.ones(0, 3), 0.5, True).shape)
        y = x.detach().clone()
        yield name + "_: p=1 writes", (getattr(T, name + "_")(y, 1.0, True) is y, y)
        yield name + "_: a leaf", _outcome(lambda: getattr(T, name + "_")(x, 0.5, True))
        z = x * 1
        yield name + "_: p=1 grad_fn", getattr(T, name + "_")(z, 1.0, True).grad_fn
    yield "F.alpha_dropout out of training", T.nn.functional.alpha_dropout(x, 0.5) is x
    yield "F.feature_alpha_dropout p=2", _outcome(
        lambda: T.nn.functional.feature_alpha_dropout(x, 2.0))


def dropout_family_draws(T):
    """What can be compared of random masks: the node, the shape, that dropout's kept
    elements are scaled by ``1 / (1 - p)`` and about ``p`` dropped, that alpha dropout
    takes two values on a constant input (with torch's affine constants), and that the
    feature forms drop whole channels."""
    x = T.ones(40, 30, 6, requires_grad=True)
    for name in _DROPOUTS:
        y = getattr(T, name)(x, 0.25, True)
        yield name + ": grad_fn", y.grad_fn
        yield name + ": shape", y.shape
        values = sorted(set(round(v, 4) for v in y.detach().flatten().tolist()))
        yield name + ": values", values
        dropped = (y.detach() == y.detach().min()).double().mean().item()
        yield name + ": about p dropped", 0.15 < dropped < 0.35
        if name.startswith("feature"):
            per_channel = y.detach().amax(2) == y.detach().amin(2)
            yield name + ": whole channels", bool(per_channel.all())
        y.sum().backward()
        yield name + ": gradient values", sorted(set(round(v, 4)
                                                     for v in x.grad.flatten().tolist()))
        x.grad = None


# -- Normalization ---------------------------------------------------------------------------

def layer_norm_and_group_norm(T):
    """``torch.layer_norm(input, normalized_shape, weight, bias, eps, cudnn_enable)`` and
    ``torch.group_norm(input, num_groups, weight, bias, eps, cudnn_enabled)``."""
    x = _x(T, 2, 4, 3)
    w, b = _x(T, 3) + 1, _x(T, 3)
    w, b = w.detach().requires_grad_(), b.detach().requires_grad_()
    yield from _forward_backward(T, "layer_norm", lambda: T.layer_norm(x, (3,), w, b, 1e-5,
                                                                       False), x, w, b)
    yield from _forward_backward(T, "layer_norm over 2 dims", lambda: T.layer_norm(x, [4, 3]), x)
    yield "layer_norm, a wrong shape", _outcome(lambda: T.layer_norm(x, (4,)))
    gw, gb = (t.detach()[:4].clone().requires_grad_() for t in (_x(T, 4) + 1, _x(T, 4)))
    yield from _forward_backward(T, "group_norm", lambda: T.group_norm(x, 2, gw, gb, 1e-5, True),
                                 x, gw, gb)
    yield "group_norm, 3 groups of 4 channels", _outcome(lambda: T.group_norm(x, 3))


def batch_norm_and_instance_norm(T):
    """``torch.batch_norm`` and ``torch.instance_norm``: the weight and bias first, every
    argument required, the running statistics updated in training; neither checks the
    batch's size as ``F`` does."""
    x = _x(T, 3, 2, 4)
    w = T.tensor([1.5, -0.5], requires_grad=True)
    b = T.tensor([0.1, 0.2], requires_grad=True)
    mean, var = T.zeros(2), T.ones(2)
    yield from _forward_backward(T, "batch_norm training", lambda: T.batch_norm(
        x, w, b, mean, var, True, 0.1, 1e-5, True), x, w, b)
    yield "batch_norm's running statistics", (mean, var)
    yield from _forward_backward(T, "batch_norm evaluation", lambda: T.batch_norm(
        x, w, b, mean, var, False, 0.1, 1e-5, True), x, w, b)
    yield "batch_norm of one value per channel", T.batch_norm(
        T.tensor([[1.0, 2.0]]), None, None, None, None, True, 0.1, 1e-5, True)
    yield "batch_norm evaluation without statistics", _outcome(lambda: T.batch_norm(
        x, None, None, None, None, False, 0.1, 1e-5, True))
    mean, var = T.zeros(2), T.ones(2)
    yield from _forward_backward(T, "instance_norm", lambda: T.instance_norm(
        x, w, b, mean, var, True, 0.1, 1e-5, True), x, w, b)
    yield "instance_norm: next functions", T.instance_norm(
        x, w, b, None, None, True, 0.1, 1e-5, True).grad_fn.next_functions
    yield "instance_norm's running statistics", (mean, var)
    yield from _forward_backward(T, "instance_norm with running statistics", lambda:
                                 T.instance_norm(x, None, None, mean, var, False, 0.1, 1e-5,
                                                 False), x)
    yield "instance_norm of one position", T.instance_norm(
        T.tensor([[[1.0], [2.0]]]), None, None, None, None, True, 0.1, 1e-5, True)
    yield "F.instance_norm of one position", _outcome(lambda: T.nn.functional.instance_norm(
        T.tensor([[[1.0], [2.0]]])))
    yield "instance_norm without statistics", _outcome(lambda: T.instance_norm(
        x, None, None, None, None, False, 0.1, 1e-5, True))


def rms_norm_as_torch_composes_it(T):
    """``torch.rms_norm`` (``F.rms_norm``): ``x * rsqrt(mean(x^2) + eps)``, eps the
    dtype's epsilon by default, in float32 at least; its checks."""
    x = _x(T, 2, 3, 4)
    w = T.tensor([[1.0, 2.0, -1.0, 0.5]], requires_grad=True).repeat(3, 1).detach()
    w.requires_grad_()
    yield from _forward_backward(T, "rms_norm", lambda: T.rms_norm(x, (4,)), x)
    yield from _forward_backward(T, "rms_norm weighted over 2 dims", lambda: T.rms_norm(
        x, [3, 4], w, 0.1), x, w)
    yield "next functions", T.rms_norm(x, (4,)).grad_fn.next_functions[1][0].next_functions
    xd = x.detach().double().requires_grad_()
    yield from _forward_backward(T, "rms_norm float64", lambda: T.rms_norm(xd, (4,)), xd)
    yield "rms_norm float16's node", T.rms_norm(x.half(), (4,)).grad_fn
    yield "rms_norm, a wrong shape", _outcome(lambda: T.rms_norm(x, (2, 4)))
    yield "rms_norm, a wrong weight", _outcome(lambda: T.rms_norm(x, (4,), T.ones(3)))
    yield "rms_norm of integers", _outcome(lambda: T.rms_norm(T.arange(4), (4,)))
    yield "F.rms_norm is it", T.nn.functional.rms_norm(x, (4,))


def embedding_weight_first(T):
    """``torch.embedding(weight, indices, padding_idx=-1, ...)``: a negative padding_idx
    is none (``F`` counts it from the end)."""
    w = _x(T, 5, 3)
    idx = T.tensor([[1, 2], [4, 1]])
    yield from _forward_backward(T, "embedding", lambda: T.embedding(w, idx), w)
    yield from _forward_backward(T, "padding_idx=-2 is none", lambda: T.embedding(
        w, idx, -2), w)
    yield from _forward_backward(T, "padding_idx=1, scaled by frequency", lambda: T.embedding(
        w, idx, 1, True), w)
    yield "float indices", _outcome(lambda: T.embedding(w, T.tensor([1.0])))
    yield "out of range", _outcome(lambda: T.embedding(w, T.tensor([5])))


def bilinear_as_trilinear(T):
    """``torch.bilinear(input1, input2, weight, bias=None)``: torch's ``_trilinear`` of the
    flattened inputs (TrilinearBackward0, again when differentiated twice); its checks;
    ``nn.Bilinear``."""
    x1, x2 = _x(T, 2, 3, 3), (_x(T, 2, 3, 4) * 0.5).detach().requires_grad_()
    w = (_x(T, 5, 3, 4) * 0.2).detach().requires_grad_()
    b = T.tensor([0.1, -0.2, 0.3, 0.0, 0.5], requires_grad=True)
    yield from _forward_backward(T, "bilinear", lambda: T.bilinear(x1, x2, w, b), x1, x2, w, b)
    yield from _forward_backward(T, "bilinear of rows", lambda: T.bilinear(x1[0], x2[0], w),
                                 x1, x2, w)
    out = T.bilinear(x1[0], x2[0], w)
    yield "nodes", (out.grad_fn, out.grad_fn.next_functions)
    g1, g2 = T.autograd.grad((out * out).sum(), (x1, w), create_graph=True)
    yield "gradients differentiated again", (g1.grad_fn, g2.grad_fn)
    for name, f in [
            ("dims", lambda: T.bilinear(x1, x2[0], w)),
            ("batch dims", lambda: T.bilinear(x1[:, :2], x2[:, :3], w)),
            ("input1 size", lambda: T.bilinear(x1[..., :2], x2, w)),
            ("input2 size", lambda: T.bilinear(x1, x2[..., :3], w)),
            ("bias size", lambda: T.bilinear(x1, x2, w, b[:4]))]:
        yield name, _outcome(f)
    layer = T.nn.Bilinear(3, 4, 5)
    yield "nn.Bilinear", (repr(layer), layer.weight.shape, layer(x1, x2).shape)
    yield "nn.Bilinear of no features", _outcome(lambda: T.nn.Bilinear(0, 4, 5))


# -- Activations ---------------------------------------------------------------------------

def celu_selu_threshold(T):
    """``torch.celu(input, alpha)``, ``torch.selu``, ``torch.threshold(input, threshold,
    value)`` and their in-place forms (CeluBackward1, EluBackward1, ThresholdBackward1)."""
    x = _x(T, 2, 5)
    yield from _forward_backward(T, "celu", lambda: T.celu(x, 0.5), x)
    yield from _forward_backward(T, "selu", lambda: T.selu(x), x)
    yield from _forward_backward(T, "threshold", lambda: T.threshold(x, 0.3, -2.0), x)
    yield from _forward_backward(T, "celu_", lambda: T.celu_(x * 1), x)
    yield from _forward_backward(T, "selu_", lambda: T.selu_(x * 1), x)
    yield from _forward_backward(T, "threshold_", lambda: T.threshold_(x * 1, 0.3, 5), x)
    y = x.detach().clone()
    yield "celu_ writes", (T.celu_(y, 2.0) is y, y)
    yield "threshold out=", T.threshold(x.detach(), 0.0, 1.0, out=T.empty(2, 5))
    yield "celu alpha=0", _outcome(lambda: T.celu(x, 0.0))
    yield "selu of integers", _outcome(lambda: T.selu(T.arange(3)))
    yield "threshold of integers", T.threshold(T.arange(3), 1, 5)


def rrelu_slopes(T):
    """``torch.rrelu(input, lower, upper, training=False, generator=None)``: out of
    training, leaky_relu of slope (lower + upper) / 2, recorded as RreluWithNoiseBackward0;
    in training, each non-positive element's slope drawn between the bounds."""
    x = _x(T, 3, 4)
    yield from _forward_backward(T, "rrelu", lambda: T.rrelu(x), x)
    yield from _forward_backward(T, "rrelu bounds", lambda: T.rrelu(x, 0.2, 0.6), x)
    yield from _forward_backward(T, "rrelu_", lambda: T.rrelu_(x * 1, 0.1, 0.3), x)
    yield from _forward_backward(T, "rrelu training, equal bounds", lambda: T.rrelu(
        x, 0.25, 0.25, True), x)
    y = T.rrelu(x, 0.1, 0.3, True)
    yield "training: grad_fn", y.grad_fn
    nonzero = x.detach() != 0                # (the slope of a zero is not seen)
    slopes = y.detach()[nonzero] / x.detach()[nonzero]
    negative = x.detach()[nonzero] < 0
    yield "training: positives kept", bool((slopes[~negative] == 1).all())
    yield "training: slopes within the bounds", bool(
        ((slopes[negative] > 0.1 - 1e-6) & (slopes[negative] < 0.3 + 1e-6)).all())
    y.sum().backward()
    yield "training: the gradient is the slope", bool(T.allclose(x.grad[nonzero], slopes))
    z = x.detach().clone()
    yield "rrelu_ training writes", T.rrelu_(z, 0.1, 0.3, True, T.Generator()) is z
    yield "rrelu_ a leaf", _outcome(lambda: T.rrelu_(x))
    yield "lower above upper", _outcome(lambda: T.rrelu(x, 0.5, 0.2))
    yield "integers", _outcome(lambda: T.rrelu(T.arange(3)))
    yield "F.rrelu", T.nn.functional.rrelu(x, 0.2, 0.4)


# -- Losses -------------------------------------------------------------------------------

def _losses_by_reduction(T, name, f, *inputs):
    """A loss with torch's enum: no reduction by default (torch's binding reads its default
    as 0), 1 the mean, 2 the sum, any other none."""
    for reduction in (None, 0, 1, 2, 5):
        label = f"{name} reduction={reduction}"
        yield from _forward_backward(T, label, lambda: f(*(() if reduction is None
                                                           else (reduction,))), *inputs)


def distances(T):
    """``cosine_similarity`` and ``pairwise_distance`` (``F``'s) and ``pdist``
    (PdistBackward0, whose gradient torch does not differentiate), for several ``p``."""
    x = _x(T, 4, 3)
    y = (_x(T, 4, 3) * 0.5 + 0.2).detach().requires_grad_()
    yield from _forward_backward(T, "cosine_similarity", lambda: T.cosine_similarity(x, y), x, y)
    yield from _forward_backward(T, "pairwise_distance", lambda: T.pairwise_distance(
        x, y, 3.0, 1e-6, True), x, y)
    rows = T.tensor([[0.0, 1.0, 2.0], [0.0, 1.0, 2.0], [1.0, -1.0, 3.0], [2.0, 2.0, 2.0]],
                    requires_grad=True)
    for p in (0, 0.5, 1, 1.5, 2, 3, float("inf")):
        yield from _forward_backward(T, f"pdist p={p}", lambda: T.pdist(rows, p), rows)
    yield "pdist of one row", T.pdist(T.ones(1, 3))
    yield "pdist of no columns", T.pdist(T.ones(3, 0))
    g, = T.autograd.grad(T.pdist(x).sum(), x, create_graph=True)
    yield "pdist's gradient", (g, g.grad_fn)
    yield "pdist's gradient differentiated", _outcome(lambda: g.sum().backward())
    yield "pdist of 1 dim", _outcome(lambda: T.pdist(T.ones(3)))
    yield "pdist of integers", _outcome(lambda: T.pdist(T.ones(3, 2, dtype=T.long)))
    yield "pdist p=-1", _outcome(lambda: T.pdist(x, -1))


def margin_and_embedding_losses(T):
    """``cosine_embedding_loss``, ``hinge_embedding_loss``, ``margin_ranking_loss`` and
    ``triplet_margin_loss`` with their ATen signatures."""
    a, b = _x(T, 4, 3), (_x(T, 4, 3) * 0.5 + 0.3).detach().requires_grad_()
    target = T.tensor([1, -1, 1, -1])
    yield from _losses_by_reduction(T, "cosine_embedding_loss", lambda *r: T.cosine_embedding_loss(
        a, b, target, 0.2, *r), a, b)
    yield "cosine_embedding_loss, 2-d target", _outcome(lambda: T.cosine_embedding_loss(
        a, b, target.reshape(2, 2)))
    signs = T.tensor([[1, -1, 1]] * 4)
    yield from _losses_by_reduction(T, "hinge_embedding_loss", lambda *r:
                                    T.hinge_embedding_loss(a, signs, 0.5, *r), a)
    yield "hinge_embedding_loss, shapes", _outcome(lambda: T.hinge_embedding_loss(
        a, T.ones(4), 1.0, 1))
    yield "F.hinge_embedding_loss", T.nn.functional.hinge_embedding_loss(a, signs)
    yield from _losses_by_reduction(T, "margin_ranking_loss", lambda *r: T.margin_ranking_loss(
        a, b, signs.float(), 0.1, *r), a, b)
    yield "margin_ranking_loss of unequal dims", T.margin_ranking_loss(
        a, b[0], signs.float(), 0.0, 1)
    c = (_x(T, 4, 3) * -0.3).detach().requires_grad_()
    yield from _losses_by_reduction(T, "triplet_margin_loss", lambda *r: T.triplet_margin_loss(
        a, b, c, 1.0, 2, 1e-6, False, *r), a, b, c)
    yield from _forward_backward(T, "triplet_margin_loss swap p=1", lambda:
                                 T.triplet_margin_loss(a, b, c, 0.5, 1, 1e-6, True, 1), a, b, c)
    yield "triplet_margin_loss margin 0", T.triplet_margin_loss(a, b, c, 0.0, reduction=2)
    yield "F.triplet_margin_loss margin 0", _outcome(lambda: T.nn.functional.triplet_margin_loss(
        a, b, c, margin=0))
    yield "triplet_margin_loss of unequal dims", _outcome(lambda: T.triplet_margin_loss(
        a, b, c[0]))


def poisson_kl_and_bce_losses(T):
    """``poisson_nll_loss`` (every argument required), ``kl_div`` (its mean over every
    element, without F's warning) and ``binary_cross_entropy_with_logits``
    (``pos_weight`` before ``reduction``)."""
    x = _x(T, 3, 4)
    counts = T.tensor([[0.0, 1.0, 2.0, 5.0]] * 3)
    for log_input, full in ((True, False), (True, True), (False, True)):
        rate = x if log_input else x.detach().abs().requires_grad_()
        yield from _forward_backward(T, f"poisson_nll_loss log_input={log_input} full={full}",
                                     lambda: T.poisson_nll_loss(rate, counts, log_input, full,
                                                                1e-8, 1), rate)
    yield "poisson_nll_loss reduction=0", T.poisson_nll_loss(x, counts, True, False, 1e-8, 0)
    yield "F.poisson_nll_loss", T.nn.functional.poisson_nll_loss(x, counts, full=True,
                                                                   reduction="sum")
    yield "F.poisson_nll_loss, a wrong reduction", _outcome(
        lambda: T.nn.functional.poisson_nll_loss(x, counts, reduction="avg"))
    p = T.tensor([[0.2, 0.3, 0.1, 0.4]] * 3)
    logp = x.log_softmax(1).detach().requires_grad_()
    yield from _losses_by_reduction(T, "kl_div", lambda *r: T.kl_div(logp, p, *r), logp)
    yield from _forward_backward(T, "kl_div log_target", lambda: T.kl_div(
        logp, p.log(), 1, log_target=True), logp)
    yield "kl_div, shapes", _outcome(lambda: T.kl_div(logp, T.ones(5), 1))
    t = T.tensor([[0.0, 1.0, 1.0, 0.0]] * 3)
    yield from _losses_by_reduction(T, "binary_cross_entropy_with_logits", lambda *r:
                                    T.binary_cross_entropy_with_logits(x, t, None, None, *r), x)
    yield from _forward_backward(T, "bce with logits, weights", lambda:
                                 T.binary_cross_entropy_with_logits(
                                     x, t, T.tensor([1.0, 2.0, 0.5, 1.0]),
                                     T.tensor([3.0, 1.0, 1.0, 2.0]), 2), x)


# -- Pooling, padding, convolution, shuffles ----------------------------------------------------

def pools(T):
    """``max_pool1d``, ``max_pool1d_with_indices``, ``avg_pool1d``,
    ``adaptive_avg_pool1d``, ``adaptive_max_pool1d``: the 2-d pools of a height-1 input
    (SqueezeBackward1); ``max_pool2d`` and ``max_pool3d`` (MaxPool3DWithIndicesBackward0),
    with ``stride=()`` the kernel's size; each function's own errors."""
    x = _x(T, 2, 3, 9)
    yield from _forward_backward(T, "max_pool1d", lambda: T.max_pool1d(x, 3, 2, 1, 1, True), x)
    yield "max_pool1d: next functions", T.max_pool1d(x, 2).grad_fn.next_functions
    values, indices = T.max_pool1d_with_indices(x, [4], [2], [2], [2])
    yield "max_pool1d_with_indices", (values, indices)
    yield "max_pool1d of (C, L)", T.max_pool1d(x[0], 2)
    yield from _forward_backward(T, "avg_pool1d", lambda: T.avg_pool1d(x, 3, 2, 1, True, False),
                                 x)
    yield from _forward_backward(T, "adaptive_avg_pool1d", lambda: T.adaptive_avg_pool1d(x, 4),
                                 x)
    yield "adaptive_avg_pool1d to 1: node", T.adaptive_avg_pool1d(x, 1).grad_fn.next_functions
    yield from _forward_backward(T, "adaptive_max_pool1d", lambda: T.adaptive_max_pool1d(
        x, 4)[0], x)
    yield "adaptive_max_pool1d: indices, longer", T.adaptive_max_pool1d(x, 11)
    yield "adaptive_max_pool1d: node", T.adaptive_max_pool1d(x, 4)[0].grad_fn.next_functions
    values = T.adaptive_max_pool1d(x, 3)[0]
    g, = T.autograd.grad((values * values).sum(), x, create_graph=True)
    yield "adaptive_max_pool1d's gradient", (g, g.grad_fn.next_functions)
    yield "F.adaptive_max_pool1d", T.nn.functional.adaptive_max_pool1d(x, 2)
    yield "F.adaptive_max_pool2d", T.nn.functional.adaptive_max_pool2d(
        _x(T, 1, 2, 5, 7), (2, None), return_indices=True)
    x4 = _x(T, 1, 2, 4, 5)
    yield from _forward_backward(T, "max_pool2d", lambda: T.max_pool2d(x4, [2, 2], ()), x4)
    yield "F.max_pool1d with indices", T.nn.functional.max_pool1d(x, 2, return_indices=True)
    x5 = _x(T, 1, 2, 4, 5, 3)
    yield from _forward_backward(T, "max_pool3d", lambda: T.max_pool3d(x5, 2, (1, 2, 1), 1, 1,
                                                                       True), x5)
    y = T.max_pool3d(x5, [2, 2, 1])
    g, = T.autograd.grad((y * y).sum(), x5, create_graph=True)
    yield "max_pool3d's gradient", (g, g.grad_fn.next_functions)
    yield "F.max_pool3d with indices, unbatched", T.nn.functional.max_pool3d(
        x5[0], (2, 1, 3), return_indices=True)
    for name, f in [
            ("max_pool1d of 1 dim", lambda: T.max_pool1d(T.ones(8), 2)),
            ("max_pool1d of an empty length", lambda: T.max_pool1d(T.ones(2, 3, 0), 2)),
            ("max_pool1d, kernel of 2", lambda: T.max_pool1d(x, (2, 2))),
            ("max_pool1d, stride of 2", lambda: T.max_pool1d(x, 2, (1, 1))),
            ("max_pool1d, padding of 2", lambda: T.max_pool1d(x, 2, padding=(1, 1))),
            ("max_pool1d, dilation of 2", lambda: T.max_pool1d(x, 2, dilation=(1, 1))),
            ("max_pool1d, kernel 0", lambda: T.max_pool1d(x, 0)),
            ("max_pool1d, stride 0", lambda: T.max_pool1d(x, 2, 0)),
            ("max_pool1d, padding -1", lambda: T.max_pool1d(x, 2, padding=-1)),
            ("max_pool1d, padding 2", lambda: T.max_pool1d(x, 2, padding=2)),
            ("max_pool1d, dilation 0", lambda: T.max_pool1d(x, 2, dilation=0)),
            ("max_pool1d, kernel 10", lambda: T.max_pool1d(x, 10)),
            ("max_pool1d_with_indices of 1 dim", lambda: T.max_pool1d_with_indices(T.ones(8), 2)),
            ("max_pool1d_with_indices, kernel of 2", lambda: T.max_pool1d_with_indices(
                x, (2, 2))),
            ("avg_pool1d of 1 dim", lambda: T.avg_pool1d(T.ones(8), 2)),
            ("avg_pool1d, stride of 2", lambda: T.avg_pool1d(x, 2, (1, 1))),
            ("avg_pool1d, kernel 10", lambda: T.avg_pool1d(x, 10)),
            ("adaptive_avg_pool1d of 1 dim", lambda: T.adaptive_avg_pool1d(T.ones(8), 2)),
            ("adaptive_avg_pool1d to 2 sizes", lambda: T.adaptive_avg_pool1d(x, (2, 2))),
            ("max_pool3d, padding 2", lambda: T.max_pool3d(x5, 2, padding=2)),
            ("max_pool3d, padding 2 dilated", lambda: T.max_pool3d(x5, 3, padding=2,
                                                                    dilation=2)),
            ("max_pool3d, kernel 5", lambda: T.max_pool3d(x5, 5)),
            ("max_pool3d of 2 dims", lambda: T.max_pool3d(T.ones(4, 5), 2)),
            ("max_pool3d, kernel of 2", lambda: T.max_pool3d(x5, (2, 2))),
            ("max_pool3d, stride 0", lambda: T.max_pool3d(x5, 2, 0)),
            ("adaptive_max_pool1d of 1 dim", lambda: T.adaptive_max_pool1d(T.ones(8), 2)),
            ("adaptive_max_pool1d to 2 sizes", lambda: T.adaptive_max_pool1d(x, (2, 2)))]:
        yield name, _outcome(f)


def constant_pad_nd_and_convolution(T):
    """``torch.constant_pad_nd(input, pad, value)`` (ATen's checks: texts other than
    ``F.pad``'s) and ``torch.convolution(input, weight, bias, stride, padding, dilation,
    transposed, output_padding, groups)``."""
    x = _x(T, 2, 3, 4)
    yield from _forward_backward(T, "constant_pad_nd", lambda: T.constant_pad_nd(
        x, [1, 2, -1, 1], 2.5), x)
    yield "constant_pad_nd of integers", T.constant_pad_nd(T.arange(3), [1, 1], 2.5)
    yield "constant_pad_nd, odd pad", _outcome(lambda: T.constant_pad_nd(x, [1]))
    yield "constant_pad_nd, long pad", _outcome(lambda: T.constant_pad_nd(x, [1] * 8))
    yield "constant_pad_nd, cropped away", _outcome(lambda: T.constant_pad_nd(x, [-3, -2]))
    image = _x(T, 2, 4, 5, 5)
    w = (_x(T, 6, 2, 3, 3) * 0.3).detach().requires_grad_()
    b = T.tensor([0.1, -0.2, 0.3, 0.0, 0.5, -0.1], requires_grad=True)
    yield from _forward_backward(T, "convolution", lambda: T.convolution(
        image, w, b, [2, 1], [1], [1, 2], False, [0], 2), image, w, b)
    wt = (_x(T, 4, 3, 2, 2) * 0.3).detach().requires_grad_()
    yield from _forward_backward(T, "convolution transposed", lambda: T.convolution(
        image, wt, None, [2, 2], [0, 1], [1, 1], True, [1, 0], 1), image, wt)
    signal = _x(T, 2, 3, 7)
    yield from _forward_backward(T, "convolution 1-d", lambda: T.convolution(
        signal, w[:, :, 0].detach().repeat(1, 2, 1)[:, :3], None, [1], [0], [1], False, [0],
        1), signal)
    yield "convolution of an unbatched input", _outcome(lambda: T.convolution(
        image[0], w, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 2))
    yield "convolution, channels", _outcome(lambda: T.convolution(
        image, w, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1))


def pixel_and_channel_shuffles(T):
    """``pixel_shuffle``, ``pixel_unshuffle`` (PixelShuffleBackward0, the other's node
    when differentiated again), ``channel_shuffle`` (ChannelShuffleBackward0) and
    ``native_channel_shuffle`` (a NotImplemented node), their checks, and their layers."""
    x = _x(T, 2, 8, 2, 3)
    yield from _forward_backward(T, "pixel_shuffle", lambda: T.pixel_shuffle(x, 2), x)
    yield from _forward_backward(T, "pixel_unshuffle", lambda: T.pixel_unshuffle(
        _x(T, 1, 3, 4, 6).detach() * x.sum(), 2), x)
    yield from _forward_backward(T, "channel_shuffle", lambda: T.channel_shuffle(x, 4), x)
    y = T.pixel_shuffle(x, 2)
    g, = T.autograd.grad((y * y).sum(), x, create_graph=True)
    yield "pixel_shuffle's gradient", (g, g.grad_fn)
    y = T.channel_shuffle(x, 2)
    g, = T.autograd.grad((y * y).sum(), x, create_graph=True)
    yield "channel_shuffle's gradient", (g, g.grad_fn)
    yield "pixel_shuffle of (C, H, W)", T.pixel_shuffle(T.arange(8.0).reshape(8, 1, 1), 2)
    yield "pixel_shuffle of 5 dims", T.pixel_shuffle(T.ones(1, 2, 4, 1, 1), 2).shape
    yield "native_channel_shuffle", T.native_channel_shuffle(x, 2)
    yield "native_channel_shuffle's backward", _outcome(
        lambda: T.native_channel_shuffle(x, 2).sum().backward())
    for name, f in [
            ("pixel_shuffle, channels", lambda: T.pixel_shuffle(x, 3)),
            ("pixel_shuffle of 2 dims", lambda: T.pixel_shuffle(T.ones(4, 3), 2)),
            ("pixel_shuffle by 0", lambda: T.pixel_shuffle(x, 0)),
            ("pixel_unshuffle, height", lambda: T.pixel_unshuffle(T.ones(1, 2, 3, 4), 2)),
            ("pixel_unshuffle, width", lambda: T.pixel_unshuffle(T.ones(1, 2, 4, 3), 2)),
            ("pixel_unshuffle by -1", lambda: T.pixel_unshuffle(x, -1)),
            ("channel_shuffle, channels", lambda: T.channel_shuffle(x, 3)),
            ("channel_shuffle of 2 dims", lambda: T.channel_shuffle(T.ones(2, 4), 2)),
            ("channel_shuffle by 0", lambda: T.channel_shuffle(x, 0))]:
        yield name, _outcome(f)
    nn = T.nn
    yield "layers", (repr(nn.PixelShuffle(2)), repr(nn.PixelUnshuffle(3)),
                     repr(nn.ChannelShuffle(2)))
    yield "PixelShuffle", nn.PixelShuffle(2)(x)
    yield "PixelUnshuffle", nn.PixelUnshuffle(2)(T.ones(1, 1, 4, 4)).shape
    yield "ChannelShuffle", nn.ChannelShuffle(4)(x)


def recurrent_cells(T):
    """``rnn_tanh_cell``, ``rnn_relu_cell``, ``lstm_cell`` and ``gru_cell``: one step of
    ``nn.RNNCell``, ``LSTMCell``, ``GRUCell`` from the weights, with their checks."""
    x, h = _x(T, 2, 3), (_x(T, 2, 4) * 0.5).detach().requires_grad_()
    c = (_x(T, 2, 4) * -0.3).detach().requires_grad_()
    for name, gates in (("rnn_tanh_cell", 1), ("rnn_relu_cell", 1), ("gru_cell", 3),
                        ("lstm_cell", 4)):
        w_ih = (_x(T, 4 * gates, 3) * 0.3).detach().requires_grad_()
        w_hh = (_x(T, 4 * gates, 4) * -0.2).detach().requires_grad_()
        b_ih, b_hh = (_x(T, 4 * gates) * 0.1).detach(), (_x(T, 4 * gates) * 0.05).detach()
        f = getattr(T, name)
        state = (h, c) if name == "lstm_cell" else h
        if name == "lstm_cell":
            yield from _forward_backward(T, name, lambda: T.cat(f(x, state, w_ih, w_hh, b_ih,
                                                                 b_hh)), x, h, c, w_ih, w_hh)
            yield name + ": nodes", tuple(t.grad_fn for t in f(x, state, w_ih, w_hh))
        else:
            yield from _forward_backward(T, name, lambda: f(x, state, w_ih, w_hh, b_ih, b_hh),
                                         x, h, w_ih, w_hh)
            yield from _forward_backward(T, name + " without biases", lambda: f(
                x, state, w_ih, w_hh), x, h)
        yield name + ", input size", _outcome(lambda: f(x[:, :2], state, w_ih, w_hh))
        yield name + ", batch size", _outcome(lambda: f(x[:1], state, w_ih, w_hh))
    yield "lstm_cell of one state", _outcome(lambda: T.lstm_cell(
        x, (h,), T.ones(16, 3), T.ones(16, 4)))
    yield "rnn_tanh_cell, hidden size", _outcome(lambda: T.rnn_tanh_cell(
        x, h[:, :3], T.ones(4, 3), T.ones(4, 4)))


def layers_of_the_new_functions(T):
    """The layers of the ``F`` functions added beside the top-level ones: their reprs,
    what they compute (evaluation mode for the random ones) and their parameters."""
    nn = T.nn
    x = _x(T, 2, 3, 8)
    layers = [nn.AlphaDropout(0.2), nn.FeatureAlphaDropout(), nn.RReLU(), nn.RReLU(0.1, 0.3, True),
              nn.MaxPool1d(2), nn.MaxPool1d(3, 2, 1, return_indices=True), nn.AvgPool1d(3),
              nn.AvgPool1d(3, 2, 1, True, False), nn.AdaptiveAvgPool1d(3),
              nn.AdaptiveMaxPool1d(3), nn.AdaptiveMaxPool1d(2, True)]
    for layer in layers:
        yield repr(layer), layer.eval()(x * 1)
    yield "RReLU in training", nn.RReLU()(x).grad_fn
    x5 = _x(T, 1, 2, 4, 4, 4)
    yield "MaxPool3d", (repr(nn.MaxPool3d(2)), nn.MaxPool3d(2)(x5))
    yield "AdaptiveMaxPool2d", (repr(nn.AdaptiveMaxPool2d((2, None), True)),
                                nn.AdaptiveMaxPool2d((2, None), True)(x))
    rms = nn.RMSNorm([3, 8], eps=1e-3)
    yield "RMSNorm", (repr(rms), rms(x), [name for name, _ in rms.named_parameters()])
    yield "RMSNorm without weight", (repr(nn.RMSNorm(8, elementwise_affine=False)),
                                     list(nn.RMSNorm(8, elementwise_affine=False).parameters()))
    signs = T.tensor([1, -1, 1] * 16).reshape(2, 3, 8)
    for loss, args in ((nn.HingeEmbeddingLoss(), (x, signs)),
                       (nn.HingeEmbeddingLoss(0.5, reduction="sum"), (x, signs)),
                       (nn.TripletMarginLoss(), (x, x * 2, x * 0.5)),
                       (nn.TripletMarginLoss(0.5, 1.0, 1e-6, True, reduction="none"),
                        (x, x * 2, x * 0.5)),
                       (nn.PoissonNLLLoss(), (x, x.detach().abs())),
                       (nn.PoissonNLLLoss(False, True, eps=1e-6, reduction="none"),
                        (x.abs(), x.detach() ** 2))):
        yield repr(loss), (loss.reduction, loss(*args))
    yield "size_average=False", nn.HingeEmbeddingLoss(0.5, False).reduction


def instance_norm_layers(T):
    """``nn.InstanceNorm1d/2d/3d``: ``F.instance_norm`` per sample, by default without
    parameters or running statistics; unbatched inputs; their checks and warning."""
    nn = T.nn
    x = _x(T, 2, 3, 5)
    plain = nn.InstanceNorm1d(3)
    yield repr(plain), (plain(x), plain(x[0]), list(plain.state_dict()))
    tracked = nn.InstanceNorm1d(3, momentum=0.3, affine=True, track_running_stats=True)
    yield from _forward_backward(T, repr(tracked), lambda: tracked(x), x, tracked.weight)
    yield "running statistics", (tracked.running_mean, tracked.running_var,
                                 tracked.num_batches_tracked)
    yield "in evaluation", tracked.eval()(x)
    x4 = _x(T, 2, 4, 3, 3)
    yield repr(nn.InstanceNorm2d(4, bias=False, affine=True)), nn.InstanceNorm2d(
        4, bias=False, affine=True)(x4)
    yield "InstanceNorm3d", (repr(nn.InstanceNorm3d(2)), nn.InstanceNorm3d(2)(x4[:, :2]))
    yield "channels, affine", _outcome(lambda: nn.InstanceNorm1d(4, affine=True)(x))
    yield "channels, not affine", nn.InstanceNorm1d(4)(x).shape
    yield "4-d input", _outcome(lambda: nn.InstanceNorm1d(3)(x4))
    yield "one position", _outcome(lambda: nn.InstanceNorm1d(3)(x[:, :, :1]))


def functional_in_place_forms(T):
    """``F.relu_(x)`` and the others write ``x`` (a non-leaf) and return it."""
    F = T.nn.functional
    leaf = T.tensor([-1.0, 0.0, 2.0, -3.0], requires_grad=True)
    for name, args in [("relu_", ()), ("elu_", (0.5,)), ("selu_", ()), ("celu_", (2.0,)),
                       ("leaky_relu_", (0.2,)), ("hardtanh_", (-0.5, 0.5)),
                       ("threshold_", (0.1, 9.0)), ("rrelu_", ())]:
        x = leaf * 1
        result = getattr(F, name)(x, *args)
        yield name, (result is x, x, x.grad_fn)
        x.sum().backward()
        yield f"{name}: leaf.grad", leaf.grad
        leaf.grad = None
    F.relu_(leaf)
