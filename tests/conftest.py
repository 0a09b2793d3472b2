import os
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
