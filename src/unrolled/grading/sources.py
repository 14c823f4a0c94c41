"""Find what to grade: the learner's notebook, its assignment, and the grading source.

The grading sources ship in the package (``unrolled/_grading/<a>.ipynb``: the solution
regions replaced by the stub, the hidden tests kept), so ``unrolled grade`` works
wherever the package is installed.
"""

from importlib import resources
from pathlib import Path


class GradingError(Exception):
    """The input cannot be graded (not a notebook, not an exercise, ...)."""


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
            f"unknown assignment {assignment!r}; this installation can grade: "
            f"{', '.join(available())}")
    return path.read_text(encoding="utf-8")


def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def grade_ids(nb):
    return {nbgrader_meta(c)["grade_id"] for c in nb.cells if "grade_id" in nbgrader_meta(c)}


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
        first = str(exc).splitlines()[0][:200] if str(exc) else ""
        raise GradingError(
            f"{path} is not a Jupyter notebook ({type(exc).__name__}: {first}). Give the "
            ".ipynb file of an exercise, e.g. exercises/ch01_recurrent_cell/ch01_recurrent_cell.ipynb"
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
    ids = grade_ids(nb)
    best, overlap = None, 0
    if ids:
        for name in names:
            n = len(ids & grade_ids(nbformat.reads(grading_source(name), as_version=4)))
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
