"""The exercises: fresh, free of solutions and hidden tests, Colab-ready; the checks and
the grader's error handling (fast tests; the round trips are in test_grading.py)."""

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import exercises as tool  # noqa: E402
from notebooks import install_spec  # noqa: E402

from unrolled import grading  # noqa: E402
from unrolled.grading import CheckFailed  # noqa: E402
from unrolled.grading.feedback import trim_traceback  # noqa: E402
from unrolled.grading.grader import GradingError, identify, read_notebook  # noqa: E402

ASSIGNMENTS = tool.assignments()


def read(path):
    return nbformat.read(str(path), as_version=4)


def solution_lines(a):
    """Substantial lines of the solution regions of an assignment's source."""
    lines, elsewhere = [], []
    for c in read(tool.source_path(a)).cells:
        if c.metadata.get("nbgrader", {}).get("solution"):
            for m in tool.SOLUTION_RE.finditer(c.source):
                lines += [ln.strip() for ln in m.group(2).splitlines() if len(ln.strip()) > 25]
        else:  # what the text, the tests or the given code also show is not a secret
            elsewhere.append(c.source)
    shown = "\n".join(elsewhere)
    return [ln for ln in lines if ln not in shown]


def test_five_assignments_at_least():
    assert set(ASSIGNMENTS) >= {"ch01_recurrent_cell", "ch02_bptt", "ch03_lstm", "ch04_gru", "ch05_custom_cell"}


def test_exercises_and_grading_sources_are_fresh():
    problems = tool.stale()
    assert not problems, "run `python tools/exercises.py generate`:\n" + "\n".join(problems)


@pytest.mark.parametrize("a", ASSIGNMENTS)
def test_release_has_no_solution_and_no_hidden_test(a):
    text = (ROOT / "exercises" / a / f"{a}.ipynb").read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in text
    for line in solution_lines(a):
        assert line not in text, f"solution code in exercises/{a}: {line}"
    assert "raise NotImplementedError()" in text
    # every test cell of the release is its source cell without the hidden region
    released = {c.metadata["nbgrader"]["grade_id"]: c.source for c in read(ROOT / "exercises" / a / f"{a}.ipynb").cells
                if c.metadata.get("nbgrader", {}).get("grade")}
    n_hidden = 0
    for c in read(tool.source_path(a)).cells:
        if "### BEGIN HIDDEN TESTS" in c.source:
            n_hidden += 1
            before, rest = c.source.split("### BEGIN HIDDEN TESTS")
            hidden, after = rest.split("### END HIDDEN TESTS")
            gid = c.metadata["nbgrader"]["grade_id"]
            assert released[gid].strip() == (before.rstrip() + "\n" + after.lstrip("\n")).strip()
            assert hidden.strip() not in text
    assert n_hidden >= 2


@pytest.mark.parametrize("a", ASSIGNMENTS)
def test_grading_source_keeps_hidden_tests_but_no_solution(a):
    text = (ROOT / "src" / "unrolled" / "_grading" / f"{a}.ipynb").read_text()
    assert "BEGIN HIDDEN TESTS" in text
    for line in solution_lines(a):
        assert line not in text, f"solution code in the shipped grading source of {a}: {line}"


def test_no_solution_ships_in_the_package():
    pkg = ROOT / "src" / "unrolled"
    assert not list(pkg.rglob("solutions")), "solutions/ must not be inside the package"
    for a in ASSIGNMENTS:
        for line in solution_lines(a)[:5]:
            for f in pkg.rglob("*.ipynb"):
                assert line not in f.read_text(), (f, line)


@pytest.mark.parametrize("a", ASSIGNMENTS)
def test_notebook_is_colab_ready(a):
    nb = read(ROOT / "exercises" / a / f"{a}.ipynb")
    assert nb.metadata["accelerator"] == "GPU"
    assert nb.metadata["colab"]["gpuType"] == "T4"
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.metadata["unrolled"]["assignment"] == a
    code = [c for c in nb.cells if c.cell_type == "code"]
    first, last = code[0].source, code[-1].source
    assert '"google.colab" in sys.modules' in first and install_spec() in first
    assert "unrolled.env.report()" in first
    assert f'grade_me("{a}")' in last
    graded = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert 2 <= len(graded) <= 5


def test_grade_me_is_silent_under_nbgrader(monkeypatch, capsys):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert grading.grade_me("ch01_recurrent_cell") is None
    assert capsys.readouterr().out == ""


def test_grade_me_prints_the_command_locally(monkeypatch, capsys):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    grading.grade_me("ch02_bptt")
    assert "unrolled grade exercises/ch02_bptt/ch02_bptt.ipynb" in capsys.readouterr().out


# ------------------------------------------------------------ bad inputs, clearly


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "unrolled.cli", "grade", *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_not_a_notebook_is_a_clear_error(tmp_path):
    p = tmp_path / "notes.txt"
    p.write_text("hello")
    r = _cli(str(p))
    assert r.returncode == 2
    assert "is not a Jupyter notebook" in r.stderr and "Traceback" not in r.stderr
    r = _cli("--json", str(tmp_path / "missing.ipynb"))
    assert r.returncode == 2 and "no such file" in json.loads(r.stdout)["error"]


def test_not_an_exercise_is_a_clear_error(tmp_path):
    p = tmp_path / "mine.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")]), str(p))
    r = _cli(str(p))
    assert r.returncode == 2
    assert "not an Unrolled exercise" in r.stderr and "Traceback" not in r.stderr


def test_identify_renamed_copy(tmp_path):
    nb = read(ROOT / "exercises" / "ch03_lstm" / "ch03_lstm.ipynb")
    del nb.metadata["unrolled"]
    p = tmp_path / "Copy of something.ipynb"
    nbformat.write(nb, str(p))
    assert identify(read_notebook(p), p) == "ch03_lstm"
    with pytest.raises(GradingError):
        read_notebook(tmp_path)


# ---------------------------------------------------------------- the checks


def torch_lstm():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    cell = torch.nn.LSTMCell(3, 4)
    x, h, c = torch.randn(2, 3), torch.randn(2, 4), torch.randn(2, 4)
    return torch, cell, x, h, c


def test_check_lstm_step_names_the_gate_order():
    torch, cell, x, h, c = torch_lstm()
    w = (cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
    grading.check_lstm_step("step", cell(x, (h, c)), x, h, c, *w)
    bad = grading.lstm_step_reference(x, h, c, *w, order="fig" + "o")  # input and forget swapped
    with pytest.raises(CheckFailed, match="gate order.*f, i, g, o.*i, f, g, o"):
        grading.check_lstm_step("step", bad, x, h, c, *w)


def test_check_lstm_step_names_a_missing_bias_and_swapped_outputs():
    torch, cell, x, h, c = torch_lstm()
    w = (cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
    with pytest.raises(CheckFailed, match="bias is missing"):
        grading.check_lstm_step("step", grading.lstm_step_reference(x, h, c, *w[:2]), x, h, c, *w)
    with pytest.raises(CheckFailed, match="only bias_ih"):
        grading.check_lstm_step("step", grading.lstm_step_reference(x, h, c, *w[:3]), x, h, c, *w)
    hh, cc = cell(x, (h, c))
    with pytest.raises(CheckFailed, match=r"returned \(c, h\)"):
        grading.check_lstm_step("step", (cc, hh), x, h, c, *w)
    with pytest.raises(CheckFailed, match="tuple"):
        grading.check_lstm_step("step", hh, x, h, c, *w)


def test_check_lstm_step_keras_layout():
    rng = np.random.default_rng(0)
    k, r, b = rng.normal(size=(3, 8)), rng.normal(size=(2, 8)), rng.normal(size=8)
    x, h, c = rng.normal(size=(1, 3)), rng.normal(size=(1, 2)), rng.normal(size=(1, 2))
    good = grading.lstm_step_reference(x, h, c, k, r, b, layout="keras")
    grading.check_lstm_step("k", good, x, h, c, k, r, b, layout="keras")
    bad = grading.lstm_step_reference(x, h, c, k, r, b, layout="keras", order="iofg")
    with pytest.raises(CheckFailed, match="gate order.*i, o, f, c.*Keras stores them as i, f, c, o"):
        grading.check_lstm_step("k", bad, x, h, c, k, r, b, layout="keras")


def test_check_gru_step_diagnoses():
    rng = np.random.default_rng(1)
    k, r, b = rng.normal(size=(3, 6)), rng.normal(size=(2, 6)), rng.normal(size=(2, 6))
    x, h = rng.normal(size=(2, 3)), rng.normal(size=(2, 2))
    ref = lambda **kw: grading.gru_step_reference(x, h, k, r, b[0], b[1], **kw)  # noqa: E731
    grading.check_gru_step("g", ref(), x, h, k, r, b[0], b[1])
    for kw, pattern in [({"flip_update": True}, "wrong way round"), ({"order": "rzn"}, "gate order"),
                        ({"reset_after": False}, "reset gate is applied before")]:
        with pytest.raises(CheckFailed, match=pattern):
            grading.check_gru_step("g", ref(**kw), x, h, k, r, b[0], b[1])
    with pytest.raises(CheckFailed, match="recurrent bias is missing"):
        grading.check_gru_step("g", grading.gru_step_reference(x, h, k, r, b[0], None), x, h, k, r, b[0], b[1])


def test_check_rnn_step_and_shapes():
    torch = pytest.importorskip("torch")
    cell = torch.nn.RNNCell(3, 4)
    x, h = torch.randn(2, 3), torch.randn(2, 4)
    w = (cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
    grading.check_rnn_step("s", cell(x, h), x, h, *w)
    with pytest.raises(CheckFailed, match="bias is missing"):
        grading.check_rnn_step("s", torch.tanh(x @ w[0].T + h @ w[1].T), x, h, *w)
    with pytest.raises(CheckFailed, match="transposed"):
        grading.check_shape("W", np.zeros((3, 4)), (4, 3))
    with pytest.raises(CheckFailed, match="batch_first"):
        grading.check_shape("out", np.zeros((5, 2, 3)), (2, 5, 3))
    with pytest.raises(CheckFailed, match="return"):
        grading.check_close("f(x)", None, np.zeros(2))
    with pytest.raises(CheckFailed, match="NaN"):
        grading.check_close("f(x)", np.array([np.nan]), np.zeros(1))
    grading.check_close("keras", __import__("keras").ops.ones((2,)), np.ones(2))


def test_traceback_tail_hides_test_cells():
    frames = ["\x1b[0;31m----\x1b[0m", "Cell In[7], line 3\n      1 secret_hidden_input = 42\n----> 3 f(x)\n",
              "Cell In[4], line 2, in f(x)\n      1 def f(x):\n----> 2     raise ValueError('no')\n",
              "File .../unrolled/grading/checks.py:10, in check\n", "ValueError: no"]
    out = trim_traceback(frames, hidden_counts={7})
    assert "secret_hidden_input" not in out and "(in a test cell)" in out
    assert "raise ValueError('no')" in out and out.endswith("ValueError: no")
    assert "checks.py" not in out


def test_nbgrader_config_layout():
    from traitlets.config import PyFileConfigLoader

    cfg = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    assert cfg.CourseDirectory.source_directory == "solutions"
    assert cfg.CourseDirectory.release_directory == "exercises"
    assert cfg.Execute.timeout == 60
    assert cfg.OverwriteCells.add_missing_cells is True
    names = [p.__name__ for p in cfg.GenerateFeedback.preprocessors]
    assert "ClearHiddenTests" in names and "TrimHiddenTracebacks" in names
