"""The architecture page (docs/architecture.md) matches the tree it describes.

Its picture is what ``docs/_ext/module_graph.py`` draws from today's imports, its table
lists every module of the graph and no other, and the engine is the bottom of an acyclic
graph: ``tape`` imports none of the operations.
"""

import re
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
sys.path.insert(0, str(DOCS / "_ext"))

import module_graph  # noqa: E402


def test_the_committed_picture_is_the_graph_of_the_tree():
    assert module_graph.SVG.read_text() == module_graph.draw(module_graph.graph()), (
        "the module graph changed: run `python docs/_ext/module_graph.py` and commit "
        "docs/module-graph.svg")


def test_the_page_lists_every_module_of_the_graph():
    page = (DOCS / "architecture.md").read_text()
    listed = re.findall(r"^\| `([\w.]+)` \|", page, re.MULTILINE)
    assert sorted(listed) == sorted(module_graph.graph()), "update the table in architecture.md"
    assert "](module-graph.svg)" in page


def test_the_engine_is_the_bottom_of_an_acyclic_graph():
    edges = module_graph.graph()
    level = module_graph.layers(edges)          # raises on an import cycle
    assert edges["tape"] <= {"dtypes", "_printing"}
    # _layout draws; cuda, accelerator and backends only ask JAX about devices; _context
    # keeps settings and _not_provided a table of names: no autograd
    leaves = ("tape", "dtypes", "_printing", "_layout", "cuda", "accelerator", "backends",
              "_context", "_not_provided")
    assert all(level[m] > level["tape"] for m in edges if m not in leaves)


def test_the_op_families_import_one_another_without_a_loop():
    edges = module_graph.graph(module_graph.PACKAGE / "ops")
    level = module_graph.layers(edges)          # raises on an import cycle
    assert edges["_common"] == set()            # the shared helpers import no family
    assert all(level[m] > level["_common"] for m in edges if m != "_common")


def test_the_drawing_sees_an_import_cycle():
    with pytest.raises(ValueError, match="import cycle"):
        module_graph.layers({"a": {"b"}, "b": {"a"}})
