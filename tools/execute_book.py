"""Execute the book's chapter pages in parallel into the jupyter-cache that the site
build reads (``execute_notebooks: cache`` in _config.yml), then report per-page times.

    python tools/execute_book.py [--toc _toc.yml] [--cache _build/.jupyter_cache]

myst-nb 1.4, in ``cache`` mode, hashes each page's code cells and kernelspec and
reuses a cached run that matches (``jupyter_cache.Cache.match_cache_notebook``), so
pages executed here are not executed again by ``jupyter-book build``. The pages are
read with myst-nb's own reader plugin (``myst_nb_md``), so the hashes agree, and run by
jupyter-cache's ``local-parallel`` executor (one process per CPU core: two pages at a
time on a 2-core machine). Exit status 1 when a page fails (its traceback is printed).
"""

import argparse
import os
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
READER = {"name": "myst_nb_md", "type": "plugin"}


def toc_pages(toc):
    data = yaml.safe_load(Path(toc).read_text())
    files = [data["root"]]

    def walk(entries):
        for e in entries or []:
            if "file" in e:
                files.append(e["file"])
            for key in ("sections", "chapters"):
                walk(e.get(key))

    for part in data.get("parts", []):
        walk(part.get("chapters"))
    for key in ("chapters", "sections"):
        walk(data.get(key))
    return files


def notebook_pages(files, exclude=("exercises/",)):
    """The MyST notebook pages (a jupytext/kernelspec header) among the toc's files."""
    pages = []
    for f in files:
        path = ROOT / (f if Path(f).suffix else f + ".md")
        if any(str(f).startswith(e) for e in exclude) or path.suffix != ".md":
            continue
        if path.exists() and "kernelspec:" in path.read_text().split("\n---", 1)[0]:
            pages.append(path)
    return pages


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--toc", default=str(ROOT / "_toc.yml"))
    p.add_argument("--cache", default=str(ROOT / "_build" / ".jupyter_cache"))
    p.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    p.add_argument("pages", nargs="*", help="only these pages (default: the toc's)")
    args = p.parse_args(argv)

    from jupyter_cache import get_cache
    from jupyter_cache.executors import load_executor

    pages = ([Path(x).resolve() for x in args.pages] if args.pages
             else notebook_pages(toc_pages(args.toc)))
    cache = get_cache(args.cache)
    pks = [cache.add_nb_to_project(str(path), read_data=READER).pk for path in pages]
    start = time.time()
    executor = load_executor("local-parallel", cache=cache)
    result = executor.run_and_cache(filter_pks=pks, timeout=args.timeout,
                                    allow_errors=False)
    wall = time.time() - start
    for path in pages:
        rec = cache.get_project_record(str(path))
        try:
            nb = cache.get_project_notebook(str(path)).nb
            secs = cache.match_cache_notebook(nb).data.get("execution_seconds")
            status = "ok"
        except KeyError:
            secs, status = None, "FAILED"
        shown = f"{secs:6.1f} s" if secs is not None else "      -"
        print(f"  {shown}  {status:6}  {path.relative_to(ROOT)}")
        if status == "FAILED" and rec.traceback:
            print(rec.traceback[-3000:], file=sys.stderr)
    print(f"executed {len(result.succeeded)} page(s), {len(result.errored)} failed, "
          f"{len(result.excepted)} crashed; wall {wall:.0f} s on {os.cpu_count()} cores")
    return 1 if (result.errored or result.excepted) else 0


if __name__ == "__main__":
    sys.exit(main())
