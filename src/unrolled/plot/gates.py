"""Figures of gate activations: what a trained gated cell opens and closes over time.

The notebook runs the cell and collects the gates; these functions only draw them, so
the figure always shows the run that produced the text around it.

    from unrolled.plot import gates
    gates.heatmaps({"input gate $i_t$": i, "forget gate $f_t$": f, "output gate $o_t$": o},
                   values=x[:, 0], markers=x[:, 1])          # chapter 3: LSTM on the adding problem
    gates.mean_lines({"update gate $z_t$": z, ...}, markers=x[:, 1])   # chapter 4: GRU

Every function returns the matplotlib ``Figure``; nothing is shown or saved here.
"""

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["heatmaps", "mean_lines"]


def _marker_steps(markers):
    if markers is None:
        return []
    return list(np.flatnonzero(np.asarray(markers) > 0.5))


def _input_panel(ax, values, markers, steps):
    """The input sequence: values as bars, marked steps highlighted."""
    T = len(values) if values is not None else len(markers)
    t = np.arange(T)
    if values is not None:
        values = np.asarray(values, dtype=float)
        colors = np.where(np.isin(t, steps), "tab:red", "0.65")
        ax.bar(t, values, width=0.8, color=colors)
        for s in steps:
            ax.annotate(f"{values[s]:.2f}", (s, values[s]), xytext=(0, 2), textcoords="offset points",
                        ha="center", va="bottom", fontsize=8, color="tab:red")
        ax.set_ylim(0, 1.25)
        ax.set_ylabel("input", rotation=0, ha="right", va="center")
    else:
        ax.plot(t, markers, color="tab:red")
    ax.set_yticks([])
    ax.set_xlim(-0.5, T - 0.5)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)


def heatmaps(gates, *, values=None, markers=None, units=None, cmap="viridis", title=None,
             figsize=None):
    """One heat map per gate (hidden units x time), under the input sequence.

    Parameters
    ----------
    gates : dict ``label -> array (T, H)``
        Gate activations in ``[0, 1]`` for one sequence, e.g. ``{"input gate $i_t$": i, ...}``.
    values : optional array ``(T,)``
        The input value at each step, drawn as bars above the heat maps.
    markers : optional array ``(T,)``
        1 at the steps that matter (the adding problem's markers), else 0; they are
        highlighted in the input panel and drawn as dashed lines through every map.
    units : optional sequence of int
        The hidden units to show, in this order (default: all). Sorting the units, for
        example by how much their forget gate changes, makes the maps easier to read.
    """
    labels = list(gates)
    arrays = [np.asarray(gates[k], dtype=float) for k in labels]
    T, H = arrays[0].shape
    order = np.arange(H) if units is None else np.asarray(units)
    steps = _marker_steps(markers)
    top = values is not None or markers is not None
    n = len(arrays) + int(top)
    ratios = ([0.8] if top else []) + [max(1.2, len(order) / 12)] * len(arrays)
    if figsize is None:
        figsize = (9, 1.0 + sum(ratios) * 1.05)
    fig, axes = plt.subplots(n, 1, figsize=figsize, sharex=True,
                             gridspec_kw={"height_ratios": ratios, "hspace": 0.25})
    axes = np.atleast_1d(axes)
    if top:
        _input_panel(axes[0], values, markers, steps)
    image = None
    for ax, label, a in zip(axes[int(top):], labels, arrays):
        image = ax.imshow(a[:, order].T, aspect="auto", cmap=cmap, vmin=0.0, vmax=1.0,
                          interpolation="nearest", extent=(-0.5, T - 0.5, len(order) - 0.5, -0.5))
        ax.set_ylabel(f"{label}\nunit", fontsize=9)
        ax.set_yticks([])
        for s in steps:
            ax.axvline(s, color="white", ls="--", lw=1.0, alpha=0.9)
    axes[-1].set_xlabel("time step $t$")
    if image is not None:
        # Attach the colour bar to every panel so that all of them shrink alike and the
        # input bars stay aligned with the columns of the heat maps.
        cbar = fig.colorbar(image, ax=list(axes), fraction=0.025, pad=0.01)
        cbar.set_label("activation")
    if title:
        axes[0].set_title(title)
    return fig


def mean_lines(gates, *, markers=None, values=None, title=None, figsize=(9, 3.2)):
    """The mean over hidden units of each gate, one line per gate, against time.

    Parameters
    ----------
    gates : dict ``label -> array (T, H)``
    markers, values : optional arrays ``(T,)`` as in :func:`heatmaps`; markers are drawn
        as dashed vertical lines, values as a grey step line on a second axis.
    """
    fig, ax = plt.subplots(figsize=figsize)
    for label, a in gates.items():
        a = np.asarray(a, dtype=float)
        ax.plot(np.arange(len(a)), a.mean(axis=1), lw=2, label=label)
    for s in _marker_steps(markers):
        ax.axvline(s, color="tab:red", ls="--", lw=1.0)
    if values is not None:
        ax2 = ax.twinx()
        ax2.step(np.arange(len(values)), values, where="mid", color="0.7", lw=1)
        ax2.set_ylabel("input value", color="0.5")
        ax2.set_ylim(0, 3)
        ax2.set_yticks([0, 1])
    ax.set_ylim(0, 1)
    ax.set_xlabel("time step $t$")
    ax.set_ylabel("mean activation")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9, loc="upper left", ncol=len(gates))
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig
