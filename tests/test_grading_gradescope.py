"""Each Gradescope autograder zip, end to end: unzipped, run as Gradescope runs it.

Gradescope unpacks the zip into ``/autograder/source``, puts the submission in
``/autograder/submission`` and runs ``run_autograder``, which writes
``/autograder/results/results.json``. Here the same layout lives in a
temporary folder (``AUTOGRADER_ROOT``), and the zip's own copy of the course
package grades: the solution earns full marks, the blank notebook 0, and an
attack that reads the tests or patches the checks 0.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from attacks.submissions import blank, points, solved, with_cell

from lossbook.grading import exercises, harness

ROOT = Path(__file__).resolve().parent.parent
NAMES = exercises.exercise_names()

ATTACK = """
import glob, os, sys, types
fake = types.ModuleType("lossbook.grading")
for name in ["check_call", "check_number", "check_choice", "check_raises"]:
    setattr(fake, name, lambda *a, **k: None)
sys.modules["lossbook.grading"] = fake
found = glob.glob("{root}/source/tests/*.py") + glob.glob("/autograder/source/tests/*.py")
smooth_l1_judgement = "b" if found else "a"
"""




def run_zip(zip_path: Path, notebook, root: Path) -> dict:
    """Unzip ``zip_path`` as Gradescope does, submit ``notebook``, run ``run_autograder``."""
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(root / "source")
    (root / "submission").mkdir()
    (root / "results").mkdir()
    nbformat.write(notebook, root / "submission" / "submission.ipynb")
    env = dict(os.environ, AUTOGRADER_ROOT=str(root),
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    proc = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads((root / "results" / "results.json").read_text())


def _by_question(results: dict) -> dict[str, float]:
    return {t["name"]: float(t["score"]) for t in results["tests"]}


@pytest.mark.parametrize("name", NAMES)
def test_solution_scores_full_marks_and_blank_zero(built, name, tmp_path):
    zip_path = built(name).zip_path
    full = run_zip(zip_path, solved(built(name)), tmp_path / "solution")
    assert _by_question(full) == points(name) and full["score"] == sum(points(name).values())
    zero = run_zip(zip_path, blank(name), tmp_path / "blank")
    assert zero["score"] == 0 and set(_by_question(zero).values()) == {0.0}
    assert all(t["output"] for t in zero["tests"])  # feedback on every question


def test_the_zip_runs_the_trusted_harness(built):
    with zipfile.ZipFile(built("04_huber").zip_path) as zf:
        runner = zf.read("run_autograder").decode()
        assert "lossbook.grading.gradescope" in runner and "run_otter" not in runner
        assert json.loads(zf.read("sandbox.json")) == {"modules": [], "names": {}}


def test_an_attack_earns_nothing_through_the_zip(built, tmp_path):
    if harness.isolation() != "root":
        pytest.skip("needs root: without hidden folders the sandbox can read the zip's tests")
    root = tmp_path / "attack"
    nb = with_cell(blank("04_huber"), ATTACK.format(root=root), after="the end")
    results = run_zip(built("04_huber").zip_path, nb, root)
    assert results["score"] == 0, results
