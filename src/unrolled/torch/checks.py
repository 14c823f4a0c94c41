"""Input validation for the PyTorch cells and layers.

Every check raises ``ValueError`` with a message that names the module, what was
expected and what was given, for example::

    LSTM: expected input with 64 features (input_size), got 32

so that a learner never has to decode a bare matrix-multiplication error.
"""

from __future__ import annotations

import numbers

import torch


def _shape(t: torch.Tensor) -> tuple[int, ...]:
    return tuple(t.shape)


def check_sizes(name: str, **sizes: int) -> None:
    """Each size (``input_size=...``, ``hidden_size=...``) must be an int >= 1."""
    for what, value in sizes.items():
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            raise ValueError(f"{name}: expected {what} to be an integer >= 1, got {value!r}")


def check_proj_size(name: str, proj_size: int, hidden_size: int) -> None:
    """LSTM projections shrink the hidden state: ``0 <= proj_size < hidden_size``."""
    if (
        isinstance(proj_size, bool)
        or not isinstance(proj_size, numbers.Integral)
        or not 0 <= proj_size < hidden_size
    ):
        raise ValueError(
            f"{name}: expected proj_size to be 0 (no projection) or an integer in "
            f"[1, hidden_size - 1] = [1, {hidden_size - 1}], got {proj_size!r}"
        )


def check_dropout(name: str, dropout: float) -> None:
    """Dropout is a probability."""
    if isinstance(dropout, bool) or not isinstance(dropout, numbers.Real) or not 0 <= dropout <= 1:
        raise ValueError(f"{name}: expected dropout to be a probability in [0, 1], got {dropout!r}")


def check_nonlinearity(name: str, nonlinearity: str) -> None:
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(f"{name}: expected nonlinearity 'tanh' or 'relu', got {nonlinearity!r}")


def check_input(name: str, x: torch.Tensor, input_size: int, ranks: dict[int, str]) -> None:
    """Check the rank of ``x`` and its feature size (its last dimension).

    ``ranks`` maps each accepted rank to the layout it means, e.g.
    ``{1: "(input_size,)", 2: "(batch, input_size)"}`` for a cell.
    """
    if not isinstance(x, torch.Tensor):
        raise ValueError(f"{name}: expected input to be a torch.Tensor, got {type(x).__name__}")
    if x.dim() not in ranks:
        accepted = " or ".join(f"{r}-D {layout}" for r, layout in ranks.items())
        raise ValueError(
            f"{name}: expected input to be {accepted}, got {x.dim()}-D input of shape {_shape(x)}"
        )
    if x.shape[-1] != input_size:
        raise ValueError(
            f"{name}: expected input with {input_size} features (input_size), got {x.shape[-1]}"
        )


def check_state(name: str, what: str, state, expected: tuple[int, ...], layout: str) -> None:
    """Check that one state tensor (``hx``, ``h_0``, ``c_0``, ...) has the expected shape."""
    if not isinstance(state, torch.Tensor):
        raise ValueError(
            f"{name}: expected {what} to be a tensor of shape {expected} {layout}, "
            f"got {type(state).__name__}"
        )
    if _shape(state) != tuple(expected):
        raise ValueError(
            f"{name}: expected {what} of shape {tuple(expected)} {layout}, got {_shape(state)}"
        )


def check_state_pair(name: str, hx, what: str = "hx") -> None:
    """LSTM states come as a pair ``(h, c)``."""
    if not isinstance(hx, (tuple, list)) or len(hx) != 2:
        given = f"a {type(hx).__name__}" if not isinstance(hx, (tuple, list)) else f"{len(hx)} tensors"
        raise ValueError(f"{name}: expected {what} to be a pair (h, c) of tensors, got {given}")
