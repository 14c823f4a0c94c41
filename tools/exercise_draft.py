"""Write an exercise's nbgrader source from a text draft (``python tools/exercises.py import``).

The draft format is in tools/AUTHORING.md, section Exercises: a line ``# %% KIND key=value``
starts a cell (markdown, code, locked, answer, tests with points, setup, grade-me).
"""

import re
from pathlib import Path

from exercises import ROOT, _nbg, source_path, sync_source


HEADER_RE = re.compile(r"^# %%(.*)$")


def parse_draft(text):
    """Cells of a text draft: ``[(kind, options, source)]`` (format in AUTHORING.md)."""
    cells, kind, opts, lines = [], None, {}, []

    def flush():
        if kind is not None:
            src = "\n".join(lines).strip("\n")
            if kind == "markdown":
                src = "\n".join(re.sub(r"^# ?", "", ln) for ln in src.split("\n"))
            cells.append((kind, opts, src))

    for line in text.split("\n"):
        m = HEADER_RE.match(line)
        if m:
            flush()
            words = m.group(1).split()
            kind = "code"
            opts, lines = {}, []
            for w in words:
                if w == "[markdown]":
                    kind = "markdown"
                elif "=" in w:
                    k, v = w.split("=", 1)
                    opts[k] = v
                else:
                    kind = w
        elif kind is not None:
            lines.append(line)
    flush()
    return cells


def import_draft(draft, a):
    import nbformat

    nb = nbformat.v4.new_notebook()
    counter = 0
    for kind, opts, src in parse_draft(Path(draft).read_text()):
        counter += 1
        if kind == "markdown":
            cell = nbformat.v4.new_markdown_cell(src)
            cell.id = f"md-{counter:02d}"
        elif kind in ("setup", "grade-me"):
            continue  # written by sync_source
        else:
            cell = nbformat.v4.new_code_cell(src)
            gid = opts.get("id")
            if kind in ("answer", "tests", "locked"):
                if not gid:
                    raise SystemExit(f"{draft}: a '{kind}' cell needs id=...")
                cell.metadata["nbgrader"] = _nbg(kind, gid, float(opts.get("points", 1)))
                cell.id = gid.replace("_", "-")
            elif kind == "code":
                cell.id = f"code-{counter:02d}"
            else:
                raise SystemExit(f"{draft}: unknown cell kind {kind!r}")
        nb.cells.append(cell)
    nb = sync_source(nb, a)
    path = source_path(a)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nbformat.writes(nb) + "\n")
    print(f"wrote {path.relative_to(ROOT)}")
    return 0


