"""``autodiff.utils``: helpers around training (``autodiff.utils.data``) and the module
backward hooks' machinery (``autodiff.utils.hooks``)."""

from . import data, hooks

__all__ = ["data", "hooks"]
