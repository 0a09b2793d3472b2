"""The Tensor surface beyond gradients: creation, integer and bool arithmetic, shapes,
and how tensors print."""

import numpy as np

from parity_tests.harness import raised


def ints_and_bools(T):
    a = T.tensor([[1, -2, 3], [4, 5, -6]])
    yield "sum", a.sum()
    yield "sum0", a.sum(0)
    yield "a*2", a * 2
    yield "a/2", a / 2
    yield "a//2", a // 2
    yield "a%3", a % 3
    yield "a>0", a > 0
    yield "mask sum", (a > 0).sum()
    yield "argmax", a.argmax()
    yield "argmax1", a.argmax(1)
    yield "max0", a.max(0)
    yield "float", a.float()
    yield "abs", a.abs()
    yield "neg", -a
    yield "exp", a.exp()
    yield "pow", a ** 2
    yield "pow.5", a.abs() ** 0.5
    yield "tolist", a.tolist()
    yield "item", a[0, 0].item()
    yield "int32", a.int() + a
    yield "bool", T.tensor([True, False]) & T.tensor([True, True])
    yield "where", T.where(a > 0, a, 0)
    yield "clamp", a.clamp(min=0)
    yield "eq", T.equal(a, a)
    yield "allclose", T.allclose(a.float(), a.float() + 1e-9)
    yield "mean err", a.mean()

def creation(T):
    yield "zeros", T.zeros(2, 3)
    yield "ones_like", T.ones_like(T.tensor([1, 2]))
    yield "full", T.full((2,), 7)
    yield "arange", T.arange(1, 10, 3)
    yield "arange f", T.arange(0.5, 2)
    yield "linspace", T.linspace(-1, 1, 5)
    yield "eye", T.eye(3)
    yield "from list of 0-d", T.tensor([T.tensor(1.0), T.tensor(2.0)])
    yield "empty shape", T.empty(2, 0).shape
    yield "size", T.zeros(2, 3).size()
    yield "size1", T.zeros(2, 3).size(1)
    yield "numel", T.zeros(2, 3).numel()
    yield "double", T.tensor([1.5]).double()
    yield "half", T.tensor([1.5]).half()
    yield "int from float", T.tensor([1.7, -1.7]).long()
    yield "is_floating", T.tensor([1]).is_floating_point()
    yield "stack", T.stack([T.ones(2), T.zeros(2)], 1)
    yield "cat", T.cat([T.ones(2), T.zeros(3)])
    yield "chunk", T.arange(5).chunk(2)
    yield "split", T.arange(5).split(2)
    yield "unbind", T.arange(4).reshape(2, 2).unbind(1)
    yield "flatten", T.zeros(2, 3, 4).flatten(1).shape
    yield "squeeze", T.zeros(1, 2, 1).squeeze().shape
    yield "permute", T.zeros(1, 2, 3).permute(2, 0, 1).shape
    yield "expand", T.tensor([1, 2]).expand(3, 2)
    yield "view -1", T.arange(6).view(-1, 2)
    yield "reshape bad", T.arange(6).reshape(4, 2)

def tensor_of_numpy_scalars_and_other_objects(T):
    import decimal
    yield "np.float64", T.tensor([np.float64(1)])
    yield "np.float16", T.tensor([np.float16(1)])
    yield "np.int16", T.tensor([np.int16(1)])
    yield "np.bool_", T.tensor([np.bool_(True)])
    yield "with a float", T.tensor([np.float64(1), 2.0])
    yield "float16 and int64", T.tensor([np.float16(1), np.int64(2)])
    yield "float16 and a float", T.tensor([np.float16(1), 2.5])
    yield "int16 and an int", T.tensor([np.int16(1), 2])
    yield "uint8 and int8", T.tensor([np.uint8(1), np.int8(2)])
    yield "nested", T.tensor([[1.0, 2.0], [np.float64(3), 4.0]])
    yield "out of range", T.tensor([np.int64(2 ** 40), np.float16(1)])
    yield "tensor and a float", T.tensor([T.tensor(1), 2.5])
    yield "range", T.tensor(range(3))
    yield "empty", T.tensor([[], []])
    yield "array, dtype given", T.tensor(np.array([1.5]), dtype=T.float32)
    for name, data in [("None", None), ("[None]", [None]), ("nested None", [[1], [None]]),
                       ("object", object()), ("dict", {1: 2}), ("Decimal", [decimal.Decimal(1)]),
                       ("str", "abc"), ("[1, str]", [1, "a"]), ("[str, None]", ["a", None]),
                       ("bytes", [b"a"]), ("generator", (x for x in [1]))]:
        yield name, raised(lambda: T.tensor(data))
    yield "as_tensor", raised(lambda: T.as_tensor([None]))
    yield "float dtype", raised(lambda: T.tensor([1, None], dtype=T.float32))
    yield "int dtype", raised(lambda: T.tensor([object()], dtype=T.int64))
    yield "str, dtype", raised(lambda: T.tensor("abc", dtype=T.float32))
    yield "object array", raised(lambda: T.tensor(np.array([1, None])))


def printing(T):
    yield "f32", repr(T.tensor([1.0, 2.5, -3.25]))
    yield "big", repr(T.arange(10000.0))
    yield "sci", repr(T.tensor([1e-8, 1.0]))
    yield "ints", repr(T.tensor([[1, 200], [3, 4]]))
    yield "bool", repr(T.tensor([[True, False]]))
    yield "nan", repr(T.tensor([float("nan"), 1.0, float("-inf")]))
    yield "0d", repr(T.tensor(3.5))
    yield "neg0", repr(T.tensor([-0.0, 0.0]))
    yield "grad", repr(T.tensor([1.0], requires_grad=True) * 2)
    yield "f64 grad", repr(T.tensor([1.0], dtype=T.float64, requires_grad=True))
    yield "3d", repr(T.arange(24.0).reshape(2, 3, 4))
    yield "size", repr(T.zeros(2, 3).shape)
    yield "dtype", repr(T.float64)
    yield "str", str(T.tensor([1.0, 2.0]))
    yield "format", f"{T.tensor(2.5):.2f}"


def grad_modes_as_decorators(T):
    x = T.tensor([1.0], requires_grad=True)

    @T.no_grad
    def bare(t):
        return t * 2

    @T.no_grad()
    def called(t):
        return t * 2

    @T.enable_grad()
    def enabled(t):
        return t * 2

    yield "bare", bare(x).requires_grad
    yield "called", called(x).requires_grad
    with T.no_grad():
        yield "enable_grad inside no_grad", enabled(x).requires_grad
    with T.inference_mode():
        yield "inference_mode", (x * 2).requires_grad
    T.set_grad_enabled(False)
    yield "plain call", (x * 2).requires_grad
    T.set_grad_enabled(True)
    yield "restored", T.is_grad_enabled()


def module_forward_hooks(T):
    """Forward pre-hooks and forward hooks: look at (or replace) a layer's inputs and
    output; ``prepend=True`` runs first; ``handle.remove()`` takes a hook off."""
    net = T.nn.Sequential(T.nn.Linear(3, 4), T.nn.ReLU(), T.nn.Linear(4, 1))
    with T.no_grad():                   # the same weights in both (each has its own RNG)
        for p in net.parameters():
            p.copy_(T.arange(p.numel(), dtype=T.float32).reshape(p.shape) / 10 - 0.3)
    seen = []
    keep = net[1].register_forward_hook(lambda m, args, out: seen.append(("relu", out)))
    net[0].register_forward_hook(lambda m, args, out: seen.append(("linear", args[0])))
    first = net[0].register_forward_hook(lambda m, args, out: seen.append(("first",)),
                                         prepend=True)
    double = net[0].register_forward_pre_hook(lambda m, args: args[0] * 2)
    x = T.ones(2, 3)
    y = net(x)
    yield "y", y
    yield "seen", seen
    keep.remove()
    first.remove()
    double.remove()
    seen.clear()
    yield "y without the pre-hook", net(x)
    yield "seen after remove", seen
    net[2].register_forward_hook(lambda m, args, kwargs, out: out * 0, with_kwargs=True)
    net[2].register_forward_pre_hook(lambda m, args, kwargs: ((args[0] + 1,), kwargs),
                                     with_kwargs=True)
    y = net(x)
    y.sum().backward()
    yield "y through with_kwargs hooks", y
    yield "weight grad", net[2].weight.grad
    net[0].register_forward_pre_hook(lambda m, args, kwargs: 5, with_kwargs=True)
    net(x)


def _hooked_net(T):
    net = T.nn.Sequential(T.nn.Linear(3, 4), T.nn.Tanh(), T.nn.Linear(4, 2))
    with T.no_grad():                   # the same weights in both (each has its own RNG)
        for p in net.parameters():
            p.copy_(T.arange(p.numel(), dtype=T.float32).reshape(p.shape) / 10 - 0.3)
    return net


def module_full_backward_hooks(T):
    """Full backward hooks see ``grad_input`` and ``grad_output`` of a module; a backward
    pre-hook may replace ``grad_output``, a backward hook ``grad_input``. The module's
    output comes out of an identity node, ``BackwardHookFunctionBackward``."""
    net = _hooked_net(T)
    seen = []
    net[0].register_full_backward_hook(
        lambda m, gi, go: seen.append(("first", gi, go)))
    net[2].register_full_backward_pre_hook(lambda m, go: (go[0] * 10,))
    net[2].register_full_backward_hook(
        lambda m, gi, go: seen.append(("last", gi, go)))
    net[1].register_full_backward_hook(lambda m, gi, go: (gi[0] * 0.5,))
    x = T.tensor([[1.0, -1.0, 0.5]], requires_grad=True)
    y = net(x)
    yield "y.grad_fn", type(y.grad_fn).__name__
    yield "next", [type(f).__name__ for f, _ in y.grad_fn.next_functions if f is not None]
    y.sum().backward()
    yield "seen", seen
    yield "x.grad", x.grad
    yield "weight grad", net[0].weight.grad


def module_full_backward_hook_without_input_grad(T):
    """When no input requires grad the hook fires from the outputs' node, with None
    for every grad_input, and torch warns; it must not return gradients."""
    net = _hooked_net(T)
    seen = []
    net.register_full_backward_hook(lambda m, gi, go: seen.append((gi, go)))
    net(T.ones(2, 3)).sum().backward()
    yield "seen", seen
    yield "weight grad", net[0].weight.grad
    net[0].register_full_backward_hook(lambda m, gi, go: (T.ones(2, 3),))
    net(T.ones(2, 3)).sum().backward()


def module_backward_hook_returning_too_many(T):
    """``RuntimeError: Backward hook returned an invalid number of grad_input, got 2, but
    expected 1``"""
    layer = _hooked_net(T)[0]
    layer.register_full_backward_hook(lambda m, gi, go: (gi[0], gi[0]))
    layer(T.ones(2, 3, requires_grad=True)).sum().backward()


def node_hooks_replacing_gradients(T):
    """A node's post-hook may return new grad_inputs, its pre-hook new grad_outputs;
    torch checks what they return."""
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    y.grad_fn.register_prehook(lambda go: (go[0] * 3,))
    y.grad_fn.register_hook(lambda gi, go: (gi[0] + 1, None))
    y.sum().backward()
    yield "x.grad", x.grad
    for bad in ("5", "(T.ones(3),)", "(T.ones(2), None)", "(T.ones(3, dtype=T.float64), None)",
                "(T.ones(3), T.ones(3))", "(7, None)"):
        x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x * 2
        y.grad_fn.register_hook(lambda gi, go, bad=bad: eval(bad, {"T": T}))
        try:
            y.sum().backward()
        except (TypeError, RuntimeError) as error:
            yield f"hook returning {bad}", (type(error).__name__,
                                            str(error).replace("torch", "autodiff"))


def clamp_promotes_and_takes_tensor_bounds(T):
    """An integer tensor clamped to a float bound is float32 (torch's promotion; found by
    the fuzzer); tensor bounds broadcast, and where min > max the max wins."""
    i = T.tensor([1, 5, -3])
    yield "int clamped to floats", i.clamp(min=-1.0, max=1.0)
    yield "int clamped to an int", i.clamp(min=0)
    yield "bool clamped", T.tensor([True, False]).clamp(min=0)
    yield "int clamped to a 0-d float tensor", i.clamp(min=T.tensor(0.5))
    x = T.tensor([1.0, 5.0, -3.0, 0.25], requires_grad=True)
    low = T.tensor([0.5, 6.0, -3.0, 0.0], requires_grad=True)
    high = T.tensor(2.0, requires_grad=True)
    y = x.clamp(low, high)
    (y * T.tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    yield "y", y
    yield "grads", (x.grad, low.grad, high.grad)


def more_activations(T):
    """LeakyReLU, ELU, SELU, SiLU, Softplus, Hardtanh and ReLU6: reprs, values, gradients,
    node names and saved settings; the in-place forms of leaky_relu and elu keep their
    result (LeakyReluBackward1, EluBackward1)."""
    modules = [T.nn.LeakyReLU(), T.nn.LeakyReLU(0.2, inplace=True), T.nn.ELU(alpha=0.5),
               T.nn.SELU(), T.nn.SiLU(), T.nn.Softplus(beta=2, threshold=5), T.nn.Hardtanh(),
               T.nn.ReLU6(inplace=True)]
    yield "reprs", [repr(m) for m in modules]
    for m in modules:
        x = T.tensor([-1.5, -0.25, 0.0, 0.5, 3.0], requires_grad=True)
        y = m(x * 2)
        saved = {name: getattr(y.grad_fn, "_saved_" + name)
                 for name in ("negative_slope", "alpha", "scale", "input_scale", "beta",
                              "threshold", "min_val", "max_val")
                 if hasattr(y.grad_fn, "_saved_" + name)}
        y.backward(T.tensor([1.0, 2.0, 3.0, 4.0, 5.0]))
        yield repr(m), (y, type(y.grad_fn).__name__, saved, x.grad)
    yield "F.softplus's own defaults", T.nn.functional.softplus(
        T.ones(1, requires_grad=True)).grad_fn._saved_threshold
    T.nn.Hardtanh(2.0, 1.0)


def integer_tensors_through_float_ops(T):
    """What torch does with int64 tensors in float ops: logsumexp computes in float32;
    norm, var, std, softmax and log_softmax refuse (each with its own message); an
    integer to a negative power is 0 unless the base is 1 or -1 (found by the fuzzer)."""
    i = T.tensor([[1, -2], [0, 3]])
    yield "logsumexp", i.logsumexp(0)
    yield "2 ** i", 2 ** i
    yield "(-1) ** i", (-1) ** i
    yield "i ** i", i ** i
    yield "flip", (i.flip(0), i.flip(0, 1), T.flip(i, (1,)))
    for code in ("i.norm()", "i.var()", "i.std(0)", "i.softmax(0)", "i.softmax(-1)",
                 "i[0, 0].softmax(0)", "i.log_softmax(1)", "i ** -1"):
        try:
            eval(code, {"i": i})
        except (RuntimeError, NotImplementedError) as error:
            yield code, (type(error).__name__, str(error))


def mse_loss_of_an_integer_and_a_float_tensor(T):
    """mse_loss promotes its two inputs (int64 with float32 is float32) and refuses only
    when both are integers (found by the fuzzer: an int64 input was refused)."""
    i, x = T.tensor([1, -2]), T.tensor([0.5, 1.5], requires_grad=True)
    for reduction in ("mean", "none", "sum"):
        loss = T.nn.functional.mse_loss(i, x.double(), reduction=reduction)
        loss.sum().backward()
        yield reduction, (loss, x.grad, T.nn.functional.mse_loss(x, i, reduction=reduction))
        x.grad = None
    try:
        T.nn.functional.mse_loss(i, i)
    except NotImplementedError as error:
        yield "two int64", str(error)


def batch_norm_modules(T):
    """BatchNorm2d and BatchNorm1d: batch statistics and running averages in training,
    the running averages in evaluation; momentum=None averages cumulatively; torch's
    checks on the input."""
    rng = np.random.default_rng(0)
    data = rng.standard_normal((6, 3, 4, 4)).tolist()
    bn = T.nn.BatchNorm2d(3)
    yield "repr", (repr(bn), repr(T.nn.BatchNorm1d(3, momentum=None, affine=False)))
    yield "state_dict keys", list(bn.state_dict())
    x = T.tensor(data, requires_grad=True)
    y = bn(x)
    (y * y[:, :1]).sum().backward()
    yield "training", (y, type(y.grad_fn).__name__, x.grad, bn.weight.grad, bn.bias.grad)
    yield "running stats", (bn.running_mean, bn.running_var, bn.num_batches_tracked)
    bn.eval()
    x.grad = None
    y = bn(x)
    (y * y).sum().backward()
    yield "evaluation", (y, x.grad, bn.running_mean)
    cumulative = T.nn.BatchNorm1d(3, momentum=None)
    for scale in (1.0, 2.0, 3.0):
        cumulative(T.tensor(rng.standard_normal((5, 3)).tolist()) * scale)
    yield "cumulative", (cumulative.running_mean, cumulative.running_var)
    T.nn.BatchNorm1d(3)(T.ones(1, 3))


def legacy_type_names(T):
    """``x.type()`` names the legacy tensor type; ``x.type(t)`` converts (a dtype, or a
    legacy name); ``new_*`` tensors take their dtype from ``x``."""
    x = T.tensor([1.5, -2.0])
    yield "x.type()", x.type()
    yield "typename", T.typename(x)
    yield "to double", x.type(T.float64)
    yield "by name", x.type("torch.LongTensor")
    yield "new_ones", x.double().new_ones(2)
    x.type("Nonsense")

def deprecated_module_backward_hook(T):
    """Module.register_backward_hook (deprecated, still in old tutorials and Grad-CAM code):
    the hook sees the gradients of the node that made the output, and torch warns."""
    nn = T.nn
    T.manual_seed(0)
    for name, m, x in [("linear", nn.Linear(3, 2), T.ones(4, 3, requires_grad=True)),
                       ("conv", nn.Conv2d(1, 2, 3), T.ones(1, 1, 5, 5, requires_grad=True)),
                       ("seq", nn.Sequential(nn.Linear(3, 2), nn.ReLU()),
                        T.ones(4, 3, requires_grad=True)),
                       ("relu", nn.ReLU(), T.ones(4, 3, requires_grad=True) * 2)]:
        seen = []
        h = m.register_backward_hook(lambda mod, gi, go: seen.append(
            (type(mod).__name__, [None if g is None else g.shape for g in gi],
             [g.shape for g in go], go[0])))
        y = m(x)
        y.sum().backward()
        yield name, seen
        h.remove()
    m = nn.Linear(2, 2)
    m.register_full_backward_hook(lambda *a: None)
    m.register_backward_hook(lambda *a: None)


def embedding_options(T):
    """Embedding's max_norm (picked rows scaled down in place), norm_type,
    scale_grad_by_freq, from_pretrained (frozen by default) and the repr."""
    nn, F = T.nn, T.nn.functional
    w = T.tensor([[3.0, 4.0], [0.3, 0.4], [1.0, -2.0], [6.0, 8.0]], requires_grad=True)
    idx = T.tensor([[0, 2], [0, 1]])
    y = F.embedding(idx, w, max_norm=2.0, scale_grad_by_freq=True)
    yield "renormed weight", w.detach()
    yield "version", w._version
    yield "y", y
    yield "saved", (y.grad_fn._saved_scale_grad_by_freq, y.grad_fn._saved_sparse)
    (y * T.arange(8.0).reshape(2, 2, 2)).sum().backward()
    yield "w.grad", w.grad
    v = T.tensor([[1.0, 1.0, 1.0], [3.0, 0.0, 0.0]])
    yield "norm_type 1", (F.embedding(T.tensor([0, 1]), v, max_norm=1.5, norm_type=1.0), v)
    e = nn.Embedding.from_pretrained(T.tensor([[1.0, 2.0], [3.0, 4.0]]), padding_idx=1)
    yield "pretrained", (e, e.weight, e.weight.requires_grad)
    yield "repr", nn.Embedding(5, 3, padding_idx=0, max_norm=1.0, norm_type=1.0,
                               scale_grad_by_freq=True, sparse=True)
    yield "trainable", nn.Embedding.from_pretrained(T.ones(2, 2), freeze=False).weight
    nn.Embedding.from_pretrained(T.ones(3))


def grouped_convolutions(T):
    """Conv2d with groups (depthwise too): values, gradients, double backward, repr, and
    torch's errors."""
    nn, F = T.nn, T.nn.functional
    x = T.tensor([[[[float((i * 7 + j * 3 + c) % 5) - 2 for j in range(5)] for i in range(5)]
                   for c in range(4)]], requires_grad=True)
    w = T.tensor([[[[float((o + i * 2 + j) % 3) - 1 for j in range(3)] for i in range(3)]
                   for _ in range(2)] for o in range(6)], requires_grad=True)
    b = T.tensor([0.5, -1.0, 0.0, 1.0, 2.0, -0.5], requires_grad=True)
    y = F.conv2d(x, w, b, stride=2, padding=1, groups=2)
    yield "y", y
    gx, gw = T.autograd.grad((y * y).sum(), [x, w], create_graph=True)
    yield "gx", gx
    yield "gw", gw
    (gx.sum() + (gw * gw).sum()).backward()
    yield "x.grad", x.grad
    yield "w.grad", w.grad
    yield "b.grad", b.grad
    dw = T.tensor([[[[1.0, -1.0], [0.5, 2.0]]]] * 4, requires_grad=True)
    yield "depthwise", F.conv2d(x, dw, groups=4, dilation=2)
    T.manual_seed(0)
    yield "repr", (nn.Conv2d(4, 6, 3, groups=2, bias=False),
                   nn.Conv2d(4, 8, 3, groups=4).weight.shape)
    for f in (lambda: nn.Conv2d(3, 4, 3, groups=2), lambda: nn.Conv2d(4, 3, 3, groups=2),
              lambda: F.conv2d(T.ones(1, 3, 5, 5), T.ones(4, 1, 3, 3), groups=2),
              lambda: F.conv2d(T.ones(1, 4, 5, 5), T.ones(3, 2, 3, 3), groups=2),
              lambda: F.conv2d(T.ones(1, 4, 5, 5), T.ones(1, 2, 3, 3), groups=2)):
        try:
            f()
        except (ValueError, RuntimeError) as e:
            yield type(e).__name__, str(e)
    F.conv2d(T.ones(1, 4, 5, 5), T.ones(4, 2, 3, 3), groups=0)


def convolutions_nd(T):
    """Conv1d/3d and ConvTranspose1d/2d/3d: reprs, parameter shapes, forward (with a
    transposed one's output_size), double backward, and torch's errors in its order."""
    nn, F = T.nn, T.nn.functional
    T.manual_seed(0)
    layers = (nn.Conv1d(4, 6, 3, stride=2, padding=1, dilation=2, groups=2, bias=False),
              nn.Conv3d(4, 6, (1, 2, 3), padding="same"), nn.Conv3d(2, 2, [1, 2, 3]),
              nn.ConvTranspose1d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2,
                                 dilation=2),
              nn.ConvTranspose2d(4, 6, (3, 2), groups=2), nn.ConvTranspose3d(2, 3, 2, bias=False))
    for m in layers:
        yield repr(m), ([(n, p.shape) for n, p in m.named_parameters()], m.transposed,
                        m.output_padding, m.padding_mode)
    x = T.arange(40.0).reshape(1, 4, 10).sin().requires_grad_()
    w = T.arange(24.0).reshape(4, 3, 2).cos().requires_grad_()
    y = F.conv_transpose1d(x, w, stride=2, padding=1, output_padding=1, groups=2)
    yield "y", y
    gx, gw = T.autograd.grad((y * y).sum(), [x, w], create_graph=True)
    yield "grads", (gx, gw)
    (gx.sum() + (gw * gw).sum()).backward()
    yield "second", (x.grad, w.grad)
    up = nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1)
    z = T.zeros(1, 4, 5, 5)
    yield "output_size", (up(z, output_size=[10, 10]).shape, up(z, [1, 2, 9, 10]).shape,
                          up(z[0], output_size=(2, 9, 9)).shape)
    for f in (lambda: up(z[0], output_size=[9]), lambda: up(z, output_size=[11, 10]),
              lambda: nn.Conv1d(4, 6, 3, groups=4), lambda: nn.Conv2d(4, 6, 3, stride=2, padding="same"),
              lambda: nn.ConvTranspose2d(4, 6, 3, padding_mode="reflect"),
              lambda: F.conv1d(T.ones(1, 2, 3, 4), T.ones(1, 2, 3)),
              lambda: F.conv3d(T.ones(1, 2, 5), T.ones(1, 2, 3, 3, 3)),
              lambda: F.conv1d(T.ones(1, 3, 5), T.ones(4, 4, 3), dilation=0),
              lambda: F.conv1d(T.ones(1, 4, 5), T.ones(4, 4, 3), dilation=0),
              lambda: F.conv1d(T.ones(1, 4, 5), T.ones(4, 2, 3), T.ones(3), groups=2),
              lambda: F.conv3d(T.ones(1, 4, 2, 2, 2), T.ones(4, 4, 3, 1, 3), padding=(1, 0, 0)),
              lambda: F.conv2d(T.ones(1, 4, 5, 5), T.ones(4, 4, 3, 3), stride=(1, 2, 3)),
              lambda: F.conv2d(T.ones(1, 4, 5, 5), T.ones(4, 4, 3, 3), padding="foo"),
              lambda: F.conv2d(T.ones(1, 4, 5, 5).double(), T.ones(4, 4, 3, 3)),
              lambda: F.conv2d(T.ones(1, 4, 5, 5), T.ones(4, 4, 3, 3), T.ones(4).double()),
              lambda: F.conv_transpose1d(T.ones(1, 4, 5), T.ones(3, 4, 3)),
              lambda: F.conv_transpose1d(T.ones(1, 4, 5), T.ones(4, 4, 3), T.ones(3)),
              lambda: F.conv_transpose1d(T.ones(1, 4, 5), T.ones(4, 4, 3), output_padding=1),
              lambda: F.conv_transpose3d(T.ones(1, 4, 5, 5, 5), T.ones(4, 4, 3, 3, 3),
                                         output_padding=(0, 1, 0)),
              lambda: F.conv_transpose2d(T.ones(1, 4, 5, 5), T.ones(4, 4, 3, 3), dilation=(1, 0)),
              lambda: F.conv_transpose2d(T.ones(1, 4, 1, 1), T.ones(4, 4, 1, 1), padding=1),
              lambda: F.conv_transpose2d(T.ones(1, 4, 5, 5), T.ones(4, 4, 3, 3), padding="same")):
        try:
            f()
        except (ValueError, RuntimeError, TypeError) as e:
            yield type(e).__name__, str(e)
    F.conv_transpose1d(T.ones(1, 4, 5), T.ones(4, 4, 3), output_padding=-1)


def padding_modes(T):
    """F.pad's reflect, replicate and circular modes (circular: slices copied in place,
    torch's graph), the padding layers, convolutions with a padding_mode, and torch's
    errors in its order."""
    nn, F = T.nn, T.nn.functional
    x = T.arange(30.0).reshape(1, 2, 3, 5).sin().requires_grad_()
    for mode in ("reflect", "replicate", "circular"):
        y = F.pad(x, (2, 1, -1, 2), mode=mode)
        yield mode, (y, y.grad_fn.name(), [type(n).__name__ for n, _ in y.grad_fn.next_functions])
        (y * y).sum().backward()
        yield mode + " grad", x.grad
        x.grad = None
    with T.no_grad():                   # (circular: one take, when nothing is recorded)
        yield "no_grad circular", (F.pad(x, (2, 1, -1, 2), mode="circular"),
                                   F.pad(x[0], (3, 0), mode="circular"))
    layers = (nn.ReflectionPad1d(2), nn.ReflectionPad2d((1, 0, 2, 1)), nn.ReflectionPad3d(1),
              nn.ReplicationPad1d((3, 1)), nn.ReplicationPad2d(2), nn.ReplicationPad3d(1),
              nn.CircularPad1d(1), nn.CircularPad2d((1, 2, 0, 1)), nn.CircularPad3d(1),
              nn.ZeroPad1d(1), nn.ZeroPad2d((1, 0, 0, 2)), nn.ZeroPad3d(1),
              nn.ConstantPad1d(2, 3.5), nn.ConstantPad2d((1, 0, 0, 1), -1.0),
              nn.ConstantPad3d(1, 0.5))
    volume = T.arange(48.0).reshape(1, 2, 2, 3, 4)
    for m in layers:
        n = len(m.padding) // 2
        yield repr(m), m(volume[(0,) * (3 - n)])
    T.manual_seed(0)
    for mode in ("reflect", "replicate", "circular"):
        conv = nn.Conv2d(2, 3, (3, 2), padding=(1, 2), padding_mode=mode, dilation=(1, 2))
        same = nn.Conv1d(2, 2, 4, padding="same", padding_mode=mode)
        yield repr(conv), (conv._reversed_padding_repeated_twice,
                           same._reversed_padding_repeated_twice)
        y = conv(x)
        yield "conv " + mode, (y, same(x[0]))
        y.sum().backward()
        yield "conv grads " + mode, (x.grad, conv.weight.grad)
        x.grad = None
    for f in (lambda: F.pad(x, (1, 1), mode="bogus"),
              lambda: F.pad(x, (1, 1), mode="reflect", value=1.0),
              lambda: F.pad(x, (1, 1), mode="reflect"),
              lambda: F.pad(x, (1, 1, 1), mode="reflect"),
              lambda: F.pad(x, (5, 1, 0, 0), mode="reflect"),
              lambda: F.pad(x, (1, 1, 1, 3), mode="reflect"),
              lambda: F.pad(T.ones(1, 2, 0), (1, 1), mode="replicate"),
              lambda: F.pad(T.ones(1, 2, 5), (-3, -3), mode="replicate"),
              lambda: F.pad(x, (6, 1, 0, 0), mode="circular"),
              lambda: F.pad(x, (-3, -3, 0, 0), mode="circular"),
              lambda: nn.CircularPad2d(1)(T.ones(2)),
              lambda: nn.ConvTranspose2d(4, 6, 3, padding_mode="circular")):
        try:
            f()
        except (ValueError, RuntimeError, NotImplementedError) as e:
            yield type(e).__name__, str(e)
    yield "empty batch", F.pad(T.ones(0, 2, 4), (1, 1), mode="reflect").shape
    F.pad(x, (1, 1, 1, 1), mode="reflect", value=0.0)


def out_keyword(T):
    """torch's functions take out=: the result written into it (cast, resized with a
    warning unless it was empty) and returned; tuples of outs for several results;
    refused where autograd would have recorded the call."""
    x, y = T.arange(6.0).reshape(2, 3), T.tensor([True, False, True])
    result = T.empty(2, 3)
    yield "add", (T.add(x, 1, out=result) is result, result)
    o = T.empty(3, dtype=T.bool)
    yield "logical_and", (T.logical_and(y, T.tensor([True, True, False]), out=o) is o, o)
    yield "logical_not", T.logical_not(T.tensor([0., 1., -10.]), out=T.empty(3, dtype=T.int16))
    yield "resized", T.sum(x, 1, out=T.empty(5))          # warns: it had elements
    yield "empty out", T.exp(x, out=T.empty(0))            # no warning
    yield "cast", T.add(T.ones(2, dtype=T.long), 1, out=T.empty(2))
    yield "max", T.max(x, 1, out=(T.empty(0), T.empty(0, dtype=T.long)))
    yield "sort", T.sort(T.tensor([3., 1., 2.]), out=(T.empty(0), T.empty(0, dtype=T.long)))
    yield "cat", T.cat([x, x], out=T.empty(4, 3))
    yield "arange", T.arange(5, out=T.empty(0, dtype=T.long))
    yield "zeros", T.zeros(2, 2, out=T.empty(0, dtype=T.int32))
    yield "matmul", T.matmul(x, x.t(), out=T.empty(2, 2))
    with T.no_grad():
        w = T.ones(2, requires_grad=True)
        yield "no_grad", (T.mul(w, 3, out=T.empty(2)), w.grad_fn)
    for f in (lambda: T.add(T.ones(2, requires_grad=True), 1, out=T.empty(2)),
              lambda: T.add(T.ones(2), 1, out=T.empty(2, requires_grad=True)),
              lambda: T.add(x, 1.5, out=T.empty(2, 3, dtype=T.long)),
              lambda: T.exp(x, out=[1])):
        try:
            f()
        except (RuntimeError, TypeError) as e:
            yield type(e).__name__, str(e)


def factories_and_dtypes_with_out(T):
    """A factory makes its tensor in out's dtype (another dtype is refused) and resizes out
    silently (arange warns); ``requires_grad=True`` makes out a leaf. ``sum``'s or
    ``softmax``'s dtype must be out's; cat's family refuses an out it can't cast to."""
    long = lambda shape=2: T.ones(shape, dtype=T.int64)
    for name, f in [("zeros", lambda out, **kw: T.zeros(2, out=out, **kw)),
                    ("ones", lambda out, **kw: T.ones(2, out=out, **kw)),
                    ("full", lambda out, **kw: T.full((2,), 1, out=out, **kw)),
                    ("empty", lambda out, **kw: T.empty(2, out=out, **kw)),
                    ("arange", lambda out, **kw: T.arange(2, out=out, **kw)),
                    ("linspace", lambda out, **kw: T.linspace(0, 1, 2, out=out, **kw)),
                    ("logspace", lambda out, **kw: T.logspace(0, 1, 2, out=out, **kw)),
                    ("eye", lambda out, **kw: T.eye(2, 1, out=out, **kw)),
                    ("rand", lambda out, **kw: T.rand(2, out=out, **kw)),
                    ("randn", lambda out, **kw: T.randn(2, out=out, **kw)),
                    ("randint", lambda out, **kw: T.randint(3, (2,), out=out, **kw)),
                    ("randperm", lambda out, **kw: T.randperm(2, out=out, **kw)),
                    ("normal", lambda out, **kw: T.normal(0.0, 1.0, (2,), out=out, **kw))]:
        yield name, raised(lambda: f(long(), dtype=T.float32))
        yield name + " out's dtype", raised(lambda: f(long()))
        yield name + " resized", f(T.ones(3, dtype=T.float64)).shape
        yield name + " of an out that requires grad", raised(
            lambda: f(T.ones(2, requires_grad=True)))
        out = T.ones(2, dtype=T.float64)
        f(out, requires_grad=True)
        yield name + " requires_grad", (out.requires_grad, out.is_leaf)
    yield "rand of int64", raised(lambda: T.rand(2, dtype=T.int64))
    yield "randn of bool", raised(lambda: T.randn(2, dtype=T.bool))
    yield "normal of int32", raised(lambda: T.normal(0.0, 1.0, (2,), dtype=T.int32))
    yield "normal of tensors", T.normal(T.zeros(2), 1.0, out=T.ones(2, dtype=T.float64)).shape
    x = T.ones(2, 3)
    yield "sum", raised(lambda: T.sum(x, 0, dtype=T.float64, out=T.ones(3)))
    yield "sum of int64", raised(lambda: T.sum(x, 0, dtype=T.int64, out=T.ones(3)))
    yield "sum same dtype", T.sum(x, 0, dtype=T.float64, out=T.ones(3, dtype=T.float64))
    yield "cumsum", raised(lambda: T.cumsum(x, 1, dtype=T.float16, out=x.clone()))
    yield "softmax", raised(lambda: T.softmax(x, 1, dtype=T.float64, out=x.clone()))
    yield "mean", raised(lambda: T.mean(x, 0, dtype=T.int64, out=T.ones(3)))
    yield "nansum", raised(lambda: T.nansum(x, 0, dtype=T.float64, out=T.ones(3)))
    for name in ("cat", "concat", "stack", "hstack", "vstack", "dstack", "column_stack"):
        yield name, raised(lambda: getattr(T, name)([x], out=T.ones(0, dtype=T.int64)))


def torch_docstring_examples_that_failed(T):
    """Examples of torch's docstrings that once failed: torch's constants, atleast_nd of
    several tensors, randint(high, size), nonzero of a 0-d tensor, cummax."""
    yield "constants", (T.nan != T.nan, T.inf, T.pi, T.e, T.newaxis)
    yield "aminmax", T.aminmax(T.tensor([1, -3, 5, T.nan]))
    a, b = T.tensor(1.), T.tensor([2., 3.])
    yield "atleast", (T.atleast_1d((a, b)), T.atleast_2d(a, b), T.atleast_3d([a]),
                      T.atleast_1d(a), T.atleast_3d())
    yield "randint", (T.randint(10, (2, 2)).shape, T.randint(3, 10, (4,)).dtype,
                      T.randint(10, size=(1,)).shape)
    yield "nonzero", (T.nonzero(T.tensor(5), as_tuple=True), T.nonzero(T.tensor(0)),
                      T.tensor(0).nonzero(), T.nonzero(T.tensor([[1, 0], [0, 1]]), as_tuple=True))
    yield "cummax", T.cummax(T.tensor([[0.5, -1.0, 2.0], [T.nan, 1.0, 0.0]]), dim=1)
    x = T.arange(1, 10).reshape(3, 3)
    yield "narrow", (T.narrow(x, -1, T.tensor(-1), 1), T.narrow(x, 0, -2, 2))
    for f in (lambda: T.narrow(x, 0, -4, 1), lambda: T.narrow(x, 0, 3, 1),
              lambda: T.narrow(x, 0, T.tensor([1, 2]), 1), lambda: T.narrow(x, 0, 0, -1)):
        try:
            f()
        except (IndexError, RuntimeError) as e:
            yield type(e).__name__, str(e)
    yield "round", (T.round(T.tensor([1200.1234567, -5551.5, 2.5]), decimals=-3),
                    T.round(T.tensor([1200.1234567, 0.12345]), decimals=3))
    yield "lgamma", T.lgamma(T.tensor([1., 2., 3., 0.5]))
    yield "typename", (T.typename(T.nn.Parameter), T.typename(3), T.typename(len),
                       T.typename(T.nn.Parameter(T.ones(1))), T.typename(T.ones(1)))
    a = T.tensor([0., -0., 3., -3., 7.5, -7.5, 0.3, -0.3, 1.0, 2.0])
    b = T.tensor([-2., 2., 0., 0., 2.5, 2.5, 5.0, -5.0, T.inf, -T.inf])
    yield "floor division", T.div(a, b, rounding_mode="floor")
    yield "finfo", [repr(T.finfo(d)) for d in (T.float16, T.bfloat16, T.float32, T.float64)]
    yield "finfo attributes", [(f.bits, f.eps, f.max, f.min, f.tiny, f.resolution, f.dtype)
                               for f in (T.finfo(), T.finfo(T.float64))]
    yield "iinfo", [(repr(i), i.bits, i.max, i.min) for i in map(T.iinfo, (T.uint8, T.int64))]
    for f in (lambda: T.finfo(T.int32), lambda: T.iinfo(T.float32), lambda: T.iinfo(T.bool)):
        try:
            f()
        except TypeError as e:
            yield "TypeError", str(e)
    m = (T.arange(9.0).reshape(3, 3) - 4).requires_grad_()
    for order in (1, -1, T.inf, -T.inf):
        norm = T.linalg.matrix_norm(m, ord=order)
        norm.backward()
        yield f"matrix_norm {order}", (norm, T.linalg.matrix_norm(m, order, (1, 0), True), m.grad)
        m.grad = None
    yield "norm inf", T.linalg.norm(m, float("inf"))
    full = T.full((2, 4), 2.)
    yield "scatter reduce", (full.scatter(1, T.tensor([[2], [3]]), 1.23, reduce="multiply"),
                             full.scatter(1, T.tensor([[2], [2]]), T.tensor([[5.], [6.]]),
                                          reduce="add"),
                             T.ones(3, dtype=T.long).scatter(0, T.tensor([0, 0]), 3,
                                                            reduce="multiply"))
    try:
        full.scatter(1, T.tensor([[2], [3]]), 1.0, reduce="max")
    except RuntimeError as e:
        yield "RuntimeError", str(e)
    x = T.ones(2, requires_grad=True)
    seen = [x.grad_dtype]
    x.grad_dtype = T.float16
    (x * 3).sum().backward()
    seen += [x.grad_dtype, x.grad]
    for f in (lambda: setattr(x, "grad_dtype", T.float64), lambda: (x * 2).grad_dtype,
              lambda: setattr(x, "grad", T.ones(2))):
        try:
            f()
        except RuntimeError as e:
            seen.append(str(e))
    x.grad, x.grad_dtype = None, None
    x.grad = T.ones(2, dtype=T.float64)
    yield "grad_dtype", seen + [x.grad_dtype, x.grad]
    yield "memory formats", (T.contiguous_format, T.preserve_format,
                             full.clone(memory_format=T.contiguous_format),
                             full.to(memory_format=T.preserve_format).is_contiguous(),
                             full.contiguous(memory_format=T.contiguous_format).stride())


def gradient_clipping(T):
    """nn.utils.clip_grad_norm_ (returns the norm before clipping; scales in place) with
    several norm types, clip_grad_value_, parameters_to_vector and vector_to_parameters."""
    utils = T.nn.utils
    for norm_type in (2.0, 1, float("inf")):
        a = T.tensor([3.0, -4.0], requires_grad=True)
        b = T.tensor([[1.0, 2.0], [0.5, -7.0]], requires_grad=True)
        ((a * a).sum() + (b ** 3).sum()).backward()
        version = a.grad._version
        yield f"norm {norm_type}", utils.clip_grad_norm_([a, b], 5.0, norm_type)
        yield f"grads {norm_type}", (a.grad, b.grad, a.grad._version - version)
    yield "small norm untouched", (utils.clip_grad_norm_(a, 1e6), a.grad)
    utils.clip_grad_value_([a, b], 0.25)
    yield "value", (a.grad, b.grad)
    vec = utils.parameters_to_vector([a, b])
    yield "vector", vec
    utils.vector_to_parameters(vec * 2, [a, b])
    yield "back", (a, b)
    c = T.tensor([1.0], requires_grad=True)
    c.grad = T.tensor([float("nan")])
    utils.clip_grad_norm_([c], 1.0, error_if_nonfinite=True)


def gradient_clipping_edges(T):
    """An empty generator warns (and the norm is 0); vector_to_parameters wants a tensor:
    ``TypeError: expected torch.Tensor, but got: list``"""
    yield "empty", T.nn.utils.clip_grad_norm_((p for p in []), 1.0)
    T.nn.utils.vector_to_parameters([1.0], [])


def deprecated_hook_warnings(T):
    """The non-full hook's warnings for a module taking or returning other things."""
    nn = T.nn

    class Pair(nn.Module):
        def forward(self, x, scale):
            return [x * scale, x]

    class Kw(nn.Module):
        def forward(self, x):
            return x * 2

    m = Pair()
    m.register_backward_hook(lambda *a: None)
    out = m(T.ones(2, requires_grad=True), 2.0)
    yield "list out", out
    k = Kw()
    k.register_backward_hook(lambda *a: None)
    yield "kw", k(x=T.ones(2, requires_grad=True))


def default_dtype_float64(T):
    T.set_default_dtype(T.float64)
    try:
        i, f = T.tensor([1, 2]), T.tensor([1.5, 2.])
        yield "get_default_dtype", T.get_default_dtype()
        yield "from floats", (T.tensor(1.5), f, T.tensor([1, 2.5]))
        yield "creation", (T.zeros(2), T.arange(3.), T.linspace(0, 1, 3), T.full((2,), 2.),
                           T.randn(2).dtype, T.eye(2))
        yield "integers as floats", (i / 2, i.exp(), i.float())
        yield "a float32 tensor keeps its dtype", T.ones(2, dtype=T.float32) * 1.5
    finally:
        T.set_default_dtype(T.float32)
    yield "back to float32", T.tensor(1.5)


def function_forms_of_in_place_ops(T):
    x = T.tensor([0.5, -1.0])
    T.sin_(x)
    yield "sin_", x
    T.relu_(x)
    yield "relu_", x
    T.negative_(x)
    T.arcsin_(x)
    yield "negative_ arcsin_", x
    yield "no add_", hasattr(T, "add_")


def masked_fill_broadcasts_self_to_the_mask(T):
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x.masked_fill(T.tensor([[True, False, True], [False, False, True]]), 0.0)
    yield "y", y
    y.sum().backward()
    yield "x.grad", x.grad


def python_bool_as_an_index(T):
    y = T.arange(6.).reshape(2, 3)
    yield "y[True]", y[True]
    yield "y[False]", y[False]
    yield "y[0, True]", y[0, True]


def legacy_constructors(T):
    t = T.tensor([1., 2.], requires_grad=True)
    yield "Tensor(data)", (T.Tensor([1, 2]), T.Tensor([[1.5]]), T.Tensor((1, 2)))
    yield "Tensor(sizes)", (T.Tensor(2, 3).shape, T.Tensor(T.Size([2])).shape, T.Tensor().shape)
    yield "Tensor(tensor)", T.Tensor(t)
    yield "typed", (T.FloatTensor([1]), T.LongTensor([1, 2]), T.LongTensor([1.7]),
                    T.DoubleTensor(2, 2).dtype, T.BoolTensor([1, 0]), T.IntTensor([1]))
    yield "type()", (T.FloatTensor([1]).type(), T.LongTensor(2).type())
    yield "isinstance", (isinstance(T.FloatTensor([1]), T.FloatTensor),
                         isinstance(T.FloatTensor([1]), T.DoubleTensor),
                         isinstance(t, T.FloatTensor), isinstance(t, T.Tensor))
    yield "classes", (repr(T.Tensor), repr(T.FloatTensor), repr(type(t)))


def legacy_constructor_of_a_string(T):
    yield "negative size", raised(lambda: T.Tensor(2, -3))
    T.Tensor("a")


def resize_in_place(T):
    a = T.arange(6.)
    a.resize_(2, 2)
    yield "shrunk", (a, a._version)
    b = T.arange(3.)
    yield "grown shape", b.resize_(5).shape
    c = T.arange(4.)
    yield "resize_as_", c.resize_as_(T.zeros(2, 2))
    yield "of one that requires grad", raised(lambda: T.ones(2, requires_grad=True).resize_(3))


def comparison_methods_and_aliases(T):
    x = T.tensor([1., 2., 3.])
    yield "eq ne lt le gt ge", (x.eq(2), x.ne(2), x.lt(2), x.le(2), x.gt(2), x.ge(2))
    yield "names", (T.eq.__name__, T.lt.__name__, T.greater.__name__)
    yield "clip", x.clip(1.5, 2.5)
    yield "swapaxes swapdims", (T.zeros(2, 3).swapaxes(0, 1).shape,
                                T.zeros(2, 3).swapdims(0, 1).shape)
    yield "ger", x.ger(x)


def alpha_as_a_one_element_tensor(T):
    """A ``Scalar`` argument (``alpha``, ``value``, ``fill_value``) takes a 0-dim tensor
    that does not require grad, not one of one dim."""
    a = T.ones(2, requires_grad=True)
    yield "add", T.ones(2).add(a, alpha=T.tensor(2.))
    yield "sub", a.sub(1, alpha=T.tensor(3))
    yield "of two elements", raised(lambda: T.ones(2).add(a, alpha=T.tensor([2., 3.])))
    yield "of one dim", raised(lambda: T.ones(2).add(a, alpha=T.tensor([2.])))
    yield "requiring grad", raised(
        lambda: T.ones(2).add(a, alpha=T.tensor(2., requires_grad=True)))
    yield "addcdiv", T.ones(2).addcdiv(a, a + 1, value=T.tensor(-0.5))
    yield "addcmul_", T.ones(2).addcmul_(a.detach(), a.detach(), value=T.tensor(0.5))
    yield "addcmul of one dim", raised(lambda: T.addcmul(a, a, a, value=T.tensor([0.5])))
    yield "full", T.full((2,), T.tensor(0.5))
    yield "full of an int", T.full((2,), T.tensor(2))
    yield "full of a float64", T.full((2,), T.tensor(0.5, dtype=T.float64))
    yield "full_like", T.full_like(a, T.tensor(3.0))
    yield "full_like of one dim", raised(lambda: T.full_like(a, T.tensor([3.0])))


def numpy_scalars_as_numbers(T):
    """A NumPy scalar (``np.sqrt(2)``, an element of an array) is the Python number of
    its kind: it does not make a float32 tensor float64 (NumPy's booleans count as
    floats, as torch reads them). Its gradient is a float32 one too. On the left of an
    operator (``np.float64(1) - t``), NumPy defers to the tensor's operator."""
    x = T.tensor([1.0, -2.0, 3.0], requires_grad=True)
    y = x * np.sqrt(2.0) + np.float32(0.5) - np.float64(1) / np.float64(3)
    y.sum().backward()
    yield "arithmetic", (y, x.grad)
    ints = T.tensor([1, 2, 3], dtype=T.int32)
    yield "int32 and np.int64", ints + np.int64(2)
    yield "int32 and np.float16", ints * np.float16(2.5)
    yield "int32 and np.bool_", ints + np.bool_(True)
    yield "a NumPy scalar first", (T.add(np.float64(1), x), T.mul(np.int64(2), ints))
    yield "pow", (x.detach() ** np.float64(2), ints ** np.int64(2))
    yield "clamp", (x.clamp(min=np.float64(0.5)), ints.clamp(max=np.float32(2.5)))
    f = x.detach()
    yield "on the left", (np.float64(1) - f, np.float32(2) * f, np.float64(1) > f)
    yield "where, lerp, alpha", (T.where(f > 1, f, np.float64(0.5)),
                                 T.lerp(f, f * 2, np.float64(0.5)),
                                 T.add(f, f, alpha=np.float64(2)))


def numpy_arrays_and_other_objects_as_operands(T):
    """A NumPy array is no operand of torch's ops: ``mul(t, a)`` and ``t.add_(a)`` raise
    TypeError. The operators decline it (NotImplemented), so NumPy's ufunc runs on the
    tensor's numbers and hands back a tensor (``t * a``: NumPy's promotion, float64 for a
    float64 array; a bool result as uint8); ``a * t``, where NumPy declines too, is
    Python's TypeError. ``==`` alone takes the array for a tensor (``!=`` gives NumPy's
    answer). Other objects: Python's errors (``t * "a"``, ``t < "a"``)."""
    t = T.tensor([1.0, 2.0])
    a = np.array([3.0, 4.0])
    yield "t * float32 array", t * a.astype(np.float32)
    yield "t + float64 array", t + a
    yield "t - int array, t @ array, t ** array", (t - np.array([1, 2]), t @ a, t ** a)
    yield "bool tensor & bool array", T.tensor([True, False]) & np.array([True, True])
    yield "np.sqrt(t)", np.sqrt(t)
    yield "array * t", raised(lambda: a * t)
    yield "array < t", raised(lambda: a < t)
    yield "mul(t, array)", raised(lambda: T.mul(t, a))
    yield "matmul(t, array)", raised(lambda: T.matmul(t, a))
    yield "add_ of an array", raised(lambda: t.clone().add_(a))
    yield "of a tensor that requires grad", raised(lambda: T.ones(2, requires_grad=True) * a)
    yield "t * str", raised(lambda: t * "a")
    yield "t < str, t == str", (raised(lambda: t < "a"), t == "a")
    yield "mul(t, list)", raised(lambda: T.mul(t, [1.0, 2.0]))
    yield "t * None", raised(lambda: t * None)
    yield "t == array, array == t", (t == np.array([1.0, 2.000001]), np.array([1, 5]) == t)
    yield "t == array of three", raised(lambda: t == np.ones(3))
    yield "t != array, array != t", (t != a, a != t)


def small_tensor_queries_and_aliases(T):
    x = T.tensor([[1, 2, 3], [4, 5, 6]])
    f = T.tensor([1.5, -2.0])
    yield "ndimension nbytes itemsize", (x.ndimension(), x.nbytes, x.itemsize, f.nbytes)
    yield "is_cpu get_device", (x.is_cpu, x.get_device())
    yield "is_complex is_signed", (f.is_complex(), f.is_signed(), x.byte().is_signed())
    yield "is_same_size", (x.is_same_size(T.zeros(2, 3)), x.is_same_size(f))
    yield "short char byte", (x.short(), x.char(), x.byte())
    yield "bitwise", (x.bitwise_and(3), x.bitwise_or(8), x.bitwise_xor(1), x.bitwise_not())
    y = x.clone()
    y.bitwise_and_(2)
    yield "bitwise_and_", y
    g = f.clone()
    g.multiply_(2)
    g.subtract_(1)
    g.divide_(4)
    yield "multiply_ subtract_ divide_", g


def normalize_into_out(T):
    """``F.normalize(x, out=o)`` writes the result into ``o`` and returns it; refused
    when the input requires grad (torch's out= rule)."""
    o = T.empty(2, 2)
    r = T.nn.functional.normalize(T.tensor([[3.0, 4.0], [1.0, 0.0]]), out=o)
    yield "out", o
    yield "returned is out", r is o
    x = T.tensor([[3.0, 4.0]], requires_grad=True)
    yield "requires grad", raised(lambda: T.nn.functional.normalize(x, out=T.empty(1, 2)))
