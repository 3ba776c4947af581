r"""Flashcards for each chapter, made from the glossary so the two cannot disagree.

The glossary (``pages/glossary.md``) is the one source: a chapter's cards are
the glossary terms the chapter links to, in the order it first uses them, each
card showing the term on its front and the glossary's definition (formula
included) on its back. ``python -m lossbook.book.flashcards`` writes them to
``chapters/flashcards/NN_name.json`` in the format of ``jupytercards``, which
shows them in the chapter (in JupyterLab and in the built book); a test fails
when a file differs from what the glossary and the chapter give today.

A chapter links a term either with the MyST role ``{term}`loss function``` or
with a Markdown link to its glossary entry,
``[loss](../pages/glossary.md#term-loss-function)``.

Examples
--------
>>> terms = parse_glossary('''
... ```{glossary}
... Loss function
...   A score of how wrong a prediction is.
...
... Mean squared error
...   The mean of $(\\hat y - y)^2$.
... ```
... ''')
>>> list(terms)
['Loss function', 'Mean squared error']
>>> linked_terms("A [loss](../pages/glossary.md#term-loss-function), then {term}`MSE <Mean squared error>`.",
...              terms)
['Loss function', 'Mean squared error']
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from .nbtools import term_id

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = ROOT / "pages" / "glossary.md"
CHAPTERS = ROOT / "chapters"
OUT = CHAPTERS / "flashcards"

_ROLE = re.compile(r"\{term\}`([^`]+)`")
_LINK = re.compile(r"\]\([^)\s]*glossary(?:\.md)?#term-([A-Za-z0-9_-]+)\)")


def parse_glossary(text: str) -> dict[str, str]:
    """Term -> definition, in the glossary's order, from the ``{glossary}`` block."""
    match = re.search(r"```\{glossary\}\n(.*?)\n```", text, re.S)
    if not match:
        raise ValueError("no ```{glossary} block found; the glossary page must keep one")
    terms: dict[str, str] = {}
    current = None
    for line in match.group(1).splitlines():
        if not line.strip():
            continue
        if line.startswith((" ", "\t")):
            if current is None:
                raise ValueError(f"a definition line comes before any term: {line.strip()!r}")
            terms[current] = (terms[current] + " " + line.strip()).strip()
        else:
            current = line.strip()
            terms[current] = ""
    return terms


def linked_terms(markdown: str, terms: dict[str, str]) -> list[str]:
    """The glossary terms ``markdown`` links to, in order of first use."""
    by_id = {term_id(t): t for t in terms}
    by_lower = {t.lower(): t for t in terms}
    found: list[tuple[int, str]] = []
    for m in _ROLE.finditer(markdown):
        inner = m.group(1)
        target = inner.rsplit("<", 1)[1].rstrip(">").strip() if inner.endswith(">") else inner
        term = by_lower.get(target.strip().lower())
        if term:
            found.append((m.start(), term))
    for m in _LINK.finditer(markdown):
        term = by_id.get("term-" + m.group(1).lower())
        if term:
            found.append((m.start(), term))
    seen: list[str] = []
    for _, term in sorted(found):
        if term not in seen:
            seen.append(term)
    return seen


def chapter_markdown(notebook: Path) -> str:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    return "\n\n".join("".join(c.get("source", "")) for c in nb["cells"] if c["cell_type"] == "markdown")


def cards(notebook: Path, glossary: Path = GLOSSARY) -> list[dict[str, str]]:
    """The flashcards of one chapter: ``[{"front": term, "back": definition}, ...]``."""
    terms = parse_glossary(glossary.read_text(encoding="utf-8"))
    return [{"front": t, "back": terms[t]} for t in linked_terms(chapter_markdown(notebook), terms)]


def render(notebook: Path) -> str:
    return json.dumps(cards(notebook), indent=1, ensure_ascii=False) + "\n"


def chapters() -> list[Path]:
    return sorted(CHAPTERS.glob("[0-9][0-9]_*.ipynb"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lossbook.book.flashcards",
                                     description="Write each chapter's flashcards from the glossary.")
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 when a flashcard file is out of date")
    args = parser.parse_args(argv)
    stale = []
    OUT.mkdir(exist_ok=True)
    for nb in chapters():
        target = OUT / f"{nb.stem}.json"
        text = render(nb)
        if target.exists() and target.read_text(encoding="utf-8") == text:
            continue
        stale.append(target.relative_to(ROOT))
        if not args.check:
            target.write_text(text, encoding="utf-8")
    if args.check and stale:
        print("out of date (run python -m lossbook.book.flashcards): "
              + ", ".join(map(str, stale)), file=sys.stderr)
        return 1
    for path in stale:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
