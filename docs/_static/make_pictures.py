"""Make the README's picture of a graph with autodiff's own renderer (no Graphviz):
``python docs/_static/make_pictures.py`` writes docs/_static/graph.svg (or the path given:
tests/test_viz.py checks that the committed picture is what the renderer draws)."""

import sys
from pathlib import Path

import autodiff as torch
from autodiff.viz import draw

w1 = torch.tensor([[2.], [3.]], requires_grad=True)
b1 = torch.tensor([1.], requires_grad=True)
x = torch.tensor([[10.], [20.]])
y = torch.mm(w1.transpose(0, 1), x) + b1
out = 3 * y
target = sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_name("graph.svg")
draw(out, params=dict(w1=w1, b1=b1, out=out), show_saved=True).save(target, engine="python")
