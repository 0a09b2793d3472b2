"""``autodiff.optim``: update rules for parameters (torch's ``torch.optim``).

The training loop every learner writes::

    optimizer.zero_grad()     # gradients accumulate: clear last step's
    loss = loss_fn(model(x), y)
    loss.backward()           # fill each parameter's .grad
    optimizer.step()          # move each parameter against its gradient
"""

from typing import TYPE_CHECKING

from . import lr_scheduler
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adamax import Adamax
from .asgd import ASGD
from .lbfgs import LBFGS
from .nadam import NAdam
from .optimizer import Optimizer
from .radam import RAdam
from .rmsprop import RMSprop
from .rprop import Rprop
from .sgd import SGD

__all__ = ["ASGD", "Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "LBFGS", "NAdam", "Optimizer",
           "RAdam", "RMSprop", "Rprop", "SGD", "lr_scheduler"]


# torch.optim's names autodiff leaves out say so (autodiff/_not_provided.py);
# hidden from a type checker, which would otherwise take any name as this function's
if not TYPE_CHECKING:
    from .. import _not_provided
    __getattr__ = _not_provided.refuser("optim")
