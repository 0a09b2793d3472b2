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
# # 10. Higher-order gradients and the functional API
#
# autodiff's derivative rules are written with autodiff's own operations. So when the
# backward pass runs with grad mode on -- `create_graph=True` -- it records a graph of
# its own, and the gradient it returns can be differentiated again.

# %%
import matplotlib.pyplot as plt

import autodiff as torch
from autodiff.viz import draw
from parity_tests import check, side_by_side

# %% [markdown]
# ## A second derivative
#
# $f(x) = x^3$: $f'(x) = 3x^2$, $f''(x) = 6x$. At $x = 2$: 12 and 12.

# %%
x = torch.tensor(2.0, requires_grad=True)
y = x ** 3
(dy_dx,) = torch.autograd.grad(y, x, create_graph=True)
print(dy_dx)                 # it has a grad_fn: it was recorded
(d2y_dx2,) = torch.autograd.grad(dy_dx, x)
print(d2y_dx2)

# %% [markdown]
# The graph of the first derivative is the backward pass of $x^3$, recorded: `PowBackward0`
# applied `grad * 3 * x ** 2`.

# %%
draw(dy_dx, params=dict(x=x))

# %% [markdown]
# ## A function and its derivatives
#
# Over many points at once, as in tutorial 3: the $x_i$ are independent, so the
# gradient of the sum gives each point's derivative.

# %%
xs = torch.linspace(-3, 3, 100, requires_grad=True)
ys = torch.tanh(xs)
(d1,) = torch.autograd.grad(ys.sum(), xs, create_graph=True)
(d2,) = torch.autograd.grad(d1.sum(), xs)
for values, label in ((ys, "tanh x"), (d1, "first derivative"), (d2, "second derivative")):
    plt.plot(xs.detach().numpy(), values.detach().numpy(), label=label)
plt.legend();

# %% [markdown]
# ## The functional API
#
# `autograd.functional` wraps these loops: `jacobian`, `hessian`, and the products
# `vjp`, `jvp`, `hvp` that avoid building the whole matrix.

# %%
from autodiff.autograd.functional import hessian, hvp, jacobian, jvp, vjp


def f(x):
    return (x ** 3).sum() + x[0] * x[1]


x = torch.tensor([1.0, 2.0])
print(jacobian(f, x))
print(hessian(f, x))            # [[6 x0, 1], [1, 6 x1]]
print(hvp(f, x, torch.tensor([1.0, 0.0])))
print(vjp(torch.sin, x, torch.ones(2)))
print(jvp(torch.sin, x, torch.ones(2)))

# %% [markdown]
# ## Side by side with torch

# %%
def higher_order(torch):
    x = torch.tensor(2.0, requires_grad=True)
    (g,) = torch.autograd.grad(x ** 3, x, create_graph=True)
    yield "dy/dx", g
    yield "d2y/dx2", torch.autograd.grad(g, x)
    f = lambda x: (x ** 3).sum() + x[0] * x[1]            # noqa: E731
    x = torch.tensor([1.0, 2.0])
    yield "hessian", torch.autograd.functional.hessian(f, x)
    yield "hvp", torch.autograd.functional.hvp(f, x, torch.tensor([1.0, 0.0]))


side_by_side(higher_order)

# %% [markdown]
# ## Exercises
#
# Fill in each answer; the cell after it checks it against real PyTorch and says `right`
# or `not yet` (and why). The answers given are right: replace them with your own.
#
# **1. A third derivative.** $f(x) = x^4$: what is $f^{(3)}(2)$?

# %%
third_derivative = 48.0                            # your answer


# %%
def third_derivative_at_2(torch):
    x = torch.tensor(2.0, requires_grad=True)
    (d1,) = torch.autograd.grad(x ** 4, x, create_graph=True)
    (d2,) = torch.autograd.grad(d1, x, create_graph=True)
    (d3,) = torch.autograd.grad(d2, x)
    return d3.item()


check("d3/dx3 x**4 at 2", third_derivative, third_derivative_at_2)

# %% [markdown]
# **2. A Hessian by hand.** $f(x) = x_0^2 x_1$ at $x = (1, 2)$: write the 2×2 matrix
# of its second derivatives as a list of rows.

# %%
hessian_by_hand = [[4.0, 2.0],
                   [2.0, 0.0]]                     # your answer


# %%
def hessian_of_f(torch):
    return torch.autograd.functional.hessian(lambda x: x[0] ** 2 * x[1],
                                             torch.tensor([1.0, 2.0])).tolist()


check("the Hessian of x0² x1 at (1, 2)", hessian_by_hand, hessian_of_f)
