"""Checks for the exercises: they pass silently or raise ``CheckFailed`` with a message
that says what is wrong (a shape, a transposed matrix, the gate order, a missing bias),
not only that something is.

Every check takes a ``name`` (how the learner's value is called in the exercise, e.g.
``"rnn_step(x, h, ...)"``) and values that may be NumPy arrays, PyTorch tensors, Keras
or TensorFlow tensors, or plain numbers. References are computed in float64 NumPy.
"""

import math

import numpy as np


class CheckFailed(AssertionError):
    """A check failed; the message explains what is wrong and how to look for it."""


# --------------------------------------------------------------------------- basics


def to_numpy(x):
    """A float64 NumPy copy of an array-like (NumPy, torch, Keras/TF/JAX tensor, number)."""
    if x is None:
        return None
    mod = type(x).__module__
    if mod.startswith("torch"):
        x = x.detach().cpu().double().numpy()
    elif hasattr(x, "numpy") and not isinstance(x, np.ndarray):
        x = x.numpy()
    elif not isinstance(x, (np.ndarray, list, tuple, int, float, np.number)):
        try:
            import keras

            x = keras.ops.convert_to_numpy(x)
        except Exception:  # noqa: BLE001 - fall through to np.asarray's own error
            pass
    arr = np.asarray(x)
    return arr.astype(np.float64) if arr.dtype.kind in "biuf" else arr


def _shape(x):
    if isinstance(x, tuple) and all(isinstance(d, (int, np.integer)) for d in x):
        return tuple(int(d) for d in x)
    if hasattr(x, "shape"):
        return tuple(int(d) for d in x.shape)
    return tuple(np.shape(x))


def _fmt(shape):
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def check(condition, message):
    """Raise ``CheckFailed(message)`` unless ``condition`` is true."""
    if not condition:
        raise CheckFailed(message)


def check_not_none(name, got):
    check(got is not None, f"{name} returned None: did you forget a `return` statement?")


def check_tuple(name, got, length, what=None):
    """``got`` is a tuple or list of ``length`` items; ``what`` names them, e.g. ``"(h, c)"``."""
    check_not_none(name, got)
    what = what or f"{length} values"
    check(isinstance(got, (tuple, list)),
          f"{name} should return a tuple {what}, but returned a {type(got).__name__}.")
    check(len(got) == length,
          f"{name} should return {length} values {what}, but returned {len(got)}.")


def check_shape(name, got, expected, dims=None):
    """``got`` (an array or a shape) has shape ``expected``.

    ``dims`` names the axes, e.g. ``("batch", "hidden_size")``, for the message. The
    message points out a transposed matrix, swapped batch/time axes and a missing or
    extra axis.
    """
    check_not_none(name, got)
    have, want = _shape(got), tuple(int(d) for d in expected)
    if have == want:
        return
    msg = f"{name} has shape {_fmt(have)} but should have shape {_fmt(want)}"
    if dims:
        msg += " = " + _fmt(dims).replace("'", "")
    msg += "."
    if len(have) == len(want) == 2 and have == want[::-1]:
        msg += " It looks transposed: check the order of the factors in your matrix product (x @ W.T vs W @ x)."
    elif len(have) == len(want) >= 3 and have[:2] == want[1::-1] and have[2:] == want[2:]:
        msg += (" The first two axes are swapped: time and batch. Check `batch_first` "
                "(False: (seq_len, batch, ...), True: (batch, seq_len, ...)).")
    elif len(have) == len(want) + 1 and 1 in have:
        msg += " It has an extra axis of size 1: squeeze it or index it away."
    elif len(have) + 1 == len(want):
        msg += " An axis is missing."
    elif sorted(have) == sorted(want):
        msg += " The axes are in the wrong order."
    raise CheckFailed(msg)


def _max_diff(a, b):
    with np.errstate(invalid="ignore"):
        return float(np.nanmax(np.abs(a - b))) if a.size else 0.0


def is_close(got, expected, atol=1e-5, rtol=1e-4):
    a, b = to_numpy(got), to_numpy(expected)
    return a.shape == b.shape and bool(np.allclose(a, b, atol=atol, rtol=rtol))


def check_close(name, got, expected, *, atol=1e-5, rtol=1e-4, hint=None, alternatives=None, dims=None):
    """``got`` equals ``expected`` to float32 precision (shape first, then values).

    ``alternatives`` maps a description of a typical mistake to the value that mistake
    produces; when ``got`` matches one, the message names the mistake. ``hint`` is added
    to the message of any other mismatch.
    """
    check_not_none(name, got)
    exp = to_numpy(expected)
    check_shape(name, got, exp.shape, dims)
    arr = to_numpy(got)
    if arr.dtype.kind not in "f":
        raise CheckFailed(f"{name} should hold floating point numbers, but holds {arr.dtype}.")
    if not np.all(np.isfinite(arr)) and np.all(np.isfinite(exp)):
        raise CheckFailed(f"{name} contains NaN or inf values. Look for a division by zero or an overflow.")
    if np.allclose(arr, exp, atol=atol, rtol=rtol):
        return
    for mistake, value in (alternatives or {}).items():
        if value is not None and is_close(arr, value, atol=atol, rtol=rtol):
            raise CheckFailed(f"{name} has the right shape but wrong values: {mistake}")
    msg = (f"{name} has the right shape {_fmt(exp.shape)} but wrong values "
           f"(largest difference {_max_diff(arr, exp):.3g}).")
    if np.allclose(arr, 0):
        msg += " It is all zeros."
    elif arr.size > 1 and np.allclose(arr, arr.flat[0]):
        msg += " All its entries are equal."
    if hint:
        msg += " " + hint
    raise CheckFailed(msg)


def check_decreasing(name, values, factor=1.0):
    """A sequence of losses ends lower than it starts (below ``factor`` times the start)."""
    vals = [float(to_numpy(v)) for v in values]
    check(len(vals) >= 2, f"{name} should hold at least two losses, but holds {len(vals)}.")
    check(all(math.isfinite(v) for v in vals), f"{name} contains NaN or inf: the training diverged.")
    check(vals[-1] < factor * vals[0],
          f"{name} did not go down: first {vals[0]:.4g}, last {vals[-1]:.4g}. "
          "Check that you call zero_grad, backward and step, and return the loss from the closure.")
