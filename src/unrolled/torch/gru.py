r"""The GRU cell and layer (PyTorch's variant: the reset gate acts after ``W_hn``).

Gates (PyTorch's order in the weights: reset ``r``, update ``z``, new ``n``):

.. math::

    r_t &= \sigma(x_t W_{ir}^\top + b_{ir} + h_{t-1} W_{hr}^\top + b_{hr}) \\
    z_t &= \sigma(x_t W_{iz}^\top + b_{iz} + h_{t-1} W_{hz}^\top + b_{hz}) \\
    n_t &= \tanh(x_t W_{in}^\top + b_{in} + r_t \odot (h_{t-1} W_{hn}^\top + b_{hn})) \\
    h_t &= (1 - z_t) \odot n_t + z_t \odot h_{t-1}

Stacked row-wise: ``W_ih = [W_ir; W_iz; W_in]`` ``(3H, H_in)``, ``W_hh`` ``(3H, H)``,
``b_ih``, ``b_hh`` ``(3H,)``. Because ``r_t`` multiplies ``h W_hn^T + b_hn``, the
recurrent bias cannot be folded into the input projection as in the LSTM.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from . import checks
from .cell import RecurrentCell
from .layer import RecurrentLayer, Weights


def gru_step(x_proj: torch.Tensor, h: torch.Tensor, w_hh: torch.Tensor,
             b_hh: torch.Tensor | None) -> torch.Tensor:
    """One GRU step, given the input part ``x_proj = x_t W_ih^T + b_ih`` ``(N, 3H)``.

    ``h`` ``(N, H)``, ``w_hh`` ``(3H, H)``, ``b_hh`` ``(3H,)`` or ``None``.
    Returns ``h_t`` ``(N, H)``.
    """
    gh = F.linear(h, w_hh, b_hh)  # recurrent part of all three gates in one product: (N, 3H)
    x_r, x_z, x_n = x_proj.chunk(3, dim=1)
    h_r, h_z, h_n = gh.chunk(3, dim=1)
    r = torch.sigmoid(x_r + h_r)  # reset gate
    z = torch.sigmoid(x_z + h_z)  # update gate
    n = torch.tanh(x_n + r * h_n)  # candidate state
    return n + z * (h - n)  # = (1 - z) * n + z * h, one operation fewer


class GRUCell(RecurrentCell):
    """One GRU step; drop-in for ``torch.nn.GRUCell``.

    ``forward(input, hx=None)``: ``input`` ``(N, H_in)`` or ``(H_in,)``, ``hx``
    ``(N, H)`` or ``(H,)`` (zeros if omitted) -> ``h'`` of the shape of ``hx``.
    """

    gates = 3

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, device, dtype)
        self.reset_parameters()

    def project_inputs(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.weight_ih, self.bias_ih)  # b_hh stays in the step

    def step(self, x_proj: torch.Tensor, state: tuple) -> tuple:
        (h,) = state
        return (gru_step(x_proj, h, self.weight_hh, self.bias_hh),)


class GRU(RecurrentLayer):
    """Multi-layer GRU unrolled in Python; drop-in for ``torch.nn.GRU``.

    Parameters per layer ``k`` (suffix ``_reverse`` for the backward direction):
    ``weight_ih_lk`` ``(3H, H_in)`` (``(3H, D * H)`` for ``k > 0``), ``weight_hh_lk``
    ``(3H, H)``, ``bias_ih_lk``, ``bias_hh_lk`` ``(3H,)``.
    ``forward(input, h_0=None) -> (output, h_n)``, see :class:`RecurrentLayer`.
    """

    gates = 3

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device=None, dtype=None):
        checks.check_no_proj_size(type(self).__name__, proj_size)
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, 0, device, dtype)

    def project_inputs(self, x: torch.Tensor, w: Weights) -> torch.Tensor:
        return F.linear(x, w.ih, w.b_ih)  # b_hh stays in the step (see the module docstring)

    def step(self, x_proj_t: torch.Tensor, state: tuple, w: Weights) -> tuple:
        (h,) = state
        return (gru_step(x_proj_t, h, w.hh, w.b_hh),)
