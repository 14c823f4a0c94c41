"""Small fixes to the HTML that Jupyter Book 1 produces, so pages load without JS errors.

- sphinx-thebe registers its inline configuration script twice (``const THEBE_JS_URL``
  declared twice is a SyntaxError in the browser): drop repeated script entries.
- pydata-sphinx-theme logs "Got invalid theme mode" on every first visit unless a
  ``default_mode`` is configured: default to the light theme (readers can switch).
- Our stylesheet (``book/_static/unrolled.css``) is added to every page.
"""

from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "_static"


def _script_key(script):
    attrs = getattr(script, "attributes", {}) or {}
    filename = getattr(script, "filename", script) or None   # inline scripts: None or ""
    return (str(filename) if filename else None, attrs.get("body"), attrs.get("src"))


def _page_context(app, pagename, templatename, context, doctree):
    # pydata-sphinx-theme reads the default colour mode from the page context.
    if not context.get("default_mode"):
        context["default_mode"] = "light"
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = _script_key(script)
        if key in seen:
            continue
        seen.add(key)
        unique.append(script)
    context["script_files"] = unique


def _static_path(app, config):
    static = [str(Path(app.confdir, p).resolve()) for p in config.html_static_path]
    if str(STATIC) not in static:
        config.html_static_path = list(config.html_static_path) + [str(STATIC)]


def setup(app):
    app.connect("config-inited", _static_path)
    # Last, after every other extension has added its scripts for the page.
    app.connect("html-page-context", _page_context, priority=1000)
    app.add_css_file("unrolled.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
