"""Storage, views and in-place writes: what shares memory, the version counter, and the
histories torch rewrites (CopySlices on a base, AsStridedBackward0 on its views)."""

from parity_tests.harness import raised


def view_sees_writes_to_its_base(T):
    x = T.arange(6.0).reshape(2, 3)
    v = x[:, 1]
    x.mul_(10)
    yield "v", v
    yield "versions", (x._version, v._version)


def detach_shares_storage_and_version(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    d = x.detach()
    d.zero_()
    yield "x", x
    yield "x._version", x._version


def detach_of_a_view_is_no_view(T):
    """A view's detach() (and .data) share its elements but are no views to autograd: no
    _base, and writable in place even when the viewed leaf requires grad -- also a view
    made under no_grad, detached (found by the fuzzer)."""
    a = T.ones(4, requires_grad=True)
    v = a.view(2, 2)
    d = v.detach()
    yield "detach", (d._is_view(), d._base, v.data._is_view(), v.data._base)
    d2 = d[0]
    yield "view of it", (d2._is_view(), d2._base is d)
    d2.add_(1)
    yield "written through", (a, v)
    with T.no_grad():
        n = a.reshape(-1)
    m = n.detach()
    m.add_(1.0)
    yield "no_grad view detached", (m, a, m.requires_grad)
    # a tensor that requires grad written into a view of a detached view: the detached
    # alias gets CopySlices, the leaf it was cut from stays a leaf
    b = T.ones(5, requires_grad=True) * 1
    f = b.view(5)[::2].detach()
    t = T.tensor([3.0, 4.0], requires_grad=True)
    f[1:].copy_(t)
    yield "into a view of it", (b, f, f.grad_fn.name(), a.is_leaf)
    (f * T.tensor([1.0, 2.0, 3.0])).sum().backward()
    yield "t.grad", t.grad
    c = T.ones(2, 3, requires_grad=True) * 1
    g = c.t().detach()
    g[1] = T.tensor([5.0, 6.0], requires_grad=True)
    yield "transposed", (c, g, g.grad_fn.name())


def reshape_of_a_transpose_is_a_copy(T):
    x = T.arange(6.0).reshape(2, 3)
    y = x.t().reshape(6)
    y[0] = 100.0
    yield "x unchanged", x
    yield "is_contiguous", x.t().is_contiguous()


def write_into_a_view_of_a_non_leaf(T):
    a = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = a * 2
    v = y[1:]
    v.mul_(3)
    yield "y.grad_fn", type(y.grad_fn).__name__
    yield "v.grad_fn", type(v.grad_fn).__name__
    (y * T.tensor([1.0, 2.0, 3.0])).sum().backward()
    yield "a.grad", a.grad


def view_history_rederived_after_base_write(T):
    a = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = a * 2
    v = y[1:]
    yield "before", type(v.grad_fn).__name__
    y.mul_(3)
    yield "after", type(v.grad_fn).__name__
    yield "next", type(v.grad_fn.next_functions[0][0]).__name__
    (v * T.tensor([1.0, 10.0])).sum().backward()
    yield "a.grad", a.grad


def setitem_with_a_tensor_that_requires_grad(T):
    w = T.tensor(2.0, requires_grad=True)
    z = T.zeros(3)
    z[0] = w
    yield "z", z
    yield "next_functions", [type(n).__name__ if n else None for n, _ in
                             z.grad_fn.next_functions]
    (z * 3).sum().backward()
    yield "w.grad", w.grad


def masked_assignment_on_a_non_leaf(T):
    a = T.tensor([-1.0, 2.0, -3.0], requires_grad=True)
    y = a * 1
    y[y < 0] = 0.0
    yield "y", y
    y.sum().backward()
    yield "a.grad", a.grad


def masked_assignment_on_a_leaf(T):
    a = T.tensor([-1.0, 2.0], requires_grad=True)
    a[a < 0] = 0.0


def sgd_update_under_no_grad(T):
    w = T.tensor([1.0, -2.0], requires_grad=True)
    (w ** 2).sum().backward()
    with T.no_grad():
        w -= 0.1 * w.grad
    yield "w", w
    yield "w.is_leaf", w.is_leaf
    yield "w._version", w._version
    w.grad.zero_()
    yield "w.grad", w.grad


def data_writes_bypass_autograd(T):
    a = T.tensor([1.0, 2.0], requires_grad=True)
    y = a.exp()
    a.data.mul_(2)
    yield "a", a
    yield "a._version", a._version
    y.sum().backward()
    yield "a.grad", a.grad


def retained_grad_follows_an_inplace_write(T):
    """Found by the fuzzer: torch moves the retain_grad hook to the new grad_fn."""
    x0 = T.tensor(0.5, requires_grad=True)
    v3 = x0.abs()
    v3.retain_grad()
    v3.mul_(2.0)
    v3.backward()
    yield "v3.grad", v3.grad
    yield "x0.grad", x0.grad


def retained_grad_on_view_after_base_write(T):
    a = T.tensor([1.0, 2.0], requires_grad=True)
    y = a * 2
    v = y[1:]
    v.retain_grad()
    y.mul_(3)
    (v * 5).sum().backward()
    yield "v.grad", v.grad
    yield "a.grad", a.grad


def div_by_a_constant_then_write_the_numerator(T):
    """Found by the fuzzer: x0 is saved only for the constant's gradient, so not checked."""
    x0 = T.tensor(2.0, requires_grad=True)
    x1 = T.tensor(4.0)
    v2 = x0 / x1
    with T.no_grad():
        x0.add_(1.0)
    v2.backward()
    yield "x0.grad", x0.grad


def writing_what_mul_saved_for_the_other_gradient(T):
    x0 = T.tensor(2.0, requires_grad=True)
    x1 = T.tensor(4.0)
    v2 = x0 * x1
    x1.add_(1.0)
    v2.backward()
    yield "x0.grad", x0.grad


def view_and_reshape_of_strided_tensors(T):
    """view() works where the strides allow (torch's computeStride); reshape copies else."""
    x = T.arange(24.0).reshape(2, 3, 4)
    yield "t then reshape", x[0].t().reshape(12)
    yield "permute then reshape", x.permute(1, 0, 2).reshape(3, 8)
    yield "slice then reshape", x[:, 1:].reshape(2, 8)
    yield "select then view", x[:, :, 1].view(6)
    yield "transpose then view", x.transpose(0, 1).view(3, 2, 2, 2)
    yield "row view", x[1].view(3, 2, 2)
    x.t().view(24)


def writes_into_an_expanded_view(T):
    """Fills may write one element many times; an update (add_) may not, as in torch."""
    x = T.zeros(3)
    e = x.expand(2, 3)
    e[0] = 1.0
    yield "x after e[0] = 1", x
    e.fill_(2.0)
    yield "x after fill_", x
    e.add_(1)


def result_saved_by_an_in_place_op_written_again(T):
    """An in-place op that saves its result (relu_, exp_, sigmoid_) saves the tensor as
    written: writing it again, even under no_grad, fails the backward pass; on a view the
    error names the view's history now (found by the fuzzer)."""
    for code in ("T.nn.functional.relu(v, inplace=True)", "v.exp_()", "v.sigmoid_()"):
        x = T.tensor(2.0, requires_grad=True)
        v = x * 1
        eval(code, {"T": T, "v": v})
        with T.no_grad():
            v[v > 0.25] = 0.25
        try:
            v.backward()
        except RuntimeError as error:
            yield code, str(error)
    a = T.tensor([1.0, 2.0], requires_grad=True)
    y = a * 1
    y[0].exp_()
    with T.no_grad():
        y.mul_(2)
    y.sum().backward()


def masked_writes_through_an_expanded_view(T):
    """torch lets masked_fill_, index_fill_ and ``e[mask] = v`` write an expanded tensor,
    with a deprecation warning each; an element repeated in the view takes the written
    value wherever the mask holds it. A gradient cannot go back through such a write
    (found by the fuzzer)."""
    mask = T.tensor([[True, False, False], [False, False, True]])
    for code in ("e.masked_fill_(mask, 0.5)", "e[mask] = 0.5", "e.index_fill_(1, T.tensor([0]), 2.0)",
                 "e[T.tensor([0, 1])] = 1.5"):
        x = T.tensor([1.0, -1.0, 2.0])
        e = x.expand(2, 3)
        exec(code, {"e": e, "mask": mask, "T": T})
        yield code, (x, e, x._version)
    x = T.tensor([1.0, -1.0, 2.0], requires_grad=True) * 1
    e = x.expand(2, 3)
    e[mask] = 0.5
    yield "with grad", (x, e)
    x.sum().backward()


def setitem_with_basic_and_advanced_indices(T):
    """``x[key] = v`` as torch's: the ints, slices and 0-d masks of the key make a view,
    ``index_put_`` writes through it (CopySlices on x, which a second backward pass
    cannot reuse); a mask with one value is a masked_fill, which casts the value (found
    by the fuzzer)."""
    for code in ("x[x > 0] = 1.5", "x[0, x[0] > 0] = 2.0", "x[1:, T.tensor([0])] = 3.0",
                 "x[x > 0] = T.tensor(2.0, dtype=T.float64)", "x[T.tensor(True)] = 4.0"):
        x = T.tensor([[0.5, -1.0, 2.0], [1.0, 0.0, -2.0]], requires_grad=True) * 1
        exec(code, {"x": x, "T": T})
        yield code, (x, type(x.grad_fn).__name__)
        x.sum().backward()
        try:
            x.sum().backward()
        except RuntimeError as error:
            yield code + ": again", str(error)
    s = T.tensor(0.5, requires_grad=True) * 1
    s[s > 0] = -1.0
    yield "0-d", (s, type(s.grad_fn).__name__)


def setitem_checks_in_torch_order(T):
    """Which error ``x[key] = v`` raises when several apply: a value of the wrong shape
    for a view (expand's error) before the leaf's; the leaf's before the mask's shape;
    the value's shape, then its dtype, before an index out of range (found by the
    fuzzer)."""
    data = [[0.5, -1.0, 2.0], [1.0, 0.0, -2.0]]
    for base, code in (("leaf", "x[0] = T.ones(2)"), ("leaf", "x[x[0] > 0] = 1.5"),
                       ("leaf", "x[T.tensor([5])] = 1.5"), ("plain", "x[T.tensor([5])] = T.ones(2)"),
                       ("plain", "x[T.tensor([5])] = T.tensor(2.0, dtype=T.float64)"),
                       ("plain", "x[x[0] > 0] = 1.5"), ("plain", "x[T.tensor([5])] = 1.5")):
        x = T.tensor(data, requires_grad=base == "leaf")
        try:
            exec(code, {"x": x, "T": T})
        except (RuntimeError, IndexError) as error:
            yield f"{base}: {code}", (type(error).__name__, str(error), x)


def no_grad_view_of_a_base_written_in_place(T):
    """Found by the fuzzer: a no_grad view whose base was then written cannot be used."""
    x0 = T.tensor([1.0], requires_grad=True)
    with T.no_grad():
        v1 = x0.reshape(-1)
    with T.no_grad():
        x0[0] = 2.0
    yield "repr", repr(v1)
    v1.abs()


def view_of_a_no_grad_view_written_in_place(T):
    """A view taken (with grad mode on) of a view made under ``no_grad`` inherits its
    restriction: writing it in place is forbidden, and torch's error names its node
    (``Output 0 of Select is a view of a view which was created in no_grad mode ...``;
    found by the fuzzer)."""
    x = T.tensor([[0.0, 1.0]], requires_grad=True)
    with T.no_grad():
        v = x.unsqueeze(0)
    w = v[0]
    yield "w.grad_fn", type(w.grad_fn).__name__
    w.mul_(2)


def view_of_a_no_grad_view_after_its_base_changed(T):
    """... and once its base is written in place, reading its ``grad_fn`` says so."""
    x = T.tensor([[0.0, 1.0]], requires_grad=True)
    with T.no_grad():
        v = x.unsqueeze(0)
    w = v[0]
    with T.no_grad():
        v.mul_(2)
    yield "w", w
    w.grad_fn


def view_of_one_of_several_views_written_in_place(T):
    """A view taken (with grad mode on) of an output of split/chunk/unbind inherits its
    restriction, and torch checks it before the view-of-a-leaf one: the error names the
    view's own node (``Output 0 of Select is a view ... returns multiple views``; found
    by the fuzzer)."""
    x = T.tensor([1.75, 2.0], requires_grad=True)
    v = x.split(1)[-1]
    w = v[0]
    yield "w.grad_fn", type(w.grad_fn).__name__
    w.mul_(2)


def grad_of_one_of_several_views_after_its_base_changed(T):
    """Reading ``.grad`` does not re-derive a view's history: for an output of chunk whose
    base was written, torch warns (a non-leaf's grad) and gives None, where ``grad_fn``
    raises (found by the fuzzer)."""
    x = T.tensor([1.0, 2.0], requires_grad=True)
    v = x.chunk(2)[0]
    with T.no_grad():
        x.mul_(2)
    yield "v.grad", v.grad
    v.grad_fn


def gradient_of_a_no_grad_view_goes_nowhere(T):
    """A view made under no_grad of a leaf that requires grad is itself a leaf that
    requires grad, but it has no AccumulateGrad: the edges to it are ``(None, 0)`` and its
    gradient is dropped (found by the fuzzer)."""
    x = T.tensor([1.0, 2.0], requires_grad=True)
    with T.no_grad():
        v = x.reshape(-1)
    yield "v.is_leaf, v.requires_grad", (v.is_leaf, v.requires_grad)
    w = T.ones(2, requires_grad=True)
    y = v * w + x
    yield "next_functions", [f is None for f, _ in y.grad_fn.next_functions[0][0].next_functions]
    y.sum().backward()
    y = v * w + x
    y.sum().backward()
    yield "grads", (v.grad, x.grad, w.grad)


def leaves_given_the_same_gradient_accumulate_apart(T):
    """``x + z`` sends one gradient to both leaves; each ``.grad`` must be its own tensor,
    or the second backward's in-place accumulation would count twice (found by the
    fuzzer)."""
    x, z = T.ones(2, requires_grad=True), T.ones(2, requires_grad=True)
    for _ in range(2):
        (x + z).sum().backward()
    yield "grads", (x.grad, z.grad)
    g = T.tensor([1.0, 1.0])
    y = T.zeros(2, requires_grad=True)
    y.backward(g)
    g.mul_(5)
    yield "y.grad after the gradient given changed", y.grad


def inplace_view_ops_change_the_tensor_itself(T):
    """``t_``, ``transpose_``, ``squeeze_``, ``unsqueeze_``: the tensor takes the view's
    shape and strides over the same elements, with the in-place node (TBackward1...)."""
    x = T.arange(6.0).reshape(2, 3).requires_grad_()
    y = x * 1
    y.transpose_(0, 1)
    yield "transpose_", (y.shape, y.stride(), y.is_contiguous(), y._version, y._base is None)
    yield "grad_fn", (y.grad_fn, y.grad_fn.next_functions)
    (y * T.arange(6.0).reshape(3, 2)).sum().backward()
    yield "x.grad", x.grad
    z = x * 1
    yield "names", [z.squeeze_().grad_fn, z.unsqueeze_(0).grad_fn, z.squeeze_(0).grad_fn,
                    z.unsqueeze_(0).squeeze_((0,)).grad_fn, z.swapdims_(0, 1).grad_fn,
                    z.swapaxes_(0, 1).grad_fn, z.t_().grad_fn]
    yield "shape", z.shape


def inplace_view_op_on_a_view_and_on_an_alias(T):
    x = T.arange(6.0).reshape(2, 3).requires_grad_()
    y = x * 1
    v = y.view(3, 2)
    v.t_()
    yield "v", (v, v.stride(), v._base is y, v.grad_fn.next_functions)
    y.add_(1)
    yield "v after its base's write", v
    z = T.zeros(2, 3)
    alias = z.detach()
    z.t_()
    alias.add_(1)
    z.mul_(T.arange(6.0).reshape(3, 2))
    yield "the alias keeps its shape and sees the writes", (alias, z)
    w = T.ones(2, 3, requires_grad=True)
    y = w * 2
    y.t_()
    y[0].mul_(3)
    y.sum().backward()
    yield "write into a row of the transposed tensor", w.grad


def inplace_view_op_errors(T):
    w = T.zeros(2, 3, requires_grad=True)
    with T.no_grad():
        w.t_()
    yield "a leaf under no_grad", w.shape
    try:
        T.zeros(2, 2, 2).t_()
    except RuntimeError as error:
        yield "t_ of 3-d", error
    w.t_()


def setitem_whole_tensor_writes_the_tensor_itself(T):
    """A key whose basic part is the whole tensor (``...``, ``:``, ``::1``, full slices)
    takes no view: torch's set_item copies into the tensor itself -- fill_ for a 0-d
    value (FillBackward3), copy_ for any other (CopyBackwards) -- so a leaf raises the
    leaf's error, not a view's; None and True add a dim: a view, CopySlices (found by the
    fuzzer)."""
    keys = {"...": ..., ":": slice(None), "::1": slice(None, None, 1), "(..., )": (...,),
            "(:, :)": (slice(None), slice(None)), "None": None, "True": True,
            "(..., None)": (..., None), "0": 0}
    for name, key in keys.items():
        for what in ("5.0", "0-d", "[1]", "2x3", "requires grad"):
            def value():
                return {"5.0": 5.0, "0-d": T.tensor(5.0), "[1]": T.tensor([5.0]),
                        "2x3": T.ones(2, 3), "requires grad": w * 2}[what]
            w = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
            x = T.zeros(2, 3, requires_grad=True)
            try:
                x[key] = value()
            except RuntimeError as error:
                yield f"leaf x[{name}] = {what}", (str(error), x)
            y = x * 1
            try:
                y[key] = value()
            except RuntimeError as error:
                yield f"x[{name}] = {what}", str(error)
                continue
            yield f"x[{name}] = {what}", (y, y._version, y.grad_fn.name(),
                                           [type(n).__name__ for n, _ in y.grad_fn.next_functions])
            (y * T.arange(6.0).reshape(2, 3)).sum().backward()
            yield f"x[{name}] = {what}: grads", (x.grad, w.grad)
    x = T.zeros(2, 3, dtype=T.int64)
    x[...] = T.tensor(2.7)
    yield "0-d float into int", x
    v = T.zeros(3, requires_grad=True) * 1
    s = T.tensor(2.0, requires_grad=True)
    v.fill_(s)
    yield "fill_ with a 0-d tensor", (v, v.grad_fn.name())
    v.sum().backward()
    yield "its gradient", s.grad
    yield "fill_ with a 1-d tensor", raised(lambda: v.fill_(T.tensor([1.0])))


def index_put_accumulate_through_an_expanded_view(T):
    """torch lets index_put_ with accumulate=True write an expanded tensor (with its
    deprecation warning): its kernel adds into memory, so the copies of one element each
    get every value added to any of them. The values' gradient is read through the view
    (its repeats too); the base's cannot be written back through it (found by the
    fuzzer)."""
    mask = T.tensor([[True, False, True], [False, True, False]])
    for code in ("e.index_put_((T.tensor([0, 1]), T.tensor([0, 1])), T.tensor([1., 2.]), accumulate=True)",
                 "e.index_put_((T.tensor([0, 1]), T.tensor([0, 0])), T.tensor([1., 2.]), accumulate=True)",
                 "e.index_put_((mask,), T.tensor([1., 2., 3.]), accumulate=True)",
                 "e.index_put_((mask,), T.tensor(5.), accumulate=True)",
                 "e.index_put_((T.tensor([0, 1]),), T.tensor([1., 2., 3.]), accumulate=True)",
                 "e[T.tensor([0, 1]), T.tensor([0, 1])] += T.tensor([1., 2.])"):
        x = T.tensor([1.0, -1.0, 2.0])
        e = x.expand(2, 3)
        exec(code, {"e": e, "mask": mask, "T": T})
        yield code, (x, e, x._version)
    e = T.arange(6.0).reshape(2, 1, 3).expand(2, 2, 3)
    e.index_put_((T.tensor([0, 1]), T.tensor([1, 0])), T.tensor([10.0]), accumulate=True)
    yield "3-d", e
    e = T.zeros((1,), dtype=T.int32).expand(4)
    e.index_put_((T.tensor([0, 1, 1]),), T.tensor([1, 2, 3], dtype=T.int32), accumulate=True)
    yield "int32", e
    for accumulate in (True, False):
        x = T.zeros(3)
        w = T.ones(2, requires_grad=True)
        x.expand(2, 3).index_put_((T.tensor([0, 1]), T.tensor([0, 0])), w * 1,
                                  accumulate=accumulate)
        yield f"accumulate={accumulate}: x", (x, x.grad_fn.name())
        (x * T.tensor([1.0, 2.0, 3.0])).sum().backward()
        yield f"accumulate={accumulate}: w.grad", w.grad
    b = T.ones(3, requires_grad=True) * 1
    b.expand(2, 3).index_put_((T.tensor([0]),), T.tensor([1.0, 2.0, 3.0]), accumulate=True)
    yield "the base requires grad", b
    b.sum().backward()


def view_made_before_its_base_required_grad(T):
    """A view made when its base required no grad requires grad once the base does
    (torch's view reads its base's flag). Written in place since, the base gives it a
    history (AsStridedBackward0) -- read through grad_fn; until then torch's in-place
    check sees a leaf. Made before the base became a leaf that requires grad, it is a leaf
    that requires grad but gets no gradient (found by the fuzzer)."""
    w = T.ones(3, requires_grad=True)
    b = T.zeros(3)
    v = b[:2]
    u = v[1:]
    b.add_(w)
    yield "v", (v, v.requires_grad, v.is_leaf, v.grad_fn.name(), u.grad_fn.name(),
                v.grad_fn.next_functions[0][0].name())
    yield "ops on it", ((v * 2).grad_fn.name(), v[0:1].grad_fn.name(), v.view(2).grad_fn.name())
    (v * T.tensor([1.0, 10.0])).sum().backward()
    yield "w.grad", w.grad
    v.mul_(2)
    yield "written after its grad_fn was read", (v, b, v.grad_fn.name(), b.grad_fn.name())
    b = T.zeros(3)
    v = b[:2]
    b.add_(w)
    yield "written before", raised(lambda: v.mul_(2))
    yield "left as it was", (v, b)
    with T.no_grad():
        v.mul_(2)
    yield "written under no_grad", (v, b, v.grad_fn.name())
    b = T.zeros(3)
    v, e, t = b[:2], b.expand(2, 3), b.unsqueeze(0)
    c = T.tensor([1.0, 2.0], requires_grad=True)
    v.add_(c)
    yield "another view written", (b.grad_fn.name(), e, t.requires_grad, t.grad_fn.name())
    (e * T.arange(6.0).reshape(2, 3)).sum().backward()
    yield "c.grad", c.grad
    b = T.zeros(3)
    v = b[:2]
    b.requires_grad_()
    yield "base made a leaf", (v, v.requires_grad, v.is_leaf, v.grad_fn)
    yield "its ops", ((v * 1).grad_fn.next_functions, v[:1].grad_fn.name())
    (v * 2).sum().backward()
    yield "no gradient", (v.grad, b.grad)
    yield "written", raised(lambda: v.mul_(2))
    yield "backward from it", raised(lambda: v.backward(T.ones(2)))
    with T.no_grad():
        b.mul_(2)
    yield "after a write under no_grad", (v.grad_fn.name(), v.grad_fn.next_functions)
    b = T.zeros(3)
    v = b.detach()[:2]
    b.add_(w)
    yield "a view of a detached alias", (v.requires_grad, v.grad_fn)


def multi_view_of_a_no_grad_view_says_multi_view(T):
    """(found by the fuzzer) A view made in no_grad mode, split again with grad mode on:
    the pieces are a multi-output node's views, and writing one says so (torch's newer
    creation record replaces the no_grad one)."""
    x = T.tensor([0.0, 1.0], requires_grad=True)
    with T.no_grad():
        v = x.chunk(2)[0]
    piece = v.chunk(1)[0]
    yield "piece", (piece.requires_grad, piece.grad_fn)
    yield "written", raised(lambda: piece.add_(1.0))
    with T.no_grad():
        again = v.chunk(1)[0]
    again.add_(1.0)


def retain_grad_again_after_the_base_was_written(T):
    """(found by the fuzzer) ``retain_grad()`` on a view that already retains its grad
    returns at once, even after its base was written in no_grad mode; the first call
    after such a write reads the view's history, and raises."""
    x = T.tensor([0.0, 1.0], requires_grad=True)
    v = x.chunk(2)[0]
    v.retain_grad()
    w = x.chunk(2)[1]
    with T.no_grad():
        x.add_(1.0)
    v.retain_grad()
    yield "again: no error", v._version
    w.retain_grad()
