"""Serve MathJax from the built site, so that every formula typesets offline too.

MathJax 3 comes from the npm registry, pinned in ``book/_ext/package.json`` (with its
``package-lock.json``); ``tools/setup.sh`` installs it into ``book/_ext/node_modules``
(``npm ci``). This extension copies its browser build (``es5/``) into the site's
``_static/mathjax/`` and points Sphinx's ``mathjax_path`` there, so pages load
``_static/mathjax/tex-chtml-full.js`` (every TeX extension: ``aligned``, ``\\underbrace``,
``\\boldsymbol`` ...) with its fonts from the same site, online and off.

Without the npm package the build warns (an error under ``-W``, as in CI and the tests)
and falls back to the CDN, so a quick local page build still shows its math online.
"""

import json
import shutil
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
PACKAGE = HERE / "node_modules" / "mathjax"
ENTRY = "tex-chtml-full.js"
TARGET = "mathjax"                 # under the site's _static/
CDN = "https://cdn.jsdelivr.net/npm/mathjax@3/es5/" + ENTRY
# Other bundles of the package that the site does not load (SVG output, MathML input).
SKIP = ("*-svg.js", "*-svg-full.js", "mml-*.js", "tex-mml-*.js", "tex-chtml.js",
        "tex-chtml-full-speech.js", "node-main.js")


def wanted_version():
    return json.loads((HERE / "package.json").read_text())["dependencies"]["mathjax"]


def installed_version():
    meta = PACKAGE / "package.json"
    return json.loads(meta.read_text())["version"] if meta.exists() else None


def _config_inited(app, config):
    have, want = installed_version(), wanted_version()
    if have == want and (PACKAGE / "es5" / ENTRY).exists():
        config.mathjax_path = f"{TARGET}/{ENTRY}"
        return
    found = f"found {have}" if have else "not installed"
    logger.warning(f"MathJax {want} from npm is {found} in {PACKAGE.parent}: run tools/setup.sh "
                   f"(npm ci --prefix book/_ext); this build loads MathJax from the CDN, so its "
                   f"math typesets only online")
    config.mathjax_path = CDN


def _build_finished(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    if not app.config.mathjax_path.startswith(TARGET + "/"):
        return
    dest = Path(app.outdir) / "_static" / TARGET
    stamp = dest / ".version"
    if stamp.exists() and stamp.read_text() == installed_version():
        return
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(PACKAGE / "es5", dest, ignore=shutil.ignore_patterns(*SKIP))
    stamp.write_text(installed_version())


def setup(app):
    app.setup_extension("sphinx.ext.mathjax")
    app.connect("config-inited", _config_inited)
    app.connect("build-finished", _build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
