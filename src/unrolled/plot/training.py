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


def width_depth(sweeps, *, baseline=None, figsize=(10, 4.6)):
    """Chapter 6: a width/depth sweep over seeds, error against parameters and time
    against depth.

    Args:
        sweeps: ``{framework label: {(hidden, layers): run}}``, each run a dict with
            ``"params"`` (int), ``"mse"`` and ``"seconds"`` (one value per seed). The
            framework label ("PyTorch", "Keras") picks the colour
            (``unrolled.plot.style.FRAMEWORK_COLORS``).
        baseline: a horizontal reference line for the error (predicting the mean).

    One encoding in both panels and one legend under them: colour the framework,
    marker the number of layers, line style and filling the width (the narrowest
    filled, wider ones hollow). Left panel: every seed as a
    small dot, the mean as a large marker, a line joining the depths of one width;
    the x ticks name each shape with its parameter counts (every framework's, one
    per line in the order of ``sweeps``; one number where they all agree).
    Right panel: the fastest seed's training time against the number of layers (a
    busy machine only adds to a time, so the fastest run is the best estimate). The frameworks
    are drawn side by side (a small horizontal offset) so that no marker hides
    another.

    Returns:
        The matplotlib ``Figure``.
    """
    from matplotlib.lines import Line2D

    from .style import FRAMEWORK_COLORS, LINESTYLES, color

    fig, (ax_err, ax_time) = plt.subplots(1, 2, figsize=figsize)
    markers = {1: "o", 2: "s", 3: "^", 4: "D"}
    fw_key = {"pytorch": "torch", "torch": "torch", "keras": "keras"}
    cfgs_all = sorted({cfg for runs in sweeps.values() for cfg in runs})
    widths = sorted({h for h, _ in cfgs_all})
    depths = sorted({l for _, l in cfgs_all})
    style_of = {h: LINESTYLES[i % len(LINESTYLES)] for i, h in enumerate(widths)}

    def face(c, hidden):  # the narrowest width filled, wider ones hollow
        return c if hidden == widths[0] else "none"
    n_fw = len(sweeps)
    colors = {}
    for k, (label, runs) in enumerate(sweeps.items()):
        c = FRAMEWORK_COLORS.get(fw_key.get(label.lower(), ""), f"C{k}")
        colors[label] = c
        shift = k - (n_fw - 1) / 2  # -0.5, +0.5 for two frameworks
        nudge = 1.07 ** shift  # log x axis: a constant factor apart
        for hidden in widths:
            cfgs = sorted(cfg for cfg in runs if cfg[0] == hidden)
            if not cfgs:
                continue
            xs = [runs[cfg]["params"] * nudge for cfg in cfgs]
            means = [float(np.mean(runs[cfg]["mse"])) for cfg in cfgs]
            ax_err.plot(xs, means, color=c, ls=style_of[hidden], lw=1.2, zorder=2)
            for cfg, x_, m in zip(cfgs, xs, means):
                seeds = np.asarray(runs[cfg]["mse"], dtype=float)
                ax_err.scatter([x_] * len(seeds), seeds, color=c, s=14, alpha=0.6,
                               lw=0, zorder=3)
                ax_err.scatter([x_], [m], marker=markers.get(cfg[1], "x"), s=70,
                               facecolor=face(c, hidden),
                               edgecolor="white" if hidden == widths[0] else c,
                               lw=0.8 if hidden == widths[0] else 1.8, zorder=4)
            layers = [cfg[1] + 0.06 * shift for cfg in cfgs]
            secs = [float(np.min(runs[cfg]["seconds"])) for cfg in cfgs]
            ax_time.plot(layers, secs, color=c, ls=style_of[hidden], lw=1.5, zorder=2)
            for cfg, x_, t in zip(cfgs, layers, secs):
                ax_time.scatter([x_], [t], marker=markers.get(cfg[1], "x"), s=70,
                                facecolor=face(c, hidden),
                                edgecolor="white" if hidden == widths[0] else c,
                                lw=0.8 if hidden == widths[0] else 1.8, zorder=4)
    if baseline is not None:
        ax_err.axhline(baseline, color=color("baseline"), linestyle=":", lw=1.5)
    first = next(iter(sweeps.values()))
    ticks = [cfg for cfg in cfgs_all if cfg in first]
    ax_err.set_xscale("log")
    def tick_label(cfg):  # every framework's count, one per line if they differ
        counts = [f"{runs[cfg]['params']:,}" for runs in sweeps.values() if cfg in runs]
        return f"{cfg[0]}×{cfg[1]}\n" + "\n".join(dict.fromkeys(counts))

    ax_err.set_xticks([first[cfg]["params"] for cfg in ticks],
                      [tick_label(cfg) for cfg in ticks], fontsize=10)
    ax_err.xaxis.set_minor_locator(plt.NullLocator())
    lo, hi = (min(first[c]["params"] for c in ticks), max(first[c]["params"] for c in ticks))
    ax_err.set_xlim(lo / 1.4, hi * 1.4)
    ax_err.set_yscale("log")
    def plain(v, _):  # 0.02, 0.03, 0.05, 0.1, ... instead of 2 x 10^-2
        return f"{v:g}" if f"{v:.0e}"[0] in "1235" else ""

    ax_err.yaxis.set_major_formatter(plt.FuncFormatter(plain))
    ax_err.yaxis.set_minor_formatter(plt.FuncFormatter(plain))
    ax_err.tick_params(axis="y", which="minor", labelsize=10)
    ax_err.set(xlabel="shape (units × layers), parameters ("
               + ", then ".join(sweeps) + ")",
               ylabel="test MSE", title="error against size")
    ax_time.set(xlabel="layers", ylabel="training seconds (fastest seed)",
                title="time against depth")
    ax_time.set_xticks(depths)
    ax_time.set_ylim(bottom=0)
    handles = [Line2D([], [], color=c, lw=6, label=label) for label, c in colors.items()]
    handles += [Line2D([], [], color="0.35", marker=markers.get(l, "x"), ls="none", ms=8,
                       label=f"{l} layer{'s' if l > 1 else ''} (mean)") for l in depths]
    handles += [Line2D([], [], color="0.35", marker="o", ls="none", ms=4, alpha=0.6,
                       label="one seed")]
    handles += [Line2D([], [], color="0.35", ls=style_of[h], lw=1.5, marker="o", ms=7,
                       markerfacecolor=face("0.35", h), markeredgewidth=1.5,
                       label=f"{h} units") for h in widths]
    if baseline is not None:
        handles.append(Line2D([], [], color=color("baseline"), ls=":", lw=1.5,
                              label=f"predict the mean ({baseline:.3f})"))
    fig.legend(handles=handles, loc="lower center", ncol=(len(handles) + 1) // 2,
               fontsize=9, frameon=False, bbox_to_anchor=(0.5, 0.0))
    for ax in (ax_err, ax_time):
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(True, which="major", alpha=0.3)
    fig.tight_layout(rect=(0, 0.13, 1, 1))
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
