"""``%%parity``: run one notebook cell under torch and under autodiff, and show what differs.

    %load_ext parity_tests.magic

    %%parity
    import torch
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    (x ** 2).sum().backward()
    print(x.grad)

The cell is a torch script of its own (it imports torch itself; the notebook's variables
are not seen): it is run as ``python -m parity_tests run`` runs a script, in two fresh
processes, and the lines it prints are shown side by side. ``%%parity --strict`` raises
an error when they differ, so that an executed notebook fails.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from parity_tests import script


def parity(line: str, cell: str) -> None:
    """The ``%%parity`` cell magic (see the module docstring)."""
    from parity_tests.__main__ import stdout_console
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cell.py"
        path.write_text(cell, encoding="utf-8")
        comparison = script.compare_script(str(path))
    if script.report(comparison, "%%parity", stdout_console()) and "--strict" in line.split():
        raise AssertionError("torch and autodiff print different lines")


def load_ipython_extension(ipython) -> None:
    """``%load_ext parity_tests.magic``: registers ``%%parity``."""
    ipython.register_magic_function(parity, magic_kind="cell", magic_name="parity")
