"""Recurrent layers: ``RNN``, ``LSTM``, ``GRU`` and their one-step ``RNNCell``,
``LSTMCell``, ``GRUCell`` (torch's ``torch.nn.modules.rnn``).

A recurrent layer runs one cell along the sequence, feeding each step's hidden state to
the next. Nothing here is a new op: the cells are written with autodiff's ``linear``,
``sigmoid``, ``tanh`` and ``chunk``, so the backward pass through time is the tape's
ordinary one. The computation follows torch's CPU implementation (``ATen/native/RNN.cpp``):
the input's ``W_ih x + b_ih`` is computed for every step at once, then the cell runs
step by step, the steps' outputs are stacked, a bidirectional layer concatenates its two
directions, and layers are stacked with ``dropout`` between them (in training).

>>> import autodiff
>>> import autodiff.nn as nn
>>> lstm = nn.LSTM(input_size=3, hidden_size=5, num_layers=2, batch_first=True)
>>> output, (h_n, c_n) = lstm(autodiff.ones(4, 7, 3))       # 4 sequences of 7 steps
>>> output.shape, h_n.shape
(autodiff.Size([4, 7, 5]), autodiff.Size([2, 4, 5]))
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any, Optional

from .. import dtypes as D, ops
from ..tape import Tensor
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter

__all__ = ["GRU", "GRUCell", "LSTM", "LSTMCell", "RNN", "RNNBase", "RNNCell", "RNNCellBase"]


# -- the cells: one step, given the input's part of the gates (W_ih x + b_ih) ----------------

def _simple_cell(nonlinearity):
    """Elman's cell: h' = nonlinearity(W_hh h + b_hh + W_ih x + b_ih)."""
    def cell(igates, hidden, w_hh, b_hh, w_hr=None):
        h = nonlinearity(F.linear(hidden, w_hh, b_hh) + igates)
        return h, h
    return cell


def _lstm_cell(igates, hidden, w_hh, b_hh, w_hr=None):
    """LSTM: input, forget, cell and output gates from one matmul; c' = f c + i g and
    h' = o tanh(c') (projected by ``w_hr`` when the LSTM has a ``proj_size``)."""
    hx, cx = hidden
    gates = F.linear(hx, w_hh, b_hh) + igates
    ingate, forgetgate, cellgate, outgate = gates.chunk(4, 1)
    cy = forgetgate.sigmoid() * cx + ingate.sigmoid() * cellgate.tanh()
    hy = outgate.sigmoid() * cy.tanh()
    if w_hr is not None:
        hy = F.linear(hy, w_hr)
    return hy, (hy, cy)


def _gru_cell(igates, hidden, w_hh, b_hh, w_hr=None):
    """GRU: reset gate r, update gate z, new gate n = tanh(i_n + r (W_hn h + b_hn));
    h' = (1 - z) n + z h, computed as (h - n) z + n."""
    i_r, i_z, i_n = igates.chunk(3, 1)
    h_r, h_z, h_n = F.linear(hidden, w_hh, b_hh).chunk(3, 1)
    reset_gate = (h_r + i_r).sigmoid()
    input_gate = (h_z + i_z).sigmoid()
    new_gate = (i_n + h_n * reset_gate).tanh()
    h = (hidden - new_gate) * input_gate + new_gate
    return h, h


_CELLS = {"RNN_TANH": _simple_cell(ops.tanh), "RNN_RELU": _simple_cell(F.relu),
          "LSTM": _lstm_cell, "GRU": _gru_cell}
_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _cell_step(mode, input, hidden, w_ih, w_hh, b_ih, b_hh):
    """One step of a cell on a batch, torch's C++ checks first: torch's ``rnn_tanh_cell``,
    ``lstm_cell``... (which the cell modules call)."""
    if input.size(1) != w_ih.size(1):
        raise RuntimeError(f"input has inconsistent input_size: got {input.size(1)} "
                           f"expected {w_ih.size(1)}")
    for label, h in enumerate(hidden if mode == "LSTM" else (hidden,)):
        if input.size(0) != h.size(0):
            raise RuntimeError(f"Input batch size {input.size(0)} doesn't match "
                               f"hidden{label} batch size {h.size(0)}")
        if h.size(1) != w_hh.size(1):
            raise RuntimeError(f"hidden{label} has inconsistent hidden_size: got "
                               f"{h.size(1)}, expected {w_hh.size(1)}")
    return _CELLS[mode](F.linear(input, w_ih, b_ih), hidden, w_hh, b_hh)[1]


def _layer(cell, input, hidden, weights, reverse):
    """One direction of one layer over the whole sequence (L, N, H_in): the output of
    every step, stacked, and the last hidden state."""
    w_ih, w_hh, b_ih, b_hh, w_hr = weights
    steps = F.linear(input, w_ih, b_ih).unbind(0)
    outputs: list[Any] = [None] * len(steps)
    for t in (reversed(range(len(steps))) if reverse else range(len(steps))):
        outputs[t], hidden = cell(steps[t], hidden, w_hh, b_hh, w_hr)
    return ops.stack(outputs, 0), hidden


def _run(mode, input, hiddens, weights, num_layers, dropout, training, bidirectional):
    """Every layer, both directions: the last layer's output and each (layer, direction)'s
    final hidden state, in that order."""
    directions = 2 if bidirectional else 1
    finals = []
    for layer in range(num_layers):
        outputs = []
        for direction in range(directions):
            i = layer * directions + direction
            output, final = _layer(_CELLS[mode], input, hiddens[i], weights[i], direction == 1)
            outputs.append(output)
            finals.append(final)
        input = outputs[0] if directions == 1 else ops.cat(outputs, outputs[0].dim() - 1)
        if dropout != 0 and training and layer < num_layers - 1:
            input = F.dropout(input, dropout, True)
    return input, finals


# -- the sequence modules -----------------------------------------------------------------------

class RNNBase(Module):
    """What ``RNN``, ``LSTM`` and ``GRU`` share: parameters named as torch names them
    (``weight_ih_l0``, ``bias_hh_l1_reverse``...), uniform on +-1/sqrt(hidden_size), and
    the checks of the input and hidden state."""

    _input_dims_message = "{}: Expected input to be 2D or 3D, got {}D instead"

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0,
                 device: Optional[D.DeviceLike] = None, dtype: Optional[D.dtype] = None) -> None:
        super().__init__()
        self.mode, self.input_size, self.hidden_size = mode, input_size, hidden_size
        self.num_layers, self.bias, self.batch_first = num_layers, bias, batch_first
        self.dropout, self.bidirectional, self.proj_size = float(dropout), bidirectional, proj_size
        if not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1 \
                or isinstance(dropout, bool):
            raise ValueError("dropout should be a number in range [0, 1] representing the "
                             "probability of an element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so "
                          "non-zero dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={num_layers}", stacklevel=2)
        for name, value, kind in (("bias", bias, bool), ("batch_first", batch_first, bool),
                                  ("input_size", input_size, int),
                                  ("hidden_size", hidden_size, int)):
            if not isinstance(value, kind):
                raise TypeError(f"{name} should be of type {kind.__name__}, got: "
                                f"{type(value).__name__}")
            if kind is int and value <= 0:
                raise ValueError(f"{name} must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable "
                             "projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        gate_size = _GATES[mode] * hidden_size
        directions = 2 if bidirectional else 1
        real_hidden_size = proj_size if proj_size > 0 else hidden_size
        placed: dict[str, Any] = dict(dtype=dtype, device=device)
        self._flat_weights_names, self._all_weights = [], []
        for layer in range(num_layers):
            for direction in range(directions):
                layer_input_size = input_size if layer == 0 else real_hidden_size * directions
                shapes: dict[str, tuple[int, ...]] = {"weight_ih": (gate_size, layer_input_size),
                          "weight_hh": (gate_size, real_hidden_size)}
                if bias:
                    shapes.update(bias_ih=(gate_size,), bias_hh=(gate_size,))
                if proj_size > 0:
                    shapes["weight_hr"] = (proj_size, hidden_size)
                suffix = "_reverse" if direction == 1 else ""
                names = [f"{name}_l{layer}{suffix}" for name in shapes]
                for name, shape in zip(names, shapes.values()):
                    setattr(self, name, Parameter(ops.empty(shape, **placed)))
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every weight and bias uniform on +-1/sqrt(hidden_size)."""
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    @property
    def _flat_weights(self):
        return [getattr(self, name) for name in self._flat_weights_names]

    @property
    def all_weights(self) -> list[list[Parameter]]:
        """The parameters, one list per layer and direction."""
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def flatten_parameters(self) -> None:
        """A no-op (torch packs the weights for cuDNN here)."""

    def _layer_weights(self):
        """(w_ih, w_hh, b_ih, b_hh, w_hr) for each layer and direction (None where absent)."""
        order = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr")
        layers = []
        for names in self._all_weights:
            weights = {name.split("_l")[0]: getattr(self, name) for name in names}
            layers.append(tuple(weights.get(kind) for kind in order))
        return layers

    # -- checks (torch's messages) ------------------------------------------------------
    def check_input(self, input: Tensor, batch_sizes: Optional[Tensor] = None) -> None:
        """The input's dtype is the weights'; it is 3-D with ``input_size`` features."""
        weight_dtype = self._flat_weights[0].dtype
        if input.dtype != weight_dtype:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype "
                             f"({weight_dtype}). Convert input: input.to({weight_dtype}), or "
                             f"convert model: model.to({input.dtype})")
        if input.dim() != 3:
            raise RuntimeError(f"input must have 3 dimensions, got {input.dim()}")
        if self.input_size != input.size(-1):
            raise RuntimeError("input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {input.size(-1)}")

    def get_expected_hidden_size(self, input: Tensor,
                                 batch_sizes: Optional[Tensor] = None) -> tuple[int, int, int]:
        """(num_layers * directions, batch, hidden size) for this input."""
        mini_batch = input.size(0) if self.batch_first else input.size(1)
        return (self.num_layers * (2 if self.bidirectional else 1), mini_batch,
                self.proj_size if self.proj_size > 0 else self.hidden_size)

    def check_hidden_size(self, hx: Tensor, expected_hidden_size: tuple[int, int, int],
                          msg: str = "Expected hidden size {}, got {}") -> None:
        """``hx`` has the expected shape."""
        if hx.size() != expected_hidden_size:
            raise RuntimeError(msg.format(expected_hidden_size, list(hx.size())))

    def check_forward_args(self, input: Tensor, hidden: Any,
                           batch_sizes: Optional[Tensor] = None) -> None:
        """The input's and the hidden state's checks."""
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden, self.get_expected_hidden_size(input, batch_sizes))

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        for name, default in (("proj_size", 0), ("num_layers", 1), ("bias", True),
                              ("batch_first", False), ("dropout", 0), ("bidirectional", False)):
            if getattr(self, name) != default:
                s += f", {name}={getattr(self, name)}"
        return s

    # -- the forward pass ------------------------------------------------------------------
    def _batched(self, input):
        """The input as a batch (an unbatched 2-D one gains a batch dimension)."""
        if input.dim() not in (2, 3):
            raise ValueError(self._input_dims_message.format(type(self).__name__, input.dim()))
        is_batched = input.dim() == 3
        return (input if is_batched else input.unsqueeze(0 if self.batch_first else 1)), is_batched

    def _zeros(self, input, size):
        return ops.zeros(self.num_layers * (2 if self.bidirectional else 1),
                         input.size(0) if self.batch_first else input.size(1), size,
                         dtype=input.dtype, device=input.device)

    def _run(self, input, hiddens):
        """The layers on a checked batch; hiddens: one per layer and direction."""
        if self.batch_first:
            input = input.transpose(0, 1)
        output, finals = _run(self.mode, input, hiddens, self._layer_weights(), self.num_layers,
                              self.dropout, self.training, self.bidirectional)
        if self.batch_first:  # torch's RNN and GRU transpose in place; its LSTM's kernel not
            output = output.transpose(0, 1) if self.mode == "LSTM" else output.transpose_(0, 1)
        return output, finals


class _SingleStateRNN(RNNBase):
    """``RNN`` and ``GRU``: one hidden state ``h``."""

    def __init__(self, mode, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__(mode, *args, **kwargs)

    def forward(self, input: Tensor, hx: Optional[Tensor] = None) -> tuple[Tensor, Tensor]:
        """``output, h_n`` for ``input`` (L, N, H_in) -- (N, L, H_in) with ``batch_first``,
        (L, H_in) unbatched -- and ``hx`` (num_layers * directions, N, H), zeros if None."""
        input, is_batched = self._batched(input)
        if hx is not None:
            if not is_batched and hx.dim() != 2:
                raise RuntimeError("For unbatched 2-D input, hx should also be 2-D but got "
                                   f"{hx.dim()}-D tensor")
            if is_batched and hx.dim() != 3:
                raise RuntimeError("For batched 3-D input, hx should also be 3-D but got "
                                   f"{hx.dim()}-D tensor")
            hx = hx if is_batched else hx.unsqueeze(1)
        else:
            hx = self._zeros(input, self.hidden_size)
        self.check_forward_args(input, hx)
        output, finals = self._run(input, hx.unbind(0))
        hidden = ops.stack(finals, 0)
        if not is_batched:
            return output.squeeze(0 if self.batch_first else 1), hidden.squeeze(1)
        return output, hidden


class RNN(_SingleStateRNN):
    """Elman RNN: ``h_t = tanh(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh)`` (or ``relu``),
    ``num_layers`` deep, optionally bidirectional. Returns ``output, h_n``."""

    _input_dims_message = "{}: Expected input to be 2D or 3D, got {}D tensor instead"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if len(args) > 3:
            self.nonlinearity = args[3]
            args = args[:3] + args[4:]
        else:
            self.nonlinearity = kwargs.pop("nonlinearity", "tanh")
        modes = {"tanh": "RNN_TANH", "relu": "RNN_RELU"}
        if self.nonlinearity not in modes:
            raise ValueError(f"Unknown nonlinearity '{self.nonlinearity}'. Select from 'tanh' "
                             "or 'relu'.")
        super().__init__(modes[self.nonlinearity], *args, **kwargs)


class GRU(_SingleStateRNN):
    """Gated recurrent unit (reset, update and new gates), ``num_layers`` deep, optionally
    bidirectional. Returns ``output, h_n``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__("GRU", *args, **kwargs)


class LSTM(RNNBase):
    """Long short-term memory: a cell state ``c`` beside ``h``, updated through input,
    forget and output gates; ``proj_size`` projects ``h``. Returns
    ``output, (h_n, c_n)``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__("LSTM", *args, **kwargs)

    def get_expected_cell_size(self, input: Tensor,
                               batch_sizes: Optional[Tensor] = None) -> tuple[int, int, int]:
        """(num_layers * directions, batch, hidden_size): ``c``'s shape."""
        mini_batch = input.size(0) if self.batch_first else input.size(1)
        return (self.num_layers * (2 if self.bidirectional else 1), mini_batch,
                self.hidden_size)

    def check_forward_args(self, input: Tensor, hidden: Any,
                           batch_sizes: Optional[Tensor] = None) -> None:
        """The input's checks, then ``h``'s and ``c``'s shapes."""
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden[0], self.get_expected_hidden_size(input, batch_sizes),
                               "Expected hidden[0] size {}, got {}")
        self.check_hidden_size(hidden[1], self.get_expected_cell_size(input, batch_sizes),
                               "Expected hidden[1] size {}, got {}")

    def forward(self, input: Tensor, hx: Optional[tuple[Tensor, Tensor]] = None
                ) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        """``output, (h_n, c_n)``; ``hx`` is ``(h_0, c_0)``, zeros if None."""
        input, is_batched = self._batched(input)
        if hx is None:
            hx = (self._zeros(input, self.proj_size if self.proj_size > 0 else self.hidden_size),
                  self._zeros(input, self.hidden_size))
        else:
            dims = 3 if is_batched else 2
            if hx[0].dim() != dims or hx[1].dim() != dims:
                raise RuntimeError(
                    f"For {'batched 3-D' if is_batched else 'unbatched 2-D'} input, hx and cx "
                    f"should also be {dims}-D but got ({hx[0].dim()}-D, {hx[1].dim()}-D) tensors")
            if not is_batched:
                hx = (hx[0].unsqueeze(1), hx[1].unsqueeze(1))
        self.check_forward_args(input, hx)
        output, finals = self._run(input, list(zip(hx[0].unbind(0), hx[1].unbind(0))))
        h_n = ops.stack([h for h, _ in finals], 0)
        c_n = ops.stack([c for _, c in finals], 0)
        if not is_batched:
            return output.squeeze(0 if self.batch_first else 1), (h_n.squeeze(1), c_n.squeeze(1))
        return output, (h_n, c_n)


# -- the cells as modules -------------------------------------------------------------------

class RNNCellBase(Module):
    """What the cells share: ``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh``, uniform
    on +-1/sqrt(hidden_size), and the checks of one step's input and hidden state."""

    bias_ih: Optional[Parameter]       # (registered: None without bias)
    bias_hh: Optional[Parameter]

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int,
                 device: Optional[D.DeviceLike] = None, dtype: Optional[D.dtype] = None) -> None:
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        kind: dict[str, Any] = dict(dtype=dtype, device=device)
        self.weight_ih = Parameter(ops.empty(num_chunks * hidden_size, input_size, **kind))
        self.weight_hh = Parameter(ops.empty(num_chunks * hidden_size, hidden_size, **kind))
        for name in ("bias_ih", "bias_hh"):
            self.register_parameter(name, Parameter(ops.empty(num_chunks * hidden_size, **kind))
                                    if bias else None)
        self.reset_parameters()

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if getattr(self, "nonlinearity", "tanh") != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def reset_parameters(self) -> None:
        """Every weight and bias uniform on +-1/sqrt(hidden_size)."""
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _step(self, mode, input, hidden):
        return _cell_step(mode, input, hidden, self.weight_ih, self.weight_hh, self.bias_ih,
                          self.bias_hh)

    def _checked_input(self, input):
        if input.dim() not in (1, 2):
            raise ValueError(f"{type(self).__name__}: Expected input to be 1D or 2D, got "
                             f"{input.dim()}D instead")
        return input.dim() == 2

    def _zeros(self, input):
        return ops.zeros(input.size(0), self.hidden_size, dtype=input.dtype, device=input.device)


class _SingleStateCell(RNNCellBase):
    """``RNNCell`` and ``GRUCell``: ``h' = cell(input, h)``."""

    _mode: Optional[str] = None

    def forward(self, input: Tensor, hx: Optional[Tensor] = None) -> Tensor:
        """``h'`` for ``input`` (N, H_in) or (H_in) and ``hx`` (N, H) or (H), zeros if None."""
        is_batched = self._checked_input(input)
        if hx is not None and hx.dim() not in (1, 2):
            raise ValueError(f"{type(self).__name__}: Expected hidden to be 1D or 2D, got "
                             f"{hx.dim()}D instead")
        if not is_batched:
            input = input.unsqueeze(0)
        hx = self._zeros(input) if hx is None else hx if is_batched else hx.unsqueeze(0)
        h = self._step(self._mode, input, hx)
        return h if is_batched else h.squeeze(0)


class RNNCell(_SingleStateCell):
    """One step of an Elman RNN: ``h' = tanh(W_ih x + b_ih + W_hh h + b_hh)`` (or relu)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device: Optional[D.DeviceLike] = None,
                 dtype: Optional[D.dtype] = None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    @property
    def _mode(self) -> str:           # type: ignore[override]  # (a class attribute above)
        if self.nonlinearity not in ("tanh", "relu"):
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        return "RNN_TANH" if self.nonlinearity == "tanh" else "RNN_RELU"


class GRUCell(_SingleStateCell):
    """One step of a GRU."""

    _mode = "GRU"

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 device: Optional[D.DeviceLike] = None, dtype: Optional[D.dtype] = None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)


class LSTMCell(RNNCellBase):
    """One step of an LSTM: ``(h', c')`` from ``input`` and ``(h, c)``."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 device: Optional[D.DeviceLike] = None, dtype: Optional[D.dtype] = None) -> None:
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input: Tensor,
                hx: Optional[tuple[Tensor, Tensor]] = None) -> tuple[Tensor, Tensor]:
        """``(h', c')`` for ``input`` (N, H_in) or (H_in); ``hx = (h, c)``, zeros if None."""
        is_batched = self._checked_input(input)
        if hx is not None:
            for idx, value in enumerate(hx):
                if value.dim() not in (1, 2):
                    raise ValueError(f"LSTMCell: Expected hx[{idx}] to be 1D or 2D, got "
                                     f"{value.dim()}D instead")
        if not is_batched:
            input = input.unsqueeze(0)
        if hx is None:
            zeros = self._zeros(input)
            hx = (zeros, zeros)
        elif not is_batched:
            hx = (hx[0].unsqueeze(0), hx[1].unsqueeze(0))
        h, c = self._step("LSTM", input, hx)
        return (h, c) if is_batched else (h.squeeze(0), c.squeeze(0))
