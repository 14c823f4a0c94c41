"""The data sets of the course, as NumPy arrays (framework-neutral).

Synthetic tasks, made on the fly (``unrolled.data.synthetic``):
    :func:`sine_waves`, :func:`adding_problem`, :func:`future_context_task`.

Time series (``unrolled.data.series``):
    :func:`window` (series -> ``(samples, window, features)`` and targets),
    :func:`naive_forecast`, and real series shipped by matplotlib: :func:`goog`,
    :func:`stocks`, :func:`eeg`.

Text (``unrolled.data.text``):
    :func:`sentiment_sentences`, :func:`time_machine` (shipped in ``files/``, see
    ``files/ATTRIBUTION.md``), :func:`tokenize`, :class:`Vocab`, :func:`pad_sequences`
    (0 = padding), and :func:`imdb` (download with an offline fallback that says so).

Climate (``unrolled.data.climate``): :func:`elnino`, the monthly Niño 1+2 sea surface
temperature 1950-2010 (NOAA, public domain; shipped in ``files/``).

Downloads (``unrolled.data.download``): cached in ``~/.cache/unrolled`` (or
``$UNROLLED_CACHE``), sha256-checked; ``UNROLLED_OFFLINE=1`` disables them.
"""

from .climate import elnino
from .download import ChecksumError, OfflineError, fetch, shipped
from .series import Series, eeg, goog, naive_forecast, stocks, window
from .synthetic import (ADDING_BASELINE_MSE, adding_problem, future_context_chance,
                        future_context_task, sine_waves)
from .text import (PAD, UNK, Sentences, TextData, Vocab, imdb, pad_sequences,
                   sentiment_sentences, time_machine, tokenize)

__all__ = [
    "sine_waves", "adding_problem", "ADDING_BASELINE_MSE", "future_context_task",
    "future_context_chance", "window", "naive_forecast", "Series", "goog", "stocks", "eeg",
    "sentiment_sentences", "Sentences", "time_machine", "tokenize", "Vocab", "pad_sequences",
    "PAD", "UNK", "imdb", "TextData", "fetch", "shipped", "OfflineError", "ChecksumError",
    "elnino",
]
