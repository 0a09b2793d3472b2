"""The misuse catalogue: every error and warning the engine must reproduce, one case each.

Learners meet these messages before anything else; the engine must raise the
same exception type with the same text (``torch`` written ``autodiff``), and
warn with the same category and text. Each docstring quotes torch 2.13's
message. A case observes what it can before the mistake, so that a candidate
failing earlier than torch shows where.
"""

import contextlib

import numpy as np

from parity_tests.harness import raised


def _leaf(T, values=(1., 2., 3.), dtype=None):
    return T.tensor(list(values), dtype=dtype or T.float32, requires_grad=True)


def backward_of_non_scalar_without_gradient(T):
    """``RuntimeError: grad can be implicitly created only for scalar outputs``"""
    y = _leaf(T) * 2
    yield "y.shape", y.shape
    y.backward()


def backward_twice(T):
    """``RuntimeError: Trying to backward through the graph a second time (or directly
    access saved tensors after they have already been freed). ...``"""
    x = _leaf(T)
    y = (x * x).sum()
    y.backward()
    yield "x.grad", x.grad
    y.backward()


def requires_grad_on_int_constructor(T):
    """``RuntimeError: Only Tensors of floating point and complex dtype can require gradients``"""
    yield "x", T.tensor([1, 2], requires_grad=True)


def requires_grad_on_int_method(T):
    """``RuntimeError: only Tensors of floating point dtype can require gradients``

    (lower-case "only", and no "complex": torch words each entry point differently)
    """
    x = T.tensor([1, 2])
    yield "x.dtype", x.dtype
    x.requires_grad_()


def requires_grad_on_int_attribute(T):
    """``RuntimeError: only Tensors of floating point and complex dtype can require gradients``"""
    x = T.tensor([1, 2])
    x.requires_grad = True


def requires_grad_on_bool_method(T):
    """``RuntimeError: only Tensors of floating point dtype can require gradients``"""
    x = T.tensor([True, False])
    yield "x.dtype", x.dtype
    x.requires_grad_()


def backward_without_grad_fn(T):
    """``RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn``"""
    x = T.tensor([1., 2.])
    y = (x * 2).sum()
    yield "y.grad_fn", y.grad_fn
    y.backward()


def in_place_on_leaf_requiring_grad(T):
    """``RuntimeError: a leaf Variable that requires grad is being used in an in-place
    operation.``"""
    x = _leaf(T)
    x.add_(1)


def in_place_on_view_of_leaf(T):
    """``RuntimeError: a view of a leaf Variable that requires grad is being used in an
    in-place operation.``"""
    x = _leaf(T)
    x[0].mul_(2)


def item_assignment_on_leaf(T):
    """``x[0] = 5.`` writes into a view of the leaf: same error as above."""
    x = _leaf(T)
    x[0] = 5.


def _modified_after_exp(T, dtype):
    """exp saves its result; modifying that result in place breaks the backward pass."""
    x = _leaf(T, dtype=dtype)
    y = x.exp()
    y.add_(1)
    yield "y", y
    y.sum().backward()


def version_counter_float(T):
    """``RuntimeError: one of the variables needed for gradient computation has been modified
    by an inplace operation: [torch.FloatTensor [3]], which is output 0 of Exp, is at
    version 1; expected version 0 instead. Hint: ...``"""
    yield from _modified_after_exp(T, T.float32)


def version_counter_double(T):
    """As above, with ``[torch.DoubleTensor [3]]``."""
    yield from _modified_after_exp(T, T.float64)


def version_counter_of_input(T):
    """mul saves its inputs: modifying x under no_grad after use is caught at backward.

    ``... [torch.FloatTensor [3]] is at version 1; expected version 0 instead. Hint: ...``
    (a leaf is not the output of anything, so the message names no op)
    """
    x = _leaf(T)
    y = (x * x).sum()
    with T.no_grad():
        x.mul_(2)
    yield "x", x
    y.backward()


def retain_grad_without_requires_grad(T):
    """``RuntimeError: can't retain_grad on Tensor that has requires_grad=False``"""
    T.tensor([1., 2.]).retain_grad()


def gradient_shape_mismatch(T):
    """``RuntimeError: Mismatch in shape: grad_output[0] has a shape of torch.Size([2]) and
    output[0] has a shape of torch.Size([3]).``"""
    y = _leaf(T) * 2
    y.backward(T.ones(2))


def numpy_of_tensor_requiring_grad(T):
    """``RuntimeError: Can't call numpy() on Tensor that requires grad. Use
    tensor.detach().numpy() instead.``"""
    yield "detached", _leaf(T).detach().numpy().tolist()
    with T.no_grad():                # torch refuses only while grad mode is on
        yield "under no_grad", _leaf(T).numpy().tolist()
    _leaf(T).numpy()


def requires_grad_of_non_leaf_attribute(T):
    """``RuntimeError: you can only change requires_grad flags of leaf variables. If you want
    to use a computed variable in a subgraph that doesn't require differentiation use
    var_no_grad = var.detach().``"""
    y = _leaf(T) * 2
    y.requires_grad = False


def requires_grad_of_non_leaf_method(T):
    """Same message as above, through ``y.requires_grad_(False)``."""
    y = _leaf(T) * 2
    y.requires_grad_(False)


def grad_of_non_leaf_warns(T):
    """``UserWarning: The .grad attribute of a Tensor that is not a leaf Tensor is being
    accessed. Its .grad attribute won't be populated during autograd.backward(). ...``

    torch's "(Triggered internally at ...)" suffix is not part of the message.
    """
    y = _leaf(T) * 2
    y.sum().backward()
    yield "y.grad", y.grad


def retained_grad_does_not_warn(T):
    """After ``retain_grad()``, reading a non-leaf's grad is fine: no warning."""
    y = _leaf(T) * 2
    y.retain_grad()
    y.sum().backward()
    yield "y.grad", y.grad


def assigned_grad_of_non_leaf_does_not_warn(T):
    """A grad assigned to a non-leaf (as torch's differentiable optimizers take) reads
    without the warning: torch warns only while the non-leaf has no grad."""
    y = _leaf(T) * 2
    y.grad = T.ones(3)
    yield "y.grad", y.grad


def in_place_write_keeps_the_old_value_for_the_other_operand(T):
    """``a.mul_(y)`` with only ``y`` requiring grad: d/dy is the old ``a``, which the
    node keeps although ``a`` itself changes (here twice)."""
    y = _leaf(T)
    a = T.tensor([1., 2., 3.])
    a.mul_(y)
    a.div_(y * 2)
    yield "a", a
    a.sum().backward()
    yield "y.grad", y.grad


def item_of_many_elements(T):
    """``RuntimeError: a Tensor with 3 elements cannot be converted to Scalar``"""
    yield "one element", T.tensor([2.5]).item()
    T.tensor([1., 2., 3.]).item()


def mm_shape_mismatch(T):
    """``RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)``"""
    T.mm(T.ones(2, 3), T.ones(2, 3))


def mm_of_vectors(T):
    """``RuntimeError: self must be a matrix``"""
    T.mm(T.ones(3), T.ones(3))


def matmul_vector_mismatch(T):
    """``RuntimeError: inconsistent tensor size, expected tensor [3] and src [2] to have the
    same number of elements, but got 3 and 2 elements respectively``"""
    T.matmul(T.ones(3), T.ones(2))


def matmul_matrix_mismatch(T):
    """``@`` of 2x3 by 2x3: ``RuntimeError: mat1 and mat2 shapes cannot be multiplied
    (2x3 and 2x3)``"""
    T.ones(2, 3) @ T.ones(2, 3)


def matmul_dtype_mismatch(T):
    """``@`` of float by double: ``RuntimeError: expected m1 and m2 to have the same dtype,
    but got: float != double``"""
    T.ones(2, 3) @ T.ones(3, 2, dtype=T.float64)


def meshgrid_without_indexing_warns(T):
    """``UserWarning: torch.meshgrid: in an upcoming release, it will be required to pass
    the indexing argument.`` (once per process; every time after ``set_warn_always``)"""
    with _warning_always(T):
        yield "grids", T.meshgrid(T.tensor([1., 2.]), T.tensor([3., 4., 5.]))


def cross_without_dim_warns(T):
    """``UserWarning: Using torch.cross without specifying the dim arg is deprecated...``
    (once per process, as meshgrid's); the first dim of size 3 is used."""
    with _warning_always(T):
        yield "cross", T.cross(T.tensor([[1., 0., 2.], [0., 1., 1.]]).t(),
                               T.tensor([[0., 1., 1.], [2., 1., 0.]]).t())


@contextlib.contextmanager
def _warning_always(T):
    """torch warns about some things once per process: for a case that must see the
    warning whatever ran before, ``set_warn_always(True)`` while it runs."""
    before = T.is_warn_always_enabled()
    T.set_warn_always(True)
    try:
        yield
    finally:
        T.set_warn_always(before)


def floor_divide_has_no_derivative(T):
    """``RuntimeError: derivative for aten::floor_divide is not implemented`` (at backward;
    the node is a NotImplemented)."""
    x = _leaf(T, (3.5, 7.0))
    y = x // 2
    yield "grad_fn", y.grad_fn.name()
    y.sum().backward()


def integer_remainder_by_zero(T):
    """``RuntimeError: ZeroDivisionError``"""
    T.tensor([5, -3]) % T.tensor([2, 0])


def broadcast_mismatch(T):
    """``RuntimeError: The size of tensor a (3) must match the size of tensor b (2) at
    non-singleton dimension 1``"""
    T.ones(2, 3) + T.ones(2, 2)


def grad_assignment_wrong_size(T):
    """``RuntimeError: attempting to assign a gradient of size '[3]' to a tensor of size
    '[2]'. Please ensure that the gradient and the tensor are the same size``"""
    x = _leaf(T, (1., 2.))
    x.grad = T.ones(3)


def grad_assignment_wrong_dtype(T):
    """``RuntimeError: attempting to assign a gradient with dtype 'double' to a tensor with
    grad_dtype 'Float'. The gradient must match the tensor's grad_dtype ...``"""
    x = _leaf(T, (1., 2.))
    x.grad = T.ones(2, dtype=T.float64)


def backward_with_empty_inputs(T):
    """``RuntimeError: `inputs` argument to `backward()` cannot be empty.``"""
    x = _leaf(T)
    (x * 2).sum().backward(inputs=[])


def lerp_end_of_another_dtype(T):
    """``RuntimeError: expected dtype float for `end` but got dtype double`` (lerp does
    not promote)"""
    T.lerp(T.ones(2), T.ones(2, dtype=T.float64), 0.5)


def lerp_weight_of_another_dtype(T):
    """``RuntimeError: expected dtype float for `weight` but got dtype long int`` (a 0-d
    weight is cast; a weight with dimensions is not)"""
    yield "0-d weight", T.lerp(T.zeros(2), T.ones(2), T.tensor(1))
    T.lerp(T.zeros(2), T.ones(2), T.tensor([0, 1]))


def lerp_of_integers(T):
    """``NotImplementedError: "lerp_kernel_scalar" not implemented for 'Long'``"""
    T.lerp(T.tensor([1, 2]), T.tensor([3, 4]), 0.5)


def addcdiv_of_integers(T):
    """``RuntimeError: Integer division with addcdiv is no longer supported, ...``"""
    yield "an integer input", T.addcdiv(T.tensor([1, 2]), T.ones(2), T.ones(2))
    T.addcdiv(T.ones(2), T.tensor([1, 2]), T.tensor([3, 4]))


def addcmul_in_place_into_a_smaller_tensor(T):
    """``RuntimeError: output with shape [3] doesn't match the broadcast shape [2, 3]``"""
    T.ones(3).addcmul_(T.ones(2, 3), T.ones(3))


def addcdiv_divisor_modified_in_place(T):
    """addcdiv keeps its divisor for every gradient (torch saves and checks it even when
    only ``input`` needs one), the numerator only for the divisor's:
    ``RuntimeError: one of the variables needed for gradient computation has been
    modified by an inplace operation: ...``"""
    a = _leaf(T)
    b, c = T.ones(3), T.full((3,), 2.0)
    y = T.addcdiv(a, b, c)
    b.mul_(2)
    y.sum().backward(retain_graph=True)
    yield "a.grad after the numerator changed", a.grad
    c.mul_(2)
    y.sum().backward()


def _both_saved_inputs_modified(code):
    def case(T):
        """Both tensors a node saved were modified in place: torch checks them in the order
        of their saved names (``other`` before ``self``, ``mat2`` before ``self``), and the
        error names the first that fails."""
        a, b = T.ones(2, 3, requires_grad=True) * 1, T.ones(1, 3, requires_grad=True) * 1
        y = eval(code, {"torch": T, "a": a, "b": b})
        yield "y.grad_fn", type(y.grad_fn).__name__
        with T.no_grad():
            a.mul_(2)
            b.mul_(2)
        y.sum().backward()
    return case


CASES = {f"both_saved_inputs_modified_{name}": _both_saved_inputs_modified(code)
         for name, code in [("mul", "a * b"), ("mm", "a @ b.T"), ("pow", "a ** b"),
                            ("addcmul", "torch.addcmul(a, a, b)"),
                            ("maximum", "torch.maximum(a, b)")]}


def saved_input_and_result_both_modified(T):
    """amax saves its input and its result; when both were modified in place, torch
    checks the inputs first, and the error names the input (found by the fuzzer)."""
    a = T.ones(2, 3, requires_grad=True) * 1
    y = a.amax(dim=-1)
    with T.no_grad():
        a.mul_(2)
    y.unsqueeze(0)[0] = 0.0
    yield "y.grad_fn", type(y.grad_fn).__name__
    y.sum().backward()


def clamp_in_place_of_an_int_to_a_float(T):
    """``RuntimeError: result type Float can't be cast to the desired output type long
    int`` (clamp_'s number overload names the C type; clip_ is the same op)"""
    yield "clip_ of floats", T.tensor([1.0, 2.0]).clip_(max=1.5)
    T.tensor([1, 2]).clip_(min=0.5)


def expand_to_fewer_dims(T):
    """``RuntimeError: expand(torch.LongTensor{[2, 3]}, size=[3]): the number of sizes
    provided (1) must be greater or equal to the number of dimensions in the tensor (2)``
    (the tensor's legacy type name, for every dtype)"""
    for name in ("float32", "float64"):
        try:
            T.ones(2, 3, dtype=getattr(T, name)).expand(3)
        except RuntimeError as e:
            yield name, str(e)
    T.ones(2, 3, dtype=T.long).expand(3)


def einsum_mistakes(T):
    """``RuntimeError: einsum(): the number of subscripts in the equation (2) does not match
    the number of dimensions (1) for operand 0 and no ellipsis was given`` -- and the other
    equation errors, each as torch words it."""
    a, b = T.ones(2, 3), T.ones(3, 4)
    for equation, operands in (("ij,jk->k", (a, b, b)), ("ij,kl", (a,)), ("ij->i,j", (a,)),
                               ("ij,jk->ii", (a, b)), ("i.j", (a,)), ("ij,ij", (a, b)),
                               ("ij->q", (a,)), ("i2", (a,))):
        try:
            T.einsum(equation, *operands)
        except RuntimeError as e:
            yield equation, str(e)
    T.einsum("ij", T.ones(2))


def split_into_unequal_sections(T):
    """``RuntimeError: torch.hsplit attempted to split along dimension 1, but the size of
    the dimension 3 is not divisible by the split_size 2!``"""
    yield "sections of 0", str(_raised(lambda: T.tensor_split(T.ones(3), 0)))
    yield "vsplit of a vector", str(_raised(lambda: T.vsplit(T.ones(3), 1)))
    T.hsplit(T.ones(2, 3), 2)


def take_along_dim_with_float_indices(T):
    """``RuntimeError: torch.take_along_dim(): dtype of indices should be Long but got
    Float``"""
    x = T.ones(2, 3)
    yield "fewer dims", str(_raised(lambda: T.take_along_dim(x, T.tensor([0]), 1)))
    T.take_along_dim(x, T.tensor([[0.0]]), 1)


def matrix_power_of_a_non_square_matrix(T):
    """``RuntimeError: linalg.matrix_power: A must be batches of square matrices, but they
    are 2 by 3 matrices``"""
    yield "a vector", str(_raised(lambda: T.matrix_power(T.ones(3), 2)))
    T.ones(2, 3).matrix_power(2)


def repeat_interleave_negative(T):
    """``RuntimeError: Repeats must be non-negative``"""
    yield "counts of wrong length", str(_raised(
        lambda: T.ones(2, 3).repeat_interleave(T.tensor([1, 2, 3]), dim=0)))
    T.ones(2).repeat_interleave(-1)


def movedim_repeated_dims(T):
    """``RuntimeError: movedim: repeated dim in `source` ([0, 0])``"""
    x = T.ones(2, 3, 4)
    yield "lengths differ", str(_raised(lambda: x.movedim([0, 1], [1])))
    x.movedim([0, 0], [1, 2])


def cat_of_nothing(T):
    """``ValueError: torch.cat(): expected a non-empty list of Tensors`` (the message
    names the framework)"""
    yield "stack of nothing", str(_raised(lambda: T.stack([])))
    T.cat([])


def integer_result_of_a_tensor_requiring_grad(T):
    """``RuntimeError: Autograd not support dtype: Long`` -- asking sum for an integer
    result; a conversion (``x.long()``) instead has no history at all."""
    x = T.tensor([1.5, 2.5], requires_grad=True)
    yield "x.long()", x.long()
    yield "requires_grad", x.long().requires_grad
    yield "mean", str(_raised(lambda: x.mean(dtype=T.int64)))
    x.sum(dtype=T.int64)


def kthvalue_out_of_range(T):
    """``RuntimeError: kthvalue(): selected number k out of range for dimension 1``"""
    x = T.tensor([[3.0, 1.0, 2.0]], requires_grad=True)
    yield "k = 3", x.kthvalue(3, 1)
    x.kthvalue(4, 1)


def std_mean_of_integers(T):
    """``RuntimeError: std_mean only support floating point and complex dtypes``"""
    yield "floats", T.std_mean(T.tensor([1.0, 2.0]))
    T.std_mean(T.tensor([1, 2]))


def cov_with_float_frequency_weights(T):
    """``RuntimeError: cov(): expected fweights to have integral dtype but got fweights with
    Float dtype``"""
    x = T.tensor([[1.0, 2.0, 4.0], [0.0, 1.0, 1.0]])
    yield "integer fweights", T.cov(x, fweights=T.tensor([1, 2, 1]))
    T.cov(x, fweights=T.tensor([1.0, 2.0, 1.0]))


def aminmax_of_nothing(T):
    """``RuntimeError: aminmax(): cannot compute aminmax over an empty dimension as the
    operation has no identity.``"""
    yield "along a non-empty dim", T.aminmax(T.ones(0, 2), dim=1)
    T.aminmax(T.ones(0, 2))


def _raised(fn):
    try:
        fn()
    except RuntimeError as error:
        return error
    return None


def take_out_of_range(T):
    """``IndexError: out of range: tried to access index 6 on a tensor of 6 elements.`` --
    and the other index mistakes of take, put, index_fill and index_copy, each as torch
    words it."""
    x = T.ones(2, 3)
    for name, f in (("take float", lambda: T.take(x, T.tensor([1.0]))),
                    ("put int32", lambda: x.put(T.tensor([1], dtype=T.int32), T.ones(1))),
                    ("put dtype", lambda: x.put(T.tensor([1]), T.ones(1, dtype=T.float64))),
                    ("index_fill float", lambda: x.index_fill(1, T.tensor([1.0]), 1.0)),
                    ("index_fill matrix", lambda: x.index_fill(1, T.tensor([[1]]), 1.0)),
                    ("index_fill value", lambda: x.index_fill(1, T.tensor([1]), T.ones(1))),
                    ("index_fill range", lambda: x.index_fill(1, T.tensor([3]), 1.0)),
                    ("index_copy float", lambda: x.index_copy(1, T.tensor([1.0]), T.ones(2, 1))),
                    ("index_copy dtype", lambda: x.index_copy(
                        1, T.tensor([1]), T.ones(2, 1, dtype=T.float64))),
                    ("index_copy slices", lambda: x.index_copy(1, T.tensor([1]), T.ones(3, 1))),
                    ("index_copy count", lambda: x.index_copy(1, T.tensor([1, 2]), T.ones(2, 1))),
                    ("index_copy negative", lambda: x.index_copy(1, T.tensor([-1]),
                                                                 T.ones(2, 1)))):
        yield name, raised(f)
    T.take(x, T.tensor([6]))


def masked_scatter_with_too_small_a_source(T):
    """``RuntimeError: Number of elements of source < number of ones in mask`` -- and the
    mask's and source's dtypes, and select_scatter/slice_scatter's shapes."""
    x = T.ones(2, 3)
    mask = T.tensor([True, False, True])
    for name, f in (("mask of ints", lambda: x.masked_scatter(T.tensor([1, 0, 1]), T.ones(6))),
                    ("source dtype", lambda: x.masked_scatter(mask, T.ones(6, dtype=T.float64))),
                    ("source a number", lambda: x.masked_scatter(mask, 1.0)),
                    ("select_scatter shape", lambda: T.select_scatter(x, T.ones(2), 0, 1)),
                    ("select_scatter index", lambda: T.select_scatter(x, T.ones(3), 0, 2)),
                    ("slice_scatter shape", lambda: T.slice_scatter(x, T.ones(2, 3), 1, 0, 3, 2))):
        yield name, raised(f)
    x.masked_scatter(mask, T.ones(3))


def renorm_of_a_vector(T):
    """``RuntimeError: renorm: input needs at least 2 dimensions, got 1 dimensions`` -- and
    the other argument errors of renorm, heaviside, ldexp, block_diag, cartesian_prod,
    unfold, bincount, histc, searchsorted and unique."""
    x = T.ones(2, 3)
    for name, f in (("renorm p", lambda: x.renorm(0, 0, 1)),
                    ("renorm maxnorm", lambda: x.renorm(2, 0, -1)),
                    ("renorm integers", lambda: T.tensor([[1, 2]]).renorm(2, 0, 1)),
                    ("heaviside dtypes", lambda: T.heaviside(x, T.ones(3, dtype=T.float64))),
                    ("heaviside number", lambda: T.heaviside(x, 0.5)),
                    ("ldexp number", lambda: T.ldexp(x, 2)),
                    ("block_diag 3-d", lambda: T.block_diag(T.ones(1, 1, 1))),
                    ("cartesian_prod 2-d", lambda: T.cartesian_prod(x)),
                    ("unfold size", lambda: x.unfold(1, 4, 1)),
                    ("unfold step", lambda: x.unfold(1, 2, 0)),
                    ("bincount negative", lambda: T.bincount(T.tensor([-1]))),
                    ("bincount weights", lambda: T.bincount(T.tensor([1, 2]), T.ones(1))),
                    ("histc integers", lambda: T.histc(T.tensor([1, 2]), 3)),
                    ("histc range", lambda: T.histc(T.ones(2), 3, min=2, max=1)),
                    ("histc bins", lambda: T.histc(T.ones(2), -1)),
                    ("searchsorted shapes", lambda: T.searchsorted(T.ones(1, 2), T.ones(1))),
                    ("searchsorted side", lambda: T.searchsorted(T.ones(2), T.ones(1),
                                                                 side="left", right=True)),
                    ("bucketize boundaries", lambda: T.bucketize(T.ones(2), T.ones(1, 2))),
                    ("unique dim", lambda: T.unique(T.ones(1, 2), dim=3))):
        yield name, raised(f)
    T.ones(3).renorm(2, 0, 1)


def backward_through_heaviside_unique_or_bincount(T):
    """``RuntimeError: derivative for aten::heaviside is not implemented`` -- unique's
    is a NotImplementedError (``the derivative for '_unique2' is not implemented.``)."""
    x = _leaf(T)
    u = T.unique(x)
    yield "unique", (u, type(u.grad_fn).__name__)
    yield "unique backward", raised(lambda: u.sum().backward())
    w = T.bincount(T.tensor([0, 2, 2]), weights=x)
    yield "bincount", (w, w.grad_fn.name())
    yield "bincount backward", raised(lambda: w.sum().backward())
    yield "histc", T.histc(x, 3).requires_grad
    T.heaviside(x, x).sum().backward()


def split_of_a_0_dim_tensor(T):
    """``RuntimeError: split expects at least a 1-dimensional tensor``"""
    T.tensor(3.).split(1, 0)


def chunk_of_a_0_dim_tensor(T):
    """``RuntimeError: chunk expects at least a 1-dimensional tensor``"""
    T.tensor(3.).chunk(1)


def unbind_of_a_0_dim_tensor(T):
    """``IndexError: Dimension specified as 0 but tensor has no dimensions``"""
    T.tensor(3.).unbind(-1)


def select_of_a_0_dim_tensor(T):
    """``IndexError: select() cannot be applied to a 0-dim tensor.``"""
    T.tensor(3.).select(0, 0)


def select_out_of_range(T):
    """``IndexError: select(): index -5 out of range for tensor of size [2, 3] at dimension 1``"""
    T.zeros(2, 3).select(-1, -5)


def int_index_of_a_0_dim_tensor(T):
    """``IndexError: invalid index of a 0-dim tensor. Use `tensor.item()` in Python ...``"""
    T.tensor(3.)[0]


def too_many_indices(T):
    """``IndexError: too many indices for tensor of dimension 2``"""
    T.zeros(2, 3)[0, 0, 0]


def index_out_of_range_counts_dims_by_position(T):
    """``IndexError: index 5 is out of bounds for dimension 2 with size 3``"""
    T.zeros(2, 3)[None, 0, 5]


def index_tensor_out_of_range(T):
    """``IndexError: index 5 is out of bounds for dimension 0 with size 3``"""
    T.zeros(3)[T.tensor([0, 5])]


def float_tensor_as_an_index(T):
    """``IndexError: tensors used as indices must be long, int, byte or bool tensors``"""
    T.zeros(3)[T.tensor([1.0])]


def index_put_of_values_of_the_wrong_shape(T):
    """``RuntimeError: shape mismatch: value tensor of shape [3] cannot be broadcast to
    indexing result of shape [2]``: nothing is written"""
    a = T.zeros(3)
    try:
        a[T.tensor([0, 1])] = T.tensor([1., 2., 3.])
    finally:
        yield "a unchanged", a


def index_put_of_values_of_another_dtype(T):
    """``RuntimeError: Index put requires the source and destination dtypes match, got
    Float for the destination and Long for the source.``"""
    a = T.zeros(3)
    a[T.tensor([0, 1])] = T.tensor([1, 2])


def default_dtype_must_be_floating(T):
    """``TypeError: only floating-point types are supported as the default type``"""
    T.set_default_dtype(T.int64)


def ragged_nested_lists(T):
    """``ValueError: expected sequence of length 2 at dim 1 (got 1)``"""
    T.tensor([[1, 2], [3]])


def ragged_nested_lists_deeper(T):
    """``ValueError: expected sequence of length 2 at dim 2 (got 1)``"""
    T.tensor([[[1, 2], [3, 4]], [[1, 2], [3]]])

def float_of_a_tensor_of_several_elements(T):
    """``ValueError: only one element tensors can be converted to Python scalars``
    (``.item()`` says it differently: a RuntimeError)"""
    float(T.zeros(2))


def int_of_a_tensor_of_several_elements(T):
    """``ValueError: only one element tensors can be converted to Python scalars``"""
    int(T.zeros(2))


def hook_changes_the_shape_of_a_gradient(T):
    """``RuntimeError: hook '<lambda>' has changed the size of value``"""
    x = _leaf(T)
    x.register_hook(lambda g: g.sum())
    (x * 2).sum().backward()


def inference_tensor_written_in_place_outside_inference_mode(T):
    """``RuntimeError: Inplace update to inference tensor outside InferenceMode is not
    allowed.You can make a clone to get a normal tensor before doing inplace update.See
    https://github.com/pytorch/rfcs/pull/17 for more details.``"""
    with T.inference_mode():
        x = T.ones(2)
        x.add_(1)                       # inside: allowed
    yield "x", x
    with T.no_grad():
        x.add_(1)


def inference_tensor_saved_for_backward(T):
    """``RuntimeError: Inference tensors cannot be saved for backward. ...``"""
    with T.inference_mode():
        x = T.ones(2)
    w = _leaf(T, (1., 2.))
    yield "w + x", (w + x).sum()        # add saves nothing: allowed
    (w * x).sum()


def version_counter_of_an_inference_tensor(T):
    """``RuntimeError: Inference tensors do not track version counter.``"""
    with T.inference_mode():
        x = T.ones(2) * 2
    yield "x", x
    x._version


def number_that_does_not_fit_the_dtype(T):
    """``RuntimeError: value cannot be converted to type uint8_t without overflow`` -- a
    Python number written into a tensor (``x[i] = v``, a mask, ``fill_``, ``masked_fill``,
    ``full``) must fit its dtype; ``ValueError: Overflow when unpacking long long`` for an
    integer beyond 64 bits written as ``x[i] = v``, ``OverflowError`` as a C++ Scalar.
    Arithmetic wraps instead, and ``x[i] = v`` rounds float16 to infinity."""
    for dtype, value in ((T.uint8, 300), (T.uint8, -255), (T.uint8, -256), (T.uint8, -1.0),
                         (T.uint8, 255.5), (T.int8, -129), (T.int32, 3.7),
                         (T.int32, float("inf")), (T.int64, 2 ** 63), (T.int64, 9.3e18),
                         (T.float32, 1e300), (T.float32, float("nan")), (T.float16, 1e5),
                         (T.float16, 2 ** 63), (T.bfloat16, 1e39), (T.float32, 2 ** 64),
                         (T.float32, -2 ** 63 - 1), (T.bool, 0.5)):
        x = T.zeros(3, dtype=dtype)
        for how, write in (("x[0] = v", lambda: x.__setitem__(0, value)),
                           ("x[mask] = v", lambda: x.__setitem__(x == 0, value)),
                           ("fill_", lambda: x.fill_(value)),
                           ("masked_fill", lambda: x.masked_fill(x == 0, value)),
                           ("full", lambda: T.full((2,), value, dtype=dtype))):
            yield f"{str(dtype).split('.')[1]} {value!r} {how}", raised(write) or x.tolist()
    yield "uint8 + 300 wraps", (T.zeros(2, dtype=T.uint8) + 300).tolist()


def float_of_a_tensor_that_requires_grad(T):
    """``UserWarning: Converting a tensor with requires_grad=True to a scalar may lead to
    unexpected behavior. Consider using tensor.detach() first.`` -- once per process
    (shown every time here, under ``set_warn_always``); not under ``no_grad``, not for
    ``item()`` or ``int()``."""
    x = T.tensor([2.5, -1.0], requires_grad=True)
    T.set_warn_always(True)
    try:
        yield "float(x[0] * 2)", float(x[0] * 2)
        yield "int(x[1])", int(x[1])
        yield "x[0].item()", x[0].item()
        with T.no_grad():
            yield "under no_grad", float(x[1])
        yield "float(x)", raised(lambda: float(x))
    finally:
        T.set_warn_always(False)


def expand_names_the_last_dim_that_does_not_fit(T):
    """``RuntimeError: The expanded size of the tensor (1) must match the existing size (3)
    at non-singleton dimension 2.  Target sizes: [2, 3, 1].  Tensor sizes: [2, 3]`` --
    torch checks from the last dim; ``-1`` in a new leading dim is refused too; so is
    ``x[..., None] = v``'s value that does not fit."""
    for shape, sizes in (((2, 3), (2, 3, 1)), ((2, 3), (4, 2, 3, 1)), ((2, 1), (3, 1)),
                         ((3,), (-1, 3)), ((3,), (-1, 2)), ((2, 1), (-1, 4))):
        yield f"{shape} to {sizes}", raised(lambda: T.ones(*shape).expand(*sizes)) \
            or T.ones(*shape).expand(*sizes).shape
    x = T.zeros(2, 3)
    yield "x[..., None] = v", raised(lambda: x.__setitem__((..., None), T.ones(2, 3)))


def expanded_writes_warn_before_their_checks(T):
    """``UserWarning: Use of masked_fill_ on expanded tensors is deprecated. ...`` --
    masked_fill_ checks its value's dims and its mask's dtype, then warns, then checks the
    shapes (self's first); index_fill_ checks the value and the index's dtype first;
    index_put_ warns before any check (and, with one mask and one value, warns again as
    masked_fill_ once the mask fits). A leaf's error comes before the warning."""
    mask = T.tensor([[True, False, True], [False, True, False]])
    i = T.tensor([0, 2])
    calls = {
        "masked_fill_ int mask": lambda e: e.masked_fill_(mask.long(), 2.0),
        "masked_fill_ 1-d value": lambda e: e.masked_fill_(mask, T.tensor([2.0])),
        "masked_fill_ both": lambda e: e.masked_fill_(mask.long(), T.tensor([2.0])),
        "masked_fill_ mask of another shape": lambda e: e.masked_fill_(T.tensor([True, False]), 2.0),
        "masked_fill_ larger mask": lambda e: e.masked_fill_(T.ones(4, 2, 3, dtype=T.bool), 2.0),
        "masked_fill_ int8 overflow": lambda e: T.zeros(3, dtype=T.int8).expand(2, 3).masked_fill_(mask, 300),
        "index_fill_ dim": lambda e: e.index_fill_(3, i, 2.0),
        "index_fill_ index out of range": lambda e: e.index_fill_(1, T.tensor([5]), 2.0),
        "index_fill_ float index": lambda e: e.index_fill_(1, T.tensor([0.0]), 2.0),
        "index_fill_ 1-d value": lambda e: e.index_fill_(1, i, T.tensor([2.0])),
        "index_put_ values' shape": lambda e: e.index_put_((T.tensor([0, 1]),), T.tensor([1.0, 2.0])),
        "index_put_ values' dtype": lambda e: e.index_put_((i[:1],), T.tensor([1.0], dtype=T.float64)),
        "index_put_ mask's shape": lambda e: e.index_put_((T.tensor([True]),), T.tensor([1.0])),
        "index_put_ one mask, one value": lambda e: e.index_put_((mask,), T.tensor(1)),
        "index_put_ mask's shape, one value": lambda e: e.index_put_((T.tensor([True, False, True]),), T.tensor(1.0)),
        "index_put_ accumulate, dtype": lambda e: e.index_put_((mask,), T.tensor(1), accumulate=True),
        "a leaf's view": lambda e: T.ones(3, requires_grad=True).expand(2, 3).masked_fill_(mask, 2.0),
    }
    for name, call in calls.items():
        e = T.zeros(3).expand(2, 3)
        yield name, (raised(lambda: call(e)), e)
    yield "out of place, the shapes first", raised(
        lambda: T.zeros(2, 3).masked_fill(T.tensor([True, False]).long(), T.tensor([2.0])))
    yield "index_fill, the index's dtype first", raised(
        lambda: T.zeros(2, 3).index_fill(5, T.tensor([0.0]), T.tensor([2.0])))


def index_ops_on_a_0_dim_tensor(T):
    """index_fill, index_copy, index_select and index_add take a 0-d tensor as one element
    along dim 0 (found while fixing the fuzzer's); ``RuntimeError: index_select(): Index to
    scalar can have only 1 value, got 2 value(s)``, ``IndexError: index_copy_(): When
    source is scalar, index should have one element (got 2)``."""
    x = T.tensor(3.0, requires_grad=True)
    s = T.tensor(4.0, requires_grad=True)
    for index in ([0], 0, [-1], [1], [0, 0]):
        i = T.tensor(index)
        yield f"index_fill at {index}", raised(lambda: x.index_fill(0, i, s)) or x.index_fill(0, i, s)
        yield f"index_copy at {index}", raised(lambda: x.index_copy(0, i, s)) or x.index_copy(0, i, s)
        yield f"index_select at {index}", raised(lambda: x.index_select(0, i)) or x.index_select(0, i)
    for name, f in (("index_fill", lambda: x.index_fill(0, T.tensor([0]), s)),
                    ("index_copy", lambda: x.index_copy(0, T.tensor([0]), s)),
                    ("index_select", lambda: x.index_select(-1, T.tensor([0])) * s),
                    ("index_add", lambda: x.index_add(0, T.tensor(0), s, alpha=3))):
        x.grad = s.grad = None
        y = f()
        y.backward()
        yield name, (y, x.grad, s.grad)
    z = x * 1
    z.index_fill_(0, T.tensor([0]), 7.0)
    yield "index_fill_", z


def functions_refuse_a_first_argument_that_is_not_a_tensor(T):
    """``torch.sin(3)``: "sin(): argument 'input' (position 1) must be Tensor, not int",
    for every function whose first parameter is a tensor (its name in the message). (Where
    torch has several signatures, ``mm``, ``clamp_min``..., its message lists them;
    autodiff's is this one.)"""
    for name in ("sin", "exp", "sum", "mean", "relu", "sigmoid", "abs", "absolute",
                 "matmul", "softmax", "argmax", "max", "where",
                 "is_nonzero", "flatten", "transpose", "squeeze", "cumsum", "sqrt", "sin_",
                 "detach", "is_floating_point", "numel", "conv_transpose2d", "hardshrink"):
        yield name, raised(lambda: getattr(T, name)([1.0, 2.0]))
    yield "with out=", raised(lambda: T.sin([1.0], out=T.empty(1)))
    yield "an array", raised(lambda: T.sin(np.ones(2)))
    yield "an array as out", raised(lambda: T.exp(T.ones(2), out=np.ones(2)))


def functions_of_tensors_refuse_what_is_not_one(T):
    """``torch.cat([t, 2])``: "expected Tensor as element 1 in argument 0, but got int";
    ``torch.cat(1)``: "cat(): argument 'tensors' (position 1) must be tuple of Tensors, not
    int" (a generator or a lone tensor too); the same for stack and its family, and for
    block_diag, broadcast_tensors, meshgrid, atleast_1d... given tensors as arguments."""
    t = T.ones(2)
    for name in ("cat", "concat", "stack", "hstack", "vstack", "dstack", "column_stack",
                 "row_stack"):
        f = getattr(T, name)
        yield name, raised(lambda: f([1, 2]))
        yield name + " [t, 2]", raised(lambda: f([t, 2]))
        yield name + " (t, None)", raised(lambda: f((t, None)))
        yield name + " [t, [t]]", raised(lambda: f([t, [t]]))
        yield name + " of an array", raised(lambda: f([np.ones(2)]))
        yield name + "(1)", raised(lambda: f(1))
        yield name + " of a tensor", raised(lambda: f(t))
        yield name + " of a generator", raised(lambda: f(x for x in [t]))
        yield name + " of nothing", raised(lambda: f([]))
    yield "cat(tensors=1)", raised(lambda: T.cat(tensors=1))
    for name in ("block_diag", "broadcast_tensors", "cartesian_prod", "meshgrid",
                 "atleast_1d", "atleast_2d", "atleast_3d"):
        f = getattr(T, name)
        yield name, raised(lambda: f(t, 2))
        yield name + " of a list", raised(lambda: f([t, None]))
        yield name + " of an array", raised(lambda: f(np.ones(2)))
        yield name + "(1)", raised(lambda: f(1))
