"""Notebook execution times and explorable-figure update times.

Each course notebook (``lossbook.book.nbtools.course_notebooks``: every notebook
under ``chapters/``, ``exercises/`` and ``solutions/``, so chapters added
later are found) runs top to bottom in a fresh kernel, in its own folder, as
nbval and the book run it:

* **live** mode, as a learner runs it (explorers are ipywidgets): the kernel
  start and the cells are timed separately;
* optionally **static** mode (``LOSSBOOK_STATIC=1``), as the book build runs
  it, where every explorer precomputes all its frames.

After the cells of the live run, one more cell (not timed as part of the
notebook) asks :func:`lossbook.explore.instances` for the explorers the
notebook created, builds each one's live widget and moves its sliders one
step at a time, timing the callback each move runs (recompute, redraw,
encode, send to the front end) over at least ``EXPLORER_UPDATES`` updates.
The first visit to a slider value is included: it is what a learner waits
for when a figure computes on demand.
"""

from __future__ import annotations

import json
import os
import time
from contextlib import contextmanager
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell

from lossbook.book.nbtools import course_notebooks

from .budgets import EXPLORER_MEDIAN_MS, EXPLORER_UPDATES, NOTEBOOK_SECONDS

ROOT = Path(__file__).resolve().parent.parent
MARK = "LOSSBOOK-BENCHMARK-EXPLORERS "

# Runs in the kernel after the notebook. Kept free of names a notebook might use.
EXPLORER_CELL = r'''
def _lossbook_benchmark_explorers(updates):
    import json, statistics, time
    from lossbook import explore
    results = []
    found = explore.instances()

    def baseline_draw(fig, slope):  # the least an explorer can draw: one line
        fig.add_subplot().plot([0.0, 1.0], [0.0, slope])

    baseline = explore.Explorer(baseline_draw, {"slope": [0.5, 1.0, 1.5, 2.0]},
                                title="baseline", alt="One straight line, for timing.")
    for ex in found + [baseline]:
        box = ex.widget()  # builds the sliders and draws the first picture
        names = list(ex.params)
        index = {n: ex.params[n].index(box.sliders[n].value) for n in names}
        step = {n: 1 for n in names}
        times = []
        k = 0
        while len(times) < updates:
            n = names[k % len(names)]
            k += 1
            values = ex.params[n]
            if not 0 <= index[n] + step[n] < len(values):
                step[n] = -step[n]  # sweep back and forth, as a hand on a slider
            index[n] += step[n]
            t0 = time.perf_counter()
            box.sliders[n].value = values[index[n]]  # runs the update callback
            times.append(time.perf_counter() - t0)
        frames = 1
        for n in names:
            frames *= len(ex.params[n])
        results.append({"title": ex.title, "baseline": ex is baseline,
                        "params": names, "frames": frames,
                        "median_ms": 1e3 * statistics.median(times),
                        "worst_ms": 1e3 * max(times), "updates": len(times)})
        box.close()
    print("__MARK__" + json.dumps(results))
_lossbook_benchmark_explorers(__UPDATES__)
del _lossbook_benchmark_explorers
'''


@contextmanager
def _environment(static: bool):
    """Set LOSSBOOK_STATIC for the kernels started inside (they inherit the environment)."""
    old = os.environ.get("LOSSBOOK_STATIC")
    if static:
        os.environ["LOSSBOOK_STATIC"] = "1"
    else:
        os.environ.pop("LOSSBOOK_STATIC", None)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("LOSSBOOK_STATIC", None)
        else:
            os.environ["LOSSBOOK_STATIC"] = old


def _errors(nb) -> list[str]:
    out = []
    for i, cell in enumerate(nb.cells):
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error":
                out.append(f"cell {i}: {o.get('ename')}: {o.get('evalue')}"[:300])
    return out


def run_notebook(path: Path, static: bool = False, explorer_updates: int | None = None,
                 timeout: int = 600) -> dict:
    """Execute one notebook; return its timings (and explorer timings if asked)."""
    path = Path(path).resolve()
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    result = {"path": str(shown), "static": static}
    with _environment(static):
        t0 = time.perf_counter()
        with client.setup_kernel():
            t1 = time.perf_counter()
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
            t2 = time.perf_counter()
            result["kernel_start_s"] = t1 - t0
            result["run_s"] = t2 - t1
            result["cells"] = sum(c.cell_type == "code" for c in nb.cells)
            result["errors"] = _errors(nb)
            if explorer_updates:
                source = EXPLORER_CELL.replace("__MARK__", MARK)
                cell = new_code_cell(source.replace("__UPDATES__", str(int(explorer_updates))))
                nb.cells.append(cell)  # in memory only; the file is never written
                client.execute_cell(cell, len(nb.cells) - 1)
                explorers, baseline = _parse_explorers(cell)
                result["explorers"] = explorers
                result["explorer_error"] = None if isinstance(baseline, float) else baseline
                result["baseline_ms"] = baseline if isinstance(baseline, float) else None
    return result


def _parse_explorers(cell):
    text = "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")
    for line in text.splitlines():
        if line.startswith(MARK):
            found = json.loads(line[len(MARK):])
            return [e for e in found if not e.get("baseline")], \
                [e for e in found if e.get("baseline")][0]["median_ms"]
    errors = [f"{o.get('ename')}: {o.get('evalue')}" for o in cell.outputs
              if o.get("output_type") == "error"]
    return [], "; ".join(errors) or "no explorer report"


def run(notebooks: list[Path] | None = None, static: bool = True,
        explorer_updates: int = EXPLORER_UPDATES, log=print) -> dict:
    """Run every notebook live (timing explorers too) and, if asked, static."""
    paths = notebooks or course_notebooks(ROOT)
    rows = []
    for path in paths:
        try:
            row = run_notebook(path, static=False, explorer_updates=explorer_updates)
            if static:
                row["static_run_s"] = run_notebook(path, static=True)["run_s"]
        except Exception as exc:  # a dead kernel, a timeout, an unreadable notebook
            nan = float("nan")
            row = {"path": str(path), "static": static, "kernel_start_s": nan, "run_s": nan,
                   "static_run_s": nan, "cells": 0, "explorers": [], "explorer_error": None,
                   "errors": [f"{type(exc).__name__}: {exc}"[:300]]}
        rows.append(row)
        flag = "  OVER BUDGET" if row["run_s"] >= NOTEBOOK_SECONDS else ""
        if row["errors"]:
            flag += f"  ERRORS: {row['errors'][0]}"
        static_text = f", static {row['static_run_s']:.2f} s" if static else ""
        log(f"  {row['path']:38s} kernel {row['kernel_start_s']:.2f} s, "
            f"run {row['run_s']:.2f} s{static_text}{flag}")
        for ex in row.get("explorers", []):
            over = "" if ex["median_ms"] < EXPLORER_MEDIAN_MS else "  OVER BUDGET"
            log(f"      explorer {ex['title'][:48]!r}: median {ex['median_ms']:.1f} ms, "
                f"worst {ex['worst_ms']:.1f} ms over {ex['updates']} updates{over}")
        if row.get("explorer_error"):
            log(f"      explorers could not be timed: {row['explorer_error']}")
        elif row.get("baseline_ms"):
            log(f"      (baseline explorer, one line: median {row['baseline_ms']:.1f} ms)")
    return {"rows": rows, "static": static, "updates": explorer_updates}


def notebook_failures(result: dict) -> list[str]:
    out = []
    for r in result["rows"]:
        if r["run_s"] >= NOTEBOOK_SECONDS:
            out.append(f"notebook {r['path']}: {r['run_s']:.1f} s, budget {NOTEBOOK_SECONDS:g} s")
        if r["errors"]:
            out.append(f"ERROR: notebook {r['path']} raised: {r['errors'][0]}")
    return out


def explorer_failures(result: dict) -> list[str]:
    out = []
    for r in result["rows"]:
        for ex in r.get("explorers", []):
            if ex["median_ms"] >= EXPLORER_MEDIAN_MS:
                out.append(f"explorer {ex['title']!r} ({r['path']}): median update "
                           f"{ex['median_ms']:.1f} ms, budget {EXPLORER_MEDIAN_MS:g} ms")
        if r.get("explorer_error"):
            out.append(f"ERROR: explorers of {r['path']} could not be timed: {r['explorer_error']}")
    return out


def notebooks_markdown(result: dict) -> str:
    rows = result["rows"]
    static = result["static"]
    head = "| Notebook | Code cells | Kernel start (s) | Run, live (s) |"
    rule = "| --- | ---: | ---: | ---: |"
    if static:
        head += " Run, static as in the book build (s) |"
        rule += " ---: |"
    head += " Budget |"
    rule += " --- |"
    lines = [
        f"Top to bottom in a fresh kernel, in the notebook's folder. Live: as a learner "
        f"runs it (budget: under {NOTEBOOK_SECONDS:g} s, kernel start excluded). Static: "
        "with `LOSSBOOK_STATIC=1`, as the book build executes it, every explorer "
        "precomputing all its frames.", "", head, rule]
    for r in rows:
        status = "ok" if r["run_s"] < NOTEBOOK_SECONDS else "**OVER BUDGET**"
        if r["cells"] == 0 and not r["errors"]:
            status = "no code yet"
        if r["errors"]:
            status = f"**ERROR** ({r['errors'][0][:80]})"
        line = f"| `{r['path']}` | {r['cells']} | {r['kernel_start_s']:.2f} | {r['run_s']:.2f} |"
        if static:
            line += f" {r['static_run_s']:.2f} |"
        lines.append(line + f" {status} |")
    total_k = sum(r["kernel_start_s"] for r in rows)
    total_r = sum(r["run_s"] for r in rows)
    line = f"| **Total ({len(rows)} notebooks)** | {sum(r['cells'] for r in rows)} | {total_k:.2f} | {total_r:.2f} |"
    if static:
        line += f" {sum(r['static_run_s'] for r in rows):.2f} |"
    lines.append(line + " |")
    return "\n".join(lines)


def explorers_markdown(result: dict) -> str:
    baselines = sorted(r["baseline_ms"] for r in result["rows"] if r.get("baseline_ms"))
    base = (f" For scale, a plain explorer that redraws one line on fresh axes takes "
            f"{baselines[len(baselines) // 2]:.1f} ms per update in the same kernels (median): "
            "the cost of drawing a whole figure and encoding it, which an explorer that "
            "pre-renders its fixed parts can beat."
            if baselines else "")
    lines = [
        f"One update = the callback a slider move runs in a live kernel (recompute, "
        f"redraw, encode the PNG, send it to the page), timed over {result['updates']} "
        f"moves of one step, sweeping each slider back and forth. Budget: median under "
        f"{EXPLORER_MEDIAN_MS:g} ms.{base}", "",
        "| Notebook | Explorer | Sliders | Frames | Median (ms) | Worst (ms) | Budget |",
        "| --- | --- | --- | ---: | ---: | ---: | --- |"]
    count = 0
    for r in result["rows"]:
        for ex in r.get("explorers", []):
            count += 1
            status = "ok" if ex["median_ms"] < EXPLORER_MEDIAN_MS else "**OVER BUDGET**"
            title = ex["title"].replace("|", "\\|")
            lines.append(f"| `{r['path']}` | {title} | {', '.join(ex['params'])} | {ex['frames']} "
                         f"| {ex['median_ms']:.1f} | {ex['worst_ms']:.1f} | {status} |")
        if r.get("explorer_error"):
            lines.append(f"| `{r['path']}` | could not be timed: {r['explorer_error'][:80]} "
                         "| | | | | **ERROR** |")
    if not count:
        lines.append("| (no explorable figures yet) | | | | | | |")
    return "\n".join(lines)
