"""The module graph of the autodiff package, read from its imports, drawn as an SVG.

``python docs/_ext/module_graph.py`` rewrites ``docs/module-graph.svg`` (the picture on
the architecture page; no Graphviz needed). ``tests/test_architecture.py`` checks that
the committed picture is what this script draws from today's tree.

A node is a module of ``autodiff/`` or one of its subpackages (``nn``, ``optim``...) taken
whole; an arrow ``a -> b`` says that ``a`` imports ``b``, anywhere in the file. The
modules are drawn in layers: the bottom layer imports nothing of the package, and every
module sits one layer above the highest module it imports.
"""

import ast
from pathlib import Path
from xml.sax.saxutils import escape

PACKAGE = Path(__file__).resolve().parents[2] / "autodiff"
SVG = Path(__file__).resolve().parents[1] / "module-graph.svg"


def unit(path, root=PACKAGE):
    """The graph's node for a file of the package: a top-level module, or a subpackage."""
    parts = path.relative_to(root).with_suffix("").parts
    if len(parts) == 1:
        return "autodiff" if parts[0] == "__init__" else parts[0]
    return parts[0]


def _imported(path, node, root=PACKAGE):
    """The package modules an import statement in ``path`` names (relative imports)."""
    if not isinstance(node, ast.ImportFrom) or node.level == 0:
        return []
    here = path.relative_to(root).parent.parts
    base = list(here[:len(here) - (node.level - 1)])
    if node.module:
        base += node.module.split(".")
    if base:
        return [base[0]]
    return [alias.name for alias in node.names]       # ``from . import dtypes, tape``


def graph(root=PACKAGE):
    """{node: the set of nodes it imports}, for every node of the package (or of one of
    its subpackages, ``root``: the imports among its modules)."""
    edges = {}
    for path in sorted(root.rglob("*.py")):
        src = unit(path, root)
        targets = edges.setdefault(src, set())
        for node in ast.walk(ast.parse(path.read_text())):
            for name in _imported(path, node, root):
                name = name if (root / name).is_dir() or (root / f"{name}.py").exists() \
                    else None
                if name and name != src:
                    targets.add(name)
    return edges


def layers(edges):
    """Each node's layer: 0 for one that imports nothing, else 1 + its highest import's.
    (A loop in the imports has no layering: it is reported, not drawn.)"""
    level, order = {}, sorted(edges)
    while len(level) < len(edges):
        ready = [n for n in order if n not in level and edges[n] <= set(level)]
        if not ready:
            raise ValueError(f"import cycle among {sorted(set(edges) - set(level))}")
        for n in ready:
            level[n] = 1 + max((level[m] for m in edges[n]), default=-1)
    return level


BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 112, 30, 24, 56, 16


def draw(edges):
    """The SVG text of the graph: layer 0 at the bottom, arrows from importer to imported."""
    level = layers(edges)
    rows = {}
    for n in sorted(level, key=lambda n: (level[n], n)):
        rows.setdefault(level[n], []).append(n)
    width = max(len(r) for r in rows.values()) * (BOX_W + GAP_X) - GAP_X + 2 * MARGIN
    height = len(rows) * (BOX_H + GAP_Y) - GAP_Y + 2 * MARGIN
    place = {}
    for lv, names in rows.items():
        row_w = len(names) * (BOX_W + GAP_X) - GAP_X
        y = height - MARGIN - BOX_H - lv * (BOX_H + GAP_Y)
        for i, n in enumerate(names):
            place[n] = ((width - row_w) / 2 + i * (BOX_W + GAP_X), y)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:g}" height="{height:g}" '
           f'viewBox="0 0 {width:g} {height:g}" font-family="sans-serif" font-size="13">',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
           'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/>'
           '</marker></defs>']
    for src in sorted(edges):
        for dst in sorted(edges[src]):
            (x1, y1), (x2, y2) = place[src], place[dst]
            out.append(f'<line x1="{x1 + BOX_W / 2:g}" y1="{y1 + BOX_H:g}" '
                       f'x2="{x2 + BOX_W / 2:g}" y2="{y2:g}" stroke="#999" '
                       f'marker-end="url(#arrow)"><title>{escape(src)} imports '
                       f'{escape(dst)}</title></line>')
    for n, (x, y) in sorted(place.items()):
        fill = "#ffe9b3" if n == "tape" else "#e8f0fe"
        out.append(f'<rect x="{x:g}" y="{y:g}" width="{BOX_W}" height="{BOX_H}" rx="5" '
                   f'fill="{fill}" stroke="#333"/><text x="{x + BOX_W / 2:g}" '
                   f'y="{y + BOX_H / 2 + 4:g}" text-anchor="middle">{escape(n)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    SVG.write_text(draw(graph()))
    print(f"wrote {SVG}")
