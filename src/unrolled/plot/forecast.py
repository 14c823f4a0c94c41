"""Figures of forecasting (chapter 9): a series with its chronological splits, and
held-out forecasts against the truth.

    from unrolled.plot import forecast
    forecast.splits(dates, values, {"train": (0, 492), "validation": (492, 612),
                                    "test": (612, 732)})
    forecast.predictions(dates, truth, {"LSTM (PyTorch)": p1, "persistence": p0},
                         errors=True)

The notebook computes; these functions only draw. Every function returns the matplotlib
``Figure``; nothing is shown or saved here.
"""

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["splits", "predictions"]

COLORS = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown"]
SPLIT_COLORS = ["tab:blue", "tab:orange", "tab:green", "tab:purple"]


def splits(dates, values, parts, *, unit="steps", ylabel="value", title=None, figsize=(9, 3.4)):
    """The whole series, each chronological part in its own colour.

    Parameters
    ----------
    dates : ``(T,)`` datetime64 or numbers; values : ``(T,)``.
    parts : dict ``name -> (start, stop)`` index ranges, in time order.
    unit : what one step is, for the legend ("months").
    """
    dates, values = np.asarray(dates), np.asarray(values)
    fig, ax = plt.subplots(figsize=figsize)
    for i, (name, (lo, hi)) in enumerate(parts.items()):
        # draw one step of overlap so that the line has no gap between parts
        lo_draw = max(lo - 1, 0)
        ax.plot(dates[lo_draw:hi], values[lo_draw:hi], lw=1.1,
                color=SPLIT_COLORS[i % len(SPLIT_COLORS)],
                label=f"{name} ({hi - lo} {unit})")
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=9, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(parts),
              frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def predictions(dates, truth, forecasts, *, errors=True, ylabel="value", title=None,
                figsize=(9, 5.2)):
    """Held-out forecasts against the truth, and (optionally) their errors below.

    Parameters
    ----------
    dates : ``(N,)`` the dates of the targets; truth : ``(N,)``.
    forecasts : dict ``label -> (N,)`` predictions of the same targets. The first entries
        are drawn as solid lines, labels containing "naive" or "persistence" dashed.
    errors : add a second panel with ``forecast - truth`` for each forecast.
    """
    dates, truth = np.asarray(dates), np.asarray(truth, dtype=float)
    if errors:
        fig, (ax, ax_err) = plt.subplots(2, 1, figsize=figsize, sharex=True,
                                         gridspec_kw={"height_ratios": [2.2, 1]})
    else:
        fig, ax = plt.subplots(figsize=(figsize[0], figsize[1] * 0.65))
        ax_err = None
    ax.plot(dates, truth, color="black", lw=2.0, label="truth")
    for i, (label, pred) in enumerate(forecasts.items()):
        pred = np.asarray(pred, dtype=float)
        if pred.shape != truth.shape:
            raise ValueError(f"forecast {label!r} has shape {pred.shape}, truth {truth.shape}")
        baseline = any(w in label.lower() for w in ("naive", "persistence", "climatology"))
        style = dict(ls="--", lw=1.1, alpha=0.85) if baseline else dict(ls="-", lw=1.5)
        mse = float(np.mean((pred - truth) ** 2))
        color = COLORS[i % len(COLORS)]
        ax.plot(dates, pred, color=color, label=f"{label} (MSE {mse:.3f})", **style)
        if ax_err is not None:
            ax_err.plot(dates, pred - truth, color=color, **style)
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8.5, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3,
              frameon=False)
    if title:
        fig.suptitle(title)
    if ax_err is not None:
        ax_err.axhline(0, color="black", lw=0.8)
        ax_err.set_ylabel("forecast - truth")
        ax_err.grid(True, alpha=0.3)
    for a in (ax, ax_err):
        if a is not None:
            a.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig
