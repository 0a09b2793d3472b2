"""``autodiff.utils``: helpers around training (``autodiff.utils.data``)."""

from . import data

__all__ = ["data"]
