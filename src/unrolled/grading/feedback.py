"""Keep hidden tests out of what a learner sees after grading.

A failing hidden test leaves a traceback in the graded notebook, and IPython prints the
lines of code around each frame: the hidden test itself. ``trim_traceback`` keeps the
learner's own frames and the error message, and replaces frames from test cells by a
one-line marker. ``TrimHiddenTracebacks`` applies it in ``nbgrader generate_feedback``.
"""

import re

from nbgrader.preprocessors import NbGraderPreprocessor

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
CELL_FRAME = re.compile(r"Cell In\s*\[(\d+)\]")
# Frames inside the grading helpers only repeat the message: leave them out.
HELPER_FRAME = re.compile(r"unrolled[/\\]grading[/\\]")


def strip_ansi(text):
    return ANSI.sub("", text)


def is_test_cell(cell):
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution")


def test_cell_counts(nb):
    """Execution counts of the test cells of an executed notebook."""
    return {c.get("execution_count") for c in nb.cells
            if c.cell_type == "code" and is_test_cell(c) and c.get("execution_count")}


def trim_traceback(frames, hidden_counts, keep=3):
    """The readable tail of an IPython traceback, without the code of test cells.

    ``frames`` is the ``traceback`` list of an error output (one string per frame, the
    last one the error line), ``hidden_counts`` the execution counts of test cells.
    Returns plain text: at most ``keep`` frames, then the error line.
    """
    frames = [strip_ansi(f).rstrip() for f in frames]
    frames = [f for f in frames if f and not set(f.strip()) <= set("-")]
    if not frames:
        return ""
    *body, last = frames
    out = []
    for frame in body:
        m = CELL_FRAME.search(frame)
        if HELPER_FRAME.search(frame):
            continue
        if m and int(m.group(1)) in hidden_counts:
            out.append("(in a test cell)")
        elif "Traceback (most recent call last)" in frame and len(frame.splitlines()) == 1:
            continue
        else:
            out.append(frame)
    # collapse repeated markers
    tidy = []
    for f in out:
        if not (tidy and f == tidy[-1] == "(in a test cell)"):
            tidy.append(f)
    return "\n".join(tidy[-keep:] + [last])


class TrimHiddenTracebacks(NbGraderPreprocessor):
    """Shorten the tracebacks of test cells to the learner's frames and the message."""

    def preprocess(self, nb, resources):
        counts = test_cell_counts(nb)
        for cell in nb.cells:
            if cell.cell_type != "code" or not is_test_cell(cell):
                continue
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    out["traceback"] = trim_traceback(out.get("traceback", []), counts).splitlines()
        return nb, resources
