"""Shared fixtures of the test suite.

``book_html``: the built website (``_build/html``), built once per pytest session by
``tools/execute_book.py`` (pages executed in parallel into the jupyter-cache) then
``jupyter-book build . --all -W`` (every page executed, every warning an error), or an
existing build reused when ``UNROLLED_BOOK_HTML`` points at one (handy while iterating:
``UNROLLED_BOOK_HTML=_build/html pytest tests/test_browser.py``).

Colleagues: append further fixtures below; keep this one session-scoped so that the
site is built only once.
"""

import os
import shlex
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


_BUILD = {}  # the background build: {"proc": Popen, "cmd": [...], "start": t, "log": file}


def _start_build():
    """Start the site build in the background (once), so that it runs while the rest of
    the suite does. Same path as ``tools/build_book.sh``: the pages are executed in
    parallel into the jupyter-cache first (``tools/execute_book.py``), then
    ``jupyter-book build`` renders them from that cache."""
    if _BUILD or os.environ.get("UNROLLED_BOOK_HTML"):
        return
    env = dict(os.environ, UNROLLED_BUILD="1", TF_CPP_MIN_LOG_LEVEL="2", PYTHONWARNINGS="ignore")
    toc = ["--toc", str(toc_path())] if os.environ.get("UNROLLED_TOC") else []
    execute = [sys.executable, str(ROOT / "tools" / "execute_book.py"), *toc]
    cmd = [_jupyter_book(), "build", ".", "--all", "--warningiserror", "--keep-going", *toc]
    script = " ".join(shlex.quote(c) for c in execute) + " && " + " ".join(
        shlex.quote(c) for c in cmd)
    BUILD_LOG.parent.mkdir(parents=True, exist_ok=True)
    log = open(BUILD_LOG, "w")
    _BUILD.update(cmd=["bash", "-c", script], start=time.time(), log=log,
                  proc=subprocess.Popen(["bash", "-c", script], cwd=ROOT, env=env,
                                        stdout=log, stderr=subprocess.STDOUT))


def _needs_book(item):
    return "book_html" in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(session, config, items):
    """Run the tests that need the built site last."""
    items[:] = [it for it in items if not _needs_book(it)] + [it for it in items if _needs_book(it)]


def pytest_collection_finish(session):
    """Start building the site right away if a selected test needs it (after -m/-k)."""
    if any(_needs_book(it) for it in session.items):
        _start_build()


def pytest_unconfigure(config):
    proc = _BUILD.get("proc")
    if proc is not None and proc.poll() is None:
        proc.kill()


@pytest.fixture(scope="session")
def book_html():
    """Path of the built website's root folder (with index.html)."""
    reuse = os.environ.get("UNROLLED_BOOK_HTML")
    if reuse:
        path = Path(reuse).resolve()
        if not (path / "index.html").exists():
            pytest.fail(f"UNROLLED_BOOK_HTML={reuse} has no index.html; unset it to build the book")
        return path

    _start_build()
    proc, cmd = _BUILD["proc"], _BUILD["cmd"]
    returncode = proc.wait()
    _BUILD["log"].close()
    print(f"\nbook: built in {time.time() - _BUILD['start']:.0f} s (log: {BUILD_LOG.relative_to(ROOT)})")
    if returncode != 0:
        # Sphinx reports warnings as "WARNING:" / "ERROR:" lines; show those first.
        lines = BUILD_LOG.read_text().splitlines()
        problems = [ln for ln in lines if "WARNING" in ln or "ERROR" in ln or "Error" in ln]
        tail = "\n".join(problems[:40] or lines[-40:])
        pytest.fail(f"`{' '.join(cmd)}` failed (exit {returncode}); full log in {BUILD_LOG}:\n{tail}")
    return ROOT / "_build" / "html"
