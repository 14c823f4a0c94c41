"""Reference steps (float64 NumPy) and the checks that diagnose the usual mistakes of a
recurrent step: gate order, a missing or half bias, a missing tanh, reset before the
product, the update gate the wrong way round, a projection forgotten or misplaced.

The generic checks they build on are in ``unrolled.grading.checks``.
"""

import itertools

import numpy as np

from .checks import CheckFailed, check_close, check_tuple, is_close, to_numpy


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
                        tanh_h=True, g_act=np.tanh, h_from_old_c=False, w_proj=None,
                        project="after"):
    """One LSTM step, float64; returns ``(h, c)``.

    ``w_proj`` adds a recurrent projection (LSTMP): ``h = (o * tanh(c)) W_proj^T`` with
    PyTorch's ``weight_hr`` (P, H), or ``... @ projection_kernel`` (H, P) in Keras'
    layout. ``project`` names a misplaced projection for the diagnoses: ``"c"`` projects
    ``tanh(c)`` before the output gate (not well defined when P != H, so only tried
    when it fits), ``"none"`` forgets it.

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
    if w_proj is not None and project != "none":
        wp = to_numpy(w_proj)
        h_new = h_new @ (wp.T if layout == "torch" else wp)
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


def _lstm_alternatives(x, h, c, w_x, w_h, b_x, b_h, layout, which, w_proj=None):
    """Mistakes an LSTM step can make, as {message: value of output ``which``}."""
    import functools

    lstm_step_reference = functools.partial(_reference, w_proj=w_proj)
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
    if w_proj is not None and which == 0:
        P, H = to_numpy(w_proj).shape[::1 if layout == "torch" else -1]
        alts["the projection is applied with the matrix transposed: with PyTorch's weight_hr "
             "(P, H) it is h @ weight_hr.T; with Keras' projection_kernel (H, P) it is "
             "h @ projection_kernel."] = (
            pick(_reference(x, h, c, w_x, w_h, b_x, b_h, layout, w_proj=to_numpy(w_proj).T))
            if P == H else None)
    return alts


_reference = lstm_step_reference


def check_lstm_step(name, got, x, h, c, w_x, w_h, b_x=None, b_h=None, layout="torch",
                    w_proj=None):
    """An LSTM step returning ``(h, c)``; diagnoses gate order, missing bias and more.

    Arguments as in ``lstm_step_reference`` (PyTorch: weight_ih, weight_hh, bias_ih,
    bias_hh; Keras: kernel, recurrent_kernel, bias; ``w_proj`` for a projection cell).
    """
    check_tuple(name, got, 2, "(h, c)")
    want_h, want_c = lstm_step_reference(x, h, c, w_x, w_h, b_x, b_h, layout, w_proj=w_proj)
    got_h, got_c = got
    if (is_close(got_h, want_c) and is_close(got_c, want_h)) and not is_close(got_h, want_h):
        raise CheckFailed(f"{name} returned (c, h); return (h, c) in that order.")
    h_dims = ("batch", "proj_size") if w_proj is not None else ("batch", "hidden_size")
    check_close(f"the cell state c of {name}", got_c, want_c, dims=("batch", "hidden_size"),
                alternatives=_lstm_alternatives(x, h, c, w_x, w_h, b_x, b_h, layout, 1, w_proj))
    if w_proj is not None:
        unprojected = lstm_step_reference(x, h, c, w_x, w_h, b_x, b_h, layout)[0]
        if is_close(got_h, unprojected):
            raise CheckFailed(f"the hidden state h of {name} is o * tanh(c) without the projection: "
                              "multiply it by the projection matrix.")
    check_close(f"the hidden state h of {name}", got_h, want_h, dims=h_dims,
                alternatives=_lstm_alternatives(x, h, c, w_x, w_h, b_x, b_h, layout, 0, w_proj))


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
