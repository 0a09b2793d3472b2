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
# # 5. The graph's lifetime
#
# The graph is built during the forward pass, one node per operation, and -- to save
# memory -- taken apart by the backward pass: each node drops the tensors it saved as
# soon as it has used them.

# %%
import autodiff as torch
from autodiff.viz import draw
from parity_tests import check, side_by_side

# %% [markdown]
# ## Saved tensors, then freed
#
# To compute its gradient, a node keeps some tensors of the forward pass: `y = x * x`
# needs `x`, `exp` keeps its result. `draw(..., show_saved=True)` shows them (orange),
# with their shapes.

# %%
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * x
p = y.exp().sum()
draw(p, params=dict(x=x, p=p), show_saved=True)

# %% [markdown]
# After `backward()`, the same picture shows the buffers gone (grey):

# %%
p.backward()
draw(p, params=dict(x=x, p=p), show_saved=True)

# %% [markdown]
# So a second backward through the same nodes fails, and the message says what to do.
# The graph of two outputs sharing the subgraph `y = x * x` shows why it matters: the
# first backward frees the shared nodes, and the second output cannot be differentiated
# any more.

# %%
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * x
p = y.sin().sum()
q = (y * 3).exp().sum()
p.backward()
try:
    q.backward()
except RuntimeError as error:
    print("RuntimeError:", error)

# %% [markdown]
# ## retain_graph
#
# `backward(retain_graph=True)` keeps the buffers. Use it when you really need to go
# through a graph twice; in a training loop, where every iteration builds a new graph,
# it only keeps memory alive.

# %%
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * x
p = y.sin().sum()
q = (y * 3).exp().sum()
p.backward(retain_graph=True)
q.backward()
x.grad

# %% [markdown]
# ## Gradients accumulate
#
# `backward()` *adds* into `.grad`. Two backward calls through the same graph give
# twice the gradient; and so do two batches in a training loop, unless the gradient is
# reset in between -- `x.grad = None` or `x.grad.zero_()` by hand, `optimizer.zero_grad()`
# in a training loop. (Adding up on purpose, over several small batches, is *gradient
# accumulation*.)

# %%
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
loss = (x * x).sum()
loss.backward(retain_graph=True)
print(x.grad)
loss.backward()
print(x.grad)
x.grad.zero_()
print(x.grad)

# %% [markdown]
# ## Side by side with torch

# %%
def graph_lifetime(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * x
    yield "saved before", y.grad_fn._saved_self
    p = y.sin().sum()
    q = (y * 3).exp().sum()
    p.backward(retain_graph=True)
    q.backward(retain_graph=True)
    yield "x.grad after p and q", x.grad
    x.grad = None
    p.backward()
    yield "x.grad after p again", x.grad
    q.backward()


side_by_side(graph_lifetime)

# %% [markdown]
# ## Exercises
#
# Fill in each answer; the cell after it checks it against real PyTorch and says `right`
# or `not yet` (and why). The answers given are right: replace them with your own.
#
# **1. Accumulation.** `x = [1., 2.]`, `loss = (x * x).sum()`, and
# `loss.backward(retain_graph=True)` three times: what is `x.grad`?

# %%
x_grad = [6.0, 12.0]                               # your answer


# %%
def three_backwards(torch):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    loss = (x * x).sum()
    for _ in range(3):
        loss.backward(retain_graph=True)
    return x.grad.tolist()


check("x.grad after three backward calls", x_grad, three_backwards)

# %% [markdown]
# **2. Which second backward fails?** For each graph, `loss.backward()` is called twice
# *without* `retain_graph`. Say `"RuntimeError"` where the second call fails (a node
# needs a tensor it freed) and `"no error"` where it does not (no node saved anything).

# %%
second_backward = {"x * x": "RuntimeError", "x + 1": "no error",
                   "x.exp()": "RuntimeError"}      # your answer


# %%
def twice(torch):
    outcome = {}
    for name, make in {"x * x": lambda x: x * x, "x + 1": lambda x: x + 1,
                       "x.exp()": lambda x: x.exp()}.items():
        loss = make(torch.tensor([1.0, 2.0], requires_grad=True)).sum()
        loss.backward()
        try:
            loss.backward()
            outcome[name] = "no error"
        except RuntimeError:
            outcome[name] = "RuntimeError"
    return outcome


check("the second backward", second_backward, twice)
