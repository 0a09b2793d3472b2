"""The parity harness: run the same torch snippet under torch and autodiff, compare.

Write a case as a function of the framework module ``T`` that yields what it
observes (see :mod:`parity_tests.harness`); run them all with
``python -m parity_tests`` or ``pytest tests/test_parity.py``.
"""

from parity_tests.harness import Case, compare, needs, printed

__all__ = ["Case", "compare", "needs", "printed"]
