"""Keep the notebooks' Colab setup cells and paired .ipynb files in step with _config.yml.

    python tools/notebooks.py sync    # rewrite setup cells, then jupytext --sync book/*.md
    python tools/notebooks.py check   # exit 1 if anything is stale (the tests call this)

The repository is named once, in _config.yml (repository.url, repository.branch). The
first code cell of every chapter (tagged ``colab-setup``) installs the package from
there on Colab only, then reports the devices both frameworks use.
"""

import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CELL_RE = re.compile(r"(^```\{code-cell\} ipython3\n:tags: \[[^\]]*colab-setup[^\]]*\]\n)(.*?)(^```$)", re.S | re.M)


def repository():
    cfg = yaml.safe_load((ROOT / "_config.yml").read_text())
    return cfg["repository"]["url"].rstrip("/"), cfg["repository"].get("branch", "main")


def install_spec():
    url, branch = repository()
    return f"unrolled[grade] @ git+{url}@{branch}"


def setup_source():
    """The source of the setup cell, derived from _config.yml."""
    return (
        "# Setup: on Colab, install the course package; everywhere, report the devices.\n"
        "import subprocess, sys\n"
        f'SPEC = "{install_spec()}"\n'
        'if "google.colab" in sys.modules:\n'
        '    pip = [sys.executable, "-m", "pip", "install", "-q", SPEC]\n'
        "    subprocess.run(pip, check=True)\n"
        "import unrolled.env\n"
        "device = unrolled.env.report()"
    )


def chapter_pages():
    return sorted((ROOT / "book").glob("ch[0-9][0-9]_*.md"))


def sync_text(text):
    return CELL_RE.sub(lambda m: m.group(1) + setup_source() + "\n" + m.group(3), text)


def stale():
    """Messages for every page whose setup cell or paired notebook is out of date."""
    import jupytext

    problems = []
    for md in chapter_pages():
        text = md.read_text()
        if not CELL_RE.search(text):
            problems.append(f"{md.relative_to(ROOT)}: no code cell tagged colab-setup")
        elif sync_text(text) != text:
            problems.append(f"{md.relative_to(ROOT)}: setup cell differs from _config.yml")
        nb_path = md.with_suffix(".ipynb")
        if not nb_path.exists():
            problems.append(f"{nb_path.relative_to(ROOT)}: missing (run tools/notebooks.py sync)")
            continue
        ours = jupytext.read(md)
        theirs = jupytext.read(nb_path)
        src = lambda nb: [(c.cell_type, c.source.strip()) for c in nb.cells]  # noqa: E731
        if src(ours) != src(theirs):
            problems.append(f"{nb_path.relative_to(ROOT)}: cells differ from {md.name} (run tools/notebooks.py sync)")
        if theirs.metadata.get("accelerator") != "GPU":
            problems.append(f"{nb_path.relative_to(ROOT)}: metadata lacks accelerator: GPU")
    return problems


def main(argv):
    cmd = argv[1] if len(argv) > 1 else "check"
    if cmd == "sync":
        for md in chapter_pages():
            text = md.read_text()
            new = sync_text(text)
            if new != text:
                md.write_text(new)
            subprocess.run([sys.executable, "-m", "jupytext", "--quiet", "--to", "ipynb",
                            "--update", str(md)], check=True)
        return 0
    problems = stale()
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
