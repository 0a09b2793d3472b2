"""torch's top-level functions beyond the derivative table's rows: creation helpers,
window functions, the ``*_copy`` forms of views, and other conveniences real scripts call
as ``torch.name(...)``."""

import numpy as np

from parity_tests.cases.misuse import _warning_always
from parity_tests.harness import raised


def _backward(y, *leaves):
    """The gradients of ``(y * weights).sum()`` for the leaves (weights: 1, 2, 3...), so
    that each output element's gradient differs."""
    weights = y.new_tensor(np.arange(1, y.numel() + 1, dtype=float).reshape(tuple(y.shape)))
    y.backward(weights)
    return [leaf.grad for leaf in leaves]


# -- creating tensors ------------------------------------------------------------------------

def asarray_shares_what_it_can(T):
    """A tensor of the right dtype is returned itself; a NumPy array is shared; a copy
    keeps the graph; ``requires_grad`` unspecified warns (once) for a tensor that requires
    grad, given it is set on a leaf or detaches a non-leaf."""
    t = T.tensor([1.0, 2.0])
    yield "itself", T.asarray(t) is t
    yield "list", T.asarray([1, 2.5])
    yield "number", T.asarray(3)
    yield "dtype", T.asarray([1, 2], dtype=T.float16)
    yield "a copy of another dtype", T.asarray(t, dtype=T.int64)
    a = np.arange(3.0)
    shared = T.asarray(a)
    a[0] = 9.0
    yield "the array's write", shared
    yield "an array copied", T.asarray(np.arange(3), dtype=T.float32)
    x = T.tensor([1.0, 2.0], requires_grad=True)
    with _warning_always(T):
        yield "a leaf that requires grad", T.asarray(x) is x
    y = x * 2
    yield "copy", T.asarray(y, copy=True)
    yield "copy to float64", T.asarray(y, dtype=T.float64)
    yield "copy, requires_grad=False", T.asarray(y, copy=True, requires_grad=False)
    yield "non-leaf, requires_grad=False", T.asarray(y, requires_grad=False)
    yield "non-leaf still requires grad", y.requires_grad
    z = T.tensor([3.0])
    yield "a leaf made to require grad", (T.asarray(z, requires_grad=True) is z, z.requires_grad)
    yield "copy=False, another dtype", raised(lambda: T.asarray(t, dtype=T.float64,
                                                                      copy=False))
    yield "copy=False, a list", raised(lambda: T.asarray([1, 2], copy=False))
    yield "copy=False, an array", raised(lambda: T.asarray(np.ones(2), dtype=T.float32,
                                                                copy=False))
    T.asarray([1, 2], requires_grad=True)


def scalar_tensor_is_a_0d_float(T):
    yield "int", T.scalar_tensor(3)
    yield "bool", T.scalar_tensor(True)
    yield "a 0-d tensor", T.scalar_tensor(T.tensor(2))
    yield "float64, requires_grad", T.scalar_tensor(3.5, dtype=T.float64, requires_grad=True)
    yield "int64", T.scalar_tensor(3, dtype=T.int64)
    T.scalar_tensor([1])


def logspace_values_and_dtypes(T):
    yield "base 10", T.logspace(0, 2, 5)
    yield "base 2", T.logspace(0, 3, 4, base=2)
    yield "base 0.5, float64", T.logspace(-1, 1, 5, base=0.5, dtype=T.float64)
    yield "one step", T.logspace(1, 3, 1)
    yield "no step", T.logspace(0, 1, 0)
    yield "a 0-d tensor start", T.logspace(T.tensor(0.0), 2, 3)
    yield "int64 (truncated)", T.logspace(0, 3, 4, dtype=T.int64)
    yield "int32, base 3", T.logspace(0, 2, 5, base=3, dtype=T.int32)
    yield "requires_grad", T.logspace(0, 1, 3, requires_grad=True)
    yield "bool", raised(lambda: T.logspace(0, 2, 5, dtype=T.bool))
    T.logspace(0, 3, -1)


def tril_and_triu_indices(T):
    yield "tril", T.tril_indices(3, 4)
    yield "tril, offset -1", T.tril_indices(3, 4, -1)
    yield "tril, offset 5", T.tril_indices(3, 3, 5)
    yield "tril, offset -5", T.tril_indices(3, 3, -5)
    yield "triu, offset 1", T.triu_indices(3, 4, 1)
    yield "triu, offset -5", T.triu_indices(3, 3, -5)
    yield "no rows", T.tril_indices(0, 3)
    yield "int32", T.tril_indices(3, 3, dtype=T.int32)
    yield "float", raised(lambda: T.tril_indices(3, 3, dtype=T.float32))
    yield "negative col", raised(lambda: T.tril_indices(3, -3))
    T.triu_indices(-1, 4)


def empty_strided_and_empty_permuted(T):
    """Their values are uninitialised: only shapes and dtypes are compared."""
    yield "strided shape", T.empty_strided((2, 3), (1, 2)).shape
    yield "strided dtype", T.empty_strided((2, 3), (3, 1), dtype=T.float64).dtype
    yield "strided requires_grad", T.empty_strided((2,), (1,), requires_grad=True).requires_grad
    yield "permuted shape", T.empty_permuted((2, 3, 4), (0, 2, 1)).shape
    yield "strides of another length", raised(lambda: T.empty_strided((2, 3), (1,)))
    yield "a negative size", raised(lambda: T.empty_strided((2, -3), (1, 2)))
    yield "a layout of another length", raised(lambda: T.empty_permuted((2, 3, 4), (0, 1)))
    T.empty_permuted((2, 3, 4), (0, 1, 1))


def range_is_deprecated_and_inclusive(T):
    yield "ints", T.range(1, 4)
    yield "step 0.5", T.range(1, 2, 0.5)
    yield "step 0.1", T.range(0, 1, 0.1)
    yield "float64", T.range(0, 1, 0.1, dtype=T.float64)
    yield "int64", T.range(1, 4, dtype=T.int64)
    yield "requires_grad", T.range(0, 2, requires_grad=True)
    yield "wrong sign", raised(lambda: T.range(4, 1))
    T.range(1, 4, 0)


def window_functions(T):
    for name in ("bartlett", "blackman", "hamming", "hann", "kaiser"):
        window = getattr(T, f"{name}_window")
        yield f"{name}", window(5)
        yield f"{name}, symmetric", window(6, periodic=False)
        yield f"{name}, float64", window(7, dtype=T.float64)
        yield f"{name}, one and none", (window(1), window(0))
        yield f"{name}, requires_grad", window(3, requires_grad=True)
        yield f"{name}, int64", raised(lambda: window(4, dtype=T.int64))
    yield "hamming's alpha and beta", T.hamming_window(5, True, 0.5, 0.3)
    yield "kaiser's beta", T.kaiser_window(5, False, 3.0)
    yield "hann, float16", T.hann_window(4, dtype=T.float16)
    T.hann_window(-1)


# -- maths -----------------------------------------------------------------------------------

def row_stack_is_vstack(T):
    yield "rows", T.row_stack([T.ones(3), T.zeros(3)])
    T.row_stack([T.ones(3), T.zeros(2)])


def trapz_and_cumulative_trapezoid(T):
    y = T.tensor([1.0, 2.0, 4.0, 3.0], requires_grad=True)
    x = T.tensor([0.0, 1.0, 3.0, 4.0])
    for label, f in (("trapz", lambda: T.trapz(y)), ("trapz at x", lambda: T.trapz(y, x)),
                     ("cumulative", lambda: T.cumulative_trapezoid(y)),
                     ("cumulative, dx", lambda: T.cumulative_trapezoid(y, dx=2.0)),
                     ("cumulative at x", lambda: T.cumulative_trapezoid(y, x))):
        y.grad = None
        result = f()
        yield label, (result, result.grad_fn, _backward(result, y))
    yield "ints", T.cumulative_trapezoid(T.tensor([1, 2, 4]), T.tensor([0, 1, 3]))
    yield "along dim 0", T.cumulative_trapezoid(T.ones(2, 3), dim=0)
    yield "x of another length", raised(lambda: T.cumulative_trapezoid(y, T.ones(2)))
    yield "bool", raised(lambda: T.cumulative_trapezoid(T.tensor([True, False])))
    T.cumulative_trapezoid(T.tensor(1.0))


def combinations_of_a_vector(T):
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    for label, r, repeats in (("pairs", 2, False), ("triples", 3, False),
                              ("pairs with repeats", 2, True), ("singles", 1, False)):
        x.grad = None
        c = T.combinations(x, r, with_replacement=repeats)
        yield label, (c, c.grad_fn, _backward(c, x))
    yield "r 0", T.combinations(x, 0)
    yield "r 4", T.combinations(x, 4)
    yield "ints", T.combinations(T.tensor([1, 2, 3]), 2, True)
    yield "negative r", raised(lambda: T.combinations(x, -1))
    T.combinations(T.ones(2, 2))


def chain_matmul_is_deprecated(T):
    """The products in multi_dot's cheapest order: (AB)C or A(BC) by their shapes."""
    for shapes in ([(2, 3), (3, 2), (2, 3)], [(1, 5), (5, 3), (3, 7)], [(5, 2), (2, 5), (5, 2)],
                   [(2, 5), (5, 1), (1, 4), (4, 3)], [(2, 3), (3, 4)], [(2, 3)]):
        matrices = [T.arange(1.0, 1 + r * c, dtype=T.float64).reshape(r, c).sin()
                    .requires_grad_() for r, c in shapes]
        with _warning_always(T):
            product = T.chain_matmul(*matrices)
        first = product.grad_fn.next_functions[0][0]
        yield f"{shapes}", (product, product.grad_fn,
                            first and [f for f, _ in first.next_functions],
                            _backward(product, *matrices))
    yield "shapes that do not chain", raised(lambda: T.chain_matmul(T.ones(2, 3),
                                                                         T.ones(2, 3)))
    yield "dtypes", raised(lambda: T.chain_matmul(T.ones(2, 3), T.ones(3, 2).double()))
    yield "none", raised(lambda: T.chain_matmul())
    T.chain_matmul(T.ones(3), T.ones(3))


def isin_elements(T):
    a, b = T.tensor([1, 2, 3, 4]), T.tensor([2, 4, 6])
    yield "isin", T.isin(a, b)
    yield "invert", T.isin(a, b, invert=True)
    yield "assume_unique", T.isin(a, b, assume_unique=True)
    yield "a number", T.isin(3, b)
    yield "a number to test", T.isin(a, 3)
    yield "2-d", T.isin(a.reshape(2, 2), T.tensor([[4]]))
    yield "float against int", T.isin(T.tensor([1.0, 2.0]), T.tensor([2]))
    yield "float64 against float32", T.isin(T.tensor([1.1], dtype=T.float64), T.tensor([1.1]))
    yield "NaN", T.isin(T.tensor([float("nan")]), T.tensor([float("nan")]))
    yield "bool", raised(lambda: T.isin(T.tensor([True]), T.tensor([True])))
    T.isin(1, 2)


def cdist_per_p(T):
    """CdistBackward0 for every p (the gradient torch's kernel gives, 0 where points
    coincide), EuclideanDistBackward0 for p = 2 past 25 rows or when asked."""
    for p in (2.0, 1.0, 0.0, 0.5, 1.5, 3.0, float("inf")):
        x1 = T.tensor([[0.0, 1.0], [2.0, -1.0], [0.5, 0.5]], dtype=T.float64,
                      requires_grad=True)
        x2 = T.tensor([[0.0, 1.0], [1.0, 3.0], [-2.0, 0.5], [0.5, -1.0]], dtype=T.float64,
                      requires_grad=True)
        d = T.cdist(x1, x2, p=p)
        yield f"p={p}", (d, d.grad_fn, _backward(d, x1, x2))
    x1 = T.arange(60.0).reshape(30, 2).sin().requires_grad_()
    x2 = T.arange(56.0).reshape(28, 2).cos().requires_grad_()
    d = T.cdist(x1, x2)
    yield "30 rows", (d, d.grad_fn.next_functions[0][0], _backward(d, x1, x2))
    x1 = T.arange(12.0).reshape(2, 3, 2).sin().requires_grad_()
    x2 = T.arange(8.0).reshape(1, 4, 2).cos()
    d = T.cdist(x1, x2, p=1.5)
    yield "batches broadcast", (d, d.grad_fn, _backward(d, x1))
    x1.grad = None
    d = T.cdist(x1, x2, compute_mode="use_mm_for_euclid_dist")
    yield "by a matrix product", (d, d.grad_fn, _backward(d, x1))
    yield "a negative p", raised(lambda: T.cdist(x1, x2, p=-1))
    yield "columns", raised(lambda: T.cdist(T.ones(3, 2), T.ones(4, 3)))
    yield "ints", raised(lambda: T.cdist(T.ones(2, 3).long(), T.ones(2, 3).long()))
    yield "a mode", raised(lambda: T.cdist(x1, x2, compute_mode="x"))
    T.cdist(T.ones(3), T.ones(3))


def cdist_has_no_second_derivative(T):
    x1 = T.tensor([[0.0, 1.0], [2.0, -1.0]], requires_grad=True)
    x2 = T.tensor([[1.0, 3.0]], requires_grad=True)
    g, = T.autograd.grad(T.cdist(x1, x2).sum(), x1, create_graph=True)
    yield "the gradient's node", (g.grad_fn, [f for f, _ in g.grad_fn.next_functions])
    g.sum().backward()


def vander_matrices(T):
    x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
    for label, kwargs in (("default", {}), ("N=2", {"N": 2}),
                          ("increasing", {"increasing": True})):
        x.grad = None
        v = T.vander(x, **kwargs)
        yield label, (v, v.grad_fn, _backward(v, x))
    yield "N=0", T.vander(x, N=0)
    yield "ints", T.vander(T.tensor([1, 2, 3]))
    yield "int32 becomes int64", T.vander(T.tensor([1, 2], dtype=T.int32))
    yield "bools", T.vander(T.tensor([True, False]))
    yield "negative N", raised(lambda: T.vander(x, N=-1))
    T.vander(T.ones(2, 2))


def unravel_index_coordinates(T):
    yield "0-d", T.unravel_index(T.tensor(4), (3, 2))
    yield "1-d", T.unravel_index(T.tensor([4, 1]), (3, 2))
    yield "a Size, 2-d", T.unravel_index(T.tensor([[7, 1]]), T.Size([2, 2, 2]))
    yield "negative, and past the end", (T.unravel_index(T.tensor(-1), (3, 2)),
                                         T.unravel_index(T.tensor(6), (3, 2)))
    yield "an int shape", T.unravel_index(T.tensor(1), 3)
    yield "int32", T.unravel_index(T.tensor([1], dtype=T.int32), (3,))
    yield "a negative size", raised(lambda: T.unravel_index(T.tensor(1), (3, -2)))
    T.unravel_index(T.tensor(1.0), (3, 2))


def fill_out_of_place(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    f = T.fill(x, 2)
    yield "a number", (f, f.grad_fn, _backward(f, x))
    v = T.tensor(3.0, requires_grad=True)
    f = T.fill(x, v)
    yield "a 0-d tensor", (f, f.grad_fn, _backward(f, v))
    yield "ints", T.fill(T.tensor([1, 2]), 2.7)
    T.fill(x, T.ones(2))


def frobenius_norm_is_deprecated(T):
    x = T.arange(1.0, 7.0).reshape(2, 3).requires_grad_()
    with _warning_always(T):
        n = T.frobenius_norm(x, dim=(0, 1))
    yield "both dims", (n, n.grad_fn, _backward(n, x))
    yield "one dim, keepdim", T.frobenius_norm(x, dim=1, keepdim=True)
    yield "no dim", T.frobenius_norm(x, dim=())
    yield "ints", raised(lambda: T.frobenius_norm(T.ones(2, 3).long(), dim=(0, 1)))
    T.frobenius_norm(T.ones(2, 3, 2), dim=(0, 1, 2))


# -- the *_copy forms of views ---------------------------------------------------------------

_COPIES = {
    "alias_copy": ((3, 4), ()),
    "as_strided_copy": ((3, 4), ((2, 2), (1, 2), 1)),
    "diagonal_copy": ((3, 4), (1, 1, 0)),
    "expand_copy": ((1, 4), ((2, -1),)),
    "permute_copy": ((3, 4), ((1, 0),)),
    "select_copy": ((3, 4), (1, -1)),
    "slice_copy": ((3, 4), (1, -3, None, 2)),
    "split_copy": ((3, 4), (2, 1)),
    "split_with_sizes_copy": ((3, 4), ([1, 2],)),
    "squeeze_copy": ((1, 3, 1), ((0, 2),)),
    "t_copy": ((3, 4), ()),
    "transpose_copy": ((3, 4), (0, 1)),
    "unbind_copy": ((3, 4), (1,)),
    "unfold_copy": ((3, 4), (1, 2, 1)),
    "unsqueeze_copy": ((3, 4), (1,)),
    "view_copy": ((3, 4), ((2, 6),)),
}


def copies_of_views(T):
    """Each ``*_copy`` function: the view's values in a tensor of its own (a write to it
    leaves the input as it was), torch's node (the view's, ``_copy`` appended), the
    view's gradient."""
    for name, (shape, args) in _COPIES.items():
        x = T.arange(1.0, 1 + np.prod(shape)).reshape(shape).requires_grad_()
        result = getattr(T, name)(x, *args)
        pieces = list(result) if isinstance(result, tuple) else [result]
        grads = T.autograd.grad(sum((p * T.arange(1.0, 1 + p.numel()).reshape(p.shape)).sum()
                                    for p in pieces), x)
        yield name, (type(result).__name__, pieces, [p.grad_fn for p in pieces], grads)
        copy = pieces[0].detach()
        copy.zero_()
        yield f"{name}: the input after a write to the copy", x
    with T.no_grad():
        yield "under no_grad", T.permute_copy(x, (1, 0)).requires_grad
    yield "slice_copy's step", raised(lambda: T.slice_copy(x, 0, 0, 2, 0))
    yield "squeeze_copy's dims", T.squeeze_copy(T.ones(1, 3, 1, requires_grad=True), 0).grad_fn
    yield "t_copy of 3 dims", raised(lambda: T.t_copy(T.ones(2, 2, 2)))
    T.select_copy(x, 0, 5)


def detach_copy_has_no_derivative(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    d = T.detach_copy(x)
    yield "detach_copy", (d, d.grad_fn.name(), d.is_leaf)
    d.sum().backward()


def out_arguments(T):
    """The functions here that take ``out=`` in torch: factories take out's dtype."""
    x = T.arange(6.0).reshape(2, 3)
    for label, f in (("logspace", lambda o: T.logspace(0, 1, 3, out=o)),
                     ("range", lambda o: T.range(0, 2, out=o))):
        out = T.empty(0, dtype=T.float64)
        with _warning_always(T):
            result = f(out)
        yield label, (result is out, out)
    for label, f in (
            ("row_stack", lambda o: T.row_stack([x, x], out=o)),
            ("chain_matmul", lambda o: T.chain_matmul(x, x.t(), out=o)),
            ("frobenius_norm", lambda o: T.frobenius_norm(x, (0, 1), out=o)),
            ("permute_copy", lambda o: T.permute_copy(x, (1, 0), out=o)),
            ("slice_copy", lambda o: T.slice_copy(x, 1, 1, out=o))):
        out = T.empty(0)
        with _warning_always(T):
            result = f(out)
        yield label, (result is out, out)
    out = T.empty(0, dtype=T.bool)
    yield "isin", (T.isin(x, T.tensor([1.0, 4.0]), out=out) is out, out)


def gradient_estimates(T):
    """torch.gradient: evenly spaced samples (a number, one per dim), samples at
    coordinates (which get gradients too), first- and second-order ends."""
    x = T.tensor([[1.0, 4.0, 9.0, 16.0, 25.0], [2.0, 3.0, 5.0, 8.0, 13.0]], requires_grad=True)
    at = T.tensor([0.0, 1.0, 1.5, 3.5, 4.0], requires_grad=True)
    for label, kwargs in (("all dims", {}), ("spacing 2", {"spacing": 2.0, "dim": 1}),
                          ("a spacing per dim", {"spacing": [1.0, 0.5]}),
                          ("second order", {"edge_order": 2, "dim": 1}),
                          ("at coordinates", {"spacing": (at,), "dim": 1}),
                          ("at coordinates, second order", {"spacing": [at], "dim": [1],
                                                            "edge_order": 2})):
        x.grad = at.grad = None
        estimates = T.gradient(x, **kwargs)
        total = sum((e * T.arange(1.0, 1 + e.numel()).reshape(e.shape)).sum() for e in estimates)
        total.backward()
        yield label, (estimates, [e.grad_fn for e in estimates], x.grad, at.grad)
    yield "ints", T.gradient(T.tensor([1, 4, 9, 16]), edge_order=2)
    # torch's docstring: a dim of two samples at coordinates (one spacing between them)
    t = T.tensor([[1, 2, 4, 8], [10, 20, 40, 80]])
    yield "two samples at coordinates", T.gradient(
        t, spacing=(T.tensor([0, 2]), T.tensor([0, 3, 6, 9])))
    yield "a 0-d tensor", T.gradient(T.tensor(1.0))
    yield "too short", raised(lambda: T.gradient(T.tensor([1.0, 2.0]), edge_order=2))
    yield "edge_order 3", raised(lambda: T.gradient(x, edge_order=3))
    yield "spacings for every dim", raised(lambda: T.gradient(x, spacing=[1.0, 2.0, 3.0]))
    yield "spacings for the dims", raised(lambda: T.gradient(x, dim=1, spacing=[1.0, 2.0]))
    yield "uint8", raised(lambda: T.gradient(T.tensor([1, 4, 9], dtype=T.uint8)))
    T.gradient(x, spacing=(T.ones(1, 5),), dim=1)


def binomial_draws(T):
    """Draws differ between the two generators: only certain outcomes are compared (0 or
    all trials, at probabilities 0 and 1 and beyond)."""
    count = T.tensor([0.0, 4.0, 3.0, -2.0], requires_grad=True)
    prob = T.tensor([0.5, 1.0, 0.0, 0.5])
    b = T.binomial(count, prob)
    yield "draws", (b, b.grad_fn.name(), b.requires_grad)
    yield "probabilities clamped", T.binomial(T.tensor([5.0, 5.0]), T.tensor([1.5, -0.5]))
    yield "broadcast", T.binomial(T.tensor([5.0, 3.0], dtype=T.float64),
                                  T.tensor([1.0], dtype=T.float64))
    yield "integer counts", raised(lambda: T.binomial(T.tensor([5]), T.tensor([0.5])))
    yield "dtypes", raised(lambda: T.binomial(T.tensor([5.0]), T.tensor([0.5]).double()))
    b.sum().backward()


def histogramdd_of_points(T):
    points = T.tensor([[0.0, 1.0], [1.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.5, 1.5]])
    yield "bins 2", T.histogramdd(points, 2)
    yield "bins per dim, weighted", T.histogramdd(points, [3, 2],
                                                  weight=T.tensor([1.0, 2.0, 4.0, 8.0, 16.0]))
    yield "given edges", T.histogramdd(points, [T.tensor([0.0, 1.0, 2.0]), T.tensor([0.0, 2.0])])
    yield "a range, density", T.histogramdd(points, 2, range=[0.0, 1.0, 0.0, 1.0], density=True)
    yield "3-d points in a batch", T.histogramdd(T.arange(12.0).reshape(2, 2, 3), (1, 2, 3)).hist
    p = points.clone().requires_grad_()
    h = T.histogramdd(p, 2)
    yield "nodes", (h.hist.grad_fn.name(), [e.grad_fn.name() for e in h.bin_edges],
                    [e.output_nr for e in h.bin_edges])
    yield "bins of another length", raised(lambda: T.histogramdd(points, [2]))
    yield "a range of another length", raised(lambda: T.histogramdd(points, 2,
                                                                         range=[0.0, 1.0]))
    yield "ints", raised(lambda: T.histogramdd(points.long(), 2))
    yield "weights of another dtype", raised(lambda: T.histogramdd(
        points, 2, weight=T.ones(5, dtype=T.float64)))
    yield "edges of another dtype", raised(lambda: T.histogramdd(
        points, [T.tensor([0.0, 1.0]).double(), T.tensor([0.0, 2.0])]))
    yield "1-d", raised(lambda: T.histogramdd(T.ones(3), 2))
    h.hist.sum().backward()
