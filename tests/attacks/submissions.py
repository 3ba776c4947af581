"""Build learners' notebooks for the grader's tests from an exercise's otter output."""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent.parent


def blank(name: str):
    """The learner's notebook as published in exercises/."""
    return nbformat.read(ROOT / "exercises" / f"{name}.ipynb", as_version=4)


def solved(assigned):
    """The learner's notebook with every answer cell filled in from the solution."""
    nb = copy.deepcopy(assigned.student)
    answers = {c.get("id"): c.source for c in assigned.autograder.cells}
    for cell in nb.cells:
        if "otter_answer_cell" in cell.metadata.get("tags", []) and cell.get("id") in answers:
            cell.source = answers[cell.get("id")]
    return nb


def with_cell(nb, source: str, *, after: str = "setup"):
    """``nb`` with a code cell ``source`` inserted after the cell with id ``after``
    (or at the end when there is none)."""
    nb = copy.deepcopy(nb)
    at = next((i + 1 for i, c in enumerate(nb.cells) if c.get("id") == after), len(nb.cells))
    nb.cells.insert(at, nbformat.v4.new_code_cell(source))
    return nb


def replaced(nb, cell_id: str, source: str):
    nb = copy.deepcopy(nb)
    next(c for c in nb.cells if c.get("id") == cell_id).source = source
    return nb


def points(name: str) -> dict[str, float]:
    """Question -> points, read from the solution's question configs (not from the grader)."""
    from lossbook.grading import exercises

    nb = nbformat.read(ROOT / "solutions" / f"{name}.ipynb", as_version=4)
    return {q.name: float(q.points) for q in exercises.read_questions(nb)}
