"""The cell base: what every Keras cell of this package shares.

:class:`RecurrentCell` is the base of ``SimpleRNNCell``, ``LSTMCell``, ``GRUCell`` and
``PeepholeLSTMCell``. It holds the constructor arguments of the Keras built-in cells
(initializers, regularizers, constraints, dropout), the weights (``kernel``,
``recurrent_kernel``, ``bias``, created for ``gates`` blocks of ``units`` columns),
the ``get_config`` that serializes them, and the zero initial state.

A cell splits one time step in two halves, with the same names as in
``unrolled.torch``:

- ``project_inputs(x)``: the part that depends on the input only,
  ``x @ kernel + bias`` ``(..., gates * units)``. It has no recurrence, so a layer
  computes it for *all* time steps in one matrix product (chapter 10,
  book/ch10_speed.md, "precomputed input projection").
- ``step(x_proj_t, states)``: the part that needs the previous state, the product
  ``h_{t-1} @ recurrent_kernel`` and the gate equations.

``call(inputs, states)`` runs both halves, so a cell also works one step at a time
inside ``keras.layers.RNN``, exactly like a built-in cell. The unroller that runs
``step`` over time is :class:`~unrolled.keras.layer.RNN` (``layer.py``).
"""

from __future__ import annotations

import keras
from keras import ops

from . import checks


def state_sizes(cell) -> list[int]:
    """``cell.state_size`` as a list: ``128 -> [128]``, ``[128, 128]`` unchanged."""
    size = cell.state_size
    return [size] if isinstance(size, int) else list(size)


@keras.saving.register_keras_serializable(package="unrolled")
class RecurrentCell(keras.layers.Layer):
    """Base class of the cells: shared arguments, weights and config.

    Args:
        units: Positive integer, size of the hidden state ``h``.
        activation: Activation of the candidate/output (default ``"tanh"``).
        use_bias: Whether the cell has a bias (default ``True``).
        kernel_initializer: Initializer of ``kernel``, the input weights
            ``(input_dim, gates * units)``. Default ``"glorot_uniform"``.
        recurrent_initializer: Initializer of ``recurrent_kernel``, the state
            weights ``(units, gates * units)``. Default ``"orthogonal"``.
        bias_initializer: Initializer of ``bias``. Default ``"zeros"``.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: Optional
            regularizers of the three weights.
        kernel_constraint, recurrent_constraint, bias_constraint: Optional
            constraints of the three weights.
        dropout: Fraction of the input units to drop (``training=True`` only).
        recurrent_dropout: Fraction of the state units to drop before the
            recurrent product (``training=True`` only).
        seed: Random seed of the dropout masks.

    Dropout: the layers of this package draw one mask per sequence and reuse it at
    every step (variational dropout, as Keras does). A cell called on its own, for
    example inside ``keras.layers.RNN``, draws a fresh mask at every step.

    Subclasses set ``gates`` (blocks of ``units`` columns in the kernels),
    ``state_size`` and ``output_size``, and implement ``step``; they may override
    ``project_inputs`` and the bias (``bias_shape``, ``bias_initializer_for_build``).
    """

    gates = 1

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
        **kwargs,
    ):
        super().__init__(**kwargs)
        checks.check_units(self.name, units)
        checks.check_rate(self.name, "dropout", dropout)
        checks.check_rate(self.name, "recurrent_dropout", recurrent_dropout)
        self.units = units
        self.activation = keras.activations.get(activation)
        self.use_bias = use_bias
        for which, init, reg, con in (
            ("kernel", kernel_initializer, kernel_regularizer, kernel_constraint),
            ("recurrent", recurrent_initializer, recurrent_regularizer, recurrent_constraint),
            ("bias", bias_initializer, bias_regularizer, bias_constraint),
        ):
            setattr(self, f"{which}_initializer", keras.initializers.get(init))
            setattr(self, f"{which}_regularizer", keras.regularizers.get(reg))
            setattr(self, f"{which}_constraint", keras.constraints.get(con))
        self.dropout = float(dropout)
        self.recurrent_dropout = float(recurrent_dropout)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.state_size = units
        self.output_size = units

    # -- weights -----------------------------------------------------------------
    def build(self, input_shape):
        """``kernel`` ``(input_dim, G)``, ``recurrent_kernel`` ``(state_size[0], G)``,
        ``bias`` ``bias_shape()``, with ``G = gates * units``, in that order."""
        if len(input_shape) < 2 or input_shape[-1] is None:
            raise ValueError(
                f"{self.name}: expected an input shape (batch, input_dim) with a known "
                f"input_dim, got {tuple(input_shape)}"
            )
        columns = self.gates * self.units
        self.kernel = self.add_kernel((int(input_shape[-1]), columns), "kernel")
        self.recurrent_kernel = self.add_kernel((state_sizes(self)[0], columns), "recurrent")
        self.bias = None
        if self.use_bias:
            self.bias = self.add_kernel(
                self.bias_shape(), "bias", initializer=self.bias_initializer_for_build()
            )

    def bias_shape(self) -> tuple:
        return (self.gates * self.units,)

    def bias_initializer_for_build(self):
        return self.bias_initializer

    def add_kernel(self, shape, which, name=None, initializer=None):
        """``add_weight`` with the initializer/regularizer/constraint of ``which``.

        ``which`` is ``"kernel"``, ``"recurrent"`` or ``"bias"``; the weight is named
        ``name`` (default: ``kernel``, ``recurrent_kernel``, ``bias``).
        """
        default_name = {"kernel": "kernel", "recurrent": "recurrent_kernel", "bias": "bias"}
        return self.add_weight(
            shape=shape,
            name=name or default_name[which],
            initializer=initializer or getattr(self, f"{which}_initializer"),
            regularizer=getattr(self, f"{which}_regularizer"),
            constraint=getattr(self, f"{which}_constraint"),
        )

    # -- the two halves of a step ----------------------------------------------------
    def project_inputs(self, inputs):
        """Input half of a step: ``inputs @ kernel (+ bias)``.

        Args:
            inputs: ``(..., input_dim)``, e.g. ``(batch, input_dim)`` for one step or
                ``(batch, timesteps, input_dim)`` for a whole sequence.

        Returns:
            ``x_proj``, ``(..., gates * units)``.
        """
        x_proj = ops.matmul(inputs, self.kernel)
        if self.use_bias:
            x_proj = x_proj + self.bias
        return x_proj

    def step(self, x_proj_t, states, recurrent_mask=None):
        """Recurrent half of a step: ``x_proj_t`` ``(batch, gates * units)`` and the
        list ``states`` -> ``(output, new_states)``."""
        raise NotImplementedError

    # -- one whole step (what keras.layers.RNN calls) --------------------------------
    def call(self, inputs, states, training=False):
        """One time step.

        Args:
            inputs: ``(batch, input_dim)``.
            states: list of tensors ``(batch, state_size[k])`` (or one tensor).
            training: apply dropout (fresh masks at this step) when ``True``.

        Returns:
            ``(output, new_states)``: ``output`` is ``(batch, output_size)``; the new
            states have the structure of ``states``.
        """
        checks.check_rank(self.name, inputs, 2, "(batch, input_dim)")
        checks.check_features(self.name, inputs, self.kernel.shape[0])
        nested = isinstance(states, (list, tuple))
        states = list(states) if nested else [states]
        checks.check_states(self.name, states, state_sizes(self), inputs.shape[0])
        recurrent_mask = None
        if training and self.dropout > 0:
            inputs = keras.random.dropout(inputs, self.dropout, seed=self.seed_generator)
        if training and self.recurrent_dropout > 0:
            recurrent_mask = self.recurrent_dropout_mask(states[0])
        output, new_states = self.step(self.project_inputs(inputs), states, recurrent_mask)
        return output, (new_states if nested else new_states[0])

    def recurrent_dropout_mask(self, h):
        """A mask of 0 and ``1 / (1 - recurrent_dropout)``, shaped like ``h``."""
        return keras.random.dropout(
            ops.ones_like(h), self.recurrent_dropout, seed=self.seed_generator
        )

    def get_initial_state(self, batch_size=None):
        """Zeros: one ``(batch_size, size)`` tensor per entry of ``state_size``."""
        return [
            ops.zeros((batch_size, size), dtype=self.compute_dtype) for size in state_sizes(self)
        ]

    def get_config(self):
        s = keras.saving.serialize_keras_object
        config = {
            "units": self.units,
            "activation": keras.activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": s(self.kernel_initializer),
            "recurrent_initializer": s(self.recurrent_initializer),
            "bias_initializer": s(self.bias_initializer),
            "kernel_regularizer": s(self.kernel_regularizer),
            "recurrent_regularizer": s(self.recurrent_regularizer),
            "bias_regularizer": s(self.bias_regularizer),
            "kernel_constraint": s(self.kernel_constraint),
            "recurrent_constraint": s(self.recurrent_constraint),
            "bias_constraint": s(self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }
        return {**super().get_config(), **config}


class GatedCell(RecurrentCell):
    """A cell with several gates (LSTM, GRU): adds ``implementation``.

    Args:
        implementation: ``2`` (default): one fused product ``h @ recurrent_kernel``
            for all the gates, then split. ``1``: one smaller product per gate,
            ``h @ recurrent_kernel[:, block]``, the per-gate form of chapter 5's naive
            cell. Same numbers to float precision; Keras' built-ins keep both too.
    """

    def __init__(self, units, implementation=2, **kwargs):
        super().__init__(units, **kwargs)
        checks.check_implementation(self.name, implementation)
        self.implementation = implementation

    def recurrent_products(self, h, kernel, blocks):
        """``h @ kernel`` split into ``blocks`` pieces of ``(batch, units)``."""
        if self.implementation == 1:
            return [ops.matmul(h, k) for k in ops.split(kernel, blocks, axis=-1)]
        return ops.split(ops.matmul(h, kernel), blocks, axis=-1)

    def get_config(self):
        return {**super().get_config(), "implementation": self.implementation}
