"""Every page of the built book in a real browser (headless Chromium).

The site is served from 127.0.0.1 by a small server that compresses text as
GitHub Pages does; every request for another host is blocked and recorded.
Each page is opened once and checked for what a reader meets:

* no request leaves the site, no console error, no failed request;
* math typeset: every math element holds MathJax output, no raw TeX is left
  (also in quiz questions and their feedback);
* every image has alt text;
* every explorable figure responds to its slider (moved with the keyboard):
  the picture and its alt text change;
* every quiz question answers a click (or a typed number) with feedback;
* axe-core reports no serious or critical accessibility violation, in the
  light and the dark colour scheme;
* the page with everything it loads weighs under 2 MB as sent.

Plus: search finds the Huber chapter by the word "Huber", and the first
chapter (the introduction) has typeset math and an explorable figure that
responds to its slider.

Chromium is Debian's package at /usr/bin/chromium (never a browser download).
Without it these tests are skipped with a message saying how to install it;
under CI=true they fail instead.
"""

from __future__ import annotations

import gzip
import http.server
import mimetypes
import os
import posixpath
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

import book_site as bs  # tests/book_site.py (conftest puts tests/ on the path)

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
INSTALL_HINT = ("install Debian's Chromium with `sudo apt-get install chromium` (the browser "
                "tests drive /usr/bin/chromium through Playwright; they never download a browser)")
PAGES = bs.page_paths()
SERIOUS = {"serious", "critical"}
#: A quiz typesets its math 500 ms after its script runs (jupyterquiz); wait at
#: least this long after the page has loaded, and at most QUIZ_TIMEOUT_MS for
#: its math to be typeset.
QUIZ_SETTLE_MS = 600
QUIZ_TIMEOUT_MS = 5000
JS_QUIZ_TEX_LEFT = r"""() => Array.from(document.querySelectorAll('div[data-shufflequestions]'))
    .some(q => /\\[(\[]/.test(q.textContent))"""


def _unavailable(reason: str):
    message = f"browser tests need {reason}: {INSTALL_HINT}"
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (CI=true, so this is a failure, not a skip)")
    pytest.skip(message)


# -- a local web server that compresses like GitHub Pages and counts bytes ---------------

class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        self._serve(body=True)

    def do_HEAD(self):
        self._serve(body=False)

    def _serve(self, body: bool):
        server = self.server
        rel = posixpath.normpath(unquote(urlsplit(self.path).path)).lstrip("/")
        path = (server.root / rel) if rel not in ("", ".") else server.root
        if path.is_dir():
            path = path / "index.html"
        if ".." in Path(rel).parts or not path.is_file():
            payload = b"not found"
            self.send_response(404)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if body:
                self.wfile.write(payload)
            server.record(self.path, len(payload), 404)
            return
        data, encoding = server.content(path, "gzip" in self.headers.get("Accept-Encoding", ""))
        ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype in ("application/javascript", "application/json"):
            ctype += "; charset=utf-8"
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if body:
            self.wfile.write(data)
        server.record(self.path, len(data), 200)


class SiteServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: Path):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.root = root
        self._lock = threading.Lock()
        self._gz: dict[Path, bytes] = {}
        self.log: list[tuple[str, int, int]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    def content(self, path: Path, gzip_ok: bool) -> tuple[bytes, str | None]:
        if gzip_ok and bs.is_text(path):
            with self._lock:
                if path not in self._gz:
                    self._gz[path] = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
                return self._gz[path], "gzip"
        return path.read_bytes(), None

    def record(self, path: str, nbytes: int, status: int):
        with self._lock:
            self.log.append((path, nbytes, status))

    def mark(self) -> int:
        with self._lock:
            return len(self.log)

    def since(self, mark: int) -> list[tuple[str, int, int]]:
        with self._lock:
            return list(self.log[mark:])


# -- what one visit of a page found ------------------------------------------------------

@dataclass
class Visit:
    page: str
    offsite: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    math_elements: int = 0
    math_untypeset: list[str] = field(default_factory=list)
    mjx_containers: int = 0
    raw_tex: list[str] = field(default_factory=list)
    images_without_alt: list[str] = field(default_factory=list)
    explorers: list[dict] = field(default_factory=list)
    quizzes: list[dict] = field(default_factory=list)
    axe: dict[str, list[str]] = field(default_factory=dict)
    sent_bytes: int = 0
    requests: int = 0
    seconds: float = 0.0


JS_MATH = """(pattern) => {
  const re = new RegExp(pattern);
  const skip = new Set(['SCRIPT','STYLE','NOSCRIPT','PRE','CODE','TEXTAREA','KBD','SAMP',
                        'MJX-CONTAINER','MJX-ASSISTIVE-MML','TEMPLATE','TITLE']);
  const raw = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    let hidden = false;
    for (let el = node.parentElement; el; el = el.parentElement) {
      if (skip.has(el.tagName)) { hidden = true; break; }
    }
    if (hidden || !re.test(node.textContent)) continue;
    const el = node.parentElement;
    raw.push(`<${el.tagName.toLowerCase()} class='${el.className}'> ${node.textContent.trim().slice(0, 120)}`);
  }
  const maths = Array.from(document.querySelectorAll('.math'));
  const untypeset = maths.filter(m => !m.querySelector('mjx-container'))
                         .map(m => m.textContent.trim().slice(0, 80));
  return {raw, math: maths.length, untypeset,
          mjx: document.querySelectorAll('mjx-container').length};
}"""

JS_IMAGES = """() => Array.from(document.images)
  .filter(img => !(img.getAttribute('alt') || '').trim())
  .map(img => (img.getAttribute('src') || '').slice(0, 80))"""

JS_FRAME = """(fig) => { const img = fig.querySelector('img');
  return {src: img.getAttribute('src'), alt: img.getAttribute('alt') || ''}; }"""


def _settle(page):
    """Wait until MathJax has typeset the page and quizzes have drawn their math."""
    page.evaluate("""() => (window.MathJax && MathJax.startup && MathJax.startup.promise)
                     ? MathJax.startup.promise.then(() => true) : false""")
    if page.locator("div[data-shufflequestions]").count():
        page.wait_for_timeout(QUIZ_SETTLE_MS)
        try:
            page.wait_for_function(f"() => !({JS_QUIZ_TEX_LEFT})()", timeout=QUIZ_TIMEOUT_MS)
        except Exception:  # noqa: BLE001 - the raw-TeX check then reports what is left
            pass
    page.evaluate("() => document.fonts.ready.then(() => true)")


def _check_explorers(page) -> list[dict]:
    results = []
    figures = page.locator("figure.lossbook-explorer")
    for i in range(figures.count()):
        fig = figures.nth(i)
        fig.scroll_into_view_if_needed()
        sliders = fig.locator("input[type=range]")
        result = {"id": fig.get_attribute("id"), "sliders": sliders.count(), "moves": []}
        for k in range(sliders.count()):
            slider = sliders.nth(k)
            before = fig.evaluate(JS_FRAME)
            value = slider.input_value()
            at_max = float(value) >= float(slider.get_attribute("max"))
            slider.focus()
            page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
            page.wait_for_timeout(50)
            after = fig.evaluate(JS_FRAME)
            result["moves"].append({
                "slider": slider.get_attribute("id"),
                "label": fig.locator(f"label[for='{slider.get_attribute('id')}']").inner_text(),
                "value_changed": slider.input_value() != value,
                "picture_changed": after["src"] != before["src"],
                "alt": after["alt"],
            })
        results.append(result)
    return results


def _check_quizzes(page) -> list[dict]:
    results = []
    quizzes = page.locator("div[data-shufflequestions]")
    for i in range(quizzes.count()):
        quiz = quizzes.nth(i)
        questions = quiz.locator(".Quiz")
        record = {"index": i, "questions": questions.count(), "problems": []}
        for q in range(questions.count()):
            question = questions.nth(q)
            question.scroll_into_view_if_needed()
            feedback = question.locator(".Feedback")
            buttons = question.locator("label.MCButton")
            box = question.locator("input.Input-text")
            if buttons.count():
                for b in range(buttons.count()):
                    button = buttons.nth(b)
                    button.click()
                    text = feedback.inner_text().strip()
                    classes = feedback.get_attribute("class") or ""
                    correct = button.get_attribute("data-correct") == "true"
                    if not text:
                        record["problems"].append(f"question {q + 1}, answer {b + 1}: no feedback")
                    elif ("correct" if correct else "incorrect") not in classes.split():
                        record["problems"].append(
                            f"question {q + 1}, answer {b + 1}: feedback marks a "
                            f"{'right' if correct else 'wrong'} answer as the opposite")
            elif box.count():
                box.first.click()
                box.first.press_sequentially("0")
                box.first.press("Enter")
                if not feedback.inner_text().strip():
                    record["problems"].append(f"question {q + 1}: no feedback after typing an answer")
            else:
                record["problems"].append(f"question {q + 1}: no answer to click or type")
        if not record["questions"]:
            record["problems"].append("the quiz shows no question (its script failed?)")
        results.append(record)
    return results


#: The axe rules that depend on the colour scheme (checked again in dark mode).
COLOUR_RULES = ["color-contrast", "link-in-text-block"]

JS_ANIMATIONS_DONE = """() => Promise.all(document.getAnimations()
    .filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
    .map(a => a.finished))"""


def _axe(page, rules: list[str] | None = None) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    # preload=False: axe's own fetch of stylesheets resolves the theme's
    # @import against the page, not the stylesheet, and logs a 404.
    options = {"resultTypes": ["violations"], "preload": False}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    response = Axe().run(page, options=options).response
    out = []
    for v in response["violations"]:
        if v.get("impact") in SERIOUS:
            nodes = "; ".join(" ".join(n["target"]) if isinstance(n["target"], list) else str(n["target"])
                              for n in v["nodes"][:5])
            why = (v["nodes"][0].get("failureSummary") or "").replace("\n", " ")[:300]
            out.append(f"{v['id']} ({v['impact']}): {v['help']} -- {len(v['nodes'])} element(s): "
                       f"{nodes} -- {why}")
    return out


def _visit(browser, server: SiteServer, path: str) -> Visit:
    visit = Visit(path)
    start = time.perf_counter()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")

    def route(r):
        if r.request.url.startswith(server.url):
            r.continue_()
        else:
            visit.offsite.append(f"{r.request.resource_type}: {r.request.url[:200]}")
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and visit.console_errors.append(
        f"{m.text[:300]} ({m.location.get('url', '')[-60:]}:{m.location.get('lineNumber')})"))
    page.on("pageerror", lambda e: visit.console_errors.append(f"uncaught: {e}"))
    page.on("requestfailed", lambda r: r.url.startswith(server.url) and visit.failed.append(
        f"{r.url[len(server.url):]}: {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and visit.failed.append(
        f"{r.url[len(server.url):]}: HTTP {r.status}"))
    try:
        mark = server.mark()
        response = page.goto(server.url + path, wait_until="load")
        if response is None or response.status != 200:
            visit.failed.append(f"{path}: HTTP {response.status if response else 'no response'}")
        _settle(page)
        page.wait_for_load_state("networkidle")
        served = server.since(mark)
        visit.sent_bytes = sum(n for _, n, _ in served)
        visit.requests = len(served)

        visit.images_without_alt = page.evaluate(JS_IMAGES)
        visit.explorers = _check_explorers(page)
        visit.quizzes = _check_quizzes(page)
        page.wait_for_timeout(100)
        math = page.evaluate(JS_MATH, bs.RAW_TEX)
        visit.math_elements, visit.mjx_containers = math["math"], math["mjx"]
        visit.math_untypeset, visit.raw_tex = math["untypeset"], math["raw"]

        # let colour transitions end: axe checks the colours a reader sees
        page.evaluate(JS_ANIMATIONS_DONE)
        visit.axe["light"] = _axe(page)
        page.emulate_media(color_scheme="dark")
        page.wait_for_timeout(100)
        page.evaluate(JS_ANIMATIONS_DONE)
        visit.axe["dark"] = _axe(page, COLOUR_RULES)
    finally:
        context.close()
    visit.seconds = time.perf_counter() - start
    return visit


# -- fixtures -----------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        _unavailable(f"Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright (`python -m pip install -r requirements.txt`)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def site(html_dir):
    server = SiteServer(html_dir)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def visit(browser, site):
    """``visit(page)``: open a page once per session and return what it found."""
    cache: dict[str, Visit] = {}

    def get(path: str) -> Visit:
        if path not in cache:
            cache[path] = _visit(browser, site, path)
        return cache[path]

    get.cache = cache
    return get


# -- every page ---------------------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES)
def test_no_request_leaves_the_site_and_no_console_error(visit, page):
    v = visit(page)
    assert not v.offsite, f"{page} requested other hosts (blocked):\n" + "\n".join(v.offsite)
    assert not v.console_errors, f"{page} logged errors:\n" + "\n".join(v.console_errors)
    assert not v.failed, f"{page}: failed requests:\n" + "\n".join(v.failed)


@pytest.mark.parametrize("page", PAGES)
def test_math_is_typeset(visit, page):
    v = visit(page)
    assert not v.math_untypeset, f"{page}: math left untypeset: {v.math_untypeset}"
    assert v.mjx_containers >= v.math_elements, f"{page}: fewer MathJax outputs than math elements"
    assert not v.raw_tex, f"{page}: raw TeX on the page:\n" + "\n".join(v.raw_tex)


@pytest.mark.parametrize("page", PAGES)
def test_every_image_has_alt_text(visit, page):
    v = visit(page)
    assert not v.images_without_alt, f"{page}: images without alt text: {v.images_without_alt}"


@pytest.mark.parametrize("page", PAGES)
def test_explorable_figures_respond_to_their_sliders(visit, page):
    v = visit(page)
    for fig in v.explorers:
        assert fig["sliders"] >= 1, f"{page}: explorable figure {fig['id']} has no slider"
        for move in fig["moves"]:
            what = f"{page}: figure {fig['id']}, slider {move['label']!r}"
            assert move["label"].strip(), f"{what} has no visible label"
            assert move["value_changed"], f"{what} did not move with the arrow keys"
            assert move["picture_changed"], f"{what} moved but the picture stayed the same"
            assert len(move["alt"].strip()) >= 10, f"{what}: the new picture has no alt text"


@pytest.mark.parametrize("page", PAGES)
def test_quizzes_answer_with_feedback(visit, page):
    v = visit(page)
    problems = [f"quiz {q['index'] + 1}: {p}" for q in v.quizzes for p in q["problems"]]
    assert not problems, f"{page}:\n" + "\n".join(problems)


@pytest.mark.parametrize("page", PAGES)
def test_no_serious_accessibility_violation(visit, page):
    v = visit(page)
    found = [f"[{scheme}] {msg}" for scheme, msgs in v.axe.items() for msg in msgs]
    assert not found, f"{page}: axe-core reports:\n" + "\n".join(found)


@pytest.mark.parametrize("page", PAGES)
def test_page_weight_as_sent_under_2_mb(visit, page):
    v = visit(page)
    assert v.requests > 0
    assert v.sent_bytes <= bs.MAX_PAGE_BYTES, (
        f"{page}: the browser downloaded {bs.fmt_bytes(v.sent_bytes)} in {v.requests} requests, "
        "over 2 MB")


# -- the book as a whole ------------------------------------------------------------------

def test_search_finds_the_huber_chapter(browser, site, html_dir):
    """A reader types "Huber" into the search box and gets the Huber chapter."""
    from bs4 import BeautifulSoup

    expected = set()
    for name in bs.toc_docnames():
        h1 = BeautifulSoup((html_dir / f"{name}.html").read_text(encoding="utf-8"),
                           "html.parser").find("h1")
        if h1 is not None and "huber" in h1.get_text().lower():
            expected.add(f"{name}.html")
    assert expected, "no page has Huber in its title"

    errors, offsite = [], []
    context = browser.new_context()
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(site.url)
                  else (offsite.append(r.request.url), r.abort()))
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(site.url + "index.html")
        page.locator("button.search-button__button:visible").first.click()
        box = page.locator("#pst-search-dialog[open] input[name=q]")
        box.fill("Huber")
        box.press("Enter")
        page.wait_for_url("**/search.html?q=Huber*")
        results = page.locator("#search-results ul.search li a")
        results.first.wait_for(timeout=10000)
        hrefs = {urlsplit(a.evaluate("a => a.href")).path.lstrip("/") for a in results.all()}
        found = hrefs & expected
    finally:
        context.close()
    assert found, f"searching for Huber did not list {sorted(expected)}; results: {sorted(hrefs)}"
    assert not errors and not offsite, errors + offsite


def test_intro_page_has_typeset_math_and_a_working_explorable_figure(visit):
    """The first chapter: its math is typeset, and moving its explorable
    figure's slider changes the picture (and its alt text describes it)."""
    page = f"{bs.first_chapter()}.html"
    v = visit(page)
    assert v.math_elements > 0 and v.mjx_containers >= v.math_elements, (
        f"{page}: expected typeset math, found {v.math_elements} math elements and "
        f"{v.mjx_containers} MathJax outputs")
    assert not v.raw_tex, v.raw_tex
    assert v.explorers, f"{page} has no explorable figure"
    moves = [m for fig in v.explorers for m in fig["moves"]]
    assert moves and all(m["picture_changed"] for m in moves), moves


def test_report_page_weights_and_timings(visit, capsys):
    """Prints, for every page, what the browser downloaded and how long the checks took."""
    visits = [visit(p) for p in PAGES]
    lines = ["", f"{'page':<40} {'requests':>8} {'sent':>12} {'checks':>8}"]
    for v in visits:
        lines.append(f"{v.page:<40} {v.requests:>8} {bs.fmt_bytes(v.sent_bytes):>12} {v.seconds:>7.1f}s")
    lines.append(f"{len(visits)} pages, {sum(v.seconds for v in visits):.1f}s in the browser, "
                 f"largest {bs.fmt_bytes(max(v.sent_bytes for v in visits))}")
    with capsys.disabled():
        print("\n".join(lines))
    assert all(v.requests for v in visits)
