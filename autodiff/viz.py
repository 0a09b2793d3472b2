"""Pictures and tables of the tape: what a learner would rather look at than read.

* :func:`draw` -- the ``grad_fn`` graph as a picture (a :class:`Graph`, SVG), drawn the
  way torchviz draws torch's. It draws torch's graphs too, so the two can be compared.
  Graphviz's ``dot`` lays it out where it is installed; a small layout in pure Python
  (``autodiff/_layout.py``) does elsewhere.
* :func:`explain` -- one backward call, node by node, as a table: what reaches each node,
  which row of the derivative table it applies, and what it sends to each input.

``parity_tests.side_by_side`` (the parity harness's, for the tutorials) shows a snippet
run under torch and under autodiff in a :class:`Table`: autodiff does not depend on its
test harness.

Nothing here is part of torch's API: this module is autodiff's own, for learning.
"""

from __future__ import annotations

import ast
import functools
import html
import linecache
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from typing import Any

PathLike = Any     # a str or os.PathLike: what open() takes

import numpy as np

from . import _layout, autograd

__all__ = ["draw", "explain", "Graph", "Table"]

INSTALL_DOT = (
    "Graph.svg(engine='dot') needs Graphviz's `dot` program, and it is not on the PATH. "
    "Install Graphviz with your system's package manager: `apt-get install graphviz` "
    "(Debian, Ubuntu), `brew install graphviz` (macOS) or `conda install -c conda-forge "
    "graphviz`; or draw with engine='python' (what draw does without `dot`).")

# torchviz's look: boxes, filled, small monospace text; a little more room between them
_NODE_STYLE = dict(style="filled", shape="box", align="left", fontsize="10",
                   height="0.2", fontname="monospace")
_GRAPH_STYLE = dict(ranksep="0.3", nodesep="0.25")
_LEAF, _OUTPUT, _SAVED, _FREED = "lightblue", "darkolivegreen1", "orange", "lightgrey"


# --- Walking a graph ------------------------------------------------------------------
# Written once for torch's nodes and autodiff's: both have ``next_functions``, both mark a
# leaf's node by its ``variable``. Only the tape position is spelt differently.

def _walk(starts):
    """Every node reachable from ``starts`` through ``next_functions``, each once.

    A loop over a stack, not a recursion: a chain of thousands of nodes is fine.
    """
    seen, order, stack = set(), [], list(starts)
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        order.append(node)
        stack.extend(n for n, _ in node.next_functions if n is not None and n not in seen)
    return order


def _is_leaf_node(node):
    return hasattr(node, "variable")          # AccumulateGrad, in torch and here


def _sequence_nr(node):
    nr = node._sequence_nr()
    return nr() if callable(nr) else nr       # a method in torch, an attribute here


def _tape_numbers(nodes):
    """Each operation node's place among ``nodes`` in the order they were recorded: 1 for
    the first. The backward pass runs them from the highest number down."""
    ops = sorted((n for n in nodes if not _is_leaf_node(n)), key=_sequence_nr)
    return {node: k for k, node in enumerate(ops, 1)}


def _shape(t):
    return "(" + ", ".join(str(s) for s in t.shape) + ")"


def _tensor_label(t, names):
    name = names.get(id(t))
    return _shape(t) if name is None else f"{name}\n{_shape(t)}"


def _saved_tensors(node):
    """``(name, tensor)`` for each tensor ``node`` saved for its backward, or None when its
    buffers have been freed (after a backward without ``retain_graph``)."""
    rule = getattr(type(node), "rule", None)
    if rule is not None:                      # autodiff: the row says what it saves
        attributes = ["_saved_" + name for name in rule.saves]
    else:                                     # torch: one attribute per saved value
        attributes = [a for a in dir(node) if a.startswith("_saved_")]
    saved = []
    for attribute in attributes:
        try:
            value = getattr(node, attribute)
        except RuntimeError:                  # "Trying to backward through the graph..."
            return None
        if hasattr(value, "grad_fn") and hasattr(value, "shape"):
            saved.append((attribute[len("_saved_"):], value))
    return saved


# --- draw -----------------------------------------------------------------------------

def draw(tensors: Any, params: Mapping[str, Any] | None = None, show_saved: bool = False,
         show_attrs: bool = False, max_attr_chars: int = 50) -> Graph:
    """The graph behind ``tensors``, as a picture: a :class:`Graph`.

    Drawn as torchviz's ``make_dot`` draws torch's: one grey box per node of the graph,
    named by its class (``MulBackward0``) and numbered by its place on the tape (``#1``
    was recorded first; the backward pass runs the highest number first); a blue box
    above each leaf's ``AccumulateGrad``, with the leaf's shape; a green box below each
    tensor drawn, with its shape. Edges point the way the forward pass went.

    Args:
        tensors (Tensor or sequence of Tensors): the outputs whose history is drawn
            (autodiff's, or torch's to compare).
        params (dict of str to Tensor, optional): names for the tensors, e.g.
            ``dict(model.named_parameters())``.
        show_saved (bool): also draw what each node saved for its backward (orange, with
            shapes), or a grey box where those buffers were freed by a backward pass.
        show_attrs (bool): also list in each node's box what it keeps for its backward,
            as torchviz's ``show_attrs=True`` does: each non-tensor attribute
            (``dim: (1,)``, ``keepdim: True``...) with its value, each saved tensor as
            ``[saved tensor]``.
        max_attr_chars (int): with ``show_attrs``, the longest value shown (longer ones
            end in ``...``).

    Returns:
        Graph: shows itself in Jupyter (as SVG); ``.svg()`` is the picture's text,
        ``.save(path)`` writes it, ``.source`` is the graph in Graphviz's DOT language.
        Graphviz's ``dot`` program draws it where it is on the PATH; elsewhere a small
        layout written in Python does (``autodiff/_layout.py``).

    >>> import autodiff
    >>> from autodiff.viz import draw
    >>> x = autodiff.tensor([1.0, 2.0], requires_grad=True)
    >>> y = (x * x).sum()
    >>> picture = draw(y, params={"x": x})     # autodiff-only
    >>> [label for label, colour in picture.nodes.values()]
    ['SumBackward0\\n#2', 'MulBackward0\\n#1', 'AccumulateGrad', 'x\\n(2)', '()']
    """
    graph = Graph()
    roots = [tensors] if hasattr(tensors, "grad_fn") else list(tensors)
    names = {id(t): name for name, t in (params or {}).items()}
    nodes = _walk([t.grad_fn for t in roots if t.grad_fn is not None])
    numbers = _tape_numbers(nodes)
    for node in nodes:
        here = str(id(node))
        if _is_leaf_node(node):
            graph.node(here, type(node).__name__)
            variable = node.variable
            graph.node(str(id(variable)), _tensor_label(variable, names), fillcolor=_LEAF)
            graph.edge(str(id(variable)), here)
        else:
            label = f"{type(node).__name__}\n#{numbers[node]}"
            if show_attrs:
                label += _attributes_label(node, label, max_attr_chars)
            graph.node(here, label)
        for next_node, _ in node.next_functions:
            if next_node is not None:
                graph.edge(str(id(next_node)), here)
        if show_saved:
            _draw_saved(graph, node)
    for t in roots:
        graph.node(str(id(t)), _tensor_label(t, names), fillcolor=_OUTPUT)
        if t.grad_fn is not None:
            graph.edge(str(id(t.grad_fn)), str(id(t)))
    return graph


def _draw_saved(graph, node):
    saved = _saved_tensors(node)
    if saved is None:
        graph.node(f"freed_{id(node)}", "saved tensors\nfreed", fillcolor=_FREED)
        graph.edge(f"freed_{id(node)}", str(id(node)), arrow=False)
        return
    for name, value in saved:
        box = f"saved_{id(node)}_{name}"
        graph.node(box, f"{name}\n{_shape(value)}", fillcolor=_SAVED)
        graph.edge(box, str(id(node)), arrow=False)


def _attributes(node):
    """``{name: text}`` of what ``node`` keeps for its backward, as torchviz lists it."""
    rule = getattr(type(node), "rule", None)
    if rule is not None:                      # autodiff: the row's saved inputs, the call's
        names = [*rule.saves, *(node._attrs or {})]       # attributes
    else:                                     # torch: one attribute per saved value
        names = [a[len("_saved_"):] for a in dir(node) if a.startswith("_saved_")]
    shown = {}
    for name in sorted(names):
        try:
            value = getattr(node, "_saved_" + name)
        except RuntimeError:                  # freed by a backward pass
            shown[name] = "[freed]"
            continue
        if hasattr(value, "grad_fn") and hasattr(value, "shape"):
            shown[name] = "[saved tensor]"
        elif isinstance(value, tuple) and any(hasattr(v, "grad_fn") for v in value):
            shown[name] = "[saved tensors]"
        else:
            shown[name] = str(value)
    return shown


def _attributes_label(node, label, max_chars):
    """What ``show_attrs`` adds under a node's name: a rule, then ``name: value`` lines."""
    shown = _attributes(node)
    if not shown:
        return ""
    max_chars = max(max_chars, 3)
    shown = {k: v if len(v) <= max_chars else v[:max_chars - 3] + "..."
             for k, v in shown.items()}
    key_width = max(len(k) for k in shown)
    lines = [f"{k.ljust(key_width)}: {v}" for k, v in shown.items()]
    width = max(len(line) for line in lines + label.split("\n"))
    # lines of one width: centred, as box labels are, their colons stay aligned
    return "\n" + "-" * width + "\n" + "\n".join(line.ljust(width) for line in lines)


class Graph:
    """A drawing: boxes (``nodes``: ``{key: (label, fill colour or None)}``) and the
    edges between them (``edges``: ``(tail, head, arrow)``), in the order they were
    added. Made by :func:`draw`; shows itself in Jupyter."""

    def __init__(self) -> None:
        self.nodes: dict[str, tuple[str, str | None]] = {}
        self.edges: list[tuple[str, str, bool]] = []

    def node(self, key: str, label: str, fillcolor: str | None = None) -> None:
        self.nodes[key] = (label, fillcolor)

    def edge(self, tail: str, head: str, arrow: bool = True) -> None:
        self.edges.append((tail, head, arrow))

    @property
    def source(self) -> str:
        """The graph in Graphviz's DOT language (what ``dot`` is given)."""
        def quoted(text: str) -> str:
            return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace(
                "\n", "\\n") + '"'

        def attributes(style: Mapping[str, str]) -> str:
            return " ".join(f"{k}={quoted(v)}" for k, v in style.items())

        lines = ["digraph {", f"\tgraph [{attributes(_GRAPH_STYLE)}]",
                 f"\tnode [{attributes(_NODE_STYLE)}]"]
        for key, (label, fill) in self.nodes.items():
            colour = f" fillcolor={quoted(fill)}" if fill else ""
            lines.append(f"\t{quoted(key)} [label={quoted(label)}{colour}]")
        for tail, head, arrow in self.edges:
            lines.append(f"\t{quoted(tail)} -> {quoted(head)}" +
                         ("" if arrow else " [dir=none]"))
        return "\n".join(lines + ["}"]) + "\n"

    def svg(self, engine: str | None = None) -> str:
        """The picture as SVG text. ``engine``: ``"dot"`` (Graphviz's program),
        ``"python"`` (``autodiff/_layout.py``), or None: ``dot`` where it is on the PATH,
        Python elsewhere."""
        if engine is None:
            engine = "dot" if shutil.which("dot") else "python"
        if engine == "python":
            return _layout.svg(self.nodes, self.edges)
        if engine != "dot":
            raise ValueError(f"engine must be 'dot', 'python' or None, not {engine!r}")
        if shutil.which("dot") is None:
            raise RuntimeError(INSTALL_DOT)
        return subprocess.run(["dot", "-Tsvg"], input=self.source, capture_output=True,
                              text=True, check=True).stdout

    def save(self, path: PathLike, engine: str | None = None) -> PathLike:
        """Write the picture to ``path`` as an SVG file; returns ``path``."""
        with open(path, "w", encoding="utf-8") as file:
            file.write(self.svg(engine))
        return path

    def _repr_svg_(self) -> str:
        return self.svg()


# --- Tables ---------------------------------------------------------------------------

class Table:
    """Rows of text under a header: printed as text, shown as HTML in Jupyter.

    A cell may hold several lines (one per input of a node, say).
    """

    def __init__(self, header: Iterable[str], rows: Iterable[Iterable[str]],
                 title: str = "") -> None:
        self.header, self.rows, self.title = tuple(header), [tuple(r) for r in rows], title

    def __str__(self) -> str:
        lines = [self.header] + self.rows
        widths = [max(len(part) for line in lines for part in str(line[i]).split("\n"))
                  for i in range(len(self.header))]
        out = [self.title] if self.title else []
        for k, line in enumerate(lines):
            cells = [str(cell).split("\n") for cell in line]
            for j in range(max(len(c) for c in cells)):
                parts = [c[j] if j < len(c) else "" for c in cells]
                out.append("  ".join(p.ljust(w) for p, w in zip(parts, widths)).rstrip())
            if k == 0:
                out.append("  ".join("-" * w for w in widths))
        return "\n".join(out)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        def cells(line, tag):
            return "".join(f"<{tag} style='text-align:left; vertical-align:top'>"
                           f"{html.escape(str(c)).replace(chr(10), '<br>')}</{tag}>"
                           for c in line)
        body = "".join(f"<tr>{cells(row, 'td')}</tr>" for row in self.rows)
        caption = f"<caption>{html.escape(self.title)}</caption>" if self.title else ""
        return (f"<table style='font-family:monospace'>{caption}"
                f"<tr>{cells(self.header, 'th')}</tr>{body}</table>")


def _values(t):
    """A tensor's numbers on one line, four decimals at most."""
    if t is None:
        return "None"
    text = np.array2string(np.asarray(t.numpy(force=True)), precision=4, separator=", ",
                           suppress_small=True, threshold=12, edgeitems=2)
    return " ".join(text.split())


# --- explain --------------------------------------------------------------------------

@functools.cache
def _lambdas_of(filename):
    """The source of ``filename`` and its lambdas, by the line they start on."""
    source = "".join(linecache.getlines(filename))
    by_line: dict[int, list[ast.Lambda]] = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Lambda):
            by_line.setdefault(node.lineno, []).append(node)
    return source, by_line


def _formula_text(function):
    """What a backward formula computes, as its row in ``autodiff/ops/`` writes it: a lambda's
    body (``grad * other``), or a function's name where it is a ``def``."""
    code = function.__code__
    if function.__name__ != "<lambda>":
        return function.__name__ + "(...)"
    source, by_line = _lambdas_of(code.co_filename)
    candidates = by_line.get(code.co_firstlineno, [])
    # several lambdas on one line: the one whose span holds the code's first column
    column = next((c for _, _, c, _ in code.co_positions() if c), None)
    for candidate in candidates:
        if column is None or candidate.col_offset <= column <= candidate.end_col_offset:
            return " ".join((ast.get_source_segment(source, candidate.body) or "").split())
    return "<lambda>"


def _formulas(node):
    """One line per input of ``node``: the formula its row applies to ``grad`` for that
    input (``other: grad * self``), the local derivative written out."""
    rule = type(node).rule
    if rule is None:                          # a custom autograd.Function
        return [f"{type(node).__name__}.backward(ctx, grad)"]
    if rule.formulas is not None:             # one formula per input
        return [f"{name}: {_formula_text(f[0])}" for name, f in zip(rule.inputs,
                                                                     rule.formulas)
                if f is not None]
    text = _formula_text(rule.backward)       # one joint backward, returning a tuple
    tree = ast.parse(text, mode="eval").body if text != "<lambda>" else None
    if isinstance(tree, ast.Tuple) and len(tree.elts) == len(rule.inputs):
        return [f"{name}: {ast.unparse(element)}"
                for name, element in zip(rule.inputs, tree.elts)]
    return [text]


def explain(tensor: Any, gradient: Any = None,
            params: Mapping[str, Any] | None = None) -> Table:
    """One backward call from ``tensor``, node by node: the backward table, live.

    Runs the engine once (``autodiff.autograd.grad`` with ``retain_graph=True``, so the
    graph stays usable and no ``.grad`` changes) and returns a :class:`Table` with one
    row per node, in the order the engine ran them: the node and its tape number (as
    :func:`draw` shows it), the rule it applied (``op`` of its row in
    ``autodiff.tape.RULES``), the gradient that reached it, the local derivative (the row's
    formula for each input, as its row writes it: ``grad`` is what reached the
    node), and the gradient it sent to each input. A leaf's
    ``AccumulateGrad`` has its row as soon as its gradient is complete, which is when
    the engine runs it. ``gradient`` is ``backward``'s: needed when ``tensor`` is not a
    scalar. ``params`` names leaves, as for :func:`draw`. Hooks registered on tensors
    run as in any backward call; ``retain_grad`` stores nothing.

    >>> import autodiff
    >>> from autodiff.viz import explain
    >>> x = autodiff.tensor([1.0, 2.0], requires_grad=True)
    >>> print(explain((x * x).sum(), params={"x": x}))    # autodiff-only
    step  node             rule  gradient in  local derivative                   gradient out
    ----  ---------------  ----  -----------  ---------------------------------  -------------------------------
    1     SumBackward0 #2  sum   1.           self: grad.expand(self_sym_sizes)  -> MulBackward0 #1: [1., 1.]
    2     MulBackward0 #1  mul   [1., 1.]     self: grad * other                 -> AccumulateGrad (x): [1., 2.]
                                              other: grad * self                 -> AccumulateGrad (x): [1., 2.]
    3     AccumulateGrad   x     [2., 4.]     x.grad += grad                     -> x.grad
    """
    if tensor.grad_fn is None:
        raise ValueError("explain needs the result of an operation: this tensor has no "
                         "grad_fn, so a backward call from it has no node to run")
    names = {id(t): name for name, t in (params or {}).items()}
    nodes = _walk([tensor.grad_fn])
    numbers = _tape_numbers(nodes)
    ops = [n for n in nodes if not _is_leaf_node(n)]
    leaves = [n for n in nodes if _is_leaf_node(n)]

    # A node hook sees torch's two tuples: grad_outputs (what reached the node) and
    # grad_inputs (what it sends to its inputs).
    runs = []
    handles = [node.register_hook(lambda grad_inputs, grad_outputs, node=node:
                                  runs.append((node, grad_outputs, grad_inputs)))
               for node in ops]
    retained = {node: node._retain_hooks for node in ops}
    try:
        for node in ops:
            node._retain_hooks = None         # retain_grad would write .grad
        leaf_grads = autograd.grad(tensor, [leaf.variable for leaf in leaves], gradient,
                                   retain_graph=True, allow_unused=True)
    finally:
        for handle in handles:
            handle.remove()
        for node, hooks in retained.items():
            node._retain_hooks = hooks

    def leaf_name(leaf):
        return names.get(id(leaf.variable), "leaf " + _shape(leaf.variable))

    def node_name(node):
        if _is_leaf_node(node):
            return f"AccumulateGrad ({leaf_name(node)})"
        return f"{type(node).__name__} #{numbers[node]}"

    leaf_rows = {leaf: ("AccumulateGrad", leaf_name(leaf), _values(grad),
                        f"{leaf_name(leaf)}.grad += grad", f"-> {leaf_name(leaf)}.grad")
                 for leaf, grad in zip(leaves, leaf_grads)}
    edges_left = dict.fromkeys(leaves, 0)     # a leaf runs once all its edges delivered
    for node in ops:
        for next_node, _ in node.next_functions:
            if next_node in edges_left:
                edges_left[next_node] += 1

    rows = []
    for node, grads_in, grads_out in runs:
        rule = type(node).rule
        sent = [f"-> {node_name(n)}: {_values(g)}" if n is not None else
                "-> (an input that needs no gradient)"
                for (n, _), g in zip(node.next_functions, grads_out)]
        rows.append((node_name(node), rule.op if rule is not None else "Function.backward",
                     "\n".join(_values(g) for g in grads_in if g is not None),
                     "\n".join(_formulas(node)), "\n".join(sent)))
        for next_node, _ in node.next_functions:
            if next_node in edges_left:
                edges_left[next_node] -= 1
                if not edges_left[next_node]:
                    rows.append(leaf_rows.pop(next_node))
    rows += leaf_rows.values()                 # leaves no gradient reached
    return Table(("step", "node", "rule", "gradient in", "local derivative", "gradient out"),
                 [(str(k), *row) for k, row in enumerate(rows, 1)])
