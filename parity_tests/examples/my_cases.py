"""Your own parity cases: run them with ``python -m parity_tests parity_tests/examples/my_cases.py``.

Every public top-level function whose only parameter is named ``T`` is a
case. It receives the framework module (torch, then autodiff) and yields
``(name, value)`` pairs to compare.
"""


def my_square_derivative(T):
    """d/dx x**2 = 2x."""
    x = T.tensor([1.0, -2.0, 3.0], requires_grad=True)
    y = (x ** 2).sum()
    yield "y", y
    y.backward()
    yield "x.grad", x.grad
    yield "repr(x.grad)", repr(x.grad)


def my_forgotten_retain_graph(T):
    """A second backward without retain_graph=True: both frameworks must raise the same error."""
    x = T.tensor(2.0, requires_grad=True)
    y = x.exp()
    y.backward()
    yield "x.grad", x.grad
    y.backward()
