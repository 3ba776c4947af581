"""Grade a class's exercise notebooks into a table of scores.

Usage, from the repository root (or anywhere the course package is installed)::

    python -m lossbook.grade [--timeout SECONDS] [--out scores.csv] NOTEBOOK_OR_FOLDER...

Each notebook is matched to its exercise by its file name, wherever it lies:
``submissions/alice/02_mse_mae.ipynb``, ``bob-02_mse_mae (1).ipynb`` and
``02-mse-mae.ipynb`` are all exercise ``02_mse_mae``. (A notebook whose name
names no exercise is matched by the exercise recorded in its metadata.) A
folder stands for every notebook under it.

Each notebook is graded by otter-grader with the exercise's hidden tests, in
its own process, under a time limit (``--timeout``, 60 seconds by default). A
cell that runs longer than a third of the limit is interrupted and grading
goes on with the next cell, so a loop that never ends costs the learner that
question, not the whole notebook. The learner's notebook is never modified: a
copy is graded.

The scores go to a CSV file (``--out``, default ``scores.csv``) with the
columns ``notebook,question,score,possible,note``, one row per question, and a
summary table is printed. The note says why points were lost (the first
failing check's feedback) or why a notebook could not be graded (it timed out,
crashed or is not a notebook), in which case its rows score 0. The exit status
is 0 when grading completed, whatever the scores, and 2 for a usage error (no
notebook given, a file that does not exist, a notebook that matches no
exercise).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import exercises

DEFAULT_TIMEOUT = 60.0
CSV_COLUMNS = ["notebook", "question", "score", "possible", "note"]


@dataclass
class Graded:
    """The grades of one notebook."""

    notebook: str  # the path as given (or found in a folder)
    exercise: str
    scores: dict[str, float] = field(default_factory=dict)  # question -> points earned
    possible: dict[str, float] = field(default_factory=dict)  # question -> points possible
    notes: dict[str, str] = field(default_factory=dict)  # question -> why points were lost
    note: str = ""  # about the notebook as a whole
    seconds: float = 0.0

    @property
    def total(self) -> float:
        return float(sum(self.scores.values()))

    @property
    def total_possible(self) -> float:
        return float(sum(self.possible.values()))


class UsageError(Exception):
    """The command line names something that cannot be graded at all."""


# --------------------------------------------------------------------------
# Finding the notebooks and their exercises
# --------------------------------------------------------------------------


def _normalised(text: str) -> str:
    return re.sub(r"[\s\-.]+", "_", text.lower())


def match_exercise(path: Path, names: list[str]) -> str | None:
    """The exercise ``path`` belongs to, from its file name (or its metadata)."""
    stem = _normalised(path.stem)
    found = [n for n in names if _normalised(n) in stem]
    if found:
        return max(found, key=len)
    try:
        nb = nbformat.read(path, as_version=4)
        named = nb.metadata.get("otter", {}).get("assignment_name")
    except Exception:
        return None
    return named if named in names else None


def collect(paths: list[str]) -> list[Path]:
    """The notebooks named on the command line, folders expanded (sorted)."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*.ipynb")
                            if ".ipynb_checkpoints" not in p.parts)
            if not inside:
                raise UsageError(f"{raw} is a folder without any .ipynb notebook")
            found.extend(inside)
        elif path.is_file():
            if path.suffix != ".ipynb":
                raise UsageError(f"{raw} is not a notebook (.ipynb)")
            found.append(path)
        else:
            raise UsageError(f"{raw} does not exist")
    return found


# --------------------------------------------------------------------------
# Grading one notebook in its own process
# --------------------------------------------------------------------------


def _kill(proc: subprocess.Popen) -> None:
    try:
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)  # the worker and its kernel
        else:
            proc.kill()
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


def grade_one(notebook: Path, exercise: str, zip_path: Path, points: dict[str, float],
              timeout: float = DEFAULT_TIMEOUT, shown: str | None = None) -> Graded:
    """Grade ``notebook`` against ``zip_path`` in a separate process under ``timeout``."""
    graded = Graded(shown or str(notebook), exercise,
                    scores={q: 0.0 for q in points}, possible=dict(points))
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="lossbook-grade-") as tmp:
        out = Path(tmp) / "result.json"
        cmd = [sys.executable, "-m", "lossbook._gradeworker", str(Path(notebook).resolve()),
               exercise, str(Path(zip_path).resolve()), str(out), str(max(1.0, timeout / 3))]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, start_new_session=True, cwd=tmp)
        try:
            _, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(proc)
            graded.note = (f"timed out: grading took longer than {timeout:g} s (is there a loop "
                           "that never ends?); every question scores 0")
            graded.seconds = time.monotonic() - start
            return graded
        graded.seconds = time.monotonic() - start
        if not out.is_file():
            last = [line for line in (stderr or "").strip().splitlines()
                    if "Kernel is running over TCP" not in line][-3:]
            graded.note = ("grading crashed; every question scores 0: "
                           + (" | ".join(last) or f"exit status {proc.returncode}"))
            return graded
        result = json.loads(out.read_text())
    if result.get("error"):
        graded.note = result["error"] + "; every question scores 0"
        return graded
    graded.note = result.get("note", "")
    for question, row in result["questions"].items():
        if question in graded.possible:
            graded.scores[question] = float(row["score"])
            graded.notes[question] = row.get("note", "")
    return graded


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------


def _question_order(name: str):
    number = re.findall(r"\d+", name)
    return (int(number[0]) if number else 0, name)


def write_csv(results: list[Graded], out: Path) -> None:
    with open(out, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(CSV_COLUMNS)
        for g in results:
            for q in sorted(g.possible, key=_question_order):
                lost = g.scores.get(q, 0.0) < g.possible[q]
                # A note on the notebook (it timed out, a cell was interrupted) goes
                # with the questions that lost points.
                note = "; ".join(n for n in (g.note if lost else "", g.notes.get(q, "")) if n)
                writer.writerow([g.notebook, q, f"{g.scores.get(q, 0.0):g}",
                                 f"{g.possible[q]:g}", note])


def summary_table(results: list[Graded]) -> str:
    rows = [("notebook", "exercise", "score", "possible", "note")]
    for g in results:
        failed = sum(1 for q in g.possible if g.scores.get(q, 0.0) < g.possible[q])
        note = g.note or (f"{failed} question(s) lost points" if failed else "")
        rows.append((g.notebook, g.exercise, f"{g.total:g}", f"{g.total_possible:g}", note))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = []
    for r in rows:
        cells = [r[0].ljust(widths[0]), r[1].ljust(widths[1]), r[2].rjust(widths[2]),
                 r[3].rjust(widths[3]), r[4]]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "-" * (sum(widths) + 2 * 4 + len("note")))
    return "\n".join(lines)


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lossbook.grade", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="+", metavar="NOTEBOOK",
                        help="notebooks to grade, or folders of notebooks")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help="time limit per notebook (default: %(default)g)")
    parser.add_argument("--out", type=Path, default=Path("scores.csv"), metavar="CSV",
                        help="where to write the scores (default: %(default)s)")
    parser.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1), metavar="N",
                        help="notebooks graded at the same time (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.timeout <= 0:
        parser.error("--timeout must be a positive number of seconds")
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    names = exercises.exercise_names()
    try:
        paths = collect(args.notebooks)
        matched = []
        for path in paths:
            exercise = match_exercise(path, names)
            if exercise is None:
                raise UsageError(
                    f"{path} matches no exercise: its file name must contain the exercise's "
                    f"name, one of {', '.join(names)}")
            matched.append((path, exercise))
    except UsageError as exc:
        parser.error(str(exc))
    if args.out.parent and not args.out.parent.exists():
        parser.error(f"the folder of --out {args.out} does not exist")

    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="lossbook-autograders-") as tmp:
        autograders = {}
        for exercise in sorted({e for _, e in matched}):
            built = exercises.assign(exercise, Path(tmp) / exercise)
            autograders[exercise] = (built.zip_path,
                                     exercises.question_points(built.tests()))
        print(f"Grading {len(matched)} notebook(s) with a time limit of {args.timeout:g} s "
              f"each...", flush=True)

        def run(item):
            path, exercise = item
            zip_path, points = autograders[exercise]
            return grade_one(path, exercise, zip_path, points, args.timeout, shown=str(path))

        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            results = list(pool.map(run, matched))

    write_csv(results, args.out)
    print()
    print(summary_table(results))
    print()
    print(f"Graded {len(results)} notebook(s) in {time.monotonic() - start:.1f} s; "
          f"scores per question in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
