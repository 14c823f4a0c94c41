"""Checks the exercises call, and the grader behind ``unrolled grade``.

In an exercise's test cells::

    from unrolled.grading import check_close, check_shape, check_lstm_step
    check_shape("rnn_step(x, h, ...)", got, (batch, hidden), dims=("batch", "hidden_size"))

Every check passes silently or raises ``CheckFailed`` (an ``AssertionError``) with a
message that says what is wrong. The last cell of every exercise is
``unrolled.grading.grade_me("<assignment>")``.

Importing this package is light (NumPy only); nbclient is imported when grading.
"""

from .checks import (  # noqa: F401
    CheckFailed,
    check,
    check_close,
    check_decreasing,
    check_not_none,
    check_shape,
    check_tuple,
    is_close,
    to_numpy,
)
from .depend import uses_reference, with_yours_as_well  # noqa: F401
from .steps import (  # noqa: F401
    check_gru_step,
    check_lstm_step,
    check_rnn_step,
    gru_step_reference,
    lstm_step_reference,
    rnn_step_reference,
)


def grade(path, **kwargs):
    """Grade the notebook at ``path``; see ``unrolled.grading.grader.grade``."""
    from .grader import grade as _grade

    return _grade(path, **kwargs)


def grade_me(assignment, timeout=None):
    """Grade the running notebook (the last cell of every exercise).

    On Colab, the notebook as it stands in the browser is graded here and now. Elsewhere
    it prints the command that grades the saved notebook. Under nbgrader (the grader
    itself runs this cell) it does nothing.
    """
    import os

    from ..env import on_colab

    if os.environ.get("NBGRADER_EXECUTION"):
        return None
    if on_colab():
        import json
        import tempfile

        from google.colab import _message  # type: ignore[import-not-found]

        from .grader import format_result

        reply = _message.blocking_request("get_ipynb", request="", timeout_sec=120)
        nb = reply["ipynb"] if isinstance(reply, dict) and "ipynb" in reply else reply
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, f"{assignment}.ipynb")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(nb, f)
            print("Grading the notebook as it is now (every cell runs again; this takes a minute)...")
            result = grade(path, assignment=assignment, timeout=timeout)
        result["notebook"] = "this Colab notebook"
        print(format_result(result))
        return result
    path = _local_path(assignment)
    print("Save the notebook (Ctrl+S), then grade it in a terminal:\n\n"
          f"    unrolled grade {path}\n\n"
          f"or in a cell:  !unrolled grade {path}")
    return None


def _local_path(assignment):
    """Best guess of where the running notebook is saved."""
    import os

    for key in ("JPY_SESSION_NAME", "__vsc_ipynb_file__"):
        p = os.environ.get(key)
        if p and p.endswith(".ipynb") and os.path.exists(p):
            return os.path.relpath(p) if not os.path.relpath(p).startswith("..") else p
    try:  # VS Code sets this in the kernel's namespace
        import __main__

        p = getattr(__main__, "__vsc_ipynb_file__", None)
        if p and os.path.exists(p):
            return p
    except Exception:  # noqa: BLE001
        pass
    if os.path.exists(f"{assignment}.ipynb"):
        return f"{assignment}.ipynb"
    return f"exercises/{assignment}/{assignment}.ipynb"
