"""Copy the weights of a recurrent layer between PyTorch and Keras.

Two functions do the work, one per direction::

    from unrolled import interop
    interop.torch_to_keras(torch_layer, keras_layer)   # returns keras_layer
    interop.keras_to_torch(keras_layer, torch_layer)   # returns torch_layer

They handle ``RNN`` <-> ``SimpleRNN``, ``LSTM`` <-> ``LSTM`` (with and without a
projection), ``GRU`` <-> ``GRU``; one direction, or two (``bidirectional=True`` in
PyTorch <-> a ``Bidirectional`` wrapper in Keras); the built-in layers of both
frameworks or the course's own (``unrolled.torch`` / ``unrolled.keras``), in any
mix. The matching cells (``torch.nn.LSTMCell`` <-> ``keras.layers.LSTMCell``, ...)
work too. After a copy the same input gives the same output to float32 precision.

How the two frameworks store the same layer
-------------------------------------------
Write ``H`` for the hidden size (``units``), ``I`` for the input size, ``P`` for the
projection size, and ``G`` for the number of gates: 1 (plain RNN), 4 (LSTM), 3 (GRU).

* input weights: PyTorch ``weight_ih_l0`` of shape ``(G*H, I)``; Keras ``kernel``
  of shape ``(I, G*H)``.
* recurrent weights: PyTorch ``weight_hh_l0`` ``(G*H, H)``; Keras
  ``recurrent_kernel`` ``(H, G*H)``.
* biases: PyTorch ``bias_ih_l0`` and ``bias_hh_l0``, two of ``(G*H,)``; Keras one
  ``bias`` ``(G*H,)``, or ``(2, 3H)`` (input row, recurrent row) for a GRU with
  ``reset_after=True``.
* LSTM gate blocks: PyTorch i, f, g, o; Keras i, f, c, o -- the same order.
* GRU gate blocks: PyTorch r, z, n; Keras z, r, h.
* LSTM projection: PyTorch ``weight_hr_l0`` ``(P, H)``, and then ``weight_hh_l0`` is
  ``(4H, P)``; Keras (``unrolled.keras`` only) ``projection_kernel`` ``(H, P)``, and then
  ``recurrent_kernel`` is ``(P, 4H)``.
* second direction: PyTorch suffix ``_reverse`` (``weight_ih_l0_reverse``); Keras the
  ``backward_layer`` of a ``Bidirectional`` wrapper.
* second layer: PyTorch suffix ``_l1``; Keras a second layer.

So the rules are:

* **Transpose.** PyTorch computes ``W @ x`` with ``W`` of shape ``(out, in)`` (like
  ``nn.Linear``); Keras computes ``x @ kernel`` with ``kernel`` of shape ``(in, out)``.
  Every matrix is transposed on the way across.
* **Biases.** PyTorch adds two bias vectors, ``b_ih`` and ``b_hh``; inside a plain RNN
  or an LSTM they are only ever used as their sum, so Keras keeps one ``bias``. Going
  to Keras we add them; coming back we put the whole bias in ``b_ih`` and zeros in
  ``b_hh`` (any split with the same sum computes the same function).
* **Gate order.** The LSTM blocks line up one to one (PyTorch calls the candidate
  ``g``, Keras ``c``). The GRU blocks do not: PyTorch stacks reset, update, new
  (``r, z, n``); Keras stacks update, reset, candidate (``z, r, h``). We swap the first
  two blocks, in both directions.
* **The GRU's reset gate.** PyTorch applies the reset gate *after* the recurrent
  matrix product: ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``. That is Keras'
  ``reset_after=True`` (the default in Keras 3), which is also why that Keras GRU keeps
  two bias rows: ``b_hn`` sits inside the product with ``r`` and cannot be merged with
  ``b_in``. Keras' ``reset_after=False`` computes ``tanh(W x + U (r * h) + b)``, a
  different function that no setting of PyTorch's weights reproduces, so it is
  refused with a ``ValueError``.

Keras creates its weights lazily: build the Keras layer (call it once on an input, or
``layer.build((None, None, input_size))``) before copying into or out of it.
Stacked PyTorch layers (``num_layers > 1``) pair with a list of Keras layers, one per
PyTorch layer.

The NumPy conversions themselves are public, for the cheat sheet and the exercises:
:func:`torch_arrays_to_keras` and :func:`keras_arrays_to_torch`.
"""

import numpy as np

__all__ = [
    "torch_to_keras",
    "keras_to_torch",
    "torch_arrays_to_keras",
    "keras_arrays_to_torch",
    "GATES",
]

#: Number of gate blocks stacked in the weight matrices, per kind of layer.
GATES = {"rnn": 1, "lstm": 4, "gru": 3}

# PyTorch GRU blocks are (r, z, n), Keras GRU blocks are (z, r, h): swapping the first
# two blocks maps one onto the other, and applying the swap twice gives back the
# original, so the same permutation serves both directions.
_GRU_SWAP = (1, 0, 2)

_TORCH_KINDS = {"RNN": "rnn", "RNNCell": "rnn", "LSTM": "lstm", "LSTMCell": "lstm",
                "GRU": "gru", "GRUCell": "gru"}
_KERAS_KINDS = {"SimpleRNN": "rnn", "SimpleRNNCell": "rnn", "LSTM": "lstm",
                "LSTMCell": "lstm", "GRU": "gru", "GRUCell": "gru"}
_KERAS_NAMES = {"rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}


# ---------------------------------------------------------------------------
# The layout conversions, on NumPy arrays
# ---------------------------------------------------------------------------

def _blocks(a, order, axis=0):
    """Reorder the gate blocks of ``a`` along ``axis`` (``len(order)`` equal blocks)."""
    parts = np.split(np.asarray(a), len(order), axis=axis)
    return np.concatenate([parts[i] for i in order], axis=axis)


def torch_arrays_to_keras(kind, weight_ih, weight_hh, bias_ih=None, bias_hh=None,
                          weight_hr=None):
    """Convert one direction of one PyTorch layer's weights to the Keras layout.

    Args:
        kind: ``"rnn"``, ``"lstm"`` or ``"gru"``.
        weight_ih: ``(G*H, I)``. weight_hh: ``(G*H, H)``, or ``(G*H, P)`` with a projection.
        bias_ih, bias_hh: ``(G*H,)`` each, or both ``None`` for ``bias=False``.
        weight_hr: ``(P, H)``, the LSTM projection, or ``None``.

    Returns:
        dict with ``kernel`` ``(I, G*H)``, ``recurrent_kernel`` ``(H or P, G*H)``, and
        where they apply ``bias`` (``(G*H,)``, or ``(2, 3H)`` for the GRU) and
        ``projection_kernel`` ``(H, P)``.
    """
    if (bias_ih is None) != (bias_hh is None):
        raise ValueError("give both bias_ih and bias_hh, or neither (bias=False)")
    out = {}
    if kind == "gru":
        # r, z, n -> z, r, h; the two biases stay apart (Keras reset_after=True).
        out["kernel"] = _blocks(weight_ih, _GRU_SWAP).T
        out["recurrent_kernel"] = _blocks(weight_hh, _GRU_SWAP).T
        if bias_ih is not None:
            out["bias"] = np.stack([_blocks(bias_ih, _GRU_SWAP), _blocks(bias_hh, _GRU_SWAP)])
    elif kind in ("rnn", "lstm"):
        # Same gate order (i, f, g/c, o); transpose and add the two biases.
        out["kernel"] = np.asarray(weight_ih).T
        out["recurrent_kernel"] = np.asarray(weight_hh).T
        if bias_ih is not None:
            out["bias"] = np.asarray(bias_ih) + np.asarray(bias_hh)
        if weight_hr is not None:
            if kind != "lstm":
                raise ValueError("only an LSTM has a projection (weight_hr)")
            out["projection_kernel"] = np.asarray(weight_hr).T
    else:
        raise ValueError(f"kind must be 'rnn', 'lstm' or 'gru', got {kind!r}")
    return out


def keras_arrays_to_torch(kind, kernel, recurrent_kernel, bias=None, projection_kernel=None):
    """Convert one Keras layer's (or direction's) weights to the PyTorch layout.

    The inverse of :func:`torch_arrays_to_keras`. For the plain RNN and the LSTM the
    single Keras bias goes to ``bias_ih`` and ``bias_hh`` is zeros: only their sum
    matters. A GRU needs Keras' ``reset_after=True`` layout (bias of shape ``(2, 3H)``).

    Returns:
        dict with ``weight_ih``, ``weight_hh``, and where they apply ``bias_ih``,
        ``bias_hh``, ``weight_hr``.
    """
    out = {}
    if kind == "gru":
        out["weight_ih"] = _blocks(np.asarray(kernel).T, _GRU_SWAP)
        out["weight_hh"] = _blocks(np.asarray(recurrent_kernel).T, _GRU_SWAP)
        if bias is not None:
            bias = np.asarray(bias)
            if bias.ndim != 2 or bias.shape[0] != 2:
                raise ValueError(
                    f"a Keras GRU bias of shape {bias.shape} comes from reset_after=False, "
                    "which PyTorch cannot represent; use reset_after=True (bias (2, 3H))")
            out["bias_ih"] = _blocks(bias[0], _GRU_SWAP)
            out["bias_hh"] = _blocks(bias[1], _GRU_SWAP)
    elif kind in ("rnn", "lstm"):
        out["weight_ih"] = np.asarray(kernel).T
        out["weight_hh"] = np.asarray(recurrent_kernel).T
        if bias is not None:
            out["bias_ih"] = np.asarray(bias)
            out["bias_hh"] = np.zeros_like(out["bias_ih"])
        if projection_kernel is not None:
            if kind != "lstm":
                raise ValueError("only an LSTM has a projection (projection_kernel)")
            out["weight_hr"] = np.asarray(projection_kernel).T
    else:
        raise ValueError(f"kind must be 'rnn', 'lstm' or 'gru', got {kind!r}")
    return out


# ---------------------------------------------------------------------------
# Reading the two kinds of layer
# ---------------------------------------------------------------------------

class _TorchSide:
    """What we need to know about a PyTorch layer or cell, read from its parameters."""

    def __init__(self, layer):
        import torch

        if not isinstance(layer, torch.nn.Module):
            raise TypeError(f"expected a PyTorch module, got {type(layer).__name__}")
        self.layer = layer
        self.cls = type(layer).__name__
        self.is_cell = hasattr(layer, "weight_ih") and not hasattr(layer, "weight_ih_l0")
        if not self.is_cell and not hasattr(layer, "weight_ih_l0"):
            raise ValueError(f"{self.cls} is not a recurrent layer: it has no weight_ih_l0")
        kind = _TORCH_KINDS.get(self.cls)
        mode = getattr(layer, "mode", None)  # torch.nn.RNNBase: 'LSTM', 'GRU', 'RNN_TANH', ...
        if kind is None and isinstance(mode, str):
            kind = "rnn" if mode.startswith("RNN") else mode.lower()
        self.hidden_size = layer.hidden_size
        w = self.param("weight_ih", 0, False)
        if kind is None:  # fall back on the shapes: G*H rows
            kind = {1: "rnn", 3: "gru", 4: "lstm"}.get(w.shape[0] // self.hidden_size)
        if kind not in GATES:
            raise ValueError(f"cannot tell whether {self.cls} is an RNN, LSTM or GRU")
        self.kind = kind
        self.input_size = w.shape[1]
        self.num_layers = 1 if self.is_cell else getattr(layer, "num_layers", 1)
        self.bidirectional = (not self.is_cell) and bool(getattr(layer, "bidirectional", False))
        self.proj_size = getattr(layer, "proj_size", 0) or 0
        self.has_bias = self.param("bias_ih", 0, False) is not None
        self.nonlinearity = getattr(layer, "nonlinearity", "tanh")

    def name(self, base, k, reverse):
        if self.is_cell:
            return base
        return f"{base}_l{k}" + ("_reverse" if reverse else "")

    def param(self, base, k, reverse):
        return getattr(self.layer, self.name(base, k, reverse), None)

    def describe(self):
        s = f"torch {self.cls}(input_size={self.input_size}, hidden_size={self.hidden_size}"
        if self.proj_size:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bidirectional:
            s += ", bidirectional=True"
        if not self.has_bias:
            s += ", bias=False"
        return s + ")"

    def read(self, k, reverse):
        """The NumPy weights of layer ``k``, one direction, in PyTorch's layout."""
        out = {}
        for base in ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr"):
            p = self.param(base, k, reverse)
            if p is not None:
                out[base] = p.detach().cpu().numpy()
        return out

    def write(self, k, reverse, arrays, target_desc):
        import torch

        with torch.no_grad():
            for base, value in arrays.items():
                p = self.param(base, k, reverse)
                if p is None:
                    raise ValueError(f"{target_desc} has no parameter {self.name(base, k, reverse)}")
                if tuple(p.shape) != value.shape:
                    raise ValueError(
                        f"size mismatch: {self.name(base, k, reverse)} of {target_desc} has "
                        f"shape {tuple(p.shape)}, the source gives {value.shape}")
                p.copy_(torch.as_tensor(np.ascontiguousarray(value)).to(p))


def _short_name(variable):
    name = getattr(variable, "path", None) or variable.name
    return name.split("/")[-1].split(":")[0]


class _KerasSide:
    """What we need to know about one direction of a Keras layer (or cell)."""

    def __init__(self, layer, role="keras layer"):
        self.layer = layer
        self.cls = type(layer).__name__
        self.cell = getattr(layer, "cell", layer)
        if isinstance(self.cell, (list, tuple)):  # keras.layers.RNN([cell, cell]) etc.
            raise ValueError(f"{self.cls} holds several cells; pass one layer per cell")
        if not getattr(layer, "built", False) or not layer.weights:
            raise ValueError(
                f"the {role} {self.cls} {layer.name!r} is not built yet, so it has no weights: "
                "call it once on an input, e.g. layer(np.zeros((1, 5, input_size), 'float32')), "
                "or call layer.build((None, None, input_size)) before copying")
        self.vars = {}
        for v in layer.weights:
            key = _short_name(v)
            if key in self.vars:
                raise ValueError(f"{self.cls} {layer.name!r} holds two weights named {key!r}; "
                                 "pass a single recurrent layer (or a Bidirectional wrapper)")
            self.vars[key] = v
        if "kernel" not in self.vars or "recurrent_kernel" not in self.vars:
            raise ValueError(f"{self.cls} {layer.name!r} has no kernel/recurrent_kernel: "
                             "it is not a SimpleRNN, LSTM or GRU layer")
        self.units = getattr(self.cell, "units", None) or getattr(layer, "units")
        kind = _KERAS_KINDS.get(self.cls) or _KERAS_KINDS.get(type(self.cell).__name__)
        if kind is None:
            kind = {1: "rnn", 3: "gru", 4: "lstm"}.get(self.vars["kernel"].shape[1] // self.units)
        if kind is None:
            raise ValueError(f"cannot tell whether {self.cls} is a SimpleRNN, LSTM or GRU")
        self.kind = kind
        self.input_size = int(self.vars["kernel"].shape[0])
        self.has_bias = "bias" in self.vars
        pk = self.vars.get("projection_kernel")
        self.proj_size = int(pk.shape[1]) if pk is not None else 0
        self.reset_after = self._attr("reset_after")
        if kind == "gru" and self.reset_after is None:
            self.reset_after = (not self.has_bias) or len(self.vars["bias"].shape) == 2

    def _attr(self, name):
        for obj in (self.layer, self.cell):
            if hasattr(obj, name):
                return getattr(obj, name)
        return None

    def activation_name(self, which):
        act = self._attr(which)
        if act is None:
            return None
        return getattr(act, "__name__", str(act))

    def describe(self):
        s = f"keras {self.cls} {self.layer.name!r} (input dim {self.input_size}, units={self.units}"
        if self.proj_size:
            s += f", proj_size={self.proj_size}"
        if not self.has_bias:
            s += ", use_bias=False"
        return s + ")"

    def read(self):
        import keras

        return {k: keras.ops.convert_to_numpy(v) for k, v in self.vars.items()}

    def write(self, arrays, source_desc):
        for key, value in arrays.items():
            v = self.vars.get(key)
            if v is None:
                raise ValueError(f"{self.describe()} has no weight {key!r} to receive it from "
                                 f"{source_desc}")
            if tuple(v.shape) != value.shape:
                raise ValueError(
                    f"size mismatch: {key} of {self.describe()} has shape {tuple(v.shape)}, "
                    f"{source_desc} gives {value.shape}")
        for key, value in arrays.items():
            v = self.vars[key]
            v.assign(np.asarray(value, dtype=v.dtype))


def _is_bidirectional(keras_layer):
    return hasattr(keras_layer, "forward_layer") and hasattr(keras_layer, "backward_layer")


def _pairs(torch_layer, keras_layer):
    """Match each (PyTorch layer index, direction) with a Keras layer; check they fit."""
    t = _TorchSide(torch_layer)
    if isinstance(keras_layer, (list, tuple)):
        layers = list(keras_layer)
    else:
        layers = [keras_layer]
    if len(layers) != t.num_layers:
        if t.num_layers > 1 and len(layers) == 1:
            raise ValueError(
                f"{t.describe()} stacks {t.num_layers} layers: pass a list of "
                f"{t.num_layers} Keras layers, one per PyTorch layer (l0, l1, ...)")
        raise ValueError(f"{t.describe()} has {t.num_layers} layer(s) but {len(layers)} "
                         "Keras layers were given")
    pairs = []
    for k, kl in enumerate(layers):
        where = f" (layer l{k})" if t.num_layers > 1 else ""
        if t.bidirectional != _is_bidirectional(kl):
            if t.bidirectional:
                raise ValueError(f"{t.describe()} is bidirectional: the Keras side{where} must be "
                                 f"a Bidirectional wrapper, got {type(kl).__name__}")
            raise ValueError(f"the Keras side{where} is a Bidirectional wrapper but "
                             f"{t.describe()} is not bidirectional=True")
        directions = [(False, kl.forward_layer, "forward_layer"),
                      (True, kl.backward_layer, "backward_layer")] if t.bidirectional \
            else [(False, kl, "keras layer")]
        for reverse, layer, role in directions:
            ks = _KerasSide(layer, role)
            _check_match(t, ks, k, reverse)
            pairs.append((k, reverse, ks))
    return t, pairs


def _check_match(t, ks, k, reverse):
    both = f"{t.describe()} and {ks.describe()}"
    if t.kind != ks.kind:
        raise ValueError(f"cannot copy between {both}: a torch {t.kind.upper()} pairs with a "
                         f"keras {_KERAS_NAMES[t.kind]}, not a keras {_KERAS_NAMES[ks.kind]}")
    if t.hidden_size != ks.units:
        raise ValueError(f"size mismatch between {both}: hidden_size={t.hidden_size} "
                         f"but units={ks.units}")
    in_size = t.param("weight_ih", k, reverse).shape[1]
    if in_size != ks.input_size:
        raise ValueError(f"size mismatch between {both}: the torch layer l{k} takes inputs of "
                         f"size {in_size}, the keras layer of size {ks.input_size}")
    if t.proj_size != ks.proj_size:
        if ks.proj_size == 0 and "projection_kernel" not in ks.vars and t.proj_size:
            raise ValueError(
                f"{t.describe()} has a projection (proj_size={t.proj_size}) but "
                f"{ks.describe()} has none; keras.layers.LSTM has no projection, use "
                f"unrolled.keras.LSTM(units, proj_size={t.proj_size})")
        raise ValueError(f"projection mismatch between {both}: proj_size={t.proj_size} vs "
                         f"{ks.proj_size}")
    if t.has_bias != ks.has_bias:
        raise ValueError(f"bias mismatch between {both}: build both with a bias "
                         "(bias=True / use_bias=True) or both without")
    if t.kind == "gru" and not ks.reset_after:
        raise ValueError(
            f"{ks.describe()} uses reset_after=False, which computes "
            "h~ = tanh(W x + U (r * h) + b), with the reset gate before the recurrent product. "
            "PyTorch's GRU always applies it after: n = tanh(W_in x + b_in + r * (W_hn h + b_hn)). "
            "No PyTorch weights reproduce reset_after=False; build the keras GRU with "
            "reset_after=True (the Keras 3 default)")
    # The activations are fixed in PyTorch; Keras lets you change them.
    if t.kind == "rnn":
        act = ks.activation_name("activation")
        if act is not None and act != t.nonlinearity:
            raise ValueError(f"activation mismatch between {both}: torch nonlinearity="
                             f"{t.nonlinearity!r}, keras activation={act!r}")
    else:
        act = ks.activation_name("activation")
        rec = ks.activation_name("recurrent_activation")
        if (act not in (None, "tanh")) or (rec not in (None, "sigmoid")):
            raise ValueError(f"{ks.describe()} uses activation={act!r}, recurrent_activation="
                             f"{rec!r}; PyTorch's {t.kind.upper()} is fixed to tanh and sigmoid")


# ---------------------------------------------------------------------------
# The two entry points
# ---------------------------------------------------------------------------

def torch_to_keras(torch_layer, keras_layer):
    """Copy the weights of a PyTorch recurrent layer into a (built) Keras layer.

    Args:
        torch_layer: ``torch.nn.RNN`` / ``LSTM`` / ``GRU`` (or the ``unrolled.torch``
            ones, or the matching cells).
        keras_layer: the Keras counterpart, already built: ``SimpleRNN`` / ``LSTM`` /
            ``GRU`` (``reset_after=True``), from ``keras.layers`` or ``unrolled.keras``;
            a ``Bidirectional`` wrapper when ``bidirectional=True``; a list of such
            layers, one per PyTorch layer, when ``num_layers > 1``.

    Returns:
        ``keras_layer``, now computing the same function as ``torch_layer``.

    Raises:
        ValueError: the layers do not match (kind, sizes, projection, bias, directions,
            activations), the Keras layer is not built, or the Keras GRU uses
            ``reset_after=False``. The message names both layers.
    """
    t, pairs = _pairs(torch_layer, keras_layer)
    for k, reverse, ks in pairs:
        p = t.read(k, reverse)
        arrays = torch_arrays_to_keras(t.kind, p["weight_ih"], p["weight_hh"], p.get("bias_ih"),
                                       p.get("bias_hh"), p.get("weight_hr"))
        ks.write(arrays, t.describe())
    return keras_layer


def keras_to_torch(keras_layer, torch_layer):
    """Copy the weights of a (built) Keras recurrent layer into a PyTorch layer.

    The mirror image of :func:`torch_to_keras`, with the same arguments swapped. The
    single Keras bias of a SimpleRNN or LSTM lands in ``bias_ih`` and ``bias_hh``
    becomes zero (PyTorch only uses their sum).

    Returns:
        ``torch_layer``, now computing the same function as ``keras_layer``.
    """
    t, pairs = _pairs(torch_layer, keras_layer)
    for k, reverse, ks in pairs:
        w = ks.read()
        arrays = keras_arrays_to_torch(t.kind, w["kernel"], w["recurrent_kernel"], w.get("bias"),
                                       w.get("projection_kernel"))
        t.write(k, reverse, arrays, t.describe())
    return torch_layer
