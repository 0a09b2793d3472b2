"""What real torch programs use around the maths (issue 19), where the parity cases
(``parity_tests/cases/compat.py``) cannot show it: a checkpoint read by a second process,
files on disk, error types against torch's."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch

import autodiff

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("T", [torch, autodiff], ids=["torch", "autodiff"])
def test_a_checkpoint_written_by_one_process_loads_in_another(T, tmp_path):
    """Save a model's and an optimizer's state in a subprocess; load them here."""
    path = tmp_path / "checkpoint.pt"
    writer = textwrap.dedent(f"""
        import {T.__name__} as T
        T.manual_seed(0)
        model = T.nn.Linear(3, 2)
        optimizer = T.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        model(T.ones(1, 3)).sum().backward()
        optimizer.step()
        T.save({{"model": model.state_dict(), "optim": optimizer.state_dict(), "epoch": 4}},
               {str(path)!r})
        print(model.weight.tolist(), model.bias.tolist())
    """)
    written = subprocess.run([sys.executable, "-c", writer], capture_output=True, text=True,
                             check=True, cwd=ROOT).stdout.strip()
    checkpoint = T.load(path)
    model = T.nn.Linear(3, 2)
    model.load_state_dict(checkpoint["model"])
    optimizer = T.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    optimizer.load_state_dict(checkpoint["optim"])
    assert checkpoint["epoch"] == 4
    assert f"{model.weight.tolist()} {model.bias.tolist()}" == written
    buffers = optimizer.state_dict()["state"][0]["momentum_buffer"]
    assert buffers.tolist() == checkpoint["optim"]["state"][0]["momentum_buffer"].tolist()


@pytest.mark.parametrize("T", [torch, autodiff], ids=["torch", "autodiff"])
def test_save_takes_a_path_or_a_pathlike(T, tmp_path):
    T.save(T.arange(4), str(tmp_path / "a.pt"))
    T.save(T.arange(4), tmp_path / "b.pt")
    assert T.load(tmp_path / "a.pt").tolist() == T.load(str(tmp_path / "b.pt")).tolist()


def test_load_of_a_missing_file_raises_torchs_error(tmp_path):
    missing = tmp_path / "missing.pt"
    with pytest.raises(FileNotFoundError) as expected:
        torch.load(missing)
    with pytest.raises(FileNotFoundError) as got:
        autodiff.load(missing)
    assert str(got.value) == str(expected.value)


def test_a_checkpoint_is_a_zip_archive_like_torchs(tmp_path):
    """The same layout (``archive/data.pkl`` + one record per tensor), not the same
    pickle: torch cannot read autodiff's file (docs/unsupported.md)."""
    import zipfile
    autodiff.save({"a": autodiff.ones(2), "b": autodiff.zeros(3)}, tmp_path / "c.pt")
    names = set(zipfile.ZipFile(tmp_path / "c.pt").namelist())
    assert {"archive/data.pkl", "archive/data/0", "archive/data/1"} <= names
