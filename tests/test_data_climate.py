"""unrolled.data.climate: the shipped El Nino series."""

import numpy as np
import pytest

from unrolled.data import climate, download
from unrolled.data.climate import elnino


def test_elnino_shape_dtype_and_dates():
    s = elnino()
    assert s.values.shape == (732,) and s.values.dtype == np.float32
    assert s.dates.shape == (732,) and s.dates.dtype == np.dtype("datetime64[M]")
    assert s.dates[0] == np.datetime64("1950-01") and s.dates[-1] == np.datetime64("2010-12")
    assert np.all(np.diff(s.dates).astype(int) == 1)          # consecutive months
    assert elnino(dtype=np.float64).values.dtype == np.float64
    assert "public domain" in s.source


def test_elnino_values_are_the_file_in_time_order():
    v = elnino().values
    # first row of the file: 1950 JAN..MAR; last row: 2010 DEC
    np.testing.assert_allclose(v[:3], [23.11, 24.20, 25.37], atol=1e-5)
    np.testing.assert_allclose(v[-1], 22.07, atol=1e-5)
    np.testing.assert_allclose(v[12], 24.19, atol=1e-5)      # 1951 JAN
    assert np.isfinite(v).all() and 17 < v.min() and v.max() < 30


def test_elnino_has_a_yearly_cycle_and_the_big_el_nino_events():
    s = elnino(dtype=np.float64)
    v, months = s.values, s.dates.astype(int) % 12
    monthly_mean = np.array([v[months == m].mean() for m in range(12)])
    assert monthly_mean.argmax() in (1, 2, 3) and monthly_mean.argmin() in (7, 8, 9)
    anomaly = v - monthly_mean[months]
    years = s.dates.astype("datetime64[Y]").astype(int) + 1970
    warmest = set(years[np.argsort(anomaly)[-12:]])        # the 12 warmest months (anomaly)
    assert warmest <= {1982, 1983, 1997, 1998}, warmest


def test_elnino_file_checksum_is_checked(monkeypatch, tmp_path):
    assert download.sha256(download.shipped("elnino.csv")) == climate.ELNINO_SHA256
    bad = tmp_path / "elnino.csv"
    bad.write_text('"YEAR","JAN"\n1950,1.0\n')
    monkeypatch.setattr(climate, "shipped", lambda name: bad)
    monkeypatch.setattr(climate, "_checked", False)
    with pytest.raises(download.ChecksumError):
        elnino()
