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

Plus: search finds the Huber chapter by the word "Huber", a page shows one
search box, ``/favicon.ico`` is served, figures and explorable figures stay
on a light card in the dark colour scheme, and the first chapter (the
introduction) has typeset math and an explorable figure that responds to its
slider.

Every wait is for the condition a check needs (MathJax has typeset, a quiz
has drawn its questions, a figure has swapped its frame, the theme has
switched to dark), with generous timeouts, never for a fixed delay or for the
network to fall silent: the tests hold on a busy machine. How long pages take
is measured by ``python -m benchmarks``, not asserted here.

Chromium is Debian's package at /usr/bin/chromium (never a browser download).
Without it these tests are skipped with a message saying how to install it;
under CI=true they fail instead.
"""

from __future__ import annotations

import gzip
import http.server
import mimetypes
import posixpath
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

import book_site as bs  # tests/book_site.py (conftest puts tests/ on the path)

pytestmark = pytest.mark.browser

PAGES = bs.page_paths()
SERIOUS = {"serious", "critical"}
#: How long a condition may take to come true on a busy machine. A check that
#: passes never waits this long; only a failing one does.
WAIT_MS = 60_000
#: A quiz draws its questions when its script runs and typesets their math
#: 500 ms later (jupyterquiz): ready when every quiz shows its questions and
#: none of its text is raw TeX any more.
JS_QUIZZES_READY = r"""() => Array.from(document.querySelectorAll('div[data-shufflequestions]'))
    .every(q => q.querySelector('.Quiz') && !/\\[(\[]/.test(q.textContent))"""
#: Every deck of flashcards has drawn its first card and typeset its math.
JS_FLASHCARDS_READY = r"""() => Array.from(document.querySelectorAll('div.flip-container'))
    .every(d => d.querySelector('.flipper') && !/\\[(\[]/.test(d.textContent))"""
#: Resolves when MathJax has finished every typesetting job queued so far
#: (each ``typesetPromise`` chains onto ``MathJax.startup.promise``).
JS_MATHJAX_IDLE = """async () => {
  if (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) return false;
  let p;
  do { p = MathJax.startup.promise; await p; } while (p !== MathJax.startup.promise);
  return true;
}"""


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
JS_FRAME_SWAPPED = """([fig, src]) => fig.querySelector('img').getAttribute('src') !== src"""


def _wait_for(page, condition: str, arg=None) -> bool:
    """Wait until the JavaScript ``condition`` holds; False if it never does
    within WAIT_MS (the check that follows then says what is wrong)."""
    try:
        page.wait_for_function(condition, arg=arg, timeout=WAIT_MS)
        return True
    except Exception:  # noqa: BLE001 - a timeout: reported by the check that needs it
        return False


def _settle(page):
    """Wait until MathJax has typeset the page, quizzes have drawn and typeset
    their questions, and the web fonts are loaded."""
    page.evaluate(JS_MATHJAX_IDLE)
    if page.locator("div[data-shufflequestions]").count():
        _wait_for(page, JS_QUIZZES_READY)
    if page.locator("div.flip-container").count():
        _wait_for(page, JS_FLASHCARDS_READY)
    page.evaluate(JS_MATHJAX_IDLE)
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
            _wait_for(page, JS_FRAME_SWAPPED, [fig.element_handle(), before["src"]])
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

#: The theme has switched to its dark colours (it follows the reader's system setting).
JS_DARK = "() => document.documentElement.dataset.theme === 'dark'"

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
    context.set_default_timeout(WAIT_MS)

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
        served = server.since(mark)
        visit.sent_bytes = sum(n for _, n, _ in served)
        visit.requests = len(served)

        visit.images_without_alt = page.evaluate(JS_IMAGES)
        visit.explorers = _check_explorers(page)
        visit.quizzes = _check_quizzes(page)
        # feedback typeset after the clicks
        page.evaluate(JS_MATHJAX_IDLE)
        if visit.quizzes:
            _wait_for(page, JS_QUIZZES_READY)
        math = page.evaluate(JS_MATH, bs.RAW_TEX)
        visit.math_elements, visit.mjx_containers = math["math"], math["mjx"]
        visit.math_untypeset, visit.raw_tex = math["untypeset"], math["raw"]

        # let colour transitions end: axe checks the colours a reader sees
        page.evaluate(JS_ANIMATIONS_DONE)
        visit.axe["light"] = _axe(page)
        page.emulate_media(color_scheme="dark")
        _wait_for(page, JS_DARK)
        page.evaluate(JS_ANIMATIONS_DONE)
        visit.axe["dark"] = _axe(page, COLOUR_RULES)
    finally:
        context.close()
    visit.seconds = time.perf_counter() - start
    return visit


# -- fixtures -----------------------------------------------------------------------------

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
    context.set_default_timeout(WAIT_MS)
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
        results.first.wait_for(timeout=WAIT_MS)
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


#: Visible search boxes: the field (or, on a narrow screen, the icon) that opens search.
JS_VISIBLE_SEARCH = """() => Array.from(document.querySelectorAll(
    '.search-button__button, form.bd-search, input[name=q], #searchbox input'))
  .filter(el => !el.closest('dialog:not([open])'))
  .filter(el => { const r = el.getBoundingClientRect(), st = getComputedStyle(el);
                  return r.width > 0 && r.height > 0 && st.visibility !== 'hidden'; })
  .map(el => el.className || el.tagName)"""


@pytest.fixture
def page_at(browser, site):
    """``page_at(path, **context_options)``: a fresh page on the site, loaded and settled."""
    contexts = []

    def open_page(path: str, **options):
        context = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, **options})
        context.set_default_timeout(WAIT_MS)
        contexts.append(context)
        page = context.new_page()
        page.goto(site.url + path, wait_until="load")
        _settle(page)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.mark.parametrize("width", [1280, 500], ids=["wide", "narrow"])
def test_one_search_box(page_at, width):
    """The theme draws a search field in the header and another in the sidebar; a reader sees one."""
    page = page_at(f"{bs.first_chapter()}.html", viewport={"width": width, "height": 900})
    visible = page.evaluate(JS_VISIBLE_SEARCH)
    assert len(visible) == 1, f"{width}px wide: {len(visible)} search boxes visible: {visible}"


def test_favicon_is_served(site, html_dir):
    """Browsers ask for /favicon.ico on a first visit; it is there (no 404 in the server log)."""
    import urllib.request

    with urllib.request.urlopen(site.url + "favicon.ico", timeout=60) as response:
        body = response.read()
        assert response.status == 200
        assert response.headers["Content-Type"].split(";")[0] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert body[:4] == b"\x00\x00\x01\x00", "favicon.ico is not an ICO file"


#: For each figure image and explorable figure: its background colour and the
#: CSS filter on it, and the colours of an explorer's caption and slider labels.
JS_FIGURE_COLOURS = """() => {
  const bg = el => getComputedStyle(el).backgroundColor;
  const imgs = Array.from(document.querySelectorAll('.cell_output img, figure.lossbook-explorer img'));
  const figs = Array.from(document.querySelectorAll('figure.lossbook-explorer'));
  return {
    images: imgs.map(img => ({src: (img.getAttribute('src') || '').slice(0, 40), background: bg(img),
                              filter: getComputedStyle(img).filter})),
    explorers: figs.map(fig => ({background: bg(fig),
      texts: Array.from(fig.querySelectorAll('figcaption, label, output'))
                  .map(t => [t.textContent.trim().slice(0, 30), getComputedStyle(t).color])})),
    page: bg(document.body),
  };
}"""


def _rgb(css: str) -> tuple[float, ...]:
    import re

    return tuple(float(v) for v in re.findall(r"[\d.]+", css)[:3])


def _luminance(css: str) -> float:
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in _rgb(css))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_figures_stay_readable_in_dark_mode(page_at):
    """In the dark colour scheme, figures (drawn for a white page) sit on a white
    card at full brightness, and an explorable figure's title and slider labels
    keep at least 4.5:1 contrast against its panel."""
    page = page_at(f"{bs.first_chapter()}.html", color_scheme="dark")
    assert _wait_for(page, JS_DARK), "the theme did not switch to dark mode"
    found = page.evaluate(JS_FIGURE_COLOURS)
    assert _luminance(found["page"]) < 0.1, f"the page is not dark: {found['page']}"
    assert found["images"] and found["explorers"], "the first chapter has no figure to check"
    for img in found["images"]:
        assert _luminance(img["background"]) > 0.9, f"figure {img['src']} sits on {img['background']}"
        assert img["filter"] == "none", f"figure {img['src']} is dimmed ({img['filter']})"
    for fig in found["explorers"]:
        assert _luminance(fig["background"]) > 0.9, f"explorer panel is {fig['background']}"
        for text, colour in fig["texts"]:
            assert _contrast(colour, fig["background"]) >= 4.5, f"{text!r}: {colour} on {fig['background']}"


# -- flashcards and the printed cheat sheet ----------------------------------------------

def test_flashcards_flip_and_typeset_their_math_offline(page_at):
    """Chapter 2's deck: the first card shows its term, and a click turns it over to
    the glossary's definition with typeset math. (That no page fetches anything from
    another host, MathJax for the cards included, is checked for every page above.)"""
    import json

    cards = json.loads((bs.ROOT / "chapters" / "flashcards" / "02_mse_mae.json").read_text())
    page = page_at("chapters/02_mse_mae.html")
    deck = page.locator("div.flip-container").first
    assert deck.count() == 1, "chapter 2 shows no flashcards"
    deck.scroll_into_view_if_needed()
    assert cards[0]["front"] in deck.inner_text()
    deck.click()
    assert _wait_for(page, "() => document.querySelector('div.flip-container').classList.contains('flip')"), (
        "a click did not turn the card over")
    assert _wait_for(page, """() => !!document.querySelector('div.flip-container mjx-container')"""), (
        "the card's math was not typeset")


def test_cheat_sheet_prints_on_one_page(page_at):
    page = page_at("pages/cheat_sheet.html")
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True, print_background=False)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, f"the cheat sheet prints on {pages} pages, not one"
