"""Training runs, step for step: the same model, data and starting weights under both
frameworks must give the same loss at every step and the same weights at the end.

``nn.Linear`` and ``nn.Conv2d`` draw their initial weights from each framework's own
generator, so every case overwrites them with weights drawn from a fixed-seed NumPy
generator (loaded with ``load_state_dict``, as a learner restores a checkpoint).
"""

import numpy as np

from parity_tests.cases.seed_nn import _my_net_class
from parity_tests.harness import needs

STEPS = 50


def _seeded_weights(T, model, seed=0, scale=0.5):
    """Give ``model`` the same starting weights in every framework."""
    rng = np.random.default_rng(seed)
    state = {name: T.tensor(rng.uniform(-scale, scale, tuple(value.shape)).tolist())
             for name, value in model.state_dict().items()}
    model.load_state_dict(state)
    return model


def _train(T, model, optimizer, loss_fn, x, y, steps=STEPS):
    """Full-batch training: yield the loss of every step, then every parameter."""
    for step in range(steps):
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        yield f"loss {step}", loss
    for name, parameter in model.named_parameters():
        yield name, parameter


@needs("nn", "optim")
def training_linear_regression_sgd_momentum(T):
    """A line fitted by SGD with momentum and an MSE loss, 50 steps."""
    rng = np.random.default_rng(1)
    xs = rng.uniform(-1, 1, (20, 1))
    x = T.tensor(xs.tolist())
    y = T.tensor((3 * xs + 2 + 0.1 * rng.standard_normal((20, 1))).tolist())
    model = _seeded_weights(T, T.nn.Linear(1, 1))
    optimizer = T.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    yield from _train(T, model, optimizer, T.nn.MSELoss(), x, y)


@needs("nn", "optim")
def training_xor_mlp_adam_cross_entropy(T):
    """XOR with a 2-8-2 tanh MLP, Adam and cross-entropy, 50 steps."""
    x = T.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = T.tensor([0, 1, 1, 0])
    model = _seeded_weights(T, T.nn.Sequential(T.nn.Linear(2, 8), T.nn.Tanh(),
                                               T.nn.Linear(8, 2)), scale=1.0)
    optimizer = T.optim.Adam(model.parameters(), lr=0.05)
    yield from _train(T, model, optimizer, T.nn.CrossEntropyLoss(), x, y)
    yield "predictions", model(x).argmax(1)




@needs("nn", "optim")
def training_seed002_mynet_loop(T):
    """The article's loop (``zero_grad``, forward, loss, ``backward``, ``step``) on its
    ``MyNet(input_size, output_size, hidden_size)``, 50 SGD steps on a smooth target.

    (The article's own ``net = MyNet()`` raises TypeError: see
    ``seed002_mynet_without_arguments``.)
    """
    rng = np.random.default_rng(2)
    xs = rng.uniform(-2, 2, (32, 3))
    x, y = T.tensor(xs.tolist()), T.tensor(np.sin(xs.sum(1, keepdims=True)).tolist())
    model = _seeded_weights(T, _my_net_class(T)(3, 1, 6))
    optimizer = T.optim.SGD(model.parameters(), lr=0.5)
    yield from _train(T, model, optimizer, T.nn.MSELoss(), x, y)


@needs("nn")
def training_seed002_gradients_accumulate(T):
    """The article says gradients of successive iterations are "multiplied"
    ("会和之前积累的梯度相乘") unless ``zero_grad()`` is called. They are *added*:
    a second identical backward doubles ``.grad``, and ``zero_grad()`` clears it."""
    model = _seeded_weights(T, _my_net_class(T)(3, 1, 2))
    x = T.tensor([[1.0, -1.0, 0.5]])
    model(x).sum().backward()
    once = model.hidden.weight.grad.clone()
    yield "grad after one backward", once
    model(x).sum().backward()
    yield "grad after two backwards", model.hidden.weight.grad
    yield "second grad is the sum", bool(T.allclose(model.hidden.weight.grad, once + once))
    model.zero_grad()
    yield "grad after zero_grad", model.hidden.weight.grad


@needs("nn", "optim")
def training_small_cnn_on_8x8_images(T):
    """Conv2d(1, 4, 3, padding=1) + ReLU + MaxPool2d(2) + Linear on sixteen 8x8 images of
    three classes (a bright row, column or diagonal), SGD with momentum, 50 steps."""
    rng = np.random.default_rng(3)
    labels = np.arange(16) % 3
    images = rng.uniform(0, 0.3, (16, 1, 8, 8))
    for image, label in zip(images, labels):
        k = rng.integers(8)
        if label == 0:
            image[0, k, :] += 1
        elif label == 1:
            image[0, :, k] += 1
        else:
            image[0] += np.eye(8)
    model = _seeded_weights(T, T.nn.Sequential(
        T.nn.Conv2d(1, 4, 3, padding=1), T.nn.ReLU(), T.nn.MaxPool2d(2), T.nn.Flatten(),
        T.nn.Linear(4 * 4 * 4, 3)), scale=0.3)
    optimizer = T.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    yield from _train(T, model, optimizer, T.nn.CrossEntropyLoss(), T.tensor(images.tolist()),
                      T.tensor(labels.tolist()))


@needs("nn", "optim", "utils")
def training_minibatches_with_scheduler(T):
    """Mini-batches from a ``DataLoader`` (in order), AdamW and a StepLR schedule:
    8 epochs of 3 batches, the loss of every batch and the rate of every epoch."""
    rng = np.random.default_rng(4)
    xs = rng.standard_normal((12, 4))
    data = T.utils.data.TensorDataset(T.tensor(xs.tolist()),
                                      T.tensor((xs[:, :2] - xs[:, 2:]).tolist()))
    loader = T.utils.data.DataLoader(data, batch_size=4)
    model = _seeded_weights(T, T.nn.Sequential(T.nn.Linear(4, 6), T.nn.GELU(),
                                               T.nn.Linear(6, 2)))
    optimizer = T.optim.AdamW(model.parameters(), lr=0.02)
    scheduler = T.optim.lr_scheduler.StepLR(optimizer, step_size=3, gamma=0.5)
    for epoch in range(8):
        for batch, (x, y) in enumerate(loader):
            optimizer.zero_grad()
            loss = T.nn.functional.mse_loss(model(x), y)
            loss.backward()
            optimizer.step()
            yield f"loss {epoch}.{batch}", loss
        scheduler.step()
        yield f"lr after epoch {epoch}", scheduler.get_last_lr()
    yield "final weight", model[2].weight
