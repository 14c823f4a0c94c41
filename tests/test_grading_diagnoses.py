"""The mistakes learners make most get a named diagnosis from the exercise's own tests.

Each case takes an exercise's solution, replaces one answer by a typical wrong one (a
Keras LSTM cell reading its gate chunks in the wrong order, a GRU whose reset gate
multiplies h before the recurrent product), and runs the assignment's grading test cell
(hidden tests included) in this process: the failure must name the mistake, not only
say "wrong values".
"""

import re
from pathlib import Path

import nbformat
import pytest

from unrolled.grading import CheckFailed

ROOT = Path(__file__).resolve().parents[1]

GRU_KERAS_RESET_BEFORE = '''
def gru_step_keras(x, h, kernel, recurrent_kernel, bias):
    n = recurrent_kernel.shape[0]
    x_z, x_r, x_h = ops.split(ops.matmul(x, kernel) + bias[0], 3, axis=-1)
    h_z, h_r, _ = ops.split(ops.matmul(h, recurrent_kernel) + bias[1], 3, axis=-1)
    z = ops.sigmoid(x_z + h_z)
    r = ops.sigmoid(x_r + h_r)
    # the reset gate applied to h before the product (reset_after=False)
    u_h = recurrent_kernel[:, 2 * n:]
    candidate = ops.tanh(x_h + ops.matmul(r * h, u_h) + bias[1][2 * n:])
    return z * h + (1 - z) * candidate
'''

GRU_TORCH_RESET_BEFORE = '''
def gru_step_torch(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    n = weight_hh.shape[1]
    x_r, x_z, x_n = (x @ weight_ih.T + bias_ih).chunk(3, dim=-1)
    h_r, h_z, _ = (h @ weight_hh.T + bias_hh).chunk(3, dim=-1)
    r = torch.sigmoid(x_r + h_r)
    z = torch.sigmoid(x_z + h_z)
    n_t = torch.tanh(x_n + (r * h) @ weight_hh[2 * n:].T + bias_hh[2 * n:])
    return (1 - z) * n_t + z * h
'''

# (assignment, answer cell, how to make it wrong, test cell, what the message must say)
CASES = {
    "keras_lstm_gate_order": (
        "ch03_lstm", "lstm_step_keras",
        ("i, f, g, o = ops.split", "i, f, o, g = ops.split"), "lstm_step_keras_tests",
        r"gate order\. Your cell reads the four gate chunks as i, f, o, c, "
        r"but Keras stores them as i, f, c, o"),
    "keras_projection_cell_gate_order": (
        "ch08_projections", "proj_lstm_cell",
        ("i, f, g, o = ops.split", "f, i, g, o = ops.split"), "proj_lstm_cell_tests",
        r"gate order\. Your cell reads the four gate chunks as f, i, c, o"),
    "keras_gru_reset_before_product": (
        "ch04_gru", "gru_step_keras", GRU_KERAS_RESET_BEFORE, "gru_step_keras_tests",
        r"the reset gate is applied before the recurrent matrix product"),
    "keras_gru_gate_order": (
        "ch04_gru", "gru_step_keras",
        ("x_z, x_r, x_h = ops.split(ops.matmul(x, kernel) + bias[0], 3, axis=-1)\n"
         "    h_z, h_r, h_h = ops.split(",
         "x_r, x_z, x_h = ops.split(ops.matmul(x, kernel) + bias[0], 3, axis=-1)\n"
         "    h_r, h_z, h_h = ops.split("),
        "gru_step_keras_tests",
        r"gate order\. Your cell reads the three chunks as r, z, h, but Keras stores "
        r"them as z, r, h"),
    "torch_gru_reset_before_product": (
        "ch04_gru", "gru_step_torch", GRU_TORCH_RESET_BEFORE, "gru_step_torch_tests",
        r"the reset gate is applied before the recurrent matrix product"),
}


def _cells(path):
    return nbformat.read(str(path), as_version=4).cells


def _gid(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def run_with_wrong_answer(assignment, answer, wrong, test_id):
    """Run the solution up to ``test_id`` with ``answer`` made wrong; return the failure."""
    solution = _cells(ROOT / "solutions" / assignment / f"{assignment}.ipynb")
    grading = {_gid(c): c.source for c in _cells(ROOT / "src" / "unrolled" / "_grading"
                                                   / f"{assignment}.ipynb")}
    assert "BEGIN HIDDEN TESTS" in grading[test_id]  # the hidden tests run too
    namespace = {"__name__": "__main__"}
    for cell in solution:
        gid = _gid(cell)
        if cell.cell_type != "code" or gid in ("setup", "grade_me"):
            continue
        if cell.metadata.get("nbgrader", {}).get("grade"):
            if gid != test_id:
                continue
            try:
                exec(compile(grading[gid], gid, "exec"), namespace)
            except CheckFailed as failure:
                return str(failure)
            raise AssertionError(f"{test_id} passed a wrong {answer}")
        source = cell.source
        if gid == answer:
            if isinstance(wrong, tuple):
                assert wrong[0] in source, wrong[0]
                source = source.replace(*wrong)
            else:
                source = wrong
        exec(compile(source, gid or "cell", "exec"), namespace)
    raise KeyError(test_id)


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_usual_mistake_is_named(case):
    assignment, answer, wrong, test_id, pattern = CASES[case]
    message = run_with_wrong_answer(assignment, answer, wrong, test_id)
    assert re.search(pattern, message), message
    assert "wrong values" in message  # the shape was right; the values say which mistake
