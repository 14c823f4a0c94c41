"""The built website in a real headless browser (Debian's chromium, driven by Playwright).

Pages load without JavaScript errors, the PyTorch/Keras tabs switch together and stay
switched on the next page, Colab links are well-formed, images load. The site is served
over http on 127.0.0.1 (as a reader's browser would see it) to a browser that is
offline: every request to another host is aborted (and recorded), so what the pages
show is what a reader without network sees.

Reading the site (issue 10), on every page of the toc:
- math is typeset by the site's own MathJax: MathJax output present, no math left as
  raw TeX, no TeX error, aligned blocks rendered as multi-line display blocks;
- at 1280 px no block of the main column (code, output, table, display math) is wider
  than the column or needs a horizontal scrollbar, in either framework tab;
- at 390 px the page itself never scrolls sideways (a block may).
Run with ``-s`` to see the counts per page ("site:" lines).

Set ``UNROLLED_SHOTS=/some/dir`` to also save screenshots of every page at desktop
(1280 px) and phone (390 px) widths, in both framework tabs.
"""

import functools
import http.server
import os
import re
import shutil
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

from conftest import toc_files

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("UNROLLED_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
HOST = "127.0.0.1"

pytestmark = [
    pytest.mark.slow,
    # In CI (CI=true) a missing browser is a failure, not a skip: tools/setup.sh installs it.
    pytest.mark.skipif(not Path(CHROMIUM).exists() and not os.environ.get("CI"),
                       reason=f"no chromium at {CHROMIUM} (tools/setup.sh installs Debian's chromium as root)"),
]




class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(book_html):
    """Base URL of the built site, served by a thread on 127.0.0.1."""
    handler = functools.partial(_QuietHandler, directory=str(book_html))
    server = http.server.ThreadingHTTPServer((HOST, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://{HOST}:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


#: Requests to other hosts that the offline browser aborted (url -> count).
EXTERNAL = {}


def _offline(route):
    url = route.request.url
    if is_local(url):
        route.continue_()
    else:
        EXTERNAL[url] = EXTERNAL.get(url, 0) + 1
        route.abort("internetdisconnected")


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with tempfile.TemporaryDirectory(prefix="unrolled-chromium-") as profile:
        with sync_api.sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS,
                viewport={"width": 1280, "height": 900})
            context.route("**/*", _offline)       # offline: nothing leaves 127.0.0.1
            yield context
            context.close()


@pytest.fixture
def page(browser):
    page = browser.new_page()
    yield page
    page.close()


def is_local(url):
    return urlparse(url).hostname in {HOST, "localhost", None} or url.startswith(("data:", "blob:", "about:"))


def collect_errors(page):
    """Record JS errors of a page: uncaught exceptions and console errors.

    Console errors about failed requests to other hosts (aborted: the browser is
    offline) are recorded in ``external_failures``, not as errors: what the page needs
    is served by the site itself, which ``test_math_typeset_offline`` checks for
    MathJax. Failed local requests are errors.
    """
    errors, external_failures = [], set()

    def on_console(msg):
        if msg.type != "error":
            return
        url = (msg.location or {}).get("url", "")
        if "Failed to load resource" in msg.text and url and not is_local(url):
            return
        errors.append(f"console: {msg.text} ({url})")

    def on_failed(request):
        if is_local(request.url):
            errors.append(f"request failed: {request.url} ({request.failure})")
        else:
            external_failures.add(request.url)

    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.on("console", on_console)
    page.on("requestfailed", on_failed)
    return errors, external_failures


def test_pages_load_without_js_errors(site, page):
    errors, _ = collect_errors(page)
    checked = []
    for entry in toc_files():
        url = f"{site}/{entry}.html"
        response = page.goto(url, wait_until="load")
        assert response is not None and response.ok, f"{url}: HTTP {response and response.status}"
        page.wait_for_timeout(200)                          # let ready() handlers run
        assert page.locator("article").count() >= 1, f"{url}: no article element"
        checked.append(entry)
        if errors:
            break
    assert not errors, f"JavaScript errors on {checked[-1]}:\n" + "\n".join(errors)


def _selected_frameworks(page):
    """The sync id of the checked tab in every framework tab-set of the page."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('.sd-tab-set')).flatMap(set => {
        const labels = Array.from(set.querySelectorAll(':scope > label[data-sync-group="framework"]'));
        if (!labels.length) return [];
        const checked = labels.find(l => document.getElementById(l.getAttribute('for'))?.checked);
        return [checked ? checked.dataset.syncId : null];
    })""")


def _framework_pages():
    return [p for p in toc_files() if (ROOT / f"{p}.md").exists()
            and re.search(r":tags: \[torch\]|:sync-group: framework", (ROOT / f"{p}.md").read_text())]


def test_tabs_switch_together_and_persist(site, page):
    pages = [p for p in _framework_pages() if Path(p).name.startswith("ch")]
    assert len(pages) >= 2, f"need two chapter pages with framework tabs, found {pages}"
    first, second = pages[0], pages[1]
    page.goto(f"{site}/{first}.html", wait_until="load")
    page.evaluate("() => localStorage.clear()")
    page.reload(wait_until="load")
    before = _selected_frameworks(page)
    assert len(before) >= 2, f"{first}: expected several framework tab-sets, found {len(before)}"
    assert set(before) == {"torch"}, f"{first}: PyTorch should be selected by default, got {before}"

    keras_label = page.locator('label.sd-tab-label[data-sync-id="keras"]').first
    keras_label.scroll_into_view_if_needed()
    keras_label.click()
    after = _selected_frameworks(page)
    assert set(after) == {"keras"}, f"{first}: clicking Keras switched only some tab-sets: {after}"
    # The Keras code is what is visible now.
    visible = page.locator(".sd-tab-set .sd-tab-content:visible").first.inner_text()
    assert visible.strip(), "the selected Keras tab shows nothing"

    page.goto(f"{site}/{second}.html", wait_until="load")
    page.wait_for_timeout(200)
    on_next = _selected_frameworks(page)
    assert on_next and set(on_next) == {"keras"}, f"{second}: the Keras choice did not carry over: {on_next}"

    page.locator('label.sd-tab-label[data-sync-id="torch"]').first.click()
    assert set(_selected_frameworks(page)) == {"torch"}


COLAB_RE = re.compile(r"^https://colab\.research\.google\.com/github/[\w.-]+/[\w.-]+/blob/[\w.-]+/[\w./-]+\.ipynb$")


def test_colab_links_well_formed(site, page):
    found = {}
    for entry in toc_files():
        page.goto(f"{site}/{entry}.html", wait_until="domcontentloaded")
        hrefs = page.eval_on_selector_all("a[href*='colab.research.google.com']", "els => els.map(e => e.href)")
        if hrefs:
            found[entry] = hrefs
    assert found, "no Colab links anywhere on the site"
    bad = {entry: [h for h in hrefs if not COLAB_RE.match(h)] for entry, hrefs in found.items()}
    bad = {k: v for k, v in bad.items() if v}
    assert not bad, f"malformed Colab links: {bad}"
    chapters = [p for p in _framework_pages() if Path(p).name.startswith("ch")]
    assert all(p in found for p in chapters), f"chapters without a Colab link: {set(chapters) - set(found)}"


def test_images_load(site, page):
    broken, total = [], 0
    for entry in toc_files():
        page.goto(f"{site}/{entry}.html", wait_until="load")
        images = page.eval_on_selector_all(
            "article img", "els => els.map(e => ({src: e.currentSrc || e.src, w: e.naturalWidth, done: e.complete}))")
        for img in images:
            if not is_local(img["src"]):
                continue
            total += 1
            if not img["w"]:
                broken.append(f"{entry}: {img['src']}")
    assert total > 0, "no images in the articles"
    assert not broken, f"images that did not load: {broken}"


# --- Reading the site (issue 10) -------------------------------------------------------

DESKTOP, PHONE = 1280, 390


def _goto(page, url):
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, f"{url}: HTTP {response and response.status}"
    # MathJax typesets after load; wait for it where the page has math.
    page.evaluate("""async () => {
        if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
            await MathJax.startup.promise;
        }
    }""")
    page.wait_for_timeout(100)


def _choose(page, framework):
    """Select ``framework`` in every tab-set (the tabs are synced: one click does it)."""
    label = page.locator(f'label.sd-tab-label[data-sync-id="{framework}"]').first
    if label.count():
        label.scroll_into_view_if_needed()
        label.click()
        page.wait_for_timeout(100)


MATH_JS = r"""() => {
    const article = document.querySelector('article.bd-article') || document.querySelector('article');
    const typeset = article.querySelectorAll('mjx-container').length;
    // A math element that MathJax did not replace still holds its TeX.
    const raw = Array.from(article.querySelectorAll('.math'))
        .filter(el => !el.querySelector('mjx-container'))
        .map(el => el.textContent.trim().slice(0, 80));
    // TeX delimiters left in the prose (outside code and typeset math).
    const prose = article.cloneNode(true);
    prose.querySelectorAll('pre, code, mjx-container, script, style').forEach(n => n.remove());
    const delims = (prose.textContent.match(/\\\(|\\\[|\$\$/g) || []).length;
    const errors = Array.from(article.querySelectorAll('mjx-merror'))
        .map(el => el.closest('mjx-container').getAttribute('aria-label') || el.textContent);
    const items = (window.MathJax && MathJax.startup && MathJax.startup.document)
        ? Array.from(MathJax.startup.document.math) : [];
    const blocks = items.filter(m => /\\begin\{(aligned|align|gathered|split)\*?\}/.test(m.math))
        .map(m => ({tex: m.math.trim().slice(0, 60), display: !!m.display,
                    rows: m.typesetRoot ? m.typesetRoot.querySelectorAll('mjx-mtr, mjx-mlabeledtr').length : 0,
                    height: m.typesetRoot ? m.typesetRoot.getBoundingClientRect().height : 0,
                    rowsInTex: m.math.split('\\\\').length}));
    const local = Array.from(document.querySelectorAll('script[src*="mathjax" i]'))
        .map(s => s.src);
    return {typeset, raw, delims, errors, blocks, scripts: local};
}"""


OVERFLOW_JS = r"""() => {
    const article = document.querySelector('article.bd-article') || document.querySelector('article');
    const right = article.getBoundingClientRect().right + 1;
    const sel = 'pre, div.cell_output, div.output, table, div.highlight, '
              + 'mjx-container[display="true"], img, figure, div.sd-tab-set';
    let checked = 0;
    const over = [];
    for (const el of article.querySelectorAll(sel)) {
        if (el.getClientRects().length === 0) continue;         // hidden: the other tab
        checked += 1;
        const box = el.getBoundingClientRect();
        const scrolls = el.scrollWidth > el.clientWidth + 1;
        if (scrolls || box.right > right) {
            over.push(`${el.tagName.toLowerCase()}.${(el.className.baseVal ?? el.className)
                .toString().split(' ')[0]}: ${el.scrollWidth}px in ${el.clientWidth}px`
                + ` (right edge ${Math.round(box.right)} / ${Math.round(right)}): `
                + (el.innerText || '').trim().split('\n')[0].slice(0, 70));
        }
    }
    return {checked, over};
}"""


def _pages():
    return [entry for entry in toc_files()]


def test_math_typeset_offline(site, page):
    """Every formula is typeset by the MathJax the site serves itself, with no network."""
    errors, _ = collect_errors(page)
    problems, lines, total = [], [], 0
    for entry in _pages():
        _goto(page, f"{site}/{entry}.html")
        info = page.evaluate(MATH_JS)
        total += info["typeset"]
        lines.append(f"site: {entry}: {info['typeset']} math typeset, {len(info['raw'])} raw, "
                     f"{len(info['errors'])} TeX errors, {len(info['blocks'])} aligned blocks")
        if info["scripts"] and not all(is_local(src) for src in info["scripts"]):
            problems.append(f"{entry}: MathJax loaded from another host: {info['scripts']}")
        if info["raw"] or info["delims"]:
            problems.append(f"{entry}: {len(info['raw'])} math spans left as TeX "
                            f"({info['raw'][:3]}), {info['delims']} raw delimiters in the prose")
        if info["errors"]:
            problems.append(f"{entry}: TeX errors: {info['errors'][:3]}")
        for block in info["blocks"]:
            if not block["display"] or block["rows"] < min(2, block["rowsInTex"]) or block["height"] < 30:
                problems.append(f"{entry}: aligned math not rendered as a block: {block}")
    print("\n" + "\n".join(lines))
    assert total > 0, "no typeset math anywhere on the site"
    assert not problems, "\n".join(problems)
    assert not errors, "JavaScript errors while typesetting:\n" + "\n".join(errors)


def test_nothing_clipped_at_desktop_width(site, page):
    """At 1280 px, no code block, output, table or formula of any page (chapters,
    exercises, introduction, cheat sheet) is wider than the main column or scrolls
    sideways, in either framework tab."""
    page.set_viewport_size({"width": DESKTOP, "height": 900})
    problems, lines = [], []
    for entry in _pages():
        _goto(page, f"{site}/{entry}.html")
        counts = []
        for framework in ("torch", "keras"):
            _choose(page, framework)
            info = page.evaluate(OVERFLOW_JS)
            counts.append(f"{framework} {len(info['over'])}/{info['checked']}")
            problems += [f"{entry} ({framework} tab): {o}" for o in info["over"]]
        lines.append(f"site: {entry}: overflowing blocks at {DESKTOP} px: " + ", ".join(counts))
    _choose(page, "torch")
    print("\n" + "\n".join(lines))
    assert not problems, f"{len(problems)} blocks overflow the main column at {DESKTOP} px:\n" \
        + "\n".join(problems[:60])


def test_page_never_scrolls_sideways_on_a_phone(site, page):
    """At 390 px the document is no wider than the viewport (a block may scroll)."""
    page.set_viewport_size({"width": PHONE, "height": 844})
    wide, lines = [], []
    for entry in _pages():
        _goto(page, f"{site}/{entry}.html")
        for framework in ("torch", "keras"):
            _choose(page, framework)
            width = page.evaluate("() => Math.max(document.documentElement.scrollWidth, "
                                  "document.body.scrollWidth)")
            if width > PHONE + 1:
                wide.append(f"{entry} ({framework} tab): {width} px wide")
        lines.append(f"site: {entry}: document {width} px at {PHONE} px")
    _choose(page, "torch")
    print("\n" + "\n".join(lines))
    assert not wide, "pages wider than a phone:\n" + "\n".join(wide)


def test_pages_need_nothing_from_other_hosts(site, page):
    """Loading every page offline aborts no request that the page needs: no script,
    stylesheet, font or image from another host (links are fine: they are not loaded)."""
    EXTERNAL.clear()
    for entry in _pages():
        _goto(page, f"{site}/{entry}.html")
    assert not EXTERNAL, f"pages requested other hosts: {sorted(EXTERNAL)[:20]}"


@pytest.mark.skipif(not os.environ.get("UNROLLED_SHOTS"), reason="set UNROLLED_SHOTS=dir to save screenshots")
def test_screenshots(site, browser):
    out = Path(os.environ["UNROLLED_SHOTS"])
    out.mkdir(parents=True, exist_ok=True)
    for entry in toc_files():
        for name, width in [("desktop", DESKTOP), ("phone", PHONE)]:
            page = browser.new_page()
            page.set_viewport_size({"width": width, "height": 900})
            _goto(page, f"{site}/{entry}.html")
            for framework in ("torch", "keras"):
                _choose(page, framework)
                page.screenshot(path=str(out / f"{entry.replace('/', '__')}_{name}_{framework}.png"),
                                full_page=True)
            _choose(page, "torch")
            page.close()
