"""The shared machinery of the Keras cells and layers: the time loop lives here.

Two classes:

- :class:`RecurrentCell`, the base of every cell (``SimpleRNNCell``, ``LSTMCell``,
  ``GRUCell``, ``PeepholeLSTMCell``). It holds what all cells share: the constructor
  arguments of the Keras built-in cells (initializers, regularizers, constraints,
  dropout), the ``get_config`` that serializes them, and the zero initial state.
  A cell splits one time step in two halves:

  - ``project_inputs(x)``: the part that depends on the input only,
    ``x @ kernel + bias`` with shape ``(..., gates * units)``. It has no recurrence,
    so a layer computes it for *all* time steps in one matrix product.
  - ``recurrence(projected, states)``: the part that needs the previous state,
    one fused matrix product ``h_{t-1} @ recurrent_kernel`` for all the gates,
    then the gate equations.

  ``call(inputs, states)`` runs both halves, so a cell also works one step at a time
  inside ``keras.layers.RNN``, exactly like a built-in cell.

- :class:`RNN`, the recurrent layer: it takes a cell and unrolls it over time with
  ``keras.ops.scan``, handling ``go_backwards``, masks (masked steps keep the
  previous state, as in Keras), initial states, ``return_sequences`` and
  ``return_state``. ``SimpleRNN``, ``LSTM`` and ``GRU`` are this layer with their cell.

Only ``keras.ops`` is used, so the same code runs on the TensorFlow, JAX and PyTorch
backends of Keras 3.
"""

from __future__ import annotations

import keras
from keras import ops

from . import checks

_LAYER_BASE_KEYS = ("name", "trainable", "dtype", "autocast", "activity_regularizer")


def state_sizes(cell) -> list[int]:
    """``cell.state_size`` as a list: ``128 -> [128]``, ``[128, 128]`` unchanged."""
    size = cell.state_size
    return [size] if isinstance(size, int) else list(size)


@keras.saving.register_keras_serializable(package="unrolled")
class RecurrentCell(keras.layers.Layer):
    """Base class of the cells: shared arguments, weights helpers and config.

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

    Subclasses set ``self.gates`` (blocks in the kernels), ``state_size`` and
    ``output_size``, and implement ``build``, ``project_inputs`` and ``recurrence``.
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
        name = type(self).__name__
        checks.check_units(name, units)
        checks.check_rate(name, "dropout", dropout)
        checks.check_rate(name, "recurrent_dropout", recurrent_dropout)
        self.units = units
        self.activation = keras.activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.recurrent_initializer = keras.initializers.get(recurrent_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = keras.regularizers.get(recurrent_regularizer)
        self.bias_regularizer = keras.regularizers.get(bias_regularizer)
        self.kernel_constraint = keras.constraints.get(kernel_constraint)
        self.recurrent_constraint = keras.constraints.get(recurrent_constraint)
        self.bias_constraint = keras.constraints.get(bias_constraint)
        self.dropout = float(dropout)
        self.recurrent_dropout = float(recurrent_dropout)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.state_size = units
        self.output_size = units

    # -- weights -----------------------------------------------------------------
    def _check_build_shape(self, input_shape) -> int:
        """The input size from a build shape ``(batch, input_dim)``."""
        if len(input_shape) < 2 or input_shape[-1] is None:
            raise ValueError(
                f"{self.name}: expected an input shape (batch, input_dim) with a known "
                f"input_dim, got {tuple(input_shape)}"
            )
        return int(input_shape[-1])

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
            ``(..., gates * units)``.
        """
        z = ops.matmul(inputs, self.kernel)
        if self.use_bias:
            z = z + self.bias
        return z

    def recurrence(self, projected, states, recurrent_mask=None):
        """Recurrent half of a step; returns ``(output, new_states)``."""
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
        output, new_states = self.recurrence(self.project_inputs(inputs), states, recurrent_mask)
        return output, (new_states if nested else new_states[0])

    def recurrent_dropout_mask(self, h):
        """A mask of 0 and ``1 / (1 - recurrent_dropout)``, shaped like ``h``."""
        return keras.random.dropout(ops.ones_like(h), self.recurrent_dropout, seed=self.seed_generator)

    def get_initial_state(self, batch_size=None):
        """Zeros: one ``(batch_size, size)`` tensor per entry of ``state_size``."""
        return [ops.zeros((batch_size, size), dtype=self.compute_dtype) for size in state_sizes(self)]

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


@keras.saving.register_keras_serializable(package="unrolled")
class RNN(keras.layers.Layer):
    """A recurrent layer: unrolls one of our cells over the time axis.

    The loop, step by step::

        z = cell.project_inputs(x)            # (batch, T, gates*units): all steps at once
        for t in range(T):                    # keras.ops.scan over the time axis
            output, states = cell.recurrence(z[:, t], states)
            # a masked step keeps the previous state and repeats the previous output

    Args:
        cell: one of the cells of this package (``LSTMCell(64)``, ...).
        return_sequences: return the outputs of all steps
            ``(batch, timesteps, output_size)`` instead of the last one
            ``(batch, output_size)``. Default ``False``.
        return_state: also return the final states (a list after the output).
        go_backwards: process the sequence from its last step to its first; the
            returned sequence is then in that (reversed) order, as in Keras.
        zero_output_for_mask: masked steps output zeros instead of repeating the
            previous output (``Bidirectional`` turns this on with
            ``return_sequences``, as Keras does).
        stateful: only ``False`` is supported.

    Call arguments:
        sequences: ``(batch, timesteps, features)``.
        initial_state: list of ``(batch, state_size[k])`` tensors (zeros if omitted).
        mask: ``(batch, timesteps)`` booleans, ``True`` for the steps to use; filled
            in by Keras from ``Embedding(mask_zero=True)`` or ``Masking``.
        training: apply dropout when ``True``.

    Returns:
        The output, followed by the final states when ``return_state``: for an
        ``LSTM`` ``[output, h, c]`` with ``h`` ``(batch, proj_size or units)`` and
        ``c`` ``(batch, units)``.
    """

    def __init__(
        self,
        cell,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        zero_output_for_mask=False,
        stateful=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not hasattr(cell, "project_inputs") or not hasattr(cell, "recurrence"):
            raise ValueError(
                f"{self.name}: expected a cell of unrolled.keras (with project_inputs and "
                f"recurrence), got {type(cell).__name__}; use keras.layers.RNN for other cells"
            )
        if stateful:
            raise ValueError(f"{self.name}: expected stateful=False (stateful layers are not supported), got True")
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.zero_output_for_mask = zero_output_for_mask
        self.stateful = False
        self.supports_masking = True
        # keras.ops.scan on TensorFlow cannot be differentiated under XLA, so
        # model.compile(jit_compile="auto") must not pick XLA for a model with this layer.
        self.supports_jit = False

    # -- shapes ----------------------------------------------------------------------
    @property
    def state_size(self):
        return state_sizes(self.cell)

    def build(self, sequences_shape, initial_state_shape=None):
        sequences_shape = tuple(sequences_shape)
        if len(sequences_shape) != 3:
            raise ValueError(
                f"{self.name}: expected a 3-D input (batch, timesteps, features), "
                f"got a {len(sequences_shape)}-D input of shape {sequences_shape}"
            )
        if not self.cell.built:
            self.cell.build((sequences_shape[0], sequences_shape[2]))
            self.cell.built = True

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch, steps = sequences_shape[0], sequences_shape[1]
        if self.return_sequences:
            output_shape = (batch, steps, self.cell.output_size)
        else:
            output_shape = (batch, self.cell.output_size)
        if self.return_state:
            return (output_shape, *[(batch, size) for size in self.state_size])
        return output_shape

    def compute_mask(self, sequences, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None for _ in self.state_size]
        return output_mask

    # -- the time loop -------------------------------------------------------------------
    def call(self, sequences, initial_state=None, mask=None, training=False):
        cell = self.cell
        checks.check_sequences(self.name, sequences, cell.kernel.shape[0])
        batch = ops.shape(sequences)[0]
        dtype = cell.compute_dtype

        # Initial states: zeros, or the user's, checked and cast.
        if initial_state is None:
            states = cell.get_initial_state(batch_size=batch)
        else:
            if not isinstance(initial_state, (list, tuple)):
                initial_state = [initial_state]
            checks.check_states(self.name, list(initial_state), self.state_size, sequences.shape[0])
            states = [ops.cast(s, dtype) for s in initial_state]

        # Dropout: one mask per sequence, shared by all its steps.
        recurrent_mask = None
        if training and cell.dropout > 0:
            keep = ops.ones((batch, 1, sequences.shape[-1]), dtype=dtype)
            sequences = sequences * keras.random.dropout(keep, cell.dropout, seed=cell.seed_generator)
        if training and cell.recurrent_dropout > 0:
            recurrent_mask = cell.recurrent_dropout_mask(states[0])

        # 1. The input half of every step, all steps at once: (batch, T, gates*units),
        #    then time-major (T, batch, gates*units) for the scan.
        projected = ops.transpose(cell.project_inputs(sequences), (1, 0, 2))
        if mask is not None:
            if isinstance(mask, (list, tuple)):
                mask = mask[0]
            keep_steps = ops.expand_dims(ops.transpose(ops.cast(mask, "bool")), -1)  # (T, batch, 1)
        if self.go_backwards:
            projected = ops.flip(projected, axis=0)
            if mask is not None:
                keep_steps = ops.flip(keep_steps, axis=0)

        # 2. The recurrent half, one step at a time. The carry is
        #    (output of the previous step, states); a masked step keeps both.
        def step(carry, inputs):
            previous_output, states = carry
            z_t, keep_t = inputs if mask is not None else (inputs, None)
            output, new_states = cell.recurrence(z_t, states, recurrent_mask)
            if keep_t is not None:
                new_states = [ops.where(keep_t, new, old) for new, old in zip(new_states, states)]
                skipped = ops.zeros_like(output) if self.zero_output_for_mask else previous_output
                output = ops.where(keep_t, output, skipped)
            carry = (output, list(new_states))
            return carry, carry  # keras.ops.scan (TF) wants outputs shaped like the carry

        first_output = ops.zeros((batch, cell.output_size), dtype=dtype)
        xs = (projected, keep_steps) if mask is not None else projected
        (last_output, states), (outputs, _) = ops.scan(step, (first_output, list(states)), xs)

        if self.return_sequences:
            output = ops.transpose(outputs, (1, 0, 2))  # back to (batch, T, output_size)
        else:
            output = last_output
        if self.return_state:
            return output, *states
        return output

    # -- serialization ---------------------------------------------------------------
    def get_config(self):
        config = super().get_config()
        config.update(
            return_sequences=self.return_sequences,
            return_state=self.return_state,
            go_backwards=self.go_backwards,
            zero_output_for_mask=self.zero_output_for_mask,
        )
        if type(self) is RNN:
            config["cell"] = keras.saving.serialize_keras_object(self.cell)
        else:
            # SimpleRNN, LSTM, GRU: the cell's arguments are the layer's arguments.
            cell_config = self.cell.get_config()
            config.update({k: v for k, v in cell_config.items() if k not in _LAYER_BASE_KEYS})
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if "cell" in config:
            config["cell"] = keras.saving.deserialize_keras_object(config["cell"], custom_objects=custom_objects)
        return cls(**config)
