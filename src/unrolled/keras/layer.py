"""The unroller: one recurrent layer = one cell applied at every time step.

:class:`RNN` takes one of our cells (``cell.py``) and unrolls it over time. It is the
*generic* unroller, like ``keras.layers.RNN``: ``uk.RNN(uk.PeepholeLSTMCell(64))``.
(Not to be confused with ``unrolled.torch.RNN``, which is the Elman layer, like
``torch.nn.RNN``; the Keras Elman layer is :class:`~unrolled.keras.SimpleRNN`.)
``SimpleRNN``, ``LSTM`` and ``GRU`` are this layer with their cell.

The loop, step by step::

    x_proj = cell.project_inputs(x)       # (batch, T, gates*units): all steps at once
    for t in range(T):                    # keras.ops.scan, or a Python loop (unroll=True)
        output, states = cell.step(x_proj[:, t], states)
        # a masked step keeps the previous state and repeats the previous output

It handles ``go_backwards``, masks (masked steps keep the previous state, as in
Keras), initial states, ``return_sequences``, ``return_state`` and ``stateful``.
Only ``keras.ops`` is used, so the same code runs on the TensorFlow, JAX and PyTorch
backends of Keras 3.
"""

from __future__ import annotations

import keras
from keras import ops

from . import checks
from .cell import state_sizes

_LAYER_BASE_KEYS = ("name", "trainable", "dtype", "autocast", "activity_regularizer")


@keras.saving.register_keras_serializable(package="unrolled")
class RNN(keras.layers.Layer):
    """A recurrent layer: unrolls one of our cells over the time axis.

    Args:
        cell: one of the cells of this package (``LSTMCell(64)``, ...).
        return_sequences: return the outputs of all steps
            ``(batch, timesteps, output_size)`` instead of the last one
            ``(batch, output_size)``. Default ``False``.
        return_state: also return the final states (a list after the output).
        go_backwards: process the sequence from its last step to its first; the
            returned sequence is then in that (reversed) order, as in Keras.
        stateful: keep the final states of a batch as the initial states of the
            next one (row ``k`` continues row ``k``). Needs a fixed batch size
            (``keras.Input(..., batch_size=N)``), as Keras; ``reset_states()``
            sets them back to zeros.
        unroll: ``True`` runs the time loop as a Python ``for`` loop (the number of
            steps must be known), ``False`` (default) as ``keras.ops.scan``. Same
            numbers either way.
        zero_output_for_mask: masked steps output zeros instead of repeating the
            previous output (``Bidirectional`` turns this on with
            ``return_sequences``, as Keras does).

    Call arguments:
        sequences: ``(batch, timesteps, features)``.
        initial_state: list of ``(batch, state_size[k])`` tensors (zeros, or the
            stored states when ``stateful``, if omitted).
        mask: ``(batch, timesteps)`` booleans, ``True`` for the steps to use; filled
            in by Keras from ``Embedding(mask_zero=True)`` or ``Masking``.
        training: apply dropout when ``True``.

    Returns:
        The output, followed by the final states when ``return_state``: for an
        ``LSTM`` ``[output, h, c]`` with ``h`` ``(batch, proj_size or units)`` and
        ``c`` ``(batch, units)``.
    """

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, zero_output_for_mask=False, **kwargs):
        super().__init__(**kwargs)
        if not hasattr(cell, "project_inputs") or not hasattr(cell, "step"):
            raise ValueError(
                f"{self.name}: expected a cell of unrolled.keras (with project_inputs and "
                f"step), got {type(cell).__name__}; use keras.layers.RNN for other cells"
            )
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.zero_output_for_mask = zero_output_for_mask
        self.states = None  # the stored states of a stateful layer (Variables)
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
        if self.stateful and self.states is None:
            self._create_state_variables(sequences_shape)

    def _create_state_variables(self, sequences_shape):
        batch = sequences_shape[0]
        if batch is None:
            raise ValueError(
                f"{self.name}: expected a fixed batch size with stateful=True (give "
                f"keras.Input(..., batch_size=N)), got the input shape {sequences_shape}"
            )
        states = [
            keras.Variable(s, trainable=False, dtype=self.variable_dtype, name="rnn_state")
            for s in self.cell.get_initial_state(batch_size=int(batch))
        ]
        # Not through Layer.__setattr__: like Keras', the stored states are not weights
        # (get_weights/set_weights and saved models do not include them).
        self.__dict__["states"] = states

    def reset_states(self):
        """Set the stored states of a stateful layer back to zeros."""
        for v in self.states or []:
            v.assign(ops.zeros_like(v.value))

    reset_state = reset_states  # Keras 3 has both names

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

    # -- the call ------------------------------------------------------------------------
    def call(self, sequences, initial_state=None, mask=None, training=False):
        cell = self.cell
        checks.check_sequences(self.name, sequences, cell.kernel.shape[0])
        if self.unroll and sequences.shape[1] is None:
            raise ValueError(
                f"{self.name}: expected a known number of time steps with unroll=True, "
                f"got the input shape {tuple(sequences.shape)}"
            )
        states = self._initial_states(sequences, initial_state)
        sequences, recurrent_mask = self._dropout_masks(sequences, states, training)
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        last_output, outputs, states = self._loop(cell.project_inputs(sequences), states,
                                                  mask, recurrent_mask)
        if self.stateful:
            for variable, state in zip(self.states, states):
                variable.assign(ops.cast(state, variable.dtype))
        dtype = self.compute_dtype  # the layer's dtype policy decides what it returns
        output = outputs if self.return_sequences else last_output
        output = ops.cast(output, dtype)
        if self.return_state:
            return output, *[ops.cast(s, dtype) for s in states]
        return output

    def _initial_states(self, sequences, initial_state):
        """The user's states (checked and cast), the stored ones, or zeros."""
        dtype = self.cell.compute_dtype
        if initial_state is None:
            if self.stateful:
                return [ops.cast(ops.copy(v.value), dtype) for v in self.states]
            return self.cell.get_initial_state(batch_size=ops.shape(sequences)[0])
        if not isinstance(initial_state, (list, tuple)):
            initial_state = [initial_state]
        checks.check_states(self.name, list(initial_state), self.state_size, sequences.shape[0])
        return [ops.cast(s, dtype) for s in initial_state]

    def _dropout_masks(self, sequences, states, training):
        """Variational dropout: one mask per sequence, shared by all its steps."""
        cell, recurrent_mask = self.cell, None
        if training and cell.dropout > 0:
            keep = ops.ones((ops.shape(sequences)[0], 1, sequences.shape[-1]), dtype=sequences.dtype)
            sequences = sequences * keras.random.dropout(keep, cell.dropout, seed=cell.seed_generator)
        if training and cell.recurrent_dropout > 0:
            recurrent_mask = cell.recurrent_dropout_mask(states[0])
        return sequences, recurrent_mask

    # -- the time loop -------------------------------------------------------------------
    def _loop(self, x_proj, states, mask, recurrent_mask):
        """Run ``cell.step`` over time.

        Args:
            x_proj: ``(batch, T, gates * units)``, the input halves of all steps.
            states: list of ``(batch, size)`` initial states.
            mask: ``(batch, T)`` booleans or ``None``.

        Returns:
            ``(last_output, outputs, states)`` with ``outputs``
            ``(batch, T, output_size)`` in processing order.
        """
        cell = self.cell
        x_proj = ops.transpose(x_proj, (1, 0, 2))  # time-major (T, batch, gates*units)
        keep = None
        if mask is not None:
            keep = ops.expand_dims(ops.transpose(ops.cast(mask, "bool")), -1)  # (T, batch, 1)
        if self.go_backwards:
            x_proj = ops.flip(x_proj, axis=0)
            keep = None if keep is None else ops.flip(keep, axis=0)

        def one_step(carry, inputs):
            """The carry is (output of the previous step, states); a masked step keeps both."""
            previous_output, states = carry
            x_proj_t, keep_t = inputs
            output, new_states = cell.step(x_proj_t, states, recurrent_mask)
            if keep_t is not None:
                new_states = [ops.where(keep_t, new, old) for new, old in zip(new_states, states)]
                skipped = ops.zeros_like(output) if self.zero_output_for_mask else previous_output
                output = ops.where(keep_t, output, skipped)
            return output, list(new_states)

        first_output = ops.zeros((ops.shape(x_proj)[1], cell.output_size), dtype=x_proj.dtype)
        carry = (first_output, list(states))
        if self.unroll:  # literally the loop of the module docstring
            outputs = []
            for t in range(x_proj.shape[0]):
                carry = one_step(carry, (x_proj[t], None if keep is None else keep[t]))
                outputs.append(carry[0])
            outputs = ops.stack(outputs)
        else:
            def scan_step(carry, inputs):
                carry = one_step(carry, inputs if keep is not None else (inputs, None))
                return carry, carry  # keras.ops.scan (TF) wants outputs shaped like the carry

            xs = (x_proj, keep) if keep is not None else x_proj
            carry, (outputs, _) = ops.scan(scan_step, carry, xs)
        last_output, states = carry
        return last_output, ops.transpose(outputs, (1, 0, 2)), states

    # -- serialization ---------------------------------------------------------------
    def get_config(self):
        config = super().get_config()
        config.update(
            return_sequences=self.return_sequences,
            return_state=self.return_state,
            go_backwards=self.go_backwards,
            stateful=self.stateful,
            unroll=self.unroll,
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
            config["cell"] = keras.saving.deserialize_keras_object(
                config["cell"], custom_objects=custom_objects
            )
        return cls(**config)


def cell_arguments(cls_name, arguments, kwargs):
    """Split a layer's constructor arguments into the cell's and the layer's.

    ``arguments`` is ``locals()`` of the layer's ``__init__`` (``SimpleRNN``, ``LSTM``,
    ``GRU`` list every argument of the Keras built-in, so that any built-in config
    loads): everything but the layer arguments goes to the cell, which also gets the
    layer's ``dtype`` and ``trainable``; the layer arguments and ``kwargs`` (name,
    dtype, ...) go to :class:`RNN`.
    """
    layer_keys = ("return_sequences", "return_state", "go_backwards", "stateful",
                  "unroll", "zero_output_for_mask")
    cell_kw = {k: v for k, v in arguments.items()
               if k not in layer_keys
               and k not in ("self", "kwargs", "__class__", "use_cudnn", "activity_regularizer")}
    cell_kw.update(dtype=kwargs.get("dtype"), trainable=kwargs.get("trainable", True),
                   name=cls_name)
    layer_kw = {k: arguments[k] for k in layer_keys}
    layer_kw["activity_regularizer"] = arguments.get("activity_regularizer")
    return cell_kw, {**layer_kw, **kwargs}
