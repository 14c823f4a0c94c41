"""End to end: ``unrolled grade`` on every exercise, and on bad submissions.

The gradings run once per session as subprocesses of ``unrolled grade --json`` (two at a
time: each has its own temporary course and kernel), and the tests read their results.
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


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("grading")
    path_a, path_b = _adversarial(tmp)
    jobs = {("source", a): (ROOT / "solutions" / a / f"{a}.ipynb",) for a in ASSIGNMENTS}
    jobs.update({("release", a): (ROOT / "exercises" / a / f"{a}.ipynb",) for a in ASSIGNMENTS})
    jobs[("adversarial", "loop")] = (path_a, "--timeout", str(SHORT_TIMEOUT))
    jobs[("adversarial", "raises")] = (path_b,)
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=int(os.environ.get("UNROLLED_GRADE_JOBS", "2"))) as pool:
        futures = {k: pool.submit(_grade, *v) for k, v in jobs.items()}
        results = {k: f.result() for k, f in futures.items()}
    total = time.perf_counter() - t0
    slowest = max(results.items(), key=lambda kv: kv[1]["wall"])
    print(f"\ngrading: {len(jobs)} gradings in {total:.0f} s; slowest {slowest[0]}: {slowest[1]['wall']} s "
          f"(nbgrader's own time {slowest[1].get('seconds')} s)")
    return results


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
    assert 2 <= len(r["questions"]) <= 5


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
def test_grading_time(graded):
    """Each exercise grades within the budget (generous: the machine is shared)."""
    for key, r in graded.items():
        if key[0] == "source":
            assert r["wall"] < 240, (key, r["wall"])
