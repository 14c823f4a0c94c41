"""The simple (Elman) recurrent cell and layer, mirroring ``keras.layers.SimpleRNN``.

One step::

    h_t = activation(x_t @ kernel + bias + h_{t-1} @ recurrent_kernel)

Weights (same names, shapes and order as ``keras.layers.SimpleRNNCell``):

- ``kernel`` ``(input_dim, units)``
- ``recurrent_kernel`` ``(units, units)``
- ``bias`` ``(units,)`` (when ``use_bias``)

``SimpleRNN`` is the Elman layer (``unrolled.torch.RNN`` on the PyTorch side);
``unrolled.keras.RNN`` is the generic unroller that takes any of our cells.
"""

from __future__ import annotations

import keras
from keras import ops

from .cell import RecurrentCell
from .layer import RNN, cell_arguments


@keras.saving.register_keras_serializable(package="unrolled")
class SimpleRNNCell(RecurrentCell):
    """Elman cell: ``h_t = tanh(x_t W + b + h_{t-1} U)``.

    Args: those of :class:`~unrolled.keras.cell.RecurrentCell` (``units``,
    ``activation="tanh"``, ``use_bias``, initializers, regularizers, constraints,
    ``dropout``, ``recurrent_dropout``, ``seed``).

    Call: ``cell(inputs, states)`` with ``inputs`` ``(batch, input_dim)`` and
    ``states`` ``[h]``, ``h`` ``(batch, units)``; returns ``(h_t, [h_t])``.
    """

    gates = 1

    def step(self, x_proj_t, states, recurrent_mask=None):
        """``x_proj_t`` = ``x_t @ kernel + bias`` ``(batch, units)``; ``states`` = ``[h_{t-1}]``."""
        h_prev = states[0]
        if recurrent_mask is not None:
            h_prev = h_prev * recurrent_mask
        h = self.activation(x_proj_t + ops.matmul(h_prev, self.recurrent_kernel))
        return h, [h]


@keras.saving.register_keras_serializable(package="unrolled")
class SimpleRNN(RNN):
    """Elman layer, like ``keras.layers.SimpleRNN``, unrolled by our :class:`RNN`.

    Args: every argument of ``keras.layers.SimpleRNN``: the cell's (see
    :class:`SimpleRNNCell`) and the layer's (see :class:`RNN`).

    Input ``(batch, timesteps, features)``; output ``(batch, units)`` or
    ``(batch, timesteps, units)``; with ``return_state`` also ``h`` ``(batch, units)``.
    """

    def __init__(
        self,
        units,
        activation="tanh",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        seed=None,
        zero_output_for_mask=False,
        **kwargs,
    ):
        cell_kw, layer_kw = cell_arguments("simple_rnn_cell", locals(), kwargs)
        super().__init__(SimpleRNNCell(**cell_kw), **layer_kw)

    @property
    def units(self):
        return self.cell.units
