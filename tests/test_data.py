"""autodiff.utils.data against torch.utils.data.

Batches in order, collation and errors must match torch's exactly. Shuffled orders come
from each framework's own generator, so those are checked for what they promise: every
sample once per epoch, a new order each epoch, the same order for the same seed.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.utils.data  # noqa: F401  (makes torch.utils.data an attribute)

import autodiff
import autodiff.utils.data as data
from test_nn import rand, same_outcome


def _dataset(T, n=7):
    return T.utils.data.TensorDataset(T.tensor(rand(n, 2)), T.arange(n))


@pytest.mark.parametrize("batch_size, drop_last", [(1, False), (3, False), (3, True),
                                                   (7, True), (10, False), (10, True)])
def test_batches_in_order_match_torch(batch_size, drop_last):
    def body(T):
        loader = T.utils.data.DataLoader(_dataset(T), batch_size=batch_size,
                                         drop_last=drop_last)
        return [len(loader), [list(batch) for batch in loader]]
    same_outcome(body)


def test_tensor_dataset_items_and_errors_match_torch():
    same_outcome(lambda T: [len(_dataset(T)), _dataset(T)[2], _dataset(T)[-1]])
    same_outcome(lambda T: T.utils.data.TensorDataset(T.ones(3), T.ones(4)))
    same_outcome(lambda T: T.utils.data.Dataset()[0])


class _Pairs:
    """A plain Python dataset of (array, int, float, dict) samples."""

    def __len__(self):
        return 5

    def __getitem__(self, i):
        return np.full(2, i, dtype=np.float32), i, i / 2, {"label": i % 2}


def test_default_collate_of_python_samples_matches_torch():
    def body(T):
        return [batch for batch in T.utils.data.DataLoader(_Pairs(), batch_size=2)]
    same_outcome(body)


def test_custom_collate_fn():
    same_outcome(lambda T: list(T.utils.data.DataLoader(_Pairs(), batch_size=2,
                                                        collate_fn=lambda b: len(b))))


def test_shuffle_covers_every_sample_once_and_reshuffles():
    loader = data.DataLoader(_dataset(autodiff, 50), batch_size=8, shuffle=True,
                             generator=autodiff.Generator().manual_seed(0))
    epochs = [[int(i) for _, labels in loader for i in labels] for _ in range(2)]
    for order in epochs:
        assert sorted(order) == list(range(50))
    assert epochs[0] != epochs[1] and epochs[0] != list(range(50))
    again = data.DataLoader(_dataset(autodiff, 50), batch_size=8, shuffle=True,
                            generator=autodiff.Generator().manual_seed(0))
    assert [int(i) for _, labels in again for i in labels] == epochs[0]


def test_shuffle_uses_the_default_generator_when_seeded():
    def order():
        autodiff.manual_seed(5)
        loader = data.DataLoader(_dataset(autodiff, 20), batch_size=20, shuffle=True)
        return next(iter(loader))[1].tolist()
    assert order() == order()


def test_random_split_partitions_the_dataset():
    parts = data.random_split(_dataset(autodiff, 10), [0.5, 0.3, 0.2],
                              generator=autodiff.Generator().manual_seed(1))
    assert [len(p) for p in parts] == [5, 3, 2]
    labels = sorted(int(p[i][1]) for p in parts for i in range(len(p)))
    assert labels == list(range(10))


def test_random_split_lengths_match_torch():
    same_outcome(lambda T: [len(p) for p in T.utils.data.random_split(_dataset(T, 11),
                                                                      [0.4, 0.4, 0.2])])
    same_outcome(lambda T: T.utils.data.random_split(_dataset(T), [3, 3]))


def test_num_workers_loads_in_the_calling_process():
    """``num_workers`` is accepted, but no worker starts: the same batches, in order, and
    ``get_worker_info()`` is None inside the dataset as well."""
    seen = []

    class Recording(data.Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            seen.append(data.get_worker_info())
            return i

    batches = [b.tolist() for b in data.DataLoader(Recording(), batch_size=3, num_workers=2)]
    assert batches == [[0, 1, 2], [3]] and seen == [None] * 4
