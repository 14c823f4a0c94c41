r"""The LSTM cell and layer, with optional projection of the hidden state.

Gates (PyTorch's order in the weights: input ``i``, forget ``f``, cell ``g``,
output ``o``):

.. math::

    i_t &= \sigma(x_t W_{ii}^\top + b_{ii} + h_{t-1} W_{hi}^\top + b_{hi}) \\
    f_t &= \sigma(x_t W_{if}^\top + b_{if} + h_{t-1} W_{hf}^\top + b_{hf}) \\
    g_t &= \tanh(x_t W_{ig}^\top + b_{ig} + h_{t-1} W_{hg}^\top + b_{hg}) \\
    o_t &= \sigma(x_t W_{io}^\top + b_{io} + h_{t-1} W_{ho}^\top + b_{ho}) \\
    c_t &= f_t \odot c_{t-1} + i_t \odot g_t \\
    h_t &= o_t \odot \tanh(c_t) \qquad
          \text{(with projection: } h_t = (o_t \odot \tanh(c_t)) W_{hr}^\top)

The four gate blocks are stacked row-wise: ``W_ih = [W_ii; W_if; W_ig; W_io]``
``(4H, H_in)``, ``W_hh`` ``(4H, H_out)``, ``b_ih``, ``b_hh`` ``(4H,)``, and with
``proj_size = P > 0`` also ``W_hr`` ``(P, H)``; ``H_out = P`` if ``P > 0`` else ``H``.
States: ``h`` ``(N, H_out)``, ``c`` ``(N, H)``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from . import checks
from .cell import RecurrentCell, both_biases
from .layer import RecurrentLayer, Weights


def lstm_step(x_proj: torch.Tensor, h: torch.Tensor, c: torch.Tensor, w_hh: torch.Tensor,
              w_hr: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """One LSTM step, given the input part of the gates.

    The input part ``x_proj`` is an argument, not computed here, because it does not
    depend on the state: a layer computes it for all time steps in one matrix product
    before the loop. Chapter 10 (book/ch10_speed.md, "precomputed input projection")
    explains and measures why that is faster.

    Args:
        x_proj: ``x_t W_ih^T + b_ih + b_hh``, ``(N, 4H)``.
        h, c: ``(N, H_out)``, ``(N, H)``.
        w_hh: ``(4H, H_out)``; w_hr: ``(P, H)`` or ``None``.

    Returns:
        ``(h_t, c_t)``, ``(N, H_out)`` and ``(N, H)``.
    """
    gates = torch.addmm(x_proj, h, w_hh.t())  # all four gates in one product: (N, 4H)
    i, f, g, o = gates.chunk(4, dim=1)  # each (N, H)
    i = torch.sigmoid(i)  # input gate: how much of the candidate to write
    f = torch.sigmoid(f)  # forget gate: how much of the old cell to keep
    g = torch.tanh(g)  # candidate cell values
    o = torch.sigmoid(o)  # output gate: how much of the cell to show
    c = f * c + i * g
    h = o * torch.tanh(c)
    if w_hr is not None:
        h = h.mm(w_hr.t())  # projection (N, H) -> (N, P)
    return h, c


class LSTMCell(RecurrentCell):
    """One LSTM step; drop-in for ``torch.nn.LSTMCell``, plus optional ``proj_size``.

    ``forward(input, hx=None)``: ``input`` ``(N, H_in)`` or ``(H_in,)``, ``hx = (h, c)``
    with ``h`` ``(N, H_out)``, ``c`` ``(N, H)`` (no ``N`` when unbatched; zeros if
    omitted) -> ``(h', c')``.
    """

    gates = 4

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 device=None, dtype=None, *, proj_size: int = 0):
        # Positional arguments as in torch.nn.LSTMCell; proj_size is ours, keyword-only.
        checks.check_sizes(type(self).__name__, minimum=0, hidden_size=hidden_size)
        checks.check_proj_size(type(self).__name__, proj_size, max(hidden_size, 1))
        super().__init__(input_size, hidden_size, bias, device, dtype,
                         h_size=proj_size or hidden_size)
        self.proj_size = proj_size
        if proj_size > 0:
            self.weight_hr = nn.Parameter(torch.empty(proj_size, hidden_size,
                                                      device=device, dtype=dtype))
        else:
            self.register_parameter("weight_hr", None)
        self.reset_parameters()

    def extra_repr(self) -> str:
        return super().extra_repr() + (f", proj_size={self.proj_size}" if self.proj_size else "")

    def state_sizes(self) -> tuple[int, int]:
        return (self.proj_size or self.hidden_size, self.hidden_size)

    def step(self, x_proj: torch.Tensor, state: tuple) -> tuple:
        h, c = state
        return lstm_step(x_proj, h, c, self.weight_hh, self.weight_hr)


class LSTM(RecurrentLayer):
    """Multi-layer LSTM unrolled in Python; drop-in for ``torch.nn.LSTM``.

    Parameters per layer ``k`` (suffix ``_reverse`` for the backward direction):
    ``weight_ih_lk`` ``(4H, H_in)`` (``(4H, D * H_out)`` for ``k > 0``),
    ``weight_hh_lk`` ``(4H, H_out)``, ``bias_ih_lk``, ``bias_hh_lk`` ``(4H,)``,
    and ``weight_hr_lk`` ``(P, H)`` when ``proj_size = P > 0``.
    ``forward(input, (h_0, c_0)=None) -> (output, (h_n, c_n))`` with ``h`` of
    size ``H_out`` and ``c`` of size ``H``; see :class:`RecurrentLayer`.
    """

    gates = 4
    state_names = ("h_0", "c_0")

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device=None, dtype=None):
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, proj_size, device, dtype)

    def state_sizes(self) -> tuple[int, int]:
        return (self.proj_size or self.hidden_size, self.hidden_size)

    def project_inputs(self, x: torch.Tensor, w: Weights) -> torch.Tensor:
        return F.linear(x, w.ih, both_biases(w.b_ih, w.b_hh))

    def step(self, x_proj_t: torch.Tensor, state: tuple, w: Weights) -> tuple:
        h, c = state
        return lstm_step(x_proj_t, h, c, w.hh, w.hr)
