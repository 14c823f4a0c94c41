"""Recurrent cells and layers written with ``keras.ops`` only (any Keras 3 backend).

Cells (usable inside ``keras.layers.RNN``; weights named, shaped and ordered like
the built-in cells, so ``ours.set_weights(builtin.get_weights())`` works):

- :class:`SimpleRNNCell`, :class:`LSTMCell` (with ``proj_size``), :class:`GRUCell`
  (``reset_after=True`` or ``False``), :class:`PeepholeLSTMCell`.

The cell base :class:`RecurrentCell` is in ``cell.py``, the unroller :class:`RNN` in
``layer.py``, as in ``unrolled.torch``. Each cell splits a step into
``project_inputs`` (the input half, for all steps at once) and ``step`` (the
recurrent half), the names ``unrolled.torch`` uses.

Layers (every constructor argument of the Keras built-ins: ``return_sequences``,
``return_state``, ``go_backwards``, ``stateful``, ``unroll``, masks,
``initial_state``, ...):

- :class:`SimpleRNN` (the Elman layer), :class:`LSTM` (with ``proj_size``),
  :class:`GRU`, and :class:`RNN`, the generic unroller of any of the cells above
  (e.g. the peephole LSTM). Note: ``uk.RNN`` is the generic unroller, like
  ``keras.layers.RNN``, while ``ut.RNN`` is the Elman layer, like ``torch.nn.RNN``;
- :class:`Bidirectional`, for our layers and the built-in ones.

Example::

    import unrolled.keras as uk
    lstm = uk.LSTM(64, return_sequences=True)
    y = lstm(x)                     # x: (batch, timesteps, features) -> (batch, timesteps, 64)
    builtin = keras.layers.LSTM(64, return_sequences=True)
    builtin(x)                      # build it
    lstm.set_weights(builtin.get_weights())   # same layout: now lstm(x) == builtin(x)

Our layers set ``supports_jit = False``: their loop is ``keras.ops.scan``, whose
TensorFlow version cannot be differentiated under XLA, so ``model.compile()`` with
the default ``jit_compile="auto"`` leaves XLA off (``jit_compile=True`` fails on TF).
"""

from .bidirectional import Bidirectional
from .gru import GRU, GRUCell
from .cell import RecurrentCell
from .layer import RNN
from .lstm import LSTM, LSTMCell
from .peephole import PeepholeLSTMCell
from .rnn import SimpleRNN, SimpleRNNCell

__all__ = [
    "Bidirectional",
    "GRU",
    "GRUCell",
    "LSTM",
    "LSTMCell",
    "PeepholeLSTMCell",
    "RNN",
    "RecurrentCell",
    "SimpleRNN",
    "SimpleRNNCell",
]
