"""The Keras code is backend-neutral: run the Keras test files again on PyTorch and JAX.

Keras picks its backend once, at import, from ``KERAS_BACKEND``; so each other
backend needs a fresh interpreter. tests/test_keras_cells.py checks that it really
runs on the backend the environment asks for (``test_backend_is_the_one_requested``).

PyTorch runs every Keras test file. JAX runs every file too, but deselects the
repeats listed in :data:`JAX_DESELECT` (cases covered on JAX by a sibling case), to
keep the suite's time down: on JAX every eager call traces and compiles its scan.
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent

# Deselected on JAX (pytest -k): each is covered on JAX by a sibling case (another
# merge mode, another cell kind, the same option set on another layer) or does not
# depend on the backend (configs). Eager keras.ops.scan on JAX traces and compiles at
# every call, so every case costs seconds there.
JAX_DESELECT = [
    "test_lstm_projection_trains_in_a_model",  # compile/fit; training covered on TF and torch
    "test_cell_config_round_trip",  # configs: backend-independent
    *(f"test_bidirectional_matches_builtin[{m}]" for m in ("sum", "mul", "ave", "None")),
    *(f"test_bidirectional_states_with_mask_zero[{m}]" for m in ("sum", "mul", "ave")),
    *(f"test_cell_in_keras_rnn_matches_builtin[{k}]"
      for k in ("simple_rnn", "gru_reset_before", "lstm_no_bias")),
    "test_layer_matches_builtin[gru_reset_before-",  # gru and the three options covered
    "test_layer_initial_state_and_mask_argument[gru_reset_before-",
]
JAX_SKIP = " and ".join(f"not {name}" for name in JAX_DESELECT)

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
