"""``grade(path)``: find the grading source, run the notebook, build the result.

The steps live in their own modules: ``sources`` (which assignment, its grading source),
``autograde`` (restore the test cells, run the kernel, score), ``report`` (the table and
JSON). The result is the dict printed by ``unrolled grade --json``.
"""

import tempfile
import time
import warnings

from . import settings
from .autograde import execute, merge, score
from .feedback import test_cell_counts
from .report import failure, format_result, to_json  # noqa: F401 - re-exported
from .sources import GradingError, grading_source, identify, read_notebook  # noqa: F401


class GradingFailed(GradingError):
    """The kernel could not be started or the run could not finish."""


def grade(path, assignment=None, timeout=None, verbose=False, keep=None):
    """Grade the notebook at ``path``; returns a dict (see ``unrolled grade --json``).

    ``assignment`` overrides the detection; ``timeout`` the seconds per cell
    (``settings.CELL_TIMEOUT``); ``keep`` a path where the graded notebook is written.
    """
    import nbformat

    t0 = time.perf_counter()
    nb = read_notebook(path)
    assignment = assignment or identify(nb, path)
    source = nbformat.reads(grading_source(assignment), as_version=4)
    run = merge(nb, source)
    with warnings.catch_warnings(), tempfile.TemporaryDirectory(prefix="unrolled-grade-") as tmp:
        warnings.simplefilter("ignore")
        try:
            info = execute(run, timeout or settings.CELL_TIMEOUT, tmp)
        except Exception as exc:  # noqa: BLE001 - the kernel would not start or answer
            raise GradingFailed(f"grading stopped: {type(exc).__name__}: {exc}") from None
    if keep:
        nbformat.write(run, str(keep))
    counts = test_cell_counts(run)
    questions = []
    for cell, points, max_points, passed in score(run, info["tampering"]):
        q = {"name": cell.metadata["nbgrader"]["grade_id"], "score": points,
             "max_score": max_points, "passed": passed}
        if not passed:
            q["error"], q["traceback"] = failure(cell, counts, info["dead"])
        questions.append(q)
    return {
        "assignment": assignment,
        "notebook": str(path),
        "score": sum(q["score"] for q in questions),
        "max_score": sum(q["max_score"] for q in questions),
        "questions": questions,
        "dead_kernel": info["dead"],
        "tampering": info["tampering"],
        "seconds": round(time.perf_counter() - t0, 1),
    }
