"""The notebooks behind the website: paired and fresh, Colab-ready, and linked correctly.

- ``tools/notebooks.py check`` passes: every chapter's setup cell is the one derived from
  ``_config.yml``, every paired ``.ipynb`` has the cells of its ``.md``, and asks for a GPU.
- Every Colab link the website shows (derived from ``_config.yml``) opens a file that
  exists in the repository.
- Relative links from chapter pages (e.g. to exercises) point at files that exist.
"""

import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from conftest import toc_files

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import notebooks  # noqa: E402  (tools/notebooks.py)

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())


def chapter_pages():
    """Chapter pages: book/chNN_*.md (the cheat sheet is not a chapter)."""
    return sorted((ROOT / "book").glob("ch[0-9][0-9]_*.md"))


def chapter_notebooks():
    return [md.with_suffix(".ipynb") for md in chapter_pages()]




def test_notebooks_check_passes():
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "notebooks.py"), "check"],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0 and not proc.stdout.strip(), (
        "tools/notebooks.py check found stale notebooks (run `python tools/notebooks.py sync`):\n"
        + proc.stdout + proc.stderr)


def test_setup_cell_derives_from_config():
    url = CONFIG["repository"]["url"].rstrip("/")
    branch = CONFIG["repository"].get("branch", "main")
    source = notebooks.setup_source()
    assert f"git+{url}@{branch}" in source
    assert '"google.colab" in sys.modules' in source, "the install must run on Colab only"
    for nb_path in chapter_notebooks():
        nb = json.loads(nb_path.read_text())
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert code, f"{nb_path.name}: no code cells"
        first = code[0]
        assert "colab-setup" in first.get("metadata", {}).get("tags", []), \
            f"{nb_path.name}: the first code cell is not the colab-setup cell"
        assert "".join(first["source"]).strip() == source.strip(), \
            f"{nb_path.name}: setup cell differs from the one derived from _config.yml"


@pytest.mark.parametrize("nb_path", chapter_notebooks(), ids=lambda p: p.name)
def test_notebook_asks_colab_for_a_gpu(nb_path):
    meta = json.loads(nb_path.read_text())["metadata"]
    assert meta.get("accelerator") == "GPU", f"{nb_path.name}: metadata lacks accelerator: GPU"
    assert meta.get("colab", {}).get("gpuType"), f"{nb_path.name}: metadata lacks colab.gpuType"
    assert meta.get("kernelspec", {}).get("name") == "python3"


def test_paired_notebooks_carry_no_outputs():
    """The committed notebooks are what Colab opens: clean, no stale outputs."""
    dirty = [p.name for p in chapter_notebooks()
             if any(c.get("outputs") for c in json.loads(p.read_text())["cells"] if c["cell_type"] == "code")]
    assert not dirty, f"notebooks committed with outputs: {dirty}"


def colab_url(path):
    """The Colab URL the website shows for a repository file (launch_buttons in _config.yml)."""
    owner_repo = urlparse(CONFIG["repository"]["url"]).path.strip("/")
    branch = CONFIG["repository"].get("branch", "main")
    return f"{CONFIG['launch_buttons']['colab_url'].rstrip('/')}/github/{owner_repo}/blob/{branch}/{path}"


def notebook_for(entry):
    """The .ipynb that Colab opens for a toc entry, or None for a plain page."""
    stem = ROOT / Path(entry).with_suffix("")
    if stem.with_suffix(".ipynb").exists():
        return stem.with_suffix(".ipynb")
    md = stem.with_suffix(".md")
    if md.exists() and "kernelspec:" in md.read_text().split("\n---", 1)[0]:
        return stem.with_suffix(".ipynb")   # a notebook page: its pair must exist
    return None


def test_colab_links_point_at_existing_files():
    problems, checked = [], 0
    for entry in toc_files():
        nb = notebook_for(entry)
        if nb is None:
            continue
        checked += 1
        rel = nb.relative_to(ROOT).as_posix()
        url = colab_url(rel)
        if not re.fullmatch(r"https://colab\.research\.google\.com/github/[\w.-]+/[\w.-]+/blob/[\w./-]+\.ipynb", url):
            problems.append(f"{entry}: malformed Colab URL {url}")
        if not nb.is_file():
            problems.append(f"{entry}: Colab would open {rel}, which does not exist")
    assert checked, "no notebook pages in the toc"
    assert not problems, "\n".join(problems)


def test_paired_notebooks_are_excluded_from_the_build():
    """The .ipynb of a MyST page is excluded so that the launch button links the .ipynb."""
    assert "book/*.ipynb" in CONFIG["exclude_patterns"]


LINK_RE = re.compile(r"\]\(([^)\s]+)\)")
# Code cells, fenced blocks, inline code and math can contain "](...)" that is no link.
NOT_PROSE_RE = re.compile(r"^(```|~~~).*?^\1|`[^`\n]*`|\$\$.*?\$\$|\$[^$\n]*\$", re.S | re.M)


@pytest.mark.parametrize("md", chapter_pages(), ids=lambda p: p.name)
def test_relative_links_of_chapters_exist(md):
    missing = []
    prose = NOT_PROSE_RE.sub(" ", md.read_text())
    for target in LINK_RE.findall(prose):
        parsed = urlparse(target)
        if parsed.scheme or target.startswith("#") or not parsed.path:
            continue
        if "/" not in parsed.path and "." not in parsed.path:
            continue                                   # a MyST reference (label), not a file
        if not (md.parent / parsed.path).resolve().exists():
            missing.append(target)
    assert not missing, f"{md.name} links to files that do not exist: {missing}"


MAX_CODE_COLUMNS = 80
CODE_CELL_RE = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```\s*$", re.S | re.M)


def code_cell_lines(md):
    """(line number, line) of every source line of the code cells of a MyST page.
    Cell options (``:tags:`` lines, or a ``---`` YAML block with a figure caption) are
    shown nowhere, so they are skipped."""
    text = md.read_text()
    for match in CODE_CELL_RE.finditer(text):
        first = text.count("\n", 0, match.start(1)) + 1
        lines = match.group(1).splitlines()
        skip = 0
        if lines and lines[0].strip() == "---":
            skip = next((i + 1 for i in range(1, len(lines)) if lines[i].strip() == "---"), 0)
        while skip < len(lines) and re.match(r"^:[\w-]+:", lines[skip]):
            skip += 1
        for offset, line in enumerate(lines[skip:], start=skip):
            yield first + offset, line


@pytest.mark.parametrize("md", chapter_pages(), ids=lambda p: p.name)
def test_code_cells_fit_80_columns(md):
    """The main column of the website shows about 80 columns of code at 1280 px
    (book/_static/unrolled.css); a longer line hides its end behind a scrollbar."""
    long = [f"{md.name}:{n}: {len(line)} columns: {line.strip()[:60]}"
            for n, line in code_cell_lines(md) if len(line) > MAX_CODE_COLUMNS]
    assert not long, f"{len(long)} code lines longer than {MAX_CODE_COLUMNS} columns:\n" \
        + "\n".join(long[:30])


def test_code_cell_reader_finds_long_lines(tmp_path):
    page = tmp_path / "ch99_x.md"
    page.write_text("text " * 40 + "\n```{code-cell} ipython3\nx = 1\ny = '" + "a" * 90
                    + "'\n```\n\n```python\n" + "b" * 100 + "\n```\n"
                    + "```{code-cell} ipython3\n---\nmystnb:\n  figure:\n    caption: "
                    + "c" * 90 + "\n---\n:tags: [x]\n" + "d = 2\n```\n")
    lines = list(code_cell_lines(page))
    assert [n for n, _ in lines] == [3, 4, 17]
    assert [len(line) > MAX_CODE_COLUMNS for _, line in lines] == [False, True, False]


HAND_CAPTION_RE = re.compile(r"^\*\*(Figure|Fig\.) \d+(\.\d+)?\.?\*\*", re.M)


@pytest.mark.parametrize("md", chapter_pages(), ids=lambda p: p.name)
def test_figures_are_numbered_by_the_book(md):
    """Captions belong to the figure cell (``mystnb: figure: caption/name``), which Sphinx
    numbers across the book; a hand-written "**Figure 4.1.**" paragraph gives a second,
    clashing numbering."""
    hand = [m.group(0) for m in HAND_CAPTION_RE.finditer(md.read_text())]
    assert not hand, f"{md.name}: hand-numbered captions {hand}; use the cell's caption"


def test_hand_caption_pattern():
    assert HAND_CAPTION_RE.search("text\n**Figure 4.1.** Gradient norm")
    assert not HAND_CAPTION_RE.search("as {numref}`fig-ch04-z` shows, **Figure** is")
