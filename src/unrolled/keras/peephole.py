"""The LSTM with peephole connections (Gers, Schraudolph & Schmidhuber, 2002).

The gates also look at the cell state, through diagonal ("peephole") weights:
the input and forget gates at ``c_{t-1}``, the output gate at the new ``c_t``::

    z_i, z_f, z_c, z_o = split(x_proj_t + h_{t-1} @ recurrent_kernel, 4)  # x_proj_t = x_t @ kernel + bias
    i = sigmoid(z_i + peephole_i * c_{t-1})
    f = sigmoid(z_f + peephole_f * c_{t-1})
    c_t = f * c_{t-1} + i * tanh(z_c)
    o = sigmoid(z_o + peephole_o * c_t)
    h_t = o * tanh(c_t)

Weights: those of ``LSTMCell`` (``kernel`` ``(input_dim, 4 * units)``,
``recurrent_kernel`` ``(units, 4 * units)``, ``bias`` ``(4 * units,)``), then
``peephole_i``, ``peephole_f``, ``peephole_o``, each ``(units,)``. With zero
peepholes the cell is exactly ``LSTMCell``.
"""

from __future__ import annotations

import keras

from .lstm import LSTMCell


@keras.saving.register_keras_serializable(package="unrolled")
class PeepholeLSTMCell(LSTMCell):
    """LSTM cell with peephole connections (no projection).

    Args:
        peephole_initializer: initializer of the three ``(units,)`` peephole
            vectors (default ``"glorot_uniform"``, as the former
            ``tf.keras.experimental.PeepholeLSTMCell``).
        The other arguments are those of :class:`~unrolled.keras.lstm.LSTMCell`
        except ``proj_size``.

    Call: ``cell(inputs, [h, c])``, ``inputs`` ``(batch, input_dim)``, ``h`` and
    ``c`` ``(batch, units)``; returns ``(h_t, [h_t, c_t])``. Use it in a layer with
    ``unrolled.keras.RNN(PeepholeLSTMCell(units))`` or ``keras.layers.RNN``.
    """

    def __init__(self, units, peephole_initializer="glorot_uniform", **kwargs):
        proj_size = kwargs.pop("proj_size", None)
        if proj_size:
            raise ValueError(f"{type(self).__name__}: expected no proj_size (0), got {proj_size!r}")
        super().__init__(units, **kwargs)
        self.peephole_initializer = keras.initializers.get(peephole_initializer)

    def build(self, input_shape):
        super().build(input_shape)
        for gate in ("i", "f", "o"):
            weight = self.add_weight(
                shape=(self.units,), name=f"peephole_{gate}", initializer=self.peephole_initializer
            )
            setattr(self, f"peephole_{gate}", weight)

    def step(self, x_proj_t, states, recurrent_mask=None):
        """``x_proj_t`` = ``x_t @ kernel + bias`` ``(batch, 4 * units)``; ``states`` = ``[h, c]``."""
        h_prev, c_prev = states
        z_i, z_f, z_c, z_o = self.preactivations(x_proj_t, h_prev, recurrent_mask)
        i = self.recurrent_activation(z_i + self.peephole_i * c_prev)
        f = self.recurrent_activation(z_f + self.peephole_f * c_prev)
        c = f * c_prev + i * self.activation(z_c)
        o = self.recurrent_activation(z_o + self.peephole_o * c)
        h = o * self.activation(c)
        return h, [h, c]

    def get_config(self):
        config = super().get_config()
        config.pop("proj_size", None)
        config["peephole_initializer"] = keras.saving.serialize_keras_object(self.peephole_initializer)
        return config
