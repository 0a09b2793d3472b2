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
# # 11. Same code, other devices
#
# An autodiff tensor holds a JAX array. autodiff has no device code of its own: where
# the arrays live and how they are computed is JAX's business, so the same program runs
# on a CPU, a GPU or a TPU -- whichever the installed JAX build can see.

# %%
import time

import jax
import jax.numpy as jnp

import autodiff as torch
from parity_tests import check

jax.devices()

# %%
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
print(x.device, torch.cuda.is_available(), torch.cuda.device_count())

# %% [markdown]
# ## Moving tensors
#
# The torch spellings work: `tensor.to("cuda")`, `device="cuda"`. On a machine where JAX
# sees no GPU, the error says so and says what to install.

# %%
if torch.cuda.is_available():
    print((x.to("cuda") * 2).device)
else:
    try:
        x.to("cuda")
    except RuntimeError as error:
        print("RuntimeError:", error)

# %% [markdown]
# On a GPU machine (with `pip install -U "jax[cuda12]"`), the rest of a program does not
# change: create the model's tensors on the device, or move them, and every operation
# and every backward rule runs there, since they are all `jax.numpy` calls.
#
# ## Compiling
#
# Eager autodiff runs one `jax.numpy` call per operation and walks its tape in Python.
# JAX can compile a *pure function of arrays* into one XLA program with `jax.jit`: the
# first call traces it, later calls skip Python. Here is the loss of a linear model and
# its gradient, written on arrays -- the gradient by hand, the way a rule of
# `autodiff/ops/` would write it.

# %%
def loss_and_grad(w, inputs, targets):
    error = inputs @ w - targets                 # forward
    loss = (error ** 2).mean()
    grad = 2 * inputs.T @ error / error.size     # backward: d loss / d w
    return loss, grad


key_inputs, key_w = jax.random.split(jax.random.PRNGKey(0))
inputs = jax.random.normal(key_inputs, (1000, 20))
true_w = jnp.arange(20.0)
targets = inputs @ true_w
w = jnp.zeros(20)

compiled = jax.jit(loss_and_grad)
loss, grad = compiled(w, inputs, targets)        # the first call compiles
print(f"loss {float(loss):.4g}, gradient of shape {grad.shape}")

# %% [markdown]
# The same numbers from autodiff's tape:

# %%
w_t = torch.zeros(20, requires_grad=True)
inputs_t, targets_t = torch.tensor(inputs.tolist()), torch.tensor(targets.tolist())
loss_t = ((inputs_t @ w_t - targets_t) ** 2).mean()
loss_t.backward()
print(f"loss {loss_t.item():.4g} (autodiff), {float(loss):.4g} (jax.jit)")
print("same gradient:", bool(jnp.allclose(w_t.grad.numpy(), grad, rtol=1e-5, atol=1e-3)))

# %% [markdown]
# And the time of one step each way:

# %%
def seconds(step, repeat=20):
    start = time.perf_counter()
    for _ in range(repeat):
        step()
    return (time.perf_counter() - start) / repeat


def eager_step():
    w_t.grad = None
    ((inputs_t @ w_t - targets_t) ** 2).mean().backward()
    return w_t.grad.numpy()


def compiled_step():
    return compiled(w, inputs, targets)[1].block_until_ready()


print(f"eager autodiff: {seconds(eager_step) * 1e3:.2f} ms, jax.jit: "
      f"{seconds(compiled_step) * 1e3:.3f} ms")

# %% [markdown]
# Compiling a whole autodiff training step -- forward, tape, backward, optimizer -- is
# what `autodiff.compile` is for; see the how-to guide "Compile a training step" in the
# documentation.

# %% [markdown]
# ## Exercises
#
# Fill in each answer; the cell after it checks it against real PyTorch and says `right`
# or `not yet` (and why). The answers given are right: replace them with your own.
#
# **1. A gradient on arrays, by hand.** Like `loss_and_grad` above, write the gradient
# of the *mean absolute error* $\frac{1}{n}\sum_i |x_i \cdot w - t_i|$ with respect to
# `w`, on JAX arrays (`jnp.sign` is the derivative of `abs`). The check compares it with
# torch's backward pass on a small problem.

# %%
def mae_grad(w, inputs, targets):
    error = inputs @ w - targets
    return inputs.T @ jnp.sign(error) / error.size     # your answer


small_inputs = [[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]]
small_targets = [1.0, 2.0, -3.0]
by_hand = mae_grad(jnp.array([0.5, -0.5]), jnp.array(small_inputs), jnp.array(small_targets))


# %%
def mae_gradient(torch):
    w = torch.tensor([0.5, -0.5], requires_grad=True)
    error = torch.tensor(small_inputs) @ w - torch.tensor(small_targets)
    error.abs().mean().backward()
    return w.grad.tolist()


check("the gradient of the mean absolute error", by_hand.tolist(), mae_gradient)
