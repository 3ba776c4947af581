"""What the class got wrong: a self-contained HTML page for the instructor.

``python -m lossbook.grade --report report.html NOTEBOOK...`` writes it after
grading; :func:`write_report` does the same from a list of graded notebooks.
The page has no learner's name and no file name on it, and loads nothing from
elsewhere (the styles are inline and the plots are embedded PNG images, each
with alt text), so it can be mailed or put on a course page as it is. It shows

* first, under **Re-teach first:**, the three named mistakes that the most
  learners made, over every exercise graded;
* per exercise: how many notebooks were graded, the mean and median total,
  and per question its mean score and the share of learners with full marks;
* per question: the distribution of the scores (as a share of the question's
  points) and the mistakes the checks named, ranked by how many learners made
  them, with their share of the class;
* how many notebooks could not be graded, counted by reason.

A learner counts once per mistake and question, however many checks name it.
The mistakes come from each result's ``mistakes`` (question -> the named
mistakes its failing checks found); results without it are read from their
feedback notes, keeping the sentence that names the mistake and dropping the
numbers of the learner's own answer.

Examples
--------
>>> from types import SimpleNamespace as Result
>>> def result(score, mistakes):
...     return Result(notebook="alice/02_mse_mae.ipynb", exercise="02_mse_mae",
...                   scores={"q1": score}, possible={"q1": 4.0}, notes={}, note="",
...                   seconds=1.0, mistakes={"q1": mistakes})
>>> class_ = [result(0.0, ["Did you sum instead of averaging?"]), result(4.0, []),
...           result(2.0, ["Did you sum instead of averaging?", "Wrong shape."])]
>>> s = summarise(class_)
>>> [(m.text, m.count) for m in s.exercises[0].questions[0].mistakes]
[('Did you sum instead of averaging?', 2), ('Wrong shape.', 1)]
>>> s.exercises[0].mean_total, s.exercises[0].questions[0].full_share
(2.0, 0.3333333333333333)
"""

from __future__ import annotations

import html
import os
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["write_report", "render", "summarise", "mistakes_of", "Summary"]

#: How many mistakes the headline lists.
RETEACH = 3

#: Mistake texts that say a question was not attempted, or failed without a
#: named cause (the grader's short descriptions, such as "still a stub",
#: "wrong value", "raised TypeError"): listed under their question, but never
#: a mistake to re-teach.
_UNNAMED = re.compile(
    r"^\s*(not (yet )?(defined|answered|attempted|graded|a number|a function|a letter"
    r"|an option)|no longer defined|still (a stub|`?\.\.\.)|stub|no answer|unanswered"
    r"|missing|blank|wrong (value|answer|result|parameters)|failed|check failed|error"
    r"|timed out|ran out of time|time limit|crashed|interrupted|could not|raised"
    r"|returned none|none\s*$|an exception|used the course)", re.I)

#: Labels that say a question's answer is missing (still the stub, a name not
#: defined, a function that returns None): a learner with one of them did not
#: answer, and the other failures of that question ("did not raise
#: ValueError" from a stub that returns None) are its consequences, not
#: mistakes, so they are not counted.
_UNANSWERED = re.compile(
    r"^\s*(still (a stub|`?\.\.\.)|stub|not (yet )?(defined|answered)|no longer defined"
    r"|no answer|unanswered|blank|returned none|none\s*$)", re.I)

#: Why a notebook could not be graded, from the words of its note (first match wins).
_REASONS = [
    ("timed out", "it ran longer than the time limit"),
    ("memory", "it used more memory than the limit"),
    ("matches no exercise", "its file name matches no exercise"),
    ("no exercise", "its file name matches no exercise"),
    ("unmatched", "its file name matches no exercise"),
    ("could not read", "it is not a readable notebook"),
    ("not a notebook", "it is not a readable notebook"),
    ("not json", "it is not a readable notebook"),
    ("notjson", "it is not a readable notebook"),
    ("corrupt", "it is not a readable notebook"),
    ("sandbox could not", "the sandbox could not run it"),
    ("crash", "its kernel crashed"),
    ("exit", "its kernel crashed"),
    ("died", "its kernel crashed"),
]


# --------------------------------------------------------------------------
# Reading the results
# --------------------------------------------------------------------------


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.?!])\s+(?=[A-Z`])", text.strip()) if s.strip()]


def _from_note(note: str) -> str:
    """The named mistake in one feedback note, without the learner's own values.

    A note reads like "mse([1.0, 2.0], [2.0, 4.0]) returned 6.0, but the right
    value is 1.5. It is 4 times too large. Did you sum the squared errors
    instead of averaging them?": what the learner's answer did (which differs
    from learner to learner), the comparison, then the mistake the check named.
    A note that names none becomes a short description of the failure.

    >>> _from_note("mse([1.0], [3.0]) returned 8.0, but the right value is 4.0. "
    ...            "It is 2 times too large. Did you sum instead of averaging?")
    'Did you sum instead of averaging?'
    >>> _from_note("house_rmse is 163.299, which is not right.")
    'wrong value (no mistake named)'
    >>> _from_note("mse is still `...`: replace the `...` with your function.")
    'not answered (still `...`)'
    """
    if re.search(r"\bis not defined yet\b", note):
        return "not answered (not defined)"
    if re.search(r"\bis still `\.\.\.`", note):
        return "not answered (still `...`)"
    if re.search(r"\breturned None\b", note):
        return "returned None (printed, or no return)"
    sentences = _sentences(note)
    named = [s for s in sentences
             if not re.search(r"\breturned\b|\braised\b|\bright (value|answer)\b"
                              r"|\bwhich is not right\b|\bexpected\b", s)
             and not re.match(r"[A-Za-z_]\w*\(", s)  # a call with the learner's inputs
             and not re.match(r"It is .*\b(times|too|half|sign|size)\b", s)]
    if named:
        return " ".join(named)
    raised = re.search(r"\braised (\w+)", note)
    if raised:
        return f"raised {raised.group(1)}"
    return "wrong value (no mistake named)"


def mistakes_of(result) -> dict[str, list[str]]:
    """Question -> the distinct mistakes ``result`` made (in the order found).

    ``result.mistakes`` when the grader recorded it, else one mistake per
    question that lost points, read from its feedback note.
    """
    found = getattr(result, "mistakes", None)
    out: dict[str, list[str]] = {}
    if found is not None:
        for q, items in dict(found).items():
            if isinstance(items, str):
                items = [items]
            texts = [str(t).strip() for t in (items or []) if str(t).strip()]
            if texts:
                out[str(q)] = list(dict.fromkeys(texts))
        return out
    for q, note in dict(getattr(result, "notes", {}) or {}).items():
        if note and str(note).strip():
            out[str(q)] = [_from_note(str(note))]
    return out


def _is_ungraded(result) -> bool:
    """Whether the grader could not grade the notebook at all."""
    flag = getattr(result, "graded", None)
    if isinstance(flag, bool):
        return not flag
    if not getattr(result, "exercise", None) or not getattr(result, "possible", None):
        return True
    note = str(getattr(result, "note", "") or "")
    scores = dict(getattr(result, "scores", {}) or {})
    if not note or any(_score(v) for v in scores.values()):
        return False
    found = mistakes_of(result)
    if found and all(m == ["timed out"] for m in found.values()) \
            and set(found) >= set(dict(result.possible)):
        return True  # no question got to run before the notebook's time was up
    return not found and not any(
        str(n).strip() for n in dict(getattr(result, "notes", {}) or {}).values())


def _reason(note: str) -> str:
    low = note.lower()
    for words, reason in _REASONS:
        if words in low:
            return reason
    return "another reason"


def _identifying(results) -> list[str]:
    """Parts of the notebooks' paths that could name a learner (folders, file names)."""
    parts = [Path(str(getattr(r, "notebook", "") or "")).parts for r in results]
    common = set(parts[0]).intersection(*map(set, parts[1:])) if parts else set()
    exercises = {str(getattr(r, "exercise", "") or "") for r in results}
    tokens = set()
    for path in parts:
        for part in path:
            if part in common or part in (os.sep, "/") or part in exercises:
                continue
            for token in (part, Path(part).stem):
                if len(token) >= 3 and token not in exercises:
                    tokens.add(token)
    return sorted(tokens, key=len, reverse=True)


def _scrub(text: str, tokens: list[str]) -> str:
    for token in tokens:
        text = re.sub(re.escape(token), "[a learner]", text, flags=re.I)
    return text


# --------------------------------------------------------------------------
# The summary
# --------------------------------------------------------------------------


@dataclass
class Mistake:
    text: str
    count: int  # learners who made it
    share: float  # of the notebooks graded for the exercise
    exercise: str = ""
    question: str = ""

    @property
    def named(self) -> bool:
        """A mistake a check named, not "not answered" or a bare failure."""
        return not _UNNAMED.match(self.text)


@dataclass
class Question:
    name: str
    possible: float
    fractions: list[float]  # each notebook's score / possible, in [0, 1]
    mean: float
    full_share: float
    mistakes: list[Mistake]


@dataclass
class Exercise:
    name: str
    count: int
    total_possible: float
    mean_total: float
    median_total: float
    questions: list[Question]


@dataclass
class Summary:
    exercises: list[Exercise]
    ungraded: list[tuple[str, int]]  # reason, notebooks
    notebooks: int
    reteach: list[Mistake] = field(default_factory=list)


def _question_order(name: str):
    number = re.findall(r"\d+", name)
    return (int(number[0]) if number else 0, name)


def _score(value) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return 0.0
    return x if x == x else 0.0  # NaN counts as 0


def _counted(mistakes: list[str]) -> list[str]:
    """The mistakes of one learner's question that count: only "not answered" when
    the answer is missing (the other failures follow from it)."""
    missing = [m for m in mistakes if _UNANSWERED.match(m)]
    return missing or list(mistakes)


def summarise(results) -> Summary:
    """Count what the class got wrong (see the module's docstring)."""
    results = list(results)
    tokens = _identifying(results)
    ungraded = Counter(_reason(str(getattr(r, "note", "") or "")) for r in results
                       if _is_ungraded(r))
    by_exercise: dict[str, list] = {}
    for r in results:
        if not _is_ungraded(r):
            by_exercise.setdefault(str(r.exercise), []).append(r)

    exercises = []
    for name in sorted(by_exercise):
        group = by_exercise[name]
        possible: dict[str, float] = {}
        for r in group:
            for q, p in dict(r.possible).items():
                possible[str(q)] = max(possible.get(str(q), 0.0), _score(p))
        found = [mistakes_of(r) for r in group]
        questions = []
        for q in sorted(possible, key=_question_order):
            points = possible[q]
            scores = [min(max(_score(dict(r.scores).get(q, 0.0)), 0.0), points) for r in group]
            fractions = [s / points if points else 0.0 for s in scores]
            counts = Counter(_scrub(text, tokens) for f in found for text in
                             dict.fromkeys(_counted(f.get(q, []))))
            ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            questions.append(Question(
                q, points, fractions, statistics.fmean(scores),
                sum(1 for s in scores if points and s >= points) / len(group),
                [Mistake(t, c, c / len(group), name, q) for t, c in ranked]))
        totals = [sum(min(max(_score(dict(r.scores).get(q, 0.0)), 0.0), possible[q])
                      for q in possible) for r in group]
        exercises.append(Exercise(name, len(group), sum(possible.values()),
                                  statistics.fmean(totals), statistics.median(totals), questions))

    named = [m for e in exercises for q in e.questions for m in q.mistakes if m.named]
    reteach = sorted(named, key=lambda m: (-m.count, -m.share, m.exercise,
                                           _question_order(m.question), m.text))[:RETEACH]
    return Summary(exercises, sorted(ungraded.items(), key=lambda kv: (-kv[1], kv[0])),
                   len(results), reteach)


# --------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------

#: Up to this many distinct scores, each gets its own bar; more are binned by tenths.
_DISTINCT_BARS = 11


CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
       color: #1a1a1a; background: #ffffff; line-height: 1.5; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.8rem; margin-bottom: 0.2rem; }
h2 { border-bottom: 2px solid #0072B2; padding-bottom: 0.2rem; margin-top: 2.5rem; }
h3 { margin-top: 1.8rem; }
.lead { color: #333333; }
.reteach { background: #fff4dc; border-left: 6px solid #E69F00; padding: 0.6rem 1.2rem;
           margin: 1.5rem 0; }
.reteach h2 { border: none; margin-top: 0.4rem; }
.reteach li { margin: 0.4rem 0; }
table { border-collapse: collapse; margin: 0.8rem 0; min-width: 24rem; }
caption { text-align: left; font-weight: 600; padding-bottom: 0.3rem; }
th, td { border-bottom: 1px solid #c8c8c8; padding: 0.3rem 0.8rem; text-align: left;
         vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
figure { margin: 0.8rem 0; }
figcaption { font-size: 0.9rem; color: #333333; }
.question { display: grid; grid-template-columns: minmax(0, 26rem) minmax(0, 1fr); gap: 1.5rem;
            align-items: start; }
@media (max-width: 50rem) { .question { grid-template-columns: minmax(0, 1fr); } }
.none { color: #333333; font-style: italic; }
"""


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _pts(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _learners(n: int) -> str:
    return f"{n} learner{'s' if n != 1 else ''}"


def _bars(fractions: list[float]) -> tuple[list[float], list[int], list[str], float]:
    """Bar positions, heights, labels (for the alt text) and width for the scores."""
    import numpy as np

    values = np.round(np.asarray(fractions, dtype=float), 4)
    distinct = np.unique(values)
    if len(distinct) <= _DISTINCT_BARS:
        counts = [int(np.sum(values == v)) for v in distinct]
        return list(distinct), counts, [_pct(v) for v in distinct], 0.06
    edges = np.linspace(0.0, 1.0, 11)
    counts, _ = np.histogram(values, bins=edges)
    labels = [f"{_pct(lo)} to {_pct(hi)}" for lo, hi in zip(edges[:-1], edges[1:])]
    keep = counts > 0
    centres = (edges[:-1] + edges[1:]) / 2
    return (list(centres[keep]), [int(c) for c in counts[keep]],
            [lab for lab, k in zip(labels, keep) if k], 0.09)


def _histogram(exercise: Exercise, q: Question) -> str:
    """The distribution of the question's scores as an ``<img>`` with alt text."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    from lossbook.plotting import COLORS, figure_html, style

    xs, counts, labels, width = _bars(q.fractions)
    with style():
        fig = Figure(figsize=(4.6, 2.4))
        ax = fig.add_subplot()
        ax.bar(xs, counts, width=width, color=COLORS["mse"], edgecolor="#000000",
               linewidth=0.6)
        ticks = [0.0, 0.25, 0.5, 0.75, 1.0]
        ax.set_xticks(ticks, [_pct(t) for t in ticks])
        ax.set_xlim(-0.07, 1.07)
        ax.set_xlabel(f"score, as a share of the {_pts(q.possible)} points")
        ax.set_ylabel("notebooks")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        fig.tight_layout()
        bars = ", ".join(f"{c} at {lab}" for c, lab in zip(counts, labels))
        alt = (f"Bar chart of the {q.name} scores of the {exercise.count} notebooks of "
               f"exercise {exercise.name}, as a share of its {_pts(q.possible)} points: "
               f"{bars}.")
        return figure_html(fig, alt=alt)


def _mistake_table(exercise: Exercise, q: Question) -> str:
    if not q.mistakes:
        return '<p class="none">No mistake named: every notebook passed every check.</p>'
    rows = "".join(
        f"<tr><td>{html.escape(m.text)}</td><td class=\"num\">{m.count}</td>"
        f"<td class=\"num\">{_pct(m.share)}</td></tr>" for m in q.mistakes)
    return (f"<table><caption>Mistakes in {html.escape(q.name)}, most frequent first"
            "</caption><thead><tr><th scope=\"col\">Mistake (the checks' feedback)</th>"
            "<th scope=\"col\" class=\"num\">Learners</th>"
            f"<th scope=\"col\" class=\"num\">Share of the {exercise.count}</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>")


def _exercise_section(e: Exercise, index: int) -> str:
    anchor = f"exercise-{index}"
    rows = "".join(
        f"<tr><th scope=\"row\"><a href=\"#{anchor}-{html.escape(q.name)}\">"
        f"{html.escape(q.name)}</a></th><td class=\"num\">{_pts(q.possible)}</td>"
        f"<td class=\"num\">{_pts(q.mean)}</td><td class=\"num\">{_pct(q.full_share)}</td>"
        f"<td class=\"num\">{sum(m.count for m in q.mistakes if m.named)}</td></tr>"
        for q in e.questions)
    parts = [
        f"<section aria-labelledby=\"{anchor}\"><h2 id=\"{anchor}\">Exercise "
        f"{html.escape(e.name)}</h2>",
        f"<p>{e.count} notebook{'s' if e.count != 1 else ''} graded. Total score: mean "
        f"{_pts(e.mean_total)}, median {_pts(e.median_total)}, out of "
        f"{_pts(e.total_possible)} points.</p>",
        "<table><caption>Per question</caption><thead><tr><th scope=\"col\">Question</th>"
        "<th scope=\"col\" class=\"num\">Points</th><th scope=\"col\" class=\"num\">Mean score"
        "</th><th scope=\"col\" class=\"num\">Full marks</th><th scope=\"col\" class=\"num\">"
        "Named mistakes</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>",
    ]
    for q in e.questions:
        parts.append(
            f"<h3 id=\"{anchor}-{html.escape(q.name)}\">{html.escape(e.name)}, question "
            f"{html.escape(q.name)} ({_pts(q.possible)} points)</h3>"
            f"<div class=\"question\"><figure>{_histogram(e, q)}<figcaption>Scores in "
            f"{html.escape(q.name)}: mean {_pts(q.mean)} of {_pts(q.possible)}, "
            f"{_pct(q.full_share)} with full marks.</figcaption></figure>"
            f"<div>{_mistake_table(e, q)}</div></div>")
    parts.append("</section>")
    return "\n".join(parts)


def render(results, title: str = "What the class got wrong") -> str:
    """The report page for ``results`` (graded notebooks), as HTML text."""
    s = summarise(results)
    graded = sum(e.count for e in s.exercises)
    lost = sum(n for _, n in s.ungraded)
    if s.reteach:
        items = "".join(
            f"<li><strong>{html.escape(m.text)}</strong> ({html.escape(m.exercise)}, "
            f"{html.escape(m.question)}): {_learners(m.count)}, {_pct(m.share)} of the "
            f"class</li>" for m in s.reteach)
        reteach = f"<ol>{items}</ol>"
    else:
        reteach = "<p>No check named a mistake: nothing to re-teach from these notebooks.</p>"
    head = (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body><main>")
    intro = (f"<h1>{html.escape(title)}</h1><p class=\"lead\">{graded} notebook"
             f"{'s' if graded != 1 else ''} graded in {len(s.exercises)} exercise"
             f"{'s' if len(s.exercises) != 1 else ''}"
             + (f"; {lost} could not be graded" if lost else "")
             + ". Counts are of learners: a learner who makes a mistake in several checks "
             "of a question counts once. No learner's name or file is shown.</p>")
    reteach_box = (f"<section class=\"reteach\" aria-labelledby=\"reteach\">"
                   f"<h2 id=\"reteach\">Re-teach first:</h2>{reteach}</section>")
    sections = [_exercise_section(e, i + 1) for i, e in enumerate(s.exercises)]
    if s.ungraded:
        rows = "".join(f"<tr><td>{html.escape(reason)}</td><td class=\"num\">{n}</td></tr>"
                       for reason, n in s.ungraded)
        sections.append(
            "<section aria-labelledby=\"ungraded\"><h2 id=\"ungraded\">Notebooks that could "
            "not be graded</h2><p>They score 0; the scores file has a note on each.</p>"
            "<table><caption>Notebooks that could not be graded, by reason</caption><thead>"
            "<tr><th scope=\"col\">Reason</th><th scope=\"col\" class=\"num\">Notebooks</th>"
            f"</tr></thead><tbody>{rows}</tbody></table></section>")
    return head + intro + reteach_box + "\n".join(sections) + "</main></body></html>\n"


def write_report(results, path) -> Path:
    """Write the report page for ``results`` (graded notebooks) to ``path``.

    Parameters
    ----------
    results : iterable of graded notebooks
        Objects with the attributes ``notebook``, ``exercise``, ``scores``,
        ``possible``, ``notes``, ``note`` and, when the grader records it,
        ``mistakes`` (question -> list of named mistakes).
    path : str or Path
        The HTML file to write; its folder must exist.

    Returns
    -------
    Path
        The file written.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(
            f"cannot write the report to {path}: the folder {path.parent} does not exist; "
            "create it or give another path")
    path.write_text(render(results), encoding="utf-8")
    return path
