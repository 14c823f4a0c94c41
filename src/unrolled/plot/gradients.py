"""Figures about gradients through time: how far they reach, and what BPTT costs.

Both functions take the numbers measured by a notebook and only draw them, so the
figure always shows the run that produced the text around it.
"""

import matplotlib.pyplot as plt
import numpy as np


def norm_vs_distance(distances, norms, *, ax=None, title=None, ylabel=None,
                     colors=None, linestyles=None, legend=True, fontsize=None):
    """Gradient norm against distance in time, one line per setting, log scale.

    Parameters
    ----------
    distances : array of shape ``(K,)``
        The distances ``T - t`` (steps between the loss and the state).
    norms : dict ``label -> array of shape (K,)``
        ``||dL/dh_t||`` (or any norm) per distance, e.g. one entry per spectral radius.
    colors, linestyles : optional lists, one entry per line
        Default: a dark-to-light colour ramp, and line styles that cycle through
        ``unrolled.plot.style.LINESTYLES`` so that overlapping lines stay apart.
        Zeros (underflow) are not drawn: the line stops there.
    legend : draw the legend in this axes (``False``: the caller draws one, e.g.
        one ``fig.legend`` for several panels).
    fontsize : optional size in points of the tick labels, axis labels, title and
        legend (default: matplotlib's sizes, legend 9 pt).
    """
    from unrolled.plot.style import LINESTYLES

    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 4.2))
    else:
        fig = ax.figure
    cmap = plt.get_cmap("plasma")
    labels = list(norms)
    for i, label in enumerate(labels):
        values = np.asarray(norms[label], dtype=float)
        color = cmap(0.85 * i / max(1, len(labels) - 1)) if colors is None else colors[i]
        ls = LINESTYLES[i % len(LINESTYLES)] if linestyles is None else linestyles[i]
        ax.semilogy(distances, np.where(values > 0, values, np.nan), lw=2, color=color,
                    ls=ls, label=str(label))
    ax.set_xlabel("distance in time  $T - t$  (steps)")
    ax.set_ylabel(ylabel or r"$\|\partial L / \partial h_t\|$")
    ax.grid(True, which="major", alpha=0.3)
    if fontsize is not None:
        ax.tick_params(labelsize=fontsize)
        ax.xaxis.label.set_size(fontsize)
        ax.yaxis.label.set_size(fontsize)
    if legend:
        size = 9 if fontsize is None else fontsize
        ax.legend(fontsize=size, title_fontsize=size, title=None, loc="best",
                  ncol=1 if len(labels) < 6 else 2)
    if title:
        ax.set_title(title, fontsize=fontsize)
    fig.tight_layout()
    return fig


def bptt_cost(lengths, seconds, mib=None, *, figsize=(10, 3.8), colors=None,
              linestyles=None, markers=None, fontsize=None):
    """Time (and memory) of a forward and backward pass against sequence length.

    Parameters
    ----------
    lengths : array of shape ``(K,)``
    seconds : dict ``label -> array (K,)`` of wall-clock seconds per pass.
    mib : optional dict ``label -> array (K,)`` of memory in MiB (e.g. saved activations).
    colors, linestyles, markers : optional dicts ``label -> colour / line style /
        marker``, the same for a label in both panels (e.g. colour by framework,
        ``unrolled.plot.style.FRAMEWORK_COLORS``, and line style and marker by layer).
        Default: matplotlib's colour cycle, ``LINESTYLES`` and ``"osd^v"`` in turn.
    fontsize : optional size in points of the tick labels, axis labels and legends
        (default: matplotlib's sizes, legends 9 pt).
    """
    from unrolled.plot.style import LINESTYLES

    def style_of(i, label):
        kw = {"marker": (markers or {}).get(label, markers_cycle[i % 5]),
              "ls": (linestyles or {}).get(label, LINESTYLES[i % len(LINESTYLES)])}
        if colors and label in colors:
            kw["color"] = colors[label]
        return kw

    markers_cycle = "osd^v"
    legend_size = 9 if fontsize is None else fontsize

    ncols = 2 if mib else 1
    fig, axes = plt.subplots(1, ncols, figsize=figsize if ncols == 2 else (figsize[0] / 2 + 1, figsize[1]))
    axes = np.atleast_1d(axes)
    for i, (label, values) in enumerate(seconds.items()):
        axes[0].plot(lengths, 1e3 * np.asarray(values), lw=1.8, label=label,
                     **style_of(i, label))
    axes[0].set_xlabel("sequence length $T$")
    axes[0].set_ylabel("time per forward + backward (ms)")
    axes[0].set_ylim(bottom=0)
    axes[0].legend(fontsize=legend_size)
    axes[0].grid(alpha=0.3)
    if mib:
        for i, (label, values) in enumerate(mib.items()):
            # Distinct styles: the lines can coincide (same memory per step).
            axes[1].plot(lengths, values, lw=1.8, ms=9 - 3 * i, label=label,
                         **style_of(i, label))
        axes[1].set_xlabel("sequence length $T$")
        axes[1].set_ylabel("memory kept for backward (MiB)")
        axes[1].set_ylim(bottom=0)
        axes[1].legend(fontsize=legend_size)
        axes[1].grid(alpha=0.3)
    if fontsize is not None:
        for ax in axes:
            ax.tick_params(labelsize=fontsize)
            ax.xaxis.label.set_size(fontsize)
            ax.yaxis.label.set_size(fontsize)
    fig.tight_layout()
    return fig


def full_and_direct(distances, panels, *, ylabel=None, figsize=(10, 3.8)):
    """Chapter 4: the full gradient against the direct path alone, per setting.

    Parameters
    ----------
    distances : array ``(K,)``, the distances ``T - t``.
    panels : dict ``title -> {label: (full (K,), direct (K,))}``: one axes per title
        (e.g. per framework); in each, one colour per label, the full gradient solid
        and the direct path (a product of gates) dashed.

    Returns the matplotlib ``Figure``.
    """
    fig, axes = plt.subplots(1, len(panels), figsize=figsize, sharey=True)
    axes = np.atleast_1d(axes)
    cmap = plt.get_cmap("viridis")
    for ax, (title, lines) in zip(axes, panels.items()):
        for i, (label, (full, direct)) in enumerate(lines.items()):
            color = cmap(0.85 * i / max(1, len(lines) - 1))
            for values, ls, what in [(full, "-", "full"), (direct, "--", "direct path")]:
                values = np.asarray(values, dtype=float)
                ax.semilogy(distances, np.where(values > 0, values, np.nan), lw=2,
                            ls=ls, color=color, label=f"{label}, {what}")
        ax.set_title(title)
        ax.set_xlabel("distance in time  $T - t$  (steps)")
        ax.grid(True, which="major", alpha=0.3)
    axes[0].set_ylabel(ylabel or r"$\|\partial L / \partial h_t\|$")
    axes[-1].legend(fontsize=8, loc="lower left", ncol=1)
    fig.tight_layout()
    return fig
