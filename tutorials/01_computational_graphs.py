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
# # 1. Computational graphs
#
# A *computational graph* writes a calculation as a directed acyclic graph: each node
# holds a value and the operator that produced it, each edge says "this value is an
# input of that operator". The graph is *topologically ordered*: a node is computed only
# after every node pointing at it has been computed.
#
# Autograd is two walks over such a graph:
#
# * the **forward walk** visits the nodes in topological order and computes their values;
# * the **backward walk** visits them in reverse order and applies the chain rule: each
#   node multiplies the gradient it received by its local derivatives and passes the
#   products to its inputs. A node that feeds several others adds what they send.
#
# We do both walks by hand on a small graph, then let autodiff do them.
#
# $$c = a \cdot b, \qquad d = c + b, \qquad e = d \cdot d, \qquad a = 2,\; b = 4$$

# %%
import autodiff as torch          # the torch API, on autodiff's engine
from autodiff.viz import Table, draw, explain
from parity_tests import check, side_by_side

# %% [markdown]
# ## The graph as data
#
# Each computed node names its operator and its inputs; `a` and `b` are the *leaves*,
# given rather than computed. The local derivatives are what the chain rule needs: for
# `c = a * b`, $\partial c/\partial a = b$ and $\partial c/\partial b = a$.

# %%
graph = {                     # node: (operator, inputs)
    "c": ("mul", ["a", "b"]),
    "d": ("add", ["c", "b"]),
    "e": ("mul", ["d", "d"]),
}
operators = {"mul": lambda x, y: x * y, "add": lambda x, y: x + y}
local_derivatives = {         # d(output)/d(each input), given the inputs' values
    "mul": lambda x, y: [y, x],
    "add": lambda x, y: [1.0, 1.0],
}
leaves = {"a": 2.0, "b": 4.0}

# %% [markdown]
# ## Topological order
#
# Kahn's algorithm: count for each node how many of its inputs are not computed yet;
# a node whose count is zero is ready. No recursion, just a queue.

# %%
def topological_order(graph, leaves):
    waiting = {node: len(set(inputs)) for node, (_, inputs) in graph.items()}
    users = {}
    for node, (_, inputs) in graph.items():
        for name in set(inputs):
            users.setdefault(name, []).append(node)
    ready, order = list(leaves), []
    while ready:
        name = ready.pop(0)
        order.append(name)
        for user in users.get(name, []):
            waiting[user] -= 1
            if waiting[user] == 0:
                ready.append(user)
    return order


order = topological_order(graph, leaves)
order

# %% [markdown]
# ## The forward walk, step by step

# %%
values = dict(leaves)
forward_rows = []
for node in order:
    if node in graph:
        op, inputs = graph[node]
        values[node] = operators[op](*(values[name] for name in inputs))
        forward_rows.append((node, op, ", ".join(inputs), values[node]))
    else:
        forward_rows.append((node, "leaf", "", values[node]))
Table(("node", "operator", "inputs", "value"), forward_rows, title="forward")

# %% [markdown]
# ## The backward walk, step by step
#
# Start from $\partial e/\partial e = 1$ and go through the nodes in reverse
# topological order. When a node is reached, every node it feeds has already sent its
# share, so its gradient is complete.

# %%
grads = {"e": 1.0}
backward_rows = []
for node in reversed(order):
    if node not in graph:
        backward_rows.append((node, grads[node], "(leaf: its gradient)", ""))
        continue
    op, inputs = graph[node]
    local = local_derivatives[op](*(values[name] for name in inputs))
    sent = []
    for name, derivative in zip(inputs, local):
        grads[name] = grads.get(name, 0.0) + grads[node] * derivative
        sent.append(f"{name} += {grads[node]} * {derivative}")
    backward_rows.append((node, grads[node], ", ".join(map(str, local)), "\n".join(sent)))
Table(("node", "gradient in", "local derivatives", "sent to inputs"), backward_rows,
      title="backward")

# %% [markdown]
# By hand: $e = (ab + b)^2$, so $\partial e/\partial a = 2(ab+b)\,b = 2 \cdot 12 \cdot 4 =
# 96$ and $\partial e/\partial b = 2(ab+b)(a+1) = 2 \cdot 12 \cdot 3 = 72$. Note how `b`
# collected two contributions (through `c` and through `d`), and `d` two as well (it is
# both inputs of `e`).

# %%
grads["a"], grads["b"]

# %% [markdown]
# ## The same graph in autodiff
#
# With `requires_grad=True` on the leaves, every operation records a node: the
# `grad_fn` of its result. `draw` shows the graph autodiff recorded. Nodes are named as
# torch names them (`MulBackward0`), numbered in the order they were recorded (the
# *tape*); blue boxes are the leaves, each reached through an `AccumulateGrad` node that
# will put its gradient into `.grad`; the green box is the output. Arrows go the way the
# forward pass went.

# %%
a = torch.tensor(2.0, requires_grad=True)
b = torch.tensor(4.0, requires_grad=True)
c = a * b
d = c + b
e = d * d
draw(e, params=dict(a=a, b=b, e=e))

# %% [markdown]
# `explain` runs the backward walk and shows it as the table above: each node, the
# gradient that reached it, the rule it applied (a row of the derivative table) and what
# it sent to each input. The nodes run from the highest tape number down, so every node
# runs after all the nodes that send it a gradient; a leaf's `AccumulateGrad` runs as
# soon as its gradient is complete.

# %%
explain(e, params=dict(a=a, b=b))

# %%
e.backward()
a.grad, b.grad

# %% [markdown]
# ## Side by side with torch
#
# `side_by_side` runs a function once with real PyTorch and once with autodiff, and
# lines up what each observed. The function's parameter is the framework, so its body
# is plain torch code.

# %%
def small_graph(torch):
    a = torch.tensor(2.0, requires_grad=True)
    b = torch.tensor(4.0, requires_grad=True)
    e = (a * b + b) * (a * b + b)
    yield "e", e
    yield "e.grad_fn", e.grad_fn
    yield "next_functions", e.grad_fn.next_functions
    e.backward()
    yield "a.grad", a.grad
    yield "b.grad", b.grad


side_by_side(small_graph)

# %% [markdown]
# Every row says `yes`: same values, same gradients, same node names. The next tutorial
# looks at the tensors' side of this: `requires_grad`, `grad_fn`, `is_leaf` and `.grad`.

# %% [markdown]
# ## Exercises
#
# Each exercise has a cell for your answer and a cell that checks it: it computes the
# same thing with real PyTorch and says `right` or `not yet` (and why). The answers are
# filled in; replace them with your own and run the check again.
#
# **1. Gradients by hand.** $f = a \cdot a + a \cdot b$ at $a = 3$, $b = 2$: what are
# $\partial f/\partial a$ and $\partial f/\partial b$?

# %%
df_da, df_db = 8.0, 3.0                           # your answer


# %%
def f_gradients(torch):
    a = torch.tensor(3.0, requires_grad=True)
    b = torch.tensor(2.0, requires_grad=True)
    (a * a + a * b).backward()
    return a.grad.item(), b.grad.item()


check("df/da and df/db", (df_da, df_db), f_gradients)

# %% [markdown]
# **2. A derivative rule.** Add division to the hand-made graph above: fill in
# `local_derivatives["div"]`, the derivatives of $x / y$ with respect to $x$ and to $y$.
# The check evaluates it at $x = 3$, $y = 2$ against torch's gradients of `a / b`.

# %%
local_derivatives["div"] = lambda x, y: [1 / y, -x / y ** 2]      # your answer


# %%
def div_gradients(torch):
    a = torch.tensor(3.0, requires_grad=True)
    b = torch.tensor(2.0, requires_grad=True)
    (a / b).backward()
    return [a.grad.item(), b.grad.item()]


check("the local derivatives of x / y", local_derivatives["div"](3.0, 2.0), div_gradients)

# %% [markdown]
# **3. Read a graph.** For `f = (a * b).sin() + b`, what are the names of the nodes that
# `f.grad_fn.next_functions` points to, in order? (Draw it with `draw` if you like.)

# %%
next_nodes = ["SinBackward0", "AccumulateGrad"]   # your answer


# %%
def next_node_names(torch):
    a = torch.tensor(3.0, requires_grad=True)
    b = torch.tensor(2.0, requires_grad=True)
    f = (a * b).sin() + b
    return [type(node).__name__ for node, _ in f.grad_fn.next_functions]


check("the nodes after AddBackward0", next_nodes, next_node_names)
