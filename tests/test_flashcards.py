"""Each chapter's flashcards come from the glossary and are shown in the chapter."""

from __future__ import annotations

import json

import pytest

from lossbook.book import flashcards

CHAPTERS = flashcards.chapters()


def test_there_are_chapters():
    assert len(CHAPTERS) >= 8


@pytest.mark.parametrize("notebook", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_cards_file_is_generated_from_the_glossary(notebook):
    target = flashcards.OUT / f"{notebook.stem}.json"
    assert target.exists(), f"{target.name} is missing: run python -m lossbook.book.flashcards"
    assert target.read_text(encoding="utf-8") == flashcards.render(notebook), (
        f"{target.name} is out of date: run python -m lossbook.book.flashcards")


@pytest.mark.parametrize("notebook", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_chapter_has_enough_cards_and_shows_them(notebook):
    cards = flashcards.cards(notebook)
    assert len(cards) >= 5, f"{notebook.name} links only {len(cards)} glossary terms"
    assert all(card["front"] and card["back"] for card in cards), "a term without a definition"
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    calls = [c for c in nb["cells"] if c["cell_type"] == "code"
             and f'flashcards/{notebook.stem}.json' in "".join(c["source"])]
    assert len(calls) == 1, f"{notebook.name} should show its flashcards once"
    assert "display_flashcards" in "".join(calls[0]["source"])


def test_parse_glossary_rejects_a_page_without_a_glossary():
    with pytest.raises(ValueError, match="glossary"):
        flashcards.parse_glossary("# Glossary\n\nNo block here.\n")


def test_linked_terms_ignores_unknown_terms_and_keeps_first_use_order():
    terms = {"Margin": "m", "Hinge loss": "h"}
    text = ("{term}`hinge loss` then [m](../pages/glossary.md#term-margin) "
            "and {term}`unknown` and {term}`Hinge loss` again")
    assert flashcards.linked_terms(text, terms) == ["Hinge loss", "Margin"]


@pytest.mark.parametrize("notebook", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_colab_installs_the_pinned_jupytercards(notebook):
    """Colab opens a chapter on its own: its first cell installs what shows the cards."""
    pin = next(line.strip() for line in (flashcards.ROOT / "requirements.txt").read_text().splitlines()
               if line.startswith("jupytercards=="))
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    colab = next("".join(c["source"]) for c in nb["cells"]
                 if c["cell_type"] == "code" and "google.colab" in "".join(c["source"]))
    assert pin in colab, f"{notebook.name}: the Colab cell should install {pin}"
