"""Sphinx extension that keeps the built book self-contained and accessible.

Loaded by ``_config.yml`` (``sphinx.extra_extensions``). It

* sets ``LOSSBOOK_STATIC=1`` before any notebook runs, so that explorable
  figures (:mod:`lossbook.explore`) emit their static, kernel-free HTML and
  no ipywidgets state ends up in a page;
* copies MathJax 3 (the ``tex-chtml`` component and its web fonts) from the
  ``sphinx-mathjax-offline`` package into ``_build/html/_static/vendor/mathjax``,
  where ``mathjax_path`` in ``_config.yml`` points, so no page fetches MathJax
  from a CDN. Only the files a page loads are copied, plus the few that
  MathJax loads on demand (TeX extensions such as ``\\boldsymbol``, and the
  accessibility tools of its context menu): about 3 MB, not the 24 MB of the
  whole distribution;
* makes quizzes (jupyterquiz) safe offline. A quiz's inline script typesets
  its math with MathJax half a second after it runs, and loads MathJax from
  cdn.jsdelivr.net when it finds a ``MathJax`` object that cannot typeset
  yet. So MathJax is loaded on every page that has a quiz (also a page with
  no math of its own), and loaded before the page body rather than deferred:
  it is ready before any quiz script runs;
* adds the course's stylesheet (``lossbook/web/lossbook.css``: contrast
  fixes for the theme, quizzes and explorable figures) to every page, and
  ``lossbook/web/quiz.js`` (accessible names for quiz answers) to pages with
  a quiz. They live outside any ``_static`` folder, because Jupyter Book adds
  every script found in a book's ``_static`` folder to every page;
* fixes faults of the theme: the sidebar's expand/collapse toggles
  (``<summary>`` elements, which axe-core reports) get an accessible name;
  inline scripts registered twice (the thebe settings, whose second copy
  throws "Identifier has already been declared") are written once; the
  colour mode is set (the theme logs a console error without one); and the
  theme's redundant ``fontawesome.js`` is dropped from the pages (see
  :func:`drop_fontawesome_js`), which keeps every page well under 2 MB.
"""

from __future__ import annotations

import os
import re
import shutil
from importlib import metadata
from pathlib import Path

MATHJAX_TARGET = Path("_static") / "vendor" / "mathjax"
MATHJAX_FILES = [
    "tex-chtml.js",
    "output/chtml/fonts/woff-v2",
    # loaded on demand: TeX packages (autoload), the context menu's
    # accessibility options and the speech rules they use (English)
    "input/tex/extensions",
    "a11y",
    "ui",
    "sre/mathmaps/base.json",
    "sre/mathmaps/en.json",
    "sre/mathmaps/nemeth.json",
]

WEB_DIR = Path(__file__).resolve().parent / "web"
WEB_TARGET = Path("_static") / "lossbook"
CSS_FILE = "lossbook.css"
QUIZ_JS_FILE = "quiz.js"

#: Marker of a jupyterquiz quiz in a page's HTML (its container element).
QUIZ_MARKER = "data-shufflequestions="


def mathjax_source() -> Path:
    """Folder of the MathJax 3 distribution shipped by ``sphinx-mathjax-offline``."""
    dist = metadata.distribution("sphinx-mathjax-offline")
    src = Path(dist.locate_file("sphinx-mathjax-offline/static/mathjax"))
    if not (src / "tex-chtml.js").is_file():
        raise RuntimeError(
            f"MathJax not found in {src}; reinstall with "
            "`python -m pip install -r requirements.txt`."
        )
    return src


def copy_mathjax(outdir: str | os.PathLike) -> Path:
    """Copy the MathJax files a page needs into the built site; return the target."""
    src = mathjax_source()
    target = Path(outdir) / MATHJAX_TARGET
    for rel in MATHJAX_FILES:
        s, d = src / rel, target / rel
        d.parent.mkdir(parents=True, exist_ok=True)
        if s.is_dir():
            shutil.copytree(s, d, dirs_exist_ok=True)
        else:
            shutil.copy2(s, d)
    return target


def copy_web_files(outdir: str | os.PathLike) -> Path:
    """Copy the course's CSS and scripts into ``_static/lossbook`` of the site."""
    target = Path(outdir) / WEB_TARGET
    target.mkdir(parents=True, exist_ok=True)
    for name in (CSS_FILE, QUIZ_JS_FILE):
        shutil.copy2(WEB_DIR / name, target / name)
    return target


def name_sidebar_toggles(soup):
    """Give each expand/collapse toggle of the sidebar an accessible name.

    The theme draws a toggle as a ``<summary>`` holding only an icon, which a
    screen reader announces without a name. The name says which section the
    toggle opens. ``soup`` is the theme's BeautifulSoup navigation tree; it
    is changed in place and returned.

    >>> from bs4 import BeautifulSoup
    >>> nav = BeautifulSoup('<li class="has-children"><a href="x.html">Exercises</a>'
    ...                     '<details><summary><span></span></summary></details></li>', "html.parser")
    >>> name_sidebar_toggles(nav).summary["aria-label"]
    'Show or hide the pages of Exercises'
    """
    for summary in soup.find_all("summary"):
        if summary.get("aria-label") or summary.get_text(strip=True):
            continue
        item = summary.find_parent("li")
        link = item.find("a", recursive=False) if item is not None else None
        title = link.get_text(" ", strip=True) if link is not None else ""
        summary["aria-label"] = (f"Show or hide the pages of {title}" if title
                                 else "Show or hide the pages of this section")
    return soup


def _on_config_inited(app, config):
    # Load MathJax before the page body (see the module docstring): with
    # "async" present but None, Sphinx adds neither async nor defer.
    options = dict(config.mathjax_options or {})
    if "async" not in options and "defer" not in options:
        options["async"] = None
        config.mathjax_options = options
    # An explicit colour mode: without one the theme logs a console error on
    # every page. "auto" follows the reader's system setting.
    config.html_context = dict(config.html_context or {})
    config.html_context.setdefault("default_mode", "auto")


def _on_builder_inited(app):
    if app.builder.format == "html":
        copy_web_files(app.outdir)
        app.add_css_file(f"lossbook/{CSS_FILE}")


def _before_mathjax(app, pagename, templatename, context, doctree):
    """Runs before sphinx.ext.mathjax decides whether a page loads MathJax."""
    if app.builder.format != "html" or QUIZ_MARKER not in context.get("body", ""):
        return
    domain = app.env.get_domain("math")
    if not domain.has_equations(pagename):
        domain.data["has_equations"][pagename] = True
    app.add_js_file(f"lossbook/{QUIZ_JS_FILE}", defer="defer")


def _after_theme(app, pagename, templatename, context, doctree):
    """Runs after the theme has filled in the page context."""
    scripts = context.get("script_files")
    if isinstance(scripts, list):
        seen, unique = set(), []
        for js in scripts:
            key = (getattr(js, "filename", js) or "", getattr(js, "priority", 0),
                   tuple(sorted((getattr(js, "attributes", {}) or {}).items())))
            if key not in seen:
                seen.add(key)
                unique.append(js)
        context["script_files"] = unique
    toctree = context.get("generate_toctree_html")
    if callable(toctree) and not getattr(toctree, "_lossbook", False):
        def generate_toctree_html(kind, *args, **kwargs):
            result = toctree(kind, *args, **kwargs)
            return name_sidebar_toggles(result) if hasattr(result, "find_all") else result
        generate_toctree_html._lossbook = True
        context["generate_toctree_html"] = generate_toctree_html


FONTAWESOME_JS = re.compile(
    r'[ \t]*<script defer src="[^"]*_static/scripts/fontawesome\.js(?:\?[^"]*)?"></script>\n?')


def drop_fontawesome_js(outdir: str | os.PathLike) -> int:
    """Remove the theme's FontAwesome script from every page; return how many pages had it.

    The theme draws its icons twice over: with FontAwesome's web fonts, which
    its stylesheet declares, and with ``fontawesome.js`` (1.5 MB, 0.54 MB
    compressed), which re-draws the same icons as SVG and is there only for
    custom icons, which the book does not use. Without the script every icon
    looks the same, and each page is half a megabyte lighter.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp()); page = d / "p.html"
    >>> _ = page.write_text('<head>\\n  <script defer src="_static/scripts/fontawesome.js?digest=1"></script>\\n</head>')
    >>> drop_fontawesome_js(d), page.read_text()
    (1, '<head>\\n</head>')
    """
    changed = 0
    for page in Path(outdir).rglob("*.html"):
        if page.relative_to(outdir).parts[0] in ("_static", "_sources"):
            continue
        text = page.read_text(encoding="utf-8")
        new, n = FONTAWESOME_JS.subn("", text)
        if n:
            page.write_text(new, encoding="utf-8")
            changed += 1
    return changed


def _on_build_finished(app, exception):
    if exception is None and app.builder.format == "html":
        copy_mathjax(app.outdir)
        copy_web_files(app.outdir)
        drop_fontawesome_js(app.outdir)


def setup(app):
    os.environ["LOSSBOOK_STATIC"] = "1"
    app.connect("config-inited", _on_config_inited)
    app.connect("builder-inited", _on_builder_inited)
    app.connect("html-page-context", _before_mathjax, priority=400)
    app.connect("html-page-context", _after_theme, priority=900)
    app.connect("build-finished", _on_build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
