"""The benchmark tool works (its measurements are not tested here: they depend on the machine)."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # the benchmarks package lives at the repository root
    sys.path.insert(0, str(ROOT))

from benchmarks import __main__ as cli  # noqa: E402
from benchmarks import build, losses, notebooks  # noqa: E402


def test_relative_error():
    assert losses.relative_error(1.0, 1.0) == 0.0
    assert losses.relative_error(1.0 + 1e-12, 1.0) == pytest.approx(1e-12, rel=1e-3)
    assert losses.relative_error(np.array([1.0, 2.0]), np.array([1.0, 4.0])) == 0.5
    assert losses.relative_error(np.zeros(2), np.zeros(3)) == float("inf")


def test_every_loss_case_agrees_with_its_libraries_on_small_data(monkeypatch):
    monkeypatch.setattr(losses, "N", 1000)
    monkeypatch.setattr(losses, "N_ROWS", 100)
    result = losses.run(repeat=1, log=lambda *a: None)
    names = {r["name"] for r in result["rows"]}
    assert {"mse", "cross_entropy (labels)", "hinge_grad"} <= names
    for row in result["rows"]:
        assert row["values_ok"], (row["name"], row["errors"])
    table = losses.markdown(result)
    assert table.count("\n| `") == len(result["rows"])


def test_only_parts_are_checked():
    assert cli.parse_args(["--only", "losses,build"]).only == ["losses", "build"]
    with pytest.raises(SystemExit):
        cli.parse_args(["--only", "speed"])
    with pytest.raises(SystemExit):
        cli.parse_args(["--updates", "5"])


def test_results_file_keeps_the_sections_it_does_not_update():
    first = cli._replace_sections("", {"machine": "M1", "losses": "L1", "build": "B1"})
    second = cli._replace_sections(first, {"losses": "L2"})
    assert "L2" in second and "L1" not in second
    assert "B1" in second and "M1" in second
    assert second.index("## Book build") < second.index("## Losses")


def test_page_sizes(tmp_path):
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "theme.css").write_bytes(b"x" * 100)
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "a.html").write_bytes(b"x" * 30)
    (tmp_path / "index.html").write_bytes(b"x" * 10)
    sizes = build.page_sizes(tmp_path)
    assert sizes["pages"] == {"chapters/a.html": 30, "index.html": 10}
    assert sizes["total"] == 140 and sizes["files"] == 3
    assert sizes["parts"]["_static (theme, scripts, MathJax)"] == 100


def test_a_notebook_and_its_explorer_are_timed(tmp_path):
    nb = new_notebook(cells=[
        new_code_cell("import numpy as np\nfrom lossbook.explore import Explorer"),
        new_code_cell(
            "def draw(fig, slope, intercept):\n"
            "    fig.add_subplot().plot([0, 1], [intercept, intercept + slope])\n"
            "Explorer(draw, {'slope': [1.0, 2.0, 3.0], 'intercept': [0.0, 1.0]}, title='A line',\n"
            "         alt=lambda slope, intercept: f'A line of slope {slope}.')"),
    ])
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    row = notebooks.run_notebook(path, explorer_updates=20)
    assert row["errors"] == [] and row["cells"] == 2
    assert row["kernel_start_s"] > 0 and row["run_s"] > 0
    assert row["explorer_error"] is None and row["baseline_ms"] > 0
    [ex] = row["explorers"]
    assert ex["title"] == "A line" and ex["frames"] == 6 and ex["updates"] == 20
    assert 0 < ex["median_ms"] <= ex["worst_ms"]
    assert nbformat.read(path, as_version=4) == nb  # the notebook file is left as it was


def test_budget_rows_of_parts_not_run_are_kept():
    first = cli._replace_sections("", {"budgets": cli._budget_table(
        {"Rebuild with nothing changed": ("under 20 s", "12.0 s", True),
         "Loss time / fastest library": ("at most 1.5x", "2.0x", False)}, "", ["build", "losses"],
        "monday")})
    table = cli._budget_table({"Loss time / fastest library": ("at most 1.5x", "1.2x", True)},
                              first, ["losses"], "tuesday")
    assert "| Rebuild with nothing changed | under 20 s | 12.0 s | ok | monday |" in table
    assert "1.2x | ok | tuesday" in table and "2.0x" not in table


def test_a_generated_class_follows_its_plan(tmp_path):
    from benchmarks import grading

    plan = [None, {}, {"q1": "sums instead of averaging"}]
    paths = grading.make_class(tmp_path, plan)
    assert [p.relative_to(tmp_path).as_posix() for p in paths] == [
        f"learner{i:03d}/{grading.EXERCISE}.ipynb" for i in range(3)]
    blank = nbformat.read(ROOT / "exercises" / f"{grading.EXERCISE}.ipynb", as_version=4)
    solved = grading.solution_answers()
    [wrong] = [m["answer"].strip() for m in grading.mutations()
               if (m["question"], m["mistake"]) == ("q1", "sums instead of averaging")]
    answers = [{c["id"]: c.source for c in nbformat.read(p, as_version=4).cells
                if c["id"] in solved} for p in paths]
    assert answers[0] == {c["id"]: c.source for c in blank.cells if c["id"] in solved}
    assert answers[1] == solved and "BEGIN SOLUTION" in answers[1]["q1-answer"]
    assert answers[2] == {**solved, "q1-answer": wrong}
    with pytest.raises(ValueError, match="no mutation 'divides by zero' for q1"):
        grading.make_class(tmp_path / "bad", [{"q1": "divides by zero"}])


def test_a_random_class_is_deterministic_and_mixed():
    from benchmarks import grading

    plan = grading.random_plan(300)
    assert plan == grading.random_plan(300)
    blank, solved = sum(p is None for p in plan), sum(p == {} for p in plan)
    assert 20 < blank < 70 and 80 < solved < 160 and blank + solved < 300
    names = {(m["question"], m["mistake"]) for m in grading.mutations()}
    assert all(item in names for p in plan if p for item in p.items())


def test_the_grading_benchmark_reports_its_figures_on_a_tiny_class():
    import importlib.util

    from benchmarks import grading

    if importlib.util.find_spec("lossbook.grade") is None:
        pytest.skip("`python -m lossbook.grade` (the grading command) is not importable here")
    result = grading.run(size=2, plain_every=2, log=lambda *a: None)
    assert result["errors"] == [] and result["graded"] == 2
    assert result["grade_s"] > 0 and result["plain_sample"] == 1 and result["plain_s"] > 0
    assert result["per_minute"] == pytest.approx(120 / result["grade_s"])
    assert result["ratio"] == pytest.approx(result["grade_s"] / result["plain_s"])
    table = grading.markdown(result)
    assert "| Notebooks graded a minute |" in table
    assert "measured on one notebook in 2, 1 of them" in table
    assert cli.parse_args(["--only", "grading", "--class-size", "5"]).class_size == 5
    with pytest.raises(SystemExit):
        cli.parse_args(["--plain-every", "0"])


def test_grading_budgets_are_checked():
    from benchmarks import grading

    base = {"errors": [], "per_minute": 150.0, "ratio": 0.3}
    assert grading.failures(base) == []
    slow = grading.failures({**base, "per_minute": 90.0, "ratio": 0.6})
    assert len(slow) == 2 and "90 notebooks a minute" in slow[0] and "0.60" in slow[1]
    assert grading.failures({**base, "errors": ["ERROR: x"]}) == ["ERROR: x"]
