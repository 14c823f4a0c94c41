"""Benchmarks: the course's layers against the built-ins, and cost against length.

* :func:`bench_layers`: LSTM / GRU / RNN, forward and forward+backward: the built-in
  (``torch.nn`` / ``keras.layers``), ours (``unrolled.torch`` / ``unrolled.keras``) and,
  for the PyTorch LSTM, the fused variant (``unrolled.torch.compiled.FusedLSTM``).
* :func:`bench_lengths`: forward+backward time and (PyTorch) the memory kept for the
  backward pass against the sequence length ``T``; :func:`fit_line` fits time = a + b T.

Every row is the median and interquartile range of ``repeats`` interleaved rounds
(:mod:`unrolled.bench.timing`): within a round each variant is timed once, so load on a
shared machine hits all alike; the built-in is measured once per table and every ratio
divides by that one median. PyTorch is timed with ``torch.utils.benchmark.Timer``; both
frameworks run on ``unrolled.env.threads()`` CPU threads (``UNROLLED_THREADS``,
default 1), pinned by :func:`unrolled.env.pin_threads`.

Framework adapters: :mod:`unrolled.bench.torch_side`, :mod:`unrolled.bench.keras_side`.
The command line: ``unrolled bench`` (``unrolled bench --help``).
"""

import math

from .timing import Stats, interleaved, plain_clock, torch_clock

__all__ = ["bench_layers", "bench_lengths", "format_table", "fit_line", "environment",
           "LAYER_COLUMNS", "LENGTH_COLUMNS", "Stats", "interleaved"]

PASSES = ("forward", "forward+backward")

LAYER_COLUMNS = [
    ("framework", "framework", "{}"),
    ("device", "device", "{}"),
    ("layer", "layer", "{}"),
    ("variant", "variant", "{}"),
    ("pass", "pass", "{}"),
    ("median_ms", "median (ms)", "{:.2f}"),
    ("iqr_ms", "IQR (ms)", "{:.2f}"),
    ("ratio", "/ built-in", "{:.2f}x"),
]

LENGTH_COLUMNS = [
    ("framework", "framework", "{}"),
    ("layer", "layer", "{}"),
    ("T", "T", "{}"),
    ("builtin_ms", "built-in (ms)", "{:.2f}"),
    ("builtin_iqr_ms", "IQR", "{:.2f}"),
    ("ours_ms", "ours (ms)", "{:.2f}"),
    ("ours_iqr_ms", "IQR", "{:.2f}"),
    ("builtin_saved_mib", "saved (MiB)", "{:.2f}"),
]


def _check_frameworks(frameworks):
    frameworks = [frameworks] if isinstance(frameworks, str) else list(frameworks)
    bad = [f for f in frameworks if f not in ("torch", "keras")]
    if bad:
        raise ValueError(f"frameworks must be among 'torch', 'keras'; got {bad}")
    return frameworks


def _pin(frameworks, threads):
    from unrolled.env import pin_threads

    return pin_threads(threads, frameworks=frameworks)


def _layer_rows(framework, device, layer_name, stats):
    rows = []
    for p in PASSES:
        ref = stats["built-in", p]["median"]
        for (variant, p2), s in stats.items():
            if p2 != p:
                continue
            rows.append({"framework": framework, "device": device, "layer": layer_name,
                         "variant": variant, "pass": p, "median_ms": s["median"],
                         "iqr_ms": s["iqr"], "q1_ms": s["q1"], "q3_ms": s["q3"],
                         "min_ms": s["min"], "max_ms": s["max"],
                         "ratio": s["median"] / ref, "times_ms": s["times"]})
    return rows


def bench_layers(batch=64, steps=100, input_size=64, hidden=128, repeats=7, warmup=2,
                 frameworks=("torch", "keras"), kinds=("lstm", "gru"), devices=None,
                 progress=None, threads=None, min_time=0.05, fused=True):
    """Time the built-ins, ours and (PyTorch LSTM) the fused variant.

    Returns a list of dicts: ``framework, device, layer, variant, pass, median_ms,
    iqr_ms, q1_ms, q3_ms, min_ms, max_ms, ratio`` (median over the built-in's median of
    the same pass, device and table) and ``times_ms`` (the repeats).
    """
    import numpy as np

    frameworks = _check_frameworks(frameworks)
    n_threads = _pin(frameworks, threads)
    rows = []
    x_np = np.random.default_rng(0).standard_normal(
        (batch, steps, input_size)).astype("float32")
    if "torch" in frameworks:
        import torch

        from . import torch_side as ts

        for device in ts.devices(devices):
            x = torch.from_numpy(x_np).to(device)
            for kind in kinds:
                if progress:
                    progress(f"torch {device.type} {kind}")
                fns = {}
                for variant, layer in ts.layers(kind, input_size, hidden, device,
                                                fused=fused).items():
                    for p, fn in zip(PASSES, ts.passes(layer, x)):
                        fns[variant, p] = fn
                stats = interleaved(fns, repeats, warmup, min_time, torch_clock(n_threads),
                                    ts.sync(device))
                rows += _layer_rows("torch", device.type, ts.KINDS[kind], stats)
    if "keras" in frameworks:
        from . import keras_side as ks

        with ks.QuietTensorFlow():
            for kind in kinds:
                if progress:
                    progress(f"keras {ks.device()} {kind}")
                fns = {}
                for variant, layer in ks.layers(kind, input_size, hidden).items():
                    for p, fn in zip(PASSES, ks.passes(layer, x_np)):
                        fns[variant, p] = fn
                stats = interleaved(fns, repeats, warmup, min_time, plain_clock)
                rows += _layer_rows("keras", ks.device(), ks.KINDS[kind], stats)
    for r in rows:
        r["threads"] = n_threads
    return rows


def bench_lengths(lengths=(25, 50, 100, 200), batch=64, input_size=64, hidden=128,
                  repeats=7, warmup=1, frameworks=("torch", "keras"), kinds=("lstm",),
                  devices=None, progress=None, threads=None, min_time=0.05):
    """Forward+backward time (and PyTorch's saved-for-backward memory) against ``T``.

    Returns dicts: ``framework, device, layer, T, builtin_ms, builtin_iqr_ms, ours_ms,
    ours_iqr_ms, ours_us_per_step, builtin_saved_mib, ours_saved_mib`` (memory ``None``
    for Keras). Within one length, built-in and ours are interleaved.
    """
    import numpy as np

    frameworks = _check_frameworks(frameworks)
    n_threads = _pin(frameworks, threads)
    rng = np.random.default_rng(0)
    rows = []

    def row(framework, device, layer, T, st, saved=(None, None)):
        b, o = st["built-in"], st["ours"]
        return {"framework": framework, "device": device, "layer": layer, "T": T,
                "builtin_ms": b["median"], "builtin_iqr_ms": b["iqr"],
                "ours_ms": o["median"], "ours_iqr_ms": o["iqr"],
                "ours_us_per_step": o["median"] * 1e3 / T,
                "builtin_saved_mib": saved[0], "ours_saved_mib": saved[1],
                "threads": n_threads}

    if "torch" in frameworks:
        import torch

        from . import torch_side as ts

        for device in ts.devices(devices):
            for kind in kinds:
                ls = ts.layers(kind, input_size, hidden, device, fused=False)
                for T in lengths:
                    if progress:
                        progress(f"torch {device.type} {kind} T={T}")
                    x = torch.from_numpy(rng.standard_normal(
                        (batch, T, input_size)).astype("float32")).to(device)
                    fns = {v: ts.passes(layer, x)[1] for v, layer in ls.items()}
                    st = interleaved(fns, repeats, warmup, min_time, torch_clock(n_threads),
                                     ts.sync(device))
                    saved = (ts.saved_mib(ls["built-in"], x), ts.saved_mib(ls["ours"], x))
                    rows.append(row("torch", device.type, ts.KINDS[kind], T, st, saved))
    if "keras" in frameworks:
        from . import keras_side as ks

        with ks.QuietTensorFlow():
            for kind in kinds:
                ls = ks.layers(kind, input_size, hidden)
                for T in lengths:
                    if progress:
                        progress(f"keras {ks.device()} {kind} T={T}")
                    x = rng.standard_normal((batch, T, input_size)).astype("float32")
                    fns = {v: ks.passes(layer, x)[1] for v, layer in ls.items()}
                    st = interleaved(fns, repeats, warmup, min_time, plain_clock)
                    rows.append(row("keras", ks.device(), ks.KINDS[kind], T, st))
    return rows


def fit_line(xs, ys):
    """Least-squares ``y = a + b x``: returns ``(a, b, r2)``."""
    import numpy as np

    xs, ys = np.asarray(xs, float), np.asarray(ys, float)
    b, a = np.polyfit(xs, ys, 1)
    resid = ys - (a + b * xs)
    ss = float(((ys - ys.mean()) ** 2).sum())
    r2 = 1.0 - float((resid ** 2).sum()) / ss if ss > 0 else 1.0
    return float(a), float(b), r2


def format_table(rows, columns=None):
    """A Markdown pipe table of benchmark rows (missing values print as ``n/a``).

    ``columns``: ``(key, header, format)`` triples; default :data:`LAYER_COLUMNS`, or
    :data:`LENGTH_COLUMNS` when the rows have a ``T``.
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
    """Versions, devices and thread counts, to print above a table (and in ``--json``)."""
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

            info["tf_threads"] = tf.config.threading.get_intra_op_parallelism_threads()
    return info
