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
from .layer import RecurrentLayer, Weights, both_biases, cell_state, reset_uniform

ACTIVATIONS = {"tanh": torch.tanh, "relu": torch.relu}


def rnn_step(gx: torch.Tensor, h: torch.Tensor, w_hh: torch.Tensor, activation) -> torch.Tensor:
    """One step, given the input part ``gx = x_t W_ih^T + b_ih + b_hh`` ``(N, H)``.

    Returns ``h_t = activation(gx + h_{t-1} W_hh^T)``, ``(N, H)``.
    """
    return activation(torch.addmm(gx, h, w_hh.t()))


class RNNCell(nn.Module):
    """One step of a simple RNN; drop-in for ``torch.nn.RNNCell``.

    ``forward(input, hx=None)``: ``input`` ``(N, H_in)`` or ``(H_in,)``, ``hx``
    ``(N, H)`` or ``(H,)`` (zeros if omitted) -> ``h'`` of the shape of ``hx``.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device=None, dtype=None):
        super().__init__()
        checks.check_sizes("RNNCell", input_size=input_size, hidden_size=hidden_size)
        checks.check_nonlinearity("RNNCell", nonlinearity)
        kw = {"device": device, "dtype": dtype}
        self.input_size, self.hidden_size = input_size, hidden_size
        self.bias, self.nonlinearity = bias, nonlinearity
        self.weight_ih = nn.Parameter(torch.empty(hidden_size, input_size, **kw))
        self.weight_hh = nn.Parameter(torch.empty(hidden_size, hidden_size, **kw))
        if bias:
            self.bias_ih = nn.Parameter(torch.empty(hidden_size, **kw))
            self.bias_hh = nn.Parameter(torch.empty(hidden_size, **kw))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        reset_uniform(self, self.hidden_size)

    def extra_repr(self) -> str:
        return (f"{self.input_size}, {self.hidden_size}, bias={self.bias}, "
                f"nonlinearity={self.nonlinearity!r}")

    def forward(self, input: torch.Tensor, hx: torch.Tensor | None = None) -> torch.Tensor:
        checks.check_input("RNNCell", input, self.input_size,
                           {1: "(input_size,)", 2: "(batch, input_size)"})
        batched = input.dim() == 2
        x = input if batched else input.unsqueeze(0)
        (h,) = cell_state("RNNCell", hx, x, (self.hidden_size,), batched)
        gx = F.linear(x, self.weight_ih, both_biases(self.bias_ih, self.bias_hh))
        h = rnn_step(gx, h, self.weight_hh, ACTIVATIONS[self.nonlinearity])
        return h if batched else h.squeeze(0)


class RNN(RecurrentLayer):
    """Multi-layer simple RNN unrolled in Python; drop-in for ``torch.nn.RNN``.

    Parameters per layer ``k`` (suffix ``_reverse`` for the backward direction):
    ``weight_ih_lk`` ``(H, H_in)`` (``(H, D * H)`` for ``k > 0``), ``weight_hh_lk``
    ``(H, H)``, ``bias_ih_lk``, ``bias_hh_lk`` ``(H,)``.
    ``forward(input, h_0=None) -> (output, h_n)``, see :class:`RecurrentLayer`.
    """

    gates = 1

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 nonlinearity: str = "tanh", bias: bool = True, batch_first: bool = False,
                 dropout: float = 0.0, bidirectional: bool = False, device=None, dtype=None):
        checks.check_nonlinearity("RNN", nonlinearity)
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, 0, device, dtype)

    def extra_repr(self) -> str:
        return super().extra_repr() + f", nonlinearity={self.nonlinearity!r}"

    def project(self, x: torch.Tensor, w: Weights) -> torch.Tensor:
        return F.linear(x, w.ih, both_biases(w.b_ih, w.b_hh))

    def step(self, gx_t: torch.Tensor, state: tuple, w: Weights) -> tuple:
        (h,) = state
        return (rnn_step(gx_t, h, w.hh, ACTIVATIONS[self.nonlinearity]),)
