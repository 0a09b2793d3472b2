# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 9. Training a model
#
# Everything so far, put to work: a small network learns to read handwritten digits.
# The pieces are torch's -- `nn.Module`, a loss, an optimizer, the
# `zero_grad` / `backward` / `step` loop -- and the data are scikit-learn's 8×8 digits
# (1,797 images, shipped with the package: nothing to download).

# %%
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display
from sklearn.datasets import load_digits

import autodiff as torch
import autodiff.nn as nn
from autodiff.viz import draw
from parity_tests import check, side_by_side

digits = load_digits()
fig, axes = plt.subplots(1, 8, figsize=(8, 1.3))
for ax, image, label in zip(axes, digits.images, digits.target):
    ax.imshow(image, cmap="gray_r")
    ax.set_title(int(label))
    ax.axis("off")

# %% [markdown]
# Pixels go from 0 to 16; scaled to [0, 1], and split into a training and a test set.

# %%
order = np.random.default_rng(0).permutation(len(digits.target))
images = torch.tensor(digits.data[order] / 16.0, dtype=torch.float32)
labels = torch.tensor(digits.target[order])
train_x, test_x = images[300:], images[:300]
train_y, test_y = labels[300:], labels[:300]
train_x.shape, test_x.shape

# %% [markdown]
# ## The model
#
# An `nn.Module` holds parameters (leaves with `requires_grad=True`) and says in
# `forward` how to compute the output. Two linear layers with a ReLU between them: 64
# pixels in, a score for each of the 10 digits out.

# %%
class MLP(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.hidden = nn.Linear(64, hidden)
        self.output = nn.Linear(hidden, 10)

    def forward(self, x):
        return self.output(torch.relu(self.hidden(x)))


torch.manual_seed(0)
model = MLP()
model

# %% [markdown]
# The loss, cross-entropy between the scores and the right digit, is a scalar: its
# graph ends in one node, and its leaves are the model's parameters, named here by
# `named_parameters()`.

# %%
loss_fn = nn.CrossEntropyLoss()
loss = loss_fn(model(train_x[:5]), train_y[:5])
draw(loss, params=dict(model.named_parameters()))

# %% [markdown]
# ## The training loop
#
# For each batch: clear the gradients of the last step (they accumulate, tutorial 5),
# compute the loss, backward, and let the optimizer move each parameter against its
# gradient. The plot is redrawn after every epoch.

# %%
def accuracy(model, x, y):
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
batch_size, losses, accuracies = 64, [], []
fig, ax = plt.subplots(figsize=(6, 3))
plot = display(fig, display_id=True)
for epoch in range(8):
    for start in range(0, len(train_x), batch_size):
        x, y = train_x[start:start + batch_size], train_y[start:start + batch_size]
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    accuracies.append(accuracy(model, test_x, test_y))
    ax.clear()
    ax.plot(losses, label="training loss (per batch)")
    ax.set_xlabel("step")
    ax.set_title(f"epoch {epoch + 1}: test accuracy {accuracies[-1]:.1%}")
    ax.legend()
    plot.update(fig)
plt.close(fig)

# %%
print(f"test accuracy: {accuracies[-1]:.1%}")

# %% [markdown]
# ## One step, side by side with torch
#
# torch and autodiff draw random numbers differently, so for an exact comparison both
# start from the same weights, given as NumPy arrays. One step of SGD, then the loss
# and a corner of the updated weights.

# %%
rng = np.random.default_rng(1)
initial = [rng.normal(0, 0.1, shape).astype(np.float32)
           for shape in [(16, 64), (16,), (10, 16), (10,)]]
batch = (digits.data[:32] / 16.0).astype(np.float32), digits.target[:32]


def small_model(torch):
    """The same small network in either framework, with the same starting weights."""
    model = torch.nn.Sequential(torch.nn.Linear(64, 16), torch.nn.ReLU(),
                                torch.nn.Linear(16, 10))
    with torch.no_grad():
        for parameter, value in zip(model.parameters(), initial):
            parameter.copy_(torch.tensor(value))
    return model


def one_training_step(torch):
    model = small_model(torch)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
    x, y = torch.tensor(batch[0]), torch.tensor(batch[1])
    loss = torch.nn.functional.cross_entropy(model(x), y)
    yield "loss", loss
    optimizer.zero_grad()
    loss.backward()
    yield "grad of the last bias", model[2].bias.grad
    optimizer.step()
    yield "weights after the step", model[0].weight[:2, :4]


side_by_side(one_training_step)

# %% [markdown]
# ## Looking inside with module hooks
#
# A module can call you back. `register_forward_hook(hook)` calls `hook(module, args,
# output)` after each forward -- here, to see how many hidden units the ReLU lets
# through -- and `register_full_backward_hook(hook)` calls `hook(module, grad_input,
# grad_output)` once the gradients of the module's inputs are known: here, how large
# the gradient reaching each layer's output is. Both return a handle; `remove()` takes
# the hook off. (A backward hook puts an identity node, `BackwardHookFunctionBackward`,
# before and after the module, so that the backward pass has a place to call it from:
# it shows in the graph.)

# %%
def inspect_with_hooks(torch):
    model = small_model(torch)
    active, grad_norms = [], {}

    def count_active(module, args, output):           # returns None: output unchanged
        active.append((output > 0).float().mean())

    def gradient_norm(name):
        def hook(module, grad_input, grad_output):    # returns None: grads unchanged
            grad_norms[name] = grad_output[0].norm()
        return hook

    handles = [model[1].register_forward_hook(count_active),
               model[0].register_full_backward_hook(gradient_norm("first layer")),
               model[2].register_full_backward_hook(gradient_norm("last layer"))]
    x = torch.tensor(batch[0], requires_grad=True)
    loss = torch.nn.functional.cross_entropy(model(x), torch.tensor(batch[1]))
    loss.backward()
    yield "share of active hidden units", active
    yield "norm of the gradient at each layer's output", grad_norms
    yield "the output's grad_fn", type(model(x).grad_fn).__name__
    for handle in handles:
        handle.remove()
    yield "after remove()", type(model(x).grad_fn).__name__


side_by_side(inspect_with_hooks)

# %% [markdown]
# ## Exercises
#
# Fill in each answer; the cell after it checks it against real PyTorch and says `right`
# or `not yet` (and why). The answers given are right: replace them with your own.
#
# **1. The rule of cross-entropy.** Write the gradient of
# `nn.functional.cross_entropy(logits, target)` (the mean over a batch) with respect to
# `logits`, with autodiff's operations. Hint: the softmax of the scores, minus the
# one-hot target (`nn.functional.one_hot`), over the batch size.

# %%
def cross_entropy_grad(logits, target):
    one_hot = nn.functional.one_hot(target, logits.shape[1]).float()
    return (torch.softmax(logits, dim=1) - one_hot) / len(target)     # your answer


scores = np.random.default_rng(2).normal(size=(4, 10)).astype(np.float32)
targets = np.array([3, 0, 9, 3])


# %%
def cross_entropy_gradient(torch):
    logits = torch.tensor(scores, requires_grad=True)
    torch.nn.functional.cross_entropy(logits, torch.tensor(targets)).backward()
    return logits.grad


check("the gradient of cross-entropy",
      cross_entropy_grad(torch.tensor(scores), torch.tensor(targets)), cross_entropy_gradient)

# %% [markdown]
# **2. Counting parameters.** How many numbers does the optimizer update in `MLP()`
# (64 inputs, 32 hidden units, 10 outputs, a bias for each unit)?

# %%
parameter_count = 64 * 32 + 32 + 32 * 10 + 10     # your answer


# %%
def count_parameters(torch):
    model = torch.nn.Sequential(torch.nn.Linear(64, 32), torch.nn.ReLU(),
                                torch.nn.Linear(32, 10))
    return sum(parameter.numel() for parameter in model.parameters())


check("the number of parameters", parameter_count, count_parameters)
