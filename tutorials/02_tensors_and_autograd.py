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
from autodiff.viz import Table, draw
from parity_tests import check, side_by_side

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
# ## Grad modes: no_grad, set_grad_enabled, inference_mode
#
# `no_grad` is one of several switches of the same *grad mode*; `torch.is_grad_enabled()`
# says whether it is on.
#
# * `set_grad_enabled(mode)` takes the mode as an argument, so one piece of code can
#   serve training (`True`) and evaluation (`False`). Called on its own line, it switches
#   the mode until the next call.
# * `inference_mode()` is `no_grad` for code that will *never* be differentiated; torch
#   goes further inside it (below).
# * `enable_grad()` switches recording back on inside a `no_grad` block.
#
# Each works as a `with` block and as a decorator (`@torch.no_grad()` above a function).

# %%
def loss_of(w, train):
    with torch.set_grad_enabled(train):
        return (w * 3).sum()


print(loss_of(w, train=True).grad_fn, loss_of(w, train=False).grad_fn)

modes = {"no_grad()": torch.no_grad,
         "set_grad_enabled(False)": lambda: torch.set_grad_enabled(False),
         "inference_mode()": torch.inference_mode,
         "enable_grad()": torch.enable_grad}
rows = []
for name, mode in modes.items():
    with mode():
        result = w * 3
        rows.append((name, torch.is_grad_enabled(), result.requires_grad, result.grad_fn))
Table(("inside", "is_grad_enabled()", "requires_grad", "grad_fn"), rows)

# %% [markdown]
# ### Inference tensors
#
# A tensor made under `inference_mode` is an *inference tensor*: `is_inference()` says
# so, its in-place writes are not counted (it has no version counter), and it may never
# be saved for a backward pass later -- the price of the promise "never differentiated":

# %%
weights = torch.tensor([1.0, -2.0], requires_grad=True)
with torch.no_grad():
    plain = weights * 3
with torch.inference_mode():
    frozen_for_good = weights * 3
print(plain.is_inference(), plain.requires_grad)
print(frozen_for_good.is_inference(), frozen_for_good.requires_grad)
try:
    (frozen_for_good * weights).sum().backward()
except RuntimeError as error:
    print("RuntimeError:", str(error).split(".")[0])

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


# %%
def grad_modes(torch):
    w = torch.tensor([1.0, -2.0], requires_grad=True)
    modes = {"no_grad": torch.no_grad, "inference_mode": torch.inference_mode,
             "set_grad_enabled(False)": lambda: torch.set_grad_enabled(False),
             "set_grad_enabled(True)": lambda: torch.set_grad_enabled(True)}
    for name, mode in modes.items():
        with mode():
            yield name, (torch.is_grad_enabled(), repr(w * 3))
    torch.set_grad_enabled(False)                # a plain call: until the next one
    yield "after set_grad_enabled(False)", repr(w * 3)
    torch.set_grad_enabled(True)
    with torch.no_grad():
        with torch.enable_grad():
            yield "enable_grad inside no_grad", repr(w * 3)

    @torch.inference_mode()
    def evaluate(w):
        return w * 3
    yield "@inference_mode()", repr(evaluate(w))
    yield "is_inference()", (evaluate(w).is_inference(), (w * 3).is_inference())


side_by_side(grad_modes)

# %% [markdown]
# ## Exercises
#
# Fill in each answer; the cell after it checks it against real PyTorch and says `right`
# or `not yet` (and why). The answers given are right: replace them with your own.
#
# **1. Which results require grad?** Read `which_require_grad` and say, for each of
# `a` to `e`, whether it requires grad.

# %%
def which_require_grad(torch):
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    a = w * 2
    with torch.no_grad():
        b = w * 2
        with torch.enable_grad():
            c = w * 2
    with torch.set_grad_enabled(False):
        d = a * 2
    e = b * w
    return {name: t.requires_grad for name, t in dict(a=a, b=b, c=c, d=d, e=e).items()}


# %%
requires = {"a": True, "b": False, "c": True, "d": False, "e": True}     # your answer

# %%
check("requires_grad under each mode", requires, which_require_grad)

# %% [markdown]
# **2. A gradient.** For `loss = (x ** 3).sum()` at `x = [1., 2., 3.]`, what is
# `x.grad` after `loss.backward()`? Give it as a list of numbers.

# %%
x_grad = [3.0, 12.0, 27.0]                         # your answer


# %%
def cube_gradient(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x ** 3).sum().backward()
    return x.grad.tolist()


check("x.grad of (x ** 3).sum()", x_grad, cube_gradient)
