"""unrolled.env: one thread count for both frameworks, one-line report, quiet flags."""

import subprocess
import sys

import pytest

import unrolled.env as env


def run(code, **environ):
    import os

    full = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", **environ)
    full.pop("UNROLLED_BUILD", None)
    full.pop("NBGRADER_EXECUTION", None)
    full.update(environ)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=full)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_threads_default_and_override(monkeypatch):
    monkeypatch.delenv("UNROLLED_THREADS", raising=False)
    assert env.threads() == 1
    monkeypatch.setenv("UNROLLED_THREADS", "2")
    assert env.threads() == 2


def test_report_pins_both_frameworks_and_prints_one_line():
    out = run("import unrolled.env as e; e.report()\n"
              "import torch, tensorflow as tf\n"
              "print(torch.get_num_threads(), tf.config.threading.get_intra_op_parallelism_threads())",
              UNROLLED_THREADS="1")
    lines = out.strip().splitlines()
    assert len(lines) == 2, out
    assert "PyTorch" in lines[0] and "Keras" in lines[0] and "1 CPU thread" in lines[0]
    assert lines[1] == "1 1"


def test_torch_only_report_does_not_import_tensorflow():
    out = run("import sys, unrolled.env as e; e.report(frameworks=('torch',))\n"
              "print('tensorflow' in sys.modules, 'keras' in sys.modules)")
    first, second = out.strip().splitlines()
    assert "PyTorch" in first and "Keras" not in first
    assert second == "False False"


def test_quiet_flags(monkeypatch):
    monkeypatch.delenv("UNROLLED_BUILD", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    assert not env.quiet() and env.keras_verbose() == 1
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert env.grading() and not env.in_book_build() and env.quiet()
    assert env.keras_verbose() == 0
    monkeypatch.delenv("NBGRADER_EXECUTION")
    monkeypatch.setenv("UNROLLED_BUILD", "1")
    assert env.in_book_build() and not env.grading() and env.keras_verbose() == 2


def test_has_gpu_names_the_framework():
    assert env.has_gpu("torch") in (True, False)
    with pytest.raises(ValueError):
        env.has_gpu("jax")
