"""The nbgrader settings shared by ``nbgrader_config.py`` (instructors) and ``unrolled grade``.

Kept here, inside the package, so that a learner who installed ``unrolled[grade]`` from
git grades with exactly the settings the instructors use.
"""

import os
import sys

#: Seconds one cell may run under autograding before it is interrupted and scores 0.
#: Exercises train briefly under grading (``unrolled.env.grading()``), so a correct
#: answer needs a few seconds; the limit only stops endless loops.
CELL_TIMEOUT = 60

#: The stub that replaces a solution region in the learner's notebook.
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"


def apply(c, timeout=None):
    """Fill a traitlets ``Config`` ``c`` with the course's grading settings."""
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import ClearHiddenTests, GetGrades

    from .feedback import TrimHiddenTracebacks

    # nbgrader runs the `alembic` command of its own environment: find it even when that
    # environment (e.g. .venv) is not activated.
    bin_dir = os.path.dirname(sys.executable)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    c.Execute.timeout = int(timeout or CELL_TIMEOUT)
    c.Execute.interrupt_on_timeout = True
    # After a cell is interrupted, wait for the kernel to settle instead of failing the
    # whole notebook when it is slow to answer (nbclient's default is 4 s, then an error).
    c.Execute.iopub_timeout = 20
    c.Execute.raise_on_iopub_timeout = False
    # A test cell the learner deleted is put back from the source before grading.
    c.OverwriteCells.add_missing_cells = True
    # nbgrader fails a test cell that writes anything to stderr. Warnings from torch or
    # Keras, TensorFlow's logging or a tqdm bar are no reason to lose points: our tests
    # fail by raising. So stderr output is dropped before scoring.
    c.IgnorePattern.enabled = True
    c.IgnorePattern.pattern = r"[\s\S]"
    c.ClearSolutions.code_stub = {"python": CODE_STUB}
    # Feedback shows neither the hidden tests nor the lines of their tracebacks.
    c.GenerateFeedback.preprocessors = [
        GetGrades, CSSHTMLHeaderPreprocessor, ClearHiddenTests, TrimHiddenTracebacks]
    c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]
    return c
