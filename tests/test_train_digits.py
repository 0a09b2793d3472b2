"""End to end: examples/train_digits.py trains an MLP on scikit-learn's 8x8 digits to at
least 90% held-out accuracy within 60 seconds (about 10 s on a laptop core)."""

import importlib.util
import time
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "train_digits.py"


def _load_example():
    spec = importlib.util.spec_from_file_location("train_digits", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_mlp_learns_the_digits():
    example = _load_example()
    start = time.perf_counter()
    model, test_accuracy = example.train(progress=False)
    seconds = time.perf_counter() - start
    assert test_accuracy >= 0.90, f"test accuracy {test_accuracy:.1%}"
    assert seconds < 60, f"training took {seconds:.0f} s"
    train_set, _ = example.digit_datasets()
    assert example.accuracy(model, train_set) >= test_accuracy - 0.05   # no wild overfit
    assert model.training                                               # accuracy() restores
