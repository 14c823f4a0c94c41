r"""The LSTM with peephole connections (Gers, Schraudolph & Schmidhuber, 2002).

The gates also look at the cell state through diagonal ("peephole") weights
``w_ci``, ``w_cf``, ``w_co`` of shape ``(H,)``: the input and forget gates see the
previous cell ``c_{t-1}``, the output gate sees the new cell ``c_t``:

.. math::

    i_t &= \sigma(x_t W_{ii}^\top + b_{ii} + h_{t-1} W_{hi}^\top + b_{hi} + w_{ci} \odot c_{t-1}) \\
    f_t &= \sigma(x_t W_{if}^\top + b_{if} + h_{t-1} W_{hf}^\top + b_{hf} + w_{cf} \odot c_{t-1}) \\
    g_t &= \tanh(x_t W_{ig}^\top + b_{ig} + h_{t-1} W_{hg}^\top + b_{hg}) \\
    c_t &= f_t \odot c_{t-1} + i_t \odot g_t \\
    o_t &= \sigma(x_t W_{io}^\top + b_{io} + h_{t-1} W_{ho}^\top + b_{ho} + w_{co} \odot c_t) \\
    h_t &= o_t \odot \tanh(c_t)

Everything else is laid out as in :class:`~unrolled.torch.LSTMCell` (gate order
i, f, g, o; ``W_ih`` ``(4H, H_in)``, ``W_hh`` ``(4H, H)``, biases ``(4H,)``), so a
``torch.nn.LSTMCell`` state dict loads with ``strict=False`` and, with zero peephole
weights, gives exactly the LSTM.
"""

from __future__ import annotations

import torch
from torch import nn

from .lstm import LSTMCell


def peephole_lstm_step(x_proj: torch.Tensor, h: torch.Tensor, c: torch.Tensor,
                       w_hh: torch.Tensor, w_ci: torch.Tensor, w_cf: torch.Tensor,
                       w_co: torch.Tensor):
    """One peephole-LSTM step, given ``x_proj = x_t W_ih^T + b_ih + b_hh`` ``(N, 4H)``.

    ``h``, ``c`` ``(N, H)``; ``w_hh`` ``(4H, H)``; ``w_ci``, ``w_cf``, ``w_co`` ``(H,)``
    (broadcast over the batch). Returns ``(h_t, c_t)``, each ``(N, H)``.
    """
    gates = torch.addmm(x_proj, h, w_hh.t())  # (N, 4H)
    i, f, g, o = gates.chunk(4, dim=1)
    i = torch.sigmoid(i + w_ci * c)  # peeks at c_{t-1}
    f = torch.sigmoid(f + w_cf * c)  # peeks at c_{t-1}
    g = torch.tanh(g)
    c = f * c + i * g
    o = torch.sigmoid(o + w_co * c)  # peeks at the new c_t
    h = o * torch.tanh(c)
    return h, c


class PeepholeLSTMCell(LSTMCell):
    """One step of the peephole LSTM.

    Arguments and call signature of ``torch.nn.LSTMCell``:
    ``PeepholeLSTMCell(input_size, hidden_size, bias=True, device=None, dtype=None)``;
    ``forward(input, hx=None) -> (h', c')`` with ``input`` ``(N, H_in)`` or ``(H_in,)``
    and ``hx = (h, c)``, each ``(N, H)`` or ``(H,)``.

    Parameters: those of ``LSTMCell`` plus ``weight_ci``, ``weight_cf``, ``weight_co``
    ``(H,)``, initialised like the others, ``U(-1/sqrt(H), 1/sqrt(H))``.
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, device, dtype)
        kw = {"device": device, "dtype": dtype}
        self.weight_ci = nn.Parameter(torch.empty(hidden_size, **kw))
        self.weight_cf = nn.Parameter(torch.empty(hidden_size, **kw))
        self.weight_co = nn.Parameter(torch.empty(hidden_size, **kw))
        self.reset_parameters()

    def step(self, x_proj: torch.Tensor, state: tuple) -> tuple:
        h, c = state
        return peephole_lstm_step(x_proj, h, c, self.weight_hh,
                                  self.weight_ci, self.weight_cf, self.weight_co)
