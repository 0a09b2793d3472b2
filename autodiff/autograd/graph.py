"""``autodiff.autograd.graph``: the graph's node type, for introspection.

Every ``grad_fn`` is a :class:`Node`; its ``next_functions`` say where the gradient goes,
and ``_saved_self``, ``_saved_other``, ``_saved_result`` ... are the tensors its rule keeps
(an error once backward has freed them, as in torch).

>>> import autodiff
>>> x = autodiff.tensor([1.0, 2.0], requires_grad=True)
>>> y = x.exp()
>>> isinstance(y.grad_fn, autodiff.autograd.graph.Node)
True
>>> y.grad_fn._saved_result
tensor([2.7183, 7.3891], grad_fn=<ExpBackward0>)
"""

from ..tape import AccumulateGrad, Node  # noqa: F401


def increment_version(tensor):
    """Bump the version counter of ``tensor``'s storage, as an in-place write would."""
    tensor._vc[0] += 1
