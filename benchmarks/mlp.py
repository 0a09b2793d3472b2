"""One MLP training step, written once and run by each framework.

The model is raw tensors -- ``h @ w + b``, relu, a log-softmax cross-entropy on one-hot
targets -- and the update is plain SGD under ``no_grad``: the same code runs on autodiff
and on torch (``lib`` is the module), and the JAX version differentiates the same loss
with ``jax.value_and_grad``. Every framework starts from the same numbers.
"""

from __future__ import annotations

import types

import jax
import numpy as np
import torch

import autodiff
from autodiff.compile import compile

from . import timing

LR = 0.01

# (name, batch, layer widths)
SIZES = [("small", 32, (16, 32, 4)), ("mnist", 64, (784, 256, 10)),
         ("wide", 256, (1024, 1024, 10))]

# jax.nn spelled like torch, so that ``loss`` below runs on JAX arrays too
JAX = types.SimpleNamespace(relu=jax.nn.relu, log_softmax=jax.nn.log_softmax)


def loss(lib, params, x, y):
    """Mean cross-entropy of an MLP with relu between its layers (y is one-hot)."""
    h = x
    for i in range(0, len(params), 2):
        h = h @ params[i] + params[i + 1]
        if i + 2 < len(params):
            h = lib.relu(h)
    return -(lib.log_softmax(h, 1) * y).sum() / x.shape[0]


def sgd_step(lib, params, x, y):
    """Forward, backward, update: the eager step, for autodiff and torch alike."""
    value = loss(lib, params, x, y)
    value.backward()
    with lib.no_grad():
        for p in params:
            p -= LR * p.grad
            p.grad = None
    return value


def data(batch, widths, seed=0):
    """Initial weights, a batch of inputs and one-hot targets, as NumPy float32 arrays."""
    rng = np.random.default_rng(seed)
    params = []
    for fan_in, fan_out in zip(widths, widths[1:]):
        params += [rng.uniform(-1, 1, (fan_in, fan_out)) / np.sqrt(fan_in),
                   np.zeros(fan_out)]
    x = rng.standard_normal((batch, widths[0]))
    y = np.eye(widths[-1])[rng.integers(0, widths[-1], batch)]
    return [p.astype(np.float32) for p in params], x.astype(np.float32), y.astype(np.float32)


def steps(batch, widths):
    """Each framework's step as a no-argument callable, by name."""
    params, x, y = data(batch, widths)

    def tensors(lib, arrays, **kw):
        return [lib.tensor(a, device=timing.DEVICE, **kw) for a in arrays]

    ad_params = tensors(autodiff, params, requires_grad=True)
    ad_x, ad_y = tensors(autodiff, (x, y))
    ad_compiled_params = tensors(autodiff, params, requires_grad=True)
    compiled = compile(lambda x, y: sgd_step(autodiff, ad_compiled_params, x, y),
                       state=ad_compiled_params)

    torch_params = tensors(torch, params, requires_grad=True)
    torch_x, torch_y = tensors(torch, (x, y))

    jax_state = {"params": [t._value() for t in tensors(autodiff, params)]}
    jax_x, jax_y = (t._value() for t in tensors(autodiff, (x, y)))

    def jax_step():
        jax_state["params"], value = jax_sgd_step(jax_state["params"], jax_x, jax_y)
        return value

    return {
        "autodiff eager": lambda: sgd_step(autodiff, ad_params, ad_x, ad_y),
        "autodiff compiled": lambda: compiled(ad_x, ad_y),
        "torch eager": lambda: sgd_step(torch, torch_params, torch_x, torch_y),
        "jax.jit": jax_step,
    }


@jax.jit
def jax_sgd_step(params, x, y):
    """The hand-written JAX step: ``jax.jit(value_and_grad)`` and an SGD update. Its float32
    matrix products are in full precision, as autodiff's and torch's (on a GPU, JAX's
    default would round them to TF32: less work, other numbers)."""
    with jax.default_matmul_precision("highest"):
        value, grads = jax.value_and_grad(lambda p: loss(JAX, p, x, y))(params)
    return [p - LR * g for p, g in zip(params, grads)], value
