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
