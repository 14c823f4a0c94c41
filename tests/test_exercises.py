"""The exercises: fresh, free of solutions and hidden tests, Colab-ready; the checks and
the grader's error handling (fast tests; the round trips are in test_grading.py)."""

import json
import re
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
    assert "unrolled.env.report(frameworks=" in first and "import keras" not in first
    assert f'grade_me("{a}")' in last
    graded = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert 2 <= len(graded) <= 6


WIDTH = 80  # as the chapters' code cells (tests/test_notebooks.py): the page fits at 1280 px


@pytest.mark.parametrize("a", ASSIGNMENTS)
def test_code_lines_fit_80_columns(a):
    """Every code line of the exercise, its source and its grading source: setup cell,
    answers, tests (hidden ones too) and the grade cell."""
    long = []
    for path in (ROOT / "exercises" / a / f"{a}.ipynb", tool.source_path(a),
                 ROOT / "src" / "unrolled" / "_grading" / f"{a}.ipynb"):
        for c in read(path).cells:
            if c.cell_type != "code":
                continue
            gid = c.metadata.get("nbgrader", {}).get("grade_id") or c.get("id")
            long += [f"{path.relative_to(ROOT)} [{gid}] {len(ln)}: {ln.strip()[:60]}"
                     for ln in c.source.splitlines() if len(ln) > WIDTH]
    assert not long, f"{len(long)} code lines over {WIDTH} columns:\n" + "\n".join(long)


def test_setup_cell_fits_80_columns():
    for names in ((), ("torch",), ("keras",), ("torch", "keras")):
        assert max(len(ln) for ln in tool.setup_source(names).splitlines()) <= WIDTH


def _defined(source):
    return re.findall(r"^(?:def|class)\s+(\w+)", source, re.M)


@pytest.mark.parametrize("a", ASSIGNMENTS)
def test_dependent_questions_are_graded_on_their_own(a):
    """A test cell that uses an earlier answer (directly, or through its own answer
    calling it) runs on the course's reference (uses_reference + with_yours_as_well), and
    tests/test_grading.py grades a wrong early answer of that assignment."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("_tg", ROOT / "tests" / "test_grading.py")
    wrong_early = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(wrong_early)
    answers, own = {}, None
    for c in read(tool.source_path(a)).cells:
        meta = c.metadata.get("nbgrader", {})
        if meta.get("solution"):
            own = meta["grade_id"]
            answers[own] = (_defined(c.source), c.source)
        elif meta.get("grade"):
            earlier = {n for g, (names, _) in answers.items() if g != own for n in names}
            used = {n for n in earlier if re.search(rf"\b{n}\b", c.source)}
            called = {n for n in earlier if re.search(rf"\b{n}\b", answers[own][1])}
            if used or called:
                assert a in wrong_early.WRONG_EARLY, (
                    f"{a}: {meta['grade_id']} depends on {sorted(used | called)}: add a wrong "
                    "early answer to WRONG_EARLY in tests/test_grading.py")
            if called:
                assert "uses_reference(" in c.source and "with_yours_as_well(" in c.source, (
                    f"{a}: {own} calls {sorted(called)}; grade {meta['grade_id']} with the "
                    "course's reference (unrolled.grading.uses_reference) and an unscored "
                    "'with your own' check")


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


@pytest.mark.parametrize("a", ASSIGNMENTS)
def test_setup_cell_reports_only_the_frameworks_used(a):
    nb = read(ROOT / "exercises" / a / f"{a}.ipynb")
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    setup = next(c.source for c in nb.cells if c.cell_type == "code")
    assert ("'keras'" in setup) == ("import keras" in code or "from keras" in code)
    assert "'torch'" in setup


def test_merge_restores_test_cells_and_keeps_answers():
    from unrolled.grading.autograde import merge

    a = "ch01_recurrent_cell"
    source = read(ROOT / "src" / "unrolled" / "_grading" / f"{a}.ipynb")
    nb = read(ROOT / "exercises" / a / f"{a}.ipynb")
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    nb.cells[ids.index("rnn_step")].source = "def rnn_step(*a):\n    return 1\n"
    nb.cells[ids.index("rnn_step_tests")].source = "pass"
    del nb.cells[ids.index("rnn_forward_tests")]
    nb.cells.append(nbformat.v4.new_code_cell("extra = 1"))
    merged = merge(nb, source)
    by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in merged.cells}
    want = {c.metadata["nbgrader"]["grade_id"]: c.source for c in source.cells if "nbgrader" in c.metadata}
    assert by_id["rnn_step"].source.startswith("def rnn_step(*a)")
    assert by_id["rnn_step_tests"].source == want["rnn_step_tests"]
    assert by_id["rnn_forward_tests"].source == want["rnn_forward_tests"]
    order = [c.metadata.get("nbgrader", {}).get("grade_id") for c in merged.cells]
    assert order.index("rnn_forward") < order.index("rnn_forward_tests") < order.index("last_valid_output")
    assert merged.cells[-1].source == "extra = 1"


def test_uses_reference_rebinds_and_restores():
    ns = {"step": "mine"}
    with grading.uses_reference(ns, step="course", other=1):
        assert ns["step"] == "course" and ns["other"] == 1
    assert ns == {"step": "mine"}
    with pytest.raises(ValueError):
        with grading.uses_reference(ns, step="course"):
            raise ValueError
    assert ns == {"step": "mine"}


def test_with_yours_as_well_only_informs(capsys):
    def failing():
        raise CheckFailed("wrong values")

    assert grading.with_yours_as_well("rnn_step", "rnn_forward", failing) is False
    out = capsys.readouterr().out
    assert "not scored" in out and "rnn_forward itself is right" in out
    assert grading.with_yours_as_well("rnn_step", "rnn_forward", lambda: None) is True


def test_projection_cell_diagnoses():
    rng = np.random.default_rng(3)
    k, r, b, p = rng.normal(size=(3, 16)), rng.normal(size=(2, 16)), rng.normal(size=16), rng.normal(size=(4, 2))
    x, h, c = rng.normal(size=(2, 3)), rng.normal(size=(2, 2)), rng.normal(size=(2, 4))
    ref = grading.lstm_step_reference
    grading.check_lstm_step("p", ref(x, h, c, k, r, b, layout="keras", w_proj=p), x, h, c, k, r, b,
                            layout="keras", w_proj=p)
    bad = ref(x, h, c, k, r, b, layout="keras", w_proj=p, order="fi" + "go")
    with pytest.raises(CheckFailed, match="gate order"):
        grading.check_lstm_step("p", bad, x, h, c, k, r, b, layout="keras", w_proj=p)
    with pytest.raises(CheckFailed, match="without the projection"):
        unprojected = ref(x, h, c, k, r, b, layout="keras")
        grading.check_lstm_step("p", (unprojected[0], unprojected[1]), x, h, c, k, r, b, layout="keras", w_proj=p)


def test_check_gru_step_reset_before_the_product_torch_layout():
    torch = pytest.importorskip("torch")
    cell = torch.nn.GRUCell(3, 2)
    x, h = torch.randn(2, 3), torch.randn(2, 2)
    w = (cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh)
    bad = grading.gru_step_reference(x, h, *w, layout="torch", reset_after=False)
    with pytest.raises(CheckFailed, match="reset gate is applied before"):
        grading.check_gru_step("g", bad, x, h, *w, layout="torch")


def test_guard_puts_replaced_checks_back(capsys):
    import unrolled.grading.checks
    from unrolled.grading import guard

    guard.arm()
    genuine = unrolled.grading.checks.check_close
    try:
        unrolled.grading.checks.check_close = lambda *a, **k: None
        np.allclose, saved = (lambda *a, **k: True), np.allclose
        replaced = guard.check_in()
    finally:
        if np.allclose is not saved:
            np.allclose = saved
    assert "unrolled.grading.checks.check_close" in replaced and "numpy.allclose" in replaced
    assert unrolled.grading.checks.check_close is genuine and np.allclose is saved
    assert guard.check_in() == []
