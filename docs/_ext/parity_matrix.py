"""The live parity matrix: run ``python -m parity_tests --json`` and write it as MyST tables.

When a build starts, the harness starts running every built-in case under torch and under
autodiff, in the background. When Sphinx comes to read ``docs/parity.md``, the page waits
for it and includes the tables written from its report (``_generated/parity.md``, with
the report itself beside it as ``parity.json``). The report is cached under
``docs/_build/.cache``, keyed by the sources of ``autodiff`` and ``parity_tests`` and the
torch version: an unchanged tree is not run twice, and any change to either is. A report
already made elsewhere (the test suite makes one for its parity tests and its build of
the site) is named by ``AUTODIFF_PARITY_REPORT``, and read instead.

If the harness cannot run (not installed yet, or crashing), the page says so and shows
why; the build goes on.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)
HARNESS_TIMEOUT = 600        # seconds


def source_key(repo: Path, packages=("autodiff", "parity_tests")) -> str:
    """A hash of every Python source of ``packages`` and of the torch version."""
    h = hashlib.sha256()
    try:
        h.update(metadata.version("torch").encode())
    except metadata.PackageNotFoundError:
        h.update(b"no torch")
    for package in packages:
        for path in sorted((repo / package).rglob("*.py")):
            h.update(str(path.relative_to(repo)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


#: a report of this source's harness run, already made (the test suite runs the harness
#: once, for its parity tests and for the build): the build reads it instead of running
REPORT_VARIABLE = "AUTODIFF_PARITY_REPORT"


class HarnessRun:
    """One run of ``python -m parity_tests --json``, started in the background when the build
    starts (it then overlaps the execution of the notebooks); ``result()`` waits for it."""

    def __init__(self, repo: Path, cache: Path):
        self.process, self.why_not = None, ""
        if not (repo / "parity_tests" / "__main__.py").exists():
            self.why_not = "`parity_tests` is not in this checkout yet."
            return
        if os.environ.get(REPORT_VARIABLE):      # made by the caller (the test suite's run)
            self.report = Path(os.environ[REPORT_VARIABLE])
            return
        self.cache = cache
        self.report = cache / f"parity-{source_key(repo)}.json"
        if self.report.exists():
            return
        cache.mkdir(parents=True, exist_ok=True)
        self.partial = self.report.with_suffix(".partial")
        self.stderr = tempfile.TemporaryFile("w+", encoding="utf-8")
        logger.info("running the parity harness (python -m parity_tests --json)...")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "parity_tests", "--json", str(self.partial)], cwd=repo,
            stdout=subprocess.DEVNULL, stderr=self.stderr, text=True)

    def result(self) -> tuple[dict | None, str]:
        """The JSON report of every built-in case, and '' -- or None and why there is none."""
        if self.why_not:
            return None, self.why_not
        if self.process is not None:
            try:
                code = self.process.wait(timeout=HARNESS_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.stop()
                self.why_not = f"`python -m parity_tests` ran past {HARNESS_TIMEOUT} seconds."
                return None, self.why_not
            self.process = None
            if not self.partial.exists():     # exit code 1 only means a mismatch: still a report
                self.stderr.seek(0)
                self.why_not = ("`python -m parity_tests --json` wrote no report (exit code "
                                f"{code}):\n\n```text\n{self.stderr.read()[-3000:]}\n```")
                return None, self.why_not
            self.partial.replace(self.report)
            for old in self.cache.glob("parity-*.json"):
                if old != self.report:
                    old.unlink()
        return json.loads(self.report.read_text(encoding="utf-8")), ""

    def stop(self) -> None:
        """End the run if it is still going (a build that never read the page)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def _code(text) -> str:
    """``text`` as an inline code span that is safe inside a table cell."""
    text = " ".join(str(text).split()).replace("|", "\\|")
    fence = "`"
    while fence in text:
        fence += "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _cell(text) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _table(header, rows) -> list[str]:
    return (["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
            + ["| " + " | ".join(row) + " |" for row in rows] + [""])


def group_summaries(repo: Path) -> dict[str, str]:
    """The first paragraph of each case module's docstring (``cases/ops.py`` -> ``ops``)."""
    found = {}
    for path in sorted((repo / "parity_tests" / "cases").glob("[!_]*.py")):
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        first = " ".join(doc.split("\n\n")[0].split())
        first = re.sub(r":\w+:`~?([^`]+)`", r"`\1`", first)     # :func:`x` -> `x`
        found[path.stem] = first.replace("``", "`")
    return found


def markdown(matrix: dict, summaries: dict[str, str]) -> str:
    """The report as MyST: a summary by group, then every observation of every case."""
    cases = matrix["cases"]
    groups = list(dict.fromkeys(case["group"] for case in cases))
    count = {status: sum(case["status"] == status for case in cases)
             for status in ("passed", "failed", "skipped")}
    ref, cand = matrix["reference"], matrix["candidate"]
    lines = [f"{len(cases)} cases, {sum(len(c['observations']) for c in cases)} observations: "
             f"**{count['passed']} passed, {count['failed']} failed**"
             + (f", {count['skipped']} skipped" if count["skipped"] else "")
             + f" ({ref} {_version(ref)} against {cand} {_version(cand)}).", ""]
    lines += _table(["group", "cases", "passed", "failed", "skipped"], [
        [f"[{g}](#parity-{g})", *(str(sum(c["group"] == g and (s is None or c["status"] == s)
                                          for c in cases))
                                  for s in (None, "passed", "failed", "skipped"))]
        for g in groups])
    failed = [case for case in cases if case["status"] == "failed"]
    if failed:
        lines += ["## Mismatches", ""]
        for case in failed:
            lines += [f"### `{case['name']}`", ""]
            for obs in case["observations"]:
                if not obs["match"]:
                    lines += [f"{_code(obs['name'])}: {_cell(obs['reason'] or '')}", "",
                              f"```text\n{ref}:  {obs[ref]}\n{cand}: {obs[cand]}\n```", ""]
    for g in groups:
        members = [case for case in cases if case["group"] == g]
        lines += [f"(parity-{g})=", f"## {g}", ""]
        if summaries.get(g):
            lines += [summaries[g], ""]
        rows = []
        for case in members:
            name = _code(case["name"])
            if case["status"] == "skipped":
                rows.append([name, "", f"skipped: {_cell(case['skip_reason'])}"])
            for obs in case["observations"]:
                verdict = "✓" if obs["match"] else f"✗ {_cell(obs['reason'] or '')}"
                rows.append([name, _code(obs["name"]), verdict])
                name = ""
        lines += _table(["case", "observation", "match"], rows)
    return "\n".join(lines)


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "(not installed)"


def write_page(run: HarnessRun, repo: Path, target: Path) -> None:
    """Write the page's tables to ``target`` and the report they show next to it (.json)."""
    matrix, why_not = run.result()
    report = target.with_suffix(".json")
    if matrix is None:
        logger.info("no parity matrix: %s", why_not.splitlines()[0])
        text = ("````{note}\nThe parity matrix could not be generated for this build. "
                + why_not + "\n````\n")
        report.unlink(missing_ok=True)
    else:
        text = markdown(matrix, group_summaries(repo))
        write_if_changed(report, json.dumps(matrix, indent=1, ensure_ascii=False))
    write_if_changed(target, text)


def write_if_changed(path: Path, text: str) -> None:
    """Write ``text`` unless the file already holds it (so Sphinx need not re-read it)."""
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


# The build's run of the harness: started with the build, waited for when the page is read.
_run: HarnessRun | None = None
PAGE = "parity"


def _start(app, config):
    global _run
    srcdir = Path(app.srcdir)
    _run = HarnessRun(srcdir.parent, srcdir / "_build" / ".cache")


def _always_reread(app, env, added, changed, removed):
    """The page shows this build's report, so it is read again by every build."""
    return [PAGE] if PAGE in env.found_docs else []


def _write_before_reading(app, docname, source):
    if docname == PAGE:
        srcdir = Path(app.srcdir)
        write_page(_run, srcdir.parent, srcdir / "_generated" / "parity.md")


def _stop(app, exception):
    _run.stop()


def setup(app):
    app.connect("config-inited", _start)
    app.connect("env-get-outdated", _always_reread)
    app.connect("source-read", _write_before_reading)
    app.connect("build-finished", _stop)
    # the run is a child of the main process: pages cannot be read in parallel workers
    return {"parallel_read_safe": False, "parallel_write_safe": True}
