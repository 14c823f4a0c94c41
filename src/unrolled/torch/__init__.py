"""Recurrent cells and layers in PyTorch, written out so they can be read.

Drop-in replacements for the built-ins (same arguments, parameter names and shapes,
outputs and state layouts), built from the per-step equations:

- cells: :class:`RNNCell`, :class:`LSTMCell` (with ``proj_size``), :class:`GRUCell`,
  :class:`PeepholeLSTMCell`;
- layers, unrolled over time in a Python loop (``layer.py``): :class:`RNN` (the
  Elman layer, like ``torch.nn.RNN``; in ``unrolled.keras`` that is ``SimpleRNN``,
  and ``uk.RNN`` is the generic unroller), :class:`LSTM` (with ``proj_size``),
  :class:`GRU`.

The cell base :class:`RecurrentCell` is in ``cell.py``, the unroller
:class:`RecurrentLayer` in ``layer.py``, as in ``unrolled.keras``; cells and layers
split a step into ``project_inputs`` (the input half, for all steps at once) and
``step`` (the recurrent half), the names ``unrolled.keras`` uses. Errors are the
types ``torch.nn`` raises (shape and dtype mistakes: :class:`InputError`, both a
``RuntimeError`` and a ``ValueError``).

Example::

    import torch, unrolled.torch as ut
    ours, ref = ut.LSTM(8, 16, num_layers=2), torch.nn.LSTM(8, 16, num_layers=2)
    ours.load_state_dict(ref.state_dict())
    x = torch.randn(5, 3, 8)                      # (seq_len, batch, input_size)
    torch.testing.assert_close(ours(x)[0], ref(x)[0])
"""

from .cell import RecurrentCell
from .checks import InputError
from .gru import GRU, GRUCell, gru_step
from .layer import RecurrentLayer, unroll
from .lstm import LSTM, LSTMCell, lstm_step
from .peephole import PeepholeLSTMCell, peephole_lstm_step
from .rnn import RNN, RNNCell, rnn_step

__all__ = [
    "RNNCell", "LSTMCell", "GRUCell", "PeepholeLSTMCell",
    "RNN", "LSTM", "GRU",
    "RecurrentCell", "RecurrentLayer", "unroll", "InputError",
    "rnn_step", "lstm_step", "gru_step", "peephole_lstm_step",
]
