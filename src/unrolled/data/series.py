"""Time series: windowing, and the small real series available offline (chapter 9).

:func:`window` turns a series into the ``(samples, window, features)`` inputs and the
targets that a recurrent forecaster trains on.

The real series come from the sample data that ships inside matplotlib (a dependency of
the course, so they are there offline, on a laptop and on Colab):

* :func:`goog`: daily Google (GOOG) stock data, 2004-08-19 to 2008-10-14, 1,047 trading
  days (open, high, low, close, volume, adjusted close; origin: Yahoo Finance). Prices are
  close to a random walk, so "tomorrow = today" is very hard to beat on ``close``; the
  trading ``volume`` (in logs) and the daily range ``high - low`` (in logs) are
  mean-reverting and a forecaster does beat the naive baseline on them.
* :func:`stocks`: monthly prices of ten tickers and two indices (IBM, AAPL, MSFT, XRX,
  AMZN, DELL, GOOGL, ADBE, ^GSPC, ^IXIC), 1990 to 2022 (origin: Yahoo Finance).
* :func:`eeg`: four channels of an EEG recording, 800 samples over 10 seconds
  (80 Hz), standardised; matplotlib does not document its provenance.

Each loader checks the file's sha256 against the one it was written for and warns if
matplotlib ships a different file.
"""

import csv
import warnings
from typing import NamedTuple, Optional

import numpy as np

from .download import sha256

__all__ = ["window", "Series", "goog", "stocks", "eeg", "naive_forecast"]


def window(series, window, horizon=1, stride=1):
    """Cut a series into overlapping windows and the values that follow them.

    Sample ``i`` is ``series[i*stride : i*stride + window]`` and its target is the value
    ``horizon`` steps after the window's last step, ``series[i*stride + window + horizon - 1]``.

    Args:
        series: ``(T,)`` or ``(T, features)``.
        window: steps per input window. horizon: how far ahead the target is (1 = next step).
        stride: steps between the starts of consecutive windows.

    Returns:
        ``X`` of shape ``(samples, window, features)`` (``features = 1`` for a 1-D series)
        and ``y`` of shape ``(samples,)`` for a 1-D series or ``(samples, features)``,
        with ``samples = (T - window - horizon) // stride + 1``; same dtype as ``series``.
    """
    a = np.asarray(series)
    one_d = a.ndim == 1
    if one_d:
        a = a[:, None]
    if a.ndim != 2:
        raise ValueError(f"series must have shape (T,) or (T, features), got {np.shape(series)}")
    if window < 1 or horizon < 1 or stride < 1:
        raise ValueError("window, horizon and stride must be >= 1")
    T = a.shape[0]
    if T < window + horizon:
        raise ValueError(f"a series of {T} steps is too short for window={window} and "
                         f"horizon={horizon} (needs at least {window + horizon})")
    starts = np.arange(0, T - window - horizon + 1, stride)
    X = a[starts[:, None] + np.arange(window)[None, :]]          # (samples, window, F)
    y = a[starts + window + horizon - 1]                          # (samples, F)
    return X, (y[:, 0] if one_d else y)


def naive_forecast(X):
    """The persistence baseline: predict the last value of each window, ``X[:, -1]``.

    For a window from a 1-D series (``features == 1``) returns shape ``(samples,)``.
    """
    last = np.asarray(X)[:, -1]
    return last[:, 0] if last.shape[-1] == 1 else last


class Series(NamedTuple):
    """A real series: ``values`` ``(T,)`` or ``(T, channels)``, ``dates`` ``(T,)`` or ``None``."""

    values: np.ndarray
    dates: Optional[np.ndarray]
    name: str
    source: str


_SHA256 = {
    "goog.npz": "400917cf30e6b664f7b0da93d7c745860d3aa9008da8b7f160d2dd12e6a318b1",
    "eeg.dat": "28656316df0004acfba7a5d98ab35f7314933a918636ec80f09604ad128b4417",
    "Stocks.csv": "ef6f3bf1a64d5c6c5de702ef154c3fae78fe9df83882ab6bb9c6638bec3cdf47",
}


def _sample_file(name):
    from matplotlib import cbook

    path = cbook.get_sample_data(name, asfileobj=False)
    got = sha256(path)
    if got != _SHA256[name]:
        warnings.warn(f"matplotlib's {name} differs from the file unrolled.data was written for "
                      f"(sha256 {got}); numbers in the book may differ", stacklevel=3)
    return path


_GOOG_COLUMNS = ("open", "high", "low", "close", "volume", "adj_close")


def goog(column="volume"):
    """Daily GOOG data, 2004-08-19 .. 2008-10-14 (1,047 trading days), from matplotlib.

    Args:
        column: one of ``open, high, low, close, volume, adj_close``, or ``"range"``
            for ``high - low``.

    Returns:
        :class:`Series` with ``values`` ``(1047,)`` float64 and ``dates`` datetime64[D].
    """
    data = np.load(_sample_file("goog.npz"))["price_data"]
    if column == "range":
        values = data["high"] - data["low"]
    elif column in _GOOG_COLUMNS:
        values = data[column]
    else:
        raise ValueError(f"column must be one of {_GOOG_COLUMNS + ('range',)}, got {column!r}")
    return Series(np.asarray(values, dtype=np.float64), data["date"].copy(), f"GOOG {column}",
                  "matplotlib sample data goog.npz (Yahoo Finance)")


def stocks(ticker="^GSPC"):
    """Monthly prices 1990-2022 of one column of matplotlib's ``Stocks.csv``.

    Rows where the ticker has no price are dropped. Tickers: IBM, AAPL, MSFT, XRX, AMZN,
    DELL, GOOGL, ADBE, ^GSPC (S&P 500), ^IXIC (Nasdaq).
    """
    with open(_sample_file("Stocks.csv"), newline="") as f:
        rows = list(csv.reader(line for line in f if not line.startswith("#")))
    header = rows[0]
    if ticker not in header[1:]:
        raise ValueError(f"ticker must be one of {header[1:]}, got {ticker!r}")
    j = header.index(ticker)
    kept = [(r[0], float(r[j])) for r in rows[1:] if len(r) > j and r[j]]
    dates = np.array([d for d, _ in kept], dtype="datetime64[D]")
    return Series(np.array([v for _, v in kept]), dates, f"{ticker} monthly",
                  "matplotlib sample data Stocks.csv (Yahoo Finance)")


def eeg():
    """Four EEG channels, 800 samples at 80 Hz (10 s), from matplotlib: values ``(800, 4)``."""
    values = np.fromfile(_sample_file("eeg.dat"), dtype=np.float64).reshape(800, 4)
    return Series(values, None, "EEG (4 channels, 80 Hz)", "matplotlib sample data eeg.dat")
