"""Every example of the five seed articles, one case each.

The articles (``/work/shared/seeds/``) are Chinese blog posts that learners
read next to this project; what they print is quoted in each docstring, and
where the article is wrong about torch 2.13 the docstring says what torch
really does. The case bodies are the articles' code with ``torch`` written
``T``, plus the observations a learner would print.

* 000 "详解计算图与自动微分机": retain_grad and detach on a two-layer graph.
* 001 "Tensor与Autograd": eight points about requires_grad, grad_fn, backward.
* 002 "Pytorch Tips": next_functions, shared storage, the training loop
  (its ``nn.Module`` examples are in ``seed_nn``).
* 003 "Pytorch 自动求梯度(autograd)": scalar, two-variable and mm gradients.
* 004 "PyTorch怎么用": requires_grad, mean's gradient, backward's gradient
  argument and freed graphs.
"""

from parity_tests.harness import printed


# --- 000: 详解计算图与自动微分机 -------------------------------------------------

def _seed000_layers(T):
    """The article's two layers: f is w1-b1, g is w2-b2, fed with x."""
    w1 = T.tensor([[2.], [3.]], requires_grad=True)
    w2 = T.tensor([3.], requires_grad=True)
    b1 = T.tensor([1.], requires_grad=True)
    b2 = T.tensor([2.], requires_grad=True)
    x = T.tensor([[10.], [20.]])
    return w1, w2, b1, b2, x


def seed000_retain_grad_caches_intermediate(T):
    """5.1 梯度缓存: an intermediate's grad is kept only after ``retain_grad()``.

    The article prints (on one line; torch really wraps the 2x1 tensor)::

        >> tensor([[30.], [60.]]) tensor([3.]) None tensor([[3.]])
    """
    w1 = T.tensor([[2.], [3.]], requires_grad=True)
    b1 = T.tensor([1.], requires_grad=True)
    x = T.tensor([[10.], [20.]])
    y = T.mm(w1.transpose(0, 1), x) + b1
    y.retain_grad()
    out = 3 * y
    yield "y", y
    out.backward()
    yield "w1.grad", w1.grad
    yield "b1.grad", b1.grad
    yield "x.grad", x.grad
    yield "y.grad", y.grad
    yield "print(w1.grad, b1.grad, x.grad, y.grad)", printed(w1.grad, b1.grad, x.grad, y.grad)


def seed000_detach_freezes_first_layer(T):
    """5.2 参数冻结: ``detach()`` stops the backward pass, so layer f gets no grads.

    The article prints::

        >> None None tensor([243.]) tensor([3.]) # f被冻结,梯度不更新
    """
    w1, w2, b1, b2, x = _seed000_layers(T)
    y = T.mm(w1.transpose(0, 1), x) + b1
    y_ = y.detach()
    z = w2 * y_ + b2
    out = 3 * z
    out.backward()
    yield "print(w1.grad, b1.grad, w2.grad, b2.grad)", printed(w1.grad, b1.grad, w2.grad, b2.grad)
    yield "w2.grad", w2.grad
    yield "b2.grad", b2.grad


def seed000_without_detach_trains_both_layers(T):
    """5.2, without ``detach()``: both layers receive gradients.

    The article prints::

        >> tensor([[ 90.], [180.]]) tensor([9.]) tensor([243.]) tensor([3.])
    """
    w1, w2, b1, b2, x = _seed000_layers(T)
    y = T.mm(w1.transpose(0, 1), x) + b1
    z = w2 * y + b2
    out = 3 * z
    out.backward()
    yield "print(w1.grad, b1.grad, w2.grad, b2.grad)", printed(w1.grad, b1.grad, w2.grad, b2.grad)
    yield "w1.grad", w1.grad
    yield "b1.grad", b1.grad


def seed000_detached_shares_memory(T):
    """5.2: "分离的节点与原节点共享值内存,但不具有grad和grad_fn属性".

    The detached tensor shares its values with the original (a write to one
    shows in the other) and has no ``grad_fn``; it is a leaf that does not
    require grad. The article prints nothing for this claim.
    """
    w = T.tensor([1., 2.], requires_grad=True)
    y = w * 2
    y_ = y.detach()
    yield "y_.grad_fn", y_.grad_fn
    yield "y_.requires_grad", y_.requires_grad
    yield "y_.is_leaf", y_.is_leaf
    yield "y_.grad", y_.grad
    y_[0] = 100.
    yield "y after y_[0] = 100.", y
    yield "repr(y)", repr(y)


# --- 001: Tensor与Autograd -----------------------------------------------------

def seed001_requires_grad_propagates(T):
    """Point 1: requires_grad defaults to False and flows to every dependent result.

    "requires_grad参数的缺省值为False,如果要对其求导需设置为True,然后与之有依赖关系的节点的
    requires_grad参数会自动变为True." (no printed output)
    """
    x = T.tensor([1., 2.], requires_grad=True)
    w = T.tensor([3., 4.])
    yield "w.requires_grad", w.requires_grad
    yield "(w * 2).requires_grad", (w * 2).requires_grad
    y = x * w
    yield "y.requires_grad", y.requires_grad
    yield "(y + w).requires_grad", (y + w).requires_grad


def seed001_requires_grad_method(T):
    """Point 2: ``requires_grad_()`` switches the flag in place and returns the tensor.

    "可利用requires_grad_()方法修改Tensor的requires_grad属性." (no printed output)
    """
    a = T.tensor([1., 2.])
    b = a.requires_grad_()
    yield "b is a", b is a
    yield "a.requires_grad", a.requires_grad
    yield "repr(a)", repr(a)
    yield "repr(a.requires_grad_(False))", repr(a.requires_grad_(False))


def seed001_grad_fn_of_leaves_and_results(T):
    """Point 3: results get a ``grad_fn``; hand-made leaves have ``grad_fn`` None.

    "叶节点的grad_fn为None,因为是手动创建的初始的张量" (no printed output)
    """
    x = T.tensor([1., 2.], requires_grad=True)
    y = x * 2
    z = y.sum()
    yield "x.grad_fn", x.grad_fn
    yield "x.is_leaf", x.is_leaf
    yield "y.grad_fn", y.grad_fn
    yield "y.is_leaf", y.is_leaf
    yield "z.grad_fn", z.grad_fn
    yield "repr(z)", repr(z)


def seed001_no_grad_and_detach_in_evaluation(T):
    """Point 2 and 8: ``detach()`` and ``with torch.no_grad():`` stop tracking.

    "可以调用.detach()或with torch.no_grad():,将不再计算张量的梯度,跟踪张量的历史记录.
    这点在评估模型、测试模型阶段中常常用到." (no printed output)
    """
    x = T.tensor([1., 2.], requires_grad=True)
    with T.no_grad():
        evaluated = x * 2
    detached = (x * 2).detach()
    for name, tensor in (("evaluated", evaluated), ("detached", detached)):
        yield f"{name}.requires_grad", tensor.requires_grad
        yield f"{name}.grad_fn", tensor.grad_fn
        yield f"{name}.is_leaf", tensor.is_leaf
        yield f"repr({name})", repr(tensor)
    yield "x.requires_grad after no_grad", x.requires_grad


def seed001_backward_accumulates_into_grad(T):
    """Point 4: ``backward()`` adds (accumulates) into the leaves' ``.grad``.

    "此时自动计算各变量的梯度,并将累加结果保存到grad属性中." Two graphs built from the
    same leaf add their gradients. (no printed output)
    """
    x = T.tensor([1., 2., 3.], requires_grad=True)
    (x * x).sum().backward()
    yield "x.grad after first backward", x.grad
    (3 * x).sum().backward()
    yield "x.grad after second backward", x.grad


def seed001_backward_gradient_same_shape(T):
    """Point 5: a non-scalar output needs ``gradient`` of its own shape.

    "backward()函数接收参数,该参数应和调用backward()函数的Tensor的维度相同". The result is
    the vector-Jacobian product. (no printed output)
    """
    x = T.tensor([[1., 2., 3.], [4., 5., 6.]], requires_grad=True)
    y = x * x
    y.backward(gradient=T.tensor([[1., 0.5, 0.], [2., 1., 0.1]]))
    yield "x.grad", x.grad


def seed001_backward_gradient_broadcastable(T):
    """Point 5 claims the gradient may be "可broadcast的维度" (broadcastable).

    torch 2.13 refuses it: the gradient must have the output's shape exactly,
    and a broadcastable one raises ``RuntimeError: Mismatch in shape:
    grad_output[0] has a shape of torch.Size([3]) and output[0] has a shape
    of torch.Size([2, 3]).`` The article is out of date.
    """
    x = T.tensor([[1., 2., 3.], [4., 5., 6.]], requires_grad=True)
    y = x * x
    y.backward(gradient=T.tensor([1., 1., 1.]))
    yield "x.grad", x.grad


def seed001_retain_graph_accumulates(T):
    """Point 6: ``retain_graph=True`` allows a second backward; grads add up.

    "如果需要进行多次反向传播,需要指定backward中的参数retain_graph=True.
    多次反向传播时,梯度是累加的." (no printed output)
    """
    x = T.tensor([1., 2.], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    yield "x.grad after one backward", x.grad
    y.backward()
    yield "x.grad after two backward", x.grad


def seed001_non_leaf_grad_is_not_kept(T):
    """Point 4 and 7: "计算完成后,非叶节点的梯度自动释放"; a non-leaf's grad is None.

    Reading it warns (``UserWarning: The .grad attribute of a Tensor that is
    not a leaf Tensor is being accessed...``). (no printed output)
    """
    x = T.tensor([1., 2.], requires_grad=True)
    y = x * 3
    y.sum().backward()
    yield "x.grad", x.grad
    yield "y.grad", y.grad


def seed001_no_grad_blocks_tracking(T):
    """Point 8: inside ``torch.no_grad()`` nothing is tracked, even from tensors requiring grad.

    Leaving the block restores tracking. (no printed output)
    """
    x = T.tensor([1., 2.], requires_grad=True)
    with T.no_grad():
        inside = x * x
        yield "is_grad_enabled() inside", T.is_grad_enabled()
    after = x * x
    yield "inside.requires_grad", inside.requires_grad
    yield "after.requires_grad", after.requires_grad
    yield "is_grad_enabled() after", T.is_grad_enabled()


# --- 002: Pytorch Tips ---------------------------------------------------------

def _names(node):
    """The class names of a node's ``next_functions`` (None for inputs not requiring grad)."""
    return [type(next_node).__name__ if next_node is not None else None
            for next_node, _ in node.next_functions]


def seed002_next_functions_walk(T):
    """"可以通过调用tensor.grad_fn.next_functions遍历计算图节点".

    The article's figure: O from t from h from W, with
    ``dO/dW = dO/dt * dt/dh * dh/dW``. Walking ``next_functions`` from O's
    ``grad_fn`` reaches ``AccumulateGrad`` for the leaf W (no printed output).
    """
    W = T.tensor([[0.5, -1.], [2., 0.25]], requires_grad=True)
    x = T.tensor([[1.], [2.]])
    h = T.mm(W, x)
    t = T.sigmoid(h)
    O = t.sum()
    walk, node = [], O.grad_fn
    while node is not None:
        walk.append((type(node).__name__, _names(node)))
        node = next((n for n, _ in node.next_functions if n is not None), None)
    yield "walk from O.grad_fn", walk
    yield "O.grad_fn.next_functions[0][1]", O.grad_fn.next_functions[0][1]
    O.backward()
    yield "W.grad", W.grad
    yield "dO/dt * dt/dh * dh/dW", T.mm((t * (1 - t)).detach(), x.t())


def seed002_views_share_storage(T):
    """"类似reshape一类的操作,得到不同的THTensor对象,但是它们共享相同的底层数据Data".

    ``view`` and ``reshape`` of a contiguous tensor see each other's writes.
    (no printed output)
    """
    a = T.tensor([[1., 2.], [3., 4.]])
    v = a.view(4)
    r = a.reshape(4)
    a[0, 0] = 10.
    yield "v after a[0, 0] = 10.", v
    yield "r after a[0, 0] = 10.", r
    v[3] = 40.
    yield "a after v[3] = 40.", a
    yield "v.shape", v.shape
    yield "a.shape", a.shape


def seed002_data_attribute(T):
    """"tensor.data:张量的数据": ``.data`` shares values but is outside the graph.

    Writing through ``.data`` changes the tensor without autograd noticing.
    (no printed output)
    """
    x = T.tensor([1., 2.], requires_grad=True)
    data = x.data
    yield "x.data", data
    yield "x.data.requires_grad", data.requires_grad
    yield "x.data.is_leaf", data.is_leaf
    data.mul_(2)
    yield "x after x.data.mul_(2)", x
    yield "x.grad_fn", x.grad_fn


def seed002_training_loop_with_zero_grad(T):
    """The article's loop: ``zero_grad(); output = net(x); loss.backward(); step()``.

    Written with plain tensors (the nn/optim version is in ``seed_nn``): grads
    are cleared, recomputed and used for one gradient-descent step per batch.
    (no printed output)
    """
    w = T.tensor([0.5, -0.5], requires_grad=True)
    batches = [([1., 2.], 1.), ([2., -1.], 0.), ([0., 1.], 2.)]
    for step, (x, target) in enumerate(batches):
        w.grad = None
        output = (w * T.tensor(x)).sum()
        loss = (output - target) ** 2
        loss.backward()
        yield f"loss {step}", loss
        yield f"w.grad {step}", w.grad
        with T.no_grad():
            w -= 0.1 * w.grad
        yield f"w {step}", w


def seed002_grads_accumulate_without_zero_grad(T):
    """Without clearing, grads of successive iterations accumulate.

    The article says the new gradient is "相乘" (multiplied) with the old one;
    torch 2.13 adds them: here 2*w, then 2*w + 2*w_new. (no printed output)
    """
    w = T.tensor([1., 2.], requires_grad=True)
    (w * w).sum().backward()
    yield "w.grad after iteration 1", w.grad
    with T.no_grad():
        w -= 0.5
    (w * w).sum().backward()
    yield "w.grad after iteration 2", w.grad


# --- 003: Pytorch 自动求梯度 -----------------------------------------------------

def seed003_scalar_and_vector_tensors(T):
    """``torch.tensor(1)`` is a scalar, ``torch.tensor([1])`` a 1x1 vector, dtype chosen explicitly.

    The article shows the calls without their output.
    """
    for code, tensor in (("torch.tensor(1)", T.tensor(1)),
                         ("torch.tensor([1])", T.tensor([1])),
                         ("torch.tensor([1,2], dtype=torch.float64)",
                          T.tensor([1, 2], dtype=T.float64))):
        yield code, tensor
        yield f"repr({code})", repr(tensor)
        yield f"{code}.shape", tensor.shape
        yield f"{code}.dtype", tensor.dtype


def seed003_polynomial_derivative(T):
    """y = x^2 + 3x + 1 at x = 2: dy/dx = 7.

    The article prints::

        >>> x.grad
        tensor(7., dtype=torch.float64)
    """
    x = T.tensor(2, dtype=T.float64, requires_grad=True)
    y = x * x + 3 * x + 1
    y.backward()
    yield "y", y
    yield "x.grad", x.grad
    yield "repr(x.grad)", repr(x.grad)


def seed003_two_variables(T):
    """y = 3*x1*x1 + 9*x2 where only x2 requires grad: dy/dx2 = 9.

    The article prints ``tensor(6.)`` right after ``y.backward()``, which
    returns None (6 is neither y = 21 nor a gradient: a copy-paste slip), then::

        >>> x2.grad
        tensor(9.)
    """
    x1 = T.tensor(1.0)
    x2 = T.tensor(2.0, requires_grad=True)
    y = 3 * x1 * x1 + 9 * x2
    yield "y.backward()", y.backward()
    yield "y", y
    yield "repr(x2.grad)", repr(x2.grad)
    yield "x1.grad", x1.grad


def seed003_mm_gradients(T):
    """``mm`` of a 1x3 by a 3x1 float64 matrix; each gradient is the other matrix, transposed.

    The article prints::

        >>> mat2
        tensor([[1.],
                [2.],
                [3.]], dtype=torch.float64, requires_grad=True)
        >>> mat1.grad
        tensor([[1., 2., 3.]], dtype=torch.float64)
        >>> mat2.grad
        tensor([[1.],
                [2.],
                [3.]], dtype=torch.float64)
    """
    mat1 = T.tensor([[1, 2, 3]], dtype=T.float64, requires_grad=True)
    mat2 = T.tensor([[1.], [2.], [3.]], dtype=T.float64, requires_grad=True)
    yield "repr(mat2)", repr(mat2)
    y = T.mm(mat1, mat2)
    yield "y", y
    y.backward()
    yield "repr(mat1.grad)", repr(mat1.grad)
    yield "repr(mat2.grad)", repr(mat2.grad)


# --- 004: PyTorch怎么用 --------------------------------------------------------

def seed004_ones_requires_grad(T):
    """``torch.ones(2,4,requires_grad=True)`` and how it prints.

    The article prints (its HTML lost the line break)::

        tensor([[1., 1., 1., 1.], [1., 1., 1., 1.]], requires_grad=True)
    """
    x = T.ones(2, 4, requires_grad=True)
    yield "print(x)", printed(x)
    yield "x.requires_grad", x.requires_grad


def seed004_add_propagates_requires_grad(T):
    """``y = x + 2`` carries ``grad_fn=<AddBackward0>`` and requires grad.

    The article prints (its HTML ate ``<AddBackward0>``)::

        tensor([[3., 3., 3., 3.], [3., 3., 3., 3.]], grad_fn=)
        Out[6]: True
    """
    x = T.ones(2, 4, requires_grad=True)
    y = x + 2
    yield "print(y)", printed(y)
    yield "y.requires_grad", y.requires_grad


def seed004_requires_grad_false(T):
    """``x.requires_grad_(False)`` returns x, now printed without the flag; y keeps its own.

    The article prints::

        Out[22]: tensor([[1., 1., 1., 1.], [1., 1., 1., 1.]])
        False True
    """
    x = T.ones(2, 4, requires_grad=True)
    y = x + 2
    yield "x.requires_grad_(False)", repr(x.requires_grad_(False))
    yield "print(x.requires_grad, y.requires_grad)", printed(x.requires_grad, y.requires_grad)


def seed004_integer_leaf_cannot_require_grad(T):
    """"要想使x支持求导,必须让x为浮点类型 ... 不然的话,就会报错."

    The article shows no message; torch 2.13 raises ``RuntimeError: Only
    Tensors of floating point and complex dtype can require gradients``.
    """
    yield "x", T.tensor([[1, 2, 3], [4, 5, 6]], requires_grad=True)


def _seed004_graph(T):
    """The article's graph: x (2x3) -> y = x+1 -> z = 2*y*y -> J = mean(z)."""
    x = T.tensor([[1., 2., 3.], [4., 5., 6.]], requires_grad=True)
    y = x + 1
    z = 2 * y * y
    J = T.mean(z)
    return x, z, J


def seed004_mean_backward(T):
    """dJ/dx for J = mean(2*(x+1)^2) is 4*(x+1)/6.

    The article prints::

        In [34]: x.grad
        Out[34]: tensor([[1.3333, 2.0000, 2.6667], [3.3333, 4.0000, 4.6667]])
    """
    x, z, J = _seed004_graph(T)
    yield "J", J
    J.backward()
    yield "x.grad", x.grad
    yield "repr(x.grad)", repr(x.grad)


def seed004_non_scalar_backward_fails(T):
    """``z.backward()`` on the 2x3 z.

    The article prints::

        RuntimeError: grad can be implicitly created only for scalar outputs
    """
    x, z, J = _seed004_graph(T)
    z.backward()


def _seed004_loss(T):
    """The article's ``loss`` with four components, from a leaf x."""
    x = T.tensor([[1., 2., 3., 4.]], requires_grad=True)
    return x, x * x


def seed004_backward_equal_weights(T):
    """``loss.backward(torch.tensor([[1.0,1.0,1.0,1.0]]))``: every component weighs 1.

    The article shows the call only; x.grad is d(sum of x^2)/dx = 2x.
    """
    x, loss = _seed004_loss(T)
    loss.backward(T.tensor([[1.0, 1.0, 1.0, 1.0]]))
    yield "x.grad", x.grad


def seed004_backward_unequal_weights(T):
    """``loss.backward(torch.tensor([[0.1,1.0,10.0,0.001]]))``: a weighted sum of components.

    The article shows the call only; x.grad is 2x times the weights.
    """
    x, loss = _seed004_loss(T)
    loss.backward(T.tensor([[0.1, 1.0, 10.0, 0.001]]))
    yield "x.grad", x.grad
    yield "repr(x.grad)", repr(x.grad)


def _seed004_two_heads(T):
    """x -> y -> p and y -> z -> q: the article's graph where p and q share y."""
    x = T.tensor([1., 2., 3.], requires_grad=True)
    y = x * x
    p = y.sum()
    z = y + 1
    q = (z * z).sum()
    return x, p, q


def seed004_backward_twice_fails(T):
    """"一个计算图只能backward一次": a second ``p.backward()`` meets freed buffers.

    The article prints (torch 2.13's message is longer)::

        RuntimeError: Trying to backward through the graph a second time, but the
        buffers have already been freed. Specify retain_graph=True when calling
        backward the first time.
    """
    x, p, q = _seed004_two_heads(T)
    p.backward()
    yield "x.grad", x.grad
    p.backward()


def seed004_other_head_after_backward_fails(T):
    """After ``p.backward()``, ``q.backward()`` also fails: y's saved x is freed.

    "无论你是想再次运行p.backward()还是q.backward(),都无法进行" (same error as above).
    """
    x, p, q = _seed004_two_heads(T)
    p.backward()
    q.backward()


def seed004_retain_graph_fix(T):
    """The fix: ``retain_graph=True`` keeps the buffers, so both heads can backward.

    "添加参数retain_graph=True,重新进行backward,这个时候你的计算图就被保留了,不会报错."
    """
    x, p, q = _seed004_two_heads(T)
    p.backward(retain_graph=True)
    yield "x.grad after p", x.grad
    q.backward()
    yield "x.grad after p and q", x.grad
