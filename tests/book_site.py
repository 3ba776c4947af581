"""What the tests of the built site share: the pages the book must have, how
much a page weighs, and what raw TeX looks like.

Used by ``test_site.py`` (static checks of the HTML files) and
``test_browser.py`` (the same site in headless Chromium).
"""

from __future__ import annotations

import gzip
import os
import re
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent

#: Debian's Chromium, which the browser tests drive through Playwright.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
INSTALL_HINT = ("install Debian's Chromium with `sudo apt-get install chromium` (the browser "
                "tests drive /usr/bin/chromium through Playwright; they never download a browser)")


def unavailable(reason: str):
    """Skip a browser test that lacks ``reason`` (fail under CI=true), saying how to fix it."""
    message = f"browser tests need {reason}: {INSTALL_HINT}"
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (CI=true, so this is a failure, not a skip)")
    pytest.skip(message)


#: Pages Sphinx writes besides the ones in ``_toc.yml``.
EXTRA_PAGES = ("genindex.html", "search.html")

#: Limits a reader's download must stay within.
MAX_PAGE_BYTES = 2 * 1024 * 1024
MAX_SITE_BYTES = 50 * 1024 * 1024

#: Files a web server compresses on the way (GitHub Pages gzips text types).
TEXT_SUFFIXES = {".html", ".htm", ".js", ".mjs", ".css", ".json", ".svg", ".txt", ".map",
                 ".xml", ".ipynb", ".md", ".inv"}

#: Raw TeX a reader must never see: a TeX command (``\frac``), a math
#: delimiter (``\(`` ``\[``), a sub- or superscript group (``x_{i}``,
#: ``e^{z}``), or dollar math that was not converted (``$x$``, ``$x^2$``).
#: The same pattern runs in Python and in the browser's JavaScript.
RAW_TEX = (r"\\[A-Za-z]{2,}|\\[()\[\]]|[_^]\{|\$\$"
           r"|\$[A-Za-z]\$|\$(?=\S)[^$\n]*[\\^_][^$\n]*\S\$")

#: Elements whose text is code or not shown as prose, where TeX-like text is fine.
NON_PROSE_TAGS = {"script", "style", "noscript", "pre", "code", "textarea", "kbd", "samp",
                  "annotation", "annotation-xml", "template", "head", "title"}

#: How MathJax decides where to look for math (MathJax 3 defaults plus
#: the classes MyST adds to ``mathjax3_config``): an element with a process
#: class is searched even inside an ignored one.
MATHJAX_IGNORE = {"mathjax_ignore", "tex2jax_ignore"}
MATHJAX_PROCESS = {"mathjax_process", "tex2jax_process", "math", "output_area"}


def _toc_files(entries) -> list[str]:
    found = []
    for entry in entries or []:
        if "file" in entry:
            found.append(str(entry["file"]))
        for key in ("parts", "chapters", "sections"):
            found += _toc_files(entry.get(key))
    return found


@lru_cache(maxsize=None)
def toc_docnames(root: Path = ROOT) -> tuple[str, ...]:
    """Every document of the book in ``_toc.yml`` order, root first, no suffix."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    names = [str(toc["root"])] + _toc_files([toc])
    return tuple(dict.fromkeys(re.sub(r"\.(ipynb|md)$", "", n) for n in names))


def page_paths(root: Path = ROOT) -> list[str]:
    """Every HTML page the built book must have, relative to its root."""
    return [f"{name}.html" for name in toc_docnames(root)] + list(EXTRA_PAGES)


def source_of(docname: str, root: Path = ROOT) -> Path | None:
    """The source file of a document (``.ipynb`` or ``.md``), if it exists."""
    for suffix in (".ipynb", ".md"):
        path = root / f"{docname}{suffix}"
        if path.exists():
            return path
    return None


def notebook_docnames(root: Path = ROOT) -> list[str]:
    """Documents of the book whose source is a notebook."""
    return [n for n in toc_docnames(root)
            if (src := source_of(n, root)) is not None and src.suffix == ".ipynb"]


def first_chapter(root: Path = ROOT) -> str:
    """The first chapter (the introduction): the first document after the root."""
    return toc_docnames(root)[1]


def is_text(path: Path | str) -> bool:
    return Path(str(path).split("?")[0]).suffix.lower() in TEXT_SUFFIXES


@lru_cache(maxsize=4096)
def _gzip_size(path: Path, mtime: float) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6, mtime=0))


def transfer_size(path: Path) -> int:
    """Bytes a reader downloads for ``path``: gzip-compressed for text files,
    as GitHub Pages serves them, the file itself otherwise."""
    if is_text(path):
        return _gzip_size(path, path.stat().st_mtime)
    return path.stat().st_size


def site_files(html_dir: Path) -> list[Path]:
    return [p for p in html_dir.rglob("*") if p.is_file()]


def fmt_bytes(n: int) -> str:
    return f"{n / 1024:8.0f} kB" if n < 1024 * 1024 else f"{n / 1024 / 1024:8.2f} MB"
