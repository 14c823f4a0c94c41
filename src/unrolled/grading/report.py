"""The grading result as a table for a person, or as JSON.

Each failure is printed once: its message, wrapped at word boundaries in the table, then
(under "Where it failed") only the learner's own frames of the traceback, when there are
any.
"""

import json
import textwrap

from .feedback import strip_ansi, trim_traceback

WIDTH = 88


def failure(cell, counts, dead=None):
    """``(message, traceback)`` of a test cell that earned nothing."""
    if cell.metadata.get("unrolled_dead"):
        return ("the kernel died while this test ran (os._exit, a crash or out of memory "
                "in the code it called); the questions after it score 0.", "")
    if cell.metadata.get("unrolled_not_run"):
        where = f"cell {dead['cell']} ({dead['kind']}" + (
            f" {dead['grade_id']})" if dead.get("grade_id") else f": {dead['first_line']})")
        return f"not run: the kernel died earlier, in {where}.", ""
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    if any(o.get("ename") in ("CellTimeoutError", "KeyboardInterrupt") for o in errors):
        return ("time limit: this cell did not finish in time and was stopped. Look for an "
                "endless loop (a `while` whose condition never turns false).", "")
    for out in errors:
        ename, evalue = out.get("ename", "Error"), strip_ansi(out.get("evalue", ""))
        if ename == "NotImplementedError" and not evalue:
            return "not answered yet: the answer still raises NotImplementedError.", ""
        message = f"{ename}: {evalue}" if evalue else ename
        if ename == "CheckFailed":
            message = evalue
        tb = trim_traceback(out.get("traceback", []), counts)
        lines = tb.splitlines()[:-1]  # the last line is the message again
        learner = [ln for ln in lines if ln != "(in a test cell)"]
        return message, "\n".join(lines) if learner else ""
    if not cell.get("outputs") and cell.get("execution_count") is None:
        return "not run.", ""
    return "the grading guard did not answer before this test: a test check was tampered with.", ""


def _num(x):
    return f"{x:g}"


def format_result(result, details=True):
    """A per-question table and the total, as text (whole sentences, wrapped)."""
    qs = result["questions"]
    width = max([len("question")] + [len(q["name"]) for q in qs])
    lead = width + 2 + 9 + 2
    text_width = max(30, WIDTH - lead)
    lines = [f"Grading {result['assignment']} ({result['notebook']})", "",
             f"{'question':<{width}}  {'score':>9}  result"]
    for q in qs:
        pts = f"{_num(q['score'])} / {_num(q['max_score'])}"
        status = "passed" if q["passed"] else "FAILED: " + " ".join(q["error"].split())
        wrapped = textwrap.wrap(status, text_width, break_long_words=False,
                                break_on_hyphens=False) or [""]
        lines.append(f"{q['name']:<{width}}  {pts:>9}  {wrapped[0]}")
        lines += [" " * lead + w for w in wrapped[1:]]
    total = _num(result["score"]) + " / " + _num(result["max_score"])
    lines.append(f"{'total':<{width}}  {total:>9}")
    if result.get("dead_kernel"):
        d = result["dead_kernel"]
        what = d.get("grade_id") or d.get("first_line") or ""
        lines += ["", f"The kernel died in cell {d.get('cell')} ({d.get('kind')}: {what}); "
                      "the questions before it kept their points."]
    if result.get("tampering"):
        groups = {}
        for t in result["tampering"]:
            owner, _, attr = t["replaced"].rpartition(".")
            if not owner or " " in t["replaced"]:
                owner, attr = t["replaced"], ""
            groups.setdefault(owner, set()).add(attr)
        names = [f"{o} ({', '.join(sorted(a))})" if any(a) else o for o, a in sorted(groups.items())]
        lines += [""] + textwrap.wrap(
            "Tampering detected: the notebook replaced " + ", ".join(names) + ". The grader "
            "put the originals back before each test, so the replacements earned nothing.",
            WIDTH, break_long_words=False)
    where = [q for q in qs if not q["passed"] and q.get("traceback")]
    if details and where:
        lines += ["", "Where it failed (your code):"]
        for q in where:
            lines += ["", f"--- {q['name']}", q["traceback"]]
    return "\n".join(lines)


def to_json(result):
    return json.dumps(result, indent=2)
