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
# # 2. Tensors and autograd
#
# A tensor carries, besides its numbers, what autograd needs to know about it:
#
# | attribute | meaning |
# | --- | --- |
# | `requires_grad` | whether operations on it are recorded, so that gradients can flow to it (default `False`) |
# | `grad_fn` | the node that made it (`None` for a tensor you created: a *leaf*) |
# | `is_leaf` | `grad_fn is None` |
# | `grad` | the gradient `backward()` accumulated into it (`None` until then; leaves only) |
# | `device` | where its numbers live |

# %%
import autodiff as torch
from autodiff.viz import draw
from parity_tests import side_by_side

# %% [markdown]
# ## requires_grad spreads to results
#
# Set `requires_grad=True` on a leaf and every result computed from it requires grad
# too, and has a `grad_fn`.

# %%
x = torch.ones(2, 4, requires_grad=True)
y = x + 2
print(x)
print(y)
print(x.is_leaf, y.is_leaf, y.requires_grad, y.grad_fn)

# %% [markdown]
# `requires_grad_()` (with the underscore: it changes the tensor in place) switches the
# flag of a leaf. `y` was computed while the flag was on, so it keeps its history.

# %%
x.requires_grad_(False)
print(x.requires_grad, y.requires_grad)

# %% [markdown]
# Only floating-point tensors can require gradients: a derivative needs a continuum.
# `torch.tensor([1, 2, 3])` is a tensor of integers.

# %%
try:
    torch.tensor([1, 2, 3], requires_grad=True)
except RuntimeError as error:
    print("RuntimeError:", error)

# %% [markdown]
# ## backward fills .grad of the leaves
#
# `backward()` on a scalar result computes the gradient of that result with respect to
# every leaf that requires grad, and *adds* it to the leaf's `.grad`. Intermediate
# results get no `.grad` (asking for it warns), to save memory.

# %%
x = torch.tensor([[1., 2., 3.], [4., 5., 6.]], requires_grad=True)
y = x + 1
loss = (y * y).sum()
draw(loss, params=dict(x=x, loss=loss))

# %%
loss.backward()
x.grad                      # d/dx sum((x + 1)^2) = 2 (x + 1)

# %%
import warnings

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    print(y.grad)
print(caught[0].message)

# %% [markdown]
# ## Evaluating without a graph: no_grad and detach
#
# When a model is evaluated, nothing will be differentiated: recording the graph would
# only cost time and memory. Inside `with torch.no_grad():` nothing is recorded.
# `detach()` returns a tensor with the same numbers, cut off from the graph.

# %%
w = torch.tensor([1.0, -2.0], requires_grad=True)
with torch.no_grad():
    prediction = w * 3
print(prediction, prediction.requires_grad, prediction.grad_fn)

frozen = (w * 3).detach()
print(frozen, frozen.requires_grad, frozen.is_leaf)

# %% [markdown]
# ## Side by side with torch
#
# Everything above, run under torch and under autodiff: values, flags, node names, the
# warning and the error.

# %%
def tensors_and_autograd(torch):
    x = torch.ones(2, 4, requires_grad=True)
    y = x + 2
    yield "y", repr(y)
    yield "flags", (x.is_leaf, y.is_leaf, y.requires_grad)
    x.requires_grad_(False)
    yield "after requires_grad_(False)", (x.requires_grad, y.requires_grad)
    x = torch.tensor([[1., 2., 3.], [4., 5., 6.]], requires_grad=True)
    y = x + 1
    (y * y).sum().backward()
    yield "x.grad", x.grad
    yield "y.grad", y.grad                 # warns: y is not a leaf
    with torch.no_grad():
        yield "under no_grad", repr(x * 3)
    yield "detached", repr((x * 3).detach())
    torch.tensor([1, 2, 3], requires_grad=True)


side_by_side(tensors_and_autograd)
