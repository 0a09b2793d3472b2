"""``autodiff.nn``: modules, parameters, losses and initialisation (torch's ``torch.nn``).

>>> import autodiff
>>> import autodiff.nn as nn
>>> model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
>>> loss = nn.CrossEntropyLoss()(model(autodiff.zeros(2, 4)), autodiff.tensor([0, 2]))
>>> loss.backward()
>>> model[0].weight.grad.shape
autodiff.Size([8, 4])
"""

from . import functional, init, utils
from .activation import (ELU, GELU, SELU, Hardtanh, LeakyReLU, LogSoftmax, ReLU, ReLU6, Sigmoid,
                         SiLU, Softmax, Softplus, Tanh)
from .container import ModuleDict, ModuleList, Sequential
from .layers import (BatchNorm1d, BatchNorm2d, Conv2d, Dropout, Embedding, Flatten, Identity,
                     LayerNorm, Linear, MaxPool2d)
from .loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss, NLLLoss
from .module import Module
from .parameter import Parameter

__all__ = [
    "BCELoss", "BCEWithLogitsLoss", "BatchNorm1d", "BatchNorm2d", "Conv2d", "CrossEntropyLoss",
    "Dropout", "ELU", "Embedding", "Flatten", "GELU", "Hardtanh", "Identity", "L1Loss",
    "LayerNorm", "LeakyReLU", "Linear", "LogSoftmax", "MSELoss", "MaxPool2d", "Module",
    "ModuleDict", "ModuleList", "NLLLoss", "Parameter", "ReLU", "ReLU6", "SELU", "Sequential",
    "SiLU", "Sigmoid", "Softmax", "Softplus", "Tanh", "functional", "init",
]
