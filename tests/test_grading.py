"""End to end: ``unrolled grade`` on every exercise, and on bad submissions.

The gradings run once per session as subprocesses of ``unrolled grade --json`` (two at a
time: each has its own kernel), and the tests read their results. How long grading takes
is measured by ``tools/bench_grading.py``, not asserted here.
"""

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENTS = sorted(p.name for p in (ROOT / "solutions").iterdir() if (p / f"{p.name}.ipynb").exists())
# an endless loop is stopped after this many seconds per cell (the setup cell, which
# imports torch and Keras, must still fit in it on a busy machine)
SHORT_TIMEOUT = 25


def _cell(nb, grade_id):
    for i, c in enumerate(nb.cells):
        if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return i, c
    raise KeyError(grade_id)


def _release(a):
    return nbformat.read(str(ROOT / "exercises" / a / f"{a}.ipynb"), as_version=4)


def _adversarial(tmp):
    """Two ch01 submissions that break the rules in every way a learner might."""
    a = "ch01_recurrent_cell"
    good_step = ("def rnn_step(x_t, h_prev, weight_ih, weight_hh, bias_ih, bias_hh):\n"
                 "    return torch.tanh(x_t @ weight_ih.T + bias_ih + h_prev @ weight_hh.T + bias_hh)\n")
    good_last = ("def last_valid_output(output, lengths, batch_first=False):\n"
                 "    lengths = torch.as_tensor(lengths)\n"
                 "    if batch_first:\n"
                 "        output = output.transpose(0, 1)\n"
                 "    return output[lengths - 1, torch.arange(output.shape[1])]\n")
    # A: right step, endless loop, wrong answer whose test cell was blanked
    nb = _release(a)
    _cell(nb, "rnn_step")[1].source = good_step
    _cell(nb, "rnn_forward")[1].source = (
        "def rnn_forward(x, weight_ih, weight_hh, bias_ih, bias_hh, h0=None, batch_first=False):\n"
        "    while True:\n        pass\n")
    _cell(nb, "last_valid_output")[1].source = (
        "def last_valid_output(output, lengths, batch_first=False):\n    return output[-1]\n")
    _cell(nb, "last_valid_output_tests")[1].source = "pass  # no tests here"
    path_a = tmp / "loop_and_blanked.ipynb"
    nbformat.write(nb, str(path_a))
    # B: a step that raises, a wrong shape, a right answer whose test cell was deleted
    nb = _release(a)
    _cell(nb, "rnn_step")[1].source = (
        "def rnn_step(x_t, h_prev, weight_ih, weight_hh, bias_ih, bias_hh):\n"
        "    raise ValueError('I give up')\n")
    _cell(nb, "rnn_forward")[1].source = (
        "def rnn_forward(x, weight_ih, weight_hh, bias_ih, bias_hh, h0=None, batch_first=False):\n"
        "    out, h = torch.nn.functional.rnn_tanh if False else (None, None)\n"
        "    xs = x.transpose(0, 1) if batch_first else x\n"
        "    h = xs.new_zeros(xs.shape[1], weight_hh.shape[0]) if h0 is None else h0[0]\n"
        "    outs = []\n"
        "    for t in range(xs.shape[0]):\n"
        "        h = torch.tanh(xs[t] @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh)\n"
        "        outs.append(h)\n"
        "    out = torch.stack(outs)\n"
        "    return (out.transpose(0, 1) if batch_first else out), h  # h_n lacks its first axis\n")
    _cell(nb, "last_valid_output")[1].source = good_last
    i, _ = _cell(nb, "last_valid_output_tests")
    del nb.cells[i]
    path_b = tmp / "raises_shape_deleted.ipynb"
    nbformat.write(nb, str(path_b))
    return path_a, path_b


def _grade(path, *extra):
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "unrolled.cli", "grade", "--json", *extra, str(path)],
                          capture_output=True, text=True, cwd=ROOT, timeout=900)
    seconds = time.perf_counter() - t0
    try:
        result = json.loads(proc.stdout)
    except json.JSONDecodeError:
        result = {"error": "no JSON", "stdout": proc.stdout[-2000:], "stderr": proc.stderr[-3000:]}
    result["returncode"], result["wall"] = proc.returncode, round(seconds, 1)
    return result


# A wrong early answer per assignment whose later questions build on it: the assignment,
# the answer cell, its wrong code, and the test cell that alone should lose its points.
WRONG_EARLY = {
    "ch01_recurrent_cell": ("rnn_step", "def rnn_step(x_t, h_prev, weight_ih, weight_hh, bias_ih, bias_hh):\n"
                            "    return torch.tanh(x_t @ weight_ih.T + h_prev @ weight_hh.T)  # no bias\n",
                            "rnn_step_tests"),
    "ch02_bptt": ("bptt", "def bptt(x, h0, targets, params):\n    return {k: 0 * v for k, v in params.items()}\n",
                  "bptt_tests"),
    "ch05_custom_cell": ("my_lstm_cell", None, "my_lstm_cell_params_tests"),
    "ch07_bidirectional": ("reverse_padded", "def reverse_padded(x, lengths, batch_first=False):\n"
                           "    return x.flip(1 if batch_first else 0)  # padding first\n", "reverse_padded_tests"),
    "ch08_projections": ("torch_lstm_to_keras", "def torch_lstm_to_keras(lstm):\n    return None\n",
                         "torch_lstm_to_keras_tests"),
    "ch10_speed": ("fused_lstm_step", "def fused_lstm_step(xp, h, c, weight_hh):\n"
                   "    raise RuntimeError('not like this')\n", "fused_lstm_step_tests"),
}


def _wrong_early(tmp, a):
    answer, code, loses = WRONG_EARLY[a]
    nb = nbformat.read(str(ROOT / "solutions" / a / f"{a}.ipynb"), as_version=4)
    cell = _cell(nb, answer)[1]
    if code is None:  # ch05: parameters with the wrong initialisation, forward still right
        cell.source = cell.source.replace("bound = 1 / math.sqrt(hidden_size)", "bound = 10.0")
        assert "bound = 10.0" in cell.source
    else:
        cell.source = code
    path = tmp / f"wrong_early_{a}.ipynb"
    nbformat.write(nb, str(path))
    return path


def _dead_and_tampering(tmp):
    a = "ch01_recurrent_cell"
    nb = nbformat.read(str(ROOT / "solutions" / a / f"{a}.ipynb"), as_version=4)
    _cell(nb, "rnn_forward")[1].source = "import os\nos._exit(3)\n"
    dead = tmp / "dead_kernel.ipynb"
    nbformat.write(nb, str(dead))
    # tampering: no-op checks, and answers that return None (or raise) everywhere
    nb = _release(a)
    _cell(nb, "rnn_step")[1].source = (
        "import numpy, torch, unrolled.grading, unrolled.grading.checks, unrolled.grading.steps\n"
        "noop = lambda *args, **kwargs: None\n"
        "for m in (unrolled.grading, unrolled.grading.checks, unrolled.grading.steps):\n"
        "    for name in dir(m):\n"
        "        if name.startswith('check'):\n"
        "            setattr(m, name, noop)\n"
        "torch.testing.assert_close = noop\n"
        "numpy.allclose = lambda *args, **kwargs: True\n"
        "def rnn_step(*args):\n    return None\n")
    _cell(nb, "rnn_forward")[1].source = "def rnn_forward(*args, **kwargs):\n    return None\n"
    tampered = tmp / "tampering.ipynb"
    nbformat.write(nb, str(tampered))
    nb = _release(a)
    _cell(nb, "rnn_step")[1].source = "def rnn_step(*args):\n    return None\n"
    _cell(nb, "rnn_forward")[1].source = "def rnn_forward(*args, **kwargs):\n    return None\n"
    honest = tmp / "same_answers_no_tampering.ipynb"
    nbformat.write(nb, str(honest))
    return dead, tampered, honest


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("grading")
    path_a, path_b = _adversarial(tmp)
    dead, tampered, honest = _dead_and_tampering(tmp)
    jobs = {("source", a): (ROOT / "solutions" / a / f"{a}.ipynb",) for a in ASSIGNMENTS}
    jobs.update({("release", a): (ROOT / "exercises" / a / f"{a}.ipynb",) for a in ASSIGNMENTS})
    jobs.update({("wrong_early", a): (_wrong_early(tmp, a),) for a in WRONG_EARLY})
    jobs[("adversarial", "loop")] = (path_a, "--timeout", str(SHORT_TIMEOUT))
    jobs[("adversarial", "raises")] = (path_b,)
    jobs[("adversarial", "dead")] = (dead,)
    jobs[("adversarial", "tampering")] = (tampered,)
    jobs[("adversarial", "honest")] = (honest,)
    with ThreadPoolExecutor(max_workers=int(os.environ.get("UNROLLED_GRADE_JOBS", "2"))) as pool:
        futures = {k: pool.submit(_grade, *v) for k, v in jobs.items()}
        return {k: f.result() for k, f in futures.items()}


def _scores(result):
    assert "questions" in result, result
    return {q["name"]: q["score"] for q in result["questions"]}


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_scores_full_marks(graded, assignment):
    r = graded[("source", assignment)]
    assert r["returncode"] == 0, r
    failed = [(q["name"], q.get("error")) for q in r["questions"] if not q["passed"]]
    assert not failed, failed
    assert r["score"] == r["max_score"] > 0
    assert 2 <= len(r["questions"]) <= 6


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_scores_zero(graded, assignment):
    r = graded[("release", assignment)]
    assert r["returncode"] == 0, r
    assert r["score"] == 0 and r["max_score"] == graded[("source", assignment)]["max_score"]
    for q in r["questions"]:
        assert q["error"], q  # every failed question says why


@pytest.mark.slow
def test_endless_loop_and_blanked_test_cell(graded):
    r = graded[("adversarial", "loop")]
    assert r["returncode"] == 0, r
    s = _scores(r)
    assert s == {"rnn_step_tests": 2, "rnn_forward_tests": 0, "last_valid_output_tests": 0}, r
    q = {q["name"]: q for q in r["questions"]}
    assert "time limit" in q["rnn_forward_tests"]["error"]
    # the blanked test cell was restored from the source, and its message names the mistake
    assert "output[-1]" in q["last_valid_output_tests"]["error"], q["last_valid_output_tests"]


@pytest.mark.slow
def test_exception_wrong_shape_and_deleted_test_cell(graded):
    r = graded[("adversarial", "raises")]
    assert r["returncode"] == 0, r
    s = _scores(r)
    assert s == {"rnn_step_tests": 0, "rnn_forward_tests": 0, "last_valid_output_tests": 2}, r
    q = {q["name"]: q for q in r["questions"]}
    assert "ValueError: I give up" in q["rnn_step_tests"]["error"]
    assert "I give up" in q["rnn_step_tests"]["traceback"]
    assert "shape" in q["rnn_forward_tests"]["error"] and "(1, 2, 5)" in q["rnn_forward_tests"]["error"]


@pytest.mark.slow
def test_failure_messages_do_not_show_hidden_tests(graded):
    for key, r in graded.items():
        for q in r.get("questions", []):
            text = (q.get("error") or "") + (q.get("traceback") or "")
            assert "BEGIN HIDDEN" not in text and "### " not in text, (key, q)


@pytest.mark.slow
@pytest.mark.parametrize("assignment", sorted(WRONG_EARLY))
def test_wrong_early_answer_costs_only_its_question(graded, assignment):
    r = graded[("wrong_early", assignment)]
    assert r["returncode"] == 0, r
    loses = WRONG_EARLY[assignment][2]
    full = {q["name"]: q["max_score"] for q in graded[("source", assignment)]["questions"]}
    want = {name: (0 if name == loses else pts) for name, pts in full.items()}
    assert _scores(r) == want, [(q["name"], q.get("error")) for q in r["questions"]]


@pytest.mark.slow
def test_dead_kernel_is_graded(graded):
    r = graded[("adversarial", "dead")]
    assert r["returncode"] == 0, r
    assert _scores(r) == {"rnn_step_tests": 2, "rnn_forward_tests": 0, "last_valid_output_tests": 0}
    assert r["dead_kernel"]["grade_id"] == "rnn_forward" and r["dead_kernel"]["kind"] == "answer"
    q = {q["name"]: q for q in r["questions"]}
    assert "kernel died" in q["last_valid_output_tests"]["error"]
    assert "rnn_forward" in q["rnn_forward_tests"]["error"]


@pytest.mark.slow
def test_tampering_earns_nothing_and_is_reported(graded):
    tampered, honest = graded[("adversarial", "tampering")], graded[("adversarial", "honest")]
    assert tampered["returncode"] == honest["returncode"] == 0, (tampered, honest)
    assert _scores(tampered) == _scores(honest)
    assert tampered["score"] == 0
    replaced = {t["replaced"] for t in tampered["tampering"]}
    assert {"unrolled.grading.check_close", "torch.testing.assert_close", "numpy.allclose"} <= replaced
    assert not honest["tampering"]


def test_table_wraps_whole_words_and_prints_each_failure_once():
    from unrolled.grading.report import format_result

    message = ("the cell state c of lstm_step_torch has the right shape but wrong values: gate order. "
               "Your cell reads the four gate chunks as f, i, g, o, but PyTorch stores them as i, f, g, o.")
    result = {"assignment": "ch03_lstm", "notebook": "x.ipynb", "score": 0, "max_score": 2,
              "questions": [{"name": "lstm_step_torch_tests", "score": 0, "max_score": 2, "passed": False,
                             "error": message, "traceback": "Cell In[5], line 3, in lstm_step_torch\n    i, f = ..."}]}
    text = format_result(result)
    assert text.count("gate order") == 1  # in the table only, not again below it
    lines = text.splitlines()
    assert all(len(line) <= 88 for line in lines)
    start = next(i for i, line in enumerate(lines) if line.startswith("lstm_step_torch_tests"))
    lead = lines[start].index("FAILED")
    column = [lines[start][lead:]] + [ln[lead:] for ln in lines[start + 1:] if ln.startswith(" " * lead)]
    assert len(column) > 1 and " ".join(column) == "FAILED: " + message  # wrapped between words


@pytest.mark.slow
def test_grade_me_on_colab_grades_in_process(monkeypatch, capsys):
    """grade_me with a stand-in for google.colab._message.blocking_request("get_ipynb")."""
    import types

    import unrolled.grading

    a = "ch01_recurrent_cell"
    nb = json.loads((ROOT / "solutions" / a / f"{a}.ipynb").read_text())
    calls = []

    def blocking_request(name, request="", timeout_sec=None):
        calls.append(name)
        return {"ipynb": nb}

    google, colab, message = (types.ModuleType(n) for n in ("google", "google.colab", "google.colab._message"))
    message.blocking_request = blocking_request
    colab._message, google.colab = message, colab
    for name, mod in (("google", google), ("google.colab", colab), ("google.colab._message", message)):
        monkeypatch.setitem(sys.modules, name, mod)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    result = unrolled.grading.grade_me(a)
    assert calls == ["get_ipynb"]
    assert result["score"] == result["max_score"] == 7
    out = capsys.readouterr().out
    assert "this Colab notebook" in out and "total" in out


@pytest.mark.slow
def test_wheel_ships_grading_sources_and_data(tmp_path):
    import shutil
    import zipfile

    src = tmp_path / "repo"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "src", src / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                           "-w", str(tmp_path / "dist"), str(src)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    wheel = next((tmp_path / "dist").glob("unrolled-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for module in ("grader", "sources", "autograde", "report", "guard", "depend", "checks", "steps",
                   "settings", "feedback", "command"):
        assert f"unrolled/grading/{module}.py" in names, module
    for a in ASSIGNMENTS:
        assert f"unrolled/_grading/{a}.ipynb" in names, a
    data = sorted(p.name for p in (ROOT / "src" / "unrolled" / "data" / "files").iterdir() if p.is_file())
    assert data and all(f"unrolled/data/files/{d}" in names for d in data)
    assert not any(n.startswith("solutions/") for n in names)
