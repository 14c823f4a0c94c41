"""The Keras code is backend-neutral: run the Keras test files again on PyTorch.

Keras picks its backend once, at import, from ``KERAS_BACKEND``; so the other
backend needs a fresh interpreter. tests/test_keras_cells.py checks that it really
runs on the backend the environment asks for (``test_backend_is_the_one_requested``).
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="PyTorch is not installed")
def test_keras_tests_pass_on_the_torch_backend():
    files = sorted(str(p) for p in HERE.glob("test_keras_*.py") if p.name != Path(__file__).name)
    assert len(files) >= 3, files
    env = {**os.environ, "KERAS_BACKEND": "torch", "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *files],
        cwd=HERE.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    tail = (result.stdout + result.stderr)[-6000:]
    assert result.returncode == 0, f"Keras tests failed with KERAS_BACKEND=torch:\n{tail}"
    assert " passed" in result.stdout and " failed" not in result.stdout, tail
