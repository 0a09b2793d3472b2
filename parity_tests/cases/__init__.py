"""The built-in cases, one module per group.

``seeds`` and ``seed_nn`` replay the five seed articles; ``misuse`` every error and
warning the engine must reproduce; ``api`` the tensor surface (creation, integer
arithmetic, printing); ``views`` storage sharing and in-place histories; ``ops`` one case
per row of the derivative table; ``autograd`` what comes after first derivatives (higher
order, hooks, custom Functions, the functional API, gradcheck, anomaly detection);
``training`` models trained step for step (nn, optim, data); ``training_extras`` the
rest of schedules, samplers, initializers and ``cuda``; ``compat`` what real scripts
use around the maths; ``torch_functions`` and ``torch_nn_functions`` torch's other
top-level functions. :func:`builtin_cases` collects them for the runner and pytest.
"""

from parity_tests.cases import (api, autograd, compat, misuse, ops, seed_nn, seeds,
                                torch_functions, torch_nn_functions, training, training_extras,
                                views)
from parity_tests.harness import Case, cases_in

MODULES = (seeds, seed_nn, misuse, api, views, ops, autograd, training, training_extras, compat,
           torch_functions, torch_nn_functions)


def builtin_cases() -> list[Case]:
    return [case for module in MODULES for case in cases_in(module)]
