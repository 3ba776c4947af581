"""The instructor's grader, end to end: ``python -m lossbook.grade`` on a class folder.

A class folder holds submissions of exercise 02_mse_mae: a perfect one, a
blank one, one whose kernel crashes, one that is not a notebook at all, one
with a function that loops forever and a cell that loops forever (interrupted,
so only those questions lose points), and one that hangs in a way no
interrupt can stop (it times out). Each is graded by otter in its own process
with the hidden tests, in one run of the command.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from lossbook import exercises, grade

ROOT = Path(__file__).resolve().parent.parent
EXERCISE = "02_mse_mae"


def _points() -> dict[str, float]:
    """Question -> points, read from the solution's question configs (not from the grader)."""
    nb = nbformat.read(ROOT / "solutions" / f"{EXERCISE}.ipynb", as_version=4)
    return {q.name: float(q.points) for q in exercises.read_questions(nb)}


def _replace(nb, cell_id: str, source: str):
    nb = copy.deepcopy(nb)
    cell = next(c for c in nb.cells if c.get("id") == cell_id)
    cell.source = source
    return nb


def _insert_after_setup(nb, source: str):
    nb = copy.deepcopy(nb)
    at = next(i for i, c in enumerate(nb.cells) if c.get("id") == "setup") + 1
    nb.cells.insert(at, nbformat.v4.new_code_cell(source))
    return nb


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    """A class folder of submissions of exercise 02_mse_mae."""
    built = exercises.assign(EXERCISE, tmp_path_factory.mktemp("assign"))
    perfect = built.student
    for cell in perfect.cells:  # the learner's notebook with every answer filled in
        solved = next((c for c in built.autograder.cells if c.get("id") == cell.get("id")), None)
        if solved is not None and "otter_answer_cell" in cell.metadata.get("tags", []):
            cell.source = solved.source
    blank = nbformat.read(ROOT / "exercises" / f"{EXERCISE}.ipynb", as_version=4)
    folder = tmp_path_factory.mktemp("class")
    files = {
        "perfect": folder / "alice" / f"{EXERCISE}.ipynb",
        "blank": folder / "bob" / f"{EXERCISE}.ipynb",
        "crashing": folder / "carol" / "02-mse-mae (1).ipynb",
        "not a notebook": folder / "dan" / f"{EXERCISE}.ipynb",
        "loops": folder / f"erin_{EXERCISE}.ipynb",
        "hanging": folder / "frank" / f"{EXERCISE}.ipynb",
    }
    for path in files.values():
        path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(perfect, files["perfect"])
    nbformat.write(blank, files["blank"])
    nbformat.write(_insert_after_setup(perfect, "import os\nos._exit(1)"), files["crashing"])
    files["not a notebook"].write_text('{"cells": [ this is not JSON')
    loops = _replace(perfect, "q1-answer",
                     'def mse(y_true, y_pred, reduction="mean"):\n    while True:\n        pass')
    loops = _replace(loops, "q4-answer", "while True:\n    pass")
    nbformat.write(loops, files["loops"])
    nbformat.write(_insert_after_setup(
        perfect, "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                 "while True:\n    pass"), files["hanging"])
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


TIMEOUT = 40  # seconds per notebook: far more than a notebook needs, even on a busy machine


@pytest.fixture(scope="module")
def graded(klass, tmp_path_factory):
    folder, files = klass
    before = _digests(files)
    out = tmp_path_factory.mktemp("out") / "scores.csv"
    # The class folder is named relative to the working directory, as an instructor
    # would type it.
    proc = subprocess.run(
        [sys.executable, "-m", "lossbook.grade", "--timeout", str(TIMEOUT), "--jobs", "3",
         "--out", str(out), folder.name],
        capture_output=True, text=True, cwd=folder.parent, timeout=900)
    return {"proc": proc, "out": out, "before": before, "after": _digests(files),
            "files": files, "folder": folder}


def _for(graded, key):
    header, rows = _rows(graded["out"])
    return rows[str(graded["files"][key].relative_to(graded["folder"].parent))]


def test_grading_completes_with_exit_status_0(graded):
    assert graded["proc"].returncode == 0, graded["proc"].stderr[-3000:]


def test_csv_has_one_row_per_question_of_every_notebook(graded):
    header, rows = _rows(graded["out"])
    assert header[:4] == ["notebook", "question", "score", "possible"]
    assert len(rows) == 6
    points = _points()
    for questions in rows.values():
        assert sorted(questions) == sorted(points)
        assert {q: float(r["possible"]) for q, r in questions.items()} == points


def test_perfect_submission_scores_full_marks(graded):
    rows = _for(graded, "perfect")
    assert {q: float(r["score"]) for q, r in rows.items()} == _points()
    assert all(r["note"] == "" for r in rows.values())


def test_blank_submission_scores_zero_with_feedback(graded):
    rows = _for(graded, "blank")
    assert all(float(r["score"]) == 0 for r in rows.values())
    assert "returned None" in rows["q1"]["note"]
    assert "still `...`" in rows["q4"]["note"]


def test_crashing_submission_scores_zero_with_a_note(graded):
    rows = _for(graded, "crashing")
    assert all(float(r["score"]) == 0 for r in rows.values())
    assert all("Kernel died" in r["note"] and "every question scores 0" in r["note"]
               for r in rows.values())


def test_file_that_is_not_a_notebook_scores_zero_with_a_note(graded):
    rows = _for(graded, "not a notebook")
    assert all(float(r["score"]) == 0 for r in rows.values())
    assert all("could not read the notebook" in r["note"] for r in rows.values())


def test_endless_loops_cost_only_their_questions(graded):
    rows = _for(graded, "loops")
    points = _points()
    scores = {q: float(r["score"]) for q, r in rows.items()}
    assert scores["q1"] == 0 and "did not return within" in rows["q1"]["note"]
    assert scores["q4"] == 0 and "not defined" in rows["q4"]["note"]
    assert "interrupted" in rows["q4"]["note"] and rows["q2"]["note"] == ""
    assert all(scores[q] == points[q] for q in points if q not in ("q1", "q4")), scores


def test_hanging_submission_times_out_with_zero_and_a_note(graded):
    rows = _for(graded, "hanging")
    assert all(float(r["score"]) == 0 for r in rows.values())
    assert all(f"timed out: grading took longer than {TIMEOUT} s" in r["note"]
               for r in rows.values())


def test_summary_table_is_printed(graded):
    out = graded["proc"].stdout
    assert "notebook" in out and "score" in out and "possible" in out
    for key in ("perfect", "blank", "crashing", "loops"):
        path = graded["files"][key].relative_to(graded["folder"].parent)
        assert str(path) in out
    total = sum(_points().values())
    perfect = str(graded["files"]["perfect"].relative_to(graded["folder"].parent))
    perfect_line = next(line for line in out.splitlines() if line.startswith(perfect))
    assert perfect_line.split()[2:4] == [f"{total:g}", f"{total:g}"]
    assert "Graded 6 notebook(s)" in out


def test_learners_notebooks_are_never_modified(graded):
    assert graded["before"] == graded["after"]


@pytest.mark.parametrize("args, words", [
    ([], "the following arguments are required"),
    (["no/such/notebook.ipynb"], "does not exist"),
    (["README.md"], "is not a notebook"),
    (["--timeout", "0", "exercises/02_mse_mae.ipynb"], "--timeout must be a positive"),
])
def test_usage_errors_exit_2(args, words):
    proc = subprocess.run([sys.executable, "-m", "lossbook.grade", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2
    assert words in proc.stderr


def test_a_notebook_that_matches_no_exercise_is_a_usage_error(tmp_path, capsys):
    path = tmp_path / "homework.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), path)
    with pytest.raises(SystemExit) as exc:
        grade.main([str(path)])
    assert exc.value.code == 2
    assert "matches no exercise" in capsys.readouterr().err


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
