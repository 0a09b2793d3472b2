"""Article 002's ``nn.Module`` examples: they need ``autodiff.nn`` (and ``optim``).

Each case is marked with :func:`~parity_tests.harness.needs`, so it is skipped,
with the reason, while the candidate framework has no ``nn`` module.

``Linear`` layers start from random weights, and the two frameworks draw
different random numbers; every case therefore sets the weights itself.
"""

from parity_tests.harness import needs


def _my_net_class(T):
    """The article's template, verbatim but for ``torch`` -> ``T``."""
    class MyNet(T.nn.Module):
        def __init__(self, input_size, output_size, hidden_size):
            super().__init__()
            self.hidden = T.nn.Linear(input_size, hidden_size)
            self.output = T.nn.Linear(hidden_size, output_size)

        def forward(self, x):
            x = self.hidden(x)
            x = T.sigmoid(x)
            x = self.output(x)
            return x
    return MyNet


def _my_net(T):
    """A MyNet(3, 1, 2) with fixed weights."""
    net = _my_net_class(T)(3, 1, 2)
    with T.no_grad():
        net.hidden.weight.copy_(T.tensor([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]]))
        net.hidden.bias.copy_(T.tensor([0.05, -0.05]))
        net.output.weight.copy_(T.tensor([[1.5, -2.0]]))
        net.output.bias.copy_(T.tensor([0.25]))
    return net


@needs("nn")
def seed002_mynet_without_arguments(T):
    """The article calls ``net = MyNet()``, but its ``__init__`` takes three sizes.

    torch 2.13 (Python, really) raises ``TypeError: ...MyNet.__init__()
    missing 3 required positional arguments: 'input_size', 'output_size', and
    'hidden_size'``: the article's call does not run.
    """
    yield "net", _my_net_class(T)()


@needs("nn")
def seed002_mynet_forward_backward(T):
    """``y = net(x)`` calls ``forward`` through ``__call__``; backward fills every parameter's grad.

    "由于在torch.nn.Module类中定义了__call__()方法回调forward()" (no printed output)
    """
    net = _my_net(T)
    x = T.tensor([[1., 2., 3.], [-1., 0.5, 2.]])
    y = net(x)
    yield "y", y
    yield "y.grad_fn", y.grad_fn
    yield "parameter names", [name for name, _ in net.named_parameters()]
    y.sum().backward()
    for name, parameter in net.named_parameters():
        yield f"{name}.grad", parameter.grad


@needs("nn", "optim")
def seed002_training_loop_with_optimizer(T):
    """The article's loop: ``zero_grad(); output = net(x); loss.backward(); step()``.

    Two epochs of two batches with SGD and a mean squared error.
    (no printed output)
    """
    net = _my_net(T)
    optimizer = T.optim.SGD(net.parameters(), lr=0.5)
    batches = [(T.tensor([[1., 2., 3.]]), T.tensor([[1.]])),
               (T.tensor([[0., -1., 2.]]), T.tensor([[0.]]))]
    for epoch in range(2):
        for batch, (x, target) in enumerate(batches):
            optimizer.zero_grad()
            output = net(x)
            loss = ((output - target) ** 2).mean()
            loss.backward()
            optimizer.step()
            yield f"loss {epoch}.{batch}", loss
    yield "output.weight", net.output.weight
