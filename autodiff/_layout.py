"""A layered drawing of a directed acyclic graph, as SVG, in pure Python.

What :func:`autodiff.viz.draw` falls back on where Graphviz's ``dot`` program is missing.
It follows the classic recipe of Sugiyama, Tagawa and Toda (1981), as ``dot`` does, in
four small steps:

1. **Layers.** Every edge points one layer down. A node sits as low as it can: one layer
   above the highest of its successors (so a leaf hangs just above the node using it).
2. **Dummies.** An edge spanning several layers is split by invisible points, one per
   layer crossed, so that every edge joins neighbouring layers.
3. **Order.** Within each layer the nodes are sorted by the mean position of their
   neighbours in the layer above (sweeping down), then below (sweeping up), a few
   times: the barycenter heuristic, which removes most edge crossings.
4. **Coordinates.** Each node wants to sit at the mean x of its neighbours; the nearest
   placement that keeps the order and the gaps is found exactly by pooling adjacent
   violators (an isotonic regression), layer by layer, a few sweeps.

Every step is a loop over lists, no recursion: a chain of thousands of nodes is fine.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any
from dataclasses import dataclass, field

CHAR_WIDTH, LINE_HEIGHT = 6.2, 12.5       # monospace text at 10px
PAD_X, PAD_Y = 7.0, 4.0                   # inside a box
GAP_X, GAP_Y = 18.0, 30.0                 # between boxes, between layers
MARGIN = 8.0
SWEEPS = 6

# the Graphviz colour names autodiff.viz uses, as SVG colours
COLOURS = {"lightblue": "#add8e6", "darkolivegreen1": "#caff70", "orange": "#ffa500",
           "lightgrey": "#d3d3d3"}
DEFAULT_FILL = "lightgrey"                # Graphviz's fill for style=filled


@dataclass
class _Point:
    """A node of the layout: a box (``lines`` of text) or an edge's invisible bend."""
    key: object
    lines: tuple = ()
    fill: str = DEFAULT_FILL
    layer: int = 0
    x: float = 0.0
    up: list = field(default_factory=list)       # neighbours one layer above
    down: list = field(default_factory=list)     # ... and below

    @property
    def width(self):
        if not self.lines:
            return 0.0
        return max(len(line) for line in self.lines) * CHAR_WIDTH + 2 * PAD_X

    @property
    def height(self):
        return len(self.lines) * LINE_HEIGHT + 2 * PAD_Y if self.lines else 0.0


def svg(nodes: Mapping[Any, tuple[str, str | None]],
        edges: Iterable[tuple[Any, Any, bool]]) -> str:
    """The SVG text of a drawing. ``nodes``: ``{key: (label, fill)}`` (a label's lines
    split at ``\\n``; fill a colour name or None); ``edges``: ``(tail, head, arrow)``
    triples, arrow False for a plain line. The graph must have no cycle."""
    points = {key: _Point(key, tuple(label.split("\n")), fill or DEFAULT_FILL)
              for key, (label, fill) in nodes.items()}
    edges = list(dict.fromkeys(edges))           # one line for a repeated edge
    _assign_layers(points, edges)
    layers, routes = _split_long_edges(points, edges)
    _order(layers)
    _place(layers)
    return _draw(layers, routes)


def _assign_layers(points, edges):
    """Step 1: layer = (the graph's height) - (the longest path from the node to a sink)."""
    successors: dict[Any, list] = {key: [] for key in points}
    waiting = dict.fromkeys(points, 0)           # successors whose height is unknown
    for tail, head, _ in edges:
        successors[tail].append(head)
        waiting[tail] += 1
    predecessors: dict[Any, list] = {key: [] for key in points}
    for tail, head, _ in edges:
        predecessors[head].append(tail)
    height: dict[Any, int] = {}
    ready = [key for key, n in waiting.items() if n == 0]
    while ready:                                 # Kahn's topological order, sinks first
        key = ready.pop()
        height[key] = 1 + max((height[s] for s in successors[key]), default=-1)
        for p in predecessors[key]:
            waiting[p] -= 1
            if waiting[p] == 0:
                ready.append(p)
    if len(height) != len(points):
        raise ValueError("a layered drawing needs a graph without cycles")
    top = max(height.values(), default=0)
    for key, point in points.items():
        point.layer = top - height[key]


def _split_long_edges(points, edges):
    """Step 2: dummies. Returns the layers (lists of points, in a first order: the order
    the nodes were given) and each edge's route (its points from tail to head)."""
    count = 1 + max((p.layer for p in points.values()), default=0)
    layers: list[list[_Point]] = [[] for _ in range(count)]
    for point in points.values():
        layers[point.layer].append(point)
    routes = []
    for tail, head, arrow in edges:
        route = [points[tail]]
        for layer in range(points[tail].layer + 1, points[head].layer):
            bend = _Point(key=None, layer=layer)
            layers[layer].append(bend)
            route.append(bend)
        route.append(points[head])
        for upper, lower in zip(route, route[1:]):
            upper.down.append(lower)
            lower.up.append(upper)
        routes.append((route, arrow))
    return layers, routes


def _order(layers):
    """Step 3: barycenter sweeps, down then up: each node takes the mean position of
    its neighbours in the layer just swept (a node without any there keeps its place)."""
    for sweep in range(SWEEPS):
        downwards = sweep % 2 == 0
        steps = range(1, len(layers)) if downwards else range(len(layers) - 2, -1, -1)
        for k in steps:
            swept = layers[k - 1] if downwards else layers[k + 1]
            position = {id(p): i for i, p in enumerate(swept)}

            def barycenter(item):
                i, point = item
                neighbours = point.up if downwards else point.down
                if not neighbours:
                    return i
                return sum(position[id(n)] for n in neighbours) / len(neighbours)

            layers[k] = [p for _, p in sorted(enumerate(layers[k]), key=barycenter)]


def _place(layers):
    """Step 4: x coordinates, each node as near the mean of its neighbours as the order
    and the gaps allow."""
    for layer in layers:                         # a first placement: side by side
        x = 0.0
        for point in layer:
            point.x = x + point.width / 2
            x += point.width + GAP_X
    for sweep in range(SWEEPS):
        downwards = sweep % 2 == 0
        for layer in (layers[1:] if downwards else layers[-2::-1]):
            wanted = []
            for point in layer:
                neighbours = point.up if downwards else point.down
                wanted.append(sum(n.x for n in neighbours) / len(neighbours) if neighbours
                              else point.x)
            for point, x in zip(layer, _nearest_ordered(layer, wanted)):
                point.x = x
    left = min((p.x - p.width / 2 for layer in layers for p in layer), default=0.0)
    for layer in layers:
        for point in layer:
            point.x += MARGIN - left


def _nearest_ordered(layer, wanted):
    """The positions nearest ``wanted`` (least squares) keeping each point at least its
    half-width plus the gap plus the next one's half-width left of the next one.

    Shifting point k left by the gaps before it turns this into an isotonic regression
    (non-decreasing values), solved by pooling adjacent violators."""
    offsets, total = [], 0.0
    for k, point in enumerate(layer):
        if k:
            total += (layer[k - 1].width + point.width) / 2 + (GAP_X if point.lines and
                                                               layer[k - 1].lines else
                                                               GAP_X / 2)
        offsets.append(total)
    blocks = []                                  # [mean, count]
    for value in (w - o for w, o in zip(wanted, offsets)):
        blocks.append([value, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            (m1, n1), (m2, n2) = blocks.pop(-2), blocks.pop()
            blocks.append([(m1 * n1 + m2 * n2) / (n1 + n2), n1 + n2])
    values = [mean for mean, count in blocks for _ in range(count)]
    return [v + o for v, o in zip(values, offsets)]


def _draw(layers, routes):
    """The SVG: boxes centred on their x, layer by layer from the top; each edge a smooth
    curve from the bottom of its tail to the top of its head, straight down through the
    layers between (at its bends' x)."""
    y, tops = MARGIN, []
    for layer in layers:
        tall = max((p.height for p in layer), default=0.0)
        tops.append((y, tall))
        y += tall + GAP_Y
    width = max((p.x + p.width / 2 for layer in layers for p in layer), default=0.0) + MARGIN
    height = y - GAP_Y + MARGIN

    def centre(point):
        top, tall = tops[point.layer]
        return point.x, top + tall / 2

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" '
           f'height="{height:.0f}" viewBox="0 0 {width:.1f} {height:.1f}" '
           'font-family="monospace" font-size="10">',
           '<defs><marker id="autodiff-arrow" viewBox="0 0 10 10" refX="10" refY="5" '
           'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
           '<path d="M 0 0 L 10 5 L 0 10 z" fill="#000"/></marker></defs>',
           '<rect width="100%" height="100%" fill="#fff"/>']      # dark themes too
    for route, arrow in routes:
        # down the tail's bottom, straight through each layer crossed, to the head's top
        (x0, y0), (x1, y1) = centre(route[0]), centre(route[-1])
        through = [(x0, y0 + route[0].height / 2)]
        for bend in route[1:-1]:
            top, tall = tops[bend.layer]
            through += [(bend.x, top), (bend.x, top + tall)]
        through.append((x1, y1 - route[-1].height / 2))
        path = [f"M {through[0][0]:.1f} {through[0][1]:.1f}"]
        for (xa, ya), (xb, yb) in zip(through, through[1:]):
            middle = (ya + yb) / 2
            path.append(f"C {xa:.1f} {middle:.1f} {xb:.1f} {middle:.1f} {xb:.1f} {yb:.1f}")
        marker = ' marker-end="url(#autodiff-arrow)"' if arrow else ""
        out.append(f'<path d="{" ".join(path)}" fill="none" stroke="#000"{marker}/>')
    for layer in layers:
        for point in layer:
            if not point.lines:
                continue
            x, y = centre(point)
            fill = COLOURS.get(point.fill, point.fill)
            out.append(f'<rect x="{x - point.width / 2:.1f}" y="{y - point.height / 2:.1f}" '
                       f'width="{point.width:.1f}" height="{point.height:.1f}" '
                       f'fill="{html.escape(fill)}" stroke="#000"/>')
            first = y - (len(point.lines) - 1) * LINE_HEIGHT / 2
            for k, line in enumerate(point.lines):     # centred, trailing spaces counted
                indent = len(line) - len(line.lstrip())
                start = x - len(line) * CHAR_WIDTH / 2 + indent * CHAR_WIDTH
                out.append(f'<text x="{start:.1f}" y="{first + k * LINE_HEIGHT:.1f}" '
                           'dominant-baseline="central" xml:space="preserve">'
                           f'{html.escape(line.strip())}</text>')
    out.append("</svg>")
    return "\n".join(out)
