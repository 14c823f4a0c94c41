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

from . import checks
from .cell import GatedCell
from .layer import RNN, cell_arguments


@keras.saving.register_keras_serializable(package="unrolled")
class GRUCell(GatedCell):
    """Gated recurrent unit (Cho et al., 2014).

    Args:
        units: size of the hidden state.
        activation: of the candidate (default ``"tanh"``).
        recurrent_activation: of the gates (default ``"sigmoid"``).
        reset_after: apply the reset gate after the recurrent product (default
            ``True``, as Keras), or before it (``False``).
        implementation: ``2`` fused recurrent products, ``1`` one per gate
            (see :class:`~unrolled.keras.cell.GatedCell`).
        The other arguments are those of :class:`~unrolled.keras.cell.RecurrentCell`.

    Call: ``cell(inputs, [h])`` with ``inputs`` ``(batch, input_dim)`` and ``h``
    ``(batch, units)``; returns ``(h_t, [h_t])``.
    """

    gates = 3

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid",
                 reset_after=True, **kwargs):
        super().__init__(units, activation=activation, **kwargs)
        self.recurrent_activation = keras.activations.get(recurrent_activation)
        self.reset_after = reset_after

    def bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def project_inputs(self, inputs):
        """``inputs @ kernel + input_bias``: ``(..., input_dim) -> (..., 3 * units)``."""
        x_proj = ops.matmul(inputs, self.kernel)
        if self.use_bias:
            x_proj = x_proj + (self.bias[0] if self.reset_after else self.bias)
        return x_proj

    def step(self, x_proj_t, states, recurrent_mask=None):
        """``x_proj_t`` = ``x_t @ kernel + input_bias`` ``(batch, 3 * units)``;
        ``states`` = ``[h]``."""
        h_prev = states[0]
        h_in = h_prev if recurrent_mask is None else h_prev * recurrent_mask
        x_z, x_r, x_h = ops.split(x_proj_t, 3, axis=-1)
        n = self.units
        if self.reset_after:
            # One fused product for the three blocks; r scales the candidate's block.
            h_z, h_r, h_h = self.recurrent_products(h_in, self.recurrent_kernel, 3)
            if self.use_bias:
                b_z, b_r, b_h = ops.split(self.bias[1], 3, axis=-1)
                h_z, h_r, h_h = h_z + b_z, h_r + b_r, h_h + b_h
            z = self.recurrent_activation(x_z + h_z)
            r = self.recurrent_activation(x_r + h_r)
            hh = self.activation(x_h + r * h_h)
        else:
            # z and r fused; the candidate needs r first, so it is a second product.
            h_z, h_r = self.recurrent_products(h_in, self.recurrent_kernel[:, : 2 * n], 2)
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

    Args: every argument of ``keras.layers.GRU``: the cell's (see :class:`GRUCell`)
    and the layer's (see :class:`RNN`); ``use_cudnn`` is kept but changes nothing,
    as in :class:`~unrolled.keras.LSTM`.

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
        activity_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        reset_after=True,
        use_cudnn="auto",
        implementation=2,
        zero_output_for_mask=False,
        **kwargs,
    ):
        checks.check_use_cudnn(kwargs.get("name") or "gru", use_cudnn)
        cell_kw, layer_kw = cell_arguments("gru_cell", locals(), kwargs)
        super().__init__(GRUCell(**cell_kw), **layer_kw)
        self.use_cudnn = use_cudnn

    @property
    def units(self):
        return self.cell.units

    @property
    def reset_after(self):
        return self.cell.reset_after

    @property
    def implementation(self):
        return self.cell.implementation

    def get_config(self):
        return {**super().get_config(), "use_cudnn": self.use_cudnn}
