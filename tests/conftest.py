import fcntl
import json
import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))   # tests import their shared sample tables

# AUTODIFF_TEST_DEVICE=cuda runs the whole suite with both frameworks' new tensors on that
# device (torch.set_default_device and its autodiff twin): the GPU check of issue 8.
if os.environ.get("AUTODIFF_TEST_DEVICE"):
    import torch

    import autodiff

    torch.set_default_device(os.environ["AUTODIFF_TEST_DEVICE"])
    autodiff.set_default_device(os.environ["AUTODIFF_TEST_DEVICE"])

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(item, call):
        """torch checks some indices on the GPU itself (embedding, nll_loss, gather): a bad
        one is a device-side assert, after which torch's CUDA context is unusable for the
        rest of the process. The test fails, and the worker ends so that pytest-xdist
        starts a fresh one for the tests still to run."""
        report = (yield).get_result()
        if report.failed and "device-side assert triggered" in str(report.longrepr):
            os._exit(1)


# the harness's run for parity_report: `python -m parity_tests --json FILE`, on the test
# device if one is set (its processes start from scratch, without this file's settings)
_HARNESS = """
import os, sys
import torch, autodiff
from parity_tests.__main__ import main
if os.environ.get("AUTODIFF_TEST_DEVICE"):
    torch.set_default_device(os.environ["AUTODIFF_TEST_DEVICE"])
    autodiff.set_default_device(os.environ["AUTODIFF_TEST_DEVICE"])
sys.exit(main(["--json", sys.argv[1], "-n", "1" if os.environ.get("AUTODIFF_TEST_DEVICE") else "2"]))
"""


@pytest.fixture(scope="session")
def parity_report(tmp_path_factory):
    """The harness's JSON report of every built-in case under torch and autodiff
    (``python -m parity_tests --json``), made once per test run: the parity tests assert
    on it, and the docs build publishes it. pytest-xdist's workers share it: the first
    to need it runs the harness, the others wait on a lock in the run's directory."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base   # the run's
    path = shared / "parity-report.json"
    with open(shared / "parity-report.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            done = subprocess.run([sys.executable, "-c", _HARNESS,
                                   str(path.with_suffix(".partial"))],
                                  capture_output=True, text=True, timeout=1800)
            if done.returncode not in (0, 1):          # 1: a mismatch, still a report
                pytest.fail("python -m parity_tests failed:\n" + done.stderr[-5000:])
            path.with_suffix(".partial").replace(path)
    return path, json.loads(path.read_text(encoding="utf-8"))

