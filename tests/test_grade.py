"""The instructor's grader, end to end: ``python -m lossbook.grade`` on class folders.

One class folder holds submissions of exercise 02_mse_mae: a perfect one, a
blank one, one that kills its own process after the setup cell, one that is
not a notebook at all, one with a function that loops forever and a cell that
loops forever, one that switches off the cell timer and then hangs, one with a
cell that has no source, one whose check cells were moved to the top, and a
notebook that matches no exercise. Each costs what it breaks and no more, in
one run of the command. Another class folder holds the blank notebook and the
solution of every exercise: 0 and full marks.
"""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from attacks.submissions import blank, points, replaced, solved, with_cell

from lossbook import grade
from lossbook.grading import exercises

ROOT = Path(__file__).resolve().parent.parent
EXERCISE = "02_mse_mae"
NAMES = exercises.exercise_names()


def _points(name: str = EXERCISE) -> dict[str, float]:
    return points(name)


@pytest.fixture(scope="module")
def klass(tmp_path_factory, built):
    """A class folder of submissions of exercise 02_mse_mae."""
    perfect = solved(built(EXERCISE))
    folder = tmp_path_factory.mktemp("class")
    files = {
        "perfect": folder / "alice" / f"{EXERCISE}.ipynb",
        "blank": folder / "bob" / f"{EXERCISE}.ipynb",
        "crashing": folder / "carol" / "02-mse-mae (1).ipynb",
        "not a notebook": folder / "dan" / f"{EXERCISE}.ipynb",
        "loops": folder / f"erin_{EXERCISE}.ipynb",
        "hanging": folder / "frank" / f"{EXERCISE}.ipynb",
        "no source": folder / "grace" / f"{EXERCISE}.ipynb",
        "checks moved": folder / "heidi" / f"{EXERCISE}.ipynb",
        "unmatched": folder / "ivan" / "homework.ipynb",
    }
    for path in files.values():
        path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(perfect, files["perfect"])
    nbformat.write(blank(EXERCISE), files["blank"])
    nbformat.write(with_cell(perfect, "import os\nos._exit(1)"), files["crashing"])
    files["not a notebook"].write_text('{"cells": [ this is not JSON')
    loops = replaced(perfect, "q1-answer",
                     'def mse(y_true, y_pred, reduction="mean"):\n    while True:\n        pass')
    nbformat.write(replaced(loops, "q4-answer", "while True:\n    pass"), files["loops"])
    hanging = with_cell(perfect, "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                                 "signal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
                                 "while True:\n    pass", after="q4-answer")
    nbformat.write(hanging, files["hanging"])
    raw = json.loads(nbformat.writes(perfect))
    setup = next(c for c in raw["cells"] if c.get("id") == "setup")
    raw["cells"].insert(raw["cells"].index(setup) + 1,
                        {"cell_type": "code", "metadata": {}, "outputs": []})
    files["no source"].write_text(json.dumps(raw))
    moved = perfect.copy()
    checks = [c for c in perfect.cells if c.source.startswith("grader.check")]
    moved.cells = checks + [c for c in perfect.cells if c not in checks]
    nbformat.write(moved, files["checks moved"])
    unmatched = perfect.copy()
    unmatched.metadata = {}
    nbformat.write(unmatched, files["unmatched"])
    return folder, files


def _digests(files) -> dict:
    return {k: hashlib.sha256(p.read_bytes()).hexdigest() for k, p in files.items()}


def _rows(csv_path: Path) -> tuple[list[str], dict[str, dict[str, dict]]]:
    with open(csv_path, newline="") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames
        rows: dict[str, dict[str, dict]] = {}
        for row in reader:
            rows.setdefault(row["notebook"], {})[row["question"]] = row
    return header, rows


def run_grader(folder: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    # The class folder is named relative to the working directory, as an instructor
    # would type it.
    return subprocess.run(
        [sys.executable, "-m", "lossbook.grade", "--cell-timeout", "3", "--call-timeout", "1",
         "--out", str(out), *extra, folder.name],
        capture_output=True, text=True, cwd=folder.parent, timeout=900)


@pytest.fixture(scope="module")
def graded(klass, tmp_path_factory):
    folder, files = klass
    before = _digests(files)
    out = tmp_path_factory.mktemp("out") / "scores.csv"
    proc = run_grader(folder, out)
    return {"proc": proc, "out": out, "before": before, "after": _digests(files),
            "files": files, "folder": folder}


def _for(graded, key):
    header, rows = _rows(graded["out"])
    return rows[str(graded["files"][key].relative_to(graded["folder"].parent))]


def _scores(rows):
    return {q: float(r["score"]) for q, r in rows.items()}


def test_grading_completes_with_exit_status_0(graded):
    assert graded["proc"].returncode == 0, graded["proc"].stderr[-3000:]


def test_the_active_protections_are_printed_first(graded):
    first = graded["proc"].stdout.splitlines()[0]
    assert first.startswith("Sandbox: learner code runs in its own process")
    assert "memory 2048 MiB" in first


def test_csv_has_one_row_per_question_of_every_notebook(graded):
    header, rows = _rows(graded["out"])
    assert header == ["notebook", "question", "score", "possible", "note"]
    assert len(rows) == 9
    points = _points()
    for name, questions in rows.items():
        if name.endswith("homework.ipynb"):
            continue
        assert sorted(questions) == sorted(points)
        assert {q: float(r["possible"]) for q, r in questions.items()} == points


def test_perfect_submission_scores_full_marks(graded):
    rows = _for(graded, "perfect")
    assert _scores(rows) == _points()
    assert all(r["note"] == "" for r in rows.values())


def test_blank_submission_scores_zero_with_feedback(graded):
    rows = _for(graded, "blank")
    assert all(float(r["score"]) == 0 for r in rows.values())
    assert "returned None" in rows["q1"]["note"]
    assert all("returned None" in r["note"] or "still `...`" in r["note"] for r in rows.values())


@pytest.mark.parametrize("key", ["crashing", "hanging", "no source", "checks moved"])
def test_a_cell_that_crashes_hangs_or_is_malformed_costs_nothing_else(graded, key):
    assert _scores(_for(graded, key)) == _points()


def test_the_summary_says_what_happened_to_a_cell(graded):
    out = graded["proc"].stdout

    def line(key):
        path = str(graded["files"][key].relative_to(graded["folder"].parent))
        return next(text for text in out.splitlines() if text.startswith(path))

    assert "stopped the sandbox" in line("crashing")
    assert "did not answer within" in line("hanging")
    assert "has no readable source and was skipped" in line("no source")


def test_file_that_is_not_a_notebook_scores_zero_with_a_note(graded):
    rows = _for(graded, "not a notebook")
    assert all(float(r["score"]) == 0 for r in rows.values())
    assert all("could not read the notebook" in r["note"] for r in rows.values())


def test_a_notebook_that_matches_no_exercise_is_a_row_with_a_note(graded):
    rows = _for(graded, "unmatched")
    assert list(rows) == [""]
    assert float(rows[""]["score"]) == 0 and "matches no exercise" in rows[""]["note"]


def test_endless_loops_cost_only_their_questions(graded):
    rows = _for(graded, "loops")
    points = _points()
    scores = _scores(rows)
    assert scores["q1"] == 0 and "did not return within 1 seconds" in rows["q1"]["note"]
    assert scores["q4"] == 0 and "not defined" in rows["q4"]["note"]
    assert "interrupted" in rows["q4"]["note"]
    # Questions that do not use mse or the looping cell keep their points.
    assert all(scores[q] == points[q] and rows[q]["note"] == "" for q in ("q2", "q3")), scores


def test_summary_table_is_printed(graded):
    out = graded["proc"].stdout
    assert "notebook" in out and "score" in out and "possible" in out
    total = sum(_points().values())
    perfect = str(graded["files"]["perfect"].relative_to(graded["folder"].parent))
    perfect_line = next(line for line in out.splitlines() if line.startswith(perfect))
    assert perfect_line.split()[2:4] == [f"{total:g}", f"{total:g}"]
    assert "Graded 9 notebook(s)" in out


def test_learners_notebooks_are_never_modified(graded):
    assert graded["before"] == graded["after"]


@pytest.fixture(scope="module")
def every_exercise(tmp_path_factory, built):
    """The blank notebook and the solution of every exercise, graded in one run."""
    folder = tmp_path_factory.mktemp("all")
    for name in NAMES:
        nbformat.write(blank(name), folder / f"blank-{name}.ipynb")
        nbformat.write(solved(built(name)), folder / f"solution-{name}.ipynb")
    out = tmp_path_factory.mktemp("out") / "scores.csv"
    proc = run_grader(folder, out)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {k.split("/")[-1]: v for k, v in _rows(out)[1].items()}


@pytest.mark.parametrize("name", NAMES)
def test_blank_scores_zero_and_solution_full_marks(every_exercise, name):
    points = _points(name)
    assert _scores(every_exercise[f"solution-{name}.ipynb"]) == points
    assert set(_scores(every_exercise[f"blank-{name}.ipynb"]).values()) == {0.0}


@pytest.mark.parametrize("args, words", [
    ([], "the following arguments are required"),
    (["no/such/notebook.ipynb"], "does not exist"),
    (["README.md"], "is not a notebook"),
    (["--timeout", "0", "exercises/02_mse_mae.ipynb"], "--timeout must be a positive"),
    (["--memory", "-1", "exercises/02_mse_mae.ipynb"], "must be a positive number"),
])
def test_usage_errors_exit_2(args, words):
    proc = subprocess.run([sys.executable, "-m", "lossbook.grade", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2
    assert words in proc.stderr


def test_matching_by_file_name_then_by_metadata(tmp_path):
    names = ["01_introduction", "02_mse_mae", "03_cross_entropy"]
    assert grade.match_exercise(Path("x/bob-02-MSE-mae (1).ipynb"), names) == "02_mse_mae"
    assert grade.match_exercise(Path("03_cross_entropy_final.ipynb"), names) == "03_cross_entropy"
    renamed = tmp_path / "homework.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.metadata["otter"] = {"assignment_name": "01_introduction"}
    nbformat.write(nb, renamed)
    assert grade.match_exercise(renamed, names) == "01_introduction"
    nb.metadata["otter"] = {"assignment_name": "99_unknown"}
    nbformat.write(nb, renamed)
    assert grade.match_exercise(renamed, names) is None
