"""Figures of training runs: loss curves against a baseline, and model comparisons.

    from unrolled.plot import training
    training.loss_curves({"vanilla RNN": rnn_losses, "LSTM": lstm_losses},
                         baseline=0.167, baseline_label="predict the mean")   # chapter 3
    training.comparison_bars({"LSTM": {...}, "GRU": {...}},
                             metrics={"parameters": "{:,.0f}", "s / epoch": "{:.1f}"})  # chapter 4

The notebook trains and measures; these functions only draw the numbers they are given.
Every function returns the matplotlib ``Figure``; nothing is shown or saved here.
"""

import matplotlib.pyplot as plt
import numpy as np

from . import style

__all__ = ["loss_curves", "comparison_bars", "width_depth"]

def loss_curves(histories, *, baseline=None, baseline_label="baseline", xlabel="epoch",
                ylabel="validation loss", logy=True, ax=None, title=None, figsize=(7, 4),
                colors=None, linestyles=None):
    """One loss curve per model against the epoch, with an optional baseline line.

    Parameters
    ----------
    histories : dict ``label -> losses``
        The loss after each epoch (epoch 1 first): a sequence ``(epochs,)`` for one run,
        or ``(runs, epochs)`` for several seeds, drawn as the median with a band from
        the lowest to the highest run.
    baseline : optional float
        The loss of a trivial predictor, drawn as a dashed horizontal line.
    logy : bool
        Log scale for the loss (default), so that a model far below the baseline and one
        at the baseline both stay readable.
    colors, linestyles : optional dicts ``label -> colour / line style``. By default the
        colour is the model kind named in the label (``unrolled.plot.style``: "LSTM"
        blue, "GRU" green, "RNN" orange, ...), and a label that names Keras is dashed,
        so one model in two frameworks keeps its colour.
    """
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
    else:
        fig = ax.figure
    for i, (label, losses) in enumerate(histories.items()):
        runs = np.atleast_2d(np.asarray(losses, dtype=float))
        epochs = np.arange(1, runs.shape[1] + 1)
        color = (colors or {}).get(label) or _kind_color(label, i)
        ls = (linestyles or {}).get(label) or ("--" if "keras" in label.lower() else "-")
        ax.plot(epochs, np.median(runs, axis=0), marker="o", ms=3.5, lw=2, color=color,
                ls=ls, label=label if len(runs) == 1 else f"{label}, {len(runs)} runs")
        if len(runs) > 1:
            ax.fill_between(epochs, runs.min(axis=0), runs.max(axis=0), color=color,
                            alpha=0.15, lw=0)
    if baseline is not None:
        ax.axhline(baseline, color=style.color("baseline"), ls=":", lw=1.5,
                   label=f"{baseline_label} ({baseline:.3f})")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=9, loc="best")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def comparison_bars(results, metrics, *, logy=(), title=None, figsize=None):
    """Small multiples: one bar chart per metric, one bar per model.

    Parameters
    ----------
    results : dict ``model label -> dict metric -> float``
    metrics : dict ``metric -> format string`` (e.g. ``{"parameters": "{:,.0f}"}``) or a
        list of metric names; the format labels each bar with its value.
    logy : metrics to draw on a log scale (e.g. a final loss far below the baseline).
    """
    if not isinstance(metrics, dict):
        metrics = {m: "{:.3g}" for m in metrics}
    models = list(results)
    if figsize is None:
        figsize = (3.2 * len(metrics), 3.0)
    fig, axes = plt.subplots(1, len(metrics), figsize=figsize)
    axes = np.atleast_1d(axes)
    for ax, (metric, fmt) in zip(axes, metrics.items()):
        vals = [float(results[m][metric]) for m in models]
        bars = ax.bar(models, vals, color=[_kind_color(m, i) for i, m in enumerate(models)])
        if metric in logy:
            ax.set_yscale("log")
        else:
            ax.set_ylim(0, max(vals) * 1.2 if max(vals) > 0 else 1)
        for b, v in zip(bars, vals):
            ax.annotate(fmt.format(v), (b.get_x() + b.get_width() / 2, v), xytext=(0, 2),
                        textcoords="offset points", ha="center", va="bottom", fontsize=9)
        ax.set_title(metric, fontsize=10)
        ax.tick_params(axis="x", labelsize=9)
        ax.grid(axis="y", alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def width_depth(sweeps, *, baseline=None, figsize=(10, 3.8)):
    """Chapter 6: a width/depth sweep over seeds, error against parameters and time
    against depth.

    Args:
        sweeps: ``{framework label: {(hidden, layers): run}}``, each run a dict with
            ``"params"`` (int), ``"mse"`` and ``"seconds"`` (one value per seed). The
            framework label ("PyTorch", "Keras") picks the colour.
        baseline: a horizontal reference line for the error (predicting the mean).

    Left panel: every seed as a small dot, the mean as a large marker (marker: layers);
    a line joins the depths of one width. Right panel: median training time against
    the number of layers, one line style per width.

    Returns:
        The matplotlib ``Figure``.
    """
    from .style import FRAMEWORK_COLORS, LINESTYLES, color

    fig, (ax_err, ax_time) = plt.subplots(1, 2, figsize=figsize)
    markers = {1: "o", 2: "s", 3: "^", 4: "D"}
    fw_key = {"pytorch": "torch", "torch": "torch", "keras": "keras"}
    widths = sorted({h for runs in sweeps.values() for h, _ in runs})
    style_of = {h: LINESTYLES[i % len(LINESTYLES)] for i, h in enumerate(widths)}
    for k, (label, runs) in enumerate(sweeps.items()):
        c = FRAMEWORK_COLORS.get(fw_key.get(label.lower(), ""), f"C{k}")
        nudge = 0.96 if k == 0 else 1.04  # keep the two frameworks apart
        for hidden in widths:
            cfgs = sorted(cfg for cfg in runs if cfg[0] == hidden)
            if not cfgs:
                continue
            xs = [runs[cfg]["params"] * nudge for cfg in cfgs]
            means = [float(np.mean(runs[cfg]["mse"])) for cfg in cfgs]
            ax_err.plot(xs, means, color=c, ls=style_of[hidden], lw=1.2)
            for cfg, x_, m in zip(cfgs, xs, means):
                seeds = np.asarray(runs[cfg]["mse"], dtype=float)
                ax_err.scatter([x_] * len(seeds), seeds, color=c, s=10, alpha=0.5)
                ax_err.scatter([x_], [m], color=c, marker=markers.get(cfg[1], "x"),
                               s=60, edgecolor="white", zorder=3)
                if k == 0:
                    ax_err.annotate(f"{cfg[0]}×{cfg[1]}", (x_, m), xytext=(-6, 6),
                                    textcoords="offset points", fontsize=8,
                                    ha="right")
            pts = [(cfg[1], float(np.median(runs[cfg]["seconds"]))) for cfg in cfgs]
            ax_time.plot(*zip(*pts), color=c, ls=style_of[hidden],
                         marker="o" if len(pts) > 1 else "D", ms=6 if len(pts) > 1 else 8,
                         label=f"{label}, {hidden} units")
        ax_err.plot([], [], color=c, lw=6, label=label)
    if baseline is not None:
        ax_err.axhline(baseline, color=color("baseline"), linestyle=":", lw=1.5,
                       label=f"predict the mean ({baseline:.3f})")
    for layers in sorted({cfg[1] for runs in sweeps.values() for cfg in runs}):
        ax_err.scatter([], [], color="0.4", marker=markers.get(layers, "x"), s=40,
                       label=f"{layers} layer{'s' if layers > 1 else ''}")
    ax_err.legend(fontsize=7.5, loc="lower left", ncol=2)
    ax_err.set(xscale="log", yscale="log", xlabel="parameters",
               ylabel="test MSE (dots: seeds)", title="error against size")
    ax_err.xaxis.set_minor_formatter(plt.NullFormatter())
    ax_time.set(xlabel="layers", ylabel="training seconds (median over seeds)",
                title="time against depth")
    ax_time.set_xticks(sorted({cfg[1] for runs in sweeps.values() for cfg in runs}))
    ax_time.set_ylim(bottom=0)
    ax_time.legend(fontsize=7.5)
    for ax in (ax_err, ax_time):
        ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


_KINDS = [("bilstm", "bilstm"), ("bidirectional", "bilstm"), ("peephole", "peephole"),
          ("proj", "projection"), ("gru", "gru"), ("lstm", "lstm"), ("rnn", "rnn"),
          ("vanilla", "rnn"), ("elman", "rnn"), ("baseline", "baseline")]
_FALLBACK = ["#CC79A7", "#D55E00", "#F0E442", "#7F7F7F"]


def _kind_color(label, i=0):
    """The ``unrolled.plot.style`` colour of the model kind a label names, e.g.
    "LSTM (Keras)" -> the LSTM blue; a label naming no kind gets a spare colour."""
    low = str(label).lower()
    for word, kind in _KINDS:
        if word in low:
            return style.color(kind)
    return _FALLBACK[i % len(_FALLBACK)]
