"""Grading throughput: a class graded by ``python -m lossbook.grade`` against plain execution.

A class of learners' notebooks of one exercise is generated (deterministic:
seeded): copies of the exercise notebook in which most learners answered
every question as the solution does, some left everything blank, and the
others made one or two of the typical mistakes of the exercise's mutation
catalogue (``tests/mutations/NN_name.py``). Then

* ``python -m lossbook.grade`` grades the whole class folder in one run (all
  cores, its default), timed from start to exit;
* ``jupyter nbconvert --to notebook --execute`` executes the same notebooks one
  by one, each in its own process, as merely running them costs. To keep the
  benchmark short only one notebook in ``plain_every`` is executed and the
  time is scaled to the class (the output says so).

The figures: notebooks graded a minute, and the ratio of the grading time to
the plain execution time of the same notebooks.
"""

from __future__ import annotations

import copy
import csv
import os
import runpy
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import numpy as np

from .budgets import GRADING_PER_MINUTE, GRADING_RATIO

ROOT = Path(__file__).resolve().parent.parent
EXERCISE = "02_mse_mae"
CLASS_SIZE = 300
PLAIN_EVERY = 10

#: Share of learners who answer every question right, leave every answer
#: blank; the others make one or two typical mistakes.
SHARE_SOLVED = 0.4
SHARE_BLANK = 0.15


def solution_answers(exercise: str = EXERCISE) -> dict[str, str]:
    """Answer-cell id -> the solution's answer (``qN-answer`` cells of the solution)."""
    nb = nbformat.read(ROOT / "solutions" / f"{exercise}.ipynb", as_version=4)
    return {c["id"]: c.source for c in nb.cells
            if c.cell_type == "code" and str(c.get("id", "")).endswith("-answer")}


def mutations(exercise: str = EXERCISE) -> list[dict]:
    """The exercise's catalogue of typical wrong answers (``tests/mutations/``)."""
    path = ROOT / "tests" / "mutations" / f"{exercise}.py"
    if not path.exists():
        raise FileNotFoundError(f"no mutation catalogue {path.relative_to(ROOT)}: choose an "
                                "exercise that has one")
    return runpy.run_path(str(path))["MUTATIONS"]


def random_plan(size: int, exercise: str = EXERCISE, seed: int = 0) -> list[dict | None]:
    """What each learner of a class of ``size`` does, drawn with a seeded generator.

    ``None`` is a blank notebook; a dict maps a question to the ``mistake``
    name of the mutation its answer has (an empty dict answers every
    question right).
    """
    rng = np.random.default_rng(seed)
    catalogue = mutations(exercise)
    plan: list[dict | None] = []
    for _ in range(size):
        u = rng.random()
        if u < SHARE_BLANK:
            plan.append(None)
        elif u < SHARE_BLANK + SHARE_SOLVED:
            plan.append({})
        else:
            picked = {}
            for i in rng.choice(len(catalogue), size=int(rng.integers(1, 3)), replace=False):
                picked.setdefault(catalogue[i]["question"], catalogue[i]["mistake"])
            plan.append(picked)
    return plan


def make_class(folder: Path, plan: list[dict | None], exercise: str = EXERCISE,
               extra: list[dict] = ()) -> list[Path]:
    """Write one notebook per entry of ``plan`` (see :func:`random_plan`) under ``folder``.

    Learner *i*'s notebook is ``folder/learnerNNN/<exercise>.ipynb``: the
    exercise notebook with its answer cells filled in as planned. ``extra``
    adds wrong answers to the catalogue's, in its format (``question``,
    ``mistake``, ``answer``).
    """
    blank = nbformat.read(ROOT / "exercises" / f"{exercise}.ipynb", as_version=4)
    solved = solution_answers(exercise)
    wrong = {(m["question"], m["mistake"]): m["answer"].strip()
             for m in [*mutations(exercise), *extra]}
    paths = []
    for i, learner in enumerate(plan):
        nb = copy.deepcopy(blank)
        if learner is not None:
            unknown = [k for k in learner.items() if k not in wrong]
            if unknown:
                raise ValueError(f"no mutation {unknown[0][1]!r} for {unknown[0][0]} in "
                                 f"tests/mutations/{exercise}.py; use one of its 'mistake' names")
            for cell in nb.cells:
                cid = str(cell.get("id", ""))
                if cid in solved:
                    question = cid[:-len("-answer")]
                    cell.source = wrong.get((question, learner.get(question)), solved[cid])
        path = Path(folder) / f"learner{i:03d}" / f"{exercise}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, path)
        paths.append(path)
    return paths


def _grade(folder: Path, out: Path) -> tuple[float, subprocess.CompletedProcess]:
    cmd = [sys.executable, "-m", "lossbook.grade", str(folder), "--out", str(out)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    return time.perf_counter() - t0, proc


def _nbconvert() -> list[str]:
    exe = Path(sys.executable).with_name("jupyter-nbconvert")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "nbconvert"]


def _execute(path: Path, out_dir: Path) -> tuple[float, int]:
    cmd = _nbconvert() + ["--to", "notebook", "--execute", "--allow-errors",
                          "--output-dir", str(out_dir), str(path)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=path.parent, capture_output=True, text=True)
    return time.perf_counter() - t0, proc.returncode


def _load() -> str:
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def run(size: int = CLASS_SIZE, plain_every: int = PLAIN_EVERY, exercise: str = EXERCISE,
        log=print) -> dict:
    """Generate a class, grade it, execute a sample plainly; return the figures."""
    if size < 1 or plain_every < 1:
        raise ValueError(f"the class needs at least one notebook and plain_every must be at "
                         f"least 1 (got size={size}, plain_every={plain_every})")
    errors: list[str] = []
    with tempfile.TemporaryDirectory(prefix="lossbook-bench-grading-") as tmp:
        tmp = Path(tmp)
        plan = random_plan(size, exercise)
        paths = make_class(tmp / "class", plan, exercise)
        kinds = {"solved": sum(p == {} for p in plan), "blank": sum(p is None for p in plan)}
        kinds["with mistakes"] = size - kinds["solved"] - kinds["blank"]
        log(f"  a class of {size} notebooks of {exercise} ({kinds['solved']} solved, "
            f"{kinds['blank']} blank, {kinds['with mistakes']} with typical mistakes)")

        load_before = _load()
        grade_s, proc = _grade(tmp / "class", tmp / "scores.csv")
        graded = 0
        if proc.returncode != 0:
            errors.append(f"ERROR: python -m lossbook.grade exited with status {proc.returncode}: "
                          + (proc.stderr.strip().splitlines() or ["no message"])[-1][:300])
        elif (tmp / "scores.csv").exists():
            with open(tmp / "scores.csv", newline="", encoding="utf-8") as f:
                graded = len({row["notebook"] for row in csv.DictReader(f)})
            if graded != size:
                errors.append(f"ERROR: the scores file has {graded} notebooks, not {size}")
        log(f"  graded in {grade_s:.1f} s ({60 * size / grade_s:.0f} notebooks a minute)")
        load_between = _load()

        sample = paths[::plain_every]
        out_dir = tmp / "executed"
        plain_sample_s = 0.0
        for path in sample:
            seconds, code = _execute(path, out_dir)
            plain_sample_s += seconds
            if code != 0:
                errors.append(f"ERROR: jupyter nbconvert --execute failed on {path.name} "
                              f"(exit status {code})")
                break
        plain_s = plain_sample_s * size / len(sample)
        log(f"  plain execution, one by one: {plain_sample_s:.1f} s for {len(sample)} of the "
            f"notebooks (one in {plain_every}), {plain_s:.1f} s scaled to the class")
        load_after = _load()

    per_minute = 60 * size / grade_s
    ratio = grade_s / plain_s if plain_s else float("inf")
    return {"exercise": exercise, "size": size, "kinds": kinds, "graded": graded,
            "grade_s": grade_s, "per_minute": per_minute, "cpus": os.cpu_count(),
            "plain_every": plain_every, "plain_sample": len(sample),
            "plain_sample_s": plain_sample_s, "plain_s": plain_s, "ratio": ratio,
            "load_before": load_before, "load_between": load_between,
            "load_after": load_after, "errors": errors}


def failures(result: dict) -> list[str]:
    out = list(result["errors"])
    if result["per_minute"] <= GRADING_PER_MINUTE:
        out.append(f"grading throughput {result['per_minute']:.0f} notebooks a minute, budget "
                   f"more than {GRADING_PER_MINUTE:g}")
    if result["ratio"] >= GRADING_RATIO:
        out.append(f"grading takes {result['ratio']:.2f} of the plain execution time, budget "
                   f"under {GRADING_RATIO:g}")
    return out


def markdown(result: dict) -> str:
    r = result
    per_minute_ok = "ok" if r["per_minute"] > GRADING_PER_MINUTE else "**OVER BUDGET**"
    ratio_ok = "ok" if r["ratio"] < GRADING_RATIO else "**OVER BUDGET**"
    scaled = ("" if r["plain_every"] == 1 else
              f" (measured on one notebook in {r['plain_every']}, {r['plain_sample']} of them, "
              f"{r['plain_sample_s']:.1f} s, and scaled to the class)")
    lines = [
        f"A class of {r['size']} notebooks of exercise `{r['exercise']}`, generated with a "
        f"seeded generator: {r['kinds']['solved']} answer every question as the solution does, "
        f"{r['kinds']['blank']} are blank, {r['kinds']['with mistakes']} make one or two typical "
        "mistakes of the exercise's mutation catalogue. Load average (1, 5, 15 min) "
        f"{r['load_before']} before grading, {r['load_between']} after it (before the plain "
        f"execution), {r['load_after']} at the end: other processes slow both down.",
        "",
        "| Measure | Value | Budget | Status |",
        "| --- | ---: | --- | --- |",
        f"| `python -m lossbook.grade` on the class folder ({r['cpus']} cores) | "
        f"{r['grade_s']:.1f} s | | |",
        f"| Notebooks graded a minute | {r['per_minute']:.0f} | more than "
        f"{GRADING_PER_MINUTE:g} | {per_minute_ok} |",
        f"| `jupyter nbconvert --to notebook --execute`, one notebook after the other"
        f"{scaled} | {r['plain_s']:.1f} s | | |",
        f"| Grading time / plain execution time | {r['ratio']:.3f} | under {GRADING_RATIO:g} "
        f"| {ratio_ok} |",
    ]
    if r["errors"]:
        lines += ["", "Errors:", ""] + [f"- {e}" for e in r["errors"]]
    return "\n".join(lines)
