"""Pictures of the cells: the LSTM, GRU, peephole and projection cells, stacks and
bidirectional layers, drawn like the unrolled graph of chapter 1 (``graphs.py``).

Every symbol is the one of the equations (the book's notation): ``x_t``, ``h_{t-1}``,
``c_{t-1}``, the gates ``i_t, f_t, g_t, o_t`` (LSTM) and ``r_t, z_t, n_t`` (GRU),
``σ`` and ``tanh`` boxes for the nonlinearities, ``⊙`` for the element-wise product,
the peephole vectors ``p_i, p_f, p_o`` and the projection ``W_proj``. Colours come from
:mod:`unrolled.plot.style`: the state that a cell carries along (the LSTM's cell state,
the GRU's hidden state) is drawn thick in the colour of its model kind.

    from unrolled.plot import diagrams
    diagrams.lstm_cell()           # chapter 3
    diagrams.peephole_cell()       # chapter 3
    diagrams.gru_cell()            # chapter 4
    diagrams.stack(layers=3, steps=4)      # chapter 6
    diagrams.bidirectional(steps=4)        # chapter 7
    diagrams.projection_cell()     # chapter 8

Each function returns a matplotlib ``Figure`` (nothing is shown or saved here).
"""

import matplotlib.patheffects as pe
import matplotlib.pyplot as plt
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from .style import color

INK = "#333333"          # ordinary connections
TEXT = "#222222"
NOTE = "#555555"         # small explanatory text
FILL = {"sigmoid": "#fff1d6", "tanh": "#e4f4ec", "linear": "#f1e8f7",
        "cell": "#f7f9fc", "state": "#f4f4f4", "input": "#e8f1fa", "output": "#e6f5ef"}
EDGE = {"sigmoid": "#b07a14", "tanh": "#2e8a63", "linear": "#8a5aa6"}

_GATE_W, _GATE_H = 1.0, 0.7
_OP_R = 0.28
_FONT = 14               # symbols in boxes
_LABEL = 13              # names of the vectors on the wires
_SMALL = 11              # notes


def _text(ax, x, y, s, *, size=_LABEL, color=TEXT, ha="center", va="center", halo=True, **kw):
    effects = [pe.withStroke(linewidth=4, foreground="white")] if halo else None
    return ax.text(x, y, s, ha=ha, va=va, fontsize=size, color=color, zorder=6,
                   path_effects=effects, **kw)


def _box(ax, x, y, label, kind, *, w=_GATE_W, h=_GATE_H, size=_FONT, edge=None, lw=1.4):
    fill = FILL.get(kind, "white")
    edge = edge or EDGE.get(kind, "#555555")
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h,
                                boxstyle="round,pad=0.02,rounding_size=0.12",
                                facecolor=fill, edgecolor=edge, linewidth=lw, zorder=4))
    _text(ax, x, y, label, size=size, halo=False)


def _op(ax, x, y, symbol, *, size=_FONT + 2, edge="#555555"):
    """A pointwise operation: ⊙, + or 1−."""
    ax.add_patch(Circle((x, y), _OP_R, facecolor="white", edgecolor=edge, linewidth=1.4,
                        zorder=4))
    _text(ax, x, y, symbol, size=size, halo=False)


def _dot(ax, x, y, c=INK):
    ax.add_patch(Circle((x, y), 0.07, color=c, zorder=5))


def _wire(ax, points, *, c=INK, lw=1.6, ls="-", arrow=True, bridge=False):
    """A polyline through ``points`` with an arrowhead at the end.

    ``bridge=True`` draws a white halo under it, so where it crosses another wire it
    reads as passing over it. The arrowhead is solid even on a dashed wire.
    """
    xs, ys = zip(*points)
    effects = [pe.Stroke(linewidth=lw + 5, foreground="white"), pe.Normal()] if bridge else None
    z = 3 if bridge else 2
    ax.plot(xs, ys, color=c, lw=lw, ls=ls, solid_capstyle="butt", dash_capstyle="butt",
            zorder=z, path_effects=effects)
    if arrow:
        (x0, y0), (x1, y1) = points[-2], points[-1]
        length = max(((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5, 1e-9)
        back = min(0.2, length)
        start = (x1 - (x1 - x0) / length * back, y1 - (y1 - y0) / length * back)
        ax.add_patch(FancyArrowPatch(start, (x1, y1), arrowstyle="-|>", mutation_scale=15,
                                     color=c, linewidth=lw, shrinkA=0, shrinkB=0, zorder=z))


def _frame(ax, x0, y0, x1, y1, edge, title=None):
    ax.add_patch(FancyBboxPatch((x0, y0), x1 - x0, y1 - y0,
                                boxstyle="round,pad=0.0,rounding_size=0.35",
                                facecolor=FILL["cell"], edgecolor=edge, linewidth=1.6,
                                zorder=0))
    if title:
        _text(ax, x1 - 0.2, y0 + 0.18, title, size=_SMALL, color=edge, ha="right",
              va="bottom", halo=False)


def _finish(fig, ax, xlim, ylim):
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.tight_layout(pad=0.2)
    return fig


# --- LSTM family ----------------------------------------------------------------------
# One layout for the LSTM, the peephole LSTM and the LSTM with projection, so that the
# three pictures differ exactly where the cells differ.
_HWY, _BUS, _GATE_Y = 5.4, 0.9, 2.6          # heights: cell state, inputs, gates
_XF, _XI, _XG, _XO, _XH = 2.6, 4.0, 5.4, 7.2, 8.6   # columns: gates and the output ⊙
_XIN = 0.5                                    # where x_t joins the inputs


def _lstm(ax, *, peephole=False, projection=False):
    kind = "peephole" if peephole else "projection" if projection else "lstm"
    highway = color("lstm")
    x_end = 11.4 if projection else 10.0
    _frame(ax, 0.0, 0.0, x_end, 6.3, color(kind),
           title={"lstm": "LSTM cell", "peephole": "peephole LSTM cell",
                  "projection": "LSTM cell with projection"}[kind])

    # Cell state: the highway along the top, touched only by ⊙ f_t and + i_t ⊙ g_t.
    _wire(ax, [(-1.0, _HWY), (_XF - _OP_R, _HWY)], c=highway, lw=3.2)
    _wire(ax, [(_XF + _OP_R, _HWY), (_XG - _OP_R, _HWY)], c=highway, lw=3.2)
    _wire(ax, [(_XG + _OP_R, _HWY), (x_end + 1.0, _HWY)], c=highway, lw=3.2)
    _text(ax, -1.1, _HWY, r"$c_{t-1}$", ha="right")
    _text(ax, x_end + 1.1, _HWY, r"$c_t$", ha="left")
    _op(ax, _XF, _HWY, r"$\odot$")
    _op(ax, _XG, _HWY, "+")
    _text(ax, (_XG + _XH) / 2 + 0.2, _HWY + 0.38, "cell state", size=_SMALL, color=highway)

    # Inputs: h_{t-1} from the left and x_t from below feed every gate.
    _wire(ax, [(-1.0, _BUS), (_XO, _BUS)], arrow=False)
    _text(ax, -1.1, _BUS, r"$h_{t-1}$", ha="right")
    _wire(ax, [(_XIN, -0.9), (_XIN, _BUS)], arrow=False)
    _dot(ax, _XIN, _BUS)
    _text(ax, _XIN, -1.05, r"$x_t$", va="top")
    gates = [(_XF, r"$\sigma$", "sigmoid", r"$f_t$"), (_XI, r"$\sigma$", "sigmoid", r"$i_t$"),
             (_XG, "tanh", "tanh", r"$g_t$"), (_XO, r"$\sigma$", "sigmoid", r"$o_t$")]
    for x, symbol, box_kind, _ in gates:
        _wire(ax, [(x, _BUS), (x, _GATE_Y - _GATE_H / 2)])
        if x != _XO:
            _dot(ax, x, _BUS)
        _box(ax, x, _GATE_Y, symbol, box_kind, size=_FONT if symbol == "tanh" else _FONT + 2)
    top = _GATE_Y + _GATE_H / 2

    # f_t ⊙ c_{t-1}
    _wire(ax, [(_XF, top), (_XF, _HWY - _OP_R)])
    _text(ax, _XF + 0.18, 3.35, r"$f_t$", ha="left")
    # i_t ⊙ g_t, added to the cell state
    y_ig = 4.2
    _op(ax, _XG, y_ig, r"$\odot$")
    _wire(ax, [(_XI, top), (_XI, y_ig), (_XG - _OP_R, y_ig)])
    _text(ax, _XI + 0.18, 3.55, r"$i_t$", ha="left")
    _wire(ax, [(_XG, top), (_XG, y_ig - _OP_R)])
    _text(ax, _XG + 0.18, 3.55, r"$g_t$", ha="left")
    _wire(ax, [(_XG, y_ig + _OP_R), (_XG, _HWY - _OP_R)])

    # h_t = o_t ⊙ tanh(c_t)
    y_tanh = 4.2
    _dot(ax, _XH, _HWY, c=highway)
    _wire(ax, [(_XH, _HWY), (_XH, y_tanh + 0.27)], c=highway, lw=1.8)
    _box(ax, _XH, y_tanh, "tanh", "tanh", w=0.95, h=0.5, size=_SMALL + 1)
    _op(ax, _XH, _GATE_Y, r"$\odot$")
    _wire(ax, [(_XH, y_tanh - 0.27), (_XH, _GATE_Y + _OP_R)])
    _wire(ax, [(_XO + _GATE_W / 2, _GATE_Y), (_XH - _OP_R, _GATE_Y)])
    _text(ax, (_XO + _XH) / 2 + 0.15, _GATE_Y + 0.3, r"$o_t$")

    if projection:
        x_p = 10.0
        _wire(ax, [(_XH + _OP_R, _GATE_Y), (x_p - 0.6, _GATE_Y)])
        _text(ax, x_p - 0.55, _GATE_Y + 0.6, r"size $H$", size=_SMALL, color=NOTE)
        _box(ax, x_p, _GATE_Y, r"$W_{\mathrm{proj}}$", "linear", w=1.2,
             edge=color("projection"), lw=2.2)
        x_out = x_p + 0.9
        _wire(ax, [(x_p + 0.6, _GATE_Y), (x_out, _GATE_Y), (x_out, _BUS),
                   (x_end + 1.0, _BUS)], c=color("projection"), lw=2.0)
        _text(ax, x_out + 0.15, 1.75, r"size $P$", size=_SMALL, color=color("projection"),
              ha="left")
        _text(ax, x_end + 1.1, _BUS, r"$h_t \in \mathbb{R}^P$", ha="left")
        _text(ax, x_end + 1.1, _HWY - 0.45, r"$\in \mathbb{R}^H$", ha="left", size=_SMALL,
              color=NOTE)
        _text(ax, -1.1, _BUS - 0.45, r"$\in \mathbb{R}^P$", ha="right", size=_SMALL,
              color=NOTE)
    else:
        x_out = 9.6
        _wire(ax, [(_XH + _OP_R, _GATE_Y), (x_out, _GATE_Y), (x_out, _BUS),
                   (x_end + 1.0, _BUS)])
        _text(ax, x_end + 1.1, _BUS, r"$h_t$", ha="left")

    if peephole:
        pc = color("peephole")
        # p_f ⊙ c_{t-1} into f_t, p_i ⊙ c_{t-1} into i_t (old state), p_o ⊙ c_t into o_t.
        x_pf, x_pi = 1.1, 1.75
        _dot(ax, x_pf, _HWY, c=highway)
        _dot(ax, x_pi, _HWY, c=highway)
        _wire(ax, [(x_pf, _HWY), (x_pf, _GATE_Y), (_XF - _GATE_W / 2, _GATE_Y)], c=pc,
              lw=2.2, ls="--")
        _wire(ax, [(x_pi, _HWY), (x_pi, 3.95), (_XI - 0.3, 3.95), (_XI - 0.3, top)], c=pc,
              lw=2.2, ls="--", bridge=True)
        _dot(ax, _XO, _HWY, c=highway)
        _wire(ax, [(_XO, _HWY), (_XO, top)], c=pc, lw=2.2, ls="--")
        _text(ax, x_pf - 0.12, 3.4, r"$p_f$", color=pc, ha="right")
        _text(ax, (x_pi + _XF) / 2 + 0.1, 4.25, r"$p_i$", color=pc)
        _text(ax, _XO + 0.15, 3.7, r"$p_o$", color=pc, ha="left")
    return x_end


def lstm_cell(figsize=(9.0, 5.0)):
    """One step of the LSTM: four gates from ``x_t`` and ``h_{t-1}``, and the cell state
    running along the top, changed only by ``⊙ f_t`` (forget) and ``+ i_t ⊙ g_t`` (write).

    c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t,  h_t = o_t ⊙ tanh(c_t).
    """
    fig, ax = plt.subplots(figsize=figsize)
    x_end = _lstm(ax)
    _text(ax, x_end / 2, -1.75, r"each box: $\sigma$ or tanh of $W_{x\cdot}\,x_t + "
          r"W_{h\cdot}\,h_{t-1} + b_\cdot$ (its own weights per gate)",
          size=_SMALL, color=NOTE, halo=False)
    return _finish(fig, ax, (-2.3, x_end + 2.0), (-2.1, 6.6))


def peephole_cell(figsize=(9.0, 5.0)):
    """The LSTM with peephole connections (dashed): the input and forget gates also see
    the old cell state (``p_i ⊙ c_{t-1}``, ``p_f ⊙ c_{t-1}``), the output gate the new one
    (``p_o ⊙ c_t``)."""
    fig, ax = plt.subplots(figsize=figsize)
    x_end = _lstm(ax, peephole=True)
    _text(ax, x_end / 2, -1.75, r"dashed: peepholes, $p_i \odot c_{t-1}$, $p_f \odot c_{t-1}$"
          r" and $p_o \odot c_t$ added inside the gates' $\sigma$",
          size=_SMALL, color=NOTE, halo=False)
    return _finish(fig, ax, (-2.3, x_end + 2.0), (-2.1, 6.6))


def projection_cell(figsize=(9.6, 5.0), H="H", P="P"):
    """The LSTM with a projection: ``h_t = W_proj (o_t ⊙ tanh(c_t))``, ``W_proj`` is
    P×H, so the cell state keeps H numbers while ``h_t`` (and so ``h_{t-1}``, which feeds
    the gates) has only P."""
    fig, ax = plt.subplots(figsize=figsize)
    x_end = _lstm(ax, projection=True)
    _text(ax, x_end / 2, -1.75, r"$h_t = W_{\mathrm{proj}}\,(o_t \odot \tanh(c_t))$, "
          r"$W_{\mathrm{proj}} \in \mathbb{R}^{P \times H}$: gates and $c_t$ have $H$ units,"
          r" $h_t$ has $P$", size=_SMALL, color=NOTE, halo=False)
    return _finish(fig, ax, (-2.3, x_end + 2.6), (-2.1, 6.6))


def gru_cell(figsize=(8.8, 5.0)):
    """One step of the GRU: the hidden state runs along the top and is mixed with the
    candidate ``n_t``: ``h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}``; the reset gate ``r_t``
    scales the recurrent part of ``n_t``."""
    hwy, bus, gy = 5.4, 0.9, 2.6
    xz, xr, xn, x_end = 1.9, 3.6, 5.5, 8.5
    state = color("gru")
    fig, ax = plt.subplots(figsize=figsize)
    _frame(ax, 0.0, 0.0, x_end, 6.3, state, title="GRU cell")
    top = gy + _GATE_H / 2

    # The hidden state: z_t ⊙ h_{t-1} + (1 - z_t) ⊙ n_t
    _wire(ax, [(-1.0, hwy), (xz - _OP_R, hwy)], c=state, lw=3.2)
    _wire(ax, [(xz + _OP_R, hwy), (xn - _OP_R, hwy)], c=state, lw=3.2)
    _wire(ax, [(xn + _OP_R, hwy), (x_end + 1.0, hwy)], c=state, lw=3.2)
    _op(ax, xz, hwy, r"$\odot$")
    _op(ax, xn, hwy, "+")
    _text(ax, -1.1, hwy, r"$h_{t-1}$", ha="right")
    _text(ax, x_end + 1.1, hwy, r"$h_t$", ha="left")
    _text(ax, (xn + x_end) / 2 + 0.1, hwy + 0.38, "hidden state", size=_SMALL, color=state)

    # Inputs: h_{t-1} (tapped from the top line) and x_t feed the gates.
    x_tap, x_in = 0.45, 1.05
    _dot(ax, x_tap, hwy, c=state)
    _wire(ax, [(x_tap, hwy), (x_tap, bus), (6.9, bus)], arrow=False)
    _wire(ax, [(x_in, -0.9), (x_in, bus)], arrow=False)
    _dot(ax, x_in, bus)
    _text(ax, x_in, -1.05, r"$x_t$", va="top")

    # z_t: keeps the old state (⊙ on the top line) and, as 1 − z_t, lets n_t in.
    _wire(ax, [(xz, bus), (xz, gy - _GATE_H / 2)])
    _dot(ax, xz, bus)
    _box(ax, xz, gy, r"$\sigma$", "sigmoid", size=_FONT + 2)
    _wire(ax, [(xz, top), (xz, hwy - _OP_R)])
    _text(ax, xz - 0.18, 3.55, r"$z_t$", ha="right")
    y_mix = 4.55
    _dot(ax, xz, y_mix)
    x_one = 3.7
    _op(ax, x_one, y_mix, r"$1{-}$", size=_SMALL + 1)
    _wire(ax, [(xz, y_mix), (x_one - _OP_R, y_mix)])
    _op(ax, xn, y_mix, r"$\odot$")
    _wire(ax, [(x_one + _OP_R, y_mix), (xn - _OP_R, y_mix)])
    _wire(ax, [(xn, y_mix + _OP_R), (xn, hwy - _OP_R)])

    # r_t scales the recurrent part of the candidate: r_t ⊙ (W_hn h_{t-1} + b_hn).
    _wire(ax, [(xr, bus), (xr, gy - _GATE_H / 2)])
    _dot(ax, xr, bus)
    _box(ax, xr, gy, r"$\sigma$", "sigmoid", size=_FONT + 2)
    _op(ax, xn, gy, r"$\odot$")
    _wire(ax, [(xr + _GATE_W / 2, gy), (xn - _OP_R, gy)])
    _text(ax, (xr + xn) / 2 + 0.05, gy + 0.3, r"$r_t$")
    y_lin = 1.75
    _wire(ax, [(xn, bus), (xn, y_lin - 0.25)])
    _dot(ax, xn, bus)
    _box(ax, xn, y_lin, r"$W_{hn}h_{t-1}{+}b_{hn}$", "linear", w=2.0, h=0.5, size=_SMALL)
    _wire(ax, [(xn, y_lin + 0.25), (xn, gy - _OP_R)])

    # n_t = tanh(W_xn x_t + b_xn + r_t ⊙ (...))
    y_n = 3.55
    _box(ax, xn, y_n, "tanh", "tanh", w=1.0, h=0.55)
    _wire(ax, [(xn, gy + _OP_R), (xn, y_n - 0.28)])
    _wire(ax, [(6.9, bus), (6.9, y_n), (xn + 0.5, y_n)])
    _text(ax, 7.05, 2.2, r"$W_{xn}x_t$" "\n" r"$+\,b_{xn}$", size=_SMALL, ha="left",
          color=NOTE)
    _wire(ax, [(xn, y_n + 0.28), (xn, y_mix - _OP_R)])
    _text(ax, xn + 0.2, 4.08, r"$n_t$", ha="left")
    _text(ax, x_end / 2, -1.75, r"$\sigma$ boxes: $\sigma(W_{x\cdot}\,x_t + W_{h\cdot}\,h_{t-1}"
          r" + b_\cdot)$;  $h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}$",
          size=_SMALL, color=NOTE, halo=False)
    return _finish(fig, ax, (-2.3, x_end + 1.9), (-2.1, 6.6))


# --- stacks and bidirectional layers ---------------------------------------------------

_CELL_W, _CELL_H = 1.1, 0.62


def _node(ax, x, y, label, kind="state", edge="#555555", lw=1.4, size=_LABEL):
    _box(ax, x, y, label, kind, w=_CELL_W, h=_CELL_H, size=size, edge=edge, lw=lw)


def stack(layers=3, steps=4, figsize=(9.0, 5.6)):
    """``layers`` recurrent layers over ``steps`` steps: layer l reads the sequence of
    layer l−1 (``h_t^{(0)} = x_t``) and carries its own state to the right."""
    dx, dy = 1.8, 1.35
    across = color("lstm")
    up = "#555555"
    fig, ax = plt.subplots(figsize=figsize)
    xs = [dx * t for t in range(1, steps + 1)]
    for t, x in enumerate(xs, start=1):
        _node(ax, x, 0.0, rf"$x_{t}$", "input")
        for l in range(1, layers + 1):
            y = dy * l
            _wire(ax, [(x, y - dy + _CELL_H / 2), (x, y - _CELL_H / 2)], c=up, lw=1.6)
            _node(ax, x, y, rf"$h_{t}^{{({l})}}$", edge=across)
        y_top = dy * (layers + 1)
        _wire(ax, [(x, y_top - dy + _CELL_H / 2), (x, y_top - _CELL_H / 2)], c=up, lw=1.6)
        _node(ax, x, y_top, rf"$y_{t}$", "output")
    for l in range(1, layers + 1):
        y = dy * l
        _node(ax, 0.0, y, rf"$h_0^{{({l})}}$", "cell", edge="#999999")
        for x in [0.0] + xs[:-1]:
            _wire(ax, [(x + _CELL_W / 2, y), (x + dx - _CELL_W / 2, y)], c=across, lw=2.0)
        _text(ax, xs[-1] + 0.9, y, f"layer $l = {l}$", ha="left", size=_SMALL, color=NOTE)
    _text(ax, xs[-1] + 0.9, 0.0, r"input: $h_t^{(0)} = x_t$", ha="left", size=_SMALL,
          color=NOTE)
    _text(ax, xs[-1] + 0.9, dy * (layers + 1), "output (from the top layer)", ha="left",
          size=_SMALL, color=NOTE)
    _text(ax, (xs[0] + xs[-1]) / 2, -0.85,
          rf"$L = {layers}$ layers $\times$ $T = {steps}$ steps: "
          r"$h_t^{(l)}$ reads $h_t^{(l-1)}$ (below) and $h_{t-1}^{(l)}$ (left)",
          size=_SMALL, color=NOTE, halo=False)
    return _finish(fig, ax, (-0.8, xs[-1] + 3.6), (-1.2, dy * (layers + 1) + 0.5))


def bidirectional(steps=4, figsize=(9.0, 5.2)):
    """A bidirectional layer: one chain reads left to right (→h_t), another right to
    left (←h_t); at each step the two are merged, ``[→h_t; ←h_t]``."""
    dx = 1.9
    fwd, bwd = color("lstm"), color("bilstm")
    y_f, y_b, y_m = 1.45, 3.05, 4.75
    fig, ax = plt.subplots(figsize=figsize)
    xs = [dx * t for t in range(1, steps + 1)]
    for t, x in enumerate(xs, start=1):
        _node(ax, x, 0.0, rf"$x_{t}$", "input")
        _wire(ax, [(x - 0.2, _CELL_H / 2), (x - 0.2, y_f - _CELL_H / 2)], c=fwd, lw=1.6)
        # x_t also reaches the backward chain, passing beside the forward cell.
        _wire(ax, [(x + 0.3, _CELL_H / 2), (x + 0.3, 0.68), (x + 0.75, 0.68),
                   (x + 0.75, (y_f + y_b) / 2), (x + 0.3, (y_f + y_b) / 2),
                   (x + 0.3, y_b - _CELL_H / 2)], c=bwd, lw=1.6, bridge=True)
        _node(ax, x, y_f, rf"$\overrightarrow{{h}}_{t}$", edge=fwd, lw=1.8)
        _node(ax, x, y_b, rf"$\overleftarrow{{h}}_{t}$", edge=bwd, lw=1.8)
        _box(ax, x, y_m, rf"$[\overrightarrow{{h}}_{t};\overleftarrow{{h}}_{t}]$", "output",
             w=1.55, h=0.7, size=_LABEL)
        # ... and the forward state goes up to the merge, passing beside the backward cell.
        y_gap, y_gap2 = (y_f + y_b) / 2, (y_b + y_m) / 2
        _wire(ax, [(x - 0.3, y_f + _CELL_H / 2), (x - 0.3, y_gap), (x - 0.75, y_gap),
                   (x - 0.75, y_gap2), (x - 0.3, y_gap2), (x - 0.3, y_m - 0.35)], c=fwd,
              lw=1.6, bridge=True)
        _wire(ax, [(x + 0.2, y_b + _CELL_H / 2), (x + 0.2, y_m - 0.35)], c=bwd, lw=1.6)
    # The forward chain starts at h_0 on the left, the backward one at the right end.
    _node(ax, 0.0, y_f, r"$\overrightarrow{h}_0$", "cell", edge="#999999")
    _node(ax, xs[-1] + dx, y_b, rf"$\overleftarrow{{h}}_{{{steps + 1}}}$", "cell",
          edge="#999999")
    for x in [0.0] + xs[:-1]:
        _wire(ax, [(x + _CELL_W / 2, y_f), (x + dx - _CELL_W / 2, y_f)], c=fwd, lw=2.2)
    for x in xs[1:] + [xs[-1] + dx]:
        _wire(ax, [(x - _CELL_W / 2, y_b), (x - dx + _CELL_W / 2, y_b)], c=bwd, lw=2.2)
    _text(ax, -0.75, y_f, "forward", ha="right", size=_SMALL, color=fwd)
    _text(ax, -0.75, y_b, "backward", ha="right", size=_SMALL, color=bwd)
    _text(ax, -0.75, y_m, "merged", ha="right", size=_SMALL, color=NOTE)
    _text(ax, (xs[0] + xs[-1]) / 2, -0.85,
          r"$\overrightarrow{h}_t$ has read $x_1, \ldots, x_t$ and $\overleftarrow{h}_t$ has "
          rf"read $x_t, \ldots, x_{steps}$: each merge sees the whole sequence",
          size=_SMALL, color=NOTE, halo=False)
    return _finish(fig, ax, (-2.2, xs[-1] + dx + 0.8), (-1.2, y_m + 0.6))
