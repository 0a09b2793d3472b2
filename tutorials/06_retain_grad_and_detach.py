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
# # 6. retain_grad, detach and hooks
#
# Three tools to change what the backward pass does at one tensor of the graph:
# `retain_grad()` keeps the gradient of an intermediate result, `detach()` stops the
# gradient there, and `register_hook()` lets you see it, or change it, on its way.
# The first two examples come from the same network: a layer
# $y = w_1^\top x + b_1$, then $z = w_2 y + b_2$.

# %%
import autodiff as torch
from autodiff.viz import draw, explain
from parity_tests import check, side_by_side

# %% [markdown]
# ## Caching an intermediate gradient
#
# Only leaves keep their `.grad`; an intermediate result's gradient is passed on and
# forgotten. `y.retain_grad()` asks to keep it.

# %%
w1 = torch.tensor([[2.], [3.]], requires_grad=True)
b1 = torch.tensor([1.], requires_grad=True)
x = torch.tensor([[10.], [20.]])

y = torch.mm(w1.transpose(0, 1), x) + b1
y.retain_grad()              # without it, y.grad is None
out = 3 * y
out.backward()
print(w1.grad, b1.grad, x.grad, y.grad)

# %% [markdown]
# $\partial\,\mathrm{out}/\partial y = 3$, and $y = 2 \cdot 10 + 3 \cdot 20 + 1$ gives
# $\partial y/\partial w_1 = x$, so `w1.grad` is $3x$. `x` was not asked to require
# grad, so it gets none.

# %% [markdown]
# ## Freezing part of a network
#
# `detach()` returns a tensor with the same numbers (the same memory) that is not
# connected to the graph. Use it on the output of the first layer `f = (w1, b1)` and
# only the second layer `g = (w2, b2)` gets gradients: the first is frozen.

# %%
w1 = torch.tensor([[2.], [3.]], requires_grad=True)
w2 = torch.tensor([3.], requires_grad=True)
b1 = torch.tensor([1.], requires_grad=True)
b2 = torch.tensor([2.], requires_grad=True)
x = torch.tensor([[10.], [20.]])

y = torch.mm(w1.transpose(0, 1), x) + b1
y_ = y.detach()
z = w2 * y_ + b2
out = 3 * z
out.backward()
print(w1.grad, b1.grad, w2.grad, b2.grad)

# %% [markdown]
# The graph of `out` stops at `y_`: it is a leaf that does not require grad, so no edge
# leads past it to the first layer.

# %%
params = dict(w1=w1, b1=b1, w2=w2, b2=b2, out=out)
draw([out, y], params=params)

# %% [markdown]
# Without the `detach`, the gradient flows through both layers:

# %%
for t in (w1, w2, b1, b2):
    t.grad = None
y = torch.mm(w1.transpose(0, 1), x) + b1
out = 3 * (w2 * y + b2)
explain(out, params=params)

# %%
out.backward()
print(w1.grad, b1.grad, w2.grad, b2.grad)

# %% [markdown]
# `y_` shares its memory with `y`: an in-place write to one shows in the other. That is
# what makes `detach()` free -- and why it is not a copy (`clone()` is).

# %%
y = torch.mm(w1.transpose(0, 1), x) + b1
y_ = y.detach()
y_.zero_()
print(y)

# %% [markdown]
# ## Hooks: see or change a gradient on its way
#
# `y.register_hook(hook)` asks the backward pass to call `hook(grad)` as soon as the
# gradient of `y` is known. A hook that returns `None` only looks; one that returns a
# tensor replaces the gradient: what flows on to `y`'s inputs is the hook's result.
# Hooks run in the order they were registered, and `register_hook` returns a *handle*
# whose `remove()` takes the hook off again.

# %%
w = torch.tensor([2.0, 3.0], requires_grad=True)
x = torch.tensor([10.0, 20.0])
y = w * x
show = y.register_hook(lambda grad: print("gradient reaching y:", grad))
double = y.register_hook(lambda grad: grad * 2)      # returns a tensor: replaces it
out = (3 * y).sum()
out.backward(retain_graph=True)
print("w.grad:", w.grad)                             # 2 * 3 * x

# %% [markdown]
# Remove both hooks and run the same backward again: the gradient is `3 * x` this time.

# %%
show.remove()
double.remove()
w.grad = None
out.backward()
print("w.grad:", w.grad)

# %% [markdown]
# A hook on a leaf sees its gradient before it is added into `.grad`: the place to clip
# or log the gradient of one parameter. (Module hooks, which see a whole layer's inputs
# and outputs, come in tutorial 9.)

# %%
w.grad = None
clip = w.register_hook(lambda grad: grad.clamp(max=50.0))
(3 * w * x).sum().backward()
print("w.grad:", w.grad)                             # 3 * x = [30, 60], clipped at 50
clip.remove()

# %% [markdown]
# ## Side by side with torch
#
# The two examples, as the article printed them:
# `tensor([[30.], [60.]]) tensor([3.]) None tensor([[3.]])` and
# `None None tensor([243.]) tensor([3.])`.

# %%
def retain_grad_and_detach(torch):
    w1 = torch.tensor([[2.], [3.]], requires_grad=True)
    b1 = torch.tensor([1.], requires_grad=True)
    x = torch.tensor([[10.], [20.]])
    y = torch.mm(w1.transpose(0, 1), x) + b1
    y.retain_grad()
    (3 * y).backward()
    yield "retain_grad", " ".join(map(str, (w1.grad, b1.grad, x.grad, y.grad)))
    w1 = torch.tensor([[2.], [3.]], requires_grad=True)
    w2 = torch.tensor([3.], requires_grad=True)
    b1 = torch.tensor([1.], requires_grad=True)
    b2 = torch.tensor([2.], requires_grad=True)
    y_ = (torch.mm(w1.transpose(0, 1), x) + b1).detach()
    (3 * (w2 * y_ + b2)).backward()
    yield "detach", " ".join(map(str, (w1.grad, b1.grad, w2.grad, b2.grad)))
    yield "y_", repr(y_)


side_by_side(retain_grad_and_detach)


# %%
def tensor_hooks(torch):
    w = torch.tensor([2.0, 3.0], requires_grad=True)
    x = torch.tensor([10.0, 20.0])
    y = w * x
    seen = []
    looks = y.register_hook(lambda grad: seen.append(grad.clone()))
    double = y.register_hook(lambda grad: grad * 2)
    clip = w.register_hook(lambda grad: grad.clamp(max=50.0))
    out = (3 * y).sum()
    out.backward(retain_graph=True)
    yield "what the first hook saw", seen
    yield "w.grad, doubled then clipped", w.grad
    yield "the handle", type(double).__name__
    for handle in (looks, double, clip):
        handle.remove()
    w.grad = None
    out.backward()
    yield "w.grad without hooks", w.grad


side_by_side(tensor_hooks)

# %% [markdown]
# ## Exercises
#
# Fill in each answer; the cell after it checks it against real PyTorch and says `right`
# or `not yet` (and why). The answers given are right: replace them with your own.
#
# **1. A hook that scales.** What is `w.grad` after this backward pass? Give it as a list.

# %%
def hooked(torch):
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    x = torch.tensor([3.0, 4.0])
    y = w * x
    y.register_hook(lambda grad: grad * 10)
    (y * 2).sum().backward()
    return w.grad.tolist()


# %%
w_grad = [60.0, 80.0]                              # your answer

# %%
check("w.grad through a hook", w_grad, hooked)

# %% [markdown]
# **2. Where detach stops the gradient.** `w` is used twice, once detached. What are
# `w.grad` and `x.grad`?

# %%
def half_detached(torch):
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    x = torch.tensor([3.0, 4.0], requires_grad=True)
    (w.detach() * x + w * x).sum().backward()
    return {"w.grad": w.grad.tolist(), "x.grad": x.grad.tolist()}


# %%
grads = {"w.grad": [3.0, 4.0], "x.grad": [2.0, 4.0]}   # your answer

# %%
check("gradients around a detach", grads, half_detached)
