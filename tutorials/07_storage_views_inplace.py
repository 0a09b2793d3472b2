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
# # 7. Storage, views and in-place operations
#
# A tensor is a window on a *storage*: the memory that holds the numbers. Several
# tensors can look at the same storage -- a reshaped `view`, a transpose, a slice, a
# `detach()`ed alias -- so that writing through one changes what the others see.
# Autograd has to know about such writes: a node that saved a tensor for its backward
# would otherwise compute with numbers that are no longer the ones of the forward pass.

# %%
import autodiff as torch
from parity_tests import check, side_by_side

# %% [markdown]
# ## What shares memory
#
# `view`, `transpose`, indexing with slices and `detach` share; `clone` copies.

# %%
a = torch.arange(6.0)
v = a.view(2, 3)
t = v.t()
row = v[1]
d = a.detach()
c = a.clone()
v[0, 0] = 100.0                # one write...
print(a, t, row, d, c, sep="\n")   # ...seen by all but the clone

# %% [markdown]
# ## The version counter
#
# Every tensor counts the in-place writes into its storage: `_version`. Views and
# detached aliases share the counter with their base.

# %%
x = torch.ones(3)
print(x._version)
x.add_(1)
x[0] = 5.0
print(x._version, x.view(3, 1)._version)

# %% [markdown]
# ## The error it raises
#
# `exp` saves its result, since $\frac{d}{dx}e^x = e^x$. Write into that result after
# the forward pass, and the saved tensor's version is no longer the one it was saved
# at: the backward pass refuses to use it.

# %%
x = torch.tensor([0.0, 1.0, 2.0], requires_grad=True)
y = x.exp()
y.add_(1)
try:
    y.sum().backward()
except RuntimeError as error:
    print("RuntimeError:", error)

# %% [markdown]
# An in-place write on a tensor that no node saved is fine, and is recorded like any
# operation (`AddBackward0`), so the gradient stays right:

# %%
x = torch.tensor([0.0, 1.0, 2.0], requires_grad=True)
y = x * 2
y.add_(1)
y.sum().backward()
print(y.grad_fn, x.grad)

# %% [markdown]
# A leaf that requires grad cannot be written in place -- its `.grad` would be the
# gradient at numbers that no longer exist -- except under `no_grad`, which is how an
# optimizer updates the parameters.

# %%
w = torch.tensor([1.0, 2.0], requires_grad=True)
try:
    w.sub_(0.1)
except RuntimeError as error:
    print("RuntimeError:", error)
(w * w).sum().backward()
with torch.no_grad():
    w -= 0.1 * w.grad
print(w, w._version)

# %% [markdown]
# ## Side by side with torch

# %%
def storage_and_versions(torch):
    a = torch.arange(6.0)
    v = a.view(2, 3)
    c = a.clone()
    v[0, 0] = 100.0
    yield "a, v.t(), clone", (a, v.t(), c)
    yield "versions", (a._version, v._version, c._version)
    x = torch.tensor([0.0, 1.0, 2.0], requires_grad=True)
    y = x * 2
    y.add_(1)
    y.sum().backward()
    yield "after add_", (repr(y), x.grad)
    y = x.exp()
    y.add_(1)
    y.sum().backward()


side_by_side(storage_and_versions)

# %% [markdown]
# ## Exercises
#
# Fill in each answer; the cell after it checks it against real PyTorch and says `right`
# or `not yet` (and why). The answers given are right: replace them with your own.
#
# **1. Who sees a write?** After these lines, what do `a` and `c` hold, and how many
# in-place writes has `a`'s storage counted?

# %%
def shared_storage(torch):
    a = torch.arange(4.0)
    v = a.view(2, 2)
    v[1] = 10.0
    c = a.clone()
    a.mul_(2)
    return {"a": a.tolist(), "c": c.tolist(), "a._version": a._version}


# %%
after_writes = {"a": [0.0, 2.0, 20.0, 20.0], "c": [0.0, 1.0, 10.0, 10.0],
                "a._version": 2}                   # your answer

# %%
check("views, clones and versions", after_writes, shared_storage)

# %% [markdown]
# **2. Which in-place write breaks the backward pass?** `y = x * 2`, then `z` is computed
# from `y`, then `y.add_(1)`, then `z.sum().backward()`. Say `"RuntimeError"` where the
# node of `z` saved `y` (and so sees the write) and `"no error"` where it did not.

# %%
def write_after_use(torch):
    outcome = {}
    for name, make in {"y.sin()": lambda y: y.sin(), "y * 3": lambda y: y * 3}.items():
        y = torch.tensor([0.5, 1.0], requires_grad=True) * 2
        z = make(y)
        y.add_(1)
        try:
            z.sum().backward()
            outcome[name] = "no error"
        except RuntimeError:
            outcome[name] = "RuntimeError"
    return outcome


# %%
backward_after_write = {"y.sin()": "RuntimeError", "y * 3": "no error"}   # your answer

# %%
check("in-place writes and saved tensors", backward_after_write, write_after_use)
