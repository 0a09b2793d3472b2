"""Execute the tutorials and store what they show: ``python tutorials/refresh.py [NN ...]``.

The notebooks are committed *with* their outputs (tables, pictures, printed values), so
that GitHub shows a tutorial as it runs. After editing a tutorial's ``.py`` (the source),
run this script: for each tutorial (all, or those whose numbers are given) it takes the
cells of the ``.py``, keeps the cell ids of the ``.ipynb``, executes the notebook in a
fresh kernel and writes it back. The result is the same on every run, up to what really
differs (timings; on another CPU, the last digits of some floats):

* the kernel runs on the CPU (``JAX_PLATFORMS=cpu``), shows matplotlib's figures inline
  (as PNG) and imports autodiff from this checkout;
* it cannot see Graphviz's ``dot``, so ``autodiff.viz.draw`` uses its own pure-Python
  layout: the committed pictures do not depend on whether Graphviz is installed;
* no execution timestamps, kernel ids or interpreter versions are stored, and memory
  addresses (``at 0x7f3a...``) read ``at 0x…``.

``tests/test_tutorials.py`` executes every notebook the same way (``execute``, with
``dot`` visible if installed) and checks that it still shows what is committed
(``outline``): the same cells, the same kinds of output in each, the same text after
:func:`normalise`, a picture wherever one is committed.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from pathlib import Path

import jupytext
import nbformat
from jupytext.combine import combine_inputs_with_outputs
from nbclient import NotebookClient

TUTORIALS = Path(__file__).resolve().parent
REPO = TUTORIALS.parent
MINUTE = 60
PICTURES = ("image/svg+xml", "image/png")


def environment(hide_dot: bool) -> dict[str, str]:
    """The kernel's environment: CPU, matplotlib's figures inline, autodiff from this
    checkout; without ``dot`` on the PATH when ``hide_dot``."""
    env = dict(os.environ, JAX_PLATFORMS="cpu",
               PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    env.pop("MPLBACKEND", None)           # ipykernel's own: figures are shown inline
    if hide_dot:
        env["PATH"] = os.pathsep.join(
            folder for folder in env.get("PATH", "").split(os.pathsep)
            if folder and shutil.which("dot", path=folder) is None)
    return env


def execute(notebook: nbformat.NotebookNode, hide_dot: bool = False):
    """Run ``notebook`` top to bottom in a fresh kernel, in ``tutorials/``; return it
    executed and the seconds it took."""
    client = NotebookClient(notebook, kernel_name="python3", timeout=MINUTE,
                            record_timing=False, coalesce_streams=True,
                            resources={"metadata": {"path": str(TUTORIALS)}})
    start = time.monotonic()
    client.execute(env=environment(hide_dot))
    return notebook, time.monotonic() - start


# --- What must not change from run to run -----------------------------------------------

ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{6,}\b")                     # at 0x7f3a5c...
TIMING = re.compile(r"\d+(?:\.\d+)?(?:e-?\d+)? ?(?:ms|µs|us|ns|s)\b")   # 1.25 ms
DECIMAL = re.compile(r"\d+\.\d+(?:e[+-]?\d+)?")                          # 0.12345678


def hide_addresses(text: str) -> str:
    return ADDRESS.sub("0x…", text)


def normalise(text: str) -> str:
    """``text`` as compared between two runs: addresses and timings written as ``…``, and
    decimals to three significant digits (another CPU may sum in another order: the last
    digits of a float32 differ; the parity checks compare values at run time)."""
    text = TIMING.sub("… s", hide_addresses(text))
    return DECIMAL.sub(lambda number: f"{float(number[0]):.3g}", text)


def clean(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop what a run adds besides outputs (kernel and interpreter details, timings) and
    write addresses as ``0x…``: what is left is the same on every run."""
    notebook.metadata = {key: value for key, value in notebook.metadata.items()
                         if key in ("jupytext", "kernelspec")}
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                output.text = hide_addresses(output.text)
            for kind, shown in output.get("data", {}).items():
                if kind.startswith("text/"):                  # text/plain, text/html
                    output.data[kind] = hide_addresses(shown)
    return notebook


def outline(notebook: nbformat.NotebookNode) -> list:
    """What a notebook shows, as compared between a fresh run and the committed file: per
    cell, its type and per output its kind and what it says (text normalised, pictures by
    their kind only: Graphviz and autodiff's layout draw the same graph differently).
    stderr is left out: it carries the platform's own warnings (JAX's, say)."""
    cells = []
    for cell in notebook.cells:
        outputs = []
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                if output.name == "stdout":
                    outputs.append(("stream", normalise(output.text)))
            else:
                kinds = sorted(output.data)
                text = output.data.get("text/plain", "")
                shown = "" if any(kind in PICTURES for kind in kinds) else normalise(text)
                outputs.append((output.output_type, tuple(kinds), shown))
        cells.append((cell.cell_type, outputs))
    return cells


# --- Refreshing ------------------------------------------------------------------------

def refresh(script: Path) -> float:
    """Execute the tutorial whose source is ``script`` and write its ``.ipynb``; return
    the seconds it took."""
    path = script.with_suffix(".ipynb")
    notebook = jupytext.read(script)
    if path.exists():                     # keep the cell ids (and so the diffs small)
        notebook = combine_inputs_with_outputs(notebook, nbformat.read(path, as_version=4))
    executed, seconds = execute(notebook, hide_dot=True)
    nbformat.write(clean(executed), path)
    return seconds


def main(numbers: list[str]) -> None:
    scripts = sorted(TUTORIALS.glob("[0-9][0-9]_*.py"))
    chosen = [s for s in scripts if not numbers or s.name[:2] in numbers]
    if not chosen:
        sys.exit(f"no tutorial numbered {', '.join(numbers)}")
    for script in chosen:
        print(f"{script.with_suffix('.ipynb').name}: {refresh(script):.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
