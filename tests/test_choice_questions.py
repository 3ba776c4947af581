"""Choice questions test the idea, not the learner's eye for the longest option.

Across the course:

* in the exercises (the ``check_choice(env, name, correct, ...)`` tests of
  every solution notebook, with the options **a.** to **d.** listed in the
  question's markdown) the right option is strictly the longest in at most a
  third of the choice questions, and no letter is the right answer of more
  than 40 % of them;
* in the chapter quizzes (jupyterquiz JSON in ``chapters/quizzes/``) the right
  option of a single-answer question is strictly the longest in at most a
  third of them.

The length of an option is the number of characters a reader sees: markdown
emphasis, code marks and repeated spaces do not count.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
QUIZZES = sorted((ROOT / "chapters" / "quizzes").glob("*.json"))

#: At most this share of choice questions may have the right option strictly longest.
LONGEST_SHARE = 1 / 3
#: No letter may be the right answer of more than this share of exercise choice questions.
LETTER_SHARE = 0.40

_OPTION = re.compile(r"^\s*[-*]\s+\*\*([a-z])\.\*\*\s*(.*)$")
_CHOICE = re.compile(r"check_choice\(\s*env\s*,\s*[\"'](\w+)[\"']\s*,\s*[\"']([a-z])[\"']")
_BEGIN_QUESTION = re.compile(r"^\s*#\s*BEGIN QUESTION", re.I)
_END_QUESTION = re.compile(r"^\s*#\s*END QUESTION", re.I)
_QUESTION_NAME = re.compile(r"^\s*name:\s*(\S+)", re.M)


@dataclass
class Choice:
    """One choice question: where it is, its options by letter, the right letter."""

    where: str
    options: dict[str, str]
    correct: str

    @property
    def right_is_longest(self) -> bool:
        right = visible_length(self.options[self.correct])
        return all(right > visible_length(text)
                   for letter, text in self.options.items() if letter != self.correct)


def visible_length(text: str) -> int:
    """Characters a reader sees: without markdown emphasis, code marks and extra spaces."""
    text = re.sub(r"[*`]", "", text)
    return len(" ".join(text.split()))


def parse_options(markdown: str) -> dict[str, str]:
    """The options ``- **a.** ...`` of a question's markdown, continuation lines included."""
    options: dict[str, str] = {}
    current = None
    for line in markdown.splitlines():
        match = _OPTION.match(line)
        if match:
            current = match.group(1)
            options[current] = match.group(2).strip()
        elif current and line.startswith((" ", "\t")) and line.strip():
            options[current] += " " + line.strip()
        else:
            current = None
    return options


def notebook_choices(nb, where: str) -> list[Choice]:
    """Every ``check_choice`` of a solution notebook, with the options of its question."""
    choices: list[Choice] = []
    question, markdown, checks = None, [], []

    def close():
        for name, correct in checks:
            # The options listed in the markdown cell that names the answer, else the
            # question's only list of options.
            lists = [parse_options(m) for m in markdown if name in m] or [
                parse_options(m) for m in markdown]
            lists = [o for o in lists if o]
            assert len(lists) == 1, f"{where} {question}: cannot tell the options of {name}"
            options = lists[0]
            assert correct in options, f"{where} {question}: {correct!r} is not an option"
            choices.append(Choice(f"{where} {question} ({name})", options, correct))

    for cell in nb.cells:
        source = cell.source
        if cell.cell_type == "raw" and _BEGIN_QUESTION.match(source):
            found = _QUESTION_NAME.search(source)
            question, markdown, checks = (found.group(1) if found else "?"), [], []
        elif cell.cell_type == "raw" and _END_QUESTION.match(source):
            close()
            question, markdown, checks = None, [], []
        elif question is not None and cell.cell_type == "markdown":
            markdown.append(source)
        elif question is not None and cell.cell_type == "code":
            checks += _CHOICE.findall(source)
    return choices


def quiz_choices(questions: list[dict], where: str) -> list[Choice]:
    """Every single-answer multiple-choice question of a jupyterquiz quiz."""
    choices = []
    for i, q in enumerate(questions, start=1):
        if q.get("type") != "multiple_choice":
            continue
        answers = q["answers"]
        right = [k for k, a in enumerate(answers) if a.get("correct")]
        if len(right) != 1:
            continue
        letters = "abcdefghij"
        options = {letters[k]: a["answer"] for k, a in enumerate(answers)}
        choices.append(Choice(f"{where} question {i}", options, letters[right[0]]))
    return choices


def longest_share(choices: list[Choice]) -> tuple[float, list[str]]:
    longest = [c.where for c in choices if c.right_is_longest]
    return (len(longest) / len(choices) if choices else 0.0), longest


def letter_shares(choices: list[Choice]) -> dict[str, float]:
    counts = Counter(c.correct for c in choices)
    return {letter: n / len(choices) for letter, n in sorted(counts.items())}


def exercise_choices() -> list[Choice]:
    return [c for path in SOLUTIONS
            for c in notebook_choices(nbformat.read(path, as_version=4), path.stem)]


def all_quiz_choices() -> list[Choice]:
    return [c for path in QUIZZES
            for c in quiz_choices(json.loads(path.read_text()), path.stem)]


# --------------------------------------------------------------------------
# The course
# --------------------------------------------------------------------------


def test_there_are_choice_questions_to_check():
    assert len(exercise_choices()) >= 4
    assert len(all_quiz_choices()) >= 8


def test_exercises_right_option_is_rarely_the_longest():
    share, longest = longest_share(exercise_choices())
    assert share <= LONGEST_SHARE, (
        f"the right option is strictly the longest in {len(longest)} exercise choice questions "
        f"({share:.0%}, at most {LONGEST_SHARE:.0%} allowed): {longest}. Make the options "
        "similar in length and put the explanation in the feedback.")


def test_exercises_right_letters_are_spread():
    choices = exercise_choices()
    shares = letter_shares(choices)
    crowded = {letter: f"{s:.0%}" for letter, s in shares.items() if s > LETTER_SHARE}
    assert not crowded, (
        f"right letters of the {len(choices)} exercise choice questions: {shares}; "
        f"{crowded} is right too often (at most {LETTER_SHARE:.0%}).")


def test_quizzes_right_option_is_rarely_the_longest():
    share, longest = longest_share(all_quiz_choices())
    assert share <= LONGEST_SHARE, (
        f"the right option is strictly the longest in {len(longest)} quiz questions "
        f"({share:.0%}, at most {LONGEST_SHARE:.0%} allowed): {longest}.")


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_every_choice_question_lists_its_options(path):
    nb = nbformat.read(path, as_version=4)
    for choice in notebook_choices(nb, path.stem):
        assert set(choice.options) == set("abcd"), (choice.where, sorted(choice.options))


# --------------------------------------------------------------------------
# The parsers and the limits can fail
# --------------------------------------------------------------------------


def _synthetic_notebook(correct: str, options: dict[str, str]):
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_raw_cell

    listing = "\n".join(f"- **{k}.** {v}" for k, v in options.items())
    return new_notebook(cells=[
        new_raw_cell("# BEGIN QUESTION\nname: q1\npoints: 1"),
        new_markdown_cell(f"## Question 1.\n\nAssign the letter to `judgement`.\n\n{listing}"),
        new_raw_cell("# BEGIN TESTS"),
        new_code_cell("def test_j(env):\n    from lossbook.grading import check_choice\n\n"
                      f"    check_choice(env, \"judgement\", \"{correct}\", feedback={{}})\n"),
        new_raw_cell("# END TESTS"),
        new_raw_cell("# END QUESTION"),
    ])


def test_parser_reads_options_and_the_right_letter():
    options = {"a": "short", "b": "a much longer option that explains\n  itself at length",
               "c": "`code` option", "d": "**bold** one"}
    nb = _synthetic_notebook("b", options)
    nb.cells[1].source = nb.cells[1].source.replace("explains\n  itself", "explains\n  itself")
    (choice,) = notebook_choices(nb, "synthetic")
    assert choice.correct == "b"
    assert set(choice.options) == set("abcd")
    assert choice.options["b"] == "a much longer option that explains itself at length"
    assert visible_length(choice.options["c"]) == len("code option")
    assert choice.right_is_longest
    assert longest_share([choice]) == (1.0, ["synthetic q1 (judgement)"])


def test_limits_flag_a_course_that_breaks_them():
    even = {"a": "one option", "b": "two option", "c": "six option", "d": "ten option"}
    long_b = dict(even, b="the right option, which is much longer than the others")
    choices = (notebook_choices(_synthetic_notebook("b", long_b), "x")
               + notebook_choices(_synthetic_notebook("b", even), "y")
               + notebook_choices(_synthetic_notebook("c", even), "z"))
    share, longest = longest_share(choices)
    assert share == pytest.approx(1 / 3) and longest == ["x q1 (judgement)"]
    assert letter_shares(choices) == {"b": pytest.approx(2 / 3), "c": pytest.approx(1 / 3)}
    assert max(letter_shares(choices).values()) > LETTER_SHARE
    # Equal lengths are not "strictly the longest".
    assert not notebook_choices(_synthetic_notebook("c", even), "z")[0].right_is_longest


def test_quiz_parser_counts_single_answer_questions_only():
    quiz = [
        {"question": "?", "type": "multiple_choice", "answers": [
            {"answer": "wrong", "correct": False, "feedback": "no"},
            {"answer": "the right one, longest", "correct": True, "feedback": "yes"}]},
        {"question": "?", "type": "multiple_choice", "answers": [
            {"answer": "right", "correct": True, "feedback": "yes"},
            {"answer": "a longer wrong one", "correct": False, "feedback": "no"}]},
        {"question": "?", "type": "many_choice", "answers": [
            {"answer": "x", "correct": True}, {"answer": "y", "correct": True}]},
        {"question": "?", "type": "numeric", "answers": [
            {"type": "value", "value": 1, "correct": True}]},
    ]
    choices = quiz_choices(quiz, "quiz")
    assert [c.correct for c in choices] == ["b", "a"]
    assert longest_share(choices) == (0.5, ["quiz question 1"])


def test_a_question_without_options_is_reported():
    nb = _synthetic_notebook("a", {"a": "x", "b": "y", "c": "z", "d": "w"})
    nb.cells[1].source = "## Question 1.\n\nNo options listed."
    with pytest.raises(AssertionError, match="cannot tell the options"):
        notebook_choices(nb, "broken")
