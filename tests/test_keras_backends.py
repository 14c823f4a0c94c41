"""The Keras code is backend-neutral: run the Keras test files again on PyTorch and JAX.

Keras picks its backend once, at import, from ``KERAS_BACKEND``; so each other
backend needs a fresh interpreter. tests/test_keras_cells.py checks that it really
runs on the backend the environment asks for (``test_backend_is_the_one_requested``).

PyTorch runs every Keras test file. JAX runs every file too, except that in
tests/test_keras_layers.py it skips the repeats that only vary an option already
covered on JAX by another case (:data:`JAX_SKIP`), to keep the suite's time down.
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent

# Deselected on JAX (pytest -k): each is covered on JAX by a sibling case.
JAX_SKIP = (
    "not test_lstm_projection_trains_in_a_model"  # training: compile/fit, slow on JAX
    " and not test_bidirectional_matches_builtin[sum] and not test_bidirectional_matches_builtin[mul]"
    " and not test_bidirectional_states_with_mask_zero[sum]"
    " and not test_bidirectional_states_with_mask_zero[ave]"
)

BACKENDS = {
    "torch": ("torch", None),
    "jax": ("jax", JAX_SKIP),
}


@pytest.mark.parametrize("backend", list(BACKENDS))
def test_keras_tests_pass_on_another_backend(backend):
    module, deselect = BACKENDS[backend]
    if importlib.util.find_spec(module) is None:
        pytest.fail(f"{module} is not installed (it is pinned in requirements-ci.txt)")
    files = sorted(str(p) for p in HERE.glob("test_keras_*.py") if p.name != Path(__file__).name)
    assert len(files) >= 4, files
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *files]
    if deselect:
        args += ["-k", deselect]
    result = subprocess.run(args, cwd=HERE.parent, env=env, capture_output=True, text=True,
                            timeout=900)
    tail = (result.stdout + result.stderr)[-6000:]
    assert result.returncode == 0, f"Keras tests failed with KERAS_BACKEND={backend}:\n{tail}"
    assert " passed" in result.stdout and " failed" not in result.stdout, tail
