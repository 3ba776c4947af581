"""Static checks of every page of the built book (no browser needed).

The book must work offline and from any web server: no page loads a script,
stylesheet, font, image or frame from another host (links to other sites are
fine). Every image has alt text, no raw TeX is left where MathJax will not
typeset it, every notebook page offers Binder, Colab and the ``.ipynb``
download, and pages stay light: under 2 MB per page with everything it loads
(as a reader downloads it from a server that compresses text, as GitHub Pages
does), under 50 MB for the whole site. The weights are printed.
"""

from __future__ import annotations

import json
import posixpath
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup, NavigableString

import book_site as bs  # tests/book_site.py (conftest puts tests/ on the path)

PAGES = bs.page_paths()
NOTEBOOK_PAGES = bs.notebook_docnames()

#: <link rel=...> values that make the browser fetch the target.
FETCHING_RELS = {"stylesheet", "preload", "modulepreload", "icon", "shortcut", "apple-touch-icon",
                 "manifest", "prefetch", "preconnect", "dns-prefetch", "mask-icon"}
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")
FONT_FACE = re.compile(r"@font-face\s*\{([^}]*)\}")
TEX_RE = re.compile(bs.RAW_TEX)


def is_offsite(url: str) -> bool:
    """True for a URL on another host (``https://...``, ``//host/...``)."""
    url = url.strip()
    return bool(re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//", url, flags=re.I)) and not url.lower().startswith("file:")


def is_local(url: str) -> bool:
    return bool(url) and not is_offsite(url) and not re.match(r"^[a-z][a-z0-9+.-]*:", url, flags=re.I) \
        and not url.startswith("#")


def resolve(html_dir: Path, base: str, url: str) -> Path:
    """File of the site that ``url``, found in file ``base`` (relative to the site), points to."""
    path = unquote(urlsplit(url).path)
    rel = posixpath.normpath(posixpath.join(posixpath.dirname(base), path))
    return html_dir / rel


@lru_cache(maxsize=None)
def soup_of(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def fetched_urls(soup: BeautifulSoup) -> list[tuple[str, str]]:
    """(what, url) for everything a page makes the browser fetch by markup alone."""
    found = []
    for tag in soup.find_all("script", src=True):
        found.append(("script", tag["src"]))
    for tag in soup.find_all("link", href=True):
        rels = {r.lower() for r in (tag.get("rel") or [])}
        if rels & FETCHING_RELS:
            found.append(("link " + " ".join(sorted(rels)), tag["href"]))
    for name, attr in (("img", "src"), ("iframe", "src"), ("frame", "src"), ("embed", "src"),
                       ("object", "data"), ("audio", "src"), ("video", "src"), ("video", "poster"),
                       ("source", "src"), ("track", "src"), ("input", "src")):
        for tag in soup.find_all(name):
            if tag.get(attr):
                found.append((name, tag[attr]))
    for tag in soup.find_all(["img", "source"], srcset=True):
        for part in tag["srcset"].split(","):
            if part.strip():
                found.append((tag.name + " srcset", part.split()[0]))
    for tag in soup.find_all("style"):
        found += [("css in <style>", m.group(2) or m.group(4)) for m in CSS_URL.finditer(tag.get_text())]
    for tag in soup.find_all(style=True):
        found += [("css in style=", m.group(2) or m.group(4)) for m in CSS_URL.finditer(tag["style"])]
    return found


def css_closure(html_dir: Path, css_rel: str, seen: set[str]) -> list[tuple[str, str, str]]:
    """(css file, what, url) for every url() and @import in a stylesheet, recursively."""
    if css_rel in seen:
        return []
    seen.add(css_rel)
    path = html_dir / css_rel
    if not path.is_file():
        return []
    css = path.read_text(encoding="utf-8", errors="replace")
    # A browser downloads one source of a web font: the first format it
    # supports (every current browser: the first listed, woff2 here).
    fallbacks = set()
    for face in FONT_FACE.finditer(css):
        urls = [m.group(2) for m in CSS_URL.finditer(face.group(1)) if m.group(2)]
        fallbacks.update(urls[1:])
    out = []
    for m in CSS_URL.finditer(css):
        url = m.group(2) or m.group(4)
        what = "css @import" if m.group(4) else "css url()"
        if url in fallbacks and not is_offsite(url):
            continue
        out.append((css_rel, what, url))
        if m.group(4) and is_local(url):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(css_rel), urlsplit(url).path))
            out += css_closure(html_dir, target, seen)
    return out


def page_resources(html_dir: Path, page: str) -> tuple[set[Path], list[str]]:
    """Local files a page loads (the page itself included) and offsite loads found."""
    soup = soup_of(html_dir / page)
    files, offsite, seen_css = {html_dir / page}, [], set()
    for what, url in fetched_urls(soup):
        if is_offsite(url):
            offsite.append(f"{what}: {url}")
        elif is_local(url):
            target = resolve(html_dir, page, url)
            files.add(target)
            if target.suffix == ".css":
                rel = target.relative_to(html_dir).as_posix()
                for css, cwhat, curl in css_closure(html_dir, rel, seen_css):
                    if is_offsite(curl):
                        offsite.append(f"{cwhat} in {css}: {curl}")
                    elif is_local(curl):
                        files.add(resolve(html_dir, css, curl))
    # MathJax loads its web fonts from its own folder: count them all.
    if any("mathjax" in str(f).lower() and f.suffix == ".js" for f in files):
        fonts = html_dir / "_static" / "vendor" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2"
        files.update(fonts.glob("*.woff"))
    return files, offsite


# -- the pages --------------------------------------------------------------------------

def test_every_page_of_the_toc_is_built_and_no_other(html_dir):
    built = {p.relative_to(html_dir).as_posix() for p in html_dir.rglob("*.html")
             if not p.relative_to(html_dir).parts[0].startswith("_")}
    assert sorted(set(PAGES) - built) == [], "pages in _toc.yml that were not built"
    assert sorted(built - set(PAGES)) == [], "built pages that are not in _toc.yml (orphans nobody checks)"


@pytest.mark.parametrize("page", PAGES)
def test_no_asset_from_another_host(html_dir, page):
    files, offsite = page_resources(html_dir, page)
    assert not offsite, f"{page} loads from another host:\n" + "\n".join(offsite)
    missing = sorted(str(f.relative_to(html_dir)) for f in files if not f.is_file())
    assert not missing, f"{page} loads files that are not in the site: {missing}"


@pytest.mark.parametrize("page", PAGES)
def test_every_image_has_alt_text(html_dir, page):
    soup = soup_of(html_dir / page)
    bad = [str(img)[:160] for img in soup.find_all("img") if not (img.get("alt") or "").strip()]
    assert not bad, f"{page}: images without alt text:\n" + "\n".join(bad)
    # explorable figures: every precomputed frame has its own alt text
    for fig in soup.select("figure.lossbook-explorer"):
        data = json.loads(soup.find(id=f"{fig['id']}-data").string)
        assert len(data["alts"]) == len(data["frames"]) > 1, fig["id"]
        empty = [i for i, alt in enumerate(data["alts"]) if len(alt.strip()) < 10]
        assert not empty, f"{page}: explorable figure {fig['id']} has frames {empty} without alt text"


def mathjax_will_typeset(node) -> bool:
    """Whether MathJax searches the text node ``node`` for math."""
    for parent in node.parents:
        classes = set(parent.get("class") or []) if parent.name else set()
        if classes & bs.MATHJAX_PROCESS:
            return True
        if classes & bs.MATHJAX_IGNORE:
            return False
    return True


def raw_tex(soup: BeautifulSoup) -> list[str]:
    """Text that shows up as raw TeX: TeX-like prose outside Sphinx math elements,
    or math where MathJax will not look (or on a page that loads no MathJax)."""
    loads_mathjax = any("mathjax" in s["src"].lower() for s in soup.find_all("script", src=True))
    body = soup.body or soup
    found = []
    for node in body.find_all(string=True):
        if not isinstance(node, NavigableString) or type(node).__name__ != "NavigableString":
            continue  # comments, CDATA, doctype
        if any(p.name in bs.NON_PROSE_TAGS for p in node.parents):
            continue
        text = str(node)
        if not TEX_RE.search(text):
            continue
        in_math = any("math" in (p.get("class") or []) for p in node.parents if p.name)
        if not (in_math and loads_mathjax and mathjax_will_typeset(node)):
            parent = node.parent
            where = f"<{parent.name} class='{' '.join(parent.get('class') or [])}'>"
            found.append(f"{where} {text.strip()[:120]!r}")
    return found


@pytest.mark.parametrize("page", PAGES)
def test_no_raw_tex(html_dir, page):
    bad = raw_tex(soup_of(html_dir / page))
    assert not bad, (f"{page}: TeX that will not be typeset (use $...$ in markdown, not in "
                     "HTML or code output):\n" + "\n".join(bad))


@pytest.mark.parametrize("docname", NOTEBOOK_PAGES)
def test_notebook_page_offers_binder_colab_and_download(html_dir, docname):
    page = f"{docname}.html"
    soup = soup_of(html_dir / page)
    hrefs = [a["href"] for a in soup.find_all("a", href=True)]
    nb = f"{docname}.ipynb"
    binder = [h for h in hrefs if h.startswith("https://mybinder.org/v2/") and h.endswith(nb)]
    colab = [h for h in hrefs if h.startswith("https://colab.research.google.com/github/")
             and h.endswith(nb)]
    assert binder, f"{page} has no Binder launch button for {nb}"
    assert colab, f"{page} has no Colab launch button for {nb}"
    downloads = [h for h in hrefs if h.endswith(f"_sources/{nb}")]
    assert downloads, f"{page} has no .ipynb download button"
    target = resolve(html_dir, page, downloads[0])
    assert target.is_file(), f"{page}: the downloadable notebook {downloads[0]} is missing"
    assert json.loads(target.read_text(encoding="utf-8"))["cells"], f"{target} is not a notebook"


# -- page weight ------------------------------------------------------------------------

@lru_cache(maxsize=None)
def page_weight(html_dir: Path, page: str) -> tuple[int, int]:
    """(raw, transferred) bytes of a page plus everything it loads."""
    files, _ = page_resources(html_dir, page)
    files = {f for f in files if f.is_file()}
    return sum(f.stat().st_size for f in files), sum(bs.transfer_size(f) for f in files)


@pytest.mark.parametrize("page", PAGES)
def test_page_weight_under_2_mb(html_dir, page):
    raw, sent = page_weight(html_dir, page)
    assert sent <= bs.MAX_PAGE_BYTES, (
        f"{page} weighs {bs.fmt_bytes(sent)} with everything it loads (compressed; "
        f"{bs.fmt_bytes(raw)} uncompressed): more than 2 MB. Use fewer slider values or "
        "smaller figures in its explorable figures.")


def test_site_size_under_50_mb_and_weights_report(html_dir, capsys):
    total = sum(p.stat().st_size for p in bs.site_files(html_dir))
    lines = ["", f"Page weight (the page and everything it loads; limit {bs.fmt_bytes(bs.MAX_PAGE_BYTES)} sent)",
             f"{'page':<40} {'uncompressed':>12} {'sent (gzip)':>12}"]
    for page in PAGES:
        raw, sent = page_weight(html_dir, page)
        lines.append(f"{page:<40} {bs.fmt_bytes(raw):>12} {bs.fmt_bytes(sent):>12}")
    lines.append(f"{'whole site (files on disk)':<40} {bs.fmt_bytes(total):>12}")
    with capsys.disabled():
        print("\n".join(lines))
    assert total <= bs.MAX_SITE_BYTES, f"the site is {bs.fmt_bytes(total)}, over 50 MB"


# -- logo, favicon ----------------------------------------------------------------------

def test_favicon_at_the_site_root(html_dir):
    """Browsers request /favicon.ico on a first visit: it is a real ICO file."""
    ico = html_dir / "favicon.ico"
    assert ico.is_file(), "favicon.ico is missing from the root of the site"
    assert ico.read_bytes()[:4] == b"\x00\x00\x01\x00", "favicon.ico is not an ICO file"


@pytest.mark.parametrize("page", PAGES)
def test_page_declares_its_icon_and_shows_the_logo(html_dir, page):
    soup = soup_of(html_dir / page)
    icons = [link["href"] for link in soup.find_all("link", href=True)
             if "icon" in {r.lower() for r in link.get("rel") or []}]
    assert icons, f"{page} declares no icon"
    assert all(resolve(html_dir, page, h).is_file() for h in icons), f"{page}: icon missing: {icons}"
    logos = soup.select("img.logo__image")
    assert logos, f"{page} shows no logo"
    for logo in logos:
        assert resolve(html_dir, page, logo["src"]).is_file(), f"{page}: logo {logo['src']} missing"
        assert (logo.get("alt") or "").strip(), f"{page}: the logo has no alt text"
