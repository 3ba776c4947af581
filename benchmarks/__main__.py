"""``python -m benchmarks``: measure the course, check the budgets, write RESULTS.md.

Examples (from the repository root)::

    python -m benchmarks                         # everything (about 15 minutes)
    python -m benchmarks --only losses           # the fast part, under a minute
    python -m benchmarks --only notebooks,explorers --no-static
    python -m benchmarks --only build --keep-build /tmp/bench-build
    python -m benchmarks --only grading --class-size 100

Exit status 1 when a budget is missed (each is printed on an ``OVER BUDGET:``
line) or a notebook or the build fails (an ``ERROR:`` line); 0 otherwise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path

from . import budgets, machine

PARTS = ("losses", "explorers", "notebooks", "build", "grading")
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"

SECTION_TITLES = {
    "machine": "Machine",
    "budgets": "Budgets",
    "notebooks": "Notebooks",
    "explorers": "Explorable figures",
    "build": "Book build and site size",
    "losses": "Losses and gradients against scikit-learn and PyTorch",
    "grading": "Grading a class",
    "notes": "Notes",
}
#: "notes" is written by hand (what a missed budget means, what was done) and
#: kept as it is by every run.
ORDER = ["machine", "budgets", "notes", "notebooks", "explorers", "build", "losses", "grading"]


def _parts(text: str) -> list[str]:
    chosen = [p.strip() for p in text.split(",") if p.strip()]
    bad = [p for p in chosen if p not in PARTS]
    if bad:
        raise argparse.ArgumentTypeError(
            f"unknown part {', '.join(bad)}; choose from {', '.join(PARTS)}")
    return chosen


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", type=_parts, default=list(PARTS), metavar="PARTS",
                        help="comma-separated parts to run: " + ", ".join(PARTS)
                        + " (default: all)")
    parser.add_argument("--notebooks", nargs="+", type=Path, metavar="PATH",
                        help="time these notebooks instead of every course notebook")
    parser.add_argument("--no-static", action="store_true",
                        help="skip the second, static-mode run of each notebook")
    parser.add_argument("--updates", type=int, default=budgets.EXPLORER_UPDATES,
                        help="explorer updates timed per explorer (at least 20; "
                        f"default {budgets.EXPLORER_UPDATES})")
    parser.add_argument("--repeat", type=int, default=15,
                        help="timed runs of each loss (default 15)")
    parser.add_argument("--keep-build", metavar="DIR",
                        help="build the book into DIR and keep it (default: a temporary folder)")
    parser.add_argument("--class-size", type=int, default=None, metavar="N",
                        help="notebooks in the generated class the grading part grades "
                        "(default 300)")
    parser.add_argument("--plain-every", type=int, default=None, metavar="K",
                        help="execute every K-th notebook of the class plainly and scale "
                        "(default 10; 1 executes them all)")
    parser.add_argument("--output", type=Path, default=RESULTS,
                        help="Markdown file to update (default benchmarks/RESULTS.md)")
    parser.add_argument("--no-write", action="store_true", help="print only, write no file")
    args = parser.parse_args(argv)
    if args.updates < 20:
        parser.error("--updates must be at least 20")
    if args.class_size is not None and args.class_size < 1:
        parser.error("--class-size must be at least 1")
    if args.plain_every is not None and args.plain_every < 1:
        parser.error("--plain-every must be at least 1")
    return args


def _replace_sections(old: str, sections: dict[str, str]) -> str:
    """Update the given sections of the results file, keeping the others."""
    kept = {}
    for name in ORDER:
        m = re.search(rf"<!-- begin {name} -->\n(.*?)<!-- end {name} -->", old, re.S)
        if m:
            kept[name] = m.group(1).rstrip("\n")
    kept.update(sections)
    out = [
        "# Benchmark results",
        "",
        "Written by `python -m benchmarks` (see `benchmarks/__init__.py` for what each part "
        "measures and how). A run of some parts (`--only`) updates their sections and "
        "keeps the others, so sections may come from different runs: each says when it "
        "was measured.",
        "",
    ]
    for name in ORDER:
        if name in kept:
            out += [f"## {SECTION_TITLES[name]}", "", f"<!-- begin {name} -->", kept[name],
                    f"<!-- end {name} -->", ""]
    return "\n".join(out)


#: The part of the benchmark each budget row belongs to.
BUDGET_PART = {
    "Notebook, top to bottom": "notebooks",
    "Explorable-figure update, median": "explorers",
    "Rebuild with nothing changed": "build",
    "Loss time / fastest library": "losses",
    "Loss values vs libraries (relative)": "losses",
    "Notebooks graded a minute": "grading",
    "Grading time / plain execution": "grading",
}


def _budget_table(checked: dict[str, tuple[str, str, bool]], old: str, run_parts,
                  when: str) -> str:
    """The budget table: rows of this run, and the previous rows of the parts not run."""
    rows = {}
    m = re.search(r"<!-- begin budgets -->\n(.*?)<!-- end budgets -->", old, re.S)
    for line in (m.group(1).splitlines() if m else []):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and BUDGET_PART.get(cells[0]) not in (None, *run_parts):
            rows[cells[0]] = line
    for name, (limit, measured, ok) in checked.items():
        rows[name] = (f"| {name} | {limit} | {measured} | {'ok' if ok else '**OVER BUDGET**'} "
                      f"| {when} |")
    lines = ["| Budget | Limit | Measured (worst) | Status | Measured on |",
             "| --- | --- | --- | --- | --- |"]
    lines += [rows[name] for name in BUDGET_PART if name in rows]
    return "\n".join(lines)


def main(argv=None) -> int:
    args = parse_args(argv)
    started = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    load_before = machine.load_average()
    sections: dict[str, str] = {}
    failures: list[str] = []
    checked: dict[str, tuple[str, str, bool]] = {}

    def stamp() -> str:
        now = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
        return (f"Measured {now}, load average {machine.load_average()} (1, 5, 15 min) "
                "at the start: other processes slow the timings down.")

    # The losses first: they are the most sensitive to load, which the
    # notebook kernels and the build add to.
    if "losses" in args.only:
        from . import losses

        here = stamp()
        print("Losses and gradients")
        result = losses.run(repeat=args.repeat)
        bad = losses.budget_failures(result)
        failures += bad
        sections["losses"] = here + "\n\n" + losses.markdown(result)
        rated = [r for r in result["rows"] if r["ratio"] is not None]
        if rated:
            worst = max(rated, key=lambda r: r["ratio"])
            checked["Loss time / fastest library"] = (
                f"at most {budgets.LOSS_RATIO:g}x", f"{worst['ratio']:.2f}x (`{worst['name']}`)",
                all(r["ratio_ok"] for r in rated))
            err = max((e for r in result["rows"] for e in r["errors"].values()), default=0.0)
            checked["Loss values vs libraries (relative)"] = (
                f"at most {budgets.LOSS_RTOL:g}", f"{err:.1e}", err <= budgets.LOSS_RTOL)

    if "notebooks" in args.only or "explorers" in args.only:
        from . import notebooks

        here = stamp()
        print("Notebooks (live, then static)" if not args.no_static else "Notebooks (live)")
        result = notebooks.run(args.notebooks, static=not args.no_static,
                               explorer_updates=args.updates)
        rows = result["rows"]
        if "notebooks" in args.only:
            failures += notebooks.notebook_failures(result)
            sections["notebooks"] = here + "\n\n" + notebooks.notebooks_markdown(result)
            if rows:
                worst = max(rows, key=lambda r: r["run_s"])
                checked["Notebook, top to bottom"] = (
                    f"under {budgets.NOTEBOOK_SECONDS:g} s", f"{worst['run_s']:.2f} s "
                    f"(`{worst['path']}`)", not notebooks.notebook_failures(result))
        if "explorers" in args.only:
            failures += notebooks.explorer_failures(result)
            sections["explorers"] = here + "\n\n" + notebooks.explorers_markdown(result)
            exs = [(ex, r["path"]) for r in rows for ex in r.get("explorers", [])]
            if exs:
                ex, path = max(exs, key=lambda e: e[0]["median_ms"])
                checked["Explorable-figure update, median"] = (
                    f"under {budgets.EXPLORER_MEDIAN_MS:g} ms",
                    f"{ex['median_ms']:.1f} ms ({ex['title']}, `{path}`)",
                    not notebooks.explorer_failures(result))

    if "build" in args.only:
        from . import build

        here = stamp()
        print("Book build")
        result = build.run(keep=args.keep_build)
        failures += build.failures(result)
        sections["build"] = here + "\n\n" + build.markdown(result)
        checked["Rebuild with nothing changed"] = (
            f"under {budgets.REBUILD_SECONDS:g} s", f"{result['rebuild']['seconds']:.1f} s",
            result["rebuild"]["seconds"] < budgets.REBUILD_SECONDS)

    if "grading" in args.only:
        from . import grading

        here = stamp()
        print("Grading a class")
        options = {k: v for k, v in (("size", args.class_size),
                                     ("plain_every", args.plain_every)) if v is not None}
        result = grading.run(**options)
        failures += grading.failures(result)
        sections["grading"] = here + "\n\n" + grading.markdown(result)
        checked["Notebooks graded a minute"] = (
            f"more than {budgets.GRADING_PER_MINUTE:g}",
            f"{result['per_minute']:.0f} ({result['size']} notebooks)",
            result["per_minute"] > budgets.GRADING_PER_MINUTE and not result["errors"])
        checked["Grading time / plain execution"] = (
            f"under {budgets.GRADING_RATIO:g}", f"{result['ratio']:.3f}",
            result["ratio"] < budgets.GRADING_RATIO and not result["errors"])

    load_after = machine.load_average()
    sections["machine"] = machine.markdown(machine.describe(), started, load_before, load_after)
    old = args.output.read_text() if args.output.exists() else ""
    budget_text = _budget_table(checked, old, args.only, started)
    if failures:
        budget_text += "\n\nMissed in this run:\n\n" + "\n".join(
            f"- {f}" if f.startswith("ERROR: ") else f"- OVER BUDGET: {f}" for f in failures)
    sections["budgets"] = (f"The latest figure of each budget. The run of {started} measured: "
                           f"{', '.join(args.only)}.\n\n" + budget_text)

    print()
    for line in failures:
        print(line if line.startswith("ERROR: ") else f"OVER BUDGET: {line}")
    if not failures:
        print("All budgets met.")
    if not args.no_write:
        args.output.write_text(_replace_sections(old, sections))
        print(f"Results written to {args.output}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
