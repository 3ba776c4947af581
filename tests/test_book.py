"""The book builds strictly, and every notebook is committed clean."""

from __future__ import annotations

import re

import nbformat
import pytest

from lossbook.book.nbtools import course_notebooks, stray_outputs

NOTEBOOKS = course_notebooks()


def test_book_builds_with_warnings_as_errors(book_build):
    log = book_build.stdout + book_build.stderr
    assert book_build.returncode == 0, log[-6000:]
    warnings = [line for line in log.splitlines() if re.search(r"\bWARNING\b|\bERROR\b", line)
                and "Kernel is running over TCP" not in line]
    assert not warnings, "\n".join(warnings[:20])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_notebook_carries_only_pinned_outputs(path):
    nb = nbformat.read(path, as_version=4)
    bad = stray_outputs(nb)
    assert not bad, (
        f"{path.name}: code cells {bad} carry output that is not pinned (or are tagged "
        f"nbval-check-output without an output). Run `python -m lossbook.book.nbtools pin {path}`."
    )
    assert "widgets" not in nb.metadata, f"{path.name} carries saved widget state"


def test_there_are_notebooks_to_check():
    assert len(NOTEBOOKS) >= 22


CHAPTERS = [p for p in NOTEBOOKS if p.parent.name == "chapters"]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_opens_in_colab(path):
    """Colab's launch button opens a notebook alone, without the course package:
    the first code cell fetches the course there, and is hidden in the book."""
    nb = nbformat.read(path, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert 'if "google.colab" in sys.modules:' in first.source, (
        f"{path.name}: the first code cell must be the Colab set-up cell (see chapters/01_introduction.ipynb)")
    assert "pip install" in first.source and "%cd /content/course/chapters" in first.source
    assert "remove-cell" in first.metadata.get("tags", [])
