"""Climate series shipped with the course (chapter 9).

* :func:`elnino`: monthly sea-surface temperature of the Nino 1+2 region (0-10 S,
  90-80 W, off the coast of Peru and Ecuador), January 1950 to December 2010: 732
  months, in degrees Celsius. Source: NOAA National Weather Service, Climate Prediction
  Center (ERSST.V3B), as shipped in the statsmodels data sets; public domain (see
  ``files/ATTRIBUTION.md``).

The series has a strong yearly cycle (warm in February-April, cold in August-October)
and irregular El Nino warm events every few years (1982-83 and 1997-98 are the big
ones), so the persistence forecast ("next month = this month") and the seasonal-naive
forecast ("next month = the same month last year") are both sensible baselines that a
recurrent forecaster has to beat.
"""

import csv

import numpy as np

from .download import sha256, shipped
from .series import Series

__all__ = ["elnino", "ELNINO_SHA256"]

#: sha256 of ``files/elnino.csv`` (also listed in ``files/ATTRIBUTION.md``).
ELNINO_SHA256 = "b647be00e0fd264be9764e317e6b963f35030014ecca2b21b204521716e463ad"

_checked = False


def _path():
    global _checked
    path = shipped("elnino.csv")
    if not _checked:
        got = sha256(path)
        if got != ELNINO_SHA256:
            from .download import ChecksumError

            raise ChecksumError(f"the shipped file {path} is damaged: sha256 {got}, "
                                f"expected {ELNINO_SHA256}")
        _checked = True
    return path


def elnino(dtype=np.float32):
    """Monthly Nino 1+2 sea-surface temperature, 1950-01 .. 2010-12 (shipped, offline).

    The file holds one row per year and one column per month; this returns them as one
    flat series in time order.

    Returns:
        :class:`~unrolled.data.Series` with ``values`` ``(732,)`` (``dtype``, default
        float32, degrees Celsius) and ``dates`` ``(732,)`` ``datetime64[M]`` (the month).
    """
    with open(_path(), newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    if [h.upper() for h in header[1:]] != ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL",
                                           "AUG", "SEP", "OCT", "NOV", "DEC"]:
        raise ValueError(f"unexpected header in elnino.csv: {header}")
    years = [int(float(r[0])) for r in body]
    values = np.array([[float(v) for v in r[1:13]] for r in body], dtype=dtype).reshape(-1)
    first = np.datetime64(f"{years[0]}-01", "M")
    dates = first + np.arange(values.size)
    return Series(values, dates, "Nino 1+2 sea-surface temperature (deg C, monthly)",
                  "NOAA NWS Climate Prediction Center, ERSST.V3B (public domain), "
                  "via statsmodels.datasets.elnino")
