"""Datasets and batching (torch's ``torch.utils.data``).

A *dataset* answers ``len(dataset)`` and ``dataset[i]`` (one sample, e.g. an
``(x, y)`` pair). A ``DataLoader`` walks a dataset in batches: it picks the indices of
each batch (in order, or shuffled anew every epoch) and *collates* the samples --
stacks their tensors along a new first dim -- so ``for x, y in loader`` gives batches.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from typing import Any, Callable, Iterator, Optional, Sequence

from .. import ops
from ..tape import Tensor


class Dataset:
    """Base class of map-style datasets: define ``__getitem__`` and ``__len__``."""

    def __getitem__(self, index: Any) -> Any:
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")


class TensorDataset(Dataset):
    """Samples are the rows of tensors of equal first size: ``dataset[i]`` is
    ``(x[i], y[i])``.

    >>> import autodiff
    >>> from autodiff.utils.data import TensorDataset
    >>> data = TensorDataset(autodiff.arange(6.0).reshape(3, 2), autodiff.tensor([0, 1, 0]))
    >>> len(data), data[1]
    (3, (tensor([2., 3.]), tensor(1)))
    """

    def __init__(self, *tensors: Tensor) -> None:
        if not all(tensors[0].size(0) == t.size(0) for t in tensors):
            raise AssertionError("Size mismatch between tensors")
        self.tensors = tensors

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].size(0)


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, renumbered from 0."""

    def __init__(self, dataset: Dataset, indices: Sequence[int]) -> None:
        self.dataset, self.indices = dataset, indices

    def __getitem__(self, index: int) -> Any:
        return self.dataset[self.indices[index]]

    def __len__(self) -> int:
        return len(self.indices)


def random_split(dataset: Any, lengths: Sequence[float],
                 generator: Optional[ops.Generator] = None) -> list[Subset]:
    """Split ``dataset`` at random into subsets of the given ``lengths`` (counts, or
    fractions summing to 1).

    >>> import autodiff
    >>> from autodiff.utils.data import TensorDataset, random_split
    >>> train, test = random_split(TensorDataset(autodiff.zeros(10)), [0.8, 0.2])
    >>> len(train), len(test)
    (8, 2)
    """
    n = len(dataset)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        counts = [int(math.floor(n * fraction)) for fraction in lengths]
        for i in range(n - sum(counts)):          # hand out the remainder round-robin
            counts[i % len(counts)] += 1
        lengths = counts
    if sum(lengths) != n:
        raise ValueError("Sum of input lengths does not equal the length of the input "
                         "dataset!")
    order = ops.randperm(n, generator=generator).tolist()
    starts = np.cumsum([0] + list(lengths[:-1]))
    return [Subset(dataset, order[s:s + k]) for s, k in zip(starts, lengths)]


def default_collate(batch: list[Any]) -> Any:
    """Stack a list of samples into one batch, keeping their structure: tensors are
    stacked along a new dim 0, numbers become a tensor, tuples become lists of batches.

    >>> import autodiff
    >>> from autodiff.utils.data import default_collate
    >>> default_collate([(autodiff.tensor([1.0]), 0), (autodiff.tensor([2.0]), 1)])
    [tensor([[1.],
            [2.]]), tensor([0, 1])]
    """
    first = batch[0]
    if isinstance(first, Tensor):
        return ops.stack(batch, 0)
    if isinstance(first, np.ndarray):
        return ops.stack([ops.as_tensor(a) for a in batch], 0)
    if isinstance(first, bool) or not isinstance(first, numbers.Number):
        if isinstance(first, dict):
            return {key: default_collate([sample[key] for sample in batch]) for key in first}
        if isinstance(first, (tuple, list)):
            return [default_collate(list(samples)) for samples in zip(*batch)]
        if isinstance(first, str):
            return batch
    if isinstance(first, float):
        return ops.tensor(batch, dtype="float64")   # type: ignore[arg-type]  # (a name works too)
    if isinstance(first, numbers.Number):
        return ops.tensor(batch)
    raise TypeError("default_collate: batch must contain tensors, numpy arrays, numbers, "
                    f"dicts or lists; found {type(first)}")


class DataLoader:
    """Batches of a dataset: ``batch_size`` samples at a time, reshuffled every epoch
    with ``shuffle=True`` (from ``generator``, or autodiff's default one), the last
    short batch dropped with ``drop_last=True``.

    >>> import autodiff
    >>> from autodiff.utils.data import DataLoader, TensorDataset
    >>> data = TensorDataset(autodiff.arange(5.0), autodiff.tensor([0, 1, 0, 1, 1]))
    >>> [x.tolist() for x, y in DataLoader(data, batch_size=2)]
    [[0.0, 1.0], [2.0, 3.0], [4.0]]
    """

    def __init__(self, dataset: Any, batch_size: int = 1, shuffle: bool = False,
                 collate_fn: Optional[Callable[[list[Any]], Any]] = None,
                 drop_last: bool = False, generator: Optional[ops.Generator] = None) -> None:
        self.dataset, self.batch_size = dataset, batch_size
        self.shuffle, self.drop_last, self.generator = shuffle, drop_last, generator
        self.collate_fn = default_collate if collate_fn is None else collate_fn

    def __len__(self) -> int:
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def _batches_of_indices(self) -> Iterator[list[int]]:
        n = len(self.dataset)
        order = (ops.randperm(n, generator=self.generator).tolist() if self.shuffle
                 else list(range(n)))
        for start in range(0, len(self) * self.batch_size, self.batch_size):
            yield order[start:start + self.batch_size]

    def __iter__(self) -> Iterator[Any]:
        for indices in self._batches_of_indices():
            if isinstance(self.dataset, TensorDataset) and self.collate_fn is default_collate:
                # the same batch as collating the rows one by one, in one indexing per tensor
                key = ops.tensor(indices)
                yield [t[key] for t in self.dataset.tensors]
            else:
                yield self.collate_fn([self.dataset[i] for i in indices])
