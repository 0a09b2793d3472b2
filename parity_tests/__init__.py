"""The parity harness: run the same torch snippet under torch and autodiff, compare.

Write a case as a function of the framework module ``T`` that yields what it
observes (see :mod:`parity_tests.harness`); run them all with
``python -m parity_tests`` or ``pytest tests/test_parity.py``. ``side_by_side``
shows one case as a table (the tutorials use it).

It needs autodiff's ``parity`` extra (the reference torch, rich, hypothesis): without
it, ``python -m parity_tests`` says which to install instead of a traceback.
"""

import importlib.util
import sys

PARITY_EXTRA = ("torch", "rich", "hypothesis")
INSTALL_PARITY = (
    "parity_tests needs autodiff's `parity` extra (the reference torch, rich and "
    "hypothesis); missing here: {missing}. Install it from the repository's root with\n"
    "    pip install -e \".[parity]\"\n"
    "adding `--extra-index-url https://download.pytorch.org/whl/cpu` on a machine without "
    "an NVIDIA GPU (torch's CPU build, without CUDA's libraries).")


def _check_parity_extra():
    missing = [name for name in PARITY_EXTRA if importlib.util.find_spec(name) is None]
    if not missing:
        return
    message = INSTALL_PARITY.format(missing=", ".join(missing))
    if sys.argv[:1] == ["-m"]:        # `python -m parity_tests...` is starting: no traceback
        sys.exit(message)
    raise ModuleNotFoundError(message, name=missing[0])


_check_parity_extra()

from parity_tests.harness import Case, compare, needs, printed  # noqa: E402
from parity_tests.tutorials import check, side_by_side  # noqa: E402

__all__ = ["Case", "check", "compare", "needs", "printed", "side_by_side"]
