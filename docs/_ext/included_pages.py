"""Pages made from files outside ``docs/``: the tutorials and the benchmark figures.

Before Sphinx looks for sources:

* every notebook of ``tutorials/`` is copied to ``docs/tutorials/`` (a jupytext ``.py``
  without its ``.ipynb`` is converted), where MyST-NB executes it; ``docs/tutorials.md``
  includes ``_generated/tutorials.md``, a toctree over them -- or a note while there are
  none, so that the build passes either way;
* ``benchmarks/results/latest.md`` becomes ``_generated/benchmarks.md``, and
  ``latest-cuda.md`` (``--device cuda``) ``_generated/benchmarks-cuda.md`` (titles dropped
  and sections one level down: the page has a title, and a section per machine), or a note
  saying how to produce it.

Both copies are ignored by git (``docs/.gitignore``).
"""

from __future__ import annotations

from pathlib import Path

from parity_matrix import write_if_changed


def copy_tutorials(repo: Path, srcdir: Path) -> list[str]:
    """Mirror the tutorials into ``srcdir/tutorials``; return their names, sorted."""
    source, target = repo / "tutorials", srcdir / "tutorials"
    notebooks = {}
    if source.is_dir():
        for path in sorted(source.glob("*.ipynb")):
            notebooks[path.stem] = path.read_text(encoding="utf-8")
        for path in sorted(source.glob("*.py")):
            if path.stem not in notebooks and _is_jupytext(path):
                import jupytext
                notebooks[path.stem] = jupytext.writes(jupytext.read(path), fmt="ipynb")
    for stale in target.glob("*.ipynb") if target.is_dir() else ():
        if stale.stem not in notebooks:
            stale.unlink()
    for stem, text in notebooks.items():
        write_if_changed(target / f"{stem}.ipynb", text)
    return sorted(notebooks)


def _is_jupytext(path: Path) -> bool:
    head = path.read_text(encoding="utf-8")[:2000]
    return "jupytext:" in head or "# %%" in head


def tutorials_page(names: list[str]) -> str:
    if not names:
        return ("```{note}\nNo tutorials yet: the notebooks of `tutorials/` appear here, "
                "executed, once they exist.\n```\n")
    return "```{toctree}\n:maxdepth: 1\n:glob:\n\ntutorials/*\n```\n"


def benchmarks_page(repo: Path, name: str = "latest") -> str:
    latest = repo / "benchmarks" / "results" / f"{name}.md"
    if not latest.exists():
        return ("```{note}\nNo figures yet: `make bench` (a full run of `python -m "
                f"benchmarks`) writes `benchmarks/results/{name}.md`, and this page shows "
                "it.\n```\n")
    lines = latest.read_text(encoding="utf-8").splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]                 # the page's own title stands for it
    # the page gives each machine a section: the figures' sections go one level down
    lines = ["#" + line if line.startswith("## ") else line for line in lines]
    return "\n".join(lines).strip() + "\n"


def _generate(app, config):
    srcdir = Path(app.srcdir)
    repo = srcdir.parent
    write_if_changed(srcdir / "_generated" / "tutorials.md",
                     tutorials_page(copy_tutorials(repo, srcdir)))
    write_if_changed(srcdir / "_generated" / "benchmarks.md", benchmarks_page(repo))
    write_if_changed(srcdir / "_generated" / "benchmarks-cuda.md",
                     benchmarks_page(repo, "latest-cuda"))


def setup(app):
    app.connect("config-inited", _generate)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
