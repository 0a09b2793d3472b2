"""The public API's type hints are checked by mypy (its files: ``[tool.mypy]`` in
pyproject.toml), so that a hint that lies fails ``make test``."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytest.importorskip("mypy", reason="mypy is in the dev extra: pip install -e '.[dev]'")


def test_mypy_passes_on_the_checked_files():
    done = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental"], cwd=ROOT,
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found" in done.stdout
