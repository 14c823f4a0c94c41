"""Computation graphs of a recurrent cell: folded (with its loop) and unrolled in time.

The figures are schematic: boxes are vectors, arrows are weight matrices. Arrows that
share a weight matrix share a colour, which is the point of the picture: an unrolled
network has as many copies of ``W_hh`` as steps, but they are all the same matrix.
"""

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

#: Colours of the three weight matrices of a vanilla RNN (colour-blind safe pairs).
COLORS = {"xh": "#0072B2", "hh": "#D55E00", "hy": "#009E73", "node": "#f4f4f4",
          "text": "#222222", "fb": "#CC79A7", "decoder": "#fbeee0"}

_BOX_W, _BOX_H = 0.9, 0.6


def _box(ax, x, y, label, *, fill=COLORS["node"], edge="#555555",
         style="round,pad=0.02,rounding_size=0.12", fontsize=13):
    patch = FancyBboxPatch((x - _BOX_W / 2, y - _BOX_H / 2), _BOX_W, _BOX_H, boxstyle=style,
                           facecolor=fill, edgecolor=edge, linewidth=1.4, zorder=2)
    ax.add_patch(patch)
    ax.text(x, y, label, ha="center", va="center", fontsize=fontsize, color=COLORS["text"],
            zorder=3)
    return patch


def _arrow(ax, start, end, color, label=None, *, label_offset=(0.0, 0.0), rad=0.0, ls="-"):
    arrow = FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14, color=color,
                            linewidth=1.8, connectionstyle=f"arc3,rad={rad}", linestyle=ls,
                            shrinkA=0, shrinkB=0, zorder=1)
    ax.add_patch(arrow)
    if label:
        mx = (start[0] + end[0]) / 2 + label_offset[0]
        my = (start[1] + end[1]) / 2 + label_offset[1]
        ax.text(mx, my, label, ha="center", va="center", fontsize=11, color=color, zorder=3,
                bbox=dict(boxstyle="round,pad=0.1", facecolor="white", edgecolor="none", alpha=0.9))
    return arrow


def _draw_folded(ax, x0=0.0):
    """The cell with its recurrent loop, centred at ``x0``."""
    _box(ax, x0, 0.0, r"$x_t$", fill="#e8f1fa")
    _box(ax, x0, 1.5, r"$h_t$")
    _box(ax, x0, 3.0, r"$y_t$", fill="#e6f5ef")
    _arrow(ax, (x0, 0.3), (x0, 1.2), COLORS["xh"], r"$W_{xh}$", label_offset=(-0.45, 0))
    _arrow(ax, (x0, 1.8), (x0, 2.7), COLORS["hy"], r"$W_{hy}$", label_offset=(-0.45, 0))
    # The loop: leave the right side of h_t and come back into it, one step later.
    _arrow(ax, (x0 + 0.3, 1.8), (x0 + 0.3, 1.2), COLORS["hh"], None, rad=-1.5)
    ax.text(x0 + 0.95, 1.62, r"$W_{hh}$", ha="left", va="center", fontsize=11, color=COLORS["hh"])
    ax.text(x0 + 0.95, 1.3, "one step later", ha="left", va="center", fontsize=8, color="#666666")


def _draw_unrolled(ax, steps, x0=0.0, dx=1.7, inputs=None, outputs=None, labels=True,
                   initial=True, feedback=None, fill=COLORS["node"], first=1,
                   start=False):
    """``steps`` copies of the cell, left to right from ``x0``; returns the last x.

    ``inputs`` / ``outputs``: one bool per step (draw x_t / y_t); ``feedback``: one bool
    per step, True where the input of that step is the previous step's output (a dashed
    arrow from y_{t-1} to x_t). ``first`` is the index of the first step's label.
    ``start``: the first input is a start symbol (a white box marked "start"), not data.
    """
    inputs = [True] * steps if inputs is None else inputs
    outputs = [True] * steps if outputs is None else outputs
    feedback = [False] * steps if feedback is None else feedback
    xs = [x0 + dx * (t + (1 if initial else 0)) for t in range(steps)]
    if initial:
        _box(ax, x0, 1.5, r"$h_0$", fill="white", edge="#999999")
    for t, x in enumerate(xs, start=1):
        k = t + first - 1
        name = (lambda v: rf"${v}_{{{k}}}$") if labels else (lambda v: "")
        _box(ax, x, 1.5, name("h"), fill=fill)
        if inputs[t - 1]:
            fed = feedback[t - 1]
            if start and t == 1:
                _box(ax, x, 0.0, "start", fill="white", edge="#999999", fontsize=10)
            else:
                _box(ax, x, 0.0, name("x"), fill="white" if fed else "#e8f1fa",
                     edge=COLORS["fb"] if fed else "#555555")
            _arrow(ax, (x, 0.3), (x, 1.2), COLORS["xh"])
            if fed:                      # the previous prediction becomes this input
                _arrow(ax, (x - dx + _BOX_W / 2, 2.85), (x - _BOX_W / 2, 0.15),
                       COLORS["fb"], ls="--")
        if outputs[t - 1]:
            _box(ax, x, 3.0, name("y"), fill="#e6f5ef")
            _arrow(ax, (x, 1.8), (x, 2.7), COLORS["hy"])
        prev = x - dx
        if t > 1 or initial:
            _arrow(ax, (prev + _BOX_W / 2, 1.5), (x - _BOX_W / 2, 1.5), COLORS["hh"])
    return xs[-1]


def _finish(ax, xmin, xmax, ymin=-0.6, ymax=3.6):
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect("equal")
    ax.axis("off")


def folded_and_unrolled(steps=4, figsize=(10, 3.6)):
    """The folded cell (left) and the same network unrolled over ``steps`` steps (right).

    Every ``W_hh`` arrow on the right is the one loop on the left: one matrix, shared.
    """
    fig, ax = plt.subplots(figsize=figsize)
    _draw_folded(ax, 0.0)
    ax.text(2.55, 1.5, "unroll\n" + r"$\Longrightarrow$", ha="center", va="center", fontsize=12)
    last = _draw_unrolled(ax, steps, x0=3.6)
    ax.text(0.55, -0.75, "folded: one cell, a loop", ha="center", fontsize=10, color="#444444")
    ax.text((3.6 + last) / 2, -0.75, f"unrolled over T = {steps} steps: "
            r"the same $W_{xh}, W_{hh}, W_{hy}$ at every step",
            ha="center", fontsize=10, color="#444444")
    _finish(ax, -0.7, last + 0.7, ymin=-1.0)
    fig.tight_layout()
    return fig


def mappings(steps=4, figsize=(9, 6.2)):
    """Four uses of unrolled cells, in the order chapter 1 lists them, on a 2 x 2 grid:
    many-to-one, many-to-many, one-to-many (each prediction fed back as the next input,
    dashed) and sequence-to-sequence (an encoder cell reads; a decoder cell, shaded,
    starts from a start symbol and generates)."""
    yes, no = [True] * steps, [False] * steps
    kinds = [
        ("many-to-one\n(e.g. classify a sentence)", dict(outputs=no[1:] + [True])),
        ("many-to-many\n(e.g. tag every step)", {}),
        ("one-to-many\n(generate: each output is\nfed back as the next input)",
         dict(feedback=[False] + yes[1:])),
        ("sequence-to-sequence\n(encoder reads, decoder writes)", None),
    ]
    # Top row: two panels of `steps` steps; bottom row: `steps` steps, then the six
    # steps of sequence-to-sequence, in widths that keep the bottom row's scale equal.
    fig = plt.figure(figsize=figsize)
    grid = fig.add_gridspec(2, steps + 6)
    half = (steps + 6) // 2
    axes = [fig.add_subplot(grid[0, :half]), fig.add_subplot(grid[0, half:]),
            fig.add_subplot(grid[1, :steps]), fig.add_subplot(grid[1, steps:])]
    dx = 1.3
    for ax, (title, kw) in zip(axes, kinds):
        if kw is None:                   # encoder (3 steps, no outputs), then decoder
            enc = 3
            last = _draw_unrolled(ax, enc, dx=dx, outputs=[False] * enc, labels=False,
                                  initial=False)
            dec = 3
            x_dec = last + dx
            last = _draw_unrolled(ax, dec, x0=x_dec, dx=dx, labels=False, initial=False,
                                  feedback=[False] + [True] * (dec - 1),
                                  fill=COLORS["decoder"], start=True)
            _arrow(ax, (x_dec - dx + _BOX_W / 2, 1.5), (x_dec - _BOX_W / 2, 1.5),
                   COLORS["hh"])
            ax.text((x_dec - dx) / 2, 2.3, "encoder", ha="center", fontsize=11,
                    color="#444444")
            ax.text(x_dec + dx, 3.55, "decoder", ha="center", fontsize=11,
                    color="#444444")
        else:
            last = _draw_unrolled(ax, steps, x0=0.0, dx=dx, labels=False, initial=False,
                                  **kw)
        ax.text(last / 2, -0.75, title, ha="center", va="top", fontsize=12,
                color="#444444")
        _finish(ax, -0.6, last + 0.6, ymin=-2.0, ymax=3.8)
    fig.tight_layout()
    return fig
