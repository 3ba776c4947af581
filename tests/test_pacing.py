"""One source of truth for the time each chapter takes.

Every chapter states its time on one line, near its objectives::

    **Time.** About N minutes (core path M minutes): intuition 5, ..., bonus: the libraries 10

The parts add up to N; the parts named "bonus: ..." add up to N - M, and the
chapter marks those sections with a "Bonus" heading. The front page repeats N
and M for every chapter ("N min (core M)") and gives the core and full paths
as the sums of M and of N.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
TIME_LINE = re.compile(r"^\*\*Time\.\*\* About (\d+) minutes \(core path (\d+) minutes\): (.+?)\.?$",
                       re.M)
PART = re.compile(r"\s*(\S.*?)\s+(\d+)\s*(?:,|$)")


def chapters() -> list[str]:
    """The chapter files of the table of contents, in order, without suffix."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    part = next(p for p in toc["parts"] if p.get("caption") == "Chapters")
    return [entry["file"] for entry in part["chapters"]]


def parse_parts(text: str) -> list[tuple[str, int]]:
    """``"intuition 5, bonus: the libraries 10"`` -> ``[("intuition", 5), ("bonus: the libraries", 10)]``.

    A part's name may hold commas ("pitfalls, library table and review 5") and
    digits ("L2 regularisation 5"); its minutes are the number that ends it,
    before a comma or the end. Anything the pattern cannot read is an error.
    """
    parts, pos = [], 0
    for match in PART.finditer(text):
        if match.start() != pos:
            break
        parts.append((match.group(1).strip(), int(match.group(2))))
        pos = match.end()
    if pos != len(text) or not parts:
        raise ValueError(f"cannot read the parts of the time line after {text[:pos]!r}: "
                         f"{text[pos:]!r}; write them as '<section> <minutes>, ...'")
    return parts


def chapter_time(name: str) -> dict:
    nb = nbformat.read(ROOT / f"{name}.ipynb", as_version=4)
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    lines = TIME_LINE.findall(markdown)
    stray = [ln for ln in markdown.splitlines() if ln.startswith("**Time")]
    assert len(lines) == 1 and len(stray) == 1, (
        f"{name}: state the time on exactly one line of the form '**Time.** About N minutes "
        f"(core path M minutes): <section> n1, <section> n2, ...'; found {stray}")
    total, core, text = lines[0]
    headings = [ln for ln in markdown.splitlines() if ln.startswith("#")]
    return {"total": int(total), "core": int(core), "parts": parse_parts(text), "headings": headings}


def test_the_part_reader_reads_names_with_commas_and_refuses_leftovers():
    assert parse_parts("intuition 5, pitfalls, table and review 5, L2 penalty 4, bonus: multiclass 6") == [
        ("intuition", 5), ("pitfalls, table and review", 5), ("L2 penalty", 4), ("bonus: multiclass", 6)]
    with pytest.raises(ValueError, match="cannot read"):
        parse_parts("intuition 5, review")
    with pytest.raises(ValueError, match="cannot read"):
        parse_parts("intuition five")


@pytest.mark.parametrize("name", chapters())
def test_chapter_parts_add_up(name):
    t = chapter_time(name)
    minutes = [m for _, m in t["parts"]]
    bonus = [m for part, m in t["parts"] if part.lower().startswith("bonus")]
    assert sum(minutes) == t["total"], (
        f"{name}: the parts {t['parts']} add up to {sum(minutes)}, not {t['total']}")
    assert 0 < t["core"] <= t["total"]
    assert sum(bonus) == t["total"] - t["core"], (
        f"{name}: the bonus parts add up to {sum(bonus)}, but the core path leaves out "
        f"{t['total'] - t['core']} minutes; name each part a first reading can skip 'bonus: ...'")
    if bonus:
        assert any("bonus" in h.lower() for h in t["headings"]), (
            f"{name}: bonus parts are timed but no heading is marked 'Bonus'")


def test_front_page_shows_each_chapters_time():
    page = (ROOT / "index.md").read_text()
    rows = {ln.split("](", 1)[1].split(")", 1)[0]: ln for ln in page.splitlines()
            if ln.startswith("|") and "](chapters/" in ln}
    for name in chapters():
        t = chapter_time(name)
        expected = f"{t['total']} min (core {t['core']})"
        row = rows.get(f"{name}.ipynb")
        assert row is not None, f"index.md has no table row linking {name}.ipynb"
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        assert cells[-1] == expected, (
            f"index.md gives {name} the time {cells[-1]!r}; the chapter says {expected!r}")


def test_front_page_paths_are_the_sums():
    page = (ROOT / "index.md").read_text()
    times = [chapter_time(name) for name in chapters()]
    core, full = sum(t["core"] for t in times), sum(t["total"] for t in times)
    found_core = re.search(r"\*\*Core path\.\*\* About (\d+) minutes", page)
    found_full = re.search(r"\*\*Full path\.\*\* About (\d+) minutes", page)
    assert found_core and found_full, ("index.md must state '**Core path.** About N minutes' "
                                       "and '**Full path.** About N minutes'")
    assert int(found_core.group(1)) == core, f"the chapters' core paths add up to {core} minutes"
    assert int(found_full.group(1)) == full, f"the chapters' times add up to {full} minutes"


def test_before_you_start_is_linked_and_has_one_dropdown_per_answer():
    page = (ROOT / "index.md").read_text()
    who = page.split("## Who it is for", 1)[1].split("\n## ", 1)[0]
    assert "(pages/before_you_start.md)" in who
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    assert "pages/before_you_start" in files
    text = (ROOT / "pages" / "before_you_start.md").read_text()
    questions = re.findall(r"^## \d\. ", text, re.M)
    assert len(questions) == 5
    assert text.count("<details><summary>Answer</summary>") == 5 == text.count("</details>")
    assert text.count("**Refresh:**") == 5
