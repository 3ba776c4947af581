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
* makes quizzes (jupyterquiz) and flashcards (jupytercards) safe offline.
  Their inline scripts typeset math with MathJax half a second after they
  run, and load MathJax from cdn.jsdelivr.net when they find a ``MathJax``
  object that cannot typeset yet. So MathJax is loaded on every page that
  has a quiz or flashcards (also a page with no math of its own), and loaded
  before the page body rather than deferred: it is ready before any of their
  scripts runs;
* adds the course's stylesheet (``lossbook/book/web/lossbook.css``: contrast
  fixes for the theme, quizzes and explorable figures, and a light card
  behind figures in dark mode) to every page, and
  ``lossbook/book/web/quiz.js`` (accessible names for quiz answers) to pages
  with a quiz. They live outside any ``_static`` folder, because Jupyter Book
  adds every script found in a book's ``_static`` folder to every page;
* resolves Markdown links to an id in another document that is not a heading
  (see :func:`resolve_id_links`): notebooks link glossary terms as
  ``[loss](../pages/glossary.md#term-loss-function)``, which reads cleanly in
  JupyterLab, Colab and VS Code and is a glossary link in the book. A link to
  an id that does not exist stays a warning, so the strict build fails;
* deletes pages an earlier build left for documents that are gone
  (:func:`drop_stale_pages`);
* copies ``favicon.ico`` to the root of the site, where browsers ask for it
  on a first visit (pages also declare the SVG icon of ``html_favicon``);
* keeps one search box: the theme draws a search field in the header and
  another in the sidebar; the header's is dropped
  (``navbar_persistent``);
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
#: Copied to the root of the site: browsers request ``/favicon.ico``.
FAVICON_ICO = "favicon.ico"

#: Marker of a jupyterquiz quiz in a page's HTML (its container element).
QUIZ_MARKER = "data-shufflequestions="
#: Marker of a jupytercards deck of flashcards, whose script typesets math and
#: falls back to a CDN exactly as a quiz's does.
FLASHCARDS_MARKER = 'class="flip-container"'


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


def copy_favicon(outdir: str | os.PathLike) -> Path:
    """Copy ``favicon.ico`` to the root of the site; return its path.

    >>> import tempfile
    >>> copy_favicon(tempfile.mkdtemp()).read_bytes()[:4]  # the ICO signature
    b'\\x00\\x00\\x01\\x00'
    """
    target = Path(outdir) / FAVICON_ICO
    shutil.copy2(WEB_DIR / FAVICON_ICO, target)
    return target


def find_id(env, docname: str, targetid: str) -> str | None:
    """The id of an element of ``docname`` that ``targetid`` names, or None.

    ``targetid`` is an id that Sphinx gave a glossary term (``term-`` and the
    term, words joined by hyphens) or a label, in that document, in any case:
    ``term-mean-squared-error`` finds the term "Mean squared error", whose id
    is ``term-Mean-squared-error``.
    """
    std, wanted = env.get_domain("std"), targetid.lower()
    found = [labelid for doc, labelid in list(std.objects.values()) + list(std.anonlabels.values())
             if doc == docname and labelid.lower() == wanted]
    return found[0] if found else None


def resolve_id_links(app, doctree, fromdocname: str) -> int:
    """Resolve Markdown links ``[text](doc.md#id)`` whose ``id`` is not a heading.

    MyST resolves ``doc#slug`` only for headings (``myst_heading_anchors``);
    this resolves an id of a glossary term or a label of that document. Links
    it cannot resolve are left to MyST, which warns. Returns how many it
    resolved.
    """
    from sphinx import addnodes
    from sphinx.errors import NoUri
    from sphinx.util.nodes import make_refnode

    env, done = app.env, 0
    for node in list(doctree.findall(addnodes.pending_xref)):
        if node.get("reftype") != "myst" or node.get("refdomain") != "doc":
            continue
        docname, targetid = node.get("reftarget"), node.get("reftargetid")
        if not targetid or docname not in env.all_docs:
            continue
        if targetid in env.metadata[docname].get("myst_slugs", {}):
            continue  # a heading: MyST resolves it
        labelid = find_id(env, docname, targetid)
        if labelid is None:
            continue
        from docutils import nodes

        kind = "std-term" if labelid.lower().startswith("term-") else "std-ref"
        inner = nodes.inline("", "", classes=["xref", "std", kind])
        inner.extend(child.deepcopy() for child in node.children)
        try:
            new = make_refnode(app.builder, fromdocname, docname, labelid, inner)
        except NoUri:
            new = inner
        node.replace_self(new)
        done += 1
    return done


def _id_link_transform():
    from sphinx.transforms.post_transforms import SphinxPostTransform

    class IdLinks(SphinxPostTransform):
        """Runs :func:`resolve_id_links` just before MyST's own resolver (priority 9)."""

        default_priority = 8

        def run(self, **kwargs):
            resolve_id_links(self.app, self.document, self.env.docname)

    return IdLinks


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
    # One search box: the sidebar's. The theme also puts one in the header
    # (pydata-sphinx-theme's default ``navbar_persistent``).
    options = dict(config.html_theme_options or {})
    options.setdefault("navbar_persistent", [])
    config.html_theme_options = options


def _on_builder_inited(app):
    if app.builder.format == "html":
        copy_web_files(app.outdir)
        app.add_css_file(f"lossbook/{CSS_FILE}")


def _before_mathjax(app, pagename, templatename, context, doctree):
    """Runs before sphinx.ext.mathjax decides whether a page loads MathJax."""
    body = context.get("body", "")
    if app.builder.format != "html" or not (QUIZ_MARKER in body or FLASHCARDS_MARKER in body):
        return
    domain = app.env.get_domain("math")
    if not domain.has_equations(pagename):
        domain.data["has_equations"][pagename] = True
    if QUIZ_MARKER in body:
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


#: Pages Sphinx writes that are not documents of the book.
SPHINX_PAGES = {"genindex", "search", "py-modindex"}


def drop_stale_pages(outdir: str | os.PathLike, docnames) -> list[str]:
    """Delete HTML pages left by an earlier build whose document is gone; return them.

    Sphinx writes the pages of the current documents and leaves any other
    file in the output folder: a renamed chapter would stay on the site
    under its old name, unlisted and unchecked.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> for name in ("index.html", "search.html", "chapters/01_a.html", "chapters/09_old.html",
    ...              "_static/x.html"):
    ...     (d / name).parent.mkdir(parents=True, exist_ok=True); _ = (d / name).write_text("")
    >>> drop_stale_pages(d, {"index", "chapters/01_a"})
    ['chapters/09_old.html']
    """
    keep = set(docnames) | SPHINX_PAGES
    dropped = []
    for page in sorted(Path(outdir).rglob("*.html")):
        rel = page.relative_to(outdir)
        if rel.parts[0].startswith("_") or rel.with_suffix("").as_posix() in keep:
            continue
        page.unlink()
        dropped.append(rel.as_posix())
    return dropped


def _on_build_finished(app, exception):
    if exception is None and app.builder.format == "html":
        copy_mathjax(app.outdir)
        copy_web_files(app.outdir)
        copy_favicon(app.outdir)
        drop_fontawesome_js(app.outdir)
        drop_stale_pages(app.outdir, app.env.all_docs)


def setup(app):
    os.environ["LOSSBOOK_STATIC"] = "1"
    app.connect("config-inited", _on_config_inited)
    app.connect("builder-inited", _on_builder_inited)
    app.connect("html-page-context", _before_mathjax, priority=400)
    app.connect("html-page-context", _after_theme, priority=900)
    app.connect("build-finished", _on_build_finished)
    app.add_post_transform(_id_link_transform())
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
