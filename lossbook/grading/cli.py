"""Grade a class's exercise notebooks into a table of scores.

Usage, from the repository root (or anywhere the course package is installed)::

    python -m lossbook.grade [--timeout SECONDS] [--out scores.csv] NOTEBOOK_OR_FOLDER...

Each notebook is matched to its exercise by its file name, wherever it lies:
``submissions/alice/02_mse_mae.ipynb``, ``bob-02_mse_mae (1).ipynb`` and
``02-mse-mae.ipynb`` are all exercise ``02_mse_mae``. (A notebook whose name
names no exercise is matched by the exercise recorded in its metadata.) A
folder stands for every notebook under it.

The learner's code runs in a sandbox, a separate process that never sees the
hidden tests, the solutions or the checks; the tests run in the grader and
call the learner's functions through a narrow channel that carries plain data
only (see :mod:`lossbook.grading.harness`; the first line printed says which
protections are active on this machine). Each cell runs on its own: a cell or
a function that crashes, exits or runs out of time costs its questions, not
the notebook. The learner's notebook is only read, never modified.

The scores go to a CSV file (``--out``, default ``scores.csv``) with the
columns ``notebook,question,score,possible,note``, one row per question, and a
summary table is printed. The note says why points were lost (the first
failing check's feedback) or why a notebook could not be graded (it is not a
notebook, it matches no exercise, it ran out of time), in which case its rows
score 0. Every score lies between 0 and the question's points. The exit
status is 0 when grading completed, whatever the scores, and 2 for a usage
error (no notebook given, a file that does not exist).
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import sys
import tempfile
import time
from pathlib import Path

from . import exercises
from .harness import (Exercise, Graded, Limits, course_imports, grade_matched, load_exercise,
                      protections)

CSV_COLUMNS = ["notebook", "question", "score", "possible", "note"]
DEFAULT_TIMEOUT = Limits.notebook_seconds


class UsageError(Exception):
    """The command line names something that cannot be graded at all."""


# --------------------------------------------------------------------------
# Finding the notebooks and their exercises
# --------------------------------------------------------------------------


def _normalised(text: str) -> str:
    return re.sub(r"[\s\-.]+", "_", text.lower())


def match_exercise(path: Path, names: list[str]) -> str | None:
    """The exercise ``path`` belongs to, from its file name (or its metadata)."""
    import json

    stem = _normalised(path.stem)
    found = [n for n in names if _normalised(n) in stem]
    if found:
        return max(found, key=len)
    try:
        if path.stat().st_size > 20 * 2**20:
            return None
        named = json.loads(path.read_bytes())["metadata"]["otter"]["assignment_name"]
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


def build_exercises(names, workdir: Path) -> dict[str, Exercise]:
    """Each exercise's tests, parsed once, from its solution (through otter assign)."""
    built = {}
    for name in sorted(set(names)):
        assigned = exercises.assign(name, Path(workdir) / name)
        built[name] = load_exercise(name, assigned.tests(),
                                    needs=course_imports(assigned.student))
    return built


def grade_notebooks(paths, *, workers: int | None = None, limits: Limits | None = None,
                    shown=None, hidden=(), log=None) -> list[Graded]:
    """Grade ``paths`` (notebooks of any exercise): one :class:`Graded` per path, in order.

    A file that matches no exercise gets a result with a note and no questions.
    ``workers`` notebooks are graded at once (default: one per core).
    """
    paths = [Path(p) for p in paths]
    shown = list(shown) if shown is not None else [str(p) for p in paths]
    names = exercises.exercise_names()
    matched = [match_exercise(p, names) for p in paths]
    results: list[Graded | None] = [None] * len(paths)
    for i, name in enumerate(matched):
        if name is None:
            results[i] = Graded(shown[i], "", note=(
                "matches no exercise: its file name must contain the exercise's name, one of "
                + ", ".join(names)))
    todo = [i for i, name in enumerate(matched) if name is not None]
    limits = limits or Limits()
    if log:
        log(protections(limits))
    with tempfile.TemporaryDirectory(prefix="lossbook-autograders-") as tmp:
        built = build_exercises({matched[i] for i in todo}, Path(tmp))
        if log:
            log(f"Grading {len(paths)} notebook(s)...")
        graded = grade_matched([paths[i] for i in todo], exercises=built,
                               matched=[matched[i] for i in todo], workers=workers,
                               limits=limits, hidden=[tmp, *hidden],
                               shown=[shown[i] for i in todo])
    for i, g in zip(todo, graded):
        results[i] = g
    return results


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------


def _question_order(name: str):
    number = re.findall(r"\d+", name)
    return (int(number[0]) if number else 0, name)


def write_csv(results: list[Graded], out: Path) -> None:
    """Write the scores (a new file replaces ``out`` at once, never a half-written one)."""
    out = Path(out)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent or ".")
    with open(fd, "w", newline="", encoding="utf-8") as f:
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
            if not g.possible:  # not graded at all: one row says why
                writer.writerow([g.notebook, "", "0", "0", g.note])
    os.chmod(tmp, 0o644)
    os.replace(tmp, out)


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


def _positive(kind):
    def parse(text):
        value = kind(text)
        if not value > 0:
            raise argparse.ArgumentTypeError(f"must be a positive number, not {text}")
        return value
    return parse


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lossbook.grade", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="+", metavar="NOTEBOOK",
                        help="notebooks to grade, or folders of notebooks")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help="time limit per notebook (default: %(default)g)")
    parser.add_argument("--out", type=Path, default=Path("scores.csv"), metavar="CSV",
                        help="where to write the scores (default: %(default)s)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                        help="notebooks graded at the same time (default: %(default)s, the "
                             "number of cores)")
    parser.add_argument("--report", type=Path, metavar="HTML",
                        help="also write the instructor's report page: what the class got wrong")
    d = Limits()
    limits = parser.add_argument_group("limits of each notebook's sandbox")
    limits.add_argument("--memory", type=_positive(float), default=d.memory / 2**20,
                        metavar="MiB", help="memory (default: %(default)g)")
    limits.add_argument("--cpu", type=_positive(float), default=d.cpu, metavar="SECONDS",
                        help="CPU time (default: %(default)g)")
    limits.add_argument("--processes", type=_positive(int), default=d.processes, metavar="N",
                        help="processes, as root (default: %(default)s)")
    limits.add_argument("--file-size", type=_positive(float), default=d.file_size / 2**20,
                        metavar="MiB", help="size of a file written (default: %(default)g)")
    limits.add_argument("--cell-timeout", type=_positive(float), default=d.cell_seconds,
                        metavar="SECONDS", help="time limit per cell (default: %(default)g)")
    limits.add_argument("--call-timeout", type=_positive(float), default=d.call_seconds,
                        metavar="SECONDS",
                        help="time limit per call of a learner's function (default: %(default)g)")
    args = parser.parse_args(argv)
    if args.timeout <= 0:
        parser.error("--timeout must be a positive number of seconds")
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    try:
        paths = collect(args.notebooks)
    except UsageError as exc:
        parser.error(str(exc))
    if args.out.parent and not args.out.parent.exists():
        parser.error(f"the folder of --out {args.out} does not exist")
    if args.report is not None and not args.report.parent.is_dir():
        parser.error(f"the folder of --report {args.report} does not exist: create it first")
    chosen = Limits(memory=int(args.memory * 2**20), cpu=args.cpu, processes=args.processes,
                    file_size=int(args.file_size * 2**20), cell_seconds=args.cell_timeout,
                    call_seconds=args.call_timeout, notebook_seconds=args.timeout)
    start = time.monotonic()
    results = grade_notebooks(paths, workers=args.jobs, limits=chosen,
                              hidden=[args.out.resolve().parent],
                              log=lambda text: print(text, flush=True))
    write_csv(results, args.out)
    if args.report is not None:
        from . import report

        report.write_report(results, args.report)
    print()
    print(summary_table(results))
    print()
    print(f"Graded {len(results)} notebook(s) in {time.monotonic() - start:.1f} s; "
          f"scores per question in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
