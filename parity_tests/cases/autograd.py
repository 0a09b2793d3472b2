"""Beyond first derivatives: ``autograd.grad``, higher order, hooks, custom Functions,
the functional API, gradcheck, anomaly detection and saved-tensor introspection."""

import warnings

import torch

from parity_tests.harness import raised

# torch's first dual level in a process warns (a DeprecationWarning from its own
# TorchScript internals, not from anything a user wrote): take it here, once, so that the
# forward-mode case compares what its own code does
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    with torch.autograd.forward_ad.dual_level():
        torch.autograd.forward_ad.make_dual(torch.zeros(1), torch.zeros(1))


def _f64(T, values, **kw):
    return T.tensor(values, dtype=T.float64, requires_grad=True, **kw)


# -- autograd.grad and higher order ---------------------------------------------------

def grad_returns_without_accumulating(T):
    x = _f64(T, [1.0, 2.0, 3.0])
    g, = T.autograd.grad((x ** 3).sum(), x)
    yield "g", g
    yield "x.grad", x.grad


def grad_of_grad_third_derivative(T):
    """d/dx x^4 = 4x^3, then 12x^2, then 24x."""
    x = _f64(T, [1.5, -2.0])
    g1, = T.autograd.grad((x ** 4).sum(), x, create_graph=True)
    g2, = T.autograd.grad(g1.sum(), x, create_graph=True)
    g3, = T.autograd.grad(g2.sum(), x)
    yield "g1", g1
    yield "g1.grad_fn", type(g1.grad_fn).__name__
    yield "g2", g2
    yield "g3", g3


def second_derivative_of_a_matrix_program(T):
    w = _f64(T, [[0.5, -1.0], [2.0, 0.3]])
    x = _f64(T, [[1.0], [2.0]])
    loss = ((w @ x).tanh() ** 2).sum()
    gw, = T.autograd.grad(loss, w, create_graph=True)
    yield "gw", gw
    gx, = T.autograd.grad(gw.sum(), x)
    yield "d/dx sum(dloss/dw)", gx


def alpha_scales_the_gradient_as_a_scalar_product(T):
    """add/sub with ``alpha``: the second input's gradient is ``grad * alpha``, the
    product with a number (MulBackward1), once differentiated again."""
    x, y = _f64(T, [1.0, 2.0]), _f64(T, [3.0, -1.0])
    grad = _f64(T, [1.0, 0.5])
    for name in ("add", "sub"):
        gx, gy = T.autograd.grad(getattr(x, name)(y, alpha=2), (x, y), grad,
                                 create_graph=True)
        yield f"{name}: dy", gy
        yield f"{name}: dy.grad_fn", type(gy.grad_fn).__name__
        yield f"{name}: d/dgrad sum(dy)", T.autograd.grad(gy.sum(), grad)[0]


def hessian_vector_product_by_double_backward(T):
    x = _f64(T, [1.0, 2.0, 3.0])
    v = T.tensor([1.0, 0.0, -1.0], dtype=T.float64)
    g, = T.autograd.grad((x.sin() * x).sum(), x, create_graph=True)
    hv, = T.autograd.grad(g, x, grad_outputs=v)
    yield "Hv", hv


def backward_with_create_graph_gives_grad_a_grad_fn(T):
    """(torch warns about the grad's reference cycle once per process, so the warning is
    not observed here: which case triggers it first depends on the order of the run.)"""
    x = _f64(T, [1.0, 2.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        (x ** 3).sum().backward(create_graph=True)
    yield "x.grad", x.grad
    yield "x.grad.grad_fn", type(x.grad.grad_fn).__name__
    yield "x.grad.requires_grad", x.grad.requires_grad


def grad_of_an_unused_input(T):
    x, y = _f64(T, [1.0]), _f64(T, [2.0])
    yield "allow_unused", T.autograd.grad((x * 2).sum(), [x, y], allow_unused=True)
    yield "materialize", T.autograd.grad((x * 2).sum(), [x, y], materialize_grads=True)
    T.autograd.grad((x * 2).sum(), [x, y])


def grad_wrt_an_input_that_does_not_require_grad(T):
    x = _f64(T, [1.0])
    y = T.tensor([2.0], dtype=T.float64)
    T.autograd.grad((x * y).sum(), [x, y])


def grad_with_grad_outputs_for_a_vector(T):
    x = _f64(T, [1.0, 2.0])
    yield "vjp", T.autograd.grad(x ** 2, x, grad_outputs=T.ones(2, dtype=T.float64) * 3)


def autograd_backward_with_several_roots(T):
    x = _f64(T, [1.0, 2.0])
    T.autograd.backward([(x * 2).sum(), (x ** 2).sum()])
    yield "x.grad", x.grad


def backward_restricted_to_inputs(T):
    x, y = _f64(T, [1.0, 2.0]), _f64(T, [3.0, 4.0])
    h = x * y
    h.retain_grad()
    (h * h).sum().backward(inputs=[y, h])
    yield "x.grad", x.grad
    yield "y.grad", y.grad
    yield "h.grad", h.grad


# -- hooks ------------------------------------------------------------------------------

def hook_on_a_leaf_can_replace_the_gradient(T):
    x = _f64(T, [1.0, 2.0])
    seen = []
    x.register_hook(lambda g: seen.append(g.clone()))
    x.register_hook(lambda g: g * 10)
    (x ** 2).sum().backward()
    yield "seen", seen
    yield "x.grad", x.grad


def hook_on_a_non_leaf(T):
    x = _f64(T, [1.0, 2.0])
    y = x * 3
    handle = y.register_hook(lambda g: g + 1)
    (y * y).sum().backward(retain_graph=True)
    yield "x.grad", x.grad
    handle.remove()
    x.grad = None
    (y * y).sum().backward()
    yield "x.grad after remove", x.grad


def retain_grad_sees_the_hooked_gradient(T):
    x = _f64(T, [1.0, 2.0])
    y = x * 3
    y.retain_grad()
    y.register_hook(lambda g: g * 2)
    y.sum().backward()
    yield "y.grad", y.grad
    yield "x.grad", x.grad


def post_accumulate_grad_hook(T):
    x = _f64(T, [1.0, 2.0])
    seen = []
    x.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.clone()))
    (x * 5).sum().backward()
    yield "seen", seen


def hook_on_a_tensor_that_needs_no_grad(T):
    T.tensor([1.0]).register_hook(lambda g: g)


# -- custom Functions ---------------------------------------------------------------------

def _cube(T):
    class Cube(T.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            ctx.save_for_backward(x)
            ctx.k = k
            return x ** 3 * k

        @staticmethod
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            return grad * 3 * x ** 2 * ctx.k, None
    return Cube


def custom_function_forward_and_backward(T):
    x = _f64(T, [1.0, 2.0])
    y = _cube(T).apply(x, 2.0)
    yield "y", y
    yield "y.grad_fn", repr(y.grad_fn).split(" object")[0]
    yield "next_functions", [type(n).__name__ for n, _ in y.grad_fn.next_functions]
    y.sum().backward()
    yield "x.grad", x.grad


def custom_function_is_differentiable_twice(T):
    x = _f64(T, [1.0, 2.0])
    g, = T.autograd.grad(_cube(T).apply(x, 1.0).sum(), x, create_graph=True)
    yield "g", g
    yield "gg", T.autograd.grad(g.sum(), x)


def custom_function_with_two_outputs(T):
    class SplitScale(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            return g1 * 2 + g2 * 3

    x = _f64(T, [1.0, 2.0])
    a, b = SplitScale.apply(x)
    yield "same node", a.grad_fn is b.grad_fn
    a.sum().backward()                      # b's gradient is materialised as zeros
    yield "x.grad", x.grad


def custom_function_needs_input_grad_and_non_differentiable(T):
    class ArgMaxValue(T.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            idx = x.argmax()
            ctx.mark_non_differentiable(idx)
            ctx.needs = ctx.needs_input_grad
            return x.max() + y.sum(), idx

        @staticmethod
        def backward(ctx, g, _):
            return T.ones(2, dtype=T.float64) * g, None

    x = _f64(T, [1.0, 3.0])
    y = T.tensor([1.0], dtype=T.float64)
    v, i = ArgMaxValue.apply(x, y)
    yield "needs_input_grad", v.grad_fn.needs
    yield "i.requires_grad", i.requires_grad
    yield "v.requires_grad", v.requires_grad


def _doubling(T, name, backward):
    """A custom Function computing ``2 * x`` whose backward is ``backward(grad)``."""
    return type(name, (T.autograd.Function,), {
        "forward": staticmethod(lambda ctx, x: x * 2),
        "backward": staticmethod(lambda ctx, g: backward(g))})


def custom_function_returns_too_many_gradients(T):
    _doubling(T, "Twice", lambda g: (g, g)).apply(_f64(T, [1.0, 2.0])).sum().backward()


def custom_function_returns_a_gradient_of_the_wrong_shape(T):
    _doubling(T, "Bad", lambda g: g[:1]).apply(_f64(T, [1.0, 2.0])).sum().backward()


def custom_function_saved_tensor_modified_in_place(T):
    x = _f64(T, [1.0, 2.0])
    h = x * 1
    y = _cube(T).apply(h, 1.0)
    h.add_(1)
    y.sum().backward()


# -- the functional API -------------------------------------------------------------------

def functional_vjp_jvp(T):
    F = T.autograd.functional
    x = T.tensor([1.0, 2.0], dtype=T.float64)
    v = T.tensor([1.0, -1.0], dtype=T.float64)
    yield "vjp", F.vjp(lambda x: x.exp() * x, x, v)
    yield "jvp", F.jvp(lambda x: x.exp() * x, x, v)
    yield "vjp two inputs", F.vjp(lambda a, b: (a * b).sum(), (x, x * 2))
    F.vjp(lambda x: x * 2, x)


def functional_jacobian_and_hessian(T):
    F = T.autograd.functional
    x = T.tensor([1.0, 2.0, 0.5], dtype=T.float64)
    yield "jacobian", F.jacobian(lambda x: x.sin() * x.sum(), x)
    yield "jacobian of two", F.jacobian(lambda a, b: (a * b, a + b), (x, x + 1))
    yield "hessian", F.hessian(lambda x: (x ** 3).sum() * x.prod(), x)
    yield "create_graph", F.jacobian(lambda x: x ** 2, x, create_graph=True).requires_grad


def functional_hvp_vhp(T):
    F = T.autograd.functional
    x = T.tensor([1.0, 2.0], dtype=T.float64)
    v = T.tensor([0.5, 1.0], dtype=T.float64)
    f = lambda x: (x.sin() * x ** 2).sum()   # noqa: E731
    yield "hvp", F.hvp(f, x, v)
    yield "vhp", F.vhp(f, x, v)


def functional_strict_mode(T):
    F = T.autograd.functional
    yield "not strict", F.jacobian(lambda x: T.ones(2), T.tensor([1.0, 2.0]))
    F.jacobian(lambda x: T.ones(2), T.tensor([1.0, 2.0]), strict=True)


# -- gradcheck ---------------------------------------------------------------------------

def gradcheck_passes_on_a_correct_rule(T):
    x = _f64(T, [0.3, -1.2, 2.0])
    yield "gradcheck", T.autograd.gradcheck(lambda t: (t.sin() * t).logsumexp(0), (x,))
    yield "gradgradcheck", T.autograd.gradgradcheck(lambda t: t.tanh() ** 2, (x,))


def gradcheck_names_a_wrong_rule(T):
    Wrong = _doubling(T, "Wrong", lambda g: g * 3)        # d(2x)/dx is 2, not 3
    x = _f64(T, [1.0, 2.0])
    yield "raise_exception=False", T.autograd.gradcheck(Wrong.apply, (x,),
                                                        raise_exception=False)
    T.autograd.gradcheck(Wrong.apply, (x,))


def gradcheck_warns_about_float32(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    yield "result", T.autograd.gradcheck(lambda t: t * 2, (x,), eps=1e-3, atol=1e-2)


# -- anomaly detection and saved tensors ---------------------------------------------------

def anomaly_detection_names_the_nan(T):
    x = T.tensor([-1.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")         # the warning carries a traceback
        with T.autograd.detect_anomaly():
            yield "enabled", T.is_anomaly_enabled() if hasattr(T, "is_anomaly_enabled") \
                else T.autograd.is_anomaly_enabled()
            x.log().sqrt().sum().backward()


def anomaly_detection_changes_the_inplace_hint(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with T.autograd.set_detect_anomaly(True):
            y = x.exp()
            y.add_(1)
            y.sum().backward()


def a_node_saves_only_what_a_wanted_gradient_reads(T):
    # one formula per input: an input that needs no gradient leaves its formula unrun,
    # and what only that formula reads unsaved (and unchecked for in-place writes)
    x = _f64(T, [1.0, 2.0])
    w = T.tensor([3.0, 4.0], dtype=T.float64)
    m = T.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=T.float64)
    yield "mul by a constant", [(x * w).grad_fn._saved_self, (x * w).grad_fn._saved_other]
    yield "div by a constant", [(x / w).grad_fn._saved_self, (x / w).grad_fn._saved_other]
    yield "constant / x", [(w / x).grad_fn._saved_self, (w / x).grad_fn._saved_other]
    p = x.unsqueeze(0) @ m
    yield "mm", [p.grad_fn._saved_self, p.grad_fn._saved_mat2]
    lin = T.nn.functional.linear(m, x.unsqueeze(0).expand(2, 2), x)     # addmm
    yield "linear", [lin.grad_fn.name(), lin.grad_fn._saved_mat1, lin.grad_fn._saved_mat2]
    e = w ** x
    yield "pow of a constant base", [e.grad_fn._saved_self, e.grad_fn._saved_exponent,
                                     e.grad_fn._saved_result]
    a = x.clone()
    y = a * w
    a.add_(1)                 # not saved by y's node: its backward still runs
    y.sum().backward()
    yield "x.grad", x.grad


def saved_tensors_are_introspectable_then_freed(T):
    x = _f64(T, [1.0, 2.0])
    w = _f64(T, [3.0, 4.0])
    y = x * w
    z = y.exp()
    yield "_saved_self", y.grad_fn._saved_self
    yield "_saved_other", y.grad_fn._saved_other
    yield "_saved_result", z.grad_fn._saved_result
    s = x.sum(dim=0)
    yield "_saved_dim", s.grad_fn._saved_dim
    yield "_saved_self_sym_sizes", s.grad_fn._saved_self_sym_sizes
    z.sum().backward()
    z.grad_fn._saved_result


def backward_with_a_gradient_of_another_dtype(T):
    """``backward(gradient=...)`` with a float64 gradient for a float32 output: the engine
    casts it to the output's dtype first, so the whole backward pass runs in float32
    (found by the fuzzer)."""
    x = T.tensor([0.25], requires_grad=True)
    w = T.tensor(0.75, dtype=T.float64, requires_grad=True)
    (x / w).backward(gradient=T.tensor([0.5], dtype=T.float64))
    yield "x.grad", x.grad
    yield "w.grad", w.grad
    yield "an integer grad_output", T.autograd.grad(x * 2, x, T.tensor([1]))


def backward_twice_through_nodes_that_saved_nothing_needed(T):
    """A second ``backward()`` without ``retain_graph`` fails only where a node freed
    something it saved: ``x + 1`` saves nothing, ``addcmul(x, c, c)`` (no gradient for
    ``c``) and ``lerp(x, c, 0.3)`` neither; ``x * c`` saves ``c``, and ``x * 2`` the 2 (a
    number wrapped in a tensor; found by the fuzzer)."""
    for code in ("x + 1", "torch.addcmul(x, c, c, value=0.5)", "torch.lerp(x, c, 0.3)",
                 "x * c", "x * 2"):
        x = T.tensor([0.5, 1.0], requires_grad=True)
        c = T.tensor([2.0, 3.0])
        y = eval(code, {"torch": T, "x": x, "c": c}).sum()
        y.backward()
        y.backward()
        yield f"x.grad after two backward passes of {code}", x.grad


def hooks_around_a_node_in_torch_order(T):
    """Before a node runs: its output tensors' hooks (in order), then their
    ``retain_grad`` (which sees what the tensor hooks made), then the node's pre-hooks."""
    x = T.ones(2, requires_grad=True)
    y = x * 2
    order = []

    def node_pre_hook(grads):
        order.append("node pre-hook")
        return (grads[0] * 10,)

    def tensor_hook(grad):
        order.append("tensor hook")
        return grad * 3

    y.grad_fn.register_prehook(node_pre_hook)
    y.register_hook(tensor_hook)
    y.retain_grad()
    y.register_hook(lambda grad: order.append("second tensor hook"))
    y.sum().backward()
    yield "order", order
    yield "y.grad", y.grad
    yield "x.grad", x.grad


def retain_grad_on_a_root_that_leads_to_no_input(T):
    """``autograd.grad(root, inputs)`` skips the nodes that lead to none of the inputs,
    but torch still calls the root's tensor hooks: a root that retains its gradient gets
    ``.grad``; a retained tensor below a skipped root does not (found by the fuzzer)."""
    x0 = T.tensor([1.0, 2.0], requires_grad=True)
    x1 = T.tensor([1.0, 2.0], requires_grad=True)
    v = x0 * 2
    v.retain_grad()
    yield "unused", T.autograd.grad(v, x1, T.ones(2), allow_unused=True)
    yield "v.grad", v.grad
    w = x0 * 3
    w.retain_grad()
    T.autograd.grad(w.sum(), x1, allow_unused=True)
    yield "w.grad", w.grad


def backward_twice_through_copy_slices(T):
    """``CopySlices`` (a write into a view of a tensor that needs grad) lets go of the op
    it wraps after a backward pass, so a second one fails even when that op saved
    nothing (found by the fuzzer)."""
    x = T.tensor([1.0, 2.0], requires_grad=True)
    v = x + x
    v[0] = 0.0
    yield "v.grad_fn", type(v.grad_fn).__name__
    v.sum().backward()
    yield "x.grad", x.grad
    v.sum().backward()


def indexing_nodes_free_their_indices(T):
    """IndexBackward0 and IndexPutBackward0 save the index tensors: a second backward pass
    without ``retain_graph`` fails, even when the mask selects nothing and nothing else
    was saved (found by the fuzzer)."""
    for code in ("x[x > 5].sum()", "x[[0, 1]].sum()", "y.index_put_((T.tensor([0]),), v)"):
        x = T.tensor([0.5, -1.0, 2.0], requires_grad=True)
        y, v = T.ones(3), T.tensor(3.0, requires_grad=True)
        out = eval(code, {"x": x, "y": y, "v": v, "T": T}).sum()
        out.backward()
        try:
            out.backward()
        except RuntimeError as error:
            yield code, str(error)


def hook_scaling_a_zero_gradient_of_a_scalar(T):
    """abs's second derivative is a ZeroTensor; torch's ZeroTensor kernels take a Python
    float as a float64 tensor, so a hook's ``grad * 0.5`` on a 0-d float32 leaf changes
    the gradient's type, and torch refuses it (an int factor, or a 1-d leaf, does not;
    found by the fuzzer)."""
    for factor, shape in ((2, ()), (0.5, (2,)), (0.5, ())):
        x = T.full(shape, 0.5, requires_grad=True)
        x.register_hook(lambda grad: grad * factor)
        g, = T.autograd.grad(x.abs().sum(), x, create_graph=True)
        g.sum().backward()
        yield f"grad * {factor}, shape {shape}", x.grad


def second_derivative_through_a_division_by_zero(T):
    """DivBackward0 computes the divisor's gradient as torch groups it, ``-g (a / b) / b``,
    so infinities propagate the same way through a second derivative (found by the
    fuzzer; ``-g a / b^2`` gave nan where torch gives inf)."""
    x = T.tensor([0.25], dtype=T.float64, requires_grad=True)
    w = T.tensor(-0.75, dtype=T.float64, requires_grad=True)
    a = T.tensor(0.25, requires_grad=True)
    y = a / w.lerp(x, 0.75)                       # a / 0
    g, = T.autograd.grad(y, x, T.tensor([0.25], dtype=T.float64), create_graph=True)
    g.sum().backward()
    yield "grads", (x.grad, w.grad, a.grad)


def retained_gradient_under_create_graph(T):
    """retain_grad keeps a clone of the gradient: with ``create_graph=True`` it has a
    history (``CloneBackward0``) and requires grad (found by the fuzzer)."""
    x = T.tensor([1.0, 2.0], requires_grad=True)
    v = x * 2
    v.retain_grad()
    g, = T.autograd.grad((v * v).sum(), x, create_graph=True)
    yield "v.grad", (v.grad, type(v.grad.grad_fn).__name__)
    yield "g", g


def softmax_of_a_scalar_differentiated_twice(T):
    """A 0-d tensor is its own softmax dimension (found by the fuzzer: the backward
    kernels summed over a dim the 0-d array does not have)."""
    for name in ("softmax", "log_softmax"):
        x = T.tensor(0.5, requires_grad=True)
        g, = T.autograd.grad(getattr(T, name)(x, dim=-1), x, create_graph=True)
        yield f"{name}: g", g
        (g * x).backward()
        yield f"{name}: x.grad", x.grad


def saved_tensors_hooks_basics(T):
    """saved_tensors_hooks: what is packed (only tensors a gradient reads; the result with
    its grad_fn), what _saved_* and backward unpack."""
    calls = []
    def pack(t):
        calls.append(("pack", t))
        return t.detach()
    def unpack(t):
        calls.append(("unpack", t))
        return t
    a = T.tensor([1., 2., 3.], requires_grad=True)
    b = T.tensor([3., 4., 5.])
    with T.autograd.graph.saved_tensors_hooks(pack, unpack):
        y = a * a
        z = y.exp()
        w = a * b
        v = a * 2
    yield "packs", list(calls)
    calls.clear()
    yield "saved_result", z.grad_fn._saved_result
    yield "saved_self of w", w.grad_fn._saved_self
    yield "saved_other of w", w.grad_fn._saved_other
    yield "saved_self of y", y.grad_fn._saved_self
    yield "unpacks", list(calls)
    calls.clear()
    (z.sum() + w.sum() + v.sum()).backward()
    yield "a.grad", a.grad
    yield "backward unpacks", len(calls)

def saved_tensors_hooks_no_version_check(T):
    """With hooks the packed data is the hooks' business: an in-place change of the saved
    tensor is not an error (torch checks no version then)."""
    b = T.tensor([1., 2.], requires_grad=True)
    with T.autograd.graph.saved_tensors_hooks(lambda t: t.clone(), lambda p: p):
        c = b * 1
        d = c * c
    with T.no_grad():
        c.add_(1)
    d.sum().backward()
    yield "b.grad", b.grad

def saved_tensors_hooks_second_order(T):
    """An unpacked tensor keeps the saved one's place in the graph: create_graph reaches
    the leaf."""
    x = T.tensor([1., 2.], requires_grad=True)
    with T.autograd.graph.saved_tensors_hooks(lambda t: t.detach(), lambda p: p):
        y = x * x
        h = x.exp()
    g, = T.autograd.grad(y.sum() + h.sum(), x, create_graph=True)
    yield "g", g
    g.sum().backward()
    yield "x.grad", x.grad

def saved_tensors_hooks_errors(T):
    """``TypeError: Output of saved tensor unpack_hook expected to be a Tensor but got result
    of type int``; disable_saved_tensors_hooks' message; a second backward."""
    b = T.tensor([1., 2.], requires_grad=True)
    with T.autograd.graph.saved_tensors_hooks(lambda t: t.detach(), lambda p: 3):
        e = b * b
    try:
        e.grad_fn._saved_self
    except TypeError as ex:
        yield "unpack", str(ex)
    with T.autograd.graph.disable_saved_tensors_hooks("no hooks here"):
        try:
            with T.autograd.graph.saved_tensors_hooks(lambda t: t, lambda p: p):
                pass
        except RuntimeError as ex:
            yield "disabled", str(ex)
    with T.autograd.graph.saved_tensors_hooks(lambda t: t.detach(), lambda p: p):
        f = (b * b).sum()
    f.backward()
    f.backward()

def allow_mutation_on_saved_tensors_keeps_the_saved_values(T):
    """torch's docstring example, a second-order pass, and its two errors."""
    graph = T.autograd.graph
    with graph.allow_mutation_on_saved_tensors() as ctx:
        a = T.ones(2, 3, requires_grad=True)
        b = a.clone()
        out = (b ** 2).sum()
        b.sin_()
        out.sum().backward()
        yield "a.grad", a.grad
        yield "b", b
        yield "context", type(ctx).__name__
        x = T.tensor([1.0, 2.0], requires_grad=True)
        y = x * 1
        z = y * y
        y.add_(1)
        gx, = T.autograd.grad(z.sum(), x, create_graph=True)
        gx.sum().backward()
        yield "second order", (gx, x.grad)
    try:
        with graph.allow_mutation_on_saved_tensors():
            with graph.allow_mutation_on_saved_tensors():
                pass
    except RuntimeError as error:
        yield "nested", error
    with graph.allow_mutation_on_saved_tensors():
        b = a.clone()
        out = (b ** 2).sum()
        b.sin_()
    out.backward()


def saved_tensors_hooks_custom_function_and_save_on_cpu(T):
    """save_for_backward goes through the hooks too; save_on_cpu."""
    calls = []
    class Twice(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * 2
        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return g * x
    a = T.tensor([1., 2.], requires_grad=True)
    with T.autograd.graph.saved_tensors_hooks(lambda t: calls.append("pack") or t.detach(),
                                              lambda p: calls.append("unpack") or p):
        o = Twice.apply(a)
    o.sum().backward()
    yield "calls", calls
    yield "a.grad", a.grad
    with T.autograd.graph.save_on_cpu():
        e = a * a
    yield "saved_self", e.grad_fn._saved_self
    e.sum().backward()
    yield "a.grad", a.grad


def overwritten_elements_get_zero_not_nan(T):
    """Where an in-place write (x[0] = ..., zero_, fill_, copy_) covered the old value, its
    gradient is zeros_like(grad): 0 even where the incoming gradient is nan (found by the
    fuzzer: grad * 0 gave nan)."""
    x0 = T.tensor([0.0, 0.0], requires_grad=True)
    v1 = x0.abs()
    v1[0] = 0.0
    g, = T.autograd.grad(v1.sqrt(), x0, T.tensor([0.0, 0.0]), create_graph=True)
    yield "g", g
    g.sum().backward()
    yield "x0.grad", x0.grad
    a = T.tensor([1.0, 2.0], requires_grad=True)
    b, c, d = a * 1, a * 1, a * 1
    b.zero_()
    c.fill_(3.0)
    d.copy_(T.tensor([5.0, 6.0]))
    g, = T.autograd.grad((b + c + d).sum(), a, create_graph=True)
    yield "g2", g
    yield "g2 requires grad", g.requires_grad


def multi_grad_hooks(T):
    """autograd.graph.register_multi_grad_hook: 'all' waits for every gradient this pass
    computes (None for tensors it does not reach), 'any' fires once, on the first."""
    calls = []
    a = T.tensor([1.0, 2.0], requires_grad=True)
    b = T.tensor([3.0, 4.0], requires_grad=True)
    h = T.autograd.graph.register_multi_grad_hook((a, b), lambda grads: calls.append(
        ("all", type(grads).__name__, [None if g is None else g.tolist() for g in grads])))
    (a * b).sum().backward()
    yield "both", list(calls)
    calls.clear()
    (a * 2).sum().backward()
    yield "only a", list(calls)
    calls.clear()
    h.remove()
    (a * b).sum().backward()
    yield "removed", list(calls)
    y1, y2 = a * 2, a * 3
    T.autograd.graph.register_multi_grad_hook([y1, y2], lambda g: calls.append(
        ("any", g.tolist())), mode="any")
    (y1 * y2).sum().backward()
    yield "any", list(calls)
    calls.clear()
    z1, z2 = a * 2, b * 3
    T.autograd.graph.register_multi_grad_hook([z1, z2], lambda grads: calls.append(
        [None if g is None else g.tolist() for g in grads]))
    T.autograd.grad((z1 * z1).sum() + z2.sum(), [a])
    yield "grad() of non-leaves", list(calls)
    T.autograd.graph.register_multi_grad_hook([a, T.tensor(1.0)], print)


def multi_grad_hook_on_leaves_under_grad(T):
    """``RuntimeError: A leaf node was passed to _will_engine_execute_node but we are
    currently running autograd.grad(). This is currently not supported.``"""
    a = T.tensor([1.0, 2.0], requires_grad=True)
    b = T.tensor([3.0, 4.0], requires_grad=True)
    T.autograd.graph.register_multi_grad_hook((a, b), print)
    T.autograd.grad((a * b).sum(), [a])


def multi_grad_hook_mode(T):
    """``ValueError: Expects mode to be one of ('all', 'any') but got some``"""
    T.autograd.graph.register_multi_grad_hook([T.ones(1, requires_grad=True)], print,
                                              mode="some")


def leaf_hooks_under_autograd_grad(T):
    """A leaf's tensor hooks run in autograd.grad too, and what they return is the
    gradient grad() gives back (it ran them only when accumulating into .grad)."""
    calls = []
    a = T.tensor([1.0, 2.0], requires_grad=True)
    b = T.tensor([3.0, 4.0], requires_grad=True)
    a.register_hook(lambda g: calls.append(("a", g.tolist())))
    b.register_hook(lambda g: calls.append(("b", g.tolist())))
    yield "g", T.autograd.grad((a * b).sum(), [a])
    yield "calls", calls
    a.register_hook(lambda g: g * 10)
    yield "replaced", T.autograd.grad((a * b).sum(), [a])


def inference_mode_makes_inference_tensors(T):
    a = T.tensor([1.0, 2.0], requires_grad=True)
    with T.inference_mode():
        yield "enabled inside", (T.is_inference_mode_enabled(), T.is_grad_enabled())
        b = a * 2
        view = a[:1]                   # a view of a normal tensor is not an inference tensor
        leaf = T.ones(2, requires_grad=True)
        with T.inference_mode(False):
            yield "inference_mode(False)", (T.is_inference_mode_enabled(),
                                            T.is_grad_enabled(), T.ones(1).is_inference())
    yield "enabled outside", T.is_inference_mode_enabled()
    yield "b", (b, b.is_inference(), b.requires_grad)
    yield "view", (view.is_inference(), view.requires_grad)
    yield "leaf", (leaf.is_inference(), leaf.requires_grad)
    c = b + 1                          # outside: a normal tensor again
    yield "c", (c, c.is_inference())

    @T.inference_mode()
    def decorated():
        return T.ones(1).is_inference()
    yield "decorated", decorated()


def views_and_aliases_of_an_inference_tensor_are_inference_tensors(T):
    """A view, detach() or .data of an inference tensor is one too, wherever it is made:
    autograd refuses to save it, and a view cannot be written in place outside inference
    mode -- but an alias made outside it can (torch counts its writes). (A refused write:
    torch writes, then raises; autodiff raises first, so the values are compared where
    every write succeeded.)"""
    with T.inference_mode():
        x = T.ones(3)
        inside = x[1:]
        aliases_inside = x.detach(), x.data
    made = {"view made inside": inside, "view": x[1:], "detach()": x.detach(), ".data": x.data,
            "detach() made inside": aliases_inside[0], ".data made inside": aliases_inside[1],
            "view of a view": x.view(3)[:2], "unbind": x.unbind()[0],
            "view of a detach()": x.detach()[1:]}
    yield "is_inference", {name: t.is_inference() for name, t in made.items()}
    w = T.ones(2, requires_grad=True)
    for name, t in made.items():
        yield name + " written", raised(lambda: t.add_(1))
        yield name + " saved", raised(lambda: t[:2] * w)
        yield name + "._version", raised(lambda: t._version)
    with T.inference_mode():
        y = T.zeros(3)
        v = y[1:]
        v.add_(1)
    d = y.detach()
    d.add_(1)
    yield "written", (y, v, d._version)


def grad_mode_is_per_thread(T):
    import threading
    seen = []
    with T.no_grad():
        thread = threading.Thread(target=lambda: seen.append(T.is_grad_enabled()))
        thread.start()
        thread.join()
        seen.append(T.is_grad_enabled())
    yield "new thread, then this one", seen


def saved_tensors_hooks_pack_in_torch_order(T):
    """Each node packs what it saves in the order torch's generated code saves it (mul:
    ``other`` then ``self``; mm: ``mat2`` then ``self``), and only what a wanted gradient
    reads; the backward pass unpacks them node by node."""
    log = []

    def pack(t):
        log.append(("pack", tuple(t.shape), t.requires_grad,
                    t.grad_fn.name() if t.grad_fn is not None else None))
        return t

    def unpack(t):
        log.append(("unpack", tuple(t.shape)))
        return t

    a = T.tensor([1., 2., 3.], requires_grad=True)
    b = T.tensor([[2.], [3.]], requires_grad=True)
    c = T.tensor([0.5, 0.25, 2.])
    with T.autograd.graph.saved_tensors_hooks(pack, unpack):
        y = ((a * b).sum() + (a / c).exp().sum() + a.pow(2).sigmoid().sum()
             + (b @ a[None]).tanh().sum() + T.addcmul(a, a, c).sum() + a.sin().cos().sum()
             + T.where(a > 1, a, b).sum() + a.log_softmax(0).sum() + a.norm()
             + T.nn.functional.linear(a[None], T.ones(2, 3), T.ones(2)).sum())
    yield "packed", log
    y.backward()
    yield "then unpacked", log


def forward_mode_tangents(T):
    fwAD = T.autograd.forward_ad
    x = T.tensor([1.0, 2.0])
    with fwAD.dual_level():
        d = fwAD.make_dual(x, T.tensor([1.0, 0.5]))
        yield "dual", d
        y = (d.sin() * 2 + d.exp().sum()) / (1 + d ** 2)
        yield "tangent", fwAD.unpack_dual(y).tangent
        yield "primal", fwAD.unpack_dual(y).primal
        yield "no tangent", fwAD.unpack_dual(x).tangent
        w = T.tensor([3.0, 4.0], requires_grad=True)
        z = (d * w).sum()
        # (autodiff's tangents are constants: torch's would be part of w's graph, see
        # docs/unsupported.md)
        yield "with a graph", (z, fwAD.unpack_dual(z).tangent.detach())
        e = T.zeros(2)
        e.copy_(d)
        yield "copied in place", fwAD.unpack_dual(e).tangent
        yield "size mismatch", raised(lambda: fwAD.make_dual(x, T.ones(3)))
        yield "integer primal", raised(lambda: fwAD.make_dual(T.tensor([1, 2]),
                                                                    T.tensor([1, 1])))
    yield "after the level", (fwAD.unpack_dual(d).tangent, d)
    fwAD.make_dual(x, T.ones(2))


def forward_mode_through_custom_functions(T):
    """A custom Function's ``jvp`` (with ``save_for_forward``) gives its outputs' tangents;
    tensors without a tangent get zeros, non-tensors None; without ``jvp``: torch's error."""
    fwAD = T.autograd.forward_ad
    seen = []

    class Scale(T.autograd.Function):
        @staticmethod
        def forward(x, y):
            return x * y, x + y

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_forward(*inputs)

        @staticmethod
        def jvp(ctx, tx, ty):
            x, y = ctx.saved_tensors
            seen.append((tx, ty))
            return tx * y + x * ty, tx + ty

    class Square(T.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            ctx.save_for_forward(x)
            ctx.k = k
            return x * x * k

        @staticmethod
        def jvp(ctx, tx, tk):
            x, = ctx.saved_tensors
            seen.append(tk)
            return 2 * x * tx * ctx.k

    class NoJvp(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

    with fwAD.dual_level():
        d = fwAD.make_dual(T.tensor([1.0, 2.0]), T.tensor([1.0, 0.5]))
        product, total = Scale.apply(d, T.tensor([5.0, 6.0]))
        yield "two outputs", (fwAD.unpack_dual(product).tangent, fwAD.unpack_dual(total).tangent)
        yield "ctx-style", fwAD.unpack_dual(Square.apply(d, 3.0)).tangent
        yield "what jvp was given", seen
        yield "no tangent in, none out", fwAD.unpack_dual(NoJvp.apply(T.ones(2))).tangent
        NoJvp.apply(d)


def convolution_gradients_differentiated_again(T):
    """The gradients of a convolution made with create_graph=True come from torch's
    convolution_backward: their node is ConvolutionBackwardBackward0 (a transposed
    convolution's too); differentiated once more, convolutions again."""
    F = T.nn.functional
    for conv, shape in ((F.conv1d, (4, 2, 3)), (F.conv2d, (4, 2, 3, 3)),
                        (F.conv_transpose1d, (2, 4, 3)), (F.conv_transpose2d, (2, 4, 3, 3))):
        n = len(shape) - 2
        x = T.linspace(-1, 1, 2 * 5 ** n, dtype=T.float64).reshape((1, 2) + (5,) * n)
        x.requires_grad_()
        w = T.linspace(-0.5, 1, 24 * 3 ** (n - 1), dtype=T.float64).reshape(shape)
        w.requires_grad_()
        y = conv(x, w, stride=2 if n == 1 else 1)
        gx, gw = T.autograd.grad((y * y).sum(), (x, w), create_graph=True)
        yield conv.__name__, (gx.grad_fn.name(), gw.grad_fn.name())
        ggx, = T.autograd.grad((gx * gx).sum() + (gw * gw).sum(), (x,), create_graph=True)
        yield conv.__name__ + " again", (ggx, ggx.grad_fn.next_functions[0][0].name())


def a_backward_pass_that_failed_in_a_node_fails_there_again(T):
    """A node whose formulas fail keeps what it saved (torch frees it once the node has
    run): a second pass meets the same error, not "backward through the graph a second
    time" -- unlike one whose saved tensor was modified in place (found by the fuzzer)."""
    b = T.ones(3, requires_grad=True) * 1
    b.expand(2, 3).index_put_((T.tensor([0]),), T.tensor([1.0, 2.0, 3.0]))
    for attempt in (1, 2):
        try:
            b.sum().backward()
        except RuntimeError as error:
            yield f"through an expanded write, pass {attempt}", str(error)
    x = T.ones(3, requires_grad=True)
    y = x.exp()
    z = y * 1
    y.add_(1)
    for attempt in (1, 2):
        try:
            z.sum().backward()
        except RuntimeError as error:
            yield f"a saved tensor modified, pass {attempt}", str(error)
