"""unrolled.data: shapes, dtypes, determinism, correctness and the offline fallbacks."""

import numpy as np
import pytest

from unrolled import data
from unrolled.data import download, text


# ------------------------------------------------------------------ synthetic

def test_sine_waves_classic_shape_and_determinism():
    w = data.sine_waves()
    assert w.shape == (100, 1000) and w.dtype == np.float64
    assert np.abs(w).max() <= 1.0
    np.testing.assert_array_equal(w, data.sine_waves())
    assert not np.array_equal(w, data.sine_waves(seed=3))
    assert data.sine_waves(5, 50, dtype=np.float32).dtype == np.float32
    # each wave is sin((t + shift) / 20) for an integer shift in [-80, 80)
    s = data.sine_waves(4, 300, seed=0)
    t = np.arange(300)
    for row in s:
        errs = [np.abs(row - np.sin((t + k) / 20)).max() for k in range(-80, 80)]
        assert min(errs) < 1e-12
    k = int(round(2 * np.pi * 20 * 5))  # five periods is almost an integer number of steps
    long = data.sine_waves(4, 1000, seed=0)
    assert np.abs(long[:, k:] - long[:, :-k]).max() < 0.05


def test_adding_problem_target_is_the_sum_of_the_marked_values():
    X, y = data.adding_problem(64, length=30, seed=0)
    assert X.shape == (64, 30, 2) and y.shape == (64,)
    assert X.dtype == np.float32 and y.dtype == np.float32
    values, markers = X[..., 0], X[..., 1]
    assert values.min() >= 0 and values.max() <= 1
    assert np.all(markers.sum(1) == 2)
    assert np.all(markers[:, :15].sum(1) == 1) and np.all(markers[:, 15:].sum(1) == 1)
    np.testing.assert_allclose(y, (values * markers).sum(1), rtol=1e-6)
    X2, y2 = data.adding_problem(64, length=30, seed=0)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    # the constant-1 baseline is at ~1/6
    _, ybig = data.adding_problem(20000, 10, seed=1)
    assert abs(np.mean((ybig - 1.0) ** 2) - data.ADDING_BASELINE_MSE) < 0.01
    with pytest.raises(ValueError):
        data.adding_problem(3, length=1)


def test_adding_problem_accepts_a_generator():
    rng = np.random.default_rng(5)
    a = data.adding_problem(4, 8, seed=rng)
    b = data.adding_problem(4, 8, seed=rng)
    assert not np.array_equal(a[0], b[0])


def test_future_context_task():
    X, y = data.future_context_task(500, length=12, n_classes=3, seed=0)
    assert X.shape == (500, 12, 3) and X.dtype == np.float32 and y.shape == (500, 12)
    assert y.dtype == np.int64
    sym = X.argmax(-1)
    assert np.all(y == sym[:, -1:])  # every step is labelled with the last symbol
    # labels balanced across classes
    counts = np.bincount(y[:, 0], minlength=3) / 500
    assert np.all(np.abs(counts - 1 / 3) < 0.07)
    # a left-to-right reader that copies the current symbol is at chance before the end
    acc_before_end = (sym[:, :-1] == y[:, :-1]).mean()
    assert abs(acc_before_end - 1 / 3) < 0.05
    ints, y2 = data.future_context_task(500, length=12, n_classes=3, seed=0, one_hot=False)
    np.testing.assert_array_equal(ints, sym)
    np.testing.assert_array_equal(y, y2)
    assert data.future_context_chance(20, 2) == pytest.approx(0.525)


# -------------------------------------------------------------------- series

def test_window_1d_and_2d():
    s = np.arange(10.0)
    X, y = data.window(s, 3)
    assert X.shape == (7, 3, 1) and y.shape == (7,)
    np.testing.assert_array_equal(X[0, :, 0], [0, 1, 2])
    assert y[0] == 3 and y[-1] == 9
    X, y = data.window(s, 3, horizon=2, stride=2)
    np.testing.assert_array_equal(X[:, 0, 0], [0, 2, 4])
    np.testing.assert_array_equal(y, [4, 6, 8])
    m = np.stack([s, -s], 1).astype(np.float32)
    X, y = data.window(m, 4)
    assert X.shape == (6, 4, 2) and y.shape == (6, 2) and X.dtype == np.float32
    np.testing.assert_array_equal(y[0], [4, -4])
    np.testing.assert_array_equal(data.naive_forecast(data.window(s, 3)[0]), np.arange(2.0, 9.0))
    with pytest.raises(ValueError, match="too short"):
        data.window(s, 10)


def test_real_series_from_matplotlib():
    g = data.goog()
    assert g.values.shape == (1047,) and g.values.dtype == np.float64
    assert g.dates[0] == np.datetime64("2004-08-19") and np.all(np.diff(g.dates) > np.timedelta64(0))
    assert np.all(data.goog("range").values >= 0)
    sp = data.stocks("^GSPC")
    assert sp.values.ndim == 1 and len(sp.values) > 300 and np.all(sp.values > 0)
    assert data.eeg().values.shape == (800, 4)
    with pytest.raises(ValueError):
        data.goog("nope")


# ---------------------------------------------------------------------- text

def test_sentiment_sentences_balanced():
    texts, labels, sources = data.sentiment_sentences()
    assert len(texts) == len(labels) == len(sources) == 3000
    assert labels.dtype == np.int64 and set(labels) == {0, 1}
    for src in ("amazon", "imdb", "yelp"):
        sel = np.array(sources) == src
        assert sel.sum() == 1000 and labels[sel].sum() == 500
    assert all(isinstance(t, str) and t for t in texts)
    yelp = data.sentiment_sentences("yelp")
    assert len(yelp.texts) == 1000 and set(yelp.sources) == {"yelp"}


def test_time_machine():
    t = data.time_machine()
    assert t.startswith("The Time Machine") and 170_000 < len(t) < 200_000
    assert "Time Traveller" in t


def test_shipped_files_are_checksummed(tmp_path, monkeypatch):
    for name, digest in download.SHIPPED_SHA256.items():
        assert download.sha256(data.shipped(name)) == digest
    bad = tmp_path / "time_machine.txt"
    bad.write_text("not the novel")
    monkeypatch.setattr(download, "FILES", tmp_path)
    monkeypatch.setattr(download, "_verified", set())
    with pytest.raises(data.ChecksumError):
        data.shipped("time_machine.txt")


def test_tokenize_vocab_pad():
    toks = data.tokenize(["I don't like it!", "I like it."])
    assert toks[0] == ["i", "don't", "like", "it", "!"]
    assert data.tokenize("ab c", level="char") == ["a", "b", " ", "c"]
    v = data.Vocab(toks)
    assert v.itos[:2] == [data.PAD, data.UNK] and v.pad_index == 0
    assert v.itos[2:5] == ["i", "like", "it"]  # most frequent first
    assert v["zebra"] == 1 and len(data.Vocab(toks, max_size=4)) == 4
    ids = v.encode(toks)
    x, lengths = data.pad_sequences(ids)
    assert x.shape == (2, 5) and x.dtype == np.int64 and list(lengths) == [5, 4]
    assert x[1, 4] == 0 and np.all(x[:, :4] > 0)
    assert v.decode(x[1]) == "i like it ."
    x, lengths = data.pad_sequences(ids, maxlen=3, padding="pre", truncating="pre")
    assert list(lengths) == [3, 3] and list(x[0]) == ids[0][-3:]
    x, lengths = data.pad_sequences([[5], []], maxlen=3, padding="pre")
    assert x.tolist() == [[0, 0, 5], [0, 0, 0]] and lengths.tolist() == [1, 0]


def test_imdb_falls_back_offline_and_says_so(monkeypatch, capsys):
    def no_network(num_words):
        raise Exception("URL fetch failure on https://storage.googleapis.com/...: "
                        "[Errno -2] Name or service not known")

    monkeypatch.setattr(text, "_keras_imdb", no_network)
    monkeypatch.delenv("UNROLLED_OFFLINE", raising=False)
    d = data.imdb(num_words=1000, maxlen=40, seed=0)
    out = capsys.readouterr().out
    assert "OFFLINE FALLBACK" in out and "Name or service not known" in out
    assert d.source == "sentiment_sentences" and d.offline
    assert d.x_train.shape == (2400, 40) and d.x_test.shape == (600, 40)
    assert d.x_train.dtype == np.int64 and d.x_train.max() < d.num_words == 1000
    assert d.y_train.mean() == 0.5 and d.y_test.mean() == 0.5  # stratified split
    assert np.all(d.len_train <= 40) and np.all(d.len_train >= 1)
    rows = np.arange(len(d.x_train))
    assert np.all(d.x_train[rows, d.len_train - 1] > 0)  # post-padding: tokens first
    d2 = data.imdb(num_words=1000, maxlen=40, seed=0, verbose=False)
    np.testing.assert_array_equal(d.x_train, d2.x_train)
    assert capsys.readouterr().out == ""


def test_imdb_offline_env_skips_the_download(monkeypatch, capsys):
    def must_not_run(num_words):
        raise AssertionError("tried to download although UNROLLED_OFFLINE=1")

    monkeypatch.setattr(text, "_keras_imdb", must_not_run)
    monkeypatch.setenv("UNROLLED_OFFLINE", "1")
    d = data.imdb()
    assert d.offline and "UNROLLED_OFFLINE" in capsys.readouterr().out


def test_imdb_uses_keras_when_available(monkeypatch):
    fake = (([[1, 5, 6], [1, 7]], [1, 0]), ([[1, 9, 9, 9, 9]], [0]))
    monkeypatch.setattr(text, "_keras_imdb", lambda num_words: fake)
    monkeypatch.delenv("UNROLLED_OFFLINE", raising=False)
    d = data.imdb(maxlen=4, verbose=False)
    assert d.source == "imdb" and not d.offline and d.vocab is None
    assert d.x_train.tolist() == [[1, 5, 6, 0], [1, 7, 0, 0]] and d.len_test.tolist() == [4]


def test_fetch_caches_and_checks_sha256(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("UNROLLED_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("UNROLLED_OFFLINE", raising=False)
    src = tmp_path / "series.csv"
    src.write_text("1,2,3\n")
    digest = download.sha256(src)
    p = data.fetch(src.as_uri(), sha256sum=digest)
    assert p.read_text() == "1,2,3\n" and p.parent == tmp_path / "cache"
    src.unlink()  # the second call is served from the cache
    assert data.fetch(src.as_uri(), sha256sum=digest) == p
    with pytest.raises(data.OfflineError):  # wrong checksum in cache and source gone
        data.fetch(src.as_uri(), sha256sum="0" * 64)
    src.write_text("tampered\n")
    with pytest.raises(data.ChecksumError):
        data.fetch(src.as_uri(), filename="other.csv", sha256sum=digest)
    assert not (tmp_path / "cache" / "other.csv").exists()
    monkeypatch.setenv("UNROLLED_OFFLINE", "1")
    with pytest.raises(data.OfflineError, match="disabled"):
        data.fetch("https://example.invalid/x.csv")
