"""Benchmarks: the course's layers against the built-ins, and cost against sequence length.

Two tables, both measured in one process (warm-up runs first, then the median of
``repeats`` timed runs), so the ratios compare like with like:

* :func:`bench_layers`: LSTM and GRU, forward and forward+backward, ours
  (``unrolled.torch`` / ``unrolled.keras``) against the built-ins (``torch.nn`` /
  ``keras.layers``), on the CPU and, when PyTorch sees one, on the GPU.
* :func:`bench_lengths`: time (and, for PyTorch, the memory kept for the backward pass)
  against the sequence length ``T``: both grow linearly, which is what backpropagation
  through time predicts.

The book's chapter 10 calls these functions and prints :func:`format_table`; the command
line runs them with ``unrolled bench`` (see ``unrolled bench --help``).

How each framework is timed:

* PyTorch: eager calls, inputs ``(B, T, I)`` with ``batch_first=True``; forward under
  ``torch.no_grad()``; forward+backward is ``torch.autograd.grad(output.sum(), weights)``.
  On CUDA the clock waits for ``torch.cuda.synchronize()``.
* Keras (TensorFlow backend): forward and forward+backward (``tf.GradientTape``) are
  compiled once with ``tf.function``, as ``model.fit`` would do. On the other backends,
  ``model.predict_on_batch`` and ``model.train_on_batch`` (which adds an SGD update).
"""

import math
import statistics
import time

__all__ = ["bench_layers", "bench_lengths", "format_table", "LAYER_COLUMNS", "LENGTH_COLUMNS",
           "environment"]

KINDS = {"lstm": "LSTM", "gru": "GRU", "rnn": ("RNN", "SimpleRNN")}


def _median_ms(fn, repeats, warmup, sync=None):
    """Median wall time of ``fn()`` in milliseconds, after ``warmup`` untimed calls."""
    for _ in range(max(warmup, 0)):
        fn()
    if sync:
        sync()
    times = []
    for _ in range(max(repeats, 1)):
        t0 = time.perf_counter()
        fn()
        if sync:
            sync()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def _ours(module):
    import importlib

    try:
        return importlib.import_module(module)
    except Exception:  # not available: the table says n/a
        return None


def _names(kind):
    v = KINDS[kind]
    return (v, v) if isinstance(v, str) else v


# --------------------------------------------------------------------------- PyTorch

def _torch_layers(kind, I, H, device):
    import torch

    tname, _ = _names(kind)
    torch.manual_seed(0)
    builtin = getattr(torch.nn, tname)(I, H, batch_first=True).to(device)
    ut = _ours("unrolled.torch")
    ours = None
    if ut is not None and hasattr(ut, tname):
        ours = getattr(ut, tname)(I, H, batch_first=True).to(device)
        ours.load_state_dict(builtin.state_dict())
    return builtin, ours


def _torch_fns(layer, x):
    import torch

    params = [p for p in layer.parameters() if p.requires_grad]

    def forward():
        with torch.no_grad():
            layer(x)

    def forward_backward():
        out = layer(x)[0]
        torch.autograd.grad(out.sum(), params)

    return forward, forward_backward


def _torch_sync(device):
    import torch

    return torch.cuda.synchronize if device.type == "cuda" else None


def _torch_saved_mib(layer, x):
    """MiB of tensors autograd keeps for the backward pass of one forward call.

    Counted with ``torch.autograd.graph.saved_tensors_hooks``; tensors that share
    storage are counted once. This is the activation memory of BPTT.
    """
    import torch

    seen = {}

    def pack(t):
        try:
            storage = t.untyped_storage()
            seen[(storage.data_ptr(), t.device.type)] = storage.nbytes()
        except Exception:  # pragma: no cover - exotic tensors
            seen[id(t)] = t.numel() * t.element_size()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = layer(x)[0]
    del out
    return sum(seen.values()) / 2**20


def _torch_devices(devices):
    import torch

    if devices is None:
        devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    return [torch.device(d) for d in devices if d != "cuda" or torch.cuda.is_available()]


# ----------------------------------------------------------------------------- Keras

def _keras_layers(kind, I, H):
    import keras
    import numpy as np

    _, kname = _names(kind)
    keras.utils.set_random_seed(0)
    builtin = getattr(keras.layers, kname)(H, return_sequences=True)
    builtin.build((None, None, I))
    uk = _ours("unrolled.keras")
    ours = None
    if uk is not None and hasattr(uk, kname):
        ours = getattr(uk, kname)(H, return_sequences=True)
        ours(np.zeros((1, 2, I), "float32"))
        ours.set_weights(builtin.get_weights())
    return builtin, ours


def _keras_fns(layer, x):
    import keras

    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        weights = layer.trainable_weights
        x = tf.convert_to_tensor(x)

        @tf.function
        def fwd(x):
            return keras.ops.sum(layer(x))

        @tf.function
        def fwd_bwd(x):
            with tf.GradientTape() as tape:
                loss = keras.ops.sum(layer(x))
            return tape.gradient(loss, weights)

        def forward():
            float(fwd(x))

        def forward_backward():
            for g in fwd_bwd(x):
                g.numpy()

        return forward, forward_backward

    # Other backends: go through a model, compiled by Keras.
    import numpy as np

    inp = keras.Input(shape=x.shape[1:])
    model = keras.Model(inp, layer(inp))
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    y = np.zeros(model.output_shape[1:], "float32")[None].repeat(x.shape[0], 0)
    return (lambda: model.predict_on_batch(x)), (lambda: model.train_on_batch(x, y))


class _QuietTensorFlow:
    """Silence TensorFlow's retracing warnings while benchmarking (one tf.function per layer)."""

    def __enter__(self):
        import logging

        self.logger = logging.getLogger("tensorflow")
        self.level = self.logger.level
        self.logger.setLevel(logging.ERROR)

    def __exit__(self, *exc):
        self.logger.setLevel(self.level)


def _keras_device():
    try:
        from unrolled.env import keras_devices

        return keras_devices()[0].lower().replace(":0", "")
    except Exception:
        return "cpu"


# ------------------------------------------------------------------------- the tables

LAYER_COLUMNS = [
    ("framework", "framework", "{}"),
    ("device", "device", "{}"),
    ("layer", "layer", "{}"),
    ("pass", "pass", "{}"),
    ("builtin_ms", "built-in (ms)", "{:.2f}"),
    ("ours_ms", "ours (ms)", "{:.2f}"),
    ("ratio", "ours / built-in", "{:.1f}x"),
]

LENGTH_COLUMNS = [
    ("framework", "framework", "{}"),
    ("device", "device", "{}"),
    ("layer", "layer", "{}"),
    ("T", "T", "{}"),
    ("builtin_ms", "built-in (ms)", "{:.2f}"),
    ("ours_ms", "ours (ms)", "{:.2f}"),
    ("ours_us_per_step", "ours per step (us)", "{:.0f}"),
    ("builtin_saved_mib", "built-in saved (MiB)", "{:.3f}"),
    ("ours_saved_mib", "ours saved (MiB)", "{:.3f}"),
]


def _row(framework, device, kind, extra, builtin_ms, ours_ms):
    _, kname = _names(kind)
    tname, _ = _names(kind)
    row = {"framework": framework, "device": device,
           "layer": tname if framework == "torch" else kname}
    row.update(extra)
    row["builtin_ms"] = builtin_ms
    row["ours_ms"] = ours_ms
    row["ratio"] = ours_ms / builtin_ms if ours_ms is not None and builtin_ms else None
    return row


def _check_frameworks(frameworks):
    frameworks = [frameworks] if isinstance(frameworks, str) else list(frameworks)
    bad = [f for f in frameworks if f not in ("torch", "keras")]
    if bad:
        raise ValueError(f"frameworks must be among 'torch', 'keras'; got {bad}")
    return frameworks


def bench_layers(batch=64, steps=100, input_size=64, hidden=128, repeats=5, warmup=2,
                 frameworks=("torch", "keras"), kinds=("lstm", "gru"), devices=None,
                 progress=None):
    """Time our layers against the built-ins.

    Args:
        batch, steps, input_size, hidden: ``B``, ``T``, ``I``, ``H``.
        repeats: timed runs (the median is reported). warmup: untimed runs before.
        frameworks: any of ``"torch"``, ``"keras"``. kinds: any of ``"lstm"``, ``"gru"``,
            ``"rnn"``. devices: PyTorch devices (default: ``cpu``, plus ``cuda`` when
            available); Keras runs where its backend puts it.
        progress: optional callable given a short string before each measurement.

    Returns:
        list of dicts with keys ``framework, device, layer, pass, builtin_ms, ours_ms,
        ratio`` (``ours_ms`` and ``ratio`` are ``None`` when our layer is unavailable).
    """
    import numpy as np

    frameworks = _check_frameworks(frameworks)
    rows = []
    rng = np.random.default_rng(0)
    x_np = rng.standard_normal((batch, steps, input_size)).astype("float32")
    if "torch" in frameworks:
        import torch

        for device in _torch_devices(devices):
            x = torch.from_numpy(x_np).to(device)
            sync = _torch_sync(device)
            for kind in kinds:
                builtin, ours = _torch_layers(kind, input_size, hidden, device)
                fb = _torch_fns(builtin, x)
                fo = _torch_fns(ours, x) if ours is not None else (None, None)
                for i, name in enumerate(("forward", "forward+backward")):
                    if progress:
                        progress(f"torch {device.type} {kind} {name}")
                    tb = _median_ms(fb[i], repeats, warmup, sync)
                    to = _median_ms(fo[i], repeats, warmup, sync) if ours is not None else None
                    rows.append(_row("torch", device.type, kind, {"pass": name}, tb, to))
    if "keras" in frameworks:
        with _QuietTensorFlow():
            rows += _keras_layer_rows(kinds, x_np, input_size, hidden, repeats, warmup, progress)
    return rows


def _keras_layer_rows(kinds, x_np, input_size, hidden, repeats, warmup, progress):
    rows = []
    device = _keras_device()
    for kind in kinds:
        builtin, ours = _keras_layers(kind, input_size, hidden)
        fb = _keras_fns(builtin, x_np)
        fo = _keras_fns(ours, x_np) if ours is not None else (None, None)
        for i, name in enumerate(("forward", "forward+backward")):
            if progress:
                progress(f"keras {device} {kind} {name}")
            tb = _median_ms(fb[i], repeats, warmup)
            to = _median_ms(fo[i], repeats, warmup) if ours is not None else None
            rows.append(_row("keras", device, kind, {"pass": name}, tb, to))
    return rows


def bench_lengths(lengths=(25, 50, 100, 200), batch=64, input_size=64, hidden=128, repeats=5,
                  warmup=2, frameworks=("torch", "keras"), kinds=("lstm",), devices=None,
                  progress=None):
    """Forward+backward time (and PyTorch's saved-for-backward memory) against length ``T``.

    Returns:
        list of dicts with keys ``framework, device, layer, T, builtin_ms, ours_ms,
        ours_us_per_step, builtin_saved_mib, ours_saved_mib`` (memory is ``None`` for
        Keras). A constant ``ours_us_per_step`` down the table means time linear in ``T``.
    """
    import numpy as np

    frameworks = _check_frameworks(frameworks)
    rows = []
    rng = np.random.default_rng(0)
    if "torch" in frameworks:
        import torch

        for device in _torch_devices(devices):
            sync = _torch_sync(device)
            for kind in kinds:
                builtin, ours = _torch_layers(kind, input_size, hidden, device)
                for T in lengths:
                    if progress:
                        progress(f"torch {device.type} {kind} T={T}")
                    x_np = rng.standard_normal((batch, T, input_size)).astype("float32")
                    x = torch.from_numpy(x_np).to(device)
                    tb = _median_ms(_torch_fns(builtin, x)[1], repeats, warmup, sync)
                    to = (_median_ms(_torch_fns(ours, x)[1], repeats, warmup, sync)
                          if ours is not None else None)
                    row = _row("torch", device.type, kind, {"T": T}, tb, to)
                    row["builtin_saved_mib"] = _torch_saved_mib(builtin, x)
                    row["ours_saved_mib"] = _torch_saved_mib(ours, x) if ours is not None else None
                    rows.append(row)
    if "keras" in frameworks:
        with _QuietTensorFlow():
            rows += _keras_length_rows(lengths, kinds, batch, input_size, hidden, repeats,
                                       warmup, progress, rng)
    for row in rows:
        row.pop("ratio", None)
        row["ours_us_per_step"] = row["ours_ms"] * 1e3 / row["T"] if row["ours_ms"] else None
    return rows


def _keras_length_rows(lengths, kinds, batch, input_size, hidden, repeats, warmup, progress, rng):
    rows = []
    device = _keras_device()
    for kind in kinds:
        builtin, ours = _keras_layers(kind, input_size, hidden)
        for T in lengths:
            if progress:
                progress(f"keras {device} {kind} T={T}")
            x_np = rng.standard_normal((batch, T, input_size)).astype("float32")
            tb = _median_ms(_keras_fns(builtin, x_np)[1], repeats, warmup)
            to = (_median_ms(_keras_fns(ours, x_np)[1], repeats, warmup)
                  if ours is not None else None)
            row = _row("keras", device, kind, {"T": T}, tb, to)
            row["builtin_saved_mib"] = row["ours_saved_mib"] = None
            rows.append(row)
    return rows


def format_table(rows, columns=None):
    """A plain-text table (Markdown pipe syntax) of benchmark rows.

    ``columns``: ``(key, header, format)`` triples; default: :data:`LAYER_COLUMNS`, or
    :data:`LENGTH_COLUMNS` when the rows have a ``T``. Missing values print as ``n/a``.
    """
    if columns is None:
        columns = LENGTH_COLUMNS if rows and "T" in rows[0] else LAYER_COLUMNS
    cells = [[h for _, h, _ in columns]]
    for r in rows:
        line = []
        for key, _, fmt in columns:
            v = r.get(key)
            if v is None or (isinstance(v, float) and math.isnan(v)):
                line.append("n/a")
            else:
                line.append(fmt.format(v))
        cells.append(line)
    widths = [max(len(c[i]) for c in cells) for i in range(len(columns))]
    numeric = [fmt != "{}" for _, _, fmt in columns]

    def fmt_line(c):
        return "| " + " | ".join(s.rjust(w) if n else s.ljust(w)
                                 for s, w, n in zip(c, widths, numeric)) + " |"

    sep = "|" + "|".join(("-" * (w + 1) + ":") if n else ("-" * (w + 2))
                         for w, n in zip(widths, numeric)) + "|"
    return "\n".join([fmt_line(cells[0]), sep] + [fmt_line(c) for c in cells[1:]])


def environment(frameworks=("torch", "keras")):
    """Versions and devices, to print above a table (and to store in ``--json``).

    Only the frameworks named are imported.
    """
    import os
    import platform

    info = {"python": platform.python_version(), "machine": platform.machine(),
            "cpu_count": os.cpu_count()}
    if "torch" in frameworks:
        import torch

        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
        info["cuda"] = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    if "keras" in frameworks:
        import keras

        info["keras"] = keras.__version__
        info["keras_backend"] = keras.backend.backend()
        if info["keras_backend"] == "tensorflow":
            import tensorflow as tf

            info["tf_threads"] = tf.config.threading.get_intra_op_parallelism_threads() or "auto"
    return info
