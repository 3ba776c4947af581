"""Grading the exercises: the checks the tests call, and the grader that runs them safely.

* :mod:`lossbook.grading.checks`: the checks every exercise's tests call
  (``from lossbook.grading import check_call`` works, as the solution
  notebooks' tests write it).
* :mod:`lossbook.grading.exercises`: learners' notebooks and Gradescope zips
  generated from the solutions (``python -m lossbook.grading.exercises``).
* :mod:`lossbook.grading.harness`: the trusted side, which runs the hidden
  tests against a sandboxed notebook; :mod:`lossbook.grading.sandbox`: the
  learner's side.
* :mod:`lossbook.grading.cli`: ``python -m lossbook.grade``, a class at once.
"""

from .checks import (  # noqa: F401 - the checks, as the exercises' tests import them
    CALL_TIME_LIMIT,
    Feedback,
    ScoreReport,
    _first_feedback,
    check_call,
    check_choice,
    check_number,
    check_raises,
    check_raises_saying,
    score_report,
)

__all__ = [
    "CALL_TIME_LIMIT",
    "Feedback",
    "Graded",
    "Limits",
    "ScoreReport",
    "check_call",
    "check_choice",
    "check_number",
    "check_raises",
    "check_raises_saying",
    "grade_notebooks",
    "score_report",
]


def __getattr__(name):
    # The grader is imported on first use: a learner's kernel needs only the checks.
    if name in ("Graded", "Limits"):
        from . import harness

        return getattr(harness, name)
    if name == "grade_notebooks":
        from .cli import grade_notebooks

        return grade_notebooks
    raise AttributeError(f"module 'lossbook.grading' has no attribute {name!r}")
