"""``autodiff.autograd``: the engine's entry points, as ``torch.autograd``."""

from . import tape
from .tape import backward  # noqa: F401


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         allow_unused=None, materialize_grads=False):
    """The gradients of ``outputs`` w.r.t. ``inputs``, returned rather than accumulated.

    >>> import autodiff
    >>> x = autodiff.tensor(3.0, requires_grad=True)
    >>> autodiff.autograd.grad(x ** 2, x)
    (tensor(6.),)
    """
    outputs = tape._as_tuple(outputs)
    single = isinstance(inputs, tape.Tensor)
    inputs = tape._as_tuple(inputs)
    if len(inputs) == 0:
        raise RuntimeError("grad requires non-empty inputs.")
    grads = tape._as_tuple(grad_outputs) or (None,) * len(outputs)
    if allow_unused is None:
        allow_unused = materialize_grads
    result = tape.run_backward(outputs, grads, retain_graph, create_graph, inputs,
                               accumulate=False)
    out = []
    for t, g in zip(inputs, result):
        if g is None:
            if materialize_grads:
                g = tape._make(tape.jnp.zeros(t._array.shape, t._array.dtype))
            elif not allow_unused:
                raise RuntimeError(
                    "One of the differentiated Tensors appears to not have been used in the "
                    "graph. Set allow_unused=True if this is the desired behavior.")
        out.append(g)
    return tuple(out)
