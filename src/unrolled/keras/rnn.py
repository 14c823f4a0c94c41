"""The simple (Elman) recurrent cell and layer, mirroring ``keras.layers.SimpleRNN``.

One step::

    h_t = activation(x_t @ kernel + bias + h_{t-1} @ recurrent_kernel)

Weights (same names, shapes and order as ``keras.layers.SimpleRNNCell``):

- ``kernel`` ``(input_dim, units)``
- ``recurrent_kernel`` ``(units, units)``
- ``bias`` ``(units,)`` (when ``use_bias``)
"""

from __future__ import annotations

import keras
from keras import ops

from .layer import RNN, RecurrentCell


@keras.saving.register_keras_serializable(package="unrolled")
class SimpleRNNCell(RecurrentCell):
    """Elman cell: ``h_t = tanh(x_t W + b + h_{t-1} U)``.

    Args: those of :class:`~unrolled.keras.layer.RecurrentCell` (``units``,
    ``activation="tanh"``, ``use_bias``, initializers, regularizers, constraints,
    ``dropout``, ``recurrent_dropout``, ``seed``).

    Call: ``cell(inputs, states)`` with ``inputs`` ``(batch, input_dim)`` and
    ``states`` ``[h]``, ``h`` ``(batch, units)``; returns ``(h_t, [h_t])``.
    """

    gates = 1

    def build(self, input_shape):
        input_dim = self._check_build_shape(input_shape)
        self.kernel = self.add_kernel((input_dim, self.units), "kernel")
        self.recurrent_kernel = self.add_kernel((self.units, self.units), "recurrent")
        self.bias = self.add_kernel((self.units,), "bias") if self.use_bias else None

    def recurrence(self, projected, states, recurrent_mask=None):
        """``projected`` = ``x_t @ kernel + bias`` ``(batch, units)``; ``states`` = ``[h_{t-1}]``."""
        h_prev = states[0]
        if recurrent_mask is not None:
            h_prev = h_prev * recurrent_mask
        h = self.activation(projected + ops.matmul(h_prev, self.recurrent_kernel))
        return h, [h]


@keras.saving.register_keras_serializable(package="unrolled")
class SimpleRNN(RNN):
    """Elman layer, like ``keras.layers.SimpleRNN``, unrolled by our :class:`RNN`.

    Args: the cell's (see :class:`SimpleRNNCell`) and the layer's
    (``return_sequences``, ``return_state``, ``go_backwards``, ``zero_output_for_mask``).

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
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        zero_output_for_mask=False,
        **kwargs,
    ):
        cell = SimpleRNNCell(
            units,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name="simple_rnn_cell",
        )
        super().__init__(
            cell,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            zero_output_for_mask=zero_output_for_mask,
            **kwargs,
        )

    @property
    def units(self):
        return self.cell.units
