"""The documentation site: it builds with warnings as errors, and documents every public name.

The build executes every code cell and tutorial (a failing cell fails it), runs the parity
harness for the parity matrix, and resolves every reference; ``-W --keep-going`` turns
any warning into a failure and reports them all. The generators of ``docs/_ext`` are
tested here on small inputs too, so that a page that is merely present is not mistaken
for a page that is right.
"""

import fcntl
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
sys.path.insert(0, str(DOCS / "_ext"))

import included_pages  # noqa: E402
import parity_matrix  # noqa: E402
import public_api  # noqa: E402

BUILD_TIMEOUT = 600        # seconds; a warm build takes well under a minute


@pytest.fixture(scope="session")
def build(tmp_path_factory, worker_id, parity_report):
    """The site, built from scratch into a temporary directory (cells from the cache; the
    parity matrix from the run's report, ``parity_report``), once per test run:
    pytest-xdist's workers share it, taking turns on a lock in the run's temporary
    directory (two builds at once would race on docs/_generated).

    ``--keep-going`` writes every page even when there are warnings, so that the tests
    of the pages can run when the build itself fails.
    """
    base = tmp_path_factory.getbasetemp()
    shared = base if worker_id == "master" else base.parent     # the run's, not the worker's
    out, record = shared / "docs-html", shared / "docs-build.json"
    with open(shared / "docs-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not record.exists():
            done = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q",
                                   "-b", "html", str(DOCS), str(out)],
                                  capture_output=True, text=True, timeout=BUILD_TIMEOUT,
                                  env={**os.environ,
                                       parity_matrix.REPORT_VARIABLE: str(parity_report[0])})
            record.write_text(json.dumps({"returncode": done.returncode,
                                          "stderr": done.stderr}))
    done = json.loads(record.read_text())
    return out, subprocess.CompletedProcess("sphinx-build", done["returncode"], "",
                                            done["stderr"])


@pytest.fixture(scope="session")
def site(build):
    out, _ = build
    if not (out / "index.html").exists():
        pytest.fail("sphinx-build wrote no site (see test_the_site_builds_with_warnings_as_errors)")
    return out


def test_the_site_builds_with_warnings_as_errors(build):
    _, done = build
    problems = [line for line in done.stderr.splitlines()
                if re.search(r"\b(WARNING|ERROR|CRITICAL)\b:", line) and "[IPKernelApp]" not in line]
    assert done.returncode == 0, "sphinx-build -W failed:\n" + (
        "\n".join(problems) if problems else done.stderr[-20000:])


def test_every_public_name_is_in_the_api_reference(site):
    pages = {path.stem: path.read_text(encoding="utf-8") for path in (site / "api").glob("*.html")}
    missing = []
    for page, module in public_api.available_modules():
        for name in public_api.public_names(module):
            obj = getattr(module, name)
            kind = public_api.kind(obj)
            if kind == "module":                     # documented on a page of its own
                found = any(f'id="module-{obj.__name__}"' in html for html in pages.values())
            elif kind == "class" and public_api.home_of(obj) != f"{module.__name__}.{name}":
                found = f'#{public_api.home_of(obj)}"' in pages[page]     # a link to it
            else:
                found = f'id="{module.__name__}.{name}"' in pages[page]
            if not found:
                missing.append(f"{module.__name__}.{name}")
    assert not missing, f"not in the API reference: {missing}"


def test_every_public_name_has_a_docstring():
    missing = public_api.missing_docstrings()
    assert not missing, (f"{len(missing)} public names have no docstring (the API reference "
                         f"shows them empty): {', '.join(missing)}")


def test_the_parity_page_is_the_harness_report(site):
    html = (site / "parity.html").read_text(encoding="utf-8")
    report = DOCS / "_generated" / "parity.json"
    if not report.exists():                     # the harness could not run: the page says why
        assert "could not be generated" in html
        return
    cases = json.loads(report.read_text(encoding="utf-8"))["cases"]
    passed = sum(case["status"] == "passed" for case in cases)
    assert f"{len(cases)} cases" in html and f"{passed} passed" in html
    for case in cases:
        assert case["name"] in html


# --- the generators, on small inputs ----------------------------------------------------

def _matrix(*cases):
    return {"reference": "torch", "candidate": "autodiff", "cases": list(cases)}


def _case(name, group, status, observations, skip_reason=None):
    return {"name": name, "group": group, "doc": "", "status": status,
            "skip_reason": skip_reason, "observations": [
                {"name": obs, "torch": t, "autodiff": a, "match": t == a,
                 "reason": None if t == a else "values differ"} for obs, t, a in observations]}


def test_a_mismatch_is_shown_in_full_first():
    text = parity_matrix.markdown(_matrix(
        _case("good", "ops", "passed", [("out", "tensor(1.)", "tensor(1.)")]),
        _case("bad", "ops", "failed", [("x.grad", "tensor(2.)", "tensor(3.)")])), {})
    assert "1 passed, 1 failed" in text
    mismatches = text.index("## Mismatches")
    assert mismatches < text.index("## ops")
    assert "torch:  tensor(2.)\nautodiff: tensor(3.)" in text[mismatches:]
    assert "| `bad` | `x.grad` | ✗ values differ |" in text


def test_skipped_cases_say_why():
    text = parity_matrix.markdown(_matrix(
        _case("net", "seed_nn", "skipped", [], skip_reason="autodiff.nn does not exist yet")),
        {"seed_nn": "Article 002's `nn.Module` examples."})
    assert "0 passed, 0 failed**, 1 skipped" in text
    assert "| `net` |  | skipped: autodiff.nn does not exist yet |" in text
    assert "Article 002's `nn.Module` examples." in text


@pytest.mark.parametrize("text, cell", [
    ("x.grad", "`x.grad`"),
    ("a | b", "`a \\| b`"),
    ("print(`x`)", "``print(`x`)``"),
    ("`x`", "`` `x` ``"),
    ("tensor([[1.],\n        [2.]])", "`tensor([[1.], [2.]])`"),
])
def test_observation_names_are_safe_in_a_table_cell(text, cell):
    assert parity_matrix._code(text) == cell


def test_the_page_says_so_when_the_harness_is_missing(tmp_path):
    target = tmp_path / "parity.md"
    parity_matrix.write_page(parity_matrix.HarnessRun(tmp_path, tmp_path / "cache"), tmp_path,
                             target)
    assert "could not be generated" in target.read_text()
    assert "`parity_tests` is not in this checkout yet" in target.read_text()


def test_the_page_reads_a_report_made_elsewhere(tmp_path, monkeypatch):
    """The test run's report (``AUTODIFF_PARITY_REPORT``) is shown, not run again."""
    (tmp_path / "parity_tests").mkdir()
    (tmp_path / "parity_tests" / "__main__.py").write_text("raise SystemExit(3)\n")
    report = tmp_path / "report.json"
    report.write_text(json.dumps(_matrix()))
    monkeypatch.setenv(parity_matrix.REPORT_VARIABLE, str(report))
    run = parity_matrix.HarnessRun(tmp_path, tmp_path / "cache")
    assert run.process is None and run.result() == (_matrix(), "")


def test_tutorials_are_copied_and_listed(tmp_path):
    repo, src = tmp_path / "repo", tmp_path / "repo" / "docs"
    (repo / "tutorials").mkdir(parents=True)
    assert "No tutorials yet" in included_pages.tutorials_page(
        included_pages.copy_tutorials(repo, src))
    (repo / "tutorials" / "01_first.py").write_text("# %% [markdown]\n# # First\n\n# %%\n1 + 1\n")
    (repo / "tutorials" / "02_second.ipynb").write_text('{"cells": []}')
    (src / "tutorials").mkdir(parents=True)
    (src / "tutorials" / "00_removed.ipynb").write_text("{}")
    names = included_pages.copy_tutorials(repo, src)
    assert names == ["01_first", "02_second"]
    assert sorted(p.name for p in (src / "tutorials").iterdir()) == [
        "01_first.ipynb", "02_second.ipynb"]
    cells = json.loads((src / "tutorials" / "01_first.ipynb").read_text())["cells"]
    assert [cell["cell_type"] for cell in cells] == ["markdown", "code"]
    assert "tutorials/*" in included_pages.tutorials_page(names)


def test_benchmark_figures_lose_their_title_and_go_one_level_down(tmp_path):
    assert "No figures yet" in included_pages.benchmarks_page(tmp_path)
    results = tmp_path / "benchmarks" / "results"
    results.mkdir(parents=True)
    (results / "latest.md").write_text("# autodiff benchmarks\n\n## One op\n\n| a |\n")
    assert included_pages.benchmarks_page(tmp_path) == "### One op\n\n| a |\n"
    assert "latest-cuda.md" in included_pages.benchmarks_page(tmp_path, "latest-cuda")


def test_public_names_are_autodiffs_own():
    import autodiff
    names = public_api.public_names(autodiff)
    assert {"tensor", "Tensor", "no_grad", "float32", "default_generator"} <= set(names)
    assert not {"np", "jnp", "jax", "math", "annotations", "tape"} & set(names)
