"""Input validation for the Keras cells and layers.

Every check raises ``ValueError`` with a message that names the layer, what was
expected and what was given, for example::

    lstm: expected input with 64 features (the kernel was built for 64), got 32

so that a learner never has to decode a bare matrix-multiplication error.

The checks only read *static* shapes (``tensor.shape``), which every Keras 3
backend provides, also while a function is being traced: a dimension that is not
known yet (``None``, e.g. the batch size inside a ``tf.function``) is not checked.
"""

from __future__ import annotations

import numbers

MERGE_MODES = ("concat", "sum", "mul", "ave", None)


def _shape(x) -> tuple:
    """The static shape of a tensor, a ``keras.KerasTensor`` or a NumPy array."""
    return tuple(None if d is None else int(d) for d in x.shape)


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_units(name: str, units) -> None:
    """``units`` (the size of the hidden state) must be an integer >= 1."""
    if not _is_int(units) or units < 1:
        raise ValueError(f"{name}: expected units to be an integer >= 1, got {units!r}")


def check_proj_size(name: str, proj_size, units: int) -> None:
    """An LSTM projection shrinks the hidden state: ``0 <= proj_size < units``.

    ``0`` (or ``None``) means no projection, as in ``torch.nn.LSTM``.
    """
    if proj_size is None:
        return
    if not _is_int(proj_size) or not 0 <= proj_size < units:
        raise ValueError(
            f"{name}: expected proj_size to be 0 (no projection) or an integer in "
            f"[1, units - 1] = [1, {units - 1}], got {proj_size!r}"
        )


def check_rate(name: str, what: str, rate) -> None:
    """Dropout rates are probabilities."""
    if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not 0 <= rate <= 1:
        raise ValueError(f"{name}: expected {what} to be a probability in [0, 1], got {rate!r}")


def check_implementation(name: str, implementation) -> None:
    """``implementation`` is 1 (one recurrent product per gate) or 2 (one fused product)."""
    if implementation not in (1, 2) or isinstance(implementation, bool):
        raise ValueError(f"{name}: expected implementation to be 1 or 2, got {implementation!r}")


def check_use_cudnn(name: str, use_cudnn) -> None:
    """``use_cudnn`` takes the values Keras accepts: ``"auto"``, ``True``, ``False``."""
    if use_cudnn not in ("auto", True, False) or (use_cudnn in (0, 1) and not isinstance(use_cudnn, bool)):
        raise ValueError(f"{name}: expected use_cudnn to be 'auto', True or False, got {use_cudnn!r}")


def check_merge_mode(name: str, merge_mode) -> None:
    """``Bidirectional`` merges the two directions with one of :data:`MERGE_MODES`."""
    if merge_mode not in MERGE_MODES:
        raise ValueError(
            f"{name}: expected merge_mode to be one of 'concat', 'sum', 'mul', 'ave' "
            f"or None, got {merge_mode!r}"
        )


def check_rank(name: str, x, rank: int, layout: str) -> None:
    """``x`` must have ``rank`` dimensions, laid out as ``layout``."""
    shape = _shape(x)
    if len(shape) != rank:
        raise ValueError(
            f"{name}: expected a {rank}-D input {layout}, "
            f"got a {len(shape)}-D input of shape {shape}"
        )


def check_features(name: str, x, features: int) -> None:
    """The last dimension of ``x`` must match the input size the kernel was built for."""
    given = _shape(x)[-1]
    if given is not None and given != features:
        raise ValueError(
            f"{name}: expected input with {features} features (the kernel was built "
            f"for {features}), got {given} (input shape {_shape(x)})"
        )


def check_sequences(name: str, x, features: int | None = None) -> None:
    """A layer's input: 3-D ``(batch, timesteps, features)``, with the built feature size."""
    check_rank(name, x, 3, "(batch, timesteps, features)")
    if features is not None:
        check_features(name, x, features)


def check_states(name: str, states, state_size, batch=None) -> None:
    """Initial states: one tensor ``(batch, size)`` per entry of ``state_size``.

    Args:
        states: list of tensors, as given by the user.
        state_size: list of ints, e.g. ``[units, units]`` for an LSTM.
        batch: the batch size of the input, when it is known statically.
    """
    if len(states) != len(state_size):
        raise ValueError(
            f"{name}: expected {len(state_size)} initial state tensor(s) with shapes "
            f"{[(batch, s) for s in state_size]}, got {len(states)}"
        )
    for k, (state, size) in enumerate(zip(states, state_size)):
        shape = _shape(state)
        ok = len(shape) == 2 and shape[1] in (None, size)
        ok = ok and (batch is None or shape[0] is None or shape[0] == batch)
        if not ok:
            raise ValueError(
                f"{name}: expected initial state {k} of shape {(batch, size)} "
                f"(batch, state_size[{k}]), got shape {shape}"
            )
