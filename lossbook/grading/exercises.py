"""Graded exercises: generate the learners' notebooks and the autograders from the solutions.

Each exercise has a single source, its solution notebook
``solutions/NN_name.ipynb``, written in otter-grader's assignment format:
questions, solutions and tests (public and hidden). From it this module
generates

* the learner's notebook ``exercises/NN_name.ipynb`` (solutions replaced by
  stubs, hidden tests removed, public tests stored in the notebook's
  metadata so that ``grader.check("q1")`` works offline), and
* the Gradescope-ready otter autograder ``dist/NN_name-autograder.zip``
  (all tests, hidden ones included, and a copy of the course package that the
  tests import).

Usage, from the repository root::

    python -m lossbook.grading.exercises                 # every exercise: notebooks and zips
    python -m lossbook.grading.exercises 02_mse_mae      # one exercise
    python -m lossbook.grading.exercises --no-zip        # the notebooks in exercises/ only
    python -m lossbook.grading.exercises --check         # exit 1 if exercises/ is out of sync
    python -m lossbook.grading.exercises --verify        # also grade each solution with otter

Settings shared by every exercise (:data:`COMMON_CONFIG`) are added to the
``# ASSIGNMENT CONFIG`` cell of each solution here, so that cell only needs the
exercise's ``name``. Two cell tags shape the learner's notebook: a cell tagged
``solution-only`` (the solution page's title) is left out of it, and a cell
tagged ``exercise-only`` (the exercise's title, also tagged ``remove-cell`` so
that the solution page hides it) is kept, without those two tags.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import io
import re
import shutil
import sys
import tempfile
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent.parent
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
DIST = ROOT / "dist"

SOLUTION_ONLY = "solution-only"
EXERCISE_ONLY = "exercise-only"
REMOVE_CELL = "remove-cell"
TESTS_KEY = "otter"

#: Settings every exercise shares; the solution's own config cell is applied on top.
COMMON_CONFIG = {
    # Exception-based tests (lossbook.grading raises Feedback), kept in the
    # notebook's metadata: the learner's notebook is a single, self-contained file.
    "tests": {"files": False, "ok_format": False},
    "init_cell": True,
    "check_all_cell": False,  # replaced by the score table, see _check_all_cells
    "export_cell": False,  # learners submit the .ipynb file itself
    "show_question_points": True,
    "run_tests": True,
    "python_version": "3.11",
    "autograder_files": ["lossbook"],
    "generate": {"pdf": False, "show_stdout": False, "show_hidden": False},
}

CHECK_ALL_INTRO = """\
## Check all your answers

Run the cell below to rerun every check and see your score on the public tests.
When your notebook is graded, hidden tests may check more cases (for a function:
other inputs, shapes and settings), so make each answer right in general, not
only for the examples above. Save the notebook before you submit it."""

CHECK_ALL_CODE = """\
from lossbook.grading import score_report

score_report(grader.check_all())"""


# --------------------------------------------------------------------------
# Reading a solution notebook
# --------------------------------------------------------------------------


def _blocks():
    from otter.assign.blocks import (BlockType, get_cell_config, is_assignment_config_cell,
                                     is_block_boundary_cell)
    return BlockType, get_cell_config, is_assignment_config_cell, is_block_boundary_cell


def is_assignment(nb) -> bool:
    """True when ``nb`` is an otter assignment (it has an ``# ASSIGNMENT CONFIG`` cell)."""
    _, _, is_config, _ = _blocks()
    return any(is_config(cell) for cell in nb.cells)


def exercise_names(root: Path = ROOT) -> list[str]:
    """Names (file stems) of the exercises whose solution is an otter assignment."""
    names = []
    for path in sorted((root / "solutions").glob("*.ipynb")):
        if is_assignment(nbformat.read(path, as_version=4)):
            names.append(path.stem)
    return names


@dataclass
class Question:
    """One question of a solution notebook."""

    name: str
    points: float | None
    answer_cells: list[str] = field(default_factory=list)  # ids of code cells in SOLUTION blocks
    public_tests: int = 0
    hidden_tests: int = 0
    test_cells: list[str] = field(default_factory=list)  # ids of the test cells


_HIDDEN = re.compile(r"^\s*hidden\s*:\s*true\s*$", re.IGNORECASE | re.MULTILINE)


def read_questions(nb) -> list[Question]:
    """The questions of a solution notebook, with their answer and test cells."""
    BlockType, get_cell_config, _, boundary = _blocks()
    questions: list[Question] = []
    stack: list = []
    for cell in nb.cells:
        ended = next((b for b in BlockType if boundary(cell, b, end=True)), None)
        if ended is not None:
            if stack:
                stack.pop()
            continue
        begun = next((b for b in BlockType if boundary(cell, b)), None)
        if begun is not None:
            if begun is BlockType.QUESTION:
                config = get_cell_config(cell)
                questions.append(Question(config["name"], config.get("points")))
            stack.append(begun)
            continue
        if not stack or not questions or cell.cell_type != "code":
            continue
        q = questions[-1]
        if stack[-1] is BlockType.SOLUTION:
            q.answer_cells.append(cell.get("id"))
        elif stack[-1] is BlockType.TESTS:
            q.test_cells.append(cell.get("id"))
            first = cell.source.lstrip()
            config = first.split('""" # END TEST CONFIG')[0] if first.startswith('"""') else ""
            if _HIDDEN.search(config) or first.splitlines()[0].lstrip().lower().startswith(
                    "# hidden"):
                q.hidden_tests += 1
            else:
                q.public_tests += 1
    return questions


def package_requirements(root: Path = ROOT) -> list[str]:
    """The course package's dependencies, pinned as in ``requirements.txt``."""
    text = (root / "pyproject.toml").read_text()
    match = re.search(r"^dependencies\s*=\s*\[(.*?)\]", text, re.M | re.S)
    deps = re.findall(r"[\"']([^\"']+)[\"']", match.group(1)) if match else []
    pins = {}
    for line in (root / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            pkg, version = line.split("==", 1)
            pins[pkg.strip().lower()] = f"{pkg.strip()}=={version.strip()}"
    names = [re.split(r"[<>=!~ \[]", d, maxsplit=1)[0].strip().lower() for d in deps]
    return [pins.get(n, n) for n in names]


# --------------------------------------------------------------------------
# Running otter assign
# --------------------------------------------------------------------------


@dataclass
class Assigned:
    """What otter assign produced for one exercise."""

    name: str
    student: nbformat.NotebookNode  # the learner's notebook, post-processed
    autograder: nbformat.NotebookNode  # solutions and all tests, as otter wrote it
    zip_path: Path  # the Gradescope autograder zip

    def tests(self) -> dict[str, str]:
        """Question name -> source of otter's test file (hidden tests included)."""
        return autograder_tests(self.zip_path)


def _config_cell_source(cell, name: str) -> str:
    import yaml

    _, get_cell_config, _, _ = _blocks()
    own = get_cell_config(cell) or {}
    config = copy.deepcopy(COMMON_CONFIG)
    config["requirements"] = package_requirements()
    config.update({"name": name})
    for key, value in own.items():
        if isinstance(value, dict) and isinstance(config.get(key), dict):
            config[key] = {**config[key], **value}
        else:
            config[key] = value
    return "# ASSIGNMENT CONFIG\n" + yaml.safe_dump(config, sort_keys=True)


def _stage(solution: Path, stage: Path) -> Path:
    """Copy the solution (common config added, solution-only cells dropped) and the package."""
    _, _, is_config, _ = _blocks()
    nb = nbformat.read(solution, as_version=4)
    cells = []
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if SOLUTION_ONLY in tags:
            continue
        if is_config(cell):
            cell = copy.deepcopy(cell)
            cell.source = _config_cell_source(cell, solution.stem)
        if EXERCISE_ONLY in tags:
            cell = copy.deepcopy(cell)
            cell.metadata["tags"] = [t for t in tags if t not in (EXERCISE_ONLY, REMOVE_CELL)]
            if not cell.metadata["tags"]:
                del cell.metadata["tags"]
        cells.append(cell)
    nb.cells = cells
    stage.mkdir(parents=True, exist_ok=True)
    master = stage / solution.name
    nbformat.write(nb, master)
    shutil.copytree(ROOT / "lossbook", stage / "lossbook",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
    return master


def _locked(cell):
    cell.metadata["editable"] = False
    cell.metadata["deletable"] = False
    return cell


def _check_all_cells():
    intro = _locked(nbformat.v4.new_markdown_cell(CHECK_ALL_INTRO))
    code = _locked(nbformat.v4.new_code_cell(CHECK_ALL_CODE))
    intro.id, code.id = "check-all-intro", "check-all"
    return [intro, code]


def _postprocess(student, master) -> nbformat.NotebookNode:
    """Deterministic cell ids, the score table at the end, no outputs, no execution in the book."""
    known = {cell.get("id") for cell in master.cells}
    used = set()
    for i, cell in enumerate(student.cells):
        if cell.get("id") in known and cell.get("id") not in used:
            used.add(cell.id)
            continue
        match = re.fullmatch(r'grader\.check\("([\w-]+)"\)', cell.source.strip())
        if match:
            cell.id = f"check-{match.group(1)}"
        elif "grader = otter.Notebook" in cell.source:
            cell.id = "otter-init"
        else:
            cell.id = f"generated-{i}"
        used.add(cell.id)
    # Otter puts its init cell first; the page reads better with the title and the
    # introduction first, so it moves to just before the first question.
    init = [c for c in student.cells if c.id == "otter-init"]
    if init:
        student.cells.remove(init[0])
        first_question = next((i for i, c in enumerate(student.cells)
                               if c.metadata.get("editable") is False), len(student.cells))
        student.cells.insert(first_question, init[0])
    student.cells.extend(_check_all_cells())
    for cell in student.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    # The book shows the exercise as the learner gets it: stubs, no outputs.
    student.metadata["mystnb"] = {"execution_mode": "off"}
    student.metadata.pop("widgets", None)
    return student


@contextlib.contextmanager
def _quiet():
    """Silence otter's progress output and the kernel's TCP warning."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
            warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            yield
        except Exception:
            sys.stderr.write(out.getvalue()[-4000:] + err.getvalue()[-4000:])
            raise


def assign(name: str, workdir: Path, *, verify: bool = False) -> Assigned:
    """Run otter assign on ``solutions/{name}.ipynb`` inside ``workdir``.

    With ``verify``, otter also grades the solution against every test and
    raises if it does not score full marks (a few seconds more).
    """
    from otter.assign import main as otter_assign

    solution = SOLUTIONS / f"{name}.ipynb"
    if not solution.is_file():
        raise ValueError(f"no solution notebook {solution}; exercises: {', '.join(exercise_names())}")
    workdir = Path(workdir)
    master = _stage(solution, workdir / "stage")
    out = workdir / "out"
    with _quiet():
        otter_assign(str(master), str(out), no_pdfs=True, no_run_tests=not verify)
    student = nbformat.read(out / "student" / solution.name, as_version=4)
    student = _postprocess(student, nbformat.read(master, as_version=4))
    autograder = nbformat.read(out / "autograder" / solution.name, as_version=4)
    zips = sorted((out / "autograder").glob(f"{name}-autograder_*.zip"))
    if len(zips) != 1:
        raise RuntimeError(f"otter assign made {len(zips)} autograder zips for {name}")
    trusted_runner(zips[0], student)
    return Assigned(name, student, autograder, zips[0])


def trusted_runner(zip_path: Path, student) -> None:
    """Make the zip's ``run_autograder`` grade with the course's trusted harness
    (:mod:`lossbook.grading.gradescope`) instead of otter's runner, which would run
    the tests inside the learner's own kernel; ``sandbox.json`` says which modules
    of the course package the learner's notebook imports."""
    import json

    from .gradescope import RUN_AUTOGRADER
    from .harness import course_imports

    zip_path = Path(zip_path)
    rewritten = zip_path.with_suffix(".tmp")
    with zipfile.ZipFile(zip_path) as old, zipfile.ZipFile(rewritten, "w",
                                                           zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = RUN_AUTOGRADER.encode() if item.filename == "run_autograder" else \
                old.read(item.filename)
            new.writestr(item, data)
        new.writestr("sandbox.json", json.dumps(course_imports(student)))
    rewritten.replace(zip_path)


def autograder_tests(zip_path: Path) -> dict[str, str]:
    """Question name -> test file source, read from an autograder zip."""
    tests = {}
    with zipfile.ZipFile(zip_path) as zf:
        for member in sorted(zf.namelist()):
            match = re.fullmatch(r"tests/([\w-]+)\.py", member)
            if match:
                tests[match.group(1)] = zf.read(member).decode()
    return tests


def question_points(tests: dict[str, str]) -> dict[str, float]:
    """Question name -> points possible, from otter's test files."""
    from otter.test_files.exception_test import ExceptionTestFile

    return {name: float(ExceptionTestFile.from_string(src, path=f"tests/{name}.py").possible)
            for name, src in tests.items()}


# --------------------------------------------------------------------------
# Writing exercises/ and dist/, and checking they are in sync
# --------------------------------------------------------------------------


def normalise(nb) -> dict:
    """A comparable form of a notebook: no outputs, counts or volatile metadata."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
        cell.metadata.pop("collapsed", None)
        cell.metadata.pop("scrolled", None)
    nb.metadata.pop("widgets", None)
    nb.metadata.get("language_info", {}).pop("version", None)
    return {"metadata": dict(nb.metadata), "cells": [dict(c) for c in nb.cells],
            "nbformat": nb.nbformat}


def build(names: list[str] | None = None, *, zips: bool = True, verify: bool = False,
          exercises_dir: Path = EXERCISES, dist_dir: Path = DIST, log=print) -> list[Path]:
    """Write the learners' notebooks (and the autograder zips); return the paths written."""
    names = names or exercise_names()
    written = []
    for name in names:
        with tempfile.TemporaryDirectory(prefix=f"lossbook-{name}-") as tmp:
            result = assign(name, Path(tmp), verify=verify)
            target = Path(exercises_dir) / f"{name}.ipynb"
            nbformat.write(result.student, target)
            written.append(target)
            log(f"wrote {_rel(target)}")
            if zips:
                Path(dist_dir).mkdir(parents=True, exist_ok=True)
                zip_target = Path(dist_dir) / f"{name}-autograder.zip"
                shutil.copyfile(result.zip_path, zip_target)
                written.append(zip_target)
                log(f"wrote {_rel(zip_target)}")
    return written


def out_of_sync(names: list[str] | None = None, exercises_dir: Path = EXERCISES) -> list[str]:
    """Names of the exercises whose notebook in ``exercises/`` differs from a fresh one."""
    stale = []
    for name in names or exercise_names():
        current = Path(exercises_dir) / f"{name}.ipynb"
        with tempfile.TemporaryDirectory(prefix=f"lossbook-{name}-") as tmp:
            fresh = assign(name, Path(tmp)).student
        if not current.is_file() or normalise(nbformat.read(current, as_version=4)) != normalise(
                fresh):
            stale.append(name)
    return stale


def _rel(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------
# Grading code cells in this process (fast; used by the mutation tests)
# --------------------------------------------------------------------------

_OTTER_CELL = re.compile(r"^\s*(import otter|grader\s*=|grader\.check|from lossbook\.grading "
                         r"import score_report)", re.MULTILINE)


def code_cells(nb) -> list[tuple[str, str]]:
    """``(id, source)`` of the code cells a learner writes or runs, without otter's own cells."""
    return [(cell.get("id"), cell.source) for cell in nb.cells
            if cell.cell_type == "code" and not _OTTER_CELL.search(cell.source)]


def grade_in_process(cells: list[str], tests: dict[str, str], *, cell_time_limit: float = 10.0):
    """Run ``cells`` in a fresh namespace and grade it with otter's test files.

    This is otter's grading (its test files, test runner and scoring) without a
    kernel per notebook, so that hundreds of variants grade in seconds. A cell
    that raises is skipped, as otter's grading allows errors; a cell that runs
    longer than ``cell_time_limit`` seconds is stopped.
    """
    from otter.test_files import GradingResults
    from otter.test_files.exception_test import ExceptionTestFile

    from .checks import _time_limit, _TimeUp

    env: dict = {"__name__": "__main__"}
    for source in cells:
        try:
            with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings(), \
                    _time_limit(cell_time_limit):
                warnings.simplefilter("ignore")
                exec(compile(source, "<cell>", "exec"), env)
        except (Exception, SystemExit, _TimeUp):
            continue
    files = []
    for name, source in tests.items():
        test_file = ExceptionTestFile.from_string(source, path=f"tests/{name}.py")
        with contextlib.redirect_stdout(io.StringIO()):
            test_file.run(env)
        files.append(test_file)
    return GradingResults(files)


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lossbook.grading.exercises", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help="exercises to build, for example 02_mse_mae (default: all)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if exercises/ is out of sync with solutions/")
    parser.add_argument("--no-zip", action="store_true",
                        help="write the notebooks only, not the autograder zips in dist/")
    parser.add_argument("--verify", action="store_true",
                        help="grade each solution with otter and fail unless it scores full marks")
    args = parser.parse_args(argv)
    known = exercise_names()
    unknown = [n for n in args.names if n not in known]
    if unknown:
        parser.error(f"unknown exercise {', '.join(unknown)}; exercises: {', '.join(known)}")
    names = args.names or known
    if args.check:
        stale = out_of_sync(names)
        for name in stale:
            print(f"exercises/{name}.ipynb is out of sync with solutions/{name}.ipynb; "
                  "run `python -m lossbook.grading.exercises`")
        if not stale:
            print(f"{len(names)} exercises in sync with their solutions")
        return 1 if stale else 0
    build(names, zips=not args.no_zip, verify=args.verify)
    return 0


if __name__ == "__main__":
    sys.exit(main())
