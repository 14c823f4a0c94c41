"""Checks for the exercises: they pass silently or raise ``CheckFailed`` with a message
that says what is wrong (a shape, a transposed matrix, the gate order, a missing bias),
not only that something is.

Every check takes a ``name`` (how the learner's value is called in the exercise, e.g.
``"rnn_step(x, h, ...)"``) and values that may be NumPy arrays, PyTorch tensors, Keras
or TensorFlow tensors, or plain numbers. References are computed in float64 NumPy.
"""

import itertools
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


# --------------------------------------------------------------------- references


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _chunks(z, n):
    return np.split(z, n, axis=-1)


def rnn_step_reference(x, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None, nonlinearity=np.tanh):
    """``tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)`` in PyTorch's layout, float64."""
    x, h, wi, wh = map(to_numpy, (x, h, weight_ih, weight_hh))
    z = x @ wi.T + h @ wh.T
    for b in (bias_ih, bias_hh):
        if b is not None:
            z = z + to_numpy(b)
    return nonlinearity(z)


def lstm_step_reference(x, h, c, w_x, w_h, b_x=None, b_h=None, layout="torch", order="ifgo",
                        tanh_h=True, g_act=np.tanh, h_from_old_c=False):
    """One LSTM step, float64; returns ``(h, c)``.

    ``layout="torch"``: ``w_x`` is ``weight_ih`` (4H, I), ``w_h`` is ``weight_hh`` (4H, H),
    two biases (4H,). ``layout="keras"``: ``w_x`` is ``kernel`` (I, 4H), ``w_h`` is
    ``recurrent_kernel`` (H, 4H), one bias (4H,) in ``b_x``. Both frameworks store the
    gates in the order input, forget, candidate, output; ``order`` names how the chunks
    are read instead (for diagnosing a permuted reading).
    """
    x, h, c, w_x, w_h = map(to_numpy, (x, h, c, w_x, w_h))
    if layout == "torch":
        w_x, w_h = w_x.T, w_h.T
    z = x @ w_x + h @ w_h
    for b in (b_x, b_h):
        if b is not None:
            z = z + to_numpy(b)
    parts = dict(zip(order, _chunks(z, 4)))
    i, f, o = _sigmoid(parts["i"]), _sigmoid(parts["f"]), _sigmoid(parts["o"])
    g = g_act(parts["g"])
    c_new = f * c + i * g
    cc = c if h_from_old_c else c_new
    h_new = o * (np.tanh(cc) if tanh_h else cc)
    return h_new, c_new


def gru_step_reference(x, h, w_x, w_h, b_x=None, b_h=None, layout="keras", order=None,
                       reset_after=True, flip_update=False):
    """One GRU step, float64; returns the new ``h``.

    ``layout="keras"``: ``kernel`` (I, 3H), ``recurrent_kernel`` (H, 3H), gate order
    update z, reset r, candidate h; with ``reset_after=True`` (the Keras default) the
    bias is (2, 3H): pass ``b_x=bias[0]``, ``b_h=bias[1]``. ``layout="torch"``:
    ``weight_ih`` (3H, I), ``weight_hh`` (3H, H), order r, z, n, two biases; PyTorch
    always resets after the matrix product.
    """
    x, h, w_x, w_h = map(to_numpy, (x, h, w_x, w_h))
    if layout == "torch":
        w_x, w_h = w_x.T, w_h.T
        order = order or "rzn"
    else:
        order = order or "zrn"
    bx = to_numpy(b_x) if b_x is not None else 0.0
    bh = to_numpy(b_h) if b_h is not None else 0.0
    xs = dict(zip(order, _chunks(x @ w_x + bx, 3)))
    wh = dict(zip(order, _chunks(w_h, 3)))
    bhs = dict(zip(order, _chunks(np.broadcast_to(bh, (w_h.shape[1],)), 3)))
    z = _sigmoid(xs["z"] + h @ wh["z"] + bhs["z"])
    r = _sigmoid(xs["r"] + h @ wh["r"] + bhs["r"])
    if reset_after:
        n = np.tanh(xs["n"] + r * (h @ wh["n"] + bhs["n"]))
    else:
        n = np.tanh(xs["n"] + (r * h) @ wh["n"] + bhs["n"])
    if flip_update:
        return (1 - z) * h + z * n
    return z * h + (1 - z) * n


# ------------------------------------------------------------ checks with diagnosis


def check_rnn_step(name, got, x, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    """A vanilla RNN step (PyTorch layout) with diagnosis of the usual mistakes."""
    want = rnn_step_reference(x, h, weight_ih, weight_hh, bias_ih, bias_hh)
    alts = {}
    if bias_ih is not None or bias_hh is not None:
        alts["the bias is missing: add bias_ih and bias_hh."] = rnn_step_reference(x, h, weight_ih, weight_hh)
        alts["only bias_ih is added: PyTorch adds both bias_ih and bias_hh."] = rnn_step_reference(
            x, h, weight_ih, weight_hh, bias_ih, None)
        alts["only bias_hh is added: PyTorch adds both bias_ih and bias_hh."] = rnn_step_reference(
            x, h, weight_ih, weight_hh, None, bias_hh)
    alts["the tanh is missing: h_t = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)."] = rnn_step_reference(
        x, h, weight_ih, weight_hh, bias_ih, bias_hh, nonlinearity=lambda z: z)
    alts["you used ReLU; the vanilla cell uses tanh."] = rnn_step_reference(
        x, h, weight_ih, weight_hh, bias_ih, bias_hh, nonlinearity=lambda z: np.maximum(z, 0))
    alts["you used sigmoid; the vanilla cell uses tanh."] = rnn_step_reference(
        x, h, weight_ih, weight_hh, bias_ih, bias_hh, nonlinearity=_sigmoid)
    alts["the previous hidden state is ignored: add h_prev W_hh^T."] = rnn_step_reference(
        x, np.zeros_like(to_numpy(h)), weight_ih, weight_hh, bias_ih, bias_hh)
    wi, wh = to_numpy(weight_ih), to_numpy(weight_hh)
    if wi.shape == wh.shape:
        alts["weight_ih and weight_hh are swapped: weight_ih multiplies the input x, weight_hh the state h."] = (
            rnn_step_reference(x, h, weight_hh, weight_ih, bias_ih, bias_hh))
    if wh.shape[0] == wh.shape[1]:
        alts["weight_hh is used transposed: use h @ weight_hh.T."] = rnn_step_reference(
            x, h, weight_ih, wh.T, bias_ih, bias_hh)
    check_close(name, got, want, alternatives=alts, dims=("batch", "hidden_size"))


GATE_NAMES = {"i": "input", "f": "forget", "g": "candidate", "o": "output"}


def _lstm_alternatives(x, h, c, w_x, w_h, b_x, b_h, layout, which):
    """Mistakes an LSTM step can make, as {message: value of output ``which``}."""
    pick = (lambda hc: hc[which])  # noqa: E731
    stored = "i, f, g, o" if layout == "torch" else "i, f, c, o"
    alts = {}
    for perm in itertools.permutations("ifgo"):
        order = "".join(perm)
        if order == "ifgo":
            continue
        shown = ", ".join(order) if layout == "torch" else ", ".join(order.replace("g", "c"))
        alts[f"gate order. Your cell reads the four gate chunks as {shown}, but "
             f"{'PyTorch' if layout == 'torch' else 'Keras'} stores them as {stored} "
             "(input, forget, cell candidate, output)."] = pick(
            lstm_step_reference(x, h, c, w_x, w_h, b_x, b_h, layout, order=order))
    if b_x is not None or b_h is not None:
        alts["the bias is missing: add it to the gate pre-activations."] = pick(
            lstm_step_reference(x, h, c, w_x, w_h, None, None, layout))
    if layout == "torch" and b_x is not None and b_h is not None:
        alts["only bias_ih is added: PyTorch adds both bias_ih and bias_hh."] = pick(
            lstm_step_reference(x, h, c, w_x, w_h, b_x, None, layout))
        alts["only bias_hh is added: PyTorch adds both bias_ih and bias_hh."] = pick(
            lstm_step_reference(x, h, c, w_x, w_h, None, b_h, layout))
    alts["h = o * c is missing the tanh: h = o * tanh(c)."] = pick(
        lstm_step_reference(x, h, c, w_x, w_h, b_x, b_h, layout, tanh_h=False))
    alts["the candidate uses sigmoid; it uses tanh (only the gates i, f, o use sigmoid)."] = pick(
        lstm_step_reference(x, h, c, w_x, w_h, b_x, b_h, layout, g_act=_sigmoid))
    alts["h is computed from the old cell state; use the new one: h = o * tanh(c_new)."] = pick(
        lstm_step_reference(x, h, c, w_x, w_h, b_x, b_h, layout, h_from_old_c=True))
    return alts


def check_lstm_step(name, got, x, h, c, w_x, w_h, b_x=None, b_h=None, layout="torch"):
    """An LSTM step returning ``(h, c)``; diagnoses gate order, missing bias and more.

    Arguments as in ``lstm_step_reference`` (PyTorch: weight_ih, weight_hh, bias_ih,
    bias_hh; Keras: kernel, recurrent_kernel, bias).
    """
    check_tuple(name, got, 2, "(h, c)")
    want_h, want_c = lstm_step_reference(x, h, c, w_x, w_h, b_x, b_h, layout)
    got_h, got_c = got
    if (is_close(got_h, want_c) and is_close(got_c, want_h)) and not is_close(got_h, want_h):
        raise CheckFailed(f"{name} returned (c, h); return (h, c) in that order.")
    check_close(f"the cell state c of {name}", got_c, want_c, dims=("batch", "hidden_size"),
                alternatives=_lstm_alternatives(x, h, c, w_x, w_h, b_x, b_h, layout, 1))
    check_close(f"the hidden state h of {name}", got_h, want_h, dims=("batch", "hidden_size"),
                alternatives=_lstm_alternatives(x, h, c, w_x, w_h, b_x, b_h, layout, 0))


def check_gru_step(name, got, x, h, w_x, w_h, b_x=None, b_h=None, layout="keras"):
    """A GRU step returning the new ``h``; diagnoses gate order, the update direction,
    reset-before vs reset-after and a missing bias. Arguments as in ``gru_step_reference``."""
    want = gru_step_reference(x, h, w_x, w_h, b_x, b_h, layout)
    stored = "z, r, h (update, reset, candidate)" if layout == "keras" else "r, z, n (reset, update, candidate)"
    default = "zrn" if layout == "keras" else "rzn"
    alts = {}
    for perm in itertools.permutations("zrn"):
        order = "".join(perm)
        if order == default:
            continue
        shown = ", ".join(order.replace("n", "h") if layout == "keras" else order)
        alts[f"gate order. Your cell reads the three chunks as {shown}, but "
             f"{'Keras' if layout == 'keras' else 'PyTorch'} stores them as {stored}."] = (
            gru_step_reference(x, h, w_x, w_h, b_x, b_h, layout, order=order))
    alts["the update gate works the wrong way round: the new state is z * h_prev + (1 - z) * candidate."] = (
        gru_step_reference(x, h, w_x, w_h, b_x, b_h, layout, flip_update=True))
    alts["the reset gate is applied before the recurrent matrix product; with reset_after=True "
         "it multiplies (h_prev @ U_h + b_h) after the product."] = (
        gru_step_reference(x, h, w_x, w_h, b_x, b_h, layout, reset_after=False))
    if b_x is not None or b_h is not None:
        alts["the bias is missing."] = gru_step_reference(x, h, w_x, w_h, None, None, layout)
    if b_x is not None and b_h is not None:
        alts["the recurrent bias is missing: there are two biases, one for the input "
             "and one for the recurrent product."] = gru_step_reference(x, h, w_x, w_h, b_x, None, layout)
        alts["the input bias is missing: there are two biases, one for the input "
             "and one for the recurrent product."] = gru_step_reference(x, h, w_x, w_h, None, b_h, layout)
    check_close(name, got, want, alternatives=alts, dims=("batch", "hidden_size"))
