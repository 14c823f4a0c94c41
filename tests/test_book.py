"""The website: every page of the table of contents is built, executed without errors,
has its Colab button pointing at a notebook that exists, and shows its figures.

The build itself (``jupyter-book build . --all --warningiserror``) runs once per session,
in the ``book_html`` fixture of ``conftest.py``; a warning fails it.
"""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
import yaml

from conftest import toc_files

ROOT = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())

pytestmark = pytest.mark.slow




def source_of(page):
    """The source file of a toc entry (``book/ch01_sequences`` -> ``book/ch01_sequences.md``)."""
    for suffix in (".md", ".ipynb"):
        if (ROOT / f"{page}{suffix}").exists():
            return ROOT / f"{page}{suffix}"
    return None


def is_notebook_page(page):
    """A page that runs as a notebook: an .ipynb, or a MyST notebook (.md with a kernelspec)."""
    src = source_of(page)
    if src is None:
        return False
    if src.suffix == ".ipynb":
        return True
    head = src.read_text().split("\n---", 1)[0]
    return src.read_text().startswith("---") and "kernelspec:" in head


def colab_prefix():
    url = CONFIG["repository"]["url"].rstrip("/")
    owner_repo = urlparse(url).path.strip("/")
    branch = CONFIG["repository"].get("branch", "main")
    colab = CONFIG["launch_buttons"]["colab_url"].rstrip("/")
    return f"{colab}/github/{owner_repo}/blob/{branch}/"


class _Page(HTMLParser):
    """Collects links, images and the text of executed cell outputs of one HTML page."""

    def __init__(self):
        super().__init__()
        self.links, self.images, self.outputs = [], [], []
        self._depth = 0          # > 0 while inside a cell output
        self._stack = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "img" and attrs.get("src"):
            self.images.append(attrs["src"])
        if tag in {"br", "img", "hr", "input", "meta", "link"}:
            return
        classes = (attrs.get("class") or "").split()
        opens_output = "cell_output" in classes
        self._stack.append(opens_output)
        if opens_output:
            self._depth += 1
            self.outputs.append("")

    def handle_endtag(self, tag):
        if tag in {"br", "img", "hr", "input", "meta", "link"} or not self._stack:
            return
        if self._stack.pop():
            self._depth -= 1

    def handle_data(self, data):
        if self._depth > 0:
            self.outputs[-1] += data


def parse(html_file):
    page = _Page()
    page.feed(html_file.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def pages(book_html):
    """toc entry -> (html file, parsed page)."""
    result = {}
    for entry in toc_files():
        html = book_html / f"{entry}.html"
        if html.exists():
            result[entry] = (html, parse(html))
    return result


def test_every_toc_page_has_html(book_html):
    missing = [entry for entry in toc_files() if not (book_html / f"{entry}.html").exists()]
    assert not missing, f"pages in _toc.yml without an HTML file in {book_html}: {missing}"
    assert (book_html / "index.html").exists()


# What an executed error looks like in a page: a traceback, or "SomethingError: ..." at the
# start of a line of output. Numbers in tables ("max |error|") do not match.
ERROR_RE = re.compile(r"Traceback \(most recent call last\)|^\s*\w*(Error|Exception): ", re.M)


def test_no_errors_in_outputs(pages):
    bad = {}
    for entry, (_, page) in pages.items():
        hits = [out.strip()[:300] for out in page.outputs if ERROR_RE.search(out)]
        if hits:
            bad[entry] = hits
    assert not bad, f"error output in executed cells: {bad}"


def test_no_error_markup(pages):
    """myst-nb marks error outputs and stderr streams with classes of their own."""
    bad = [entry for entry, (html, _) in pages.items()
           if re.search(r'class="[^"]*\b(output traceback|output error)\b', html.read_text(encoding="utf-8"))]
    assert not bad, f"pages with error outputs: {bad}"


def test_notebook_pages_have_colab_link_to_existing_ipynb(pages):
    prefix = colab_prefix()
    problems = []
    notebook_pages = [entry for entry in pages if is_notebook_page(entry)]
    assert notebook_pages, "no notebook pages found in the toc"
    for entry in notebook_pages:
        _, page = pages[entry]
        colab = [link for link in page.links if link.startswith(prefix)]
        if not colab:
            problems.append(f"{entry}: no link starting with {prefix}")
            continue
        for link in colab:
            target = unquote(link[len(prefix):].split("#")[0].split("?")[0])
            if not target.endswith(".ipynb"):
                problems.append(f"{entry}: Colab link to a non-notebook {target}")
            elif not (ROOT / target).is_file():
                problems.append(f"{entry}: Colab link to {target}, which is not in the repository")
    assert not problems, "\n".join(problems)


def test_figures_exist(pages, book_html):
    missing = []
    n_images = 0
    for entry, (html, page) in pages.items():
        for src in page.images:
            if src.startswith(("http://", "https://", "data:")):
                continue
            n_images += 1
            if not (html.parent / unquote(src.split("#")[0])).resolve().is_file():
                missing.append(f"{entry}: {src}")
    assert not missing, f"images referenced but not in the build: {missing}"
    assert n_images > 0, "no figures at all in the built pages"


def test_chapter_figures_rendered(pages):
    """Each chapter page shows at least one figure produced by its executed cells."""
    chapters = [entry for entry in pages
                if entry.startswith("book/") and re.match(r"ch\d\d_", Path(entry).name)]
    without = [entry for entry in chapters
               if not any("_images/" in src for src in pages[entry][1].images)]
    assert not without, f"chapters without an executed figure: {without}"


def test_internal_links_resolve(pages, book_html):
    broken = []
    for entry, (html, page) in pages.items():
        for link in page.links:
            parsed = urlparse(link)
            if parsed.scheme or link.startswith(("#", "mailto:")) or not parsed.path:
                continue
            if not (html.parent / unquote(parsed.path)).resolve().exists():
                broken.append(f"{entry}: {link}")
    assert not broken, f"links to files missing from the build: {broken}"


def test_bibliography_lists_primary_sources(book_html):
    text = (book_html / "book" / "bibliography.html").read_text(encoding="utf-8").lower()
    for needle in ["Long Short-Term Memory", "Learning to Forget", "Backpropagation Through Time",
                   "Finding Structure in Time", "Bidirectional Recurrent Neural Networks",
                   "Search Space Odyssey", "Large Scale Acoustic Modeling"]:
        assert needle.lower() in text, f"bibliography page lacks {needle!r}"


# Start-up chatter of TensorFlow / oneDNN / absl (printed on stderr, some of it from C++):
# nb_output_stderr: remove in _config.yml keeps it out of the pages.
STARTUP_RE = re.compile(r"oneDNN custom operations|absl::InitializeLog|TF_ENABLE_ONEDNN_OPTS"
                        r"|This TensorFlow binary is optimized|Unable to register cu(DNN|FFT|BLAS)"
                        r"|computation_placer|cuda_(dnn|fft|blas)\.cc")
# A repr that nobody meant to print, e.g. `<torch._C.Generator at 0x7f...>` after a
# `torch.manual_seed(0)` that ends a cell.
REPR_RE = re.compile(r"<[\w.]+(?: object)? at 0x[0-9a-fA-F]+>")


def test_no_framework_startup_lines_in_pages(pages):
    bad = {entry: [m.group(0) for out in page.outputs for m in STARTUP_RE.finditer(out)]
           for entry, (_, page) in pages.items()}
    bad = {k: v for k, v in bad.items() if v}
    assert not bad, f"TensorFlow/oneDNN start-up lines in the pages: {bad}"


def test_no_stray_reprs_in_pages(pages):
    bad = {entry: [m.group(0) for out in page.outputs for m in REPR_RE.finditer(out)]
           for entry, (_, page) in pages.items()}
    bad = {k: v for k, v in bad.items() if v}
    assert not bad, f"stray reprs in cell outputs (end the line with ';'): {bad}"


def test_quiet_patterns_match_what_they_must():
    assert STARTUP_RE.search("I0000 port.cc:153] oneDNN custom operations are on.")
    assert STARTUP_RE.search("WARNING: All log messages before absl::InitializeLog() is called")
    assert REPR_RE.search("<torch._C.Generator at 0x7f3a2c1b5d30>")
    assert REPR_RE.search("<keras.src.callbacks.history.History object at 0x7f00aa>")
    assert not REPR_RE.search("PyTorch 2.13.0+cpu: cpu (CPU) | Keras 3.15.1")


class _Figures(HTMLParser):
    """Each executed image of a page, and whether it sits in a numbered <figure>."""

    def __init__(self):
        super().__init__()
        self.open = []           # one entry per open <figure>: [image srcs, numbered?]
        self.loose = []          # executed images outside any figure
        self.unnumbered = []     # figures whose caption has no "Fig. N"

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "figure":
            self.open.append([[], False])
        elif tag == "img" and "_images/" in (attrs.get("src") or ""):
            (self.open[-1][0] if self.open else self.loose).append(attrs["src"])
        elif tag == "span" and self.open and "caption-number" in (attrs.get("class") or ""):
            self.open[-1][1] = True

    def handle_endtag(self, tag):
        if tag == "figure" and self.open:
            images, numbered = self.open.pop()
            if images and not numbered:
                self.unnumbered.extend(images)


def test_chapter_figures_have_numbered_captions(pages):
    """Every figure an executed cell draws on a chapter page is a numbered figure with a
    caption (the cell's ``mystnb: figure: caption/name`` metadata), not a bare image with a
    hand-written "Figure 4.1" paragraph beside it."""
    bad = {}
    for entry, (html, _) in pages.items():
        if not (entry.startswith("book/") and re.match(r"ch\d\d_", Path(entry).name)):
            continue
        parser = _Figures()
        parser.feed(html.read_text(encoding="utf-8"))
        problems = [f"no caption: {src}" for src in parser.loose]
        problems += [f"caption without a number: {src}" for src in parser.unnumbered]
        if problems:
            bad[entry] = problems
    assert not bad, f"figures without a numbered caption: {bad}"


def test_figures_are_numbered_within_their_chapter(pages):
    """The chapter parts of _toc.yml are numbered (sphinx-multitoc-numbering continues
    the count across parts), so the k-th figure of chapter N reads "Fig. N.k", as in a
    printed textbook, not a running count over the whole book."""
    bad = {}
    for entry, (html, _) in pages.items():
        m = re.match(r"ch(\d\d)_", Path(entry).name)
        if not (entry.startswith("book/") and m):
            continue
        numbers = re.findall(r'<span class="caption-number">Fig\. ([\d.]+) ',
                             html.read_text(encoding="utf-8"))
        want = [f"{int(m.group(1))}.{k}" for k in range(1, len(numbers) + 1)]
        if numbers != want:
            bad[entry] = numbers
    assert not bad, f"figure numbers not of the form chapter.k: {bad}"


def test_figure_parser_finds_a_bare_image():
    parser = _Figures()
    parser.feed('<figure><img src="../_images/a.png"><figcaption><p>'
                '<span class="caption-number">Fig. 3 </span>x</p></figcaption></figure>'
                '<div class="cell_output"><img src="../_images/b.png"></div>')
    assert parser.loose == ["../_images/b.png"] and parser.unnumbered == []
