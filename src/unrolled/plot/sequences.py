"""Figures of sequences and of what models make of them (chapters 5 to 7).

    from unrolled.plot import sequences
    sequences.continuations(predicted, observed=100, truth=waves)   # chapter 5: sine waves
    sequences.forecast_lines(y_true, {"model": y_pred})             # chapter 7: forecasts
    sequences.accuracy_bars({"uni": 0.52, "bi": 0.99}, chance=0.5)  # chapter 7: accuracies

Every function takes NumPy arrays (or anything ``np.asarray`` accepts), returns the
matplotlib ``Figure`` and neither shows nor saves it.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from . import style

COLORS = ("tab:red", "tab:green", "tab:blue", "tab:orange", "tab:purple", "tab:brown")


def continuations(predicted, observed, truth=None, title=None, ax=None, color=None):
    """Waves predicted step by step, then continued by feeding predictions back.

    Args:
        predicted: ``(waves, steps)``; column ``t`` is the prediction of step ``t + 1``
            (the convention of a next-value predictor whose first input is step 0).
        observed: how many predictions were made from real inputs; the rest (the
            continuation, from the model's own outputs) is drawn dashed.
        truth: optional ``(waves, >= steps + 1)``, the true waves, drawn thin and pale.
        title: optional axes title. ax: draw into this axes instead of a new figure.
        color: one colour for every predicted wave (e.g. ``style.color("lstm")``, the
            model's kind; the waves then differ in line width), else one colour each.
            The truth is drawn in ``style.color("truth")``, pale.

    Returns:
        the ``Figure``.
    """
    predicted = np.asarray(predicted)
    if predicted.ndim != 2:
        raise ValueError(f"continuations: expected predicted of shape (waves, steps), got {predicted.shape}")
    if ax is None:
        fig, ax = plt.subplots(figsize=(9, 3.4))
    else:
        fig = ax.figure
    steps = predicted.shape[1]
    t = np.arange(1, steps + 1)
    one_color = color
    for k, wave in enumerate(predicted):
        color = one_color or COLORS[k % len(COLORS)]
        lw = 1.5 if one_color is None else (1.0, 1.6, 2.2)[k % 3]
        if truth is not None:
            true = np.asarray(truth)[k, 1:steps + 1]
            ax.plot(t[:len(true)], true, color=style.color("truth"), lw=4, alpha=0.15)
        ax.plot(t[:observed], wave[:observed], color=color, lw=lw)
        ax.plot(t[observed - 1:], wave[observed - 1:], color=color, lw=lw, ls="--")
    ax.axvline(observed + 0.5, color="0.4", lw=0.8)
    ax.text(observed + 2, 1.05, "continued from its own predictions", fontsize=8, color="0.3",
            va="bottom")
    ax.text(observed - 2, 1.05, "predicted from real inputs", fontsize=8, color="0.3",
            va="bottom", ha="right")
    ax.set_ylim(-1.35, 1.35)
    ax.set_xlabel("time step")
    ax.set_ylabel("value")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def forecast_lines(y_true, preds, t=None, title=None, ylabel="value", ax=None):
    """A target series and one or more predictions of it, as lines on one axes.

    (Not :func:`unrolled.plot.forecast.predictions`, chapter 9's dated forecasts
    with error panels.)

    Args:
        y_true: ``(steps,)`` the true values.
        preds: ``{label: (steps,)}`` predictions, drawn in order.
        t: optional ``(steps,)`` x values (default ``0 .. steps-1``).

    Returns:
        the ``Figure``.
    """
    y_true = np.asarray(y_true).ravel()
    t = np.arange(len(y_true)) if t is None else np.asarray(t)
    if ax is None:
        fig, ax = plt.subplots(figsize=(9, 3.2))
    else:
        fig = ax.figure
    ax.plot(t, y_true, color=style.color("truth"), lw=2.5, alpha=0.35, label="truth")
    for k, (label, y) in enumerate(preds.items()):
        y = np.asarray(y).ravel()
        if y.shape != y_true.shape:
            raise ValueError(f"forecast_lines: {label!r} has shape {y.shape}, expected {y_true.shape}")
        ax.plot(t, y, color=_kind_color(label, k), lw=1.3, ls=style.LINESTYLES[k % 4],
                label=label)
    ax.set_xlabel("time step")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=2, frameon=False)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def accuracy_bars(scores, chance=None, title=None, ylabel="accuracy", ax=None, fmt="{:.1%}",
                  chance_label="chance"):
    """Bars of a score (accuracy by default) per model, labelled with their values.

    Args:
        scores: ``{label: value}``, or ``{group: {label: value}}`` for grouped bars
            (e.g. ``{"PyTorch": {"LSTM": .7, "BiLSTM": .8}, "Keras": {...}}``). A value
            may be a list (one per seed): the bar is the mean, the seeds are dots and
            a line spans their min-max.
        chance: optional level drawn as a dashed grey line (e.g. ``0.5``), labelled
            ``chance_label`` at the right end.
        fmt: how values (means) are written on the bars.

    Colours follow :mod:`unrolled.plot.style` where the label names a model kind
    ("LSTM", "BiLSTM", "GRU", ...).

    Returns:
        the ``Figure``.
    """
    from .style import COLORS as KIND_COLORS, color

    grouped = all(isinstance(v, dict) for v in scores.values())
    groups = scores if grouped else {"": scores}
    labels = list(dict.fromkeys(k for g in groups.values() for k in g))
    if ax is None:
        fig, ax = plt.subplots(figsize=(max(4.5, 1.3 * len(labels) * len(groups)), 3.2))
    else:
        fig = ax.figure
    width = 0.8 / len(labels)
    top = 0.0
    for j, label in enumerate(labels):
        kind = label.lower()
        c = color(kind) if kind in KIND_COLORS else COLORS[j % len(COLORS)]
        for i, g in enumerate(groups.values()):
            if label not in g:
                continue
            vals = np.atleast_1d(np.asarray(g[label], dtype=float))
            x = i + (j - (len(labels) - 1) / 2) * width
            mean = float(vals.mean())
            top = max(top, float(vals.max()))
            bar = ax.bar([x], [mean], width=width * 0.92, color=c,
                         label=label if i == 0 else None)[0]
            y_text = mean
            if vals.size > 1:
                ax.vlines(x, vals.min(), vals.max(), color="black", lw=1)
                ax.scatter(np.full(vals.size, x), vals, s=9, color="black", zorder=3)
                y_text = float(vals.max())
            ax.text(bar.get_x() + bar.get_width() / 2, y_text, fmt.format(mean),
                    ha="center", va="bottom", fontsize=8)
    if grouped:
        ax.set_xticks(range(len(groups)), list(groups))
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    else:
        ax.set_xticks([(j - (len(labels) - 1) / 2) * width for j in range(len(labels))], labels)
    if chance is not None:
        ax.axhline(chance, color=color("baseline"), ls="--", lw=1)
        ax.text(1.0, chance, f" {chance_label}", transform=ax.get_yaxis_transform(), va="center",
                ha="left", fontsize=8, color=color("baseline"))
    ax.set_ylim(0, max(1.0, top) * 1.1)
    ax.set_ylabel(ylabel)
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def _kind_color(label, i=0):
    """The ``unrolled.plot.style`` colour of the model kind a label names (as in
    :mod:`unrolled.plot.training`), else one of this module's colours."""
    from .training import _KINDS

    low = str(label).lower()
    for word, kind in _KINDS:
        if word in low:
            return style.color(kind)
    return COLORS[i % len(COLORS)]
