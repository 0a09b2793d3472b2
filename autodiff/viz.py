"""Pictures and tables of the tape: what a learner would rather look at than read.

* :func:`draw` -- the ``grad_fn`` graph as a picture (a ``graphviz.Digraph``), drawn the
  way torchviz draws torch's. It draws torch's graphs too, so the two can be compared.
* :func:`explain` -- one backward call, node by node, as a table: what reaches each node,
  which row of ``autodiff/rules.py`` it applies, and what it sends to each input.
* :func:`side_by_side` -- a torch snippet run under torch and under autodiff, what each
  showed in a table, one observation per row (the parity harness, for the tutorials).

Nothing here is part of torch's API: this module is autodiff's own, for learning.
"""

from __future__ import annotations

import html
import re
import shutil

import numpy as np

from . import autograd

INSTALL_DOT = (
    "autodiff.viz.draw needs Graphviz's `dot` program, and it is not on the PATH. Install "
    "Graphviz with your system's package manager: `apt-get install graphviz` (Debian, "
    "Ubuntu), `brew install graphviz` (macOS) or `conda install -c conda-forge graphviz`.")

# torchviz's look: boxes, filled, small monospace text
_NODE_STYLE = dict(style="filled", shape="box", align="left", fontsize="10",
                   height="0.2", fontname="monospace")
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

def draw(tensors, params=None, show_saved=False):
    """The graph behind ``tensors``, as a picture: a ``graphviz.Digraph``.

    Drawn as torchviz draws torch's: one box per node of the graph, named by its class
    (``MulBackward0``) and numbered by its place on the tape (``#1`` was recorded first;
    the backward pass runs the highest number first); a blue box above each leaf's
    ``AccumulateGrad`` with the leaf's shape; a green box below each tensor drawn, with
    its shape. Edges point the way the forward pass went.

    Parameters
    ----------
    tensors : Tensor or sequence of Tensors
        The outputs whose history is drawn (autodiff's, or torch's to compare).
    params : dict of str to Tensor, optional
        Names for the tensors, e.g. ``dict(model.named_parameters())``.
    show_saved : bool
        Also draw what each node saved for its backward (orange, with shapes), or a grey
        box where those buffers were freed by a backward pass.

    In Jupyter the result shows itself; elsewhere ``.render()`` or ``.source``. Needs the
    ``graphviz`` Python package and Graphviz's ``dot`` program.

    >>> import autodiff
    >>> from autodiff.viz import draw
    >>> x = autodiff.tensor([1.0, 2.0], requires_grad=True)
    >>> y = (x * x).sum()
    >>> picture = draw(y, params={"x": x})     # autodiff-only
    >>> [line.strip() for line in picture.body if "label" in line][:2]
    ['... [label="SumBackward0\\n#2"]', '... [label="MulBackward0\\n#1"]']
    """
    dot = _digraph()
    roots = [tensors] if hasattr(tensors, "grad_fn") else list(tensors)
    names = {id(t): name for name, t in (params or {}).items()}
    nodes = _walk([t.grad_fn for t in roots if t.grad_fn is not None])
    numbers = _tape_numbers(nodes)
    for node in nodes:
        here = str(id(node))
        if _is_leaf_node(node):
            dot.node(here, type(node).__name__)
            variable = node.variable
            dot.node(str(id(variable)), _tensor_label(variable, names), fillcolor=_LEAF)
            dot.edge(str(id(variable)), here)
        else:
            dot.node(here, f"{type(node).__name__}\n#{numbers[node]}")
        for next_node, _ in node.next_functions:
            if next_node is not None:
                dot.edge(str(id(next_node)), here)
        if show_saved:
            _draw_saved(dot, node)
    for t in roots:
        dot.node(str(id(t)), _tensor_label(t, names), fillcolor=_OUTPUT)
        if t.grad_fn is not None:
            dot.edge(str(id(t.grad_fn)), str(id(t)))
    return dot


def _draw_saved(dot, node):
    saved = _saved_tensors(node)
    if saved is None:
        dot.node(f"freed_{id(node)}", "saved tensors\nfreed", fillcolor=_FREED)
        dot.edge(f"freed_{id(node)}", str(id(node)), dir="none")
        return
    for name, value in saved:
        box = f"saved_{id(node)}_{name}"
        dot.node(box, f"{name}\n{_shape(value)}", fillcolor=_SAVED)
        dot.edge(box, str(id(node)), dir="none")


def _digraph():
    try:
        import graphviz
    except ImportError as error:
        raise ImportError("autodiff.viz.draw needs the graphviz Python package: "
                          "pip install graphviz") from error
    if shutil.which("dot") is None:
        raise RuntimeError(INSTALL_DOT)
    return graphviz.Digraph(node_attr=_NODE_STYLE, graph_attr=dict(size="12,12",
                                                                   ranksep="0.1"))


# --- Tables ---------------------------------------------------------------------------

class Table:
    """Rows of text under a header: printed as text, shown as HTML in Jupyter.

    A cell may hold several lines (one per input of a node, say).
    """

    def __init__(self, header, rows, title=""):
        self.header, self.rows, self.title = tuple(header), [tuple(r) for r in rows], title

    def __str__(self):
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

    def _repr_html_(self):
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

def explain(tensor, gradient=None, params=None):
    """One backward call from ``tensor``, node by node: the backward table, live.

    Runs the engine once (``autodiff.autograd.grad`` with ``retain_graph=True``, so the
    graph stays usable and no ``.grad`` changes) and returns a :class:`Table` with one
    row per node, in the order the engine ran them: the node and its tape number (as
    :func:`draw` shows it), the gradient that reached it, the rule it applied (``op``
    of its row in ``autodiff.rules``), and the gradient it sent to each input. A leaf's
    ``AccumulateGrad`` has its row as soon as its gradient is complete, which is when
    the engine runs it. ``gradient`` is ``backward``'s: needed when ``tensor`` is not a
    scalar. ``params`` names leaves, as for :func:`draw`. Hooks registered on tensors
    run as in any backward call; ``retain_grad`` stores nothing.

    >>> import autodiff
    >>> from autodiff.viz import explain
    >>> x = autodiff.tensor([1.0, 2.0], requires_grad=True)
    >>> print(explain((x * x).sum(), params={"x": x}))    # autodiff-only
    step  node             rule  gradient in  gradient out
    ----  ---------------  ----  -----------  -------------------------------
    1     SumBackward0 #2  sum   1.           -> MulBackward0 #1: [1., 1.]
    2     MulBackward0 #1  mul   [1., 1.]     -> AccumulateGrad (x): [1., 2.]
                                              -> AccumulateGrad (x): [1., 2.]
    3     AccumulateGrad   x     [2., 4.]     -> x.grad
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
                        f"-> {leaf_name(leaf)}.grad")
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
                     "\n".join(sent)))
        for next_node, _ in node.next_functions:
            if next_node in edges_left:
                edges_left[next_node] -= 1
                if not edges_left[next_node]:
                    rows.append(leaf_rows.pop(next_node))
    rows += leaf_rows.values()                 # leaves no gradient reached
    return Table(("step", "node", "rule", "gradient in", "gradient out"),
                 [(str(k), *row) for k, row in enumerate(rows, 1)])


# --- side_by_side ---------------------------------------------------------------------

def side_by_side(body):
    """Run ``body(torch)`` and ``body(autodiff)`` and show what each observed, side by side.

    ``body`` is a case of the parity harness (``parity_tests``): a function of the
    framework module that yields ``(name, value)`` pairs. Each row of the returned
    :class:`Table` is one observation under both frameworks; an error or warnings are
    observations too. Raises ``AssertionError`` (showing the table) when they disagree,
    so a tutorial executed as a test fails. Needs torch (``pip install -e '.[parity]'``).
    """
    import torch

    import autodiff
    from parity_tests.harness import ERROR, WARNINGS, Case, compare, show

    outcome = compare(Case(body.__name__, "tutorial", body), torch, autodiff)
    rows = [(row.name, _in_torchs_words(show(row.reference)), show(row.candidate),
             "yes" if row.match else f"NO: {row.reason}")
            for row in outcome.rows
            if row.name not in (ERROR, WARNINGS) or row.reference or row.candidate]
    table = Table(("observation", "torch", "autodiff", "same"), rows, title=body.__name__)
    if not outcome.passed:
        raise AssertionError(f"torch and autodiff disagree:\n{table}")
    return table


def _in_torchs_words(text):
    # the harness writes torch's texts with autodiff's name, to compare them; show them
    # as torch printed them
    return re.sub(r"\bautodiff\b", "torch", text)
