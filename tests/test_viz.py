"""autodiff.viz: the pictures are torch's graphs, and explain is torch's backward, node by node.

``draw`` draws torch's graphs too, so every picture is checked against the picture of the
same snippet run under torch. ``explain``'s rows are checked against torch's engine
watched with node hooks.
"""

import html
import os
import pathlib
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest
import torch

import autodiff
from autodiff import _layout, viz
from parity_tests import side_by_side

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is missing")


# --- snippets, each a function of the framework: (roots, params) -------------------------

def seed000_retain_grad(T):
    w1 = T.tensor([[2.], [3.]], requires_grad=True)
    b1 = T.tensor([1.], requires_grad=True)
    x = T.tensor([[10.], [20.]])
    y = T.mm(w1.transpose(0, 1), x) + b1
    out = 3 * y
    return out, dict(w1=w1, b1=b1)


def diamond(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    a = x * 2
    b = x.exp()
    return (a * b).sum(), dict(x=x)


def broadcast_mean(T):
    x = T.tensor([[1., 2., 3.], [4., 5., 6.]], requires_grad=True)
    b = T.tensor([0.5, -1., 2.], requires_grad=True)
    return (2 * (x + b) ** 2).mean(), dict(x=x, b=b)


def two_leaves(T):
    x = T.tensor([[1.0, 2.0]], requires_grad=True)
    w = T.tensor([3.0, 4.0], requires_grad=True)
    return (x * w).exp().sum() + x.sum(), dict(x=x, w=w)


SNIPPETS = [seed000_retain_grad, diamond, broadcast_mean, two_leaves]


def structure(graph):
    """A picture as what it shows: node labels (with colour) and edges between labels."""
    labels = graph.nodes
    return sorted(labels.values()), sorted((labels[a], labels[b])
                                           for a, b, _ in graph.edges)


def svg_texts(svg):
    """The text lines of an SVG picture (whichever engine drew it)."""
    return [html.unescape(t).strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


# --- draw ------------------------------------------------------------------------------

@pytest.mark.parametrize("snippet, show_saved",
                         [(s, saved) for saved in (False, True) for s in SNIPPETS],
                         ids=lambda v: getattr(v, "__name__", f"saved={v}"))
def test_draw_shows_what_torch_shows(snippet, show_saved):
    pictures = []
    for T in (torch, autodiff):
        out, params = snippet(T)
        pictures.append(structure(viz.draw(out, params=params, show_saved=show_saved)))
    assert pictures[1] == pictures[0]


@pytest.mark.parametrize("snippet", SNIPPETS, ids=lambda s: s.__name__)
def test_draw_show_attrs_lists_what_torch_lists(snippet):
    """torchviz's show_attrs=True boxes: what each autodiff node keeps is kept by torch's
    node too, under the same name, with the same value (torch keeps some more: mm's
    strides, add's alpha of 1, which autodiff's rows do not need)."""
    kept = []
    for T in (torch, autodiff):
        out, _ = snippet(T)
        nodes = sorted((n for n in viz._walk([out.grad_fn]) if not hasattr(n, "variable")),
                       key=viz._sequence_nr)
        kept.append([(type(n).__name__, viz._attributes(n)) for n in nodes])
    assert [name for name, _ in kept[1]] == [name for name, _ in kept[0]]
    for (name, ours), (_, torchs) in zip(kept[1], kept[0]):
        assert ours.items() <= torchs.items(), name


def test_draw_show_attrs_values():
    x = autodiff.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    out = x.sum(1, keepdim=True).pow(3)
    labels = [label for label, _ in viz.draw(out, show_attrs=True).nodes.values()]
    assert ("PowBackward0\n#2\n-------------------\n"
            "exponent: 3        \nself    : [saved tensor]") not in labels  # (padded)
    pow_box = next(label for label in labels if label.startswith("PowBackward0"))
    assert pow_box.split("\n")[3:] == ["exponent: 3             ",
                                       "self    : [saved tensor]"]
    sum_box = next(label for label in labels if label.startswith("SumBackward1"))
    assert [line.rstrip() for line in sum_box.split("\n")[3:]] == [
        "dim           : (1,)", "keepdim       : True", "self_sym_sizes: (2, 2)"]
    short = viz.draw(out, show_attrs=True, max_attr_chars=5).nodes
    assert any("self_sym_sizes: (2..." in label for label, _ in short.values())
    out.backward(autodiff.ones(2, 1))
    freed = [label for label, _ in viz.draw(out, show_attrs=True).nodes.values()]
    assert any("self    : [freed]" in label for label in freed)


def test_draw_seed_graph_labels_edges_and_tape_order():
    out, params = seed000_retain_grad(autodiff)
    labels, edges = structure(viz.draw(out, params=params))
    op = lambda name, k: (f"{name}\n#{k}", None)    # noqa: E731
    acc, w1, b1, output = ("AccumulateGrad", None), ("w1\n(2, 1)", "lightblue"), \
        ("b1\n(1)", "lightblue"), ("(1, 1)", "darkolivegreen1")
    assert sorted(labels) == sorted([op("TransposeBackward0", 1), op("MmBackward0", 2),
                                     op("AddBackward0", 3), op("MulBackward0", 4),
                                     acc, acc, w1, b1, output])
    assert edges == sorted([
        (w1, acc), (acc, op("TransposeBackward0", 1)),
        (op("TransposeBackward0", 1), op("MmBackward0", 2)),
        (op("MmBackward0", 2), op("AddBackward0", 3)), (b1, acc),
        (acc, op("AddBackward0", 3)), (op("AddBackward0", 3), op("MulBackward0", 4)),
        (op("MulBackward0", 4), output)])


def test_draw_unnamed_leaves_by_shape_and_several_outputs():
    x = autodiff.tensor([1.0, 2.0], requires_grad=True)
    y, z = x * 2, x.sin()
    labels, edges = structure(viz.draw([y, z]))
    assert labels.count(("(2)", "darkolivegreen1")) == 2
    assert labels.count(("(2)", "lightblue")) == 1              # one leaf, two uses
    assert (("AccumulateGrad", None), ("SinBackward0\n#2", None)) in edges


def test_draw_shows_freed_buffers_after_backward():
    out, _ = diamond(autodiff)
    out.backward()
    labels, _ = structure(viz.draw(out, show_saved=True))
    assert ("saved tensors\nfreed", "lightgrey") in labels
    assert not any(colour == "orange" for _, colour in labels)


def test_draw_walks_and_lays_out_a_long_chain_without_recursion():
    x = autodiff.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(sys.getrecursionlimit() + 100):
        y = y * 1.0
    graph = viz.draw(y)
    assert len(graph.nodes) == sys.getrecursionlimit() + 100 + 3    # + AccumulateGrad, x, y
    assert svg_texts(graph.svg(engine="python")).count("MulBackward0") == len(graph.nodes) - 3


def test_the_dot_source_quotes_labels():
    out, params = diamond(autodiff)
    params["a \"quoted\" name"] = params.pop("x")
    source = viz.draw(out, params=params).source
    assert source.startswith("digraph {\n\tgraph [ranksep=")
    assert '[label="a \\"quoted\\" name\\n(2)" fillcolor="lightblue"]' in source
    assert "[dir=none]" in viz.draw(out, show_saved=True).source


# --- the pure-Python layout ------------------------------------------------------------

def boxes(svg):
    """Each box of a picture drawn by autodiff._layout: (x, y, width, height)."""
    return [tuple(float(v) for v in box) for box in re.findall(
        r'<rect x="(.*?)" y="(.*?)" width="(.*?)" height="(.*?)"', svg)]


@pytest.mark.parametrize("snippet", SNIPPETS, ids=lambda s: s.__name__)
def test_python_layout_draws_every_box_and_edge_without_overlaps(snippet):
    out, params = snippet(autodiff)
    graph = viz.draw(out, params=params, show_saved=True, show_attrs=True)
    svg = graph.svg(engine="python")
    assert svg.startswith("<svg xmlns=") and svg.endswith("</svg>")
    rects = boxes(svg)
    assert len(rects) == len(graph.nodes)
    assert len(re.findall(r"<path d=", svg)) == len(set(graph.edges)) + 1    # + the arrow
    assert len(re.findall(r'marker-end=', svg)) == sum(arrow for *_, arrow in
                                                         set(graph.edges))
    for k, (x1, y1, w1, h1) in enumerate(rects):
        for x2, y2, w2, h2 in rects[k + 1:]:
            apart = x1 + w1 <= x2 or x2 + w2 <= x1 or y1 + h1 <= y2 or y2 + h2 <= y1
            assert apart, "two boxes overlap"
    labels = [line for label, _ in graph.nodes.values() for line in label.split("\n")]
    assert svg_texts(svg) == [line.strip() for line in labels] or \
        sorted(svg_texts(svg)) == sorted(line.strip() for line in labels)


def test_python_layout_runs_every_edge_down_from_a_bottom_to_a_top():
    out, params = two_leaves(autodiff)
    graph = viz.draw(out, params=params, show_saved=True)
    svg = _layout.svg(graph.nodes, graph.edges)
    rects = boxes(svg)
    paths = re.findall(r'<path d="M (\S+) (\S+) .* (\S+) (\S+)" fill="none"', svg)
    assert len(paths) == len(set(graph.edges))

    def on(x, y, side):
        return any(abs(y - (top + height if side == "bottom" else top)) < 0.11
                   and left - 0.11 <= x <= left + width + 0.11
                   for left, top, width, height in rects)

    for x0, y0, x1, y1 in (tuple(map(float, p)) for p in paths):
        assert y1 > y0 and on(x0, y0, "bottom") and on(x1, y1, "top")


def test_python_layout_refuses_a_cycle():
    with pytest.raises(ValueError, match="without cycles"):
        _layout.svg({"a": ("a", None), "b": ("b", None)}, [("a", "b", True), ("b", "a", True)])


def test_python_layout_of_an_empty_graph():
    assert _layout.svg({}, []).endswith("</svg>")


# --- which engine draws ----------------------------------------------------------------

def test_draw_without_dot_still_gives_an_svg(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))                  # no `dot` anywhere
    out, params = diamond(autodiff)
    graph = viz.draw(out, params=params)
    svg = graph._repr_svg_()
    assert svg == graph.svg(engine="python")
    assert "MulBackward0" in svg_texts(svg) and "x" in svg_texts(svg)
    path = graph.save(tmp_path / "diamond.svg")
    assert path.read_text() == svg
    with pytest.raises(RuntimeError, match="apt-get install graphviz.*brew install graphviz"):
        graph.svg(engine="dot")


def test_draw_engine_is_checked():
    out, _ = diamond(autodiff)
    with pytest.raises(ValueError, match="engine must be 'dot', 'python' or None"):
        viz.draw(out).svg(engine="neato")


@needs_dot
def test_draw_with_dot_uses_graphviz():
    out, params = diamond(autodiff)
    graph = viz.draw(out, params=params, show_attrs=True)
    svg = graph.svg()
    assert "Generated by graphviz" in svg and svg == graph.svg(engine="dot")
    assert {"MulBackward0", "x", "(2)"} <= set(svg_texts(svg))
    assert "[saved tensor]" in svg         # show_attrs' line (dot may split or escape it)


# --- explain ---------------------------------------------------------------------------

def torch_backward_steps(out, gradient=None):
    """What torch's engine does, watched with node hooks: (node name, gradient in,
    gradients out) in the order the nodes ran, values as explain prints them."""
    nodes, stack = set(), [out.grad_fn]
    while stack:
        node = stack.pop()
        if node is not None and node not in nodes and not hasattr(node, "variable"):
            nodes.add(node)
            stack.extend(n for n, _ in node.next_functions)
    steps = []
    handles = [node.register_hook(lambda grad_inputs, grad_outputs, node=node: steps.append(
        (node.name(), [viz._values(g) for g in grad_outputs],
         [viz._values(g) for g in grad_inputs]))) for node in nodes]
    out.backward(gradient)
    for handle in handles:
        handle.remove()
    return steps


def explained_steps(table):
    """explain's rows of operation nodes, in the form of :func:`torch_backward_steps`."""
    steps = []
    for _, node, _, grad_in, _, grad_out in table.rows:
        if node != "AccumulateGrad":
            sent = [re.sub(r"^-> .*?: ", "", line) for line in grad_out.split("\n")]
            steps.append((node.split(" #")[0], grad_in.split("\n"),
                          ["None" if s.startswith("-> (") else s for s in sent]))
    return steps


@pytest.mark.parametrize("snippet", SNIPPETS, ids=lambda s: s.__name__)
def test_explain_runs_the_nodes_torch_runs_with_torchs_gradients(snippet):
    torch_out, _ = snippet(torch)
    out, _ = snippet(autodiff)
    assert explained_steps(viz.explain(out)) == torch_backward_steps(torch_out)


def test_explain_with_a_gradient_for_a_non_scalar_output():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    expected = torch_backward_steps(x.sin() * x, torch.tensor([1.0, 0.5, 0.25]))
    x = autodiff.tensor([1.0, 2.0, 3.0], requires_grad=True)
    table = viz.explain(x.sin() * x, autodiff.tensor([1.0, 0.5, 0.25]))
    assert explained_steps(table) == expected
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar"):
        viz.explain(x.sin() * x)


def test_explain_rows_name_rules_leaves_and_tape_numbers():
    out, params = seed000_retain_grad(autodiff)
    table = viz.explain(out, params=params)
    assert [row[1:3] for row in table.rows] == [
        ("MulBackward0 #4", "mul"), ("AddBackward0 #3", "add"), ("AccumulateGrad", "b1"),
        ("MmBackward0 #2", "mm"), ("TransposeBackward0 #1", "transpose"),
        ("AccumulateGrad", "w1")]
    assert table.rows[0][5] == ("-> AddBackward0 #3: [[3.]]\n"
                                "-> (an input that needs no gradient)")
    assert table.rows[4][5] == "-> AccumulateGrad (w1): [[30.], [60.]]"
    assert table.rows[5][3:] == ("[[30.], [60.]]", "w1.grad += grad", "-> w1.grad")


def test_explain_shows_each_rows_formula_as_rules_py_writes_it():
    out, params = seed000_retain_grad(autodiff)
    formulas = {row[1]: row[4] for row in viz.explain(out, params=params).rows}
    assert formulas["MmBackward0 #2"] == "self: grad.mm(mat2.t())\nmat2: self.t().mm(grad)"
    assert formulas["MulBackward0 #4"] == "self: grad * other\nother: grad * self"
    assert formulas["TransposeBackward0 #1"] == "self: grad.transpose(dim0, dim1)"
    x = autodiff.tensor([1.0, 2.0], requires_grad=True)
    formulas = [row[4] for row in viz.explain((x.sin() * x.exp()).sum()).rows]
    assert {"self: grad * self.cos()", "self: grad * result"} <= set(formulas)


def test_explain_of_a_custom_function_names_its_backward():
    class Double(autodiff.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad):
            return grad * 2

    x = autodiff.tensor([1.0], requires_grad=True)
    rows = viz.explain(Double.apply(x).sum()).rows
    assert any(row[2] == "Function.backward" and row[4] == "DoubleBackward.backward(ctx, grad)"
               for row in rows)


def test_explain_changes_no_grad_and_keeps_the_graph():
    w = autodiff.tensor([1.0, 2.0], requires_grad=True)
    w.grad = autodiff.tensor([10.0, 10.0])
    h = w * w
    h.retain_grad()
    out = h.sum()
    viz.explain(out)
    assert w.grad.tolist() == [10.0, 10.0] and h.grad is None
    out.backward()                                       # buffers were retained
    assert w.grad.tolist() == [12.0, 14.0] and h.grad.tolist() == [1.0, 1.0]


def test_explain_needs_a_node():
    with pytest.raises(ValueError, match="no grad_fn"):
        viz.explain(autodiff.tensor([1.0], requires_grad=True))


def test_table_as_text_and_html():
    table = viz.Table(("a", "b"), [("1", "x\ny"), ("22", "<z>")], title="t")
    assert str(table) == "t\na   b\n--  ---\n1   x\n    y\n22  <z>"
    assert "x<br>y" in table._repr_html_() and "&lt;z&gt;" in table._repr_html_()


# --- side_by_side ----------------------------------------------------------------------

def test_side_by_side_shows_both_frameworks():
    def square(torch):
        x = torch.tensor([1.0, 2.0], requires_grad=True)
        (x * x).sum().backward()
        yield "x.grad", x.grad
        yield "dtype", x.dtype
        x.grad.backward()

    table = side_by_side(square)
    rows = {row[0]: row[1:] for row in table.rows}
    assert rows["dtype"] == ("torch.float32", "autodiff.float32", "yes")
    assert rows["raises"][2] == "yes" and "does not require grad" in rows["raises"][1]
    assert "warnings" not in rows


def test_side_by_side_fails_when_they_disagree():
    def version(torch):
        yield "version", torch.__version__                    # 2.13.0+cpu vs 0.1.0

    with pytest.raises(AssertionError, match="disagree"):
        side_by_side(version)


def test_values_are_short():
    assert viz._values(autodiff.tensor(np.arange(100.0))) == "[ 0., 1., ..., 98., 99.]"


ROOT = str(pathlib.Path(__file__).resolve().parent.parent)


def test_autodiff_viz_does_not_import_the_harness():
    done = subprocess.run([sys.executable, "-c", "import sys, autodiff.viz; "
                           "print('parity_tests' in sys.modules)"], capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": ROOT}, timeout=120)
    assert done.stdout.strip() == "False", done.stderr


def test_the_runner_without_torch_says_which_extra_to_install(tmp_path):
    # a sitecustomize that hides torch, as if it were not installed
    (tmp_path / "sitecustomize.py").write_text("import sys; sys.modules['torch'] = None\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), ROOT])}
    done = subprocess.run([sys.executable, "-m", "parity_tests"], capture_output=True,
                          text=True, env=env, timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "missing here: torch" in done.stderr and 'pip install -e ".[parity]"' in done.stderr
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in done.stderr
    imported = subprocess.run([sys.executable, "-c", "import parity_tests"],
                              capture_output=True, text=True, env=env, timeout=120)
    assert "ModuleNotFoundError: parity_tests needs autodiff's `parity` extra" in \
        imported.stderr


def test_the_readmes_picture_is_what_the_renderer_draws(tmp_path):
    script = pathlib.Path(ROOT) / "docs" / "_static" / "make_pictures.py"
    subprocess.run([sys.executable, str(script), str(tmp_path / "graph.svg")], check=True,
                   env={**os.environ, "PYTHONPATH": ROOT}, timeout=120)
    committed = (script.parent / "graph.svg").read_text()
    assert (tmp_path / "graph.svg").read_text() == committed, \
        "run python docs/_static/make_pictures.py and commit docs/_static/graph.svg"
