"""The LSTM cell and layer, mirroring ``keras.layers.LSTMCell`` / ``keras.layers.LSTM``,
plus the output projection of ``torch.nn.LSTM(proj_size=...)`` that Keras lacks.

One step, with the gates in Keras' order i, f, c, o::

    x_proj_t = x_t @ kernel + bias                  # project_inputs, all steps at once
    z = x_proj_t + h_{t-1} @ recurrent_kernel       # step: (batch, 4 * units)
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
from .cell import GatedCell
from .layer import RNN, cell_arguments


@keras.saving.register_keras_serializable(package="unrolled")
class LSTMCell(GatedCell):
    """Long short-term memory cell (Hochreiter & Schmidhuber, 1997; forget gate of
    Gers et al., 2000), optionally with an output projection (Sak et al., 2014).

    Args:
        units: size of the cell state ``c`` (and of ``h`` without projection).
        activation: of the candidate and of the cell output (default ``"tanh"``).
        recurrent_activation: of the gates (default ``"sigmoid"``).
        unit_forget_bias: initialize the forget-gate bias to 1 (default ``True``).
        proj_size: ``0``/``None`` for none, else ``h_t = (o * tanh(c_t)) @
            projection_kernel`` has ``proj_size < units`` features.
        implementation: ``2`` one fused recurrent product, ``1`` one per gate
            (see :class:`~unrolled.keras.cell.GatedCell`).
        The other arguments are those of :class:`~unrolled.keras.cell.RecurrentCell`.

    Call: ``cell(inputs, [h, c])`` with ``inputs`` ``(batch, input_dim)``, ``h``
    ``(batch, proj_size or units)``, ``c`` ``(batch, units)``; returns
    ``(h_t, [h_t, c_t])``.
    """

    gates = 4

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid",
                 unit_forget_bias=True, proj_size=None, **kwargs):
        super().__init__(units, activation=activation, **kwargs)
        checks.check_proj_size(self.name, proj_size, units)
        self.recurrent_activation = keras.activations.get(recurrent_activation)
        self.unit_forget_bias = unit_forget_bias
        self.proj_size = proj_size or 0
        h_size = self.proj_size or units
        self.state_size = [h_size, units]  # [h, c]
        self.output_size = h_size

    def bias_initializer_for_build(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        units, base = self.units, self.bias_initializer

        def initializer(shape, dtype=None):
            # Blocks i, f, c, o: the forget block starts at 1, the others as asked.
            return ops.concatenate([base((units,), dtype=dtype), ops.ones((units,), dtype=dtype),
                                    base((2 * units,), dtype=dtype)])

        return initializer

    def build(self, input_shape):
        super().build(input_shape)  # kernel, recurrent_kernel, bias
        if self.proj_size:
            self.projection_kernel = self.add_kernel(
                (self.units, self.proj_size), "kernel", name="projection_kernel"
            )

    def preactivations(self, x_proj_t, h_prev, recurrent_mask=None):
        """The four gate pre-activations ``z_i, z_f, z_c, z_o``, each ``(batch, units)``."""
        if recurrent_mask is not None:
            h_prev = h_prev * recurrent_mask
        h_parts = self.recurrent_products(h_prev, self.recurrent_kernel, 4)
        return [x + h for x, h in zip(ops.split(x_proj_t, 4, axis=-1), h_parts)]

    def step(self, x_proj_t, states, recurrent_mask=None):
        """``x_proj_t`` = ``x_t @ kernel + bias`` ``(batch, 4 * units)``; ``states`` = ``[h, c]``."""
        h_prev, c_prev = states
        z_i, z_f, z_c, z_o = self.preactivations(x_proj_t, h_prev, recurrent_mask)
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

    Args: every argument of ``keras.layers.LSTM`` (so any of its configs loads):
    the cell's (see :class:`LSTMCell`, ``proj_size`` and ``implementation``
    included) and the layer's (see :class:`RNN`). ``use_cudnn`` is accepted and
    kept (``get_config``, ``Bidirectional``) but changes nothing: our loop is
    always the one written here, never a fused cuDNN kernel.

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
        use_cudnn="auto",
        proj_size=None,
        implementation=2,
        zero_output_for_mask=False,
        **kwargs,
    ):
        checks.check_use_cudnn(kwargs.get("name") or "lstm", use_cudnn)
        cell_kw, layer_kw = cell_arguments("lstm_cell", locals(), kwargs)
        super().__init__(LSTMCell(**cell_kw), **layer_kw)
        self.use_cudnn = use_cudnn

    @property
    def units(self):
        return self.cell.units

    @property
    def proj_size(self):
        return self.cell.proj_size

    @property
    def implementation(self):
        return self.cell.implementation

    def get_config(self):
        return {**super().get_config(), "use_cudnn": self.use_cudnn}
