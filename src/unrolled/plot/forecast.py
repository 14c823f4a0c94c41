"""Figures of forecasting (chapter 9): a series with its chronological splits,
held-out forecasts against the truth, learning curves with the early-stopping epoch,
a model's error minus a reference forecast's, and errors against the horizon.

    from unrolled.plot import forecast
    forecast.splits(dates, values, {"train": (0, 492), "validation": (492, 612),
                                    "test": (612, 732)})
    forecast.predictions(dates, truth, {"LSTM (PyTorch)": p1, "persistence": p0},
                         errors=True)
    forecast.learning_curves({"PyTorch": (train_loss, val_loss, best_epoch)})
    forecast.error_difference(dates, {"PyTorch": sq_err_lstm - sq_err_ref})
    forecast.by_horizon(horizons, {"PyTorch": mse_runs_by_h}, {"climatology": m})

The notebook computes; these functions only draw. Every function returns the matplotlib
``Figure``; nothing is shown or saved here.
"""

import matplotlib.pyplot as plt
import numpy as np

from .style import LINESTYLES, color

__all__ = ["splits", "predictions", "learning_curves", "error_difference",
           "by_horizon"]

# neutral shades, so that no part of a split reads as a model kind's colour
SPLIT_COLORS = ["#1A1A1A", "#8C6D46", "#7F7F7F", "#B0B0B0"]
BASELINE_WORDS = ("naive", "persistence", "climatology")


def _is_baseline(label):
    return any(w in label.lower() for w in BASELINE_WORDS)


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
        if i > 0:   # where a part begins
            ax.axvline(dates[lo], color="0.6", ls=":", lw=1.0)
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=10, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(parts),
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
    ax.plot(dates, truth, color=color("truth"), lw=2.0, label="truth")
    n_model = n_base = 0
    for label, pred in forecasts.items():
        pred = np.asarray(pred, dtype=float)
        if pred.shape != truth.shape:
            raise ValueError(f"forecast {label!r} has shape {pred.shape}, "
                             f"truth {truth.shape}")
        if _is_baseline(label):
            style = dict(color=color("baseline"), lw=1.1, alpha=0.85,
                         ls=LINESTYLES[1 + n_base % 3])
            n_base += 1
        else:
            style = dict(color=color("lstm"), lw=1.5,
                         ls=LINESTYLES[n_model % len(LINESTYLES)])
            n_model += 1
        mse = float(np.mean((pred - truth) ** 2))
        ax.plot(dates, pred, label=f"{label} (MSE {mse:.3f})", **style)
        if ax_err is not None:
            ax_err.plot(dates, pred - truth, **style)
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=10, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3,
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


def learning_curves(curves, *, ylabel="MSE (scaled units)", figsize=(9, 3.2)):
    """Training and validation loss per epoch, the best validation epoch marked.

    Parameters
    ----------
    curves : dict ``label -> (train, val, best)``: per-epoch losses (lists of the
        same length) and the best epoch, counted from 1. One panel per entry.
    """
    fig, axes = plt.subplots(1, len(curves), figsize=figsize, sharey=True,
                             squeeze=False)
    for ax, (label, (train, val, best)) in zip(axes[0], curves.items()):
        epochs = np.arange(1, len(train) + 1)
        ax.plot(epochs, train, color=color("lstm"), ls="--", lw=1.4,
                label="training")
        ax.plot(epochs, val, color=color("lstm"), lw=1.8, label="validation")
        ax.axvline(best, color=color("baseline"), ls=":", lw=1.2)
        ax.plot([best], [val[best - 1]], "o", color=color("truth"),
                label=f"best epoch ({best})")
        ax.set_title(label)
        ax.set_xlabel("epoch")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=10, frameon=False)
        ax.spines[["top", "right"]].set_visible(False)
    axes[0, 0].set_ylabel(ylabel)
    fig.tight_layout()
    return fig


def error_difference(dates, differences, *, reference="the reference", window=12,
                     ylabel="squared error difference", figsize=(9, 4.2)):
    """A model's per-step squared error minus a reference forecast's, over time.

    Parameters
    ----------
    dates : ``(N,)``; differences : dict ``label -> (N,)`` of
        ``(model - truth)**2 - (reference - truth)**2``. One panel per entry: the
        monthly values (thin) and their running mean over ``window`` steps (bold).
        Below zero the model was better.
    """
    dates = np.asarray(dates)
    fig, axes = plt.subplots(len(differences), 1, figsize=figsize, sharex=True,
                             sharey=True, squeeze=False)
    kernel = np.ones(window) / window
    for ax, (label, d) in zip(axes[:, 0], differences.items()):
        d = np.asarray(d, dtype=float)
        ax.axhline(0, color=color("truth"), lw=0.8)
        ax.plot(dates, d, color=color("lstm"), lw=0.8, alpha=0.6)
        running = np.convolve(d, kernel, mode="valid")
        ax.plot(dates[window - 1:], running, color=color("lstm"), lw=2.0,
                label=f"{window}-step running mean")
        ax.set_title(f"LSTM ({label}) minus {reference}: mean {d.mean():+.4f}",
                     fontsize=10)
        ax.grid(True, alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
    axes[0, 0].legend(fontsize=10, frameon=False, loc="lower left")
    fig.supylabel(ylabel, fontsize=10)
    fig.tight_layout()
    return fig


def by_horizon(horizons, models, baselines, *, ylabel="MSE", figsize=(9, 4)):
    """Error against the forecast horizon.

    Parameters
    ----------
    horizons : ``(K,)`` steps ahead. models : dict ``label -> (runs, K)`` errors of
        several runs (mean drawn, min-max band). baselines : dict ``label -> (K,)``.
    """
    horizons = np.asarray(horizons)
    fig, ax = plt.subplots(figsize=figsize)
    # models: solid / dash-dot lines (baselines use dashed and dotted), bands
    # filled / hatched, so that two overlapping bands stay apart
    model_ls, markers = ["-", "-."], ["o", "s"]
    for i, (label, runs) in enumerate(models.items()):
        runs = np.atleast_2d(np.asarray(runs, dtype=float))
        ax.plot(horizons, runs.mean(0), color=color("lstm"),
                ls=model_ls[i % 2], marker=markers[i % 2], ms=4, lw=1.8,
                label=f"LSTM, {label}")
        if i % 2 == 0:
            ax.fill_between(horizons, runs.min(0), runs.max(0),
                            color=color("lstm"), alpha=0.15, lw=0)
        else:
            ax.fill_between(horizons, runs.min(0), runs.max(0),
                            facecolor="none", edgecolor=color("lstm"),
                            alpha=0.5, hatch="///", lw=0)
    for i, (label, err) in enumerate(baselines.items()):
        ax.plot(horizons, err, color=color("baseline"),
                ls=("--", ":")[i % 2], lw=1.6, label=label)
    ax.set_xlabel("months ahead")
    ax.set_xticks(horizons)
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=10, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig
