"""Figures of speed (chapter 10): ratios to the built-in with their spread, a step's
time broken into its parts, where a trick pays, and cost against sequence length.

    from unrolled.plot import speed, style
    style.apply()
    speed.ratios({"naive": {"forward": spread_f, "forward+backward": spread_fb}, ...})
    speed.breakdown({"products": 220.0, ...}, {"nn.LSTM, whole": 280.0})
    speed.tricks([("precompute", {"I = 8": s1, "I = 512": s2}), ...])
    speed.cost_vs_length(rows)        # rows of unrolled.bench.bench_lengths

A spread is anything with ``median``, ``min`` and ``max`` (``unrolled.claims.Spread``,
or a dict with those keys). Colours come from :mod:`unrolled.plot.style`: the course's
implementations in the LSTM colour, the built-in in the baseline grey; the two passes
differ by fill (forward solid, forward+backward hatched). The notebook measures; these
functions only draw. Every function returns the matplotlib ``Figure``; nothing is shown
or saved here.
"""

import matplotlib.pyplot as plt
import numpy as np

from . import style

__all__ = ["ratios", "breakdown", "tricks", "cost_vs_length"]

PASSES = ("forward", "forward+backward")
_FILL = {"forward": dict(alpha=1.0, hatch=None),
         "forward+backward": dict(alpha=0.45, hatch="//")}


def _mmm(v):
    """(median, min, max) of a Spread-like value."""
    if isinstance(v, dict):
        return v["median"], v["min"], v["max"]
    return v.median, v.min, v.max


def _bar_kw(p, kind):
    fill = _FILL.get(p, _FILL["forward"])
    return dict(color=style.color(kind), alpha=fill["alpha"], hatch=fill["hatch"],
                edgecolor=style.color(kind), linewidth=1.0)


def ratios(rows, *, passes=PASSES, kinds=None, ax=None, title=None, figsize=None,
           xlabel="time / built-in (median of per-round ratios; whiskers: min-max)"):
    """Horizontal bars of the ratio to the built-in, one group per implementation.

    rows: ``name -> {pass: spread of per-round ratios}`` (a missing pass is skipped).
    kinds: ``name -> model kind`` for the colour (default ``"lstm"``).
    A dotted line marks 1.0, the built-in's own time.
    """
    names = list(rows)
    kinds = kinds or {}
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize or (9, 0.75 * len(names) + 1.6))
    else:
        fig = ax.figure
    height = 0.8 / len(passes)
    top = 1.0
    for j, p in enumerate(passes):
        for i, n in enumerate(names):
            if p not in rows[n]:
                continue
            med, lo, hi = _mmm(rows[n][p])
            y = i + (j - (len(passes) - 1) / 2) * height
            ax.barh(y, med, height=height * 0.9, xerr=[[med - lo], [hi - med]],
                    error_kw=dict(ecolor="0.25", lw=1.2, capsize=3),
                    label=p if i == 0 else None,
                    **_bar_kw(p, kinds.get(n, "lstm")))
            ax.annotate(f"{med:.2f}x", (hi, y), xytext=(4, 0),
                        textcoords="offset points", va="center")
            top = max(top, hi)
    ax.axvline(1.0, color=style.color("baseline"), ls=":", lw=1.5)
    ax.set_yticks(np.arange(len(names)))
    ax.set_yticklabels(names)
    ax.invert_yaxis()
    ax.set_xlim(0, top * 1.2)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    # above the axes, right of a left-aligned title: it hides no bar or whisker
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=len(passes),
              frameon=False, borderaxespad=0.2)
    if title:
        ax.set_title(title, loc="left")
    fig.tight_layout()
    return fig


def breakdown(parts, wholes, *, unit="µs per step", title=None, figsize=(9, 3.4),
              part_label="FusedLSTM: its parts, each timed alone"):
    """One stacked bar of ``parts`` (label -> time), and one bar per ``wholes`` entry
    (label -> time; a label containing ``"nn.LSTM"`` or ``"built-in"`` is drawn in the
    baseline grey), on one time axis."""
    fig, ax = plt.subplots(figsize=figsize)
    labels = [part_label] + list(wholes)
    left = 0.0
    shades = [1.0, 0.65, 0.4, 0.25]
    for k, (name, v) in enumerate(parts.items()):
        ax.barh(0, v, left=left, height=0.6, color=style.color("lstm"),
                alpha=shades[k % len(shades)], edgecolor="white", label=name)
        if v > 0.08 * sum(parts.values()):
            ax.text(left + v / 2, 0, f"{v:.0f}", ha="center", va="center",
                    color="white" if k == 0 else "black")
        left += v
    for i, (name, v) in enumerate(wholes.items(), start=1):
        builtin = "nn.LSTM" in name or "built-in" in name
        ax.barh(i, v, height=0.6,
                color=style.color("baseline" if builtin else "lstm"),
                hatch=None if builtin else "//", alpha=1.0 if builtin else 0.45,
                edgecolor=style.color("baseline" if builtin else "lstm"))
        ax.text(v, i, f" {v:.0f}", va="center")
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels(labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.15 * max([left, *wholes.values()]))
    ax.set_xlabel(unit)
    ax.grid(axis="y", visible=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=len(parts))
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def tricks(panels, *, figsize=None, ylabel="time with / time without", clip=2.0):
    """One panel per trick: ``[(title, {size label: spread of ratios}), ...]``.

    Each bar is the ratio of the time with the trick to the time without it at one
    size (below the dotted line at 1: the trick pays), whiskers min-max over rounds.
    A whisker longer than ``clip`` times the panel's largest median (one slow round)
    is cut at the top of the panel, with its value written there.
    """
    n = len(panels)
    fig, axes = plt.subplots(1, n, figsize=figsize or (3.3 * n, 3.8), squeeze=False)
    for ax, (title, bars) in zip(axes[0], panels):
        labels = list(bars)
        spreads = [_mmm(bars[lab]) for lab in labels]
        cap = clip * max([1.0] + [m for m, _, _ in spreads])
        top = max([1.0] + [min(hi, cap) for _, _, hi in spreads])
        for i, (med, lo, hi) in enumerate(spreads):
            shown = min(hi, cap)
            ax.bar(i, med, width=0.6, yerr=[[med - lo], [shown - med]],
                   error_kw=dict(ecolor="0.25", lw=1.2, capsize=3),
                   **_bar_kw("forward", "lstm"))
            label = f"{med:.2f}" if hi <= cap else f"{med:.2f}\n(max {hi:.2f} ↑)"
            ax.annotate(label, (i, shown), xytext=(0, 3),
                        textcoords="offset points", ha="center")
        ax.axhline(1.0, color=style.color("baseline"), ls=":", lw=1.5)
        ax.set_xticks(range(len(labels)))
        ax.set_xticklabels(labels)
        ax.set_ylim(0, top * 1.3)
        ax.set_title(title)
        ax.grid(axis="x", visible=False)
    axes[0][0].set_ylabel(ylabel)
    fig.tight_layout()
    return fig


def cost_vs_length(rows, *, title=None, figsize=(10, 4.2)):
    """Time (left) and memory kept for the backward pass (right) against the length T.

    ``rows``: the output of :func:`unrolled.bench.bench_lengths`. One line per
    (framework, device, layer, built-in / ours): colour per framework
    (``style.FRAMEWORK_COLORS``), solid for the built-in and dashed for ours; memory
    only where it was measured (PyTorch). Points are joined by lines; a cost linear
    in ``T`` lies on a straight line.
    """
    series = {}
    for r in rows:
        for impl, tkey, mkey in (("built-in", "builtin_ms", "builtin_saved_mib"),
                                 ("ours", "ours_ms", "ours_saved_mib")):
            if r.get(tkey) is None:
                continue
            key = (r["framework"], f"{r['framework']} {r['device']} {r['layer']}, {impl}")
            s = series.setdefault(key, {"T": [], "ms": [], "mib": [], "impl": impl})
            s["T"].append(r["T"])
            s["ms"].append(r[tkey])
            s["mib"].append(r.get(mkey))
    fig, (ax_t, ax_m) = plt.subplots(1, 2, figsize=figsize)
    for (framework, label), s in series.items():
        kw = dict(color=style.FRAMEWORK_COLORS.get(framework, style.color("other")),
                  ls="-" if s["impl"] == "built-in" else "--",
                  marker="o" if s["impl"] == "built-in" else "s", label=label)
        ax_t.plot(s["T"], s["ms"], **kw)
        if all(m is not None for m in s["mib"]):
            ax_m.plot(s["T"], s["mib"], **kw)
    ax_t.set_xlabel("sequence length T")
    ax_t.set_ylabel("forward + backward (ms)")
    ax_m.set_xlabel("sequence length T")
    ax_m.set_ylabel("saved for backward (MiB)")
    for ax in (ax_t, ax_m):
        ax.set_xlim(left=0)
        ax.set_ylim(bottom=0)
        ax.legend(fontsize=10)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
