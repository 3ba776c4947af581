"""The graded exercises follow their pattern, and exercises/ is in sync with solutions/.

The solution notebooks are the single source; ``python -m lossbook.grading.exercises``
generates the learners' notebooks and the autograder zips from them (see the
section "Writing an exercise" of CONTRIBUTING.md).
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import nbformat
import pytest
import yaml

from lossbook.grading import exercises

ROOT = Path(__file__).resolve().parent.parent
NAMES = exercises.exercise_names()


def solution(name):
    return nbformat.read(ROOT / "solutions" / f"{name}.ipynb", as_version=4)


def test_the_first_three_exercises_are_assignments():
    assert {"01_introduction", "02_mse_mae", "03_cross_entropy"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_exercise_is_in_sync_with_its_solution(built, name):
    committed = nbformat.read(ROOT / "exercises" / f"{name}.ipynb", as_version=4)
    assert exercises.normalise(committed) == exercises.normalise(built(name).student), (
        f"exercises/{name}.ipynb is out of sync with solutions/{name}.ipynb: run "
        "`python -m lossbook.grading.exercises`")


@pytest.mark.parametrize("name", NAMES)
def test_otter_grades_the_solution_with_full_marks(tmp_path, name):
    """otter assign's own check: it grades the solution notebook with every test
    (hidden ones included) in a kernel, and raises unless it scores full marks."""
    assigned = exercises.assign(name, tmp_path, verify=True)
    assert assigned.zip_path.is_file()


def test_out_of_sync_detects_an_edited_exercise(tmp_path):
    name = NAMES[0]
    nb = nbformat.read(ROOT / "exercises" / f"{name}.ipynb", as_version=4)
    nb.cells[-1].source += "\n# edited by hand"
    nbformat.write(nb, tmp_path / f"{name}.ipynb")
    assert exercises.out_of_sync([name], exercises_dir=tmp_path) == [name]


@pytest.mark.parametrize("name", NAMES)
def test_solution_follows_the_pattern(name):
    nb = solution(name)
    config = [c for c in nb.cells if c.cell_type == "raw"
              and c.source.lstrip().upper().startswith("# ASSIGNMENT CONFIG")]
    assert len(config) == 1
    assert yaml.safe_load(config[0].source)["name"] == name
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    exercise_titles = [t for t in tags if exercises.EXERCISE_ONLY in t]
    assert len(exercise_titles) == 1 and "remove-cell" in exercise_titles[0]
    assert sum(exercises.SOLUTION_ONLY in t for t in tags) == 1
    assert nb.cells[[exercises.SOLUTION_ONLY in t for t in tags].index(True)].source.startswith(
        "# Solution: ")
    by_id = {c.get("id"): c for c in nb.cells}
    questions = exercises.read_questions(nb)
    stated = re.search(r"\*\*Points:\*\* (\d+)", "\n".join(c.source for c in nb.cells))
    assert stated, "the introduction states the exercise's **Points:**"
    assert int(stated.group(1)) == sum(q.points for q in questions)
    assert [q.name for q in questions] == [f"q{i}" for i in range(1, len(questions) + 1)]
    for q in questions:
        assert q.points, f"{q.name} has no points"
        assert len(q.answer_cells) == 1, f"{q.name} needs exactly one answer cell"
        answer = by_id[q.answer_cells[0]].source
        assert "# YOUR CODE HERE" in answer, q.name
        assert "# SOLUTION" in answer or "# BEGIN SOLUTION" in answer, q.name
        assert q.public_tests >= 1, f"{q.name} has no public test"
        if answer.lstrip().startswith("def "):
            assert q.hidden_tests >= 1, f"{q.name} implements a function but has no hidden test"
        for cell_id in q.test_cells:
            test = by_id[cell_id]
            assert "remove-cell" in test.metadata.get("tags", []), f"{cell_id}: tag remove-cell"
            function = re.search(r"^def (test_\w+)\(env\):", test.source, re.M)
            assert function, f"{cell_id}: a test is one function `def test_...(env):`"
            assert test.source.rstrip().endswith(f"{function.group(1)}(globals())"), cell_id


@pytest.mark.parametrize("name", NAMES)
def test_learner_notebook_holds_no_solution_and_no_hidden_test(built, name):
    student = built(name).student
    text = "\n".join(c.source for c in student.cells)
    assert "SOLUTION" not in text and "BEGIN TESTS" not in text
    assert exercises.SOLUTION_ONLY not in json.dumps([c.metadata for c in student.cells])
    tests = student.metadata["otter"]["tests"]
    assert tests and all("hidden=False" in src and "hidden=True" not in src
                         for src in tests.values())
    questions = [q.name for q in exercises.read_questions(solution(name))]
    assert sorted(tests) == sorted(questions)
    checks = [c.source for c in student.cells if c.source.startswith("grader.check(")]
    assert checks == [f'grader.check("{q}")' for q in questions]
    assert student.cells[0].source.startswith("# Exercise: ")
    assert student.cells[-1].id == "check-all" and "grader.check_all()" in student.cells[-1].source
    assert student.metadata["mystnb"] == {"execution_mode": "off"}
    for cell in student.cells:
        if cell.cell_type == "code" and "otter_answer_cell" in cell.metadata.get("tags", []):
            assert "# YOUR CODE HERE" in cell.source and "..." in cell.source


@pytest.mark.parametrize("name", NAMES)
def test_autograder_zip_holds_every_test_and_the_course_package(built, name):
    assigned = built(name)
    with zipfile.ZipFile(assigned.zip_path) as zf:
        members = set(zf.namelist())
        config = json.loads(zf.read("otter_config.json"))
        environment = zf.read("environment.yml").decode()
    assert {"run_autograder", "setup.sh", "files/lossbook/grading/checks.py", "files/lossbook/grading/sandbox.py",
            "files/lossbook/__init__.py"} <= members
    assert config["assignment_name"] == name
    assert "python=3.11" in environment
    numpy_pin = next(line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()
                     if line.startswith("numpy=="))
    assert numpy_pin in environment
    tests = assigned.tests()
    sol = exercises.read_questions(solution(name))
    assert sorted(tests) == sorted(q.name for q in sol)
    for q in sol:
        assert tests[q.name].count("hidden=True") == q.hidden_tests
        assert tests[q.name].count("hidden=False") == q.public_tests
    assert not any("__pycache__" in m for m in members)


def test_every_exercise_and_solution_is_in_the_book():
    toc = (ROOT / "_toc.yml").read_text()
    for name in NAMES:
        assert f"exercises/{name}" in toc and f"solutions/{name}" in toc


def test_command_line_check_reports_sync(capsys):
    assert exercises.main(["--check", NAMES[0]]) == 0
    assert "in sync" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exc:
        exercises.main(["no_such_exercise"])
    assert exc.value.code == 2


def test_build_writes_notebook_and_zip(tmp_path):
    name = NAMES[0]
    written = exercises.build([name], exercises_dir=tmp_path, dist_dir=tmp_path / "dist",
                              log=lambda _: None)
    assert written == [tmp_path / f"{name}.ipynb", tmp_path / "dist" / f"{name}-autograder.zip"]
    committed = nbformat.read(ROOT / "exercises" / f"{name}.ipynb", as_version=4)
    assert exercises.normalise(nbformat.read(written[0], as_version=4)) == exercises.normalise(
        committed)
    assert zipfile.is_zipfile(written[1])
