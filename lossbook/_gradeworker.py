"""Grade one notebook with otter-grader; run by :mod:`lossbook.grade` in its own process.

Usage: ``python -m lossbook._gradeworker NOTEBOOK EXERCISE AUTOGRADER_ZIP RESULT_JSON
CELL_TIMEOUT``. Writes ``{"questions": {name: {"score", "possible", "note"}}, "note"}``,
or ``{"error": ...}`` when the notebook cannot be graded at all. The notebook
itself is only read: otter grades a copy.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import nbformat

from .grading import _first_feedback


def _limit_cells(seconds: float) -> None:
    """Make otter's notebook execution interrupt a cell after ``seconds`` and go on.

    otter's ``grade_notebook`` builds an nbconvert ``ExecutePreprocessor``
    without a cell time limit; in this worker process it gets one that
    interrupts the kernel and records an error instead of hanging.
    """
    import nbconvert.preprocessors as preprocessors

    base = preprocessors.ExecutePreprocessor

    class LimitedExecutePreprocessor(base):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.timeout = int(max(1, seconds))
            self.interrupt_on_timeout = True
            self.error_on_timeout = {
                "ename": "CellTimeoutError",
                "evalue": f"the cell ran longer than {seconds:g} s and was interrupted",
            }

    preprocessors.ExecutePreprocessor = LimitedExecutePreprocessor


def _interrupted_cells(executed) -> int:
    count = 0
    for cell in getattr(executed, "cells", []):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error" and out.get("ename") in (
                    "CellTimeoutError", "KeyboardInterrupt"):
                count += 1
    return count


def grade(notebook: Path, exercise: str, zip_path: Path, cell_timeout: float) -> dict:
    from otter.api import grade_submission

    try:
        nb = nbformat.read(notebook, as_version=4)
    except Exception as exc:  # not JSON, not a notebook
        return {"error": f"could not read the notebook ({type(exc).__name__}: "
                         f"{str(exc).strip().splitlines()[0][:160] if str(exc).strip() else ''})"}
    notes = []
    meta = nb.metadata.setdefault("otter", {})
    recorded = meta.get("assignment_name")
    if recorded and recorded != exercise:
        notes.append(f"its metadata names exercise {recorded}, graded as {exercise} "
                     "(its file name)")
    meta["assignment_name"] = exercise
    # Grade with this environment's kernel, whatever kernel the learner used.
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    _limit_cells(cell_timeout)
    with tempfile.TemporaryDirectory(prefix="lossbook-submission-") as tmp:
        copy = Path(tmp) / f"{exercise}.ipynb"
        nbformat.write(nb, copy)
        try:
            results = grade_submission(str(copy), str(zip_path), quiet=True)
        except Exception as exc:
            return {"error": f"otter could not run the notebook ({type(exc).__name__}: "
                             f"{str(exc).strip()[:160]})"}
    if getattr(results, "_catastrophic_error", None) is not None:
        return {"error": f"otter could not grade the notebook: "
                         f"{str(results._catastrophic_error)[:160]}"}
    interrupted = _interrupted_cells(getattr(results, "notebook", None))
    if interrupted:
        notes.append(f"{interrupted} cell(s) ran longer than {cell_timeout:g} s and were "
                     "interrupted")
    questions = {}
    for name, test_file in results.results.items():
        questions[name] = {
            "score": float(test_file.score),
            "possible": float(test_file.possible),
            "note": "" if test_file.passed_all else _first_feedback(test_file),
        }
    return {"questions": questions, "note": "; ".join(notes)}


def main(argv=None) -> int:
    notebook, exercise, zip_path, out, cell_timeout = (argv or sys.argv[1:])
    result = grade(Path(notebook), exercise, Path(zip_path), float(cell_timeout))
    Path(out).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
