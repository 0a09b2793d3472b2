"""Datasets and batching (torch's ``torch.utils.data``).

A *dataset* answers ``len(dataset)`` and ``dataset[i]`` (one sample, e.g. an
``(x, y)`` pair). A ``DataLoader`` walks a dataset in batches: it picks the indices of
each batch (in order, or shuffled anew every epoch) and *collates* the samples --
stacks their tensors along a new first dim -- so ``for x, y in loader`` gives batches.

Which indices, in which order, is a *sampler*'s job (``SequentialSampler``,
``RandomSampler``...), and grouping them into batches a ``BatchSampler``'s; a loader
builds those from ``shuffle``, ``batch_size`` and ``drop_last`` unless it is given its
own. An ``IterableDataset`` is a stream instead: the loader batches what it yields.

autodiff loads every batch in the calling process: ``num_workers`` is accepted and
checked as torch checks it, but no worker is started (so ``get_worker_info()`` is
always None and ``worker_init_fn`` is not called).
"""

from __future__ import annotations

import bisect
import collections.abc
import copy
import itertools
import math
import numbers
import warnings
from typing import (TYPE_CHECKING, Any, Callable, Generic, Iterable, Iterator, Optional,
                    Sequence, TypeVar, Union)

import numpy as np

from .. import accelerator, dtypes, ops
from ..tape import Tensor

_T_co = TypeVar("_T_co", covariant=True)


class Dataset(Generic[_T_co]):
    """Base class of map-style datasets: define ``__getitem__`` and ``__len__``.
    ``a + b`` is their ``ConcatDataset``."""

    def __getitem__(self, index: Any) -> _T_co:
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other: Dataset[_T_co]) -> ConcatDataset[_T_co]:
        return ConcatDataset([self, other])


class IterableDataset(Dataset[_T_co], Iterable[_T_co]):
    """Base class of datasets that are streams: define ``__iter__``. A ``DataLoader``
    batches what it yields, in order (it takes no sampler). ``a + b`` chains them.

    >>> import autodiff
    >>> from autodiff.utils.data import DataLoader, IterableDataset
    >>> class Squares(IterableDataset):
    ...     def __iter__(self):
    ...         return (k * k for k in range(5))
    >>> [batch.tolist() for batch in DataLoader(Squares(), batch_size=2)]
    [[0, 1], [4, 9], [16]]
    """

    def __add__(self, other: Dataset[_T_co]) -> ChainDataset:  # type: ignore[override]
        return ChainDataset([self, other])


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


class StackDataset(Dataset[Any]):
    """Datasets of one length side by side: ``dataset[i]`` is the tuple (positional
    datasets) or the dict (named ones) of their ``i``-th samples.

    >>> import autodiff
    >>> from autodiff.utils.data import StackDataset, TensorDataset
    >>> images = TensorDataset(autodiff.zeros(3, 2))
    >>> StackDataset(image=images, label=[0, 1, 2])[1]
    {'image': (tensor([0., 0.]),), 'label': 1}
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args and kwargs:
            raise ValueError("Supported either ``tuple``- (via ``args``) or``dict``- (via "
                             "``kwargs``) like input/output, but both types are given.")
        if not args and not kwargs:
            raise ValueError("At least one dataset should be passed")
        datasets = list(args or kwargs.values())
        self._length = len(datasets[0])
        if any(self._length != len(dataset) for dataset in datasets):
            raise ValueError("Size mismatch between datasets")
        self.datasets: Union[tuple[Any, ...], dict[str, Any]] = args or kwargs

    def __getitem__(self, index: Any) -> Any:
        if isinstance(self.datasets, dict):
            return {key: dataset[index] for key, dataset in self.datasets.items()}
        return tuple(dataset[index] for dataset in self.datasets)

    def __getitems__(self, indices: list[int]) -> list[Any]:
        """A batch's samples, asking each dataset for its part at once where it can."""
        keys = list(self.datasets) if isinstance(self.datasets, dict) else range(len(self.datasets))
        columns = [_fetch(self.datasets[key], indices) for key in keys]  # type: ignore[index]
        for column in columns:
            if len(column) != len(indices):
                raise ValueError("Nested dataset's output size mismatch. Expected "
                                 f"{len(indices)}, got {len(column)}")
        rows = list(zip(*columns))
        if isinstance(self.datasets, dict):
            return [dict(zip(keys, row)) for row in rows]
        return rows

    def __len__(self) -> int:
        return self._length


class ConcatDataset(Dataset[_T_co]):
    """Map-style datasets one after the other.

    >>> import autodiff
    >>> from autodiff.utils.data import ConcatDataset
    >>> both = ConcatDataset([[1, 2], [3, 4, 5]])
    >>> len(both), both[2], both.cumulative_sizes
    (5, 3, [2, 5])
    """

    @staticmethod
    def cumsum(sequence: Iterable[Any]) -> list[int]:
        return list(itertools.accumulate(len(dataset) for dataset in sequence))

    def __init__(self, datasets: Iterable[Dataset[Any]]) -> None:
        self.datasets = list(datasets)
        if len(self.datasets) == 0:
            raise AssertionError("datasets should not be an empty iterable")
        for dataset in self.datasets:
            if isinstance(dataset, IterableDataset):
                raise AssertionError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = self.cumsum(self.datasets)

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx: int) -> _T_co:
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        which = bisect.bisect_right(self.cumulative_sizes, idx)
        start = self.cumulative_sizes[which - 1] if which > 0 else 0
        return self.datasets[which][idx - start]


class ChainDataset(IterableDataset):
    """Iterable datasets one after the other (chained lazily, as they are iterated).

    >>> from autodiff.utils.data import ChainDataset, IterableDataset
    >>> class Count(IterableDataset):
    ...     def __init__(self, n): self.n = n
    ...     def __iter__(self): return iter(range(self.n))
    >>> list(ChainDataset([Count(2), Count(3)]))
    [0, 1, 0, 1, 2]
    """

    def __init__(self, datasets: Iterable[Dataset[Any]]) -> None:
        self.datasets = datasets

    def _iterables(self) -> Iterator[IterableDataset]:
        for dataset in self.datasets:
            if not isinstance(dataset, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            yield dataset

    def __iter__(self) -> Iterator[Any]:
        for dataset in self._iterables():
            yield from dataset

    def __len__(self) -> int:
        # (a stream without a length: TypeError, as torch)
        return sum(len(dataset) for dataset in self._iterables())  # type: ignore[arg-type,misc]


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, renumbered from 0. A loader fetches a
    batch of them with ``__getitems__`` (so a subclass that changes ``__getitem__`` must
    change that too, as torch requires)."""

    def __init__(self, dataset: Dataset, indices: Sequence[int]) -> None:
        self.dataset, self.indices = dataset, indices
        if (type(self).__getitem__ is not Subset.__getitem__
                and type(self).__getitems__ is Subset.__getitems__):
            raise NotImplementedError(
                f"{type(self).__name__} overrides __getitem__ but not __getitems__. When "
                "subclassing Subset and overriding __getitem__, you must also override "
                "__getitems__ to ensure DataLoader works correctly with your custom logic. A "
                "simple implementation:\n\ndef __getitems__(self, indices):\n    return "
                "[self.__getitem__(idx) for idx in indices]")

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, list):
            return self.dataset[[self.indices[i] for i in index]]
        return self.dataset[self.indices[index]]

    def __getitems__(self, indices: list[int]) -> list[Any]:
        return _fetch(self.dataset, [self.indices[i] for i in indices])

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


# -- Samplers: which indices, in which order ----------------------------------------------

class Sampler(Generic[_T_co]):
    """Base class of samplers: ``iter(sampler)`` gives dataset indices (or, for a batch
    sampler, lists of them). Defining ``__len__`` is optional, as in torch."""

    def __iter__(self) -> Iterator[_T_co]:
        raise NotImplementedError


class SequentialSampler(Sampler[int]):
    """``0, 1, ..., len(data_source) - 1``."""

    def __init__(self, data_source: Any) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler[int]):
    """A random order of the indices: a permutation (repeated when ``num_samples``
    exceeds the length), or ``num_samples`` independent draws with ``replacement``.
    Without a ``generator`` each pass seeds a new one from autodiff's default generator,
    as torch does (the orders themselves are autodiff's, not torch's).

    >>> import autodiff
    >>> from autodiff.utils.data import RandomSampler
    >>> sorted(RandomSampler(range(5)))
    [0, 1, 2, 3, 4]
    """

    def __init__(self, data_source: Any, replacement: bool = False,
                 num_samples: Optional[int] = None,
                 generator: Optional[ops.Generator] = None) -> None:
        self.data_source, self.replacement = data_source, replacement
        self._num_samples, self.generator = num_samples, generator
        if not isinstance(self.replacement, bool):
            raise TypeError("replacement should be a boolean value, but got "
                            f"replacement={self.replacement}")
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError("num_samples should be a positive integer value, but got "
                             f"num_samples={self.num_samples}")

    @property
    def num_samples(self) -> int:
        """``num_samples``, or the dataset's length (which may change)."""
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self) -> Iterator[int]:
        n = len(self.data_source)
        generator = self.generator
        if generator is None:
            seed = int(ops.empty((), dtype=dtypes.int64).random_().item())
            generator = ops.Generator()
            generator.manual_seed(seed)
        if self.replacement:      # in chunks of 32 draws, as torch
            for size in [32] * (self.num_samples // 32) + [self.num_samples % 32]:
                yield from ops.randint(0, n, (size,), dtype=dtypes.int64,
                                       generator=generator).tolist()
        else:
            for _ in range(self.num_samples // n):
                yield from ops.randperm(n, generator=generator).tolist()
            yield from ops.randperm(n, generator=generator).tolist()[:self.num_samples % n]

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler[int]):
    """The given ``indices``, in a random order."""

    def __init__(self, indices: Sequence[int],
                 generator: Optional[ops.Generator] = None) -> None:
        self.indices, self.generator = indices, generator

    def __iter__(self) -> Iterator[int]:
        for i in ops.randperm(len(self.indices), generator=self.generator).tolist():
            yield self.indices[i]

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler[int]):
    """``num_samples`` indices drawn with probabilities proportional to ``weights``
    (``torch.multinomial``), with ``replacement`` by default: to balance classes.

    >>> import autodiff
    >>> from autodiff.utils.data import WeightedRandomSampler
    >>> list(WeightedRandomSampler([0.0, 1.0, 0.0], 3))
    [1, 1, 1]
    """

    def __init__(self, weights: Sequence[float], num_samples: int, replacement: bool = True,
                 generator: Optional[ops.Generator] = None) -> None:
        if not isinstance(num_samples, int) or isinstance(num_samples, bool) or num_samples <= 0:
            raise ValueError("num_samples should be a positive integer value, but got "
                             f"num_samples={num_samples}")
        if not isinstance(replacement, bool):
            raise ValueError(f"replacement should be a boolean value, but got "
                             f"replacement={replacement}")
        weights_tensor = ops.as_tensor(weights, dtype=dtypes.float64)
        if len(weights_tensor.shape) != 1:
            raise ValueError("weights should be a 1d sequence but given weights have shape "
                             f"{tuple(weights_tensor.shape)}")
        self.weights, self.num_samples = weights_tensor, num_samples
        self.replacement, self.generator = replacement, generator

    def __iter__(self) -> Iterator[int]:
        yield from ops.multinomial(self.weights, self.num_samples, self.replacement,
                                   generator=self.generator).tolist()

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler[list[int]]):
    """Group another sampler's indices into lists of ``batch_size`` (the last one
    shorter, or dropped with ``drop_last``).

    >>> from autodiff.utils.data import BatchSampler, SequentialSampler
    >>> list(BatchSampler(SequentialSampler(range(5)), batch_size=2, drop_last=False))
    [[0, 1], [2, 3], [4]]
    """

    def __init__(self, sampler: Union[Sampler[int], Iterable[int]], batch_size: int,
                 drop_last: bool) -> None:
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError("batch_size should be a positive integer value, but got "
                             f"batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler, self.batch_size, self.drop_last = sampler, batch_size, drop_last

    def __iter__(self) -> Iterator[list[int]]:
        indices = iter(self.sampler)
        while batch := list(itertools.islice(indices, self.batch_size)):
            if len(batch) < self.batch_size and self.drop_last:
                return
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)  # type: ignore[arg-type]  # (a sampler without len: TypeError)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)


def get_worker_info() -> None:
    """Which loading worker this is, in a worker process; autodiff starts none, so None
    (as torch in the main process)."""
    return None


def _fetch(dataset: Any, indices: list[int]) -> list[Any]:
    """The samples at ``indices``: by the dataset's ``__getitems__`` where it has one."""
    getitems = getattr(dataset, "__getitems__", None)
    if getitems:
        return getitems(indices)
    return [dataset[i] for i in indices]


def default_collate(batch: Sequence[Any]) -> Any:
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
            return [default_collate(samples) for samples in zip(*batch)]
        if isinstance(first, str):
            return batch
    if isinstance(first, float):
        return ops.tensor(batch, dtype=dtypes.float64)
    if isinstance(first, numbers.Number):
        return ops.tensor(batch)
    raise TypeError("default_collate: batch must contain tensors, numpy arrays, numbers, "
                    f"dicts or lists; found {type(first)}")


def default_convert(data: Any) -> Any:
    """What a loader without batching (``batch_size=None``) does to each sample: NumPy
    arrays and scalars become tensors, inside dicts, lists and tuples (a tuple becomes a
    list, a named tuple stays one); anything else is left as it is.

    >>> import numpy as np
    >>> from autodiff.utils.data import default_convert
    >>> default_convert((np.arange(3), "label", {"weight": np.float64(0.5)}))
    [tensor([0, 1, 2]), 'label', {'weight': tensor(0.5000, dtype=autodiff.float64)}]
    """
    if isinstance(data, Tensor):
        return data
    if type(data).__module__ == "numpy" and type(data).__name__ not in ("str_", "string_"):
        if isinstance(data, np.ndarray) and data.dtype.kind in "SaUO":
            return data                    # strings and objects: no tensor for those
        return ops.as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        converted = {key: default_convert(data[key]) for key in data}
        if isinstance(data, collections.abc.MutableMapping):
            mapping = copy.copy(data)
            mapping.update(converted)
            return mapping
        return _same_type_or(data, converted, dict)
    if isinstance(data, tuple) and hasattr(data, "_fields"):     # a named tuple
        return type(data)(*(default_convert(item) for item in data))
    if isinstance(data, tuple):
        return [default_convert(item) for item in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        items = [default_convert(item) for item in data]
        if isinstance(data, collections.abc.MutableSequence):
            sequence = copy.copy(data)
            sequence[:] = items
            return sequence
        return _same_type_or(data, items, list)
    return data


def _same_type_or(data: Any, items: Any, fallback: type) -> Any:
    """``items`` in ``data``'s own container type, or in ``fallback`` where that type
    cannot be built from them."""
    try:
        return type(data)(items)
    except TypeError:
        return fallback(items)


class DataLoader:
    """Batches of a dataset: ``batch_size`` samples at a time, reshuffled every epoch
    with ``shuffle=True`` (from ``generator``, or autodiff's default one), the last
    short batch dropped with ``drop_last=True``. A ``sampler`` (indices) or a
    ``batch_sampler`` (lists of indices) replaces the default ones; ``batch_size=None``
    yields the samples one by one, unbatched (through :func:`default_convert`).

    >>> import autodiff
    >>> from autodiff.utils.data import DataLoader, TensorDataset
    >>> data = TensorDataset(autodiff.arange(5.0), autodiff.tensor([0, 1, 0, 1, 1]))
    >>> [x.tolist() for x, y in DataLoader(data, batch_size=2)]
    [[0.0, 1.0], [2.0, 3.0], [4.0]]
    """

    def __init__(self, dataset: Any, batch_size: Optional[int] = 1,
                 shuffle: Optional[bool] = None,
                 sampler: Optional[Union[Sampler[Any], Iterable[Any]]] = None,
                 batch_sampler: Optional[Union[Sampler[list[Any]], Iterable[list[Any]]]] = None,
                 num_workers: int = 0, collate_fn: Optional[Callable[[Any], Any]] = None,
                 pin_memory: bool = False, drop_last: bool = False, timeout: float = 0,
                 worker_init_fn: Optional[Callable[[int], None]] = None,
                 multiprocessing_context: Any = None, generator: Optional[ops.Generator] = None,
                 *, prefetch_factor: Optional[int] = None, persistent_workers: bool = False,
                 pin_memory_device: str = "", in_order: bool = True) -> None:
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to "
                             "disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in "
                             "multiprocessing.let num_workers > 0 to enable multiprocessing, "
                             "otherwise set prefetch_factor to None.")
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        self.dataset, self.num_workers, self.prefetch_factor = dataset, num_workers, prefetch_factor
        self.pin_memory, self.pin_memory_device = pin_memory, pin_memory_device
        self.timeout, self.worker_init_fn = timeout, worker_init_fn
        self.multiprocessing_context, self.in_order = multiprocessing_context, in_order
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle not in {False, None}:
                raise ValueError("DataLoader with IterableDataset: expected unspecified shuffle "
                                 f"option, but got shuffle={shuffle}")
            if sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified sampler "
                                 f"option, but got sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified "
                                 f"batch_sampler option, but got batch_sampler={batch_sampler}")
        shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, "
                                 "shuffle, sampler, and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually "
                             "exclusive with drop_last")
        if sampler is None and not self._iterable:
            sampler = (RandomSampler(dataset, generator=generator) if shuffle
                       else SequentialSampler(dataset))
        if batch_size is not None and batch_sampler is None and not self._iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)  # type: ignore[arg-type]
        self.batch_size, self.drop_last = batch_size, drop_last
        self.sampler, self.batch_sampler, self.generator = sampler, batch_sampler, generator
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers

    @property
    def _auto_collation(self) -> bool:
        """Whether samples are collated into batches (torch's name)."""
        return self.batch_sampler is not None or (self._iterable and self.batch_size is not None)

    def __len__(self) -> int:
        if self._iterable:
            n = len(self.dataset)
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)
        return len(self.batch_sampler if self._auto_collation else self.sampler)  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[Any]:
        """An epoch's batches (torch's warnings about pinning come first)."""
        if self.pin_memory and self.pin_memory_device:
            warnings.warn("pin_memory_device is deprecated, the current accelerator will be used "
                          f"as the device,ignore pin_memory_device='{self.pin_memory_device}'.",
                          stacklevel=2)
        if self.pin_memory and not accelerator.is_available():
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, "
                          "then device pinned memory won't be used.", stacklevel=2)
        return self._stream() if self._iterable else self._batches()

    def _batches(self) -> Iterator[Any]:
        """A map-style dataset's samples, by the sampler or the batch sampler."""
        if not self._auto_collation:
            for index in self.sampler:  # type: ignore[union-attr]
                yield self.collate_fn(self.dataset[index])
        else:
            for indices in self.batch_sampler:  # type: ignore[union-attr]
                if isinstance(self.dataset, TensorDataset) and self.collate_fn is default_collate:
                    # the same batch as collating the rows one by one, in one indexing per tensor
                    key = ops.tensor(indices, dtype=dtypes.int64)
                    yield [t[key] for t in self.dataset.tensors]
                else:
                    yield self.collate_fn(_fetch(self.dataset, indices))

    def _stream(self) -> Iterator[Any]:
        """An iterable dataset's samples, batched (and collated) or one by one."""
        samples = iter(self.dataset)
        if self.batch_size is None:
            yield from map(self.collate_fn, samples)
            return
        while batch := list(itertools.islice(samples, self.batch_size)):
            if len(batch) < self.batch_size and self.drop_last:
                return
            yield self.collate_fn(batch)


# torch.utils.data's names autodiff leaves out say so (autodiff/_not_provided.py);
# hidden from a type checker, which would otherwise take any name as this function's
if not TYPE_CHECKING:
    from .. import _not_provided
    __getattr__ = _not_provided.refuser("utils.data")
