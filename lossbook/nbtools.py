"""Keep notebooks clean: no outputs, except the pinned worked numbers.

A code cell tagged ``nbval-check-output`` *pins* its output: the text
teaches that number, so the output is committed and nbval compares it
exactly on every run. Every other output is stripped before a commit.

Usage (from the repository root)::

    python -m lossbook.nbtools pin chapters/02_mse_mae.ipynb   # run, keep pinned outputs only
    python -m lossbook.nbtools pin --all                        # every notebook of the course
    python -m lossbook.nbtools check --all                      # exit 1 if any stray output

``pin`` executes the notebook top to bottom in a fresh kernel (in the
notebook's folder, as nbval and the book do), then writes it back with the
outputs of pinned cells only and no execution counts.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

PIN_TAG = "nbval-check-output"
NOTEBOOK_DIRS = ("chapters", "exercises", "solutions")
ROOT = Path(__file__).resolve().parent.parent


def course_notebooks(root: Path = ROOT) -> list[Path]:
    """Every notebook of the course, in a stable order."""
    return sorted(p for d in NOTEBOOK_DIRS for p in (root / d).glob("*.ipynb"))


def is_pinned(cell) -> bool:
    return cell.get("cell_type") == "code" and PIN_TAG in cell.get("metadata", {}).get("tags", [])


def stray_outputs(nb) -> list[int]:
    """Indices of code cells that carry outputs or counts without being pinned,
    or are pinned but carry no output."""
    bad = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if is_pinned(cell):
            if not cell.get("outputs"):
                bad.append(i)
        elif cell.get("outputs") or cell.get("execution_count") is not None:
            bad.append(i)
    return bad


def strip(nb) -> None:
    """Remove every output but the pinned ones, and all execution counts."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.execution_count = None
        for out in cell.get("outputs", []):
            if "execution_count" in out:
                out["execution_count"] = None
        if not is_pinned(cell):
            cell.outputs = []
    nb.metadata.pop("widgets", None)


def pin(path: Path, timeout: int = 120) -> None:
    """Execute ``path`` in a fresh kernel and keep only the pinned outputs."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    strip(nb)
    nbformat.write(nb, path)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lossbook.nbtools", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["pin", "strip", "check"])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--all", action="store_true", help="every notebook of the course")
    args = parser.parse_args(argv)
    paths = course_notebooks() if args.all else args.notebooks
    if not paths:
        parser.error("name notebooks or pass --all")
    status = 0
    for path in paths:
        if args.command == "pin":
            pin(path)
            print(f"pinned {path}")
        elif args.command == "strip":
            nb = nbformat.read(path, as_version=4)
            strip(nb)
            nbformat.write(nb, path)
        else:
            bad = stray_outputs(nbformat.read(path, as_version=4))
            if bad:
                status = 1
                print(f"{path}: cells {bad} carry unpinned output, or are pinned without "
                      f"output; run `python -m lossbook.nbtools pin {path}`")
    return status


if __name__ == "__main__":
    sys.exit(main())
