"""Each framework tab shows its own results (tools/tabcheck.py).

A shared cell must never read a name that both tabs assign (it would show whichever tab
ran last), and a tab must never read a name that only the other tab defines (a reader of
one tab could not run it alone).
"""

import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import tabcheck  # noqa: E402

PAGES = sorted((ROOT / "book").glob("ch[0-9][0-9]_*.md"))

HEADER = ("---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n"
          "kernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n---\n")


def page(tmp_path, *cells):
    body = "".join(f"\n```{{code-cell}} ipython3\n{tags}{textwrap.dedent(src).strip()}\n```\n"
                   for tags, src in cells)
    path = tmp_path / "page.md"
    path.write_text(HEADER + body)
    return str(path)


T, K, S = ":tags: [torch]\n", ":tags: [keras]\n", ""


@pytest.mark.parametrize("md", PAGES, ids=lambda p: p.stem)
def test_chapter_tabs_do_not_bleed(md):
    found = tabcheck.problems(str(md))
    assert not found, "\n".join(found)


def test_shared_cell_reading_a_name_both_tabs_assign_is_a_bleed(tmp_path):
    path = page(tmp_path, (T, "loss = 1.0"), (K, "loss = 2.0"), (S, "print(loss)"))
    (msg,) = tabcheck.problems(path)
    assert "'loss'" in msg and "cell 3" in msg


def test_tab_reading_a_name_only_the_other_tab_defines(tmp_path):
    path = page(tmp_path, (T, "import numpy as np\nx = np.ones(3)"), (K, "y = np.zeros(3)"))
    (msg,) = tabcheck.problems(path)
    assert "'np'" in msg and "keras reader never defines" in msg


def test_later_torch_cell_reads_keras_value(tmp_path):
    path = page(tmp_path, (T, "model = 1"), (K, "model = 2"), (T, "print(model)"), (K, "print(model)"))
    (msg,) = tabcheck.problems(path)
    assert "cell 3" in msg and "'model'" in msg


def test_per_framework_dict_and_shared_definitions_pass(tmp_path):
    path = page(tmp_path,
                (S, "import numpy as np\nresults = {}\ndef mean(x):\n    return np.mean(x) + OFFSET"),
                (T, "results['torch'] = mean([1, 2])"),
                (K, "results['keras'] = mean([3, 4])"),
                (S, "OFFSET = 0\nfor fw, r in results.items():\n    print(fw, r)"))
    assert tabcheck.problems(path) == []
