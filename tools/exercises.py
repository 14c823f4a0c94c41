"""Build the exercises from their nbgrader sources, and check that they are fresh.

    python tools/exercises.py generate [ASSIGNMENT ...]   # solutions/ -> exercises/ + src/unrolled/_grading/
    python tools/exercises.py check                       # exit 1 and say what is stale (the tests call this)
    python tools/exercises.py import DRAFT.py ASSIGNMENT  # write solutions/A/A.ipynb from a text draft
                                                          # (tools/exercise_draft.py)

For every ``solutions/<a>/<a>.ipynb`` (the nbgrader source), ``generate``

1. syncs the source: its first cell (``grade_id: setup``) installs the package on Colab,
   pins the threads and reports the frameworks the notebook imports (``setup_source``), its last cell
   (``grade_id: grade_me``) grades the notebook; the notebook metadata asks Colab for a
   GPU and names the assignment;
2. runs ``nbgrader generate_assignment`` in a temporary course and writes the student
   version to ``exercises/<a>/<a>.ipynb`` (no solutions, no hidden tests);
3. writes the grading source ``src/unrolled/_grading/<a>.ipynb``: the source with each
   solution region replaced by the student stub, hidden tests kept. It ships in the
   package so ``unrolled grade`` works wherever the package is installed.

See tools/AUTHORING.md, section Exercises, for the draft format of ``import``.
"""

import difflib
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
GRADING = ROOT / "src" / "unrolled" / "_grading"

sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "src"))

from notebooks import install_spec  # noqa: E402

from unrolled.grading import settings  # noqa: E402

GRADE_ME = 'import unrolled.grading\nunrolled.grading.grade_me("{a}")'
GRADE_ME_INTRO = ("## Grade your work\n\n"
                  "Run the cell below. On Colab it grades this notebook as it is now, hidden "
                  "tests included, and prints a table of your scores. Elsewhere it prints the "
                  "command to run: `unrolled grade <this notebook>`.")


def assignments():
    return sorted(p.name for p in SOLUTIONS.iterdir() if (p / f"{p.name}.ipynb").is_file())


def source_path(a):
    return SOLUTIONS / a / f"{a}.ipynb"


# ----------------------------------------------------------------- source metadata


def _nbg(kind, grade_id, points=None):
    meta = {"grade": kind == "tests", "grade_id": grade_id, "locked": kind != "answer",
            "schema_version": 3, "solution": kind == "answer", "task": False}
    if kind == "tests":
        meta["points"] = points
    return meta


def notebook_metadata(a):
    return {
        "accelerator": "GPU",
        "colab": {"gpuType": "T4", "provenance": []},
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "unrolled": {"assignment": a},
    }


FRAMEWORK_IMPORT = {"torch": re.compile(r"^\s*(import torch|from torch)", re.M),
                    "keras": re.compile(r"^\s*(import keras|from keras)", re.M)}


def frameworks(nb):
    """The frameworks a notebook's code imports, in the order ("torch", "keras")."""
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    return tuple(f for f, pattern in FRAMEWORK_IMPORT.items() if pattern.search(code))


def setup_source(names):
    """The exercise's setup cell: install on Colab, pin threads, report ``names`` only.

    Like the chapters' (tools/notebooks.py), 80 columns wide, but ``unrolled.env.report`` gets the
    frameworks the notebook uses, so a PyTorch-only exercise never imports TensorFlow.
    """
    return (
        "# Setup: on Colab, install the course package; everywhere, pin the CPU threads\n"
        "# (as the chapters do) and report the device.\n"
        "import subprocess, sys\n"
        f'SPEC = "{install_spec()}"\n'
        'if "google.colab" in sys.modules:\n'
        '    pip = [sys.executable, "-m", "pip", "install", "-q", SPEC]\n'
        "    subprocess.run(pip, check=True)\n"
        "import unrolled.env\n"
        f"device = unrolled.env.report(frameworks={tuple(names)!r})"
    )


def sync_source(nb, a):
    """The source notebook with its setup cell, grading cell and metadata up to date."""
    import nbformat

    nb.metadata = notebook_metadata(a)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    setup = nbformat.v4.new_code_cell(setup_source(frameworks(nb)), metadata={
        "nbgrader": _nbg("locked", "setup"), "tags": ["colab-setup"]})
    setup.id = "setup"
    if "setup" in ids:
        i = ids.index("setup")
        nb.cells[i].source = setup.source
        nb.cells[i].metadata = setup.metadata
    else:
        first_code = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"), len(nb.cells))
        nb.cells.insert(first_code, setup)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    if "grade_me" not in ids:
        intro = nbformat.v4.new_markdown_cell(GRADE_ME_INTRO)
        intro.id = "grade-me-intro"
        nb.cells.append(intro)
        cell = nbformat.v4.new_code_cell("")
        cell.id = "grade-me"
        nb.cells.append(cell)
        ids.append(None)
        ids.append("grade_me")
    cell = nb.cells[ids.index("grade_me")] if "grade_me" in ids else nb.cells[-1]
    cell.source = GRADE_ME.format(a=a)
    cell.metadata = {"nbgrader": _nbg("locked", "grade_me"), "tags": ["grade-me"]}
    for c in nb.cells:
        if c.cell_type == "code":
            c.outputs, c.execution_count = [], None
    return nb


# -------------------------------------------------------------------- generation


SOLUTION_RE = re.compile(
    r"^([ \t]*)" + re.escape(settings.BEGIN_SOLUTION) + r"[^\n]*\n(.*?)^[ \t]*" + re.escape(settings.END_SOLUTION),
    re.S | re.M)


def strip_solutions(nb):
    """Replace every solution region by the stub, keeping the delimiters (grading source)."""
    import copy

    nb = copy.deepcopy(nb)
    for c in nb.cells:
        if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution"):
            def stub(m):
                ind = m.group(1)
                body = "\n".join(ind + line for line in settings.CODE_STUB.split("\n"))
                return f"{ind}{settings.BEGIN_SOLUTION}\n{body}\n{ind}{settings.END_SOLUTION}"
            c.source = SOLUTION_RE.sub(stub, c.source)
            if settings.BEGIN_SOLUTION not in c.source:
                c.source = settings.CODE_STUB
    return nb


def release(a, source_nb, out_dir):
    """Run nbgrader generate_assignment on ``source_nb``; write the release to ``out_dir``."""
    import logging

    import nbformat
    from nbgrader.converters import GenerateAssignment
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    log = logging.getLogger("unrolled.exercises")
    log.setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "source" / a
        shutil.copytree(SOLUTIONS / a, src, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        nbformat.write(source_nb, str(src / f"{a}.ipynb"))
        c = Config()
        c.CourseDirectory.course_id = "unrolled"
        settings.apply(c)
        cd = CourseDirectory(config=c, log=log)
        cd.root = tmp
        cd.assignment_id = a
        GenerateAssignment(coursedir=cd, config=c, log=log).start()
        out_dir = Path(out_dir)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        shutil.copytree(Path(tmp) / "release" / a, out_dir)
        # normalise the JSON layout and the permissions nbgrader sets
        nbp = out_dir / f"{a}.ipynb"
        nbp.chmod(0o644)
        nbformat.write(nbformat.read(str(nbp), as_version=4), str(nbp))
        for p in out_dir.rglob("*"):
            p.chmod(0o755 if p.is_dir() else 0o644)


def build(a, exercises_dir, grading_dir, write_source=True):
    import nbformat

    path = source_path(a)
    nb = sync_source(nbformat.read(str(path), as_version=4), a)
    nbformat.validate(nb)
    if write_source:
        text = nbformat.writes(nb) + "\n"
        if path.read_text() != text:
            path.write_text(text)
    release(a, nb, Path(exercises_dir) / a)
    Path(grading_dir).mkdir(parents=True, exist_ok=True)
    nbformat.write(strip_solutions(nb), str(Path(grading_dir) / f"{a}.ipynb"))


def generate(names=None):
    for a in names or assignments():
        build(a, EXERCISES, GRADING)
        print(f"generated exercises/{a}/{a}.ipynb and src/unrolled/_grading/{a}.ipynb")
    return 0


# ------------------------------------------------------------------------- check


def _cells(path):
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    return [(c.cell_type, c.source.strip(), repr(sorted(c.metadata.get("nbgrader", {}).items())))
            for c in nb.cells], nb.metadata


def stale():
    """Messages for every exercise or grading source that differs from a fresh build."""
    import nbformat

    problems = []
    names = assignments()
    with tempfile.TemporaryDirectory() as tmp:
        for a in names:
            src = source_path(a)
            nb = nbformat.read(str(src), as_version=4)
            synced = sync_source(nbformat.read(str(src), as_version=4), a)
            if [(c.cell_type, c.source) for c in nb.cells] != [(c.cell_type, c.source) for c in synced.cells] \
                    or nb.metadata != synced.metadata:
                problems.append(f"solutions/{a}/{a}.ipynb: setup/grading cell or metadata out of date")
            build(a, Path(tmp) / "ex", Path(tmp) / "gr", write_source=False)
            pairs = [(EXERCISES / a / f"{a}.ipynb", Path(tmp) / "ex" / a / f"{a}.ipynb"),
                     (GRADING / f"{a}.ipynb", Path(tmp) / "gr" / f"{a}.ipynb")]
            for have, want in pairs:
                rel = have.relative_to(ROOT)
                if not have.exists():
                    problems.append(f"{rel}: missing")
                    continue
                (hc, hm), (wc, wm) = _cells(have), _cells(want)
                if hc != wc or hm != wm:
                    diff = difflib.unified_diff([repr(x) for x in wc], [repr(x) for x in hc], lineterm="", n=0)
                    first = next((d for d in list(diff)[2:] if d.startswith(("+", "-"))), "")
                    problems.append(f"{rel}: stale, differs from solutions/{a} ({first[:120]})")
            extra = {p.name for p in (EXERCISES / a).iterdir()} - {p.name for p in (Path(tmp) / "ex" / a).iterdir()} \
                if (EXERCISES / a).exists() else set()
            for name in sorted(extra):
                problems.append(f"exercises/{a}/{name}: not produced by generate_assignment")
    for d in sorted(EXERCISES.iterdir()) if EXERCISES.exists() else []:
        if d.is_dir() and d.name not in names and d.name.startswith("ch"):
            problems.append(f"exercises/{d.name}: no source in solutions/")
    for f in sorted(GRADING.glob("*.ipynb")):
        if f.stem not in names:
            problems.append(f"src/unrolled/_grading/{f.name}: no source in solutions/")
    return problems


def main(argv):
    cmd = argv[1] if len(argv) > 1 else "check"
    if cmd == "generate":
        return generate(argv[2:] or None)
    if cmd == "import":
        if len(argv) != 4:
            print(__doc__)
            return 2
        from exercise_draft import import_draft

        return import_draft(argv[2], argv[3])
    if cmd == "check":
        problems = stale()
        for p in problems:
            print(p)
        return 1 if problems else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
