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
# # 4. Non-scalar outputs and vector-Jacobian products
#
# `backward()` computes the gradient of a *scalar*. What does it mean to call it on a
# vector?

# %%
import autodiff as torch
from autodiff.viz import explain
from parity_tests import check, side_by_side

# %%
x = torch.tensor([[1., 2., 3.], [4., 5., 6.]], requires_grad=True)
z = 2 * (x + 1) ** 2
try:
    z.backward()
except RuntimeError as error:
    print("RuntimeError:", error)

# %% [markdown]
# ## What backward really computes
#
# For $y = f(x)$ with $x \in \mathbb{R}^n$ and $y \in \mathbb{R}^m$, the derivative is
# the $m \times n$ Jacobian $J_{ij} = \partial y_i / \partial x_j$. Autograd never builds
# it. Given a vector $v$ of the shape of $y$, `y.backward(v)` computes the
# **vector-Jacobian product** $v^\top J$: the gradient of the scalar $\sum_i v_i y_i$.
# That is all the backward pass can do -- and all it needs: each node turns the
# gradient of its output into the gradient of its inputs, one product at a time.
#
# For a scalar $y$, $J$ is a single row and $v = 1$: that is the `gradient` that
# `backward()` makes up when none is given.
#
# Elementwise $y_i = x_i^2$ has a diagonal Jacobian, so $v^\top J = v \cdot 2x$:

# %%
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x ** 2
v = torch.tensor([1.0, 0.1, 0.01])
y.backward(v)
print(x.grad)
print(v * 2 * x.detach())

# %% [markdown]
# `explain` shows `v` entering the graph at the top:

# %%
explain(x ** 2, gradient=v)

# %% [markdown]
# ## Weighted sums of losses
#
# With several losses in one vector, the `gradient` says how much each one counts.
# `loss.backward(w)` is the same as `(w * loss).sum().backward()`:

# %%
p = torch.tensor([0.5, -1.0], requires_grad=True)
losses = torch.stack([(p ** 2).sum(), (p - 1).abs().sum(), p.exp().sum()])
weights = torch.tensor([0.1, 1.0, 10.0])
losses.backward(weights, retain_graph=True)
via_vector = p.grad.clone()
p.grad = None
(weights * losses).sum().backward()
print(via_vector, p.grad)

# %% [markdown]
# ## The whole Jacobian, row by row
#
# Row $i$ of $J$ is $e_i^\top J$: a vector-Jacobian product with the one-hot vector
# $e_i$. So $m$ backward calls give the Jacobian. `autograd.grad` returns the gradient
# instead of adding it into `.grad`, and `retain_graph=True` keeps the graph for the
# next row.

# %%
def f(x):
    return torch.stack([x[0] * x[1], x[1].sin(), x[0] ** 2 + x[1]])


x = torch.tensor([2.0, 0.5], requires_grad=True)
y = f(x)
rows = []
for i in range(y.numel()):
    e_i = torch.zeros(y.numel())
    e_i[i] = 1.0
    rows.append(torch.autograd.grad(y, x, grad_outputs=e_i, retain_graph=True)[0])
J = torch.stack(rows)
J

# %% [markdown]
# By hand: $J = \begin{pmatrix} x_1 & x_0 \\ 0 & \cos x_1 \\ 2x_0 & 1 \end{pmatrix}$.
# `autograd.functional.jacobian` does the same loop for us:

# %%
torch.autograd.functional.jacobian(f, x)

# %% [markdown]
# ## Side by side with torch

# %%
def vector_jacobian_products(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x ** 2
    y.backward(torch.tensor([1.0, 0.1, 0.01]))
    yield "x.grad", x.grad
    x = torch.tensor([2.0, 0.5], requires_grad=True)
    yield "jacobian", torch.autograd.functional.jacobian(
        lambda x: torch.stack([x[0] * x[1], x[1].sin(), x[0] ** 2 + x[1]]), x)
    (x * 2).backward(torch.ones(3))


side_by_side(vector_jacobian_products)

# %% [markdown]
# ## Exercises
#
# Fill in each answer; the cell after it checks it against real PyTorch and says `right`
# or `not yet` (and why). The answers given are right: replace them with your own.
#
# **1. A vector-Jacobian product.** `y = 3 * x ** 2` at `x = [1., 2., 3.]`, and
# `y.backward(v)` with `v = [1., 0.5, 0.]`: what is `x.grad`? Give it as a list.

# %%
x_grad = [6.0, 6.0, 0.0]                           # your answer


# %%
def weighted_gradient(torch):
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (3 * x ** 2).backward(torch.tensor([1.0, 0.5, 0.0]))
    return x.grad.tolist()


check("x.grad after y.backward(v)", x_grad, weighted_gradient)

# %% [markdown]
# **2. A Jacobian by hand.** $f(x) = (x_0 x_1,\; x_0 + x_1,\; x_1^2)$ at $x = (2, 3)$:
# write its 3×2 Jacobian as a list of rows.

# %%
jacobian_by_hand = [[3.0, 2.0],
                    [1.0, 1.0],
                    [0.0, 6.0]]                    # your answer


# %%
def jacobian_of_f(torch):
    def f(x):
        return torch.stack([x[0] * x[1], x[0] + x[1], x[1] ** 2])
    return torch.autograd.functional.jacobian(f, torch.tensor([2.0, 3.0])).tolist()


check("the Jacobian of f at (2, 3)", jacobian_by_hand, jacobian_of_f)
