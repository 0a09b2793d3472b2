"""Train a small MLP on scikit-learn's 8x8 handwritten digits with autodiff.

The program a PyTorch learner writes -- ``Dataset``/``DataLoader``, an ``nn.Module``,
``CrossEntropyLoss``, ``Adam``, the ``zero_grad``/``backward``/``step`` loop -- with
``import autodiff as torch``. The digits (1,797 images) come with scikit-learn: no
download. Run it::

    python examples/train_digits.py

It reaches about 97% accuracy on held-out digits in a few seconds.
"""

from __future__ import annotations

import numpy as np
from sklearn.datasets import load_digits
from tqdm import tqdm

import autodiff as torch
import autodiff.nn as nn
import autodiff.optim as optim
from autodiff.utils.data import DataLoader, TensorDataset


def digit_datasets(test_fraction=0.2, seed=0):
    """Train and test sets of (64 pixels scaled to [0, 1], label), split at random."""
    digits = load_digits()
    order = np.random.default_rng(seed).permutation(len(digits.target))
    images = torch.tensor(digits.data[order] / 16.0, dtype=torch.float32)
    labels = torch.tensor(digits.target[order])
    n_test = int(len(order) * test_fraction)
    return (TensorDataset(images[n_test:], labels[n_test:]),
            TensorDataset(images[:n_test], labels[:n_test]))


class MLP(nn.Module):
    """64 pixels -> 64 hidden units (ReLU) -> 10 class scores."""

    def __init__(self, hidden=64):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, 10))

    def forward(self, x):
        return self.layers(x)


def accuracy(model, dataset):
    """The fraction of ``dataset`` the model classifies right."""
    images, labels = dataset.tensors
    model.eval()
    with torch.no_grad():
        predicted = model(images).argmax(1)
    model.train()
    return (predicted == labels).float().mean().item()


def train(epochs=15, batch_size=32, lr=1e-2, seed=0, progress=True):
    """Train an MLP; return it and its test accuracy."""
    torch.manual_seed(seed)
    train_set, test_set = digit_datasets(seed=seed)
    loader = DataLoader(train_set, batch_size=batch_size, shuffle=True)
    model = MLP()
    loss_fn = nn.CrossEntropyLoss()
    optimizer = optim.Adam(model.parameters(), lr=lr)
    bar = tqdm(range(epochs), desc="training", disable=not progress)
    for _ in bar:
        for images, labels in loader:
            optimizer.zero_grad()            # gradients add up: clear the last batch's
            loss = loss_fn(model(images), labels)
            loss.backward()
            optimizer.step()
        bar.set_postfix(loss=f"{loss.item():.3f}", test_accuracy=f"{accuracy(model, test_set):.3f}")
    return model, accuracy(model, test_set)


if __name__ == "__main__":
    _, test_accuracy = train()
    print(f"test accuracy: {test_accuracy:.1%}")
