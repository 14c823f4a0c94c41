"""The unroller: one recurrent layer = one cell applied at every time step.

``RecurrentLayer`` is the shared base of ``RNN``, ``LSTM`` and ``GRU``. It owns
everything that does not depend on the cell:

- the parameters, named and ordered like ``torch.nn.LSTM`` (``weight_ih_l0``,
  ``weight_hh_l0``, ``bias_ih_l0``, ``bias_hh_l0``, ``weight_hr_l0``, then
  ``..._l0_reverse``, then layer 1, ...), so ``state_dict``\\ s load both ways;
- the time loop (:func:`unroll`), the two directions, the stacking of layers and the
  dropout between them;
- the input layouts: ``(L, N, H_in)``, ``(N, L, H_in)`` with ``batch_first``,
  unbatched ``(L, H_in)`` and ``PackedSequence``.

A subclass only says what one time step computes, with two methods:

``project(x, w)``
    the input part of the gates for *all* time steps at once, one matrix product
    ``x @ W_ih^T (+ biases)``: ``(N_steps, H_in) -> (N_steps, gates * H)``;
``step(gx_t, state, w)``
    one time step given that precomputed input part: the recurrent product
    ``h_{t-1} @ W_hh^T`` and the gate equations.

Shapes (PyTorch's nn.LSTM notation): ``L`` sequence length, ``N`` batch, ``H_in``
input size, ``H`` hidden size, ``H_out`` = ``proj_size`` if > 0 else ``H``,
``D`` = 2 if bidirectional else 1.

Packed sequences and padded batches are handled by the same loop. Internally every
sequence batch is *time-major and packed*: all rows of time step 0, then all rows of
time step 1, ..., with ``batch_sizes[t]`` rows at step ``t`` (the sequences sorted by
decreasing length, so the active ones are always the first rows). A padded batch of
shape ``(L, N, H_in)`` is the special case ``batch_sizes = [N] * L``.
"""

from __future__ import annotations

import math
import warnings
from typing import NamedTuple, Optional

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import PackedSequence

from . import checks

# --------------------------------------------------------------------------- helpers shared
# by the cells and the layers


def reset_uniform(module: nn.Module, hidden_size: int) -> None:
    """PyTorch's default init for recurrent modules: every parameter ~ U(-k, k), k = 1/sqrt(H).

    Parameters are drawn in registration order, like the built-ins, so with the same
    seed our modules start from exactly the same numbers as ``torch.nn``'s.
    """
    k = 1.0 / math.sqrt(hidden_size)
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
        hx = (hx,)
        names = ("hx",)
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


# --------------------------------------------------------------------------- the time loop


class Weights(NamedTuple):
    """The parameters of one layer in one direction (``None`` where absent)."""

    ih: torch.Tensor  # (gates * H, H_in)      W_ih
    hh: torch.Tensor  # (gates * H, H_out)     W_hh
    b_ih: Optional[torch.Tensor]  # (gates * H,)
    b_hh: Optional[torch.Tensor]  # (gates * H,)
    hr: Optional[torch.Tensor]  # (H_out, H)  LSTM projection W_hr


def unroll(step, gx: torch.Tensor, state: tuple, w: Weights, batch_sizes: list[int],
           reverse: bool = False):
    """Apply ``step`` at every time step, forward or backward in time.

    Args:
        step: ``step(gx_t, state, w) -> state``; ``state[0]`` is the output ``h_t``.
        gx: ``(sum(batch_sizes), G)``, the precomputed input projections, time-major
            and packed (see the module docstring).
        state: tuple of ``(N, size)`` initial states, one row per sequence.
        batch_sizes: ``batch_sizes[t]`` = number of sequences still running at step t
            (non-increasing).
        reverse: run from each sequence's last step back to its first.

    Returns:
        ``(outputs, final)``: ``outputs`` is ``(sum(batch_sizes), H_out)`` packed like
        ``gx``; ``final`` is a tuple of ``(N, size)`` states, each sequence's state
        after its own last processed step.
    """
    gx_steps = gx.split(batch_sizes)  # gx_steps[t]: (batch_sizes[t], G); one split, cheap backward
    outputs = [None] * len(batch_sizes)

    if not reverse:
        ended = []  # states of sequences that stopped early (shortest sequences come last)
        for t, gx_t in enumerate(gx_steps):
            n = batch_sizes[t]
            if n < state[0].shape[0]:  # sequences n.. ended at t-1: keep their last state
                ended.append(tuple(s[n:] for s in state))
                state = tuple(s[:n] for s in state)
            state = step(gx_t, state, w)
            outputs[t] = state[0]
        if ended:  # reassemble the rows in order: running ones first, then the early stoppers
            state = tuple(torch.cat([s, *(e[i] for e in reversed(ended))])
                          for i, s in enumerate(state))
    else:
        initial = state
        state = tuple(s[: batch_sizes[-1]] for s in initial)
        for t in reversed(range(len(batch_sizes))):
            n, running = batch_sizes[t], state[0].shape[0]
            if n > running:  # sequences running..n-1 have their last step at t: they start here
                state = tuple(torch.cat([s, s0[running:n]]) for s, s0 in zip(state, initial))
            state = step(gx_steps[t], state, w)
            outputs[t] = state[0]

    return torch.cat(outputs), state


# --------------------------------------------------------------------------- the layer


class RecurrentLayer(nn.Module):
    """Multi-layer, optionally bidirectional recurrent layer (base of RNN, LSTM, GRU).

    Subclasses set ``gates`` (1, 4 or 3 blocks of ``H`` rows in ``W_ih``) and
    ``state_names`` (``("h_0",)`` or ``("h_0", "c_0")``) and implement
    ``project`` and ``step``.
    """

    gates = 1
    state_names: tuple[str, ...] = ("h_0",)

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device=None, dtype=None):
        super().__init__()
        name = type(self).__name__
        checks.check_sizes(name, input_size=input_size, hidden_size=hidden_size,
                           num_layers=num_layers)
        checks.check_proj_size(name, proj_size, hidden_size)
        checks.check_dropout(name, dropout)
        if dropout > 0 and num_layers == 1:
            warnings.warn(f"{name}: dropout={dropout} is applied between layers only, "
                          "so it does nothing with num_layers=1", stacklevel=3)
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size

        kw = {"device": device, "dtype": dtype}
        G, H, H_out = self.gates * hidden_size, hidden_size, proj_size or hidden_size
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else H_out * self.num_directions
            for suffix in self._suffixes(layer):
                self.register_parameter("weight_ih" + suffix, nn.Parameter(torch.empty(G, layer_input, **kw)))
                self.register_parameter("weight_hh" + suffix, nn.Parameter(torch.empty(G, H_out, **kw)))
                if bias:
                    self.register_parameter("bias_ih" + suffix, nn.Parameter(torch.empty(G, **kw)))
                    self.register_parameter("bias_hh" + suffix, nn.Parameter(torch.empty(G, **kw)))
                if proj_size > 0:
                    self.register_parameter("weight_hr" + suffix, nn.Parameter(torch.empty(proj_size, H, **kw)))
        self.reset_parameters()

    # ----------------------------------------------------------------- what subclasses define
    def project(self, x: torch.Tensor, w: Weights) -> torch.Tensor:
        """Input projections of all steps: ``(N_steps, H_in) -> (N_steps, gates * H)``."""
        raise NotImplementedError

    def step(self, gx_t: torch.Tensor, state: tuple, w: Weights) -> tuple:
        """One time step: ``gx_t`` ``(N, gates * H)`` and ``state`` -> new ``state``."""
        raise NotImplementedError

    def state_sizes(self) -> tuple[int, ...]:
        """Width of each state tensor (``h`` and, for LSTM, ``c``)."""
        return (self.hidden_size,)

    # ----------------------------------------------------------------- bookkeeping
    @property
    def num_directions(self) -> int:
        return 2 if self.bidirectional else 1

    def _suffixes(self, layer: int) -> list[str]:
        return [f"_l{layer}", f"_l{layer}_reverse"][: self.num_directions]

    def reset_parameters(self) -> None:
        reset_uniform(self, self.hidden_size)

    def weights(self, layer: int, direction: int) -> Weights:
        """The parameters of ``layer`` in ``direction`` (0 forward, 1 reverse)."""
        suffix = self._suffixes(layer)[direction]
        get = lambda n: getattr(self, n + suffix, None)  # noqa: E731
        return Weights(get("weight_ih"), get("weight_hh"), get("bias_ih"), get("bias_hh"),
                       get("weight_hr"))

    @property
    def all_weights(self) -> list[list[nn.Parameter]]:
        return [[p for p in self.weights(layer, d) if p is not None]
                for layer in range(self.num_layers) for d in range(self.num_directions)]

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if not self.bias:
            s += ", bias=False"
        if self.batch_first:
            s += ", batch_first=True"
        if self.dropout:
            s += f", dropout={self.dropout}"
        if self.bidirectional:
            s += ", bidirectional=True"
        return s

    def _initial_state(self, hx, batch: int, unbatched: bool, sorted_indices, like: torch.Tensor):
        """``hx`` -> tuple of ``(num_layers * D, N, size)`` tensors, rows in packed order."""
        name = type(self).__name__
        LD = self.num_layers * self.num_directions
        if hx is None:
            return tuple(like.new_zeros(LD, batch, size) for size in self.state_sizes())
        if len(self.state_names) == 1:
            hx = (hx,)
        else:
            checks.check_state_pair(name, hx)
        states = []
        for what, s, size in zip(self.state_names, hx, self.state_sizes()):
            if unbatched:
                checks.check_state(name, what, s, (LD, size),
                                   "(num_layers * num_directions, size) for unbatched input")
                s = s.unsqueeze(1)
            else:
                checks.check_state(name, what, s, (LD, batch, size),
                                   "(num_layers * num_directions, batch, size)")
            if sorted_indices is not None:  # PackedSequence: rows sorted by decreasing length
                s = s.index_select(1, sorted_indices)
            states.append(s)
        return tuple(states)

    # ----------------------------------------------------------------- forward
    def forward(self, input, hx=None):
        """Run the layer over whole sequences.

        Args:
            input: ``(L, N, H_in)``, ``(N, L, H_in)`` if ``batch_first``, unbatched
                ``(L, H_in)``, or a ``PackedSequence``.
            hx: initial state, zeros if omitted: ``h_0`` ``(D * num_layers, N, H_out)``
                (``(D * num_layers, H_out)`` unbatched); for LSTM the pair
                ``(h_0, c_0)`` with ``c_0`` ``(D * num_layers, N, H)``.

        Returns:
            ``(output, h_n)`` or, for LSTM, ``(output, (h_n, c_n))``. ``output`` has the
            layout of ``input`` with ``D * H_out`` features (the forward and reverse
            outputs side by side); ``h_n`` / ``c_n`` have the layout of ``h_0`` / ``c_0``
            and hold each sequence's state after its own last step (for the reverse
            direction, after the first step).
        """
        name = type(self).__name__
        packed = isinstance(input, PackedSequence)
        if packed:
            data, batch_sizes, sorted_indices, unsorted_indices = input
            checks.check_input(name, data, self.input_size,
                               {2: "(total steps, input_size) in a PackedSequence"})
            steps = batch_sizes.tolist()
            batch, unbatched = steps[0], False
        else:
            layout = "(batch, seq_len, input_size)" if self.batch_first else "(seq_len, batch, input_size)"
            checks.check_input(name, input, self.input_size,
                               {2: "(seq_len, input_size) (unbatched)", 3: layout})
            unbatched = input.dim() == 2
            x = input.unsqueeze(1) if unbatched else input
            if self.batch_first and not unbatched:
                x = x.transpose(0, 1)
            seq_len, batch = x.shape[0], x.shape[1]
            data = x.reshape(seq_len * batch, self.input_size)  # time-major, all sequences full length
            steps = [batch] * seq_len
            sorted_indices = unsorted_indices = None

        initial = self._initial_state(hx, batch, unbatched, sorted_indices, data)
        finals = []  # one state tuple per (layer, direction), in h_n order
        layer_input = data
        for layer in range(self.num_layers):
            if layer > 0 and self.dropout > 0 and self.training:
                layer_input = F.dropout(layer_input, self.dropout, training=True)
            outputs = []
            for direction in range(self.num_directions):
                k = layer * self.num_directions + direction
                w = self.weights(layer, direction)
                gx = self.project(layer_input, w)  # all time steps in one matrix product
                out, final = unroll(self.step, gx, tuple(s[k] for s in initial), w, steps,
                                    reverse=direction == 1)
                outputs.append(out)
                finals.append(final)
            layer_input = torch.cat(outputs, dim=1) if len(outputs) > 1 else outputs[0]

        # (L*D, N, size) per state; back to the caller's batch order
        final_states = [torch.stack([f[i] for f in finals]) for i in range(len(self.state_names))]
        if packed:
            if unsorted_indices is not None:
                final_states = [s.index_select(1, unsorted_indices) for s in final_states]
            output = PackedSequence(layer_input, batch_sizes, sorted_indices, unsorted_indices)
        else:
            output = layer_input.view(len(steps), batch, -1)
            if unbatched:
                output = output.squeeze(1)
                final_states = [s.squeeze(1) for s in final_states]
            elif self.batch_first:
                output = output.transpose(0, 1)
        if len(final_states) == 1:
            return output, final_states[0]
        return output, tuple(final_states)
