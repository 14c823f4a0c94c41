"""Figures of speed (chapter 10): implementation variants side by side, and cost
against sequence length.

    from unrolled.plot import speed
    speed.variants({"python loop": {"forward": 20.1, "forward+backward": 75.3}, ...},
                   reference="built-in nn.LSTM")
    speed.cost_vs_length(rows)        # rows of unrolled.bench.bench_lengths

The notebook measures; these functions only draw. Every function returns the matplotlib
``Figure``; nothing is shown or saved here.
"""

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["variants", "cost_vs_length"]

COLORS = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown"]


def variants(times, *, reference=None, passes=None, unit="ms", title=None, figsize=None, ax=None):
    """Horizontal bars: one group per implementation, one bar per pass.

    Parameters
    ----------
    times : dict ``implementation -> dict pass -> milliseconds`` (``None`` = not measured).
    reference : the implementation the others are compared with; its times are drawn as
        dotted vertical lines and each bar is labelled with its ratio to it.
    passes : the passes to draw, in order (default: those of the first implementation).
    ax : draw into this axes (several frameworks side by side) instead of a new figure.
    """
    names = list(times)
    passes = list(passes or next(iter(times.values())))
    if ax is None:
        if figsize is None:
            figsize = (8, 0.55 * len(names) * len(passes) + 1.2)
        fig, ax = plt.subplots(figsize=figsize)
    else:
        fig = ax.figure
    height = 0.8 / len(passes)
    ymax = 0.0
    for j, p in enumerate(passes):
        ys = np.arange(len(names)) + (j - (len(passes) - 1) / 2) * height
        vals = [times[n].get(p) for n in names]
        drawn = [v if v is not None else 0.0 for v in vals]
        ax.barh(ys, drawn, height=height * 0.92, color=COLORS[j % len(COLORS)], label=p)
        ref = times.get(reference, {}).get(p) if reference else None
        if ref:
            ax.axvline(ref, color=COLORS[j % len(COLORS)], ls=":", lw=1.2)
        for y, v in zip(ys, vals):
            text = "n/a" if v is None else (f"{v:.1f} {unit}" + (f"  ({v / ref:.2f}x)" if ref else ""))
            ax.annotate(text, (v or 0.0, y), xytext=(3, 0), textcoords="offset points",
                        va="center", fontsize=8)
            ymax = max(ymax, v or 0.0)
    ax.set_yticks(np.arange(len(names)))
    ax.set_yticklabels(names)
    ax.invert_yaxis()
    ax.set_xlim(0, ymax * 1.35 if ymax else 1)
    ax.set_xlabel(f"time ({unit}), median")
    ax.legend(loc="lower right", fontsize=9)
    ax.grid(axis="x", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def cost_vs_length(rows, *, title=None, figsize=(10, 3.8)):
    """Time (left) and memory kept for the backward pass (right) against the length T.

    ``rows``: the output of :func:`unrolled.bench.bench_lengths`. One line per
    (framework, device, built-in / ours); memory only where it was measured (PyTorch).
    Straight lines through the origin mean cost linear in ``T``.
    """
    series = {}
    for r in rows:
        for impl, tkey, mkey in (("built-in", "builtin_ms", "builtin_saved_mib"),
                                 ("ours", "ours_ms", "ours_saved_mib")):
            if r.get(tkey) is None:
                continue
            key = f"{r['framework']} {r['device']} {r['layer']}, {impl}"
            s = series.setdefault(key, {"T": [], "ms": [], "mib": []})
            s["T"].append(r["T"])
            s["ms"].append(r[tkey])
            s["mib"].append(r.get(mkey))
    fig, (ax_t, ax_m) = plt.subplots(1, 2, figsize=figsize)
    for i, (label, s) in enumerate(series.items()):
        color = COLORS[(i // 2) % len(COLORS)]
        ls = "-" if label.endswith("built-in") else "--"
        marker = "o" if label.endswith("built-in") else "s"
        ax_t.plot(s["T"], s["ms"], ls=ls, marker=marker, color=color, label=label)
        if all(m is not None for m in s["mib"]):
            ax_m.plot(s["T"], s["mib"], ls=ls, marker=marker, color=color, label=label)
    ax_t.set_xlabel("sequence length T")
    ax_t.set_ylabel("forward + backward (ms)")
    ax_m.set_xlabel("sequence length T")
    ax_m.set_ylabel("saved for backward (MiB)")
    for ax in (ax_t, ax_m):
        ax.set_xlim(left=0)
        ax.set_ylim(bottom=0)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
