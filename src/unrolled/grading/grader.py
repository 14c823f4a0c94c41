"""Grade a learner's notebook with nbgrader, offline, without an instructor.

``grade(path)`` builds a throw-away nbgrader course in a temporary directory:

1. ``source/<a>/<a>.ipynb`` is the grading source shipped in the package
   (``unrolled/_grading/<a>.ipynb``: the solution regions replaced by the stub, the
   hidden tests kept);
2. ``nbgrader generate_assignment`` records its test cells in a fresh gradebook;
3. the learner's notebook is copied to ``submitted/learner/<a>/<a>.ipynb``;
4. ``nbgrader autograde`` restores edited or deleted test cells, runs the notebook
   (each cell under a time limit) and scores every test cell;
5. the scores are read with ``nbgrader.api.Gradebook`` and the messages of failed
   tests from the graded notebook.
"""

import json
import logging
import os
import shutil
import tempfile
import time
import warnings
from importlib import resources
from pathlib import Path

from . import settings
from .feedback import strip_ansi, test_cell_counts, trim_traceback

STUDENT = "learner"


class GradingError(Exception):
    """The input cannot be graded (not a notebook, not an exercise, ...)."""


class GradingFailed(GradingError):
    """nbgrader could not finish (the notebook killed or blocked its kernel)."""


# ----------------------------------------------------------------- grading sources


def _sources_dir():
    return resources.files("unrolled") / "_grading"


def available():
    """The assignments that can be graded here, e.g. ``['ch01_recurrent_cell', ...]``."""
    d = _sources_dir()
    return sorted(p.name[:-6] for p in d.iterdir() if p.name.endswith(".ipynb"))


def grading_source(assignment):
    """Text of the grading source of ``assignment``."""
    path = _sources_dir() / f"{assignment}.ipynb"
    if not path.is_file():
        raise GradingError(
            f"unknown assignment {assignment!r}; this installation can grade: {', '.join(available())}")
    return path.read_text(encoding="utf-8")


def _grade_ids(nb):
    return {c.metadata["nbgrader"]["grade_id"] for c in nb.cells
            if "nbgrader" in c.get("metadata", {}) and "grade_id" in c.metadata["nbgrader"]}


def read_notebook(path):
    """Read ``path`` as a notebook or raise ``GradingError`` saying why it is not one."""
    import nbformat

    path = Path(path)
    if not path.exists():
        raise GradingError(f"{path}: no such file")
    if path.is_dir():
        raise GradingError(f"{path} is a directory; give the path of an exercise notebook (.ipynb)")
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as exc:  # noqa: BLE001 - any parse error means "not a notebook"
        raise GradingError(
            f"{path} is not a Jupyter notebook ({type(exc).__name__}: {str(exc).splitlines()[0][:200]}). "
            "Give the .ipynb file of an exercise, e.g. exercises/ch01_recurrent_cell/ch01_recurrent_cell.ipynb"
        ) from None
    if not isinstance(nb.get("cells"), list):
        raise GradingError(f"{path} is not a Jupyter notebook (no cells)")
    return nb


def identify(nb, path=None):
    """The assignment a notebook belongs to: from its metadata, its test cells or its name."""
    import nbformat

    names = available()
    meta = nb.get("metadata", {}).get("unrolled", {}).get("assignment")
    if meta in names:
        return meta
    ids = _grade_ids(nb)
    best, overlap = None, 0
    if ids:
        for name in names:
            src = nbformat.reads(grading_source(name), as_version=4)
            n = len(ids & _grade_ids(src))
            if n > overlap:
                best, overlap = name, n
    if best:
        return best
    stem = Path(path).stem if path else ""
    for name in names:
        if stem == name or stem.endswith(name) or stem.startswith(name):
            return name
    raise GradingError(
        f"{path or 'this notebook'} is not an Unrolled exercise: it has none of the exercises' "
        f"graded cells. Exercises: {', '.join(names)}")


# --------------------------------------------------------------------------- grade


def _config(timeout):
    from traitlets.config import Config

    c = Config()
    c.CourseDirectory.course_id = "unrolled"
    settings.apply(c, timeout=timeout)
    # a learner reads the table, not the kernel's start-up chatter
    c.Execute.extra_arguments = ["--IPKernelApp.log_level=ERROR"]
    return c


class _Errors(logging.Handler):
    """Keeps nbgrader's error messages, to explain a failure."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def _logger(verbose):
    log = logging.getLogger("unrolled.grading.nbgrader")
    for h in list(log.handlers):
        log.removeHandler(h)
    if verbose:
        h = logging.StreamHandler()
        h.setFormatter(logging.Formatter("[nbgrader] %(levelname)s %(message)s"))
        log.addHandler(h)
    errors = _Errors()
    log.addHandler(errors)
    log.setLevel(logging.INFO if verbose else logging.ERROR)
    log.propagate = False
    return log, errors


def _why(messages):
    text = "\n".join(messages)
    if "DeadKernel" in text or "Kernel died" in text or "kernel died" in text:
        return "the kernel died while running the notebook (sys.exit, os._exit, a crash or out of memory)"
    if "unresponsive" in text or "Timeout" in text or "timed out" in text:
        return "a cell ran past the time limit and the kernel did not respond to the interrupt"
    for m in reversed(messages):
        lines = [ln for ln in m.splitlines() if ln.strip() and not ln.startswith(" ")]
        if lines and "Please see" not in lines[-1] and "There was an error" not in lines[-1]:
            return lines[-1][:300]
    return "nbgrader could not run the notebook"


def _failure(cell, counts):
    """The message of a failed test cell: the error line and the learner's frames."""
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    if any(o.get("ename") in ("CellTimeoutError", "KeyboardInterrupt") for o in errors):
        # nbgrader interrupts a cell that runs past the limit: the kernel reports a
        # KeyboardInterrupt, nbgrader adds a CellTimeoutError
        tail = next((trim_traceback(o.get("traceback", []), counts) for o in errors
                     if o.get("ename") == "KeyboardInterrupt"), "")
        return ("time limit: this cell did not finish in time and was stopped. "
                "Look for an endless loop (a `while` whose condition never turns false).", tail)
    for out in errors:
        if out.get("output_type") == "error":
            ename, evalue = out.get("ename", "Error"), strip_ansi(out.get("evalue", ""))
            if ename == "NotImplementedError" and not evalue:
                return "not answered yet: the answer still raises NotImplementedError.", ""
            message = f"{ename}: {evalue}" if evalue else ename
            return message, trim_traceback(out.get("traceback", []), counts)
    return "failed (no error message).", ""


def grade(path, assignment=None, timeout=None, verbose=False, keep=None):
    """Grade the notebook at ``path``; returns a dict (see ``unrolled grade --json``).

    ``assignment`` overrides the detection; ``timeout`` the seconds per cell
    (``settings.CELL_TIMEOUT``); ``keep`` is a directory where the temporary course is
    copied for inspection.
    """
    with warnings.catch_warnings():
        # nbgrader's gradebook triggers SQLAlchemy session warnings that mean nothing here
        warnings.simplefilter("ignore")
        return _grade(path, assignment, timeout, verbose, keep)


def _grade(path, assignment, timeout, verbose, keep):
    import nbformat

    t0 = time.perf_counter()
    nb = read_notebook(path)
    assignment = assignment or identify(nb, path)
    source_text = grading_source(assignment)
    log, errors = _logger(verbose)

    from nbgrader.api import Gradebook
    from nbgrader.converters import Autograde, GenerateAssignment
    from nbgrader.coursedir import CourseDirectory

    with tempfile.TemporaryDirectory(prefix="unrolled-grade-") as tmp:
        root = Path(tmp)
        src_dir = root / "source" / assignment
        src_dir.mkdir(parents=True)
        (src_dir / f"{assignment}.ipynb").write_text(source_text, encoding="utf-8")
        sub_dir = root / "submitted" / STUDENT / assignment
        sub_dir.mkdir(parents=True)
        nbformat.write(nb, str(sub_dir / f"{assignment}.ipynb"))

        config = _config(timeout)
        coursedir = CourseDirectory(config=config, log=log)
        coursedir.root = str(root)
        coursedir.assignment_id = assignment
        old = os.environ.pop("NBGRADER_EXECUTION", None)
        quiet_tf = "TF_CPP_MIN_LOG_LEVEL" not in os.environ
        if quiet_tf:
            os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
        try:
            GenerateAssignment(coursedir=coursedir, config=config, log=log).start()
            coursedir.student_id = STUDENT
            try:
                Autograde(coursedir=coursedir, config=config, log=log).start()
            except Exception:  # noqa: BLE001 - nbgrader reports failures this way
                raise GradingFailed(
                    f"grading stopped: {_why(errors.messages)}. Run the notebook from the top "
                    "yourself (Restart & Run All) to find the cell; `--verbose` shows nbgrader's log."
                ) from None
        finally:
            if old is not None:
                os.environ["NBGRADER_EXECUTION"] = old
            if quiet_tf:
                os.environ.pop("TF_CPP_MIN_LOG_LEVEL", None)

        graded_path = root / "autograded" / STUDENT / assignment / f"{assignment}.ipynb"
        graded = nbformat.read(str(graded_path), as_version=4)
        order = [c.metadata["nbgrader"]["grade_id"] for c in graded.cells
                 if c.get("metadata", {}).get("nbgrader", {}).get("grade")]
        cells = {c.metadata["nbgrader"]["grade_id"]: c for c in graded.cells
                 if c.get("metadata", {}).get("nbgrader", {}).get("grade")}
        counts = test_cell_counts(graded)
        with Gradebook(f"sqlite:///{root / 'gradebook.db'}", course_id="unrolled") as gb:
            sub = gb.find_submission_notebook(assignment, assignment, STUDENT)
            scores = {g.name: (float(g.score), float(g.max_score)) for g in sub.grades}
        questions = []
        for name in sorted(scores, key=lambda n: order.index(n) if n in order else len(order)):
            score, max_score = scores[name]
            q = {"name": name, "score": score, "max_score": max_score, "passed": score >= max_score}
            if not q["passed"]:
                q["error"], q["traceback"] = _failure(cells.get(name, {}), counts)
            questions.append(q)
        if keep:
            shutil.copytree(root, keep, dirs_exist_ok=True)
    return {
        "assignment": assignment,
        "notebook": str(path),
        "score": sum(q["score"] for q in questions),
        "max_score": sum(q["max_score"] for q in questions),
        "questions": questions,
        "seconds": round(time.perf_counter() - t0, 1),
    }


# ------------------------------------------------------------------------- report


def _num(x):
    return f"{x:g}"


def format_result(result, details=True):
    """A per-question table and the total, as text."""
    qs = result["questions"]
    width = max([len("question")] + [len(q["name"]) for q in qs])
    lines = [f"Grading {result['assignment']} ({result['notebook']})", "",
             f"{'question':<{width}}  {'score':>9}  result"]
    for q in qs:
        pts = f"{_num(q['score'])} / {_num(q['max_score'])}"
        status = "passed" if q["passed"] else "FAILED: " + q["error"].splitlines()[0][:160]
        lines.append(f"{q['name']:<{width}}  {pts:>9}  {status}")
    lines.append(f"{'total':<{width}}  {_num(result['score']) + ' / ' + _num(result['max_score']):>9}")
    failed = [q for q in qs if not q["passed"]]
    if details and failed:
        lines += ["", "What went wrong:"]
        for q in failed:
            lines += ["", f"--- {q['name']}", q["error"]]
            if q.get("traceback"):
                lines.append(q["traceback"])
    return "\n".join(lines)


def to_json(result):
    return json.dumps(result, indent=2)
