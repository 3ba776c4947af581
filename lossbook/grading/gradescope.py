"""Gradescope's entry point: grade the submission with the trusted harness.

The autograder zip that ``python -m lossbook.grading.exercises`` builds runs this
module instead of otter's own runner (its ``run_autograder`` says so), so that
on Gradescope too the learner's code runs in a sandbox that cannot read the
tests, the solutions or the course package, and the scores are computed, and
clamped, outside it. Usage (``run_autograder`` does it)::

    python -m lossbook.grading.gradescope [--root /autograder]

It reads the exercise's tests from ``ROOT/source/tests``, the notebook from
``ROOT/submission`` and writes ``ROOT/results/results.json`` in Gradescope's
format: one test per question, its score and the feedback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from .harness import Limits, grade_matched, load_exercise

RUN_AUTOGRADER = """\
#!/bin/bash
# Grade with the course's trusted harness (lossbook.grading.gradescope): the
# learner's code runs in a sandbox that cannot read these tests.
ROOT="${AUTOGRADER_ROOT:-/autograder}"
if [ -x /root/miniforge3/bin/mamba ]; then
    export PATH=/root/miniforge3/bin:$PATH
    eval "$(mamba shell hook --shell bash)"
    mamba activate otter-env
fi
cd "$ROOT/source/files" && exec python -m lossbook.grading.gradescope --root "$ROOT"
"""


def grade(root: Path) -> dict:
    """Gradescope's results for the notebook in ``root/submission``."""
    source = root / "source"
    config = json.loads((source / "otter_config.json").read_text())
    name = config["assignment_name"]
    show_hidden = bool(config.get("show_hidden", False))
    tests = {p.stem: p.read_text() for p in sorted((source / "tests").glob("*.py"))}
    sandbox = source / "sandbox.json"
    needs = json.loads(sandbox.read_text()) if sandbox.is_file() else None
    exercise = load_exercise(name, tests, needs=needs)
    notebooks = sorted((root / "submission").rglob("*.ipynb"))
    notebooks = [p for p in notebooks if ".ipynb_checkpoints" not in p.parts]
    if not notebooks:
        return {"score": 0, "output": "No notebook (.ipynb) was submitted.",
                "tests": [{"name": q, "score": 0, "max_score": p, "output": "not submitted"}
                          for q, p in exercise.points.items()]}
    with tempfile.TemporaryDirectory(prefix="lossbook-gradescope-") as tmp:
        graded, = grade_matched([notebooks[0]], exercises={name: exercise}, matched=[name],
                                workers=1, limits=Limits(), hidden=[str(root), tmp],
                                show_hidden=show_hidden)
    output = graded.note
    if len(notebooks) > 1:
        output = f"Graded {notebooks[0].name}, the first of {len(notebooks)} notebooks. " + output
    return {"score": graded.total, "output": output.strip(),
            "tests": [{"name": q, "score": graded.scores[q], "max_score": graded.possible[q],
                       "output": graded.notes.get(q, "") or "all checks passed"}
                      for q in graded.possible]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lossbook.grading.gradescope")
    parser.add_argument("--root", type=Path, default=Path("/autograder"))
    args = parser.parse_args(argv)
    results = grade(args.root.resolve())
    out = args.root / "results" / "results.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=".results.")
    with os.fdopen(fd, "w") as f:
        json.dump(results, f, indent=1)
    os.replace(tmp, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
