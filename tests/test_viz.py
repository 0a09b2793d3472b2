"""autodiff.viz: the pictures are torch's graphs, and explain is torch's backward, node by node.

``draw`` draws torch's graphs too, so every picture is checked against the picture of the
same snippet run under torch. ``explain``'s rows are checked against torch's engine
watched with node hooks.
"""

import re
import shutil
import sys

import numpy as np
import pytest
import torch

import autodiff
from autodiff import viz

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


def structure(dot):
    """A picture as what it shows: node labels (with colour) and edges between labels."""
    labels, edges = {}, []
    for line in dot.body:
        node = re.match(r'\t("?)(\S+?)\1 \[label=("?)(.*?)\3(?: fillcolor=(\w+))?\]\n$', line,
                        re.DOTALL)
        edge = re.match(r'\t"?(\S+?)"? -> "?(\S+?)"?(?: \[.*\])?\n$', line)
        if node:
            labels[node[2]] = (node[4], node[5])
        elif edge:
            edges.append((edge[1], edge[2]))
    return sorted(labels.values()), sorted((labels[a], labels[b]) for a, b in edges)


# --- draw ------------------------------------------------------------------------------

@needs_dot
@pytest.mark.parametrize("snippet, show_saved",
                         [(s, saved) for saved in (False, True) for s in SNIPPETS],
                         ids=lambda v: getattr(v, "__name__", f"saved={v}"))
def test_draw_shows_what_torch_shows(snippet, show_saved):
    pictures = []
    for T in (torch, autodiff):
        out, params = snippet(T)
        pictures.append(structure(viz.draw(out, params=params, show_saved=show_saved)))
    assert pictures[1] == pictures[0]


@needs_dot
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


@needs_dot
def test_draw_unnamed_leaves_by_shape_and_several_outputs():
    x = autodiff.tensor([1.0, 2.0], requires_grad=True)
    y, z = x * 2, x.sin()
    labels, edges = structure(viz.draw([y, z]))
    assert labels.count(("(2)", "darkolivegreen1")) == 2
    assert labels.count(("(2)", "lightblue")) == 1              # one leaf, two uses
    assert (("AccumulateGrad", None), ("SinBackward0\n#2", None)) in edges


@needs_dot
def test_draw_shows_freed_buffers_after_backward():
    out, _ = diamond(autodiff)
    out.backward()
    labels, _ = structure(viz.draw(out, show_saved=True))
    assert ("saved tensors\nfreed", "lightgrey") in labels
    assert not any(colour == "orange" for _, colour in labels)


@needs_dot
def test_draw_walks_a_long_chain_without_recursion():
    x = autodiff.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(sys.getrecursionlimit() + 100):
        y = y * 1.0
    labels, _ = structure(viz.draw(y))
    assert len(labels) == sys.getrecursionlimit() + 100 + 3    # + AccumulateGrad, x, y


@needs_dot
def test_draw_renders_svg():
    out, params = diamond(autodiff)
    assert b"MulBackward0" in viz.draw(out, params=params).pipe(format="svg")


def test_draw_without_dot_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))                  # no `dot` anywhere
    out, _ = diamond(autodiff)
    with pytest.raises(RuntimeError, match="apt-get install graphviz.*brew install graphviz"):
        viz.draw(out)


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
    for _, node, _, grad_in, grad_out in table.rows:
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
    assert table.rows[0][4] == ("-> AddBackward0 #3: [[3.]]\n"
                                "-> (an input that needs no gradient)")
    assert table.rows[4][4] == "-> AccumulateGrad (w1): [[30.], [60.]]"
    assert table.rows[5][3:] == ("[[30.], [60.]]", "-> w1.grad")


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

    table = viz.side_by_side(square)
    rows = {row[0]: row[1:] for row in table.rows}
    assert rows["dtype"] == ("torch.float32", "autodiff.float32", "yes")
    assert rows["raises"][2] == "yes" and "does not require grad" in rows["raises"][1]
    assert "warnings" not in rows


def test_side_by_side_fails_when_they_disagree():
    def module_of_a_tensor(torch):
        yield "module", type(torch.tensor(1.0)).__module__    # torch vs autodiff.tape

    with pytest.raises(AssertionError, match="disagree"):
        viz.side_by_side(module_of_a_tensor)


def test_values_are_short():
    assert viz._values(autodiff.tensor(np.arange(100.0))) == "[ 0., 1., ..., 98., 99.]"
