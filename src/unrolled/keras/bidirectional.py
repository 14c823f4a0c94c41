"""A bidirectional wrapper, like ``keras.layers.Bidirectional``.

It runs two copies of a recurrent layer over the same sequence, one from the first
step to the last and one from the last to the first, and merges their outputs::

    y_fwd = forward_layer(x)                          # (batch, T, H) or (batch, H)
    y_bwd = backward_layer(x)                         # the same, computed backwards
    y_bwd = flip(y_bwd, axis=1)  # with return_sequences: align step t with step t
    output = merge(y_fwd, y_bwd)                      # 'concat': (batch, ..., 2H)

It wraps our layers (``unrolled.keras.LSTM``, ...) and the built-in ones
(``keras.layers.LSTM``, ...) alike. Its weights are the forward layer's followed by
the backward layer's, as in Keras, so ``get_weights``/``set_weights`` round-trip
with ``keras.layers.Bidirectional``.
"""

from __future__ import annotations

import keras
from keras import ops

from . import checks


def _copy_layer(layer, **changes):
    """A fresh layer built from ``layer``'s config with ``changes`` (not its weights)."""
    config = {**layer.get_config(), **changes}
    return type(layer).from_config(config)


def _strip(prefix: str, name: str) -> str:
    return name[len(prefix) :] if name.startswith(prefix) else name


@keras.saving.register_keras_serializable(package="unrolled")
class Bidirectional(keras.layers.Layer):
    """Bidirectional wrapper for recurrent layers.

    Args:
        layer: a recurrent layer (ours or Keras'), e.g. ``LSTM(64, return_sequences=True)``.
            The wrapper makes two fresh copies of it (freshly initialized weights).
        merge_mode: how the two outputs are combined: ``"concat"`` (default, last axis
            doubles), ``"sum"``, ``"mul"``, ``"ave"``, or ``None`` (a list
            ``[forward, backward]``).
        backward_layer: optional layer for the backward direction; it must have the
            opposite ``go_backwards`` and the same ``return_sequences`` /
            ``return_state``.

    Call arguments: those of the wrapped layer. ``initial_state`` is a list whose
    first half goes to the forward layer and second half to the backward layer.

    Returns:
        The merged output; with ``return_state``, followed by the forward layer's
        final states and then the backward layer's.

    With ``return_sequences``, masked steps output zeros in both directions (as in
    Keras), so that the merge at a padded step is not polluted by a repeated output.
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        super().__init__(**kwargs)
        checks.check_merge_mode(self.name, merge_mode)
        if not isinstance(layer, keras.layers.Layer):
            raise ValueError(f"{self.name}: expected a keras Layer to wrap, got {type(layer).__name__}")
        self.forward_layer = _copy_layer(layer, name=f"forward_{_strip('forward_', layer.name)}")
        if backward_layer is None:
            backward_layer = _copy_layer(
                layer,
                go_backwards=not layer.go_backwards,
                name=f"backward_{_strip('backward_', layer.name)}",
            )
        self.backward_layer = backward_layer
        if hasattr(layer, "use_cudnn"):  # not in the built-ins' configs: copy it, as Keras does
            self.forward_layer.use_cudnn = self.backward_layer.use_cudnn = layer.use_cudnn
        self._check_directions()
        for direction in (self.forward_layer, self.backward_layer):
            if hasattr(direction, "zero_output_for_mask"):
                direction.zero_output_for_mask = direction.return_sequences
        self.merge_mode = merge_mode
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.stateful = getattr(layer, "stateful", False)
        self.supports_masking = True
        self._initial_weights = weights

    def reset_states(self):
        """Zero the stored states of both directions (``stateful`` layers)."""
        self.forward_layer.reset_states()
        self.backward_layer.reset_states()

    reset_state = reset_states

    def _check_directions(self):
        fwd, bwd = self.forward_layer, self.backward_layer
        if fwd.go_backwards == bwd.go_backwards:
            raise ValueError(
                f"{self.name}: expected the backward layer to have go_backwards="
                f"{not fwd.go_backwards}, got {bwd.go_backwards}"
            )
        for attribute in ("return_sequences", "return_state"):
            if getattr(fwd, attribute) != getattr(bwd, attribute):
                raise ValueError(
                    f"{self.name}: expected the backward layer to have {attribute}="
                    f"{getattr(fwd, attribute)}, got {getattr(bwd, attribute)}"
                )

    def build(self, sequences_shape, initial_state_shape=None):
        for direction in (self.forward_layer, self.backward_layer):
            if not direction.built:
                direction.build(sequences_shape)
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def _merge(self, y, y_rev):
        if self.merge_mode == "concat":
            return ops.concatenate([y, y_rev], axis=-1)
        if self.merge_mode == "sum":
            return y + y_rev
        if self.merge_mode == "ave":
            return (y + y_rev) / 2
        if self.merge_mode == "mul":
            return y * y_rev
        return [y, y_rev]  # merge_mode=None

    def call(self, sequences, initial_state=None, mask=None, training=False):
        forward_state = backward_state = None
        if initial_state is not None:
            if not isinstance(initial_state, (list, tuple)) or len(initial_state) % 2:
                count = len(initial_state) if isinstance(initial_state, (list, tuple)) else 1
                raise ValueError(
                    f"{self.name}: expected initial_state to be a list with the forward "
                    f"states then the backward states (an even count), got {count} tensor(s)"
                )
            half = len(initial_state) // 2
            forward_state, backward_state = list(initial_state[:half]), list(initial_state[half:])

        y = self.forward_layer(sequences, initial_state=forward_state, mask=mask, training=training)
        y_rev = self.backward_layer(sequences, initial_state=backward_state, mask=mask, training=training)
        states = []
        if self.return_state:
            states = list(y[1:]) + list(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        # The wrapper's dtype policy decides what it returns (mixed_float16 -> float16).
        y, y_rev = ops.cast(y, self.compute_dtype), ops.cast(y_rev, self.compute_dtype)
        if self.return_sequences:
            y_rev = ops.flip(y_rev, axis=1)  # step t of the backward pass back at position t
        output = self._merge(y, y_rev)
        if self.return_state:
            return (output if isinstance(output, list) else [output]) + states
        return output

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        shape = self.forward_layer.compute_output_shape(sequences_shape)
        state_shapes = []
        if self.return_state:
            shape, state_shapes = shape[0], list(shape[1:])
        if self.merge_mode == "concat":
            shape = (*shape[:-1], shape[-1] * 2)
        outputs = [tuple(shape), tuple(shape)] if self.merge_mode is None else [tuple(shape)]
        if self.return_state:
            return outputs + state_shapes + state_shapes
        return outputs if self.merge_mode is None else outputs[0]

    def compute_mask(self, sequences, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        output_masks = [output_mask, output_mask] if self.merge_mode is None else [output_mask]
        if self.return_state:
            n_states = 2 * len(getattr(self.forward_layer, "state_size", [None]))
            return output_masks + [None] * n_states
        return output_masks if self.merge_mode is None else output_mask

    def get_config(self):
        config = {
            "merge_mode": self.merge_mode,
            "layer": keras.saving.serialize_keras_object(self.forward_layer),
            "backward_layer": keras.saving.serialize_keras_object(self.backward_layer),
        }
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["layer"] = keras.saving.deserialize_keras_object(config["layer"], custom_objects=custom_objects)
        if config.get("backward_layer") is not None:
            config["backward_layer"] = keras.saving.deserialize_keras_object(
                config["backward_layer"], custom_objects=custom_objects
            )
        return cls(**config)
