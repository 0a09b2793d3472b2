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
# # 3. Gradients of scalar, vector and matrix functions
#
# Autograd does not find a formula for the derivative: it evaluates the derivative at
# the point where the forward pass was computed. This tutorial checks that number by
# hand for a few functions.

# %%
import matplotlib.pyplot as plt

import autodiff as torch
from parity_tests import check, side_by_side

# %% [markdown]
# ## A function of one variable
#
# $y = x^2 + 3x + 1$, so $y' = 2x + 3$: at $x = 2$, $y' = 7$. In float64:

# %%
x = torch.tensor(2, dtype=torch.float64, requires_grad=True)
y = x * x + 3 * x + 1
y.backward()
x.grad

# %% [markdown]
# One backward call gives the derivative at one point. For many points at once, put
# them in a vector: $\sum_i y(x_i)$ has $\partial/\partial x_i = y'(x_i)$, since each
# term depends on its own $x_i$ only.

# %%
xs = torch.linspace(-5, 2, 50, dtype=torch.float64, requires_grad=True)
ys = xs * xs + 3 * xs + 1
ys.sum().backward()

plt.plot(xs.detach().numpy(), ys.detach().numpy(), label="y = x² + 3x + 1")
plt.plot(xs.detach().numpy(), xs.grad.numpy(), label="dy/dx from backward()")
plt.plot(xs.detach().numpy(), 2 * xs.detach().numpy() + 3, "k:", label="2x + 3")
plt.axhline(0, color="grey", linewidth=0.5)
plt.legend();

# %% [markdown]
# ## Partial derivatives: freeze an input
#
# For $y = 3x_1^2 + 9x_2$, only the inputs with `requires_grad=True` get a gradient:
# $\partial y/\partial x_2 = 9$; $x_1$ is a constant as far as autograd is concerned.

# %%
x1 = torch.tensor(1.0)
x2 = torch.tensor(2.0, requires_grad=True)
y = 3 * x1 * x1 + 9 * x2
y.backward()
x1.grad, x2.grad

# %% [markdown]
# ## A row times a column
#
# A 1×3 matrix times a 3×1 matrix is a 1×1 matrix: $y = \sum_k a_k b_k$. Each element is
# a variable of its own: $\partial y/\partial a_k = b_k$ and $\partial y/\partial b_k =
# a_k$. The gradient has the shape of the variable.

# %%
mat1 = torch.tensor([[1, 2, 3]], dtype=torch.float64, requires_grad=True)
mat2 = torch.tensor([[1], [2], [3]], dtype=torch.float64, requires_grad=True)
y = torch.mm(mat1, mat2)
y.backward()
print(y)
print(mat1.grad)
print(mat2.grad)

# %% [markdown]
# ## The mean of squares
#
# $J = \frac{1}{6}\sum_{ij} 2(x_{ij} + 1)^2$ over a 2×3 matrix, so
# $\partial J/\partial x_{ij} = \frac{4}{6}(x_{ij} + 1)$:

# %%
x = torch.tensor([[1., 2., 3.], [4., 5., 6.]], requires_grad=True)
y = x + 1
z = 2 * y * y
J = torch.mean(z)
J.backward()
print(x.grad)
print(4 / 6 * (x.detach() + 1))

# %% [markdown]
# ## Side by side with torch

# %%
def gradients_by_hand(torch):
    x = torch.tensor(2, dtype=torch.float64, requires_grad=True)
    (x * x + 3 * x + 1).backward()
    yield "dy/dx at 2", x.grad
    x1, x2 = torch.tensor(1.0), torch.tensor(2.0, requires_grad=True)
    (3 * x1 * x1 + 9 * x2).backward()
    yield "partials", (x1.grad, x2.grad)
    mat1 = torch.tensor([[1, 2, 3]], dtype=torch.float64, requires_grad=True)
    mat2 = torch.tensor([[1], [2], [3]], dtype=torch.float64, requires_grad=True)
    torch.mm(mat1, mat2).backward()
    yield "mat1.grad", mat1.grad
    yield "mat2.grad", mat2.grad
    x = torch.tensor([[1., 2., 3.], [4., 5., 6.]], requires_grad=True)
    torch.mean(2 * (x + 1) * (x + 1)).backward()
    yield "dJ/dx", repr(x.grad)


side_by_side(gradients_by_hand)

# %% [markdown]
# ## Exercises
#
# Fill in each answer; the cell after it checks it against real PyTorch and says `right`
# or `not yet` (and why). The answers given are right: replace them with your own.
#
# **1. A derivative rule.** Write the derivative of $y = x \sin x$ as a function of `x`,
# with autodiff's operations (`x.sin()`, `x.cos()`, `*`, `+`). The check evaluates it at
# seven points against what torch's backward pass gives.

# %%
def dy_dx(x):
    return x.sin() + x * x.cos()                   # your answer


# %%
def x_sin_x_gradient(torch):
    x = torch.linspace(-3, 3, 7, requires_grad=True)
    (x * x.sin()).sum().backward()
    return x.grad


check("d/dx (x sin x)", dy_dx(torch.linspace(-3, 3, 7)), x_sin_x_gradient)

# %% [markdown]
# **2. A matrix gradient.** For `y = torch.mm(a, b).sum()` with `a` of shape 2×3 and `b`
# below, `a.grad` is a 2×3 matrix. Write it as an expression in `b` (hint: each
# $y_{ij}$ is a row of `a` times a column of `b`; a product with a matrix of ones sums).

# %%
b = torch.tensor([[1.0, -1.0], [2.0, 0.5], [0.0, 3.0]])
a_grad = torch.ones(2, 2) @ b.t()                  # your answer


# %%
def mm_gradient(torch):
    a = torch.zeros(2, 3, requires_grad=True)
    b = torch.tensor([[1.0, -1.0], [2.0, 0.5], [0.0, 3.0]])
    torch.mm(a, b).sum().backward()
    return a.grad


check("a.grad of mm(a, b).sum()", a_grad, mm_gradient)
