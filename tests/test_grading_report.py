"""The instructor's report page (``python -m lossbook.grade --report``): what the class got wrong.

A generated class with known mistakes (30 graded notebooks: 12 learners sum
instead of averaging in q1, 5 forget the absolute value in q2, 3 drop the
factor 2 in q3, 13 leave q4 blank; plus notebooks that could not be graded)
must come out ranked and counted, anonymised and accessible: unit tests on
the HTML, one test in headless Chromium (with axe-core), and one end to end
through the grading command on real notebooks of exercise 02_mse_mae.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from lossbook.grading.report import mistakes_of, render, summarise, write_report

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the benchmarks package (class generator) lives at the root
    sys.path.insert(0, str(ROOT))

SUM = "Did you sum the squared errors instead of averaging them?"
ABS = "Did you forget the absolute value? Positive and negative errors cancel."
TWO = "Did you drop the factor 2 of the derivative?"
BLANK = "not answered (still `...`)"
POSSIBLE = {"q1": 4.0, "q2": 3.0, "q3": 3.0, "q4": 2.0}
NAMES = [f"{first}_{last}" for first, last in zip(
    ["alice", "bob", "carol", "dmitri", "erin", "farida", "gustav", "hana", "ivan", "jun"] * 4,
    ["smith", "okafor", "nguyen", "ivanova", "garcia", "haddad", "berg", "sato", "petrov",
     "li"] * 2 + ["moreau", "kowalski", "silva", "tanaka", "muller", "rossi", "jensen",
                  "novak", "costa", "walker"] * 2)]


@dataclass
class Graded:
    """The grader's result for one notebook, as the report reads it."""

    notebook: str
    exercise: str
    scores: dict = field(default_factory=dict)
    possible: dict = field(default_factory=dict)
    notes: dict = field(default_factory=dict)
    note: str = ""
    seconds: float = 1.0
    mistakes: dict = field(default_factory=dict)


def _learner(i: int) -> Graded:
    """Learner ``i`` of the generated class: mistakes chosen by index, known to the test."""
    scores, mistakes = dict(POSSIBLE), {}
    if i < 12:
        scores["q1"], mistakes["q1"] = 1.0, [SUM, SUM]  # named by two checks: counts once
    if 12 <= i < 17:
        scores["q2"], mistakes["q2"] = 0.0, [ABS]
    if i in (0, 20, 21):
        scores["q3"], mistakes["q3"] = 1.0, [TWO, "wrong value"]
    if 17 <= i < 30:
        scores["q4"], mistakes["q4"] = 0.0, [BLANK]
    return Graded(f"submissions/{NAMES[i]}/02_mse_mae.ipynb", "02_mse_mae", scores,
                  dict(POSSIBLE), {q: m[0] for q, m in mistakes.items()}, "", 1.0, mistakes)


def _class() -> list[Graded]:
    results = [_learner(i) for i in range(30)]
    results.append(Graded(f"submissions/{NAMES[30]}/02_mse_mae.ipynb", "02_mse_mae",
                          dict.fromkeys(POSSIBLE, 0.0), dict(POSSIBLE), {},
                          "timed out: grading took longer than 60 s; every question scores 0"))
    results.append(Graded(f"submissions/{NAMES[31]}/02_mse_mae.ipynb", "02_mse_mae",
                          dict.fromkeys(POSSIBLE, 0.0), dict(POSSIBLE), {},
                          "could not read the notebook (NotJSONError: Notebook does not "
                          f"appear to be JSON: {NAMES[31]})"))
    results.append(Graded(f"submissions/{NAMES[32]}/homework.ipynb", "", note=(
        "matches no exercise: its file name must contain the exercise's name, one of "
        "01_introduction, 02_mse_mae")))
    return results


@pytest.fixture(scope="module")
def page() -> str:
    return render(_class())


def _text(page_html: str) -> str:
    """The page's visible text, tags removed and entities decoded."""
    no_style = re.sub(r"<style>.*?</style>|<title>.*?</title>", " ", page_html, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", no_style)))


def test_reteach_first_ranks_the_named_mistakes_by_learners(page):
    box = re.search(r'<section class="reteach".*?</section>', page, re.S).group(0)
    items = [_text(li) for li in re.findall(r"<li>.*?</li>", box, re.S)]
    assert len(items) == 3
    # 13 left q4 blank, more than made any mistake, but a blank is not a mistake to re-teach
    assert SUM in items[0] and "12 learners, 40% of the class" in items[0]
    assert ABS in items[1] and "5 learners, 17% of the class" in items[1]
    assert TWO in items[2] and "3 learners, 10% of the class" in items[2]
    assert all("not answered" not in item for item in items)


def test_each_question_ranks_its_mistakes_with_counts_and_shares():
    s = summarise(_class())
    [exercise] = s.exercises
    assert exercise.count == 30 and exercise.total_possible == 12
    q = {x.name: x for x in exercise.questions}
    assert [(m.text, m.count) for m in q["q1"].mistakes] == [(SUM, 12)]
    assert [(m.text, m.count) for m in q["q3"].mistakes] == [(TWO, 3), ("wrong value", 3)]
    assert [(m.text, m.count, m.named) for m in q["q4"].mistakes] == [(BLANK, 13, False)]
    assert q["q1"].mean == pytest.approx((12 * 1 + 18 * 4) / 30)
    assert q["q1"].full_share == pytest.approx(18 / 30)
    assert q["q4"].full_share == pytest.approx(17 / 30)
    totals = sorted(sum(r.scores.values()) for r in _class()[:30])
    assert exercise.mean_total == pytest.approx(sum(totals) / 30)
    assert exercise.median_total == pytest.approx((totals[14] + totals[15]) / 2)


def test_the_page_shows_the_tables_and_the_notebooks_not_graded(page):
    text = _text(page)
    assert "30 notebooks graded in 1 exercise; 3 could not be graded" in text
    assert f"{SUM} 12 40%" in text  # the q1 mistake table row
    assert "not answered (still `...`) 13 43%" in text
    assert "it ran longer than the time limit 1" in text
    assert "it is not a readable notebook 1" in text
    assert "its file name matches no exercise 1" in text
    # the per-question table: points, mean, share with full marks, learners with named mistakes
    assert "q1 4 2.8 60% 12" in text and "q4 2 1.13 57% 0" in text


def test_no_learner_name_or_file_name_appears(page):
    low = page.lower()
    for name in NAMES[:33]:
        assert name not in low, name
    assert "submissions" not in low and ".ipynb" not in low and "homework" not in low


def test_every_plot_is_an_embedded_image_with_alt_text_and_nothing_is_loaded(page):
    images = re.findall(r"<img\b[^>]*>", page)
    assert len(images) == len(POSSIBLE)
    for tag in images:
        assert 'src="data:image/png;base64,' in tag
        alt = html.unescape(re.search(r'alt="([^"]*)"', tag).group(1))
        assert len(alt) > 40 and "scores of the 30 notebooks" in alt
    assert "<svg" not in page or all("aria-label" in t for t in re.findall(r"<svg\b[^>]*>", page))
    q1_alt = html.unescape(re.findall(r'alt="([^"]*)"', images[0])[0])
    assert "12 at 25%, 18 at 100%" in q1_alt
    assert re.search(r"<title>[^<]{10,}</title>", page) and '<html lang="en">' in page
    assert not re.search(r"<(script|link|iframe)\b|\bsrc=\"(?!data:)|url\(|@import", page)


def test_mistakes_come_from_the_notes_when_the_grader_records_none():
    old = Graded("x/alice/02_mse_mae.ipynb", "02_mse_mae", {"q1": 1.0}, {"q1": 4.0}, {
        "q1": "mse([1.0, 2.0, 3.0, 4.0], [2.0, 2.0, 1.0, 5.0]) returned 6.0, but the right "
              "value is 1.5. It is 4 times too large. " + SUM})
    del old.mistakes
    raised = Graded("x/bob/02_mse_mae.ipynb", "02_mse_mae", {"q1": 0.0}, {"q1": 4.0}, {
        "q1": "mse([1.0], [2.0]) raised ValueError: bob was here (in mse, at `raise "
              "ValueError('bob was here')`)."})
    del raised.mistakes
    assert mistakes_of(old) == {"q1": [SUM]}
    assert mistakes_of(raised) == {"q1": ["raised ValueError"]}
    assert "bob was here" not in render([old, raised])


def test_failures_that_follow_from_a_missing_answer_are_not_counted():
    stub = Graded("a/02_mse_mae.ipynb", "02_mse_mae", {"q1": 0.0}, {"q1": 4.0},
                  mistakes={"q1": ["returned None", "did not raise ValueError"]})
    lax = Graded("b/02_mse_mae.ipynb", "02_mse_mae", {"q1": 3.0}, {"q1": 4.0},
                 mistakes={"q1": ["did not raise ValueError"]})
    s = summarise([stub, lax])
    [q] = s.exercises[0].questions
    assert [(m.text, m.count) for m in q.mistakes] == [
        ("did not raise ValueError", 1), ("returned None", 1)]
    assert [(m.text, m.count) for m in s.reteach] == [("did not raise ValueError", 1)]


def test_scores_out_of_range_or_nan_are_clamped():
    odd = [Graded("a/02_mse_mae.ipynb", "02_mse_mae", {"q1": 1000.0}, {"q1": 4.0}),
           Graded("b/02_mse_mae.ipynb", "02_mse_mae", {"q1": float("nan")}, {"q1": 4.0},
                  mistakes={"q1": [SUM]}),
           Graded("c/02_mse_mae.ipynb", "02_mse_mae", {"q1": -3.0}, {"q1": 4.0},
                  mistakes={"q1": [SUM]})]
    [q] = summarise(odd).exercises[0].questions
    assert q.fractions == [1.0, 0.0, 0.0] and q.mean == pytest.approx(4 / 3)


def test_a_learner_name_in_a_mistake_is_removed():
    g = Graded("class/zelda_q/02_mse_mae.ipynb", "02_mse_mae", {"q1": 0.0}, {"q1": 4.0},
               mistakes={"q1": ["Zelda_Q forgot the mean"]})
    other = Graded("class/yannick/02_mse_mae.ipynb", "02_mse_mae", {"q1": 4.0}, {"q1": 4.0})
    page = render([g, other])
    assert "zelda" not in page.lower() and "yannick" not in page.lower()


def test_write_report_names_a_missing_folder(tmp_path):
    path = write_report(_class()[:3], tmp_path / "report.html")
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    with pytest.raises(FileNotFoundError, match="does not exist; create it"):
        write_report(_class()[:3], tmp_path / "missing" / "report.html")


def test_an_empty_class_still_makes_a_page():
    page = render([])
    assert "0 notebooks graded" in _text(page) and "nothing to re-teach" in _text(page)


# -- in a browser -----------------------------------------------------------------------


@pytest.mark.browser
def test_the_report_renders_in_chromium_accessibly(tmp_path, browser):
    """In the session's shared Chromium (tests/conftest.py): Playwright's
    synchronous API runs one instance per process."""
    from test_browser import _axe

    path = write_report(_class(), tmp_path / "report.html")
    requested = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
                      else (requested.append(r.request.url), r.abort()))
        page = context.new_page()
        errors = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_function(
            "() => Array.from(document.images).length > 0 && "
            "Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
        images = page.evaluate(
            "() => Array.from(document.images).map(i => [i.alt, i.naturalWidth])")
        assert len(images) == len(POSSIBLE)
        assert all(len(alt) > 40 and width > 100 for alt, width in images), images
        top = page.locator(".reteach li").first
        top.wait_for(state="visible")
        assert SUM in top.inner_text()
        assert page.get_by_text(SUM).first.is_visible()
        assert page.title() == "What the class got wrong"
        violations = _axe(page)
        assert not violations, "axe-core reports:\n" + "\n".join(violations)
        assert not requested and not errors, (requested, errors)
    finally:
        context.close()


# -- end to end through the grading command ------------------------------------------------


def test_a_graded_class_names_its_most_common_mistake_first(tmp_path):
    help_text = subprocess.run([sys.executable, "-m", "lossbook.grade", "--help"], cwd=ROOT,
                               capture_output=True, text=True, timeout=120)
    if help_text.returncode != 0 or "--report" not in help_text.stdout:
        pytest.skip("`python -m lossbook.grade` has no --report option here: "
                    + (help_text.stderr.strip().splitlines() or ["no --report in its --help"])[-1])
    from benchmarks.grading import make_class

    # sums instead of averaging, and only that: every other check of mse passes
    summing = {"question": "q1", "mistake": "sums", "answer": '''
def mse(y_true, y_pred, reduction="mean"):
    squared = (np.asarray(y_pred, dtype=float) - np.asarray(y_true, dtype=float)) ** 2
    if reduction == "none":
        return squared
    if reduction in ("mean", "sum"):
        return float(np.sum(squared))
    raise ValueError(f"unknown reduction {reduction!r}: use 'mean', 'sum' or 'none'")
'''}
    sums = {"q1": "sums"}
    plan = [sums, sums, sums, {"q1": "takes the root (RMSE)"}, {}, None]
    make_class(tmp_path / "class", plan, extra=[summing])
    report = tmp_path / "report.html"
    proc = subprocess.run(
        [sys.executable, "-m", "lossbook.grade", str(tmp_path / "class"), "--out",
         str(tmp_path / "scores.csv"), "--report", str(report)],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    page = report.read_text(encoding="utf-8")
    first = _text(re.search(r'<section class="reteach".*?</li>', page, re.S).group(0))
    assert "sum the squared errors instead of averaging" in first, first
    assert "3 learners, 50% of the class" in first, first
    assert "6 notebooks graded" in _text(page)
    assert "learner00" not in page and str(tmp_path) not in page


def test_the_command_refuses_a_report_in_a_missing_folder_before_grading(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "lossbook.grade", str(ROOT / "exercises" / "02_mse_mae.ipynb"),
         "--out", str(tmp_path / "scores.csv"), "--report", str(tmp_path / "no" / "r.html")],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "the folder of --report" in proc.stderr
    assert not (tmp_path / "scores.csv").exists()  # nothing was graded
