"""The ``unrolled`` command line: ``unrolled bench`` runs and prints well-formed tables.

Tiny sizes and two repeats: these tests check structure, never timings.
"""

import json
import os
import shutil
import subprocess
import sys

import pytest

from unrolled import bench, cli

TINY = ["-B", "2", "-T", "3", "-I", "3", "-H", "4", "--repeats", "2", "--warmup", "0",
        "--min-time", "0.001"]


def _table_rows(text):
    lines = [ln for ln in text.splitlines() if ln.startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    assert set(lines[1]) <= set("|-:"), "second line must be the separator"
    rows = [[c.strip() for c in ln.strip("|").split("|")] for ln in lines[2:]]
    assert all(len(r) == len(header) for r in rows)
    return header, rows


def test_help_lists_the_subcommands(capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["--help"])
    assert e.value.code == 0
    assert "bench" in capsys.readouterr().out
    assert cli.main([]) == 2  # no subcommand: help, non-zero status
    assert all(len(v) == 3 and callable(v[2]) for v in cli.COMMANDS.values())


def test_console_script_prints_the_layer_table():
    exe = shutil.which("unrolled") or os.path.join(os.path.dirname(sys.executable), "unrolled")
    assert os.path.exists(exe), "the console script `unrolled` is not installed"
    r = subprocess.run([exe, "bench", *TINY, "--frameworks", "torch"], capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "B=2, T=3, I=3, H=4" in r.stdout
    header, rows = _table_rows(r.stdout)
    assert header == ["framework", "device", "layer", "variant", "pass", "median (ms)",
                      "IQR (ms)", "/ built-in"]
    assert "median and IQR of 2 interleaved rounds, 1 CPU thread" in r.stdout
    cpu = [(row[2], row[3], row[4]) for row in rows if row[1] == "cpu"]
    assert cpu == [
        ("LSTM", "built-in", "forward"), ("LSTM", "ours", "forward"),
        ("LSTM", "fused", "forward"),
        ("LSTM", "built-in", "forward+backward"), ("LSTM", "ours", "forward+backward"),
        ("LSTM", "fused", "forward+backward"),
        ("GRU", "built-in", "forward"), ("GRU", "ours", "forward"),
        ("GRU", "built-in", "forward+backward"), ("GRU", "ours", "forward+backward")]
    for row in rows:
        assert float(row[5]) > 0 and float(row[6]) >= 0
        assert row[7].endswith("x")
        if row[3] == "built-in":
            assert row[7] == "1.00x"  # the built-in is the reference of its own pass


def test_bench_json_both_frameworks(capsys):
    assert cli.main(["bench", *TINY, "--kinds", "lstm", "--devices", "cpu", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["config"]["table"] == "layers" and out["config"]["batch"] == 2
    assert {"torch", "keras", "python"} <= set(out["environment"])
    rows = out["rows"]
    assert [(r["framework"], r["variant"], r["pass"]) for r in rows] == [
        ("torch", "built-in", "forward"), ("torch", "ours", "forward"),
        ("torch", "fused", "forward"), ("torch", "built-in", "forward+backward"),
        ("torch", "ours", "forward+backward"), ("torch", "fused", "forward+backward"),
        ("keras", "built-in", "forward"), ("keras", "ours", "forward"),
        ("keras", "built-in", "forward+backward"), ("keras", "ours", "forward+backward")]
    for r in rows:
        assert r["layer"] == "LSTM" and r["median_ms"] > 0 and r["threads"] == 1
        assert len(r["times_ms"]) == 2 and r["min_ms"] <= r["median_ms"] <= r["max_ms"]
        ref = next(q for q in rows if q["framework"] == r["framework"]
                   and q["pass"] == r["pass"] and q["variant"] == "built-in")
        assert r["ratio"] == pytest.approx(r["median_ms"] / ref["median_ms"])


def test_bench_lengths_table(capsys):
    assert cli.main(["bench", *TINY, "--lengths", "3,6", "--kinds", "gru", "--devices", "cpu"]) == 0
    out = capsys.readouterr().out
    header, rows = _table_rows(out)
    assert header[:3] == ["framework", "layer", "T"] and "saved (MiB)" in header
    assert [(r[0], r[2]) for r in rows] == [("torch", "3"), ("torch", "6"),
                                          ("keras", "3"), ("keras", "6")]
    assert all(float(r[header.index("ours (ms)")]) > 0 for r in rows)
    saved = header.index("saved (MiB)")
    float(rows[0][saved])
    assert rows[2][saved] == "n/a"  # no memory column for Keras


def test_bench_functions_are_importable():
    rows = bench.bench_lengths(lengths=(2, 4), batch=2, input_size=3, hidden=4, repeats=1,
                               warmup=0, frameworks=("torch",), kinds=("lstm",),
                               devices=["cpu"], min_time=0.001)
    assert [r["T"] for r in rows] == [2, 4]
    # memory kept for backward grows with T (a count of bytes, not a timing)
    assert rows[1]["builtin_saved_mib"] > rows[0]["builtin_saved_mib"] > 0
    assert rows[1]["ours_saved_mib"] > rows[0]["ours_saved_mib"] > 0
    table = bench.format_table([{**rows[0], "ours_ms": None, "ours_us_per_step": None}])
    assert "n/a" in table
    with pytest.raises(ValueError):
        bench.bench_layers(frameworks=("jax",))
    a, b, r2 = bench.fit_line([1, 2, 3], [3, 5, 7])
    assert (a, b, r2) == pytest.approx((1, 2, 1))


def test_interleaved_reports_median_and_spread():
    from unrolled.bench import Stats

    s = Stats.of([5.0, 1.0, 3.0, 2.0, 4.0])
    assert s["median"] == 3 and s["min"] == 1 and s["max"] == 5 and s["iqr"] > 0
    assert s["rounds"] == [5.0, 1.0, 3.0, 2.0, 4.0]  # round order kept for ratios
    calls = []
    out = bench.interleaved({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")},
                            repeats=3, warmup=1, min_time=0)
    assert set(out) == {"a", "b"} and len(out["a"]["times"]) == 3
    assert calls[-6:] == ["a", "b"] * 3  # rounds alternate the variants


def test_bench_does_not_hide_a_broken_package(monkeypatch):
    """A layer that fails must fail the bench, not print n/a."""
    import unrolled.torch as ut

    def broken(*a, **k):
        raise RuntimeError("broken layer")

    monkeypatch.setattr(ut, "GRU", broken)
    with pytest.raises(RuntimeError, match="broken layer"):
        bench.bench_layers(batch=2, steps=2, input_size=3, hidden=4, repeats=1, warmup=0,
                           frameworks=("torch",), kinds=("gru",), devices=["cpu"])


def test_bad_arguments_exit_with_usage(capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["bench", "--frameworks", "mxnet"])
    assert e.value.code == 2
    assert "choose from torch,keras" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["bench", "--lengths", "0,5"])
