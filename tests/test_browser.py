"""The built website in a real headless browser (Debian's chromium, driven by Playwright).

Pages load without JavaScript errors, the PyTorch/Keras tabs switch together and stay
switched on the next page, Colab links are well-formed, images load, and math is there
for MathJax. The site is served over http on 127.0.0.1 (as a reader's browser would see
it), never from the internet; requests to other hosts (e.g. the MathJax CDN) may fail
offline and are ignored.

Set ``UNROLLED_SHOTS=/some/dir`` to also save screenshots of every chapter at desktop
(1280 px) and phone (390 px) widths.
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


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with tempfile.TemporaryDirectory(prefix="unrolled-chromium-") as profile:
        with sync_api.sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS,
                viewport={"width": 1280, "height": 900})
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

    Console errors about failed requests to other hosts (the offline MathJax CDN, fonts)
    are not the site's fault and are ignored; failed local requests are not.
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


def test_math_is_present(site, page):
    """Pages with equations carry them for MathJax (which may come from a CDN, offline here)."""
    page.goto(f"{site}/book/ch02_bptt.html", wait_until="load")
    n_math = page.locator(".math").count()
    html = page.content()
    assert n_math > 0, "no .math elements on the BPTT chapter"
    assert "\\(" in html or "\\[" in html or "$$" in html, "no MathJax delimiters on the BPTT chapter"
    assert page.locator("script[src*='mathjax' i]").count() > 0, "MathJax is not loaded by the page"


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


@pytest.mark.skipif(not os.environ.get("UNROLLED_SHOTS"), reason="set UNROLLED_SHOTS=dir to save screenshots")
def test_screenshots(site, browser):
    out = Path(os.environ["UNROLLED_SHOTS"])
    out.mkdir(parents=True, exist_ok=True)
    for entry in toc_files():
        for name, width in [("desktop", 1280), ("phone", 390)]:
            page = browser.new_page()
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{site}/{entry}.html", wait_until="load")
            page.wait_for_timeout(300)
            page.screenshot(path=str(out / f"{entry.replace('/', '__')}_{name}.png"), full_page=True)
            page.close()
