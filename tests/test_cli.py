"""The ``unrolled`` command line: ``unrolled bench`` runs and prints well-formed tables.

Tiny sizes and one repeat: these tests check structure, never timings.
"""

import json
import os
import shutil
import subprocess
import sys

import pytest

from unrolled import bench, cli

TINY = ["-B", "2", "-T", "3", "-I", "3", "-H", "4", "--repeats", "1", "--warmup", "0"]


def _ours_available():
    try:
        import unrolled.keras  # noqa: F401
        import unrolled.torch  # noqa: F401
    except Exception:
        return False
    return True


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
    assert header == ["framework", "device", "layer", "pass", "built-in (ms)", "ours (ms)",
                      "ours / built-in"]
    assert [(row[0], row[2], row[3]) for row in rows if row[1] == "cpu"] == [
        ("torch", "LSTM", "forward"), ("torch", "LSTM", "forward+backward"),
        ("torch", "GRU", "forward"), ("torch", "GRU", "forward+backward")]
    for row in rows:
        float(row[4])
        if _ours_available():
            float(row[5])
            assert row[6].endswith("x")


def test_bench_json_both_frameworks(capsys):
    assert cli.main(["bench", *TINY, "--kinds", "lstm", "--devices", "cpu", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["config"]["table"] == "layers" and out["config"]["batch"] == 2
    assert {"torch", "keras", "python"} <= set(out["environment"])
    rows = out["rows"]
    assert [(r["framework"], r["pass"]) for r in rows] == [
        ("torch", "forward"), ("torch", "forward+backward"),
        ("keras", "forward"), ("keras", "forward+backward")]
    for r in rows:
        assert r["layer"] == "LSTM" and r["builtin_ms"] > 0
        if _ours_available():
            assert r["ours_ms"] > 0 and r["ratio"] == pytest.approx(r["ours_ms"] / r["builtin_ms"])


def test_bench_lengths_table(capsys):
    assert cli.main(["bench", *TINY, "--lengths", "3,6", "--kinds", "gru", "--devices", "cpu"]) == 0
    out = capsys.readouterr().out
    header, rows = _table_rows(out)
    assert header[:4] == ["framework", "device", "layer", "T"]
    assert "built-in saved (MiB)" in header
    assert [(r[0], r[3]) for r in rows] == [("torch", "3"), ("torch", "6"),
                                          ("keras", "3"), ("keras", "6")]
    saved = header.index("built-in saved (MiB)")
    float(rows[0][saved])
    assert rows[2][saved] == "n/a"  # no memory column for Keras


def test_bench_functions_are_importable():
    rows = bench.bench_lengths(lengths=(2, 4), batch=2, input_size=3, hidden=4, repeats=1,
                               warmup=0, frameworks=("torch",), kinds=("lstm",), devices=["cpu"])
    assert [r["T"] for r in rows] == [2, 4]
    # memory kept for backward grows with T (a count of bytes, not a timing)
    assert rows[1]["builtin_saved_mib"] > rows[0]["builtin_saved_mib"] > 0
    if rows[0]["ours_saved_mib"] is not None:
        assert rows[1]["ours_saved_mib"] > rows[0]["ours_saved_mib"]
    table = bench.format_table([{**rows[0], "ours_ms": None, "ours_us_per_step": None}])
    assert "n/a" in table
    with pytest.raises(ValueError):
        bench.bench_layers(frameworks=("jax",))


def test_bad_arguments_exit_with_usage(capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(["bench", "--frameworks", "mxnet"])
    assert e.value.code == 2
    assert "choose from torch,keras" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["bench", "--lengths", "0,5"])
