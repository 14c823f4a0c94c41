"""The unroller: one recurrent layer = one cell applied at every time step.

The loop a reader should see first (one layer, one direction, a padded batch of
``N`` sequences of ``L`` steps; ``forward`` runs it for each layer and direction)::

    x_proj = layer.project_inputs(x, w)          # (L * N, gates * H): all steps at once
    for t in range(L):
        state = layer.step(x_proj[t], state, w)  # state[0] is h_t, (N, H_out)
        outputs.append(state[0])

``RecurrentLayer`` is the shared base of ``RNN``, ``LSTM`` and ``GRU`` (the cell base,
``RecurrentCell``, is in ``cell.py``, as in ``unrolled.keras``). It owns everything
that does not depend on the cell:

- the parameters, named and ordered like ``torch.nn.LSTM`` (``weight_ih_l0``,
  ``weight_hh_l0``, ``bias_ih_l0``, ``bias_hh_l0``, ``weight_hr_l0``, then
  ``..._l0_reverse``, then layer 1, ...), so ``state_dict``\\ s load both ways;
- the time loop (:func:`unroll`), the two directions, the stacking of layers and the
  dropout between them;
- the input layouts: ``(L, N, H_in)``, ``(N, L, H_in)`` with ``batch_first``,
  unbatched ``(L, H_in)`` and ``PackedSequence`` (:meth:`RecurrentLayer.to_time_major`
  and :meth:`RecurrentLayer.restore_layout`).

A subclass only says what one time step computes, with the two methods the cells
have too (same names in ``unrolled.keras``):

``project_inputs(x, w)``
    the input part of the gates for *all* time steps at once, one matrix product
    ``x @ W_ih^T (+ biases)``: ``(N_steps, H_in) -> (N_steps, gates * H)``
    (chapter 10, book/ch10_speed.md, "precomputed input projection");
``step(x_proj_t, state, w)``
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

import warnings
from typing import NamedTuple, Optional

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import PackedSequence

from . import checks
from .cell import reset_uniform

# --------------------------------------------------------------------------- the time loop


class Batch(NamedTuple):
    """A batch of sequences, time-major and packed (see the module docstring)."""

    data: torch.Tensor  # (sum(steps), H_in)
    steps: list[int]  # steps[t] = number of sequences still running at step t
    size: int  # N, the number of sequences
    unbatched: bool  # the input was (L, H_in)
    packed: Optional[PackedSequence]  # the input, when it was a PackedSequence


class Weights(NamedTuple):
    """The parameters of one layer in one direction (``None`` where absent)."""

    ih: torch.Tensor  # (gates * H, H_in)      W_ih
    hh: torch.Tensor  # (gates * H, H_out)     W_hh
    b_ih: Optional[torch.Tensor]  # (gates * H,)
    b_hh: Optional[torch.Tensor]  # (gates * H,)
    hr: Optional[torch.Tensor]  # (H_out, H)  LSTM projection W_hr


def unroll(step, x_proj: torch.Tensor, state: tuple, w: Weights, batch_sizes: list[int],
           reverse: bool = False):
    """Apply ``step`` at every time step, forward or backward in time.

    Args:
        step: ``step(x_proj_t, state, w) -> state``; ``state[0]`` is the output ``h_t``.
        x_proj: ``(sum(batch_sizes), G)``, the precomputed input projections, time-major
            and packed (see the module docstring).
        state: tuple of ``(N, size)`` initial states, one row per sequence.
        batch_sizes: ``batch_sizes[t]`` = number of sequences still running at step t
            (non-increasing).
        reverse: run from each sequence's last step back to its first.

    Returns:
        ``(outputs, final)``: ``outputs`` is ``(sum(batch_sizes), H_out)`` packed like
        ``x_proj``; ``final`` is a tuple of ``(N, size)`` states, each sequence's state
        after its own last processed step.
    """
    x_proj_steps = x_proj.split(batch_sizes)  # [t]: (batch_sizes[t], G); one split, cheap backward
    outputs = [None] * len(batch_sizes)

    if not reverse:
        ended = []  # states of sequences that stopped early (shortest sequences come last)
        for t, x_proj_t in enumerate(x_proj_steps):
            n = batch_sizes[t]
            if n < state[0].shape[0]:  # sequences n.. ended at t-1: keep their last state
                ended.append(tuple(s[n:] for s in state))
                state = tuple(s[:n] for s in state)
            state = step(x_proj_t, state, w)
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
            state = step(x_proj_steps[t], state, w)
            outputs[t] = state[0]

    return torch.cat(outputs), state


# --------------------------------------------------------------------------- the layer


class RecurrentLayer(nn.Module):
    """Multi-layer, optionally bidirectional recurrent layer (base of RNN, LSTM, GRU).

    Subclasses set ``gates`` (1, 4 or 3 blocks of ``H`` rows in ``W_ih``) and
    ``state_names`` (``("h_0",)`` or ``("h_0", "c_0")``) and implement
    ``project_inputs`` and ``step``.
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
        checks.check_flags(name, bias=bias, batch_first=batch_first)
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
    def project_inputs(self, x: torch.Tensor, w: Weights) -> torch.Tensor:
        """Input projections of all steps: ``(N_steps, H_in) -> (N_steps, gates * H)``."""
        raise NotImplementedError

    def step(self, x_proj_t: torch.Tensor, state: tuple, w: Weights) -> tuple:
        """One time step: ``x_proj_t`` ``(N, gates * H)`` and ``state`` -> new ``state``."""
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

    def flatten_parameters(self) -> None:
        """A no-op, for drop-in compatibility: ``torch.nn``'s layers copy their weights
        into one contiguous cuDNN buffer here; ours never call cuDNN."""

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

    def initial_state(self, hx, batch: Batch):
        """``hx`` -> tuple of ``(num_layers * D, N, size)`` tensors, rows in packed order."""
        name, unbatched = type(self).__name__, batch.unbatched
        sorted_indices = None if batch.packed is None else batch.packed.sorted_indices
        like = batch.data
        LD = self.num_layers * self.num_directions
        if hx is None:
            return tuple(like.new_zeros(LD, batch.size, size) for size in self.state_sizes())
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
                checks.check_state(name, what, s, (LD, batch.size, size),
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
        batch = self.to_time_major(input)
        output, final_states = self.run_layers(batch, self.initial_state(hx, batch))
        return self.restore_layout(output, final_states, batch)

    def run_layers(self, batch: Batch, initial: tuple):
        """All layers and directions over the packed data.

        Returns ``(output, final_states)``: the last layer's output ``(sum(steps),
        D * H_out)`` and one ``(L*D, N, size)`` tensor per state, rows in packed order.
        """
        finals = []  # one state tuple per (layer, direction), in h_n order
        layer_input = batch.data
        for layer in range(self.num_layers):
            if layer > 0 and self.dropout > 0 and self.training:
                layer_input = F.dropout(layer_input, self.dropout, training=True)
            outputs = []
            for direction in range(self.num_directions):
                k = layer * self.num_directions + direction
                w = self.weights(layer, direction)
                x_proj = self.project_inputs(layer_input, w)  # all time steps in one product
                out, final = unroll(self.step, x_proj, tuple(s[k] for s in initial), w,
                                    batch.steps, reverse=direction == 1)
                outputs.append(out)
                finals.append(final)
            layer_input = torch.cat(outputs, dim=1) if len(outputs) > 1 else outputs[0]
        final_states = [torch.stack([f[i] for f in finals]) for i in range(len(self.state_names))]
        return layer_input, final_states

    # ----------------------------------------------------------------- input and output layouts
    def to_time_major(self, input) -> Batch:
        """Check ``input`` and bring it to the time-major packed layout of :class:`Batch`."""
        name = type(self).__name__
        if isinstance(input, PackedSequence):
            checks.check_input(name, input.data, self.input_size,
                               {2: "(total steps, input_size) in a PackedSequence"},
                               like=self.weight_ih_l0)
            steps = input.batch_sizes.tolist()
            return Batch(input.data, steps, steps[0], False, input)
        layout = ("(batch, seq_len, input_size)" if self.batch_first
                  else "(seq_len, batch, input_size)")
        checks.check_input(name, input, self.input_size,
                           {2: "(seq_len, input_size) (unbatched)", 3: layout},
                           like=self.weight_ih_l0)
        unbatched = input.dim() == 2
        x = input.unsqueeze(1) if unbatched else input
        if self.batch_first and not unbatched:
            x = x.transpose(0, 1)
        seq_len, size = x.shape[0], x.shape[1]
        checks.check_length(name, seq_len)
        data = x.reshape(seq_len * size, self.input_size)  # time-major, all full length
        return Batch(data, [size] * seq_len, size, unbatched, None)

    def restore_layout(self, output: torch.Tensor, final_states: list, batch: Batch):
        """The packed ``output`` and states back in the caller's layout and batch order."""
        if batch.packed is not None:
            p = batch.packed
            if p.unsorted_indices is not None:
                final_states = [s.index_select(1, p.unsorted_indices) for s in final_states]
            output = PackedSequence(output, p.batch_sizes, p.sorted_indices, p.unsorted_indices)
        else:
            output = output.view(len(batch.steps), batch.size, output.shape[-1])
            if batch.unbatched:
                output = output.squeeze(1)
                final_states = [s.squeeze(1) for s in final_states]
            elif self.batch_first:
                output = output.transpose(0, 1)
        if len(final_states) == 1:
            return output, final_states[0]
        return output, tuple(final_states)
