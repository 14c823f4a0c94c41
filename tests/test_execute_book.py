"""tools/execute_book.py: it pre-executes exactly the chapter pages, and the hash it
caches them under is the one myst-nb looks up during the Sphinx build."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _tool():
    spec = importlib.util.spec_from_file_location("execute_book",
                                                  ROOT / "tools" / "execute_book.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_pages_are_the_toc_notebook_chapters():
    tool = _tool()
    pages = tool.notebook_pages(tool.toc_pages(ROOT / "_toc.yml"))
    names = [p.relative_to(ROOT).as_posix() for p in pages]
    assert "book/ch10_speed.md" in names
    assert not any(n.startswith("exercises/") for n in names)
    assert all(n.endswith(".md") for n in names)


def test_cached_hash_matches_what_sphinx_reads(tmp_path):
    from jupyter_cache.cache.main import JupyterCacheBase
    from myst_nb.core.read import myst_nb_reader_plugin, read_myst_markdown_notebook
    from myst_parser.config.main import MdParserConfig

    page = ROOT / "book" / "ch10_speed.md"
    ours = myst_nb_reader_plugin(str(page))          # what tools/execute_book.py caches
    sphinx = read_myst_markdown_notebook(            # what myst-nb reads in the build
        page.read_text(), MdParserConfig(enable_extensions={"dollarmath", "colon_fence"}),
        add_source_map=True, path=str(page))
    cache = JupyterCacheBase(str(tmp_path / "cache"))
    assert cache.create_hashed_notebook(ours)[1] == cache.create_hashed_notebook(sphinx)[1]
