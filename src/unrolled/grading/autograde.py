"""Run a learner's notebook the way nbgrader's ``autograde`` does, and score it.

1. :func:`merge`: the learner's cells, with every locked and test cell restored from the
   grading source by its ``grade_id`` (deleted ones put back where they belong; answer
   cells keep the learner's code);
2. :func:`execute`: one fresh kernel runs the cells in order, each under a time limit; the
   grader's own cells, invisible in the result, arm the tamper guard before the first
   cell and check it in before every test cell (``unrolled.grading.guard``); a kernel
   that dies ends the run there, and the cell that killed it is named;
3. :func:`score`: a test cell earns its points when it ran without an error, else 0.

Scores equal nbgrader's for these notebooks (all-or-nothing code test cells); it skips
nbgrader's database and its ``alembic`` subprocess, which took seconds per grading.
Instructors running a class use nbgrader itself (``nbgrader_config.py``).
"""

import copy
import json
import os
import subprocess

from .sources import nbgrader_meta

GUARD_ARM = "import unrolled.grading.guard as __unrolled_guard\n__unrolled_guard.arm({frameworks!r})"
GUARD_IN = ("import unrolled.grading.guard as __unrolled_guard\n"
            "__unrolled_guard.check_in(globals())\n"
            "__unrolled_before = __unrolled_guard.before_test(globals())")
GUARD_OUT = "__unrolled_guard.after_test(globals(), __unrolled_before)"


def is_test(cell):
    m = nbgrader_meta(cell)
    return bool(m.get("grade")) and not m.get("solution")


def is_answer(cell):
    return bool(nbgrader_meta(cell).get("solution"))


def is_locked(cell):
    m = nbgrader_meta(cell)
    return bool(m.get("locked")) and not m.get("solution")


def _plain(cell):
    cell = copy.deepcopy(cell)
    cell.get("metadata", {}).pop("nbgrader", None)
    return cell


def _clean(cell):
    cell = copy.deepcopy(cell)
    if cell.cell_type == "code":
        cell.outputs, cell.execution_count = [], None
    return cell


def merge(learner, source):
    """The notebook to run: the learner's, with locked and test cells from ``source``."""
    import nbformat

    by_id = {nbgrader_meta(c)["grade_id"]: c for c in source.cells if "grade_id" in nbgrader_meta(c)}
    cells, seen = [], set()
    for cell in learner.cells:
        gid = nbgrader_meta(cell).get("grade_id")
        if gid in by_id and gid not in seen:
            seen.add(gid)
            src = by_id[gid]
            if is_answer(src):
                mine = _clean(cell)
                mine.cell_type = "code"
                mine.metadata["nbgrader"] = copy.deepcopy(src.metadata["nbgrader"])
                cells.append(mine)
            else:
                cells.append(_clean(src))
        elif gid in by_id and not is_answer(by_id[gid]):
            continue  # a second copy of a test or locked cell earns nothing
        else:
            cells.append(_clean(_plain(cell)))
    # put back what was deleted, after the source cell that precedes it
    order = [nbgrader_meta(c).get("grade_id") for c in source.cells]
    for i, gid in enumerate(order):
        if gid is None or gid in seen:
            continue
        prev = [g for g in order[:i] if g in seen]
        here = [nbgrader_meta(c).get("grade_id") for c in cells]
        pos = here.index(prev[-1]) + 1 if prev else 0
        cells.insert(pos, _clean(by_id[gid]))
        seen.add(gid)
    nb = nbformat.v4.new_notebook(cells=cells, metadata=copy.deepcopy(source.metadata))
    return nb


def _describe(cell, number):
    gid = nbgrader_meta(cell).get("grade_id")
    kind = "answer" if is_answer(cell) else "test" if is_test(cell) else "locked" if gid else "code"
    first = next((ln.strip() for ln in cell.source.splitlines() if ln.strip()), "")
    return {"cell": number, "grade_id": gid, "kind": kind, "first_line": first[:80]}


def execute(nb, timeout, workdir):
    """Run ``nb`` in place; returns ``{"dead": None or cell info, "tampering": [...]}``.

    Outputs land in ``nb``'s cells; cells after a dead kernel keep no outputs and get
    ``metadata.unrolled_not_run = True``.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    frameworks = tuple(f for f in ("torch",) if f"import {f}" in code)
    plan = [("guard", nbformat.v4.new_code_cell(GUARD_ARM.format(frameworks=frameworks)), None)]
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if is_test(cell):
            plan.append(("guard", nbformat.v4.new_code_cell(GUARD_IN), None))
        plan.append(("cell", cell, i))
        if is_test(cell):
            plan.append(("guard", nbformat.v4.new_code_cell(GUARD_OUT), None))
    run_nb = nbformat.v4.new_notebook(cells=[c for _, c, _ in plan], metadata=nb.metadata)
    client = NotebookClient(
        run_nb, timeout=int(timeout), kernel_name="python3", allow_errors=True,
        interrupt_on_timeout=True, iopub_timeout=20, raise_on_iopub_timeout=False,
        resources={"metadata": {"path": str(workdir)}},
        extra_arguments=["--IPKernelApp.log_level=ERROR"])
    saved = {k: os.environ.get(k) for k in ("NBGRADER_EXECUTION", "TF_CPP_MIN_LOG_LEVEL")}
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    dead, tampering = None, []
    try:
        # the kernel's own stderr (TensorFlow's start-up logging) is no part of the result
        with client.setup_kernel(stderr=subprocess.DEVNULL):
            for k, (what, cell, i) in enumerate(plan):
                try:
                    client.execute_cell(cell, k)
                except DeadKernelError:
                    if what == "cell":
                        dead = _describe(cell, i + 1)
                    else:
                        nxt = next((c for w, c, _ in plan[k:] if w == "cell"), None)
                        j = next((j for w, _, j in plan[k:] if w == "cell"), None)
                        dead = _describe(nxt, j + 1) if nxt is not None else {"cell": None}
                    for _, later, j in plan[k + 1:]:
                        if j is not None:
                            later.metadata["unrolled_not_run"] = True
                    if what == "cell":
                        cell.metadata["unrolled_dead"] = True
                    break
                if what == "guard":
                    tampering += _guard_report(cell, plan, k)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    for _, cell, i in plan:
        if i is not None:
            nb.cells[i] = cell
    return {"dead": dead, "tampering": tampering}


def _guard_report(cell, plan, k):
    """What a guard cell put back, as [{"before": grade_id, "replaced": name}]."""
    if not cell.source.startswith("import unrolled.grading.guard") or "check_in" not in cell.source:
        return []
    nxt = next((c for w, c, _ in plan[k + 1:] if w == "cell"), None)
    gid = nbgrader_meta(nxt).get("grade_id") if nxt is not None else None
    text = "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")
    lines = [ln for ln in text.splitlines() if ln.startswith("unrolled-guard:")]
    if not lines:  # the guard itself was silenced or replaced
        return [{"before": gid, "replaced": "the grading guard itself (it did not answer)"}]
    try:
        names = json.loads(lines[-1].split(":", 1)[1])
    except ValueError:
        return [{"before": gid, "replaced": "the grading guard itself (garbled answer)"}]
    return [{"before": gid, "replaced": n} for n in names]


def score(nb, tampering=()):
    """``[(cell, points, max_points, passed)]`` for every test cell, in order."""
    silenced = {t["before"] for t in tampering if "grading guard itself" in t["replaced"]}
    out = []
    for cell in nb.cells:
        if not is_test(cell):
            continue
        m = nbgrader_meta(cell)
        max_points = float(m.get("points", 0) or 0)
        ran = cell.get("execution_count") is not None and not cell.metadata.get("unrolled_not_run")
        failed = (not ran or cell.metadata.get("unrolled_dead")
                  or any(o.get("output_type") == "error" for o in cell.get("outputs", []))
                  or m["grade_id"] in silenced)
        out.append((cell, 0.0 if failed else max_points, max_points, not failed))
    return out
