"""The GRU cell and layer, mirroring ``keras.layers.GRUCell`` / ``keras.layers.GRU``.

One step, with the gates in Keras' order z (update), r (reset), h (candidate)::

    x_z, x_r, x_h = split(x_t @ kernel + input_bias, 3)
    z = sigmoid(x_z + h_{t-1} @ U_z (+ recurrent_bias_z))
    r = sigmoid(x_r + h_{t-1} @ U_r (+ recurrent_bias_r))
    reset_after=True  (Keras' default, cuDNN's and PyTorch's form):
        hh = tanh(x_h + r * (h_{t-1} @ U_h + recurrent_bias_h))
    reset_after=False (the original GRU of Cho et al., 2014):
        hh = tanh(x_h + (r * h_{t-1}) @ U_h)
    h_t = z * h_{t-1} + (1 - z) * hh

Note that Keras keeps ``h_{t-1}`` where ``z`` is 1 (PyTorch has the same convention).

Weights (same names, shapes and order as ``keras.layers.GRUCell``):

- ``kernel`` ``(input_dim, 3 * units)``
- ``recurrent_kernel`` ``(units, 3 * units)`` = ``[U_z | U_r | U_h]``
- ``bias`` ``(2, 3 * units)`` with ``reset_after`` (row 0 input bias, row 1 recurrent
  bias), else ``(3 * units,)``.
"""

from __future__ import annotations

import keras
from keras import ops

from .layer import RNN, RecurrentCell


@keras.saving.register_keras_serializable(package="unrolled")
class GRUCell(RecurrentCell):
    """Gated recurrent unit (Cho et al., 2014).

    Args:
        units: size of the hidden state.
        activation: of the candidate (default ``"tanh"``).
        recurrent_activation: of the gates (default ``"sigmoid"``).
        reset_after: apply the reset gate after the recurrent product (default
            ``True``, as Keras), or before it (``False``).
        The other arguments are those of :class:`~unrolled.keras.layer.RecurrentCell`.

    Call: ``cell(inputs, [h])`` with ``inputs`` ``(batch, input_dim)`` and ``h``
    ``(batch, units)``; returns ``(h_t, [h_t])``.
    """

    gates = 3

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", reset_after=True, **kwargs):
        super().__init__(units, activation=activation, **kwargs)
        self.recurrent_activation = keras.activations.get(recurrent_activation)
        self.reset_after = reset_after

    def build(self, input_shape):
        input_dim = self._check_build_shape(input_shape)
        units = self.units
        self.kernel = self.add_kernel((input_dim, 3 * units), "kernel")
        self.recurrent_kernel = self.add_kernel((units, 3 * units), "recurrent")
        if self.use_bias:
            shape = (2, 3 * units) if self.reset_after else (3 * units,)
            self.bias = self.add_kernel(shape, "bias")
        else:
            self.bias = None

    def project_inputs(self, inputs):
        """``inputs @ kernel + input_bias``: ``(..., input_dim) -> (..., 3 * units)``."""
        z = ops.matmul(inputs, self.kernel)
        if self.use_bias:
            z = z + (self.bias[0] if self.reset_after else self.bias)
        return z

    def recurrence(self, projected, states, recurrent_mask=None):
        """``projected`` = ``x_t @ kernel + input_bias`` ``(batch, 3 * units)``; ``states`` = ``[h]``."""
        h_prev = states[0]
        h_in = h_prev if recurrent_mask is None else h_prev * recurrent_mask
        x_z, x_r, x_h = ops.split(projected, 3, axis=-1)
        n = self.units
        if self.reset_after:
            # One fused product for the three blocks; r scales the candidate's block.
            inner = ops.matmul(h_in, self.recurrent_kernel)
            if self.use_bias:
                inner = inner + self.bias[1]
            h_z, h_r, h_h = ops.split(inner, 3, axis=-1)
            z = self.recurrent_activation(x_z + h_z)
            r = self.recurrent_activation(x_r + h_r)
            hh = self.activation(x_h + r * h_h)
        else:
            # z and r fused; the candidate needs r first, so it is a second product.
            inner = ops.matmul(h_in, self.recurrent_kernel[:, : 2 * n])
            h_z, h_r = ops.split(inner, 2, axis=-1)
            z = self.recurrent_activation(x_z + h_z)
            r = self.recurrent_activation(x_r + h_r)
            hh = self.activation(x_h + ops.matmul(r * h_in, self.recurrent_kernel[:, 2 * n :]))
        h = z * h_prev + (1 - z) * hh
        return h, [h]

    def get_config(self):
        config = {
            "recurrent_activation": keras.activations.serialize(self.recurrent_activation),
            "reset_after": self.reset_after,
        }
        return {**super().get_config(), **config}


@keras.saving.register_keras_serializable(package="unrolled")
class GRU(RNN):
    """GRU layer, like ``keras.layers.GRU`` (same weights), unrolled by our :class:`RNN`.

    Args: the cell's (see :class:`GRUCell`) and the layer's (``return_sequences``,
    ``return_state``, ``go_backwards``, ``zero_output_for_mask``).

    Input ``(batch, timesteps, features)``; output ``(batch, units)`` or
    ``(batch, timesteps, units)``; with ``return_state`` also ``h`` ``(batch, units)``.
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
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        reset_after=True,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        zero_output_for_mask=False,
        **kwargs,
    ):
        cell = GRUCell(
            units,
            activation=activation,
            recurrent_activation=recurrent_activation,
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
            reset_after=reset_after,
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name="gru_cell",
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
    def reset_after(self):
        return self.cell.reset_after
