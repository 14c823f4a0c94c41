"""Input validation for the PyTorch cells and layers.

Every check raises the exception type ``torch.nn`` raises for the same mistake, so
code that catches the built-in's exceptions catches ours, with a message that names
the module, what was expected and what was given, and that contains the built-in's
own key phrase (so a search for the built-in's message finds ours), for example::

    LSTM: expected input with 64 features (input_size), got 32
    (input.size(-1) must be equal to input_size. Expected 64, got 32)

Shape and dtype mistakes raise :class:`InputError`, which is both a ``RuntimeError``
(what ``torch.nn`` raises) and a ``ValueError`` (what this package promised
before), so that a learner never has to decode a bare matrix-multiplication error.
"""

from __future__ import annotations

import numbers

import torch


class InputError(ValueError, RuntimeError):
    """A tensor of the wrong shape or dtype: ``RuntimeError`` like ``torch.nn``, and
    ``ValueError`` as this package promised."""


def _shape(t: torch.Tensor) -> tuple[int, ...]:
    return tuple(t.shape)


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_sizes(name: str, minimum: int = 1, **sizes: int) -> None:
    """Each size must be an ``int`` (``TypeError``) and ``>= minimum``.

    Layers need sizes >= 1 (``ValueError`` "... must be greater than zero", as
    ``torch.nn.LSTM``); cells accept 0, as ``torch.nn.LSTMCell`` does.
    """
    for what, value in sizes.items():
        if not _is_int(value):
            raise TypeError(f"{name}: {what} should be of type int, got: {type(value).__name__}")
        if value < minimum:
            message = f"{name}: expected {what} to be an integer >= {minimum}, got {value!r}"
            if minimum == 1:  # the layers: ValueError, as torch.nn.LSTM
                raise ValueError(f"{message} ({what} must be greater than zero)")
            raise InputError(message)  # the cells: torch.nn.LSTMCell raises a RuntimeError


def check_flags(name: str, **flags) -> None:
    """``bias`` and ``batch_first`` of a layer must be ``bool`` (``TypeError``, as torch.nn)."""
    for what, value in flags.items():
        if not isinstance(value, bool):
            raise TypeError(f"{name}: {what} should be of type bool, got: {type(value).__name__}")


def check_proj_size(name: str, proj_size: int, hidden_size: int) -> None:
    """LSTM projections shrink the hidden state: ``0 <= proj_size < hidden_size``."""
    if not _is_int(proj_size) or not 0 <= proj_size < hidden_size:
        raise ValueError(
            f"{name}: expected proj_size to be 0 (no projection) or an integer in "
            f"[1, hidden_size - 1] = [1, {hidden_size - 1}], got {proj_size!r}"
        )


def check_no_proj_size(name: str, proj_size) -> None:
    """RNN and GRU have no projection (``ValueError``, as torch.nn)."""
    if proj_size != 0:
        raise ValueError(f"{name}: proj_size argument is only supported for LSTM, not RNN "
                         f"or GRU; got proj_size={proj_size!r}")


def check_dropout(name: str, dropout: float) -> None:
    """Dropout is a probability."""
    if isinstance(dropout, bool) or not isinstance(dropout, numbers.Real) or not 0 <= dropout <= 1:
        raise ValueError(f"{name}: expected dropout to be a probability in [0, 1], got {dropout!r}")


def check_nonlinearity(name: str, nonlinearity: str) -> None:
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(f"{name}: expected nonlinearity 'tanh' or 'relu', got {nonlinearity!r} "
                         f"(Unknown nonlinearity {nonlinearity!r}. Select from 'tanh' or 'relu'.)")


def check_input(name: str, x: torch.Tensor, input_size: int, ranks: dict[int, str],
                like: torch.Tensor | None = None) -> None:
    """Check the rank of ``x``, its feature size (last dimension) and its dtype.

    ``ranks`` maps each accepted rank to the layout it means, e.g.
    ``{1: "(input_size,)", 2: "(batch, input_size)"}`` for a cell; ``like`` is a
    weight whose dtype the input must have.
    """
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name}: expected input to be a torch.Tensor, got {type(x).__name__}")
    if x.dim() not in ranks:
        accepted = " or ".join(f"{r}-D {layout}" for r, layout in ranks.items())
        raise ValueError(
            f"{name}: expected input to be {accepted}, got {x.dim()}-D input of shape {_shape(x)}"
        )
    if x.shape[-1] != input_size:
        raise InputError(
            f"{name}: expected input with {input_size} features (input_size), got "
            f"{x.shape[-1]} (input.size(-1) must be equal to input_size. Expected "
            f"{input_size}, got {x.shape[-1]})"
        )
    if like is not None and x.dtype != like.dtype:
        raise InputError(
            f"{name}: expected input of dtype {like.dtype} (the dtype of the weights), got "
            f"{x.dtype}; convert the input (input.to({like.dtype})) or the module "
            f"(module.to({x.dtype}))"
        )


def check_length(name: str, steps: int) -> None:
    """A sequence has at least one step (``RuntimeError``, as torch.nn)."""
    if steps < 1:
        raise InputError(f"{name}: expected at least one time step, got an input with "
                         f"{steps} (Expected sequence length to be larger than 0 in RNN)")


def check_state(name: str, what: str, state, expected: tuple[int, ...], layout: str) -> None:
    """Check that one state tensor (``hx``, ``h_0``, ``c_0``, ...) has the expected shape."""
    if not isinstance(state, torch.Tensor):
        raise TypeError(
            f"{name}: expected {what} to be a tensor of shape {expected} {layout}, "
            f"got {type(state).__name__}"
        )
    if _shape(state) != tuple(expected):
        raise InputError(
            f"{name}: expected {what} of shape {tuple(expected)} {layout}, got "
            f"{_shape(state)} (Expected hidden size {tuple(expected)}, got {list(state.shape)})"
        )


def check_state_pair(name: str, hx, what: str = "hx") -> None:
    """LSTM states come as a pair ``(h, c)``."""
    if not isinstance(hx, (tuple, list)) or len(hx) != 2:
        given = f"a {type(hx).__name__}" if not isinstance(hx, (tuple, list)) else f"{len(hx)} tensors"
        raise InputError(f"{name}: expected {what} to be a pair (h, c) of tensors, got {given}")
