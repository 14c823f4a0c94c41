"""The cell base: what every PyTorch cell of this package shares.

:class:`RecurrentCell` is the base of ``RNNCell``, ``LSTMCell``, ``GRUCell`` and
``PeepholeLSTMCell``. It holds the parameters of ``torch.nn``'s cells
(``weight_ih`` ``(gates * H, H_in)``, ``weight_hh`` ``(gates * H, H)``, ``bias_ih``,
``bias_hh`` ``(gates * H,)``), their initialisation, and the checks and reshaping of
the input and the state. A cell splits one time step in two halves, with the same
names as in ``unrolled.keras``:

- ``project_inputs(x)``: the part that depends on the input only,
  ``x W_ih^T (+ biases)`` ``(N, gates * H)``; a layer computes it for *all* time
  steps in one matrix product (chapter 10, book/ch10_speed.md, "precomputed input
  projection");
- ``step(x_proj, state)``: the part that needs the previous state, the recurrent
  product ``h_{t-1} W_hh^T`` and the gate equations.

``forward(input, hx)`` runs both halves, exactly like a ``torch.nn`` cell. The
unroller that runs a step over time is :class:`~unrolled.torch.layer.RecurrentLayer`
(``layer.py``).
"""

from __future__ import annotations

import math
from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn

from . import checks


def reset_uniform(module: nn.Module, hidden_size: int) -> None:
    """PyTorch's default init for recurrent modules: every parameter ~ U(-k, k), k = 1/sqrt(H).

    Parameters are drawn in registration order, like the built-ins, so with the same
    seed our modules start from exactly the same numbers as ``torch.nn``'s.
    """
    k = 1.0 / math.sqrt(hidden_size) if hidden_size > 0 else 0.0
    for p in module.parameters():
        nn.init.uniform_(p, -k, k)


def both_biases(b_ih: Optional[torch.Tensor], b_hh: Optional[torch.Tensor]):
    """``b_ih + b_hh``, or ``None`` without biases.

    For RNN and LSTM the two biases are only ever added together, so they can be
    folded into the input projection computed once for the whole sequence.
    """
    return None if b_ih is None else b_ih + b_hh


def cell_state(name: str, hx, x: torch.Tensor, sizes: tuple[int, ...], batched: bool):
    """The state of a cell as a tuple of ``(N, size)`` tensors (zeros when ``hx`` is None).

    ``sizes`` are the widths of the state tensors: ``(H,)`` for RNN/GRU, ``(H_out, H)``
    for LSTM, whose ``hx`` is a pair ``(h, c)``. Unbatched states ``(size,)`` get a batch
    dimension of 1.
    """
    batch = x.shape[0]
    if hx is None:
        return tuple(x.new_zeros(batch, size) for size in sizes)
    if len(sizes) == 1:
        hx, names = (hx,), ("hx",)
    else:
        checks.check_state_pair(name, hx)
        names = ("hx[0] (h)", "hx[1] (c)")
    states = []
    for what, s, size in zip(names, hx, sizes):
        if batched:
            checks.check_state(name, what, s, (batch, size), "(batch, size)")
            states.append(s)
        else:
            checks.check_state(name, what, s, (size,), "(size,) for unbatched input")
            states.append(s.unsqueeze(0))
    return tuple(states)


class RecurrentCell(nn.Module):
    """Base of the cells: parameters, init, input/state checks, ``forward``.

    Subclasses set ``gates`` (1, 4 or 3 blocks of ``H`` rows in ``W_ih``) and
    implement ``step``; they may override ``project_inputs`` and ``state_sizes``.
    Sizes may be 0, as in ``torch.nn``'s cells.
    """

    gates = 1

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 device=None, dtype=None, h_size: int | None = None):
        super().__init__()
        checks.check_sizes(type(self).__name__, minimum=0, input_size=input_size,
                           hidden_size=hidden_size)
        kw = {"device": device, "dtype": dtype}
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        G = self.gates * hidden_size
        self.weight_ih = nn.Parameter(torch.empty(G, input_size, **kw))
        self.weight_hh = nn.Parameter(torch.empty(G, hidden_size if h_size is None else h_size, **kw))
        if bias:
            self.bias_ih = nn.Parameter(torch.empty(G, **kw))
            self.bias_hh = nn.Parameter(torch.empty(G, **kw))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)

    def reset_parameters(self) -> None:
        reset_uniform(self, self.hidden_size)

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}, bias={self.bias}"

    def state_sizes(self) -> tuple[int, ...]:
        """Width of each state tensor (``h`` and, for LSTM, ``c``)."""
        return (self.hidden_size,)

    # -- the two halves of a step ------------------------------------------------------
    def project_inputs(self, x: torch.Tensor) -> torch.Tensor:
        """Input half: ``x W_ih^T + b_ih + b_hh``, ``(N, H_in) -> (N, gates * H)``."""
        return F.linear(x, self.weight_ih, both_biases(self.bias_ih, self.bias_hh))

    def step(self, x_proj: torch.Tensor, state: tuple) -> tuple:
        """Recurrent half: ``x_proj`` ``(N, gates * H)`` and ``state`` -> new ``state``."""
        raise NotImplementedError

    def forward(self, input: torch.Tensor, hx=None):
        """``input`` ``(N, H_in)`` or ``(H_in,)``; ``hx`` the state (zeros if omitted).

        Returns the new state, ``h'`` (or ``(h', c')`` for LSTM cells), batched like
        ``input``.
        """
        name = type(self).__name__
        checks.check_input(name, input, self.input_size,
                           {1: "(input_size,)", 2: "(batch, input_size)"}, like=self.weight_ih)
        batched = input.dim() == 2
        x = input if batched else input.unsqueeze(0)
        state = cell_state(name, hx, x, self.state_sizes(), batched)
        state = self.step(self.project_inputs(x), state)
        if not batched:
            state = tuple(s.squeeze(0) for s in state)
        return state[0] if len(state) == 1 else state
