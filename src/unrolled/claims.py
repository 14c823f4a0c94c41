"""Claims are code: the sentences a chapter says about its results, checked where computed.

A chapter that writes "the LSTM solves the task, the vanilla RNN does not" asserts it in
the cell that produced the numbers::

    from unrolled.claims import claim, spread, compare

    lstm, rnn = spread(lstm_losses), spread(rnn_losses)      # one value per seed
    claim(lstm.max < rnn.min, "every LSTM seed ends below every vanilla-RNN seed")

When a claim stops holding (another seed, machine or library version), the cell raises
:class:`ClaimFailed` and the book build fails, instead of publishing a false sentence.

``spread`` summarises several runs (mean, sd, min, max); ``compare`` says whether two
sets of runs separate or overlap, in words the prose can glue ("lower", "higher",
"within noise").
"""

import math

import numpy as np


class ClaimFailed(AssertionError):
    """A sentence of the book that its own results no longer support."""


_CHECKED = []


def claim(condition, statement):
    """Assert ``condition``; its failure message is the claim the prose makes.

    Returns ``True`` so a cell can end with it. Every claim that held is recorded
    (:func:`checked`), so a page can list what it verified.
    """
    if not bool(condition):
        raise ClaimFailed(f"Claim no longer holds: {statement}")
    _CHECKED.append(statement)
    return True


def checked():
    """The statements asserted so far in this process, in order."""
    return list(_CHECKED)


class Spread:
    """Summary of one quantity measured over several runs (seeds, repeats)."""

    def __init__(self, values):
        values = np.asarray(values, dtype=float).ravel()
        if values.size == 0:
            raise ValueError("spread() needs at least one value")
        self.values = values
        self.n = int(values.size)
        self.mean = float(values.mean())
        self.sd = float(values.std(ddof=1)) if self.n > 1 else 0.0
        self.min = float(values.min())
        self.max = float(values.max())
        self.median = float(np.median(values))

    def overlaps(self, other):
        """True when the min-max ranges of the two sets of runs overlap."""
        return not (self.max < other.min or other.max < self.min)

    def format(self, digits=3):
        """``"0.213 ± 0.011 (0.201–0.228, 4 runs)"``: mean ± sd (min–max, n)."""
        f = f"{{:.{digits}f}}"
        if self.n == 1:
            return f"{f.format(self.mean)} (1 run)"
        return (f"{f.format(self.mean)} ± {f.format(self.sd)} "
                f"({f.format(self.min)}–{f.format(self.max)}, {self.n} runs)")

    def __str__(self):
        return self.format()

    def __repr__(self):
        return f"Spread({self.format()})"


def spread(values):
    """A :class:`Spread` of ``values`` (one value per run)."""
    return Spread(values)


def compare(a, b):
    """Compare two sets of runs: ``"lower"`` when every run of ``a`` is below every run
    of ``b``, ``"higher"`` when every run is above, else ``"within noise"``."""
    a, b = (x if isinstance(x, Spread) else Spread(x) for x in (a, b))
    if a.max < b.min:
        return "lower"
    if a.min > b.max:
        return "higher"
    return "within noise"


def binomial_se(p, n):
    """Standard error of an accuracy ``p`` measured on ``n`` independent examples."""
    return math.sqrt(max(p * (1.0 - p), 0.0) / n)
