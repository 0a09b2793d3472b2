# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 8. Inside the tape
#
# autodiff's engine is one module, `autodiff/tape.py`, written to be read top to
# bottom. This tutorial reads the parts a `backward()` call goes through, rebuilds a
# tiny version of them, and follows one backward call node by node.

# %%
import inspect

import autodiff as torch
from autodiff import tape
from autodiff.viz import draw, explain
from parity_tests import check, side_by_side

print(tape.__doc__)

# %% [markdown]
# ## A node, and its place on the tape
#
# Every recorded operation makes a `Node`: the `grad_fn` of its result. Its class is
# named after torch's and carries the *rule* it replays; the instance holds
# `next_functions` (where the gradients go next), what it saved, and `_sequence_nr()`:
# the number of nodes recorded before it. That number is the tape.

# %%
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * x
z = y.sum()
for node in (y.grad_fn, z.grad_fn):
    print(node.name(), node._sequence_nr(), node.next_functions, node.rule)

# %% [markdown]
# `record` is what every operation calls when something requires grad. Read it:

# %%
print(inspect.getsource(tape.record))

# %% [markdown]
# ## The rules
#
# A rule is a row of the derivative table, `autodiff.tape.RULES`, written directly above
# the function that applies it (`mul`'s is in `autodiff/ops/pointwise.py`): the op's name,
# the node torch records, its forward on JAX arrays and its backward written with
# autodiff's own operations -- for `mul`, one formula per input, as in PyTorch's
# derivatives.yaml. A formula's parameters say what the node saves: `self`'s gradient
# reads `other`, `other`'s reads `self`.

# %%
mul = tape.RULES["mul"]
print(mul, mul.inputs, mul.saves)
print(inspect.getsource(mul.backward[0]).strip())

# %% [markdown]
# The engine computes only the gradients that go somewhere, and the node keeps only what
# those read. Multiply by a tensor that does not require grad, and `other`'s formula will
# not run: `self` is not saved, as torch shows.

# %%
w = torch.tensor([3.0, 4.0])
print((x * w).grad_fn._saved_self, (x * w).grad_fn._saved_other)

# %% [markdown]
# ## The backward pass
#
# `run_backward` is the engine. It finds every node below the roots and counts, for
# each, how many edges will bring it a gradient. Then it repeatedly takes, among the
# nodes whose gradients are complete, the one recorded last, runs its rule, and adds
# what comes out into the buffers of the nodes below. (Near its top, `_run_compiled` is a
# shortcut for training loops: a graph whose structure keeps coming back is traced once
# into one compiled program, which then does the whole walk in one call, with the same
# results. In the loop, `_run_compiled_region` does the same for a region of nodes below
# the one that comes up, in a graph too large to compile whole; the docs' "Architecture"
# page tells how.)

# %%
print(inspect.getsource(tape.run_backward))

# %% [markdown]
# ## A tiny tape, rebuilt
#
# The same ideas in thirty lines, on Python floats: a counter stamps each node with its
# place on the tape; `backward` runs the nodes from the last recorded down (along every
# edge the number decreases, so every node runs after all the nodes that feed it a
# gradient) and sums what arrives for each value.

# %%
import itertools
import math

tape_counter = itertools.count()


class Value:
    def __init__(self, data, inputs=(), local_grads=()):
        self.data, self.grad = data, 0.0
        self.inputs, self.local_grads = inputs, local_grads   # the node, in one place
        self.sequence_nr = next(tape_counter)

    def __add__(self, other):
        return Value(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other):
        return Value(self.data * other.data, (self, other), (other.data, self.data))

    def sin(self):
        return Value(math.sin(self.data), (self,), (math.cos(self.data),))

    def backward(self):
        nodes, stack = set(), [self]
        while stack:                                   # every value below, no recursion
            v = stack.pop()
            if v not in nodes:
                nodes.add(v)
                stack.extend(v.inputs)
        self.grad = 1.0
        for v in sorted(nodes, key=lambda v: -v.sequence_nr):   # the tape, reversed
            for x, local in zip(v.inputs, v.local_grads):
                x.grad += v.grad * local                # chain rule, summed per input


a, b = Value(2.0), Value(4.0)
e = (a * b + b).sin() * a
e.backward()
a.grad, b.grad

# %%
a, b = torch.tensor(2.0, requires_grad=True), torch.tensor(4.0, requires_grad=True)
e = (a * b + b).sin() * a
e.backward()
a.grad, b.grad

# %% [markdown]
# The toy has a gradient on every value and keeps no buffer; the real engine passes
# gradients along edges, keeps `.grad` on leaves only, frees saved tensors, reduces
# broadcast gradients and runs hooks. The order is the same.
#
# ## One backward call, node by node
#
# The graph, then what the engine did at each node:

# %%
a, b = torch.tensor(2.0, requires_grad=True), torch.tensor(4.0, requires_grad=True)
e = (a * b + b).sin() * a
draw(e, params=dict(a=a, b=b, e=e), show_saved=True)

# %%
explain(e, params=dict(a=a, b=b))

# %% [markdown]
# `MulBackward0 #4` runs first (it was recorded last); it sends $\sin(ab+b) \cdot 1$ to
# `a` and $a \cdot 1$ to `SinBackward0 #3`, which multiplies by $\cos(ab + b)$, and so
# on down. `a` has two edges into its `AccumulateGrad`, so it runs after both arrived.
#
# ## The same order as torch
#
# Node hooks (`grad_fn.register_prehook`) run just before a node does: they show the
# order of the walk. It is torch's.

# %%
def backward_walk(e):
    """The nodes below ``e``, named in the order ``e.backward()`` runs them."""
    order, stack, seen = [], [e.grad_fn], set()
    while stack:
        node = stack.pop()
        if node is not None and node not in seen:
            seen.add(node)
            node.register_prehook(lambda grads, node=node: order.append(type(node).__name__))
            stack.extend(n for n, _ in node.next_functions)
    e.backward()
    return order


def backward_order(torch):
    a = torch.tensor(2.0, requires_grad=True)
    b = torch.tensor(4.0, requires_grad=True)
    yield "order", backward_walk((a * b + b).sin() * a + (a * 3).exp())
    yield "a.grad, b.grad", (a.grad, b.grad)


side_by_side(backward_order)

# %% [markdown]
# ## Exercises
#
# Fill in each answer; the cell after it checks it against real PyTorch and says `right`
# or `not yet` (and why). The answers given are right: replace them with your own.
#
# **1. A rule for the tiny tape.** Give `Value` an `exp` method: fill in the local
# derivative of $e^x$. The check runs the toy's backward pass on
# $e = e^{ab} + a$ and compares the gradients with torch's.

# %%
def value_exp(self):
    return Value(math.exp(self.data), (self,), (math.exp(self.data),))   # your answer


Value.exp = value_exp
a, b = Value(0.5), Value(-1.0)
((a * b).exp() + a).backward()
toy_grads = (a.grad, b.grad)


# %%
def exp_gradients(torch):
    a = torch.tensor(0.5, requires_grad=True, dtype=torch.float64)
    b = torch.tensor(-1.0, requires_grad=True, dtype=torch.float64)
    ((a * b).exp() + a).backward()
    return a.grad.item(), b.grad.item()


check("the toy's exp rule", toy_grads, exp_gradients)

# %% [markdown]
# **2. The order of the walk.** For `e = (a * b).exp() * b`, in which order does the
# backward pass run the nodes? Name them by `type(node).__name__`.

# %%
walk = ["MulBackward0", "ExpBackward0", "MulBackward0",
        "AccumulateGrad", "AccumulateGrad"]         # your answer


# %%
def walk_order(torch):
    a = torch.tensor(0.5, requires_grad=True)
    b = torch.tensor(-1.0, requires_grad=True)
    return backward_walk((a * b).exp() * b)


check("the backward order", walk, walk_order)
