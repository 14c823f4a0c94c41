r"""The simple (Elman) recurrent cell and layer.

.. math::

    h_t = \phi(x_t W_{ih}^\top + b_{ih} + h_{t-1} W_{hh}^\top + b_{hh}),
    \qquad \phi = \tanh \text{ or ReLU}

Shapes: ``x_t`` ``(N, H_in)``, ``h_t`` ``(N, H)``, ``W_ih`` ``(H, H_in)``,
``W_hh`` ``(H, H)``, biases ``(H,)``. Same parameters as ``torch.nn.RNNCell`` /
``torch.nn.RNN``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from . import checks
from .cell import RecurrentCell, both_biases
from .layer import RecurrentLayer, Weights

ACTIVATIONS = {"tanh": torch.tanh, "relu": torch.relu}


def rnn_step(x_proj: torch.Tensor, h: torch.Tensor, w_hh: torch.Tensor,
             activation) -> torch.Tensor:
    """One step, given the input part ``x_proj = x_t W_ih^T + b_ih + b_hh`` ``(N, H)``.

    Returns ``h_t = activation(x_proj + h_{t-1} W_hh^T)``, ``(N, H)``.
    """
    return activation(torch.addmm(x_proj, h, w_hh.t()))


class RNNCell(RecurrentCell):
    """One step of a simple RNN; drop-in for ``torch.nn.RNNCell``.

    ``forward(input, hx=None)``: ``input`` ``(N, H_in)`` or ``(H_in,)``, ``hx``
    ``(N, H)`` or ``(H,)`` (zeros if omitted) -> ``h'`` of the shape of ``hx``.
    """

    gates = 1

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device=None, dtype=None):
        checks.check_nonlinearity(type(self).__name__, nonlinearity)
        super().__init__(input_size, hidden_size, bias, device, dtype)
        self.nonlinearity = nonlinearity
        self.reset_parameters()

    def extra_repr(self) -> str:
        return super().extra_repr() + f", nonlinearity={self.nonlinearity!r}"

    def step(self, x_proj: torch.Tensor, state: tuple) -> tuple:
        (h,) = state
        return (rnn_step(x_proj, h, self.weight_hh, ACTIVATIONS[self.nonlinearity]),)


class RNN(RecurrentLayer):
    """Multi-layer simple (Elman) RNN unrolled in Python; drop-in for ``torch.nn.RNN``.

    Note: ``ut.RNN`` is the Elman *layer*, like ``torch.nn.RNN``; on the Keras side
    that is ``uk.SimpleRNN``, and ``uk.RNN`` is the generic unroller of a cell, like
    ``keras.layers.RNN``.

    Parameters per layer ``k`` (suffix ``_reverse`` for the backward direction):
    ``weight_ih_lk`` ``(H, H_in)`` (``(H, D * H)`` for ``k > 0``), ``weight_hh_lk``
    ``(H, H)``, ``bias_ih_lk``, ``bias_hh_lk`` ``(H,)``.
    ``forward(input, h_0=None) -> (output, h_n)``, see :class:`RecurrentLayer`.
    """

    gates = 1

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 nonlinearity: str = "tanh", bias: bool = True, batch_first: bool = False,
                 dropout: float = 0.0, bidirectional: bool = False, proj_size: int = 0,
                 device=None, dtype=None):
        checks.check_nonlinearity(type(self).__name__, nonlinearity)
        checks.check_no_proj_size(type(self).__name__, proj_size)
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, 0, device, dtype)

    def extra_repr(self) -> str:
        return super().extra_repr() + f", nonlinearity={self.nonlinearity!r}"

    def project_inputs(self, x: torch.Tensor, w: Weights) -> torch.Tensor:
        return F.linear(x, w.ih, both_biases(w.b_ih, w.b_hh))

    def step(self, x_proj_t: torch.Tensor, state: tuple, w: Weights) -> tuple:
        (h,) = state
        return (rnn_step(x_proj_t, h, w.hh, ACTIVATIONS[self.nonlinearity]),)
