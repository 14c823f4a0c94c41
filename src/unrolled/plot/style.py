"""One look for every figure of the book: a colour per model kind, kept across chapters.

Use ``color("lstm")`` (or ``COLORS["lstm"]``) for a line or bar that stands for an
LSTM, whichever chapter draws it, and ``LINESTYLES`` where lines can overlap. The
palette is Okabe–Ito, readable by colour-blind readers.
"""

COLORS = {
    "rnn": "#E69F00",        # vanilla (Elman) RNN: orange
    "lstm": "#0072B2",       # LSTM: blue
    "gru": "#009E73",        # GRU: green
    "bilstm": "#CC79A7",     # bidirectional LSTM: purple-pink
    "peephole": "#56B4E9",   # peephole LSTM: sky blue
    "projection": "#D55E00", # LSTM with projection: vermillion
    "baseline": "#7F7F7F",   # naive baselines (persistence, mean, chance): grey
    "truth": "#000000",      # data / ground truth: black
    "other": "#F0E442",      # anything else (e.g. convolution, attention): yellow
}

FRAMEWORK_COLORS = {"torch": "#EE4C2C", "keras": "#5C5C9E"}

LINESTYLES = ["-", "--", ":", "-."]


def color(kind):
    """The colour of a model kind: ``rnn``, ``lstm``, ``gru``, ``bilstm``, ``peephole``,
    ``projection``, ``baseline``, ``truth`` or ``other``."""
    try:
        return COLORS[kind]
    except KeyError:
        raise KeyError(f"unknown model kind {kind!r}; known: {', '.join(COLORS)}") from None


#: Settings for figures that read at the page width (about 800 px for a 9-inch figure):
#: labels no smaller than 11 pt, no top/right spines, a light grid, tight bounding box.
RC = {
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.figsize": (9.0, 4.0),
    "font.size": 12,
    "axes.titlesize": 13,
    "axes.labelsize": 12,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "legend.fontsize": 11,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "lines.linewidth": 2.0,
    "savefig.bbox": "tight",
}


def apply():
    """Make every later figure of the session read at the page width: call once at the
    top of a chapter (``from unrolled.plot import style; style.apply()``).

    Sets matplotlib's rcParams (``RC``: font sizes, no top/right spines, a light grid)
    and the colour cycle to the model kinds' colours, in the order of ``COLORS``.
    Returns the previous values, so ``matplotlib.rcParams.update(old)`` undoes it.
    """
    import matplotlib as mpl
    from cycler import cycler

    settings = dict(RC)
    settings["axes.prop_cycle"] = cycler(color=list(COLORS.values()))
    old = {key: mpl.rcParams[key] for key in settings}
    mpl.rcParams.update(settings)
    return old
