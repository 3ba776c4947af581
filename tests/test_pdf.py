"""The whole book as one PDF: it builds, holds every chapter with its math and
figures, and the front page links to it.

The README's first command builds it (``python -m lossbook.book.pdf``) when
LaTeX is installed; these tests skip, saying what to install, when it is not.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import yaml

from lossbook.book import pdf

ROOT = pdf.ROOT

pytestmark = [
    pytest.mark.book,
    pytest.mark.skipif(bool(pdf.missing_tools()),
                       reason="LaTeX is not installed: sudo apt-get install "
                       + " ".join(pdf.DEBIAN_PACKAGES)),
]


def _plain(tex: str) -> str:
    """A title as LaTeX wrote it, as text: ``Cross\\sphinxhyphen{}entropy`` -> ``Cross-entropy``."""
    tex = re.sub(r"\\sphinxhyphen\s*\{\}", "-", tex)
    return re.sub(r"\s+", " ", tex).strip()


def _braced(text: str) -> str:
    """What comes before the ``}`` that closes an already opened ``{``."""
    depth = 1
    for i, ch in enumerate(text):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth == 0:
            return text[:i]
    return text


def _chapter_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    part = next(p for p in toc["parts"] if p["caption"] == "Chapters")
    return [c["file"] for c in part["chapters"]]


def _title(chapter: str) -> str:
    import json

    nb = json.loads((ROOT / f"{chapter}.ipynb").read_text(encoding="utf-8"))
    first = "".join(nb["cells"][0]["source"]).splitlines()[0]
    assert first.startswith("# "), f"{chapter} should open with its title"
    return first[2:].strip()


@pytest.fixture(scope="module")
def built_pdf(html_dir):
    """The PDF beside the HTML book, built now if the README's command did not."""
    target = html_dir / pdf.NAME
    if not target.is_file():
        pdf.build(ROOT)
    return target


@pytest.fixture(scope="module")
def tex(built_pdf) -> str:
    return (ROOT / "_build" / "latex" / pdf.NAME.replace(".pdf", ".tex")).read_text(encoding="utf-8")


def test_pdf_is_a_pdf_of_many_pages(built_pdf):
    assert built_pdf.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(built_pdf)], capture_output=True, text=True).stdout
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        assert pages >= 5 * len(_chapter_files())


def test_table_of_contents_lists_every_chapter_in_order(built_pdf):
    toc = (ROOT / "_build" / "latex" / pdf.NAME.replace(".pdf", ".toc")).read_text(encoding="utf-8")
    chapters = re.findall(r"\\contentsline \{chapter\}\{\\numberline \{(\d+)\}(.*?)\}\{", toc)
    titles = [_title(c) for c in _chapter_files()]
    found = [_plain(t) for _, t in chapters]
    for number, title in enumerate(titles, start=1):
        assert title in found, f"chapter {number}, {title!r}, is not in the PDF's contents"
    assert [found.index(t) for t in titles] == sorted(found.index(t) for t in titles)


def test_every_chapter_has_math_and_figures(tex):
    parts = re.split(r"\\chapter\{", tex)[1:]
    by_title = {_plain(_braced(p)): p for p in parts}
    for chapter in _chapter_files():
        body = by_title.get(_title(chapter))
        assert body is not None, f"{chapter} is missing from the PDF"
        assert body.count("\\sphinxincludegraphics") >= 2, f"{chapter}: its figures are missing"
        assert ("\\(" in body) or ("\\begin{equation" in body) or ("\\[" in body), (
            f"{chapter}: its math is missing")


@pytest.mark.skipif(shutil.which("pdftotext") is None,
                    reason="pdftotext is missing: sudo apt-get install poppler-utils")
def test_pdf_text_holds_every_chapter_title(built_pdf):
    text = subprocess.run(["pdftotext", str(built_pdf), "-"], capture_output=True, text=True).stdout
    text = re.sub(r"\s+", " ", text)
    for chapter in _chapter_files():
        assert _title(chapter) in text, chapter


def test_front_page_links_to_the_pdf(built_pdf, html_dir):
    index = (html_dir / "index.html").read_text(encoding="utf-8")
    assert f'href="{pdf.NAME}"' in index
    assert (html_dir / pdf.NAME).is_file()


def test_ci_and_readme_build_the_pdf_with_the_packages_it_needs():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for package in pdf.DEBIAN_PACKAGES:
        assert package in ci and package in readme, package
    assert "jupyter-book build . && python -m lossbook.book.pdf" in ci
    assert "jupyter-book build . && python -m lossbook.book.pdf" in readme
