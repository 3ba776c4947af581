"""Every notebook reads cleanly in JupyterLab, Colab and VS Code.

Those show MyST roles and directives as raw text ("{term}`loss function`",
"(ce-apis)=", ":::{note}"); notebooks use plain Markdown links and HTML
instead, which the book resolves to the same glossary entries and sections.
``python -m lossbook.book.nbtools fix-markup --all`` rewrites what is left.
Every relative link must point to a file, and its ``#anchor`` to a heading,
glossary term or id of that file.
"""

from __future__ import annotations

import nbformat
import pytest

from lossbook.book.nbtools import broken_links, course_notebooks, raw_markup

NOTEBOOKS = course_notebooks()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_markup_that_only_the_book_understands(path):
    nb = nbformat.read(path, as_version=4)
    raw = [f"cell {i}: {piece}" for i, cell in enumerate(nb.cells) if cell.cell_type == "markdown"
           for piece in raw_markup(cell.source)]
    assert not raw, (f"{path.parent.name}/{path.name} shows raw book markup in JupyterLab:\n"
                     + "\n".join(raw) + f"\nRun `python -m lossbook.book.nbtools fix-markup {path}`.")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_link_points_somewhere(path):
    problems = broken_links(path)
    assert not problems, f"{path.parent.name}/{path.name}: broken links:\n" + "\n".join(problems)
