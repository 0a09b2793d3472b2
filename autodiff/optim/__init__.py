"""``autodiff.optim``: update rules for parameters (torch's ``torch.optim``).

The training loop every learner writes::

    optimizer.zero_grad()     # gradients accumulate: clear last step's
    loss = loss_fn(model(x), y)
    loss.backward()           # fill each parameter's .grad
    optimizer.step()          # move each parameter against its gradient
"""

from . import lr_scheduler
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "SGD", "lr_scheduler"]
