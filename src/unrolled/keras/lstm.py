"""The LSTM cell and layer, mirroring ``keras.layers.LSTMCell`` / ``keras.layers.LSTM``,
plus the output projection of ``torch.nn.LSTM(proj_size=...)`` that Keras lacks.

One step, with the gates in Keras' order i, f, c, o::

    z = x_t @ kernel + bias + h_{t-1} @ recurrent_kernel      # (batch, 4 * units)
    z_i, z_f, z_c, z_o = split(z, 4)
    i = sigmoid(z_i)              # input gate
    f = sigmoid(z_f)              # forget gate
    g = tanh(z_c)                 # candidate cell
    o = sigmoid(z_o)              # output gate
    c_t = f * c_{t-1} + i * g
    h_t = o * tanh(c_t)
    h_t = h_t @ projection_kernel # only with proj_size: (batch, proj_size)

Weights (same names, shapes and order as ``keras.layers.LSTMCell``):

- ``kernel`` ``(input_dim, 4 * units)``
- ``recurrent_kernel`` ``(units, 4 * units)``, or ``(proj_size, 4 * units)``
- ``bias`` ``(4 * units,)`` (when ``use_bias``)
- ``projection_kernel`` ``(units, proj_size)`` (only with ``proj_size``), the
  transpose of PyTorch's ``weight_hr``.
"""

from __future__ import annotations

import keras
from keras import ops

from . import checks
from .layer import RNN, RecurrentCell


@keras.saving.register_keras_serializable(package="unrolled")
class LSTMCell(RecurrentCell):
    """Long short-term memory cell (Hochreiter & Schmidhuber, 1997; forget gate of
    Gers et al., 2000), optionally with an output projection (Sak et al., 2014).

    Args:
        units: size of the cell state ``c`` (and of ``h`` without projection).
        activation: of the candidate and of the cell output (default ``"tanh"``).
        recurrent_activation: of the gates (default ``"sigmoid"``).
        unit_forget_bias: initialize the forget-gate bias to 1 (default ``True``).
        proj_size: ``0``/``None`` for none, else ``h_t = (o * tanh(c_t)) @
            projection_kernel`` has ``proj_size < units`` features.
        The other arguments are those of :class:`~unrolled.keras.layer.RecurrentCell`.

    Call: ``cell(inputs, [h, c])`` with ``inputs`` ``(batch, input_dim)``, ``h``
    ``(batch, proj_size or units)``, ``c`` ``(batch, units)``; returns
    ``(h_t, [h_t, c_t])``.
    """

    gates = 4

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        unit_forget_bias=True,
        proj_size=None,
        **kwargs,
    ):
        super().__init__(
            units,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            **kwargs,
        )
        checks.check_proj_size(type(self).__name__, proj_size, units)
        self.recurrent_activation = keras.activations.get(recurrent_activation)
        self.unit_forget_bias = unit_forget_bias
        self.proj_size = proj_size or 0
        h_size = self.proj_size or units
        self.state_size = [h_size, units]  # [h, c]
        self.output_size = h_size

    def build(self, input_shape):
        input_dim = self._check_build_shape(input_shape)
        units, h_size = self.units, self.output_size
        self.kernel = self.add_kernel((input_dim, 4 * units), "kernel")
        self.recurrent_kernel = self.add_kernel((h_size, 4 * units), "recurrent")
        if self.use_bias:
            initializer = None
            if self.unit_forget_bias:
                # Blocks i, f, c, o: the forget block starts at 1, the others as asked.
                def initializer(shape, dtype=None):
                    base = self.bias_initializer
                    return ops.concatenate(
                        [
                            base((units,), dtype=dtype),
                            ops.ones((units,), dtype=dtype),
                            base((2 * units,), dtype=dtype),
                        ]
                    )

            self.bias = self.add_kernel((4 * units,), "bias", initializer=initializer)
        else:
            self.bias = None
        if self.proj_size:
            self.projection_kernel = self.add_kernel(
                (units, self.proj_size), "kernel", name="projection_kernel"
            )

    def gates_from(self, projected, h_prev, recurrent_mask=None):
        """The four gate pre-activations ``z_i, z_f, z_c, z_o``, each ``(batch, units)``.

        One fused product ``h_{t-1} @ recurrent_kernel`` serves all four gates.
        """
        if recurrent_mask is not None:
            h_prev = h_prev * recurrent_mask
        z = projected + ops.matmul(h_prev, self.recurrent_kernel)
        return ops.split(z, 4, axis=-1)

    def recurrence(self, projected, states, recurrent_mask=None):
        """``projected`` = ``x_t @ kernel + bias`` ``(batch, 4 * units)``; ``states`` = ``[h, c]``."""
        h_prev, c_prev = states
        z_i, z_f, z_c, z_o = self.gates_from(projected, h_prev, recurrent_mask)
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        g = self.activation(z_c)
        o = self.recurrent_activation(z_o)
        c = f * c_prev + i * g
        h = o * self.activation(c)
        if self.proj_size:
            h = ops.matmul(h, self.projection_kernel)
        return h, [h, c]

    def get_config(self):
        config = {
            "recurrent_activation": keras.activations.serialize(self.recurrent_activation),
            "unit_forget_bias": self.unit_forget_bias,
            "proj_size": self.proj_size,
        }
        return {**super().get_config(), **config}


@keras.saving.register_keras_serializable(package="unrolled")
class LSTM(RNN):
    """LSTM layer, like ``keras.layers.LSTM`` (same weights), plus ``proj_size``.

    Args: the cell's (see :class:`LSTMCell`, ``proj_size`` included) and the layer's
    (``return_sequences``, ``return_state``, ``go_backwards``, ``zero_output_for_mask``).

    Input ``(batch, timesteps, features)``. Output ``(batch, H)`` or
    ``(batch, timesteps, H)`` with ``H = proj_size or units``; with ``return_state``
    also ``h`` ``(batch, H)`` and ``c`` ``(batch, units)``.
    """

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        unit_forget_bias=True,
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        proj_size=None,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        zero_output_for_mask=False,
        **kwargs,
    ):
        cell = LSTMCell(
            units,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            proj_size=proj_size,
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name="lstm_cell",
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

    @property
    def proj_size(self):
        return self.cell.proj_size
