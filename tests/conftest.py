"""Shared fixtures of the test suite.

``book_html``: the built website (``_build/html``), built once per pytest session by
``jupyter-book build . --all -W`` (every page executed, every warning an error), or an
existing build reused when ``UNROLLED_BOOK_HTML`` points at one (handy while iterating:
``UNROLLED_BOOK_HTML=_build/html pytest tests/test_browser.py``).

Colleagues: append further fixtures below; keep this one session-scoped so that the
site is built only once.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import yaml

ROOT = Path(__file__).resolve().parents[1]
BUILD_LOG = ROOT / "_build" / "book-build.log"


def toc_path():
    """The table of contents the tests read: _toc.yml, or UNROLLED_TOC (e.g. a partial toc)."""
    return Path(os.environ.get("UNROLLED_TOC") or ROOT / "_toc.yml")


def toc_files():
    """Every page of the table of contents (root first), without suffix: ``book/ch01_sequences``."""
    toc = yaml.safe_load(toc_path().read_text())
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    walk(toc.get("sections"))
    return [str(Path(f).with_suffix("")) if Path(f).suffix in {".md", ".ipynb"} else f for f in files]


def _jupyter_book():
    exe = Path(sys.executable).with_name("jupyter-book")
    return str(exe) if exe.exists() else "jupyter-book"


@pytest.fixture(scope="session")
def book_html():
    """Path of the built website's root folder (with index.html)."""
    reuse = os.environ.get("UNROLLED_BOOK_HTML")
    if reuse:
        path = Path(reuse).resolve()
        if not (path / "index.html").exists():
            pytest.fail(f"UNROLLED_BOOK_HTML={reuse} has no index.html; unset it to build the book")
        return path

    env = dict(os.environ, UNROLLED_BUILD="1", TF_CPP_MIN_LOG_LEVEL="2", PYTHONWARNINGS="ignore")
    cmd = [_jupyter_book(), "build", ".", "--all", "--warningiserror", "--keep-going"]
    if os.environ.get("UNROLLED_TOC"):
        cmd += ["--toc", str(toc_path())]
    start = time.time()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    BUILD_LOG.parent.mkdir(parents=True, exist_ok=True)
    BUILD_LOG.write_text(proc.stdout + "\n--- stderr ---\n" + proc.stderr)
    print(f"\nbook: built in {time.time() - start:.0f} s (log: {BUILD_LOG.relative_to(ROOT)})")
    if proc.returncode != 0:
        # Sphinx reports warnings as "WARNING:" / "ERROR:" lines; show those first.
        lines = (proc.stdout + proc.stderr).splitlines()
        problems = [ln for ln in lines if "WARNING" in ln or "ERROR" in ln or "Error" in ln]
        tail = "\n".join(problems[:40] or lines[-40:])
        pytest.fail(f"`{' '.join(cmd)}` failed (exit {proc.returncode}); full log in {BUILD_LOG}:\n{tail}")
    return ROOT / "_build" / "html"
