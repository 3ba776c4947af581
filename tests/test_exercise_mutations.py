"""Mutation tests of the graded exercises: every typical wrong answer loses points.

For each exercise (each otter assignment in ``solutions/``) the notebook is
graded with otter's own test files, hidden tests included, in this process
(:func:`lossbook.grading.exercises.grade_in_process`), so that many variants grade in
seconds:

* the solution scores full marks, and the blank exercise scores zero;
* every typical wrong answer of the catalogue ``tests/mutations/NN_name.py``
  loses points on its question, and the feedback names the mistake;
* answers that break in the usual ways (returning None, raising, printing
  instead of returning, NaN, the wrong shape, a loop that never ends, changing
  the input, importing the course's own function; for numbers: None, text,
  NaN, missing) score zero on their question with a clear message, and never
  crash the grader.

The end-to-end grading of whole notebooks in separate processes is tested in
``tests/test_grade.py``.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

import lossbook
from lossbook.grading import checks as grading, exercises

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = Path(__file__).resolve().parent / "mutations"
NAMES = exercises.exercise_names()


def load_catalogue(name: str) -> list[dict]:
    path = CATALOGUES / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"mutations_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.MUTATIONS


def solution_answers(name: str) -> dict[str, tuple[str, str]]:
    """Question -> (id, source) of its answer cell in the solution notebook."""
    nb = nbformat.read(ROOT / "solutions" / f"{name}.ipynb", as_version=4)
    cells = {cell.get("id"): cell.source for cell in nb.cells}
    return {q.name: (q.answer_cells[0], cells[q.answer_cells[0]])
            for q in exercises.read_questions(nb) if q.answer_cells}


def _catalogue_cases():
    for name in NAMES:
        if not (CATALOGUES / f"{name}.py").is_file():
            continue
        for m in load_catalogue(name):
            yield pytest.param(name, m, id=f"{name}-{m['question']}-{m['mistake']}")


# --------------------------------------------------------------------------
# Broken answers, generated from each answer cell
# --------------------------------------------------------------------------

FUNCTION_BREAKAGES = {
    # kind: (wrapper body, words the feedback must contain)
    "returns None": ("    return None", "returned None"),
    "raises": ('    raise RuntimeError("something went wrong")', "raised RuntimeError"),
    "prints instead of returning": (
        "    try:\n        print(_solution(*args, **kwargs))\n    except Exception:\n"
        "        print(0.0)", "use `return`, not `print`"),
    "returns NaN": (
        "    try:\n        r = np.asarray(_solution(*args, **kwargs), dtype=float)\n"
        "    except Exception:\n        r = np.asarray(0.0)\n"
        "    return np.full(r.shape, np.nan) if r.ndim else float('nan')", "contains nan"),
    "returns the wrong shape": (
        "    try:\n        r = _solution(*args, **kwargs)\n    except Exception:\n"
        "        r = 0.0\n    return np.asarray(r)[None]", "but the right result is"),
    "loops forever": ("    while True:\n        pass", "did not return within"),
    "changes its input": (
        "    try:\n        r = _solution(*args, **kwargs)\n    except Exception:\n"
        "        r = 0.0\n    args[0][0] = 123.0\n    return r", "in place"),
}

NUMBER_BREAKAGES = {
    "None": ("{name} = None", "is None"),
    "text": ('{name} = "1.5"', "is the text"),
    "NaN": ('{name} = float("nan")', "contains nan"),
    "missing": ("pass", "is not defined yet"),
    "a loop that never ends": ("while True:\n    pass", "is not defined yet"),
}

CHOICE_BREAKAGES = {
    "None": ("{name} = None", "one letter in quotes"),
    "a number": ("{name} = 2", "one letter in quotes"),
    "not an option": ('{name} = "e"', "the options are"),
    "missing": ("pass", "is not defined yet"),
}


def _answer_kind(source: str):
    """('function', [names]) or ('number' | 'choice', [names]) for a solution answer cell."""
    tree = ast.parse(source)
    functions = [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]
    if functions:
        return "function", functions
    names, kinds = [], set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and re.search(
                r"#\s*SOLUTION\s*$", source.splitlines()[node.lineno - 1]):
            names += [t.id for t in node.targets if isinstance(t, ast.Name)]
            is_text = isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
            kinds.add("choice" if is_text else "number")
    assert names and len(kinds) == 1, f"cannot tell what the answer cell defines:\n{source}"
    return kinds.pop(), names


def breakage(solution_source: str, kind: str) -> tuple[str, str]:
    """The broken answer cell of ``kind`` and the words its feedback must contain."""
    what, names = _answer_kind(solution_source)
    if what == "function":
        name = names[0]
        if kind == "imports the course's function":
            return f"from lossbook import {name}", "imported rather than written"
        body, words = FUNCTION_BREAKAGES[kind]
        renamed = re.sub(rf"^def {name}\(", "def _solution(", solution_source, flags=re.M)
        return f"{renamed}\n\n\ndef {name}(*args, **kwargs):\n{body}\n", words
    table = NUMBER_BREAKAGES if what == "number" else CHOICE_BREAKAGES
    template, words = table[kind]
    return "\n".join(template.format(name=n) for n in names), words


def _breakage_cases():
    for name in NAMES:
        for question, (_, source) in solution_answers(name).items():
            what, names = _answer_kind(source)
            if what == "function":
                kinds = list(FUNCTION_BREAKAGES)
                if names[0] in getattr(lossbook, "__all__", []):
                    kinds.append("imports the course's function")
            else:
                kinds = list(NUMBER_BREAKAGES if what == "number" else CHOICE_BREAKAGES)
            for kind in kinds:
                yield pytest.param(name, question, kind, id=f"{name}-{question}-{kind}")


# --------------------------------------------------------------------------
# Grading
# --------------------------------------------------------------------------


@pytest.fixture
def fast_limits(monkeypatch):
    monkeypatch.setattr(grading, "CALL_TIME_LIMIT", 0.3)


def grade(assigned, replace: dict[str, str] | None = None, *, blank: bool = False):
    """Grade the solution (or the blank exercise), with answer cells replaced by id."""
    nb = assigned.student if blank else assigned.autograder
    cells = [(replace or {}).get(cell_id, source) for cell_id, source in exercises.code_cells(nb)]
    return exercises.grade_in_process(cells, assigned.tests(), cell_time_limit=0.5)


def messages(results, question) -> str:
    return "\n".join(r.message or "" for r in results.results[question].test_case_results)


# --------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------


def test_there_are_exercises_to_mutate():
    assert len(NAMES) >= 3, NAMES


@pytest.mark.parametrize("name", NAMES)
def test_every_exercise_has_a_catalogue_covering_every_question(name):
    path = CATALOGUES / f"{name}.py"
    assert path.is_file(), f"write the catalogue of typical wrong answers {path}"
    catalogue = load_catalogue(name)
    questions = set(solution_answers(name))
    covered = {m["question"] for m in catalogue}
    assert questions <= covered, f"no typical wrong answer for {sorted(questions - covered)}"
    assert covered <= questions, f"the catalogue names unknown questions {covered - questions}"
    for m in catalogue:
        assert set(m) == {"question", "mistake", "feedback", "answer"}, m.get("mistake")


@pytest.mark.parametrize("name", NAMES)
def test_solution_scores_full_marks(built, name):
    results = grade(built(name))
    lost = {q: messages(results, q) for q, tf in results.results.items() if not tf.passed_all}
    assert not lost, lost
    assert results.total == results.possible > 0


@pytest.mark.parametrize("name", NAMES)
def test_blank_exercise_scores_zero_with_feedback(built, name):
    results = grade(built(name), blank=True)
    assert results.possible > 0
    assert results.total == 0, {q: tf.score for q, tf in results.results.items()}
    for question in results.results:
        text = messages(results, question)
        assert "Feedback: " in text and ("`...`" in text or "returned None" in text), text


@pytest.mark.parametrize("name, mutation", list(_catalogue_cases()))
def test_typical_mistake_loses_points_and_is_named(built, fast_limits, name, mutation):
    assigned = built(name)
    question = mutation["question"]
    cell_id, _ = solution_answers(name)[question]
    results = grade(assigned, {cell_id: mutation["answer"].strip("\n")})
    result = results.results[question]
    assert result.score < result.possible, (
        f"{mutation['mistake']!r} scored full marks on {question}: add a test that catches it")
    text = messages(results, question)
    assert mutation["feedback"].lower() in text.lower(), (
        f"the feedback on {mutation['mistake']!r} does not say {mutation['feedback']!r}:\n{text}")


@pytest.mark.parametrize("name, question, kind", list(_breakage_cases()))
def test_broken_answer_scores_zero_with_a_clear_message(built, fast_limits, name, question,
                                                         kind):
    assigned = built(name)
    cell_id, source = solution_answers(name)[question]
    broken, words = breakage(source, kind)
    results = grade(assigned, {cell_id: broken})
    result = results.results[question]
    text = messages(results, question)
    assert result.score == 0, f"{kind}: {result.score} of {result.possible} points\n{text}"
    assert words in text, f"{kind}: the feedback does not say {words!r}:\n{text}"
    # The grader itself never crashes: every test case ran and reported.
    assert all(r.message for r in result.test_case_results)
    # Every question was still graded.
    assert set(results.results) == set(assigned.tests())
